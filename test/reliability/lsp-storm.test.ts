// Issue 11, item 10: under an edit storm the server keeps one coalesced edit per document, whatever the number
// of changes, and the analysis of that edit equals a fresh parse of the final text. (How fast: `npm run
// bench:lsp`, the storm rows; speed is never asserted in a test.)
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Engine } from '../../server/src/core/engine';
import { createEngine } from '../../server/src/host/python';
import { OpenDocument } from '../../server/src/lsp/documents';
import { ORDERS_BAD, USERS } from './env';

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

/**
 * One random change that keeps the file valid Python, ending at or before `limit` (so a run of them can go
 * bottom-up): a comment line, a reference switched between a known and an unknown table, a new model class.
 * (A live document with syntax errors keeps its last good classes on purpose, so only valid text can be
 * compared with a fresh parse.)
 */
function validChange(text: string, limit: number, rand: () => number, n: number): { start: number; end: number; text: string } | undefined {
  const candidates: Array<{ start: number; end: number; text: string }> = [];
  for (const m of text.slice(0, limit).matchAll(/"users?\.id"/g)) {
    candidates.push({ start: m.index!, end: m.index! + m[0].length, text: m[0] === '"user.id"' ? '"users.id"' : '"user.id"' });
  }
  for (const m of text.slice(0, limit).matchAll(/^class /gm)) {
    candidates.push({ start: m.index!, end: m.index!, text: rand() < 0.5 ? '# a comment 🙂\n' : `class Extra${n}(Base):\n    __tablename__ = "extra_${n}"\n    id = Column(Integer, primary_key=True)\n    ref = Column(Integer, ForeignKey("user.id"))\n\n` });
  }
  for (const m of text.slice(0, limit).matchAll(/^# a comment 🙂\n/gm)) candidates.push({ start: m.index!, end: m.index! + m[0].length, text: '' });
  return candidates.length > 0 ? candidates[Math.floor(rand() * candidates.length)] : undefined;
}

function findingsOf(engine: Engine, file: string): string[] {
  return engine.findings(file).map((f) => `${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.rule} ${f.message}`);
}

describe('reliability: the language server under an edit storm', () => {
  let live: Engine;
  let fresh: Engine;
  before(async () => {
    live = await createEngine(DEFAULT_CONFIG);
    fresh = await createEngine(DEFAULT_CONFIG);
    for (const e of [live, fresh]) e.updateFile('app/users.py', USERS);
  });
  after(() => {
    live.dispose();
    fresh.dispose();
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`hands the engine one edit for hundreds of changes, and its result equals a fresh parse (seed ${seed})`, () => {
      const rand = prng(seed);
      const doc = OpenDocument.open('file:///ws/app/orders.py', 'python', 1, ORDERS_BAD.repeat(20));
      const mirror = TextDocument.create('file:///ws/app/orders.py', 'python', 1, doc.text);
      live.updateFile('app/orders.py', doc.text, { keepTree: true, edits: doc.takeEdits() });
      let version = 1;
      for (let round = 0; round < 20; round++) {
        // Several notifications between two analyses, some of them carrying a bottom-up run of changes.
        for (let n = 0; n < 1 + Math.floor(rand() * 10); n++) {
          const changes = [];
          const batch = rand() < 0.3 ? 2 + Math.floor(rand() * 8) : 1;
          let limit = mirror.getText().length;
          for (let k = 0; k < batch; k++) {
            const c = validChange(mirror.getText(), limit, rand, version * 10 + k);
            if (!c) break;
            // Each later change lies before the previous one, so every range is valid in the current text.
            changes.push({ range: { start: mirror.positionAt(c.start), end: mirror.positionAt(c.end) }, text: c.text });
            limit = c.start;
          }
          if (changes.length === 0) continue;
          version++;
          doc.applyChanges(changes, version);
          TextDocument.update(mirror, changes, version);
        }
        assert.equal(doc.text, mirror.getText());
        const edits = doc.takeEdits();
        assert.ok(edits !== undefined && edits.length <= 1, `one coalesced edit, got ${edits?.length}`);
        live.updateFile('app/orders.py', doc.text, { keepTree: true, edits });
        fresh.updateFile('app/orders.py', doc.text);
        assert.deepEqual(findingsOf(live, 'app/orders.py'), findingsOf(fresh, 'app/orders.py'), `round ${round}`);
        assert.deepEqual(live.getFacts('app/orders.py'), fresh.getFacts('app/orders.py'), `facts after round ${round}`);
      }
    });
  }

  it('applies runs of changes as a fresh document would, reversed and out-of-range ranges included', () => {
    const rand = prng(7);
    const doc = OpenDocument.open('file:///ws/a.py', 'python', 1, 'ab\r\ncd\nef🙂gh\n'.repeat(30));
    // The reference applies each change to a fresh document, so its line index is never stale:
    // `TextDocument.update` miscounts lines after an out-of-range change or one that joins `\r` and `\n`.
    let expected = doc.text;
    const applyOne = (range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string) => {
      const ref = TextDocument.create('file:///ref', 'python', 1, expected);
      const [a, b] = [ref.offsetAt(range.start), ref.offsetAt(range.end)].sort((x, y) => x - y);
      expected = expected.slice(0, a) + text + expected.slice(b);
    };
    const pos = () => ({ line: Math.floor(rand() * 100), character: Math.floor(rand() * 12) });
    for (let version = 2; version < 400; version++) {
      const changes = [];
      const before = TextDocument.create('file:///before', 'python', 1, expected);
      let limit = expected.length;
      for (let k = 0; k < 1 + Math.floor(rand() * 6); k++) {
        // Mostly well-formed bottom-up runs; now and then a position past a line's end or a reversed range.
        const odd = rand() < 0.2;
        const start = Math.floor(rand() * (limit + 1));
        const end = Math.min(limit, start + Math.floor(rand() * 4));
        const range = odd ? { start: pos(), end: pos() } : { start: before.positionAt(start), end: before.positionAt(end) };
        changes.push({ range: rand() < 0.1 ? { start: range.end, end: range.start } : range, text: ['', 'x', '\n', '\r\n', '🙂'][Math.floor(rand() * 5)] });
        limit = start;
      }
      for (const c of changes) applyOne(c.range, c.text);
      doc.applyChanges(changes, version);
      assert.equal(doc.text, expected, `version ${version}: ${JSON.stringify(changes)}`);
      const edits = doc.takeEdits();
      assert.ok(edits === undefined || edits.length <= 1);
    }
  });
});
