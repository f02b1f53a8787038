import * as assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { commonBase, isWalkedPath, readSourceFile, realFs, walkWorkspace, WalkFs } from '../../server/src/host/workspace';
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

  it('skips an unreadable file (through a file system that refuses it; root ignores chmod)', async () => {
    const refusing: WalkFs = { ...realFs, readFile: () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' })) };
    assert.deepEqual(await readSourceFile(join(root, 'ok.py'), 1e6, refusing), { skipped: 'not read: permission denied' });
  });
});
