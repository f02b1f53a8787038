import type { ts } from 'ts-morph';
import { ColumnFact, CoreTableFact, MigrationOp, NameExpr, ReferenceFact, TypeFact } from '../types';
import { TsFile } from './context';
import { RawChainCall } from './syntax';
import { sqlNamedType, SqlType } from './types';

const SCHEMA_CALLS = new Set(['createTable', 'createTableIfNotExists', 'alterTable', 'table', 'dropTable', 'dropTableIfExists', 'renameTable']);

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
  const scope = upFunctionNode(f) ?? whole;
  const calls: ts.CallExpression[] = [];
  x.walk(scope, (d) => {
    // Without an `up`, a whole file is read, except what undoes it.
    if (scope === whole && isDown(f, d)) return 'skip';
    if (d.kind !== K.CallExpression) return;
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
  for (const c of calls) {
    schemaCall(f, c, f.facts.migration.ops);
    f.placeOps(nameStart(c));
  }
}

function isDown(f: TsFile, d: ts.Node): boolean {
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
  const schema = withSchema(f, callee.expression);
  if (!args[0]) return;
  const read = f.constantName(args[0]);
  if (!read && (method === 'createTable' || method === 'createTableIfNotExists')) {
    // A table made under a name FK Guard cannot read: it exists, so a reference to a name it may be is
    // unchecked (`SchemaIndex.unnamedTableFor`); its columns belong to no table FK Guard can name.
    f.facts.tables.push({ name: f.dynamicName(args[0]), schema, columns: [], keys: [], span: x.span(call), nameSpan: x.span(args[0]), origin: 'migration' });
    ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
    return;
  }
  const written = read;
  if (!written) return;
  // A name imported from another file is known to the index only: a new table's name is a constant the
  // index resolves, an operation's a pending name it puts in place (see `pendingNames.ts`).
  const name = 'value' in written ? written : { value: f.pending(written.imported) };
  const tableExpr: NameExpr = 'value' in written ? { kind: 'literal', value: written.value } : { kind: 'const', name: written.imported };
  const position = ops.length;
  const firstRef = f.facts.references.length;
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
      tableBuilder(f, args[1], tableExpr, schema, table, undefined);
      f.facts.tables.push(table);
      ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1, ...(method === 'createTableIfNotExists' ? { ifNotExists: true as const } : {}) });
      break;
    }
    case 'alterTable':
    case 'table':
      tableBuilder(f, args[1], tableExpr, schema, undefined, ops);
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
  for (const r of f.facts.references.slice(firstRef)) r.migrationOp = position;
}

