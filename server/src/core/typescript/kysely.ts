import type { ts } from 'ts-morph';
import { ColumnFact, CoreTableFact, MigrationOp, NameExpr, ReferenceFact, Span, TypeFact } from '../types';
import { TsFile } from './context';
import { isDown, nameOf, schemaOfReceiver, upFunctionNode, writtenWithin } from './knex';
import { RawChainCall } from './syntax';
import { sqlNamedType } from './types';

/**
 * Kysely's schema builder in migrations: `db.schema.createTable('pets').addColumn('owner_id', 'integer', (col) =>
 * col.references('people.id')).execute()`, `alterTable(...)` with `addColumn`, `dropColumn`, `renameColumn`,
 * `alterColumn(c, (col) => col.setDataType(...))`, `modifyColumn`, `renameTo`, the constraints
 * (`addForeignKeyConstraint`, `addUniqueConstraint`, `addPrimaryKeyConstraint`, `dropConstraint`), `dropTable`,
 * and unique indexes (`createIndex(...).on(t).column(c).unique()`, `dropIndex(...).on(t)`). Each chain is read as
 * one statement, inside `up` (Kysely's `Migrator` runs the migrations by name, which is the files' order).
 *
 * Kysely's `withSchema('s')` puts every unqualified table of the query in `s`, the tables a column references
 * included (its `WithSchemaPlugin`, since 0.21.3); `'s.t'` names a schema in the string.
 *
 * A chain is Kysely's when the call after the schema method is one of Kysely's builder methods: Knex's schema
 * builder has none of them (its tables are built in a callback), so the two readers never read the same call.
 */
export function readKysely(f: TsFile): void {
  const x = f.syntax;
  const K = x.K;
  const whole = f.tree;
  const named = rootNames(whole.text);
  if (named.length === 0) return;
  const up = upFunctionNode(f);
  const scope = up ?? whole;
  const chains: KyselyChain[] = [];
  const flows = variableFlows(f, scope, named);
  // A function of this module that `up` calls (`await createBarnTable(db)`) runs its statements there.
  const helpers = up ? moduleFunctions(f) : new Map<string, ts.Node>();
  const entered = new Set<ts.Node>();
  const visit = (d: ts.Node): 'skip' | undefined => {
    if (scope === whole && isDown(f, d)) return 'skip';
    const flow = flows.get(d);
    if (flow) {
      if (flow !== 'skip') chains.push(flow);
      return 'skip';
    }
    if (d.kind !== K.CallExpression) return writtenWithin(named, d.pos, d.end) || helpers.size > 0 ? undefined : 'skip';
    const call = d as ts.CallExpression;
    const helper = call.expression.kind === K.Identifier ? helpers.get(x.text(call.expression)) : undefined;
    if (helper && !entered.has(helper)) {
      entered.add(helper);
      x.walk(helper, visit);
      entered.delete(helper);
      return undefined;
    }
    if (!writtenWithin(named, d.pos, d.end)) return helpers.size > 0 ? undefined : 'skip';
    const chain = kyselyChain(f, call);
    if (!chain) return undefined;
    chains.push(chain);
    // The chain's arguments hold column builders, never another schema statement.
    return 'skip';
  };
  x.walk(scope, visit);
  if (chains.length === 0) return;
  f.facts.migration ??= { ops: [] };
  const ops = f.facts.migration.ops;
  for (const c of chains) {
    readChain(f, c, ops);
    if (c.incomplete) notAllKnown(f, c, ops);
    f.placeOps(c.calls[c.root].nameSpan.start);
  }
}

/**
 * The functions declared at the top of the module (`async function createBarnTable(db) { ... }`, `const
 * createBarnTable = async (db) => { ... }`), by name: their bodies, which run where `up` calls them.
 */
function moduleFunctions(f: TsFile): Map<string, ts.Node> {
  const x = f.syntax;
  const K = x.K;
  const out = new Map<string, ts.Node>();
  for (const st of f.tree.statements) {
    if (st.kind === K.FunctionDeclaration) {
      const fn = st as ts.FunctionDeclaration;
      if (fn.name && fn.body && x.text(fn.name) !== 'up' && x.text(fn.name) !== 'down') out.set(x.text(fn.name), fn.body);
    } else if (st.kind === K.VariableStatement) {
      for (const d of (st as ts.VariableStatement).declarationList.declarations) {
        const init = x.unwrap(d.initializer);
        if (d.name.kind !== K.Identifier || !init || (init.kind !== K.ArrowFunction && init.kind !== K.FunctionExpression)) continue;
        const name = x.text(d.name);
        if (name !== 'up' && name !== 'down') out.set(name, (init as ts.ArrowFunction | ts.FunctionExpression).body);
      }
    }
  }
  return out;
}

