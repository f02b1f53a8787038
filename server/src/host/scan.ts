// One scan of a workspace: walk, read, feed the engine. The CLI runs it once; the language server runs it at
// start-up and after configuration changes, on the same engine it then keeps up to date while the user types.

import * as path from 'node:path';
import { DEFAULT_CONFIG, FkGuardConfig } from '../core/config';
import { Engine } from '../core/engine';
import { loadConfig } from './configFile';
import { codeKey, contentHash, defaultCacheDir, FactsCache } from './factsCache';
import { FactsPool } from './factsPool';
import { createEngine } from './python';
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
}

export interface ScannedFile {
  /** The engine's file id: relative to `base`, `/`-separated. */
  id: string;
  absPath: string;
  /** The file began with a UTF-8 byte-order mark (stripped from the text the engine saw). */
  bom: boolean;
  /** The text the engine saw, when `retainText` was set and the file is one the engine analyses. */
  text?: string;
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

/** From this many files on, parsing runs on worker threads. */
const PARALLEL_FROM = 64;

/** How many files are read at once: enough to keep the disk busy while the engine parses. */
const READ_CONCURRENCY = 16;

/**
 * Walks the roots, reads every candidate file and hands it to the engine. Never throws for what it finds on
 * disk (see `walkWorkspace` and `readSourceFile`); a root that does not exist is reported in `skipped`.
 * On an engine that already holds files, files that are gone from the workspace are removed from it.
 */
export async function scanWorkspace(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
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

  let engine = options.engine;
  if (!engine) engine = await createEngine(config);
  else if (engine.getConfig() !== config) engine.setConfig(config);

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
  });
  const skipped = [...walk.skipped];
  const files: ScannedFile[] = [];
  let cancelled = walk.cancelled;

  let next = 0;
  let done = 0;
  const total = walk.files.length;
  const target = engine;
  const maxBytes = config.maxFileSize;
  // Parsing is most of a cold scan: a large one goes to worker threads, a small one is not worth starting them.
  const cache = options.cache ? FactsCache.open(typeof options.cache === 'string' ? options.cache : defaultCacheDir(base), codeKey()) : undefined;
  const readCache = options.cacheMode !== 'fresh';
  const pool = total >= PARALLEL_FROM ? FactsPool.create() : undefined;
  const analyses: Promise<void>[] = [];
  const worker = async () => {
    while (next < total && !cancelled) {
      if (options.token?.isCancellationRequested) {
        cancelled = true;
        return;
      }
      const f = walk.files[next++];
      const read = await readSourceFile(f.absPath, maxBytes, fs);
      done++;
      if ('skipped' in read) {
        skipped.push({ file: f.id, reason: read.skipped });
        continue;
      }
      // A file left out for what it is (a minified bundle) gets its note, as a file too large does.
      const why = target.skipReason(f.id, read.text);
      if (why) skipped.push({ file: f.id, reason: why });
      const entry: ScannedFile = { id: f.id, absPath: f.absPath, bom: read.bom };
      files.push(entry);
      const hash = cache ? contentHash(read.text) : '';
      const retain = () => {
        if (options.retainText && target.getFacts(f.id) !== undefined) entry.text = read.text;
        cache?.set(f.id, hash, target.getFacts(f.id));
      };
      const cached = readCache ? cache?.get(f.id, hash) : undefined;
      if (cached !== undefined) {
        target.acceptFacts(f.id, cached ?? undefined);
        retain();
      } else if (pool && Engine.isCandidate(f.id, read.text)) {
        // Worker threads parse Python (`isCandidate` is Python's test). TypeScript stays here: on the bench's
        // ts1k workspace two workers were no faster (about 7 s either way on a noisy machine) and each loaded
        // its own compiler (560 MB peak against 360 MB).
        analyses.push(
          pool.analyze(f.id, read.text).then(
            (facts) => {
              target.acceptFacts(f.id, facts);
              retain();
            },
            // A worker that fails on one file must not lose it: parse it here instead.
            () => {
              target.updateFile(f.id, read.text);
              retain();
            },
          ),
        );
      } else {
        target.updateFile(f.id, read.text);
        retain();
      }
      if (done % 32 === 0) {
        options.onProgress?.({ phase: 'read', done, total });
        // Reads resolve through the event loop already; this turn also lets queued requests in.
        await yieldToEventLoop();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, Math.max(total, 1)) }, worker));
    pool?.flushAll();
    await Promise.all(analyses);
  } finally {
    await pool?.close();
  }
  options.onProgress?.({ phase: 'read', done, total });

  if (!cancelled) {
    const present = new Set(files.map((f) => f.id));
    for (const id of engine.parsedFiles()) if (!present.has(id)) engine.removeFile(id);
    cache?.retain(present);
    cache?.save();
  }
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
    ms: Math.round(performance.now() - started),
    cancelled,
    cachedFiles: cache?.hits ?? 0,
  };
}
