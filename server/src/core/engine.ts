import { DEFAULT_CONFIG, FkGuardConfig } from './config';
import { dropUnreadSpans, trimLists, trimParsedLists } from './compactFacts';
import { classDefNames, referenceKey, referenceNames } from './fileSignatures';
import { classPlaces } from './classPlaces';
import { matchesEnding, type DocumentEdit, type ParsedText, type SourceDialect } from './dialect';
import { SchemaIndex } from './schemaIndex';
import { SchemaSnapshot } from './schemaSnapshot';
import { ForeignKeyEdge, foreignKeyEdges } from './schemaGraph';
import { withSuppressions } from './suppress';
import { emptyFacts, sameData, shiftSpansInPlace, spanEndsWithin } from './facts';
import { checkFile, ReferenceResult } from './rules';
import { positionAt } from './text';
import { Navigator, ResolvedReference } from './navigate';
import type { Suggestion } from './suggest';
import { ClassFact, FileFacts, Finding, ReferenceFact, Span, UncheckedReason, UncheckedReference } from './types';

export interface EngineStats {
  files: number;
  parsedFiles: number;
  tables: number;
  references: number;
  unresolved: number;
  /** References checked with certainty: `references` minus the unchecked ones. */
  checked: number;
  /** References FK Guard could not check with certainty, by reason (see `UncheckedReason`). */
  unchecked: { total: number; byReason: Partial<Record<UncheckedReason, number>> };
}

export interface EngineOptions {
  /**
   * The engine is filled once and read once (the CLI): its findings keep neither each reference's result (which
   * an editor's engine reuses after a keystroke, see `reusableAfter`) nor what each reference resolved to (which
   * navigation reads). On 10,000 model files those were a resolution, a result and a copy of the reference's
   * entry for every reference, held to the end of the scan. Navigation still works on such an engine: its first
   * call switches the keeping on and computes the findings again (see `resolvedReferences`).
   */
  oneShot?: boolean;
}

/**
 * The FK Guard engine: files in, findings out. It holds each file's facts and derives the schema index from
 * them; `updateFile` replaces one file's share and says which files' findings may have changed, so an editor
 * re-checks only those. It never touches the file system: the host reads files and passes their text.
 */
export class Engine {
  private readonly facts = new Map<string, FileFacts>();
  private readonly seen = new Set<string>();
  /** Files that were parsed (the rest of `facts` are constants-only files). */
  private readonly parsed = new Set<string>();
  private readonly findingsCache = new FindingsCache();
  /** What the references resolved to when the cached findings (the same array) were computed. */
  private readonly resolvedCache = new Map<string, { findings: Finding[]; refs: ResolvedReference[] }>();
  /** The object made for each resolution (see `resolvedObject`). */
  private readonly resolvedObjects = new WeakMap<object, ResolvedReference>();
  /** For each file whose findings are cached: the references it could not check with certainty. */
  private readonly uncheckedCache = new Map<string, UncheckedReference[]>();
  /** The kept parses of open documents, for dialects that re-parse incrementally. */
  private readonly trees = new Map<string, ParsedText>();
  /** For documents kept open: their last facts read from text that parsed, moved along with later edits. */
  private readonly lastGood = new Map<string, FileFacts>();
  /** Per file: each reference's result at its last check, and the number of index changes it was made at. */
  private readonly referenceResults = new Map<string, KeptResults>();
  /** Per file whose last update allows it: which references' kept results still hold (see `reusableAfter`). */
  private readonly reusable = new Map<string, Reusable>();
  /** Per file whose last findings read other files' references: the names they read (see `RefCheck.watched`). */
  private readonly watching = new Map<string, Set<string>>();
  /** Grows with every change to the index, so kept results made before another change are not reused. */
  private indexChanges = 0;
  private index: SchemaIndex;
  /** Navigation over the current facts; a change makes it forget what it resolved in the files it affects. */
  private navigator: Navigator | undefined;
  /** Whether `findings` keeps `referenceResults` and `resolvedCache` (see `EngineOptions.oneShot`). */
  private keepResolutions: boolean;
  /** Made with `EngineOptions.oneShot`, as the index is (`keepResolutions` may be switched on later; this stays). */
  private readonly oneShot: boolean;

  /**
   * `dialects` are the languages the engine reads (Python among them, made by the host with its parser);
   * a file no dialect claims defines nothing.
   */
  constructor(
    private config: FkGuardConfig = DEFAULT_CONFIG,
    private readonly dialects: readonly SourceDialect[] = [],
    options: EngineOptions = {},
  ) {
    this.index = new SchemaIndex(config, { oneShot: options.oneShot });
    this.keepResolutions = options.oneShot !== true;
    this.oneShot = options.oneShot === true;
  }

  /** Every file name ending the engine reads: its dialects'. */
  extensions(): string[] {
    return this.dialects.flatMap((d) => d.extensions);
  }

  private dialectFor(file: string): SourceDialect | undefined {
    return dialectFor(this.dialects, file);
  }

  /** Whether `file` with this text is one the engine analyses (a candidate of the dialect that reads it). */
  accepts(file: string, text: string): boolean {
    const d = this.dialectFor(file);
    return d ? d.isCandidate(file, text) : false;
  }

  /** Why a file the engine would otherwise read is left out (see `SourceDialect.skipReason`), or undefined. */
  skipReason(file: string, text: string): string | undefined {
    return this.dialectFor(file)?.skipReason?.(file, text);
  }

  /** Whether `file` is read by the Python dialect (whose files a scan may parse on worker threads). */
  isPythonFile(file: string): boolean {
    return this.dialectFor(file)?.language === 'python';
  }

  /** Whether `file` is read by the SQL dialect (whose files a scan may parse on worker threads too). */
  isSqlFile(file: string): boolean {
    return this.dialectFor(file)?.language === 'sql';
  }

  /**
   * The facts of a file that is no candidate of its dialect (its constants, a package's re-exports), read
   * without a parser (see `SourceDialect.constantsOnly`); undefined when it has none.
   */
  constantsOnly(file: string, text: string): FileFacts | undefined {
    return analyzeSource(this.dialects, file, text, false);
  }

  /**
   * Makes every parser that loads lazily ready (see `SourceDialect.load`): a host awaits this before
   * `updateFile` with a file that needs one.
   */
  async loadParser(): Promise<void> {
    await Promise.all(this.dialects.map((d) => d.load?.()));
  }

  /**
   * Loads the parser `file` needs, if any: a dialect with a fast path of its own (Python's scanner) may read it
   * without one, and then nothing is loaded.
   */
  async loadParserFor(file: string, text: string): Promise<void> {
    if (this.needsParser(file, text)) await this.dialectFor(file)!.load?.();
  }

  /** Whether reading `file` takes its dialect's parser (see `SourceDialect.needsParser`); false for no dialect. */
  needsParser(file: string, text: string): boolean {
    const d = this.dialectFor(file);
    return d !== undefined && (d.needsParser?.(file, text) ?? true);
  }

