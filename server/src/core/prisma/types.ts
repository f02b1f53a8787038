import type { TargetType, TypeFamily } from '../types';

// Prisma's scalar types and `@db.*` native types on PostgreSQL, both ways: what a field creates in the
// database, and how to write a given PostgreSQL type in a schema. The defaults follow Prisma's schema
// reference for the PostgreSQL connector (String is `text`, DateTime `timestamp(3)`, Decimal
// `decimal(65,30)`), which is also what `prisma migrate` writes into migration.sql.

interface SqlType {
  family: TypeFamily;
  sqlType: string;
}

const SCALARS: Record<string, SqlType> = {
  String: { family: 'string', sqlType: 'text' },
  Boolean: { family: 'boolean', sqlType: 'boolean' },
  Int: { family: 'integer', sqlType: 'integer' },
  BigInt: { family: 'integer', sqlType: 'bigint' },
  Float: { family: 'float', sqlType: 'double precision' },
  Decimal: { family: 'numeric', sqlType: 'numeric(65,30)' },
  DateTime: { family: 'datetime', sqlType: 'timestamp(3)' },
  Json: { family: 'json', sqlType: 'jsonb' },
  Bytes: { family: 'binary', sqlType: 'bytea' },
};

export function isPrismaScalar(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(SCALARS, name) || name === 'Unsupported';
}

/** `@db.VarChar(255)` → `varchar(255)`; the arguments as written (numbers). */
function nativeSqlType(native: string, args: string[]): SqlType | undefined {
  const n = args[0] && /^\d+$/.test(args[0]) ? args[0] : undefined;
  const withLength = (base: string) => (n ? `${base}(${n})` : base);
  switch (native) {
    case 'Text':
      return { family: 'string', sqlType: 'text' };
    case 'Citext':
      return { family: 'string', sqlType: 'citext' };
    case 'VarChar':
      return { family: 'string', sqlType: withLength('varchar') };
    case 'Char':
      return { family: 'string', sqlType: withLength('char') };
    case 'Uuid':
      return { family: 'uuid', sqlType: 'uuid' };
    case 'Boolean':
      return { family: 'boolean', sqlType: 'boolean' };
    case 'Integer':
      return { family: 'integer', sqlType: 'integer' };
    case 'SmallInt':
      return { family: 'integer', sqlType: 'smallint' };
    case 'BigInt':
      return { family: 'integer', sqlType: 'bigint' };
    case 'DoublePrecision':
      return { family: 'float', sqlType: 'double precision' };
    case 'Real':
      return { family: 'float', sqlType: 'real' };
    case 'Decimal': {
      const s = args[1] && /^\d+$/.test(args[1]) ? args[1] : undefined;
      return { family: 'numeric', sqlType: n ? (s ? `numeric(${n},${s})` : `numeric(${n})`) : 'numeric' };
    }
    case 'Timestamp':
      return { family: 'datetime', sqlType: withLength('timestamp') };
    case 'Timestamptz':
      return { family: 'datetime', sqlType: withLength('timestamptz') };
    case 'Date':
      return { family: 'date', sqlType: 'date' };
    case 'Time':
      return { family: 'time', sqlType: withLength('time') };
    case 'Json':
      return { family: 'json', sqlType: 'json' };
    case 'JsonB':
      return { family: 'json', sqlType: 'jsonb' };
    case 'ByteA':
      return { family: 'binary', sqlType: 'bytea' };
    default:
      return undefined;
  }
}

/**
 * What a field of `scalar` type with an optional native type attribute is in PostgreSQL. An enum is its own
 * type; `Unsupported("...")` and native types FK Guard does not know are `other` (never compared).
 */
export function prismaSqlType(scalar: string, native: { name: string; args: string[] } | undefined, enums: ReadonlySet<string>, unsupported?: string): SqlType {
  if (enums.has(scalar)) return { family: 'enum', sqlType: scalar };
  if (scalar === 'Unsupported') return { family: 'other', sqlType: (unsupported ?? '').toLowerCase() };
  if (native) return nativeSqlType(native.name, native.args) ?? { family: 'other', sqlType: native.name.toLowerCase() };
  return SCALARS[scalar] ?? { family: 'other', sqlType: '' };
}

/**
 * How a Prisma schema writes a PostgreSQL type: the scalar and the native attribute it needs (none when the
 * scalar's default is the type). Undefined for a type Prisma cannot express this way.
 */
export function prismaTypeFor(target: TargetType): { scalar: string; native?: string } | undefined {
  // A Prisma enum is its own type, named as the schema names it (a relation's target is always a model's field).
  if (target.family === 'enum') return /^[A-Za-z_]\w*$/.test(target.sqlType) ? { scalar: target.sqlType } : undefined;
  const m = /^([a-z ]+)(?:\((\d+)(?:,\s*(\d+))?\))?$/.exec(target.sqlType);
  if (!m) return undefined;
  const [, base, n, s] = m;
  switch (base) {
    case 'integer':
      return { scalar: 'Int' };
    case 'smallint':
      return { scalar: 'Int', native: 'SmallInt' };
    case 'bigint':
      return { scalar: 'BigInt' };
    case 'text':
      return { scalar: 'String' };
    case 'varchar':
      return { scalar: 'String', native: n ? `VarChar(${n})` : 'VarChar' };
    case 'char':
      return { scalar: 'String', native: n ? `Char(${n})` : 'Char(1)' };
    case 'uuid':
      return { scalar: 'String', native: 'Uuid' };
    case 'boolean':
      return { scalar: 'Boolean' };
    case 'numeric':
      if (n === '65' && s === '30') return { scalar: 'Decimal' };
      return n ? { scalar: 'Decimal', native: `Decimal(${n}, ${s ?? '0'})` } : undefined;
    case 'double precision':
      return { scalar: 'Float' };
    case 'real':
      return { scalar: 'Float', native: 'Real' };
    case 'timestamp':
      return n === '3' ? { scalar: 'DateTime' } : { scalar: 'DateTime', native: `Timestamp(${n ?? '6'})` };
    case 'timestamptz':
      return { scalar: 'DateTime', native: `Timestamptz(${n ?? '6'})` };
    case 'date':
      return { scalar: 'DateTime', native: 'Date' };
    case 'time':
      return { scalar: 'DateTime', native: `Time(${n ?? '6'})` };
    case 'bytea':
      return { scalar: 'Bytes' };
    case 'json':
      return { scalar: 'Json', native: 'Json' };
    case 'jsonb':
      return { scalar: 'Json' };
    default:
      return undefined;
  }
}
