import type { Node } from 'web-tree-sitter';
import { annotationTypeFact, NOT_A_TYPE, typeOf } from './columnTypes';
import type { PythonReader } from './reader';
import { hasSplat } from './metadataRoots';
import { foreignKeyCall } from './references';
import { readCall, splitDotted, type CallInfo } from './syntax';
import type { AnnotatedAliasFact, AnnotationFact, NameExpr, ReferenceFact, ReferenceSource, Span, TypeFact } from '../types';

/**
 * SQLAlchemy 2.0's reusable column types: `str36 = Annotated[str, mapped_column(String(36))]` at module level (also
 * `str36: TypeAlias = ...`). A `Mapped[str36]` column takes what the alias's `mapped_column(...)` says, merged under
 * its own arguments, and the alias may live in another module (see `NameLookup.resolveType`).
 */

/** `Annotated`, `typing.Annotated`, `typing_extensions.Annotated`, `t.Annotated`. */
const ANNOTATED = /(^|\.)Annotated$/;

/** Reads `right` as an `Annotated[...]` alias bound to `name`; false when it is none. */
export function annotatedAlias(x: PythonReader, name: string, right: Node): boolean {
  x.aliasForeignKeys.delete(name);
  if (right.type !== 'subscript') return false;
  const value = right.childForFieldName('value');
  if (!value || !ANNOTATED.test(value.text)) return false;
  const parts = right.childrenForFieldName('subscript').filter((n): n is Node => n !== null && n.type !== 'comment');
  return annotatedParts(x, name, parts);
}

/**
 * Python 3.12's `type X = Annotated[int, mapped_column(...)]` (PEP 695) at module level. SQLAlchemy 2.0 reads the
 * alias's value and merges its `mapped_column(...)` as for `X = Annotated[...]` (`MappedColumn.declarative_scan`);
 * one whose value is another such alias (`type Y = X`) it does not merge, and fails to map the class unless a
 * `type_annotation_map` names it: FK Guard then knows nothing of `Y` (any `Mapped[Y]` column's type is unknown).
 * A generic alias (`type Opt[T] = ...`) is not read.
 */
export function typeAliasStatement(x: PythonReader, s: Node): { name: string; read: boolean } | undefined {
  const left = s.childForFieldName('left');
  const right = s.childForFieldName('right');
  const name = left?.type === 'type' && left.namedChildren.length === 1 && left.namedChildren[0]?.type === 'identifier' ? left.namedChildren[0].text : undefined;
  if (!name) return undefined;
  x.aliasForeignKeys.delete(name);
  const value = right?.type === 'type' ? right.namedChildren[0] : right;
  if (value?.type === 'generic_type') {
    const head = value.namedChildren[0];
    const params = value.namedChildren.find((c) => c?.type === 'type_parameter');
    if (head && params && ANNOTATED.test(head.text)) {
      const parts = params.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment').map((n) => (n.type === 'type' && n.namedChildren[0] ? n.namedChildren[0] : n));
      return { name, read: annotatedParts(x, name, parts) };
    }
  } else if (value?.type === 'subscript') return { name, read: annotatedAlias(x, name, value) };
  return { name, read: false };
}