  getConfig(): FkGuardConfig {
    return this.config;
  }

  /** A new configuration can change every finding; facts stay (they depend on the text alone). */
  setConfig(config: FkGuardConfig): string[] {
    this.indexChanges++;
    this.reusable.clear();
    this.config = config;
    this.navigator = undefined;
    this.index = new SchemaIndex(config, { oneShot: this.oneShot });
    for (const f of this.facts.values()) this.index.setFacts(f);
    this.findingsCache.clear();
    return [...this.facts.keys()];
  }

  /**
   * Parses `text` as the new content of `file` and returns the files whose findings may change (always
   * including `file` itself). With `keepTree`, the syntax tree is kept so the next update can re-parse
   * incrementally from `edits` (open documents in an editor); without it, the tree is freed at once.
   */
  updateFile(file: string, text: string, opts: { keepTree?: boolean; edits?: DocumentEdit[] } = {}): string[] {
    this.seen.add(file);
    const dialect = this.dialectFor(file);
    const incremental = dialect?.incremental;
    if (!dialect || !incremental || !dialect.isCandidate(file, text)) {
      this.dropTree(file);
      return this.acceptFacts(file, dialect ? analyzeSource(this.dialects, file, text) : undefined);
    }
    const kept = this.trees.get(file);
    const keptText = kept?.text;
    const read = incremental.parse(file, text, kept, opts.edits);
    if ('failed' in read) {
      this.dropTree(file);
      this.lastGood.delete(file);
      return this.setFacts(withSuppressions(read.failed, text));
    }
    const parsed = read.parsed;
    let facts: FileFacts;
    let movedInPlace = false;
    const previous = this.facts.get(file);
    try {
      const single = opts.edits?.length === 1 ? opts.edits[0] : undefined;
      // Facts with restored regions (see `keepLastGood`) are not a base for the shortcut: read everything.
      const quick =
        parsed.incremental && single && previous && !previous.constantsOnly && previous.errors.length === 0
          ? incremental.extractAfterEdit(parsed, previous, single)
          : undefined;
      facts = quick ?? incremental.extract(parsed);
      if (opts.keepTree) {
        // A document that parsed a moment ago and no longer does is being typed: the editor's Python support
        // underlines the error already, so `parse-error` waits for the file to be read cold (the CLI, a reopen).
        const typing = this.lastGood.has(file);
        facts = this.keepLastGood(file, facts, parsed.incremental ? opts.edits : undefined, quick !== undefined ? previous : undefined);
        if (typing && facts.errors.some((e) => e.lost)) facts = { ...facts, errors: facts.errors.map((e) => ({ message: e.message, span: e.span })) };
      }
      else this.lastGood.delete(file);
      movedInPlace = quick !== undefined && facts.errors.length === 0;
    } finally {
      this.dropTree(file);
      if (opts.keepTree) this.trees.set(file, parsed);
      else parsed.dispose();
    }
    const changesBefore = this.indexChanges;
    // After the class-level shortcut, the previous facts are those of the kept text: the suppressions follow the edit.
    facts = withSuppressions(facts, text, movedInPlace && opts.edits?.length === 1 ? previous?.suppressions : undefined, opts.edits?.[0]);
    if (movedInPlace && previous && keptText !== undefined && opts.edits?.length === 1 && this.movedAlongOnly(previous, facts, keptText, text, opts.edits[0])) {
      // Nothing any file's findings are made of changed: the index reads this file's positions through the
      // new facts, and every cached finding stands (the file's own included, which the caller publishes again).
      this.facts.set(file, facts);
      this.index.takeMovedFacts(facts);
      this.navigator?.forget();
      return [file];
    }
    // The classes the edit had read again into new objects (the rest are the previous objects, moved).
    const readAgain = movedInPlace ? classesReadAgain(previous?.classes ?? [], facts.classes) : [];
    const affected = this.setFacts(facts, movedInPlace, readAgain);
    const edit = opts.edits?.length === 1 ? opts.edits[0] : undefined;
    if (movedInPlace && keptText !== undefined && edit && this.referenceResults.get(file)?.at === changesBefore) {
      const reusable = this.reusableAfter(file, keptText, text, edit);
      if (reusable) this.reusable.set(file, reusable);
    }
    if (movedInPlace && keptText !== undefined && edit) for (const f of this.pointingAtEditedLine(file, keptText, edit)) if (!affected.includes(f)) affected.push(f);
    return affected;
  }

  /**
   * Other files whose cached findings point at the line an edit of `file` changed, when the edit added or
   * removed no line break: a place on that line (a column's name after the edited spot, a table name) may
   * have moved along it, which nothing else tells them (what a file provides to others counts lines, not
   * characters). Their findings are dropped, to be computed again.
   */
  private pointingAtEditedLine(file: string, before: string, edit: DocumentEdit): string[] {
    if (/[\r\n]/.test(edit.newText) || /[\r\n]/.test(before.slice(edit.startIndex, edit.oldEndIndex))) return [];
    const facts = this.facts.get(file);
    if (!facts) return [];
    const line = positionAt(facts.lineStarts, edit.startIndex).line;
    const on = (f: string, r: { start: { line: number }; end: { line: number } }) => f === file && r.start.line <= line && r.end.line >= line;
    const out: string[] = [];
    for (const other of this.findingsCache.pointingElsewhere) {
      if (other === file) continue;
      const findings = this.findingsCache.get(other)!;
      if (findings.some((f) => f.related.some((x) => on(x.file, x.range)) || f.fixes.some((x) => x.edits.some((e) => on(e.file, e.range))))) out.push(other);
    }
    for (const f of out) this.findingsCache.delete(f);
    return out;
  }

