import { definitionSites, Navigator, Naming, Place, siteNaming, Symbol, Target, TextOf } from './navigate';
import { rangeOf } from './text';
import { SchemaIndex } from './schemaIndex';
import type { TableDef } from './tables';
import { ClassFact, FileFacts, NameExpr, ReferenceFact, Span } from './types';

/*
 * Renaming a table or a column across every language FK Guard reads. A rename changes a database name: it
 * edits every definition that spells it (`__tablename__`, `Column("name")`, `CREATE TABLE`, `pgTable`,
 * `@Entity`, a Prisma `@@map`, `@map` or field) and every reference that spells it (strings, pairs, SQL), and an
 * attribute reference (`User.id`) only where the attribute is the column's name itself.
 *
 * A name that comes from a module constant (`__tablename__ = USERS`, `ForeignKey(f"{USERS}.id")`) is renamed
 * where the constant is defined, so every use of it follows; a column shared through a mixin is renamed in
 * every table that has it, with their references. Both are named in the plan, for the preview to show.
 *
 * Migrations are history: a migration that already ran made the old name, so its text stays as it is, and
 * the plan lists what it left (a new migration that renames the table is the user's to write); a table that
 * only migrations make is not renamed at all. A name FK Guard cannot see completely (a computed name, a
 * `@declared_attr`, a table name derived from a class name) is refused with the reason, never half-renamed.
 */

export interface RenameEdit {
  file: string;
  span: Span;
  newText: string;
}

export interface RenamePlan {
  target: Target;
  oldName: string;
  edits: RenameEdit[];
  /** Places in migrations that name the old name and are left as they are. */
  history: Array<Place & { display: string }>;
  /** References whose target FK Guard cannot compute (which may name the old name too). */
  unreadable: Array<Place & { display: string }>;
  /** Module constants whose value is the name: edited where they are defined, so every use follows. */
  constants: Array<Place & { name: string }>;
  /** Other tables that share the renamed column's definition (a mixin's, a base class's): renamed there too. */
  alsoTables: string[];
}

