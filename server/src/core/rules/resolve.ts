import type { FkGuardConfig } from '../config';
import { classNamed } from '../classPlaces';
import { Absence, HistoryPoint } from '../history';
import type { MetadataSchema } from '../classMapping';
import { SchemaIndex } from '../schemaIndex';
import { IndexedColumn, TableDef, tableKey } from '../tables';
import { editDistance } from '../suggest';
import { rangeOf } from '../text';
import { singularize } from '../typescript/inflection';
import { mysqlServerDependent } from '../typeFamilies';
import { ClassFact, ColumnFact, CoreTableFact, FileFacts, Range, ReferenceFact, RelatedLocation, Span, TypeFact, UncheckedReason } from '../types';
import { keysNotSeen } from './not-unique-target';

/** What a rule sees of one reference: where it is, what it names, and what the index found for it. */
export interface RefCheck {
  facts: FileFacts;
  ref: ReferenceFact;
  index: SchemaIndex;
  config: FkGuardConfig;
  /** The reference as a person reads it: `user.id`, `User.id`, `users_table.c.id`. */
  display: string;
  range: Range;
  resolution: Resolution;
  /** Names of the tables suggested for this file's unknown tables (see `checkFile`). */
  suggested?: Set<string>;
  /**
   * What the check read from other files' references to this reference's own table (a type fix must not break the
   * keys to the column it retypes, see `keysBrokenByRetype`): `t:<table in lower case>` and `c:<class>` for a key's
   * referenced and referencing tables, `*` for anything. An editor checks the reference again when one changes.
   */
  watched?: string[];
  /** The reference's FK column, once `checkSource` found it (null: it has none FK Guard can find). */
  source?: SourceColumn | null;
}

export type Resolution =
  /** FK Guard cannot know the target (a call, an attribute of an object); nothing is reported. */
  | { kind: 'dynamic' }
  /** A constant or f-string whose value FK Guard could not find; reported as info. */
  | { kind: 'unresolved'; missing: string }
  /**
   * FK Guard cannot be certain what the target is (a class from a package, a table a `@declared_attr` base
   * may name, columns from an unresolved base): nothing is reported, and the reference counts as unchecked.
   */
  | { kind: 'unseen'; reason: UncheckedReason; detail: string }
  | { kind: 'malformed'; text: string }
  /** `absence`: in a migration, the table exists in its history, only not at this point. */
  /** `column` unset: the reference means the table's primary key (`REFERENCES users`). */
  | { kind: 'no-table'; schema?: string; table: string; column?: string; absence?: Absence }
  /** A class that must exist (a Prisma relation's model, see `ReferenceFact.ownerSpan`) is nowhere. */
  | { kind: 'no-class'; owner: string }
  | { kind: 'no-column'; defs: TableDef[]; column: string }
  /**
   * The target resolved. `defs` are the definitions that decide (the reference's own metadata's, else its
   * own package's, else all); `ambiguous` when they disagree on the column, so no single one is the truth.
   */
  | { kind: 'ok'; defs: TableDef[]; def: TableDef; column: IndexedColumn; ambiguous?: boolean };

/** The FK column: its fact, the file it is written in, and its type with project types resolved. */
export interface SourceColumn {
  column: ColumnFact;
  file: string;
  type?: TypeFact;
}

/** The schemas a database has whatever a workspace makes: PostgreSQL's, SQL Server's, SQLite's. */
const DEFAULT_SCHEMAS = ['public', 'dbo', 'main'];

/**
 * Whether `schema` is one no file of the workspace puts a table in, and no misspelling of one it does (or of a
 * default schema): a table there is made outside the workspace (Supabase's `auth.users`, an extension's schema,
 * another service's), so a database may well have it. A name one or two edits from a known schema stays an error
 * (`pubic.users`). R16-7.
 */
function outsideSchema(index: SchemaIndex, schema: string): boolean {
  const known = index.tableSchemas();
  if (known.has(schema)) return false;
  const lower = schema.toLowerCase();
  const close = (s: string) => editDistance(lower, s.toLowerCase(), 2) <= Math.min(2, Math.floor(Math.max(lower.length, s.length) / 3));
  for (const s of DEFAULT_SCHEMAS) if (s === lower || close(s)) return false;
  for (const s of known) if (s.toLowerCase() === lower || close(s)) return false;
  return true;
}

export function resolveReference(facts: FileFacts, ref: ReferenceFact, index: SchemaIndex): { display: string; resolution: Resolution } {
  const found = resolveTarget(facts, ref, index);
  // A column's inline `REFERENCES` on MySQL: MySQL 8.4 and earlier ignore it (no key, whatever it names: "MySQL parses
  // but ignores inline REFERENCES specifications"), MariaDB and MySQL 9 make the key. Neither verdict is proven (R12-27).
  if (ref.inline && found.resolution.kind !== 'dynamic' && index.dialectOf(facts.file) === 'mysql') {
    const detail = "a column's inline `REFERENCES` makes no key on MySQL 8.4 and earlier (MySQL parses and ignores it) and a key on MariaDB and MySQL 9, and which of them runs the project FK Guard does not know; a `FOREIGN KEY (...) REFERENCES` clause makes one on all of them";
    return { display: found.display, resolution: { kind: 'unseen', reason: 'server-dependent', detail } };
  }
  // A key written in a SQLModel data model no class is built on is never made (`HeroRead`'s `Field(foreign_key=...)`).
  const className = ref.source.className;
  if (className !== undefined && facts.language === 'python' && ref.context === 'model' && found.resolution.kind !== 'dynamic') {
    const cls = classNamed(facts.classes, className);
    if (cls && !cls.sqlmodelTable && !index.ownClassTable(facts.file, cls)?.table && index.sqlModelKeyless(facts.file, cls)) {
      const detail = `\`${className}\` is a SQLModel model without \`table=True\` that no table class is built on (directly or through other models), so SQLModel makes no column and no key from it`;
      return { display: found.display, resolution: { kind: 'unseen', reason: 'no-table-class', detail } };
    }
  }
  return found;
}

