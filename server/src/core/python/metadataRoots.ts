import type { Node, Tree } from 'web-tree-sitter';
import type { PythonReader } from './reader';
import { readCall, type CallInfo } from './syntax';
import type { MetadataRootFact, Span } from '../types';

/*
 * Metadata objects and what they say of schemas. SQLAlchemy gives every Table on a `MetaData(schema="x")` that
 * names no schema of its own the schema `x` (declarative classes on it too), and resolves an unqualified
 * foreign-key string of such a table in `x` ("if schema is None and parenttable.metadata.schema is not None:
 * schema = parenttable.metadata.schema"). These readings feed `SchemaIndex.metadataSchema`.
 */

/** Calls whose value is a metadata object, or an object holding one (a declarative base, a registry, `db`). */
export const METADATA_CALLS = new Set(['declarative_base', 'automap_base', 'MetaData', 'SQLAlchemy', 'generate_base', 'registry']);

/**
 * `X.schema = ...`, somewhere in a file: `X` may be a metadata object (`SQLModel.metadata`, `metadata_obj`), which
 * only the index can tell (see `FileFacts.metadataSchemaSets`).
 */
export const METADATA_SCHEMA_SET = /\.\s*schema\s*=(?!=)/;

/** The root a call of `METADATA_CALLS` makes, bound to `name` (in the body of class `owner`, when given). */
export function metadataRoot(x: PythonReader, name: string, span: Span, node: Node, call: CallInfo, owner?: string): MetadataRootFact {
  const root: MetadataRootFact = { name, span };
  if (owner) root.owner = owner;
  if (call.name === 'SQLAlchemy') root.flask = true;
  // `declarative_base(cls=BaseModel)`: the base is made as a subclass of that class (a tuple: of those classes), so
  // every model on it takes its columns and class attributes.
  const cls = call.name === 'declarative_base' || call.name === 'automap_base' || call.name === 'generate_base' ? call.keywords.get('cls') : undefined;
  if (cls) root.cls = (cls.type === 'tuple' ? cls.namedChildren.filter((c) => c !== null) : [cls]).map((c) => c.text.replace(/\s+/g, ''));
  const typeMap = call.keywords.get('type_annotation_map');
  if (typeMap) root.typeAnnotationMap = annotationMapKeys(typeMap);
  else if (call.name !== 'MetaData' && call.name !== 'SQLAlchemy' && hasSplat(node)) root.typeAnnotationMap = true;
  if (call.name === 'MetaData') metaDataSchema(x, root, node, call);
  else if (call.name === 'generate_base') {
    // `mapper_registry.generate_base()`: a base on the registry's metadata.
    if (call.qualifier) root.metadata = call.qualifier;
  } else {
    const given = call.keywords.get('metadata');
    if (given) metadataValue(x, root, given);
    else if (hasSplat(node)) root.schema = { kind: 'dynamic', text: node.text };
    const model = call.name === 'SQLAlchemy' ? call.keywords.get('model_class') : undefined;
    if (model && (model.type === 'identifier' || model.type === 'attribute')) {
      if (given) root.rebinds = model.text.replace(/\s+/g, '');
      else root.modelClass = model.text.replace(/\s+/g, '');
    } else if (model) modelClassMade(x, root, model, given !== undefined);
  }
  return root;
}

/**
 * `SQLAlchemy(model_class=declarative_base(...))`: a base made in the call is `db.Model` itself, so `db`'s metadata
 * is that base's (its schema too) unless `metadata=` is given, which Flask-SQLAlchemy sets as the base's metadata;
 * its `cls=` classes are in every model's MRO either way. A `model_class` made by anything else (a factory function)
 * may be a declarative base on a metadata FK Guard cannot see, or a class with columns and `__table_args__` of its
 * own: the models' bases are then not all known, nor (without `metadata=`) their metadata's schema.
 */
function modelClassMade(x: PythonReader, root: MetadataRootFact, model: Node, metadataGiven: boolean): void {
  const call = model.type === 'call' ? readCall(model) : undefined;
  if (call && (call.name === 'declarative_base' || call.name === 'generate_base')) {
    const base = metadataRoot(x, root.name, root.span, model, call);
    if (base.cls) root.cls = base.cls;
    if (base.typeAnnotationMap && !root.typeAnnotationMap) root.typeAnnotationMap = base.typeAnnotationMap;
    if (metadataGiven) return;
    if (base.metadata !== undefined) root.metadata = base.metadata;
    if (base.schema) root.schema = base.schema;
    return;
  }
  root.cls = [model.text.replace(/\s+/g, '')];
  if (!metadataGiven) root.schema = { kind: 'dynamic', text: model.text };
}

