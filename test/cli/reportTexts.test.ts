// The texts a text or GitHub report quotes are read again after the scan: only the files a preferred fix edits,
// and only when they still hold the bytes the scan analysed. A file edited in between must never lend its new
// text to a fix made from the old one.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReportTexts } from '../../server/src/cli/reportTexts';
import type { Finding } from '../../server/src/core/types';
import { contentHash } from '../../server/src/host/factsCache';
import type { ScannedFile } from '../../server/src/host/scan';
import { copyWorkspace, removeWorkspace, runCli, show } from './harness';

/** A finding in `file` whose preferred fix edits `edited` (and a second, not preferred, that edits `other`). */
function finding(file: string, edited: string, other?: string): Finding {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
  return {
    rule: 'unknown-table',
    severity: 'error',
    message: 'm',
    file,
    range,
    fixes: [
      { title: 'a', isPreferred: true, edits: [{ file: edited, range, newText: 'x' }] },
      ...(other ? [{ title: 'b', isPreferred: false, edits: [{ file: other, range, newText: 'y' }] }] : []),
    ],
  } as unknown as Finding;
}

describe('report texts read after the scan', () => {
  let dir: string;
  const files: ScannedFile[] = [];
  /** Writes `bytes` to `id` and records it as the scan would have read it. */
  const scanned = (id: string, bytes: string): ScannedFile => {
    const absPath = join(dir, id);
    writeFileSync(absPath, bytes);
    const entry: ScannedFile = { id, absPath, bom: bytes.startsWith('\ufeff'), hash: contentHash(Buffer.from(bytes)) };
    files.push(entry);
    return entry;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fkguard-report-texts-'));
    files.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the files the preferred fixes edit, as the scan decoded them, and no other', async () => {
    scanned('kiln.py', '\ufeffkiln = "pots.id"\n');
    scanned('glaze.py', 'glaze = 1\n');
    scanned('other.py', 'other = 2\n');
    const texts = await readReportTexts(files, [finding('glaze.py', 'kiln.py', 'other.py')], 1 << 20);
    assert.deepEqual(texts.changed, []);
    // The byte-order mark is not part of the text the engine saw, so it is not part of what a fix replaces.
    assert.equal(texts.textOf('kiln.py'), 'kiln = "pots.id"\n');
    assert.equal(texts.textOf('glaze.py'), undefined);
    assert.equal(texts.textOf('other.py'), undefined);
  });

  it('gives no text for a file changed, grown too large or removed since the scan read it, and names it', async () => {
    scanned('kiln.py', 'kiln = "pots.id"\n');
    scanned('glaze.py', 'glaze = "pots.id"\n');
    scanned('shelf.py', 'shelf = "pots.id"\n');
    scanned('same.py', 'same = "pots.id"\n');
    // Same length, other bytes: only the hash tells.
    writeFileSync(join(dir, 'kiln.py'), 'kiln = "post.id"\n');
    unlinkSync(join(dir, 'glaze.py'));
    writeFileSync(join(dir, 'shelf.py'), `shelf = "pots.id"\n${'#'.repeat(100)}\n`);
    const findings = ['kiln.py', 'glaze.py', 'shelf.py', 'same.py'].map((f) => finding(f, f));
    const texts = await readReportTexts(files, findings, 64);
    assert.deepEqual(texts.changed, ['glaze.py', 'kiln.py', 'shelf.py']);
    assert.equal(texts.textOf('kiln.py'), undefined);
    assert.equal(texts.textOf('glaze.py'), undefined);
    assert.equal(texts.textOf('shelf.py'), undefined);
    assert.equal(texts.textOf('same.py'), 'same = "pots.id"\n');
  });

  it('takes a text the scan kept without reading the file, and never trusts a file without a hash', async () => {
    const kept = scanned('kiln.py', 'kiln = "pots.id"\n');
    kept.text = 'kiln = "pots.id"\n';
    const unhashed = scanned('glaze.py', 'glaze = "pots.id"\n');
    unhashed.hash = undefined;
    unlinkSync(join(dir, 'kiln.py'));
    const texts = await readReportTexts(files, [finding('kiln.py', 'kiln.py'), finding('glaze.py', 'glaze.py')], 1 << 20);
    assert.equal(texts.textOf('kiln.py'), 'kiln = "pots.id"\n');
    assert.equal(texts.textOf('glaze.py'), undefined);
    assert.deepEqual(texts.changed, ['glaze.py']);
  });

  it('shows the replacement with and without a cache, in the text and GitHub formats', () => {
    const ws = copyWorkspace('unknown-table');
    try {
      for (const args of [['--no-cache'], [], ['--no-cache', '--format', 'github'], ['--format', 'github']]) {
        const r = runCli(['scan', ...args], ws);
        assert.equal(r.code, 1, show(r));
        assert.match(r.stdout, /fix: replace "user\.id" with "users\.id"/, `${args.join(' ')}\n${show(r)}`);
        assert.equal(r.stderr, '', show(r));
      }
    } finally {
      removeWorkspace(ws);
    }
  });
});
