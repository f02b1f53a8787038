// The example workspace finds exactly what its README's "Planted problems" table lists, and --fix clears it all.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeWorkspace, repoRoot, runCli, show } from './harness';

const example = join(repoRoot, 'examples', 'platform');

/** `path:line rule` for each row of the README's table of planted problems. */
function planted(): string[] {
  const readme = readFileSync(join(example, 'README.md'), 'utf8');
  const section = readme.split('## Planted problems')[1].split('\n## ')[0];
  return section
    .split('\n')
    .map((line) => /^\| \d+ \| `([^`]+:\d+)` \| .* \| `([a-z-]+)` \|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} ${m[2]}`)
    .sort();
}

interface JsonFinding {
  file: string;
  rule: string;
  range: { start: { line: number } };
}

function scan(root: string, ...args: string[]): { code: number | null; found: string[]; out: string } {
  // --no-cache: every scan here is cold, and none writes a cache into the repository's example.
  const r = runCli(['scan', root, '--format', 'json', '--no-cache', ...args], repoRoot);
  const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
  return { code: r.code, found: findings.map((f) => `${f.file}:${f.range.start.line + 1} ${f.rule}`).sort(), out: show(r) };
}

describe('the example workspace', () => {
  it("reports exactly the README's planted problems, across Python and the Knex service", () => {
    const expected = planted();
    assert.equal(expected.length, 10, 'the README lists ten planted problems');
    const { code, found, out } = scan(example);
    assert.equal(code, 1, out);
    assert.deepEqual(found, expected);
  });

  it('--fix leaves the migration alone: it may already have run', () => {
    const copy = mkdtempSync(join(tmpdir(), 'fkguard-example-'));
    try {
      cpSync(example, copy, { recursive: true });
      const migration = join(copy, 'services/billing-node/src/db/migrations/20251021100000_charges.ts');
      const before = readFileSync(migration, 'utf8');
      const fix = runCli(['scan', copy, '--fix', '--no-cache'], repoRoot);
      assert.equal(fix.code, 1, show(fix));
      assert.match(fix.stdout, /fixed: 17 edits in 2 files; 10 findings before, 2 now/);
      assert.equal(readFileSync(migration, 'utf8'), before);
    } finally {
      removeWorkspace(copy);
    }
  });

  it('is clean after --fix-migrations, and a second --fix changes nothing', () => {
    const copy = mkdtempSync(join(tmpdir(), 'fkguard-example-'));
    try {
      cpSync(example, copy, { recursive: true });
      const fix = runCli(['scan', copy, '--fix-migrations', '--no-cache'], repoRoot);
      assert.equal(fix.code, 0, show(fix));
      assert.match(fix.stdout, /fixed: 19 edits in 3 files; 10 findings before, 0 now/);
      const charges = readFileSync(join(copy, 'services/billing-node/src/db/migrations/20251021100000_charges.ts'), 'utf8');
      assert.match(charges, /\.references\('id'\)\.inTable\('tenants'\);/);
      assert.match(charges, /t\.uuid\('created_by'\)\.references\('users\.id'\);/);
      const again = scan(copy, '--fix');
      assert.equal(again.code, 0, again.out);
      assert.deepEqual(again.found, []);
    } finally {
      removeWorkspace(copy);
    }
  });
});
