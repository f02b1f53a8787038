import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from '../core/types';

export interface FactsRequest {
  id: number;
  file: string;
  text: string;
}

export type FactsResponse = { id: number; facts: FileFacts | undefined } | { id: number; error: string };

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
 */
export class FactsPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (f: FileFacts | undefined) => void; reject: (e: Error) => void }>();
  private readonly queues: FactsRequest[][] = [];
  private nextId = 0;
  private turn = 0;
  private closed = false;

  private constructor(script: string, size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.on('message', (answers: FactsResponse[]) => {
        for (const a of answers) {
          const p = this.pending.get(a.id);
          if (!p) continue;
          this.pending.delete(a.id);
          if ('error' in a) p.reject(new Error(a.error));
          else p.resolve(a.facts);
        }
      });
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
      this.queues.push([]);
    }
  }

  /** A pool, or undefined when workers cannot be started here (then the caller parses inline). */
  static create(size = Math.min(availableParallelism(), 4)): FactsPool | undefined {
    const script = workerScript();
    if (!script || size < 2) return undefined;
    try {
      return new FactsPool(script, size);
    } catch {
      return undefined;
    }
  }

  analyze(file: string, text: string): Promise<FileFacts | undefined> {
    if (this.closed) return Promise.reject(new Error('the parser pool is closed'));
    const id = this.nextId++;
    const promise = new Promise<FileFacts | undefined>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const i = this.turn++ % this.workers.length;
    this.queues[i].push({ id, file, text });
    if (this.queues[i].length >= BATCH) this.flush(i);
    return promise;
  }

  /** Sends what is queued; call when no more requests are coming for a while. */
  flushAll(): void {
    for (let i = 0; i < this.workers.length; i++) this.flush(i);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('the parser pool was closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private flush(i: number): void {
    const batch = this.queues[i];
    if (batch.length === 0) return;
    this.queues[i] = [];
    this.workers[i].postMessage(batch);
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

const BATCH = 8;
