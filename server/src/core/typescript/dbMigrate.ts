import type { ts } from 'ts-morph';
import { ColumnFact, CoreTableFact, ReferenceFact, Span, TypeFact } from '../types';
import { TsFile } from './context';
import { upFunctionNode } from './knex';
import { sqlNamedType } from './types';

/**
 * db-migrate migrations (`exports.up = function (db, cb) { ... }`): the calls of its schema API on `up`'s first
 * parameter, in the order written, as db-migrate-pg runs them (db-migrate-base 2.3, db-migrate-pg 1.5):
 *
 * - `db.createTable('t', { col: spec, ... }, cb)` or `db.createTable('t', { columns: {...}, ifNotExists }, cb)`:
 *   `CREATE TABLE`, then each column's `foreignKey: { name, table, mapping, rules }` as `addForeignKey`;
 * - `db.addColumn('t', 'c', spec, cb)`, `removeColumn`, `renameColumn`, `changeColumn` (type, `unique`),
 *   `renameTable`, `dropTable`, `addIndex('t', name, cols, unique)`, `removeIndex`;
 * - `db.addForeignKey('t', 'ref', name, { col: 'refCol' }, rules, cb)`;
 * - `db.runSql(sql, ...)`: read by `embeddedSql.ts` as a query runner, its statements placed among these by where
 *   they are written (`db.runSql.bind(db, sql)` too).
 *
 * Each may be called directly or bound (`db.createTable.bind(db, 't', {...})`, as in `async.series([...])`).
 * A column spec is `{ type, length, primaryKey, autoIncrement, notNull, unique, foreignKey }` or a type name.
 *
 * What FK Guard cannot follow leaves what it may change unknown, never a table it cannot see missing: a table made
 * under a name it cannot read is a table of a name it does not know (any unknown table may be it); `db` handed to
 * other code, a method it does not know, or SQL it cannot read (`db.runSql(sqlMadeElsewhere)`) may make any table
 * and change any: from there on every table's columns are open and any table may exist.
 *
 * Returns whether the file is a db-migrate migration (then the Sequelize reader leaves its calls alone).
 */
