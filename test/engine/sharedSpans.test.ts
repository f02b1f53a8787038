// A one-shot engine (the CLI's) keeps one span object for each value: positions repeat from file to file, and a span
// object takes 40 bytes. An editor's engine must not: it moves an open file's spans in place as the user types, and
// a span shared with another file would move that file's too.
import assert from 'node:assert/strict';
import { parseConfig } from '../../server/src/core/config';
import { internStrings } from '../../server/src/core/facts';
import { FileFacts, Span } from '../../server/src/core/types';
import { createLazyEngine } from '../../server/src/host/python';

const KILN = 'from sqlalchemy import Column, ForeignKey, Integer\nfrom app.db import Base\n\n\nclass Kiln(Base):\n    __tablename__ = "kilns"\n    id = Column(Integer, primary_key=True)\n    glaze_id = Column(Integer, ForeignKey("glazes.id"))\n';

/** The column spans of every class in `facts`, in order. */
function columnSpans(facts: FileFacts | undefined): Span[] {
  return (facts?.classes ?? []).flatMap((c) => c.columns.map((col) => col.span));
}

describe('span objects are shared between files only in a one-shot engine', () => {
  for (const oneShot of [true, false]) {
    it(oneShot ? 'one-shot: equal spans of two files are one object' : 'editor: every file keeps spans of its own', async () => {
      const config = parseConfig(undefined, 'config').config;
      const engine = createLazyEngine(config, { oneShot });
      await engine.loadParser();
      engine.loadFile('app/kilns.py', KILN);
      engine.loadFile('app/kilns_copy.py', KILN);
      const a = columnSpans(engine.getFacts('app/kilns.py'));
      const b = columnSpans(engine.getFacts('app/kilns_copy.py'));
      assert.equal(a.length, 2);
      assert.deepEqual(a, b);
      for (let i = 0; i < a.length; i++) assert.equal(a[i] === b[i], oneShot, `column ${i}`);
      // Both files conclude the same either way.
      assert.equal(engine.allFindings().filter((f) => f.file === 'app/kilns.py').length, engine.allFindings().filter((f) => f.file === 'app/kilns_copy.py').length);
      engine.dispose();
    });
  }

  it('shares plain spans only; an object with more than a start and an end is looked into, its strings interned', () => {
    const strings = new Map<string, string>();
    const spans = new Map<number, Span>();
    const make = (name: string) =>
      ({ file: 'a.py', spans: [{ start: 4, end: 9 }], mark: { start: 4, end: 9, why: `made ${name}`.slice(0) }, far: { start: 2 ** 21, end: 2 ** 21 + 3 }, near: { start: 4, end: 9 } }) as unknown as FileFacts;
    const first = make('x') as unknown as Record<string, { start: number; end: number; why?: string }>;
    const second = make('x') as unknown as Record<string, { start: number; end: number; why?: string }>;
    internStrings(first as unknown as FileFacts, strings, spans);
    internStrings(second as unknown as FileFacts, strings, spans);
    assert.equal(second.near, first.near);
    assert.equal((second.spans as unknown as Span[])[0], first.near);
    // Not a plain span: kept, and looked into (its string is in the table).
    assert.notEqual(second.mark, first.mark);
    assert.ok(strings.has('made x'));
    // Too far into its file for the key: kept as it is.
    assert.notEqual(second.far, first.far);
    assert.deepEqual(second.far, first.far);
  });
});
