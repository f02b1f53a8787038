import type { Node } from 'ts-morph';
import { ColumnFact, CoreTableFact, ReferenceFact, TypeFact } from '../types';
import { TsFile } from './context';
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
  const { Node: N } = f.tm;
  const schemas = new Map<string, { schema: string; flavour: Flavour }>();
  for (const st of f.sf.getVariableStatements()) {
    for (const decl of st.getDeclarations()) {
      const init = f.unwrap(decl.getInitializer());
      if (!init || !N.isCallExpression(init)) continue;
      const callee = init.getExpression();
      const variable = decl.getName();
      if (N.isIdentifier(callee)) {
        const fn = importedName(f, callee.getText());
        const schemaFlavour = fn ? SCHEMA_FUNCTIONS[fn] : undefined;
        const schema = f.literal(init.getArguments()[0]);
        if (schemaFlavour && schema) {
          schemas.set(variable, { schema: schema.value, flavour: schemaFlavour });
          continue;
        }
        const flavour = fn ? TABLE_FUNCTIONS[fn] : undefined;
        if (flavour) readTable(f, init.getArguments(), variable, flavour, undefined, init);
      } else if (N.isPropertyAccessExpression(callee) && callee.getName() === 'table') {
        const owner = schemas.get(callee.getExpression().getText());
        if (owner) readTable(f, init.getArguments(), variable, owner.flavour, owner.schema, init);
      }
    }
  }
}

/** The name a local binding has in drizzle-orm (`pgTable`, or what `import { pgTable as table }` renames). */
function importedName(f: TsFile, local: string): string | undefined {
  const imp = f.importOf(local);
  if (!imp || !imp.module.startsWith('drizzle-orm')) return undefined;
  return imp.name;
}

