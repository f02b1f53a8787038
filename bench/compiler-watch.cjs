// Preloaded into a measured CLI process (`node --require bench/compiler-watch.cjs ...`, which worker threads
// inherit): watches every module request, and when the TypeScript compiler's bundle is required (dist/typescript.js;
// dist/ts-morph.js in builds before it, so older builds can be benched with `--cli`),
// times that first require and appends `{"thread":…,"ms":…}` as a line to $FKGUARD_BENCH_COMPILER_FILE. No line
// means the process never loaded the compiler.
'use strict';
const { appendFileSync } = require('node:fs');
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const { threadId } = require('node:worker_threads');

const out = process.env.FKGUARD_BENCH_COMPILER_FILE;
if (out) {
  const load = Module._load;
  let seen = false;
  Module._load = function (request, ...rest) {
    if (seen || !/ts-morph|(^|[\\/])typescript\.js$/.test(request)) return load.call(this, request, ...rest);
    seen = true;
    const t = performance.now();
    try {
      return load.call(this, request, ...rest);
    } finally {
      try {
        appendFileSync(out, `${JSON.stringify({ thread: threadId, request, ms: performance.now() - t })}\n`);
      } catch {
        // A bench measurement must never change the measured program's behaviour.
      }
    }
  };
}
