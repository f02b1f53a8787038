import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, Stats, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commonBase, FolderRecord, isWalkedPath, readSourceFile, realFs, walkWorkspace, WalkFs, WalkMemory } from '../../server/src/host/workspace';
import { makeTree, removeTree } from './tmp';

const MODEL = 'from sqlalchemy import ForeignKey\n';

/** What a read gave the engine: its text and whether a byte-order mark was stripped (the bytes aside). */
const textOf = (r: Awaited<ReturnType<typeof readSourceFile>>) => ('text' in r ? { text: r.text, bom: r.bom } : r);

async function ids(root: string, extra: Partial<Parameters<typeof walkWorkspace>[0]> = {}) {
  const r = await walkWorkspace({ roots: [root], ...extra });
  return { ids: r.files.map((f) => f.id), skipped: r.skipped, cancelled: r.cancelled };
}

describe('walkWorkspace', () => {
  const roots: string[] = [];
  const tree = (files: Record<string, string | Buffer>) => {
    const r = makeTree(files);
    roots.push(r);
    return r;
  };
  after(() => roots.forEach(removeTree));

  it('lists .py and .pyi files by root-relative POSIX id, sorted, and nothing else', async () => {
    const root = tree({ 'b.py': MODEL, 'a/models.py': MODEL, 'a/stubs.pyi': MODEL, 'README.md': '', 'a/x.pyc': '' });
    assert.deepEqual((await ids(root)).ids, ['a/models.py', 'a/stubs.pyi', 'b.py']);
  });

  it('takes the extension set as a parameter', async () => {
    const root = tree({ 'schema.sql': '', 'models.py': MODEL, 'schema.prisma': '' });
    assert.deepEqual((await ids(root, { extensions: ['.sql', '.prisma'] })).ids, ['schema.prisma', 'schema.sql']);
  });

  it('skips dependencies, virtual environments, caches and build output', async () => {
    const skipped = [
      'node_modules/pkg/m.py', '.git/hooks/m.py', '__pycache__/m.py', '.venv/lib/m.py', 'venv/m.py', 'env/m.py',
      'lib/python3.12/site-packages/sqlalchemy/m.py', 'build/lib/m.py', 'dist/m.py', '.tox/py312/m.py',
      '.mypy_cache/m.py', '.pytest_cache/m.py', '.ruff_cache/m.py', 'app.egg-info/m.py',
      // A virtual environment with a name of its own is known by its pyvenv.cfg.
      'myenv/pyvenv.cfg', 'myenv/lib/m.py',
    ];
    const root = tree(Object.fromEntries([...skipped, 'app/models.py'].map((p) => [p, MODEL])));
    assert.deepEqual((await ids(root)).ids, ['app/models.py']);
  });

  it('walks a skipped folder when it is the root the user named', async () => {
    const root = tree({ 'build/models.py': MODEL });
    assert.deepEqual((await ids(join(root, 'build'))).ids, ['models.py']);
  });

  it('honours the root .gitignore and nested ones, including a nested re-include', async () => {
    const root = tree({
      '.gitignore': 'generated/\n*_pb2.py\n',
      'generated/models.py': MODEL,
      'app/models.py': MODEL,
      'app/thing_pb2.py': MODEL,
      'app/.gitignore': 'legacy.py\n!keep_pb2.py\n',
      'app/legacy.py': MODEL,
      'app/keep_pb2.py': MODEL,
      'other/legacy.py': MODEL,
    });
    assert.deepEqual((await ids(root)).ids, ['app/keep_pb2.py', 'app/models.py', 'other/legacy.py']);
    assert.equal((await ids(root, { gitignore: false })).ids.length, 6);
  });

  it('applies .gitignore files above the root up to the repository top', async () => {
    const root = tree({ '.gitignore': 'generated/\n', 'svc/app/generated/m.py': MODEL, 'svc/app/models.py': MODEL });
    mkdirSync(join(root, '.git'));
    assert.deepEqual((await ids(join(root, 'svc', 'app'))).ids, ['models.py']);
  });

  it('stops at a root that is a repository of its own, as git does', async () => {
    const root = tree({ '.gitignore': 'vendored/\n', 'vendored/lib/models.py': MODEL });
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'vendored', 'lib', '.git'));
    assert.deepEqual((await ids(join(root, 'vendored', 'lib'))).ids, ['models.py']);
  });

  it('ignores .gitignore files above the root outside a repository', async () => {
    const root = tree({ '.gitignore': 'generated/\n', 'app/generated/m.py': MODEL });
    assert.deepEqual((await ids(join(root, 'app'))).ids, ['generated/m.py']);
  });

  it('applies include and exclude globs relative to the root', async () => {
    const root = tree({ 'app/models.py': MODEL, 'app/tests/test_m.py': MODEL, 'migrations/v1.py': MODEL, 'scripts/x.py': MODEL });
    assert.deepEqual((await ids(root, { exclude: ['migrations/**', 'tests'] })).ids, ['app/models.py', 'scripts/x.py']);
    assert.deepEqual((await ids(root, { include: ['app/**'] })).ids, ['app/models.py', 'app/tests/test_m.py']);
    assert.deepEqual((await ids(root, { include: ['test_*.py', './scripts/*.py'] })).ids, ['app/tests/test_m.py', 'scripts/x.py']);
  });

  it('lists a file named exactly like a name ending (tsconfig.base.json, config.json), never a bare `.py`', async () => {
    const root = tree({ 'tsconfig.base.json': '{}', 'config/config.json': '{}', 'app/.py': MODEL, 'app/m.py': MODEL, 'x.base.json': '{}' });
    const extensions = ['.py', 'tsconfig.base.json', 'config.json'];
    assert.deepEqual((await ids(root, { extensions })).ids, ['app/m.py', 'config/config.json', 'tsconfig.base.json']);
    assert.equal(isWalkedPath('tsconfig.base.json', { extensions }), true);
    assert.equal(isWalkedPath('app/.py', { extensions }), false);
  });

  it('answers for a single path the way the walk would (files that appear later)', () => {
    const opts = { exclude: ['migrations/**', 'tests'], include: [] };
    assert.equal(isWalkedPath('app/models.py', opts), true);
    assert.equal(isWalkedPath('app/tests/test_m.py', opts), false);
    assert.equal(isWalkedPath('migrations/v1.py', opts), false);
    assert.equal(isWalkedPath('.venv/lib/m.py', opts), false);
    assert.equal(isWalkedPath('app/README.md', opts), false);
  });

  it('does not hang on a symlink loop, reports it, and lists each file once', async () => {
    const root = tree({ 'pkg/models.py': MODEL });
    symlinkSync('..', join(root, 'pkg', 'up'));
    symlinkSync('.', join(root, 'pkg', 'self'));
    symlinkSync(join(root, 'pkg'), join(root, 'zlink'));
    symlinkSync('models.py', join(root, 'pkg', 'same.py'));
    const r = await ids(root);
    assert.deepEqual(r.ids, ['pkg/models.py']);
    const reasons = r.skipped.map((s) => `${s.file}: ${s.reason}`).join('\n');
    assert.match(reasons, /^pkg\/up: symlink loop/m);
    assert.match(reasons, /^pkg\/self: symlink loop/m);
    assert.match(reasons, /^zlink: symlink to a folder already scanned/m);
  });

  it('reports a broken symlink and goes on', async () => {
    const root = tree({ 'models.py': MODEL });
    symlinkSync('missing.py', join(root, 'gone.py'));
    const r = await ids(root);
    assert.deepEqual(r.ids, ['models.py']);
    assert.deepEqual(r.skipped.map((s) => s.file), ['gone.py']);
  });

  it('reports an unreadable folder and goes on (through a file system that refuses it; root ignores chmod)', async () => {
    const root = tree({ 'secret/models.py': MODEL, 'open/models.py': MODEL });
    const refusing: WalkFs = {
      ...realFs,
      readdir: (dir) =>
        dir.endsWith('secret') ? Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) : realFs.readdir(dir),
    };
    const r = await walkWorkspace({ roots: [root], fs: refusing });
    assert.deepEqual(r.files.map((f) => f.id), ['open/models.py']);
    assert.deepEqual(r.skipped, [{ file: 'secret', reason: 'folder not read: permission denied' }]);
  });

  it('reports a root that does not exist', async () => {
    const root = tree({ 'models.py': MODEL });
    const r = await walkWorkspace({ roots: [join(root, 'nope')], base: root });
    assert.deepEqual(r.files, []);
    assert.deepEqual(r.skipped, [{ file: 'nope', reason: 'does not exist' }]);
  });

  it('with several roots, gives ids relative to their common folder', async () => {
    const root = tree({ 'svc/a/models.py': MODEL, 'svc/b/models.py': MODEL, 'svc/c/models.py': MODEL });
    const r = await walkWorkspace({ roots: [join(root, 'svc', 'a'), join(root, 'svc', 'b')] });
    assert.deepEqual(r.files.map((f) => f.id), ['a/models.py', 'b/models.py']);
    assert.equal(commonBase([join(root, 'svc', 'a'), join(root, 'svc', 'b', 'models.py')], (p) => p.endsWith('.py')), join(root, 'svc'));
  });

  it('stops when cancelled and says so', async () => {
    const root = tree({ 'a/m.py': MODEL, 'b/m.py': MODEL });
    const r = await walkWorkspace({ roots: [root], token: { isCancellationRequested: true } });
    assert.equal(r.cancelled, true);
    assert.deepEqual(r.files, []);
  });

  it('reports progress', async () => {
    const root = tree({ 'a/m.py': MODEL, 'b/m.py': MODEL });
    const seen: number[] = [];
    await walkWorkspace({ roots: [root], onProgress: (p) => seen.push(p.files) });
    assert.equal(seen.at(-1), 2);
  });
});

