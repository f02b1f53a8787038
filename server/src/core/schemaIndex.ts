import { Dialect, FkGuardConfig, judgingDialect, NamingConvention } from './config';
import { HistoryPoint, MigrationHistory } from './history';
import { SchemaSnapshot } from './schemaSnapshot';
import { Suggestion, TableNames } from './suggest';
import { knownType } from './typeFamilies';
import { rangeOf } from './text';
import { Binding, PythonNames } from './python/names';
import { addColumn, newTable, TableDef, tableKey } from './tables';
import { resolvePending } from './pendingNames';
import { ClassFact, ColumnFact, CoreTableFact, Derivation, FileFacts, NameExpr, ReferenceFact, Span, TypeFact, TypeFamily } from './types';

export { tableKey } from './tables';
export type { IndexedColumn, TableDef, TableOrigin } from './tables';

/**
 * A class whose table name FK Guard cannot know: a `@declared_attr` `__tablename__` it cannot evaluate, or a
 * base it cannot resolve (which may name the table). A reference to a table such a class could define is
 * not an error, but unchecked.
 */
export interface NamelessClass {
  file: string;
  cls: ClassFact;
  reason: 'declared-attr' | 'unresolved-base';
  /** The base that decides the name (`Base`), or the unresolved base. */
  base: string;
  /** Where the unreadable `__tablename__` is, for the one note that explains it. */
  baseFile?: string;
  baseClass?: ClassFact;
}

/** How a class maps: to a table, to nothing (a mixin or abstract base), or to a table whose name is unknown. */
export type ClassMapping = { table: TableDef } | { table: undefined; unknownName: boolean; nameless?: NamelessClass };

