import { AnnotatedAliasFact, ClassFact, ColumnFact, Derivation, FileFacts, FunctionFact, MetadataRootFact } from '../types';
import { modelNamed } from '../classPlaces';
import { positionAt } from '../text';

/**
 * What a Python name means in one module, found the way Python finds it: a module-level assignment or
 * definition of the file first, then what its imports bind (following re-exports and aliases through other
 * files of the workspace), then its star imports. There is no fallback to a same-named class elsewhere in
 * the workspace: a name the file does not bind means nothing FK Guard can know.
 */
export type Binding =
  | { kind: 'class'; file: string; cls: ClassFact }
  /**
   * A metadata object or declarative base made by a call (`Base = declarative_base()`, `db = SQLAlchemy()`): `id` is
   * `file#name`, where `root` is bound (see `ClassMapper.metadataOf` for the object it stands for).
   */
  | { kind: 'metadata'; id: string; file: string; root: MetadataRootFact }
  | { kind: 'function'; file: string; name: string; fn: FunctionFact }
  /** A function that returns a column (`def pk(): return Column(Integer, primary_key=True)`). */
  | { kind: 'column-helper'; file: string; column: ColumnFact }
  /** An `Annotated` type alias (`str36 = Annotated[str, mapped_column(String(36))]`). */
  | { kind: 'annotated-alias'; file: string; alias: AnnotatedAliasFact }
  /** A module of the workspace (`import app.models as m`, `from app import models`). */
  | { kind: 'module'; module: string; from: string }
  /** A name from a module outside the workspace (`sqlalchemy.orm.DeclarativeBase`). */
  | { kind: 'external'; module: string; name: string }
  /**
   * Bound, but to something FK Guard cannot follow (`Base = make_base()`, a module that does not define it). `order`:
   * bound in a branch that may not run, so which of two bindings holds is not known (see `PythonNames.bindingAt`).
   */
  | { kind: 'unresolved'; why: string; order?: true };

/** What the resolver needs of the index: each file's facts, and the files a module path may be. */
export interface NameSource {
  facts(file: string): FileFacts | undefined;
  moduleFiles(module: string): string[];
  /** Whether some module of the workspace lies under this package path (a folder, with or without `__init__.py`). */
  hasPackage(module: string): boolean;
}

const MAX_DEPTH = 24;

/** The last module-level metadata root bound to `name`, if any. */
function lastRoot(roots: readonly MetadataRootFact[], name: string): MetadataRootFact | undefined {
  for (let i = roots.length - 1; i >= 0; i--) if (roots[i].name === name && roots[i].owner === undefined) return roots[i];
  return undefined;
}

/** One answer's key in `PythonNames.readFiles` and `readers` (file ids hold no NUL). */
function answerKey(file: string, dotted: string): string {
  return `${file}\u0000${dotted}`;
}

export class PythonNames {
  /**
   * Answers by file, then by dotted name: two lookups with the strings the facts hold, whose hashes V8 keeps,
   * where one key made by concatenation cost a new string to hash on each of the million calls of a
   * 10,000-file scan.
   */
  private readonly cache = new Map<string, Map<string, Binding | undefined>>();
  /** For each answer in `cache` (by `answerKey`): the files whose facts it read (see `forget`). */
  private readonly readFiles = new Map<string, Set<string>>();
  /** For each file: the answers that read its facts. */
  private readonly readers = new Map<string, Set<string>>();
  /** The files read by each answer being computed, innermost last. */
  private readonly reading: Array<Set<string>> = [];
  /**
   * Whether each answer notes the files it read, so that `forget` can drop only those. Off for an index that
   * is filled once and read once (the CLI): `forget` then forgets everything.
   */
  private tracking = true;

  constructor(private readonly source: NameSource) {}

  /** Stops noting what each answer read (see `tracking`); answers already given are forgotten. */
  stopTracking(): void {
    this.tracking = false;
    this.clear();
  }

  /** Forgets every answer (the module map changed, or the files changed are not known). */
  clear(): void {
    this.cache.clear();
    this.readFiles.clear();
    this.readers.clear();
  }

