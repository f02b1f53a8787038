import { masked } from './normalize';

/**
 * MySQL's schema statements PostgreSQL's grammar has no form for: `DROP INDEX name ON table`, and the
 * `ALTER TABLE` clauses `CHANGE [COLUMN] old new type ...`, `MODIFY [COLUMN] col type ...`, `DROP INDEX|KEY
 * name`, `DROP PRIMARY KEY`, `DROP FOREIGN KEY name`, `ADD [UNIQUE] INDEX|KEY ...`, `RENAME INDEX|KEY ...`,
 * `ALGORITHM = ...`, `LOCK = ...`; and libSQL's `ALTER COLUMN old TO new type ...` (Turso), read as `CHANGE`.
 * They are read here from the text as `foreignDialect` leaves it (identifiers double-quoted, options that say
 * nothing of keys blanked, string contents masked); the statement's other clauses are left in place for the
 * parser, with these blanked out (offsets kept, so its locations still point into the file).
 */

/** One MySQL clause read: what it does to the schema, with offsets into the statement's text. */
export type MysqlClause =
  | { kind: 'change'; column: string; newName?: string; nameAt: { start: number; end: number }; type: MysqlType }
  | { kind: 'drop-index'; name: string; at: { start: number; end: number } }
  | { kind: 'drop-primary'; at: { start: number; end: number } }
  | { kind: 'add-unique'; columns: string[]; name?: string }
  /** A clause that changes no column, key or table a foreign key can use (a plain index, a foreign key dropped). */
  | { kind: 'none' };

/** A column type as written: its name (one or more words) and its numeric arguments. */
export interface MysqlType {
  name: string;
  config?: number[];
  start: number;
  end: number;
}

export interface MysqlStatement {
  /** The table the statement changes. */
  table: string;
  schema?: string;
  clauses: MysqlClause[];
  /** The statement with the clauses above blanked, when clauses the parser reads are left; else undefined. */
  rest?: string;
}

const NAME = String.raw`(?:"((?:[^"]|"")*)"|([A-Za-z_][\w$]*))`;
const QNAME = String.raw`${NAME}(?:\s*\.\s*${NAME})?`;

/** Words that end a column type in a MySQL column definition. */
const AFTER_TYPE = /^(?:not|null|default|auto_increment|primary|unique|key|comment|collate|character|charset|after|first|references|on|generated|as|check|constraint|visible|invisible|storage|column_format|srid)\b/i;

/**
 * Reads a MySQL statement of the forms above from `text` (the statement as `foreignDialect` rewrote it).
 * Undefined when it is not one, or a clause of it is MySQL's yet not one FK Guard reads (then the statement
 * stays unreadable, and is reported so).
 */
export function readMysqlStatement(text: string): MysqlStatement | undefined {
  const dropIndex = new RegExp(String.raw`^(\s*)drop\s+index\s+${NAME}\s+on\s+${QNAME}\s*$`, 'i').exec(text);
  if (dropIndex) {
    const [table, schema] = qualified(dropIndex[4], dropIndex[5], dropIndex[6], dropIndex[7]);
    const name = dropIndex[2] !== undefined ? dropIndex[2].replace(/""/g, '"') : dropIndex[3];
    const start = dropIndex[1].length;
    return { table, schema, clauses: [{ kind: 'drop-index', name, at: { start, end: text.trimEnd().length } }] };
  }
  const head = new RegExp(String.raw`^\s*alter\s+table\s+(?:ignore\s+)?${QNAME}\s+`, 'i').exec(text);
  if (!head) return undefined;
  const [table, schema] = qualified(head[1], head[2], head[3], head[4]);
  const clauses: MysqlClause[] = [];
  const rest = text.split('');
  const blankRange = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (rest[k] !== '\n' && rest[k] !== '\r') rest[k] = ' ';
  };
  const parts = splitClauses(text, head[0].length);
  const kept: boolean[] = [];
  for (const p of parts) {
    const clause = readClause(text.slice(p.start, p.end), p.start);
    if (clause === false) return undefined;
    kept.push(clause === undefined);
    if (clause === undefined) continue;
    clauses.push(clause);
    blankRange(p.start, p.end);
  }
  if (clauses.length === 0) return undefined;
  // The parser sees the other clauses alone: a comma stays only between two of them.
  for (let i = 0; i + 1 < parts.length; i++) if (!(kept[i + 1] && kept.slice(0, i + 1).some((k) => k))) blankRange(parts[i].end, parts[i].end + 1);
  return { table, schema, clauses, ...(kept.some((k) => k) ? { rest: rest.join('') } : {}) };
}

