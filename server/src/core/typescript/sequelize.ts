import type { ts } from 'ts-morph';
import { ClassFact, ColumnFact, CoreTableFact, MigrationOp, NameExpr, ReferenceFact, SequelizeNaming, Span, TypeFact } from '../types';
import { withColumn } from '../compactFacts';
import { TsFile } from './context';
import { upFunctionNode } from './knex';
import type { Literal, Syntax } from './syntax';
import { sqlNamedType, SqlType } from './types';
import { pluralize, underscore } from './inflection';

/**
 * Sequelize: `User.init({...}, { tableName })` on a `class User extends Model`, `sequelize.define('user',
 * {...})`, sequelize-typescript's `@Table` classes (`@Column`, `@PrimaryKey`, `@ForeignKey(() => User)`), and
 * sequelize-cli migrations (`queryInterface.createTable`, `addColumn`, `addConstraint`, ...). A model's table
 * is its `tableName`, else its model name pluralised (`underscored` makes it snake_case); attribute types
 * are `DataTypes.X`; `references: { model, key }` names a table (a string) or a model (a class).
 */
export function readSequelize(f: TsFile, dbMigrate = false): void {
  const x = f.syntax;
  const K = x.K;
  if (f.importsFrom('drizzle-orm', 'typeorm')) return;
  const classes = new Map(x.topClasses().map((c) => [x.name(c) ?? '', c]));
  // sequelize-cli's model template makes its class inside the function the module exports (`module.exports =
  // (sequelize, DataTypes) => { class User extends Model {} User.init(...); return User; }`): a class on `Model` made
  // once anywhere in the file is read as well.
  for (const [name, cls] of nestedModelClasses(f)) if (!classes.has(name)) classes.set(name, cls);
  if (f.importsFrom('sequelize-typescript')) for (const cls of classes.values()) decoratedModel(f, cls);
  const made = instancesMade(f);
  // `A.belongsTo(B, options)` is Sequelize's only in a file that uses Sequelize (other ORMs have a `belongsTo` too).
  const associations = f.importsFrom('sequelize', '@sequelize/core');
  // Or in a relations module given the models (`module.exports = ({ Farm, Barn }) => { Barn.hasMany(Farm, ...) }`,
  // `(db) => db.Barn.hasMany(db.Farm)`): both models come from a parameter (R15-14).
  const params = associations ? undefined : parameterModels(f);
  const added: AddedKey[] = [];
  x.walk(f.tree, (node) => {
    if (node.kind !== K.CallExpression) return;
    const d = node as ts.CallExpression;
    if (d.expression.kind !== K.PropertyAccessExpression) return;
    const callee = d.expression as ts.PropertyAccessExpression;
    const method = x.text(callee.name);
    const args = d.arguments;
    if (method === 'init' && callee.expression.kind === K.Identifier && classes.has(x.text(callee.expression))) {
      const cls = classes.get(x.text(callee.expression))!;
      const nameNode = cls.name;
      // `User.init(attributes, { sequelize: db })`: the instance's `define` names the model, when this file makes it.
      const instance = x.props(x.unwrap(args[1])).get('sequelize');
      const naming = instance && instance.kind === K.Identifier ? made.get(x.text(instance)) : undefined;
      if (nameNode) modelFrom(f, x.text(nameNode), x.span(nameNode), x.span(cls), args[0], args[1], undefined, naming);
    } else if (ASSOCIATIONS.has(method) && associations) {
      association(f, method, callee.expression, args, added);
    } else if (ASSOCIATIONS.has(method) && params && params.size > 0 && fromParameter(f, callee.expression, params) && fromParameter(f, args[0], params)) {
      association(f, method, callee.expression, args, added, true);
    } else if (method === 'define' && (/sequelize/i.test(x.text(callee.expression)) || made.has(x.text(callee.expression)))) {
      const modelName = x.literal(args[0]);
      x.withParents();
      const decl = declarationOrStatement(x, d);
      const variable = decl && decl.kind === K.VariableDeclaration ? x.text((decl as ts.VariableDeclaration).name) : modelName?.value;
      const naming = made.get(x.text(callee.expression));
      if (modelName && variable) modelFrom(f, variable, modelName.span, x.span(d), args[1], args[2], modelName.value, naming);
    }
  });
  addAssociationKeys(f, added);
  // A db-migrate migration's calls are read by dbMigrate.ts.
  if (!dbMigrate) migrations(f);
}

const ASSOCIATIONS = new Set(['belongsTo', 'hasOne', 'hasMany', 'belongsToMany']);

/** Classes declared below the top level that extend `Model` (or `Sequelize.Model`), each name declared once in the file. */
function nestedModelClasses(f: TsFile): Map<string, ts.ClassDeclaration> {
  const x = f.syntax;
  const K = x.K;
  const out = new Map<string, ts.ClassDeclaration>();
  const twice = new Set<string>();
  const top = new Set<ts.Node>(x.topClasses());
  x.walk(f.tree, (n) => {
    if (n.kind !== K.ClassDeclaration || top.has(n)) return;
    const cls = n as ts.ClassDeclaration;
    const name = x.name(cls);
    const base = x.extendsExpression(cls);
    if (!name || !base || !/^(?:\w+\.)?Model$/.test(x.text(base))) return;
    if (out.has(name)) twice.add(name);
    out.set(name, cls);
  });
  for (const n of twice) out.delete(n);
  return out;
}

/**
 * Sequelize's associations, which add a foreign key that `sync()` creates unless `constraints: false`:
 * - `Address.belongsTo(User, { foreignKey, targetKey })`: on the source model, to the target's `targetKey` (its
 *   primary key by default);
 * - `User.hasOne(Address, { foreignKey, sourceKey })`, `hasMany`: on the target model, to the source's `sourceKey`;
 * - `Basket.belongsToMany(Product, { through: BasketItem, foreignKey })`: on the `through` model, to the source's
 *   `sourceKey`. Its other key (`otherKey`, to the target) is the paired association's own key when both sides
 *   declare one, so only this side's key is read: each key of the join table once.
 * The key's column is the `foreignKey` as written (its `field`, else its name); Sequelize's default name (from the
 * model names, camel-cased) is worked out by the checker (`ReferenceSource.sequelizeDefault`); a through model's
 * key is not compared (Sequelize types it as the key it references). Options FK Guard cannot read whole may say
 * `constraints: false`: no key is read from them.
 */
