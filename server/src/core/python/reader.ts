import type { Node } from 'web-tree-sitter';
import { emptyFacts } from '../facts';
import { spanOf } from './syntax';
import type { ClassFact, FileFacts, NameExpr, ReferenceFact, Span } from '../types';

/**
 * The state of one read of a Python file, shared by the functions that read its parts (extract.ts for the
 * module level, imports.ts, classes.ts, columns.ts, columnTypes.ts, references.ts, migrationOps.ts,
 * derivations.ts): the facts gathered so far, the text, and what the module level learned that later
 * statements depend on. Its methods read literals, which need the file's text.
 */

export class PythonReader {
  readonly facts: FileFacts;
  /**
   * Set while reading a block that runs only when the main definition is missing (`except ImportError:`,
   * `if "t" not in metadata.tables:`): tables built there are fallbacks, not second definitions.
   */
  fallback = false;
  /** How many module-level branches (`if`, `elif`, `else`, `except`) the statement being read sits in. */
  branches = 0;
  /** How many module-level `try` statements the statement being read sits in (see `ImportFact.conditional`). */
  tries = 0;
  /** `upgrade()`, read once the whole module is: the helpers and constants it uses may be defined after it. */
  upgradeDef: Node | undefined;
  /** Module-level functions by name, which `upgrade()` may call to run operations (see `migrationBlock`). */
  readonly moduleFunctions = new Map<string, Node>();
  /**
   * A flag argument as Python evaluates it (`unique=True`, `=(True)`, `=1`, `=UNIQUE` after a module-level `UNIQUE =
   * True`): true or false, undefined when FK Guard cannot read it. An absent one is false.
   */
  flag(n: Node | undefined): boolean | undefined {
    if (!n) return false;
    switch (n.type) {
      case 'true':
        return true;
      case 'false':
      case 'none':
        return false;
      case 'integer':
        return /^0+$|^0[xob]0+$/i.test(n.text.replace(/_/g, '')) ? false : true;
      case 'parenthesized_expression': {
        const inner = n.namedChildren.filter((c) => c?.type !== 'comment');
        return inner.length === 1 && inner[0] ? this.flag(inner[0]) : undefined;
      }
      case 'identifier':
        return this.facts.booleans?.[n.text];
      default:
        return undefined;
    }
  }

  /** Module-level lists and tuples by name, for `for table in TABLES:` around operations. */
  readonly moduleSequences = new Map<string, Node>();
  /**
   * Names bound while reading `upgrade()`: a loop variable to the element of this iteration, a helper's
   * parameter to the string its call passes. Looked up before module constants, as Python's scopes do.
   */
  bindings = new Map<string, string | undefined>();
  /**
   * Set while reading operations that may or may not run (an `if`, a `try`, a loop FK Guard cannot unroll):
   * the outermost such statement, which every operation read there carries as `conditional`.
   */
  conditional: Span | undefined;
  /** The helpers being followed, so a recursive helper is not followed forever. */
  readonly following: string[] = [];
  /** References of `use_alter=True` foreign keys, added by `ALTER TABLE` once the revision's tables exist. */
  readonly deferred: ReferenceFact[] = [];
  /** Classes of this module known to be SQLModel classes, so their subclasses here are too. */
  readonly sqlModelClasses = new Set<string>();
  /**
   * The `ForeignKey(...)` calls inside this module's `Annotated` aliases, by the alias's name as it stands now: a
   * `Mapped[X]` column of a class below takes each of them as a key of its own (see `aliasForeignKeys`).
   */
  readonly aliasForeignKeys = new Map<string, Node[]>();

  /** `lineStarts`: the text's, when the caller has them already. */
  constructor(
    file: string,
    readonly text: string,
    lineStarts?: number[],
  ) {
    this.facts = emptyFacts(file, text, 'python', lineStarts);
  }

  /** Whether a class is a SQLModel class by its own bases and the module's classes noted so far. */
  isSqlModelClass(c: ClassFact): boolean {
    return c.sqlmodelTable || c.bases.some((b) => /(^|\.)SQLModel$/.test(b) || this.sqlModelClasses.has(b));
  }

  /** Records a class read earlier (by a full read) as the SQLModel class it is, or not. */
  noteSqlModelClass(c: ClassFact): void {
    if (c.sqlmodelTable || c.bases.some((b) => /(^|\.)SQLModel$/.test(b) || this.sqlModelClasses.has(b))) this.sqlModelClasses.add(c.name);
  }

  migration(): NonNullable<FileFacts['migration']> {
    this.facts.migration ??= { ops: [] };
    return this.facts.migration;
  }

  dictHasKey(d: Node, key: string): boolean {
    return d.namedChildren.some((pair) => pair?.type === 'pair' && this.literal(pair.childForFieldName('key')!)?.value === key);
  }

  /** The value written for a string key of a dictionary (`{"schema": None}`), as a node. */
  dictValue(d: Node, key: string): Node | undefined {
    for (const pair of d.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const k = pair.childForFieldName('key');
      const v = pair.childForFieldName('value');
      if (k && v && this.literal(k)?.value === key) return v;
    }
    return undefined;
  }

  dictString(d: Node, key: string): string | undefined {
    const v = this.dictValue(d, key);
    return v ? this.literal(v)?.value : undefined;
  }

