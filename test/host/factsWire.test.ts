import assert from 'node:assert/strict';
import { emptyFacts, internStrings } from '../../server/src/core/facts';
import type { FileFacts, Span } from '../../server/src/core/types';
import { type InternTables, type WireBatch, WireDecoder, WireEncoder } from '../../server/src/host/factsWire';
import { createEngine } from '../../server/src/host/python';

const MODELS = [
  'from sqlalchemy import Column, ForeignKey, Integer, String',
  'from app.db import Base',
  '',
  'class Owner(Base):',
  '    __tablename__ = "owners"',
  '    id = Column(Integer, primary_key=True)',
  '    name = Column(String(255))',
  '',
  'class Pet(Base):',
  '    __tablename__ = "pets"',
  '    id = Column(Integer, primary_key=True)',
  '    owner_id = Column(Integer, ForeignKey("owners.id"))',
  '',
].join('\n');

/** Facts as a worker makes them: of real model files, then apart from anything the engine holds. */
async function workerFacts(): Promise<FileFacts[]> {
  const engine = await createEngine();
  const out: FileFacts[] = [];
  // Two files of like text: most of their strings and many of their spans are equal.
  for (const [file, text] of [
    ['app/models.py', MODELS],
    ['app/more.py', MODELS.replace(/Pet/g, 'Cat').replace(/pets/g, 'cats')],
  ]) {
    engine.updateFile(file, text);
    out.push(JSON.parse(JSON.stringify(engine.getFacts(file))) as FileFacts);
  }
  engine.dispose();
  return out;
}

/**
 * `facts` sent through the wire by one worker (its strings and shapes numbered across the batches) and decoded; facts
 * the encoder declines are sent plain, as the worker does.
 */
function throughWire(batches: FileFacts[][], tables: InternTables, keep?: number): { facts: FileFacts[]; encoded: boolean[] } {
  const encoder = new WireEncoder(tables.spans !== undefined, keep);
  const decoder = new WireDecoder();
  const facts: FileFacts[] = [];
  const encoded: boolean[] = [];
  for (const batch of batches) {
    encoder.startBatch();
    const answers = batch.map((f) => {
      const again = JSON.stringify(f);
      const at = encoder.encode(f);
      return at >= 0 ? { at } : { facts: JSON.parse(again) as FileFacts };
    });
    // As the worker posts it: the numbers apart, the rest as JSON text.
    const { ints, ...rest } = encoder.takeBatch();
    const got = JSON.parse(JSON.stringify({ ...rest, answers })) as Omit<WireBatch, 'ints'> & { answers: Array<{ at: number } | { facts: FileFacts }> };
    decoder.addBatch({ ...got, ints: ints.slice() }, tables);
    for (const a of got.answers) {
      if ('at' in a) facts.push(decoder.decode(a.at, tables));
      else {
        internStrings(a.facts, tables.strings, tables.spans);
        facts.push(a.facts);
      }
      encoded.push('at' in a);
    }
  }
  return { facts, encoded };
}

/** `facts` as the main thread made them before: parsed from plain JSON, then interned. */
function throughJson(all: FileFacts[], tables: InternTables): FileFacts[] {
  return all.map((f) => {
    const copy = JSON.parse(JSON.stringify(f)) as FileFacts;
    internStrings(copy, tables.strings, tables.spans);
    return copy;
  });
}

/** Every string and plain span in `value`, with where it is. */
function leaves(value: unknown, at = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  if (typeof value === 'string') out.push([at, value]);
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (!Array.isArray(o) && typeof o.start === 'number' && Object.keys(o).length === 2) out.push([at, o]);
    else for (const k of Object.keys(o)) if (k !== 'lineStarts') leaves(o[k], `${at}.${k}`, out);
  }
  return out;
}

