import type { Node } from 'web-tree-sitter';
import { MAX_BRACKET_DEPTH, MAX_COMMENT_RUN, MAX_INDENT_LEVELS, skipString } from './unreadable';

/**
 * The fast path of a cold scan: a hand-written Python tokenizer and parser that builds, for the files it fully
 * understands, the very syntax tree tree-sitter's Python grammar (tree-sitter-python 0.25) builds: the same node
 * types, fields, spans and comment placement. `extractPython` then reads it exactly as it reads a tree-sitter
 * tree, so the facts are the same by construction wherever the trees are; reading plain objects instead of
 * crossing into WebAssembly for every node is what makes it fast.
 *
 * It declines (returns undefined) a file it does not understand completely: any syntax error, and every shape
 * it does not model or models less surely than tree-sitter resolves it (line continuations, non-ASCII outside
 * strings and comments, `print >>`, walrus, complex annotations, type parameter defaults, ...). A declined file
 * goes to tree-sitter, which stays the reference: test/engine/scanner.test.ts parses every fixture and a corpus
 * of tricky shapes both ways and compares the trees node by node and the facts field by field, and a difference
 * is fixed by declining the shape.
 */

export class Decline extends Error {}

function decline(why: string): never {
  throw new Decline(why);
}

let nextId = 1;

/**
 * An empty list made to hold objects. A list made as `[]` starts out made for small integers and changes kind at its
 * first object: code V8 optimised for lists of one kind is thrown away when it meets the other. The tokenizer's loop,
 * optimised for the token list of one file and then met with the next file's new one, was compiled 7 times in a scan
 * of the bench's real-shaped workspace (`--trace-opt`), 14 % of the optimising compiler's time; made this way, 3.
 */
function objectList<T>(): T[] {
  const list: T[] = [undefined as T];
  list.pop();
  return list;
}

/** Shared by every leaf (most nodes are): a leaf's list is never changed. */
const NO_CHILDREN: ScanNode[] = objectList();
/** Where the parser got to, for `scanDeclineReason`'s message. */
let reached = 0;

/**
 * The nodes of one file's tree, taken again for the next file's. A cold scan reads thousands of files one after
 * another, and each tree is alive from its scan to the end of its reading: made new, its nodes were copied by every
 * young-generation collection that ran meanwhile and again when promoted (on the bench's real-shaped workspace the
 * scanner spent most of its time in the collector). Taken again, they sit in the old generation and are neither
 * copied nor freed. A tree scanned into an arena lives until the arena's next scan: its owner must hold no node of
 * it past that (the Python dialect scans, reads the facts, and lets the tree go before the next file).
 */
export class ScanArena {
  readonly nodes: ScanNode[] = [];
  used = 0;
}

/**
 * At most this many nodes are kept for reuse (about 9 MB): a larger file's further nodes are made new, so that one
 * very large file does not pin its whole tree's memory for the rest of the scan.
 */
const MAX_ARENA_NODES = 64 * 1024;

/** The arena of the scan running now, if its caller gave one (see `scanPython`), and the text it reads. */
let arena: ScanArena | undefined;
let source = '';

/**
 * A leaf node (or an inner node whose children are set after). Every node of a scan given an arena is made the same
 * way, `nodes[used++]`, the arena growing by one when full: made new the first file and taken again afterwards along
 * two paths, the optimised code of each caller (`mk`, `Parser.node`, ...) was made for the first and thrown away at
 * the second file ("insufficient type feedback", `--trace-deopt`), and compiled again. A file's nodes beyond
 * `MAX_ARENA_NODES` are given back when its scan ends (`scanPython`).
 */
function newNode(type: string, isNamed: boolean, start: number, end: number): ScanNode {
  const a = arena;
  if (a === undefined) return new ScanNode().init(type, isNamed, start, end, source);
  const nodes = a.nodes;
  if (a.used === nodes.length) nodes.push(new ScanNode());
  return nodes[a.used++].init(type, isNamed, start, end, source);
}

/**
 * A node over `children`, which become its own list. Apart from `newNode`, whose callers (tokens, `Parser.node`) set
 * children themselves: a loop over them there, met only by the few nodes made this way, cost the optimised code of
 * every caller its assumptions the first time it ran.
 */
function nodeOver(type: string, isNamed: boolean, start: number, end: number, children: ScanNode[]): ScanNode {
  const node = newNode(type, isNamed, start, end);
  node.children = children;
  for (let i = 0; i < children.length; i++) {
    children[i].parent = node;
    children[i].slot = i;
  }
  return node;
}

/**
 * A syntax node with the part of web-tree-sitter's `Node` interface that the Python reader uses. A file's whole
 * tree stays alive from its scan to the end of its reading, so every field here is paid for once per node (and
 * copied by each garbage collection it survives): the field a node is in is kept on the node, not in a list on
 * its parent, and a token's node is the token itself.
 */
export class ScanNode {
  readonly id = nextId++;
  parent: ScanNode | null = null;
  /** Children in order; hidden tokens (newline, indent, dedent) are never among them. */
  children: ScanNode[] = NO_CHILDREN;
  /** The field of its parent this node is in, if any. */
  field: string | undefined = undefined;
  private named: ScanNode[] | undefined = undefined;
  /** For a token: its kind, its text (names and operators) and, for a string, its parts. */
  kind: TokKind | undefined = undefined;
  value = '';
  str: StringTok | undefined = undefined;
  /** This node's index among its parent's children; for a hidden token, how many visible children precede it. */
  slot = 0;
  type = '';
  isNamed = false;
  /** For a leaf, its own span; for an inner node, its children's (a trailing comment may widen it). */
  startIndex = 0;
  endIndex = 0;
  source = '';

  /** Makes this node (a new one, or one of a `ScanArena` taken again) the leaf described, with no parent yet. */
  init(type: string, isNamed: boolean, startIndex: number, endIndex: number, source: string): this {
    this.parent = null;
    this.children = NO_CHILDREN;
    this.field = undefined;
    this.named = undefined;
    this.kind = undefined;
    this.value = '';
    this.str = undefined;
    this.slot = 0;
    this.type = type;
    this.isNamed = isNamed;
    this.startIndex = startIndex;
    this.endIndex = endIndex;
    this.source = source;
    return this;
  }

  get start(): number {
    return this.startIndex;
  }

