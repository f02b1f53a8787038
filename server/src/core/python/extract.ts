import type { Node, Tree } from 'web-tree-sitter';
import { emptyFacts } from '../facts';
import { annotationType, knownType } from '../typeFamilies';
import { extractSql } from '../sql/extract';
import { pythonSyntaxError } from './unreadable';
import { setsAlembicLocations } from './prefilter';
import {
  AnnotationFact,
  ClassFact,
  ColumnFact,
  ConstraintFact,
  CoreTableFact,
  Derivation,
  FileFacts,
  FunctionFact,
  ImportFact,
  MigrationOp,
  NameExpr,
  ParseError,
  ReferenceFact,
  ReferenceSource,
  Span,
  TypeFact,
} from '../types';

/**
 * Reads the facts of one Python file from its syntax tree: imports, constants, declarative classes, Core
 * tables, Alembic operations, and every foreign-key reference with its exact span. It never throws on broken
 * code: what tree-sitter could not parse is reported in `errors`, and what it could parse still yields facts.
 */
export function extractPython(file: string, text: string, tree: Tree): FileFacts {
  const x = new Extractor(file, text);
  x.module(tree.rootNode);
  if (setsAlembicLocations(text)) x.facts.setsAlembicLocations = true;
  return x.facts;
}

/**
 * Facts after one edit, computed from the previous facts when the edit stays inside one top-level model
 * class: that class is read again, every other fact only moves by the edit's length. This keeps typing in a
 * 2,000-line model file from re-reading the whole file on each keystroke. Returns undefined whenever the
 * shortcut is not certain to give what `extractPython` gives (the caller then reads the whole file); a test
 * checks the two agree on many edits.
 */
export function extractPythonAfterEdit(
  previous: FileFacts,
  text: string,
  tree: Tree,
  oldTree: Tree,
  edit: { start: number; oldEnd: number; newEnd: number },
): FileFacts | undefined {
  const root = tree.rootNode;
  // The statement that holds the edit, as a child of the module.
  let top: Node | null = root.descendantForIndex(edit.start, edit.newEnd);
  while (top && top.parent && top.parent.id !== root.id) top = top.parent;
  if (!top || !top.parent || top.startIndex > edit.start || top.endIndex < edit.newEnd) return undefined;
  const cls = top.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
  if (cls?.type !== 'class_definition') return undefined;
  // Everything outside that statement must be structurally what it was.
  for (const r of tree.getChangedRanges(oldTree)) {
    if (r.startIndex < top.startIndex || r.endIndex > top.endIndex) return undefined;
  }
  const delta = edit.newEnd - edit.oldEnd;
  const oldStart = top.startIndex;
  const oldEnd = top.endIndex - delta;
  const inside = (sp: Span) => sp.start >= oldStart && sp.end <= oldEnd;
  const classIndex = previous.classes.findIndex((c) => inside(c.span));
  if (classIndex < 0 || previous.classes.filter((c) => inside(c.span)).length !== 1) return undefined;
  // A TypeDecorator or a declarative base defines more than a class: read the whole file instead.
  if (previous.metadataRoots.some((m) => inside(m.span))) return undefined;
  if (previous.tables.some((t) => inside(t.span) || (t.span.start < oldStart && t.span.end > oldEnd))) return undefined;
  const refIndexes = previous.references.map((r, i) => (inside(r.span) ? i : -1)).filter((i) => i >= 0);
  const firstRef = refIndexes.length > 0 ? refIndexes[0] : previous.references.findIndex((r) => r.span.start >= oldEnd);
  if (refIndexes.some((i, k) => i !== refIndexes[0] + k)) return undefined;

  // The class is read first, with the previous facts' imports and types (only their names matter here),
  // so that a shortcut given up leaves `previous` untouched.
  const x = new Extractor(previous.file, text);
  x.facts.imports = previous.imports;
  x.facts.constants = previous.constants;
  x.facts.typeDecorators = { ...previous.typeDecorators };
  x.facts.columnPartials = previous.columnPartials;
  // Which classes of the module are SQLModel classes is decided in source order, as a full read does.
  for (const c of previous.classes.slice(0, classIndex)) x.noteSqlModelClass(c);
  const wasSqlModel = x.isSqlModelClass(previous.classes[classIndex]);
  x.statement(top);
  if (x.facts.classes.length !== 1 || Object.keys(x.facts.typeDecorators).length !== Object.keys(previous.typeDecorators).length) return undefined;
  // Later classes of the module read the edited one as a SQLModel class or not: that must not change.
  if (x.facts.classes[0].name !== previous.classes[classIndex].name || x.isSqlModelClass(x.facts.classes[0]) !== wasSqlModel) return undefined;
  if (x.facts.metadataRoots.length > 0 || x.facts.tables.length > 0 || x.facts.migration) return undefined;
  // The previous facts are done with once this returns: moving their spans in place (rather than copying)
  // also keeps the index's references to them pointing at the right text.
  shiftSpansInPlace(previous, edit.oldEnd, delta);
  const shifted = previous;
  const classes = [...shifted.classes];
  classes.splice(classIndex, 1, x.facts.classes[0]);
  const references = [...shifted.references];
  references.splice(firstRef < 0 ? references.length : firstRef, refIndexes.length, ...x.facts.references);
  const errors: ParseError[] = [];
  x.collectErrorsInto(root, errors);
  // The edit may have written or removed a location assignment inside the class: read that again too.
  const { setsAlembicLocations: _previousLocations, ...rest } = shifted;
  return {
    ...rest,
    classes,
    references,
    errors,
    lineStarts: x.facts.lineStarts,
    ...(setsAlembicLocations(text) ? { setsAlembicLocations: true as const } : {}),
  };
}

/**
 * Moves every span at or after `from` by `delta`, in place. In facts, the only objects with a numeric
 * `start` are spans. One kind of object is held twice: a `ForeignKeyConstraint`'s references are also in
 * the file's `references`, so they are moved from there only (the kept-document property test catches a
 * span moved twice).
 */
export function shiftSpansInPlace(value: object, from: number, delta: number, seen = new Set<object>()): void {
  // Objects can be shared too (the imports of one statement hold one `statementSpan`): move each once.
  if (seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') shiftSpansInPlace(v, from, delta, seen);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    if (o.start >= from) o.start += delta;
    if (o.end >= from) o.end += delta;
    return;
  }
  for (const k in o) {
    const v = o[k];
    if (k === 'lineStarts' || (k === 'references' && 'localColumns' in o)) continue;
    if (v !== null && typeof v === 'object') shiftSpansInPlace(v, from, delta, seen);
  }
}

/** Applies `move` to every span in `value` (facts of SQL read out of a Python string), once each. */
function moveSpans(value: unknown, move: (span: Span) => void, seen: Set<object>): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) moveSpans(v, move, seen);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    move(o as unknown as Span);
    return;
  }
  for (const v of Object.values(o)) moveSpans(v, move, seen);
}

/** Calls that may appear as positional arguments of `Column(...)` but are not its type. */
const NOT_A_TYPE = new Set([
  'ForeignKey',
  'Sequence',
  'Identity',
  'Computed',
  'CheckConstraint',
  'FetchedValue',
  'DefaultClause',
  'text',
  'Index',
]);

const COLUMN_CALLS = new Set(['Column', 'mapped_column']);

/** Calls assigned to class attributes that never make a column. */
const NOT_A_COLUMN = new Set([
  'relationship',
  'Relationship',
  'backref',
  'dynamic_loader',
  'synonym',
  'association_proxy',
  'hybrid_property',
  'composite',
  'query_property',
  'query_expression',
  'property',
  'staticmethod',
  'classmethod',
  'Field',
  'Index',
  'UniqueConstraint',
  'CheckConstraint',
]);

/** The last segment of a dotted expression (`sa.orm.Column` → `Column`) and what stands before it. */
function splitDotted(text: string): { name: string; qualifier?: string } {
  const i = text.lastIndexOf('.');
  return i < 0 ? { name: text } : { name: text.slice(i + 1), qualifier: text.slice(0, i) };
}

interface CallInfo {
  name: string;
  qualifier?: string;
  positional: Node[];
  keywords: Map<string, Node>;
}

/** Alembic operations' parameters in order, for binding positional and keyword arguments alike. */
const OP_SIGNATURES: Record<string, readonly string[]> = {
  add_column: ['table_name', 'column'],
  drop_column: ['table_name', 'column_name'],
  drop_table: ['table_name'],
  rename_table: ['old_table_name', 'new_table_name'],
  alter_column: ['table_name', 'column_name'],
  create_foreign_key: ['constraint_name', 'source_table', 'referent_table', 'local_cols', 'remote_cols'],
  create_unique_constraint: ['constraint_name', 'table_name', 'columns'],
  create_primary_key: ['constraint_name', 'table_name', 'columns'],
  create_index: ['index_name', 'table_name', 'columns'],
};

/** The same inside `batch_alter_table`, where the table is the batch's. */
const BATCH_SIGNATURES: Record<string, readonly string[]> = {
  add_column: ['column'],
  drop_column: ['column_name'],
  alter_column: ['column_name'],
  create_foreign_key: ['constraint_name', 'referent_table', 'local_cols', 'remote_cols'],
  create_unique_constraint: ['constraint_name', 'columns'],
  create_primary_key: ['constraint_name', 'columns'],
  create_index: ['index_name', 'columns'],
};

/** A call's arguments by parameter name: positional ones by their place in `params`, keywords as written. */
function bindArguments(call: CallInfo, params: readonly string[] | undefined): Map<string, Node> {
  const out = new Map<string, Node>();
  if (params) call.positional.forEach((n, i) => i < params.length && out.set(params[i], n));
  for (const [k, v] of call.keywords) out.set(k, v);
  return out;
}