/**
 * `belongsToMany(Target, { through: 'user_groups' })`: Sequelize defines a model for the string with `tableName` that
 * string (BelongsToMany's constructor), holding the two keys it names after the models: the table exists, its
 * columns are not worked out here. Once per file for a name both sides give.
 */
function throughTable(f: TsFile, name: Literal, text: string): void {
  if (f.facts.tables.some((t) => t.origin === 'core' && t.name.kind === 'literal' && t.name.value === name.value && t.unreadColumn !== undefined)) return;
  f.facts.tables.push({
    name: { kind: 'literal', value: name.value },
    columns: [],
    keys: [],
    span: name.span,
    nameSpan: name.contentSpan,
    origin: 'core',
    unreadColumn: `${text}'s keys`,
  });
}

/** A key attribute an association adds to a model (see `addAssociationKeys`): named, or named by Sequelize (`column` unset). */
interface AddedKey {
  holder: string;
  column?: ColumnFact;
  /** The association as written, for the reason a model's columns are not all known. */
  text: string;
}

/**
 * The key attributes associations add to the models of this file (R14-5): Sequelize's `_injectAttributes` merges
 * `{ [foreignKey]: { type: the key's, ...foreignKey options } }` into the holder's attributes, an attribute it
 * declares keeping what it says. A named key the model does not declare becomes a column (its `field`, else the
 * name under the model's `underscored`; `unique: true` as written); a key Sequelize names makes the model's columns
 * not all known. A declared attribute takes the association's `unique: true` unless it writes a `unique` of its own
 * (`Utils.mergeDefaults` keeps what the attribute sets; one FK Guard cannot read may be a key, see `ColumnFact.ownUnique`).
 * A holder this file does not define (`models.Comment` in `static associate(models)`) is another file's model: the
 * key is kept in `FileFacts.sequelizeForeignKeys` for the index to add there.
 */
function addAssociationKeys(f: TsFile, added: AddedKey[]): void {
  for (const a of added) {
    const cls = f.facts.classes.find((c) => c.name === a.holder && c.framework === 'sequelize');
    if (!cls) {
      (f.facts.sequelizeForeignKeys ??= []).push({ holder: a.holder.slice(a.holder.lastIndexOf('.') + 1), ...(a.column ? { column: a.column } : {}), text: a.text });
      continue;
    }
    if (!a.column) {
      cls.associationColumns ??= `${a.text}'s key`;
      continue;
    }
    const attr = a.column.attr ?? a.column.name;
    const declared = cls.columns.find((c) => (c.attr ?? c.name) === attr);
    if (!declared) cls.columns.push(a.column);
    else if (a.column.unique && !declared.unique && declared.ownUnique !== 'false') declared[declared.ownUnique === 'unread' ? 'maybeKey' : 'unique'] = true;
  }
}

/**
 * The names a function of this file gets its models under: the shorthand members of a destructured parameter
 * (`({ Farm, Barn }) => ...`: `Farm`, `Barn`) and plain parameters (`(db) => ...`: `db`, whose members are models).
 */
function parameterModels(f: TsFile): Set<string> {
  const x = f.syntax;
  const K = x.K;
  const out = new Set<string>();
  x.walk(f.tree, (n) => {
    if (n.kind !== K.Parameter) return;
    const name = (n as ts.ParameterDeclaration).name;
    if (name.kind === K.Identifier) out.add(x.text(name));
    else if (name.kind === K.ObjectBindingPattern) {
      for (const e of (name as ts.ObjectBindingPattern).elements) if (!e.propertyName && !e.dotDotDotToken && e.name.kind === K.Identifier) out.add(x.text(e.name));
    }
  });
  return out;
}

/** `Farm` (a destructured parameter's member) or `db.Farm` (a member of a parameter). */
function fromParameter(f: TsFile, n: ts.Node | undefined, params: Set<string>): boolean {
  const x = f.syntax;
  const K = x.K;
  const e = x.unwrap(n);
  if (!e) return false;
  if (e.kind === K.Identifier) return params.has(x.text(e));
  if (e.kind !== K.PropertyAccessExpression) return false;
  const root = (e as ts.PropertyAccessExpression).expression;
  return root.kind === K.Identifier && params.has(x.text(root));
}

