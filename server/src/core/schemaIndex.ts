import { ClassMapper, classId, dynamicNameWords, nameText, type ClassMapping, type MetadataSchema, type NamelessClass } from './classMapping';
import { declaredAttrConvention, Dialect, FkGuardConfig, judgingDialect } from './config';
import { addExternalTable } from './externalTables';
import { changedNames, classDefNames, Provision, provision, provisionAfter, referenceKey, sameProvision, Uses, usesAfter, usesOf } from './fileSignatures';
import { databaseFolderOf, HistoryPoint, MigrationHistory } from './history';
import { NameLookup } from './nameLookup';
import { SchemaSnapshot, snapshotOf } from './schemaSnapshot';
import { Suggestion, TableNames } from './suggest';
import { rangeOf } from './text';
import type { Binding } from './python/names';
import { ownAttrs, tableFromFact, TableDef, trimColumns } from './tables';
import { internStrings } from './facts';
import { resolvePending } from './pendingNames';
import { AnnotatedAliasFact, ClassFact, CoreTableFact, FileFacts, MetadataRootFact, MigrationOp, NameExpr, ReferenceFact, Span, TypeFact, TypeormSourceFact } from './types';
import { agreed } from './migrations/sequelizeConfig';
import type { SequelizeDefine } from './typescript/sequelize';
import type { SequelizeKeys } from './classMapping';
import { drizzleDialectOf } from './typescript/targets';
import { drizzleCased } from './typescript/drizzle';
import { PythonProjects, type SqlalchemyMajor } from './python/flaskVersion';

/** Table keys by their lower-case spelling (see `SchemaIndex.caseVariants`). */
interface CaseGroups {
  /** The `allTableKeys` list the groups are in the order of. */
  keys: string[];
  byLower: Map<string, string[]>;
  /** The keys derivations removed from the tables or put in since the groups were made or brought to `keys`. */
  touched: Set<string>;
}

/**
 * The workspace schema, derived from every file's facts. Setting one file's facts replaces only its share;
 * the derived tables are rebuilt lazily, and only when what the file provides (tables, columns, classes,
 * constants, types) changed — editing a reference inside a model file leaves them as they are.
 */
export class SchemaIndex {
  private readonly files = new Map<string, FileFacts>();
  private readonly provided = new Map<string, Provision>();
  /** Files loaded by `loadFacts` whose provisions were not needed yet. */
  private readonly unprovisioned = new Set<string>();
  /**
   * The strings of the facts a cold load took so far, one copy of each value (see `internStrings`); dropped
   * once the tables are derived, when the load is over.
   */
  private interned: Map<string, string> | undefined;
  /** On a one-shot index, the spans of the facts a cold load took so far, one object of each value (see `internStrings`). */
  private sharedSpans: Map<number, Span> | undefined;
  private readonly uses = new Map<string, Uses>();
  /**
   * On a one-shot index: the files `loadFacts` took whose uses are not in `uses`, `refUsers` and `defUsers` yet,
   * with the facts it took. They are entered when a change first needs to know who uses what (`settleUses`),
   * which a scan that only reads its findings never does: on 10,000 model files that saved the reverse index's
   * ~1 s.
   */
  private usesLater: Map<string, FileFacts> | undefined;
  /** While `usesLater` waits: every reference by the table it names (see `referencesNaming`). */
  private referencedBy: Map<string, Array<string | ReferenceFact>> | undefined;
  /** name → files whose findings use it (references) and files whose definitions use it (bases, types). */
  private readonly refUsers = new Map<string, Set<string>>();
  private readonly defUsers = new Map<string, Set<string>>();
  private tableKeysCache: string[] | undefined;
  /** `tableSchemas`, with the `allTableKeys` list it was made from. */
  private schemasOfKeys: { keys: string[]; set: Set<string> } | undefined;
  /** The keys of `tables` with a schema (`billing.invoices`), while the keys stay the same (see `classesOfTables`). */
  private schemaKeys: string[] | undefined;
  /** How many keys of `tables` have a schema: none in most workspaces, where `schemaKeys` is then made without a walk. */
  private schemaKeyCount = 0;
  /**
   * The tables holding a column from another file than their own (`TableDef.columnsFromOtherFiles`), as last
   * derived; undefined when they are to be found again. A table gains such a column only while the class that
   * maps to it is derived, and a derived table is never changed afterwards (it is replaced), so deriving a few
   * classes again (`rederiveClasses`) updates the set from those classes alone; other derivations drop it.
   */
  private fedTables: Set<TableDef> | undefined;
  /** `tableCount()`, asked for the status line after every change: kept as long as `tableKeysCache`. */
  private tableCountCache: number | undefined;
  /**
   * The tables whose definitions the last `setFacts`/`removeFile` changed, directly or through what they
   * build on. A file with an unknown table depends on the tables "did you mean" offered it (where they are
   * defined, the type its fix would write), which the reverse index alone does not see.
   */
  changedTables = new Set<string>();
  /** Whether the last change added or removed a table name: every "did you mean" may change then. */
  tableKeysChanged = false;
  /**
   * The names the last `setFacts` changed, followed through the other files that build on them (see
   * `usersOf`); undefined when anything may have changed (a file removed, a new judging dialect).
   */
  lastChange: Set<string> | undefined;
  private tableNames: TableNames | undefined;
  /** The table keys changed since `tableNames` last answered: it follows them first (see `TableNames.follow`). */
  private tableNamesStale = false;
  /**
   * The keys derivations removed from the tables or put in since `tableNames` last answered; undefined after a
   * derivation of everything. Every other key is in the key set or not as it was then (see `followKeys`).
   */
  private tableNamesTouched: Set<string> | undefined;
  private dirty = true;
  /** What changed since the tables were last derived: a few files are re-derived, not the workspace. */
  private fullRebuild = true;
  private readonly pendingFiles = new Set<string>();
  private readonly pendingNames = new Set<string>();
  /** Every pending change was to facts moved in place (see `markChanged`). */
  private pendingInPlace = false;
  /** See `lastDerivation`. */
  private lastDerived: number | 'all' | undefined;
  /** How many derivations the index made (see `lastDerivation`). */
  private derivations = 0;
  private defsByFile = new Map<string, TableDef[]>();

  // Derived state.
  private tables = new Map<string, TableDef[]>();
  private history = MigrationHistory.empty();
  /** Tables whose schema comes from a computed `__table_args__`, by name: the first of each, in table order. */
  private unknownSchemaByName: Map<string, TableDef> | undefined;
  /**
   * `caseVariants`' index, with the `allTableKeys` list it was built from, and the keys derivations have removed
   * from `tables` or put in since (see `ensure`): only their groups can differ from the index of a new list.
   */
  private keysByLowerCase: CaseGroups | undefined;
  /** Tables made under a name FK Guard cannot read, with the words of the name as written (see `unnamedTableFor`). */
  private unnamedTables: Array<{ file: string; text: string; words: string[]; variable?: string; maybe?: { name?: string; maker: string; unparsed?: true } }> | undefined;
  /** `classTable` answers since the tables were last derived, by file and class name. */
  private classTables = new Map<string, Map<string, ClassMapping | undefined>>();
  /** The table keys deriving created (some may be ones it removed a moment before): see `ensure`. */
  private keysCreated: string[] = [];
  /**
   * The table keys the last derivation removed from the tables or put in (`removed`, `created`), or undefined when
   * it derived everything: no other key's definitions list came or went (see `tableKeysTouched`).
   */
  private lastKeysTouched: { removed: readonly string[]; created: readonly string[] } | undefined;
  /** Tables declared by classes and Core `Table`s inside migration files, by file (see `addTable`). */
  private migrationLocal = new Map<string, TableDef[]>();
  private coreByVar = new Map<string, Array<{ file: string; table: TableDef }>>();
  private externals = new Map<string, TableDef>();
  /** Files with grouped notes, by group and folder (see `noteGroup`); made again after any file changes. */
  private noteGroups: Map<string, string[]> | undefined;
  /** The files whose TypeORM data source names its own naming (see `FileFacts.typeormNaming`). */
  private readonly typeormNamingFiles = new Set<string>();
  /** The files that write Sequelize's instance-wide `define` (see `FileFacts.sequelizeDefine`). */
  private readonly sequelizeDefineFiles = new Set<string>();
  /** The files whose Sequelize associations add keys to another file's model (see `FileFacts.sequelizeForeignKeys`). */
  private readonly sequelizeKeyFiles = new Set<string>();
  /** The files that write a TypeORM data source's options (see `FileFacts.typeormSources`). */
  private readonly typeormSourceFiles = new Set<string>();
  /** The files that say what Drizzle's `casing` is (see `FileFacts.drizzleCasing`). */
  private readonly drizzleCasingFiles = new Set<string>();
  /** The files that write a Knex configuration's `searchPath` (see `FileFacts.knexSearchPath`). */
  private readonly knexConfigFiles = new Set<string>();
  /** The files that assign a metadata object's `schema` (see `FileFacts.metadataSchemaSets`). */
  private readonly metadataSchemaSetFiles = new Set<string>();
  /** What those files assign to, by metadata id (see `metadataSchemaSets`); made again whenever the tables are. */
  private schemaSets: Map<string, string> | undefined;
  /** The files holding a Flask-SQLAlchemy root that rebinds its `model_class` (see `MetadataRootFact.rebinds`). */
  private readonly rebindFiles = new Set<string>();
  /** What those roots rebind, by the base's root id (see `metadataRebinds`); made again whenever the tables are. */
  private rebinds: Map<string, { file: string; root: MetadataRootFact }> | undefined;
  /** `surelyImported` answers of this derivation, by file. */
  private imported = new Map<string, ReadonlySet<string>>();
  /**
   * The files whose findings were decided by what they import (see `importedDefinition`), kept across derivations: a
   * change of any Python file's imports (or a file coming or going) may change them, which no name they use says.
   */
  private readonly decidedByImports = new Set<string>();
  /** The Python projects' dependency files, for the Flask-SQLAlchemy version each project installs. */
  private readonly pythonProjects = new PythonProjects();
  /** Each package.json's `sequelize` range (see `FileFacts.sequelizeVersion`). */
  private readonly sequelizeRanges = new Map<string, string>();
  /** The files that say which databases the project targets (few: data sources, knexfiles, schemas). */
  private readonly targets = new Map<string, Dialect[]>();
  /** The judge of each package that holds files with targets, and of each folder asked about (see `dialectOf`). */
  private judges?: { scopes: Array<{ scope: string; dialects: Dialect[] }>; byFolder: Map<string, Dialect> };
  /**
   * The project's Sequelize naming (`sequelizeDefine()`, `sequelizeLegacy()`), combined from every file's facts
   * when first asked, and dropped with `judges` wherever a file's facts change: the class mapper asks for it
   * twice for every Sequelize class it derives, and combining sorts the files and merges their options.
   */
  private sequelizeNaming?: { define: SequelizeDefine | undefined; legacy: { file: string; range: string } | undefined; keys?: SequelizeKeys };
  /**
   * Files whose facts name things by other files' constants (see `pendingNames.ts`): their facts as read, and
   * what the constants resolved to last. `files` holds the resolved copy, made again whenever the tables are.
   */
  private readonly unresolved = new Map<string, { facts: FileFacts; values?: string }>();
  /**
   * Python files with `Mapped[X]` columns whose `X` an import binds (see `FileFacts.pendingAliasKeys`): their facts
   * as read, and the keys each such `X` was found to hold last. `files` holds the facts with those keys' references
   * added (see `resolveAliasKeys`), made again whenever `ensure` runs.
   */
  private readonly aliasPending = new Map<string, { facts: FileFacts; signature?: string; uses?: string[] }>();
  /** `package.json` files of the workspace by file: a package name imported by another file leads to them. */
  private readonly packageJsons = new Map<string, { name: string; entries: string[] }>();
  /** Modules, classes, constants and types by name (see nameLookup.ts). */
  private readonly lookup = new NameLookup(this.files, this.packageJsons, () => this.ensure());
  /** Declarative classes to tables (see classMapping.ts); it adds what it derives through `addTable`. */
  private readonly mapper = new ClassMapper({
    facts: (f) => this.files.get(f),
    names: this.lookup.names,
    findClass: (f, dotted) => this.findClass(f, dotted),
    resolveName: (f, expr) => this.resolveName(f, expr),
    resolveType: (f, type) => this.resolveType(f, type),
    addTable: (def) => this.addTable(def),
    declaredAttrConvention: (className, file) => declaredAttrConvention(this.config, className, file),
    typeormNaming: () => this.typeormNaming(),
    sequelizeDefine: () => this.sequelizeDefine(),
    typeormSources: () => this.typeormSources(),
    dialectOf: (file: string) => this.dialectOf(file),
    sequelizeLegacy: () => this.sequelizeLegacy(),
    sequelizeKeys: () => this.sequelizeKeys(),
    metadataSchemaSets: () => this.metadataSchemaSets(),
    metadataRebinds: () => this.metadataRebinds(),
    flaskNaming: (file: string) => this.pythonProjects.naming(file),
  });

