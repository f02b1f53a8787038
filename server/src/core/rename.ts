import { nameText } from './classMapping';
import { definitionSites, Navigator, Naming, Place, siteNaming, Symbol, Target, TextOf, unquoted } from './navigate';
import { rangeOf } from './text';
import { SchemaIndex } from './schemaIndex';
import type { TableDef } from './tables';
import { ClassFact, FileFacts, NameExpr, ReferenceFact, Span } from './types';
import { relationshipStrings } from './python/relationshipStrings';

/*
 * Renaming a table or a column across every language FK Guard reads. A rename changes a database name: it
 * edits every definition that spells it (`__tablename__`, `Column("name")`, `CREATE TABLE`, `pgTable`,
 * `@Entity`, a Prisma `@@map` or `@map`) and every reference that spells it (strings, pairs, SQL). An attribute
 * of code is never renamed, since FK Guard cannot see all its uses: where it is the column's name too
 * (`email = Column(String)`), the column is given the new name (`Column("mail", String)`), or the rename is
 * refused where the ORM has no such plain form. The new name is checked against what each edit writes into.
 *
 * A name that comes from a module constant (`__tablename__ = USERS`, `ForeignKey(f"{USERS}.id")`) is renamed
 * where the constant is defined, so every use of it follows (refused when a migration reads the constant:
 * that would rewrite what the migration made); a name that already exists is refused; a column shared through a mixin is renamed in
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
    if (symbol.part.part === 'schema') {
      const schema = slice(text, symbol.part.span) ?? 'the schema';
      // Not a name of one table: renaming it is a project-wide change FK Guard does not plan (yet), so it says how.
      return {
        ok: false,
        reason: `FK Guard renames tables and columns, not schemas: \`${schema}\` is written in the options of every table in it and in every reference to them, and the database renames it with \`ALTER SCHEMA ${schema} RENAME TO ...\` in a migration. Rename it with a search across the workspace.`,
      };
    }
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
      // A TypeORM entity's bases, a Sequelize model's associations may write the column again.
      if (c) for (const k of typeormClasses(index, d)) files.add(k.file);
      if (c) for (const f of associationFiles(index, nav, d)) files.add(f);
    }
    for (const r of nav.referencesTo(target.column === undefined ? { key } : { key, column: target.column })) files.add(r.file);
  }
  for (const f of nav.fileIds()) {
    const facts = index.facts(f);
    if (facts && Object.values(facts.constants).includes(oldName)) files.add(f);
  }
  // SQL statements on the table may be in any SQL file that is not history (see `sqlStatementsOn`).
  for (const f of sqlFiles(index, nav)) files.add(f);
  files.delete('');
  return files;
}

/**
 * The edits that rename `target` to `newName`, or the reason it is refused. `textOf` gives the text of every
 * file involved (the facts' spans point into it); every edit is checked against it, so a stale span never
 * writes into the wrong place.
 */
/**
 * Why renaming the table `key` is refused when a table the ORM names after it (TypeORM's join table, see
 * `TableDef.namedAfter`) is named by references: the ORM would rename that table (or its columns) with the entity,
 * and those references would be left naming the old one (R13-24). Undefined when there is none.
 */
function namedAfterTarget(nav: Navigator, key: string): string | undefined {
  for (const other of nav.sortedTableKeys()) {
    if (other === key) continue;
    const def = nav.currentDefinitions(other).find((d) => d.namedAfter?.includes(key));
    if (!def) continue;
    // References to the table (every pair of a composite key is one), else to its columns alone.
    const count = nav.referenceCount({ key: other }) || [...def.columns.values()].reduce((n, c) => n + nav.referenceCount({ key: other, column: c.column.name }), 0);
    if (count === 0) continue;
    return `FK Guard cannot rename this completely: \`${other}\` (${def.className ? `the join table of \`${def.className}\`, ` : ''}${def.file}) is named by the ORM after \`${key}\`, and ${count} ${count === 1 ? 'reference names' : 'references name'} it; the ORM would rename it with the table. Give its @JoinTable a \`name\` and its join columns names, or rename those references by hand together with it.`;
  }
  return undefined;
}