  /**
   * Forgets the answers that read the facts of any of `files`, when only those files' facts changed and the
   * module map did not (the caller says so). Clearing every answer on each keystroke made every file resolve
   * its names again.
   */
  forget(files: Iterable<string>): void {
    if (!this.tracking) {
      this.clear();
      return;
    }
    for (const f of files) {
      for (const key of this.readers.get(f) ?? []) {
        const cut = key.indexOf('\u0000');
        this.cache.get(key.slice(0, cut))?.delete(key.slice(cut + 1));
        this.readFiles.delete(key);
      }
      this.readers.delete(f);
    }
  }

  /** A file's facts, noted as read by every answer being computed. */
  private facts(file: string): FileFacts | undefined {
    for (const r of this.reading) r.add(file);
    return this.source.facts(file);
  }

  /** What `dotted` (`Base`, `models.Base`, `db.Model`, `pkg.base.IdModel`) means in `file`. */
  resolve(file: string, dotted: string, depth = 0): Binding | undefined {
    let answers = this.cache.get(file);
    if (answers?.has(dotted)) {
      // An answer built on this one read what this one read.
      if (this.tracking && this.reading.length > 0) {
        const read = this.readFiles.get(answerKey(file, dotted));
        if (read) for (const r of this.reading) for (const f of read) r.add(f);
      }
      return answers.get(dotted);
    }
    if (!answers) this.cache.set(file, (answers = new Map()));
    // A cycle (`a` re-exports from `b`, which re-exports from `a`) resolves to nothing.
    answers.set(dotted, { kind: 'unresolved', why: 'import cycle' });
    if (!this.tracking) {
      const found = depth > MAX_DEPTH ? { kind: 'unresolved' as const, why: 'too deep' } : this.compute(file, dotted, depth);
      answers.set(dotted, found);
      return found;
    }
    const read = new Set<string>([file]);
    for (const r of this.reading) r.add(file);
    this.reading.push(read);
    let found: Binding | undefined;
    try {
      found = depth > MAX_DEPTH ? { kind: 'unresolved' as const, why: 'too deep' } : this.compute(file, dotted, depth);
    } finally {
      this.reading.pop();
    }
    answers.set(dotted, found);
    const key = answerKey(file, dotted);
    this.readFiles.set(key, read);
    for (const f of read) {
      let keys = this.readers.get(f);
      if (!keys) this.readers.set(f, (keys = new Set()));
      keys.add(key);
    }
    return found;
  }

  /** The workspace file a module path names, as seen from `from`; undefined when none or no single one. */
  moduleFile(module: string, from: string): string | undefined {
    const files = this.source.moduleFiles(module);
    if (files.length <= 1) return files[0];
    // Several files end with this module path (`app/models.py` and `examples/app/models.py` both are
    // `app.models`): the one whose whole path is the module, else the one nearest the importing file.
    const exact = files.filter((f) => this.facts(f)?.module === module);
    if (exact.length === 1) return exact[0];
    const dir = from.split('/').slice(0, -1);
    const shared = (f: string) => {
      const d = f.split('/').slice(0, -1);
      let i = 0;
      while (i < d.length && i < dir.length && d[i] === dir[i]) i++;
      return i;
    };
    const best = Math.max(...files.map(shared));
    const nearest = files.filter((f) => shared(f) === best);
    return best > 0 && nearest.length === 1 ? nearest[0] : undefined;
  }

  private compute(file: string, dotted: string, depth: number): Binding | undefined {
    const parts = dotted.split('.');
    let b = this.bindingOf(file, parts[0], depth);
    for (const p of parts.slice(1)) {
      if (!b) return undefined;
      b = this.member(b, p, depth);
    }
    return b;
  }

  private member(b: Binding, name: string, depth: number): Binding | undefined {
    switch (b.kind) {
      case 'module':
        return this.inModule(b.module, name, b.from, depth + 1);
      case 'external':
        return { kind: 'external', module: `${b.module}.${b.name}`, name };
      case 'metadata':
        // `Base.metadata`, `db.Model`, `db.metadata`: the same collection of tables.
        return name === 'metadata' || name === 'Model' ? b : { kind: 'unresolved', why: `\`${name}\` of a metadata object` };
      case 'class':
        return name === 'metadata' ? b : { kind: 'unresolved', why: `attribute \`${name}\` of class \`${b.cls.name}\`` };
      default:
        return { kind: 'unresolved', why: `attribute \`${name}\`` };
    }
  }