export type RenameCheck = { ok: true; span: Span; placeholder: string; target: Target } | { ok: false; reason: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Whether the symbol can be renamed, and the span of the name that would be. With `nav`, a table that only
 * migrations make is refused here already, so the editor never opens a rename box it would then refuse.
 */
export function checkRename(symbol: Symbol | undefined, text: string | undefined, nav?: Navigator): RenameCheck {
  const check = checkSymbol(symbol, text);
  if (!check.ok || !nav) return check;
  const why = historyOnly(nav, check.target.key);
  return why ? { ok: false, reason: why } : check;
}

function checkSymbol(symbol: Symbol | undefined, text: string | undefined): RenameCheck {
  if (!symbol) return { ok: false, reason: 'FK Guard renames table and column names; there is none here.' };
  if (symbol.kind === 'reference') {
    if (!symbol.target) return { ok: false, reason: `FK Guard cannot rename this: ${symbol.why ?? 'its target is unknown'}.` };
    if (symbol.part.part === 'schema') return { ok: false, reason: 'FK Guard renames tables and columns, not schemas.' };
    if (symbol.part.naming === 'code') {
      const what = symbol.part.part === 'table' ? 'a class or variable of the code' : 'an attribute of the code';
      return { ok: false, reason: `\`${slice(text, symbol.part.span)}\` is ${what}, not a database name: rename it with the language's own rename.` };
    }
    return { ok: true, span: symbol.part.span, placeholder: slice(text, symbol.part.span) ?? '', target: symbol.target };
  }
  const site = symbol.site;
  if (site.history) return { ok: false, reason: 'This is a migration: history made this name and is not rewritten. Rename the table or column where the models define it.' };
  if (site.naming === 'code') {
    return { ok: false, reason: `\`${slice(text, site.span)}\` is a name of the code, not the database name: rename it with the language's own rename.` };
  }
  return { ok: true, span: site.span, placeholder: slice(text, site.span) ?? '', target: symbol.target };
}

/** Why a table cannot be renamed because migrations alone make it (history is never edited); else undefined. */
function historyOnly(nav: Navigator, key: string): string | undefined {
  const defs = nav.currentDefinitions(key);
  if (defs.length === 0) return `\`${key}\` has no definition FK Guard can edit.`;
  // Renaming the references of a table only migrations make would leave them pointing at a name history never made.
  if (defs.every((d) => d.origin === 'migration')) {
    return `\`${key}\` is defined only by migrations, which are history: write a migration that renames it, then rename its references.`;
  }
  return undefined;
}

function slice(text: string | undefined, span: Span): string | undefined {
  return text?.slice(span.start, span.end);
}

/**
 * The files a rename of `target` may edit or must read: its definitions, its columns' files, the files of its
 * references, and the files that define a constant holding the old name. The language server reads them
 * before it asks `planRename`, which works on text it is given.
 */
export function renameFiles(nav: Navigator, index: SchemaIndex, target: Target, oldName: string): Set<string> {
  const files = new Set<string>();
  const keys = [target.key, ...(target.column === undefined ? [] : sharingTables(index, nav, target))];
  for (const key of keys) {
    for (const d of nav.currentDefinitions(key)) {
      files.add(d.file);
      const c = target.column !== undefined ? d.columns.get(target.column) : undefined;
      if (c) files.add(c.file);
    }
    for (const r of nav.referencesTo(target.column === undefined ? { key } : { key, column: target.column })) files.add(r.file);
  }
  for (const f of nav.fileIds()) {
    const facts = index.facts(f);
    if (facts && Object.values(facts.constants).includes(oldName)) files.add(f);
  }
  files.delete('');
  return files;
}

/**
 * The edits that rename `target` to `newName`, or the reason it is refused. `textOf` gives the text of every
 * file involved (the facts' spans point into it); every edit is checked against it, so a stale span never
 * writes into the wrong place.
 */
export function planRename(nav: Navigator, index: SchemaIndex, target: Target, oldName: string, newName: string, textOf: TextOf): RenamePlan | { error: string } {
  if (!IDENTIFIER.test(newName)) return { error: `\`${newName}\` is not a plain name (letters, digits and _).` };
  const refused = historyOnly(nav, target.key);
  if (refused) return { error: refused };
  const defs = nav.currentDefinitions(target.key);
  const constants: RenamePlan['constants'] = [];
  const alsoTables = target.column === undefined ? [] : sharingTables(index, nav, target);
  const edits: RenameEdit[] = [];
  const history: RenamePlan['history'] = [];
  const seen = new Set<string>();
  const where = (file: string, span: Span) => `${file}:${line(index.facts(file), span) + 1}`;
  const edit = (file: string, span: Span): string | undefined => {
    const text = textOf(file);
    const written = text?.slice(span.start, span.end);
    if (written !== oldName) return `the name at ${where(file, span)} reads \`${written ?? '?'}\`, not \`${oldName}\``;
    const id = `${file}:${span.start}`;
    if (!seen.has(id)) {
      seen.add(id);
      edits.push({ file, span, newText: newName });
    }
    return undefined;
  };
  /** Renames through a constant: its definition's literal is edited once, and every use of it follows. */
  const viaConstant = (file: string, name: string): string | undefined => {
    const site = constantSite(index, nav, file, name, oldName, textOf);
    if ('error' in site) return site.error;
    if (!constants.some((c) => c.file === site.file && c.span.start === site.span.start)) constants.push({ file: site.file, span: site.span, name: site.name });
    return edit(site.file, site.span);
  };

  // Where the column's definitions write it, and whether the attribute of code is the name too.
  const columnNaming = new Map<object, Naming>();
  for (const key of [target.key, ...alsoTables]) {
    const tableDefs = key === target.key ? defs : nav.currentDefinitions(key);
    for (const d of tableDefs) {
      if (d.origin === 'migration') {
        history.push({ file: d.file, span: d.span, display: `\`${d.key}\` as migrations leave it` });
        continue;
      }
      const site = definitionSite(index, d, target, oldName, textOf);
      if ('error' in site) return site;
      if (target.column !== undefined) columnNaming.set(d.columns.get(target.column)!.column, site.naming);
      const problem = 'constant' in site ? viaConstant(site.file, site.constant) : edit(site.file, site.span);
      if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
    }
  }

  for (const key of [target.key, ...alsoTables]) {
    const t: Target = target.column === undefined ? { key } : { key, column: target.column };
    for (const r of nav.referencesTo(t, textOf)) {
      if (r.history) {
        history.push({ file: r.file, span: r.span, display: r.display });
        continue;
      }
      // A class or variable that owns the table (`User.id`, `users.id` in Drizzle) keeps its name.
      if (target.column === undefined && r.naming === 'code') continue;
      if (!r.located) {
        // A name taken from a constant (`ForeignKey(f"{USERS}.id")`, `.inTable(USERS)`) follows the constant.
        const name = constantOfPart(index, r.file, r.ref, target.column === undefined ? 'table' : 'column');
        const problem = name ? viaConstant(r.file, name) : `the reference at ${where(r.file, r.ref.span)} (\`${r.display}\`) is not written as a name FK Guard can edit`;
        if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
        continue;
      }
      if (r.naming === 'code') {
        // An attribute reference follows the rename only where the attribute is the column's name itself.
        const res = nav.resolutionOf(r.file, r.ref);
        const naming = res && res.kind === 'ok' ? columnNaming.get(res.column.column) : undefined;
        if (naming !== 'both') continue;
      }
      const problem = edit(r.file, r.span);
      if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
    }
  }

  const unreadable = nav
    .unresolvedReferences()
    .filter((u) => u.display.includes(oldName))
    .map((u) => ({ file: u.file, span: u.ref.span, display: u.display }));
  // Renaming to the same name checks the whole plan (prepareRename asks that way) and edits nothing.
  return { target, oldName, edits: newName === oldName ? [] : edits, history, unreadable, constants, alsoTables };
}

function line(facts: FileFacts | undefined, span: Span): number {
  return facts ? rangeOf(facts.lineStarts, span).start.line : 0;
}

type DefinitionSite = { file: string; span: Span; naming: Naming } | { file: string; constant: string; naming: Naming } | { error: string };

/** Where one definition writes the table's (or the column's) database name; an error when it does not. */
function definitionSite(index: SchemaIndex, def: TableDef, target: Target, oldName: string, textOf: TextOf): DefinitionSite {
  const facts = index.facts(def.file);
  const at = facts ? `${def.file}:${line(facts, def.span) + 1}` : def.file;
  if (target.column !== undefined) {
    const c = def.columns.get(target.column);
    if (!c) return { error: `\`${def.key}\` defined at ${at} has no column \`${target.column}\` FK Guard can see.` };
    const cf = index.facts(c.file);
    const text = textOf(c.file);
    // Read from the column itself, not from its table: a mixin's column has no table of its own.
    const site = siteNaming(text, c.column.span, c.column);
    if (site.naming !== 'code') return { file: c.file, span: site.span, naming: site.naming };
    const mapped = cf?.language === 'prisma' ? prismaMap(text, c.column.span, oldName) : undefined;
    if (mapped) return { file: c.file, span: mapped, naming: 'database' };
    return {
      error: `\`${def.key}.${target.column}\` at ${c.file}:${line(cf, c.column.span) + 1} is the attribute \`${c.column.attr ?? '?'}\`, whose column name is given elsewhere in its definition in a form FK Guard does not rename (it renames \`Column("name")\`, a quoted name and Prisma's \`@map\`).`,
    };
  }
  if (!facts) return { error: `FK Guard cannot see the definition of \`${def.key}\`.` };
  const site = definitionSites(index, facts, textOf(def.file)).find((s) => s.part === 'table' && s.key === def.key && s.naming !== 'code' && s.span.start <= def.span.end && s.span.end >= def.span.start);
  if (site) return { file: def.file, span: site.span, naming: site.naming };
  // A name held by a module constant is renamed where the constant is defined.
  const cls = def.className !== undefined ? facts.classes.find((c) => c.name === def.className) : undefined;
  const core = cls ? undefined : facts.tables.find((t) => t.span.start <= def.span.start && def.span.end <= t.span.end);
  const expr: NameExpr | undefined = cls?.tablename ?? core?.name;
  if (expr?.kind === 'const') return { file: def.file, constant: expr.name, naming: 'database' };
  // A literal with no place of its own is a name the dialect derived (a Prisma model's name, `@Entity()`).
  if (expr && expr.kind !== 'literal') return { error: `the table name of \`${def.key}\` at ${at} is computed (\`${exprText(expr)}\`), so FK Guard cannot rename it.` };
  const how = cls ? derivedFrom(index, def.file, cls) : 'it is not written out';
  return { error: `the table name \`${def.key}\` at ${at} is not written out: ${how}. Rename the class with the language's own rename, or write the name out and rename that.` };
}

function exprText(expr: NameExpr): string {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'const':
      return expr.name;
    case 'template':
      return expr.parts.map((p) => ('literal' in p ? p.literal : `{${p.const}}`)).join('');
    case 'dynamic':
      return expr.text;
  }
}

