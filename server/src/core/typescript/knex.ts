import type { ts } from 'ts-morph';
import { ColumnFact, CoreTableFact, KnexSearchPathFact, MigrationOp, NameExpr, ReferenceFact, TypeFact } from '../types';
import { constValue, ConstValue } from './constValue';
import { TsFile } from './context';
import { isKyselyStatement } from './kysely';
import { RawChainCall } from './syntax';
import { sqlNamedType, SqlType } from './types';

const SCHEMA_CALLS = new Set(['createTable', 'createTableIfNotExists', 'createTableLike', 'alterTable', 'table', 'dropTable', 'dropTableIfExists', 'renameTable']);

/**
 * Knex migrations: `knex.schema.createTable('users', (t) => { ... })`, `alterTable`/`table`, `dropTable`,
 * `renameTable`, inside `up` (`exports.up`, `export async function up`, `module.exports = { up }`). Column
 * builders give the types; `.references('id').inTable('users')`, `.references('users.id')` and
 * `t.foreign('user_id').references(...)` the foreign keys. Each file is a migration, replayed in path order
 * (Knex's own order: file names start with a timestamp).
 *
 * Read on the compiler's nodes (`TsFile.syntax`): a migration is mostly column builders, and wrapping each
 * link of each chain was most of the reader's cost.
 */
export function readKnex(f: TsFile): void {
  if (f.importsFrom('drizzle-orm')) return;
  const x = f.syntax;
  const K = x.K;
  const whole = f.tree;
  const named = schemaCallNames(whole.text);
  if (named.length === 0) return;
  const scope = upFunctionNode(f) ?? whole;
  const calls: ts.CallExpression[] = [];
  x.walk(scope, (d) => {
    // Without an `up`, a whole file is read, except what undoes it.
    if (scope === whole && isDown(f, d)) return 'skip';
    // A schema call's method name is written in the text of every node around it: a node whose text holds none
    // of these names holds no schema call (a migration's column builders are most of its nodes).
    if (!writtenWithin(named, d.pos, d.end)) return 'skip';
    if (d.kind !== K.CallExpression) return;
    // Kysely's statements (`db.schema.createTable('t').addColumn(...)`) are `kysely.ts`'s.
    if (isKyselyStatement(f, d as ts.CallExpression)) return 'skip';
    const callee = (d as ts.CallExpression).expression;
    if (callee.kind !== K.PropertyAccessExpression) return;
    const pa = callee as ts.PropertyAccessExpression;
    if (!SCHEMA_CALLS.has(x.text(pa.name)) || !/\bschema\b/.test(x.text(pa.expression))) return;
    calls.push(d as ts.CallExpression);
  });
  if (calls.length === 0) return;
  // `knex.schema.createTable('a', ...).createTable('b', ...)`: the inner call runs first, and its name comes first.
  const nameStart = (c: ts.CallExpression) => (c.expression as ts.PropertyAccessExpression).name.getStart(whole);
  calls.sort((a, b) => nameStart(a) - nameStart(b));
  f.facts.migration ??= { ops: [] };
  f.facts.knexMigration = true;
  for (const c of calls) {
    schemaCall(f, c, f.facts.migration.ops);
    f.placeOps(nameStart(c));
  }
}

/**
 * Where the names of `SCHEMA_CALLS` are written in a file, in order. A word match finds every place a name node
 * reads as one of them (its text as written is the word, and no name character stands next to it), and maybe more.
 */
function schemaCallNames(text: string): number[] {
  const out: number[] = [];
  const re = /\b(?:createTable(?:IfNotExists|Like)?|alterTable|table|dropTable(?:IfExists)?|renameTable)\b/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push(m.index);
  return out;
}

/** Whether one of the sorted offsets `at` lies in [pos, end). */
export function writtenWithin(at: readonly number[], pos: number, end: number): boolean {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < at.length && at[lo] < end;
}

export function isDown(f: TsFile, d: ts.Node): boolean {
  const x = f.syntax;
  const K = x.K;
  switch (d.kind) {
    case K.FunctionDeclaration:
    case K.VariableDeclaration:
    case K.PropertyAssignment:
    case K.MethodDeclaration:
      return x.name(d) === 'down';
    case K.BinaryExpression:
      return /(^|\.)down$/.test(x.text((d as ts.BinaryExpression).left));
    default:
      return false;
  }
}

/**
 * The body of `up`, however the migration exports it (Knex and sequelize-cli alike): the first `up` in the file
 * that has a body or a value.
 */
export function upFunctionNode(f: TsFile): ts.Node | undefined {
  const x = f.syntax;
  const K = x.K;
  let found: ts.Node | undefined;
  x.walk(f.tree, (d) => {
    switch (d.kind) {
      case K.FunctionDeclaration:
      case K.MethodDeclaration:
        if (x.name(d) === 'up') found = d;
        break;
      case K.VariableDeclaration:
      case K.PropertyAssignment:
        if (x.name(d) === 'up') found = (d as ts.VariableDeclaration | ts.PropertyAssignment).initializer;
        break;
      case K.BinaryExpression: {
        const b = d as ts.BinaryExpression;
        if (b.left.kind === K.PropertyAccessExpression && /^(module\.)?exports\.up$/.test(x.text(b.left))) found = b.right;
        break;
      }
    }
    return found ? 'stop' : undefined;
  });
  return found;
}

