import assert from 'node:assert/strict';
import { createEngine } from '../../server/src/host/python';

/** A generated bundle: many tiny functions and a syntax highlighter's SQL keyword list (nothing copied). */
function bundle(functions: number, separator: string): string {
  const parts = Array.from({ length: functions }, (_, i) => `function f${i}(e){return e.k?e.v+${i}:"w${i}"}`);
  parts.splice(functions >> 1, 0, 'var T=["create table","insert into","primary key","foreign key","not null","alter table","add constraint"]');
  return parts.join(separator);
}

/**
 * Bundled JavaScript mentions DDL in keyword lists; walking it with ts-morph's comment-aware traversal was
 * quadratic on a one-line file (minutes for 1 MB). A minified file is not read at all, and in any file a
 * string is handed to the SQL reader only when it is SQL (a query runner's argument, a `sql` template).
 */
describe('TypeScript: bundles and keyword lists', () => {
  it('does not read a minified file (one line longer than hand-written code has)', async () => {
    const e = await createEngine();
    const text = bundle(2000, ';');
    assert.equal(e.accepts('static/assets/main-Ab12Cd.js', text), false);
    assert.equal(e.accepts('vendor/highlight.min.js', bundle(10, ';')), false);
    e.dispose();
  });

  it('never hands a keyword list to the SQL reader', async () => {
    const e = await createEngine();
    const text = bundle(200, ';\n');
    e.updateFile('src/highlight.js', text);
    const facts = e.getFacts('src/highlight.js');
    assert.ok(facts, 'the file mentions DDL in a string, so it is read');
    assert.deepEqual(facts.errors, []);
    assert.deepEqual(facts.tables, []);
    e.dispose();
  });
});
