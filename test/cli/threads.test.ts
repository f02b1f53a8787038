// Where `fkguard scan` parses: the files FK Guard's Python scanner reads, on its own thread without any parser;
// with tree-sitter (what the scanner declines, or every file with FKGUARD_PYTHON_SCANNER=0), on worker threads when
// there is enough to parse and on its own thread with `--jobs 1`; and nowhere when the cache answers every file.
// The facts, and so the report, must be the same every way. The threads and parsers a run starts are counted by bench/runtime-watch.cjs, preloaded into it.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli, show } from './harness';

/**
 * 48 model files of about 24 KB each (over the 768 KB from which worker threads parse), with foreign keys
 * across files, one to a table that does not exist and one whose type does not match, and 40 plain modules.
 */
function writeWorkspace(dir: string): void {
  const pad = (n: number) =>
    Array.from({ length: n }, (_, i) => `\ndef helper_${i}(session, value):\n    """Looks things up."""\n    return session.get(value) or ${i}\n`).join('');
  for (let i = 0; i < 48; i++) {
    const prev = i === 0 ? 'accounts' : `table_${i - 1}`;
    const lines = [
      'from sqlalchemy import Column, ForeignKey, Integer, String',
      'from app.db import Base',
      '',
      `class Model${i}(Base):`,
      `    __tablename__ = "table_${i}"`,
      '    id = Column(Integer, primary_key=True)',
      `    name = Column(String(${20 + i}))`,
      `    parent_id = Column(Integer, ForeignKey("${prev}.id"))`,
    ];
    if (i === 17) lines.push('    missing_id = Column(Integer, ForeignKey("tabel_3.id"))');
    if (i === 29) lines.push('    label = Column(Integer, ForeignKey("table_28.name"))');
    writeFileSync(join(dir, 'app', `models_${i}.py`), `${lines.join('\n')}\n${pad(250)}`);
  }
  for (let i = 0; i < 40; i++) writeFileSync(join(dir, 'app', `service_${i}.py`), `LIMIT_${i} = "x"\n${pad(20)}`);
  writeFileSync(
    join(dir, 'app', 'db.py'),
    [
      'from sqlalchemy import Column, Integer',
      'from sqlalchemy.orm import declarative_base',
      'Base = declarative_base()',
      '',
      'class Account(Base):',
      '    __tablename__ = "accounts"',
      '    id = Column(Integer, primary_key=True)',
      '',
    ].join('\n'),
  );
}

