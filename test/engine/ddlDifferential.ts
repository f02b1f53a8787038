/**
 * The differential check of the hand-written DDL reader (`readDdl`) against pgsql-ast-parser, shared by
 * `ddlReader.test.ts` (fixtures, invented statements, mutations) and `bench/sql-parsers.mjs --differential` (the
 * real-world corpus). Wherever the reader answers, the parser must read the same text to the same tree; where it
 * declines, nothing is asserted (the parser reads the statement, as before the reader).
 */
import { parse } from 'pgsql-ast-parser';
import { bareReferenceRefused, readDdl } from '../../server/src/core/sql/ddlReader';
import { withPlaceholders } from '../../server/src/core/sql/extract';
import { blankChecks, blankComments, blankIndexOptions, foreignDialect } from '../../server/src/core/sql/normalize';
import { splitStatements } from '../../server/src/core/sql/split';

/**
 * A tree as text with its keys in order, a column's `DEFAULT` expression (and `SET DEFAULT`'s) left out: the reader
 * checks that expression's form but does not build it (nothing reads it). Every other node, name and location is compared.
 */
export function treeText(tree: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(norm);
    if (!x || typeof x !== 'object') return x;
    const o = x as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (!(k === 'default' && (o.type === 'default' || o.type === 'set default'))) out[k] = norm(o[k]);
    return out;
  };
  return JSON.stringify(norm(tree));
}

/** The parser's tree of `text` as `treeText`, or its error. */
export function parserTree(text: string): string {
  try {
    return treeText(parse(text, { locationTracking: true }));
  } catch (e) {
    return `refused: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  }
}

export interface Difference {
  text: string;
  reader: string;
  parser: string;
}

/** Compares the reader with the parser on one text; undefined when they agree or the reader declines. */
/** The parser's reading of a check's condition, as the extractor gives the reader. */
const parseCheck = (text: string): unknown => parse(text, { entry: 'expr_paren', locationTracking: true });

export function compareOne(text: string): { accepted: boolean; difference?: Difference } {
  const mine = readDdl(text, parseCheck);
  // Where the reader says the parser refuses a bare `REFERENCES t`, it must.
  if (bareReferenceRefused(text)) {
    const parser = parserTree(text);
    if (!parser.startsWith('refused:')) return { accepted: true, difference: { text, reader: 'the parser refuses (bare REFERENCES)', parser } };
  }
  if (!mine) return { accepted: false };
  const reader = treeText(mine);
  const parser = parserTree(text);
  return { accepted: true, ...(reader === parser ? {} : { difference: { text, reader, parser } }) };
}

/**
 * The texts the extractor gives a parser for one statement of a file: as written with comments blanked, respelt as
 * PostgreSQL (SQLite and MySQL DDL), and each with its checks and index options blanked.
 */
export function parserTexts(statement: string): string[] {
  const plain = blankComments(statement);
  const both = [plain, foreignDialect(plain)];
  const all = [...both, ...both.map((t) => blankIndexOptions(blankChecks(t)))];
  // Each again with `REFERENCES t` given its placeholder column.
  const patched = all.flatMap((t) => withPlaceholders(t)?.text ?? []);
  return [...new Set([...all, ...patched])].filter((t) => /^\s*(?:create|alter|drop)\b/i.test(t));
}

/** Every statement text of a SQL file the extractor may parse. */
export function fileTexts(sql: string): string[] {
  return splitStatements(sql).flatMap((s) => parserTexts(s.text));
}

/** Words and marks the mutations put in: the reader's keywords, its punctuation, and near misses of them. */
const VOCABULARY = [
  'NOT', 'NULL', 'DEFAULT', 'PRIMARY', 'KEY', 'UNIQUE', 'REFERENCES', 'FOREIGN', 'CONSTRAINT', 'CHECK', 'COLLATE', 'ON', 'DELETE',
  'UPDATE', 'SET', 'CASCADE', 'RESTRICT', 'NO', 'ACTION', 'MATCH', 'FULL', 'ARRAY', 'WITH', 'WITHOUT', 'TIME', 'ZONE', 'VARYING',
  'PRECISION', 'DOUBLE', 'CHARACTER', 'TIMESTAMP', 'IF', 'EXISTS', 'ONLY', 'ADD', 'DROP', 'COLUMN', 'TABLE', 'INDEX', 'USING', 'ASC',
  'DESC', 'TEMP', 'UNLOGGED', 'LOCAL', 'GLOBAL', 'LIKE', 'INHERITS', 'GENERATED', 'user', 'order', 'key', 'e', 'b', 'current_schema',
  'CURRENT_TIMESTAMP', 'now()', 'true', '(', ')', '[', ']', ',', '.', '::', ';', ':', '-', '-1', '1.5', '.5', '1.', '12', "'x'",
  "''", "E'x'", '"Q"', '"a*b"', '""""', '$$x$$', '$1', '`b`', '/* c */', '-- c\n', '||', '=',
];

/** A deterministic generator (xorshift), so a failing mutation is found again. */
function generator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * `count` mutations of a statement: a token deleted, doubled, swapped with the next, or replaced by a word or mark of
 * `VOCABULARY` (tokens cut roughly: names, quoted text, numbers, marks).
 */
export function mutations(text: string, count: number, seed: number): string[] {
  const tokens = text.match(/"(?:[^"]|"")*"|'(?:[^']|'')*'|[A-Za-z_][\w$]*|-?\d+(?:\.\d*)?|::|\s+|./g) ?? [];
  const at = tokens.map((_, i) => i).filter((i) => !/^\s+$/.test(tokens[i]));
  if (at.length === 0) return [];
  const random = generator(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const t = [...tokens];
    const i = pick(at);
    const how = Math.floor(random() * 4);
    if (how === 0) t[i] = '';
    else if (how === 1) t[i] = `${t[i]} ${t[i]}`;
    else if (how === 2) {
      const j = at[at.indexOf(i) + 1];
      if (j === undefined) continue;
      [t[i], t[j]] = [t[j], t[i]];
    } else t[i] = ` ${pick(VOCABULARY)} `;
    out.push(t.join(''));
  }
  return out;
}
