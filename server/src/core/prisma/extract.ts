import { emptyFacts } from '../facts';
import { ClassFact, ColumnFact, FileFacts, ReferenceFact, Span, TypeFact } from '../types';
import { parsePrisma, PrismaAttribute, PrismaBlock, PrismaField, PrismaValue } from './parse';
import { isPrismaScalar, prismaSqlType } from './types';

/**
 * The facts of a Prisma schema file. Each model is a class (framework `prisma`) mapped to its `@@map` name or
 * its own name, with a column per scalar field (`@map` gives the database name, the field name is the
 * attribute references use). Each `@relation(fields: [...], references: [...])` gives one reference per
 * pair: the model named by the field's type and the referenced field, checked like any foreign key; both lists
 * name fields, never `@map` columns.
 */
export function extractPrisma(file: string, text: string): FileFacts {
  const facts = emptyFacts(file, text, 'prisma');
  const { blocks, errors } = parsePrisma(text);
  facts.errors.push(...errors);
  const enums = new Set(blocks.filter((b) => b.keyword === 'enum').map((b) => b.name));
  const models = blocks.filter((b) => b.keyword === 'model');
  const byName = new Map(models.map((m) => [m.name, m]));
  // `view` blocks (the `views` preview feature): Prisma Migrate makes no foreign key for a relation to or from a
  // view (it does not manage views, and a database key cannot reference one), so such a relation is no key to check.
  const views = new Set(blocks.filter((b) => b.keyword === 'view').map((b) => b.name));
  for (const model of models) {
    facts.classes.push(modelClass(model, text, enums, byName));
    // A model with a line FK Guard could not read may hold a field it did not see: its `fields` are not judged.
    const whole = !errors.some((e) => e.span.start >= model.span.start && e.span.start < model.span.end);
    facts.references.push(...relations(model, byName, enums, views, whole));
  }
  // `datasource db { provider = "sqlite" }`: the database the project runs on (see `FileFacts.targets`).
  const targets = new Set<'postgresql' | 'mysql' | 'sqlite'>();
  for (const b of blocks.filter((x) => x.keyword === 'datasource')) {
    const provider = /^[ \t]*provider[ \t]*=[ \t]*"([\w-]+)"/m.exec(text.slice(b.span.start, b.span.end))?.[1];
    const d = provider ? PROVIDERS[provider] : undefined;
    if (d) targets.add(d);
  }
  if (targets.size > 0) facts.targets = [...targets].sort();
  return facts;
}

/** Prisma's datasource providers, by the database they speak to (`sqlserver` and `mongodb` are none of FK Guard's). */
const PROVIDERS: Record<string, 'postgresql' | 'mysql' | 'sqlite'> = {
  postgresql: 'postgresql',
  postgres: 'postgresql',
  cockroachdb: 'postgresql',
  mysql: 'mysql',
  sqlite: 'sqlite',
};

function attr(field: { attributes: PrismaAttribute[] }, name: string): PrismaAttribute | undefined {
  return field.attributes.find((a) => a.name === name);
}

function stringArg(a: PrismaAttribute | undefined, key = 'name'): Extract<PrismaValue, { kind: 'string' }> | undefined {
  if (!a) return undefined;
  const v = a.args.find((x) => x.name === key)?.value ?? a.args.find((x) => !x.name)?.value;
  return v?.kind === 'string' ? v : undefined;
}

/** The identifiers of a list argument (`fields: [a, b]`, or the first unnamed one for `@@id([a, b])`). */
function listArg(a: PrismaAttribute | undefined, key: string): Array<Extract<PrismaValue, { kind: 'ident' }>> {
  if (!a) return [];
  const v = a.args.find((x) => x.name === key)?.value ?? (key === 'fields' ? a.args.find((x) => !x.name)?.value : undefined);
  if (v?.kind !== 'list') return [];
  return v.items.flatMap((i) => (i.kind === 'ident' ? [i] : i.kind === 'call' ? [{ kind: 'ident' as const, text: i.name, span: i.span }] : []));
}

