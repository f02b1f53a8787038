import { ColumnFact, CoreTableFact, Persistence, Span, TypeFact } from './types';

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
  columns: ColumnMap;
  /**
   * Columns by Python attribute name, for `ForeignKey(User.id)`. The same map as `columns` while every property
   * is its column's name: write a property named apart from its column only after `ownAttrs`.
   */
  attrs: ColumnMap;
  keys: string[][];
  /** Keys created under a name FK Guard read (constraint or unique index name → columns). */
  keyNames?: Map<string, string[]>;
  /**
   * Names in `keyNames` of unique constraints or indexes a migration made on the primary key's own columns: dropping
   * one of them leaves the primary key (MariaDB 10.11: `ADD CONSTRAINT u UNIQUE (id)`, `DROP INDEX u`, `id` still its key).
   */
  uniqueOnPrimary?: ReadonlySet<string>;
  /** The names a migration renamed the table from, oldest first: PostgreSQL's default key names keep the name they were made under. */
  formerNames?: readonly string[];
  /**
   * Made `UNLOGGED` or `TEMPORARY` by PostgreSQL DDL (and as `ALTER TABLE ... SET LOGGED|UNLOGGED` leaves it in a
   * history); unset: permanent, or not said (see `rules/persistence-mismatch.ts`).
   */
  persistence?: Persistence;
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
  /**
   * A mapped class's table whose arguments may add to or keep an existing table of its name (`extend_existing`,
   * `keep_existing`, arguments FK Guard cannot read), so SQLAlchemy does not refuse a second definition of it.
   */
  extendsExisting?: true;
  /** Why `incomplete`: the base class (as written) FK Guard could not resolve. */
  unresolvedBase?: string;
  /** The schema comes from a computed `__table_args__`: the key's schema part is not known. */
  schemaUnknown?: boolean;
  /** Why `schemaUnknown`, when it is the metadata's schema FK Guard cannot know (see `ClassMapper.metadataSchema`). */
  schemaUnknownWhy?: string;
  /**
   * Why the table, keyed without a schema, may have one all the same (its metadata is lost behind a base FK Guard
   * cannot resolve): a schema-qualified name no table has may be this one (see `SchemaIndex.unknownSchemaTable`).
   */
  schemaLost?: string;
  /** A Core table that names no schema: `schema` is its metadata's (`MetaData(schema="x")`). */
  schemaFromMetadata?: true;
  /** Why `incomplete`: a class attribute built by a call FK Guard cannot read (`id = pk()`). */
  unresolvedColumn?: string;
  /**
   * Attributes the class or a class it is built on binds to what is no column (see `ClassFact.otherAttrs`), with the
   * class and file that bind them: `ForeignKey(Model.attr)` naming one is not a missing column.
   */
  otherAttrs?: Map<string, { className: string; file: string }>;
  /**
   * TypeORM names some columns by the project's own naming strategy (as written in the data source), Sequelize
   * by an `underscored` option FK Guard cannot read, so their database names are not known: they are found by
   * property only (in `columns` under `#property`), and a name the table lacks may be one of theirs. What names
   * them and where, for messages ("… names columns by <this>").
   */
  namingStrategy?: string;
  /**
   * With `namingStrategy`, when the names it may give are few: every name a column of this table may have (Drizzle's
   * unnamed builders under each `casing`). A name outside them is no column whatever the naming.
   */
  namingCandidates?: Set<string>;
  /** A Core table built only where the main definition is missing (see `CoreTableFact.fallback`). */
  fallback?: boolean;
  /**
   * The table as it would stand had a migration operation FK Guard cannot tell ran (inside an `if`, a `try`,
   * a loop it cannot unroll) not run: `def` null when the table would not exist. Its own `alt` goes one such
   * operation further back. A verdict that differs between them is not given (see `rules/resolve.ts`).
   */
  alt?: { def: TableDef | null; file: string; span: Span; why?: 'unknown-constraint' | 'unknown-unique'; name?: string };
  /** Some column came from another file than the table's (a mixin, single-table inheritance): see `addColumn`. */
  columnsFromOtherFiles?: true;
  /**
   * A migration FK Guard read dropped a primary-key column of the table: a table with no primary key is then one
   * whose lack of it is known, not one whose keys are partly unseen (see `rules/not-unique-target.ts`).
   */
  primaryKeyDropped?: true;
  /**
   * A table an ORM names after other tables (TypeORM's join table of `@JoinTable()` without a `name`, or with columns
   * named after a side's table): the keys of those tables. Renaming one of them renames this table or its columns too.
   */
  namedAfter?: string[];
}

