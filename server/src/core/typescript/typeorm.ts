import type { CallExpression, ClassDeclaration, Node, PropertyDeclaration } from 'ts-morph';
import { AnnotationFact, ClassFact, ColumnFact, ReferenceFact, Span, TypeFact } from '../types';
import { Literal, TsFile, typeormCamelCase, typeormSnakeCase } from './context';
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
 */
export function readTypeorm(f: TsFile): void {
  const joins: PendingJoinTable[] = [];
  for (const cls of f.sf.getClasses()) readClass(f, cls, joins);
  // After every class: a join table's name needs the target entity's table, which may come later in the file.
  for (const j of joins) addJoinTable(f, j);
  readHelpers(f);
}

/** A `@ManyToMany` with `@JoinTable` read on its owning side, whose join table is modelled once all classes are read. */
interface PendingJoinTable {
  owner: ClassFact;
  relation: string;
  target: string;
  options: Map<string, Node>;
  at: Node;
}

/**
 * The join table TypeORM creates for `@ManyToMany` + `@JoinTable`, as a table of this file, so that other
 * references to it resolve and the schema shows it. The default naming strategy names it
 * snakeCase(ownerTable + '_' + property + '_' + targetTable) and its columns camelCase(table + '_' +
 * referenced column), each of the referenced column's type; `@JoinTable({ name, joinColumn: { name },
 * inverseJoinColumn: { name } })` overrides them. A name FK Guard cannot compute from this file (the target
 * entity is in another file, or a side's primary key is inherited) leaves the join table unmodelled: a
 * guessed name would make references to a table that may not exist look valid.
 */
function addJoinTable(f: TsFile, j: PendingJoinTable): void {
  const target = f.facts.classes.find((c) => c.name === j.target && c.framework === 'typeorm');
  const tableOf = (c: ClassFact | undefined) => (c && !c.abstract && c.tablename?.kind === 'literal' ? c.tablename.value : undefined);
  const ownerTable = tableOf(j.owner);
  const targetTable = tableOf(target);
  const side = (cls: ClassFact | undefined, table: string | undefined, optionName: string) => {
    const opts = f.props(j.options.get(optionName));
    const named = f.literal(opts.get('name'));
    const ref = f.literal(opts.get('referencedColumnName'))?.value;
    const pks = cls?.columns.filter((c) => c.primaryKey) ?? [];
    // `referencedColumnName` names a property; TypeORM uses that column's database name.
    const referenced = ref !== undefined ? cls?.columns.find((c) => c.attr === ref || c.name === ref) : pks.length === 1 ? pks[0] : undefined;
    const name = named?.value ?? (table && referenced ? typeormCamelCase(`${table}_${referenced.name}`) : undefined);
    return { name, named, referenced };
  };
  const own = side(j.owner, ownerTable, 'joinColumn');
  const inverse = side(target, targetTable, 'inverseJoinColumn');
  const nameLit = f.literal(j.options.get('name'));
  const table = nameLit?.value ?? (ownerTable && targetTable ? typeormSnakeCase(`${ownerTable}_${j.relation}_${targetTable}`) : undefined);
  if (!table || !own.name || !inverse.name || own.name === inverse.name) return;
  const at = f.span(j.at);
  const column = (s: typeof own): ColumnFact => {
    const type = s.referenced?.type ? { ...s.referenced.type } : undefined;
    // The type is TypeORM's to write, from the referenced column: nothing in the source to rewrite.
    if (type) {
      delete type.span;
      delete type.style;
    }
    return { name: s.name!, attr: s.name!, ...(type ? { type } : {}), primaryKey: true, unique: false, nullable: false, span: s.named?.span ?? at, hasForeignKey: true };
  };
  const schema = f.literal(j.options.get('schema'))?.value ?? j.owner.schema;
  f.facts.classes.push({
    // Not an identifier: no code can name the join table's class, only its table.
    name: `${j.owner.name}#${j.relation}`,
    framework: 'typeorm',
    bases: [],
    sqlmodelTable: false,
    declaredTablename: false,
    abstract: false,
    tablename: { kind: 'literal', value: table },
    ...(nameLit ? { tablenameSpan: nameLit.span } : {}),
    ...(schema ? { schema } : {}),
    columns: [column(own), column(inverse)],
    constraints: [],
    keys: [],
    span: at,
    nameSpan: at,
  });
}

