import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Diagnostic,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { FixData, readFixData, SOURCE } from '../diagnostics';

/** The kind of the "fix all" source action, so `editor.codeActionsOnSave` can name it. */
export const FixAllKind = `${CodeActionKind.SourceFixAll}.fkguard`;

export interface CodeActionContext {
  /** The version of an open document now, or null when it is not open. */
  versionOf(uri: string): number | null;
  /** The diagnostics last published for `uri`, brought up to date with the document first. */
  currentDiagnostics(uri: string): Diagnostic[];
  /** Whether the client applies `documentChanges` (versioned edits); if not, plain `changes` are sent. */
  documentChanges: boolean;
}

/**
 * Code actions read only what each diagnostic already holds in `data`: nothing is re-validated here and no
 * message text is matched. A fix whose edits were made for an older version of a document is left out;
 * the fresh diagnostics that are on their way carry the fix for the new text.
 */
export function codeActions(params: CodeActionParams, ctx: CodeActionContext): CodeAction[] {
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wants(only, CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const data = readFixData(diagnostic.data);
      if (!data) continue;
      for (const fix of data.fixes) {
        const edit = workspaceEdit([fix], ctx);
        if (!edit) continue;
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.isPreferred,
          edit,
        });
      }
    }
  }
  if (only && wants(only, FixAllKind)) {
    const fixAll = fixAllAction(params.textDocument.uri, ctx);
    if (fixAll) actions.push({ title: fixAll.title, kind: fixAll.kind, edit: fixAll.edit });
  }
  // As ESLint does: where a fix is on offer and the file has more than one, the quick-fix menu also fixes them
  // all, so nobody has to find "Source Action…". It is the same edit as the source action, under another kind.
  if (actions.some((a) => a.kind === CodeActionKind.QuickFix)) {
    const fixAll = fixAllAction(params.textDocument.uri, ctx);
    if (fixAll && fixAll.fixes > 1) {
      actions.push({ title: 'Fix all FK Guard problems in this file', kind: CodeActionKind.QuickFix, edit: fixAll.edit });
    }
  }
  return actions;
}

/** All preferred fixes of a document at once; a fix that overlaps one already taken waits for the next run. */
export function fixAllAction(uri: string, ctx: CodeActionContext): (CodeAction & { fixes: number }) | undefined {
  const chosen: FixData['fixes'] = [];
  const taken = new Map<string, Array<{ start: number; end: number; key: string }>>();
  const diagnostics = ctx.currentDiagnostics(uri).filter((d) => d.source === SOURCE);
  for (const diagnostic of diagnostics) {
    const fix = readFixData(diagnostic.data)?.fixes.find((f) => f.isPreferred);
    if (!fix || !isCurrent(fix, ctx)) continue;
    const keys = fix.edits.map((e) => ({ uri: e.uri, start: pos(e.range.start), end: pos(e.range.end), key: editKey(e) }));
    const clash = keys.some((k) =>
      (taken.get(k.uri) ?? []).some((t) => t.key !== k.key && k.start < t.end && t.start < k.end),
    );
    if (clash) continue;
    const fresh = fix.edits.filter((e, i) => !(taken.get(e.uri) ?? []).some((t) => t.key === keys[i].key));
    for (const k of keys) {
      const list = taken.get(k.uri) ?? [];
      if (!list.some((t) => t.key === k.key)) list.push(k);
      taken.set(k.uri, list);
    }
    chosen.push({ ...fix, edits: fresh });
  }
  if (chosen.length === 0) return undefined;
  const edit = workspaceEdit(chosen, ctx);
  if (!edit) return undefined;
  return {
    title: chosen.length === 1 ? `Fix FK Guard problem: ${chosen[0].title}` : `Fix all ${chosen.length} FK Guard problems`,
    kind: FixAllKind,
    edit,
    fixes: chosen.length,
  };
}

function wants(only: string[] | undefined, kind: string): boolean {
  if (!only || only.length === 0) return true;
  return only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

function isCurrent(fix: FixData['fixes'][number], ctx: CodeActionContext): boolean {
  return fix.edits.every((e) => (e.version ?? null) === ctx.versionOf(e.uri));
}

function workspaceEdit(fixes: FixData['fixes'], ctx: CodeActionContext): WorkspaceEdit | undefined {
  if (!fixes.every((f) => isCurrent(f, ctx))) return undefined;
  const byUri = new Map<string, { version: number | null; edits: TextEdit[] }>();
  for (const fix of fixes) {
    for (const e of fix.edits) {
      const entry = byUri.get(e.uri) ?? { version: e.version ?? null, edits: [] };
      entry.edits.push({ range: e.range, newText: e.newText });
      byUri.set(e.uri, entry);
    }
  }
  if (!ctx.documentChanges) {
    const changes: Record<string, TextEdit[]> = {};
    for (const [uri, entry] of byUri) changes[uri] = entry.edits;
    return { changes };
  }
  return {
    documentChanges: [...byUri].map(([uri, entry]) =>
      TextDocumentEdit.create({ uri, version: entry.version }, entry.edits),
    ),
  };
}

// Positions compare as one number; a line is never longer than 2^24 characters in a model file.
function pos(p: { line: number; character: number }): number {
  return p.line * 2 ** 24 + p.character;
}

function editKey(e: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }): string {
  return `${pos(e.range.start)}:${pos(e.range.end)}:${e.newText}`;
}