export function planRename(nav: Navigator, index: SchemaIndex, target: Target, oldName: string, newName: string, textOf: TextOf): RenamePlan | { error: string } {
  if (newName.trim() === '') return { error: 'FK Guard cannot rename to this: the new name is empty.' };
  const refused = historyOnly(nav, target.key);
  if (refused) return { error: refused };
  const defs = nav.currentDefinitions(target.key);
  const derived = target.column === undefined ? namedAfterTarget(nav, target.key) : undefined;
  if (derived) return { error: derived };
  const constants: RenamePlan['constants'] = [];
  const alsoTables = target.column === undefined ? [] : sharingTables(index, nav, target);
  const clash = newName === oldName ? undefined : existing(index, nav, target, [target.key, ...alsoTables], newName);
  if (clash) return { error: `FK Guard cannot rename to this: ${clash}; renaming onto it would merge the two.` };
  const edits: RenameEdit[] = [];
  /** What each edit writes into: an identifier of code, the contents of a string, or a bare SQL name. */
  const kinds = new Map<RenameEdit, EditKind>();
  const history: RenamePlan['history'] = [];
  const seen = new Set<string>();
  const where = (file: string, span: Span) => `${file}:${line(index.facts(file), span) + 1}`;
  const edit = (file: string, span: Span, kind: EditKind): string | undefined => {
    const text = textOf(file);
    const written = text?.slice(span.start, span.end);
    if (written !== oldName) return `the name at ${where(file, span)} reads \`${written ?? '?'}\`, not \`${oldName}\``;
    const id = `${file}:${span.start}`;
    if (!seen.has(id)) {
      seen.add(id);
      const e = { file, span, newText: newName };
      edits.push(e);
      kinds.set(e, kind);
    }
    return undefined;
  };
  /** Renames through a constant: its definition's literal is edited once, and every use of it follows. */
  const viaConstant = (file: string, name: string): string | undefined => {
    const site = constantSite(index, nav, file, name, oldName, textOf);
    if ('error' in site) return site.error;
    const reader = historyReading(index, nav, site.file, site.name, oldName);
    if (reader) {
      return `the constant \`${site.name}\` (${where(site.file, site.span)}) is read by the migration ${reader}, which is history: editing the constant would change what that migration made. Write the name out in the models (or give the migration its own literal), then rename`;
    }
    if (!constants.some((c) => c.file === site.file && c.span.start === site.span.start)) constants.push({ file: site.file, span: site.span, name: site.name });
    return edit(site.file, site.span, 'string');
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
      if ('insertAt' in site) {
        const id = `${site.file}:${site.insertAt}`;
        if (!seen.has(id)) {
          seen.add(id);
          const e = { file: site.file, span: { start: site.insertAt, end: site.insertAt }, newText: site.empty ? `"${newName}"` : `"${newName}", ` };
          edits.push(e);
          kinds.set(e, 'string');
        }
        continue;
      }
      const problem = 'constant' in site ? viaConstant(site.file, site.constant) : edit(site.file, site.span, siteKind(index, textOf(site.file), site.file, site.span, site.naming));
      if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
      if (target.column === undefined) continue;
      // The same column written again by the entity's classes (a subclass's `@JoinColumn({ name })` over a
      // base's `@Column({ name })`): each writing is renamed with it, or TypeORM would make a second column.
      // A Sequelize association keeping its foreign key in the column (`{ foreignKey: { name, field } }`),
      // wherever it is declared: its `field` is renamed with the attribute's.
      for (const other of [...sameColumnInClasses(index, d, target.column, textOf), ...associationFields(index, nav, d, oldName, textOf)]) {
        const problem = 'error' in other ? other.error : edit(other.file, other.span, 'string');
        if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
      }
    }
  }

  // A column's old name written elsewhere in its definition (a TypeORM `@JoinColumn({ name })`, an index or a
  // constraint over it, a Sequelize association's key) would be left naming a column that no longer exists.
  if (target.column !== undefined) {
    for (const e of [...edits]) {
      const more = sameNameNearby(index, e, oldName, textOf, edits);
      if ('error' in more) return { error: `FK Guard cannot rename this completely: ${more.error}.` };
      for (const span of more.spans) {
        const problem = edit(e.file, span, 'string');
        if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
      }
    }
  }

  // SQL files of the workspace that are not history and name the table in statements of their own (an index, an
  // `ALTER TABLE`, a comment), wherever they are: a table's name there is renamed with it; a column named there
  // refuses the rename, saying where (an index's column list may be an expression FK Guard does not rewrite).
  for (const key of [target.key, ...alsoTables]) {
    for (const file of sqlFiles(index, nav)) {
      const text = textOf(file);
      if (text === undefined) continue;
      for (const st of sqlStatementsOn(text, key)) {
        if (target.column === undefined) {
          const problem = edit(file, st.table, quotedAround(text, st.table) ? 'string' : 'sql');
          if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
          continue;
        }
        const hit = sqlNameIn(st.masked, st.rest, st.end, oldName, (at) => edits.some((x) => x.file === file && x.span.start === at));
        if (hit !== undefined) {
          const span = { start: hit, end: hit + oldName.length };
          return {
            error: `FK Guard cannot rename this completely: \`${oldName}\` is also named at ${file}:${line(index.facts(file), span) + 1} (\`${lineAround(text, span)}\`), a statement on the table FK Guard does not rename; rename it there by hand together with the column, or remove it first.`,
          };
        }
      }
    }
  }

  // Migrations that made the old name are listed too when models define the table, so the preview says the
  // database still holds the old name and needs a migration.
  for (const key of [target.key, ...alsoTables]) {
    for (const d of index.definitions(key)) {
      if (d.origin !== 'migration') continue;
      const c = target.column === undefined ? undefined : d.columns.get(target.column);
      if (target.column !== undefined && !c) continue;
      const place = c ? { file: c.file, span: c.column.span } : { file: d.file, span: d.span };
      if (history.some((h) => h.file === place.file && h.span.start === place.span.start)) continue;
      history.push({ ...place, display: c ? `\`${key}.${target.column}\` as migrations made it` : `\`${d.key}\` as migrations made it` });
    }
  }

  for (const key of [target.key, ...alsoTables]) {
    const t: Target = target.column === undefined ? { key } : { key, column: target.column };
    for (const r of nav.referencesTo(t, textOf)) {
      if (r.history) {
        history.push({ file: r.file, span: r.span, display: r.display });
        continue;
      }
      // A name taken from a constant (`ForeignKey(f"{BARNS}.id")`, `.inTable(USERS)`) follows the constant, even
      // where the table itself is written as a literal (so no edit of the constant was planned for it).
      const constant = r.located ? undefined : constantOfPart(index, r.file, r.ref, target.column === undefined ? 'table' : 'column');
      // A class or variable that owns the table (`User.id`, `users.id` in Drizzle, TypeORM's `() => Team`) keeps its name.
      if (target.column === undefined && r.naming === 'code' && constant === undefined) continue;
      if (!r.located) {
        const name = constant;
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
      const problem = edit(r.file, r.span, refKind(index, textOf(r.file), r.file, r.span, r.ref, r.naming));
      if (problem) return { error: `FK Guard cannot rename this completely: ${problem}.` };
    }
  }

  // Any other use of the old name in the SQL files FK Guard reads that the plan does not edit (a view, a trigger,
  // a grant, an INSERT) would name a table or column that no longer exists: refused, saying where.
  const otherUse = sqlOtherUse(index, nav, target, [target.key, ...alsoTables], oldName, textOf, edits);
  if (otherUse) return { error: `FK Guard cannot rename this completely: ${otherUse}.` };
  // So would SQLAlchemy's relationship strings, which it evaluates against the metadata's tables.
  const relationshipUse = relationshipStringUse(index, nav, target, [target.key, ...alsoTables], oldName, textOf, edit);
  if (relationshipUse) return { error: `FK Guard cannot rename this completely: ${relationshipUse}.` };

  // The new name must keep every edited file parsing, with the meaning it had: checked per edit, by what it edits.
  if (newName !== oldName) {
    // Identifiers of code first: their reason is the one that says most.
    const order = [...edits].sort((a, b) => Number(kinds.get(a) !== 'code') - Number(kinds.get(b) !== 'code'));
    for (const e of order) {
      const kind = kinds.get(e)!;
      const why = nameProblem(newName, kind, index.facts(e.file)?.language);
      if (!why) continue;
      const shown = kind === 'code' ? ` (\`${codeAround(textOf(e.file)!, e.span)}\`)` : '';
      return { error: `FK Guard cannot rename to this: \`${newName}\` cannot be written at ${where(e.file, e.span)}${shown}: ${why}.` };
    }
  }

  const unreadable = nav
    .unresolvedReferences()
    .filter((u) => u.display.includes(oldName))
    .map((u) => ({ file: u.file, span: u.ref.span, display: u.display }));
  // Renaming to the same name checks the whole plan (prepareRename asks that way) and edits nothing.
  return { target, oldName, edits: newName === oldName ? [] : edits, history, unreadable, constants, alsoTables };
}

