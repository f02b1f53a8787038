// Loads a large CommonJS bundle with a V8 code cache, so a process compiles it once per machine rather than once
// per start. Node 20 has no `module.enableCompileCache` (22 has); this is the same idea for one file.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';
import { makeDirectory, userCacheRoot } from './factsCache';

/** The parts of Node's CommonJS loader this file takes part in; stable since Node 0.x, used as v8-compile-cache does. */
interface LoaderModule {
  exports: unknown;
  require(id: string): unknown;
}
type Compile = (this: LoaderModule, content: string, filename: string) => unknown;
const loader = Module as unknown as { prototype: { _compile: Compile }; wrap(source: string): string; _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string; _cache: unknown };

/**
 * The folder of FK Guard's code caches, or undefined when they are off: `FKGUARD_CODE_CACHE=off` turns them off
 * (a bench measures the load both ways), any other value is the folder to use; by default it is `code` in the
 * user's cache folder. Like the facts cache it is the user's own folder, outside every repository: a cache is
 * compiled code, and only the user's own processes can write there.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.FKGUARD_CODE_CACHE;
  if (setting === 'off' || setting === '0') return undefined;
  if (!setting) return join(userCacheRoot(env), 'code');
  // A relative folder is taken from the current directory, as a shell would, rather than silently ignored.
  return isAbsolute(setting) ? setting : resolve(setting);
}

/**
 * `require(file)`, with `file` compiled from a V8 code cache kept in `cacheDir` (see `codeCacheDir`) when one
 * fits, and the cache written when none did. Loading the TypeScript compiler's bundle (then dist/ts-morph.js,
 * 7 MB) took about 0.4 s of CPU, of which the cache saved about three quarters (ts1k bench, 2-core machine).
 *
 * The module goes through Node's own loader (`require`), so it lands in the require cache once, and tools that
 * watch module loads (bench/compiler-watch.cjs) see it; only the compilation of this one file is replaced. A
 * cache is named by a hash of the module's text, the Node version and options (see `cacheName`), so a rebuilt
 * bundle or another Node never reads a cache made for something else; V8 itself also rejects a cache that does
 * not fit its version, flags or source, and then the file is compiled as usual and the cache written anew. A
 * cache file that is damaged, not the user's own, or writable by others is never used. Any failure to read or
 * write a cache only costs the time it would have saved.
 *
 * `writeWhen`, when given, decides when a cache that is to be written is written: it receives the write and calls
 * it later (a long-lived process, the language server, writes once its start-up has run, so the cache also holds
 * every function compiled since the load, most of what a start compiles). Without it the cache is written at once.
 */
export function requireWithCodeCache(
  file: string,
  cacheDir: string | undefined,
  onCache?: (what: CacheEvent) => void,
  writeWhen?: (write: () => void) => void,
): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!cacheDir) return require(file);
  const original = loader.prototype._compile;
  loader.prototype._compile = function (this: LoaderModule, content: string, filename: string): unknown {
    if (filename !== file) return original.call(this, content, filename);
    return compileWithCache(this, content, filename, cacheDir, onCache, writeWhen);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  } finally {
    loader.prototype._compile = original;
  }
}

/**
 * What became of the cache on a load: `used` (compiled from it), `rejected` (damaged, or V8 refused it:
 * compiled as usual and written anew), `written` (there was none, or none to trust, and one was written),
 * `unsaved` (a cache was to be written and could not be: read-only or full disk; the next start compiles again).
 */
export type CacheEvent = 'used' | 'rejected' | 'written' | 'unsaved';

function compileWithCache(
  module: LoaderModule,
  content: string,
  filename: string,
  cacheDir: string,
  onCache?: (what: CacheEvent) => void,
  writeWhen?: (write: () => void) => void,
): unknown {
  const cacheFile = join(cacheDir, cacheName(filename, content));
  // No cache yet (or one not to be used): compile as usual, then write it.
  const bytes = readOwnFile(cacheFile);
  const cached = bytes && verified(bytes);
  const script = new Script(loader.wrap(content), { filename, cachedData: cached === CORRUPT ? undefined : cached });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  // What Node's loader hands a module as `require` (the bundle uses `require(id)` and `require.resolve`).
  const moduleRequire = Object.assign((id: string) => module.require(id), {
    resolve: (request: string, options?: unknown) => loader._resolveFilename(request, module, false, options),
    cache: loader._cache,
    main: require.main,
  });
  const result = wrapper.call(module.exports, module.exports, moduleRequire, module, filename, dirname(filename));
  const what: CacheEvent = cached === undefined ? 'written' : cached === CORRUPT || script.cachedDataRejected ? 'rejected' : 'used';
  if (what === 'used') onCache?.(what);
  else {
    const write = () => {
      const saved = writeCache(cacheDir, filename, cacheFile, script.createCachedData());
      onCache?.(saved ? what : 'unsaved');
    };
    if (writeWhen) writeWhen(write);
    else write();
  }
  return result;
}

