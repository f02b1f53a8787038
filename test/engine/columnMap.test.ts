// A table's columns are held in a `ColumnMap` (a list of names and columns side by side) instead of a `Map`: every
// reader treats it as a map, so it must answer exactly as one would, in the same order, also while a loop over it
// sets or deletes entries, and on both sides of the size from which it keeps an index of its names. A column of the
// map's own file whose type is its fact's is kept as its bare fact and read back as an equal new object: the answers
// are compared by value (`sameColumn`), and the maps are tried both for a file (entries kept bare) and for none
// (every entry kept as it was set).
import * as assert from 'node:assert/strict';
import { ColumnMap, IndexedColumn, sameColumn } from '../../server/src/core/tables';

function column(name: string): IndexedColumn {
  return { column: { name, primaryKey: false, unique: false, span: { start: 0, end: 0 } }, file: 'kiln.py', type: undefined } as unknown as IndexedColumn;
}

/** Every answer a reader can ask of both. */
function assertSame(m: ColumnMap, ref: Map<string, IndexedColumn>, names: readonly string[], why: string): void {
  assert.equal(m.size, ref.size, why);
  assert.deepEqual([...m.keys()], [...ref.keys()], why);
  assert.deepEqual([...m.values()], [...ref.values()], why);
  for (const [k, c] of m) assert.ok(sameColumn(c, ref.get(k)!), `${why}: same column ${k}`);
  assert.deepEqual([...m], [...ref], why);
  assert.deepEqual([...m.entries()], [...ref.entries()], why);
  const seen: string[] = [];
  m.forEach((c, k, self) => {
    assert.equal(self, m);
    assert.deepEqual(c, ref.get(k));
    seen.push(k);
  });
  assert.deepEqual(seen, [...ref.keys()], why);
  for (const n of names) {
    assert.deepEqual(m.get(n), ref.get(n), `${why}: get ${n}`);
    assert.equal(m.has(n), ref.has(n), `${why}: has ${n}`);
  }
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

describe('ColumnMap answers as a Map would', () => {
  for (const [seed, file] of [1, 2, 3, 4, 5, 6].flatMap((seed) => [[seed, undefined], [seed, 'kiln.py']] as const)) {
    it(`random sets, deletes and copies, across the indexed size (seed ${seed}, ${file ?? 'no file'})`, () => {
      const next = random(seed);
      // Up to 90 names, so tables cross the size from which names are indexed, both ways.
      const names = Array.from({ length: 90 }, (_, i) => `col_${i}`);
      let m = new ColumnMap(file);
      let ref = new Map<string, IndexedColumn>();
      for (let step = 0; step < 600; step++) {
        const name = names[Math.floor(next() * (step < 300 ? names.length : 40))];
        const r = next();
        if (r < 0.55) {
          const c = column(name);
          assert.equal(m.set(name, c), m);
          ref.set(name, c);
        } else if (r < 0.9) {
          assert.equal(m.delete(name), ref.delete(name), `delete ${name} at step ${step}`);
        } else {
          // A copy answers alike and is independent of its original.
          const copy = new ColumnMap(m);
          assertSame(copy, ref, names, `copy at step ${step}`);
          const own = `copied_at_${step}`;
          copy.set(own, column(own));
          assert.equal(m.has(own), false);
          m = copy;
          ref = new Map(ref).set(own, copy.get(own)!);
        }
        assertSame(m, ref, names, `step ${step}`);
      }
    });
  }

  for (const [size, file] of [5, 40].flatMap((size) => [[size, undefined], [size, 'kiln.py']] as const)) {
    it(`a loop may replace the entries it reaches and delete the one it is at (${size} columns, ${file ?? 'no file'})`, () => {
      const m = new ColumnMap(file);
      const ref = new Map<string, IndexedColumn>();
      for (let i = 0; i < size; i++) {
        const c = column(`c${i}`);
        m.set(`c${i}`, c);
        ref.set(`c${i}`, c);
      }
      const visit = (map: ColumnMap | Map<string, IndexedColumn>, replaced: Map<string, IndexedColumn>) => {
        const order: string[] = [];
        for (const [k] of map) {
          order.push(k);
          const i = Number(k.slice(1));
          if (i % 3 === 0) map.delete(k);
          else if (i % 3 === 1) map.set(k, replaced.get(k)!);
          // Entries added during the loop are reached too.
          if (i === 2) map.set('late', replaced.get('late')!);
        }
        return order;
      };
      const replaced = new Map([...ref.keys(), 'late'].map((k) => [k, column(k)]));
      assert.deepEqual(visit(m, replaced), visit(ref, replaced));
      assertSame(m, ref, [...replaced.keys()], 'after the loop');
      // The entries deleted during the loop are left out of a copy, and out of a later loop.
      assertSame(new ColumnMap(m), ref, [...replaced.keys()], 'a copy after the loop');
      m.delete('c1');
      ref.delete('c1');
      assertSame(m, ref, [...replaced.keys()], 'a deletion after the loop');
    });
  }
});

describe('ColumnMap keeps a column bare only where nothing is lost', () => {
  const fact = (name: string) => ({ name, primaryKey: false, unique: false, span: { start: 3, end: 9 }, type: { text: 'Integer', name: 'Integer', family: 'integer', sqlType: 'INTEGER', source: 'sqlalchemy' } }) as unknown as IndexedColumn['column'];

  it('a column of its own file with its fact\'s type reads back equal, also from a copy', () => {
    const m = new ColumnMap('kiln.py');
    const c = fact('kiln_id');
    const set: IndexedColumn = { column: c, file: 'kiln.py', type: c.type };
    m.set('kiln_id', set);
    // Kept as the bare fact: no `IndexedColumn` is held for it.
    assert.equal(m.slots[1], c);
    for (const read of [m.get('kiln_id')!, new ColumnMap(m).get('kiln_id')!, [...m.values()][0]]) {
      assert.deepEqual(read, set);
      assert.equal(read.column, c);
      assert.equal(read.type, c.type);
      assert.ok(sameColumn(read, set));
    }
  });

  it('a column of another file, with a resolved type of its own, or made unreadable, is kept as it was set', () => {
    const m = new ColumnMap('kiln.py');
    const c = fact('glaze');
    const cases: IndexedColumn[] = [
      { column: c, file: 'mixins.py', type: c.type },
      { column: c, file: 'kiln.py', type: { ...c.type!, family: 'string', sqlType: 'VARCHAR' } },
      { column: c, file: 'kiln.py', type: undefined },
      { column: c, file: 'kiln.py', type: c.type, unreadable: { file: 'versions/0002.py' } },
    ];
    for (const [i, set] of cases.entries()) {
      m.set(`c${i}`, set);
      assert.equal(m.get(`c${i}`), set, `case ${i}`);
      for (const [j, other] of cases.entries()) assert.equal(sameColumn(set, other), i === j, `cases ${i} and ${j}`);
    }
  });
});
