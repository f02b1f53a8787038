import type { Dialect } from './config';
import { TypeFact, TypeFamily } from './types';

/**
 * What FK Guard knows of a SQLAlchemy (or SQL) type name: its family and a PostgreSQL spelling. The spelling
 * takes the call's arguments (`String(255)` → `varchar(255)`).
 */
interface KnownType {
  family: TypeFamily;
  sql: (args: string[], kwargs: Record<string, string>) => string;
}

const len = (base: string) => (args: string[], kw: Record<string, string>) => {
  const n = kw.length ?? args[0];
  return n && /^\d+$/.test(n) ? `${base}(${n})` : base;
};
const fixed = (sql: string) => () => sql;
const numeric = (args: string[], kw: Record<string, string>) => {
  const p = kw.precision ?? args[0];
  const s = kw.scale ?? args[1];
  if (p && /^\d+$/.test(p)) return s && /^\d+$/.test(s) ? `numeric(${p},${s})` : `numeric(${p})`;
  return 'numeric';
};
/** A precision written as a literal (`postgresql.TIMESTAMP(precision=3)`): `(3)`, else nothing (PostgreSQL's default, 6). */
const precision = (kw: Record<string, string>) => (kw.precision && /^\d+$/.test(kw.precision) ? `(${kw.precision})` : '');
const timestamp = (args: string[], kw: Record<string, string>) =>
  `${(kw.timezone ?? args[0]) === 'True' ? 'timestamptz' : 'timestamp'}${precision(kw)}`;
const time = (_args: string[], kw: Record<string, string>) => `time${precision(kw)}`;

/** SQLAlchemy generic, uppercase SQL, dialect-specific and common third-party type names. */
const KNOWN: Record<string, KnownType> = {
  Integer: { family: 'integer', sql: fixed('integer') },
  INTEGER: { family: 'integer', sql: fixed('integer') },
  INT: { family: 'integer', sql: fixed('integer') },
  SmallInteger: { family: 'integer', sql: fixed('smallint') },
  SMALLINT: { family: 'integer', sql: fixed('smallint') },
  BigInteger: { family: 'integer', sql: fixed('bigint') },
  BIGINT: { family: 'integer', sql: fixed('bigint') },
  Numeric: { family: 'numeric', sql: numeric },
  NUMERIC: { family: 'numeric', sql: numeric },
  DECIMAL: { family: 'numeric', sql: numeric },
  Float: { family: 'float', sql: fixed('double precision') },
  FLOAT: { family: 'float', sql: fixed('double precision') },
  Double: { family: 'float', sql: fixed('double precision') },
  DOUBLE: { family: 'float', sql: fixed('double precision') },
  DOUBLE_PRECISION: { family: 'float', sql: fixed('double precision') },
  REAL: { family: 'float', sql: fixed('real') },
  String: { family: 'string', sql: len('varchar') },
  Unicode: { family: 'string', sql: len('varchar') },
  VARCHAR: { family: 'string', sql: len('varchar') },
  NVARCHAR: { family: 'string', sql: len('varchar') },
  CHAR: { family: 'string', sql: len('char') },
  NCHAR: { family: 'string', sql: len('char') },
  Text: { family: 'string', sql: fixed('text') },
  UnicodeText: { family: 'string', sql: fixed('text') },
  TEXT: { family: 'string', sql: fixed('text') },
  CITEXT: { family: 'string', sql: fixed('citext') },
  AutoString: { family: 'string', sql: len('varchar') },
  UUID: { family: 'uuid', sql: fixed('uuid') },
  Uuid: { family: 'uuid', sql: fixed('uuid') },
  UUIDType: { family: 'uuid', sql: fixed('uuid') },
  Boolean: { family: 'boolean', sql: fixed('boolean') },
  BOOLEAN: { family: 'boolean', sql: fixed('boolean') },
  Date: { family: 'date', sql: fixed('date') },
  DATE: { family: 'date', sql: fixed('date') },
  DateTime: { family: 'datetime', sql: timestamp },
  DATETIME: { family: 'datetime', sql: timestamp },
  TIMESTAMP: { family: 'datetime', sql: timestamp },
  Time: { family: 'time', sql: fixed('time') },
  TIME: { family: 'time', sql: time },
  Interval: { family: 'interval', sql: fixed('interval') },
  INTERVAL: { family: 'interval', sql: fixed('interval') },
  LargeBinary: { family: 'binary', sql: fixed('bytea') },
  BYTEA: { family: 'binary', sql: fixed('bytea') },
  BLOB: { family: 'binary', sql: fixed('bytea') },
  JSON: { family: 'json', sql: fixed('json') },
  JSONB: { family: 'json', sql: fixed('jsonb') },
  Enum: { family: 'enum', sql: fixed('enum') },
  ENUM: { family: 'enum', sql: fixed('enum') },
  INET: { family: 'other', sql: fixed('inet') },
};

