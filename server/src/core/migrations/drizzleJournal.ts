import type { SourceDialect } from '../dialect';
import { emptyFacts } from '../facts';
import { FileFacts } from '../types';

/**
 * drizzle-kit's `meta/_journal.json` beside its SQL migrations: drizzle-orm's migrator runs the journal's entries in the
 * order listed (`readMigrationFiles` walks `entries`, reading `<tag>.sql` of the folder that holds `meta/`), whatever
 * the files are named (`migrations: { prefix: 'none' }` names them without a number). The tags, in that order, are the
 * folder's history order, and a `.sql` file it does not list is no step of it (see `MigrationHistory.replay`); a
 * journal FK Guard cannot read, or one naming a file the folder does not have, says nothing.
 */
export const drizzleJournalDialect: SourceDialect = {
  language: 'config',
  extensions: ['_journal.json'],
  isCandidate: (file, text) => /(?:^|\/)meta\/_journal\.json$/.test(file) && text.includes('"entries"'),
  extract: extractDrizzleJournal,
};

export function extractDrizzleJournal(file: string, text: string): FileFacts {
  const facts = emptyFacts(file, text, 'config');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return facts;
  }
  const entries = json && typeof json === 'object' ? (json as Record<string, unknown>).entries : undefined;
  if (!Array.isArray(entries)) return facts;
  const tags: string[] = [];
  for (const e of entries) {
    const tag = e && typeof e === 'object' ? (e as Record<string, unknown>).tag : undefined;
    // An entry without a tag FK Guard can read: the order is not known.
    if (typeof tag !== 'string' || tag === '') return facts;
    tags.push(tag);
  }
  if (tags.length > 0) facts.drizzleJournal = tags;
  return facts;
}
