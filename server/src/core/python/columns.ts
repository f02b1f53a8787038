import type { Node } from 'web-tree-sitter';
import { COLUMN_CALLS, NOT_A_TYPE, annotationTypeFact, typeOf } from './columnTypes';
import { reflectedTables } from './maybeTables';
import { aliasForeignKeys, aliasTypeFact } from './annotatedAliases';
import type { PythonReader } from './reader';
import { withColumn } from '../compactFacts';
import { hasSplat, metadataRoot } from './metadataRoots';
import { foreignKeyCall, foreignKeyConstraint, referenceFromExpression } from './references';
import { type CallInfo, boolValue, readCall, spanOf } from './syntax';
import type { AnnotationFact, ClassFact, ColumnFact, CoreTableFact, ReferenceFact, ReferenceSource, Span, TypeFact } from '../types';

/**
 * Columns and keys, wherever they are written: `Column(...)`/`mapped_column(...)` in a class or a Core
 * `Table(...)`, SQLModel `Field(...)`, module-level column helpers, `UniqueConstraint`/`PrimaryKeyConstraint`,
 * and Core tables themselves (`Table(...)` and Alembic's `op.create_table(...)`).
 */

export function isColumnCall(x: PythonReader, name: string): boolean {
  return COLUMN_CALLS.has(name) || (x.facts.columnPartials?.includes(name) ?? false);
}

/**
 * `Column("name", Type, ForeignKey(...), primary_key=True)` and `mapped_column(...)`. Pushes the column
 * and any foreign-key references; returns the column. It runs for every column of a workspace: what only some columns
 * need (a type not written as an argument, a serial key, a `key=`, an alias's keys) is in functions of its own, so
 * that the optimising compiler compiles a smaller function (this one was the dearest compile of a cold scan).
 */
export function columnCall(
  x: PythonReader,
  node: Node,
  call: CallInfo,
  attr: string | undefined,
  annotation: AnnotationFact | undefined,
  source: ReferenceSource,
  context: ReferenceFact['context'],
  into: ColumnFact[],
): ColumnFact | undefined {
  let name = attr;
  let nameSpan: Span | undefined;
  let type: TypeFact | undefined;
  const fkCalls: Node[] = [];
  const positional = call.positional;
  for (let i = 0; i < positional.length; i++) {
    const p = positional[i];
    const lit = i === 0 ? x.literal(p) : undefined;
    if (lit !== undefined) {
      name = lit.value;
      nameSpan = spanOf(p);
      continue;
    }
    if (p.type === 'call') {
      const inner = readCall(p);
      if (inner.name === 'ForeignKey') {
        fkCalls.push(p);
        continue;
      }
      if (NOT_A_TYPE.has(inner.name)) continue;
    }
    if (!type && (p.type === 'call' || p.type === 'identifier' || p.type === 'attribute')) type = typeOf(x, p);
  }
  const keywords = call.keywords;
  const kwName = keywords.get('name');
  if (kwName) {
    const lit = x.literal(kwName);
    if (lit) {
      name = lit.value;
      nameSpan = spanOf(kwName);
    }
  }
  if (!type) type = typeNotPositional(x, call, annotation, fkCalls.length > 0);
  if (!name) return undefined;
  const primaryKey = x.flag(keywords.get('primary_key'));
  const unique = x.flag(keywords.get('unique'));
  const column: ColumnFact = {
    name,
    attr: attr && attr !== name ? attr : undefined,
    type,
    annotation,
    primaryKey: primaryKey === true,
    unique: unique === true,
    nullable: boolValue(keywords.get('nullable')),
    span: nameSpan ?? spanOf(node),
    hasForeignKey: fkCalls.length > 0 || undefined,
  };
  if (primaryKey === undefined || unique === undefined) column.maybeKey = true;
  if (attr && !nameSpan) column.span = attrSpan(node) ?? column.span;
  if (column.primaryKey && fkCalls.length === 0 && serialIfSolePrimaryKey(call, type)) column.serialIfSolePrimaryKey = true;
  // `Column("shed_no", Integer, key="number")`: the table's `.c`, and so a `ForeignKey("sheds.number")` string,
  // knows the column by its key. (A migration's `sa.Column` makes a database column: only its name counts there.)
  const keyKw = context === 'migration' ? undefined : keywords.get('key');
  if (keyKw) columnKey(x, column, keyKw, name);
  into.push(column);
  for (let i = 0; i < fkCalls.length; i++) {
    const ref = foreignKeyCall(x, readCall(fkCalls[i]), withColumn(source, name), context);
    if (ref) x.facts.references.push(ref);
  }
  // `farm_id: Mapped[fk_farm] = mapped_column()`: the keys of an `Annotated` alias of this module are the column's too.
  if (call.name === 'mapped_column' && context === 'model') aliasKeys(x, column, annotation, withColumn(source, name));
  return column;
}