/**
 * What a declarative decorator without a `metadata=` argument says of the base's metadata, read from its text:
 * `@reg.as_declarative_base()` is on the registry's metadata (`@as_declarative(metadata=...)` is read as any
 * `metadata=` argument is, by `metadataValue`).
 */
export function decoratorMetadata(root: MetadataRootFact, decorator: string): void {
  const registry = /^([\w.]+)\.as_declarative_base\s*\(/.exec(decorator);
  if (registry) root.metadata = registry[1];
}

/**
 * What a `metadata=` argument (or a declarative class's `metadata = ...`) says: another metadata object by name,
 * a new `MetaData(...)` with its schema, or something FK Guard cannot read, whose schema is then unknown.
 */
export function metadataValue(x: PythonReader, root: MetadataRootFact, value: Node): void {
  if (value.type === 'identifier' || value.type === 'attribute') {
    root.metadata = value.text.replace(/\s+/g, '');
    return;
  }
  if (value.type === 'none') return;
  if (value.type === 'call') {
    const call = readCall(value);
    if (call.name === 'MetaData') {
      metaDataSchema(x, root, value, call);
      return;
    }
  }
  root.schema = { kind: 'dynamic', text: value.text };
}

/** `MetaData(schema=...)`. */
function metaDataSchema(x: PythonReader, root: MetadataRootFact, node: Node, call: CallInfo): void {
  const schema = call.keywords.get('schema');
  if (schema) {
    // `schema=None` is SQLAlchemy's default: no schema.
    if (schema.type !== 'none') root.schema = x.nameExpr(schema, {});
    return;
  }
  if (hasSplat(node)) {
    root.schema = { kind: 'dynamic', text: node.text };
    return;
  }
  // The first positional argument is `schema` in SQLAlchemy 2.0 and `bind` before it: an engine, or a database URL
  // (1.x makes an engine of a string, so a string that is no URL fails there, and a program that runs with
  // `MetaData("archive")` is on 2.0). A URL is no schema; any other string is one; a name may hold an engine.
  const first = call.positional[0];
  if (!first || first.type === 'none') return;
  const lit = first.type === 'string' || first.type === 'concatenated_string' ? x.literal(first) : undefined;
  if (lit) {
    if (!lit.value.includes('://')) root.schema = { kind: 'literal', value: lit.value };
  } else if (first.type === 'identifier' || first.type === 'attribute') {
    // A constant is read by the index (see `ClassMapper.metadataSchema`): a URL there is a bind, not a schema.
    root.schema = x.nameExpr(first, {});
  } else root.schema = { kind: 'dynamic', text: first.text };
}

/**
 * The keys of a `type_annotation_map` as written (`uuid.UUID`, `str`, `dict[str, Any]`, whitespace dropped), or `true`
 * when the map is not a dictionary FK Guard can read whole (a name, a call, a `**` inside).
 */
export function annotationMapKeys(map: Node): true | string[] {
  if (map.type !== 'dictionary') return true;
  const keys: string[] = [];
  for (const item of map.namedChildren) {
    if (!item || item.type === 'comment') continue;
    const key = item.type === 'pair' ? item.childForFieldName('key') : null;
    if (!key) return true;
    keys.push(key.text.replace(/\s+/g, ''));
  }
  return keys;
}

export function hasSplat(call: Node): boolean {
  return call.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'dictionary_splat' || a?.type === 'list_splat') ?? false;
}

/**
 * The objects whose `schema` the file assigns anywhere (`SQLModel.metadata.schema = "x"` at module level, in a
 * function, in a class), each as written without `.schema`: the index keeps those that are metadata objects.
 * Looked for only when the text shows such an assignment.
 */
export function metadataSchemaSets(text: string, tree: Tree): string[] | undefined {
  if (!METADATA_SCHEMA_SET.test(text)) return undefined;
  const out: string[] = [];
  for (const a of tree.rootNode.descendantsOfType('assignment')) {
    const left = a?.childForFieldName('left');
    if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== 'schema') continue;
    const object = left.childForFieldName('object');
    // `self.schema = schema` in a method is an instance's attribute, never a metadata object known by name.
    const written = object?.type === 'identifier' || object?.type === 'attribute' ? object.text.replace(/\s+/g, '') : undefined;
    if (written && !/^(self|cls)(\.|$)/.test(written) && !out.includes(written)) out.push(written);
  }
  return out.length > 0 ? out : undefined;
}
