// Where a slow keystroke's time goes: one build's engine, keystrokes as the language server makes them (the
// engine update, then the file's findings and their diagnostics), under V8's sampling profiler, with each
// keystroke's start and end on the profiler's clock. Prints the CPU per keystroke (p50, p95), then for the
// slowest 5 % and for the rest: the garbage collections inside them and the functions the samples fell in
// (self time, as a share of the group's samples), so what makes the tail is seen beside what the median does.
// Figures only: nothing here runs in `npm test`.
//
// Usage: node bench/keystroke-trace.mjs <out> <workspace> [--edits N] [--at TEXT] [--interval US] [--no-profile]
//   <out>, <workspace>: as for bench/keystroke-ab.mjs (the bench:lsp workspace's app/big.py is edited).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import v8 from 'node:v8';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const [out, root] = args.filter((a, i) => !a.startsWith('--') && !['--edits', '--at', '--interval'].includes(args[i - 1]));
if (!out || !root) {
  console.error('usage: node bench/keystroke-trace.mjs <out> <workspace> [--edits N] [--at TEXT] [--interval US]');
  process.exit(2);
}
const EDITS = Number(flag('edits', 400));
const AT = flag('at', undefined);
const INTERVAL = Number(flag('interval', 100));
// Without the profiler (its own allocations and threads change what the collector does): GCs and CPU only.
const PROFILE = !args.includes('--no-profile');
const FILE = 'app/big.py';

// GC entries carry a start on performance.now()'s clock; keystrokes are timed on the same clock.
const gcs = [];
// Held in a binding: an observer nothing refers to is collected by the first full GC, and stops reporting.
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ at: e.startTime, ms: e.duration, kind: e.detail?.kind });
});
gcObserver.observe({ entryTypes: ['gc'] });
const GC_KIND = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

const require = createRequire(join(resolve(out), 'x.js'));
const { scanWorkspace } = require('./server/src/host/scan.js');
const { toDiagnostic } = require('./server/src/lsp/diagnostics.js');
const { engine } = await scanWorkspace({ roots: [root], bulk: true, jobs: 1 });
let text = readFileSync(join(root, FILE), 'utf8');
engine.updateFile(FILE, text, { keepTree: true });
for (const f of engine.parsedFiles()) engine.findings(f);
const at = AT ? text.indexOf(AT) : text.indexOf('label = Column(String(64))') + 'label'.length;
const context = { uriOf: (f) => `file:///${f}`, versionOf: () => 1, ruleDocs: () => undefined };
const cpuMs = (a, b) => (b.user + b.system - a.user - a.system) / 1000;
const step = (i) => {
  const edit = i % 2 === 0 ? { startIndex: at, oldEndIndex: at, newText: 'x' } : { startIndex: at, oldEndIndex: at + 1, newText: '' };
  text = text.slice(0, edit.startIndex) + edit.newText + text.slice(edit.oldEndIndex);
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  const wall = performance.now();
  const t0 = process.cpuUsage();
  const affected = engine.updateFile(FILE, text, { keepTree: true, edits: [edit] });
  const t1 = process.cpuUsage();
  JSON.stringify(engine.findings(FILE).map((f) => toDiagnostic(f, context)));
  for (const o of affected) if (o !== FILE) JSON.stringify(engine.findings(o).map((f) => toDiagnostic(f, context)));
  const t2 = process.cpuUsage();
  const end = performance.now();
  // The heap in use shrank: a collection ran inside the keystroke (the 'gc' performance entries come late, and
  // not at all in some runs).
  const collected = v8.getHeapStatistics().used_heap_size < heapBefore;
  return { collected, wall: [wall, end], update: cpuMs(t0, t1), publish: cpuMs(t1, t2), cpu: cpuMs(t0, t2), affected: affected.length };
};
for (let i = 0; i < 60; i++) step(i);

