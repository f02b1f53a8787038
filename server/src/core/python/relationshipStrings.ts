import type { Span } from '../types';

// SQLAlchemy's `relationship()` takes some of its arguments as strings it evaluates later, in a namespace where the
// tables of the class's metadata are names: `secondary="user_groups"`, `primaryjoin="users.c.email ==
// Post.author_email"`. No fact of FK Guard holds them (they make no key), but a rename of the table or the column
// they name must see them: read here from the text, for rename only.

/** The keyword arguments of `relationship()` / `backref()` whose strings SQLAlchemy evaluates against the metadata. */
const EVALUATED = new Set(['secondary', 'primaryjoin', 'secondaryjoin', 'order_by', 'foreign_keys', 'remote_side']);

/** One string literal in an evaluated argument of a relationship call. */
export interface RelationshipString {
  /** The keyword it is given to (`secondary`, `primaryjoin`, …). */
  keyword: string;
  /** Where its contents are (inside the quotes). */
  content: Span;
  /** Its contents as written (escapes not read). */
  text: string;
  /** The argument is this one literal alone (`secondary="user_groups"`), not an expression holding it. */
  alone: boolean;
  /** An f-string, a byte string or one with escapes: its value is not its text. */
  computed: boolean;
}

interface Literal {
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
  prefix: string;
}

/**
 * The text with comments and the contents of string literals blanked (quotes and prefixes kept), and the literals.
 * Parentheses, commas and names in the blanked text are code.
 */
function mask(text: string): { masked: string; literals: Literal[] } {
  const out: string[] = [];
  const literals: Literal[] = [];
  let i = 0;
  let last = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '#') {
      const eol = text.indexOf('\n', i);
      const end = eol < 0 ? n : eol;
      out.push(text.slice(last, i), ' '.repeat(end - i));
      i = last = end;
      continue;
    }
    if (ch === '"' || ch === "'") {
      // A prefix of up to two letters right before the quote, not part of a longer name.
      let p = i;
      while (p > 0 && i - p < 2 && /[rRbBuUfF]/.test(text[p - 1])) p--;
      if (p > 0 && /[\w]/.test(text[p - 1])) p = i;
      const prefix = text.slice(p, i);
      const triple = text.startsWith(ch.repeat(3), i);
      const q = triple ? ch.repeat(3) : ch;
      const contentStart = i + q.length;
      let j = contentStart;
      let closed = false;
      while (j < n) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (!triple && text[j] === '\n') break;
        if (text.startsWith(q, j)) {
          closed = true;
          break;
        }
        j++;
      }
      const contentEnd = Math.min(j, n);
      const end = closed ? contentEnd + q.length : contentEnd;
      literals.push({ start: p, contentStart, contentEnd, end, prefix });
      out.push(text.slice(last, contentStart), text.slice(contentStart, contentEnd).replace(/[^\n]/g, ' '));
      last = contentEnd;
      i = end;
      continue;
    }
    i++;
  }
  out.push(text.slice(last));
  return { masked: out.join(''), literals };
}

/** Every string literal given to an evaluated argument of a `relationship()`, `relation()` or `backref()` call. */
export function relationshipStrings(text: string): RelationshipString[] {
  if (!/\b(?:relationship|relation|backref)\s*\(/.test(text)) return [];
  const { masked, literals } = mask(text);
  const out: RelationshipString[] = [];
  const call = /\b(?:relationship|relation|backref)\s*\(/g;
  for (let m = call.exec(masked); m; m = call.exec(masked)) {
    const open = m.index + m[0].length - 1;
    // The call's arguments: to the matching parenthesis, each top-level argument by its commas.
    let depth = 0;
    let argStart = open + 1;
    let closed = false;
    for (let i = open; i < masked.length && !closed; i++) {
      const c = masked[i];
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      if ((c === ',' && depth === 1) || depth === 0) {
        argument(text, masked, literals, argStart, i, out);
        argStart = i + 1;
        closed = depth === 0;
      }
    }
    // A call the file ends inside (being typed): its last argument runs to the end.
    if (!closed) argument(text, masked, literals, argStart, masked.length, out);
  }
  return out;
}

function argument(text: string, masked: string, literals: readonly Literal[], start: number, end: number, out: RelationshipString[]): void {
  const kw = /^\s*([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(masked.slice(start, end));
  if (!kw || !EVALUATED.has(kw[1])) return;
  const valueStart = start + kw[0].length;
  const inside = literals.filter((l) => l.start >= valueStart && l.end <= end);
  const alone = inside.length === 1 && inside[0].start === valueStart && masked.slice(inside[0].end, end).trim() === '';
  for (const l of inside) {
    const body = text.slice(l.contentStart, l.contentEnd);
    const computed = /[fFbB]/.test(l.prefix) || (!/[rR]/.test(l.prefix) && body.includes('\\'));
    out.push({ keyword: kw[1], content: { start: l.contentStart, end: l.contentEnd }, text: body, alone, computed });
  }
}
