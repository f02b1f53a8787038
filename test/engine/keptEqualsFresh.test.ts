// The editor keeps one engine across edits and re-derives and re-checks only what each edit can reach (see
// SchemaIndex.setFacts). Whatever it kept, its findings must be a fresh engine's for the same texts: a stale
// finding is a false error with a fix that breaks working code, shown until the editor restarts. This test
// makes random, invented edit sequences over every fixture workspace (names renamed, lines deleted or
// duplicated, classes and tables added, bases changed, imports pointed at other classes, files truncated or
// removed) and compares the kept engine with a fresh one after each step: every finding, every unchecked
// reference, the counts, and what a language server would show (each file's findings as last published, when
// the engine said a change affected it). review7's fuzzer found R7-7 and R7-8 this way; the seeds are fixed
// here, so a failure replays.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../server/src/core/config';
import type { Engine } from '../../server/src/core/engine';
import { createEngine } from '../../server/src/host/python';
import { FIXTURES, loadWorkspace, rng } from './harness';

type Pick = <T>(xs: readonly T[]) => T;

/**
 * One edit of a file's text, or undefined when it does not apply to this text. `classes` are the class names
 * the workspace defines (an import may be pointed at any of them).
 */
type Mutation = (text: string, random: () => number, pick: Pick, classes: readonly string[]) => string | undefined;

const lines = (t: string) => t.split('\n');