/**
 * A table's columns by name (or by property), in the order they were added: what a `Map` of them gives, held in
 * one list of names and columns side by side. A table is looked up by column a few times and holds a few dozen
 * at most; a `Map` of them took a hash table of 470-920 bytes besides the columns (on the bench's 10,000 model
 * files, 45,000 tables; every version of a table migration history keeps holds one too). Names are compared one
 * by one up to `INDEXED_FROM` columns; a larger table keeps a `Map` from name to place as well.
 *
 * A loop over it sees what a loop over a `Map` would: entries set or deleted during the loop included.
 *
 * A column of the map's own file whose type is its fact's (no project type to resolve) and was never made unreadable
 * is kept as its bare fact, and read back as a new `IndexedColumn` of equal value: such are nearly all of them, and
 * the `IndexedColumn` each kept took 48 bytes (on the bench's 10,000 model files, ~700,000 of them, ~32 MB). So an
 * entry read twice gives two objects: compare entries by `sameColumn`, never by identity.
 */
export class ColumnMap implements ReadonlyMap<string, IndexedColumn> {
  /**
   * Names and columns side by side: `[name0, column0, name1, column1, …]`, a column as its bare fact or as the
   * `IndexedColumn` it was set as (see above). An entry deleted while a loop runs leaves `HOLE` in its name's place
   * (and the loop's places stay right); otherwise it is taken out.
   */
  /** Read by `ColumnMapIterator`, as is `looping`. */
  slots: Array<string | ColumnFact | IndexedColumn | typeof HOLE | undefined>;
  /** The file of the columns kept bare: the file of the table the map was made for. */
  readonly file: string | undefined;
  private holes = 0;
  /** Loops over the entries begun and not ended. */
  looping = 0;
  /** Name → place in `slots` (of the name), for a table of more than `INDEXED_FROM` columns; made on first lookup. */
  private places: Map<string, number> | undefined;
  /**
   * Every file other than `file` a column was ever set from (one file, or a set of them): what `holdsColumnOf`
   * rules out at once. Never less than the files of the entries, as entries change only through `set` and `delete`.
   */
  private foreign: string | Set<string> | undefined;

  /** A map for the columns of a table defined in `from` (a file), or a copy of `from` (a map). */
  constructor(from?: ColumnMap | string) {
    if (from === undefined || typeof from === 'string') {
      this.file = from;
      this.slots = [];
      return;
    }
    this.file = from.file;
    // Shared: a file either map adds afterwards is one more the other rules out less, never one it misses.
    this.foreign = from.foreign;
    // A copy is sized exactly (one made by pushing keeps room to grow), and without holes.
    this.slots = from.holes === 0 ? from.slots.slice() : from.slots.filter((_, i, all) => all[i & ~1] !== HOLE);
  }

  /** The column kept in `slots` at `i` (the place of a column, not of a name), as an `IndexedColumn`. */
  column(i: number): IndexedColumn {
    const kept = this.slots[i] as ColumnFact | IndexedColumn;
    // A fact has a name; an `IndexedColumn` has none.
    if (typeof (kept as ColumnFact).name !== 'string') return kept as IndexedColumn;
    const column = kept as ColumnFact;
    return { column, file: this.file as string, type: column.type };
  }

  /** What `slots` keeps for `column` (see `ColumnMap`). */
  private kept(column: IndexedColumn): ColumnFact | IndexedColumn {
    return column.file === this.file && column.type === column.column.type && column.unreadable === undefined ? column.column : column;
  }

  get size(): number {
    return (this.slots.length >> 1) - this.holes;
  }

