import type { SourceDialect } from '../engine';
import { extractSql } from './extract';

/** `.sql` files that create tables or foreign keys: schema dumps, hand-written DDL, migration scripts. */
export const sqlDialect: SourceDialect = {
  language: 'sql',
  extensions: ['.sql'],
  isCandidate: (_file, text) => /create\s+table|references|foreign\s+key/i.test(text),
  extract: extractSql,
};
