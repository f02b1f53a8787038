import { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentEdit } from '../core/engine';

/**
 * One document open in the editor. It remembers the edits made since the engine last saw it, so the engine
 * can re-parse its kept tree incrementally, and a generation that grows with every change, so a result
 * computed for an older text is recognised and dropped.
 */
export class OpenDocument {
  /** Edits since the last analysis, in order; undefined when the whole text must be parsed afresh. */
  private pending: DocumentEdit[] | undefined = undefined;
  generation = 0;
  analyzedGeneration = -1;
  /** The version the last published diagnostics were computed for. */
  analyzedVersion: number | null = null;
  timer: NodeJS.Timeout | undefined;

  constructor(
    readonly uri: string,
    private doc: TextDocument,
  ) {}

  static open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    return new OpenDocument(uri, TextDocument.create(uri, languageId, version, text));
  }

  get version(): number {
    return this.doc.version;
  }

  get text(): string {
    return this.doc.getText();
  }

  get dirty(): boolean {
    return this.analyzedGeneration !== this.generation;
  }

  /** Applies the client's changes in order, turning each range change into an offset edit for tree-sitter. */
  applyChanges(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if ('range' in change) {
        const startIndex = this.doc.offsetAt(change.range.start);
        const oldEndIndex = this.doc.offsetAt(change.range.end);
        this.pending?.push({ startIndex, oldEndIndex, newText: change.text });
      } else {
        this.pending = undefined;
      }
      TextDocument.update(this.doc, [change], version);
    }
    this.generation++;
  }

  /** The edits for the engine, handed over once: the next analysis starts from the text analysed now. */
  takeEdits(): DocumentEdit[] | undefined {
    const edits = this.pending;
    this.pending = [];
    return edits;
  }

  /** Forgets the edit history, e.g. when the engine that held this document's tree was replaced. */
  resetEdits(): void {
    this.pending = undefined;
  }

  markAnalyzed(): void {
    this.analyzedGeneration = this.generation;
    this.analyzedVersion = this.doc.version;
  }
}
