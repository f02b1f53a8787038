import { emptyFacts } from '../facts';
import { FileFacts } from '../types';
import { resolveSpecifier } from './context';

/**
 * The exported string constants and re-exports of a TypeScript or JavaScript file that uses no ORM, read
 * without the compiler: a shared package's `export const TableUser = 'user'`, `export const enum
 * FieldNameUser { id = 'id', ... }` (members are kept as `FieldNameUser.id`), `export * from './user'` and
 * `export { TableUser } from './user'`. Migrations that import them (hedgedoc's Knex migrations name every
 * table and column this way) are then read by the values. Only statements at the start of a line are
 * looked at, so a comment or a string that mentions `export` is not taken for one; anything less plain
 * (a computed value, a numeric enum) is simply not a constant here.
 */
export function scanTsConstants(file: string, text: string): FileFacts | undefined {
  // Not a search for lines that start with `export` in the text as written: a comment may come first on the line
  // (`/* shared */ export const TableUser = 'user'`), and the patterns below see blanks there (R11-19).
  if (!MAY_EXPORT_CONSTANTS.test(text)) return undefined;
  const constants: Record<string, string> = {};
  const reexports: NonNullable<FileFacts['reexports']> = [];
  const code = blankComments(text);
  // Every statement below starts a line with `export` or `import`: each pattern is tried at those lines only
  // (see `matchesAt`), not at every character of the file, which took most of this function's time.
  const exportLines = lineStarts(code, 'export');
  const importLines = lineStarts(code, 'import');
  const str = String.raw`(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|\x60([^\x60\\$]*)\x60)`;
  const constRe = new RegExp(String.raw`^[ \t]*export\s+const\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*${str}\s*(?:as\s+const\s*)?(?:;|$)`, 'my');
  for (const m of matchesAt(code, constRe, exportLines)) constants[m[1]] = unescape(m[2] ?? m[3] ?? m[4] ?? '');
  const enumRe = /^[ \t]*export\s+(?:declare\s+)?(?:const\s+)?enum\s+([A-Za-z_$][\w$]*)\s*\{([^{}]*)\}/my;
  const memberRe = new RegExp(String.raw`(?:^|,)\s*(?:([A-Za-z_$][\w$]*)|'([^'\n]*)'|"([^"\n]*)")\s*=\s*${str}\s*(?=,|$)`, 'g');
  for (const m of matchesAt(code, enumRe, exportLines)) {
    for (const mm of m[2].matchAll(memberRe)) constants[`${m[1]}.${mm[1] ?? mm[2] ?? mm[3]}`] = unescape(mm[4] ?? mm[5] ?? mm[6] ?? '');
  }
  const starRe = /^[ \t]*export\s*\*\s*from\s*['"]([^'"\n]+)['"]/my;
  for (const m of matchesAt(code, starRe, exportLines)) reexports.push({ module: resolveSpecifier(file, m[1]) });
  const star = reexports.length > 0;
  // `export * as schema from './schema'`: the namespace, kept under the name `*` (see `NameLookup.exportedFrom`).
  const nsRe = /^[ \t]*export\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s+from\s*['"]([^'"\n]+)['"]/my;
  for (const m of matchesAt(code, nsRe, exportLines)) reexports.push({ module: resolveSpecifier(file, m[2]), name: '*', as: m[1] });
  // `import { barns } from './a'; export { barns }` re-exports as `export { barns } from './a'` does. A name of
  // the file's own in such a list, or a declaration it exports, matters only beside an `export *`, whose names
  // it shadows: only then is it kept (module '').
  const imported = new Map<string, { module: string; name: string }>();
  const importRe = /^[ \t]*import\s+(?!type\b)(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^{}]*)\}|\*\s*as\s+([A-Za-z_$][\w$]*))?\s*from\s*['"]([^'"\n]+)['"]/my;
  for (const m of matchesAt(code, importRe, importLines)) {
    const module = resolveSpecifier(file, m[4]);
    if (m[1]) imported.set(m[1], { module, name: 'default' });
    if (m[3]) imported.set(m[3], { module, name: '*' });
    for (const part of m[2]?.split(',') ?? []) {
      const names = /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (names) imported.set(names[2] ?? names[1], { module, name: names[1] });
    }
  }
  const localListRe = /^[ \t]*export\s*\{([^{}]*)\}\s*(?:;|$)/my;
  for (const m of matchesAt(code, localListRe, exportLines)) {
    for (const part of m[1].split(',')) {
      const names = /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (!names) continue;
      const imp = imported.get(names[1]);
      const exported = names[2] ?? names[1];
      if (imp) reexports.push({ module: imp.module, name: imp.name, ...(exported !== imp.name ? { as: exported } : {}) });
      else if (star) reexports.push({ module: '', name: names[1], ...(exported !== names[1] ? { as: exported } : {}) });
    }
  }
  if (star) {
    const declRe = /^[ \t]*export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:const\s+enum|const|let|var|function\s*\*?|class|enum)\s+([A-Za-z_$][\w$]*)/my;
    for (const m of matchesAt(code, declRe, exportLines)) reexports.push({ module: '', name: m[1] });
  }
  const namedRe = /^[ \t]*export\s*(?:type\s*)?\{([^{}]*)\}\s*from\s*['"]([^'"\n]+)['"]/my;
  for (const m of matchesAt(code, namedRe, exportLines)) {
    const module = resolveSpecifier(file, m[2]);
    for (const part of m[1].split(',')) {
      const names = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (names) reexports.push({ module, name: names[1], ...(names[2] ? { as: names[2] } : {}) });
    }
  }
  if (Object.keys(constants).length === 0 && reexports.length === 0) return undefined;
  return { ...emptyFacts(file, text, 'typescript'), constants, ...(reexports.length ? { reexports } : {}), constantsOnly: true };
}

