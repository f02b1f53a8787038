// A worker thread that turns file texts into facts: the parsing half of a scan, run on another core.
// Facts are plain data, so they cross back to the main thread by structured clone.
import { parentPort } from 'node:worker_threads';
import { analyzeSource } from '../core/engine';
import { pythonDialect } from '../core/python/dialect';
import { sqlDialect } from '../core/sql/dialect';
import { loadPython } from './python';
import type { FactsRequest, FactsResponse } from './factsPool';

const port = parentPort;
if (port) {
  // Only Python and SQL come here (see scan.ts), so the worker's bundle carries no other language's parser. The SQL
  // parser loads on the first statement that needs it (see core/sql/extract.ts).
  const ready = loadPython();
  port.on('message', (batch: FactsRequest[]) => {
    void ready.then(
      (python) => {
        const dialects = [pythonDialect(python), sqlDialect];
        const out: FactsResponse[] = batch.map((r) => {
          try {
            return { id: r.id, facts: analyzeSource(dialects, r.file, r.text) };
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
