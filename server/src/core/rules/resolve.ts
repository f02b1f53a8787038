import type { FkGuardConfig } from '../config';
import { IndexedColumn, SchemaIndex, TableDef, tableKey } from '../schemaIndex';
import { rangeOf } from '../text';
import { ColumnFact, FileFacts, Range, ReferenceFact, RelatedLocation, TypeFact } from '../types';

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
}

export type Resolution =
  /** FK Guard cannot know the target (a call, an attribute of an object); nothing is reported. */
  | { kind: 'dynamic' }
  /** A constant or f-string whose value FK Guard could not find; reported as info. */
  | { kind: 'unresolved'; missing: string }
  /** The target is a class or variable FK Guard does not see (imported from a package); nothing is reported. */
  | { kind: 'unseen' }
  | { kind: 'malformed'; text: string }
  | { kind: 'no-table'; schema?: string; table: string; column: string }
  /** A class that must exist (a Prisma relation's model, see `ReferenceFact.ownerSpan`) is nowhere. */
  | { kind: 'no-class'; owner: string }
  | { kind: 'no-column'; defs: TableDef[]; column: string }
  | { kind: 'ok'; defs: TableDef[]; def: TableDef; column: IndexedColumn };

/** The FK column: its fact, the file it is written in, and its type with project types resolved. */
export interface SourceColumn {
  column: ColumnFact;
  file: string;
  type?: TypeFact;
}

export function resolveReference(facts: FileFacts, ref: ReferenceFact, index: SchemaIndex): { display: string; resolution: Resolution } {
  const file = facts.file;
  if (ref.form === 'string') {
    const display = ref.target?.kind === 'literal' ? ref.target.value : ref.target?.kind === 'dynamic' ? ref.target.text : displayExpr(ref);
    if (!ref.target || ref.target.kind === 'dynamic') return { display, resolution: { kind: 'dynamic' } };
    const value = index.resolveName(file, ref.target);
    if (value === undefined) {
      const missing = ref.target.kind === 'const' ? ref.target.name : ref.target.kind === 'template' ? firstMissing(index, file, ref) : '';
      return { display, resolution: { kind: 'unresolved', missing } };
    }
    const parts = value.split('.');
    if (parts.length < 2 || parts.some((p) => p === '')) return { display: value, resolution: { kind: 'malformed', text: value } };
    const column = parts.pop()!;
    const table = parts.pop()!;
    const schema = parts.length > 0 ? parts.join('.') : undefined;
    return { display: value, resolution: lookup(index, file, ref, schema, table, column) };
  }
  if (ref.form === 'pair') {
    const table = index.resolveName(file, ref.table);
    const display = `${ref.tableSchema ? `${ref.tableSchema}.` : ''}${table ?? '?'}.${ref.column ?? '?'}`;
    if (table === undefined || ref.column === undefined) return { display, resolution: { kind: 'dynamic' } };
    return { display, resolution: lookup(index, file, ref, ref.tableSchema, table, ref.column) };
  }
  const display = ref.form === 'table-c' ? `${ref.owner}.c.${ref.attr}` : ref.attr ? `${ref.owner}.${ref.attr}` : `${ref.owner}`;
  if (!ref.owner || (!ref.attr && ref.form !== 'attribute')) return { display, resolution: { kind: 'dynamic' } };
  if (ref.form === 'table-c' || ref.form === 'variable') {
    const def = index.tableVariable(file, ref.owner);
    if (!def) return { display, resolution: { kind: 'unseen' } };
    return { display, resolution: columnOf([def], ref.attr!, ref.form === 'variable') };
  }
  const mapping = index.classTable(file, ref.owner);
  if (!mapping && ref.ownerSpan) return { display: ref.owner, resolution: { kind: 'no-class', owner: ref.owner } };
  if (!mapping || !mapping.table) return { display, resolution: { kind: 'unseen' } };
  if (!ref.attr) return { display, resolution: primaryKeyOf(mapping.table) };
  return { display, resolution: columnOf([mapping.table], ref.attr, true) };
}

