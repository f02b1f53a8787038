// The command line itself: help, version, usage errors, and `fkguard index`.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, removeWorkspace, repoRoot, runCli, show } from './harness';

describe('fkguard command line', () => {
  let ws: string;
  before(() => {
    ws = copyWorkspace('clean');
  });
  after(() => removeWorkspace(ws));

  it('prints help on --help and exits 0', () => {
    const r = runCli(['--help'], ws);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Usage: fkguard <command>/);
    const scan = runCli(['scan', '--help'], ws);
    assert.match(scan.stdout, /--format FORMAT/);
  });

  it('prints the package version', () => {
    const r = runCli(['--version'], ws);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version);
  });

  for (const [args, message] of [
    [['scan', '--frobnicate'], /^fkguard: Unknown option '--frobnicate'/],
    [['scan', '--format', 'xml'], /^fkguard: Unknown format 'xml' \(use text, json, sarif, github\)\./],
    [['scan', '--jobs', '0'], /^fkguard: --jobs must be a whole number from 1 to 64, not '0'\./],
    [['scan', '--jobs', 'two'], /^fkguard: --jobs must be a whole number from 1 to 64, not 'two'\./],
    [['index', '--format', 'sarif'], /^fkguard: Unknown format 'sarif'/],
    [['lint'], /^fkguard: Unknown command 'lint'/],
    [[], /^fkguard: No command given\./],
  ] as Array<[string[], RegExp]>) {
    it(`exits 2 with the usage for: fkguard ${args.join(' ')}`, () => {
      const r = runCli(args, ws);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Usage: fkguard/);
      assert.equal(r.stdout, '');
    });
  }

  it('prints the schema index as JSON', () => {
    const r = runCli(['index', '--format', 'json'], ws);
    assert.equal(r.code, 0, show(r));
    const index = JSON.parse(r.stdout);
    assert.equal(index.version, 1);
    assert.deepEqual(index.tables.map((t: { key: string }) => t.key).sort(), ['orders', 'users']);
    const users = index.tables.find((t: { key: string }) => t.key === 'users');
    const id = users.columns.find((c: { name: string }) => c.name === 'id');
    assert.equal(id.primaryKey, true);
    assert.equal(users.definitions[0].file, 'models.py');
  });

  it('prints the schema index as text', () => {
    const r = runCli(['index'], ws);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^users {2}models\.py:\d+ \(model User\)$/m);
    assert.match(r.stdout, /^ {2}id +Integer .*\[primary key\]/m);
    assert.match(r.stdout, /^2 tables$/m);
  });
});
