// Preloaded into a language server by test/lsp/coldBudget.test.ts (`NODE_OPTIONS=--require …`): writes V8's code-cache
// tag (which covers the interrupt budget) to the file FKGUARD_TEST_BUDGET_PROBE names, before the launcher runs, when
// the server says its start is indexed (this listener runs before the launcher's, which was added after it), and
// right after.
import { appendFileSync } from 'node:fs';
import { cachedDataVersionTag } from 'node:v8';
import { isMainThread } from 'node:worker_threads';

const out = process.env.FKGUARD_TEST_BUDGET_PROBE;
if (out && isMainThread) {
  const record = (when: string) => appendFileSync(out, `${when} ${cachedDataVersionTag()}\n`);
  record('start');
  (process as NodeJS.EventEmitter).on('fkguard:start-indexed', () => {
    record('indexed');
    setImmediate(() => record('after'));
  });
}
