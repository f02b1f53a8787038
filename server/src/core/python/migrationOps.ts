import type { Node } from 'web-tree-sitter';
import { forEachSpan } from '../facts';
import { extractSql } from '../sql/extract';
import { COLUMN_CALLS, typeOf } from './columnTypes';
import { columnCall, coreTable } from './columns';
import type { PythonReader } from './reader';
import { type CallInfo, readCall, spanOf } from './syntax';
import type { ColumnFact, MigrationOp, ReferenceFact, Span } from '../types';

/**
 * Alembic operations in `upgrade()`: `op.*` calls (also inside `batch_alter_table`), loops and module helpers
 * around them, `op.execute` of DDL, and another module's `upgrade()` run from this one. Each becomes a
 * `MigrationOp` of the revision, and the references they make are placed at their operation.
 */

/** Alembic operations' parameters in order, for binding positional and keyword arguments alike. */
const OP_SIGNATURES: Record<string, readonly string[]> = {
  add_column: ['table_name', 'column'],
  drop_column: ['table_name', 'column_name'],
  drop_table: ['table_name'],
  rename_table: ['old_table_name', 'new_table_name'],
  alter_column: ['table_name', 'column_name'],
  create_foreign_key: ['constraint_name', 'source_table', 'referent_table', 'local_cols', 'remote_cols'],
  create_unique_constraint: ['constraint_name', 'table_name', 'columns'],
  create_primary_key: ['constraint_name', 'table_name', 'columns'],
  create_index: ['index_name', 'table_name', 'columns'],
  drop_constraint: ['constraint_name', 'table_name', 'type_'],
  drop_index: ['index_name', 'table_name'],
};

/** The table a `with op.batch_alter_table(t, schema=s) as batch_op:` block alters, for the ops of `batch_op`. */
interface BatchTable {
  table: string;
  schema?: string;
}

/** The same inside `batch_alter_table`, where the table (and its schema) is the batch's. */
const BATCH_SIGNATURES: Record<string, readonly string[]> = {
  add_column: ['column'],
  drop_column: ['column_name'],
  alter_column: ['column_name'],
  create_foreign_key: ['constraint_name', 'referent_table', 'local_cols', 'remote_cols'],
  create_unique_constraint: ['constraint_name', 'columns'],
  create_primary_key: ['constraint_name', 'columns'],
  create_index: ['index_name', 'columns'],
  drop_constraint: ['constraint_name', 'type_'],
  drop_index: ['index_name'],
};

/** A call's arguments by parameter name: positional ones by their place in `params`, keywords as written. */
function bindArguments(call: CallInfo, params: readonly string[] | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (params) call.positional.forEach((n, i) => i < params.length && out.set(params[i], n));
  for (const [k, v] of call.keywords) out.set(k, v);
  return out;
}

/**
 * `upgrade()`, read once the whole module is (the helpers and constants it uses may be defined after it):
 * its Alembic operations in order.
 */
export function readUpgrade(x: PythonReader): void {
  const body = x.upgradeDef?.childForFieldName('body');
  const engines = x.upgradeDef ? multidbUpgrades(x, x.upgradeDef) : [];
  if (body && engines.length > 0) {
    // Alembic's multidb template: `upgrade(engine_name)` runs `upgrade_<engine>()`, each on its own database. Each
    // operation says which (`MigrationOp.engine`): history replays every database's on its own, so a table one
    // database makes never exists in another's, and a key resolves within its own database's history.
    for (const fn of engines) {
      const fnBody = fn.childForFieldName('body');
      const engine = fn.childForFieldName('name')?.text.slice('upgrade_'.length);
      if (!fnBody || !engine) continue;
      const ops = x.migration().ops;
      const first = ops.length;
      const deferred = x.deferred.length;
      migrationBlock(x, fnBody, new Map());
      for (const op of ops.slice(first)) op.engine = engine;
      // `use_alter=True`: added once every table of this database's part of the revision is made.
      const last = ops.length - 1;
      for (const r of x.deferred.slice(deferred)) if (last >= first) r.migrationOp = Math.max(r.migrationOp ?? 0, last);
    }
  } else if (body) {
    migrationBlock(x, body, new Map());
    // Alembic leaves a `use_alter=True` foreign key out of CREATE TABLE and adds it after every table of
    // the revision is made (SQLAlchemy's own rule for `use_alter`): checked against the revision's end.
    const last = (x.facts.migration?.ops.length ?? 0) - 1;
    for (const r of x.deferred) if (last >= 0) r.migrationOp = Math.max(r.migrationOp ?? 0, last);
  }
}