/** Module paths whose names are SQLAlchemy types (or aliases of them). */
export const TYPE_MODULES = [
  'sqlalchemy',
  'sqlalchemy.types',
  'sqlalchemy.sql.sqltypes',
  'sqlalchemy.dialects.postgresql',
  'sqlalchemy.dialects.mysql',
  'sqlalchemy.dialects.sqlite',
  'sqlalchemy_utils',
  'sqlalchemy_utils.types',
  'sqlmodel',
  'sqlmodel.sql.sqltypes',
];

export function knownType(
  name: string,
  args: string[] = [],
  kwargs: Record<string, string> = {},
): { family: TypeFamily; sqlType: string } | undefined {
  const k = Object.prototype.hasOwnProperty.call(KNOWN, name) ? KNOWN[name] : undefined;
  return k ? { family: k.family, sqlType: k.sql(args, kwargs) } : undefined;
}

/** Python annotation types (`Mapped[int]`, SQLModel fields) as SQLAlchemy's default type map reads them. */
const ANNOTATION: Record<string, { family: TypeFamily; sqlType: string }> = {
  int: { family: 'integer', sqlType: 'integer' },
  str: { family: 'string', sqlType: 'varchar' },
  'uuid.UUID': { family: 'uuid', sqlType: 'uuid' },
  UUID: { family: 'uuid', sqlType: 'uuid' },
  float: { family: 'float', sqlType: 'double precision' },
  Decimal: { family: 'numeric', sqlType: 'numeric' },
  'decimal.Decimal': { family: 'numeric', sqlType: 'numeric' },
  bool: { family: 'boolean', sqlType: 'boolean' },
  datetime: { family: 'datetime', sqlType: 'timestamp' },
  'datetime.datetime': { family: 'datetime', sqlType: 'timestamp' },
  date: { family: 'date', sqlType: 'date' },
  'datetime.date': { family: 'date', sqlType: 'date' },
  time: { family: 'time', sqlType: 'time' },
  'datetime.time': { family: 'time', sqlType: 'time' },
  timedelta: { family: 'interval', sqlType: 'interval' },
  'datetime.timedelta': { family: 'interval', sqlType: 'interval' },
  bytes: { family: 'binary', sqlType: 'bytea' },
};

export function annotationType(text: string): { family: TypeFamily; sqlType: string } | undefined {
  return Object.prototype.hasOwnProperty.call(ANNOTATION, text) ? ANNOTATION[text] : undefined;
}

/** The Python annotation that matches a family, for rewriting `Mapped[...]`; the import it needs, if any. */
export function pythonTypeFor(family: TypeFamily): { text: string; importModule?: string } | undefined {
  switch (family) {
    case 'integer':
      return { text: 'int' };
    case 'string':
      return { text: 'str' };
    case 'uuid':
      return { text: 'uuid.UUID', importModule: 'uuid' };
    case 'float':
      return { text: 'float' };
    case 'numeric':
      return { text: 'decimal.Decimal', importModule: 'decimal' };
    case 'boolean':
      return { text: 'bool' };
    case 'datetime':
      return { text: 'datetime.datetime', importModule: 'datetime' };
    case 'date':
      return { text: 'datetime.date', importModule: 'datetime' };
    case 'time':
      return { text: 'datetime.time', importModule: 'datetime' };
    case 'interval':
      return { text: 'datetime.timedelta', importModule: 'datetime' };
    case 'binary':
      return { text: 'bytes' };
    default:
      return undefined;
  }
}

/** The PostgreSQL type class of a spelling, as its btree operator families group them. */
type PgClass = 'int' | 'numeric' | 'float' | 'string' | 'datetime' | 'time' | 'interval' | string;