class Extractor {
  readonly facts: FileFacts;
  /**
   * Set while reading a block that runs only when the main definition is missing (`except ImportError:`,
   * `if "t" not in metadata.tables:`): tables built there are fallbacks, not second definitions.
   */
  private fallback = false;
  /** `upgrade()`, read once the whole module is: the helpers and constants it uses may be defined after it. */
  private upgradeDef: Node | undefined;
  /** Module-level functions by name, which `upgrade()` may call to run operations (see `migrationBlock`). */
  private readonly moduleFunctions = new Map<string, Node>();
  /** Module-level lists and tuples by name, for `for table in TABLES:` around operations. */
  private readonly moduleSequences = new Map<string, Node>();
  /**
   * Names bound while reading `upgrade()`: a loop variable to the element of this iteration, a helper's
   * parameter to the string its call passes. Looked up before module constants, as Python's scopes do.
   */
  private bindings = new Map<string, string | undefined>();
  /** The helpers being followed, so a recursive helper is not followed forever. */
  private readonly following: string[] = [];
  /** References of `use_alter=True` foreign keys, added by `ALTER TABLE` once the revision's tables exist. */
  private readonly deferred: ReferenceFact[] = [];
  /** Classes of this module known to be SQLModel classes, so their subclasses here are too. */
  private readonly sqlModelClasses = new Set<string>();

  /** Whether a class is a SQLModel class by its own bases and the module's classes noted so far. */
  isSqlModelClass(c: ClassFact): boolean {
    return c.sqlmodelTable || c.bases.some((b) => /(^|\.)SQLModel$/.test(b) || this.sqlModelClasses.has(b));
  }

  /** Records a class read earlier (by a full read) as the SQLModel class it is, or not. */
  noteSqlModelClass(c: ClassFact): void {
    if (c.sqlmodelTable || c.bases.some((b) => /(^|\.)SQLModel$/.test(b) || this.sqlModelClasses.has(b))) this.sqlModelClasses.add(c.name);
  }

  constructor(
    file: string,
    private readonly text: string,
  ) {
    this.facts = emptyFacts(file, text, 'python');
  }

  // ---- module level ----

  module(root: Node): void {
    this.collectErrors(root);
    this.block(root.namedChildren);
    const body = this.upgradeDef?.childForFieldName('body');
    if (body) {
      this.migrationBlock(body, new Map());
      // Alembic leaves a `use_alter=True` foreign key out of CREATE TABLE and adds it after every table of
      // the revision is made (SQLAlchemy's own rule for `use_alter`): checked against the revision's end.
      const last = (this.facts.migration?.ops.length ?? 0) - 1;
      for (const r of this.deferred) if (last >= 0) r.migrationOp = Math.max(r.migrationOp ?? 0, last);
    }
  }

  private block(statements: (Node | null)[]): void {
    for (const s of statements) if (s) this.statement(s);
  }

  statement(s: Node): void {
    switch (s.type) {
      case 'import_statement':
      case 'import_from_statement':
        this.importStatement(s);
        break;
      case 'expression_statement':
        for (const c of s.namedChildren) if (c) this.moduleExpression(c);
        break;
      case 'class_definition':
        this.classDefinition(s);
        break;
      case 'decorated_definition': {
        const def = s.childForFieldName('definition');
        if (def?.type === 'class_definition') this.classDefinition(def, this.decorators(s));
        else if (def?.type === 'function_definition') this.functionDefinition(def);
        break;
      }
      case 'if_statement': {
        // `if "contacts" not in metadata.tables:` builds a table only when no other code did.
        const condition = s.childForFieldName('condition');
        const guard = condition !== null && /\bnot\s+in\s+[\w.]*\btables\b/.test(condition.text);
        for (const c of s.namedChildren) {
          if (!c || c.type === 'comment' || c.id === condition?.id) continue;
          this.withFallback(guard && c.type === 'block', () => this.statement(c));
        }
        break;
      }
      case 'except_clause': {
        // `try: from .generated import contacts` / `except ImportError: contacts = Table(...)`.
        const caught = s.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
        const guard = caught !== undefined && caught !== null && /\b(ImportError|ModuleNotFoundError)\b/.test(caught.text);
        for (const c of s.namedChildren) if (c && c.type !== 'comment') this.withFallback(guard, () => this.statement(c));
        break;
      }
      case 'function_definition':
        this.functionDefinition(s);
        break;
      case 'try_statement':
      case 'with_statement':
      case 'else_clause':
      case 'elif_clause':
      case 'finally_clause':
      case 'block':
        // Imports and definitions under `if TYPE_CHECKING:` or `try: ... except ImportError:` still count.
        for (const c of s.namedChildren) if (c && c.type !== 'comment') this.statement(c);
        break;
      default:
        break;
    }
  }

  private withFallback(on: boolean, f: () => void): void {
    const was = this.fallback;
    this.fallback = was || on;
    try {
      f();
    } finally {
      this.fallback = was;
    }
  }

  /** Records a module-level name bound by an assignment that no other fact records. */
  private alias(name: string, right: Node): void {
    this.facts.aliases ??= {};
    this.facts.aliases[name] = right.type === 'identifier' || right.type === 'attribute' ? right.text.replace(/\s+/g, '') : '';
  }

  private moduleExpression(e: Node): void {
    if (e.type === 'assignment') {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      if (!left || !right) return;
      if (left.type === 'identifier') {
        const name = left.text;
        const lit = this.literal(right);
        if (lit !== undefined) {
          this.facts.constants[name] = lit.value;
          if (name === 'revision') this.migration().revision = lit.value;
          if (name === 'down_revision') this.migration().downRevision = [lit.value];
          return;
        }
        if (name === 'down_revision' && (right.type === 'tuple' || right.type === 'list')) {
          this.migration().downRevision = right.namedChildren
            .map((c) => (c ? this.literal(c)?.value : undefined))
            .filter((v): v is string => v !== undefined);
          return;
        }
        if (right.type === 'tuple' || right.type === 'list') this.moduleSequences.set(name, right);
        if (right.type === 'call') {
          const call = this.call(right);
          if (call.name === 'partial' && call.positional[0] && COLUMN_CALLS.has(splitDotted(call.positional[0].text).name)) {
            // `NotNull = functools.partial(Column, nullable=False)`: calls of `NotNull` build columns.
            (this.facts.columnPartials ??= []).push(name);
            return;
          }
          if (call.name === 'Table') {
            this.coreTable(right, call, name, 'core');
            return;
          }
          if (['declarative_base', 'MetaData', 'SQLAlchemy', 'generate_base', 'registry'].includes(call.name)) {
            this.facts.metadataRoots.push({ name, span: this.span(left) });
            return;
          }
          // `PGUUID = postgresql.UUID(as_uuid=True)`: an alias that carries a type.
          const t = this.typeOf(right);
          if (t && t.family !== 'other') this.facts.typeDecorators[name] = { family: t.family, sqlType: t.sqlType };
          this.alias(name, right);
          return;
        }
        if (right.type === 'identifier' || right.type === 'attribute') {
          const t = this.typeOf(right);
          if (t && t.family !== 'other') this.facts.typeDecorators[name] = { family: t.family, sqlType: t.sqlType };
        }
        this.alias(name, right);
      }
    } else if (e.type === 'call') {
      const call = this.call(e);
      if (call.name === 'Table') this.coreTable(e, call, undefined, 'core');
    }
  }

  private migration(): NonNullable<FileFacts['migration']> {
    this.facts.migration ??= { ops: [] };
    return this.facts.migration;
  }

  // ---- imports ----

  private importStatement(s: Node): void {
    const statementSpan = this.span(s);
    const parenthesized = s.type === 'import_from_statement' && s.children.some((c) => c?.type === '(');
    if (s.type === 'import_statement') {
      for (const c of s.namedChildren) {
        if (!c) continue;
        if (c.type === 'dotted_name') {
          const module = c.text;
          this.facts.imports.push({ local: module.split('.')[0], module, span: this.span(c), statementSpan });
        } else if (c.type === 'aliased_import') {
          const name = c.childForFieldName('name');
          const alias = c.childForFieldName('alias');
          if (name && alias) this.facts.imports.push({ local: alias.text, module: name.text, span: this.span(c), statementSpan });
        }
      }
      return;
    }
    const moduleNode = s.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = this.resolveRelative(moduleNode.text);
    for (const c of s.namedChildren) {
      if (!c || c.id === moduleNode.id) continue;
      if (c.type === 'wildcard_import') (this.facts.starImports ??= []).push(module);
      if (c.type === 'dotted_name') {
        this.facts.imports.push({ local: c.text, module, name: c.text, span: this.span(c), statementSpan, parenthesized });
      } else if (c.type === 'aliased_import') {
        const name = c.childForFieldName('name');
        const alias = c.childForFieldName('alias');
        if (name && alias) {
          this.facts.imports.push({ local: alias.text, module, name: name.text, span: this.span(c), statementSpan, parenthesized });
        }
      }
    }
  }

  private resolveRelative(module: string): string {
    const m = /^(\.+)(.*)$/.exec(module);
    if (!m) return module;
    const parts = this.facts.module.split('.');
    // A module's package is its path without the last part; each extra dot goes one package up.
    const isInit = /(^|\/)__init__\.pyi?$/.test(this.facts.file);
    const up = m[1].length - (isInit ? 1 : 0);
    const base = parts.slice(0, Math.max(0, parts.length - up));
    return [...base, ...(m[2] ? [m[2]] : [])].join('.');
  }

