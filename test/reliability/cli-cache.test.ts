// Issue 11, items 3 and 9 and the cache flags of item 16: a cache is never trusted for a result or a fix.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileFacts } from '../../server/src/core/types';
import { contentHash } from '../../server/src/host/factsCache';
import { scanWorkspace } from '../../server/src/host/scan';
import { binPath, repoRoot, runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';
import { ORDERS_BAD, ORDERS_OK, USERS } from './env';

const EVIL = 'UUID(as_uuid=True)); __import__("os").system("touch pwned"); _x = (1';

/** The facts FK Guard itself makes for `files`, by file id. */
async function realFacts(files: Record<string, string>): Promise<Map<string, FileFacts>> {
  const root = makeTree(files);
  try {
    const scan = await scanWorkspace({ roots: [root] });
    return new Map(Object.keys(files).map((f) => [f, scan.engine.getFacts(f)!]));
  } finally {
    removeTree(root);
  }
}

/** A cache file as the CLI of this build wrote it before caches were authenticated: its key is public. */
function forgeCache(dir: string, files: Record<string, { text: string; facts: FileFacts | null }>): void {
  const key = contentHash(readFileSync(join(repoRoot, 'dist', 'cli.js'), 'utf8'));
  const entries = Object.fromEntries(Object.entries(files).map(([id, f]) => [id, { hash: contentHash(f.text), facts: f.facts }]));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'facts-v1.json'), JSON.stringify({ key, files: entries }));
}

describe('reliability: the cache from the command line', () => {
  let cacheHome = '';
  let ws = '';
  beforeEach(() => {
    cacheHome = mkdtempSync(join(tmpdir(), 'fkguard-cachehome-'));
    ws = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS_OK });
  });
  afterEach(() => {
    rmSync(cacheHome, { recursive: true, force: true });
    removeTree(ws);
  });
  const cli = (args: string[]) => runCli(args, ws, { XDG_CACHE_HOME: cacheHome });

  for (const where of ['committed in the repository', 'named with --cache-dir']) {
    it(`never writes a fix whose text comes from a forged cache (${where})`, async () => {
      const facts = await realFacts({ 'app/users.py': USERS, 'app/orders.py': ORDERS_OK });
      const users = structuredClone(facts.get('app/users.py')!);
      const id = users.classes[0].columns.find((c) => c.name === 'id')!;
      id.type = { ...id.type!, text: EVIL, name: 'UUID', family: 'uuid', sqlType: 'uuid' };
      forgeCache(join(ws, '.fkguard_cache'), {
        'app/users.py': { text: USERS, facts: users },
        'app/orders.py': { text: ORDERS_OK, facts: facts.get('app/orders.py')! },
      });
      const r = cli(['scan', '--fix', ...(where.includes('--cache-dir') ? ['--cache-dir', '.fkguard_cache'] : [])]);
      assert.equal(readFileSync(join(ws, 'app', 'orders.py'), 'utf8'), ORDERS_OK, show(r));
      assert.doesNotMatch(r.stdout, /__import__/);
      assert.equal(r.code, 0, show(r));
    });

    it(`never hides a finding behind a forged cache (${where})`, () => {
      writeFileSync(join(ws, 'app', 'orders.py'), ORDERS_BAD);
      forgeCache(join(ws, '.fkguard_cache'), { 'app/orders.py': { text: ORDERS_BAD, facts: null } });
      const r = cli(['scan', ...(where.includes('--cache-dir') ? ['--cache-dir', '.fkguard_cache'] : [])]);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /unknown-table/);
    });
  }

  // Item 9: Node 20's recursive mkdir never returns for a path under /proc. The deadline only stops a hang
  // from stalling the suite; the assertions are about the exit code and the message.
  it('fails with a message when the cache folder cannot be made (--cache-dir /proc/x)', () => {
    const r = spawnSync(process.execPath, [binPath, 'scan', '--cache-dir', '/proc/fkguard-no-such/x'], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: cacheHome },
      timeout: 30000,
      killSignal: 'SIGKILL',
    });
    assert.equal(r.status, 2, `exit ${r.status} (signal ${r.signal})\n${r.stderr}`);
    assert.match(r.stderr, /cache folder .*\/proc\/fkguard-no-such\/x/);
  });

  it('says when it cannot use a cache file, and still reports what a scan without it does', () => {
    writeFileSync(join(ws, 'app', 'orders.py'), ORDERS_BAD);
    const first = cli(['scan', '--cache-dir', 'c']);
    assert.equal(first.code, 1, show(first));
    assert.doesNotMatch(first.stderr, /note:/, 'no cache yet is nothing to say');
    const file = join(ws, 'c', 'facts-v4.cache');
    writeFileSync(file, readFileSync(file).subarray(0, 40));
    const r = cli(['scan', '--cache-dir', 'c']);
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /unknown-table/);
    assert.match(r.stderr, /fkguard: note: the cache file .*facts-v4\.cache (is damaged or cut short|does not match its signature)/);
    const again = cli(['scan', '--cache-dir', 'c', '--quiet']);
    assert.doesNotMatch(again.stderr, /note:/);
  });

  it('rejects --no-cache together with --cache-dir', () => {
    const r = cli(['scan', '--no-cache', '--cache-dir', 'c']);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /--no-cache.*--cache-dir|--cache-dir.*--no-cache/);
  });
});