/**
 * Where a name the rename would make already exists: a table of the same schema, or a column (or a Python
 * attribute) of a table that would get the new column name. Compared without case, as databases that fold
 * names would clash too.
 */
function existing(index: SchemaIndex, nav: Navigator, target: Target, keys: string[], newName: string): string | undefined {
  const at = (file: string, span: Span) => `${file}:${line(index.facts(file), span) + 1}`;
  const lower = newName.toLowerCase();
  if (target.column === undefined) {
    const dot = target.key.lastIndexOf('.');
    const newKey = (dot < 0 ? '' : target.key.slice(0, dot + 1)) + newName;
    const hit = index.caseVariants(newKey).find((k) => k !== target.key && index.definitions(k).length > 0);
    if (!hit) return undefined;
    const def = nav.currentDefinitions(hit)[0] ?? index.definitions(hit)[0];
    return `\`${hit}\` already exists (defined at ${at(def.file, def.span)})`;
  }
  for (const key of keys) {
    for (const d of nav.currentDefinitions(key)) {
      for (const [name, c] of d.columns) {
        if (name === target.column) continue;
        if (name.toLowerCase() === lower || c.column.attr === newName) return `\`${key}.${name}\` already exists (defined at ${at(c.file, c.column.span)})`;
      }
    }
  }
  return undefined;
}

type EditKind = 'code' | 'string' | 'sql';

const QUOTE_CHARS = new Set(['"', "'", '`']);

/** Whether a span is the whole contents of a quoted literal (`"users"`, `'id'`, `"Reader"`). */
function quotedAround(text: string | undefined, span: Span): boolean {
  if (text === undefined || span.start === 0) return false;
  const q = text[span.start - 1];
  return QUOTE_CHARS.has(q) && text[span.end] === q;
}

/** What a definition's name is written as: a string's contents, an attribute of code, or a bare SQL name. */
function siteKind(index: SchemaIndex, text: string | undefined, file: string, span: Span, naming: Naming): EditKind {
  if (quotedAround(text, span)) return 'string';
  if (naming === 'both') return 'code';
  return index.facts(file)?.language === 'sql' ? 'sql' : 'code';
}

/** What a reference's edited part is written as; an unquoted name outside a SQL file is taken as code (stricter). */
function refKind(index: SchemaIndex, text: string | undefined, file: string, span: Span, ref: ReferenceFact, naming: Naming): EditKind {
  if (naming === 'code' || ref.form === 'table-c' || ref.form === 'attribute' || ref.form === 'variable') return 'code';
  if (ref.form === 'string' || quotedAround(text, span)) return 'string';
  return index.facts(file)?.language === 'sql' ? 'sql' : 'code';
}

/** The dotted expression an identifier of code sits in (`audit_logs.c.level`), for the reason a name is refused. */
function codeAround(text: string, span: Span): string {
  let start = span.start;
  while (start > 0 && /[\w.$]/.test(text[start - 1])) start--;
  let end = span.end;
  while (end < text.length && /[\w$]/.test(text[end])) end++;
  return text.slice(start, end);
}

// `keyword.kwlist` of Python 3.12. Soft keywords (`match`, `case`, `type`, `_`) are valid attribute names.
const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
// Declarative SQLAlchemy reserves these attribute names on a mapped class (`Attribute name 'metadata' is reserved`).
const SQLALCHEMY_RESERVED = new Set(['metadata', 'registry']);
// ECMAScript reserved words, strict-mode ones included, and names with a meaning of their own on an object.
const TS_RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with implements interface let package private protected public static yield await constructor prototype __proto__'.split(' '),
);
// Reserved in PostgreSQL, MySQL and SQLite alike (a bare name that is one of these does not parse).
const SQL_RESERVED = new Set(
  'all and any as asc between by case check collate column constraint create cross default delete desc distinct drop else end except exists foreign from full group having in index inner insert intersect into is join key left like limit not null on or order outer primary references right select set table then to union unique update using values when where with'.split(' '),
);

