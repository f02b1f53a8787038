import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { withColumn } from '../../server/src/core/compactFacts';
import { parseConfig } from '../../server/src/core/config';
import type { ReferenceSource } from '../../server/src/core/types';
import { createLazyEngine } from '../../server/src/host/python';

/**
 * Whether V8 gives two objects one hidden class. Natives syntax is allowed for the functions compiled after the flag
 * is set, so only this one sees it.
 */
function sameHiddenClass(): (a: object, b: object) => boolean {
  setFlagsFromString('--allow-natives-syntax');
  return new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;
}

describe('compact facts: reference sources', () => {
  it('withColumn makes what `{ ...source, column }` made: the same keys, in the same order, with the same values', () => {
    const sources: ReferenceSource[] = [
      { className: 'Order' },
      { table: { kind: 'literal', value: 'orders' }, schema: 'sales' },
      { table: { kind: 'literal', value: 'orders' }, schema: undefined },
      { className: 'Order', column: 'customer_id' },
      {},
    ];
    for (const source of sources) {
      for (const column of ['tenant_id', undefined]) {
        const made = withColumn(source, column);
        const spread = { ...source, column };
        assert.deepEqual(Object.keys(made), Object.keys(spread));
        assert.deepEqual(made, spread);
        assert.equal(JSON.stringify(made), JSON.stringify(spread));
      }
    }
  });

  // The reason withColumn exists: an object spread and then given a property it lacked gets a hidden class of its
  // own in V8 (about 260 bytes each, ~28 MB of the bench's 10k workspace). The Python reader's sources of one shape
  // must share theirs.
  it("the Python reader's foreign-key columns share one hidden class per source shape", async () => {
    const same = sameHiddenClass();
    const engine = createLazyEngine(parseConfig(undefined, 'config').config, { oneShot: true });
    await engine.loadParser();
    const classes = Array.from({ length: 40 }, (_, i) =>
      [
        `class Item${i}(Base):`,
        `    __tablename__ = "items_${i}"`,
        '    id = Column(Integer, primary_key=True)',
        `    owner_id = Column(Integer, ForeignKey("owners_${i}.id"))`,
      ].join('\n'),
    );
    const text = ['from sqlalchemy import Column, ForeignKey, Integer', 'from app.db import Base', '', ...classes].join('\n\n') + '\n';
    engine.loadFile('app/items.py', text);
    const sources = engine.getFacts('app/items.py')!.references.map((r) => r.source);
    assert.equal(sources.length, 40);
    const apart = sources.filter((s) => !same(s, sources[0]));
    assert.equal(apart.length, 0, `${apart.length} of ${sources.length} sources have a hidden class of their own`);
    engine.dispose();
  });
});
