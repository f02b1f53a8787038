// Plain data shared by every layer. Everything here is serialisable (JSON round-trips it), so facts can be
// cached, sent over LSP in `Diagnostic.data`, and compared in tests. One exception: a one-shot engine (the CLI's)
// holds each file's `lineStarts` as an `Int32Array` once its facts are cached (see `trimLists`).

/** A 0-based position; `character` counts UTF-16 code units, as LSP does. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Offsets into the file text in UTF-16 code units (JavaScript string indices). */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** How PostgreSQL keeps a table that is not permanent: without write-ahead log (`UNLOGGED`), or for one session (`TEMPORARY`). */
export type Persistence = 'unlogged' | 'temporary';

export type RuleId =
  | 'unknown-table'
  | 'unknown-column'
  | 'type-mismatch'
  | 'not-unique-target'
  | 'persistence-mismatch'
  | 'ambiguous-table'
  | 'cross-metadata'
  | 'unresolved-reference'
  | 'parse-error'
  | 'unused-suppression';

export const ALL_RULES: readonly RuleId[] = [
  'unknown-table',
  'unknown-column',
  'type-mismatch',
  'not-unique-target',
  'persistence-mismatch',
  'ambiguous-table',
  'cross-metadata',
  'unresolved-reference',
  'parse-error',
  'unused-suppression',
];

/** The broad kind of a column type. Two columns of one family compare by `sqlType`. */
export type TypeFamily =
  | 'integer'
  | 'numeric'
  | 'float'
  | 'string'
  | 'uuid'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'time'
  | 'interval'
  | 'binary'
  | 'json'
  | 'enum'
  | 'other';

/** A column type as written in the source, with what FK Guard understood of it. */
export interface TypeFact {
  /** The source text of the type expression, e.g. `sa.String(255)` or `UUID(as_uuid=True)`. */
  text: string;
  /** The name as written without qualifier, e.g. `String`, `PGUUID`, `GUID`. */
  name: string;
  /** The qualifier as written (`sa`, `db`, `postgresql`), if any. */
  qualifier?: string;
  family: TypeFamily;
  /** A PostgreSQL spelling of the type (`integer`, `varchar(255)`, `uuid`), used to compare and to explain. */
  sqlType: string;
  /** Where the type expression is; absent for a type that comes from an annotation only. */
  span?: Span;
  /**
   * Prisma: the native type attribute (`@db.VarChar(255)`, with the blanks before it) that refines the type
   * token in `span`, or the empty place after the field's attributes where one goes; a rewrite of the type
   * replaces, adds or removes it, since the two are written apart (`String @unique @db.VarChar(255)`).
   */
  nativeSpan?: Span;
  /** An argument (a width, a precision) is not a literal FK Guard can read: only the family is known. */
  approximate?: true;
  /** SQL DDL: the type is followed by MySQL's `UNSIGNED` (see `mysqlReading`); Drizzle mysql-core: `{ unsigned: true }`. */
  unsigned?: true;
  /**
   * Python: the name is bound by an import from a module other than SQLAlchemy's or SQLModel's (`from app.types import
   * UUID`): `family` and `sqlType` are what the name means in SQLAlchemy, which holds only where that module takes it
   * from a library; the index looks the name up where it is bound (`NameLookup.resolveType`, R16-1).
   */
  imported?: true;
  /** `explicit`: a type argument; `annotation`: from `Mapped[...]`; `field`: from a SQLModel field annotation. */
  source: 'explicit' | 'annotation' | 'field';
  /**
   * `Mapped[str36]`, a name whose type the annotation alone does not say: it may be an `Annotated` alias (see
   * `AnnotatedAliasFact`), which the index looks up where the name is bound (`NameLookup.resolveType`). `key`: the
   * column has a foreign key, so with no type from the alias it takes the referenced column's; `plain`: it does not.
   * Until resolved the type is unknown (`other`, no spelling).
   */
  alias?: 'key' | 'plain';
  /**
   * For languages other than Python: how the type is written, naming the type writer that can rewrite it
   * (`typeorm`, `drizzle`, `knex`, `sequelize`, `prisma`, `sql`); see `typeWriters.ts`.
   */
  style?: string;
}

/**
 * `str36 = Annotated[str, mapped_column(String(36))]`: a `Mapped[str36]` column is merged with the alias's `mapped_column`
 * (SQLAlchemy 2.0's `MappedColumn._init_column_for_annotation`): its type when the column gives none, `primary_key`,
 * `unique`; with neither a type nor a foreign key, the type the Python type inside maps to.
 */
export interface AnnotatedAliasFact {
  /** The family and spelling of the Python type inside (`str`, `uuid.UUID`) by SQLAlchemy's default map, when FK Guard knows it. */
  inner?: { family: TypeFamily; sqlType: string };
  /** That Python type as written (`str`, `uuid.UUID`), for a `type_annotation_map` that may map it. */
  innerText: string;
  /** The Python type inside is written in `Optional[...]` (or `X | None`): an alias there is not merged with this one. */
  innerOptional?: true;
  /** The type its `mapped_column(...)` gives (`String(36)`), read where the alias is defined. */
  type?: TypeFact;
  primaryKey?: true;
  unique?: true;
  /** Its `mapped_column(...)` holds a `ForeignKey`: the column then takes the referenced column's type when it has none. */
  foreignKey?: true;
  /**
   * The targets of those `ForeignKey`s, for the `Mapped[X]` columns of other modules that import the alias (see
   * `FileFacts.pendingAliasKeys`): a string as Python makes it in this module (the constants it names are this
   * module's), else `dynamic`. `linkToName`: `ForeignKey(..., link_to_name=True)`.
   */
  keys?: Array<{ target: NameExpr; linkToName?: true }>;
  /** Its `mapped_column(...)` holds what FK Guard cannot read (`**kwargs`): the column's type and keys are not known. */
  opaque?: true;
}

/** A `Mapped[X]` column whose `X` may be an imported `Annotated` alias with keys (see `FileFacts.pendingAliasKeys`). */
export interface PendingAliasKey {
  /** `X` as written, without quotes: `farm_ref`, `types.farm_ref`. */
  name: string;
  span: Span;
  source: ReferenceSource;
}

/** The `X` of a `Mapped[X]` (or a SQLModel field annotation), with its span, so a fix can rewrite it. */
export interface AnnotationFact {
  text: string;
  /**
   * Always set by the readers. A one-shot engine drops it from columns no reference starts from, which only
   * rewriting a foreign key column's type reads (see `dropUnreadSpans`).
   */
  span?: Span;
  optional: boolean;
}

