// The `fkguard` executable's first step, bundled to dist/cli.js: it sets the V8 flags of a one-shot scan, then runs the
// CLI's bundle (dist/cli-main.js) with a V8 code cache (see host/bundleCache.ts). Node 20 compiles the 1.8 MB bundle
// afresh in every process (it has no `module.enableCompileCache`), which costs a warm scan a tenth of its time; the
// code V8 compiled in the first run is kept in the user's cache folder and handed back to V8 in the next ones.

import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runBundle } from '../host/bundleCache';

// A cold scan spends about 40 % of its CPU in V8's optimising compiler, on its background threads (realshaped: 1.1 of
// 2.5 s), not in the scan's own code. Inlining less per optimised function makes each compile cheaper, while the
// code it makes runs about as fast: realshaped 2.55 -> 2.40 s CPU (median of 8 runs alternating at load 21-27), 1k
// 5.34 -> 5.01 s. Set before the code cache's tag is read, so the cache matches the flags it is used with.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
// A function is optimised once it has run through its interrupt budget of bytecode (V8 11.3's default: 67,584
// bytes). In a one-shot scan most functions that reach the default budget run only a little longer, so their
// optimising compile costs more than it saves: with 300,000 only the functions that keep running are optimised.
// Realshaped cold 1.70 -> 1.47 s CPU (the optimising compiler's threads 0.62 -> 0.31 s, the main thread 1.02 ->
// 1.08 s), real 3.42 -> 2.92 s, 1k 3.75 -> 3.66 s (medians of 3-4 runs alternating, load 25-31); 600,000 made the
// main thread slower than it saved on real and 1k. The language server, which runs on, keeps V8's default.
setFlagsFromString('--interrupt-budget=300000');
// tree-sitter (WebAssembly) loads only for a Python file the scanner declines. V8 first compiles its functions with
// Liftoff, its baseline compiler, then re-compiles the busy ones with TurboFan; two of them are very large (the
// grammar's lexer and the parser's main loop, 10 and 27 KB of wasm), and TurboFan takes 0.1-0.5 s of CPU and about
// 25 MB on them, more than a one-shot scan ever wins back. Liftoff only: a workspace with one declined file 0.224 ->
// 0.123 s CPU and 88 -> 60 MB peak (12 pairs alternating, load 21); polar (14 declined files) 1.50 -> 1.37 s, 146 ->
// 132 MB (8 pairs, load 18). Only when tree-sitter reads every file (FKGUARD_PYTHON_SCANNER=0, realshaped: 3.4 MB)
// does the slower code cost more than the compile: 3.76 -> 4.18 s. The language server, which runs on and parses
// the same files again at each edit, keeps V8's tiering.
setFlagsFromString('--liftoff-only');

// One cache per command: the code a run leaves behind is the code its command needed (`--version` compiles next to
// nothing a scan needs). It is written at exit, so it also holds every function the run compiled lazily.
const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
runBundle(join(__dirname, 'cli-main.js'), `cli-${command}`, (write) => process.once('exit', write));
