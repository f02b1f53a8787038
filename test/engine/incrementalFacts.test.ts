import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../server/src/host/python';
import { FIXTURES, listFiles, rel } from './harness';

/** A small deterministic PRNG, so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDITS = ['x', '_', '"', '(', ')', '\n', '    ', '#', ' ', 'ForeignKey("users.id")', ''];

/**
 * Typing into a kept document re-reads only the edited model class when it can. Whatever shortcut it takes,
 * the facts must equal a full read of the same text: this replays random edits (insertions, deletions,
 * half-typed calls, new lines, quotes that open strings) on every Python fixture and compares each step.
 */
describe('incremental facts equal a full read', () => {
  const files = listFiles(FIXTURES).filter((p) => p.endsWith('.py') && p.includes(`${join('ws', '')}`));
  it('has fixture files to edit', () => assert.ok(files.length > 20));
  for (const [n, path] of files.entries()) {
    it(rel(FIXTURES, path), async () => {
      const random = rng(1000 + n);
      const kept = await createEngine();
      const fresh = await createEngine();
      let text = readFileSync(path, 'utf8');
      kept.updateFile('m.py', text, { keepTree: true });
      for (let step = 0; step < 40; step++) {
        const start = Math.floor(random() * (text.length + 1));
        const remove = random() < 0.3 ? Math.min(text.length - start, Math.floor(random() * 4)) : 0;
        const insert = EDITS[Math.floor(random() * EDITS.length)];
        const next = text.slice(0, start) + insert + text.slice(start + remove);
        kept.updateFile('m.py', next, { keepTree: true, edits: [{ startIndex: start, oldEndIndex: start + remove, newText: insert }] });
        fresh.updateFile('m.py', next);
        const k = kept.getFacts('m.py');
        const f = fresh.getFacts('m.py');
        const what = `step ${step}: insert ${JSON.stringify(insert)} at ${start}, removing ${remove}`;
        if (!f || f.errors.length === 0) assert.deepEqual(k, f, what);
        else {
          // Half-typed: the kept document may hold more (its last good classes), never less.
          const names = new Set(k?.classes.map((c) => c.name));
          for (const c of f.classes) assert.ok(names.has(c.name), `${what}: class ${c.name} lost`);
        }
        text = next;
      }
      kept.dispose();
      fresh.dispose();
    });
  }
});
