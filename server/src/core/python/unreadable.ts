// What FK Guard cannot read in a Python file, said in a way a person can act on: a file nested too deeply for
// the parser to be handed it safely, and syntax errors that swallowed a table or a foreign key.

import { ParseError, Span } from '../types';

/**
 * CPython refuses a file with more than 100 levels of indentation ("too many levels of indentation") or 200
 * nested brackets ("too many nested parentheses"). tree-sitter's Python scanner does not refuse them: past
 * about 500 levels it writes outside its memory ("memory access out of bounds"), which leaves the parser, and
 * sometimes the whole WebAssembly heap, broken. A file CPython would not run is not worth that risk.
 */
export const MAX_INDENT_LEVELS = 100;
export const MAX_BRACKET_DEPTH = 200;

/** What the parser is handed for a file's text (see `parserInput`). */
export interface ParserInput {
  /** The text for tree-sitter: as long as the original, every offset the same. */
  text: string;
  /** Set when the text differs from the original, so an old syntax tree cannot be edited into its tree. */
  rewritten: boolean;
  /** Why the file must not be parsed at all. */
  problem?: ParseError;
}

/**
 * Comment lines in a row beyond which they are blanked for the parser: tree-sitter's Python scanner looks
 * past every following comment line at each one (to place indents and dedents), so 20,000 of them took
 * minutes. Comments hold nothing FK Guard reads from the tree (suppressions are read from the text).
 */
export const MAX_COMMENT_RUN = 64;

/**
 * The text to hand tree-sitter for `text`, in one pass with a small tokenizer that knows strings (triple-quoted
 * ones span lines), comments, brackets and backslash continuations:
 * - a lone `\r` ends a line in Python but not in the grammar: it becomes `\n`;
 * - a run of more than `MAX_COMMENT_RUN` comment-only lines is blanked (see there);
 * - a file nested deeper than Python allows is refused (`problem`): CPython's tokenizer stops at 100 levels of
 *   indentation and 200 nested brackets, while tree-sitter's scanner writes outside its memory past about 500
 *   levels ("memory access out of bounds"), which leaves the parser, and sometimes the WebAssembly heap, broken.
 * Indentation is counted as CPython does: a tab moves to the next multiple of 8; blank and comment lines,
 * lines inside brackets or strings and lines after a backslash open no block.
 */
export function parserInput(text: string): ParserInput {
  const indents: number[] = [0];
  const blanked: Array<[number, number]> = [];
  let runStart = -1;
  let runLines = 0;
  let brackets = 0;
  let maxBrackets = 0;
  let maxBracketsAt = 0;
  let i = 0;
  const n = text.length;
  let lineStart = true;
  let continued = false;
  const endRun = () => {
    if (runLines > MAX_COMMENT_RUN) blanked.push([runStart, i]);
    runLines = 0;
  };
  while (i < n) {
    if (lineStart) {
      lineStart = false;
      const start = i;
      let col = 0;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 32) col++;
        else if (c === 9) col = (Math.floor(col / 8) + 1) * 8;
        else if (c === 12) col = 0;
        else break;
        i++;
      }
      const c = text.charCodeAt(i);
      if (c === 35 /* # */ && !continued) {
        if (runLines === 0) runStart = start;
        runLines++;
        i = lineEnd(text, i);
        continue;
      }
      const blank = i >= n || c === 10 || c === 13;
      if (!blank) endRun();
      if (!blank && brackets === 0 && !continued) {
        while (col < indents[indents.length - 1]) indents.pop();
        if (col > indents[indents.length - 1]) {
          indents.push(col);
          if (indents.length - 1 > MAX_INDENT_LEVELS) {
            return {
              text,
              rewritten: false,
              problem: {
                message: `FK Guard skipped this file: it nests blocks more than ${MAX_INDENT_LEVELS} levels deep, which Python itself refuses ("too many levels of indentation"), and its parser cannot read such a file safely.`,
                span: { start, end: lineEnd(text, i) },
                lost: 'the whole file',
              },
            };
          }
        }
      }
      continued = false;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      // `\r\n`, `\n` and a lone `\r` each end a line, as they do for Python.
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      lineStart = true;
    } else if (c === 35 /* # */) {
      i = lineEnd(text, i);
    } else if (c === 92 /* \ */) {
      const next = text.charCodeAt(i + 1);
      if (next === 10 || next === 13) continued = true;
      i++;
    } else if (c === 34 || c === 39 /* " ' */) {
      i = skipString(text, i);
    } else {
      if (c === 40 || c === 91 || c === 123) {
        brackets++;
        if (brackets > maxBrackets) {
          maxBrackets = brackets;
          maxBracketsAt = i;
        }
      } else if ((c === 41 || c === 93 || c === 125) && brackets > 0) brackets--;
      i++;
    }
  }
  endRun();
  if (maxBrackets > MAX_BRACKET_DEPTH) {
    return {
      text,
      rewritten: false,
      problem: {
        message: `FK Guard skipped this file: it nests brackets more than ${MAX_BRACKET_DEPTH} deep, which Python itself refuses ("too many nested parentheses"), and its parser cannot read such a file safely.`,
        span: { start: maxBracketsAt, end: maxBracketsAt + 1 },
        lost: 'the whole file',
      },
    };
  }
  const loneCr = text.includes('\r') && /\r(?!\n)/.test(text);
  if (blanked.length === 0 && !loneCr) return { text, rewritten: false };
  let out = '';
  let last = 0;
  for (const [from, to] of blanked) {
    // Each comment line keeps its line break; everything else in the run becomes spaces.
    out += text.slice(last, from) + text.slice(from, to).replace(/[^\r\n]/g, ' ');
    last = to;
  }
  out += text.slice(last);
  if (loneCr) out = out.replace(/\r(?!\n)/g, '\n');
  return { text: out, rewritten: true };
}

