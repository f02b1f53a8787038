import { computeLineStarts } from './text';
import { FileFacts, SourceLanguage, Span } from './types';

/** A file's module path: `src/app/models.py` → `src.app.models`; `src/db/schema.ts` → `src.db.schema`. */
export function moduleFromPath(file: string): string {
  const script = /\.[cm]?[jt]sx?$/.test(file);
  let p = file.replace(/\\/g, '/').replace(/\.(pyi?|[cm]?[jt]sx?|prisma|sql)$/, '');
  // A package's module is its folder: `__init__.py` in Python, `index.ts` in TypeScript.
  p = p.replace(script ? /\/index$/ : /\/__init__$/, '');
  return p.split('/').filter(Boolean).join('.');
}

/**
 * Facts with nothing in them, for a file of `language`; every extractor starts from this. `lineStarts`, when
 * given, are the text's, computed by the caller (see `movedLineStarts`).
 */
export function emptyFacts(file: string, text: string, language: SourceLanguage, lineStarts?: number[]): FileFacts {
  return {
    file,
    language,
    module: moduleFromPath(file),
    constants: {},
    imports: [],
    classes: [],
    tables: [],
    references: [],
    metadataRoots: [],
    typeDecorators: {},
    errors: [],
    lineStarts: lineStarts ?? computeLineStarts(text),
  };
}

/**
 * Moves every span at or after `from` by `delta`, in place. In facts, the only objects with a numeric
 * `start` are spans. One kind of object is held twice: a `ForeignKeyConstraint`'s references are also in
 * the file's `references`, so they are moved from there only (the kept-document property test catches a
 * span moved twice).
 *
 * It runs on every keystroke in an open document, over every span below the edit (~15,000 in a 2,000-line
 * model file), so it works from lists kept per element (see `SpanLists`): each element's spans are found once,
 * and a span no other element holds is moved without asking whether it was moved already. Spans that two
 * elements hold (the imports of one statement share their `statementSpan`) are marked when the second one is
 * found, and only they go through a set. The elements are all looked at before anything moves: a span found
 * shared only while moving could otherwise have been moved as the first element's own a moment before.
 */
export function shiftSpansInPlace(value: object, from: number, delta: number): void {
  const root = value as Record<string, unknown>;
  // The elements to move, in `walkedScratch` (see there) from 0 to `n`.
  const walked = walkedScratch;
  let n = 0;
  for (const k in root) {
    const v = root[k];
    if (v === null || typeof v !== 'object' || k === 'lineStarts') continue;
    // A single object (the constants, the column helpers, a migration) is one element; a list's elements are
    // one each (classes, references, tables, imports), and one wholly before the edit is passed over.
    if (!Array.isArray(v)) {
      const lists = spanListsOf(v);
      if (lists.reach >= from) walked[n++] = lists;
      continue;
    }
    const byPlace = listsByPlace(v);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null || typeof x !== 'object') continue;
      const known = byPlace[i];
      const lists = known !== undefined && known.element === x ? known : (byPlace[i] = spanListsOf(x));
      if (lists.reach >= from) walked[n++] = lists;
    }
  }
  let moved: Set<object> | undefined;
  for (let w = 0; w < n; w++) {
    const lists = walked[w]!;
    // Let go of it at once: the list outlives the call.
    walked[w] = undefined;
    let max = -1;
    let min = Infinity;
    for (const sp of lists.own) {
      if (sp.start >= from) sp.start += delta;
      if (sp.end >= from) sp.end += delta;
      if (sp.end > max) max = sp.end;
      if (sp.start < min) min = sp.start;
    }
    for (const sp of lists.shared) {
      moved ??= new Set();
      if (!moved.has(sp)) {
        moved.add(sp);
        if (sp.start >= from) sp.start += delta;
        if (sp.end >= from) sp.end += delta;
      }
      if (sp.end > max) max = sp.end;
      if (sp.start < min) min = sp.start;
    }
    lists.reach = max;
    lists.first = min;
  }
}

/**
 * `shiftSpansInPlace`'s list of the elements it moves, kept between calls and emptied as it is read: made on each
 * keystroke and grown to the ~1,000 elements below the edit of a 2,000-line model file, it was a sixteenth of
 * what a keystroke allocated.
 */
const walkedScratch: Array<SpanLists | undefined> = [];

/**
 * Whether any span of `facts` starts or ends within `from`..`to` (both ends included). A span that holds the
 * whole stretch (a class around an edited line) does not count: where it starts and ends lies outside. The
 * file's lists are looked at through the span lists `shiftSpansInPlace` keeps for their elements, so asking
 * right after a shift costs a pass over numbers.
 */
