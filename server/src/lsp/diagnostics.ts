import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import type { Finding, Range, Severity } from '../core/types';

/** The source name every FK Guard diagnostic carries; code actions ignore diagnostics from anyone else. */
export const SOURCE = 'fkguard';

/**
 * What a diagnostic carries in `data`: the finding's fixes with their edits already in URIs, each target
 * document's version as it was when the fix was computed (null for a file not open in the editor).
 */
export interface FixData {
  fixes: Array<{
    title: string;
    isPreferred: boolean;
    edits: Array<{ uri: string; version: number | null; range: Range; newText: string }>;
  }>;
}

export interface DiagnosticContext {
  uriOf(file: string): string;
  /** The version of an open document, or null. */
  versionOf(uri: string): number | null;
  /** The documentation of a rule, e.g. the README's `#rule-unknown-table` heading. */
  ruleDocs(rule: string): string | undefined;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(finding: Finding, ctx: DiagnosticContext): Diagnostic {
  const data: FixData = {
    fixes: finding.fixes.map((fix) => ({
      title: fix.title,
      isPreferred: fix.isPreferred,
      edits: fix.edits.map((e) => {
        const uri = ctx.uriOf(e.file);
        return { uri, version: ctx.versionOf(uri), range: e.range, newText: e.newText };
      }),
    })),
  };
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: SOURCE,
    code: finding.rule,
    message: finding.message,
    data,
  };
  const href = ctx.ruleDocs(finding.rule);
  if (href) diagnostic.codeDescription = { href };
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((r) => ({
      location: { uri: ctx.uriOf(r.file), range: r.range },
      message: r.message,
    }));
  }
  return diagnostic;
}

/** Reads `Diagnostic.data` defensively: a client may hand back anything, including another server's data. */
export function readFixData(data: unknown): FixData | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const fixes = (data as { fixes?: unknown }).fixes;
  if (!Array.isArray(fixes)) return undefined;
  const ok = fixes.every(
    (f) =>
      f &&
      typeof f.title === 'string' &&
      typeof f.isPreferred === 'boolean' &&
      Array.isArray(f.edits) &&
      f.edits.every(
        (e: unknown) =>
          !!e &&
          typeof (e as { uri?: unknown }).uri === 'string' &&
          typeof (e as { newText?: unknown }).newText === 'string' &&
          isRange((e as { range?: unknown }).range),
      ),
  );
  return ok ? (data as FixData) : undefined;
}

function isRange(r: unknown): r is Range {
  const pos = (p: unknown) =>
    !!p && typeof (p as { line?: unknown }).line === 'number' && typeof (p as { character?: unknown }).character === 'number';
  return !!r && pos((r as Range).start) && pos((r as Range).end);
}