/** `@ManyToOne(() => User)` with no referenced column names the primary key; a composite one is not judged. */
function primaryKeyOf(def: TableDef): Resolution {
  const pk = [...def.columns.values()].filter((c) => c.column.primaryKey);
  return pk.length === 1 ? { kind: 'ok', defs: [def], def, column: pk[0] } : { kind: 'unseen' };
}

function displayExpr(ref: ReferenceFact): string {
  if (ref.target?.kind === 'const') return ref.target.name;
  if (ref.target?.kind === 'template') return `f"${ref.target.parts.map((p) => ('literal' in p ? p.literal : `{${p.const}}`)).join('')}"`;
  return '';
}

function firstMissing(index: SchemaIndex, file: string, ref: ReferenceFact): string {
  if (ref.target?.kind !== 'template') return '';
  for (const p of ref.target.parts) if ('const' in p && index.resolveConst(file, p.const) === undefined) return p.const;
  return '';
}

/** The definitions a reference should be checked against, in order of trust for where it is written. */
function lookup(index: SchemaIndex, file: string, ref: ReferenceFact, schema: string | undefined, table: string, column: string): Resolution {
  const defs = orderDefs(index.definitions(tableKey(table, schema), migrationPoint(ref, file)), ref, sourceMetadata(index, file, ref));
  if (defs.length === 0) return { kind: 'no-table', schema, table, column };
  return columnOf(defs, column, false);
}

/** The metadata the reference's own table belongs to, where the code makes it determinable. */
export function sourceMetadata(index: SchemaIndex, file: string, ref: ReferenceFact): string | undefined {
  if (ref.source.className) return index.classTable(file, ref.source.className)?.table?.metadataId;
  const name = index.resolveName(file, ref.source.table);
  return name ? index.definitions(tableKey(name, ref.source.schema)).find((d) => d.file === file)?.metadataId : undefined;
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

function columnOf(defs: TableDef[], column: string, byAttr: boolean): Resolution {
  for (const def of defs) {
    const c = (byAttr ? def.attrs.get(column) : undefined) ?? def.columns.get(column);
    if (c) return { kind: 'ok', defs, def, column: c };
  }
  // An external table, or one whose columns partly come from code FK Guard cannot see, is trusted.
  if (defs.some((d) => d.incomplete)) return { kind: 'unseen' };
  return { kind: 'no-column', defs, column };
}

/** Finds the FK column a reference belongs to, in the file or through the index. */
export function sourceColumn(facts: FileFacts, ref: ReferenceFact, index: SchemaIndex): SourceColumn | undefined {
  const name = ref.source.column;
  if (!name) return undefined;
  const file = facts.file;
  const withType = (column: ColumnFact, f: string): SourceColumn => ({ column, file: f, type: index.resolveType(f, column.type) });
  if (ref.source.className) {
    const cls = facts.classes.find((c) => c.name === ref.source.className);
    const own = cls?.columns.find((c) => c.name === name || c.attr === name);
    if (own) return withType(own, file);
    const mapping = index.classTable(file, ref.source.className);
    const inherited = mapping?.table?.columns.get(name) ?? mapping?.table?.attrs.get(name);
    return inherited ? { column: inherited.column, file: inherited.file, type: inherited.type } : undefined;
  }
  const tableName = index.resolveName(file, ref.source.table);
  if (!tableName) return undefined;
  for (const t of facts.tables) {
    if (index.resolveName(file, t.name) !== tableName || (t.schema ?? '') !== (ref.source.schema ?? '')) continue;
    const c = t.columns.find((col) => col.name === name);
    if (c) return withType(c, file);
  }
  for (const op of facts.migration?.ops ?? []) {
    if (op.op === 'add_column' && op.table === tableName && op.column.name === name) return withType(op.column, file);
  }
  const defs = orderDefs(index.definitions(tableKey(tableName, ref.source.schema), migrationPoint(ref, file)), ref);
  for (const d of defs) {
    const c = d.columns.get(name);
    if (c && d.origin !== 'external') return { column: c.column, file: c.file, type: c.type };
  }
  return undefined;
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