function resolveTarget(facts: FileFacts, ref: ReferenceFact, index: SchemaIndex): { display: string; resolution: Resolution } {
  const file = facts.file;
  if (ref.form === 'string') {
    const display = ref.target?.kind === 'literal' ? ref.target.value : ref.target?.kind === 'dynamic' ? ref.target.text : displayExpr(ref, facts.language === 'python');
    if (!ref.target || ref.target.kind === 'dynamic') return { display, resolution: { kind: 'dynamic' } };
    const value = index.resolveName(file, ref.target);
    if (value === undefined) {
      const missing = ref.target.kind === 'const' ? ref.target.name : ref.target.kind === 'template' ? firstMissing(index, file, ref) : '';
      return { display, resolution: { kind: 'unresolved', missing } };
    }
    // `schema.table.column`, the schema itself dotted or absent; a part left empty is malformed. Cut at the last two
    // dots rather than split: this runs for every string reference (112,000 on 10,000 model files).
    const dot = value.lastIndexOf('.');
    if (dot <= 0 || dot === value.length - 1 || value.startsWith('.') || value.includes('..')) return { display: value, resolution: { kind: 'malformed', text: value } };
    const before = value.lastIndexOf('.', dot - 1);
    const column = value.slice(dot + 1);
    const table = value.slice(before + 1, dot);
    let schema = before >= 0 ? value.slice(0, before) : undefined;
    if (schema === undefined) {
      // SQLAlchemy looks an unqualified key up in the schema of the referencing table's metadata.
      const m = metadataDefault(index, file, ref);
      if (m && !m.known) {
        // Whatever schema the metadata has, a table no schema holds under this name is in none of them.
        // In any letter case: SQLite and MySQL may take `Labels` for `labels`.
        const lower = table.toLowerCase();
        const anywhere = index.allTableKeys().some((k) => {
          const key = k.toLowerCase();
          return key === lower || key.endsWith(`.${lower}`);
        });
        const missing = anywhere ? undefined : lookup(index, file, ref, undefined, table, column);
        if (missing?.kind === 'no-table') return { display: value, resolution: missing };
        return { display: value, resolution: { kind: 'unseen', reason: 'dynamic-name', detail: `\`${value}\` names no schema, so SQLAlchemy looks it up in the schema of this table's metadata, and ${m.why}` } };
      }
      schema = m?.schema;
    }
    if (schema === undefined && ref.onSearchPath) {
      const knex = knexPath(index, file, ref, table, column);
      if (knex) return { display: value, resolution: knex };
    }
    return { display: value, resolution: lookup(index, file, ref, schema, table, column) };
  }
  if (ref.form === 'pair') {
    const table = index.resolveName(file, ref.table);
    // An unread constant is shown by its name (`TableShelf.id`), as written.
    const written = ref.table?.kind === 'const' ? ref.table.name : ref.table?.kind === 'dynamic' ? ref.table.text : '?';
    const display = `${ref.tableSchema ? `${ref.tableSchema}.` : ''}${table ?? written}${ref.primaryKey && ref.column === undefined ? '' : `.${ref.column ?? '?'}`}`;
    if (table === undefined || (ref.column === undefined && !ref.primaryKey)) return { display, resolution: { kind: 'dynamic' } };
    if (ref.searchPath && ref.tableSchema === undefined) return { display, resolution: onSearchPath(index, file, ref, ref.searchPath, table) };
    if (ref.onSearchPath && ref.tableSchema === undefined) {
      const knex = knexPath(index, file, ref, table);
      if (knex) return { display, resolution: knex };
    }
    if (ref.schemaOfSource && ref.tableSchema === undefined && ref.source.className) {
      // Sequelize qualifies the name with the schema of the model that holds the key.
      const own = index.classTable(file, ref.source.className, ref.span.start)?.table;
      if (own?.schemaUnknown) {
        const why = own.schemaUnknownWhy ?? `it comes from options FK Guard cannot read`;
        return { display, resolution: { kind: 'unseen', reason: 'dynamic-name', detail: `Sequelize looks \`${table}\` up in the schema of \`${own.key}\`, which is not known: ${why}` } };
      }
      if (own?.schema) return { display, resolution: lookup(index, file, ref, own.schema, table, ref.column) };
    }
    return { display, resolution: lookup(index, file, ref, ref.tableSchema, table, ref.column) };
  }
  const display = ref.form === 'table-c' ? `${ref.owner}.c.${ref.attr}` : ref.attr ? `${ref.owner}.${ref.attr}` : `${ref.owner}`;
  if (!ref.owner || (!ref.attr && ref.form !== 'attribute')) return { display, resolution: { kind: 'dynamic' } };
  if (ref.form === 'table-c' || ref.form === 'variable') {
    const def = index.tableVariable(file, ref.owner);
    const unnamed = def ? undefined : index.unnamedTableVariable(file, ref.owner);
    if (unnamed) return { display, resolution: { kind: 'unseen', reason: 'dynamic-name', detail: `\`${ref.owner}\` is a table made under a name FK Guard cannot read (\`${unnamed.text}\`)` } };
    if (!def && index.importedTable(file, ref.owner) === 'ambiguous') {
      const detail = `\`${ref.owner}\` is imported under a name two \`export *\` give from different modules, so no module exports it (TypeScript reports the conflict where they meet)`;
      return { display, resolution: { kind: 'unseen', reason: 'ambiguous-export', detail } };
    }
    if (!def) return { display, resolution: { kind: 'unseen', reason: 'outside-workspace', detail: `\`${ref.owner}\` is not a table FK Guard can see` } };
    return { display, resolution: columnOf([def], ref.attr!, ref.form === 'variable') };
  }
  if (ref.ownerUnread) return { display, resolution: { kind: 'unseen', reason: 'dynamic-name', detail: ref.ownerUnread } };
  const mapping = index.classTable(file, ref.owner, ref.span.start);
  if (!mapping && ref.ownerSpan) return { display: ref.owner, resolution: { kind: 'no-class', owner: ref.owner } };
  if (!mapping) {
    const rebound = index.reboundWhy(file, ref.owner, ref.span.start);
    if (rebound) return { display, resolution: { kind: 'unseen', reason: 'dynamic-name', detail: rebound } };
    // An imported TypeScript name the module does not export as a class: TypeScript binds it to no entity.
    const problem = index.importedClassProblem(file, ref.owner);
    if (problem === 'ambiguous') {
      const detail = `\`${ref.owner}\` is imported under a name two \`export *\` give from different modules, so no module exports it (TypeScript reports the conflict where they meet)`;
      return { display, resolution: { kind: 'unseen', reason: 'ambiguous-export', detail } };
    }
    if (problem === 'local-object') {
      const detail = `\`${ref.owner}\` is a member of \`${ref.owner.split('.')[0]}\`, which no import binds (an object or a namespace of this module): FK Guard does not read what it holds`;
      return { display, resolution: { kind: 'unseen', reason: 'dynamic-name', detail } };
    }
    const detail = problem === 'unexported' ? `\`${ref.owner}\` is not a class its module exports, as far as FK Guard can see` : `\`${ref.owner}\` is not a class of this workspace`;
    return { display, resolution: { kind: 'unseen', reason: 'outside-workspace', detail } };
  }
  if (!mapping.table) {
    const n = mapping.nameless;
    const detail = !n
      ? `\`${ref.owner}\` maps to no table FK Guard knows`
      : n.detail
        ? n.cls.joinTable
          ? `the join table of \`${n.cls.joinTable.owner}.${n.cls.joinTable.relation}\` is not known: ${n.detail}`
          : n.detail
        : n.reason === 'declared-attr'
        ? `the table name of \`${ref.owner}\` comes from \`${n.base}.__tablename__\`, which FK Guard cannot evaluate`
        : `\`${ref.owner}\` derives from \`${n.base}\`, which FK Guard cannot resolve`;
    return { display, resolution: { kind: 'unseen', reason: n?.reason ?? 'dynamic-name', detail } };
  }
  const twice = alternativesDisagree(index, file, ref);
  if (twice) return { display, resolution: { kind: 'unseen', reason: 'ambiguous-table', detail: twice } };
  if (!ref.attr) return { display, resolution: primaryKeyOf(mapping.table) };
  const found = columnOf([mapping.table], ref.attr, true, false, undefined, false, ref.byProperty === true);
  // `ForeignKey(Vault.key_path)` where `key_path` is a method, `@declared_attr` or constant of the class or a base: it
  // is whatever that evaluates to (a `"vaults.id"` string, say), not a column the table lacks (R15-8).
  const other = found.kind === 'no-column' ? mapping.table.otherAttrs?.get(ref.attr) : undefined;
  if (other) {
    const detail = `\`${ref.attr}\` is no column of \`${ref.owner}\`: \`${other.className}\` (${other.file}) binds it to a method or value FK Guard does not evaluate`;
    return { display, resolution: { kind: 'unseen', reason: 'dynamic-name', detail } };
  }
  return { display, resolution: found };
}

/**
 * A table SQL names with no schema after `SET search_path TO app, public`: PostgreSQL takes the first schema of the
 * path that holds a table of that name (as it folds or keeps the name's case), and refuses the key when none does. Each
 * schema is looked up in turn; when none holds the table, the answer is the lookup in `public` where the path has it
 * (else its first schema), so an unknown table is reported under the name as written.
 */
function onSearchPath(index: SchemaIndex, file: string, ref: ReferenceFact, path: string[], table: string, column = ref.column): Resolution {
  const missing: Array<Extract<Resolution, { kind: 'no-table' }>> = [];
  for (const s of path) {
    const schema = s === 'public' ? undefined : s;
    const r = lookup(index, file, ref, schema, table, column);
    if (r.kind !== 'no-table') return r;
    missing.push(r);
  }
  // In a migration, a table one of the schemas makes only later (or dropped before) says more than a plain absence.
  return missing.find((r) => r.absence) ?? missing.find((r) => r.schema === undefined) ?? missing[0] ?? { kind: 'dynamic' };
}

/**
 * A Knex builder's table named with no schema, under the project's Knex `searchPath` (see `SchemaIndex.knexSearchPath`):
 * looked up through the path; undefined where no configuration sets one, or where the path is not known.
 */
function knexPath(index: SchemaIndex, file: string, ref: ReferenceFact, table: string, column = ref.column): Resolution | undefined {
  const path = index.knexSearchPath();
  if (!path) return undefined;
  // A path FK Guard cannot read puts the tables Knex makes with no schema in the same schema its references look in
  // first: between them, the names resolve as they do with none (the tables SQL makes in a named schema aside).
  if ('unknown' in path) return undefined;
  return onSearchPath(index, file, ref, path.path, table, column);
}

/** `@ManyToOne(() => User)` with no referenced column names the primary key; a composite one is not judged. */
function primaryKeyOf(def: TableDef): Resolution {
  const pk = [...def.columns.values()].filter((c) => c.column.primaryKey);
  if (pk.length === 1 && !def.incomplete) return { kind: 'ok', defs: [def], def, column: pk[0] };
  if (def.incomplete) return incompleteOf(def);
  return { kind: 'unseen', reason: 'unknown-key-type', detail: `\`${def.key}\` has ${pk.length === 0 ? 'no primary key FK Guard can see' : 'a composite primary key'}` };
}

/**
 * For an ambiguous resolution: the definition that makes it ambiguous only because FK Guard cannot see its
 * columns (a `CREATE TABLE` its parser refused, a base or column builder it cannot read), when the definitions
 * it can read all agree on the column. Such definitions do not disagree as far as anyone can prove: the
 * reference stays unchecked, for that definition's reason, and no `ambiguous-table` warning claims a conflict.
 */
export function unseenDefinition(r: Extract<Resolution, { kind: 'ok' }>): TableDef | undefined {
  if (!r.ambiguous) return undefined;
  const name = r.column.column.name;
  const models = r.defs.filter((d) => d.origin === 'model' || d.origin === 'core');
  const unseen = models.filter((d) => d.incomplete && !d.columns.has(name));
  if (unseen.length === 0) return undefined;
  const describe = (d: TableDef) => {
    const c = d.columns.get(name);
    return c ? (c.type?.sqlType || c.column.type?.text || 'untyped') : 'missing';
  };
  const seen = new Set(models.filter((d) => !unseen.includes(d)).map(describe));
  return seen.size <= 1 ? unseen[0] : undefined;
}

