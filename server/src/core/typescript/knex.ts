import type { CallExpression, Node } from 'ts-morph';
import { ColumnFact, CoreTableFact, MigrationOp, NameExpr, ReferenceFact, TypeFact } from '../types';
import { ChainCall, RawNode, TsFile } from './context';
import { sqlNamedType, SqlType } from './types';

const SCHEMA_CALLS = new Set(['createTable', 'createTableIfNotExists', 'alterTable', 'table', 'dropTable', 'dropTableIfExists', 'renameTable']);

/**
 * Knex migrations: `knex.schema.createTable('users', (t) => { ... })`, `alterTable`/`table`, `dropTable`,
 * `renameTable`, inside `up` (`exports.up`, `export async function up`, `module.exports = { up }`). Column
 * builders give the types; `.references('id').inTable('users')`, `.references('users.id')` and
 * `t.foreign('user_id').references(...)` the foreign keys. Each file is a migration, replayed in path order
 * (Knex's own order: file names start with a timestamp).
 */
export function readKnex(f: TsFile): void {
  if (f.importsFrom('drizzle-orm')) return;
  const { Node: N } = f.tm;
  const scope = upFunction(f) ?? f.sf;
  const calls: CallExpression[] = [];
  f.walk(scope, (d) => {
    // Without an `up`, a whole file is read, except what undoes it.
    if (scope === f.sf && isDown(f, d)) return 'skip';
    if (!N.isCallExpression(d)) return;
    const callee = d.getExpression();
    if (!N.isPropertyAccessExpression(callee) || !SCHEMA_CALLS.has(callee.getName())) return;
    if (!/\bschema\b/.test(callee.getExpression().getText())) return;
    calls.push(d);
  }, new Set([...UP_KINDS(f), f.tm.SyntaxKind.CallExpression]), (n) =>
    n.kind === f.tm.SyntaxKind.CallExpression
      ? n.expression?.kind === f.tm.SyntaxKind.PropertyAccessExpression && SCHEMA_CALLS.has(f.rawText(n.expression.name!))
      : scope === f.sf && mayName(f, n, 'down'));
  if (calls.length === 0) return;
  // `knex.schema.createTable('a', ...).createTable('b', ...)`: the inner call runs first, and its name comes first.
  const nameStart = (c: CallExpression) => (c.getExpression() as unknown as { getNameNode(): Node }).getNameNode().getStart();
  calls.sort((a, b) => nameStart(a) - nameStart(b));
  f.facts.migration ??= { ops: [] };
  for (const c of calls) {
    schemaCall(f, c, f.facts.migration.ops);
    f.placeOps(nameStart(c));
  }
}

function isDown(f: TsFile, d: Node): boolean {
  const { Node: N } = f.tm;
  if (N.isFunctionDeclaration(d) && d.getName() === 'down') return true;
  if (N.isVariableDeclaration(d) && d.getName() === 'down') return true;
  if (N.isPropertyAssignment(d) || N.isMethodDeclaration(d)) return d.getName() === 'down';
  if (N.isBinaryExpression(d) && /(^|\.)down$/.test(d.getLeft().getText())) return true;
  return false;
}

/**
 * Whether a node of `UP_KINDS` may declare `word` (`up`, `down`), tested before it is wrapped: its name is
 * written `word`, or the left side of an assignment ends with it. `isDown` and `upFunction` decide.
 */
function mayName(f: TsFile, n: RawNode, word: string): boolean {
  if (n.kind === f.tm.SyntaxKind.BinaryExpression) return n.left !== undefined && f.rawText(n.left).endsWith(word);
  return n.name !== undefined && f.rawText(n.name) === word;
}

/** The nodes that can hold `up`: only these are wrapped while the whole file is walked. */
const UP_KINDS = (f: TsFile) => {
  const K = f.tm.SyntaxKind;
  return new Set([K.FunctionDeclaration, K.VariableDeclaration, K.MethodDeclaration, K.PropertyAssignment, K.BinaryExpression]);
};

/** The body of `up`, however the migration exports it (Knex and sequelize-cli alike). */
export function upFunction(f: TsFile): Node | undefined {
  const { Node: N } = f.tm;
  let found: Node | undefined;
  f.walk(f.sf, (d) => {
    if (found) return 'stop';
    if (N.isFunctionDeclaration(d) && d.getName() === 'up') found = d;
    else if (N.isVariableDeclaration(d) && d.getName() === 'up') found = d.getInitializer();
    else if (N.isMethodDeclaration(d) && d.getName() === 'up') found = d;
    else if (N.isPropertyAssignment(d) && d.getName() === 'up') found = d.getInitializer();
    else if (N.isBinaryExpression(d) && N.isPropertyAccessExpression(d.getLeft()) && /^(module\.)?exports\.up$/.test(d.getLeft().getText())) found = d.getRight();
  }, UP_KINDS(f), (n) => mayName(f, n, 'up'));
  return found;
}

