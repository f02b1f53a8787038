// FK Guard bench: `npm run bench [-- options]`.
//
// Generates synthetic workspaces into .bench/ and measures, on this machine and in this run:
//  - the whole CLI process (`node dist/cli.js scan <dir> --format json`) against a floor (a plain Node process
//    that reads every .py file and runs the prefilter regex): min/median/max wall time, CPU time (all threads)
//    and the ratios; cold (`--no-cache`) or, for the `-warm` rows, answered from a cache the first run filled;
//  - the CLI's peak RSS and CPU time (via bench/rss.cjs, preloaded into the CLI process), and how many worker
//    threads and WebAssembly modules (the parser) it started (bench/runtime-watch.cjs);
//  - whether the CLI loaded the TypeScript compiler (dist/typescript.js) and how long that require took inside it
//    (via bench/compiler-watch.cjs, preloaded too): a Python-only workspace must never load it. The CLI compiles
//    the compiler from a V8 code cache in the user's cache folder (server/src/host/codeCache.ts), which the
//    unmeasured first run of a row writes if it is missing: "cold" rows mean no facts cache, not a cold machine;
//  - the compiler's load on its own, a plain require in fresh processes (bench/compiler-load.cjs), when a
//    TypeScript workspace is benched; the `ts-knex1` row is the same load inside the CLI, on one migration;
//  - single-file re-analysis of a 2,000-line model file after a one-character edit (bench/incremental.mjs).
// Prints a table and writes .bench/results.json. Figures are reported, never asserted: a slow run is news, not a
// failed build.
//
// Options: --runs N (default 5), --only real,real-warm,realshaped,realshaped-warm,1k,10k,ts1k,ts1k-warm,tsapp,ts-knex1 (rows; `50k` only on
// request), --no-incremental, --pairs N (edit pairs per kind, default 50, i.e. 400 timed edits), --scan-args "..."
// (options added to every measured scan, e.g. "--jobs 1"), --cli FILE (another build's cli.js).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateTypeScriptWorkspace, generateWorkspace, BIG_FILE } from './generate.mjs';

const repo = join(fileURLToPath(import.meta.url), '..', '..');
const out = join(repo, '.bench');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : def;
};
const RUNS = Math.max(1, Number(opt('runs', 5)));
// `--cli FILE`: bench another build (a copy of an older dist/, for before-and-after rows on the same machine).
const cli = opt('cli', join(repo, 'dist/cli.js'));
const ONLY = opt('only', 'real,real-warm,realshaped,realshaped-warm,1k,10k,ts1k,ts1k-warm,tsapp,ts-knex1').split(',');
const PAIRS = Number(opt('pairs', 50));
const INCREMENTAL = !args.includes('--no-incremental');
// `--scan-args "--jobs 1"`: options added to every measured scan, to bench a setting.
const SCAN_ARGS = opt('scan-args', '').split(/\s+/).filter(Boolean);

/**
 * The workspaces. `real` mimics the target code base (1,650 files, 600k lines, most of them not model files);
 * `1k` and `10k` are all model files, to show how the scan grows with the number of tables and references.
 * `avgLines` is the size files are padded to; model files often outgrow it, so the values below are tuned to
 * give the sizes measured: real ≈ 600k lines in 1,659 files, 1k and 10k ≈ 365 lines a file.
 */
const WORKSPACES = {
  real: { modelFiles: 420, plainFiles: 1120, migrations: 100, avgLines: 340, brokenRate: 0.03, seed: 11 },
  // Shaped like the real application issue #10 measured: 1,650 files and ≈ 600k lines, of which only about one
  // file in ten can define or reference a table (there: 157 candidates, 1.9 MB of them).
  realshaped: { modelFiles: 120, plainFiles: 1493, migrations: 37, avgLines: 365, brokenRate: 0.03, seed: 61 },
  '1k': { modelFiles: 1000, avgLines: 290, brokenRate: 0.03, seed: 21 },
  '10k': { modelFiles: 10000, avgLines: 290, brokenRate: 0.03, seed: 31 },
  '50k': { modelFiles: 50000, avgLines: 290, brokenRate: 0.03, seed: 71 },
  // A Node service: 600 TypeORM entities and 400 Knex migrations, ≈ 110 lines a file, with cross-file foreign keys
  // (entity to entity through imports, migration to entity and to earlier migrations).
  ts1k: { kind: 'typescript', entityFiles: 600, migrationFiles: 400, avgLines: 110, brokenRate: 0.03, seed: 51 },
  // Shaped like a real Node service rather than a pile of models: 1,000 files of which 100 are model code (60 entities,
  // 40 migrations) and 900 business code; one in ten of those is a service that imports TypeORM's repository API,
  // so the prefilter passes it and it is parsed though it defines nothing (in the Node apps of the real-world
  // corpus, 5-10 % of the files are candidates and 40 % of the candidates yield no table, reference or migration).
  tsapp: { kind: 'typescript', entityFiles: 60, migrationFiles: 40, plainFiles: 900, repositoryRate: 0.1, avgLines: 110, brokenRate: 0.03, seed: 53 },
  // One Knex migration and nothing else: what a fresh process pays for the TypeScript path (mostly the compiler's load).
  tsknex1: { kind: 'typescript', entityFiles: 0, migrationFiles: 1, avgLines: 110, brokenRate: 0, seed: 52 },
};