function schemaCall(f: TsFile, call: ts.CallExpression, ops: MigrationOp[]): void {
  const x = f.syntax;
  const callee = call.expression as ts.PropertyAccessExpression;
  const method = x.text(callee.name);
  const args = call.arguments;
  const schema = schemaOfReceiver(f, callee.expression);
  if (!args[0]) return;
  const read = f.constantName(args[0]);
  if (!read && (method === 'createTable' || method === 'createTableIfNotExists' || method === 'createTableLike')) {
    // A table made under a name FK Guard cannot read: it exists, so a reference to a name it may be is
    // unchecked (`SchemaIndex.unnamedTableFor`); its columns belong to no table FK Guard can name.
    f.facts.tables.push({ name: f.dynamicName(args[0]), schema, columns: [], keys: [], span: x.span(call), nameSpan: x.span(args[0]), origin: 'migration', ...(schema === undefined ? { onSearchPath: true as const } : {}) });
    ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
    return;
  }
  const written = read;
  if (!written) {
    // A table altered under a name FK Guard cannot read (`alterTable(name, ...)` in a loop over objects): the
    // columns it adds may belong to any table, so from here on no table's columns are all known.
    if (method === 'alterTable' || method === 'table') ops.push({ op: 'unknown_columns', from: `${method}(${x.text(args[0]).replace(/\s+/g, ' ')})` });
    return;
  }
  // A name imported from another file is known to the index only: a new table's name is a constant the
  // index resolves, an operation's a pending name it puts in place (see `pendingNames.ts`).
  const name = 'value' in written ? written : { value: f.pending(written.imported) };
  const tableExpr: NameExpr = 'value' in written ? { kind: 'literal', value: written.value } : { kind: 'const', name: written.imported };
  const position = ops.length;
  const firstRef = f.facts.references.length;
  const firstTable = f.facts.tables.length;
  switch (method) {
    case 'createTable':
    case 'createTableIfNotExists': {
      const table: CoreTableFact = {
        name: tableExpr,
        schema,
        columns: [],
        keys: [],
        span: x.span(call),
        nameSpan: written.span,
        origin: 'migration',
      };
      tableBuilder(f, args[1], tableExpr, schema, table, undefined, call);
      f.facts.tables.push(table);
      ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1, ...(method === 'createTableIfNotExists' ? { ifNotExists: true as const } : {}) });
      break;
    }
    case 'createTableLike': {
      // `createTableLike('copy', 'source', (t) => { ... })`: PostgreSQL's `create table "copy" (like "source" including
      // all)`, the source's columns and keys, then the builder's columns.
      const table: CoreTableFact = { name: tableExpr, schema, columns: [], keys: [], span: x.span(call), nameSpan: written.span, origin: 'migration' };
      const like = nameOf(f, args[1]);
      const likeText = x.text(call).replace(/\s+/g, ' ');
      if (like === undefined) table.columnsFrom = likeText;
      else table.likeTable = { name: like, schema, text: likeText };
      if (args[2]) tableBuilder(f, args[2], tableExpr, schema, table, undefined, call);
      f.facts.tables.push(table);
      ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
      break;
    }
    case 'alterTable':
    case 'table':
      tableBuilder(f, args[1], tableExpr, schema, undefined, ops, call);
      break;
    case 'dropTable':
    case 'dropTableIfExists':
      ops.push({ op: 'drop_table', table: name!.value, schema });
      break;
    case 'renameTable': {
      const to = f.constantName(args[1]);
      if (to && 'value' in to) ops.push({ op: 'rename_table', from: name!.value, to: to.value, schema });
      break;
    }
  }
  for (const r of f.facts.references.slice(firstRef)) {
    r.migrationOp = position;
    // Knex writes a referenced table as named (`references "users"`, `withSchema` or not): the search path finds it.
    if (!(r.form === 'pair' && r.tableSchema !== undefined)) r.onSearchPath = true;
  }
  // What this call makes or changes with no schema is where the connection's search path puts it.
  for (const t of f.facts.tables.slice(firstTable)) if (t.schema === undefined) t.onSearchPath = true;
  for (const op of ops.slice(position)) if (op.op !== 'create_table' && op.op !== 'foreign_key' && op.op !== 'run_module' && op.op !== 'alter_unknown_table' && op.schema === undefined) op.onSearchPath = true;
}

