import { PythonNames, type Binding } from './python/names';
import type { ClassFact, FileFacts, ImportFact, NameExpr, TypeFact, TypeFamily } from './types';

const SCRIPT_ENDINGS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

/**
 * Lookup and resolution over every file's facts: which files a module path or a workspace package means,
 * which class a name means from a file's point of view, and what constants, table-name expressions and
 * project types resolve to. Python names are resolved by Python's scoping (`python/names.ts`); other
 * languages name their entity classes across files by name alone. The schema index rebuilds the module and
 * class tables when files change (`buildModules`, `buildClasses`), for all files or only the changed ones.
 */
export class NameLookup {
  private modules = new Map<string, string[]>();
  private classesByName = new Map<string, Array<{ file: string; cls: ClassFact }>>();
  private classLookups = new Map<string, { file: string; cls: ClassFact } | undefined>();
  private packages: Set<string> | undefined;
  /** The module paths (`modules` keys) and class names (`classesByName` keys) of each file, as last built. */
  private modulesByFile = new Map<string, string[]>();
  private classNamesByFile = new Map<string, string[]>();
  /** The list of classes each file's `classesByName` entries were last built from (see `replaceChangedClasses`). */
  private classesByFile = new Map<string, readonly ClassFact[]>();
  /** The last `buildModules` changed which files a module path means (`buildClasses` reads it). */
  private moduleMapChanged = true;
  /** See `decoratorsNamed`; undefined after `filesChanged`. */
  private decorators: Map<string, Array<{ family: TypeFamily; sqlType: string }>> | undefined;
  /** Python name resolution over the files' facts (see `python/names.ts`). */
  readonly names = new PythonNames({
    facts: (f) => this.files.get(f),
    moduleFiles: (m) => this.modules.get(m) ?? [],
    hasPackage: (m) => this.packagePaths().has(m),
  });

  /**
   * `files` and `packageJsons` are the index's own maps, read as they are. `ensure` brings the index's
   * derived state up to date: the lookups that read the module and class tables call it first.
   */
  constructor(
    private readonly files: ReadonlyMap<string, FileFacts>,
    private readonly packageJsons: ReadonlyMap<string, { name: string; entries: string[] }>,
    private readonly ensure: () => void,
  ) {}