/**
 * The rows of the table: a workspace scanned cold (`--no-cache`, a fresh process each run) or warm (`warm`: the
 * unmeasured first run fills a cache folder, every measured run answers from it). A row is a name in `--only`;
 * to add one, add an entry here (and its workspace above).
 */
const ROWS = {
  real: { workspace: 'real' },
  'real-warm': { workspace: 'real', warm: true },
  realshaped: { workspace: 'realshaped' },
  'realshaped-warm': { workspace: 'realshaped', warm: true },
  '1k': { workspace: '1k' },
  '10k': { workspace: '10k' },
  // 50,000 model files: minutes of generation and scanning, so only on request (`--only 50k`), never in CI.
  '50k': { workspace: '50k' },
  ts1k: { workspace: 'ts1k' },
  'ts1k-warm': { workspace: 'ts1k', warm: true },
  tsapp: { workspace: 'tsapp' },
  'ts-knex1': { workspace: 'tsknex1' },
};
const INCREMENTAL_WS = { modelFiles: 300, plainFiles: 100, avgLines: 360, brokenRate: 0.03, seed: 41, bigFileLines: 2000 };

// The generated workspaces stand for separate repositories. The `.git` folder above them is the boundary that
// says so: without it the scan would apply this repository's `.gitignore`, which lists `.bench/`, and find
// nothing, exactly as git would.
const workspaces = join(out, 'workspaces');
mkdirSync(join(workspaces, '.git'), { recursive: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summarize = (xs) => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs), runs: xs });
const fmt = (ms) => (ms === undefined || Number.isNaN(ms) ? '-' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
const mb = (kb) => (kb === undefined ? '-' : `${(kb / 1024).toFixed(0)} MB`);

/**
 * Runs `node [--require rss.cjs --require compiler-watch.cjs --require runtime-watch.cjs] script args`, timing the
 * whole process from spawn to exit. With `measure` (the floor), also its peak RSS and CPU time; with `watch` (the
 * CLI), those and whether the process required the TypeScript compiler (and how long that took), how many worker
 * threads it started and how many WebAssembly modules (the parser) it compiled.
 */
function timed(script, scriptArgs, { watch = false, measure = watch } = {}) {
  const rssFile = join(out, `rss-${process.pid}.txt`);
  const compilerFile = join(out, `compiler-${process.pid}.jsonl`);
  const runtimeFile = join(out, `runtime-${process.pid}.jsonl`);
  for (const f of [rssFile, compilerFile, runtimeFile]) rmSync(f, { force: true });
  const preload = [
    ...(measure ? ['--require', join(repo, 'bench/rss.cjs')] : []),
    ...(watch ? ['--require', join(repo, 'bench/compiler-watch.cjs'), '--require', join(repo, 'bench/runtime-watch.cjs')] : []),
  ];
  const t = performance.now();
  const r = spawnSync(process.execPath, [...preload, script, ...scriptArgs], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: {
      ...process.env,
      FKGUARD_BENCH_RSS_FILE: measure ? rssFile : '',
      FKGUARD_BENCH_COMPILER_FILE: watch ? compilerFile : '',
      FKGUARD_BENCH_RUNTIME_FILE: watch ? runtimeFile : '',
    },
  });
  const ms = performance.now() - t;
  const usage = measure && existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')) : undefined;
  const lines = (f) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const compilerLoads = watch ? lines(compilerFile) : undefined;
  const runtime = watch ? lines(runtimeFile) : undefined;
  for (const f of [rssFile, compilerFile, runtimeFile]) rmSync(f, { force: true });
  return {
    ms,
    status: r.status,
    signal: r.signal,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    error: r.error,
    maxRssKb: usage?.maxRSS,
    cpuMs: usage ? (usage.userCPUTime + usage.systemCPUTime) / 1000 : undefined,
    compilerLoads,
    workers: runtime?.filter((e) => e.event === 'worker').length,
    wasm: runtime?.filter((e) => e.event === 'wasm').length,
  };
}

