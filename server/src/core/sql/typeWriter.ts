import { rangeOf } from '../text';
import type { TypeWriter } from '../types';

/**
 * Rewrites a SQL column's data type (`integer` → `uuid`) in the file's own case: a column written
 * `INTEGER` becomes `UUID`. The target's spelling is already PostgreSQL's (`varchar(255)`, `numeric(10,2)`).
 */
export const writeSqlType: TypeWriter = (facts, _column, type, target) => {
  if (!type.span || !target.sqlType || target.family === 'other' || target.family === 'enum') return undefined;
  const upper = type.text === type.text.toUpperCase() && /[A-Z]/.test(type.text);
  const written = upper ? target.sqlType.toUpperCase() : target.sqlType;
  return { edits: [{ file: facts.file, range: rangeOf(facts.lineStarts, type.span), newText: written }], written };
};
