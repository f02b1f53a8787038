import { AnnotationFact, ColumnFact, FileFacts, TypeFact } from './types';

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
  for (const f of all) {
    if (f.pendingConsts?.length) return;
    for (const r of f.references) if (r.source.column !== undefined) sources.add(r.source.column);
  }
  // Database names of columns some property of which is a source: every column of that name keeps its spans.
  const protectedNames = new Set(sources);
  const eachColumn = (visit: (c: ColumnFact) => void) => {
    for (const f of all) {
      if (f.migration) continue;
      for (const cls of f.classes) for (const c of cls.columns) visit(c);
      for (const t of f.tables) for (const c of t.columns) visit(c);
    }
  };
  eachColumn((c) => {
    if (c.attr !== undefined && sources.has(c.attr)) protectedNames.add(c.name);
  });
  const sharedTypes = new Map<string, TypeFact>();
  const sharedAnnotations = new Map<string, AnnotationFact>();
  eachColumn((c) => {
    if (protectedNames.has(c.name) || (c.attr !== undefined && protectedNames.has(c.attr))) return;
    const type = c.type;
    if (type !== undefined && (type.span !== undefined || type.nativeSpan !== undefined)) {
      const key = typeKey(type);
      if (key !== undefined) c.type = sharedCopy(sharedTypes, key, type);
    }
    const annotation = c.annotation;
    if (annotation?.span !== undefined) {
      const key = annotationKey(annotation);
      if (key !== undefined) c.annotation = sharedCopy(sharedAnnotations, key, annotation);
    }
  });
}

/** The one copy of `fact` without its spans that `shared` keeps under `key`, made now if missing. */
function sharedCopy<T extends object>(shared: Map<string, T>, key: string, fact: T): T {
  let kept = shared.get(key);
  if (kept === undefined) {
    // Built field by field rather than copied and `delete`d: a deletion leaves V8 a slower, larger object.
    const copy: Record<string, unknown> = {};
    for (const k in fact) if (k !== 'span' && k !== 'nativeSpan') copy[k] = fact[k];
    kept = copy as T;
    shared.set(key, kept);
  }
  return kept;
}

/** The fields of a type fact but its spans, as one string; undefined for a fact with a field this does not know. */
function typeKey(t: TypeFact): string | undefined {
  for (const k in t) if (!KNOWN.has(k)) return undefined;
  return `${t.text}\0${t.name}\0${t.qualifier ?? '\u0002'}\0${t.family}\0${t.sqlType}\0${t.approximate ?? ''}\0${t.source}\0${t.style ?? '\u0002'}\0${'qualifier' in t ? 1 : 0}${'style' in t ? 1 : 0}${'approximate' in t ? 1 : 0}`;
}

const KNOWN = new Set(['text', 'name', 'qualifier', 'family', 'sqlType', 'span', 'nativeSpan', 'approximate', 'source', 'style']);

/** `typeKey` for an annotation. */
function annotationKey(a: AnnotationFact): string | undefined {
  for (const k in a) if (k !== 'text' && k !== 'span' && k !== 'optional') return undefined;
  return `${a.text}\0${a.optional}`;
}

/**
 * Gives the lists of `facts` that hold the most elements, or the most lists, exactly the room they use, in place
 * (the lists themselves are replaced by copies). A list built by `push` keeps room to grow: at least 17 slots
 * once it holds anything, so a class's one or two bases took 152 bytes, and a file's line starts a quarter more
 * than they need. Nothing may hold these lists but the facts when this runs (see `Engine.loadFacts`).
 */
export function trimLists(facts: FileFacts): void {
  facts.lineStarts = facts.lineStarts.slice();
  facts.imports = facts.imports.slice();
  facts.references = facts.references.slice();
  facts.classes = facts.classes.slice();
  facts.tables = facts.tables.slice();
  for (const c of facts.classes) {
    c.bases = c.bases.slice();
    c.columns = c.columns.slice();
    c.keys = c.keys.map((k) => k.slice());
  }
  for (const t of facts.tables) {
    t.columns = t.columns.slice();
    t.keys = t.keys.map((k) => k.slice());
  }
}