/**
 * The `upgrade_<engine>()` functions of a multidb revision: `upgrade` takes a parameter (the engine's name) and the
 * module defines functions named `upgrade_` + something, in module order. Empty for an ordinary revision.
 */
function multidbUpgrades(x: PythonReader, upgrade: Node): Node[] {
  const params = upgrade.childForFieldName('parameters')?.namedChildren.filter((p) => p && p.type !== 'comment') ?? [];
  if (params.length === 0) return [];
  return [...x.moduleFunctions].filter(([name]) => /^upgrade_\w+$/.test(name)).map(([, def]) => def);
}

/** Alembic operations inside `upgrade()`, including `with op.batch_alter_table("t") as batch_op:`. */
function migrationBlock(x: PythonReader, block: Node, batches: Map<string, BatchTable>): void {
  for (const s of block.namedChildren) {
    if (!s) continue;
    if (s.type === 'with_statement') {
      const inner = new Map(batches);
      let unsure = false;
      for (const item of s.descendantsOfType('with_item')) {
        if (!item) continue;
        const value = item.childForFieldName('value');
        const call = value?.type === 'as_pattern' ? value.namedChildren[0] : value;
        const alias = value?.type === 'as_pattern' ? value.descendantsOfType('identifier').pop() : undefined;
        if (call?.type === 'call' && alias) {
          const c = readCall(call);
          // `batch_alter_table(table_name, schema=None, ...)`: the schema by keyword or second by position.
          const args = bindArguments(c, ['table_name', 'schema']);
          const tableArg = args.get('table_name');
          const schemaArg = args.get('schema');
          const t = tableArg ? opName(x, tableArg) : undefined;
          const schema = schemaArg && schemaArg.text !== 'None' ? opName(x, schemaArg) : undefined;
          if (c.name === 'batch_alter_table' && t) {
            inner.set(alias.text, { table: t, ...(schema !== undefined ? { schema } : {}) });
            // A schema FK Guard cannot read: the ops may not be on the table it names, as in an `if`.
            if (schemaArg && schemaArg.text !== 'None' && schema === undefined) unsure = true;
          }
        }
      }
      const body = s.childForFieldName('body');
      if (body && unsure) maybe(x, s, () => migrationBlock(x, body, inner));
      else if (body) migrationBlock(x, body, inner);
      continue;
    }
    if (s.type === 'for_statement') {
      forLoop(x, s, batches);
      continue;
    }
    if (s.type === 'block') {
      migrationBlock(x, s, batches);
      continue;
    }
    // Whether an `if`'s branch, a `try`'s body or handlers, or a `while` loop's body runs is not known to
    // FK Guard: what they do is read, as operations that may not have happened.
    if (s.type === 'if_statement' || s.type === 'try_statement' || s.type === 'while_statement') {
      const branches = (n: Node): Node[] =>
        n.namedChildren.flatMap((c) => (!c ? [] : c.type === 'block' ? [c] : ['else_clause', 'elif_clause', 'except_clause', 'finally_clause', 'except_group_clause'].includes(c.type) ? branches(c) : []));
      maybe(x, s, () => {
        for (const b of branches(s)) migrationBlock(x, b, batches);
      });
      continue;
    }
    if (s.type !== 'expression_statement') continue;
    const e = s.namedChildren[0];
    if (e?.type === 'call' && followedHelper(x, e, batches)) continue;
    if (e?.type === 'call' && moduleUpgrade(x, e)) continue;
    if (e?.type === 'call') migrationCall(x, e, batches);
    else if (e?.type === 'assignment') {
      const r = e.childForFieldName('right');
      if (r?.type === 'call') migrationCall(x, r, batches);
    }
  }
}

/**
 * `for table in TABLES:` (or a literal list, or `for table, column in ((..), ..):`) around operations: the
 * body once per element, with the loop's names bound to the element's strings. When the iterable or an
 * element is not a literal FK Guard can read, the body is read once with the loop's names bound to
 * nothing, so an operation naming its table by them is known only to change some table (see `migrationOp`).
 */
