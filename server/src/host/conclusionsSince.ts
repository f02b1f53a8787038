// Which of an earlier index's conclusions still hold after some files changed, without loading the workspace. The
// language server's start-up answers an open document from them when it can show that its findings cannot depend
// on what changed (see `SinceChange.holds`); otherwise the document waits for the index.
//
// The reasoning is the engine's own for an edit (SchemaIndex.setFacts, Engine.withSuggestionUsers): a change to a
// file touches the names its provision changes (`provision`, `changedNames`); files whose references use one of
// them (`usesOf(...).refs`) may get other findings, and so may every file with an unknown table when any table
// changed (its "did you mean" may change). What that reasoning follows through the derived tables (the classes
// whose definitions build on a changed name, a table named by a constant, a mixin's columns) is not at hand here
// without loading every file: any change that would need it answers "anything may change" instead. So does a file
// that changes what every file means (a dialect, a tsconfig, a package, migration history).

import { changedNames, provision, sameProvision, usesOf } from '../core/fileSignatures';
import { camelToSnake, camelToSnakeBefore3, type NamedFromClass } from '../core/classMapping';
import type { ClassFact, FileFacts, Finding, Span } from '../core/types';
import type { Conclusions, FactsCache } from './factsCache';

/**
 * What the conclusions of an index need to be judged later, stored with them: for each name some file's
 * definitions build on (a base class, a column type, a constant naming a table), up to two of those files. A
 * changed name with a user other than the changed file itself leads into derived tables (see above).
 */
export interface Dependencies {
  defUsers: Record<string, string[]>;
  /**
   * A file names the project's own TypeORM naming (`FileFacts.typeormNaming`): the tables of entities are then
   * named by it (`club_members` for `@Entity('members')` with an `entityPrefix`), not by what their files say.
   */
  typeormNaming?: true;
  /**
   * The tables as derived: by file and class name, the table each class maps to (a class that maps to none is left
   * out). The table of a class without a literal table name (Flask-SQLAlchemy's and SQLModel's names made from
   * the class name, a base's `@declared_attr`, single-table inheritance) is known only from the derived index; the
   * engine follows a change of such a class to it (`SchemaIndex.tablesFedBy`), and so does `touchedBy`.
   */
  classTables?: Record<string, Record<string, string>>;
  /** By file, the tables of other files that hold columns from it (its mixins, its single-table subclasses). */
  fedFrom?: Record<string, string[]>;
  /**
   * By file and class name, how the table of a class without a table name is named: from the class name alone
   * ('lower': SQLModel, 'snake…': Flask-SQLAlchemy; see `NamedFromClass`), or not known ('unknown').
   */
  classNaming?: Record<string, Record<string, NamedFromClass | 'unknown'>>;
  /**
   * Some file of the workspace may be the module `sqlmodel` (a file or folder of that name): `SQLModel` imported from
   * it may then be a class of the workspace rather than the package's (see `namedFromClasses`).
   */
  sqlmodelModule?: true;
}

/** What `dependenciesOf` reads of a derived index (`SchemaIndex` has it). */
export interface DerivedTables {
  classTable(file: string, className: string): { table?: { name: string }; namedFromClass?: NamedFromClass; unknownName?: boolean } | undefined;
  allTableKeys(): string[];
  definitions(key: string): ReadonlyArray<{ name: string; file: string; columnsFromOtherFiles?: true; columns: ReadonlyMap<string, { file: string }> }>;
}

