// Scans the real-world corpus (public applications listed in bench/realworld/repos-*.json) with THIS
// checkout's CLI and matches every error against the hand-written verdicts in bench/realworld/TRIAGE*.md.
// The fetched code never enters the repository: each repository is laid out from its bare mirror (brought by
// the search tool's `fetch`) under /work/realworld/src, and results go to /work/realworld/results.
// Exit code 1 when an error has no verdict or a verdict says the error is false, so the scan is a regression
// gate for precision; 0 otherwise. See bench/realworld/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layOut, loadRepos, mirrors, resultsRoot, srcRoot } from './corpus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function parseArgs(argv) {
  const args = { only: null, lang: null, build: true, help: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      return argv[++i];
    };
    if (a === '-h' || a === '--help') args.help = true;
    else if (a.startsWith('--only')) args.only = new Set(value().split(',').map((s) => s.trim()).filter(Boolean));
    else if (a.startsWith('--lang')) args.lang = value();
    else if (a === '--no-build') args.build = false;
    else if (a === '--verbose') args.verbose = true;
    else {
      console.error(`unknown option ${a}`);
      process.exit(2);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(`Usage: node bench/realworld/scan.mjs [--only name,name] [--lang python|node] [--no-build] [--verbose]
Lays out every repository of bench/realworld/repos-*.json under ${srcRoot} from its mirror in ${mirrors},
scans it with bin/fkguard.js, saves the JSON in ${resultsRoot}, and checks every error against TRIAGE*.md.`);
  process.exit(0);
}