function forLoop(x: PythonReader, s: Node, batches: Map<string, BatchTable>): void {
  const left = s.childForFieldName('left');
  const right = s.childForFieldName('right');
  const body = s.childForFieldName('body');
  if (!left || !right || !body) return;
  const items = (n: Node) => n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  const targets = left.type === 'identifier' ? [left] : left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern' ? items(left) : [];
  const iterable = right.type === 'identifier' ? x.moduleSequences.get(right.text) : right;
  let rows: Array<Array<string | undefined>> | undefined = [];
  if (targets.length === 0 || targets.some((t) => t.type !== 'identifier') || (iterable?.type !== 'list' && iterable?.type !== 'tuple')) rows = undefined;
  for (const element of iterable && rows ? items(iterable) : []) {
    const parts = targets.length === 1 ? [element] : element.type === 'tuple' || element.type === 'list' ? items(element) : [];
    const values = parts.map((p) => opName(x, p));
    if (values.length !== targets.length || values.some((v) => v === undefined)) rows = undefined;
    else rows?.push(values);
  }
  // Unreadable: one pass with every name the loop binds unknown (shadowing constants of the same name),
  // whose operations may run any number of times, also none.
  const names = left.type === 'identifier' ? [left] : left.descendantsOfType('identifier').filter((n): n is Node => !!n);
  const outer = x.bindings;
  const read = () => {
    for (const row of rows ?? [names.map(() => undefined)]) {
      x.bindings = new Map(outer);
      (rows ? targets : names).forEach((t, i) => x.bindings.set(t.text, row[i]));
      migrationBlock(x, body, batches);
    }
  };
  try {
    if (rows) read();
    else maybe(x, s, read);
  } finally {
    x.bindings = outer;
  }
  for (const c of s.namedChildren) if (c?.type === 'else_clause') migrationBlock(x, c, batches);
}

/** Reads operations that may or may not run: each carries the outermost statement that makes it so. */
function maybe(x: PythonReader, statement: Node, read: () => void): void {
  const outer = x.conditional;
  x.conditional ??= spanOf(statement);
  try {
    read();
  } finally {
    x.conditional = outer;
  }
}

/**
 * `create_shelves()` or `create_named("cases")` in `upgrade()`, calling a function of this module: its
 * operations run there, in call order, with its parameters bound to the call's string arguments (and
 * literal defaults). Followed a few calls deep, never into itself.
 */
function followedHelper(x: PythonReader, node: Node, batches: Map<string, BatchTable>): boolean {
  const f = node.childForFieldName('function');
  const def = f?.type === 'identifier' ? x.moduleFunctions.get(f.text) : undefined;
  const params = def?.childForFieldName('parameters');
  const body = def?.childForFieldName('body');
  if (!f || !def || !params || !body || f.text === 'upgrade' || f.text === 'downgrade') return false;
  if (x.following.includes(f.text) || x.following.length >= 4) return true;
  const call = readCall(node);
  const bound = new Map<string, string | undefined>();
  const names: string[] = [];
  for (const p of params.namedChildren) {
    if (!p || p.type === 'comment') continue;
    const id = p.type === 'identifier' ? p : p.type === 'typed_parameter' ? p.namedChildren[0] : p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('name') : null;
    if (id?.type !== 'identifier') continue;
    names.push(id.text);
    const given = call.positional[names.length - 1] ?? call.keywords.get(id.text);
    const fallback = p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('value') : null;
    bound.set(id.text, given ? opName(x, given) : fallback ? opName(x, fallback) : undefined);
  }
  // The helper's parameters shadow the caller's names; the caller's loop variables are not its own.
  const outer = x.bindings;
  x.bindings = bound;
  x.following.push(f.text);
  try {
    migrationBlock(x, body, batches);
  } finally {
    x.following.pop();
    x.bindings = outer;
  }
  return true;
}

/**
 * `ml2_init_ops.upgrade()` in `upgrade()`, where `ml2_init_ops` is an imported module: that module's
 * operations run here, which the history replays at this place (see `withModules` in history.ts).
 */
function moduleUpgrade(x: PythonReader, node: Node): boolean {
  const f = node.childForFieldName('function');
  if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'upgrade') return false;
  const object = f.childForFieldName('object');
  const imp = object?.type === 'identifier' ? x.facts.imports.find((i) => i.local === object.text) : undefined;
  if (!imp || imp.module.startsWith('.')) return false;
  x.migration().ops.push({ op: 'run_module', module: imp.name ? `${imp.module}.${imp.name}` : imp.module, ...(x.conditional ? { conditional: x.conditional } : {}) });
  return true;
}

