// Instructions per keystroke, counted by callgrind: a figure the machine's load does not move (on the shared
// 2-core machine, CPU time per keystroke moved ±50 % with the other agents' work). One build's engine on the
// bench:lsp workspace, keystrokes as bench/keystroke-ab.mjs makes them (the engine update, then the edited file's
// findings and diagnostics, and those of every other file the update returned); the count covers the keystrokes
// only, not the workspace's scan before them nor the warm-up keystrokes.
//
// Usage: node bench/keystroke-callgrind.mjs <out> <workspace> [--edits N] [--at TEXT] [--warmup N] [--threads]
//   <out>, <workspace>: as for bench/keystroke-ab.mjs. It starts itself under
//   `valgrind --tool=callgrind --instr-atstart=no` and switches counting on and off with callgrind_control around
//   the keystrokes, with node's `--single-threaded` unless `--threads` is given (the switch's own cost is measured too: a second pair of switches around no keystroke, whose
//   count is taken off). Prints the instructions per keystroke on the main thread (what delays the diagnostics)
//   and on every thread (the collector's and the optimising compiler's helpers too: these move with when V8
//   schedules its work, so compare main-thread figures first), and the CPU ms per keystroke under valgrind.
//   Figures only: nothing here runs in `npm test`.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const [out, root] = args.filter((a, i) => !a.startsWith('--') && !['--edits', '--at', '--warmup'].includes(args[i - 1]));
if (!out || !root) {
  console.error('usage: node bench/keystroke-callgrind.mjs <out> <workspace> [--edits N] [--at TEXT] [--warmup N] [--threads]');
  process.exit(2);
}
const EDITS = Number(flag('edits', 100));
const WARMUP = Number(flag('warmup', 150));
const AT = flag('at', undefined);
const FILE = 'app/big.py';

if (!process.env.FKGUARD_UNDER_CALLGRIND) {
  const dir = mkdtempSync(join(tmpdir(), 'fkguard-keystroke-callgrind-'));
  const run = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(dir, 'callgrind.%p')}`,
      process.execPath,
      // V8's collector and optimising compiler on the main thread, hashes and random numbers seeded, so the count
      // does not move with when helper threads happened to run: with them, two runs of one build counted 21.6 and
      // 25.2 M instructions a keystroke over all threads.
      // The memory reducer starts full collections by the clock, which valgrind slows 50-fold: off, and a full
      // collection before each counted stretch, so one does not fall into one run's count and not the other's.
      ...(args.includes('--threads') ? [] : ['--single-threaded', '--hash-seed=1', '--random-seed=1', '--no-memory-reducer', '--expose-gc']),
      fileURLToPath(import.meta.url),
      ...args,
    ],
    { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, FKGUARD_UNDER_CALLGRIND: '1' }, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    process.exit(1);
  }
  // One file per thread for each dump (`callgrind_control --dump=LABEL`) and for the exit; thread 1 is the main
  // thread, the others are V8's helpers (the collector's, the optimising compiler's) and libuv's.
  const sums = new Map();
  for (const n of readdirSync(dir).filter((x) => x.startsWith('callgrind.'))) {
    const text = readFileSync(join(dir, n), 'utf8');
    const total = /^totals:\s+(\d+)/m.exec(text);
    const trigger = /^desc: Trigger: dump (.*)$/m.exec(text);
    const thread = /^thread:\s+(\d+)/m.exec(text);
    if (!trigger || !total) continue;
    const entry = sums.get(trigger[1]) ?? { main: 0, all: 0 };
    entry.all += Number(total[1]);
    if (thread && Number(thread[1]) === 1) entry.main += Number(total[1]);
    sums.set(trigger[1], entry);
  }
  if (!process.env.FKGUARD_KEEP_CALLGRIND) rmSync(dir, { recursive: true, force: true });
  const keys = sums.get('keystrokes');
  const idle = sums.get('switches');
  if (keys === undefined || idle === undefined) {
    console.error(`callgrind dumps not found in ${dir}`);
    process.exit(1);
  }
  const per = (k) => ((keys[k] - idle[k]) / EDITS / 1e6).toFixed(3);
  console.log(
    `instructions per keystroke: main thread ${per('main')} M, all threads ${per('all')} M ` +
      `(${EDITS} keystrokes after ${WARMUP} unmeasured: main ${(keys.main / 1e6).toFixed(1)} M, all ${(keys.all / 1e6).toFixed(1)} M; switches alone main ${(idle.main / 1e6).toFixed(1)} M, all ${(idle.all / 1e6).toFixed(1)} M)`,
  );
  process.exit(0);
}

const control = promisify(execFile);
const callgrind = async (...opts) => {
  await control('callgrind_control', [...opts, String(process.pid)]);
};

const require = createRequire(join(resolve(out), 'x.js'));
const { scanWorkspace } = require('./server/src/host/scan.js');
const { toDiagnostic } = require('./server/src/lsp/diagnostics.js');
const { engine } = await scanWorkspace({ roots: [root], bulk: true, jobs: 1 });
let text = readFileSync(join(root, FILE), 'utf8');
engine.updateFile(FILE, text, { keepTree: true });
for (const f of engine.parsedFiles()) engine.findings(f);
const at = AT ? text.indexOf(AT) : text.indexOf('label = Column(String(64))') + 'label'.length;
const context = { uriOf: (f) => `file:///${f}`, versionOf: () => 1, ruleDocs: () => undefined };
let sink = 0;
const step = (i) => {
  const edit = i % 2 === 0 ? { startIndex: at, oldEndIndex: at, newText: 'x' } : { startIndex: at, oldEndIndex: at + 1, newText: '' };
  text = text.slice(0, edit.startIndex) + edit.newText + text.slice(edit.oldEndIndex);
  const affected = engine.updateFile(FILE, text, { keepTree: true, edits: [edit] });
  sink += JSON.stringify(engine.findings(FILE).map((f) => toDiagnostic(f, context))).length;
  for (const o of affected) if (o !== FILE) sink += JSON.stringify(engine.findings(o).map((f) => toDiagnostic(f, context))).length;
};
for (let i = 0; i < WARMUP; i++) step(i);

// The switches' own cost: on and off around nothing, dumped as "switches".
globalThis.gc?.();
await callgrind('--instr=on');
await callgrind('--instr=off');
await callgrind('--dump=switches');
await callgrind('--zero');
globalThis.gc?.();
const t0 = process.cpuUsage();
await callgrind('--instr=on');
for (let i = 0; i < EDITS; i++) step(WARMUP + i);
await callgrind('--instr=off');
const t1 = process.cpuUsage();
await callgrind('--dump=keystrokes');
console.log(`CPU under valgrind: ${((t1.user + t1.system - t0.user - t0.system) / 1000 / EDITS).toFixed(1)} ms a keystroke (sink ${sink > 0})`);