export interface ColumnFact {
  /** The database name of the column. */
  name: string;
  /**
   * `unique=` or `primary_key=` is given a value FK Guard cannot read (`unique=settings.UNIQUE`, `unique=bool(x)`): the
   * column may be a key, so no key to it is reported as not unique.
   */
  maybeKey?: true;
  /**
   * Sequelize: the attribute writes a `unique` that is not true: `false`, or a value FK Guard cannot read (`unread`).
   * An association's `foreignKey: { unique: true }` does not override it (Sequelize merges only what the attribute
   * leaves unset), where it makes an attribute that writes none unique.
   */
  ownUnique?: 'false' | 'unread';
  /**
   * Sequelize: a key attribute an association adds to a model that does not declare it, which Sequelize types as the
   * key it references: the referenced model as the association writes it and its `targetKey`/`sourceKey` (unset: its
   * primary key). The index types the column so (see `ClassMapper.associationKeyType`).
   */
  keyOf?: { model: string; key?: string };
  /** The Python attribute name, when it differs or matters (class attribute references). */
  attr?: string;
  /**
   * `Column("shed_no", Integer, key="number")` (not in a migration): the key the table's `.c` holds it under, when it
   * differs from the name. SQLAlchemy resolves a `ForeignKey("sheds.number")` string by that key, not by the name
   * (unless `link_to_name=True`).
   */
  key?: string;
  /** `key=` is given but is not a literal: the column's key is not known. */
  keyUnknown?: true;
  /**
   * Set by the index, never by a reader: the column's `Mapped[...]` annotation is typed through its base's
   * `type_annotation_map`, which FK Guard does not read, so its type is unknown (see `ClassMapper.typeMapped`).
   */
  typeFromMap?: true;
  type?: TypeFact;
  annotation?: AnnotationFact;
  primaryKey: boolean;
  unique: boolean;
  nullable?: boolean;
  /** Where the column's name is written. */
  span: Span;
  /** Set for columns that carry a foreign key in their own definition. */
hasForeignKey?: boolean;
  /**
   * SQLAlchemy: a `Numeric` or `Float` primary key with no default, server default, sequence, identity or foreign key,
   * autoincrement not turned off. Where it is the table's only primary key column, SQLAlchemy makes it the table's
   * autoincrement column, which its PostgreSQL DDL writes `SERIAL`: an integer (SQLAlchemy 1.4.46 and 2.0.52). Also set
   * on a type the index resolves later (a TypeDecorator imported from another module): the rule looks at it resolved.
   */
  serialIfSolePrimaryKey?: true;
  /**
   * SQL: the column is unique (or the primary key) only through a `DEFERRABLE` constraint, which PostgreSQL refuses as
   * a foreign key's target ("cannot use a deferrable unique constraint for referenced table").
   */
  deferrableKey?: true;
  /** SQL DDL wrote the name unquoted: PostgreSQL folds it to lower case (`Id` is `id`). */
  foldsCase?: true;
  /**
   * Added by the ORM, not written: Sequelize's `id INTEGER` on a model (or a model base) that declares no
   * primary key. A primary key declared on a subclass replaces it.
   */
  implicit?: true;
  /**
   * The name is the one the ORM derives from the property (none was given): TypeORM's default naming strategy,
   * so under a project's own `namingStrategy` the column's database name is not known; Sequelize's, which an
   * instance-wide `define: { underscored }` changes (see `ClassFact.sequelizeOptions`).
   */
  derivedName?: true;
  /**
   * TypeORM: a join column a `@ManyToOne`/`@OneToOne` adds, and the target class it points at (as the file names it).
   * TypeORM types it as the column it references (`joinReferenced`, else the target's primary key), and where the
   * relation names neither the column nor `referencedColumnName` (`derivedName`, no `joinReferenced`), names it
   * `camelCase(relation + '_' + property)` for each primary-key property of the target, one column each: `ownerCode`
   * when the target's key is `code`. The index derives both (see `ClassMapper.typeormJoinColumns`); `name` is the
   * `<relation>Id` that stands for the names in the file's facts.
   */
  joinTarget?: string;
  /** With `joinTarget`: the property of the target that `referencedColumnName` names. */
  joinReferenced?: string;
}

/**
 * A string that may come from a constant: a literal, a module constant, or an f-string whose parts are
 * literals and constants. The index resolves constants across files through imports.
 */
/** See `FileFacts.maybeTables`. */
export interface MaybeTableFact {
  /** The table's name as written: a literal when FK Guard reads one (`"breeds"`), else the expression. */
  name: NameExpr;
  /** What makes it, in a few words (`Table(name, ...) in make_lookup()`), for the reason a reference is unchecked. */
  maker: string;
  span: Span;
  /**
   * A class statement in code that did not parse (a syntax error before it swallowed it): its table's name, which
   * SQLAlchemy, Flask-SQLAlchemy or SQLModel make from the class, is not known while the file does not parse.
   */
  unparsed?: true;
}

export type NameExpr =
  | { kind: 'literal'; value: string }
  | { kind: 'const'; name: string }
  | { kind: 'template'; parts: Array<{ literal: string } | { const: string }> }
  /** `why`: what makes it unknown, when a reader can say better than "computed at run time". */
  | { kind: 'dynamic'; text: string; why?: string };

/** How a table's name was decided for a class without a literal `__tablename__`. */
export type TableNaming = 'explicit' | 'flask' | 'sqlmodel' | 'declared-attr' | 'none';

export interface ClassFact {
  name: string;
  /**
   * Set for entity classes of other ORMs (TypeORM, Sequelize, Prisma models): their table name is decided
   * by the dialect that read them, so no Python naming rule (Flask, SQLModel, declared_attr) applies.
   */
  framework?: string;
  /** Base classes as written (`Base`, `db.Model`, `TimestampMixin`, `models.Base`). */
  bases: string[];
  /** `SQLModel` classes with `table=True`. */
  sqlmodelTable: boolean;
  tablename?: NameExpr;
  tablenameSpan?: Span;
  /** `@declared_attr def __tablename__` on this class: a project convention, derived from its body if readable. */
  declaredTablename: boolean;
  /**
   * The class defines `__init_subclass__` and its body mentions `__tablename__` (`cls.__tablename__ = ...`): Python runs
   * it for every subclass made after, which may name the subclass's table in code FK Guard does not run.
   */
  initSubclassTablename?: true;
  /**
   * The class body sets SQLAlchemy 2.0's `type_annotation_map` (or a `registry` FK Guard cannot see has none): on
   * every class built on it, a `Mapped[...]` annotation alone does not say the column's type (see
   * `ClassMapper.typeMapped`): the map's keys as written (`uuid.UUID`, `str`), or `true` when FK Guard cannot read them.
   */
  typeAnnotationMap?: true | string[];
  /**
   * What the `@declared_attr` `__tablename__` body computes from the class name, when FK Guard could read
   * it (`cls.__name__.lower() + "s"`, a regex snake_case, a helper function); absent when it could not.
   */
  tablenameDerivation?: Derivation;
  abstract: boolean;
  /** Flask-SQLAlchemy's `__bind_key__ = "x"`, as written in the class body (`None` is not kept). */
  bindKey?: string;
  /**
   * Project decorators on the class or its members that FK Guard could not follow (defined in another file,
   * or too indirect): they may add columns, so the class's columns are not all known.
   */
  opaqueDecorators?: string[];
  /**
   * The class's code holds a syntax error (a half-typed `Column(`): what follows it may be columns the parser could not
   * read, so the table's columns are not all known and a reference to one FK Guard did not see is unchecked.
   */
  unparsed?: true;
  schema?: string;
  /** `__table_args__` is computed (`@declared_attr`, a call, a constant) and no literal schema was found. */
  schemaUnknown?: true;
  /**
   * The class sets `__table_args__` itself (any form, `@declared_attr` too). Python finds the attribute on the
   * first class of the MRO that has it, and declarative never merges two, so this one replaces what a base says:
   * `(UniqueConstraint("code"),)` under a base with `{"schema": "archive"}` leaves the table without that schema.
   */
  ownTableArgs?: true;
  /**
   * Its table arguments say `extend_existing` or `keep_existing` (or the `Table(...)` of `__table__` does): a second
   * definition of the table's name on its metadata then adds to or keeps the first instead of being refused.
   */
  extendsExisting?: true;
  /**
   * Its table is reflected from the database (`__table_args__ = {"autoload_with": engine}`, `__table__ = Table(...,
   * autoload_with=engine)`), as written (`autoload_with=engine`): SQLAlchemy adds the database's columns, which FK Guard
   * never reads, to those the class declares, so no column is proven missing.
   */
  reflected?: string;
  /**
   * Sequelize: associations of this file add key attributes to the model that FK Guard cannot name here (no
   * `foreignKey`: Sequelize derives the name from another model), as written (`Keeper.hasMany(Frame)'s key`): the model's
   * columns are not all known.
   */
  associationColumns?: string;
  /** SQLModel's `table=` is given a value FK Guard cannot read (`table=IS_TABLE`): the class may or may not be a table. */
  tableFlagUnknown?: true;
  /** `{"schema": BLANK_SCHEMA}`: no schema, not even the metadata's. */
  blankSchema?: true;
  /**
   * `__table__ = Table("name", <metadata>, Column(...))` in the class body (declarative with an imperative table): the
   * class maps to that table, on that metadata (its text, as a Core table's `metadata`), with the Table's name, schema
   * and columns, which are read into this class.
   */
  tableMetadata?: string;
  columns: ColumnFact[];
  /**
   * Python: names the class body binds to what is no column (a method, a `@declared_attr` or `@property` that returns
   * no `Column`, a string constant): `ForeignKey(Vault.key_path)` with such a `key_path` takes whatever it evaluates
   * to, which FK Guard does not compute (R15-8). Unset when there is none.
   */
  otherAttrs?: string[];
  constraints: ConstraintFact[];
  /** Composite unique and primary keys declared in `__table_args__`, as column lists. */
  keys: string[][];
  /**
   * Attributes assigned from a call FK Guard does not know (`id = pk()`), which may build a column: the
   * index follows a column helper of the workspace, and otherwise counts the class's columns as incomplete.
   */
  opaque?: Array<{ attr: string; callee: string; span: Span }>;
  /**
   * Fields read as SQLModel would read them, for a class whose base may be a SQLModel class of another file:
   * the index adds them to the table when the class does descend from `SQLModel`.
   */
  maybeFields?: ColumnFact[];
  /**
   * TypeORM: this class stands for the join table of a `@ManyToMany` with `@JoinTable`. Its name and
   * columns depend on both entities' tables and primary keys, which may be in other files or inherited, so
   * the index computes them (see `joinTables.ts`); a literal `@JoinTable({ name })` is its `tablename`.
   */
  joinTable?: JoinTableFact;
  /**
   * The table name is the ORM's derivation, none was given: TypeORM's default naming strategy (`@Entity()` with no
   * name), Sequelize's model name pluralised (a model without `tableName`).
   */
  derivedTablename?: true;
  /**
   * Sequelize: the model's name and its own naming options as written (`undefined`: not written, so the
   * instance's `define` decides; `null`: written as something FK Guard cannot read). The index derives the
   * table's and columns' names from them and the project's `define` (see `FileFacts.sequelizeDefine`).
   */
  sequelizeOptions?: { model: string; freezeTableName?: boolean | null; underscored?: boolean | null; schema?: string | null; schemaFromInstance?: true; singular?: string | null };
  /**
   * Python: defined under an `if`/`else` or a `try`/`except` of the module, so it may not run (R15-15: a table made only
   * by one of two definitions of a class may not exist).
   */
  conditional?: true;
  span: Span;
  nameSpan: Span;
}