function qualified(q1: string | undefined, u1: string | undefined, q2: string | undefined, u2: string | undefined): [string, string | undefined] {
  const first = q1 !== undefined ? q1.replace(/""/g, '"') : u1!;
  const second = q2 !== undefined ? q2.replace(/""/g, '"') : u2;
  return second !== undefined ? [second, first] : [first, undefined];
}

/** The clauses of an `ALTER TABLE` from `from`, split at the commas outside parentheses and quotes. */
function splitClauses(text: string, from: number): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let depth = 0;
  let start = from;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  out.push({ start, end: text.length });
  return out;
}

/**
 * One clause: a `MysqlClause`, undefined for a clause the parser reads (`ADD COLUMN`, `ADD CONSTRAINT`,
 * `DROP COLUMN`, ...), false for a MySQL clause of a form FK Guard does not read.
 */
function readClause(clause: string, at: number): MysqlClause | undefined | false {
  const lead = /^\s*/.exec(clause)![0].length;
  const body = clause.slice(lead);
  // libSQL's (Turso's) `ALTER COLUMN old TO new type ...`, which drizzle-kit writes for SQLite on Turso, is
  // MySQL's `CHANGE COLUMN old new type ...` in other words; PostgreSQL has no `ALTER COLUMN ... TO`.
  const libsql = new RegExp(String.raw`^alter\s+column\s+${NAME}\s+to\s+${NAME}\s+`, 'i').exec(body);
  // In libSQL the new definition is the whole column, so a `REFERENCES` in it is a foreign key (MySQL ignores one
  // in `CHANGE`). Not read here: the statement stays unreadable and is reported, rather than losing the key.
  if (libsql && /\breferences\b/i.test(body)) return false;
  const change = new RegExp(String.raw`^change\s+(?:column\s+)?${NAME}\s+${NAME}\s+`, 'i').exec(body) ?? libsql;
  const modify = change ? undefined : new RegExp(String.raw`^modify\s+(?:column\s+)?${NAME}\s+`, 'i').exec(body);
  if (change || modify) {
    const m = (change ?? modify)!;
    const column = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2];
    const newName = change ? (m[3] !== undefined ? m[3].replace(/""/g, '"') : m[4]) : undefined;
    const type = readType(body, m[0].length, at + lead);
    if (!type) return false;
    // The new name's place (without quotes), or the column's for `MODIFY`: later references name it.
    const nameText = new RegExp(String.raw`${NAME}\s+$`).exec(m[0])!;
    const quoted = nameText[1] !== undefined;
    const nameStart = at + lead + nameText.index + (quoted ? 1 : 0);
    const nameEnd = nameStart + (quoted ? nameText[1].length : nameText[2].length);
    return { kind: 'change', column, ...(newName !== undefined && newName !== column ? { newName } : {}), nameAt: { start: nameStart, end: nameEnd }, type };
  }
  const drop = new RegExp(String.raw`^drop\s+(?:index|key)\s+${NAME}\s*$`, 'i').exec(body);
  if (drop) return { kind: 'drop-index', name: drop[1] !== undefined ? drop[1].replace(/""/g, '"') : drop[2], at: { start: at + lead, end: at + clause.trimEnd().length } };
  if (/^drop\s+primary\s+key\s*$/i.test(body)) return { kind: 'drop-primary', at: { start: at + lead, end: at + clause.trimEnd().length } };
  if (new RegExp(String.raw`^drop\s+foreign\s+key\s+${NAME}\s*$`, 'i').test(body)) return { kind: 'none' };
  if (new RegExp(String.raw`^rename\s+(?:index|key)\s+${NAME}\s+to\s+${NAME}\s*$`, 'i').test(body)) return { kind: 'none' };
  // `ADD UNIQUE INDEX name (a, b)`, `ADD UNIQUE KEY (a)`, `ADD UNIQUE name (a)` (what Laravel writes): a key from here
  // on. `ADD UNIQUE (a)` is the parser's. A plain or full-text index is none.
  const unique = new RegExp(String.raw`^add\s+(?:constraint\s+(?:${NAME}\s+)?)?unique\s+(?:(?:index|key)\b\s*|(?=["A-Za-z_]))(?:${NAME}\s*)?\(([^()]*)\)\s*$`, 'i').exec(body);
  if (unique) {
    const columns = unique[5].split(',').map((c) => c.trim().replace(/^"|"$/g, '').replace(/\s*\(\d+\)$/, ''));
    if (columns.some((c) => !/^[\w$]+$/.test(c))) return false;
    const name = unique[3] !== undefined ? unique[3] : unique[4];
    return { kind: 'add-unique', columns, ...(name ? { name } : {}) };
  }
  if (/^add\s+(?:(?:fulltext|spatial)\s+)?(?:index|key)\b/i.test(body)) return { kind: 'none' };
  // How MySQL carries the change out (`ALGORITHM = INSTANT`, `LOCK = NONE`) says nothing of what it changes.
  if (/^(?:algorithm|lock)\s*=?\s*\w+\s*$/i.test(body)) return { kind: 'none' };
  if (/^(?:change|modify|algorithm|lock)\b/i.test(body)) return false;
  return undefined;
}