/** The dependencies of a state of the workspace, from every file's facts and, when given, its derived tables. */
export function dependenciesOf(facts: Iterable<FileFacts>, derived?: DerivedTables): Dependencies {
  const defUsers: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const classTables: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  const classNaming: Record<string, Record<string, NamedFromClass | 'unknown'>> = Object.create(null) as Record<string, Record<string, NamedFromClass | 'unknown'>>;
  let typeormNaming = false;
  let sqlmodelModule = false;
  for (const f of facts) {
    if (/(^|[/.])sqlmodel([/.]|$)/.test(f.file) || /(^|\.)sqlmodel(\.|$)/.test(f.module)) sqlmodelModule = true;
    // Sequelize's instance-wide `define` names models' tables apart from their files the same way.
    if (f.typeormNaming !== undefined || f.sequelizeDefine !== undefined || f.sequelizeVersion !== undefined) typeormNaming = true;
    // So does a TypeORM data source's `schema` (or one FK Guard cannot read): the schema of every entity it may hold.
    if (f.typeormSources?.some((s) => s.schema !== '')) typeormNaming = true;
    // And Drizzle's `casing`, the names of every builder given none.
    if (f.drizzleCasing?.some((c) => c.casing !== '')) typeormNaming = true;
    for (const n of usesOf(f).defs) {
      const list = (defUsers[n] ??= []);
      if (list.length < 2) list.push(f.file);
    }
    if (!derived) continue;
    for (const c of f.classes) {
      const mapping = derived.classTable(f.file, c.name);
      const table = mapping?.table?.name;
      if (table !== undefined) (classTables[f.file] ??= Object.create(null) as Record<string, string>)[c.name] = table;
      const how = mapping?.namedFromClass ?? (mapping?.unknownName ? 'unknown' : undefined);
      if (how) (classNaming[f.file] ??= Object.create(null) as Record<string, NamedFromClass | 'unknown'>)[c.name] = how;
    }
  }
  const out: Dependencies = { defUsers };
  if (typeormNaming) out.typeormNaming = true;
  if (sqlmodelModule) out.sqlmodelModule = true;
  if (derived) {
    const fedFrom: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const key of derived.allTableKeys()) {
      for (const d of derived.definitions(key)) {
        if (!d.columnsFromOtherFiles) continue;
        for (const col of d.columns.values()) {
          if (col.file === d.file) continue;
          const list = (fedFrom[col.file] ??= []);
          if (!list.includes(d.name)) list.push(d.name);
        }
      }
    }
    out.classTables = classTables;
    out.fedFrom = fedFrom;
    out.classNaming = classNaming;
  }
  return out;
}

/** One file whose facts differ from those the conclusions were drawn from: added (no `before`), removed (no `after`). */
export interface FileChange {
  file: string;
  before?: FileFacts;
  after?: FileFacts;
}

/** What a set of changes touched, when it is known (see `touchedBy`). */
export interface Touched {
  files: ReadonlySet<string>;
  names: ReadonlySet<string>;
  /** Some table's definition changed, or a table name came or went. */
  tables: boolean;
}

/**
 * The names `changes` touch, or undefined when they may change any file's findings. `dependencies` are those of
 * the state before the changes.
 */
