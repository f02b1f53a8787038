// conclusionsSince.ts says which stored findings still hold after files changed; the language server's start-up
// publishes them before the index is loaded. A wrong "holds" is a wrong diagnostic, so every engine fixture is
// changed here in several ways, one file at a time, and every file the rule says still holds must have exactly the
// findings a fresh engine gives the changed workspace.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseConfig } from '../../server/src/core/config';
import type { FileFacts, Finding } from '../../server/src/core/types';
import { dependenciesOf, stillHolds, touchedBy } from '../../server/src/host/conclusionsSince';
import { createEngine } from '../../server/src/host/python';
import { FIXTURES, loadWorkspace } from '../engine/harness';

interface State {
  facts: Map<string, FileFacts>;
  findings: Map<string, Finding[]>;
}

async function stateOf(texts: Map<string, string>, configRaw: unknown): Promise<State> {
  const engine = await createEngine(parseConfig(configRaw, 'config.json').config);
  try {
    for (const [file, text] of texts) engine.updateFile(file, text);
    const facts = new Map<string, FileFacts>();
    const findings = new Map<string, Finding[]>();
    for (const file of texts.keys()) {
      const f = engine.getFacts(file);
      if (f) facts.set(file, f);
      findings.set(file, engine.findings(file));
    }
    return { facts, findings };
  } finally {
    engine.dispose();
  }
}

/** The changes tried on each file: gone; its first string renamed; a line added on top (everything moves down). */
const MUTATIONS: Array<{ name: string; apply: (text: string) => string | undefined }> = [
  { name: 'removed', apply: () => undefined },
  {
    name: 'first string renamed',
    apply: (text) => {
      const m = /(["'])([A-Za-z_][\w.]*)\1/.exec(text);
      return m ? text.slice(0, m.index + 1) + `${m[2]}_x` + text.slice(m.index + 1 + m[2].length) : `${text}\n`;
    },
  },
  { name: 'line added on top', apply: (text) => (text.startsWith('{') ? ` ${text}` : `\n${text}`) },
];

describe('stored conclusions after files changed (conclusionsSince)', function () {
  const cases = existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];
  let held = 0;
  let notHeld = 0;
  after(() => {
    if (process.env.FKGUARD_SHOW_COUNTS) console.log(`${held} kept, ${notHeld} turned down`);
    // Not vacuous: the rule keeps most files' answers, and turns many down.
    assert.ok(held > 200, `only ${held} answers kept`);
    assert.ok(notHeld > 100, `only ${notHeld} answers turned down`);
  });
  for (const name of cases) {
    it(`${name}: every answer it keeps is the changed workspace's`, async () => {
      const dir = join(FIXTURES, name);
      const configPath = join(dir, 'config.json');
      const configRaw = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : undefined;
      const { engine, texts } = await loadWorkspace(join(dir, 'ws'), parseConfig(configRaw, 'config.json').config);
      engine.dispose();
      const before = await stateOf(texts, configRaw);
      const dependencies = dependenciesOf(before.facts.values());
      const wrong: string[] = [];
      const files = [...texts.keys()];
      // Each file alone, then each file with the next one (their first strings renamed), as a pull changes several.
      const changeSets = [
        ...files.flatMap((file) => MUTATIONS.map((m) => ({ name: m.name, changes: [{ file, m }] }))),
        ...files.slice(1).map((file, i) => ({ name: 'two first strings renamed', changes: [files[i], file].map((f) => ({ file: f, m: MUTATIONS[1] })) })),
      ];
      for (const set of changeSets) {
        const changedTexts = new Map(texts);
        for (const { file, m } of set.changes) {
          const text = m.apply(texts.get(file)!);
          if (text === undefined) changedTexts.delete(file);
          else changedTexts.set(file, text);
        }
        const after = await stateOf(changedTexts, configRaw);
        const changed = set.changes.map((c) => c.file).join(' + ');
        const touched = touchedBy(
          set.changes.map((c) => ({ file: c.file, before: before.facts.get(c.file), after: after.facts.get(c.file) })),
          dependencies,
        );
        for (const file of changedTexts.keys()) {
          const stored = before.findings.get(file) ?? [];
          if (!touched || !stillHolds(file, before.facts.get(file), stored, touched)) {
            notHeld++;
            continue;
          }
          held++;
          const now = after.findings.get(file) ?? [];
          if (!isDeepStrictEqual(now, stored)) wrong.push(`${changed} ${set.name}: ${file} was said to hold, but its findings changed`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }
});
