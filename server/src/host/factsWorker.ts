// A worker thread that turns file texts into facts: the parsing half of a scan, run on another core.
// Facts are plain data; they cross back to the main thread as JSON text (see `FactsPool`), or as numbers when the
// main thread asks for it (see factsWire.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeSource } from '../core/engine';
import { type PythonSupport, pythonDialect } from '../core/python/dialect';
import { sqlDialect } from '../core/sql/dialect';
import { loadPython, scannerOn } from './python';
import type { FactsAnswers, FactsRequest, FactsResponse, WorkerOptions } from './factsPool';
import { WireEncoder } from './factsWire';

const port = parentPort;
if (port) {
  // Only Python and SQL come here (see scan.ts), so the worker's bundle carries no other language's parser. The
  // Python parser loads on the first Python file the dialect's scanner does not read whole (see python/scanner.ts;
  // a .sql file is never a Python candidate, so it never loads it); the SQL parser loads on the first statement
  // that needs it (see core/sql/extract.ts).
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
  const dialects = [dialect, sqlDialect];
  const wire = (workerData as WorkerOptions | undefined)?.wire;
  const encoder = wire ? new WireEncoder(wire.spans) : undefined;
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (batch: FactsRequest[]) => {
    queue = queue.then(async () => {
      const out: FactsResponse[] = [];
      encoder?.startBatch();
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
          const facts = analyzeSource(dialects, r.file, r.text);
          const at = facts !== undefined && encoder ? encoder.encode(facts) : -1;
          if (at >= 0) out.push({ id: r.id, at });
          // Facts the encoder declined (see `WireEncoder.encode`) are sent as plain data.
          else out.push({ id: r.id, facts });
        } catch (e) {
          out.push({ id: r.id, error: e instanceof Error ? e.message : String(e) });
        }
      }
      // As JSON text and numbers, not by structured clone: see `FactsAnswers`.
      if (encoder) {
        const { ints, ...rest } = encoder.takeBatch();
        const answers: FactsAnswers = { head: JSON.stringify({ ...rest, answers: out }), ints };
        port.postMessage(answers, [ints.buffer]);
      } else {
        const answers: FactsAnswers = { head: JSON.stringify({ answers: out }) };
        port.postMessage(answers);
      }
    });
  });
}
