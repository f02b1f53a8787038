import type { FileFacts, SourceLanguage } from './types';

/**
 * A source of schema in another language (TypeScript ORMs, Prisma, SQL DDL): it turns one file's text into
 * the same facts Python files give, so the index and the rules treat every language alike. The host makes
 * the dialects (and may load their parsers lazily, on the first candidate file).
 */
export interface SourceDialect {
  language: SourceLanguage;
  /** File name endings it reads (`.ts`, `.prisma`). */
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
}

/** An edit to a document as tree-sitter wants it, for incremental re-parsing of open documents. */
export interface DocumentEdit {
  /** Offsets (UTF-16) in the text as it was before this edit. */
  startIndex: number;
  oldEndIndex: number;
  newText: string;
}