/** What `@ManyToMany(() => Target) @JoinTable({ ... }) relation` says of the join table TypeORM makes. */
export interface JoinTableFact {
  /** The owning entity, a class of the same file, and the relation's property. */
  owner: string;
  relation: string;
  /** The target entity as written (`Tag`, `'Tag'`), found like a base class. */
  target: string;
  /** `joinColumn` / `joinColumns`, as written; absent when not given. */
  joinColumns?: JoinColumnFact[];
  /** `inverseJoinColumn` / `inverseJoinColumns`. */
  inverseJoinColumns?: JoinColumnFact[];
  /** Where the relation's property is written: the join columns' place when they have no written name. */
  span: Span;
}

/** One `{ name, referencedColumnName }` of a `@JoinTable`: both optional, as TypeORM takes them. */
export interface JoinColumnFact {
  name?: string;
  nameSpan?: Span;
  /** The property (not the database name) of the referenced column. */
  referencedColumnName?: string;
}

/**
 * A string computation over a class name that FK Guard can evaluate exactly as Python would: the name
 * itself (`cls.__name__`), a function parameter, literals, `+` and f-string concatenation, `.lower()`,
 * `.upper()`, `re.sub(pattern, repl, x)` with literal arguments, and calls of functions of the workspace.
 */
export type Derivation =
  | { k: 'name' }
  | { k: 'param'; i: number }
  | { k: 'lit'; v: string }
  | { k: 'lower' | 'upper'; of: Derivation }
  | { k: 'sub'; pattern: string; repl: string; of: Derivation }
  | { k: 'concat'; parts: Derivation[] }
  | { k: 'call'; fn: string; args: Derivation[] }
  /** `re.split(pattern, x)`: a list; only used where empty parts are dropped, where Python and JS agree. */
  | { k: 'split'; pattern: string; of: Derivation }
  /** `[body for item in list if item]` (or a generator): `body` reads the element as `item`. */
  | { k: 'each'; of: Derivation; body: Derivation; nonEmpty: boolean }
  | { k: 'item' }
  /** `"_".join(list)`. */
  | { k: 'join'; sep: string; of: Derivation };

/** A module-level function whose body FK Guard can evaluate (a table-name helper): its body as a derivation. */
export interface FunctionFact {
  params: number;
  body: Derivation;
}

/** `ForeignKeyConstraint([...local], [...remote])`: pairs resolved by the index. */
export interface ConstraintFact {
  localColumns: string[];
  references: ReferenceFact[];
}

/** A table defined outside classes: Core `Table(...)` or an Alembic operation. */
export interface CoreTableFact {
  name: NameExpr;
  schema?: string;
  /** Made by a Knex builder with no schema: in the first schema of the connection's `search_path` (see `FileFacts.knexSearchPath`). */
  onSearchPath?: true;
  /** The Python variable the table is assigned to, for `users_table.c.id` references. */
  variable?: string;
  /**
   * The metadata expression as written (`metadata`, `Base.metadata`, `db.metadata`); `db` for Flask-SQLAlchemy's
   * `db.Table("t", db.Column(...))`, which takes `db.metadata`; `Archive.metadata` for `metadata` bound in the
   * body of class `Archive` the table is built in.
   */
  metadata?: string;
  /** A `MetaData(...)` made in the call itself (`Table("t", MetaData(schema="x"), ...)`), with its schema. */
  madeMetadata?: { schema?: NameExpr };
  /** `schema=BLANK_SCHEMA`: no schema, whatever the metadata's. */
  blankSchema?: true;
  /**
   * Flask-SQLAlchemy 3's `db.Table("t", ..., bind_key="x")` (version 2's Table takes no such argument): the table is
   * on that bind's own MetaData, made with no schema.
   */
  bindKey?: string;
  columns: ColumnFact[];
  /** Composite unique and primary keys, as column lists. */
  keys: string[][];
  /** Keys given a literal `name=` (`UniqueConstraint("a", "b", name="uq_x")`): name → columns. */
  keyNames?: Record<string, string[]>;
  /** PostgreSQL's `CREATE UNLOGGED TABLE` or `CREATE TEMP TABLE` (see `TableDef.persistence`); unset: permanent, or not said. */
  persistence?: Persistence;
  span: Span;
  nameSpan: Span;
  origin: 'core' | 'migration';
  /** SQL DDL wrote the name unquoted: PostgreSQL folds it to lower case (`Members` is `members`). */
  foldsCase?: true;
  /**
   * Made by a `CREATE TABLE` the SQL parser refused (a parse-error), or by a Python `Table(...)` / `op.create_table(...)`
   * whose code holds a syntax error: the table exists, its columns are not (all) known.
   */
  unparsed?: true;
  /**
   * A column FK Guard could not name (a constant no file of the workspace defines), as written: the
   * table's columns are not all known, so a reference to one it lacks is unchecked, not unknown.
   */
  unreadColumn?: string;
  /**
   * The columns come from code FK Guard does not follow, as written (a Knex table builder passed by name,
   * `createTable('rooms', withLabel)`; a Kysely `$call(helper)`): which columns the table has is not known, so a
   * reference to one FK Guard did not see is unchecked, not unknown.
   */
  columnsFrom?: string;
  /**
   * Made like another table (Knex's `createTableLike('copy', 'source')`, PostgreSQL's `LIKE source INCLUDING ALL`):
   * its columns and keys are the source's as history holds it there, then its own. `text` is the call as written.
   */
  likeTable?: { name: string; schema?: string; text: string };
  /**
   * Built only as a fallback (`except ImportError:`, `if "t" not in metadata.tables:`): the same table as
   * the one defined elsewhere, not a second definition.
   */
  fallback?: true;
}

