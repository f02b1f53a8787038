import { TypeFamily } from '../types';

/**
 * A PostgreSQL type as the parser names it (`int4`, `character varying`, `timestamp with time zone`, with
 * its length or precision) in FK Guard's spelling: `integer`, `varchar(255)`, `timestamptz`. Serial types are
 * the integers they create. Unknown names (enums, domains, extensions) are `other` and never compared.
 */
export function sqlTypeOf(name: string, config: number[] | undefined, isArray: boolean): { family: TypeFamily; sqlType: string } {
  const lower = name.toLowerCase();
  const [n, s] = config ?? [];
  const withLength = (base: string) => (n !== undefined ? `${base}(${n})` : base);
  if (isArray) return { family: 'other', sqlType: `${lower}[]` };
  switch (lower) {
    case 'int':
    case 'integer':
    case 'int4':
    case 'serial':
    case 'serial4':
      return { family: 'integer', sqlType: 'integer' };
    case 'mediumint':
      return { family: 'integer', sqlType: 'integer' };
    case 'smallint':
    case 'tinyint':
    case 'int2':
    case 'smallserial':
    case 'serial2':
      return { family: 'integer', sqlType: 'smallint' };
    case 'bigint':
    case 'int8':
    case 'bigserial':
    case 'serial8':
      return { family: 'integer', sqlType: 'bigint' };
    case 'numeric':
    case 'decimal':
      return { family: 'numeric', sqlType: n !== undefined ? (s !== undefined ? `numeric(${n},${s})` : `numeric(${n})`) : 'numeric' };
    case 'real':
    case 'float4':
      return { family: 'float', sqlType: 'real' };
    case 'double precision':
    case 'double':
    case 'float8':
    case 'float':
      return { family: 'float', sqlType: 'double precision' };
    case 'varchar':
    case 'character varying':
      return { family: 'string', sqlType: withLength('varchar') };
    case 'char':
    case 'character':
    case 'bpchar':
      return { family: 'string', sqlType: withLength('char') };
    case 'text':
    case 'tinytext':
    case 'mediumtext':
    case 'longtext':
      return { family: 'string', sqlType: 'text' };
    // Case-insensitive text (the citext extension): a type of its own to a foreign key (see `PG_ACCEPTS`).
    case 'citext':
      return { family: 'string', sqlType: 'citext' };
    case 'uuid':
      return { family: 'uuid', sqlType: 'uuid' };
    case 'boolean':
    case 'bool':
      return { family: 'boolean', sqlType: 'boolean' };
    case 'date':
      return { family: 'date', sqlType: 'date' };
    case 'timestamp':
    case 'datetime':
    case 'timestamp without time zone':
      return { family: 'datetime', sqlType: withLength('timestamp') };
    // The precision counts as it does for `timestamp` (R14-9: `timestamptz(3)` was read as `timestamptz`).
    case 'timestamptz':
    case 'timestamp with time zone':
      return { family: 'datetime', sqlType: withLength('timestamptz') };
    case 'time':
    case 'time without time zone':
      return { family: 'time', sqlType: withLength('time') };
    case 'interval':
      return { family: 'interval', sqlType: 'interval' };
    case 'bytea':
    case 'blob':
      return { family: 'binary', sqlType: 'bytea' };
    case 'json':
      return { family: 'json', sqlType: 'json' };
    case 'jsonb':
      return { family: 'json', sqlType: 'jsonb' };
    default:
      return { family: 'other', sqlType: lower };
  }
}
