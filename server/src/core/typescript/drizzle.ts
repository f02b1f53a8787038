import type { ts } from 'ts-morph';
import { ColumnFact, CoreTableFact, DrizzleCasingFact, ReferenceFact, TypeFact } from '../types';
import { TsFile } from './context';
import type { Syntax } from './syntax';
import { sqlNamedType, SqlType } from './types';

type Flavour = 'pg' | 'mysql' | 'sqlite';

const TABLE_FUNCTIONS: Record<string, Flavour> = {
  pgTable: 'pg',
  mysqlTable: 'mysql',
  sqliteTable: 'sqlite',
  singlestoreTable: 'mysql',
};
const SCHEMA_FUNCTIONS: Record<string, Flavour> = { pgSchema: 'pg', mysqlSchema: 'mysql' };

/**
 * Drizzle schemas: `export const users = pgTable('users', { ... }, (t) => [...])` (also `mysqlTable`,
 * `sqliteTable`, and `someSchema.table(...)` of a `pgSchema('auth')`). The column builders give the types,
 * `.references(() => users.id)` and `foreignKey({ columns, foreignColumns })` the foreign keys, which name
 * their target by the variable holding the table and the column's property.
 */
export function readDrizzle(f: TsFile): void {
  if (!f.importsFrom('drizzle-orm')) return;
  const x = f.syntax;
  const K = x.K;
  const schemas = new Map<string, { schema: string; flavour: Flavour }>();
  for (const decl of x.topVariables()) {
    const init = x.unwrap(decl.initializer);
    if (!init || init.kind !== K.CallExpression) continue;
    const call = init as ts.CallExpression;
    const callee = call.expression;
    const variable = x.text(decl.name);
    if (callee.kind === K.Identifier) {
      const fn = importedName(f, x.text(callee));
      const schemaFlavour = fn ? SCHEMA_FUNCTIONS[fn] : undefined;
      const schema = x.literal(call.arguments[0]);
      if (schemaFlavour && schema) {
        schemas.set(variable, { schema: schema.value, flavour: schemaFlavour });
        continue;
      }
      const flavour = fn ? TABLE_FUNCTIONS[fn] : undefined;
      if (flavour) readTable(f, call.arguments, variable, flavour, undefined, call);
    } else if (callee.kind === K.PropertyAccessExpression && x.text((callee as ts.PropertyAccessExpression).name) === 'table') {
      const owner = schemas.get(x.text((callee as ts.PropertyAccessExpression).expression));
      if (owner) readTable(f, call.arguments, variable, owner.flavour, owner.schema, call);
    }
  }
}

/** The name a local binding has in drizzle-orm (`pgTable`, or what `import { pgTable as table }` renames). */
function importedName(f: TsFile, local: string): string | undefined {
  const imp = f.importOf(local);
  if (!imp || !imp.module.startsWith('drizzle-orm')) return undefined;
  return imp.name;
}

