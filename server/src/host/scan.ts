// One scan of a workspace: walk, read, feed the engine. The CLI runs it once; the language server runs it at
// start-up and after configuration changes, on the same engine it then keeps up to date while the user types.

import type { Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG, FkGuardConfig } from '../core/config';
import type { FileFacts } from '../core/types';
import { Engine } from '../core/engine';
import { loadConfig } from './configFile';
import { conclusionsSince, dependenciesOf } from './conclusionsSince';
import { codeKey, Conclusions, contentHash, defaultCacheDir, FactsCache, FileNote, fileStamp, trustedStamp } from './factsCache';
import { FactsPool } from './factsPool';
import type { CacheLocation } from './sessionCache';
import { createEngine, createLazyEngine, scannerOn } from './python';
import { tsFastParserOn } from './dialects';
import {
  CancellationToken,
  commonBase,
  readSourceFile,
  realFs,
  SkippedFile,
  walkWorkspace,
  WalkFs,
  yieldToEventLoop,
} from './workspace';

export interface ScanProgress {
  phase: 'walk' | 'read';
  /** Files read so far (`read`), or candidate files found so far (`walk`). */
  done: number;
  /** Files to read; known once the walk is over. */
  total?: number;
}

export interface ScanOptions {
  /** Folders or files to scan (absolute, or relative to the current directory). */
  roots: readonly string[];
  /**
   * The configuration to use. When absent it is loaded from the base folder (`fkguard.toml`, `.fkguard.json`,
   * `pyproject.toml`); a broken file then lands in `configErrors` and the defaults apply.
   */
  config?: FkGuardConfig;
  /** An engine to fill (the language server keeps one); a fresh one is made when absent. */
  engine?: Engine;
  /** Extensions of files to read; defaults to the Python ones. */
  extensions?: readonly string[];
  /** Keep each analysed file's text in the result, for `--fix` and for showing fixes next to findings. */
  retainText?: boolean;
  /**
   * Give every file read its `hash` even without a cache: a report that reads a few texts again once the scan is
   * over (see cli/reportTexts.ts) tells by it whether a file still holds the text its findings were made from.
   */
  keepHashes?: boolean;
  onProgress?: (progress: ScanProgress) => void;
  token?: CancellationToken;
  /** A file system to use instead of the real one (tests make calls fail through it). */
  fs?: WalkFs;
  /**
   * Keep the facts of parsed files in this folder between runs (`true`: the user's cache folder, under a name
   * made from the base folder's path; see `defaultCacheDir`), so unchanged files are not parsed again. Off
   * unless asked for.
   */
  cache?: boolean | string;
  /**
   * `fresh`: parse every file and only write the cache. `--fix` scans this way, so the text of every edit it
   * writes comes from files read and parsed now, whatever a cache holds.
   */
  cacheMode?: 'read-write' | 'fresh';
  /** Follow symlinks that stay inside the roots (default true); see `WalkOptions.followSymlinks`. */
  followSymlinks?: boolean;
  /**
   * The engine this scan makes (no `engine` given) is read once when the scan is over and never updated (the
   * CLI): it is filled without tracking what each file changed (see `Engine.loadFacts`), its findings keep nothing
   * an editor reuses (see `EngineOptions.oneShot`), and its Python parser loads only if a file must be parsed on
   * this thread. Off for an engine that edits will update later.
   */
  oneShot?: boolean;
  /**
   * The engine this scan makes (no `engine` given) is filled as a `oneShot` one is, through `Engine.loadFacts`,
   * but stays fit for the edits that update it later (its parser is loaded by the end of the scan). The language
   * server's index: the index then tracks a file's share from its first change, not from the start (see
   * `SchemaIndex.loadFacts`).
   */
  bulk?: boolean;
  /** Threads that may parse at once (see `FkGuardConfig.jobs`, which applies when this is unset). */
  jobs?: number;
  /**
   * With `oneShot` and a cache: the caller reads what the scan concluded through `ScanResult.conclusions()` only,
   * never through the engine. When every file's facts are those an earlier scan concluded from (see
   * `FactsCache.conclusionsKey`), its stored conclusions are the answer and the engine is left EMPTY: no facts
   * are parsed from the cache, no index is built, no rule runs. `fkguard scan` (without `--fix`) reads this way.
   */
  reuseConclusions?: boolean;
  /**
   * With `bulk` and a cache (the language server's start-up): when every file's facts are those an earlier scan
   * concluded from (see `FactsCache.conclusionsKey`), its stored conclusions, which the engine this scan fills will
   * reach again, are handed over as soon as that is known (after the walk, before any facts are loaded), with the
   * files found (their `hash` set); the scan then fills the engine as usual. When some files changed since the
   * last stored conclusions, those are handed over with `holds`, which says of each file whether its stored
   * findings are still right (see conclusionsSince.ts), once the changed files are read.
   */
  onStoredConclusions?: (conclusions: Conclusions, files: readonly ScannedFile[], holds?: (file: string) => boolean) => void | Promise<void>;
  /**
   * The cache file is written by `ScanResult.writeCache`, not before the scan returns: a language server publishes
   * first (writing the facts of 2,000 files took 0.2-0.3 s of CPU before the open file's diagnostics).
   */
  writeCacheLater?: boolean;
  /**
   * The bytes of Python files still to scan from which a cold scan starts helper threads (`HELPER_FROM_BYTES`
   * unless set): tests set it to 0 to run them on a small workspace.
   */
  helperFromBytes?: number;
}

