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

const NO_ARGUMENTS: readonly Node[] = [];

export function readCall(n: Node): CallInfo {
  const f = n.childForFieldName('function');
  // A name holds no blank; an attribute may (`sa .Column`, or a line break after the dot).
  const callee = !f ? '' : f.type === 'identifier' ? f.text : f.text.replace(/\s+/g, '');
  const dot = callee.lastIndexOf('.');
  const name = dot < 0 ? callee : callee.slice(dot + 1);
  const qualifier = dot < 0 ? undefined : callee.slice(0, dot);
  const positional: Node[] = [];
  const args = n.childForFieldName('arguments')?.namedChildren ?? NO_ARGUMENTS;
  for (const a of args) {
    if (!a || a.type === 'comment' || a.type === 'keyword_argument') continue;
    if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') positional.push(a);
  }
  return new Call(name, qualifier, positional, args);
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
  return f && (f.type === 'identifier' || f.type === 'attribute') ? f.text.replace(/\s+/g, '') : undefined;
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