/**
 * A cache file is the SHA-256 of V8's data, then the data. A release build of V8 checks a code cache's version,
 * flags and source length but not its bytes (`--verify-snapshot-checksum` is off), and would run corrupt
 * bytecode: the digest keeps a damaged file (a bad disk, a partial copy) from ever reaching it. It is no
 * defence against someone who can write the user's cache folder, who could as well change the user's shell
 * start-up files.
 */
const DIGEST = 32;
export const CORRUPT = Buffer.alloc(0);

/** The V8 data of a cache file, or `CORRUPT` when its digest does not match. */
export function verified(file: Buffer): Buffer {
  const data = file.subarray(DIGEST);
  return file.length > DIGEST && createHash('sha256').update(data).digest().equals(file.subarray(0, DIGEST)) ? data : CORRUPT;
}

/** A cache file's bytes for V8's data: its digest, then the data (see `verified`). */
export function sealed(data: Buffer): Buffer {
  return Buffer.concat([createHash('sha256').update(data).digest(), data]);
}

/**
 * `typescript-<hash>.bin`: the file's name, and a hash of what a cache made for it depends on: the module's text
 * (about 5 ms for 7 MB, and never stale, where a size and a date could be), the Node version and architecture,
 * and Node's options: V8 rejects a cache made under other flags (`--cpu-prof`), so each set of options has its
 * own rather than each process rewriting the other's. Preloaded modules (`--require`) change nothing V8 checks.
 * V8's own tag for what it checks (`v8.cachedDataVersionTag()`: its version and the flags that matter) is part
 * of the key too: flags set through NODE_OPTIONS (`--max-old-space-size`, `--jitless`) are not in execArgv, and
 * Electron (VS Code's extension host) reports a Node version but runs its own V8. Without the tag, a CLI run
 * with NODE_OPTIONS and the editor's server would each reject and rewrite the other's cache on every start.
 */
function cacheName(filename: string, content: string): string {
  const options = process.execArgv.filter((a, i, all) => !/^(?:-r|--require)(?:=|$)/.test(a) && !/^(?:-r|--require)$/.test(all[i - 1] ?? ''));
  const key = createHash('sha256')
    .update(`${process.version}\0${process.arch}\0${cachedDataVersionTag()}\0${options.join(' ')}\0`)
    .update(content)
    .digest('hex')
    .slice(0, 16);
  return `${prefix(filename)}${key}.bin`;
}

/**
 * A cache file's bytes, if it is a file that belongs to this user and no one else may write it (else it is not
 * used: another user could plant code), or undefined when there is none or it cannot be read.
 */
export function readOwnFile(file: string): Buffer | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile()) return undefined;
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

const prefix = (filename: string) => `${basename(filename, '.js').replace(/[^A-Za-z0-9._-]/g, '_')}-`;

/** Caches of one file kept: a rebuilt bundle or a new Node leaves its old cache behind, each as large as the bundle. */
const KEEP = 3;

/** A temporary file older than this is left over from a process that died while writing (a write takes ~50 ms). */
const STALE_TMP_MS = 10 * 60 * 1000;

/**
 * Writes a cache (a temporary name, then a rename, so a reader never sees half a file) and removes this file's
 * caches but the `KEEP` most recently written, and temporary files that a killed process left behind. True when
 * the cache was written. A write that fails (full disk) removes its temporary file: as large as the bundle, it
 * would otherwise stay forever.
 */
function writeCache(cacheDir: string, filename: string, cacheFile: string, data: Buffer): boolean {
  // worker_threads is loaded here, not with the bundle (see FactsPool.start), which loads it only to write a cache.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { threadId } = require('node:worker_threads') as typeof import('node:worker_threads');
  const tmp = `${cacheFile}.${process.pid}-${threadId}.tmp`;
  try {
    makeDirectory(cacheDir);
    writeFileSync(tmp, sealed(data), { mode: 0o600 });
    renameSync(tmp, cacheFile);
  } catch {
    // A cache folder that cannot be written (read-only home, full disk): the next start compiles again.
    try {
      unlinkSync(tmp);
    } catch {
      // Never created.
    }
    return false;
  }
  try {
    const mine = prefix(filename);
    const now = Date.now();
    for (const name of readdirSync(cacheDir)) {
      if (!name.startsWith(mine) || !name.endsWith('.tmp')) continue;
      try {
        if (now - statSync(join(cacheDir, name)).mtimeMs > STALE_TMP_MS) unlinkSync(join(cacheDir, name));
      } catch {
        // Another process finished or removed it.
      }
    }
    const others = readdirSync(cacheDir)
      .filter((name) => name.startsWith(mine) && name.endsWith('.bin'))
      .map((name) => {
        try {
          return { file: join(cacheDir, name), at: statSync(join(cacheDir, name)).mtimeMs };
        } catch {
          return undefined;
        }
      })
      .filter((x): x is { file: string; at: number } => x !== undefined)
      .sort((x, y) => y.at - x.at);
    for (const old of others.slice(KEEP)) {
      try {
        unlinkSync(old.file);
      } catch {
        // Another process removed it first.
      }
    }
  } catch {
    // Clean-up is best effort: the cache itself was written.
  }
  return true;
}
