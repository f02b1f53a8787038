import { ParseError, Span } from '../types';

// A small, error-tolerant reader of Prisma schema files: blocks (`model`, `view`, `enum`, ...), fields with
// their types and attributes, block attributes. It keeps every name's span so facts and fixes can point into
// the text. A line it cannot read is reported and skipped; a block without its closing brace ends the file.

export type PrismaValue =
  | { kind: 'ident'; text: string; span: Span }
  | { kind: 'string'; value: string; span: Span; contentSpan: Span }
  | { kind: 'number'; text: string; span: Span }
  | { kind: 'list'; items: PrismaValue[]; span: Span }
  | { kind: 'call'; name: string; args: PrismaArg[]; span: Span };

export interface PrismaArg {
  name?: string;
  value: PrismaValue;
}

export interface PrismaAttribute {
  /** Without the `@`/`@@`: `id`, `map`, `relation`, `db.VarChar`. */
  name: string;
  args: PrismaArg[];
  span: Span;
}

export interface PrismaField {
  name: string;
  nameSpan: Span;
  type: string;
  /** The type name's span (without `?` or `[]`). */
  typeSpan: Span;
  /** `?` for an optional field, `[]` for a list, `` otherwise. */
  modifier: '' | '?' | '[]';
  /** `Unsupported("circle")`: the string argument. */
  unsupported?: string;
  attributes: PrismaAttribute[];
  span: Span;
}

export interface PrismaBlock {
  keyword: string;
  name: string;
  nameSpan: Span;
  span: Span;
  fields: PrismaField[];
  attributes: PrismaAttribute[];
}