  get end(): number {
    return this.endIndex;
  }

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  /**
   * The named children, made once per node. Every list here is a list of objects (see `objectList`): a reader's loop
   * over them (`for (const a of supers?.namedChildren ?? NO_NODES)`) is optimised for that kind and would be thrown
   * away at the first list of another kind (`filter` starts its result as a list of small integers, and one that
   * stays empty keeps that kind). When every child is named, the list is the children's own list.
   */
  get namedChildren(): ScanNode[] {
    const named = this.named;
    if (named !== undefined) return named;
    const children = this.children;
    let count = 0;
    for (let i = 0; i < children.length; i++) if (children[i].isNamed) count++;
    if (count === children.length) return (this.named = children);
    if (count === 0) return (this.named = NO_CHILDREN);
    const list: ScanNode[] = objectList();
    for (let i = 0; i < children.length; i++) if (children[i].isNamed) list.push(children[i]);
    return (this.named = list);
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get hasError(): boolean {
    return false;
  }

  get isMissing(): boolean {
    return false;
  }

  get isExtra(): boolean {
    return this.type === 'comment';
  }

  child(i: number): ScanNode | null {
    return this.children[i] ?? null;
  }

  namedChild(i: number): ScanNode | null {
    return this.namedChildren[i] ?? null;
  }

  /** Hidden tokens take part in comment placement only. */
  get hidden(): boolean {
    const k = this.kind;
    return k === 'newline' || k === 'indent' || k === 'dedent' || k === 'eof';
  }

  childForFieldName(field: string): ScanNode | null {
    const children = this.children;
    for (let i = 0; i < children.length; i++) if (children[i].field === field) return children[i];
    return null;
  }

  childrenForFieldName(field: string): ScanNode[] {
    return this.children.filter((c) => c.field === field);
  }

  fieldNameForChild(i: number): string | null {
    return this.children[i]?.field ?? null;
  }

  descendantsOfType(types: string | string[]): ScanNode[] {
    const want = Array.isArray(types) ? types : [types];
    const out: ScanNode[] = objectList();
    const visit = (n: ScanNode) => {
      for (const c of n.children) {
        if (want.includes(c.type)) out.push(c);
        visit(c);
      }
    };
    visit(this);
    return out;
  }

  /** This node as the reader's `Node` type: it has every member the reader calls. */
  get asNode(): Node {
    return this as unknown as Node;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tokens

type TokKind = 'name' | 'number' | 'string' | 'op' | 'comment' | 'newline' | 'indent' | 'dedent' | 'eof';

/** A token is the leaf node it becomes (most nodes are tokens: one object for both spares the collector). */
type Tok = ScanNode;

/**
 * A token of `kind` whose node type is `type` (names, numbers and operators are typed by their text; an identifier,
 * an integer, ... is typed by the parser). The type is given by each caller, a constant there: found by the kind in a
 * table, it was the line of the tokenizer's loop that took most time (`--cpu-prof`).
 */
function mk(kind: TokKind, type: string, start: number, end: number, value: string, str?: StringTok): Tok {
  const t = newNode(type, kind === 'comment', start, end);
  t.kind = kind;
  t.value = value;
  t.str = str;
  return t;
}

interface StringTok {
  /** The (first) opening quote, after the prefix. */
  quote: number;
  /** End of the prefix and opening quote(s): `string_start`. */
  openEnd: number;
  /** Start of the closing quote(s): `string_end`. */
  closeStart: number;
  format: boolean;
  /**
   * Runs of content and interpolations, in order; the same empty list for a string with neither, and `ONE_RUN` for
   * one run of content from `openEnd` to `closeStart` (most strings: no run or list is made for them).
   */
  parts: Array<Content | Interp>;
  /** The first and last nodes made of the string (its quotes), for comment placement. */
  firstNode?: ScanNode;
  lastNode?: ScanNode;
}

/** A run of a string's content, `[start, end)`. */
interface Content {
  content: true;
  start: number;
  end: number;
}

interface Interp {
  content?: undefined;
  start: number;
  end: number;
  tokens: Tok[];
  /** The `=` of a self-documenting interpolation (`{x=}`), if any. */
  equals?: number;
  conversion?: [number, number];
  spec?: [number, number];
  /** The replacement fields nested in the specifier (`{x:>{width}}`), if any. */
  nested?: Interp[];
}

const OPS1 = '+-*/%@&|^~<>()[]{},:;.=';

/**
 * The operator at `i`, the longest that matches (a constant string: nothing is allocated). Read off tables, the same
 * loads for every operator: a branch per first character, first met after V8 optimised the tokenizer (the first `-`
 * or `<` of a scan), threw the optimised code away ("insufficient type feedback", `--trace-deopt`).
 */
function opAt(text: string, i: number): string {
  const c = text.charCodeAt(i);
  const one = OP_BY_CHAR[c];
  if (one === undefined) decline(`the character ${JSON.stringify(text[i])}`);
  // A read past the end (an operator at the end of the text) would give NaN, and throw away the optimised code of
  // the tokenizer, which counts on reads within the text; 0 is no character an operator continues with either (nor
  // is a character past ASCII, which keeps the tables' index within their row).
  const n = text.length;
  const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
  const e = i + 2 < n ? text.charCodeAt(i + 2) : 0;
  const k = OP2[(c << 7) | (d < 128 ? d : 0)];
  if (k === 0) return c === 33 ? decline('a lone !') : one;
  return e === OP2_THIRD[k] ? OP3[k] : OP2_TEXT[k];
}

// Every ASCII code has its slot (a read past the end would cost the optimised code its assumptions).
const OP_BY_CHAR: Array<string | undefined> = new Array<string | undefined>(128).fill(undefined);
for (const ch of OPS1 + '!') OP_BY_CHAR[ch.charCodeAt(0)] = ch;
/**
 * The operators of two characters and more, by their first two: `OP2[c * 128 + d]` is the number of the pair (0 for
 * none), and the pair's operator is `OP2_TEXT`'s, or `OP3`'s when the next character is `OP2_THIRD`'s (`**=`, `...`;
 * `..` alone is `.`, and -1 is no character).
 */
const OP2 = new Uint8Array(128 * 128);
const OP2_TEXT: string[] = [''];
const OP2_THIRD: number[] = [-1];
const OP3: string[] = [''];
for (const [pair, text, longer] of [
  ['**', '**', '**='], ['//', '//', '//='], ['>>', '>>', '>>='], ['<<', '<<', '<<='], ['..', '.', '...'],
  ['<>', '<>', ''], ['->', '->', ''], [':=', ':=', ''], ['!=', '!=', ''], ['==', '==', ''], ['<=', '<=', ''], ['>=', '>=', ''],
  ['+=', '+=', ''], ['-=', '-=', ''], ['*=', '*=', ''], ['/=', '/=', ''], ['%=', '%=', ''], ['&=', '&=', ''], ['|=', '|=', ''],
  ['^=', '^=', ''], ['@=', '@=', ''],
]) {
  OP2[(pair.charCodeAt(0) << 7) | pair.charCodeAt(1)] = OP2_TEXT.length;
  OP2_TEXT.push(text);
  OP2_THIRD.push(longer ? longer.charCodeAt(2) : -1);
  OP3.push(longer);
}

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * A file's tokens, in order (the first `count` of `toks`), and its comments apart (see `Parser`).
 */
interface Tokens {
  toks: Tok[];
  count: number;
  comments: Array<{ tok: Tok; before: number }>;
}

/**
 * The list every file's tokens are put in, taken again for the next file's (only its first `count` are that file's).
 * Made anew per file and grown by `push`, the token lists were the largest garbage of a scan (a fifth of the 225 MB a
 * pass over the bench's real candidates allocated, `HeapProfiler` sampling with collected objects).
 */
const TOKENS: Tok[] = objectList();

/** What `tokenize` has made of a file so far (see there). */
class TokenSink {
  // Comments go apart from the tokens the grammar reads, each with the index of the token after it (see `Parser`).
  readonly toks: Tok[] = TOKENS;
  count = 0;
  readonly comments: Array<{ tok: Tok; before: number }> = objectList();
  /** The end of the last token or comment emitted, and whether there was one. */
  lastEnd = 0;
  emitted = false;
  /** Comment-only lines since the last line with code on it (`parserInput` blanks a run of more). */
  commentRun = 0;
  readonly indents = [0];
  /** Comment lines (own lines) seen since the last logical line, with their indentation. */
  pending: Array<{ tok: Tok; indent: number }> = objectList();

  emit(t: Tok): void {
    this.toks[this.count++] = t;
    this.lastEnd = t.endIndex;
    this.emitted = true;
    this.commentRun = 0;
  }

  emitComment(t: Tok): void {
    this.comments.push({ tok: t, before: this.count });
    this.lastEnd = t.endIndex;
    this.emitted = true;
  }

  commentLine(): void {
    if (++this.commentRun > MAX_COMMENT_RUN) decline('a long run of comment lines');
  }

  /** Empties `pending`; most lines have no comment line before them, and their list is kept (not made anew per line). */
  clearPending(): void {
    if (this.pending.length > 0) this.pending = objectList();
  }

  zero(kind: TokKind, at: number): Tok {
    return mk(kind, kind === 'newline' ? '_newline' : kind === 'indent' ? '_indent' : '_dedent', at, at, '');
  }

  /** The logical line before one indented `nextIndent` ended (or the file did: `atEof`). */
  closeLine(nextIndent: number, atEof: boolean): void {
    const toks = this.toks;
    const indents = this.indents;
    // A header's `:` opens a block, anything else a newline.
    // A `:` that ends a line outside brackets always ends a compound statement's header.
    const last = this.count > 0 ? toks[this.count - 1] : undefined;
    if (last && last.kind === 'op' && last.value === ':') {
      if (atEof || nextIndent <= indents[indents.length - 1]) decline('a block that is not indented');
      this.emit(this.zero('indent', this.lastEnd));
      indents.push(nextIndent);
      if (indents.length - 1 > MAX_INDENT_LEVELS) decline('blocks nested too deep');
      for (const p of this.pending) this.emitComment(p.tok);
      this.clearPending();
      return;
    }
    if (this.emitted) this.emit(this.zero('newline', this.lastEnd));
    for (const p of this.pending) {
      while (indents[indents.length - 1] > nextIndent && p.indent < indents[indents.length - 1]) {
        indents.pop();
        this.emit(this.zero('dedent', this.lastEnd));
      }
      this.emitComment(p.tok);
    }
    this.clearPending();
    while (indents[indents.length - 1] > nextIndent) {
      indents.pop();
      this.emit(this.zero('dedent', this.emitted ? this.lastEnd : 0));
    }
    if (indents[indents.length - 1] !== nextIndent) decline('indentation that matches no open block');
  }
}

/**
 * The tokens of a Python file, with the newline, indent and dedent tokens tree-sitter's external scanner makes,
 * placed among comments as it places them (they decide which node a comment belongs to; see `placeComments`).
 *
 * It also declines every text that `parserInput` (unreadable.ts) would hand tree-sitter rewritten, or refuse, so
 * that a text without a carriage return needs no second pass to rule those out (see `scanPython`). It reads the
 * same code apart from strings and comments as `parserInput` once their strings end at the same offsets, which it
 * checks for each string (`skipString`), and their lines' indentation the same once both count columns alike, which
 * it checks for each line: so its brackets, indentation levels and runs of comment lines are those `parserInput`
 * counts, and it declines where `parserInput` refuses (too deep) or blanks (too many comment lines in a row).
 */
/**
 * The indentation of the next line that holds anything but blanks, from `i` (the start of a line), counted as the
 * external scanner counts it (a tab is 8 columns); Infinity when none follows.
 */
function lineIndent(text: string, i: number): number {
  let col = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) col++;
    else if (c === 9) col += 8;
    else if (c === 12) col = 0;
    else if (c === 10 || c === 13) col = 0;
    else return col;
  }
  return Infinity;
}

function tokenize(text: string): Tokens {
  // The tokens so far and what placing the next ones needs: a class, not closures made per file, so that the optimised
  // code of this loop, made for one file's calls, still holds for the next file's (a closure is a new callee each time).
  const out = new TokenSink();
  const n = text.length;
  let depth = 0;
  let i = 0;
  /** Whether a logical line has started (tokens were emitted since the last line break outside brackets). */
  let inLine = false;

  while (i < n) {
    if (!inLine && depth === 0) {
      // At the start of a physical line outside brackets: its indentation, as the external scanner counts it.
      let col = 0;
      // The column as `parserInput` counts it, where a tab moves to the next multiple of 8.
      let tabStop = 0;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 32) {
          col++;
          tabStop++;
        } else if (c === 9) {
          col += 8;
          tabStop = (Math.floor(tabStop / 8) + 1) * 8;
        } else if (c === 12) col = tabStop = 0;
        else break;
        i++;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        continue;
      }
      if (c === 13) {
        if (text.charCodeAt(i + 1) !== 10) decline('a lone carriage return');
        i += 2;
        continue;
      }
      if (c === 35) {
        const end = lineEnd(text, i);
        out.pending.push({ tok: mk('comment', 'comment', i, end, ''), indent: col });
        out.commentLine();
        i = end;
        continue;
      }
      if (col !== tabStop) decline('an indentation with a tab after spaces');
      if (!out.emitted && out.pending.length === 0 && col > 0) decline('an indented first line');
      if (!out.emitted) {
        // Comments before the first statement.
        for (const p of out.pending) out.emitComment(p.tok);
        out.clearPending();
        if (col !== 0) decline('an indented first line');
      } else out.closeLine(col, false);
      inLine = true;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12) {
      i++;
      continue;
    }
    if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) !== 10) decline('a lone carriage return');
      i += c === 13 ? 2 : 1;
      if (depth === 0) inLine = false;
      // Inside brackets, a line indented less than its block (`primary_key=` then `True)` at column 0 in a class
      // body): tree-sitter's external scanner may take it for a dedent and read a syntax error where Python reads
      // none (after an operator or `=`, not after a comma). The scanner would then lose that error: declined.
      else if (lineIndent(text, i) < out.indents[out.indents.length - 1]) decline('a line inside brackets indented less than its block');
      continue;
    }
    if (c === 35) {
      const end = lineEnd(text, i);
      if (firstOnLine(text, i)) out.commentLine();
      out.emitComment(mk('comment', 'comment', i, end, ''));
      i = end;
      continue;
    }
    if (c === 92) {
      // `\` at the end of a line: a `line_continuation` extra, except before a string, where tree-sitter's
      // scanner passes over it as whitespace while it looks for the string's start.
      const nl = text.charCodeAt(i + 1) === 13 ? i + 2 : i + 1;
      if (text.charCodeAt(nl) !== 10 || !inLine) decline('a backslash that is no line continuation');
      let j = nl + 1;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      const next = text.charCodeAt(j);
      if (j >= n || next === 10 || next === 13 || next === 35 || next === 92 || next === 12) decline('a line continuation before a blank line or a comment');
      let k = j;
      while (k < n && /[fFtTrRbBuU]/.test(text[k])) k++;
      const q = text.charCodeAt(k);
      if (q !== 34 && q !== 39) out.emitComment(mk('comment', 'line_continuation', i, nl + 1, 'line_continuation'));
      i = nl + 1;
      continue;
    }
    const word = lexStringOrName(text, i, c);
    if (word) {
      // `parserInput` reads a string without a prefix the way `lexString` does (a backslash and the character after
      // it, up to the quotes that close it; a line break in a one-line string is declined there): it ends at the same
      // offset. A prefixed one may not (a raw string's backslashes, an f-string's quotes inside an interpolation).
      if (word.str && word.str.quote > word.startIndex && skipString(text, word.str.quote) !== word.endIndex) decline('a string parserInput ends elsewhere');
      out.emit(word);
      i = word.end;
      continue;
    }
    if (isDigit(c)) {
      // Most numbers are a run of digits followed by no letter, `_` or `.`: what NUMBER matches there, read without it.
      let end = i + 1;
      while (end < n && isDigit(text.charCodeAt(end))) end++;
      const d = end < n ? text.charCodeAt(end) : 0;
      if (!isIdPart(d) && d !== 46 && d <= 127) {
        const digits = text.slice(i, end);
        out.emit(mk('number', digits, i, end, digits));
        i = end;
        continue;
      }
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) decline('a number');
      const end = i + m[0].length;
      if (end < n && (isIdPart(text.charCodeAt(end)) || text.charCodeAt(end) === 46 || text.charCodeAt(end) > 127)) decline('a number followed by a name');
      out.emit(mk('number', m[0], i, end, m[0]));
      i = end;
      continue;
    }
    if (c > 127) decline('a non-ASCII character outside strings and comments');
    const op = opAt(text, i);
    if (op === '(' || op === '[' || op === '{') {
      if (++depth > MAX_BRACKET_DEPTH) decline('brackets nested too deep');
    } else if (op === ')' || op === ']' || op === '}') {
      if (depth === 0) decline('an unbalanced bracket');
      depth--;
    }
    out.emit(mk('op', op, i, i + op.length, op));
    i += op.length;
  }
  if (depth !== 0) decline('an unclosed bracket');
  if (out.emitted) out.closeLine(0, true);
  else for (const p of out.pending) out.emitComment(p.tok);
  out.emit(mk('eof', '_eof', n, n, ''));
  return { toks: out.toks, count: out.count, comments: out.comments };
}

const NUMBER =
  /(?:0[xX](?:_?[0-9a-fA-F]+)+[lL]?|0[oO](?:_?[0-7]+)+[lL]?|0[bB](?:_?[01]+)+[lL]?|(?:(?:[0-9]+_?)+\.(?:[0-9]+_?)*(?:[eE][+-]?(?:[0-9]+_?)+)?|\.(?:[0-9]+_?)+(?:[eE][+-]?(?:[0-9]+_?)+)?|(?:[0-9]+_?)+[eE][+-]?(?:[0-9]+_?)+)[jJ]?|(?:[0-9]+_?)+[lLjJ]?)/y;