  /** The classes of that name in the workspace, by file. */
  classesNamed(name: string): ReadonlyArray<{ file: string; cls: ClassFact }> | undefined {
    return this.classesByName.get(name);
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
      const v = this.exportedConst(imp.module, imp.name ? `${imp.name}${rest}` : rest.slice(1), new Set(), file);
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
  private exportedConst(module: string, name: string, seen: Set<string>, from?: string): string | undefined {
    const at = this.exportedFrom(module, name, from, (f, n) => this.files.get(f)?.constants[n] !== undefined, seen);
    return at && at !== 'ambiguous' ? this.files.get(at.file)?.constants[at.name] : undefined;
  }

  /**
   * Where `module` (as `from` imports it) defines what it exports as `name`, by ECMAScript's ResolveExport:
   * the module's own export of that name (a definition, for which `defines(file, name)` holds, or a local
   * `export { a as name }`), else an explicit `export { a as name } from` or `export * as name from`, which
   * leads on under the name there; only then its `export *`s. A name two `export *` provide from different
   * origins is `'ambiguous'`: the module exports neither (importing it is an error, and TypeScript reports the
   * conflict), so no table is taken for it. A dotted name is a member of what its first part names
   * (`names.TableUser`, `ns.barns` of `export * as ns`). Undefined when the module exports no such name FK
   * Guard can see, or only one it cannot read (a local export that is not a definition FK Guard knows).
   * Each (file, name) is asked once, as the specification's resolve set does: a barrel may lead to one file
   * under two names (`export *` beside `export { a as b }` from it), and a cycle of `export *` ends.
   */
  exportedFrom(
    module: string,
    name: string,
    from: string | undefined,
    defines: (file: string, name: string) => boolean,
    seen = new Set<string>(),
  ): { file: string; name: string } | 'ambiguous' | undefined {
    for (const f of this.moduleFiles(module, from)) {
      const found = this.resolveExport(f, name, defines, seen);
      if (found) return found;
    }
    return undefined;
  }

  private resolveExport(
    f: string,
    name: string,
    defines: (file: string, name: string) => boolean,
    seen: Set<string>,
  ): { file: string; name: string } | 'ambiguous' | undefined {
    const key = `${f}\u0000${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (defines(f, name)) return { file: f, name };
    const dot = name.indexOf('.');
    const head = dot < 0 ? name : name.slice(0, dot);
    const rest = dot < 0 ? '' : name.slice(dot);
    const reexports = this.files.get(f)?.reexports ?? [];
    // The module's own exports and its explicit re-exports win over every `export *`.
    for (const re of reexports) {
      if (re.name === undefined || (re.as ?? re.name) !== head) continue;
      if (re.module === '') {
        // A local export (`export { barns as pens }`, or in a barrel with `export *`, any exported declaration):
        // the definition it names, or none FK Guard can see; never what an `export *` would have provided.
        const local = `${re.name}${rest}`;
        return defines(f, local) ? { file: f, name: local } : undefined;
      }
      // `export * as ns from './a'`: the namespace object; `ns.barns` is `./a`'s export `barns`.
      if (re.name === '*') return rest ? this.exportedFrom(re.module, rest.slice(1), f, defines, seen) : undefined;
      return this.exportedFrom(re.module, `${re.name}${rest}`, f, defines, seen);
    }
    // `export *` never provides `default`.
    if (head === 'default') return undefined;
    let star: { file: string; name: string } | undefined;
    for (const re of reexports) {
      if (re.name !== undefined) continue;
      const found = this.exportedFrom(re.module, name, f, defines, seen);
      if (found === 'ambiguous') return found;
      if (!found) continue;
      if (!star) star = found;
      else if (star.file !== found.file || star.name !== found.name) return 'ambiguous';
    }
    return star;
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
    if (type.alias) return this.aliasType(file, type);
    if (type.imported) return this.importedType(file, type);
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
    const wanted = imp?.name ?? type.name;
    if (!(wanted in Object.prototype)) {
      const defs = this.decoratorsNamed().get(wanted);
      return defs?.length === 1 ? { ...type, family: defs[0].family, sqlType: defs[0].sqlType } : undefined;
    }
    // A name objects have (`constructor`) is looked up in each file as it always was, prototype included.
    let found: { family: TypeFamily; sqlType: string } | undefined;
    let count = 0;
    for (const f of this.files.values()) {
      const d = f.typeDecorators[wanted];
      if (d) {
        found = d;
        count++;
      }
    }
    return found && count === 1 ? { ...type, family: found.family, sqlType: found.sqlType } : undefined;
  }

  /**
   * A type whose name an import binds from a module other than SQLAlchemy's (see `TypeFact.imported`): a module of the
   * workspace that defines the name (`UUID = LargeBinary(length=16)`, a TypeDecorator) gives its type; one that takes it
   * from a library (a re-export), or a module outside the workspace, leaves the library's type, as SQLAlchemy names it;
   * anything else FK Guard cannot follow leaves the type unknown (R16-1: read as SQLAlchemy's `UUID`, a false error),
   * also a module of a workspace package FK Guard did not read (its words say no model code).
   */
  private importedType(file: string, type: TypeFact): TypeFact | undefined {
    const imp = this.files.get(file)?.imports.find((i) => i.local === type.name);
    if (!imp?.name) return type;
    const files = this.moduleFiles(imp.module);
    if (files.length === 0) return this.packagePaths().has(imp.module.split('.')[0]) ? undefined : type;
    for (const f of files) {
      const d = this.files.get(f)?.typeDecorators[imp.name];
      if (d) return { ...type, family: d.family, sqlType: d.sqlType };
    }
    const b = this.binding(file, type.name);
    return b?.kind === 'external' && /^(sqlalchemy|sqlmodel)(\.|$)/.test(b.module) ? type : undefined;
  }

  /**
   * Every file's TypeDecorators by name, made once after the files changed (see `filesChanged`): looking an unknown
   * type's name up in each file, for each column of that type, was a tenth of deriving fides (1,021 files).
   */
  private decoratorsNamed(): Map<string, Array<{ family: TypeFamily; sqlType: string }>> {
    if (this.decorators) return this.decorators;
    const out = new Map<string, Array<{ family: TypeFamily; sqlType: string }>>();
    for (const f of this.files.values()) {
      for (const [name, d] of Object.entries(f.typeDecorators)) {
        if (!d) continue;
        const list = out.get(name);
        if (list) list.push(d);
        else out.set(name, [d]);
      }
    }
    return (this.decorators = out);
  }

  /** The index's map of files changed (a file set, replaced or removed): what is made of all of them is made again. */
  filesChanged(): void {
    this.decorators = undefined;
  }

  /**
   * The type of a `Mapped[X]` column whose X may be an `Annotated` alias (see `TypeFact.alias`), as SQLAlchemy 2.0 merges
   * it: the type of the alias's `mapped_column(...)`; else, with a foreign key, the referenced column's (undefined here:
   * it never mismatches); else the type the Python type inside maps to. X bound to a class of the workspace is no alias:
   * with a foreign key the column takes the key's type. Anything else (a name from outside the workspace, one FK Guard
   * cannot follow, a type it does not know) leaves the type unknown: `type` itself, which still says `alias`.
   */
  private aliasType(file: string, type: TypeFact, depth = 0): TypeFact | undefined {
    const b = this.binding(file, type.text);
    if (b?.kind === 'class') return type.alias === 'key' ? undefined : type;
    if (b?.kind !== 'annotated-alias' || b.alias.opaque) return type;
    const { alias: _alias, ...named } = type;
    if (b.alias.type) {
      const t = this.resolveType(b.file, b.alias.type);
      return t ? { ...named, family: t.family, sqlType: t.sqlType, ...(t.approximate ? { approximate: true as const } : {}) } : type;
    }
    if (type.alias === 'key' || b.alias.foreignKey) return undefined;
    if (b.alias.inner) return { ...named, family: b.alias.inner.family, sqlType: b.alias.inner.sqlType };
    // Built on another alias (`Annotated[farm_ref, mapped_column(nullable=True)]`): flattened, the inner alias's
    // `mapped_column(...)` comes first, and SQLAlchemy takes its type, or with its key the referenced column's (R15-10).
    if (depth < 8 && !b.alias.innerOptional && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(b.alias.innerText) && this.binding(b.file, b.alias.innerText)?.kind === 'annotated-alias') {
      const inner = this.aliasType(b.file, { ...type, text: b.alias.innerText }, depth + 1);
      return inner === undefined || inner.alias === undefined ? (inner && { ...inner, text: type.text, name: type.name }) : type;
    }
    return type;
  }

  /**
   * Files whose module path is `module` (or ends with it: `src/app/models.py` is `app.models` too), or, for
   * the name of a package of the workspace (`@acme/schema`, `@acme/schema/tables`), the file its entry
   * point leads to.
   */
  /**
   * The files a module path means: a file's own (`app.models`), a workspace package's entry, or, seen from
   * `from`, what the `paths` and `baseUrl` of the tsconfig that governs `from` map the specifier to.
   */
  moduleFiles(module: string, from?: string): string[] {
    this.ensure();
    const found = this.modules.get(module) ?? this.packageFiles(module);
    if (found.length > 0 || from === undefined) return found;
    return this.aliasFiles(from, module);
  }

  /**
   * TypeScript's `paths` and `baseUrl` resolution for a bare specifier written in `from`: the nearest
   * `tsconfig.json` (or `jsconfig.json`) above it, with what the configs it extends set (the nearest setting
   * wins); the pattern with the longest prefix before its `*` first, each target in order, then `baseUrl`.
   * The first candidate that is a file of the workspace; none when no config maps the specifier.
   */
  private aliasFiles(from: string, module: string): string[] {
    if (module.startsWith('.')) return [];
    const config = this.tsconfigFor(from);
    if (!config) return [];
    const exists = (base: string) => [base, ...SCRIPT_ENDINGS.map((e) => `${base.replace(/\.[cm]?js$/, '')}${e}`)].find((c) => this.files.has(c));
    const patterns = Object.keys(config.paths ?? {})
      .filter((p) => (p.includes('*') ? module.startsWith(p.slice(0, p.indexOf('*'))) && module.endsWith(p.slice(p.indexOf('*') + 1)) : p === module))
      .sort((a, b) => (b.includes('*') ? b.indexOf('*') : b.length + 1) - (a.includes('*') ? a.indexOf('*') : a.length + 1));
    for (const p of patterns) {
      const star = p.indexOf('*');
      const captured = star < 0 ? '' : module.slice(star, module.length - (p.length - star - 1));
      for (const target of config.paths![p]) {
        const hit = exists(target.replace('*', captured));
        if (hit) return [hit];
      }
    }
    if (config.baseUrl !== undefined) {
      const hit = exists(config.baseUrl ? `${config.baseUrl}/${module}` : module);
      if (hit) return [hit];
    }
    return [];
  }

  /** The module resolution settings governing `file`: its nearest config, merged with those it extends. */
  private tsconfigFor(file: string): { baseUrl?: string; paths?: Record<string, string[]> } | undefined {
    const dirs = file.split('/').slice(0, -1);
    for (let i = dirs.length; i >= 0; i--) {
      const dir = dirs.slice(0, i).join('/');
      for (const name of ['tsconfig.json', 'jsconfig.json']) {
        const path = dir ? `${dir}/${name}` : name;
        if (!this.files.has(path)) continue;
        const out: { baseUrl?: string; paths?: Record<string, string[]> } = {};
        const seen = new Set<string>();
        for (let at: string | undefined = path; at && !seen.has(at); ) {
          seen.add(at);
          const c: FileFacts['tsconfig'] = this.files.get(at)?.tsconfig;
          if (!c) break;
          if (out.baseUrl === undefined && c.baseUrl !== undefined) out.baseUrl = c.baseUrl;
          if (!out.paths && c.paths) out.paths = c.paths;
          at = c.extends;
        }
        return out.baseUrl === undefined && !out.paths ? undefined : out;
      }
    }
    return undefined;
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

  /** The import that binds `local` in `file`, if one does. */
  importOf(file: string, local: string): ImportFact | undefined {
    return this.files.get(file)?.imports.find((i) => i.local === local);
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
    const facts = this.files.get(file);
    if (facts?.language === 'typescript') {
      const imported = this.importedClass(facts, dotted);
      if (imported !== null) return imported;
    }
    const candidates = this.classesByName.get(name);
    if (!candidates || candidates.length === 0) return undefined;
    const local = candidates.find((c) => c.file === file);
    if (local && !dotted.includes('.')) return local;
    const head = dotted.split('.')[0];
    const imp = facts?.imports.find((i) => i.local === (dotted.includes('.') ? head : name));
    if (imp) {
      const module = dotted.includes('.')
        ? [imp.name ? `${imp.module}.${imp.name}` : imp.module, ...dotted.split('.').slice(1, -1)].join('.')
        : imp.module;
      const targets = new Set(this.moduleFiles(module, file));
      // `from app.models import User` may name a package whose __init__ re-exports the class.
      const hit = candidates.find((c) => targets.has(c.file)) ?? candidates.find((c) => this.files.get(c.file)?.module.startsWith(module));
      if (hit) return hit;
    }
    return local ?? candidates[0];
  }

  /**
   * A class as a TypeScript file's import binds the name, as the TypeScript checker resolves it: `Barn` of
   * `import { Barn }` or `import { Barn as Shed }`, and a member of a namespace (`ns.Barn`, `ns.inner.Barn` of
   * `import * as ns`, `export * as inner`, `import { inner as ns }`), followed through every re-export (see
   * `exportedFrom`) to the file that declares the class. Undefined when the module, a file of this workspace,
   * exports no class under that name FK Guard can see (none, or two from `export *`s): never another file's
   * class that merely has the last name. Null where the name alone is looked up as before: a name no import
   * binds, one imported from a module outside the workspace (a package FK Guard does not resolve), and a
   * default import of a module whose default FK Guard does not read (`export default User;`). A dotted name
   * whose first part no import binds is a member of a local object, which FK Guard does not read (undefined).
   */
  private importedClass(facts: FileFacts, dotted: string): { file: string; cls: ClassFact } | undefined | null {
    const at = this.classExport(facts, dotted);
    if (at === null) return null;
    if (!at || at === 'ambiguous') return undefined;
    return this.classesByName.get(at.name)?.find((c) => c.file === at.file);
  }

  /**
   * Why a TypeScript file's imported class name is no class (see `importedClass`): `'ambiguous'` when two
   * `export *` give it from different modules, `'unexported'` when the module (of this workspace) exports no
   * class FK Guard can see under it, `'local-object'` for a member of a name no import binds (an object, a
   * `namespace`); undefined when it is a class, or not a name of that kind.
   */
  importedClassProblem(file: string, dotted: string): 'ambiguous' | 'unexported' | 'local-object' | undefined {
    this.ensure();
    const facts = this.files.get(file);
    if (facts?.language !== 'typescript') return undefined;
    const dot = dotted.indexOf('.');
    if (dot > 0 && !facts.imports.some((i) => i.local === dotted.slice(0, dot))) return 'local-object';
    const at = this.classExport(facts, dotted);
    return at === 'ambiguous' ? at : at === undefined ? 'unexported' : undefined;
  }

  private classExport(facts: FileFacts, dotted: string): { file: string; name: string } | 'ambiguous' | undefined | null {
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    const imp = dot < 0 && facts.classes.some((c) => c.name === dotted) ? undefined : facts.imports.find((i) => i.local === head);
    if (!imp) return dot < 0 ? null : undefined;
    if (this.moduleFiles(imp.module, facts.file).length === 0) return null;
    // `import * as ns` binds the module object: `ns.Barn` is its export `Barn`, `ns` itself no class.
    const name = imp.name === undefined ? (dot < 0 ? undefined : dotted.slice(dot + 1)) : `${imp.name}${dot < 0 ? '' : dotted.slice(dot)}`;
    if (name === undefined) return undefined;
    const defines = (f: string, n: string) => !n.includes('.') && (this.files.get(f)?.classes.some((c) => c.name === n) ?? false);
    const at = this.exportedFrom(imp.module, name, facts.file, defines);
    // A module's `export default User;` or `export default class User` is not among the exports FK Guard reads
    // (only `export { User as default }` is): a default import is looked up by its name, as before.
    return at === undefined && imp.name === 'default' ? null : at;
  }

  /** What a Python name means in `file`. */
  binding(file: string, dotted: string, at?: number): Binding | undefined {
    this.ensure();
    return this.names.resolveAt(file, dotted, at);
  }

  /** The classes one dialect read (`prisma` models), with their files: what an unknown model name may mean. */
  classesOf(framework: string): Array<{ file: string; cls: ClassFact }> {
    this.ensure();
    return [...this.classesByName.values()].flat().filter((c) => c.cls.framework === framework);
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

  /**
   * Module paths and class names, by file. With `only`, just those files' entries are replaced; lists stay
   * sorted by file, so lookups that fall back to "the first one" answer the same however they were built.
   * Each file's module paths and class names are kept, so replacing a few files' entries looks at those
   * lists only (going through every module and class name of the workspace cost ~1 ms a keystroke).
   */
  buildModules(only?: ReadonlySet<string>): void {
    this.moduleMapChanged = true;
    if (!only) {
      this.modules = new Map();
      this.modulesByFile = new Map();
    } else {
      let same = true;
      for (const f of only) {
        const before = this.modulesByFile.get(f);
        const now = this.files.get(f);
        if (!before || !now || before[0] !== now.module) same = false;
        for (const m of before ?? []) {
          const list = this.modules.get(m);
          if (!list) continue;
          const kept = list.filter((x) => x !== f);
          if (kept.length > 0) this.modules.set(m, kept);
          else this.modules.delete(m);
        }
        this.modulesByFile.delete(f);
      }
      this.moduleMapChanged = !same;
    }
    for (const f of only ? [...only].map((x) => this.files.get(x)).filter((x): x is FileFacts => !!x) : this.files.values()) {
      const parts = f.module.split('.');
      const mine: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        const m = parts.slice(i).join('.');
        mine.push(m);
        // A new list holds its first element: one made empty and pushed to keeps room for 17.
        const list = this.modules.get(m);
        if (!list) this.modules.set(m, [f.file]);
        else insertSorted(list, f.file, (x) => x);
      }
      this.modulesByFile.set(f.file, mine);
    }
  }

  buildClasses(only?: ReadonlySet<string>): void {
    this.classLookups = new Map();
    // Python names read the module map and the facts of the files they pass through: with the same module
    // map, only the answers that read a changed file are forgotten.
    if (only && !this.moduleMapChanged) this.names.forget(only);
    else {
      this.names.clear();
      this.packages = undefined;
    }
    if (!only) {
      this.classesByName = new Map();
      this.classNamesByFile = new Map();
      this.classesByFile = new Map();
    } else {
      for (const f of only) {
        if (this.replaceChangedClasses(f)) continue;
        for (const n of this.classNamesByFile.get(f) ?? []) {
          const list = this.classesByName.get(n);
          if (!list) continue;
          const kept = list.filter((c) => c.file !== f);
          if (kept.length > 0) this.classesByName.set(n, kept);
          else this.classesByName.delete(n);
        }
        this.classNamesByFile.delete(f);
        this.classesByFile.delete(f);
      }
    }
    for (const f of only ? [...only].filter((x) => !this.classesByFile.has(x)).map((x) => this.files.get(x)).filter((x): x is FileFacts => !!x) : this.files.values()) {
      const names = new Set<string>();
      for (const cls of f.classes) {
        names.add(cls.name);
        // As in `buildModules`: most names have one class, and a list made empty kept room for 17.
        const list = this.classesByName.get(cls.name);
        if (!list) this.classesByName.set(cls.name, [{ file: f.file, cls }]);
        else insertSorted(list, { file: f.file, cls }, (x) => x.file);
      }
      this.classNamesByFile.set(f.file, [...names]);
      this.classesByFile.set(f.file, f.classes);
    }
  }

  /**
   * When `file` defines the classes of the same names in the same order as at the last build (an edit inside
   * one class of an open document: that class read again into a new object, the others kept), only the
   * entries of the classes that are new objects are replaced, in place: removing and inserting again every
   * entry of the file's ~180 classes cost ~0.5 ms a keystroke. The lists end as a rebuild leaves them (each
   * file's entries where its place in the file order puts them, in class order), with the kept classes'
   * entries the same objects. False when the shortcut does not apply; nothing was changed then.
   */
  private replaceChangedClasses(file: string): boolean {
    const before = this.classesByFile.get(file);
    const now = this.files.get(file)?.classes;
    if (!before || !now) return false;
    if (before === now) return true;
    if (before.length !== now.length) return false;
    for (let i = 0; i < now.length; i++) if (before[i].name !== now[i].name) return false;
    // Every entry to replace is found first, so that a missing one (which a rebuild would not miss) leaves the
    // lists untouched for the caller's rebuild.
    const places: Array<{ list: Array<{ file: string; cls: ClassFact }>; at: number; cls: ClassFact }> = [];
    for (let i = 0; i < now.length; i++) {
      if (before[i] === now[i]) continue;
      const list = this.classesByName.get(now[i].name);
      const at = list ? list.findIndex((c) => c.cls === before[i] && c.file === file) : -1;
      if (at < 0) return false;
      places.push({ list: list!, at, cls: now[i] });
    }
    for (const p of places) p.list[p.at] = { file, cls: p.cls };
    this.classesByFile.set(file, now);
    return true;
  }
}

/** Inserts keeping `list` sorted by `key` (stable: equal keys keep their order of arrival). */
function insertSorted<T>(list: T[], item: T, key: (x: T) => string): void {
  const k = key(item);
  let i = list.length;
  while (i > 0 && key(list[i - 1]) > k) i--;
  list.splice(i, 0, item);
}
