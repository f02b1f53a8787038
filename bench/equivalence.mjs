// The proof that a speed change changed nothing else: `node bench/equivalence.mjs record|check [options]`.
//
// `record` scans every workspace below with this checkout's CLI and keeps what the scan concluded: the JSON
// report minus its timing (findings with their fixes, stats), the list of unchecked references with their
// reasons (`--explain unchecked`), the notes on stderr (skipped files, config errors), the exit code, and the
// schema index (`fkguard index --format json`). `check` scans again and diffs against what was recorded; any
// difference is printed and makes the exit code 1. Run `record` before a change and `check` after each step.
//
// Each check scan runs cold (`--no-cache`) and, with `--warm`, also twice through a fresh cache folder: the
// second run answers everything from the cache and must conclude exactly what the cold scan did. `--args "..."`
// adds CLI options to every check scan (e.g. `--args "--jobs 1"`), to prove a setting changes speed only.
//
// Workspaces (`--only` picks groups or names, comma-separated):
//  - fixtures: every test/fixtures/engine/*/ws and test/fixtures/cli/* folder;
//  - bench: the generated workspaces of bench/bench.mjs under .bench/workspaces (those generated so far);
//  - realworld: every application of the real-world corpus (bench/realworld/repos-*.json), laid out at its pinned
//    commit under /work/realworld/src (FKGUARD_REALWORLD to move it) by bench/realworld/corpus.mjs, as
//    `npm run realworld` lays it out.
// Records go to .bench/equivalence (`--out DIR` to move them). Nothing here is timed or asserted in `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layOut, loadRepos } from './realworld/corpus.mjs';

const repo = join(fileURLToPath(import.meta.url), '..', '..');

const argv = process.argv.slice(2);
const mode = argv[0];
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
};
if (mode !== 'record' && mode !== 'check') {
  console.error('usage: node bench/equivalence.mjs record|check [--only fixtures,bench,realworld,NAME] [--out DIR] [--warm] [--args "..."]');
  process.exit(2);
}
const out = opt('out', join(repo, '.bench', 'equivalence'));
const only = opt('only', 'fixtures,bench,realworld').split(',');
const warm = argv.includes('--warm');
const extra = opt('args', '').split(/\s+/).filter(Boolean);
// `--cli FILE`: a copy of an older build, to record its conclusions while this checkout's dist/ changes.
const cli = opt('cli', join(repo, 'dist/cli.js'));

const dirs = (parent) => (existsSync(parent) ? readdirSync(parent).filter((n) => statSync(join(parent, n)).isDirectory()).sort() : []);

/** Every workspace, as [name, folder]; the name is also the record's file name. */
function workspaces() {
  const all = [];
  const fixtures = join(repo, 'test/fixtures');
  for (const n of dirs(join(fixtures, 'engine'))) if (existsSync(join(fixtures, 'engine', n, 'ws'))) all.push(['fixtures', `engine-${n}`, join(fixtures, 'engine', n, 'ws')]);
  for (const n of dirs(join(fixtures, 'cli'))) all.push(['fixtures', `cli-${n}`, join(fixtures, 'cli', n)]);
  for (const n of dirs(join(repo, '.bench/workspaces'))) if (n !== '.git') all.push(['bench', `bench-${n}`, join(repo, '.bench/workspaces', n)]);
  for (const r of loadRepos()) all.push(['realworld', `realworld-${r.name}`, r]);
  const chosen = all.filter(([group, name]) => only.includes(group) || only.includes(name) || only.includes(name.replace(/^[a-z]+-/, '')));
  // An application is laid out (from its mirror, at its pinned commit) only when it is chosen.
  const out = [];
  for (const [group, name, where] of chosen) {
    if (typeof where === 'string') {
      out.push([group, name, where]);
      continue;
    }
    const laid = layOut(where);
    if (laid.error) console.log(`SKIPPED ${name}: ${laid.error}`);
    else out.push([group, name, laid.dir]);
  }
  return out;
}

function run(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** What a scan concluded, as text whose lines diff well; timings and cache notes are left out. */
function conclusions(dir, scanArgs) {
  const scan = run(['scan', dir, '--format', 'json', '--explain', 'unchecked', ...scanArgs]);
  let report;
  try {
    report = JSON.parse(scan.stdout);
    delete report.stats.ms;
  } catch {
    report = { unreadable: scan.stdout };
  }
  return JSON.stringify({ exit: scan.status, report, stderr: scan.stderr.split('\n') }, null, 1);
}

function indexOf(dir) {
  const r = run(['index', dir, '--format', 'json']);
  return JSON.stringify({ exit: r.status, index: r.stdout.split('\n'), stderr: r.stderr.split('\n') }, null, 1);
}

/** The first lines where two records part, with a little context. */
function firstDifference(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const show = (lines) => lines.slice(Math.max(0, i - 3), i + 4).map((l) => `      ${l.slice(0, 200)}`).join('\n');
  return `    at line ${i + 1}; recorded:\n${show(x)}\n    now:\n${show(y)}`;
}

mkdirSync(out, { recursive: true });
let differences = 0;
let compared = 0;
const started = Date.now();
for (const [, name, dir] of workspaces()) {
  const file = join(out, `${name}.json`);
  const t = Date.now();
  const cold = conclusions(dir, ['--no-cache', ...(mode === 'check' ? extra : [])]);
  const index = indexOf(dir);
  const now = `${cold}\n${index}\n`;
  if (mode === 'record') {
    writeFileSync(file, now);
    console.log(`recorded ${name} (${Date.now() - t} ms)`);
    continue;
  }
  if (!existsSync(file)) {
    console.log(`MISSING ${name}: nothing recorded (run record first)`);
    differences++;
    continue;
  }
  const before = readFileSync(file, 'utf8');
  const problems = [];
  if (before !== now) problems.push(`cold scan differs\n${firstDifference(before, now)}`);
  if (warm) {
    const cacheDir = mkdtempSync(join(tmpdir(), 'fkguard-equivalence-'));
    try {
      conclusions(dir, ['--cache-dir', cacheDir, ...extra]);
      const fromCache = `${conclusions(dir, ['--cache-dir', cacheDir, ...extra])}\n${index}\n`;
      if (before !== fromCache) problems.push(`warm scan (from the cache) differs\n${firstDifference(before, fromCache)}`);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  compared++;
  if (problems.length) {
    differences++;
    console.log(`DIFFERS ${name}:\n  ${problems.join('\n  ')}`);
  } else console.log(`same    ${name} (${Date.now() - t} ms)`);
}
if (mode === 'check') console.log(`\n${compared} workspaces compared, ${differences} differ (${((Date.now() - started) / 1000).toFixed(0)} s)`);
process.exitCode = differences ? 1 : 0;