/** `knex.schema.withSchema('auth').createTable(...)`: the schema of the calls that follow. */
export function schemaOfReceiver(f: TsFile, receiver: ts.Node): string | undefined {
  const x = f.syntax;
  const K = x.K;
  let cur: ts.Node | undefined = receiver;
  while (cur) {
    if (cur.kind === K.CallExpression) {
      const e: ts.Expression = (cur as ts.CallExpression).expression;
      if (e.kind === K.PropertyAccessExpression && x.text((e as ts.PropertyAccessExpression).name) === 'withSchema') return x.literal((cur as ts.CallExpression).arguments[0])?.value;
      cur = e;
    } else if (cur.kind === K.PropertyAccessExpression) cur = (cur as ts.PropertyAccessExpression).expression;
    else return undefined;
  }
  return undefined;
}

/**
 * The callback `(t) => { t.increments(); t.integer('user_id').references('id').inTable('users'); ... }`.
 * In `createTable` columns go into `table`; in `alterTable` each becomes an operation.
 */
function tableBuilder(f: TsFile, cb: ts.Node | undefined, tableExpr: NameExpr, schema: string | undefined, table: CoreTableFact | undefined, ops: MigrationOp[] | undefined, call: ts.CallExpression): void {
  const tableName = tableExpr.kind === 'literal' ? tableExpr.value : tableExpr.kind === 'const' ? f.pending(tableExpr.name) : '';
  const x = f.syntax;
  const K = x.K;
  const fn = x.unwrap(cb);
  if (!fn || !(fn.kind === K.ArrowFunction || fn.kind === K.FunctionExpression)) {
    // A builder passed by name (`createTable('rooms', withLabel)`) or made by a call: the columns it adds, drops or
    // renames are not known, so a reference to a column FK Guard did not see is unchecked rather than unknown.
    // No builder at all (`createTable('rooms')`, the table made elsewhere in code FK Guard does not follow): the
    // call itself is what is written.
    const from = x.text(fn ?? call).replace(/\s+/g, ' ');
    if (table) table.columnsFrom = from;
    else ops?.push({ op: 'unknown_columns', table: tableName, schema, from });
    return;
  }
  const first = (fn as ts.ArrowFunction | ts.FunctionExpression).parameters[0];
  const param = first && x.text(first.name);
  if (!param) return;
  const body = (fn as ts.ArrowFunction | ts.FunctionExpression).body;
  const b: Builder = {
    f,
    param,
    tableName,
    schema,
    table,
    ops,
    columns: table?.columns ?? [],
    source: (column: string): ReferenceFact['source'] => ({ table: tableExpr, schema, column }),
    knexTable: tableExpr.kind === 'literal' ? tableExpr.value : undefined,
  };
  // One statement at a time, in a function of its own: this loop runs hundreds of times a migration, mostly before
  // it is optimised, and a small loop is cheap to optimise where it runs (the whole reader was one of the costliest
  // functions the JIT compiled in a cold scan, twice).
  if (body.kind !== K.Block) {
    builderStatement(b, body);
    return;
  }
  const statements = (body as ts.Block).statements;
  for (let k = 0; k < statements.length; k++) {
    const s = statements[k];
    if (s.kind === K.ExpressionStatement) builderStatement(b, (s as ts.ExpressionStatement).expression);
  }
}

/** What the statements of one table builder callback share. */
interface Builder {
  f: TsFile;
  /** The callback's parameter (`t`): only chains on it are read. */
  param: string;
  tableName: string;
  schema: string | undefined;
  /** The table a `createTable` makes (its columns go there); undefined in `alterTable`, whose statements are `ops`. */
  table: CoreTableFact | undefined;
  ops: MigrationOp[] | undefined;
  columns: ColumnFact[];
  source: (column: string) => ReferenceFact['source'];
  /** The table's name as Knex names its keys and indexes after it (`tableNameRaw`), when FK Guard reads it. */
  knexTable: string | undefined;
}

/** A name written as a literal or a constant, or a pending name for an imported constant. */
export function nameOf(f: TsFile, n: ts.Node | undefined): string | undefined {
  const c = f.constantName(n);
  return c && ('value' in c ? c.value : f.pending(c.imported));
}

/** One name or an array of names (`'a'`, `['a', 'b']`). */
function namesOf(f: TsFile, n: ts.Node | undefined): string[] {
  const one = nameOf(f, n);
  if (one !== undefined) return [one];
  return f.syntax.elements(n)?.map((e) => nameOf(f, e)).filter((v): v is string => v !== undefined) ?? [];
}

