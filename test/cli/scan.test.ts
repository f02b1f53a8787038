// `fkguard scan` end to end: each format, exit codes, skips, config, --fix. The workspace with
// `ForeignKey("user.id")` beside a `users` table is the reference case: one unknown-table error whose
// preferred fix rewrites the reference to `users.id`.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyWorkspace, fixturesRoot, removeWorkspace, runCli, show } from './harness';

const MODELS = 'app/models.py';

/** Where `"user.id"` is in the fixture, 0-based, so range checks do not hard-code columns. */
function referencePosition(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('"user.id"'));
  return { line, character: lines[line].indexOf('"user.id"') };
}

describe('fkguard scan', () => {
  const dirs: string[] = [];
  const workspace = (name: string) => {
    const d = copyWorkspace(name);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach(removeWorkspace));

  describe('text format', () => {
    it('reports the unknown table like a compiler, shows the fix, and exits 1', () => {
      const ws = workspace('unknown-table');
      const pos = referencePosition(readFileSync(join(ws, MODELS), 'utf8'));
      const r = runCli(['scan'], ws);
      assert.equal(r.code, 1, show(r));
      const lines = r.stdout.trimEnd().split('\n');
      const head = lines.findIndex((l) => l.startsWith(`${MODELS}:${pos.line + 1}:`));
      assert.ok(head >= 0, show(r));
      assert.match(lines[head], /^app\/models\.py:\d+:\d+: error unknown-table: .*`user`.*`users`/);
      const col = Number(lines[head].split(':')[2]);
      assert.ok(col >= pos.character + 1 && col <= pos.character + 2, `column ${col} should point at the string`);
      assert.match(lines[head + 1], /^ {2}fix: .*users\.id/);
      assert.match(lines.at(-1)!, /^1 error, 0 warnings in 1 file; 2 tables, 1 reference checked, 0 unchecked \(1 file scanned in \d+ ms\)$/);
      assert.equal(r.stderr, '');
    });

    it('exits 0 on a clean workspace and says so in the summary', () => {
      const r = runCli(['scan', '.'], workspace('clean'));
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^0 errors, 0 warnings in 0 files; 2 tables, 1 reference checked, 0 unchecked /m);
    });

    it('counts what it could not check, and lists it with --explain unchecked', () => {
      const ws = workspace('unchecked');
      const plain = runCli(['scan'], ws);
      assert.equal(plain.code, 0, show(plain));
      assert.match(plain.stdout.trimEnd().split('\n').at(-1)!, /; 2 tables, 1 reference checked, 2 unchecked \(why: dynamic-name 2\) \(1 file scanned in \d+ ms\)$/);
      const r = runCli(['scan', '--explain', 'unchecked'], ws);
      assert.equal(r.code, 0, show(r));
      const lines = r.stdout.trimEnd().split('\n');
      assert.deepEqual(lines.slice(-4), [
        'app/models.py:18:44: unchecked dynamic-name: `target_for("users")`: the target is computed at run time',
        'app/models.py:19:43: unchecked dynamic-name: `f"{PREFIX}users.id"`: `PREFIX` is not a constant FK Guard can read',
        'dynamic-name: the target is computed at run time (a call, a constant or f-string FK Guard cannot read)',
        '1 reference checked, 2 unchecked (why: dynamic-name 2)',
      ]);
      // JSON carries the same list, one object per reference, after the findings.
      const json = runCli(['scan', '--format', 'json', '--no-cache'], ws);
      const report = JSON.parse(json.stdout);
      assert.deepEqual(Object.keys(report), ['version', 'root', 'stats', 'findings', 'unchecked']);
      assert.deepEqual(report.unchecked, [
        { file: 'app/models.py', range: { start: { line: 17, character: 43 }, end: report.unchecked[0].range.end }, reference: 'target_for("users")', reason: 'dynamic-name', detail: 'the target is computed at run time' },
        { file: 'app/models.py', range: { start: { line: 18, character: 42 }, end: report.unchecked[1].range.end }, reference: 'f"{PREFIX}users.id"', reason: 'dynamic-name', detail: '`PREFIX` is not a constant FK Guard can read' },
      ]);
      assert.equal(report.stats.unchecked.total, report.unchecked.length);
      // SARIF: tool notifications (not alerts), each with its place and reason.
      const sarif = JSON.parse(runCli(['scan', '--format', 'sarif', '--no-cache'], ws).stdout);
      const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
      assert.deepEqual(notes.map((n: { descriptor: { id: string }; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }) => [n.descriptor.id, n.locations[0].physicalLocation.region.startLine]), [['unchecked/dynamic-name', 18], ['unchecked/dynamic-name', 19]]);
      const bad = runCli(['scan', '--explain', 'everything'], ws);
      assert.equal(bad.code, 2, show(bad));
    });

    it('prints findings only with --quiet', () => {
      const r = runCli(['scan', '--quiet'], workspace('unknown-table'));
      assert.equal(r.code, 1, show(r));
      assert.doesNotMatch(r.stdout, /errors?, \d+ warnings?/);
      assert.match(r.stdout, /error unknown-table/);
    });

    it('takes paths relative to the current folder and prints paths from there', () => {
      const ws = workspace('unknown-table');
      const r = runCli(['scan', 'app'], ws);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /^app\/models\.py:\d+:\d+: error unknown-table/m);
    });
  });

  describe('json format', () => {
    it('prints exactly the documented shape with 0-based UTF-16 ranges', () => {
      const ws = workspace('unknown-table');
      const text = readFileSync(join(ws, MODELS), 'utf8');
      const pos = referencePosition(text);
      const r = runCli(['scan', '--format', 'json'], ws);
      assert.equal(r.code, 1, show(r));
      const report = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(report), ['version', 'root', 'stats', 'findings', 'unchecked']);
      assert.deepEqual(report.unchecked, []);
      assert.equal(report.version, 1);
      assert.equal(report.root, ws);
      assert.deepEqual(Object.keys(report.stats), ['files', 'parsedFiles', 'tables', 'references', 'unresolved', 'checked', 'unchecked', 'ms']);
      assert.deepEqual({ ...report.stats, ms: 0 }, { files: 1, parsedFiles: 1, tables: 2, references: 1, unresolved: 0, checked: 1, unchecked: { total: 0, byReason: {} }, ms: 0 });
      assert.equal(report.findings.length, 1);
      const f = report.findings[0];
      assert.deepEqual(Object.keys(f), ['file', 'range', 'severity', 'rule', 'message', 'reference', 'related', 'fixes']);
      assert.equal(f.file, MODELS);
      assert.equal(f.severity, 'error');
      assert.equal(f.rule, 'unknown-table');
      assert.equal(f.reference, 'user.id');
      assert.equal(f.range.start.line, pos.line);
      const line = text.split('\n')[pos.line];
      assert.match(line.slice(f.range.start.character, f.range.end.character), /^"?user\.id"?$/);
      const preferred = f.fixes.filter((x: { isPreferred: boolean }) => x.isPreferred);
      assert.equal(preferred.length, 1);
      assert.deepEqual(Object.keys(preferred[0]), ['title', 'isPreferred', 'edits']);
      for (const e of preferred[0].edits) assert.deepEqual(Object.keys(e), ['file', 'range', 'newText']);
      assert.equal(r.stderr, '');
    });
  });

  describe('sarif format', () => {
    it('prints a SARIF 2.1.0 log with rules, a located result and its fix', () => {
      const ws = workspace('unknown-table');
      const pos = referencePosition(readFileSync(join(ws, MODELS), 'utf8'));
      const r = runCli(['scan', '--format', 'sarif'], ws);
      assert.equal(r.code, 1, show(r));
      const log = JSON.parse(r.stdout);
      assert.equal(log.version, '2.1.0');
      assert.match(log.$schema, /sarif-2\.1\.0/);
      const run = log.runs[0];
      const rules = run.tool.driver.rules as Array<{ id: string; shortDescription: { text: string }; help: { text: string }; helpUri?: string }>;
      const rule = rules.find((x) => x.id === 'unknown-table');
      assert.ok(rule && rule.shortDescription.text.length > 0);
      // package.json names no homepage: no link to a page that may not exist, the help is in the log.
      assert.equal(rule.helpUri, undefined);
      assert.equal(run.tool.driver.informationUri, undefined);
      assert.equal(rule.help.text, rule.shortDescription.text);
      assert.equal(run.results.length, 1);
      const res = run.results[0];
      assert.equal(res.ruleId, 'unknown-table');
      assert.equal(rules[res.ruleIndex].id, 'unknown-table');
      assert.equal(res.level, 'error');
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, MODELS);
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.equal(loc.region.startLine, pos.line + 1);
      assert.ok(loc.region.startColumn >= 1);
      const change = res.fixes[0].artifactChanges[0];
      assert.equal(change.artifactLocation.uri, MODELS);
      assert.match(change.replacements[0].insertedContent.text, /users\.id/);
      assert.ok(change.replacements[0].deletedRegion.startLine >= 1);
    });
  });

  describe('github format', () => {
    it('prints one workflow annotation per finding', () => {
      const ws = workspace('unknown-table');
      const pos = referencePosition(readFileSync(join(ws, MODELS), 'utf8'));
      const r = runCli(['scan', '--format', 'github'], ws);
      assert.equal(r.code, 1, show(r));
      const ann = r.stdout.split('\n').filter((l) => l.startsWith('::'));
      assert.equal(ann.length, 1, show(r));
      assert.match(ann[0], new RegExp(`^::error file=app/models\\.py,line=${pos.line + 1},col=\\d+,endLine=\\d+,endColumn=\\d+,title=fkguard unknown-table::\\S`));
      // A message never breaks the annotation onto a second line.
      assert.doesNotMatch(ann[0].split('::')[2], /[\r\n]/);
    });
  });

  describe('--fix', () => {
    it('applies the preferred fix, reports it, and exits 0 when nothing remains', () => {
      const ws = workspace('unknown-table');
      const r = runCli(['scan', '--fix'], ws);
      assert.equal(r.code, 0, show(r));
      assert.equal(readFileSync(join(ws, MODELS), 'utf8'), readFileSync(join(fixturesRoot, 'unknown-table', 'expected', MODELS), 'utf8'));
      assert.match(r.stdout, /^fixed: 1 edit in 1 file; 1 finding before, 0 now$/m);
      assert.match(r.stdout, /^ {2}changed app\/models\.py \(1 edit\)$/m);
      assert.match(r.stdout, /^0 errors, 0 warnings/m);
      const again = runCli(['scan', '--fix'], ws);
      assert.equal(again.code, 0, show(again));
      assert.match(again.stdout, /^fixed: nothing was changed; 0 findings before, 0 now$/m);
    });

    it('keeps stdout one JSON document and reports the fixes on stderr', () => {
      const ws = workspace('unknown-table');
      const r = runCli(['scan', '--fix', '--format', 'json'], ws);
      assert.equal(r.code, 0, show(r));
      assert.deepEqual(JSON.parse(r.stdout).findings, []);
      assert.match(r.stderr, /fixed: 1 edit in 1 file/);
    });

    it('keeps a file ending in CRLF and its byte-order mark', () => {
      const ws = workspace('unknown-table');
      const file = join(ws, MODELS);
      writeFileSync(file, '\uFEFF' + readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
      const r = runCli(['scan', '--fix', '-q'], ws);
      assert.equal(r.code, 0, show(r));
      const expected = readFileSync(join(fixturesRoot, 'unknown-table', 'expected', MODELS), 'utf8');
      assert.equal(readFileSync(file, 'utf8'), '\uFEFF' + expected.replace(/\n/g, '\r\n'));
    });
  });

  describe('bad input', () => {
    it('skips ignored folders silently and bad files with a message, and goes on', () => {
      const ws = workspace('skips');
      writeFileSync(join(ws, 'blob.py'), Buffer.from([0x66, 0x6b, 0x00, 0x01]));
      writeFileSync(join(ws, 'latin1.py'), Buffer.from('x = "caf\xe9"\n', 'latin1'));
      writeFileSync(join(ws, 'big.py'), '# ForeignKey\n' + '#'.repeat(4096));
      writeFileSync(join(ws, 'fkguard.toml'), 'max-file-size = 2048\n');
      const r = runCli(['scan'], ws);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^0 errors, 0 warnings in 0 files; 2 tables, 1 reference checked, 0 unchecked \(1 file scanned/m);
      assert.match(r.stderr, /^fkguard: skipped big\.py: larger than 2 KB/m);
      assert.match(r.stderr, /^fkguard: skipped blob\.py: binary file/m);
      assert.match(r.stderr, /^fkguard: skipped latin1\.py: not valid UTF-8/m);
      assert.doesNotMatch(r.stderr + r.stdout, /generated|\.venv|node_modules/);
    });

    it('exits 2 with one line for a path that does not exist', () => {
      const r = runCli(['scan', 'no/such/dir'], workspace('clean'));
      assert.equal(r.code, 2, show(r));
      assert.equal(r.stderr, 'fkguard: cannot read no/such/dir: no such file or folder.\n');
      assert.equal(r.stdout, '');
    });
  });

  describe('configuration', () => {
    it('reads fkguard.toml in the scanned folder (an external table is not reported)', () => {
      const ws = workspace('config');
      const r = runCli(['scan'], ws);
      assert.equal(r.code, 0, show(r));
      writeFileSync(join(ws, 'fkguard.toml'), '');
      const without = runCli(['scan'], ws);
      assert.equal(without.code, 1, show(without));
      assert.match(without.stdout, /unknown-table: .*audit_log/);
    });

    it('takes --config FILE instead', () => {
      const ws = workspace('config');
      writeFileSync(join(ws, 'fkguard.toml'), '');
      writeFileSync(join(ws, 'ci.json'), '{"externalTables": ["audit_log"]}');
      const r = runCli(['scan', '--config', 'ci.json'], ws);
      assert.equal(r.code, 0, show(r));
    });

    it('exits 2 with file and line for a TOML syntax error, without a stack', () => {
      const ws = workspace('config');
      writeFileSync(join(ws, 'fkguard.toml'), 'external-tables = ["audit_log"\nexclude = []\n');
      const r = runCli(['scan'], ws);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /^fkguard: .*fkguard\.toml:\d+:\d+: invalid TOML: .+\n$/);
      assert.doesNotMatch(r.stderr, /\bat \S+ \(/);
    });

    it('warns about an unknown setting and still scans', () => {
      const ws = workspace('config');
      writeFileSync(join(ws, 'fkguard.toml'), 'external-tables = ["audit_log"]\ncolour = "blue"\n');
      const r = runCli(['scan'], ws);
      assert.equal(r.code, 0, show(r));
      assert.match(r.stderr, /^fkguard: warning: .*unknown setting `colour`/m);
    });
  });
});