/** A column's type when no positional argument gives it: `type_=`, its `Mapped[...]` annotation, an `Annotated` alias. */
function typeNotPositional(x: PythonReader, call: CallInfo, annotation: AnnotationFact | undefined, hasForeignKey: boolean): TypeFact | undefined {
  let type: TypeFact | undefined;
  const typeKw = call.keywords.get('type_');
  if (typeKw) type = typeOf(x, typeKw);
  // A column with a foreign key and no type of its own takes the referenced column's type (SQLAlchemy copies
  // it when the table is created, whatever `Mapped[...]` says): it can never mismatch, so it has no type here.
  if (!type && annotation && !hasForeignKey) {
    const at = annotationTypeFact(x, annotation);
    if (at) type = at;
  }
  // `Mapped[str36]`: an `Annotated` alias may give the type, even to a column with a foreign key.
  if (!type && annotation && call.name === 'mapped_column') type = aliasTypeFact(x, annotation, hasForeignKey);
  return type;
}

/**
 * Whether a primary key column without a foreign key is one the database numbers itself when it is its table's only
 * key: a Numeric type or one the index resolves later (a TypeDecorator or an `Annotated` alias of another module,
 * which may be a Numeric one too: the rule then looks at the type as resolved, see `serialKey` in
 * rules/type-mismatch.ts), no default, no sequence, and `autoincrement` not `False`.
 */
function serialIfSolePrimaryKey(call: CallInfo, type: TypeFact | undefined): boolean {
  const numericOrLater = type?.family === 'numeric' || type?.family === 'float' || (type?.family === 'other' && type.sqlType === '');
  if (!numericOrLater) return false;
  const ownDefault = call.keywords.has('default') || call.keywords.has('server_default') || call.keywords.has('insert_default');
  const sequence = call.positional.some((p) => p.type === 'call' && /^(?:Sequence|Identity|Computed)$/.test(readCall(p).name));
  return !ownDefault && !sequence && call.keywords.get('autoincrement')?.text !== 'False';
}

/** `Column(..., key="number")` (see `columnCall`). */
function columnKey(x: PythonReader, column: ColumnFact, keyKw: Node, name: string): void {
  const lit = x.literal(keyKw);
  if (!lit) column.keyUnknown = true;
  else if (lit.value !== name) column.key = lit.value;
}

/** The keys of an `Annotated` alias a `mapped_column()` of a model takes (see `aliasForeignKeys`). */
function aliasKeys(x: PythonReader, column: ColumnFact, annotation: AnnotationFact | undefined, source: ReferenceSource): void {
  const keys = aliasForeignKeys(x, annotation, source);
  if (keys.length > 0) column.hasForeignKey = true;
  x.facts.references.push(...keys);
}

/** The span of the attribute name a column is assigned to (`tenant_id = Column(...)`). */
function attrSpan(valueNode: Node): Span | undefined {
  const assignment = valueNode.parent;
  const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
  return left ? spanOf(left) : undefined;
}