  /**
   * After an edit inside one class of an open document (the class read again, every other fact moved in place):
   * which references keep the result of their last check. Typing in a 2,000-line model file re-checked all of
   * its references on each keystroke (two thirds of the time); now only those the edit can concern are. A
   * reference outside the edited class keeps its result when:
   * - the edit added or removed no line break and is not on the last line, so every position outside the
   *   edited line (its range, its related locations, its fixes' edits, an edit at the end of the file) is
   *   where it was;
   * - migration history did not change;
   * - nothing it depends on changed: what it names (`referenceNames`), its own class, that class's table and
   *   bases (followed within the file), and, for the names the edit changed, the classes of this file built
   *   on them, whose tables the index follows only across files;
   * - when table keys appeared or went (a table name typed), none of them is a table it names in any letter case
   *   (what SQLite, MySQL and PostgreSQL's folding read, see `caseVariants`), or in any schema, and none is among
   *   the tables "did you mean" ranked for it, before or now (see `suggestionsHold`).
   * Undefined when no reference may keep its result. The test "incremental index equals a fresh one, typing
   * into open documents" and the keystroke property test compare every finding with a fresh engine.
   */
  private reusableAfter(file: string, before: string, after: string, edit: DocumentEdit): Reusable | undefined {
    const changed = this.index.lastChange;
    if (!changed || changed.has('migrations')) return undefined;
    if (/[\r\n]/.test(edit.newText) || /[\r\n]/.test(before.slice(edit.startIndex, edit.oldEndIndex))) return undefined;
    const end = edit.startIndex + edit.newText.length;
    if (!/[\r\n]/.test(after.slice(end))) return undefined;
    const facts = this.facts.get(file);
    if (!facts) return undefined;
    // The keys that came or went, in lower case, each also without its schema (`billing.invoices` → `invoices`): a
    // reference reads every key its table name is in any letter case and any schema. Typing a table name re-checked
    // every reference of a 2,000-line model file (71 of the keystroke bench's ~100 resolutions a keystroke).
    let keysLower: Set<string> | undefined;
    if (this.index.tableKeysChanged) {
      const touched = this.index.tableKeysTouched();
      if (!touched) return undefined;
      keysLower = new Set();
      for (const list of [touched.removed, touched.created]) {
        for (const k of list) {
          const lower = k.toLowerCase();
          keysLower.add(lower);
          for (let dot = lower.indexOf('.'); dot >= 0; dot = lower.indexOf('.', dot + 1)) keysLower.add(lower.slice(dot + 1));
        }
      }
    }
    const keyHit = (table: string) => keysLower !== undefined && keysLower.has(table.toLowerCase());
    const classes = facts.classes;
    const last = (dotted: string) => dotted.slice(dotted.lastIndexOf('.') + 1);
    // What each class's definition builds on, as names (as the index's `usesOf` has them; kept per class).
    const builtOn = (c: ClassFact): string[] => classDefNames(c, facts);
    const tableOf = (c: ClassFact) => this.index.ownClassTable(file, c)?.table?.name;
    // The classes of this file built on a changed name change with it, and so do their tables. A class's `c:`
    // name is made only for a class built on a changed name (most are not): made for each of ~180 classes on
    // every keystroke, those strings were a tenth of what `reusableAfter` allocated.
    const changes = new Set(changed);
    for (let grew = true; grew; ) {
      grew = false;
      for (const c of classes) {
        if (!someIn(builtOn(c), changes) || changes.has(`c:${c.name}`)) continue;
        changes.add(`c:${c.name}`);
        const t = tableOf(c);
        if (t !== undefined) changes.add(`t:${t}`);
        if (c.tablename?.kind === 'literal') changes.add(`t:${c.tablename.value}`);
        grew = true;
      }
    }
    let anyTable = false;
    for (const n of changes) if (n.startsWith('t:')) anyTable = true;
    const hit = (n: string) => changes.has(n) || (n === 't:*' && anyTable) || (keysLower !== undefined && n.startsWith('t:') && keyHit(n.slice(2)));
    // The changed tables and classes by their names: asked of every class, without making `t:`/`c:` strings.
    const changedTables = new Set<string>();
    const changedClasses = new Set<string>();
    for (const n of changes) {
      if (n.startsWith('t:')) changedTables.add(n.slice(2));
      else if (n.startsWith('c:')) changedClasses.add(n.slice(2));
    }
    const tableHit = (t: string) => changedTables.has(t) || (t === '*' && anyTable) || keyHit(t);
    // Each class's answer once it is known, by the class's place (see `classPlace`): UNKNOWN, FINDING while it
    // is being found (a class met again on the way, through bases that build on each other, counts as hit),
    // HIT or HOLDS. A class left is always answered: the walk needs no set of its own.
    const classDepends = new Uint8Array(classes.length);
    const places = classPlaces(classes);
    const classHit = (name: string): boolean => {
      const i = places.get(name);
      // A name no class of the file has: only a change of that class's own name concerns it.
      if (i === undefined) return changedClasses.has(name);
      const known = classDepends[i];
      if (known !== UNKNOWN) return known !== HOLDS;
      classDepends[i] = FINDING;
      const c = classes[i];
      let out = changedClasses.has(name);
      if (!out) {
        // With no table among the changes, the class's table (looked up through the index) cannot be hit.
        const t = anyTable ? tableOf(c) : undefined;
        out = (t !== undefined && tableHit(t)) || builtOn(c).some(hit) || c.bases.some((b) => places.has(last(b)) && classHit(last(b)));
      }
      classDepends[i] = out ? HIT : HOLDS;
      return out;
    };
    const holds = (ref: ReferenceFact, names: readonly string[]): boolean => {
      for (let k = 0; k < names.length; k++) if (hit(names[k])) return false;
      const source = ref.source;
      if (source.className) return !classHit(source.className);
      if (source.table) {
        const t = this.index.resolveName(file, source.table);
        return t !== undefined && !hit(`t:${t}`) && !(source.table.kind !== 'literal' && anyTable);
      }
      return true;
    };
    // The edited line (no line break came or went: the same line before and after the edit).
    const line = positionAt(facts.lineStarts, edit.startIndex).line;
    const onEditedLine = (f: string, r: { start: { line: number }; end: { line: number } }) => f === file && r.start.line <= line && r.end.line >= line;
    // Whether each table key "did you mean" ranked is unchanged, asked once a key: the ~24 unknown tables of a
    // 2,005-line model file rank many of the same keys, and each `definitions` makes a list.
    const keyHolds = new Map<string, boolean>();
    /**
     * An unknown table's result ("did you mean": its suggestions, their places, the fixes that rewrite the
     * reference and maybe the column type) also depends on every table "did you mean" ranked for it, kept or
     * filtered out (a table that gains the column may become a suggestion). The ranking reads the table keys
     * only, which did not change; so the result holds when none of the ranked tables changed and nothing it
     * points at lies on the edited line. A 2,005-line model file with 24 such references checked them all again
     * on every keystroke.
     */
    const suggestionsHold = (r: ReferenceResult): boolean => {
      const res = r.resolution;
      if (res.kind !== 'no-table') return false;
      for (const f of r.findings) {
        if (onEditedLine(f.file, f.range) || f.related.some((x) => onEditedLine(x.file, x.range))) return false;
        if (f.fixes.some((x) => x.edits.some((e) => onEditedLine(e.file, e.range)))) return false;
      }
      // With keys come or gone, the ranking is the one the result was made with when no key that went was ranked
      // then (`suggested` names each) and no key that came is ranked now: the best three of the keys both sets
      // hold are the best three of either.
      if (keysLower) for (const name of r.suggested) if (keyHit(name)) return false;
      for (const s of this.index.suggestTables(res.schema, res.table)) {
        if (keysLower && keyHit(s.value)) return false;
        let holds = keyHolds.get(s.value);
        if (holds === undefined) {
          const def = this.index.definitions(s.value)[0];
          holds = def !== undefined && !tableHit(def.name);
          keyHolds.set(s.value, holds);
        }
        if (!holds) return false;
      }
      return true;
    };
    /**
     * A result with a place on the edited line (the reference's own range, a related location, a fix's edit,
     * its unchecked entry) is made again: the edit may have moved that place along the line, although what
     * the reference means did not change (a class read again equal to what it was keeps its objects, moved).
     */
    // Loops rather than `some` with a closure: asked for each of ~920 references a keystroke, the closures were
    // a tenth of what a keystroke allocated.
    const placesHold = (r: ReferenceResult): boolean => {
      if (r.unchecked && onEditedLine(r.unchecked.file, r.unchecked.range)) return false;
      for (const f of r.findings) {
        if (onEditedLine(f.file, f.range)) return false;
        for (const x of f.related) if (onEditedLine(x.file, x.range)) return false;
        for (const x of f.fixes) for (const e of x.edits) if (onEditedLine(e.file, e.range)) return false;
      }
      return true;
    };
    const unknownTable = (r: ReferenceResult): boolean => {
      for (const f of r.findings) if (f.rule === 'unknown-table') return true;
      return false;
    };
    return (ref, result, names) => placesHold(result) && holds(ref, names) && (result.suggested.length === 0 && !unknownTable(result) ? true : suggestionsHold(result));
  }