const session = new Session();
session.connect();
if (PROFILE) {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: INTERVAL });
  await session.post('Profiler.start');
}
gcs.length = 0;
const rows = [];
for (let i = 0; i < EDITS; i++) rows.push(step(i));
const profile = PROFILE ? (await session.post('Profiler.stop')).profile : { nodes: [], samples: [], timeDeltas: [], startTime: 0 };
session.disconnect();
await new Promise((r) => setTimeout(r, 50));

// Sample times on the profiler's clock mapped onto performance.now()'s: both count the monotonic clock (V8's in
// microseconds, as process.hrtime does in nanoseconds; performance.now() in milliseconds from the process's start).
const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const times = [];
let t = profile.startTime;
for (const d of profile.timeDeltas) times.push((t += d));
const toWall = (us) => (us - offsetUs) / 1000;

const sorted = [...rows].sort((a, b) => a.cpu - b.cpu);
const pct = (p, key = 'cpu') => {
  const s = rows.map((r) => r[key]).sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};
console.log(`${EDITS} keystrokes, CPU ms: total p50 ${pct(50)} p95 ${pct(95)}; update p50 ${pct(50, 'update')} p95 ${pct(95, 'update')}; findings+diagnostics p50 ${pct(50, 'publish')} p95 ${pct(95, 'publish')}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const withGc = rows.filter((r) => r.collected);
const noGc = rows.filter((r) => !withGc.includes(r));
const p = (list, q) => (list.length ? [...list].sort((a, b) => a.cpu - b.cpu)[Math.min(list.length - 1, Math.floor(q * list.length))].cpu.toFixed(2) : '-');
console.log(`keystrokes in which the heap shrank (a GC ran): ${withGc.length} (CPU p50 ${p(withGc, 0.5)}), without: ${noGc.length} (CPU p50 ${p(noGc, 0.5)} p95 ${p(noGc, 0.95)}); GCs ${gcs.length}: ${Object.entries(gcs.reduce((o, g) => ((o[GC_KIND[g.kind] ?? g.kind] = (o[GC_KIND[g.kind] ?? g.kind] ?? 0) + g.ms), o), {})).map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(', ')}`);
const cut = sorted[Math.floor(0.95 * sorted.length)].cpu;
const slow = rows.filter((r) => r.cpu >= cut);
const rest = rows.filter((r) => r.cpu < cut);
const name = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
for (const [label, group] of [['slowest 5 %', slow], ['the rest', rest]]) {
  const inGroup = (w) => group.some((r) => w >= r.wall[0] && w <= r.wall[1]);
  const self = new Map();
  let n = 0;
  for (let k = 0; k < profile.samples.length; k++) {
    if (!inGroup(toWall(times[k]))) continue;
    n++;
    const key = name(nodes.get(profile.samples[k]));
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const gcIn = gcs.filter((g) => inGroup(g.at));
  const byKind = {};
  for (const g of gcIn) byKind[GC_KIND[g.kind] ?? g.kind] = (byKind[GC_KIND[g.kind] ?? g.kind] ?? 0) + g.ms;
  const mean = (k) => (group.reduce((s, r) => s + r[k], 0) / group.length).toFixed(2);
  console.log(`\n${label}: ${group.length} keystrokes, CPU mean ${mean('cpu')} (update ${mean('update')}, findings ${mean('publish')}), affected files mean ${mean('affected')}; ${gcIn.length} GCs in them: ${Object.entries(byKind).map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`).join(', ')}; ${n} samples`);
  for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${((100 * c) / n).toFixed(1).padStart(5)} %  ${k}`);
}
console.log('\nslowest keystrokes (index: cpu update/findings, GCs inside):');
for (const r of [...slow].sort((a, b) => b.cpu - a.cpu).slice(0, 12)) {
  const i = rows.indexOf(r);
  const g = gcs.filter((x) => x.at >= r.wall[0] && x.at <= r.wall[1]).map((x) => `${GC_KIND[x.kind] ?? x.kind} ${x.ms.toFixed(1)}`);
  console.log(`  #${i} ${r.cpu.toFixed(2)} = ${r.update.toFixed(2)} + ${r.publish.toFixed(2)} ms, wall ${(r.wall[1] - r.wall[0]).toFixed(2)}; ${g.join(', ')}`);
}
