import type { ts } from 'ts-morph';
import { AnnotationFact, ClassFact, ColumnFact, ImportFact, JoinColumnFact, ReferenceFact, Span, TypeFact } from '../types';
import { constValue, truthy } from './constValue';
import { Literal, TsFile, typeormCamelCase, typeormSnakeCase } from './context';
import { readTypeormMigration } from './typeormMigrations';
import { sqlNamedType, typeormInferred } from './types';

const COLUMN_DECORATORS = new Set([
  'Column',
  'PrimaryColumn',
  'PrimaryGeneratedColumn',
  'CreateDateColumn',
  'UpdateDateColumn',
  'DeleteDateColumn',
  'VersionColumn',
]);
const RELATION_DECORATORS = new Set(['ManyToOne', 'OneToOne', 'ManyToMany', 'OneToMany']);

/**
 * TypeORM entities: `@Entity()` classes (table name by the default naming strategy: the class name in
 * snake_case, or the name given), their `@Column`s with types, and the foreign keys of `@ManyToOne` /
 * `@OneToOne` with `@JoinColumn` and of `@ManyToMany` with `@JoinTable`. A class with columns but no
 * `@Entity` is a base whose columns its entities inherit.
 *
 * Read on the compiler's nodes (`TsFile.syntax`), never through ts-morph's wrappers: an entity is mostly
 * decorators and their options, and wrapping them was most of this reader's cost.
 */
export function readTypeorm(f: TsFile): void {
  const joins: ClassFact[] = [];
  for (const cls of f.syntax.topClasses()) readClass(f, cls, joins);
  // After the entities, so that the file's classes keep their order.
  f.facts.classes.push(...joins);
  readHelpers(f);
  // Migrations written with the query runner's Table API (`queryRunner.createTable(new Table({...}))`).
  if (f.facts.imports.some((i) => i.module === 'typeorm' && (i.name === 'MigrationInterface' || i.name === 'QueryRunner' || i.name === 'Table'))) readTypeormMigration(f);
}

/**
 * The join table TypeORM creates for `@ManyToMany` + `@JoinTable` on an entity, as a class of this file
 * whose table the index computes (see `joinTables.ts`): its name and columns follow from both entities'
 * tables and primary keys, which may be in other files or inherited. What `@JoinTable({ name, schema,
 * joinColumn(s), inverseJoinColumn(s) })` gives is read here; an option FK Guard cannot read (a variable,
 * a spread) leaves that part to TypeORM's defaults no more than to a guess: the join table is then not
 * modelled (`JoinTableFact` without columns is mapped to nothing).
 */
function joinTableClass(f: TsFile, owner: ClassFact, relation: string, target: string, arg: ts.Node | undefined, at: ts.Node): ClassFact | undefined {
  const x = f.syntax;
  const K = x.K;
  const options = x.unwrap(arg);
  if (options && options.kind !== K.ObjectLiteralExpression) return undefined;
  const opts = x.props(options);
  const columns = (single: string, many: string): JoinColumnFact[] | undefined | false => {
    const one = x.unwrap(opts.get(single));
    const list = x.unwrap(opts.get(many));
    const listed = x.elements(list);
    const items = one ? [one] : listed ? listed.map((e) => x.unwrap(e)) : list ? [list] : undefined;
    if (!items) return undefined;
    const out: JoinColumnFact[] = [];
    for (const item of items) {
      if (!item || item.kind !== K.ObjectLiteralExpression) return false;
      const props = x.props(item);
      const name = x.literal(props.get('name'));
      const ref = x.literal(props.get('referencedColumnName'));
      if ((props.has('name') && !name) || (props.has('referencedColumnName') && !ref)) return false;
      out.push({ ...(name ? { name: name.value, nameSpan: name.span } : {}), ...(ref ? { referencedColumnName: ref.value } : {}) });
    }
    return out;
  };
  const joinColumns = columns('joinColumn', 'joinColumns');
  const inverseJoinColumns = columns('inverseJoinColumn', 'inverseJoinColumns');
  const nameLit = x.literal(opts.get('name'));
  const schemaLit = x.literal(opts.get('schema'));
  if (joinColumns === false || inverseJoinColumns === false || (opts.has('name') && !nameLit) || (opts.has('schema') && !schemaLit)) return undefined;
  const span = x.span(at);
  const schema = schemaLit?.value ?? owner.schema;
  return {
    // Not an identifier: no code can name the join table's class, only its table.
    name: `${owner.name}#${relation}`,
    framework: 'typeorm',
    bases: [],
    sqlmodelTable: false,
    declaredTablename: false,
    abstract: false,
    ...(nameLit ? { tablename: { kind: 'literal', value: nameLit.value }, tablenameSpan: nameLit.span } : {}),
    ...(schema ? { schema } : {}),
    columns: [],
    constraints: [],
    keys: [],
    joinTable: { owner: owner.name, relation, target, ...(joinColumns ? { joinColumns } : {}), ...(inverseJoinColumns ? { inverseJoinColumns } : {}), span },
    span,
    nameSpan: span,
  };
}