  /**
   * Whether an edit of an open document changed no fact and moved none along its line, so that every finding
   * of every file stays as it is (ranges are lines and characters): typing a comment, a blank or a method's
   * body inside a model class. It holds when
   * - the facts are the previous ones in every list and field (the class-level shortcut keeps the previous
   *   objects and lists when the class read again is equal to the one it had, see `extractPythonAfterEdit`),
   *   but for the line starts, the suppression comments and the parse errors, of which there are none;
   * - the suppression comments are the ones there were, none of them on the edited line;
   * - no line break came or went, and the edit is not on the last line: every position outside the edited
   *   line keeps its line and character (the end of the text included, which fixes may insert at);
   * - no span of the file's facts starts or ends on the edited line: no position findings are made of is on
   *   it (a class around the line starts and ends elsewhere);
   * - nothing else hangs on this file's facts object (constants of other files filled in, history) and this
   *   file's findings are cached, to be kept.
   * The LSP test "edit sequences equal a fresh server" compares every file's diagnostics with a fresh server's.
   */
  private movedAlongOnly(previous: FileFacts, facts: FileFacts, before: string, after: string, edit: DocumentEdit): boolean {
    if (!this.findingsCache.has(facts.file) || previous.pendingConsts?.length || previous.migration || facts.errors.length > 0 || previous.errors.length > 0) return false;
    for (const k of new Set([...Object.keys(previous), ...Object.keys(facts)])) {
      if (k === 'lineStarts' || k === 'suppressions' || k === 'errors') continue;
      if ((previous as unknown as Record<string, unknown>)[k] !== (facts as unknown as Record<string, unknown>)[k]) return false;
    }
    if (/[\r\n]/.test(edit.newText) || /[\r\n]/.test(before.slice(edit.startIndex, edit.oldEndIndex))) return false;
    const end = edit.startIndex + edit.newText.length;
    const lineEnd = after.slice(end).search(/[\r\n]/);
    if (lineEnd < 0) return false;
    const lineStart = Math.max(after.lastIndexOf('\n', edit.startIndex - 1), after.lastIndexOf('\r', edit.startIndex - 1)) + 1;
    const was = previous.suppressions;
    const now = facts.suppressions;
    if (!was || !now || !sameData({ ...was, length: 0 }, { ...now, length: 0 })) return false;
    return !spanEndsWithin(facts, lineStart, end + lineEnd);
  }

  /**
   * While a document is half-typed, the region that does not parse keeps its last good facts: the classes
   * and tables tree-sitter lost in the error (and their references) come back from the last text that
   * parsed, moved along with the edits since. Without this, one unclosed bracket near the top of a model
   * file would drop every table below it, and every file referencing them would light up.
   */
  private keepLastGood(file: string, facts: FileFacts, edits: DocumentEdit[] | undefined, alreadyMoved: FileFacts | undefined): FileFacts {
    let good = this.lastGood.get(file);
    if (good && good !== alreadyMoved) {
      if (!edits) good = undefined;
      else for (const e of edits) shiftSpansInPlace(good, e.oldEndIndex, e.newText.length - (e.oldEndIndex - e.startIndex));
    }
    if (facts.errors.length === 0 || !good) {
      if (facts.errors.length === 0) this.lastGood.set(file, facts);
      else this.lastGood.delete(file);
      return facts;
    }
    this.lastGood.set(file, good);
    const firstError = Math.min(...facts.errors.map((e) => e.span.start));
    const classNames = new Set(facts.classes.map((c) => c.name));
    // A class or table the parser read again where the old one begins (a class renamed while the file is
    // broken elsewhere) is the new definition, not a lost one: the old one does not come back beside it.
    const starts = new Set([...facts.classes, ...facts.tables].map((x) => x.span.start));
    const readAgain = (sp: { start: number }) => starts.has(sp.start);
    const lostClasses = good.classes.filter((c) => !classNames.has(c.name) && c.span.end > firstError && !readAgain(c.span));
    const tableKey = (t: FileFacts['tables'][number]) => JSON.stringify([t.name, t.schema, t.variable]);
    const tableKeys = new Set(facts.tables.map(tableKey));
    const lostTables = good.tables.filter((t) => !tableKeys.has(tableKey(t)) && t.span.end > firstError && t.origin === 'core' && !readAgain(t.span));
    if (lostClasses.length === 0 && lostTables.length === 0) return facts;
    const regions = [...lostClasses, ...lostTables].map((x) => x.span);
    const within = (sp: { start: number; end: number }) => regions.some((r) => sp.start >= r.start && sp.end <= r.end);
    const bySpan = <T extends { span: { start: number } }>(a: T, b: T) => a.span.start - b.span.start;
    return {
      ...facts,
      classes: [...facts.classes, ...lostClasses].sort(bySpan),
      tables: [...facts.tables, ...lostTables].sort(bySpan),
      references: [...facts.references, ...good.references.filter((r) => within(r.span))].sort(bySpan),
    };
  }

  /**
   * Takes facts computed elsewhere (by `analyzeSource` in a worker thread, or from a cache) for `file`;
   * `undefined` means the file defines nothing FK Guard reads.
   */
  acceptFacts(file: string, facts: FileFacts | undefined): string[] {
    this.seen.add(file);
    return facts ? this.setFacts(facts) : this.removeFacts(file);
  }

