import type { ClassDeclaration, Node } from 'ts-morph';
import { ClassFact, ColumnFact, CoreTableFact, MigrationOp, ReferenceFact, Span, TypeFact } from '../types';
import { TsFile } from './context';
import { upFunction } from './knex';
import { sqlNamedType, SqlType } from './types';

/**
 * Sequelize: `User.init({...}, { tableName })` on a `class User extends Model`, `sequelize.define('user',
 * {...})`, sequelize-typescript's `@Table` classes (`@Column`, `@PrimaryKey`, `@ForeignKey(() => User)`), and
 * sequelize-cli migrations (`queryInterface.createTable`, `addColumn`, `addConstraint`, ...). A model's table
 * is its `tableName`, else its model name pluralised (`underscored` makes it snake_case); attribute types
 * are `DataTypes.X`; `references: { model, key }` names a table (a string) or a model (a class).
 */
export function readSequelize(f: TsFile): void {
  const { Node: N } = f.tm;
  if (f.importsFrom('drizzle-orm', 'typeorm')) return;
  const classes = new Map(f.sf.getClasses().map((c) => [c.getName() ?? '', c]));
  if (f.importsFrom('sequelize-typescript')) for (const cls of classes.values()) decoratedModel(f, cls);
  f.walk(f.sf, (d) => {
    if (!N.isCallExpression(d)) return;
    const callee = d.getExpression();
    if (!N.isPropertyAccessExpression(callee)) return;
    const method = callee.getName();
    const args = d.getArguments();
    if (method === 'init' && N.isIdentifier(callee.getExpression()) && classes.has(callee.getExpression().getText())) {
      const cls = classes.get(callee.getExpression().getText())!;
      const nameNode = cls.getNameNode();
      if (nameNode) modelFrom(f, nameNode.getText(), f.span(nameNode), f.span(cls), args[0], f.props(args[1]), undefined);
    } else if (method === 'define' && /sequelize/i.test(callee.getExpression().getText())) {
      const modelName = f.literal(args[0]);
      const decl = d.getFirstAncestor((a) => N.isVariableDeclaration(a) || N.isStatement(a));
      const variable = decl && N.isVariableDeclaration(decl) ? decl.getName() : modelName?.value;
      if (modelName && variable) modelFrom(f, variable, modelName.span, f.span(d), args[1], f.props(args[2]), modelName.value);
    }
  });
  migrations(f);
}

/** inflection's `pluralize` for the words table names are made of (Sequelize pluralises model names with it). */
export function pluralize(word: string): string {
  const irregular: Record<string, string> = { person: 'people', man: 'men', woman: 'women', child: 'children', mouse: 'mice', goose: 'geese', tooth: 'teeth', foot: 'feet' };
  const uncountable = new Set(['equipment', 'information', 'rice', 'money', 'species', 'series', 'fish', 'sheep', 'moose', 'deer', 'news', 'data']);
  // The last word: a capital or the first letter after a non-letter, then lower-case letters, found from the
  // end (a lazy `^(.*?)` before it rescanned the rest of a long name at every position).
  let cut = word.length;
  while (cut > 0 && /[a-z]/.test(word[cut - 1])) cut--;
  if (cut > 0 && /[A-Za-z]/.test(word[cut - 1])) cut--;
  const [head, last] = cut < word.length && /[A-Za-z]/.test(word[cut]) ? [word.slice(0, cut), word.slice(cut)] : ['', word];
  const lower = last.toLowerCase();
  if (uncountable.has(lower)) return word;
  const keepCase = (s: string) => (last[0] === last[0].toUpperCase() ? s[0].toUpperCase() + s.slice(1) : s);
  if (irregular[lower]) return head + keepCase(irregular[lower]);
  const rules: Array<[RegExp, string]> = [
    [/(quiz)$/i, '$1zes'],
    [/(matr|vert|ind)(ix|ex)$/i, '$1ices'],
    [/(x|ch|ss|sh)$/i, '$1es'],
    [/([^aeiouy]|qu)y$/i, '$1ies'],
    [/(?:([^f])fe|([lr])f)$/i, '$1$2ves'],
    [/sis$/i, 'ses'],
    [/([ti])um$/i, '$1a'],
    [/(alias|status)$/i, '$1es'],
    [/(bu)s$/i, '$1ses'],
    [/(octop|vir)us$/i, '$1i'],
    [/s$/i, 's'],
  ];
  for (const [re, rep] of rules) if (re.test(word)) return word.replace(re, rep);
  return `${word}s`;
}

