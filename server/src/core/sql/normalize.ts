/**
 * Rewrites of a statement's text that keep every offset where it was (each replacement has the length of
 * what it replaces, newlines stay), so the parser's locations still point into the file as written.
 */
import { commentEnd } from './split';

/** Masks quoted text and comments: `'it''s'` → `'xxxxx'`, comments → blanks; quotes themselves stay. */
function scan(text: string, onComment: (start: number, end: number) => void, onString: (start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    const comment = commentEnd(text, i);
    if (comment !== -1) {
      onComment(i, comment);
      i = comment;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i;
      const backslash = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '');
      i++;
      while (i < n) {
        if (backslash && text[i] === '\\') i += 2;
        else if (text[i] === c && text[i + 1] === c) i += 2;
        else if (text[i] === c) {
          i++;
          break;
        } else i++;
      }
      if (c === "'") onString(start + 1, Math.max(start + 1, i - 1));
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][\w]*)?\$/.exec(text.slice(i, i + 64));
      if (tag) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        const end = close === -1 ? n : close + tag[0].length;
        onString(i + tag[0].length, close === -1 ? n : close);
        i = end;
      } else i++;
    } else i++;
  }
}

const blank = (s: string) => s.replace(/[^\n\r]/g, ' ');

/**
 * Comments blanked out, newlines kept. PostgreSQL ignores them, but pgsql-ast-parser's lexer rejects a
 * statement whose comment holds a quote, a backtick, an `@` or a non-ASCII letter (`/* it's é *\/`).
 */
export function blankComments(text: string): string {
  const parts: string[] = [];
  let last = 0;
  scan(
    text,
    (start, end) => {
      parts.push(text.slice(last, start), blank(text.slice(start, end)));
      last = end;
    },
    () => undefined,
  );
  parts.push(text.slice(last));
  return parts.join('');
}

/**
 * Each `CHECK (condition)` with its condition blanked to `true` (the parentheses and every offset kept). A check
 * makes no table, key or foreign key, and PostgreSQL writes conditions pgsql-ast-parser's grammar lacks (a
 * composite type's field, `(amount).amount`). Strings and comments are skipped when the parentheses are matched.
 */