/**
 * Decorator factories of this file that other files may import (`export const PrimaryId = () =>
 * PrimaryGeneratedColumn()`): each that makes exactly one TypeORM column, takes no parameters and names
 * no column becomes a column helper, which the index applies to a member decorated with it in another
 * file (see `ClassFact.opaque`). One that takes parameters may make a different column for each use, and
 * stays a decorator FK Guard does not follow.
 */
function readHelpers(f: TsFile): void {
  const { Node: N } = f.tm;
  const names = [
    ...f.sf.getFunctions().filter((fn) => fn.getParameters().length === 0).map((fn) => fn.getName()),
    ...f.sf.getVariableDeclarations().filter((v) => {
      const init = f.unwrap(v.getInitializer());
      return init && (N.isArrowFunction(init) || N.isFunctionExpression(init)) && init.getParameters().length === 0;
    }).map((v) => v.getName()),
  ].filter((n): n is string => !!n);
  for (const name of names) {
    const out: Decorations = { typeorm: new Map(), opaque: [] };
    follow(f, name, [], undefined, out, 0);
    if (out.opaque.length > 0 || out.typeorm.size !== 1) continue;
    const [kind, applied] = [...out.typeorm][0];
    if (!COLUMN_DECORATORS.has(kind)) continue;
    const firstLit = f.literal(applied.args[0]);
    const options = f.props(firstLit ? applied.args[1] : applied.args[0]);
    if (options.has('name')) continue;
    const column = columnOf(f, kind, applied, firstLit, options, undefined);
    (f.facts.columnHelpers ??= {})[name] = { name: '', type: column.type, primaryKey: column.primaryKey, unique: column.unique, nullable: column.nullable, span: { start: 0, end: 0 } };
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
  args: Node[];
  /**
   * TypeORM's call when it is written on the member itself; undefined through a factory, whose arguments
   * serve every member it decorates, so no fix may rewrite them.
   */
  call?: CallExpression;
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
function decorators(f: TsFile, node: ClassDeclaration | PropertyDeclaration): Decorations {
  const out: Decorations = { typeorm: new Map(), opaque: [] };
  for (const d of node.getDecorators()) {
    const call = d.getCallExpression();
    follow(f, d.getName(), call?.getArguments() ?? [], call, out, 0);
  }
  return out;
}

function follow(f: TsFile, name: string, args: Node[], call: CallExpression | undefined, out: Decorations, depth: number): void {
  const { Node: N } = f.tm;
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
  const result = f.unwrap(factory);
  const calls = result && N.isCallExpression(result) && result.getExpression().getText() === 'applyDecorators' ? result.getArguments() : [result];
  for (const c of calls) {
    const e = f.unwrap(c);
    if (e && N.isCallExpression(e) && N.isIdentifier(e.getExpression())) follow(f, e.getExpression().getText(), e.getArguments(), undefined, out, depth + 1);
    // `const Id = PrimaryGeneratedColumn`: the alias takes the arguments written where it is used.
    else if (e && N.isIdentifier(e)) follow(f, e.getText(), args, undefined, out, depth + 1);
    else out.opaque.push(name);
  }
}

/**
 * What a function of this file returns, when it is a decorator factory FK Guard can read: `function X() {
 * return Column() }`, `const X = () => Column()`, `const X = Column`. Undefined for a name that is no such
 * function here.
 */
function localFunction(f: TsFile, name: string): Node | undefined {
  const { Node: N } = f.tm;
  const fn = f.sf.getFunction(name);
  if (fn) {
    const ret = fn.getBody() && N.isBlock(fn.getBody()!) ? fn.getStatements().find((s) => N.isReturnStatement(s)) : undefined;
    return ret && N.isReturnStatement(ret) ? (ret.getExpression() ?? fn) : fn;
  }
  const v = f.sf.getVariableDeclaration(name);
  const init = f.unwrap(v?.getInitializer());
  if (!init) return undefined;
  if (N.isArrowFunction(init) || N.isFunctionExpression(init)) return f.arrowResult(init) ?? init;
  return init;
}

function readClass(f: TsFile, cls: ClassDeclaration, joins: PendingJoinTable[]): void {
  const nameNode = cls.getNameNode();
  if (!nameNode) return;
  const classDecorators = decorators(f, cls);
  const entity = classDecorators.typeorm.get('Entity');
  const props = cls.getProperties().map((p) => ({ p, decos: decorators(f, p) }));
  const mapped = props.filter(({ decos }) => [...decos.typeorm.keys()].some((k) => COLUMN_DECORATORS.has(k) || RELATION_DECORATORS.has(k)));
  // A member whose only decorator is a project one of another file may get its column from a column helper
  // there (see `readHelpers`): the index follows it. Any other project decorator FK Guard cannot follow may
  // add columns, so the class's columns are not all known.
  const isColumn = (k: string) => COLUMN_DECORATORS.has(k) || RELATION_DECORATORS.has(k);
  const helped = props.filter(({ p, decos }) => decos.opaque.length === 1 && ![...decos.typeorm.keys()].some(isColumn) && p.getDecorators().length === 1);
  const opaque = [...classDecorators.opaque, ...props.filter((x) => !helped.includes(x)).flatMap(({ decos }) => decos.opaque)];
  const classBases = bases(f, cls);
  // A class that maps nothing itself still matters when it derives from a project class (an intermediate
  // base) or carries decorators FK Guard cannot follow: its entities' columns pass through it.
  if (!entity && mapped.length === 0 && classBases.length === 0 && opaque.length === 0 && helped.length === 0) return;

  const fact: ClassFact = {
    name: nameNode.getText(),
    framework: 'typeorm',
    bases: classBases,
    sqlmodelTable: false,
    declaredTablename: false,
    abstract: !entity,
    ...(opaque.length > 0 ? { opaqueDecorators: opaque } : {}),
    columns: [],
    constraints: [],
    keys: [],
    ...(helped.length > 0 ? { opaque: helped.map(({ p, decos }) => ({ attr: p.getName(), callee: decos.opaque[0], span: f.span(p.getNameNode()) })) } : {}),
    span: f.span(cls),
    nameSpan: f.span(nameNode),
  };
  if (entity) {
    // `@Entity('users')`, `@Entity('users', { schema })`, `@Entity({ name, schema })`, `@Entity()`.
    const args = entity.args;
    const first = f.literal(args[0]);
    const options = f.props(first ? args[1] : args[0]);
    const named = first ?? f.literal(options.get('name'));
    fact.tablename = { kind: 'literal', value: named?.value ?? typeormSnakeCase(fact.name) };
    if (named) fact.tablenameSpan = named.span;
    fact.abstract = false;
    const schema = f.literal(options.get('schema'))?.value;
    if (schema) fact.schema = schema;
  }
  for (const { p, decos } of props) readColumn(f, p, decos, fact);
  for (const { p, decos } of props) readRelation(f, p, decos, fact, joins);
  // `@Unique(['email'])`, `@Unique('uq_name', ['a', 'b'])` on the class.
  for (const d of cls.getDecorators()) {
    const imp = f.importOf(d.getName());
    if ((imp ? imp.module === 'typeorm' && (imp.name ?? d.getName()) : d.getName()) !== 'Unique') continue;
    const args = d.getArguments();
    const list = args.find((a) => f.tm.Node.isArrayLiteralExpression(a));
    if (!list || !f.tm.Node.isArrayLiteralExpression(list)) continue;
    const names = list.getElements().map((e) => f.literal(e)?.value).filter((v): v is string => v !== undefined);
    const one = names.length === 1 ? fact.columns.find((c) => c.attr === names[0] || c.name === names[0]) : undefined;
    if (one) one.unique = true;
    else if (names.length > 0) fact.keys.push(names.map((n) => fact.columns.find((c) => c.attr === n)?.name ?? n));
  }
  f.facts.classes.push(fact);
}

/**
 * Base classes the index can follow: ones named in the project, not TypeORM's own `BaseEntity`, nor a call
 * (`extends PartialType(User)`, a mixin) whose result FK Guard cannot know.
 */
function bases(f: TsFile, cls: ClassDeclaration): string[] {
  const ext = cls.getExtends()?.getExpression();
  const { Node: N } = f.tm;
  if (!ext || !(N.isIdentifier(ext) || N.isPropertyAccessExpression(ext))) return [];
  const text = ext.getText();
  if (f.importOf(text.split('.')[0])?.module === 'typeorm') return [];
  return [text];
}

function readColumn(f: TsFile, p: PropertyDeclaration, decorations: Decorations, cls: ClassFact): void {
  const decos = decorations.typeorm;
  const kind = [...decos.keys()].find((k) => COLUMN_DECORATORS.has(k));
  if (!kind) return;
  const d = decos.get(kind)!;
  const args = d.args;
  const attr = p.getName();
  const firstLit = f.literal(args[0]);
  const options = f.props(firstLit ? args[1] : args[0]);
  const nameLit = f.literal(options.get('name'));
  const annotation = f.annotation(p);
  const { type, primaryKey, unique, nullable } = columnOf(f, kind, d, firstLit, options, annotation);
  const column: ColumnFact = {
    name: nameLit?.value ?? attr,
    attr,
    type,
    primaryKey,
    unique,
    nullable,
    span: nameLit?.span ?? f.span(p.getNameNode()),
  };
  if (annotation) column.annotation = annotation;
  cls.columns.push(column);
}

/** What a TypeORM column decorator says of its column: its type (as written, else inferred), and its keys. */
function columnOf(
  f: TsFile,
  kind: string,
  d: Applied,
  firstLit: Literal | undefined,
  options: Map<string, Node>,
  annotation: AnnotationFact | undefined,
): Pick<ColumnFact, 'type' | 'primaryKey' | 'unique' | 'nullable'> {
  let type: TypeFact | undefined;
  if (kind === 'PrimaryGeneratedColumn') {
    // `('increment' | 'identity' | 'rowid' | 'uuid', { type? })`: the strategy decides the type.
    const typeLit = f.literal(options.get('type'));
    const strategy = firstLit?.value ?? 'increment';
    const named = typeLit ? sqlNamedType(typeLit.value) : strategy === 'uuid' ? sqlNamedType('uuid') : sqlNamedType('integer');
    // Messages show the column's type (`integer`), not the strategy that fills it (`increment`).
    type = { text: typeLit?.value ?? named.sqlType, name: typeLit?.value ?? named.sqlType, ...named, source: 'explicit' };
  } else if (kind === 'CreateDateColumn' || kind === 'UpdateDateColumn' || kind === 'DeleteDateColumn') {
    type = { text: kind, name: kind, ...sqlNamedType('timestamp'), source: 'explicit' };
  } else if (kind === 'VersionColumn') {
    type = { text: kind, name: kind, ...sqlNamedType('integer'), source: 'explicit' };
  } else {
    type = columnType(f, d, firstLit, options, annotation);
    // Through a factory, the type is written once for every member it decorates: rewriting it is no fix.
    if (type && !d.call) {
      delete type.span;
      delete type.style;
    }
  }
  return {
    type,
    primaryKey: kind === 'PrimaryColumn' || kind === 'PrimaryGeneratedColumn' || f.bool(options.get('primary')) === true,
    unique: f.bool(options.get('unique')) === true,
    nullable: f.bool(options.get('nullable')),
  };
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
  options: Map<string, Node>,
  annotation: AnnotationFact | undefined,
): TypeFact | undefined {
  const typeLit = firstLit ?? f.literal(options.get('type'));
  const sizes = {
    length: f.numberText(options.get('length')) ?? f.literal(options.get('length'))?.value,
    precision: f.numberText(options.get('precision')),
    scale: f.numberText(options.get('scale')),
  };
  if (typeLit) {
    const named = sqlNamedType(typeLit.value, sizes);
    return { text: typeLit.value, name: typeLit.value, ...named, source: 'explicit', span: typeLit.contentSpan, style: 'typeorm' };
  }
  if (options.has('type')) return undefined;
  const inferred = annotation ? typeormInferred(annotation.text) : undefined;
  if (!inferred || !annotation) return undefined;
  const sqlType = inferred.family === 'string' && sizes.length ? `varchar(${sizes.length})` : inferred.sqlType;
  const call = d.call;
  const args = d.args;
  const { Node: N } = f.tm;
  let span: Span | undefined;
  let style: string | undefined;
  if (args.length === 0 && call) {
    // `@Column()`: a type goes between the parentheses.
    span = { start: call.getEnd() - 1, end: call.getEnd() - 1 };
    style = 'typeorm-argument';
  } else if (args.length === 1 && N.isObjectLiteralExpression(args[0])) {
    // `@Column({ nullable: true })`: a `type` goes first in the options.
    const open = args[0].getStart() + 1;
    span = { start: open, end: open };
    style = 'typeorm-option';
  }
  return { text: annotation.text, name: annotation.text, family: inferred.family, sqlType, source: 'explicit', span, style };
}

/**
 * `@ManyToOne(() => User)` / `@OneToOne(...)` with `@JoinColumn({ name, referencedColumnName })` (the
 * foreign key is on this side), `@ManyToMany(...)` with `@JoinTable({ joinColumn, inverseJoinColumn })`.
 */
function readRelation(f: TsFile, p: PropertyDeclaration, decorations: Decorations, cls: ClassFact, pending: PendingJoinTable[]): void {
  const decos = decorations.typeorm;
  const kind = [...decos.keys()].find((k) => RELATION_DECORATORS.has(k));
  if (!kind || kind === 'OneToMany') return;
  const target = relationTarget(f, decos.get(kind)!.args[0]);
  if (!target) return;
  const { Node: N } = f.tm;
  const relation = p.getName();
  if (kind === 'ManyToMany') {
    const jt = decos.get('JoinTable');
    if (!jt) return;
    const opts = f.props(jt.args[0]);
    const own = f.literal(f.props(opts.get('joinColumn')).get('referencedColumnName'));
    const inverse = f.literal(f.props(opts.get('inverseJoinColumn')).get('referencedColumnName'));
    // The join table's columns are made by TypeORM with the right types: only the names can be wrong. A side
    // whose column is not named references that entity's primary key. The join table itself is modelled
    // when its names can be computed from this file (see `addJoinTable`).
    if (!cls.abstract) pending.push({ owner: cls, relation, target: target.owner, options: opts, at: p.getNameNode() });
    const at = f.span(p.getNameNode());
    f.facts.references.push(attributeRef(cls.name, own, own?.contentSpan ?? at, {}));
    f.facts.references.push(attributeRef(target.owner, inverse, inverse?.contentSpan ?? target.span, {}));
    return;
  }
  const jc = decos.get('JoinColumn');
  // A `@OneToOne` without `@JoinColumn` is the inverse side: the key lives in the other table.
  if (kind === 'OneToOne' && !jc) return;
  const arg = jc?.args[0];
  const joins = arg && N.isArrayLiteralExpression(arg) ? arg.getElements() : [arg];
  for (const j of joins) {
    const opts = f.props(j);
    const nameLit = f.literal(opts.get('name'));
    const refLit = f.literal(opts.get('referencedColumnName'));
    // TypeORM's default join column: camelCase(relation + '_' + referenced column); the key is `id` here.
    const column = nameLit?.value ?? typeormCamelCase(`${relation}_${refLit?.value ?? 'id'}`);
    const existing = cls.columns.find((c) => c.name === column || c.attr === column);
    if (existing) existing.hasForeignKey = true;
    else {
      // The column TypeORM adds for the relation, so other sources can reference it.
      cls.columns.push({ name: column, attr: column, primaryKey: false, unique: kind === 'OneToOne', span: nameLit?.span ?? f.span(p.getNameNode()), hasForeignKey: true });
    }
    f.facts.references.push(attributeRef(target.owner, refLit, refLit?.contentSpan ?? target.span, { className: cls.name, column }));
  }
}

function attributeRef(owner: string, attr: Literal | undefined, span: Span, source: { className?: string; column?: string }): ReferenceFact {
  return { form: 'attribute', owner, attr: attr?.value, span, source, context: 'model' };
}

/** `() => User`, `(type) => User`, `'User'`: the class the relation points at. */
function relationTarget(f: TsFile, arg: Node | undefined): { owner: string; span: Span } | undefined {
  const lit = f.literal(arg);
  if (lit) return { owner: lit.value, span: lit.contentSpan };
  const result = f.arrowResult(arg);
  const { Node: N } = f.tm;
  if (result && (N.isIdentifier(result) || N.isPropertyAccessExpression(result))) return { owner: result.getText(), span: f.span(result) };
  return undefined;
}