/** inflection's `underscore`: `UserProfiles` → `user_profiles`. */
function underscore(word: string): string {
  // One capital at a time (`([A-Z]+)` rescanned a long run of capitals from each of its letters).
  return word.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/([A-Z])(?=[A-Z][a-z\d])/g, '$1_').replace(/-/g, '_').toLowerCase();
}

function tableNameOf(f: TsFile, modelName: string, options: Map<string, Node>): { name: string; span?: Span } {
  const explicit = f.literal(options.get('tableName'));
  if (explicit) return { name: explicit.value, span: explicit.span };
  const name = f.literal(options.get('modelName'))?.value ?? modelName;
  if (f.bool(options.get('freezeTableName'))) return { name };
  const plural = pluralize(name);
  return { name: f.bool(options.get('underscored')) ? underscore(plural) : plural };
}

/** A model from `X.init(attributes, options)` or `sequelize.define(name, attributes, options)`. */
function modelFrom(f: TsFile, className: string, nameSpan: Span, span: Span, attributes: Node | undefined, options: Map<string, Node>, modelName: string | undefined): void {
  const table = tableNameOf(f, modelName ?? className, options);
  const underscored = f.bool(options.get('underscored')) === true;
  const cls = newModel(className, table, f.literal(options.get('schema'))?.value, span, nameSpan);
  const { Node: N } = f.tm;
  if (attributes && N.isObjectLiteralExpression(attributes)) {
    for (const p of attributes.getProperties()) {
      if (!N.isPropertyAssignment(p)) continue;
      const attr = f.propertyName(p.getNameNode());
      const value = p.getInitializer();
      const column = attribute(f, attr, f.span(p.getNameNode()), value, { className }, 'model', underscored);
      if (column) cls.columns.push(column);
    }
  }
  finishModel(cls);
  f.facts.classes.push(cls);
}

function newModel(name: string, table: { name: string; span?: Span }, schema: string | undefined, span: Span, nameSpan: Span): ClassFact {
  return {
    name,
    framework: 'sequelize',
    bases: [],
    sqlmodelTable: false,
    tablename: { kind: 'literal', value: table.name },
    tablenameSpan: table.span,
    declaredTablename: false,
    abstract: false,
    schema,
    columns: [],
    constraints: [],
    keys: [],
    span,
    nameSpan,
  };
}

/**
 * Sequelize adds `id INTEGER` as the primary key of a model that declares none. Only a class that derives
 * from `Model` itself knows it declares none: a class with a project base leaves the key to its ancestors
 * (the index merges their columns), and one whose ancestor FK Guard cannot read has a key of unknown type,
 * never a guessed INTEGER. On a base, the implicit key yields to one a subclass declares.
 */
function finishModel(cls: ClassFact): void {
  if (cls.bases.length > 0 || cls.columns.some((c) => c.primaryKey)) return;
  const type: TypeFact = { text: 'INTEGER', name: 'INTEGER', ...sqlNamedType('integer'), source: 'explicit' };
  cls.columns.unshift({ name: 'id', attr: 'id', type, primaryKey: true, unique: false, span: cls.nameSpan, implicit: true });
}

/**
 * One attribute: `DataTypes.UUID`, or `{ type, primaryKey, unique, field, allowNull, references }`. Its
 * `references` become a reference from the column.
 */