/** One statement of a table builder callback: a column (`t.integer('a')...`), a key, or an alteration. */
function builderStatement(b: Builder, s: ts.Node): void {
  const chain = b.f.syntax.chain(s);
  if (!chain || chain.receiverText !== b.param || chain.calls.length === 0) return;
  const head = chain.calls[0];
  const rest = chain.calls.slice(1);
  switch (head.name) {
    case 'primary':
    case 'unique':
    case 'index':
    case 'foreign':
    case 'dropColumn':
    case 'dropColumns':
    case 'renameColumn':
    case 'dropUnique':
    case 'dropUniqueIfExists':
    case 'dropPrimary':
    case 'dropPrimaryIfExists':
    case 'dropIndex':
      keyStatement(b, head, rest);
      return;
  }
  const column = columnBuilder(b.f, head);
  if (!column) return;
  for (let i = 0; i < rest.length; i++) {
    const m = rest[i];
    if (m.name === 'primary') column.primaryKey = true;
    else if (m.name === 'unique' || m.name === 'index') {
      // `.unique(nameOrOptions)`, `.index(name, options)`: Knex calls the table's with the column first.
      const kind = m.name === 'unique' ? uniqueKind(b.f, m.args[0]) : indexKind(b.f, m.args[1]);
      if (kind === 'key') column.unique = true;
      else if (kind === 'maybe') column.maybeKey = true;
      if (kind === 'key' && b.table) nameKey(b.table, knexKeyName(b, m.args[0], [column.name], m.name), [column.name]);
    }
    else if (m.name === 'notNullable') column.nullable = false;
    else if (m.name === 'nullable') column.nullable = true;
  }
  const refs = foreignKeys(b.f, rest, [column.name], b.source);
  if (refs > 0) column.hasForeignKey = true;
  if (b.table) b.columns.push(column);
  else if (rest.some((m) => m.name === 'alter')) b.ops?.push({ op: 'alter_column', table: b.tableName, schema: b.schema, column: column.name, type: column.type });
  else b.ops?.push({ op: 'add_column', table: b.tableName, schema: b.schema, column });
}

/**
 * What `t.unique(columns, nameOrOptions)` makes a key of. Knex's PostgreSQL and SQLite compilers make a partial
 * `CREATE UNIQUE INDEX ... WHERE` for `{ predicate }` (PostgreSQL refuses a foreign key to it): no key (R13-18).
 * `useConstraint: false` is a unique index, a key all the same. Options FK Guard cannot see whole (a spread) may hold a
 * predicate.
 */
function uniqueKind(f: TsFile, options: ts.Node | undefined): 'key' | 'none' | 'maybe' {
  const x = f.syntax;
  const o = x.unwrap(options);
  if (!o || o.kind !== x.K.ObjectLiteralExpression) return 'key';
  const props = x.props(o);
  if (props.has('predicate')) return 'none';
  if ((o as ts.ObjectLiteralExpression).properties.some((p) => p.kind === x.K.SpreadAssignment)) return 'maybe';
  return 'key';
}

/**
 * What `t.index(columns, name, options)` makes a key of: `{ indexType: 'UNIQUE' }` is `CREATE UNIQUE INDEX` on
 * PostgreSQL and `ADD UNIQUE INDEX` on MySQL (R13-18), partial with a `predicate`. A string `'UNIQUE'` as the options
 * is MySQL's index type (PostgreSQL reads it as a storage type, `USING UNIQUE`, and fails): a possible key. An index
 * type FK Guard cannot read may be `UNIQUE`.
 */
function indexKind(f: TsFile, options: ts.Node | undefined): 'key' | 'none' | 'maybe' {
  const x = f.syntax;
  const o = x.unwrap(options);
  if (!o) return 'none';
  const isUnique = (v: ConstValue) => (v === undefined ? undefined : typeof v.value === 'string' && v.value.toLowerCase() === 'unique');
  if (o.kind !== x.K.ObjectLiteralExpression) {
    const v = constValue(x, o);
    return isUnique(v) === false ? 'none' : 'maybe';
  }
  const props = x.props(o);
  const spread = (o as ts.ObjectLiteralExpression).properties.some((p) => p.kind === x.K.SpreadAssignment);
  const unique = spread && !props.has('indexType') ? undefined : isUnique(constValue(x, props.get('indexType')));
  if (unique === false || props.has('predicate')) return 'none';
  return unique === true && !spread ? 'key' : 'maybe';
}

