import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { FileFacts } from '../core/types';
import { isFileFacts } from './factsShape';
import { describeFsError } from './fsErrors';

const CACHE_FILE = 'facts-v2.json';
const SECRET_FILE = 'secret';

/**
 * What is on disk. `payload` is the JSON of the entries, kept as a string so the MAC is checked on exactly the
 * bytes that were signed; `mac` is an HMAC of `key` and `payload` under this machine's secret.
 */
interface CacheFile {
  key: string;
  mac: string;
  payload: string;
}

type Entries = Record<string, { hash: string; facts: FileFacts | null }>;

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/**
 * The user's cache folder for FK Guard: `$XDG_CACHE_HOME/fkguard`, else the platform's usual place. It is
 * outside every repository, so no checkout can bring a cache (or the secret that signs one) with it.
 */
export function userCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/')) return join(env.XDG_CACHE_HOME, 'fkguard');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'fkguard', 'cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'fkguard');
  return join(homedir(), '.cache', 'fkguard');
}

/** The default cache folder of one scanned base folder: in the user's cache, named by a hash of its path. */
export function defaultCacheDir(base: string, env: NodeJS.ProcessEnv = process.env): string {
  const abs = resolve(base);
  const tag = basename(abs).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'root';
  return join(userCacheRoot(env), 'workspaces', `${tag}-${createHash('sha256').update(abs).digest('hex').slice(0, 16)}`);
}

/**
 * Creates `dir` and its missing parents one level at a time. Node 20's `mkdirSync(..., { recursive: true })`
 * never returns for some paths (`/proc/x`: it retries the parent forever); a plain `mkdir` per level fails
 * with the real reason instead. Throws an Error whose message says which folder and why.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    let st;
    try {
      st = statSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' || dirname(d) === d) throw new Error(`${d}: ${describeFsError(err, 'create')}`);
      missing.push(d);
      continue;
    }
    if (!st.isDirectory()) throw new Error(`${d} is not a folder`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create ${d}: ${describeFsError(err, 'create')}`);
    }
  }
}

/**
 * This machine's secret for signing caches: 32 random bytes in the user's cache folder, readable by its owner
 * only. It never leaves the machine, so a cache file made anywhere else (a repository, another user) does not
 * authenticate. Undefined when it cannot be read or made: the cache is then not used at all.
 */