describe('facts on the wire from a worker thread', () => {
  it("makes the facts that plain JSON and `internStrings` make, with the tables' strings and spans", async () => {
    const made = await workerFacts();
    for (const spans of [true, false]) {
      const plainTables: InternTables = { strings: new Map(), ...(spans ? { spans: new Map<number, Span>() } : {}) };
      const wireTables: InternTables = { strings: new Map(), ...(spans ? { spans: new Map<number, Span>() } : {}) };
      const plain = throughJson(made, plainTables);
      // One file a batch: the second file's strings that the first sent are not sent again.
      const wired = throughWire(made.map((f) => [JSON.parse(JSON.stringify(f)) as FileFacts]), wireTables);
      assert.deepEqual(wired.encoded, [true, true]);
      for (let i = 0; i < made.length; i++) assert.equal(JSON.stringify(wired.facts[i]), JSON.stringify(plain[i]), `file ${i}, spans ${spans}`);
      // A worker that keeps few numbers numbers afresh from its second batch on: the facts are the same.
      const restarted = throughWire(made.map((f) => [JSON.parse(JSON.stringify(f)) as FileFacts]), { strings: new Map(), ...(spans ? { spans: new Map<number, Span>() } : {}) }, 2);
      for (let i = 0; i < made.length; i++) assert.equal(JSON.stringify(restarted.facts[i]), JSON.stringify(plain[i]), `restarted: file ${i}, spans ${spans}`);
      assert.deepEqual([...wireTables.strings.keys()].sort(), [...plainTables.strings.keys()].sort());
      assert.deepEqual([...(wireTables.spans?.keys() ?? [])].sort(), [...(plainTables.spans?.keys() ?? [])].sort());
      // Every string is the table's copy, and with `spans` every plain span is the table's object: equal ones are one.
      let shared = 0;
      for (const f of wired.facts) {
        for (const [where, v] of leaves(f)) {
          if (typeof v === 'string') assert.equal(wireTables.strings.get(v), v, where);
          else if (spans) {
            const s = v as Span;
            assert.equal(wireTables.spans!.get(s.start * 2048 + s.end - s.start), s, where);
            shared++;
          }
        }
      }
      assert.equal(shared > 0, spans);
    }
  });

  it('writes the numbers, lists and absent properties JSON writes, and sends facts it cannot write as plain JSON', async () => {
    const [facts] = await workerFacts();
    const odd = JSON.parse(JSON.stringify(facts)) as FileFacts & Record<string, unknown>;
    // Numbers of every kind (a negative one, a fraction, past int32, not finite, -0), values a list writes as null,
    // properties JSON leaves out, a list of int32s beside one that only starts so, and a name that is a number.
    odd.extra = {
      numbers: [-1, 2.5, 2 ** 40, -(2 ** 31), 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY, -0, 0],
      holes: [undefined, () => 1, null, true, false, ''],
      unset: undefined,
      fn: () => 1,
      ints: [1, 2, 3],
      almost: [1, 2, 2.5],
      empty: [],
      nested: [[[]], [{}], { '1': 'one', a: 'a', '0': 'zero' }],
    };
    const tables: InternTables = { strings: new Map(), spans: new Map() };
    const wired = throughWire([[odd]], tables);
    assert.deepEqual(wired.encoded, [true]);
    assert.equal(JSON.stringify(wired.facts[0]), JSON.stringify(throughJson([JSON.parse(JSON.stringify(odd)) as FileFacts], { strings: new Map(), spans: new Map() })[0]));
    const extra = (wired.facts[0] as unknown as Record<string, Record<string, unknown>>).extra;
    assert.ok(!('unset' in extra) && !('fn' in extra));
    assert.ok(Object.is((extra.numbers as number[])[7], 0));
    // A property named `__proto__` (an object literal would set the prototype) and a typed array go as plain JSON.
    for (const bad of [JSON.parse('{"__proto__": "x"}') as unknown, new Int32Array(2)]) {
      const f = JSON.parse(JSON.stringify(facts)) as FileFacts & Record<string, unknown>;
      f.extra = bad;
      assert.equal(new WireEncoder(true).encode(f), -1);
      assert.deepEqual(throughWire([[f]], { strings: new Map(), spans: new Map() }).encoded, [false]);
    }
  });

  it('keeps a span written end first, one too far into its file and one with more fields as internStrings does', () => {
    const f = emptyFacts('a.py', 'x = 1\n', 'python');
    const odd = f as unknown as Record<string, unknown>;
    // A span written `end` first is shared under its key as it is (the first of its value kept): a later span of
    // equal value written `start` first is that object.
    odd.extra = [{ end: 9, start: 4 }, { start: 4, end: 9 }, { start: 1 << 21, end: (1 << 21) + 3 }, { start: 2, end: 5, note: 'n' }, { start: 2, end: 5 }];
    const plain = throughJson([f], { strings: new Map(), spans: new Map() })[0] as unknown as Record<string, Array<Record<string, unknown>>>;
    const wired = throughWire([[JSON.parse(JSON.stringify(f)) as FileFacts]], { strings: new Map(), spans: new Map() }).facts[0] as unknown as Record<
      string,
      Array<Record<string, unknown>>
    >;
    assert.equal(JSON.stringify(wired), JSON.stringify(plain));
    assert.equal(JSON.stringify(wired.extra[1]), '{"end":9,"start":4}');
    assert.equal(wired.extra[0], wired.extra[1]);
    assert.notEqual(wired.extra[3], wired.extra[4]);
  });
});
