// Walking a workspace and reading its source files: the one place where FK Guard touches the file system to
// find files. The CLI and the language server both use it, so an editor and CI see the same set of files.

import { matchesEnding } from '../core/dialect';
import { PYTHON_EXTENSIONS } from '../core/python/dialect';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, constants, Dirent, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, Stats, statSync } from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import picomatch from 'picomatch';
import { trustedStamp } from './factsCache';
import { describeFsError } from './fsErrors';
import { fastIgnore, IgnoreTester } from './ignoreMatch';

/** The extensions of files the Python engine reads. Other languages add their own list. */
export { PYTHON_EXTENSIONS } from '../core/python/dialect';

/**
 * Folder names that never hold a project's own models: dependencies, virtual environments, caches and build
 * output. Walking them costs time and reports other people's code. A root given explicitly is walked anyway.
 */
const SKIPPED_DIR_NAMES: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  'env',
  'site-packages',
  'build',
  'dist',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
]);

/** Whether a folder is skipped by name alone (before looking inside it for `pyvenv.cfg`). */
export function isSkippedDirName(name: string): boolean {
  return SKIPPED_DIR_NAMES.has(name) || name.endsWith('.egg-info');
}

/**
 * The file-system calls the walker and reader use, so tests can make any call fail. Each may answer at once or
 * through a promise, and may fail by throwing or by rejecting: callers `await` it inside a `try` either way.
 */
export interface WalkFs {
  readdir(dir: string): Dirent[] | Promise<Dirent[]>;
  stat(file: string): Stats | Promise<Stats>;
  realpath(file: string): string | Promise<string>;
  readFile(file: string): Buffer | Promise<Buffer>;
}

/**
 * The real file system, synchronous: on a scan of 1,650 files the promise-based calls cost 4–7 times the CPU
 * of the synchronous ones (issue #10: 659 ms against 93–148 ms for the reads alone), all of it on the main
 * thread, while the parser threads waited. Each call is short (one folder listing, one file); the walk and the
 * scan yield to the event loop every few dozen of them, so a language server stays responsive.
 */
export const realFs: WalkFs = {
  readdir: (dir) => readdirSync(dir, { withFileTypes: true }),
  stat: (file) => statSync(file),
  realpath: (file) => realpathSync(file),
  readFile: (file) => readFileSync(file),
};

/** The shape of LSP's `CancellationToken`, so the language server can pass its own. */
export interface CancellationToken {
  readonly isCancellationRequested: boolean;
}

export interface SkippedFile {
  /** Workspace-relative POSIX path, or the absolute path when it lies outside the base. */
  file: string;
  reason: string;
}

export interface WorkspaceFile {
  /** The file id the engine sees: relative to the base, `/`-separated. */
  id: string;
  absPath: string;
}

export interface WalkProgress {
  phase: 'walk';
  /** Folders read so far. */
  folders: number;
  /** Candidate files found so far. */
  files: number;
}

export interface WalkOptions {
  /** Absolute folders or files to walk. A file root is listed as is (no ignore rules, any extension). */
  roots: readonly string[];
  /** The folder file ids are relative to; defaults to `commonBase(roots)`. */
  base?: string;
  /** Extensions to list, with the dot. Defaults to `PYTHON_EXTENSIONS`. */
  extensions?: readonly string[];
  /** Globs relative to the base (picomatch); when non-empty only matching files are listed. */
  include?: readonly string[];
  /** Globs relative to the base; matching files and folders are skipped. */
  exclude?: readonly string[];
  /** Honour `.gitignore` files (default true). */
  gitignore?: boolean;
  /**
   * Follow symlinks whose target lies inside one of the roots (default true). Links that lead out of every
   * root are never followed, so a scan (and a `--fix`) stays inside the folders it was given.
   */
  followSymlinks?: boolean;
  onProgress?: (progress: WalkProgress) => void;
  token?: CancellationToken;
  fs?: WalkFs;
  /**
   * What the last walk with the same options found in each folder (kept with the facts cache): a folder that has
   * not changed since is taken from it without being listed, and its `.gitignore` decisions with it.
   */
  memory?: WalkMemory;
}

