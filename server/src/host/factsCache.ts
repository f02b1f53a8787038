import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileFacts } from '../core/types';

/** The folder a scan keeps its cache in, inside the scanned root (as `.ruff_cache` or `.mypy_cache` are). */
export const CACHE_DIR_NAME = '.fkguard_cache';
const CACHE_FILE = 'facts-v1.json';

interface CacheFile {
  key: string;
  files: Record<string, { hash: string; facts: FileFacts | null }>;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/**
 * The facts of files from an earlier run, by file and content hash, so a scan of an unchanged file skips
 * parsing it. `key` names the code that computed the facts (the CLI passes a hash of its own bundle): a
 * cache written by another build is ignored, so facts never outlive the extractor that made them. Every
 * failure to read or write the cache is silent: it only ever costs speed.
 */
export class FactsCache {
  private entries: CacheFile['files'];
  private dirty = false;
  hits = 0;

  private constructor(
    private readonly dir: string,
    private readonly key: string,
    entries: CacheFile['files'],
  ) {
    this.entries = entries;
  }

  static open(dir: string, key: string): FactsCache {
    let entries: CacheFile['files'] = {};
    try {
      const data = JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as Partial<CacheFile>;
      if (data && data.key === key && data.files && typeof data.files === 'object') entries = data.files;
    } catch {
      // No cache yet, or one that cannot be read: start empty.
    }
    return new FactsCache(dir, key, entries);
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
    if (e && e.hash === hash) return;
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
    if (!this.dirty) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      // Like other tools' caches: the folder says itself that it is not to be committed.
      writeFileSync(join(this.dir, '.gitignore'), '# Created by fkguard.\n*\n');
      const tmp = join(this.dir, `${CACHE_FILE}.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify({ key: this.key, files: this.entries } satisfies CacheFile));
      renameSync(tmp, join(this.dir, CACHE_FILE));
      this.dirty = false;
    } catch {
      // A read-only checkout: the next run parses again.
    }
  }
}

/** A key for the code running now: the hash of the bundle (or compiled file) this module was loaded from. */
export function codeKey(): string {
  try {
    return contentHash(readFileSync(__filename, 'utf8'));
  } catch {
    return 'unknown';
  }
}