/**
 * Decorator factories of this file that other files may import (`export const PrimaryId = () =>
 * PrimaryGeneratedColumn()`): each that makes exactly one TypeORM column, takes no parameters and names
 * no column becomes a column helper, which the index applies to a member decorated with it in another
 * file (see `ClassFact.opaque`). One that takes parameters may make a different column for each use, and
 * stays a decorator FK Guard does not follow.
 */
function readHelpers(f: TsFile): void {
  const x = f.syntax;
  const K = x.K;
  const names = [
    ...x.topFunctions().filter((fn) => fn.parameters.length === 0).map((fn) => x.name(fn)),
    ...x.topVariables().filter((v) => {
      const init = x.unwrap(v.initializer);
      return init && (init.kind === K.ArrowFunction || init.kind === K.FunctionExpression) && (init as ts.ArrowFunction).parameters.length === 0;
    }).map((v) => x.name(v)),
  ].filter((n): n is string => !!n);
  for (const name of names) {
    const out: Decorations = { typeorm: new Map(), opaque: [] };
    follow(f, name, [], undefined, out, 0);
    if (out.opaque.length > 0 || out.typeorm.size !== 1) continue;
    const [kind, applied] = [...out.typeorm][0];
    if (!COLUMN_DECORATORS.has(kind)) continue;
    const firstLit = x.literal(applied.args[0]);
    const options = x.props(firstLit ? applied.args[1] : applied.args[0]);
    if (options.has('name')) continue;
    const column = columnOf(f, kind, applied, firstLit, options, undefined);
    const helper: ColumnFact = { name: '', type: column.type, primaryKey: column.primaryKey, unique: column.unique, nullable: column.nullable, span: { start: 0, end: 0 } };
    if (column.maybeKey) helper.maybeKey = true;
    (f.facts.columnHelpers ??= {})[name] = helper;
  }
}

/**
 * A TypeORM decorator applied to a class or member: written there (`@Column('int')`), or returned by a
 * project decorator factory defined in the file (`const PrimaryId = () => PrimaryGeneratedColumn()`).
 */
interface Applied {
  /** TypeORM's name for it (`Column`, `PrimaryGeneratedColumn`). */
  name: string;
  /** The arguments of TypeORM's call, where they are written. */
  args: readonly ts.Node[];
  /**
   * TypeORM's call when it is written on the member itself; undefined through a factory, whose arguments
   * serve every member it decorates, so no fix may rewrite them.
   */
  call?: ts.CallExpression;
}

/** What a class's or member's decorators say: TypeORM's by name, and project decorators FK Guard cannot follow. */
interface Decorations {
  typeorm: Map<string, Applied>;
  opaque: string[];
}

/** How deep factories may call factories before FK Guard stops following (a cycle, or code too clever to read). */
const FACTORY_DEPTH = 4;

/**
 * Reads the decorators of a class or member. A decorator imported from `typeorm` (or not imported at all,
 * in a file that declares TypeORM's names globally) is TypeORM's; a function of this file is followed to
 * what it returns (several through `applyDecorators`); one imported from a relative path is a project
 * decorator FK Guard cannot follow, which may add columns: the class's columns are then not all known.
 * Decorators from other packages (validation, serialisation, API docs) say nothing about columns.
 */
function decorators(f: TsFile, node: ts.ClassDeclaration | ts.PropertyDeclaration): Decorations {
  const x = f.syntax;
  const out: Decorations = { typeorm: new Map(), opaque: [] };
  for (const d of x.decorators(node)) {
    const call = x.decoratorCall(d);
    follow(f, x.decoratorName(d), call?.arguments ?? [], call, out, 0);
  }
  return out;
}

function follow(f: TsFile, name: string, args: readonly ts.Node[], call: ts.CallExpression | undefined, out: Decorations, depth: number): void {
  const x = f.syntax;
  const K = x.K;
  const imp = f.importOf(name);
  if (imp) {
    if (imp.module === 'typeorm') out.typeorm.set(imp.name ?? name, { name: imp.name ?? name, args, call });
    else if (f.isRelativeImport(name)) out.opaque.push(name);
    return;
  }
  const factory = localFunction(f, name);
  if (!factory) {
    out.typeorm.set(name, { name, args, call });
    return;
  }
  if (depth >= FACTORY_DEPTH) {
    out.opaque.push(name);
    return;
  }
  const result = x.unwrap(factory);
  const calls = result && result.kind === K.CallExpression && x.text((result as ts.CallExpression).expression) === 'applyDecorators' ? (result as ts.CallExpression).arguments : [result];
  for (const c of calls) {
    const e = x.unwrap(c);
    if (e && e.kind === K.CallExpression && (e as ts.CallExpression).expression.kind === K.Identifier) follow(f, x.text((e as ts.CallExpression).expression), (e as ts.CallExpression).arguments, undefined, out, depth + 1);
    // `const Id = PrimaryGeneratedColumn`: the alias takes the arguments written where it is used.
    else if (e && e.kind === K.Identifier) follow(f, x.text(e), args, undefined, out, depth + 1);
    else out.opaque.push(name);
  }
}

