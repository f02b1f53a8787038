import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { EngineStats } from '../core/engine';
import type { FileFacts, Finding, UncheckedReference } from '../core/types';
import type { Dependencies } from './conclusionsSince';
import { isFileFacts } from './factsShape';
import { describeFsError } from './fsErrors';
import type { FolderRecord, WalkMemory } from './workspace';

/**
 * The facts of every file, behind a signed header (see `FactsCache`). Version 3 replaced one JSON document
 * (parsed whole, twice, on every run) with an index and per-file slices, so a run reads only what it uses.
 */
const CACHE_FILE = 'facts-v4.cache';
/** Earlier formats, deleted when a new cache is written so they do not linger in the folder. */
const OLD_CACHE_FILES = ['facts-v3.cache', 'facts-v2.json', 'facts-v1.json'];
/** What the last complete scan concluded (findings, unchecked references, stats), and from which inputs. */
const CONCLUSIONS_FILE = 'conclusions-v1.cache';
/** What the last walk found in each folder (see `FolderRecord`), for the options it was made with. */
const WALK_FILE = 'walk-v1.cache';
const SECRET_FILE = 'secret';
const FACTS_MAGIC = 'FKGUARD-FACTS 4';
const CONCLUSIONS_MAGIC = 'FKGUARD-CONCLUSIONS 1';
const WALK_MAGIC = 'FKGUARD-WALK 1';

/**
 * The header line of a cache file, after its magic line. `mac` is an HMAC, under this machine's secret, of `key`
 * and of the index (the `indexBytes` bytes after the header line); each file's facts are bound to the index by
 * their SHA-256 digest in it, checked when they are used. A run that uses no facts (stored conclusions) then
 * authenticates a few hundred kilobytes, not the whole file (15 MB on the bench's real-like workspace).
 */
interface FactsHeader {
  key: string;
  mac: string;
  indexBytes: number;
}

/**
 * Per file: content hash, digest of the facts' JSON (null: no facts), the facts' byte range in the body, and
 * what `FileNote` holds (its stamp, or null when the file was too new to trust one; a skip reason or null; 1 for a
 * byte-order mark, else 0).
 */
type IndexEntry = [hash: string, digest: string | null, start: number, length: number, stamp: string | null, skip: string | null, bom: 0 | 1];

/**
 * What a scan knows of a file besides its facts, so that a later scan can take the file as unchanged from its
 * stamp alone, without reading it.
 */
export interface FileNote {
  /** `fileStamp` of the file when it was read; absent when it was too recent to be trusted later. */
  stamp?: string;
  /** Why the scan leaves the file out (see `Engine.skipReason`), for a scan that does not read it. */
  skip?: string;
  bom: boolean;
}

/**
 * A file's stamp: size, modification and status-change times, inode and device. A file written to gets a new
 * modification time and a new status-change time; the latter cannot be set back by any tool (`touch -d`,
 * `cp -p`, `rsync -a`, `tar x` set only the former), and a file replaced by another gets another inode.
 */