/** SQLModel: `user_id: uuid.UUID | None = Field(default=None, foreign_key="users.id")`. */
export function sqlModelField(x: PythonReader, node: Node, call: CallInfo, attr: string, annotation: AnnotationFact | undefined, cls: ClassFact): void {
  const saColumn = call.keywords.get('sa_column');
  if (saColumn?.type === 'call') {
    const inner = readCall(saColumn);
    if (COLUMN_CALLS.has(inner.name)) {
      columnCall(x, saColumn, inner, attr, annotation, { className: cls.name }, 'model', cls.columns);
      return;
    }
  }
  let type: TypeFact | undefined;
  const saType = call.keywords.get('sa_type');
  if (saType) type = typeOf(x, saType);
  if (!type && annotation) {
    const fromAnnotation = annotationTypeFact(x, annotation);
    type = fromAnnotation ? { ...fromAnnotation, source: 'field' } : undefined;
    const maxLength = call.keywords.get('max_length');
    if (type && type.family === 'string' && maxLength && /^\d+$/.test(maxLength.text)) {
      type = { ...type, sqlType: `varchar(${maxLength.text})` };
    }
  }
  const fk = call.keywords.get('foreign_key');
  // `sa_column_kwargs={...}` goes to SQLAlchemy's `Column(**kwargs)` over what the field says: `name` renames the
  // column (the attribute keeps its name), `unique`/`primary_key`/`nullable` win over the field's.
  const extra = columnKwargs(x, call.keywords.get('sa_column_kwargs'));
  const flag = (key: string) => (extra?.has(key) ? extra.get(key) : call.keywords.get(key));
  const span = attrSpan(node) ?? spanOf(node);
  if (extra === null) {
    // Not a dict FK Guard can read: the column may have another name, so the table's columns are not all known.
    (cls.opaque ??= []).push({ attr, callee: 'Field(sa_column_kwargs=...)', span });
  } else if (extra?.has('name') && extra.get('name') === undefined) {
    (cls.opaque ??= []).push({ attr, callee: 'Field(sa_column_kwargs={"name": ...})', span });
  }
  const renamed = extra?.get('name') ? x.literal(extra.get('name')!)?.value : undefined;
  if (extra === null || (extra?.has('name') && renamed === undefined)) {
    if (fk) {
      const ref = referenceFromExpression(x, fk, { className: cls.name, column: attr }, 'model');
      if (ref) x.facts.references.push(ref);
    }
    return;
  }
  const column: ColumnFact = {
    name: renamed ?? attr,
    ...(renamed !== undefined && renamed !== attr ? { attr } : {}),
    type,
    annotation,
    primaryKey: x.flag(flag('primary_key')) === true,
    unique: x.flag(flag('unique')) === true,
    nullable: boolValue(flag('nullable')),
    span,
    hasForeignKey: fk ? true : undefined,
  };
  if (x.flag(flag('primary_key')) === undefined || x.flag(flag('unique')) === undefined) column.maybeKey = true;
  cls.columns.push(column);
  if (fk) {
    const ref = referenceFromExpression(x, fk, { className: cls.name, column: attr }, 'model');
    if (ref) x.facts.references.push(ref);
  }
}

/**
 * A `dict` literal of keyword arguments (`{"name": "code", "unique": True}`, or `dict(name="code")`): its entries by
 * key, the value `undefined` where FK Guard cannot read it as a literal. `null` when it is not such a literal (a
 * variable, a `**spread`, a key that is not a string); `undefined` when there is none.
 */
function columnKwargs(x: PythonReader, node: Node | undefined): Map<string, Node | undefined> | null | undefined {
  if (!node) return undefined;
  const out = new Map<string, Node | undefined>();
  const literalValue = (v: Node | null | undefined) => (v && (v.type === 'true' || v.type === 'false' || v.type === 'none' || x.literal(v) !== undefined) ? v : undefined);
  if (node.type === 'dictionary') {
    for (const item of node.namedChildren) {
      if (!item || item.type === 'comment') continue;
      if (item.type !== 'pair') return null;
      const key = item.childForFieldName('key');
      const k = key ? x.literal(key)?.value : undefined;
      if (k === undefined) return null;
      out.set(k, literalValue(item.childForFieldName('value')));
    }
    return out;
  }
  if (node.type === 'call' && node.childForFieldName('function')?.text === 'dict') {
    const c = readCall(node);
    if (c.positional.length > 0 || hasSplat(node)) return null;
    for (const [k, v] of c.keywords) out.set(k, literalValue(v));
    return out;
  }
  return null;
}

/**
 * `Index("ix_farms_code", "code", unique=True)`: a unique index on plain columns is a key a foreign key may target, as a
 * unique constraint is. Not a partial one (`postgresql_where=`, `sqlite_where=`), nor one on an expression
 * (`text("lower(code)")`), nor one whose `unique=` FK Guard cannot read. The columns as written, or undefined.
 */
export function uniqueIndexColumns(x: PythonReader, call: CallInfo): string[] | undefined {
  if (call.name !== 'Index' || x.flag(call.keywords.get('unique')) !== true) return undefined;
  if ([...call.keywords.keys()].some((k) => k.endsWith('_where'))) return undefined;
  const columns: string[] = [];
  for (const p of call.positional.slice(1)) {
    const name = x.literal(p)?.value;
    if (name === undefined) return undefined;
    columns.push(name);
  }
  return columns.length > 0 ? columns : undefined;
}