  /**
   * `oneShot`: the index is filled once and read once (see `EngineOptions.oneShot`), and a change that comes all
   * the same pays for what it needs then: what each file uses (`usesLater`), which answers of name resolution
   * read which files (see `PythonNames.stopTracking`).
   */
  constructor(
    private readonly config: FkGuardConfig,
    private readonly options: { oneShot?: boolean } = {},
  ) {
    for (const spec of config.externalTables) addExternalTable(this.externals, spec);
    if (options.oneShot) this.lookup.names.stopTracking();
  }

  // ---- updates ----

  /** Replaces one file's facts; returns the other files whose findings may change. */
  /**
   * Replaces one file's facts; returns the other files whose findings may change. `movedInPlace` says the
   * previous facts' objects were kept with their spans moved (an edit inside one class of an open
   * document): the derived tables that point at them are still right.
   */
  setFacts(facts: FileFacts, movedInPlace = false, readAgain: readonly string[] = []): string[] {
    const judge = this.judgeSignature();
    if (facts.targets?.length) this.targets.set(facts.file, facts.targets);
    else this.targets.delete(facts.file);
    this.judges = undefined;
    this.sequelizeNaming = undefined;
    // A tsconfig's `paths` decide what every import means, and a barrel's re-exports what every import through
    // it means (it provides no name of its own to follow): everything is derived and checked again.
    const previous = this.files.get(facts.file);
    // So does Sequelize's instance-wide `define`, which names every model's table and columns, and a workspace
    // package's `package.json`, by whose name and entry points every import through the package resolves.
    const resolution =
      facts.tsconfig !== undefined ||
      previous?.tsconfig !== undefined ||
      !sameReexports(previous, facts) ||
      !sameSequelizeDefine(previous, facts) ||
      !sameTypeormSources(previous, facts) ||
      JSON.stringify(previous?.drizzleCasing ?? null) !== JSON.stringify(facts.drizzleCasing ?? null) ||
      JSON.stringify(previous?.knexSearchPath ?? null) !== JSON.stringify(facts.knexSearchPath ?? null) ||
      previous?.knexMigration !== facts.knexMigration ||
      !samePackageJson(previous, facts);
    const users = this.setFactsOnly(facts, movedInPlace, readAgain);
    // A dependency file's Flask-SQLAlchemy version names the models of its project: every table is derived again.
    const versions = this.pythonProjects.set(facts.file, facts.pythonDependencies);
    if (versions) this.deriveAll(facts.file);
    const imports = this.decidedByImports.size > 0 && facts.language === 'python' && !sameImports(previous, facts);
    if (this.judgeSignature() === judge && !resolution && !versions && !imports) return users;
    this.lastChange = undefined;
    return this.everyFileBut(facts.file);
  }

  /**
   * Takes a file's facts that differ from the ones it holds only by where things are, every fact object and
   * list the same (see `Engine.movedAlongOnly`): nothing derived changes, and positions in the file are read
   * with the new facts' line starts from now on.
   */
  takeMovedFacts(facts: FileFacts): void {
    const pending = this.aliasPending.get(facts.file);
    const held = this.files.get(facts.file);
    if (pending && held && held !== pending.facts && held.references !== facts.references) {
      // The references added for imported aliases share their spans with the pending entries, which moved too.
      pending.facts = facts;
      this.files.set(facts.file, { ...facts, references: held.references });
      this.sequelizeNaming = undefined;
      return;
    }
    if (pending) pending.facts = facts;
    this.files.set(facts.file, facts);
    this.lookup.filesChanged();
    this.sequelizeNaming = undefined;
  }

  /**
   * The database that judges type compatibility and uniqueness: the configuration's, else the most
   * permissive one the project's files say they target (see `judgingDialect`).
   */
  dialect(): Dialect {
    return judgingDialect(this.config, [...this.targets.values()].flat());
  }

  /**
   * The database that judges `file`'s references: the configuration's, else the most permissive one that the
   * files of its package, and of the packages around it, say they target. A file says so for the package it is
   * in (the folder of the nearest `package.json` that names one, else the whole workspace). A file under no
   * such package is judged by every target of the workspace, as before packages counted, but for Python: a Node
   * service's knexfile or sequelize-cli config in its own package of a monorepo says nothing of the database a
   * Python service beside it runs on, so that service is judged by the configuration's dialect.
   */
  dialectOf(file: string): Dialect {
    if (this.config.dialectExplicit) return this.dialect();
    // A migration in a folder named for one database (`migrations/sqlite/`) runs on that database.
    const named = databaseFolderOf(file);
    if (named) return named;
    // A Drizzle schema builds its tables from one database's module (`drizzle-orm/mysql-core`): drizzle-kit writes
    // them for that database alone, whatever else its package runs on (homarr keeps a MySQL, a PostgreSQL and a
    // SQLite schema of the same tables side by side, and a foreign key in the MySQL one is MySQL's to refuse).
    const drizzle = drizzleDialectOf(this.files.get(file));
    if (drizzle) return drizzle;
    if (this.targets.size === 0) return this.dialect();
    const judges = (this.judges ??= this.judgesNow());
    const cut = file.lastIndexOf('/');
    const folder = cut < 0 ? '' : file.slice(0, cut + 1);
    const python = file.endsWith('.py') || file.endsWith('.pyi');
    const key = python ? `py:${folder}` : folder;
    let judge = judges.byFolder.get(key);
    if (judge === undefined) {
      const scoped = judges.scopes.filter((s) => folder.startsWith(s.scope));
      judge = scoped.length > 0 || python ? judgingDialect(this.config, scoped.flatMap((s) => s.dialects)) : this.dialect();
      judges.byFolder.set(key, judge);
    }
    return judge;
  }

  /** What every package's judge depends on, to tell whether a change of facts changed any judge. */
  private judgeSignature(): string {
    if (this.config.dialectExplicit || this.targets.size === 0) return this.dialect();
    const judges = (this.judges ??= this.judgesNow());
    return JSON.stringify(judges.scopes);
  }

  private judgesNow(): NonNullable<SchemaIndex['judges']> {
    const packages = [...this.packageJsons.keys()].map((f) => f.slice(0, f.lastIndexOf('/') + 1));
    const byScope = new Map<string, Set<Dialect>>();
    for (const [file, dialects] of this.targets) {
      // The deepest package folder holding the file (`''`: the workspace's root, which holds every file).
      let scope = '';
      for (const p of packages) if (file.startsWith(p) && p.length > scope.length) scope = p;
      let set = byScope.get(scope);
      if (!set) byScope.set(scope, (set = new Set()));
      for (const d of dialects) set.add(d);
    }
    const scopes = [...byScope].map(([scope, set]) => ({ scope, dialects: [...set].sort() })).sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
    return { scopes, byFolder: new Map() };
  }

  /** A new judge changes every verdict, and the history it replays: everything is derived again. */
  private everyFileBut(file: string): string[] {
    this.markChanged(file, ['migrations']);
    return [...this.files.keys()].filter((f) => f !== file);
  }

  private setFactsOnly(facts: FileFacts, movedInPlace: boolean, readAgain: readonly string[]): string[] {
    const file = facts.file;
    // A provision made just now from facts already moved by the edit is no base for `provisionAfter`.
    const signedBefore = !this.unprovisioned.has(file);
    const before = this.provisionOf(file);
    const previous = this.files.get(file);
    const quick = movedInPlace && signedBefore && before && previous ? provisionAfter(previous, before, facts) : undefined;
    const after = quick?.after ?? provision(facts, movedInPlace);
    this.files.set(file, facts);
    this.lookup.filesChanged();
    this.noteGroups = undefined;
    if (facts.typeormNaming) this.typeormNamingFiles.add(file);
    else this.typeormNamingFiles.delete(file);
    if (facts.sequelizeDefine) this.sequelizeDefineFiles.add(file);
    else this.sequelizeDefineFiles.delete(file);
    if (facts.sequelizeForeignKeys) this.sequelizeKeyFiles.add(file);
    else this.sequelizeKeyFiles.delete(file);
    if (facts.typeormSources) this.typeormSourceFiles.add(file);
    else this.typeormSourceFiles.delete(file);
    if (facts.drizzleCasing) this.drizzleCasingFiles.add(file);
    else this.drizzleCasingFiles.delete(file);
    if (facts.knexSearchPath) this.knexConfigFiles.add(file);
    else this.knexConfigFiles.delete(file);
    if (facts.metadataSchemaSets) this.metadataSchemaSetFiles.add(file);
    else this.metadataSchemaSetFiles.delete(file);
    if (facts.metadataRoots.some((r) => r.rebinds !== undefined)) this.rebindFiles.add(file);
    else this.rebindFiles.delete(file);
    if (facts.sequelizeVersion !== undefined) this.sequelizeRanges.set(file, facts.sequelizeVersion);
    else this.sequelizeRanges.delete(file);
    if (facts.pendingConsts?.length) this.unresolved.set(file, { facts });
    else this.unresolved.delete(file);
    this.noteAliasPending(facts);
    if (facts.packageJson) this.packageJsons.set(file, facts.packageJson);
    else this.packageJsons.delete(file);
    this.judges = undefined;
    this.sequelizeNaming = undefined;
    this.provided.set(file, after);
    const usedBefore = movedInPlace && previous ? this.uses.get(file) : undefined;
    this.setUses(file, (usedBefore && usesAfter(previous!, usedBefore, facts)) || usesOf(facts));
    this.changedTables = new Set();
    this.tableKeysChanged = false;
    this.lastChange = undefined;
    let names: string[];
    if (before && (quick ? quick.changed.length === 0 : sameProvision(before, after))) {
      if ((movedInPlace && readAgain.length === 0) || previous === facts) {
        this.lastChange = new Set();
        return [];
      }
      if (!movedInPlace) {
        // The same definitions read again into new objects (characters moved within lines): the derived
        // tables are rebound to them, and findings elsewhere that point into this file are computed again. A
        // migration's tables are the history's, which only a replay rebinds.
        this.markChanged(file, facts.migration || previous?.migration ? ['migrations'] : []);
        return this.usersOf(new Set(after.names.keys()), file);
      }
      // Classes read again into new objects that define what they did (an edit inside a foreign key's string, a
      // `__tablename__` line rewritten with other spacing): their tables are derived again from the new objects,
      // which later edits move (the old ones, which the tables held, no longer are: go-to-definition went a few
      // characters off), and what resolved to those tables is checked again. So too when other names changed
      // (below): a class read again counts as changed whatever its signature says.
      names = readAgain.map((n) => `c:${n}`);
    } else names = [...(quick?.changed ?? changedNames(before, after)), ...(movedInPlace ? readAgain.map((n) => `c:${n}`) : [])];
    names = builtOnInFile(facts, names);
    // The history holds a migration's own objects (the places of its tables and columns) until it is replayed,
    // which only a change of `migrations` does: a migration whose other names changed (a module constant
    // commented out) left the history pointing into the previous text, a few characters off.
    if (previous?.migration !== facts.migration && !names.includes('migrations')) names = [...new Set([...names, ...(before?.names.keys() ?? []), ...after.names.keys()])];
    const changed = [...new Set([...names, ...this.tablesFedBy(file, names, [previous, facts]), ...this.namedElsewhere(names, [previous, facts])])];
    for (const n of changed) if (n.startsWith('t:')) this.changedTables.add(n.slice(2));
    this.tableKeysChanged = changed.some((n) => n === 'migrations' || (n.startsWith('t:') && before?.names.has(n) !== after.names.has(n)));
    this.markChanged(file, changed, movedInPlace);
    return this.usersOf(new Set([...changed, ...this.classesOfTables(changed)]), file);
  }

  /**
   * The classes whose tables (as last derived) are among the changed `t:` names, as `c:` names (and the variables
   * holding such tables, as `v:` names): a reference
   * through a class (`ForeignKey(User.id)`, TypeORM's `(user) => user.id`) names the class, not its table, yet
   * another definition of that table (a second entity for `users` in another file) changes what it resolves to.
   */
  private classesOfTables(changed: readonly string[]): string[] {
    const out: string[] = [];
    for (const n of changed) {
      if (!n.startsWith('t:')) continue;
      const name = n.slice(2);
      for (const d of this.tables.get(name) ?? []) if (d.className) out.push(`c:${d.className}`);
      for (const key of (this.schemaKeys ??= this.schemaKeyCount === 0 ? [] : [...this.tables.keys()].filter((k) => k.includes('.')))) {
        if (key.endsWith(`.${name}`)) for (const d of this.tables.get(key) ?? []) if (d.className) out.push(`c:${d.className}`);
      }
    }
    // So does a reference through a variable holding a table (Drizzle's `() => barns.code`, `users_table.c.id`).
    const tables = new Set(changed.filter((n) => n.startsWith('t:')).map((n) => n.slice(2)));
    if (tables.size > 0) for (const [variable, list] of this.coreByVar) if (list.some((x) => tables.has(x.table.name))) out.push(`v:${variable}`);
    return out;
  }

