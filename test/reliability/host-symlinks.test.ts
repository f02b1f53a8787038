// Issue 11, item 4: symlinks never lead a scan, or a fix, out of the scanned folder; a link to `/` is a loop.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { readableThroughLinks, walkWorkspace } from '../../server/src/host/workspace';
import { runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';
import { LspClient } from '../lsp/harness';
import { ORDERS_BAD, ORDERS_OK, USERS } from './env';

describe('reliability: symlinks', () => {
  let top = '';
  let ws = '';
  beforeEach(() => {
    top = makeTree({ 'outside/models.py': ORDERS_BAD, 'outside/pkg/more.py': ORDERS_BAD, 'ws/app/users.py': USERS });
    ws = join(top, 'ws');
  });
  afterEach(() => removeTree(top));

  it('does not follow links that point outside the root, and says so', async () => {
    symlinkSync('../outside/models.py', join(ws, 'link.py'));
    symlinkSync('../outside/pkg', join(ws, 'pkgl'));
    const walk = await walkWorkspace({ roots: [ws] });
    assert.deepEqual(walk.files.map((f) => f.id), ['app/users.py']);
    const reasons = walk.skipped.map((s) => `${s.file}: ${s.reason}`).join('\n');
    assert.match(reasons, /^link\.py: symlink points outside the scanned folder/m);
    assert.match(reasons, /^pkgl: symlink points outside the scanned folder/m);
  });

  it('follows links inside the root, unless told not to follow links at all', async () => {
    mkdirSync(join(ws, 'real'));
    symlinkSync('../app/users.py', join(ws, 'real', 'users_link.py'));
    symlinkSync('app', join(ws, 'zapp'));
    const followed = await walkWorkspace({ roots: [join(ws, 'real')], base: ws });
    assert.deepEqual(followed.files.map((f) => f.id), [], 'a link to a file outside the root named (real/) is not followed');
    const inside = await walkWorkspace({ roots: [ws] });
    assert.deepEqual(inside.files.map((f) => f.id), ['app/users.py']);
    const never = await walkWorkspace({ roots: [ws], followSymlinks: false });
    assert.ok(never.skipped.some((s) => s.file === 'zapp' && /symlink not followed/.test(s.reason)), JSON.stringify(never.skipped));
  });

  it('sees a link to / as a loop and does not walk the file system', async () => {
    symlinkSync('/', join(ws, 'slash'));
    const walk = await walkWorkspace({ roots: [ws] });
    assert.deepEqual(walk.files.map((f) => f.id), ['app/users.py']);
    assert.ok(walk.skipped.some((s) => s.file === 'slash'), JSON.stringify(walk.skipped));
  });

  it('re-reads a changed file by the same rule as the walk (the language server does, after the index)', async () => {
    mkdirSync(join(ws, 'real'));
    symlinkSync('../app/users.py', join(ws, 'real', 'users_link.py'));
    symlinkSync('app', join(ws, 'zapp'));
    symlinkSync('../outside/models.py', join(ws, 'link.py'));
    const can = (rel: string, follow: boolean) => readableThroughLinks(join(ws, rel), ws, follow);
    assert.equal(await can('app/users.py', false), true);
    assert.equal(await can('real/users_link.py', true), true);
    assert.equal(await can('real/users_link.py', false), false);
    assert.equal(await can('zapp/users.py', true), true);
    assert.equal(await can('zapp/users.py', false), false, 'a folder link on the way counts');
    assert.equal(await can('link.py', true), false, 'a link out of the folder is never followed');
    assert.equal(await can('app/gone.py', true), false);
    assert.equal(await can('../outside/models.py', true), false);
  });

  it('the language server follows links by fkguard.followSymlinks, as the CLI by --no-follow-symlinks', async () => {
    // `app/users.py` is a link to a file the walk would not list by itself (not a .py name).
    const root = makeTree({ 'app/orders.py': ORDERS_OK, 'vendor/users.py.txt': USERS, '.git/HEAD': '' });
    symlinkSync('../vendor/users.py.txt', join(root, 'app', 'users.py'));
    try {
      for (const followSymlinks of [true, false]) {
        const client = await LspClient.start({ root, settings: { followSymlinks } });
        try {
          await client.ready(60000);
          const text = readFileSync(join(root, 'app', 'orders.py'), 'utf8');
          client.open('app/orders.py', text);
          const found = await client.diagnosticsFor('app/orders.py', () => true, 1);
          const rules = found.map((d) => d.code);
          if (followSymlinks) assert.deepEqual(rules, [], 'the linked users table is seen');
          else {
            assert.deepEqual(rules, ['unknown-table'], 'with links off, the linked file is not read');
            assert.ok(client.logs.some((l) => /skipped app\/users\.py: symlink not followed/.test(l.message)), JSON.stringify(client.logs));
          }
        } finally {
          await client.stop();
        }
      }
    } finally {
      removeTree(root);
    }
  });

  it('never writes a fix through a link to a file outside the root (--fix)', () => {
    symlinkSync('../outside/models.py', join(ws, 'link.py'));
    const r = runCli(['scan', '--fix', 'ws'], top);
    assert.equal(readFileSync(join(top, 'outside', 'models.py'), 'utf8'), ORDERS_BAD, show(r));
  });
});