function lineEnd(text: string, i: number): number {
  const j = text.indexOf('\n', i);
  return j < 0 ? text.length : j;
}

/** Whether only blanks stand before `i` on its line, as `parserInput` tells a comment line. */
function firstOnLine(text: string, i: number): boolean {
  for (let j = i - 1; j >= 0; j--) {
    const c = text.charCodeAt(j);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 12) return false;
  }
  return true;
}

/** A string literal from its prefix at `start` (the quote at `quote`), with an f-string's interpolations tokenized. */
function lexString(text: string, start: number, quote: number): Tok {
  // Most strings have no prefix: they are told apart without a slice and two runs of a regex.
  const prefix = quote > start ? text.slice(start, quote) : '';
  const format = quote > start && /[fFtT]/.test(prefix);
  const raw = quote > start && /[rR]/.test(prefix);
  const q = text.charCodeAt(quote);
  // Both characters are compared for every string (no `&&` between the comparisons): a comparison first made after
  // V8 optimised this function, at the first empty or triple-quoted string, threw the optimised code away.
  const n = text.length;
  const second = quote + 1 < n && text.charCodeAt(quote + 1) === q;
  const third = quote + 2 < n && text.charCodeAt(quote + 2) === q;
  const triple = second && third;
  const openEnd = quote + (triple ? 3 : 1);
  // Made at the first part: most strings have one run of content and no interpolation.
  let parts: StringTok['parts'] | undefined;
  let i = openEnd;
  let contentStart = i;
  // Whether the content since `segmentStart` (the start of tree-sitter's current content token: the start of the run,
  // or the end of an escaped brace in it) has a character besides a raw string's backslash pairs: tree-sitter's
  // scanner makes a last token of only those part of the string's end (`r'\\'`; see the closing quote below).
  let segmentStart = i;
  let runHasContent = false;
  for (;;) {
    if (i >= n) decline('an unterminated string');
    const c = text.charCodeAt(i);
    if (c === 92) {
      // A backslash escapes the next character (in a raw string it still keeps the quote from ending it).
      const next = text.charCodeAt(i + 1);
      if (next === 13) decline('a carriage return escaped in a string');
      if (format && (next === 123 || next === 125)) decline('a backslash before a brace in an f-string');
      if (raw) {
        // As the scanner steps: the backslash, then an escaped quote or backslash, then a line break.
        i++;
        if (text.charCodeAt(i) === q || text.charCodeAt(i) === 92) i++;
        if (text.charCodeAt(i) === 10) i++;
        continue;
      }
      runHasContent = true;
      i += 2;
      continue;
    }
    if (c === q && (!triple || (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q))) {
      // A raw string's last token made of backslash pairs only (`r'\\'`, `rf'}}\\'`) is no content to tree-sitter's
      // scanner: it is part of the string's end.
      const closeStart = raw && !runHasContent ? segmentStart : i;
      if (closeStart > contentStart) {
        // Without a part before it, the run starts at `openEnd`.
        if (parts) parts.push({ content: true, start: contentStart, end: closeStart });
        else parts = ONE_RUN;
      }
      const end = i + (triple ? 3 : 1);
      // `firstNode` and `lastNode` are set by the parser: made here, they have their place in the object itself.
      return mk('string', 'string', start, end, '', { quote, openEnd, closeStart, format, parts: parts ?? NO_PARTS, firstNode: undefined, lastNode: undefined });
    }
    if ((c === 10 || c === 13) && !triple) decline('a newline in a one-line string');
    if (format && (c === 123 || c === 125)) {
      if (text.charCodeAt(i + 1) === c) {
        // An escaped brace (`{{`) is a token of its own to tree-sitter's scanner, inside the content: the next token
        // starts after it.
        i += 2;
        segmentStart = i;
        runHasContent = false;
        continue;
      }
      if (c === 125) decline('a lone } in an f-string');
      parts ??= [];
      // A run of backslash pairs only is content here, before an interpolation.
      if (i > contentStart) parts.push({ content: true, start: contentStart, end: i });
      const interp = lexInterpolation(text, i);
      parts.push(interp);
      i = interp.end;
      contentStart = segmentStart = i;
      runHasContent = false;
      continue;
    }
    if (c === q) {
      // A quote in a triple-quoted string that does not end it ends tree-sitter's content token.
      i++;
      segmentStart = i;
      runHasContent = false;
      continue;
    }
    runHasContent = true;
    i++;
  }
}

/** The parts of every string without content or interpolations (`""`): never changed. */
const NO_PARTS: StringTok['parts'] = objectList();
/** The parts of every string that is one run of content (see `StringTok.parts`): never read as a list. */
const ONE_RUN: StringTok['parts'] = objectList();

/** `{expression!r:spec}` inside an f-string, from its `{` at `open`. */
/**
 * The string (with its prefix, `rb"..."`) or the name that starts at `i`, whose first character is `c`; undefined
 * for anything else. The same in code and inside an f-string's interpolation.
 */
function lexStringOrName(text: string, i: number, c: number): Tok | undefined {
  if (c === 34 || c === 39) return lexString(text, i, i);
  if (!isIdStart(c)) return undefined;
  const n = text.length;
  let j = i + 1;
  while (j < n && isIdPart(text.charCodeAt(j))) j++;
  const q = text.charCodeAt(j);
  if ((q === 34 || q === 39) && /^[fFtTrRbBuU]+$/.test(text.slice(i, j))) return lexString(text, i, j);
  if (j < n && text.charCodeAt(j) > 127) decline('a non-ASCII name');
  const word = wordAt(text, i, j);
  return mk('name', word, i, j, word);
}

function lexInterpolation(text: string, open: number, inSpec = false): Interp {
  const tokens: Tok[] = [];
  let depth = 0;
  let i = open + 1;
  const n = text.length;
  for (;;) {
    if (i >= n) decline('an unterminated interpolation');
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 10 || c === 13 || c === 35 || c === 92) decline('a newline, comment or backslash in an interpolation');
    if (depth === 0 && (c === 125 || c === 58 || (c === 33 && text.charCodeAt(i + 1) !== 61) || (c === 61 && text.charCodeAt(i + 1) !== 61))) break;
    const word = lexStringOrName(text, i, c);
    if (word) {
      tokens.push(word);
      i = word.end;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) decline('a number');
      tokens.push(mk('number', m[0], i, i + m[0].length, m[0]));
      i += m[0].length;
      continue;
    }
    if (c > 127) decline('a non-ASCII character in an interpolation');
    const op = opAt(text, i);
    if (op === ':=') decline('a walrus in an interpolation');
    if (op === '(' || op === '[' || op === '{') depth++;
    else if (op === ')' || op === ']' || op === '}') depth--;
    tokens.push(mk('op', op, i, i + op.length, op));
    i += op.length;
  }
  if (tokens.length === 0) decline('an empty interpolation');
  const interp: Interp = { start: open, end: 0, tokens };
  // `{x=}` (self-documenting, Python 3.8): the `=` is an anonymous token of the interpolation; blanks may follow it.
  if (text.charCodeAt(i) === 61) {
    interp.equals = i;
    i++;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  }
  if (text.charCodeAt(i) === 33) {
    if (!/[a-z]/.test(text[i + 1] ?? '')) decline('a conversion');
    interp.conversion = [i, i + 2];
    i += 2;
  }
  if (text.charCodeAt(i) === 58) {
    const s = i;
    let nested: Interp[] | undefined;
    while (i < n && text.charCodeAt(i) !== 125) {
      const c = text.charCodeAt(i);
      if (c === 123 && !inSpec) {
        // `{x:>{width}}`: a replacement field nested in the specifier (a `format_expression`), one level deep.
        const inner = lexInterpolation(text, i, true);
        (nested ??= []).push(inner);
        i = inner.end;
        continue;
      }
      if (c === 123 || c === 10 || c === 13 || c === 34 || c === 39 || c === 92) decline('a format specifier FK Guard does not model');
      i++;
    }
    // An empty specifier (`{x:}`) is lexed differently; it is rare enough to leave to tree-sitter.
    if (i === s + 1) decline('an empty format specifier');
    interp.spec = [s, i];
    if (nested) interp.nested = nested;
  }
  if (text.charCodeAt(i) !== 125) decline('an unclosed interpolation');
  interp.end = i + 1;
  return interp;
}

// ---------------------------------------------------------------------------------------------------------
// Parser

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);

/** Every word the parser tells apart from a plain name: the keywords and the soft keywords it checks for. */
const WORDS_BY_FIRST: Array<string[] | undefined> = new Array<string[] | undefined>(128).fill(undefined);
for (const w of [...KEYWORDS, '__future__', 'print', 'exec', 'match', 'type']) (WORDS_BY_FIRST[w.charCodeAt(0)] ??= []).push(w);

/**
 * A name token's value: the word, when it is one of those above (a constant string), else '' (a plain name, which
 * becomes an identifier node and is read through its span). No string is made per name.
 */
function wordAt(text: string, i: number, j: number): string {
  const words = WORDS_BY_FIRST[text.charCodeAt(i)];
  if (words) for (const w of words) if (w.length === j - i && text.startsWith(w, i)) return w;
  return '';
}

/** The statements named after their keyword, with their node types spelled out (no string is built per node). */
const STATEMENT_TYPE: Record<string, string> = {
  pass: 'pass_statement',
  break: 'break_statement',
  continue: 'continue_statement',
  global: 'global_statement',
  nonlocal: 'nonlocal_statement',
};

/** The grammar's precedences, which put `^` above `&` (Python has them the other way round). */
const BINARY_PRECEDENCE = new Map<string, number>([
  ['|', 1],
  ['&', 2],
  ['^', 3],
  ['<<', 4],
  ['>>', 4],
  ['+', 5],
  ['-', 5],
  ['*', 6],
  ['@', 6],
  ['/', 6],
  ['%', 6],
  ['//', 6],
]);

/** The fields of the parts of the most frequent nodes, by position (see `Parser.node`). */
const ASSIGNMENT_FIELDS = ['left', undefined, 'right'];
const ANNOTATED_ASSIGNMENT_FIELDS = ['left', undefined, 'type', undefined, 'right'];
const NAME_VALUE_FIELDS = ['name', undefined, 'value'];
const BINARY_FIELDS = ['left', 'operator', 'right'];
const ATTRIBUTE_FIELDS = ['object', undefined, 'attribute'];
const CALL_FIELDS = ['function', 'arguments'];
const PAIR_FIELDS = ['key', undefined, 'value'];

const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '@=', '//=', '%=', '**=', '>>=', '<<=', '&=', '^=', '|=']);
const COMPARISON = new Set(['<', '<=', '==', '!=', '>=', '>', '<>']);
/**
 * Operators that never continue an expression that stands before them (`:=`, `==` and the augmented assignments are
 * tokens of their own): see `Parser.expression`.
 */
const ENDS_EXPRESSION = new Set([',', ')', ']', '}', ':', '=', ';']);

type Child = ScanNode | [string, ScanNode] | undefined;

class Parser {
  private p = 0;
  private readonly toks: Tok[];
  /** How many of `toks` are this text's (see `TOKENS`). */
  private readonly count: number;
  /**
   * The parts of the argument lists being read (a list's arguments may hold calls of their own): each list's parts
   * are put here, above those of the lists around it, and copied out at its end into a list of their exact size. A
   * list made by `push` grows to 17 slots at its second part, and an argument list, alive with its tree, was the
   * largest thing the parser made (17 MB of the 183 MB a pass over the bench's real-shaped candidates allocates).
   */
  private readonly pending: Child[] = objectList();
  private top = 0;
  /** Comments, kept apart from the tokens the grammar reads; `before` is the index of the token after each. */
  readonly comments: Array<{ tok: Tok; before: number }>;

  constructor(
    private readonly text: string,
    tokens: Tokens,
  ) {
    this.toks = tokens.toks;
    this.count = tokens.count;
    this.comments = tokens.comments;
  }

  private mark(): void {
    reached = this.toks[this.p].startIndex;
    this.p++;
  }

  /** The first and last node made of the token at `k` (a string token makes several), for comment placement. */
  firstOf(k: number): ScanNode | undefined {
    const t = this.at(k);
    return t?.kind === 'eof' ? undefined : (t?.str?.firstNode ?? t);
  }