  /**
   * The tables behind changed class and variable names, which the names alone do not say: a table named
   * by a constant (`__tablename__ = USERS_TABLE`, `Table(USERS_TABLE, ...)`), and a class without a table
   * name of its own (a single-table-inheritance subclass, a mixin) that puts its columns into tables named
   * elsewhere. Read from both versions of the file and from the tables as last derived.
   */
  private tablesFedBy(file: string, changed: readonly string[], versions: Array<FileFacts | undefined>): string[] {
    const out = new Set<string>();
    const tableOf = (f: string, name: string) => {
      const m = this.mapper.classMap.get(classId(f, name));
      if (m?.table) out.add(`t:${m.table.name}`);
    };
    const named = (expr: NameExpr | undefined) => {
      const name = this.resolveName(file, expr);
      if (name !== undefined) out.add(`t:${name}`);
    };
    let mixins = false;
    for (const n of changed) {
      if (n.startsWith('v:')) {
        const variable = n.slice(2);
        for (const v of versions) for (const t of v?.tables ?? []) if (t.variable === variable) named(t.name);
        continue;
      }
      if (!n.startsWith('c:')) continue;
      const name = n.slice(2);
      for (const v of versions) {
        const cls = v?.classes.find((c) => c.name === name);
        if (!cls) continue;
        if (cls.tablename) {
          named(cls.tablename);
          continue;
        }
        tableOf(file, name);
        for (const b of cls.bases) for (const c of this.lookup.classesNamed(b.split('.').pop()!) ?? []) tableOf(c.file, c.cls.name);
        mixins = true;
      }
    }
    // A mixin's columns live in the tables of the classes built on it, wherever they are.
    if (mixins) for (const d of this.tablesFedFrom(file)) out.add(`t:${d.name}`);
    return [...out];
  }

  /** Tables of other files that took columns from `file` (mixins, single-table inheritance), as last derived. */
  private tablesFedFrom(file: string): TableDef[] {
    const out: TableDef[] = [];
    // Most tables hold only their own file's columns: only the others are looked at (walking every table of the
    // workspace, ~3,500 on the keystroke bench, cost more than the rest of finding what a keystroke affects).
    if (!this.fedTables) {
      // Loops rather than spreading and flattening every table list: this runs again whenever a keystroke derives a
      // whole file (a table name typed), over the ~4,500 tables of the incremental bench.
      const fed = new Set<TableDef>();
      for (const defs of this.tables.values()) for (const d of defs) if (d.columnsFromOtherFiles) fed.add(d);
      this.fedTables = fed;
    }
    for (const d of this.fedTables) if (d.file !== file && d.columns.holdsColumnOf(file)) out.push(d);
    return out;
  }

  /**
   * Takes one more file's facts on a cold load (a scan filling an index nothing was derived from yet): the
   * tables are derived again whole at the next query, so nothing is tracked per change, and the file's
   * provision (what a later `setFacts` compares against) is computed only if one is ever asked for. On a
   * 10,000-file scan the tracking cost seconds, and its answer (which files to re-check) was never used.
   * `interned`: the facts' strings and spans are already the copies `internTables` holds.
   */
  loadFacts(facts: FileFacts, interned = false): void {
    if (!interned) internStrings(facts, (this.interned ??= new Map()), this.options.oneShot ? (this.sharedSpans ??= new Map()) : undefined);
    if (facts.targets?.length) this.targets.set(facts.file, facts.targets);
    else this.targets.delete(facts.file);
    this.judges = undefined;
    this.sequelizeNaming = undefined;
    this.files.set(facts.file, facts);
    this.lookup.filesChanged();
    this.noteGroups = undefined;
    if (facts.typeormNaming) this.typeormNamingFiles.add(facts.file);
    else this.typeormNamingFiles.delete(facts.file);
    if (facts.sequelizeDefine) this.sequelizeDefineFiles.add(facts.file);
    else this.sequelizeDefineFiles.delete(facts.file);
    if (facts.sequelizeForeignKeys) this.sequelizeKeyFiles.add(facts.file);
    else this.sequelizeKeyFiles.delete(facts.file);
    if (facts.typeormSources) this.typeormSourceFiles.add(facts.file);
    else this.typeormSourceFiles.delete(facts.file);
    if (facts.drizzleCasing) this.drizzleCasingFiles.add(facts.file);
    else this.drizzleCasingFiles.delete(facts.file);
    if (facts.knexSearchPath) this.knexConfigFiles.add(facts.file);
    else this.knexConfigFiles.delete(facts.file);
    if (facts.metadataSchemaSets) this.metadataSchemaSetFiles.add(facts.file);
    else this.metadataSchemaSetFiles.delete(facts.file);
    if (facts.metadataRoots.some((r) => r.rebinds !== undefined)) this.rebindFiles.add(facts.file);
    else this.rebindFiles.delete(facts.file);
    if (facts.sequelizeVersion !== undefined) this.sequelizeRanges.set(facts.file, facts.sequelizeVersion);
    else this.sequelizeRanges.delete(facts.file);
    this.pythonProjects.set(facts.file, facts.pythonDependencies);
    // As `setFactsOnly` keeps them: names waiting for other files' constants, and the workspace's packages.
    if (facts.pendingConsts?.length) this.unresolved.set(facts.file, { facts });
    else this.unresolved.delete(facts.file);
    this.noteAliasPending(facts);
    if (facts.packageJson) this.packageJsons.set(facts.file, facts.packageJson);
    else this.packageJsons.delete(facts.file);
    this.judges = undefined;
    this.sequelizeNaming = undefined;
    this.provided.delete(facts.file);
    this.unprovisioned.add(facts.file);
    this.referencedBy = undefined;
    if (this.options.oneShot && !this.uses.has(facts.file)) (this.usesLater ??= new Map()).set(facts.file, facts);
    else this.setUses(facts.file, usesOf(facts));
    this.changedTables = new Set();
    this.tableKeysChanged = true;
    this.markChanged(facts.file, ['migrations']);
  }

  /**
   * The tables `loadFacts` keeps one copy of each string (and, on a one-shot index, span) of the facts in, for
   * facts interned elsewhere before they are loaded (see `loadFacts`'s `interned`).
   */
  internTables(): { strings: Map<string, string>; spans?: Map<number, Span> } {
    const strings = (this.interned ??= new Map());
    return this.options.oneShot ? { strings, spans: (this.sharedSpans ??= new Map()) } : { strings };
  }

  /** A file's provision, computed now if its facts came through `loadFacts`. */
  private provisionOf(file: string): Provision | undefined {
    if (this.unprovisioned.delete(file)) {
      const facts = this.files.get(file);
      if (facts) this.provided.set(file, provision(facts));
    }
    return this.provided.get(file);
  }

  /** Every table is derived again at the next query (a change that names them all: a dependency file's versions). */
  private deriveAll(file: string): void {
    this.markChanged(file, []);
    this.fullRebuild = true;
  }

  /**
   * `inPlace`: the file's facts are its previous objects moved in place but for the classes the change names
   * (see `Engine.updateFile`), which lets deriving again take only those classes (see `changedClassesOnly`).
   */
  private markChanged(file: string, names: readonly string[], inPlace = false): void {
    this.pendingInPlace = (this.pendingFiles.size === 0 || this.pendingInPlace) && inPlace;
    this.dirty = true;
    this.pendingFiles.add(file);
    for (const n of names) this.pendingNames.add(n);
    // Migrations are one history: a change anywhere in it replays all of it.
    if (names.includes('migrations')) this.fullRebuild = true;
  }

  removeFile(file: string): string[] {
    const judge = this.judgeSignature();
    this.targets.delete(file);
    this.judges = undefined;
    this.sequelizeNaming = undefined;
    const gone = this.files.get(file);
    const resolution =
      gone?.tsconfig !== undefined || !!gone?.reexports?.length || gone?.sequelizeDefine !== undefined || gone?.sequelizeForeignKeys !== undefined || gone?.typeormSources !== undefined || gone?.drizzleCasing !== undefined || gone?.knexSearchPath !== undefined || gone?.sequelizeVersion !== undefined || gone?.packageJson !== undefined;
    const versions = this.pythonProjects.set(file, undefined);
    const imports = this.decidedByImports.size > 0 && gone?.language === 'python';
    this.decidedByImports.delete(file);
    const users = this.removeFileOnly(file);
    if (versions) this.deriveAll(file);
    if (resolution || versions || imports) {
      this.lastChange = undefined;
      return this.everyFileBut(file);
    }
    this.lastChange = undefined;
    return this.judgeSignature() === judge ? users : this.everyFileBut(file);
  }

  private removeFileOnly(file: string): string[] {
    const before = this.provisionOf(file);
    const gone = this.files.get(file);
    this.files.delete(file);
    this.lookup.filesChanged();
    this.noteGroups = undefined;
    this.typeormNamingFiles.delete(file);
    this.sequelizeDefineFiles.delete(file);
    this.sequelizeKeyFiles.delete(file);
    this.typeormSourceFiles.delete(file);
    this.drizzleCasingFiles.delete(file);
    this.knexConfigFiles.delete(file);
    this.metadataSchemaSetFiles.delete(file);
    this.rebindFiles.delete(file);
    this.sequelizeRanges.delete(file);
    this.unresolved.delete(file);
    this.aliasPending.delete(file);
    this.packageJsons.delete(file);
    this.judges = undefined;
    this.sequelizeNaming = undefined;
    this.provided.delete(file);
    this.setUses(file, { refs: new Set(), defs: new Set() });
    if (!before) return [];
    const names = [...before.names.keys(), ...this.namedElsewhere([...before.names.keys()], [gone])];
    this.changedTables = new Set(names.filter((n) => n.startsWith('t:')).map((n) => n.slice(2)));
    this.tableKeysChanged = this.changedTables.size > 0 || before.names.has('migrations');
    this.markChanged(file, names);
    return this.usersOf(new Set([...names, ...this.classesOfTables(names)]), file);
  }

  /**
   * A TypeORM entity's table is named by the data source too when the project sets an `entityPrefix` or a
   * naming strategy (`members` is `club_members`), which the class's provision (`t:members`) does not say: when
   * such a class changes, any table may have, and every reference by name is checked again.
   */
  private namedElsewhere(names: readonly string[], facts: ReadonlyArray<FileFacts | undefined>): string[] {
    const framework = this.typeormNamingFiles.size > 0 ? 'typeorm' : undefined;
    const defined = this.sequelizeDefineFiles.size > 0 || this.sequelizeLegacy() ? 'sequelize' : undefined;
    if (!framework && !defined) return [];
    const typeorm = new Set(facts.flatMap((f) => f?.classes.filter((c) => c.framework === framework || c.framework === defined).map((c) => `c:${c.name}`) ?? []));
    return names.some((n) => typeorm.has(n)) ? ['t:?'] : [];
  }

  /** Enters the uses `loadFacts` left for later (see `usesLater`). */
  private settleUses(): void {
    const later = this.usesLater;
    if (!later) return;
    this.usesLater = undefined;
    this.referencedBy = undefined;
    for (const [file, facts] of later) this.setUses(file, this.usesOfFile(file, facts));
  }

  private setUses(file: string, uses: Uses): void {
    this.settleUses();
    const old = this.uses.get(file);
    // Most edits leave the names a file uses as they were: nothing to move in the reverse index then.
    if (old === uses || (old && sameSet(old.refs, uses.refs) && sameSet(old.defs, uses.defs))) return;
    for (const n of old?.refs ?? []) this.refUsers.get(n)?.delete(file);
    for (const n of old?.defs ?? []) this.defUsers.get(n)?.delete(file);
    this.uses.set(file, uses);
    const add = (map: Map<string, Set<string>>, n: string) => {
      let s = map.get(n);
      if (!s) map.set(n, (s = new Set()));
      s.add(file);
    };
    for (const n of uses.refs) add(this.refUsers, n);
    for (const n of uses.defs) add(this.defUsers, n);
  }

  /**
   * Files that use any of `names`. A file whose definitions use a changed name (a mixin, a base class, a
   * column type, a table-name constant) may itself provide changed tables, so the names it provides are
   * followed too; a file that only references a changed table is affected, but changes nothing further.
   */
  private usersOf(names: Set<string>, origin: string): string[] {
    this.settleUses();
    const out = new Set<string>();
    const queue = [...names];
    const seenNames = new Set(queue);
    const expanded = new Set<string>();
    while (queue.length > 0) {
      const n = queue.pop()!;
      for (const f of this.refUsers.get(n) ?? []) if (f !== origin) out.add(f);
      if (n.startsWith('t:')) for (const f of this.refUsers.get('t:*') ?? []) if (f !== origin) out.add(f);
      // A reference to a table in another case (see `referenceNames`) uses its lower-case name too.
      if (n.startsWith('t:') && n !== n.toLowerCase()) for (const f of this.refUsers.get(n.toLowerCase()) ?? []) if (f !== origin) out.add(f);
      for (const f of this.defUsers.get(n) ?? []) {
        if (f === origin || expanded.has(f)) continue;
        out.add(f);
        expanded.add(f);
        for (const p of this.provisionOf(f)?.names.keys() ?? []) {
          if (!seenNames.has(p)) {
            seenNames.add(p);
            queue.push(p);
            // A table derived again elsewhere may be one that "did you mean" names.
            if (p.startsWith('t:')) this.changedTables.add(p.slice(2));
          }
        }
      }
    }
    this.lastChange = seenNames;
    return [...out];
  }

  // ---- queries ----

  tableCount(): number {
    this.ensure();
    this.tableCountCache ??= new Set([...this.tables.keys(), ...this.history.tables.keys()]).size;
    return this.tableCountCache;
  }