function attribute(
  f: TsFile,
  attr: string,
  attrSpan: Span,
  value: Node | undefined,
  source: ReferenceFact['source'],
  context: ReferenceFact['context'],
  underscored: boolean,
): ColumnFact | undefined {
  const { Node: N } = f.tm;
  const v = f.unwrap(value);
  if (!v) return undefined;
  const opts = N.isObjectLiteralExpression(v) ? f.props(v) : new Map<string, Node>([['type', v]]);
  const field = f.literal(opts.get('field'));
  const name = field?.value ?? (underscored ? underscore(attr) : attr);
  const column: ColumnFact = {
    name,
    attr,
    type: dataType(f, opts.get('type')),
    primaryKey: f.bool(opts.get('primaryKey')) === true,
    unique: f.bool(opts.get('unique')) === true || f.literal(opts.get('unique')) !== undefined,
    nullable: f.bool(opts.get('allowNull')),
    span: field?.span ?? attrSpan,
  };
  const refs = f.props(opts.get('references'));
  if (refs.size > 0) {
    column.hasForeignKey = true;
    const ref = reference(f, refs, { ...source, column: name }, context);
    if (ref) f.facts.references.push(ref);
  }
  return column;
}

/** `references: { model: 'users' | { tableName, schema } | User, key: 'id' }`. */
function reference(f: TsFile, refs: Map<string, Node>, source: ReferenceFact['source'], context: ReferenceFact['context']): ReferenceFact | undefined {
  const { Node: N } = f.tm;
  const model = f.unwrap(refs.get('model') ?? refs.get('table'));
  const key = f.literal(refs.get('key') ?? refs.get('field'));
  if (!model) return undefined;
  let tableLit = f.literal(model);
  let schema: string | undefined;
  if (!tableLit && N.isObjectLiteralExpression(model)) {
    const o = f.props(model);
    tableLit = f.literal(o.get('tableName'));
    schema = f.literal(o.get('schema'))?.value;
  }
  if (tableLit) {
    return {
      form: 'pair',
      table: { kind: 'literal', value: tableLit.value },
      tableSchema: schema,
      tableSpan: tableLit.contentSpan,
      // Without a key, Sequelize references `id`.
      column: key?.value ?? 'id',
      columnSpan: key?.contentSpan,
      span: tableLit.span,
      source,
      context,
    };
  }
  if (N.isIdentifier(model) || N.isPropertyAccessExpression(model)) {
    return { form: 'attribute', owner: model.getText(), attr: key?.value, span: key?.contentSpan ?? f.span(model), source, context };
  }
  return undefined;
}

const DATA_TYPES: Record<string, (args: string[]) => SqlType> = {
  INTEGER: () => sqlNamedType('integer'),
  BIGINT: () => sqlNamedType('bigint'),
  SMALLINT: () => sqlNamedType('smallint'),
  TINYINT: () => sqlNamedType('smallint'),
  MEDIUMINT: () => sqlNamedType('integer'),
  UUID: () => sqlNamedType('uuid'),
  STRING: (a) => sqlNamedType('varchar', { length: a[0] ?? '255' }),
  CHAR: (a) => sqlNamedType('char', { length: a[0] ?? '255' }),
  TEXT: () => sqlNamedType('text'),
  CITEXT: () => sqlNamedType('text'),
  BOOLEAN: () => sqlNamedType('boolean'),
  // Sequelize's DATE is `timestamp with time zone` on PostgreSQL; DATEONLY is a date.
  DATE: () => sqlNamedType('timestamptz'),
  DATEONLY: () => sqlNamedType('date'),
  TIME: () => sqlNamedType('time'),
  DECIMAL: (a) => sqlNamedType('numeric', { precision: a[0], scale: a[1] }),
  REAL: () => sqlNamedType('real'),
  FLOAT: () => sqlNamedType('double precision'),
  DOUBLE: () => sqlNamedType('double precision'),
  JSON: () => sqlNamedType('json'),
  JSONB: () => sqlNamedType('jsonb'),
  ENUM: () => sqlNamedType('enum'),
  BLOB: () => sqlNamedType('bytea'),
};

/**
 * `DataTypes.INTEGER`, `Sequelize.STRING(64)`, `DataType.UUID` (sequelize-typescript), `Sequelize.DataTypes.UUID`,
 * or a SQL type name as a string (`type: 'UUID'`), which Sequelize passes to the database as written.
 */
