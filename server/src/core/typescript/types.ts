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
  switch (n) {
    case 'int':
    case 'int4':
    case 'integer':
    case 'mediumint':
    case 'serial':
    case 'serial4':
    case 'increments':
      return t('integer', 'integer');
    case 'int2':
    case 'smallint':
    case 'tinyint':
    case 'smallserial':
      return t('integer', 'smallint');
    case 'int8':
    case 'bigint':
    case 'bigserial':
    case 'serial8':
      return t('integer', 'bigint');
    case 'decimal':
    case 'numeric':
      return t('numeric', opts.precision ? `numeric(${opts.precision}${opts.scale ? `,${opts.scale}` : ''})` : 'numeric');
    case 'real':
    case 'float4':
      return t('float', 'real');
    case 'float':
    case 'float8':
    case 'double':
    case 'double precision':
      return t('float', 'double precision');
    case 'varchar':
    case 'character varying':
    case 'nvarchar':
    case 'string':
      return t('string', withLength('varchar', opts.length));
    case 'char':
    case 'character':
    case 'nchar':
      return t('string', withLength('char', opts.length));
    case 'text':
    case 'tinytext':
    case 'mediumtext':
    case 'longtext':
    case 'citext':
      return t('string', 'text');
    case 'uuid':
      return t('uuid', 'uuid');
    case 'boolean':
    case 'bool':
      return t('boolean', 'boolean');
    case 'date':
      return t('date', 'date');
    case 'timestamp':
    case 'datetime':
    case 'timestamp without time zone':
      return t('datetime', 'timestamp');
    case 'timestamptz':
    case 'timestamp with time zone':
      return t('datetime', 'timestamptz');
    case 'time':
      return t('time', 'time');
    case 'interval':
      return t('interval', 'interval');
    case 'bytea':
    case 'blob':
    case 'binary':
    case 'varbinary':
      return t('binary', 'bytea');
    case 'json':
    case 'simple-json':
      return t('json', 'json');
    case 'jsonb':
      return t('json', 'jsonb');
    case 'enum':
    case 'simple-enum':
      return t('enum', 'enum');
    default: {
      // `varchar(36)`, `numeric(10,2)` written in one string (Knex `specificType`, raw SQL names).
      const m = /^([a-z]+(?: [a-z]+)*) ?\((\d+)(?: ?, ?(\d+))?\)$/.exec(n);
      if (m) return sqlNamedType(m[1], { length: m[2], precision: m[2], scale: m[3] });
      return t('other', n);
    }
  }
}

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