/**
 * Alembic operations other than create_table, in source order within `upgrade()`. `conditional`: the operation
 * sits where FK Guard cannot tell whether it runs (an `if`, a `try`, a loop over something it cannot read):
 * the span of that statement, so history keeps both outcomes and a verdict that depends on which one
 * happened is not given (see `TableDef.alt`).
 */
/**
 * `onSearchPath`: a Knex builder's operation on a table it names with no schema, which the connection's `search_path`
 * decides (see `FileFacts.knexSearchPath`).
 */
/**
 * `engine`: in Alembic's multidb template, the database the operation runs on (it sits in `upgrade_<engine>()`): each
 * database has a history of its own (see `MigrationHistory`).
 */
export type MigrationOp = MigrationOpKind & { conditional?: Span; onSearchPath?: true; engine?: string };

type MigrationOpKind =
  /**
   * `ifNotExists`: `CREATE TABLE IF NOT EXISTS`, Alembic's `if_not_exists=True`, Knex's `createTableIfNotExists`:
   * over a table that already stands, the database keeps the one it has.
   */
  | { op: 'create_table'; tableIndex: number; ifNotExists?: true }
  | { op: 'add_column'; table: string; schema?: string; column: ColumnFact }
  | { op: 'drop_column'; table: string; schema?: string; column: string }
  /**
   * A statement that adds foreign keys and changes no table (`op.create_foreign_key`, `ALTER TABLE … ADD
   * CONSTRAINT … FOREIGN KEY`): its own place in history, so its references see the operations before it
   * and none after it.
   */
  | { op: 'foreign_key' }
  /**
   * A unique constraint or index, or a primary key, made after the table (`op.create_unique_constraint`,
   * `op.create_index(..., unique=True)`, `op.create_primary_key`, `ALTER TABLE … ADD UNIQUE`): its columns
   * are a key a foreign key may target from here on. A new primary key replaces the old one. `plain`: a non-unique
   * index made under `name` (no columns kept): no key, only the name, so that dropping it drops no key. `index`: made
   * by PostgreSQL's `CREATE UNIQUE INDEX ON t (a, b)` with no name, which PostgreSQL names `t_a_b_idx`.
   * `maybeUnique`: an index whose `unique=` FK Guard cannot evaluate (`unique=settings.STRICT`), at that span: the
   * columns may or may not be a key from here on, and a verdict that depends on which is not given.
   */
  | { op: 'add_key'; table: string; schema?: string; columns: string[]; primary?: true; name?: string; plain?: true; index?: true; maybeUnique?: Span }
  /**
   * `op.drop_constraint(name, table, type_=...)`, `op.drop_index(name, table_name=...)`: the key of that name
   * stops being one. `name` is unset when it is not a literal FK Guard can read; `kind` is `type_` as written
   * (`index` for `drop_index`), unset when not given. `mysql`: written in MySQL's own syntax (`ALTER TABLE t DROP
   * INDEX name`, `DROP INDEX name ON t`), so MySQL's names apply (an unnamed unique index is named after its first column).
   */
  | { op: 'drop_key'; table: string; schema?: string; name?: string; kind?: string; span: Span; mysql?: true }
  /**
   * PostgreSQL's `DROP INDEX [schema.]name`, which does not name the table: the unique index of that name a step
   * before made (`CREATE UNIQUE INDEX`) stops being a key. An index no step made unique under that name drops no key.
   */
  | { op: 'drop_index'; name: string; schema?: string; span: Span }
  /**
   * PostgreSQL's `ALTER TABLE t RENAME CONSTRAINT a TO b` and `ALTER INDEX [s.]a RENAME TO b` (no table: history finds
   * the one holding a key named `a`, as for `drop_index`): the key keeps its columns under the new name.
   */
  | { op: 'rename_key'; table?: string; schema?: string; name: string; to: string }
  | { op: 'drop_table'; table: string; schema?: string }
  /** PostgreSQL's `ALTER TABLE t SET UNLOGGED` (`persistence` `unlogged`) or `SET LOGGED` (unset: permanent from here on). */
  | { op: 'set_persistence'; table: string; schema?: string; persistence?: 'unlogged'; span: Span }
  /** `toSchema`: the table moves to that schema (PostgreSQL's `ALTER TABLE ... SET SCHEMA`); else it stays in `schema`. */
  | { op: 'rename_table'; from: string; to: string; schema?: string; toSchema?: string }
  /** `span`: where the new name or type is written, which later references name as the column's definition. */
  | { op: 'alter_column'; table: string; schema?: string; column: string; type?: TypeFact; newName?: string; span?: Span }
  /**
   * A column's type changed in a table FK Guard cannot name (`op.alter_column(table, "id", type_=...)` in a
   * loop over something it cannot read): from here on, the type of `column` in any table (of any column,
   * when the column is not named either) is unknown.
   */
  | { op: 'alter_unknown_table'; column?: string; span?: Span }
  /**
   * The table is changed by code FK Guard does not follow (a Knex `alterTable('t', helper)`, a Kysely `$call`), as
   * written in `from`: from here on its columns are not all known. `table` unset: a table FK Guard cannot name
   * (`alterTable(name, ...)` in a loop over objects), so any table's columns may have changed.
   */
  | { op: 'unknown_columns'; table?: string; schema?: string; from: string }
  /** `helper_ops.upgrade()`: the operations of that imported module's `upgrade()` run here. */
  | { op: 'run_module'; module: string };

/** Where the foreign key's own column is, so the type can be compared and fixed. */
export interface ReferenceSource {
  /** The class the column belongs to (declarative), or the table (Core, migrations). */
  className?: string;
  table?: NameExpr;
  schema?: string;
  /** The column name in the database. */
  column?: string;
  /**
   * Sequelize: an association that names no `foreignKey`. Sequelize names the key's attribute on the holder
   * (`className`) from the referenced model (`owner`): `camelize(prefix + '_' + its primary-key attribute)`, the
   * prefix being `as` or the model's singular name (see `sequelizeDefaultKey` in rules/resolve.ts). `as`: undefined
   * when not written, null when FK Guard cannot read it.
   */
  sequelizeDefault?: { method: 'belongsTo' | 'hasOne' | 'hasMany'; as?: string | null };
  /**
   * Prisma: this pair's entry of `@relation(fields: [...])` names no field of the model (`fields: [hive_tag]`, often
   * the `@map` column of `hiveTag`), or a relation field (`relation`): Prisma finds `fields` by scalar field name only and its validator refuses the schema
   * (see rules/unknown-field.ts). `column` is then unset: no column of the model is the key's.
   */
  unknownField?: { name: string; span: Span; relation?: true };
}

