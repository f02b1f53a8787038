import type { SourceDialect } from '../dialect';
import { extractSql, isSqlMigration } from './extract';

/**
 * `.sql` files that create tables or foreign keys: schema dumps, hand-written DDL, migration scripts. Every
 * migration is read, even one that only alters or drops: it is a step of history later ones build on.
 */
export const sqlDialect: SourceDialect = {
  language: 'sql',
  extensions: ['.sql'],
  // A file of indexes or comments on tables defined elsewhere is read too: a rename edits or checks them (rename.ts).
  isCandidate: (file, text) => isSqlMigration(file) || /create\s+table|references|foreign\s+key|create\s+(?:unique\s+)?index|comment\s+on/i.test(text),
  extract: extractSql,
};