export interface ScannedFile {
  /** The engine's file id: relative to `base`, `/`-separated. */
  id: string;
  absPath: string;
  /** The file began with a UTF-8 byte-order mark (stripped from the text the engine saw). */
  bom: boolean;
  /** The text the engine saw, when `retainText` was set and the file is one the engine analyses. */
  text?: string;
  /**
   * The hash of the file's bytes (`contentHash`; that of the text too, for a file without a byte-order mark), when
   * the scan used a cache or `keepHashes`. For a file taken from the cache by its stamp, the hash its cache entry was made from.
   */
  hash?: string;
}

export interface ScanResult {
  engine: Engine;
  /**
   * The folder every file id is relative to: the deepest folder containing all roots (a file root counts by
   * its folder). With one folder root, that folder itself.
   */
  base: string;
  config: FkGuardConfig;
  /** Files handed to the engine, sorted by id. */
  files: ScannedFile[];
  /** Files and folders left out, with the reason; the scan went on without them. */
  skipped: SkippedFile[];
  configErrors: string[];
  /** The configuration file used, if any. */
  configFile?: string;
  ms: number;
  /** The token asked to stop; the engine holds what was read until then. */
  cancelled: boolean;
  /** Files whose facts came from the cache, unparsed. */
  cachedFiles: number;
  /** Files whose facts were made on worker threads (see `FactsPool`): by helpers or by a pool parsing for this one. */
  threadFiles: number;
  /** Why a cache file that was there went unused (another build's, damaged, cut short); undefined otherwise. */
  cacheProblem?: string;
  /** Where the facts cache is, when the scan kept one (a language server writes it again as files change). */
  cacheAt?: CacheLocation;
  /**
   * The findings, the unchecked references and the stats: stored ones when `reuseConclusions` found them,
   * else computed from the engine now (and stored with the cache, for the next scan of the same facts).
   */
  conclusions(): Conclusions;
  /** With `writeCacheLater`: writes the cache file (once; nothing when the scan was cancelled or kept no cache). */
  writeCache(): void;
}

/**
 * The folder a scan of `roots` reports file ids against (see `ScanResult.base`). Exported so a caller can
 * look for the configuration file there before scanning.
 */
export async function scanBase(roots: readonly string[], fs: WalkFs = realFs): Promise<string> {
  const abs = roots.map((r) => path.resolve(r));
  const isFile = new Set<string>();
  for (const r of abs) {
    try {
      if ((await fs.stat(r)).isFile()) isFile.add(r);
    } catch {
      // walkWorkspace reports a missing root.
    }
  }
  return commonBase(abs, (r) => isFile.has(r));
}

/**
 * Worker threads parse once the Python files still to parse reach this many bytes. Each thread costs a bundle
 * load and a parser load (about 0.2 s of CPU) and the facts come back by copy; below this the main thread parses
 * them sooner itself. A scan answered from the cache, or with few model files, starts none.
 */