function pgClass(sqlType: string): PgClass {
  const base = sqlType.replace(/\(.*\)$/, '');
  switch (base) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'int';
    case 'numeric':
      return 'numeric';
    case 'real':
    case 'double precision':
      return 'float';
    case 'varchar':
    case 'char':
    case 'text':
      return 'string';
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      return 'datetime';
    default:
      return base;
  }
}

/**
 * Which FK column types PostgreSQL accepts for a key of the given class: the FK type must be coercible to
 * the key's type within one btree operator family. Measured against a real PostgreSQL (see the pglite test).
 */
const PG_ACCEPTS: Record<string, PgClass[]> = {
  int: ['int'],
  numeric: ['int', 'numeric'],
  float: ['int', 'numeric', 'float'],
  // citext casts to text where the key is text, but no text type casts to citext (`character varying and citext`).
  string: ['string', 'citext'],
  citext: ['citext'],
  datetime: ['datetime'],
  time: ['time'],
  interval: ['time', 'interval'],
};

/** A PostgreSQL date/time spelling with its default precision written out (`timestamptz(6)`) as the bare name. */
function defaultPrecision(sqlType: string): string {
  return sqlType.replace(/^(timestamp|timestamptz|time)\(6\)$/, '$1');
}

/** PostgreSQL types that have no btree equality at all, so they cannot be keys. */
const PG_NO_EQUALITY = new Set(['json']);

export type Verdict = 'same' | 'accepted' | 'refused';

/**
 * Would `dialect` create a foreign key from a column of type `fk` to a key of type `target`?
 * `same`: identical types; `accepted`: the database creates it, but the types differ (a warning at most);
 * `refused`: the database rejects the constraint (an error).
 */
export function compareTypes(dialect: Dialect, fk: string, target: string): Verdict {
  if (fk === target && !(dialect === 'postgresql' && PG_NO_EQUALITY.has(fk))) return 'same';
  // `timestamp(6)` is `timestamp`: 6 is PostgreSQL's default (and greatest) precision for date/time types (R14-9).
  if (dialect === 'postgresql' && fk !== target && defaultPrecision(fk) === defaultPrecision(target)) return 'same';
  const f = pgClass(fk);
  const t = pgClass(target);
  switch (dialect) {
    case 'postgresql': {
      if (PG_NO_EQUALITY.has(pgClass(target))) return 'refused';
      // citext casts to text, which a varchar key compares with, but not to char(n).
      if (f === 'citext' && target.startsWith('char')) return 'refused';
      const accepts = PG_ACCEPTS[t] ?? [t];
      return accepts.includes(f) ? 'accepted' : 'refused';
    }
    case 'mysql': {
      // MySQL has no uuid type: every ORM writes a uuid key as char(36) or varchar(36) there.
      if (uuidAsText(dialect, fk, target)) return 'same';
      // MySQL: integer and decimal types must match in size and sign; string lengths may differ.
      if ((f === 'string' || f === 'uuid') && (t === 'string' || t === 'uuid')) return 'accepted';
      return 'refused';
    }
    case 'sqlite':
      // SQLite stores a uuid as text (TypeORM writes varchar, Knex char(36)).
      if (uuidAsText(dialect, fk, target)) return 'same';
      // SQLite does not enforce column types on foreign keys; a difference is worth a warning only.
      return 'accepted';
  }
}

/**
 * A uuid against the text type the database stores one in: `char(36)` / `varchar(36)` on MySQL (Knex and
 * Sequelize write the first, TypeORM the second); on SQLite any text, whose affinity is the same.
 */
function uuidAsText(dialect: Dialect, a: string, b: string): boolean {
  const text = dialect === 'mysql' ? /^(?:var)?char\(36\)$/ : /^(?:var)?char(?:\(\d+\))?$|^text$/;
  return (a === 'uuid' && text.test(b)) || (b === 'uuid' && text.test(a));
}

/**
 * A type SQL DDL wrote, as MySQL (and MariaDB) read it where that differs from the PostgreSQL spelling FK Guard keeps
 * in `sqlType`: `SERIAL` is `BIGINT UNSIGNED`, `BOOL`/`BOOLEAN` are `TINYINT(1)`, `REAL` is `DOUBLE` (unless the server
 * runs with `REAL_AS_FLOAT`), `FLOAT` is single precision up to `FLOAT(24)`, `TINYINT` and `MEDIUMINT` are integers of
 * their own sizes, and `UNSIGNED` (or `ZEROFILL`) makes another integer type: MySQL and MariaDB want a foreign key's
 * integers of one size and one sign, a display width such as `TINYINT(1)` being no part of it. Used only where both
 * sides are SQL DDL judged by MySQL: the other readers spell MySQL's types PostgreSQL's way.
 */