function dataType(f: TsFile, n: Node | undefined): TypeFact | undefined {
  const { Node: N } = f.tm;
  const e = f.unwrap(n);
  if (!e) return undefined;
  const lit = f.literal(e);
  if (lit) {
    const named = sqlNamedType(lit.value);
    if (named.family === 'other') return undefined;
    return { text: lit.value, name: lit.value, ...named, source: 'explicit', span: lit.contentSpan, style: 'sequelize-string' };
  }
  const call = N.isCallExpression(e) ? e : undefined;
  const access = f.unwrap(call ? call.getExpression() : e);
  if (!access || !N.isPropertyAccessExpression(access)) return undefined;
  const name = access.getName();
  const known = DATA_TYPES[name];
  if (!known) return undefined;
  const args = (call?.getArguments() ?? []).map((a) => f.numberText(a) ?? '');
  const nameNode = access.getNameNode();
  return {
    text: e.getText(),
    name,
    qualifier: access.getExpression().getText(),
    ...known(args),
    source: 'explicit',
    span: { start: nameNode.getStart(), end: e.getEnd() },
    style: 'sequelize',
  };
}

/**
 * sequelize-typescript: `@Table({ tableName }) class User extends Model { @Column(DataType.UUID) ... }`. A
 * class without `@Table` that derives from anything (`Model`, or a project base) is read as a base whose
 * columns its models inherit, so a key declared on a shared base class is seen.
 */
function decoratedModel(f: TsFile, cls: ClassDeclaration): void {
  const { Node: N } = f.tm;
  const fromLib = (name: string) => {
    const imp = f.importOf(name);
    return imp && imp.module === 'sequelize-typescript' ? (imp.name ?? name) : undefined;
  };
  const table = cls.getDecorators().find((d) => fromLib(d.getName()) === 'Table');
  const nameNode = cls.getNameNode();
  const ext = cls.getExtends()?.getExpression();
  if (!nameNode || (!table && !ext)) return;
  const options = f.props(table?.getArguments()[0]);
  const underscored = f.bool(options.get('underscored')) === true;
  const model = newModel(nameNode.getText(), tableNameOf(f, nameNode.getText(), options), f.literal(options.get('schema'))?.value, f.span(cls), f.span(nameNode));
  // `Model` itself adds nothing but the implicit key; any other base is followed by the index.
  if (ext && fromLib(ext.getText().split('.')[0]) !== 'Model') model.bases = [ext.getText()];
  if (!table) {
    model.abstract = true;
    model.tablename = undefined;
  }
  for (const p of cls.getProperties()) {
    const decos = new Map(p.getDecorators().map((d) => [fromLib(d.getName()), d] as const));
    const col = decos.get('Column');
    if (!col) continue;
    const attr = p.getName();
    const value = col.getArguments()[0];
    let column = value ? attribute(f, attr, f.span(p.getNameNode()), value, { className: model.name }, 'model', underscored) : undefined;
    if (!column) {
      // A bare `@Column`: the type comes from the property's TypeScript type.
      const ts = p.getTypeNode()?.getText().split('|').map((t) => t.trim()).filter((t) => t !== 'null' && t !== 'undefined').join(' | ');
      const inferred = ts === 'number' ? sqlNamedType('integer') : ts === 'string' ? sqlNamedType('varchar', { length: '255' }) : ts === 'boolean' ? sqlNamedType('boolean') : ts === 'Date' ? sqlNamedType('timestamptz') : undefined;
      column = {
        name: underscored ? underscore(attr) : attr,
        attr,
        type: inferred && ts ? { text: ts, name: ts, ...inferred, source: 'explicit' } : undefined,
        primaryKey: false,
        unique: false,
        span: f.span(p.getNameNode()),
      };
    }
    const annotation = f.annotation(p);
    if (annotation) column.annotation = annotation;
    if (decos.has('PrimaryKey')) column.primaryKey = true;
    if (decos.has('Unique')) column.unique = true;
    const fk = decos.get('ForeignKey');
    const target = fk ? f.arrowResult(fk.getArguments()[0]) : undefined;
    if (target && (N.isIdentifier(target) || N.isPropertyAccessExpression(target))) {
      column.hasForeignKey = true;
      f.facts.references.push({ form: 'attribute', owner: target.getText(), span: f.span(target), source: { className: model.name, column: column.name }, context: 'model' });
    }
    model.columns.push(column);
  }
  finishModel(model);
  f.facts.classes.push(model);
}