/**
 * Why `name` cannot be written where an edit of `kind` goes in a file of `language`; undefined when it can.
 * A string's contents take any name the database accepts, except what ends the string, splits a dotted
 * reference (`.`) or starts an interpolation (`{`, `$`). Code takes only the language's identifiers that
 * are not keywords, and a bare SQL name only a plain name that is not a reserved word.
 */
function nameProblem(name: string, kind: EditKind, language: string | undefined): string | undefined {
  if (kind === 'string') {
    if (/[\s"'`\\.{}\p{Cc}]/u.test(name)) return 'a quote, backslash, dot, brace or white space would change the string';
    // `${` interpolates in a template literal of TypeScript.
    return language === 'typescript' && name.includes('$') ? 'a `$` would change the string' : undefined;
  }
  if (kind === 'sql' || language === 'sql') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'it is not a plain SQL name (letters, digits and _, not first a digit); quote the name where it is defined to use it';
    return SQL_RESERVED.has(name.toLowerCase()) ? 'it is an SQL reserved word' : undefined;
  }
  if (language === 'python') {
    if (!/^[\p{XID_Start}_][\p{XID_Continue}]*$/u.test(name) || name.normalize('NFKC') !== name) return 'it is not a Python identifier';
    if (PYTHON_KEYWORDS.has(name)) return 'it is a Python keyword';
    // `__debug__` cannot be assigned, and a `__name` in a class body is mangled into `_Class__name`.
    if (name.startsWith('__')) return 'a name starting with `__` is mangled (or reserved) in a Python class';
    if (SQLALCHEMY_RESERVED.has(name)) return 'SQLAlchemy reserves it on a mapped class';
    return undefined;
  }
  if (language === 'prisma') return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) ? undefined : 'it is not a Prisma field name (a letter, then letters, digits and _)';
  if (!/^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u.test(name)) return 'it is not a TypeScript identifier';
  return TS_RESERVED.has(name) ? 'it is a reserved word of TypeScript' : undefined;
}

function line(facts: FileFacts | undefined, span: Span): number {
  return facts ? rangeOf(facts.lineStarts, span).start.line : 0;
}

type DefinitionSite =
  | { file: string; span: Span; naming: Naming }
  | { file: string; constant: string; naming: Naming }
  /** A column call with no name of its own (`Column(String)`), where the name is inserted at `insertAt`. */
  | { file: string; insertAt: number; empty: boolean; naming: Naming }
  | { error: string };

/**
 * The `Column(` or `mapped_column(` call assigned to the attribute at `attr`, and where its first argument
 * starts: a name given there is the column's, and the attribute keeps its own. Undefined for anything else.
 */