  referenceCount(file: string): number {
    return this.files.get(file)?.references.length ?? 0;
  }

  /** The SQLAlchemy major the project of a Python file installs, as its dependency files say (see `PythonProjects`). */
  sqlalchemyMajor(file: string): SqlalchemyMajor {
    return this.pythonProjects.sqlalchemyMajor(file);
  }

  facts(file: string): FileFacts | undefined {
    return this.files.get(file);
  }

  /**
   * All definitions of a table key: models and Core tables first, then what migrations leave, then the
   * config. Asked from inside a migration (`at`), the migration part is the state at that point of history.
   */
  definitions(key: string, at?: HistoryPoint): TableDef[] {
    this.ensure();
    const out = [...(this.tables.get(key) ?? [])];
    const m = this.history.definition(key, at);
    if (m) out.push(m);
    const e = this.externals.get(key);
    if (e) out.push(e);
    return out;
  }

  /** Migration history as replayed: what a migration's point of history holds or lacks (see history.ts). */
  migrationHistory(): MigrationHistory {
    this.ensure();
    return this.history;
  }

  allTableKeys(): string[] {
    this.ensure();
    // Without migration history or external tables, the keys of `tables` are the list (a Map's keys are distinct).
    this.tableKeysCache ??=
      this.history.tables.size === 0 && this.externals.size === 0
        ? [...this.tables.keys()]
        : [...new Set([...this.tables.keys(), ...this.history.tables.keys(), ...this.externals.keys()])];
    return this.tableKeysCache;
  }

  /**
   * The schemas some table of the workspace is in (its models, its history, `external-tables`), by the name as the
   * keys hold it; kept as long as `allTableKeys`' list is.
   */
  tableSchemas(): ReadonlySet<string> {
    const keys = this.allTableKeys();
    if (this.schemasOfKeys?.keys !== keys) {
      const set = new Set<string>();
      for (const k of keys) {
        const dot = k.indexOf('.');
        if (dot > 0) set.add(k.slice(0, dot));
      }
      this.schemasOfKeys = { keys, set };
    }
    return this.schemasOfKeys.set;
  }

  /**
   * The table keys whose definitions list the derivation of the pending changes removed or made (a table renamed:
   * its old key and its new one), after deriving them; undefined when that derivation derived everything. Every
   * other key is in `allTableKeys` as it was (what its definitions hold may have changed: the changed names say so).
   */
  tableKeysTouched(): { removed: readonly string[]; created: readonly string[] } | undefined {
    this.ensure();
    return this.lastKeysTouched;
  }

  /**
   * How many files the last derivation derived again: `all` when it derived everything (a full rebuild, or more
   * files than a partial one takes), and how many derivations were made so far (a change that needed none leaves it
   * as it was). What a change costs the index, for tests and benches to watch.
   */
  lastDerivation(): { files: number | 'all'; count: number } | undefined {
    return this.lastDerived === undefined ? undefined : { files: this.lastDerived, count: this.derivations };
  }

  /** Every table key spelt as `key` but for letter case (`key` too, when it is one), in `allTableKeys` order. */
  caseVariants(key: string): readonly string[] {
    const keys = this.allTableKeys();
    // Derived from the key list it was built from: a new list (after a change of keys) updates the groups of the keys
    // derived again since, a derivation of everything builds it again. Lower-casing the ~4,500 keys of the keystroke
    // bench on each table name typed was a tenth of the keystroke.
    const known = this.keysByLowerCase;
    if (known && known.keys !== keys) this.regroupCaseVariants(known, keys);
    else if (!known) {
      const byLower = new Map<string, string[]>();
      for (const k of keys) {
        const lower = k.toLowerCase();
        const list = byLower.get(lower);
        if (list) list.push(k);
        else byLower.set(lower, [k]);
      }
      this.keysByLowerCase = { keys, byLower, touched: new Set() };
    }
    return this.keysByLowerCase!.byLower.get(key.toLowerCase()) ?? [];
  }

  /**
   * Brings `caseVariants`' groups to the key list `keys`: a key no derivation touched since is in the list as it
   * was, and keeps its place relative to the other such keys (only removing a key from `tables` and putting one in,
   * which goes to the end, move keys), so only the groups of touched keys are made again, in the list's order.
   */
  private regroupCaseVariants(known: CaseGroups, keys: string[]): void {
    const byLower = known.byLower;
    const members = new Map<string, Set<string>>();
    for (const k of known.touched) {
      const lower = k.toLowerCase();
      let group = members.get(lower);
      if (!group) members.set(lower, (group = new Set(byLower.get(lower))));
      group.add(k);
    }
    let places: Map<string, number> | undefined;
    for (const [lower, group] of members) {
      const list = [...group].filter((k) => this.tables.has(k) || this.history.tables.has(k) || this.externals.has(k));
      if (list.length > 1) {
        if (!places) {
          places = new Map();
          for (let i = 0; i < keys.length; i++) places.set(keys[i], i);
        }
        const at = places;
        list.sort((a, b) => at.get(a)! - at.get(b)!);
      }
      if (list.length > 0) byLower.set(lower, list);
      else byLower.delete(lower);
    }
    known.touched.clear();
    known.keys = keys;
  }

  /** "Did you mean" for a table name no definition has, ranked among every table key. */
  suggestTables(schema: string | undefined, table: string): Suggestion[] {
    this.ensure();
    if (!this.tableNames || (this.tableNamesStale && !this.followKeys(this.tableNames))) this.tableNames = new TableNames(this.allTableKeys());
    this.tableNamesStale = false;
    if (this.tableNamesTouched) this.tableNamesTouched.clear();
    else this.tableNamesTouched = new Set();
    return this.tableNames.suggest(schema, table);
  }

  /** Brings `tableNames` to the current key set, from the keys touched since it last answered when they are known. */
  private followKeys(names: TableNames): boolean {
    const touched = this.tableNamesTouched;
    if (!touched) return names.follow(this.allTableKeys());
    return names.followChanges(touched, (k) => this.tables.has(k) || this.history.tables.has(k) || this.externals.has(k));
  }

  /**
   * The table a declarative class maps to, resolved from `file`'s point of view; `at`: where in `file` the name is
   * used, which matters in a Python module that binds the name again (`Barn = Silo`, see `PythonNames.resolveAt`).
   */
  classTable(file: string, className: string, at?: number): ClassMapping | undefined {
    this.ensure();
    if (at !== undefined && this.files.get(file)?.rebinds) {
      const dot = className.indexOf('.');
      const head = dot < 0 ? className : className.slice(0, dot);
      if (this.lookup.names.rebound(file, head)) {
        // Inside its own class statement a class's references are its own (the name is bound once the body has run).
        const own = dot < 0 ? this.files.get(file)?.classes.find((c) => c.name === className && c.span.start <= at && at < c.span.end) : undefined;
        if (own) return this.ownClassTable(file, own);
        const b = this.lookup.binding(file, className, at);
        return b?.kind === 'class' ? this.mapper.classMap.get(this.mapper.idOf(b.file, b.cls)) : undefined;
      }
    }
    // Asked several times for every reference of a class (its metadata, its columns): answered once per derivation.
    let byName = this.classTables.get(file);
    if (!byName) this.classTables.set(file, (byName = new Map()));
    if (byName.has(className)) return byName.get(className);
    const found = this.mapper.findClass(file, className);
    const mapping = found ? this.mapper.classMap.get(found.id) : undefined;
    byName.set(className, mapping);
    return mapping;
  }

  /**
   * Why FK Guard cannot tell what a name means where `file` uses it (offset `at`), when the Python module binds it
   * again by assignment (`Barn = make_barn()`, a rebinding in a branch); undefined otherwise.
   */
  reboundWhy(file: string, dotted: string, at: number): string | undefined {
    if (!this.files.get(file)?.rebinds) return undefined;
    const dot = dotted.indexOf('.');
    if (!this.lookup.names.rebound(file, dot < 0 ? dotted : dotted.slice(0, dot))) return undefined;
    const b = this.lookup.binding(file, dotted, at);
    return b?.kind === 'unresolved' ? b.why : undefined;
  }

  /** The Core table a variable holds (`users_table`), from `file`'s point of view. */
  tableVariable(file: string, variable: string): TableDef | undefined {
    this.ensure();
    const candidates = this.coreByVar.get(variable) ?? [];
    const local = candidates.find((c) => c.file === file);
    if (local) return local.table;
    // An imported name is the table its module exports under that name (through re-exports), or none FK Guard
    // can see (a package outside the workspace, a module that is not there): never another file's variable that
    // merely has the same name (`import { barns } from "@acme/schema"` beside an unrelated `barns` elsewhere).
    const at = this.importedTable(file, variable);
    if (at !== null) return at && at !== 'ambiguous' ? this.coreByVar.get(at.name)?.find((c) => c.file === at.file)?.table : undefined;
    return candidates.length === 1 ? candidates[0].table : undefined;
  }

  /**
   * Where the table an imported name (or a member of an imported namespace: `schema.barns` of `import * as
   * schema`) is defined, through re-exports (see `NameLookup.exportedFrom`): `'ambiguous'` when two `export *`
   * provide it from different origins, undefined when the module exports no table FK Guard can see under it,
   * null when `file` imports no such name.
   */
  importedTable(
    file: string,
    variable: string,
    defines: (file: string, name: string) => boolean = (f, n) => this.coreByVar.get(n)?.some((c) => c.file === f) ?? false,
  ): { file: string; name: string } | 'ambiguous' | undefined | null {
    this.ensure();
    const dot = variable.indexOf('.');
    const head = dot < 0 ? variable : variable.slice(0, dot);
    const imp = this.lookup.importOf(file, head);
    if (!imp) return null;
    // `import * as schema` binds the module itself: `schema.barns` is its export `barns`.
    const name = imp.name === undefined ? variable.slice(dot + 1) : `${imp.name}${dot < 0 ? '' : variable.slice(dot)}`;
    if (dot < 0 && imp.name === undefined) return undefined;
    return this.lookup.exportedFrom(imp.module, name, file, defines);
  }

  /** The value of a constant as `file` sees it (see `NameLookup.resolveConst`). */
  resolveConst(file: string, name: string): string | undefined {
    return this.lookup.resolveConst(file, name);
  }

  /** A table-name expression's value as `file` sees it; undefined when it is dynamic or a constant is unknown. */
  resolveName(file: string, expr: NameExpr | undefined): string | undefined {
    return this.lookup.resolveName(file, expr);
  }

  /** A column's type with project types resolved (see `NameLookup.resolveType`). */
  resolveType(file: string, type: TypeFact | undefined): TypeFact | undefined {
    return this.lookup.resolveType(file, type);
  }

  /** The files a module path or a workspace package name stands for (see `NameLookup.moduleFiles`). */
  moduleFiles(module: string): string[] {
    return this.lookup.moduleFiles(module);
  }

  /** Why an imported class name of a TypeScript file is no class (see `NameLookup.importedClassProblem`). */
  importedClassProblem(file: string, dotted: string): 'ambiguous' | 'unexported' | 'local-object' | undefined {
    return this.lookup.importedClassProblem(file, dotted);
  }

  /** A class as `file` sees the name (see `NameLookup.findClass`). */
  findClass(file: string, dotted: string): { file: string; cls: ClassFact } | undefined {
    return this.lookup.findClass(file, dotted);
  }

  /**
   * `classTable(file, className)` for a class that `file` itself defines, without resolving its name: in a
   * Python module a class of its own binds the name before anything else does (see `PythonNames.bindingOf`),
   * so the answer is that class's mapping. Asked for every class of a 2,000-line model file after each
   * keystroke (which kept results still hold), where resolving each name again cost ~1.5 ms.
   */
  /** Whether a class of `file` is a SQLModel data model no table class is built on (see `ClassMapper.sqlModelKeyless`). */
  sqlModelKeyless(file: string, cls: ClassFact): boolean {
    this.ensure();
    return this.mapper.sqlModelKeyless(file, cls, this.files.values());
  }

  ownClassTable(file: string, cls: ClassFact): ClassMapping | undefined {
    if (this.files.get(file)?.language !== 'python' || cls.framework) return this.classTable(file, cls.name);
    this.ensure();
    // The same id string each time (its hash kept with it): made again, each lookup hashed a new string. The mapper
    // keeps one per class already (a second class of its name in the module has an id of its own, see
    // `ClassMapper.idOf`); a second table of them here held another object and string per class (~90,000 of each on
    // the bench's 10k workspace).
    return this.mapper.classMap.get(this.mapper.idOf(file, cls));
  }

  /** What a Python name means in `file` (at offset `at` of it, when given: see `PythonNames.resolveAt`). */
  binding(file: string, dotted: string, at?: number): Binding | undefined {
    return this.lookup.binding(file, dotted, at);
  }

  /** The classes one dialect read (`prisma` models), with their files: what an unknown model name may mean. */
  classesOf(framework: string): Array<{ file: string; cls: ClassFact }> {
    return this.lookup.classesOf(framework);
  }