export function machineSecret(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const root = userCacheRoot(env);
  const file = join(root, SECRET_FILE);
  const read = (): Buffer | undefined => {
    try {
      const st = statSync(file);
      // Another user's or a world-readable secret could be known to someone else.
      const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
      if (!st.isFile() || !mine || (process.platform !== 'win32' && (st.mode & 0o077) !== 0)) return undefined;
      const bytes = readFileSync(file);
      return bytes.length === 32 ? bytes : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = read();
  if (existing) return existing;
  try {
    makeDirectory(root);
    const tmp = join(root, `.${SECRET_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    writeFileSync(tmp, randomBytes(32), { mode: 0o600, flag: 'wx' });
    try {
      // Two processes may race to make it: the rename makes one of them win, and both then read the winner.
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
    }
  } catch {
    return undefined;
  }
  return read();
}

function sign(secret: Buffer, key: string, payload: string): string {
  return createHmac('sha256', secret).update(key).update('\0').update(payload).digest('base64');
}

/**
 * The facts of files from an earlier run, by file and content hash, so a scan of an unchanged file skips
 * parsing it. A cache can only ever cost or save time, never change a result, so:
 * - `key` names the code that computed the facts (the CLI passes a hash of its own bundle): a cache written by
 *   another build is ignored, so facts never outlive the extractor that made them;
 * - the file is signed with this machine's secret (`machineSecret`): a cache that was committed, copied or
 *   forged does not authenticate and is ignored whole;
 * - every entry is checked for shape before use (`isFileFacts`); a bad one is dropped and its file parsed again.
 * Every failure to read or write the cache is silent: it only ever costs speed.
 */
export class FactsCache {
  private dirty = false;
  hits = 0;

  private constructor(
    private readonly dir: string,
    private readonly key: string,
    private readonly secret: Buffer | undefined,
    private readonly entries: Entries,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static open(dir: string, key: string, env: NodeJS.ProcessEnv = process.env): FactsCache {
    const secret = machineSecret(env);
    const entries: Entries = Object.create(null) as Entries;
    const cache = new FactsCache(dir, key, secret, entries, env);
    if (!secret) return cache;
    let raw: Partial<CacheFile>;
    try {
      raw = JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as Partial<CacheFile>;
    } catch {
      // No cache yet, or one that cannot be read: start empty.
      return cache;
    }
    if (!raw || raw.key !== key || typeof raw.payload !== 'string' || typeof raw.mac !== 'string') return cache;
    const expected = Buffer.from(sign(secret, key, raw.payload));
    const given = Buffer.from(raw.mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return cache;
    let files: unknown;
    try {
      files = JSON.parse(raw.payload);
    } catch {
      return cache;
    }
    if (!files || typeof files !== 'object' || Array.isArray(files)) return cache;
    for (const [id, e] of Object.entries(files as Record<string, unknown>)) {
      const entry = e as { hash?: unknown; facts?: unknown } | null;
      const valid =
        entry !== null &&
        typeof entry === 'object' &&
        typeof entry.hash === 'string' &&
        (entry.facts === null || isFileFacts(entry.facts, id));
      if (valid) entries[id] = entry as Entries[string];
      // A dropped entry is written out again once its file is parsed.
      else cache.dirty = true;
    }
    return cache;
  }

  /** The cached facts (`null`: the file defines nothing FK Guard reads), or undefined on a miss. */
  get(file: string, hash: string): FileFacts | null | undefined {
    const e = this.entries[file];
    if (!e || e.hash !== hash) return undefined;
    this.hits++;
    return e.facts;
  }

  set(file: string, hash: string, facts: FileFacts | undefined): void {
    const e = this.entries[file];
    if (e && e.hash === hash && (e.facts ?? undefined) === facts) return;
    this.entries[file] = { hash, facts: facts ?? null };
    this.dirty = true;
  }

  /** Forgets files that are no longer in the workspace, so the cache does not grow forever. */
  retain(files: ReadonlySet<string>): void {
    for (const f of Object.keys(this.entries)) {
      if (!files.has(f)) {
        delete this.entries[f];
        this.dirty = true;
      }
    }
  }

  save(): void {
    if (!this.dirty || !this.secret) return;
    const tmp = join(this.dir, `.${CACHE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      makeDirectory(this.dir);
      const payload = JSON.stringify(this.entries);
      const file: CacheFile = { key: this.key, mac: sign(this.secret, this.key, payload), payload };
      writeFileSync(tmp, JSON.stringify(file), { mode: 0o600, flag: 'wx' });
      renameSync(tmp, join(this.dir, CACHE_FILE));
      this.dirty = false;
    } catch {
      // A full disk or a read-only folder: the next run parses again. Nothing half-written stays behind.
      rmSync(tmp, { force: true });
      return;
    }
    this.ignoreInGit();
  }

  /** A folder named with `--cache-dir` inside a repository says itself that it is not to be committed. */
  private ignoreInGit(): void {
    const file = join(this.dir, '.gitignore');
    if (resolve(this.dir).startsWith(userCacheRoot(this.env) + sep) || existsSync(file)) return;
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, '# Created by fkguard.\n*\n', { flag: 'wx' });
      renameSync(tmp, file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}

/**
 * Set by the build (scripts/build.mjs) in every bundle: a hash of the sources that compute facts and of the parser
 * versions, the same in the CLI and the language server, so the two share one cache.
 */
declare const __FKGUARD_CODE_KEY__: string | undefined;

/**
 * A key for the code running now: the build's key of the fact-making sources when this runs from a bundle (the
 * CLI and the language server then read and write the same cache), else the hash of the compiled file this module
 * was loaded from.
 */
export function codeKey(): string {
  if (typeof __FKGUARD_CODE_KEY__ === 'string') return __FKGUARD_CODE_KEY__;
  try {
    return contentHash(readFileSync(__filename, 'utf8'));
  } catch {
    return 'unknown';
  }
}
