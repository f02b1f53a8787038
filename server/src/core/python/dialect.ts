import { Edit, type Parser, type Tree } from 'web-tree-sitter';
import type { DocumentEdit, ParsedText, SourceDialect } from '../dialect';
import { emptyFacts, moduleFromPath } from '../facts';
import type { FileFacts } from '../types';
import { extractPython } from './extract';
import { extractPythonAfterEdit } from './incremental';
import { ScanArena, type ScanNode, scanPython } from './scanner';
import { isPythonCandidate, scanConstants, scanImports, setsAlembicLocations } from './prefilter';
import { keepsParserInput, ParserInput, parserInput } from './unreadable';

export const PYTHON_EXTENSIONS: readonly string[] = ['.py', '.pyi'];

/** What the host hands the Python dialect: a tree-sitter parser with the Python language set. */
export interface PythonSupport {
  parser: Parser;
  /**
   * Called after the parser failed (a WebAssembly fault leaves it unusable): the host puts a fresh parser in
   * `parser`, so one bad file never breaks the files after it.
   */
  recover?(): void;
  /**
   * For a host that loads the parser only when a file needs it (a scan the cache answers needs none): called,
   * and awaited, before the dialect is handed a file to parse (the dialect's `load`, see `Engine.loadParser`).
   */
  load?(): Promise<void>;
  /**
   * Whether cold reads try the scanner first (python/scanner.ts): a file it reads whole gets the tree tree-sitter
   * would build, without loading or calling tree-sitter, so the facts are the same (bench/equivalence.mjs proves it
   * on the fixtures, the bench and the real-world corpus). The hosts turn it on unless told not to (host/python.ts).
   */
  scanner?: boolean;
}

/** Cheap test on the text: only Python files that can define or reference a table are parsed. */
export function acceptsPython(file: string, text: string): boolean {
  return file.endsWith('.py') || file.endsWith('.pyi') ? isPythonCandidate(text) : false;
}

/**
 * Python as a source of schema: tree-sitter parses a candidate file, `extractPython` reads its facts. An
 * open document is re-parsed incrementally from its kept tree, and an edit inside one model class re-reads
 * only that class (`extractPythonAfterEdit`). A file that is no candidate still gives its string constants,
 * and a package's `__init__.py` its imports, which other files resolve names through.
 */