/** A string an operation is given: a literal, a name bound while reading `upgrade()`, or a module constant. */
function opName(x: PythonReader, n: Node): string | undefined {
  const lit = x.literal(n)?.value;
  if (lit !== undefined) return lit;
  if (n.type !== 'identifier') return undefined;
  return x.bindings.get(n.text) ?? (x.bindings.has(n.text) ? undefined : x.facts.constants[n.text]);
}

/** A constraint or index name: a string `opName` reads, also wrapped in `op.f(...)` (a name taken as final). */
function constraintName(x: PythonReader, n: Node | undefined): string | undefined {
  if (n?.type === 'call') {
    const c = readCall(n);
    return c.name === 'f' && c.positional[0] ? opName(x, c.positional[0]) : undefined;
  }
  return n ? opName(x, n) : undefined;
}

function migrationCall(x: PythonReader, node: Node, batches: Map<string, BatchTable>): void {
  const call = readCall(node);
  const batchTable = call.qualifier ? batches.get(call.qualifier) : undefined;
  if (call.qualifier !== 'op' && batchTable === undefined) return;
  const ops = x.migration().ops;
  const firstRef = x.facts.references.length;
  const position = ops.length;
  try {
    migrationOp(x, node, call, batchTable, ops);
  } finally {
    const refs = x.facts.references;
    if (refs.length > firstRef && ops.length === position) ops.push({ op: 'foreign_key' });
    if (x.conditional) for (let i = position; i < ops.length; i++) ops[i].conditional = x.conditional;
    // References of SQL run by `op.execute` already have their own statement's place.
    for (let i = firstRef; i < refs.length; i++) refs[i].migrationOp ??= position;
    if (call.name === 'create_table' && refs.length > firstRef) deferUseAlter(x, node, refs.slice(firstRef));
  }
}

/** The references among `refs` written in a `ForeignKey(..., use_alter=True)` or such a `ForeignKeyConstraint`. */
function deferUseAlter(x: PythonReader, node: Node, refs: ReferenceFact[]): void {
  if (refs.length === 0) return;
  for (const c of node.descendantsOfType('call')) {
    if (!c) continue;
    const call = readCall(c);
    if ((call.name !== 'ForeignKey' && call.name !== 'ForeignKeyConstraint') || call.keywords.get('use_alter')?.text !== 'True') continue;
    for (const r of refs) if (r.span.start >= c.startIndex && r.span.end <= c.endIndex) x.deferred.push(r);
  }
}

/**
 * `op.execute("ALTER TABLE a RENAME TO b")`, `op.execute(sa.text("CREATE TABLE ..."))`: a literal that
 * defines or changes tables goes to the SQL reader, and its statements become this revision's operations,
 * as in a SQL migration. Spans map back into the literal (to the whole literal when escapes make the
 * text differ from its spelling). SQL the reader cannot parse changes nothing it knows of.
 */
/** SQL that may change tables or keys: a table made, altered or dropped, a unique index made, an index dropped. */
const SCHEMA_SQL = /\b(?:create|alter|drop)\s+(?:(?:temporary|temp|unlogged)\s+)?table\b|\bcreate\s+unique\s+index\b|\bdrop\s+index\b/i;

function executedSql(x: PythonReader, call: CallInfo, ops: MigrationOp[]): void {
  let arg: Node | undefined = call.positional[0] ?? call.keywords.get('sqltext');
  if (arg?.type === 'call') {
    // `sa.text("...")`, `sa.DDL("...")` (a `DDLElement` `op.execute` runs as it is).
    const inner = readCall(arg);
    arg = inner.name === 'text' ? (inner.positional[0] ?? inner.keywords.get('text')) : inner.name === 'DDL' ? (inner.positional[0] ?? inner.keywords.get('statement')) : undefined;
  }
  if (arg?.type !== 'string' && arg?.type !== 'concatenated_string') return;
  const lit = x.literal(arg);
  if (!lit || !SCHEMA_SQL.test(lit.value)) return;
  const read = extractSql(x.facts.file, lit.value, true);
  const spelled = arg.type === 'string' && x.text.slice(lit.contentSpan.start, lit.contentSpan.end) === lit.value;
  const whole = spanOf(arg);
  const move = (sp: Span) => {
    if (spelled) {
      sp.start += lit.contentSpan.start;
      sp.end += lit.contentSpan.start;
    } else {
      sp.start = whole.start;
      sp.end = whole.end;
    }
  };
  forEachSpan([read.tables, read.references, read.migration?.ops], move);
  const tableBase = x.facts.tables.length;
  const opBase = ops.length;
  x.facts.tables.push(...read.tables);
  for (const r of read.references) {
    r.migrationOp = opBase + (r.migrationOp ?? 0);
    // The string the SQL is written in (see `ReferenceFact.sqlString`); one span for all its references.
    r.sqlString = whole;
    x.facts.references.push(r);
  }
  for (const op of read.migration?.ops ?? []) ops.push(op.op === 'create_table' ? { ...op, tableIndex: op.tableIndex + tableBase } : op);
}