  /** Where a local name comes from: `{module, name}` for `from m import name [as local]`. */
  private importOf(local: string): ImportFact | undefined {
    return this.facts.imports.find((i) => i.local === local);
  }

  // ---- classes ----

  private decorators(s: Node): string[] {
    return s.namedChildren
      .filter((c): c is Node => !!c && c.type === 'decorator')
      .map((d) => d.text.replace(/^@/, '').trim());
  }

  private classDefinition(c: Node, decorators: string[] = []): void {
    const nameNode = c.childForFieldName('name');
    if (!nameNode) return;
    const bases: string[] = [];
    let sqlmodelTable = false;
    const supers = c.childForFieldName('superclasses');
    for (const a of supers?.namedChildren ?? []) {
      if (!a) continue;
      if (a.type === 'keyword_argument') {
        const k = a.childForFieldName('name')?.text;
        const v = a.childForFieldName('value')?.text;
        if (k === 'table' && v === 'True') sqlmodelTable = true;
      } else if (a.type === 'identifier' || a.type === 'attribute') {
        bases.push(a.text);
      } else if (a.type === 'subscript' || a.type === 'generic_type') {
        // `Generic[T]`, `Base[Model]`: keep the unsubscripted name.
        const v = a.childForFieldName('value') ?? a.namedChildren[0];
        if (v) bases.push(v.text);
      }
    }
    const cls: ClassFact = {
      name: nameNode.text,
      bases,
      sqlmodelTable,
      declaredTablename: false,
      abstract: false,
      columns: [],
      constraints: [],
      keys: [],
      span: this.span(c),
      nameSpan: this.span(nameNode),
    };
    // `@as_declarative()` and `@registry.as_declarative_base()` make the class a declarative base too.
    const declarativeDecorator = decorators.some((d) => /(^|\.)as_declarative(_base)?\s*(\(|$)/.test(d));
    if (declarativeDecorator || bases.some((b) => /(^|\.)(DeclarativeBase|DeclarativeBaseNoMeta)$/.test(b))) {
      this.facts.metadataRoots.push({ name: cls.name, span: cls.nameSpan });
    }
    const body = c.childForFieldName('body');
    const isTypeDecorator = bases.some((b) => /(^|\.)(TypeDecorator|UserDefinedType)$/.test(b));
    const isSqlModel = sqlmodelTable || bases.some((b) => /(^|\.)SQLModel$/.test(b) || this.sqlModelClasses.has(b));
    if (isSqlModel) this.sqlModelClasses.add(cls.name);
    const classConstants: Record<string, string> = {};
    for (const s of body?.namedChildren ?? []) {
      if (!s) continue;
      if (s.type === 'expression_statement') {
        const e = s.namedChildren[0];
        if (e?.type === 'assignment') this.classAssignment(cls, e, isSqlModel, classConstants, isTypeDecorator);
      } else if (s.type === 'decorated_definition') {
        this.classDecoratedMember(cls, s);
      }
    }
    if (!isSqlModel && !isTypeDecorator && bases.length > 0) {
      // A class built on a project base (`class BookLinks(Base)` with `class Base(SQLModel)` elsewhere) may be
      // a SQLModel class: its annotated fields are read as SQLModel would, and kept apart until the index
      // knows whether the class descends from SQLModel (its `Field(foreign_key=...)` references count now).
      const shadow: ClassFact = { ...cls, columns: [], constraints: [], keys: [], opaque: undefined };
      for (const s of body?.namedChildren ?? []) {
        const e = s?.type === 'expression_statement' ? s.namedChildren[0] : undefined;
        if (e?.type !== 'assignment' || !e.childForFieldName('type')) continue;
        const right = e.childForFieldName('right');
        if (right && right.type === 'call' && this.call(right).name !== 'Field') continue;
        const annotation = e.childForFieldName('type');
        if (annotation && /(^|\.)(Mapped|ClassVar)\b/.test(annotation.text)) continue;
        this.classAssignment(shadow, e, true, {}, false);
      }
      if (shadow.columns.length > 0) cls.maybeFields = shadow.columns;
    }
    if (isTypeDecorator) {
      // The classic GUID recipe: `impl = CHAR`, but `load_dialect_impl` answers PostgreSQL with a real UUID.
      // One search from the first mention, not a `[\s\S]*` regex, which retried from every mention (quadratic).
      const at = c.text.indexOf('load_dialect_impl');
      const dialectUuid = at >= 0 && /UUID\s*\(/.test(c.text.slice(at));
      const impl = this.facts.typeDecorators[`${cls.name}.impl`];
      delete this.facts.typeDecorators[`${cls.name}.impl`];
      if (dialectUuid) this.facts.typeDecorators[cls.name] = { family: 'uuid', sqlType: 'uuid' };
      else if (impl) this.facts.typeDecorators[cls.name] = impl;
      return;
    }
    this.facts.classes.push(cls);
  }

  private classAssignment(
    cls: ClassFact,
    e: Node,
    isSqlModel: boolean,
    classConstants: Record<string, string>,
    isTypeDecorator: boolean,
  ): void {
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    const type = e.childForFieldName('type');
    if (!left || left.type !== 'identifier') return;
    const name = left.text;
    if (isTypeDecorator) {
      if (name === 'impl' && right) {
        const t = this.typeOf(right);
        if (t) this.facts.typeDecorators[`${cls.name}.impl`] = { family: t.family, sqlType: t.sqlType };
      }
      return;
    }
    if (name === '__tablename__' && right) {
      cls.tablename = this.nameExpr(right, classConstants);
      cls.tablenameSpan = this.span(right);
      return;
    }
    if (name === '__abstract__') {
      cls.abstract = right?.text === 'True';
      return;
    }
    if (name === '__table_args__' && right) {
      this.tableArgs(cls, right);
      return;
    }
    if (right) {
      const lit = this.literal(right);
      if (lit !== undefined) {
        classConstants[name] = lit.value;
        return;
      }
    }
    const annotation = type ? this.mappedAnnotation(type, isSqlModel) : undefined;
    if (right?.type === 'call') {
      const call = this.call(right);
      if (this.isColumnCall(call.name)) {
        this.columnCall(right, call, name, annotation?.fact, { className: cls.name }, 'model', cls.columns);
        return;
      }
      if (call.name === 'Field' && isSqlModel) {
        this.sqlModelField(right, call, name, annotation?.fact, cls);
        return;
      }
      if (NOT_A_COLUMN.has(call.name) || name.startsWith('__')) return;
      // `deferred(Column(...))`, `column_property(mapped_column(...))`: the wrapped column is a column.
      if ((call.name === 'deferred' || call.name === 'column_property') && call.positional[0]?.type === 'call') {
        const inner = this.call(call.positional[0]);
        if (this.isColumnCall(inner.name)) this.columnCall(call.positional[0], inner, name, annotation?.fact, { className: cls.name }, 'model', cls.columns);
        return;
      }
      if (call.name === 'column_property' || call.name === 'deferred') return;
      // `id = pk()`: a call FK Guard does not know may build a column; the index follows a helper of the
      // workspace, and otherwise counts the table's columns as incomplete.
      const callee = this.calleeText(right);
      if (callee) (cls.opaque ??= []).push({ attr: name, callee, span: this.span(left) });
      return;
    }
    // `name: Mapped[str]` with no value declares a column (SQLAlchemy 2.0); so does `name: str` in SQLModel,
    // and `name: str | None = None` there is a column with a default.
    if (annotation?.isColumn && (!right || (isSqlModel && right.type !== 'call'))) {
      cls.columns.push({
        name,
        annotation: annotation.fact,
        type: annotation.type,
        primaryKey: false,
        unique: false,
        nullable: annotation.fact.optional ? true : undefined,
        span: this.span(left),
      });
    }
  }

  /** `@declared_attr def __tablename__(cls)` and `@declared_attr def tenant_id(cls): return Column(...)`. */
  private classDecoratedMember(cls: ClassFact, s: Node): void {
    const decorators = this.decorators(s);
    if (!decorators.some((d) => /(^|\.)declared_attr(\.directive|\.cascading)?$/.test(d))) return;
    const def = s.childForFieldName('definition');
    const nameNode = def?.childForFieldName('name');
    if (!def || !nameNode) return;
    if (nameNode.text === '__tablename__') {
      cls.declaredTablename = true;
      const fn = this.functionFact(def);
      if (fn && fn.params >= 1) cls.tablenameDerivation = substitute(fn.body, [{ k: 'name' }]);
      return;
    }
    if (nameNode.text === '__table_args__') {
      this.declaredTableArgs(cls, s);
      return;
    }
    const ret = def.descendantsOfType('return_statement')[0];
    const value = ret?.namedChildren[0];
    if (value?.type !== 'call') return;
    const call = this.call(value);
    if (!COLUMN_CALLS.has(call.name)) return;
    const rt = def.childForFieldName('return_type');
    const annotation = rt ? this.mappedAnnotation(rt, false) : undefined;
    this.columnCall(value, call, nameNode.text, annotation?.fact, { className: cls.name }, 'model', cls.columns);
  }

  /**
   * `@declared_attr def __table_args__(cls)`: its value is computed, so the table's schema is unknown unless
   * a literal says it: a `{"schema": "x"}` in this body or in a method of the class whose name holds
   * `table_args` (`__auto_table_args`), or a `schema="x"` argument of a call there.
   */
  private declaredTableArgs(cls: ClassFact, decorated: Node): void {
    const body = decorated.parent;
    const places: Node[] = [decorated];
    for (const m of body?.namedChildren ?? []) {
      const def = m?.type === 'decorated_definition' ? m.childForFieldName('definition') : m;
      if (m && m !== decorated && def?.type === 'function_definition' && /table_args/.test(def.childForFieldName('name')?.text ?? '')) places.push(m);
    }
    for (const place of places) {
      for (const d of place.descendantsOfType('dictionary')) {
        const schema = d ? this.dictString(d, 'schema') : undefined;
        if (schema !== undefined) {
          cls.schema = schema;
          return;
        }
      }
      for (const k of place.descendantsOfType('keyword_argument')) {
        const v = k?.childForFieldName('value');
        const lit = v ? this.literal(v) : undefined;
        if (k?.childForFieldName('name')?.text === 'schema' && lit) {
          cls.schema = lit.value;
          return;
        }
      }
    }
    cls.schemaUnknown = true;
  }

  private tableArgs(cls: ClassFact, right: Node): void {
    if (right.type === 'identifier' || right.type === 'attribute' || right.type === 'call') {
      // `__table_args__ = COMMON_ARGS` or `= table_args(schema="x")`: computed, so the schema is known only if written.
      const schema = right.type === 'call' ? this.call(right).keywords.get('schema') : undefined;
      const lit = schema ? this.literal(schema) : undefined;
      if (lit) cls.schema = lit.value;
      else if (right.type !== 'call' || !['UniqueConstraint', 'PrimaryKeyConstraint', 'ForeignKeyConstraint', 'Index', 'CheckConstraint'].includes(this.call(right).name)) {
        cls.schemaUnknown = true;
        return;
      }
    }
    const items = right.type === 'tuple' || right.type === 'list' || right.type === 'parenthesized_expression' ? right.namedChildren : [right];
    for (const item of items) {
      if (!item) continue;
      if (item.type === 'dictionary') {
        const schema = this.dictString(item, 'schema');
        if (schema !== undefined) cls.schema = schema;
        else if (this.dictHasKey(item, 'schema') || item.namedChildren.some((c) => c?.type === 'dictionary_splat')) cls.schemaUnknown = true;
      } else if (item.type === 'list_splat' || item.type === 'identifier') {
        cls.schemaUnknown = true;
      } else if (item.type === 'call') {
        const call = this.call(item);
        if (call.name === 'ForeignKeyConstraint') {
          const c = this.foreignKeyConstraint(call, { className: cls.name }, 'model');
          if (c) cls.constraints.push(c);
        } else if (call.name === 'UniqueConstraint' || call.name === 'PrimaryKeyConstraint') {
          this.markKeys(cls, call, call.name === 'PrimaryKeyConstraint');
        }
      }
    }
  }

  /**
   * `UniqueConstraint("slug")` and `PrimaryKeyConstraint("a", "b")`: a single column becomes a valid FK
   * target; a composite key is kept as a column list, which a composite foreign key may target.
   */
  private markKeys(owner: { columns: ColumnFact[]; keys: string[][] }, call: CallInfo, primary: boolean): void {
    const names = call.positional.map((p) => this.literal(p)?.value).filter((v): v is string => v !== undefined);
    if (names.length === 0) return;
    if (primary) {
      for (const n of names) {
        const col = owner.columns.find((c) => c.name === n || c.attr === n);
        if (col) col.primaryKey = true;
      }
    }
    if (names.length === 1 && !primary) {
      const col = owner.columns.find((c) => c.name === names[0] || c.attr === names[0]);
      if (col) {
        col.unique = true;
        return;
      }
    }
    owner.keys.push(names);
  }

  private dictHasKey(d: Node, key: string): boolean {
    return d.namedChildren.some((pair) => pair?.type === 'pair' && this.literal(pair.childForFieldName('key')!)?.value === key);
  }

  private dictString(d: Node, key: string): string | undefined {
    for (const pair of d.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const k = pair.childForFieldName('key');
      const v = pair.childForFieldName('value');
      if (k && v && this.literal(k)?.value === key) return this.literal(v)?.value;
    }
    return undefined;
  }

  // ---- columns ----

  /**
   * `Column("name", Type, ForeignKey(...), primary_key=True)` and `mapped_column(...)`. Pushes the column
   * and any foreign-key references; returns the column.
   */
  private columnCall(
    node: Node,
    call: CallInfo,
    attr: string | undefined,
    annotation: AnnotationFact | undefined,
    source: ReferenceSource,
    context: ReferenceFact['context'],
    into: ColumnFact[],
  ): ColumnFact | undefined {
    let name = attr;
    let nameSpan: Span | undefined;
    let type: TypeFact | undefined;
    const fkCalls: Node[] = [];
    for (const [i, p] of call.positional.entries()) {
      const lit = i === 0 ? this.literal(p) : undefined;
      if (lit !== undefined) {
        name = lit.value;
        nameSpan = this.span(p);
        continue;
      }
      if (p.type === 'call') {
        const inner = this.call(p);
        if (inner.name === 'ForeignKey') {
          fkCalls.push(p);
          continue;
        }
        if (NOT_A_TYPE.has(inner.name)) continue;
      }
      if (!type && (p.type === 'call' || p.type === 'identifier' || p.type === 'attribute')) type = this.typeOf(p);
    }
    const kwName = call.keywords.get('name');
    if (kwName) {
      const lit = this.literal(kwName);
      if (lit) {
        name = lit.value;
        nameSpan = this.span(kwName);
      }
    }
    const typeKw = call.keywords.get('type_');
    if (typeKw && !type) type = this.typeOf(typeKw);
    // A column with a foreign key and no type of its own takes the referenced column's type (SQLAlchemy copies
    // it when the table is created, whatever `Mapped[...]` says): it can never mismatch, so it has no type here.
    if (!type && annotation && fkCalls.length === 0) {
      const at = this.annotationTypeFact(annotation);
      if (at) type = at;
    }
    if (!name) return undefined;
    const column: ColumnFact = {
      name,
      attr: attr && attr !== name ? attr : undefined,
      type,
      annotation,
      primaryKey: call.keywords.get('primary_key')?.text === 'True',
      unique: call.keywords.get('unique')?.text === 'True',
      nullable: this.bool(call.keywords.get('nullable')),
      span: nameSpan ?? this.span(node),
      hasForeignKey: fkCalls.length > 0 || undefined,
    };
    if (attr && !nameSpan) column.span = this.attrSpan(node) ?? column.span;
    into.push(column);
    for (const fk of fkCalls) {
      const ref = this.foreignKeyCall(this.call(fk), { ...source, column: name }, context);
      if (ref) this.facts.references.push(ref);
    }
    return column;
  }

  /** The span of the attribute name a column is assigned to (`tenant_id = Column(...)`). */
  private attrSpan(valueNode: Node): Span | undefined {
    const assignment = valueNode.parent;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    return left ? this.span(left) : undefined;
  }

  private bool(n: Node | undefined): boolean | undefined {
    if (!n) return undefined;
    if (n.text === 'True') return true;
    if (n.text === 'False') return false;
    return undefined;
  }

  /** SQLModel: `user_id: uuid.UUID | None = Field(default=None, foreign_key="users.id")`. */
  private sqlModelField(node: Node, call: CallInfo, attr: string, annotation: AnnotationFact | undefined, cls: ClassFact): void {
    const saColumn = call.keywords.get('sa_column');
    if (saColumn?.type === 'call') {
      const inner = this.call(saColumn);
      if (COLUMN_CALLS.has(inner.name)) {
        this.columnCall(saColumn, inner, attr, annotation, { className: cls.name }, 'model', cls.columns);
        return;
      }
    }
    let type: TypeFact | undefined;
    const saType = call.keywords.get('sa_type');
    if (saType) type = this.typeOf(saType);
    if (!type && annotation) {
      const fromAnnotation = this.annotationTypeFact(annotation);
      type = fromAnnotation ? { ...fromAnnotation, source: 'field' } : undefined;
      const maxLength = call.keywords.get('max_length');
      if (type && type.family === 'string' && maxLength && /^\d+$/.test(maxLength.text)) {
        type = { ...type, sqlType: `varchar(${maxLength.text})` };
      }
    }
    const fk = call.keywords.get('foreign_key');
    const column: ColumnFact = {
      name: attr,
      type,
      annotation,
      primaryKey: call.keywords.get('primary_key')?.text === 'True',
      unique: call.keywords.get('unique')?.text === 'True',
      nullable: this.bool(call.keywords.get('nullable')),
      span: this.attrSpan(node) ?? this.span(node),
      hasForeignKey: fk ? true : undefined,
    };
    cls.columns.push(column);
    if (fk) {
      const ref = this.referenceFromExpression(fk, { className: cls.name, column: attr }, 'model');
      if (ref) this.facts.references.push(ref);
    }
  }

  /**
   * `Mapped[X]`, `Mapped[Optional[X]]`, `Mapped[X | None]`, or (SQLModel) a bare annotation. Returns the X
   * with its span, and whether the annotation declares a column at all (`Mapped[List[...]]` and SQLModel
   * relationship lists do not).
   */
  private mappedAnnotation(type: Node, isSqlModel: boolean): { fact: AnnotationFact; type?: TypeFact; isColumn: boolean } | undefined {
    let node: Node | null = type.type === 'type' ? type.namedChildren[0] : type;
    if (!node) return undefined;
    const generic = (n: Node): { name: string; arg: Node | null } | undefined => {
      if (n.type === 'generic_type') {
        const name = n.namedChildren[0];
        const params = n.namedChildren.find((c) => c?.type === 'type_parameter');
        const arg = params?.namedChildren[0] ?? null;
        return name ? { name: name.text, arg: arg?.type === 'type' ? arg.namedChildren[0] : arg } : undefined;
      }
      if (n.type === 'subscript') {
        const v = n.childForFieldName('value');
        const s = n.childForFieldName('subscript');
        return v ? { name: v.text, arg: s } : undefined;
      }
      return undefined;
    };
    let g = generic(node);
    if (g && /(^|\.)Mapped$/.test(g.name)) {
      node = g.arg;
    } else if (!isSqlModel) {
      return undefined;
    }
    if (!node) return undefined;
    let optional = false;
    // Unwrap Optional[X] and X | None.
    for (;;) {
      g = generic(node);
      if (g && /(^|\.)Optional$/.test(g.name) && g.arg) {
        optional = true;
        node = g.arg;
        continue;
      }
      if (node.type === 'binary_operator' || node.type === 'union_type') {
        const l = node.childForFieldName('left') ?? node.namedChildren[0];
        const r = node.childForFieldName('right') ?? node.namedChildren[1];
        const unwrap = (n: Node | null) => (n?.type === 'type' ? n.namedChildren[0] : n);
        const lu = unwrap(l);
        const ru = unwrap(r);
        if (ru && lu && ru.text === 'None') {
          optional = true;
          node = lu;
          continue;
        }
        if (lu && ru && lu.text === 'None') {
          optional = true;
          node = ru;
          continue;
        }
      }
      if (node.type === 'type' && node.namedChildren[0]) {
        node = node.namedChildren[0];
        continue;
      }
      break;
    }
    g = generic(node);
    const isColumn = !(g && /(^|\.)(List|list|Set|set|Dict|dict|Sequence)$/.test(g.name)) && !/^["']/.test(node.text);
    const fact: AnnotationFact = { text: node.text, span: this.span(node), optional };
    return { fact, type: isColumn ? this.annotationTypeFact(fact) : undefined, isColumn };
  }

  private annotationTypeFact(a: AnnotationFact): TypeFact | undefined {
    let text = a.text;
    const imp = this.importOf(text);
    if (imp?.name && imp.module === 'uuid' && imp.name === 'UUID') text = 'uuid.UUID';
    if (imp?.name && imp.module === 'decimal') text = 'Decimal';
    const t = annotationType(text);
    if (!t) return undefined;
    return { text: a.text, name: a.text, family: t.family, sqlType: t.sqlType, source: 'annotation' };
  }

  /** A type expression: `Integer`, `sa.String(255)`, `UUID(as_uuid=True)`, `PGUUID`, `GUID()`. */
  private typeOf(n: Node): TypeFact | undefined {
    let fn = n;
    let args: string[] = [];
    const kwargs: Record<string, string> = {};
    let approximate = false;
    if (n.type === 'call') {
      const f = n.childForFieldName('function');
      if (!f) return undefined;
      fn = f;
      const call = this.call(n);
      args = call.positional.map((p) => p.text);
      for (const [k, v] of call.keywords) kwargs[k] = v.text;
      // `String(length=sizes.UUID_LEN)`: an argument FK Guard cannot read leaves the width unknown. A type
      // passed as an argument (`ARRAY(Integer)`) is read by name and is not a width.
      const literal = (v: Node) => ['integer', 'float', 'string', 'true', 'false', 'none', 'unary_operator'].includes(v.type);
      const sizeLike = (k: string) => ['length', 'precision', 'scale', 'timezone'].includes(k);
      approximate = call.positional.some((p) => p.type !== 'identifier' && p.type !== 'attribute' && !literal(p) && p.type !== 'call') ||
        call.positional.some((p) => (p.type === 'identifier' || p.type === 'attribute') && /^[a-z_][a-z0-9_]*(\.[A-Z_][A-Z0-9_]*)?$|^[A-Z_][A-Z0-9_]*$|\.[A-Z_][A-Z0-9_]*$/.test(p.text)) ||
        [...call.keywords].some(([k, v]) => sizeLike(k) && !literal(v));
    }
    if (fn.type !== 'identifier' && fn.type !== 'attribute') return undefined;
    const { name, qualifier } = splitDotted(fn.text);
    if (NOT_A_TYPE.has(name) || COLUMN_CALLS.has(name)) return undefined;
    // An imported alias (`UUID as PGUUID`) means the original name.
    let canonical = name;
    if (!qualifier) {
      const imp = this.importOf(name);
      if (imp?.name) canonical = imp.name;
    }
    const known = knownType(canonical, args, kwargs);
    const local = !qualifier ? this.facts.typeDecorators[name] : undefined;
    const resolved = local ?? known;
    return {
      text: n.text,
      name,
      qualifier,
      family: resolved ? resolved.family : 'other',
      sqlType: resolved ? resolved.sqlType : '',
      span: this.span(n),
      source: 'explicit',
      ...(approximate ? { approximate: true as const } : {}),
    };
  }

  // ---- references ----

  /** `ForeignKey("users.id")`, `ForeignKey(column="users.id")`, `ForeignKey(User.id)`, `ForeignKey(t.c.id)`. */
  private foreignKeyCall(call: CallInfo, source: ReferenceSource, context: ReferenceFact['context']): ReferenceFact | undefined {
    const target = call.positional[0] ?? call.keywords.get('column');
    if (!target) return undefined;
    return this.referenceFromExpression(target, source, context);
  }

  private referenceFromExpression(target: Node, source: ReferenceSource, context: ReferenceFact['context']): ReferenceFact | undefined {
    const span = this.span(target);
    if (target.type === 'string' || target.type === 'concatenated_string' || target.type === 'identifier') {
      const expr = this.nameExpr(target, {});
      const lit = target.type === 'string' ? this.literal(target) : undefined;
      return { form: 'string', target: expr, span, contentSpan: lit?.contentSpan, source, context };
    }
    if (target.type === 'attribute') {
      // `users_table.c.id`, `User.__table__.c.id`, `User.id`.
      const parts = target.text.replace(/\s+/g, '').split('.');
      const attr = parts[parts.length - 1];
      if (parts.length === 3 && parts[1] === 'c') return { form: 'table-c', owner: parts[0], attr, span, source, context };
      if (parts.length === 4 && parts[1] === '__table__' && parts[2] === 'c') {
        return { form: 'attribute', owner: parts[0], attr, span, source, context };
      }
      if (parts.length === 2) return { form: 'attribute', owner: parts[0], attr, span, source, context };
      // `models.User.id`: a class reached through a module, resolved by the index's name lookup.
      if (parts.length > 2 && !parts.includes('c') && !parts.includes('__table__')) {
        return { form: 'attribute', owner: parts.slice(0, -1).join('.'), attr, span, source, context };
      }
      return { form: 'string', target: { kind: 'dynamic', text: target.text }, span, source, context };
    }
    if (target.type === 'subscript') {
      // `users_table.c["id"]`
      const v = target.childForFieldName('value');
      const s = target.childForFieldName('subscript');
      const parts = v?.text.split('.') ?? [];
      const key = s ? this.literal(s)?.value : undefined;
      if (parts.length === 2 && parts[1] === 'c' && key) return { form: 'table-c', owner: parts[0], attr: key, span, source, context };
    }
    return { form: 'string', target: { kind: 'dynamic', text: target.text }, span, source, context };
  }

  private foreignKeyConstraint(call: CallInfo, source: ReferenceSource, context: ReferenceFact['context']): ConstraintFact | undefined {
    const localNode = call.positional[0] ?? call.keywords.get('columns');
    const remoteNode = call.positional[1] ?? call.keywords.get('refcolumns');
    if (!localNode || !remoteNode) return undefined;
    const list = (n: Node) => (n.type === 'list' || n.type === 'tuple' ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [n]);
    const locals = list(localNode).map((n) => this.literal(n)?.value ?? (n.type === 'attribute' ? n.text.split('.').pop()! : n.text));
    const remotes = list(remoteNode);
    const refs: ReferenceFact[] = [];
    const remoteNames = remotes.map((r) => {
      const v = this.literal(r)?.value ?? r.text;
      return v.split('.').pop()!;
    });
    remotes.forEach((r, i) => {
      const ref = this.referenceFromExpression(r, { ...source, column: locals[i] }, context);
      if (ref) {
        if (remotes.length > 1) ref.composite = remoteNames;
        refs.push(ref);
        this.facts.references.push(ref);
      }
    });
    return { localColumns: locals, references: refs };
  }

  // ---- Core tables and Alembic ----

  /** `Table("name", metadata, Column(...), ForeignKeyConstraint(...), schema="x")` and `op.create_table(...)`. */
  private coreTable(node: Node, call: CallInfo, variable: string | undefined, origin: CoreTableFact['origin']): CoreTableFact | undefined {
    const nameNode = call.positional[0] ?? call.keywords.get('name') ?? call.keywords.get('table_name');
    if (!nameNode) return undefined;
    // Inside `upgrade()`, a loop variable or a helper's parameter may name the table.
    const bound: Record<string, string> = {};
    for (const [k, v] of this.bindings) if (v !== undefined) bound[k] = v;
    const name = this.nameExpr(nameNode, bound);
    const schemaNode = call.keywords.get('schema');
    const schema = schemaNode ? this.literal(schemaNode)?.value : undefined;
    const table: CoreTableFact = {
      name,
      schema,
      variable,
      columns: [],
      keys: [],
      span: this.span(node),
      nameSpan: this.span(nameNode),
      origin,
    };
    if (this.fallback && origin === 'core') table.fallback = true;
    const source: ReferenceSource = { table: name, schema };
    const context = origin === 'core' ? 'core' : 'migration';
    const rest = call.positional.slice(1);
    if (origin === 'core' && rest[0] && rest[0].type !== 'call') table.metadata = rest[0].text;
    const constraints: CallInfo[] = [];
    for (const p of rest) {
      if (p.type !== 'call') continue;
      const inner = this.call(p);
      if (this.isColumnCall(inner.name)) this.columnCall(p, inner, undefined, undefined, source, context, table.columns);
      else constraints.push(inner);
    }
    for (const inner of constraints) {
      if (inner.name === 'ForeignKeyConstraint') this.foreignKeyConstraint(inner, source, context);
      else if (inner.name === 'PrimaryKeyConstraint' || inner.name === 'UniqueConstraint') {
        this.markKeys(table, inner, inner.name === 'PrimaryKeyConstraint');
      }
    }
    this.facts.tables.push(table);
    return table;
  }

  private functionDefinition(def: Node): void {
    const name = def.childForFieldName('name')?.text;
    if (name) this.moduleFunctions.set(name, def);
    if (name && name !== 'upgrade' && name !== 'downgrade') {
      const fn = this.functionFact(def);
      if (fn) (this.facts.functions ??= {})[name] = fn;
      const helper = fn ? undefined : this.columnHelper(def);
      if (helper) (this.facts.columnHelpers ??= {})[name] = helper;
      return;
    }
    if (name === 'upgrade') this.upgradeDef = def;
  }

  /** Alembic operations inside `upgrade()`, including `with op.batch_alter_table("t") as batch_op:`. */
  private migrationBlock(block: Node, batches: Map<string, string>): void {
    for (const s of block.namedChildren) {
      if (!s) continue;
      if (s.type === 'with_statement') {
        const inner = new Map(batches);
        for (const item of s.descendantsOfType('with_item')) {
          if (!item) continue;
          const value = item.childForFieldName('value');
          const call = value?.type === 'as_pattern' ? value.namedChildren[0] : value;
          const alias = value?.type === 'as_pattern' ? value.descendantsOfType('identifier').pop() : undefined;
          if (call?.type === 'call' && alias) {
            const c = this.call(call);
            const t = c.positional[0] ? this.opName(c.positional[0]) : undefined;
            if (c.name === 'batch_alter_table' && t) inner.set(alias.text, t);
          }
        }
        const body = s.childForFieldName('body');
        if (body) this.migrationBlock(body, inner);
        continue;
      }
      if (s.type === 'for_statement') {
        this.forLoop(s, batches);
        continue;
      }
      if (s.type === 'if_statement' || s.type === 'block') {
        for (const c of s.namedChildren) if (c && (c.type === 'block' || c.type === 'else_clause')) this.migrationBlock(c, batches);
        continue;
      }
      if (s.type !== 'expression_statement') continue;
      const e = s.namedChildren[0];
      if (e?.type === 'call' && this.followedHelper(e, batches)) continue;
      if (e?.type === 'call' && this.moduleUpgrade(e)) continue;
      if (e?.type === 'call') this.migrationCall(e, batches);
      else if (e?.type === 'assignment') {
        const r = e.childForFieldName('right');
        if (r?.type === 'call') this.migrationCall(r, batches);
      }
    }
  }

  /**
   * `for table in TABLES:` (or a literal list, or `for table, column in ((..), ..):`) around operations: the
   * body once per element, with the loop's names bound to the element's strings. When the iterable or an
   * element is not a literal FK Guard can read, the body is read once with the loop's names bound to
   * nothing, so an operation naming its table by them is known only to change some table (see `migrationOp`).
   */
  private forLoop(s: Node, batches: Map<string, string>): void {
    const left = s.childForFieldName('left');
    const right = s.childForFieldName('right');
    const body = s.childForFieldName('body');
    if (!left || !right || !body) return;
    const items = (n: Node) => n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const targets = left.type === 'identifier' ? [left] : left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern' ? items(left) : [];
    const iterable = right.type === 'identifier' ? this.moduleSequences.get(right.text) : right;
    let rows: Array<Array<string | undefined>> | undefined = [];
    if (targets.length === 0 || targets.some((t) => t.type !== 'identifier') || (iterable?.type !== 'list' && iterable?.type !== 'tuple')) rows = undefined;
    for (const element of iterable && rows ? items(iterable) : []) {
      const parts = targets.length === 1 ? [element] : element.type === 'tuple' || element.type === 'list' ? items(element) : [];
      const values = parts.map((p) => this.opName(p));
      if (values.length !== targets.length || values.some((v) => v === undefined)) rows = undefined;
      else rows?.push(values);
    }
    // Unreadable: one pass with every name the loop binds unknown (shadowing constants of the same name).
    const names = left.type === 'identifier' ? [left] : left.descendantsOfType('identifier').filter((n): n is Node => !!n);
    const outer = this.bindings;
    try {
      for (const row of rows ?? [names.map(() => undefined)]) {
        this.bindings = new Map(outer);
        (rows ? targets : names).forEach((t, i) => this.bindings.set(t.text, row[i]));
        this.migrationBlock(body, batches);
      }
    } finally {
      this.bindings = outer;
    }
    for (const c of s.namedChildren) if (c?.type === 'else_clause') this.migrationBlock(c, batches);
  }

  /**
   * `create_shelves()` or `create_named("cases")` in `upgrade()`, calling a function of this module: its
   * operations run there, in call order, with its parameters bound to the call's string arguments (and
   * literal defaults). Followed a few calls deep, never into itself.
   */
  private followedHelper(node: Node, batches: Map<string, string>): boolean {
    const f = node.childForFieldName('function');
    const def = f?.type === 'identifier' ? this.moduleFunctions.get(f.text) : undefined;
    const params = def?.childForFieldName('parameters');
    const body = def?.childForFieldName('body');
    if (!f || !def || !params || !body || f.text === 'upgrade' || f.text === 'downgrade') return false;
    if (this.following.includes(f.text) || this.following.length >= 4) return true;
    const call = this.call(node);
    const bound = new Map<string, string | undefined>();
    const names: string[] = [];
    for (const p of params.namedChildren) {
      if (!p || p.type === 'comment') continue;
      const id = p.type === 'identifier' ? p : p.type === 'typed_parameter' ? p.namedChildren[0] : p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('name') : null;
      if (id?.type !== 'identifier') continue;
      names.push(id.text);
      const given = call.positional[names.length - 1] ?? call.keywords.get(id.text);
      const fallback = p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('value') : null;
      bound.set(id.text, given ? this.opName(given) : fallback ? this.opName(fallback) : undefined);
    }
    // The helper's parameters shadow the caller's names; the caller's loop variables are not its own.
    const outer = this.bindings;
    this.bindings = bound;
    this.following.push(f.text);
    try {
      this.migrationBlock(body, batches);
    } finally {
      this.following.pop();
      this.bindings = outer;
    }
    return true;
  }

  /**
   * `ml2_init_ops.upgrade()` in `upgrade()`, where `ml2_init_ops` is an imported module: that module's
   * operations run here, which the history replays at this place (see `withModules` in history.ts).
   */
  private moduleUpgrade(node: Node): boolean {
    const f = node.childForFieldName('function');
    if (f?.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'upgrade') return false;
    const object = f.childForFieldName('object');
    const imp = object?.type === 'identifier' ? this.facts.imports.find((i) => i.local === object.text) : undefined;
    if (!imp || imp.module.startsWith('.')) return false;
    this.migration().ops.push({ op: 'run_module', module: imp.name ? `${imp.module}.${imp.name}` : imp.module });
    return true;
  }

  /** A string an operation is given: a literal, a name bound while reading `upgrade()`, or a module constant. */
  private opName(n: Node): string | undefined {
    const lit = this.literal(n)?.value;
    if (lit !== undefined) return lit;
    if (n.type !== 'identifier') return undefined;
    return this.bindings.get(n.text) ?? (this.bindings.has(n.text) ? undefined : this.facts.constants[n.text]);
  }

  private migrationCall(node: Node, batches: Map<string, string>): void {
    const call = this.call(node);
    const batchTable = call.qualifier ? batches.get(call.qualifier) : undefined;
    if (call.qualifier !== 'op' && batchTable === undefined) return;
    const ops = this.migration().ops;
    const firstRef = this.facts.references.length;
    const position = ops.length;
    try {
      this.migrationOp(node, call, batchTable, ops);
    } finally {
      if (this.facts.references.length > firstRef && ops.length === position) ops.push({ op: 'foreign_key' });
      // References of SQL run by `op.execute` already have their own statement's place.
      for (const r of this.facts.references.slice(firstRef)) r.migrationOp ??= position;
      if (call.name === 'create_table') this.deferUseAlter(node, this.facts.references.slice(firstRef));
    }
  }

  /** The references among `refs` written in a `ForeignKey(..., use_alter=True)` or such a `ForeignKeyConstraint`. */
  private deferUseAlter(node: Node, refs: ReferenceFact[]): void {
    if (refs.length === 0) return;
    for (const c of node.descendantsOfType('call')) {
      if (!c) continue;
      const call = this.call(c);
      if ((call.name !== 'ForeignKey' && call.name !== 'ForeignKeyConstraint') || call.keywords.get('use_alter')?.text !== 'True') continue;
      for (const r of refs) if (r.span.start >= c.startIndex && r.span.end <= c.endIndex) this.deferred.push(r);
    }
  }

  /**
   * `op.execute("ALTER TABLE a RENAME TO b")`, `op.execute(sa.text("CREATE TABLE ..."))`: a literal that
   * defines or changes tables goes to the SQL reader, and its statements become this revision's operations,
   * as in a SQL migration. Spans map back into the literal (to the whole literal when escapes make the
   * text differ from its spelling). SQL the reader cannot parse changes nothing it knows of.
   */
  private executedSql(call: CallInfo, ops: MigrationOp[]): void {
    let arg: Node | undefined = call.positional[0] ?? call.keywords.get('sqltext');
    if (arg?.type === 'call') {
      const inner = this.call(arg);
      arg = inner.name === 'text' ? (inner.positional[0] ?? inner.keywords.get('text')) : undefined;
    }
    if (arg?.type !== 'string' && arg?.type !== 'concatenated_string') return;
    const lit = this.literal(arg);
    if (!lit || !/\b(?:create|alter|drop)\s+(?:(?:temporary|temp|unlogged)\s+)?table\b/i.test(lit.value)) return;
    const read = extractSql(this.facts.file, lit.value, true);
    const spelled = arg.type === 'string' && this.text.slice(lit.contentSpan.start, lit.contentSpan.end) === lit.value;
    const whole = this.span(arg);
    const move = (sp: Span) => {
      if (spelled) {
        sp.start += lit.contentSpan.start;
        sp.end += lit.contentSpan.start;
      } else {
        sp.start = whole.start;
        sp.end = whole.end;
      }
    };
    moveSpans([read.tables, read.references, read.migration?.ops], move, new Set());
    const tableBase = this.facts.tables.length;
    const opBase = ops.length;
    this.facts.tables.push(...read.tables);
    for (const r of read.references) {
      r.migrationOp = opBase + (r.migrationOp ?? 0);
      this.facts.references.push(r);
    }
    for (const op of read.migration?.ops ?? []) ops.push(op.op === 'create_table' ? { ...op, tableIndex: op.tableIndex + tableBase } : op);
  }

  private migrationOp(node: Node, call: CallInfo, batchTable: string | undefined, ops: MigrationOp[]): void {
    const batch = batchTable !== undefined;
    // Alembic's signatures: every argument may be given by position or by keyword. Inside
    // `with op.batch_alter_table(t) as batch_op:` the table argument is left out.
    const args = bindArguments(call, batch ? BATCH_SIGNATURES[call.name] : OP_SIGNATURES[call.name]);
    // A name is a string literal, a name bound in `upgrade()` (a loop's, a helper's), or a module constant.
    const name = (n: Node | undefined) => (n ? this.opName(n) : undefined);
    const names = (n: Node | undefined) => {
      if (!n) return undefined;
      const items = n.type === 'list' || n.type === 'tuple' ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [n];
      const out = items.map((c) => name(c));
      return out.every((x): x is string => x !== undefined) ? out : undefined;
    };
    const schema = name(args.get('schema'));
    const table = batchTable ?? name(args.get('table_name'));
    switch (call.name) {
      case 'create_table': {
        const t = this.coreTable(node, call, undefined, 'migration');
        if (t) ops.push({ op: 'create_table', tableIndex: this.facts.tables.length - 1 });
        break;
      }
      case 'add_column': {
        const colNode = args.get('column');
        if (!table || colNode?.type !== 'call') break;
        const inner = this.call(colNode);
        if (!COLUMN_CALLS.has(inner.name)) break;
        const cols: ColumnFact[] = [];
        const col = this.columnCall(colNode, inner, undefined, undefined, { table: { kind: 'literal', value: table }, schema }, 'migration', cols);
        if (col) ops.push({ op: 'add_column', table, schema, column: col });
        break;
      }
      case 'drop_column': {
        const column = name(args.get('column_name'));
        if (table && column) ops.push({ op: 'drop_column', table, schema, column });
        break;
      }
      case 'drop_table': {
        if (table) ops.push({ op: 'drop_table', table, schema });
        break;
      }
      case 'rename_table': {
        const from = name(args.get('old_table_name'));
        const to = name(args.get('new_table_name'));
        if (from && to) ops.push({ op: 'rename_table', from, to, schema });
        break;
      }
      case 'alter_column': {
        const columnNode = args.get('column_name');
        const column = name(columnNode);
        const typeNode = args.get('type_');
        const newName = name(args.get('new_column_name'));
        const span = columnNode && (typeNode || newName) ? this.span(columnNode) : undefined;
        if (table && column) ops.push({ op: 'alter_column', table, schema, column, type: typeNode ? this.typeOf(typeNode) : undefined, newName, span });
        // A table FK Guard cannot name (a loop over something it cannot read): some table's column changed type.
        else if (!table && typeNode) ops.push({ op: 'alter_unknown_table', column });
        break;
      }
      case 'execute':
        if (!batchTable) this.executedSql(call, ops);
        break;
      case 'create_unique_constraint':
      case 'create_primary_key':
      case 'create_index': {
        // A unique index or constraint, or a primary key, makes its columns a target from here on.
        const columns = names(args.get('columns'));
        const unique = call.name !== 'create_index' || args.get('unique')?.text === 'True';
        if (table && columns && columns.length > 0 && unique && !args.get('postgresql_where') && !args.get('sqlite_where')) {
          ops.push({ op: 'add_key', table, schema, columns, primary: call.name === 'create_primary_key' || undefined });
        }
        break;
      }
      case 'create_foreign_key': {
        const refNode = args.get('referent_table');
        const localNode = args.get('local_cols');
        const remoteNode = args.get('remote_cols');
        const sourceTable = table ?? name(args.get('source_table'));
        if (!refNode || !localNode || !remoteNode || !sourceTable) break;
        const refName = name(refNode);
        const refLit = this.literal(refNode);
        const listOf = (n: Node) => (n.type === 'list' || n.type === 'tuple' ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [n]);
        const locals = listOf(localNode);
        const remotes = listOf(remoteNode);
        const sourceSchema = name(args.get('source_schema')) ?? (batch ? schema : undefined);
        const referentSchema = name(args.get('referent_schema'));
        const remoteNames = remotes.map((r) => name(r) ?? r.text);
        remotes.forEach((r, i) => {
          const col = this.literal(r);
          const local = locals[i] ? name(locals[i]) : undefined;
          this.facts.references.push({
            composite: remotes.length > 1 ? remoteNames : undefined,
            form: 'pair',
            table: refName !== undefined ? { kind: 'literal', value: refName } : this.nameExpr(refNode, {}),
            tableSchema: referentSchema,
            tableSpan: refLit?.contentSpan ?? this.span(refNode),
            column: col?.value ?? name(r),
            columnSpan: col?.contentSpan ?? this.span(r),
            span: this.span(refNode),
            source: { table: { kind: 'literal', value: sourceTable }, schema: sourceSchema, column: local },
            context: 'migration',
          });
        });
        break;
      }
      default:
        break;
    }
  }

  private isColumnCall(name: string): boolean {
    return COLUMN_CALLS.has(name) || (this.facts.columnPartials?.includes(name) ?? false);
  }

  private calleeText(call: Node): string | undefined {
    const f = call.childForFieldName('function');
    return f && (f.type === 'identifier' || f.type === 'attribute') ? f.text.replace(/\s+/g, '') : undefined;
  }

  /**
   * A module-level function whose single `return` builds a column (`def pk(): return Column(Integer,
   * primary_key=True)`): what it returns, so `id = pk()` in a class is that column.
   */
  private columnHelper(def: Node): ColumnFact | undefined {
    // Most module-level functions build no column: a look at the text spares walking their bodies.
    const source = this.text.slice(def.startIndex, def.endIndex);
    if (!/\b(Column|mapped_column)\(/.test(source) && !(this.facts.columnPartials ?? []).some((p) => source.includes(`${p}(`))) return undefined;
    const body = def.childForFieldName('body');
    const returns = def.descendantsOfType('return_statement');
    if (!body || returns.length !== 1) return undefined;
    const value = returns[0]?.namedChildren[0];
    if (value?.type !== 'call') return undefined;
    const call = this.call(value);
    if (!this.isColumnCall(call.name)) return undefined;
    const before = this.facts.references.length;
    const into: ColumnFact[] = [];
    this.columnCall(value, call, '_', undefined, {}, 'model', into);
    // A helper with a foreign key of its own is not followed: its target belongs to each use, not to it.
    const hasFk = this.facts.references.length > before;
    this.facts.references.length = before;
    return hasFk || !into[0] ? undefined : into[0];
  }

  // ---- table-name derivations ----

  /**
   * A function whose body FK Guard can evaluate as a string computation: assignments to local names, then
   * one `return`. Parameters become `param` nodes (a class passed as `cls` stands for its name, since
   * `cls.__name__` is all such helpers read of it). Anything else (a branch, a loop) gives undefined.
   */
  private functionFact(def: Node): FunctionFact | undefined {
    const params = def.childForFieldName('parameters');
    const body = def.childForFieldName('body');
    if (!params || !body) return undefined;
    const names: string[] = [];
    for (const p of params.namedChildren) {
      if (!p) continue;
      const id = p.type === 'identifier' ? p : p.type === 'typed_parameter' ? p.namedChildren[0] : p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('name') : null;
      if (id?.type !== 'identifier') return undefined;
      names.push(id.text);
    }
    const env = new Map<string, Derivation>(names.map((n, i) => [n, { k: 'param', i }]));
    const statements = body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    if (statements.length > 12) return undefined;
    for (const [i, st] of statements.entries()) {
      const last = i === statements.length - 1;
      if (st.type === 'return_statement') {
        const value = st.namedChildren[0];
        const d = last && value ? this.derivation(value, env) : undefined;
        return d ? { params: names.length, body: d } : undefined;
      }
      if (st.type !== 'expression_statement') return undefined;
      const e = st.namedChildren[0];
      if (e?.type === 'string' && i === 0) continue;
      if (e?.type !== 'assignment') return undefined;
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      const d = right ? this.derivation(right, env) : undefined;
      if (left?.type !== 'identifier' || !d) return undefined;
      env.set(left.text, d);
    }
    return undefined;
  }

  private derivation(n: Node, env: Map<string, Derivation>): Derivation | undefined {
    switch (n.type) {
      case 'parenthesized_expression':
        return n.namedChildren[0] ? this.derivation(n.namedChildren[0], env) : undefined;
      case 'identifier':
        return env.get(n.text);
      case 'attribute': {
        // `cls.__name__`: the class stands for its name (see `functionFact`).
        const obj = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute')?.text;
        return obj?.type === 'identifier' && attr === '__name__' ? env.get(obj.text) : undefined;
      }
      case 'binary_operator': {
        const op = n.childForFieldName('operator')?.text;
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const dl = l ? this.derivation(l, env) : undefined;
        const dr = r ? this.derivation(r, env) : undefined;
        return op === '+' && dl && dr ? { k: 'concat', parts: [dl, dr] } : undefined;
      }
      case 'concatenated_string':
      case 'string': {
        const lit = this.literal(n);
        if (lit) return { k: 'lit', v: lit.value };
        if (n.type === 'concatenated_string') return undefined;
        const start = n.children.find((c) => c?.type === 'string_start')?.text ?? '';
        if (!/f/i.test(start) || /r/i.test(start)) return undefined;
        const parts: Derivation[] = [];
        for (const c of n.children) {
          if (!c) continue;
          if (c.type === 'string_content') parts.push({ k: 'lit', v: c.text });
          else if (c.type === 'escape_sequence') return undefined;
          else if (c.type === 'interpolation') {
            const e = c.childForFieldName('expression') ?? c.namedChildren[0];
            if (c.namedChildren.some((x) => x && (x.type === 'format_specifier' || x.type === 'type_conversion'))) return undefined;
            const d = e ? this.derivation(e, env) : undefined;
            if (!d) return undefined;
            parts.push(d);
          }
        }
        return { k: 'concat', parts };
      }
      case 'list_comprehension':
      case 'generator_expression': {
        // `[x.lower() for x in parts if x]`: one loop over a list, optionally dropping empty parts.
        const body = n.childForFieldName('body');
        const loops = n.namedChildren.filter((c) => c?.type === 'for_in_clause');
        const ifs = n.namedChildren.filter((c) => c?.type === 'if_clause');
        if (!body || loops.length !== 1 || ifs.length > 1) return undefined;
        const variable = loops[0]!.childForFieldName('left');
        const over = loops[0]!.childForFieldName('right');
        if (variable?.type !== 'identifier' || !over) return undefined;
        const condition = ifs[0]?.namedChildren[0];
        if (ifs.length === 1 && condition?.text !== variable.text) return undefined;
        const of = this.derivation(over, env);
        const inner = new Map(env);
        inner.set(variable.text, { k: 'item' });
        const d = this.derivation(body, inner);
        return of && d ? { k: 'each', of, body: d, nonEmpty: ifs.length === 1 } : undefined;
      }
      case 'call': {
        const f = n.childForFieldName('function');
        const args = n.childForFieldName('arguments');
        if (f?.type === 'attribute' && args?.type === 'generator_expression') {
          // `"_".join(x.lower() for x in parts if x)`
          const sep = this.literal(f.childForFieldName('object')!)?.value;
          const of = this.derivation(args, env);
          return f.childForFieldName('attribute')?.text === 'join' && sep !== undefined && of ? { k: 'join', sep, of } : undefined;
        }
        if (!f || !args || args.type !== 'argument_list') return undefined;
        const argNodes = args.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
        if (argNodes.some((a) => a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat')) return undefined;
        if (f.type === 'attribute') {
          const obj = f.childForFieldName('object');
          const method = f.childForFieldName('attribute')?.text;
          const sep = obj ? this.literal(obj)?.value : undefined;
          if (method === 'join' && sep !== undefined && argNodes.length === 1) {
            const of = this.derivation(argNodes[0], env);
            return of ? { k: 'join', sep, of } : undefined;
          }
          if ((method === 'lower' || method === 'upper') && argNodes.length === 0 && obj) {
            const of = this.derivation(obj, env);
            return of ? { k: method, of } : undefined;
          }
        }
        const callee = f.text.replace(/\s+/g, '');
        const imp = this.importOf(callee);
        if (callee === 're.split' || (imp?.module === 're' && imp.name === 'split')) {
          const pattern = argNodes.length === 2 ? this.literal(argNodes[0])?.value : undefined;
          const of = argNodes.length === 2 ? this.derivation(argNodes[1], env) : undefined;
          return pattern !== undefined && of ? { k: 'split', pattern, of } : undefined;
        }
        if (callee === 're.sub' || (imp?.module === 're' && imp.name === 'sub')) {
          if (argNodes.length !== 3) return undefined;
          const pattern = this.literal(argNodes[0])?.value;
          const repl = this.literal(argNodes[1])?.value;
          const of = this.derivation(argNodes[2], env);
          return pattern !== undefined && repl !== undefined && of ? { k: 'sub', pattern, repl, of } : undefined;
        }
        if (f.type !== 'identifier' && f.type !== 'attribute') return undefined;
        const derived = argNodes.map((a) => this.derivation(a, env));
        if (derived.some((d) => !d)) return undefined;
        return { k: 'call', fn: callee, args: derived as Derivation[] };
      }
      default:
        return undefined;
    }
  }

  // ---- small helpers ----

  private call(n: Node): CallInfo {
    const f = n.childForFieldName('function');
    const { name, qualifier } = splitDotted(f ? f.text.replace(/\s+/g, '') : '');
    const positional: Node[] = [];
    const keywords = new Map<string, Node>();
    const args = n.childForFieldName('arguments');
    for (const a of args?.namedChildren ?? []) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const k = a.childForFieldName('name');
        const v = a.childForFieldName('value');
        if (k && v) keywords.set(k.text, v);
      } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') {
        positional.push(a);
      }
    }
    return { name, qualifier, positional, keywords };
  }

  /** A plain string literal's value and the span of its content (no prefix, no quotes). */
  private literal(n: Node): { value: string; contentSpan: Span } | undefined {
    if (n.type === 'concatenated_string') {
      const parts = n.namedChildren.map((c) => (c ? this.literal(c) : undefined));
      if (parts.some((p) => !p)) return undefined;
      return { value: parts.map((p) => p!.value).join(''), contentSpan: this.span(n) };
    }
    if (n.type !== 'string') return undefined;
    const start = n.children.find((c) => c?.type === 'string_start');
    const end = n.children.find((c) => c?.type === 'string_end');
    if (!start || !end) return undefined;
    if (/f/i.test(start.text) || n.children.some((c) => c?.type === 'interpolation')) return undefined;
    const raw = this.text.slice(start.endIndex, end.startIndex);
    const value = /r/i.test(start.text) ? raw : raw.replace(/\\(.)/g, '$1');
    return { value, contentSpan: { start: start.endIndex, end: end.startIndex } };
  }

  /** A name that may come from a constant or an f-string of constants. */
  private nameExpr(n: Node, classConstants: Record<string, string>): NameExpr {
    const lit = this.literal(n);
    if (lit) return { kind: 'literal', value: lit.value };
    if (n.type === 'identifier') {
      if (classConstants[n.text] !== undefined) return { kind: 'literal', value: classConstants[n.text] };
      return { kind: 'const', name: n.text };
    }
    if (n.type === 'string' && n.children.some((c) => c?.type === 'interpolation')) {
      const parts: Array<{ literal: string } | { const: string }> = [];
      for (const c of n.children) {
        if (!c) continue;
        if (c.type === 'string_content' || c.type === 'escape_sequence') parts.push({ literal: c.text });
        else if (c.type === 'interpolation') {
          const e = c.childForFieldName('expression') ?? c.namedChildren[0];
          const hasFormat = c.namedChildren.some((x) => x && (x.type === 'format_specifier' || x.type === 'type_conversion'));
          if (e?.type === 'identifier' && !hasFormat) parts.push({ const: e.text });
          else return { kind: 'dynamic', text: n.text };
        }
      }
      return { kind: 'template', parts };
    }
    return { kind: 'dynamic', text: n.text };
  }

  private span(n: Node): Span {
    return { start: n.startIndex, end: n.endIndex };
  }

  private collectErrors(root: Node): void {
    const errors: ParseError[] = [];
    this.collectErrorsInto(root, errors);
    this.facts.errors = errors;
  }

  collectErrorsInto(root: Node, errors: ParseError[]): void {
    if (!root.hasError) return;
    const visit = (n: Node) => {
      if (errors.length >= 20) return;
      if (n.type === 'ERROR' || n.isMissing) {
        errors.push(pythonSyntaxError(n.isMissing, n.type, n.isMissing ? '' : n.text, this.span(n)));
        return;
      }
      if (!n.hasError) return;
      for (const c of n.children) if (c) visit(c);
    };
    visit(root);
  }
}


/** A derivation with its parameters replaced by the given arguments. */
export function substitute(d: Derivation, args: Derivation[]): Derivation {
  switch (d.k) {
    case 'param':
      return args[d.i] ?? d;
    case 'name':
    case 'lit':
    case 'item':
      return d;
    case 'split':
    case 'join':
      return { ...d, of: substitute(d.of, args) };
    case 'each':
      return { ...d, of: substitute(d.of, args), body: substitute(d.body, args) };
    case 'lower':
    case 'upper':
      return { k: d.k, of: substitute(d.of, args) };
    case 'sub':
      return { ...d, of: substitute(d.of, args) };
    case 'concat':
      return { k: 'concat', parts: d.parts.map((p) => substitute(p, args)) };
    case 'call':
      return { k: 'call', fn: d.fn, args: d.args.map((a) => substitute(a, args)) };
  }
}
