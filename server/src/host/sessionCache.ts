// The language server's facts cache and stored conclusions, kept up to date while the editor runs. At start-up the
// server reads the cache the CLI shares (see factsCache.ts) and, when every file's facts are those an earlier index
// concluded from, shows that index's findings at once (conclusionsSince.ts). Files saved or changed on disk during a
// session used to stay out of both until the next full index, so a restart after a day of edits parsed every file
// edited that day and built the whole index before the open file's diagnostics.
//
// A moment after files change (the server debounces), a worker thread scans the folder exactly as a start-up does:
// facts from the cache by stamp, the files changed since read and parsed, a fresh index, its conclusions stored under
// the key of those facts, the cache written back (each file through a temporary file and a rename). The editor's
// engine is not used: its incremental results are what the user sees while typing, but only a fresh index's
// conclusions are what the next start-up (and `fkguard scan`) would compute, so only those are stored. The main
// thread, which answers the editor, does none of this work.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FkGuardConfig } from '../core/config';
import { scanWorkspace } from './scan';

/** Where a scan kept its facts cache: the folder and the key of the code that made the facts (see `FactsCache.open`). */
export interface CacheLocation {
  dir: string;
  key: string;
}

/** What a worker is asked to scan: one folder, as the server's index scans it. */
export interface SessionScanJob {
  root: string;
  config: FkGuardConfig;
  cacheDir: string;
  followSymlinks: boolean;
}

/** What a session scan did. */
export interface SessionScan {
  /** Files of the folder, and how many of them the cache answered (the rest were read and parsed). */
  files: number;
  cachedFiles: number;
  /** `stored`: a fresh index's conclusions were stored; `reused`: those of these very facts were stored already. */
  conclusions: 'stored' | 'reused' | 'none';
  /** Why a cache file that was there went unused (another FK Guard's, damaged); it was replaced. */
  cacheProblem?: string;
  ms: number;
}

/** The `workerData` key that makes a thread running the server's bundle a session scan instead of a server. */
const JOB_KEY = 'fkguardSessionScan';

/**
 * Scans `job.root` as the server's start-up does and stores what it concludes with the cache (see the file comment).
 * Runs in the worker thread; exported for tests.
 */
export async function sessionScan(job: SessionScanJob): Promise<SessionScan> {
  const started = performance.now();
  const result = await scanWorkspace({
    roots: [job.root],
    config: job.config,
    cache: job.cacheDir,
    // Filled as the server's index is, so the conclusions carry what its next start-up needs (`dependencies`);
    // when the stored ones are already those of these facts, nothing is loaded.
    bulk: true,
    reuseConclusions: true,
    // One thread: this one is already off the editor's.
    jobs: 1,
    followSymlinks: job.followSymlinks,
  });
  let conclusions: SessionScan['conclusions'] = 'none';
  if (!result.cancelled) {
    const reused = result.engine.parsedFiles().length === 0 && result.files.length > 0;
    result.conclusions();
    conclusions = reused ? 'reused' : 'stored';
  }
  result.engine.dispose();
  return {
    files: result.files.length,
    cachedFiles: result.cachedFiles,
    conclusions,
    ...(result.cacheProblem ? { cacheProblem: result.cacheProblem } : {}),
    ms: Math.round(performance.now() - started),
  };
}

/**
 * Runs `sessionScan(job)` on a worker thread started from `script` (the server's bundle, which calls
 * `runSessionScanIfWorker` first thing). The thread ends with the scan.
 */
export function sessionScanInWorker(script: string, job: SessionScanJob): Promise<SessionScan> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: { [JOB_KEY]: job } });
    let answered = false;
    worker.once('message', (m: { scan?: SessionScan; error?: string }) => {
      answered = true;
      if (m.scan) resolve(m.scan);
      else reject(new Error(m.error ?? 'the session scan failed'));
    });
    worker.once('error', (err) => {
      answered = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the session scan's thread stopped (${code})`));
    });
  });
}

/**
 * In a worker thread started by `sessionScanInWorker`: runs the scan, posts the result, and returns true (the
 * bundle must then not start a server). False on any other thread.
 */
export function runSessionScanIfWorker(): boolean {
  const job = !isMainThread && workerData && typeof workerData === 'object' ? (workerData as Record<string, SessionScanJob | undefined>)[JOB_KEY] : undefined;
  if (!job) return false;
  sessionScan(job).then(
    (scan) => parentPort!.postMessage({ scan }),
    (err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
  return true;
}