  /**
   * `acceptFacts` for a scan filling an engine that holds nothing yet (the CLI's): the index takes the facts
   * without tracking what changed (see `SchemaIndex.loadFacts`), since every file's findings are computed
   * afterwards anyway. A file the engine already holds goes through `acceptFacts`. `interned`: the facts' strings
   * (and spans) are already the copies `internTables` holds. `parsed`: `JSON.parse` made the facts (see `trimParsedLists`).
   */
  loadFacts(file: string, facts: FileFacts | undefined, interned = false, parsed = false): void {
    if (!facts || this.facts.has(file) || this.trees.has(file) || this.lastGood.has(file)) {
      this.acceptFacts(file, facts);
      return;
    }
    this.seen.add(file);
    if (facts.constantsOnly) this.parsed.delete(file);
    else this.parsed.add(file);
    // Fresh facts nothing else holds yet: their lists can be given exactly the room they use (see `trimLists`).
    if (this.oneShot) (parsed ? trimParsedLists : trimLists)(facts);
    this.findingsCache.filesChanged();
    this.facts.set(file, facts);
    this.index.loadFacts(facts, interned);
    this.findingsCache.clear();
  }

  /**
   * Where `loadFacts` keeps one copy of each string of the facts it takes (and, on a one-shot engine, of each span):
   * facts made on a worker thread are interned in these as they arrive (see host/factsWire.ts).
   */
  internTables(): { strings: Map<string, string>; spans?: Map<number, Span> } {
    return this.index.internTables();
  }

  /**
   * Says that a one-shot engine (see `EngineOptions.oneShot`) has all its facts and will only be read from now
   * on: what no finding of it reads is let go of before the index derives its tables (see `compactFacts.ts`).
   * Facts given to the engine after this must not name, as a reference's source column, a column already held.
   * Does nothing on any other engine, whose facts later edits read and move.
   */
  loadingDone(): void {
    if (this.oneShot) dropUnreadSpans(this.facts.values());
  }

  /** `updateFile` for a scan filling an engine (see `loadFacts`): the file is read cold, its facts loaded. */
  loadFile(file: string, text: string): void {
    this.loadFacts(file, analyzeSource(this.dialects, file, text));
  }

  /** Replaces one file's facts (also used to restore cached facts without parsing). */
  setFacts(facts: FileFacts, movedInPlace = false, readAgain: readonly string[] = []): string[] {
    this.indexChanges++;
    this.reusable.clear();
    this.seen.add(facts.file);
    if (facts.constantsOnly) this.parsed.delete(facts.file);
    else this.parsed.add(facts.file);
    if (!this.facts.has(facts.file)) this.findingsCache.filesChanged();
    const previous = this.facts.get(facts.file);
    this.facts.set(facts.file, facts);
    const affected = this.withSuggestionUsers(this.index.setFacts(facts, movedInPlace, readAgain), facts.file);
    for (const f of this.watchersOf(facts.file, previous, facts)) if (!affected.includes(f)) affected.push(f);
    for (const f of affected) this.findingsCache.delete(f);
    this.findingsCache.delete(facts.file);
    const changed = [...new Set([facts.file, ...affected])];
    this.navigator?.forget();
    return changed;
  }

  removeFile(file: string): string[] {
    this.seen.delete(file);
    this.lastGood.delete(file);
    this.parsed.delete(file);
    this.dropTree(file);
    return this.removeFacts(file);
  }

  /** Frees the kept syntax tree of a document closed in the editor; its facts stay. */
  releaseTree(file: string): void {
    this.dropTree(file);
    this.lastGood.delete(file);
  }

  getFacts(file: string): FileFacts | undefined {
    return this.facts.get(file);
  }

  /** Files with facts, i.e. the parsed candidates. */
  parsedFiles(): string[] {
    return [...this.facts.keys()];
  }

  findings(file: string): Finding[] {
    const cached = this.findingsCache.get(file);
    if (cached) return cached;
    const facts = this.facts.get(file);
    const suggested = new Set<string>();
    const unchecked: UncheckedReference[] = [];
    const keep = this.keepResolutions;
    const reusable = this.reusable.get(file);
    this.reusable.delete(file);
    const checked = facts ? this.index.checkedFacts(facts) : undefined;
    // Lists by place in the file's references, made to size (grown by ~920 pushes, they were a tenth of what a
    // keystroke in a 2,000-line model file allocated).
    const size = checked ? checked.references.length : 0;
    const resolved: Array<Omit<ResolvedReference, 'file'> | undefined> | undefined = keep ? new Array(size) : undefined;
    const before = reusable && checked ? this.referenceResults.get(file) : undefined;
    const kept: KeptResults | undefined = keep && checked ? { at: 0, refs: checked.references, results: new Array(size), resolved: [], names: reusable ? new Array(size) : undefined } : undefined;
    // Where each reference was in the list the kept results were made for (see `KeptResults`).
    const was = before && checked ? keptIndexes(before.refs, checked.references) : undefined;
    // Where each reused result was in `before` (-1: checked again).
    const reusedFrom = before && checked ? new Int32Array(checked.references.length).fill(-1) : undefined;
    const watched = new Set<string>();
    const computed = checked
      ? checkFile(
          checked,
          this.index,
          this.config,
          suggested,
          unchecked,
          resolved,
          kept && {
            reuse: (ref, i) => {
              const j = was ? was(i) : -1;
              if (j < 0 || before!.refs[j] !== ref) return undefined;
              const r = before!.results[j];
              // A result that read other files' references (see `RefCheck.watched`) is made again.
              if (!r || r.watched) return undefined;
              // The same reference object as at place j: the names it uses are the ones kept for that place.
              const names = before!.names?.[j] ?? referenceNames(ref);
              if (!reusable!(ref, r, names)) return undefined;
              kept.results[i] = r;
              if (kept.names) kept.names[i] = names;
              reusedFrom![i] = j;
              return r;
            },
            keep: (_ref, r, i) => {
              kept.results[i] = r;
            },
          },
          watched,
        )
      : [];
    if (watched.size > 0) this.watching.set(file, watched);
    else this.watching.delete(file);
    this.findingsCache.set(file, computed, suggested, kept && this.rankingsAsked(kept.results));
    if (resolved) {
      // A kept result keeps the object made for it (the same reference, display and resolution).
      const refs = resolved.map((r, i) => {
        const j = reusedFrom ? reusedFrom[i] : -1;
        if (j >= 0 && before!.resolved[j]) return before!.resolved[j];
        return this.resolvedObject(file, r ?? { ref: checked!.references[i], display: kept!.results[i].display, resolution: kept!.results[i].resolution });
      });
      this.resolvedCache.set(file, { findings: computed, refs });
      if (kept) kept.resolved = refs;
    }
    if (kept) {
      kept.at = this.indexChanges;
      this.referenceResults.set(file, kept);
    }
    this.uncheckedCache.set(file, unchecked);
    return computed;
  }

  /**
   * The "did you mean" answers the rules read for the file's references to a table no definition has: what a change
   * of the table keys is compared with (see `withSuggestionUsers`). The index answers from the ranking it made for
   * the rules a moment before.
   */
  private rankingsAsked(results: readonly ReferenceResult[]): RankingAsked[] {
    const out: RankingAsked[] = [];
    for (const r of results) {
      const res = r?.resolution;
      if (res?.kind === 'no-table') out.push({ schema: res.schema, table: res.table, answer: this.index.suggestTables(res.schema, res.table) });
    }
    return out;
  }

