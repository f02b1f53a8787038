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
 */
export function shiftSpansInPlace(value: object, from: number, delta: number): void {
  const seenSpans = new Set<object>();
  const root = value as Record<string, unknown>;
  for (const k in root) {
    const v = root[k];
    if (v === null || typeof v !== 'object' || k === 'lineStarts') continue;
    if (!Array.isArray(v)) {
      shiftWithin(v, from, delta, seenSpans);
      continue;
    }
    // The file's lists (classes, references, tables, imports): an element wholly before the edit is passed over.
    for (const x of v) {
      if (x === null || typeof x !== 'object') continue;
      const known = reach.get(x);
      if (known !== undefined && known < from) continue;
      let spans = spansIn.get(x);
      if (!spans) spansIn.set(x, (spans = collectSpans(x)));
      let max = -1;
      for (const sp of spans) {
        // Spans can be shared (the imports of one statement hold one `statementSpan`): move each once.
        if (!seenSpans.has(sp)) {
          seenSpans.add(sp);
          if (sp.start >= from) sp.start += delta;
          if (sp.end >= from) sp.end += delta;
        }
        if (sp.end > max) max = sp.end;
      }
      reach.set(x, max);
    }
  }
}

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
  for (const k in root) {
    const v = root[k];
    if (v === null || typeof v !== 'object' || k === 'lineStarts') continue;
    if (!Array.isArray(v)) {
      if (hits(collectSpans(v))) return true;
      continue;
    }
    for (const x of v) {
      if (x === null || typeof x !== 'object') continue;
      let spans = spansIn.get(x);
      if (!spans) spansIn.set(x, (spans = collectSpans(x)));
      if (hits(spans)) return true;
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

/**
 * For each element of a file's lists of facts that a shift walked: the largest span end it reaches (after
 * the shift), so an element wholly before a later edit is passed over instead of walked (typing at the end of
 * a 5,000-line file walked all of its facts: 10-25 ms a keystroke). Once facts are read, only this shift
 * moves their spans, and it leaves an element it passes over unchanged (every span in it ends before
 * `from`), so an entry is never lower than what its element really reaches.
 */
const reach = new WeakMap<object, number>();

/**
 * For each element a shift walked: the spans it holds, found once. Facts are not changed once read (only
 * their spans' numbers move), so the list stays right; walking every object of every element again on each
 * keystroke was the largest single cost of typing near the top of a 2,000-line model file.
 */
const spansIn = new WeakMap<object, Array<{ start: number; end: number }>>();

/** The spans in `value`, each once, as `shiftWithin` walks them. */
function collectSpans(value: object): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  const seen = new Set<object>();
  const walk = (v: object): void => {
    const o = v as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      if (!seen.has(o)) {
        seen.add(o);
        out.push(o as unknown as { start: number; end: number });
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

/** Shifts the spans in `value`; returns the largest span end in it (-1 when it holds none). */
function shiftWithin(value: object, from: number, delta: number, seenSpans: Set<object>): number {
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    // Spans can be shared (the imports of one statement hold one `statementSpan`): move each once.
    if (!seenSpans.has(o)) {
      seenSpans.add(o);
      if (o.start >= from) o.start += delta;
      if (o.end >= from) o.end += delta;
    }
    return o.end;
  }
  let max = -1;
  if (Array.isArray(value)) {
    for (const v of value) {
      if (v === null || typeof v !== 'object') continue;
      const r = shiftWithin(v, from, delta, seenSpans);
      if (r > max) max = r;
    }
    return max;
  }
  for (const k in o) {
    const v = o[k];
    if (v === null || typeof v !== 'object' || (k === 'references' && 'localColumns' in o)) continue;
    const r = shiftWithin(v, from, delta, seenSpans);
    if (r > max) max = r;
  }
  return max;
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
 * keep the whole text alive as long as any of them lives: the table keeps a flat copy instead. Spans,
 * numbers and the objects themselves are left as they are, so nothing that holds a fact sees a change.
 */
export function internStrings(facts: FileFacts, table: Map<string, string>): void {
  const intern = (s: string): string => {
    let kept = table.get(s);
    if (kept === undefined) {
      // A flat copy, so that a slice of the file's text does not keep the text (see above).
      kept = ` ${s}`.slice(1);
      table.set(kept, kept);
    }
    return kept;
  };
  const walk = (o: Record<string, unknown> | unknown[]): void => {
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v = o[i];
        if (typeof v === 'string') o[i] = intern(v);
        else if (v !== null && typeof v === 'object') walk(v as Record<string, unknown>);
      }
      return;
    }
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'string') o[k] = intern(v);
      else if (v !== null && typeof v === 'object' && k !== 'lineStarts') walk(v as Record<string, unknown>);
    }
  };
  walk(facts as unknown as Record<string, unknown>);
}