function association(f: TsFile, method: string, sourceNode: ts.Node, args: readonly ts.Node[], added: AddedKey[], parameter = false): void {
  const x = f.syntax;
  const K = x.K;
  const target = x.unwrap(args[0]);
  const options = x.unwrap(args[1]);
  const isName = (n: ts.Node | undefined) => !!n && (n.kind === K.Identifier || n.kind === K.PropertyAccessExpression);
  if (!isName(sourceNode) || !isName(target) || x.text(sourceNode) === 'this') return;
  if (options && !wholeObject(f, options)) return;
  const o = x.props(options);
  const fk = x.unwrap(o.get('foreignKey'));
  const fkProps = fk && fk.kind === K.ObjectLiteralExpression ? x.props(fk) : undefined;
  if (fk && fk.kind === K.ObjectLiteralExpression && !wholeObject(f, fk)) return;
  const attr = fkProps ? x.literal(fkProps.get('name') ?? fkProps.get('fieldName'))?.value : x.literal(fk)?.value;
  const column = fkProps ? (x.literal(fkProps.get('field'))?.value ?? attr) : attr;
  const text = `${x.text(sourceNode)}.${method}(${x.text(target!)})`;
  // Where the key lives and what it references.
  let holder: ts.Node;
  let referenced: ts.Node;
  let keyOption: string;
  if (method === 'belongsTo') [holder, referenced, keyOption] = [sourceNode, target!, 'targetKey'];
  else if (method === 'belongsToMany') {
    const through = x.unwrap(o.get('through'));
    const throughName = x.literal(through);
    // A join table named by a string is a model Sequelize makes itself (`tableName` the string), with the two keys
    // it names: a table whose columns FK Guard does not work out (R14-5).
    if (throughName) throughTable(f, throughName, text);
    if (!isName(through)) return;
    [holder, referenced, keyOption] = [through!, sourceNode, 'sourceKey'];
  } else [holder, referenced, keyOption] = [target!, sourceNode, 'sourceKey'];
  const keyNode = o.get(keyOption);
  const key = keyNode ? x.literal(keyNode) : undefined;
  // The key attribute is added whether or not it is made a constraint.
  if (method !== 'belongsToMany') {
    if (fk === undefined) added.push({ holder: x.text(holder), text });
    else if (attr !== undefined) {
      const field = fkProps ? x.literal(fkProps.get('field'))?.value : undefined;
      const keyColumn: ColumnFact = {
        name: field ?? attr,
        attr,
        primaryKey: false,
        unique: fkProps !== undefined && x.bool(fkProps.get('unique')) === true,
        span: (fkProps ? x.literal(fkProps.get('name') ?? fkProps.get('fieldName')) : x.literal(fk))?.contentSpan ?? x.span(fk!),
        hasForeignKey: true,
      };
      if (field === undefined) keyColumn.derivedName = true;
      // Sequelize types the key as the key it references (`type: this.target.rawAttributes[this.targetKey].type`).
      if (!keyNode || key) keyColumn.keyOf = { model: x.text(referenced), ...(key ? { key: key.value } : {}) };
      added.push({ holder: x.text(holder), column: keyColumn, text });
    }
  }
  const constraints = o.get('constraints');
  if (constraints && x.bool(constraints) !== true) return;
  if (keyNode && !key) return;
  // No `foreignKey`: Sequelize names the key from the referenced model (R14-6), which the checker works out.
  const asNode = o.get('as');
  const as = asNode === undefined ? undefined : (x.literal(x.unwrap(asNode))?.value ?? null);
  const sequelizeDefault = fk === undefined && method !== 'belongsToMany' ? { method: method as 'belongsTo' | 'hasOne' | 'hasMany', ...(as !== undefined ? { as } : {}) } : undefined;
  f.facts.references.push({
    form: 'attribute',
    owner: x.text(referenced),
    attr: key?.value,
    span: key?.contentSpan ?? x.span(method === 'belongsTo' ? target! : sourceNode),
    // `belongsToMany` gives the through model's key the referenced key's type, whatever that model declares
    // (`Object.assign(through.rawAttributes[foreignKey], { type: sourceKeyType })`): no type to compare there.
    source: { className: x.text(holder), ...(column !== undefined && method !== 'belongsToMany' ? { column } : {}), ...(sequelizeDefault ? { sequelizeDefault } : {}) },
    // A model a parameter holds is whatever the caller passes, which FK Guard does not follow (R15-14).
    ...(parameter ? { ownerUnread: `\`${x.text(referenced)}\` and \`${x.text(holder)}\` are models this module's function is given as a parameter: which models they are is up to its caller, which FK Guard does not follow` } : {}),
    context: 'model',
  });
}

/**
 * The Sequelize instances this file makes, by the variable each is bound to (`const db = new Sequelize(...)`,
 * whatever its name), with what its options say of its models' naming (`define`): undefined where FK Guard cannot
 * see them (a config passed in, a `define` it cannot read whole, a variable bound twice), so the project's
 * combined `define` decides as before. A model `db.define(...)` makes takes its instance's naming, as Sequelize does.
 */
function instancesMade(f: TsFile): Map<string, SequelizeNaming | undefined> {
  const x = f.syntax;
  const K = x.K;
  const made = new Map<string, SequelizeNaming | undefined>();
  if (!f.importsFrom('sequelize', 'sequelize-typescript')) return made;
  const bound = new Set<string>();
  x.walk(f.tree, (node) => {
    if (node.kind !== K.VariableDeclaration) return;
    const decl = node as ts.VariableDeclaration;
    if (decl.name.kind !== K.Identifier) return;
    const name = x.text(decl.name);
    const init = x.unwrap(decl.initializer);
    const twice = bound.has(name);
    bound.add(name);
    if (twice) {
      if (made.has(name)) made.set(name, undefined);
      return;
    }
    if (!init || init.kind !== K.NewExpression) return;
    const call = init as ts.NewExpression;
    const callee = call.expression;
    const className = callee.kind === K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).name) : x.text(callee);
    if (className !== 'Sequelize') return;
    const say = instanceSay(f, call.arguments ?? [], []);
    made.set(name, say === 'config' || say.freezeTableName === null || say.underscored === null ? undefined : say);
  });
  return made;
}

/** The nearest variable declaration or statement around a node (ts-morph's `isStatement` kinds). */
function declarationOrStatement(x: Syntax, n: ts.Node): ts.Node | undefined {
  const K = x.K;
  const statements = new Set([
    K.Block, K.BreakStatement, K.ClassDeclaration, K.ContinueStatement, K.DebuggerStatement, K.DoStatement, K.EmptyStatement,
    K.EnumDeclaration, K.ExportAssignment, K.ExportDeclaration, K.ExpressionStatement, K.ForInStatement, K.ForOfStatement,
    K.ForStatement, K.FunctionDeclaration, K.IfStatement, K.ImportDeclaration, K.ImportEqualsDeclaration, K.InterfaceDeclaration,
    K.LabeledStatement, K.ModuleBlock, K.ModuleDeclaration, K.NotEmittedStatement, K.ReturnStatement, K.SwitchStatement,
    K.ThrowStatement, K.TryStatement, K.TypeAliasDeclaration, K.VariableStatement, K.WhileStatement, K.WithStatement,
  ]);
  for (let a = n.parent; a; a = a.parent) if (a.kind === K.VariableDeclaration || statements.has(a.kind)) return a;
  return undefined;
}

/**
 * A naming option as the model writes it: its literal value, `null` when written as something FK Guard cannot
 * read (a variable, a condition), `undefined` when not written (the instance's `define` decides).
 */
function namingOption(f: TsFile, options: Map<string, ts.Node>, key: string): boolean | null | undefined {
  const n = options.get(key);
  if (!n) return undefined;
  return f.syntax.bool(n) ?? null;
}

