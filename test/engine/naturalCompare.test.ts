// Migration tools run files in natural path order (`naturalCompare`): runs of digits compare as numbers, the rest by
// code unit. It reads the chunks in place; the definition it must agree with, in sign and in value, is the one that
// splits both strings with a regular expression (below, as history.ts had it), on paths made of the characters that
// decide: digits with and without leading zeros, letters, separators, characters below and above the digits.
import * as assert from 'node:assert/strict';
import { naturalCompare } from '../../server/src/core/history';

function bySplitting(a: string, b: string): number {
  const chunk = /(\d+)|(\D+)/g;
  const xs = a.match(chunk) ?? [];
  const ys = b.match(chunk) ?? [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return xs.length - ys.length;
}

/** A deterministic generator, so a failure names a seed that shows it again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['0', '0', '1', '9', '2', '5', 'a', 'B', 'z', '_', '-', '.', '/', '~', ' ', 'é', '\u{1F600}'];

describe('naturalCompare', () => {
  it('orders as tools run migrations', () => {
    const paths = ['m/10_x.sql', 'm/V10__a.sql', 'm/9_x.sql', 'm/V2__a.sql', 'm/009_x.sql', 'm/a.sql', 'm/a1.sql', 'm/a01.sql', ''];
    assert.deepEqual([...paths].sort(naturalCompare), ['', 'm/009_x.sql', 'm/9_x.sql', 'm/10_x.sql', 'm/V2__a.sql', 'm/V10__a.sql', 'm/a01.sql', 'm/a1.sql', 'm/a.sql']);
  });

  for (const seed of [1, 2, 3, 4]) {
    it(`agrees with splitting by a regular expression, in sign and value (seed ${seed})`, () => {
      const next = random(seed);
      const word = (n: number) => Array.from({ length: n }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
      for (let k = 0; k < 4000; k++) {
        const a = word(Math.floor(next() * 9));
        // Half the pairs share a beginning, so that the chunks after it decide.
        const b = next() < 0.5 ? a.slice(0, Math.floor(next() * (a.length + 1))) + word(Math.floor(next() * 5)) : word(Math.floor(next() * 9));
        assert.equal(naturalCompare(a, b), bySplitting(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
        assert.equal(naturalCompare(b, a), bySplitting(b, a), `${JSON.stringify(b)} vs ${JSON.stringify(a)}`);
        assert.equal(naturalCompare(a, a), 0);
      }
    });
  }
});