function columnCall(text: string | undefined, attr: Span): { at: number; empty: boolean } | undefined {
  if (text === undefined) return undefined;
  const m = /^[ \t]*(?::[^=\n]*)?=[ \t]*(?:[A-Za-z_]\w*\.)*(?:Column|mapped_column)\(\s*/.exec(text.slice(attr.end, attr.end + 400));
  if (!m) return undefined;
  const at = attr.end + m[0].length;
  // A name already given first (a string) would mean the attribute is not the column's name: not this case.
  if (/^[rRuUbBfF]{0,2}["']/.test(text.slice(at, at + 3))) return undefined;
  return { at, empty: text[at] === ')' };
}

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
    if (site.naming === 'both' && cf?.language !== 'sql') {
      // The attribute (or field, or property) is the column's name too, and code FK Guard cannot see uses it
      // (`session.query(User).filter(User.email == e)`): renaming it could break that code. So the attribute
      // keeps its name and the column is given the new one (`email = Column("mail", String)`), where the ORM
      // allows that as plainly as Python's SQLAlchemy does; elsewhere the rename is refused.
      const call = cf?.language === 'python' ? columnCall(text, site.span) : undefined;
      if (call) return { file: c.file, insertAt: call.at, empty: call.empty, naming: 'code' };
      const attr = c.column.attr ?? target.column;
      return {
        error: `\`${def.key}.${target.column}\` at ${c.file}:${line(cf, c.column.span) + 1} is also the ${cf?.language === 'python' ? 'attribute' : 'field or property'} \`${attr}\` of the code, whose every use FK Guard cannot see (queries, other modules), so it does not rename it: give the column its own name in its definition (${cf?.language === 'python' ? '`Column("name", ...)`' : cf?.language === 'prisma' ? '`@map("name")`' : "`@Column({ name: 'name' })` or the ORM's own way"}), then rename that`,
      };
    }
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
  if (expr && expr.kind !== 'literal') return { error: `the table name of \`${def.key}\` at ${at} is computed (\`${nameText(expr)}\`), so FK Guard cannot rename it.` };
  const how = cls ? derivedFrom(index, def.file, cls) : 'it is not written out';
  return { error: `the table name \`${def.key}\` at ${at} is not written out: ${how}. Rename the class with the language's own rename, or write the name out and rename that.` };
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

/**
 * Where the old name of a column is written again, as a string of its own, in the definition the edit `e`
 * renames it in: the class, Core table or Sequelize `sequelize.define(...)` call around it, else (a Sequelize
 * `Model.init`, whose attributes lie outside the class) the whole file. An association declared after the
 * define call (`belongsTo(..., { foreignKey: { field } })`) is outside its region and not seen. The `name` of a TypeORM `@JoinColumn` names the same column as
 * the `@Column` (the relation's foreign key is kept in it): it is renamed with it. Any other such string (an
 * index or a constraint over the column, an association's key) is what FK Guard does not read as this column:
 * the rename is refused, saying where, rather than leave it naming a column that no longer exists.
 */
function sameNameNearby(index: SchemaIndex, e: RenameEdit, oldName: string, textOf: TextOf, edits: RenameEdit[]): { spans: Span[] } | { error: string } {
  const facts = index.facts(e.file);
  const text = textOf(e.file);
  if (!facts || text === undefined) return { spans: [] };
  if (facts.language === 'sql') return sqlConstraintsNaming(facts, text, e, oldName, edits);
  if (facts.language !== 'python' && facts.language !== 'typescript') return { spans: [] };
  const contains = (outer: Span) => outer.start <= e.span.start && e.span.end <= outer.end;
  const region = facts.classes.find((c) => contains(c.span))?.span ?? facts.tables.find((t) => contains(t.span))?.span ?? (facts.language === 'typescript' ? { start: 0, end: text.length } : undefined);
  if (!region) return { spans: [] };
  const body = text.slice(region.start, region.end);
  const joinColumns: Span[] = [];
  if (facts.language === 'typescript') {
    for (const m of body.matchAll(/@JoinColumn\s*\(/g)) {
      const start = region.start + m.index! + m[0].length;
      const end = closingParen(text, start, region.end);
      if (end !== undefined) joinColumns.push({ start, end });
    }
  }
  const quoted = oldName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const spans: Span[] = [];
  for (const m of body.matchAll(new RegExp(`(["'\`])${quoted}\\1`, 'g'))) {
    const span = { start: region.start + m.index! + 1, end: region.start + m.index! + 1 + oldName.length };
    if (edits.some((x) => x.file === e.file && x.span.start === span.start)) continue;
    const inJoin = joinColumns.some((j) => j.start <= span.start && span.end <= j.end);
    if (inJoin && /\bname\s*:\s*$/.test(text.slice(Math.max(0, span.start - 40), span.start - 1))) {
      spans.push(span);
      continue;
    }
    return { error: `\`${text.slice(span.start - 1, span.end + 1)}\` is also written at ${e.file}:${line(facts, span) + 1} (\`${lineAround(text, span)}\`), which FK Guard does not read as this column; rename it there by hand together with the column, or remove it first` };
  }
  return { spans };
}

/**
 * In SQL, a table's columns are named bare outside their definition too: by the table's own constraints
 * (`UNIQUE (email)`, `PRIMARY KEY (id)`, `FOREIGN KEY (user_id) REFERENCES ...`, `CHECK (...)`), and by statements
 * on that table (see `sqlStatementsOn`, checked over every SQL file). One that names the renamed column would name
 * a column that no longer exists: the rename is refused, saying where. String literals and comments are not names;
 * names compare as the database folds them.
 */
function sqlConstraintsNaming(facts: FileFacts, text: string, e: RenameEdit, oldName: string, edits: RenameEdit[]): { spans: Span[] } | { error: string } {
  const table = facts.tables.find((t) => t.span.start <= e.span.start && e.span.end <= t.span.end);
  if (!table) return { spans: [] };
  const masked = maskSqlLiterals(text);
  const body = masked.slice(table.span.start, table.span.end);
  for (const m of body.matchAll(/\b(UNIQUE|PRIMARY\s+KEY|FOREIGN\s+KEY|CHECK)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)/gi)) {
    const listStart = table.span.start + m.index! + m[0].indexOf('(', m[1].length) + 1;
    const at = sqlNameIn(masked, listStart, listStart + m[2].length, oldName, (x) => edits.some((d) => d.file === e.file && d.span.start === x));
    if (at === undefined) continue;
    const span = { start: at, end: at + oldName.length };
    return { error: `\`${oldName}\` is also named at ${e.file}:${line(facts, span) + 1} (\`${lineAround(text, span)}\`), a constraint of the table FK Guard does not rename; rename it there by hand together with the column, or remove it first` };
  }
  return { spans: [] };
}

/** The SQL files of the workspace that are not steps of migration history (history is never edited). */
function sqlFiles(index: SchemaIndex, nav: Navigator): string[] {
  const out: string[] = [];
  for (const f of nav.fileIds()) {
    const facts = index.facts(f);
    if (facts?.language === 'sql' && !isHistoryFile(facts)) out.push(f);
  }
  return out.sort();
}

/**
 * Where the SQL files FK Guard reads (not history) use the old name in a statement the plan leaves as it is: for a
 * table, any use not edited (a view's `FROM racks`, a trigger's `ON racks`, `GRANT ... ON racks`, `INSERT INTO
 * racks`); for a column, a use in a statement that also names its table, other than the table definitions and the
 * statements on the table checked before (`sqlConstraintsNaming`, `sqlStatementsOn`). Undefined when there is none.
 */
function sqlOtherUse(index: SchemaIndex, nav: Navigator, target: Target, keys: string[], oldName: string, textOf: TextOf, edits: RenameEdit[]): string | undefined {
  const tables = keys.map((k) => k.slice(k.lastIndexOf('.') + 1));
  for (const file of sqlFiles(index, nav)) {
    const text = textOf(file);
    if (text === undefined || !text.toLowerCase().includes(oldName.toLowerCase())) continue;
    const masked = maskSqlLiterals(text);
    const done = (at: number) => edits.some((x) => x.file === file && x.span.start === at);
    let from = 0;
    for (const statement of masked.split(';')) {
      const start = from;
      from += statement.length + 1;
      let at: number | undefined;
      if (target.column === undefined) at = sqlNameIn(masked, start, start + statement.length, oldName, done);
      else if (!/^\s*(?:CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?TABLE|ALTER\s+TABLE|CREATE\s+(?:UNIQUE\s+)?INDEX|COMMENT\s+ON)\b/i.test(statement)) {
        if (tables.some((t) => sqlNameIn(masked, start, start + statement.length, t, () => false) !== undefined)) at = sqlNameIn(masked, start, start + statement.length, oldName, done);
      }
      if (at === undefined) continue;
      const span = { start: at, end: at + oldName.length };
      return `\`${oldName}\` is also named at ${file}:${line(index.facts(file), span) + 1} (\`${lineAround(text, span)}\`), in a statement FK Guard does not rewrite (a view, a trigger, a grant, data); rename it there by hand together with the ${target.column === undefined ? 'table' : 'column'}, or remove it first`;
    }
  }
  return undefined;
}

/**
 * Where SQLAlchemy's `relationship()` strings in the Python files FK Guard reads (not history) name the old name
 * (R14-8): `secondary="user_groups"` (or `"schema.user_groups"` for a table of that schema), the table alone, is
 * renamed with it through `edit`; a string expression that names the table (`primaryjoin="users.c.email == ..."`),
 * or for a column `table.c.column`, is refused, saying where: FK Guard does not rewrite expressions. SQLAlchemy
 * evaluates these strings when the mappers configure, against the metadata's tables, so a name left behind fails
 * there ("expression 'user_groups' failed to locate a name"). Undefined when there is none left.
 */
function relationshipStringUse(
  index: SchemaIndex,
  nav: Navigator,
  target: Target,
  keys: string[],
  oldName: string,
  textOf: TextOf,
  edit: (file: string, span: Span, kind: EditKind) => string | undefined,
): string | undefined {
  const escape = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tables = keys.map((k) => k.slice(k.lastIndexOf('.') + 1));
  const named =
    target.column === undefined
      ? new RegExp(`(?<![\\w.])${escape(oldName)}(?!\\w)`)
      : new RegExp(`(?<![\\w.])(?:${tables.map(escape).join('|')})\\s*\\.\\s*c\\s*\\.\\s*${escape(oldName)}(?!\\w)`);
  for (const file of nav.fileIds()) {
    const facts = index.facts(file);
    if (facts?.language !== 'python' || isHistoryFile(facts)) continue;
    const text = textOf(file);
    if (text === undefined || !text.includes(oldName)) continue;
    for (const s of relationshipStrings(text)) {
      if (!s.text.includes(oldName)) continue;
      if (target.column === undefined && s.keyword === 'secondary' && s.alone && !s.computed && s.text === target.key) {
        const at = s.content.start + s.text.length - oldName.length;
        const problem = edit(file, { start: at, end: at + oldName.length }, 'string');
        if (problem) return problem;
        continue;
      }
      if (!named.test(s.text) && !(s.computed && target.column === undefined)) continue;
      return `\`${oldName}\` is also named at ${file}:${line(facts, s.content) + 1} (\`${lineAround(text, s.content)}\`), in a relationship's \`${s.keyword}\` string, which SQLAlchemy evaluates against the tables when the mappers configure; FK Guard does not rewrite such expressions: rename it there by hand together with the ${target.column === undefined ? 'table' : 'column'}`;
    }
  }
  return undefined;
}

/** A statement on a table: where the table's name is written, and the rest of the statement, after it. */
interface SqlStatementOn {
  table: Span;
  rest: number;
  end: number;
  /** The file's text with literals and comments blanked out (see `maskSqlLiterals`). */
  masked: string;
}

const SQL_NAME = '(?:"[^"]+"|[A-Za-z_][\\w$]*)';
const SQL_DOTTED = `(${SQL_NAME}(?:\\s*\\.\\s*${SQL_NAME})*)`;
const SQL_ON_TABLE = new RegExp(
  `^\\s*(?:CREATE\\s+(?:UNIQUE\\s+)?INDEX\\b[^;]*?\\bON\\s+(?:ONLY\\s+)?${SQL_DOTTED}|ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?${SQL_DOTTED}|COMMENT\\s+ON\\s+TABLE\\s+${SQL_DOTTED}|COMMENT\\s+ON\\s+COLUMN\\s+${SQL_DOTTED})`,
  'i',
);

/**
 * The statements of a SQL text on the table `key` (`schema.table` or `table`): `CREATE [UNIQUE] INDEX ... ON t`,
 * `ALTER TABLE t`, `COMMENT ON TABLE t`, `COMMENT ON COLUMN t.c`. A name compares as the database folds it (a
 * quoted one exactly); a table of a schema matches only where that schema is written, one of none only where no
 * schema (or `public`) is.
 */
function sqlStatementsOn(text: string, key: string): SqlStatementOn[] {
  const masked = maskSqlLiterals(text);
  const dot = key.lastIndexOf('.');
  const schema = dot < 0 ? undefined : key.slice(0, dot);
  const table = key.slice(dot + 1);
  const out: SqlStatementOn[] = [];
  let from = 0;
  for (const statement of masked.split(';')) {
    const start = from;
    from += statement.length + 1;
    const m = SQL_ON_TABLE.exec(statement);
    const written = m && (m[1] ?? m[2] ?? m[3] ?? m[4]);
    if (!m || !written) continue;
    // Each dotted part with its offset in the statement; `COMMENT ON COLUMN t.c` names the table second to last.
    const writtenAt = m.index + m[0].length - written.length;
    const parts = [...written.matchAll(new RegExp(SQL_NAME, 'g'))].map((p) => ({ text: p[0], at: writtenAt + p.index! }));
    const column = m[4] !== undefined;
    const ti = parts.length - (column ? 2 : 1);
    if (ti < 0) continue;
    const name = (p: { text: string }) => (p.text.startsWith('"') ? p.text.slice(1, -1) : p.text.toLowerCase());
    const same = (p: { text: string }, want: string) => (p.text.startsWith('"') ? name(p) === want : name(p) === want.toLowerCase());
    if (!same(parts[ti], table)) continue;
    const written_ = ti > 0 ? parts.slice(0, ti).map(name).join('.') : undefined;
    if (schema === undefined ? written_ !== undefined && written_ !== 'public' : written_ === undefined || !same({ text: parts[ti - 1].text }, schema)) continue;
    const q = parts[ti].text.startsWith('"') ? 1 : 0;
    const tableStart = start + parts[ti].at + q;
    const rest = column ? start + parts[parts.length - 1].at : start + writtenAt + written.length;
    out.push({ table: { start: tableStart, end: tableStart + parts[ti].text.length - 2 * q }, rest, end: start + statement.length, masked });
  }
  return out;
}

/**
 * The offset of the first bare (or exactly quoted) use of `name` in `masked[from, to)`, skipping the places
 * `done` says are already edited; names compare as the database folds them. Undefined when there is none.
 */
function sqlNameIn(masked: string, from: number, to: number, name: string, done: (at: number) => boolean): number | undefined {
  for (const n of masked.slice(from, to).matchAll(/"([^"]+)"|([A-Za-z_][\w$]*)/g)) {
    const quoted = n[1] !== undefined;
    if (quoted ? n[1] !== name : n[2].toLowerCase() !== name.toLowerCase()) continue;
    const at = from + n.index! + (quoted ? 1 : 0);
    if (!done(at)) return at;
  }
  return undefined;
}

/** `text` with SQL string literals and comments blanked out (same length), so no name is read inside them. */
function maskSqlLiterals(text: string): string {
  return text.replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (x) => x.replace(/[^\n]/g, ' '));
}

/** The offset of the `close` (`)` by default) that closes what opened just before `start`, before `limit`. */
function closingParen(text: string, start: number, limit: number, open = '(', close = ')'): number | undefined {
  let depth = 1;
  let quote: string | undefined;
  for (let i = start; i < limit; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === open) depth++;
    else if (ch === close && --depth === 0) return i;
  }
  return undefined;
}

