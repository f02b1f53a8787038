// A cold `fkguard scan` fills the index in bulk (`SchemaIndex.loadFacts`), where the editor and the engine
// fixtures add files one at a time (`setFacts`): both must conclude the same. The bulk path once dropped what
// only `setFacts` kept: the names a file takes from other files' constants (`pendingConsts`) and the workspace
// packages (`package.json` facts), so a Knex migration that names its tables by a workspace package's constants
// was checked against the raw markers (`\x01ShelfField.label`): false errors, and real ones missed.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot, runCli, show } from './harness';

/** The engine fixture whose migration names every table and column by `@depot/schema`'s constants. */
const WS = join(repoRoot, 'test', 'fixtures', 'engine', '57-knex-workspace-package', 'ws');

describe('fkguard scan: the cold (bulk) index load', () => {
  it("resolves a workspace package's constants as the file-by-file engine does (fixture 57's findings)", () => {
    const r = runCli(['scan', '.', '--no-cache', '--format', 'json'], WS);
    assert.equal(r.code, 1, show(r));
    assert.doesNotMatch(r.stdout, /\\u0001/, 'no pending-name marker may reach a finding');
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ file: string; rule: string; range: { start: { line: number } } }> }).findings;
    // As test/fixtures/engine/57-knex-workspace-package/findings.txt lists them (lines there are 1-based).
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.range.start.line + 1} ${f.rule}`),
      [
        'server/migrations/20250101_init.js:12 type-mismatch',
        'server/migrations/20250101_init.js:14 not-unique-target',
        'server/migrations/20250101_init.js:18 type-mismatch',
      ],
      show(r),
    );
  });
});
