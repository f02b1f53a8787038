import type { Node } from 'web-tree-sitter';
import type { PythonReader } from './reader';
import { isSqlAlchemyTable, readCall, spanOf } from './syntax';
import type { FileFacts, MaybeTableFact, NameExpr, Span } from '../types';

/**
 * Tables a file may make that FK Guard does not index (see `FileFacts.maybeTables`): FK Guard never runs the code, so
 * whether a helper is called, which way a branch goes or what a loop yields is not known, and no name such a table
 * may have can be proven unknown. Each is kept with its name as written (a literal where there is one).
 */

const TABLE_CALL = /\bTable\s*\(/;

/** `Table(...)` calls in a function's body or a module-level loop: made only when, and as often as, the code runs. */
export function tablesInCode(x: PythonReader, scope: Node, maker: string): void {
  if (!TABLE_CALL.test(scope.text)) return;
  for (const c of scope.descendantsOfType('call')) {
    const call = readCall(c);
    if (call.name !== 'Table' || !isSqlAlchemyTable(call)) continue;
    const nameNode = call.positional[0] ?? call.keywords.get('name');
    const metadata = call.positional[1] ?? call.keywords.get('metadata');
    if (!nameNode || !metadata || freshMetadata(metadata, scope)) continue;
    add(x, x.nameExpr(nameNode, {}), `\`${short(`Table(${nameNode.text}, ...)`)}\` ${maker}`, c);
  }
}

/**
 * A `MetaData()` made for this table alone (inline, or bound in the same function): a key of a mapped class, which
 * SQLAlchemy resolves on its own table's metadata, can never find a table there.
 */
function freshMetadata(metadata: Node, scope: Node): boolean {
  if (metadata.type === 'call') return readCall(metadata).name === 'MetaData';
  if (metadata.type !== 'identifier' || scope.type !== 'function_definition') return false;
  const name = metadata.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|\\n)\\s*${name}\\s*=\\s*(\\w+\\.)*MetaData\\s*\\(`).test(scope.text);
}

/** `__tablename__ = ...` under an `if`/`try`/`for`/`with` of a class body: the class's name depends on the branch. */
export function branchTablenames(x: PythonReader, className: string, s: Node): boolean {
  let found = false;
  for (const a of s.descendantsOfType('assignment')) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type !== 'identifier' || left.text !== '__tablename__' || !right || insideFunction(a, s)) continue;
    add(x, x.nameExpr(right, {}), `\`${className}.__tablename__\`, set in a branch of the class body`, a);
    found = true;
  }
  return found;
}

function insideFunction(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return true;
  return false;
}

/**
 * Classes of one name defined twice in a module (`try:` one, `except ImportError:` another; or one after the other):
 * which is mapped depends on which statement runs, and SQLAlchemy maps both when both run. Every literal
 * `__tablename__` they have may be a table.
 */
export function duplicateClasses(facts: Pick<FileFacts, 'classes' | 'maybeTables'>): void {
  const seen = new Map<string, number>();
  for (const c of facts.classes) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  for (const c of facts.classes) {
    if ((seen.get(c.name) ?? 0) < 2 || !c.tablename) continue;
    // The entry's span is the class's own name span (the same object): `maybeTablesAfterEdit` knows it by that.
    (facts.maybeTables ??= []).push({ name: c.tablename, maker: `\`class ${c.name}\`, one of ${seen.get(c.name)} classes of that name in this module`, span: c.nameSpan });
  }
}

/**
 * A module's maybe-tables after one class was read again (see `extractPythonAfterEdit`): the entries outside that
 * class stay (moved along already), the class's own branch entries are its new reading's, and the duplicate-class
 * entries are made again from the new list of classes, in the order a whole read makes them all.
 */
