import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanTsConstants } from '../../server/src/core/typescript/constantsScan';
import { isTypeScriptCandidate } from '../../server/src/core/typescript/dialect';
import { resolveSpecifier } from '../../server/src/core/typescript/context';
import { emptyFacts } from '../../server/src/core/facts';
import type { FileFacts } from '../../server/src/core/types';
import { REPO, listFiles, rel } from './harness';

/**
 * `scanTsConstants` (typescript/constantsScan.ts) tries its patterns only at lines that start with `export` or
 * `import`, and only in a text that may hold what they match; it must find exactly what the patterns find when each
 * searches the whole text with its comments blanked, as below (the function as it was before it was made faster,
 * less its first test, which looked for a line starting with `export` in the text as written: R11-19).
 */
function searched(file: string, text: string): FileFacts | undefined {
  const constants: Record<string, string> = {};
  const reexports: NonNullable<FileFacts['reexports']> = [];
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (m) => (m.startsWith('/') ? m.replace(/[^\n]/g, ' ') : m));
  const unescape = (raw: string) => raw.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);
  const str = String.raw`(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|\x60([^\x60\\$]*)\x60)`;
  const constRe = new RegExp(String.raw`^[ \t]*export\s+const\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*${str}\s*(?:as\s+const\s*)?(?:;|$)`, 'gm');
  for (const m of code.matchAll(constRe)) constants[m[1]] = unescape(m[2] ?? m[3] ?? m[4] ?? '');
  const enumRe = /^[ \t]*export\s+(?:declare\s+)?(?:const\s+)?enum\s+([A-Za-z_$][\w$]*)\s*\{([^{}]*)\}/gm;
  const memberRe = new RegExp(String.raw`(?:^|,)\s*(?:([A-Za-z_$][\w$]*)|'([^'\n]*)'|"([^"\n]*)")\s*=\s*${str}\s*(?=,|$)`, 'g');
  for (const m of code.matchAll(enumRe)) {
    for (const mm of m[2].matchAll(memberRe)) constants[`${m[1]}.${mm[1] ?? mm[2] ?? mm[3]}`] = unescape(mm[4] ?? mm[5] ?? mm[6] ?? '');
  }
  for (const m of code.matchAll(/^[ \t]*export\s*\*\s*from\s*['"]([^'"\n]+)['"]/gm)) reexports.push({ module: resolveSpecifier(file, m[1]) });
  const star = reexports.length > 0;
  for (const m of code.matchAll(/^[ \t]*export\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s+from\s*['"]([^'"\n]+)['"]/gm)) reexports.push({ module: resolveSpecifier(file, m[2]), name: '*', as: m[1] });
  const imported = new Map<string, { module: string; name: string }>();
  for (const m of code.matchAll(/^[ \t]*import\s+(?!type\b)(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^{}]*)\}|\*\s*as\s+([A-Za-z_$][\w$]*))?\s*from\s*['"]([^'"\n]+)['"]/gm)) {
    const module = resolveSpecifier(file, m[4]);
    if (m[1]) imported.set(m[1], { module, name: 'default' });
    if (m[3]) imported.set(m[3], { module, name: '*' });
    for (const part of m[2]?.split(',') ?? []) {
      const names = /^\s*([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (names) imported.set(names[2] ?? names[1], { module, name: names[1] });
    }
  }
  for (const m of code.matchAll(/^[ \t]*export\s*\{([^{}]*)\}\s*(?:;|$)/gm)) {
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
  for (const m of code.matchAll(/^[ \t]*export\s*(?:type\s*)?\{([^{}]*)\}\s*from\s*['"]([^'"\n]+)['"]/gm)) {
    const module = resolveSpecifier(file, m[2]);
    for (const part of m[1].split(',')) {
      const names = /^\s*(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+([A-Za-z_$][\w$]*))?\s*$/.exec(part);
      if (names) reexports.push({ module, name: names[1], ...(names[2] ? { as: names[2] } : {}) });
    }
  }
  if (Object.keys(constants).length === 0 && reexports.length === 0) return undefined;
  return { ...emptyFacts(file, text, 'typescript'), constants, ...(reexports.length ? { reexports } : {}), constantsOnly: true };
}

const FILE = 'src/db/names.ts';

const same = (text: string, what: string, file = FILE): boolean => {
  const want = searched(file, text);
  assert.deepEqual(scanTsConstants(file, text), want, what);
  return want !== undefined;
};

/** A small deterministic generator (mulberry32), so that a failure names a text that can be made again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('exported string constants and re-exports read without the compiler', () => {
  const TEXTS: Array<[string, string]> = [
    ['constants', "export const TableUser = 'user';\nexport const TableRole: string = \"role\"\nexport const T = `t` as const;\n"],
    ['enums', "export enum Field { id = 'id', name = \"name\" }\nexport const enum F { 'a' = 'x' }\nexport declare enum G { b = 'y' }\n"],
    ['re-exports', "export * from './user';\nexport * as schema from './schema'\nexport { TableUser } from './user'\nexport type { Row as R } from './row'\n"],
    ['an import re-exported', "import { barns, cows as kine } from './a';\nimport Shed, * as all from './b'\nexport { barns, kine as cattle, Shed };\n"],
    ['own names beside an export *', "export * from './a';\nexport class Barn {}\nexport async function f() {}\nexport const enum E { a = 'b' }\nconst x = 1;\nexport { x as y };\n"],
    ['a comment wherever blanks may be', "export /* c */ const A = 'a'\nexport const /**/ B = 'b'\nexport const C /* */ = 'c'\nexport const D = // d\n 'd'\nexport const E: /**/ string /**/ = 'e'\nexport//x\nconst F = 'f'\nexport /**/ * from './m'\nexport type /**/ { X } from './x'\nexport const /**/ enum G { a = 'g' }\n"],
    ['comments before a statement on its line', "/* a */ export const A = 'a'\n/** doc\n */ export * from './m'\n"],
    ['statements inside comments and strings', "/*\nexport const A = 'a'\n*/\nconst s = `\nexport const B = 'b'\n`;\n// export const C = 'c'\nexport const D = 'd'\n"],
    ['an unclosed comment or string', "const s = 'it\nexport const A = 'a' // x\n/* export const B = 'b'\n"],
    ['what is no constant', "export const A = 'a' + b;\nexport const B = f('b')\nexport let C = 'c'\nexport default 'd'\nexport class K {}\nexport type T = 'x'\nexport function g() {}\n"],
    ['indented, tabs and line endings', "  export const A = 'a'\r\n\texport const B = 'b'\rexport const C = 'c'\u2028export const D = 'd'\u2029 export * from './m'\n"],
    ['export as part of a word', "exports.A = 'a';\nmodule.exports = { B: 'b' };\nexportconst C = 'c'\nreexport const D = 'd'\nexport_const = 1\n"],
    ['two statements on a line', "export const A = 'a'; export const B = 'b';\nexport * from './a'; export * from './b'\n"],
    ['escapes', "export const A = 'it\\'s'\nexport const B = \"a\\\\b\\n\"\nexport const C = `no ${'holes'}`\n"],
    ['empty text', ''],
    ['only export', 'export'],
  ];
  for (const [name, text] of TEXTS) it(`the same as a search of the whole text: ${name}`, () => same(text, name));

  // Each alone, so that no other statement lets the text through the test of what it may hold.
  const STATEMENTS = [
    "export const A = 'a'", 'export const A: string = "a";', 'export const A = `a` as const', "export enum E { a = 'x' }",
    "export const enum E { a = 'x' }", "export declare enum E { a = 'x' }", "export declare const enum E { a = 'x' }",
    "export * from './m'", "export * as ns from './m'", "export { A } from './m'", "export type { A } from './m'",
    "export type{A}from'./m'", "export{A}from'./m'", "export*from'./m'", "import { A } from './m'\nexport { A }",
    "export /* c */ const A = 'a'", "export const /**/ A = 'a'", "export const A /* */ = 'a'", "export const A = // d\n 'a'",
    "export const A: /**/ string = 'a'", "export const A: string /**/ = 'a'", "export const A:string='a'", "export//x\nconst A = 'a'",
    "export /**/ * from './m'", "export type /**/ { X } from './x'", "export const /**/ enum E { a = 'x' }", "export /**/ { A } from './m'",
    "export /**/ enum E { a = 'x' }", "export /**/ declare enum E { a = 'x' }", "export declare /**/ enum E { a = 'x' }",
    "/* c */ export const A = 'a'", "/* a\n */ export * from './m'", "/**/export{A}from'./m'",
  ];
  it('the same as a search of the whole text, on each statement alone', () => {
    for (const text of STATEMENTS) assert.ok(same(text, JSON.stringify(text)), `nothing found in ${JSON.stringify(text)}`);
  });

  it('the same as a search of the whole text, on every TypeScript and JavaScript fixture and on cut and joined copies of them', () => {
    const texts = listFiles(join(REPO, 'test', 'fixtures'))
      .filter((p) => /\.[cm]?[jt]s$/.test(p))
      .map((p) => [rel(REPO, p), readFileSync(p, 'utf8')] as const);
    assert.ok(texts.length > 100, `${texts.length} files`);
    let found = 0;
    for (const [i, [name, text]] of texts.entries()) {
      if (same(text, name, name)) found++;
      // A cut anywhere (a line, a comment or a string begun half-way) and two files joined without a line break.
      same(text.slice((i * 37) % Math.max(1, text.length)), `${name}, cut`, name);
      same(text + texts[(i + 1) % texts.length][1], `${name}, joined`, name);
    }
    assert.ok(found > 10, `only ${found} fixture files with constants or re-exports`);
  });

  it('the same as a search of the whole text, on statements made of their words with blanks, comments and line breaks between', () => {
    const words = ['export', 'const', 'enum', 'declare', 'type', 'A', 'B1', '$x', ':', 'string', '=', "'v'", '"w"', '`t`', '{', '}', '*', 'as', 'from', "'./m'", ',', ';', 'import', 'let', 'class', 'function', 'async', 'default', "enum E { a = 'x' }", "'", '`', '\\'];
    const gaps = [' ', ' ', '', '\n', '\t', '/* c */', '/**/', '// c\n', ' \n ', '\r\n', '/*\n*/'];
    const next = random(11);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)];
    let found = 0;
    for (let k = 0; k < 8000; k++) {
      let text = '';
      const statements = 1 + Math.floor(next() * 4);
      for (let s = 0; s < statements; s++) {
        text += next() < 0.7 ? 'export' : pick(words);
        const length = 2 + Math.floor(next() * 8);
        for (let i = 0; i < length; i++) text += pick(gaps) + pick(words);
        text += pick(['\n', ';\n', '', '\n\n']);
      }
      if (same(text, JSON.stringify(text))) found++;
    }
    assert.ok(found > 200, `only ${found} texts with constants or re-exports`);
  });
});

