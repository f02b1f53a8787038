import type { Node } from 'web-tree-sitter';
import type { Span } from '../types';

/**
 * Small readings of Python syntax nodes that need nothing but the node: a call's name and arguments, a span, a
 * boolean literal. Whatever needs the file's text or what the reader learned so far lives on `PythonReader`.
 */

/** The last segment of a dotted expression (`sa.orm.Column` → `Column`) and what stands before it. */
export function splitDotted(text: string): { name: string; qualifier?: string } {
  const i = text.lastIndexOf('.');
  return i < 0 ? { name: text } : { name: text.slice(i + 1), qualifier: text.slice(0, i) };
}

export interface CallInfo {
  name: string;
  qualifier?: string;
  positional: Node[];
  readonly keywords: Map<string, Node>;
}

/**
 * A call as `readCall` reads it. Its keyword arguments are gathered when first asked for: most calls read (every
 * call in a migration's `upgrade`, every column's type) are only asked their name, and a map is the largest thing
 * made per call.
 */
class Call implements CallInfo {
  private byKeyword: Map<string, Node> | undefined = undefined;

  constructor(
    readonly name: string,
    readonly qualifier: string | undefined,
    readonly positional: Node[],
    private readonly args: readonly (Node | null)[],
  ) {}

  get keywords(): Map<string, Node> {
    if (this.byKeyword) return this.byKeyword;
    const keywords = new Map<string, Node>();
    for (const a of this.args) {
      if (!a || a.type !== 'keyword_argument') continue;
      const k = a.childForFieldName('name');
      const v = a.childForFieldName('value');
      if (k && v) keywords.set(k.text, v);
    }
    return (this.byKeyword = keywords);
  }
}

/**
 * An empty list of nodes for `node?.namedChildren ?? NO_NODES`. It is made as a list of objects, the kind every
 * node list has: `[]` starts as a list of small integers, and a loop V8 optimised for one kind of list is thrown
 * away when it meets the other (classDefinition's loop over a class's bases was compiled twice for a class with no
 * bases, `--trace-deopt`: "wrong map").
 */
export const NO_NODES: readonly Node[] = (() => {
  const list: Node[] = [undefined as unknown as Node];
  list.pop();
  return list;
})();

/**
 * `text` without its whitespace (what `text.replace(/\s+/g, '')` gives). Most dotted names hold none: a text of printable
 * ASCII only is returned as it is, without running the regex (readCall asks this of every call's callee).
 */
export function withoutBlanks(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return text.replace(/\s+/g, '');
  }
  return text;
}

export function readCall(n: Node): CallInfo {
  const f = n.childForFieldName('function');
  // A name holds no blank; an attribute may (`sa .Column`, or a line break after the dot).
  const callee = !f ? '' : f.type === 'identifier' ? f.text : withoutBlanks(f.text);
  const dot = callee.lastIndexOf('.');
  const name = dot < 0 ? callee : callee.slice(dot + 1);
  const qualifier = dot < 0 ? undefined : callee.slice(0, dot);
  const args = n.childForFieldName('arguments')?.namedChildren ?? NO_NODES;
  // Most calls pass positional arguments only: then the argument list is the positional list (no reader changes it).
  let all = true;
  for (const a of args) if (!isPositional(a)) all = false;
  if (all) return new Call(name, qualifier, args as Node[], args);
  const positional: Node[] = [];
  for (const a of args) if (isPositional(a)) positional.push(a!);
  return new Call(name, qualifier, positional, args);
}

/** Whether an argument is a positional one (not a keyword argument, a splat or a comment). */
function isPositional(a: Node | null): boolean {
  if (!a) return false;
  const t = a.type;
  return t !== 'comment' && t !== 'keyword_argument' && t !== 'list_splat' && t !== 'dictionary_splat';
}

export function spanOf(n: Node): Span {
  return { start: n.startIndex, end: n.endIndex };
}

export function boolValue(n: Node | undefined): boolean | undefined {
  if (!n) return undefined;
  if (n.text === 'True') return true;
  if (n.text === 'False') return false;
  return undefined;
}

export function calleeText(call: Node): string | undefined {
  const f = call.childForFieldName('function');
  return f && (f.type === 'identifier' || f.type === 'attribute') ? withoutBlanks(f.text) : undefined;
}

/**
 * A name as Python reads it: identifiers are normalised to NFKC when parsed (PEP 3131), so `ｉｄ` is `id` and
 * `ﬁle` is `file`. Applied where a written identifier becomes a name FK Guard matches: class and attribute
 * names, and the parts of an attribute reference. (Imports are not normalised: a module or name imported under
 * a non-ASCII spelling stays as written.)
 */
export function pythonName(text: string): string {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return text.normalize('NFKC');
  return text;
}

/** Node types of literals: a value that can never be a `MetaData`. */
const LITERALS = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none', 'list', 'tuple', 'dictionary', 'set']);

/**
 * Whether a call named `Table` has SQLAlchemy's shape: a name, then a metadata (any expression but a literal).
 * Other libraries have a `Table` too (boto3's `dynamodb.Table("orders")`, rich's `Table("a", "b")`): read as
 * tables, they made column-less tables, and a reference to one was "has no column" instead of unknown.
 */
export function isSqlAlchemyTable(call: CallInfo): boolean {
  const metadata = call.positional[1] ?? call.keywords.get('metadata');
  // Any expression may hold the metadata (`METADATAS["main"]`, `meta or default`): only a literal cannot.
  return call.positional.length >= 1 && metadata !== undefined && !LITERALS.has(metadata.type);
}