/**
 * What a function of this file returns, when it is a decorator factory FK Guard can read: `function X() {
 * return Column() }`, `const X = () => Column()`, `const X = Column`. Undefined for a name that is no such
 * function here.
 */
function localFunction(f: TsFile, name: string): ts.Node | undefined {
  const x = f.syntax;
  const K = x.K;
  const fn = x.topFunctions().find((fn) => x.name(fn) === name);
  if (fn) {
    const ret = fn.body?.kind === K.Block ? (fn.body.statements.find((s) => s.kind === K.ReturnStatement) as ts.ReturnStatement | undefined) : undefined;
    return ret ? (ret.expression ?? fn) : fn;
  }
  const v = x.topVariable(name)?.decl;
  const init = x.unwrap(v?.initializer);
  if (!init) return undefined;
  if (init.kind === K.ArrowFunction || init.kind === K.FunctionExpression) return x.arrowResult(init) ?? init;
  return init;
}

function readClass(f: TsFile, cls: ts.ClassDeclaration, joins: ClassFact[]): void {
  const x = f.syntax;
  const K = x.K;
  const nameNode = cls.name;
  if (!nameNode) return;
  const classDecorators = decorators(f, cls);
  const entity = classDecorators.typeorm.get('Entity');
  // One pass over the members, in order, with loops rather than chained filters and spreads: this runs for every
  // property of every entity, mostly before the reader is optimised.
  const props: Array<{ p: ts.PropertyDeclaration; decos: Decorations }> = [];
  let mapped = 0;
  // A member whose only decorator is a project one of another file may get its column from a column helper
  // there (see `readHelpers`): the index follows it. Any other project decorator FK Guard cannot follow may
  // add columns, so the class's columns are not all known.
  const helped: Array<{ p: ts.PropertyDeclaration; decos: Decorations }> = [];
  const opaque = classDecorators.opaque.slice();
  const members = cls.members;
  for (let i = 0; i < members.length; i++) {
    if (members[i].kind !== K.PropertyDeclaration) continue;
    const p = members[i] as ts.PropertyDeclaration;
    const entry = { p, decos: decorators(f, p) };
    props.push(entry);
    const maps = mapsColumn(entry.decos.typeorm);
    if (maps) mapped++;
    if (entry.decos.opaque.length === 1 && !maps && x.decorators(p).length === 1) helped.push(entry);
    else for (const o of entry.decos.opaque) opaque.push(o);
  }
  const classBases = bases(f, cls);
  // A class that maps nothing itself still matters when it derives from a project class (an intermediate
  // base) or carries decorators FK Guard cannot follow: its entities' columns pass through it.
  // A class built on TypeORM's own `BaseEntity` is kept even when it maps nothing (a project's helper that
  // every entity extends, adding methods only): its entities then know they take no column from it, instead
  // of leaving their references unchecked because their base is unknown.
  if (!entity && mapped === 0 && classBases.length === 0 && opaque.length === 0 && helped.length === 0 && !extendsTypeormBase(f, cls)) return;

  const fact: ClassFact = {
    name: x.text(nameNode),
    framework: 'typeorm',
    bases: classBases,
    sqlmodelTable: false,
    declaredTablename: false,
    abstract: !entity,
    ...(opaque.length > 0 ? { opaqueDecorators: opaque } : {}),
    columns: [],
    constraints: [],
    keys: [],
    ...(helped.length > 0 ? { opaque: helped.map(({ p, decos }) => ({ attr: x.text(p.name), callee: decos.opaque[0], span: x.span(p.name) })) } : {}),
    span: x.span(cls),
    nameSpan: x.span(nameNode),
  };
  if (entity) {
    // `@Entity('users')`, `@Entity('users', { schema })`, `@Entity({ name, schema })`, `@Entity()`.
    const args = entity.args;
    const isOptions = args[0] !== undefined && x.unwrap(args[0])?.kind === K.ObjectLiteralExpression;
    const options = x.props(isOptions ? args[0] : args[1]);
    const given = isOptions ? options.get('name') : args[0];
    // `@Entity(USERS)`: a constant of this file, or an imported one the index resolves. A name FK Guard cannot
    // read (`@Entity(process.env.X ?? 'things')`) is no reason to take the class's: the table's name is unknown.
    const written = given ? f.constantName(given) : undefined;
    if (given && !written) fact.tablename = f.dynamicName(given);
    else if (written && 'imported' in written) fact.tablename = { kind: 'const', name: written.imported };
    else if (written) {
      fact.tablename = { kind: 'literal', value: written.value };
      if (written.literal) fact.tablenameSpan = written.literal.span;
    } else {
      fact.tablename = { kind: 'literal', value: typeormSnakeCase(fact.name) };
      fact.derivedTablename = true;
    }
    fact.abstract = false;
    const schema = x.literal(options.get('schema'))?.value;
    if (schema) fact.schema = schema;
  }
  for (const { p, decos } of props) readColumn(f, p, decos, fact);
  for (const { p, decos } of props) readRelation(f, p, decos, fact, joins);
  // `@Unique(['email'])`, `@Unique('uq_name', ['a', 'b'])` on the class.
  for (const d of x.decorators(cls)) {
    const name = x.decoratorName(d);
    const imp = f.importOf(name);
    if ((imp ? imp.module === 'typeorm' && (imp.name ?? name) : name) !== 'Unique') continue;
    const args = x.decoratorCall(d)?.arguments ?? [];
    const list = args.find((a) => a.kind === K.ArrayLiteralExpression) as ts.ArrayLiteralExpression | undefined;
    if (!list) continue;
    const names = list.elements.map((e) => x.literal(e)?.value).filter((v): v is string => v !== undefined);
    const one = names.length === 1 ? fact.columns.find((c) => c.attr === names[0] || c.name === names[0]) : undefined;
    if (one) one.unique = true;
    else if (names.length > 0) fact.keys.push(names.map((n) => fact.columns.find((c) => c.attr === n)?.name ?? n));
  }
  readIndexes(f, cls, props, fact);
  f.facts.classes.push(fact);
}

