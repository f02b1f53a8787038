import type { Navigator } from './navigate';
import { SchemaIndex } from './schemaIndex';
import type { IndexedColumn } from './tables';
import { SourceLanguage } from './types';

/*
 * Completion inside the places a foreign key names its target. The context is read from the text before the
 * cursor, not from the facts: while a reference is being typed (`ForeignKey("us`) the file does not parse,
 * and the facts hold no reference there yet. Each pattern ends at the cursor, so text elsewhere never matters.
 */

/** What is being typed: a dotted `schema.table.column` string, a table alone, or a column of a known table. */
export type CompletionContext =
  | { kind: 'dotted'; typed: string }
  | { kind: 'table'; typed: string }
  /** `byAttr`: the column is named by its attribute of code (a Prisma field, a TypeORM or Drizzle property). */
  | { kind: 'column'; typed: string; table: { key: string } | { className: string } | { variable: string }; byAttr: boolean };

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

const W = '[A-Za-z0-9_$]';
const Q = `["'\`]`;

/** The completion context at the end of `before` (the text before the cursor) in a file of `language`. */
export function completionContext(language: SourceLanguage, before: string): CompletionContext | undefined {
  let m: RegExpExecArray | null;
  if (language === 'python') {
    if ((m = new RegExp(`(?:ForeignKey\\(\\s*(?:column\\s*=\\s*)?|foreign_key\\s*=\\s*)[rRuU]?${Q}([\\w.]*)$`).exec(before))) return { kind: 'dotted', typed: m[1] };
    // `op.create_foreign_key(name, source, "referent", [local], ["remote"])`.
    if ((m = new RegExp(`create_foreign_key\\(\\s*[^,()]*,\\s*[^,()]*,\\s*${Q}(\\w*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = new RegExp(`referent_table\\s*=\\s*${Q}(\\w*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = new RegExp(`create_foreign_key\\(\\s*[^,()]*,\\s*[^,()]*,\\s*${Q}(\\w+)${Q}\\s*,\\s*\\[[^\\]]*\\]\\s*,\\s*\\[(?:\\s*${Q}\\w*${Q}\\s*,)*\\s*${Q}(\\w*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { key: m[1] }, byAttr: false };
    }
    return undefined;
  }
  if (language === 'typescript') {
    // Drizzle: `.references(() => users.id` and `foreignColumns: [users.id`.
    if ((m = new RegExp(`\\.references\\(\\s*\\([^)]*\\)\\s*(?::\\s*\\w+\\s*)?=>\\s*(${W}+)\\.(${W}*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { variable: m[1] }, byAttr: true };
    }
    if ((m = new RegExp(`foreignColumns\\s*:\\s*\\[[^\\]]*?(${W}+)\\.(${W}*)$`).exec(before))) return { kind: 'column', typed: m[2], table: { variable: m[1] }, byAttr: true };
    // Knex: `.references('users.id')`, `.references('id').inTable('users')`.
    if ((m = new RegExp(`\\.inTable\\(\\s*${Q}([\\w.]*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = new RegExp(`\\.references\\(\\s*${Q}([\\w.]*)$`).exec(before))) return { kind: 'dotted', typed: m[1] };
    // Sequelize: `references: { model: 'users', key: 'id' }`.
    if ((m = new RegExp(`references\\s*:\\s*\\{[^}]*?\\bmodel\\s*:\\s*${Q}(\\w*)$`).exec(before))) return { kind: 'table', typed: m[1] };
    if ((m = new RegExp(`references\\s*:\\s*\\{[^}]*?\\bmodel\\s*:\\s*${Q}(\\w+)${Q}[^}]*?\\bkey\\s*:\\s*${Q}(\\w*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { key: m[1] }, byAttr: false };
    }
    // TypeORM: `@ManyToOne(() => User) @JoinColumn({ referencedColumnName: 'id' })`.
    if ((m = new RegExp(`@(?:ManyToOne|OneToOne)\\(\\s*(?:\\([^)]*\\)\\s*=>\\s*)?(${W}+)[\\s\\S]{0,400}?referencedColumnName\\s*:\\s*${Q}(\\w*)$`).exec(before))) {
      return { kind: 'column', typed: m[2], table: { className: m[1] }, byAttr: true };
    }
    return undefined;
  }
  if (language === 'prisma') {
    // `author User @relation(fields: [authorId], references: [id`: the model is the field's type.
    if ((m = /(?:^|\n)[ \t]*\w+[ \t]+(\w+)\??[ \t]+[^\n]*@relation\([^\n)]*references\s*:\s*\[(?:\s*\w+\s*,)*\s*(\w*)$/.exec(before))) {
      return { kind: 'column', typed: m[2], table: { className: m[1] }, byAttr: true };
    }
    return undefined;
  }
  if (language === 'sql') {
    if ((m = /\bREFERENCES\s+((?:"?\w+"?\.)?"?\w+"?)\s*\((?:\s*"?\w+"?\s*,)*\s*"?(\w*)$/i.exec(before))) {
      return { kind: 'column', typed: m[2], table: { key: m[1].replace(/"/g, '') }, byAttr: false };
    }
    if ((m = /\bREFERENCES\s+"?((?:\w+"?\."?)?\w*)$/i.exec(before))) return { kind: 'dotted', typed: m[1].replace(/"/g, '') };
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
  if (ctx.kind === 'column') {
    let key: string | undefined;
    if ('key' in ctx.table) key = ctx.table.key;
    else if ('className' in ctx.table) key = index.classTable(file, ctx.table.className)?.table?.key;
    else key = index.tableVariable(file, ctx.table.variable)?.key;
    if (key !== undefined) for (const e of columnEntries(index, nav, key, ctx.typed.length, ctx.byAttr)) if (!push(e, ctx.typed)) break;
    return done();
  }
  const typed = ctx.typed;
  const dot = typed.lastIndexOf('.');
  const keys = nav.sortedTableKeys();
  const withKey = ctx.kind === 'dotted' && !sqlStyle;
  if (ctx.kind === 'dotted' && dot >= 0) {
    const head = typed.slice(0, dot);
    const rest = typed.slice(dot + 1);
    // `users.` → columns of `users`; `billing.` → tables of schema `billing`; `billing.invoices.` → columns.
    if (keys.includes(head) && !sqlStyle) for (const e of columnEntries(index, nav, head, rest.length, false)) if (!push(e, rest)) return done();
    for (const k of keys) {
      const d = k.lastIndexOf('.');
      if (d < 0 || k.slice(0, d) !== head) continue;
      for (const e of tableEntries(nav, k, k.slice(d + 1), rest.length, withKey)) if (!push(e, rest)) return done();
    }
    return done();
  }
  // A large workspace has thousands of tables: the matching ones are taken in the order the list shows them
  // (each table with its key column, then the tables, then the schemas) until the list is full.
  const labels = keys.filter((k) => (ctx.kind === 'table' || !k.includes('.')) && fuzzyMatches(typed, k));
  if (withKey) {
    for (const k of labels) {
      const pk = nav.tableSummary(k).key;
      if (pk && !push(keyEntry(k, pk, typed.length), typed)) return done();
    }
  }
  for (const k of labels) if (!push(tableEntry(nav, k, k, typed.length, withKey), typed)) return done();
  if (ctx.kind === 'dotted') {
    const schemas = new Set(keys.filter((k) => k.includes('.')).map((k) => k.slice(0, k.lastIndexOf('.'))));
    for (const sc of schemas) if (!push({ label: sc, kind: 'schema', detail: 'schema', sortText: `3${sc}`, insertText: `${sc}.`, replaceLength: typed.length, retrigger: true }, typed)) break;
  }
  return done();
}

function tableEntry(nav: Navigator, key: string, label: string, replaceLength: number, retrigger: boolean): CompletionEntry {
  const { file } = nav.tableSummary(key);
  return { label, kind: 'table', detail: file ? `table · ${file}` : 'table', sortText: `2${label}`, insertText: label, replaceLength, retrigger };
}

/** `ForeignKey("us` offers `users.id`: the table with its one-column primary key, the usual target. */
function keyEntry(label: string, pk: IndexedColumn, replaceLength: number): CompletionEntry {
  const insert = `${label}.${pk.column.name}`;
  return { label: insert, kind: 'column', detail: columnDetail(pk), sortText: `1${label}`, insertText: insert, replaceLength };
}

function tableEntries(nav: Navigator, key: string, label: string, replaceLength: number, withKey: boolean): CompletionEntry[] {
  const pk = withKey ? nav.tableSummary(key).key : undefined;
  return pk ? [keyEntry(label, pk, replaceLength), tableEntry(nav, key, label, replaceLength, withKey)] : [tableEntry(nav, key, label, replaceLength, withKey)];
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

function columnEntries(index: SchemaIndex, nav: Navigator, key: string, replaceLength: number, byAttr: boolean): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  const cols: IndexedColumn[] = [];
  if (byAttr) {
    const seen = new Set<string>();
    for (const d of index.definitions(key)) for (const [attr, c] of d.attrs) if (!seen.has(attr)) (seen.add(attr), cols.push({ ...c, column: { ...c.column, name: attr } }));
  } else cols.push(...nav.columnsOf(key));
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