/**
 * Kysely's builders are immutable values: a statement may be built in a variable step by step and run later
 * (`let b = db.schema.createTable('pets'); b = b.addColumn(...); await b.execute()`). Where the flow is straight
 * (the declaration, then in the same block only `b = b.<calls>`, `const w = b.<calls>` (going on in `w`) and one
 * `b.<calls>.execute()`), the statement is every call in order, read where it runs; `b = b.<calls>` inside an `if`
 * or a loop adds columns FK Guard does not read, so the table's columns are not all known. Any other use of the
 * variable (passed on, returned, run in a branch), or none, leaves what runs unknown: the statement is read as built
 * so far and not run (see `readChain`), so its table may exist, with columns FK Guard does not all know. The map
 * gives, by statement, the chain read there, or `skip` for a statement that is part of a flow read elsewhere.
 *
 * A flow starts at a declaration whose initializer calls one of `ROOTS`, whose name is then written in it: only the
 * blocks and declarations where `named` (see `rootNames`) finds one are looked at (in a Knex migration, which Kysely's
 * reader reads too, that is one block of a whole file of column builders).
 */
function variableFlows(f: TsFile, scope: ts.Node, named: readonly number[]): Map<ts.Node, (KyselyChain & { incomplete?: boolean }) | 'skip'> {
  const x = f.syntax;
  const K = x.K;
  const out = new Map<ts.Node, (KyselyChain & { incomplete?: boolean }) | 'skip'>();
  const lists: Array<readonly ts.Statement[]> = [];
  if ('statements' in scope) lists.push((scope as ts.Block).statements);
  x.walk(scope, (d) => {
    if (!writtenWithin(named, d.pos, d.end)) return 'skip';
    if (d.kind === K.Block || d.kind === K.ModuleBlock || d.kind === K.CaseClause || d.kind === K.DefaultClause) lists.push((d as ts.Block).statements);
    return undefined;
  });
  for (const statements of lists) {
    statements.forEach((st, i) => {
      if (st.kind !== K.VariableStatement) return;
      const decls = (st as ts.VariableStatement).declarationList.declarations;
      if (decls.length !== 1 || decls[0].name.kind !== K.Identifier || !decls[0].initializer) return;
      if (!writtenWithin(named, decls[0].initializer.pos, decls[0].initializer.end)) return;
      let v = x.text(decls[0].name);
      const start = builtChain(f, decls[0].initializer);
      if (!start) return;
      const flow: KyselyChain & { incomplete?: boolean } = { ...start, calls: [...start.calls] };
      let ran: ts.Node | undefined;
      const parts: ts.Node[] = [];
      for (const next of statements.slice(i + 1)) {
        if (!mentions(f, next, v)) continue;
        const step = continued(f, next, v);
        if (step?.assigned) {
          flow.calls.push(...step.calls);
          parts.push(next);
          if (step.to !== undefined) v = step.to;
          continue;
        }
        if (step?.runs) {
          flow.calls.push(...step.calls);
          ran = next;
          break;
        }
        if (onlyReassigned(f, next, v)) {
          flow.incomplete = true;
          continue;
        }
        break;
      }
      if (!ran) {
        // Not run where FK Guard can follow it: read as built up to here, at the declaration (see `readChain`).
        out.set(st, flow);
        for (const p of parts) out.set(p, 'skip');
        return;
      }
      out.set(st, 'skip');
      for (const p of parts) out.set(p, 'skip');
      out.set(ran, flow);
    });
  }
  return out;
}

/** A schema statement being built, not yet run (`db.schema.createTable('pets')`, with more calls or none). */
function builtChain(f: TsFile, n: ts.Node): KyselyChain | undefined {
  const x = f.syntax;
  const chain = x.chain(n);
  if (!chain || !/(?:^|\.)schema$/.test(chain.receiverText)) return undefined;
  const calls = chain.calls;
  let root = 0;
  while (root < calls.length && calls[root].name === 'withSchema') root++;
  if (root >= calls.length || !ROOTS.has(calls[root].name)) return undefined;
  // Knex's `createTable(name, builder)` takes its columns in a callback; Kysely's statements take one argument.
  if (root === calls.length - 1 && calls[root].args.length !== 1) return undefined;
  if (calls.slice(root + 1).some((c) => !KYSELY_NEXT.has(c.name) || c.name === 'execute' || c.name === 'compile')) return undefined;
  let schema: string | undefined;
  for (let i = 0; i < root; i++) schema = x.literal(calls[i].args[0])?.value ?? schema;
  schema ??= schemaOfReceiver(f, chain.receiver);
  return { calls, root, schema, node: calls[calls.length - 1].node };
}