  /**
   * The same object for a reference whose result was kept (its resolution is the same object): navigation
   * files again only the references whose objects are new (see `Navigator.refile`).
   */
  private resolvedObject(file: string, r: Omit<ResolvedReference, 'file'>): ResolvedReference {
    const known = this.resolvedObjects.get(r.resolution);
    if (known && known.file === file && known.ref === r.ref && known.display === r.display) return known;
    const made = { file, ...r };
    this.resolvedObjects.set(r.resolution, made);
    return made;
  }

  /**
   * What each reference of `file` resolved to, computed with its findings (and as current as they are), so
   * navigation never resolves again a reference the rules have resolved.
   */
  resolvedReferences(file: string): ResolvedReference[] {
    if (!this.keepResolutions) {
      // A one-shot engine asked after all: from now on it keeps them, and findings computed without are redone.
      this.keepResolutions = true;
      this.findingsCache.clear();
    }
    const findings = this.findings(file);
    const entry = this.resolvedCache.get(file);
    return entry && entry.findings === findings ? entry.refs : [];
  }

  /** The references of `file` that FK Guard could not check with certainty, computed with its findings. */
  unchecked(file: string): UncheckedReference[] {
    if (!this.findingsCache.has(file)) this.findings(file);
    return this.uncheckedCache.get(file) ?? [];
  }

  /**
   * Unchecked references counted over the files whose findings are already computed (an editor computes
   * them for every file it publishes): cheap enough for a status line on every change.
   */
  uncheckedSoFar(): number {
    let n = 0;
    for (const file of this.facts.keys()) if (this.findingsCache.has(file)) n += this.uncheckedCache.get(file)?.length ?? 0;
    return n;
  }

  allUnchecked(): UncheckedReference[] {
    const out: UncheckedReference[] = [];
    for (const file of [...this.facts.keys()].sort()) out.push(...this.unchecked(file));
    return out;
  }

  allFindings(): Finding[] {
    const out: Finding[] = [];
    for (const file of [...this.facts.keys()].sort()) out.push(...this.findings(file));
    return out;
  }

  /** Hover, definition, references, rename and completion over the schema index (see `navigate.ts`). */
  navigation(): { nav: Navigator; index: SchemaIndex } {
    if (!this.navigator) {
      // Made from now on: what the findings cache saw before is no base for the first look at every file.
      this.findingsCache.takeChanged();
      this.navigator = new Navigator(this.index, () => this.facts.keys(), (file) => this.resolvedReferences(file), () => this.findingsCache.takeChanged());
    }
    return { nav: this.navigator, index: this.index };
  }

  schema(): SchemaSnapshot {
    return this.index.snapshot();
  }

  /**
   * The cheap part of `stats()`, for an editor's status line on every change: it computes no findings
   * (`stats()` checks every file to count the references it could not resolve).
   */
  counts(): Omit<EngineStats, 'unresolved' | 'checked' | 'unchecked'> {
    let references = 0;
    for (const file of this.facts.keys()) references += this.index.referenceCount(file);
    return { files: this.seen.size, parsedFiles: this.parsed.size, tables: this.index.tableCount(), references };
  }

  stats(): EngineStats {
    let unresolved = 0;
    const byReason: Partial<Record<UncheckedReason, number>> = {};
    let total = 0;
    for (const file of this.facts.keys()) {
      for (const f of this.findings(file)) if (f.rule === 'unresolved-reference') unresolved++;
      for (const u of this.unchecked(file)) {
        byReason[u.reason] = (byReason[u.reason] ?? 0) + 1;
        total++;
      }
    }
    const counts = this.counts();
    return { ...counts, unresolved, checked: counts.references - total, unchecked: { total, byReason } };
  }

  /** Every foreign key as an edge between tables, resolved as the rules resolve it (see `schemaGraph.ts`). */
  foreignKeys(): ForeignKeyEdge[] {
    return foreignKeyEdges(this.index, this.facts.values());
  }

  dispose(): void {
    for (const t of this.trees.values()) t.dispose();
    this.trees.clear();
  }

  /**
   * Files with an unknown table whose findings may change although they reference nothing that changed: those
   * that were offered a changed table, or whose suggestions point into the changed file; and when a table name
   * appeared or went, those for whose unknown tables "did you mean" now ranks other keys (all of them when a file's
   * answers are not known). Typing a table name re-checked every file with an unknown table on each keystroke
   * (8 of the 9 files the incremental bench's tablename keystroke re-checked; 330 files on bench:lsp's workspace),
   * whose suggestions a name being typed rarely changes.
   */
  private withSuggestionUsers(affected: string[], changed: string): string[] {
    const out = new Set(affected);
    if (this.index.tableKeysChanged) {
      const offered = new Set(this.findingsCache.suggestionUsers(this.index.changedTables, changed));
      for (const file of this.findingsCache.withUnknownTable) if (offered.has(file) || this.rankingsMoved(file)) out.add(file);
      return [...out];
    }
    for (const file of this.findingsCache.suggestionUsers(this.index.changedTables, changed)) out.add(file);
    return [...out];
  }

  /** Whether "did you mean" answers any of `file`'s unknown tables otherwise than when its findings were cached. */
  private rankingsMoved(file: string): boolean {
    const asked = this.findingsCache.rankingsAsked(file);
    if (!asked) return true;
    for (const a of asked) {
      const now = this.index.suggestTables(a.schema, a.table);
      if (now === a.answer) continue;
      if (now.length !== a.answer.length) return true;
      for (let i = 0; i < now.length; i++) if (now[i].value !== a.answer[i].value) return true;
    }
    return false;
  }

  private removeFacts(file: string): string[] {
    this.indexChanges++;
    this.reusable.clear();
    this.referenceResults.delete(file);
    this.parsed.delete(file);
    const previous = this.facts.get(file);
    if (!previous) return [file];
    this.facts.delete(file);
    this.watching.delete(file);
    this.findingsCache.filesChanged();
    this.findingsCache.delete(file);
    const affected = this.withSuggestionUsers(this.index.removeFile(file), file);
    for (const f of this.watchersOf(file, previous, undefined)) if (!affected.includes(f)) affected.push(f);
    for (const f of affected) this.findingsCache.delete(f);
    this.navigator?.forget();
    return [...new Set([file, ...affected])];
  }

