import type { ClassFact, Derivation, FileFacts, ImportFact, NameExpr, ReferenceFact, Span, TypeFact } from './types';

// What each file provides to the schema index and what it uses from it, as names with hashes: the index
// compares them to know which derived tables and which other files a change can reach (see SchemaIndex.setFacts).

/**
 * What a file provides to others: each name (`t:users`, `c:User`, `k:USERS_TABLE`, …) with a hash of the
 * definitions behind it, so a change can be traced to the names it really touched; `base` hashes what
 * every definition of the file depends on (its module path and imports). Only names, types, text and the
 * lines of definitions count: editing a reference inside a model file changes nothing here.
 */
export interface Provision {
  base: string;
  names: Map<string, string>;
}

/**
 * Whether two provisions of one file say the same: the same base and the same hash for every name. Compared
 * name by name (a few hundred map lookups in a 2,000-line model file) rather than through one signature of
 * the whole, which sorted, joined and hashed every name's entry on each keystroke.
 */
export function sameProvision(a: Provision, b: Provision): boolean {
  if (a.base !== b.base || a.names.size !== b.names.size) return false;
  for (const [n, h] of a.names) if (b.names.get(n) !== h) return false;
  return true;
}

/**
 * Per class or Core table object, its signature with the lines of its spans counted from the object's own
 * first line (`whole`, and `header` for a class without a table name), and whether every span it holds lies
 * inside its own span. An edit inside one class of an open document moves the file's other classes along as
 * they are (`extractPythonAfterEdit`: their text is untouched, every span in them shifted alike), so their
 * relative signatures still hold and the file's provision costs the edited class, not the whole file
 * (a 2,000-line model file: ~5 ms per keystroke before).
 */
const relativeSigs = new WeakMap<object, { whole: string; header?: string }>();

/**
 * `reuse`: the objects the previous facts of this file held were kept and moved in place, not changed (see
 * `SchemaIndex.setFacts`), so signatures remembered for them stand. Otherwise every object is read afresh.
 */