function incompleteOf(def: TableDef): Resolution {
  if (def.origin === 'external') return { kind: 'unseen', reason: 'external-table', detail: `\`${def.key}\` is listed in \`external-tables\` without this column` };
  if (def.unparsed) {
    const detail = /\.pyi?$/.test(def.file)
      ? `\`${def.key}\` is defined by Python code that holds a syntax error, so FK Guard does not know all its columns`
      : `\`${def.key}\` is made by a \`CREATE TABLE\` FK Guard cannot read (a parse error, or SQL built from a value it cannot resolve), so its columns are not known`;
    return { kind: 'unseen', reason: 'unreadable-definition', detail };
  }
  if (def.unresolvedBase === undefined && def.unresolvedColumn !== undefined) {
    return { kind: 'unseen', reason: 'unresolved-column', detail: `\`${def.key}\` has \`${def.unresolvedColumn}\`, a column FK Guard cannot read` };
  }
  return {
    kind: 'unseen',
    reason: 'unresolved-base',
    detail: def.unresolvedBase
      ? `\`${def.key}\` takes columns from \`${def.unresolvedBase}\`, which FK Guard cannot resolve`
      : `\`${def.key}\` has columns FK Guard cannot see`,
  };
}

/** A computed target as the language writes it: Python's f-string, JavaScript's template literal (without its backticks). */
function displayExpr(ref: ReferenceFact, python: boolean): string {
  if (ref.target?.kind === 'const') return ref.target.name;
  if (ref.target?.kind === 'template' && !python) return ref.target.parts.map((p) => ('literal' in p ? p.literal : `\${${p.const}}`)).join('');
  if (ref.target?.kind === 'template') return `f"${ref.target.parts.map((p) => ('literal' in p ? p.literal : `{${p.const}}`)).join('')}"`;
  return '';
}

function firstMissing(index: SchemaIndex, file: string, ref: ReferenceFact): string {
  if (ref.target?.kind !== 'template') return '';
  for (const p of ref.target.parts) if ('const' in p && index.resolveConst(file, p.const) === undefined) return p.const;
  return '';
}

