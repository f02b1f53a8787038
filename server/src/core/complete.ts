import type { HistoryPoint } from './history';
import { unquoted, type Navigator } from './navigate';
import { SchemaIndex } from './schemaIndex';
import { IndexedColumn, TableDef, tableKey } from './tables';
import { FileFacts, SourceLanguage, Span } from './types';

/*
 * Completion inside the places a foreign key names its target. The context comes first from the parsed syntax:
 * the facts of exactly the text being edited hold the reference under the cursor, with the span of each part
 * (`referenceContext`), so the chosen name replaces the whole part, wherever the cursor is in it. While a
 * reference is only half typed (`ForeignKey("us`), the parser has no reference there yet: then the text before
 * the cursor is read (`completionContext`), each pattern ending at the cursor so text elsewhere never matters.
 *
 * In a migration, the names offered are those history holds at that point (`at`): a table made by a later
 * migration, or dropped by an earlier one, is not offered, and a table's columns are those it has then.
 */

/** The parts common to every context: where in migration history it is, and how much after the cursor is replaced. */
interface ContextCommon {
  /** In a migration: the point of history whose tables and columns are offered. */
  at?: HistoryPoint;
  /** Characters after the cursor that belong to the part being completed (replaced with it). */
  after?: number;
  /** More of the name follows the part (`us|ers.id`): a table is offered alone, not with its key column. */
  followed?: boolean;
}

/** What is being typed: a dotted `schema.table.column` string, a table alone, or a column of a known table. */
export type CompletionContext = ContextCommon &
  (
    | { kind: 'dotted'; typed: string }
    | { kind: 'table'; typed: string }
    /** `byAttr`: the column is named by its attribute of code (a Prisma field, a TypeORM or Drizzle property). */
    | { kind: 'column'; typed: string; table: { key: string } | { className: string } | { variable: string }; byAttr: boolean }
  );

function inside(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}

/**
 * The context from the reference the parser found under the cursor, when there is one: its part's span gives
 * what is typed before the cursor and what follows it, and a migration's reference its point of history.
 * Python's attribute references (`User.id`) are code, which the language's own completion serves.
 */
export function referenceContext(index: SchemaIndex, facts: FileFacts, offset: number, text: string): CompletionContext | undefined {
  for (const ref of facts.references) {
    const at = ref.context === 'migration' && ref.migrationOp !== undefined ? { file: facts.file, op: ref.migrationOp } : undefined;
    const part = (span: Span) => {
      // Names may hold any identifier character (`émail`): the whole rest of the part is replaced, not its ASCII start.
      const after = /^[\p{ID_Continue}$]*/u.exec(text.slice(offset, span.end))![0].length;
      return { typed: text.slice(span.start, offset), after, followed: text[offset + after] === '.' && offset + after < span.end, at };
    };
    if (ref.form === 'string') {
      if (!ref.contentSpan || !inside(ref.contentSpan, offset) || ref.target?.kind !== 'literal') continue;
      // A string left open while it is typed runs on past the line: the text before the cursor says more then.
      if (text.slice(ref.contentSpan.start, ref.contentSpan.end).includes('\n')) return undefined;
      return { kind: 'dotted', ...part(ref.contentSpan) };
    }
    if (ref.form === 'pair') {
      const column = ref.columnSpan && unquoted(text, ref.columnSpan).span;
      if (column && inside(column, offset)) {
        const name = index.resolveName(facts.file, ref.table);
        if (name === undefined) return undefined;
        return { kind: 'column', table: { key: tableKey(name, ref.tableSchema) }, byAttr: false, ...part(column) };
      }
      const table = ref.tableSpan && unquoted(text, ref.tableSpan).span;
      if (table && inside(table, offset)) return { kind: 'table', ...part(table) };
      continue;
    }
    if (ref.form === 'variable' && ref.owner !== undefined && ref.attr !== undefined) {
      // Drizzle's `() => users.id` (or `foreignColumns: [users.id]`): the property after the dot is the part. The
      // variable before it is code, which the language's own completion serves.
      const written = text.slice(ref.span.start, ref.span.end);
      if (!written.endsWith(`.${ref.attr}`)) continue;
      const attr = { start: ref.span.end - ref.attr.length, end: ref.span.end };
      if (!inside(attr, offset)) continue;
      return { kind: 'column', table: { variable: ref.owner }, byAttr: true, ...part(attr) };
    }
    if (ref.form !== 'attribute' || facts.language === 'python' || !ref.owner || ref.attr === undefined) continue;
    // TypeORM's `referencedColumnName: 'slug'`, Prisma's `references: [id]`: the span is the attribute as written.
    const span = unquoted(text, ref.span).span;
    if (!inside(span, offset) || text.slice(span.start, span.end) !== ref.attr) continue;
    const cls = index.classTable(facts.file, ref.owner)?.table;
    if (!cls) return undefined;
    // A Sequelize `references: { model: User, key: 'id' }` names the column by its database name.
    const sequelize = index.findClass(facts.file, ref.owner)?.cls.framework === 'sequelize';
    return { kind: 'column', table: { key: cls.key }, byAttr: !sequelize, ...part(span) };
  }
  return undefined;
}