/** How a class's table name comes from its class name, for the reason a rename is refused. */
function derivedFrom(index: SchemaIndex, file: string, cls: ClassFact): string {
  switch (cls.framework) {
    case 'prisma':
      return `it is the name of the Prisma model \`${cls.name}\` (no \`@@map\`)`;
    case 'typeorm':
      return `\`@Entity()\` names no table, so TypeORM derives it from the class \`${cls.name}\``;
    case 'sequelize':
      return `Sequelize derives it from the model \`${cls.name}\` (no \`tableName\`)`;
  }
  if (cls.sqlmodelTable) return `SQLModel derives it from the class name \`${cls.name}\``;
  const base = declaredTablenameBase(index, file, cls, new Set());
  if (base) return `the \`@declared_attr __tablename__\` of \`${base}\` derives it from the class name \`${cls.name}\``;
  return `it is derived from the class name \`${cls.name}\` (Flask-SQLAlchemy's naming)`;
}

function declaredTablenameBase(index: SchemaIndex, file: string, cls: ClassFact, seen: Set<string>): string | undefined {
  if (cls.declaredTablename) return cls.name;
  if (seen.has(`${file}:${cls.name}`)) return undefined;
  seen.add(`${file}:${cls.name}`);
  for (const b of cls.bases) {
    const found = index.findClass(file, b);
    const hit = found && declaredTablenameBase(index, found.file, found.cls, seen);
    if (hit) return hit;
  }
  return undefined;
}

