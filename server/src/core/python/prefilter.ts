import type { ImportFact } from '../types';

/**
 * A cheap test on the raw text: a Python file that can define a table, a column type, a metadata object or
 * a foreign key mentions one of these words. Everything else is not parsed at all, except Alembic revisions
 * (`down_revision`): each one, even a merge or an `op.execute`, is a node of the revision graph.
 *
 * The words: down_revision, ForeignKey, __tablename__, `Table(`, foreign_key, create_table, create_foreign_key,
 * ForeignKeyConstraint, mapped_column, `Column(`, TypeDecorator, declarative_base, DeclarativeBase, SQLModel,
 * add_column, rename_table, drop_table, `MetaData(`, db.Model, `SQLAlchemy(`, as_declarative, `.generate_base(`,
 * `metadata.schema =`, `re.sub(` (a whole `re`), automap_base and `.reflect` (a whole word: a database reflected into
 * a metadata, see `maybeTables.reflections`). The test runs on every Python file of a workspace, most of which
 * are no candidate, so the search goes through the whole text, trying the alternatives at each character that can
 * start one; small letters are most of the characters of code. So every alternative here starts with `_`, `.` or
 * a capital letter: a word that starts with a small letter is found at its `_` or `.`, and the letters before are
 * checked behind it (`_(?<=down_)revision`). It matches wherever the plain alternation of the words matches (at
 * that `_` or `.`), so the answer is the same: prefilter.test.ts compares the two on every fixture, and on the
 * real-world corpus's 21,078 Python files both found the same 3,892 candidates. On the bench's real-shaped
 * workspace (1,669 files, 25 MB) it took 136 ms against 212-280 ms, about what the floor's shorter regex takes.
 */
const CANDIDATE =
  /_(?:(?<=down_)revision|(?<=foreign_)key|(?<=(?:create|rename|drop)_)table|(?<=(?:mapped|add)_)column|(?<=(?:declarative|automap)_)base|(?<=as_)declarative|_tablename__)|ForeignKey|Table\(|Column\(|TypeDecorator|DeclarativeBase|SQLModel|MetaData\(|SQLAlchemy\(|\.(?:(?<=db\.)Model|generate_base\(|reflect\b|(?<=metadata\.)schema\s*=|(?<=\bre\.)sub\()/;

export function isPythonCandidate(text: string): boolean {
  return CANDIDATE.test(text);
}

const CONSTANT = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_.[\]]+\s*)?=\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)')\s*(?:#.*)?$/gm;
/** `CONSTANT` tried at one offset only (a line's start), without the `^`. */
const CONSTANT_AT = /([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_.[\]]+\s*)?=\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)')\s*(?:#.*)?$/my;

/**
 * Module-level string constants of a file that is not otherwise parsed (`USERS_TABLE = "users"` in a
 * `constants.py`), so `__tablename__ = USERS_TABLE` elsewhere still resolves. A regex is enough: only
 * top-level, single-line, plain string assignments count.
 *
 * It runs on every Python file of a workspace. A search for `CONSTANT` tries its `^` at every character; a match
 * can start only at a line's start with a name's first character, so `CONSTANT_AT` is tried there alone, and the
 * next try starts where a match ended, as the search's does: the same matches, in about half the time (the bench's
 * real-shaped workspace, 1,669 files: 36 -> 14-20 ms of CPU). Lines are found by their `\n`; a text with another
 * of JavaScript's line breaks (`\r`, U+2028, U+2029), where `^` and `$` also stop, is searched whole.
 */
export function scanConstants(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text.includes('\r') || text.includes('\u2028') || text.includes('\u2029')) {
    for (const m of text.matchAll(CONSTANT)) out[m[1]] = m[2] ?? m[3];
    return out;
  }
  const n = text.length;
  let at = 0;
  while (at < n) {
    const c = text.charCodeAt(at);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
      CONSTANT_AT.lastIndex = at;
      const m = CONSTANT_AT.exec(text);
      if (m) {
        out[m[1]] = m[2] ?? m[3];
        const end = CONSTANT_AT.lastIndex;
        // A match ends before a line break or at the end; `\s*` may have taken line breaks before it, so its end
        // may be a line's start itself.
        if (end > 0 && text.charCodeAt(end - 1) === 10) {
          at = end;
          continue;
        }
        at = end;
      }
    }
    const next = text.indexOf('\n', at);
    if (next < 0) break;
    at = next + 1;
  }
  return out;
}

const FROM_IMPORT = /^from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)/gm;
const PLAIN_IMPORT = /^import[ \t]+([^\n#;]+)/gm;

/**
 * The top-level imports of a package's `__init__.py` that is not otherwise parsed, read with a regex: they
 * are the package's re-exports (`from .base import Base`), which `from package import Base` elsewhere
 * follows. Only statements at the start of a line count; `module` is the file's own module path.
 */
export function scanImports(text: string, module: string): ImportFact[] {
  const out: ImportFact[] = [];
  const resolve = (m: string) => {
    const dots = /^\.*/.exec(m)![0].length;
    if (dots === 0) return m;
    // In `__init__.py` the module is the package itself: one dot is the package.
    const parts = module.split('.').filter(Boolean);
    const base = parts.slice(0, Math.max(0, parts.length - (dots - 1)));
    const rest = m.slice(dots);
    return [...base, ...(rest ? [rest] : [])].join('.');
  };
  for (const m of text.matchAll(FROM_IMPORT)) {
    const statementSpan = { start: m.index, end: m.index + m[0].length };
    const from = resolve(m[1]);
    const list = m[2].replace(/^\(|\)$/g, '');
    for (const item of list.split(',')) {
      const parts = item.trim().split(/\s+as\s+/);
      const name = parts[0]?.trim();
      if (!name || name === '*' || !/^\w+$/.test(name)) continue;
      const local = (parts[1] ?? name).trim();
      if (!/^\w+$/.test(local)) continue;
      out.push({ local, module: from, name, span: statementSpan, statementSpan });
    }
  }
  for (const m of text.matchAll(PLAIN_IMPORT)) {
    const statementSpan = { start: m.index, end: m.index + m[0].length };
    for (const item of m[1].split(',')) {
      const parts = item.trim().split(/\s+as\s+/);
      const name = parts[0]?.trim();
      if (!name || !/^[\w.]+$/.test(name)) continue;
      const local = parts[1]?.trim() ?? name.split('.')[0];
      out.push({ local, module: name, span: statementSpan, statementSpan });
    }
  }
  return out;
}

/**
 * Whether the code sets where Alembic finds revisions at run time: `set_main_option("version_locations", ...)`
 * (or `script_location`) on a `Config`, or an assignment to `.version_locations`. Read from the text, not the
 * tree, since such a file (an `env.py`, a CLI) is often no candidate for parsing. A false yes only makes
 * FK Guard keep every revision folder in history, which is the safe side.
 */
export function setsAlembicLocations(text: string): boolean {
  // Both alternatives contain `_location`, which a plain search rules out faster than the regex (it runs on every
  // Python file of a workspace).
  return text.includes('_location') && /set_(?:main|section)_option\s*\([^)]*?["'](?:version|script)_locations?["']|\.version_locations\s*(?:\+?=(?!=)|\.(?:append|extend|insert)\s*\()/.test(text);
}