/** `t.primary([...])`, `t.unique(...)`, `t.index(...)`, `t.foreign(...).references(...)`, `t.dropColumn(...)`, `t.renameColumn(a, b)`. */
function keyStatement(b: Builder, head: RawChainCall, rest: RawChainCall[]): void {
  const { f, columns, table, ops, tableName, schema } = b;
  switch (head.name) {
    case 'primary': {
      const cols = namesOf(f, head.args[0]);
      // In `alterTable`, a key made after the table: its columns are a key from here on (a new primary key
      // replaces the old one).
      // Knex names it `<table>_pkey`, PostgreSQL's own default name, unless a `constraintName` is written.
      const name = head.args[1] ? knexKeyName(b, head.args[1], cols, 'pkey', 'constraintName') : undefined;
      if (!table) {
        if (cols.length > 0) ops?.push({ op: 'add_key', table: tableName, schema, columns: cols, primary: true, ...(name !== undefined ? { name } : {}) });
        return;
      }
      for (const c of cols) {
        const col = columns.find((x) => x.name === c);
        if (col) col.primaryKey = true;
      }
      if (cols.length > 1) table.keys.push(cols);
      if (cols.length > 0) nameKey(table, name, cols);
      return;
    }
    case 'unique':
    case 'index': {
      const cols = namesOf(f, head.args[0]);
      const kind = head.name === 'unique' ? uniqueKind(f, head.args[1]) : indexKind(f, head.args[2]);
      if (kind === 'none') return;
      if (kind === 'maybe') {
        // A key FK Guard cannot tell from a plain index: its columns may be a key, never reported not unique.
        for (const c of cols) {
          const col = table ? columns.find((x) => x.name === c) : undefined;
          if (col && !col.unique && !col.primaryKey) col.maybeKey = true;
        }
        return;
      }
      // The name Knex gives it, which a later `dropUnique`/`dropIndex` (or SQL) drops it by.
      const name = cols.length > 0 ? knexKeyName(b, head.args[1], cols, head.name) : undefined;
      if (!table) {
        if (cols.length > 0) ops?.push({ op: 'add_key', table: tableName, schema, columns: cols, ...(name !== undefined ? { name } : {}) });
        return;
      }
      const col = cols.length === 1 ? columns.find((x) => x.name === cols[0]) : undefined;
      if (col) col.unique = true;
      else if (cols.length > 1) table.keys.push(cols);
      if (col || cols.length > 1) nameKey(table, name, cols);
      return;
    }
    case 'foreign': {
      const locals = namesOf(f, head.args[0]);
      foreignKeys(f, rest, locals, b.source);
      for (const l of locals) {
        const col = columns.find((x) => x.name === l);
        if (col) col.hasForeignKey = true;
      }
      return;
    }
    case 'dropColumn':
    case 'dropColumns':
      for (const a of head.args) for (const c of namesOf(f, a)) ops?.push({ op: 'drop_column', table: tableName, schema, column: c });
      return;
    case 'renameColumn': {
      const from = nameOf(f, head.args[0]);
      const to = nameOf(f, head.args[1]);
      if (from && to) ops?.push({ op: 'alter_column', table: tableName, schema, column: from, newName: to });
      return;
    }
    case 'dropUnique':
    case 'dropUniqueIfExists':
    case 'dropIndex': {
      // `dropUnique(columns, name)`: the constraint of that name, else of the name Knex gave `unique(columns)`; an
      // index dropped (`dropIndex`) that history did not see made unique drops no key.
      const kind = head.name === 'dropIndex' ? 'index' : 'unique';
      const cols = namesOf(f, head.args[0]);
      const name = head.args[1] || cols.length > 0 ? knexKeyName(b, head.args[1], cols, kind) : undefined;
      ops?.push({ op: 'drop_key', table: tableName, schema, kind, ...(name !== undefined ? { name } : {}), span: f.syntax.span(head.node) });
      return;
    }
    case 'dropPrimary':
    case 'dropPrimaryIfExists':
      ops?.push({ op: 'drop_key', table: tableName, schema, kind: 'primary', span: f.syntax.span(head.node) });
      return;
  }
}

/**
 * The name Knex gives a key or index it makes or drops (`TableCompiler._indexCommand`, Knex 3): the one written (a
 * string, or the options' `indexName` / `constraintName`), else `<table>_<columns>_<unique|index>` in lower case (the
 * table name's dots and dashes made underscores), or `<table>_pkey` for the primary key. PostgreSQL keeps it cut to 63
 * bytes, as history compares names. Undefined where FK Guard cannot read it (a name from a variable, spread options,
 * a table whose name it does not read).
 */
function knexKeyName(b: Builder, option: ts.Node | undefined, columns: readonly string[], type: 'unique' | 'index' | 'pkey', prop: 'indexName' | 'constraintName' = 'indexName'): string | undefined {
  const x = b.f.syntax;
  const o = x.unwrap(option);
  // `index(columns, undefined, options)`: no name written.
  let written: ts.Node | undefined = o && (x.text(o) === 'undefined' || x.text(o) === 'null') ? undefined : o;
  if (o && o.kind === x.K.ObjectLiteralExpression) {
    if ((o as ts.ObjectLiteralExpression).properties.some((p) => p.kind === x.K.SpreadAssignment)) return undefined;
    written = x.props(o).get(prop);
  }
  if (written) {
    const c = b.f.constantName(written);
    return c && 'value' in c ? c.value : undefined;
  }
  if (b.knexTable === undefined) return undefined;
  if (type === 'pkey') return `${b.knexTable}_pkey`;
  return `${b.knexTable.replace(/\.|-/g, '_')}_${columns.join('_')}_${type}`.toLowerCase();
}

/** Records the name a key of a table `createTable` makes goes by (see `CoreTableFact.keyNames`). */
function nameKey(table: CoreTableFact, name: string | undefined, columns: string[]): void {
  if (name !== undefined) table.keyNames = { ...table.keyNames, [name]: columns };
}

/**
 * `.references('users.id')`, `.references('id').inTable('users')`, `.references(['id']).inTable('users')`
 * after a column or a `foreign(...)`; returns how many references were added.
 */
