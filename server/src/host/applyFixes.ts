// Applying the fixes that findings carry to files on disk (`fkguard scan --fix`). Choosing which fixes can go
// together is plain data work (`planFixes`); writing is careful: a file that changed since the scan is left
// alone, and every write goes through a temporary file and a rename so a crash never leaves half a file.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { applyEdits } from '../core/text';
import { Finding, Fix, Position, TextEdit } from '../core/types';
import { isWithin, readSourceFile } from './workspace';

export interface ChosenFix {
  finding: Finding;
  fix: Fix;
}

export interface FixPlan {
  /** Edits to make, by file id, each list free of overlaps. */
  edits: Map<string, TextEdit[]>;
  /** Fixes whose every edit is in `edits`. */
  chosen: ChosenFix[];
  /** Preferred fixes left out because an edit overlaps one already taken; a later run picks them up. */
  conflicts: ChosenFix[];
}

function comparePos(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return (
    a.file === b.file && comparePos(a.range.start, b.range.start) === 0 && comparePos(a.range.end, b.range.end) === 0 && a.newText === b.newText
  );
}

/** Two edits clash when their ranges share text, or when both insert at one point (the order would be a guess). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  const aEmpty = comparePos(a.range.start, a.range.end) === 0;
  const bEmpty = comparePos(b.range.start, b.range.end) === 0;
  if (aEmpty && bEmpty) return comparePos(a.range.start, b.range.start) === 0;
  return comparePos(a.range.start, b.range.end) < 0 && comparePos(b.range.start, a.range.end) < 0;
}

/**
 * Takes each finding's preferred fix (with `fixMigrations`, also one that edits a migration), in the order given, as a whole: a fix is taken only if none of its
 * edits overlaps an edit already taken. The same edit proposed twice (two fixes adding one import) is
 * taken once and does not count as a clash.
 */
export function planFixes(findings: readonly Finding[], opts: { fixMigrations?: boolean } = {}): FixPlan {
  const edits = new Map<string, TextEdit[]>();
  const chosen: ChosenFix[] = [];
  const conflicts: ChosenFix[] = [];
  for (const finding of findings) {
    // A fix that edits a migration is never preferred (see `demoteHistoryFixes`); `--fix-migrations` takes
    // the one that would be.
    const fix = finding.fixes.find((f) => f.isPreferred) ?? (opts.fixMigrations ? finding.fixes.find((f) => f.rewritesHistory?.preferred) : undefined);
    if (!fix || fix.edits.length === 0) continue;
    const fresh: TextEdit[] = [];
    let clash = false;
    for (const e of fix.edits) {
      const taken = edits.get(e.file) ?? [];
      if (taken.some((t) => sameEdit(t, e)) || fresh.some((t) => sameEdit(t, e))) continue;
      if (taken.some((t) => overlaps(t, e)) || fresh.some((t) => overlaps(t, e))) {
        clash = true;
        break;
      }
      fresh.push(e);
    }
    if (clash) {
      conflicts.push({ finding, fix });
      continue;
    }
    for (const e of fresh) {
      const list = edits.get(e.file);
      if (list) list.push(e);
      else edits.set(e.file, [e]);
    }
    chosen.push({ finding, fix });
  }
  return { edits, chosen, conflicts };
}

export interface FileToFix {
  absPath: string;
  /** The text the fixes were computed on. */
  text: string;
  bom: boolean;
}

export interface FixWriteResult {
  /** Files written, with how many edits each. */
  written: Array<{ file: string; edits: number }>;
  /** Files not written, with the reason (changed since the scan, not writable, …). */
  failed: Array<{ file: string; reason: string }>;
}

export interface FixWriteOptions {
  /** Real paths of the scanned roots: a file whose real path is in none of them is never written. */
  within?: readonly string[];
  /** Called after the new text is staged and before it replaces the file; tests write to the file here. */
  beforeReplace?: (absPath: string) => void | Promise<void>;
}

/** The line ending a text uses most: the one an inserted line must use too. */
export function dominantEol(text: string): '\n' | '\r\n' | '\r' {
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        crlf++;
        i++;
      } else cr++;
    } else if (c === 10) lf++;
  }
  return crlf > lf && crlf >= cr ? '\r\n' : cr > lf && cr > crlf ? '\r' : '\n';
}

/**
 * Applies planned edits file by file. Before writing, each file is read again and compared with the text the
 * fixes were computed on; if it changed, it is left alone (the offsets would land in the wrong places).
 * `lookup` gives, for a file id, where it is and the text the scan saw. Line breaks in the edits' text take the
 * file's own line ending; a file outside `within`, or read-only, is not written.
 */
