import type { SchemaIndex } from '../schemaIndex';
import { positionAt } from '../text';
import { FileFacts, Finding, ParseError, Range } from '../types';

/**
 * `parse-error`: a statement or a file FK Guard could not read, so the tables and foreign keys in it went
 * unchecked. Without it, a table that a stray character hid (`/* é *\/` inside a SQL `CREATE TABLE`, a
 * syntax error in a TypeORM entity, a file nested deeper than the parser can take) vanished, and the run
 * passed.
 *
 * It speaks once per unreadable statement, and only where something went unread, never at every half-typed
 * line (the editor's own language support already underlines those):
 * - Python: errors whose `lost` says a table, a column or a foreign key was in the code that did not parse,
 *   and files skipped whole;
 * - SQL: each statement the SQL parser refused that could make, change or drop a table, a key or a foreign
 *   key (its reader reports those and nothing else), and, as info, files of another database it skips: once
 *   per folder (on its first such file, saying how many there are), not once per file;
 * - TypeScript and Prisma: the file's first syntax error, once, since their readers recover statement by
 *   statement and cannot say which entity a later error cost.
 */
export function parseErrors(facts: FileFacts, index?: SchemaIndex): Finding[] {
  const out: Finding[] = [];
  const folder = facts.file.includes('/') ? facts.file.slice(0, facts.file.lastIndexOf('/') + 1) : '';
  // A grouped note is said by the folder's first file of its group, for all of them.
  const grouped = (e: ParseError) => (e.group && index ? index.noteGroup(e.group, folder) : undefined);
  const errors = facts.errors.filter((e) => {
    const g = grouped(e);
    return !g || g[0] === facts.file;
  });
  if (errors.length === 0) return out;
  let chosen: ParseError[];
  if (facts.language === 'sql' || facts.language === 'python') chosen = errors.filter((e) => e.lost !== undefined || e.note);
  else chosen = [errors.reduce((a, b) => (b.span.start < a.span.start ? b : a))];
  let lastLine = -1;
  for (const e of [...chosen].sort((a, b) => a.span.start - b.span.start)) {
    const range = firstLine(facts, e);
    // Two errors on one line are one statement, said once.
    if (range.start.line === lastLine) continue;
    lastLine = range.start.line;
    out.push({
      rule: 'parse-error',
      severity: e.note ? 'info' : 'warning',
      message: groupMessage(grouped(e), e, folder) ?? messageOf(facts, e),
      file: facts.file,
      range,
      related: [],
      fixes: [],
    });
  }
  return out;
}

/** The note of a folder's files of one group: how many there are, where. */
function groupMessage(files: readonly string[] | undefined, e: ParseError, folder: string): string | undefined {
  if (!files || files.length < 2) return undefined;
  const [what, kind] = e.group === 'clickhouse' ? ['FK Guard does not read ClickHouse DDL (ClickHouse has no foreign keys)', 'ClickHouse files'] : [e.message.split(':')[0], 'such files'];
  return `${what}: the ${files.length} ${kind} in ${folder || 'the workspace root'} are skipped`;
}

function messageOf(facts: FileFacts, e: ParseError): string {
  if (facts.language === 'python' || facts.language === 'sql' || e.message.startsWith('FK Guard')) return e.message;
  const what = facts.language === 'prisma' ? 'models' : 'entities and foreign keys';
  return `FK Guard could not read all of this file (${e.message.replace(/\.$/, '')}), so ${what} after this point may not be checked.`;
}

/** The error's range, cut at the end of its first line: an error node can cover a whole class. */
function firstLine(facts: FileFacts, e: ParseError): Range {
  const starts = facts.lineStarts;
  const start = positionAt(starts, e.span.start);
  const next = start.line + 1 < starts.length ? starts[start.line + 1] : Infinity;
  let end = e.span.end;
  if (end <= e.span.start || end >= next) end = next === Infinity ? Math.max(e.span.end, e.span.start) : next - 1;
  return { start, end: positionAt(starts, Math.max(end, e.span.start)) };
}