/** The trimmed line a span is on, shortened, for a reason that shows where a name is. */
function lineAround(text: string, span: Span): string {
  const start = text.lastIndexOf('\n', span.start - 1) + 1;
  const end = text.indexOf('\n', span.end);
  const whole = text.slice(start, end < 0 ? text.length : end).trim();
  return whole.length > 100 ? `${whole.slice(0, 97)}...` : whole;
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

/**
 * The other column facts of a TypeORM entity's classes (the entity's class and its bases) that name the
 * column the table holds as `column`: a relation's `@JoinColumn({ name })` in a subclass, over a `@Column({ name })`
 * of a base (the index keeps the declaration, see `addColumn`). Each is the place of a quoted name, or an error
 * when the name is TypeORM's derived one (no `name` written), which FK Guard would have to write out.
 */
function sameColumnInClasses(index: SchemaIndex, def: TableDef, column: string, textOf: TextOf): Array<Place | { error: string }> {
  const kept = def.columns.get(column);
  if (!kept) return [];
  const out: Array<Place | { error: string }> = [];
  for (const { file, cls } of typeormClasses(index, def)) {
    for (const c of cls.columns) {
      if (c === kept.column || c.name !== column) continue;
      const text = textOf(file);
      const u = unquoted(text, c.span);
      if (u.quoted || quotedAround(text, c.span)) {
        out.push({ file, span: u.span });
        continue;
      }
      const where = text === undefined ? '' : ` (\`${lineAround(text, c.span)}\`)`;
      out.push({
        error: `\`${def.key}.${column}\` is also the key column TypeORM derives for the relation at ${file}:${line(index.facts(file), c.span) + 1}${where}, which writes no name FK Guard can edit; write its \`@JoinColumn({ name: '${column}' })\`, then rename`,
      });
    }
  }
  return out;
}

/** The Sequelize model (a `Model.init` class or a `sequelize.define` variable) a table comes from. */
function sequelizeModel(index: SchemaIndex, def: TableDef): ClassFact | undefined {
  if (def.className === undefined) return undefined;
  const cls = index.facts(def.file)?.classes.find((c) => c.name === def.className);
  return cls?.framework === 'sequelize' ? cls : undefined;
}

function sameModel(found: { file: string; cls: ClassFact } | undefined, file: string, model: ClassFact): boolean {
  return found !== undefined && found.file === file && found.cls.name === model.name;
}

/**
 * The files that may declare a Sequelize model's associations: its own file, the TypeScript files that import it
 * by name (`import { Parcel } from './parcel'`, the way an `associations.ts` reaches it), and every other Sequelize
 * file FK Guard reads (another model's `static associate(models)` names it `models.Parcel`, with no import). A file
 * FK Guard does not read (no Sequelize import, no `foreignKey: { field }`) is not seen.
 */
function associationFiles(index: SchemaIndex, nav: Navigator, def: TableDef): string[] {
  const model = sequelizeModel(index, def);
  if (!model) return [];
  const out = [def.file];
  for (const f of nav.fileIds()) {
    const facts = index.facts(f);
    if (f === def.file || facts?.language !== 'typescript') continue;
    const imports = facts.imports.some((i) => (i.name ?? i.local) === model.name && sameModel(index.findClass(f, i.local), def.file, model));
    const sequelize = facts.classes.some((c) => c.framework === 'sequelize') || facts.imports.some((i) => SEQUELIZE_MODULES.has(i.module));
    if (imports || sequelize) out.push(f);
  }
  return out;
}

const SEQUELIZE_MODULES = new Set(['sequelize', 'sequelize-typescript', '@sequelize/core']);

/**
 * Where a Sequelize association names the column `oldName` of the model a table comes from, as the foreign key
 * it keeps in that model: `Parcel.belongsTo(Sender, { foreignKey: { name: 'senderId', field: 'sender_ref' } })`
 * or `Sender.hasMany(Parcel, { foreignKey: ... })` (the key is in the source of a `belongsTo`, in the target of
 * a `hasOne`/`hasMany`). Its `field` is the column's name: a place to rename. A `foreignKey: 'sender_ref'` or a
 * `name: 'sender_ref'` names an attribute, which FK Guard does not rename: an error that says where.
 */
function associationFields(index: SchemaIndex, nav: Navigator, def: TableDef, oldName: string, textOf: TextOf): Array<Place | { error: string }> {
  const model = sequelizeModel(index, def);
  if (!model) return [];
  const out: Array<Place | { error: string }> = [];
  const quoted = oldName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const file of associationFiles(index, nav, def)) {
    const text = textOf(file);
    if (text === undefined || !text.includes(oldName)) continue;
    /**
     * Whether a name written in the file is the model: the model as the file sees it, `this` inside the model's
     * class (a `static associate(models)`), or a model of the registry (`models.Parcel`, `db.Parcel`).
     */
    const isModel = (id: string | undefined, at: number) => {
      if (id === undefined) return false;
      if (id === 'this') return file === def.file && model.span !== undefined && model.span.start <= at && at <= model.span.end;
      if (id.includes('.')) return id.slice(id.lastIndexOf('.') + 1) === model.name;
      return sameModel(index.findClass(file, id), def.file, model);
    };
    const NAME = '[A-Za-z_$][\\w$]*(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)*';
    for (const m of text.matchAll(new RegExp(`(?<![\\w$.])(${NAME})\\s*\\.\\s*(belongsTo|hasOne|hasMany)\\s*\\(\\s*(${NAME})?`, 'g'))) {
      const open = m.index! + m[0].indexOf('(', m[1].length) + 1;
      const close = closingParen(text, open, text.length);
      if (close === undefined) continue;
      if (!isModel((m[2] === 'belongsTo' ? m[1] : m[3])?.replace(/\s+/g, ''), m.index!)) continue;
      const args = text.slice(open, close);
      const fk = /\bforeignKey\s*:\s*/.exec(args);
      if (!fk) continue;
      const at = open + fk.index + fk[0].length;
      const end = text[at] === '{' ? closingParen(text, at + 1, close, '{', '}') : undefined;
      const value = text.slice(at, end ?? close);
      for (const n of value.matchAll(new RegExp(`(?:\\b(field|name)\\s*:\\s*)?(["'\`])${quoted}\\2`, 'g'))) {
        const start = at + n.index! + n[0].length - 1 - oldName.length;
        const span = { start, end: start + oldName.length };
        if (end !== undefined && n[1] === 'field') {
          out.push({ file, span });
          continue;
        }
        out.push({
          error: `the association at ${file}:${line(index.facts(file), span) + 1} (\`${lineAround(text, span)}\`) names \`${oldName}\` as the attribute of its foreign key, which FK Guard does not rename; give it \`foreignKey: { name, field: '${oldName}' }\`, or rename it by hand together with the column`,
        });
      }
    }
  }
  return out;
}