export interface ReferenceFact {
  /**
   * `string`: `"table.column"` or `"schema.table.column"`;
   * `attribute`: `User.id` (a class and its attribute; without `attr`, the class's primary key);
   * `table-c`: `users_table.c.id` (a variable holding a table, and a column's database name);
   * `variable`: `users.id` in Drizzle (a variable holding a table, and a column's property name);
   * `pair`: table and column given separately (Alembic `create_foreign_key`, Knex `inTable`).
   */
  form: 'string' | 'attribute' | 'table-c' | 'variable' | 'pair';
  /** The target as an expression (string forms). */
  target?: NameExpr;
  /** For `attribute` and `table-c`: the class or variable, and the attribute. */
  owner?: string;
  attr?: string;
  /**
   * Set when `attr` is not spelled as written: Python read it in NFKC form (`Folder.ﬁle` is `Folder.file`), so its
   * length in the file is not `attr.length` and no edit is made from it.
   */
  attrNormalised?: true;
  /**
   * For `attribute`: where the class name is written, set when the class must be in the workspace (a Prisma
   * relation names a model of the schema), so an unknown one is reported and renamed instead of trusted.
   */
  ownerSpan?: Span;
  /** For `pair`: table and column names with their own spans. */
  table?: NameExpr;
  tableSchema?: string;
  tableSpan?: Span;
  column?: string;
  columnSpan?: Span;
  /**
   * For `pair` from SQL after `SET search_path TO app, public`, a table named with no schema that the file does not
   * make in any of them: the schemas PostgreSQL looks it up in, in order (`public` as written); the first of them
   * that holds the table is meant, and none holding it is an unknown table.
   */
  searchPath?: string[];
  /**
   * For `pair` from a Sequelize model's `references: { model: 'farms' }`: a table named with no schema is in the
   * schema of the referencing model's own table (Sequelize's `attributesToSQL` qualifies it with `options.table.schema`).
   */
  schemaOfSource?: true;
  /** From a Knex builder (`.references('users.id')`, `.inTable('users')`): a table named with no schema is found on the connection's `search_path`. */
  onSearchPath?: true;
  /** For `pair` from SQL: the table's (column's) name is written unquoted, which PostgreSQL folds to lower case. */
  tableFoldsCase?: true;
  columnFoldsCase?: true;
  /**
   * SQLAlchemy's `ForeignKey("t.col", link_to_name=True)`: the column is found by its name in the database, not by
   * the key the table knows it by (`Column("shed_no", key="number")`).
   */
  linkToName?: true;
  /** For `pair` without `column`: the target's primary key is meant (SQL's `REFERENCES users`, no column list). */
  primaryKey?: true;
  /**
   * The ORM gives the foreign key's own column the referenced column's type when it makes the schema, whatever the
   * declaration says (TypeORM's join column of a `@ManyToOne`/`@OneToOne`): a type difference is then between the
   * declaration and the database, never a key the database refuses.
   */
  typeFromTarget?: 'typeorm';
  /**
   * For `attribute` with `attr`: the ORM finds the referenced column by its property name only, never by its name
   * in the database (TypeORM's `referencedColumnName`, which it matches against `propertyName`).
   */
  byProperty?: true;
  /**
   * For `attribute`: `owner` is a variable of the file that holds something FK Guard does not follow (`const User =
   * makeEntity()`), never the class of that name elsewhere; why, for the unchecked count.
   */
  ownerUnread?: string;
  /** The whole reference expression (the string literal with its quotes, or the attribute expression). */
  span: Span;
  /** The span of the string's content, without quotes and prefix, when it is a plain literal. */
  contentSpan?: Span;
  source: ReferenceSource;
  /** For one pair of a composite `ForeignKeyConstraint`: every referenced column of the constraint. */
  composite?: string[];
  /**
   * In a migration: the index of the operation the reference belongs to; it is checked against the schema
   * as that operation leaves it (a `CREATE TABLE` may reference itself).
   */
  migrationOp?: number;
  /**
   * In a SQL migration: MySQL's `foreign_key_checks` where the reference is made, as the file's own `SET
   * FOREIGN_KEY_CHECKS = 0/1` statements before it leave them. Unset where the file does not say (the tool running
   * it may have turned them off, as mysqldump's output and many migration runners do).
   */
  keyChecks?: 'on' | 'off';
  /**
   * From SQL: a column's own `REFERENCES t (c)` (`farm_id INT REFERENCES farms (id)`), not a `FOREIGN KEY` clause. MySQL
   * 8.4 and earlier parse it and make no key; MariaDB and MySQL 9 make one (see `resolveReference`).
   */
  inline?: true;
  /**
   * A reference read from SQL written in a string of a Python or TypeScript file (`op.execute("""…""")`,
   * `queryRunner.query(\`…\`)`, slonik's sql\`…\`): the string's span, quotes included. A line that ends inside it
   * ends in SQL text, where "Ignore this line" writes SQL's comment, not the file's (R16-15).
   */
  sqlString?: Span;
  /** Where the reference sits: a model class, Core table, or migration. */
  context: 'model' | 'core' | 'migration';
}

/** `import a.b as c` / `from a.b import c as d`: local name → dotted origin. */
export interface ImportFact {
  local: string;
  module: string;
  /** The imported name, for `from` imports. */
  name?: string;
  span: Span;
  /** The whole statement's span, so a fix can extend it. */
  statementSpan: Span;
  /** Whether the statement is a `from x import (a, b)` with parentheses. */
  parenthesized?: boolean;
  /**
   * A module-level import in a branch (`if`, `else`, `except`) or a `try`: it may not run when the module does (see
   * `SchemaIndex.surelyImported`).
   */
  conditional?: true;
}

/** A base whose metadata object is separate (`Base = declarative_base()`, `class Base(DeclarativeBase)`). */
export interface MetadataRootFact {
  name: string;
  span: Span;
  /**
   * `MetaData(schema=...)` (its own call, or the one given as `metadata=`; a class body's `metadata = MetaData(...)`
   * for a declarative base class): the schema of every table on it that names none, and of the unqualified
   * foreign-key strings in them. `dynamic` when written but not readable. Unset: no schema.
   */
  schema?: NameExpr;
  /**
   * The metadata object this one is built on, as written: `declarative_base(metadata=metadata_obj)`,
   * `SQLAlchemy(metadata=md)`, `mapper_registry.generate_base()`, a declarative class's `metadata = md`.
   * Its tables are that object's tables.
   */
  metadata?: string;
  /** Bound in the body of this class (`class Archive: metadata = MetaData()`), not at module level. */
  owner?: string;
  /**
   * Flask-SQLAlchemy's `SQLAlchemy(model_class=Base)`: when `Base` is a declarative base (a `DeclarativeBase`
   * subclass, a `declarative_base()`), `db.Model` is built on it and its metadata is Base's; a plain class there
   * only adds methods.
   */
  modelClass?: string;
  /**
   * `declarative_base(type_annotation_map=...)`, `registry(type_annotation_map=...)` (or a `**` argument that may hold
   * one): the classes built on it take their types from `Mapped[...]` through that map. Its keys as written, or `true`
   * when FK Guard cannot read them.
   */
  typeAnnotationMap?: true | string[];
  /**
   * Bound in a branch of an `if` or an `except` at module level: it may not have run, and then the name keeps what an
   * earlier binding of it gave (see `ClassMapper.rootAt`).
   */
  conditional?: true;
  /**
   * Flask-SQLAlchemy's `SQLAlchemy(...)`: a model with a `__bind_key__` is on a MetaData of its own in version 3
   * (without this one's schema), on this one in version 2 (see `ClassMapper.bindMetadata`).
   */
  flask?: true;
  /**
   * Flask-SQLAlchemy's `SQLAlchemy(model_class=Base, metadata=md)` with `Base` a declarative base: Flask-SQLAlchemy
   * sets `Base.metadata` to this object's metadata ("Use the passed in default metadata as the model's metadata"),
   * so the classes on `Base` and the Tables on `Base.metadata` are on it. `Base` as written.
   */
  rebinds?: string;
  /**
   * `declarative_base(cls=BaseModel)` (or `registry.generate_base(cls=...)`): the classes the base is made a subclass
   * of, as written (a tuple gives several; anything else is kept as its text, which resolves to no class). Every model
   * on the base has them in its MRO: their columns and `__tablename__`/`__table_args__` are its own.
   */
  cls?: string[];
}

