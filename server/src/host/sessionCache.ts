// The language server's facts cache and stored conclusions, kept up to date while the editor runs. At start-up the
// server reads the cache the CLI shares (see factsCache.ts) and, when every file's facts are those an earlier index
// concluded from, shows that index's findings at once (conclusionsSince.ts). Files saved or changed on disk during a
// session used to stay out of both until the next full index, so a restart after a day of edits parsed every file
// edited that day and built the whole index before the open file's diagnostics. Here the files that changed are
// written back a moment after they change (debounced by the server), with the conclusions of the editor's engine
// when they are provably those of the files on disk.

import type { FkGuardConfig } from '../core/config';
import type { FileFacts } from '../core/types';
import { dependenciesOf } from './conclusionsSince';
import { Conclusions, contentHash, FactsCache, trustedStamp } from './factsCache';
import type { ScannedFile } from './scan';
import { readSourceFile, realFs, WalkFs } from './workspace';

/** Where a scan kept its facts cache: the folder and the key of the code that made the facts (see `FactsCache.open`). */
export interface CacheLocation {
  dir: string;
  key: string;
}

/** What the engine holds for one file, as the server sees it at the moment of writing. */
export interface EngineFile {
  /**
   * The text the engine's facts of the file were made from; undefined when the engine holds no such file (removed,
   * left out); null when it is not known, or the facts may not be those a fresh read of the text gives (a document
   * being typed keeps what it parsed before a syntax error, see `Engine.updateFile`).
   */
  text: string | undefined | null;
  facts: FileFacts | undefined;
  /** Why the scan would leave the file out (see `Engine.skipReason`). */
  skip?: string;
}

/** The server's view of its engine, read in one synchronous turn when the write is prepared. */
export interface EngineView {
  file(id: string): EngineFile;
  /** The open documents of the folder that FK Guard analyses, each with its text (null: as `EngineFile.text`). */
  openTexts(): Iterable<[id: string, text: string | null]>;
  /** What the engine concludes now: every file's findings, unchecked references and stats. */
  conclusions(): Omit<Conclusions, 'dependencies'>;
  /** Every file's facts, for the dependencies stored with the conclusions (see `dependenciesOf`). */
  allFacts(): FileFacts[];
}

export interface SessionWrite {
  /** Files whose entries were written (their facts and stamps). */
  written: number;
  /** Whether the conclusions were stored too; `why` says why not. */
  conclusions: boolean;
  why?: string;
}

/**
 * The cache of one folder during a language-server session. It knows, per file the engine was filled with, the
 * content hash of the text the engine's facts come from (the index's, then each write's), so that it can tell when
 * the cache on disk holds exactly the engine's facts: only then are the engine's conclusions stored under the key of
 * those facts (`FactsCache.conclusionsKey`), for the next start-up. A cache another scan wrote in between (the CLI)
 * is merged into, never taken for the engine's: a file whose entry differs from what the engine holds keeps the
 * other scan's entry, and the conclusions are not stored that time.
 */
export class SessionCache {
  /** Per file of the folder: the content hash (of its bytes) the engine's facts were made from, and its mark. */
  private readonly hashes = new Map<string, { hash: string; bom: boolean }>();
  /** A write under way, which the next one waits for (two writes of one cache file must not interleave). */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly at: CacheLocation,
    files: readonly ScannedFile[],
    private readonly absPathOf: (id: string) => string,
    private readonly fs: WalkFs = realFs,
  ) {
    for (const f of files) if (f.hash !== undefined) this.hashes.set(f.id, { hash: f.hash, bom: f.bom });
  }

  /**
   * Writes the entries of `changed` files (those the server saw saved or changed on disk since the last write) whose
   * text on disk is the one the engine holds, then the engine's conclusions when they are those of the files on
   * disk. Writes one at a time; returns what was written.
   */
  write(changed: readonly string[], config: FkGuardConfig, view: EngineView): Promise<SessionWrite> {
    const run = this.writing.then(() => this.writeNow(changed, config, view));
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async writeNow(changed: readonly string[], config: FkGuardConfig, view: EngineView): Promise<SessionWrite> {
    // Each file as it is on disk now. The stamp is taken before the read (see `fileStamp`).
    const disk = new Map<string, { hash: string; bom: boolean; text: string; stamp?: string } | undefined>();
    for (const id of changed) {
      const path = this.absPathOf(id);
      const now = Date.now();
      let st;
      try {
        st = await this.fs.stat(path);
      } catch {
        disk.set(id, undefined);
        continue;
      }
      const read = await readSourceFile(path, config.maxFileSize, this.fs, st);
      if ('skipped' in read) disk.set(id, undefined);
      else disk.set(id, { hash: contentHash(read.bytes), bom: read.bom, text: read.text, stamp: trustedStamp(st, now) });
    }

    // From here to the serialising of what is written, one turn: the engine does not change under it (its facts
    // objects are moved in place by later edits, so they are turned into bytes now).
    const cache = FactsCache.open(this.at.dir, this.at.key);
    if (cache.problem) return { written: 0, conclusions: false, why: cache.problem };
    let consistent = true;
    let why: string | undefined;
    const differs = (reason: string) => {
      consistent = false;
      why ??= reason;
    };
    let written = 0;
    for (const id of changed) {
      const now = disk.get(id);
      const held = view.file(id);
      if (held.text === null) {
        differs(`${id}: the editor's facts may not be those of the file`);
        continue;
      }
      if (!now) {
        if (held.text !== undefined) differs(`${id}: gone from disk, not from the editor`);
        else this.hashes.delete(id);
        continue;
      }
      if (held.text === undefined || held.text !== now.text) {
        differs(`${id}: the editor holds another text than the file's`);
        continue;
      }
      cache.set(id, now.hash, held.facts, { ...(now.stamp ? { stamp: now.stamp } : {}), ...(held.skip ? { skip: held.skip } : {}), bom: now.bom });
      this.hashes.set(id, { hash: now.hash, bom: now.bom });
      written++;
    }
    for (const [id, text] of view.openTexts()) {
      const known = this.hashes.get(id);
      if (text === null || !known || contentHash(known.bom ? `\ufeff${text}` : text) !== known.hash) differs(`${id}: open with unsaved changes`);
    }
    const files = [...this.hashes.keys()];
    for (const [id, { hash }] of this.hashes) {
      if (cache.hashOf(id) !== hash) {
        differs(`${id}: the cache holds another scan's facts`);
        break;
      }
    }
    cache.retain(new Set(files));
    let conclusions: { key: string; value: Conclusions } | undefined;
    if (consistent) {
      const key = cache.conclusionsKey(files, config);
      if (key === undefined) differs('a file has no entry');
      else conclusions = { key, value: { ...view.conclusions(), dependencies: dependenciesOf(view.allFacts()) } };
    }
    // The facts first: stored conclusions name the facts the cache holds (a reader finding conclusions without their
    // facts only misses them).
    cache.save();
    if (conclusions) cache.saveConclusions(conclusions.key, conclusions.value);
    return { written, conclusions: conclusions !== undefined, ...(why ? { why } : {}) };
  }
}
