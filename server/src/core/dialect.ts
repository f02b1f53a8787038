import type { FileFacts, SourceLanguage } from './types';

/**
 * A source of schema in one language (Python, TypeScript ORMs, Prisma, SQL DDL): it turns one file's text
 * into facts, so the index and the rules treat every language alike. The host makes the dialects (and may
 * load their parsers lazily, on the first candidate file).
 */
export interface SourceDialect {
  language: SourceLanguage;
  /**
   * File name endings it reads (`.py`, `.ts`, `.prisma`). An ending with `*` is a pattern over the end of the path,
   * `*` standing for any run of characters within one name (`*requirements*.txt`, `requirements/*.txt`; see
   * `matchesEnding`): a reader of a few files of a common type does not make the walk take every such file.
   */
  extensions: readonly string[];
  /** A cheap test on the text: only files that can define or reference a table are extracted. */
  isCandidate(file: string, text: string): boolean;
  /** Never throws on broken input: what cannot be read is reported in `errors`. */
  extract(file: string, text: string): FileFacts;
  /**
   * Why a file that mentions what this dialect reads is left out all the same (a minified bundle), for the
   * note that says so; undefined for every other file.
   */
  skipReason?(file: string, text: string): string | undefined;
  /**
   * For a file that is not a candidate: the constants and re-exports other files may import from it (a
   * shared package's `export const TableUser = 'user'`), read cheaply, or undefined when it has none.
   */
  constantsOnly?(file: string, text: string): FileFacts | undefined;
  /**
   * Optional: reading an open document again after an edit from what was kept of its previous text (a
   * tree-sitter tree re-parsed incrementally). Without it, a changed document is read whole.
   */
  incremental?: IncrementalParsing;
  /**
   * Optional: for a host that loads the dialect's parser only when a file needs it (a scan the cache answers
   * needs none): called, and awaited, before the engine is handed a candidate file of this dialect to parse
   * (see `Engine.loadParser`).
   */
  load?(): Promise<void>;
  /**
   * Optional: whether `extract` needs the parser `load` loads for this text (a dialect with a fast path of its
   * own may not); a host skips loading it when no file needs it. Without it, every candidate file does.
   */
  needsParser?(file: string, text: string): boolean;
}

/** Whether a path (`/`-separated) ends with `ending`, a plain ending or a pattern (see `SourceDialect.extensions`). */
export function matchesEnding(path: string, ending: string): boolean {
  if (!ending.includes('*')) return path.endsWith(ending);
  let pattern = ENDING_PATTERNS.get(ending);
  if (!pattern) {
    pattern = new RegExp(`(?:^|/)${ending.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    ENDING_PATTERNS.set(ending, pattern);
  }
  return pattern.test(path);
}

const ENDING_PATTERNS = new Map<string, RegExp>();

/** An edit to a document, for incremental re-parsing of open documents. */
export interface DocumentEdit {
  /** Offsets (UTF-16) in the text as it was before this edit. */
  startIndex: number;
  oldEndIndex: number;
  newText: string;
}

/** One parse of a document's text, kept while the document is open so that the next parse can reuse it. */
export interface ParsedText {
  /** The text this parse was made from. */
  readonly text: string;
  /** Whether this parse reused the previous one (the edits led from its text to this one). */
  readonly incremental: boolean;
  /** Frees what the parser holds (WebAssembly memory); called once, when the parse is no longer kept. */
  dispose(): void;
}

/** The capability of a dialect whose parser can reuse the previous parse of an open document. */
export interface IncrementalParsing {
  /**
   * Parses `text`, the new content of `file`, reusing `kept` (the document's previous parse, which this call
   * may change) when `edits` lead from its text to this one. When the parser cannot read the text at all,
   * the facts that say why. Never throws.
   */
  parse(file: string, text: string, kept: ParsedText | undefined, edits: readonly DocumentEdit[] | undefined): { parsed: ParsedText } | { failed: FileFacts };
  /** The facts of a parse. Never throws: a failure costs this file only. */
  extract(parsed: ParsedText): FileFacts;
  /**
   * The facts after one edit, computed from `previous` (the facts of the text before it) when that is
   * certain to give what `extract` gives; undefined otherwise. Only for a parse that reused the previous one,
   * before that previous one is disposed. May move `previous`'s spans in place.
   */
  extractAfterEdit(parsed: ParsedText, previous: FileFacts, edit: DocumentEdit): FileFacts | undefined;
}