export function fileStamp(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number; dev: number }): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}:${st.dev}`;
}

/**
 * How old a file's last change must be, when it is read, for its stamp to be trusted later. A file system that
 * keeps times to the second (ext3, HFS+; FAT: two seconds) gives a file written twice within the same second
 * the same times, so a stamp taken within that second could miss the second write (git's "racily clean"
 * entries); a change older than this margin cannot be followed by one with the same times.
 */
export const STAMP_MARGIN_MS = 3000;

/** The stamp to keep for a file stat-ed at `now` (before it was read), or undefined if it is too recent. */
export function trustedStamp(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number; dev: number }, now: number): string | undefined {
  return now - st.mtimeMs > STAMP_MARGIN_MS && now - st.ctimeMs > STAMP_MARGIN_MS ? fileStamp(st) : undefined;
}

interface Entry {
  hash: string;
  /** A hash of `json`: equal digests, equal facts. Null when the file defines nothing FK Guard reads. */
  digest: string | null;
  /** The facts as parsed and checked, once asked for. */
  facts?: FileFacts | null;
  /**
   * The facts' JSON, as bytes (read from the file, or written by `set`). Empty for null facts; undefined until
   * the facts part of the file is read (see `FactsCache.jsonOf`).
   */
  json: Uint8Array | undefined;
  /** Where the facts' JSON lies in the facts part of the file (start, length), for an entry read from it. */
  span?: [number, number];
  /** `json` was made by this process (`set`), so it needs no check against `digest`. */
  own?: boolean;
  note: FileNote;
}

/** The digest of a file's facts: it binds them to the signed index (see `FactsHeader`). */
function factsDigest(json: Uint8Array): string {
  return createHash('sha256').update(json).digest('base64');
}

/** What a scan concluded, as `fkguard scan` reports it. */
export interface Conclusions {
  findings: Finding[];
  unchecked: UncheckedReference[];
  stats: EngineStats;
  /** What the language server needs to know which findings hold after files changed (see conclusionsSince.ts). */
  dependencies?: Dependencies;
}

export function contentHash(content: string | Uint8Array): string {
  return createHash('sha1').update(content).digest('base64');
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

function sign(secret: Buffer, key: string, body: Uint8Array | readonly Uint8Array[]): string {
  const mac = createHmac('sha256', secret).update(key).update('\0');
  for (const part of Array.isArray(body) ? body : [body]) mac.update(part);
  return mac.digest('base64');
}

function macMatches(secret: Buffer, key: string, body: Uint8Array, mac: unknown): boolean {
  if (typeof mac !== 'string') return false;
  const expected = Buffer.from(sign(secret, key, body));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Splits a cache file into its header (the JSON line after the magic line) and its body. Undefined when the
 * bytes do not start that way: another format, a truncated write, or garbage.
 */
function splitCacheFile(bytes: Buffer, magic: string): { header: Record<string, unknown>; body: Buffer } | undefined {
  const prefix = `${magic}\n`;
  if (bytes.length < prefix.length || bytes.toString('latin1', 0, prefix.length) !== prefix) return undefined;
  const end = bytes.indexOf(0x0a, prefix.length);
  if (end < 0) return undefined;
  try {
    const header = JSON.parse(bytes.toString('utf8', prefix.length, end)) as unknown;
    if (!header || typeof header !== 'object' || Array.isArray(header)) return undefined;
    return { header: header as Record<string, unknown>, body: bytes.subarray(end + 1) };
  } catch {
    return undefined;
  }
}

/** The largest header line read: a key, a MAC and a length (about 150 bytes) fit many times. */
const HEAD_BYTES = 4096;

/**
 * The magic line and header line of a cache file, read by position: the header, where the body starts, the file's
 * size, and the bytes after the header that the first read already holds (the start of the index). 'damaged' when
 * the file does not start that way. Throws when it cannot be read.
 */
function readHead(fd: number, magic: string): { header: Record<string, unknown>; bodyAt: number; size: number; index: Buffer } | 'damaged' {
  const size = fstatSync(fd).size;
  const first = Buffer.alloc(Math.min(size, HEAD_BYTES + 64 * 1024));
  const got = readSync(fd, first, 0, first.length, 0);
  const bytes = first.subarray(0, got);
  const prefix = `${magic}\n`;
  if (bytes.length < prefix.length || bytes.toString('latin1', 0, prefix.length) !== prefix) return 'damaged';
  const end = bytes.indexOf(0x0a, prefix.length);
  if (end < 0) return 'damaged';
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', prefix.length, end));
  } catch {
    return 'damaged';
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) return 'damaged';
  return { header: header as Record<string, unknown>, bodyAt: end + 1, size, index: bytes.subarray(end + 1) };
}

/** `length` bytes of open file `fd` from `at` (fewer if the file is shorter); `have` holds the first of them already. */
function readAt(fd: number, at: number, length: number, have: Buffer = Buffer.alloc(0)): Buffer {
  if (have.length >= length) return have.subarray(0, length);
  const out = Buffer.alloc(length);
  have.copy(out, 0, 0, have.length);
  let done = have.length;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, at + done);
    if (n === 0) break;
    done += n;
  }
  return out.subarray(0, done);
}

/**
 * Closes the cache file a `FactsCache` kept open for facts it never read (a scan that used none, or was cancelled),
 * once the cache object is gone.
 */
const openCacheFiles = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Closed already.
  }
});

/** The temporary files `writeAtomically` writes: `.NAME.PID.HEX.tmp`. */
const TEMPORARY_FILE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files of writers that stopped between writing and renaming: a language server exits while
 * its session scan writes the cache (server.ts `flushSessions` waits for it only so long). Each may be as large as
 * the cache itself; those of processes still running are theirs to finish.
 */
function sweepTemporaryFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(TEMPORARY_FILE.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    rmSync(join(dir, name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // Another user's process: running, and not ours to judge.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes `parts` to `file` through a temporary file and a rename, so no reader ever sees half a file. */
function writeAtomically(dir: string, name: string, parts: readonly Uint8Array[]): boolean {
  sweepTemporaryFiles(dir);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    makeDirectory(dir);
    writeFileSync(tmp, Buffer.concat(parts), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, join(dir, name));
    return true;
  } catch {
    // A full disk or a read-only folder: the next run parses again. Nothing half-written stays behind.
    rmSync(tmp, { force: true });
    return false;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * The facts of files from an earlier run, by file and content hash, so a scan of an unchanged file skips
 * parsing it. A cache can only ever cost or save time, never change a result, so:
 * - `key` names the code that computed the facts (the CLI passes a hash of its own bundle): a cache written by
 *   another build is ignored, so facts never outlive the extractor that made them;
 * - its index is signed with this machine's secret (`machineSecret`), and binds each file's facts by their
 *   SHA-256 digest: a cache that was committed, copied or forged does not authenticate and is ignored whole, and
 *   facts that were damaged or cut off are dropped when used (their files parsed again);
 * - every entry is checked for shape before use (`isFileFacts`); a bad one is dropped and its file parsed again.
 * A cache file that exists but cannot be used says why in `problem`; failing to write one is silent: either
 * only ever costs speed.
 *
 * On disk: a magic line, a header line (key, MAC, index length), then the index (JSON: per file its content
 * hash, a digest of its facts and where its facts lie) and the facts of each file as JSON, back to back. A run
 * parses the index only; the facts of a file are parsed when asked for, and written back as the same bytes.
 * The digests let a scan know, without parsing any facts, that it sees exactly the facts an earlier scan saw
 * (see `conclusionsKey`).
 */
export class FactsCache {
  private dirty = false;
  hits = 0;
  /** Where the facts part of the cache file lies (see `open`), until it is read. */
  private factsFile: { fd: number; at: number; length: number } | undefined;
  private factsBytes: Buffer | undefined;
  /** What the last walk kept (see `walkMemory`), and whether the walk file holds something else. */
  private walk: { key: string; folders: ReadonlyMap<string, FolderRecord>; changed: boolean } | undefined;
  /** The entries as the cache file held them when opened: the files and facts of the scan that wrote it. */
  private opened: ReadonlyMap<string, Entry> = new Map();
  /**
   * Why a cache file that was there could not be used, as a phrase naming it ("the cache file /x/facts-v4.cache
   * was written by another version of FK Guard"); undefined when there was none or it was used.
   */
  problem: string | undefined;

  private constructor(
    private readonly dir: string,
    private readonly key: string,
    private readonly secret: Buffer | undefined,
    private readonly entries: Map<string, Entry>,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static open(dir: string, key: string, env: NodeJS.ProcessEnv = process.env): FactsCache {
    const secret = machineSecret(env);
    const entries = new Map<string, Entry>();
    const cache = new FactsCache(dir, key, secret, entries, env);
    if (!secret) return cache;
    const file = join(dir, CACHE_FILE);
    const fail = (why: string) => {
      cache.problem = `the cache file ${file} ${why}`;
      return cache;
    };
    // Only the header and the index are read now (a few hundred kilobytes of a file that may hold tens of
    // megabytes of facts); the facts are read when the first of them is used (see `body`).
    // The file stays open until its facts are read: the index and the facts then come from the same file, even if
    // another scan replaces it (by a rename) in between. Reading them from the new file, whose facts lie elsewhere,
    // dropped every entry, so every file was read and parsed again.
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (err) {
      // No cache yet is the normal first run; anything else is worth a word.
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? cache : fail(`could not be read (${describeFsError(err, 'read')})`);
    }
    let kept = false;
    try {
      const opened = cache.readIndex(fd, file, key, secret, entries, fail);
      kept = opened === undefined;
      if (kept) openCacheFiles.register(cache, fd, cache);
    } finally {
      if (!kept) closeSync(fd);
    }
    return cache;
  }

  /** Reads the header and index of the open cache file `fd` into `entries`; the cache (from `fail`) if unusable. */
  private readIndex(fd: number, file: string, key: string, secret: Buffer, entries: Map<string, Entry>, fail: (why: string) => FactsCache): FactsCache | undefined {
    let head: { header: Record<string, unknown>; bodyAt: number; size: number; index: Buffer } | 'damaged';
    try {
      head = readHead(fd, FACTS_MAGIC);
    } catch (err) {
      return fail(`could not be read (${describeFsError(err, 'read')})`);
    }
    if (head === 'damaged') {
      return fail('is damaged or cut short');
    }
    const header = head.header as Partial<FactsHeader>;
    if (header.key !== key) {
      return fail('was written by another version of FK Guard');
    }
    const indexBytes = header.indexBytes;
    const bodyBytes = head.size - head.bodyAt;
    if (typeof indexBytes !== 'number' || !Number.isInteger(indexBytes) || indexBytes < 0 || indexBytes > bodyBytes) {
      return fail('is damaged or cut short');
    }
    let indexJson: Buffer;
    try {
      indexJson = readAt(fd, head.bodyAt, indexBytes, head.index);
    } catch (err) {
      return fail(`could not be read (${describeFsError(err, 'read')})`);
    }
    if (indexJson.length !== indexBytes || !macMatches(secret, key, indexJson, header.mac)) {
      return fail('does not match its signature (damaged, cut short, or not written on this machine)');
    }
    let index: unknown;
    try {
      index = JSON.parse(indexJson.toString('utf8'));
    } catch {
      return fail('is damaged (its index cannot be read)');
    }
    if (!index || typeof index !== 'object' || Array.isArray(index)) {
      return fail('is damaged (its index cannot be read)');
    }
    const factsAt = head.bodyAt + indexBytes;
    const factsBytes = bodyBytes - indexBytes;
    this.factsFile = { fd, at: factsAt, length: factsBytes };
    let short = false;
    // Written for the interpreter, which runs it once per scan, on every file (a warm scan of 1,000 files spent
    // 5-6 ms here): no destructuring of the entry (the iterator protocol) and no spreads of optional fields
    // (an object clone each), which made this loop four times slower.
    const record = index as Record<string, unknown>;
    for (const id in record) {
      const e = record[id];
      const valid =
        Array.isArray(e) &&
        e.length === 7 &&
        (e[4] === null || typeof e[4] === 'string') &&
        (e[5] === null || typeof e[5] === 'string') &&
        (e[6] === 0 || e[6] === 1) &&
        typeof e[0] === 'string' &&
        (e[1] === null || typeof e[1] === 'string') &&
        Number.isInteger(e[2]) &&
        Number.isInteger(e[3]) &&
        e[2] >= 0 &&
        e[3] >= 0 &&
        e[2] + e[3] <= factsBytes &&
        (e[1] === null) === (e[3] === 0);
      if (!valid) {
        // A dropped entry is written out again once its file is parsed.
        this.dirty = true;
        if (Array.isArray(e) && Number.isInteger(e[2]) && Number.isInteger(e[3]) && e[2] + e[3] > factsBytes) short = true;
        continue;
      }
      const entry = e as IndexEntry;
      const hash = entry[0];
      const digest = entry[1];
      const stamp = entry[4];
      const skip = entry[5];
      const bom = entry[6] === 1;
      // The same objects, fields in the same order, as the spreads made (`{ stamp?, skip?, bom }`).
      const note: FileNote = stamp !== null ? (skip !== null ? { stamp, skip, bom } : { stamp, bom }) : skip !== null ? { skip, bom } : { bom };
      const span: [number, number] = [entry[2], entry[3]];
      entries.set(id, digest === null ? { hash, digest, json: EMPTY, span, note, facts: null } : { hash, digest, json: undefined, span, note });
    }
    this.opened = new Map(entries);
    // The index authenticated, but facts it points to are missing: the rest of the file is used.
    if (short) this.problem = `the cache file ${file} is cut short (the files whose facts are missing are parsed again)`;
    return undefined;
  }

  /**
   * Whether the cache holds facts for this content of `file` (a hit is counted), without parsing them; the
   * facts themselves come from `get`.
   */
  has(file: string, hash: string): boolean {
    const e = this.entries.get(file);
    if (!e || e.hash !== hash) return false;
    this.hits++;
    return true;
  }

  /**
   * The note of `file` if the file still has the stamp it had when its entry was made: then its content is the
   * one the entry was made from, and the file need not be read (a hit is counted). Undefined otherwise.
   */
  unchanged(file: string, stamp: string): FileNote | undefined {
    const e = this.entries.get(file);
    if (!e || e.note.stamp === undefined || e.note.stamp !== stamp) return undefined;
    this.hits++;
    return e.note;
  }

  /** The content hash the entry of `file` was made from, if there is one. */
  hashOf(file: string): string | undefined {
    return this.entries.get(file)?.hash;
  }

  /** Takes back a hit `unchanged` or `has` counted, for an entry that turned out unusable. */
  unhit(): void {
    this.hits--;
  }

  /** Whether the entry of `file` holds facts (rather than "defines nothing FK Guard reads"). */
  definesSomething(file: string): boolean {
    return (this.entries.get(file)?.digest ?? null) !== null;
  }

  /** The cached facts (`null`: the file defines nothing FK Guard reads), or undefined on a miss. */
  get(file: string, hash: string): FileFacts | null | undefined {
    if (!this.has(file, hash)) return undefined;
    const facts = this.factsOf(file);
    if (facts === undefined) this.hits--;
    return facts;
  }

  /**
   * The facts of an entry `has` found, parsed and checked now; undefined (and the entry dropped, so the file's
   * fresh facts are written) when they are not the shape the engine needs.
   */
  factsOf(file: string): FileFacts | null | undefined {
    const e = this.entries.get(file);
    if (!e) return undefined;
    const facts = this.parsedFacts(file, e);
    if (facts === undefined) {
      this.entries.delete(file);
      this.dirty = true;
    }
    return facts;
  }

  /**
   * The facts `file` had when the cache was opened (null: none), whatever the scan stored for it since; undefined
   * when it had no entry, or its facts are not the shape the engine needs.
   */
  openedFactsOf(file: string): FileFacts | null | undefined {
    const e = this.opened.get(file);
    return e ? this.parsedFacts(file, e) : undefined;
  }

  /** Whether the cache held an entry for `file` when it was opened. */
  heldWhenOpened(file: string): boolean {
    return this.opened.has(file);
  }

  /**
   * The files among `files`, and those the cache held when opened, whose facts now differ from the ones held
   * then (added, removed, or with other facts). Undefined when one of `files` has no entry now.
   */
  changedSinceOpened(files: readonly string[]): string[] | undefined {
    const out: string[] = [];
    const present = new Set(files);
    for (const f of files) {
      const now = this.entries.get(f);
      if (!now) return undefined;
      const then = this.opened.get(f);
      if (!then || then.digest !== now.digest) out.push(f);
    }
    for (const f of this.opened.keys()) if (!present.has(f)) out.push(f);
    return out;
  }

  /** The key (see `conclusionsKey`) of the files and facts the cache held when it was opened. */
  openedKey(config: unknown): string | undefined {
    return this.opened.size === 0 ? undefined : this.keyOf(config, [...this.opened.keys()], this.opened);
  }

  private parsedFacts(file: string, e: Entry): FileFacts | null | undefined {
    if (e.facts !== undefined) return e.facts;
    let facts: unknown;
    // Facts read from disk are the ones the signed index names only if their digest says so.
    const json = this.jsonOf(e);
    const intact = e.own === true || factsDigest(json) === e.digest;
    try {
      facts = intact ? JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8')) : undefined;
    } catch {
      facts = undefined;
    }
    if (!intact) this.problem ??= `the cache file ${join(this.dir, CACHE_FILE)} has damaged facts (${file} and maybe others are parsed again)`;
    if (!isFileFacts(facts, file)) return undefined;
    e.facts = facts;
    return facts;
  }

  /**
   * An entry's facts as bytes. The facts part of the cache file is read on the first call, whole (a start-up uses
   * them all, or none): with the same bytes the index was read from, each entry's digest matches; if the file was
   * replaced since (another scan wrote one), the digests say which facts are not the ones indexed.
   */
  private jsonOf(e: Entry): Uint8Array {
    if (e.json !== undefined) return e.json;
    if (!this.factsBytes) {
      const where = this.factsFile;
      try {
        this.factsBytes = where ? readAt(where.fd, where.at, where.length) : Buffer.alloc(0);
      } catch {
        this.factsBytes = Buffer.alloc(0);
      }
      if (where) {
        openCacheFiles.unregister(this);
        closeSync(where.fd);
      }
      this.factsFile = undefined;
    }
    const [start, length] = e.span ?? [0, 0];
    e.json = this.factsBytes.subarray(start, start + length);
    return e.json;
  }

  /** Stores the facts of `file` with this content hash; `note` (default: nothing known) goes with them. */
  set(file: string, hash: string, facts: FileFacts | undefined, note: FileNote = { bom: false }): void {
    const e = this.entries.get(file);
    const sameNote = e !== undefined && e.note.stamp === note.stamp && e.note.skip === note.skip && e.note.bom === note.bom;
    if (!sameNote && e) this.dirty = true;
    if (e && e.hash === hash && e.facts !== undefined && (e.facts ?? undefined) === facts) {
      e.note = note;
      return;
    }
    // A one-shot engine's facts hold their line starts as a typed array (see `trimLists`), which JSON writes as an object.
    const plain = facts?.lineStarts instanceof Int32Array ? { ...facts, lineStarts: Array.from(facts.lineStarts) } : facts;
    const json = plain ? Buffer.from(JSON.stringify(plain)) : EMPTY;
    const digest = facts ? factsDigest(json) : null;
    if (e && e.hash === hash && e.digest === digest) {
      // The same facts, parsed again (a scan that does not read the cache).
      e.facts = facts ?? null;
      e.note = note;
      return;
    }
    this.entries.set(file, { hash, digest, facts: facts ?? null, json, own: true, note });
    this.dirty = true;
  }

  /** Forgets files that are no longer in the workspace, so the cache does not grow forever. */
  retain(files: ReadonlySet<string>): void {
    for (const f of this.entries.keys()) {
      if (!files.has(f)) {
        this.entries.delete(f);
        this.dirty = true;
      }
    }
  }

  /**
   * A name for everything a scan's conclusions follow from: this code, the configuration, and each file with
   * the digest of its facts. Equal keys, equal findings: the engine sees nothing else. A file edited in a way
   * that leaves its facts alone (most edits outside model files) keeps the key. Undefined when a file has no
   * entry (it was not read, or its facts could not be stored).
   */
  conclusionsKey(files: readonly string[], config: unknown): string | undefined {
    return this.keyOf(config, files, this.entries);
  }

  private keyOf(config: unknown, files: readonly string[], entries: ReadonlyMap<string, Entry>): string | undefined {
    // The same bytes as one `update` per part, hashed in one call: four native calls per file cost a warm start of
    // 2,600 files ~20 ms of CPU, and a start-up computes two such keys.
    const parts = [this.key, JSON.stringify(config)];
    for (const f of [...files].sort()) {
      const e = entries.get(f);
      if (!e) return undefined;
      parts.push(f, e.digest ?? '-');
    }
    return createHash('sha256').update(`${parts.join('\0')}\0`).digest('base64');
  }

  /** The conclusions an earlier scan stored under `key` (see `conclusionsKey`), checked and signed; else undefined. */
  readConclusions(key: string): Conclusions | undefined {
    if (!this.secret) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.dir, CONCLUSIONS_FILE));
    } catch {
      return undefined;
    }
    const split = splitCacheFile(bytes, CONCLUSIONS_MAGIC);
    // Another workspace state's conclusions are the usual miss: the body is not even read then.
    if (!split || split.header.key !== key || !macMatches(this.secret, key, split.body, split.header.mac)) return undefined;
    try {
      const c = JSON.parse(split.body.toString('utf8')) as Partial<Conclusions>;
      if (!c || !Array.isArray(c.findings) || !Array.isArray(c.unchecked) || !c.stats || typeof c.stats !== 'object') return undefined;
      return c as Conclusions;
    } catch {
      return undefined;
    }
  }

  /** Stores what a scan concluded under `key`, replacing what an earlier scan stored. */
  saveConclusions(key: string, conclusions: Conclusions): void {
    if (!this.secret) return;
    const body = Buffer.from(JSON.stringify(conclusions));
    const header = Buffer.from(`${CONCLUSIONS_MAGIC}\n${JSON.stringify({ key, mac: sign(this.secret, key, body) })}\n`);
    if (writeAtomically(this.dir, CONCLUSIONS_FILE, [header, body])) this.ignoreInGit();
  }

  save(): void {
    this.saveWalk();
    if (!this.dirty || !this.secret) return;
    const index: Record<string, IndexEntry> = Object.create(null) as Record<string, IndexEntry>;
    const parts: Uint8Array[] = [];
    let at = 0;
    for (const [id, e] of this.entries) {
      const json = this.jsonOf(e);
      index[id] = [e.hash, e.digest, at, json.length, e.note.stamp ?? null, e.note.skip ?? null, e.note.bom ? 1 : 0];
      parts.push(json);
      at += json.length;
    }
    const indexJson = Buffer.from(JSON.stringify(index));
    const body = [indexJson, ...parts];
    const header = Buffer.from(`${FACTS_MAGIC}\n${JSON.stringify({ key: this.key, mac: sign(this.secret, this.key, indexJson), indexBytes: indexJson.length })}\n`);
    if (!writeAtomically(this.dir, CACHE_FILE, [header, ...body])) return;
    this.dirty = false;
    for (const old of OLD_CACHE_FILES) rmSync(join(this.dir, old), { force: true });
    this.ignoreInGit();
  }

  /**
   * The walk's memory kept with this cache (see `FolderRecord`), signed as the facts are: a walk takes a folder from
   * it only if this machine wrote it, with this code and the same walk options. `recall` false: the walk lists every
   * folder (a `--fix`, which trusts nothing stored), and what it finds is kept for the next one.
   */
  walkMemory(recall: boolean): WalkMemory {
    return {
      recall: (optionsKey) => {
        if (!recall || !this.secret) return undefined;
        const folders = this.readWalk(optionsKey);
        this.walk = folders && { key: optionsKey, folders, changed: false };
        return folders;
      },
      keep: (optionsKey, folders) => {
        const before = this.walk;
        // Records taken from the memory are the very objects it gave: nothing to write when every one is.
        const same = before !== undefined && before.key === optionsKey && before.folders.size === folders.size && [...folders].every(([dir, r]) => before.folders.get(dir) === r);
        this.walk = { key: optionsKey, folders, changed: !same };
      },
    };
  }

  /** What `walkMemory` recalls: the folders the walk file holds for these walk options, checked; else undefined. */
  private readWalk(optionsKey: string): ReadonlyMap<string, FolderRecord> | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(this.dir, WALK_FILE));
    } catch {
      return undefined;
    }
    const split = splitCacheFile(bytes, WALK_MAGIC);
    const key = `${this.key}\0${optionsKey}`;
    if (!split || split.header.key !== key || !macMatches(this.secret!, key, split.body, split.header.mac)) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(split.body.toString('utf8'));
    } catch {
      return undefined;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const folders = new Map<string, FolderRecord>();
    for (const [dir, r] of Object.entries(body as Record<string, unknown>)) {
      const valid =
        Array.isArray(r) &&
        r.length === 5 &&
        typeof r[0] === 'string' &&
        typeof r[1] === 'string' &&
        (r[2] === 0 || r[2] === 1) &&
        (r[3] === 0 || r[3] === 1) &&
        Array.isArray(r[4]) &&
        (r[4] as unknown[]).every((e) => typeof e === 'string' && /^\/?[^/]+\/?$/.test(e) && !(e.startsWith('/') && e.endsWith('/')));
      // A damaged memory is no memory: every folder is listed again.
      if (!valid) return undefined;
      folders.set(dir, { stamp: r[0] as string, ignores: r[1] as string, venv: r[2] === 1, gitignore: r[3] === 1, entries: r[4] as string[] });
    }
    return folders;
  }

  /** Writes what the last walk kept (see `walkMemory`), when it differs from what the walk file held. */
  private saveWalk(): void {
    const walk = this.walk;
    if (!walk?.changed || !this.secret) return;
    const body: Record<string, [string, string, 0 | 1, 0 | 1, readonly string[]]> = Object.create(null) as Record<string, [string, string, 0 | 1, 0 | 1, readonly string[]]>;
    for (const [dir, r] of walk.folders) body[dir] = [r.stamp, r.ignores, r.venv ? 1 : 0, r.gitignore ? 1 : 0, r.entries];
    const bytes = Buffer.from(JSON.stringify(body));
    const key = `${this.key}\0${walk.key}`;
    const header = Buffer.from(`${WALK_MAGIC}\n${JSON.stringify({ key, mac: sign(this.secret, key, bytes) })}\n`);
    if (writeAtomically(this.dir, WALK_FILE, [header, bytes])) walk.changed = false;
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