  /** A plain string literal's value and the span of its content (no prefix, no quotes). */
  literal(n: Node): { value: string; contentSpan: Span } | undefined {
    if (n.type === 'concatenated_string') {
      const parts = n.namedChildren.map((c) => (c ? this.literal(c) : undefined));
      if (parts.some((p) => !p)) return undefined;
      return { value: parts.map((p) => p!.value).join(''), contentSpan: spanOf(n) };
    }
    if (n.type !== 'string') return undefined;
    const start = n.children.find((c) => c?.type === 'string_start');
    const end = n.children.find((c) => c?.type === 'string_end');
    if (!start || !end) return undefined;
    // The prefix and quotes, read once: `text` makes a new string at each call (a call into WebAssembly for a tree-sitter node).
    const open = start.text;
    if (/f/i.test(open) || n.children.some((c) => c?.type === 'interpolation')) return undefined;
    // The content ends where the closing quote does: tree-sitter's `string_end` of a raw string may take backslashes
    // before the quote with it (`r"\\"`: an empty content and an end `\\"`), which are content to Python (R14-14).
    const contentEnd = n.endIndex - closingQuote(open).length;
    if (contentEnd < start.endIndex) return undefined;
    const raw = this.text.slice(start.endIndex, contentEnd);
    const value = /r/i.test(open) ? raw : unescapePython(raw);
    if (value === undefined) return undefined;
    return { value, contentSpan: { start: start.endIndex, end: contentEnd } };
  }

  /**
   * An f-string (`n`, a `string` with interpolations) as its pieces: the text between interpolations as Python makes it
   * (`{{` and `}}` are one brace, escapes decoded unless the string is raw), read from the source between them, since
   * tree-sitter's nodes do not always cover it (a raw string's end may take its last backslashes, see `literal`); and
   * each interpolation. Undefined when a piece cannot be decoded (`\N{...}`), or an interpolation is self-documenting
   * (`{TABLE=}` writes `TABLE='farms'`, the expression's text and its repr, not the value: R14-14).
   */
  fStringPieces(n: Node): Array<{ literal: string } | { interpolation: Node }> | undefined {
    const start = n.children.find((c) => c?.type === 'string_start');
    if (!start) return undefined;
    const open = start.text;
    const rawString = /r/i.test(open);
    const out: Array<{ literal: string } | { interpolation: Node }> = [];
    const literalPart = (from: number, to: number): boolean => {
      if (to <= from) return true;
      const text = this.text.slice(from, to).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      const value = rawString ? text : unescapePython(text);
      if (value === undefined) return false;
      out.push({ literal: value });
      return true;
    };
    let at = start.endIndex;
    for (const c of n.children) {
      if (c?.type !== 'interpolation') continue;
      if (!literalPart(at, c.startIndex) || c.children.some((x) => x?.type === '=')) return undefined;
      out.push({ interpolation: c });
      at = c.endIndex;
    }
    return literalPart(at, n.endIndex - closingQuote(open).length) ? out : undefined;
  }

  /** A name that may come from a constant or an f-string of constants. */
  nameExpr(n: Node, classConstants: Record<string, string>): NameExpr {
    const lit = this.literal(n);
    if (lit) return { kind: 'literal', value: lit.value };
    if (n.type === 'identifier') {
      if (classConstants[n.text] !== undefined) return { kind: 'literal', value: classConstants[n.text] };
      return { kind: 'const', name: n.text };
    }
    if (n.type === 'string' && n.children.some((c) => c?.type === 'interpolation')) {
      const pieces = this.fStringPieces(n);
      if (!pieces) return { kind: 'dynamic', text: n.text };
      const parts: Array<{ literal: string } | { const: string }> = [];
      for (const p of pieces) {
        if ('literal' in p) {
          parts.push(p);
          continue;
        }
        const e = p.interpolation.childForFieldName('expression') ?? p.interpolation.namedChildren[0];
        const hasFormat = p.interpolation.namedChildren.some((x) => x && (x.type === 'format_specifier' || x.type === 'type_conversion'));
        if (e?.type === 'identifier' && !hasFormat) parts.push({ const: e.text });
        else return { kind: 'dynamic', text: n.text };
      }
      return { kind: 'template', parts };
    }
    return { kind: 'dynamic', text: n.text };
  }
}

/** The quote(s) that close a string opened by `open` (its prefix and opening quotes, `rb'''`). */
function closingQuote(open: string): string {
  return open.replace(/^[A-Za-z]*/, '');
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * A (non-raw) Python string's value, its escapes decoded as Python decodes them: `\x69` is `i`, `\u0075` is
 * `u`, a backslash before a line break joins the lines, and an escape Python does not know keeps its
 * backslash (`\d` is `\d`). Undefined for `\N{...}`, whose value needs Unicode's name table.
 */
export function unescapePython(raw: string): string | undefined {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const next = raw[i + 1];
    if (next === '\n') {
      i += 1;
    } else if (next === '\r') {
      i += raw[i + 2] === '\n' ? 2 : 1;
    } else if (SIMPLE_ESCAPES[next] !== undefined) {
      out += SIMPLE_ESCAPES[next];
      i += 1;
    } else if (next >= '0' && next <= '7') {
      const m = /^[0-7]{1,3}/.exec(raw.slice(i + 1, i + 4))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = raw.slice(i + 2, i + 2 + width);
      // Python refuses a short escape (a syntax error): nothing is proven about such a string.
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 1 + width;
    } else if (next === 'N') {
      return undefined;
    } else {
      out += ch;
    }
  }
  return out;
}
