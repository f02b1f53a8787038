// Suppressing what FK Guard can't know, once for every language, after the rules ran: `# fkguard: ignore` and
// `# fkguard: ignore[unknown-table]` on a finding's line (like Ruff's `noqa`), the "Ignore this line" and "Add
// `x` to external-tables" quick fixes, and `unused-suppression` for a comment that no longer silences anything.

import type { ConfigOrigin, FkGuardConfig } from './config';
import type { DocumentEdit } from './dialect';
import { ALL_RULES, FileFacts, FileSuppressions, Finding, Fix, Range, SourceLanguage, Span, SuppressionComment, TextEdit } from './types';
import { computeLineStarts, positionAt, rangeOf } from './text';

/**
 * How each language writes the marker: its comment sign and the spelling that follows. Python and TypeScript files
 * also take SQL's (`-- fkguard: ignore`) on a line of SQL written in one of their strings (see `ReferenceFact.sqlString`),
 * where their own comment would be text of the SQL (R16-15).
 */
const SYNTAX: Record<SourceLanguage, { marker: RegExp; write: (rules?: string[]) => string }> = {
  python: { marker: /(?:#|--)[ \t]*fkguard:[ \t]*ignore\b(\[[^\]\r\n]*\])?/g, write: (r) => `# fkguard: ignore${r ? `[${r.join(', ')}]` : ''}` },
  sql: { marker: /--[ \t]*fkguard:[ \t]*ignore\b(\[[^\]\r\n]*\])?/g, write: (r) => `-- fkguard: ignore${r ? `[${r.join(', ')}]` : ''}` },
  prisma: { marker: /\/\/[ \t]*fkguard:[ \t]*ignore\b(\[[^\]\r\n]*\])?/g, write: (r) => `// fkguard: ignore${r ? `[${r.join(', ')}]` : ''}` },
  // alembic.ini and the like: `#` comments, as in Python.
  config: { marker: /#[ \t]*fkguard:[ \t]*ignore\b(\[[^\]\r\n]*\])?/g, write: (r) => `# fkguard: ignore${r ? `[${r.join(', ')}]` : ''}` },
  typescript: { marker: /(?:\/\/[ \t]*fkguard-ignore|--[ \t]*fkguard:[ \t]*ignore)\b(\[[^\]\r\n]*\])?/g, write: (r) => `// fkguard-ignore${r ? `[${r.join(', ')}]` : ''}` },
};

/**
 * The suppression comments of a file, and the little a quick fix needs to know about its lines (which end in
 * `\r\n`, after which ones no comment may follow). Read from the text with one regular expression: a marker
 * inside a string literal counts too, which is harmless (it can only silence a finding on its own line).
 */