/**
 * A module-level `Index("ix", Farm.e, unique=True)` / `Index("ix", farms.c.e, unique=True)`: the class or table variable
 * and column of each part, read as `uniqueIndexColumns` reads a unique index; undefined for anything else.
 */
export function uniqueIndexOn(x: PythonReader, call: CallInfo): Array<{ owner: string; column: string; table: boolean }> | undefined {
  if (call.name !== 'Index' || x.flag(call.keywords.get('unique')) !== true) return undefined;
  if ([...call.keywords.keys()].some((k) => k.endsWith('_where'))) return undefined;
  const parts: Array<{ owner: string; column: string; table: boolean }> = [];
  for (const p of call.positional.slice(1)) {
    const m = p.type === 'attribute' ? /^([A-Za-z_]\w*)\.(?:(c)\.)?([A-Za-z_]\w*)$/.exec(p.text) : null;
    if (!m) return undefined;
    parts.push({ owner: m[1], column: m[3], table: m[2] === 'c' });
  }
  return parts.length > 0 ? parts : undefined;
}

/**
 * `UniqueConstraint("slug")` and `PrimaryKeyConstraint("a", "b")`: a single column becomes a valid FK
 * target; a composite key is kept as a column list, which a composite foreign key may target.
 */
export function markKeys(x: PythonReader, owner: { columns: ColumnFact[]; keys: string[][] }, call: CallInfo, primary: boolean): void {
  const names = call.positional.map((p) => x.literal(p)?.value).filter((v): v is string => v !== undefined);
  if (names.length === 0) return;
  if (primary) {
    for (const n of names) {
      const col = owner.columns.find((c) => c.name === n || c.attr === n);
      if (col) col.primaryKey = true;
    }
  }
  if (names.length === 1 && !primary) {
    const col = owner.columns.find((c) => c.name === names[0] || c.attr === names[0]);
    if (col) {
      col.unique = true;
      return;
    }
  }
  owner.keys.push(names);
}

/** `Table("name", metadata, Column(...), ForeignKeyConstraint(...), schema="x")` and `op.create_table(...)`. */
export function coreTable(x: PythonReader, node: Node, call: CallInfo, variable: string | undefined, origin: CoreTableFact['origin']): CoreTableFact | undefined {
  const nameNode = call.positional[0] ?? call.keywords.get('name') ?? call.keywords.get('table_name');
  if (!nameNode) return undefined;
  // Inside `upgrade()`, a loop variable or a helper's parameter may name the table.
  const bound: Record<string, string> = {};
  for (const [k, v] of x.bindings) if (v !== undefined) bound[k] = v;
  const name = x.nameExpr(nameNode, bound);
  const schemaNode = call.keywords.get('schema');
  const schema = schemaNode ? x.literal(schemaNode)?.value : undefined;
  const table: CoreTableFact = {
    name,
    schema,
    variable,
    columns: [],
    keys: [],
    span: spanOf(node),
    nameSpan: spanOf(nameNode),
    origin,
  };
  if (x.fallback && origin === 'core') table.fallback = true;
  // `Table("legacy_farms", metadata, autoload_with=engine)`: SQLAlchemy reflects the columns from the database, which
  // FK Guard never reads; the ones written only add to or override them.
  const autoload = call.keywords.get('autoload_with') ?? (call.keywords.get('autoload')?.text === 'True' ? call.keywords.get('autoload') : undefined);
  if (autoload && origin === 'core') {
    table.unreadColumn = `${autoload === call.keywords.get('autoload') ? 'autoload' : 'autoload_with'}=${autoload.text}`;
    if (call.keywords.get('resolve_fks')?.text !== 'False') reflectedTables(x, node, table.unreadColumn);
  }
  // A half-typed argument list (`Column("size", Integer,, )`, `sa.Column(`): the parser may have lost columns.
  if (node.hasError) table.unparsed = true;
  const source: ReferenceSource = { table: name, schema };
  const context = origin === 'core' ? 'core' : 'migration';
  const rest = call.positional.slice(1);
  if (origin === 'core') tableMetadata(x, table, call, rest[0] ?? call.keywords.get('metadata'));
  if (schemaNode && /(^|\.)BLANK_SCHEMA$/.test(schemaNode.text)) table.blankSchema = true;
  const constraints: CallInfo[] = [];
  for (const p of rest) {
    if (p.type !== 'call') continue;
    const inner = readCall(p);
    if (isColumnCall(x, inner.name)) columnCall(x, p, inner, undefined, undefined, source, context, table.columns);
    else constraints.push(inner);
  }
  for (const inner of constraints) {
    const indexed = uniqueIndexColumns(x, inner);
    if (indexed) markKeys(x, table, { name: inner.name, positional: inner.positional.slice(1), keywords: inner.keywords }, false);
    if (inner.name === 'ForeignKeyConstraint') foreignKeyConstraint(x, inner, source, context);
    else if (inner.name === 'PrimaryKeyConstraint' || inner.name === 'UniqueConstraint') {
      markKeys(x, table, inner, inner.name === 'PrimaryKeyConstraint');
      // A named key can be dropped by its name later in migration history.
      const keyName = inner.keywords.get('name');
      // `name=op.f("uq_x")` marks a name taken as final; the string inside is the name.
      const wrapped = keyName?.type === 'call' ? readCall(keyName) : undefined;
      const nameNode = wrapped ? (wrapped.name === 'f' ? wrapped.positional[0] : undefined) : keyName;
      const named = nameNode ? x.literal(nameNode)?.value : undefined;
      const columns = inner.positional.map((p) => x.literal(p)?.value).filter((v): v is string => v !== undefined);
      if (named && columns.length > 0) (table.keyNames ??= {})[named] = columns;
    }
  }
  x.facts.tables.push(table);
  return table;
}

