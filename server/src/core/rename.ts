import { definitionSites, Navigator, Naming, Place, Symbol, Target, TextOf } from './navigate';
import { rangeOf } from './text';
import { SchemaIndex } from './schemaIndex';
import type { TableDef } from './tables';
import { FileFacts, Span } from './types';

/*
 * Renaming a table or a column across every language FK Guard reads. A rename changes a database name: it
 * edits every definition that spells it (`__tablename__`, `Column("name")`, `CREATE TABLE`, `pgTable`,
 * `@Entity`, a Prisma `@@map` or field) and every reference that spells it (strings, pairs, SQL), and an
 * attribute reference (`User.id`) only where the attribute is the column's name itself.
 *
 * Migrations are history: a migration that already ran made the old name, so its text stays as it is, and
 * the plan lists what it left (a new migration that renames the table is the user's to write). A name FK
 * Guard cannot see completely (a computed name, a `@declared_attr`, a table name derived from a class name,
 * a column shared through a mixin) is refused with the reason, never half-renamed.
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
}

export type RenameCheck = { ok: true; span: Span; placeholder: string; target: Target } | { ok: false; reason: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Whether the symbol can be renamed, and the span of the name that would be. */
export function checkRename(symbol: Symbol | undefined, text: string | undefined): RenameCheck {
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

function slice(text: string | undefined, span: Span): string | undefined {
  return text?.slice(span.start, span.end);
}

/**
 * The edits that rename `target` to `newName`, or the reason it is refused. `textOf` gives the text of every
 * file involved (the facts' spans point into it); every edit is checked against it, so a stale span never
 * writes into the wrong place.
 */
export function planRename(nav: Navigator, index: SchemaIndex, target: Target, oldName: string, newName: string, textOf: TextOf): RenamePlan | { error: string } {
  if (!IDENTIFIER.test(newName)) return { error: `\`${newName}\` is not a plain name (letters, digits and _).` };
  if (newName === oldName) return { target, oldName, edits: [], history: [], unreadable: [] };
  const defs = nav.currentDefinitions(target.key);
  if (defs.length === 0) return { error: `\`${target.key}\` has no definition FK Guard can edit.` };
  // Renaming the references of a table only migrations make would leave them pointing at a name history never made.
  if (defs.every((d) => d.origin === 'migration')) {
    return { error: `\`${target.key}\` is defined only by migrations, which are history: write a migration that renames it, then rename its references.` };
  }
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

  // Where the column's definitions write it, and whether the attribute of code is the name too.
  const columnNaming = new Map<object, Naming>();
  for (const d of defs) {
    if (d.origin === 'migration') {
      history.push({ file: d.file, span: d.span, display: `\`${d.key}\` as migrations leave it` });
      continue;
    }
    const site = definitionSite(index, d, target, textOf);
    if ('error' in site) return site;
    if (target.column !== undefined) {
      const c = d.columns.get(target.column)!;
      const shared = sharedColumn(index, c.column, d);
      if (shared) return { error: `\`${target.column}\` is defined once for several tables (in \`${shared}\` too): renaming it would rename it there as well.` };
      columnNaming.set(c.column, site.naming);
    }
    const problem = edit(site.file, site.span);
    if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
  }

  for (const r of nav.referencesTo(target, textOf)) {
    if (r.history) {
      history.push({ file: r.file, span: r.span, display: r.display });
      continue;
    }
    // A class or variable that owns the table (`User.id`, `users.id` in Drizzle) keeps its name.
    if (target.column === undefined && r.naming === 'code') continue;
    if (!r.located) return { error: `FK Guard cannot rename this completely: the reference at ${where(r.file, r.ref.span)} (\`${r.display}\`) is not written as a name FK Guard can edit.` };
    if (r.naming === 'code') {
      // An attribute reference follows the rename only where the attribute is the column's name itself.
      const res = nav.resolutionOf(r.file, r.ref);
      const naming = res && res.kind === 'ok' ? columnNaming.get(res.column.column) : undefined;
      if (naming !== 'both') continue;
    }
    const problem = edit(r.file, r.span);
    if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
  }

  const unreadable = nav
    .unresolvedReferences()
    .filter((u) => u.display.includes(oldName))
    .map((u) => ({ file: u.file, span: u.ref.span, display: u.display }));
  return { target, oldName, edits, history, unreadable };
}

function line(facts: FileFacts | undefined, span: Span): number {
  return facts ? rangeOf(facts.lineStarts, span).start.line : 0;
}

/** Where one definition writes the table's (or the column's) database name; an error when it does not. */
function definitionSite(index: SchemaIndex, def: TableDef, target: Target, textOf: TextOf): { file: string; span: Span; naming: Naming } | { error: string } {
  const facts = index.facts(def.file);
  const at = facts ? `${def.file}:${line(facts, def.span) + 1}` : def.file;
  if (target.column !== undefined) {
    const c = def.columns.get(target.column);
    if (!c) return { error: `\`${def.key}\` defined at ${at} has no column \`${target.column}\` FK Guard can see.` };
    const cf = index.facts(c.file);
    const site = cf ? definitionSites(index, cf, textOf(c.file)).find((s) => s.part === 'column' && s.span.end >= c.column.span.start && s.span.start <= c.column.span.end) : undefined;
    if (!site || site.naming === 'code') {
      return { error: `\`${def.key}.${target.column}\` at ${c.file}:${line(cf, c.column.span) + 1} is not written as its database name (an attribute with another column name), which FK Guard does not rename.` };
    }
    return { file: c.file, span: site.span, naming: site.naming };
  }
  if (!facts) return { error: `FK Guard cannot see the definition of \`${def.key}\`.` };
  const site = definitionSites(index, facts, textOf(def.file)).find((s) => s.part === 'table' && s.key === def.key && s.naming !== 'code' && s.span.start <= def.span.end && s.span.end >= def.span.start);
  if (!site) {
    const cls = def.className ? ` (\`${def.className}\`)` : '';
    return { error: `the table name of \`${def.key}\` at ${at}${cls} is not written out (it comes from the class name, a naming convention or a computed value), so FK Guard cannot rename it.` };
  }
  return { file: def.file, span: site.span, naming: site.naming };
}

/** Another table whose definition holds the same column fact (a mixin's, a base class's), if any. */
function sharedColumn(index: SchemaIndex, column: object, own: TableDef): string | undefined {
  for (const key of index.allTableKeys()) {
    for (const d of index.definitions(key)) {
      if (d === own || d.key === own.key) continue;
      for (const c of d.columns.values()) if (c.column === column) return d.key;
    }
  }
  return undefined;
}