function schemaCall(f: TsFile, call: CallExpression, ops: MigrationOp[]): void {
  const { Node: N } = f.tm;
  const callee = call.getExpression();
  if (!N.isPropertyAccessExpression(callee)) return;
  const method = callee.getName();
  const args = call.getArguments();
  const schema = withSchema(f, callee.getExpression());
  const written = f.constantName(args[0]);
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
        span: f.span(call),
        nameSpan: written.span,
        origin: 'migration',
      };
      tableBuilder(f, args[1], tableExpr, schema, table, undefined);
      f.facts.tables.push(table);
      ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
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
function withSchema(f: TsFile, receiver: Node): string | undefined {
  const { Node: N } = f.tm;
  let cur: Node | undefined = receiver;
  while (cur) {
    if (N.isCallExpression(cur)) {
      const e = cur.getExpression();
      if (N.isPropertyAccessExpression(e) && e.getName() === 'withSchema') return f.literal(cur.getArguments()[0])?.value;
      cur = e;
    } else if (N.isPropertyAccessExpression(cur)) cur = cur.getExpression();
    else return undefined;
  }
  return undefined;
}

/**
 * The callback `(t) => { t.increments(); t.integer('user_id').references('id').inTable('users'); ... }`.
 * In `createTable` columns go into `table`; in `alterTable` each becomes an operation.
 */
function tableBuilder(f: TsFile, cb: Node | undefined, tableExpr: NameExpr, schema: string | undefined, table: CoreTableFact | undefined, ops: MigrationOp[] | undefined): void {
  const tableName = tableExpr.kind === 'literal' ? tableExpr.value : tableExpr.kind === 'const' ? f.pending(tableExpr.name) : '';
  const { Node: N } = f.tm;
  const fn = f.unwrap(cb);
  if (!fn || !(N.isArrowFunction(fn) || N.isFunctionExpression(fn))) return;
  const param = fn.getParameters()[0]?.getName();
  if (!param) return;
  const body = fn.getBody();
  const statements = N.isBlock(body) ? body.getStatements().map((s) => (N.isExpressionStatement(s) ? s.getExpression() : undefined)) : [body];
  const source = (column: string): ReferenceFact['source'] => ({ table: tableExpr, schema, column });
  const columns: ColumnFact[] = table?.columns ?? [];
  for (const s of statements) {
    const chain = s ? f.chain(s) : undefined;
    if (!chain || chain.receiverText !== param || chain.calls.length === 0) continue;
    const [head, ...rest] = chain.calls;
    const lit = (n: Node | undefined) => {
      const c = f.constantName(n);
      return c && ('value' in c ? c.value : f.pending(c.imported));
    };
    const names = (n: Node | undefined): string[] => {
      const one = lit(n);
      if (one !== undefined) return [one];
      return n && N.isArrayLiteralExpression(n) ? n.getElements().map((e) => lit(e)).filter((v): v is string => v !== undefined) : [];
    };
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
    for (const m of rest) {
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
function foreignKeys(f: TsFile, calls: ChainCall[], locals: string[], source: (column: string) => ReferenceFact['source']): number {
  const { Node: N } = f.tm;
  const i = calls.findIndex((c) => c.name === 'references');
  if (i < 0) return 0;
  const refArg = calls[i].args[0];
  const inTable = calls.slice(i + 1).find((c) => c.name === 'inTable');
  const tableName = f.constantName(inTable?.args[0]);
  const tableLit = tableName && 'literal' in tableName ? tableName.literal : undefined;
  const remotes = refArg && N.isArrayLiteralExpression(refArg) ? refArg.getElements() : [refArg];
  const valueOf = (n: Node | undefined) => {
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
        : tableName && 'imported' in tableName ? { kind: 'const', name: tableName.imported } : { kind: 'dynamic', text: arg?.getText() ?? '' };
      f.facts.references.push({
        form: 'pair',
        table,
        tableSchema: dot >= 0 ? value!.slice(0, dot) : undefined,
        column,
        span: arg ? f.span(arg) : f.span(inTable.node),
        source: source(local),
        composite: remotes.length > 1 ? remotes.map((x) => valueOf(x) ?? '') : undefined,
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
        composite: remotes.length > 1 ? remotes.map((x) => f.literal(x)?.value ?? '') : undefined,
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
function columnBuilder(f: TsFile, head: ChainCall): ColumnFact | undefined {
  const written = f.constantName(head.args[0]);
  // A name imported from another file is a pending name the index puts in place.
  const nameLit = written && ('value' in written ? written : { value: f.pending(written.imported), span: written.span });
  const num = (k: number) => f.numberText(head.args[k]);
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
      const useTz = f.bool(f.props(head.args[1]).get('useTz'));
      type = sqlNamedType(useTz === false ? 'timestamp' : 'timestamptz');
      break;
    }
    case 'enu':
    case 'enum':
      type = sqlNamedType('enum');
      break;
    case 'specificType': {
      const t = f.literal(head.args[1]);
      if (t) type = sqlNamedType(t.value);
      break;
    }
    default:
      return undefined;
  }
  const name = nameLit?.value ?? (primaryKey ? 'id' : undefined);
  if (!name || !type) return undefined;
  const span = { start: head.nameSpan.start, end: head.node.getEnd() };
  const fact: TypeFact = {
    text: head.node.getText().slice(head.nameSpan.start - head.node.getStart()),
    name: head.name,
    ...type,
    source: 'explicit',
    span,
    style: head.name === 'specificType' ? undefined : 'knex',
  };
  return { name, type: fact, primaryKey, unique: false, span: nameLit?.span ?? f.span(head.node) };
}
