import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shiftSpansInPlace, spanEndsWithin } from '../../server/src/core/facts';
import { createEngine } from '../../server/src/host/python';
import { FIXTURES, listFiles, rel, rng } from './harness';

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

/**
 * Edits between top-level statements: notes typed on lines of their own, comments grown or removed, a
 * statement commented out and back in. An edit that touches only comments moves the facts without reading
 * anything again; one that touches a statement must not (the facts equal a full read either way).
 */
describe('incremental facts equal a full read: comments between statements', () => {
  const files = listFiles(FIXTURES).filter((p) => p.endsWith('.py') && p.includes(`${join('ws', '')}`));
  for (const [n, path] of files.entries()) {
    it(rel(FIXTURES, path), async () => {
      const random = rng(5000 + n);
      const kept = await createEngine();
      const fresh = await createEngine();
      let text = readFileSync(path, 'utf8');
      kept.updateFile('m.py', text, { keepTree: true });
      const pick = <T>(xs: T[]): T | undefined => (xs.length > 0 ? xs[Math.floor(random() * xs.length)] : undefined);
      for (let step = 0; step < 30; step++) {
        const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
        const topLines = lineStarts.filter((s) => /[^\s#]/.test(text[s] ?? ''));
        const commentLines = lineStarts.filter((s) => text[s] === '#');
        const commentEnds = commentLines.map((s) => (text.indexOf('\n', s) < 0 ? text.length : text.indexOf('\n', s)));
        const kind = Math.floor(random() * 5);
        let edit: { start: number; end: number; text: string } | undefined;
        if (kind === 0) {
          const at = pick([...lineStarts, text.length])!;
          edit = { start: at, end: at, text: at === text.length ? '\n# a note' : '# a note\n' };
        } else if (kind === 1) {
          const at = pick(commentEnds);
          if (at !== undefined) edit = { start: at, end: at, text: ' and more' };
        } else if (kind === 2) {
          const at = pick(topLines);
          if (at !== undefined) edit = { start: at, end: at, text: '#' };
        } else if (kind === 3) {
          const at = pick(commentLines);
          if (at !== undefined) edit = { start: at, end: at + 1, text: '' };
        } else {
          const at = pick(commentLines);
          const end = at === undefined ? -1 : text.indexOf('\n', at);
          if (at !== undefined && end >= 0) edit = { start: at, end: end + 1, text: '' };
        }
        if (!edit) continue;
        const next = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
        kept.updateFile('m.py', next, { keepTree: true, edits: [{ startIndex: edit.start, oldEndIndex: edit.end, newText: edit.text }] });
        fresh.updateFile('m.py', next);
        const f = fresh.getFacts('m.py');
        const what = `step ${step}: ${JSON.stringify(edit)}`;
        if (!f || f.errors.length === 0) assert.deepEqual(kept.getFacts('m.py'), f, what);
        text = next;
      }
      kept.dispose();
      fresh.dispose();
    });
  }
});

/**
 * `shiftSpansInPlace` moves spans it has seen before without asking whether another element moved them
 * already: only spans it knows two elements hold go through a set. A span held by two elements must still
 * move once, also when the second element first appears in a later file's lists, next to the first one
 * walked before (the imports of one statement share their `statementSpan`).
 */
describe('shiftSpansInPlace', () => {
  const span = (start: number, end: number) => ({ start, end });
  const imp = (local: string, sp: { start: number; end: number }, statementSpan: { start: number; end: number }) => ({ local, module: 'm', name: local, span: sp, statementSpan });

  it('moves a span two elements hold once, and a span before the edit not at all', () => {
    const statement = span(10, 40);
    const facts = { imports: [imp('a', span(20, 21), statement), imp('b', span(23, 24), statement)], classes: [{ span: span(0, 5) }] };
    shiftSpansInPlace(facts, 10, 3);
    assert.deepEqual(statement, { start: 13, end: 43 });
    assert.deepEqual(facts.imports[1].span, { start: 26, end: 27 });
    assert.deepEqual(facts.classes[0].span, { start: 0, end: 5 });
  });

  it('moves a span once when a new element comes to share it with one walked before', () => {
    const statement = span(10, 40);
    const first = imp('a', span(20, 21), statement);
    shiftSpansInPlace({ imports: [first] }, 0, 1);
    assert.deepEqual(statement, { start: 11, end: 41 });
    // The statement gains a name: the next facts hold a new element with the same statement span.
    const second = imp('b', span(24, 25), statement);
    shiftSpansInPlace({ imports: [first, second] }, 0, 1);
    assert.deepEqual(statement, { start: 12, end: 42 });
    shiftSpansInPlace({ imports: [second, first] }, 0, -2);
    assert.deepEqual(statement, { start: 10, end: 40 });
    assert.deepEqual([first.span, second.span], [span(20, 21), span(23, 24)]);
  });

  it('moves the spans of single objects (column helpers, constants) too, once per shift', () => {
    const column = { name: 'id', span: span(50, 60) };
    const facts = { columnHelpers: { pk: column }, classes: [{ span: span(45, 70), columns: [column] }] };
    shiftSpansInPlace(facts, 0, 5);
    shiftSpansInPlace(facts, 0, 5);
    assert.deepEqual(column.span, { start: 60, end: 70 });
    assert.deepEqual(facts.classes[0].span, { start: 55, end: 80 });
  });

  /**
   * `spanEndsWithin` passes over an element by the bounds the last shift that walked it left (its last span end,
   * its first span start): after any sequence of shifts, its answer must be the one a look at every span gives.
   * Elements of one span and of several, spans two elements share, edits before, inside and after them, growing
   * and shrinking; a pseudo-random sequence with a fixed seed, so a failure repeats.
   */
  it('spanEndsWithin answers as a look at every span does, after shifts that walk some elements and pass others', () => {
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 40; round++) {
      const shared = span(200 + rand(50), 300 + rand(50));
      const spans: Array<{ start: number; end: number }> = [shared];
      const element = (at: number) => {
        const own = [span(at, at + 5 + rand(20)), span(at + 2, at + 3 + rand(4))];
        spans.push(...own);
        return { span: own[0], nameSpan: own[1] };
      };
      const around = span(150, 400);
      spans.push(around);
      // A column helper both a class and a module-level object hold; and a statement two imports hold, which starts
      // before either import's own span.
      const column = { span: span(160, 170 + rand(100)) };
      spans.push(column.span);
      const classes = [element(10), element(120), { span: around, columns: [column] }, element(500)];
      const imports = [imp('a', span(210, 212), shared), imp('b', span(220, 222), shared)];
      spans.push(imports[0].span, imports[1].span);
      const facts = { classes, imports, columnHelpers: { c: column } } as unknown as Parameters<typeof spanEndsWithin>[0];
      for (let step = 0; step < 12; step++) {
        const from = rand(600);
        // A deletion takes characters before `from`; as in an editor's facts, no span starts or ends among them (the
        // facts that did are read again, not moved).
        let delta = rand(2) === 0 ? 1 + rand(5) : -rand(Math.min(5, from) + 1);
        if (spans.some((sp) => (sp.start >= from + delta && sp.start < from) || (sp.end >= from + delta && sp.end < from))) delta = -delta;
        shiftSpansInPlace(facts, from, delta);
        for (let ask = 0; ask < 8; ask++) {
          const a = rand(650);
          const b = a + rand(40);
          const expected = spans.some((sp) => (sp.start >= a && sp.start <= b) || (sp.end >= a && sp.end <= b));
          assert.equal(spanEndsWithin(facts, a, b), expected, `round ${round}, step ${step}: ${a}..${b}`);
        }
      }
    }
  });
});