export function spanEndsWithin(facts: FileFacts, from: number, to: number): boolean {
  const root = facts as unknown as Record<string, unknown>;
  const within = (n: number) => n >= from && n <= to;
  const hits = (spans: ReadonlyArray<{ start: number; end: number }>) => spans.some((sp) => within(sp.start) || within(sp.end));
  const listHits = (lists: SpanLists) => {
    // An element whose spans all end before `from` or all start after `to` has none starting or ending within (its
    // figures are bounds, see `SpanLists`): typing a comment in the middle of a 2,000-line model file looked at
    // each of its ~4,800 spans on every keystroke.
    if (lists.reach < from || lists.first > to) return false;
    return hits(lists.own) || hits(lists.shared);
  };
  for (const k in root) {
    const v = root[k];
    if (v === null || typeof v !== 'object' || k === 'lineStarts') continue;
    if (!Array.isArray(v)) {
      if (listHits(spanListsOf(v))) return true;
      continue;
    }
    const byPlace = listsByPlace(v);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null || typeof x !== 'object') continue;
      const known = byPlace[i];
      const lists = known !== undefined && known.element === x ? known : (byPlace[i] = spanListsOf(x));
      if (listHits(lists)) return true;
    }
  }
  return false;
}

/**
 * Whether two values of plain data (what facts are made of: objects, arrays, strings, numbers, booleans)
 * are equal all through; an object's keys must be the same, one set to undefined included.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    if (a.length !== bs.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], bs[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(bo, k) || !sameData(ao[k], bo[k])) return false;
  return true;
}

type SpanObject = { start: number; end: number };

/**
 * The spans of one element of a file's facts (an element of one of its lists, or one of its single objects):
 * `own` are held by no other element found so far, `shared` by another too; each span is in one of the two,
 * once. Facts are not changed once read (only their spans' numbers move), so the lists stay right; walking
 * every object of every element again on each keystroke was the largest single cost of typing near the top
 * of a 2,000-line model file.
 */
interface SpanLists {
  own: SpanObject[];
  shared: SpanObject[];
  /**
   * The largest span end the element reaches, as of the last shift that walked it (-1 when it holds no span;
   * Infinity until a shift walks it), so an element wholly before a later edit is passed over instead of walked (typing at
   * the end of a 5,000-line file walked all of its facts: 10-25 ms a keystroke). Once facts are read, only a
   * shift moves their spans, and it leaves an element it passes over unchanged (every span in it ends before
   * `from`), so the figure is never lower than what the element really reaches.
   */
  reach: number;
  /**
   * The smallest span start in the element, as of the last shift that walked it (Infinity when it holds no span;
   * -Infinity until a shift walks it). A shift that passes the element over moves none of its spans, so the figure
   * is never higher than where the element's first span starts.
   */
  first: number;
  /** The element these are the spans of (see `listsByPlace`). */
  element: object;
}

const spanLists = new WeakMap<object, SpanLists>();

/**
 * For each span some element's lists hold: the lists that found it first. A second element that finds it marks
 * it shared in both, so neither moves it as its own.
 */
const spanHolder = new WeakMap<object, SpanLists>();

/**
 * For a list of a file's facts: its elements' span lists by place, as far as they were looked up. A place holds the
 * lists of the element at that place (checked by `SpanLists.element`, so a list changed in place is still read
 * right); the rest are looked up in `spanLists`. Looking each element up there (a WeakMap holding every element of
 * every open document) was a fifth of `shiftSpansInPlace` on a keystroke in a 2,000-line model file.
 */
const spanListsByPlace = new WeakMap<readonly unknown[], Array<SpanLists | undefined>>();

function listsByPlace(list: readonly unknown[]): Array<SpanLists | undefined> {
  let byPlace = spanListsByPlace.get(list);
  if (!byPlace) spanListsByPlace.set(list, (byPlace = new Array(list.length)));
  return byPlace;
}

/**
 * `list` with `deleteCount` elements from `start` replaced by `items`, as a new list (facts are not changed once
 * read): the span lists known by place for `list` go with the elements kept (see `listsByPlace`). An edit inside one
 * class of an open document makes its classes and references lists so.
 */
export function splicedList<T>(list: readonly T[], start: number, deleteCount: number, items: readonly T[]): T[] {
  const out = [...list];
  out.splice(start, deleteCount, ...items);
  const known = spanListsByPlace.get(list);
  if (known) {
    const carried = known.slice(0, list.length);
    carried.splice(start, deleteCount, ...new Array<undefined>(items.length));
    spanListsByPlace.set(out, carried);
  }
  return out;
}

/** The span lists of one element, found and kept on first use (see `SpanLists`). */
function spanListsOf(element: object): SpanLists {
  const known = spanLists.get(element);
  if (known) return known;
  const lists: SpanLists = { own: [], shared: [], reach: Infinity, first: -Infinity, element };
  for (const sp of collectSpans(element)) {
    const holder = spanHolder.get(sp);
    if (holder === undefined) {
      spanHolder.set(sp, lists);
      lists.own.push(sp);
      continue;
    }
    lists.shared.push(sp);
    const i = holder.own.indexOf(sp);
    if (i >= 0) {
      holder.own.splice(i, 1);
      holder.shared.push(sp);
    }
  }
  spanLists.set(element, lists);
  return lists;
}

