import type { ts } from 'ts-morph';
import { pendingConst } from '../pendingNames';
import { ColumnFact, CoreTableFact, MigrationOp, ReferenceFact, TypeFact } from '../types';
import { Literal, TsFile } from './context';
import { nameOf, upFunctionNode } from './knex';
import { sqlNamedType } from './types';

/** The query runner's Table API methods this reader follows. */
const TABLE_API = new Set([
  'createTable',
  'dropTable',
  'renameTable',
  'addColumn',
  'addColumns',
  'renameColumn',
  'changeColumn',
  'dropColumn',
  'dropColumns',
  'createPrimaryKey',
  'createUniqueConstraint',
  'createUniqueConstraints',
  'createIndex',
  'createIndices',
  'createForeignKey',
  'createForeignKeys',
]);

/**
 * TypeORM migrations written with the query runner's Table API, in `up`'s order:
 * `queryRunner.createTable(new Table({ name, schema, columns, foreignKeys, indices, uniques }))`, `addColumn(s)`,
 * `renameColumn`, `changeColumn`, `dropColumn(s)`, `createPrimaryKey`, `createUniqueConstraint(s)`, unique
 * `createIndex`/`createIndices`, `createForeignKey(s)`, `renameTable`, `dropTable`. Raw SQL run through
 * `queryRunner.query(...)` is `embeddedSql.ts`'s; each operation takes its place among the file's by where it is
 * written. A table or column FK Guard cannot read (a variable, a computed name) is left out, never guessed: a table
 * made under such a name makes history's tables not all known from there on.
 */
export function readTypeormMigration(f: TsFile): void {
  const x = f.syntax;
  const K = x.K;
  const up = upFunctionNode(f);
  const fn = up && (up.kind === K.MethodDeclaration || up.kind === K.FunctionDeclaration || up.kind === K.ArrowFunction || up.kind === K.FunctionExpression) ? (up as ts.FunctionLikeDeclaration) : undefined;
  const first = fn?.parameters[0];
  const runner = first && first.name.kind === K.Identifier ? x.text(first.name) : undefined;
  if (!fn || !runner) return;
  const calls: ts.CallExpression[] = [];
  x.walk(fn, (d) => {
    if (d.kind !== K.CallExpression) return;
    const callee = (d as ts.CallExpression).expression;
    if (callee.kind !== K.PropertyAccessExpression) return;
    const pa = callee as ts.PropertyAccessExpression;
    if (x.text(pa.expression) === runner && TABLE_API.has(x.text(pa.name))) calls.push(d as ts.CallExpression);
  });
  if (calls.length === 0) return;
  f.facts.migration ??= { ops: [] };
  const ops = f.facts.migration.ops;
  for (const c of calls) {
    const position = ops.length;
    const firstRef = f.facts.references.length;
    apiCall(f, c, ops);
    for (const r of f.facts.references.slice(firstRef)) r.migrationOp ??= position;
    f.placeOps(c.getStart(f.tree));
  }
}

/**
 * The order TypeORM runs this migration in: the number its class name ends with. TypeORM's MigrationExecutor takes the
 * last 13 characters of the class name as the timestamp (and refuses a class without one) and sorts every migration of
 * the data source by it; the file's name plays no part (`AddPosts.ts` holding `AddPosts1700000000002`). Set only for
 * the one class of the file with an `up(queryRunner)` that imports TypeORM's migration types.
 */
export function readTypeormRunOrder(f: TsFile): void {
  const x = f.syntax;
  const K = x.K;
  if (!f.facts.migration || !f.facts.imports.some((i) => i.module === 'typeorm' && (i.name === 'MigrationInterface' || i.name === 'QueryRunner'))) return;
  const stamps: number[] = [];
  for (const st of f.tree.statements) {
    if (st.kind !== K.ClassDeclaration) continue;
    const cls = st as ts.ClassDeclaration;
    if (!cls.name || !cls.members.some((m) => m.kind === K.MethodDeclaration && x.name(m) === 'up')) continue;
    const m = /(\d{13})$/.exec(x.text(cls.name));
    if (m) stamps.push(Number(m[1]));
  }
  if (stamps.length === 1) f.facts.migration.runOrder = stamps[0];
}

