import { ColumnFact, CoreTableFact, Span, TypeFact } from './types';

/*
 * The table definitions the schema index derives and the migration history replays: one module both build
 * on, so neither imports the other.
 */

/** A column as the index knows it: the fact, and the file whose text its spans point into. */
export interface IndexedColumn {
  column: ColumnFact;
  file: string;
  /** The type with project aliases and TypeDecorators resolved; undefined when nothing is known. */
  type?: TypeFact;
  /**
   * The type became unknown at this migration operation, which changes a column of this name in a table FK
   * Guard cannot name (a loop over something it cannot read, a helper called with a computed name).
   */
  unreadable?: { file: string; span?: Span };
}

export type TableOrigin = 'model' | 'core' | 'migration' | 'external';

/** One definition of a table: a mapped class, a Core `Table`, the state migrations leave, or the config. */
export interface TableDef {
  key: string;
  name: string;
  schema?: string;
  origin: TableOrigin;
  file: string;
  span: Span;
  className?: string;
  columns: Map<string, IndexedColumn>;
  /**
   * Columns by Python attribute name, for `ForeignKey(User.id)`. The same map as `columns` while every property
   * is its column's name: write a property named apart from its column only after `ownAttrs`.
   */
  attrs: Map<string, IndexedColumn>;
  keys: string[][];
  /** Keys created under a name FK Guard read (constraint or unique index name → columns). */
  keyNames?: Map<string, string[]>;
  /** Columns may come from bases FK Guard cannot see: an unknown column is not reported then. */
  incomplete: boolean;
  /** Made by SQL DDL that wrote the name unquoted: PostgreSQL's name for it is in lower case. */
  foldsCase?: boolean;
  /** Made by a `CREATE TABLE` the SQL parser refused: its columns are not known (`incomplete` too). */
  unparsed?: boolean;
  /** The metadata object the table belongs to, where the code makes that determinable. */
  metadataId?: string;
  /**
   * The table is on a metadata object FK Guard cannot resolve (imported from a package, made by a call): why. Its
   * unqualified foreign-key strings are looked up in that metadata's schema, which is not known either.
   */
  metadataUnknownWhy?: string;
  /** Why `incomplete`: the base class (as written) FK Guard could not resolve. */
  unresolvedBase?: string;
  /** The schema comes from a computed `__table_args__`: the key's schema part is not known. */
  schemaUnknown?: boolean;
  /** Why `schemaUnknown`, when it is the metadata's schema FK Guard cannot know (see `ClassMapper.metadataSchema`). */
  schemaUnknownWhy?: string;
  /** A Core table that names no schema: `schema` is its metadata's (`MetaData(schema="x")`). */
  schemaFromMetadata?: true;
  /** Why `incomplete`: a class attribute built by a call FK Guard cannot read (`id = pk()`). */
  unresolvedColumn?: string;
  /**
   * TypeORM names some columns by the project's own naming strategy (as written in the data source), Sequelize
   * by an `underscored` option FK Guard cannot read, so their database names are not known: they are found by
   * property only (in `columns` under `#property`), and a name the table lacks may be one of theirs. What names
   * them and where, for messages ("… names columns by <this>").
   */
  namingStrategy?: string;
  /** A Core table built only where the main definition is missing (see `CoreTableFact.fallback`). */
  fallback?: boolean;
  /**
   * The table as it would stand had a migration operation FK Guard cannot tell ran (inside an `if`, a `try`,
   * a loop it cannot unroll) not run: `def` null when the table would not exist. Its own `alt` goes one such
   * operation further back. A verdict that differs between them is not given (see `rules/resolve.ts`).
   */
  alt?: { def: TableDef | null; file: string; span: Span; why?: 'unknown-constraint'; name?: string };
  /** Some column came from another file than the table's (a mixin, single-table inheritance): see `addColumn`. */
  columnsFromOtherFiles?: true;
}

export function tableKey(name: string, schema?: string): string {
  return schema ? `${schema}.${name}` : name;
}

export function newTable(name: string, schema: string | undefined, origin: TableOrigin, file: string, span: Span): TableDef {
  // Until a property is named apart from its column, the columns by property are the columns by name: one map
  // (see `ownAttrs`).
  const columns = new Map<string, IndexedColumn>();
  return {
    key: tableKey(name, schema),
    name,
    schema,
    origin,
    file,
    span,
    columns,
    attrs: columns,
    keys: [],
    incomplete: false,
  };
}

/**
 * The table a Core `Table(...)` or a `CREATE TABLE` makes (under the name and schema the caller resolved): its
 * columns (typed by `typeOf`), keys, and what is not known of it (a column FK Guard could not name, a statement
 * the SQL parser refused). The models' view and migration history build it alike.
 */
export function tableFromFact(
  t: CoreTableFact,
  name: string,
  schema: string | undefined,
  origin: TableOrigin,
  file: string,
  typeOf: (type: TypeFact | undefined) => TypeFact | undefined,
): TableDef {
  const def = newTable(name, schema, origin, file, t.nameSpan);
  for (const c of t.columns) addColumn(def, c, file, typeOf(c.type));
  def.keys = t.keys;
  if (t.unreadColumn) {
    def.incomplete = true;
    def.unresolvedColumn = t.unreadColumn;
  }
  if (t.foldsCase) def.foldsCase = true;
  if (t.unparsed) def.incomplete = def.unparsed = true;
  return def;
}

/**
 * `def.attrs` as a map of its own, which it must be before a property that is not its column's name is written
 * (to either map). A table starts with one map for both (see `newTable`), and keeps it as long as every property
 * is its column's name: then the two held the same entries in the same order anyway. On the bench's 1k workspace
 * that was all but a few of 4,518 tables, whose second map took 3.4 MB of a 67 MB heap; on the realshaped one,
 * every version of a table that migration history keeps held two (4 MB of 39 MB).
 */
export function ownAttrs(def: TableDef): Map<string, IndexedColumn> {
  if (def.attrs === def.columns) def.attrs = new Map(def.columns);
  return def.attrs;
}

/** Adds a column unless the table already has one of that name (the first definition wins). */
export function addColumn(def: TableDef, column: ColumnFact, file: string, type: TypeFact | undefined): void {
  if (column.attr !== undefined && column.attr !== column.name) ownAttrs(def);
  const existing = def.columns.get(column.name);
  if (existing) {
    // The same database column under another property (TypeORM: a subclass's `@JoinColumn({ name: 'tenant_id' })`
    // over a base's `@Column({ name: 'tenant_id' }) tenantId`): `referencedColumnName: 'tenantId'` still finds it.
    const attr = column.attr ?? column.name;
    if (!existing.column.type && column.type && existing.column.hasForeignKey && !existing.column.primaryKey && !column.hasForeignKey) {
      // The relation's key column was met first, the declaration that types it (unique, nullable) after: the
      // declaration is the column, and the relation's property stays a name for it.
      const declared: IndexedColumn = { column, file, type };
      def.columns.set(column.name, declared);
      for (const [k, v] of def.attrs) if (v === existing) def.attrs.set(k, declared);
      if (!def.attrs.has(attr)) def.attrs.set(attr, declared);
      if (file !== def.file) def.columnsFromOtherFiles = true;
      return;
    }
    if (!def.attrs.has(attr)) def.attrs.set(attr, existing);
    return;
  }
  const c: IndexedColumn = { column, file, type };
  def.columns.set(column.name, c);
  def.attrs.set(column.attr ?? column.name, c);
  if (file !== def.file) def.columnsFromOtherFiles = true;
}