export function provision(f: FileFacts, reuse = false): Provision {
  const { lineOf, sig, objectSig } = signer(f, reuse);
  const namelessHeader = (c: ClassFact) => [c.name, c.bases, c.declaredTablename, c.tablenameDerivation, c.abstract, c.joinTable, c.tablename, c.initSubclassTablename];
  const names = new Map<string, string>();
  const add = (name: string, h: string) => names.set(name, names.has(name) ? `${names.get(name)}+${h}` : h);
  const classSigs = f.classes.map((c) => objectSig(c, c.tablename?.kind === 'literal' ? undefined : namelessHeader));
  const onRoots = classesOnRoots(f);
  for (const [i, c] of f.classes.entries()) {
    const h = onRoots.has(c) ? `${classSigs[i].whole}:${onRoots.get(c)}` : classSigs[i].whole;
    add(`c:${c.name}`, h);
    // Each base is told which classes are built on it (see `ClassMapper.sqlModelKeyless`).
    if (f.language === 'python') for (const b of c.bases) add(`u:${b.slice(b.lastIndexOf('.') + 1)}`, subclassSig(c));
    if (c.tablename?.kind === 'literal') add(`t:${c.tablename.value}`, h);
  }
  for (const t of f.tables) {
    if (t.origin === 'migration') continue;
    const h = objectSig(t).whole;
    if (t.name.kind === 'literal') add(`t:${t.name.value}`, h);
    // A name FK Guard may not read could be any table's (see `unnamedTableFor`).
    else add('t:?', h);
    if (t.variable) add(`v:${t.variable}`, h);
  }
  // A table the file may make (a helper's, a branch's) keeps references to its name unchecked.
  for (const m of f.maybeTables ?? []) add(m.name.kind === 'literal' ? `t:${m.name.value}` : 't:?', sig([m.name, m.maker]));
  // Where Alembic's revisions live decides which files are history at all.
  if (f.alembicConfig) add('migrations', sig(f.alembicConfig));
  if (f.setsAlembicLocations) add('migrations', 'locations set in code');
  // A drizzle-kit journal is the order of its folder's history.
  if (f.drizzleJournal) add('migrations', sig(f.drizzleJournal));
  if (f.migration) {
    // A migration is one step of a history: any change to it may change every table it touches.
    const h = sig([f.migration, f.tables.filter((t) => t.origin === 'migration')]);
    add('migrations', h);
    for (const op of f.migration.ops) {
      if ('table' in op) add(`t:${op.table}`, h);
      if (op.op === 'rename_table') {
        add(`t:${op.from}`, h);
        add(`t:${op.to}`, h);
      }
      if (op.op === 'create_table') {
        const t = f.tables[op.tableIndex];
        if (t?.name.kind === 'literal') add(`t:${t.name.value}`, h);
        else if (t) add('t:?', h);
      }
    }
  }
  for (const [i, c] of f.classes.entries()) {
    // A class without a table name of its own, or with one computed, may name one FK Guard cannot know (see
    // `namelessCandidate`): every string reference depends on such classes' headers.
    if (c.tablename?.kind !== 'literal') add('t:?', classSigs[i].header!);
  }
  // A grouped note is said by one file of its folder for all: a file joining or leaving the group changes it.
  for (const g of noteGroupNames(f)) add(g, '1');
  // A TypeORM naming of the project's own decides the names of every join table.
  if (f.typeormNaming) add('n:typeorm', f.typeormNaming);
  for (const [k, v] of Object.entries(f.functions ?? {})) add(`f:${k}`, sig(v));
  for (const [k, v] of Object.entries(f.columnHelpers ?? {})) add(`f:${k}`, sig(v));
  for (const [k, v] of Object.entries(f.aliases ?? {})) add(`a:${k}`, v);
  // A name bound again in order (`Base = OtherBase` after `Base = declarative_base()`, `Barn = Silo` after `class
  // Barn`): what another module imports is the last binding, which the lines of every binding of the name decide.
  // A reference `Barn.id` elsewhere uses `c:Barn`: after `Barn = Silo` that is Silo's table, whose changes follow.
  for (const r of f.rebinds ?? []) {
    const h = `${r.to}@${lineOf(r.span.start)}${r.conditional ? '?' : ''}`;
    add(`a:${r.name}`, h);
    const head = r.to.split('.')[0];
    const target = f.classes.findIndex((c) => c.name === head);
    add(`c:${r.name}`, target >= 0 ? `${h}:${classSigs[target].whole}` : h);
    for (const c of f.classes) if (c.name === r.name) add(`a:${r.name}`, `class@${lineOf(c.span.end)}`);
  }
  // What a Python module's imports bind, other modules may import from it (a package's `__init__.py` re-exporting
  // a class under another name): what such a name means changes with the import alone, which no definition of
  // this file says.
  if (f.language === 'python') {
    const me = lastPart(f.module);
    for (const i of f.imports) add(`i:${me}.${i.local}`, i.name === undefined ? i.module : `${i.module}:${i.name}`);
    if (f.starImports?.length) add(`i:${me}.*`, f.starImports.join(','));
  }
  // A TypeScript barrel's `export { TableCrate as TableBox } from './crate'` gives a constant or class a name
  // of its own, which the files importing it use: it changes with the re-export, or with what it names.
  for (const r of f.reexports ?? []) {
    if (r.name === undefined || r.as === undefined || r.as === r.name) continue;
    add(`k:${r.as}`, `${r.module}:${r.name}`);
    add(`c:${r.as}`, `${r.module}:${r.name}`);
    add(`v:${r.as}`, `${r.module}:${r.name}`);
  }
  for (const [k, v] of Object.entries(f.constants)) add(`k:${k}`, v);
  for (const [k, v] of Object.entries(f.typeDecorators)) add(`y:${k}`, `${v.family}:${v.sqlType}`);
  // An `Annotated` alias types (and may make keys of) the `Mapped[...]` columns named after it, in any module.
  for (const [k, v] of Object.entries(f.annotatedAliases ?? {})) add(`y:${k}`, sig(v));
  // A root's schema and the object it is built on decide the schema of every table on it.
  // A root built on another of the same file (`metadata = MetaData(...)`, `Base = declarative_base(metadata=metadata)`)
  // takes its schema: its hash holds every root of the file, so the classes on `Base` follow an edit of `metadata`.
  const linked = f.metadataRoots.some((r) => r.metadata !== undefined || r.modelClass !== undefined || r.rebinds !== undefined);
  const roots = linked ? sig(f.metadataRoots.map((r) => [r.name, r.owner, r.schema, r.metadata, r.modelClass, r.rebinds, r.typeAnnotationMap])) : '';
  for (const r of f.metadataRoots) {
    const line = String(lineOf(r.span.start));
    let own = r.schema || r.metadata || r.owner || r.modelClass || r.flask || r.conditional || r.typeAnnotationMap ? `${line}:${sig(r.conditional ? [r.name, r.schema, r.metadata, r.modelClass, r.flask, true, r.typeAnnotationMap] : [r.name, r.schema, r.metadata, r.modelClass, r.flask, r.typeAnnotationMap])}` : line;
    // `declarative_base(cls=BaseModel)`: every class on the base takes BaseModel's columns and attributes. A class of
    // this file given there is part of the base (one of another file feeds the tables as any mixin does). So is a
    // Flask `SQLAlchemy(model_class=Model)`'s class.
    const on = r.flask && (r.modelClass ?? r.rebinds) !== undefined ? [...(r.cls ?? []), (r.modelClass ?? r.rebinds)!] : r.cls;
    if (on) own = `${own}:${sig([on, ...on.map((n) => f.classes.find((c) => c.name === n)).map((c) => (c ? objectSig(c).whole : ''))])}`;
    add(`m:${r.owner ?? r.name}`, r.metadata !== undefined || r.modelClass !== undefined || r.rebinds !== undefined ? `${own}:${roots}` : own);
  }
  for (const m of f.metadataSchemaSets ?? []) add(`m:${m.split('.')[0]}`, 'schema=');
  // `SQLAlchemy(model_class=Base, metadata=md)` gives Base's classes md: they follow this file's roots.
  // Which of them does depends on where they are made, before or after the call (see `ClassMapper.rebindOrder`): its line counts.
  for (const r of f.metadataRoots) if (r.rebinds !== undefined) add(`m:${r.rebinds.split('.').pop()}`, `rebinds:${roots}:${lineOf(r.span.start)}`);
  const base = baseOf(f, sig, lineOf);
  // What a module binds through its imports, for the modules that star-import it (`s:`, see `usesOf`): they bind
  // the same names, and so do the modules that star-import them in turn.
  if (f.language === 'python' && (f.imports.length > 0 || f.starImports?.length)) add(`s:${lastPart(f.module)}`, base);
  return { base, names };
}