/** Whether a decorator is TypeORM's `name` (imported from `typeorm`, or not imported at all). */
function isTypeorm(f: TsFile, d: ts.Decorator, name: string): boolean {
  const written = f.syntax.decoratorName(d);
  const imp = f.importOf(written);
  return (imp ? imp.module === 'typeorm' && (imp.name ?? written) : written) === name;
}

/**
 * `@Index(...)` with `{ unique: true }` on the class (`@Index('name', ['a', 'b'], { unique: true })`, `@Index(['a'],
 * { unique: true })`, `@Index((e) => [e.a], ...)`) or on a property (`@Index({ unique: true })`): TypeORM makes a
 * `CREATE UNIQUE INDEX`, which a foreign key may target (R13-22). TypeORM takes any truthy `unique` (`Index`: `options
 * && options.unique ? true : false`). Not a key: a partial index (`where`), nor one TypeORM leaves alone
 * (`synchronize: false`: the database has it only if a migration FK Guard may not see made it, so its columns are
 * possible keys). The columns are named by property; a relation's property stands for its join columns.
 */
function readIndexes(f: TsFile, cls: ts.ClassDeclaration, props: ReadonlyArray<{ p: ts.PropertyDeclaration }>, fact: ClassFact): void {
  const x = f.syntax;
  const K = x.K;
  const apply = (d: ts.Decorator, onProperty: string | undefined) => {
    const args = x.decoratorCall(d)?.arguments ?? [];
    // `(name?, fields?, options?)` on the class, `(name?, options?)` on a property, as `Index` normalises them.
    const rest = x.literal(args[0]) ? args.slice(1) : args;
    const first = x.unwrap(rest[0]);
    const optionsNode = first && first.kind === K.ObjectLiteralExpression ? first : x.unwrap(rest[1]);
    const fieldsNode = first && first.kind !== K.ObjectLiteralExpression ? first : undefined;
    if (optionsNode === undefined) return;
    const options = x.props(optionsNode);
    const open = optionsNode.kind !== K.ObjectLiteralExpression || (optionsNode as ts.ObjectLiteralExpression).properties.some((p) => p.kind === K.SpreadAssignment);
    const option = (key: string) => (open && !options.has(key) ? undefined : constValue(x, options.get(key)));
    const unique = truthy(option('unique'));
    if (unique === false) return;
    // A partial index is no key whatever its condition says.
    if (options.has('where')) return;
    const names = onProperty !== undefined ? [onProperty] : indexFields(f, fieldsNode);
    const sync = option('synchronize');
    const maybe = unique === undefined || sync === undefined || sync.value === false;
    const columns = names?.map((n) => fact.columns.filter((c) => c.attr === n));
    if (!columns || columns.some((c) => c.length === 0)) {
      // Columns FK Guard cannot name (a computed list, a property of a base class) may each be a key.
      if (maybe || !names) for (const c of fact.columns) if (!c.primaryKey && !c.unique) c.maybeKey = true;
      if (!maybe && names && names.length > 0) fact.keys.push(names.map((n) => fact.columns.find((c) => c.attr === n)?.name ?? n));
      return;
    }
    const all = columns.flat();
    if (maybe) for (const c of all) c.maybeKey = true;
    else if (all.length === 1) all[0].unique = true;
    else fact.keys.push(all.map((c) => c.name));
  };
  for (const d of x.decorators(cls)) if (isTypeorm(f, d, 'Index')) apply(d, undefined);
  for (const { p } of props) for (const d of x.decorators(p)) if (isTypeorm(f, d, 'Index')) apply(d, x.text(p.name));
}

