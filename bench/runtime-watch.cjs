// Preloaded into a measured CLI process (`node --require bench/runtime-watch.cjs ...`): notes each worker thread
// the process starts and each WebAssembly module it compiles (web-tree-sitter and its grammars are the only
// wasm FK Guard loads), appending `{"thread":…,"event":"worker"|"wasm"}` lines to $FKGUARD_BENCH_RUNTIME_FILE.
// No line means no worker and no parser: what a scan answered wholly from the cache must show.
'use strict';
const { appendFileSync } = require('node:fs');
const workerThreads = require('node:worker_threads');

const out = process.env.FKGUARD_BENCH_RUNTIME_FILE;
if (out) {
  const note = (event) => {
    try {
      appendFileSync(out, `${JSON.stringify({ thread: workerThreads.threadId, event })}\n`);
    } catch {
      // A bench measurement must never change the measured program's behaviour.
    }
  };
  const Base = workerThreads.Worker;
  workerThreads.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      note('worker');
    }
  };
  for (const name of ['compile', 'instantiate']) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      // `instantiate` of an already compiled module is not a new load.
      if (name === 'compile' || !(args[0] instanceof WebAssembly.Module)) note('wasm');
      return original.apply(this, args);
    };
  }
}