export function touchedBy(changes: readonly FileChange[], dependencies: Dependencies): Touched | undefined {
  if (dependencies.typeormNaming) return undefined;
  const names = new Set<string>();
  const files = new Set(changes.map((c) => c.file));
  const after = changes.map((c) => c.after).filter((f): f is FileFacts => f !== undefined);
  // The engine follows the definitions that build on a changed name; any such definition outside the file that
  // changed leads into tables derived from it, which only a loaded index knows.
  const defUsersAfter = dependenciesOf(after).defUsers;
  const builtOnElsewhere = (n: string, origin: string) =>
    [...(dependencies.defUsers[n] ?? []), ...(defUsersAfter[n] ?? [])].some((f) => f !== origin);
  const derived = derivedTablesOf(dependencies);
  for (const c of changes) {
    // A file that defines nothing FK Guard reads, before and after, is not in the index at all.
    if (!c.before && !c.after) continue;
    // Where things are in the file does not count here: a definition that only moved (lines added above it) makes
    // the same tables, and every finding that points into the file (a related location, a fix's edit, a message
    // naming it) is turned down by `stillHolds` since the file is among `files`.
    const before = c.before && withoutPlaces(c.before);
    const now = c.after && withoutPlaces(c.after);
    // A file that came or went, or imports or re-exports otherwise, may change what names mean in every file that
    // imports through it (a package's barrel file), which no name it provides says.
    if (!before || !now || resolutionOf(before) !== resolutionOf(now)) return undefined;
    const versions = [before, now];
    if (versions.some(changesEverything)) return undefined;
    const provided = provision(before);
    const provides = provision(now);
    // The same definitions, moved or read into new objects: what points into the file is turned down (see above).
    let touched = sameProvision(provided, provides) ? [] : changedNames(provided, provides);
    // A class without a table name that came or went changes `t:?` (see `namedFromClasses`).
    if (touched.includes('t:?') && derived) {
      const tables = namedFromClasses(before, now, c.file, derived);
      if (tables) {
        touched = touched.filter((n) => n !== 't:?');
        for (const t of tables) names.add(`t:${t}`);
      }
    }
    let mixins = false;
    for (const n of touched) {
      if (n === 'migrations') return undefined;
      // A constant may be imported or re-exported under another name (`export { TableCrate as TableBox }` in a
      // package's barrel): its users name the alias, which no stored dependency links to it (review7 R7-6).
      if (n.startsWith('k:')) return undefined;
      if (builtOnElsewhere(n, c.file)) return undefined;
      names.add(n);
      // The tables behind a changed class or table variable (SchemaIndex.tablesFedBy): a table named literally, or
      // the one the index derived for the class, and those of the classes named like its bases.
      if (n.startsWith('c:')) {
        for (const v of versions) {
          for (const cls of v.classes) {
            if (cls.name !== n.slice(2)) continue;
            if (cls.tablename) {
              if (cls.tablename.kind !== 'literal') return undefined;
              names.add(`t:${cls.tablename.value}`);
              continue;
            }
            if (!derived) return undefined;
            const own = derived.byFile[c.file]?.[cls.name];
            if (own !== undefined) names.add(`t:${own}`);
            for (const b of cls.bases) for (const t of derived.byClassName.get(b.slice(b.lastIndexOf('.') + 1)) ?? []) names.add(`t:${t}`);
            // A class that maps to no table (a mixin, an abstract base) puts its columns into the tables of the
            // classes built on it.
            if (own === undefined) mixins = true;
          }
        }
      } else if (n.startsWith('v:')) {
        for (const v of versions) {
          for (const t of v.tables) {
            if (t.variable !== n.slice(2)) continue;
            if (t.name.kind !== 'literal') return undefined;
            names.add(`t:${t.name.value}`);
          }
        }
      }
    }
    // A mixin's columns live in the tables of the classes built on it, in other files as derived.
    if (mixins) for (const t of derived!.fedFrom[c.file] ?? []) names.add(`t:${t}`);
    // In its own file, every class built on a changed class, directly or not, may take its columns (single-table
    // inheritance, a mixin, a base's columns in a subclass's table): their tables change with it. The engine's own
    // reasoning passes over the changed file's classes there (SchemaIndex.usersOf skips the origin file).
    for (const sub of subclassesOf(versions, touched.filter((n) => n.startsWith('c:')).map((n) => n.slice(2)))) {
      const table = sub.tablename?.kind === 'literal' ? sub.tablename.value : derived?.byFile[c.file]?.[sub.name];
      if (table !== undefined) names.add(`t:${table}`);
      else if (!derived) return undefined;
    }
  }
  return { files, names, tables: [...names].some((n) => n.startsWith('t:')) };
}

interface Derived {
  byFile: Record<string, Record<string, string>>;
  byClassName: Map<string, string[]>;
  fedFrom: Record<string, string[]>;
  naming?: Record<string, Record<string, NamedFromClass | 'unknown'>>;
  sqlmodelModule: boolean;
}