/**
 * The classes of `f` built, directly or through other classes of `f`, on one of its metadata roots (`Base` of
 * `Base = declarative_base(metadata=larder)`), each with a signature of the file's roots: such a class takes the
 * roots' schema, and so do the classes of other files built on it (an abstract sub-base here, its models there),
 * which follow its `c:` name only (review9's R9-7). Empty for a file without roots (most model files).
 */
function classesOnRoots(f: FileFacts): Map<ClassFact, string> {
  const out = new Map<ClassFact, string>();
  if (f.metadataRoots.length === 0 || f.classes.length === 0) return out;
  const onRoot = new Set<string>();
  for (const r of f.metadataRoots) {
    onRoot.add(r.name);
    if (r.owner) onRoot.add(r.owner);
  }
  const roots = JSON.stringify(f.metadataRoots.map((r) => [r.name, r.owner, r.schema, r.metadata, r.modelClass, r.typeAnnotationMap]));
  const last = (dotted: string) => dotted.slice(dotted.lastIndexOf('.') + 1);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of f.classes) {
      if (out.has(c) || !c.bases.some((b) => onRoot.has(b) || onRoot.has(last(b)))) continue;
      out.set(c, roots);
      onRoot.add(c.name);
      grew = true;
    }
  }
  return out;
}

/**
 * What `provision` signs objects with, over the line starts of `f`. `reuse`: remembered relative signatures
 * stand (see `provision`).
 */
