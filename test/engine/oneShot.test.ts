import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../server/src/core/config';
import { matchesEnding } from '../../server/src/core/dialect';
import { Engine } from '../../server/src/core/engine';
import { createEngine, createLazyEngine } from '../../server/src/host/python';
import { FIXTURES, listFiles, rel } from './harness';

/** Everything an engine concludes about a workspace, navigation included, as one string. */
function conclusions(e: Engine): string {
  const { nav } = e.navigation();
  const site = (r: { file: string; ref: { span: { start: number; end: number } }; display: string }) => `${r.file}:${r.ref.span.start}-${r.ref.span.end}:${r.display}`;
  const refs: Record<string, string[]> = {};
  for (const t of e.schema().tables) {
    refs[t.key] = nav.referencesTo({ key: t.key }).map(site);
    for (const c of t.columns) refs[`${t.key}.${c.name}`] = nav.referencesTo({ key: t.key, column: c.name }).map(site);
  }
  return JSON.stringify({ findings: e.allFindings(), unchecked: e.allUnchecked(), stats: e.stats(), refs, unresolved: nav.unresolvedReferences().map(site) });
}

/**
 * A one-shot engine (the CLI's, see `EngineOptions.oneShot`) keeps no per-reference results nor resolutions
 * while it computes findings, and drops the spans of column types no reference starts from (`loadingDone`). It must conclude what an editor's engine concludes, and navigation asked of it
 * afterwards (which reads the resolutions it did not keep) must answer the same too.
 */
describe('a one-shot engine concludes what an editor engine does', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    const ws = join(FIXTURES, name, 'ws');
    if (!existsSync(ws)) continue;
    it(name, async () => {
      const configPath = join(FIXTURES, name, 'config.json');
      const config = parseConfig(existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : undefined, 'config').config;
      const editor = await createEngine(config);
      const oneShot = createLazyEngine(config, { oneShot: true });
      await oneShot.loadParser();
      const extensions = editor.extensions();
      for (const p of listFiles(ws)) {
        if (!extensions.some((e) => matchesEnding(p, e)) || p.endsWith('.d.ts')) continue;
        const file = rel(ws, p);
        const text = readFileSync(p, 'utf8');
        editor.updateFile(file, text);
        oneShot.loadFile(file, text);
      }
      // As `scanWorkspace` does when the scan is over: the one-shot engine lets go of what its findings never read.
      oneShot.loadingDone();
      // Findings first, as the CLI computes them, so navigation comes to a one-shot engine that kept nothing.
      const findings = JSON.stringify(oneShot.allFindings());
      assert.equal(findings, JSON.stringify(editor.allFindings()));
      assert.equal(conclusions(oneShot), conclusions(editor));
      editor.dispose();
      oneShot.dispose();
    });
  }
});

/**
 * A one-shot engine leaves for later what only a change needs: which files use which names (the reverse index
 * that says whose findings a change affects) and which files each resolved Python name read. The CLI's `--fix`
 * changes such an engine all the same (it scans again through it after writing the fixes): every change must
 * then give what an engine that never skipped anything gives.
 */
describe('a one-shot engine changed after its findings concludes what a fresh engine does', () => {
  const config = parseConfig(undefined, 'config').config;
  const files: Record<string, string> = {
    'app/db.py': 'from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n',
    'app/users.py': 'from sqlalchemy import Column, Integer\n\nfrom app.db import Base\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n',
    'app/posts.py':
      'from sqlalchemy import Column, ForeignKey, Integer\n\nfrom app.db import Base\nfrom app.users import User\n\n\n' +
      'class Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    author_id = Column(Integer, ForeignKey("users.id"))\n    editor_id = Column(Integer, ForeignKey(User.id))\n',
    'app/accounts.py': 'from sqlalchemy import Column, String\n\nfrom app.db import Base\n\n\nclass Account(Base):\n    __tablename__ = "accounts"\n    id = Column(String, primary_key=True)\n',
  };
  // Each step changes one file; the findings and unchecked references after it are compared with a fresh engine's.
  const steps: Array<[string, string | undefined]> = [
    // The table is renamed: `posts.py`, unchanged, now references a table that is not there.
    ['app/users.py', files['app/users.py'].replace('"users"', '"accounts"')],
    // The class is renamed: the name `User` that `posts.py` imports resolves to nothing now.
    ['app/users.py', files['app/users.py'].replace('class User', 'class Member')],
    // `User` becomes another module's class: what `posts.py` resolved it to before is not what it means now.
    ['app/users.py', 'from app.accounts import Account as User\n'],
    // The file goes: `posts.py` references a table nothing defines.
    ['app/users.py', undefined],
  ];
  for (const [i, [changed, text]] of steps.entries()) {
    it(`step ${i + 1}: ${text === undefined ? 'removes' : 'changes'} ${changed}`, async () => {
      const oneShot = createLazyEngine(config, { oneShot: true });
      await oneShot.loadParser();
      for (const [file, t] of Object.entries(files)) oneShot.loadFile(file, t);
      const seen = (e: Engine) => JSON.stringify({ findings: e.allFindings(), unchecked: e.allUnchecked() });
      const before = seen(oneShot);
      // A first change, which finds nothing noted: the index derives everything again. The second one is the step's.
      const noted = files['app/accounts.py'] + '# accounts are users too\n';
      oneShot.updateFile('app/accounts.py', noted);
      oneShot.allFindings();
      if (text === undefined) oneShot.removeFile(changed);
      else oneShot.updateFile(changed, text);
      const fresh = await createEngine(config);
      for (const [file, t] of Object.entries({ ...files, 'app/accounts.py': noted, [changed]: text })) if (t !== undefined) fresh.updateFile(file, t);
      const after = seen(oneShot);
      assert.equal(after, seen(fresh));
      // The step means something only if the change changed what the engine concludes.
      assert.notEqual(after, before);
      oneShot.dispose();
      fresh.dispose();
    });
  }
});