/**
 * The properties a class-level `@Index` names: `['a', 'b']`, or `(e) => [e.a, e.b]` / `(e) => ({ a: 1 })` as TypeORM
 * calls it with the entity's property map. Undefined for a list FK Guard cannot read.
 */
function indexFields(f: TsFile, n: ts.Node | undefined): string[] | undefined {
  const x = f.syntax;
  const K = x.K;
  if (!n) return undefined;
  const list = x.elements(n);
  if (list) {
    const names = list.map((e) => x.literal(e)?.value.trim());
    return names.every((v): v is string => v !== undefined) ? names : undefined;
  }
  if (n.kind !== K.ArrowFunction && n.kind !== K.FunctionExpression) return undefined;
  const fn = n as ts.ArrowFunction;
  const param = fn.parameters[0];
  const result = x.unwrap(x.arrowResult(n));
  if (!param || param.name.kind !== K.Identifier || !result) return undefined;
  const p = x.text(param.name);
  const items = x.elements(result);
  if (items) {
    const names = items.map((e) => {
      const u = x.unwrap(e);
      if (!u || u.kind !== K.PropertyAccessExpression) return undefined;
      const pa = u as ts.PropertyAccessExpression;
      return pa.expression.kind === K.Identifier && x.text(pa.expression) === p ? x.text(pa.name) : undefined;
    });
    return names.every((v): v is string => v !== undefined) ? names : undefined;
  }
  if (result.kind === K.ObjectLiteralExpression) {
    const out: string[] = [];
    for (const prop of (result as ts.ObjectLiteralExpression).properties) {
      if (prop.kind !== K.PropertyAssignment) return undefined;
      out.push(x.propertyName(prop.name));
    }
    return out;
  }
  return undefined;
}

/** Whether a member's TypeORM decorators make a column or a relation. */
function mapsColumn(typeorm: Map<string, Applied>): boolean {
  for (const k of typeorm.keys()) if (COLUMN_DECORATORS.has(k) || RELATION_DECORATORS.has(k)) return true;
  return false;
}

/** The first of a member's TypeORM decorators that is in `names`. */
function firstOf(typeorm: Map<string, Applied>, names: Set<string>): string | undefined {
  for (const k of typeorm.keys()) if (names.has(k)) return k;
  return undefined;
}

/** The `extends` clause a base can be named by (`Base`, `orm.BaseEntity`), and the import its head comes from. */
function extendsClause(f: TsFile, cls: ts.ClassDeclaration): { text: string; imp: ImportFact | undefined } | undefined {
  const x = f.syntax;
  const ext = x.extendsExpression(cls);
  if (!ext || !(ext.kind === x.K.Identifier || ext.kind === x.K.PropertyAccessExpression)) return undefined;
  const text = x.text(ext);
  return { text, imp: f.importOf(text.split('.')[0]) };
}

/** Whether the class extends TypeORM's own `BaseEntity`. */
function extendsTypeormBase(f: TsFile, cls: ts.ClassDeclaration): boolean {
  const ext = extendsClause(f, cls);
  if (ext?.imp?.module !== 'typeorm') return false;
  // `import { BaseEntity as Base }`, `import * as orm` + `orm.BaseEntity`.
  const { text, imp } = ext;
  const name = text.includes('.') ? text.slice(text.indexOf('.') + 1) : (imp.name ?? text);
  return name === 'BaseEntity';
}

/**
 * Base classes the index can follow: ones named in the project, not TypeORM's own `BaseEntity`, nor a call
 * (`extends PartialType(User)`, a mixin) whose result FK Guard cannot know.
 */
function bases(f: TsFile, cls: ts.ClassDeclaration): string[] {
  const ext = extendsClause(f, cls);
  if (!ext || ext.imp?.module === 'typeorm') return [];
  return [ext.text];
}