export async function writeFixes(
  plan: FixPlan,
  lookup: (file: string) => FileToFix | undefined,
  options: FixWriteOptions = {},
): Promise<FixWriteResult> {
  const written: FixWriteResult['written'] = [];
  const failed: FixWriteResult['failed'] = [];
  for (const [file, edits] of [...plan.edits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const target = lookup(file);
    if (!target) {
      failed.push({ file, reason: 'not part of the scan; not fixed' });
      continue;
    }
    if (options.within) {
      let real: string;
      try {
        real = await fs.realpath(target.absPath);
      } catch (err) {
        failed.push({ file, reason: `cannot be read again (${(err as Error).message}); not fixed` });
        continue;
      }
      if (!options.within.some((root) => isWithin(root, real))) {
        failed.push({ file, reason: `is a link to ${real}, outside the scanned folder; not fixed` });
        continue;
      }
    }
    const now = await readSourceFile(target.absPath, Number.MAX_SAFE_INTEGER);
    if ('skipped' in now) {
      failed.push({ file, reason: `cannot be read again (${now.skipped}); not fixed` });
      continue;
    }
    if (now.text !== target.text) {
      failed.push({ file, reason: 'changed since the scan; not fixed (run again)' });
      continue;
    }
    const eol = dominantEol(target.text);
    const local = eol === '\n' ? edits : edits.map((e) => ({ ...e, newText: e.newText.replace(/\r\n|\r|\n/g, eol) }));
    let next: string;
    try {
      next = applyEdits(target.text, local);
    } catch (err) {
      failed.push({ file, reason: `the fixes do not apply (${(err as Error).message}); not fixed` });
      continue;
    }
    if (next === target.text) continue;
    const bom = now.bom ? '\uFEFF' : '';
    try {
      await writeFileSafely(target.absPath, bom + next, bom + target.text, options.beforeReplace);
      written.push({ file, edits: edits.length });
    } catch (err) {
      failed.push({ file, reason: err instanceof FixRefused ? err.message : `not written (${(err as Error).message})` });
    }
  }
  return { written, failed };
}

/** A reason not to write a file that is not a failure of the write itself. */
class FixRefused extends Error {}

/** `.NAME.fkguard-PID-HEX.tmp`: the temporary files `writeFileSafely` makes. */
const TEMP_NAME = /^\.(.+)\.fkguard-(\d+)-[0-9a-f]{8}\.tmp$/;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files of our own naming left in `dir` by a run that was killed mid-write. */
async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (m && !isAlive(Number(m[2]))) await fs.rm(path.join(dir, name), { force: true });
  }
}

/**
 * Writes over a file in place (it has several hard links, or an owner that cannot be given back): unlike a
 * rename, this cannot be atomic, so it is made as safe as it can be. The original text is first copied beside
 * the file (`.NAME.fkguard-PID-HEX.bak`, readable by its owner only; a full disk fails here, with the file
 * untouched). The file is then opened, read through that handle and compared with `expected` right before
 * the write (a program that replaces the file by a rename after that is not seen, and keeps its own text),
 * written, truncated and synced through the same handle. If writing fails, the original text is written back
 * the same way; the copy is removed once the file holds one whole text again, and kept (and named in the
 * error) otherwise. A run killed while writing leaves the copy for the person to restore: a later run never
 * removes a `.bak`.
 */
async function writeInPlace(real: string, text: string, expected: string, changed: () => Error): Promise<void> {
  const backup = path.join(path.dirname(real), `.${path.basename(real)}.fkguard-${process.pid}-${randomBytes(4).toString('hex')}.bak`);
  await fs.writeFile(backup, expected, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
  let keepBackup = false;
  try {
    const handle = await fs.open(real, 'r+');
    try {
      if ((await handle.readFile({ encoding: 'utf8' })) !== expected) throw changed();
      try {
        await replaceThrough(handle, text);
      } catch (err) {
        try {
          await replaceThrough(handle, expected);
        } catch {
          keepBackup = true;
          throw new Error(`${(err as Error).message}; the file may be half written: its original text is in ${backup}`);
        }
        throw err;
      }
    } finally {
      await handle.close();
    }
  } finally {
    if (!keepBackup) await fs.rm(backup, { force: true });
  }
}

/** The whole content of an open file replaced by `text`, and on disk before this returns. */
async function replaceThrough(handle: fs.FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, done);
    if (bytesWritten <= 0) throw new Error('the disk took no more bytes');
    done += bytesWritten;
  }
  await handle.truncate(bytes.length);
  await handle.sync();
}

/**
 * Writes `text` over `file`, which must still hold `expected`. Normally through a temporary file in the same
 * folder and a rename, so readers see the old file or the new one, never a mix; the new file gets the old
 * one's permission bits, owner and group. A file with several hard links is written in place instead (a
 * rename would leave the other names with the old text), and so is one whose owner cannot be given back
 * (see `writeInPlace` for what that can and cannot promise). A
 * read-only file is refused. The file is compared with `expected` once more just before it is replaced, so a
 * write by another program in the meantime is not lost.
 */
export async function writeFileSafely(
  file: string,
  text: string,
  expected: string,
  beforeReplace?: (file: string) => void | Promise<void>,
): Promise<void> {
  const real = await fs.realpath(file);
  const st = await fs.stat(real);
  if ((st.mode & 0o222) === 0) throw new FixRefused(`is read-only (mode ${(st.mode & 0o777).toString(8)}); not fixed`);
  const dir = path.dirname(real);
  await removeStaleTemps(dir);
  const unchanged = async () => (await fs.readFile(real, 'utf8')) === expected;
  const changed = () => new FixRefused('changed while the fix was being written; not fixed (run again)');

  const inPlace = async () => {
    await beforeReplace?.(file);
    await writeInPlace(real, text, expected, changed);
  };
  if (st.nlink > 1) return inPlace();

  const tmp = path.join(dir, `.${path.basename(real)}.fkguard-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, text, { encoding: 'utf8', mode: st.mode & 0o7777, flag: 'wx' });
    if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) {
      try {
        await fs.chown(tmp, st.uid, st.gid);
      } catch {
        // Only root may give a file away: write in place, which keeps the file (and its owner) as it is.
        await fs.rm(tmp, { force: true });
        return inPlace();
      }
    }
    // The umask may have narrowed the mode given to writeFile, and chown clears set-id bits.
    await fs.chmod(tmp, st.mode & 0o7777);
    await beforeReplace?.(file);
    if (!(await unchanged())) throw changed();
    await fs.rename(tmp, real);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