/**
 * What a walk found in one folder, kept so that the next walk with the same options need not list the folder again
 * nor match its entries against the `.gitignore` files (on a 2,000-file application that matching was half the
 * walk's 300 ms of CPU). Taken again only when the folder and the `.gitignore` files that apply in it are as they
 * were: a folder whose entries come, go or are renamed gets a new modification time (its stamp; git's untracked
 * cache rests on the same rule), and the `.gitignore` files are compared by content. Symlinks are followed again
 * each time (where a link leads can change without its folder changing).
 */
export interface FolderRecord {
  /** The folder's stamp (`fileStamp`) taken before it was listed; a stamp too recent to be trusted is never kept. */
  stamp: string;
  /** The `.gitignore` files that apply in the folder, its own included, by content (see `ignoreSig`). */
  ignores: string;
  /** The folder is a virtual environment (`pyvenv.cfg` at its top): nothing in it is listed. */
  venv: boolean;
  /** The folder holds a `.gitignore`. */
  gitignore: boolean;
  /**
   * The entries the walk takes, in name order: subfolders to walk (their name ends with `/`), files to list, and
   * symlinks (their name starts with `/`), which the walk looks at again each time.
   */
  entries: readonly string[];
}

/** Where a walk finds what the last walk found, and leaves what it found itself (see `FolderRecord`). */
export interface WalkMemory {
  /** The folders (by absolute path) the last walk with these options (`key`) kept; undefined when there are none. */
  recall(key: string): ReadonlyMap<string, FolderRecord> | undefined;
  /** What this walk found, for the next one; not called for a walk that was cancelled. */
  keep(key: string, folders: ReadonlyMap<string, FolderRecord>): void;
}

export interface WalkResult {
  /** Sorted by id. */
  files: WorkspaceFile[];
  skipped: SkippedFile[];
  cancelled: boolean;
}

/**
 * The deepest folder that contains every root (a file root counts by its folder). File ids are relative to
 * it, so `fkguard scan app/ lib/` reports `app/models.py` and `lib/models.py`, and a reference in one can
 * name a table in the other without ambiguity about which root a path belongs to.
 */