/** `knex.schema.withSchema('auth').createTable(...)`: the schema of the calls that follow. */
function withSchema(f: TsFile, receiver: ts.Node): string | undefined {
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
function tableBuilder(f: TsFile, cb: ts.Node | undefined, tableExpr: NameExpr, schema: string | undefined, table: CoreTableFact | undefined, ops: MigrationOp[] | undefined): void {
  const tableName = tableExpr.kind === 'literal' ? tableExpr.value : tableExpr.kind === 'const' ? f.pending(tableExpr.name) : '';
  const x = f.syntax;
  const K = x.K;
  const fn = x.unwrap(cb);
  if (!fn || !(fn.kind === K.ArrowFunction || fn.kind === K.FunctionExpression)) return;
  const first = (fn as ts.ArrowFunction | ts.FunctionExpression).parameters[0];
  const param = first && x.text(first.name);
  if (!param) return;
  const body = (fn as ts.ArrowFunction | ts.FunctionExpression).body;
  const statements = body.kind === K.Block
    ? (body as ts.Block).statements.map((s) => (s.kind === K.ExpressionStatement ? (s as ts.ExpressionStatement).expression : undefined))
    : [body];
  const source = (column: string): ReferenceFact['source'] => ({ table: tableExpr, schema, column });
  const columns: ColumnFact[] = table?.columns ?? [];
  const lit = (n: ts.Node | undefined) => {
    const c = f.constantName(n);
    return c && ('value' in c ? c.value : f.pending(c.imported));
  };
  const names = (n: ts.Node | undefined): string[] => {
    const one = lit(n);
    if (one !== undefined) return [one];
    return x.elements(n)?.map((e) => lit(e)).filter((v): v is string => v !== undefined) ?? [];
  };
  // Indexed loops and no destructuring: a migration is hundreds of these statements, read mostly before the
  // reader is optimised, where an iterator (or a closure) per statement costs more than reading it.
  for (let k = 0; k < statements.length; k++) {
    const s = statements[k];
    const chain = s ? x.chain(s) : undefined;
    if (!chain || chain.receiverText !== param || chain.calls.length === 0) continue;
    const head = chain.calls[0];
    const rest = chain.calls.slice(1);
    switch (head.name) {
      case 'primary': {
        const cols = names(head.args[0]);
        for (const c of cols) {
          const col = columns.find((x) => x.name === c);
          if (col) col.primaryKey = true;
        }
        if (cols.length > 1) table?.keys.push(cols);
        continue;
      }
      case 'unique': {
        const cols = names(head.args[0]);
        const col = cols.length === 1 ? columns.find((x) => x.name === cols[0]) : undefined;
        if (col) col.unique = true;
        else if (cols.length > 1) table?.keys.push(cols);
        continue;
      }
      case 'foreign': {
        const locals = names(head.args[0]);
        foreignKeys(f, rest, locals, source);
        for (const l of locals) {
          const col = columns.find((x) => x.name === l);
          if (col) col.hasForeignKey = true;
        }
        continue;
      }
      case 'dropColumn':
      case 'dropColumns':
        for (const a of head.args) for (const c of names(a)) ops?.push({ op: 'drop_column', table: tableName, schema, column: c });
        continue;
      case 'renameColumn': {
        const from = lit(head.args[0]);
        const to = lit(head.args[1]);
        if (from && to) ops?.push({ op: 'alter_column', table: tableName, schema, column: from, newName: to });
        continue;
      }
    }
    const column = columnBuilder(f, head);
    if (!column) continue;
    for (let i = 0; i < rest.length; i++) {
      const m = rest[i];
      if (m.name === 'primary') column.primaryKey = true;
      else if (m.name === 'unique') column.unique = true;
      else if (m.name === 'notNullable') column.nullable = false;
      else if (m.name === 'nullable') column.nullable = true;
    }
    const refs = foreignKeys(f, rest, [column.name], source);
    if (refs > 0) column.hasForeignKey = true;
    if (table) columns.push(column);
    else if (rest.some((m) => m.name === 'alter')) ops?.push({ op: 'alter_column', table: tableName, schema, column: column.name, type: column.type });
    else ops?.push({ op: 'add_column', table: tableName, schema, column });
  }
}

/**
 * `.references('users.id')`, `.references('id').inTable('users')`, `.references(['id']).inTable('users')`
 * after a column or a `foreign(...)`; returns how many references were added.
 */
function foreignKeys(f: TsFile, calls: RawChainCall[], locals: string[], source: (column: string) => ReferenceFact['source']): number {
  const x = f.syntax;
  const i = calls.findIndex((c) => c.name === 'references');
  if (i < 0) return 0;
  const refArg = calls[i].args[0];
  const inTable = calls.slice(i + 1).find((c) => c.name === 'inTable');
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
      if (!written) return;
      f.facts.references.push({
        form: 'string',
        target: 'value' in written ? { kind: 'literal', value: written.value } : { kind: 'const', name: written.imported },
        span: written.span,
        source: source(local),
        context: 'migration',
      });
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

/** `t.increments()`, `t.integer('user_id')`, `t.string('email', 120)`, `t.specificType('ip', 'inet')`. */
function columnBuilder(f: TsFile, head: RawChainCall): ColumnFact | undefined {
  const x = f.syntax;
  const written = f.constantName(head.args[0]);
  // A name imported from another file is a pending name the index puts in place.
  const nameLit = written && ('value' in written ? written : { value: f.pending(written.imported), span: written.span });
  const num = (k: number) => x.numberText(head.args[k]);
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
      type = sqlNamedType('varchar', { length: num(1) ?? '255' });
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
      type = sqlNamedType('numeric', { precision: num(1) ?? '8', scale: num(2) ?? '2' });
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
  const name = nameLit?.value ?? (primaryKey ? 'id' : undefined);
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
