// The language server and the CLI share one facts cache (in the user's cache folder, signed; see
// host/factsCache.ts): a folder the CLI scanned starts warm in the editor, and the other way round.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/harness';
import { fixturesRoot, LspClient } from './harness';

const fromCache = (client: LspClient) =>
  client.logs.map((l) => /(\d+) files' facts came from the cache/.exec(l.message)).find((m) => m !== null)?.[1];

describe('language server: the facts cache it shares with the CLI', function () {
  let client: LspClient | undefined;
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'fkguard-lsp-cache-'));
    cpSync(join(fixturesRoot, 'basic'), join(scratch, 'ws'), { recursive: true });
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('starts from the cache `fkguard scan` wrote, with the same findings', async () => {
    const ws = join(scratch, 'ws');
    const cacheHome = join(scratch, 'cache');
    const scan = runCli(['scan', '.'], ws, { XDG_CACHE_HOME: cacheHome });
    assert.equal(scan.code, 1, scan.stdout + scan.stderr);
    client = await LspClient.start({ root: ws, cacheHome });
    await client.diagnosticsFor('app/orders.py', (d) => d.some((x) => x.code === 'unknown-table'));
    await client.waitFor('the index log', () => fromCache(client!));
    assert.equal(fromCache(client), '6', client.logs.map((l) => l.message).join('\n'));
  });

  it('writes the cache the CLI then reads', async () => {
    const ws = join(scratch, 'ws');
    const cacheHome = join(scratch, 'cache');
    client = await LspClient.start({ root: ws, cacheHome });
    await client.ready();
    assert.equal(fromCache(client), '0');
    await client.stop();
    client = undefined;
    const workspaces = join(cacheHome, 'fkguard', 'workspaces');
    const [dir] = readdirSync(workspaces);
    const written = readFileSync(join(workspaces, dir, 'facts-v2.json'), 'utf8');
    // A CLI that could not use an entry would parse the file and write the cache again under its own key.
    const scan = runCli(['scan', '.'], ws, { XDG_CACHE_HOME: cacheHome });
    assert.equal(scan.code, 1, scan.stderr);
    assert.deepEqual(readdirSync(workspaces), [dir]);
    assert.equal(readFileSync(join(workspaces, dir, 'facts-v2.json'), 'utf8'), written);
  });

  /**
   * At the end of an index, a document whose text is what the index read is answered from the index's facts
   * (from the cache on a warm start) before it is parsed; one whose editor text differs from the file is
   * analysed from the editor text. Either way, later edits are analysed from the editor's text.
   */
  for (const unsaved of [false, true]) {
    it(`answers a document opened at start-up from ${unsaved ? 'its editor text, not the file' : "the index's facts"}, then follows its edits`, async () => {
      const ws = join(scratch, 'ws');
      const cacheHome = join(scratch, 'cache');
      assert.equal(runCli(['scan', '.'], ws, { XDG_CACHE_HOME: cacheHome }).code, 1);
      client = await LspClient.start({ root: ws, cacheHome });
      const disk = readFileSync(join(ws, 'app/orders.py'), 'utf8');
      // Unsaved in the editor: the unknown table is already fixed there.
      client.open('app/orders.py', unsaved ? disk.replace('"user.id"', '"users.id"') : disk);
      const first = await client.diagnosticsFor('app/orders.py', () => true, 1);
      assert.deepEqual(
        first.map((d) => d.code),
        unsaved ? [] : ['unknown-table'],
      );
      await client.ready();
      // An edit after the start-up answer (an `s` after the table name: `user` is fixed, `users` broken): the
      // document is analysed from its text as edited.
      const at = client.doc('app/orders.py').getText().indexOf('.id"))');
      const v = client.change('app/orders.py', [{ range: { start: client.doc('app/orders.py').positionAt(at), end: client.doc('app/orders.py').positionAt(at) }, newText: 's' }]);
      const after = await client.diagnosticsFor('app/orders.py', () => true, v);
      assert.deepEqual(
        after.map((d) => d.code),
        unsaved ? ['unknown-table'] : [],
      );
    });
  }
});