  /**
   * The references that may name the table `name` of `file` (a class `className`'s, or one a variable of `file`
   * holds), with their files: by the name in any letter case, by a name read from constants, through the class, or
   * through the variable. More than do: the caller resolves each to know.
   */
  referencesNaming(file: string, name: string, className?: string): Array<{ file: string; ref: ReferenceFact }> {
    const keys = [`t:${name.toLowerCase()}`, '*'];
    if (className !== undefined) keys.push(`c:${className.slice(className.lastIndexOf('.') + 1)}`);
    for (const t of this.files.get(file)?.tables ?? []) if (t.variable !== undefined && t.name.kind === 'literal' && t.name.value === name) keys.push(`v:${t.variable}`);
    const out: Array<{ file: string; ref: ReferenceFact }> = [];
    if (this.usesLater) {
      // A one-shot index enters whole uses only when a change needs them (see `usesLater`): a scan asks this of a
      // few references, and pays for one key per reference, once.
      const byKey = (this.referencedBy ??= this.referencesByKey());
      for (const k of keys) {
        const list = byKey.get(k);
        if (list) for (let i = 0; i < list.length; i += 2) out.push({ file: list[i] as string, ref: list[i + 1] as ReferenceFact });
      }
      return out;
    }
    this.settleUses();
    const names = [`t:${name}`, `t:${name.toLowerCase()}`, 't:*', ...keys.filter((k) => k !== '*' && !k.startsWith('t:'))];
    const files = new Set<string>();
    for (const n of names) for (const f of this.refUsers.get(n) ?? []) files.add(f);
    for (const f of files) {
      const facts = this.files.get(f);
      if (facts) for (const ref of facts.references) out.push({ file: f, ref });
    }
    return out;
  }

  /**
   * The references whose FK column is `column` of `table` (letter case aside), in every file: the keys a change of
   * that column's type changes from the other side (see rules/type-mismatch.ts, `keysBrokenByRetype`). A reference
   * whose table FK Guard cannot name is in none.
   */
  referencesFrom(table: string, column: string): Array<{ file: string; ref: ReferenceFact }> {
    this.ensure();
    // Asked for the few type mismatches with a fix: the column's name is compared first, and only a reference from a
    // column of that name has its table looked up. A map of every reference made once a derivation cost ~5 ms of p95
    // per keystroke in the bench's 2,000-line file (each keystroke derives again).
    const wantedTable = table.toLowerCase();
    const wantedColumn = column.toLowerCase();
    const out: Array<{ file: string; ref: ReferenceFact }> = [];
    for (const [file, facts] of this.files) {
      for (const ref of facts.references) {
        const col = ref.source.column;
        if (col === undefined || col.length !== wantedColumn.length || col.toLowerCase() !== wantedColumn) continue;
        const cls = ref.source.className;
        const name = cls !== undefined ? this.classTable(file, cls, ref.span.start)?.table?.name : this.resolveName(file, ref.source.table);
        if (name !== undefined && name.toLowerCase() === wantedTable) out.push({ file, ref });
      }
    }
    return out;
  }

  /**
   * Each reference of every file under the one key `referencesNaming` looks it up by (see `referenceKey`), as file
   * and reference side by side in one list per key (no object per reference: a 1k-file scan has ~30k of them).
   */
  private referencesByKey(): Map<string, Array<string | ReferenceFact>> {
    const out = new Map<string, Array<string | ReferenceFact>>();
    for (const [file, facts] of this.files) {
      const refs = facts.references;
      for (let i = 0; i < refs.length; i++) {
        const k = referenceKey(refs[i]);
        const list = out.get(k);
        if (list) list.push(file, refs[i]);
        else out.set(k, [file, refs[i]]);
      }
    }
    return out;
  }

  /**
   * The facts rules check for a file: those read, or, when they name things by other files' constants, the
   * copy with the values in place.
   */
  checkedFacts(facts: FileFacts): FileFacts {
    if (facts.pendingAliasKeys?.length) {
      this.ensure();
      const current = this.files.get(facts.file);
      return current && this.aliasPending.get(facts.file)?.facts === facts ? current : facts;
    }
    if (!facts.pendingConsts?.length) return facts;
    this.ensure();
    const current = this.files.get(facts.file);
    return current && this.unresolved.get(facts.file)?.facts === facts ? current : facts;
  }

  /** Puts the constants' values into the facts of the files that wait for them; says whether any changed. */
  private resolveUnresolved(): boolean {
    let changed = false;
    for (const [file, entry] of this.unresolved) {
      const { facts, values } = resolvePending(entry.facts, (c) => this.resolveConst(file, c));
      if (values === entry.values) continue;
      entry.values = values;
      this.files.set(file, facts);
      this.lookup.filesChanged();
      this.sequelizeNaming = undefined;
      changed = true;
    }
    return changed;
  }

  /** Keeps `facts` among the files whose imported aliases the index follows (see `aliasPending`). */
  private noteAliasPending(facts: FileFacts): void {
    if (!facts.pendingAliasKeys?.length) {
      this.aliasPending.delete(facts.file);
      return;
    }
    this.aliasPending.set(facts.file, { facts });
    // The references are added at the next `ensure`, which a change that moved facts in place need not ask for.
    this.dirty = true;
  }

  /**
   * Adds to each file of `aliasPending` one reference per `ForeignKey` of each imported `Annotated` alias its
   * `Mapped[X]` columns use, as SQLAlchemy 2.0 copies them onto the column: `X` followed the way Python binds it
   * (imports, a package's re-exports, star imports; see `python/names.ts`). A name bound to anything else (a class,
   * an alias without keys, a module outside the workspace, something FK Guard cannot follow) makes no reference:
   * nothing says there is a key. Only the tables and classes stay as read, so nothing derived changes; the file's
   * uses take the names its new references use.
   */
  private resolveAliasKeys(): void {
    for (const [file, entry] of this.aliasPending) {
      const pending = entry.facts.pendingAliasKeys ?? [];
      const uses = new Set<string>();
      const keysOf = (b: Binding | undefined, depth = 0): AnnotatedAliasFact['keys'] => {
        if (b?.kind !== 'annotated-alias') return undefined;
        // The alias as its own module names it (`fk_farm`, imported `as farm_ref` or re-exported by a package):
        // a change of it there reaches this file through that name.
        const aliases = this.files.get(b.file)?.annotatedAliases ?? {};
        for (const name in aliases) if (aliases[name] === b.alias) uses.add(`y:${name}`);
        // An alias of this module with keys of its own: the reader made their references.
        if (b.alias.keys?.length) return b.file === file && depth === 0 ? undefined : b.alias.keys;
        // None of its own: built on another alias (`Annotated[farm_ref, mapped_column(nullable=True)]`), whose
        // `mapped_column(...)` comes first once Python flattens the two, so SQLAlchemy takes its keys (R15-10).
        if (depth > 8 || b.alias.innerOptional || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(b.alias.innerText)) return undefined;
        return keysOf(this.lookup.names.resolve(b.file, b.alias.innerText), depth + 1);
      };
      const found = pending.map((p): AnnotatedAliasFact['keys'] => {
        // What the name means where the class body runs (an import rebound later in the module does not count).
        const b = this.lookup.names.resolveAt(file, p.name, p.span.start);
        const assigned = entry.facts.attributeAssignments?.includes(p.name);
        if (!assigned && b?.kind !== 'unresolved') return keysOf(b);
        // Bound to what FK Guard does not follow (`t.bad = t.good` in this module, an import in a `try` with another
        // binding in its `except`): if what the imports bind holds keys, the column may have them, unchecked.
        const alternative = keysOf(this.lookup.names.resolve(file, p.name)) ?? this.importedAliasKeys(entry.facts, p.name, keysOf);
        return alternative?.map(() => ({ target: { kind: 'dynamic', text: p.name } }));
      });
      const named = [...uses];
      const signature = JSON.stringify([found, named]);
      if (entry.signature === signature) continue;
      entry.signature = signature;
      entry.uses = named;
      const before = this.files.get(file);
      let facts = entry.facts;
      if (found.some((k) => k?.length)) {
        const added: ReferenceFact[] = [];
        pending.forEach((p, i) => {
          for (const k of found[i] ?? []) {
            // The span is the pending entry's own object: moved in place with the facts (see `takeMovedFacts`).
            const ref: ReferenceFact = { form: 'string', target: k.target, span: p.span, source: p.source, context: 'model' };
            if (k.linkToName) ref.linkToName = true;
            added.push(ref);
          }
        });
        const references = entry.facts.references.slice();
        for (const r of added) {
          let at = references.length;
          while (at > 0 && references[at - 1].span.start > r.span.start) at--;
          references.splice(at, 0, r);
        }
        facts = { ...entry.facts, references };
      }
      if (before !== facts) {
        this.files.set(file, facts);
        this.referencedBy = undefined;
      }
      if (this.usesLater?.has(file)) this.usesLater.set(file, facts);
      else this.setUses(file, this.usesOfFile(file, facts));
    }
  }

  /** The keys of the alias a module-level import of `facts` binds `dotted` to, where the module imported defines it. */
  private importedAliasKeys(facts: FileFacts, dotted: string, keysOf: (b: Binding | undefined) => AnnotatedAliasFact['keys']): AnnotatedAliasFact['keys'] {
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const rest = dot < 0 ? '' : dotted.slice(dot);
    for (const imp of facts.imports) {
      if (imp.local !== head) continue;
      const name = imp.name !== undefined ? `${imp.name}${rest}` : rest.slice(1);
      if (!name) continue;
      for (const f of this.lookup.moduleFiles(imp.module)) {
        const keys = keysOf(this.lookup.names.resolve(f, name));
        if (keys?.length) return keys;
      }
    }
    return undefined;
  }

  /** What a file's facts use (`usesOf`), with the names of the imported aliases the index found for it. */
  private usesOfFile(file: string, facts: FileFacts): Uses {
    const uses = usesOf(facts);
    const extra = facts.pendingAliasKeys?.length ? this.aliasPending.get(file)?.uses : undefined;
    for (const n of extra ?? []) {
      uses.refs.add(n);
      uses.defs.add(n);
    }
    return uses;
  }

  /**
   * A table some file makes under a name FK Guard cannot read (Knex `createTable(NAME)` with `NAME` computed,
   * SQL's `CREATE TABLE "${X}"`) that could be `table`: a word of that name as written is part of it (see
   * `dynamicNameWords`), or any name at all when the name as written has no word of its own (`TABLE`,
   * `tableName`). Nothing is proven about a name no definition has while such a table exists.
   */
  unnamedTableFor(table: string): { file: string; text: string; maybe?: { name?: string; maker: string; unparsed?: true } } | undefined {
    this.ensure();
    if (!this.unnamedTables) {
      this.unnamedTables = [];
      for (const f of this.files.values()) {
        for (const t of f.tables) {
          if (t.name.kind === 'literal' || this.resolveName(f.file, t.name) !== undefined) continue;
          this.unnamedTables.push({ file: f.file, text: nameText(t.name, 60), words: dynamicNameWords(undefined, t.name), variable: t.variable });
        }
        for (const m of f.maybeTables ?? []) {
          const name = m.name.kind === 'literal' ? m.name.value : this.resolveName(f.file, m.name);
          if (name !== undefined) this.unnamedTables.push({ file: f.file, text: name, words: [], maybe: { name, maker: m.maker } });
          // A class lost in a syntax error is known by its name (`Category`: `categories` too, as a nameless class is).
          else if (m.unparsed) this.unnamedTables.push({ file: f.file, text: nameText(m.name, 60), words: dynamicNameWords(nameText(m.name), m.name), maybe: { maker: m.maker, unparsed: true } });
          else this.unnamedTables.push({ file: f.file, text: nameText(m.name, 60), words: dynamicNameWords(undefined, m.name), maybe: { maker: m.maker } });
        }
      }
    }
    const bare = table.slice(table.lastIndexOf('.') + 1);
    const flat = table.toLowerCase().replace(/_/g, '');
    // A table a file may make under a name it writes (`make_lookup("breeds")`'s helper, a branch's `__tablename__`)
    // is that name's only.
    const named = this.unnamedTables.find((u) => u.maybe?.name !== undefined && (u.maybe.name === table || u.maybe.name === bare));
    if (named) return named;
    // A name written with no word of its own (`createTable(TABLE)`, `pgTable(tableName)`) may be any table's.
    return this.unnamedTables.find((u) => u.maybe?.name === undefined && (u.words.length === 0 || u.words.some((w) => flat.includes(w))));
  }

  /**
   * Classes whose table name FK Guard cannot know and that could define `table`: their name, lowered and
   * without underscores, is part of the table's (`ShoppingCart` → `app_shopping_carts`).
   */
  /**
   * The table a variable holds when FK Guard cannot read its name (Drizzle's `pallets = pgTable(ENV_TABLE, …)`),
   * found as `tableVariable` finds a named one: in the file, or in the file it is imported from.
   */
  unnamedTableVariable(file: string, variable: string): { file: string; text: string } | undefined {
    this.unnamedTableFor('');
    const unnamed = this.unnamedTables!;
    const local = unnamed.find((u) => u.variable === variable && u.file === file);
    if (local) return local;
    // An imported one is found through re-exports as `tableVariable` finds a named one (a barrel's `export *`).
    const at = this.importedTable(file, variable, (f, n) => unnamed.some((u) => u.file === f && u.variable === n));
    return at && at !== 'ambiguous' ? unnamed.find((u) => u.file === at.file && u.variable === at.name) : undefined;
  }

