import { AnnotationFact, ColumnFact, FileFacts, ReferenceSource, TypeFact } from './types';

/*
 * What an engine that is filled once and then only read (the CLI's, see `EngineOptions.oneShot`) can let go of
 * before the index derives its tables from the facts.
 *
 * The span of a column's type (and Prisma's `nativeSpan`) and of its `Mapped[...]` annotation are read for one
 * purpose only: rewriting the type of the column a foreign key starts from (`type-mismatch`'s range and fix, see
 * `sourceColumn` in rules/resolve.ts and `typeFixEdits`). A referenced column is read by its type's text, name,
 * family and SQL spelling, and its annotation's text. On the bench's model files most columns are the source of no
 * reference, and each held a type and an annotation with a span apiece (216 bytes); without the spans, equal
 * types (annotations) are one shared object.
 */

/**
 * Replaces, in place, the type and the annotation of every column no reference can start from with shared copies
 * without spans.
 * A column can be a reference's source when its name or property is the source column a reference names
 * (`ReferenceFact.source.column`, matched against both, as `sourceColumn` does), or when it has the database
 * name of a column that is (the index files a second property of one column under the first one's object, see
 * `addColumn`). Only the lists of classes and tables are compacted: columns a migration adds or changes (history
 * copies them under new names), column helpers (used under the attribute they are assigned to) and SQLModel's
 * candidate fields keep their types. Facts that name things by other files' constants (`pendingConsts`) leave
 * the source names unknown until the index resolves them: then nothing is compacted.
 *
 * The column objects and lists stay the same objects; only their `type` and `annotation` properties change, to
 * objects of equal value but for the spans, which nothing reads for such a column.
 */
export function dropUnreadSpans(files: Iterable<FileFacts>): void {
  const all = [...files];
  const sources = new Set<string>();
  // A Sequelize association's default key is named by the checker (`sequelizeDefaultKey`): its holder's columns keep theirs.
  const holders = new Set<string>();
  for (const f of all) {
    if (f.pendingConsts?.length) return;
    // The columns of imported aliases' keys, which the index adds as references (see `FileFacts.pendingAliasKeys`).
    for (const p of f.pendingAliasKeys ?? []) if (p.source.column !== undefined) sources.add(p.source.column);
    for (const r of f.references) {
      if (r.source.column !== undefined) sources.add(r.source.column);
      else if (r.source.sequelizeDefault && r.source.className !== undefined) holders.add(r.source.className.split('.').pop()!);
    }
  }
  // Database names of columns some property of which is a source: every column of that name keeps its spans.
  const protectedNames = new Set(sources);
  const eachColumn = (visit: (c: ColumnFact) => void) => {
    for (const f of all) {
      if (f.migration) continue;
      for (const cls of f.classes) if (!holders.has(cls.name)) for (const c of cls.columns) visit(c);
      for (const t of f.tables) for (const c of t.columns) visit(c);
    }
  };
  eachColumn((c) => {
    if (c.attr !== undefined && sources.has(c.attr)) protectedNames.add(c.name);
  });
  // By text: a type's or annotation's text is an interned string whose hash V8 keeps, and few facts share one text
  // with other fields differing. A key string made of every field (as before) cost a concatenation and a hash of a
  // new string for each of the ~1.1 million columns of the bench's 10k workspace.
  const sharedTypes = new Map<string, TypeFact[]>();
  const sharedAnnotations = new Map<string, AnnotationFact[]>();
  eachColumn((c) => {
    if (protectedNames.has(c.name) || (c.attr !== undefined && protectedNames.has(c.attr))) return;
    const type = c.type;
    if (type !== undefined && (type.span !== undefined || type.nativeSpan !== undefined) && knownTypeFields(type)) {
      c.type = sharedCopy(sharedTypes, type.text, type, sameType);
    }
    const annotation = c.annotation;
    if (annotation?.span !== undefined && knownAnnotationFields(annotation)) {
      c.annotation = sharedCopy(sharedAnnotations, annotation.text, annotation, sameAnnotation);
    }
  });
}

/**
 * The one copy of `fact` without its spans that `shared` keeps among those of text `text`, made now if none of them
 * is `same` as `fact`. Copies of facts with equal fields but the spans are the same object: the first such fact's.
 */
function sharedCopy<T extends object>(shared: Map<string, T[]>, text: string, fact: T, same: (copy: T, fact: T) => boolean): T {
  let kept = shared.get(text);
  if (kept === undefined) shared.set(text, (kept = []));
  for (let i = 0; i < kept.length; i++) if (same(kept[i], fact)) return kept[i];
  // Built field by field rather than copied and `delete`d: a deletion leaves V8 a slower, larger object.
  const copy: Record<string, unknown> = {};
  for (const k in fact) if (k !== 'span' && k !== 'nativeSpan') copy[k] = fact[k];
  kept.push(copy as T);
  return copy as T;
}

/** Whether `t` holds only fields `sameType` compares (and spans): a fact with a field this does not know keeps its own. */
function knownTypeFields(t: TypeFact): boolean {
  for (const k in t) if (!KNOWN.has(k)) return false;
  return true;
}

const KNOWN = new Set(['text', 'name', 'qualifier', 'family', 'sqlType', 'span', 'nativeSpan', 'approximate', 'source', 'style']);

/**
 * Whether a shared type `copy` stands for `t`: every field but the spans equal, and the optional ones present in
 * both or in neither (a copy has the fields of the fact it was made from, so it says which it has).
 */
