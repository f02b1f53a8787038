// Issue 11, items 2 and 9 (host side): what the facts cache reads can never break or change a scan.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileFacts } from '../../server/src/core/types';
import { codeKey, contentHash, FactsCache } from '../../server/src/host/factsCache';
import { scanWorkspace } from '../../server/src/host/scan';
import { makeTree, removeTree } from '../host/tmp';
import { ORDERS_BAD, privateCacheHome, USERS } from './env';

function findings(scan: Awaited<ReturnType<typeof scanWorkspace>>): string[] {
  return scan.engine.allFindings().map((f) => `${f.file}:${f.range.start.line} ${f.rule}`);
}

describe('reliability: the facts cache (host)', () => {
  privateCacheHome();

  // Item 2: `"facts": {}` or `classes: null` under the right key and content hash made every run fail with
  // `f.classes is not iterable` until the cache was deleted.
  for (const [what, facts] of [
    ['facts: {}', {}],
    ['classes: null', { file: 'app/orders.py', language: 'python', module: 'app.orders', classes: null }],
    ['a class without columns', { file: 'app/orders.py', language: 'python', module: 'app.orders', constants: {}, imports: [], classes: [{ name: 'Order' }], tables: [], references: [], metadataRoots: [], typeDecorators: {}, errors: [], lineStarts: [0] }],
  ] as const) {
    it(`drops an entry of the wrong shape (${what}) and parses the file again`, async () => {
      const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS_BAD });
      const dir = join(root, 'cache');
      try {
        const cache = FactsCache.open(dir, codeKey());
        cache.set('app/orders.py', contentHash(ORDERS_BAD), facts as unknown as FileFacts);
        cache.save();
        const scan = await scanWorkspace({ roots: [root], cache: dir });
        assert.deepEqual(findings(scan), ['app/orders.py:6 unknown-table']);
        // The bad entry was replaced: the next run takes the file's good facts from the cache.
        const again = await scanWorkspace({ roots: [root], cache: dir });
        assert.equal(again.cachedFiles, 2);
        assert.deepEqual(findings(again), ['app/orders.py:6 unknown-table']);
      } finally {
        removeTree(root);
      }
    });
  }

  // The facts part of the file is read after the index (FactsCache reads only the header and index at open): a
  // cache file replaced in between (another scan saved one) must not lend its facts to the index read before. The
  // cache keeps the file it opened until its facts are read, so it reads the facts its index names, as they were.
  it('uses no facts from a cache file replaced after its index was read: the facts are those of the file it opened', async () => {
    const ORDERS_GOOD = ORDERS_BAD.replace('"user.id"', '"users.id"');
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS_BAD });
    const dir = join(root, 'cache');
    try {
      await scanWorkspace({ roots: [root], cache: dir });
      const opened = FactsCache.open(dir, codeKey());
      assert.equal(opened.has('app/orders.py', contentHash(ORDERS_BAD)), true);
      // Another scan rewrites the cache for other contents: the bytes where the index said facts lie are others'.
      writeFileSync(join(root, 'app/orders.py'), ORDERS_GOOD);
      await scanWorkspace({ roots: [root], cache: dir });
      const facts = opened.factsOf('app/orders.py');
      assert.deepEqual(
        facts?.references.map((r) => (r.target?.kind === 'literal' ? r.target.value : undefined)),
        ['user.id'],
        'the facts of the file as the opened cache indexed it, not those of the one that replaced it',
      );
      assert.equal(opened.problem, undefined);
    } finally {
      removeTree(root);
    }
  });

  // Item 16: a failed save must leave nothing behind (no temporary file, no empty `.gitignore`).
  it('leaves no temporary file behind when the cache cannot be written', async () => {
    const root = makeTree({ 'app/users.py': USERS });
    const dir = join(root, 'cache');
    try {
      const cache = FactsCache.open(dir, codeKey());
      cache.set('app/users.py', contentHash(USERS), undefined);
      // The cache file's name taken by a folder makes the final rename fail, as a full disk would.
      cache.save();
      const files = readdirSync(dir).filter((f) => f !== '.gitignore');
      assert.equal(files.length, 1);
      removeTree(dir);
      const blocked = FactsCache.open(dir, codeKey());
      blocked.set('app/users.py', contentHash(USERS), undefined);
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, files[0], 'x'), { recursive: true });
      blocked.save();
      assert.deepEqual(readdirSync(dir).sort(), [files[0]], 'nothing but the folder that blocked the write');
    } finally {
      removeTree(root);
    }
  });

  it('keeps its default cache out of the scanned folder', async () => {
    const root = makeTree({ 'app/users.py': USERS });
    try {
      await scanWorkspace({ roots: [root], cache: true });
      assert.deepEqual(readdirSync(root), ['app']);
      assert.equal((await scanWorkspace({ roots: [root], cache: true })).cachedFiles, 1);
      writeFileSync(join(root, 'app', 'users.py'), USERS + '\n');
      assert.equal((await scanWorkspace({ roots: [root], cache: true })).cachedFiles, 0);
      assert.ok(!existsSync(join(root, '.fkguard_cache')));
    } finally {
      removeTree(root);
    }
  });
});
