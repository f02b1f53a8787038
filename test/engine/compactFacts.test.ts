import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { dropUnreadSpans, withColumn } from '../../server/src/core/compactFacts';
import { emptyFacts } from '../../server/src/core/facts';
import { parseConfig } from '../../server/src/core/config';
import type { AnnotationFact, ColumnFact, FileFacts, ReferenceSource, TypeFact } from '../../server/src/core/types';
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

describe('compact facts: types and annotations no reference reads', () => {
  const span = (start: number) => ({ start, end: start + 3 });
  const column = (name: string, type: TypeFact, annotation?: AnnotationFact): ColumnFact => ({
    name,
    type,
    ...(annotation ? { annotation } : {}),
    primaryKey: false,
    unique: false,
    span: span(0),
  });
  const facts = (file: string, columns: ColumnFact[]): FileFacts => {
    const f = emptyFacts(file, '', 'python');
    f.tables.push({ name: { kind: 'literal', value: file }, columns, keys: [], span: span(0), nameSpan: span(0), origin: 'core' });
    return f;
  };
  const integer = (start: number, more: Partial<TypeFact> = {}): TypeFact => ({ text: 'Integer', name: 'Integer', family: 'integer', sqlType: 'integer', span: span(start), source: 'explicit', ...more });

  // Columns whose types differ only by their spans share one span-less copy; a type that differs in any other field,
  // or in which optional fields it holds, keeps a copy of its own with its own values.
  it('equal types share one copy without spans, different ones never do', () => {
    const variants: Array<Partial<TypeFact>> = [
      {},
      { source: 'annotation' },
      { qualifier: 'sa' },
      { qualifier: undefined },
      { style: undefined },
      { approximate: true },
      { approximate: undefined },
      { sqlType: 'bigint' },
      { name: 'BigInteger' },
      { family: 'text' as TypeFact['family'] },
    ];
    const files = [0, 1].map((n) =>
      facts(
        `t${n}`,
        variants.map((v, i) => column(`c${i}`, integer(10 * i + n, v), { text: 'int', span: span(100 + n), optional: i % 2 === 0 })),
      ),
    );
    dropUnreadSpans(files);
    const [a, b] = files.map((f) => f.tables[0].columns);
    for (let i = 0; i < variants.length; i++) {
      assert.equal(a[i].type, b[i].type, `variant ${i}: one copy for both files`);
      const { span: _span, ...rest } = integer(0, variants[i]);
      assert.deepEqual(Object.keys(a[i].type!), Object.keys(rest), `variant ${i}: the fields of the fact, in its order, but the span`);
      assert.deepEqual(a[i].type, rest);
      for (let j = 0; j < i; j++) assert.notEqual(a[i].type, a[j].type, `variants ${j} and ${i} differ`);
    }
    assert.equal(a[0].annotation, b[0].annotation);
    assert.deepEqual(a[0].annotation, { text: 'int', optional: true });
    assert.deepEqual(a[1].annotation, { text: 'int', optional: false });
    assert.notEqual(a[0].annotation, a[1].annotation);
    assert.equal(a[1].annotation, b[1].annotation);
  });

  it('a type with a field it does not know keeps its own object, spans and all', () => {
    const odd = { ...integer(5), extra: 1 } as TypeFact;
    const f = facts('t', [column('c', odd)]);
    dropUnreadSpans([f]);
    assert.equal(f.tables[0].columns[0].type, odd);
  });
});