export function pythonDialect(python: PythonSupport): SourceDialect {
  // The last text the scanner was asked about and its tree (or `null`: declined), so that `needsParser` and the
  // `extract` that follows it scan a file once.
  let scanned: { text: string; root: ScanNode | null } | undefined;
  // Each scan takes the previous tree's nodes again (see `ScanArena`): `scanned` is the only holder of a tree, and
  // `extract` lets it go with the facts read.
  const arena = new ScanArena();
  // The last text tested and the answer: a scan asks about each file twice (whether to parse it, then while it is
  // read: `analyzeSource` asks again), and the test is a regex over the whole text, run on every file of the
  // workspace (on the bench's real-shaped one, 25 MB twice took about 0.3 s of CPU).
  let tested: { text: string; candidate: boolean } | undefined;
  const scan = (text: string): ScanNode | null => {
    if (!python.scanner) return null;
    if (scanned?.text !== text) {
      // A text the parser would be given rewritten, or not at all, is left to the tree-sitter path as it is. The
      // scanner declines every such text itself, but for a carriage return anywhere (`parserInput` makes a lone one
      // a line break even in a comment or a string): a text without one needs no pass of `parserInput` here.
      const input = text.includes('\r') ? parserInput(text) : undefined;
      scanned = { text, root: input !== undefined && (input.rewritten || input.problem) ? null : (scanPython(text, arena) ?? null) };
    }
    return scanned.root;
  };
  return {
    language: 'python',
    extensions: PYTHON_EXTENSIONS,
    isCandidate(file, text) {
      if (!file.endsWith('.py') && !file.endsWith('.pyi')) return false;
      if (tested?.text !== text) tested = { text, candidate: isPythonCandidate(text) };
      return tested.candidate;
    },
    ...(python.load ? { load: () => python.load!() } : {}),
    needsParser(_file, text) {
      return scan(text) === null;
    },
    extract(file, text) {
      // The fast path: a file the scanner reads whole has the tree tree-sitter would give (see scanner.ts).
      const root = scan(text);
      scanned = undefined;
      if (root) return extractScanned(python, file, text, root);
      const input = parserInput(text);
      const source = new ParserSource(input.text);
      const tree = parseGuarded(python, file, input, source);
      if (!('rootNode' in tree)) return tree;
      try {
        return extractGuarded(python, file, input.text, tree);
      } finally {
        tree.delete();
        source.release();
      }
    },
    constantsOnly(file, text) {
      const constants = /\.pyi?$/.test(file) ? scanConstants(text) : {};
      // A package's `__init__.py` re-exports names (`from .base import Base`): its imports are kept so that
      // `from package import Base` elsewhere finds the class really meant.
      const imports = /(^|\/)__init__\.pyi?$/.test(file) ? scanImports(text, moduleFromPath(file)) : [];
      const locations = /\.pyi?$/.test(file) && setsAlembicLocations(text) ? { setsAlembicLocations: true as const } : {};
      if (Object.keys(constants).length === 0 && imports.length === 0 && !locations.setsAlembicLocations) return undefined;
      return { ...constantsOnly(file, text, constants), imports, ...locations };
    },
    incremental: {
      parse(file, text, kept, edits) {
        const previous = kept instanceof PythonParse ? kept : undefined;
        // A parse whose text went to the parser as it was, and one edit that keeps it so (see `keepsParserInput`):
        // the parser takes the new text as it is too, without a pass over all of it.
        const single = edits?.length === 1 ? edits[0] : undefined;
        const same =
          previous && !previous.rewritten && single && keepsParserInput(previous.text, single) && text.length === previous.text.length + single.newText.length - (single.oldEndIndex - single.startIndex);
        const input = same ? { text, rewritten: false } : parserInput(text);
        // Edits arrive in order, each against the text the previous one produced; tree-sitter wants the same.
        // A text the parser gets rewritten (see `parserInput`) changes beyond the edits: it is parsed afresh.
        let old: Tree | undefined;
        if (previous && !previous.rewritten && !input.rewritten && edits && edits.length > 0) {
          old = previous.tree;
          let before = previous.text;
          for (const e of edits) {
            const newEndIndex = e.startIndex + e.newText.length;
            const startPosition = pointAt(before, e.startIndex);
            // The end positions from the start's and the texts between: counted over the whole new text, they made
            // it one flat string (a copy of a 2,000-line file a keystroke) only to find its line breaks again.
            old.edit(new Edit({
              startIndex: e.startIndex,
              oldEndIndex: e.oldEndIndex,
              newEndIndex,
              startPosition,
              oldEndPosition: pointAfter(startPosition, before.slice(e.startIndex, e.oldEndIndex)),
              newEndPosition: pointAfter(startPosition, e.newText),
            }));
            if (!single) before = before.slice(0, e.startIndex) + e.newText + before.slice(e.oldEndIndex);
          }
          // A host that sent edits which do not lead to `text` gets a full parse rather than a wrong tree.
          if (single ? !leadsTo(previous.text, single, text) : before !== text) old = undefined;
        }
        // Nor is the parser input taken over from edits that do not lead to `text`.
        const checked = same && old === undefined ? parserInput(text) : input;
        const source = new ParserSource(checked.text);
        const tree = parseGuarded(python, file, checked, source, old);
        if (!('rootNode' in tree)) {
          source.release();
          return { failed: tree };
        }
        return { parsed: new PythonParse(file, text, checked, tree, old, source) };
      },
      extract(parsed) {
        const p = parsed as PythonParse;
        return extractGuarded(python, p.file, p.input.text, p.tree);
      },
      extractAfterEdit(parsed, previous, edit) {
        const p = parsed as PythonParse;
        if (!p.old) return undefined;
        return extractPythonAfterEdit(previous, p.text, p.tree, p.old, {
          start: edit.startIndex,
          oldEnd: edit.oldEndIndex,
          newEnd: edit.startIndex + edit.newText.length,
        });
      },
    },
  };
}

/** A parse of an open Python document: its tree, the text it was made from, and the tree it reused. */
class PythonParse implements ParsedText {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly input: ParserInput,
    readonly tree: Tree,
    /** The previous parse's tree, edited: valid only until that parse is disposed. */
    readonly old: Tree | undefined,
    private readonly source: ParserSource,
  ) {}

  get incremental(): boolean {
    return this.old !== undefined;
  }

  /** Whether the parser was given a rewritten text (see `parserInput`), so later edits cannot reuse it. */
  get rewritten(): boolean {
    return this.input.rewritten;
  }

  dispose(): void {
    this.tree.delete();
    this.source.release();
  }
}