/** The model's own naming options (see `ClassFact.sequelizeOptions`). */
function modelOptions(f: TsFile, modelName: string, optionsNode: ts.Node | undefined, instance?: SequelizeNaming): NonNullable<ClassFact['sequelizeOptions']> {
  const options = f.syntax.props(optionsNode);
  const out: NonNullable<ClassFact['sequelizeOptions']> = { model: f.syntax.literal(options.get('modelName'))?.value ?? modelName };
  // An option the model does not write is its instance's (`define`), when FK Guard knows the instance.
  const own = (key: 'freezeTableName' | 'underscored') => {
    const written = namingOption(f, options, key);
    return written !== undefined ? written : (instance?.[key] ?? undefined);
  };
  const freeze = own('freezeTableName');
  const underscored = own('underscored');
  if (freeze !== undefined) out.freezeTableName = freeze;
  if (underscored !== undefined) out.underscored = underscored;
  // The model's own `schema` (a literal one is `ClassFact.schema`), else its instance's `define`.
  const schema = options.has('schema') ? schemaOption(f, options.get('schema')) : instance?.schema;
  if (schema !== undefined) out.schema = schema;
  if (schema !== undefined && !options.has('schema')) out.schemaFromInstance = true;
  // `name: { singular }` replaces `Utils.singularize(modelName)`, which names the model's associations' keys.
  if (options.has('name')) out.singular = f.syntax.literal(f.syntax.props(f.syntax.unwrap(options.get('name'))).get('singular'))?.value ?? null;
  return out;
}

/** The table name Sequelize derives from a model's name (`Model.init`'s `freezeTableName` and `underscored`). */
export function sequelizeTableName(model: string, freezeTableName: boolean, underscored: boolean): string {
  if (freezeTableName) return model;
  const plural = pluralize(model);
  return underscored ? underscore(plural) : plural;
}

/** The column name Sequelize derives from an attribute without a `field`. */
export function sequelizeColumnName(attr: string, underscored: boolean): string {
  return underscored ? underscore(attr) : attr;
}

function tableNameOf(f: TsFile, modelName: string, optionsNode: ts.Node | undefined, instance?: SequelizeNaming): { name: NameExpr; span?: Span; derived?: true } {
  const x = f.syntax;
  const options = x.props(optionsNode);
  const unread = unreadOptions(f, optionsNode);
  // Options FK Guard cannot read whole (a variable, a spread, a computed key) may hold the table's name.
  if (unread) return { name: { kind: 'dynamic', text: unread } };
  const given = options.get('tableName');
  if (given) {
    const written = f.constantName(given);
    if (!written) return { name: f.dynamicName(given) };
    if ('imported' in written) return { name: { kind: 'const', name: written.imported } };
    return { name: { kind: 'literal', value: written.value }, span: written.literal?.span };
  }
  const own = modelOptions(f, modelName, optionsNode, instance);
  // A `modelName` or naming option FK Guard cannot read leaves the derived name unknown too.
  const modelNameNode = options.get('modelName');
  if ((modelNameNode && !x.literal(modelNameNode)) || own.freezeTableName === null || (own.freezeTableName !== true && own.underscored === null)) {
    return { name: { kind: 'dynamic', text: x.text(optionsNode!).replace(/\s+/g, ' ') } };
  }
  // The defaults (no `define` of the project's own); the index derives the name again under one (see `sequelizeOptions`).
  return { name: { kind: 'literal', value: sequelizeTableName(own.model, own.freezeTableName === true, own.underscored === true) }, derived: true };
}

/**
 * What `new Sequelize(...)` says of its models' naming: its options object's (the one object literal among the
 * arguments: `(url, options)`, `(db, user, password, options)`, `(options)`), Sequelize's defaults when it takes
 * none (`(url)`, `(db, user, password)`), or `config` when the options are a value FK Guard cannot see
 * (`new Sequelize(db, user, password, config)`, sequelize-cli's models/index.js).
 */
export function instanceSay(f: TsFile, args: readonly ts.Node[], texts: string[]): SequelizeNaming | 'config' {
  const x = f.syntax;
  const K = x.K;
  const object = args.map((a) => x.unwrap(a)).find((a) => a?.kind === K.ObjectLiteralExpression);
  if (object) return optionsSay(f, object, texts);
  const last = x.unwrap(args[args.length - 1]);
  const plain = (a: ts.Node | undefined) =>
    !a ||
    x.literal(a) !== undefined ||
    a.kind === K.TemplateExpression ||
    a.kind === K.NullKeyword ||
    (a.kind === K.Identifier && x.text(a) === 'undefined') ||
    /^process\.env\b/.test(x.text(a));
  if (args.length === 3 || plain(last)) return { freezeTableName: false, underscored: false, schema: '' };
  return 'config';
}

/** What an options object (an instance's, a config's) says through its `define`: the defaults without one. */
export function optionsSay(f: TsFile, options: ts.Node, texts: string[]): SequelizeNaming {
  const x = f.syntax;
  const unknown: SequelizeNaming = { freezeTableName: null, underscored: null, schema: null };
  if (!wholeObject(f, options)) return unknown;
  const define = x.props(options).get('define');
  if (!define) return { freezeTableName: false, underscored: false, schema: '' };
  texts.push(`define: ${x.text(define).replace(/\s+/g, ' ')}`);
  const o = x.unwrap(define);
  if (!o || !wholeObject(f, o)) return unknown;
  const value = (key: string): boolean | null => {
    const v = x.props(o).get(key);
    return v ? (x.bool(v) ?? null) : false;
  };
  return { freezeTableName: value('freezeTableName'), underscored: value('underscored'), schema: schemaOption(f, x.props(o).get('schema')) };
}

/**
 * A `schema` option as written: the schema (`''` for none: not written, `public`, `undefined`), `null` when FK
 * Guard cannot read it (`process.env.DB_SCHEMA`).
 */
function schemaOption(f: TsFile, n: ts.Node | undefined): string | null {
  const x = f.syntax;
  const e = x.unwrap(n);
  if (!e || e.kind === x.K.NullKeyword || (e.kind === x.K.Identifier && x.text(e) === 'undefined')) return '';
  const value = x.literal(e)?.value;
  if (value === undefined) return null;
  return value === 'public' ? '' : value;
}

/** The options as written when FK Guard cannot read them whole: not an object literal, or one with a spread or a computed key. */
function unreadOptions(f: TsFile, n: ts.Node | undefined): string | undefined {
  if (!n || wholeObject(f, n)) return undefined;
  return f.syntax.text(n).replace(/\s+/g, ' ');
}

/** An object literal FK Guard reads whole: no spread, no computed key. */
export function wholeObject(f: TsFile, n: ts.Node): boolean {
  const K = f.syntax.K;
  return n.kind === K.ObjectLiteralExpression && (n as ts.ObjectLiteralExpression).properties.every((p) => p.kind !== K.SpreadAssignment && p.name?.kind !== K.ComputedPropertyName);
}