/** The verdict tables: every markdown row whose header names repo, file, line, rule and verdict. */
function loadVerdicts() {
  const verdicts = new Map();
  for (const f of readdirSync(here).sort()) {
    if (!/^TRIAGE.*\.md$/.test(f)) continue;
    let cols = null;
    for (const line of readFileSync(join(here, f), 'utf8').split('\n')) {
      if (!line.trim().startsWith('|')) {
        cols = null;
        continue;
      }
      const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
      const lower = cells.map((c) => c.toLowerCase().replace(/[`*]/g, ''));
      if (lower.includes('repo') && lower.includes('rule') && lower.includes('verdict')) {
        cols = Object.fromEntries(['repo', 'file', 'line', 'rule', 'verdict'].map((k) => [k, lower.indexOf(k)]));
        continue;
      }
      if (!cols || /^[-: ]+$/.test(cells.join(''))) continue;
      const get = (k) => (cells[cols[k]] ?? '').replace(/`/g, '').trim();
      const verdict = get('verdict').toLowerCase();
      const key = [get('repo'), get('file'), get('line'), get('rule')].join('|');
      verdicts.set(key, { verdict, source: f });
    }
  }
  return verdicts;
}

function sumUnchecked(u) {
  if (u == null) return null;
  if (typeof u === 'number') return u;
  if (typeof u.total === 'number') return u.total;
  let n = 0;
  for (const v of Object.values(u.byReason ?? u)) if (typeof v === 'number') n += v;
  return n;
}

function uncheckedReasons(u) {
  if (u == null || typeof u === 'number') return '';
  const by = u.byReason ?? u;
  return Object.entries(by)
    .filter(([k, v]) => typeof v === 'number' && v > 0 && k !== 'total')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

const repos = loadRepos({ lang: args.lang, only: args.only });
if (repos.length === 0) {
  console.error('no repositories selected');
  process.exit(2);
}
if (args.build) {
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(2);
}
mkdirSync(srcRoot, { recursive: true });
mkdirSync(resultsRoot, { recursive: true });
const verdicts = loadVerdicts();
const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();

const rows = [];
const missing = [];
const falseErrors = [];
let failed = false;
for (const r of repos) {
  const laid = layOut(r);
  if (laid.error) {
    console.error(`${r.name}: ${laid.error}`);
    rows.push({ name: r.name, note: laid.error });
    continue;
  }
  const t0 = Date.now();
  const res = spawnSync(process.execPath, [join(root, 'bin', 'fkguard.js'), 'scan', laid.dir, '--format', 'json', '--no-cache'], {
    cwd: laid.dir,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = (Date.now() - t0) / 1000;
  let out;
  try {
    out = JSON.parse(res.stdout);
  } catch {
    const why = `scan failed (exit ${res.status}): ${(res.stderr || '').trim().split('\n').slice(-1)[0]}`;
    console.error(`${r.name}: ${why}`);
    rows.push({ name: r.name, note: why });
    failed = true;
    continue;
  }
  writeFileSync(join(resultsRoot, `${r.name}.json`), res.stdout);
  const findings = out.findings ?? [];
  const count = (sev) => findings.filter((f) => f.severity === sev).length;
  let real = 0;
  let falseCount = 0;
  const noVerdict = [];
  for (const f of findings) {
    if (f.severity !== 'error') continue;
    const key = [r.name, f.file, String(f.range.start.line + 1), f.rule].join('|');
    const v = verdicts.get(key);
    if (!v) noVerdict.push(f);
    else if (v.verdict.startsWith('real')) real++;
    else if (v.verdict.startsWith('false')) {
      falseCount++;
      falseErrors.push(`${key}`);
    }
  }
  for (const f of noVerdict) missing.push(`${r.name}|${f.file}|${f.range.start.line + 1}|${f.rule}  ${f.message}`);
  if (noVerdict.length > 0 || falseCount > 0) failed = true;
  rows.push({
    name: r.name,
    files: out.stats?.parsedFiles ?? out.stats?.files ?? 0,
    refs: out.stats?.references ?? 0,
    errors: count('error'),
    real,
    false: falseCount,
    warnings: count('warning'),
    infos: count('info'),
    unchecked: sumUnchecked(out.stats?.unchecked),
    reasons: uncheckedReasons(out.stats?.unchecked),
    seconds,
    noVerdict: noVerdict.length,
  });
  console.error(`${r.name}: ${count('error')} errors, ${seconds.toFixed(1)} s`);
}

// One summary per selection, so that scans of different languages (often run by different people) don't overwrite
// each other's.
const summaryName = `summary-${args.lang ?? 'all'}${args.only ? '-only' : ''}.json`;
const listMax = args.verbose ? Infinity : 40;
const header = ['repo', 'files', 'refs', 'errors', 'real', 'false', 'warnings', 'infos', 'unchecked', 's', 'no verdict'];
const table = [header];
for (const r of rows) {
  if (r.note) table.push([r.name, r.note]);
  else
    table.push([
      r.name,
      r.files,
      r.refs,
      r.errors,
      r.real,
      r.false,
      r.warnings,
      r.infos,
      r.unchecked == null ? '-' : r.unchecked,
      r.seconds.toFixed(1),
      r.noVerdict,
    ].map(String));
}
console.log(`\nFK Guard ${head} on ${rows.length} repositories (results in ${resultsRoot})\n`);
for (const row of table) console.log('| ' + row.join(' | ') + ' |');
const reasons = rows.filter((r) => r.reasons);
if (reasons.length) {
  console.log('\nunchecked by reason:');
  for (const r of reasons) console.log(`  ${r.name}: ${r.reasons}`);
}
if (missing.length) {
  console.log(`\n${missing.length} errors without a verdict (repo|file|line|rule):`);
  for (const m of missing.slice(0, listMax)) console.log('  ' + m);
  if (missing.length > listMax) console.log(`  … ${missing.length - listMax} more in ${join(resultsRoot, summaryName)}`);
}
if (falseErrors.length) {
  console.log(`\n${falseErrors.length} errors judged false are still reported:`);
  for (const m of falseErrors.slice(0, listMax)) console.log('  ' + m);
  if (falseErrors.length > listMax) console.log(`  … ${falseErrors.length - listMax} more in ${join(resultsRoot, summaryName)}`);
}
writeFileSync(join(resultsRoot, summaryName), JSON.stringify({ commit: head, rows, missing, falseErrors }, null, 2));
process.exit(failed ? 1 : 0);