/** Bases from outside the workspace that add no columns: SQLAlchemy's own, typing's, the standard library's. */
const KNOWN_EXTERNAL_BASES = /^(DeclarativeBase|DeclarativeBaseNoMeta|SQLModel|AsyncAttrs|MappedAsDataclass|Generic|Protocol|ABC|Enum|IntEnum|StrEnum|TypeDecorator|UserDefinedType|NamedTuple|TypedDict|object)$/;
/** Builtins a class may derive from without importing them. */
const BUILTIN_BASES = /^(object|str|int|float|dict|list|tuple|Exception|type)$/;

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
  private readonly uses = new Map<string, Uses>();
  /** name → files whose findings use it (references) and files whose definitions use it (bases, types). */
  private readonly refUsers = new Map<string, Set<string>>();
  private readonly defUsers = new Map<string, Set<string>>();
  private tableKeysCache: string[] | undefined;
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
  private dirty = true;
  /** What changed since the tables were last derived: a few files are re-derived, not the workspace. */
  private fullRebuild = true;
  private readonly pendingFiles = new Set<string>();
  private readonly pendingNames = new Set<string>();
  private defsByFile = new Map<string, TableDef[]>();

  // Derived state.
  private tables = new Map<string, TableDef[]>();
  private history = MigrationHistory.empty();
  private classMap = new Map<string, ClassMapping>();
  /** The ids in `classMap` of each file's classes, so deriving one file again forgets only its own. */
  private classIdsByFile = new Map<string, string[]>();
  /** Tables whose schema comes from a computed `__table_args__`, by name: the first of each, in table order. */
  private unknownSchemaByName: Map<string, TableDef> | undefined;
  /** The table keys deriving created (some may be ones it removed a moment before): see `ensure`. */
  private keysCreated: string[] = [];
  private classesByName = new Map<string, Array<{ file: string; cls: ClassFact }>>();
  private classLookups = new Map<string, { file: string; cls: ClassFact } | undefined>();
  /** `classTable` answers since the tables were last derived, by file and class name. */
  private classTables = new Map<string, Map<string, ClassMapping | undefined>>();
  /** Python name resolution over the files' facts (see `python/names.ts`). */
  private readonly names = new PythonNames({
    facts: (f) => this.files.get(f),
    moduleFiles: (m) => this.modules.get(m) ?? [],
    hasPackage: (m) => this.packagePaths().has(m),
  });
  private packages: Set<string> | undefined;
  /** Tables declared by classes and Core `Table`s inside migration files, by file (see `addTable`). */
  private migrationLocal = new Map<string, TableDef[]>();
  /** Classes whose table names FK Guard cannot know, by file. */
  private nameless = new Map<string, NamelessClass[]>();
  private coreByVar = new Map<string, Array<{ file: string; table: TableDef }>>();
  private modules = new Map<string, string[]>();
  private externals = new Map<string, TableDef>();
  /** The files that say which databases the project targets (few: data sources, knexfiles, schemas). */
  private readonly targets = new Map<string, Dialect[]>();
  /**
   * Files whose facts name things by other files' constants (see `pendingNames.ts`): their facts as read, and
   * what the constants resolved to last. `files` holds the resolved copy, made again whenever the tables are.
   */
  private readonly unresolved = new Map<string, { facts: FileFacts; values?: string }>();
  /** `package.json` files of the workspace by file: a package name imported by another file leads to them. */
  private readonly packageJsons = new Map<string, { name: string; entries: string[] }>();

  constructor(private readonly config: FkGuardConfig) {
    for (const spec of config.externalTables) this.addExternal(spec);
  }

  // ---- updates ----

  /** Replaces one file's facts; returns the other files whose findings may change. */
  /**
   * Replaces one file's facts; returns the other files whose findings may change. `movedInPlace` says the
   * previous facts' objects were kept with their spans moved (an edit inside one class of an open
   * document): the derived tables that point at them are still right.
   */
  setFacts(facts: FileFacts, movedInPlace = false): string[] {
    const judge = this.dialect();
    if (facts.targets?.length) this.targets.set(facts.file, facts.targets);
    else this.targets.delete(facts.file);
    const users = this.setFactsOnly(facts, movedInPlace);
    if (this.dialect() === judge) return users;
    this.lastChange = undefined;
    return this.everyFileBut(facts.file);
  }

  /**
   * The database that judges type compatibility and uniqueness: the configuration's, else the most
   * permissive one the project's files say they target (see `judgingDialect`).
   */
  dialect(): Dialect {
    return judgingDialect(this.config, [...this.targets.values()].flat());
  }

  /** A new judge changes every verdict, and the history it replays: everything is derived again. */
  private everyFileBut(file: string): string[] {
    this.markChanged(file, ['migrations']);
    return [...this.files.keys()].filter((f) => f !== file);
  }

  private setFactsOnly(facts: FileFacts, movedInPlace: boolean): string[] {
    const file = facts.file;
    const before = this.provisionOf(file);
    const previous = this.files.get(file);
    const after = provision(facts, movedInPlace);
    this.files.set(file, facts);
    if (facts.pendingConsts?.length) this.unresolved.set(file, { facts });
    else this.unresolved.delete(file);
    if (facts.packageJson) this.packageJsons.set(file, facts.packageJson);
    else this.packageJsons.delete(file);
    this.provided.set(file, after);
    this.setUses(file, usesOf(facts, movedInPlace));
    this.changedTables = new Set();
    this.tableKeysChanged = false;
    this.lastChange = undefined;
    if (before && before.signature === after.signature) {
      if (movedInPlace || previous === facts) {
        this.lastChange = new Set();
        return [];
      }
      // The same definitions read again into new objects (characters moved within lines): the derived
      // tables are rebound to them, and findings elsewhere that point into this file are computed again.
      this.markChanged(file, []);
      return this.usersOf(new Set(after.names.keys()), file);
    }
    const changed = [...new Set([...changedNames(before, after), ...this.tablesFedBy(file, changedNames(before, after), [previous, facts])])];
    for (const n of changed) if (n.startsWith('t:')) this.changedTables.add(n.slice(2));
    this.tableKeysChanged = changed.some((n) => n === 'migrations' || (n.startsWith('t:') && before?.names.has(n) !== after.names.has(n)));
    this.markChanged(file, changed);
    return this.usersOf(new Set(changed), file);
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
      const m = this.classMap.get(classId(f, name));
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
        for (const b of cls.bases) for (const c of this.classesByName.get(b.split('.').pop()!) ?? []) tableOf(c.file, c.cls.name);
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
    for (const defs of this.tables.values()) {
      for (const d of defs) {
        if (d.file === file) continue;
        for (const c of d.columns.values()) {
          if (c.file === file) {
            out.push(d);
            break;
          }
        }
      }
    }
    return out;
  }

  /**
   * Takes one more file's facts on a cold load (a scan filling an index nothing was derived from yet): the
   * tables are derived again whole at the next query, so nothing is tracked per change, and the file's
   * provision (what a later `setFacts` compares against) is computed only if one is ever asked for. On a
   * 10,000-file scan the tracking cost seconds, and its answer (which files to re-check) was never used.
   */
  loadFacts(facts: FileFacts): void {
    if (facts.targets?.length) this.targets.set(facts.file, facts.targets);
    else this.targets.delete(facts.file);
    this.files.set(facts.file, facts);
    this.provided.delete(facts.file);
    this.unprovisioned.add(facts.file);
    this.setUses(facts.file, usesOf(facts));
    this.changedTables = new Set();
    this.tableKeysChanged = true;
    this.markChanged(facts.file, ['migrations']);
  }

  /** A file's provision, computed now if its facts came through `loadFacts`. */
  private provisionOf(file: string): Provision | undefined {
    if (this.unprovisioned.delete(file)) {
      const facts = this.files.get(file);
      if (facts) this.provided.set(file, provision(facts));
    }
    return this.provided.get(file);
  }

  private markChanged(file: string, names: readonly string[]): void {
    this.dirty = true;
    this.pendingFiles.add(file);
    for (const n of names) this.pendingNames.add(n);
    // Migrations are one history: a change anywhere in it replays all of it.
    if (names.includes('migrations')) this.fullRebuild = true;
  }

  removeFile(file: string): string[] {
    const judge = this.dialect();
    this.targets.delete(file);
    const users = this.removeFileOnly(file);
    this.lastChange = undefined;
    return this.dialect() === judge ? users : this.everyFileBut(file);
  }

  private removeFileOnly(file: string): string[] {
    const before = this.provisionOf(file);
    this.files.delete(file);
    this.unresolved.delete(file);
    this.packageJsons.delete(file);
    this.provided.delete(file);
    this.setUses(file, { refs: new Set(), defs: new Set() });
    if (!before) return [];
    this.changedTables = new Set([...before.names.keys()].filter((n) => n.startsWith('t:')).map((n) => n.slice(2)));
    this.tableKeysChanged = this.changedTables.size > 0 || before.names.has('migrations');
    this.markChanged(file, [...before.names.keys()]);
    return this.usersOf(new Set(before.names.keys()), file);
  }

  private setUses(file: string, uses: Uses): void {
    const old = this.uses.get(file);
    // Most edits leave the names a file uses as they were: nothing to move in the reverse index then.
    if (old && sameSet(old.refs, uses.refs) && sameSet(old.defs, uses.defs)) return;
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
    const out = new Set<string>();
    const queue = [...names];
    const seenNames = new Set(queue);
    const expanded = new Set<string>();
    while (queue.length > 0) {
      const n = queue.pop()!;
      for (const f of this.refUsers.get(n) ?? []) if (f !== origin) out.add(f);
      if (n.startsWith('t:')) for (const f of this.refUsers.get('t:*') ?? []) if (f !== origin) out.add(f);
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
    const keys = new Set([...this.tables.keys(), ...this.history.tables.keys()]);
    return keys.size;
  }

  referenceCount(file: string): number {
    return this.files.get(file)?.references.length ?? 0;
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
    this.tableKeysCache ??= [...new Set([...this.tables.keys(), ...this.history.tables.keys(), ...this.externals.keys()])];
    return this.tableKeysCache;
  }

  /** "Did you mean" for a table name no definition has, ranked among every table key. */
  suggestTables(schema: string | undefined, table: string): Suggestion[] {
    this.ensure();
    this.tableNames ??= new TableNames(this.allTableKeys());
    return this.tableNames.suggest(schema, table);
  }

  /** The table a declarative class maps to, resolved from `file`'s point of view. */
  classTable(file: string, className: string): ClassMapping | undefined {
    this.ensure();
    // Asked several times for every reference of a class (its metadata, its columns): answered once per derivation.
    let byName = this.classTables.get(file);
    if (!byName) this.classTables.set(file, (byName = new Map()));
    if (byName.has(className)) return byName.get(className);
    const found = this.findClass(file, className);
    const mapping = found ? this.classMap.get(classId(found.file, found.cls.name)) : undefined;
    byName.set(className, mapping);
    return mapping;
  }

  /** The Core table a variable holds (`users_table`), from `file`'s point of view. */
  tableVariable(file: string, variable: string): TableDef | undefined {
    this.ensure();
    const candidates = this.coreByVar.get(variable) ?? [];
    const local = candidates.find((c) => c.file === file);
    if (local) return local.table;
    const target = this.importedFile(file, variable);
    const imported = candidates.find((c) => c.file === target);
    if (imported) return imported.table;
    return candidates.length === 1 ? candidates[0].table : undefined;
  }

  /**
   * The value of a constant as `file` sees it: its own, an imported one, or the only one of that name. A
   * dotted name is a member of an imported enum or namespace (`FieldNameUser.id`, `names.TableUser`), found
   * through re-exports (`export * from './user'`) and workspace packages (`@acme/schema` → its folder).
   */
  resolveConst(file: string, name: string): string | undefined {
    const own = this.files.get(file)?.constants[name];
    if (own !== undefined) return own;
    const facts = this.files.get(file);
    const dot = name.indexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const rest = dot < 0 ? '' : name.slice(dot);
    const imp = facts?.imports.find((i) => i.local === head);
    if (imp?.name || (imp && rest)) {
      const v = this.exportedConst(imp.module, imp.name ? `${imp.name}${rest}` : rest.slice(1), new Set());
      if (v !== undefined) return v;
    }
    let found: string | undefined;
    let count = 0;
    for (const f of this.files.values()) {
      const v = f.constants[name];
      if (v !== undefined && v !== found) {
        found = v;
        count++;
      }
    }
    return count === 1 ? found : undefined;
  }

  /** A constant `module` exports as `name`: defined in its files, or re-exported from another module. */
  private exportedConst(module: string, name: string, seen: Set<string>): string | undefined {
    const dot = name.indexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const rest = dot < 0 ? '' : name.slice(dot);
    for (const f of this.moduleFiles(module)) {
      if (seen.has(f)) continue;
      seen.add(f);
      const facts = this.files.get(f);
      const v = facts?.constants[name];
      if (v !== undefined) return v;
      for (const re of facts?.reexports ?? []) {
        const found = re.name === undefined
          ? this.exportedConst(re.module, name, seen)
          : (re.as ?? re.name) === head ? this.exportedConst(re.module, `${re.name}${rest}`, seen) : undefined;
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /**
   * The facts rules check for a file: those read, or, when they name things by other files' constants, the
   * copy with the values in place.
   */
  checkedFacts(facts: FileFacts): FileFacts {
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
      changed = true;
    }
    return changed;
  }

  resolveName(file: string, expr: NameExpr | undefined): string | undefined {
    if (!expr) return undefined;
    switch (expr.kind) {
      case 'literal':
        return expr.value;
      case 'const':
        return this.resolveConst(file, expr.name);
      case 'template': {
        let out = '';
        for (const p of expr.parts) {
          if ('literal' in p) out += p.literal;
          else {
            const v = this.resolveConst(file, p.const);
            if (v === undefined) return undefined;
            out += v;
          }
        }
        return out;
      }
      case 'dynamic':
        return undefined;
    }
  }

  /**
   * A column's type with project types resolved: an alias or TypeDecorator imported from another file gets
   * the family of its `impl`. Undefined when the type is unknown (then nothing is compared).
   */
  resolveType(file: string, type: TypeFact | undefined): TypeFact | undefined {
    if (!type) return undefined;
    if (type.family !== 'other' || type.sqlType !== '') return type;
    const facts = this.files.get(file);
    const imp = type.qualifier ? undefined : facts?.imports.find((i) => i.local === type.name);
    const lookups: Array<{ files: string[]; name: string }> = [];
    if (imp?.name) lookups.push({ files: this.moduleFiles(imp.module), name: imp.name });
    if (type.qualifier) {
      const modImp = facts?.imports.find((i) => i.local === type.qualifier);
      if (modImp) lookups.push({ files: this.moduleFiles(modImp.name ? `${modImp.module}.${modImp.name}` : modImp.module), name: type.name });
    }
    for (const l of lookups) {
      for (const f of l.files) {
        const d = this.files.get(f)?.typeDecorators[l.name];
        if (d) return { ...type, family: d.family, sqlType: d.sqlType };
      }
    }
    // A unique definition anywhere in the workspace is the one meant.
    let found: { family: TypeFamily; sqlType: string } | undefined;
    let count = 0;
    for (const f of this.files.values()) {
      const d = f.typeDecorators[imp?.name ?? type.name];
      if (d) {
        found = d;
        count++;
      }
    }
    return found && count === 1 ? { ...type, family: found.family, sqlType: found.sqlType } : undefined;
  }

  /**
   * Files whose module path is `module` (or ends with it: `src/app/models.py` is `app.models` too), or, for
   * the name of a package of the workspace (`@acme/schema`, `@acme/schema/tables`), the file its entry
   * point leads to.
   */
  moduleFiles(module: string): string[] {
    this.ensure();
    return this.modules.get(module) ?? this.packageFiles(module);
  }

  private packageFiles(module: string): string[] {
    if (this.packageJsons.size === 0 || module.startsWith('.')) return [];
    for (const [file, p] of this.packageJsons) {
      if (module !== p.name && !module.startsWith(`${p.name}/`)) continue;
      let candidates = p.entries;
      if (module !== p.name) {
        // A subpath names a file of the package's folder (or of its `src`, whence it is built).
        const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
        const sub = module.slice(p.name.length + 1).replace(/\.[cm]?js$/, '');
        candidates = [`${dir}${sub}`, `${dir}src/${sub}`].flatMap((b) => SCRIPT_ENDINGS.map((e) => `${b}${e}`));
      }
      const hit = candidates.find((c) => this.files.has(c));
      if (hit) return [hit];
    }
    return [];
  }

  private importedFile(file: string, local: string): string | undefined {
    const imp = this.files.get(file)?.imports.find((i) => i.local === local);
    if (!imp) return undefined;
    return this.moduleFiles(imp.name ? imp.module : imp.module)[0];
  }

  /**
   * A class as `file` sees the name. In Python, by Python's scoping (see `python/names.ts`): a name the file
   * does not bind is no class, whatever other files define. Other languages name their entity classes
   * across files by name alone, so for them the old lookup stands.
   */
  findClass(file: string, dotted: string): { file: string; cls: ClassFact } | undefined {
    this.ensure();
    if (this.files.get(file)?.language === 'python') {
      const b = this.names.resolve(file, dotted);
      return b?.kind === 'class' ? { file: b.file, cls: b.cls } : undefined;
    }
    // Deriving the tables asks the same question many times per class (bases, mixins, schema, metadata).
    const key = `${file}\u0000${dotted}`;
    if (this.classLookups.has(key)) return this.classLookups.get(key);
    const found = this.lookupClass(file, dotted);
    this.classLookups.set(key, found);
    return found;
  }

  private lookupClass(file: string, dotted: string): { file: string; cls: ClassFact } | undefined {
    const name = dotted.split('.').pop()!;
    const candidates = this.classesByName.get(name);
    if (!candidates || candidates.length === 0) return undefined;
    const local = candidates.find((c) => c.file === file);
    if (local && !dotted.includes('.')) return local;
    const facts = this.files.get(file);
    const head = dotted.split('.')[0];
    const imp = facts?.imports.find((i) => i.local === (dotted.includes('.') ? head : name));
    if (imp) {
      const module = dotted.includes('.')
        ? [imp.name ? `${imp.module}.${imp.name}` : imp.module, ...dotted.split('.').slice(1, -1)].join('.')
        : imp.module;
      const targets = new Set(this.moduleFiles(module));
      // `from app.models import User` may name a package whose __init__ re-exports the class.
      const hit = candidates.find((c) => targets.has(c.file)) ?? candidates.find((c) => this.files.get(c.file)?.module.startsWith(module));
      if (hit) return hit;
    }
    return local ?? candidates[0];
  }

  /** What a Python name means in `file`. */
  binding(file: string, dotted: string): Binding | undefined {
    this.ensure();
    return this.names.resolve(file, dotted);
  }

  /**
   * Classes whose table name FK Guard cannot know and that could define `table`: their name, lowered and
   * without underscores, is part of the table's (`ShoppingCart` → `app_shopping_carts`).
   */
  namelessCandidate(table: string, metadataId?: string): NamelessClass | undefined {
    this.ensure();
    const flat = table.toLowerCase().replace(/_/g, '');
    for (const list of this.nameless.values()) {
      for (const n of list) {
        const name = n.cls.name.toLowerCase();
        if (!flat.includes(name) && !(name.endsWith('y') && flat.includes(name.slice(0, -1)))) continue;
        if (metadataId && n.reason === 'declared-attr') {
          const m = this.classMetadata(n.file, n.cls, new Set());
          if (m && m !== metadataId) continue;
        }
        return n;
      }
    }
    return undefined;
  }

  /** Whether the `@declared_attr` `__tablename__` of `cls` can be evaluated (its body and the helpers it calls). */
  evaluatesTablename(file: string, cls: ClassFact): boolean {
    this.ensure();
    return cls.tablenameDerivation !== undefined && this.names.evaluate(file, cls.tablenameDerivation, 'Probe') !== undefined;
  }

  /** Every class whose table name FK Guard cannot know, by file order. */
  namelessClasses(): NamelessClass[] {
    this.ensure();
    return [...this.nameless.keys()].sort().flatMap((f) => this.nameless.get(f)!);
  }

  private packagePaths(): Set<string> {
    if (this.packages) return this.packages;
    const out = new Set<string>();
    for (const m of this.modules.keys()) {
      const parts = m.split('.');
      for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join('.'));
    }
    this.packages = out;
    return out;
  }

  /** The classes one dialect read (`prisma` models), with their files: what an unknown model name may mean. */
  classesOf(framework: string): Array<{ file: string; cls: ClassFact }> {
    this.ensure();
    return [...this.classesByName.values()].flat().filter((c) => c.cls.framework === framework);
  }

  // ---- derivation ----

  /**
   * Module paths and class names, by file. With `only`, just those files' entries are replaced; lists stay
   * sorted by file, so lookups that fall back to "the first one" answer the same however they were built.
   */
  private buildModules(only?: ReadonlySet<string>): void {
    if (!only) this.modules = new Map();
    else for (const [m, list] of this.modules) {
      const kept = list.filter((f) => !only.has(f));
      if (kept.length === list.length) continue;
      if (kept.length > 0) this.modules.set(m, kept);
      else this.modules.delete(m);
    }
    for (const f of only ? [...only].map((x) => this.files.get(x)).filter((x): x is FileFacts => !!x) : this.files.values()) {
      const parts = f.module.split('.');
      for (let i = 0; i < parts.length; i++) {
        const m = parts.slice(i).join('.');
        let list = this.modules.get(m);
        if (!list) this.modules.set(m, (list = []));
        insertSorted(list, f.file, (x) => x);
      }
    }
  }

  private buildClasses(only?: ReadonlySet<string>): void {
    this.classLookups = new Map();
    this.names.clear();
    this.packages = undefined;
    if (!only) this.classesByName = new Map();
    else for (const [n, list] of this.classesByName) {
      const kept = list.filter((c) => !only.has(c.file));
      if (kept.length === list.length) continue;
      if (kept.length > 0) this.classesByName.set(n, kept);
      else this.classesByName.delete(n);
    }
    for (const f of only ? [...only].map((x) => this.files.get(x)).filter((x): x is FileFacts => !!x) : this.files.values()) {
      for (const cls of f.classes) {
        let list = this.classesByName.get(cls.name);
        if (!list) this.classesByName.set(cls.name, (list = []));
        insertSorted(list, { file: f.file, cls }, (x) => x.file);
      }
    }
  }


  private ensure(): void {
    if (!this.dirty) return;
    // Cleared first: deriving the tables calls back into the lookups below, which must not rebuild again.
    this.dirty = false;
    const changed = this.fullRebuild ? undefined : new Set(this.pendingFiles);
    this.buildModules(changed);
    // A constant's new value renames columns of migrations: the history is replayed again.
    if (this.resolveUnresolved()) this.fullRebuild = true;
    this.buildClasses(changed);
    const affected = this.fullRebuild ? undefined : this.affectedDefinitions();
    this.pendingFiles.clear();
    this.pendingNames.clear();
    this.fullRebuild = false;
    this.unknownSchemaByName = undefined;
    this.classTables = new Map();
    if (affected) {
      this.keysCreated = [];
      const removed = this.rederive(affected);
      // The suggestion index depends on the set of keys only; most edits keep it.
      const gone = new Set(removed);
      if (removed.some((k) => !this.tables.has(k)) || this.keysCreated.some((k) => !gone.has(k))) {
        this.tableKeysCache = undefined;
        this.tableNames = undefined;
      }
      return;
    }
    this.tableKeysCache = undefined;
    this.tableNames = undefined;
    this.tables = new Map();
    this.defsByFile = new Map();
    this.classMap = new Map();
    this.classIdsByFile = new Map();
    this.coreByVar = new Map();
    this.nameless = new Map();
    this.migrationLocal = new Map();
    for (const f of this.files.values()) {
      for (const cls of f.classes) this.mapClass(f.file, cls, new Set());
      for (const t of f.tables) if (t.origin === 'core') this.addCoreTable(f, t);
    }
    this.history = MigrationHistory.replay(this.files.values(), this, this.dialect());
    this.keysCreated = [];
  }

  /**
   * The files whose derived tables may differ after the pending changes: the changed files, the files
   * whose definitions build on what they provide (mixins, bases, types, constants), the files whose tables
   * hold columns from them (single-table inheritance, mixins), and so on until nothing new is added.
   * Undefined when so much changed that deriving everything again is simpler.
   */
  private affectedDefinitions(): Set<string> | undefined {
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
    while (queue.length > 0) {
      if (out.size > PARTIAL_REBUILD_LIMIT) return undefined;
      const f = queue.pop()!;
      for (const n of this.provisionOf(f)?.names.keys() ?? []) {
        if (names.has(n)) continue;
        names.add(n);
        for (const g of this.defUsers.get(n) ?? []) add(g);
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
          removed.push(d.key);
        }
      }
      this.defsByFile.delete(f);
      this.nameless.delete(f);
      this.migrationLocal.delete(f);
      for (const [v, list] of this.coreByVar) {
        const kept = list.filter((x) => x.file !== f);
        if (kept.length > 0) this.coreByVar.set(v, kept);
        else this.coreByVar.delete(v);
      }
    }
    for (const f of files) {
      for (const id of this.classIdsByFile.get(f) ?? []) this.classMap.delete(id);
      this.classIdsByFile.delete(f);
    }
    for (const f of files) {
      const facts = this.files.get(f);
      if (!facts) continue;
      for (const cls of facts.classes) this.mapClass(f, cls, new Set());
      for (const t of facts.tables) if (t.origin === 'core') this.addCoreTable(facts, t);
    }
    return removed;
  }

  private setMapping(file: string, id: string, mapping: ClassMapping): void {
    if (!this.classMap.has(id)) {
      let ids = this.classIdsByFile.get(file);
      if (!ids) this.classIdsByFile.set(file, (ids = []));
      ids.push(id);
    }
    this.classMap.set(id, mapping);
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
    let list = this.tables.get(def.key);
    if (!list) {
      this.tables.set(def.key, (list = []));
      this.keysCreated.push(def.key);
    }
    // Definitions of one key stay in (file, position) order however they were derived, so the first one,
    // which messages name, never depends on the order of edits.
    let i = list.length;
    while (i > 0 && (list[i - 1].file > def.file || (list[i - 1].file === def.file && list[i - 1].span.start > def.span.start))) i--;
    list.splice(i, 0, def);
    let mine = this.defsByFile.get(def.file);
    if (!mine) this.defsByFile.set(def.file, (mine = []));
    mine.push(def);
  }

  private addCoreTable(f: FileFacts, t: CoreTableFact): void {
    const name = this.resolveName(f.file, t.name);
    if (!name) return;
    const def = newTable(name, t.schema, 'core', f.file, t.nameSpan);
    for (const c of t.columns) addColumn(def, c, f.file, this.resolveType(f.file, c.type));
    def.keys = t.keys;
    if (t.unreadColumn) {
      def.incomplete = true;
      def.unresolvedColumn = t.unreadColumn;
    }
    if (t.fallback) def.fallback = true;
    def.metadataId = t.metadata ? this.metadataOf(f.file, t.metadata.replace(/\.metadata$/, '')) : undefined;
    this.addTable(def);
    if (t.variable) {
      let list = this.coreByVar.get(t.variable);
      if (!list) this.coreByVar.set(t.variable, (list = []));
      list.push({ file: f.file, table: def });
    }
  }

  /**
   * Decides what a class maps to. A class with a table name gets its own table, with the columns of its
   * mixins and abstract bases; a class without one that inherits a mapped class adds its columns to that
   * table (single-table inheritance); Flask-SQLAlchemy and SQLModel classes get their derived names.
   */
  private mapClass(file: string, cls: ClassFact, visiting: Set<string>): ClassMapping {
    const id = classId(file, cls.name);
    const done = this.classMap.get(id);
    if (done) return done;
    if (visiting.has(id)) return { table: undefined, unknownName: false };
    visiting.add(id);

    const bases = cls.bases.map((b) => ({ text: b, found: this.findClass(file, b) }));
    const unresolvedBase = this.unresolvedBase(file, cls, new Set());
    const incomplete = unresolvedBase !== undefined;
    let parentTable: TableDef | undefined;
    let declaredAttr = cls.declaredTablename;
    let unknownParent = false;
    for (const b of bases) {
      if (!b.found) continue;
      const m = this.mapClass(b.found.file, b.found.cls, visiting);
      if (m.table && !parentTable) parentTable = m.table;
      if (!m.table && m.unknownName) unknownParent = true;
      if (this.inheritsDeclaredTablename(b.found.file, b.found.cls, new Set())) declaredAttr = true;
    }
    let nameless: NamelessClass | undefined;

    let name: string | undefined;
    let unknownName = false;
    if (cls.tablename) {
      name = this.resolveName(file, cls.tablename);
      if (name === undefined) unknownName = true;
    } else if (cls.abstract || cls.framework) {
      // Another ORM's dialect names its entities itself; a class it left unnamed is a base, not a table.
      name = undefined;
    } else if (parentTable || unknownParent) {
      // Single-table inheritance: the subclass's columns live in the parent's table.
      const mapping: ClassMapping = parentTable ? { table: parentTable } : { table: undefined, unknownName: true };
      if (parentTable) this.addClassColumns(parentTable, file, cls, new Set());
      this.setMapping(file, id, mapping);
      return mapping;
    } else if (this.isDeclarativeRoot(file, cls)) {
      name = undefined;
    } else if (declaredAttr && this.descendsFromDeclarative(file, cls, new Set())) {
      // The body of `__tablename__`, when FK Guard can evaluate it, says what Python computes; the
      // `naming.declared-attr` setting stands in for a body it cannot read.
      const owner = this.declaredTablenameOwner(file, cls, new Set());
      const derived = owner?.cls.tablenameDerivation ? this.names.evaluate(owner.file, owner.cls.tablenameDerivation, cls.name) : undefined;
      const convention = this.config.naming.declaredAttr;
      if (derived) name = derived;
      else if (convention) name = applyConvention(convention, cls.name);
      else {
        unknownName = true;
        nameless = { file, cls, reason: 'declared-attr', base: owner?.cls.name ?? cls.name, baseFile: owner?.file, baseClass: owner?.cls };
      }
    } else if (cls.sqlmodelTable) {
      name = cls.name.toLowerCase();
    } else if (this.isFlaskModel(file, cls, new Set())) {
      name = camelToSnake(cls.name);
    } else if (unresolvedBase !== undefined && !cls.framework) {
      // A base FK Guard cannot see may name the table (its own `__tablename__` rule) or map nothing.
      nameless = { file, cls, reason: 'unresolved-base', base: unresolvedBase };
    }
    if (nameless) {
      let list = this.nameless.get(file);
      if (!list) this.nameless.set(file, (list = []));
      list.push(nameless);
    }

    if (cls.abstract || (!name && !unknownName)) {
      const mapping: ClassMapping = { table: undefined, unknownName: false, nameless };
      this.setMapping(file, id, mapping);
      return mapping;
    }
    if (!name) {
      const mapping: ClassMapping = { table: undefined, unknownName: true, nameless };
      this.setMapping(file, id, mapping);
      return mapping;
    }
    const schema = cls.schema ?? this.inheritedSchema(file, cls, new Set());
    const def = newTable(name, schema, 'model', file, cls.tablenameSpan ?? cls.nameSpan);
    def.className = cls.name;
    def.incomplete = incomplete;
    if (!schema && this.inheritsUnknownSchema(file, cls, new Set())) def.schemaUnknown = true;
    def.unresolvedBase = unresolvedBase;
    def.metadataId = this.classMetadata(file, cls, new Set());
    this.addClassColumns(def, file, cls, new Set());
    const mapping: ClassMapping = { table: def };
    this.setMapping(file, id, mapping);
    this.addTable(def);
    return mapping;
  }

  /** Own columns first, then those of unmapped bases (mixins, abstract classes), nearest first. */
  private addClassColumns(def: TableDef, file: string, cls: ClassFact, seen: Set<string>): void {
    const id = classId(file, cls.name);
    if (seen.has(id)) return;
    seen.add(id);
    // Columns added by decorators FK Guard cannot follow are unknown: none is reported missing.
    if (cls.opaqueDecorators) def.incomplete = true;
    for (const c of cls.columns) {
      // An ORM's implicit key on a base yields to a primary key the subclass declares.
      if (c.implicit && [...def.columns.values()].some((x) => x.column.primaryKey)) continue;
      addColumn(def, c, file, this.resolveType(file, c.type));
    }
    if (cls.maybeFields && this.descendsFromSqlModel(file, cls, new Set())) {
      for (const c of cls.maybeFields) addColumn(def, c, file, this.resolveType(file, c.type));
    }
    for (const o of cls.opaque ?? []) {
      const b = this.names.resolve(file, o.callee);
      if (b?.kind === 'column-helper') {
        addColumn(def, { ...b.column, name: o.attr, span: o.span }, file, this.resolveType(b.file, b.column.type));
      } else if (!def.columns.has(o.attr)) {
        def.incomplete = true;
        def.unresolvedColumn ??= `${o.attr} = ${o.callee}(...)`;
      }
    }
    for (const k of cls.keys) def.keys.push(k);
    for (const b of cls.bases) {
      const found = this.findClass(file, b);
      if (!found) continue;
      const m = this.classMap.get(classId(found.file, found.cls.name));
      if (m?.table && m.table !== def) continue;
      this.addClassColumns(def, found.file, found.cls, seen);
    }
  }

  /**
   * The first base in the ancestry of a Python class that FK Guard cannot resolve to something whose
   * columns it knows (a class of the workspace, a metadata object, SQLAlchemy's own bases), as written;
   * undefined when every ancestor is known. The class's columns are incomplete then.
   */
  private unresolvedBase(file: string, cls: ClassFact, seen: Set<string>): string | undefined {
    const id = classId(file, cls.name);
    if (seen.has(id)) return undefined;
    seen.add(id);
    if (this.files.get(file)?.language !== 'python') {
      // Other readers keep only the bases a project can define (TypeORM's `BaseEntity`, sequelize's `Model`
      // are dropped), so any base not found among the workspace's classes adds columns FK Guard cannot see.
      for (const text of cls.bases) {
        const f = this.findClass(file, text);
        if (!f) return text;
        const deeper = this.unresolvedBase(f.file, f.cls, seen);
        if (deeper !== undefined) return deeper;
      }
      return undefined;
    }
    for (const text of cls.bases) {
      const b = this.names.resolve(file, text);
      if (b?.kind === 'class') {
        const deeper = this.unresolvedBase(b.file, b.cls, seen);
        if (deeper !== undefined) return deeper;
        continue;
      }
      if (b?.kind === 'metadata') continue;
      if (b?.kind === 'external' && KNOWN_EXTERNAL_BASES.test(b.name)) continue;
      if (!b && BUILTIN_BASES.test(text)) continue;
      return text;
    }
    return undefined;
  }

  /** The nearest class in the ancestry (itself first) that declares `__tablename__` with `@declared_attr`. */
  private declaredTablenameOwner(file: string, cls: ClassFact, seen: Set<string>): { file: string; cls: ClassFact } | undefined {
    const id = classId(file, cls.name);
    if (seen.has(id)) return undefined;
    seen.add(id);
    if (cls.declaredTablename) return { file, cls };
    for (const b of cls.bases) {
      const f = this.findClass(file, b);
      const owner = f ? this.declaredTablenameOwner(f.file, f.cls, seen) : undefined;
      if (owner) return owner;
    }
    return undefined;
  }

  private inheritsDeclaredTablename(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = classId(file, cls.name);
    if (seen.has(id)) return false;
    seen.add(id);
    if (cls.declaredTablename) return true;
    return cls.bases.some((b) => {
      const f = this.findClass(file, b);
      return f ? this.inheritsDeclaredTablename(f.file, f.cls, seen) : false;
    });
  }

  private inheritedSchema(file: string, cls: ClassFact, seen: Set<string>): string | undefined {
    const id = classId(file, cls.name);
    if (seen.has(id)) return undefined;
    seen.add(id);
    for (const b of cls.bases) {
      const f = this.findClass(file, b);
      if (!f) continue;
      const m = this.classMap.get(classId(f.file, f.cls.name));
      if (m?.table) continue;
      const s = f.cls.schema ?? this.inheritedSchema(f.file, f.cls, seen);
      if (s) return s;
    }
    return undefined;
  }

  /** Whether a Python class descends from SQLModel's `SQLModel` (through classes of the workspace). */
  private descendsFromSqlModel(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = classId(file, cls.name);
    if (seen.has(id)) return false;
    seen.add(id);
    if (cls.sqlmodelTable) return true;
    for (const b of cls.bases) {
      const r = this.names.resolve(file, b);
      if (r?.kind === 'external' && r.name === 'SQLModel') return true;
      if (r?.kind === 'class' && this.descendsFromSqlModel(r.file, r.cls, seen)) return true;
    }
    return false;
  }

  /** Whether a computed `__table_args__` on the class or an unmapped base may set its schema. */
  private inheritsUnknownSchema(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = classId(file, cls.name);
    if (seen.has(id)) return false;
    seen.add(id);
    if (cls.schemaUnknown) return true;
    for (const b of cls.bases) {
      const f = this.findClass(file, b);
      if (!f || f.cls.schema) continue;
      const m = this.classMap.get(classId(f.file, f.cls.name));
      if (m?.table) continue;
      if (this.inheritsUnknownSchema(f.file, f.cls, seen)) return true;
    }
    return false;
  }

  /** The tables a migration file declares for itself under `key` (see `addTable`). */
  localDefinitions(file: string, key: string): TableDef[] {
    this.ensure();
    return this.migrationLocal.get(file)?.filter((d) => d.key === key) ?? [];
  }

  /** A table named `name` (in any schema) whose schema comes from a computed `__table_args__`. */
  unknownSchemaTable(name: string): TableDef | undefined {
    this.ensure();
    if (!this.unknownSchemaByName) {
      // Asked for every reference to a table no definition has: one pass over the tables per derivation.
      this.unknownSchemaByName = new Map();
      for (const defs of this.tables.values()) {
        for (const d of defs) if (d.schemaUnknown && !this.unknownSchemaByName.has(d.name)) this.unknownSchemaByName.set(d.name, d);
      }
    }
    return this.unknownSchemaByName.get(name);
  }

  /** `class Base(DeclarativeBase)`: the base itself maps to no table. */
  private isDeclarativeRoot(file: string, cls: ClassFact): boolean {
    return this.files.get(file)?.metadataRoots.some((r) => r.name === cls.name && r.span.start === cls.nameSpan.start) ?? false;
  }

  /** Whether a class is mapped at all: it descends from a declarative base (a mixin does not). */
  private descendsFromDeclarative(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = classId(file, cls.name);
    if (seen.has(id)) return false;
    seen.add(id);
    for (const b of cls.bases) {
      const f = this.findClass(file, b);
      if (f) {
        if (this.isDeclarativeRoot(f.file, f.cls) || this.descendsFromDeclarative(f.file, f.cls, seen)) return true;
      } else if (this.isMetadataRoot(file, b) || /(^|\.)(Base|Model|DeclarativeBase|SQLModel)$/.test(b)) {
        return true;
      }
    }
    return false;
  }

  /** Flask-SQLAlchemy: a class deriving from `db.Model` (directly or through unmapped bases). */
  private isFlaskModel(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = classId(file, cls.name);
    if (seen.has(id)) return false;
    seen.add(id);
    for (const b of cls.bases) {
      // `db.Model` of `db = SQLAlchemy()`: a metadata object's model class, which names tables itself.
      if (/(^|\.)Model$/.test(b) && b !== 'SQLModel' && this.names.resolve(file, b)?.kind === 'metadata') return true;
      const f = this.findClass(file, b);
      if (f && this.isFlaskModel(f.file, f.cls, seen)) return true;
    }
    return false;
  }

  private isMetadataRoot(file: string, name: string): boolean {
    return this.metadataOf(file, name) !== undefined;
  }

  /** The identity of a metadata root (`Base`, `metadata`, `db`) as `file` sees it, or undefined. */
  metadataOf(file: string, name: string): string | undefined {
    const head = name.replace(/\.(metadata|Model)$/, '');
    const b = this.names.resolve(file, head);
    if (!b) return head === 'SQLModel' ? 'sqlmodel' : undefined;
    switch (b.kind) {
      case 'metadata':
        return b.id;
      case 'external':
        return b.name === 'SQLModel' ? 'sqlmodel' : undefined;
      case 'class':
        return this.files.get(b.file)?.metadataRoots.some((r) => r.name === b.cls.name) ? `${b.file}#${b.cls.name}` : this.classMetadata(b.file, b.cls, new Set());
      default:
        return undefined;
    }
  }

  private classMetadata(file: string, cls: ClassFact, seen: Set<string>): string | undefined {
    const id = classId(file, cls.name);
    if (seen.has(id)) return undefined;
    seen.add(id);
    for (const b of cls.bases) {
      const found = this.findClass(file, b);
      if (found) {
        const own = this.files.get(found.file)?.metadataRoots.find((r) => r.name === found.cls.name);
        if (own) return `${found.file}#${found.cls.name}`;
        const m = this.classMetadata(found.file, found.cls, seen);
        if (m) return m;
      } else {
        const m = this.metadataOf(file, b);
        if (m) return m;
      }
    }
    return undefined;
  }

  private addExternal(spec: string): void {
    // `users`, `auth.users`, `users.id:uuid`, `auth.users.id:uuid`
    const [path, typeName] = spec.split(':');
    const parts = path.split('.').filter(Boolean);
    if (parts.length === 0) return;
    let schema: string | undefined;
    let table: string;
    let column: string | undefined;
    if (typeName !== undefined) {
      column = parts.pop();
      table = parts.pop()!;
      schema = parts.pop();
    } else if (parts.length >= 2) {
      table = parts.pop()!;
      schema = parts.pop();
    } else table = parts[0];
    if (!table) return;
    const key = tableKey(table, schema);
    const def = this.externals.get(key) ?? newTable(table, schema, 'external', '', { start: 0, end: 0 });
    def.incomplete = true;
    if (column) {
      const known = typeName ? knownType(typeName) : undefined;
      const t: TypeFact | undefined = known
        ? { text: typeName, name: typeName, family: known.family, sqlType: known.sqlType, source: 'explicit' }
        : typeName
          ? sqlTypeFact(typeName)
          : undefined;
      const col: ColumnFact = { name: column, type: t, primaryKey: true, unique: true, span: { start: 0, end: 0 } };
      addColumn(def, col, '', t);
    }
    this.externals.set(key, def);
  }

  // ---- snapshot ----

  snapshot(): SchemaSnapshot {
    this.ensure();
    const tables: SchemaSnapshot['tables'] = [];
    for (const key of this.allTableKeys().sort()) {
      const defs = this.definitions(key);
      const columns = new Map<string, SchemaSnapshot['tables'][number]['columns'][number]>();
      for (const d of defs) {
        for (const c of d.columns.values()) {
          if (columns.has(c.column.name)) continue;
          columns.set(c.column.name, {
            name: c.column.name,
            type: c.column.type?.source === 'explicit' ? c.column.type.text : c.column.annotation ? `Mapped[${c.column.annotation.text}]` : undefined,
            family: c.type?.family,
            sqlType: c.type?.sqlType || undefined,
            primaryKey: c.column.primaryKey,
            unique: c.column.unique,
            nullable: c.column.nullable,
            file: c.file,
            range: this.rangeIn(c.file, c.column.span),
          });
        }
      }
      tables.push({
        key,
        name: defs[0].name,
        schema: defs[0].schema,
        definitions: defs.map((d) => ({ file: d.file, range: this.rangeIn(d.file, d.span), origin: d.origin, className: d.className })),
        columns: [...columns.values()],
      });
    }
    return { tables };
  }

  rangeIn(file: string, span: Span) {
    const f = this.files.get(file);
    return f ? rangeOf(f.lineStarts, span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  }
}

function sqlTypeFact(sqlType: string): TypeFact {
  const lower = sqlType.toLowerCase();
  const family: TypeFamily = /int|serial/.test(lower)
    ? 'integer'
    : /char|text/.test(lower)
      ? 'string'
      : lower === 'uuid'
        ? 'uuid'
        : /numeric|decimal/.test(lower)
          ? 'numeric'
          : 'other';
  return { text: sqlType, name: sqlType, family, sqlType: lower, source: 'explicit' };
}


/** Inserts keeping `list` sorted by `key` (stable: equal keys keep their order of arrival). */
function insertSorted<T>(list: T[], item: T, key: (x: T) => string): void {
  const k = key(item);
  let i = list.length;
  while (i > 0 && key(list[i - 1]) > k) i--;
  list.splice(i, 0, item);
}

/** Beyond this many files to derive again, everything is derived again. */
const PARTIAL_REBUILD_LIMIT = 200;


function classId(file: string, name: string): string {
  return `${file}#${name}`;
}



/** Flask-SQLAlchemy's `camel_to_snake_case`: `DynamicChallenge` → `dynamic_challenge`, `HTTPLog` → `http_log`. */
export function camelToSnake(name: string): string {
  return name
    .replace(/((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))/g, '_$1')
    .toLowerCase()
    .replace(/^_+/, '');
}

function applyConvention(convention: NamingConvention, className: string): string {
  switch (convention) {
    case 'snake_case':
      return camelToSnake(className);
    case 'lowercase':
      return className.toLowerCase();
    case 'plural_snake_case': {
      const s = camelToSnake(className);
      return /(s|x|z|ch|sh)$/.test(s) ? `${s}es` : /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`;
    }
    case 'class_name':
      return className;
  }
}

/**
 * What a file provides to others: each name (`t:users`, `c:User`, `k:USERS_TABLE`, …) with a hash of the
 * definitions behind it, so a change can be traced to the names it really touched; `base` hashes what
 * every definition of the file depends on (its module path and imports). Only names, types, text and the
 * lines of definitions count: editing a reference inside a model file changes nothing here.
 */
interface Provision {
  signature: string;
  base: string;
  names: Map<string, string>;
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
function provision(f: FileFacts, reuse = false): Provision {
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
  const namelessHeader = (c: ClassFact) => [c.name, c.bases, c.declaredTablename, c.tablenameDerivation, c.abstract];
  const names = new Map<string, string>();
  const add = (name: string, h: string) => names.set(name, names.has(name) ? `${names.get(name)}+${h}` : h);
  const classSigs = f.classes.map((c) => objectSig(c, c.tablename ? undefined : namelessHeader));
  for (const [i, c] of f.classes.entries()) {
    const h = classSigs[i].whole;
    add(`c:${c.name}`, h);
    if (c.tablename?.kind === 'literal') add(`t:${c.tablename.value}`, h);
  }
  for (const t of f.tables) {
    if (t.origin === 'migration') continue;
    const h = objectSig(t).whole;
    if (t.name.kind === 'literal') add(`t:${t.name.value}`, h);
    if (t.variable) add(`v:${t.variable}`, h);
  }
  // Where Alembic's revisions live decides which files are history at all.
  if (f.alembicConfig) add('migrations', sig(f.alembicConfig));
  if (f.setsAlembicLocations) add('migrations', 'locations set in code');
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
      }
    }
  }
  for (const [i, c] of f.classes.entries()) {
    // A class without a table name of its own may name one FK Guard cannot know (see `namelessCandidate`):
    // every string reference depends on such classes' headers.
    if (!c.tablename) add('t:?', classSigs[i].header!);
  }
  for (const [k, v] of Object.entries(f.functions ?? {})) add(`f:${k}`, sig(v));
  for (const [k, v] of Object.entries(f.columnHelpers ?? {})) add(`f:${k}`, sig(v));
  for (const [k, v] of Object.entries(f.aliases ?? {})) add(`a:${k}`, v);
  for (const [k, v] of Object.entries(f.constants)) add(`k:${k}`, v);
  for (const [k, v] of Object.entries(f.typeDecorators)) add(`y:${k}`, `${v.family}:${v.sqlType}`);
  for (const r of f.metadataRoots) add(`m:${r.name}`, String(lineOf(r.span.start)));
  const base = sig([f.module, f.imports, f.reexports, f.packageJson]);
  const signature = hash([base, ...[...names].map(([n, h]) => `${n}=${h}`).sort()].join('\n'));
  return { signature, base, names };
}

/** The names whose definitions differ between two provisions of one file (all of them if its imports moved). */
function changedNames(before: Provision | undefined, after: Provision): string[] {
  const all = new Set([...(before?.names.keys() ?? []), ...after.names.keys()]);
  if (!before || before.base !== after.base) return [...all];
  return [...all].filter((n) => before.names.get(n) !== after.names.get(n));
}

/** The endings a module specifier may leave out, in the order TypeScript tries them. */
const SCRIPT_ENDINGS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

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

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

interface Uses {
  /** Names the file's references use: its findings change with them. */
  refs: Set<string>;
  /** Names the file's definitions use: the tables it provides change with them. */
  defs: Set<string>;
}

/**
 * The names each reference uses, kept per reference: they depend on what it names, never on where it is, so
 * references an edit moved in place (see `provision`'s `reuse`) keep theirs.
 */
const referenceUses = new WeakMap<ReferenceFact, string[]>();

/**
 * The names a file depends on: tables it references, and the classes, types and constants it builds on.
 * `reuse` as for `provision`: the references of the previous facts were kept as they were.
 */
function usesOf(f: FileFacts, reuse = false): Uses {
  const uses = new Set<string>();
  const defs = new Set<string>();
  // Names given by other files' constants: the tables and the findings change with them.
  for (const c of f.pendingConsts ?? []) {
    uses.add(`k:${c}`);
    defs.add(`k:${c}`);
  }
  for (const r of f.references) {
    let names = reuse ? referenceUses.get(r) : undefined;
    if (!names) referenceUses.set(r, (names = namesUsedBy(r)));
    for (const n of names) uses.add(n);
  }
  const addType = (t: TypeFact | undefined) => {
    if (t && t.family === 'other') defs.add(`y:${t.name}`);
  };
  for (const c of f.classes) for (const n of classDefNames(c, f)) defs.add(n);
  for (const t of f.tables) {
    for (const col of t.columns) addType(col.type);
    if (t.name.kind === 'const') defs.add(`k:${t.name.name}`);
    if (t.metadata) defs.add(`m:${t.metadata.split('.')[0]}`);
  }
  for (const op of f.migration?.ops ?? []) if (op.op === 'add_column' || op.op === 'alter_column') addType(op.op === 'add_column' ? op.column.type : op.type);
  // A migration's tables depend on every earlier migration.
  if (f.migration) defs.add('migrations');
  return { refs: uses, defs };
}

/** The names one reference uses: the tables it names, the constants that name them, its owner class or variable. */
function namesUsedBy(r: ReferenceFact): string[] {
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
  addExpr(r.target);
  if (r.table) {
    if (r.table.kind === 'literal') uses.push(`t:${r.table.value}`);
    else addExpr(r.table);
  }
  if (r.owner) {
    uses.push(`c:${r.owner.split('.').pop()}`);
    uses.push(`v:${r.owner}`);
  }
  return uses;
}

/** `namesUsedBy`, remembered per reference (what a reference names never changes; only where it is does). */
export function referenceNames(r: ReferenceFact): readonly string[] {
  let names = referenceUses.get(r);
  if (!names) referenceUses.set(r, (names = namesUsedBy(r)));
  return names;
}

/**
 * The names a class's definition builds on (its part of `usesOf`): its bases (and the classes an imported
 * alias names), the constant that names its table, the helpers it calls, its project column types.
 */
export function classDefNames(c: ClassFact, f: FileFacts): string[] {
  const defs = new Set<string>();
  for (const b of c.bases) {
    defs.add(`c:${b.split('.').pop()}`);
    defs.add(`m:${b.split('.')[0]}`);
    defs.add(`a:${b.split('.')[0]}`);
    // `from pkg.base import IdModel as Model`: the class the alias names.
    for (const i of f.imports) if (i.local === b.split('.')[0] && i.name) defs.add(`c:${i.name}`);
  }
  if (c.tablename?.kind === 'const') defs.add(`k:${c.tablename.name}`);
  for (const o of c.opaque ?? []) defs.add(`f:${o.callee.split('.').pop()}`);
  for (const fn of derivationCalls(c.tablenameDerivation)) defs.add(`f:${fn.split('.').pop()}`);
  for (const col of c.columns) if (col.type && col.type.family === 'other') defs.add(`y:${col.type.name}`);
  return [...defs];
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