const PARALLEL_FROM_BYTES = 768 * 1024;

/**
 * A cold scan reads the Python files its scanner reads whole (python/scanner.ts) on this thread, as they come: no
 * worker thread and no WebAssembly parser starts for them, and each text is let go as soon as its facts are made.
 * Worker threads take the files the scanner declines, once there is enough of them (`PARALLEL_FROM_BYTES`). On the
 * bench's 1k workspace (14 MB of candidates, 2 cores, load 16) this took 5.1 s of CPU and 206 MB against 8.6 s and
 * 260 MB with the threads parsing everything, in the same wall time: the threads' start-up, their own JIT warm-up and
 * the copy of the facts cost more than the second core gives back. With `jobs` set above 1 the threads also take
 * what comes past this many characters, for a machine whose other cores are idle.
 */
const INLINE_BYTES_WITH_JOBS = 8 * 1024 * 1024;

/**
 * A cold scan that still has about this many bytes of Python files to scan, judging by what its first files held
 * (see `HELPER_AFTER_FILES`), starts helper threads (one per core besides this one) that scan beside this thread:
 * from then on each candidate goes to a helper while the helpers have fewer than `HELPER_BACKLOG` files waiting,
 * and is scanned here otherwise, so both sides stay busy whatever their speeds and neither waits long for the
 * other at the end. A helper costs a bundle load and its own JIT warm-up (about 1-1.5 s of CPU on 2 cores at load
 * 25), and its facts come back as JSON text that this thread parses and loads. On the bench's 1k workspace (14 MB
 * of candidates) a helper from the fourth megabyte took 0.5-0.7 s off this thread for 0.6-1.6 s more CPU; on 10k
 * (about 145 MB) it took 37.0 -> 21.5 s off this thread, for no more CPU in all.
 */
const HELPER_FROM_BYTES = 32 * 1024 * 1024;

/**
 * The bytes still to come are judged (see `HELPER_FROM_BYTES`) once this many files are read and this thread has
 * scanned this many bytes of them itself: a workspace whose first folders hold most of its model files looks larger
 * than it is from them alone (the bench's real-like one, 5 MB of candidates, reads `alembic/` first and started a
 * helper on its first 128 files).
 */
const HELPER_AFTER_FILES = 128;
const HELPER_AFTER_BYTES = 8 * 1024 * 1024;

/**
 * Files a helper thread may have waiting (see `HELPER_FROM_BYTES`): enough that it never runs dry between two
 * turns of this thread's event loop, few enough that the last ones are back soon after this thread's own.
 */
const HELPER_BACKLOG = 48;

/**
 * At most this many parse requests are out with the threads at once. Reading is far faster than parsing, so
 * without a bound every text would be read and queued (held twice: here and in the thread's queue) before the
 * first facts came back; with it, texts are read about as fast as they are parsed and freed as they return.
 */
const MAX_IN_FLIGHT = 64;

/** Milliseconds since `started` (a `process.hrtime()`). */
function elapsedMs(started: [number, number]): number {
  const [s, ns] = process.hrtime(started);
  return s * 1000 + ns / 1e6;
}

/**
 * Walks the roots, reads every candidate file and hands it to the engine. Never throws for what it finds on
 * disk (see `walkWorkspace` and `readSourceFile`); a root that does not exist is reported in `skipped`.
 * On an engine that already holds files, files that are gone from the workspace are removed from it.
 */
