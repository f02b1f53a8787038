// Bundles run from a V8 code cache (server/src/host/bundleCache.ts): the CLI's (dist/cli-main.js, through cli/launch.ts)
// and each parser thread's (dist/facts-worker-main.js, through host/factsWorkerLaunch.ts). A bundle runs the same with
// or without its cache, and a missing, stale or corrupt cache only costs a compilation.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { runBundle } from '../../server/src/host/bundleCache';
import type { FactsAnswers, FactsRequest } from '../../server/src/host/factsPool';
import { REPO } from '../engine/harness';
import { makeTree, removeTree } from './tmp';

/** A bundle as the build makes them (ASCII, CommonJS), that says it ran through a global and requires a built-in. */
const BUNDLE = `'use strict';
const path = require('node:path');
function counted(x) { return x + path.basename('/a/b.txt').length; }
globalThis.__bundleCacheTest = { runs: (globalThis.__bundleCacheTest?.runs ?? 0) + 1, answer: counted(1), file: __filename, dir: __dirname };
module.exports = counted;
`;

type Ran = { runs: number; answer: number; file: string; dir: string };
const ran = () => (globalThis as unknown as { __bundleCacheTest?: Ran }).__bundleCacheTest;

/** Runs `fn` with FKGUARD_CODE_CACHE set to `dir`, as a process started with it would. */
function withCacheDir<T>(dir: string, fn: () => T): T {
  const saved = process.env.FKGUARD_CODE_CACHE;
  process.env.FKGUARD_CODE_CACHE = dir;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.FKGUARD_CODE_CACHE;
    else process.env.FKGUARD_CODE_CACHE = saved;
  }
}

describe('bundles run from a code cache', () => {
  afterEach(() => {
    delete (globalThis as unknown as { __bundleCacheTest?: Ran }).__bundleCacheTest;
  });

  it('runs the bundle as a module, has the cache written when `writeWhen` says, then runs from it', () => {
    const root = makeTree({ 'dist/b.js': BUNDLE });
    const cacheDir = join(root, 'code');
    const main = join(root, 'dist', 'b.js');
    try {
      const writes: Array<() => void> = [];
      withCacheDir(cacheDir, () => runBundle(main, 'test-b', (w) => writes.push(w)));
      assert.deepEqual(ran(), { runs: 1, answer: 1 + 'b.txt'.length, file: main, dir: join(root, 'dist') });
      assert.equal(writes.length, 1, 'no cache yet: one to write');
      assert.equal(readdirSync(root).includes('code'), false, 'nothing written before `writeWhen` calls the write');
      writes[0]();
      const written = readdirSync(cacheDir);
      assert.equal(written.length, 1);
      assert.match(written[0], new RegExp(`^test-b-${process.version.replace(/\./g, '\\.')}-[0-9a-f]{32}\\.v8$`));
      const bytes = readFileSync(join(cacheDir, written[0]));
      withCacheDir(cacheDir, () => runBundle(main, 'test-b', (w) => writes.push(w)));
      assert.equal(ran()?.runs, 2);
      assert.equal(writes.length, 1, 'a cache V8 accepted is not written again');
      assert.deepEqual(readFileSync(join(cacheDir, written[0])), bytes);
    } finally {
      removeTree(root);
    }
  });

  it('writes a damaged cache anew and never hands its bytes to V8', () => {
    const root = makeTree({ 'dist/b.js': BUNDLE });
    const cacheDir = join(root, 'code');
    const main = join(root, 'dist', 'b.js');
    try {
      withCacheDir(cacheDir, () => runBundle(main, 'test-b', (w) => w()));
      const [name] = readdirSync(cacheDir);
      const bytes = readFileSync(join(cacheDir, name));
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(join(cacheDir, name), bytes, { mode: 0o600 });
      let writes = 0;
      withCacheDir(cacheDir, () =>
        runBundle(main, 'test-b', (w) => {
          writes++;
          w();
        }),
      );
      assert.equal(ran()?.runs, 2);
      assert.equal(writes, 1);
      assert.notDeepEqual(readFileSync(join(cacheDir, name)), bytes);
    } finally {
      removeTree(root);
    }
  });

  it('gives a rebuilt bundle a cache of its own and keeps the last three of a name', () => {
    const root = makeTree({ 'dist/b.js': BUNDLE });
    const cacheDir = join(root, 'code');
    const main = join(root, 'dist', 'b.js');
    try {
      // Three: a parser thread's bundle runs under the CLI's flags, the language server's first index's and the
      // server's own (see KEEP in host/bundleCache.ts), each with a cache named by V8's tag.
      for (let build = 0; build < 4; build++) {
        writeFileSync(main, `${BUNDLE}// build ${build}\n`);
        withCacheDir(cacheDir, () => runBundle(main, 'test-b', (w) => w()));
      }
      assert.equal(ran()?.runs, 4);
      assert.equal(readdirSync(cacheDir).filter((n) => n.startsWith('test-b-')).length, 3);
    } finally {
      removeTree(root);
    }
  });

  it('runs without a cache with FKGUARD_CODE_CACHE=off', () => {
    const root = makeTree({ 'dist/b.js': BUNDLE });
    try {
      let writes = 0;
      withCacheDir('off', () => runBundle(join(root, 'dist', 'b.js'), 'test-b', () => writes++));
      assert.equal(ran()?.runs, 1);
      assert.equal(writes, 0);
    } finally {
      removeTree(root);
    }
  });
});