  /**
   * What `dotted` means at the offset `at` of `file`, in that module's own code run top down: where the module binds
   * its first name more than once (see `FileFacts.rebinds`), the binding made last before `at`; otherwise what
   * `resolve` says (the module's last binding, which `ClassMapper.rootAt` reads in order for a metadata root).
   */
  resolveAt(file: string, dotted: string, at: number | undefined, depth = 0): Binding | undefined {
    if (at === undefined || depth > MAX_DEPTH) return this.resolve(file, dotted, depth);
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    if (!this.rebound(file, head)) return this.resolve(file, dotted, depth);
    let b = this.bindingAt(file, head, at, depth);
    if (dot < 0) return b;
    for (const p of dotted.slice(dot + 1).split('.')) {
      if (!b) return undefined;
      b = this.member(b, p, depth);
    }
    return b;
  }

  /** Whether `file` binds `name` by an assignment kept in `FileFacts.rebinds`, so that where it is used matters. */
  rebound(file: string, name: string): boolean {
    return this.facts(file)?.rebinds?.some((r) => r.name === name) ?? false;
  }

  /**
   * What `name` means at offset `at` of `file` (`Infinity`: once the module has run, as another module imports it),
   * for a name the module rebinds: its class statements, metadata roots and assignments in order, the last made
   * before `at` winning; before any of them, what the module's imports bind. A binding in a branch (`if`, `except`)
   * that may not have run, after another, leaves the name not known (`order`: the answer depends on which ran).
   */
  private bindingAt(file: string, name: string, at: number, depth: number): Binding | undefined {
    const facts = this.facts(file);
    if (!facts) return undefined;
    type Event = { start: number; line: number; binding: () => Binding | undefined; conditional?: true };
    const events: Event[] = [];
    const line = (offset: number) => positionAt(facts.lineStarts, offset).line + 1;
    // A class statement binds its name once its body has run.
    for (const cls of facts.classes) if (cls.name === name) events.push({ start: cls.span.end, line: line(cls.nameSpan.start), binding: () => ({ kind: 'class', file, cls }) });
    for (const root of facts.metadataRoots) {
      if (root.name !== name || root.owner !== undefined) continue;
      events.push({ start: root.span.start, line: line(root.span.start), binding: () => ({ kind: 'metadata', id: `${file}#${name}`, file, root }), conditional: root.conditional });
    }
    for (const r of facts.rebinds ?? []) {
      if (r.name !== name) continue;
      const binding = (): Binding | undefined => {
        if (r.to === '') return { kind: 'unresolved', why: `\`${name}\` is assigned a value FK Guard cannot follow (${file}:${line(r.span.start)})` };
        // The value is what its names meant where the assignment is made (`OldBarn = Barn` before `Barn = Silo`).
        return this.resolveAt(file, r.to, r.span.start, depth + 1) ?? { kind: 'unresolved', why: `\`${r.to}\` is not bound` };
      };
      events.push({ start: r.span.start, line: line(r.span.start), binding, conditional: r.conditional });
    }
    events.sort((a, b) => a.start - b.start);
    let i = events.length - 1;
    while (i >= 0 && events[i].start >= at) i--;
    if (i < 0) return this.importedBinding(facts, file, name, depth);
    const e = events[i];
    const before = i > 0 ? events[i - 1] : undefined;
    if (e.conditional && (before || this.importedBinding(facts, file, name, depth))) {
      const was = before ? `the one bound before (${file}:${before.line})` : 'the one its imports bind';
      return { kind: 'unresolved', why: `\`${name}\` is bound again in a branch (${file}:${e.line}) that may not run, so FK Guard cannot tell whether it is that object or ${was}`, order: true };
    }
    return e.binding();
  }

