import { writePrismaType } from './prisma/typeWriter';
import { writeSqlType } from './sql/typeWriter';
import { TYPESCRIPT_WRITERS } from './typescript/writers';
import type { TargetType, TypeWriter } from './types';

/**
 * The writers, by `TypeFact.style`. Each dialect that reads a language other than Python adds its writer
 * here, so the fix of a type mismatch reads only the finding's facts, never the dialect's parser.
 */
export const TYPE_WRITERS: Record<string, TypeWriter> = { ...TYPESCRIPT_WRITERS, prisma: writePrismaType, sql: writeSqlType };

/** SQLAlchemy's spelling of a PostgreSQL type, for a Python column whose target is written in another language. */
export function sqlalchemyTypeFor(target: TargetType): string | undefined {
  const m = /^([a-z ]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(target.sqlType);
  const base = m?.[1];
  const n = m?.[2];
  switch (base) {
    case 'smallint':
      return 'SmallInteger';
    case 'integer':
      return 'Integer';
    case 'bigint':
      return 'BigInteger';
    case 'numeric':
      return n ? `Numeric(${n}${m?.[3] ? `, ${m[3]}` : ''})` : 'Numeric';
    case 'real':
      return 'REAL';
    case 'double precision':
      return 'Float';
    case 'varchar':
      return n ? `String(${n})` : 'String';
    case 'char':
      return n ? `CHAR(${n})` : 'CHAR';
    case 'text':
      return 'Text';
    case 'uuid':
      return 'Uuid';
    case 'boolean':
      return 'Boolean';
    case 'date':
      return 'Date';
    case 'timestamp':
      return 'DateTime';
    case 'timestamptz':
      return 'DateTime(timezone=True)';
    case 'time':
      return 'Time';
    case 'interval':
      return 'Interval';
    case 'bytea':
      return 'LargeBinary';
    default:
      return undefined;
  }
}
