import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, listFiles } from './harness';

/**
 * The bundles' SQL parser (pgsql-ast-parser) tells a word from an unreserved keyword by a comparison the build makes
 * fast (see `fastKeywordTest` in scripts/build.mjs): the same word every time only while it answers as the parser's own
 * `localeCompare` does. Both are run here on every keyword of the grammar against every word of the SQL fixtures (as
 * the parser's lexer cuts and lower-cases them) and against words its lexer never yields, in every shipped bundle.
 */
// `localeCompare(b, undefined, options)` is a comparison by `new Intl.Collator(undefined, options)` (ECMA-402), made once here.
const collator = new Intl.Collator(undefined, { sensitivity: 'accent' });
const SLOW = (a: string, b: string) => collator.compare(a, b) === 0;

const BUNDLES = ['cli-main.js', 'facts-worker-main.js', 'server-main.js'];

/** The line of a bundle that defines the comparison. */
function definition(bundle: string): string {
  const text = readFileSync(join(REPO, 'dist', bundle), 'utf8');
  const lines = text.split('\n').filter((l) => /\bconst eqInsensitive = /.test(l));
  assert.equal(lines.length, 1, `${bundle}: one definition of the keyword comparison`);
  assert.doesNotMatch(lines[0], /^\s*const eqInsensitive = \(a, b\) => a\.localeCompare\(b, void 0, kwSensitivity\) === 0;$/, `${bundle}: the fast comparison`);
  return lines[0].trim();
}

/** The comparison a bundle holds, made into a function as its bundle defines it. */
function shipped(bundle: string): (a: string, b: string) => boolean {
  return new Function('kwSensitivity', `${definition(bundle)}\nreturn eqInsensitive;`)({ sensitivity: 'accent' }) as (a: string, b: string) => boolean;
}

describe('the SQL parser keyword comparison the bundles ship', () => {
  const grammar = readFileSync(require.resolve('pgsql-ast-parser'), 'utf8');
  const keywords = [...new Set([...grammar.matchAll(/notReservedKw\('([a-z_]+)'\)/g)].map((m) => m[1]))];
  // The parser's lexer: `word` tokens, lower-cased.
  const WORD = /[eE](?!')[A-Za-z0-9_]*|[a-df-zA-DF-Z_][A-Za-z0-9_]*/g;
  const words = new Set<string>();
  for (const file of listFiles(join(REPO, 'test/fixtures')).filter((f) => f.endsWith('.sql'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(WORD)) words.add(m[0].toLowerCase());
  }
  for (const k of keywords) for (const w of [k, `${k}s`, k.slice(1), `_${k}`, k.toUpperCase(), `${k[0].toUpperCase()}${k.slice(1)}`]) words.add(w);
  // Never a word token, but compared as before all the same: accents, dotless and dotted i, sharp s, blanks.
  for (const w of ['kéy', 'ındex', 'İndex', 'keß', 'KEY ', 'ke\u0301y', '', 'über', 'ﬁrst']) words.add(w);

  it('finds the grammar keywords and the fixture words', () => {
    assert.ok(keywords.length > 50, `keywords: ${keywords.length}`);
    assert.ok(keywords.includes('key') && keywords.includes('index'));
    assert.ok(words.size > 500, `words: ${words.size}`);
  });

  it('is the same in every bundle', () => {
    const lines = BUNDLES.map((b) => definition(b));
    for (const [i, line] of lines.entries()) assert.equal(line, lines[0], BUNDLES[i]);
  });

  it('answers as localeCompare does', () => {
    const fast = shipped(BUNDLES[0]);
    const differ: string[] = [];
    for (const w of words) for (const k of keywords) if (fast(w, k) !== SLOW(w, k) || fast(k, w) !== SLOW(k, w)) differ.push(`${w} / ${k}`);
    assert.deepEqual(differ, []);
  });
});