function foreignKeys(f: TsFile, calls: RawChainCall[], locals: string[], source: (column: string) => ReferenceFact['source']): number {
  const x = f.syntax;
  // Indexed loops, no closures: this runs for every column of every migration, and most have no reference.
  let i = 0;
  while (i < calls.length && calls[i].name !== 'references') i++;
  if (i === calls.length) return 0;
  const refArg = calls[i].args[0];
  let inTable: RawChainCall | undefined;
  for (let k = i + 1; k < calls.length && inTable === undefined; k++) if (calls[k].name === 'inTable') inTable = calls[k];
  const tableName = f.constantName(inTable?.args[0]);
  const tableLit = tableName && 'literal' in tableName ? tableName.literal : undefined;
  const remotes: ReadonlyArray<ts.Node | undefined> = x.elements(refArg) ?? [refArg];
  const valueOf = (n: ts.Node | undefined) => {
    const c = f.constantName(n);
    return c && ('value' in c ? c.value : f.pending(c.imported));
  };
  let added = 0;
  remotes.forEach((r, k) => {
    const local = locals[k] ?? locals[0];
    const written = f.constantName(r);
    const col = written && 'literal' in written ? written.literal : undefined;
    if (inTable && (!tableLit || !col)) {
      // The table (or the column) is a constant: the pair is resolved by its value, never read as `table.column`;
      // with no literal spans, no fix edits it. A name FK Guard cannot read leaves the reference unchecked.
      const column = valueOf(r);
      const arg = inTable.args[0];
      const value = tableName && 'value' in tableName ? tableName.value : undefined;
      const dot = value?.lastIndexOf('.') ?? -1;
      const table: NameExpr = value !== undefined
        ? { kind: 'literal', value: value.slice(dot + 1) }
        : tableName && 'imported' in tableName ? { kind: 'const', name: tableName.imported } : { kind: 'dynamic', text: arg ? x.text(arg) : '' };
      f.facts.references.push({
        form: 'pair',
        table,
        tableSchema: dot >= 0 ? value!.slice(0, dot) : undefined,
        column,
        span: arg ? x.span(arg) : x.span(inTable.node),
        source: source(local),
        composite: remotes.length > 1 ? remotes.map((r) => valueOf(r) ?? '') : undefined,
        context: 'migration',
      });
      added++;
      return;
    }
    if (!col) {
      // `.references(USERS_ID)`: a `table.column` held by a constant, read by its value (never edited in place).
      // `.references(\`${T}.${C}\`)`, `T + '.id'`, `[T, C].join('.')`: the string is put together from the
      // constants it is made of; one FK Guard cannot read leaves the reference unchecked (`dynamic-name`).
      const target: NameExpr | undefined = written ? ('value' in written ? { kind: 'literal', value: written.value } : { kind: 'const', name: written.imported }) : r && joinedName(f, r);
      if (!target || !r) return;
      const span = written?.span ?? x.span(r);
      if (target.kind === 'literal' && knexTableColumn(target.value)) {
        const [table, column] = knexTableColumn(target.value)!;
        f.facts.references.push({ form: 'pair', table: { kind: 'literal', value: table }, column, span, source: source(local), context: 'migration' });
      } else f.facts.references.push({ form: 'string', target, span, source: source(local), context: 'migration' });
      added++;
      return;
    }
    if (tableLit) {
      // `inTable('auth.users')`: the schema is written in the same string.
      const dot = tableLit.value.lastIndexOf('.');
      const table = tableLit.value.slice(dot + 1);
      f.facts.references.push({
        form: 'pair',
        table: { kind: 'literal', value: table },
        tableSchema: dot >= 0 ? tableLit.value.slice(0, dot) : undefined,
        tableSpan: { start: tableLit.contentSpan.start + dot + 1, end: tableLit.contentSpan.end },
        column: col.value,
        columnSpan: col.contentSpan,
        span: tableLit.span,
        source: source(local),
        composite: remotes.length > 1 ? remotes.map((r) => x.literal(r)?.value ?? '') : undefined,
        context: 'migration',
      });
    } else if (knexTableColumn(col.value)) {
      // `.references('audit.logs.id')`: Knex takes the first two parts, the table `audit` and its column `logs`
      // (\`references "audit" ("logs")\`), not a schema. No fix edits such a string: what it meant is not known.
      const [table, column] = knexTableColumn(col.value)!;
      f.facts.references.push({ form: 'pair', table: { kind: 'literal', value: table }, column, span: col.span, source: source(local), context: 'migration' });
    } else {
      f.facts.references.push({
        form: 'string',
        target: { kind: 'literal', value: col.value },
        span: col.span,
        contentSpan: col.contentSpan,
        source: source(local),
        context: 'migration',
      });
    }
    added++;
  });
  return added;
}