  /**
   * The files other than `file` whose findings read other files' references (see `RefCheck.watched`) and that this
   * change of `file` may concern: its references to a watched table (added, gone, or changed in their target or
   * their column's type), or a watched name among the names the index found changed (a table defined again, a
   * referencing column's type changed by a mixin or an alias). Their findings are made again.
   */
  private watchersOf(file: string, before: FileFacts | undefined, after: FileFacts | undefined): string[] {
    if (this.watching.size === 0 || (this.watching.size === 1 && this.watching.has(file))) return [];
    const keys = new Set<string>();
    const was = before ? referenceKeys(before) : new Map<string, string>();
    const now = after ? referenceKeys(after) : new Map<string, string>();
    for (const [k, v] of was) if (now.get(k) !== v) keys.add(k);
    for (const k of now.keys()) if (!was.has(k)) keys.add(k);
    const names = this.index.lastChange;
    const out: string[] = [];
    for (const [f, watched] of this.watching) {
      if (f === file) continue;
      let hit = names === undefined || keys.has('*') || watched.has('*');
      if (!hit) for (const w of watched) if (keys.has(w) || names!.has(w)) { hit = true; break; }
      if (hit) out.push(f);
    }
    return out;
  }

  private dropTree(file: string): void {
    const t = this.trees.get(file);
    if (t) {
      t.dispose();
      this.trees.delete(file);
    }
  }
}

/**
 * The names of the classes of `after` that are not objects of `before`, in order. An edit inside one class
 * replaces that class in place (the same length, the others the same objects at the same places): compared by
 * place, without a set of the ~180 classes of a 2,000-line file on each keystroke.
 */
function classesReadAgain(before: readonly ClassFact[], after: readonly ClassFact[]): string[] {
  const out: string[] = [];
  if (before.length === after.length) {
    let samePlaces = true;
    for (let i = 0; i < after.length && samePlaces; i++) {
      if (after[i] === before[i]) continue;
      // A new object here; the shortcut's premise holds only if it is no object of `before` elsewhere.
      samePlaces = !before.includes(after[i]);
      out.push(after[i].name);
    }
    if (samePlaces) return out;
  }
  const kept = new Set(before);
  return after.filter((c) => !kept.has(c)).map((c) => c.name);
}

/** `reusableAfter`'s answers per class: not yet known, being found, hit by the edit, holding. */
const UNKNOWN = 0;
const FINDING = 1;
const HIT = 2;
const HOLDS = 3;

/** Whether one of `names` is in `set` (a loop: asked for every class of a file, a closure each time allocated). */
function someIn(names: readonly string[], set: ReadonlySet<string>): boolean {
  for (let i = 0; i < names.length; i++) if (set.has(names[i])) return true;
  return false;
}

/**
 * What a file's last check gave each of its references, by place in its list of references (`refs`): the
 * result, and the object navigation was given for it. Kept by place rather than in a map keyed by reference:
 * after an edit inside one class the list is the previous one with that class's references replaced (see
 * `keptIndexes`), and looking up and storing ~1,000 results by key cost more than checking most of them.
 */
interface KeptResults {
  at: number;
  refs: readonly ReferenceFact[];
  results: ReferenceResult[];
  resolved: ResolvedReference[];
  /**
   * By place, for the results reused after an edit: the names the reference uses (`referenceNames`), which the
   * next keystroke's `reusableAfter` test reads for the same reference object. Looked up in `referenceNames`'s
   * WeakMap for each of ~920 references a keystroke, they were ~2.6 % of a keystroke's CPU.
   */
  names: Array<readonly string[] | undefined> | undefined;
}

/**
 * Whether a reference's kept result still holds after an edit (see `Engine.reusableAfter`); `names` are the
 * names the reference uses (`referenceNames(ref)`).
 */
type Reusable = (ref: ReferenceFact, result: ReferenceResult, names: readonly string[]) => boolean;

/**
 * For a list of references `after` made from `before`: where each place of `after` was in `before`, for the
 * places the two lists share at their ends (the same objects), else -1. An edit inside one class replaces a
 * stretch of the list and keeps the rest.
 */