  lastOf(k: number): ScanNode | undefined {
    const t = this.at(k);
    return t?.str?.lastNode ?? t;
  }

  // --- token helpers

  /** The token at `k`, if the text has one there. */
  private at(k: number): Tok | undefined {
    return k < this.count ? this.toks[k] : undefined;
  }

  private get tok(): Tok {
    return this.toks[this.p];
  }

  private peek(k = 1): Tok {
    return this.toks[Math.min(this.p + k, this.count - 1)];
  }

  private isOp(v: string, t: Tok = this.tok): boolean {
    return t.kind === 'op' && t.value === v;
  }

  private isKw(v: string, t: Tok = this.tok): boolean {
    return t.kind === 'name' && t.value === v;
  }

  /** The current token as an anonymous leaf node, consumed. */
  private take(): ScanNode {
    const t = this.tok;
    if (t.kind === 'eof') decline('unexpected end of file');
    this.mark();
    return t;
  }

  private expectOp(v: string): ScanNode {
    if (!this.isOp(v)) decline(`expected ${v}`);
    return this.take();
  }

  private expectKw(v: string): ScanNode {
    if (!this.isKw(v)) decline(`expected ${v}`);
    return this.take();
  }

  /**
   * A node of `type` made of `parts`, which become its children in place: the list a parse function built is kept
   * as the node's own (its fields set on the nodes, hidden tokens and gaps taken out), so no second list is made per
   * node. The caller must not use `parts` afterwards. A part is put in a field by a `[field, node]` pair, or, where
   * the parts have a fixed shape (the most frequent nodes), by `fields`, the field of each part by its position,
   * which spares making a pair per field.
   */
  private node(type: string, parts: Child[], fields?: ReadonlyArray<string | undefined>): ScanNode {
    // Made first, without children, so that one pass over the parts sets each child's field, parent and place.
    const node = newNode(type, true, 0, 0);
    let k = 0;
    const n = parts.length;
    for (let i = 0; i < n; i++) {
      const c = parts[i];
      if (!c) continue;
      let child: ScanNode;
      if (Array.isArray(c)) {
        child = c[1];
        child.field = c[0];
      } else if (c.hidden) {
        // A hidden token is no child, but it has its place among them, where comments may attach.
        c.slot = k;
        c.parent = node;
        continue;
      } else {
        // A node built into another one first (`asType` rebuilds annotations) keeps no field from there.
        child = c;
        child.field = fields === undefined ? undefined : fields[i];
      }
      child.parent = node;
      child.slot = k;
      parts[k++] = child;
    }
    if (k < n) parts.length = k;
    const children = parts as ScanNode[];
    node.children = children;
    if (k > 0) {
      node.startIndex = children[0].startIndex;
      node.endIndex = children[k - 1].endIndex;
    }
    return node;
  }

  private identifier(): ScanNode {
    const t = this.tok;
    if (t.kind !== 'name' || KEYWORDS.has(t.value)) decline('expected a name');
    t.type = 'identifier';
    t.isNamed = true;
    this.mark();
    return t;
  }

  private leaf(type: string): ScanNode {
    const t = this.tok;
    t.type = type;
    t.isNamed = true;
    this.mark();
    return t;
  }


  // --- module and statements

