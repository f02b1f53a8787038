import { rangeOf } from '../text';
import type { TargetType, TypeWriter } from '../typeWriters';
import { ColumnFact, FileFacts, Span, TextEdit } from '../types';
import { tsTypeFor } from './types';

function edit(facts: FileFacts, span: Span, newText: string): TextEdit {
  return { file: facts.file, range: rangeOf(facts.lineStarts, span), newText };
}

/** TypeORM's name for a PostgreSQL type without parameters; parameterised ones need options (not written). */
function typeormName(target: TargetType): string | undefined {
  const names: Record<string, string> = {
    integer: 'int',
    smallint: 'smallint',
    bigint: 'bigint',
    uuid: 'uuid',
    text: 'text',
    varchar: 'varchar',
    boolean: 'boolean',
    date: 'date',
    timestamp: 'timestamp',
    timestamptz: 'timestamptz',
    time: 'time',
    interval: 'interval',
    bytea: 'bytea',
    numeric: 'numeric',
    real: 'real',
    'double precision': 'double precision',
  };
  return Object.prototype.hasOwnProperty.call(names, target.sqlType) ? names[target.sqlType] : undefined;
}

/** The property's TypeScript type follows the column's (`userId: number` → `string` for a uuid). */
function annotationEdit(facts: FileFacts, column: ColumnFact, target: TargetType): TextEdit[] {
  const ts = tsTypeFor(target);
  if (!column.annotation || !ts || column.annotation.text === ts) return [];
  return [edit(facts, column.annotation.span, ts)];
}

/**
 * TypeORM: `@Column('int')` → `@Column('uuid')` (the literal's content), `@Column()` → `@Column('uuid')`,
 * `@Column({ nullable: true })` → `@Column({ type: 'uuid', nullable: true })`; the property's type follows.
 */
function typeormWriter(mode: 'literal' | 'argument' | 'option'): TypeWriter {
  return (facts, column, type, target) => {
    const name = typeormName(target);
    if (!name || !type.span) return undefined;
    const text = mode === 'literal' ? name : mode === 'argument' ? `'${name}'` : ` type: '${name}',`;
    return { edits: [edit(facts, type.span, text), ...annotationEdit(facts, column, target)], written: name };
  };
}

/** The writers of the TypeScript ORMs, by `TypeFact.style`. */
export const TYPESCRIPT_WRITERS: Record<string, TypeWriter> = {
  typeorm: typeormWriter('literal'),
  'typeorm-argument': typeormWriter('argument'),
  'typeorm-option': typeormWriter('option'),
};