/**
 * Necessary for `scanTsConstants` to find anything, tested on the text as written: `export`, then blanks, then what
 * one of its patterns needs next (`*`, `{`, `declare`, `enum`, `type {`, or `const` followed by `enum` or by a name
 * and `=` before a quote, with a `: string` between or not), or a `/` wherever a comment may stand in for blanks (a
 * comment is blanks to the patterns, which read the text with comments blanked, and a comment starts with `/`). An
 * import alone yields nothing: it counts only for an `export { … }`. Most files that export something export classes,
 * functions or types, and skip the comment blanking and the patterns this way (the Node apps of the corpus: 1,956 of
 * 29,965 TypeScript and JavaScript files pass). A pattern added to `scanTsConstants` must be let through here too
 * (test/engine/tsConstantsScan.test.ts compares the function with a search of the whole text by each pattern).
 */
const MAY_EXPORT_CONSTANTS = /export\s*(?:[/*{]|declare|enum|type\s*[{/]|const(?:\s*\/|\s+enum|\s+[A-Za-z_$][\w$]*\s*(?:\/|=\s*[/'"`]|:\s*(?:\/|string\s*(?:\/|=\s*[/'"`])))))/;

/** The text with comments turned to blanks (newlines kept), strings left as they are. */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (m) => (m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : m));
}

/** The characters that end a line for a regular expression (`.` does not match them; `^` and `$` of `m` follow them). */
function isLineTerminator(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/** The start of each line of `text` whose first word, after blanks, begins with `word`, in order. */
function lineStarts(text: string, word: string): number[] {
  const starts: number[] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    const start = lineStartBefore(text, at);
    if (start >= 0) starts.push(start);
  }
  return starts;
}

/** The start of the line `at` is on, when only blanks (spaces and tabs) come before it there; -1 otherwise. */
function lineStartBefore(text: string, at: number): number {
  let i = at;
  while (i > 0 && (text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i - 1) === 0x09)) i--;
  return i === 0 || isLineTerminator(text.charCodeAt(i - 1)) ? i : -1;
}

/**
 * What `code.matchAll(re)` gives for a global `^`-anchored pattern `re` of flag `m`, for `re` made sticky (`my`)
 * and `starts` the lines where a match may begin (each match begins at a line start): the first match at or after
 * the end of the last one, in order.
 */
function matchesAt(code: string, re: RegExp, starts: readonly number[]): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  let end = 0;
  for (const start of starts) {
    if (start < end) continue;
    re.lastIndex = start;
    const m = re.exec(code);
    if (m) {
      found.push(m);
      end = start + m[0].length;
    }
  }
  return found;
}

/** A literal's escapes as JavaScript reads them (the few a name may hold). */
function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);
}