/**
 * A model from `X.init(attributes, options)` or `sequelize.define(name, attributes, options)`; `instance` is what
 * its instance's `define` says, when this file makes the instance (see `instancesMade`).
 */
function modelFrom(
  f: TsFile,
  className: string,
  nameSpan: Span,
  span: Span,
  attributes: ts.Node | undefined,
  optionsNode: ts.Node | undefined,
  modelName: string | undefined,
  instance: SequelizeNaming | undefined,
): void {
  const x = f.syntax;
  const options = x.props(optionsNode);
  const table = tableNameOf(f, modelName ?? className, optionsNode, instance);
  const cls = newModel(className, table, x.literal(options.get('schema'))?.value, span, nameSpan);
  cls.sequelizeOptions = modelOptions(f, modelName ?? className, optionsNode, instance);
  const underscored = cls.sequelizeOptions.underscored;
  if (attributes && attributes.kind === x.K.ObjectLiteralExpression) {
    const named = new Map<string, ColumnFact[]>();
    for (const p of (attributes as ts.ObjectLiteralExpression).properties) {
      if (p.kind !== x.K.PropertyAssignment) continue;
      const attr = x.propertyName(p.name);
      const value = p.initializer;
      const column = attribute(f, attr, x.span(p.name), value, { className }, 'model', underscored);
      if (!column) continue;
      cls.columns.push(column);
      const v = x.unwrap(value);
      const unique = v && v.kind === x.K.ObjectLiteralExpression ? x.literal(x.props(v).get('unique'))?.value : undefined;
      if (unique !== undefined) named.set(unique, [...(named.get(unique) ?? []), column]);
    }
    // `unique: 'farm_ab'` on several attributes is one composite constraint, UNIQUE (a, b): no column of it is unique alone.
    for (const group of named.values()) {
      if (group.length < 2) continue;
      for (const c of group) c.unique = false;
      cls.keys.push(group.map((c) => c.name));
    }
    modelIndexes(f, options.get('indexes'), cls);
  }
  finishModel(cls);
  f.facts.classes.push(cls);
}

/**
 * A model's `indexes: [{ unique: true, fields: ['c'] }]`: each unique index over columns (not partial: no `where`) is a
 * key Sequelize's `sync()` makes (`CREATE UNIQUE INDEX`). Fields name attributes or columns; one FK Guard cannot read
 * leaves that index unread.
 */
function modelIndexes(f: TsFile, indexes: ts.Node | undefined, cls: ClassFact): void {
  const x = f.syntax;
  for (const item of x.elements(x.unwrap(indexes)) ?? []) {
    const o = x.unwrap(item);
    if (!o || o.kind !== x.K.ObjectLiteralExpression || !wholeObject(f, o)) continue;
    const props = x.props(o);
    if (x.bool(props.get('unique')) !== true || props.has('where')) continue;
    const fields = (x.elements(x.unwrap(props.get('fields'))) ?? []).map((e) => {
      const u = x.unwrap(e);
      const name = x.literal(u)?.value ?? (u && u.kind === x.K.ObjectLiteralExpression ? x.literal(x.props(u).get('name') ?? x.props(u).get('attribute'))?.value : undefined);
      return name === undefined ? undefined : cls.columns.find((c) => c.attr === name || c.name === name);
    });
    if (fields.length === 0 || fields.some((c) => !c)) continue;
    if (fields.length === 1) fields[0]!.unique = true;
    else cls.keys.push(fields.map((c) => c!.name));
  }
}