export function readDbMigrate(f: TsFile): boolean {
  const found = dbMigrateCalls(f);
  if (!found) return false;
  const x = f.syntax;
  const K = x.K;
  f.facts.migration ??= { ops: [] };
  const ops = f.facts.migration.ops;
  // A call `up` may or may not make (in a branch, a loop, a `try`): which calls run is not known, so none is sure (R16-8).
  f.conditionalOps = found.branch;
  const firstOp = ops.length;
  for (const c of found.calls) {
    const at = c.node.getStart(f.tree);
    const position = ops.length;
    const firstRef = f.facts.references.length;
    const opaque = (from: string): void => {
      // Code FK Guard does not follow: any table may be made by it (a table of any name), any changed from here on.
      (f.facts.maybeTables ??= []).push({ name: { kind: 'dynamic', text: '' }, maker: `\`${from}\`, which gets db-migrate's \`${found.db}\``, span: x.span(c.node) });
      ops.push({ op: 'unknown_columns', from });
    };
    if (c.escape) {
      opaque(x.text(c.node).replace(/\s+/g, ' ').slice(0, 80));
      f.placeOps(at);
      continue;
    }
    const args = c.args;
    const method = c.method;
    if (HARMLESS.has(method)) continue;
    if (method === 'runSql') {
      // Read by embeddedSql.ts when its SQL is a literal; anything else may be any SQL.
      const sql = x.unwrap(args[0]);
      if (!sql || !(sql.kind === K.StringLiteral || sql.kind === K.NoSubstitutionTemplateLiteral || sql.kind === K.TemplateExpression)) {
        opaque(`db.runSql(${sql ? x.text(sql).replace(/\s+/g, ' ').slice(0, 60) : ''})`);
        f.placeOps(at);
      }
      continue;
    }
    if (!KNOWN.has(method)) {
      opaque(x.text(c.node).replace(/\s+/g, ' ').slice(0, 80));
      f.placeOps(at);
      continue;
    }
    const tableLit = x.literal(x.unwrap(args[0]));
    if (!tableLit) {
      if (method === 'createTable') {
        f.facts.tables.push({ name: f.dynamicName(args[0] ?? c.node), columns: [], keys: [], span: x.span(c.node), nameSpan: x.span(args[0] ?? c.node), origin: 'migration' });
        ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
      } else if (method !== 'removeIndex') {
        ops.push({ op: 'unknown_columns', from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
      }
      f.placeOps(at);
      continue;
    }
    const table = tableLit.value;
    const lit = (n: ts.Node | undefined) => x.literal(x.unwrap(n))?.value;
    switch (method) {
      case 'createTable': {
        const fact: CoreTableFact = { name: { kind: 'literal', value: table }, columns: [], keys: [], span: x.span(c.node), nameSpan: tableLit.span, origin: 'migration' };
        const options = x.unwrap(args[1]);
        const o = x.props(options);
        const columnsNode = o.has('columns') ? x.unwrap(o.get('columns')) : options;
        const ifNotExists = o.has('columns') && x.bool(o.get('ifNotExists')) === true;
        const specs = objectMembers(f, columnsNode, fact);
        const primary = specs.filter((s) => x.bool(x.props(x.unwrap(s.value)).get('primaryKey')) === true);
        for (const s of specs) {
          const column = columnOf(f, s.name, s.nameNode, s.value, table, true);
          if (column) fact.columns.push(column);
        }
        if (primary.length > 1) fact.keys.push(primary.map((s) => s.name));
        f.facts.tables.push(fact);
        ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1, ...(ifNotExists ? { ifNotExists: true as const } : {}) });
        break;
      }
      case 'addColumn': {
        const name = x.literal(x.unwrap(args[1]));
        if (!name) {
          ops.push({ op: 'unknown_columns', table, from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
          break;
        }
        const column = columnOf(f, name.value, args[1], args[2], table, false);
        if (column) ops.push({ op: 'add_column', table, column });
        else ops.push({ op: 'unknown_columns', table, from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
        break;
      }
      case 'removeColumn': {
        const column = lit(args[1]);
        if (column !== undefined) ops.push({ op: 'drop_column', table, column });
        else ops.push({ op: 'unknown_columns', table, from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
        break;
      }
      case 'renameColumn': {
        const from = lit(args[1]);
        const to = lit(args[2]);
        if (from !== undefined && to !== undefined) ops.push({ op: 'alter_column', table, column: from, newName: to, span: x.span(args[2]) });
        else ops.push({ op: 'unknown_columns', table, from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
        break;
      }
      case 'changeColumn': {
        // db-migrate-pg: NOT NULL, then `unique: true` adds `<t>_<c>_key` (`false` drops it), then the type if given.
        const column = lit(args[1]);
        const spec = x.unwrap(args[2]);
        if (column === undefined || !spec || spec.kind !== K.ObjectLiteralExpression || hasUnread(f, spec)) {
          ops.push({ op: 'unknown_columns', table, from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
          break;
        }
        const o = x.props(spec);
        const unique = o.get('unique');
        const keyName = `${table}_${column}_key`;
        if (unique && x.bool(unique) === true) ops.push({ op: 'add_key', table, columns: [column], name: keyName });
        else if (unique && x.bool(unique) === false) ops.push({ op: 'drop_key', table, name: keyName, span: x.span(unique) });
        else if (unique) ops.push({ op: 'unknown_columns', table, from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
        if (o.has('type')) {
          const type = typeOf(f, spec, false);
          ops.push({ op: 'alter_column', table, column, type, span: x.span(o.get('type')!) });
        }
        break;
      }
      case 'renameTable': {
        const to = lit(args[1]);
        if (to !== undefined) ops.push({ op: 'rename_table', from: table, to });
        else {
          f.facts.tables.push({ name: f.dynamicName(args[1] ?? c.node), columns: [], keys: [], span: x.span(c.node), nameSpan: x.span(args[1] ?? c.node), origin: 'migration' });
          ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
          ops.push({ op: 'drop_table', table });
        }
        break;
      }
      case 'dropTable':
        ops.push({ op: 'drop_table', table });
        break;
      case 'addIndex': {
        // `addIndex(table, name, columns, unique)`: `CREATE [UNIQUE] INDEX "name" ON "table" (columns)`.
        const name = lit(args[1]);
        const list = x.unwrap(args[2]);
        const columns = (x.elements(list) ?? (list ? [list] : [])).map((e) => lit(e));
        const uniqueNode = x.unwrap(args[3]);
        const unique = uniqueNode && uniqueNode.kind !== K.FunctionExpression && uniqueNode.kind !== K.ArrowFunction && uniqueNode.kind !== K.Identifier ? x.bool(uniqueNode) : uniqueNode && uniqueNode.kind === K.Identifier && uniqueNode === c.callback ? false : uniqueNode ? undefined : false;
        if (name === undefined || columns.length === 0 || columns.some((col) => col === undefined)) {
          if (unique !== false) ops.push({ op: 'unknown_columns', table, from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
          break;
        }
        if (unique === true) ops.push({ op: 'add_key', table, columns: columns as string[], name });
        else if (unique === false) ops.push({ op: 'add_key', table, columns: [], name, plain: true });
        else ops.push({ op: 'add_key', table, columns: columns as string[], name, maybeUnique: x.span(uniqueNode!) });
        break;
      }
      case 'removeIndex': {
        // `removeIndex([table,] name)`: `DROP INDEX "name"`.
        const name = lit(args.length >= 2 && x.unwrap(args[1])?.kind !== K.Identifier && x.unwrap(args[1])?.kind !== K.FunctionExpression && x.unwrap(args[1])?.kind !== K.ArrowFunction ? args[1] : args[0]);
        if (name !== undefined) ops.push({ op: 'drop_index', name, span: x.span(c.node) });
        else ops.push({ op: 'unknown_columns', from: x.text(c.node).replace(/\s+/g, ' ').slice(0, 80) });
        break;
      }
      case 'addForeignKey': {
        // `addForeignKey(table, referencedTable, keyName, { column: 'referencedColumn' }, rules, cb)`.
        ops.push({ op: 'foreign_key' });
        const target = x.literal(x.unwrap(args[1]));
        const mapping = x.unwrap(args[3]);
        foreignKey(f, table, target, mapping, undefined, x.span(c.node));
        break;
      }
      case 'removeForeignKey':
        break;
    }
    for (const r of f.facts.references.slice(firstRef)) r.migrationOp = position;
    f.placeOps(at);
  }
  if (found.branch) for (const op of ops.slice(firstOp)) op.conditional ??= found.branch;
  return true;
}

/** Methods of db-migrate's driver that change no table (data, connections, transactions). */
const HARMLESS = new Set(['insert', 'update', 'lookup', 'remove', 'all', 'truncate', 'startMigration', 'endMigration', 'close', 'escape', 'escapeString', 'escapeDDL', 'connect', 'createDatabase', 'dropDatabase', 'switchDatabase', 'createSequence', 'dropSequence']);

/** The schema methods read (see `readDbMigrate`). */
const KNOWN = new Set(['createTable', 'addColumn', 'removeColumn', 'renameColumn', 'changeColumn', 'renameTable', 'dropTable', 'addIndex', 'removeIndex', 'addForeignKey', 'removeForeignKey']);

/** What db-migrate's migrations call `up`'s callback. */
const CALLBACK_NAMES = /^(?:cb|callback|done|next)$/i;

interface DbMigrateCall {
  node: ts.CallExpression;
  method: string;
  /** The arguments db-migrate gets: a bound call's `bind(db, ...)` arguments after the first. */
  args: readonly ts.Node[];
  /** `up`'s callback parameter, when it has one. */
  callback?: ts.Node;
  /** `db` itself is handed to other code here. */
  escape?: true;
}

/**
 * The calls on `up`'s first parameter (`db`) in the order written, when the file is a db-migrate migration: `up`
 * calls `db.runSql`, `db.addForeignKey` / `removeForeignKey` (which sequelize-cli's queryInterface has not), binds a
 * method to `db` (`db.createTable.bind(db, ...)`), or hands a call on `db` `up`'s callback parameter (sequelize-cli's
 * `up` gets `Sequelize` there, never called back). Undefined otherwise.
 */
function dbMigrateCalls(f: TsFile): { calls: DbMigrateCall[]; db: string; branch?: Span } | undefined {
  const x = f.syntax;
  const K = x.K;
  const up = upFunctionNode(f);
  const fn = up && (up.kind === K.FunctionDeclaration || up.kind === K.MethodDeclaration || up.kind === K.ArrowFunction || up.kind === K.FunctionExpression) ? (up as ts.FunctionLikeDeclaration) : undefined;
  const first = fn?.parameters[0];
  if (!fn || !fn.body || !first || first.name.kind !== K.Identifier) return undefined;
  const db = x.text(first.name);
  const second = fn.parameters[1];
  const cb = second && second.name.kind === K.Identifier ? x.text(second.name) : undefined;
  const calls: DbMigrateCall[] = [];
  const used = new Set<ts.Node>();
  // db-migrate's migration template: `exports.setup = function (options) { dbm = options.dbmigrate; ... }`, `exports._meta`.
  let marked = /\bexports\.(?:setup|_meta)\b/.test(f.tree.text);
  x.withParents();
  const isDb = (n: ts.Node | undefined) => !!n && n.kind === K.Identifier && x.text(n) === db;
  x.walk(fn.body, (d) => {
    if (d.kind !== K.CallExpression) return;
    const call = d as ts.CallExpression;
    const callee = call.expression;
    if (callee.kind !== K.PropertyAccessExpression) return;
    const pa = callee as ts.PropertyAccessExpression;
    const name = x.text(pa.name);
    if (isDb(pa.expression)) {
      used.add(pa.expression);
      const c: DbMigrateCall = { node: call, method: name, args: call.arguments };
      if (cb !== undefined) {
        const last = call.arguments.find((a) => a.kind === K.Identifier && x.text(a) === cb);
        if (last) {
          c.callback = last;
          marked = true;
        }
      }
      if (name === 'runSql' || name === 'addForeignKey' || name === 'removeForeignKey') marked = true;
      calls.push(c);
    } else if ((name === 'bind' || name === 'call') && pa.expression.kind === K.PropertyAccessExpression && isDb((pa.expression as ts.PropertyAccessExpression).expression)) {
      // `db.createTable.bind(db, 't', {...})`: run later (by `async.series`), in the order written.
      const inner = pa.expression as ts.PropertyAccessExpression;
      used.add(inner.expression);
      if (call.arguments[0]) used.add(call.arguments[0]);
      marked = true;
      calls.push({ node: call, method: x.text(inner.name), args: call.arguments.slice(1) });
    }
  });
  // `up(db, cb)` that calls `cb(...)`, or hands `db` and a `cb` / `callback` / `done` to a helper: sequelize-cli's
  // second parameter is `Sequelize`, never called.
  if (!marked && cb !== undefined) {
    x.walk(fn.body, (d) => {
      if (d.kind !== K.CallExpression) return;
      const call = d as ts.CallExpression;
      const bare = (n: ts.Node) => n.kind === K.Identifier && x.text(n) === cb;
      if (bare(call.expression) || (CALLBACK_NAMES.test(cb) && call.arguments.some(bare) && call.arguments.some((a) => isDb(a)))) marked = true;
      return marked ? 'stop' : undefined;
    });
  }
  if (!marked) return undefined;
  // `db` anywhere else (handed to a helper, kept in a variable): that code may do anything with it, at that place.
  x.walk(fn.body, (d) => {
    if (!isDb(d) || used.has(d)) return;
    const parent = d.parent;
    // `db.x` read without a call (`db.runSql.bind` is found above), a parameter's own name: no use of the connection.
    if (parent && parent.kind === K.PropertyAccessExpression && (parent as ts.PropertyAccessExpression).expression === d) {
      const grand = parent.parent;
      if (grand && grand.kind === K.CallExpression && (grand as ts.CallExpression).expression === parent) return;
      if (grand && grand.kind === K.PropertyAccessExpression) return;
    }
    if (parent && parent.kind === K.Parameter) return;
    let call: ts.Node | undefined = d;
    while (call && call.kind !== K.CallExpression && call !== fn.body) call = call.parent;
    calls.push({ node: (call && call.kind === K.CallExpression ? call : d) as ts.CallExpression, method: '', args: [], escape: true });
  });
  calls.sort((a, b) => a.node.getStart(f.tree) - b.node.getStart(f.tree));
  let branch: Span | undefined;
  for (const c of calls) {
    branch = branchAround(f, c.node, fn.body);
    if (branch) break;
  }
  return { calls, db, ...(branch ? { branch } : {}) };
}

/**
 * The nearest construct between a call and `up`'s body that may skip it or run it more than once: an `if` or `switch`
 * branch, a loop, a `try` / `catch`, the right side of `&&` / `||` / `??`, a branch of `?:`.
 */
function branchAround(f: TsFile, node: ts.Node, body: ts.Node): Span | undefined {
  const x = f.syntax;
  const K = x.K;
  const loops = new Set([K.ForStatement, K.ForOfStatement, K.ForInStatement, K.WhileStatement, K.DoStatement, K.TryStatement, K.CatchClause, K.CaseClause, K.DefaultClause]);
  let child: ts.Node = node;
  for (let p = node.parent; p && p !== body; child = p, p = p.parent) {
    if (loops.has(p.kind)) return x.span(p);
    if (p.kind === K.IfStatement && child !== (p as ts.IfStatement).expression) return x.span(p);
    if (p.kind === K.ConditionalExpression && child !== (p as ts.ConditionalExpression).condition) return x.span(p);
    if (p.kind === K.BinaryExpression && child === (p as ts.BinaryExpression).right && /^(?:&&|\|\||\?\?)$/.test(x.text((p as ts.BinaryExpression).operatorToken))) return x.span(p);
  }
  return undefined;
}

/** An object literal's members as db-migrate's `for (name in specs)` sees them; anything else leaves the columns open. */
function objectMembers(f: TsFile, n: ts.Node | undefined, fact: CoreTableFact): Array<{ name: string; nameNode: ts.Node; value: ts.Node }> {
  const x = f.syntax;
  const K = x.K;
  if (!n || n.kind !== K.ObjectLiteralExpression) {
    fact.columnsFrom ??= n ? x.text(n).replace(/\s+/g, ' ').slice(0, 80) : '(no columns)';
    return [];
  }
  const out: Array<{ name: string; nameNode: ts.Node; value: ts.Node }> = [];
  for (const p of (n as ts.ObjectLiteralExpression).properties) {
    if (p.kind === K.PropertyAssignment && p.name.kind !== K.ComputedPropertyName) out.push({ name: x.propertyName(p.name), nameNode: p.name, value: (p as ts.PropertyAssignment).initializer });
    else fact.columnsFrom ??= x.text(p).replace(/\s+/g, ' ').slice(0, 80);
  }
  return out;
}

/** Whether an object literal has a member FK Guard cannot read by name (a spread, a computed key). */
function hasUnread(f: TsFile, o: ts.Node): boolean {
  const K = f.syntax.K;
  return (o as ts.ObjectLiteralExpression).properties.some((p) => p.kind !== K.PropertyAssignment || p.name.kind === K.ComputedPropertyName);
}

/**
 * One column: its type as db-migrate-pg writes it, `primaryKey` (inline only when it is the table's one key
 * column, as db-migrate emits it; `addColumn`'s too), `unique`, `notNull`, and its `foreignKey`.
 */
function columnOf(f: TsFile, name: string, nameNode: ts.Node, value: ts.Node | undefined, table: string, inlinePrimary: boolean): ColumnFact | undefined {
  const x = f.syntax;
  const K = x.K;
  const v = x.unwrap(value);
  if (!v) return undefined;
  const nameLit = x.literal(nameNode);
  const span = nameLit?.contentSpan ?? x.span(nameNode);
  const typeOnly = x.literal(v);
  if (typeOnly) return { name, type: typeOf(f, v, false), primaryKey: false, unique: false, span };
  if (v.kind !== K.ObjectLiteralExpression) return { name, primaryKey: false, unique: false, span };
  const o = x.props(v);
  // `addColumn` emits no PRIMARY KEY (db-migrate-pg writes it only in `createTable`), only SERIAL.
  const primary = x.bool(o.get('primaryKey')) === true && inlinePrimary;
  const auto = x.bool(o.get('primaryKey')) === true && x.bool(o.get('autoIncrement')) === true;
  const uniqueNode = o.get('unique');
  const unique = uniqueNode !== undefined && x.bool(uniqueNode) === true;
  const column: ColumnFact = {
    name,
    type: hasUnread(f, v) ? undefined : typeOf(f, v, auto),
    primaryKey: primary,
    unique,
    nullable: x.bool(o.get('notNull')) === true ? false : undefined,
    span,
  };
  if (uniqueNode !== undefined && !unique && x.bool(uniqueNode) !== false) column.maybeKey = true;
  const fk = x.unwrap(o.get('foreignKey'));
  if (fk) {
    column.hasForeignKey = true;
    const fo = x.props(fk);
    const target = x.literal(x.unwrap(fo.get('table')));
    const mappingNode = x.unwrap(fo.get('mapping'));
    foreignKey(f, table, target, mappingNode, name, x.span(fk));
  }
  return column;
}

/**
 * The references of one `addForeignKey` (or a column's `foreignKey`): `mapping` is `{ local: 'remote', ... }`, or
 * for a column's key the remote column alone (`mapping: 'id'`).
 */
function foreignKey(f: TsFile, table: string, target: { value: string; span: { start: number; end: number }; contentSpan: { start: number; end: number } } | undefined, mapping: ts.Node | undefined, local: string | undefined, at: { start: number; end: number }): void {
  const x = f.syntax;
  const K = x.K;
  const pairs: Array<{ local?: string; remote?: { value: string; contentSpan: { start: number; end: number } } }> = [];
  const single = x.literal(mapping);
  if (single && local !== undefined) pairs.push({ local, remote: single });
  else if (mapping && mapping.kind === K.ObjectLiteralExpression && !hasUnread(f, mapping)) {
    for (const p of (mapping as ts.ObjectLiteralExpression).properties) {
      const pa = p as ts.PropertyAssignment;
      pairs.push({ local: x.propertyName(pa.name), remote: x.literal(x.unwrap(pa.initializer)) });
    }
  } else pairs.push({ local });
  const composite = pairs.length > 1 && pairs.every((p) => p.remote) ? pairs.map((p) => p.remote!.value) : undefined;
  for (const p of pairs) {
    const source: ReferenceFact['source'] = { table: { kind: 'literal', value: table }, ...(p.local !== undefined ? { column: p.local } : {}) };
    if (!target || !p.remote) {
      f.facts.references.push({
        form: 'string',
        target: { kind: 'dynamic', text: `${target ? target.value : '?'}.${p.remote ? p.remote.value : '?'}` },
        span: target?.span ?? at,
        source,
        context: 'migration',
      });
      continue;
    }
    f.facts.references.push({
      form: 'pair',
      table: { kind: 'literal', value: target.value },
      tableSpan: target.contentSpan,
      column: p.remote.value,
      columnSpan: p.remote.contentSpan,
      span: target.span,
      source,
      composite,
      context: 'migration',
    });
  }
}

/**
 * A column's type as db-migrate-pg writes it (`mapDataType`): `string` is `VARCHAR`, `datetime` `TIMESTAMP`, `blob`
 * `BYTEA`, `int` `INTEGER`, and so on; any other name is written upper-cased, as is (`uuid`, `serial`); `length` is
 * added as `(n)`; a `primaryKey` with `autoIncrement` is `SERIAL` (`BIGSERIAL` for `bigint`); `timestamptz` is
 * `TIMESTAMP WITH TIME ZONE`. A type FK Guard cannot read is unknown.
 */
function typeOf(f: TsFile, spec: ts.Node, serial: boolean): TypeFact | undefined {
  const x = f.syntax;
  const K = x.K;
  const o = spec.kind === K.ObjectLiteralExpression ? x.props(spec) : new Map<string, ts.Node>([['type', spec]]);
  const typeNode = x.unwrap(o.get('type'));
  // `type: 'string'`, or the template's `type.STRING` / `dbm.dataType.STRING` (db-migrate-shared's data_type.js).
  let written = x.literal(typeNode);
  if (!written && typeNode && typeNode.kind === K.PropertyAccessExpression) {
    const pa = typeNode as ts.PropertyAccessExpression;
    const value = DATA_TYPE[x.text(pa.name)];
    if (value !== undefined && /(?:^|\.)(?:type|dataType)$/.test(x.text(pa.expression))) written = { value, span: x.span(pa), contentSpan: x.span(pa) };
  }
  const text = written && typeNode && !x.literal(typeNode) ? x.text(typeNode) : written?.value;
  if (!written) return undefined;
  const lengthNode = x.unwrap(o.get('length'));
  const length = lengthNode ? (x.numberText(lengthNode) ?? x.literal(lengthNode)?.value) : undefined;
  if (lengthNode && length === undefined) return undefined;
  let name: string;
  if (serial) name = written.value === 'bigint' ? 'bigint' : 'integer';
  else name = DB_MIGRATE_PG_TYPES[written.value] ?? written.value;
  const [a, b] = (length ?? '').split(',').map((s) => s.trim());
  const sql = sqlNamedType(name, length !== undefined ? { length: a, precision: a, scale: b } : {});
  if (sql.family === 'other') return undefined;
  return { text: text!, name: text!, ...sql, source: 'explicit', span: written.contentSpan };
}

/** db-migrate-shared's data_type.js: the constants the migration template names (`type.STRING`). */
const DATA_TYPE: Record<string, string> = {
  CHAR: 'char',
  STRING: 'string',
  TEXT: 'text',
  SMALLINT: 'smallint',
  BIGINT: 'bigint',
  INTEGER: 'int',
  SMALL_INTEGER: 'smallint',
  BIG_INTEGER: 'bigint',
  REAL: 'real',
  DATE: 'date',
  DATE_TIME: 'datetime',
  TIME: 'time',
  BLOB: 'blob',
  TIMESTAMP: 'timestamp',
  BINARY: 'binary',
  BOOLEAN: 'boolean',
  DECIMAL: 'decimal',
};

/** db-migrate-pg's `mapDataType` (with db-migrate-base's), for the names db-migrate defines. */
const DB_MIGRATE_PG_TYPES: Record<string, string> = {
  string: 'varchar',
  text: 'text',
  int: 'integer',
  smallint: 'smallint',
  bigint: 'bigint',
  real: 'real',
  date: 'date',
  datetime: 'timestamp',
  time: 'time',
  blob: 'bytea',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  timetz: 'timetz',
  boolean: 'boolean',
  decimal: 'numeric',
  char: 'char',
  json: 'json',
  jsonb: 'jsonb',
};