/** A table as the Table API takes it: `'users'`, `'app.users'`, or a `new Table({ name, schema })`. */
function tableOf(f: TsFile, n: ts.Node | undefined): { table: string; schema?: string } | undefined {
  const x = f.syntax;
  const e = x.unwrap(n);
  // A literal, or a constant of this file or another (`queryRunner.addColumn(TABLE, ...)`).
  const written = nameOf(f, e);
  if (written !== undefined) return splitName(written);
  const o = constructed(f, e, 'Table');
  if (!o) return undefined;
  const name = nameOf(f, o.get('name'));
  if (name === undefined) return undefined;
  const schema = o.has('schema') ? x.literal(o.get('schema'))?.value : undefined;
  if (o.has('schema') && schema === undefined) return undefined;
  const split = splitName(name);
  return schema !== undefined && split.schema === undefined ? { table: split.table, schema } : split;
}

/** `schema.table` as TypeORM's drivers read a dotted table name; PostgreSQL's default schema is no schema. */
function splitName(name: string): { table: string; schema?: string } {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return { table: name };
  const schema = name.slice(0, dot);
  return schema === 'public' ? { table: name.slice(dot + 1) } : { table: name.slice(dot + 1), schema };
}

/** The options of `new <Class>({...})` (with `Class` one of TypeORM's schema classes), or of a plain object. */
function constructed(f: TsFile, n: ts.Node | undefined, cls: string): Map<string, ts.Node> | undefined {
  const x = f.syntax;
  const K = x.K;
  const e = x.unwrap(n);
  if (!e) return undefined;
  if (e.kind === K.ObjectLiteralExpression) return x.props(e);
  if (e.kind !== K.NewExpression) return undefined;
  const call = e as ts.NewExpression;
  const callee = call.expression;
  const name = callee.kind === K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).name) : x.text(callee);
  if (name !== cls) return undefined;
  const arg = x.unwrap(call.arguments?.[0]);
  return arg && arg.kind === K.ObjectLiteralExpression ? x.props(arg) : undefined;
}

/** A list of names: `['a', 'b']`; undefined when one cannot be read. */
function namesOf(f: TsFile, n: ts.Node | undefined): Literal[] | undefined {
  const x = f.syntax;
  const items = x.elements(x.unwrap(n));
  if (!items) return undefined;
  const out: Literal[] = [];
  for (const i of items) {
    const lit = x.literal(x.unwrap(i));
    if (!lit) return undefined;
    out.push(lit);
  }
  return out.length > 0 ? out : undefined;
}

/** A column's options (`{ name, type, length, isPrimary, isUnique, isNullable }`) as a column fact. */
function columnOf(f: TsFile, n: ts.Node | undefined): ColumnFact | undefined {
  const x = f.syntax;
  const o = constructed(f, n, 'TableColumn');
  if (!o) return undefined;
  const name = x.literal(o.get('name'));
  if (!name) return undefined;
  const typeLit = x.literal(o.get('type'));
  const size = (key: string) => x.literal(o.get(key))?.value ?? x.numberText(o.get(key));
  let type: TypeFact | undefined;
  if (typeLit) {
    const t = sqlNamedType(typeLit.value, { length: size('length'), precision: size('precision'), scale: size('scale') });
    type = { text: typeLit.value, name: typeLit.value, family: t.family, sqlType: t.sqlType, source: 'explicit', span: typeLit.contentSpan };
  }
  const column: ColumnFact = {
    name: name.value,
    type,
    primaryKey: x.bool(o.get('isPrimary')) === true,
    unique: x.bool(o.get('isUnique')) === true,
    span: name.span,
  };
  const nullable = x.bool(o.get('isNullable'));
  if (nullable !== undefined) column.nullable = nullable;
  return column;
}

/**
 * A foreign key's options (`{ columnNames, referencedTableName, referencedColumnNames, referencedSchema }`): one
 * reference per pair, from `table`'s columns (their types come from history).
 */
function foreignKeyOf(f: TsFile, n: ts.Node | undefined, table: { table: string; schema?: string } | undefined): ReferenceFact[] {
  const x = f.syntax;
  const o = constructed(f, n, 'TableForeignKey');
  if (!o) return [];
  const target = x.literal(o.get('referencedTableName'));
  const locals = namesOf(f, o.get('columnNames'));
  const remotes = namesOf(f, o.get('referencedColumnNames'));
  if (!target || !remotes) return [];
  const split = splitName(target.value);
  const schema = split.schema ?? x.literal(o.get('referencedSchema'))?.value;
  const dot = target.value.lastIndexOf('.');
  const composite = remotes.length > 1 ? remotes.map((r) => r.value) : undefined;
  return remotes.map((r, i): ReferenceFact => ({
    form: 'pair',
    table: { kind: 'literal', value: split.table },
    tableSchema: schema === 'public' ? undefined : schema,
    tableSpan: { start: target.contentSpan.start + dot + 1, end: target.contentSpan.end },
    column: r.value,
    columnSpan: r.contentSpan,
    span: target.span,
    source: { ...(table ? { table: { kind: 'literal', value: table.table }, schema: table.schema } : {}), column: locals?.[i]?.value },
    ...(composite ? { composite } : {}),
    context: 'migration',
  }));
}