function signer(f: FileFacts, reuse: boolean) {
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = f.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (f.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  /** Spans become line numbers counted from `base`; `within` collects whether each lies inside `bounds`. */
  const sigFrom = (value: unknown, base = 0, bounds?: Span, within?: { ok: boolean }) =>
    hash(
      JSON.stringify(value, (key, v) => {
        if (key === 'statementSpan' || key === 'contentSpan' || key === 'references') return undefined;
        if (v && typeof v === 'object' && typeof v.start === 'number' && typeof v.end === 'number' && Object.keys(v).length === 2) {
          if (bounds && within && (v.start < bounds.start || v.end > bounds.end)) within.ok = false;
          return lineOf(v.start) - base;
        }
        return v;
      }),
    );
  const sig = (value: unknown) => sigFrom(value);
  /** An object's signature: its relative one (remembered when every span it holds is its own) and its first line. */
  const objectSig = (o: { span: Span }, header?: (o: ClassFact) => unknown): { whole: string; header?: string } => {
    const line = lineOf(o.span.start);
    let rel = reuse ? relativeSigs.get(o) : undefined;
    if (!rel) {
      const within = { ok: true };
      rel = { whole: sigFrom(o, line, o.span, within), header: header ? sigFrom(header(o as ClassFact), line, o.span, within) : undefined };
      if (within.ok) relativeSigs.set(o, rel);
      else relativeSigs.delete(o);
    }
    return { whole: `${rel.whole}@${line}`, header: rel.header === undefined ? undefined : `${rel.header}@${line}` };
  };
  return { lineOf, sig, objectSig };
}

/**
 * `provision(facts, true)` and the names it changed from `before` (as `changedNames` lists them), made from
 * `before` (the provision of `previous`) when an edit of an open document read one class again and moved
 * every other fact in place (see `extractPythonAfterEdit`): only the classes that are new objects are signed.
 * A 2,000-line model file's ~180 classes were each signed, and ~400 names compared, on every keystroke.
 * It holds when
 * - everything but the classes, the references and where things are is the same objects in both facts (so
 *   every other name, and the base, sign as they did), and no line break came or went in all (the same number
 *   of lines: every position outside the edited statement keeps its line, and the kept objects their entries);
 * - the classes that differ have the names and literal table names of the ones they replace, one for one,
 *   each such name provided by that class alone (no `+` joins it with another definition's hash): the names
 *   and their order stay, only these names' hashes are made again.
 * Undefined otherwise; the caller then signs the whole file. The answer is `before` itself, its hashes changed
 * in place: the names and their order stay, and copying the ~360 names of a 2,000-line model file on every
 * keystroke was a tenth of what the index allocated for it (the caller replaces `before` with it).
 */
export function provisionAfter(previous: FileFacts, before: Provision, facts: FileFacts): { after: Provision; changed: string[] } | undefined {
  const same = <K extends keyof FileFacts>(...keys: K[]) => keys.every((k) => previous[k] === facts[k]);
  if (
    previous.file !== facts.file ||
    // The index holds such a file's facts with other files' constants filled in, not the facts signed.
    previous.pendingConsts?.length ||
    facts.pendingConsts?.length ||
    previous.lineStarts.length !== facts.lineStarts.length ||
    !same('imports', 'module', 'reexports', 'packageJson', 'tables', 'alembicConfig', 'migration', 'typeormNaming', 'typeormSources', 'drizzleCasing', 'knexSearchPath', 'knexMigration', 'functions', 'columnHelpers', 'aliases', 'rebinds', 'constants', 'typeDecorators', 'annotatedAliases', 'metadataRoots', 'metadataSchemaSets') ||
    Boolean(previous.setsAlembicLocations) !== Boolean(facts.setsAlembicLocations) ||
    previous.errors.some((e) => e.group) ||
    facts.errors.some((e) => e.group)
  ) {
    return undefined;
  }
  const was = previous.classes;
  const now = facts.classes;
  if (was.length !== now.length) return undefined;
  const { objectSig } = signer(facts, true);
  // Which classes are built on the file's metadata roots (see `classesOnRoots`): an edit that changes it for any
  // class changes that class's names, which only `provision` follows.
  const wasOn = classesOnRoots(previous);
  const nowOn = classesOnRoots(facts);
  if (wasOn.size > 0 || nowOn.size > 0) for (let i = 0; i < now.length; i++) if (wasOn.has(was[i]) !== nowOn.has(now[i])) return undefined;
  const replaced = new Map<string, string>();
  for (let i = 0; i < now.length; i++) {
    const a = was[i];
    const b = now[i];
    if (a === b) continue;
    if (a.name !== b.name || a.tablename?.kind !== 'literal' || b.tablename?.kind !== 'literal' || a.tablename.value !== b.tablename.value) return undefined;
    // What the class tells its bases (`u:`) is made again by a whole provision only.
    if (subclassSig(a) !== subclassSig(b)) return undefined;
    const names = [`c:${b.name}`, `t:${b.tablename.value}`];
    if (names.some((n) => replaced.has(n) || before.names.get(n)?.includes('+') !== false)) return undefined;
    const h = nowOn.has(b) ? `${objectSig(b).whole}:${nowOn.get(b)}` : objectSig(b).whole;
    for (const n of names) replaced.set(n, h);
  }
  if (replaced.size === 0) return { after: before, changed: [] };
  const changed: string[] = [];
  // In the order of `before`'s names, as a copy listed them.
  before.names.forEach((h, n) => {
    const r = replaced.get(n);
    if (r !== undefined && r !== h) changed.push(n);
  });
  for (const [n, r] of replaced) before.names.set(n, r);
  return { after: before, changed };
}

/**
 * What a class tells each of its bases (`u:` names): that it is built on them, and whether it is a SQLModel table (a
 * data model's keys are made only if a table class is built on it, however far down: see `ClassMapper.sqlModelKeyless`).
 */
function subclassSig(c: ClassFact): string {
  return `${c.name}(${c.bases.join(',')})${c.sqlmodelTable ? ' table' : c.tableFlagUnknown ? ' table?' : ''}`;
}

/**
 * The `base` of a file's provision: what every definition of the file depends on. Kept per list of imports
 * (facts are not changed once read; an edit that reads imports again makes a new list), with the lines the
 * imports start on, which the hash counts: a 2,000-line model file's imports were turned into JSON and hashed
 * on every keystroke.
 */
function baseOf(f: FileFacts, sig: (value: unknown) => string, lineOf: (offset: number) => number): string {
  const lines = f.imports.map((i) => lineOf(i.span.start)).join(',');
  const known = basesByImports.get(f.imports);
  if (known && known.module === f.module && known.reexports === f.reexports && known.packageJson === f.packageJson && known.starImports === f.starImports && known.lines === lines) return known.base;
  // A star import binds names as an import does (`from app.db import *` gives a class its `Base`): R9-8.
  const base = sig(f.starImports ? [f.module, f.imports, f.reexports, f.packageJson, f.starImports] : [f.module, f.imports, f.reexports, f.packageJson]);
  basesByImports.set(f.imports, { module: f.module, reexports: f.reexports, packageJson: f.packageJson, starImports: f.starImports, lines, base });
  return base;
}

const basesByImports = new WeakMap<
  readonly ImportFact[],
  { module: string; reexports: FileFacts['reexports']; packageJson: FileFacts['packageJson']; starImports: FileFacts['starImports']; lines: string; base: string }
>();

/** The names whose definitions differ between two provisions of one file (all of them if its imports moved). */
export function changedNames(before: Provision | undefined, after: Provision): string[] {
  const all = new Set([...(before?.names.keys() ?? []), ...after.names.keys()]);
  if (!before) return [...all];
  // What an import binds for other modules (`i:`) is said by the import alone, wherever its line is.
  if (before.base !== after.base) return [...all].filter((n) => !n.startsWith('i:') || before.names.get(n) !== after.names.get(n));
  return [...all].filter((n) => before.names.get(n) !== after.names.get(n));
}

/** The endings a module specifier may leave out, in the order TypeScript tries them. */

/** Two 32-bit FNV-1a hashes with different seeds: a signature is compared, never read, so 64 bits do. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}.${text.length}`;
}

export interface Uses {
  /** Names the file's references use: its findings change with them. */
  refs: Set<string>;
  /** Names the file's definitions use: the tables it provides change with them. */
  defs: Set<string>;
}