/**
 * A statement that continues the flow of `v`: `v = v.<calls>;` or `const w = v.<calls>;` (`assigned`, going on in
 * `to`), or `await v.<calls>.execute();` / `return v.execute();` (`runs`), with the calls it adds.
 */
function continued(f: TsFile, st: ts.Node, v: string): { calls: RawChainCall[]; assigned?: true; to?: string; runs?: true } | undefined {
  const x = f.syntax;
  const K = x.K;
  // `const w = v.addColumn(...)`: the statement goes on in `w` (a builder is a value: `v` keeps what it held).
  if (st.kind === K.VariableStatement) {
    const decls = (st as ts.VariableStatement).declarationList.declarations;
    if (decls.length !== 1 || decls[0].name.kind !== K.Identifier || !decls[0].initializer) return undefined;
    const chain = x.chain(decls[0].initializer);
    if (!chain || chain.receiverText !== v || chain.calls.some((c) => !KYSELY_NEXT.has(c.name) || c.name === 'execute' || c.name === 'compile')) return undefined;
    return { calls: chain.calls, assigned: true, to: x.text(decls[0].name) };
  }
  let e: ts.Node | undefined = st.kind === K.ExpressionStatement ? (st as ts.ExpressionStatement).expression : st.kind === K.ReturnStatement ? (st as ts.ReturnStatement).expression : undefined;
  if (e?.kind === K.AwaitExpression) e = (e as ts.AwaitExpression).expression;
  e = x.unwrap(e);
  if (!e) return undefined;
  if (e.kind === K.BinaryExpression) {
    const b = e as ts.BinaryExpression;
    if (b.operatorToken.kind !== K.EqualsToken || b.left.kind !== K.Identifier || x.text(b.left) !== v) return undefined;
    const chain = x.chain(b.right);
    if (!chain || chain.receiverText !== v || chain.calls.some((c) => !KYSELY_NEXT.has(c.name) || c.name === 'execute' || c.name === 'compile')) return undefined;
    return { calls: chain.calls, assigned: true };
  }
  const chain = x.chain(e);
  if (!chain || chain.receiverText !== v || chain.calls[chain.calls.length - 1].name !== 'execute') return undefined;
  if (chain.calls.some((c) => !KYSELY_NEXT.has(c.name))) return undefined;
  return { calls: chain.calls, runs: true };
}

/** Whether every use of `v` in `st` is a `v = v.<calls>` that runs nothing (inside an `if`, a loop, ...). */
function onlyReassigned(f: TsFile, st: ts.Node, v: string): boolean {
  const x = f.syntax;
  const K = x.K;
  let ok = true;
  x.walk(st, (d) => {
    if (d.kind === K.ExpressionStatement && continued(f, d, v)?.assigned) return 'skip';
    if (d.kind === K.Identifier && x.text(d) === v) {
      ok = false;
      return 'stop';
    }
    return undefined;
  });
  return ok;
}

/** Whether the name `v` is written in `st` (any identifier of that text: a property of that name counts too). */
function mentions(f: TsFile, st: ts.Node, v: string): boolean {
  const x = f.syntax;
  if (!x.text(st).includes(v)) return false;
  let found = false;
  x.walk(st, (d) => {
    if (d.kind === x.K.Identifier && x.text(d) === v) {
      found = true;
      return 'stop';
    }
    return undefined;
  });
  return found;
}

/**
 * A statement built in a variable that also gets columns FK Guard does not read (`b = b.addColumn(...)` in an
 * `if`): its table's columns are not all known.
 */
function notAllKnown(f: TsFile, c: KyselyChain, ops: MigrationOp[]): void {
  const head = c.calls[c.root];
  const from = `${columnText(f, head.node)} (more columns added in a branch)`;
  const made = [...ops].reverse().find((o) => o.op === 'create_table');
  if (head.name === 'createTable' && made?.op === 'create_table') f.facts.tables[made.tableIndex].columnsFrom ??= from;
  const altered = head.name === 'alterTable' ? tableName(f, head.args[0], c.schema) : undefined;
  if (altered) ops.push({ op: 'unknown_columns', table: altered.value, schema: altered.schema, from });
}

/** The schema methods a Kysely statement starts with. */
const ROOTS = new Set(['createTable', 'alterTable', 'dropTable', 'createIndex', 'dropIndex']);

