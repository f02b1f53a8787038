// A navigation request sent while a document's analysis is still due (within the debounce) brings the engine up
// to date with the editor's text and is answered before the document's diagnostics are computed and sent: the
// diagnostics follow, for the same text, as the analysis would have published them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Hover, Location } from 'vscode-languageserver-protocol/node';
import { LspClient } from './harness';

describe('language server: navigation before the analysis it brought up to date', function () {
  let client: LspClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  /** A server whose analyses wait 60 s after a change, so a request always finds the analysis still due. */
  async function start(): Promise<LspClient> {
    client = await LspClient.start({ fixture: 'basic', initializationOptions: { debounce: 60000 } });
    await client.ready();
    return client;
  }

  it('answers a hover sent with an edit for the edited text, then publishes that text\'s diagnostics', async () => {
    const c = await start();
    const text = readFileSync(c.path('app/orders.py'), 'utf8');
    c.open('app/orders.py', text);
    await c.diagnosticsFor('app/orders.py', (d) => d.length === 1, 1);
    // `user` -> `users`: the hover names the users table, which only the edited text references.
    const offset = text.indexOf('"user.id"') + '"user'.length;
    const pos = c.doc('app/orders.py').positionAt(offset);
    const version = c.change('app/orders.py', [{ range: { start: pos, end: pos }, newText: 's' }]);
    const hover = (await c.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: c.uri('app/orders.py') },
      position: { line: pos.line, character: pos.character - 2 },
    })) as Hover | null;
    // Messages arrive in the order the server sent them: the answer came before the new diagnostics.
    const published = c.publications.filter((p) => p.uri === c.uri('app/orders.py') && p.version === version);
    assert.equal(published.length, 0, 'the diagnostics of the edit were sent before the hover was answered');
    assert.match(JSON.stringify(hover?.contents), /users/);
    assert.deepEqual(await c.diagnosticsFor('app/orders.py', () => true, version), []);
  });

  it('answers a definition sent with an edit that breaks a reference, then publishes the unknown table', async () => {
    const c = await start();
    const text = readFileSync(c.path('app/payments.py'), 'utf8');
    c.open('app/payments.py', text);
    await c.diagnosticsFor('app/payments.py', (d) => d.length === 0, 1);
    const offset = text.indexOf('"users.id"') + '"user'.length;
    const doc = c.doc('app/payments.py');
    const version = c.change('app/payments.py', [{ range: { start: doc.positionAt(offset), end: doc.positionAt(offset + 1) }, newText: '' }]);
    const definition = (await c.connection.sendRequest('textDocument/definition', {
      textDocument: { uri: c.uri('app/payments.py') },
      position: doc.positionAt(offset - 2),
    })) as Location[] | Location | null;
    assert.equal(c.publications.filter((p) => p.uri === c.uri('app/payments.py') && p.version === version).length, 0);
    // `user` is no table: nothing to go to.
    assert.ok(definition === null || (Array.isArray(definition) && definition.length === 0), JSON.stringify(definition));
    const diagnostics = await c.diagnosticsFor('app/payments.py', () => true, version);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['unknown-table'],
    );
  });
});