const MUTATIONS: ReadonlyArray<[string, Mutation]> = [
  [
    'a quoted name made plural or singular',
    (t, random, pick) => {
      const found = [...t.matchAll(/(["'`])([A-Za-z_][\w.]*)\1/g)];
      if (found.length === 0) return undefined;
      const m = pick(found);
      const name = random() < 0.5 ? `${m[2]}s` : m[2].replace(/s$/, '') || 'x';
      return t.slice(0, m.index! + 1) + name + t.slice(m.index! + 1 + m[2].length);
    },
  ],
  [
    'a class, function or constant renamed everywhere in the file',
    (t, _random, pick) => {
      const names = [...new Set([...t.matchAll(/\b(?:class|def|function|const|let)\s+([A-Za-z_]\w*)/g)].map((m) => m[1]))];
      if (names.length === 0) return undefined;
      const n = pick(names);
      return t.replace(new RegExp(`\\b${n}\\b`, 'g'), `${n}Z`);
    },
  ],
  [
    'a class, function or constant renamed where it is declared only',
    (t, _random, pick) => {
      const found = [...t.matchAll(/\b(?:class|def|function|const|let)\s+([A-Za-z_]\w*)/g)];
      if (found.length === 0) return undefined;
      const m = pick(found);
      const at = m.index! + m[0].length;
      return `${t.slice(0, at)}Q${t.slice(at)}`;
    },
  ],
  [
    'a line deleted',
    (t, random) => {
      const ls = lines(t);
      if (ls.length < 2) return undefined;
      ls.splice(Math.floor(random() * ls.length), 1);
      return ls.join('\n');
    },
  ],
  [
    'a line duplicated',
    (t, random) => {
      const ls = lines(t);
      const i = Math.floor(random() * ls.length);
      ls.splice(i, 0, ls[i]);
      return ls.join('\n');
    },
  ],
  [
    'two lines swapped',
    (t, random) => {
      const ls = lines(t);
      if (ls.length < 3) return undefined;
      const i = Math.floor(random() * (ls.length - 1));
      [ls[i], ls[i + 1]] = [ls[i + 1], ls[i]];
      return ls.join('\n');
    },
  ],
  [
    'a line commented out',
    (t, random) => {
      const ls = lines(t);
      const i = Math.floor(random() * ls.length);
      ls[i] = (/^\s*(from|import|class|def|@|\w+ =|    \w+ =)/.test(ls[i]) ? '# ' : '// ') + ls[i];
      return ls.join('\n');
    },
  ],
  ['blank lines put on top', (t) => `\n\n${t}`],
  ['line breaks made CRLF', (t) => t.replace(/\r?\n/g, '\r\n')],
  ['a byte order mark put first or taken away', (t) => (t.startsWith('\ufeff') ? t.slice(1) : `\ufeff${t}`)],
  [
    'a table name computed',
    (t) => {
      const m = /__tablename__\s*=\s*(["'])(\w+)\1/.exec(t);
      return m ? `${t.slice(0, m.index)}__tablename__ = "${m[2]}".lower()${t.slice(m.index + m[0].length)}` : undefined;
    },
  ],
  [
    'a table name removed',
    (t) => {
      const m = /^\s*__tablename__\s*=.*$/m.exec(t);
      return m ? t.slice(0, m.index) + t.slice(m.index + m[0].length) : undefined;
    },
  ],
  [
    'a Python model added',
    (t, random, pick) =>
      `${t}\n\nclass Added${Math.floor(random() * 100)}(${pick(['Base', 'db.Model', 'SQLModel, table=True', 'object'])}):\n    __tablename__ = "${pick(['users', 'added', 'user', 'orders', 'items'])}"\n    id = Column(Integer, primary_key=True)\n`,
  ],
  ['a TypeORM entity added', (t, _random, pick) => `${t}\n@Entity('${pick(['users', 'added', 'user', 'orders'])}')\nexport class Added { @PrimaryGeneratedColumn() id: number; }\n`],
  ['an SQL table added', (t, _random, pick) => `${t}\nCREATE TABLE ${pick(['users', 'added', 'user', 'orders'])} (id INTEGER PRIMARY KEY);\n`],
  [
    'a half-typed character',
    (t, random, pick) => {
      const i = Math.floor(random() * t.length);
      return t.slice(0, i) + pick(['(', '"', "'", 'ForeignKey("', '.references(', ' = ', '{']) + t.slice(i);
    },
  ],
  ['the file cut short', (t, random) => t.slice(0, Math.floor(random() * t.length))],
  [
    "a Python class's bases changed",
    (t, _random, pick) => {
      const found = [...t.matchAll(/class\s+\w+\(([^)]*)\)/g)];
      if (found.length === 0) return undefined;
      const m = pick(found);
      const bases = pick(['Base', 'db.Model', 'object', `${m[1]}, Mixin`, 'Other']);
      const start = m.index! + m[0].indexOf('(') + 1;
      return t.slice(0, start) + bases + t.slice(start + m[1].length);
    },
  ],
  [
    "a TypeScript class's base changed",
    (t, _random, pick) => {
      const found = [...t.matchAll(/extends\s+(\w+)/g)];
      if (found.length === 0) return undefined;
      const m = pick(found);
      return `${t.slice(0, m.index)}extends ${pick(['BaseEntity', 'Model', `${m[1]}X`])}${t.slice(m.index! + m[0].length)}`;
    },
  ],
  [
    // review7's R7-7: what a name imported from a package means changes with the package's imports alone.
    'a Python import pointed at another class of the workspace, under the name it had',
    (t, random, pick, classes) => {
      const found = [...t.matchAll(/^(from\s+[\w.]+\s+import\s+\(?)([^()\n]+)/gm)];
      if (found.length === 0 || classes.length === 0) return undefined;
      const m = pick(found);
      const items = m[2].split(',');
      const i = Math.floor(random() * items.length);
      const item = /^(\s*)(\w+)(?:\s+as\s+(\w+))?(\s*)$/.exec(items[i]);
      if (!item) return undefined;
      items[i] = `${item[1]}${pick(classes)} as ${item[3] ?? item[2]}${item[4]}`;
      const start = m.index! + m[1].length;
      return t.slice(0, start) + items.join(',') + t.slice(start + m[2].length);
    },
  ],
];

/** A number from a fixture's name, so that each fixture's sequence stays the same when fixtures are added. */
function nameSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Whether another file's import line names `file`'s module (its name without the extension, or its folder's for
 * `__init__.py` and `index.ts`): a package's `__init__.py`, a barrel, a module of base classes.
 */
function importedByOthers(file: string, texts: ReadonlyMap<string, string>): boolean {
  const parts = file.replace(/\.[^./]+$/, '').split('/');
  const stem = /^(__init__|index)$/.test(parts[parts.length - 1]) ? parts[parts.length - 2] : parts[parts.length - 1];
  if (!stem) return false;
  const named = new RegExp(`^\\s*(?:from|import)\\b[^\\n]*\\b${stem.replace(/[^\w]/g, '\\$&')}\\b`, 'm');
  for (const [other, text] of texts) if (other !== file && named.test(text)) return true;
  return false;
}

/** Everything the editor shows and the session cache stores, in a form two engines can be compared in. */
function state(e: Engine): { findings: string[]; unchecked: string[]; stats: string } {
  return {
    findings: e.allFindings().map((f) => JSON.stringify(f)).sort(),
    unchecked: e.allUnchecked().map((u) => JSON.stringify(u)).sort(),
    stats: JSON.stringify(e.stats()),
  };
}

function difference(kept: ReturnType<typeof state>, fresh: ReturnType<typeof state>): string[] {
  const out: string[] = [];
  for (const k of ['findings', 'unchecked'] as const) {
    for (const x of kept[k]) if (!fresh[k].includes(x)) out.push(`  kept only ${k}: ${x.slice(0, 300)}`);
    for (const x of fresh[k]) if (!kept[k].includes(x)) out.push(`  fresh only ${k}: ${x.slice(0, 300)}`);
  }
  if (kept.stats !== fresh.stats) out.push(`  stats: kept ${kept.stats}, fresh ${fresh.stats}`);
  return out;
}

/**
 * For a longer search by hand: FKGUARD_STRESS=N runs N times more steps per fixture, FKGUARD_SEED=n runs that seed
 * instead, FKGUARD_SHOW_STEPS=1 prints how many steps were made. Seeds 8 and 10 are the ones kept: on the build
 * before 792c890 both find review7's R7-7 (fixture 31's `__init__.py` removed), and they found two more holes.
 */
const STRESS = Math.max(1, Number(process.env.FKGUARD_STRESS ?? 0));
const SEEDS = process.env.FKGUARD_SEED ? [Number(process.env.FKGUARD_SEED)] : [8, 10];
const STEPS = 3 * STRESS;
/** FKGUARD_ONLY=regex: only the fixtures whose names match (to replay one by hand). */
const ONLY = process.env.FKGUARD_ONLY ? new RegExp(process.env.FKGUARD_ONLY) : undefined;
/** FKGUARD_DUMP=folder: each differing sequence is written there (the first texts and every step), to replay. */
const DUMP = process.env.FKGUARD_DUMP;

describe('engine: the kept engine equals a fresh one after every step of random edit sequences', function () {
  this.timeout(600000);
  for (const seed of SEEDS) {
    it(`seed ${seed}, ${STEPS} steps on every fixture workspace`, async () => {
      const differences: string[] = [];
      const steps = { all: 0, python: 0, typescript: 0, removed: 0 };
      for (const name of readdirSync(FIXTURES).sort()) {
        const dir = join(FIXTURES, name);
        if (!existsSync(join(dir, 'ws')) || (ONLY && !ONLY.test(name))) continue;
        const configPath = join(dir, 'config.json');
        const config = parseConfig(existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : undefined, 'config.json').config;
        const random = rng(seed * 1000003 + nameSeed(name));
        const pick: Pick = (xs) => xs[Math.floor(random() * xs.length)];
        const loaded = await loadWorkspace(join(dir, 'ws'), config);
        const texts = loaded.texts;
        let engine = loaded.engine;
        const log: string[] = [];
        const first = Object.fromEntries(texts);
        // What the language server shows: each file's findings as last published. It publishes every file once,
        // then after each change only the files the engine says the change affected.
        const published = new Map<string, string>();
        const publish = (files: Iterable<string>) => {
          for (const f of files) {
            if (texts.has(f)) published.set(f, JSON.stringify(engine.findings(f)));
            else published.delete(f);
          }
        };
        publish(texts.keys());
        const sequence: Array<[string, string | null]> = [];
        try {
          for (let step = 0; step < STEPS; step++) {
            const files = [...texts.keys()];
            if (files.length === 0) break;
            // Half the edits go to files that others import from: what reaches other files is what is tested.
            const hubs = files.filter((f) => importedByOthers(f, texts));
            const file = hubs.length > 0 && random() < 0.5 ? pick(hubs) : pick(files);
            if (random() < 0.08) {
              texts.delete(file);
              publish([file, ...engine.removeFile(file)]);
              sequence.push([file, null]);
              log.push(`${file}: removed`);
              steps.removed++;
            } else {
              const classes = [...new Set([...texts.values()].flatMap((t) => [...t.matchAll(/\bclass\s+([A-Za-z_]\w*)/g)].map((m) => m[1])))];
              let edited: string | undefined;
              let what = '';
              // A mutation that does not apply to this text is replaced by another, so every step edits.
              for (let tries = 0; tries < 10 && (edited === undefined || edited === texts.get(file)); tries++) {
                const [label, mutate] = pick(MUTATIONS);
                what = label;
                edited = mutate(texts.get(file)!, random, pick, classes);
              }
              if (edited === undefined) continue;
              texts.set(file, edited);
              publish(engine.updateFile(file, edited));
              sequence.push([file, edited]);
              log.push(`${file}: ${what}`);
              if (file.endsWith('.py')) steps.python++;
              if (/\.[cm]?[jt]sx?$/.test(file)) steps.typescript++;
            }
            steps.all++;
            const fresh = await createEngine(config);
            for (const [f, t] of texts) fresh.updateFile(f, t);
            const diff = difference(state(engine), state(fresh));
            for (const f of new Set([...published.keys(), ...texts.keys()])) {
              const shown = published.get(f);
              const expected = texts.has(f) ? JSON.stringify(fresh.findings(f)) : undefined;
              if (shown !== expected) diff.push(`  ${f} published: ${(shown ?? 'nothing').slice(0, 300)}\n    fresh: ${(expected ?? 'nothing').slice(0, 300)}`);
            }
            fresh.dispose();
            if (diff.length > 0) {
              differences.push(`${name}, seed ${seed}, after ${log.join(' | ')}:\n${diff.join('\n')}`);
              if (DUMP) writeFileSync(join(DUMP, `${name}-${seed}-${step}.json`), JSON.stringify({ fixture: name, config, initial: first, seq: sequence }));
              // Go on from a fresh engine, so that each hole is reported once.
              engine.dispose();
              engine = await createEngine(config);
              for (const [f, t] of texts) engine.updateFile(f, t);
              published.clear();
              publish(texts.keys());
            }
          }
        } finally {
          engine.dispose();
        }
      }
      if (process.env.FKGUARD_SHOW_STEPS) console.log(JSON.stringify(steps), differences.length);
      // Not vacuous: a few hundred steps, in both languages, files removed too.
      if (!ONLY) assert.ok(steps.all >= 250 * STRESS && steps.python >= 60 * STRESS && steps.typescript >= 60 * STRESS && steps.removed >= 5, JSON.stringify(steps));
      assert.deepEqual(differences, [], `${differences.length} of ${steps.all} steps differ:\n${differences.slice(0, 8).join('\n')}`);
    });
  }
});
