// Two builds of the engine in one process, keystrokes alternating between them, so that the machine's load
// drifts the same for both (on the shared 2-core machine, two bench runs a minute apart differed by ±50 %).
// What the language server does on a keystroke in a big model file: the engine update, then (with --hover) a
// hover sent with the edit, which computes the file's findings first, then the findings and their diagnostics.
// Prints CPU per phase (p50, p95, mean) and the minor GCs per keystroke for each build. Figures only: nothing here
// runs in `npm test`.
//
// Usage: node bench/keystroke-ab.mjs <out-A> <out-B> <workspace> [--hover] [--edits N] [--at TEXT]
//   <out-X>: a `tsc -b` output folder (the repository's `out/`, or a copy of another build's); it must have a
//   node_modules beside it or above it. <workspace>: the bench:lsp workspace (FKGUARD_BENCH_ROOT=DIR npm run
//   bench:lsp keeps it), whose app/big.py is edited at the first `label = Column(String(64))` (or at TEXT).
// The two engines share one heap: a minor GC runs during the keystroke of whichever build fills the young
// generation, so each build's GC count says how much it allocates only roughly. Run it twice with A and B
// swapped (the build set up first differs a little), and compare figures only side by side.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const [outA, outB, root] = args.filter((a, i) => !a.startsWith('--') && !['--edits', '--at'].includes(args[i - 1]));
if (!outA || !outB || !root) {
  console.error('usage: node bench/keystroke-ab.mjs <out-A> <out-B> <workspace> [--hover] [--edits N] [--at TEXT]');
  process.exit(2);
}
const HOVER = args.includes('--hover');
const EDITS = Number(flag('edits', 300));
const AT = flag('at', undefined);
const FILE = 'app/big.py';

const gcs = [];
// Held in a binding: an observer nothing refers to is collected by the first full GC, and stops reporting.
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ at: e.startTime, minor: e.detail?.kind === 1 });
});
gcObserver.observe({ entryTypes: ['gc'] });

/** One build's engine on the workspace, with the big file open, and a function that types or deletes a character. */
async function setup(out) {
  const require = createRequire(join(resolve(out), 'x.js'));
  const { scanWorkspace } = require('./server/src/host/scan.js');
  const nav = require('./server/src/lsp/handlers/navigation.js');
  const { toDiagnostic } = require('./server/src/lsp/diagnostics.js');
  const { engine } = await scanWorkspace({ roots: [root], bulk: true, jobs: 1 });
  let text = readFileSync(join(root, FILE), 'utf8');
  engine.updateFile(FILE, text, { keepTree: true });
  for (const f of engine.parsedFiles()) engine.findings(f);
  const at = AT ? text.indexOf(AT) : text.indexOf('label = Column(String(64))') + 'label'.length;
  const strings = [...text.matchAll(/ForeignKey\("(tab[a-z]*_\d+)\.id"\)/g)].map((m) => m.index + 'ForeignKey("'.length);
  const context = { uriOf: (f) => `file:///${f}`, versionOf: () => 1, ruleDocs: () => undefined };
  const ms = (a, b) => (b.user + b.system - a.user - a.system) / 1000;
  const rows = [];
  const step = (i) => {
    const edit = i % 2 === 0 ? { startIndex: at, oldEndIndex: at, newText: 'x' } : { startIndex: at, oldEndIndex: at + 1, newText: '' };
    text = text.slice(0, edit.startIndex) + edit.newText + text.slice(edit.oldEndIndex);
    // The hover's position is found before the clock starts (the editor sends it as line and character).
    const position = HOVER ? positionAt(text, strings[(i * 7) % strings.length] + 2) : undefined;
    const wall = performance.now();
    const t0 = process.cpuUsage();
    const affected = engine.updateFile(FILE, text, { keepTree: true, edits: [edit] });
    const t1 = process.cpuUsage();
    if (HOVER) nav.hover({ engine, file: FILE, text, uriOf: context.uriOf, texts: async () => new Map(), versionOf: () => null, vscode: true, documentChanges: true, changeAnnotations: true }, position);
    const t2 = process.cpuUsage();
    JSON.stringify(engine.findings(FILE).map((f) => toDiagnostic(f, context)));
    for (const o of affected) if (o !== FILE) JSON.stringify(engine.findings(o).map((f) => toDiagnostic(f, context)));
    const t3 = process.cpuUsage();
    return { wall: [wall, performance.now()], cpu: [ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t0, t3)] };
  };
  return { step, rows };
}

function positionAt(text, offset) {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: offset - start };
}

const a = await setup(outA);
const b = await setup(outB);
for (let i = 0; i < 40; i++) {
  a.step(i);
  b.step(i);
}
await new Promise((r) => setTimeout(r, 50));
gcs.length = 0;
for (let i = 0; i < EDITS; i++) {
  // Which build goes first alternates too.
  const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
  first.rows.push(first.step(i));
  second.rows.push(second.step(i));
}
await new Promise((r) => setTimeout(r, 50));
const pct = (values, p) => {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};
const mean = (values) => (values.reduce((x, y) => x + y, 0) / values.length).toFixed(2);
const phases = ['update', HOVER ? 'hover sent with the edit (with the findings it needs)' : 'hover (not asked)', 'findings + diagnostics', 'total'];
console.log(`${EDITS} keystrokes each, CPU ms per keystroke; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const [name, out, x] of [['A', outA, a], ['B', outB, b]]) {
  const minor = gcs.filter((g) => g.minor && x.rows.some((r) => g.at >= r.wall[0] && g.at <= r.wall[1])).length;
  console.log(`${name} (${out}): ${phases.map((label, k) => `${label} p50 ${pct(x.rows.map((r) => r.cpu[k]), 50)} p95 ${pct(x.rows.map((r) => r.cpu[k]), 95)} mean ${mean(x.rows.map((r) => r.cpu[k]))}`).join('; ')}; minor GCs during its keystrokes ${minor}`);
}