/** A unique index or constraint's columns (`{ columnNames, isUnique }`); undefined when it makes no key. */
function keyOf(f: TsFile, n: ts.Node | undefined, cls: 'TableIndex' | 'TableUnique'): { columns: string[]; name?: string } | undefined {
  const x = f.syntax;
  const o = constructed(f, n, cls);
  if (!o) return undefined;
  if (cls === 'TableIndex' && x.bool(o.get('isUnique')) !== true) return undefined;
  const columns = namesOf(f, o.get('columnNames'));
  if (!columns) return undefined;
  const name = x.literal(o.get('name'))?.value;
  return { columns: columns.map((c) => c.value), ...(name ? { name } : {}) };
}

function apiCall(f: TsFile, c: ts.CallExpression, ops: MigrationOp[]): void {
  const x = f.syntax;
  const method = x.text((c.expression as ts.PropertyAccessExpression).name);
  const args = c.arguments;
  const list = (n: ts.Node | undefined): readonly ts.Node[] => x.elements(x.unwrap(n)) ?? [];
  if (method === 'createTable') {
    createTable(f, c, ops);
    return;
  }
  const on = tableOf(f, args[0]);
  if (!on) {
    // A table FK Guard cannot name (`queryRunner.getTable(...)` held in a variable): the keys it adds are still
    // read, from columns of no known table; what it changes in a table stays unknown from here on.
    if (method === 'createForeignKey') f.facts.references.push(...foreignKeyOf(f, args[1], undefined));
    else if (method === 'createForeignKeys') for (const k of list(args[1])) f.facts.references.push(...foreignKeyOf(f, k, undefined));
    else if (method !== 'dropTable') ops.push({ op: 'unknown_columns', from: x.text(c).replace(/\s+/g, ' ').slice(0, 200) });
    if (method === 'createForeignKey' || method === 'createForeignKeys') ops.push({ op: 'foreign_key' });
    return;
  }
  const { table, schema } = on;
  const columnName = (n: ts.Node | undefined) => x.literal(x.unwrap(n))?.value ?? (constructed(f, n, 'TableColumn') && x.literal(constructed(f, n, 'TableColumn')!.get('name'))?.value);
  switch (method) {
    case 'dropTable':
      ops.push({ op: 'drop_table', table, schema });
      return;
    case 'renameTable': {
      const to = x.literal(x.unwrap(args[1]))?.value;
      if (to !== undefined) ops.push({ op: 'rename_table', from: table, to: splitName(to).table, schema });
      else ops.push({ op: 'unknown_columns', table, schema, from: x.text(c).replace(/\s+/g, ' ').slice(0, 200) });
      return;
    }
    case 'addColumn':
    case 'addColumns': {
      for (const n of method === 'addColumn' ? [args[1]] : list(args[1])) {
        const column = columnOf(f, n);
        if (column) ops.push({ op: 'add_column', table, schema, column });
        else ops.push({ op: 'unknown_columns', table, schema, from: x.text(c).replace(/\s+/g, ' ').slice(0, 200) });
      }
      return;
    }
    case 'renameColumn': {
      const from = columnName(args[1]);
      const to = columnName(args[2]);
      if (from !== undefined && to !== undefined) ops.push({ op: 'alter_column', table, schema, column: from, newName: to });
      else ops.push({ op: 'unknown_columns', table, schema, from: x.text(c).replace(/\s+/g, ' ').slice(0, 200) });
      return;
    }
    case 'changeColumn': {
      const from = columnName(args[1]);
      const column = columnOf(f, args[2]);
      if (from !== undefined && column) ops.push({ op: 'alter_column', table, schema, column: from, type: column.type, ...(column.name !== from ? { newName: column.name } : {}) });
      else ops.push({ op: 'unknown_columns', table, schema, from: x.text(c).replace(/\s+/g, ' ').slice(0, 200) });
      return;
    }
    case 'dropColumn':
    case 'dropColumns': {
      for (const n of method === 'dropColumn' ? [args[1]] : list(args[1])) {
        const name = columnName(n);
        if (name !== undefined) ops.push({ op: 'drop_column', table, schema, column: name });
        else ops.push({ op: 'unknown_columns', table, schema, from: x.text(c).replace(/\s+/g, ' ').slice(0, 200) });
      }
      return;
    }
    case 'createPrimaryKey': {
      const columns = namesOf(f, args[1]);
      if (columns) ops.push({ op: 'add_key', table, schema, columns: columns.map((l) => l.value), primary: true });
      return;
    }
    case 'createUniqueConstraint':
    case 'createUniqueConstraints':
    case 'createIndex':
    case 'createIndices': {
      const cls = method.startsWith('createUnique') ? 'TableUnique' : 'TableIndex';
      const many = method.endsWith('s') && method !== 'createIndex';
      for (const n of many ? list(args[1]) : [args[1]]) {
        const key = keyOf(f, n, cls);
        if (key) ops.push({ op: 'add_key', table, schema, columns: key.columns, ...(key.name ? { name: key.name } : {}) });
      }
      return;
    }
    case 'createForeignKey':
    case 'createForeignKeys': {
      for (const n of method === 'createForeignKey' ? [args[1]] : list(args[1])) f.facts.references.push(...foreignKeyOf(f, n, on));
      ops.push({ op: 'foreign_key' });
      return;
    }
  }
}

