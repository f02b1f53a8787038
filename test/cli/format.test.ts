// The output formats on hand-made findings: no engine involved.
import * as assert from 'node:assert/strict';
import { Finding } from '../../server/src/core/types';
import { parseCommandLine, UsageError } from '../../server/src/cli/args';
import { escapeData, escapeProperty, formatGithubAnnotation } from '../../server/src/cli/format/github';
import { formatJson } from '../../server/src/cli/format/json';
import { ScanReport } from '../../server/src/cli/format/report';
import { formatSarif } from '../../server/src/cli/format/sarif';
import { describeFix, formatText } from '../../server/src/cli/format/text';

const TEXT = 'x = ForeignKey("user.id")\n';
const range = (line: number, a: number, b: number) => ({ start: { line, character: a }, end: { line, character: b } });

const finding: Finding = {
  rule: 'unknown-table',
  severity: 'error',
  message: '`user` is not a table; did you mean `users` (a, b: c)?',
  file: 'app/m.py',
  range: range(0, 15, 24),
  reference: 'user.id',
  related: [{ file: 'app/users.py', range: range(3, 4, 9), message: '`users` is defined here' }],
  fixes: [
    { title: 'Change to `users.id`', isPreferred: true, edits: [{ file: 'app/m.py', range: range(0, 15, 24), newText: '"users.id"' }] },
    { title: 'Other', isPreferred: false, edits: [] },
  ],
};

const report = (findings: Finding[]): ScanReport => ({
  root: '/ws',
  cwd: '/ws',
  findings,
  stats: { files: 3, parsedFiles: 2, tables: 2, references: 1, unresolved: 0, checked: 1, unchecked: { total: 0, byReason: {} }, ms: 5 },
  version: '9.9.9',
  docsUrl: 'https://example.test/fkguard#readme',
  textOf: (f) => (f === 'app/m.py' ? TEXT : undefined),
});

describe('output formats', () => {
  it('text: compiler-style line, the fix, and the summary', () => {
    assert.equal(
      formatText(report([finding])),
      'app/m.py:1:16: error unknown-table: `user` is not a table; did you mean `users` (a, b: c)?\n' +
        '  fix: replace "user.id" with "users.id"\n' +
        '1 error, 0 warnings in 1 file; 2 tables, 1 reference checked, 0 unchecked (3 files scanned in 5 ms)\n',
    );
  });

  it('text: a fix falls back to its title when the text is not known or the edit spans lines', () => {
    const noText = { ...report([finding]), textOf: () => undefined };
    assert.equal(describeFix(finding.fixes[0], noText.textOf), 'Change to `users.id`');
    const multi = { title: 'Use UUID', isPreferred: true, edits: [{ file: 'app/m.py', range: range(0, 0, 1), newText: 'a\nb' }, { file: 'app/m.py', range: range(0, 2, 3), newText: 'c' }] };
    assert.equal(describeFix(multi, report([]).textOf), 'Use UUID (2 edits)');
  });

  it('github: escapes data and properties as the runner expects', () => {
    assert.equal(escapeData('a%b\r\nc'), 'a%25b%0D%0Ac');
    assert.equal(escapeProperty('a:b,c%'), 'a%3Ab%2Cc%25');
    assert.equal(
      formatGithubAnnotation(report([]), { ...finding, file: 'dir,x/m:1.py', severity: 'info' }),
      '::notice file=dir%2Cx/m%3A1.py,line=1,col=16,endLine=1,endColumn=25,title=fkguard unknown-table::' +
        '`user` is not a table; did you mean `users` (a, b: c)?%0Afix: replace "user.id" with "users.id"',
    );
  });

  it('json: every key present, null for a missing reference', () => {
    const out = JSON.parse(formatJson(report([{ ...finding, reference: undefined }])));
    assert.equal(out.findings[0].reference, null);
    assert.deepEqual(out.findings[0].related, [{ file: 'app/users.py', range: range(3, 4, 9), message: '`users` is defined here' }]);
    assert.equal(out.stats.ms, 5);
  });

  it('sarif: 1-based regions, related locations, fixes per file, rule help links', () => {
    const log = JSON.parse(formatSarif(report([finding])));
    const run = log.runs[0];
    assert.equal(run.tool.driver.version, '9.9.9');
    assert.ok(run.tool.driver.rules.every((r: { helpUri: string; id: string }) => r.helpUri === `https://example.test/fkguard#rule-${r.id}`));
    const res = run.results[0];
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 1, startColumn: 16, endLine: 1, endColumn: 25 });
    assert.equal(res.relatedLocations[0].physicalLocation.artifactLocation.uri, 'app/users.py');
    assert.equal(res.relatedLocations[0].physicalLocation.region.startLine, 4);
    assert.equal(res.fixes.length, 2);
    assert.deepEqual(res.fixes[0].artifactChanges[0].replacements[0].insertedContent, { text: '"users.id"' });
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, 'file:///ws/');
  });
});

describe('parseCommandLine', () => {
  it('defaults scan to the current folder in text format', () => {
    assert.deepEqual(parseCommandLine(['scan']), {
      kind: 'scan', paths: ['.'], format: 'text', fix: false, fixMigrations: false, quiet: false, cache: true, allowEmpty: false, followSymlinks: true,
    });
    assert.deepEqual(parseCommandLine(['scan', 'a', 'b', '-f', 'sarif', '--fix', '-c', 'x.toml', '-q']), {
      kind: 'scan', paths: ['a', 'b'], format: 'sarif', fix: true, fixMigrations: false, config: 'x.toml', quiet: true, cache: true, allowEmpty: false, followSymlinks: true,
    });
    assert.deepEqual(
      (({ fix, fixMigrations }) => ({ fix, fixMigrations }))(parseCommandLine(['scan', '--fix-migrations']) as { fix: boolean; fixMigrations: boolean }),
      { fix: true, fixMigrations: true },
    );
    assert.equal((parseCommandLine(['scan', '--allow-empty']) as { allowEmpty: unknown }).allowEmpty, true);
    assert.equal((parseCommandLine(['scan', '--no-follow-symlinks']) as { followSymlinks: unknown }).followSymlinks, false);
    assert.equal((parseCommandLine(['scan', '--no-cache']) as { cache: unknown }).cache, false);
    assert.equal((parseCommandLine(['scan', '--cache-dir', '/tmp/c']) as { cache: unknown }).cache, '/tmp/c');
  });

  it('refuses unknown flags, formats and a second index path', () => {
    assert.throws(() => parseCommandLine(['scan', '--nope']), UsageError);
    assert.throws(() => parseCommandLine(['scan', '--format']), UsageError);
    assert.throws(() => parseCommandLine(['index', 'a', 'b']), UsageError);
  });
});
