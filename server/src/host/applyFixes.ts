// Applying the fixes that findings carry to files on disk (`fkguard scan --fix`). Choosing which fixes can go
// together is plain data work (`planFixes`); writing is careful: a file that changed since the scan is left
// alone, and every write goes through a temporary file and a rename so a crash never leaves half a file.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { applyEdits } from '../core/text';
import { Finding, Fix, Position, TextEdit } from '../core/types';
import { readSourceFile } from './workspace';

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
 * Takes each finding's preferred fix, in the order given, as a whole: a fix is taken only if none of its
 * edits overlaps an edit already taken. The same edit proposed twice (two fixes adding one import) is
 * taken once and does not count as a clash.
 */
export function planFixes(findings: readonly Finding[]): FixPlan {
  const edits = new Map<string, TextEdit[]>();
  const chosen: ChosenFix[] = [];
  const conflicts: ChosenFix[] = [];
  for (const finding of findings) {
    const fix = finding.fixes.find((f) => f.isPreferred);
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

/**
 * Applies planned edits file by file. Before writing, each file is read again and compared with the text the
 * fixes were computed on; if it changed, it is left alone (the offsets would land in the wrong places).
 * `lookup` gives, for a file id, where it is and the text the scan saw.
 */
export async function writeFixes(
  plan: FixPlan,
  lookup: (file: string) => FileToFix | undefined,
): Promise<FixWriteResult> {
  const written: FixWriteResult['written'] = [];
  const failed: FixWriteResult['failed'] = [];
  for (const [file, edits] of [...plan.edits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const target = lookup(file);
    if (!target) {
      failed.push({ file, reason: 'not part of the scan; not fixed' });
      continue;
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
    let next: string;
    try {
      next = applyEdits(target.text, edits);
    } catch (err) {
      failed.push({ file, reason: `the fixes do not apply (${(err as Error).message}); not fixed` });
      continue;
    }
    if (next === target.text) continue;
    try {
      await writeFileAtomic(target.absPath, (now.bom ? '\uFEFF' : '') + next);
      written.push({ file, edits: edits.length });
    } catch (err) {
      failed.push({ file, reason: `not written (${(err as Error).message})` });
    }
  }
  return { written, failed };
}

/**
 * Writes through a temporary file in the same folder and a rename, so readers see the old file or the new
 * one, never a mix. The file keeps its permission bits; a symlink keeps pointing at the file it pointed at,
 * which is the one rewritten.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const real = await fs.realpath(file);
  const { mode } = await fs.stat(real);
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.fkguard-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, text, { encoding: 'utf8', mode: mode & 0o7777, flag: 'wx' });
    // The umask may have narrowed the mode given to writeFile.
    await fs.chmod(tmp, mode & 0o7777);
    await fs.rename(tmp, real);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