  namelessCandidate(table: string, metadataId?: string): NamelessClass | undefined {
    this.ensure();
    const flat = table.toLowerCase().replace(/_/g, '');
    // The first by file and place, not by the map's order: an editor's kept index fills it in the order files
    // changed, a fresh one in the workspace's, and the candidate is named in the unchecked reason.
    let best: NamelessClass | undefined;
    for (const list of this.mapper.nameless.values()) {
      for (const n of list) {
        if (best && (n.file > best.file || (n.file === best.file && n.cls.nameSpan.start >= best.cls.nameSpan.start))) continue;
        const name = n.cls.name.toLowerCase();
        if (n.matches ? !n.matches.some((m) => flat.includes(m)) : !flat.includes(name) && !(name.endsWith('y') && flat.includes(name.slice(0, -1)))) continue;
        if (metadataId && n.reason === 'declared-attr') {
          const m = this.mapper.classMetadata(n.file, n.cls, new Set());
          if (m && m !== metadataId) continue;
        }
        best = n;
      }
    }
    if (best) return best;
    // A `@declared_attr` `__tablename__` FK Guard cannot evaluate may give a class any name at all (an irregular plural,
    // `Person` -> `people`): no name on that base's metadata is proven unknown while such a class is there.
    for (const list of this.mapper.nameless.values()) {
      for (const n of list) {
        if (!n.anyName && (n.reason !== 'declared-attr' || n.detail !== undefined)) continue;
        if (best && (n.file > best.file || (n.file === best.file && n.cls.nameSpan.start >= best.cls.nameSpan.start))) continue;
        if (metadataId) {
          const m = this.mapper.classMetadata(n.file, n.cls, new Set());
          if (m && m !== metadataId) continue;
        }
        best = n;
      }
    }
    return best && !best.anyName ? { ...best, anyName: true } : best;
  }

  /** Whether the `@declared_attr` `__tablename__` of `cls` can be evaluated (its body and the helpers it calls). */
  evaluatesTablename(file: string, cls: ClassFact): boolean {
    this.ensure();
    return cls.tablenameDerivation !== undefined && this.lookup.names.evaluate(file, cls.tablenameDerivation, 'Probe') !== undefined;
  }

  /**
   * The project's own TypeORM naming: the first file (in path order) whose data source sets a
   * `namingStrategy` or an `entityPrefix`, with the option as written.
   */
  typeormNaming(): { file: string; text: string } | undefined {
    if (this.typeormNamingFiles.size === 0) return undefined;
    const file = [...this.typeormNamingFiles].sort()[0];
    const text = this.files.get(file)?.typeormNaming;
    return text ? { file, text } : undefined;
  }

  /**
   * The workspace's Drizzle `casing`, where every `drizzle(...)` call and drizzle-kit config says the same one (none
   * said: undefined); where they differ, or one cannot be read, the names of unnamed builders are not known.
   */
  drizzleCasing(): { casing: 'snake_case' | 'camelCase' } | { unknown: string } | undefined {
    if (this.drizzleCasingFiles.size === 0) return undefined;
    const says = [...this.drizzleCasingFiles].sort().flatMap((file) => (this.files.get(file)?.drizzleCasing ?? []).map((c) => ({ file, ...c })));
    if (says.length === 0) return undefined;
    const first = says[0].casing;
    if (first !== null && says.every((c) => c.casing === first)) return first ? { casing: first } : undefined;
    const odd = says.find((c) => c.casing === null) ?? says.find((c) => c.casing !== first)!;
    const other = says.find((c) => c !== odd && c.casing !== odd.casing);
    const why = odd.casing === null
      ? `Drizzle's \`casing\`, which ${odd.file} sets by a value FK Guard cannot read (${odd.text})`
      : `Drizzle's \`casing\`, which the project does not set one way (${odd.text} in ${odd.file}, ${other?.text ?? first} in ${other?.file ?? says[0].file})`;
    return { unknown: why };
  }

  /**
   * The `search_path` Knex sets on the connections that run the workspace's Knex migrations: the one every Knex
   * configuration says (undefined where none sets one, or only `public`), or why it is not known (they differ, or one
   * cannot be read).
   */
  knexSearchPath(): { path: string[] } | { unknown: string } | undefined {
    if (this.knexConfigFiles.size === 0) return undefined;
    const says = [...this.knexConfigFiles].sort().flatMap((file) => (this.files.get(file)?.knexSearchPath ?? []).map((c) => ({ file, ...c })));
    if (says.length === 0) return undefined;
    const key = (p: string[] | null) => (p === null ? null : JSON.stringify(p));
    const first = key(says[0].path);
    if (first !== null && says.every((c) => key(c.path) === first)) {
      const path = says[0].path!;
      return path.length === 0 || (path.length === 1 && path[0] === 'public') ? undefined : { path };
    }
    const odd = says.find((c) => c.path === null) ?? says.find((c) => key(c.path) !== first)!;
    const other = says.find((c) => c !== odd && key(c.path) !== key(odd.path));
    return {
      unknown: odd.path === null
        ? `Knex's \`searchPath\`, which ${odd.file} sets by a value FK Guard cannot read (${odd.text})`
        : `Knex's \`searchPath\`, which the project's configurations do not set one way (${odd.text} in ${odd.file}, ${other?.text ?? says[0].text} in ${other?.file ?? says[0].file})`,
    };
  }

  /** Every TypeORM data source of the workspace, in path order (see `FileFacts.typeormSources`). */
  typeormSources(): Array<{ file: string; source: TypeormSourceFact }> {
    if (this.typeormSourceFiles.size === 0) return [];
    return [...this.typeormSourceFiles].sort().flatMap((file) => (this.files.get(file)?.typeormSources ?? []).map((source) => ({ file, source })));
  }

  /**
   * The project's Sequelize model naming, every instance's combined (see `FileFacts.sequelizeDefine`): the
   * instances' own options, and, for an instance built from a config FK Guard cannot see, what the configs say
   * (Sequelize's defaults when there is none). With no instance seen, the configs'.
   */
  sequelizeDefine(): SequelizeDefine | undefined {
    return (this.sequelizeNaming ??= this.sequelizeNamingNow()).define;
  }

  /** A package.json whose `sequelize` range admits a version before 5, whose `underscored` names otherwise. */
  sequelizeLegacy(): { file: string; range: string } | undefined {
    return (this.sequelizeNaming ??= this.sequelizeNamingNow()).legacy;
  }

  /**
   * The keys Sequelize associations add to models other files define (see `FileFacts.sequelizeForeignKeys`), by the
   * model's name, with the file of each association; `alone`: whether one Sequelize class of the workspace has that
   * name (else the key cannot be placed, and every model of the name has columns not all known).
   */
  sequelizeKeys(): SequelizeKeys {
    const naming = (this.sequelizeNaming ??= this.sequelizeNamingNow());
    return (naming.keys ??= this.combinedSequelizeKeys());
  }

  private combinedSequelizeKeys(): SequelizeKeys {
    const out: SequelizeKeys = new Map();
    if (this.sequelizeKeyFiles.size === 0) return out;
    for (const file of [...this.sequelizeKeyFiles].sort()) {
      for (const key of this.files.get(file)?.sequelizeForeignKeys ?? []) {
        let entry = out.get(key.holder);
        if (!entry) out.set(key.holder, (entry = { alone: false, keys: [] }));
        entry.keys.push({ file, key });
      }
    }
    const count = new Map<string, number>();
    for (const facts of this.files.values()) {
      for (const c of facts.classes) if (c.framework === 'sequelize' && out.has(c.name)) count.set(c.name, (count.get(c.name) ?? 0) + 1);
    }
    for (const [name, entry] of out) entry.alone = count.get(name) === 1;
    return out;
  }

  private sequelizeNamingNow(): NonNullable<SchemaIndex['sequelizeNaming']> {
    return { define: this.combinedSequelizeDefine(), legacy: this.firstSequelizeLegacy() };
  }

  private combinedSequelizeDefine(): SequelizeDefine | undefined {
    if (this.sequelizeDefineFiles.size === 0) return undefined;
    const files = [...this.sequelizeDefineFiles].sort();
    const facts = files.map((f) => this.files.get(f)?.sequelizeDefine).filter((d) => d !== undefined);
    const instances = facts.flatMap((d) => (d.instances ? [d.instances] : []));
    const configs = facts.flatMap((d) => (d.configs ? [d.configs] : []));
    const fromConfig = facts.some((d) => d.fromConfig);
    const says = fromConfig ? [...instances, ...(configs.length > 0 ? configs : [{ freezeTableName: false, underscored: false, schema: '' }])] : instances.length > 0 ? instances : configs;
    if (says.length === 0) return undefined;
    const text = facts.find((d) => d.text.startsWith('define'))?.text ?? facts[0].text;
    const file = files[facts.findIndex((d) => d.text === text)] ?? files[0];
    return { ...agreed(says), file, text };
  }

  /**
   * The metadata objects some file assigns a `schema` to while the program runs (`SQLModel.metadata.schema = "x"`),
   * by id (see `ClassMapper.metadataOf`), with the first such file: which tables take it depends on when that runs.
   */
  metadataSchemaSets(): ReadonlyMap<string, string> {
    if (!this.schemaSets) {
      this.schemaSets = new Map();
      for (const file of [...this.metadataSchemaSetFiles].sort()) {
        for (const written of this.files.get(file)?.metadataSchemaSets ?? []) {
          const id = this.mapper.metadataOf(file, written);
          if (id && !this.schemaSets.has(id)) this.schemaSets.set(id, file);
        }
      }
    }
    return this.schemaSets;
  }

  /**
   * The declarative bases whose metadata a Flask-SQLAlchemy `db` replaces (`SQLAlchemy(model_class=Base, metadata=md)`),
   * by the id of the base's own root, with the `db`'s root; the first file (in order) wins.
   */
  /**
   * Of several definitions of one table name on one metadata object, the one that has surely run once `file` has been
   * imported, when exactly one of them has: SQLAlchemy refuses a second definition of a name on a MetaData ("Table 'x'
   * is already defined for this MetaData instance"), so in any program where the referencing code has run, that
   * definition is the table and no other can be. Two services sharing `SQLModel.metadata` in one repository, each
   * importing only its own models, are told apart so. Undefined when it proves nothing: none or several have surely
   * run, one is not a mapped class, or one may add to or keep an existing table (`extend_existing`, `keep_existing`,
   * table arguments FK Guard cannot read).
   */
  importedDefinition(defs: readonly TableDef[], file: string): TableDef | undefined {
    if (defs.some((d) => d.origin !== 'model' || d.extendsExisting)) return undefined;
    const ran = this.surelyImported(file);
    const run = defs.filter((d) => ran.has(d.file));
    return run.length === 1 ? run[0] : undefined;
  }

  /**
   * The Python files of the workspace that have surely run once `file` has been imported: itself, the `__init__.py` of
   * its package and of the packages above it (a module of a package is imported as one), and, through each module-level
   * import not in a branch nor a `try` that names one file of the workspace, that module (with its packages'
   * `__init__.py`) and what it imports so, in turn. A module FK Guard holds no facts for ends its line.
   */
  surelyImported(file: string): ReadonlySet<string> {
    this.ensure();
    const known = this.imported.get(file);
    if (known) return known;
    this.decidedByImports.add(file);
    const out = new Set<string>();
    const visit = (f: string) => {
      if (out.has(f) || !this.files.has(f)) return;
      out.add(f);
      // The packages a module is imported as a member of: their `__init__.py` run first.
      for (let dir = f.slice(0, Math.max(0, f.lastIndexOf('/'))); dir !== ''; dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')))) {
        const init = `${dir}/__init__.py`;
        if (!this.files.has(init)) break;
        visit(init);
      }
      const facts = this.files.get(f)!;
      if (facts.language !== 'python') return;
      for (const i of facts.imports) {
        if (i.conditional) continue;
        // `from pkg import name`: `pkg`, and the submodule `pkg.name` when that is one.
        for (const module of i.name !== undefined ? [i.module, `${i.module}.${i.name}`] : [i.module]) {
          const found = this.lookup.moduleFiles(module);
          if (found.length === 1) visit(found[0]);
        }
      }
    };
    visit(file);
    this.imported.set(file, out);
    return out;
  }

  metadataRebinds(): ReadonlyMap<string, { file: string; root: MetadataRootFact }> {
    if (!this.rebinds) {
      this.rebinds = new Map();
      for (const file of [...this.rebindFiles].sort()) {
        for (const root of this.files.get(file)?.metadataRoots ?? []) {
          if (root.rebinds === undefined || root.owner !== undefined) continue;
          const b = this.lookup.names.resolve(file, root.rebinds);
          const base = b?.kind === 'metadata' ? { file: b.file, root: b.root } : undefined;
          const own = b?.kind === 'class' ? this.files.get(b.file)?.metadataRoots.find((r) => r.name === b.cls.name && r.owner === undefined) : undefined;
          const target = base ?? (own && b?.kind === 'class' ? { file: b.file, root: own } : undefined);
          if (!target || target.root.owner !== undefined) continue;
          const id = `${target.file}#${target.root.name}`;
          if (!this.rebinds.has(id)) this.rebinds.set(id, { file, root });
        }
      }
    }
    return this.rebinds;
  }

