// Issue 11, item 15 (and what held): `--fix` changes the characters it means to change and nothing else about a
// file — line endings, owner, links, read-only bits — and loses nobody else's write.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, promises as fsp, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Finding, TextEdit } from '../../server/src/core/types';
import { FileToFix, planFixes, writeFixes } from '../../server/src/host/applyFixes';
import { binPath } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';

const TEXT = 'import os\r\nfk = "user.id"\r\n';

function plan(edits: TextEdit[]) {
  const finding: Finding = {
    rule: 'unknown-table',
    severity: 'error',
    message: 'm',
    file: 'm.py',
    range: edits[0].range,
    related: [],
    fixes: [{ title: 't', isPreferred: true, edits }],
  };
  return planFixes([finding]);
}
const replace = (line: number, from: number, to: number, newText: string): TextEdit => ({
  file: 'm.py',
  range: { start: { line, character: from }, end: { line, character: to } },
  newText,
});
const FIX = [replace(1, 6, 13, 'users.id'), replace(1, 0, 0, 'import uuid\n')];

describe('reliability: --fix keeps files as they were', () => {
  let root = '';
  let file = '';
  beforeEach(() => {
    root = makeTree({ 'm.py': TEXT });
    file = join(root, 'm.py');
  });
  afterEach(() => removeTree(root));
  const target = (text = TEXT): FileToFix => ({ absPath: file, text, bom: false });

  it("writes an added line with the file's own line ending (CRLF)", async () => {
    const r = await writeFixes(plan(FIX), () => target());
    assert.equal(r.written.length, 1, JSON.stringify(r));
    assert.equal(readFileSync(file, 'utf8'), 'import os\r\nimport uuid\r\nfk = "users.id"\r\n');
  });

  it('keeps the owner and group of a file it rewrites', async function () {
    if (process.getuid?.() !== 0) this.skip();
    chownSync(file, 65534, 65534);
    await writeFixes(plan(FIX), () => target());
    const st = statSync(file);
    assert.deepEqual([st.uid, st.gid], [65534, 65534]);
  });

  it('skips a read-only file and says so', async () => {
    chmodSync(file, 0o444);
    const r = await writeFixes(plan(FIX), () => target());
    assert.deepEqual(r.written, []);
    assert.match(r.failed[0]?.reason ?? '', /read-only/);
    assert.equal(readFileSync(file, 'utf8'), TEXT);
  });

  it('writes a hard-linked file in place, so every name sees the fix', async () => {
    linkSync(file, join(root, 'other.py'));
    await writeFixes(plan(FIX), () => target());
    assert.equal(readFileSync(join(root, 'other.py'), 'utf8'), readFileSync(file, 'utf8'));
    assert.equal(statSync(file).nlink, 2);
  });

  it('in place, compares the file once more right before writing, and leaves no copy behind', async () => {
    linkSync(file, join(root, 'other.py'));
    const r = await writeFixes(plan(FIX), () => target(), {
      beforeReplace: () => writeFileSync(file, TEXT + '# saved by the editor\r\n'),
    });
    assert.deepEqual(r.written, []);
    assert.match(r.failed[0]?.reason ?? '', /changed/);
    assert.equal(readFileSync(join(root, 'other.py'), 'utf8'), TEXT + '# saved by the editor\r\n');
    assert.deepEqual(readdirSync(root).sort(), ['m.py', 'other.py']);
    const ok = await writeFixes(plan(FIX), () => target(TEXT + '# saved by the editor\r\n'));
    assert.equal(ok.written.length, 1, JSON.stringify(ok));
    assert.deepEqual(readdirSync(root).sort(), ['m.py', 'other.py'], 'the copy of the original goes once the write succeeded');
  });

  /** Runs `body` with every write through a file handle opened on `name` failing after `half` of its bytes. */
  async function withFailingWrites(name: string, failures: number, body: () => Promise<void>): Promise<void> {
    const open = fsp.open;
    let left = failures;
    fsp.open = (async (path: Parameters<typeof open>[0], ...rest: unknown[]) => {
      const handle = await (open as (...a: unknown[]) => ReturnType<typeof open>)(path, ...rest);
      if (!String(path).endsWith(name)) return handle;
      const write = handle.write.bind(handle) as (b: Buffer, o: number, l: number, p: number) => Promise<{ bytesWritten: number }>;
      (handle as unknown as { write: typeof write }).write = async (b, o, l, p) => {
        if (left <= 0) return write(b, o, l, p);
        left--;
        await write(b, o, Math.floor(l / 2), p);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      return handle;
    }) as typeof open;
    try {
      await body();
    } finally {
      fsp.open = open;
    }
  }

  it('in place, puts the original text back when the disk fills up halfway', async () => {
    linkSync(file, join(root, 'other.py'));
    await withFailingWrites('m.py', 1, async () => {
      const r = await writeFixes(plan(FIX), () => target());
      assert.deepEqual(r.written, []);
      assert.match(r.failed[0]?.reason ?? '', /ENOSPC/);
    });
    assert.equal(readFileSync(file, 'utf8'), TEXT);
    assert.equal(readFileSync(join(root, 'other.py'), 'utf8'), TEXT);
    assert.deepEqual(readdirSync(root).sort(), ['m.py', 'other.py']);
  });

  it('in place, keeps a copy of the original and names it when even putting it back fails', async () => {
    linkSync(file, join(root, 'other.py'));
    await withFailingWrites('m.py', 2, async () => {
      const r = await writeFixes(plan(FIX), () => target());
      assert.deepEqual(r.written, []);
      const backup = readdirSync(root).find((n) => n.endsWith('.bak'));
      assert.ok(backup && /^\.m\.py\.fkguard-\d+-[0-9a-f]{8}\.bak$/.test(backup), readdirSync(root).join(', '));
      assert.match(r.failed[0]?.reason ?? '', new RegExp(`original text is in .*${backup!.replace(/\./g, '\\.')}`));
      assert.equal(readFileSync(join(root, backup!), 'utf8'), TEXT);
    });
    // A later run does not take the copy for a stale temporary file, even once its run is long gone.
    const backup = readdirSync(root).find((n) => n.endsWith('.bak'))!;
    const orphan = '.m.py.fkguard-99999999-0a1b2c3d.bak';
    await fsp.rename(join(root, backup), join(root, orphan));
    await writeFixes(plan(FIX), () => target(readFileSync(file, 'utf8')));
    assert.equal(readFileSync(join(root, orphan), 'utf8'), TEXT);
  });

  // What held: a full disk (or no inode left) while the fixed text is staged leaves the original as it was.
  it('leaves the file and no temporary file behind when the disk is full while staging the fix', async () => {
    const writeFile = fsp.writeFile;
    fsp.writeFile = (async (path: Parameters<typeof writeFile>[0], ...rest: unknown[]) => {
      if (/\.fkguard-\d+-[0-9a-f]{8}\.tmp$/.test(String(path))) {
        await (writeFile as (...a: unknown[]) => Promise<void>)(path, 'half');
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return (writeFile as (...a: unknown[]) => Promise<void>)(path, ...rest);
    }) as typeof writeFile;
    try {
      const r = await writeFixes(plan(FIX), () => target());
      assert.deepEqual(r.written, []);
      assert.match(r.failed[0]?.reason ?? '', /ENOSPC/);
    } finally {
      fsp.writeFile = writeFile;
    }
    assert.equal(readFileSync(file, 'utf8'), TEXT);
    assert.deepEqual(readdirSync(root), ['m.py']);
  });

  it('removes stale temporary files of its own naming, and only those', async () => {
    // A pid that cannot be alive (above the kernel's maximum) left these behind.
    writeFileSync(join(root, '.m.py.fkguard-99999999-0a1b2c3d.tmp'), 'half');
    writeFileSync(join(root, '.other.py.fkguard-99999999-00000000.tmp'), 'half');
    writeFileSync(join(root, '.m.py.mine.tmp'), 'not ours');
    await writeFixes(plan(FIX), () => target());
    assert.deepEqual(readdirSync(root).sort(), ['.m.py.mine.tmp', 'm.py']);
  });

  it('does not lose a write made by another program while the fix is being written', async () => {
    // The hook runs after the fixed text is staged and before it replaces the file: the last moment another
    // program's write can land.
    const r = await writeFixes(plan(FIX), () => target(), {
      beforeReplace: () => writeFileSync(file, TEXT + '# saved by the editor\r\n'),
    });
    assert.deepEqual(r.written, []);
    assert.match(r.failed[0]?.reason ?? '', /changed/);
    assert.equal(readFileSync(file, 'utf8'), TEXT + '# saved by the editor\r\n');
    assert.deepEqual(readdirSync(root), ['m.py']);
  });

  it('never writes outside the folders it was given', async () => {
    const r = await writeFixes(plan(FIX), () => target(), { within: [join(root, 'sub')] });
    assert.deepEqual(r.written, []);
    assert.match(r.failed[0]?.reason ?? '', /outside/);
  });

  // What held: concurrent --fix runs end byte-identical to one run.
  it('gives the same bytes when three --fix runs race on one workspace', async () => {
    const ws = makeTree({
      'app/users.py': 'from sqlalchemy import Column, Integer\nfrom app.db import Base\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n',
      'app/orders.py': 'from sqlalchemy import Column, ForeignKey, Integer\nfrom app.db import Base\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey("user.id"))\n',
    });
    try {
      const { spawn } = await import('node:child_process');
      const runs = [0, 1, 2].map(
        () =>
          new Promise<number | null>((resolve) => {
            const p = spawn(process.execPath, [binPath, 'scan', '--fix', '--no-cache', '-q', ws], { stdio: 'ignore' });
            p.on('exit', resolve);
          }),
      );
      await Promise.all(runs);
      assert.match(readFileSync(join(ws, 'app', 'orders.py'), 'utf8'), /ForeignKey\("users\.id"\)\)\n$/);
      assert.deepEqual(readdirSync(join(ws, 'app')).sort(), ['orders.py', 'users.py']);
      const again = spawnSync(process.execPath, [binPath, 'scan', '--no-cache', ws], { encoding: 'utf8' });
      assert.equal(again.status, 0, again.stdout + again.stderr);
    } finally {
      removeTree(ws);
    }
  });
});
