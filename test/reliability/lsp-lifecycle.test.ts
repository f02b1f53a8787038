// Issue 11, items 11 and 16 (server parts), and what held at the LSP boundary: the server follows the
// protocol's lifecycle, reports a workspace it cannot read, honours max-file-size for open documents, and
// survives odd input.
import assert from 'node:assert/strict';
import { ErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { LspClient } from '../lsp/harness';
import { ORDERS_BAD } from './env';

describe('reliability: the language server lifecycle and odd input', function () {
  let client: LspClient | undefined;
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('answers every request after shutdown with InvalidRequest', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    await client.connection.sendRequest('shutdown');
    for (const [method, params] of [
      ['fkguard/schemaIndex', {}],
      ['textDocument/codeAction', { textDocument: { uri: client.uri('app/orders.py') }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }],
    ] as const) {
      await assert.rejects(client.connection.sendRequest(method, params), (err: unknown) => {
        assert.ok(err instanceof ResponseError, String(err));
        assert.equal(err.code, ErrorCodes.InvalidRequest, `${method}: ${err.message}`);
        return true;
      });
    }
  });

  it('ends indexing (a ready status) when no workspace folder is on disk, and says why', async () => {
    client = await LspClient.start({ fixture: 'basic', folders: [{ uri: 'vscode-vfs://github/acme/app', name: 'remote' }] });
    await client.waitFor('a ready status', () => client!.statuses.find((s) => s.state === 'ready'));
    await client.waitFor('a note about the folder', () => client!.logs.find((l) => /vscode-vfs:\/\/github\/acme\/app/.test(l.message)));
  });

  it('does not analyse an open document larger than max-file-size, and says so', async () => {
    client = await LspClient.start({ fixture: 'basic', settings: { maxFileSize: 4096 } });
    await client.ready();
    const big = `${'# padding\n'.repeat(600)}${ORDERS_BAD}`;
    client.open('app/big.py', big);
    const diagnostics = await client.diagnosticsFor('app/big.py', () => true, 1);
    assert.deepEqual(diagnostics, []);
    await client.waitFor('a note about the size', () => client!.logs.find((l) => /app\/big\.py.*larger than/.test(l.message)));
    // Below the limit again, it is analysed.
    const version = client.change('app/big.py', [{ range: { start: { line: 0, character: 0 }, end: { line: 600, character: 0 } }, newText: '' }]);
    await client.diagnosticsFor('app/big.py', (d) => d.some((x) => x.code === 'unknown-table'), version);
  });

  // What held: odd positions, versions and URIs never take the server down.
  it('survives out-of-range and reversed ranges, half surrogate pairs, backwards versions and odd URIs', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    const uri = client.uri('app/odd.py');
    const c = client.connection;
    await c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 5, text: 'x = "\ud83d"\n' } });
    await c.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 99, character: 99 }, end: { line: 0, character: 0 } }, text: 'y = 1\n' }],
    });
    await c.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'python', version: 1, text: 'x' } });
    await c.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///%E0%A4%A', languageId: 'python', version: 1, text: 'x' } });
    await c.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///nowhere/never-opened.py', version: 2 }, contentChanges: [{ text: 'x' }] });
    // Still answering, and still analysing.
    const index = (await c.sendRequest('fkguard/schemaIndex', {})) as { folders: unknown[] };
    assert.equal(index.folders.length, 1);
    const orders = client.open('app/orders2.py', ORDERS_BAD.replace('"orders"', '"orders2"'));
    await client.diagnosticsFor('app/orders2.py', (d) => d.some((x) => x.code === 'unknown-table'), orders.version);
  });

  it('exits when its stdin is closed', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    client.closeStdin();
    await client.exited();
  });

  it('exits when the editor that started it is gone', async () => {
    // A process that has already exited stands for a dead parent; the server checks its parent every 3 s.
    const { spawnSync } = await import('node:child_process');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    client = await LspClient.start({ fixture: 'basic', processId: Number(gone.stdout) });
    await client.exited(20000);
  });
});