function keptIndexes(before: readonly ReferenceFact[], after: readonly ReferenceFact[]): (i: number) => number {
  const shorter = Math.min(before.length, after.length);
  let head = 0;
  while (head < shorter && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < shorter - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const shift = before.length - after.length;
  return (i) => (i < head ? i : i >= after.length - tail ? i + shift : -1);
}

/**
 * Each file's cached findings, and the files among them with an unknown table, in the same order (the files
 * `withSuggestionUsers` looks at on every change: going through every file's findings for them cost ~0.4 ms a
 * keystroke on 1,650 files).
 */
/** A "did you mean" answer a file's findings read: for the written `schema?.table`, the keys ranked (see `suggestTables`). */
interface RankingAsked {
  schema: string | undefined;
  table: string;
  answer: readonly Suggestion[];
}

class FindingsCache extends Map<string, Finding[]> {
  readonly withUnknownTable = new Set<string>();
  /** For each file of `withUnknownTable` whose findings were kept with their results: the answers they read. */
  private readonly asked = new Map<string, readonly RankingAsked[]>();
  /** The files whose findings have a related location or a fix's edit in another file (see `pointingAtEditedLine`). */
  readonly pointingElsewhere = new Set<string>();
  /**
   * For each file of `withUnknownTable`: its place in that set's order, the tables "did you mean" offered it,
   * and the files its unknown tables' related locations are in. With `offeredTo` and `relatedInto` (the same
   * turned around), `suggestionUsers` finds the files a change concerns without going through all of them:
   * 330 of the 1,650 files of the keystroke bench have an unknown table, and looking at each one's offered
   * tables and findings cost ~0.4 ms a keystroke.
   */
  private readonly unknownTable = new Map<string, { order: number; offered: readonly string[]; relatedFiles: readonly string[] }>();
  private readonly offeredTo = new Map<string, Set<string>>();
  private readonly relatedInto = new Map<string, Set<string>>();
  /**
   * For each file of `unknownTable` whose findings were dropped (`forget`): the entry it had, whose tables and
   * files stay in `offeredTo` and `relatedInto` until the file's findings are cached again (`set` then changes
   * only what differs) or the engine lets them go. Typing in a model file drops and caches its findings on every
   * keystroke: taking its ~100 offered tables out of those maps and putting them back made a set for each one.
   * `suggestionUsers` reads only files with an entry in `unknownTable`.
   */
  private readonly retired = new Map<string, { offered: readonly string[]; relatedFiles: readonly string[] }>();
  private order = 0;
  /**
   * The files whose findings (and so their resolutions) were cached or dropped since navigation last asked
   * (`takeChanged`); undefined when any file's may have changed, or the engine's files came or went (their
   * order is navigation's order).
   */
  private changed: Set<string> | undefined;

  /** See `changed`; from now on, changes are counted afresh. */
  takeChanged(): Set<string> | undefined {
    const out = this.changed;
    this.changed = new Set();
    return out;
  }

  /** The engine's set of files changed: navigation looks at every file next time. */
  filesChanged(): void {
    this.changed = undefined;
  }

  override set(file: string, findings: Finding[], offered: ReadonlySet<string> = new Set(), asked?: readonly RankingAsked[]): this {
    // Findings are cached only for a file that had none cached: the two orders stay the same.
    this.forget(file);
    this.changed?.add(file);
    const was = this.retired.get(file);
    this.retired.delete(file);
    if (findings.some((f) => f.rule === 'unknown-table')) {
      this.withUnknownTable.add(file);
      if (asked) this.asked.set(file, asked);
      const relatedFiles = [...new Set(findings.flatMap((f) => (f.rule === 'unknown-table' ? f.related.map((r) => r.file) : [])))];
      const entry = { order: this.order++, offered: [...offered], relatedFiles };
      this.unknownTable.set(file, entry);
      moveEntries(this.offeredTo, file, was?.offered ?? [], entry.offered);
      moveEntries(this.relatedInto, file, was?.relatedFiles ?? [], relatedFiles);
    } else if (was) {
      moveEntries(this.offeredTo, file, was.offered, []);
      moveEntries(this.relatedInto, file, was.relatedFiles, []);
    }
    if (findings.some((f) => f.related.some((r) => r.file !== file) || f.fixes.some((x) => x.edits.some((e) => e.file !== file)))) this.pointingElsewhere.add(file);
    return super.set(file, findings);
  }

  override delete(file: string): boolean {
    this.forget(file);
    this.changed?.add(file);
    return super.delete(file);
  }

  override clear(): void {
    this.changed = undefined;
    this.withUnknownTable.clear();
    this.asked.clear();
    this.pointingElsewhere.clear();
    this.unknownTable.clear();
    this.retired.clear();
    this.offeredTo.clear();
    this.relatedInto.clear();
    super.clear();
  }

  /**
   * The files of `withUnknownTable`, in its order, that were offered one of `tables` or whose unknown tables
   * have a related location in `changed`.
   */
  suggestionUsers(tables: ReadonlySet<string>, changed: string): string[] {
    const found = new Set<string>();
    for (const f of this.relatedInto.get(changed) ?? []) if (this.unknownTable.has(f)) found.add(f);
    for (const t of tables) for (const f of this.offeredTo.get(t) ?? []) if (this.unknownTable.has(f)) found.add(f);
    if (found.size < 2) return [...found];
    return [...found].sort((a, b) => this.unknownTable.get(a)!.order - this.unknownTable.get(b)!.order);
  }

  /** The "did you mean" answers `file`'s findings were made with, when they were kept (see `Engine.rankingsAsked`). */
  rankingsAsked(file: string): readonly RankingAsked[] | undefined {
    return this.asked.get(file);
  }

  private forget(file: string): void {
    this.withUnknownTable.delete(file);
    this.asked.delete(file);
    this.pointingElsewhere.delete(file);
    const entry = this.unknownTable.get(file);
    if (!entry) return;
    this.unknownTable.delete(file);
    this.retired.set(file, entry);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * Makes `file` a member of `map`'s sets for the keys of `now` instead of those of `was` (a file's tables or
 * files, before and after): nothing is touched when the two lists are the same, as they mostly are.
 */
function moveEntries(map: Map<string, Set<string>>, file: string, was: readonly string[], now: readonly string[]): void {
  let same = was.length === now.length;
  for (let i = 0; i < now.length && same; i++) same = was[i] === now[i];
  if (same) return;
  for (const key of was) if (!now.includes(key)) removeFrom(map, key, file);
  for (const key of now) if (!was.includes(key)) addTo(map, key, file);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** `12 unchecked (why: declared-attr 9, dynamic-name 3)`: reasons by count, then by name. */
const keysOfReferences = new WeakMap<FileFacts, Map<string, string>>();

/**
 * A file's references by the table they name (`t:<table in lower case>`, `c:<class>` for `User.id`, `*` for a name
 * FK Guard reads elsewhere or a variable), each with what a key to that table is made of there: the target as
 * written and the referencing column with its type as the file writes it. What `Engine.watchersOf` compares.
 */
function referenceKeys(facts: FileFacts): Map<string, string> {
  const known = keysOfReferences.get(facts);
  if (known) return known;
  const out = new Map<string, string>();
  const typeOf = (ref: ReferenceFact): string => {
    const name = ref.source.column;
    const cls = ref.source.className !== undefined ? facts.classes.find((c) => c.name === ref.source.className) : undefined;
    const col = cls
      ? cls.columns.find((c) => c.name === name || c.attr === name)
      : facts.tables.find((t) => t.name.kind === 'literal' && ref.source.table?.kind === 'literal' && t.name.value === ref.source.table.value)?.columns.find((c) => c.name === name);
    return col ? `${col.type?.text ?? ''}:${col.annotation?.text ?? ''}` : '?';
  };
  for (const ref of facts.references) {
    // A watched check names tables and classes only (see `keysBrokenByRetype`): a variable's reference concerns any.
    const named = referenceKey(ref);
    const key = named.startsWith('v:') ? '*' : named;
    const target = ref.target?.kind === 'literal' ? ref.target.value : `${ref.owner ?? ''}.${ref.attr ?? ''}.${ref.column ?? ''}`;
    const source = `${ref.source.className ?? ''}|${ref.source.table?.kind === 'literal' ? ref.source.table.value : '?'}|${ref.source.column ?? ''}`;
    const entry = `${target}|${source}|${typeOf(ref)}`;
    const had = out.get(key);
    out.set(key, had === undefined ? entry : `${had};${entry}`);
  }
  keysOfReferences.set(facts, out);
  return out;
}

export function uncheckedSummary(u: EngineStats['unchecked']): string {
  const reasons = Object.entries(u.byReason)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || a[0].localeCompare(b[0]))
    .map(([r, n]) => `${r} ${n}`);
  return reasons.length > 0 ? `${u.total} unchecked (why: ${reasons.join(', ')})` : `${u.total} unchecked`;
}

function dialectFor(dialects: readonly SourceDialect[], file: string): SourceDialect | undefined {
  if (file.endsWith('.d.ts')) return undefined;
  return dialects.find((d) => d.extensions.some((e) => matchesEnding(file, e)));
}

/**
 * The facts of one file of any language from its text alone, without an engine: what a worker thread
 * computes. A file no dialect reads, or one that is no candidate and has no constants, gives undefined.
 * With `parse` false, a candidate file gives undefined too (its dialect's parser is not used).
 * A dialect must not throw; if one does, the file yields no facts but the reason.
 */
export function analyzeSource(dialects: readonly SourceDialect[], file: string, text: string, parse = true): FileFacts | undefined {
  const dialect = dialectFor(dialects, file);
  if (!dialect) return undefined;
  if (!dialect.isCandidate(file, text)) {
    try {
      return dialect.constantsOnly?.(file, text);
    } catch {
      return undefined;
    }
  }
  if (!parse) return undefined;
  try {
    return withSuppressions(dialect.extract(file, text), text);
  } catch (e) {
    const message = `FK Guard could not read this file: ${e instanceof Error ? e.message : String(e)}`;
    return { ...emptyFacts(file, text, dialect.language), errors: [{ message, span: { start: 0, end: 0 } }] };
  }
}