export function blankChecks(text: string): string {
  const m = masked(blankComments(text));
  const out = text.split('');
  const re = /\bcheck\s*\(/gi;
  for (let x = re.exec(m); x; x = re.exec(m)) {
    const open = x.index + x[0].length - 1;
    let depth = 0;
    let close = -1;
    for (let i = open; i < m.length; i++) {
      if (m[i] === '(') depth++;
      else if (m[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close === -1) continue;
    // `true` goes on the first four characters of one line inside the parentheses; lines stay where they were.
    let at = -1;
    for (let i = open + 1, run = 0; i < close && at === -1; i++) {
      run = out[i] === '\n' || out[i] === '\r' ? 0 : run + 1;
      if (run === 4) at = i - 3;
    }
    if (at === -1) continue;
    for (let i = open + 1; i < close; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
    out.splice(at, 4, 't', 'r', 'u', 'e');
    re.lastIndex = close + 1;
  }
  return out.join('');
}

/** The text with string contents masked (`x`), so patterns below never match inside a literal. */
export function masked(text: string): string {
  const chars = text.split('');
  scan(
    text,
    () => undefined,
    (start, end) => {
      for (let i = start; i < end; i++) if (chars[i] !== '\n') chars[i] = 'x';
    },
  );
  return chars.join('');
}

/**
 * SQLite and MySQL DDL in a shape PostgreSQL's grammar reads, for a statement the parser refused as it was:
 * backtick and `[bracket]` identifiers become double-quoted; `AUTOINCREMENT`, `AUTO_INCREMENT`, `UNSIGNED`,
 * column `CHARACTER SET`/`COLLATE`/`COMMENT '...'`, `ON UPDATE CURRENT_TIMESTAMP`, `ON CONFLICT ...`, index
 * methods, a constraint's `[NOT] DEFERRABLE`/`INITIALLY ...`, plain `KEY`/`INDEX` items and the table options
 * after the closing parenthesis (`ENGINE=InnoDB`, `WITHOUT ROWID`, `PARTITION BY ...`) are blanked; `UNIQUE KEY
 * name (...)` is a `UNIQUE (...)`; `enum(...)` is a `text`; `GENERATED ... VIRTUAL` is `STORED`; an unquoted
 * `user`, a name there, reads as `RESERVED_STANDIN`; a column named by a string (`'default' BOOLEAN`, SQLite) is
 * a quoted name; two table constraints with no comma between them (SQLite) get one. `ALTER COLUMN ... TYPE t USING expr` loses its `USING` (the
 * new type is what matters here).
 */
export function foreignDialect(text: string): string {
  let m = masked(text);
  const out = text.split('');
  const put = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s[i];
  };
  const blankRange = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  const each = (re: RegExp, fn: (x: RegExpExecArray) => void) => {
    for (let x = re.exec(m); x; x = re.exec(m)) fn(x);
  };
  // Backtick identifiers (MySQL, SQLite): `name` → "name".
  each(/`[^`\n]*`/g, (x) => {
    put(x.index, '"');
    put(x.index + x[0].length - 1, '"');
  });
  // Bracketed identifiers (SQLite, SQL Server): [name] → "name"; never an array type (`int[]`, `text[3]`).
  each(/(^|[\s(,.])\[([A-Za-z_][^\]\n]{0,127})\]/g, (x) => {
    const at = x.index + x[1].length;
    put(at, '"');
    put(at + x[2].length + 1, '"');
  });
  // The patterns below see identifiers double-quoted, whatever quotes they were written in.
  m = masked(out.join(''));
  // PostgreSQL's escape strings (`DEFAULT E''`, `E'a\'b'`), which the parser's lexer refuses: a plain string of the same
  // length, its contents masked (no fact depends on them, and a backslash would end it otherwise).
  each(/(?<![\w$"])[eE]'x*'/g, (x) => put(x.index, ` '${'x'.repeat(x[0].length - 3)}'`));
  // SQLite takes a string literal where a column's name is expected (`'default' BOOLEAN`): a name, quoted.
  each(/([(,]\s*)'([^'\n]*)'(?=\s+[A-Za-z_])/g, (x) => {
    const at = x.index + x[1].length;
    put(at, '"');
    put(at + x[2].length + 1, '"');
  });
  // SQLite's grammar makes the comma between two table constraints optional (`... ON DELETE cascade
  // FOREIGN KEY (b) ...`): one goes into the blank before the second, which only a table constraint begins.
  each(/([^\s,(])(\s+)(?=(?:constraint\s+(?:"[^"]*"|\w+)\s+)?(?:foreign\s+key|primary\s+key\s*\(|unique\s*\())/gi, (x) => {
    const before = m.slice(0, x.index + 1);
    // Not the blank inside `CONSTRAINT name FOREIGN KEY`; after a constraint (which ends in a parenthesis or a word).
    if (/^\s*create\s+(?:temporary\s+|temp\s+)?table\b/i.test(m) && /\b(?:references|key|unique)\b/i.test(before) && !/\bconstraint\s+(?:"[^"]*"|\w+)$/i.test(before)) {
      const blanks = x[2];
      const i = [...blanks].findIndex((c) => c !== '\n' && c !== '\r');
      put(x.index + x[1].length + (i === -1 ? 0 : i), ',');
    }
  });
  // `user` is a name in SQLite and MySQL, a reserved word in PostgreSQL: unquoted, it stands in as
  // `RESERVED_STANDIN` (the reader takes the written name back).
  each(/(?<![\w$".])user(?![\w$"])/gi, (x) => put(x.index, RESERVED_STANDIN));
  each(/\bprimary\s+key(\s+(?:asc|desc))?\s+autoincrement\b/gi, (x) => blankRange(x.index + x[0].length - 'autoincrement'.length, x.index + x[0].length));
  each(/\bauto_increment\b(?!\s*=)/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\b(?:unsigned|zerofill)\b/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\b(?:character\s+set|charset)\s+\w+/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\bcollate\s+(?:"[^"]*"|\w+)/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\bcomment\s+'[^']*'/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\bon\s+update\s+current_timestamp(?:\s*\(\s*\d*\s*\))?/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\bon\s+conflict\s+\w+/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\busing\s+(?:btree|hash)\b/gi, (x) => blankRange(x.index, x.index + x[0].length));
  // When a constraint is checked (`NOT DEFERRABLE INITIALLY IMMEDIATE`) says nothing of what it is.
  each(/\b(?:not\s+)?deferrable\b(?:\s+initially\s+(?:immediate|deferred)\b)?|\binitially\s+(?:immediate|deferred)\b/gi, (x) => blankRange(x.index, x.index + x[0].length));
  each(/\benum\s*\([^()]*\)/gi, (x) => put(x.index, `text${' '.repeat(x[0].length - 4)}`));
  // A generated column computed on read (`GENERATED ALWAYS AS (...) VIRTUAL`) is `STORED` to PostgreSQL's grammar.
  each(/\)\s*virtual\b/gi, (x) => put(x.index + x[0].length - 7, 'stored '));
  // `UNIQUE KEY name (a)` / `UNIQUE INDEX name (a)` → `UNIQUE (a)`.
  each(/\bunique\s+((?:key|index)\b\s*(?:(?:"[^"]*"|\w+)\s*)?)(?=\()/gi, (x) => {
    const at = x.index + x[0].indexOf(x[1]);
    blankRange(at, at + x[1].length);
  });
  // `, KEY name (a, b)`, `, INDEX name (a)`, `, FULLTEXT KEY ...`: an index, no constraint.
  each(/,\s*(?:(?:fulltext|spatial)\s+)?(?:key|index)\b\s*(?:(?:"[^"]*"|\w+)\s*)?\((?:[^()]|\([^()]*\))*\)/gi, (x) => blankRange(x.index, x.index + x[0].length));
  // Table options after the column list: `) ENGINE=InnoDB ...`, `) WITHOUT ROWID`, `) STRICT`, and
  // PostgreSQL's `) PARTITION BY HASH (id)`, whose own parentheses do not end the column list.
  if (/^\s*create\s+(?:temporary\s+|temp\s+)?table\b/i.test(m)) {
    let depth = 0;
    let close = -1;
    for (let i = 0; i < m.length && close === -1; i++) {
      if (m[i] === '(') depth++;
      else if (m[i] === ')' && --depth === 0) close = i;
    }
    if (close !== -1) blankRange(close + 1, m.length);
  }
  // `ALTER COLUMN c TYPE t USING expr`: the expression runs to the next top-level comma. Each `USING` is
  // judged by the clause it ends (from the last top-level comma), so no pattern spans a long run of text.
  each(/\busing\b/gi, (x) => {
    let depth = 0;
    let from = x.index;
    while (from > 0 && !(m[from - 1] === ',' && depth === 0)) {
      from--;
      if (m[from] === ')') depth++;
      else if (m[from] === '(') depth--;
    }
    if (!/\balter\b[\s\S]*\btype\b/i.test(m.slice(from, x.index))) return;
    let i = x.index;
    for (depth = 0; i < m.length; i++) {
      if (m[i] === '(') depth++;
      else if (m[i] === ')') depth--;
      else if (m[i] === ',' && depth === 0) break;
    }
    blankRange(x.index, i);
  });
  return out.join('');
}

/**
 * PostgreSQL's index and constraint options that say nothing of which columns are a key, blanked (every offset kept)
 * for a statement the parser refused with them (pg_dump writes them): `INCLUDE (...)`, storage parameters `WITH (...)`,
 * `NULLS [NOT] DISTINCT`, `CONCURRENTLY`, the `ONLY` of `ON ONLY t` (a partitioned table's index), `USING INDEX
 * TABLESPACE t`, a constraint's `NOT VALID`. Strings and comments are left alone.
 */
export function blankIndexOptions(text: string): string {
  const m = masked(blankComments(text));
  const out = text.split('');
  const blank = (start: number, end: number) => {
    for (let i = start; i < end; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  const each = (re: RegExp, fn: (x: RegExpExecArray) => void) => {
    for (let x = re.exec(m); x; x = re.exec(m)) fn(x);
  };
  const whole = (x: RegExpExecArray) => blank(x.index, x.index + x[0].length);
  each(/\binclude\s*\([^()]*\)/gi, whole);
  each(/\bwith\s*\((?:[^()]|\([^()]*\))*\)/gi, whole);
  each(/\bnulls\s+(?:not\s+)?distinct\b/gi, whole);
  each(/\bconcurrently\b/gi, whole);
  // pg_dump's `ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID`: the key is made, only the rows already there go unchecked.
  each(/\bnot\s+valid\b/gi, whole);
  each(/\busing\s+index\s+tablespace\s+(?:"[^"]*"|\w+)/gi, whole);
  each(/\bon\s+only\b/gi, (x) => blank(x.index + x[0].length - 4, x.index + x[0].length));
  return out.join('');
}

/**
 * The column lists of the `UNIQUE (...)` and `PRIMARY KEY (...)` constraints of a statement that are `DEFERRABLE`
 * (not `NOT DEFERRABLE`), as written (quotes and case kept): PostgreSQL refuses such a key as a foreign key's target
 * ("cannot use a deferrable unique constraint for referenced table").
 */
export function deferrableKeys(text: string): string[][] {
  const m = masked(blankComments(text));
  const out: string[][] = [];
  const re = /\b(?:unique|primary\s+key)\s*(?:nulls\s+(?:not\s+)?distinct\s*)?\(([^()]*)\)((?:\s*(?:include\s*\([^()]*\)|with\s*\((?:[^()]|\([^()]*\))*\)|using\s+index\s+tablespace\s+(?:"[^"]*"|\w+)))*)\s*(not\s+)?deferrable\b/gi;
  for (let x = re.exec(m); x; x = re.exec(m)) {
    if (x[3]) continue;
    const start = x.index + x[0].indexOf('(') + 1;
    out.push(text.slice(start, start + x[1].length).split(',').map((c) => c.trim()).filter((c) => c !== ''));
  }
  return out;
}

/**
 * A SQL name without its quotes: `"Users"` is `Users` (a doubled `""` inside is one quote), and so are `` `Users` ``,
 * `[Users]` and a setting's `'Users'` (`SET search_path TO 'app'`). An unquoted name is folded to lower case when `fold`
 * (as PostgreSQL does; a reader that keeps the case as written decides later, see `CoreTableFact.foldsCase`).
 */
export function unquoteName(written: string, fold: boolean): string {
  const open = written[0];
  if (open === '"' || open === "'") return written.slice(1, -1).split(open + open).join(open);
  if (open === '`' || open === '[') return written.slice(1, -1);
  return fold ? written.toLowerCase() : written;
}

/** What an unquoted `user` reads as in SQLite and MySQL DDL: a name of four letters PostgreSQL's grammar takes. */
export const RESERVED_STANDIN = 'uzer';

/** A statement inside a `DO` block's body, with where it starts in the file. */
export interface InnerStatement {
  text: string;
  start: number;
}

/**
 * The DDL statements of a `DO $$ BEGIN ... EXCEPTION WHEN duplicate_object THEN null; END $$` block (the
 * shape Drizzle and other generators write so a migration can run twice): each `CREATE`/`ALTER` statement
 * of the PL/pgSQL body, from its keyword to its `;`, wherever it sits (after `BEGIN`, inside `IF ... THEN`).
 * Control flow, queries and `EXECUTE` strings are left out. Undefined when the statement is no `DO` block.
 */
export function doBlockStatements(text: string, start: number): InnerStatement[] | undefined {
  const lead = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(text)![0].length;
  const head = /^do\s+(?:language\s+\w+\s+)?(\$([A-Za-z_]\w*)?\$)/i.exec(text.slice(lead));
  if (!head) return undefined;
  const tag = head[1];
  const bodyStart = lead + head[0].length;
  const close = text.indexOf(tag, bodyStart);
  const body = text.slice(bodyStart, close === -1 ? text.length : close);
  const m = masked(blankComments(body));
  const out: InnerStatement[] = [];
  const re = /\b(?:create\s+(?:unique\s+)?(?:table|index)|alter\s+table)\b/gi;
  for (let x = re.exec(m); x; x = re.exec(m)) {
    let end = m.indexOf(';', x.index);
    if (end === -1) end = m.length;
    out.push({ text: body.slice(x.index, end), start: start + bodyStart + x.index });
    re.lastIndex = end;
  }
  return out;
}
