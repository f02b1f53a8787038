import type { HistoryPoint } from './history';
import { resolveReference, Resolution } from './rules/resolve';
import { SchemaIndex } from './schemaIndex';
import { IndexedColumn, TableDef, tableKey } from './tables';
import { ColumnFact, FileFacts, ReferenceFact, Span } from './types';

/*
 * Navigation over the facts and the schema index: what a position names (a part of a reference, or a table
 * or column where it is defined), where that is defined, and every reference that points at it. Plain data
 * in and out; the language server turns it into hovers, locations, lenses and workspace edits.
 *
 * A reference is resolved exactly as the rules resolve it (`resolveReference`), so navigation and the
 * squiggles can never disagree on what a reference points at: a reference FK Guard cannot resolve with
 * certainty leads nowhere, and says why.
 */

export type PartKind = 'schema' | 'table' | 'column';

/**
 * What a written name names: a database name (`"users.id"`, `REFERENCES users (id)`, `__tablename__`), a name of
 * code (a class, a variable, a property: `User.id`, `() => users.id`), or both at once (a Python attribute
 * `id = Column(...)` whose database name is the attribute's own). A rename of a database name edits only the
 * places that spell that database name.
 */
export type Naming = 'database' | 'code' | 'both';

/** One part of a reference and where it is written. */
export interface RefPart {
  part: PartKind;
  span: Span;
  naming: Naming;
}

/** A table or column where it is defined, in one file. */
export interface DefinitionSite {
  part: 'table' | 'column';
  key: string;
  column?: string;
  span: Span;
  naming: Naming;
  /** The definition is a step of migration history (a `create_table`, an `add_column`, a migration's `CREATE TABLE`). */
  history: boolean;
}

/** What a reference part or a definition names: a table, or one of its columns. */
export interface Target {
  key: string;
  column?: string;
}

/** What is at a position. */
export type Symbol =
  | { kind: 'reference'; file: string; ref: ReferenceFact; part: RefPart; resolution: Resolution; display: string; target?: Target; why?: string }
  | { kind: 'definition'; file: string; site: DefinitionSite; target: Target };

/** A reference that points at a target, with the part of it that names the target. */
export interface ReferenceSite {
  file: string;
  ref: ReferenceFact;
  /** The part naming the table (or column), when FK Guard could place it; else the whole reference. */
  span: Span;
  naming: Naming;
  located: boolean;
  display: string;
  /** The migration step the reference belongs to: history, which a rename does not rewrite. */
  history: boolean;
}

/** A location in the workspace, as file and span. */
export interface Place {
  file: string;
  span: Span;
}

/** The file's text, when the caller has it: spans of attribute-style references are read from it. */
export type TextOf = (file: string) => string | undefined;

const QUOTES = new Set(['"', "'", '`']);