function describeFailure(what, r) {
  const lines = [`${what} failed: exit ${r.status}${r.signal ? ` (signal ${r.signal})` : ''}${r.error ? ` (${r.error.message})` : ''}`];
  const err = r.stderr.trim() || r.stdout.trim().slice(0, 2000);
  if (err) lines.push(...err.split('\n').slice(0, 25).map((l) => `    ${l}`));
  return lines.join('\n');
}

function benchScan(name, dir, { warm = false } = {}) {
  const result = { name, dir: dir.replace(`${repo}/`, ''), warm };
  // One unmeasured run of each warms the page cache, so both sides read from memory: "cold" here means a
  // fresh process, not a cold disk.
  const floorWarm = timed(join(repo, 'bench/floor.mjs'), [dir]);
  if (floorWarm.status !== 0) return { ...result, error: describeFailure('floor', floorWarm) };
  result.floorSaw = JSON.parse(floorWarm.stdout);
  // Cold: --no-cache, so every run parses everything (the cache would answer runs 2..N from run 1). Warm: a cache
  // folder of this row's own, emptied first and filled by the unmeasured run, answers every measured run.
  const cacheDir = join(out, 'cache', name);
  if (warm) rmSync(cacheDir, { recursive: true, force: true });
  const scanArgs = ['scan', dir, '--format', 'json', ...(warm ? ['--cache-dir', cacheDir] : ['--no-cache']), ...SCAN_ARGS];
  // Exit 1 means "errors found", which the generated workspaces have on purpose.
  const first = existsSync(cli) ? timed(cli, scanArgs, { watch: true }) : undefined;
  if (!first) result.error = 'dist/cli.js is missing: run `npm run build` first.';
  else if (first.status !== 0 && first.status !== 1) result.error = describeFailure('fkguard scan', first);
  else try {
    const report = JSON.parse(first.stdout);
    const bySeverity = {};
    const byRule = {};
    for (const f of report.findings ?? []) {
      bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
      byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    }
    result.report = { stats: report.stats, findings: (report.findings ?? []).length, bySeverity, byRule };
  } catch (e) {
    result.reportError = `could not read the JSON report: ${e.message}`;
  }
  const floor = [];
  const floorCpu = [];
  const scan = [];
  const scanCpu = [];
  const rss = [];
  const floorRss = [];
  const workers = [];
  const wasm = [];
  const compilerLoads = first?.compilerLoads ? [...first.compilerLoads] : [];
  // Interleaved, so drift in the machine's load affects both sides alike.
  for (let i = 0; i < RUNS; i++) {
    const f = timed(join(repo, 'bench/floor.mjs'), [dir], { measure: true });
    floor.push(f.ms);
    if (f.cpuMs !== undefined) floorCpu.push(f.cpuMs);
    if (f.maxRssKb !== undefined) floorRss.push(f.maxRssKb);
    if (result.error) continue;
    const s = timed(cli, scanArgs, { watch: true });
    if (s.status !== 0 && s.status !== 1) {
      result.error = describeFailure(`fkguard scan (run ${i + 1})`, s);
      continue;
    }
    scan.push(s.ms);
    if (s.cpuMs !== undefined) scanCpu.push(s.cpuMs);
    if (s.maxRssKb !== undefined) rss.push(s.maxRssKb);
    workers.push(s.workers ?? 0);
    wasm.push(s.wasm ?? 0);
    compilerLoads.push(...(s.compilerLoads ?? []));
  }
  // Every process, the unmeasured one included: a single load anywhere is a load.
  result.compiler = compilerLoads.length
    ? { loaded: true, loads: compilerLoads.length, requireMs: summarize(compilerLoads.map((l) => l.ms)) }
    : { loaded: false };
  result.floorMs = summarize(floor);
  if (floorCpu.length) result.floorCpuMs = summarize(floorCpu);
  if (floorRss.length) result.floorPeakRssKb = Math.max(...floorRss);
  if (scan.length === RUNS) {
    result.scanMs = summarize(scan);
    result.ratio = result.scanMs.median / result.floorMs.median;
    if (scanCpu.length === RUNS && result.floorCpuMs) {
      result.scanCpuMs = summarize(scanCpu);
      result.cpuRatio = result.scanCpuMs.median / result.floorCpuMs.median;
    }
    result.peakRssKb = rss.length ? Math.max(...rss) : undefined;
    // The measured runs only: a warm row's first run fills the cache and may parse.
    result.workers = Math.max(...workers);
    result.wasm = Math.max(...wasm);
  }
  return result;
}