/**
 * The text a tree is parsed from, as the parser and the tree's nodes read it (`Parser.parse` with a function),
 * until `release`. Given the string itself, web-tree-sitter reads it through a function of its own that holds
 * the string, and something the young-generation collector treats as a root holds that function after the
 * tree is deleted: every keystroke's copy of the text (73 KB on the 2,000-line bench file) outlived two minor
 * collections, was copied to the old generation, and stayed there until a full one. Each minor collection then
 * copied ~2-3.5 MB (5-15 ms, the slowest 5 % of keystrokes), and full collections came every ~200 keystrokes
 * (~90 ms). Whatever still holds this function after `release` holds an empty string.
 */
class ParserSource {
  constructor(private text: string) {}

  /** What web-tree-sitter asks for: the text from `index` on (as it reads a string given to it). */
  readonly read = (index: number): string => this.text.slice(index);

  release(): void {
    this.text = '';
  }
}

/**
 * Whether one edit of `before` gives `text`, asked of its parts: the text after a keystroke is never made again
 * (comparing it whole made it one flat string, a copy of the file a keystroke).
 */
function leadsTo(before: string, e: DocumentEdit, text: string): boolean {
  return (
    text.length === before.length - (e.oldEndIndex - e.startIndex) + e.newText.length &&
    text.startsWith(e.newText, e.startIndex) &&
    text.startsWith(before.slice(0, e.startIndex)) &&
    text.endsWith(before.slice(e.oldEndIndex))
  );
}

/** Where `text` ends when it starts at `start` (rows counted by `\n`, as `pointAt` counts them). */
function pointAfter(start: { row: number; column: number }, text: string): { row: number; column: number } {
  let rows = 0;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    rows++;
    last = i;
  }
  return rows === 0 ? { row: start.row, column: start.column + text.length } : { row: start.row + rows, column: text.length - last - 1 };
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * The syntax tree of a file, or, when the parser must not or could not read it, facts that say why (the
 * `parse-error` rule reports them) and hold nothing else. A file nested deeper than Python allows is never
 * handed to the parser (see `parserInput`); any failure inside the parser gets the host a fresh one.
 */
function parseGuarded(python: PythonSupport, file: string, input: ParserInput, source: ParserSource, old?: Tree): Tree | FileFacts {
  if (input.problem) return { ...emptyFacts(file, input.text, 'python'), errors: [input.problem] };
  const text = input.text;
  let reason = 'it gave no syntax tree';
  try {
    const tree = python.parser.parse(source.read, old ?? null);
    if (tree) return tree;
  } catch (e) {
    python.recover?.();
    reason = e instanceof Error ? e.message : String(e);
  }
  return unreadableFile(file, text, `its Python parser failed on it (${reason})`);
}

/** The facts of a parsed file; a failure while reading the tree costs this file only. */
function extractGuarded(python: PythonSupport, file: string, text: string, tree: Tree): FileFacts {
  try {
    return extractPython(file, text, tree);
  } catch (e) {
    python.recover?.();
    return unreadableFile(file, text, `reading it failed (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** The facts of a file the scanner read; a failure while reading the tree costs this file only. */
function extractScanned(python: PythonSupport, file: string, text: string, root: ScanNode): FileFacts {
  try {
    return extractPython(file, text, { rootNode: root.asNode } as Tree);
  } catch (e) {
    python.recover?.();
    return unreadableFile(file, text, `reading it failed (${e instanceof Error ? e.message : String(e)})`);
  }
}

function unreadableFile(file: string, text: string, why: string): FileFacts {
  const message = `FK Guard skipped this file: ${why}.`;
  return { ...emptyFacts(file, text, 'python'), errors: [{ message, span: { start: 0, end: 0 }, lost: 'the whole file' }] };
}

/** The facts of a file that defines only string constants (a `constants.py`), without parsing it. */
function constantsOnly(file: string, text: string, constants: Record<string, string>): FileFacts {
  return { ...emptyFacts(file, text, 'python'), constants, constantsOnly: true };
}