function newModel(name: string, table: { name: NameExpr; span?: Span; derived?: true }, schema: string | undefined, span: Span, nameSpan: Span): ClassFact {
  const cls: ClassFact = {
    name,
    framework: 'sequelize',
    bases: [],
    sqlmodelTable: false,
    tablename: table.name,
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
  if (table.derived) cls.derivedTablename = true;
  return cls;
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
  value: ts.Node | undefined,
  source: ReferenceFact['source'],
  context: ReferenceFact['context'],
  underscored: boolean | null | undefined,
): ColumnFact | undefined {
  const x = f.syntax;
  const v = x.unwrap(value);
  if (!v) return undefined;
  const opts = v.kind === x.K.ObjectLiteralExpression ? x.props(v) : new Map<string, ts.Node>([['type', v]]);
  const field = x.literal(opts.get('field'));
  const name = field?.value ?? sequelizeColumnName(attr, underscored === true);
  const column: ColumnFact = {
    name,
    attr,
    // Without a `field`, an instance-wide `define: { underscored }` decides the name too (see `sequelizeOptions`).
    ...(field || context !== 'model' ? {} : { derivedName: true as const }),
    type: dataType(f, opts.get('type')),
    primaryKey: x.bool(opts.get('primaryKey')) === true,
    unique: x.bool(opts.get('unique')) === true || x.literal(opts.get('unique')) !== undefined,
    nullable: x.bool(opts.get('allowNull')),
    span: field?.span ?? attrSpan,
  };
  const unique = opts.get('unique');
  if (unique && !column.unique) column.ownUnique = x.bool(unique) === false ? 'false' : 'unread';
  const refs = x.props(opts.get('references'));
  if (refs.size > 0) {
    column.hasForeignKey = true;
    const ref = reference(f, refs, withColumn(source, name), context);
    if (ref) f.facts.references.push(ref);
  }
  return column;
}

/** `references: { model: 'users' | { tableName, schema } | User, key: 'id' }`. */
function reference(f: TsFile, refs: Map<string, ts.Node>, source: ReferenceFact['source'], context: ReferenceFact['context']): ReferenceFact | undefined {
  const x = f.syntax;
  const model = x.unwrap(refs.get('model') ?? refs.get('table'));
  const key = x.literal(refs.get('key') ?? refs.get('field'));
  if (!model) return undefined;
  let tableLit = x.literal(model);
  let schema: string | undefined;
  if (!tableLit && model.kind === x.K.ObjectLiteralExpression) {
    const o = x.props(model);
    tableLit = x.literal(o.get('tableName'));
    schema = x.literal(o.get('schema'))?.value;
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
      ...(schema === undefined && context === 'model' && source.className !== undefined ? { schemaOfSource: true as const } : {}),
    };
  }
  if (model.kind === x.K.Identifier || model.kind === x.K.PropertyAccessExpression) {
    return { form: 'attribute', owner: x.text(model), attr: key?.value, span: key?.contentSpan ?? x.span(model), source, context };
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
  CITEXT: () => sqlNamedType('citext'),
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
function dataType(f: TsFile, n: ts.Node | undefined): TypeFact | undefined {
  const x = f.syntax;
  const K = x.K;
  const e = x.unwrap(n);
  if (!e) return undefined;
  const lit = x.literal(e);
  if (lit) {
    const named = sqlNamedType(lit.value);
    if (named.family === 'other') return undefined;
    return { text: lit.value, name: lit.value, ...named, source: 'explicit', span: lit.contentSpan, style: 'sequelize-string' };
  }
  const call = e.kind === K.CallExpression ? (e as ts.CallExpression) : undefined;
  const access = x.unwrap(call ? call.expression : e);
  if (!access || access.kind !== K.PropertyAccessExpression) return undefined;
  const pa = access as ts.PropertyAccessExpression;
  const name = x.text(pa.name);
  const known = DATA_TYPES[name];
  if (!known) return undefined;
  const args = (call?.arguments ?? []).map((a) => x.numberText(a) ?? '');
  return {
    text: x.text(e),
    name,
    qualifier: x.text(pa.expression),
    ...known(args),
    source: 'explicit',
    span: { start: pa.name.getStart(f.tree), end: e.end },
    style: 'sequelize',
  };
}

/**
 * sequelize-typescript: `@Table({ tableName }) class User extends Model { @Column(DataType.UUID) ... }`. A
 * class without `@Table` that derives from anything (`Model`, or a project base) is read as a base whose
 * columns its models inherit, so a key declared on a shared base class is seen.
 */
function decoratedModel(f: TsFile, cls: ts.ClassDeclaration): void {
  const x = f.syntax;
  const K = x.K;
  const fromLib = (name: string) => {
    const imp = f.importOf(name);
    return imp && imp.module === 'sequelize-typescript' ? (imp.name ?? name) : undefined;
  };
  const args = (d: ts.Decorator | undefined) => (d && x.decoratorCall(d)?.arguments) ?? [];
  const table = x.decorators(cls).find((d) => fromLib(x.decoratorName(d)) === 'Table');
  const nameNode = cls.name;
  const ext = x.extendsExpression(cls);
  if (!nameNode || (!table && !ext)) return;
  const options = x.props(args(table)[0]);
  const underscored = namingOption(f, options, 'underscored');
  const model = newModel(x.text(nameNode), tableNameOf(f, x.text(nameNode), args(table)[0]), x.literal(options.get('schema'))?.value, x.span(cls), x.span(nameNode));
  model.sequelizeOptions = modelOptions(f, x.text(nameNode), args(table)[0]);
  // `Model` itself adds nothing but the implicit key; any other base is followed by the index.
  if (ext && fromLib(x.text(ext).split('.')[0]) !== 'Model') model.bases = [x.text(ext)];
  if (!table) {
    model.abstract = true;
    model.tablename = undefined;
  }
  for (const member of cls.members) {
    if (member.kind !== K.PropertyDeclaration) continue;
    const p = member as ts.PropertyDeclaration;
    const decos = new Map(x.decorators(p).map((d) => [fromLib(x.decoratorName(d)), d] as const));
    const col = decos.get('Column');
    if (!col) continue;
    const attr = x.text(p.name);
    const value = args(col)[0];
    let column = value ? attribute(f, attr, x.span(p.name), value, { className: model.name }, 'model', underscored) : undefined;
    if (!column) {
      // A bare `@Column`: the type comes from the property's TypeScript type.
      const typeNode = p.type;
      const ts = typeNode && x.text(typeNode).split('|').map((t) => t.trim()).filter((t) => t !== 'null' && t !== 'undefined').join(' | ');
      const inferred = ts === 'number' ? sqlNamedType('integer') : ts === 'string' ? sqlNamedType('varchar', { length: '255' }) : ts === 'boolean' ? sqlNamedType('boolean') : ts === 'Date' ? sqlNamedType('timestamptz') : undefined;
      column = {
        name: sequelizeColumnName(attr, underscored === true),
        attr,
        derivedName: true,
        type: inferred && ts ? { text: ts, name: ts, ...inferred, source: 'explicit' } : undefined,
        primaryKey: false,
        unique: false,
        span: x.span(p.name),
      };
    }
    const annotation = x.annotation(p);
    if (annotation) column.annotation = annotation;
    if (decos.has('PrimaryKey')) column.primaryKey = true;
    if (decos.has('Unique')) column.unique = true;
    const fk = decos.get('ForeignKey');
    const target = fk ? x.arrowResult(args(fk)[0]) : undefined;
    if (target && (target.kind === K.Identifier || target.kind === K.PropertyAccessExpression)) {
      column.hasForeignKey = true;
      f.facts.references.push({ form: 'attribute', owner: x.text(target), span: x.span(target), source: { className: model.name, column: column.name }, context: 'model' });
    }
    model.columns.push(column);
  }
  finishModel(model);
  f.facts.classes.push(model);
}

/**
 * The attributes a migration's `createTable('T', attributes)` gives: an object literal's members, those of an object a
 * name of the file holds (`const postAttributes = { ... }` in `up` or at the top level, declared once and never
 * changed after), spread ones (`{ ...updateAttributes, ...more }`) alike. What FK Guard cannot read that way (a call, a
 * parameter, an import, a computed member, an object changed after it is made) leaves the table's columns not all
 * known (`columnsFrom`), never a table without them (R15-4).
 */
function attributeMembers(f: TsFile, n: ts.Node | undefined, fact: CoreTableFact, depth: number): ts.PropertyAssignment[] {
  const x = f.syntax;
  const K = x.K;
  const e = x.unwrap(n);
  if (!e) return [];
  const open = (at: ts.Node): ts.PropertyAssignment[] => {
    fact.columnsFrom ??= x.text(at).replace(/\s+/g, ' ');
    return [];
  };
  if (e.kind === K.Identifier) {
    const init = depth < 4 ? onlyObjectNamed(f, x.text(e)) : undefined;
    return init ? attributeMembers(f, init, fact, depth + 1) : open(e);
  }
  if (e.kind !== K.ObjectLiteralExpression) return open(e);
  const out: ts.PropertyAssignment[] = [];
  for (const p of (e as ts.ObjectLiteralExpression).properties) {
    if (p.kind === K.PropertyAssignment && p.name.kind !== K.ComputedPropertyName) out.push(p as ts.PropertyAssignment);
    else if (p.kind === K.SpreadAssignment) out.push(...attributeMembers(f, (p as ts.SpreadAssignment).expression, fact, depth + 1));
    else open(p);
  }
  return out;
}

/**
 * The object literal a name of the file holds, where that is all it can hold: one declaration of the name in the file
 * (`const` or `let`, at any depth), initialised with an object literal, and no assignment to it or into it anywhere
 * (`name = ...`, `name.x = ...`, `name[k] = ...`, `Object.assign(name, ...)`, `delete name.x`). Undefined otherwise.
 */
function onlyObjectNamed(f: TsFile, name: string): ts.Node | undefined {
  const x = f.syntax;
  const K = x.K;
  const decls: ts.VariableDeclaration[] = [];
  let changed = false;
  const writes = (t: ts.Node) => {
    let cur: ts.Node = x.unwrap(t) ?? t;
    while (cur.kind === K.PropertyAccessExpression || cur.kind === K.ElementAccessExpression) cur = (cur as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
    return cur.kind === K.Identifier && x.text(cur) === name;
  };
  x.walk(f.tree, (d) => {
    if (d.kind === K.VariableDeclaration && (d as ts.VariableDeclaration).name.kind === K.Identifier && x.text((d as ts.VariableDeclaration).name) === name) decls.push(d as ts.VariableDeclaration);
    else if (d.kind === K.BinaryExpression && /^[-+*/%&|^]?=$|^(\*\*|<<|>>>?|&&|\|\||\?\?)=$/.test(x.text((d as ts.BinaryExpression).operatorToken)) && writes((d as ts.BinaryExpression).left)) changed = true;
    else if (d.kind === K.DeleteExpression && writes((d as ts.DeleteExpression).expression)) changed = true;
    else if (d.kind === K.CallExpression && /^Object\.(assign|defineProperty|defineProperties)$/.test(x.text((d as ts.CallExpression).expression)) && (d as ts.CallExpression).arguments[0] && writes((d as ts.CallExpression).arguments[0])) changed = true;
  });
  if (changed || decls.length !== 1) return undefined;
  const init = x.unwrap(decls[0].initializer);
  return init && init.kind === K.ObjectLiteralExpression ? init : undefined;
}

/** sequelize-cli migrations: the calls on `up`'s first parameter (`queryInterface`), in order. */
function migrations(f: TsFile): void {
  const x = f.syntax;
  const K = x.K;
  const up = upFunctionNode(f);
  const fn = up && (up.kind === K.FunctionDeclaration || up.kind === K.MethodDeclaration || up.kind === K.ArrowFunction || up.kind === K.FunctionExpression) ? (up as ts.FunctionLikeDeclaration) : undefined;
  const first = fn?.parameters[0];
  const qi = first && x.text(first.name);
  if (!fn || !qi) return;
  const calls: ts.CallExpression[] = [];
  x.walk(fn, (d) => {
    if (d.kind !== K.CallExpression) return;
    const callee = (d as ts.CallExpression).expression;
    if (callee.kind === K.PropertyAccessExpression && x.text((callee as ts.PropertyAccessExpression).expression) === qi) calls.push(d as ts.CallExpression);
  });
  if (calls.length === 0) return;
  f.facts.migration ??= { ops: [] };
  const ops = f.facts.migration.ops;
  for (const c of calls) {
    const callee = c.expression as ts.PropertyAccessExpression;
    const args = c.arguments;
    // The table: `'users'` or `{ tableName: 'users', schema: 'auth' }`.
    const tableArg = x.unwrap(args[0]);
    const tableOpts = x.props(tableArg);
    const tableLit = x.literal(tableArg) ?? x.literal(tableOpts.get('tableName'));
    const schema = x.literal(tableOpts.get('schema'))?.value;
    if (!tableLit) continue;
    const table = tableLit.value;
    const position = ops.length;
    const firstRef = f.facts.references.length;
    const source: ReferenceFact['source'] = { table: { kind: 'literal', value: table }, schema };
    const lit = (n: ts.Node | undefined) => x.literal(n)?.value;
    switch (x.text(callee.name)) {
      case 'createTable': {
        const fact: CoreTableFact = { name: { kind: 'literal', value: table }, schema, columns: [], keys: [], span: x.span(c), nameSpan: tableLit.span, origin: 'migration' };
        for (const p of attributeMembers(f, args[1], fact, 0)) {
          const column = attribute(f, x.propertyName(p.name), x.span(p.name), p.initializer, source, 'migration', false);
          if (column) fact.columns.push(column);
        }
        f.facts.tables.push(fact);
        ops.push({ op: 'create_table', tableIndex: f.facts.tables.length - 1 });
        break;
      }
      case 'addColumn': {
        const name = x.literal(args[1]);
        const column = name ? attribute(f, name.value, name.span, args[2], source, 'migration', false) : undefined;
        if (column) ops.push({ op: 'add_column', table, schema, column });
        break;
      }
      case 'changeColumn': {
        const name = lit(args[1]);
        const column = name ? attribute(f, name, x.span(args[1]), args[2], source, 'migration', false) : undefined;
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
        // `addConstraint('posts', { fields: ['user_id'], type: 'foreign key', references: { table, field } })`;
        // `{ fields: ['code'], type: 'unique' }` (or `'primary key'`) makes a key a foreign key may target.
        const o = x.props(args[1]);
        const type = lit(o.get('type'))?.toLowerCase();
        const fields = x.elements(o.get('fields'))?.map((e) => indexField(f, e)) ?? [];
        if (type === 'unique' || type === 'primary key') {
          const name = lit(o.get('name'));
          if (fields.length > 0 && fields.every((c) => c !== undefined)) ops.push({ op: 'add_key', table, schema, columns: fields as string[], ...(type === 'primary key' ? { primary: true as const } : {}), ...(name ? { name } : {}) });
          break;
        }
        if (type !== 'foreign key') break;
        const ref = reference(f, x.props(o.get('references')), withColumn(source, fields[0]), 'migration');
        if (ref) f.facts.references.push(ref);
        break;
      }
      case 'addIndex': {
        // `addIndex('farms', ['code'], { unique: true, name })`, or `addIndex('farms', { fields: ['code'], unique: true })`.
        const first = x.unwrap(args[1]);
        const o = first && first.kind === K.ObjectLiteralExpression ? x.props(first) : x.props(x.unwrap(args[2]));
        if (x.bool(o.get('unique')) !== true) break;
        const list = first && first.kind === K.ObjectLiteralExpression ? o.get('fields') : first;
        const fields = x.elements(list)?.map((e) => indexField(f, e)) ?? [];
        const name = lit(o.get('name'));
        if (fields.length > 0 && fields.every((c) => c !== undefined)) ops.push({ op: 'add_key', table, schema, columns: fields as string[], ...(name ? { name } : {}) });
        break;
      }
    }
    for (const r of f.facts.references.slice(firstRef)) r.migrationOp = position;
    f.placeOps(c.getStart(f.tree));
  }
}

/** A column of an index or constraint: `'code'`, or `{ name: 'code' }` / `{ attribute: 'code' }` (with an order, a length). */
function indexField(f: TsFile, n: ts.Node): string | undefined {
  const x = f.syntax;
  const e = x.unwrap(n);
  const plain = x.literal(e)?.value;
  if (plain !== undefined) return plain;
  const o = x.props(e);
  return x.literal(o.get('name') ?? o.get('attribute'))?.value;
}

/**
 * The project's instance-wide model options (`define`), combined over every instance (see
 * `SchemaIndex.sequelizeDefine`): an option's value when all agree, `null` when they differ or one cannot be read;
 * `file` and `text` say where the first `define` is written.
 */
export interface SequelizeDefine {
  freezeTableName: boolean | null;
  underscored: boolean | null;
  schema: string | null;
  file: string;
  text: string;
}

/** A package.json whose `sequelize` range admits version 4: `underscored` names neither columns nor tables there. */
export interface SequelizeLegacy {
  file: string;
  range: string;
}

function defineSays(define: SequelizeDefine): string {
  return `Sequelize's \`define\` options (\`${define.text}\` in ${define.file}), which do not say one name for every model (they differ between instances, or FK Guard cannot read them whole)`;
}

function legacySays(legacy: SequelizeLegacy): string {
  // A range starts with a digit, an operator or `v`; anything else is a source (git, URL, folder, workspace).
  const source = !/^\s*(?:[\d^~=<>v*x]|npm:)/i.test(legacy.range);
  const admits = source ? `installs \`sequelize\` from \`${legacy.range}\`, whose version FK Guard cannot tell` : `admits \`sequelize@${legacy.range}\``;
  return `Sequelize's \`underscored\`, which names columns and tables only from Sequelize 5 on, while ${legacy.file} ${admits}`;
}

/** A model's `underscored`: its own, else the instances' (`null`: not known), else Sequelize's default. */
function underscoredOf(own: NonNullable<ClassFact['sequelizeOptions']>, define: SequelizeDefine | undefined): boolean | null {
  return own.underscored !== undefined ? own.underscored : define ? define.underscored : false;
}

/**
 * The table of a Sequelize model whose name Sequelize derives (no `tableName`), under the project's `define`:
 * its name, or why it is not known; undefined when the name the file's reader derived stands (no `define`, no
 * Sequelize 4). A model's own `freezeTableName` and `underscored` win over the instance's.
 */
export function sequelizeModelTable(cls: ClassFact, define: SequelizeDefine | undefined, legacy: SequelizeLegacy | undefined): { name: string } | { unknown: string } | undefined {
  const own = cls.sequelizeOptions;
  if ((!define && !legacy) || !own || !cls.derivedTablename || !cls.tablename || cls.abstract) return undefined;
  const freeze = own.freezeTableName !== undefined ? own.freezeTableName : define ? define.freezeTableName : false;
  const underscored = underscoredOf(own, define);
  if (define && (freeze === null || (freeze === false && underscored === null))) return { unknown: `\`${cls.name}\`'s table is named by ${defineSays(define)}` };
  if (legacy && freeze !== true && underscored !== false) return { unknown: `\`${cls.name}\`'s table is named by ${legacySays(legacy)}` };
  if (!define) return undefined;
  return { name: sequelizeTableName(own.model, freeze === true, underscored === true) };
}

/**
 * The schema of a Sequelize model's table where the model names none of its own that FK Guard reads as a literal
 * (`ClassFact.schema`): its own option's or its instance's (`define: { schema }`), else the project's `define`.
 * Sequelize qualifies the table with it (`getTableName()` is `{ tableName, schema }`) on the databases that have
 * schemas; elsewhere (MySQL, SQLite) it writes one name, `app.Farms`, which FK Guard does not model.
 */
export function sequelizeModelSchema(cls: ClassFact, define: SequelizeDefine | undefined, postgres: boolean): { known: true; schema?: string } | { known: false; why: string } | undefined {
  const own = cls.sequelizeOptions;
  if (!own || cls.abstract) return undefined;
  const schema = own.schema !== undefined ? own.schema : define ? define.schema : '';
  if (schema === '') return undefined;
  if (schema === null) {
    const why = own.schema === null
      ? own.schemaFromInstance ? `its instance's \`define: { schema }\`, which FK Guard cannot read` : `its model's \`schema\` option, which FK Guard cannot read`
      : `Sequelize's \`define\` options (\`${define!.text}\` in ${define!.file}), which do not say one schema for every model (they differ between instances, or FK Guard cannot read them)`;
    return { known: false, why: `it is named by ${why}` };
  }
  if (!postgres) return { known: false, why: `Sequelize writes it as one name, \`${schema}.<table>\`, on a database without schemas` };
  return { known: true, schema };
}

/**
 * How the columns of a Sequelize model that have no `field` are named: snake_cased (`underscore`), or unknown
 * (with the phrase that says why: "… names columns by <why>"); undefined when the reader's names stand.
 */
export function sequelizeColumnNaming(cls: ClassFact, define: SequelizeDefine | undefined, legacy: SequelizeLegacy | undefined): { underscore: true } | { unknown: string } | undefined {
  const own = cls.sequelizeOptions;
  if (!own) return undefined;
  if (own.underscored === null) return { unknown: `its model's \`underscored\` option, which FK Guard cannot read` };
  const underscored = underscoredOf(own, define);
  if (underscored === null && define) return { unknown: defineSays(define) };
  if (legacy && underscored !== false) return { unknown: legacySays(legacy) };
  if (own.underscored === undefined && underscored === true) return { underscore: true };
  return undefined;
}