/** `queryRunner.createTable(new Table({ name, schema, columns, indices, uniques, foreignKeys }), ifNotExists)`. */
function createTable(f: TsFile, c: ts.CallExpression, ops: MigrationOp[]): void {
  const x = f.syntax;
  const o = constructed(f, c.arguments[0], 'Table');
  const on = tableOf(f, c.arguments[0]);
  const ifNotExists = x.bool(c.arguments[1]) === true ? { ifNotExists: true as const } : {};
  const nameNode = o?.get('name');
  if (!o || !on) {
    // A table made under a name FK Guard cannot read: it exists, so a reference to a name it may be is unchecked.
    const written = x.unwrap(nameNode ?? c.arguments[0]) ?? c;
    f.facts.tables.push({ name: f.dynamicName(written), columns: [], keys: [], span: x.span(c), nameSpan: x.span(written), origin: 'migration' });
    ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1, ...ifNotExists });
    return;
  }
  // A name imported from another file is a constant the index resolves (see `pendingNames.ts`).
  const imported = pendingConst(on.table);
  const table: CoreTableFact = {
    name: imported !== undefined ? { kind: 'const', name: imported } : { kind: 'literal', value: on.table },
    schema: on.schema,
    columns: [],
    keys: [],
    span: x.span(c),
    nameSpan: x.literal(x.unwrap(nameNode))?.span ?? x.span(c),
    origin: 'migration',
  };
  const items = (key: string) => x.elements(x.unwrap(o.get(key)));
  const columns = items('columns');
  if (!columns) table.columnsFrom = x.text(o.get('columns') ?? c).replace(/\s+/g, ' ').slice(0, 200);
  for (const n of columns ?? []) {
    const column = columnOf(f, n);
    if (column) table.columns.push(column);
    else table.columnsFrom ??= x.text(n).replace(/\s+/g, ' ').slice(0, 200);
  }
  // A primary key of several columns is one key (TypeORM's `isPrimary` on each).
  const primary = table.columns.filter((col) => col.primaryKey);
  if (primary.length > 1) table.keys.push(primary.map((col) => col.name));
  for (const [key, cls] of [['indices', 'TableIndex'], ['uniques', 'TableUnique']] as const) {
    for (const n of items(key) ?? []) {
      const k = keyOf(f, n, cls);
      if (!k) continue;
      const col = k.columns.length === 1 ? table.columns.find((col) => col.name === k.columns[0]) : undefined;
      if (col) col.unique = true;
      else table.keys.push(k.columns);
    }
  }
  const firstRef = f.facts.references.length;
  for (const n of items('foreignKeys') ?? []) f.facts.references.push(...foreignKeyOf(f, n, on));
  for (const r of f.facts.references.slice(firstRef)) {
    const col = table.columns.find((col) => col.name === r.source.column);
    if (col) col.hasForeignKey = true;
  }
  f.facts.tables.push(table);
  ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1, ...ifNotExists });
}
