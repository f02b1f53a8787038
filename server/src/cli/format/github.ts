// GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.
// Escaping follows the runner's rules (as in @actions/core): data escapes `%`, CR and LF; property values
// also escape `:` and `,`, which would otherwise end the value.

import { Finding, Severity } from '../../core/types';
import { describeFix } from './text';
import { displayPath, lineStartsCache, preferredFix, printable, ScanReport } from './report';
import { summaryLine } from './text';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatGithubAnnotation(
  report: ScanReport,
  f: Finding,
  startsOf: (file: string) => number[] | undefined = lineStartsCache((file) => report.textOf(file)),
): string {
  const props = [
    `file=${escapeProperty(displayPath(report, f.file))}`,
    `line=${f.range.start.line + 1}`,
    `col=${f.range.start.character + 1}`,
    `endLine=${f.range.end.line + 1}`,
    `endColumn=${f.range.end.character + 1}`,
    `title=${escapeProperty(`fkguard ${f.rule}`)}`,
  ].join(',');
  const fix = preferredFix(f);
  // Runners render ANSI codes in logs too; the escapes keep the message's own line break.
  const message = fix ? `${printable(f.message)}\nfix: ${printable(describeFix(fix, (file) => report.textOf(file), startsOf))}` : printable(f.message);
  return `::${COMMAND[f.severity]} ${props}::${escapeData(message)}`;
}

export function formatGithub(report: ScanReport, opts: { quiet?: boolean } = {}): string {
  const startsOf = lineStartsCache((file) => report.textOf(file));
  const lines = report.findings.map((f) => formatGithubAnnotation(report, f, startsOf));
  if (!opts.quiet) lines.push(summaryLine(report));
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
