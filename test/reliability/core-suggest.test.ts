// Issue 11, item 7: "did you mean" computed full edit distances: `ForeignKey("<100k a>.id")` beside a table
// `"<100k a>b"` took 72 s (the test ran into mocha's timeout), 2,000 tables × 300 unknown names 12.5 s. The
// distance is now banded and stops early, names are ruled out by shared trigrams and characters first; the
// suggestions themselves must not change (the fixture snapshots hold them, this checks the distance).
import assert from 'node:assert/strict';
import { editDistance, suggestNames, TableNames } from '../../server/src/core/suggest';
import { createEngine } from '../../server/src/host/python';

/** The textbook optimal-string-alignment distance, for comparison. */
function fullDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[a.length][b.length];
}

describe('reliability: "did you mean" on huge or many names (issue 11, item 7)', function () {
  this.timeout(60000);

  it('a 100,000-character unknown name beside a table one letter longer gets its suggestion at once', async () => {
    const long = 'a'.repeat(100000);
    const engine = await createEngine();
    engine.updateFile(
      'm.py',
      [
        'from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table',
        'metadata = MetaData()',
        `t = Table("${long}b", metadata, Column("id", Integer, primary_key=True))`,
        `u = Table("u", metadata, Column("id", Integer, primary_key=True), Column("x", Integer, ForeignKey("${long}.id")))`,
        '',
      ].join('\n'),
    );
    const findings = engine.findings('m.py');
    assert.deepEqual(findings.map((f) => f.rule), ['unknown-table']);
    assert.equal(findings[0].fixes[0]?.edits[0]?.newText, `${long}b.id`);
    engine.dispose();
  });

  it('the banded distance equals the full one wherever it is within the bound', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const word = () => Array.from({ length: Math.floor(next() * 9) }, () => 'abc'[Math.floor(next() * 3)]).join('');
    for (let t = 0; t < 20000; t++) {
      const a = word();
      const b = word();
      const full = fullDistance(a, b);
      for (const k of [0, 1, 2, 3, 5, Infinity]) assert.equal(editDistance(a, b, k), full <= k ? full : k + 1, `${a} ${b} ${k}`);
    }
  });

  it('2,000 look-alike tables still give the one close name, and near misses rank as before', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `customer_account_${String(i).padStart(4, '0')}`);
    const names = new TableNames(keys);
    for (let i = 0; i < 300; i++) {
      const n = String(i).padStart(4, '0');
      const best = names.suggest(undefined, `custmer_acount_${n}`);
      assert.deepEqual(best[0], { value: `customer_account_${n}`, score: 4 });
      assert.ok(best.slice(1).every((s) => s.score === 5), JSON.stringify(best));
    }
    assert.deepEqual(suggestNames('user', ['users', 'usr', 'user_roles', 'uzer']), [
      { value: 'users', score: 1 },
      { value: 'usr', score: 3 },
      { value: 'uzer', score: 3 },
    ]);
  });
});