/**
 * What one Alembic operation's reading is given (see `migrationOp`): its call, its arguments by parameter name, and the
 * table (and schema) it is on, the batch's inside `batch_alter_table`.
 */
interface OpCall {
  x: PythonReader;
  node: Node;
  call: CallInfo;
  args: Map<string, Node>;
  batch: boolean;
  table: string | undefined;
  schema: string | undefined;
  ops: MigrationOp[];
}

/**
 * One Alembic operation (`op.add_column(...)`, `batch_op.create_index(...)`): each kind is read by a function of its
 * own, so that the optimising compiler compiles only the kinds a workspace runs often, each alone (one function of
 * every kind was among the dearest compiles of a cold scan, `--trace-opt`).
 */
function migrationOp(x: PythonReader, node: Node, call: CallInfo, batchOf: BatchTable | undefined, ops: MigrationOp[]): void {
  const batch = batchOf !== undefined;
  // Alembic's signatures: every argument may be given by position or by keyword. Inside
  // `with op.batch_alter_table(t) as batch_op:` the table argument is left out.
  const args = bindArguments(call, batch ? BATCH_SIGNATURES[call.name] : OP_SIGNATURES[call.name]);
  // Inside a batch the table and its schema are the batch's (batch operations take neither).
  const schema = batch ? batchOf.schema : argName(x, args.get('schema'));
  const table = batchOf?.table ?? argName(x, args.get('table_name'));
  const o: OpCall = { x, node, call, args, batch, table, schema, ops };
  switch (call.name) {
    case 'create_table':
      createTableOp(o);
      break;
    case 'add_column':
      addColumnOp(o);
      break;
    case 'drop_column': {
      const column = argName(x, args.get('column_name'));
      if (table && column) ops.push({ op: 'drop_column', table, schema, column });
      break;
    }
    case 'drop_table':
      if (table) ops.push({ op: 'drop_table', table, schema });
      break;
    case 'rename_table': {
      const from = argName(x, args.get('old_table_name'));
      const to = argName(x, args.get('new_table_name'));
      if (from && to) ops.push({ op: 'rename_table', from, to, schema });
      break;
    }
    case 'alter_column':
      alterColumnOp(o);
      break;
    case 'execute':
      if (!batchOf?.table) executedSql(x, call, ops);
      break;
    case 'create_unique_constraint':
    case 'create_primary_key':
    case 'create_index':
      addKeyOp(o);
      break;
    case 'drop_constraint':
    case 'drop_index':
      dropKeyOp(o);
      break;
    case 'create_foreign_key':
      createForeignKeyOp(o);
      break;
    default:
      break;
  }
}

/** A name an operation is given as an argument: a string literal, a name bound in `upgrade()` (a loop's, a helper's), or a module constant. */
function argName(x: PythonReader, n: Node | undefined): string | undefined {
  return n ? opName(x, n) : undefined;
}

/** A list of names (`["a", "b"]`, or one name alone), undefined when one of them is not read (see `argName`). */
function argNames(x: PythonReader, n: Node | undefined): string[] | undefined {
  if (!n) return undefined;
  const items = n.type === 'list' || n.type === 'tuple' ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [n];
  const out = items.map((c) => argName(x, c));
  return out.every((x): x is string => x !== undefined) ? out : undefined;
}