/** `Annotated[parts...]` bound to `name`: its Python type, then the metadata SQLAlchemy merges. */
function annotatedParts(x: PythonReader, name: string, parts: Node[]): boolean {
  if (parts.length < 2) return false;
  const innerText = unwrapOptional(parts[0]).text.replace(/\s+/g, '');
  const alias: AnnotatedAliasFact = { innerText };
  const inner = annotationTypeFact(x, { text: innerText, optional: false });
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
          const keys = x.aliasForeignKeys.get(name);
          if (keys) keys.push(p);
          else x.aliasForeignKeys.set(name, [p]);
          (alias.keys ??= []).push(exportedKey(x, c));
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

/**
 * A `ForeignKey(...)` of an alias as another module that imports the alias takes it: its target as Python makes the
 * string here, when the call is evaluated (a constant of this module read so far is put in place: the module that
 * uses the alias binds its own names, not these); anything else (a constant of another module, an attribute
 * `Farm.id`, a call) is `dynamic`, a key FK Guard cannot check.
 */
function exportedKey(x: PythonReader, call: CallInfo): { target: NameExpr; linkToName?: true } {
  const ref = foreignKeyCall(x, call, {}, 'model');
  let target: NameExpr = { kind: 'dynamic', text: (call.positional[0] ?? call.keywords.get('column'))?.text ?? '' };
  if (ref?.form === 'string' && ref.target) {
    const t = ref.target;
    if (t.kind === 'literal') target = t;
    else if (t.kind === 'const' && x.facts.constants[t.name] !== undefined) target = { kind: 'literal', value: x.facts.constants[t.name] };
    else if (t.kind === 'template' && t.parts.every((p) => 'literal' in p || x.facts.constants[p.const] !== undefined)) {
      target = { kind: 'literal', value: t.parts.map((p) => ('literal' in p ? p.literal : x.facts.constants[p.const])).join('') };
    } else if (t.kind === 'dynamic') target = t;
  }
  return ref?.linkToName ? { target, linkToName: true } : { target };
}

/** `Optional[X]`, `X | None`, `None | X`: X. */
function unwrapOptional(n: Node): Node {
  if (n.type === 'subscript' && /(^|\.)Optional$/.test(n.childForFieldName('value')?.text ?? '')) {
    const arg = n.childForFieldName('subscript');
    return arg ? unwrapOptional(arg) : n;
  }
  // The same in a `type` statement, where the parser reads a subscript as a generic type.
  if (n.type === 'generic_type' && /(^|\.)Optional$/.test(n.namedChildren[0]?.text ?? '')) {
    const arg = n.namedChildren.find((c) => c?.type === 'type_parameter')?.namedChildren[0];
    const inner = arg?.type === 'type' ? arg.namedChildren[0] : arg;
    return inner ? unwrapOptional(inner) : n;
  }
  if (n.type === 'type' && n.namedChildren.length === 1 && n.namedChildren[0]) return unwrapOptional(n.namedChildren[0]);
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
  // `Mapped["str36"]`: SQLAlchemy evaluates the string in the module (a forward reference).
  const text = /^(['"])[\w.]+\1$/.test(a.text) ? a.text.slice(1, -1) : a.text;
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(text) || annotationTypeFact(x, { ...a, text })) return undefined;
  const { name, qualifier } = splitDotted(text);
  return { text, name, ...(qualifier ? { qualifier } : {}), family: 'other', sqlType: '', source: 'annotation', alias: foreignKey ? 'key' : 'plain' };
}

/**
 * The keys a `Mapped[X]` column takes from an `Annotated` alias X of this module that holds `ForeignKey(...)`s:
 * SQLAlchemy 2.0 copies each of them onto the column (`Column._merge`), so each is a foreign key of the column's own
 * table, made where X is used. The reference sits on the `X` of the annotation: its text is the alias's, shared
 * by every column that uses it, so no fix rewrites it (and a rename that must change it is refused). Only a string
 * target is taken: an attribute one (`ForeignKey(Farm.id)`) is read from text at its own place. An alias imported
 * from another module is not followed here: its keys are not counted.
 */
export function aliasForeignKeys(x: PythonReader, annotation: AnnotationFact | undefined, source: ReferenceSource): ReferenceFact[] {
  if (!annotation?.span) return [];
  const text = /^(['"])[\w.]+\1$/.test(annotation.text) ? annotation.text.slice(1, -1) : annotation.text;
  const out: ReferenceFact[] = [];
  const own = x.aliasForeignKeys.get(text);
  if (!own) importedAlias(x, text, annotation.span, source);
  for (const fk of own ?? []) {
    const ref = foreignKeyCall(x, readCall(fk), source, 'model');
    if (!ref || ref.form !== 'string') continue;
    ref.span = { ...annotation.span };
    delete ref.contentSpan;
    out.push(ref);
  }
  return out;
}

/**
 * `Mapped[X]` where a module-level import binds `X` (`from .types import farm_ref`, `import app.types as t` for
 * `t.farm_ref`, a star import): X may be an `Annotated` alias of another module holding `ForeignKey`s, which only
 * that module says. Noted in `pendingAliasKeys` for the index, which follows the import (see
 * `SchemaIndex.resolveAliasKeys`), which also finds a name bound here after all (a class after a star import) to
 * be no alias. Not for an alias of this module, nor for a Python type FK Guard knows (`int`, `uuid.UUID`).
 */
function importedAlias(x: PythonReader, text: string, span: Span, source: ReferenceSource): void {
  if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(text) || x.facts.annotatedAliases?.[text] !== undefined) return;
  const head = text.split('.')[0];
  if (annotationTypeFact(x, { text, optional: false })) return;
  if (!x.facts.imports.some((i) => i.local === head) && !x.facts.starImports?.length) return;
  (x.facts.pendingAliasKeys ??= []).push({ name: text, span: { ...span }, source });
}
