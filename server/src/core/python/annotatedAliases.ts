import type { Node } from 'web-tree-sitter';
import { annotationTypeFact, NOT_A_TYPE, typeOf } from './columnTypes';
import type { PythonReader } from './reader';
import { hasSplat } from './metadataRoots';
import { readCall, splitDotted } from './syntax';
import type { AnnotatedAliasFact, AnnotationFact, TypeFact } from '../types';

/**
 * SQLAlchemy 2.0's reusable column types: `str36 = Annotated[str, mapped_column(String(36))]` at module level (also
 * `str36: TypeAlias = ...`). A `Mapped[str36]` column takes what the alias's `mapped_column(...)` says, merged under
 * its own arguments, and the alias may live in another module (see `NameLookup.resolveType`).
 */

/** `Annotated`, `typing.Annotated`, `typing_extensions.Annotated`, `t.Annotated`. */
const ANNOTATED = /(^|\.)Annotated$/;

/** Reads `right` as an `Annotated[...]` alias bound to `name`; false when it is none. */
export function annotatedAlias(x: PythonReader, name: string, right: Node): boolean {
  if (right.type !== 'subscript') return false;
  const value = right.childForFieldName('value');
  if (!value || !ANNOTATED.test(value.text)) return false;
  const parts = right.childrenForFieldName('subscript').filter((n): n is Node => n !== null && n.type !== 'comment');
  if (parts.length < 2) return false;
  const alias: AnnotatedAliasFact = {};
  const inner = annotationTypeFact(x, { text: unwrapOptional(parts[0]).text, optional: false });
  if (inner) alias.inner = { family: inner.family, sqlType: inner.sqlType };
  // SQLAlchemy takes the first `mapped_column(...)` among the metadata.
  const column = parts.slice(1).find((p) => p.type === 'call' && readCall(p).name === 'mapped_column');
  if (column) {
    const call = readCall(column);
    if (hasSplat(column)) alias.opaque = true;
    for (const p of call.positional) {
      if (p.type === 'call') {
        const c = readCall(p);
        if (c.name === 'ForeignKey') {
          alias.foreignKey = true;
          continue;
        }
        if (NOT_A_TYPE.has(c.name)) continue;
      }
      if (!alias.type && (p.type === 'call' || p.type === 'identifier' || p.type === 'attribute')) alias.type = withoutSpan(typeOf(x, p));
    }
    const typeKw = call.keywords.get('type_');
    if (!alias.type && typeKw) alias.type = withoutSpan(typeOf(x, typeKw));
    if (call.keywords.get('primary_key')?.type === 'true') alias.primaryKey = true;
    if (call.keywords.get('unique')?.type === 'true') alias.unique = true;
  }
  (x.facts.annotatedAliases ??= {})[name] = alias;
  return true;
}

/** `Optional[X]`, `X | None`, `None | X`: X. */
function unwrapOptional(n: Node): Node {
  if (n.type === 'subscript' && /(^|\.)Optional$/.test(n.childForFieldName('value')?.text ?? '')) {
    const arg = n.childForFieldName('subscript');
    return arg ? unwrapOptional(arg) : n;
  }
  if (n.type === 'binary_operator') {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (l && r?.text === 'None') return unwrapOptional(l);
    if (r && l?.text === 'None') return unwrapOptional(r);
  }
  return n;
}

/** A type read where an alias is defined: its span is that file's, never the column's, so no fix rewrites it. */
function withoutSpan(t: TypeFact | undefined): TypeFact | undefined {
  if (!t) return undefined;
  const { span: _span, ...rest } = t;
  return rest;
}

/**
 * The type of `Mapped[X]` when X is a name whose type the annotation alone does not say (not `int`, `uuid.UUID`, ...):
 * it may be an `Annotated` alias, resolved by the index where the name is bound; unknown until then.
 */
export function aliasTypeFact(x: PythonReader, a: AnnotationFact, foreignKey: boolean): TypeFact | undefined {
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(a.text) || annotationTypeFact(x, a)) return undefined;
  const { name, qualifier } = splitDotted(a.text);
  return { text: a.text, name, ...(qualifier ? { qualifier } : {}), family: 'other', sqlType: '', source: 'annotation', alias: foreignKey ? 'key' : 'plain' };
}