/** A Prisma field's `@map("name")` on the field's own line, holding `name`: where the column's name is written. */
function prismaMap(text: string | undefined, field: Span, name: string): Span | undefined {
  if (text === undefined) return undefined;
  const end = text.indexOf('\n', field.end);
  const rest = text.slice(field.end, end < 0 ? text.length : end);
  const m = /@map\(\s*(?:name\s*:\s*)?"([^"]*)"\s*\)/.exec(rest);
  if (!m || m[1] !== name) return undefined;
  const start = field.end + m.index + m[0].indexOf('"') + 1;
  return { start, end: start + name.length };
}

/** The tables other than the target's own whose definitions hold the same column fact (a mixin's, a base's). */
function sharingTables(index: SchemaIndex, nav: Navigator, target: Target): string[] {
  const own = nav.currentDefinitions(target.key).map((d) => d.columns.get(target.column!)?.column).filter((c) => c !== undefined);
  if (own.length === 0) return [];
  const out: string[] = [];
  for (const key of index.allTableKeys()) {
    if (key === target.key) continue;
    for (const d of index.definitions(key)) {
      if (d.origin === 'migration') continue;
      const c = d.columns.get(target.column!)?.column;
      if (c && own.includes(c)) {
        out.push(key);
        break;
      }
    }
  }
  return out.sort();
}