/**
 * What Knex makes of a `references('a.b.c')` with more than one dot: it splits the string at every dot and takes
 * the first part as the table and the second as its column (knex/lib/schema/tablebuilder.js, `references`), so
 * `audit.logs.id` is the column `logs` of a table `audit`. Undefined for `table.column` (read as written) and
 * for a string with an empty part.
 */
function knexTableColumn(value: string): [string, string] | undefined {
  const pieces = value.split('.');
  if (pieces.length < 3 || pieces[0] === '' || pieces[1] === '') return undefined;
  return [pieces[0], pieces[1]];
}

/**
 * A string put together from literals and constants: a template (\`${T}.${C}\`), a concatenation (`T + '.id'`)
 * or `[T, C].join('.')`. Its value when every part is a literal or a constant of this file; a template of
 * parts when some are constants of other files (the index puts their values in); a dynamic name, as written,
 * when a part is anything else (`process.env.X`, a call).
 */
function joinedName(f: TsFile, n: ts.Node): NameExpr {
  const parts = joinedParts(f, n);
  if (!parts) return { kind: 'dynamic', text: f.syntax.text(n).replace(/\s+/g, ' ') };
  if (parts.every((p) => 'literal' in p)) return { kind: 'literal', value: parts.map((p) => (p as { literal: string }).literal).join('') };
  return { kind: 'template', parts };
}

type Part = { literal: string } | { const: string };