function sameType(copy: TypeFact, t: TypeFact): boolean {
  return (
    copy.text === t.text &&
    copy.name === t.name &&
    copy.qualifier === t.qualifier &&
    copy.family === t.family &&
    copy.sqlType === t.sqlType &&
    copy.approximate === t.approximate &&
    copy.source === t.source &&
    copy.style === t.style &&
    'qualifier' in copy === 'qualifier' in t &&
    'style' in copy === 'style' in t &&
    'approximate' in copy === 'approximate' in t
  );
}

/** `knownTypeFields` for an annotation. */
function knownAnnotationFields(a: AnnotationFact): boolean {
  for (const k in a) if (k !== 'text' && k !== 'span' && k !== 'optional') return false;
  return true;
}

/** `sameType` for an annotation. */
function sameAnnotation(copy: AnnotationFact, a: AnnotationFact): boolean {
  return copy.text === a.text && copy.optional === a.optional && 'optional' in copy === 'optional' in a;
}

/**
 * Gives the lists of `facts` that hold the most elements, or the most lists, exactly the room they use, in place
 * (the lists themselves are replaced by copies). A list built by `push` keeps room to grow: at least 17 slots
 * once it holds anything, so a class's one or two bases took 152 bytes. A file's line starts become an
 * `Int32Array`: 4 bytes a line where a list of numbers took 8, and a quarter more for its room to grow (on the
 * bench's 1k workspace, 2.9 MB of a 67 MB heap). Nothing may hold these lists but the facts when this runs (see
 * `Engine.loadFacts`).
 */
export function trimLists(facts: FileFacts): void {
  facts.lineStarts = new Int32Array(facts.lineStarts);
  facts.imports = facts.imports.slice();
  facts.references = facts.references.slice();
  facts.classes = facts.classes.slice();
  facts.tables = facts.tables.slice();
  for (const c of facts.classes) {
    c.bases = c.bases.slice();
    c.columns = c.columns.map(withoutUnset);
    c.keys = c.keys.map((k) => k.slice());
  }
  for (const t of facts.tables) {
    t.columns = t.columns.map(withoutUnset);
    t.keys = t.keys.map((k) => k.slice());
  }
}

/**
 * `trimLists` for facts `JSON.parse` made (a worker thread's answer): `JSON.parse` sizes each list exactly and JSON has no
 * property set to undefined, so copying them again gave the same lists at a cost (on the bench's 10k workspace two
 * thirds of the files come so, and `trimLists` was ~2 % of the main thread's samples); only the line starts change.
 */
export function trimParsedLists(facts: FileFacts): void {
  facts.lineStarts = new Int32Array(facts.lineStarts);
}

/**
 * A copy of a column without the optional properties its reader set to undefined (`attr`, `nullable`,
 * `hasForeignKey`), which V8 kept as slots of 8 bytes each: the bench's model columns hold two or three such, so
 * they take 72-88 bytes instead of 96 (on its 1k workspace, 72k columns). The properties keep their order, so the
 * copy writes the same JSON. A column with any other property set, or with `attr`, is kept as it is.
 */
function withoutUnset(c: ColumnFact): ColumnFact {
  let n = 0;
  let base = 0;
  for (const k in c) {
    const known = PLAIN_COLUMN_KEYS.get(k);
    if (known === undefined) return c;
    n++;
    if (known) base++;
  }
  if (c.attr !== undefined || base !== 6) return c;
  const nullable = c.nullable !== undefined;
  const fk = c.hasForeignKey !== undefined;
  // Nothing to drop: the column has exactly the properties it needs.
  if (n === 6 + (nullable ? 1 : 0) + (fk ? 1 : 0)) return c;
  const { name, type, annotation, primaryKey, unique, span } = c;
  // One literal per set of properties: an object built in one literal holds them all inside itself, where
  // properties added one by one after it is made would go to a separate store.
  if (nullable && fk) return { name, type, annotation, primaryKey, unique, nullable: c.nullable, span, hasForeignKey: c.hasForeignKey };
  if (nullable) return { name, type, annotation, primaryKey, unique, nullable: c.nullable, span };
  if (fk) return { name, type, annotation, primaryKey, unique, span, hasForeignKey: c.hasForeignKey };
  return { name, type, annotation, primaryKey, unique, span };
}

/**
 * The properties `withoutUnset` knows (see `ColumnFact`), true for the six every copy holds (`type` and
 * `annotation` set or not): a column that lacks one of them is kept as it is.
 */
const PLAIN_COLUMN_KEYS = new Map([
  ['name', true],
  ['attr', false],
  ['type', true],
  ['annotation', true],
  ['primaryKey', true],
  ['unique', true],
  ['nullable', false],
  ['span', true],
  ['hasForeignKey', false],
]);


/**
 * `{ ...source, column }`: the same properties in the same order (`column` last unless `source` has one), built
 * so that every such object shares its hidden class with the others of its shape. V8 gives an object made by
 * spreading another and then adding a property it lacks a hidden class of its own: each column with a foreign
 * key paid about 260 bytes for it (a map, its descriptors and enum cache) besides the object's 48, on the bench's
 * 10k workspace 112k reference sources, ~28 MB of the live heap. Properties stored one by one follow V8's shared
 * transitions instead.
 */
export function withColumn(source: ReferenceSource, column: string | undefined): ReferenceSource {
  const out: Record<string, unknown> = {};
  for (const key in source) out[key] = source[key as keyof ReferenceSource];
  out.column = column;
  return out as ReferenceSource;
}
