import type { FkGuardConfig } from '../core/config';
import type { Engine } from '../core/engine';
import type { Finding } from '../core/types';
import type { SessionScan } from '../host/sessionCache';

export interface IndexProgress {
  done: number;
  total?: number;
}

/** Which symlinks a folder's files may be read through: the walk's rule, for files re-read later too. */
export interface LinkPolicy {
  root: string;
  followSymlinks: boolean;
}

export interface IndexResult {
  engine: Engine;
  /** Files left out, with the reason (binary, too large, unreadable, a symlink loop). */
  skipped: Array<{ file: string; reason: string }>;
  cancelled: boolean;
  /** Files whose facts came from the shared facts cache, unparsed (when the host keeps one). */
  cachedFiles?: number;
  /**
   * Whether `text` is exactly what the index read for the file (so the engine's facts for it are those of
   * this text): an open document then needs no parse before its first diagnostics.
   */
  readAs?(id: string, text: string): boolean;
  /**
   * Stores what this index concludes (every file's findings) with the host's cache, for the next start-up's
   * `StoredAnswer`. To be called only while the engine holds exactly the facts the index loaded (no document's
   * text entered it yet), since the conclusions are read as those of the files on disk.
   */
  saveConclusions?(): void;
  /** Called once the index's diagnostics are published: writes what the host keeps for later (its facts cache). */
  finish?(): void;
  /** The facts cache and stored conclusions, written again as files are saved or change on disk (see sessionCache.ts). */
  session?: SessionStore;
}

/** See host/sessionCache.ts. */
export interface SessionStore {
  /** Scans the folder off this thread as a start-up would, writing the facts cache and storing its conclusions. */
  scan(): Promise<SessionScan>;
}

/**
 * What an index about to be built will conclude, known before it is built: the conclusions an earlier index
 * stored for exactly these files' facts and this configuration (see `FactsCache.conclusionsKey`). The engine the
 * index then fills computes the same findings from the same facts, so they can be shown at once.
 */
export interface StoredAnswer {
  /** The findings of file `id`, as the index will compute them. */
  findings(id: string): Finding[];
  /** As `IndexResult.readAs`: whether `text` is what the index read for the file. */
  readAs(id: string, text: string): boolean;
  /**
   * When files changed since the conclusions were stored: whether the stored findings of file `id` are still the
   * ones the index will compute (it can be shown that they cannot depend on what changed). Absent: all are.
   */
  holds?(id: string): boolean;
}

/**
 * What the server needs from the machine it runs on. `main.ts` wires it to the shared host module (the same
 * walk, file reader and config loader the CLI uses), so the editor and `fkguard scan` see the same files.
 */
export interface ServerHost {
  /** The project's config file (`fkguard.toml`, `.fkguard.json`, `pyproject.toml [tool.fkguard]`), parsed. */
  loadConfig(root: string): Promise<{ config: FkGuardConfig; errors: string[]; used?: string; passedOver?: string[] }>;
  /** Whether a file name is one `loadConfig` reads, so a change to it reloads the configuration. */
  isConfigFile(fileName: string): boolean;
  /** Builds a fresh engine holding every analysed file of `root`; yields to the event loop as it goes. */
  index(
    root: string,
    config: FkGuardConfig,
    token: { readonly isCancellationRequested: boolean },
    onProgress: (p: IndexProgress) => void,
    links: LinkPolicy,
    onStoredAnswer?: (answer: StoredAnswer) => void,
  ): Promise<IndexResult>;
  /** An engine with no files, for documents opened from outside every folder. */
  createEngine(config: FkGuardConfig): Promise<Engine>;
  /** File name endings the engine reads (`.py`, `.ts`, `.prisma`, …), for the file watcher. */
  readonly extensions: readonly string[];
  /** Whether one file (root-relative POSIX id) is analysed under `config`, for files created later. */
  isIncluded(id: string, config: FkGuardConfig): boolean;
  /**
   * A file's text, or undefined when it is gone, binary, too large or unreadable, or a symlink the walk of
   * `links.root` would not follow (links are off, or it leads out of the folder).
   */
  readFile(path: string, config: FkGuardConfig, links: LinkPolicy): Promise<string | undefined>;
  /**
   * Called once, when the indexes the server's start began are over (their diagnostics published, or failed, or
   * overtaken by a newer index), also when there was none: the process may stop tuning itself for the start.
   */
  startIndexed?(): void;
}
