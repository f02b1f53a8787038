import type { SourceDialect } from '../dialect';
import { extractSql, isRollbackMigration, isSqlMigration } from './extract';

/**
 * `.sql` files that create tables or foreign keys: schema dumps, hand-written DDL, migration scripts. Every
 * migration is read, even one that only alters or drops: it is a step of history later ones build on.
 */
export const sqlDialect: SourceDialect = {
  language: 'sql',
  extensions: ['.sql'],
  // A file of indexes or comments on tables defined elsewhere is read too: a rename edits or checks them (rename.ts).
  // A rollback file (`1_x.down.sql`, `001.undo.x.sql`) runs only when migrating down: neither history nor schema.
  isCandidate: (file, text) => !isRollbackMigration(file) && (isSqlMigration(file) || /create\s+table|references|foreign\s+key|create\s+(?:unique\s+)?index|comment\s+on/i.test(text)),
  extract: extractSql,
};
