import { join } from 'node:path';
import { DEFAULT_CONFIG, FkGuardConfig } from '../core/config';
import type { Engine } from '../core/engine';
import type { SessionStore, StoredAnswer } from './host';
import { EditorSettings, readSettings } from './settings';
import { idUnder, pathToUri } from './paths';

/**
 * One workspace folder: its own engine, configuration and settings. A file belongs to the folder with the
 * longest path prefix, so nested folders of a multi-root workspace each keep their own files.
 * A "loose" project holds files opened from outside every folder; it is never indexed from disk.
 */
export class Project {
  engine: Engine | undefined;
  config: FkGuardConfig = DEFAULT_CONFIG;
  settings: EditorSettings = readSettings(undefined);
  /** Grows with every (re)index; an index that sees a newer number stops, since its result would be thrown away. */
  indexGeneration = 0;
  indexing: Promise<void> | undefined;
  /** Before the first index is in place: what it will conclude, when an earlier index stored it (see `StoredAnswer`). */
  stored: StoredAnswer | undefined;
  state: 'indexing' | 'ready' | 'error' = 'indexing';
  stateMessage: string | undefined;
  /** Files whose diagnostics the client currently shows (non-empty), so they can be cleared later. */
  readonly published = new Set<string>();
  /** Files that changed on disk while an index ran; applied to the new engine once it is in place. */
  readonly diskChangesDuringIndex = new Set<string>();
  /** Per file, the latest disk read started, so an older read that finishes late is dropped. */
  readonly diskReads = new Map<string, number>();
  /** The facts cache and stored conclusions of this folder, written again as files change (see `SessionStore`). */
  session: SessionStore | undefined;
  /** Files saved or changed on disk since the session cache was last written. */
  readonly sessionChanged = new Set<string>();
  /** The session scan due after the debounce, and the one under way. */
  sessionTimer: ReturnType<typeof setTimeout> | undefined;
  sessionScan: Promise<void> | undefined;
  /** URIs as the client spelled them, which may differ in encoding from Node's `pathToFileURL`. */
  private readonly clientUris = new Map<string, string>();
  /**
   * The URI made for each file that has no client spelling: asked for every related location and fix edit of
   * every diagnostic published (~150 a keystroke in a 2,000-line model file), and `pathToFileURL` resolves and
   * encodes the whole path each time.
   */
  private readonly madeUris = new Map<string, string>();

  constructor(
    readonly uri: string,
    readonly root: string,
    readonly name: string,
    readonly loose = false,
  ) {}

  idOf(path: string): string | undefined {
    return idUnder(this.root, path);
  }

  pathOf(id: string): string {
    return join(this.root, ...id.split('/'));
  }

  rememberUri(id: string, uri: string): void {
    this.clientUris.set(id, uri);
  }

  uriOf(id: string): string {
    const known = this.clientUris.get(id) ?? this.madeUris.get(id);
    if (known !== undefined) return known;
    const uri = pathToUri(this.pathOf(id));
    this.madeUris.set(id, uri);
    return uri;
  }
}

/** The project owning `path`: the longest folder prefix wins. */
export function projectFor(projects: Iterable<Project>, path: string): Project | undefined {
  let best: Project | undefined;
  for (const p of projects) {
    if (p.loose) continue;
    if (p.idOf(path) !== undefined && (!best || p.root.length > best.root.length)) best = p;
  }
  return best;
}