function readTable(f: TsFile, args: Node[], variable: string, flavour: Flavour, schema: string | undefined, call: Node): void {
  // `pgTable('users', ...)`, or a constant of this file or an imported one (`pgTable(USERS, ...)`), which the
  // index resolves; a name FK Guard cannot read drops the table, as before.
  const written = f.constantName(args[0]);
  if (!written) return;
  const nameLit = 'value' in written ? { value: written.value, span: written.span } : undefined;
  const name: CoreTableFact['name'] = nameLit ? { kind: 'literal', value: nameLit.value } : { kind: 'const', name: (written as { imported: string }).imported };
  const { Node: N } = f.tm;
  // `{ ... }`, or the newer `(t) => ({ ... })` whose builders hang off the parameter.
  const columnsNode = N.isObjectLiteralExpression(args[1]) ? args[1] : f.arrowResult(args[1]);
  const table: CoreTableFact = {
    name,
    schema,
    variable,
    columns: [],
    keys: [],
    span: f.span(call),
    nameSpan: written.span,
    origin: 'core',
  };
  const source = (column: string): ReferenceFact['source'] => ({ table: table.name, schema, column });
  if (columnsNode && N.isObjectLiteralExpression(columnsNode)) {
    for (const p of columnsNode.getProperties()) {
      if (!N.isPropertyAssignment(p)) continue;
      const init = p.getInitializer();
      const chain = init ? f.chain(init) : undefined;
      if (!chain || chain.calls.length === 0) continue;
      const attr = f.propertyName(p.getNameNode());
      const builder = chain.calls[0];
      const nameArg = f.literal(builder.args[0]);
      const options = f.props(nameArg ? builder.args[1] : builder.args[0]);
      const column: ColumnFact = {
        name: nameArg?.value ?? attr,
        attr,
        type: builderType(f, builder.node, builder.name, options, flavour),
        primaryKey: false,
        unique: false,
        span: nameArg?.span ?? f.span(p.getNameNode()),
      };
      for (const m of chain.calls.slice(1)) {
        if (m.name === 'primaryKey') column.primaryKey = true;
        else if (m.name === 'unique') column.unique = true;
        else if (m.name === 'notNull') column.nullable = false;
        else if (m.name === 'references') {
          const target = f.arrowResult(m.args[0]);
          if (target && N.isPropertyAccessExpression(target) && N.isIdentifier(target.getExpression())) {
            column.hasForeignKey = true;
            f.facts.references.push({
              form: 'variable',
              owner: target.getExpression().getText(),
              attr: target.getName(),
              span: f.span(target),
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
  const extras = f.arrowResult(args[2]);
  const byAttr = (n: Node): ColumnFact | undefined => {
    const e = f.unwrap(n);
    return e && N.isPropertyAccessExpression(e) ? table.columns.find((c) => c.attr === e.getName()) : undefined;
  };
  const list = (n: Node | undefined): Node[] => (n && N.isArrayLiteralExpression(n) ? n.getElements() : []);
  extras?.forEachDescendant((d) => {
    if (!N.isCallExpression(d)) return;
    const callee = d.getExpression();
    const name = N.isIdentifier(callee) ? callee.getText() : N.isPropertyAccessExpression(callee) ? callee.getName() : '';
    const fn = N.isIdentifier(callee) ? (importedName(f, name) ?? name) : name;
    if (fn === 'foreignKey') {
      const opts = f.props(d.getArguments()[0]);
      const locals = list(opts.get('columns'));
      const remotes = list(opts.get('foreignColumns'));
      // A composite key is judged as a whole: by the target's properties (`labels.ownerId`), which the rules
      // read through the table's attributes; one that is not a plain property leaves the key unjudged.
      const composite = remotes.length > 1
        ? remotes.map((fc) => {
          const e = f.unwrap(fc);
          return e && N.isPropertyAccessExpression(e) ? e.getName() : '';
        })
        : undefined;
      remotes.forEach((fc, i) => {
        const e = f.unwrap(fc);
        if (!e || !N.isPropertyAccessExpression(e) || !N.isIdentifier(e.getExpression())) return;
        const local = locals[i] ? byAttr(locals[i]) : undefined;
        if (local) local.hasForeignKey = true;
        f.facts.references.push({
          form: 'variable',
          owner: e.getExpression().getText(),
          attr: e.getName(),
          span: f.span(e),
          source: local ? source(local.name) : { table: table.name, schema },
          composite,
          context: 'core',
        });
      });
    } else if (fn === 'primaryKey') {
      const first = d.getArguments()[0];
      const cols = (first && N.isObjectLiteralExpression(first) ? list(f.props(first).get('columns')) : d.getArguments()).map(byAttr);
      if (cols.some((c) => !c)) return;
      if (cols.length === 1) cols[0]!.primaryKey = true;
      else for (const c of cols) c!.primaryKey = true;
    } else if (name === 'on' && N.isPropertyAccessExpression(callee)) {
      // `unique().on(t.email)`, `uniqueIndex('x').on(t.email)`: a single column becomes a valid target.
      const head = f.unwrap(callee.getExpression());
      const kind = head && N.isCallExpression(head) ? head.getExpression().getText() : '';
      if (kind !== 'unique' && kind !== 'uniqueIndex') return;
      const cols = d.getArguments().map(byAttr);
      if (cols.some((c) => !c)) return;
      if (cols.length === 1) cols[0]!.unique = true;
      else table.keys.push(cols.map((c) => c!.name));
    }
  });
  f.facts.tables.push(table);
}

/** A builder's type: `integer('x')`, `varchar('x', { length: 255 })`, `timestamp({ withTimezone: true })`. */
function builderType(f: TsFile, call: Node, builder: string, options: Map<string, Node>, flavour: Flavour): TypeFact {
  const length = f.numberText(options.get('length'));
  const precision = f.numberText(options.get('precision'));
  const scale = f.numberText(options.get('scale'));
  const { Node: N } = f.tm;
  const callee = N.isCallExpression(call) ? call.getExpression() : undefined;
  const qualifier = callee && N.isPropertyAccessExpression(callee) ? callee.getExpression().getText() : undefined;
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
      t = sqlNamedType(f.bool(options.get('withTimezone')) ? 'timestamptz' : 'timestamp');
      break;
    default:
      t = sqlNamedType(imported, { length, precision, scale });
  }
  return {
    text: call.getText(),
    name: builder,
    qualifier,
    ...t,
    source: 'explicit',
    span: f.span(call),
    style: `drizzle-${flavour}`,
  };
}
