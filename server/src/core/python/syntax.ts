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
  keywords: Map<string, Node>;
}

export function readCall(n: Node): CallInfo {
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
