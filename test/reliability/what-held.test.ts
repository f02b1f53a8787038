// Issue 11, "What held": attacks FK Guard withstood when the issue was filed, each kept held by a test. The others
// are tested where they belong: encodings, binary and empty files (test/host/workspace.test.ts), permission bits
// (test/host/applyFixes.test.ts), config keys and TOML/JSON positions (test/host/configFile.test.ts,
// test/cli/scan.test.ts), concurrent --fix runs and disk faults (host-fix-files.test.ts), LSP positions, URIs and
// lifetimes (lsp-lifecycle.test.ts), emoji in Python (fixture 07-robust).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { computeLineStarts, offsetAt, applyEdits } from '../../server/src/core/text';
import type { Finding } from '../../server/src/core/types';
import { createEngine } from '../../server/src/host/python';
import { binPath, runCli, show } from '../cli/harness';
import { FIXTURES, loadWorkspace } from '../engine/harness';
import { makeTree, removeTree } from '../host/tmp';
import { serverPath } from '../lsp/harness';
import { ORDERS_BAD, USERS } from './env';

/** A small deterministic generator, so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

const key = (f: Finding) => `${f.file} ${f.rule} ${f.message}`;

describe('reliability: what held (issue 11)', () => {
  // Characters of two UTF-16 units and one of one, in a block comment before each finding on its line: columns
  // are counted in UTF-16 units, as LSP counts them, so every finding and fix edit on that line moves by exactly
  // the comment's length, and the fixes still land on the right characters.
  for (const fixture of ['10-typeorm', '12-sql', '14-drizzle', '16-sequelize']) {
    it(`columns and fixes stay exact with emoji before a foreign key (${fixture})`, async () => {
      const ws = join(FIXTURES, fixture, 'ws');
      const { engine, texts } = await loadWorkspace(ws);
      const before = engine.allFindings().filter((f) => f.fixes.some((x) => x.isPreferred));
      assert.ok(before.length > 0, 'the fixture has findings with fixes');
      const comment = '/* 🙂é𝄞 */ ';
      let checked = 0;
      for (const finding of before) {
        // Python has no block comment (its emoji case is fixture 07-robust).
        if (finding.file.endsWith('.py')) continue;
        const text = texts.get(finding.file)!;
        const starts = computeLineStarts(text);
        const lineStart = starts[finding.range.start.line];
        const at = lineStart + (text.slice(lineStart).match(/^[ \t]*/)?.[0].length ?? 0);
        // Only where a block comment is code (not inside a string or a line comment): the text before it on
        // its line is blank by construction; a line that opens inside a string literal is left alone.
        if (at >= offsetAt(starts, finding.range.start, text.length) || /^['"`]/.test(text.slice(at))) continue;
        const moved = text.slice(0, at) + comment + text.slice(at);
        engine.updateFile(finding.file, moved);
        const after = engine.findings(finding.file).find((f) => key(f) === key(finding) && f.range.start.line === finding.range.start.line);
        assert.ok(after, `${finding.file}: ${finding.message} is still found`);
        assert.equal(after.range.start.line, finding.range.start.line);
        assert.equal(after.range.start.character, finding.range.start.character + comment.length, `${finding.file}:${finding.range.start.line + 1}`);
        const fix = (f: Finding) => f.fixes.find((x) => x.isPreferred)!.edits.filter((e) => e.file === finding.file);
        const expected = applyEdits(text, fix(finding));
        const shiftBefore = fix(finding)
          .filter((e) => offsetAt(starts, e.range.end, text.length) <= at)
          .reduce((n, e) => n + e.newText.length - (offsetAt(starts, e.range.end, text.length) - offsetAt(starts, e.range.start, text.length)), 0);
        assert.equal(applyEdits(moved, fix(after)), expected.slice(0, at + shiftBefore) + comment + expected.slice(at + shiftBefore));
        engine.updateFile(finding.file, text);
        checked++;
      }
      assert.ok(checked > 0, 'at least one finding was checked with emoji before it');
      engine.dispose();
    });
  }

  it('garbage in Prisma, SQL and TypeScript files never throws, and the other files are still checked', async () => {
    const engine = await createEngine();
    const random = prng(11);
    const pieces = ['model', 'enum', '{', '}', '@relation(', '@@', 'CREATE TABLE', 'REFERENCES', '(', ')', ';', "'", '"', '`', '/*', '*/', '--', '//', '\u0000', '\uFFFD', '🙂', '\n', 'import', '@Entity(', 'class', '=>', 'table.integer(', '.references(', '\\'];
    const garbage = () => Array.from({ length: 400 }, () => pieces[Math.floor(random() * pieces.length)] + (random() < 0.3 ? ' ' : '')).join('');
    engine.updateFile('app/users.py', USERS);
    engine.updateFile('app/orders.py', ORDERS_BAD);
    for (let i = 0; i < 30; i++) {
      for (const file of [`prisma/s${i}.prisma`, `db/s${i}.sql`, `src/e${i}.ts`, `src/m${i}.js`]) {
        engine.updateFile(file, garbage());
        engine.findings(file);
      }
    }
    assert.deepEqual(engine.findings('app/orders.py').map((f) => f.rule), ['unknown-table']);
    engine.dispose();
  });

  it('import cycles, inheritance cycles and 1,000 tables in a foreign-key cycle end, with the right findings', async () => {
    const tables = Array.from({ length: 1000 }, (_, i) => `t${i} = Table("t${i}", metadata, Column("id", Integer, primary_key=True), Column("next_id", Integer, ForeignKey("t${(i + 1) % 1000}.id")))`);
    const ws = makeTree({
      'app/__init__.py': '',
      'app/db.py': 'from sqlalchemy.orm import declarative_base\nfrom app.a import A\nBase = declarative_base()\n',
      'app/a.py': 'from app.b import B\nfrom app.db import Base\nclass A(B):\n    pass\n',
      'app/b.py': 'from app.a import A\nclass B(A):\n    pass\n',
      'app/users.py': USERS,
      'app/orders.py': ORDERS_BAD,
      'app/ring.py': `from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table\nmetadata = MetaData()\n${tables.join('\n')}\n`,
      '.git/HEAD': '',
    });
    try {
      const r = runCli(['scan', '.', '--no-cache', '--format', 'json'], ws);
      assert.equal(r.code, 1, show(r));
      const findings = (JSON.parse(r.stdout) as { findings: Array<{ file: string; rule: string }> }).findings;
      assert.deepEqual(findings.map((f) => `${f.file} ${f.rule}`), ['app/orders.py unknown-table']);
    } finally {
      removeTree(ws);
    }
  });

  it('concurrent scans sharing one cache leave it valid: a later cached run reports what a run without cache does', async () => {
    const files: Record<string, string> = { 'app/users.py': USERS, '.git/HEAD': '' };
    for (let i = 0; i < 40; i++) files[`app/orders_${i}.py`] = i % 3 === 0 ? ORDERS_BAD : ORDERS_BAD.replace('"user.id"', '"users.id"');
    const ws = makeTree(files);
    const cache = join(ws, '..', `${ws.split('/').pop()}-cache`);
    try {
      const runs = [0, 1, 2, 3].map(
        () =>
          new Promise<number | null>((resolve) => {
            const p = spawn(process.execPath, [binPath, 'scan', '.', '--cache-dir', cache, '--format', 'json'], { cwd: ws, stdio: 'ignore' });
            p.on('exit', resolve);
          }),
      );
      assert.deepEqual(await Promise.all(runs), [1, 1, 1, 1]);
      const cached = spawnSync(process.execPath, [binPath, 'scan', '.', '--cache-dir', cache, '--format', 'json'], { cwd: ws, encoding: 'utf8' });
      const fresh = runCli(['scan', '.', '--no-cache', '--format', 'json'], ws);
      const findings = (out: string) => JSON.stringify((JSON.parse(out) as { findings: unknown }).findings);
      assert.equal(findings(cached.stdout), findings(fresh.stdout), show(fresh));
    } finally {
      removeTree(ws);
      removeTree(cache);
    }
  });

  it('the language server survives garbage framing on its input: it exits, it does not hang or spin', async () => {
    const proc = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    let stdout = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    proc.stdin.write('Content-Length: nonsense\r\n\r\n{"jsonrpc":');
    proc.stdin.write('\r\n\r\n\u0000\u0001garbage{{{\r\nContent-Length: 5\r\n\r\n{"a":');
    proc.stdin.write(`Content-Length: 10\r\nContent-Type: x\r\n\r\n${'{'.repeat(10)}`);
    proc.stdin.end();
    assert.equal(typeof (await exited), 'number', 'the server ended on its own once its input closed');
    // Whatever it answered is framed: every message it wrote starts with a header.
    assert.ok(stdout === '' || stdout.startsWith('Content-Length: '), stdout.slice(0, 200));
  });
});