/**
 * `isTypeScriptCandidate` looks for `Table`, `queryInterface` or `.define` before it searches for the words that
 * hold them (typescript/dialect.ts); it must answer what it answers with the words' search alone.
 */
describe('the TypeScript candidate test', () => {
  const WORDS = /\b(?:createTable(?:Like)?|alterTable|renameTable|dropTable|queryInterface|sequelize\.define)\b/;
  const plain = (text: string): boolean =>
    /(?:from\s*|require\s*\(\s*)['"](?:typeorm|sequelize|sequelize-typescript|@sequelize\/core|drizzle-orm(?:\/[\w-]+)?|knex)['"]/.test(text) ||
    WORDS.test(text) ||
    /\bschema\s*\.\s*(?:withSchema\s*\([^()]{0,200}\)\s*\.\s*)?table\s*\(/.test(text) ||
    (/\bforeignKey\s*:\s*\{[^{}]*\bfield\s*:/.test(text) && /\.\s*(?:belongsTo|hasOne|hasMany)\s*\(/.test(text)) ||
    /[`'"]\s*(?:(?:--[^\n]*\n|\/\*[\s\S]{0,200}?\*\/)\s*)*(?:(?:create|alter)\s+table|create\s+unique\s+index)\b/i.test(text) ||
    // A relations module given the models (R15-14), a db-migrate migration (its schema API, its `db.runSql` script).
    (/\.\s*(?:belongsTo|hasOne|hasMany|belongsToMany)\s*\(/.test(text) && /\bmodule\.exports\s*=|\bexport\s+default\b/.test(text)) ||
    (text.includes('exports.up') && /\.\s*(?:addColumn|addForeignKey|removeForeignKey|addIndex|removeIndex|removeColumn|renameColumn|changeColumn)\s*(?:\.\s*bind\s*)?\(/.test(text)) ||
    (text.includes('runSql') && /\b(?:create|alter|drop)\s+table\b|\bcreate\s+unique\s+index\b/i.test(text));

  it('answers as the search for its words alone, on each word and near misses', () => {
    const words = ['createTable', 'createTableLike', 'alterTable', 'renameTable', 'dropTable', 'queryInterface', 'sequelize.define'];
    // Knex's `schema.table(` (alterTable's other name), with or without a `withSchema`, and near misses.
    const texts: string[] = ['', 'Table', '.define', 'queryinterface', 'sequelize define', 'db.define(x)', 'knex.schema.table(', 'knex.schema .table (', "knex.schema.withSchema('a').table(", 'knex.schema.tables(', 'schema.table', 'myschema.table(', 'schema.withSchema(f(x)).table('];
    for (const w of words) {
      texts.push(w, `x${w}`, `${w}y`, `a.${w}(`, ` ${w}\n`, w.slice(1), w.slice(0, -1), w.toLowerCase());
      for (let i = 0; i < w.length; i++) texts.push(w.slice(0, i) + (w[i] === 'x' ? 'y' : 'x') + w.slice(i + 1));
    }
    let yes = 0;
    for (const text of texts) {
      assert.equal(isTypeScriptCandidate(text), plain(text), JSON.stringify(text));
      if (WORDS.test(text)) yes++;
    }
    assert.ok(yes >= words.length * 3, `only ${yes} texts hold a word`);
  });

  it('answers as the search for its words alone, on every TypeScript and JavaScript fixture and on cut copies of them', () => {
    const fixtures = listFiles(join(REPO, 'test', 'fixtures')).filter((p) => /\.[cm]?[jt]s$/.test(p));
    let yes = 0;
    let no = 0;
    for (const [i, p] of fixtures.entries()) {
      const text = readFileSync(p, 'utf8');
      for (const t of [text, text.slice((i * 37) % Math.max(1, text.length)), text.slice(0, (i * 53) % Math.max(1, text.length))]) {
        const want = plain(t);
        assert.equal(isTypeScriptCandidate(t), want, rel(REPO, p));
        if (want) yes++;
        else no++;
      }
    }
    assert.ok(yes > 100 && no > 20, `${yes} candidates and ${no} other texts`);
  });
});
