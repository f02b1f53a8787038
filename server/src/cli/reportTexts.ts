// The texts a text or GitHub report quotes ("replace `user.id` with `users.id`"), read again once the scan is
// over, for the files some finding's fix edits only. Keeping every analysed file's text until the report was
// printed held the whole workspace in memory through the scan: 142 MB of text on the bench's 10,000 model files,
// of which a few hundred files have findings.

import { contentHash } from '../host/factsCache';
import type { ScannedFile } from '../host/scan';
import { readSourceFile } from '../host/workspace';
import { Finding } from '../core/types';
import { preferredFix } from './format/report';

export interface ReportTexts {
  /** The text `file` had when it was analysed; undefined when it is not known (see `changed`). */
  textOf(file: string): string | undefined;
  /**
   * Files whose text is no longer the one their findings were made from (changed, removed or unreadable since
   * the scan read them): their fixes are described by title, never by a replacement read from other text.
   */
  changed: string[];
}

/**
 * Reads again the files the preferred fixes of `findings` edit (the only texts a report quotes), and keeps each
 * whose bytes hash as they did when the scan read them (`ScannedFile.hash`, which the scan must have kept: see
 * `ScanOptions.keepHashes`). A file whose text the scan kept (`ScannedFile.text`) is not read.
 */
export async function readReportTexts(files: readonly ScannedFile[], findings: readonly Finding[], maxBytes: number): Promise<ReportTexts> {
  const wanted = new Set<string>();
  for (const f of findings) for (const e of preferredFix(f)?.edits ?? []) wanted.add(e.file);
  const byId = new Map(files.map((f) => [f.id, f]));
  const texts = new Map<string, string>();
  const changed: string[] = [];
  for (const id of [...wanted].sort()) {
    const entry = byId.get(id);
    if (entry === undefined) continue;
    if (entry.text !== undefined) {
      texts.set(id, entry.text);
      continue;
    }
    // The size limit is the scan's: a file that grew past it since is not the file that was analysed.
    const read = entry.hash === undefined ? undefined : await readSourceFile(entry.absPath, maxBytes);
    if (read !== undefined && !('skipped' in read) && contentHash(read.bytes) === entry.hash) texts.set(id, read.text);
    else changed.push(id);
  }
  return { textOf: (file) => texts.get(file), changed };
}