export function maybeTablesAfterEdit(
  previous: Pick<FileFacts, 'classes' | 'maybeTables'>,
  edited: { span: Span },
  fresh: MaybeTableFact[] | undefined,
  classes: FileFacts['classes'],
): MaybeTableFact[] | undefined {
  const duplicateSpans = new Set<Span>(previous.classes.map((c) => c.nameSpan));
  const inside = (m: MaybeTableFact) => m.span.start >= edited.span.start && m.span.end <= edited.span.end;
  const kept = (previous.maybeTables ?? []).filter((m) => !duplicateSpans.has(m.span) && !inside(m));
  const facts: Pick<FileFacts, 'classes' | 'maybeTables'> = { classes, maybeTables: undefined };
  const statements = [...kept, ...(fresh ?? [])].sort((a, b) => a.span.start - b.span.start);
  if (statements.length > 0) facts.maybeTables = statements;
  duplicateClasses(facts);
  return facts.maybeTables;
}

/** `Field = type("Field", (Base,), {"__tablename__": "fields", ...})`: a class made at run time. */
export function typeCallClass(x: PythonReader, e: Node): void {
  const call = readCall(e);
  if (call.name !== 'type' || call.positional.length !== 3) return;
  const [, bases, body] = call.positional;
  if (bases.type !== 'tuple' || bases.namedChildren.length === 0 || body.type !== 'dictionary') return;
  for (const item of body.namedChildren) {
    const key = item?.type === 'pair' ? item.childForFieldName('key') : null;
    const value = item?.childForFieldName('value');
    if (!key || !value || x.literal(key)?.value !== '__tablename__') continue;
    add(x, x.nameExpr(value, {}), `\`${short(e.text)}\`, a class made by \`type(...)\``, e);
  }
}

/**
 * `Table("legacy", metadata, autoload_with=engine)`: reflecting a table reflects the tables its foreign keys reference
 * as well, into the same metadata, under names only the database knows.
 */
export function reflectedTables(x: PythonReader, call: Node, option: string): void {
  add(x, { kind: 'dynamic', text: '' }, `\`${short(call.text)}\`, which reflects the tables its keys reference (\`${option}\`)`, call);
}

/** What may reflect a whole database into a metadata: `.reflect` (called or passed on), automap's `.prepare(...)`. */
export const REFLECTS = /\.\s*(reflect\b|prepare\s*\()/;

/**
 * `Base.metadata.reflect(bind=engine)`, `conn.run_sync(metadata.reflect)`, automap's `Base.prepare(autoload_with=engine)`
 * (or a `DeferredReflection` base's `prepare(engine)`), anywhere in the file: every table of the database joins the
 * metadata, under names only the database knows. Looked for only when the text shows such a call.
 */
export function reflections(x: PythonReader, root: Node): void {
  if (!REFLECTS.test(x.text)) return;
  const automap = /\b(automap_base|DeferredReflection)\b/.test(x.text);
  for (const a of root.descendantsOfType('attribute')) {
    const object = a?.childForFieldName('object');
    const member = a?.childForFieldName('attribute')?.text;
    if (!a || !object || (object.type !== 'identifier' && object.type !== 'attribute')) continue;
    const call = a.parent?.type === 'call' && a.parent.childForFieldName('function')?.id === a.id ? a.parent : undefined;
    if (member === 'reflect') {
      add(x, { kind: 'dynamic', text: '' }, `\`${short((call ?? a).text)}\` (a reflection of the whole database)`, call ?? a);
    } else if (member === 'prepare' && call) {
      const args = readCall(call);
      const reflects = args.keywords.has('autoload_with') || args.keywords.get('reflect')?.type === 'true' || (automap && (args.positional.length > 0 || args.keywords.has('engine')));
      if (reflects) add(x, { kind: 'dynamic', text: '' }, `\`${short(call.text)}\` (a reflection of the whole database)`, call);
    }
  }
}

function add(x: PythonReader, name: NameExpr, maker: string, node: Node | undefined, span = node ? spanOf(node) : undefined): void {
  if (!span) return;
  (x.facts.maybeTables ??= []).push({ name, maker, span });
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