/** See `FileFacts.rebinds`. */
export interface RebindFact {
  name: string;
  /** The name assigned, as written (`OtherBase`, `models.Silo`); empty for a value FK Guard cannot follow. */
  to: string;
  /** The whole assignment: its value is read where it starts, and the name is bound from there on. */
  span: Span;
  /** Made in a branch of an `if` or an `except` at module level, which may not run. */
  conditional?: true;
}

export interface ParseError {
  message: string;
  span: Span;
  /**
   * What went unread because of this error (`the foreign key in it`, `the whole file`), when a table, a
   * column or a reference did; the `parse-error` rule reports these. Unset for errors that cost nothing.
   */
  lost?: string;
  /**
   * A note that costs nothing but is worth saying once (a file of another database's DDL, skipped): the
   * `parse-error` rule reports it as info.
   */
  note?: true;
  /**
   * Notes of one kind (`clickhouse`) in one folder are said once, on the folder's first such file, with how
   * many files they cover: seventy skipped migrations make one line, not seventy.
   */
  group?: string;
}

/**
 * What one Python dependency file requires of Flask-SQLAlchemy and SQLAlchemy (by their PEP 503 names,
 * `flask-sqlalchemy`, `sqlalchemy`): PEP 440 specifiers as written (`==2.5.1`, `>=2.5,<3`; Poetry's `^2.5` as
 * `>=2.5.0,<3`; '' for any version), or null for a source whose version FK Guard cannot tell (a URL, a git checkout).
 */
export interface PythonDependenciesFact {
  requires: { name: string; spec: string | null }[];
  /** A requirements file's `-r`/`-c` includes, workspace-relative: their requirements hold for it too. */
  includes?: string[];
  /** A lock file (poetry.lock, uv.lock, Pipfile.lock): the exact versions installed, which win over ranges. */
  lock?: true;
}

/** `config`: a tool's configuration that says where migrations live (`alembic.ini`). */
export type SourceLanguage = 'python' | 'typescript' | 'prisma' | 'sql' | 'config';

/** Where Alembic looks for revisions, as workspace-relative folders (see `migrations/alembicConfig.ts`). */
export interface AlembicConfigFact {
  scriptLocation: string;
  versionLocations: string[];
  /** `recursive_version_locations = true`: revisions in subfolders of a location count too. */
  recursive: boolean;
  /**
   * Every location is a literal folder (at most `%(here)s` in it). Another interpolation, an environment
   * variable or a package resource (`pkg:path`) leaves FK Guard unsure which folder Alembic runs.
   */
  literal: boolean;
}

/** Offsets of line starts (see `FileFacts.lineStarts`): a list as read, or a typed array once compacted. */
export type LineStarts = number[] | Int32Array;

