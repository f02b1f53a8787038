// What every output format is given: the findings of one scan and where they are. Formats are pure functions
// of this, so they can be tested on hand-made findings.

import * as path from 'node:path';
import { EngineStats } from '../../core/engine';
import { computeLineStarts, offsetAt } from '../../core/text';
import { Finding, Fix, Range, UncheckedReference } from '../../core/types';

export interface ScanReport {
  /** The folder file ids are relative to (absolute). */
  root: string;
  /** The current directory, for paths a terminal or a CI log can open. */
  cwd: string;
  findings: readonly Finding[];
  /** The references that could not be checked with certainty (for `--explain unchecked` and JSON). */
  unchecked?: readonly UncheckedReference[];
  stats: EngineStats & { ms: number };
  /** FK Guard's version, for SARIF's tool description. */
  version: string;
  /** The README's address; rule help links add `#rule-<id>`. */
  docsUrl?: string;
  /** The text a file had when it was analysed, to show what a fix replaces; undefined when not kept. */
  textOf(file: string): string | undefined;
}

/** The absolute path of a file id. Ids are relative to the root, or absolute for files outside it. */
export function absolutePath(root: string, file: string): string {
  return path.isAbsolute(file) ? path.normalize(file) : path.join(root, ...file.split('/'));
}

/** A path for people and CI logs: relative to the current directory when inside it, absolute otherwise. */
export function displayPath(report: Pick<ScanReport, 'root' | 'cwd'>, file: string): string {
  const abs = absolutePath(report.root, file);
  const rel = path.relative(report.cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

/** The fix a `--fix` run would apply for a finding: the one marked preferred, and only that one. */
export function preferredFix(finding: Finding): Fix | undefined {
  return finding.fixes.find((f) => f.isPreferred);
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number; infos: number; files: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  const files = new Set<string>();
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    else if (f.severity === 'warning') warnings++;
    else infos++;
    files.add(f.file);
  }
  return { errors, warnings, infos, files: files.size };
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * `s` safe to print on a terminal or in a CI log: control characters (C0 but tab, DEL, C1) and the bidirectional
 * overrides that reorder what a reader sees are written as escapes (`\x1b`, `\u202e`). Findings quote source
 * text, and a source file must never be able to move the cursor, retitle the window or hide text.
 */
export function printable(s: string): string {
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * The line starts of each file's text, computed once per file: reports look up many ranges in one file, and
 * recomputing them per range made a report quadratic (47k lines, 5,001 findings: 78 s).
 */
export function lineStartsCache(textOf: (file: string) => string | undefined): (file: string) => number[] | undefined {
  const cache = new Map<string, number[]>();
  return (file) => {
    let starts = cache.get(file);
    if (starts) return starts;
    const text = textOf(file);
    if (text === undefined) return undefined;
    cache.set(file, (starts = computeLineStarts(text)));
    return starts;
  };
}

/** The text a range covers, or undefined when the range is outside the text. */
export function textInRange(text: string, range: Range, lineStarts?: number[]): string | undefined {
  const starts = lineStarts ?? computeLineStarts(text);
  if (range.start.line >= starts.length || range.end.line >= starts.length) return undefined;
  const s = offsetAt(starts, range.start, text.length);
  const e = offsetAt(starts, range.end, text.length);
  return e < s ? undefined : text.slice(s, e);
}