function createTableOp({ x, node, call, ops }: OpCall): void {
  const spread = spreadCall(node, call);
  // A list FK Guard cannot read: a table is made, under a name (and with columns) it does not know.
  if (spread === null) {
    const text = node.childForFieldName('arguments')?.text ?? node.text;
    x.facts.tables.push({ name: { kind: 'dynamic', text, why: 'the table is made from a list FK Guard cannot read' }, columns: [], keys: [], span: spanOf(node), nameSpan: spanOf(node), origin: 'migration', unreadColumn: text });
    ops.push({ op: 'create_table', tableIndex: x.facts.tables.length - 1 });
    return;
  }
  const t = coreTable(x, node, spread?.call ?? call, undefined, 'migration');
  // Columns from a splat FK Guard cannot read (`*timestamps()` after the written ones): the table has more than it sees.
  if (t && spread?.unread !== undefined) t.unreadColumn ??= spread.unread;
  if (t) ops.push({ op: 'create_table', tableIndex: x.facts.tables.length - 1, ...(call.keywords.get('if_not_exists')?.text === 'True' ? { ifNotExists: true as const } : {}) });
}

/**
 * `op.create_table(*crate_args)` where `crate_args` is a list (or tuple) written in the same function before the call
 * (R16-6: autogenerate's output, edited to add a constraint on some databases): the call as if the list's elements were
 * written in it. Only a name bound once, by that literal, and used otherwise only by
 * `crate_args.append(ForeignKeyConstraint(...))` (a key added on the databases a branch names: not read, as a key FK
 * Guard does not judge). Another splat after the table's name (`*timestamps()`, a helper's columns) is left out, and
 * named in `unread`: the table has columns FK Guard cannot see. Undefined for a call without `*`; null for one whose
 * table name comes from a splat FK Guard cannot read.
 */
function spreadCall(node: Node, call: CallInfo): { call: CallInfo; unread?: string } | null | undefined {
  const list = node.childForFieldName('arguments');
  const items = list?.namedChildren ?? [];
  if (!items.some((a) => a?.type === 'list_splat')) return undefined;
  let scope: Node | null = node.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  const positional: Node[] = [];
  let unread: string | undefined;
  for (const a of items) {
    if (!a || a.type === 'comment' || a.type === 'keyword_argument') continue;
    if (a.type === 'dictionary_splat') return null;
    if (a.type !== 'list_splat') {
      positional.push(a);
      continue;
    }
    const literal = splatList(a, node, scope);
    if (literal === null) {
      // The table's name must be read; columns after it may be left unread.
      if (positional.length === 0) return null;
      unread ??= a.text;
      continue;
    }
    for (const c of literal) positional.push(c);
  }
  return { call: { name: call.name, qualifier: call.qualifier, positional, keywords: call.keywords }, ...(unread !== undefined ? { unread } : {}) };
}

/** The elements of the list a splat of `spreadCall` spreads, or null where FK Guard cannot read it. */
function splatList(a: Node, node: Node, scope: Node | null): Node[] | null {
  const name = a.namedChildren[0];
  if (!scope || name?.type !== 'identifier') return null;
  let literal: Node | undefined;
  for (const use of scope.descendantsOfType('identifier')) {
    if (!use || use.text !== name.text || use.id === name.id) continue;
    const parent = use.parent;
    if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === use.id) {
      const right = parent.childForFieldName('right');
      if (literal || (right?.type !== 'list' && right?.type !== 'tuple') || parent.endIndex > node.startIndex) return null;
      literal = right;
      continue;
    }
    const appended = parent?.type === 'attribute' && parent.childForFieldName('object')?.id === use.id && parent.childForFieldName('attribute')?.text === 'append' ? parent.parent : null;
    const added = appended?.type === 'call' ? readCall(appended).positional : [];
    if (added.length === 1 && added[0].type === 'call' && readCall(added[0]).name === 'ForeignKeyConstraint') continue;
    return null;
  }
  if (!literal) return null;
  const out: Node[] = [];
  for (const c of literal.namedChildren) {
    if (!c || c.type === 'comment') continue;
    if (c.type === 'list_splat' || c.type === 'dictionary_splat') return null;
    out.push(c);
  }
  return out;
}

function addColumnOp({ x, args, table, schema, ops }: OpCall): void {
  const colNode = args.get('column');
  if (!table || colNode?.type !== 'call') return;
  const inner = readCall(colNode);
  if (!COLUMN_CALLS.has(inner.name)) return;
  const cols: ColumnFact[] = [];
  const col = columnCall(x, colNode, inner, undefined, undefined, { table: { kind: 'literal', value: table }, schema }, 'migration', cols);
  if (col) ops.push({ op: 'add_column', table, schema, column: col });
}