/** Everything FK Guard knows about one file. Derived from its text alone. */
export interface FileFacts {
  file: string;
  language: SourceLanguage;
  /** The Python module path guessed from the file path, for resolving imports. */
  module: string;
  constants: Record<string, string>;
  /** Module-level names bound to `True` or `False` once (`UNIQUE = True`), for flags such as `unique=UNIQUE`. */
  booleans?: Record<string, boolean>;
  imports: ImportFact[];
  classes: ClassFact[];
  tables: CoreTableFact[];
  references: ReferenceFact[];
  /**
   * `dependsOn`: Alembic's `depends_on`, revisions that must run before this one without being its parent
   * (neutron's contract branch depends on expand revisions): in history they order like `downRevision`.
   * `runOrder`: the number the tool that runs the migration orders it by, where that is not its file name: TypeORM's
   * migration class name ends with it (`AddPosts1700000000002`, the last 13 digits), and TypeORM sorts by it alone.
   */
  migration?: { revision?: string; downRevision?: string[]; dependsOn?: string[]; branchLabels?: string[]; runOrder?: number; runOrderEnd?: number; ops: MigrationOp[] };
  /** An Alembic configuration file: the folders of the revisions Alembic runs. */
  alembicConfig?: AlembicConfigFact;
  /**
   * This Python file sets Alembic's `version_locations` or `script_location` at run time
   * (`config.set_main_option("version_locations", ...)`, `context.script.version_locations = [...]`),
   * so no configuration file alone says which revisions Alembic runs.
   */
  setsAlembicLocations?: true;
  metadataRoots: MetadataRootFact[];
  /**
   * The objects whose `schema` this file assigns (`SQLModel.metadata.schema = "x"`, anywhere in it), as written
   * without `.schema`. Those that are metadata objects: when that runs decides which tables take it, so their
   * schema is not known.
   */
  metadataSchemaSets?: string[];
  /**
   * Module-level names bound by an assignment that is recorded nowhere else: the right-hand side as written
   * when it is a dotted name (`Model = db.Model`), the empty string for anything else (`Base = make_base()`).
   * An assignment shadows every import and every other file's class of that name.
   */
  aliases?: Record<string, string>;
  /**
   * Module-level assignments of a name to another name (`Base = OtherBase`, `Barn = Silo`) or to a value FK Guard cannot
   * follow (`to` empty), in source order with their places. Kept only when the module binds some name more than once
   * (classes, metadata roots and these assignments): Python then gives a name, at each use, what was bound last before
   * it, and an assignment's value what its names meant there (see `PythonNames.resolveAt`).
   */
  rebinds?: RebindFact[];
  /** Modules imported with `from m import *`. */
  starImports?: string[];
  /**
   * TypeScript re-exports: `export * from './tables'` (no `name`) and `export { TableUser as Users } from
   * './tables'` (`name` TableUser, `as` Users). A constant imported through a barrel file is found by them.
   */
  reexports?: Array<{ module: string; name?: string; as?: string }>;
  /**
   * Constants of other files this file's facts use as names (`t.integer(FieldNameUser.id)`, the column named by
   * an imported enum member): each use is written as `pendingName(constant)` and the index puts the value in
   * place (see `pendingNames.ts`), or leaves what it names unread when no file defines it.
   */
  pendingConsts?: string[];
  /**
   * `Mapped[X]` columns of model classes whose `X` a module-level import binds (`from .types import farm_ref`,
   * `Mapped[types.farm_ref]`): if `X` is an `Annotated` alias holding `ForeignKey`s, SQLAlchemy 2.0 copies each onto
   * the column, a key of this file's table made where `X` is used. Whether it is one only the module that defines
   * it says: the index follows the import the way Python does and adds one reference per key at `span` (the `X` of
   * the annotation), or none (see `SchemaIndex.resolveAliasKeys`).
   */
  pendingAliasKeys?: PendingAliasKey[];
  /**
   * Python: attributes the module assigns at module level (`t.bad = t.good`, `Barn.code = Column(...)`), as written:
   * `Mapped[t.bad]` after it is not what `t`'s module binds (R15-9).
   */
  attributeAssignments?: string[];
  /**
   * A `tsconfig.json`: what it says of module resolution, as workspace paths (see `typescript/tsconfig.ts`):
   * the config it extends, `baseUrl`, and `paths` (pattern → targets).
   */
  tsconfig?: { extends?: string; baseUrl?: string; paths?: Record<string, string[]> };
  /**
   * A drizzle-kit `meta/_journal.json`: its entries' tags in the order listed, which is the order drizzle-orm's migrator
   * runs `<tag>.sql` of the folder above `meta/` (see `migrations/drizzleJournal.ts`).
   */
  drizzleJournal?: string[];
  /** A `package.json`: the package's name and the files its entry points may be (see `packageJson.ts`). */
  packageJson?: { name: string; entries: string[] };
  /** Module-level functions FK Guard can evaluate (table-name helpers). */
  functions?: Record<string, FunctionFact>;
  /** Names bound to `functools.partial(Column, ...)`: calling them builds a column. */
  columnPartials?: string[];
  /** Module-level functions that return a column (`def pk(): return Column(Integer, primary_key=True)`). */
  columnHelpers?: Record<string, ColumnFact>;
  /** SQLAlchemy 2.0's `Annotated` type aliases defined here (`str36 = Annotated[str, mapped_column(String(36))]`), by name. */
  annotatedAliases?: Record<string, AnnotatedAliasFact>;
  /**
   * Tables this file may make that FK Guard does not index, because whether or under which name they are made
   * depends on running the code: a `Table(...)` in a function or a loop (on a metadata that is not a fresh
   * `MetaData()` of its own), a `__tablename__` set in a branch of a class body, a second class of one name in one
   * module (`try:`/`except ImportError:` alternatives), a class made by `type(...)`. No name such a table may have
   * is proven unknown (see `SchemaIndex.unnamedTableFor`).
   */
  maybeTables?: MaybeTableFact[];
  /** Type aliases and TypeDecorators defined here: name → the family their `impl` gives. */
  typeDecorators: Record<string, { family: TypeFamily; sqlType: string }>;
  errors: ParseError[];
  /**
   * Offsets of line starts, for turning spans into ranges. An engine that is only read once it is filled (the
   * CLI's) holds them as an `Int32Array`, half the size of a list of numbers (see `compactLineStarts`).
   */
  lineStarts: LineStarts;
  /** The file was not parsed: only its module-level string constants were read. */
  constantsOnly?: true;
  /** `fkguard: ignore` comments and what quick fixes need of the lines (see `suppress.ts`). */
  suppressions?: FileSuppressions;
  /**
   * The databases this file says the project runs on (a TypeORM `DataSource({ type: 'mysql' })`, a knexfile's
   * `client`, a Drizzle `mysqlTable`); the index combines every file's into the dialect that judges, unless
   * the configuration names one.
   */
  targets?: Array<'postgresql' | 'mysql' | 'sqlite'>;
  /**
   * A TypeORM data source here names its own `namingStrategy` (or an `entityPrefix`), as written: the names
   * TypeORM derives (join tables and their columns) are then the project's code's to decide, not FK Guard's.
   */
  typeormNaming?: string;
  /**
   * The TypeORM data sources whose options this file writes (`new DataSource({ ... })`, `createConnection`,
   * `TypeOrmModule.forRoot`, a variable of an options type): what decides the schema of the entities each governs.
   */
  typeormSources?: TypeormSourceFact[];
  /**
   * The Knex configurations written here (a knexfile's, `knex({ ... })`'s): what each says of PostgreSQL's
   * `search_path`, which Knex sets on every connection it opens (`searchPath`), so on every migration it runs.
   */
  knexSearchPath?: KnexSearchPathFact[];
  /** This file is a Knex migration (`knex.schema.createTable(...)`): it runs on a connection with the project's `searchPath` (see `onSearchPath`). */
  knexMigration?: true;
  /**
   * What this file says of Drizzle's `casing` (see `typescript/drizzle.ts`, `readDrizzleCasing`): one entry per
   * `drizzle(...)` call and per drizzle-kit config. A builder given no name (`externalId: varchar()`) is the column
   * `external_id` under `snake_case`, in the queries drizzle-orm writes and the tables drizzle-kit makes.
   */
  drizzleCasing?: DrizzleCasingFact[];
  /**
   * Sequelize's instance-wide model options here, for the options that name tables and columns (`define: {
   * freezeTableName, underscored }`): what the instances made here say (`new Sequelize(url, { define })`; one without
   * `define` keeps Sequelize's defaults, false), what sequelize-cli configs here say (`{ dialect, define }` per
   * environment), each option's value if all agree, `null` if not or if it cannot be read. `fromConfig`: an
   * instance here takes options FK Guard cannot see (`new Sequelize(db, user, pass, config)`), so it says what the
   * workspace's configs say. `text`: the first `define` as written (or the first instance), for messages.
   */
  sequelizeDefine?: { instances?: SequelizeNaming; configs?: SequelizeNaming; fromConfig?: true; text: string };
  /** A package.json's `sequelize` dependency range as written (Sequelize 4 names columns and tables otherwise). */
  sequelizeVersion?: string;
  /**
   * Sequelize associations here that add a key attribute to a model this file does not define (`Post.hasMany(models.
   * Comment, { foreignKey: 'postRef' })` in a sequelize-cli model's `static associate(models)`, or a relations file):
   * the model's name as the association writes it, last part only (`Comment`), and what the key adds there (see
   * `SequelizeAssociationKey`). The index adds them to the Sequelize class of that name (see `ClassMapper`).
   */
  sequelizeForeignKeys?: SequelizeAssociationKey[];
  /**
   * A Python dependency file (requirements*.txt, pyproject.toml, a lock, Pipfile, setup.cfg): what it requires of the
   * packages whose version changes FK Guard's reading (see `python/dependencies.ts`).
   */
  pythonDependencies?: PythonDependenciesFact;
}

/**
 * One TypeORM data source's options, as far as they decide where its entities' tables are (see
 * `typescript/typeormSources.ts`). TypeORM puts an entity that names no schema of its own into the data source's
 * `schema` (EntityMetadata.build), on the drivers that have schemas (PostgreSQL, CockroachDB, SQL Server, SAP).
 */
export interface TypeormSourceFact {
  /** The schema it gives its entities: a name, `''` for none (not written, `public`, a driver without schemas), `null` when FK Guard cannot read it. */
  schema: string | null;
  /**
   * Its entities as written (`entities: [User, Post]`): names the index binds as this file sees them; `any` when
   * FK Guard cannot list them (globs, a variable, a spread, `autoLoadEntities`, options it cannot read).
   */
  entities: string[] | 'any';
  /** What FK Guard read the schema from, for messages (`schema: process.env.DB_SCHEMA`, the options' text). */
  text: string;
}

/** One Knex configuration's `searchPath`. */
export interface KnexSearchPathFact {
  /** The schemas in order (`[]`: none set, or a client without schemas), `null` when FK Guard cannot read it. */
  path: string[] | null;
  /** As written, for messages. */
  text: string;
}

/** One `drizzle(client, { casing })` call or drizzle-kit config (`defineConfig({ casing })`). */
export interface DrizzleCasingFact {
  /** `snake_case`, `camelCase`, `''` when it sets none, `null` when FK Guard cannot read it. */
  casing: 'snake_case' | 'camelCase' | '' | null;
  /** As written, for messages (`casing: 'snake_case'`, `drizzle(pool, config)`). */
  text: string;
}

/**
 * A key attribute a Sequelize association adds to its holder model (`_injectAttributes` merges `{ [foreignKey]: { type:
 * the key's, ...foreignKey options } }` into the model's attributes, an attribute the model declares keeping what it
 * says): `column` for a key the association names (`foreignKey: 'postRef'`, `{ name, field, unique }`), unset for one
 * Sequelize names after the models; `text` the association as written.
 */