function readTable(f: TsFile, args: readonly ts.Node[], variable: string, flavour: Flavour, schema: string | undefined, call: ts.Node): void {
  const x = f.syntax;
  const K = x.K;
  // `pgTable('users', ...)`, or a constant of this file or an imported one (`pgTable(USERS, ...)`), which the
  // index resolves. A name FK Guard cannot read still makes a table: references to a name it may be are
  // unchecked (`SchemaIndex.unnamedTableFor`).
  if (!args[0]) return;
  const written = f.constantName(args[0]) ?? { dynamic: f.dynamicName(args[0]), span: x.span(args[0]) };
  const name: CoreTableFact['name'] = 'value' in written ? { kind: 'literal', value: written.value } : 'imported' in written ? { kind: 'const', name: written.imported } : written.dynamic;
  // `{ ... }`, or the newer `(t) => ({ ... })` whose builders hang off the parameter.
  const columnsNode = args[1]?.kind === K.ObjectLiteralExpression ? args[1] : x.arrowResult(args[1]);
  const table: CoreTableFact = {
    name,
    schema,
    variable,
    columns: [],
    keys: [],
    span: x.span(call),
    nameSpan: written.span,
    origin: 'core',
  };
  const source = (column: string): ReferenceFact['source'] => ({ table: table.name, schema, column });
  // Columns FK Guard does not read: a spread (`...idColumn`, `...createPrimaryKeyField()`), a computed or shorthand
  // member, or columns given by a name (`pgTable('t', columns)`). The table has columns it cannot see, so none is
  // proven missing and its keys may be among them (R15-5).
  if (args[1] && (!columnsNode || columnsNode.kind !== K.ObjectLiteralExpression)) table.columnsFrom = oneLine(x.text(args[1]));
  if (columnsNode && columnsNode.kind === K.ObjectLiteralExpression) {
    for (const p of (columnsNode as ts.ObjectLiteralExpression).properties) {
      if (p.kind !== K.PropertyAssignment || p.name.kind === K.ComputedPropertyName) {
        table.columnsFrom ??= oneLine(x.text(p));
        continue;
      }
      const chain = x.chain(p.initializer);
      if (!chain || chain.calls.length === 0) continue;
      const attr = x.propertyName(p.name);
      const builder = chain.calls[0];
      const nameArg = x.literal(builder.args[0]);
      const options = x.props(nameArg ? builder.args[1] : builder.args[0]);
      // No name, or `''` (drizzle-orm's `keyAsName`): the property names the column, under the project's `casing`.
      const named = nameArg !== undefined && nameArg.value !== '';
      const column: ColumnFact = {
        name: named ? nameArg.value : attr,
        attr,
        type: builderType(f, builder.node, builder.name, options, flavour),
        primaryKey: false,
        unique: false,
        span: nameArg?.span ?? x.span(p.name),
        ...(named ? {} : { derivedName: true as const }),
      };
      for (const m of chain.calls.slice(1)) {
        if (m.name === 'primaryKey') column.primaryKey = true;
        else if (m.name === 'unique') column.unique = true;
        else if (m.name === 'notNull') column.nullable = false;
        else if (m.name === 'references') {
          const target = x.arrowResult(m.args[0]);
          const owner = target && target.kind === K.PropertyAccessExpression ? tableOwner(x, (target as ts.PropertyAccessExpression).expression) : undefined;
          if (target && owner) {
            column.hasForeignKey = true;
            f.facts.references.push({
              form: 'variable',
              owner,
              attr: x.text((target as ts.PropertyAccessExpression).name),
              span: x.span(target),
              source: source(column.name),
              context: 'core',
            });
          }
        }
      }
      table.columns.push(column);
    }
  }
  // The third argument: `(t) => [foreignKey({...}), primaryKey({...}), unique().on(t.a)]` (or an object).
  const extras = x.arrowResult(args[2]);
  // Its parameter is the table being defined (Drizzle passes the table's columns): `foreignColumns: [t.id]` is
  // a key to this very table, whatever a module variable of the same name holds (it is shadowed here).
  const fn = x.unwrap(args[2]);
  const first = fn && (fn.kind === K.ArrowFunction || fn.kind === K.FunctionExpression) ? (fn as ts.ArrowFunction | ts.FunctionExpression).parameters[0] : undefined;
  const self = first && first.name.kind === K.Identifier ? x.text(first.name) : undefined;
  const ownerOf = (n: ts.Node): string | undefined => (self !== undefined && n.kind === K.Identifier && x.text(n) === self ? variable : tableOwner(x, n));
  const propertyOf = (n: ts.Node | undefined): ts.PropertyAccessExpression | undefined => {
    const e = x.unwrap(n);
    return e && e.kind === K.PropertyAccessExpression ? (e as ts.PropertyAccessExpression) : undefined;
  };
  const byAttr = (n: ts.Node): ColumnFact | undefined => {
    const e = propertyOf(n);
    return e ? table.columns.find((c) => c.attr === x.text(e.name)) : undefined;
  };
  const list = (n: ts.Node | undefined): readonly ts.Node[] => x.elements(n) ?? [];
  // `uniqueIndex('x').on(t.a).where(sql`...`)`: a partial index, which PostgreSQL takes for no key a foreign key may use.
  const partial = new Set<ts.Node>();
  if (extras) x.walk(extras, (node) => {
    if (node.kind !== K.CallExpression) return;
    const d = node as ts.CallExpression;
    const callee = d.expression;
    const name = callee.kind === K.Identifier ? x.text(callee) : callee.kind === K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).name) : '';
    if (name === 'where' && callee.kind === K.PropertyAccessExpression) {
      const on = x.unwrap((callee as ts.PropertyAccessExpression).expression);
      if (on) partial.add(on);
      return;
    }
    if (partial.has(node)) return;
    const fn = callee.kind === K.Identifier ? (importedName(f, name) ?? name) : name;
    if (fn === 'foreignKey') {
      const opts = x.props(d.arguments[0]);
      const locals = list(opts.get('columns'));
      const remotes = list(opts.get('foreignColumns'));
      // A composite key is judged as a whole: by the target's properties (`labels.ownerId`), which the rules
      // read through the table's attributes; one that is not a plain property leaves the key unjudged.
      const composite = remotes.length > 1
        ? remotes.map((fc) => {
          const e = propertyOf(fc);
          return e ? x.text(e.name) : '';
        })
        : undefined;
      remotes.forEach((fc, i) => {
        const e = propertyOf(fc);
        const owner = e ? ownerOf(e.expression) : undefined;
        if (!e || !owner) return;
        const local = locals[i] ? byAttr(locals[i]) : undefined;
        if (local) local.hasForeignKey = true;
        f.facts.references.push({
          form: 'variable',
          owner,
          attr: x.text(e.name),
          span: x.span(e),
          source: local ? source(local.name) : { table: table.name, schema },
          composite,
          context: 'core',
        });
      });
    } else if (fn === 'primaryKey') {
      const first = d.arguments[0];
      const cols = (first && first.kind === K.ObjectLiteralExpression ? list(x.props(first).get('columns')) : d.arguments).map(byAttr);
      if (cols.some((c) => !c)) return;
      if (cols.length === 1) cols[0]!.primaryKey = true;
      else for (const c of cols) c!.primaryKey = true;
    } else if (name === 'on' && callee.kind === K.PropertyAccessExpression) {
      // `unique().on(t.email)`, `uniqueIndex('x').on(t.email)`: a single column becomes a valid target.
      const head = x.unwrap((callee as ts.PropertyAccessExpression).expression);
      const kind = head && head.kind === K.CallExpression ? x.text((head as ts.CallExpression).expression) : '';
      if (kind !== 'unique' && kind !== 'uniqueIndex') return;
      const cols = d.arguments.map(byAttr);
      if (cols.some((c) => !c)) return;
      if (cols.length === 1) cols[0]!.unique = true;
      else table.keys.push(cols.map((c) => c!.name));
    }
  });
  f.facts.tables.push(table);
}