interface Token {
  kind: 'ident' | 'string' | 'number' | 'punct' | 'newline';
  text: string;
  start: number;
  end: number;
  /** A string's value, unescaped. */
  value?: string;
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', '?', '=', '@']);

function tokenize(text: string, errors: ParseError[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      out.push({ kind: 'newline', text: c, start: i, end: i + 1 });
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\ufeff') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = i++;
      let value = '';
      while (i < n && text[i] !== '"' && text[i] !== '\n') {
        if (text[i] === '\\' && i + 1 < n && text[i + 1] !== '\n') {
          value += text[i + 1];
          i += 2;
        } else value += text[i++];
      }
      if (text[i] === '"') i++;
      else errors.push({ message: 'This string is not closed', span: { start, end: i } });
      out.push({ kind: 'string', text: text.slice(start, i), start, end: i, value });
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_]/.test(text[i])) i++;
      out.push({ kind: 'ident', text: text.slice(start, i), start, end: i });
    } else if (/[0-9-]/.test(c) && /[0-9]/.test(text[c === '-' ? i + 1 : i] ?? '')) {
      const start = i++;
      while (i < n && /[0-9.]/.test(text[i])) i++;
      out.push({ kind: 'number', text: text.slice(start, i), start, end: i });
    } else if (PUNCT.has(c)) {
      out.push({ kind: 'punct', text: c, start: i, end: i + 1 });
      i++;
    } else {
      errors.push({ message: `Unexpected character \`${c}\``, span: { start: i, end: i + 1 } });
      i++;
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  readonly errors: ParseError[] = [];
  private readonly tokens: Token[];

  constructor(private readonly text: string) {
    this.tokens = tokenize(text, this.errors);
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private isPunct(t: Token | undefined, p: string): boolean {
    return t?.kind === 'punct' && t.text === p;
  }

  private skipNewlines(): void {
    while (this.peek()?.kind === 'newline') this.pos++;
  }

  /** Skips the rest of the current line (newlines inside brackets count as part of it). */
  private skipLine(): void {
    let depth = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.kind === 'newline' && depth <= 0) return;
      if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
      if (t.kind === 'punct' && ')]'.includes(t.text)) depth--;
      if (t.kind === 'punct' && t.text === '}') {
        if (depth <= 0) return;
        depth--;
      }
      this.pos++;
    }
  }

  schema(): PrismaBlock[] {
    const blocks: PrismaBlock[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (!t) break;
      const name = this.peek(1);
      if (t.kind === 'ident' && name?.kind === 'ident' && this.isPunct(this.peek(2), '{')) {
        this.pos += 3;
        blocks.push(this.block(t, name));
        continue;
      }
      this.errors.push({ message: 'Expected a block such as `model Name {`', span: { start: t.start, end: t.end } });
      this.skipLine();
      if (this.isPunct(this.peek(), '}')) this.pos++;
    }
    return blocks;
  }

  private block(keyword: Token, name: Token): PrismaBlock {
    const block: PrismaBlock = {
      keyword: keyword.text,
      name: name.text,
      nameSpan: { start: name.start, end: name.end },
      span: { start: keyword.start, end: this.text.length },
      fields: [],
      attributes: [],
    };
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (!t) {
        this.errors.push({ message: `\`${block.name}\` is not closed with \`}\``, span: block.nameSpan });
        return block;
      }
      if (this.isPunct(t, '}')) {
        this.pos++;
        block.span.end = t.end;
        return block;
      }
      // A keyword at the start of a line (`model X {`) means this block's closing brace is missing.
      if (t.kind === 'ident' && this.peek(1)?.kind === 'ident' && this.isPunct(this.peek(2), '{')) {
        this.errors.push({ message: `\`${block.name}\` is not closed with \`}\``, span: block.nameSpan });
        block.span.end = t.start;
        return block;
      }
      if (this.isPunct(t, '@') && this.isPunct(this.peek(1), '@')) {
        this.pos += 2;
        const attr = this.attribute(t.start);
        if (attr) block.attributes.push(attr);
        else this.skipLine();
        continue;
      }
      if (t.kind === 'ident') {
        const field = this.field(t);
        if (field) block.fields.push(field);
        this.skipLine();
        continue;
      }
      this.errors.push({ message: 'Expected a field or a block attribute', span: { start: t.start, end: t.end } });
      this.pos++;
      this.skipLine();
    }
  }

  private field(name: Token): PrismaField | undefined {
    this.pos++;
    const type = this.peek();
    // Enum values and datasource settings have no type; they are not fields.
    if (!type || type.kind !== 'ident') return undefined;
    this.pos++;
    const field: PrismaField = {
      name: name.text,
      nameSpan: { start: name.start, end: name.end },
      type: type.text,
      typeSpan: { start: type.start, end: type.end },
      modifier: '',
      attributes: [],
      span: { start: name.start, end: type.end },
    };
    if (type.text === 'Unsupported' && this.isPunct(this.peek(), '(')) {
      this.pos++;
      const arg = this.peek();
      if (arg?.kind === 'string') {
        field.unsupported = arg.value;
        this.pos++;
      }
      if (this.isPunct(this.peek(), ')')) this.pos++;
    }
    if (this.isPunct(this.peek(), '?')) {
      field.modifier = '?';
      this.pos++;
    } else if (this.isPunct(this.peek(), '[') && this.isPunct(this.peek(1), ']')) {
      field.modifier = '[]';
      this.pos += 2;
    }
    while (this.isPunct(this.peek(), '@')) {
      const at = this.peek()!;
      this.pos++;
      const attr = this.attribute(at.start);
      if (!attr) break;
      field.attributes.push(attr);
    }
    const last = this.tokens[this.pos - 1];
    field.span.end = last ? last.end : field.span.end;
    if (this.peek() && this.peek()!.kind !== 'newline' && !this.isPunct(this.peek(), '}')) {
      const t = this.peek()!;
      this.errors.push({ message: `Unexpected \`${t.text}\` after field \`${field.name}\``, span: { start: t.start, end: t.end } });
    }
    return field;
  }

  /** After `@` or `@@`: `name`, `db.VarChar`, with optional arguments in parentheses. */
  private attribute(start: number): PrismaAttribute | undefined {
    const first = this.peek();
    if (first?.kind !== 'ident') {
      this.errors.push({ message: 'Expected an attribute name', span: { start, end: first?.end ?? start + 1 } });
      return undefined;
    }
    this.pos++;
    let name = first.text;
    let end = first.end;
    while (this.isPunct(this.peek(), '.') && this.peek(1)?.kind === 'ident') {
      name += `.${this.peek(1)!.text}`;
      end = this.peek(1)!.end;
      this.pos += 2;
    }
    let args: PrismaArg[] = [];
    if (this.isPunct(this.peek(), '(')) {
      this.pos++;
      const parsed = this.args(')');
      args = parsed.args;
      end = parsed.end;
    }
    return { name, args, span: { start, end } };
  }

  /** Arguments up to `close`, across lines; returns where the closing token ends. */
  private args(close: string): { args: PrismaArg[]; end: number } {
    const args: PrismaArg[] = [];
    for (;;) {
      while (this.peek()?.kind === 'newline') this.pos++;
      const t = this.peek();
      if (!t || this.isPunct(t, '}')) {
        this.errors.push({ message: `Expected \`${close}\``, span: { start: t?.start ?? this.text.length, end: t?.end ?? this.text.length } });
        return { args, end: t?.start ?? this.text.length };
      }
      if (this.isPunct(t, close)) {
        this.pos++;
        return { args, end: t.end };
      }
      if (this.isPunct(t, ',')) {
        this.pos++;
        continue;
      }
      let name: string | undefined;
      if (t.kind === 'ident' && this.isPunct(this.peek(1), ':')) {
        name = t.text;
        this.pos += 2;
        while (this.peek()?.kind === 'newline') this.pos++;
      }
      const value = this.value();
      if (!value) {
        const bad = this.peek()!;
        this.errors.push({ message: `Unexpected \`${bad.text}\` in arguments`, span: { start: bad.start, end: bad.end } });
        this.pos++;
        continue;
      }
      args.push({ name, value });
    }
  }

  private value(): PrismaValue | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'string') {
      this.pos++;
      const closed = t.text.length >= 2 && t.text.endsWith('"');
      return { kind: 'string', value: t.value ?? '', span: { start: t.start, end: t.end }, contentSpan: { start: t.start + 1, end: closed ? t.end - 1 : t.end } };
    }
    if (t.kind === 'number') {
      this.pos++;
      return { kind: 'number', text: t.text, span: { start: t.start, end: t.end } };
    }
    if (this.isPunct(t, '[')) {
      this.pos++;
      const { args, end } = this.args(']');
      return { kind: 'list', items: args.map((a) => a.value), span: { start: t.start, end } };
    }
    if (t.kind === 'ident') {
      this.pos++;
      let text = t.text;
      let end = t.end;
      while (this.isPunct(this.peek(), '.') && this.peek(1)?.kind === 'ident') {
        text += `.${this.peek(1)!.text}`;
        end = this.peek(1)!.end;
        this.pos += 2;
      }
      if (this.isPunct(this.peek(), '(')) {
        this.pos++;
        const parsed = this.args(')');
        return { kind: 'call', name: text, args: parsed.args, span: { start: t.start, end: parsed.end } };
      }
      return { kind: 'ident', text, span: { start: t.start, end } };
    }
    return undefined;
  }
}

/** Reads a Prisma schema; never throws: what cannot be read is in `errors`. */
export function parsePrisma(text: string): { blocks: PrismaBlock[]; errors: ParseError[] } {
  const p = new Parser(text);
  const blocks = p.schema();
  return { blocks, errors: p.errors };
}