function joinedParts(f: TsFile, n: ts.Node | undefined): Part[] | undefined {
  const x = f.syntax;
  const K = x.K;
  const e = x.unwrap(n);
  if (!e) return undefined;
  const named = f.constantName(e);
  if (named) return ['value' in named ? { literal: named.value } : { const: named.imported }];
  if (e.kind === K.TemplateExpression) {
    const t = e as ts.TemplateExpression;
    // The raw text between the delimiters; an escape in it is not decoded, so such a template is not read.
    const raw = (node: ts.Node, end: number) => {
      const text = x.text(node).slice(1, end);
      return text.includes('\\') ? undefined : text;
    };
    const head = raw(t.head, -2);
    if (head === undefined) return undefined;
    const out: Part[] = [{ literal: head }];
    for (const span of t.templateSpans) {
      const inner = joinedParts(f, span.expression);
      const after = raw(span.literal, span.literal.kind === K.TemplateTail ? -1 : -2);
      if (!inner || after === undefined) return undefined;
      out.push(...inner, { literal: after });
    }
    return out;
  }
  if (e.kind === K.BinaryExpression && (e as ts.BinaryExpression).operatorToken.kind === K.PlusToken) {
    const left = joinedParts(f, (e as ts.BinaryExpression).left);
    const right = left && joinedParts(f, (e as ts.BinaryExpression).right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (e.kind === K.CallExpression) {
    // `[T, C].join('.')` (`join()` joins with a comma).
    const c = e as ts.CallExpression;
    const callee = c.expression;
    if (callee.kind !== K.PropertyAccessExpression || x.text((callee as ts.PropertyAccessExpression).name) !== 'join') return undefined;
    const items = x.unwrap((callee as ts.PropertyAccessExpression).expression);
    if (!items || items.kind !== K.ArrayLiteralExpression || c.arguments.length > 1) return undefined;
    const sep = c.arguments.length === 0 ? ',' : x.literal(c.arguments[0])?.value;
    if (sep === undefined) return undefined;
    const out: Part[] = [];
    const elements = (items as ts.ArrayLiteralExpression).elements;
    for (let k = 0; k < elements.length; k++) {
      const inner = joinedParts(f, elements[k]);
      if (!inner) return undefined;
      if (k > 0) out.push({ literal: sep });
      out.push(...inner);
    }
    return out;
  }
  return undefined;
}

/** `t.increments()`, `t.integer('user_id')`, `t.string('email', 120)`, `t.specificType('ip', 'inet')`. */
function columnBuilder(f: TsFile, head: RawChainCall): ColumnFact | undefined {
  const x = f.syntax;
  const written = f.constantName(head.args[0]);
  // A name imported from another file is a pending name the index puts in place.
  const nameLit = written && ('value' in written ? written : { value: f.pending(written.imported), span: written.span });
  let type: SqlType | undefined;
  let primaryKey = false;
  switch (head.name) {
    case 'increments':
      type = sqlNamedType('integer');
      primaryKey = true;
      break;
    case 'bigIncrements':
    case 'bigincrements':
      type = sqlNamedType('bigint');
      primaryKey = true;
      break;
    case 'integer':
    case 'int':
      type = sqlNamedType('integer');
      break;
    case 'bigInteger':
    case 'biginteger':
      type = sqlNamedType('bigint');
      break;
    case 'smallint':
    case 'tinyint':
      type = sqlNamedType('smallint');
      break;
    case 'mediumint':
      type = sqlNamedType('integer');
      break;
    case 'string':
      type = sqlNamedType('varchar', { length: x.numberText(head.args[1]) ?? '255' });
      break;
    case 'text':
    case 'uuid':
    case 'boolean':
    case 'date':
    case 'time':
    case 'json':
    case 'jsonb':
    case 'binary':
    case 'double':
      type = sqlNamedType(head.name);
      break;
    case 'float':
      type = sqlNamedType('real');
      break;
    case 'decimal':
      type = sqlNamedType('numeric', { precision: x.numberText(head.args[1]) ?? '8', scale: x.numberText(head.args[2]) ?? '2' });
      break;
    case 'datetime':
    case 'timestamp': {
      // Knex writes `timestamptz` on PostgreSQL unless `useTz: false`.
      const useTz = x.bool(x.props(head.args[1]).get('useTz'));
      type = sqlNamedType(useTz === false ? 'timestamp' : 'timestamptz');
      break;
    }
    case 'enu':
    case 'enum':
      type = sqlNamedType('enum');
      break;
    case 'specificType': {
      const t = x.literal(head.args[1]);
      if (t) type = sqlNamedType(t.value);
      break;
    }
    default:
      return undefined;
  }
  // `increments('id', { primaryKey: false })` makes no primary key; `uuid('id', { primaryKey: true })` makes one (Knex 3).
  const primaryOption = head.args.length > 1 ? x.bool(x.props(x.unwrap(head.args[head.args.length - 1])).get('primaryKey')) : undefined;
  if (primaryOption !== undefined) primaryKey = primaryOption;
  const name = nameLit?.value ?? (head.name === 'increments' || head.name === 'bigIncrements' || head.name === 'bigincrements' ? 'id' : undefined);
  if (!name || !type) return undefined;
  const span = { start: head.nameSpan.start, end: head.node.end };
  // The keys in the order `{ text, name, ...type, … }` gave them (a `SqlType` is `{ family, sqlType }`), written out:
  // a spread is a slow copy before the reader is optimised, once per column.
  const fact: TypeFact = {
    // The builder's text from its name on (`string('email', 120)`), cut from the file's text directly.
    text: f.tree.text.slice(head.nameSpan.start, head.node.end),
    name: head.name,
    family: type.family,
    sqlType: type.sqlType,
    source: 'explicit',
    span,
    style: head.name === 'specificType' ? undefined : 'knex',
  };
  return { name, type: fact, primaryKey, unique: false, span: nameLit?.span ?? x.span(head.node) };
}

/** Knex's PostgreSQL clients, the ones that set `searchPath` on their connections (client/pg and those built on it). */
const PG_CLIENTS = new Set(['pg', 'postgres', 'postgresql', 'pgnative', 'cockroachdb', 'redshift', 'pg-native']);

/**
 * The Knex configurations a file writes, into `FileFacts.knexSearchPath`: in a knexfile, each object with a `client`
 * (one per environment); elsewhere, the options of `knex({ ... })`. `searchPath: 'app'` or `['app', 'public']` is the
 * path (a string is one schema: Knex does not split it), one not written none, and anything FK Guard cannot read
 * (a variable, an environment value) not known. A client that is not PostgreSQL's ignores it.
 */
export function readKnexSearchPath(f: TsFile, knexfile: boolean): void {
  const x = f.syntax;
  const K = x.K;
  const out: KnexSearchPathFact[] = [];
  const seen = new Set<ts.Node>();
  const config = (n: ts.Node | undefined): void => {
    const o = x.unwrap(n);
    if (!o || o.kind !== K.ObjectLiteralExpression || seen.has(o)) return;
    seen.add(o);
    const props = x.props(o);
    const client = x.literal(x.unwrap(props.get('client')))?.value;
    if (client !== undefined && !PG_CLIENTS.has(client)) {
      out.push({ path: [], text: `client: '${client}'` });
      return;
    }
    const spread = (o as ts.ObjectLiteralExpression).properties.some((p) => p.kind === K.SpreadAssignment);
    const v = x.unwrap(props.get('searchPath'));
    if (!v) {
      out.push(spread ? { path: null, text: oneLine(x.text(o)) } : { path: [], text: 'no `searchPath`' });
      return;
    }
    const text = `\`searchPath: ${oneLine(x.text(v))}\``;
    const one = x.literal(v)?.value;
    const list = x.elements(v)?.map((e) => x.literal(x.unwrap(e))?.value);
    if (one !== undefined) out.push({ path: one === '' ? [] : [one], text });
    else if (list && list.every((e): e is string => e !== undefined)) out.push({ path: list, text });
    else out.push({ path: null, text });
  };
  x.walk(f.tree, (node) => {
    if (knexfile && node.kind === K.ObjectLiteralExpression && x.props(node).has('client')) config(node);
    else if (node.kind === K.CallExpression) {
      const call = node as ts.CallExpression;
      if (call.expression.kind !== K.Identifier) return;
      const imp = f.importOf(x.text(call.expression));
      if (imp?.module === 'knex') config(call.arguments[0]);
    }
  });
  if (out.length > 0) f.facts.knexSearchPath = out;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
