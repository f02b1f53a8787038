// Runs a CommonJS bundle of the build (an ASCII file, see scripts/build.mjs `asciiOnly`) compiled from a V8 code cache:
// the CLI's launcher runs dist/cli-main.js this way (cli/launch.ts), each parser thread dist/facts-worker-main.js
// (host/factsWorkerLaunch.ts). Node 20 compiles such a bundle afresh in every process and every thread (it has no
// `module.enableCompileCache`); the code V8 compiled in a first run is kept in the user's cache folder and handed back
// to V8 in the next ones. V8 checks that the data fits its own version and flags and rejects it otherwise; the file
// is named by a hash of the bundle's bytes, so a rebuilt bundle never meets the code of another build. Any failure here
// only costs the compilation it would have saved. The folder, the off switch and the file's framing (a SHA-256 of V8's
// data before it: a release V8 does not check the bytes of a cache it accepts) are those of host/codeCache.ts.

import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import { codeCacheDir, CORRUPT, readOwnFile, sealed, verified } from './codeCache';
import { makeDirectory } from './factsCache';

/**
 * Caches of one name kept: each new build or Node leaves the last one's behind. Three, because one build's parser
 * threads run under three sets of V8 flags, each with a cache of its own (named by V8's tag): the CLI's, the language
 * server's during its first index (lsp/coldBudget.ts) and the server's after it. With two, they took turns evicting
 * each other's.
 */
const KEEP = 3;

/**
 * The code cache file for a bundle (its bytes) under this Node (V8) version and flags, named `<name>-<node>-<hash>.v8`;
 * undefined when caches are off.
 */
function cacheFile(name: string, source: Uint8Array): string | undefined {
  const dir = codeCacheDir();
  if (!dir) return undefined;
  // V8's tag for its version and the flags it checks: flags from NODE_OPTIONS and Electron's own V8 get a file of
  // their own instead of rejecting and rewriting another's on every start.
  const hash = createHash('sha256').update(`${cachedDataVersionTag()}\0`).update(source).digest('hex').slice(0, 32);
  return join(dir, `${name}-${process.version}-${hash}.v8`);
}

function save(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    makeDirectory(dirname(file));
    writeFileSync(tmp, sealed(data), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
    return;
  }
  try {
    const mine = basename(file).replace(/-v\d.*$/, '-');
    const old = readdirSync(dirname(file))
      .filter((name) => name.startsWith(mine) && name.endsWith('.v8'))
      .map((name) => ({ path: join(dirname(file), name), at: statSync(join(dirname(file), name)).mtimeMs }))
      .sort((x, y) => y.at - x.at)
      .slice(KEEP);
    for (const o of old) unlinkSync(o.path);
  } catch {
    // Clean-up is best effort (another process may have removed a file first).
  }
}

/**
 * Runs the bundle `main` as Node would run it as a module, compiled from the cache named `name` when one fits.
 * When none does (none yet, damaged, or V8 refused it), `writeWhen` receives the write and calls it once the run has
 * compiled what later runs need: the cache also holds every function compiled lazily before the write, which is most
 * of the saving. `name` must not end in `-v<digit>…` (the Node version follows it).
 */
export function runBundle(main: string, name: string, writeWhen: (write: () => void) => void): void {
  // The bundle is read as bytes and hashed as bytes, and decoded as Latin-1 when it is plain ASCII, which the build
  // makes it: V8 then keeps a one-byte string, where one character above 127 made the whole text two-byte.
  const bytes = readFileSync(main);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const file = cacheFile(name, bytes);
  const stored = file ? readOwnFile(file) : undefined;
  const checked = stored && verified(stored);
  const cachedData = checked === CORRUPT ? undefined : checked;
  // A bundle run this way holds no `import()` (the build makes them `require` calls): Node 20 runs none in a script
  // compiled here.
  const script = new Script(wrap(source), { filename: main, cachedData });
  if (file && (!cachedData || script.cachedDataRejected)) {
    // (A damaged file, whose digest does not match, is compiled afresh and rewritten too.)
    writeWhen(() => save(file, script.createCachedData()));
  }
  const cjsModule = { exports: {}, filename: main, id: main, loaded: false, children: [], paths: [] };
  (script.runInThisContext() as (...args: unknown[]) => void)(cjsModule.exports, createRequire(main), cjsModule, main, dirname(main));
}