describe('fkguard scan: parser threads', () => {
  let ws: string;
  let scratch: string;
  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'fkguard-cli-threads-'));
    mkdirSync(join(ws, 'app'));
    writeWorkspace(ws);
    scratch = mkdtempSync(join(tmpdir(), 'fkguard-cli-threads-scratch-'));
  });
  after(() => {
    rmSync(ws, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A JSON scan, with what it started: worker threads and WebAssembly modules (the parser). */
  let runs = 0;
  const scan = (args: string[], env: Record<string, string> = {}) => {
    const events = join(scratch, `runtime-${runs++}.jsonl`);
    const r = runCli(['scan', '.', '--format', 'json', ...args], ws, {
      NODE_OPTIONS: `--require ${join(repoRoot, 'bench', 'runtime-watch.cjs')}`,
      FKGUARD_BENCH_RUNTIME_FILE: events,
      ...env,
    });
    assert.equal(r.code, 1, show(r));
    const report = JSON.parse(r.stdout) as { stats: { ms?: number }; findings: Array<{ rule: string }> };
    delete report.stats.ms;
    const seen = existsSync(events) ? readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string }) : [];
    return { report, workers: seen.filter((e) => e.event === 'worker').length, wasm: seen.filter((e) => e.event === 'wasm').length };
  };

  it('reports the same with its scanner, on worker threads, on its own thread (--jobs 1) and from the cache, starting only what it needs', () => {
    const treeSitter = { FKGUARD_PYTHON_SCANNER: '0' };
    const threads = scan(['--no-cache', '--jobs', '2'], treeSitter);
    assert.equal(threads.workers, 2, 'two worker threads parse the 1.1 MB of model files');
    assert.deepEqual(threads.report.findings.map((f) => f.rule).sort(), ['not-unique-target', 'type-mismatch', 'unknown-table']);

    const alone = scan(['--no-cache', '--jobs', '1'], treeSitter);
    assert.equal(alone.workers, 0);
    assert.ok(alone.wasm > 0, 'the parser loads on the main thread');
    assert.deepEqual(alone.report, threads.report);

    const scanned = scan(['--no-cache']);
    assert.deepEqual({ workers: scanned.workers, wasm: scanned.wasm }, { workers: 0, wasm: 0 }, 'the scanner reads every model file on the main thread');
    assert.deepEqual(scanned.report, threads.report);

    const cacheDir = join(scratch, 'cache');
    const filling = scan(['--cache-dir', cacheDir, '--jobs', '2']);
    assert.deepEqual(filling.report, threads.report);
    const warm = scan(['--cache-dir', cacheDir]);
    assert.deepEqual({ workers: warm.workers, wasm: warm.wasm }, { workers: 0, wasm: 0 }, 'every file came from the cache');
    assert.deepEqual(warm.report, threads.report);
    // FKGUARD_PYTHON_SCANNER=0 must reach every file, even those a cache filled by the scanner holds.
    const reference = scan(['--cache-dir', cacheDir, '--jobs', '1'], treeSitter);
    assert.ok(reference.wasm > 0, 'tree-sitter reads the files again: the cache the scanner filled does not answer it');
    assert.deepEqual(reference.report, threads.report);
  });

  it('reads Python 3.10-3.12 syntax (match, type aliases, type parameters) with its scanner, never loading the parser', () => {
    // A file the scanner declines costs the whole parser's load (wasm) for one file: these shapes are common in
    // today's applications (a match in a model's method, a type alias of a key, a generic repository class).
    const modern = mkdtempSync(join(tmpdir(), 'fkguard-cli-threads-modern-'));
    try {
      mkdirSync(join(modern, 'app'));
      writeFileSync(
        join(modern, 'app', 'models.py'),
        [
          'from sqlalchemy import Column, ForeignKey, Integer, String',
          'from sqlalchemy.orm import declarative_base',
          'Base = declarative_base()',
          'type OwnerKey = int',
          '',
          'class Owner(Base):',
          '    __tablename__ = "owners"',
          '    id = Column(Integer, primary_key=True)',
          '    kind = Column(String(10))',
          '',
          '    def label[T: str](self, default: T) -> str | T:',
          '        match self.kind, default:',
          '            case ("person" | "team") as k, _ if k:',
          '                return f"{k=}"',
          '            case {"name": str() as name}, *_:',
          '                return name',
          '            case _:',
          '                return default',
          '',
          'class Pet(Base):',
          '    __tablename__ = "pets"',
          '    id = Column(Integer, primary_key=True)',
          '    owner_id = Column(Integer, ForeignKey("owner.id"))',
          '',
          'class Repository[M: Base, *Ts]:',
          '    def get(self, session, key):',
          '        with (session.begin() as tx, lock(key)):',
          '            return tx.get(M, key)',
          '',
        ].join('\n'),
      );
      const run = (env: Record<string, string>) => {
        const events = join(scratch, `runtime-${runs++}.jsonl`);
        const r = runCli(['scan', '.', '--format', 'json', '--no-cache'], modern, {
          NODE_OPTIONS: `--require ${join(repoRoot, 'bench', 'runtime-watch.cjs')}`,
          FKGUARD_BENCH_RUNTIME_FILE: events,
          ...env,
        });
        assert.equal(r.code, 1, show(r));
        const report = JSON.parse(r.stdout) as { stats: { ms?: number }; findings: Array<{ rule: string }> };
        delete report.stats.ms;
        const seen = existsSync(events) ? readFileSync(events, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string }) : [];
        return { report, wasm: seen.filter((e) => e.event === 'wasm').length };
      };
      const scanned = run({});
      assert.equal(scanned.wasm, 0, 'the scanner reads the whole file');
      assert.deepEqual(scanned.report.findings.map((f) => f.rule), ['unknown-table']);
      const reference = run({ FKGUARD_PYTHON_SCANNER: '0' });
      assert.ok(reference.wasm > 0);
      assert.deepEqual(scanned.report, reference.report);
    } finally {
      rmSync(modern, { recursive: true, force: true });
    }
  });
});
