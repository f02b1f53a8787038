import type { Node } from 'web-tree-sitter';
import { COLUMN_CALLS, mappedAnnotation, typeOf } from './columnTypes';
import { columnCall, coreTable, isColumnCall, markKeys, sqlModelField, uniqueIndexColumns } from './columns';
import { functionFact, substitute } from './derivations';
import type { PythonReader } from './reader';
import { branchTablenames, reflectedTables } from './maybeTables';
import { aliasForeignKeys, aliasTypeFact } from './annotatedAliases';
import { foreignKeyConstraint } from './references';
import { withColumn } from '../compactFacts';
import { type CallInfo, calleeText, isSqlAlchemyTable, NO_NODES, pythonName, readCall, spanOf } from './syntax';
import { annotationMapKeys, decoratorMetadata, hasSplat, METADATA_CALLS, metadataRoot, metadataValue } from './metadataRoots';
import type { ClassFact, ColumnFact, MetadataRootFact, NameExpr } from '../types';

/**
 * Declarative classes: their bases, `__tablename__`, `__table_args__`, `@declared_attr` members, and the
 * attributes that make columns (SQLAlchemy's `Column`/`mapped_column`, SQLModel's annotated fields). A
 * `TypeDecorator` subclass is read as the type it stands for instead.
 */

/** Calls assigned to class attributes that never make a column. */
const NOT_A_COLUMN = new Set([
  'relationship',
  'Relationship',
  'backref',
  'dynamic_loader',
  'synonym',
  'association_proxy',
  'hybrid_property',
  'composite',
  'query_property',
  'query_expression',
  'property',
  'staticmethod',
  'classmethod',
  'Field',
  'Index',
  'UniqueConstraint',
  'CheckConstraint',
]);

export function decoratorsOf(s: Node): string[] {
  return s.namedChildren
    .filter((c): c is Node => !!c && c.type === 'decorator')
    .map((d) => d.text.replace(/^@/, '').trim());
}

/**
 * The registry a `@reg.mapped` / `@reg.mapped_as_dataclass` / `@reg.mapped_as_dataclass(...)` decorator maps its
 * class with: a name, or a `registry(...)` call made right there.
 */
function mappingRegistry(d: Node): Node | undefined {
  let e = d.namedChildren.find((c) => c?.type !== 'comment') ?? undefined;
  // `mapped_as_dataclass(init=False)` takes dataclass options; `mapped` takes the class only.
  if (e?.type === 'call' && e.childForFieldName('function')?.type === 'attribute') {
    const f = e.childForFieldName('function')!;
    if (f.childForFieldName('attribute')?.text !== 'mapped_as_dataclass') return undefined;
    e = f;
  }
  if (e?.type !== 'attribute' || !/^mapped(_as_dataclass)?$/.test(e.childForFieldName('attribute')?.text ?? '')) return undefined;
  const o = e.childForFieldName('object');
  if (o?.type === 'identifier' || o?.type === 'attribute') return o;
  return o?.type === 'call' && readCall(o).name === 'registry' ? o : undefined;
}

