// The code cache that loads the TypeScript compiler's bundle faster (server/src/host/codeCache.ts): a module
// loads the same with or without it, and a missing, stale or corrupt cache only costs a compilation.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CacheEvent, codeCacheDir, requireWithCodeCache } from '../../server/src/host/codeCache';
import { makeTree, removeTree } from './tmp';

/** A module with some code worth caching, which requires a built-in and its own sibling. */
const MODULE = `'use strict';
const path = require('node:path');
const helper = require('./helper.js');
exports.answer = (x) => helper.twice(x) + path.basename('/a/b.txt').length;
exports.where = __filename;
exports.resolved = require.resolve('./helper.js');
`;
const HELPER = 'exports.twice = (x) => 2 * x;\n';

describe('the code cache', () => {
  it('loads a module as require does, writes the cache once, then compiles from it', () => {
    const root = makeTree({ 'lib/big.js': MODULE, 'lib/helper.js': HELPER });
    const cacheDir = join(root, 'cache');
    const file = join(root, 'lib', 'big.js');
    try {
      const events: CacheEvent[] = [];
      const load = () => {
        // A fresh load each time, as a new process would do.
        delete require.cache[file];
        return requireWithCodeCache(file, cacheDir, (e) => events.push(e)) as { answer(x: number): number; where: string; resolved: string };
      };
      const first = load();
      assert.equal(first.answer(3), 6 + 'b.txt'.length);
      assert.equal(first.where, file);
      assert.equal(first.resolved, join(root, 'lib', 'helper.js'));
      assert.equal(require.cache[file]?.exports, first, 'the module is in the require cache, as require leaves it');
      const second = load();
      assert.equal(second.answer(5), 10 + 'b.txt'.length);
      assert.deepEqual(events, ['written', 'used']);
      assert.equal(readdirSync(cacheDir).filter((n) => n.endsWith('.bin')).length, 1);
    } finally {
      delete require.cache[file];
      removeTree(root);
    }
  });

  it('writes the cache when `writeWhen` says, not at the load (the language server writes once its start-up ran)', () => {
    const root = makeTree({ 'lib/big.js': MODULE, 'lib/helper.js': HELPER });
    const cacheDir = join(root, 'cache');
    const file = join(root, 'lib', 'big.js');
    try {
      const events: CacheEvent[] = [];
      const writes: Array<() => void> = [];
      const m = requireWithCodeCache(file, cacheDir, (e) => events.push(e), (write) => writes.push(write)) as { answer(x: number): number };
      assert.equal(m.answer(4), 8 + 'b.txt'.length);
      assert.equal(writes.length, 1);
      assert.equal(events.length, 0);
      assert.deepEqual(readdirSync(root).includes('cache') ? readdirSync(cacheDir) : [], [], 'nothing written yet');
      writes[0]();
      assert.deepEqual(events, ['written']);
      delete require.cache[file];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e), (write) => writes.push(write));
      // A cache that was used is not written again.
      assert.deepEqual(events, ['written', 'used']);
      assert.equal(writes.length, 1);
    } finally {
      delete require.cache[file];
      removeTree(root);
    }
  });

  it('compiles as usual and writes the cache anew when the cache is corrupt (never hands V8 damaged bytes)', () => {
    const root = makeTree({ 'lib/big.js': MODULE, 'lib/helper.js': HELPER });
    const cacheDir = join(root, 'cache');
    const file = join(root, 'lib', 'big.js');
    try {
      const events: CacheEvent[] = [];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      const [name] = readdirSync(cacheDir).filter((n) => n.endsWith('.bin'));
      const bytes = readFileSync(join(cacheDir, name));
      writeFileSync(join(cacheDir, name), Buffer.concat([bytes.subarray(0, 64), Buffer.alloc(bytes.length - 64, 0x5a)]));
      delete require.cache[file];
      const again = requireWithCodeCache(file, cacheDir, (e) => events.push(e)) as { answer(x: number): number };
      assert.equal(again.answer(1), 2 + 'b.txt'.length);
      assert.deepEqual(events, ['written', 'rejected']);
      delete require.cache[file];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      assert.deepEqual(events, ['written', 'rejected', 'used']);
    } finally {
      delete require.cache[file];
      removeTree(root);
    }
  });

  it('never uses a cache file that others may write', () => {
    const root = makeTree({ 'lib/big.js': MODULE, 'lib/helper.js': HELPER });
    const cacheDir = join(root, 'cache');
    const file = join(root, 'lib', 'big.js');
    try {
      const events: CacheEvent[] = [];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      const [name] = readdirSync(cacheDir).filter((n) => n.endsWith('.bin'));
      assert.equal(statSync(join(cacheDir, name)).mode & 0o777, 0o600);
      chmodSync(join(cacheDir, name), 0o666);
      delete require.cache[file];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      delete require.cache[file];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      assert.deepEqual(events, ['written', 'written', 'used']);
    } finally {
      delete require.cache[file];
      removeTree(root);
    }
  });

  it('loads without a cache when the folder cannot be written', () => {
    const root = makeTree({ 'lib/big.js': MODULE, 'lib/helper.js': HELPER, 'cache': 'a file, not a folder' });
    const file = join(root, 'lib', 'big.js');
    try {
      const events: CacheEvent[] = [];
      const m = requireWithCodeCache(file, join(root, 'cache', 'code'), (e) => events.push(e)) as { answer(x: number): number };
      assert.equal(m.answer(2), 4 + 'b.txt'.length);
      assert.deepEqual(events, ['unsaved'], 'a cache that could not be written is not reported as written');
    } finally {
      delete require.cache[file];
      removeTree(root);
    }
  });

  it('removes its temporary file when a write fails, and sweeps the ones a killed process left behind', () => {
    const root = makeTree({ 'lib/big.js': MODULE, 'lib/helper.js': HELPER });
    const cacheDir = join(root, 'cache');
    const file = join(root, 'lib', 'big.js');
    try {
      const events: CacheEvent[] = [];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      const [name] = readdirSync(cacheDir).filter((n) => n.endsWith('.bin'));
      // The cache's own name is now a non-empty folder: the temporary file is written, the rename fails (as a
      // full disk fails the write itself), and nothing as large as the bundle may stay behind.
      unlinkSync(join(cacheDir, name));
      mkdirSync(join(cacheDir, name));
      writeFileSync(join(cacheDir, name, 'x'), 'x');
      delete require.cache[file];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      assert.deepEqual(events, ['written', 'unsaved']);
      assert.deepEqual(readdirSync(cacheDir).filter((n) => n.endsWith('.tmp')), []);
      // A process killed mid-write leaves `<cache>.<pid>-<thread>.tmp`: an old one is removed by the next write,
      // a fresh one (another process writing right now) is left alone.
      removeTree(join(cacheDir, name));
      const stale = join(cacheDir, `${name}.999999-0.tmp`);
      const fresh = join(cacheDir, `${name}.999998-0.tmp`);
      writeFileSync(stale, 'half');
      writeFileSync(fresh, 'half');
      const hourAgo = new Date(Date.now() - 3600_000);
      utimesSync(stale, hourAgo, hourAgo);
      delete require.cache[file];
      requireWithCodeCache(file, cacheDir, (e) => events.push(e));
      assert.deepEqual(events, ['written', 'unsaved', 'written']);
      assert.deepEqual(readdirSync(cacheDir).filter((n) => n.endsWith('.tmp')), [`${name}.999998-0.tmp`]);
    } finally {
      delete require.cache[file];
      removeTree(root);
    }
  });

  it('is off with FKGUARD_CODE_CACHE=off, in a folder of its own with a path, in the user cache otherwise', () => {
    assert.equal(codeCacheDir({ FKGUARD_CODE_CACHE: 'off' }), undefined);
    assert.equal(codeCacheDir({ FKGUARD_CODE_CACHE: '/tmp/x' }), '/tmp/x');
    assert.equal(codeCacheDir({ FKGUARD_CODE_CACHE: 'rel/code' }), resolve('rel/code'), 'a relative folder is taken from the current directory');
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/home/u/.cache' }), '/home/u/.cache/fkguard/code');
  });
});
