import { TypeFamily } from '../types';

/** A column type as FK Guard compares it: the family and a PostgreSQL spelling. */
export interface SqlType {
  family: TypeFamily;
  sqlType: string;
}

const t = (family: TypeFamily, sqlType: string): SqlType => ({ family, sqlType });
const withLength = (base: string, length: string | undefined) => (length ? `${base}(${length})` : base);

/** Type names as written to their normalised spelling (bounded: a workspace writes a few dozen). */
const NORMALISED = new Map<string, string>();

/**
 * A SQL type name as TypeORM (`@Column('int')`), Knex's `specificType` and Sequelize migrations write it,
 * with its length or precision when given. Unknown names are kept as they are, in family `other`.
 */
export function sqlNamedType(name: string, opts: { length?: string; precision?: string; scale?: string } = {}): SqlType {
  // Runs of blanks are one (`double  precision`), so that no pattern below ever backtracks over a long run. The
  // same few names come back for every column: each is normalised once.
  let n = NORMALISED.get(name);
  if (n === undefined) {
    n = name.trim().toLowerCase().replace(/\s+/g, ' ');
    if (NORMALISED.size < 1000) NORMALISED.set(name, n);
  }
  const known = KNOWN_TYPES.get(n);
  if (known !== undefined) {
    if (known.sized === undefined) return t(known.family, known.sqlType);
    if (known.sized === 'precision') return t('numeric', opts.precision ? `numeric(${opts.precision}${opts.scale ? `,${opts.scale}` : ''})` : 'numeric');
    return t('string', withLength(known.sqlType, opts.length));
  }
  // `varchar(36)`, `numeric(10,2)` written in one string (Knex `specificType`, raw SQL names).
  const m = /^([a-z]+(?: [a-z]+)*) ?\((\d+)(?: ?, ?(\d+))?\)$/.exec(n);
  if (m) return sqlNamedType(m[1], { length: m[2], precision: m[2], scale: m[3] });
  return t('other', n);
}

/** A type name FK Guard knows: its family and spelling, and whether a length or a precision is added to it. */
interface KnownType {
  family: TypeFamily;
  sqlType: string;
  sized: 'length' | 'precision' | undefined;
}

/**
 * The type names FK Guard knows (normalised), as a table: `sqlNamedType` runs once per column of every file, and a
 * lookup is a small function for the JIT, where a `switch` over sixty strings was one of the costliest it compiled
 * in a cold TypeScript scan.
 */
const KNOWN_TYPES = new Map<string, KnownType>();
const knownType = (family: TypeFamily, sqlType: string, names: string[], sized?: KnownType['sized']) => {
  for (const name of names) KNOWN_TYPES.set(name, { family, sqlType, sized });
};
knownType('integer', 'integer', ['int', 'int4', 'integer', 'mediumint', 'serial', 'serial4', 'increments']);
knownType('integer', 'smallint', ['int2', 'smallint', 'tinyint', 'smallserial']);
knownType('integer', 'bigint', ['int8', 'bigint', 'bigserial', 'serial8']);
knownType('numeric', 'numeric', ['decimal', 'numeric'], 'precision');
knownType('float', 'real', ['real', 'float4']);
knownType('float', 'double precision', ['float', 'float8', 'double', 'double precision']);
knownType('string', 'varchar', ['varchar', 'character varying', 'nvarchar', 'string'], 'length');
knownType('string', 'char', ['char', 'character', 'nchar'], 'length');
knownType('string', 'text', ['text', 'tinytext', 'mediumtext', 'longtext']);
knownType('string', 'citext', ['citext']);
knownType('uuid', 'uuid', ['uuid']);
knownType('boolean', 'boolean', ['boolean', 'bool']);
knownType('date', 'date', ['date']);
knownType('datetime', 'timestamp', ['timestamp', 'datetime', 'timestamp without time zone']);
knownType('datetime', 'timestamptz', ['timestamptz', 'timestamp with time zone']);
knownType('time', 'time', ['time']);
knownType('interval', 'interval', ['interval']);
knownType('binary', 'bytea', ['bytea', 'blob', 'binary', 'varbinary']);
knownType('json', 'json', ['json', 'simple-json']);
knownType('json', 'jsonb', ['jsonb']);
knownType('enum', 'enum', ['enum', 'simple-enum']);

/** What TypeORM infers from a property's TypeScript type when `@Column()` names none (PostgreSQL driver). */
export function typeormInferred(tsType: string): SqlType | undefined {
  switch (tsType) {
    case 'number':
      return t('integer', 'integer');
    case 'string':
      return t('string', 'varchar');
    case 'boolean':
      return t('boolean', 'boolean');
    case 'Date':
      return t('datetime', 'timestamp');
    default:
      return undefined;
  }
}

/** The TypeScript type a column of this family holds, for the property a TypeORM fix also retypes. */
export function tsTypeFor(target: SqlType): string | undefined {
  switch (target.family) {
    case 'integer':
      // The pg driver returns `bigint` as a string.
      return target.sqlType === 'bigint' ? 'string' : 'number';
    case 'string':
    case 'uuid':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'datetime':
      return 'Date';
    default:
      return undefined;
  }
}
