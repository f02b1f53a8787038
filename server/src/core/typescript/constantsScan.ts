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
  if (!/^[ \t]*export\b/m.test(text)) return undefined;
  const constants: Record<string, string> = {};
  const reexports: NonNullable<FileFacts['reexports']> = [];
  const code = blankComments(text);
  const str = String.raw`(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|\x60([^\x60\\$]*)\x60)`;
  const constRe = new RegExp(String.raw`^[ \t]*export\s+const\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*${str}\s*(?:as\s+const\s*)?(?:;|$)`, 'gm');
  for (const m of code.matchAll(constRe)) constants[m[1]] = unescape(m[2] ?? m[3] ?? m[4] ?? '');
  const enumRe = /^[ \t]*export\s+(?:declare\s+)?(?:const\s+)?enum\s+([A-Za-z_$][\w$]*)\s*\{([^{}]*)\}/gm;
  const memberRe = new RegExp(String.raw`(?:^|,)\s*(?:([A-Za-z_$][\w$]*)|'([^'\n]*)'|"([^"\n]*)")\s*=\s*${str}\s*(?=,|$)`, 'g');
  for (const m of code.matchAll(enumRe)) {
    for (const mm of m[2].matchAll(memberRe)) constants[`${m[1]}.${mm[1] ?? mm[2] ?? mm[3]}`] = unescape(mm[4] ?? mm[5] ?? mm[6] ?? '');
  }
  const starRe = /^[ \t]*export\s*\*\s*from\s*['"]([^'"\n]+)['"]/gm;
  for (const m of code.matchAll(starRe)) reexports.push({ module: resolveSpecifier(file, m[1]) });
  const star = reexports.length > 0;
  // `export * as schema from './schema'`: the namespace, kept under the name `*` (see `NameLookup.exportedFrom`).
  const nsRe = /^[ \t]*export\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s+from\s*['"]([^'"\n]+)['"]/gm;
  for (const m of code.matchAll(nsRe)) reexports.push({ module: resolveSpecifier(file, m[2]), name: '*', as: m[1] });
  // `import { barns } from './a'; export { barns }` re-exports as `export { barns } from './a'` does. A name of
  // the file's own in such a list, or a declaration it exports, matters only beside an `export *`, whose names
  // it shadows: only then is it kept (module '').
  const imported = new Map<string, { module: string; name: string }>();
  const importRe = /^[ \t]*import\s+(?!type\b)(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^{}]*)\}|\*\s*as\s+([A-Za-z_$][\w$]*))?\s*from\s*['"]([^'"\n]+)['"]/gm;
  for (const m of code.matchAll(importRe)) {
    const module = resolveSpecifier(file, m[4]);
    if (m[1]) imported.set(m[1], { module, name: 'default' });
    if (m[3]) imported.set(m[3], { module, name: '*' });
    for (const part of m[2]?.split(',') ?? []) {
      const names = /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (names) imported.set(names[2] ?? names[1], { module, name: names[1] });
    }
  }
  const localListRe = /^[ \t]*export\s*\{([^{}]*)\}\s*(?:;|$)/gm;
  for (const m of code.matchAll(localListRe)) {
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
    const declRe = /^[ \t]*export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:const\s+enum|const|let|var|function\s*\*?|class|enum)\s+([A-Za-z_$][\w$]*)/gm;
    for (const m of code.matchAll(declRe)) reexports.push({ module: '', name: m[1] });
  }
  const namedRe = /^[ \t]*export\s*(?:type\s*)?\{([^{}]*)\}\s*from\s*['"]([^'"\n]+)['"]/gm;
  for (const m of code.matchAll(namedRe)) {
    const module = resolveSpecifier(file, m[2]);
    for (const part of m[1].split(',')) {
      const names = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (names) reexports.push({ module, name: names[1], ...(names[2] ? { as: names[2] } : {}) });
    }
  }
  if (Object.keys(constants).length === 0 && reexports.length === 0) return undefined;
  return { ...emptyFacts(file, text, 'typescript'), constants, ...(reexports.length ? { reexports } : {}), constantsOnly: true };
}

/** The text with comments turned to blanks (newlines kept), strings left as they are. */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (m) => (m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : m));
}

/** A literal's escapes as JavaScript reads them (the few a name may hold). */
function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);
}
