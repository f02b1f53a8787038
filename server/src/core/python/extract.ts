import type { Node, Tree } from 'web-tree-sitter';
import { pythonSyntaxError } from './unreadable';
import { annotatedAlias, typeAliasStatement } from './annotatedAliases';
import { setsAlembicLocations } from './prefilter';
import { classDefinition, decoratorsOf } from './classes';
import { COLUMN_CALLS, typeOf } from './columnTypes';
import { columnCall, columnHelper, coreTable, isColumnCall, uniqueIndexOn } from './columns';
import { functionFact } from './derivations';
import { METADATA_CALLS, metadataRoot, metadataSchemaSets, metadataValue } from './metadataRoots';
import { importStatement } from './imports';
import { duplicateClasses, reflections, tablesInCode, typeCallClass } from './maybeTables';
import { readUpgrade } from './migrationOps';
import { PythonReader } from './reader';
import { type CallInfo, isSqlAlchemyTable, readCall, spanOf, splitDotted } from './syntax';
import type { ColumnFact, CoreTableFact, FileFacts, MetadataRootFact, ParseError, RebindFact } from '../types';

/**
 * Reads the facts of one Python file from its syntax tree: imports, constants, declarative classes, Core
 * tables, Alembic operations, and every foreign-key reference with its exact span. It never throws on broken
 * code: what tree-sitter could not parse is reported in `errors`, and what it could parse still yields facts.
 */
export function extractPython(file: string, text: string, tree: Tree): FileFacts {
  const x = new PythonReader(file, text);
  readModule(x, tree.rootNode);
  if (setsAlembicLocations(text)) x.facts.setsAlembicLocations = true;
  const schemaSets = metadataSchemaSets(text, tree);
  if (schemaSets) x.facts.metadataSchemaSets = schemaSets;
  return x.facts;
}

function readModule(x: PythonReader, root: Node): void {
  collectErrors(x, root);
  moduleBooleans(x, root);
  block(x, root.namedChildren);
  duplicateClasses(x.facts);
  reflections(x, root);
  keepRebinds(x.facts);
  readUpgrade(x);
  if (root.hasError) salvageLostTables(x, root);
}

/**
 * `Index("ix_farms_e", Farm.e, unique=True)` (or `farms.c.e`) at module level: a unique index on columns of a class or
 * a Core table this module defined before, which becomes a key of that table (see `uniqueIndexColumns`). Typing inside
 * the class then reads the whole file (see `extractPythonAfterEdit`).
 */
function moduleIndex(x: PythonReader, call: CallInfo): void {
  const parts = uniqueIndexOn(x, call);
  if (!parts) return;
  let owner: { columns: ColumnFact[]; keys: string[][] } | undefined;
  const names: string[] = [];
  for (const p of parts) {
    const cls = p.table ? undefined : x.facts.classes.find((c) => c.name === p.owner);
    const table = p.table ? x.facts.tables.find((t) => t.variable === p.owner) : undefined;
    const found = cls ?? table;
    if (!found || (owner && owner !== found)) return;
    owner = found;
    const col = found.columns.find((c) => (p.table ? c.name === p.column : (c.attr ?? c.name) === p.column));
    if (!col) return;
    names.push(col.name);
  }
  if (!owner) return;
  if (names.length === 1) {
    const col = owner.columns.find((c) => c.name === names[0])!;
    col.unique = true;
  } else owner.keys.push(names);
}

/**
 * Names the module binds once, at its top level, to `True` or `False` (`UNIQUE = True`): what `unique=UNIQUE` says
 * (see `PythonReader.flag`). A name bound more than once there is not known anywhere in the module.
 */
function moduleBooleans(x: PythonReader, root: Node): void {
  const seen = new Map<string, boolean | undefined>();
  for (const s of root.namedChildren) {
    const e = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
    if (e?.type !== 'assignment') continue;
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    if (left?.type !== 'identifier') continue;
    const value = right?.type === 'true' ? true : right?.type === 'false' ? false : undefined;
    seen.set(left.text, seen.has(left.text) ? undefined : value);
  }
  for (const [name, value] of seen) if (value !== undefined) (x.facts.booleans ??= {})[name] = value;
}