function readColumn(f: TsFile, p: ts.PropertyDeclaration, decorations: Decorations, cls: ClassFact): void {
  const x = f.syntax;
  const decos = decorations.typeorm;
  const kind = firstOf(decos, COLUMN_DECORATORS);
  if (!kind) return;
  const d = decos.get(kind)!;
  const args = d.args;
  const attr = x.text(p.name);
  const firstLit = x.literal(args[0]);
  const options = x.props(firstLit ? args[1] : args[0]);
  const nameLit = x.literal(options.get('name'));
  const annotation = x.annotation(p);
  const { type, primaryKey, unique, nullable, maybeKey } = columnOf(f, kind, d, firstLit, options, annotation);
  const column: ColumnFact = {
    name: nameLit?.value ?? attr,
    attr,
    type,
    primaryKey,
    unique,
    nullable,
    span: nameLit?.span ?? x.span(p.name),
  };
  // Set after, in the same place among the keys, rather than spread in: a spread is a slow copy before the
  // reader is optimised, once per column.
  if (!nameLit) column.derivedName = true;
  if (maybeKey) column.maybeKey = true;
  if (annotation) column.annotation = annotation;
  cls.columns.push(column);
}

/** What a TypeORM column decorator says of its column: its type (as written, else inferred), and its keys. */
function columnOf(
  f: TsFile,
  kind: string,
  d: Applied,
  firstLit: Literal | undefined,
  options: Map<string, ts.Node>,
  annotation: AnnotationFact | undefined,
): Pick<ColumnFact, 'type' | 'primaryKey' | 'unique' | 'nullable' | 'maybeKey'> {
  const x = f.syntax;
  let type: TypeFact | undefined;
  if (kind === 'PrimaryGeneratedColumn') {
    // `('increment' | 'identity' | 'rowid' | 'uuid', { type? })`: the strategy decides the type.
    const typeLit = x.literal(options.get('type'));
    const strategy = firstLit?.value ?? 'increment';
    const named = typeLit ? sqlNamedType(typeLit.value) : strategy === 'uuid' ? sqlNamedType('uuid') : sqlNamedType('integer');
    // Messages show the column's type (`integer`), not the strategy that fills it (`increment`).
    type = { text: typeLit?.value ?? named.sqlType, name: typeLit?.value ?? named.sqlType, family: named.family, sqlType: named.sqlType, source: 'explicit' };
  } else if (kind === 'CreateDateColumn' || kind === 'UpdateDateColumn' || kind === 'DeleteDateColumn') {
    const named = sqlNamedType('timestamp');
    type = { text: kind, name: kind, family: named.family, sqlType: named.sqlType, source: 'explicit' };
  } else if (kind === 'VersionColumn') {
    const named = sqlNamedType('integer');
    type = { text: kind, name: kind, family: named.family, sqlType: named.sqlType, source: 'explicit' };
  } else {
    type = columnType(f, d, firstLit, options, annotation);
    // Through a factory, the type is written once for every member it decorates: rewriting it is no fix.
    if (type && !d.call) {
      delete type.span;
      delete type.style;
    }
  }
  // TypeORM takes any truthy `primary` (`ColumnMetadata`: `if (options.primary) this.isPrimary = ...`), but makes a
  // UNIQUE for `unique` only when it is `true` itself (`Column`: `if (options.unique === true)`). A module constant is
  // read (`const UNIQUE = true`); a value FK Guard cannot read leaves the column a possible key (R13-13).
  // Options FK Guard cannot see whole (`@Column(OPTIONS)`, `{ ...base }`) may say either.
  const given = x.unwrap(firstLit ? d.args[1] : d.args[0]);
  const open =
    given !== undefined &&
    (given.kind === x.K.ObjectLiteralExpression
      ? (given as ts.ObjectLiteralExpression).properties.some((p) => p.kind === x.K.SpreadAssignment)
      : given.kind !== x.K.ArrowFunction && given.kind !== x.K.FunctionExpression && x.literal(given) === undefined);
  const option = (key: string) => (open && !options.has(key) ? undefined : constValue(x, options.get(key)));
  const declaredPrimary = kind === 'PrimaryColumn' || kind === 'PrimaryGeneratedColumn';
  const primary = declaredPrimary ? true : truthy(option('primary'));
  const uniqueValue = option('unique');
  const out: Pick<ColumnFact, 'type' | 'primaryKey' | 'unique' | 'nullable' | 'maybeKey'> = {
    type,
    primaryKey: primary === true,
    unique: uniqueValue?.value === true,
    nullable: x.bool(options.get('nullable')),
  };
  if (primary === undefined || (uniqueValue === undefined && !declaredPrimary)) out.maybeKey = true;
  return out;
}

/**
 * The type of `@Column('int')`, `@Column({ type: 'uuid', length })`, `@Column('varchar', { length: 36 })`,
 * or, when none is named, the one TypeORM infers from the property's TypeScript type. The span is what
 * the type writer replaces (the literal's content) or where it inserts one (see `writers.ts`).
 */