/** The names a file depends on: tables it references, and the classes, types and constants it builds on. */
export function usesOf(f: FileFacts): Uses {
  const uses = new Set<string>();
  const defs = new Set<string>();
  // Names given by other files' constants: the tables and the findings change with them.
  for (const c of f.pendingConsts ?? []) {
    uses.add(`k:${c}`);
    defs.add(`k:${c}`);
  }
  for (const r of f.references) for (const n of namesUsedBy(r, f)) uses.add(n);
  // A `Mapped[X]` column whose imported `X` may hold keys (see `FileFacts.pendingAliasKeys`): the references the
  // index adds for them change with what `X` is bound to, and so do the file's tables.
  for (const p of f.pendingAliasKeys ?? []) {
    const named = new Set<string>([`y:${p.name.slice(p.name.lastIndexOf('.') + 1)}`]);
    throughImports(f, p.name, named);
    for (const n of named) {
      uses.add(n);
      defs.add(n);
    }
  }
  for (const g of noteGroupNames(f)) uses.add(g);
  const addType = (t: TypeFact | undefined) => {
    if (t && (t.family === 'other' || t.imported)) defs.add(`y:${t.name}`);
  };
  for (const c of f.classes) for (const n of classDefNames(c, f)) defs.add(n);
  for (const n of reexportedNames(f)) defs.add(n);
  for (const n of starImportNames(f)) defs.add(n);
  for (const t of f.tables) {
    for (const col of t.columns) addType(col.type);
    if (t.name.kind === 'const') defs.add(`k:${t.name.name}`);
    if (t.metadata) {
      // `meta.metadata` of `from app import meta` is the module's `metadata`; `shared` may come through imports.
      const parts = t.metadata.split('.');
      defs.add(`m:${parts[0]}`);
      defs.add(`m:${parts[parts.length - 1]}`);
      defs.add(`a:${parts[0]}`);
      throughImports(f, t.metadata, defs);
    }
  }
  // A metadata object built on another (`declarative_base(metadata=md)`) or named by a constant takes their changes.
  for (const r of f.metadataRoots) {
    if (r.metadata) defs.add(`m:${r.metadata.split('.')[0]}`);
    if (r.modelClass) defs.add(`m:${r.modelClass.split('.')[0]}`);
    if (r.rebinds) defs.add(`m:${r.rebinds.split('.')[0]}`);
    if (r.schema?.kind === 'const') defs.add(`k:${r.schema.name}`);
    else if (r.schema?.kind === 'template') for (const p of r.schema.parts) if ('const' in p) defs.add(`k:${p.const}`);
  }
  for (const op of f.migration?.ops ?? []) if (op.op === 'add_column' || op.op === 'alter_column') addType(op.op === 'add_column' ? op.column.type : op.type);
  // A migration's tables depend on every earlier migration.
  if (f.migration) defs.add('migrations');
  return { refs: uses, defs };
}

/**
 * `usesOf` for facts that differ from `previous` (whose uses are `before`) only in some of their classes and
 * references, the rest of both lists the same objects in the same order: what an edit inside one class of an
 * open document gives (see `extractPythonAfterEdit`). Only the elements that differ are looked at; each name
 * is counted, so one that another element still uses stays. `before` itself is answered when no name came or
 * went. Undefined when the facts differ in anything else, or use names this does not count (a file's pending
 * constants, its grouped notes, its Core tables, a migration): the caller then asks `usesOf`. Going through
 * the names of every reference of a 2,000-line model file cost ~0.4 ms a keystroke.
 */
export function usesAfter(previous: FileFacts, before: Uses, facts: FileFacts): Uses | undefined {
  const plain = (f: FileFacts) =>
    !f.pendingConsts?.length && !f.pendingAliasKeys?.length && f.tables.length === 0 && !f.migration && !f.errors.some((e) => e.group) && !f.metadataRoots.some((r) => r.metadata !== undefined || r.schema !== undefined || r.modelClass !== undefined || r.rebinds !== undefined);
  if (!plain(previous) || !plain(facts) || previous.imports !== facts.imports || previous.starImports !== facts.starImports || previous.reexports !== facts.reexports || previous.file !== facts.file) return undefined;
  let counts = useCounts.get(before);
  if (!counts || counts.facts !== previous) {
    // The first edit of the file counts its names once; the counts then follow from one edit to the next.
    counts = { facts: previous, refs: new Map(), defs: new Map() };
    for (const r of previous.references) for (const n of namesUsedBy(r, previous)) bump(counts.refs, n, 1);
    for (const c of previous.classes) for (const n of classDefNames(c, previous)) bump(counts.defs, n, 1);
    // The imports are the same list in both facts: what they use stays counted.
    for (const n of reexportedNames(previous)) bump(counts.defs, n, 1);
    for (const n of starImportNames(previous)) bump(counts.defs, n, 1);
    if (!sameKeys(counts.refs, before.refs) || !sameKeys(counts.defs, before.defs)) return undefined;
  }
  // The counts move on to the new facts (`before` is done with: the caller replaces it with the answer).
  const refsMoved = recount(previous.references, facts.references, counts.refs, before.refs, (r) => namesUsedBy(r, facts));
  const defsMoved = recount(previous.classes, facts.classes, counts.defs, before.defs, (c) => classDefNames(c, facts));
  const after: Uses =
    refsMoved || defsMoved ? { refs: refsMoved ? new Set(counts.refs.keys()) : before.refs, defs: defsMoved ? new Set(counts.defs.keys()) : before.defs } : before;
  counts.facts = facts;
  useCounts.set(after, counts);
  return after;
}

/** How many of a file's elements use each name, for the `Uses` of `facts` made by `usesAfter` (see there). */
const useCounts = new WeakMap<Uses, { facts: FileFacts; refs: Map<string, number>; defs: Map<string, number> }>();

/** Adds `by` to the count of `name`; returns whether the name came or went. */
function bump(counts: Map<string, number>, name: string, by: number): boolean {
  const n = (counts.get(name) ?? 0) + by;
  if (n === 0) counts.delete(name);
  else counts.set(name, n);
  return n === 0 || n === by;
}

function sameKeys(counts: Map<string, number>, names: Set<string>): boolean {
  if (counts.size !== names.size) return false;
  for (const n of names) if (!counts.has(n)) return false;
  return true;
}

/**
 * Moves `counts` from the elements of `before` to those of `after`: the elements the two lists share at their
 * ends (the same objects) are passed over, the rest uncounted and counted. Returns whether the names counted
 * differ from `names` (those of `before`) now.
 */