/** The database name of a field: `@map("author_id")` or the field's own name. */
function columnName(field: PrismaField): string {
  return stringArg(attr(field, 'map'))?.value ?? field.name;
}

function isColumn(field: PrismaField, enums: ReadonlySet<string>): boolean {
  return field.modifier !== '[]' ? isPrismaScalar(field.type) || enums.has(field.type) : false;
}

/**
 * A field whose type this file does not declare (neither a scalar, nor an enum or a model of this file): in a schema
 * split over files (`prisma/schema/*.prisma`), an enum or a model of another file. `column` when an attribute only a
 * scalar field takes says it is one (`@map`, `@unique`, `@id`, `@default`, `@db.*`: an enum's column), `unknown`
 * when nothing does (`tier Tier`, or a relation's back side `owner Owner?`), undefined for any other field.
 */
function foreignType(field: PrismaField, enums: ReadonlySet<string>, models: ReadonlyMap<string, PrismaBlock>): 'column' | 'unknown' | undefined {
  if (field.modifier === '[]' || isPrismaScalar(field.type) || enums.has(field.type) || models.has(field.type)) return undefined;
  if (field.attributes.some((a) => a.name === 'relation')) return undefined;
  return field.attributes.some((a) => SCALAR_ONLY.has(a.name) || a.name.startsWith('db.')) ? 'column' : 'unknown';
}

/** The field attributes Prisma allows on a scalar (or enum) field and refuses on a relation field. */
const SCALAR_ONLY = new Set(['map', 'unique', 'id', 'default', 'updatedAt']);

function fieldType(field: PrismaField, text: string, enums: ReadonlySet<string>): TypeFact {
  const native = field.attributes.find((a) => a.name.startsWith('db.'));
  const args = native?.args.map((a) => (a.value.kind === 'number' || a.value.kind === 'ident' ? (a.value.kind === 'number' ? a.value.text : a.value.text) : '')) ?? [];
  const sql = prismaSqlType(field.type, native ? { name: native.name.slice(3), args } : undefined, enums, field.unsupported);
  const written = text.slice(field.typeSpan.start, field.typeSpan.end) + field.modifier;
  return {
    text: native ? `${written} ${text.slice(native.span.start, native.span.end)}` : written,
    name: field.type,
    family: sql.family,
    sqlType: sql.sqlType,
    span: field.typeSpan,
    // Without a native attribute, the place one goes: after the field's last attribute, as Prisma writes it.
    nativeSpan: native ? withBlanksBefore(text, native.span) : { start: field.span.end, end: field.span.end },
    source: 'explicit',
    style: 'prisma',
  };
}

/** A span widened over the spaces and tabs before it, so removing it leaves no double blank. */
function withBlanksBefore(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { start, end: span.end };
}

