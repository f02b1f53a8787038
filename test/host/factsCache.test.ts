import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir } from '../../server/src/host/factsCache';
import { scanWorkspace } from '../../server/src/host/scan';
import { privateCacheHome } from '../reliability/env';
import { makeTree, removeTree } from './tmp';

const USERS = 'from sqlalchemy import Column, Integer\nfrom app.db import Base\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n';
const ORDERS = 'from sqlalchemy import Column, ForeignKey, Integer\nfrom app.db import Base\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey("user.id"))\n';

function describeFindings(scan: Awaited<ReturnType<typeof scanWorkspace>>): string[] {
  return scan.engine.allFindings().map((f) => `${f.file}:${f.range.start.line} ${f.rule} ${f.message}`);
}

describe('the facts cache', () => {
  privateCacheHome();

  it('gives the second scan of unchanged files the same findings without parsing them', async () => {
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS, 'app/util.py': 'x = 1\n' });
    try {
      const first = await scanWorkspace({ roots: [root], cache: true });
      assert.equal(first.cachedFiles, 0);
      assert.ok(existsSync(defaultCacheDir(root)), 'the cache is in the user cache folder');
      const second = await scanWorkspace({ roots: [root], cache: true });
      assert.equal(second.cachedFiles, 3);
      assert.deepEqual(describeFindings(second), describeFindings(first));
      assert.equal(describeFindings(second).length, 1);
      // A changed file is parsed again; the others still come from the cache.
      writeFileSync(join(root, 'app', 'users.py'), USERS.replace('"users"', '"user"'));
      const third = await scanWorkspace({ roots: [root], cache: true });
      assert.equal(third.cachedFiles, 2);
      assert.deepEqual(describeFindings(third), []);
    } finally {
      removeTree(root);
    }
  });

  it('ignores a cache that is corrupt, or written by other code, and never fails the scan', async () => {
    const root = makeTree({ 'app/orders.py': ORDERS });
    try {
      await scanWorkspace({ roots: [root], cache: true });
      const file = join(defaultCacheDir(root), 'facts-v2.json');
      const data = JSON.parse(readFileSync(file, 'utf8')) as { key: string; payload: string };
      writeFileSync(file, JSON.stringify({ ...data, key: 'another build' }));
      assert.equal((await scanWorkspace({ roots: [root], cache: true })).cachedFiles, 0);
      // A payload changed after signing does not authenticate.
      const signed = JSON.parse(readFileSync(file, 'utf8')) as { key: string; payload: string };
      writeFileSync(file, JSON.stringify({ ...signed, payload: signed.payload.replace('"orders"', '"orderz"') }));
      assert.equal((await scanWorkspace({ roots: [root], cache: true })).cachedFiles, 0);
      writeFileSync(file, '{ not json');
      const scan = await scanWorkspace({ roots: [root], cache: true });
      assert.equal(scan.cachedFiles, 0);
      assert.equal(describeFindings(scan).length, 1);
    } finally {
      removeTree(root);
    }
  });

  it('is neither read nor written unless asked for', async () => {
    const root = makeTree({ 'app/orders.py': ORDERS });
    try {
      await scanWorkspace({ roots: [root] });
      assert.ok(!existsSync(defaultCacheDir(root)));
    } finally {
      removeTree(root);
    }
  });
});
