// Issue 11, item 4: symlinks never lead a scan, or a fix, out of the scanned folder; a link to `/` is a loop.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { walkWorkspace } from '../../server/src/host/workspace';
import { runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';
import { ORDERS_BAD, USERS } from './env';

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

  it('never writes a fix through a link to a file outside the root (--fix)', () => {
    symlinkSync('../outside/models.py', join(ws, 'link.py'));
    const r = runCli(['scan', '--fix', 'ws'], top);
    assert.equal(readFileSync(join(top, 'outside', 'models.py'), 'utf8'), ORDERS_BAD, show(r));
  });
});