  /** What a name means at module level in `file`. */
  private bindingOf(file: string, name: string, depth: number): Binding | undefined {
    // Imports that go round (`a` takes `x` from `b`, which takes it from `a`) end here, not in a stack overflow.
    if (depth > MAX_DEPTH) return { kind: 'unresolved', why: 'import cycle' };
    const facts = this.facts(file);
    if (!facts) return undefined;
    // A name the module binds again by assignment (`Base = OtherBase`, `Barn = Silo`) is its last binding, in order.
    if (facts.rebinds?.some((r) => r.name === name)) return this.bindingAt(file, name, Infinity, depth);
    // A name bound in a class body (`class Archive: metadata = MetaData()`) is not the module's. Bound more than once
    // (`Base = declarative_base()` ... `Base = declarative_base(metadata=...)`), the module's name is its last binding
    // once the module has run, as another module imports it (`ClassMapper.rootAt` reads a use inside the module).
    const root = lastRoot(facts.metadataRoots, name);
    const cls = modelNamed(facts.classes, name);
    // `class Base: ...` then `Base = declarative_base(cls=Base)`: the name is the module's last binding of it.
    if (cls && !(root && root.span.start > cls.nameSpan.start)) return { kind: 'class', file, cls };
    if (root) return { kind: 'metadata', id: `${file}#${name}`, file, root };
    const fn = facts.functions?.[name];
    if (fn) return { kind: 'function', file, name, fn };
    const helper = facts.columnHelpers?.[name];
    if (helper) return { kind: 'column-helper', file, column: helper };
    const annotated = facts.annotatedAliases?.[name];
    if (annotated) return { kind: 'annotated-alias', file, alias: annotated };
    const alias = facts.aliases?.[name];
    if (alias !== undefined) {
      if (alias === '' || alias === name) return { kind: 'unresolved', why: `\`${name}\` is assigned a value FK Guard cannot follow` };
      return this.resolve(file, alias, depth + 1) ?? { kind: 'unresolved', why: `\`${alias}\` is not bound` };
    }
    if (facts.tables.some((t) => t.variable === name) || facts.constants[name] !== undefined) {
      return { kind: 'unresolved', why: `\`${name}\` is not a class` };
    }
    return this.importedBinding(facts, file, name, depth);
  }

  /** What a name means in `file` by its imports alone (the last import of it, else its star imports). */
  private importedBinding(facts: FileFacts, file: string, name: string, depth: number): Binding | undefined {
    // The last import of a name wins, as in Python.
    const imp = [...facts.imports].reverse().find((i) => i.local === name);
    if (imp) {
      if (imp.name !== undefined) {
        // `from . import beds` in a package's own `__init__.py`: the name is bound by this very import, so Python
        // imports the submodule `garden.beds`; looking `beds` up in the module again would find the import again.
        if (this.moduleFile(imp.module, file) === file) return this.submodule(imp.module, imp.name, file);
        return this.inModule(imp.module, imp.name, file, depth + 1);
      }
      // `import a.b.c` binds `a`; `import a.b.c as x` binds `x` to `a.b.c`.
      const module = imp.module.startsWith(`${imp.local}.`) ? imp.local : imp.module;
      return this.moduleBinding(module, file);
    }
    // Each star import binds every name its module has, over what an earlier one bound: the last that has the name wins.
    const stars = facts.starImports ?? [];
    for (let i = stars.length - 1; i >= 0; i--) {
      const m = stars[i];
      const target = this.moduleFile(m, file);
      if (!target) continue;
      const b = this.bindingOf(target, name, depth + 1);
      if (b) return b;
    }
    return undefined;
  }

  private moduleBinding(module: string, from: string): Binding {
    return this.isWorkspaceModule(module) ? { kind: 'module', module, from } : { kind: 'external', module: module.split('.').slice(0, -1).join('.'), name: module.split('.').pop()! };
  }

  private isWorkspaceModule(module: string): boolean {
    // A namespace package (a folder without `__init__.py`) holds modules but is no file of its own.
    return this.source.moduleFiles(module).length > 0 || this.source.hasPackage(module);
  }

  /** The submodule `module.name` of the workspace, as `from module import name` binds it. */
  private submodule(module: string, name: string, from: string): Binding {
    const sub = `${module}.${name}`;
    return this.isWorkspaceModule(sub) ? { kind: 'module', module: sub, from } : { kind: 'unresolved', why: `\`${module}\` does not define \`${name}\`` };
  }

  /** `from module import name`: what the module binds, or its submodule `module.name`. */
  private inModule(module: string, name: string, from: string, depth: number): Binding | undefined {
    const target = this.moduleFile(module, from);
    if (target) {
      const b = this.bindingOf(target, name, depth);
      if (b) return b;
    }
    const sub = this.submodule(module, name, from);
    if (target || sub.kind === 'module') return sub;
    if (this.source.moduleFiles(module).length > 1) return { kind: 'unresolved', why: `\`${module}\` is several files of the workspace` };
    if (this.source.hasPackage(module)) return { kind: 'unresolved', why: `\`${module}\` does not define \`${name}\`` };
    return { kind: 'external', module, name };
  }