/** A span without one layer of quotes around it, and whether it had them. */
export function unquoted(text: string | undefined, span: Span): { span: Span; quoted: boolean } {
  if (text === undefined || span.end - span.start < 2) return { span, quoted: false };
  const first = text[span.start];
  if (QUOTES.has(first) && text[span.end - 1] === first) return { span: { start: span.start + 1, end: span.end - 1 }, quoted: true };
  // A Python string with a prefix (`r"..."`, `u'...'`).
  const m = /^[rRuUbB]{1,2}(["'])/.exec(text.slice(span.start, span.start + 3));
  if (m && text[span.end - 1] === m[1]) return { span: { start: span.start + m[0].length, end: span.end - 1 }, quoted: true };
  return { span, quoted: false };
}

/**
 * The parts of a reference FK Guard can place: a string's `schema.table.column` pieces, a pair's table and
 * column, an attribute reference's owner and attribute (read from the text when the reader kept one span).
 */
export function referenceParts(ref: ReferenceFact, text: string | undefined): RefPart[] {
  const out: RefPart[] = [];
  if (ref.form === 'string') {
    const content = ref.contentSpan;
    if (ref.target?.kind !== 'literal' || !content) return out;
    const value = ref.target.value;
    // Escapes make the text longer than its value: the pieces cannot be placed by offset then.
    if (content.end - content.start !== value.length) return out;
    const pieces = value.split('.');
    let at = content.start;
    pieces.forEach((p, i) => {
      const part: PartKind = i === pieces.length - 1 ? 'column' : i === pieces.length - 2 ? 'table' : 'schema';
      // A schema of several dotted pieces (`db.schema.table.column`) is one part.
      if (part === 'schema' && i > 0) out[out.length - 1].span.end = at + p.length;
      else out.push({ part, span: { start: at, end: at + p.length }, naming: 'database' });
      at += p.length + 1;
    });
    return out;
  }
  if (ref.form === 'pair') {
    if (ref.tableSpan) {
      const t = unquoted(text, ref.tableSpan).span;
      out.push({ part: 'table', span: t, naming: 'database' });
    }
    if (ref.columnSpan) out.push({ part: 'column', span: unquoted(text, ref.columnSpan).span, naming: 'database' });
    return out;
  }
  // `attribute`, `table-c`, `variable`: the owner is code (a class, a variable); the attribute is a property,
  // except `.c.name`, which is the column's key in the table (its database name unless given another).
  const attrNaming: Naming = ref.form === 'table-c' ? 'database' : 'code';
  if (ref.ownerSpan) out.push({ part: 'table', span: ref.ownerSpan, naming: 'code' });
  if (text === undefined) return out;
  const whole = unquoted(text, ref.span).span;
  const written = text.slice(whole.start, whole.end);
  const owner = ref.owner ?? '';
  const attr = ref.attr ?? '';
  if (attr && written === attr) {
    out.push({ part: 'column', span: whole, naming: attrNaming });
  } else if (owner && written === owner) {
    if (!ref.ownerSpan) out.push({ part: 'table', span: whole, naming: 'code' });
  } else if (owner && written.startsWith(owner)) {
    if (!ref.ownerSpan) out.push({ part: 'table', span: { start: whole.start, end: whole.start + owner.length }, naming: 'code' });
    if (attr && written.endsWith(attr) && written.length > owner.length + attr.length) {
      out.push({ part: 'column', span: { start: whole.end - attr.length, end: whole.end }, naming: attrNaming });
    }
  }
  return out;
}

/** How the name at a definition's span is written: quoted (a database name), or an identifier of code. */
export function siteNaming(text: string | undefined, span: Span, column?: ColumnFact): { span: Span; naming: Naming } {
  const u = unquoted(text, span);
  if (u.quoted) return { span: u.span, naming: 'database' };
  if (!column) return { span, naming: 'code' };
  // An identifier is the attribute; it is the database name too when no other name is given.
  return { span, naming: column.attr === undefined || column.attr === column.name ? 'both' : 'code' };
}

/** Every table and column defined in a file, with the table key the index gives it. */
export function definitionSites(index: SchemaIndex, facts: FileFacts, text: string | undefined): DefinitionSite[] {
  const out: DefinitionSite[] = [];
  const file = facts.file;
  const history = facts.migration !== undefined;
  const columns = (key: string, cols: readonly ColumnFact[], inHistory: boolean) => {
    for (const c of cols) {
      if (c.implicit) continue;
      const s = siteNaming(text, c.span, c);
      out.push({ part: 'column', key, column: c.name, span: s.span, naming: s.naming, history: inHistory });
    }
  };
  for (const cls of facts.classes) {
    const mapping = index.classTable(file, cls.name, cls.span.start);
    const def = mapping?.table;
    if (!def) continue;
    if (cls.tablenameSpan) {
      const s = unquoted(text, cls.tablenameSpan);
      // `__tablename__ = USERS` writes a constant of the code; renaming the table edits the constant's value.
      out.push({ part: 'table', key: def.key, span: s.span, naming: cls.tablename?.kind === 'literal' ? 'database' : 'code', history });
    }
    // The class name stands for its table too (hover, references), but renaming it is the language's business.
    out.push({ part: 'table', key: def.key, span: cls.nameSpan, naming: 'code', history });
    columns(def.key, cls.columns, history);
  }
  for (const t of facts.tables) {
    const name = index.resolveName(file, t.name);
    if (name === undefined) continue;
    // A Core table that names no schema is keyed by its metadata's (see `SchemaIndex.coreTableIn`).
    const key = (t.origin === 'core' ? index.coreTableIn(file, name, t.schema)?.key : undefined) ?? tableKey(name, t.schema);
    const inHistory = history || t.origin === 'migration';
    const s = unquoted(text, t.nameSpan);
    out.push({ part: 'table', key, span: s.span, naming: t.name.kind === 'literal' ? 'database' : 'code', history: inHistory });
    columns(key, t.columns, inHistory);
  }
  for (const op of facts.migration?.ops ?? []) {
    if (op.op === 'add_column') columns(tableKey(op.table, op.schema), [op.column], true);
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/** The table (and column) a resolved reference names through one of its parts; else why not. */
export function targetOf(resolution: Resolution, part: PartKind): { target?: Target; why?: string } {
  switch (resolution.kind) {
    case 'ok':
      return part === 'column' ? { target: { key: resolution.def.key, column: resolution.column.column.name } } : { target: { key: resolution.def.key } };
    case 'no-column':
      if (part !== 'column') return { target: { key: resolution.defs[0].key } };
      return { why: `\`${resolution.defs[0].key}\` has no column \`${resolution.column}\`` };
    case 'no-table':
      return { why: `no table \`${tableKey(resolution.table, resolution.schema)}\` is defined in this workspace` };
    case 'no-class':
      return { why: `\`${resolution.owner}\` is not a model of this workspace` };
    case 'malformed':
      return { why: `\`${resolution.text}\` is not \`table.column\`` };
    case 'unresolved':
      return { why: resolution.missing ? `\`${resolution.missing}\` is not a constant FK Guard can read` : 'the target is computed at run time' };
    case 'unseen':
      return { why: resolution.detail };
    case 'dynamic':
      return { why: 'the target is computed at run time' };
  }
}

export function migrationPoint(ref: ReferenceFact, file: string): HistoryPoint | undefined {
  return ref.context === 'migration' && ref.migrationOp !== undefined ? { file, op: ref.migrationOp } : undefined;
}

/** One reference and what it resolved to (the rules' resolution, see `Engine.resolvedReferences`). */
export interface ResolvedReference {
  file: string;
  ref: ReferenceFact;
  resolution: Resolution;
  display: string;
}
type Resolved = ResolvedReference;

/** One file's share of the reverse map: the resolutions it was made from, and what they were filed under. */
interface FileShare {
  refs: readonly Resolved[];
  order: number;
  /** The targets the file's references are filed under (changed in place: a 2,000-line file has ~1,500). */
  keys: Set<string>;
  unreadable: Resolved[];
}

/**
 * Navigation over the engine's current state. The reverse map (target → references) is built from the
 * resolutions the rules made with the findings, which the engine keeps per file and computes again only for
 * the files a change affects. It is kept per file: after a change only the files whose resolutions are new
 * objects are filed again (hover right after a keystroke regrouped every reference of the workspace, 27-68 ms
 * on 1,650 files), and each target's list is put back in file order when it is next read, so it is the list a
 * build from nothing would give.
 */
export class Navigator {
  /** Each file's share, by file; a file's position in the engine's file order is its `order`. */
  private readonly shares = new Map<string, FileShare>();
  /** Target → the files that point at it, each with its references in the file's order. */
  private readonly byTarget = new Map<string, Map<string, Resolved[]>>();
  /** Target lists as read, put in file order; a target a refresh touched is dropped from here. */
  private readonly lists = new Map<string, Resolved[]>();
  /** The shares are to be checked against the engine's current resolutions before the next question. */
  private stale = true;
  private readonly byRef = new Map<ReferenceFact, Resolved>();
  private sortedKeys: string[] | undefined;
  private readonly summaries = new Map<string, { file?: string; key?: IndexedColumn }>();
  private unreadable: Resolved[] | undefined;

  constructor(
    private readonly index: SchemaIndex,
    private readonly files: () => Iterable<string>,
    /** What each reference of a file resolved to, as current as the file's findings. */
    private readonly resolvedOf: (file: string) => readonly Resolved[],
    /**
     * The files whose resolutions may have changed since it was last asked, the same files in the same order
     * otherwise; undefined when any file may have (or files came or went). Without it every file is looked at.
     */
    private readonly changedFiles?: () => Iterable<string> | undefined,
  ) {}

  /** What is at `offset` in `file`: a reference part, else a definition; undefined for anything else. */
  symbolAt(facts: FileFacts, offset: number, text: string | undefined): Symbol | undefined {
    // The facts the rules check (constants of other files filled in), whose references the reverse map holds.
    facts = this.index.checkedFacts(facts);
    for (const ref of facts.references) {
      // Parts lie inside the reference's span, except a Prisma relation's model (the field's type).
      if (!contains(ref.span, offset) && !(ref.ownerSpan && contains(ref.ownerSpan, offset)) && !(ref.tableSpan && contains(ref.tableSpan, offset)) && !(ref.columnSpan && contains(ref.columnSpan, offset))) continue;
      const parts = referenceParts(ref, text);
      const part = parts.find((p) => contains(p.span, offset));
      if (!part) continue;
      const { display, resolution } = resolveReference(facts, ref, this.index);
      const t = targetOf(resolution, part.part === 'schema' ? 'table' : part.part);
      return { kind: 'reference', file: facts.file, ref, part, resolution, display, target: t.target, why: t.why };
    }
    const site = definitionSites(this.index, facts, text).find((s) => contains(s.span, offset)) ?? this.sharedColumnAt(facts, offset, text);
    if (site) return { kind: 'definition', file: facts.file, site, target: { key: site.key, column: site.column } };
    return undefined;
  }

  /**
   * A column of a class with no table of its own (a mixin, an abstract base) at `offset`, as a column of the
   * first table (by key) that holds it: the tables built on the class share that very column, so a rename
   * started there renames it in all of them (see `rename.ts` `sharingTables`). Undefined elsewhere.
   */
  private sharedColumnAt(facts: FileFacts, offset: number, text: string | undefined): DefinitionSite | undefined {
    for (const cls of facts.classes) {
      if (!contains(cls.span, offset)) continue;
      const column = cls.columns.find((c) => !c.implicit && contains(siteNaming(text, c.span, c).span, offset));
      if (!column || this.index.classTable(facts.file, cls.name, cls.span.start)?.table) continue;
      const key = this.sortedTableKeys().find((k) => this.index.definitions(k).some((d) => d.origin !== 'migration' && d.columns.get(column.name)?.column === column));
      if (key === undefined) return undefined;
      const s = siteNaming(text, column.span, column);
      return { part: 'column', key, column: column.name, span: s.span, naming: s.naming, history: false };
    }
    return undefined;
  }

  /** The definitions a reference's part leads to: in a migration, the state of history at that point. */
  definitionsFor(symbol: Symbol): Place[] {
    if (!symbol.target) return [];
    const target = symbol.target;
    let defs: TableDef[];
    if (symbol.kind === 'reference') {
      const r = symbol.resolution;
      const deciding = r.kind === 'ok' || r.kind === 'no-column' ? r.defs : this.index.definitions(target.key);
      if (symbol.ref.context === 'migration') {
        const history = deciding.filter((d) => d.origin === 'migration');
        defs = history.length > 0 ? history : deciding;
      } else {
        defs = this.index.definitions(target.key).filter((d) => d.origin !== 'migration');
        if (defs.length === 0) defs = deciding;
      }
    } else {
      defs = this.index.definitions(target.key).filter((d) => d.origin !== 'migration');
      if (defs.length === 0) defs = this.index.definitions(target.key);
    }
    return this.places(defs, target);
  }

  /** Where each definition writes the table, or the column. */
  places(defs: readonly TableDef[], target: Target): Place[] {
    const out: Place[] = [];
    const seen = new Set<string>();
    const add = (p: Place) => {
      const id = `${p.file}:${p.span.start}`;
      if (!p.file || seen.has(id)) return;
      seen.add(id);
      out.push(p);
    };
    for (const d of defs) {
      if (target.column === undefined) add({ file: d.file, span: d.span });
      else {
        const c = d.columns.get(target.column);
        if (c) add({ file: c.file, span: c.column.span });
      }
    }
    return out;
  }

  /** The definitions of a table that are not history (models, Core tables, schema files), else all of them. */
  currentDefinitions(key: string): TableDef[] {
    const all = this.index.definitions(key);
    const current = all.filter((d) => d.origin !== 'migration' && d.origin !== 'external');
    return current.length > 0 ? current : all.filter((d) => d.origin !== 'external');
  }

  /** Where a table comes from and its one-column primary key, for completion lists (kept until the next change). */
  tableSummary(key: string): { file?: string; key?: IndexedColumn } {
    let s = this.summaries.get(key);
    if (!s) {
      const pk = this.columnsOf(key).filter((c) => c.column.primaryKey);
      s = { file: this.currentDefinitions(key).find((d) => d.file)?.file, key: pk.length === 1 ? pk[0] : undefined };
      this.summaries.set(key, s);
    }
    return s;
  }

  /** The columns of a table as its definitions give them (the first definition of a name wins). */
  columnsOf(key: string): IndexedColumn[] {
    const out = new Map<string, IndexedColumn>();
    for (const d of this.index.definitions(key)) for (const c of d.columns.values()) if (!out.has(c.column.name)) out.set(c.column.name, c);
    return [...out.values()];
  }

  /** Every reference in the workspace that points at the target (a table: through any of its columns). */
  referencesTo(target: Target, textOf?: TextOf): ReferenceSite[] {
    const list = this.targetList(reverseKey(target));
    return list.map((r) => {
      const text = textOf?.(r.file);
      const parts = referenceParts(r.ref, text);
      const want: PartKind = target.column === undefined ? 'table' : 'column';
      const p = parts.find((x) => x.part === want);
      return {
        file: r.file,
        ref: r.ref,
        span: p?.span ?? r.ref.span,
        naming: p?.naming ?? 'code',
        located: p !== undefined,
        display: r.display,
        history: r.ref.context === 'migration',
      };
    });
  }

  /** How a reference of the workspace resolved, as the reverse map saw it. */
  resolutionOf(file: string, ref: ReferenceFact): Resolution | undefined {
    this.refresh();
    const r = this.byRef.get(ref);
    return r && r.file === file ? r.resolution : undefined;
  }

  /** How many references point at a table; cheap once the reverse map is built. */
  referenceCount(target: Target): number {
    return this.targetList(reverseKey(target)).length;
  }

  /**
   * How many foreign keys point at a table: a composite key is one reference per column pair (see `referenceCount`),
   * counted once, at its first referenced column. At a column, its references.
   */
  foreignKeyCount(target: Target): number {
    const list = this.targetList(reverseKey(target));
    if (target.column !== undefined) return list.length;
    // A composite key is one reference per column pair, but one foreign key: counted at its first referenced column.
    let n = 0;
    for (const r of list) {
      const composite = r.ref.composite;
      if (!composite || composite.length < 2 || r.resolution.kind !== 'ok' || r.resolution.column.column.name === composite[0]) n++;
    }
    return n;
  }

  /** References FK Guard cannot resolve (computed names): a rename cannot know whether they name the target. */
  unresolvedReferences(): Array<{ file: string; ref: ReferenceFact; display: string }> {
    this.refresh();
    if (!this.unreadable) {
      const shares = [...this.shares.values()].filter((s) => s.unreadable.length > 0).sort((a, b) => a.order - b.order);
      this.unreadable = shares.flatMap((s) => s.unreadable);
    }
    return this.unreadable;
  }

  /** The table a reference's own column belongs to, as `posts.author_id`, for lists of foreign keys. */
  sourceDisplay(file: string, ref: ReferenceFact): string {
    const s = ref.source;
    let table: string | undefined;
    if (s.className) table = this.index.classTable(file, s.className)?.table?.key ?? s.className;
    else if (s.table) {
      const name = this.index.resolveName(file, s.table) ?? '?';
      table = this.index.coreTableIn(file, name, s.schema)?.key ?? tableKey(name, s.schema);
    }
    return s.column ? `${table ?? '?'}.${s.column}` : (table ?? '?');
  }

  /** The table key and span of each table defined in a file (for code lenses), in source order. */
  tablesDefinedIn(facts: FileFacts): Array<{ key: string; span: Span }> {
    facts = this.index.checkedFacts(facts);
    const out: Array<{ key: string; span: Span }> = [];
    const seen = new Set<string>();
    for (const cls of facts.classes) {
      const def = this.index.classTable(facts.file, cls.name, cls.span.start)?.table;
      if (!def || seen.has(def.key)) continue;
      seen.add(def.key);
      out.push({ key: def.key, span: cls.nameSpan });
    }
    if (facts.migration) return out;
    for (const t of facts.tables) {
      const name = this.index.resolveName(facts.file, t.name);
      if (name === undefined || t.origin === 'migration') continue;
      const key = this.index.coreTableIn(facts.file, name, t.schema)?.key ?? tableKey(name, t.schema);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ key, span: t.nameSpan });
    }
    return out.sort((a, b) => a.span.start - b.span.start);
  }

  /** The files of the workspace. */
  fileIds(): Iterable<string> {
    return this.files();
  }

  /** Every table key, sorted (for completion lists), kept until the next change. */
  sortedTableKeys(): string[] {
    this.sortedKeys ??= [...this.index.allTableKeys()].sort();
    return this.sortedKeys;
  }

  /**
   * A change happened: the table summaries are made again on the next question, and the reverse map is
   * checked against the engine's resolutions (only the files whose resolutions changed are filed again).
   */
  forget(): void {
    this.sortedKeys = undefined;
    this.stale = true;
    this.summaries.clear();
  }

  /** The references filed under one target, in file order then reference order. */
  private targetList(key: string): Resolved[] {
    this.refresh();
    let list = this.lists.get(key);
    if (!list) {
      const byFile = this.byTarget.get(key);
      list = [];
      if (byFile) {
        const files = [...byFile.keys()];
        if (files.length > 1) files.sort((a, b) => this.shares.get(a)!.order - this.shares.get(b)!.order);
        for (const f of files) list.push(...byFile.get(f)!);
      }
      this.lists.set(key, list);
    }
    return list;
  }

  /** Files again the shares of files whose resolutions are not the ones filed, and drops those of files gone. */
  private refresh(): void {
    if (!this.stale) return;
    this.stale = false;
    // After a keystroke only the edited file's resolutions are new: looking at each of 1,650 files for it cost
    // ~1 ms of every hover right after an edit.
    const changed = this.changedFiles?.();
    if (changed && this.shares.size > 0) {
      const files = [...changed];
      if (files.every((f) => this.shares.has(f))) {
        for (const file of files) {
          const share = this.shares.get(file)!;
          const refs = this.resolvedOf(file);
          if (share.refs !== refs && !this.refile(file, share, refs, share.order)) {
            this.drop(file, share);
            this.file(file, refs, share.order);
          }
        }
        return;
      }
    }
    const present = new Set<string>();
    let order = 0;
    for (const file of this.files()) {
      present.add(file);
      const refs = this.resolvedOf(file);
      const share = this.shares.get(file);
      if (share && share.refs === refs) {
        if (share.order !== order) {
          // The engine's file order moved (a file removed and added again): every list is sorted again.
          share.order = order;
          this.lists.clear();
        }
      } else if (!share || !this.refile(file, share, refs, order)) {
        if (share) this.drop(file, share);
        this.file(file, refs, order);
      }
      order++;
    }
    for (const [file, share] of this.shares) if (!present.has(file)) this.drop(file, share);
  }

  private drop(file: string, share: FileShare): void {
    for (const r of share.refs) if (this.byRef.get(r.ref) === r) this.byRef.delete(r.ref);
    for (const k of share.keys) {
      const byFile = this.byTarget.get(k);
      byFile?.delete(file);
      if (byFile?.size === 0) this.byTarget.delete(k);
      this.lists.delete(k);
    }
    if (share.unreadable.length > 0) this.unreadable = undefined;
    this.shares.delete(file);
  }

  /**
   * Files again only what changed in a file's resolutions: the engine hands back the same object for a
   * reference whose result it kept (see `Engine.findings`), so after a keystroke in one class of a 2,000-line
   * file the references before and after that class are the ones filed (filing the whole file again took ~2 ms
   * of each hover after an edit). The lists of the targets the changed references were or are filed under are
   * made again in the file's order. False (nothing done) when most of the file changed.
   */
  private refile(file: string, share: FileShare, refs: readonly Resolved[], order: number): boolean {
    const old = share.refs;
    let head = 0;
    while (head < old.length && head < refs.length && old[head] === refs[head]) head++;
    let tail = 0;
    while (tail < old.length - head && tail < refs.length - head && old[old.length - 1 - tail] === refs[refs.length - 1 - tail]) tail++;
    const removed = old.slice(head, old.length - tail);
    const added = refs.slice(head, refs.length - tail);
    if ((removed.length + added.length) * 4 > refs.length + 16) return false;
    const touched = new Set<string>();
    for (const r of removed) {
      if (this.byRef.get(r.ref) === r) this.byRef.delete(r.ref);
      for (const k of keysOf(r)) touched.add(k);
    }
    for (const r of added) {
      this.byRef.set(r.ref, r);
      for (const k of keysOf(r)) touched.add(k);
    }
    const lists = new Map<string, Resolved[]>();
    if (touched.size > 0) {
      for (const r of refs) {
        for (const k of keysOf(r)) {
          if (!touched.has(k)) continue;
          let list = lists.get(k);
          if (!list) lists.set(k, (list = []));
          list.push(r);
        }
      }
    }
    const keys = share.keys;
    for (const k of touched) {
      this.lists.delete(k);
      const list = lists.get(k);
      let byFile = this.byTarget.get(k);
      if (list) {
        if (!byFile) this.byTarget.set(k, (byFile = new Map()));
        byFile.set(file, list);
        keys.add(k);
      } else {
        byFile?.delete(file);
        if (byFile?.size === 0) this.byTarget.delete(k);
        keys.delete(k);
      }
    }
    if ([...removed, ...added].some(unreadable)) {
      share.unreadable = refs.filter(unreadable);
      this.unreadable = undefined;
    }
    share.refs = refs;
    if (share.order !== order) {
      share.order = order;
      this.lists.clear();
    }
    return true;
  }

  private file(file: string, refs: readonly Resolved[], order: number): void {
    const share: FileShare = { refs, order, keys: new Set(), unreadable: [] };
    const add = (k: string, r: Resolved) => {
      let byFile = this.byTarget.get(k);
      if (!byFile) this.byTarget.set(k, (byFile = new Map()));
      let list = byFile.get(file);
      if (!list) {
        byFile.set(file, (list = []));
        share.keys.add(k);
        this.lists.delete(k);
      }
      list.push(r);
    };
    for (const r of refs) {
      this.byRef.set(r.ref, r);
      const res = r.resolution;
      if (res.kind === 'ok') {
        add(reverseKey({ key: res.def.key }), r);
        add(reverseKey({ key: res.def.key, column: res.column.column.name }), r);
      } else if (res.kind === 'no-column') {
        add(reverseKey({ key: res.defs[0].key }), r);
      } else if (res.kind === 'dynamic' || res.kind === 'unresolved') {
        share.unreadable.push(r);
      }
    }
    if (share.unreadable.length > 0) this.unreadable = undefined;
    this.shares.set(file, share);
  }
}
/** The keys of the reverse map a resolution is filed under (see `Navigator.file`), found once per object. */
const filedUnder = new WeakMap<Resolved, string[]>();

function keysOf(r: Resolved): string[] {
  let keys = filedUnder.get(r);
  if (keys) return keys;
  const res = r.resolution;
  if (res.kind === 'ok') keys = [reverseKey({ key: res.def.key }), reverseKey({ key: res.def.key, column: res.column.column.name })];
  else if (res.kind === 'no-column') keys = [reverseKey({ key: res.defs[0].key })];
  else keys = [];
  filedUnder.set(r, keys);
  return keys;
}

function unreadable(r: Resolved): boolean {
  return r.resolution.kind === 'dynamic' || r.resolution.kind === 'unresolved';
}

function reverseKey(t: Target): string {
  return t.column === undefined ? `t\0${t.key}` : `c\0${t.key}\0${t.column}`;
}