/**
 * Methods of Kysely's schema builders that may follow the statement's first call (`createTable('t').addColumn`,
 * `dropTable('t').ifExists()`, `.execute()`); Knex's schema builder has none of them.
 */
const KYSELY_NEXT = new Set([
  'addColumn', 'addForeignKeyConstraint', 'addPrimaryKeyConstraint', 'addUniqueConstraint', 'addCheckConstraint',
  'addIndex', 'execute', 'compile', 'ifNotExists', 'ifExists', 'temporary', 'onCommit', 'as', 'modifyFront',
  'modifyEnd', 'dropColumn', 'renameColumn', 'alterColumn', 'modifyColumn', 'renameTo', 'setSchema', 'dropConstraint',
  'renameConstraint', 'dropIndex', 'cascade', 'on', 'column', 'columns', 'unique', 'using', 'where', 'expression',
  'nullsNotDistinct', '$call',
]);

function rootNames(text: string): number[] {
  const out: number[] = [];
  const re = /\b(?:createTable|alterTable|dropTable|createIndex|dropIndex)\b/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m.index);
  return out;
}

interface KyselyChain {
  /** The calls from the schema builder on, in the order they run. */
  calls: RawChainCall[];
  /** Which of them is the statement's first (`createTable`, ...): only `withSchema` comes before it. */
  root: number;
  schema: string | undefined;
  /** The whole statement. */
  node: ts.CallExpression;
  /** Built in a variable that also gets columns FK Guard does not read (see `variableFlows`). */
  incomplete?: boolean;
}

/** `call` as a Kysely schema statement (its outermost call), else undefined. */
function kyselyChain(f: TsFile, call: ts.CallExpression): KyselyChain | undefined {
  const x = f.syntax;
  const chain = x.chain(call);
  if (!chain || !/(?:^|\.)schema$/.test(chain.receiverText)) return undefined;
  const calls = chain.calls;
  let root = 0;
  while (root < calls.length && calls[root].name === 'withSchema') root++;
  if (root >= calls.length - 1 || !ROOTS.has(calls[root].name) || !KYSELY_NEXT.has(calls[root + 1].name)) return undefined;
  let schema: string | undefined;
  for (let i = 0; i < root; i++) schema = x.literal(calls[i].args[0])?.value ?? schema;
  schema ??= schemaOfReceiver(f, chain.receiver);
  return { calls, root, schema, node: call };
}

/**
 * Whether `call` is a Kysely schema statement or a part of one (Knex's reader leaves these alone): a chain Kysely's
 * methods follow, or, in a module that imports Kysely and not Knex, a statement begun alone to be built on in a
 * variable (`let b = db.schema.createTable('pets')`, see `variableFlows`).
 */
export function isKyselyStatement(f: TsFile, call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (callee.kind !== f.syntax.K.PropertyAccessExpression) return false;
  const name = f.syntax.text((callee as ts.PropertyAccessExpression).name);
  if (KYSELY_NEXT.has(name)) return kyselyChain(f, call) !== undefined;
  return ROOTS.has(name) && call.arguments.length === 1 && f.importsFrom('kysely') && !f.importsFrom('knex') && builtChain(f, call) !== undefined;
}

/** A table's name as Kysely reads it: `'s.t'` is table `t` in schema `s`; without one, the statement's schema. */
interface TableName {
  expr: NameExpr;
  /** The name, or a pending name for an imported constant. */
  value: string;
  schema: string | undefined;
  /** Where the table's own name is written (inside the string when a schema comes first). */
  span: Span;
}

function tableName(f: TsFile, n: ts.Node | undefined, schema: string | undefined): TableName | undefined {
  const c = f.constantName(n);
  if (!c) return undefined;
  if (!('value' in c)) {
    const value = f.pending(c.imported);
    return { expr: { kind: 'const', name: c.imported }, value, schema, span: c.span };
  }
  const dot = c.value.indexOf('.');
  if (dot < 0) return { expr: { kind: 'literal', value: c.value }, value: c.value, schema, span: c.span };
  const table = c.value.slice(dot + 1);
  const span = c.literal ? { start: c.literal.contentSpan.start + dot + 1, end: c.literal.contentSpan.end } : c.span;
  return { expr: { kind: 'literal', value: table }, value: table, schema: c.value.slice(0, dot), span };
}