/**
 * In a migration file whose text before the cursor the parser could not read as a reference: the point of
 * history at the cursor, that of the last operation (a table it creates, a reference it holds, a column it adds)
 * that starts before it. Before the first, the file's first operation.
 */
export function migrationPointAt(facts: FileFacts, offset: number): HistoryPoint | undefined {
  const ops = facts.migration?.ops;
  if (!ops || ops.length === 0) return undefined;
  let op = 0;
  const seen = (start: number, i: number) => {
    if (start <= offset && i > op) op = i;
  };
  ops.forEach((o, i) => {
    if (o.op === 'create_table') {
      const t = facts.tables[o.tableIndex];
      if (t) seen(t.span.start, i);
    } else if (o.op === 'add_column') seen(o.column.span.start, i);
    else if ((o.op === 'alter_column' || o.op === 'drop_key') && o.span) seen(o.span.start, i);
  });
  for (const r of facts.references) if (r.migrationOp !== undefined && r.context === 'migration') seen(r.span.start, r.migrationOp);
  return { file: facts.file, op };
}

export interface CompletionEntry {
  label: string;
  kind: 'schema' | 'table' | 'column';
  detail: string;
  /** Orders keys first, then the other columns, each alphabetically. */
  sortText: string;
  /** The text that replaces what was typed of this part. */
  insertText: string;
  /** Where the replaced text starts: this many characters before the cursor. */
  replaceLength: number;
  /** After a table, the column list follows at once (the client re-triggers completion). */
  retrigger?: boolean;
}

/**
 * A character of a name: the identifier characters of Python (PEP 3131), TypeScript and SQL alike, outside
 * ASCII too (`élèves.numéro`), so a half-typed name completes in any script. The patterns use the `u` flag.
 */
const W = '[\\p{ID_Continue}$\\u200c\\u200d]';
const Q = `["'\`]`;
const re = (source: string, flags = '') => new RegExp(source, `u${flags}`);