/** The definitions a reference should be checked against, in order of trust for where it is written. */
function lookup(index: SchemaIndex, file: string, ref: ReferenceFact, schema: string | undefined, table: string, column: string | undefined): Resolution {
  let point = migrationPoint(ref, file);
  // In a migration the database resolves the name: `public` is PostgreSQL's default schema, so
  // `public.members` is the `members` created without one. (SQLAlchemy's metadata, in model code, does not.)
  if (ref.context === 'migration' && schema === 'public') schema = undefined;
  const history = point ? index.migrationHistory() : undefined;
  const outside = history?.outsideHistory(file);
  if (outside) {
    return { kind: 'unseen', reason: 'outside-history', detail: outside };
  }
  // SQLite checks a foreign key only when rows are written: against the state the migrations end in.
  const source = point && history ? index.resolveName(file, ref.source.table) : undefined;
  const sourceKey = source !== undefined ? tableKey(source, ref.source.schema === 'public' ? undefined : ref.source.schema) : undefined;
  const sqlite = point && history && sourceKey !== undefined ? history.sqliteJudgement(point, sourceKey, tableKey(table, schema)) : undefined;
  if (sqlite?.kind === 'superseded') {
    return { kind: 'unseen', reason: 'superseded', detail: `\`${source}\` is dropped or made anew by a later migration, and SQLite checks a foreign key only when rows are written` };
  }
  if (sqlite) {
    point = sqlite.at;
    if (sqlite.renamedTo) ({ name: table, schema } = sqlite.renamedTo);
  }
  // SQLite's names ignore letter case, and so do MySQL's column names; its table names do only on some
  // platforms (`lower_case_table_names`), so a table named in another case is not judged there.
  const caseless = index.dialectOf(file) !== 'postgresql';
  const written = tableKey(table, schema);
  // The table keys spelt as this one but for letter case (this one too, when it is a key).
  const variants = index.caseVariants(written);
  if (!caseless) {
    // PostgreSQL folds a name SQL wrote unquoted to lower case and keeps a quoted one as written (the ORMs
    // quote, or write lower case): `REFERENCES members` is `CREATE TABLE Members`, `REFERENCES Ledger` is
    // not `CREATE TABLE "Ledger"`. A name in lower case is its own key's whatever was quoted: only another
    // spelling among the keys can change what it means.
    if (table !== table.toLowerCase() || variants.some((k) => k !== written)) {
      const wantedName = pgName(table, ref.tableFoldsCase);
      const fits = (d: TableDef) => d.schema === schema && pgName(d.name, d.foldsCase) === wantedName;
      const exact = index.definitions(written);
      if (!exact.some(fits)) {
        const same = variants.flatMap((k) => index.definitions(k)).find(fits);
        if (same) table = same.name;
        else if (exact.length > 0) return { kind: 'no-table', schema, table: wantedName, column };
      }
    }
  } else if (!variants.includes(written)) {
    if (variants.length > 0 && index.dialectOf(file) === 'mysql') {
      return {
        kind: 'unseen',
        reason: 'letter-case',
        detail: `\`${table}\` is \`${variants[0]}\` in another letter case: MySQL tells them apart only where \`lower_case_table_names\` is 0 (Linux's default)`,
      };
    }
    const found = variants.length === 1 ? index.definitions(variants[0])[0] : undefined;
    if (found) ({ name: table, schema } = found);
  }
  // The database names `public.ledgers` and `ledgers` alike (public is its default schema), and so do SQL, migrations
  // and the ORMs that name tables as the database does: a table an ORM keys with an explicit `public` schema
  // (`schema: 'public'`, `{"schema": "public"}`) is the one they name either way (R13-10). Only SQLAlchemy's
  // metadata, in model code, keys the two apart (`ForeignKey("ledgers.id")` does not find it).
  if (schema === undefined && (ref.context === 'migration' || index.facts(file)?.language !== 'python')) {
    const inPublic = tableKey(table, 'public');
    if (definitionsFor(index, file, tableKey(table, undefined), point).length === 0 && definitionsFor(index, file, inPublic, point).length > 0) schema = 'public';
  }
  const metadataId = sourceMetadata(index, file, ref);
  const key = tableKey(table, schema);
  // A revision on a parallel branch that changes the table (or the referenced columns) may run before or
  // after this one: whatever the replay's order says, the verdict would be an accident of that order.
  const parallel = point && history ? history.unordered(key, point, ref.composite && ref.composite.length > 1 ? ref.composite : column !== undefined ? [column] : undefined) : undefined;
  if (parallel) {
    return {
      kind: 'unseen',
      reason: 'unordered-history',
      detail: parallel.before
        ? `${parallel.column ? `\`${key}.${parallel.column}\` is changed` : `\`${key}\` is changed`} by ${parallel.before} and by ${parallel.file}, ` +
          'files of one migrations folder that the tools that run it order differently (their names sorted as text or by their numbers, by path or by file name), so what this reference sees depends on the tool'
        : `${parallel.column ? `\`${key}.${parallel.column}\` is changed` : `\`${key}\` is created, dropped or renamed`} by ${parallel.file}, ` +
        (parallel.names
          ? 'a file of the same migrations folder that the tools that run it order differently against this one (their names sorted as text or by their numbers, by path or by file name), so it may run before or after this one'
          : parallel.folder
          ? 'another file of a folder whose files run in an order the code decides (the folder does not say migrations, nor do the names say an order), so it may run before or after this one'
          : 'a revision that is neither an ancestor nor a descendant of this one, so Alembic may run it before or after'),
    };
  }
  // A table this migrations folder changes but never makes (another folder makes it, run with this one as one list): the
  // folder's replay could not apply the change, so neither the key's table nor its own is known as it is here.
  // The key's own column counts only when this file does not make it (a column it adds or creates is read from here).
  const sourceName = point && history && ref.source.table && ref.source.column ? index.resolveName(file, ref.source.table) : undefined;
  const ownFacts = sourceName !== undefined ? index.facts(file) : undefined;
  const ownMadeHere =
    ownFacts !== undefined &&
    (ownFacts.tables.some((t) => index.resolveName(file, t.name) === sourceName && t.columns.some((c) => c.name === ref.source.column)) ||
      (ownFacts.migration?.ops ?? []).some((op) => op.op === 'add_column' && op.table === sourceName && op.column.name === ref.source.column));
  const ownKey = sourceName !== undefined ? tableKey(sourceName, ref.source.schema === 'public' ? undefined : ref.source.schema) : undefined;
  const referencedColumns = ref.composite && ref.composite.length > 1 ? ref.composite : column !== undefined ? [column] : undefined;
  const checks = [
    ['referenced', key, referencedColumns],
    ['own', ownMadeHere ? undefined : ownKey, [ref.source.column!]],
  ] as const;
  // A table another migrations folder makes and changes later: which of its versions this key meets is not known.
  const elsewhere = point && history ? history.changedElsewhere(key, point, referencedColumns) : undefined;
  if (elsewhere !== undefined) {
    return {
      kind: 'unseen',
      reason: 'unordered-history',
      detail: `\`${key}\` is made by another migrations folder, whose ${elsewhere} changes it${referencedColumns ? ` (\`${referencedColumns.join('`, `')}\`)` : ''} at a point FK Guard cannot place against this one, so the table this key meets is not known`,
    };
  }
  for (const [which, k] of [['referenced', key], ['own', ownKey]] as const) {
    const by = k !== undefined && point && history ? history.madeEitherWay(k, point) : undefined;
    if (by === undefined) continue;
    return {
      kind: 'unseen',
      reason: 'unordered-history',
      detail: `the key's ${which} table \`${k}\` is made with CREATE TABLE IF NOT EXISTS by ${by} and by another migrations folder too: the database keeps whichever ran first, which FK Guard does not know`,
    };
  }
  // A key dropped from the table a reference targets leaves its primary key, when the drop was of a unique key (so the
  // reference's columns are the primary key of every definition FK Guard has of it).
  const primary = () => {
    const defs = definitionsFor(index, file, key, point);
    return referencedColumns !== undefined && defs.length > 0 && defs.every((d) => !d.incomplete && samePrimaryKey(d, referencedColumns));
  };
  for (const [which, k, columns] of checks) {
    const exists = () => k !== undefined && definitionsFor(index, file, k, point).length > 0;
    const by = k !== undefined && point && history ? history.changedUnseen(k, point, columns, which === 'own' ? { own: true, exists } : { primary, exists }) : undefined;
    if (by === undefined) continue;
    return {
      kind: 'unseen',
      reason: 'unordered-history',
      detail: `the key's ${which} table \`${k}\` is changed by ${by}, a migration whose history never makes the table (the models, code, or another migrations folder make it, at a time FK Guard does not know), so the table is not known as it stands here`,
    };
  }
  const defs = decidingDefs(index, definitionsFor(index, file, key, point), ref, metadataId, file);
  const alternative = onlyOfAlternatives(index, defs);
  if (alternative) return { kind: 'unseen', reason: 'ambiguous-table', detail: alternative };
  // A table whose schema comes from a computed `__table_args__` may or may not be this one.
  const fromHistory = ref.context === 'migration' && defs.some((d) => d.origin === 'migration');
  const unknownSchema = fromHistory ? undefined : (defs.find((d) => d.schemaUnknown) ?? (defs.length === 0 ? index.unknownSchemaTable(table) : undefined));
  const why = unknownSchema?.schemaUnknownWhy ?? unknownSchema?.schemaLost;
  if (why !== undefined) {
    return { kind: 'unseen', reason: 'dynamic-name', detail: `the schema of \`${unknownSchema!.name}\` (${unknownSchema!.className ?? unknownSchema!.file}) is not known: ${why}` };
  }
  if (unknownSchema) {
    return {
      kind: 'unseen',
      reason: 'declared-attr',
      detail: `the schema of \`${unknownSchema.name}\` comes from a \`__table_args__\` FK Guard cannot evaluate (\`${unknownSchema.className ?? unknownSchema.name}\`)`,
    };
  }
  // A table made under a name FK Guard cannot read may be this one, in history as in the models.
  const unnamed = defs.length === 0 ? index.unnamedTableFor(table) : undefined;
  if (unnamed?.maybe?.unparsed) {
    return {
      kind: 'unseen',
      reason: 'unreadable-definition',
      detail: `\`${table}\` may be the table of ${unnamed.maybe.maker} in ${unnamed.file}, which a syntax error swallowed: a file that does not parse may define it`,
    };
  }
  if (unnamed?.maybe) {
    return { kind: 'unseen', reason: 'dynamic-name', detail: `\`${table}\` may be the table made by ${unnamed.maybe.maker} in ${unnamed.file}, which FK Guard does not run` };
  }
  if (unnamed) {
    return { kind: 'unseen', reason: 'dynamic-name', detail: `\`${table}\` may be the table ${unnamed.file} makes under a name FK Guard cannot read (\`${unnamed.text}\`)` };
  }
  const absence = point && history && defs.length === 0 ? history.absence(key, point) : undefined;
  // With foreign key checks off (`SET FOREIGN_KEY_CHECKS = 0` before it in the file), MySQL makes a key to a table that
  // does not exist yet without looking for it; the table it names is found when it is made, and judged as made then.
  if (absence?.kind === 'later' && ref.keyChecks === 'off' && index.dialectOf(file) === 'mysql') return columnOf([absence.def], column, false, caseless, undefined, ref.linkToName);
  if (absence) return { kind: 'no-table', schema, table, column, absence };
  if (defs.length === 0) {
    // A class whose table name FK Guard cannot know may define this table: nothing is proven.
    // In a migration too: tables a declared_attr base names exist once the models create them.
    const n = index.namelessCandidate(table, ref.context === 'migration' ? undefined : metadataId);
    if (n) {
      const detail = n.anyName && n.detail === undefined
        ? `\`${table}\` may be the table of a class named by \`${n.base}.__tablename__\` (such as \`${n.cls.name}\`, ${n.file}), which FK Guard cannot evaluate: it may give any name`
        : n.detail
        ? `\`${table}\` may be the ${n.cls.joinTable ? `join table of \`${n.cls.joinTable.owner}.${n.cls.joinTable.relation}\`` : `table of \`${n.cls.name}\``}: ${n.detail}`
        : n.reason === 'declared-attr'
          ? `\`${table}\` may be the table of \`${n.cls.name}\`, named by \`${n.base}.__tablename__\`, which FK Guard cannot evaluate`
          : `\`${table}\` may be the table of \`${n.cls.name}\`, whose base \`${n.base}\` FK Guard cannot resolve`;
      return { kind: 'unseen', reason: n.reason, detail };
    }
    // Where the database looks the name up (a migration, a SQL schema file), not an ORM's own metadata: SQLAlchemy
    // raises `NoReferencedTableError` for a table its MetaData lacks, whatever the schema.
    if (schema !== undefined && (ref.context === 'migration' || index.facts(file)?.language === 'sql') && outsideSchema(index, schema)) {
      return {
        kind: 'unseen',
        reason: 'outside-workspace',
        detail: `no file of the workspace makes a table in schema \`${schema}\` (the database's own, a platform's such as Supabase's \`auth\`, or another service's): list \`${schema}.${table}\` in \`external-tables\` to check this key`,
      };
    }
    return { kind: 'no-table', schema, table, column };
  }
  // Migration history that went one of two ways FK Guard cannot tell apart (an operation inside an `if`, a
  // `try`, a loop it cannot unroll): a verdict is given only when both ways lead to the same one.
  for (const d of defs) {
    // Only a definition with another outcome of history can be undecided (see `undecidedBy`).
    if (!d.alt) continue;
    // No column named: the primary key is the target.
    const targets = ref.composite && ref.composite.length > 1 ? ref.composite : column !== undefined ? [column] : [...d.columns.values()].filter((c) => c.column.primaryKey).map((c) => c.column.name);
    const undecided = undecidedBy(d, targets);
    if (!undecided) continue;
    if (undecided.why === 'unknown-constraint') {
      const at = where(undecided.file, index.rangeIn(undecided.file, undecided.span));
      return {
        kind: 'unseen',
        reason: 'unreadable-migration',
        detail: `the constraint dropped at ${at}${undecided.name ? ` (\`${undecided.name}\`)` : ''} is not one FK Guard can identify, and it may be the key of \`${d.key}\` this reference needs`,
      };
    }
    if (undecided.why === 'unknown-unique') {
      const at = where(undecided.file, index.rangeIn(undecided.file, undecided.span));
      return {
        kind: 'unseen',
        reason: 'unreadable-migration',
        detail: `the index made at ${at} is unique only if its \`unique=\` value is true, which FK Guard cannot evaluate, and this reference needs that key of \`${d.key}\``,
      };
    }
    return {
      kind: 'unseen',
      reason: 'conditional-history',
      detail:
        `\`${d.key}\` differs depending on whether the migration operation at ${where(undecided.file, index.rangeIn(undecided.file, undecided.span))} ran ` +
        '(it sits in an `if`, a `try` or a loop FK Guard cannot decide, or in a schema builder run elsewhere)',
    };
  }
  return columnOf(defs, column, false, caseless, caseless ? undefined : { folds: ref.columnFoldsCase === true }, ref.linkToName);
}

/**
 * The uncertain operation, if any, without which `def` would give a reference to `columns` another verdict:
 * another outcome of history lacks the table, or has the columns with another presence, type or key.
 */
function undecidedBy(def: TableDef, columns: readonly string[]): NonNullable<TableDef['alt']> | undefined {
  let seen = 0;
  for (let alt = def.alt; alt && seen < 16; alt = alt.def?.alt, seen++) {
    if (!alt.def || !sameForReference(def, alt.def, columns)) return alt;
  }
  return undefined;
}