function recount<T>(before: readonly T[], after: readonly T[], counts: Map<string, number>, names: Set<string>, of: (x: T) => readonly string[]): boolean {
  if (before === after) return false;
  let head = 0;
  const shorter = Math.min(before.length, after.length);
  while (head < shorter && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < shorter - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const touched: string[] = [];
  for (let i = head; i < before.length - tail; i++) for (const n of of(before[i])) if (bump(counts, n, -1)) touched.push(n);
  for (let i = head; i < after.length - tail; i++) for (const n of of(after[i])) if (bump(counts, n, 1)) touched.push(n);
  return touched.some((n) => names.has(n) !== counts.has(n));
}

/** The grouped notes of a file (see `ParseError.group`), as names: `g:clickhouse:db/clickhouse/`. */
function noteGroupNames(f: FileFacts): string[] {
  const folder = f.file.includes('/') ? f.file.slice(0, f.file.lastIndexOf('/') + 1) : '';
  return [...new Set(f.errors.filter((e) => e.group).map((e) => `g:${e.group}:${folder}`))];
}

/** The names each reference uses, kept per reference: what a reference names never changes, only where it is. */
const referenceUses = new WeakMap<ReferenceFact, string[]>();

/** The names one reference uses: the tables it names, the constants that name them, its owner class or variable. */
/**
 * The one table a reference names as written, the way an index of references by table keys it: `t:<table in lower
 * case>` for a string or a table and column given as literals, `c:<class>` for `User.id`, `v:<variable>` for a
 * variable holding a table, `*` for a name read from constants or not read at all.
 */
export function referenceKey(r: ReferenceFact): string {
  const literal = r.form === 'string' ? r.target : r.form === 'pair' ? r.table : undefined;
  if (literal?.kind === 'literal') {
    const v = literal.value;
    if (r.form === 'pair') return `t:${v.toLowerCase()}`;
    const last = v.lastIndexOf('.');
    return `t:${(last < 0 ? v : v.slice(v.lastIndexOf('.', last - 1) + 1, last)).toLowerCase()}`;
  }
  if (r.form === 'attribute' && r.owner) return `c:${r.owner.slice(r.owner.lastIndexOf('.') + 1)}`;
  if ((r.form === 'variable' || r.form === 'table-c') && r.owner) return `v:${r.owner}`;
  return '*';
}

export function referenceNames(r: ReferenceFact): readonly string[] {
  // The lookup alone, in a function without closures: V8 makes a function's closure context on entry, so a
  // function that looked up and also made the names allocated a context on every call (~36 KiB a keystroke,
  // asked for each of ~920 references of a 2,000-line model file).
  return referenceUses.get(r) ?? namesOfReference(r);
}

function namesOfReference(r: ReferenceFact): readonly string[] {
  const uses: string[] = [];
  const addExpr = (e: NameExpr | undefined) => {
    if (!e) return;
    if (e.kind === 'literal') {
      const parts = e.value.split('.');
      if (parts.length >= 2) uses.push(`t:${parts[parts.length - 2]}`);
      else uses.push(`t:${e.value}`);
      return;
    }
    // A name from constants names a table only once the constants are read: such a reference depends on
    // every table (`t:*`), and on the constants themselves.
    uses.push('t:*');
    if (e.kind === 'const') uses.push(`k:${e.name}`);
    else if (e.kind === 'template') for (const p of e.parts) if ('const' in p) uses.push(`k:${p.const}`);
  };
  if (r.form === 'string' || r.form === 'pair') uses.push('t:?');
  // A reference in a SQLModel data model is made only if a table class is built on its class (`u:`, see `provision`).
  if (r.source.className !== undefined && r.context === 'model') uses.push(`u:${r.source.className}`);
  // A Sequelize association's default key is looked up among the holder's attributes, which may be another file's.
  if (r.source.sequelizeDefault && r.source.className !== undefined) uses.push(`c:${r.source.className.split('.').pop()}`);
  addExpr(r.target);
  // A migration's key whose own column is another definition's (a table the models make, which no revision makes) is
  // typed by that definition: it changes with the table.
  if (r.context === 'migration' && r.source.className === undefined) addExpr(r.source.table);
  if (r.table) {
    if (r.table.kind === 'literal') uses.push(`t:${r.table.value}`);
    else addExpr(r.table);
  }
  if (r.owner) {
    uses.push(`c:${r.owner.split('.').pop()}`);
    uses.push(`v:${r.owner}`);
  }
  // A database may fold a name's case (PostgreSQL's unquoted `Members` is `members`): the index finds a table
  // by its other cases too, and `usersOf` follows a changed table to the references of its lower-case name.
  for (const n of [...uses]) if (n.startsWith('t:') && n !== n.toLowerCase() && !uses.includes(n.toLowerCase())) uses.push(n.toLowerCase());
  referenceUses.set(r, uses);
  return uses;
}

/** `namesUsedBy` per reference whose owner is bound by an import, with the list of imports it was made with. */
const importedOwnerUses = new WeakMap<ReferenceFact, { imports: readonly ImportFact[]; names: readonly string[] }>();

/**
 * The names a reference of `f` uses (`referenceNames`), and, when its owner class is one a Python import binds
 * (`ForeignKey(Rack.id)` after `from warehouse import Rack`), what that import reads (see `throughImports`): a
 * package's `__init__.py` may re-export any class under that name.
 */
function namesUsedBy(r: ReferenceFact, f: FileFacts): readonly string[] {
  const names = referenceNames(r);
  if (r.owner === undefined) return names;
  if (f.language !== 'python') return r.form === 'variable' || r.form === 'attribute' ? importedVariableUses(r, f, names) : names;
  const known = importedOwnerUses.get(r);
  if (known && known.imports === f.imports) return known.names;
  const through = new Set<string>();
  throughImports(f, r.owner, through);
  const all = through.size === 0 ? names : [...names, ...through];
  importedOwnerUses.set(r, { imports: f.imports, names: all });
  return all;
}

/**
 * A TypeScript reference through a table variable (Drizzle's `() => barns.id`) names the variable as the file
 * imports it: `import { trees as groveTrees }`, or a member of a namespace (`schema.trees`, `orchard.trees`), is
 * the variable `trees` of the module it comes from, whose changes (`v:trees`) must reach this file too. So is a
 * TypeORM relation's class (`() => Grove`, `() => ns.Grove` of `import { Tree as Grove }`): `c:Tree`.
 */
function importedVariableUses(r: ReferenceFact, f: FileFacts, names: readonly string[]): readonly string[] {
  const owner = r.owner!;
  const dot = owner.indexOf('.');
  const head = dot < 0 ? owner : owner.slice(0, dot);
  const imp = f.imports.find((i) => i.local === head);
  if (!imp) return names;
  const known = importedOwnerUses.get(r);
  if (known && known.imports === f.imports) return known.names;
  const kind = r.form === 'variable' ? 'v' : 'c';
  const extra = dot < 0 ? (imp.name !== undefined ? [`${kind}:${imp.name}`] : []) : [`${kind}:${owner.slice(owner.lastIndexOf('.') + 1)}`, ...(imp.name !== undefined ? [`${kind}:${imp.name}`] : [])];
  const all = [...names, ...extra.filter((n) => !names.includes(n))];
  importedOwnerUses.set(r, { imports: f.imports, names: all });
  return all;
}

/**
 * The names a class's definition builds on (its part of `usesOf`): its bases (and the classes an imported
 * alias names), the constant that names its table, the helpers it calls, its project column types.
 */
export function classDefNames(c: ClassFact, f: FileFacts): string[] {
  const known = defNamesOf.get(c);
  if (known && known.imports === f.imports) return known.names;
  const names = computeClassDefNames(c, f);
  defNamesOf.set(c, { imports: f.imports, names });
  return names;
}

/**
 * `classDefNames` per class, with the list of imports it was made with: a class fact is never changed once
 * read (only its spans move) and a list of imports neither (an edit makes a new list), so the answer stands
 * while both are the same objects. Asked for every class of a file on each keystroke (the file's uses, and
 * which kept results still hold).
 */
const defNamesOf = new WeakMap<ClassFact, { imports: readonly ImportFact[]; names: string[] }>();

function computeClassDefNames(c: ClassFact, f: FileFacts): string[] {
  const defs = new Set<string>();
  // A TypeORM join table is made from both entities' tables (the owner's and the target's keys), and named by
  // the project's naming if it has one.
  const classes = c.joinTable ? [...c.bases, c.joinTable.owner, c.joinTable.target] : c.bases.slice();
  if (c.joinTable) defs.add('n:typeorm');
  // A TypeORM join column named after its target's primary key (`ColumnFact.joinTarget`): the target's class.
  for (const col of c.columns) if (col.joinTarget !== undefined && !classes.includes(col.joinTarget)) classes.push(col.joinTarget);
  // What is built on a Python class, however far down, decides whether a SQLModel data model's keys are made (see
  // `ClassMapper.sqlModelKeyless`): the class hears of its subclasses' changes (`u:`), and passes them up to its bases.
  if (f.language === 'python' && c.bases.length > 0) defs.add(`u:${c.name}`);
  for (const b of classes) {
    const dot = b.indexOf('.');
    const head = dot < 0 ? b : b.slice(0, dot);
    defs.add(`c:${b.slice(b.lastIndexOf('.') + 1)}`);
    defs.add(`m:${head}`);
    defs.add(`a:${head}`);
    // `from pkg.base import IdModel as Model`: the class the alias names.
    for (const name of importedNames(f).get(head) ?? []) defs.add(`c:${name}`);
    throughImports(f, b, defs);
  }
  if (c.tablename?.kind === 'const') {
    defs.add(`k:${c.tablename.name}`);
    throughImports(f, c.tablename.name, defs);
  }
  for (const o of c.opaque ?? []) defs.add(`f:${o.callee.split('.').pop()}`);
  for (const fn of derivationCalls(c.tablenameDerivation)) {
    defs.add(`f:${fn.split('.').pop()}`);
    throughImports(f, fn, defs);
  }
  for (const col of c.columns) {
    if (col.type && (col.type.family === 'other' || col.type.imported)) {
      defs.add(`y:${col.type.name}`);
      throughImports(f, col.type.name, defs);
    }
  }
  return [...defs];
}

/** The last part of a dotted module path: what `i:` names a module by (see `provision`). */
function lastPart(module: string): string {
  return module.slice(module.lastIndexOf('.') + 1);
}

/**
 * The names through which a Python file's `dotted` (`Model`, `models.Model`, `app.models.Model`) is bound by its
 * imports: `from pkg import Model` reads what `pkg` binds `Model` to (`i:pkg.Model`, or through its star
 * imports, `i:pkg.*`), which `pkg`'s `__init__.py` may re-export from anywhere under any name (see
 * `provision`); `models.Model` reads what the module `models` binds `Model` to.
 */
function throughImports(f: FileFacts, dotted: string, into: Set<string>): void {
  if (f.language !== 'python') return;
  const parts = dotted.split('.');
  const head = parts[0];
  const last = parts[parts.length - 1];
  const through = (module: string, name: string) => {
    into.add(`i:${module}.${name}`);
    into.add(`i:${module}.*`);
  };
  if (parts.length >= 3) through(parts[parts.length - 2], last);
  // A name none of the file's imports binds may come from a module it star-imports, which may have it from one it
  // star-imports in turn: what that module binds the name to (`i:pantry.db`, or through its star imports,
  // `i:pantry.*`) changes with that module's imports alone (review10's R10-5).
  for (const m of f.starImports ?? []) through(lastPart(m), head);
  for (const i of f.imports) {
    if (i.local !== head) continue;
    if (i.name !== undefined) through(lastPart(i.module), i.name);
    // The module the last part is looked up in: the one imported (`import app.models as m`, `from app import models`).
    if (parts.length === 2) through(i.name ?? lastPart(i.module), last);
  }
}

/**
 * What a Python file's star imports bind depends on (`from kitchen.pantry import *`): what each module imported so
 * binds through its own imports (`s:pantry`, see `provision`). A class whose base the file has from the star import
 * follows that module's `i:` names (see `throughImports`); this carries a change one module further on, to the
 * modules star-importing this one.
 */
function starImportNames(f: FileFacts): string[] {
  if (f.language !== 'python' || !f.starImports?.length) return [];
  return f.starImports.map((m) => `s:${lastPart(m)}`);
}

/** `reexportedNames` per list of imports (never changed once read: an edit makes a new list). */
const reexportsByImports = new WeakMap<readonly ImportFact[], string[]>();

/**
 * What the names a Python file's imports bind under another name depend on (`from .base import CodedModel as
 * KeyedModel`): the class, constant, function or type imported, and what its module binds it to. Another
 * module importing `KeyedModel` from this one names neither: the file's `i:` name (see `provision`) carries a
 * change of them on to it. An import under its own name needs nothing of the kind: the importing file names
 * what this one does.
 */
function reexportedNames(f: FileFacts): readonly string[] {
  if (f.reexports?.length) return renamedReexports(f.reexports);
  if (f.language !== 'python') return [];
  let names = reexportsByImports.get(f.imports);
  if (!names) {
    const out = new Set<string>();
    for (const i of f.imports) {
      if (i.name === undefined) continue;
      // What the module imported from binds the name to: a change of it is carried on to the modules importing
      // the name from this one (`from .more import Rack` in a package's `__init__.py`, `more.py` re-exporting).
      out.add(`i:${lastPart(i.module)}.${i.name}`);
      out.add(`i:${lastPart(i.module)}.*`);
      if (i.name !== i.local) for (const kind of ['c', 'k', 'f', 'y', 'm', 'a']) out.add(`${kind}:${i.name}`);
    }
    names = [...out];
    reexportsByImports.set(f.imports, names);
  }
  return names;
}

/** `renamedReexports` per list (never changed once read). */
const renamedByReexports = new WeakMap<NonNullable<FileFacts['reexports']>, string[]>();

/** What a barrel's re-exports under another name depend on: the constant or class they name (see `provision`). */
function renamedReexports(reexports: NonNullable<FileFacts['reexports']>): string[] {
  let names = renamedByReexports.get(reexports);
  if (!names) {
    const out = new Set<string>();
    for (const r of reexports) {
      if (r.name === undefined || r.as === undefined || r.as === r.name) continue;
      out.add(`k:${r.name}`);
      out.add(`c:${r.name}`);
      out.add(`v:${r.name}`);
    }
    names = [...out];
    renamedByReexports.set(reexports, names);
  }
  return names;
}

/** Each file's `from` imports by local name (the names imported, in import order), built once per list. */
const importsByLocal = new WeakMap<readonly ImportFact[], Map<string, string[]>>();

/**
 * What `from m import name as local` imports under each local name. Asked for every base of every class: a
 * pass over the file's imports each time cost seconds on 10,000 files. A list of imports is never changed
 * once read (an edit makes a new list), so the map built for it stays right.
 */
function importedNames(f: FileFacts): Map<string, string[]> {
  let byLocal = importsByLocal.get(f.imports);
  if (!byLocal) {
    byLocal = new Map();
    for (const i of f.imports) {
      if (!i.name) continue;
      const list = byLocal.get(i.local);
      if (list) list.push(i.name);
      else byLocal.set(i.local, [i.name]);
    }
    importsByLocal.set(f.imports, byLocal);
  }
  return byLocal;
}

/** The functions a table-name derivation calls, as written. */
function derivationCalls(d: Derivation | undefined): string[] {
  if (!d) return [];
  switch (d.k) {
    case 'call':
      return [d.fn, ...d.args.flatMap(derivationCalls)];
    case 'lower':
    case 'upper':
    case 'sub':
    case 'split':
    case 'join':
      return derivationCalls(d.of);
    case 'each':
      return [...derivationCalls(d.of), ...derivationCalls(d.body)];
    case 'concat':
      return d.parts.flatMap(derivationCalls);
    default:
      return [];
  }
}
