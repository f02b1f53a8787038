import assert from 'node:assert/strict';
import { createEngine } from '../../server/src/host/python';
import { runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';
import { LspClient } from '../lsp/harness';
import { USERS } from './env';

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

  it('says once why a minified file was skipped, in the CLI and in the server log', async () => {
    const ws = makeTree({ 'app/users.py': USERS, 'static/assets/main-Ab12Cd.js': bundle(2000, ';'), 'src/plain.js': 'export const x = 1;\n', '.git/HEAD': '' });
    try {
      const r = runCli(['scan', '.', '--no-cache'], ws);
      assert.equal(r.code, 0, show(r));
      const notes = r.stderr.split('\n').filter((l) => l.includes('main-Ab12Cd.js'));
      assert.deepEqual(notes.length, 1, show(r));
      assert.match(notes[0], /skipped static\/assets\/main-Ab12Cd\.js: minified or bundled/);
      assert.doesNotMatch(r.stderr, /plain\.js/, 'a file that is simply not model code gets no note');
      assert.doesNotMatch(runCli(['scan', '.', '--no-cache', '-q'], ws).stderr, /minified/);

      const client = await LspClient.start({ root: ws });
      try {
        await client.ready(60000);
        const text = bundle(2000, ';');
        client.open('static/assets/main-Ab12Cd.js', text, 'javascript');
        await client.diagnosticsFor('static/assets/main-Ab12Cd.js', () => true, 1);
        client.change('static/assets/main-Ab12Cd.js', [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: ' ' }]);
        await client.diagnosticsFor('static/assets/main-Ab12Cd.js', () => true, 2);
        const logged = client.logs.filter((l) => /main-Ab12Cd\.js.*minified or bundled/.test(l.message));
        // Once from the index, once for the open document (however often it changes).
        assert.equal(logged.length, 2, JSON.stringify(client.logs.map((l) => l.message)));
      } finally {
        await client.stop();
      }
    } finally {
      removeTree(ws);
    }
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