export async function scanWorkspace(options: ScanOptions): Promise<ScanResult> {
  // `process.hrtime`, not `performance.now()`: the first read of the global `performance` loads Node's perf_hooks
  // (about 1 ms of a 120 ms warm CLI scan, which uses it for nothing else).
  const started = process.hrtime();
  const fs = options.fs ?? realFs;
  const roots = options.roots.map((r) => path.resolve(r));
  const base = await scanBase(roots, fs);

  let config = options.config;
  const configErrors: string[] = [];
  let configFile: string | undefined;
  if (!config) {
    const loaded = await loadConfig(base);
    if (loaded.ok) {
      config = loaded.config;
      configFile = loaded.file;
      configErrors.push(...loaded.errors);
    } else {
      config = DEFAULT_CONFIG;
      configFile = loaded.file;
      configErrors.push(`${loaded.error} Using the default settings.`);
    }
  }

  // A one-shot engine loads its parser only if a file needs it (see `createLazyEngine`) and is filled cold. So does
  // a bulk one until the end of the scan, where it loads it for the edits to come: a start-up answered from stored
  // conclusions (`onStoredConclusions`) does not wait for the WebAssembly parser (about 0.1 s of CPU) to compile.
  const cold = !options.engine && (options.oneShot === true || options.bulk === true);
  let engine = options.engine;
  if (!engine) engine = cold ? createLazyEngine(config, { oneShot: options.oneShot === true }) : await createEngine(config);
  else if (engine.getConfig() !== config) engine.setConfig(config);

  // The scanner's facts are tree-sitter's (bench/equivalence.mjs), but FKGUARD_PYTHON_SCANNER=0 is the way round a
  // difference found later: a cache one reader filled must not answer for the other.
  // The same for FKGUARD_TS_SCANNER=0 and TypeScript's fast parser.
  const cacheKey = `${codeKey()}${scannerOn() ? '' : '+tree-sitter'}${tsFastParserOn() ? '' : '+tsc'}`;
  const cacheDir = options.cache ? (typeof options.cache === 'string' ? options.cache : defaultCacheDir(base)) : undefined;
  const cache = cacheDir !== undefined ? FactsCache.open(cacheDir, cacheKey) : undefined;
  const readCache = options.cacheMode !== 'fresh';
  const walk = await walkWorkspace({
    roots,
    base,
    extensions: options.extensions ?? engine.extensions(),
    include: config.include,
    exclude: config.exclude,
    token: options.token,
    fs,
    followSymlinks: options.followSymlinks,
    onProgress: (p) => options.onProgress?.({ phase: 'walk', done: p.files }),
    // Folders unchanged since the last walk are taken from what it found (see `FolderRecord`).
    ...(cache ? { memory: cache.walkMemory(readCache) } : {}),
  });
  const skipped = [...walk.skipped];
  const files: ScannedFile[] = [];
  let cancelled = walk.cancelled;

  let done = 0;
  const total = walk.files.length;
  const target = engine;
  const maxBytes = config.maxFileSize;
  const jobs = options.jobs ?? config.jobs;
  const inlineBudget = jobs !== undefined && jobs > 1 ? INLINE_BYTES_WITH_JOBS : Infinity;
  // Python files to parse, each tested once by the prefilter. They wait here until they add up to enough work
  // for worker threads (then the threads start and take them) or the reading is done (then this thread parses
  // them, loading the parser only now): a scan the cache answers, or a small one, starts neither.
  let waiting: Array<{ entry: ScannedFile; text: string; hash: string }> = [];
  let waitingBytes = 0;
  let pool: FactsPool | undefined;
  let poolTried = false;
  // Threads that scan beside this one (see `HELPER_FROM_BYTES`); only without `jobs`, which says how many may parse.
  let helper: FactsPool | undefined;
  let helperTried = jobs !== undefined;
  const helperFrom = options.helperFromBytes ?? HELPER_FROM_BYTES;
  let threadFiles = 0;
  let inlineBytes = 0;
  const inFlight: Array<Promise<void>> = [];

  // With `reuseConclusions`, facts found in the cache are loaded only once it is known that the stored
  // conclusions do not apply (see the end of the scan).
  // With `onStoredConclusions` likewise, so that they are known before the facts are parsed and loaded.
  const deferHits = cold && cache !== undefined && readCache && (options.reuseConclusions === true || options.onStoredConclusions !== undefined);
  const deferred: ScannedFile[] = [];
  // What the cache keeps of each file read besides its facts (see `FileNote`), until its facts are stored.
  const notes = new Map<string, FileNote>();
  const retain = (entry: ScannedFile, text: string, hash: string) => {
    if (options.retainText && target.getFacts(entry.id) !== undefined) entry.text = text;
    cache?.set(entry.id, hash, target.getFacts(entry.id), notes.get(entry.id));
    notes.delete(entry.id);
  };
  /**
   * Takes `f` from the cache without reading it, when its stamp is the one the cache holds (the content is then
   * the one its facts were made from; see `fileStamp`). Not when its text is wanted (a report showing fixes),
   * nor for an entry whose facts turn out unusable: the file is then read.
   */
  const fromStamp = (f: { id: string; absPath: string }, st: Stats): boolean => {
    if (!cache || !readCache || !st.isFile() || st.size > maxBytes) return false;
    const note = cache.unchanged(f.id, fileStamp(st));
    if (!note) return false;
    const facts = deferHits ? undefined : cache.factsOf(f.id);
    if ((options.retainText && cache.definesSomething(f.id)) || (facts === undefined && !deferHits)) {
      cache.unhit();
      return false;
    }
    if (note.skip) skipped.push({ file: f.id, reason: note.skip });
    const entry: ScannedFile = { id: f.id, absPath: f.absPath, bom: note.bom, hash: cache.hashOf(f.id) };
    files.push(entry);
    if (deferHits) deferred.push(entry);
    else accept(f.id, facts ?? undefined);
    return true;
  };
  // A one-shot or bulk engine is filled cold (see `Engine.loadFacts`); any other is updated file by file.
  // `interned`: facts from a pool made with the engine's tables (see `internTables` below); `parsed`: facts a thread sent
  // as JSON text (see `FactsAnswers`).
  const accept = (id: string, facts: FileFacts | undefined, interned = false, parsed = false) =>
    cold ? target.loadFacts(id, facts, interned, parsed) : target.acceptFacts(id, facts);
  // A cold engine's worker threads send facts with their strings as numbers and hand them over interned in its
  // tables (see host/factsWire.ts): the main thread then neither parses each string anew nor looks it up.
  const internTables = cold ? () => target.internTables() : undefined;
  const update = (id: string, text: string) => (cold ? target.loadFile(id, text) : target.updateFile(id, text));
  const parseHere = async (entry: ScannedFile, text: string, hash: string) => {
    // SQL's parser loads itself on first use. For Python, a cold fill reads a file whole, where Python's scanner may
    // spare loading the (WebAssembly) parser; `updateFile` keeps the incremental tree-sitter path and needs it.
    if (!target.isSqlFile(entry.id)) await (cold ? target.loadParserFor(entry.id, text) : target.loadParser());
    update(entry.id, text);
    retain(entry, text, hash);
  };
  const send = async (p: FactsPool, entry: ScannedFile, text: string, hash: string) => {
    while (inFlight.length >= MAX_IN_FLIGHT) {
      // The oldest request may still sit in a batch not yet sent.
      p.flushAll();
      await inFlight.shift();
    }
    inFlight.push(
      p.analyze(entry.id, text).then(
        (facts) => {
          threadFiles++;
          accept(entry.id, facts, internTables !== undefined, true);
          retain(entry, text, hash);
        },
        // A worker that fails on one file must not lose it: parse it here instead.
        () => parseHere(entry, text, hash),
      ),
    );
  };

  try {
    for (const f of walk.files) {
      if (options.token?.isCancellationRequested) {
        cancelled = true;
        break;
      }
      // The stamp is taken before the file is read: a file changed after it gets a stamp not trusted later.
      const now = Date.now();
      let st: Stats | undefined;
      if (cache) {
        try {
          st = await fs.stat(f.absPath);
        } catch {
          // `readSourceFile` says why.
        }
      }
      const known = st !== undefined && fromStamp(f, st);
      const read = known ? undefined : await readSourceFile(f.absPath, maxBytes, fs, st);
      done++;
      if (!read) {
        // Taken from the cache by its stamp.
      } else if ('skipped' in read) {
        skipped.push({ file: f.id, reason: read.skipped });
      } else {
        // A file left out for what it is (a minified bundle) gets its note, as a file too large does.
        const why = target.skipReason(f.id, read.text);
        if (why) skipped.push({ file: f.id, reason: why });
        const entry: ScannedFile = { id: f.id, absPath: f.absPath, bom: read.bom };
        files.push(entry);
        if (cache) {
          const stamp = st ? trustedStamp(st, now) : undefined;
          notes.set(f.id, { ...(stamp ? { stamp } : {}), ...(why ? { skip: why } : {}), bom: read.bom });
        }
        const text = read.text;
        // The bytes, not the text: the same answer (the text is made from them) without encoding it again.
        const hash = cache || options.keepHashes ? contentHash(read.bytes) : '';
        if (cache || options.keepHashes) entry.hash = hash;
        const cached = readCache && !deferHits ? cache?.get(f.id, hash) : undefined;
        if (deferHits && cache!.has(f.id, hash)) {
          deferred.push(entry);
          if (options.retainText && cache!.definesSomething(f.id)) entry.text = text;
        } else if (cached !== undefined) {
          accept(f.id, cached ?? undefined);
          retain(entry, text, hash);
        } else if (!target.isPythonFile(f.id) && !(target.isSqlFile(f.id) && target.accepts(f.id, text))) {
          // Other languages' dialects load their own parsers, on their first candidate file. TypeScript stays on
          // this thread: on the bench's ts1k workspace two workers were no faster (about 7 s either way on a noisy
          // machine) and each loaded its own compiler (560 MB peak against 360 MB). SQL files that may define
          // tables go to the threads with the Python files (their parser, nearley's, is slow on long migrations).
          update(f.id, text);
          retain(entry, text, hash);
        } else if (!target.accepts(f.id, text)) {
          // What the engine keeps of a file that defines no table (its string constants, a package's re-exports)
          // is read without the parser, and without testing the text again. Any other engine goes through
          // `updateFile`, which also frees a syntax tree an editor left for this file.
          if (cold) target.loadFacts(f.id, target.constantsOnly(f.id, text));
          else target.updateFile(f.id, text);
          retain(entry, text, hash);
        } else if (pool) {
          await send(pool, entry, text, hash);
        } else if (helper && helper.backlog() < HELPER_BACKLOG) {
          await send(helper, entry, text, hash);
        } else if (cold && inlineBytes < inlineBudget && target.isPythonFile(f.id) && !target.needsParser(f.id, text)) {
          // The scanner reads it (and has just scanned it: the engine keeps that tree for this very text).
          inlineBytes += text.length;
          update(f.id, text);
          retain(entry, text, hash);
          if (!helperTried && done >= HELPER_AFTER_FILES && inlineBytes >= Math.min(HELPER_AFTER_BYTES, helperFrom) && (inlineBytes / done) * (total - done) >= helperFrom) {
            helperTried = true;
            helper = FactsPool.create(Math.min(availableParallelism(), 4) - 1, true, internTables);
            if (helper) {
              // Files the scanner declined so far are parsed there too: this thread then never loads the parser.
              const queued = waiting;
              waiting = [];
              waitingBytes = 0;
              for (const w of queued) await send(helper, w.entry, w.text, w.hash);
            }
          }
        } else if (helper) {
          // A file the scanner declines needs the WebAssembly parser, which the helper loads in this thread's stead.
          await send(helper, entry, text, hash);
        } else {
          waiting.push({ entry, text, hash });
          waitingBytes += text.length;
          if (!poolTried && waitingBytes >= PARALLEL_FROM_BYTES) {
            poolTried = true;
            // `jobs` 1: this thread parses everything, holding one text at a time besides the engine's facts.
            pool = jobs === 1 ? undefined : FactsPool.create(jobs, false, internTables);
            if (pool) {
              const queued = waiting;
              waiting = [];
              for (const w of queued) await send(pool, w.entry, w.text, w.hash);
            }
          }
        }
      }
      if (done % 32 === 0) {
        options.onProgress?.({ phase: 'read', done, total });
        // Reads are synchronous: this turn lets queued requests (and answers from the threads) in.
        await yieldToEventLoop();
      } else if (helper && done % 8 === 0) {
        // With helpers, more often: their answers come in (and their backlog falls) only in these turns.
        await yieldToEventLoop();
      }
    }
    pool?.flushAll();
    helper?.flushAll();
    if (cancelled) {
      // What was read but not parsed is not in the engine: the result must not list it.
      const unparsed = new Set(waiting.map((w) => w.entry));
      files.splice(0, files.length, ...files.filter((e) => !unparsed.has(e)));
    } else {
      // Parsed on this thread while the threads, if any, finish theirs.
      for (const w of waiting) await parseHere(w.entry, w.text, w.hash);
    }
    waiting = [];
    await Promise.all(inFlight);
  } finally {
    await pool?.close();
    await helper?.close();
  }
  let stored: Conclusions | undefined;
  if (deferHits && !cancelled) {
    const key = cache!.conclusionsKey(files.map((f) => f.id), config);
    stored = key === undefined ? undefined : cache!.readConclusions(key);
    if (stored && options.onStoredConclusions) await options.onStoredConclusions(stored, files);
    const since = !stored && options.onStoredConclusions ? conclusionsSince(cache!, files.map((f) => f.id), config, (id) => target.getFacts(id)) : undefined;
    if (since) await options.onStoredConclusions!(since.conclusions, files, since.holds);
  }
  if (!stored || !options.reuseConclusions) {
    let loaded = 0;
    for (const entry of deferred) {
      // Parsing the cached facts of a large workspace takes a while: let a server's messages in between.
      if (++loaded % 64 === 0) await yieldToEventLoop();
      const facts = cache!.factsOf(entry.id);
      if (facts !== undefined) {
        target.loadFacts(entry.id, facts ?? undefined);
        continue;
      }
      // An entry the cache had to drop (see `FactsCache.factsOf`): the file is read and parsed again.
      const read = await readSourceFile(entry.absPath, maxBytes, fs);
      if ('skipped' in read) {
        skipped.push({ file: entry.id, reason: read.skipped });
        files.splice(files.indexOf(entry), 1);
        continue;
      }
      const hash = contentHash(read.bytes);
      // What was read now, which may not be what the cache entry was made from (`readsAs` compares with it).
      entry.hash = hash;
      entry.bom = read.bom;
      entry.text = undefined;
      notes.set(entry.id, { bom: read.bom });
      if (target.isPythonFile(entry.id) && target.accepts(entry.id, read.text)) {
        await parseHere(entry, read.text, hash);
        continue;
      }
      if (target.isPythonFile(entry.id)) target.loadFacts(entry.id, target.constantsOnly(entry.id, read.text));
      else target.loadFile(entry.id, read.text);
      retain(entry, read.text, hash);
    }
  }
  options.onProgress?.({ phase: 'read', done, total });

  if (!cancelled) {
    const present = new Set(files.map((f) => f.id));
    for (const id of engine.parsedFiles()) if (!present.has(id)) engine.removeFile(id);
    cache?.retain(present);
    if (!options.writeCacheLater) cache?.save();
  }
  if (options.bulk === true && !options.engine) await engine.loadParser();
  // A one-shot engine is read from now on: it lets go of what its findings never read, before the index is built.
  else if (cold && !cancelled) engine.loadingDone();
  files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    engine,
    base,
    config,
    files,
    skipped,
    configErrors,
    ...(configFile ? { configFile } : {}),
    ms: Math.round(elapsedMs(started)),
    cancelled,
    cachedFiles: cache?.hits ?? 0,
    threadFiles,
    ...(cache?.problem ? { cacheProblem: cache.problem } : {}),
    ...(cacheDir !== undefined ? { cacheAt: { dir: cacheDir, key: cacheKey } } : {}),
    writeCache: () => {
      if (options.writeCacheLater && !cancelled) cache?.save();
    },
    conclusions: () => {
      if (stored) return stored;
      const computed: Conclusions = { findings: target.allFindings(), unchecked: target.allUnchecked(), stats: target.stats() };
      // What the language server's next start-up needs to tell which of these still hold after files changed.
      if (options.bulk === true && cold && cache && !cancelled) {
        computed.dependencies = dependenciesOf(
          files.map((f) => target.getFacts(f.id)).filter((f): f is FileFacts => f !== undefined),
          target.navigation().index,
        );
      }
      // Only a cold engine's conclusions follow from the facts alone (an editor's engine keeps what it parsed of
      // a broken file earlier, see `Engine.updateFile`).
      if (cold && cache && !cancelled) {
        const key = cache.conclusionsKey(files.map((f) => f.id), config);
        if (key !== undefined) cache.saveConclusions(key, computed);
      }
      stored = computed;
      return computed;
    },
  };
}
