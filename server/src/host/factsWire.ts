// How a worker thread's facts cross to the main thread with their strings as numbers (see `FactsPool`).
//
// Facts repeat their strings (`varchar(255)`, `sa.Integer`, a base class's name) from file to file, and a one-shot
// engine's facts repeat their spans (the imports at the top, columns at like places of like classes). As plain JSON
// text each was written out by the worker, parsed into a new string or object by the main thread, and then looked up
// in the index's tables to keep one copy of each value (`internStrings`): on the bench's 10k workspace that was a fifth
// of the main thread. Here the worker numbers the strings it sends, each new one sent once with the batch that first
// uses it, and writes a one-shot engine's plain spans as their sharing key: the main thread then finds a string by its
// number in a list and a span by its key, and the facts it hands on are the ones `internStrings` would have made.
//
// In the text, a string is written as a negative number (-1 - its number) and a plain span as its key (see `spanKey`)
// plus one half. Facts whose own numbers are not all whole and at least 0 (outside `lineStarts`, which nothing here
// reads or writes) are made again and sent as plain JSON instead, so no number of a fact is taken for a string or a span.

import { internString, internStrings, sharedSpan } from '../core/facts';
import type { FileFacts, Span } from '../core/types';

/** What the main thread keeps one copy of each value in (the index's, see `Engine.internTables`). */
export interface InternTables {
  strings: Map<string, string>;
  /** Only for a one-shot engine, whose spans nothing moves (see `internStrings`). */
  spans?: Map<number, Span>;
}

/**
 * Strings a worker keeps numbers for: past this many, it numbers them afresh from the next batch on (see
 * `WireEncoder.startBatch`), so its table does not grow with the workspace (on the bench's 10k workspace, keeping
 * every string took the worker's heap from 71 to 86 MB).
 */
const KEPT_STRINGS = 1 << 16;

/** A worker's side: the number of each string it has sent so far. */
export class WireEncoder {
  private readonly numbers = new Map<string, number>();
  /** The strings numbered since the last `takeBatch`, in the order of their numbers. */
  private fresh: string[] = [];
  /** The numbering started again with the batch being made. */
  private restart = false;

  /**
   * `spans`: write plain spans as their keys (the main thread's engine shares them). `keep`: see `KEPT_STRINGS`.
   */
  constructor(
    private readonly spans: boolean,
    private readonly keep = KEPT_STRINGS,
  ) {}

  /** Call before the facts of each batch are encoded. */
  startBatch(): void {
    if (this.numbers.size < this.keep) return;
    this.numbers.clear();
    this.restart = true;
  }

  /**
   * Writes the strings (and spans) of `facts` as numbers, in place. False when one of its own numbers could be taken for
   * one of them: `facts` are then partly written and must be made again to be sent as plain JSON (no reader makes such
   * a number; a check of every number first cost the worker more than the rest of the writing).
   */
  encode(facts: FileFacts): boolean {
    return this.walk(facts as unknown as Record<string, unknown>);
  }

  /**
   * What the main thread must know before the batch's facts (see `WireDecoder.addStrings`): the strings numbered since
   * the last call, and whether the numbering started again with them.
   */
  takeBatch(): WireStrings {
    const out: WireStrings = this.restart ? { strings: this.fresh, restart: true } : { strings: this.fresh };
    this.fresh = [];
    this.restart = false;
    return out;
  }

  private number(s: string): number {
    let n = this.numbers.get(s);
    if (n === undefined) {
      n = this.numbers.size;
      // A flat copy: a slice of a file's text would keep the whole text alive in the table.
      this.numbers.set(` ${s}`.slice(1), n);
      this.fresh.push(s);
    }
    return -1 - n;
  }