function columnType(
  f: TsFile,
  d: Applied,
  firstLit: Literal | undefined,
  options: Map<string, ts.Node>,
  annotation: AnnotationFact | undefined,
): TypeFact | undefined {
  const x = f.syntax;
  const typeLit = firstLit ?? x.literal(options.get('type'));
  const sizes = {
    length: x.numberText(options.get('length')) ?? x.literal(options.get('length'))?.value,
    precision: x.numberText(options.get('precision')),
    scale: x.numberText(options.get('scale')),
  };
  if (typeLit) {
    const named = sqlNamedType(typeLit.value, sizes);
    return { text: typeLit.value, name: typeLit.value, family: named.family, sqlType: named.sqlType, source: 'explicit', span: typeLit.contentSpan, style: 'typeorm' };
  }
  if (options.has('type')) return undefined;
  const inferred = annotation ? typeormInferred(annotation.text) : undefined;
  if (!inferred || !annotation) return undefined;
  const sqlType = inferred.family === 'string' && sizes.length ? `varchar(${sizes.length})` : inferred.sqlType;
  const call = d.call;
  const args = d.args;
  let span: Span | undefined;
  let style: string | undefined;
  if (args.length === 0 && call) {
    // `@Column()`: a type goes between the parentheses.
    span = { start: call.end - 1, end: call.end - 1 };
    style = 'typeorm-argument';
  } else if (args.length === 1 && args[0].kind === x.K.ObjectLiteralExpression) {
    // `@Column({ nullable: true })`: a `type` goes first in the options.
    const open = x.span(args[0]).start + 1;
    span = { start: open, end: open };
    style = 'typeorm-option';
  }
  return { text: annotation.text, name: annotation.text, family: inferred.family, sqlType, source: 'explicit', span, style };
}

/**
 * `@ManyToOne(() => User)` / `@OneToOne(...)` with `@JoinColumn({ name, referencedColumnName })` (the
 * foreign key is on this side), `@ManyToMany(...)` with `@JoinTable({ joinColumn, inverseJoinColumn })`.
 */
function readRelation(f: TsFile, p: ts.PropertyDeclaration, decorations: Decorations, cls: ClassFact, joinTables: ClassFact[]): void {
  const x = f.syntax;
  const decos = decorations.typeorm;
  const kind = firstOf(decos, RELATION_DECORATORS);
  if (!kind || kind === 'OneToMany') return;
  const target = relationTarget(f, decos.get(kind)!.args[0]);
  if (!target) return;
  const relation = x.text(p.name);
  if (kind === 'ManyToMany') {
    const jt = decos.get('JoinTable');
    if (!jt) return;
    // TypeORM makes the join table's columns with the referenced columns' types: the join table's two
    // foreign keys are checked for what can be wrong (a side's referenced column missing or not a key).
    // A side whose columns are not named references that entity's primary key.
    // On a base class, too: each entity built on it gets a join table of its own (see `mapJoinTable`).
    const join = target.unread ? undefined : joinTableClass(f, cls, relation, target.owner, jt.args[0], p.name);
    if (join) joinTables.push(join);
    const at = x.span(p.name);
    const opts = x.props(x.unwrap(jt.args[0]));
    const side = (single: string, many: string, owner: string, ownerSpan: Span, prefix: string) => {
      const one = x.unwrap(opts.get(single));
      const list = x.unwrap(opts.get(many));
      const items: readonly ts.Node[] = one ? [one] : (x.elements(list) ?? []);
      const refs = items.map((i) => x.literal(x.props(x.unwrap(i)).get('referencedColumnName')));
      const named = refs.filter((r): r is Literal => r !== undefined);
      // Several referenced columns are one composite foreign key (TypeORM ignores the unnamed ones then).
      const composite = named.length > 1 ? named.map((r) => r.value) : undefined;
      const each = named.length > 0 ? named : [undefined];
      each.forEach((r, i) => {
        const source = join ? { className: join.name, column: `${prefix}.${i}` } : {};
        const unread = owner === target.owner && target.unread ? { ownerUnread: target.unread } : {};
        f.facts.references.push({ ...attributeRef(owner, r, r?.contentSpan ?? ownerSpan, source), ...(composite ? { composite } : {}), ...unread });
      });
    };
    side('joinColumn', 'joinColumns', cls.name, at, 'joinColumn');
    side('inverseJoinColumn', 'inverseJoinColumns', target.owner, target.span, 'inverseJoinColumn');
    return;
  }
  const jc = decos.get('JoinColumn');
  // A `@OneToOne` without `@JoinColumn` is the inverse side: the key lives in the other table.
  if (kind === 'OneToOne' && !jc) return;
  // `{ createForeignKeyConstraints: false }` (TypeORM's switch for relations that must not be keys): the join column
  // is made, the foreign key is not (R13-23). A value FK Guard cannot read may be either: no key is judged then too.
  const options = decos.get(kind)!.args.slice(1).map((a) => x.props(x.unwrap(a))).find((o) => o.has('createForeignKeyConstraints'));
  const makesKey = !options || x.bool(options.get('createForeignKeyConstraints')) === true;
  const arg = jc?.args[0];
  const joins: ReadonlyArray<ts.Node | undefined> = x.elements(arg) ?? [arg];
  // Several join columns make one foreign key to the columns they name together (`ForeignKeyMetadata` with every
  // referenced column): a composite key, which a composite unique of the target takes.
  const referenced = joins.map((j) => x.literal(x.props(j).get('referencedColumnName'))?.value);
  const composite = joins.length > 1 && referenced.every((r) => r !== undefined) ? (referenced as string[]) : undefined;
  for (const j of joins) {
    const opts = x.props(j);
    const nameLit = x.literal(opts.get('name'));
    const refLit = x.literal(opts.get('referencedColumnName'));
    // TypeORM's default join column is `joinColumnName(relation, referenced property)`: camelCase(relation + '_' +
    // property). With no `referencedColumnName` that is each primary-key property of the target, which may be in another
    // file: the index names the column (`ColumnFact.joinTarget`, R13-25); `<relation>Id` stands for it here.
    const pkDependent = !nameLit && !refLit;
    const column = nameLit?.value ?? typeormCamelCase(`${relation}_${refLit?.value ?? 'id'}`);
    const existing = cls.columns.find((c) => c.name === column || c.attr === column);
    if (existing) existing.hasForeignKey = true;
    // A column TypeORM adds for the relation, so other sources can reference it. Its property is the relation's
    // (TypeORM's `propertyName`): `referencedColumnName: 'user'` elsewhere finds it (R13-21).
    if (!existing || pkDependent) {
      const added: ColumnFact = {
        name: column,
        attr: relation,
        primaryKey: false,
        unique: kind === 'OneToOne',
        span: nameLit?.span ?? x.span(p.name),
        hasForeignKey: true,
      };
      if (!nameLit) added.derivedName = true;
      // The index names it (when it follows the target's primary key) and types it as the column it references.
      if (!target.unread) {
        added.joinTarget = target.owner;
        if (refLit) added.joinReferenced = refLit.value;
      }
      cls.columns.push(added);
    }
    // The reference's own column: by its name where the name is known here, else by the relation's property.
    const sourceName = pkDependent && !existing ? relation : column;
    if (!makesKey) continue;
    // TypeORM types the join column as the column it references (RelationJoinColumnBuilder: "types of relational
    // column and join column must be equal we override user defined column type"), a declared `@Column` too.
    f.facts.references.push({
      ...attributeRef(target.owner, refLit, refLit?.contentSpan ?? target.span, { className: cls.name, column: sourceName }),
      typeFromTarget: 'typeorm',
      ...(composite ? { composite } : {}),
      ...(target.unread ? { ownerUnread: target.unread } : {}),
    });
  }
}

