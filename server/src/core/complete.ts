import type { Navigator } from './navigate';
import { IndexedColumn, SchemaIndex } from './schemaIndex';
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
export function completionEntries(index: SchemaIndex, nav: Navigator, file: string, ctx: CompletionContext, sqlStyle = false): CompletionEntry[] {
  if (ctx.kind === 'column') {
    let key: string | undefined;
    if ('key' in ctx.table) key = ctx.table.key;
    else if ('className' in ctx.table) key = index.classTable(file, ctx.table.className)?.table?.key;
    else key = index.tableVariable(file, ctx.table.variable)?.key;
    if (key === undefined) return [];
    return columnEntries(index, nav, key, ctx.typed.length, ctx.byAttr);
  }
  const typed = ctx.typed;
  const dot = typed.lastIndexOf('.');
  const keys = index.allTableKeys();
  if (ctx.kind === 'dotted' && dot >= 0) {
    const head = typed.slice(0, dot);
    const rest = typed.length - dot - 1;
    // `users.` → columns of `users`; `billing.` → tables of schema `billing`; `billing.invoices.` → columns.
    const out: CompletionEntry[] = [];
    if (keys.includes(head) && !sqlStyle) out.push(...columnEntries(index, nav, head, rest, false));
    for (const k of keys) {
      const d = k.lastIndexOf('.');
      if (d >= 0 && k.slice(0, d) === head) out.push(...tableEntries(nav, k, k.slice(d + 1), rest, ctx.kind === 'dotted' && !sqlStyle));
    }
    return out;
  }
  const out: CompletionEntry[] = [];
  const schemas = new Set<string>();
  for (const k of keys) {
    const d = k.lastIndexOf('.');
    if (d >= 0) schemas.add(k.slice(0, d));
    if (d < 0 || ctx.kind === 'table') out.push(...tableEntries(nav, k, k, typed.length, ctx.kind === 'dotted' && !sqlStyle));
  }
  if (ctx.kind === 'dotted') {
    for (const s of schemas) out.push({ label: s, kind: 'schema', detail: 'schema', sortText: `3${s}`, insertText: `${s}.`, replaceLength: typed.length, retrigger: true });
  }
  return out;
}

function tableEntries(nav: Navigator, key: string, label: string, replaceLength: number, withKey: boolean): CompletionEntry[] {
  const defs = nav.currentDefinitions(key);
  const from = defs.find((d) => d.file)?.file;
  const out: CompletionEntry[] = [{ label, kind: 'table', detail: from ? `table · ${from}` : 'table', sortText: `2${label}`, insertText: label, replaceLength, retrigger: withKey }];
  if (withKey) {
    // `ForeignKey("us` offers `users.id`: the table with its one-column primary key, the usual target.
    const pk = nav.columnsOf(key).filter((c) => c.column.primaryKey);
    if (pk.length === 1) {
      const c = pk[0];
      out.push({ label: `${label}.${c.column.name}`, kind: 'column', detail: columnDetail(c), sortText: `1${label}`, insertText: `${label}.${c.column.name}`, replaceLength });
    }
  }
  return out;
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
