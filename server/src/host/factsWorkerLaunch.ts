// A parser thread's first step, bundled to dist/facts-worker.js (the script `FactsPool` starts): it runs the thread's
// bundle (dist/facts-worker-main.js, host/factsWorker.ts) compiled from a V8 code cache (see host/bundleCache.ts).
// Each thread is a V8 isolate of its own and compiled the 0.9 MB bundle, and then the scanner and readers it runs,
// afresh; the code cache spares that.
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { runBundle } from './bundleCache';

/**
 * The cache is written as the thread sends its first answer: by then it has compiled the code a batch runs (the
 * scanner, the readers, the parser's glue when a file needed it), which the next threads are spared. It is written
 * before the answer goes out, not after: the main thread terminates a thread once it has every answer it waits for (no
 * exit event runs then), which would cut a write short and leave its temporary file behind. That delays the first
 * answer of the first thread of a build by the write (about 10 ms), once.
 */
function atFirstAnswer(write: () => void): void {
  const port = parentPort;
  if (!port) return;
  const post = port.postMessage;
  port.postMessage = function (this: typeof port, ...args: Parameters<typeof post>): void {
    port.postMessage = post;
    try {
      write();
    } finally {
      post.apply(this, args);
    }
  };
}

runBundle(join(__dirname, 'facts-worker-main.js'), 'facts-worker', atFirstAnswer);
