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
    const written = readFileSync(join(workspaces, dir, 'facts-v4.cache'));
    // A CLI that could not use an entry would parse the file and write the cache again under its own key.
    const scan = runCli(['scan', '.'], ws, { XDG_CACHE_HOME: cacheHome });
    assert.equal(scan.code, 1, scan.stderr);
    assert.deepEqual(readdirSync(workspaces), [dir]);
    assert.ok(readFileSync(join(workspaces, dir, 'facts-v4.cache')).equals(written));
  });
});