/** Whether two versions of a table give a reference to `columns` the same verdict. */
function sameForReference(a: TableDef, b: TableDef, columns: readonly string[]): boolean {
  // Whether the referenced columns are a key a foreign key may target (alone, or as the whole composite).
  const keyed = (d: TableDef) => {
    const first = d.columns.get(columns[0]);
    return !!first && (isProvenKey(d, first, columns) || (columns.length > 1 && columns.every((n) => d.columns.get(n)?.column.unique)));
  };
  if (keyed(a) !== keyed(b)) return false;
  for (const name of columns) {
    const x = a.columns.get(name);
    const y = b.columns.get(name);
    if (!x || !y) {
      if (x !== y) return false;
      continue;
    }
    if (x.type?.family !== y.type?.family || x.type?.sqlType !== y.type?.sqlType) return false;
  }
  return true;
}

/**
 * The definitions that decide for a reference, none chosen by path order. In a migration: the state of
 * history at that point, then the models. Elsewhere SQLAlchemy resolves a string key within the
 * referencing table's own metadata, so the definitions there decide alone (several there: the one the referencing
 * module has surely imported, see `SchemaIndex.importedDefinition`); without one, the definitions in the reference's
 * own package (the longest shared folder) do; else every definition counts, and when they disagree the reference is
 * ambiguous. A fallback definition never competes with a real one.
 */
function decidingDefs(index: SchemaIndex, all: TableDef[], ref: ReferenceFact, metadataId: string | undefined, file: string): TableDef[] {
  // Most tables have no fallback definition: then they all count, in the list as it is.
  const real = all.some((d) => d.fallback) ? all.filter((d) => !d.fallback) : all;
  const defs = real.length > 0 ? real : all;
  if (ref.context === 'migration') return orderDefs(defs, ref);
  if (metadataId) {
    const own = defs.filter((d) => d.metadataId === metadataId);
    const imported = own.length > 1 ? index.importedDefinition(own, file) : undefined;
    if (imported) return [imported];
    if (own.length > 0) return own;
  }
  const nonExternal = defs.filter((d) => d.origin !== 'external');
  if (nonExternal.length < 2) return defs;
  const dir = file.split('/').slice(0, -1);
  const shared = (d: TableDef) => {
    const p = d.file.split('/').slice(0, -1);
    let i = 0;
    while (i < p.length && i < dir.length && p[i] === dir[i]) i++;
    return i;
  };
  const best = Math.max(...nonExternal.map(shared));
  const near = nonExternal.filter((d) => shared(d) === best);
  return best > 0 && near.length < nonExternal.length ? near : defs;
}

/**
 * The definitions of `key` a reference in `file` sees: the migration's own (see `SchemaIndex.localDefinitions`),
 * then the workspace's at `point`. A new list, which the caller may keep.
 */
function definitionsFor(index: SchemaIndex, file: string, key: string, point: HistoryPoint | undefined): TableDef[] {
  const local = index.localDefinitions(file, key);
  const defs = index.definitions(key, point);
  return local.length === 0 ? defs : [...local, ...defs];
}

/**
 * The names of the classes a Python module defines more than once (`if`/`else`, `try`/`except ImportError`
 * alternatives, R14-15), made once per file's facts: which of them runs is not known.
 */
const definedTwice = new WeakMap<FileFacts, Set<string>>();

function twiceDefined(facts: FileFacts | undefined): Set<string> | undefined {
  if (!facts || facts.language !== 'python') return undefined;
  let names = definedTwice.get(facts);
  if (!names) {
    const seen = new Set<string>();
    names = new Set();
    for (const c of facts.classes) {
      if (seen.has(c.name)) names.add(c.name);
      seen.add(c.name);
    }
    definedTwice.set(facts, names);
  }
  return names.size > 0 ? names : undefined;
}

/**
 * `ForeignKey(Crate.id)` where the module that binds `Crate` defines it more than once (R15-15): the key is proven only
 * where every definition maps to the same table and gives the column alike (its type, whether it is a key). Else the
 * reason it is not checked: which definition Python runs is not known.
 */
function alternativesDisagree(index: SchemaIndex, file: string, ref: ReferenceFact): string | undefined {
  const found = index.findClass(file, ref.owner!);
  const facts = found && twiceDefined(index.facts(found.file))?.has(found.cls.name) ? index.facts(found.file) : undefined;
  if (!found || !facts) return undefined;
  const tables = facts.classes.filter((c) => c.name === found.cls.name).map((c) => index.ownClassTable(found.file, c)?.table);
  const first = tables[0];
  const columnIn = (t: TableDef) => (ref.attr ? t.attrs.get(ref.attr) ?? t.columns.get(ref.attr) : [...t.columns.values()].find((c) => c.column.primaryKey));
  const agree = (t: TableDef | undefined) => {
    if (!t || !first || t.key !== first.key || t.incomplete !== first.incomplete) return false;
    const a = columnIn(first);
    const b = columnIn(t);
    return a !== undefined && b !== undefined && a.column.name === b.column.name && a.type?.sqlType === b.type?.sqlType && a.type?.family === b.type?.family && !!a.column.primaryKey === !!b.column.primaryKey && !!a.column.unique === !!b.column.unique;
  };
  if (tables.every(agree)) return undefined;
  return `\`${found.cls.name}\` is defined ${tables.length} times in ${found.file} (under \`if\`/\`else\` or \`try\`/\`except\`, or one after another), and the definitions disagree on ${ref.attr ? `\`${ref.attr}\`` : 'its primary key'} or its table: which one the name stands for here is not known`;
}

/**
 * A table whose only definitions are classes of a module that defines that class more than once, and only definitions
 * under an `if`/`else` or `try`/`except` make it, not all of them (R15-15: `ForeignKey("crates.id")` where only the `if`
 * branch's `Crate` is `crates`): the table exists only if that branch runs. Undefined where another definition makes it
 * anyway.
 */
function onlyOfAlternatives(index: SchemaIndex, defs: readonly TableDef[]): string | undefined {
  if (defs.length === 0 || defs.some((d) => d.origin !== 'model' || d.className === undefined || !twiceDefined(index.facts(d.file))?.has(d.className))) return undefined;
  for (const d of defs) {
    const facts = index.facts(d.file)!;
    const classes = facts.classes.filter((c) => c.name === d.className);
    const makers = classes.filter((c) => index.ownClassTable(d.file, c)?.table?.key === d.key);
    // Classes of one name defined one after the other all run (SQLAlchemy maps each, and warns): each table exists.
    if (makers.length === classes.length || makers.some((c) => !c.conditional)) continue;
    return `\`${d.key}\` is the table of one of the ${classes.length} definitions of \`${d.className}\` in ${d.file} (alternatives under \`if\`/\`else\` or \`try\`/\`except\`), and not of the others: whether it exists depends on which one Python runs`;
  }
  return undefined;
}

/** Whether `columns` are the primary key of `def`, all of it. */
function samePrimaryKey(def: TableDef, columns: readonly string[]): boolean {
  const pk = def.columns.factsWhere((c) => c.primaryKey).map((c) => c.name);
  return pk.length === columns.length && pk.every((c) => columns.includes(c));
}

/** The metadata the reference's own table belongs to, where the code makes it determinable. */
export function sourceMetadata(index: SchemaIndex, file: string, ref: ReferenceFact): string | undefined {
  return sourceTable(index, file, ref)?.metadataId;
}

/** The reference's own table. */
function sourceTable(index: SchemaIndex, file: string, ref: ReferenceFact): TableDef | undefined {
  if (ref.source.className) return index.classTable(file, ref.source.className, ref.span.start)?.table;
  const name = index.resolveName(file, ref.source.table);
  if (!name) return undefined;
  return index.coreTableIn(file, name, ref.source.schema) ?? index.definitions(tableKey(name, ref.source.schema)).find((d) => d.file === file);
}

/**
 * The schema an unqualified foreign-key string of this reference's table is looked up in: its metadata's
 * (SQLAlchemy's ForeignKey: "if schema is None and parenttable.metadata.schema is not None: schema =
 * parenttable.metadata.schema"). Undefined in a migration (Alembic's operations name their schema) and where the
 * table's metadata is not known.
 */
export function metadataDefault(index: SchemaIndex, file: string, ref: ReferenceFact): MetadataSchema | undefined {
  if (ref.form !== 'string' || ref.context === 'migration') return undefined;
  const source = sourceTable(index, file, ref);
  if (source?.metadataId) return index.metadataSchema(source.metadataId);
  // A metadata FK Guard cannot resolve: whatever schema it has is where the key is looked up.
  return source?.metadataUnknownWhy ? { known: false, why: source.metadataUnknownWhy } : undefined;
}

/**
 * The schema a fix writes for a target in `schema`: none where the reference wrote none and its metadata's
 * schema is that one (`"jars.id"` stays unqualified on `MetaData(schema="archive")`), else the target's.
 */
export function writtenSchema(c: RefCheck, schema: string | undefined): string | undefined {
  if (schema === undefined || c.ref.form !== 'string' || !c.ref.target || c.ref.target.kind !== 'literal') return schema;
  if (c.ref.target.value.split('.').length > 2) return schema;
  const m = metadataDefault(c.index, c.facts.file, c.ref);
  return m?.known && m.schema === schema ? undefined : schema;
}