export function classDefinition(x: PythonReader, c: Node, decorators: string[] = []): void {
  const nameNode = c.childForFieldName('name');
  if (!nameNode) return;
  const bases: string[] = [];
  let sqlmodelTable = false;
  // `table=FLAG` that FK Guard cannot read as True or False: the class may be a table (see the end).
  let tableFlag: Node | undefined;
  let sqlRegistry: Node | undefined;
  const supers = c.childForFieldName('superclasses');
  for (const a of supers?.namedChildren ?? NO_NODES) {
    if (!a) continue;
    if (a.type === 'keyword_argument') {
      const k = a.childForFieldName('name')?.text;
      const value = a.childForFieldName('value');
      if (k === 'table' && value) {
        // SQLModel's metaclass takes `table=` as a value, however it is written: `True`, or a module constant.
        const flag = value.type === 'true' ? true : value.type === 'false' || value.type === 'none' ? false : moduleBoolean(c, value);
        if (flag === true) sqlmodelTable = true;
        else if (flag === undefined) tableFlag = a;
      }
      // `class ArenaModel(SQLModel, registry=arena_reg)`: SQLModel maps the class and its subclasses on that
      // registry, so its metadata (and the schema it gives) is theirs, as a `@arena_reg.mapped` decorator's would be.
      if (k === 'registry' && value) sqlRegistry = value;
    } else if (a.type === 'identifier' || a.type === 'attribute') {
      bases.push(pythonName(a.text));
    } else if (a.type === 'subscript' || a.type === 'generic_type') {
      // `Generic[T]`, `Base[Model]`: keep the unsubscripted name.
      const v = a.childForFieldName('value') ?? a.namedChildren[0];
      if (v) bases.push(pythonName(v.text));
    }
  }
  // `@reg.mapped` / `@reg.mapped_as_dataclass` map the class on the registry's metadata, as a subclass of the
  // registry's declarative base would be: the registry stands where that base would, so its metadata (and the
  // schema it gives) is found the way a base's is.
  const decorated = c.parent?.type === 'decorated_definition' ? c.parent.namedChildren : NO_NODES;
  for (const d of decorated) {
    if (d?.type !== 'decorator') continue;
    const registry = mappingRegistry(d);
    if (!registry) continue;
    const base = registryBase(x, pythonName(nameNode.text), registry);
    if (base !== undefined && (registry.type === 'call' || !bases.includes(base))) bases.push(base);
  }
  // SQLModel's `registry=` stands first: its metadata is the class's whatever the other bases are.
  const registryFirst = sqlRegistry ? registryBase(x, pythonName(nameNode.text), sqlRegistry) : undefined;
  if (registryFirst !== undefined && (sqlRegistry?.type === 'call' || !bases.includes(registryFirst))) bases.unshift(registryFirst);
  const cls: ClassFact = {
    name: pythonName(nameNode.text),
    bases,
    sqlmodelTable,
    declaredTablename: false,
    abstract: false,
    columns: [],
    constraints: [],
    keys: [],
    span: spanOf(c),
    nameSpan: spanOf(nameNode),
  };
  // A syntax error in the class (a half-typed `Column(`) may have swallowed the columns after it.
  if (c.hasError) cls.unparsed = true;
  // `@as_declarative()` and `@registry.as_declarative_base()` make the class a declarative base too.
  const declarativeDecorator = decorators.some((d) => /(^|\.)as_declarative(_base)?\s*(\(|$)/.test(d));
  let root: MetadataRootFact | undefined;
  if (declarativeDecorator || bases.some((b) => /(^|\.)(DeclarativeBase|DeclarativeBaseNoMeta)$/.test(b))) {
    root = { name: cls.name, span: cls.nameSpan };
    const decorated = c.parent?.type === 'decorated_definition' ? c.parent.namedChildren : [];
    for (const d of decorated) {
      if (d?.type !== 'decorator') continue;
      const text = d.text.replace(/^@/, '').trim();
      if (!/(^|\.)as_declarative(_base)?\s*(\(|$)/.test(text)) continue;
      // `@as_declarative(metadata=MetaData(schema="x"))`: the metadata read as a `metadata=` argument anywhere is.
      const call = d.namedChildren[0];
      const given = call?.type === 'call' ? readCall(call).keywords.get('metadata') : undefined;
      // `@registry(metadata=m).as_declarative_base()`: the base is on the metadata of the registry made there.
      const made = call?.type === 'call' ? call.childForFieldName('function')?.childForFieldName('object') : undefined;
      if (given) metadataValue(x, root, given);
      else if (made?.type === 'call' && readCall(made).name === 'registry') {
        const m = readCall(made).keywords.get('metadata');
        if (m) metadataValue(x, root, m);
      } else decoratorMetadata(root, text);
    }
    x.facts.metadataRoots.push(root);
  }
  const body = c.childForFieldName('body');
  const isTypeDecorator = bases.some((b) => /(^|\.)(TypeDecorator|UserDefinedType)$/.test(b));
  const isSqlModel = sqlmodelTable || bases.some((b) => /(^|\.)SQLModel$/.test(b) || x.sqlModelClasses.has(b));
  if (isSqlModel) x.sqlModelClasses.add(cls.name);
  const classConstants: Record<string, string> = {};
  // Names the class body has bound so far: a `Table(..., metadata)` after `metadata = MetaData()` in the same
  // body takes that one, not the module's (Python looks a class body's names up in the body first).
  const bound = new Set<string>();
  // Methods and `@declared_attr`s that make no column (see `ClassFact.otherAttrs`).
  const otherNames: string[] = [];
  for (const s of body?.namedChildren ?? NO_NODES) {
    if (!s) continue;
    if (s.type === 'expression_statement') {
      const e = s.namedChildren[0];
      if (e?.type === 'assignment') {
        // The sides of the assignment and its call, read once for the three readers below (a class body is mostly
        // `name = Column(...)`: each read the call again).
        const left = e.childForFieldName('left');
        const right = e.childForFieldName('right');
        const call = right?.type === 'call' ? readCall(right) : undefined;
        const typeMap = typeAnnotationMapOf(left, right, call);
        if (typeMap) cls.typeAnnotationMap = typeMap;
        if (!classMetadataAssignment(x, cls, left, right, call, root)) classAssignment(x, cls, e, isSqlModel, classConstants, isTypeDecorator, bound, call);
        if (left?.type === 'identifier') bound.add(left.text);
      }
    } else if (s.type === 'decorated_definition') {
      const columns = cls.columns.length;
      classDecoratedMember(x, cls, s);
      initSubclass(cls, s.childForFieldName('definition'));
      const name = s.childForFieldName('definition')?.childForFieldName('name')?.text;
      if (name !== undefined && cls.columns.length === columns) otherNames.push(name);
    } else if (s.type === 'function_definition') {
      initSubclass(cls, s);
      const name = s.childForFieldName('name')?.text;
      if (name !== undefined) otherNames.push(name);
    } else if (s.type === 'if_statement' || s.type === 'try_statement' || s.type === 'for_statement' || s.type === 'while_statement' || s.type === 'match_statement') {
      branchTablenames(x, cls.name, s);
    }
  }
  for (const name of [...otherNames, ...Object.keys(classConstants)]) {
    if (name.startsWith('__') || cls.columns.some((c) => (c.attr ?? c.name) === name) || cls.otherAttrs?.includes(name)) continue;
    (cls.otherAttrs ??= []).push(name);
  }
  if (!isSqlModel && !isTypeDecorator && bases.length > 0) {
    // A class built on a project base (`class BookLinks(Base)` with `class Base(SQLModel)` elsewhere) may be
    // a SQLModel class: its annotated fields are read as SQLModel would, and kept apart until the index
    // knows whether the class descends from SQLModel (its `Field(foreign_key=...)` references count now).
    const shadow: ClassFact = { ...cls, columns: [], constraints: [], keys: [], opaque: undefined };
    for (const s of body?.namedChildren ?? NO_NODES) {
      const e = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
      if (e?.type !== 'assignment' || !e.childForFieldName('type')) continue;
      const right = e.childForFieldName('right');
      if (right && right.type === 'call' && readCall(right).name !== 'Field') continue;
      const annotation = e.childForFieldName('type');
      if (annotation && /(^|\.)(Mapped|ClassVar)\b/.test(annotation.text)) continue;
      classAssignment(x, shadow, e, true, {}, false, new Set());
    }
    if (shadow.columns.length > 0) cls.maybeFields = shadow.columns;
  }
  if (isTypeDecorator) {
    // The classic GUID recipe: `impl = CHAR`, but `load_dialect_impl` answers PostgreSQL with a real UUID.
    // One search from the first mention, not a `[\s\S]*` regex, which retried from every mention (quadratic).
    const at = c.text.indexOf('load_dialect_impl');
    const dialectUuid = at >= 0 && /UUID\s*\(/.test(c.text.slice(at));
    const impl = x.facts.typeDecorators[`${cls.name}.impl`];
    delete x.facts.typeDecorators[`${cls.name}.impl`];
    if (dialectUuid) x.facts.typeDecorators[cls.name] = { family: 'uuid', sqlType: 'uuid' };
    else if (impl) x.facts.typeDecorators[cls.name] = impl;
    return;
  }
  if (tableFlag && isSqlModel) {
    cls.tableFlagUnknown = true;
    // Whether it is a table is decided when the module runs: the name it would have (its literal `__tablename__`,
    // else SQLModel's default, the class name lowered) may be a table. The entry's span is inside the class, so the
    // typing shortcut re-reads it with the class.
    const name: NameExpr = cls.tablename ?? { kind: 'literal', value: cls.name.toLowerCase() };
    (x.facts.maybeTables ??= []).push({ name, maker: `\`class ${cls.name}(..., ${tableFlag.text.replace(/\s+/g, ' ')})\`, a table only if that is true when the module runs`, span: spanOf(tableFlag) });
  }
  // Under an `if`/`else` or a `try`/`except` of the module: it may not run (see `ClassFact.conditional`).
  if (x.branches > 0 || x.tries > 0) cls.conditional = true;
  x.facts.classes.push(cls);
}

/**
 * The base name a registry stands for in a class's bases, so its metadata (and the schema it gives) is found the way a
 * base's is: a registry bound to a name is that name; `registry(metadata=m)` made for this class alone (by
 * `@registry(...).mapped` or SQLModel's `registry=registry(...)`) is a metadata root of its own, named so no Python name
 * can equal it, after the class (not its line, which an edit above would move), without a dot (which a name lookup
 * would split). Undefined for anything else.
 */
function registryBase(x: PythonReader, className: string, registry: Node): string | undefined {
  if (registry.type === 'call') {
    const call = readCall(registry);
    if (call.name !== 'registry') return undefined;
    const root = metadataRoot(x, `registry() of ${className}`, spanOf(registry), registry, call);
    x.facts.metadataRoots.push(root);
    return root.name;
  }
  return registry.type === 'identifier' || registry.type === 'attribute' ? pythonName(registry.text.replace(/\s+/g, '')) : undefined;
}

/**
 * The value of `flag` (a name) when the module binds it to `True` or `False` before `cls`, once, at its top level:
 * `TABLE = True` above `class Squad(SQLModel, table=TABLE)`. Anything else (bound in a branch, to another value,
 * imported, or not at all) is undefined: not known.
 */
function moduleBoolean(cls: Node, flag: Node): boolean | undefined {
  if (flag.type !== 'identifier') return undefined;
  let statement: Node = cls.parent?.type === 'decorated_definition' ? cls.parent : cls;
  // Only a class at the module's top level: in a function or a class body the name may be bound there instead.
  if (statement.parent?.type !== 'module') return undefined;
  let value: boolean | undefined;
  for (const s of statement.parent.namedChildren) {
    if (!s || s.startIndex >= statement.startIndex) break;
    if (!s.text.includes(flag.text)) continue;
    const e = s.type === 'expression_statement' ? s.namedChildren[0] : undefined;
    const left = e?.type === 'assignment' ? e.childForFieldName('left') : undefined;
    const right = e?.childForFieldName('right');
    if (left?.type === 'identifier' && left.text === flag.text && (right?.type === 'true' || right?.type === 'false')) value = right.type === 'true';
    // Any other statement naming it may bind it (an import, a branch, a loop, a tuple): not known from here on.
    else if (s.type !== 'class_definition' && s.type !== 'decorated_definition' && s.type !== 'function_definition' && new RegExp(`(^|[^\\w.])${flag.text}(?![\\w])`).test(s.text)) value = undefined;
  }
  return value;
}

function classAssignment(
  x: PythonReader,
  cls: ClassFact,
  e: Node,
  isSqlModel: boolean,
  classConstants: Record<string, string>,
  isTypeDecorator: boolean,
  bound: ReadonlySet<string>,
  rightCall?: CallInfo,
): void {
  const left = e.childForFieldName('left');
  const right = e.childForFieldName('right');
  const type = e.childForFieldName('type');
  if (!left || left.type !== 'identifier') return;
  const name = pythonName(left.text);
  if (isTypeDecorator) {
    if (name === 'impl' && right) {
      const t = typeOf(x, right);
      if (t) x.facts.typeDecorators[`${cls.name}.impl`] = { family: t.family, sqlType: t.sqlType };
    }
    return;
  }
  if (name === '__tablename__' && right) {
    cls.tablename = x.nameExpr(right, classConstants);
    cls.tablenameSpan = spanOf(right);
    return;
  }
  if (name === '__bind_key__') {
    // `None` is the default bind: the class stays on its base's metadata.
    if (right && right.type !== 'none') cls.bindKey = x.literal(right)?.value ?? right.text;
    return;
  }
  if (name === '__abstract__') {
    cls.abstract = right?.text === 'True';
    return;
  }
  if (name === '__table__' && right?.type === 'call' && imperativeTable(x, cls, right, classConstants)) return;
  if (name === '__table_args__' && right) {
    cls.ownTableArgs = true;
    if (EXISTING.test(right.text)) cls.extendsExisting = true;
    tableArgs(x, cls, right);
    return;
  }
  if (right) {
    const lit = x.literal(right);
    if (lit !== undefined) {
      classConstants[name] = lit.value;
      return;
    }
  }
  const annotation = type ? mappedAnnotation(x, type, isSqlModel) : undefined;
  if (right?.type === 'call') {
    const call = rightCall ?? readCall(right);
    if (isColumnCall(x, call.name)) {
      columnCall(x, right, call, name, annotation?.fact, { className: cls.name }, 'model', cls.columns);
      return;
    }
    if (call.name === 'Field' && isSqlModel) {
      sqlModelField(x, right, call, name, annotation?.fact, cls);
      return;
    }
    if (call.name === 'Table' && isSqlAlchemyTable(call) && !name.startsWith('__')) {
      // `owners = Table("owners", metadata, Column(...))` in a class body that only holds a schema (a class
      // of tables on one metadata, or a project's `dbutil.Table` wrapper): a table like one at module level.
      // Left unread, its foreign keys were never checked and references to it were false "unknown tables".
      const table = coreTable(x, right, call, undefined, 'core');
      const head = table?.metadata?.split('.')[0];
      if (table && head !== undefined && bound.has(head)) table.metadata = `${cls.name}.${table.metadata}`;
      return;
    }
    if (NOT_A_COLUMN.has(call.name) || name.startsWith('__')) return;
    // `deferred(Column(...))`, `column_property(mapped_column(...))`: the wrapped column is a column.
    if ((call.name === 'deferred' || call.name === 'column_property') && call.positional[0]?.type === 'call') {
      const inner = readCall(call.positional[0]);
      if (isColumnCall(x, inner.name)) columnCall(x, call.positional[0], inner, name, annotation?.fact, { className: cls.name }, 'model', cls.columns);
      return;
    }
    if (call.name === 'column_property' || call.name === 'deferred') return;
    // `id = pk()`: a call FK Guard does not know may build a column; the index follows a helper of the
    // workspace, and otherwise counts the table's columns as incomplete.
    const callee = calleeText(right);
    if (callee) (cls.opaque ??= []).push({ attr: name, callee, span: spanOf(left) });
    return;
  }
  // `name: Mapped[str]` with no value declares a column (SQLAlchemy 2.0); so does `name: str` in SQLModel,
  // and `name: str | None = None` there is a column with a default.
  if (annotation?.isColumn && (!right || (isSqlModel && right.type !== 'call'))) {
    const column: ColumnFact = {
      name,
      annotation: annotation.fact,
      type: annotation.type ?? (isSqlModel ? undefined : aliasTypeFact(x, annotation.fact, false)),
      primaryKey: false,
      unique: false,
      nullable: annotation.fact.optional ? true : undefined,
      span: spanOf(left),
    };
    cls.columns.push(column);
    // `farm_id: Mapped[fk_farm]`: the keys of an `Annotated` alias of this module are the column's too.
    const keys = isSqlModel ? [] : aliasForeignKeys(x, annotation.fact, withColumn({ className: cls.name }, name));
    if (keys.length > 0) column.hasForeignKey = true;
    x.facts.references.push(...keys);
  }
}

/**
 * `type_annotation_map = {...}` in a declarative base's body, or `registry = ...` unless it is a `registry(...)` call
 * that visibly gives none: SQLAlchemy then types a `Mapped[uuid.UUID]` column by the map (`String(36)`, say), so the
 * annotation alone no longer says the type.
 */
function typeAnnotationMapOf(left: Node | null, right: Node | null, call: CallInfo | undefined): true | string[] | undefined {
  if (left?.type !== 'identifier' || !right) return undefined;
  const name = left.text;
  if (name === 'type_annotation_map') return annotationMapKeys(right);
  if (name !== 'registry') return undefined;
  if (!call) return true;
  const map = call.keywords.get('type_annotation_map');
  if (map) return annotationMapKeys(map);
  return hasSplat(right) ? true : undefined;
}

/**
 * `metadata = ...` in a class body. SQLAlchemy maps a class onto the `metadata` attribute its class has (or
 * inherits), else its registry's: a declarative base's `metadata = MetaData(schema="x")` is that base's metadata
 * object, and any other class's becomes the metadata of the classes built on it and of the `Table`s its body
 * builds after it. Only a metadata object, or a name that may hold one, is read so: `metadata = {...}` in a
 * class that has nothing to do with SQLAlchemy stays what it was. Whether the assignment was taken.
 */
function classMetadataAssignment(
  x: PythonReader,
  cls: ClassFact,
  left: Node | null,
  right: Node | null,
  call: CallInfo | undefined,
  root: MetadataRootFact | undefined,
): boolean {
  if (left?.type !== 'identifier' || !right) return false;
  const isMetadata = call !== undefined && METADATA_CALLS.has(call.name);
  if (root && left.text === 'metadata') {
    metadataValue(x, root, right);
    return true;
  }
  if (isMetadata) {
    x.facts.metadataRoots.push(metadataRoot(x, left.text, spanOf(left), right, call, cls.name));
    return true;
  }
  if (left.text === 'metadata' && (right.type === 'identifier' || right.type === 'attribute')) {
    const owned: MetadataRootFact = { name: 'metadata', span: spanOf(left), owner: cls.name };
    metadataValue(x, owned, right);
    x.facts.metadataRoots.push(owned);
    return true;
  }
  return false;
}

/** `def __init_subclass__(cls, **kw): cls.__tablename__ = ...`: see `ClassFact.initSubclassTablename`. */
function initSubclass(cls: ClassFact, def: Node | null): void {
  if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === '__init_subclass__' && def.text.includes('__tablename__')) {
    cls.initSubclassTablename = true;
  }
}

/** `@declared_attr def __tablename__(cls)` and `@declared_attr def tenant_id(cls): return Column(...)`. */
function classDecoratedMember(x: PythonReader, cls: ClassFact, s: Node): void {
  const decorators = decoratorsOf(s);
  if (!decorators.some((d) => /(^|\.)declared_attr(\.directive|\.cascading)?$/.test(d))) return;
  const def = s.childForFieldName('definition');
  const nameNode = def?.childForFieldName('name');
  if (!def || !nameNode) return;
  if (nameNode.text === '__tablename__') {
    cls.declaredTablename = true;
    const fn = functionFact(x, def);
    if (fn && fn.params >= 1) cls.tablenameDerivation = substitute(fn.body, [{ k: 'name' }]);
    return;
  }
  if (nameNode.text === '__table_args__') {
    cls.ownTableArgs = true;
    if (EXISTING.test(def.text)) cls.extendsExisting = true;
    declaredTableArgs(x, cls, s);
    return;
  }
  // The function's own `return`, not one of a helper defined inside it (`def updater(ctx): return ...`).
  const ret = def.descendantsOfType('return_statement').find((r) => ownFunction(r)?.id === def.id);
  const value = ret?.namedChildren[0];
  if (value?.type !== 'call') return;
  const call = readCall(value);
  if (!COLUMN_CALLS.has(call.name)) return;
  const rt = def.childForFieldName('return_type');
  const annotation = rt ? mappedAnnotation(x, rt, false) : undefined;
  columnCall(x, value, call, pythonName(nameNode.text), annotation?.fact, { className: cls.name }, 'model', cls.columns);
}

/**
 * `@declared_attr def __table_args__(cls)`: its value is computed, so the table's schema is unknown unless
 * a literal says it: a `{"schema": "x"}` in this body or in a method of the class whose name holds
 * `table_args` (`__auto_table_args`), or a `schema="x"` argument of a call there.
 */
function declaredTableArgs(x: PythonReader, cls: ClassFact, decorated: Node): void {
  const body = decorated.parent;
  const places: Node[] = [decorated];
  for (const m of body?.namedChildren ?? NO_NODES) {
    const def = m?.type === 'decorated_definition' ? m.childForFieldName('definition') : m;
    if (m && m !== decorated && def?.type === 'function_definition' && /table_args/.test(def.childForFieldName('name')?.text ?? '')) places.push(m);
  }
  for (const place of places) {
    for (const d of place.descendantsOfType('dictionary')) {
      const schema = d ? x.dictString(d, 'schema') : undefined;
      if (schema !== undefined) {
        cls.schema = schema;
        return;
      }
    }
    for (const k of place.descendantsOfType('keyword_argument')) {
      const v = k?.childForFieldName('value');
      const lit = v ? x.literal(v) : undefined;
      if (k?.childForFieldName('name')?.text === 'schema' && lit) {
        cls.schema = lit.value;
        return;
      }
    }
  }
  cls.schemaUnknown = true;
}

/**
 * `__table__ = Table("hoppers", Base.metadata, Column("id", Integer, primary_key=True), schema="farm")`: SQLAlchemy maps
 * the class to that very table, so its name, schema, columns and keys are the class's, and the schema is the Table's own
 * (or its metadata's), never a base's `__table_args__`. Flask-SQLAlchemy's `db.Table("t", db.Column(...))` is on
 * `db.metadata`. A call that is not SQLAlchemy's `Table`: not read (false).
 */
function imperativeTable(x: PythonReader, cls: ClassFact, right: Node, classConstants: Record<string, string>): boolean {
  const call = readCall(right);
  if (call.name !== 'Table') return false;
  const rest = call.positional.slice(1);
  const flask = call.qualifier !== undefined && (!rest[0] || (rest[0].type === 'call' && isColumnCall(x, readCall(rest[0]).name)));
  if (!flask && !isSqlAlchemyTable(call)) return false;
  const nameNode = call.positional[0] ?? call.keywords.get('name');
  if (!nameNode) return false;
  const metadata = flask ? call.qualifier! : (rest[0] ?? call.keywords.get('metadata'))!;
  cls.tableMetadata = typeof metadata === 'string' ? metadata : metadata.text;
  cls.tablename = x.nameExpr(nameNode, classConstants);
  cls.tablenameSpan = spanOf(nameNode);
  cls.ownTableArgs = true;
  if (EXISTING.test(right.text)) cls.extendsExisting = true;
  reflection(x, cls, right, (key) => call.keywords.get(key));
  const schemaNode = call.keywords.get('schema');
  if (schemaNode) {
    const lit = x.literal(schemaNode);
    if (lit) cls.schema = lit.value;
    else if (/(^|\.)BLANK_SCHEMA$/.test(schemaNode.text)) cls.blankSchema = true;
    else if (schemaNode.type !== 'none') cls.schemaUnknown = true;
  }
  const source = { className: cls.name };
  const constraints: ReturnType<typeof readCall>[] = [];
  for (const p of flask ? rest : rest.slice(1)) {
    if (p.type !== 'call') continue;
    const inner = readCall(p);
    if (isColumnCall(x, inner.name)) columnCall(x, p, inner, undefined, undefined, source, 'model', cls.columns);
    else constraints.push(inner);
  }
  for (const inner of constraints) classConstraint(x, cls, inner);
  return true;
}

/**
 * `autoload_with=engine` (or `autoload=True`) among a class's table arguments, or in the `Table(...)` of its `__table__`:
 * the table is reflected from the database (see `ClassFact.reflected`), and so are the tables its keys reference unless
 * `resolve_fks=False` says otherwise (see `reflectedTables`). `option` reads one argument by name.
 */
function reflection(x: PythonReader, cls: ClassFact, node: Node, option: (key: string) => Node | undefined): void {
  const withEngine = option('autoload_with');
  const autoload = withEngine ?? (option('autoload')?.type === 'true' ? option('autoload') : undefined);
  if (!autoload) return;
  cls.reflected = `${autoload === withEngine ? 'autoload_with' : 'autoload'}=${autoload.text}`;
  if (option('resolve_fks')?.type !== 'false') reflectedTables(x, node, cls.reflected);
}

/** Table arguments that let a second definition of a table's name on one metadata stand (see `ClassFact.extendsExisting`). */
const EXISTING = /\b(?:extend|keep)_existing\b|\*\*/;

/** A constraint among a class's table arguments: a composite foreign key, or a primary or unique key. */
function classConstraint(x: PythonReader, cls: ClassFact, call: ReturnType<typeof readCall>): void {
  if (call.name === 'ForeignKeyConstraint') {
    const c = foreignKeyConstraint(x, call, { className: cls.name }, 'model');
    if (c) cls.constraints.push(c);
  } else if (call.name === 'UniqueConstraint' || call.name === 'PrimaryKeyConstraint') {
    markKeys(x, cls, call, call.name === 'PrimaryKeyConstraint');
  } else if (uniqueIndexColumns(x, call)) {
    markKeys(x, cls, { name: call.name, positional: call.positional.slice(1), keywords: call.keywords }, false);
  }
}

/** The function (or lambda) a node is in: the nearest one enclosing it. */
function ownFunction(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return p;
  return undefined;
}

/** The items of `__table_args__` whose meaning is read (or known to say nothing of the schema). */
const TABLE_ARG_FORMS = new Set(['dictionary', 'list_splat', 'identifier', 'call', 'comment', 'string', 'concatenated_string', 'integer', 'true', 'false', 'none']);

function tableArgs(x: PythonReader, cls: ClassFact, right: Node): void {
  const dictCall = right.type === 'call' && readCall(right).name === 'dict' && !readCall(right).qualifier;
  if (right.type === 'identifier' || right.type === 'attribute' || (right.type === 'call' && !dictCall)) {
    // `__table_args__ = COMMON_ARGS` or `= table_args(schema="x")`: computed, so the schema is known only if written.
    const schema = right.type === 'call' ? readCall(right).keywords.get('schema') : undefined;
    const lit = schema ? x.literal(schema) : undefined;
    if (lit) cls.schema = lit.value;
    else if (right.type !== 'call' || !['UniqueConstraint', 'PrimaryKeyConstraint', 'ForeignKeyConstraint', 'Index', 'CheckConstraint'].includes(readCall(right).name)) {
      cls.schemaUnknown = true;
      return;
    }
  }
  const items = right.type === 'tuple' || right.type === 'list' || right.type === 'parenthesized_expression' ? right.namedChildren : [right];
  for (const item of items) {
    if (!item) continue;
    if (!TABLE_ARG_FORMS.has(item.type)) {
      // `{"schema": "archive"} if LEGACY else {}`, `BASE_ARGS + (...)`, `dict(schema=...)`-like expressions:
      // what they hold is known only when Python runs, the schema among it.
      cls.schemaUnknown = true;
      continue;
    }
    if (item.type === 'dictionary') {
      reflection(x, cls, item, (key) => x.dictValue(item, key));
      const schema = x.dictString(item, 'schema');
      const value = schema === undefined ? x.dictValue(item, 'schema') : undefined;
      if (schema !== undefined) cls.schema = schema;
      // `None` is SQLAlchemy's default (the metadata's schema); `BLANK_SCHEMA` is no schema even where the metadata has one.
      else if (value?.type === 'none') continue;
      else if (value && /(^|\.)BLANK_SCHEMA$/.test(value.text)) cls.blankSchema = true;
      else if (x.dictHasKey(item, 'schema') || item.namedChildren.some((c) => c?.type === 'dictionary_splat')) cls.schemaUnknown = true;
    } else if (item.type === 'list_splat' || item.type === 'identifier') {
      cls.schemaUnknown = true;
    } else if (item.type === 'call') {
      const call = readCall(item);
      if (call.name === 'dict' && !call.qualifier) {
        reflection(x, cls, item, (key) => call.keywords.get(key));
        // `dict(schema="x")` is the dictionary `{"schema": "x"}`.
        const schema = call.keywords.get('schema');
        const lit = schema ? x.literal(schema) : undefined;
        if (lit) cls.schema = lit.value;
        else if (schema || item.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'dictionary_splat' || a?.type === 'list_splat')) cls.schemaUnknown = true;
      } else classConstraint(x, cls, call);
    }
  }
}