  /** The place of `name`'s name in `slots`, or -1. */
  private find(name: string): number {
    const slots = this.slots;
    if (slots.length > INDEXED_FROM * 2) {
      let places = this.places;
      if (places === undefined) {
        places = this.places = new Map();
        for (let i = 0; i < slots.length; i += 2) if (slots[i] !== HOLE) places.set(slots[i] as string, i);
      }
      return places.get(name) ?? -1;
    }
    for (let i = 0; i < slots.length; i += 2) if (slots[i] === name) return i;
    return -1;
  }

  get(name: string): IndexedColumn | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.column(i + 1);
  }

  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  set(name: string, column: IndexedColumn): this {
    const from = column.file;
    if (from !== this.file && from !== this.foreign) {
      if (this.foreign === undefined) this.foreign = from;
      else if (typeof this.foreign === 'string') this.foreign = new Set([this.foreign, from]);
      else this.foreign.add(from);
    }
    const i = this.find(name);
    if (i >= 0) {
      this.slots[i + 1] = this.kept(column);
      return this;
    }
    this.places?.set(name, this.slots.length);
    this.slots.push(name, this.kept(column));
    return this;
  }

  delete(name: string): boolean {
    const i = this.find(name);
    if (i < 0) return false;
    if (this.looping > 0) {
      this.slots[i] = HOLE;
      this.slots[i + 1] = undefined;
      this.holes++;
      this.places?.delete(name);
    } else {
      this.slots.splice(i, 2);
      this.places = undefined;
    }
    return true;
  }

  entries(): IterableIterator<[string, IndexedColumn]> {
    return new ColumnMapIterator(this, ENTRIES);
  }

  keys(): IterableIterator<string> {
    return new ColumnMapIterator(this, NAMES);
  }

  values(): IterableIterator<IndexedColumn> {
    return new ColumnMapIterator(this, COLUMNS);
  }

  /**
   * Whether a column of `file` is among the entries, as `[...values()].some((c) => c.file === file)` says, without an
   * object made for each entry (a column kept bare is read back as a new one, and each step of a loop makes its
   * result): asked of the ~1,000 tables holding another file's columns on a keystroke that changes a table name in the
   * incremental bench, the loop made 1.5 MB of objects, a third of what such a keystroke allocated.
   */
  holdsColumnOf(file: string): boolean {
    if (file !== this.file && file !== this.foreign && !(typeof this.foreign === 'object' && this.foreign.has(file))) return false;
    const slots = this.slots;
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] === HOLE) continue;
      const kept = slots[i + 1] as ColumnFact | IndexedColumn;
      // A fact has a name and is of the map's own file (see `column`); an `IndexedColumn` has none.
      if ((typeof (kept as ColumnFact).name === 'string' ? this.file : (kept as IndexedColumn).file) === file) return true;
    }
    return false;
  }

  /**
   * The facts of the entries `test` holds for, in order: `[...values()].filter((c) => test(c.column))` as facts,
   * without an object made for each entry. A keystroke's re-checked references ask it of their target tables (the
   * primary key's columns) dozens of times.
   */
  factsWhere(test: (column: ColumnFact) => unknown): ColumnFact[] {
    const out: ColumnFact[] = [];
    const slots = this.slots;
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] === HOLE) continue;
      const fact = factOf(slots[i + 1] as ColumnFact | IndexedColumn);
      if (test(fact)) out.push(fact);
    }
    return out;
  }

  /** The first entry whose fact `test` holds for, as `[...values()].find((c) => test(c.column))` gives it, or undefined. */
  findByFact(test: (column: ColumnFact) => unknown): IndexedColumn | undefined {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i += 2) {
      if (slots[i] !== HOLE && test(factOf(slots[i + 1] as ColumnFact | IndexedColumn))) return this.column(i + 1);
    }
    return undefined;
  }

  /** Gives the list exactly the room it uses, once the table is built: pushing kept up to 1.5 times as many slots. */
  trim(): void {
    if (this.looping > 0) return;
    this.slots = new ColumnMap(this).slots;
    this.holes = 0;
    this.places = undefined;
  }

  forEach(visit: (column: IndexedColumn, name: string, map: ColumnMap) => void): void {
    for (const [name, column] of this.entries()) visit(column, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, IndexedColumn]> {
    return this.entries();
  }
}

