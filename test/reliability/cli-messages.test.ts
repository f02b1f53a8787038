// Issue 11, item 16 (command-line parts): messages name the real cause, and nothing a source file holds can
// drive the terminal that shows the report.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath, runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';
import { ORDERS_BAD, USERS } from './env';

describe('reliability: command-line messages', () => {
  let root = '';
  beforeEach(() => {
    root = makeTree({ 'ws/app/users.py': USERS, 'ws/app/orders.py': ORDERS_BAD });
  });
  afterEach(() => {
    chmodSync(join(root, 'ws'), 0o755);
    removeTree(root);
  });

  it('says a root folder cannot be read, instead of blaming fkguard.toml', function () {
    chmodSync(join(root, 'ws'), 0o000);
    // Root reads any folder: run the CLI as `nobody` then.
    const asRoot = process.getuid?.() === 0;
    const cmd = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [process.execPath];
    chmodSync(root, 0o755);
    const r = spawnSync(cmd[0], [...cmd.slice(1), binPath, 'scan', '--no-cache', 'ws'], { cwd: root, encoding: 'utf8' });
    if (r.error) this.skip();
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /cannot read ws: permission denied/);
    assert.doesNotMatch(r.stderr, /fkguard\.toml/);
  });

  it('names a symlink loop given as the path in words, not as ELOOP', () => {
    symlinkSync('loop', join(root, 'loop'));
    const r = runCli(['scan', 'loop'], root);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /cannot read loop: a symlink loop/);
    assert.doesNotMatch(r.stderr, /ELOOP/);
  });

  for (const format of ['text', 'github']) {
    it(`escapes terminal control codes that come from source text (${format})`, () => {
      mkdirSync(join(root, 'ws', 'evil'));
      writeFileSync(join(root, 'ws', 'evil', 'm.py'), ORDERS_BAD.replace('"user.id"', '"us\x1b]0;owned\x07er\x1b[2J\u202e.id"').replace('"orders"', '"evil"'));
      const r = runCli(['scan', '--format', format, 'ws'], root);
      assert.equal(r.code, 1, show(r));
      assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      assert.match(r.stdout, /\\x1b\]0;owned\\x07er\\x1b\[2J\\u202e/);
    });
  }
});