export function scanSuppressions(text: string, language: SourceLanguage): FileSuppressions {
  const out: FileSuppressions = { comments: [], length: text.length };
  const syntax = SYNTAX[language];
  // Line starts only when something below needs them: most files have no marker, CRLF or line continuation.
  const needsLines = text.includes('fkguard') || text.includes('\r\n') || (language === 'python' && text.includes('\\'));
  const lineStarts = needsLines ? computeLineStarts(text) : [];
  if (text.includes('fkguard')) {
    for (const m of text.matchAll(syntax.marker)) {
      const start = m.index!;
      const end = start + m[0].length;
      const { line } = positionAt(lineStarts, start);
      const lineStart = lineStarts[line];
      const lineEnd = endOfLine(text, lineStarts, line);
      let from = start;
      while (from > lineStart && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
      // Alone on its line (nothing before it, nothing after): removing it removes the line.
      const alone = from === lineStart && text.slice(end, lineEnd).trim() === '';
      const removeSpan: Span = alone ? { start: lineStart, end: line + 1 < lineStarts.length ? lineStarts[line + 1] : lineEnd } : { start: from, end };
      const c: SuppressionComment = { line, span: { start, end }, removeSpan };
      if (m[1] !== undefined) {
        c.rules = m[1].slice(1, -1).split(',').map((r) => r.trim()).filter(Boolean);
        c.rulesSpan = { start: end - m[1].length + 1, end: end - 1 };
      }
      out.comments.push(c);
    }
  }
  if (text.includes('\r\n')) {
    const crlf: number[] = [];
    for (let line = 0; line + 1 < lineStarts.length; line++) if (text.charCodeAt(lineStarts[line + 1] - 2) === 13 && text.charCodeAt(lineStarts[line + 1] - 1) === 10) crlf.push(line);
    out.crlf = crlf.length === lineStarts.length - 1 ? 'all' : crlf;
  }
  if (language === 'python' && text.includes('\\')) {
    const noComment: number[] = [];
    for (let line = 0; line < lineStarts.length; line++) if (text[endOfLine(text, lineStarts, line) - 1] === '\\') noComment.push(line);
    if (noComment.length > 0) out.noComment = noComment;
  }
  return out;
}

/**
 * `facts` with the suppressions of `text` (the text they were read from). With `previous`, the suppressions of
 * the text before one `edit` (an open document being typed in), a text that had none of what `scanSuppressions`
 * looks for (no marker, no `\r\n`, no line ending in a backslash) still has none when the lines the edit touched
 * have none: a marker, a line break's `\r\n` and a line's last character all lie within one line (and the
 * character on each side of it), and no other line changed. Each keystroke in a 2,000-line model file
 * otherwise searched its whole text three times.
 */
export function withSuppressions(facts: FileFacts, text: string, previous?: FileSuppressions, edit?: DocumentEdit): FileFacts {
  facts.suppressions = previous && edit && noneAfter(previous, text, edit) ? { comments: [], length: text.length } : scanSuppressions(text, facts.language);
  return facts;
}

/** See `withSuppressions`. */
function noneAfter(previous: FileSuppressions, text: string, edit: DocumentEdit): boolean {
  if (previous.comments.length > 0 || previous.crlf !== undefined || previous.noComment !== undefined) return false;
  if (previous.length !== text.length - edit.newText.length + (edit.oldEndIndex - edit.startIndex)) return false;
  const end = edit.startIndex + edit.newText.length;
  if (edit.startIndex < 0 || end > text.length) return false;
  // The lines the edit touched, in the text after it, with the character before and after them.
  const from = Math.max(0, text.lastIndexOf('\n', edit.startIndex - 1) - 1);
  const next = text.indexOf('\n', end);
  const to = next < 0 ? text.length : Math.min(text.length, next + 2);
  const lines = text.slice(from, to);
  return !lines.includes('fkguard') && !lines.includes('\r') && !lines.includes('\\');
}

function endOfLine(text: string, lineStarts: readonly number[], line: number): number {
  if (line + 1 >= lineStarts.length) return text.length;
  const next = lineStarts[line + 1];
  return text.charCodeAt(next - 2) === 13 && text.charCodeAt(next - 1) === 10 ? next - 2 : next - 1;
}

/** Where a line's text ends (before its break), from the facts alone. */
function lineEndOffset(facts: FileFacts, line: number): number | undefined {
  const starts = facts.lineStarts;
  if (line + 1 >= starts.length) return facts.suppressions?.length;
  const crlf = facts.suppressions?.crlf;
  const two = crlf === 'all' || (Array.isArray(crlf) && crlf.includes(line));
  return starts[line + 1] - (two ? 2 : 1);
}

/**
 * Applies a file's suppression comments to its findings (the rules' output, before severities are final),
 * gives every finding that stays its "Ignore this line" fix (and unknown tables their "Add to
 * external-tables" fix), and reports each comment, or each rule named in one, that silenced nothing.
 */
export function applySuppressions(facts: FileFacts, findings: Finding[], config: FkGuardConfig): Finding[] {
  const comments = facts.suppressions?.comments ?? [];
  const used = comments.map(() => new Set<string>());
  const kept: Finding[] = [];
  for (const f of findings) {
    let silenced = false;
    comments.forEach((c, i) => {
      if (c.line < f.range.start.line || c.line > f.range.end.line) return;
      if (c.rules && !c.rules.includes(f.rule)) return;
      used[i].add(c.rules ? f.rule : '*');
      silenced = true;
    });
    if (!silenced) kept.push(f);
  }
  // "Ignore this line" silences the line, as it says: every rule reported on it, not only the finding's own.
  const rulesByLine = new Map<number, string[]>();
  for (const f of kept) {
    const rules = rulesByLine.get(f.range.start.line) ?? [];
    if (!rules.includes(f.rule)) rules.push(f.rule);
    rulesByLine.set(f.range.start.line, rules);
  }
  const strings = sqlStringsOf(facts);
  for (let i = 0; i < kept.length; i++) kept[i] = withIgnoreLineFix(facts, kept[i], rulesByLine.get(kept[i].range.start.line)!, strings);
  const severity = config.rules['unused-suppression'];
  if (severity === 'off') return kept;
  comments.forEach((c, i) => {
    const unused = c.rules ? c.rules.filter((r) => !used[i].has(r)) : used[i].size === 0 ? ['*'] : [];
    if (unused.length === 0) return;
    const whole = !c.rules || unused.length === c.rules.length;
    const unknown = unused.filter((r) => r !== '*' && !(ALL_RULES as readonly string[]).includes(r));
    const what = !c.rules ? 'This `fkguard: ignore` comment' : whole ? 'This suppression' : `${unused.map((r) => `\`${r}\``).join(', ')} in this suppression`;
    const why = unknown.length > 0 ? ` (${unknown.map((r) => `\`${r}\``).join(', ')} is not an FK Guard rule)` : '';
    const edit: TextEdit = whole
      ? { file: facts.file, range: rangeOf(facts.lineStarts, c.removeSpan), newText: '' }
      : { file: facts.file, range: rangeOf(facts.lineStarts, c.rulesSpan!), newText: c.rules!.filter((r) => used[i].has(r)).join(', ') };
    kept.push({
      rule: 'unused-suppression',
      severity: severity ?? 'info',
      message: `${what} suppresses nothing on this line${why}.`,
      file: facts.file,
      range: rangeOf(facts.lineStarts, c.span),
      related: [],
      fixes: [{ title: whole ? 'Remove the unused suppression' : `Remove ${unused.map((r) => `\`${r}\``).join(', ')} from the suppression`, isPreferred: true, edits: [edit] }],
    });
  });
  return kept;
}

/**
 * `f` with its "Ignore this line" fix, if it has one. A finding object the rules gave before (an editor's engine
 * keeps each reference's result while an edit elsewhere cannot change it) gets the finding made for it then,
 * when everything the fix is made of is as it was: the file and its language, the rules reported on the line,
 * the end of the line (its line and character) and no marker on it. Typing in a 2,000-line model file made every
 * finding and its fix again on each keystroke.
 */
function withIgnoreLineFix(facts: FileFacts, f: Finding, lineRules: string[], strings: readonly Span[]): Finding {
  const line = f.range.start.line;
  const plain = !facts.suppressions?.noComment && !(facts.suppressions?.comments.length ?? 0);
  const end = plain ? lineEndOffset(facts, line) : undefined;
  const character = end === undefined ? -1 : end - facts.lineStarts[line];
  const inSql = end !== undefined && endsInSqlString(strings, end);
  const known = plain ? withIgnoreFix.get(f) : undefined;
  if (known && known.file === facts.file && known.language === facts.language && known.character === character && known.inSql === inSql && sameList(known.rules, lineRules)) return known.finding;
  const ignore = ignoreLineFix(facts, f, lineRules, strings);
  const finding = ignore ? { ...f, fixes: [...f.fixes, ignore] } : f;
  if (plain && end !== undefined) withIgnoreFix.set(f, { file: facts.file, language: facts.language, character, inSql, rules: lineRules, finding });
  return finding;
}

/**
 * See `withIgnoreLineFix`: what each finding was given, and from what. Only for files without markers and
 * backslash continuations (most files), where the fix depends on nothing else.
 */
const withIgnoreFix = new WeakMap<Finding, { file: string; language: SourceLanguage; character: number; inSql: boolean; rules: readonly string[]; finding: Finding }>();

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * "Ignore this line": the marker at the end of the finding's line, in the language's syntax, after the line's
 * own text and before its break (whatever break it is). A line that has a marker with a list gets the rule
 * added to the list. Not offered after a backslash continuation, where a comment is a syntax error.
 */
function ignoreLineFix(facts: FileFacts, f: Finding, lineRules: string[], strings: readonly Span[]): Fix | undefined {
  // A parse error is fixed in the code (its line may end inside an unclosed string, where a comment is not one).
  if (f.rule === 'unused-suppression' || f.rule === 'parse-error') return undefined;
  const line = f.range.start.line;
  if (facts.suppressions?.noComment?.includes(line)) return undefined;
  const rules = lineRules.filter((r) => r !== 'unused-suppression' && r !== 'parse-error');
  const title = `Ignore ${rules.map((r) => `\`${r}\``).join(', ')} on this line`;
  const existing = facts.suppressions?.comments.find((c) => c.line === line && c.rules);
  if (existing?.rulesSpan) {
    const at = rangeOf(facts.lineStarts, { start: existing.rulesSpan.end, end: existing.rulesSpan.end });
    const added = rules.filter((r) => !existing.rules!.includes(r));
    const sep = existing.rules!.length > 0 ? ', ' : '';
    return { title, isPreferred: false, edits: [{ file: facts.file, range: at, newText: `${sep}${added.join(', ')}` }] };
  }
  const end = lineEndOffset(facts, line);
  if (end === undefined) return undefined;
  const at: Range = rangeOf(facts.lineStarts, { start: end, end });
  const marker = SYNTAX[endsInSqlString(strings, end) ? 'sql' : facts.language].write(rules);
  return { title, isPreferred: false, edits: [{ file: facts.file, range: at, newText: `  ${marker}` }] };
}

/**
 * The strings of SQL a Python or TypeScript file's references were read from (see `ReferenceFact.sqlString`), found
 * once for all of a file's findings; none in most files.
 */
function sqlStringsOf(facts: FileFacts): Span[] {
  if (facts.language !== 'python' && facts.language !== 'typescript') return [];
  const out: Span[] = [];
  for (const r of facts.references) if (r.sqlString !== undefined && !out.includes(r.sqlString)) out.push(r.sqlString);
  return out;
}

/**
 * Whether the line break at `end` lies inside one of a file's strings of SQL: a comment written there is part of the
 * SQL, so it must be SQL's (`-- fkguard: ignore`); `# …` or `// …` would break the statement (PostgreSQL: syntax
 * error at or near "//").
 */
function endsInSqlString(strings: readonly Span[], end: number): boolean {
  for (const s of strings) if (s.start < end && end < s.end) return true;
  return false;
}

/**
 * "Add `name` to external-tables", as an edit of the configuration file the workspace uses (`config.origin`,
 * given by the host with its text): the name goes into an existing `external-tables` list, or a new key goes
 * at the top of FK Guard's table, or a `[tool.fkguard]` table is added to a pyproject.toml that has none.
 */
export function externalTableFix(config: FkGuardConfig, name: string): Fix | undefined {
  const origin = config.origin;
  if (!origin) return undefined;
  const edits = origin.kind === 'json' ? jsonEdit(origin, name) : tomlEdit(origin, name);
  if (!edits) return undefined;
  const shownFile = origin.file.split('/').pop();
  return { title: `Add \`${name}\` to external-tables (${shownFile})`, isPreferred: false, edits };
}

function jsonEdit(origin: ConfigOrigin, name: string): TextEdit[] | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(origin.text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const key = ['external-tables', 'externalTables', 'external_tables'].find((k) => k in value) ?? 'external-tables';
  const list = Array.isArray(value[key]) ? (value[key] as unknown[]) : [];
  const eol = origin.text.includes('\r\n') ? '\r\n' : '\n';
  const text = JSON.stringify({ ...value, [key]: [...list, name] }, null, 2).replace(/\n/g, eol) + eol;
  const starts = computeLineStarts(origin.text);
  return [{ file: origin.file, range: rangeOf(starts, { start: 0, end: origin.text.length }), newText: text }];
}

function tomlEdit(origin: ConfigOrigin, name: string): TextEdit[] | undefined {
  const text = origin.text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const starts = computeLineStarts(text);
  const at = (offset: number, newText: string): TextEdit[] => [{ file: origin.file, range: rangeOf(starts, { start: offset, end: offset }), newText }];
  const quoted = JSON.stringify(name);
  // FK Guard's table: the whole fkguard.toml up to its first header, or `[tool.fkguard]` of a pyproject.
  let from = 0;
  let to = text.length;
  const header = /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*fkguard[ \t]*\][ \t]*(?:#[^\r\n]*)?$/m.exec(text);
  if (origin.kind === 'pyproject') {
    if (!header) {
      const sep = text.length === 0 || /\n$/.test(text) ? '' : eol;
      return at(text.length, `${sep}${text.length === 0 ? '' : eol}[tool.fkguard]${eol}external-tables = [${quoted}]${eol}`);
    }
    from = header.index + header[0].length;
  }
  const nextHeader = /^[ \t]*\[/m.exec(text.slice(from));
  if (nextHeader) to = from + nextHeader.index;
  const section = text.slice(from, to);
  const key = /^[ \t]*(?:external[-_]tables|externalTables|"external-tables")[ \t]*=[ \t]*\[/m.exec(section);
  if (!key) {
    // A new key first in the table, on its own line.
    if (origin.kind === 'pyproject') return at(from, `${eol}external-tables = [${quoted}]`);
    return at(0, `external-tables = [${quoted}]${eol}`);
  }
  const open = from + key.index + key[0].length;
  const close = closingBracket(text, open);
  if (close === undefined) return undefined;
  let last = close - 1;
  while (last >= open && /\s/.test(text[last])) last--;
  if (last < open) return at(open, quoted);
  return at(last + 1, text[last] === ',' ? ` ${quoted}` : `, ${quoted}`);
}

/** The offset of the `]` that closes a TOML array opened just before `i`, skipping strings and comments. */
function closingBracket(text: string, i: number): number | undefined {
  let depth = 1;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '"' || c === "'") {
      const q = c;
      j++;
      while (j < text.length && text[j] !== q && text[j] !== '\n') j += text[j] === '\\' && q === '"' ? 2 : 1;
    } else if (c === '#') {
      while (j < text.length && text[j] !== '\n') j++;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return j;
  }
  return undefined;
}