/** An array of column names (`['a', 'b']`); undefined when one of them cannot be read. */
function namesOf(f: TsFile, n: ts.Node | undefined): string[] | undefined {
  const items = f.syntax.elements(n);
  if (!items) return undefined;
  const out: string[] = [];
  for (const e of items) {
    const v = nameOf(f, e);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

function readChain(f: TsFile, c: KyselyChain, ops: MigrationOp[]): void {
  const x = f.syntax;
  const head = c.calls[c.root];
  const rest = c.calls.slice(c.root + 1);
  const position = ops.length;
  const firstRef = f.facts.references.length;
  switch (head.name) {
    case 'createTable': {
      const name = tableName(f, head.args[0], c.schema);
      if (!name) {
        // A table made under a name FK Guard cannot read: it exists, so a reference to a name it may be is
        // unchecked (`SchemaIndex.unnamedTableFor`).
        if (head.args[0]) {
          f.facts.tables.push({ name: f.dynamicName(head.args[0]), schema: c.schema, columns: [], keys: [], span: x.span(c.node), nameSpan: x.span(head.args[0]), origin: 'migration' });
          ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
        }
        return;
      }
      createTable(f, c, name, rest, ops);
      break;
    }
    case 'alterTable': {
      const name = tableName(f, head.args[0], c.schema);
      if (name) alterTable(f, name, c.schema, rest, ops);
      break;
    }
    case 'dropTable': {
      const name = tableName(f, head.args[0], c.schema);
      if (name) ops.push({ op: 'drop_table', table: name.value, schema: name.schema });
      break;
    }
    case 'createIndex':
      createIndex(f, c, rest, ops);
      break;
    case 'dropIndex': {
      const index = nameOf(f, head.args[0]);
      const on = rest.find((m) => m.name === 'on');
      const table = on && tableName(f, on.args[0], c.schema);
      // Without `.on(table)` (PostgreSQL's form) the index's table is not written: nothing FK Guard can drop.
      if (index !== undefined && table) ops.push({ op: 'drop_key', table: table.value, schema: table.schema, name: index, kind: 'index', span: x.span(c.node) });
      break;
    }
  }
  if (c.calls[c.calls.length - 1].name !== 'execute') {
    // Not run where it is built (kept in a variable, returned, compiled to SQL): more may be added to it before it
    // runs, if it runs at all. Its table's columns are not all known, and what it does may not happen.
    const conditional = x.span(c.node);
    for (let i = position; i < ops.length; i++) ops[i] = { ...ops[i], conditional };
    const made = ops.slice(position).find((o) => o.op === 'create_table');
    if (made?.op === 'create_table') f.facts.tables[made.tableIndex].columnsFrom ??= columnText(f, head.node);
    const altered = head.name === 'alterTable' ? tableName(f, head.args[0], c.schema) : undefined;
    if (altered) ops.push({ op: 'unknown_columns', table: altered.value, schema: altered.schema, from: columnText(f, head.node), conditional });
  }
  for (const r of f.facts.references.slice(firstRef)) r.migrationOp = position;
}

function createTable(f: TsFile, c: KyselyChain, name: TableName, rest: RawChainCall[], ops: MigrationOp[]): void {
  const x = f.syntax;
  const table: CoreTableFact = { name: name.expr, schema: name.schema, columns: [], keys: [], span: x.span(c.node), nameSpan: name.span, origin: 'migration' };
  const source = (column: string): ReferenceFact['source'] => ({ table: name.expr, schema: name.schema, column });
  let ifNotExists = false;
  const keyNames: Record<string, string[]> = {};
  for (const m of rest) {
    if (m.name === 'execute' || m.name === 'compile') break;
    switch (m.name) {
      case 'addColumn': {
        const column = addColumn(f, m, source, c.schema);
        if (column) table.columns.push(column);
        else table.unreadColumn ??= columnText(f, m.args[0]);
        break;
      }
      case 'ifNotExists':
        ifNotExists = true;
        break;
      case 'addPrimaryKeyConstraint':
      case 'addUniqueConstraint': {
        const cols = namesOf(f, m.args[1]);
        if (!cols) break;
        const primary = m.name === 'addPrimaryKeyConstraint';
        for (const col of table.columns) {
          if (!cols.includes(col.name)) continue;
          if (primary) col.primaryKey = true;
          else if (cols.length === 1) col.unique = true;
        }
        if (cols.length > 1) table.keys.push(cols);
        const keyName = x.literal(m.args[0])?.value;
        if (keyName !== undefined) keyNames[keyName] = cols;
        break;
      }
      case 'addForeignKeyConstraint': {
        const locals = namesOf(f, m.args[1]) ?? [];
        if (foreignKeyConstraint(f, m, c.schema, locals, source) > 0) {
          for (const col of table.columns) if (locals.includes(col.name)) col.hasForeignKey = true;
        }
        break;
      }
      case 'as':
        // `create table ... as select ...`: the columns are the query's.
        table.columnsFrom ??= `as(${columnText(f, m.args[0] ?? m.node)})`;
        break;
      case '$call':
        table.columnsFrom ??= `$call(${columnText(f, m.args[0] ?? m.node)})`;
        break;
      default:
        // temporary, onCommit, addCheckConstraint, addIndex (a plain index), modifyFront/End: no column, no key.
        break;
    }
  }
  if (Object.keys(keyNames).length > 0) table.keyNames = keyNames;
  f.facts.tables.push(table);
  ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1, ...(ifNotExists ? { ifNotExists: true as const } : {}) });
}

