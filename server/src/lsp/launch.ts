// The language server's first step, bundled to dist/server.js: it loads the server's bundle (dist/server-main.js)
// compiled from a V8 code cache in the user's cache folder (see host/codeCache.ts: named by the bundle's text, Node's
// version and flags; a damaged, foreign or unfitting cache is never used, the bundle is then compiled as usual). Node
// 20 compiles the 1.8 MB bundle afresh in every process; a start answered from stored conclusions spends about a
// third of its CPU time there. FKGUARD_CODE_CACHE=off turns it off.
import { join } from 'node:path';
import { codeCacheDir, requireWithCodeCache } from '../host/codeCache';

/**
 * When a missing cache is written: a while after the start (the start-up's functions are compiled by then, and go
 * into the cache with the load's), or at exit if that comes first. The timer does not keep the process alive.
 */
function afterStartUp(write: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    write();
  };
  setTimeout(once, 20_000).unref();
  process.once('exit', once);
}

requireWithCodeCache(join(__dirname, 'server-main.js'), codeCacheDir(), undefined, afterStartUp);
