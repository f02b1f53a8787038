import assert from 'node:assert/strict';
import { FactsPool } from '../../server/src/host/factsPool';
import { createEngine } from '../../server/src/host/python';
import { scanWorkspace } from '../../server/src/host/scan';
import { makeTree, removeTree } from './tmp';

/** A workspace large enough for the scan to parse on worker threads, with cross-file references. */
function workspace(files: number): Record<string, string> {
  const out: Record<string, string> = {
    'app/db.py': 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n',
    'app/constants.py': 'PARENT_TABLE = "parents"\n',
  };
  for (let i = 0; i < files; i++) {
    out[`app/m${i}.py`] = [
      'from sqlalchemy import Column, ForeignKey, Integer, String',
      'from app.db import Base',
      i === 0 ? 'from app.constants import PARENT_TABLE' : '',
      '',
      `class Thing${i}(Base):`,
      i === 0 ? '    __tablename__ = PARENT_TABLE' : `    __tablename__ = "things_${i}"`,
      '    id = Column(Integer, primary_key=True)',
      `    parent_id = Column(${i % 3 === 0 ? 'String(36)' : 'Integer'}, ForeignKey("${i % 5 === 0 ? 'parent' : 'parents'}.id"))`,
      '',
    ].join('\n');
  }
  return out;
}

/**
 * Facts as they cross from a worker thread: as JSON text (see `FactsAnswers`), so a field whose value is
 * `undefined` arrives absent, as it does from the facts cache. Every other value must arrive as it was.
 */
function serialised<T>(facts: T): T {
  return JSON.parse(JSON.stringify(facts)) as T;
}

describe('parsing on worker threads', () => {
  it('gives the same facts as parsing in the engine', async () => {
    const pool = FactsPool.create(2);
    assert.ok(pool, 'worker threads are available');
    const text = workspace(1)['app/m0.py'];
    const inline = await createEngine();
    inline.updateFile('app/m0.py', text);
    const fromWorker = await Promise.all([pool.analyze('app/m0.py', text), Promise.resolve(pool.flushAll())]);
    assert.deepEqual(fromWorker[0], serialised(inline.getFacts('app/m0.py')));
    await pool.close();
    inline.dispose();
  });

  it('gives the same facts for a SQL file as the engine does, its non-DDL statements left out', async () => {
    const pool = FactsPool.create(2);
    assert.ok(pool, 'worker threads are available');
    const text = [
      'CREATE TABLE users (id integer PRIMARY KEY);',
      "INSERT INTO users (id) VALUES (1), (2), (3);",
      'CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES user (id));',
      'GRANT SELECT ON orders TO reporting;',
      'CREATE UNIQUE INDEX orders_user ON orders (user_id);',
      '',
    ].join('\n');
    const inline = await createEngine();
    inline.updateFile('db/schema.sql', text);
    const fromWorker = await Promise.all([pool.analyze('db/schema.sql', text), Promise.resolve(pool.flushAll())]);
    assert.deepEqual(fromWorker[0], serialised(inline.getFacts('db/schema.sql')));
    assert.deepEqual(inline.getFacts('db/schema.sql')!.tables.map((t) => t.name.kind === 'literal' && t.name.value), ['users', 'orders']);
    assert.deepEqual(inline.allFindings().map((f) => f.rule), ['unknown-table']);
    await pool.close();
    inline.dispose();
  });

  it('a large scan finds exactly what an engine fed file by file finds', async () => {
    const files = workspace(120);
    const root = makeTree(files);
    try {
      const scan = await scanWorkspace({ roots: [root] });
      const inline = await createEngine();
      for (const [file, text] of Object.entries(files)) inline.updateFile(file, text);
      const describe = (e: typeof inline) => e.allFindings().map((f) => `${f.file}:${f.range.start.line} ${f.rule} ${f.message}`);
      assert.equal(scan.files.length, 122);
      assert.equal(scan.engine.stats().parsedFiles, 121);
      assert.deepEqual(describe(scan.engine), describe(inline));
      // Every fifth file points at `parent` (24 unknown tables); every third other one has a String(36) key
      // column pointing at an integer (40 - 8 = 32 type mismatches).
      const rules = inline.allFindings().map((f) => f.rule);
      assert.equal(rules.filter((r) => r === 'unknown-table').length, 24);
      assert.equal(rules.filter((r) => r === 'type-mismatch').length, 32);
      inline.dispose();
    } finally {
      removeTree(root);
    }
  });

  it('a one-shot scan with helper threads beside the main one concludes and keeps what one without them does', async () => {
    // 300 files: the helpers start once 128 are read (see `HELPER_AFTER_FILES`), and then take files while their
    // backlog is short, so both threads make facts for the rest.
    const files = workspace(300);
    const root = makeTree(files);
    try {
      const alone = await scanWorkspace({ roots: [root], oneShot: true, jobs: 1 });
      const helped = await scanWorkspace({ roots: [root], oneShot: true, helperFromBytes: 0 });
      assert.equal(alone.threadFiles, 0);
      assert.ok(helped.threadFiles > 0, 'a helper thread made facts');
      assert.ok(helped.threadFiles < 300 - 128, 'the main thread made facts beside it');
      assert.deepEqual(
        helped.files.map((f) => f.id),
        alone.files.map((f) => f.id),
      );
      for (const f of alone.files) assert.equal(JSON.stringify(helped.engine.getFacts(f.id)), JSON.stringify(alone.engine.getFacts(f.id)), f.id);
      assert.deepEqual(helped.conclusions(), alone.conclusions());
      assert.equal(alone.engine.allFindings().filter((f) => f.rule === 'unknown-table').length, 60);
    } finally {
      removeTree(root);
    }
  });

  it('refuses work after it is closed', async () => {
    const pool = FactsPool.create(2)!;
    await pool.close();
    await assert.rejects(pool.analyze('a.py', 'x = 1\n'), /closed/);
  });
});