/** The fact of what `ColumnMap.slots` keeps for a column: the bare fact itself, or an `IndexedColumn`'s (which has no name). */
function factOf(kept: ColumnFact | IndexedColumn): ColumnFact {
  return typeof (kept as ColumnFact).name === 'string' ? (kept as ColumnFact) : (kept as IndexedColumn).column;
}

const ENTRIES = 0;
const NAMES = 1;
const COLUMNS = 2;

/**
 * A loop over a `ColumnMap`'s entries, names or columns. It reads the map's slots as they stand at each step, so
 * it reaches entries set during the loop, as a loop over a `Map` does. A plain object rather than a generator:
 * resuming a generator at each step (and, for names and columns, a second one inside it) made the editor's
 * keystroke, which walks the columns of the tables its references name, a tenth slower.
 */
class ColumnMapIterator<T> implements IterableIterator<T> {
  private at = 0;
  private ended = false;

  constructor(
    private readonly map: ColumnMap,
    private readonly kind: typeof ENTRIES | typeof NAMES | typeof COLUMNS,
  ) {
    map.looping++;
  }

  next(): IteratorResult<T> {
    const slots = this.map.slots;
    while (this.at < slots.length) {
      const i = this.at;
      this.at += 2;
      if (slots[i] === HOLE) continue;
      const value = this.kind === NAMES ? slots[i] : this.kind === COLUMNS ? this.map.column(i + 1) : [slots[i], this.map.column(i + 1)];
      return { value: value as T, done: false };
    }
    return this.return();
  }

  /** Ends the loop (a `break` out of a `for … of` calls it): deletions made from now on need leave no hole. */
  return(): IteratorResult<T> {
    if (!this.ended) {
      this.ended = true;
      this.map.looping--;
    }
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this;
  }
}

/** What stands in `ColumnMap.slots` for the name of an entry deleted during a loop. */
const HOLE: unique symbol = Symbol('deleted column');

/** Tables with more columns than this also keep a `Map` of their names (see `ColumnMap`). */
const INDEXED_FROM = 32;

export function tableKey(name: string, schema?: string): string {
  return schema ? `${schema}.${name}` : name;
}

export function newTable(name: string, schema: string | undefined, origin: TableOrigin, file: string, span: Span): TableDef {
  // Until a property is named apart from its column, the columns by property are the columns by name: one map
  // (see `ownAttrs`).
  const columns = new ColumnMap(file);
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
  if (t.columnsFrom) {
    def.incomplete = true;
    def.unresolvedBase = t.columnsFrom;
  }
  if (t.foldsCase) def.foldsCase = true;
  if (t.unparsed) def.incomplete = def.unparsed = true;
  if (t.persistence) def.persistence = t.persistence;
  return def;
}

/**
 * `def.attrs` as a map of its own, which it must be before a property that is not its column's name is written
 * (to either map). A table starts with one map for both (see `newTable`), and keeps it as long as every property
 * is its column's name: then the two held the same entries in the same order anyway. On the bench's 1k workspace
 * that was all but a few of 4,518 tables, whose second map took 3.4 MB of a 67 MB heap; on the realshaped one,
 * every version of a table that migration history keeps held two (4 MB of 39 MB).
 */
export function ownAttrs(def: TableDef): ColumnMap {
  if (def.attrs === def.columns) def.attrs = new ColumnMap(def.columns);
  return def.attrs;
}

/** Gives a table's column lists exactly the room they use (see `ColumnMap.trim`), once it is derived. */
export function trimColumns(def: TableDef): void {
  def.columns.trim();
  if (def.attrs !== def.columns) def.attrs.trim();
}

/**
 * Whether two entries of one table's maps are the same column: a `ColumnMap` gives a new `IndexedColumn` each time it
 * is read, so they are compared by value. Within a table no two entries hold one fact otherwise alike.
 */
export function sameColumn(a: IndexedColumn, b: IndexedColumn): boolean {
  return a.column === b.column && a.file === b.file && a.type === b.type && a.unreadable === b.unreadable;
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
      for (const [k, v] of def.attrs) if (sameColumn(v, existing)) def.attrs.set(k, declared);
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