  private firstSequelizeLegacy(): { file: string; range: string } | undefined {
    if (this.sequelizeRanges.size === 0) return undefined;
    for (const file of [...this.sequelizeRanges.keys()].sort()) {
      const range = this.sequelizeRanges.get(file)!;
      if (admitsBefore5(range)) return { file, range };
    }
    return undefined;
  }

  /**
   * The files of `folder` (with its trailing slash) whose facts hold a note of `group` (see
   * `ParseError.group`), in path order: the first says the note for all.
   */
  noteGroup(group: string, folder: string): readonly string[] {
    if (!this.noteGroups) {
      this.noteGroups = new Map();
      for (const f of this.files.values()) {
        for (const e of f.errors) {
          if (!e.group) continue;
          const key = `${e.group}\u0000${f.file.includes('/') ? f.file.slice(0, f.file.lastIndexOf('/') + 1) : ''}`;
          let list = this.noteGroups.get(key);
          if (!list) this.noteGroups.set(key, (list = []));
          if (!list.includes(f.file)) list.push(f.file);
        }
      }
      for (const list of this.noteGroups.values()) list.sort();
    }
    return this.noteGroups.get(`${group}\u0000${folder}`) ?? [];
  }

  /** Every class whose table name FK Guard cannot know, by file order. */
  namelessClasses(): NamelessClass[] {
    this.ensure();
    return [...this.mapper.nameless.keys()].sort().flatMap((f) => this.mapper.nameless.get(f)!);
  }

  // ---- derivation ----

  private ensure(): void {
    if (!this.dirty) return;
    // Cleared first: deriving the tables calls back into the lookups below, which must not rebuild again.
    this.dirty = false;
    this.interned = undefined;
    this.sharedSpans = undefined;
    const changed = this.fullRebuild ? undefined : new Set(this.pendingFiles);
    this.lookup.buildModules(changed);
    // A constant's new value renames columns of migrations: the history is replayed again, and the files
    // whose facts took the value hold new objects, so every class is looked up again.
    if (this.resolveUnresolved()) this.fullRebuild = true;
    this.lookup.buildClasses(this.fullRebuild ? undefined : changed);
    // After the names answers that read a changed file are forgotten.
    this.resolveAliasKeys();
    const affected = this.fullRebuild ? undefined : this.affectedDefinitions();
    const classes = affected?.size === 1 && this.pendingInPlace ? this.changedClassesOnly([...affected][0]) : undefined;
    this.lastDerived = affected ? affected.size : 'all';
    this.derivations++;
    this.pendingFiles.clear();
    this.pendingNames.clear();
    this.fullRebuild = false;
    this.unknownSchemaByName = undefined;
    this.schemaSets = undefined;
    this.rebinds = undefined;
    this.imported = new Map();
    this.unnamedTables = undefined;
    this.classTables = new Map();
    this.mapper.newDerivation();
    if (affected) {
      this.keysCreated = [];
      if (!classes) this.fedTables = undefined;
      const removed = classes ? this.rederiveClasses([...affected][0], classes) : this.rederive(affected);
      this.lastKeysTouched = { removed, created: this.keysCreated };
      if (this.tableNamesTouched) {
        for (const k of removed) this.tableNamesTouched.add(k);
        for (const k of this.keysCreated) this.tableNamesTouched.add(k);
      }
      if (this.keysByLowerCase) {
        const touched = this.keysByLowerCase.touched;
        for (const k of removed) touched.add(k);
        for (const k of this.keysCreated) touched.add(k);
      }
      // The suggestion index depends on the set of keys only; most edits keep it.
      const gone = new Set(removed);
      if (removed.some((k) => !this.tables.has(k)) || this.keysCreated.some((k) => !gone.has(k))) {
        this.tableKeysCache = undefined;
        this.schemaKeys = undefined;
        this.tableCountCache = undefined;
        this.tableNamesStale = true;
      }
      return;
    }
    this.tableKeysCache = undefined;
    this.schemaKeys = undefined;
    this.schemaKeyCount = 0;
    this.keysByLowerCase = undefined;
    this.lastKeysTouched = undefined;
    this.tableNamesTouched = undefined;
    this.tableCountCache = undefined;
    this.tableNamesStale = true;
    this.fedTables = undefined;
    this.tables = new Map();
    this.defsByFile = new Map();
    this.mapper.clear();
    this.coreByVar = new Map();
    this.migrationLocal = new Map();
    for (const f of this.files.values()) {
      for (const cls of f.classes) this.mapper.mapClass(f.file, cls, new Set());
      for (const t of f.tables) if (t.origin === 'core') this.addCoreTable(f, t);
    }
    const searchPath = this.knexSearchPath();
    const files = searchPath && 'path' in searchPath ? [...this.files.values()].map((f) => (f.knexMigration ? onKnexSearchPath(f, searchPath.path) : f)) : this.files.values();
    this.history = MigrationHistory.replay(files, this, this.dialect());
    for (const defs of this.tables.values()) for (const d of defs) trimColumns(d);
    for (const defs of this.migrationLocal.values()) for (const d of defs) trimColumns(d);
    this.keysCreated = [];
  }

  /**
   * The files whose derived tables may differ after the pending changes: the changed files, the files
   * whose definitions build on what they provide (mixins, bases, types, constants), the files whose tables
   * hold columns from them (single-table inheritance, mixins), and so on until nothing new is added.
   * Undefined when so much changed that deriving everything again is simpler.
   */
  private affectedDefinitions(): Set<string> | undefined {
    this.settleUses();
    const out = new Set<string>(this.pendingFiles);
    const queue = [...this.pendingFiles];
    const names = new Set(this.pendingNames);
    const add = (f: string) => {
      if (!out.has(f)) {
        out.add(f);
        queue.push(f);
      }
    };
    for (const n of names) for (const f of this.defUsers.get(n) ?? []) add(f);
    // `u:` names say which classes are built on each class: a SQLModel data model makes keys only if a table class
    // descends from it, however far down (`ClassMapper.sqlModelKeyless`), so they are followed through every file
    // they reach. A change that moved a file's facts in place changed class bodies only (`provisionAfter`: no
    // class's name, bases or `table=` flag, no import, no module-level name), which cannot change what descends
    // from what; following them then went from the edited file to the workspace's shared base class, and from it
    // to every model file: a keystroke in a 2,000-line model file derived the whole workspace again (33 ms instead
    // of 5 ms in the bench's re-analysis rows, session 16).
    const subclassing = !this.pendingInPlace;
    while (queue.length > 0) {
      if (out.size > PARTIAL_REBUILD_LIMIT) return undefined;
      const f = queue.pop()!;
      for (const n of this.provisionOf(f)?.names.keys() ?? []) {
        if (!subclassing && n.charCodeAt(0) === 117 /* u */ && n.charCodeAt(1) === 58 /* : */) continue;
        // A name nothing builds on is not kept as seen: most of a model file's ~360 names have no user, and
        // putting each in the set was a fifth of what deriving a keystroke's change allocated.
        const users = names.has(n) ? undefined : this.defUsers.get(n);
        if (!users) continue;
        names.add(n);
        for (const g of users) add(g);
      }
      for (const d of this.tablesFedFrom(f)) add(d.file);
      // Mapped classes this file's classes derive from (their tables may now take its columns).
      for (const cls of this.files.get(f)?.classes ?? []) {
        if (cls.tablename) continue;
        for (const b of cls.bases) {
          const found = this.findClass(f, b);
          if (found) add(found.file);
        }
      }
    }
    return out;
  }

  /**
   * When the pending change to `file` (the only file to derive again) touched only classes that map to tables
   * of their own, and nothing else in the file builds on them: their names, else undefined. Typing in one class
   * of a 2,000-line model file derived all ~180 classes of the file again on each keystroke; now only the
   * edited one is. Conservative: any other kind of changed name (a variable, a constant, a type, a table no
   * such class names, history) derives the whole file. The property tests compare with a fresh engine.
   */
  private changedClassesOnly(file: string): Set<string> | undefined {
    const facts = this.files.get(file);
    if (!facts || facts.migration || facts.language !== 'python' || this.pendingNames.size === 0) return undefined;
    const classes = new Set<string>();
    const tables = new Set<string>();
    for (const n of this.pendingNames) {
      if (n.startsWith('c:')) classes.add(n.slice(2));
      else if (n.startsWith('t:')) tables.add(n.slice(2));
      else return undefined;
    }
    const owned = new Set<string>();
    // A file that had two classes of one name mapped them under ids of their own (see `ClassMapper.idOf`).
    if (this.mapper.classIdsByFile.get(file)?.some((id) => id.slice(file.length + 1).includes('@'))) return undefined;
    for (const name of classes) {
      const now = facts.classes.filter((c) => c.name === name);
      if (now.length > 1) return undefined;
      if (now.length === 1) {
        const c = now[0];
        if (c.tablename?.kind !== 'literal' || c.framework) return undefined;
        owned.add(c.tablename.value);
      }
      // What it mapped to before: its own table of this file, or nothing (never a table it shared).
      const before = this.mapper.classMap.get(classId(file, name));
      if (before?.table) {
        if (before.table.file !== file || before.table.className !== name) return undefined;
        owned.add(before.table.name);
      }
    }
    for (const t of tables) if (!owned.has(t)) return undefined;
    // Another class of the file built on one of them is derived from it: derive the whole file then.
    for (const c of facts.classes) {
      if (classes.has(c.name)) continue;
      if (c.bases.some((b) => classes.has(b.slice(b.lastIndexOf('.') + 1)))) return undefined;
    }
    return classes;
  }

  /** Derives again the tables of the named classes of `file` (see `changedClassesOnly`); returns the keys removed. */
  private rederiveClasses(file: string, classes: Set<string>): string[] {
    const removed: string[] = [];
    const ids = new Set([...classes].map((n) => classId(file, n)));
    for (const id of ids) {
      const def = this.mapper.classMap.get(id)?.table;
      this.mapper.classMap.delete(id);
      if (!def) continue;
      this.fedTables?.delete(def);
      const list = this.tables.get(def.key);
      if (list) {
        const kept = list.filter((x) => x !== def);
        if (kept.length > 0) this.tables.set(def.key, kept);
        else {
          this.tables.delete(def.key);
          if (def.key.includes('.')) this.schemaKeyCount--;
          removed.push(def.key);
        }
      }
      const mine = this.defsByFile.get(file);
      if (mine) this.defsByFile.set(file, mine.filter((x) => x !== def));
    }
    const ownIds = this.mapper.classIdsByFile.get(file);
    if (ownIds) this.mapper.classIdsByFile.set(file, ownIds.filter((id) => !ids.has(id)));
    const nameless = this.mapper.nameless.get(file);
    if (nameless) this.mapper.nameless.set(file, nameless.filter((n) => !classes.has(n.cls.name)));
    const facts = this.files.get(file)!;
    for (const cls of facts.classes) if (classes.has(cls.name)) this.mapper.mapClass(file, cls, new Set());
    // The tables those classes map to now are the only ones that took columns meanwhile (see `fedTables`).
    for (const id of ids) {
      const def = this.mapper.classMap.get(id)?.table;
      if (def?.columnsFromOtherFiles && this.tables.get(def.key)?.includes(def)) this.fedTables?.add(def);
    }
    return removed;
  }

  /**
   * Derives again only the tables of `files`, keeping every other table as it is. Returns the keys it
   * removed (deriving may add them back).
   */
  private rederive(files: Set<string>): string[] {
    const removed: string[] = [];
    for (const f of files) {
      for (const d of this.defsByFile.get(f) ?? []) {
        const list = this.tables.get(d.key);
        if (!list) continue;
        const kept = list.filter((x) => x !== d);
        if (kept.length > 0) this.tables.set(d.key, kept);
        else {
          this.tables.delete(d.key);
          if (d.key.includes('.')) this.schemaKeyCount--;
          removed.push(d.key);
        }
      }
      this.defsByFile.delete(f);
      this.mapper.nameless.delete(f);
      this.migrationLocal.delete(f);
      for (const [v, list] of this.coreByVar) {
        const kept = list.filter((x) => x.file !== f);
        if (kept.length > 0) this.coreByVar.set(v, kept);
        else this.coreByVar.delete(v);
      }
    }
    for (const f of files) {
      for (const id of this.mapper.classIdsByFile.get(f) ?? []) this.mapper.classMap.delete(id);
      this.mapper.classIdsByFile.delete(f);
    }
    for (const f of files) {
      const facts = this.files.get(f);
      if (!facts) continue;
      for (const cls of facts.classes) this.mapper.mapClass(f, cls, new Set());
      for (const t of facts.tables) if (t.origin === 'core') this.addCoreTable(facts, t);
    }
    return removed;
  }