  /** Writes what `o` holds; false on a number that is not whole and at least 0. */
  private walk(o: Record<string, unknown> | unknown[]): boolean {
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const v = o[i];
        if (typeof v === 'string') o[i] = this.number(v);
        else if (typeof v === 'number') {
          if (!(v >= 0 && Number.isInteger(v))) return false;
        } else if (v !== null && typeof v === 'object') {
          const key = this.spans ? spanKeyStartFirst(v as Record<string, unknown>) : -1;
          if (key >= 0) o[i] = key + 0.5;
          else if (!this.walk(v as Record<string, unknown>)) return false;
        }
      }
      return true;
    }
    for (const k in o) {
      const v = o[k];
      if (typeof v === 'string') o[k] = this.number(v);
      else if (typeof v === 'number') {
        if (!(v >= 0 && Number.isInteger(v))) return false;
      } else if (v !== null && typeof v === 'object' && k !== 'lineStarts') {
        const key = this.spans ? spanKeyStartFirst(v as Record<string, unknown>) : -1;
        if (key >= 0) o[k] = key + 0.5;
        else if (!this.walk(v as Record<string, unknown>)) return false;
      }
    }
    return true;
  }
}

/**
 * `spanKey` of `o` when it is a plain span written `start` first (the main thread makes it again so, see
 * `WireDecoder`), else -1.
 */
function spanKeyStartFirst(o: Record<string, unknown>): number {
  let n = 0;
  for (const k in o) {
    if (n === 0 ? k !== 'start' : n === 1 ? k !== 'end' : true) return -1;
    n++;
  }
  if (n !== 2) return -1;
  // `spanKey`'s test and key, its count of the properties done above.
  const start = o.start;
  const end = o.end;
  if (typeof start !== 'number' || typeof end !== 'number') return -1;
  const length = end - start;
  if (!(start >= 0 && start < 1 << 20 && length >= 0 && length < 1 << 11) || !Number.isInteger(start) || !Number.isInteger(end)) return -1;
  return start * 2048 + length;
}

/** The strings a batch numbers for the first time, in the order of their numbers (see `WireEncoder.takeBatch`). */
export interface WireStrings {
  strings: string[];
  /** The numbering started again at 0 with these. */
  restart?: true;
}

/** The main thread's side, for one worker: its strings by number, each the copy the tables hold. */
export class WireDecoder {
  private readonly strings: string[] = [];

  /** Takes the strings a batch numbered (`WireEncoder.takeBatch`), before its facts are decoded. */
  addStrings(batch: WireStrings, tables: InternTables): void {
    if (batch.restart) this.strings.length = 0;
    for (const s of batch.strings) this.strings.push(internString(s, tables.strings));
  }

  /** Puts the strings and spans of encoded `facts` back, in place: the facts `internStrings` makes of the plain ones. */
  decode(facts: FileFacts, tables: InternTables): void {
    const strings = this.strings;
    const table = tables.strings;
    const spans = tables.spans;
    /** What a number in the text stands for (itself when it is a number of the facts). */
    const number = (v: number): unknown => {
      if (v < 0) return strings[-1 - v];
      if (v % 1 === 0) return v;
      const key = v - 0.5;
      let kept = spans!.get(key);
      if (kept === undefined) {
        const start = Math.floor(key / 2048);
        kept = { start, end: start + (key % 2048) };
        spans!.set(key, kept);
      }
      return kept;
    };
    /** An object `internStrings`' walk would look into, or the shared span it stands for. */
    const object = (v: Record<string, unknown>): unknown => {
      const shared = spans === undefined ? undefined : sharedSpan(v, spans);
      if (shared !== undefined) return shared;
      walk(v);
      return v;
    };
    const walk = (o: Record<string, unknown> | unknown[]): void => {
      if (Array.isArray(o)) {
        for (let i = 0; i < o.length; i++) {
          const v = o[i];
          if (typeof v === 'number') {
            if (v < 0 || v % 1 !== 0) o[i] = number(v);
          } else if (typeof v === 'string') o[i] = internString(v, table);
          else if (v !== null && typeof v === 'object') o[i] = object(v as Record<string, unknown>);
        }
        return;
      }
      for (const k in o) {
        const v = o[k];
        if (typeof v === 'number') {
          if (v < 0 || v % 1 !== 0) o[k] = number(v);
        } else if (typeof v === 'string') o[k] = internString(v, table);
        else if (v !== null && typeof v === 'object' && k !== 'lineStarts') o[k] = object(v as Record<string, unknown>);
      }
    };
    walk(facts as unknown as Record<string, unknown>);
  }
}

/** Facts sent as plain JSON (see `WireEncoder.encode`), made as `internStrings` makes them. */
export function internPlain(facts: FileFacts, tables: InternTables): void {
  internStrings(facts, tables.strings, tables.spans);
}