/** The column type at `from` in `body`: its words up to the first option, and `(n[, m])` after them. */
function readType(body: string, from: number, at: number): MysqlType | undefined {
  const words: string[] = [];
  let i = from;
  let end = from;
  let config: number[] | undefined;
  for (;;) {
    const rest = body.slice(i);
    const w = /^\s*([A-Za-z_]\w*)/.exec(rest);
    if (!w || AFTER_TYPE.test(w[1]) || config) break;
    words.push(w[1]);
    i += w[0].length;
    end = i;
    const args = /^\s*\(([^()]*)\)/.exec(body.slice(i));
    if (args) {
      const nums = args[1].split(',').map((x) => x.trim());
      config = nums.every((n) => /^\d+$/.test(n)) ? nums.map(Number) : [];
      i += args[0].length;
      end = i;
    }
  }
  if (words.length === 0) return undefined;
  const start = from + /^\s*/.exec(body.slice(from))![0].length;
  return { name: words.join(' '), ...(config && config.length > 0 ? { config } : {}), start: at + start, end: at + end };
}

/** A name as MySQL writes it: in backticks, double quotes (as `foreignDialect` leaves them) or bare. */
const ITEM_NAME = String.raw`(?:\x60((?:[^\x60]|\x60\x60)*)\x60|"((?:[^"]|"")*)"|([A-Za-z_][\w$]*))`;

/**
 * The names MySQL gives the indexes a `CREATE TABLE` makes, as written in `text` (comments blanked): name → columns
 * for a unique key, name → `[]` for a plain index (`KEY`, `INDEX`, `FULLTEXT`, `SPATIAL`), the primary key left out.
 * An index written with no name is named after its first column, with `_2`, `_3`, ... when that name is taken, in the
 * order the definitions are written (MariaDB 10.11: `KEY (tag), UNIQUE (tag)` makes `tag` and `tag_2`). Undefined for
 * a statement with no sign of MySQL (backticks, `ENGINE=`, `AUTO_INCREMENT`, a `KEY`/`INDEX` item), whose indexes
 * PostgreSQL names instead, and for one FK Guard cannot split into items. A name an unnamed index would take from a
 * column that also holds a foreign key is left out: MySQL may have made an index for the key under that name first.
 */