/** The spans in `value`, each once: every object with numeric `start` and `end` reached from it. */
function collectSpans(value: object): SpanObject[] {
  const out: SpanObject[] = [];
  const seen = new Set<object>();
  const walk = (v: object): void => {
    const o = v as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      if (!seen.has(o)) {
        seen.add(o);
        out.push(o as unknown as SpanObject);
      }
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') walk(x);
      return;
    }
    for (const k in o) {
      const x = o[k];
      if (x === null || typeof x !== 'object' || (k === 'references' && 'localColumns' in o)) continue;
      walk(x);
    }
  };
  walk(value);
  return out;
}

/**
 * Calls `visit` once for every span in `value` (any nesting of objects and arrays; an object with numeric
 * `start` and `end` is a span and is not looked into). Readers that read SQL out of a string literal move the
 * SQL reader's spans to where the literal stands in the file with it.
 */
export function forEachSpan(value: unknown, visit: (span: Span) => void, seen: Set<object> = new Set()): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) forEachSpan(v, visit, seen);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    visit(o as unknown as Span);
    return;
  }
  for (const v of Object.values(o)) forEachSpan(v, visit, seen);
}

/**
 * Replaces every string in `facts` (at any depth) with the copy of equal value that `table` holds, adding the
 * ones it lacks, in place. Facts that came from a worker thread hold a string of their own for every
 * `varchar(255)`, `sa.Integer` and base-class name (`JSON.parse` shares only strings of up to ten characters): on
 * 10,000 model files that was millions of strings, most of them repeats. Facts read on this thread hold slices of the file's text, which
 * keep the whole text alive as long as any of them lives: the table keeps a flat copy instead. Numbers and the
 * objects themselves are left as they are, so nothing that holds a fact sees a change.
 *
 * With `spans` (only for facts nothing will ever move, a one-shot engine's: the editor shifts an open file's spans
 * in place), every span is replaced by the one object of equal value that `spans` holds. A span object takes 40
 * bytes and facts hold dozens a file (every column, type, import, reference and class); positions repeat from
 * file to file (the imports at the top, columns at like places of like classes).
 */
export function internStrings(facts: FileFacts, table: Map<string, string>, spans?: Map<number, Span>): void {
  const walk = (o: Record<string, unknown> | unknown[]): void => {
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v = o[i];
        if (typeof v === 'string') o[i] = internString(v, table);
        else if (v !== null && typeof v === 'object') {
          const shared = spans === undefined ? undefined : sharedSpan(v as Record<string, unknown>, spans);
          if (shared !== undefined) o[i] = shared;
          else walk(v as Record<string, unknown>);
        }
      }
      return;
    }
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'string') o[k] = internString(v, table);
      else if (v !== null && typeof v === 'object' && k !== 'lineStarts') {
        const shared = spans === undefined ? undefined : sharedSpan(v as Record<string, unknown>, spans);
        if (shared !== undefined) o[k] = shared;
        else walk(v as Record<string, unknown>);
      }
    }
  };
  walk(facts as unknown as Record<string, unknown>);
}

/** The copy of `s` that `table` holds (see `internStrings`), added now when it holds none. */
export function internString(s: string, table: Map<string, string>): string {
  let kept = table.get(s);
  if (kept === undefined) {
    // A flat copy, so that a slice of the file's text does not keep the text (see `internStrings`).
    kept = ` ${s}`.slice(1);
    table.set(kept, kept);
  }
  return kept;
}

/**
 * The object `spans` holds for the span `o` is equal to (`o` itself, kept, when it holds none yet); undefined when `o`
 * is not a plain span (an object of exactly a numeric `start` and `end`) or lies too far into its file to share.
 */
export function sharedSpan(o: Record<string, unknown>, spans: Map<number, Span>): Span | undefined {
  const key = spanKey(o);
  if (key === undefined) return undefined;
  if (key < 0) return o as unknown as Span;
  const kept = spans.get(key);
  if (kept !== undefined) return kept;
  spans.set(key, o as unknown as Span);
  return o as unknown as Span;
}

/**
 * The key `sharedSpan` shares the span `o` under, a small integer (V8 keeps it without a box of its own): a start below
 * 2^20 and a length below 2^11. -1 for a plain span that lies too far into its file (or is not whole numbers), which
 * is kept as it is; undefined when `o` is not a plain span (an object of exactly a numeric `start` and `end`).
 */
export function spanKey(o: Record<string, unknown>): number | undefined {
  const start = o.start;
  const end = o.end;
  if (typeof start !== 'number' || typeof end !== 'number') return undefined;
  let n = 0;
  for (const _ in o) n++;
  if (n !== 2) return undefined;
  const length = end - start;
  if (!(start >= 0 && start < 1 << 20 && length >= 0 && length < 1 << 11) || !Number.isInteger(start) || !Number.isInteger(end)) return -1;
  return start * 2048 + length;
}
