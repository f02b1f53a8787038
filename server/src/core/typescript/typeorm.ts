import type { ClassDeclaration, Decorator, Node, PropertyDeclaration } from 'ts-morph';
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
  for (const cls of f.sf.getClasses()) readClass(f, cls);
}

/** A decorator's name, when it comes from TypeORM (imported from `typeorm`, or the file imports nothing). */
function decoratorName(f: TsFile, d: Decorator): string | undefined {
  const name = d.getName();
  const imp = f.importOf(name);
  if (imp) return imp.module === 'typeorm' ? (imp.name ?? name) : undefined;
  return name;
}

function decorators(f: TsFile, node: ClassDeclaration | PropertyDeclaration): Map<string, Decorator> {
  const out = new Map<string, Decorator>();
  for (const d of node.getDecorators()) {
    const n = decoratorName(f, d);
    if (n) out.set(n, d);
  }
  return out;
}

function readClass(f: TsFile, cls: ClassDeclaration): void {
  const nameNode = cls.getNameNode();
  if (!nameNode) return;
  const classDecorators = decorators(f, cls);
  const entity = classDecorators.get('Entity');
  const props = cls.getProperties().map((p) => ({ p, decos: decorators(f, p) }));
  const mapped = props.filter(({ decos }) => [...decos.keys()].some((k) => COLUMN_DECORATORS.has(k) || RELATION_DECORATORS.has(k)));
  if (!entity && mapped.length === 0) return;

  const fact: ClassFact = {
    name: nameNode.getText(),
    framework: 'typeorm',
    bases: bases(f, cls),
    sqlmodelTable: false,
    declaredTablename: false,
    abstract: !entity,
    columns: [],
    constraints: [],
    keys: [],
    span: f.span(cls),
    nameSpan: f.span(nameNode),
  };
  if (entity) {
    // `@Entity('users')`, `@Entity('users', { schema })`, `@Entity({ name, schema })`, `@Entity()`.
    const args = entity.getArguments();
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
  for (const { p, decos } of props) readRelation(f, p, decos, fact);
  // `@Unique(['email'])`, `@Unique('uq_name', ['a', 'b'])` on the class.
  for (const d of cls.getDecorators()) {
    if (decoratorName(f, d) !== 'Unique') continue;
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

/** Base classes the index can follow: ones defined in the project, not TypeORM's own `BaseEntity`. */
function bases(f: TsFile, cls: ClassDeclaration): string[] {
  const ext = cls.getExtends();
  if (!ext) return [];
  const text = ext.getExpression().getText();
  const imp = f.importOf(text.split('.')[0]);
  if (imp && !imp.module.includes('.') && imp.module === 'typeorm') return [];
  return [text];
}

function readColumn(f: TsFile, p: PropertyDeclaration, decos: Map<string, Decorator>, cls: ClassFact): void {
  const kind = [...decos.keys()].find((k) => COLUMN_DECORATORS.has(k));
  if (!kind) return;
  const d = decos.get(kind)!;
  const args = d.getArguments();
  const attr = p.getName();
  const firstLit = f.literal(args[0]);
  const options = f.props(firstLit ? args[1] : args[0]);
  const nameLit = f.literal(options.get('name'));
  const annotation = f.annotation(p);
  let type: TypeFact | undefined;
  if (kind === 'PrimaryGeneratedColumn') {
    // `('increment' | 'identity' | 'rowid' | 'uuid', { type? })`: the strategy decides the type.
    const typeLit = f.literal(options.get('type'));
    const strategy = firstLit?.value ?? 'increment';
    const named = typeLit ? sqlNamedType(typeLit.value) : strategy === 'uuid' ? sqlNamedType('uuid') : sqlNamedType('integer');
    type = { text: typeLit?.value ?? strategy, name: typeLit?.value ?? strategy, ...named, source: 'explicit' };
  } else if (kind === 'CreateDateColumn' || kind === 'UpdateDateColumn' || kind === 'DeleteDateColumn') {
    type = { text: kind, name: kind, ...sqlNamedType('timestamp'), source: 'explicit' };
  } else if (kind === 'VersionColumn') {
    type = { text: kind, name: kind, ...sqlNamedType('integer'), source: 'explicit' };
  } else {
    type = columnType(f, d, firstLit, options, annotation);
  }
  const column: ColumnFact = {
    name: nameLit?.value ?? attr,
    attr,
    type,
    primaryKey: kind === 'PrimaryColumn' || kind === 'PrimaryGeneratedColumn' || f.bool(options.get('primary')) === true,
    unique: f.bool(options.get('unique')) === true,
    nullable: f.bool(options.get('nullable')),
    span: nameLit?.span ?? f.span(p.getNameNode()),
  };
  if (annotation) column.annotation = annotation;
  cls.columns.push(column);
}

/**
 * The type of `@Column('int')`, `@Column({ type: 'uuid', length })`, `@Column('varchar', { length: 36 })`,
 * or, when none is named, the one TypeORM infers from the property's TypeScript type. The span is what
 * the type writer replaces (the literal's content) or where it inserts one (see `writers.ts`).
 */
function columnType(
  f: TsFile,
  d: Decorator,
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
  const call = d.getCallExpression();
  const args = call?.getArguments() ?? [];
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
function readRelation(f: TsFile, p: PropertyDeclaration, decos: Map<string, Decorator>, cls: ClassFact): void {
  const kind = [...decos.keys()].find((k) => RELATION_DECORATORS.has(k));
  if (!kind || kind === 'OneToMany') return;
  const target = relationTarget(f, decos.get(kind)!.getArguments()[0]);
  if (!target) return;
  const { Node: N } = f.tm;
  const relation = p.getName();
  if (kind === 'ManyToMany') {
    const jt = decos.get('JoinTable');
    if (!jt) return;
    const opts = f.props(jt.getArguments()[0]);
    const own = f.literal(f.props(opts.get('joinColumn')).get('referencedColumnName'));
    const inverse = f.literal(f.props(opts.get('inverseJoinColumn')).get('referencedColumnName'));
    // The join table's columns are made by TypeORM with the right types: only the names can be wrong.
    if (own) f.facts.references.push(attributeRef(cls.name, own, own.contentSpan, {}));
    if (inverse) f.facts.references.push(attributeRef(target.owner, inverse, inverse.contentSpan, {}));
    return;
  }
  const jc = decos.get('JoinColumn');
  // A `@OneToOne` without `@JoinColumn` is the inverse side: the key lives in the other table.
  if (kind === 'OneToOne' && !jc) return;
  const arg = jc?.getArguments()[0];
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