/** A builder's type: `integer('x')`, `varchar('x', { length: 255 })`, `timestamp({ withTimezone: true })`. */
function builderType(f: TsFile, call: ts.CallExpression, builder: string, options: Map<string, ts.Node>, flavour: Flavour): TypeFact {
  const x = f.syntax;
  const length = x.numberText(options.get('length'));
  const precision = x.numberText(options.get('precision'));
  const scale = x.numberText(options.get('scale'));
  const callee = call.expression;
  const qualifier = callee.kind === x.K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).expression) : undefined;
  const imported = qualifier ? builder : (importedName(f, builder) ?? builder);
  let t: SqlType;
  switch (imported) {
    case 'serial':
      t = sqlNamedType(flavour === 'mysql' ? 'bigint' : 'integer');
      break;
    case 'int':
    case 'integer':
    case 'int4':
      t = sqlNamedType('integer');
      break;
    case 'doublePrecision':
      t = sqlNamedType('double precision');
      break;
    case 'timestamp':
      t = sqlNamedType(x.bool(options.get('withTimezone')) ? 'timestamptz' : 'timestamp');
      break;
    default:
      t = sqlNamedType(imported, { length, precision, scale });
  }
  const type: TypeFact = {
    text: x.text(call),
    name: builder,
    qualifier,
    ...t,
    source: 'explicit',
    span: x.span(call),
    style: `drizzle-${flavour}`,
  };
  // mysql-core's integer builders take `{ unsigned: true }` (`int unsigned`): MySQL wants a key's sign to match (R13-26).
  if (flavour === 'mysql' && x.bool(options.get('unsigned')) === true) type.unsigned = true;
  return type;
}