export function mysqlReading(type: { name: string; text: string; family: TypeFamily; sqlType: string; unsigned?: true }): string {
  const name = type.name.toLowerCase();
  let base = type.sqlType;
  // The sign of a decimal is no part of it here: MariaDB 10.11 takes `DECIMAL(10,2) UNSIGNED` to `DECIMAL(10,2)`.
  let unsigned = type.unsigned === true && type.family === 'integer';
  if (name === 'serial') {
    base = 'bigint';
    unsigned = true;
  } else if (name === 'bool' || name === 'boolean' || name === 'tinyint') base = 'tinyint';
  else if (name === 'mediumint') base = 'mediumint';
  else if (name === 'real') base = 'double precision';
  else if (name === 'float') {
    const p = /\(\s*(\d+)/.exec(type.text);
    base = p && Number(p[1]) > 24 ? 'double precision' : 'real';
  }
  return unsigned ? `${base} unsigned` : base;
}

/**
 * How MariaDB's InnoDB stores a type (MySQL's spelling, as `mysqlReading` gives it, or PostgreSQL's), as far as its
 * foreign key check tells types apart (`cmp_cols_are_equal`): integers by size and sign (`DATE` is a 3-byte signed one,
 * `YEAR` a 1-byte unsigned one), and every fixed-length binary form alike (`DECIMAL` of any precision, `DATETIME`,
 * `TIMESTAMP` and `TIME` of any fraction). Undefined for a type this does not place. Measured on MariaDB 10.11.
 */
function mariadbStorage(type: string): string | undefined {
  const unsigned = type.endsWith(' unsigned');
  const base = (unsigned ? type.slice(0, -' unsigned'.length) : type).replace(/\(.*\)$/, '');
  const sign = unsigned ? 'u' : 's';
  switch (base) {
    case 'tinyint':
      return `int1${sign}`;
    case 'smallint':
      return `int2${sign}`;
    case 'mediumint':
      return `int3${sign}`;
    case 'integer':
      return `int4${sign}`;
    case 'bigint':
      return `int8${sign}`;
    case 'date':
      return 'int3s';
    case 'year':
      return 'int1u';
    case 'numeric':
    case 'timestamp':
    case 'time':
      return 'fixed-binary';
    default:
      return undefined;
  }
}

/**
 * A key MySQL 8 refuses and MariaDB accepts (R12-12): MySQL wants the same type (integers and decimals of one size and
 * sign), MariaDB only the same storage (see `mariadbStorage`): `DECIMAL(12,2)` to `DECIMAL(10,2)`, `DATETIME` to
 * `DECIMAL(10,2)`, `DATE` to `MEDIUMINT`. Which one the project runs on is not known, so neither verdict is proven.
 */
export function mysqlServerDependent(source: TypeFact, target: TypeFact): boolean {
  if (source.style === 'prisma' && target.style === 'prisma') return false;
  const sql = source.style === 'sql' && target.style === 'sql';
  const a = sql ? mysqlReading(source) : source.sqlType;
  const b = sql ? mysqlReading(target) : target.sqlType;
  if (!a || !b || compareTypes('mysql', a, b) !== 'refused') return false;
  const x = mariadbStorage(a);
  return x !== undefined && x === mariadbStorage(b);
}

/** Family-level comparison, for types known only from annotations (`Mapped[int]`), whose width is not written. */
export function compareFamilies(dialect: Dialect, fk: TypeFamily, target: TypeFamily): Verdict {
  if (fk === target) return 'same';
  const rep: Partial<Record<TypeFamily, string>> = {
    integer: 'integer',
    numeric: 'numeric',
    float: 'double precision',
    string: 'varchar',
    uuid: 'uuid',
    boolean: 'boolean',
    date: 'date',
    datetime: 'timestamp',
    time: 'time',
    interval: 'interval',
    binary: 'bytea',
    json: 'jsonb',
  };
  const a = rep[fk];
  const b = rep[target];
  if (!a || !b) return 'same';
  return compareTypes(dialect, a, b);
}
