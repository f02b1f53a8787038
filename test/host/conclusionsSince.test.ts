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
import { Dependencies, dependenciesOf, stillHolds, touchedBy } from '../../server/src/host/conclusionsSince';
import { createEngine } from '../../server/src/host/python';
import { FIXTURES, loadWorkspace, REPO } from '../engine/harness';

interface State {
  facts: Map<string, FileFacts>;
  findings: Map<string, Finding[]>;
  /** What the server stores with the conclusions (scan.ts `conclusions()`). */
  dependencies: Dependencies;
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
    return { facts, findings, dependencies: JSON.parse(JSON.stringify(dependenciesOf(facts.values(), engine.navigation().index))) as Dependencies };
  } finally {
    engine.dispose();
  }
}

/**
 * The changes tried on each file: gone; its first string renamed; a line added on top (everything moves down); lines
 * added above its last definition. Python model files also get a developer's edits: a column added, a primary key's
 * type changed, a class renamed (a Flask-SQLAlchemy or SQLModel table with it), a model added.
 */
const MUTATIONS: Array<{ name: string; python?: true; apply: (text: string) => string | undefined }> = [
  { name: 'removed', apply: () => undefined },
  {
    name: 'first string renamed',
    apply: (text) => {
      const m = /(["'])([A-Za-z_][\w.]*)\1/.exec(text);
      return m ? text.slice(0, m.index + 1) + `${m[2]}_x` + text.slice(m.index + 1 + m[2].length) : `${text}\n`;
    },
  },
  { name: 'line added on top', apply: (text) => (text.startsWith('{') ? ` ${text}` : `\n${text}`) },
  {
    // A definition and everything below it moves; what is above stays (imports, the classes before it).
    name: 'lines added above the last definition',
    apply: (text) => {
      const lines = text.split('\n');
      let at = -1;
      lines.forEach((l, i) => {
        if (/^(export |declare )*(class |model |CREATE TABLE|create table)|^\S+ = (Table|sa\.Table|db\.Table)\(/.test(l)) at = i;
      });
      if (at < 0) return text;
      lines.splice(at, 0, '', '');
      return lines.join('\n');
    },
  },
  {
    // A copy of the first column line under another attribute name (a second primary key, a second foreign key).
    name: 'a column added',
    python: true,
    apply: (text) => {
      const lines = text.split('\n');
      const at = lines.findIndex((l) => /^\s+\w+\s*(:[^=]+)?=\s*(\w+\.)?(Column|mapped_column|Field)\(.*\)\s*$/.test(l));
      if (at < 0) return text;
      lines.splice(at + 1, 0, lines[at].replace(/^(\s+)\w+/, '$1added_column'));
      return lines.join('\n');
    },
  },
  {
    // The key others point at changes type: their foreign keys' findings change, wherever they are.
    name: "the first primary key's type changed",
    python: true,
    apply: (text) => {
      const lines = text.split('\n');
      const at = lines.findIndex((l) => /primary_key=True/.test(l));
      if (at < 0) return text;
      const swapped = lines[at].replace(/\b(BigInteger|Integer|String\(\d*\)|int|str|uuid\.UUID)\b(\(\d*\))?/, (t) => (/String|str/.test(t) ? 'Integer' : t === 'int' ? 'str' : t === 'uuid.UUID' ? 'int' : 'String(20)'));
      lines[at] = swapped;
      return lines.join('\n');
    },
  },
  {
    name: 'the first class renamed',
    python: true,
    apply: (text) => {
      const m = /^class (\w+)/m.exec(text);
      return m ? text.replace(new RegExp(`\\b${m[1]}\\b`, 'g'), `${m[1]}Renamed`) : text;
    },
  },
  {
    // A copy of the last class under another name, appended: a table named after the class comes with it.
    name: 'a model added',
    python: true,
    apply: (text) => {
      const lines = text.split('\n');
      let start = -1;
      lines.forEach((l, i) => {
        if (/^class \w+/.test(l)) start = i;
      });
      if (start < 0) return text;
      let end = start + 1;
      while (end < lines.length && !/^\S/.test(lines[end])) end++;
      const name = /^class (\w+)/.exec(lines[start])![1];
      const copy = lines.slice(start, end).join('\n').replace(new RegExp(`\\b${name}\\b`, 'g'), `${name}Copy`).replace(/(__tablename__\s*=\s*["'])(\w+)/, '$1$2_copy');
      return `${text.replace(/\n*$/, '')}\n\n\n${copy}\n`;
    },
  },
  {
    // A new SQLModel class that no class of the file shares its header with, named like a table of another file.
    name: 'a SQLModel model added',
    python: true,
    apply: (text) =>
      `${text.replace(/\n*$/, '')}\n\n\nclass TeamMember(SQLModel, table=True):\n    id: int | None = Field(default=None, primary_key=True)\n    role: str\n`,
  },
  {
    // The last class renamed (its uses in the file too), to a name another file's table has.
    name: 'the last class renamed',
    python: true,
    apply: (text) => {
      const names = [...text.matchAll(/^class (\w+)/gm)].map((m) => m[1]);
      const last = names.at(-1);
      return last && last !== 'TeamMember' ? text.replace(new RegExp(`\\b${last}\\b`, 'g'), 'TeamMember') : text;
    },
  },
];

/** Workspaces made for this test (classes named without a table name, lines moved), beside the engine's fixtures. */
const OWN_FIXTURES = join(REPO, 'test', 'fixtures', 'conclusions');

describe('stored conclusions after files changed (conclusionsSince)', function () {
  const cases = [
    ...(existsSync(FIXTURES) ? readdirSync(FIXTURES).sort().map((name) => ({ name, dir: join(FIXTURES, name) })) : []),
    ...readdirSync(OWN_FIXTURES).sort().filter((name) => existsSync(join(OWN_FIXTURES, name, 'ws'))).map((name) => ({ name: `conclusions/${name}`, dir: join(OWN_FIXTURES, name) })),
  ];
  let held = 0;
  let notHeld = 0;
  after(() => {
    if (process.env.FKGUARD_SHOW_COUNTS) console.log(`${held} kept, ${notHeld} turned down`);
    // Not vacuous: the rule keeps most files' answers, and turns many down.
    assert.ok(held > 200, `only ${held} answers kept`);
    assert.ok(notHeld > 100, `only ${notHeld} answers turned down`);
  });
  it('turns down every answer when a constant changed that a barrel re-exports under another name (review7 R7-6)', async () => {
    // Fixture 57: schema/src/tables/index.ts re-exports `TableCrate as TableBox`; a migration names tables by TableBox.
    const dir = join(FIXTURES, '57-knex-workspace-package');
    const { engine, texts } = await loadWorkspace(join(dir, 'ws'));
    engine.dispose();
    const before = await stateOf(texts, undefined);
    const file = 'schema/src/tables/crate.ts';
    const cut = texts.get(file)!;
    const changed = new Map(texts).set(file, cut.slice(0, cut.indexOf('export const TableCra') + 'export const TableCra'.length));
    const after = await stateOf(changed, undefined);
    const migration = [...texts.keys()].find((f) => f.startsWith('server/migrations/'))!;
    // Not vacuous: the migration's findings do change.
    assert.notDeepEqual(after.findings.get(migration), before.findings.get(migration));
    const touched = touchedBy([{ file, before: before.facts.get(file), after: after.facts.get(file) }], before.dependencies);
    assert.ok(!touched || !stillHolds(migration, before.facts.get(migration), before.findings.get(migration) ?? [], touched));
  });

  for (const { name, dir } of cases) {
    it(`${name}: every answer it keeps is the changed workspace's`, async () => {
      const configPath = join(dir, 'config.json');
      const configRaw = existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : undefined;
      const { engine, texts } = await loadWorkspace(join(dir, 'ws'), parseConfig(configRaw, 'config.json').config);
      engine.dispose();
      const before = await stateOf(texts, configRaw);
      const dependencies = before.dependencies;
      const wrong: string[] = [];
      const files = [...texts.keys()];
      // Each file alone, then each file with the next one (their first strings renamed), as a pull changes several.
      const changeSets = [
        ...files.flatMap((file) => MUTATIONS.filter((m) => !m.python || file.endsWith('.py')).map((m) => ({ name: m.name, changes: [{ file, m }] }))),
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
