// A worker thread that turns file texts into facts: the parsing half of a scan, run on another core.
// Facts are plain data, so they cross back to the main thread by structured clone.
import { parentPort } from 'node:worker_threads';
import { analyzeSource } from '../core/engine';
import { sourceDialects } from './dialects';
import { loadPython } from './python';
import type { FactsRequest, FactsResponse } from './factsPool';

const port = parentPort;
if (port) {
  const ready = loadPython();
  // Each worker has its own dialects: the TypeScript compiler loads here only if a TypeScript file comes.
  const dialects = sourceDialects();
  port.on('message', (batch: FactsRequest[]) => {
    void ready.then(
      (python) => {
        const out: FactsResponse[] = batch.map((r) => {
          try {
            return { id: r.id, facts: analyzeSource(python, dialects, r.file, r.text) };
          } catch (e) {
            return { id: r.id, error: e instanceof Error ? e.message : String(e) };
          }
        });
        port.postMessage(out);
      },
      (e: unknown) => port.postMessage(batch.map((r) => ({ id: r.id, error: `cannot load the Python parser: ${String(e)}` }))),
    );
  });
}
