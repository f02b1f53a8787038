import type { Node } from 'web-tree-sitter';
import { annotationType, knownType } from '../typeFamilies';
import { importOf } from './imports';
import type { PythonReader } from './reader';
import { type CallInfo, readCall, spanOf, splitDotted } from './syntax';
import type { AnnotationFact, TypeFact } from '../types';

/** Column types: a type expression (`sa.String(255)`, `UUID(as_uuid=True)`) or a `Mapped[...]`/SQLModel annotation. */

/** Calls that may appear as positional arguments of `Column(...)` but are not its type. */
export const NOT_A_TYPE = new Set([
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

export const COLUMN_CALLS = new Set(['Column', 'mapped_column']);

/**
 * `Mapped[X]`, `Mapped[Optional[X]]`, `Mapped[X | None]`, or (SQLModel) a bare annotation. Returns the X
 * with its span, and whether the annotation declares a column at all (`Mapped[List[...]]` and SQLModel
 * relationship lists do not).
 */
export function mappedAnnotation(x: PythonReader, type: Node, isSqlModel: boolean): { fact: AnnotationFact; type?: TypeFact; isColumn: boolean } | undefined {
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
  const fact: AnnotationFact = { text: node.text, span: spanOf(node), optional };
  return { fact, type: isColumn ? annotationTypeFact(x, fact) : undefined, isColumn };
}

export function annotationTypeFact(x: PythonReader, a: AnnotationFact): TypeFact | undefined {
  let text = a.text;
  const imp = importOf(x, text);
  if (imp?.name && imp.module === 'uuid' && imp.name === 'UUID') text = 'uuid.UUID';
  if (imp?.name && imp.module === 'decimal') text = 'Decimal';
  const t = annotationType(text);
  if (!t) return undefined;
  return { text: a.text, name: a.text, family: t.family, sqlType: t.sqlType, source: 'annotation' };
}

/** Node types of an argument that is a literal value (a width FK Guard reads, see `approximateArguments`). */
const LITERAL_ARGUMENTS = new Set(['integer', 'float', 'string', 'true', 'false', 'none', 'unary_operator']);
/** Keywords of a type call that give a width (see `approximateArguments`). */
const SIZE_KEYWORDS = new Set(['length', 'precision', 'scale', 'timezone']);
/** A name that reads as a constant (`UUID_LEN`, `sizes.UUID_LEN`, `settings.x`), not a type passed as an argument. */
const CONSTANT_ARGUMENT = /^[a-z_][a-z0-9_]*(\.[A-Z_][A-Z0-9_]*)?$|^[A-Z_][A-Z0-9_]*$|\.[A-Z_][A-Z0-9_]*$/;

/**
 * A type expression: `Integer`, `sa.String(255)`, `UUID(as_uuid=True)`, `PGUUID`, `GUID()`. It runs for every column's
 * type; what only some calls need (`with_variant`, arguments FK Guard cannot read) is in functions of its own, so that
 * the optimising compiler compiles this small one alone (it was among the dearest compiles of a cold scan).
 */
export function typeOf(x: PythonReader, n: Node): TypeFact | undefined {
  let fn = n;
  let args: string[] = [];
  const kwargs: Record<string, string> = {};
  let approximate = false;
  if (n.type === 'call') {
    const f = n.childForFieldName('function');
    if (!f) return undefined;
    // `BigInteger().with_variant(Integer(), "sqlite")`: the receiver on every database but the variant's, so only its
    // family is taken (the variant's database may be the one in use).
    const receiver = f.type === 'attribute' && f.childForFieldName('attribute')?.text === 'with_variant' ? f.childForFieldName('object') : null;
    if (receiver) return variantType(x, n, receiver);
    fn = f;
    const call = readCall(n);
    const positional = call.positional;
    if (positional.length > 0) args = positional.map((p) => p.text);
    const keywords = call.keywords;
    if (keywords.size > 0) for (const [k, v] of keywords) kwargs[k] = v.text;
    if (positional.length > 0 || keywords.size > 0) approximate = approximateArguments(call);
  }
  if (fn.type !== 'identifier' && fn.type !== 'attribute') return undefined;
  const { name, qualifier } = splitDotted(fn.text);
  if (NOT_A_TYPE.has(name) || COLUMN_CALLS.has(name)) return undefined;
  // An imported alias (`UUID as PGUUID`) means the original name.
  let canonical = name;
  let imported = false;
  if (!qualifier) {
    const imp = importOf(x, name);
    if (imp?.name) canonical = imp.name;
    // A name another module binds (`UUID = LargeBinary(16)` in app/types.py) is that module's, whatever SQLAlchemy
    // calls a type of that name: the index looks it up there.
    if (imp && !LIBRARY_MODULE.test(imp.module)) imported = true;
  }
  // SQLModel's `GUID` is `UUID` on PostgreSQL and `CHAR(32)` elsewhere, as SQLAlchemy's `Uuid` is. Only SQLModel's: a
  // project's own `GUID` (SQLAlchemy's recipe of that name) is a TypeDecorator read where it is defined.
  const known = canonical === 'GUID' && fromSqlModel(x, qualifier, name) ? knownType('Uuid') : knownType(canonical, args, kwargs);
  const local = !qualifier ? x.facts.typeDecorators[name] : undefined;
  const resolved = local ?? known;
  const type: TypeFact = {
    text: n.text,
    name,
    qualifier,
    family: resolved ? resolved.family : 'other',
    sqlType: resolved ? resolved.sqlType : '',
    span: spanOf(n),
    source: 'explicit',
  };
  if (approximate) type.approximate = true;
  if (imported && !local && resolved) type.imported = true;
  return type;
}

/** Modules whose type names are SQLAlchemy's own: SQLAlchemy and its dialects, SQLModel (which re-exports them). */
const LIBRARY_MODULE = /^(sqlalchemy|sqlmodel)(\.|$)/;

/** `BigInteger().with_variant(Integer(), "sqlite")` (see `typeOf`). */
function variantType(x: PythonReader, n: Node, receiver: Node): TypeFact | undefined {
  const t = typeOf(x, receiver);
  const variant = readCall(n).positional[0];
  const v = variant ? typeOf(x, variant) : undefined;
  // A variant of another family makes the type depend on the database, which the reader does not know.
  if (!t || !v || v.family !== t.family) return t ? { ...t, text: n.text, span: spanOf(n), family: 'other', sqlType: '' } : undefined;
  return { ...t, text: n.text, span: spanOf(n), approximate: true };
}

/**
 * `String(length=sizes.UUID_LEN)`: an argument FK Guard cannot read leaves the width unknown. A type passed as an
 * argument (`ARRAY(Integer)`) is read by name and is not a width.
 */
function approximateArguments(call: CallInfo): boolean {
  for (const p of call.positional) {
    if (p.type !== 'identifier' && p.type !== 'attribute' && !LITERAL_ARGUMENTS.has(p.type) && p.type !== 'call') return true;
  }
  for (const p of call.positional) {
    if ((p.type === 'identifier' || p.type === 'attribute') && CONSTANT_ARGUMENT.test(p.text)) return true;
  }
  for (const [k, v] of call.keywords) if (SIZE_KEYWORDS.has(k) && !LITERAL_ARGUMENTS.has(v.type)) return true;
  return false;
}

/** Whether a type name as written (`sqlmodel.sql.sqltypes.GUID`, `sqltypes.GUID`, `GUID`) comes from the `sqlmodel` package. */
function fromSqlModel(x: PythonReader, qualifier: string | undefined, name: string): boolean {
  const head = qualifier === undefined ? name : qualifier.split('.')[0];
  const imp = importOf(x, head);
  const module = imp ? (imp.name !== undefined ? `${imp.module}.${imp.name}` : imp.module) : head;
  return /^sqlmodel(\.|$)/.test(module);
}
