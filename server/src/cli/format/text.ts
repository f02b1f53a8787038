// Compiler-style output: one `path:line:col: severity rule: message` line per finding, the fix a `--fix` run
// would apply under it, and a summary. Lines and columns are 1-based here because people read them.

import { uncheckedSummary } from '../../core/engine';
import { Finding, Fix, UNCHECKED_REASONS } from '../../core/types';
import { UNCHECKED_SUMMARIES } from './ruleDocs';
import { countBySeverity, displayPath, lineStartsCache, plural, preferredFix, printable, ScanReport, textInRange } from './report';

const MAX_SHOWN = 60;

function quoted(s: string): string {
  // A Python string literal already shows its quotes; anything else gets a pair so spaces stay visible.
  if (/^[rRbBuUfF]{0,2}(["'])[^\n]*\1$/.test(s)) return s;
  return s.includes('"') ? `'${s}'` : `"${s}"`;
}

/**
 * One line that says what a fix does: the replacement itself when it is short and on one line
 * (`replace "user.id" with "users.id"`), the fix's title otherwise.
 */
export function describeFix(
  fix: Fix,
  textOf: (file: string) => string | undefined,
  startsOf: (file: string) => number[] | undefined = lineStartsCache(textOf),
): string {
  const parts: string[] = [];
  for (const e of fix.edits) {
    const text = textOf(e.file);
    const old = text === undefined ? undefined : textInRange(text, e.range, startsOf(e.file));
    const simple =
      old !== undefined && !/[\r\n]/.test(old + e.newText) && old.length <= MAX_SHOWN && e.newText.length <= MAX_SHOWN;
    if (!simple) {
      parts.length = 0;
      break;
    }
    if (old === '') parts.push(`insert ${quoted(e.newText)}`);
    else if (e.newText === '') parts.push(`delete ${quoted(old)}`);
    else parts.push(`replace ${quoted(old)} with ${quoted(e.newText)}`);
  }
  if (parts.length > 0 && parts.length <= 2) return parts.join('; ');
  return fix.edits.length > 1 ? `${fix.title} (${fix.edits.length} edits)` : fix.title;
}

export function formatFinding(
  report: ScanReport,
  f: Finding,
  startsOf: (file: string) => number[] | undefined = lineStartsCache((file) => report.textOf(file)),
): string {
  const line = printable(`${displayPath(report, f.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} ${f.rule}: ${f.message}`);
  const fix = preferredFix(f);
  return fix ? `${line}\n  fix: ${printable(describeFix(fix, (file) => report.textOf(file), startsOf))}` : line;
}

/**
 * The last line: what was found, and what was looked at, including what could not be checked with
 * certainty and why, so a clean run is never a silent pass over references FK Guard could not judge.
 */
export function summaryLine(report: ScanReport): string {
  const c = countBySeverity(report.findings);
  const s = report.stats;
  const infos = c.infos > 0 ? `, ${plural(c.infos, 'note')}` : '';
  return (
    `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}${infos} in ${plural(c.files, 'file')}; ` +
    `${plural(s.tables, 'table')}, ${plural(s.checked, 'reference')} checked, ${uncheckedSummary(s.unchecked)} ` +
    `(${plural(s.files, 'file')} scanned in ${s.ms} ms)`
  );
}


/** `fkguard scan --explain unchecked`: one line per reference FK Guard could not check, and why. */
export function formatUnchecked(report: ScanReport): string {
  const lines = (report.unchecked ?? []).map(
    (u) => `${displayPath(report, u.file)}:${u.range.start.line + 1}:${u.range.start.character + 1}: unchecked ${u.reason}: ${u.reference ? `\`${u.reference}\`: ` : ''}${u.detail}`,
  );
  // Each reason met is said once in words, so the list reads without the README at hand.
  const met = new Set((report.unchecked ?? []).map((u) => u.reason));
  for (const reason of UNCHECKED_REASONS) if (met.has(reason)) lines.push(`${reason}: ${UNCHECKED_SUMMARIES[reason]}`);
  lines.push(`${plural(report.stats.checked, 'reference')} checked, ${uncheckedSummary(report.stats.unchecked)}`);
  return lines.join('\n') + '\n';
}

export function formatText(report: ScanReport, opts: { quiet?: boolean } = {}): string {
  const startsOf = lineStartsCache((file) => report.textOf(file));
  const lines = report.findings.map((f) => formatFinding(report, f, startsOf));
  if (!opts.quiet) lines.push(summaryLine(report));
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
