// Issue 11, item 12: a folder named on the command line is scanned whatever ignore files say, and a scan that
// reads no file says so and fails instead of passing on nothing.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';
import { ORDERS_BAD, USERS } from './env';

describe('reliability: explicit paths and empty scans', () => {
  let repo = '';
  beforeEach(() => {
    repo = makeTree({
      '.gitignore': 'generated/\n*.pyc\n',
      'generated/users.py': USERS,
      'generated/orders.py': ORDERS_BAD,
      'generated/nested/generated/ignored.py': ORDERS_BAD,
      'docs/readme.txt': 'nothing to check\n',
    });
    mkdirSync(join(repo, '.git'));
  });
  afterEach(() => removeTree(repo));

  it('scans a folder named on the command line even when a parent .gitignore ignores it', () => {
    const r = runCli(['scan', 'generated', '--format', 'json'], repo);
    assert.equal(r.code, 1, show(r));
    const report = JSON.parse(r.stdout) as { findings: Array<{ file: string; rule: string }> };
    assert.deepEqual(report.findings.map((f) => `${f.file} ${f.rule}`), ['orders.py unknown-table']);
  });

  it('fails when no file was read, saying why, unless --allow-empty', () => {
    const r = runCli(['scan', 'docs'], repo);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /no files? to check.*--allow-empty/s);
    const allowed = runCli(['scan', 'docs', '--allow-empty'], repo);
    assert.equal(allowed.code, 0, show(allowed));
  });

  it('counts a scan whose every file was skipped as empty', () => {
    writeFileSync(join(repo, 'docs', 'bin.py'), Buffer.from([0x66, 0x00, 0x6b]));
    const r = runCli(['scan', 'docs'], repo);
    assert.equal(r.code, 2, show(r));
    assert.match(r.stderr, /skipped docs\/bin\.py: binary/);
  });
});
