// A worker thread that turns file texts into facts: the parsing half of a scan, run on another core.
// Facts are plain data, so they cross back to the main thread by structured clone.
import { parentPort } from 'node:worker_threads';
import { analyzeSource } from '../core/engine';
import { type PythonSupport, pythonDialect } from '../core/python/dialect';
import { loadPython, scannerOn } from './python';
import type { FactsRequest, FactsResponse } from './factsPool';

const port = parentPort;
if (port) {
  // Only Python comes here (see scan.ts), so the worker's bundle carries no other language's parser. The parser
  // loads on the first file the dialect's scanner does not read whole (see python/scanner.ts).
  let loaded: PythonSupport | undefined;
  let loading: Promise<PythonSupport> | undefined;
  const support: PythonSupport = {
    get parser() {
      if (!loaded) throw new Error('the Python parser was used before it was loaded');
      return loaded.parser;
    },
    recover: () => loaded?.recover?.(),
    scanner: scannerOn(),
  };
  const dialect = pythonDialect(support);
  const dialects = [dialect];
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (batch: FactsRequest[]) => {
    queue = queue.then(async () => {
      const out: FactsResponse[] = [];
      for (const r of batch) {
        try {
          if (!loaded && dialect.isCandidate(r.file, r.text) && dialect.needsParser!(r.file, r.text)) {
            try {
              loaded = await (loading ??= loadPython());
            } catch (e) {
              out.push({ id: r.id, error: `cannot load the Python parser: ${String(e)}` });
              continue;
            }
          }
          out.push({ id: r.id, facts: analyzeSource(dialects, r.file, r.text) });
        } catch (e) {
          out.push({ id: r.id, error: e instanceof Error ? e.message : String(e) });
        }
      }
      port.postMessage(out);
    });
  });
}