describe('the walk memory', () => {
  const roots: string[] = [];
  const tree = (files: Record<string, string | Buffer>) => {
    const r = makeTree(files);
    roots.push(r);
    return r;
  };
  after(() => roots.forEach(removeTree));

  /** A memory in this process, as the facts cache keeps one on disk. */
  const memory = () => {
    let stored: { key: string; folders: ReadonlyMap<string, FolderRecord> } | undefined;
    const m: WalkMemory & { size(): number } = {
      recall: (key) => (stored?.key === key ? stored.folders : undefined),
      keep: (key, folders) => {
        stored = { key, folders };
      },
      size: () => stored?.folders.size ?? 0,
    };
    return m;
  };

  /**
   * The real file system, but every time an hour older and the folders listed counted: folders just made by a test
   * are then old enough for their stamps to be trusted (see `trustedStamp`), as a workspace's folders are. A change
   * still gives a folder another time, an hour before the real one.
   */
  const aged = () => {
    const listed: string[] = [];
    const fs: WalkFs = {
      ...realFs,
      readdir: (dir) => {
        listed.push(dir);
        return realFs.readdir(dir);
      },
      stat: (file) => {
        const st = realFs.stat(file) as Stats;
        return Object.assign(Object.create(Object.getPrototypeOf(st) as object) as Stats, st, { mtimeMs: st.mtimeMs - 3_600_000, ctimeMs: st.ctimeMs - 3_600_000 });
      },
    };
    return { fs, listed };
  };

  /** A walk without memory, and one with it: they must agree, files and what was skipped alike. */
  const both = async (root: string, m: WalkMemory, extra: Partial<Parameters<typeof walkWorkspace>[0]> = {}) => {
    const { fs, listed } = aged();
    const plain = await walkWorkspace({ roots: [root], ...extra });
    const remembered = await walkWorkspace({ roots: [root], fs, memory: m, ...extra });
    assert.deepEqual(remembered, plain);
    return { ids: plain.files.map((f) => f.id), listed: listed.map((d) => d.slice(root.length + 1) || '.').sort() };
  };

  const WS = {
    'app/models.py': MODEL,
    'app/sub/orders.py': MODEL,
    'lib/util.py': MODEL,
    'lib/deep/er/x.py': MODEL,
    'gen/out.py': MODEL,
    '.gitignore': 'gen/\n*.tmp.py\n',
  };

  it('takes unchanged folders without listing them, and lists the same files', async () => {
    const root = tree(WS);
    const m = memory();
    const first = await both(root, m);
    assert.deepEqual(first.ids, ['app/models.py', 'app/sub/orders.py', 'lib/deep/er/x.py', 'lib/util.py']);
    assert.equal(first.listed.length, 6);
    assert.equal(m.size(), 6);
    const second = await both(root, m);
    assert.deepEqual(second.listed, []);
    assert.deepEqual(second.ids, first.ids);
  });

  it('lists again a folder whose entries came, went or were renamed, and only that folder', async () => {
    const root = tree(WS);
    const m = memory();
    await both(root, m);
    writeFileSync(join(root, 'lib/deep/new.py'), MODEL);
    let r = await both(root, m);
    assert.deepEqual(r.listed, ['lib/deep']);
    assert.ok(r.ids.includes('lib/deep/new.py'));
    rmSync(join(root, 'app/sub/orders.py'));
    r = await both(root, m);
    assert.deepEqual(r.listed, ['app/sub']);
    assert.ok(!r.ids.includes('app/sub/orders.py'));
    renameSync(join(root, 'lib/deep'), join(root, 'lib/shallow'));
    r = await both(root, m);
    assert.deepEqual(r.listed, ['lib', 'lib/shallow', 'lib/shallow/er']);
    assert.deepEqual(r.ids, ['app/models.py', 'lib/shallow/er/x.py', 'lib/shallow/new.py', 'lib/util.py']);
    // A file replaced by a folder of the same name, and a virtual environment appearing in a folder.
    rmSync(join(root, 'lib/util.py'));
    mkdirSync(join(root, 'lib/util.py'));
    writeFileSync(join(root, 'lib/util.py/inner.py'), MODEL);
    writeFileSync(join(root, 'app/sub/pyvenv.cfg'), '');
    r = await both(root, m);
    assert.deepEqual(r.ids, ['app/models.py', 'lib/shallow/er/x.py', 'lib/shallow/new.py', 'lib/util.py/inner.py']);
  });

  it('follows a .gitignore edited in place, added or removed, at any depth', async () => {
    const root = tree(WS);
    const m = memory();
    await both(root, m);
    // In place: the folder holding it keeps its time.
    writeFileSync(join(root, '.gitignore'), 'lib/deep/\n');
    let r = await both(root, m);
    assert.deepEqual(r.ids, ['app/models.py', 'app/sub/orders.py', 'gen/out.py', 'lib/util.py']);
    writeFileSync(join(root, 'app/.gitignore'), 'orders.py\n');
    r = await both(root, m);
    assert.deepEqual(r.ids, ['app/models.py', 'gen/out.py', 'lib/util.py']);
    writeFileSync(join(root, 'app/.gitignore'), '!orders.py\n');
    r = await both(root, m);
    assert.deepEqual(r.ids, ['app/models.py', 'app/sub/orders.py', 'gen/out.py', 'lib/util.py']);
    rmSync(join(root, '.gitignore'));
    r = await both(root, m);
    assert.deepEqual(r.ids, ['app/models.py', 'app/sub/orders.py', 'gen/out.py', 'lib/deep/er/x.py', 'lib/util.py']);
  });

  it('follows a .gitignore above the root, and the walk options', async () => {
    const top = tree({ '.git/HEAD': '', '.gitignore': 'secret/\n', 'ws/app/models.py': MODEL, 'ws/secret/m.py': MODEL });
    const root = join(top, 'ws');
    const m = memory();
    assert.deepEqual((await both(root, m)).ids, ['app/models.py']);
    writeFileSync(join(top, '.gitignore'), 'app/\n');
    assert.deepEqual((await both(root, m)).ids, ['secret/m.py']);
    // Other options are another walk: nothing is taken from the memory of this one.
    const r = await both(root, m, { exclude: ['*.pyi'] });
    assert.deepEqual(r.ids, ['secret/m.py']);
    assert.deepEqual(r.listed, ['.', 'secret']);
  });

  it('looks at every symlink again, and keeps no folder changed too recently to trust its stamp', async () => {
    const root = tree({ 'real/m.py': MODEL, 'app/models.py': MODEL, 'other/o.py': MODEL });
    symlinkSync(join(root, 'real'), join(root, 'app', 'linked'));
    symlinkSync(join(root, 'other', 'o.py'), join(root, 'app', 'alias.py'));
    const m = memory();
    await both(root, m);
    let r = await both(root, m);
    assert.deepEqual(r.listed, []);
    // The link comes first in name order, so the file it names is listed through it (once).
    assert.deepEqual(r.ids, ['app/alias.py', 'app/linked/m.py', 'app/models.py']);
    // Where a link leads changes without its folder changing: a new file there, then a file in place of the folder.
    writeFileSync(join(root, 'real/n.py'), MODEL);
    r = await both(root, m);
    assert.deepEqual(r.ids, ['app/alias.py', 'app/linked/m.py', 'app/linked/n.py', 'app/models.py']);
    rmSync(join(root, 'real'), { recursive: true });
    writeFileSync(join(root, 'real'), MODEL);
    r = await both(root, m);
    assert.deepEqual(r.ids, ['app/alias.py', 'app/models.py']);
    // The file a link names goes: the link is reported as broken, as without memory.
    rmSync(join(root, 'other', 'o.py'));
    r = await both(root, m);
    assert.deepEqual(r.ids, ['app/models.py']);
    // With links not followed, the memory of the walk that followed them is not used.
    r = await both(root, m, { followSymlinks: false });
    assert.deepEqual(r.listed, ['.', 'app', 'other']);
    // With the real times, every folder here was just made: none is kept.
    const fresh = memory();
    await walkWorkspace({ roots: [root], memory: fresh });
    assert.equal(fresh.size(), 0);
  });
});

