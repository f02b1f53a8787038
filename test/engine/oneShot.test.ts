import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../server/src/core/config';
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
        if (!extensions.some((e) => p.endsWith(e)) || p.endsWith('.d.ts')) continue;
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
