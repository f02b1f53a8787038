// The JSON report. Its shape is a promise to CI scripts and later tools: every key is always present (a
// finding without a reference has `"reference": null`), positions are 0-based in UTF-16 code units, and
// nothing else is added. Keys are written in a fixed order so diffs of two reports stay readable. Version 1
// grew one key, `unchecked` (after `findings`), which a reader of the older shape never sees.

import { Finding, Range, UncheckedReference } from '../../core/types';
import { ScanReport } from './report';

export const JSON_REPORT_VERSION = 1;

function range(r: Range) {
  return {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  };
}

export function findingToJson(f: Finding) {
  return {
    file: f.file,
    range: range(f.range),
    severity: f.severity,
    rule: f.rule,
    message: f.message,
    reference: f.reference ?? null,
    related: f.related.map((r) => ({ file: r.file, range: range(r.range), message: r.message })),
    fixes: f.fixes.map((x) => ({
      title: x.title,
      isPreferred: x.isPreferred,
      edits: x.edits.map((e) => ({ file: e.file, range: range(e.range), newText: e.newText })),
    })),
  };
}

/** A reference FK Guard could not check with certainty: where, what it names, and why (see README "Unchecked"). */
export function uncheckedToJson(u: UncheckedReference) {
  return { file: u.file, range: range(u.range), reference: u.reference ?? null, reason: u.reason, detail: u.detail };
}

function sortedReasons(byReason: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(byReason).sort()) if (byReason[k]) out[k] = byReason[k]!;
  return out;
}

export function formatJson(report: ScanReport): string {
  const s = report.stats;
  const out = {
    version: JSON_REPORT_VERSION,
    root: report.root,
    stats: {
      files: s.files,
      parsedFiles: s.parsedFiles,
      tables: s.tables,
      references: s.references,
      unresolved: s.unresolved,
      checked: s.checked,
      unchecked: { total: s.unchecked.total, byReason: sortedReasons(s.unchecked.byReason) },
      ms: s.ms,
    },
    findings: report.findings.map(findingToJson),
    unchecked: (report.unchecked ?? []).map(uncheckedToJson),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