  module(): ScanNode {
    const children: Child[] = [];
    while (this.tok.kind !== 'eof') {
      this.statement(children);
    }
    const root = this.node('module', children);
    // The root starts at the first token or comment: leading whitespace is no part of it, nor is a line continuation
    // (a backslash ending a line), which tree-sitter reads as whitespace too.
    const text = this.text;
    let first = 0;
    for (;;) {
      const c = text.charCodeAt(first);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) first++;
      else if (c === 92 && text.charCodeAt(first + 1) === 10) first += 2;
      else if (c === 92 && text.charCodeAt(first + 1) === 13) first += text.charCodeAt(first + 2) === 10 ? 3 : 2;
      else break;
    }
    if (first >= text.length && text.length > 0) decline('a file of whitespace');
    root.startIndex = first >= text.length ? 0 : first;
    root.endIndex = this.text.length;
    return root;
  }

  /** One statement, its nodes appended to `into` (simple statements bring their `;` and newline tokens). */
  private statement(into: Child[]): void {
    const t = this.tok;
    // A plain name's value is '' (see `wordAt`): no statement keyword.
    if (t.kind === 'name' && t.value !== '') {
      switch (t.value) {
        case 'if':
          into.push(this.ifStatement());
          return;
        case 'for':
          into.push(this.forStatement(undefined));
          return;
        case 'while':
          into.push(this.whileStatement());
          return;
        case 'try':
          into.push(this.tryStatement());
          return;
        case 'with':
          into.push(this.withStatement(undefined));
          return;
        case 'def':
          into.push(this.functionDefinition(undefined));
          return;
        case 'class':
          into.push(this.classDefinition());
          return;
        case 'async': {
          const next = this.peek();
          if (this.isKw('def', next)) into.push(this.functionDefinition(this.take()));
          else if (this.isKw('for', next)) into.push(this.forStatement(this.take()));
          else if (this.isKw('with', next)) into.push(this.withStatement(this.take()));
          else decline('async');
          return;
        }
        case 'match':
        case 'type':
        case 'print':
        case 'exec': {
          const statement = this.softKeywordStatement();
          if (statement !== undefined) {
            into.push(statement);
            return;
          }
          break;
        }
        default:
          break;
      }
    }
    if (this.isOp('@')) {
      into.push(this.decoratedDefinition());
      return;
    }
    this.simpleStatements(into);
  }

  /**
   * `match`, `type`, `print` and `exec` start statements of their own in this grammar. A match statement is read here
   * (returned; a type alias is a simple statement, see `simpleStatement`); a plain use of the word as a name
   * (`match = 1`, `print(x)`) returns undefined and is read as any statement; the rest is declined.
   */
  private softKeywordStatement(): ScanNode | undefined {
    const next = this.peek();
    const word = this.tok.value;
    if (word === 'print' || word === 'exec') {
      // Only `print(...)` as a whole statement: the grammar's Python 2 print statement competes with anything else.
      if (!this.isOp('(', next)) decline(`${word} statement`);
      let depth = 0;
      let k = this.p + 1;
      for (; k < this.count; k++) {
        const x = this.toks[k];
        if (x.kind === 'op' && (x.value === '(' || x.value === '[' || x.value === '{')) depth++;
        else if (x.kind === 'op' && (x.value === ')' || x.value === ']' || x.value === '}')) {
          depth--;
          if (depth === 0) break;
        }
      }
      let after = k + 1;
        const a = this.at(after);
      if (!a || !(a.kind === 'newline' || a.kind === 'eof' || a.kind === 'dedent')) decline(`${word} statement`);
      return undefined;
    }
    // `match x:` is a match statement: its line opens a block (no other statement that starts with a name does).
    if (word === 'match') {
      for (let k = this.p; k < this.count; k++) {
        const x = this.toks[k];
        if (x.kind === 'indent') return this.matchStatement();
        if (x.kind === 'newline' || x.kind === 'eof') break;
      }
    }
    return undefined;
  }

  /** `type X = T` and `type X[T] = ...` (Python 3.12): both sides are types (see `asType`). */
  private typeAlias(): ScanNode {
    const kw = this.take();
    const left = this.type();
    const t = left.children[0];
    // The left side is a name, or a name with type parameters (a `generic_type`).
    if (t.type !== 'identifier' && t.type !== 'generic_type') decline('a type alias of something else than a name');
    const eq = this.expectOp('=');
    return this.node('type_alias_statement', [kw, ['left', left], eq, ['right', this.type()]]);
  }

  /** The type parameters of a def or a class (Python 3.12): `[T, U: int, *Ts, **P]`. */
  private typeParameters(): ScanNode {
    const parts: Child[] = [this.take()];
    for (;;) {
      const t = this.tok;
      let item: ScanNode;
      if (t.kind === 'op' && (t.value === '*' || t.value === '**')) {
        const star = this.take();
        item = this.node('splat_type', [star, this.identifier()]);
      } else {
        const name = this.identifier();
        if (this.isOp(':')) {
          const colon = this.take();
          item = this.node('constrained_type', [this.node('type', [name]), colon, this.type()]);
        } else item = name;
      }
      // A default (`T = int`, Python 3.13) is left to tree-sitter.
      if (this.isOp('=')) decline('a type parameter default');
      parts.push(this.node('type', [item]));
      if (!this.isOp(',')) break;
      parts.push(this.take());
      if (this.isOp(']')) break;
    }
    parts.push(this.expectOp(']'));
    return this.node('type_parameter', parts);
  }

  // --- match statements (Python 3.10)

  /** `match subject, ...:` and its block of `case` clauses. */
  private matchStatement(): ScanNode {
    const parts: Child[] = [this.take(), ['subject', this.expression()]];
    while (this.isOp(',')) {
      parts.push(this.take());
      if (this.isOp(':')) break;
      parts.push(['subject', this.expression()]);
    }
    parts.push(this.expectOp(':'));
    if (this.tok.kind !== 'indent') decline('a match statement without a block');
    // Unlike other blocks, this one holds its indent: it starts where the indent is (after the header's comment).
    const indent = this.take();
    const body: Child[] = [indent];
    for (let t = this.tok; t.kind !== 'dedent'; t = this.tok) {
      if (!(t.kind === 'name' && t.value === '' && t.endIndex - t.startIndex === 4 && this.text.startsWith('case', t.startIndex))) decline('a match block with something else than a case');
      body.push(['alternative', this.caseClause()]);
    }
    body.push(this.take());
    const block = this.node('block', body);
    block.startIndex = indent.startIndex;
    parts.push(['body', block]);
    return this.node('match_statement', parts);
  }

  private caseClause(): ScanNode {
    const kw = this.take();
    kw.type = 'case';
    const parts: Child[] = [kw, this.casePattern()];
    while (this.isOp(',')) {
      parts.push(this.take());
      if (this.isOp(':') || this.isKw('if')) break;
      parts.push(this.casePattern());
    }
    if (this.isKw('if')) {
      const ifKw = this.take();
      if (this.isKw('lambda')) decline('a lambda in a guard');
      parts.push(['guard', this.node('if_clause', [ifKw, this.disjunction()])]);
    }
    this.suite(parts, 'consequence');
    return this.node('case_clause', parts);
  }

  /** A `case_pattern`: a simple pattern or a union of them, or either `as` a name. */
  private casePattern(): ScanNode {
    const inner = this.unionPattern();
    if (!this.isKw('as')) return this.node('case_pattern', inner);
    const as = this.take();
    const node = this.node('as_pattern', [this.node('case_pattern', inner), as, this.identifier()]);
    if (this.isKw('as')) decline('a chained as pattern');
    return this.node('case_pattern', [node]);
  }

  /** Simple patterns joined by `|` (one `union_pattern`, flat), or one simple pattern's parts. */
  private unionPattern(): Child[] {
    const first = this.simplePattern();
    if (!this.isOp('|')) return first;
    const parts: Child[] = first;
    while (this.isOp('|')) {
      parts.push(this.take());
      for (const p of this.simplePattern()) parts.push(p);
    }
    return [this.node('union_pattern', parts)];
  }

  /** A simple pattern, as the nodes it puts in its parent (a negative number is two: `-` and the number). */
  private simplePattern(): Child[] {
    const t = this.tok;
    if (t.kind === 'op') {
      switch (t.value) {
        case '(':
          return [this.sequencePattern('tuple_pattern', ')')];
        case '[':
          return [this.sequencePattern('list_pattern', ']')];
        case '{':
          return [this.dictPattern()];
        case '*':
          return [this.splatPattern()];
        case '-':
          return this.numberPattern();
        default:
          return decline(`unexpected op ${t.value} in a pattern`);
      }
    }
    if (t.kind === 'number') return this.numberPattern();
    if (t.kind === 'string') return [this.strings()];
    if (t.kind !== 'name') return decline('unexpected token in a pattern');
    if (t.value === 'True') return [this.leaf('true')];
    if (t.value === 'False') return [this.leaf('false')];
    if (t.value === 'None') return [this.leaf('none')];
    // Any other word (a keyword, or `match`, `type`, `print` as a name) is left to tree-sitter.
    if (t.value !== '') decline('a keyword in a pattern');
    if (this.isWildcard(t)) {
      const next = this.peek();
      if (next.kind === 'op' && (next.value === '.' || next.value === '(')) decline('_ as a name in a pattern');
      this.mark();
      t.type = '_';
      return [t];
    }
    const parts: Child[] = [this.identifier()];
    while (this.isOp('.')) parts.push(this.take(), this.identifier());
    const name = this.node('dotted_name', parts);
    if (!this.isOp('(')) return [name];
    const args: Child[] = [name, this.take()];
    while (!this.isOp(')')) {
      const a = this.tok;
      if (a.kind === 'name' && this.isOp('=', this.peek())) {
        const key = this.identifier();
        const eq = this.take();
        const value = this.unionPattern();
        args.push(this.node('case_pattern', [this.node('keyword_pattern', [key, eq, ...value])]));
      } else args.push(this.casePattern());
      if (!this.isOp(',')) break;
      args.push(this.take());
    }
    args.push(this.expectOp(')'));
    return [this.node('class_pattern', args)];
  }

  private isWildcard(t: Tok): boolean {
    return t.endIndex - t.startIndex === 1 && this.text.charCodeAt(t.startIndex) === 95;
  }

  /** `(...)` or `[...]`: case patterns, comma-separated, a trailing comma allowed. */
  private sequencePattern(type: string, close: string): ScanNode {
    const parts: Child[] = [this.take()];
    while (!this.isOp(close)) {
      parts.push(this.casePattern());
      if (!this.isOp(',')) break;
      parts.push(this.take());
    }
    parts.push(this.expectOp(close));
    return this.node(type, parts);
  }

  /** `*name` or `*_` (`**rest` only in a mapping pattern). */
  private splatPattern(): ScanNode {
    const star = this.take();
    const t = this.tok;
    if (t.kind === 'name' && t.value === '' && this.isWildcard(t)) {
      this.mark();
      t.type = '_';
      return this.node('splat_pattern', [star, t]);
    }
    return this.node('splat_pattern', [star, this.identifier()]);
  }

  private dictPattern(): ScanNode {
    const parts: Child[] = [this.take()];
    while (!this.isOp('}')) {
      if (this.isOp('**')) parts.push(this.splatPattern());
      else {
        const key = this.simplePattern();
        // A key of two nodes (`-1`) would put both in the field; left to tree-sitter.
        if (key.length !== 1) decline('a negative number as a mapping key');
        parts.push(['key', key[0] as ScanNode], this.expectOp(':'), ['value', this.casePattern()]);
      }
      if (!this.isOp(',')) break;
      parts.push(this.take());
    }
    parts.push(this.expectOp('}'));
    return this.node('dict_pattern', parts);
  }

  /** `1`, `-1`, `1.5`, or a complex number `1+2j`, `-1-2j`. */
  private numberPattern(): Child[] {
    const parts: Child[] = [];
    if (this.isOp('-')) parts.push(this.take());
    if (this.tok.kind !== 'number') decline('expected a number in a pattern');
    parts.push(this.atom());
    if ((this.isOp('+') || this.isOp('-')) && this.peek().kind === 'number') {
      parts.push(this.take(), this.atom());
      return [this.node('complex_pattern', parts)];
    }
    return parts;
  }

  private simpleStatements(into: Child[]): void {
    for (;;) {
      into.push(this.simpleStatement());
      if (this.isOp(';')) {
        into.push(this.take());
        if (this.tok.kind === 'newline') break;
        continue;
      }
      break;
    }
    if (this.tok.kind !== 'newline') decline('expected the end of a statement');
    into.push(this.take());
  }

  private simpleStatement(): ScanNode {
    const t = this.tok;
    if (t.kind === 'name' && t.value !== '') {
      switch (t.value) {
        case 'import':
          return this.importStatement();
        case 'from':
          return this.importFrom();
        case 'return': {
          const kw = this.take();
          return this.node('return_statement', [kw, this.endsStatement() ? undefined : this.expressions()]);
        }
        case 'pass':
        case 'break':
        case 'continue':
          return this.node(STATEMENT_TYPE[t.value], [this.take()]);
        case 'raise': {
          const kw = this.take();
          const value = this.endsStatement() ? undefined : this.expressions();
          if (this.isKw('from')) {
            const from = this.take();
            return this.node('raise_statement', [kw, value, from, ['cause', this.expression()]]);
          }
          return this.node('raise_statement', [kw, value]);
        }
        case 'del': {
          const kw = this.take();
          return this.node('delete_statement', [kw, this.expressions()]);
        }
        case 'global':
        case 'nonlocal': {
          const parts: Child[] = [this.take(), this.identifier()];
          while (this.isOp(',')) parts.push(this.take(), this.identifier());
          return this.node(STATEMENT_TYPE[t.value], parts);
        }
        case 'type': {
          // `type X = ...` is a type alias: `type` before a plain name. Before a keyword (`type is None`, `type in x`)
          // it is a name in an expression, which this grammar may read either way: declined.
          const next = this.peek();
          if (next.kind !== 'name') break;
          if (next.value !== '') decline('type before a keyword');
          return this.typeAlias();
        }
        case 'assert': {
          const parts: Child[] = [this.take(), this.expression()];
          while (this.isOp(',')) parts.push(this.take(), this.expression());
          return this.node('assert_statement', parts);
        }
        default:
          break;
      }
    }
    return this.expressionStatement();
  }

  private endsStatement(): boolean {
    const t = this.tok;
    return t.kind === 'newline' || this.isOp(';');
  }

  private expressionStatement(): ScanNode {
    if (this.isKw('yield')) return this.node('expression_statement', [this.yieldExpression()]);
    const first = this.targetOrExpression();
    if (this.isOp(',')) {
      const parts: Child[] = [first];
      let starred = first.type === 'list_splat';
      while (this.isOp(',')) {
        parts.push(this.take());
        if (this.endsStatement() || this.isOp('=')) break;
        const next = this.targetOrExpression();
        starred ||= next.type === 'list_splat';
        parts.push(next);
      }
      // `head, *rest = ...` unpacks into a starred target; a starred expression anywhere else is not modelled.
      if (starred && !this.isOp('=')) decline('a starred expression');
      if (this.isOp('=')) {
        const left = this.node('pattern_list', parts.map((c) => (c && !Array.isArray(c) && c.isNamed ? toPattern(c) : c)));
        return this.node('expression_statement', [this.assignmentAfter(left)]);
      }
      if (this.isOp(':') || AUGMENTED.has(this.tok.value)) decline('an annotated or augmented tuple');
      return this.node('expression_statement', parts);
    }
    if (first.type === 'list_splat') decline('a starred expression');
    if (this.isOp('=')) return this.node('expression_statement', [this.assignmentAfter(toPattern(first))]);
    if (this.isOp(':')) {
      const left = toPattern(first);
      const colon = this.take();
      const type = this.type();
      if (this.isOp('=')) {
        const eq = this.take();
        return this.node('expression_statement', [this.node('assignment', [left, colon, type, eq, this.rightHandSide()], ANNOTATED_ASSIGNMENT_FIELDS)]);
      }
      return this.node('expression_statement', [this.node('assignment', [left, colon, type], ANNOTATED_ASSIGNMENT_FIELDS)]);
    }
    if (this.tok.kind === 'op' && AUGMENTED.has(this.tok.value)) {
      const left = toPattern(first);
      const op = this.take();
      return this.node('expression_statement', [this.node('augmented_assignment', [['left', left], ['operator', op], ['right', this.rightHandSide()]])]);
    }
    return this.node('expression_statement', [first]);
  }

  /** An element of a statement's comma list: an expression, or a starred one (`*rest`, a target once `=` follows). */
  private targetOrExpression(): ScanNode {
    if (!this.isOp('*')) return this.expression(true);
    const star = this.take();
    return this.node('list_splat', [star, this.expression()]);
  }

  /** `left = ...`, from the `=`. */
  private assignmentAfter(left: ScanNode): ScanNode {
    const eq = this.expectOp('=');
    return this.node('assignment', [left, eq, this.rightHandSide()], ASSIGNMENT_FIELDS);
  }

  /** What stands right of `=`: an expression, a list of them, a yield, or another assignment (`a = b = c`). */
  private rightHandSide(): ScanNode {
    if (this.isKw('yield')) return this.yieldExpression();
    const first = this.expression(true);
    if (this.isOp(',')) {
      const parts: Child[] = [first];
      while (this.isOp(',')) {
        parts.push(this.take());
        if (this.endsStatement() || this.isOp('=')) break;
        parts.push(this.expression(true));
      }
      if (this.isOp('=') || this.isOp(':') || AUGMENTED.has(this.tok.value)) decline('a chained tuple assignment');
      return this.node('expression_list', parts);
    }
    if (this.isOp('=')) return this.assignmentAfter(toPattern(first));
    if (this.isOp(':') || (this.tok.kind === 'op' && AUGMENTED.has(this.tok.value))) decline('a chained annotated or augmented assignment');
    return first;
  }

  private yieldExpression(): ScanNode {
    const kw = this.take();
    if (this.isKw('from')) {
      const from = this.take();
      return this.node('yield', [kw, from, this.expression()]);
    }
    if (this.endsStatement() || this.isOp(')')) return this.node('yield', [kw]);
    return this.node('yield', [kw, this.expressions()]);
  }

  /** `_expressions`: one expression, or an `expression_list` of several. */
  private expressions(): ScanNode {
    const first = this.expression();
    if (!this.isOp(',')) return first;
    const parts: Child[] = [first];
    while (this.isOp(',')) {
      parts.push(this.take());
      if (this.endsStatement() || this.isOp(':') || this.isOp('=') || this.isOp(')')) break;
      parts.push(this.expression());
    }
    return this.node('expression_list', parts);
  }

  private dottedName(): ScanNode {
    const parts: Child[] = [this.identifier()];
    while (this.isOp('.')) parts.push(this.take(), this.identifier());
    return this.node('dotted_name', parts);
  }

  private importItem(): ScanNode {
    const name = this.dottedName();
    if (this.isKw('as')) {
      const as = this.take();
      return this.node('aliased_import', [['name', name], as, ['alias', this.identifier()]]);
    }
    return name;
  }

  private importList(parts: Child[], closing: boolean): void {
    parts.push(['name', this.importItem()]);
    while (this.isOp(',')) {
      parts.push(this.take());
      if (closing && this.isOp(')')) break;
      if (!closing && this.endsStatement()) decline('a trailing comma in an import');
      parts.push(['name', this.importItem()]);
    }
  }

  private importStatement(): ScanNode {
    const parts: Child[] = [this.take()];
    this.importList(parts, false);
    return this.node('import_statement', parts);
  }

  private importFrom(): ScanNode {
    const from = this.take();
    if (this.isKw('__future__')) {
      const future = this.take();
      const parts: Child[] = [from, future, this.expectKw('import')];
      if (this.isOp('(')) decline('a parenthesized future import');
      this.importList(parts, false);
      return this.node('future_import_statement', parts);
    }
    let module: ScanNode;
    if (this.isOp('.') || this.isOp('...')) {
      const dots: Child[] = [];
      for (;;) {
        if (this.isOp('.')) dots.push(this.take());
        else if (this.isOp('...')) {
          // `from ...a import b`: the tokenizer's `...` is three dots to the grammar, a node each (the token is the
          // first, so that every token read is in the tree).
          const first = this.take();
          const at = first.startIndex;
          first.type = '.';
          first.endIndex = at + 1;
          dots.push(first, newNode('.', false, at + 1, at + 2), newNode('.', false, at + 2, at + 3));
        } else break;
      }
      const prefix = this.node('import_prefix', dots);
      module = this.node('relative_import', [prefix, this.isKw('import') ? undefined : this.dottedName()]);
    } else {
      module = this.dottedName();
    }
    const parts: Child[] = [from, ['module_name', module], this.expectKw('import')];
    if (this.isOp('*')) {
      const star = this.take();
      parts.push(nodeOver('wildcard_import', true, star.startIndex, star.endIndex, [star]));
      return this.node('import_from_statement', parts);
    }
    if (this.isOp('(')) {
      parts.push(this.take());
      this.importList(parts, true);
      parts.push(this.expectOp(')'));
    } else this.importList(parts, false);
    return this.node('import_from_statement', parts);
  }

  // --- compound statements

  /** The `:` and the suite of a compound statement, as parts of it: `[':', (indent,) body]`. */
  private suite(parts: Child[], field: string | undefined): void {
    parts.push(this.expectOp(':'));
    if (this.tok.kind === 'indent') {
      parts.push(this.take());
      const body: Child[] = [];
      for (let kind: TokKind = this.tok.kind as TokKind; kind !== 'dedent'; kind = this.tok.kind as TokKind) {
        if (kind === 'eof') decline('an unclosed block');
        this.statement(body);
      }
      body.push(this.take());
      const block = this.node('block', body);
      parts.push(field ? [field, block] : block);
      return;
    }
    // `if x: pass` — simple statements on the header's line make the block.
    const body: Child[] = [];
    if (this.tok.kind === 'newline') decline('an empty block');
    const t = this.tok;
    if (t.kind === 'name' && ['if', 'for', 'while', 'try', 'with', 'def', 'class', 'async'].includes(t.value)) decline('a compound statement after a colon');
    this.simpleStatements(body);
    const block = this.node('block', body);
    parts.push(field ? [field, block] : block);
  }

  private ifStatement(): ScanNode {
    const parts: Child[] = [this.take(), ['condition', this.expression()]];
    this.suite(parts, 'consequence');
    while (this.isKw('elif')) {
      const p: Child[] = [this.take(), ['condition', this.expression()]];
      this.suite(p, 'consequence');
      parts.push(['alternative', this.node('elif_clause', p)]);
    }
    if (this.isKw('else')) parts.push(['alternative', this.elseClause()]);
    return this.node('if_statement', parts);
  }

  private elseClause(): ScanNode {
    const p: Child[] = [this.take()];
    this.suite(p, 'body');
    return this.node('else_clause', p);
  }

  private forStatement(asyncKw: ScanNode | undefined): ScanNode {
    const parts: Child[] = [asyncKw, this.take(), ['left', this.targets()], this.expectKw('in'), ['right', this.expressions()]];
    this.suite(parts, 'body');
    if (this.isKw('else')) parts.push(['alternative', this.elseClause()]);
    return this.node('for_statement', parts);
  }

  /** A `for` target: a pattern or a `pattern_list`. */
  private targets(): ScanNode {
    const first = this.target();
    if (!this.isOp(',')) {
      if (first.type === 'list_splat_pattern') decline('a lone starred target');
      return first;
    }
    const parts: Child[] = [first];
    while (this.isOp(',')) {
      parts.push(this.take());
      if (this.isKw('in')) break;
      parts.push(this.target());
    }
    return this.node('pattern_list', parts);
  }

  /** One target of a `for`: a pattern, or `*name` (`for a, *rest in x`). */
  private target(): ScanNode {
    if (!this.isOp('*')) return toPattern(this.bitOr());
    const star = this.take();
    const e = this.bitOr();
    if (e.type !== 'identifier' && e.type !== 'attribute' && e.type !== 'subscript') decline('a starred target');
    return this.node('list_splat_pattern', [star, e]);
  }

  private whileStatement(): ScanNode {
    const parts: Child[] = [this.take(), ['condition', this.expression()]];
    this.suite(parts, 'body');
    if (this.isKw('else')) parts.push(['alternative', this.elseClause()]);
    return this.node('while_statement', parts);
  }

  private tryStatement(): ScanNode {
    const parts: Child[] = [this.take()];
    this.suite(parts, 'body');
    let clauses = 0;
    while (this.isKw('except')) {
      const p: Child[] = [this.take()];
      if (this.isOp('*')) decline('except*');
      if (!this.isOp(':')) {
        const value = this.expression();
        if (this.isOp(',')) {
          // `except A, B:` (Python 3.14): each type is a value of the clause.
          p.push(['value', value]);
          while (this.isOp(',')) p.push(this.take(), ['value', this.expression()]);
        } else p.push(['value', this.isKw('as') ? this.asPattern(value, this.take()) : value]);
      }
      this.suite(p, undefined);
      parts.push(this.node('except_clause', p));
      clauses++;
    }
    if (this.isKw('else')) {
      parts.push(this.elseClause());
    }
    if (this.isKw('finally')) {
      const p: Child[] = [this.take()];
      this.suite(p, undefined);
      parts.push(this.node('finally_clause', p));
      clauses++;
    }
    if (clauses === 0) decline('a try without handlers');
    return this.node('try_statement', parts);
  }

  private withStatement(asyncKw: ScanNode | undefined): ScanNode {
    const kw = this.take();
    if (this.isOp('(')) return this.parenthesizedWith(asyncKw, kw);
    const items: Child[] = [this.withItem()];
    while (this.isOp(',')) items.push(this.take(), this.withItem());
    const parts: Child[] = [asyncKw, kw, this.node('with_clause', items)];
    this.suite(parts, 'body');
    return this.node('with_statement', parts);
  }

  /**
   * `with (a as b, c):` (Python 3.9): the brackets are the clause's when two items or more are in them and `:` follows
   * the closing one. One item in brackets (`with (a):`, `with (a as b):`, `with (a,):`), or brackets that something
   * else follows (`with (a) as b:`), this grammar reads as an expression in each its own way: declined.
   */
  private parenthesizedWith(asyncKw: ScanNode | undefined, kw: ScanNode): ScanNode {
    let depth = 0;
    let k = this.p;
    for (; k < this.count; k++) {
      const x = this.toks[k];
      if (x.kind === 'op' && (x.value === '(' || x.value === '[' || x.value === '{')) depth++;
      else if (x.kind === 'op' && (x.value === ')' || x.value === ']' || x.value === '}') && --depth === 0) break;
    }
    if (!this.isOp(':', this.at(k + 1) ?? this.tok)) decline('a parenthesized with');
    const items: Child[] = [this.take(), this.withItem()];
    let count = 1;
    while (this.isOp(',')) {
      items.push(this.take());
      if (this.isOp(')')) break;
      items.push(this.withItem());
      count++;
    }
    if (count < 2) decline('one item in a parenthesized with');
    items.push(this.expectOp(')'));
    const parts: Child[] = [asyncKw, kw, this.node('with_clause', items)];
    this.suite(parts, 'body');
    return this.node('with_statement', parts);
  }

  private withItem(): ScanNode {
    const value = this.expression();
    if (this.isKw('as')) {
      const as = this.take();
      return this.node('with_item', [['value', this.asPattern(value, as)]]);
    }
    return this.node('with_item', [['value', value]]);
  }

  /** `value as target` in a `with` item or an `except` clause. */
  private asPattern(value: ScanNode, as: ScanNode): ScanNode {
    const target = this.expression();
    if (target.type !== 'identifier' && target.type !== 'attribute' && target.type !== 'subscript') decline('an as target');
    const aliased = this.node('as_pattern_target', [target]);
    return this.node('as_pattern', [value, as, ['alias', aliased]]);
  }

  private decoratedDefinition(): ScanNode {
    const parts: Child[] = [];
    while (this.isOp('@')) {
      const at = this.take();
      const e = this.expression();
      if (this.tok.kind !== 'newline') decline('expected the end of a decorator');
      parts.push(this.node('decorator', [at, e, this.take()]));
    }
    if (this.isKw('class')) parts.push(['definition', this.classDefinition()]);
    else if (this.isKw('def')) parts.push(['definition', this.functionDefinition(undefined)]);
    else if (this.isKw('async') && this.isKw('def', this.peek())) parts.push(['definition', this.functionDefinition(this.take())]);
    else decline('a decorator on something else');
    return this.node('decorated_definition', parts);
  }

  private classDefinition(): ScanNode {
    const parts: Child[] = [this.take(), ['name', this.identifier()]];
    if (this.isOp('[')) parts.push(['type_parameters', this.typeParameters()]);
    if (this.isOp('(')) parts.push(['superclasses', this.argumentList()]);
    this.suite(parts, 'body');
    return this.node('class_definition', parts);
  }

  private functionDefinition(asyncKw: ScanNode | undefined): ScanNode {
    const parts: Child[] = [asyncKw, this.take(), ['name', this.identifier()]];
    if (this.isOp('[')) parts.push(['type_parameters', this.typeParameters()]);
    parts.push(['parameters', this.parameters()]);
    if (this.isOp('->')) parts.push(this.take(), ['return_type', this.type()]);
    this.suite(parts, 'body');
    return this.node('function_definition', parts);
  }

  private parameters(): ScanNode {
    const parts: Child[] = [this.expectOp('(')];
    this.parameterList(parts, ')', true);
    parts.push(this.expectOp(')'));
    return this.node('parameters', parts);
  }

  /** `_parameters` up to `close` (`)` for a def, `:` for a lambda), appended to `parts`. */
  private parameterList(parts: Child[], close: string, typed: boolean): void {
    while (!this.isOp(close)) {
      parts.push(this.parameter(typed));
      if (!this.isOp(',')) break;
      parts.push(this.take());
    }
  }

  private parameter(typed: boolean): ScanNode {
    if (this.isOp('*') || this.isOp('**')) {
      const star = this.take();
      if (star.type === '*' && (this.isOp(',') || this.isOp(')') || this.isOp(':'))) {
        if (this.isOp(':') && typed) decline('a typed keyword separator');
        return nodeOver('keyword_separator', true, star.startIndex, star.endIndex, [star]);
      }
      const name = this.identifier();
      const pattern = this.node(star.type === '*' ? 'list_splat_pattern' : 'dictionary_splat_pattern', [star, name]);
      if (this.isOp(':') && typed) {
        const colon = this.take();
        return this.node('typed_parameter', [pattern, colon, ['type', this.type()]]);
      }
      return pattern;
    }
    if (this.isOp('/')) {
      const slash = this.take();
      return nodeOver('positional_separator', true, slash.startIndex, slash.endIndex, [slash]);
    }
    const name = this.identifier();
    if (this.isOp(':') && typed) {
      const colon = this.take();
      const type = this.type();
      if (this.isOp('=')) {
        const eq = this.take();
        return this.node('typed_default_parameter', [['name', name], colon, ['type', type], eq, ['value', this.expression()]]);
      }
      return this.node('typed_parameter', [name, colon, ['type', type]]);
    }
    if (this.isOp('=')) {
      const eq = this.take();
      return this.node('default_parameter', [name, eq, this.expression()], NAME_VALUE_FIELDS);
    }
    return name;
  }

  /**
   * A `type` (an annotation): `Name[...]` is a `generic_type` whose arguments are types again; anything else is
   * the expression itself. Shapes where the grammar's type rules compete with its expression rules in ways not
   * checked against tree-sitter are declined.
   */
  private type(): ScanNode {
    return this.asType(this.expression());
  }

  private asType(e: ScanNode): ScanNode {
    const wrap = (inner: ScanNode) => this.node('type', [inner]);
    if (e.type === 'identifier') return wrap(e);
    if (e.type === 'subscript' && e.childForFieldName('value')!.type === 'identifier') {
      const value = e.children[0];
      const items: Child[] = [];
      const children = e.children;
      for (let i = 1; i < children.length; i++) {
        const c = children[i];
        if (c.field === 'subscript') {
          if (c.type === 'slice') decline('a slice in a type');
          items.push(this.asType(c));
        } else items.push(c);
      }
      const param = this.node('type_parameter', items);
      return wrap(this.node('generic_type', [value, param]));
    }
    // A `|` chain whose first operand is `Name[...]` is a `union_type`: that generic type, then the rest read as
    // one expression (`B[int] | A | None` is `B[int]` and `A | None`).
    const operands: ScanNode[] = [];
    const ops: ScanNode[] = [];
    for (let x = e; ; x = x.children[0]) {
      if (x.type === 'binary_operator' && x.children[1].type === '|') {
        operands.unshift(x.children[2]);
        ops.unshift(x.children[1]);
        continue;
      }
      operands.unshift(x);
      break;
    }
    if (operands.length > 1 && isGeneric(operands[0])) {
      // Generic operands go on making union types, left to right (`A[int] | B[int] | C` is a union of a union);
      // from the first other operand on, the rest is one expression (`A[int] | B | C[int]` is `A[int]` and `B | C[int]`).
      let union = this.asType(operands[0]);
      let k = 1;
      for (; k < operands.length && isGeneric(operands[k]); k++) union = wrap(this.node('union_type', [union, ops[k - 1], this.asType(operands[k])]));
      if (k === operands.length) return union;
      // The rest stays plain expressions, subscripts too (`A[int] | None | type[B]`: `None | type[B]` is a binary operator).
      for (const o of operands.slice(k)) if (!['identifier', 'attribute', 'string', 'none', 'subscript'].includes(o.type)) decline('a union FK Guard does not model');
      let rest = operands[k];
      for (let j = k + 1; j < operands.length; j++) rest = this.node('binary_operator', [['left', rest], ['operator', ops[j - 1]], ['right', operands[j]]]);
      return wrap(this.node('union_type', [union, ops[k - 1], wrap(rest)]));
    }
    // Anything else is the expression itself, unless it starts with `Name[...]` (`Mapped[int].x`), which the
    // grammar may read as a type.
    for (let x = e; ; ) {
      if (isGeneric(x)) decline(`an annotation FK Guard does not model: ${shape(e)}`);
      if (x.type === 'attribute' || x.type === 'call' || x.type === 'subscript' || x.type === 'binary_operator') x = x.children[0];
      else break;
    }
    if (e.type === 'list_splat' || e.type === 'dictionary_splat') decline('a splat type');
    return wrap(e);
  }

  // --- expressions

  /** `expression`: a lambda, a conditional expression or anything below. */
  expression(allowStarred = false): ScanNode {
    // Most expressions are one primary (a name, a call, an attribute, a literal) before a `,`, `)`, `=` or the line's
    // end (`nullable=False`, `Column(Integer, ...)`): each level from `disjunction` down to `power` would only look at
    // the next token and pass the primary up. A name, number or string (but `lambda`, `not` and `await`) starts a
    // primary at every level alike, so it is read first; the levels are gone through only when an operator follows,
    // each handed the primary as its first operand (`first`), and they build the same nodes.
    const t = this.tok;
    let first: ScanNode | undefined;
    if (t.kind === 'name' ? t.value !== 'lambda' && t.value !== 'not' && t.value !== 'await' : t.kind === 'number' || t.kind === 'string') {
      first = this.primary();
      const next = this.tok;
      if (next.kind === 'newline' || (next.kind === 'op' && ENDS_EXPRESSION.has(next.value))) return first;
    } else {
      if (this.isKw('lambda')) return this.lambda();
      if (allowStarred && this.isOp('*')) decline('a starred expression');
    }
    const e = this.disjunction(first);
    if (this.isOp(':=')) {
      if (e.type !== 'identifier') decline('a walrus after something else than a name');
      const op = this.take();
      return this.node('named_expression', [['name', e], op, ['value', this.expression()]]);
    }
    if (this.isKw('if')) {
      const ifKw = this.take();
      const condition = this.disjunction();
      const elseKw = this.expectKw('else');
      return this.node('conditional_expression', [e, ifKw, condition, elseKw, this.expression()]);
    }
    return e;
  }

  private lambda(): ScanNode {
    const kw = this.take();
    const parts: Child[] = [kw];
    if (!this.isOp(':')) {
      const params: Child[] = [];
      this.parameterList(params, ':', false);
      parts.push(['parameters', this.node('lambda_parameters', params)]);
    }
    parts.push(this.expectOp(':'), ['body', this.expression()]);
    return this.node('lambda', parts);
  }

  /** `first`: the primary the expression starts with, already read (see `expression`). */
  private disjunction(first?: ScanNode): ScanNode {
    let left = this.conjunction(first);
    while (this.isKw('or')) {
      const op = this.take();
      left = this.node('boolean_operator', [left, op, this.conjunction()], BINARY_FIELDS);
    }
    return left;
  }

  private conjunction(first?: ScanNode): ScanNode {
    let left = this.inversion(first);
    while (this.isKw('and')) {
      const op = this.take();
      left = this.node('boolean_operator', [left, op, this.inversion()], BINARY_FIELDS);
    }
    return left;
  }

  private inversion(first?: ScanNode): ScanNode {
    if (first === undefined && this.isKw('not')) {
      const kw = this.take();
      return this.node('not_operator', [kw, ['argument', this.inversion()]]);
    }
    return this.comparison(first);
  }

  private comparison(primary?: ScanNode): ScanNode {
    const first = this.bitOr(primary);
    // Most expressions compare nothing: their list is made at the first operator.
    let parts: Child[] | undefined;
    for (;;) {
      const t = this.tok;
      let op: ScanNode | undefined;
      if (t.kind === 'op' && COMPARISON.has(t.value)) op = this.take();
      else if (this.isKw('in')) op = this.take();
      else if (this.isKw('not') && this.isKw('in', this.peek())) op = this.pair('not in');
      else if (this.isKw('is')) op = this.isKw('not', this.peek()) ? this.pair('is not') : this.take();
      if (!op) break;
      (parts ??= [first]).push(['operators', op], this.bitOr());
    }
    return parts ? this.node('comparison_operator', parts) : first;
  }

  /** `not in` and `is not`: one anonymous node over both words. */
  private pair(type: string): ScanNode {
    const a = this.take();
    const b = this.take();
    return nodeOver(type, false, a.startIndex, b.endIndex, [a, b]);
  }

  /**
   * The binary operators from `|` down to `*`, by precedence climbing: one loop instead of a function per level.
   * All are left-associative, so the tree is the one a function per level builds.
   */
  private binaryFrom(min: number, first?: ScanNode): ScanNode {
    let left = first === undefined ? this.factor() : this.power(first);
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op') return left;
      const prec = BINARY_PRECEDENCE.get(t.value);
      if (prec === undefined || prec < min) return left;
      const op = this.take();
      const right = this.binaryFrom(prec + 1);
      left = this.node('binary_operator', [left, op, right], BINARY_FIELDS);
    }
  }

  private bitOr(first?: ScanNode): ScanNode {
    return this.binaryFrom(1, first);
  }

  private factor = (): ScanNode => {
    if (this.isOp('+') || this.isOp('-') || this.isOp('~')) {
      const op = this.take();
      return this.node('unary_operator', [['operator', op], ['argument', this.factor()]]);
    }
    return this.power();
  };

  private power(first?: ScanNode): ScanNode {
    let base: ScanNode;
    if (first !== undefined) base = first;
    else if (this.isKw('await')) {
      const kw = this.take();
      base = this.node('await', [kw, this.primary()]);
      if (this.isOp('**')) decline('await with a power');
    } else base = this.primary();
    if (this.isOp('**')) {
      const op = this.take();
      return this.node('binary_operator', [base, op, this.factor()], BINARY_FIELDS);
    }
    return base;
  }

  private primary(): ScanNode {
    let e = this.atom();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'op') return e;
      const v = t.value;
      if (v === '.') {
        const dot = this.take();
        e = this.node('attribute', [e, dot, this.identifier()], ATTRIBUTE_FIELDS);
      } else if (v === '(') {
        e = this.node('call', [e, this.callArguments()], CALL_FIELDS);
      } else if (v === '[') {
        e = this.subscript(e);
      } else return e;
    }
  }

  private subscript(value: ScanNode): ScanNode {
    const parts: Child[] = [['value', value], this.take()];
    for (;;) {
      if (this.isOp(']')) break;
      if (this.isOp('*')) {
        // `A[b, *c]` (Python 3.11): a splat among the subscripts.
        const star = this.take();
        parts.push(['subscript', this.node('list_splat', [star, this.expression()])]);
      } else parts.push(['subscript', this.sliceOrExpression()]);
      if (!this.isOp(',')) break;
      parts.push(this.take());
    }
    if (parts.length === 2) decline('an empty subscript');
    parts.push(this.expectOp(']'));
    return this.node('subscript', parts);
  }

  private sliceOrExpression(): ScanNode {
    const parts: Child[] = [];
    if (!this.isOp(':')) {
      const e = this.expression();
      if (!this.isOp(':')) return e;
      parts.push(e);
    }
    parts.push(this.take());
    if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) parts.push(this.expression());
    if (this.isOp(':')) {
      parts.push(this.take());
      if (!this.isOp(']') && !this.isOp(',')) parts.push(this.expression());
    }
    const node = this.node('slice', parts);
    return node;
  }

  private callArguments(): ScanNode {
    const open = this.take();
    // `f(x for x in y)`: the generator is the call's arguments.
    if (!this.isOp(')') && !this.isOp('*') && !this.isOp('**') && !(this.tok.kind === 'name' && this.isOp('=', this.peek()))) {
      const first = this.expression();
      if (this.isKw('for') || this.isKw('async')) {
        const parts: Child[] = [open, ['body', first]];
        this.comprehensionClauses(parts);
        parts.push(this.expectOp(')'));
        return this.node('generator_expression', parts);
      }
      return this.argumentListFrom(open, first);
    }
    return this.argumentListFrom(open, undefined);
  }

  private argumentList(): ScanNode {
    return this.argumentListFrom(this.expectOp('('), undefined);
  }

  private argumentListFrom(open: ScanNode, first: ScanNode | undefined): ScanNode {
    const base = this.top;
    this.put(open);
    if (first) {
      this.put(first);
      if (this.isOp(',')) this.put(this.take());
      else {
        this.put(this.expectOp(')'));
        return this.node('argument_list', this.putSince(base));
      }
    }
    for (;;) {
      if (this.isOp(')')) break;
      this.put(this.argument());
      if (!this.isOp(',')) break;
      this.put(this.take());
    }
    this.put(this.expectOp(')'));
    return this.node('argument_list', this.putSince(base));
  }

  /** Puts a part of the list being read on `pending`. */
  private put(part: Child): void {
    const pending = this.pending;
    if (this.top < pending.length) pending[this.top] = part;
    else pending.push(part);
    this.top++;
  }

  /** The parts put since `base`, as a list of their own, taken off `pending`. */
  private putSince(base: number): Child[] {
    const parts = this.pending.slice(base, this.top);
    this.top = base;
    return parts;
  }

  private argument(): ScanNode {
    const t = this.tok;
    if (t.kind === 'op') {
      if (t.value === '*') {
        const star = this.take();
        return this.node('list_splat', [star, this.expression()]);
      }
      if (t.value === '**') {
        const star = this.take();
        return this.node('dictionary_splat', [star, this.expression()]);
      }
    } else if (t.kind === 'name' && this.isOp('=', this.peek())) {
      if (KEYWORDS.has(t.value)) decline('a keyword as an argument name');
      const name = this.identifier();
      const eq = this.take();
      return this.node('keyword_argument', [name, eq, this.expression()], NAME_VALUE_FIELDS);
    }
    const e = this.expression();
    if (this.isKw('for') || this.isKw('async')) decline('a generator among other arguments');
    return e;
  }

  private comprehensionClauses(parts: Child[]): void {
    for (;;) {
      if (this.isKw('async')) decline('an async comprehension');
      if (this.isKw('for')) {
        const p: Child[] = [this.take(), ['left', this.targets()], this.expectKw('in')];
        p.push(['right', this.disjunctionOrLambda()]);
        if (this.isOp(',')) decline('a comma in a comprehension');
        parts.push(this.node('for_in_clause', p));
      } else if (this.isKw('if')) {
        const kw = this.take();
        parts.push(this.node('if_clause', [kw, this.disjunctionOrLambda()]));
      } else return;
    }
  }

  private disjunctionOrLambda(): ScanNode {
    if (this.isKw('lambda')) decline('a lambda in a comprehension');
    const e = this.disjunction();
    return e;
  }

  private atom(): ScanNode {
    const t = this.tok;
    switch (t.kind) {
      case 'name':
        // A plain name (its value is '', see `wordAt`) is no keyword: an identifier, as `identifier()` makes it.
        if (t.value === '') {
          t.type = 'identifier';
          t.isNamed = true;
          this.mark();
          return t;
        }
        switch (t.value) {
          case 'True':
            return this.leaf('true');
          case 'False':
            return this.leaf('false');
          case 'None':
            return this.leaf('none');
          case 'async':
          case 'await':
            decline('async or await as a name');
            break;
          default:
            return this.identifier();
        }
        break;
      case 'number':
        return this.leaf(/^0[xXoObB]|^[0-9_]+[lLjJ]?$/.test(t.value) ? 'integer' : 'float');
      case 'string':
        return this.strings();
      case 'op':
        switch (t.value) {
          case '(':
            return this.parenthesized();
          case '[':
            return this.listLike();
          case '{':
            return this.braces();
          case '...':
            return this.leaf('ellipsis');
          default:
            break;
        }
        break;
      default:
        break;
    }
    return decline(`unexpected ${t.kind} ${t.value}`);
  }

  private strings(): ScanNode {
    const first = this.string();
    if (this.tok.kind !== 'string') return first;
    const parts: Child[] = [first];
    while (this.tok.kind === 'string') {
      parts.push(this.string());
    }
    return this.node('concatenated_string', parts);
  }

  private string(): ScanNode {
    const t = this.tok;
    const s = t.str!;
    const start = newNode('string_start', true, t.start, s.openEnd);
    // Most strings are one run of content or none: their lists are made to size (a list grown by `push` takes 17 slots).
    let parts: ScanNode[];
    let end: ScanNode;
    if (s.parts === NO_PARTS) {
      end = newNode('string_end', true, s.closeStart, t.end);
      parts = [start, end];
    } else if (s.parts === ONE_RUN) {
      const content = newNode('string_content', true, s.openEnd, s.closeStart);
      end = newNode('string_end', true, s.closeStart, t.end);
      parts = [start, content, end];
    } else {
      parts = [start];
      for (const part of s.parts) {
        if (part.content) parts.push(newNode('string_content', true, part.start, part.end));
        else parts.push(this.interpolation(part));
      }
      end = newNode('string_end', true, s.closeStart, t.end);
      parts.push(end);
    }
    s.firstNode = start;
    s.lastNode = end;
    this.mark();
    return this.node('string', parts);
  }

  private interpolation(ip: Interp, type = 'interpolation'): ScanNode {
    const open = newNode('{', false, ip.start, ip.start + 1);
    const toks = [...ip.tokens, mk('eof', '_eof', ip.end, ip.end, '')];
    const inner = new Parser(this.text, { toks, count: toks.length, comments: [] });
    const e = inner.expression();
    if (inner.tok.kind !== 'eof') decline('an interpolation FK Guard does not model');
    const parts: Child[] = [open, ['expression', e]];
    if (ip.equals !== undefined) parts.push(newNode('=', false, ip.equals, ip.equals + 1));
    if (ip.conversion) parts.push(['type_conversion', newNode('type_conversion', true, ip.conversion[0], ip.conversion[1])]);
    if (ip.spec) {
      // Its `:` and its nested fields are its children (the text between them is hidden).
      const spec: Child[] = [newNode(':', false, ip.spec[0], ip.spec[0] + 1)];
      if (ip.nested) for (const inner of ip.nested) spec.push(this.interpolation(inner, 'format_expression'));
      const node = this.node('format_specifier', spec);
      node.endIndex = ip.spec[1];
      parts.push(['format_specifier', node]);
    }
    parts.push(newNode('}', false, ip.end - 1, ip.end));
    return this.node(type, parts);
  }

  /** `(`: a tuple, a parenthesized expression, or a generator expression. */
  private parenthesized(): ScanNode {
    const open = this.take();
    if (this.isOp(')')) return this.node('tuple', [open, this.take()]);
    if (this.isKw('yield')) {
      const y = this.yieldExpression();
      return this.node('parenthesized_expression', [open, y, this.expectOp(')')]);
    }
    const first = this.element();
    if (this.isKw('for') || this.isKw('async')) {
      if (first.type === 'list_splat') decline('a starred generator');
      const parts: Child[] = [open, ['body', first]];
      this.comprehensionClauses(parts);
      parts.push(this.expectOp(')'));
      return this.node('generator_expression', parts);
    }
    if (this.isOp(')')) {
      if (first.type === 'list_splat') decline('a parenthesized splat');
      return this.node('parenthesized_expression', [open, first, this.take()]);
    }
    const parts: Child[] = [open, first];
    this.elementsAfter(parts, ')');
    return this.node('tuple', parts);
  }

  /** An element of a list, tuple or set: an expression or a `*splat`. */
  private element(): ScanNode {
    if (this.isOp('*')) {
      const star = this.take();
      return this.node('list_splat', [star, this.expression()]);
    }
    if (this.isKw('yield')) decline('a yield in a collection');
    return this.expression();
  }

  /** The rest of a collection's elements, from the one after `first`, and the closing bracket. */
  private elementsAfter(parts: Child[], close: string): void {
    for (;;) {
      if (this.isOp(close)) break;
      parts.push(this.expectOp(','));
      if (this.isOp(close)) break;
      parts.push(this.element());
    }
    parts.push(this.expectOp(close));
  }

  private listLike(): ScanNode {
    const open = this.take();
    if (this.isOp(']')) return this.node('list', [open, this.take()]);
    const first = this.element();
    if (this.isKw('for') || this.isKw('async')) {
      if (first.type === 'list_splat') decline('a starred comprehension');
      const parts: Child[] = [open, ['body', first]];
      this.comprehensionClauses(parts);
      parts.push(this.expectOp(']'));
      return this.node('list_comprehension', parts);
    }
    const parts: Child[] = [open, first];
    this.elementsAfter(parts, ']');
    return this.node('list', parts);
  }

  private braces(): ScanNode {
    const open = this.take();
    if (this.isOp('}')) return this.node('dictionary', [open, this.take()]);
    if (this.isOp('**')) return this.dictionaryFrom([open]);
    const first = this.element();
    if (this.isOp(':') && first.type !== 'list_splat') {
      const colon = this.take();
      const pair = this.node('pair', [first, colon, this.expression()], PAIR_FIELDS);
      if (this.isKw('for') || this.isKw('async')) {
        const parts: Child[] = [open, ['body', pair]];
        this.comprehensionClauses(parts);
        parts.push(this.expectOp('}'));
        return this.node('dictionary_comprehension', parts);
      }
      const parts: Child[] = [open, pair];
      this.dictionaryRest(parts);
      return this.node('dictionary', parts);
    }
    if (this.isKw('for') || this.isKw('async')) {
      if (first.type === 'list_splat') decline('a starred comprehension');
      const parts: Child[] = [open, ['body', first]];
      this.comprehensionClauses(parts);
      parts.push(this.expectOp('}'));
      return this.node('set_comprehension', parts);
    }
    const parts: Child[] = [open, first];
    this.elementsAfter(parts, '}');
    return this.node('set', parts);
  }

  private dictionaryFrom(parts: Child[]): ScanNode {
    parts.push(this.dictItem());
    this.dictionaryRest(parts);
    return this.node('dictionary', parts);
  }

  private dictItem(): ScanNode {
    if (this.isOp('**')) {
      const star = this.take();
      return this.node('dictionary_splat', [star, this.expression()]);
    }
    const key = this.expression();
    const colon = this.expectOp(':');
    return this.node('pair', [key, colon, this.expression()], PAIR_FIELDS);
  }

  private dictionaryRest(parts: Child[]): void {
    for (;;) {
      if (this.isOp('}')) break;
      parts.push(this.expectOp(','));
      if (this.isOp('}')) break;
      parts.push(this.dictItem());
    }
    parts.push(this.expectOp('}'));
  }
}

