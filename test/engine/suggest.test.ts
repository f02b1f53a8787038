// "Did you mean" among many tables goes through an index (`TableNames`: exact variants, and a tree of names
// searched within the edit limit) that only rules keys out. These tests hold it to the plain ranking that scores
// every key (`rankTableKeys`): any key the index dropped wrongly, or a branch of the tree left too early, shows up
// as a different answer.
import assert from 'node:assert/strict';
import { rankTableKeys, TableNames } from '../../server/src/core/suggest';

/** A deterministic generator, so a failure names the case that failed and replays the same way. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

describe('"did you mean" through the table-name index', () => {
  it('answers what scoring every key answers, on look-alike names with schemas, plurals and typos', () => {
    const next = random(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const words = ['user', 'account', 'category', 'address', 'box', 'person', 'aaa', 'order_item', 'Book', 'İd'];
    const name = () => {
      const parts = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(words));
      let n = parts.join(pick(['_', '', '-']));
      if (next() < 0.5) n += `_${Math.floor(next() * 40)}`;
      if (next() < 0.3) n = `${pick(['inventory', 'billing', 'field_ops'])}_${n}_${Math.floor(next() * 99999)}`;
      if (next() < 0.3) n += 's';
      return n;
    };
    /** A written name near a key: a letter dropped, doubled, swapped or changed, or the case changed. */
    const edit = (n: string) => {
      const i = Math.floor(next() * n.length);
      switch (Math.floor(next() * 6)) {
        case 0: return n.slice(0, i) + n.slice(i + 1);
        case 1: return n.slice(0, i) + n[i] + n.slice(i);
        case 2: return n.slice(0, i) + n.slice(i + 1, i + 2) + n.slice(i, i + 1) + n.slice(i + 2);
        case 3: return n.slice(0, i) + pick(['a', 'e', '_', 'x']) + n.slice(i + 1);
        case 4: return n.toUpperCase();
        default: return `${n}es`;
      }
    };
    /** One to three such edits: three, spread over a long name, leave it sharing as few trigrams as the index allows. */
    const typo = (n: string) => {
      let out = n;
      for (let k = 1 + Math.floor(next() * 3); k > 0; k--) out = edit(out);
      return out;
    };
    const keys = [...new Set(Array.from({ length: 3000 }, () => (next() < 0.2 ? `${pick(['public', 'audit'])}.${name()}` : name())))];
    const index = new TableNames(keys);
    let suggested = 0;
    for (let t = 0; t < 1500; t++) {
      const base = pick(keys);
      const table = t % 5 === 0 ? name() : typo(base.slice(base.lastIndexOf('.') + 1));
      const schema = next() < 0.3 ? pick(['public', 'audit', 'other']) : undefined;
      const expected = rankTableKeys(keys, schema, table);
      assert.deepEqual(index.suggest(schema, table), expected, `${schema ?? ''}.${table}`);
      // The second answer comes from the index's memory: still the same.
      assert.deepEqual(index.suggest(schema, table), expected, `${schema ?? ''}.${table} (again)`);
      if (expected.length > 0) suggested++;
    }
    // The comparison means something only if most written names have suggestions.
    assert.ok(suggested > 1000, `only ${suggested} of 1500 names had a suggestion`);
  });

  it('answers what scoring every key answers for every short name over three characters', () => {
    // Every name of up to four of `a`, `b`, `_` is a key, and every one of up to five is written: names that are
    // each other's beginnings, the empty name, swapped neighbours and the shortest edit limits, all of them.
    const names = (max: number): string[] => {
      const out = [''];
      for (let i = 0; i < out.length; i++) if (out[i].length < max) for (const c of ['a', 'b', '_']) out.push(out[i] + c);
      return out;
    };
    const keys = names(4);
    const index = new TableNames(keys);
    for (const written of names(5)) assert.deepEqual(index.suggest(undefined, written), rankTableKeys(keys, undefined, written), written);
  });

  it('finds the one close name among 2,000 with a shared prefix, as scoring every key does', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `customer_account_${String(i).padStart(4, '0')}`);
    const index = new TableNames(keys);
    for (const written of ['custmer_acount_0042', 'customer_acount_1999', 'customer_account_00', 'CUSTOMER_ACCOUNT_0007', 'customer_accounts_0100']) {
      assert.deepEqual(index.suggest(undefined, written), rankTableKeys(keys, undefined, written), written);
    }
  });

  for (const how of ['follow', 'followChanges'] as const) it(`answers what scoring every key answers after the keys change, a few at a time and then many (${how})`, () => {
    // A `__tablename__` typed changes one key per keystroke: the index follows the new set (`follow`, or
    // `followChanges` told the keys that came, went, or were put back) and must answer as one built for it
    // would, for names it answered before the change and after it.
    const next = random(23);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const stems = ['order', 'orders', 'order_item', 'order_items', 'ordr', 'customer', 'customers', 'Customer', 'invoice', 'inv0ice'];
    const name = () => `${next() < 0.2 ? 'billing.' : ''}${pick(stems)}${next() < 0.5 ? `_${Math.floor(next() * 8)}` : ''}`;
    let keys = [...new Set(Array.from({ length: 300 }, name))];
    const written = Array.from({ length: 40 }, () => {
      const n = name();
      return { schema: n.startsWith('billing.') ? 'billing' : next() < 0.2 ? 'billing' : undefined, table: n.slice(n.indexOf('.') + 1) + pick(['', 's', 'x', '']) };
    });
    let index = new TableNames(keys);
    let followed = 0;
    let rebuilt = 0;
    let changedAnswers = 0;
    const previous = new Map<string, string>();
    for (let step = 0; step < 120; step++) {
      // Mostly one key renamed (typed into, or back); every 30th step a hundred keys change at once.
      const many = step % 30 === 29;
      const set = new Set(keys);
      // The keys a derivation touched: those it removed or made, and some it made again as they were.
      const touched = new Set<string>();
      for (let k = many ? 100 : 1 + Math.floor(next() * 3); k > 0; k--) {
        if (next() < 0.5 && set.size > 10) {
          const gone = pick([...set]);
          set.delete(gone);
          touched.add(gone);
        } else {
          const made = name() + pick(['', 'x', '_new']);
          set.add(made);
          touched.add(made);
        }
        if (next() < 0.3) touched.add(pick([...set]));
      }
      keys = [...set];
      if (how === 'follow' ? index.follow(keys) : index.followChanges(touched, (k) => set.has(k))) followed++;
      else {
        index = new TableNames(keys);
        rebuilt++;
      }
      for (const w of written) {
        const expected = rankTableKeys(keys, w.schema, w.table);
        assert.deepEqual(index.suggest(w.schema, w.table), expected, `step ${step}: ${w.schema ?? ''}.${w.table}`);
        assert.deepEqual(index.suggest(w.schema, w.table), expected, `step ${step}: ${w.schema ?? ''}.${w.table} (again)`);
        const id = `${w.schema ?? ''}.${w.table}`;
        if (previous.has(id) && previous.get(id) !== JSON.stringify(expected)) changedAnswers++;
        previous.set(id, JSON.stringify(expected));
      }
    }
    // Both ways were taken, and the changes moved answers (else the comparison proves little).
    assert.ok(followed > 100 && rebuilt >= 2 && changedAnswers > 100, `followed ${followed}, rebuilt ${rebuilt}, answers changed ${changedAnswers}`);
  });
});