/**
 * `statementSchema` is the statement's (`withSchema('s')`): the schema of the tables its columns reference without
 * one. A schema written in the table's own name (`alterTable('s.t')`) is that table's only: Kysely leaves the
 * referenced tables unqualified then.
 */
function alterTable(f: TsFile, name: TableName, statementSchema: string | undefined, rest: RawChainCall[], ops: MigrationOp[]): void {
  const x = f.syntax;
  const table = name.value;
  const schema = name.schema;
  const source = (column: string): ReferenceFact['source'] => ({ table: name.expr, schema, column });
  for (const m of rest) {
    if (m.name === 'execute' || m.name === 'compile') break;
    switch (m.name) {
      case 'addColumn': {
        const column = addColumn(f, m, source, statementSchema);
        if (column) ops.push({ op: 'add_column', table, schema, column });
        else ops.push({ op: 'unknown_columns', table, schema, from: `addColumn(${columnText(f, m.args[0])})` });
        break;
      }
      case 'dropColumn': {
        const column = nameOf(f, m.args[0]);
        if (column !== undefined) ops.push({ op: 'drop_column', table, schema, column });
        else ops.push({ op: 'unknown_columns', table, schema, from: `dropColumn(${columnText(f, m.args[0])})` });
        break;
      }
      case 'renameColumn': {
        const from = nameOf(f, m.args[0]);
        const to = nameOf(f, m.args[1]);
        if (from !== undefined && to !== undefined) ops.push({ op: 'alter_column', table, schema, column: from, newName: to });
        else ops.push({ op: 'unknown_columns', table, schema, from: `renameColumn(${columnText(f, m.node)})` });
        break;
      }
      case 'alterColumn': {
        const column = nameOf(f, m.args[0]);
        const retyped = setDataType(f, m.args[1]);
        if (column !== undefined && retyped) ops.push({ op: 'alter_column', table, schema, column, type: retyped.type, span: retyped.span });
        else if (column !== undefined && retyped === null) ops.push({ op: 'alter_unknown_table', column, span: x.span(m.node) });
        break;
      }
      case 'modifyColumn': {
        // MySQL's `MODIFY COLUMN`: the column's whole definition again.
        const column = nameOf(f, m.args[0]);
        const type = dataType(f, m.args[1]);
        if (column !== undefined && type?.span) ops.push({ op: 'alter_column', table, schema, column, type, span: type.span });
        else if (column !== undefined) ops.push({ op: 'alter_unknown_table', column, span: x.span(m.node) });
        break;
      }
      case 'renameTo': {
        const to = nameOf(f, m.args[0]);
        if (to !== undefined) ops.push({ op: 'rename_table', from: table, to, schema });
        break;
      }
      case 'setSchema': {
        // PostgreSQL's `ALTER TABLE t SET SCHEMA s`: the table, its columns and keys move to `s`, under the same
        // name. A schema FK Guard cannot read may be any (the one it is in, too): the table may have moved or
        // not, so references to either side are not judged by it.
        const to = nameOf(f, m.args[0]);
        if (to !== undefined) ops.push({ op: 'rename_table', from: table, to: table, schema, toSchema: to });
        else ops.push({ op: 'drop_table', table, schema, conditional: x.span(m.node) });
        break;
      }
      case 'addUniqueConstraint':
      case 'addPrimaryKeyConstraint': {
        const cols = namesOf(f, m.args[1]);
        const keyName = x.literal(m.args[0])?.value;
        if (cols) ops.push({ op: 'add_key', table, schema, columns: cols, ...(m.name === 'addPrimaryKeyConstraint' ? { primary: true as const } : {}), ...(keyName !== undefined ? { name: keyName } : {}) });
        break;
      }
      case 'addForeignKeyConstraint':
        foreignKeyConstraint(f, m, statementSchema, namesOf(f, m.args[1]) ?? [], source);
        break;
      case 'dropConstraint':
        ops.push({ op: 'drop_key', table, schema, name: x.literal(m.args[0])?.value, span: x.span(m.node) });
        break;
      case 'dropIndex':
        ops.push({ op: 'drop_key', table, schema, name: x.literal(m.args[0])?.value, kind: 'index', span: x.span(m.node) });
        break;
      case 'addIndex': {
        // MySQL's `ALTER TABLE ... ADD UNIQUE INDEX`: a key when `.unique()` follows.
        const at = rest.indexOf(m);
        const tail = rest.slice(at + 1);
        if (tail.some((t) => t.name === 'unique')) indexKey(f, nameOf(f, m.args[0]), table, schema, tail, ops);
        break;
      }
      case '$call':
        ops.push({ op: 'unknown_columns', table, schema, from: `$call(${columnText(f, m.args[0] ?? m.node)})` });
        break;
      default:
        break;
    }
  }
}

