import * as assert from 'node:assert/strict';
import { chmodSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Finding, TextEdit } from '../../server/src/core/types';
import { planFixes, writeFixes } from '../../server/src/host/applyFixes';
import { makeTree, removeTree } from './tmp';

const edit = (line: number, from: number, to: number, newText: string, file = 'm.py'): TextEdit => ({
  file,
  range: { start: { line, character: from }, end: { line, character: to } },
  newText,
});

const finding = (edits: TextEdit[], isPreferred = true): Finding => ({
  rule: 'unknown-table',
  severity: 'error',
  message: 'm',
  file: 'm.py',
  range: edits[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  related: [],
  fixes: [{ title: 't', isPreferred, edits }],
});

describe('planFixes', () => {
  it('takes preferred fixes whole and drops one that overlaps a fix already taken', () => {
    const a = finding([edit(1, 4, 10, 'users.id')]);
    const b = finding([edit(1, 8, 12, 'x'), edit(5, 0, 0, 'import y\n')]);
    const c = finding([edit(2, 0, 3, 'z')]);
    const plan = planFixes([a, b, c]);
    assert.deepEqual(plan.chosen.map((x) => x.finding), [a, c]);
    assert.deepEqual(plan.conflicts.map((x) => x.finding), [b]);
    assert.deepEqual(plan.edits.get('m.py'), [edit(1, 4, 10, 'users.id'), edit(2, 0, 3, 'z')]);
  });

  it('shares an identical edit proposed by two fixes, and refuses two insertions at one point', () => {
    const imp = edit(0, 0, 0, 'import uuid\n');
    const plan = planFixes([finding([edit(3, 0, 7, 'UUID'), imp]), finding([edit(4, 0, 7, 'UUID'), imp]), finding([edit(0, 0, 0, 'import os\n')])]);
    assert.equal(plan.chosen.length, 2);
    assert.equal(plan.conflicts.length, 1);
    assert.equal(plan.edits.get('m.py')?.length, 3);
  });

  it('ignores fixes that are not preferred', () => {
    assert.equal(planFixes([finding([edit(0, 0, 1, 'x')], false)]).edits.size, 0);
  });
});

describe('writeFixes', () => {
  let root: string;
  beforeEach(() => {
    root = makeTree({ 'm.py': 'fk = "user.id"\n' });
  });
  afterEach(() => removeTree(root));

  const plan = () => planFixes([finding([edit(0, 6, 13, 'users.id')])]);

  it('writes the edited text, keeping the permission bits and leaving no temporary file', async () => {
    chmodSync(join(root, 'm.py'), 0o640);
    const r = await writeFixes(plan(), () => ({ absPath: join(root, 'm.py'), text: 'fk = "user.id"\n', bom: false }));
    assert.deepEqual(r, { written: [{ file: 'm.py', edits: 1 }], failed: [] });
    assert.equal(readFileSync(join(root, 'm.py'), 'utf8'), 'fk = "users.id"\n');
    assert.equal(statSync(join(root, 'm.py')).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(root), ['m.py']);
  });

  it('leaves alone a file that changed since the scan', async () => {
    writeFileSync(join(root, 'm.py'), 'fk = "user.id"  # edited meanwhile\n');
    const r = await writeFixes(plan(), () => ({ absPath: join(root, 'm.py'), text: 'fk = "user.id"\n', bom: false }));
    assert.deepEqual(r.written, []);
    assert.match(r.failed[0].reason, /changed since the scan/);
    assert.equal(readFileSync(join(root, 'm.py'), 'utf8'), 'fk = "user.id"  # edited meanwhile\n');
  });

  it('keeps a byte-order mark and writes through a symlink to its target', async () => {
    writeFileSync(join(root, 'm.py'), '\uFEFFfk = "user.id"\n');
    symlinkSync('m.py', join(root, 'link.py'));
    const r = await writeFixes(plan(), () => ({ absPath: join(root, 'link.py'), text: 'fk = "user.id"\n', bom: true }));
    assert.equal(r.written.length, 1);
    assert.ok(lstatSync(join(root, 'link.py')).isSymbolicLink());
    assert.equal(readFileSync(join(root, 'm.py'), 'utf8'), '\uFEFFfk = "users.id"\n');
  });

  it('reports a file the scan did not read', async () => {
    const r = await writeFixes(plan(), () => undefined);
    assert.deepEqual(r.failed, [{ file: 'm.py', reason: 'not part of the scan; not fixed' }]);
  });
});
