// `fkguard scan` over every engine fixture's workspace: the CLI walks the folder itself (extensions, skipped
// folders, .gitignore) and fills its engine in bulk, while the engine fixtures feed each file by hand, so the two
// can disagree on which files are read. A file the walk never reads (a bare `tsconfig.base.json`) once hid the
// one error of fixture 75 from the CLI. The CLI runs in this process (`run`, the function `fkguard` binds to the
// process): spawning it 95 times costs more than the whole engine fixture suite.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../server/src/cli/run';
import { FIXTURES } from '../engine/harness';

interface JsonReport {
  stats: { checked: number; unchecked: { total: number } };
  findings: { file: string; range: { start: { line: number; character: number }; end: { character: number } }; severity: string; rule: string; message: string }[];
}

/** The head line of each finding in a findings.txt snapshot (`file:line:start-end severity rule: message`). */
function snapshotHeads(text: string): string[] {
  return text.split('\n').filter((l) => /^\S+:\d+:\d+-\d+ /.test(l));
}

describe('fkguard scan over every engine fixture workspace', () => {
  const cases = existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];
  it('has fixture cases', () => assert.ok(cases.length >= 8, `only ${cases.length} cases`));
  for (const name of cases) {
    it(`${name}: the same findings and the same checked/unchecked counts as the engine`, async () => {
      const dir = join(FIXTURES, name);
      const args = ['scan', join(dir, 'ws'), '--format', 'json', '--no-cache', '--allow-empty', '--jobs', '1'];
      if (existsSync(join(dir, 'config.json'))) args.push('--config', join(dir, 'config.json'));
      let stdout = '';
      let stderr = '';
      const code = await run(args, { cwd: dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      assert.ok(code === 0 || code === 1, `exit ${code}: ${stderr}`);
      const report = JSON.parse(stdout) as JsonReport;
      const got = report.findings
        .map((f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character}-${f.range.end.character} ${f.severity} ${f.rule}: ${f.message}`)
        .sort();
      assert.deepEqual(got, snapshotHeads(readFileSync(join(dir, 'findings.txt'), 'utf8')).sort());
      const counts = readFileSync(join(dir, 'unchecked.txt'), 'utf8').split('\n')[0];
      assert.equal(`${report.stats.checked} checked, ${report.stats.unchecked.total} unchecked`, counts);
    });
  }
});