function migrationPoint(ref: ReferenceFact, file: string): { file: string; op: number } | undefined {
  return ref.context === 'migration' && ref.migrationOp !== undefined ? { file, op: ref.migrationOp } : undefined;
}

function orderDefs(defs: TableDef[], ref: ReferenceFact, metadataId?: string): TableDef[] {
  if (ref.context !== 'migration') {
    // SQLAlchemy resolves a string key within the referencing table's own metadata: that definition first.
    return metadataId ? [...defs.filter((d) => d.metadataId === metadataId), ...defs.filter((d) => d.metadataId !== metadataId)] : defs;
  }
  return [...defs.filter((d) => d.origin === 'migration'), ...defs.filter((d) => d.origin !== 'migration')];
}

/** The column `column` of the definitions; unset, their primary key (see `primaryKeyOf`). */
/** The name PostgreSQL gives what SQL wrote (unquoted: in lower case); the ORMs' names are as written. */
function pgName(name: string, folds: boolean | undefined): string {
  return folds ? name.toLowerCase() : name;
}

function columnOf(defs: TableDef[], column: string | undefined, byAttr: boolean, caseless = false, postgres?: { folds: boolean }, linkToName = false, propertyOnly = false): Resolution {
  // A column the reference names (not the primary key it stands for) is found by its key where it has one, and by
  // its name with `link_to_name=True`.
  const written = column !== undefined && !byAttr && !linkToName;
  let shadowed: IndexedColumn | undefined;
  if (column === undefined) {
    // The first definition decides which column the key is (history's before the models', see `orderDefs`).
    const first = defs[0];
    const pk = first ? first.columns.factsWhere((c) => c.primaryKey) : [];
    if (pk.length !== 1) return first ? primaryKeyOf(first) : { kind: 'unseen', reason: 'unknown-key-type', detail: 'no table to find a primary key in' };
    column = pk[0].name;
  }
  const name = column;
  // A database whose column names ignore letter case finds `ID` as `id` when no column is spelt `ID`.
  // PostgreSQL's name for a column SQL wrote unquoted is in lower case (see `lookup`).
  const wanted = postgres ? pgName(name, postgres.folds) : name;
  const fits = (c: IndexedColumn | undefined) => c !== undefined && pgName(c.column.name, c.column.foldsCase) === wanted;
  const byName = (def: TableDef) => {
    const exact = def.columns.get(name);
    if (written) {
      // `Column("shed_no", key="number")`: SQLAlchemy finds `sheds.number`, and `sheds.shed_no` only with
      // `link_to_name=True`, which this reference does not say: neither found nor missing (a flag FK Guard cannot
      // read may say it).
      if (exact?.column.key !== undefined) {
        shadowed = exact;
        return undefined;
      }
      const keyed = def.columns.findByFact((c) => c.key === name);
      if (keyed) return keyed;
    }
    if (!postgres || fits(exact)) return exact;
    // Only columns kept under their database name (not TypeORM's `#property` entries, whose names are not known).
    for (const [k, c] of def.columns) if (k === c.column.name && fits(c)) return c;
    return undefined;
  };
  const get = (def: TableDef) =>
    (byAttr ? def.attrs.get(name) : undefined) ??
    (propertyOnly ? undefined : byName(def)) ??
    (caseless ? [...def.columns.values()].find((c) => c.column.name.toLowerCase() === name.toLowerCase()) : undefined);
  // The first definition that holds the column (a reference is checked against ~one: no list is made of them).
  let foundDef: TableDef | undefined;
  let foundColumn: IndexedColumn | undefined;
  for (let i = 0; i < defs.length && !foundColumn; i++) {
    foundColumn = get(defs[i]);
    if (foundColumn) foundDef = defs[i];
  }
  if (foundDef && foundColumn) {
    // Definitions that lack the column, or type it differently, leave the truth open (see `decidingDefs`).
    let modelCount = 0;
    for (const d of defs) if (d.origin === 'model' || d.origin === 'core') modelCount++;
    const describe = (d: TableDef) => {
      const c = get(d);
      return c ? (c.type?.sqlType || c.column.type?.text || 'untyped') : d.incomplete ? 'unknown' : 'missing';
    };
    // In a migration, history at that point decides where it holds the column: the database is what the revisions
    // made, whatever the models (or a revision's own throwaway Tables) say.
    const ambiguous =
      modelCount > 1 &&
      !(defs[0]?.origin === 'migration' && get(defs[0]) !== undefined) &&
      new Set(defs.filter((d) => d.origin === 'model' || d.origin === 'core').map(describe)).size > 1;
    return ambiguous ? { kind: 'ok', defs, def: foundDef, column: foundColumn, ambiguous } : { kind: 'ok', defs, def: foundDef, column: foundColumn };
  }
  if (shadowed) {
    return {
      kind: 'unseen',
      reason: 'unresolved-column',
      detail: `\`${name}\` is the name of a column SQLAlchemy knows by its key \`${shadowed.column.key}\`: this string finds it only with \`link_to_name=True\`, which this ForeignKey does not say (or says by a value FK Guard cannot read)`,
    };
  }
  let keyless: IndexedColumn | undefined;
  if (written) for (let i = 0; i < defs.length && !keyless; i++) keyless = defs[i].columns.findByFact((c) => c.keyUnknown);
  if (keyless) {
    return { kind: 'unseen', reason: 'unresolved-column', detail: `the key of \`${keyless.column.name}\` is computed (\`key=\`), and it may be \`${name}\`` };
  }
  // An external table, or one whose columns partly come from code FK Guard cannot see, is trusted.
  const incomplete = defs.find((d) => d.incomplete);
  if (incomplete) return incompleteOf(incomplete);
  const named = defs.find((d) => d.namingStrategy !== undefined && (d.namingCandidates === undefined || d.namingCandidates.has(name)));
  if (named) {
    return { kind: 'unseen', reason: 'naming-strategy', detail: `\`${named.key}\` names columns by ${named.namingStrategy}` };
  }
  return { kind: 'no-column', defs, column };
}

/**
 * Whether, and why, a reference is not checked with certainty: its target is unknown or open, or the
 * key's type is unknown while the FK column's is known (so no type verdict is possible).
 */
