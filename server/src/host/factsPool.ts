import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { FileFacts } from '../core/types';
import { type InternTables, internPlain, type WireBatch, WireDecoder } from './factsWire';

export interface FactsRequest {
  id: number;
  file: string;
  text: string;
}

/** `at`: the facts are written as numbers, from there in the batch's (see factsWire.ts). */
export type FactsResponse = { id: number; facts: FileFacts | undefined } | { id: number; at: number } | { id: number; error: string };

/** What a worker is started with (its `workerData`). */
export interface WorkerOptions {
  /** Send facts as numbers, and with `spans` their plain spans as keys (see factsWire.ts). */
  wire?: { spans: boolean };
}

/**
 * What a worker posts back for a batch: `head`, the JSON text of `{ answers }` (its `FactsResponse[]`) and, when it
 * writes facts as numbers, of the rest of its `WireBatch` but the numbers, `ints`, which move to this thread without
 * a copy (see factsWire.ts). Facts a worker does not write so go in the text: a structured clone builds every object
 * property by property, so a fact with more than a few fields keeps them in a separate property array, and every
 * string is a copy of its own; `JSON.parse` sizes each object for its fields and shares short strings (names,
 * types). On the 1k bench the facts took 38 % less heap this way, and parsing the text cost no more than the clone.
 * Facts round-trip through JSON by design (the facts cache stores them so), so every way gives equal facts.
 */
export interface FactsAnswers {
  head: string;
  ints?: Int32Array<ArrayBuffer>;
}

/** The worker script: beside the bundle (`dist/facts-worker.js`), or the compiled source when testing. */
function workerScript(): string | undefined {
  for (const candidate of [join(__dirname, 'facts-worker.js'), join(__dirname, 'factsWorker.js')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Parses files on worker threads, one per core, so a cold scan is not bound to one core. Requests are sent
 * in small batches to keep messages few; each answer is a file's facts, ready for `Engine.acceptFacts`.
 * A worker that dies (a fault the parser's own recovery did not catch) fails only the requests it held, and
 * a fresh worker takes its place: the caller parses those files itself, every other file goes on here.
 */
export class FactsPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { worker: number; resolve: (f: FileFacts | undefined) => void; reject: (e: Error) => void }>();
  private readonly queues: FactsRequest[][] = [];
  private nextId = 0;
  private turn = 0;
  private closed = false;
  /** Workers started to replace dead ones; a pool whose workers keep dying stops replacing them. */
  private restarts = 0;

  /**
   * `intern`: the tables the engine keeps one copy of each string (and span) in. Facts are then sent with their
   * strings as numbers (see factsWire.ts), and every facts this pool hands over are interned in those tables, as
   * `internStrings` would have done it.
   */
  private constructor(
    private readonly script: string,
    size: number,
    private readonly intern?: () => InternTables,
  ) {
    for (let i = 0; i < size; i++) {
      this.workers.push(this.start(i));
      this.queues.push([]);
    }
  }

  private start(slot: number): Worker {
    const options: WorkerOptions = this.intern ? { wire: { spans: this.intern().spans !== undefined } } : {};
    // Node's worker_threads loads with the first pool, not with the bundle: most scans start no thread (the module
    // and what it loads took about 2 ms of a 120 ms warm scan).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const w = new Worker(this.script, { workerData: options });
    // This worker's strings by number: a worker started in its place numbers them afresh.
    const decoder = this.intern ? new WireDecoder() : undefined;
    w.on('message', (message: FactsAnswers) => {
      const batch = JSON.parse(message.head) as Partial<WireBatch> & { answers: FactsResponse[] };
      const tables = this.intern?.();
      if (decoder && tables && message.ints) decoder.addBatch({ ...(batch as WireBatch), ints: message.ints }, tables);
      for (const a of batch.answers) {
        const p = this.pending.get(a.id);
        if (!p) continue;
        this.pending.delete(a.id);
        if ('error' in a) p.reject(new Error(a.error));
        else if ('at' in a) p.resolve(decoder!.decode(a.at, tables!));
        else {
          if (a.facts && tables) internPlain(a.facts, tables);
          p.resolve(a.facts);
        }
      }
    });
    const died = (e: Error) => {
      if (this.workers[slot] !== w || this.closed) return;
      this.failWorker(slot, e);
      if (this.restarts++ < MAX_RESTARTS) this.workers[slot] = this.start(slot);
      else this.workers[slot] = undefined as unknown as Worker;
    };
    w.on('error', (e) => died(e));
    w.on('exit', (code) => died(new Error(`a parser thread stopped (exit code ${code})`)));
    return w;
  }

  /**
   * A pool, or undefined when workers cannot be started here (then the caller parses inline). A pool of one thread
   * only with `helper`: it works beside the main thread, which parses too (see scan.ts), instead of for it. With
   * `intern`, the facts it hands over are interned in those tables (see the constructor).
   */
  static create(size = Math.min(availableParallelism(), 4), helper = false, intern?: () => InternTables): FactsPool | undefined {
    const script = workerScript();
    if (!script || size < (helper ? 1 : 2)) return undefined;
    try {
      return new FactsPool(script, size, intern);
    } catch {
      return undefined;
    }
  }

  analyze(file: string, text: string): Promise<FileFacts | undefined> {
    if (this.closed) return Promise.reject(new Error('the parser pool is closed'));
    const live = this.workers.map((w, i) => (w ? i : -1)).filter((i) => i >= 0);
    if (live.length === 0) return Promise.reject(new Error('no parser thread is left'));
    const id = this.nextId++;
    const i = live[this.turn++ % live.length];
    const promise = new Promise<FileFacts | undefined>((resolve, reject) => this.pending.set(id, { worker: i, resolve, reject }));
    this.queues[i].push({ id, file, text });
    if (this.queues[i].length >= BATCH) this.flush(i);
    return promise;
  }

  /** Requests not answered yet: sent to a thread or queued for one. */
  backlog(): number {
    return this.pending.size;
  }

  /** Sends what is queued; call when no more requests are coming for a while. */
  flushAll(): void {
    for (let i = 0; i < this.workers.length; i++) this.flush(i);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('the parser pool was closed'));
    this.pending.clear();
    await Promise.all(this.workers.filter(Boolean).map((w) => w.terminate()));
  }

  /** Stops thread `slot` as a fault that escaped every guard would (for tests of the recovery). */
  killWorker(slot: number): Promise<number> | undefined {
    return this.workers[slot]?.terminate();
  }

  private flush(i: number): void {
    const batch = this.queues[i];
    if (batch.length === 0 || !this.workers[i]) return;
    this.queues[i] = [];
    this.workers[i].postMessage(batch);
  }

  /** Rejects what worker `slot` held: the requests it was sent and those still queued for it. */
  private failWorker(slot: number, e: Error): void {
    this.queues[slot] = [];
    for (const [id, p] of this.pending) {
      if (p.worker !== slot) continue;
      this.pending.delete(id);
      p.reject(e);
    }
  }
}

/** A pool whose threads die this often has a problem no restart fixes; the caller parses inline then. */
const MAX_RESTARTS = 8;
const BATCH = 8;