/**
 * The metadata of a table salvaged from code that did not parse, as written: no name, so FK Guard resolves it to
 * nothing, and the table's schema is not known (it may have been on a `MetaData(schema=...)` or given one).
 */
const LOST_METADATA = 'code with a syntax error';

/** In the text of code that did not parse: a `__tablename__ = "x"`, a `Table("x"` (with its metadata written after). */
const LOST_TABLE = /\b__tablename__\s*=\s*(['"])([^'"\\\n]+)\1|\bTable\s*\((?:\s*#[^\n]*)*\s*(['"])([^'"\\\n]+)\3/g;
/** In the text of code that did not parse: a class statement with bases (`class HiveBox(db.Model):`), at a line's start. */
const LOST_CLASS = /^[ \t]*class[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(/gm;
/** A literal `__tablename__` (see `LOST_TABLE`): a lost class that says its name is salvaged as that table. */
const LOST_TABLENAME = /\b__tablename__\s*=\s*(['"])([^'"\\\n]+)\1/;
/** In the text of a migration's `upgrade()` that did not parse: `op.create_table("x"`. */
const LOST_CREATE_TABLE = /\bcreate_table\s*\((?:\s*#[^\n]*)*\s*(['"])([^'"\\\n]+)\1/g;

/**
 * Tables whose definitions a syntax error swallowed: tree-sitter makes one error node of a half-typed `Column(` and
 * everything after it up to where it recovers, often the rest of the module, so the classes and `Table(...)`s there
 * are no facts. Each name still written there as a literal (`__tablename__ = "pens"`, `Table("pens", ...)`, in a
 * migration's `upgrade()` `op.create_table("pens", ...)`) is kept as a table whose columns (and, for a model, schema
 * and metadata) are not known: a reference to it is unchecked while the code is broken, not a false unknown table
 * (with a fix that renames it to another). A migration's salvaged table is made after the operations FK Guard read.
 */
function salvageLostTables(x: PythonReader, root: Node): void {
  const migration = x.facts.migration;
  const within = migration ? x.upgradeDef : root;
  if (!within?.hasError) return;
  const known = new Set(x.facts.tables.map((t) => (t.name.kind === 'literal' ? t.name.value : '')));
  for (const c of x.facts.classes) if (c.tablename?.kind === 'literal') known.add(c.tablename.value);
  forEachLostTable(within, migration ? LOST_CREATE_TABLE : LOST_TABLE, (name, at, error) => {
    if (known.has(name)) return;
    known.add(name);
    const table: CoreTableFact = {
      name: { kind: 'literal', value: name },
      columns: [],
      keys: [],
      span: spanOf(error),
      nameSpan: { start: at, end: at + name.length },
      origin: migration ? 'migration' : 'core',
      unparsed: true,
    };
    if (!migration) table.metadata = LOST_METADATA;
    x.facts.tables.push(table);
    migration?.ops.push({ op: 'create_table', tableIndex: x.facts.tables.length - 1 });
  });
  if (!migration) salvageLostClasses(x, root);
}

/**
 * Classes whose statements a syntax error swallowed and that do not say their table's name (no literal
 * `__tablename__` between their `class` line and the next): Flask-SQLAlchemy names `HiveBox`'s table `hive_box`,
 * SQLModel `hivebox`, a base's `declared_attr` anything it computes from the class. While the file does not parse,
 * a reference to a table no file defines whose name holds the class's is not known either way (see
 * `SchemaIndex.unnamedTableFor`): kept as a table the file may make, under the class's name as a word.
 */
function salvageLostClasses(x: PythonReader, root: Node): void {
  const read = new Set(x.facts.classes.map((c) => c.name));
  forEachLostCode(root, (error) => {
    const text = error.text;
    const heads: Array<{ name: string; at: number; end: number }> = [];
    LOST_CLASS.lastIndex = 0;
    for (let m = LOST_CLASS.exec(text); m; m = LOST_CLASS.exec(text)) heads.push({ name: m[1], at: m.index + m[0].indexOf(m[1]), end: m.index + m[0].length });
    for (const [i, h] of heads.entries()) {
      if (read.has(h.name) || LOST_TABLENAME.test(text.slice(h.end, heads[i + 1]?.at ?? text.length))) continue;
      read.add(h.name);
      const start = error.startIndex + h.at;
      (x.facts.maybeTables ??= []).push({
        name: { kind: 'dynamic', text: h.name },
        maker: `\`class ${h.name}\``,
        span: { start, end: start + h.name.length },
        unparsed: true,
      });
    }
  });
}

/** Each table name `pattern` finds in code under `root` that did not parse, with its offset and error node. */
function forEachLostTable(root: Node, pattern: RegExp, found: (name: string, at: number, error: Node) => void): void {
  forEachLostCode(root, (n) => {
    pattern.lastIndex = 0;
    const text = n.text;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const name = m[2] ?? m[4];
      found(name, n.startIndex + m.index + m[0].lastIndexOf(name), n);
    }
  });
}

/** Each outermost error node under `root`: code that did not parse. */
function forEachLostCode(root: Node, found: (error: Node) => void): void {
  const visit = (n: Node) => {
    if (n.type === 'ERROR') {
      found(n);
      return;
    }
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  if (root.hasError) visit(root);
}

/** Whether a tree holds a table name or a class in code that did not parse, which only a whole read salvages. */
export function losesTables(root: Node): boolean {
  let any = false;
  forEachLostTable(root, LOST_TABLE, () => (any = true));
  forEachLostTable(root, LOST_CREATE_TABLE, () => (any = true));
  forEachLostCode(root, (n) => {
    LOST_CLASS.lastIndex = 0;
    if (LOST_CLASS.test(n.text)) any = true;
  });
  return any;
}

function block(x: PythonReader, statements: (Node | null)[]): void {
  for (const s of statements) if (s) statement(x, s);
}

export function statement(x: PythonReader, s: Node): void {
  switch (s.type) {
    case 'import_statement':
    case 'import_from_statement':
      importStatement(x, s);
      break;
    case 'expression_statement':
      for (const c of s.namedChildren) if (c) moduleExpression(x, c);
      break;
    case 'class_definition':
      classDefinition(x, s);
      break;
    case 'type_alias_statement': {
      // Any value but an `Annotated` alias: a name FK Guard does not follow, so a `Mapped[...]` of it is untyped.
      const bound = typeAliasStatement(x, s);
      if (bound && !bound.read) alias(x, bound.name, undefined, s);
      break;
    }
    case 'decorated_definition': {
      const def = s.childForFieldName('definition');
      if (def?.type === 'class_definition') classDefinition(x, def, decoratorsOf(s));
      else if (def?.type === 'function_definition') functionDefinition(x, def);
      break;
    }
    case 'if_statement': {
      // `if "contacts" not in metadata.tables:` builds a table only when no other code did.
      const condition = s.childForFieldName('condition');
      const guard = condition !== null && /\bnot\s+in\s+[\w.]*\btables\b/.test(condition.text);
      x.branches++;
      for (const c of s.namedChildren) {
        if (!c || c.type === 'comment' || c.id === condition?.id) continue;
        withFallback(x, guard && c.type === 'block', () => statement(x, c));
      }
      x.branches--;
      break;
    }
    case 'except_clause': {
      // `try: from .generated import contacts` / `except ImportError: contacts = Table(...)`.
      const caught = s.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
      const guard = caught !== undefined && caught !== null && /\b(ImportError|ModuleNotFoundError)\b/.test(caught.text);
      x.branches++;
      for (const c of s.namedChildren) if (c && c.type !== 'comment') withFallback(x, guard, () => statement(x, c));
      x.branches--;
      break;
    }
    case 'function_definition':
      functionDefinition(x, s);
      break;
    case 'for_statement':
    case 'while_statement':
      // `for kind in KINDS: Table(f"{kind}_log", metadata, ...)`: tables FK Guard does not unroll.
      tablesInCode(x, s, 'in a loop');
      break;
    case 'else_clause':
      // A `try`'s `else` runs only when nothing was raised (an `if`'s counts as the `if`).
      x.branches++;
      for (const c of s.namedChildren) if (c && c.type !== 'comment') statement(x, c);
      x.branches--;
      break;
    case 'try_statement':
      // What a `try` imports may fail half way and be caught: such an import is not sure to have run.
      x.tries++;
      for (const c of s.namedChildren) if (c && c.type !== 'comment') statement(x, c);
      x.tries--;
      break;
    case 'with_statement':
    case 'elif_clause':
    case 'finally_clause':
    case 'block':
      // Imports and definitions under `if TYPE_CHECKING:` or `try: ... except ImportError:` still count.
      for (const c of s.namedChildren) if (c && c.type !== 'comment') statement(x, c);
      break;
    default:
      break;
  }
}

function withFallback(x: PythonReader, on: boolean, f: () => void): void {
  const was = x.fallback;
  x.fallback = was || on;
  try {
    f();
  } finally {
    x.fallback = was;
  }
}

/**
 * Records a module-level name bound by an assignment that no other fact records (`right` undefined: a value FK Guard
 * cannot follow), with the assignment's place for `FileFacts.rebinds`.
 */
function alias(x: PythonReader, name: string, right: Node | undefined, assignment: Node): void {
  x.facts.aliases ??= {};
  const to = right && (right.type === 'identifier' || right.type === 'attribute') ? right.text.replace(/\s+/g, '') : '';
  x.facts.aliases[name] = to;
  const rebind: RebindFact = { name, to, span: spanOf(assignment) };
  if (x.branches > 0) rebind.conditional = true;
  (x.facts.rebinds ??= []).push(rebind);
}

/**
 * Keeps `FileFacts.rebinds` only when the order of the module's bindings decides what a name means: some name is bound
 * more than once (a class, a metadata root, an assignment of another name), or an assignment's value is a name the
 * module binds itself (`OldBarn = Barn` before `Barn = Silo`, where `Barn` was imported).
 */
function keepRebinds(facts: FileFacts): void {
  if (!facts.rebinds) return;
  const seen = new Set<string>();
  const twice = (name: string) => {
    if (seen.has(name)) return true;
    seen.add(name);
    return false;
  };
  let again = false;
  for (const c of facts.classes) again = twice(c.name) || again;
  for (const r of facts.metadataRoots) if (r.owner === undefined) again = twice(r.name) || again;
  for (const r of facts.rebinds) again = twice(r.name) || again;
  if (!again) again = facts.rebinds.some((r) => r.to !== '' && seen.has(r.to.split('.')[0]));
  if (!again) delete facts.rebinds;
}

/** The parts of a tuple or list written on either side of an assignment; undefined when one is starred. */
function tupleItems(n: Node): Node[] | undefined {
  if (!['pattern_list', 'tuple_pattern', 'list_pattern', 'expression_list', 'tuple', 'list'].includes(n.type)) return undefined;
  const items = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  return items.some((c) => c.type === 'list_splat_pattern' || c.type === 'list_splat') ? undefined : items;
}

function moduleExpression(x: PythonReader, e: Node): void {
  if (e.type === 'assignment') {
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    if (left && right) moduleAssignment(x, e, left, right);
  } else if (e.type === 'call') {
    const call = readCall(e);
    if (call.name === 'Table' && isSqlAlchemyTable(call)) coreTable(x, e, call, undefined, 'core');
    else if (call.name === 'append_column') appendedColumn(x, e, call);
    else if (call.name === 'Index') moduleIndex(x, call);
  }
}

/** Each name a target binds (`a`, `a, (b, *c)`), none for an attribute or an item (`a.b`, `a[0]`). */
function boundNames(target: Node): Node[] {
  if (target.type === 'identifier') return [target];
  if (target.type === 'list_splat_pattern') return target.namedChildren.filter((c): c is Node => c?.type === 'identifier');
  const items = ['pattern_list', 'tuple_pattern', 'list_pattern'].includes(target.type) ? target.namedChildren : [];
  return items.flatMap((c) => (c ? boundNames(c) : []));
}

/** `left = right` at module level, alone or as one pair of a tuple assignment (`e`). */
function moduleAssignment(x: PythonReader, e: Node, left: Node, right: Node): void {
  const targets = left.type === 'identifier' ? undefined : tupleItems(left);
  if (targets) {
    // `Base, Archive = declarative_base(), declarative_base(metadata=...)`: Python pairs the two sides when the value
    // is a tuple of as many parts; any other value (`Base, Archive = make_bases()`) binds names FK Guard cannot follow.
    const values = tupleItems(right);
    if (values && values.length === targets.length && values.length > 0) targets.forEach((t, i) => moduleAssignment(x, e, t, values[i]));
    else for (const n of boundNames(left)) alias(x, n.text, undefined, e);
    return;
  }
  if (left.type === 'list_splat_pattern' || left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
    for (const n of boundNames(left)) alias(x, n.text, undefined, e);
    return;
  }
  if (left.type === 'attribute') {
    const target = left.text.replace(/\s+/g, '');
    if (!x.facts.attributeAssignments?.includes(target)) (x.facts.attributeAssignments ??= []).push(target);
    attributeAssignment(x, left, right);
    return;
  }
  {
    if (left.type === 'identifier') {
      const name = left.text;
      // Bound again: no longer the alias whose keys a `Mapped[name]` column takes.
      x.aliasForeignKeys.delete(name);
      const lit = x.literal(right);
      if (lit !== undefined) {
        x.facts.constants[name] = lit.value;
        if (name === 'revision') x.migration().revision = lit.value;
        if (name === 'down_revision') x.migration().downRevision = [lit.value];
        if (name === 'depends_on') x.migration().dependsOn = [lit.value];
        if (name === 'branch_labels') x.migration().branchLabels = [lit.value];
        return;
      }
      if ((name === 'down_revision' || name === 'depends_on' || name === 'branch_labels') && (right.type === 'tuple' || right.type === 'list')) {
        const ids = right.namedChildren.map((c) => (c ? x.literal(c)?.value : undefined)).filter((v): v is string => v !== undefined);
        if (name === 'down_revision') x.migration().downRevision = ids;
        else if (name === 'depends_on') x.migration().dependsOn = ids;
        else x.migration().branchLabels = ids;
        return;
      }
      if (right.type === 'subscript' && annotatedAlias(x, name, right)) return;
      if (right.type === 'tuple' || right.type === 'list') x.moduleSequences.set(name, right);
      if (right.type === 'call') {
        const call = readCall(right);
        if (call.name === 'type') typeCallClass(x, right);
        if (call.name === 'partial' && call.positional[0] && COLUMN_CALLS.has(splitDotted(call.positional[0].text).name)) {
          // `NotNull = functools.partial(Column, nullable=False)`: calls of `NotNull` build columns.
          (x.facts.columnPartials ??= []).push(name);
          return;
        }
        if (call.name === 'Table' && isSqlAlchemyTable(call)) {
          coreTable(x, right, call, name, 'core');
          return;
        }
        if (call.name === 'Index') moduleIndex(x, call);
        if (METADATA_CALLS.has(call.name)) {
          const root = metadataRoot(x, name, spanOf(left), right, call);
          if (x.branches > 0) root.conditional = true;
          x.facts.metadataRoots.push(root);
          return;
        }
        // `PGUUID = postgresql.UUID(as_uuid=True)`: an alias that carries a type.
        const t = typeOf(x, right);
        if (t && t.family !== 'other') x.facts.typeDecorators[name] = { family: t.family, sqlType: t.sqlType };
        alias(x, name, right, e);
        return;
      }
      if (right.type === 'identifier' || right.type === 'attribute') {
        const t = typeOf(x, right);
        if (t && t.family !== 'other') x.facts.typeDecorators[name] = { family: t.family, sqlType: t.sqlType };
      }
      alias(x, name, right, e);
    }
  }
}

/**
 * `Base.metadata = MetaData(schema="hay")` at module level, `Base` a declarative base this module makes by a call: the
 * classes made after it are on the new MetaData (declarative reads `cls.metadata` as it maps each class), those made
 * before keep the old one. Read as another binding of `Base` (see `ClassMapper.rootAt`), which keeps what the base
 * was made with (its `cls=`, its type map). Flask-SQLAlchemy's `db.metadata` is not so read.
 */
function attributeAssignment(x: PythonReader, left: Node, right: Node): void {
  const object = left.childForFieldName('object');
  const attr = left.childForFieldName('attribute')?.text;
  if (object?.type === 'identifier' && attr !== undefined && right.type === 'call') {
    const call = readCall(right);
    if (isColumnCall(x, call.name)) {
      addedColumn(x, object.text, right, call, attr);
      return;
    }
  }
  if (attr !== 'metadata' || object?.type !== 'identifier') return;
  const name = object.text;
  const before = x.facts.metadataRoots.filter((r) => r.name === name && r.owner === undefined).pop();
  // A base that is a class (`class Base(DeclarativeBase)`) has more than a metadata: left as it is.
  if (!before || before.flask || x.facts.classes.some((c) => c.name === name && c.nameSpan.start === before.span.start)) return;
  const root: MetadataRootFact = { name, span: spanOf(left) };
  if (before.cls) root.cls = before.cls;
  if (before.typeAnnotationMap) root.typeAnnotationMap = before.typeAnnotationMap;
  metadataValue(x, root, right);
  if (x.branches > 0) root.conditional = true;
  x.facts.metadataRoots.push(root);
}

/**
 * A column added to a table after its definition, at module level: `Barn.code = Column(...)` (declarative adds it to
 * Barn's table), `Barn.__table__.append_column(Column(...))`, `barns.append_column(Column(...))`. Read into the class
 * or Core table this module defines under that name, the last one made before it (see `COLUMNS_ADDED_LATER`).
 */
function addedColumn(x: PythonReader, owner: string, node: Node, call: CallInfo, attr: string | undefined): void {
  const at = node.startIndex;
  const cls = x.facts.classes.filter((c) => c.name === owner && c.span.end <= at).pop();
  if (cls) {
    columnCall(x, node, call, attr, undefined, { className: cls.name }, 'model', cls.columns);
    return;
  }
  const table = attr === undefined ? x.facts.tables.filter((t) => t.variable === owner && t.origin === 'core' && t.span.end <= at).pop() : undefined;
  if (table) columnCall(x, node, call, undefined, undefined, { table: table.name, schema: table.schema }, 'core', table.columns);
}

/** `X.append_column(Column(...))` or `X.__table__.append_column(Column(...))` at module level (see `addedColumn`). */
function appendedColumn(x: PythonReader, e: Node, call: CallInfo): void {
  const column = call.positional[0] ?? call.keywords.get('column');
  const inner = column?.type === 'call' ? readCall(column) : undefined;
  if (!column || !inner || !isColumnCall(x, inner.name) || call.qualifier === undefined) return;
  const owner = call.qualifier.replace(/\s+/g, '');
  const m = /^(\w+)(\.__table__)?$/.exec(owner);
  if (!m) return;
  if (m[2]) {
    const at = e.startIndex;
    const cls = x.facts.classes.filter((c) => c.name === m[1] && c.span.end <= at).pop();
    if (cls) columnCall(x, column, inner, undefined, undefined, { className: cls.name }, 'model', cls.columns);
    return;
  }
  addedColumn(x, m[1], column, inner, undefined);
}

function functionDefinition(x: PythonReader, def: Node): void {
  const name = def.childForFieldName('name')?.text;
  if (name) x.moduleFunctions.set(name, def);
  tablesInCode(x, def, `in \`${name ?? 'a function'}()\``);
  if (name && name !== 'upgrade' && name !== 'downgrade') {
    const fn = functionFact(x, def);
    if (fn) (x.facts.functions ??= {})[name] = fn;
    const helper = fn ? undefined : columnHelper(x, def);
    if (helper) (x.facts.columnHelpers ??= {})[name] = helper;
    return;
  }
  if (name === 'upgrade') x.upgradeDef = def;
}

function collectErrors(x: PythonReader, root: Node): void {
  const errors: ParseError[] = [];
  collectErrorsInto(root, errors);
  x.facts.errors = errors;
}

export function collectErrorsInto(root: Node, errors: ParseError[]): void {
  if (!root.hasError) return;
  const visit = (n: Node) => {
    if (errors.length >= 20) return;
    if (n.type === 'ERROR' || n.isMissing) {
      errors.push(pythonSyntaxError(n.isMissing, n.type, n.isMissing ? '' : n.text, spanOf(n)));
      return;
    }
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
}
