import { rangeOf } from '../text';
import type { TypeWriter } from '../types';

/**
 * Rewrites a SQL column's data type (`integer` → `uuid`) in the file's own case: a column written
 * `INTEGER` becomes `UUID`. The target's spelling is already PostgreSQL's (`varchar(255)`, `numeric(10,2)`).
 */
export const writeSqlType: TypeWriter = (facts, _column, type, target) => {
  if (!type.span || !target.sqlType || target.family === 'other' || target.family === 'enum') return undefined;
  // SQL read from a string of another language whose text is not the string's as written (an escape in it): its
  // spans are the whole string's, and an edit there would replace the statement with a type (R16-17).
  if (type.span.end - type.span.start !== type.text.length) return undefined;
  const upper = type.text === type.text.toUpperCase() && /[A-Z]/.test(type.text);
  const written = upper ? target.sqlType.toUpperCase() : target.sqlType;
  return { edits: [{ file: facts.file, range: rangeOf(facts.lineStarts, type.span), newText: written }], written };
};