  private addTable(def: TableDef): void {
    if (this.files.get(def.file)?.migration) {
      // Classes and Tables a migration declares for its own queries are never part of the application's
      // metadata: only references written in that migration see them.
      let local = this.migrationLocal.get(def.file);
      if (!local) this.migrationLocal.set(def.file, (local = []));
      local.push(def);
      return;
    }
    // A new list is made holding its first element: one made empty and pushed to keeps room for 17 (most keys
    // have one definition, most files a few: on 10,000 model files 45,000 such lists held ~6 MB of room).
    const list = this.tables.get(def.key);
    if (!list) {
      this.tables.set(def.key, [def]);
      if (def.key.includes('.')) this.schemaKeyCount++;
      this.keysCreated.push(def.key);
    } else {
      // Definitions of one key stay in (file, position) order however they were derived, so the first one,
      // which messages name, never depends on the order of edits.
      let i = list.length;
      while (i > 0 && (list[i - 1].file > def.file || (list[i - 1].file === def.file && list[i - 1].span.start > def.span.start))) i--;
      list.splice(i, 0, def);
    }
    const mine = this.defsByFile.get(def.file);
    if (!mine) this.defsByFile.set(def.file, [def]);
    else mine.push(def);
  }

  private addCoreTable(f: FileFacts, t: CoreTableFact): void {
    const name = this.resolveName(f.file, t.name);
    if (!name) return;
    let metadataId = t.metadata ? this.mapper.metadataOf(f.file, t.metadata, new Set(), { file: f.file, start: t.span.start }, t.span.start) : undefined;
    // On `Base.metadata` where FK Guard cannot tell whether a Flask `SQLAlchemy(model_class=Base, ...)` replaced it.
    const order = this.mapper.orderUnknown(metadataId);
    if (order !== undefined) metadataId = undefined;
    // `db.Table(..., bind_key="x")`: on the bind's own MetaData, which has no schema (see `CoreTableFact.bindKey`).
    const binding = t.bindKey !== undefined && t.metadata ? this.lookup.names.resolve(f.file, t.metadata) : undefined;
    if (metadataId && binding?.kind === 'metadata' && binding.root.flask) metadataId = `${metadataId}.metadatas["${t.bindKey}"]`;
    // A metadata FK Guard cannot resolve (from a package, `get_metadata()`) may have a schema as well as not.
    const unresolved = order ?? (t.metadata && !metadataId ? this.mapper.unresolvedMetadata(f.file, t.metadata) : undefined);
    // A table that names no schema is in its metadata's (`MetaData(schema="x")`); `BLANK_SCHEMA` says none.
    const fromMetadata: MetadataSchema | undefined =
      t.schema !== undefined || t.blankSchema
        ? undefined
        : metadataId
          ? this.mapper.metadataSchema(metadataId)
          : unresolved
            ? { known: false, why: unresolved }
            : t.madeMetadata?.schema
              ? this.madeMetadataSchema(f.file, t.madeMetadata.schema)
              : undefined;
    const schema = t.schema ?? (fromMetadata?.known ? fromMetadata.schema : undefined);
    // A Drizzle builder given no name is named by the project's `casing`.
    const casing = t.columns.some((c) => c.derivedName) ? this.drizzleCasing() : undefined;
    const def = tableFromFact(casing ? casedTable(t, casing) : t, name, schema, 'core', f.file, (type) => this.resolveType(f.file, type));
    if (casing && 'unknown' in casing) {
      // Found by its property only, as a TypeORM column under a naming strategy (see `ClassMapper.addClassColumns`).
      def.namingStrategy = casing.unknown;
      def.namingCandidates = new Set();
      for (const c of t.columns) {
        if (!c.derivedName) continue;
        const attr = c.attr ?? c.name;
        for (const n of [attr, drizzleCased(attr, 'snake_case'), drizzleCased(attr, 'camelCase')]) def.namingCandidates.add(n);
        if (def.attrs.has(attr)) continue;
        const indexed = { column: c, file: f.file, type: this.resolveType(f.file, c.type) };
        const attrs = ownAttrs(def);
        def.columns.set(`#${c.attr ?? c.name}`, indexed);
        attrs.set(c.attr ?? c.name, indexed);
      }
    }
    if (schema !== t.schema) def.schemaFromMetadata = true;
    if (fromMetadata && !fromMetadata.known) {
      def.schemaUnknown = true;
      def.schemaUnknownWhy = fromMetadata.why;
      def.schemaFromMetadata = true;
    }
    if (t.fallback) def.fallback = true;
    def.metadataId = metadataId;
    if (unresolved) def.metadataUnknownWhy = unresolved;
    this.addTable(def);
    if (t.variable) {
      let list = this.coreByVar.get(t.variable);
      if (!list) this.coreByVar.set(t.variable, (list = []));
      list.push({ file: f.file, table: def });
    }
  }

  /** The schema of a `MetaData(schema=...)` made in a `Table(...)` call itself. */
  private madeMetadataSchema(file: string, schema: NameExpr): MetadataSchema {
    const name = this.resolveName(file, schema);
    if (name?.includes('://')) return { known: true };
    return name !== undefined ? { known: true, schema: name } : { known: false, why: `its metadata's schema is \`${nameText(schema, 60)}\` (${file}), which FK Guard cannot read` };
  }

  /**
   * The Core table of `file` named `name` that writes `schema` (undefined: none): its key holds its metadata's
   * schema when it writes none (see `addCoreTable`), so it is found by what is written, not by key.
   */
  coreTableIn(file: string, name: string, schema: string | undefined): TableDef | undefined {
    this.ensure();
    const fits = (d: TableDef) => d.origin === 'core' && d.name === name && (d.schemaFromMetadata ? undefined : d.schema) === schema;
    return this.defsByFile.get(file)?.find(fits) ?? this.migrationLocal.get(file)?.find(fits);
  }

  /** The schema the metadata object `id` gives the tables on it that name none (see `ClassMapper.metadataSchema`). */
  metadataSchema(id: string): MetadataSchema {
    this.ensure();
    return this.mapper.metadataSchema(id);
  }

  /** The tables a migration file declares for itself under `key` (see `addTable`). */
  localDefinitions(file: string, key: string): TableDef[] {
    this.ensure();
    return this.migrationLocal.get(file)?.filter((d) => d.key === key) ?? [];
  }

  /**
   * A table named `name` (in any schema) whose schema comes from a computed `__table_args__` or a metadata FK Guard
   * cannot see (`TableDef.schemaLost`).
   */
  unknownSchemaTable(name: string): TableDef | undefined {
    this.ensure();
    if (!this.unknownSchemaByName) {
      // Asked for every reference to a table no definition has: one pass over the tables per derivation.
      this.unknownSchemaByName = new Map();
      for (const defs of this.tables.values()) {
        for (const d of defs) if ((d.schemaUnknown || d.schemaLost !== undefined) && !this.unknownSchemaByName.has(d.name)) this.unknownSchemaByName.set(d.name, d);
      }
    }
    return this.unknownSchemaByName.get(name);
  }

  // ---- snapshot ----

  snapshot(): SchemaSnapshot {
    this.ensure();
    return snapshotOf(this);
  }

  rangeIn(file: string, span: Span) {
    const f = this.files.get(file);
    return f ? rangeOf(f.lineStarts, span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  }
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Beyond this many files to derive again, everything is derived again. */
const PARTIAL_REBUILD_LIMIT = 200;

/** Whether two versions of a file re-export the same (`export * from './tables'`, `export { x } from './y'`). */
function sameReexports(a: FileFacts | undefined, b: FileFacts): boolean {
  const x = a?.reexports ?? [];
  const y = b.reexports ?? [];
  return x.length === y.length && x.every((r, i) => r.module === y[i].module && r.name === y[i].name && r.as === y[i].as);
}

/** Whether two versions of a Python file import the same modules, as surely (see `SchemaIndex.surelyImported`). */
function sameImports(a: FileFacts | undefined, b: FileFacts): boolean {
  if (!a || a.module !== b.module || a.imports.length !== b.imports.length) return false;
  return a.imports.every((i, k) => i.module === b.imports[k].module && i.name === b.imports[k].name && i.conditional === b.imports[k].conditional);
}

/** Whether two versions of a file say the same as a workspace package's `package.json` (name, entry points). */
function samePackageJson(a: FileFacts | undefined, b: FileFacts): boolean {
  const x = a?.packageJson;
  const y = b.packageJson;
  return x === y || (!!x && !!y && x.name === y.name && x.entries.length === y.entries.length && x.entries.every((e, i) => e === y.entries[i]));
}

/**
 * A Knex migration's facts as its connection runs them, under Knex's `searchPath`: a table it makes or changes with no
 * schema is in the path's first schema (where PostgreSQL makes an unqualified table; `public` is none). Its references
 * find their tables through the whole path (see `resolveReference`).
 */
function onKnexSearchPath(f: FileFacts, path: string[]): FileFacts {
  const first = path[0] === 'public' ? undefined : path[0];
  if (first === undefined) return f;
  const tables = f.tables.map((t) => (t.onSearchPath && t.schema === undefined ? { ...t, schema: first } : t));
  const ops = f.migration!.ops.map((op): MigrationOp => (op.onSearchPath && (op as { schema?: string }).schema === undefined ? ({ ...op, schema: first } as MigrationOp) : op));
  return { ...f, tables, migration: { ...f.migration!, ops } };
}

/**
 * A Drizzle table's fact with the names `casing` gives its unnamed builders (`externalId` is `external_id` under
 * `snake_case`); under a casing not known, without those columns (the caller adds them by property) and keys.
 */
function casedTable(t: CoreTableFact, casing: { casing: 'snake_case' | 'camelCase' } | { unknown: string }): CoreTableFact {
  const renamed = new Map<string, string>();
  const columns: CoreTableFact['columns'] = [];
  for (const c of t.columns) {
    if (!c.derivedName) columns.push(c);
    else if ('casing' in casing) {
      const name = drizzleCased(c.attr ?? c.name, casing.casing);
      renamed.set(c.name, name);
      columns.push({ ...c, name });
    } else renamed.set(c.name, `#${c.attr ?? c.name}`);
  }
  return { ...t, columns, keys: t.keys.map((k) => k.map((n) => renamed.get(n) ?? n)) };
}

/** Whether two versions of a file say the same of TypeORM's data sources. */
function sameTypeormSources(a: FileFacts | undefined, b: FileFacts): boolean {
  return JSON.stringify(a?.typeormSources ?? null) === JSON.stringify(b.typeormSources ?? null);
}

/**
 * Whether two versions of a file say the same of Sequelize's instance-wide `define`, and of the keys its associations
 * add to other files' models (the models of any file may take them: everything is derived again when they change).
 */
function sameSequelizeDefine(a: FileFacts | undefined, b: FileFacts): boolean {
  return (
    JSON.stringify(a?.sequelizeDefine ?? null) === JSON.stringify(b.sequelizeDefine ?? null) &&
    a?.sequelizeVersion === b.sequelizeVersion &&
    JSON.stringify(a?.sequelizeForeignKeys ?? null) === JSON.stringify(b.sequelizeForeignKeys ?? null)
  );
}

/**
 * Whether a dependency range admits a Sequelize before 5, whose `underscored` names neither attributes' columns nor
 * tables (v4 has `underscoredAll` for tables): its lowest bound's major is below 5. A tag (`latest`, `next`, `*`,
 * none) installs a current one. A git, URL, path or workspace dependency installs whatever that source holds
 * (`github:sequelize/sequelize#v4` is version 4 though no range says so): its version is not known, so it may be
 * before 5, unless a `#semver:<range>` says which; an `npm:sequelize@<range>` alias is read as its range.
 */
export function admitsBefore5(range: string): boolean {
  const spec = range.trim();
  if (/^(?:latest|next|\*|x)?$/i.test(spec)) return false;
  const alias = /^npm:(?:@[^/@\s]+\/)?[^@\s]+@(.+)$/.exec(spec);
  if (alias) return admitsBefore5(alias[1]);
  if (/^(?:[a-z][\w+.-]*:|\.{0,2}\/|~\/|[\w.-]+\/[\w.-]+(?:#|$))/i.test(spec)) {
    const semver = /#semver:(.+)$/.exec(spec);
    return semver ? admitsBefore5(semver[1]) : true;
  }
  const majors = [...spec.matchAll(/(?:^|[\s|^~=<>v])(\d+)(?:\.|\s|$|x|\*)/g)].map((m) => Number(m[1]));
  return majors.length > 0 && Math.min(...majors) < 5;
}

/** Whether one of `names` is in `set` (a loop: a closure for each class of a file was made on every keystroke). */
function someOf(names: readonly string[], set: ReadonlySet<string>): boolean {
  for (let i = 0; i < names.length; i++) if (set.has(names[i])) return true;
  return false;
}

/**
 * `names` (changed in `facts`' file) with the classes of that file built on any of them, and on those, and so on:
 * a class's table takes its columns from its bases (a mixin, an abstract base) in the same file too, which the
 * class's own provided names do not say (its definition is the same), and other files' users of names are
 * followed only across files (see `usersOf`). Their names are followed as changed (`tablesFedBy` finds their
 * tables).
 */
function builtOnInFile(facts: FileFacts, names: string[]): string[] {
  if (!names.some((n) => n.startsWith('c:'))) return names;
  const out = new Set(names);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of facts.classes) {
      // Whether it builds on a changed name first: the `c:` name is made only for the few classes that do.
      if (!someOf(classDefNames(c, facts), out) || out.has(`c:${c.name}`)) continue;
      out.add(`c:${c.name}`);
      grew = true;
    }
  }
  return out.size === names.length ? names : [...out];
}