/** sequelize-cli migrations: the calls on `up`'s first parameter (`queryInterface`), in order. */
function migrations(f: TsFile): void {
  const { Node: N } = f.tm;
  const up = upFunction(f);
  const fn = up && (N.isFunctionDeclaration(up) || N.isMethodDeclaration(up) || N.isArrowFunction(up) || N.isFunctionExpression(up)) ? up : undefined;
  const qi = fn?.getParameters()[0]?.getName();
  if (!fn || !qi) return;
  const calls: Node[] = [];
  f.walk(fn, (d) => {
    if (!N.isCallExpression(d)) return;
    const callee = d.getExpression();
    if (N.isPropertyAccessExpression(callee) && callee.getExpression().getText() === qi) calls.push(d);
  });
  if (calls.length === 0) return;
  f.facts.migration ??= { ops: [] };
  const ops = f.facts.migration.ops;
  for (const c of calls) {
    if (!N.isCallExpression(c)) continue;
    const callee = c.getExpression();
    if (!N.isPropertyAccessExpression(callee)) continue;
    const args = c.getArguments();
    // The table: `'users'` or `{ tableName: 'users', schema: 'auth' }`.
    const tableArg = f.unwrap(args[0]);
    const tableOpts = f.props(tableArg);
    const tableLit = f.literal(tableArg) ?? f.literal(tableOpts.get('tableName'));
    const schema = f.literal(tableOpts.get('schema'))?.value;
    if (!tableLit) continue;
    const table = tableLit.value;
    const position = ops.length;
    const firstRef = f.facts.references.length;
    const source: ReferenceFact['source'] = { table: { kind: 'literal', value: table }, schema };
    const lit = (n: Node | undefined) => f.literal(n)?.value;
    switch (callee.getName()) {
      case 'createTable': {
        const fact: CoreTableFact = { name: { kind: 'literal', value: table }, schema, columns: [], keys: [], span: f.span(c), nameSpan: tableLit.span, origin: 'migration' };
        const attrs = f.unwrap(args[1]);
        if (attrs && N.isObjectLiteralExpression(attrs)) {
          for (const p of attrs.getProperties()) {
            if (!N.isPropertyAssignment(p)) continue;
            const column = attribute(f, f.propertyName(p.getNameNode()), f.span(p.getNameNode()), p.getInitializer(), source, 'migration', false);
            if (column) fact.columns.push(column);
          }
        }
        f.facts.tables.push(fact);
        ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
        break;
      }
      case 'addColumn': {
        const name = f.literal(args[1]);
        const column = name ? attribute(f, name.value, name.span, args[2], source, 'migration', false) : undefined;
        if (column) ops.push({ op: 'add_column', table, schema, column });
        break;
      }
      case 'changeColumn': {
        const name = lit(args[1]);
        const column = name ? attribute(f, name, f.span(args[1]), args[2], source, 'migration', false) : undefined;
        if (name && column) ops.push({ op: 'alter_column', table, schema, column: name, type: column.type } as MigrationOp);
        break;
      }
      case 'renameColumn': {
        const from = lit(args[1]);
        const to = lit(args[2]);
        if (from && to) ops.push({ op: 'alter_column', table, schema, column: from, newName: to });
        break;
      }
      case 'removeColumn': {
        const column = lit(args[1]);
        if (column) ops.push({ op: 'drop_column', table, schema, column });
        break;
      }
      case 'dropTable':
        ops.push({ op: 'drop_table', table, schema });
        break;
      case 'renameTable': {
        const to = lit(args[1]);
        if (to) ops.push({ op: 'rename_table', from: table, to, schema });
        break;
      }
      case 'addConstraint': {
        // `addConstraint('posts', { fields: ['user_id'], type: 'foreign key', references: { table, field } })`.
        const o = f.props(args[1]);
        if (lit(o.get('type'))?.toLowerCase() !== 'foreign key') break;
        const fieldsNode = o.get('fields');
        const fields = fieldsNode && N.isArrayLiteralExpression(fieldsNode) ? fieldsNode.getElements().map((e) => lit(e)) : [];
        const ref = reference(f, f.props(o.get('references')), { ...source, column: fields[0] }, 'migration');
        if (ref) f.facts.references.push(ref);
        break;
      }
    }
    for (const r of f.facts.references.slice(firstRef)) r.migrationOp = position;
    f.placeOps(c.getStart());
  }
}
