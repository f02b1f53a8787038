import type { Node } from 'web-tree-sitter';
import type { PythonReader } from './reader';
import { withColumn } from '../compactFacts';
import { type CallInfo, pythonName, spanOf, withoutBlanks } from './syntax';
import type { ConstraintFact, ReferenceFact, ReferenceSource, Span } from '../types';

/** Foreign-key references: `ForeignKey(...)` and `ForeignKeyConstraint(...)` targets, in each form they are written. */

/** `ForeignKey("users.id")`, `ForeignKey(column="users.id")`, `ForeignKey(User.id)`, `ForeignKey(t.c.id)`. */
export function foreignKeyCall(x: PythonReader, call: CallInfo, source: ReferenceSource, context: ReferenceFact['context']): ReferenceFact | undefined {
  const target = call.positional[0] ?? call.keywords.get('column');
  if (!target) return undefined;
  const ref = referenceFromExpression(x, target, source, context);
  // A string then names the column by its name, not its key (any other value than `True` keeps the key).
  if (ref?.form === 'string' && call.keywords.get('link_to_name')?.type === 'true') ref.linkToName = true;
  return ref;
}

export function referenceFromExpression(x: PythonReader, target: Node, source: ReferenceSource, context: ReferenceFact['context']): ReferenceFact | undefined {
  const span = spanOf(target);
  if (target.type === 'string' || target.type === 'concatenated_string' || target.type === 'identifier') {
    const expr = x.nameExpr(target, {});
    const lit = target.type === 'string' ? x.literal(target) : undefined;
    return { form: 'string', target: expr, span, contentSpan: lit?.contentSpan, source, context };
  }
  if (target.type === 'attribute') {
    const written = withoutBlanks(target.text);
    const parts = pythonName(written).split('.');
    const ref = attributeReference(parts, target.text, span, source, context);
    // An edit replaces the attribute as written, whose length only the written text knows.
    if (ref.attr !== undefined && !written.endsWith(`.${ref.attr}`)) ref.attrNormalised = true;
    return ref;
  }
  if (target.type === 'subscript') {
    // `users_table.c["id"]`
    const v = target.childForFieldName('value');
    const s = target.childForFieldName('subscript');
    const parts = v?.text.split('.') ?? [];
    const key = s ? x.literal(s)?.value : undefined;
    if (parts.length === 2 && parts[1] === 'c' && key) return { form: 'table-c', owner: parts[0], attr: key, span, source, context };
  }
  return { form: 'string', target: { kind: 'dynamic', text: target.text }, span, source, context };
}

export function foreignKeyConstraint(x: PythonReader, call: CallInfo, source: ReferenceSource, context: ReferenceFact['context']): ConstraintFact | undefined {
  const localNode = call.positional[0] ?? call.keywords.get('columns');
  const remoteNode = call.positional[1] ?? call.keywords.get('refcolumns');
  if (!localNode || !remoteNode) return undefined;
  const list = (n: Node) => (n.type === 'list' || n.type === 'tuple' ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [n]);
  const locals = list(localNode).map((n) => x.literal(n)?.value ?? (n.type === 'attribute' ? n.text.split('.').pop()! : n.text));
  const remotes = list(remoteNode);
  const refs: ReferenceFact[] = [];
  const remoteNames = remotes.map((r) => {
    const v = x.literal(r)?.value ?? r.text;
    return v.split('.').pop()!;
  });
  remotes.forEach((r, i) => {
    const ref = referenceFromExpression(x, r, withColumn(source, locals[i]), context);
    if (ref) {
      if (remotes.length > 1) ref.composite = remoteNames;
      refs.push(ref);
      x.facts.references.push(ref);
    }
  });
  return { localColumns: locals, references: refs };
}

/** `users_table.c.id`, `User.__table__.c.id`, `User.id`, `models.User.id`: the parts as Python reads them. */
function attributeReference(parts: string[], text: string, span: Span, source: ReferenceSource, context: ReferenceFact['context']): ReferenceFact {
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
  return { form: 'string', target: { kind: 'dynamic', text }, span, source, context };
}