describe('readSourceFile', () => {
  let root: string;
  before(() => {
    root = makeTree({
      'ok.py': 'x = "é"\n',
      'bom.py': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x = 1\n')]),
      'binary.py': Buffer.from([0x78, 0x00, 0x79]),
      'latin1.py': Buffer.from([0x78, 0x3d, 0xe9, 0x0a]),
      'huge.py': 'x' + ' '.repeat(2000),
    });
  });
  after(() => removeTree(root));

  it('reads UTF-8 text', async () => {
    assert.deepEqual(textOf(await readSourceFile(join(root, 'ok.py'), 1e6)), { text: 'x = "é"\n', bom: false });
  });

  it('strips a UTF-8 byte-order mark and says it was there', async () => {
    assert.deepEqual(textOf(await readSourceFile(join(root, 'bom.py'), 1e6)), { text: 'x = 1\n', bom: true });
  });

  it('skips a file over the size limit', async () => {
    const r = await readSourceFile(join(root, 'huge.py'), 1000);
    assert.ok('skipped' in r && /larger than 1000 bytes/.test(r.skipped), JSON.stringify(r));
  });

  it('skips a binary file', async () => {
    assert.deepEqual(await readSourceFile(join(root, 'binary.py'), 1e6), { skipped: 'binary file (contains NUL bytes)' });
  });

  it('skips a file that is not UTF-8', async () => {
    assert.deepEqual(await readSourceFile(join(root, 'latin1.py'), 1e6), { skipped: 'not valid UTF-8' });
  });

  it('skips a folder and a missing file', async () => {
    assert.deepEqual(await readSourceFile(root, 1e6), { skipped: 'not a regular file' });
    const r = await readSourceFile(join(root, 'missing.py'), 1e6);
    assert.ok('skipped' in r && /^not read/.test(r.skipped));
  });

  it('reads an empty file', async () => {
    writeFileSync(join(root, 'empty.py'), '');
    assert.deepEqual(textOf(await readSourceFile(join(root, 'empty.py'), 1e6)), { text: '', bom: false });
  });

  it('skips a named pipe without waiting for a writer', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = join(root, 'pipe.py');
    execFileSync('mkfifo', [fifo]);
    assert.deepEqual(await readSourceFile(fifo, 1e6), { skipped: 'not a regular file' });
  });

  it('skips an unreadable file (through a file system that refuses it; root ignores chmod)', async () => {
    const refusing: WalkFs = { ...realFs, readFile: () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) };
    assert.deepEqual(await readSourceFile(join(root, 'ok.py'), 1e6, refusing), { skipped: 'not read: permission denied' });
  });
});
