// How a worker thread's facts cross to the main thread: as numbers in an `Int32Array`, their strings numbered and
// their objects written by shape (see `FactsPool`).
//
// Facts repeat their strings (`varchar(255)`, `sa.Integer`, a base class's name) from file to file, and a one-shot
// engine's facts repeat their spans (the imports at the top, columns at like places of like classes). As plain JSON
// text each was written out by the worker, parsed into a new string or object by the main thread, and then looked up
// in the index's tables to keep one copy of each value (`internStrings`): on the bench's 10k workspace that was a fifth
// of the main thread. The worker numbers the strings it sends, each new one sent once with the batch that first uses
// it, and writes a one-shot engine's plain spans as their sharing key: the main thread finds a string by its number
// in a list and a span by its key, and the facts it hands on are the ones `internStrings` would have made.
//
// Written as JSON text with the numbers in it, the facts were still mostly their property names (a column's
// `"primaryKey"`, `"unique"`, `"nullable"`, `"span"`: ~22 KB a bench model file), which the worker wrote and the main
// thread parsed, and the main thread then walked every parsed object again to put the strings back. Here an object is
// the number of its shape (its property names, in order, each shape sent once) followed by its values, and the main
// thread builds it in one object literal per shape, values in place: on 800 of the 10k bench's files, encoding took
// 210-228 -> 118-180 ms of CPU and decoding 248-293 -> 154-210 ms (alternating, load ~22), for the same facts.
//
// The values are JSON's: a property set to undefined (or to a function) is left out and one in a list is null, a
// number that is not finite is null, -0 is 0, so the facts are those the worker's JSON text made before. Facts with
// a property named `__proto__` (which an object literal would take for the prototype) or a typed array are sent as
// plain JSON instead.

import { internString, internStrings, sharedSpan } from '../core/facts';
import type { FileFacts, Span } from '../core/types';

/** What the main thread keeps one copy of each value in (the index's, see `Engine.internTables`). */
export interface InternTables {
  strings: Map<string, string>;
  /** Only for a one-shot engine, whose spans nothing moves (see `internStrings`). */
  spans?: Map<number, Span>;
}

/**
 * Strings a worker keeps numbers for: past this many, it numbers them (and its shapes) afresh from the next batch on
 * (see `WireEncoder.startBatch`), so its tables do not grow with the workspace (on the bench's 10k workspace, keeping
 * every string took the worker's heap from 71 to 86 MB).
 */
const KEPT_STRINGS = 1 << 16;

// What a number of the stream says (a string is its number n written as -1 - n, a shape's values follow it).
const NULL = 0;
const FALSE = 1;
const TRUE = 2;
/** A number that is an int32: the next number. */
const INT = 3;
/** Any other finite number: the next number is its place in the batch's `floats`. */
const FLOAT = 4;
/** A plain span of a one-shot engine: the next number is its key (see `spanKeyStartFirst`). */
const SPAN = 5;
/** A list: its length, then its values. */
const LIST = 6;
/** A list of int32s only (a file's line starts): its length, then the numbers themselves. */
const INTS = 7;
/** An object: its shape's number, then the values of the shape's properties in order. */
const OBJECT = 8;

/** The facts of a batch, as the worker posts them (see `FactsPool`). */
export interface WireBatch {
  /** The strings numbered for the first time, in the order of their numbers. */
  strings: string[];
  /** The shapes numbered for the first time (each its property names in order), in the order of their numbers. */
  shapes: string[][];
  /** The numbers that are not int32s (see `FLOAT`). */
  floats: number[];
  /** The numbering of strings and shapes started again at 0 with these. */
  restart?: true;
  /** The facts, each from the place `WireEncoder.encode` gave for it. */
  ints: Int32Array<ArrayBuffer>;
}

/** A shape in the worker's tree of them: the property names on its path from the root, and its number once sent. */
class ShapeNode {
  id = -1;
  private next: Map<string, ShapeNode> | undefined;

  constructor(
    private readonly parent: ShapeNode | undefined,
    private readonly key: string,
  ) {}

  child(key: string): ShapeNode {
    let next = this.next;
    if (next === undefined) this.next = next = new Map();
    let c = next.get(key);
    if (c === undefined) next.set(key, (c = new ShapeNode(this, key)));
    return c;
  }

  keys(): string[] {
    const out: string[] = [];
    for (let n: ShapeNode = this; n.parent !== undefined; n = n.parent) out.push(n.key);
    return out.reverse();
  }
}