/**
 * The metadata a Core `Table(...)` is on: as written (`metadata`, `Base.metadata`, `get_metadata()`: the index
 * resolves it, or takes its schema as unknown); `db` for Flask-SQLAlchemy's `db.Table("t", db.Column(...))`; a
 * `MetaData(...)` made in the call itself, with its schema.
 */
function tableMetadata(x: PythonReader, table: CoreTableFact, call: CallInfo, given: Node | undefined): void {
  const inner = given?.type === 'call' ? readCall(given) : undefined;
  // Flask-SQLAlchemy's `db.Table("t", db.Column(...))` is on `db.metadata`.
  if (call.qualifier && (!given || (inner && isColumnCall(x, inner.name)))) {
    table.metadata = call.qualifier;
    const bind = call.keywords.get('bind_key');
    if (bind && bind.type !== 'none') table.bindKey = x.literal(bind)?.value ?? bind.text;
  }
  else if (inner?.name === 'MetaData' && given) {
    const made = metadataRoot(x, 'MetaData', spanOf(given), given, inner);
    table.madeMetadata = made.schema ? { schema: made.schema } : {};
  } else if (given && !(inner && isColumnCall(x, inner.name))) {
    // A name as Python reads it (`Base . metadata`); any other expression as written, on one line.
    table.metadata = given.type === 'identifier' || given.type === 'attribute' ? given.text.replace(/\s+/g, '') : given.text.replace(/\s+/g, ' ');
  }
}

/**
 * A module-level function whose single `return` builds a column (`def pk(): return Column(Integer,
 * primary_key=True)`): what it returns, so `id = pk()` in a class is that column.
 */
export function columnHelper(x: PythonReader, def: Node): ColumnFact | undefined {
  // Most module-level functions build no column: a look at the text spares walking their bodies.
  const source = x.text.slice(def.startIndex, def.endIndex);
  if (!/\b(Column|mapped_column)\(/.test(source) && !(x.facts.columnPartials ?? []).some((p) => source.includes(`${p}(`))) return undefined;
  const body = def.childForFieldName('body');
  const returns = def.descendantsOfType('return_statement');
  if (!body || returns.length !== 1) return undefined;
  const value = returns[0]?.namedChildren[0];
  if (value?.type !== 'call') return undefined;
  const call = readCall(value);
  if (!isColumnCall(x, call.name)) return undefined;
  const before = x.facts.references.length;
  const into: ColumnFact[] = [];
  columnCall(x, value, call, '_', undefined, {}, 'model', into);
  // A helper with a foreign key of its own is not followed: its target belongs to each use, not to it.
  const hasFk = x.facts.references.length > before;
  x.facts.references.length = before;
  return hasFk || !into[0] ? undefined : into[0];
}