export function mysqlIndexNames(text: string): Map<string, string[]> | undefined {
  const m = masked(text);
  if (!/^\s*create\s+(?:temporary\s+)?table\b/i.test(m) || !/`|\bengine\s*=|\bauto_increment\b|[,(]\s*(?:(?:unique|fulltext|spatial)\s+)?(?:key|index)\b/i.test(m)) return undefined;
  const open = m.indexOf('(');
  if (open === -1) return undefined;
  const items: string[] = [];
  let depth = 0;
  let start = open + 1;
  let close = -1;
  for (let i = open; i < m.length && close === -1; i++) {
    if (m[i] === '(') depth++;
    else if (m[i] === ')' && --depth === 0) close = i;
    else if (m[i] === ',' && depth === 1) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (close === -1) return undefined;
  items.push(text.slice(start, close));
  const unquote = (x: RegExpExecArray, at: number) => (x[at] !== undefined ? x[at].replace(/``/g, '`') : x[at + 1] !== undefined ? x[at + 1].replace(/""/g, '"') : x[at + 2]);
  const columnsOf = (list: string): string[] | undefined => {
    const out: string[] = [];
    for (const part of list.split(',')) {
      const c = new RegExp(String.raw`^\s*${ITEM_NAME}\s*(?:\(\s*\d+\s*\))?\s*(?:asc|desc)?\s*$`, 'i').exec(part);
      if (!c) return undefined;
      out.push(unquote(c, 1)!);
    }
    return out;
  };
  const made: Array<{ name?: string; columns: string[]; unique: boolean }> = [];
  const keyed = new Set<string>();
  const itemHead = new RegExp(
    String.raw`^\s*(?:constraint\s+(?:${ITEM_NAME}\s+)?)?(primary\s+key|unique(?:\s+(?:key|index))?|(?:fulltext|spatial)(?:\s+(?:key|index))?|key|index|foreign\s+key|check)\b\s*(?:${ITEM_NAME}\s*)?(?:using\s+\w+\s*)?\(([^()]*(?:\([^()]*\)[^()]*)*)\)`,
    'i',
  );
  for (const item of items) {
    const x = itemHead.exec(item);
    if (x) {
      const kind = x[4].toLowerCase();
      if (kind === 'check') continue;
      const columns = columnsOf(x[8]);
      if (!columns) return undefined;
      if (kind.startsWith('foreign')) {
        keyed.add(columns[0].toLowerCase());
        continue;
      }
      if (kind.startsWith('primary')) continue;
      // `CONSTRAINT c UNIQUE KEY k (...)` is named `k`; `CONSTRAINT c UNIQUE (...)` is named `c`.
      const name = unquote(x, 5) ?? unquote(x, 1);
      made.push({ name, columns, unique: kind.startsWith('unique') });
      continue;
    }
    // A column: `code VARCHAR(40) NOT NULL UNIQUE [KEY]` makes an unnamed unique index on it, `... REFERENCES` a key.
    const col = new RegExp(String.raw`^\s*${ITEM_NAME}\s`, 'i').exec(item);
    if (!col) return undefined;
    const rest = masked(item).slice(col[0].length);
    if (/\breferences\b/i.test(rest)) keyed.add(unquote(col, 1)!.toLowerCase());
    if (/\bunique\b/i.test(rest)) made.push({ columns: [unquote(col, 1)!], unique: true });
  }
  const names = new Map<string, string[]>();
  const taken = new Set<string>(['primary']);
  for (const k of made) {
    let name = k.name;
    if (name === undefined) {
      const first = k.columns[0];
      name = first;
      for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${first}_${i}`;
      taken.add(name.toLowerCase());
      if (keyed.has(first.toLowerCase())) continue;
    }
    taken.add(name.toLowerCase());
    names.set(name, k.unique ? k.columns : []);
  }
  return names;
}
