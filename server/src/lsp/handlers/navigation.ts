import {
  AnnotatedTextEdit,
  ChangeAnnotation,
  CodeLens,
  CompletionItem,
  CompletionItemKind,
  CompletionList,
  Hover,
  Location,
  LSPErrorCodes,
  MarkupKind,
  Position,
  Range,
  ResponseError,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { columnDetail, completionContext, completionEntries, migrationPointAt, referenceContext } from '../../core/complete';
import type { Engine } from '../../core/engine';
import { Symbol, Target, unquoted } from '../../core/navigate';
import { checkRename, planRename, renameFiles, RenamePlan } from '../../core/rename';
import { offsetAt, rangeOf } from '../../core/text';
import type { Span } from '../../core/types';

/*
 * The navigation requests (hover, definition, references, completion, rename, code lens) as LSP: each turns
 * a position into an offset, asks the core (`navigate.ts`, `complete.ts`, `rename.ts`) and turns spans back
 * into ranges of the file they belong to. Nothing here resolves a reference itself.
 */

/** What a navigation request needs of the server for one document. */
export interface NavigationContext {
  engine: Engine;
  /** The document's id in its project, and its current text (the engine has analysed exactly this text). */
  file: string;
  text: string;
  uriOf(file: string): string;
  /** The texts of other files (open documents' editor text, else the file on disk). */
  texts(files: Iterable<string>): Promise<Map<string, string>>;
  /** The version of an open document, or null. */
  versionOf(uri: string): number | null;
  /** The client is VS Code (which runs `editor.action.triggerSuggest` after a table completes). */
  vscode: boolean;
  /** What the client's workspace edits support: versioned `documentChanges`, and change annotations. */
  documentChanges: boolean;
  changeAnnotations: boolean;
}

/** The command a code lens runs to list references; the VS Code client turns its JSON arguments into API types. */
export const ShowReferencesCommand = 'fkguard.showReferences';

function symbolAt(ctx: NavigationContext, position: Position): Symbol | undefined {
  const facts = ctx.engine.getFacts(ctx.file);
  if (!facts) return undefined;
  const offset = offsetAt(facts.lineStarts, position, ctx.text.length);
  return ctx.engine.navigation().nav.symbolAt(facts, offset, ctx.text);
}

function rangeIn(ctx: NavigationContext, file: string, span: Span): Range {
  const facts = ctx.engine.getFacts(file);
  return facts ? rangeOf(facts.lineStarts, span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function location(ctx: NavigationContext, file: string, span: Span): Location {
  return { uri: ctx.uriOf(file), range: rangeIn(ctx, file, span) };
}

/** `app/models.py:12` as a markdown link that opens the line. */
function link(ctx: NavigationContext, file: string, span: Span): string {
  const line = rangeIn(ctx, file, span).start.line + 1;
  return `[${file}:${line}](${ctx.uriOf(file)}#L${line})`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function hover(ctx: NavigationContext, position: Position): Hover | null {
  const symbol = symbolAt(ctx, position);
  if (!symbol) return null;
  const range = rangeIn(ctx, ctx.file, symbol.kind === 'reference' ? symbol.part.span : symbol.site.span);
  if (!symbol.target) {
    const why = symbol.kind === 'reference' ? symbol.why : undefined;
    return { range, contents: { kind: MarkupKind.Markdown, value: `FK Guard: ${code(symbol.kind === 'reference' ? symbol.display : '')} is not resolved: ${why ?? 'unknown'}.` } };
  }
  const { nav } = ctx.engine.navigation();
  const target = symbol.target;
  const deciding = symbol.kind === 'reference' && (symbol.resolution.kind === 'ok' || symbol.resolution.kind === 'no-column') ? symbol.resolution.defs : nav.currentDefinitions(target.key);
  const inHistory = symbol.kind === 'reference' && symbol.ref.context === 'migration';
  const lines: string[] = [];
  if (target.column === undefined) {
    const refs = nav.foreignKeyCount(target);
    lines.push(`**table ${code(target.key)}**${inHistory ? ' (at this point of migration history)' : ''} · referenced by ${plural(refs, 'foreign key')}`, '');
    const columns = new Map<string, ReturnType<typeof nav.columnsOf>[number]>();
    for (const d of deciding) for (const c of d.columns.values()) if (!columns.has(c.column.name)) columns.set(c.column.name, c);
    if (columns.size > 0) {
      lines.push('| column | type | key | null |', '|---|---|---|---|');
      for (const c of columns.values()) {
        const type = c.column.type?.text ?? c.column.annotation?.text ?? '';
        const key = [c.column.primaryKey ? 'PK' : '', c.column.unique ? 'unique' : ''].filter(Boolean).join(', ');
        const nullable = c.column.nullable === undefined ? '' : c.column.nullable ? 'nullable' : 'not null';
        lines.push(`| ${cell(code(c.column.name))} | ${cell(type ? code(type) : '')} | ${key} | ${nullable} |`);
      }
      lines.push('');
    }
    if (deciding.some((d) => d.incomplete)) lines.push('*Some columns come from code FK Guard cannot see.*', '');
  } else {
    const c = deciding.map((d) => d.columns.get(target.column!)).find((x) => x);
    lines.push(`**column ${code(`${target.key}.${target.column}`)}**${c ? ` · ${code(columnDetail(c))}` : ''}`, '');
    const refs = nav.referencesTo(target);
    if (refs.length > 0) {
      lines.push(`Used by ${plural(refs.length, 'foreign key')}:`);
      for (const r of refs.slice(0, 10)) lines.push(`- ${code(nav.sourceDisplay(r.file, r.ref))} in ${link(ctx, r.file, r.ref.span)}`);
      if (refs.length > 10) lines.push(`- … and ${refs.length - 10} more`);
      lines.push('');
    } else lines.push('No foreign key uses it.', '');
  }
  const places = symbol.kind === 'reference' ? nav.definitionsFor(symbol) : nav.places(deciding, target);
  if (places.length > 0) lines.push(`Defined in ${places.map((p) => link(ctx, p.file, p.span)).join(', ')}`);
  return { range, contents: { kind: MarkupKind.Markdown, value: lines.join('\n').trim() } };
}

export async function definition(ctx: NavigationContext, position: Position): Promise<Location[] | null> {
  const symbol = symbolAt(ctx, position);
  if (!symbol?.target) return null;
  const places = ctx.engine.navigation().nav.definitionsFor(symbol);
  if (places.length === 0) return null;
  // A name written as a string lands inside its quotes, on the name itself.
  const texts = await ctx.texts(new Set(places.map((p) => p.file)));
  return places.map((p) => location(ctx, p.file, unquoted(texts.get(p.file), p.span).span));
}

export async function references(ctx: NavigationContext, position: Position, includeDeclaration: boolean): Promise<Location[] | null> {
  const symbol = symbolAt(ctx, position);
  if (!symbol?.target) return null;
  return referenceLocations(ctx, symbol.target, includeDeclaration ? symbol : undefined);
}

async function referenceLocations(ctx: NavigationContext, target: Target, declarationsOf?: Symbol): Promise<Location[]> {
  const { nav } = ctx.engine.navigation();
  // Attribute references (`User.id`) are placed by reading their text: fetch the files that hold them.
  const files = new Set(nav.referencesTo(target).map((r) => r.file));
  const texts = await ctx.texts(files);
  texts.set(ctx.file, ctx.text);
  const out = nav.referencesTo(target, (f) => texts.get(f)).map((r) => location(ctx, r.file, r.span));
  if (declarationsOf) {
    const places = nav.definitionsFor(declarationsOf);
    const more = await ctx.texts(new Set(places.map((p) => p.file).filter((f) => !texts.has(f))));
    out.unshift(...places.map((p) => location(ctx, p.file, unquoted(texts.get(p.file) ?? more.get(p.file), p.span).span)));
  }
  return out;
}

/** More candidates than this (every table of a large workspace) are cut, and the list says it is incomplete. */
const COMPLETION_LIMIT = 300;

export function completion(ctx: NavigationContext, position: Position): CompletionList {
  const facts = ctx.engine.getFacts(ctx.file);
  const language = facts?.language ?? languageOf(ctx.file);
  const none = { isIncomplete: false, items: [] };
  if (!language) return none;
  const lineStarts = facts && facts.lineStarts.length > position.line ? facts.lineStarts : undefined;
  const offset = lineStarts ? offsetAt(lineStarts, position, ctx.text.length) : offsetOf(ctx.text, position);
  const { nav, index } = ctx.engine.navigation();
  // The parsed reference under the cursor, when the facts are those of this very text; else the text before it.
  const current = facts && lineCount(ctx.text) === facts.lineStarts.length ? facts : undefined;
  let context = current ? referenceContext(index, current, offset, ctx.text) : undefined;
  if (!context) {
    // A reference spans at most a few lines (a Sequelize `references: {…}`, a TypeORM decorator pair).
    context = completionContext(language, ctx.text.slice(Math.max(0, offset - 600), offset));
    if (context && current?.migration) context.at = migrationPointAt(current, offset);
  }
  if (!context) return none;
  // Filtered here by what is typed of the part, as the editor would, and cut: a workspace of thousands of
  // tables sends a short list, marked incomplete so the editor asks again as the person types on.
  const { entries, incomplete } = completionEntries(index, nav, ctx.file, context, language === 'sql', COMPLETION_LIMIT);
  const items = entries.map((e): CompletionItem => ({
    label: e.label,
    kind: e.kind === 'schema' ? CompletionItemKind.Module : e.kind === 'table' ? CompletionItemKind.Class : CompletionItemKind.Field,
    detail: e.detail,
    sortText: e.sortText,
    filterText: e.insertText,
    textEdit: {
      range: { start: { line: position.line, character: Math.max(0, position.character - e.replaceLength) }, end: { line: position.line, character: position.character + (context.after ?? 0) } },
      newText: e.insertText,
    },
    ...(e.retrigger && ctx.vscode ? { command: { title: 'columns', command: 'editor.action.triggerSuggest' } } : {}),
  }));
  return { isIncomplete: incomplete, items };
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function languageOf(file: string): 'python' | 'typescript' | 'prisma' | 'sql' | undefined {
  if (/\.pyi?$/.test(file)) return 'python';
  if (/\.[cm]?[jt]sx?$/.test(file)) return 'typescript';
  if (file.endsWith('.prisma')) return 'prisma';
  if (file.endsWith('.sql')) return 'sql';
  return undefined;
}

function offsetOf(text: string, p: Position): number {
  let line = 0;
  let i = 0;
  while (line < p.line && i < text.length) {
    const n = text.indexOf('\n', i);
    if (n < 0) return text.length;
    i = n + 1;
    line++;
  }
  return Math.min(i + p.character, text.length);
}

export async function prepareRename(ctx: NavigationContext, position: Position): Promise<{ range: Range; placeholder: string }> {
  const check = checkRename(symbolAt(ctx, position), ctx.text, ctx.engine.navigation().nav);
  if (!check.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, check.reason);
  // The whole plan is made (renaming to the same name), so a name the rename would refuse is refused before the
  // rename box opens, with the same reason.
  await renamePlan(ctx, check.target, check.placeholder, check.placeholder);
  return { range: rangeIn(ctx, ctx.file, check.span), placeholder: check.placeholder };
}

async function renamePlan(ctx: NavigationContext, target: Target, oldName: string, newName: string): Promise<RenamePlan> {
  const { nav, index } = ctx.engine.navigation();
  const texts = await ctx.texts(renameFiles(nav, index, target, oldName));
  texts.set(ctx.file, ctx.text);
  const plan = planRename(nav, index, target, oldName, newName, (f) => texts.get(f));
  if ('error' in plan) throw new ResponseError(LSPErrorCodes.RequestFailed, plan.error);
  return plan;
}

const RENAME = 'fkguard.rename';

export async function rename(ctx: NavigationContext, position: Position, newName: string): Promise<WorkspaceEdit> {
  const check = checkRename(symbolAt(ctx, position), ctx.text, ctx.engine.navigation().nav);
  if (!check.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, check.reason);
  const target = check.target;
  const plan = await renamePlan(ctx, target, check.placeholder, newName);

  // Migrations are not edited; the preview says so in the annotation every edit carries, and asks for a look.
  const kept = [...plan.history, ...plan.unreadable];
  const name = target.column === undefined ? target.key : `${target.key}.${target.column}`;
  const notes: string[] = [];
  if (plan.history.length > 0) {
    notes.push(`${plural(plan.history.length, 'place')} in migrations left as they are (history already ran; write a migration that renames it): ${plan.history.map((h) => `${h.file}:${rangeIn(ctx, h.file, h.span).start.line + 1}`).join(', ')}`);
  }
  if (plan.unreadable.length > 0) {
    notes.push(`${plural(plan.unreadable.length, 'reference')} FK Guard cannot read may name it too: ${plan.unreadable.map((u) => `${u.file}:${rangeIn(ctx, u.file, u.span).start.line + 1}`).join(', ')}`);
  }
  for (const c of plan.constants) notes.push(`the constant ${code(c.name)} (${c.file}:${rangeIn(ctx, c.file, c.span).start.line + 1}) is edited: every use of it follows`);
  if (plan.alsoTables.length > 0) {
    notes.push(`${code(target.column ?? '')} is also renamed in ${plan.alsoTables.map(code).join(', ')}, which shares its definition (a mixin or base class), with the foreign keys to it there`);
  }
  const annotations: Record<string, ChangeAnnotation> = {
    [RENAME]: {
      label: `Rename ${code(name)} to ${code(newName)}${plan.history.length > 0 ? ' (migrations not edited)' : ''}`,
      description: notes.join('. ') || undefined,
      // A rename that reaches beyond the name's own places (a constant, other tables) is shown before it is made.
      needsConfirmation: kept.length > 0 || plan.constants.length > 0 || plan.alsoTables.length > 0,
    },
  };
  const byFile = new Map<string, Array<TextEdit | AnnotatedTextEdit>>();
  for (const e of plan.edits) {
    let list = byFile.get(e.file);
    if (!list) byFile.set(e.file, (list = []));
    const edit: TextEdit = { range: rangeIn(ctx, e.file, e.span), newText: e.newText };
    list.push(ctx.changeAnnotations ? { ...edit, annotationId: RENAME } : edit);
  }
  if (!ctx.documentChanges) {
    const changes: Record<string, TextEdit[]> = {};
    for (const [file, edits] of byFile) changes[ctx.uriOf(file)] = edits.map((e) => ({ range: e.range, newText: e.newText }));
    return { changes };
  }
  const documentChanges: TextDocumentEdit[] = [...byFile].map(([file, edits]) => {
    const uri = ctx.uriOf(file);
    return { textDocument: { uri, version: ctx.versionOf(uri) }, edits };
  });
  return ctx.changeAnnotations ? { documentChanges, changeAnnotations: annotations } : { documentChanges };
}

export function codeLenses(ctx: NavigationContext): CodeLens[] {
  const facts = ctx.engine.getFacts(ctx.file);
  if (!facts) return [];
  const { nav } = ctx.engine.navigation();
  const out: CodeLens[] = [];
  for (const t of nav.tablesDefinedIn(facts)) {
    const refs = nav.referencesTo({ key: t.key });
    const range = rangeIn(ctx, ctx.file, t.span);
    const keys = refs.length === 0 ? 0 : nav.foreignKeyCount({ key: t.key });
    const title = keys === 0 ? 'referenced by no foreign keys' : `referenced by ${plural(keys, 'foreign key')}`;
    const locations = refs.map((r) => location(ctx, r.file, r.span));
    out.push({ range, command: { title, command: refs.length === 0 ? '' : ShowReferencesCommand, arguments: refs.length === 0 ? undefined : [ctx.uriOf(ctx.file), range.start, locations] } });
  }
  return out;
}