function alterColumnOp({ x, node, args, table, schema, ops }: OpCall): void {
  const columnNode = args.get('column_name');
  const column = argName(x, columnNode);
  const typeNode = args.get('type_');
  const newName = argName(x, args.get('new_column_name'));
  const span = columnNode && (typeNode || newName) ? spanOf(columnNode) : undefined;
  if (table && column) ops.push({ op: 'alter_column', table, schema, column, type: typeNode ? typeOf(x, typeNode) : undefined, newName, span });
  // A table FK Guard cannot name (a loop over something it cannot read): some table's column changed type.
  else if (!table && typeNode) ops.push({ op: 'alter_unknown_table', column, span: spanOf(node) });
}

/** `create_unique_constraint`, `create_primary_key`, `create_index`. */
function addKeyOp({ x, call, args, table, schema, ops }: OpCall): void {
  // A unique index or constraint, or a primary key, makes its columns a target from here on.
  const columns = argNames(x, args.get('columns'));
  // `unique=` as Python evaluates it (`unique=UNIQUE` after `UNIQUE = True` in the revision, `unique=1`): a value
  // FK Guard cannot read (`unique=settings.STRICT`) may make the index unique or not.
  const uniqueNode = args.get('unique');
  const unique = call.name !== 'create_index' ? true : x.flag(uniqueNode);
  const keyName = constraintName(x, args.get(call.name === 'create_index' ? 'index_name' : 'constraint_name'));
  if (table && columns && columns.length > 0 && unique !== false && !args.get('postgresql_where') && !args.get('sqlite_where')) {
    const maybeUnique = unique === undefined && uniqueNode ? { maybeUnique: spanOf(uniqueNode) } : {};
    ops.push({ op: 'add_key', table, schema, columns, primary: call.name === 'create_primary_key' || undefined, ...(keyName ? { name: keyName } : {}), ...maybeUnique });
  } else if (table && keyName && call.name === 'create_index' && unique === false) {
    // A plain index, by name: dropping it later takes no key away, even where its name is the one SQLAlchemy
    // gives a unique indexed column (`ix_<table>_<column>`) and the column is unique by a constraint.
    ops.push({ op: 'add_key', table, schema, columns: [], name: keyName, plain: true });
  }
}

/** `drop_constraint`, `drop_index`. */
function dropKeyOp({ x, node, call, args, table, schema, ops }: OpCall): void {
  const nameNode = args.get(call.name === 'drop_index' ? 'index_name' : 'constraint_name');
  const keyName = constraintName(x, nameNode);
  const kind = call.name === 'drop_index' ? 'index' : argName(x, args.get('type_'));
  if (table) ops.push({ op: 'drop_key', table, schema, ...(keyName ? { name: keyName } : {}), ...(kind ? { kind } : {}), span: spanOf(node) });
}

function createForeignKeyOp({ x, args, batch, table, schema }: OpCall): void {
  const refNode = args.get('referent_table');
  const localNode = args.get('local_cols');
  const remoteNode = args.get('remote_cols');
  const sourceTable = table ?? argName(x, args.get('source_table'));
  if (!refNode || !localNode || !remoteNode || !sourceTable) return;
  const refName = argName(x, refNode);
  const refLit = x.literal(refNode);
  const listOf = (n: Node) => (n.type === 'list' || n.type === 'tuple' ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [n]);
  const locals = listOf(localNode);
  const remotes = listOf(remoteNode);
  const sourceSchema = argName(x, args.get('source_schema')) ?? (batch ? schema : undefined);
  const referentSchema = argName(x, args.get('referent_schema'));
  const remoteNames = remotes.map((r) => argName(x, r) ?? r.text);
  remotes.forEach((r, i) => {
    const col = x.literal(r);
    const local = locals[i] ? argName(x, locals[i]) : undefined;
    x.facts.references.push({
      composite: remotes.length > 1 ? remoteNames : undefined,
      form: 'pair',
      table: refName !== undefined ? { kind: 'literal', value: refName } : x.nameExpr(refNode, {}),
      tableSchema: referentSchema,
      tableSpan: refLit?.contentSpan ?? spanOf(refNode),
      column: col?.value ?? argName(x, r),
      columnSpan: col?.contentSpan ?? spanOf(r),
      span: spanOf(refNode),
      source: { table: { kind: 'literal', value: sourceTable }, schema: sourceSchema, column: local },
      context: 'migration',
    });
  });
}