function attributeRef(owner: string, attr: Literal | undefined, span: Span, source: { className?: string; column?: string }): ReferenceFact {
  // TypeORM finds `referencedColumnName` among the target's properties (`column.propertyName === ...`), and throws
  // "Referenced column ... was not found" for a database name that is no property's.
  return { form: 'attribute', owner, attr: attr?.value, ...(attr ? { byProperty: true as const } : {}), span, source, context: 'model' };
}

/**
 * `() => User`, `(type) => User`, `'User'`: the class the relation points at. A name bound by a `const` of this
 * module to another name (`const User = LegacyUser`) is that name, as the TypeScript checker binds it; one bound to
 * anything else (a call, a `let`) is a value FK Guard does not follow: `unread` says so.
 */
function relationTarget(f: TsFile, arg: ts.Node | undefined): { owner: string; span: Span; unread?: string } | undefined {
  const x = f.syntax;
  const K = x.K;
  const lit = x.literal(arg);
  if (lit) return { owner: lit.value, span: lit.contentSpan };
  const result = x.arrowResult(arg);
  if (!result || (result.kind !== K.Identifier && result.kind !== K.PropertyAccessExpression)) return undefined;
  const span = x.span(result);
  let owner = x.text(result);
  for (let depth = 0; depth < 8 && result.kind === K.Identifier; depth++) {
    if (f.importOf(owner) || f.facts.classes.some((c) => c.name === owner) || x.topClasses().some((c) => x.name(c) === owner)) break;
    const found = x.topVariable(owner);
    if (!found) break;
    const init = x.unwrap(found.decl.initializer);
    if (found.decl.name.kind !== K.Identifier || !found.isConst || !init || (init.kind !== K.Identifier && init.kind !== K.PropertyAccessExpression)) {
      const written = found.decl.initializer ? ` = ${x.text(found.decl.initializer).replace(/\s+/g, ' ').slice(0, 80)}` : '';
      return { owner, span, unread: `\`${owner}\` is a variable of this module (\`${owner}${written}\`), which FK Guard does not follow` };
    }
    owner = x.text(init);
    if (init.kind !== K.Identifier) break;
  }
  return { owner, span };
}