/** The completion context at the end of `before` (the text before the cursor) in a file of `language`. */
export function completionContext(language: SourceLanguage, before: string): CompletionContext | undefined {
  let m: RegExpExecArray | null;
  if (language === 'python') {
    if ((m = re(`(?:ForeignKey\\(\\s*(?:column\\s*=\\s*)?|foreign_key\\s*=\\s*)[rRuU]?${Q}([\\p{ID_Continue}$.]*)$`).exec(before))) return { kind: 'dotted', typed: m[1] };
    // `op.create_foreign_key(name, source, "referent", [local], ["remote"])`.
    if ((m = re(`create_foreign_key\\(\\s*[^,()]*,\\s*[^,()]*,\\s*${Q}(${W}*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = re(`referent_table\\s*=\\s*${Q}(${W}*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = re(`create_foreign_key\\(\\s*[^,()]*,\\s*[^,()]*,\\s*${Q}(${W}+)${Q}\\s*,\\s*\\[[^\\]]*\\]\\s*,\\s*\\[(?:\\s*${Q}${W}*${Q}\\s*,)*\\s*${Q}(${W}*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { key: m[1] }, byAttr: false };
    }
    return undefined;
  }
  if (language === 'typescript') {
    // Drizzle: `.references(() => users.id` and `foreignColumns: [users.id`.
    if ((m = re(`\\.references\\(\\s*\\([^)]*\\)\\s*(?:\\s*:\\s*${W}+\\s*)?=>\\s*(${W}+)\\.(${W}*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { variable: m[1] }, byAttr: true };
    }
    if ((m = re(`foreignColumns\\s*:\\s*\\[[^\\]]*?(${W}+)\\.(${W}*)$`).exec(before))) return { kind: 'column', typed: m[2], table: { variable: m[1] }, byAttr: true };
    // Knex: `.references('users.id')`, `.references('id').inTable('users')`.
    if ((m = re(`\\.inTable\\(\\s*${Q}([\\p{ID_Continue}$.]*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = re(`\\.references\\(\\s*${Q}([\\p{ID_Continue}$.]*)$`).exec(before))) return { kind: 'dotted', typed: m[1] };
    // Sequelize: `references: { model: 'users', key: 'id' }`.
    if ((m = re(`references\\s*:\\s*\\{[^}]*?\\bmodel\\s*:\\s*${Q}(${W}*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = re(`references\\s*:\\s*\\{[^}]*?\\bmodel\\s*:\\s*${Q}(${W}+)${Q}[^}]*?\\bkey\\s*:\\s*${Q}(${W}*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { key: m[1] }, byAttr: false };
    }
    // TypeORM: `@ManyToOne(() => User) @JoinColumn({ referencedColumnName: 'id' })`.
    if ((m = re(`@(?:ManyToOne|OneToOne)\\(\\s*(?:\\([^)]*\\)\\s*=>\\s*)?(${W}+)[\\s\\S]{0,400}?referencedColumnName\\s*:\\s*${Q}(${W}*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { className: m[1] }, byAttr: true };
    }
    return undefined;
  }
  if (language === 'prisma') {
    // `author User @relation(fields: [authorId], references: [id`: the model is the field's type. Prisma's names
    // are ASCII (a letter, then letters, digits and _).
    if ((m = /(?:^|\n)[ \t]*\w+[ \t]+(\w+)\??[ \t]+[^\n]*@relation\([^\n)]*references\s*:\s*\[(?:\s*\w+\s*,)*\s*(\w*)$/.exec(before))) {
      return { kind: 'column', typed: m[2], table: { className: m[1] }, byAttr: true };
    }
    return undefined;
  }
  if (language === 'sql') {
    if ((m = re(`\\bREFERENCES\\s+((?:"?${W}+"?\\.)?"?${W}+"?)\\s*\\((?:\\s*"?${W}+"?\\s*,)*\\s*"?(${W}*)$`, 'i').exec(before))) {
      return { kind: 'column', typed: m[2], table: { key: m[1].replace(/"/g, '') }, byAttr: false };
    }
    if ((m = re(`\\bREFERENCES\\s+"?((?:${W}+"?\\."?)?${W}*)$`, 'i').exec(before))) return { kind: 'dotted', typed: m[1].replace(/"/g, '') };
    return undefined;
  }
  return undefined;
}

/** The entries for a context: schemas and tables (with a `table.key` entry each), or the columns of one table. */
export function completionEntries(
  index: SchemaIndex,
  nav: Navigator,
  file: string,
  ctx: CompletionContext,
  sqlStyle = false,
  limit = Infinity,
): { entries: CompletionEntry[]; incomplete: boolean } {
  const out: CompletionEntry[] = [];
  let incomplete = false;
  /** Adds an entry that matches what is typed of its part; false once the list is full. */
  const push = (e: CompletionEntry, typed: string): boolean => {
    if (!fuzzyMatches(typed, e.insertText)) return true;
    if (out.length >= limit) {
      incomplete = true;
      return false;
    }
    out.push(e);
    return true;
  };
  const done = () => ({ entries: out, incomplete });
  const view = new SchemaView(index, nav, ctx.at);
  if (ctx.kind === 'column') {
    let key: string | undefined;
    if ('key' in ctx.table) key = ctx.table.key;
    else if ('className' in ctx.table) key = index.classTable(file, ctx.table.className)?.table?.key;
    else key = index.tableVariable(file, ctx.table.variable)?.key;
    if (key !== undefined) for (const e of columnEntries(view, key, ctx.typed.length, ctx.byAttr)) if (!push(e, ctx.typed)) break;
    return done();
  }
  const typed = ctx.typed;
  const dot = typed.lastIndexOf('.');
  const keys = nav.sortedTableKeys();
  const withKey = ctx.kind === 'dotted' && !sqlStyle && !ctx.followed;
  if (ctx.kind === 'dotted' && dot >= 0) {
    const head = typed.slice(0, dot);
    const rest = typed.slice(dot + 1);
    // `users.` → columns of `users`; `billing.` → tables of schema `billing`; `billing.invoices.` → columns.
    if (keys.includes(head) && !sqlStyle && view.exists(head)) for (const e of columnEntries(view, head, rest.length, false)) if (!push(e, rest)) return done();
    for (const k of keys) {
      const d = k.lastIndexOf('.');
      if (d < 0 || k.slice(0, d) !== head || !fuzzyMatches(rest, k.slice(d + 1)) || !view.exists(k)) continue;
      for (const e of tableEntries(view, k, k.slice(d + 1), rest.length, withKey)) if (!push(e, rest)) return done();
    }
    return done();
  }
  // A large workspace has thousands of tables: the matching ones are taken in the order the list shows them
  // (each table with its key column, then the tables, then the schemas) until the list is full.
  const labels = keys.filter((k) => (ctx.kind === 'table' || !k.includes('.')) && fuzzyMatches(typed, k) && view.exists(k));
  if (withKey) {
    for (const k of labels) {
      const pk = view.summary(k).key;
      if (pk && !push(keyEntry(k, pk, typed.length), typed)) return done();
    }
  }
  for (const k of labels) if (!push(tableEntry(view, k, k, typed.length, withKey), typed)) return done();
  if (ctx.kind === 'dotted') {
    const schemas = new Set(keys.filter((k) => k.includes('.') && view.exists(k)).map((k) => k.slice(0, k.lastIndexOf('.'))));
    for (const sc of schemas) if (!push({ label: sc, kind: 'schema', detail: 'schema', sortText: `3${sc}`, insertText: `${sc}.`, replaceLength: typed.length, retrigger: true }, typed)) break;
  }
  return done();
}

/**
 * The schema as a completion sees it: the current one, or in a migration the one history holds at that point,
 * decided as the rules decide a migration's reference (history's definition first, then the models').
 */
class SchemaView {
  private readonly defs = new Map<string, TableDef[]>();

  constructor(
    private readonly index: SchemaIndex,
    private readonly nav: Navigator,
    private readonly at: HistoryPoint | undefined,
  ) {}

  private definitions(key: string): TableDef[] {
    let d = this.defs.get(key);
    if (!d) {
      const all = this.index.definitions(key, this.at);
      const history = all.filter((x) => x.origin === 'migration');
      this.defs.set(key, (d = history.length > 0 ? [...history, ...all.filter((x) => x.origin !== 'migration')] : all));
    }
    return d;
  }

  /** Whether the table exists here (at the point of history: made before it, not dropped). */
  exists(key: string): boolean {
    return !this.at || this.definitions(key).length > 0;
  }

  columns(key: string): IndexedColumn[] {
    if (!this.at) return this.nav.columnsOf(key);
    const out = new Map<string, IndexedColumn>();
    for (const d of this.definitions(key).slice(0, 1)) for (const c of d.columns.values()) if (!out.has(c.column.name)) out.set(c.column.name, c);
    return [...out.values()];
  }

  definitionsOf(key: string): TableDef[] {
    return this.at ? this.definitions(key).slice(0, 1) : this.index.definitions(key);
  }

  summary(key: string): { file?: string; key?: IndexedColumn } {
    if (!this.at) return this.nav.tableSummary(key);
    const pk = this.columns(key).filter((c) => c.column.primaryKey);
    return { file: this.definitions(key)[0]?.file, key: pk.length === 1 ? pk[0] : undefined };
  }
}

function tableEntry(view: SchemaView, key: string, label: string, replaceLength: number, retrigger: boolean): CompletionEntry {
  const { file } = view.summary(key);
  return { label, kind: 'table', detail: file ? `table · ${file}` : 'table', sortText: `2${label}`, insertText: label, replaceLength, retrigger };
}

/** `ForeignKey("us` offers `users.id`: the table with its one-column primary key, the usual target. */
function keyEntry(label: string, pk: IndexedColumn, replaceLength: number): CompletionEntry {
  const insert = `${label}.${pk.column.name}`;
  return { label: insert, kind: 'column', detail: columnDetail(pk), sortText: `1${label}`, insertText: insert, replaceLength };
}

function tableEntries(view: SchemaView, key: string, label: string, replaceLength: number, withKey: boolean): CompletionEntry[] {
  const pk = withKey ? view.summary(key).key : undefined;
  return pk ? [keyEntry(label, pk, replaceLength), tableEntry(view, key, label, replaceLength, withKey)] : [tableEntry(view, key, label, replaceLength, withKey)];
}

/**
 * Whether `label` can be what someone typing `typed` wants: its characters in order, the first at a word
 * start (as editors filter). The server filters too, so a list over thousands of tables stays short.
 */
export function fuzzyMatches(typed: string, label: string): boolean {
  if (typed === '') return true;
  const t = typed.toLowerCase();
  const l = label.toLowerCase();
  let i = 0;
  for (let k = 0; k < l.length && i < t.length; k++) {
    if (l[k] !== t[i]) continue;
    if (i === 0 && k > 0 && /[a-z0-9]/.test(l[k - 1]) && !(label[k] >= 'A' && label[k] <= 'Z')) continue;
    i++;
  }
  return i === t.length;
}

function columnEntries(view: SchemaView, key: string, replaceLength: number, byAttr: boolean): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const cols: IndexedColumn[] = [];
  if (byAttr) {
    const seen = new Set<string>();
    for (const d of view.definitionsOf(key)) for (const [attr, c] of d.attrs) if (!seen.has(attr)) (seen.add(attr), cols.push({ ...c, column: { ...c.column, name: attr } }));
  } else cols.push(...view.columns(key));
  for (const c of cols) {
    const rank = c.column.primaryKey ? 0 : c.column.unique ? 1 : 2;
    out.push({ label: c.column.name, kind: 'column', detail: columnDetail(c), sortText: `${rank}${c.column.name}`, insertText: c.column.name, replaceLength });
  }
  return out;
}

/** `Integer · PK`, `varchar(255) · unique · nullable`. */
export function columnDetail(c: IndexedColumn): string {
  const type = c.column.type?.text ?? c.column.annotation?.text ?? c.type?.sqlType ?? 'type unknown';
  const flags = [c.column.primaryKey ? 'PK' : '', c.column.unique ? 'unique' : '', c.column.nullable ? 'nullable' : ''].filter(Boolean);
  return [type, ...flags].join(' · ');
}