function benchIncremental() {
  const dir = join(workspaces, 'incremental');
  const ws = generateWorkspace(dir, INCREMENTAL_WS);
  const r = timed(join(repo, 'bench/incremental.mjs'), [dir, BIG_FILE, String(PAIRS)]);
  if (r.status !== 0) return { error: describeFailure('incremental re-analysis', r), workspace: ws };
  try {
    return { workspace: ws, ...JSON.parse(r.stdout) };
  } catch (e) {
    return { error: `could not read the incremental result: ${e.message}\n${r.stdout.slice(0, 500)}`, workspace: ws };
  }
}

/** The compiler's load on its own: `RUNS` fresh processes, each requiring dist/typescript.js and parsing one entity. */
function benchCompilerLoad() {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = timed(join(repo, 'bench/compiler-load.cjs'), []);
    if (r.status !== 0) return { error: describeFailure('loading dist/typescript.js', r) };
    runs.push(JSON.parse(r.stdout));
  }
  return {
    requireMs: summarize(runs.map((r) => r.requireMs)),
    firstParseMs: summarize(runs.map((r) => r.firstParseMs)),
    rssAddedKb: median(runs.map((r) => r.rssAfterParseKb - r.rssBeforeKb)),
  };
}

function git(...a) {
  const r = spawnSync('git', a, { cwd: repo, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const results = {
  date: new Date().toISOString(),
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: Boolean(git('status', '--porcelain', '--', 'server', 'scripts', 'package.json')),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGB: Math.round(totalmem() / 2 ** 30), node: process.version },
  runs: RUNS,
  workspaces: {},
  scans: [],
};

for (const name of ONLY) {
  const row = ROWS[name];
  if (!row) {
    console.error(`unknown row ${name} (known: ${Object.keys(ROWS).join(', ')})`);
    process.exit(2);
  }
  const spec = WORKSPACES[row.workspace];
  const dir = join(workspaces, row.workspace);
  if (!results.workspaces[row.workspace]) {
    const t = performance.now();
    const ws = spec.kind === 'typescript' ? generateTypeScriptWorkspace(dir, spec) : generateWorkspace(dir, spec);
    results.workspaces[row.workspace] = { ...ws, generateMs: performance.now() - t };
  }
  const ws = results.workspaces[row.workspace];
  console.error(
    `${name}: ${ws.files} files, ${ws.lines} lines, ${(ws.bytes / 1048576).toFixed(1)} MB, ${ws.tables} tables` +
      `${ws.cached ? ' (cached)' : ''}; scanning ${RUNS}× ${row.warm ? 'warm (from the cache)' : 'cold'}…`,
  );
  results.scans.push({ ...benchScan(name, dir, { warm: row.warm }), workspace: row.workspace });
}
if (ONLY.some((name) => WORKSPACES[ROWS[name]?.workspace]?.kind === 'typescript')) {
  console.error(`compiler: requiring dist/typescript.js in ${RUNS} fresh processes…`);
  results.compilerLoad = benchCompilerLoad();
}
if (INCREMENTAL) {
  console.error('incremental: one-character edits in a 2,000-line model file…');
  results.incremental = benchIncremental();
}

// The table.
const rows = [
  ['row', 'files', 'lines', 'cand.', 'floor wall (min/med/max)', 'fkguard wall (min/med/max)', 'ratio', 'floor cpu', 'fkguard cpu', 'cpu ratio', 'peak RSS', 'workers/wasm', 'TS compiler', 'findings'],
];
for (const s of results.scans) {
  const ws = results.workspaces[s.workspace];
  const range = (m) => (m ? `${fmt(m.min)} / ${fmt(m.median)} / ${fmt(m.max)}` : '-');
  rows.push([
    s.name,
    String(ws.files),
    ws.lines.toLocaleString('en-US'),
    s.report ? String(s.report.stats.parsedFiles) : '-',
    range(s.floorMs),
    s.error ? 'FAILED (see below)' : range(s.scanMs),
    s.ratio ? `${s.ratio.toFixed(2)}×` : '-',
    fmt(s.floorCpuMs?.median),
    fmt(s.scanCpuMs?.median),
    s.cpuRatio ? `${s.cpuRatio.toFixed(2)}×` : '-',
    mb(s.peakRssKb),
    s.workers === undefined ? '-' : `${s.workers}/${s.wasm}`,
    !s.compiler ? '-' : s.compiler.loaded ? `loaded (${fmt(s.compiler.requireMs.median)})` : 'never loaded',
    s.report ? `${s.report.findings} (${Object.entries(s.report.bySeverity).map(([k, v]) => `${v} ${k}`).join(', ')})` : '-',
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log();
console.log(`FK Guard bench — ${results.machine.cpus} × ${results.machine.cpu}, node ${results.machine.node}, commit ${results.commit}${results.dirty ? ' (+ local changes)' : ''}, ${RUNS} runs`);
console.log();
console.log(line(rows[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows.slice(1)) console.log(line(r));
for (const s of results.scans) {
  if (s.error) console.log(`\n${s.name}: ${s.error}`);
  if (s.reportError) console.log(`\n${s.name}: ${s.reportError}`);
}

const load = results.compilerLoad;
if (load) {
  console.log();
  if (load.error) console.log(load.error);
  else {
    const range = (m) => `${fmt(m.min)} / ${fmt(m.median)} / ${fmt(m.max)}`;
    console.log(
      `TypeScript compiler (dist/typescript.js) on its own, a plain require without the CLI's code cache, ${RUNS} fresh processes (min/med/max): require ${range(load.requireMs)}, ` +
        `first parse of an entity ${range(load.firstParseMs)}, resident set +${mb(load.rssAddedKb)}.`,
    );
  }
}
const python = results.scans.filter((s) => WORKSPACES[s.workspace]?.kind !== 'typescript' && s.compiler);
if (python.length) {
  const loaded = python.filter((s) => s.compiler.loaded).map((s) => s.name);
  console.log(
    loaded.length
      ? `Python-only workspaces that loaded the TypeScript compiler: ${loaded.join(', ')} (it should never load there).`
      : `Python-only workspaces (${python.map((s) => s.name).join(', ')}): the TypeScript compiler was never loaded, in any run.`,
  );
}

const inc = results.incremental;
if (inc) {
  console.log();
  if (inc.error) console.log(inc.error);
  else {
    console.log(
      `Re-analysis of ${inc.bigFile.path} (${inc.bigFile.lines} lines) after a one-character edit, in a workspace of ` +
        `${inc.workspace.parsedFiles} parsed files (loaded in ${fmt(inc.workspace.loadMs)}; engine from ${inc.engineFrom}` +
        `${inc.load === undefined ? '' : `; load average ${inc.load.toFixed(1)}`}):`,
    );
    // CPU time of the process during each edit (GC threads included), beside the wall time, which on a shared
    // machine includes waiting for a core.
    const cpu = (v) => (v.cpu ? `${fmt(v.cpu.p50)} / ${fmt(v.cpu.p95)}` : '');
    const irows = [['edit', 'n', 'p50', 'p95', 'max', 'CPU p50 / p95', 'files re-checked (max)', 'files derived (max)']];
    for (const [k, v] of Object.entries(inc.edits.byKind)) irows.push([k, String(v.n), fmt(v.p50), fmt(v.p95), fmt(v.max), cpu(v), String(v.affectedMax), String(v.derivedMax ?? '')]);
    irows.push(['all edits', String(inc.edits.n), fmt(inc.edits.p50), fmt(inc.edits.p95), fmt(inc.edits.max), cpu(inc.edits), '', '']);
    irows.push(['full re-parse', String(inc.fullReparse.n), fmt(inc.fullReparse.p50), fmt(inc.fullReparse.p95), fmt(inc.fullReparse.max), '', '', '']);
    const w = irows[0].map((_, i) => Math.max(...irows.map((r) => r[i].length)));
    for (const [i, r] of irows.entries()) {
      console.log(r.map((c, j) => c.padEnd(w[j])).join('  '));
      if (i === 0) console.log(w.map((x) => '-'.repeat(x)).join('  '));
    }
  }
}
console.log();
console.log('Columns: wall time of the whole process, and its CPU time (all threads, user + system); cand. = files parsed;');
console.log('workers/wasm = worker threads started / WebAssembly modules compiled, the most any measured run did.');
console.log('Targets (issue #10, 2-core machine): real cold ≤ 3× the floor, realshaped cold ≤ 2×, both ≤ 150 MB; warm rows ≤ 1.3×');
console.log('the floor with 0/0 workers/wasm; 10k ≤ 10 s and ≤ 300 MB; 50k ≤ 45 s and ≤ 800 MB. Re-analysis p95 ≤ 10 ms.');
console.log('Target (issue #4): a workspace with no TypeScript ORM files never loads the TypeScript compiler.');

writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('Wrote .bench/results.json');
const failed = results.scans.some((s) => s.error) || results.incremental?.error || results.compilerLoad?.error;
process.exitCode = failed ? 1 : 0;