/**
 * Whether `edit` of `before` leaves what `parserInput` sees as it was: when the parser took `before` as it
 * was (not rewritten, no problem), it takes the edited text as it is too. True only for an edit that removes
 * and inserts nothing but letters, digits, `_`, blanks and operators that open and close nothing, after
 * something on its line that is not a blank, with no backslash or quote right before it. `parserInput` reads a line's indentation
 * (and whether it is blank or a comment) from its first character that is not a blank, which lies before
 * the edit, and such characters end no line, open or close no bracket, string or comment, and continue no
 * line, wherever they stand (inside a string or a comment they count for nothing). A quote right after the edit
 * is read as it was: whether a quote opens or closes three at once is read from the quotes after it, and the
 * edit cannot join that run of quotes to one before it, there being none right before. So typing a table name
 * (`__tablename__ = "users"`, the cursor before the closing quote) is no pass over the whole text. The test
 * "parser input kept through plain edits" compares with `parserInput` on many edits, half of them by quotes.
 */
export function keepsParserInput(before: string, edit: { startIndex: number; oldEndIndex: number; newText: string }): boolean {
  const plain = /^[A-Za-z0-9_ .,:;=+\-*\/<>!%&|^~@]*$/;
  if (!plain.test(edit.newText) || !plain.test(before.slice(edit.startIndex, edit.oldEndIndex))) return false;
  // A quote before the edit could become (or stop being) part of a triple quote; a backslash before it escapes it.
  let i = edit.startIndex - 1;
  const c0 = before.charCodeAt(i);
  if (i < 0 || c0 === 92 || c0 === 34 || c0 === 39) return false;
  for (; i >= 0; i--) {
    const c = before.charCodeAt(i);
    if (c === 10 || c === 13) return false;
    if (c !== 32 && c !== 9 && c !== 12) return true;
  }
  return false;
}

/** Why `text` must not be handed to the parser (see `parserInput`), or undefined when it may be. */
export function nestingProblem(text: string): ParseError | undefined {
  return parserInput(text).problem;
}

/**
 * The offset just past the string that opens at `i` (a quote); an unclosed one ends the text or its line. The
 * scanner (scanner.ts) checks its strings against it.
 */
export function skipString(text: string, i: number): number {
  const q = text.charCodeAt(i);
  const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
  let j = i + (triple ? 3 : 1);
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === q && (!triple || (text.charCodeAt(j + 1) === q && text.charCodeAt(j + 2) === q))) return j + (triple ? 3 : 1);
    else if (!triple && (c === 10 || c === 13)) return j;
    else j++;
  }
  return j;
}

function lineEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
  return j;
}

/** Words that show a piece of code defined a table or referenced one (the prefilter's, in short). */
const SCHEMA_WORDS: ReadonlyArray<[RegExp, string]> = [
  [/\bForeignKey(?:Constraint)?\s*\(|\bforeign_key\s*=|\bcreate_foreign_key\b/, 'the foreign key in it'],
  [/\b__tablename__\b|\bTable\s*\(|\bcreate_table\b|\badd_column\b/, 'the table it defines'],
  [/\b(?:mapped_column|Column)\s*\(/, 'the columns in it'],
];

/**
 * A tree-sitter error node as a `ParseError`. `lost` is set only when the unreadable code held a table, a
 * column or a foreign key, so the `parse-error` rule speaks up where a check went missing, not at every
 * half-typed line (the editor's Python support already underlines those).
 */
export function pythonSyntaxError(missing: boolean, type: string, text: string, span: Span): ParseError {
  if (missing) return { message: `missing ${type}`, span };
  const found = SCHEMA_WORDS.find(([re]) => re.test(text));
  if (!found) return { message: 'syntax error', span };
  return {
    message: `FK Guard could not read this code (a syntax error), so ${found[1]} is not checked.`,
    span,
    lost: found[1],
  };
}