/** `createIndex('name').on('t').column('c').unique()`: a unique index on columns is a key a foreign key may target. */
function createIndex(f: TsFile, c: KyselyChain, rest: RawChainCall[], ops: MigrationOp[]): void {
  if (!rest.some((m) => m.name === 'unique')) return;
  const on = rest.find((m) => m.name === 'on');
  const table = on && tableName(f, on.args[0], c.schema);
  if (!table) return;
  indexKey(f, nameOf(f, c.calls[c.root].args[0]), table.value, table.schema, rest, ops);
}

/**
 * The key a unique index makes: its columns (`column('c')`, `columns(['a', 'b'])`). A partial index (`where`) or
 * one on an expression is no key a foreign key may target.
 */
function indexKey(f: TsFile, name: string | undefined, table: string, schema: string | undefined, calls: RawChainCall[], ops: MigrationOp[]): void {
  const columns: string[] = [];
  for (const m of calls) {
    if (m.name === 'where' || m.name === 'expression') return;
    if (m.name === 'column') {
      const c = nameOf(f, m.args[0]);
      if (c === undefined) return;
      columns.push(c);
    } else if (m.name === 'columns') {
      const cs = namesOf(f, m.args[0]);
      if (!cs) return;
      columns.push(...cs);
    }
  }
  if (columns.length > 0) ops.push({ op: 'add_key', table, schema, columns, ...(name !== undefined ? { name } : {}) });
}

function columnText(f: TsFile, n: ts.Node | undefined): string {
  return n ? f.syntax.text(n).replace(/\s+/g, ' ') : '';
}

/**
 * `addColumn('owner_id', 'integer', (col) => col.notNull().references('people.id'))`: the column, with its
 * reference when the callback makes one. Undefined when the name cannot be read.
 */
function addColumn(f: TsFile, m: RawChainCall, source: (column: string) => ReferenceFact['source'], schema: string | undefined): ColumnFact | undefined {
  const written = f.constantName(m.args[0]);
  if (!written) return undefined;
  const name = 'value' in written ? written.value : f.pending(written.imported);
  const column: ColumnFact = { name, type: dataType(f, m.args[1]), primaryKey: false, unique: false, span: written.span };
  // A callback FK Guard cannot read may make the column a key or a reference: neither is assumed.
  const calls = builderCalls(f, m.args[2]) ?? [];
  for (const b of calls) {
    if (b.name === 'primaryKey') column.primaryKey = true;
    else if (b.name === 'unique') column.unique = true;
    else if (b.name === 'notNull') column.nullable = false;
    else if (b.name === 'references') {
      if (columnReference(f, b, schema, source(name))) column.hasForeignKey = true;
    }
  }
  return column;
}

/** The calls a column builder callback makes on its parameter: `(col) => col.notNull().references('t.id')`. */
function builderCalls(f: TsFile, cb: ts.Node | undefined): RawChainCall[] | undefined {
  const x = f.syntax;
  const K = x.K;
  const fn = x.unwrap(cb);
  if (!fn) return [];
  // A callback passed by name or made by a call: what it does is not known.
  if (!(fn.kind === K.ArrowFunction || fn.kind === K.FunctionExpression)) return undefined;
  const func = fn as ts.ArrowFunction | ts.FunctionExpression;
  const param = func.parameters[0] && x.text(func.parameters[0].name);
  if (!param) return [];
  let body: ts.Node | undefined = func.body;
  if (body.kind === K.Block) {
    // `(col) => { return col.primaryKey(); }`
    const ret = (body as ts.Block).statements.find((s) => s.kind === K.ReturnStatement) as ts.ReturnStatement | undefined;
    body = ret?.expression;
  }
  const chain = body && x.chain(body);
  if (chain && chain.receiverText === param) return chain.calls;
  return body && body.kind !== K.Identifier ? undefined : [];
}