/** A TypeORM entity's class and its bases, nearest first (none for a table of another kind). */
function typeormClasses(index: SchemaIndex, def: TableDef): Array<{ file: string; cls: ClassFact }> {
  if (def.className === undefined) return [];
  const own = index.facts(def.file)?.classes.find((c) => c.name === def.className);
  if (!own || own.framework !== 'typeorm') return [];
  const out: Array<{ file: string; cls: ClassFact }> = [];
  const seen = new Set<string>();
  const visit = (file: string, cls: ClassFact) => {
    if (seen.has(`${file}:${cls.name}`)) return;
    seen.add(`${file}:${cls.name}`);
    out.push({ file, cls });
    for (const b of cls.bases) {
      const found = index.findClass(file, b);
      if (found && found.cls.framework === 'typeorm') visit(found.file, found.cls);
    }
  };
  visit(def.file, own);
  return out;
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

/** Whether a file is a step of migration history (Alembic, a SQL migration, Knex or Sequelize migrations). */
function isHistoryFile(facts: FileFacts): boolean {
  return facts.migration !== undefined || facts.tables.some((t) => t.origin === 'migration') || facts.references.some((r) => r.context === 'migration');
}

/**
 * The first migration file (by name) that may read the constant `name` defined in `defining` with the value
 * `value`: the defining file itself, a file importing that name (directly or re-exported, as long as it holds
 * the same value there), importing everything from its module, or importing the module as a whole. Editing
 * the constant would silently rewrite what such a migration made, so a caller refuses; when in doubt a
 * migration counts as reading it, since refusing is safe and rewriting history is not.
 */
function historyReading(index: SchemaIndex, nav: Navigator, defining: string, name: string, value: string): string | undefined {
  const moduleOfDefining = (module: string) => index.moduleFiles(module).includes(defining);
  for (const f of [...nav.fileIds()].sort()) {
    const facts = index.facts(f);
    if (!facts || !isHistoryFile(facts)) continue;
    if (f === defining) return f;
    for (const imp of facts.imports) {
      if (imp.name === undefined || imp.name === '*') {
        if (moduleOfDefining(imp.module)) return f;
      } else if (imp.name === name && (moduleOfDefining(imp.module) || index.resolveConst(f, imp.local) === value)) return f;
    }
    if ((facts.starImports ?? []).some(moduleOfDefining)) return f;
  }
  return undefined;
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
