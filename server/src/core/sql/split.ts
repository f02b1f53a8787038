/**
 * Where the comment starting at `i` ends (a `--` comment at its line break, a block comment just past its end;
 * PostgreSQL block comments nest; an unclosed one runs to the end), or -1 when no comment starts there.
 * Every scanner of SQL text uses it, so they agree on what is a comment.
 */
export function commentEnd(text: string, i: number): number {
  const n = text.length;
  if (text[i] === '-' && text[i + 1] === '-') {
    while (i < n && text[i] !== '\n') i++;
    return i;
  }
  if (text[i] !== '/' || text[i + 1] !== '*') return -1;
  let depth = 1;
  i += 2;
  while (i < n && depth > 0) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
    } else i++;
  }
  return i;
}

/** One statement of a SQL file: its text (without the `;`) and where it starts in the file. */
export interface SqlStatement {
  text: string;
  start: number;
}

/**
 * Splits a SQL file into statements at the semicolons outside quotes, dollar quotes and comments, so one
 * statement the parser cannot read costs only itself. Quoting that never closes runs to the end of the file
 * (that statement is then unreadable, and reported as such). A psql meta-command (`\connect db`) ends at
 * the end of its line and is left out. Statements holding only blanks and comments are left out (but for MySQL's
 * executable comments, `/*!...*\/`). The data rows after a `COPY ... FROM stdin;` (up to the line `\.`) are left out.
 */
/** A `COPY ... FROM stdin` statement (PostgreSQL, as psql and pg_dump write it): its data follows it in the file. */
const COPY_FROM_STDIN = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*copy\b[\s\S]*\bfrom\s+stdin\b/i;

export function splitStatements(text: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  const n = text.length;
  let start = 0;
  let i = 0;
  let meaningful = false;
  const flush = (end: number, next: number) => {
    if (meaningful) out.push({ text: text.slice(start, end), start });
    start = next;
    meaningful = false;
  };
  while (i < n) {
    const c = text[i];
    const comment = commentEnd(text, i);
    if (comment !== -1) {
      // MySQL and MariaDB run the text of a `/*!` (`/*M!`) comment (mysqldump's `/*!40014 SET FOREIGN_KEY_CHECKS=0 */;`).
      if (text[i + 1] === '*' && (text[i + 2] === '!' || (text[i + 2] === 'M' && text[i + 3] === '!'))) meaningful = true;
      i = comment;
    } else if (c === "'" || c === '"' || c === '`') {
      meaningful = true;
      // `E'...'` strings take backslash escapes; every quote doubles to escape itself.
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
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][\w]*)?\$/.exec(text.slice(i, i + 64));
      if (tag) {
        meaningful = true;
        const close = text.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      } else i++;
    } else if (c === ';') {
      const copy = meaningful && COPY_FROM_STDIN.test(text.slice(start, i));
      flush(i, i + 1);
      i++;
      if (copy) {
        // psql's `COPY ... FROM stdin;` is followed by its data, one row a line, up to a line `\.` (or the end):
        // rows, not statements (a pg_dump with data). The next statement starts after that line.
        const end = /^\\\.\r?$/m.exec(text.slice(i));
        i = end ? i + end.index + end[0].length : n;
        start = i;
      }
    } else if (c === '\\' && !meaningful) {
      // A psql meta-command ends at the end of its line.
      while (i < n && text[i] !== '\n') i++;
      start = i;
    } else {
      if (!/\s/.test(c)) meaningful = true;
      i++;
    }
  }
  flush(n, n);
  return out;
}