export function commonBase(roots: readonly string[], isFile: (p: string) => boolean = () => false): string {
  if (roots.length === 0) throw new Error('commonBase needs at least one root');
  const dirs = roots.map((r) => path.resolve(isFile(r) ? path.dirname(r) : r));
  let parts = dirs[0].split(path.sep);
  for (const d of dirs.slice(1)) {
    const other = d.split(path.sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  const joined = parts.join(path.sep);
  return joined === '' ? path.parse(dirs[0]).root : joined;
}

/** `abs` relative to `base` with `/` separators; the absolute path (with `/`) when it is outside `base`. */
export function toFileId(base: string, abs: string): string {
  const rel = path.relative(base, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

/**
 * A matcher for config globs against base-relative POSIX paths. A glob with a `/` matches the whole path
 * (`migrations/**`, `app/*.py`); one without matches the last segment at any depth (`tests`, `*_pb2.py`), as
 * in `.gitignore`. (picomatch's own `basename` option also applies to globs with a `/` and then never
 * matches them, so the two kinds are split here.) Dot files match like any other.
 */
export function globMatcher(globs: readonly string[]): (relPath: string) => boolean {
  const withSlash = globs.filter((g) => g.includes('/')).map((g) => g.replace(/^\.\//, ''));
  const bare = globs.filter((g) => !g.includes('/'));
  const full = withSlash.length > 0 ? picomatch(withSlash, { dot: true }) : undefined;
  const last = bare.length > 0 ? picomatch(bare, { dot: true }) : undefined;
  return (rel) => (full?.(rel) ?? false) || (last?.(rel.slice(rel.lastIndexOf('/') + 1)) ?? false);
}

/**
 * Whether one file (base-relative POSIX id) passes the walk's rules other than `.gitignore`: extension,
 * built-in folder skips, include and exclude. For files that appear after a walk (an editor's watcher).
 */
export function isWalkedPath(
  id: string,
  opts: { extensions?: readonly string[]; include?: readonly string[]; exclude?: readonly string[] },
): boolean {
  if (!hasExtension(id.slice(id.lastIndexOf('/') + 1), opts.extensions ?? PYTHON_EXTENSIONS, id)) return false;
  const parts = id.split('/');
  if (parts.slice(0, -1).some(isSkippedDirName)) return false;
  if (opts.exclude?.length) {
    const excluded = globMatcher(opts.exclude);
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (excluded(prefix) || (i < parts.length && excluded(`${prefix}/`))) return false;
    }
  }
  return !opts.include?.length || globMatcher(opts.include)(id);
}

/** One folder's `.gitignore`, with the folder it applies to (relative to the base, '' for the base itself). */
interface IgnoreLayer {
  dir: string;
  ig: IgnoreTester;
}

/**
 * A folder's `.gitignore` whose rules are compiled on first use: a walk that takes the folders below it from its
 * memory never tests a path against them.
 */
class LazyIgnoreLayer implements IgnoreLayer {
  private compiled: IgnoreTester | undefined;
  constructor(
    readonly dir: string,
    private readonly text: string,
  ) {}
  get ig(): IgnoreTester {
    return (this.compiled ??= fastIgnore(ignore().add(this.text)));
  }
}

/** The `.gitignore` files that apply in a folder, by content: those of its parent, then its own (`text`). */
function ignoreSig(parent: string, dir: string, text: string): string {
  return createHash('sha1').update(parent).update('\0').update(dir).update('\0').update(text).digest('base64');
}

/** Git decides with the deepest `.gitignore` that has an opinion; a `!pattern` there re-includes a path. */
function isGitIgnored(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { dir, ig } = layers[i];
    let sub = dir === '' ? rel : rel.startsWith(dir + '/') ? rel.slice(dir.length + 1) : undefined;
    if (sub === undefined || sub === '') continue;
    if (isDir) sub += '/';
    const r = ig.test(sub);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/** Whether `child` is `parent` or lies under it (`/` contains every absolute path). */
export function isWithin(parent: string, child: string): boolean {
  if (child === parent) return true;
  return child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

/**
 * Whether the file at `file`, below `root`, may be read under the walk's rule on symlinks, for a file read
 * again after the walk (the language server re-reads a file that changed on disk): with links off, no part of
 * its path below the root is a symlink; with links on, its real path stays inside the root's. A file that is
 * gone is not readable.
 */
export async function readableThroughLinks(file: string, root: string, followSymlinks: boolean): Promise<boolean> {
  const rel = path.relative(root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
  try {
    if (followSymlinks) return isWithin(realpathSync(root), realpathSync(file));
    let at = root;
    for (const part of rel.split(path.sep)) {
      at = path.join(at, part);
      if (lstatSync(at).isSymbolicLink()) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** Hands the event loop a turn, so a language server stays responsive during a large walk. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Lists the candidate files under the roots. Never throws for what it finds on disk: an unreadable folder,
 * a broken symlink or a symlink loop becomes an entry in `skipped` and the walk goes on. Folders are tracked
 * by real path, so a symlink back to an ancestor (or two links to one folder) is walked once.
 */
export async function walkWorkspace(options: WalkOptions): Promise<WalkResult> {
  const fs = options.fs ?? realFs;
  const extensions = options.extensions ?? PYTHON_EXTENSIONS;
  const useGitignore = options.gitignore ?? true;
  const followSymlinks = options.followSymlinks ?? true;
  const roots = options.roots.map((r) => path.resolve(r));
  // Real paths of the folder roots (file roots by their folder): the only places a symlink may lead to.
  const realRoots: string[] = [];
  const rootStats = new Map<string, Stats | undefined>();
  const skipped: SkippedFile[] = [];
  for (const r of roots) {
    try {
      rootStats.set(r, await fs.stat(r));
    } catch (err) {
      rootStats.set(r, undefined);
    }
  }
  const base = path.resolve(options.base ?? commonBase(roots, (r) => rootStats.get(r)?.isFile() ?? false));
  const include = options.include?.length ? globMatcher(options.include) : undefined;
  const exclude = options.exclude?.length ? globMatcher(options.exclude) : undefined;
  const isExcluded = (rel: string, isDir: boolean) =>
    exclude !== undefined && (exclude(rel) || (isDir && exclude(rel + '/')));

  const files = new Map<string, WorkspaceFile>();
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  let folders = 0;
  let cancelled = false;
  const report = () => options.onProgress?.({ phase: 'walk', folders, files: files.size });

  // `id`: the file's id when the caller knows it (the walk builds it from its folder's), else made from `abs`.
  const addFile = (abs: string, real: string, id = toFileId(base, abs)) => {
    // Two paths to one file (a symlink beside its target) would define every table twice.
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.set(id, { id, absPath: abs });
  };

  // The folder's `.gitignore` as text; undefined when there is none or it could not be read (then said in `skipped`).
  const readGitignore = async (dirAbs: string): Promise<string | undefined> => {
    try {
      return (await fs.readFile(path.join(dirAbs, '.gitignore'))).toString('utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        skipped.push({ file: toFileId(base, path.join(dirAbs, '.gitignore')), reason: `not read: ${describeFsError(err, 'read')}` });
      }
      return undefined;
    }
  };

  const memory = options.memory;
  // Everything but the folders' contents that decides what a walk lists.
  const memoryKey = JSON.stringify({ roots, base, extensions, include: options.include ?? [], exclude: options.exclude ?? [], useGitignore, followSymlinks });
  const recalled = memory?.recall(memoryKey);
  const kept = new Map<string, FolderRecord>();

  // `ignores`: the `.gitignore` files that apply in the parent folder, by content (see `ignoreSig`); undefined when
  // one of them could not be read, or when the walk keeps no memory: the folder is then neither taken from the
  // memory nor kept in it.
  // `dirRel`: the folder's id (`toFileId(base, dirAbs)`), built from its parent's.
  const walkDir = async (dirAbs: string, dirRel: string, dirReal: string, layers: IgnoreLayer[], isRoot: boolean, ignores: string | undefined): Promise<void> => {
    if (options.token?.isCancellationRequested) {
      cancelled = true;
      return;
    }
    // The stamp is taken before the folder is listed: a change after it gives the folder another stamp next time.
    let stamp: string | undefined;
    if (memory !== undefined && ignores !== undefined) {
      const now = Date.now();
      try {
        stamp = trustedStamp(await fs.stat(dirAbs), now);
      } catch {
        // Listed below, which says why if it fails.
      }
    }
    const before = stamp === undefined ? undefined : recalled?.get(dirAbs);
    let record = before?.stamp === stamp ? before : undefined;
    let entries: Dirent[] | undefined;
    const list = async (): Promise<Dirent[] | undefined> => {
      try {
        return await fs.readdir(dirAbs);
      } catch (err) {
        skipped.push({ file: toFileId(base, dirAbs), reason: `folder not read: ${describeFsError(err, 'read')}` });
        return undefined;
      }
    };
    if (!record) {
      entries = await list();
      if (!entries) return;
    }
    folders++;
    if (folders % 64 === 0) {
      report();
      await yieldToEventLoop();
    }
    const relOf = (name: string) => (dirAbs === base ? name : `${dirRel}/${name}`);
    // A virtual environment can have any name; `pyvenv.cfg` at its top gives it away.
    if (!isRoot && (record ? record.venv : entries!.some((e) => e.name === 'pyvenv.cfg' && !e.isDirectory()))) {
      if (stamp !== undefined) kept.set(dirAbs, record ?? { stamp, ignores: ignores!, venv: true, gitignore: false, entries: [] });
      return;
    }
    const gitignore = record ? record.gitignore : entries!.some((e) => e.name === '.gitignore');
    if (useGitignore && gitignore) {
      const text = await readGitignore(dirAbs);
      const dir = dirAbs === base ? '' : dirRel;
      if (text === undefined) ignores = undefined;
      else {
        layers = [...layers, new LazyIgnoreLayer(dir, text)];
        if (ignores !== undefined) ignores = ignoreSig(ignores, dir, text);
      }
    }
    // Paths are joined by hand: `path.join` normalises every one of them, and an entry name holds no separator.
    // (A folder path ends with a separator only when it is a file-system root.)
    const dirPrefix = dirAbs.endsWith(path.sep) ? dirAbs : dirAbs + path.sep;
    const realPrefix = dirReal.endsWith(path.sep) ? dirReal : dirReal + path.sep;
    // One entry, as the walk takes it: a subfolder is walked, a file listed, when the rules let them through. A
    // symlink is looked at again every time (where it leads can change without its folder changing). True when the
    // entry is one the folder's record keeps (see `FolderRecord.entries`).
    const visit = async (name: string, isDir: boolean, isFile: boolean, isLink: boolean): Promise<boolean> => {
      const abs = dirPrefix + name;
      // The same as `toFileId(base, abs)`, built from the folder's id.
      const rel = relOf(name);
      let real = realPrefix + name;
      if (isLink) {
        const listed = hasExtension(name, extensions, rel) || !path.extname(name);
        if (!followSymlinks) {
          if (listed) skipped.push({ file: rel, reason: 'symlink not followed (following symlinks is off)' });
          return false;
        }
        try {
          const st = await fs.stat(abs);
          isDir = st.isDirectory();
          isFile = st.isFile();
          real = await fs.realpath(abs);
        } catch (err) {
          // Only links that would have been listed are worth a message; a dangling `foo.txt` link is not.
          if (listed) skipped.push({ file: rel, reason: `symlink not followed: ${describeFsError(err, 'read')}` });
          return false;
        }
        // A link to the folder it sits in, or to any ancestor (`/` included), would repeat the walk forever.
        if (isDir && isWithin(real, dirReal)) {
          skipped.push({ file: rel, reason: 'symlink loop (points to a parent folder); not followed' });
          return false;
        }
        if (!realRoots.some((r) => isWithin(r, real))) {
          if (listed || isDir) skipped.push({ file: rel, reason: `symlink points outside the scanned folder (to ${real}); not followed` });
          return false;
        }
      }
      if (isDir) {
        if (isSkippedDirName(name)) return false;
        if (useGitignore && isGitIgnored(layers, rel, true)) return false;
        if (isExcluded(rel, true)) return false;
        if (seenDirs.has(real)) {
          if (isLink) skipped.push({ file: rel, reason: 'symlink to a folder already scanned; not followed' });
          return true;
        }
        seenDirs.add(real);
        await walkDir(abs, rel, real, layers, false, ignores);
        return true;
      }
      if (isFile) {
        if (!hasExtension(name, extensions, rel)) return false;
        if (useGitignore && isGitIgnored(layers, rel, false)) return false;
        if (isExcluded(rel, false)) return false;
        if (include && !include(rel)) return false;
        addFile(abs, real, rel);
        return true;
      }
      return false;
    };
    if (record && record.ignores === ignores) {
      kept.set(dirAbs, record);
      for (const taken of record.entries) {
        if (taken.startsWith('/')) {
          await visit(taken.slice(1), false, false, true);
        } else if (taken.endsWith('/')) {
          // Taken already: the rules that let it through are those that let it through then.
          const name = taken.slice(0, -1);
          const real = realPrefix + name;
          if (seenDirs.has(real)) continue;
          seenDirs.add(real);
          await walkDir(dirPrefix + name, relOf(name), real, layers, false, ignores);
        } else {
          addFile(dirPrefix + taken, realPrefix + taken, relOf(taken));
        }
        if (cancelled) return;
      }
      return;
    }
    // Not as remembered: the `.gitignore` files changed (the folder's own listing did not).
    record = undefined;
    if (!entries) {
      entries = await list();
      if (!entries) return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // What is kept of the folder, unless the walk keeps no memory or the `.gitignore` files could not all be read.
    const taken: string[] | undefined = stamp !== undefined && ignores !== undefined ? [] : undefined;
    for (const entry of entries) {
      const isLink = entry.isSymbolicLink();
      const isDir = entry.isDirectory();
      const through = await visit(entry.name, isDir, entry.isFile(), isLink);
      if (isLink) taken?.push(`/${entry.name}`);
      else if (through) taken?.push(isDir ? `${entry.name}/` : entry.name);
      if (cancelled) return;
    }
    if (taken !== undefined) kept.set(dirAbs, { stamp: stamp!, ignores: ignores!, venv: false, gitignore, entries: taken });
  };

  for (const root of roots) {
    const st = rootStats.get(root);
    if (!st) continue;
    try {
      realRoots.push(await fs.realpath(st.isFile() ? path.dirname(root) : root));
    } catch {
      // Reported below, where the root is walked.
    }
  }

  for (const root of roots) {
    const st = rootStats.get(root);
    if (!st) {
      skipped.push({ file: toFileId(base, root), reason: 'does not exist' });
      continue;
    }
    if (st.isFile()) {
      let real = root;
      try {
        real = await fs.realpath(root);
      } catch {
        // The stat above succeeded; a failing realpath only loses symlink de-duplication.
      }
      addFile(root, real);
      continue;
    }
    if (!st.isDirectory()) {
      skipped.push({ file: toFileId(base, root), reason: 'neither a file nor a folder' });
      continue;
    }
    let real: string;
    try {
      real = await fs.realpath(root);
    } catch (err) {
      skipped.push({ file: toFileId(base, root), reason: `folder not read: ${describeFsError(err, 'read')}` });
      continue;
    }
    if (seenDirs.has(real)) continue;
    seenDirs.add(real);
    const above = useGitignore ? await ancestorIgnoreLayers(fs, root, base) : { layers: [], sig: 'off' };
    await walkDir(root, toFileId(base, root), real, above.layers, true, memory ? above.sig : undefined);
    if (cancelled) break;
  }
  report();
  if (memory && !cancelled) memory.keep(memoryKey, kept);
  const sorted = [...files.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { files: sorted, skipped, cancelled };
}

/**
 * Whether a file name ends with one of `extensions`. An extension proper (`.py`) needs a name before it: `.py`
 * alone is a hidden file, not a module. A name ending without a dot (`tsconfig.base.json`, `config.json`) is
 * matched by a file of exactly that name too: the walk once required every name to be longer than its ending,
 * so a bare `tsconfig.base.json` was never read and `fkguard scan` missed what its `paths` resolve.
 */
function hasExtension(name: string, extensions: readonly string[], id: string): boolean {
  for (const ext of extensions) {
    // A pattern (`requirements/*.txt`) is matched against the file's path (see `SourceDialect.extensions`).
    if (ext.includes('*') ? matchesEnding(id, ext) : name.endsWith(ext) && (name.length > ext.length || ext[0] !== '.')) return true;
  }
  return false;
}

/**
 * `.gitignore` files above a root still apply inside it, as they do for git. Folders between the base and the
 * root (multi-root scans) always count, like the root's own file; folders above the base count only inside a
 * repository (up to the folder holding `.git`), so scanning `app/` in a repository whose top `.gitignore` says
 * `generated/` skips `app/generated/`, while a stray `.gitignore` in a home folder is never read.
 */
async function ancestorIgnoreLayers(fs: WalkFs, root: string, base: string): Promise<{ layers: IgnoreLayer[]; sig: string }> {
  // A root that is a repository of its own is where git stops looking: nothing above it applies.
  if (await exists(fs, path.join(root, '.git'))) return { layers: [], sig: 'none' };
  const chain: string[] = [];
  let repoTop: string | undefined;
  for (let dir = path.dirname(root); ; ) {
    chain.push(dir);
    if (await exists(fs, path.join(dir, '.git'))) {
      repoTop = dir;
      break;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const insideBase = (d: string) => isWithin(base, d);
  const layers: IgnoreLayer[] = [];
  // What the layers are made of, for `ignoreSig`: each file's text and how it applies.
  const made: string[][] = [];
  for (const d of chain.reverse()) {
    const inner = insideBase(d);
    if (!inner && repoTop === undefined) continue;
    let text: string;
    try {
      text = (await fs.readFile(path.join(d, '.gitignore'))).toString('utf8');
    } catch {
      continue;
    }
    // A folder named on the command line is scanned even when this file ignores it (as Ruff does): its rules
    // then apply inside the root as if they were written there, so `generated/` still skips a nested
    // `generated/`, but no longer the root itself.
    const rootFromHere = path.relative(d, root).split(path.sep).join('/');
    if (rootFromHere !== '' && ignore().add(text).ignores(`${rootFromHere}/`)) {
      layers.push({ dir: root === base ? '' : toFileId(base, root), ig: fastIgnore(ignore().add(text)) });
      made.push(['root', layers[layers.length - 1].dir, text]);
      continue;
    }
    if (inner) {
      layers.push({ dir: d === base ? '' : toFileId(base, d), ig: fastIgnore(ignore().add(text)) });
      made.push(['inner', layers[layers.length - 1].dir, text]);
    } else {
      // An ancestor's rules are relative to the ancestor: test `prefix/rel` for each base-relative `rel`.
      const prefix = path.relative(d, base).split(path.sep).join('/');
      layers.push({ dir: '', ig: prefixed(fastIgnore(ignore().add(text)), prefix) });
      made.push(['above', prefix, text]);
    }
  }
  return { layers, sig: ignoreSig('', '', JSON.stringify(made)) };
}

/** Wraps an ignore set so that it tests `prefix/rel` for each base-relative `rel`. */
function prefixed(ig: IgnoreTester, prefix: string): IgnoreTester {
  if (prefix === '') return ig;
  return { test: (p: string) => ig.test(`${prefix}/${p}`) };
}

async function exists(fs: WalkFs, p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}

/** `bytes`: the file as read, BOM included (the facts cache hashes them rather than the text). */
export type ReadResult = { text: string; bom: boolean; bytes: Uint8Array } | { skipped: string };

const BINARY_SNIFF_BYTES = 8 * 1024;

/**
 * Reads one source file as UTF-8 text. Returns a reason instead of text for a file FK Guard should not
 * analyse: larger than `maxBytes`, binary (a NUL byte in the first 8 KB), not valid UTF-8, or unreadable.
 * A UTF-8 byte-order mark is removed (and reported, so a writer can put it back); offsets then agree with
 * what editors show.
 */
export async function readSourceFile(absPath: string, maxBytes: number, fs: WalkFs = realFs, stat?: Stats): Promise<ReadResult> {
  if (fs === realFs && stat === undefined) return readRealFile(absPath, maxBytes);
  let size: number;
  try {
    // A caller that has just stat-ed the file passes what it saw, which saves a second call.
    const st = stat ?? (await fs.stat(absPath));
    if (!st.isFile()) return { skipped: 'not a regular file' };
    size = st.size;
  } catch (err) {
    return { skipped: `not read: ${describeFsError(err, 'read')}` };
  }
  if (size > maxBytes) return { skipped: `larger than ${formatBytes(maxBytes)} (${formatBytes(size)}); raise maxFileSize to analyse it` };
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(absPath);
  } catch (err) {
    return { skipped: `not read: ${describeFsError(err, 'read')}` };
  }
  // The file may have grown between stat and read.
  if (bytes.length > maxBytes) return { skipped: `larger than ${formatBytes(maxBytes)}; raise maxFileSize to analyse it` };
  return decodeSource(bytes);
}

/** The text of a source file's bytes, or why it is no text FK Guard reads (see `readSourceFile`). */
function decodeSource(bytes: Buffer): ReadResult {
  const sniff = bytes.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.includes(0)) return { skipped: 'binary file (contains NUL bytes)' };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  // One validating pass and one decoding pass in native code: a fatal TextDecoder cost four times as much on
  // the 25 MB of a 1,650-file workspace. The mark, which `toString` keeps, is stripped here.
  if (!isUtf8(bytes)) return { skipped: 'not valid UTF-8' };
  const text = bytes.toString('utf8', bom ? 3 : 0);
  return { text, bom, bytes };
}

/**
 * Opening flags for `readRealFile`: where the platform has it, `O_NONBLOCK`, so that a FIFO met by a race (the walk
 * lists regular files only) is opened without waiting for a writer, then refused by its `fstat`, as a `stat` first
 * refused it. A regular file reads the same either way.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * `readSourceFile` on the real file system, with the checks it makes from one `fstat` of the opened file instead of
 * a `stat` of the path before `readFileSync` (which opens it and `fstat`s it again): on a cold scan this was one
 * system call, one path lookup and one `Stats` object less per file (logto's 4,000 files: stat ~4 % of the scan).
 * The bytes are read as `readFileSync` reads them: the size `fstat` gives, or to the end for a file that says 0.
 */
function readRealFile(absPath: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(absPath, READ_FLAGS);
  } catch (err) {
    return { skipped: `not read: ${describeFsError(err, 'read')}` };
  }
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { skipped: 'not a regular file' };
    if (st.size > maxBytes) return { skipped: `larger than ${formatBytes(maxBytes)} (${formatBytes(st.size)}); raise maxFileSize to analyse it` };
    bytes = readOpenFile(fd, st.size, maxBytes);
  } catch (err) {
    return { skipped: `not read: ${describeFsError(err, 'read')}` };
  } finally {
    closeSync(fd);
  }
  // A file that says it holds 0 bytes is read to its end: it may have grown past the limit.
  if (bytes.length > maxBytes) return { skipped: `larger than ${formatBytes(maxBytes)}; raise maxFileSize to analyse it` };
  return decodeSource(bytes);
}

/** The bytes of an open file of `size` bytes (the file may have shrunk since); with size 0, up to its end (or past `maxBytes`). */
function readOpenFile(fd: number, size: number, maxBytes: number): Buffer {
  if (size > 0) {
    // As `readFileSync` allocates it (a small file shares a pool).
    const buffer = Buffer.allocUnsafe(size);
    let at = 0;
    for (let n = -1; n !== 0 && at < size; at += n) n = readSync(fd, buffer, at, size - at, null);
    return at < size ? buffer.subarray(0, at) : buffer;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafeSlow(64 * 1024);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) break;
  }
  return Buffer.concat(chunks, total);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