/** The classes of a file (both versions) that build on one of `changed`, directly or through other classes of it. */
function subclassesOf(versions: readonly FileFacts[], changed: readonly string[]): ClassFact[] {
  const reached = new Set(changed);
  const out: ClassFact[] = [];
  for (let grew = changed.length > 0; grew; ) {
    grew = false;
    for (const v of versions) {
      for (const k of v.classes) {
        if (reached.has(k.name) || !k.bases.some((b) => reached.has(b.slice(b.lastIndexOf('.') + 1)))) continue;
        reached.add(k.name);
        out.push(k);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * The tables of the classes without a table name of their own that came or went in a file (a model added, a class
 * renamed), when every one is known; undefined when not. Such a class changes the file's `t:?`, which every string
 * reference uses (its table could be any), but its table is known when: it went, and the index stored its table (or
 * it mapped to none, its name not unknown); or it came with the very header of a class of the file that did not
 * change and whose table was named from its class name alone (`namedFromClass`): the mapping then takes the same
 * way (see `ClassMapper.mapClass`: the branch depends on the header and the bases only), and names it from its own.
 * What else makes `t:?` (Core tables not named literally) must not change, nor any class a class of the file builds on.
 */
function namedFromClasses(before: FileFacts, after: FileFacts, file: string, derived: Derived): string[] | undefined {
  const naming = derived.naming;
  if (!naming) return undefined;
  const how = naming[file] ?? {};
  const tables = derived.byFile[file] ?? {};
  const otherwise = (f: FileFacts) => JSON.stringify(f.tables.filter((t) => t.origin !== 'migration' && t.name.kind !== 'literal'));
  if (otherwise(before) !== otherwise(after)) return undefined;
  const header = (c: ClassFact) => JSON.stringify({ ...c, name: '', columns: [], constraints: [], keys: [], opaque: [], maybeFields: [] });
  const whole = (c: ClassFact) => JSON.stringify(c);
  const nameless = (f: FileFacts) => f.classes.filter((c) => c.tablename?.kind !== 'literal');
  // Class names must say which class is which.
  for (const f of [before, after]) if (new Set(f.classes.map((c) => c.name)).size !== f.classes.length) return undefined;
  const keyOf = (c: ClassFact) => `${c.name}\0${header(c)}`;
  const keysAfter = new Set(nameless(after).map(keyOf));
  const keysBefore = new Set(nameless(before).map(keyOf));
  const went = nameless(before).filter((c) => !keysAfter.has(keyOf(c)));
  const came = nameless(after).filter((c) => !keysBefore.has(keyOf(c)));
  const moving = new Set([...went, ...came].map((c) => c.name));
  for (const f of [before, after]) for (const c of f.classes) if (c.bases.some((b) => moving.has(b.slice(b.lastIndexOf('.') + 1)))) return undefined;
  const out: string[] = [];
  for (const c of went) {
    if (c.tablename || how[c.name] === 'unknown') return undefined;
    if (tables[c.name] !== undefined) out.push(tables[c.name]);
  }
  const unchanged = new Set(before.classes.map(whole));
  const now = new Set(after.classes.map(whole));
  // The classes of the file that came, went or changed: a class built on one of them may map another way now.
  const differ = new Set([...before.classes.filter((k) => !now.has(whole(k))), ...after.classes.filter((k) => !unchanged.has(whole(k)))].map((k) => k.name));
  const named = (way: string | undefined): way is NamedFromClass => way === 'lower' || way === 'snake' || way === 'snake-2' || way === 'snake-either';
  /**
   * `SQLModel` as written in the file is the package's class: imported from `sqlmodel` and bound by nothing else in
   * the file, and no file of the workspace may be that module. It is then no class of the workspace: it gives a class
   * built on it no table, no unknown name and no `@declared_attr` name, and makes it descend from a declarative base.
   */
  const sqlmodelOfPackage = (b: string) =>
    b === 'SQLModel' &&
    !derived.sqlmodelModule &&
    !after.starImports?.length &&
    after.aliases?.SQLModel === undefined &&
    !after.classes.some((k) => k.name === 'SQLModel') &&
    after.imports.some((i) => i.local === 'SQLModel') &&
    after.imports.every((i) => i.local !== 'SQLModel' || (i.module === 'sqlmodel' && i.name === 'SQLModel'));
  /**
   * A class named from its class name by SQLModel's rule, shown base by base (`ClassMapper.mapClass`): its own header
   * says `table=True` and nothing that takes an earlier branch (a table name, abstract, another ORM's, a join table, its
   * own `@declared_attr`), and each base is either the package's `SQLModel` or a base of an unchanged class of the file
   * named from its class name that also builds on the package's `SQLModel`. Such a class has a table of its own, so
   * that base gives it no table and no unknown name; and it descends from a declarative base, so no base of it carries
   * a `@declared_attr` name: neither does that base for the new class.
   */
  const sqlmodelByBases = (c: ClassFact) =>
    c.sqlmodelTable &&
    !c.abstract &&
    !c.framework &&
    !c.joinTable &&
    !c.declaredTablename &&
    c.bases.length > 0 &&
    c.bases.every(
      (b) =>
        sqlmodelOfPackage(b) ||
        after.classes.some((s) => s.name !== c.name && named(how[s.name]) && tables[s.name] !== undefined && unchanged.has(whole(s)) && s.bases.includes(b) && s.bases.some(sqlmodelOfPackage)),
    );
  for (const c of came) {
    if (c.tablename || after.metadataRoots.some((r) => r.name === c.name)) return undefined;
    // Its bases must mean what they meant for the classes it is compared with: none is a class of the file that
    // changed, nor the class itself.
    if (c.bases.some((b) => differ.has(b.slice(b.lastIndexOf('.') + 1)))) return undefined;
    // The same header as an unchanged class of the file named from its class name, or as a class that went (the class
    // renamed): the mapping takes the same way (its branch depends on the header and the bases only).
    const sibling = after.classes.find((s) => s.name !== c.name && named(how[s.name]) && tables[s.name] !== undefined && unchanged.has(whole(s)) && header(s) === header(c));
    const renamed = sibling ? undefined : went.find((w) => named(how[w.name]) && tables[w.name] !== undefined && header(w) === header(c));
    const way = sibling ? how[sibling.name] : renamed ? how[renamed.name] : sqlmodelByBases(c) ? 'lower' : undefined;
    if (!named(way)) return undefined;
    // Flask-SQLAlchemy of a version not known names this class only where its two rules agree.
    if (way === 'snake-either' && camelToSnake(c.name) !== camelToSnakeBefore3(c.name)) return undefined;
    out.push(way === 'lower' ? c.name.toLowerCase() : way === 'snake-2' ? camelToSnakeBefore3(c.name) : camelToSnake(c.name));
  }
  return out;
}

/** The stored derived tables, indexed for `touchedBy`; undefined when the conclusions were stored without them. */
function derivedTablesOf(d: Dependencies): Derived | undefined {
  if (!d.classTables || !d.fedFrom) return undefined;
  const byClassName = new Map<string, string[]>();
  for (const classes of Object.values(d.classTables)) {
    for (const [cls, table] of Object.entries(classes)) {
      const list = byClassName.get(cls);
      if (list) list.push(table);
      else byClassName.set(cls, [table]);
    }
  }
  return { byFile: d.classTables, byClassName, fedFrom: d.fedFrom, ...(d.classNaming ? { naming: d.classNaming } : {}), sqlmodelModule: d.sqlmodelModule === true };
}

/**
 * A copy of `f` with every place in the file made the same (each span empty at the start, one line): what it
 * defines and how, without where. Two versions of a file whose copies agree differ only by where things are.
 */
function withoutPlaces(f: FileFacts): FileFacts {
  return JSON.parse(
    JSON.stringify(f, (key, v: unknown) => {
      if (key === 'lineStarts') return [0];
      if (v && typeof v === 'object' && typeof (v as Span).start === 'number' && typeof (v as Span).end === 'number' && Object.keys(v).length === 2) return { start: 0, end: 0 };
      return v;
    }),
  ) as FileFacts;
}

/** What of a file decides how names are resolved through it. */
function resolutionOf(f: FileFacts): string {
  return JSON.stringify([f.module, f.language, f.imports, f.reexports ?? null, f.starImports ?? null, f.columnPartials ?? null, f.aliases ?? null]);
}

/** Facts that decide what every file means: the judging dialect, module resolution, packages, migration history. */
function changesEverything(f: FileFacts): boolean {
  return (
    (f.targets?.length ?? 0) > 0 ||
    f.tsconfig !== undefined ||
    f.packageJson !== undefined ||
    f.typeormNaming !== undefined ||
    f.typeormSources !== undefined ||
    f.drizzleCasing !== undefined ||
    f.knexSearchPath !== undefined ||
    f.sequelizeDefine !== undefined ||
    f.sequelizeVersion !== undefined ||
    f.sequelizeForeignKeys !== undefined ||
    f.pythonDependencies !== undefined ||
    (f.pendingConsts?.length ?? 0) > 0 ||
    f.migration !== undefined ||
    f.alembicConfig !== undefined ||
    f.drizzleJournal !== undefined ||
    f.setsAlembicLocations === true ||
    // An `Annotated` alias with keys, or built on another name, gives keys to the `Mapped[...]` columns of the modules
    // that import it, under any name (a package's re-export, an alias of it elsewhere): which, only the index knows.
    Object.values(f.annotatedAliases ?? {}).some((a) => a.foreignKey || a.inner === undefined)
  );
}

/**
 * Whether the findings `stored` for `file`, whose facts are `facts` (unchanged since; undefined when it defines
 * nothing FK Guard reads), are still its findings after
 * the changes that `touched` sums up: the file uses none of the touched names, no finding of it points into a
 * changed file, if a table changed, it has no unknown table (whose suggestions may change), and it has no type
 * mismatch (whose fix depends on the keys of every file to the column it retypes).
 */
export function stillHolds(file: string, facts: FileFacts | undefined, stored: readonly Finding[], touched: Touched): boolean {
  if (touched.files.has(file)) return false;
  if (facts) {
    const refs = usesOf(facts).refs;
    for (const n of refs) if (touched.names.has(n)) return false;
    if (touched.tables && refs.has('t:*')) return false;
  }
  for (const f of stored) {
    if (touched.tables && f.rule === 'unknown-table') return false;
    // A type fix is offered only if it breaks no key to the column it retypes, wherever that key is (see
    // `keysBrokenByRetype`): what the changed files' references say, which their provisions do not.
    if (f.rule === 'type-mismatch' && touched.files.size > 0) return false;
    if (f.related.some((r) => touched.files.has(r.file))) return false;
    if (f.fixes.some((x) => x.edits.some((e) => touched.files.has(e.file)))) return false;
    for (const changed of touched.files) if (f.message.includes(changed)) return false;
  }
  return true;
}

/** The stored conclusions of an earlier state, and which files' findings among them still hold now. */
export interface ConclusionsSince {
  conclusions: Conclusions;
  /** Whether the stored findings of `file` are the ones the files as they are now give. */
  holds(file: string): boolean;
  /** How many files changed since those conclusions. */
  changed: number;
}

/**
 * The conclusions stored for the state the cache held when opened, when `files` (read by now, their facts stored in
 * the cache, the changed ones' facts in `factsNow`) differ from it: undefined when there are none, when they carry
 * no dependencies, or when the changes may reach every file.
 */
export function conclusionsSince(cache: FactsCache, files: readonly string[], config: unknown, factsNow: (file: string) => FileFacts | undefined): ConclusionsSince | undefined {
  const key = cache.openedKey(config);
  const conclusions = key === undefined ? undefined : cache.readConclusions(key);
  if (!conclusions || !isDependencies(conclusions.dependencies)) return undefined;
  const changed = cache.changedSinceOpened(files);
  if (!changed) return undefined;
  const present = new Set(files);
  const changes: FileChange[] = [];
  for (const file of changed) {
    const before = cache.openedFactsOf(file);
    if (before === undefined && cache.heldWhenOpened(file)) return undefined;
    changes.push({ file, ...(before ? { before } : {}), ...(present.has(file) ? { after: factsNow(file) } : {}) });
  }
  const touched = touchedBy(changes, conclusions.dependencies);
  if (!touched) return undefined;
  const byFile = new Map<string, Finding[]>();
  for (const f of conclusions.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  return {
    conclusions,
    changed: changes.length,
    holds: (file) => {
      // Facts that cannot be read now say nothing of what the file uses.
      const facts = cache.factsOf(file);
      return facts !== undefined && stillHolds(file, facts ?? undefined, byFile.get(file) ?? [], touched);
    },
  };
}

function isDependencies(d: unknown): d is Dependencies {
  if (!d || typeof d !== 'object') return false;
  const { defUsers, classTables, fedFrom, classNaming, sqlmodelModule } = d as { defUsers?: unknown; classTables?: unknown; fedFrom?: unknown; classNaming?: unknown; sqlmodelModule?: unknown };
  if (sqlmodelModule !== undefined && sqlmodelModule !== true) return false;
  const lists = (x: unknown) => !!x && typeof x === 'object' && Object.values(x).every((l) => Array.isArray(l) && l.every((f) => typeof f === 'string'));
  const tables = (x: unknown) =>
    !!x && typeof x === 'object' && Object.values(x).every((m) => !!m && typeof m === 'object' && Object.values(m as object).every((t) => typeof t === 'string'));
  return lists(defUsers) && (classTables === undefined || tables(classTables)) && (fedFrom === undefined || lists(fedFrom)) && (classNaming === undefined || tables(classNaming));
}