const isGeneric = (n: ScanNode) => n.type === 'subscript' && n.children[0].type === 'identifier';

function shape(n: ScanNode): string {
  return n.isNamed && n.type !== 'identifier' && n.type !== 'string' ? `${n.type}(${n.namedChildren.map(shape).join(',')})` : n.type;
}

const PATTERN_TYPE: Record<string, string> = { tuple: 'tuple_pattern', list: 'list_pattern', list_splat: 'list_splat_pattern' };

/** An expression where the grammar wants a pattern (an assignment's or a loop's target). */
function toPattern(e: ScanNode): ScanNode {
  switch (e.type) {
    case 'identifier':
    case 'attribute':
    case 'subscript':
      return e;
    case 'tuple':
    case 'list':
    case 'list_splat': {
      const children = e.children.map((c) => {
        if (!c.isNamed) return c;
        const p = toPattern(c);
        p.field = c.field;
        return p;
      });
      if (e.type === 'list_splat' && !['identifier', 'attribute', 'subscript'].includes(children[1]?.type)) decline('a starred target');
      // The children keep their fields (a pattern's are those of the expression it was read as).
      return nodeOver(PATTERN_TYPE[e.type], true, e.startIndex, e.endIndex, children);
    }
    default:
      return decline(`a ${e.type} as a target`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Finishing the tree: parents, comments, spans

/**
 * Puts each comment where tree-sitter does: an extra token belongs to the smallest node that has tokens on both
 * of its sides (hidden ones included: a block's dedent, a statement's newline), since a node never starts or
 * ends with an extra. Then drops the hidden tokens and computes every span from the children.
 */
function finish(root: ScanNode, parser: Parser): void {
  if (parser.comments.length === 0) return;
  const inserts = new Map<ScanNode, Array<{ index: number; node: ScanNode }>>();
  /** Where a comment after `token` goes among `owner`'s children (a hidden token is not among them). */
  const after = (token: ScanNode, owner: ScanNode) => {
    let a = token;
    while (a.parent !== owner) a = a.parent!;
    return a.hidden ? a.slot : a.slot + 1;
  };
  for (const { tok, before } of parser.comments) {
    const prev = before > 0 ? parser.lastOf(before - 1) : undefined;
    const next = parser.firstOf(before);
    let owner = root;
    let index = 0;
    if (prev && next) {
      const above = new Set<ScanNode>();
      for (let x: ScanNode | null = prev; x; x = x.parent) above.add(x);
      let lca: ScanNode = next;
      while (!above.has(lca)) lca = lca.parent!;
      if (lca === prev || lca === next) decline('a comment inside a token');
      owner = lca;
      index = after(prev, owner);
    } else if (prev) index = after(prev, root);
    const node = tok;
    node.parent = owner;
    let list = inserts.get(owner);
    if (!list) inserts.set(owner, (list = []));
    list.push({ index, node });
    // A comment after a node's last child (before its dedent or newline) ends it, and every node it ends.
    for (let n: ScanNode | null = owner; n && n !== root && n.endIndex < tok.end; n = n.parent) n.endIndex = tok.end;
  }
  for (const [owner, list] of inserts) {
    const children: ScanNode[] = [];
    let k = 0;
    for (let i = 0; i <= owner.children.length; i++) {
      while (k < list.length && list[k].index === i) {
        children.push(list[k].node);
        k++;
      }
      if (i < owner.children.length) children.push(owner.children[i]);
    }
    children.forEach((c, i) => (c.slot = i));
    owner.children = children;
  }
}

/**
 * The syntax tree tree-sitter would build for `text`, when this scanner understands the whole file; undefined
 * when it declines (see the file comment), and the caller parses with tree-sitter.
 */
export function scanPython(text: string, into?: ScanArena): ScanNode | undefined {
  if (into) into.used = 0;
  arena = into;
  source = text;
  try {
    const parser = new Parser(text, tokenize(text));
    const root = parser.module();
    finish(root, parser);
    return root;
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  } finally {
    // A very large file's further nodes are not kept (its tree holds them until it is let go).
    if (into && into.nodes.length > MAX_ARENA_NODES) into.nodes.length = MAX_ARENA_NODES;
    arena = undefined;
    source = '';
  }
}

/** Why the scanner declines `text`, for tests and measurements; undefined when it reads it. */
export function scanDeclineReason(text: string): string | undefined {
  reached = 0;
  source = text;
  try {
    const parser = new Parser(text, tokenize(text));
    const root = parser.module();
    finish(root, parser);
    return undefined;
  } catch (e) {
    if (e instanceof Decline) return `${e.message} (near offset ${reached})`;
    return `crash: ${e instanceof Error ? e.stack : String(e)}`;
  } finally {
    source = '';
  }
}