/** A worker's side: the numbers of the strings and shapes it has sent so far, and the batch being written. */
export class WireEncoder {
  private readonly numbers = new Map<string, number>();
  /** The strings numbered since the last `takeBatch`, in the order of their numbers. */
  private fresh: string[] = [];
  private root = new ShapeNode(undefined, '');
  private shapeCount = 0;
  private freshShapes: string[][] = [];
  private ints: Int32Array<ArrayBuffer> = new Int32Array(1 << 14);
  private pos = 0;
  private floats: number[] = [];
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
    this.root = new ShapeNode(undefined, '');
    this.shapeCount = 0;
    this.restart = true;
  }

  /**
   * Writes `facts` into the batch; where they start in its `ints`, or -1 when they cannot go so (see the top of this
   * file): they must then be sent as plain JSON.
   */
  encode(facts: FileFacts): number {
    const at = this.pos;
    const floats = this.floats.length;
    if (this.value(facts)) return at;
    // Strings and shapes numbered on the way stay numbered: they are sent with the batch, used or not.
    this.pos = at;
    this.floats.length = floats;
    return -1;
  }

  /** The batch written since the last call, for the main thread (see `WireDecoder.addBatch`). */
  takeBatch(): WireBatch {
    const out: WireBatch = { strings: this.fresh, shapes: this.freshShapes, floats: this.floats, ints: this.ints.slice(0, this.pos) };
    if (this.restart) out.restart = true;
    this.fresh = [];
    this.freshShapes = [];
    this.floats = [];
    this.pos = 0;
    this.restart = false;
    return out;
  }

  private put(n: number): void {
    if (this.pos === this.ints.length) {
      const grown = new Int32Array(this.ints.length * 2);
      grown.set(this.ints);
      this.ints = grown;
    }
    this.ints[this.pos++] = n;
  }

  private string(s: string): void {
    let n = this.numbers.get(s);
    if (n === undefined) {
      n = this.numbers.size;
      // A flat copy: a slice of a file's text would keep the whole text alive in the table.
      this.numbers.set(` ${s}`.slice(1), n);
      this.fresh.push(s);
    }
    this.put(-1 - n);
  }

  /** Writes `v`; false when the facts must go as plain JSON. */
  private value(v: unknown): boolean {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return true;
      case 'number':
        if ((v | 0) === v) {
          this.put(INT);
          this.put(v);
        } else if (Number.isFinite(v)) {
          this.put(FLOAT);
          this.put(this.floats.push(v) - 1);
        } else this.put(NULL);
        return true;
      case 'boolean':
        this.put(v ? TRUE : FALSE);
        return true;
      case 'object':
        break;
      default:
        // Only in a list (an object's property of this kind is left out): JSON's null.
        this.put(NULL);
        return true;
    }
    if (v === null) {
      this.put(NULL);
      return true;
    }
    if (Array.isArray(v)) return this.list(v);
    if (ArrayBuffer.isView(v)) return false;
    const o = v as Record<string, unknown>;
    if (this.spans) {
      const key = spanKeyStartFirst(o);
      if (key >= 0) {
        this.put(SPAN);
        this.put(key);
        return true;
      }
    }
    this.put(OBJECT);
    const at = this.pos;
    this.put(0);
    let node = this.root;
    for (const k in o) {
      const x = o[k];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      if (k === '__proto__') return false;
      node = node.child(k);
      if (!this.value(x)) return false;
    }
    if (node.id < 0) {
      node.id = this.shapeCount++;
      this.freshShapes.push(node.keys());
    }
    this.ints[at] = node.id;
    return true;
  }

  private list(v: unknown[]): boolean {
    const n = v.length;
    let ints = n > 0;
    for (let i = 0; i < n && ints; i++) {
      const x = v[i];
      ints = typeof x === 'number' && (x | 0) === x;
    }
    if (ints) {
      this.put(INTS);
      this.put(n);
      for (let i = 0; i < n; i++) this.put(v[i] as number);
      return true;
    }
    this.put(LIST);
    this.put(n);
    for (let i = 0; i < n; i++) if (!this.value(v[i])) return false;
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

/** A shape the main thread builds objects of. */
class Shape {
  /** Objects built so far, until `make` is compiled. */
  uses = 0;
  /** Builds one object of the shape in one literal (see `compile`), once the shape is met a second time. */
  make: ((r: WireDecoder) => Record<string, unknown>) | undefined;
  /** A span's keys (in either order): such an object is shared as `internStrings` shares it. */
  readonly span: boolean;

  constructor(readonly keys: string[]) {
    this.span = keys.length === 2 && ((keys[0] === 'start' && keys[1] === 'end') || (keys[0] === 'end' && keys[1] === 'start'));
  }
}

/**
 * A function that builds an object of the shape `keys` in one literal, its values read from the stream in order
 * (an object literal evaluates its values in order). Such an object holds its properties inside itself and shares its
 * hidden class with the others of its shape, as `JSON.parse`'s do; one built property by property from `{}` keeps
 * those past the fourth in a separate store. A shape met once (a file's constants by name) is built so: compiling
 * costs more than that.
 */
function compile(keys: readonly string[]): (r: WireDecoder) => Record<string, unknown> {
  // The names are written as JSON strings, so any name is a plain property (the encoder declines `__proto__`).
  return new Function('r', `return {${keys.map((k) => `${JSON.stringify(k)}: r.value()`).join(', ')}};`) as (r: WireDecoder) => Record<string, unknown>;
}

/** The main thread's side, for one worker: its strings by number, each the copy the tables hold, and its shapes. */
export class WireDecoder {
  private readonly strings: string[] = [];
  private readonly shapes: Shape[] = [];
  private ints: Int32Array = new Int32Array(0);
  private floats: number[] = [];
  private pos = 0;
  private spans: Map<number, Span> | undefined;

  /** Takes a batch (`WireEncoder.takeBatch`), before its facts are decoded. */
  addBatch(batch: WireBatch, tables: InternTables): void {
    if (batch.restart) {
      this.strings.length = 0;
      this.shapes.length = 0;
    }
    for (const s of batch.strings) this.strings.push(internString(s, tables.strings));
    for (const keys of batch.shapes) this.shapes.push(new Shape(keys));
    this.ints = batch.ints;
    this.floats = batch.floats;
  }

  /**
   * The facts that start at `at` in the last batch's numbers: the facts `internStrings` makes of the plain ones (each
   * string the tables' copy, and on a one-shot engine each plain span the tables' object).
   */
  decode(at: number, tables: InternTables): FileFacts {
    this.pos = at;
    this.spans = tables.spans;
    return this.value() as FileFacts;
  }

  /** The next value of the stream (for `compile`'s functions too). */
  value(): unknown {
    const ints = this.ints;
    const t = ints[this.pos++];
    if (t < 0) return this.strings[-1 - t];
    switch (t) {
      case NULL:
        return null;
      case FALSE:
        return false;
      case TRUE:
        return true;
      case INT:
        return ints[this.pos++];
      case FLOAT:
        return this.floats[ints[this.pos++]];
      case SPAN: {
        const key = ints[this.pos++];
        const spans = this.spans!;
        let kept = spans.get(key);
        if (kept === undefined) {
          const start = Math.floor(key / 2048);
          kept = { start, end: start + (key % 2048) };
          spans.set(key, kept);
        }
        return kept;
      }
      case LIST: {
        // Sized exactly, as `JSON.parse` sizes its lists (see `trimParsedLists`).
        const n = ints[this.pos++];
        const list = new Array<unknown>(n);
        for (let i = 0; i < n; i++) list[i] = this.value();
        return list;
      }
      case INTS: {
        const n = ints[this.pos++];
        const list = new Array<number>(n);
        const from = this.pos;
        for (let i = 0; i < n; i++) list[i] = ints[from + i];
        this.pos = from + n;
        return list;
      }
      case OBJECT: {
        const shape = this.shapes[ints[this.pos++]];
        let o: Record<string, unknown>;
        if (shape.make !== undefined) o = shape.make(this);
        else if (++shape.uses >= 2) o = (shape.make = compile(shape.keys))(this);
        else {
          o = {};
          for (const k of shape.keys) o[k] = this.value();
        }
        // A span the encoder did not write as its key (written `end` first, or too far into its file).
        if (shape.span && this.spans !== undefined) return sharedSpan(o, this.spans) ?? o;
        return o;
      }
    }
    throw new Error(`facts from a worker thread hold an unknown tag ${t} at ${this.pos - 1}`);
  }
}

/** Facts sent as plain JSON (see `WireEncoder.encode`), made as `internStrings` makes them. */
export function internPlain(facts: FileFacts, tables: InternTables): void {
  internStrings(facts, tables.strings, tables.spans);
}