/**
 * `col.references('people.id')` (or `'s.people.id'`): Kysely parses the string as `table.column` or
 * `schema.table.column`; under `withSchema('s')` an unqualified table is in `s`. Returns whether one was added.
 */
function columnReference(f: TsFile, b: RawChainCall, schema: string | undefined, source: ReferenceFact['source']): boolean {
  const written = f.constantName(b.args[0]);
  if (!written) return false;
  if (!('value' in written) || !written.literal) {
    // A `table.column` held by a constant: read by its value, never edited in place.
    f.facts.references.push({
      form: 'string',
      target: 'value' in written ? { kind: 'literal', value: written.value } : { kind: 'const', name: written.imported },
      span: written.span,
      source,
      context: 'migration',
    });
    return true;
  }
  const lit = written.literal;
  const parts = lit.value.split('.');
  if (schema !== undefined && parts.length === 2) {
    // The statement's schema is the table's: the pair is read with it, the string's spans kept for fixes.
    const dot = lit.value.indexOf('.');
    f.facts.references.push({
      form: 'pair',
      table: { kind: 'literal', value: parts[0] },
      tableSchema: schema,
      tableSpan: { start: lit.contentSpan.start, end: lit.contentSpan.start + dot },
      column: parts[1],
      columnSpan: { start: lit.contentSpan.start + dot + 1, end: lit.contentSpan.end },
      span: lit.span,
      source,
      context: 'migration',
    });
    return true;
  }
  f.facts.references.push({ form: 'string', target: { kind: 'literal', value: lit.value }, span: lit.span, contentSpan: lit.contentSpan, source, context: 'migration' });
  return true;
}

/**
 * `addForeignKeyConstraint('fk', ['a', 'b'], 'people', ['x', 'y'])`: one reference per local column, as pairs.
 * Returns how many were added.
 */
function foreignKeyConstraint(f: TsFile, m: RawChainCall, schema: string | undefined, locals: string[], source: (column: string) => ReferenceFact['source']): number {
  const x = f.syntax;
  const targetArg = m.args[2];
  const target = tableName(f, targetArg, schema);
  const remotes = x.elements(m.args[3]);
  if (!remotes || locals.length === 0) return 0;
  const names = remotes.map((r) => nameOf(f, r));
  let added = 0;
  remotes.forEach((r, k) => {
    const local = locals[k] ?? locals[0];
    const column = names[k];
    const lit = x.literal(r);
    // Only names written as literals are edited in place by a fix.
    const tableLit = target && x.literal(x.unwrap(targetArg)) ? target : undefined;
    f.facts.references.push({
      form: 'pair',
      table: target?.expr ?? { kind: 'dynamic', text: targetArg ? x.text(targetArg) : '' },
      tableSchema: target?.schema,
      ...(tableLit ? { tableSpan: tableLit.span } : {}),
      column,
      ...(lit && tableLit ? { columnSpan: lit.contentSpan } : {}),
      span: targetArg ? x.span(targetArg) : x.span(m.node),
      source: source(local),
      composite: remotes.length > 1 ? names.map((n) => n ?? '') : undefined,
      context: 'migration',
    });
    added++;
  });
  return added;
}

/**
 * A column's data type: a name Kysely knows (`'integer'`, `'varchar(255)'`, `'numeric(8, 2)'`) read as SQL;
 * `sql\`...\`` or a name FK Guard does not know is an unknown type (no type verdict on it).
 */
function dataType(f: TsFile, n: ts.Node | undefined): TypeFact | undefined {
  const lit = f.syntax.literal(f.syntax.unwrap(n));
  if (!lit) return undefined;
  const named = sqlNamedType(lit.value);
  if (named.family === 'other') return undefined;
  return { text: lit.value, name: lit.value, family: named.family, sqlType: named.sqlType, source: 'explicit', span: lit.contentSpan, style: 'kysely' };
}

/**
 * `(col) => col.setDataType('text')`: the new type and where it is written; null when the callback sets a type
 * FK Guard cannot read; undefined when it changes no type (`setDefault`, `setNotNull`, ...).
 */
function setDataType(f: TsFile, cb: ts.Node | undefined): { type: TypeFact; span: Span } | null | undefined {
  const calls = builderCalls(f, cb);
  if (!calls) return null;
  for (const b of calls) {
    if (b.name !== 'setDataType') continue;
    const type = dataType(f, b.args[0]);
    return type && type.span ? { type, span: type.span } : null;
  }
  return undefined;
}