export interface SequelizeAssociationKey {
  holder: string;
  column?: ColumnFact;
  text: string;
}

/** What Sequelize model options say of how tables and columns are named (see `FileFacts.sequelizeDefine`). */
export interface SequelizeNaming {
  freezeTableName: boolean | null;
  underscored: boolean | null;
  /** `define: { schema }`: the schema of its models that name none (`''`: none). */
  schema: string | null;
}

/**
 * Why a reference was not checked. FK Guard reports an error only when it can prove it; a reference it
 * cannot resolve with certainty is counted under one of these reasons instead of being reported.
 */
export type UncheckedReason =
  /** The table is made by a SQL statement FK Guard cannot parse (reported as parse-error): its columns are not known. */
  | 'unreadable-definition'
  /** The target is computed at run time (a call, a constant or f-string FK Guard cannot read). */
  | 'dynamic-name'
  /** The table name comes from a `@declared_attr` `__tablename__` whose body FK Guard cannot evaluate. */
  | 'declared-attr'
  /** The table's columns come partly from a base class FK Guard cannot resolve. */
  | 'unresolved-base'
  /** The referenced column's type is unknown (a type from outside the workspace), so types are not compared. */
  | 'unknown-key-type'
  /** The reference sits in a migration folder that Alembic does not run. */
  | 'outside-history'
  /** A class attribute is built by a call FK Guard cannot read, which may make the referenced column. */
  | 'unresolved-column'
  /**
   * The class or table variable is defined outside the workspace (an installed package), or the table is in a schema
   * no file of the workspace puts a table in (Supabase's `auth.users`: the database's own or a platform's).
   */
  | 'outside-workspace'
  /** The table is listed in `external-tables`: its columns are not known. */
  | 'external-table'
  /** Several definitions of the table disagree and none belongs to the reference's own metadata or package. */
  | 'ambiguous-table'
  /**
   * A revision on a parallel branch of the Alembic graph (neither ancestor nor descendant of the reference's
   * revision), a file of a folder whose order the code decides, or a file the tools that run its migrations folder
   * order differently (names as text or by number, by path or by file name) changes the table or the referenced
   * column, so which comes first is not known. Also: a migration changes a table its folder never makes (another
   * folder or code makes it), so the table is not known as it stands there.
   */
  | 'unordered-history'
  /**
   * Migration history depends on an operation FK Guard cannot tell ran (inside an `if`, a `try`, a loop it
   * cannot unroll), and the reference's verdict differs between the two outcomes.
   */
  | 'conditional-history'
  /**
   * A reference in a SQLite migration whose table is dropped or made anew later (a rebuild): SQLite checks a
   * foreign key only when rows are written, and by then this constraint is gone.
   */
  | 'superseded'
  /**
   * A migration operation FK Guard cannot fully read (a loop over something it cannot read, a helper called
   * with a computed table name) may have changed the referenced column, whose type is then unknown.
   */
  | 'unreadable-migration'
  /**
   * On MySQL, a table named in another letter case than its definition: the same table only where the
   * server's `lower_case_table_names` is 1 or 2 (Windows, macOS), not with Linux's default 0.
   */
  | 'letter-case'
  /** TypeORM derives the name with a naming strategy of the project's own, which FK Guard does not run. */
  | 'naming-strategy'
  /**
   * The table is imported from a module that gets the name from two `export *` of different modules: by
   * ECMAScript's rules it exports neither (importing it is an error; TypeScript reports the conflict).
   */
  | 'ambiguous-export'
  /**
   * The FK column's type or the key's is one FK Guard does not compare with the other (PostgreSQL's `inet`, `money`,
   * `bit`, `oid`, arrays, an enum or a domain against another type; a SQLAlchemy `Enum`, whose database type it does
   * not know): whether the database takes the key is not known.
   */
  | 'uncompared-type'
  /**
   * The reference is in a SQLModel model without `table=True` (a data model: `HeroRead`, `HeroUpdate`) that no class
   * is built on: SQLModel makes no column and no foreign key from it.
   */
  | 'no-table-class'
  /**
   * The referenced column is no key FK Guard can see, and neither is any primary key of the table, which FK Guard does
   * not know whole (migrations make it, or it is a partial definition): whether the column is unique is not known.
   */
  | 'unseen-keys'
  /**
   * MySQL 8 refuses the key and MariaDB accepts it (MariaDB's InnoDB compares how the two types are stored: DECIMAL of
   * another precision, DATETIME to DECIMAL), or the key is a column's inline `REFERENCES`, which MySQL 8.4 and earlier
   * ignore and MariaDB and MySQL 9 make; FK Guard does not know which of the servers runs the project.
   */
  | 'server-dependent';

export const UNCHECKED_REASONS: readonly UncheckedReason[] = [
  'dynamic-name',
  'declared-attr',
  'unresolved-base',
  'unknown-key-type',
  'outside-history',
  'unresolved-column',
  'outside-workspace',
  'external-table',
  'ambiguous-table',
  'unordered-history',
  'conditional-history',
  'superseded',
  'unreadable-migration',
  'letter-case',
  'naming-strategy',
  'ambiguous-export',
  'uncompared-type',
  'no-table-class',
  'unseen-keys',
  'server-dependent',
];

export interface UncheckedReference {
  file: string;
  range: Range;
  /** The reference as written (`user.id`). */
  reference?: string;
  reason: UncheckedReason;
  /** One sentence on what FK Guard could not know. */
  detail: string;
}

/** One `# fkguard: ignore[...]` comment (`--` in SQL, `// fkguard-ignore[...]` in TS/JS, `//` in Prisma). */
export interface SuppressionComment {
  line: number;
  /** The rules named in brackets, as written; absent for a bare `ignore`, which silences every rule. */
  rules?: string[];
  /** The marker itself, from its comment sign to its end (`# fkguard: ignore[unknown-table]`). */
  span: Span;
  /** The bracket list's inside, where rules are added or removed, for a marker that has one. */
  rulesSpan?: Span;
  /** What removing the marker deletes: with the blanks before it, or the whole line when it is alone. */
  removeSpan: Span;
}

export interface FileSuppressions {
  comments: SuppressionComment[];
  /** The text's length: where the last line ends. */
  length: number;
  /** Lines that end in `\r\n` (a two-character break): every one (`all`), or the list of them, or none. */
  crlf?: 'all' | number[];
  /** Lines that end inside a construct where no comment can follow (after a backslash continuation). */
  noComment?: number[];
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

/** The type a FK column should have: the referenced column's, as a family and a PostgreSQL spelling. */
export interface TargetType {
  family: TypeFamily;
  sqlType: string;
}

/**
 * Rewrites a column's type in its own language's idiom (a TypeORM `@Column('uuid')`, a Drizzle `uuid(...)`
 * with its import, a Prisma `String @db.Uuid`), returning the edits and the text written. Undefined when
 * the writer cannot express the target type safely: then no fix is offered.
 */
export type TypeWriter = (facts: FileFacts, column: ColumnFact, type: TypeFact, target: TargetType) => { edits: TextEdit[]; written: string } | undefined;

export interface Fix {
  title: string;
  isPreferred: boolean;
  edits: TextEdit[];
  /**
   * The fix edits a migration: a step of history that may already have run on a database. Such a fix is
   * offered but never preferred; `preferred` says it would be otherwise, which `--fix-migrations` applies.
   */
  rewritesHistory?: { preferred: boolean };
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  /** The reference as written (`user.id`), when the finding is about one. */
  reference?: string;
  related: RelatedLocation[];
  fixes: Fix[];
}