/**
 * The constant that spells one part (table or column) of a reference, when that part is exactly one
 * constant: `.inTable(USERS)`, `ForeignKey(f"{USERS}.id")`. Undefined for a part of a literal or a mix.
 */
function constantOfPart(index: SchemaIndex, file: string, ref: ReferenceFact, part: 'table' | 'column'): string | undefined {
  if (ref.form === 'pair') return part === 'table' && ref.table?.kind === 'const' ? ref.table.name : undefined;
  if (ref.form !== 'string' || ref.target?.kind !== 'template') return undefined;
  // The pieces of the resolved `schema.table.column`, and which written part of the template made each.
  const segments: Array<{ start: number; end: number; constant?: string }> = [];
  let value = '';
  for (const p of ref.target.parts) {
    const text = 'literal' in p ? p.literal : index.resolveConst(file, p.const);
    if (text === undefined) return undefined;
    segments.push({ start: value.length, end: value.length + text.length, constant: 'const' in p ? p.const : undefined });
    value += text;
  }
  const pieces = value.split('.');
  const index_ = part === 'column' ? pieces.length - 1 : pieces.length - 2;
  if (index_ < 0) return undefined;
  const start = pieces.slice(0, index_).reduce((n, p) => n + p.length + 1, 0);
  const end = start + pieces[index_].length;
  return segments.find((s) => s.constant !== undefined && s.start === start && s.end === end)?.constant;
}

/**
 * Where the constant `name`, as `file` sees it, is defined with the value `value`: the content of its string
 * literal in the one file that defines it (the file itself, the module it is imported from, or the only file of
 * the workspace defining that name). Anything less certain is an error, never a guess.
 */
function constantSite(index: SchemaIndex, nav: Navigator, file: string, name: string, value: string, textOf: TextOf): { file: string; span: Span; name: string } | { error: string } {
  if (name.includes('.')) return { error: `\`${name}\` is a member of an enum or namespace, which FK Guard does not rename` };
  let defining: string | undefined;
  let local = name;
  const facts = index.facts(file);
  if (facts?.constants[name] !== undefined) defining = file;
  else {
    const imp = facts?.imports.find((i) => i.local === name && i.name !== undefined);
    if (imp) {
      local = imp.name!;
      const files = index.moduleFiles(imp.module).filter((f) => index.facts(f)?.constants[local] !== undefined);
      if (files.length === 1) defining = files[0];
    } else {
      const files = [...nav.fileIds()].filter((f) => index.facts(f)?.constants[name] !== undefined);
      if (files.length === 1) defining = files[0];
    }
  }
  if (defining === undefined) return { error: `FK Guard cannot tell which definition of the constant \`${name}\` (used in ${file}) holds the name` };
  const holds = index.facts(defining)?.constants[local];
  if (holds !== value) return { error: `the constant \`${local}\` in ${defining} holds \`${holds ?? '?'}\`, not \`${value}\`` };
  const text = textOf(defining);
  if (text === undefined) return { error: `FK Guard cannot read ${defining}, where \`${local}\` is defined` };
  const id = local.replace(/\$/g, '\\$');
  const quoted = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern =
    index.facts(defining)?.language === 'python'
      ? new RegExp(`^${id}[ \\t]*(?::[^=\\n]*)?=[ \\t]*[rRuU]?(["'])(${quoted})\\1`, 'gm')
      : new RegExp(`\\b(?:const|let|var)[ \\t]+${id}[ \\t]*(?::[^=\\n]*)?=[ \\t]*(["'\`])(${quoted})\\1`, 'g');
  const found = [...text.matchAll(pattern)];
  if (found.length !== 1) return { error: `the constant \`${local}\` in ${defining} is not written once as a plain string FK Guard can edit` };
  const m = found[0];
  const start = m.index! + m[0].length - 1 - value.length;
  return { file: defining, span: { start, end: start + value.length }, name: local };
}