  /**
   * The table name a derivation computes for a class, as Python would; undefined when some part cannot be
   * evaluated exactly (a helper FK Guard cannot see, a pattern JavaScript reads differently).
   */
  evaluate(file: string, d: Derivation, className: string, args: string[] = [], depth = 0, item?: string): string | undefined {
    const v = this.value(file, d, className, args, depth, item);
    return typeof v === 'string' ? v : undefined;
  }

  /** A derivation's value: a string, or a list of strings (`re.split`, a comprehension). */
  private value(file: string, d: Derivation, className: string, args: string[], depth: number, item?: string): string | string[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const str = (x: Derivation) => this.evaluate(file, x, className, args, depth, item);
    switch (d.k) {
      case 'name':
        return className;
      case 'param':
        return args[d.i];
      case 'item':
        return item;
      case 'lit':
        return d.v;
      case 'lower': {
        const v = str(d.of);
        return v === undefined ? undefined : v.toLowerCase();
      }
      case 'upper': {
        const v = str(d.of);
        return v === undefined ? undefined : v.toUpperCase();
      }
      case 'concat': {
        let out = '';
        for (const p of d.parts) {
          const v = str(p);
          if (v === undefined) return undefined;
          out += v;
        }
        return out;
      }
      case 'sub': {
        const v = str(d.of);
        const re = v === undefined ? undefined : pythonRegex(d.pattern);
        const repl = pythonReplacement(d.repl);
        return v === undefined || !re || repl === undefined ? undefined : v.replace(re, repl);
      }
      case 'split': {
        // Python and JavaScript disagree only about empty parts (`re.split("(?=[A-Z])", "AB")` is
        // `['', 'A', 'B']` in Python): a split is only evaluated under a comprehension that drops them.
        return undefined;
      }
      case 'each': {
        let list: string[] | undefined;
        if (d.of.k === 'split' && d.nonEmpty) {
          const v = this.evaluate(file, d.of.of, className, args, depth, item);
          const re = v === undefined ? undefined : pythonRegex(d.of.pattern);
          list = v === undefined || !re ? undefined : v.split(re).filter((x) => x !== undefined && x !== '');
        } else {
          const v = this.value(file, d.of, className, args, depth, item);
          list = Array.isArray(v) ? v : undefined;
        }
        if (!list) return undefined;
        const out: string[] = [];
        for (const x of list) {
          if (d.nonEmpty && x === '') continue;
          const v = this.evaluate(file, d.body, className, args, depth, x);
          if (v === undefined) return undefined;
          out.push(v);
        }
        return out;
      }
      case 'join': {
        const v = this.value(file, d.of, className, args, depth, item);
        return Array.isArray(v) ? v.join(d.sep) : undefined;
      }
      case 'call': {
        const values: string[] = [];
        for (const a of d.args) {
          const v = str(a);
          if (v === undefined) return undefined;
          values.push(v);
        }
        const b = this.resolve(file, d.fn);
        if (b?.kind !== 'function' || b.fn.params < values.length) return undefined;
        return this.value(b.file, b.fn.body, className, values, depth + 1);
      }
    }
  }
}

/**
 * A Python `re` pattern as a JavaScript RegExp, for the constructs both read alike (classes, groups,
 * lookarounds, quantifiers); undefined for anything that differs or that JavaScript rejects.
 */
export function pythonRegex(pattern: string): RegExp | undefined {
  // Python-only syntax (named groups `(?P<`, `\A`, `\Z`, inline flags, possessive forms) is not translated.
  if (/\(\?P|\\[AZ]|\(\?[aiLmsux]|\\[0-9]{3}/.test(pattern)) return undefined;
  try {
    return new RegExp(pattern, 'g');
  } catch {
    return undefined;
  }
}

/** A Python replacement string (`r"\1_\2"`, `"_"`) as a JavaScript one; undefined for named groups. */
export function pythonReplacement(repl: string): string | undefined {
  if (/\\g</.test(repl)) return undefined;
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c === '$') out += '$$';
    else if (c === '\\' && /[1-9]/.test(repl[i + 1] ?? '')) {
      out += `$${repl[i + 1]}`;
      i++;
    } else if (c === '\\' && repl[i + 1] === '\\') {
      out += '\\';
      i++;
    } else if (c === '\\') return undefined;
    else out += c;
  }
  return out;
}