/**
 * The table a foreign key's target names: a variable (`barns` of `barns.id`), or a member of a namespace
 * (`schema.barns` of `import * as schema` or `export * as schema`), written as a dotted name the index resolves
 * through the imports and re-exports. Anything else (a call, an element access) names no table FK Guard reads.
 */
function tableOwner(x: Syntax, e: ts.Node): string | undefined {
  if (e.kind === x.K.Identifier) return x.text(e);
  if (e.kind !== x.K.PropertyAccessExpression) return undefined;
  const p = e as ts.PropertyAccessExpression;
  const head = tableOwner(x, p.expression);
  return head === undefined ? undefined : `${head}.${x.text(p.name)}`;
}

/**
 * What the file says of Drizzle's `casing`, into `FileFacts.drizzleCasing`: each `drizzle(...)` call of a drizzle-orm
 * driver (`drizzle(client, { casing })`, `drizzle(url, config)`, `drizzle({ client, casing })`: none written is none),
 * and a drizzle-kit config (`defineConfig({ casing })`, a drizzle.config file's `export default { ... }`).
 */
export function readDrizzleCasing(f: TsFile): void {
  const x = f.syntax;
  const K = x.K;
  const out: DrizzleCasingFact[] = [];
  const say = (options: ts.Node | undefined, call: ts.Node, config: boolean): void => {
    const o = x.unwrap(options);
    if (!o) {
      out.push({ casing: '', text: config ? 'a drizzle-kit config without `casing`' : 'a `drizzle(...)` without `casing`' });
      return;
    }
    const whole = o.kind === K.ObjectLiteralExpression && (o as ts.ObjectLiteralExpression).properties.every((p) => p.kind !== K.SpreadAssignment && p.name?.kind !== K.ComputedPropertyName);
    const v = whole ? x.props(o).get('casing') : undefined;
    if (!whole) {
      out.push({ casing: null, text: `\`${oneLine(x.text(call))}\`` });
      return;
    }
    if (!v) {
      out.push({ casing: '', text: config ? 'a drizzle-kit config without `casing`' : 'a `drizzle(...)` without `casing`' });
      return;
    }
    const value = x.literal(x.unwrap(v))?.value;
    out.push({ casing: value === 'snake_case' || value === 'camelCase' ? value : null, text: `\`casing: ${oneLine(x.text(v))}\`` });
  };
  const kit = f.importsFrom('drizzle-kit') || /(?:^|\/)drizzle\.config\.[cm]?[jt]s$/.test(f.facts.file);
  x.walk(f.tree, (node) => {
    if (node.kind === K.CallExpression) {
      const call = node as ts.CallExpression;
      if (call.expression.kind !== K.Identifier) return;
      const imp = f.importOf(x.text(call.expression));
      const name = imp ? (imp.name ?? x.text(call.expression)) : undefined;
      if (imp && name === 'drizzle' && imp.module.startsWith('drizzle-orm/')) {
        const first = x.unwrap(call.arguments[0]);
        // `drizzle({ client, connection, casing })`: the config first (drizzle-orm's `isConfig`).
        const configFirst = first?.kind === K.ObjectLiteralExpression && ['client', 'connection', 'casing', 'schema', 'logger'].some((k) => x.props(first).has(k));
        say(configFirst ? first : call.arguments[1], call, false);
      } else if (imp && name === 'defineConfig' && imp.module === 'drizzle-kit') say(call.arguments[0], call, true);
    } else if (kit && node.kind === K.ExportAssignment && !f.importsFrom('drizzle-orm')) {
      const e = x.unwrap((node as ts.ExportAssignment).expression);
      if (e?.kind === K.ObjectLiteralExpression) say(e, node, true);
    }
  });
  if (out.length > 0) f.facts.drizzleCasing = out;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}

/**
 * drizzle-orm's `casing` rules (casing.js, 0.33 and later), for a column whose builder was given no name: the
 * property's words (digits and lower case runs, upper case runs, capitalised words), joined.
 */
export function drizzleCased(property: string, casing: 'snake_case' | 'camelCase'): string {
  const words = property.replace(/['\u2019]/g, '').match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? [];
  if (casing === 'snake_case') return words.map((w) => w.toLowerCase()).join('_');
  return words.reduce((acc, w, i) => acc + (i === 0 ? w.toLowerCase() : `${w[0].toUpperCase()}${w.slice(1)}`), '');
}