describe("the parser threads' code cache (dist/facts-worker.js)", () => {
  /** The answer of a parser thread started from the build's script to one batch, then the thread is stopped. */
  async function oneBatch(cacheDir: string, batch: FactsRequest[]): Promise<string> {
    const worker = withCacheDir(cacheDir, () => new Worker(join(REPO, 'dist', 'facts-worker.js'), { workerData: {} }));
    try {
      return await new Promise<string>((resolve, reject) => {
        // Without the wire (workerData {}), the answers are all in the JSON text.
        worker.once('message', (m: FactsAnswers) => resolve(m.head));
        worker.once('error', reject);
        worker.postMessage(batch);
      });
    } finally {
      await worker.terminate();
    }
  }

  it('writes the cache at its first answer, before the answer goes out, and the next thread runs from it', async () => {
    const root = makeTree({});
    const cacheDir = join(root, 'code');
    const batch: FactsRequest[] = [
      { id: 1, file: join(root, 'models.py'), text: 'from sqlalchemy import Column, ForeignKey, Integer\n\nclass A(Base):\n    __tablename__ = "a"\n    id = Column(Integer, primary_key=True)\n    b_id = Column(Integer, ForeignKey("b.id"))\n' },
    ];
    try {
      const first = await oneBatch(cacheDir, batch);
      // The main thread terminates a thread once it has its answers: the cache must be complete by then.
      const written = readdirSync(cacheDir);
      assert.deepEqual(
        written.map((n) => n.replace(/-[0-9a-f]{32}\.v8$/, '')),
        [`facts-worker-${process.version}`],
      );
      const at = statSync(join(cacheDir, written[0])).mtimeMs;
      const bytes = readFileSync(join(cacheDir, written[0]));
      const second = await oneBatch(cacheDir, batch);
      assert.equal(second, first, 'the same facts with the cache');
      assert.deepEqual(readdirSync(cacheDir), written);
      assert.equal(statSync(join(cacheDir, written[0])).mtimeMs, at, 'the cache was used, not written again');
      assert.deepEqual(readFileSync(join(cacheDir, written[0])), bytes);
      const answers = (JSON.parse(first) as { answers: Array<{ id: number; facts?: unknown }> }).answers;
      assert.equal(answers.length, 1);
      assert.equal(answers[0].id, 1);
      assert.ok(answers[0].facts, 'the model file has facts');
    } finally {
      removeTree(root);
    }
  });
});