export function uncheckedOf(c: RefCheck): { reason: UncheckedReason; detail: string } | undefined {
  const r = c.resolution;
  switch (r.kind) {
    case 'dynamic':
      return { reason: 'dynamic-name', detail: (c.ref.table?.kind === 'dynamic' && c.ref.table.why) || 'the target is computed at run time' };
    case 'unresolved':
      return { reason: 'dynamic-name', detail: r.missing ? `\`${r.missing}\` is not a constant FK Guard can read` : 'the target is computed at run time' };
    case 'unseen':
      return { reason: r.reason, detail: r.detail };
    case 'ok': {
      if (r.ambiguous) {
        const unseen = unseenDefinition(r);
        const open = unseen && incompleteOf(unseen);
        if (open?.kind === 'unseen') return { reason: open.reason, detail: open.detail };
        return { reason: 'ambiguous-table', detail: `\`${r.def.key}\` has definitions that disagree on \`${r.column.column.name}\`, none in this table's metadata or package` };
      }
      const target = r.column.type;
      if (r.column.column.maybeKey && !isProvenKey(r.def, r.column, c.ref.composite)) {
        return {
          reason: 'unresolved-column',
          detail:
            c.index.facts(r.column.file)?.language === 'python'
              ? `\`${r.def.key}.${r.column.column.name}\` says \`unique=\` or \`primary_key=\` with a value FK Guard cannot read, so whether it is a key is not known`
              : `\`${r.def.key}.${r.column.column.name}\` is made unique or a key by a value FK Guard cannot read (an option, an index), so whether it is a key is not known`,
        };
      }
      if (keyMaybeFromAlias(r.column) && !isProvenKey(r.def, r.column, c.ref.composite)) {
        return {
          reason: 'unknown-key-type',
          detail: `\`${r.def.key}.${r.column.column.name}\` is \`Mapped[${target!.text}]\`, a name FK Guard cannot read: an \`Annotated\` alias may make it a key and give its type`,
        };
      }
      if (keysNotSeen(c, r.def, r.column)) {
        const made = r.def.origin === 'migration' ? 'migrations make it without one' : 'FK Guard does not see the whole table';
        return {
          reason: 'unseen-keys',
          detail: `\`${r.def.key}\` has no primary key FK Guard can see and ${made}, so whether \`${r.column.column.name}\` is unique (which the database requires of a key's target) is not known`,
        };
      }
      // A Sequelize association's key named by Sequelize, where FK Guard cannot work out the name (R14-6).
      if (c.ref.source.sequelizeDefault && c.ref.source.column === undefined && sequelizeDefaultKey(c.index, c.facts.file, c.ref) === undefined) {
        return { reason: 'uncompared-type', detail: `Sequelize names this association's key column after \`${c.ref.owner}\` (its singular name or \`as\`, and its primary key), which FK Guard cannot work out here, so the key's type is not compared` };
      }
      const source = checkSource(c);
      const unread = source ? undefined : ownColumnUnread(c);
      if (unread) return { reason: 'unreadable-migration', detail: unread };
      // A Sequelize association's key on a model FK Guard cannot find from here (`models.Cover` of a sequelize-cli
      // `static associate(models)`, a member of an object it does not read): its type is the one that model declares, if
      // it declares the attribute, which is not known.
      const holder = c.ref.source.className;
      if (!source && holder !== undefined && c.facts.language === 'typescript' && !classNamed(c.facts.classes, holder) && !c.index.classTable(c.facts.file, holder)?.table) {
        return { reason: 'uncompared-type', detail: `the key's column is on \`${holder}\`, a model FK Guard does not find from here, so its type is not compared` };
      }
      // A FK column with no type of its own takes the key's (SQLAlchemy's `Column(ForeignKey(...))`): nothing to compare.
      // One whose type is written but not known (a Python type from a package outside the workspace) is not compared.
      if (!source?.type) {
        const written = source?.column.type;
        if (written?.source !== 'explicit' || (c.index.facts(source!.file) ?? c.facts).language !== 'python') return undefined;
        return { reason: 'uncompared-type', detail: `FK Guard does not know the type \`${written.text}\` here, so whether the database takes the key is not known` };
      }
      const uncompared = target ? uncomparedTypes(source.type, target) : undefined;
      if (uncompared) return { reason: 'uncompared-type', detail: `\`${source.type.text}\` here and \`${target!.text}\` at \`${r.def.key}.${r.column.column.name}\`: ${uncompared}, so whether the database takes the key is not known` };
      if (c.config.dialect === 'mysql' && target && mysqlServerDependent(source.type, target)) {
        return {
          reason: 'server-dependent',
          detail: `\`${source.type.text}\` here and \`${target.text}\` at \`${r.def.key}.${r.column.column.name}\`: MySQL 8 refuses this foreign key, MariaDB accepts it (it compares how the two types are stored), and which of them runs the project FK Guard does not know`,
        };
      }
      if (target && target.family !== 'other') return undefined;
      if (target && source.type.family === 'other') return undefined;
      const lost = r.column.unreadable;
      if (lost) {
        const at = lost.span ? where(lost.file, c.index.rangeIn(lost.file, lost.span)) : lost.file;
        return {
          reason: 'unreadable-migration',
          detail: `the type of \`${r.def.key}.${r.column.column.name}\` is not known after ${at}, which changes \`${r.column.column.name}\` of a table FK Guard cannot name (a loop or helper it cannot read)`,
        };
      }
      const written = r.column.column.type?.text ?? r.column.column.annotation?.text;
      if (r.column.column.typeFromMap) {
        return {
          reason: 'unknown-key-type',
          detail: `\`${r.def.key}.${r.column.column.name}\` is \`Mapped[${written}]\` on a base with a \`type_annotation_map\`, which decides its type and which FK Guard does not read, so types are not compared`,
        };
      }
      return {
        reason: 'unknown-key-type',
        detail: `the type of \`${r.def.key}.${r.column.column.name}\`${written ? ` (\`${written}\`)` : ''} is not known, so types are not compared`,
      };
    }
    default:
      return undefined;
  }
}

/**
 * Why FK Guard does not compare these two types (see `typeMismatchFor`), or undefined when it does. It compares what
 * its type families hold, and one type with itself (`inet` and `inet`, an enum `mood` of SQL with itself); not an enum,
 * a domain, `inet`, `money`, `bit`, `oid` or an array with another type, whose rules PostgreSQL decides by operator
 * families FK Guard does not model (`cidr` and `inet` are one, `integer` to `oid` passes and `oid` to `integer` does
 * not, a domain is its base type), nor a SQLAlchemy `Enum`, whose database type it does not know. A Prisma relation is
 * judged by Prisma's rule on the two scalar types (see `prismaRefuses`).
 */
function uncomparedTypes(source: TypeFact, target: TypeFact): string | undefined {
  if (source.style === 'prisma' && target.style === 'prisma' && source.name !== 'Unsupported' && target.name !== 'Unsupported') return undefined;
  // A key of a type FK Guard does not know at all is `unknown-key-type` (see `uncheckedOf`).
  if (target.family === 'other' && target.sqlType === '') return undefined;
  if (source.family === 'enum') return 'FK Guard does not know which database type an enum column is';
  if (source.family !== 'other' && target.family !== 'other') return undefined;
  if (source.sqlType !== '' && source.sqlType === target.sqlType) return undefined;
  return source.family === 'other' && source.sqlType === '' ? "FK Guard does not know the FK column's type" : 'FK Guard does not compare these types';
}

/**
 * A column that may be a key FK Guard cannot see: its `unique=`/`primary_key=` is a value FK Guard cannot read
 * (`ColumnFact.maybeKey`), or it is a `Mapped[X]` whose X FK Guard cannot read (see `TypeFact.alias`), where an
 * `Annotated` alias may make it a primary key or unique, and gives its type.
 */
export function keyMaybeFromAlias(col: IndexedColumn): boolean {
  return col.column.maybeKey === true || (col.type?.alias !== undefined && col.type.family === 'other' && col.type.sqlType === '');
}

/**
 * Whether a column is proven to be a key a foreign key may target: a primary key (alone), unique, or a
 * one-column unique constraint. A composite reference needs exactly one of the table's composite keys.
 */
export function isProvenKey(def: TableDef, col: IndexedColumn, composite?: readonly string[]): boolean {
  const pk = def.columns.factsWhere((x) => x.primaryKey).map((x) => x.name);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
  if (composite && composite.length > 1) return same(pk, composite) || def.keys.some((k) => same(k, composite));
  return col.column.unique || (col.column.primaryKey && pk.length === 1) || def.keys.some((k) => k.length === 1 && k[0] === col.column.name);
}

/**
 * Where a fix may point this reference: the definition and column of `table.column` as this reference
 * would see them, when the target would pass every rule (one certain definition, a proven key, the same
 * metadata for a string key). Undefined otherwise: such a target is neither suggested nor written.
 */
export function fixTarget(c: RefCheck, schema: string | undefined, table: string, column: string | undefined, byAttr = false): { def: TableDef; column: IndexedColumn } | undefined {
  if (c.ref.composite && c.ref.composite.length > 1) return undefined;
  // A name with capitals written where SQL leaves it unquoted is read in lower case by PostgreSQL: the fix
  // would need quotes, which the same text in another database would read otherwise.
  if (c.index.dialectOf(c.facts.file) === 'postgresql') {
    const table0 = c.ref.table?.kind === 'literal' ? c.ref.table.value : undefined;
    if (c.ref.tableFoldsCase && table !== table0 && table !== table.toLowerCase()) return undefined;
    if (c.ref.columnFoldsCase && column !== undefined && column !== c.ref.column && column !== column.toLowerCase()) return undefined;
  }
  const file = c.facts.file;
  // An unqualified key is looked up in the metadata's schema: a table in no schema cannot be written from there.
  if (schema === undefined) {
    const m = metadataDefault(c.index, file, c.ref);
    if (m && (!m.known || m.schema !== undefined)) return undefined;
  }
  const key = tableKey(table, schema);
  const metadataId = sourceMetadata(c.index, file, c.ref);
  const defs = decidingDefs(c.index, definitionsFor(c.index, file, key, migrationPoint(c.ref, file)), c.ref, metadataId, file);
  if (defs.some((d) => d.schemaUnknown)) return undefined;
  const r = columnOf(defs, column, byAttr, false, undefined, c.ref.linkToName, byAttr && c.ref.byProperty === true);
  if (r.kind !== 'ok' || r.ambiguous || !targetPassesRules(c, r.def, r.column)) return undefined;
  return { def: r.def, column: r.column };
}

/** Whether a resolved target passes the rules about the target itself: a proven key, in the same metadata. */
export function targetPassesRules(c: RefCheck, def: TableDef, column: IndexedColumn): boolean {
  if (!isProvenKey(def, column, c.ref.composite)) return false;
  const metadataId = sourceMetadata(c.index, c.facts.file, c.ref);
  const crosses = c.ref.form === 'string' && c.ref.context !== 'migration' && metadataId && def.metadataId && def.metadataId !== metadataId;
  return !crosses;
}

/** `sourceColumn` of the check's reference, found once for the check: its type rule and `uncheckedOf` both ask. */
export function checkSource(c: RefCheck): SourceColumn | undefined {
  if (c.source === undefined) c.source = sourceColumn(c.facts, c.ref, c.index) ?? null;
  return c.source ?? undefined;
}

/**
 * The class `name` of `classes` whose body holds `span`: a module may define a class twice (`if`/`else`, `try`/`except
 * ImportError` alternatives, R14-15), and a key of each is judged with that definition's own columns (either may be
 * the one that runs). The first of that name when none holds it (an alias key's reference lies in its class too).
 */
function classHolding(classes: readonly ClassFact[], name: string, span: Span): ClassFact | undefined {
  const first = classNamed(classes, name);
  if (!first || (first.span.start <= span.start && span.end <= first.span.end)) return first;
  return classes.find((c) => c.name === name && c.span.start <= span.start && span.end <= c.span.end) ?? first;
}

/** Finds the FK column a reference belongs to, in the file or through the index. */
export function sourceColumn(facts: FileFacts, ref: ReferenceFact, index: SchemaIndex): SourceColumn | undefined {
  const name = ref.source.column ?? (ref.source.sequelizeDefault ? sequelizeDefaultKey(index, facts.file, ref) : undefined);
  if (!name) return undefined;
  const file = facts.file;
  const withType = (column: ColumnFact, f: string): SourceColumn => ({ column, file: f, type: index.resolveType(f, column.type) });
  if (ref.source.className) {
    const cls = classHolding(facts.classes, ref.source.className, ref.span);
    const own = cls?.columns.find((c) => c.name === name || c.attr === name);
    if (own) return withType(own, file);
    const mapping = index.classTable(file, ref.source.className, ref.span.start);
    const inherited = mapping?.table?.columns.get(name) ?? mapping?.table?.attrs.get(name);
    return inherited ? { column: inherited.column, file: inherited.file, type: inherited.type } : undefined;
  }
  const tableName = index.resolveName(file, ref.source.table);
  if (!tableName) return undefined;
  // A migration may make a table of one name twice (made, renamed away, made again): the reference's own table is
  // the one whose statement holds it, and the column it adds is the last one added before it.
  const holds = (span: Span) => span.start <= ref.span.start && ref.span.end <= span.end;
  const tables = facts.tables.filter((t) => index.resolveName(file, t.name) === tableName && (t.schema ?? '') === (ref.source.schema ?? ''));
  const ops = facts.migration?.ops ?? [];
  // The same file may change the column it made before the key is made (`ADD COLUMN x varchar`, `ALTER COLUMN x SET
  // DATA TYPE uuid`, `ADD CONSTRAINT … FOREIGN KEY (x)`): the key sees the column as those steps leave it.
  const changedBefore = (column: ColumnFact, made: number): SourceColumn | undefined => {
    let c = column;
    const until = made < 0 ? -1 : (ref.migrationOp ?? ops.length);
    for (let i = made + 1; i < until; i++) {
      const op = ops[i];
      if (op.op !== 'alter_column' || op.table !== tableName || op.column !== c.name) continue;
      if (op.newName !== undefined && op.newName !== c.name) return undefined;
      if (op.type !== undefined) c = { ...c, type: op.type, ...(op.span ? { span: op.span } : {}) };
    }
    return withType(c, file);
  };
  for (const t of [...tables.filter((t) => holds(t.span)), ...tables.filter((t) => !holds(t.span))]) {
    const c = t.columns.find((col) => col.name === name);
    const made = ops.findIndex((op) => op.op === 'create_table' && facts.tables[op.tableIndex] === t);
    // `CREATE TABLE IF NOT EXISTS` of a table history already holds (made by an earlier file) changes nothing: the
    // key's column is the standing table's (R15-21).
    const madeOp = made >= 0 ? ops[made] : undefined;
    if (madeOp?.op === 'create_table' && madeOp.ifNotExists && ref.context === 'migration') {
      const standing = index.definitions(tableKey(tableName, ref.source.schema), migrationPoint(ref, file)).find((d) => d.origin === 'migration');
      if (standing && standing.file !== file) continue;
    }
    if (c) return changedBefore(c, made);
  }
  let added: ColumnFact | undefined;
  let addedAt = -1;
  // By index: each reference of a migration walks all the file's operations, and a loop over `entries()` allocated a
  // pair and a step result per operation (on the bench, a tenth of what the findings phase allocated).
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.op !== 'add_column' || op.table !== tableName || op.column.name !== name) continue;
    if (!added || op.column.span.start <= ref.span.start) {
      added = op.column;
      addedAt = i;
    }
  }
  if (added) return changedBefore(added, addedAt);
  // A table this migration makes from a list FK Guard cannot read may be the key's own (R16-6): its column is not known
  // here, and another definition's (the model's) may not be the one the migration makes.
  if (ref.context === 'migration' && unreadTableBefore(facts, ref, index)) return undefined;
  const defs = orderDefs(index.definitions(tableKey(tableName, ref.source.schema), migrationPoint(ref, file)), ref);
  // A migration's key sees its table as history has it at that point: where migrations make the table, the column
  // of another definition (the entity's, the model's) is not the one the database has there (R15-19).
  const fromHistory = ref.context === 'migration' && defs.some((d) => d.origin === 'migration');
  for (const d of defs) {
    if (fromHistory && d.origin !== 'migration') continue;
    const c = d.columns.get(name);
    if (c && d.origin !== 'external') return { column: c.column, file: c.file, type: c.type };
  }
  return undefined;
}

/** A table the reference's migration makes before it from a list FK Guard cannot read (`op.create_table(*args)`, R16-6). */
function unreadTableBefore(facts: FileFacts, ref: ReferenceFact, index: SchemaIndex): CoreTableFact | undefined {
  return facts.tables.find((t) => t.origin === 'migration' && t.unreadColumn !== undefined && t.span.end <= ref.span.start && index.resolveName(facts.file, t.name) === undefined);
}

/**
 * A migration's key whose own column no migration step FK Guard read makes before it, on a table migrations make (a
 * helper method of the migration class adds it, code FK Guard does not follow): the column's type there is not known.
 */
function ownColumnUnread(c: RefCheck): string | undefined {
  const { ref, facts, index } = c;
  if (ref.context !== 'migration' || ref.source.className || !ref.source.column || !ref.source.table) return undefined;
  const name = index.resolveName(facts.file, ref.source.table);
  if (!name) return undefined;
  const unread = unreadTableBefore(facts, ref, index);
  if (unread) return `\`${name}\` may be the table this migration makes from \`${unread.unreadColumn}\`, whose columns FK Guard cannot read, so the type of \`${ref.source.column}\` here is not known`;
  const defs = index.definitions(tableKey(name, ref.source.schema), migrationPoint(ref, facts.file));
  if (!defs.some((d) => d.origin === 'migration')) return undefined;
  return `\`${name}.${ref.source.column}\` is made by no migration step FK Guard read before this key (a helper method, or code it does not follow, may add it), so its type here is not known`;
}

/**
 * The attribute Sequelize 6 gives an association's key when no `foreignKey` is written (`ReferenceSource.
 * sequelizeDefault`), from the referenced model (`ref.owner`), as `Utils.camelize(prefix + '_' + its
 * primaryKeyAttribute)` (lib/associations):
 * - `belongsTo`: the prefix is `as`, else the target's `options.name.singular` (`Post.belongsTo(User, { as: 'author' })`
 *   → `authorId`, `Note.belongsTo(User)` → `UserId`, a key `sku` → `ShopSku`);
 * - `hasOne`: `Utils.singularize(as ?? source.name)`;
 * - `hasMany`: the source's `options.name.singular` (`as` plays no part).
 * `options.name.singular` is `name: { singular }` where the model says it, else `Utils.singularize(modelName)`. The
 * prefix ignores `targetKey`/`sourceKey`: the primary key names it whatever the key references. Undefined where FK
 * Guard cannot tell: an `as` it cannot read, a model it does not read whole, no single primary key.
 */
export function sequelizeDefaultKey(index: SchemaIndex, file: string, ref: ReferenceFact): string | undefined {
  const d = ref.source.sequelizeDefault;
  if (!d || ref.owner === undefined || d.as === null) return undefined;
  const found = index.findClass(file, ref.owner);
  const options = found?.cls.sequelizeOptions;
  const table = index.classTable(file, ref.owner, ref.span.start)?.table;
  if (!options || !table || table.incomplete || options.singular === null) return undefined;
  const pk = table.columns.factsWhere((c) => c.primaryKey);
  if (pk.length !== 1) return undefined;
  const key = pk[0].attr ?? pk[0].name;
  const singular = options.singular ?? singularize(options.model);
  const prefix = d.method === 'belongsTo' ? (d.as ?? singular) : d.method === 'hasOne' ? singularize(d.as ?? options.model) : singular;
  return sequelizeCamelize(`${prefix}_${key}`);
}

/** Sequelize's `Utils.camelize`: `author_id` → `authorId`, `User_id` → `UserId` (the first letter kept as it is). */
function sequelizeCamelize(str: string): string {
  return str.trim().replace(/[-_\s]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}

/** `src/app/models.py:37` for a message, 1-based like an editor shows it. */
export function where(file: string, range: Range): string {
  return file ? `${file}:${range.start.line + 1}` : 'the FK Guard configuration';
}

export function tableLocation(index: SchemaIndex, def: TableDef): RelatedLocation | undefined {
  if (!def.file) return undefined;
  return { file: def.file, range: index.rangeIn(def.file, def.span), message: `\`${def.key}\` is defined here` };
}

export function columnLocation(index: SchemaIndex, def: TableDef, c: IndexedColumn): RelatedLocation | undefined {
  if (!c.file) return undefined;
  const type = c.type ? ` (${c.column.type?.text ?? c.type.text})` : '';
  return { file: c.file, range: index.rangeIn(c.file, c.column.span), message: `\`${def.key}.${c.column.name}\`${type} is defined here` };
}

export function rangeOfRef(facts: FileFacts, ref: ReferenceFact): Range {
  return rangeOf(facts.lineStarts, ref.span);
}
