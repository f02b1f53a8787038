import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { codeKey, defaultCacheDir, FactsCache } from '../../server/src/host/factsCache';
import { scannerOn } from '../../server/src/host/python';
import { scanWorkspace } from '../../server/src/host/scan';
import { realFs, WalkFs } from '../../server/src/host/workspace';
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

  it("stores a one-shot scan's facts as an editor's scan reads them, line starts included", async () => {
    // A one-shot engine holds each file's line starts as a typed array once it has them (see `trimLists`); the
    // cache must still write them as the list every reader of the cache expects.
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS, 'app/util.py': 'x = 1\n' });
    try {
      const cli = await scanWorkspace({ roots: [root], cache: true, oneShot: true });
      const editor = await scanWorkspace({ roots: [root], cache: true });
      assert.equal(editor.cacheProblem, undefined);
      assert.equal(editor.cachedFiles, 3);
      for (const id of ['app/users.py', 'app/orders.py']) assert.ok(Array.isArray(editor.engine.getFacts(id)?.lineStarts), id);
      assert.deepEqual(describeFindings(editor), describeFindings(cli));
      assert.match(describeFindings(editor).join('\n'), /^app\/orders\.py:6 unknown-table/);
    } finally {
      removeTree(root);
    }
  });

  it('ignores a cache that is corrupt, cut short, or written by other code, says why, and never fails the scan', async () => {
    const root = makeTree({ 'app/orders.py': ORDERS });
    try {
      await scanWorkspace({ roots: [root], cache: true });
      const file = join(defaultCacheDir(root), 'facts-v4.cache');
      const good = readFileSync(file);
      const [magic, header] = good.toString('latin1').split('\n', 2);
      const body = good.subarray(magic.length + header.length + 2);
      const withHeader = (h: object) => Buffer.concat([Buffer.from(`${magic}\n${JSON.stringify(h)}\n`), body]);
      const cases: Array<[string, Buffer, RegExp]> = [
        ['another build', withHeader({ ...JSON.parse(header), key: 'another build' }), /written by another version of FK Guard/],
        // Facts changed after signing do not match the digest the signed index holds; an index changed does not
        // authenticate.
        ['changed facts', Buffer.from(good.toString('latin1').replace('"orders"', '"orderz"'), 'latin1'), /has damaged facts \(app\/orders\.py/],
        ['a changed index', Buffer.from(good.toString('latin1').replace('"app/orders.py"', '"app/orderz.py"'), 'latin1'), /does not match its signature/],
        ['cut short', good.subarray(0, Math.floor(good.length * 0.6)), /is cut short/],
        ['cut in its header', good.subarray(0, magic.length + 10), /damaged or cut short/],
        ['a wrong index length', withHeader({ ...JSON.parse(header), indexBytes: body.length + 1 }), /does not match its signature|damaged/],
        ['not a cache at all', Buffer.from('{ not json'), /damaged or cut short/],
      ];
      for (const [what, bytes, why] of cases) {
        writeFileSync(file, bytes);
        const scan = await scanWorkspace({ roots: [root], cache: true });
        assert.equal(scan.cachedFiles, 0, what);
        assert.match(scan.cacheProblem ?? '', why, what);
        assert.ok(scan.cacheProblem!.includes(file), `${what}: the message names the file`);
        assert.equal(describeFindings(scan).length, 1, what);
        // The scan wrote a good cache in its place: the next one uses it and has nothing to say.
        const next = await scanWorkspace({ roots: [root], cache: true });
        assert.equal(next.cachedFiles, 1, what);
        assert.equal(next.cacheProblem, undefined, what);
      }
    } finally {
      removeTree(root);
    }
  });

  it('answers a scan of the same facts with the conclusions stored by the last one, and only then', async () => {
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS, 'app/util.py': 'x = 1\n' });
    const conclude = async () => {
      const scan = await scanWorkspace({ roots: [root], cache: true, oneShot: true, reuseConclusions: true });
      const c = scan.conclusions();
      return { scan, findings: c.findings.map((f) => `${f.file}:${f.range.start.line} ${f.rule} ${f.message}`), stats: c.stats };
    };
    try {
      const first = await conclude();
      assert.equal(first.findings.length, 1);
      assert.ok(first.scan.engine.parsedFiles().length > 0, 'the first scan fills its engine');
      const second = await conclude();
      assert.deepEqual(second.findings, first.findings);
      assert.deepEqual(second.stats, first.stats);
      assert.deepEqual(second.scan.engine.parsedFiles(), [], 'stored conclusions: no facts loaded, no index built');
      // An edit that leaves every file's facts as they were keeps the conclusions.
      writeFileSync(join(root, 'app', 'util.py'), 'x = 2\n\n');
      const third = await conclude();
      assert.deepEqual(third.findings, first.findings);
      assert.deepEqual(third.scan.engine.parsedFiles(), []);
      // One that changes a file's facts does not: the table is renamed, and the finding goes.
      writeFileSync(join(root, 'app', 'users.py'), USERS.replace('"users"', '"user"'));
      const fourth = await conclude();
      assert.deepEqual(fourth.findings, []);
      assert.ok(fourth.scan.engine.parsedFiles().length > 0);
      // A file that goes away changes them too (stats count the files).
      rmSync(join(root, 'app', 'util.py'));
      const fifth = await conclude();
      assert.equal(fifth.stats.files, fourth.stats.files - 1);
      // Another configuration, other conclusions.
      const strict = await scanWorkspace({ roots: [root], cache: true, oneShot: true, reuseConclusions: true, config: { ...DEFAULT_CONFIG, exclude: ['app/users.py'] } });
      assert.equal(strict.conclusions().findings.length, 1);
    } finally {
      removeTree(root);
    }
  });

  it("hands a start-up the last index's conclusions after files changed, saying whose findings still hold", async () => {
    const TAGS = 'from sqlalchemy import Column, ForeignKey, Integer\nfrom app.db import Base\n\nclass Tag(Base):\n    __tablename__ = "tags"\n    id = Column(Integer, primary_key=True)\n    order_id = Column(Integer, ForeignKey("orders.idx"))\n';
    const db = 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n';
    const root = makeTree({ 'app/db.py': db, 'app/users.py': USERS, 'app/orders.py': ORDERS, 'app/tags.py': TAGS });
    try {
      // The CLI's conclusions carry no dependencies: a start-up after a change cannot judge them.
      const cli = await scanWorkspace({ roots: [root], cache: true, oneShot: true });
      cli.conclusions();
      writeFileSync(join(root, 'app', 'users.py'), `${USERS}    email = Column(Integer)\n`);
      const handed: Array<{ findings: string[]; holds?: (file: string) => boolean }> = [];
      const onStoredConclusions = (c: { findings: Array<{ file: string; rule: string }> }, _files: unknown, holds?: (file: string) => boolean) => {
        handed.push({ findings: c.findings.map((f) => `${f.file} ${f.rule}`), holds });
      };
      const server = await scanWorkspace({ roots: [root], cache: true, bulk: true, onStoredConclusions });
      assert.equal(handed.length, 0);
      server.conclusions();
      server.engine.dispose();
      writeFileSync(join(root, 'app', 'users.py'), `${USERS}    name = Column(Integer)\n`);
      const next = await scanWorkspace({ roots: [root], cache: true, bulk: true, onStoredConclusions });
      next.engine.dispose();
      assert.equal(handed.length, 1);
      const [{ findings, holds }] = handed;
      assert.ok(holds, 'handed over as if nothing changed');
      assert.deepEqual(findings, ['app/orders.py unknown-table', 'app/tags.py unknown-column']);
      // tags.py names only `orders`; orders.py has an unknown table (its "did you mean" ranks users too).
      assert.equal(holds('app/tags.py'), true);
      assert.equal(holds('app/orders.py'), false);
      assert.equal(holds('app/users.py'), false);
    } finally {
      removeTree(root);
    }
  });

  it('reads the facts of the cache file it opened, even when another scan replaced the file since', async () => {
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS });
    try {
      await scanWorkspace({ roots: [root], cache: true });
      const cache = FactsCache.open(defaultCacheDir(root), scannerOn() ? codeKey() : `${codeKey()}+tree-sitter`);
      // Another scan (the CLI, another window) writes the cache anew: other facts, at other places in the file.
      writeFileSync(join(root, 'app', 'users.py'), `# Accounts.\n${USERS.replace('"users"', '"accounts"')}`);
      await scanWorkspace({ roots: [root], cache: true });
      const users = cache.factsOf('app/users.py');
      assert.deepEqual(users?.classes.map((c) => (c.tablename?.kind === 'literal' ? c.tablename.value : undefined)), ['users']);
      assert.ok(cache.factsOf('app/orders.py'));
      assert.equal(cache.problem, undefined);
    } finally {
      removeTree(root);
    }
  });

  it('never takes conclusions that are not signed on this machine', async () => {
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS });
    try {
      await scanWorkspace({ roots: [root], cache: true, oneShot: true, reuseConclusions: true }).then((s) => s.conclusions());
      const file = join(defaultCacheDir(root), 'conclusions-v1.cache');
      const forged = readFileSync(file, 'latin1').replace(/"findings":\[.*?\],"unchecked"/, '"findings":[],"unchecked"');
      assert.notEqual(forged, readFileSync(file, 'latin1'));
      writeFileSync(file, forged, 'latin1');
      const scan = await scanWorkspace({ roots: [root], cache: true, oneShot: true, reuseConclusions: true });
      assert.equal(scan.conclusions().findings.length, 1);
      assert.ok(scan.engine.parsedFiles().length > 0, 'the forged conclusions were not used');
    } finally {
      removeTree(root);
    }
  });

  it('takes a file whose stamp has not changed from the cache without reading it, and any changed file from disk', async () => {
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS, 'app/util.py': 'x = 1\n' });
    const reads: string[] = [];
    // Files made a moment ago are too new for their stamps to be trusted (see STAMP_MARGIN_MS): this file
    // system shows every file as changed a minute earlier than it was, as if the test had waited.
    const aged: WalkFs = {
      ...realFs,
      stat: (file) => {
        const st = statSync(file);
        st.mtimeMs -= 60_000;
        st.ctimeMs -= 60_000;
        return st;
      },
      readFile: (file) => {
        if (file.endsWith('.py')) reads.push(relative(root, file));
        return readFileSync(file);
      },
    };
    const scan = async (fs: WalkFs = aged, retainText = false) => {
      reads.length = 0;
      return scanWorkspace({ roots: [root], cache: true, fs, retainText });
    };
    try {
      const first = await scan();
      assert.equal(reads.length, 3);
      const second = await scan();
      assert.deepEqual(reads, [], 'nothing read');
      assert.equal(second.cachedFiles, 3);
      assert.deepEqual(describeFindings(second), describeFindings(first));
      // Text wanted (a report showing fixes): the files that define something are read, the others not.
      const withText = await scan(aged, true);
      assert.deepEqual(reads.sort(), ['app/orders.py', 'app/users.py']);
      assert.ok(withText.files.find((f) => f.id === 'app/orders.py')?.text);
      // A changed file gets another stamp, and is read; so is one written with the same size and its old
      // modification time put back (its status-change time still moves).
      const users = join(root, 'app', 'users.py');
      const before = statSync(users);
      writeFileSync(users, USERS.replace('"users"', '"userz"'));
      utimesSync(users, before.atime, before.mtime);
      assert.equal(statSync(users).size, before.size);
      const third = await scan();
      assert.deepEqual(reads, ['app/users.py']);
      assert.deepEqual(describeFindings(third).map((f) => f.split(' ')[1]), ['unknown-table']);
      assert.match(describeFindings(third)[0], /userz/);
      // Files changed within the last seconds are read every time (their stamps are not kept).
      await scan(realFs);
      reads.length = 0;
      const fresh = await scanWorkspace({ roots: [root], cache: true, fs: { ...aged, stat: (f) => statSync(f) } });
      assert.deepEqual(reads.sort(), ['app/orders.py', 'app/users.py', 'app/util.py']);
      assert.equal(fresh.cachedFiles, 3, 'read, and found in the cache by content');
    } finally {
      removeTree(root);
    }
  });

  it('keeps what the walk found with the cache, signed, and a later scan takes unchanged folders from it', async () => {
    const root = makeTree({ 'app/users.py': USERS, 'app/orders.py': ORDERS, 'lib/util.py': 'x = 1\n', '.gitignore': 'gen/\n', 'gen/m.py': ORDERS });
    const listed: string[] = [];
    // As above, every time a minute earlier than it was, so the folders' stamps are trusted; folders listed counted.
    const aged: WalkFs = {
      ...realFs,
      stat: (file) => {
        const st = statSync(file);
        st.mtimeMs -= 60_000;
        st.ctimeMs -= 60_000;
        return st;
      },
      readdir: (dir) => {
        listed.push(relative(root, dir) || '.');
        return realFs.readdir(dir);
      },
    };
    const scan = async (cacheMode?: 'fresh') => {
      listed.length = 0;
      const r = await scanWorkspace({ roots: [root], cache: true, fs: aged, ...(cacheMode ? { cacheMode } : {}) });
      return { ids: r.files.map((f) => f.id), findings: describeFindings(r) };
    };
    const walkFile = join(defaultCacheDir(root), 'walk-v1.cache');
    try {
      const first = await scan();
      assert.deepEqual(listed.sort(), ['.', 'app', 'lib']);
      assert.ok(existsSync(walkFile));
      const second = await scan();
      assert.deepEqual(listed, [], 'no folder listed');
      assert.deepEqual(second, first);
      // A new file in one folder: that folder is listed, and the file scanned.
      writeFileSync(join(root, 'lib', 'more.py'), USERS.replace('"users"', '"user"'));
      const third = await scan();
      assert.deepEqual(listed, ['lib']);
      assert.deepEqual(third.ids, ['app/orders.py', 'app/users.py', 'lib/more.py', 'lib/util.py']);
      assert.deepEqual(third.findings, []);
      // A walk file changed by hand (one folder's entries) does not authenticate: every folder is listed again.
      const bytes = readFileSync(walkFile);
      writeFileSync(walkFile, Buffer.from(bytes.toString('latin1').replace('"more.py"', '"mora.py"'), 'latin1'));
      assert.notDeepEqual(readFileSync(walkFile), bytes);
      assert.deepEqual(await scan(), third);
      assert.deepEqual(listed.sort(), ['.', 'app', 'lib']);
      // `--fix` lists every folder, whatever the memory holds.
      assert.deepEqual(await scan(), third);
      assert.deepEqual(listed, []);
      assert.deepEqual(await scan('fresh'), third);
      assert.deepEqual(listed.sort(), ['.', 'app', 'lib']);
    } finally {
      removeTree(root);
    }
  });

  it("removes the temporary files of writers that stopped before their rename, never a running one's", async () => {
    const root = makeTree({ 'app/users.py': USERS });
    try {
      await scanWorkspace({ roots: [root], cache: true });
      const dir = defaultCacheDir(root);
      // A process that has exited: what a server cut off while its session scan wrote would leave.
      const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
      const stale = [`.facts-v4.cache.${gone}.0123abcd.tmp`, `.walk-v1.cache.${gone}.89abcdef.tmp`];
      const running = `.facts-v4.cache.${process.ppid}.00ff00ff.tmp`;
      for (const name of [...stale, running]) writeFileSync(join(dir, name), 'half a cache');
      writeFileSync(join(root, 'app', 'orders.py'), ORDERS);
      await scanWorkspace({ roots: [root], cache: true });
      for (const name of stale) assert.ok(!existsSync(join(dir, name)), name);
      assert.ok(existsSync(join(dir, running)));
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