function modelClass(model: PrismaBlock, text: string, enums: ReadonlySet<string>, models: ReadonlyMap<string, PrismaBlock>): ClassFact {
  const map = stringArg(model.attributes.find((a) => a.name === 'map'));
  // `public` is PostgreSQL's default schema: such a model is the `users` every other source names.
  const schemaArg = stringArg(model.attributes.find((a) => a.name === 'schema'));
  const schema = schemaArg && schemaArg.value !== 'public' ? schemaArg : undefined;
  const fieldsByName = new Map(model.fields.map((f) => [f.name, f]));
  const dbNames = (list: Array<{ text: string }>) => list.map((i) => (fieldsByName.has(i.text) ? columnName(fieldsByName.get(i.text)!) : i.text));
  const columns: ColumnFact[] = [];
  const opaque: NonNullable<ClassFact['opaque']> = [];
  for (const field of model.fields) {
    const foreign = foreignType(field, enums, models);
    // A field that may be a column of an enum another file declares: the model's columns are not all known.
    if (foreign === 'unknown') opaque.push({ attr: columnName(field), callee: field.type, span: field.nameSpan });
    if (!isColumn(field, enums) && foreign !== 'column') continue;
    columns.push({
      name: columnName(field),
      attr: field.name,
      // Such a column is of an enum another file declares: Prisma's only other kind of field type.
      type: fieldType(field, text, foreign === 'column' ? new Set([...enums, field.type]) : enums),
      primaryKey: attr(field, 'id') !== undefined,
      unique: attr(field, 'unique') !== undefined,
      nullable: field.modifier === '?',
      span: field.nameSpan,
    });
  }
  // `@@id([a, b])` and `@@unique([a, b])`; a one-field `@@unique([email])` makes that column unique. Every field of
  // `@@id` is part of the primary key, as a SQL composite key's columns are: a relation to one of them alone does
  // not refer to a unique criterion (Prisma's validator refuses it, and so would the database).
  const keys: string[][] = [];
  for (const a of model.attributes) {
    if (a.name !== 'id' && a.name !== 'unique') continue;
    const names = dbNames(listArg(a, 'fields'));
    if (names.length === 0) continue;
    keys.push(names);
    for (const name of a.name === 'id' ? names : names.length === 1 ? names : []) {
      const c = columns.find((x) => x.name === name);
      if (c) c[a.name === 'id' ? 'primaryKey' : 'unique'] = true;
    }
  }
  return {
    name: model.name,
    framework: 'prisma',
    bases: [],
    sqlmodelTable: false,
    tablename: { kind: 'literal', value: map?.value ?? model.name },
    tablenameSpan: map?.contentSpan,
    declaredTablename: false,
    abstract: false,
    schema: schema?.value,
    columns,
    constraints: [],
    keys,
    span: model.span,
    nameSpan: model.nameSpan,
    ...(opaque.length > 0 ? { opaque } : {}),
  };
}

/**
 * `author User @relation(fields: [authorId], references: [id])`: one reference per pair of `fields` and
 * `references`. The first pair also holds where the model name is written, so an unknown model is reported
 * once (and renamed there); the range of each reference is the referenced field's name.
 */
function relations(model: PrismaBlock, byName: Map<string, PrismaBlock>, enums: ReadonlySet<string>, views: ReadonlySet<string>, whole: boolean): ReferenceFact[] {
  const out: ReferenceFact[] = [];
  const fieldsByName = new Map(model.fields.map((f) => [f.name, f]));
  for (const field of model.fields) {
    if (isPrismaScalar(field.type) || enums.has(field.type) || (views.has(field.type) && !byName.has(field.type))) continue;
    const relation = attr(field, 'relation');
    const local = listArg(relation, 'fields');
    const remote = listArg(relation, 'references');
    if (local.length === 0 || remote.length === 0) continue;
    const target = byName.get(field.type);
    const targetFields = new Map(target?.fields.map((f) => [f.name, f]) ?? []);
    const composite = remote.length > 1 ? remote.map((r) => (targetFields.has(r.text) ? columnName(targetFields.get(r.text)!) : r.text)) : undefined;
    for (const [i, r] of remote.entries()) {
      const l = local[i];
      const localField = l ? fieldsByName.get(l.text) : undefined;
      // `fields` names the model's own fields, never a field's `@map` column: Prisma refuses any other name (R14-7).
      const unknownField = l && !localField && whole ? { name: l.text, span: l.span } : undefined;
      out.push({
        form: 'attribute',
        owner: field.type,
        attr: r.text,
        // Prisma finds `references` by field name only, never by a field's `@map` column name (R14-7).
        byProperty: true,
        ownerSpan: i === 0 ? field.typeSpan : undefined,
        span: r.span,
        source: unknownField ? { className: model.name, unknownField } : { className: model.name, column: localField ? columnName(localField) : l?.text },
        composite,
        context: 'model',
      });
    }
  }
  return out;
}
