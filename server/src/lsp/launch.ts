// The language server's first step, bundled to dist/server.js: it loads the server's bundle (dist/server-main.js)
// compiled from a V8 code cache in the user's cache folder (see host/codeCache.ts: named by the bundle's text, Node's
// version and flags; a damaged, foreign or unfitting cache is never used, the bundle is then compiled as usual). Node
// 20 compiles the 1.8 MB bundle afresh in every process; a start answered from stored conclusions spends about a
// third of its CPU time there. FKGUARD_CODE_CACHE=off turns it off.
// The session scans (host/sessionCache.ts) start this script too, on a worker thread: each is an isolate of its own,
// which compiled the whole bundle afresh (a scan of a 2-file workspace took ~140 ms of CPU, ~110 ms from the cache).
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { codeCacheDir, requireWithCodeCache } from '../host/codeCache';
import { raiseColdBudget, restoreBudget, whenRestored } from './coldBudget';

/**
 * When a missing cache is written: a while after the start (the start-up's functions are compiled by then, and go
 * into the cache with the load's) and not before the first index is in (it runs with a budget of its own, see
 * lsp/coldBudget.ts), or at exit if that comes first. The timer does not keep the process alive.
 */
function afterStartUp(write: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    // The cache is written under the flags it was loaded with, also at an exit in the middle of the first index.
    restoreBudget();
    write();
  };
  setTimeout(() => whenRestored(once), 20_000).unref();
  process.once('exit', once);
}

/**
 * A session scan's thread uses the server's cache but never writes it: what a scan compiles is a part of what a
 * server's start does, and the cache it wrote would be the one the next server starts from.
 */
function never(): void {}

requireWithCodeCache(join(__dirname, 'server-main.js'), codeCacheDir(), undefined, isMainThread ? afterStartUp : never);
// After the load, whose code cache is checked under V8's own flags: the server's first index runs with the CLI's
// interrupt budget (see lsp/coldBudget.ts). Not in a session scan's thread: V8's flags are the whole process's, and
// the server's edits go on meanwhile.
if (isMainThread) raiseColdBudget();
