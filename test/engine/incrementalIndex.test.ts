import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../server/src/core/config';
import { Engine } from '../../server/src/core/engine';
import { changedNames, provision, provisionAfter } from '../../server/src/core/fileSignatures';
import { createEngine } from '../../server/src/host/python';
import { FIXTURES, listFiles, rel, rng } from './harness';

/** A replacement in a file's text: what an editor would send as one edit. */
interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** Edits that change what a file provides to others: table names, column types, columns, bases, classes. */
const MUTATIONS: Array<(text: string, pick: () => number) => Replacement | undefined> = [
  (t, pick) => replaceNth(t, /__tablename__ = "([a-z_]+)"/g, pick, (m) => m.replace(/"$/, 'x"')),
  (t, pick) => replaceNth(t, /\bInteger\b/g, pick, () => 'String(36)'),
  (t, pick) => replaceNth(t, /String\(\d+\)/g, pick, () => 'Integer'),
  (t, pick) => replaceNth(t, /\n    [a-z_]+ = (?:db\.)?Column\([^\n]*/g, pick, () => '\n    pass'),
  (t, pick) => replaceNth(t, /class ([A-Za-z]+)\(/g, pick, (m) => m.replace(/\($/, 'Renamed(')),
  (t, pick) => replaceNth(t, /\(([A-Za-z]+Mixin), /g, pick, () => '('),
  (t, pick) => replaceNth(t, /primary_key=True/g, pick, () => 'unique=True'),
  (t) => ({ start: t.length, end: t.length, text: '\n\nclass Extra(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n' }),
];

function replaceNth(text: string, re: RegExp, pick: () => number, f: (m: string) => string): Replacement | undefined {
  const all = [...text.matchAll(re)];
  if (all.length === 0) return undefined;
  const m = all[Math.floor(pick() * all.length)];
  return { start: m.index!, end: m.index! + m[0].length, text: f(m[0]) };
}

/** FKGUARD_STRESS=N replays N times more steps (FKGUARD_SEED picks the seed), for a longer search by hand. */
const STRESS = Number(process.env.FKGUARD_STRESS ?? 0);
const STEPS = 25 * Math.max(1, STRESS);
const SEED = process.env.FKGUARD_SEED ? Number(process.env.FKGUARD_SEED) : STRESS > 0 ? Date.now() % 100000 : 0;

function state(e: Engine): string {
  return JSON.stringify({ schema: e.schema(), findings: e.allFindings(), navigation: navigationState(e) });
}

/**
 * What navigation answers over the whole workspace: every reference to every table and column, and the
 * references it cannot resolve. An engine kept across edits keeps its navigator, which files again only the
 * files whose resolutions changed (see `Navigator.refresh`); it must answer what a fresh one answers.
 */
function navigationState(e: Engine): unknown {
  const { nav } = e.navigation();
  const site = (r: { file: string; ref: { span: { start: number; end: number } }; display: string }) => `${r.file}:${r.ref.span.start}-${r.ref.span.end}:${r.display}`;
  const out: Record<string, string[]> = {};
  for (const t of e.schema().tables) {
    out[t.key] = nav.referencesTo({ key: t.key }).map(site);
    for (const c of t.columns) out[`${t.key}.${c.name}`] = nav.referencesTo({ key: t.key, column: c.name }).map(site);
  }
  return { out, unresolved: nav.unresolvedReferences().map(site) };
}

/**
 * After a change to what a file provides, the index derives again only the tables that can depend on it.
 * Whatever it keeps, the schema and every finding must equal those of an engine that read the whole
 * workspace afresh: this replays random definition-changing edits on every fixture workspace.
 */
for (const kept of [false, true]) {
  describe(`incremental index equals a fresh one${kept ? ', typing into open documents' : ''}`, () => {
    for (const name of readdirSync(FIXTURES).sort().filter((n) => listFiles(join(FIXTURES, n, 'ws')).some((p) => p.endsWith('.py')))) {
      it(name, async () => {
        const ws = join(FIXTURES, name, 'ws');
        const configPath = join(FIXTURES, name, 'config.json');
        const config = parseConfig(existsSync(configPath) ? JSON.parse(readFileSync(configPath, 'utf8')) : undefined, 'config').config;
        const texts = new Map<string, string>();
        for (const p of listFiles(ws)) if (p.endsWith('.py')) texts.set(rel(ws, p), readFileSync(p, 'utf8'));
        const engine = await createEngine(config);
        // Open documents keep their trees and get one edit at a time (the class-level shortcut, spans moved
        // in place); the others are read again whole, as from disk.
        for (const [f, t] of texts) engine.updateFile(f, t, { keepTree: kept });
        engine.allFindings();
        const random = rng(name.length * 7919 + SEED + (kept ? 1 : 0));
        const files = [...texts.keys()];
        for (let step = 0; step < STEPS; step++) {
          const file = files[Math.floor(random() * files.length)];
          const mutate = MUTATIONS[Math.floor(random() * MUTATIONS.length)];
          const old = texts.get(file)!;
          const r = mutate(old, random);
          if (r === undefined) continue;
          const next = old.slice(0, r.start) + r.text + old.slice(r.end);
          texts.set(file, next);
          engine.updateFile(file, next, kept ? { keepTree: true, edits: [{ startIndex: r.start, oldEndIndex: r.end, newText: r.text }] } : {});
          const fresh = await createEngine(config);
          for (const [f, t] of texts) fresh.updateFile(f, t);
          const k = state(engine);
          const f = state(fresh);
          if (k !== f) {
            let i = 0;
            while (k[i] === f[i]) i++;
            assert.fail(`seed ${SEED} step ${step}: ${mutate.toString().slice(0, 50)} on ${file}: differs at ...${k.slice(Math.max(0, i - 300), i + 200)}\n--- fresh: ...${f.slice(Math.max(0, i - 300), i + 200)}`);
          }
          fresh.dispose();
        }
        engine.dispose();
      });
    }
  });
}

/**
 * Keystrokes in an open model file: one character typed or deleted at a time, mostly inside class bodies, in a
 * file whose classes build on each other (a mixin, single-table inheritance, bases) and reference each other,
 * another file, constants and a table that does not exist. After a keystroke inside one class the engine
 * re-checks only the references the edit can concern (see `Engine.reusableAfter`); every finding and every
 * unchecked reference must equal a fresh engine's after every keystroke that leaves the file parsing.
 */
describe('incremental index equals a fresh one, keystrokes in a model file whose classes build on each other', () => {
  const files: Record<string, string> = {
    'app/__init__.py': '',
    'app/base.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n',
    'app/names.py': 'PEOPLE = "people"\n',
    'app/other.py':
      'from sqlalchemy import Column, ForeignKey, Integer, String\nfrom app.base import Base\nfrom app.models import Stamped\n\n' +
      'class Remote(Base, Stamped):\n    __tablename__ = "remote"\n    id = Column(Integer, primary_key=True)\n    code = Column(String(8), unique=True)\n    item_id = Column(Integer, ForeignKey("items.id"))\n',
    'app/models.py': [
      'from sqlalchemy import Column, ForeignKey, Integer, String',
      'from app.base import Base',
      'from app.names import PEOPLE',
      '',
      'class Stamped:',
      '    stamp = Column(Integer, unique=True)',
      '',
      'class Person(Base, Stamped):',
      '    __tablename__ = PEOPLE',
      '    id = Column(Integer, primary_key=True)',
      '    kind = Column(String(20))',
      '',
      'class Employee(Person):',
      '    badge = Column(String(12), unique=True)',
      '    boss_id = Column(Integer, ForeignKey("people.id"))',
      '',
      'class Item(Base):',
      '    __tablename__ = "items"',
      '    id = Column(Integer, primary_key=True)',
      '    owner_id = Column(Integer, ForeignKey("people.stamp"))',
      '    remote_code = Column(String(8), ForeignKey("remote.code"))',
      '    lost_id = Column(Integer, ForeignKey("item.id"))',
      '',
      'class Tag(Base):',
      '    __tablename__ = "tags"',
      '    id = Column(Integer, primary_key=True)',
      '    item_id = Column(String(8), ForeignKey("items.id"))',
      '    badge = Column(String(12), ForeignKey("people.badge"))',
      '    person_id = Column(Integer, ForeignKey(Person.id))',
      '',
      'class Note(Base, Stamped):',
      '    __tablename__ = "notes"',
      '    id = Column(Integer, primary_key=True)',
      '    tag_id = Column(Integer, ForeignKey("tags.id"))',
      '    stamp_ref = Column(Integer, ForeignKey("notes.stamp"))',
      // Unknown tables whose "did you mean" ranks tables of other classes of this file (kept results must
      // follow those tables, and their places on an edited line).
      '    item_ref = Column(Integer, ForeignKey("itemz.id"))',
      '    tag_ref = Column(String(8), ForeignKey("tag.item_id"))',
      '',
    ].join('\n'),
  };
  typeInto(files, 9000);
});

/**
 * The same keystrokes in a model file whose names are provided twice: a class name defined by two classes (the
 * later one wins), a table name of two classes, a class table that a Core table of the file names too, and a
 * class whose table name is a constant. The index signs such names from all their definitions, and an edit of
 * one class must not take the shortcuts that hold for a name only that class provides.
 */
describe('incremental index equals a fresh one, keystrokes in a model file that defines names twice', () => {
  const files: Record<string, string> = {
    'app/__init__.py': '',
    'app/base.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n',
    'app/models.py': [
      'from sqlalchemy import Column, ForeignKey, Integer, String, Table',
      'from app.base import Base',
      '',
      'PEOPLE = "people"',
      '',
      'class Person(Base):',
      '    __tablename__ = PEOPLE',
      '    id = Column(Integer, primary_key=True)',
      '    code = Column(String(8), unique=True)',
      '',
      'class Plain(Base):',
      '    __tablename__ = "plains"',
      '    id = Column(Integer, primary_key=True)',
      '    audit_id = Column(Integer, ForeignKey("audits.id"))',
      '    code = Column(String(8), unique=True)',
      '',
      'class Audit(Base):',
      '    __tablename__ = "audits"',
      '    id = Column(Integer, primary_key=True)',
      '    person_id = Column(Integer, ForeignKey("people.id"))',
      '',
      'class Entry(Base):',
      '    __tablename__ = "shared"',
      '    id = Column(Integer, primary_key=True)',
      '    audit_id = Column(Integer, ForeignKey("audits.id"))',
      '',
      'class Other(Base):',
      '    __tablename__ = "shared"',
      '    __table_args__ = {"extend_existing": True}',
      '    id = Column(Integer, primary_key=True)',
      '    code = Column(String(8), ForeignKey("people.code"))',
      '',
      'class Audit(Base):',
      '    __tablename__ = "audits2"',
      '    id = Column(Integer, primary_key=True)',
      '    entry_id = Column(Integer, ForeignKey("shared.id"))',
      '',
      'links = Table("links", Base.metadata, Column("id", Integer, primary_key=True), Column("audit_id", ForeignKey("audits.id")))',
      '',
      'class Link(Base):',
      '    __tablename__ = "links"',
      '    __table_args__ = {"extend_existing": True}',
      '    id = Column(Integer, primary_key=True)',
      '    other_id = Column(Integer, ForeignKey("shared.id"))',
      '    lost_id = Column(Integer, ForeignKey("audit.id"))',
      '',
      'class Last(Base):',
      '    __tablename__ = "lasts"',
      '    id = Column(Integer, primary_key=True)',
      '    plain_code = Column(String(8), ForeignKey("plains.code"))',
      '    link_id = Column(Integer, ForeignKey("links.id"))',
      '',
    ].join('\n'),
  };
  typeInto(files, 9100, 150);
});

/**
 * Random keystrokes typed into `app/models.py` of `files` (kept open), each compared with a fresh engine (see
 * the first caller above).
 */
function typeInto(files: Record<string, string>, seedBase: number, provisionShortcuts?: number): void {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}`, async () => {
      const random = rng(seedBase + seed + SEED);
      const texts = new Map(Object.entries(files));
      const engine = await createEngine();
      for (const [f, t] of texts) engine.updateFile(f, t, { keepTree: f === 'app/models.py' });
      engine.allFindings();
      for (let step = 0; step < 60 * Math.max(1, STRESS); step++) {
        const old = texts.get('app/models.py')!;
        const { at, remove, typed } = keystroke(old, random);
        const next = old.slice(0, at) + typed + old.slice(at + remove);
        texts.set('app/models.py', next);
        engine.updateFile('app/models.py', next, { keepTree: true, edits: [{ startIndex: at, oldEndIndex: at + remove, newText: typed }] });
        const fresh = await createEngine();
        for (const [f, t] of texts) fresh.updateFile(f, t);
        // A half-typed document keeps its last good classes on purpose: only text that parses is compared.
        if ((fresh.getFacts('app/models.py')?.errors.length ?? 0) > 0) {
          fresh.dispose();
          continue;
        }
        const k = JSON.stringify({ findings: engine.allFindings(), unchecked: engine.allUnchecked(), navigation: navigationState(engine) });
        const f = JSON.stringify({ findings: fresh.allFindings(), unchecked: fresh.allUnchecked(), navigation: navigationState(fresh) });
        if (k !== f) {
          let i = 0;
          while (k[i] === f[i]) i++;
          assert.fail(`seed ${seed} step ${step}: ${JSON.stringify(typed)} at ${at} (removing ${remove}): differs at ...${k.slice(Math.max(0, i - 300), i + 200)}\n--- fresh: ...${f.slice(Math.max(0, i - 300), i + 200)}`);
        }
        fresh.dispose();
      }
      engine.dispose();
    });
  }
  // After a keystroke inside one class, the index signs what the file provides from what it signed before (see
  // `provisionAfter`): the names, their hashes, their order and the names it says changed must be what signing
  // the whole file gives. Asked where the file's shape lets enough keystrokes take that shortcut.
  if (provisionShortcuts === undefined) return;
  it('the provision after a keystroke, made from the one before, is the one made afresh', async () => {
    let shortcuts = 0;
    for (const seed of [1, 2, 3]) {
      const random = rng(seedBase + 50 + seed + SEED);
      const engine = await createEngine();
      let text = files['app/models.py'];
      for (const [f, t] of Object.entries(files)) engine.updateFile(f, t, { keepTree: f === 'app/models.py' });
      for (let step = 0; step < 150 * Math.max(1, STRESS); step++) {
        // Letters and digits only, which keep the file parsing (the shortcut is for a file that parses).
        const { at, remove, typed } = keystroke(text, random, true);
        text = text.slice(0, at) + typed + text.slice(at + remove);
        const previous = engine.getFacts('app/models.py')!;
        const before = provision(previous);
        engine.updateFile('app/models.py', text, { keepTree: true, edits: [{ startIndex: at, oldEndIndex: at + remove, newText: typed }] });
        const facts = engine.getFacts('app/models.py')!;
        // provisionAfter changes the provision it is given in place: the one before is compared from a copy.
        const was = { base: before.base, names: new Map(before.names) };
        const quick = facts === previous ? undefined : provisionAfter(previous, before, facts);
        if (!quick) continue;
        shortcuts++;
        const full = provision(facts);
        const where = `seed ${seed} step ${step}: ${JSON.stringify(typed)} at ${at} (removing ${remove})`;
        assert.equal(quick.after.base, full.base, where);
        assert.deepEqual([...quick.after.names], [...full.names], where);
        assert.deepEqual(quick.changed, changedNames(was, full), where);
      }
      engine.dispose();
    }
    assert.ok(shortcuts >= provisionShortcuts, `only ${shortcuts} keystrokes took the shortcut`);
  });
}

const TYPED = ['x', 'e', '_', 's', '1', '(', ')', '"', ' ', '\n'];

/**
 * One random keystroke in a model file: mostly inside a class body (an indented line), now and then anywhere;
 * a quarter of them change a definition at once (a key, a type: what a mixin or a parent gives the classes
 * built on it).
 */
function keystroke(old: string, random: () => number, wordsOnly = false): { at: number; remove: number; typed: string } {
  const lines = [...old.matchAll(/\n    [^\n]*/g)];
  const swaps = [...old.matchAll(/unique=True|unique=False|\bInteger\b|String\(\d+\)/g)];
  const swap = random() < 0.25 && swaps.length > 0 ? swaps[Math.floor(random() * swaps.length)] : undefined;
  const m = random() < 0.85 && lines.length > 0 ? lines[Math.floor(random() * lines.length)] : undefined;
  const at = swap ? swap.index! : m ? m.index! + 1 + Math.floor(random() * m[0].length) : Math.floor(random() * (old.length + 1));
  const remove = swap ? swap[0].length : random() < 0.4 ? Math.min(1, old.length - at) : 0;
  const counterpart: Record<string, string> = { 'unique=True': 'unique=False', 'unique=False': 'unique=True', Integer: 'String(8)' };
  const typed = swap ? (counterpart[swap[0]] ?? 'Integer') : remove > 0 && random() < 0.5 ? '' : TYPED[Math.floor(random() * TYPED.length)];
  if (wordsOnly && !swap) {
    // A letter typed into a name of a class body, or one after a name's first removed.
    const words = [...old.matchAll(/\n {4}[^\n]*/g)].flatMap((l) => [...l[0].matchAll(/[A-Za-z_]\w*/g)].map((w) => ({ at: l.index! + w.index!, length: w[0].length })));
    const w = words[Math.floor(random() * words.length)];
    if (w.length > 1 && random() < 0.4) return { at: w.at + 1 + Math.floor(random() * (w.length - 1)), remove: 1, typed: '' };
    return { at: w.at + 1 + Math.floor(random() * w.length), remove: 0, typed: 'xes'[Math.floor(random() * 3)] };
  }
  return { at, remove, typed };
}

/**
 * Named cases the random walk once found, replayed step by step so they stay found: each is a file opened in
 * the editor and a list of edits, and after the last the engine must equal a fresh one.
 */
describe('incremental index equals a fresh one, found cases', () => {
  /**
   * A kept "did you mean" result (an unknown table in another class) must follow the table it ranks: its
   * suggested column type when that table's key changes type, a table that gains the column it lacked, and its
   * place when the suggested table's name moves along the edited line.
   */
  for (const [label, from, to] of [
    // The first `id` is the one of `items`.
    ['the suggested key changes type', 'id = Column(Integer, primary_key=True)', 'id = Column(String(8), primary_key=True)'],
    ['a ranked table gains the column it lacked', '    code = Column(String(8), unique=True)', '    cod = Column(String(8), unique=True)'],
    ['the suggested table name moves along its line', '__tablename__ = "items"', '__tablename__ =  "items"'],
  ]) {
    it(`an unknown table's kept suggestions: ${label}`, async () => {
      const files: Record<string, string> = {
        'app/__init__.py': '',
        'app/base.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n',
        'app/models.py': [
          'from sqlalchemy import Column, ForeignKey, Integer, String',
          'from app.base import Base',
          '',
          'class Item(Base):',
          '    __tablename__ = "items"',
          '    id = Column(Integer, primary_key=True)',
          '    cod = Column(String(8), unique=True)',
          '',
          'class Note(Base):',
          '    __tablename__ = "notes"',
          '    id = Column(Integer, primary_key=True)',
          '    item_ref = Column(Integer, ForeignKey("itemz.id"))',
          '    code_ref = Column(String(8), ForeignKey("itemz.code"))',
          '',
        ].join('\n'),
      };
      const original = files['app/models.py'];
      // The second case starts without the column and adds it; the others start as written.
      const start = label.startsWith('a ranked') ? original : original.replace('    cod = Column(String(8), unique=True)', '    code = Column(String(8), unique=True)');
      const [a, b] = label.startsWith('a ranked') ? [to, from] : [from, to];
      const engine = await createEngine();
      for (const [f, t] of Object.entries(files)) engine.updateFile(f, f === 'app/models.py' ? start : t, { keepTree: f === 'app/models.py' });
      engine.allFindings();
      const found = start.indexOf(a);
      assert.ok(found >= 0, a);
      // The edit as an editor sends it: the changed characters only (here one inserted or deleted space, or a
      // type name replaced).
      let head = 0;
      while (head < a.length && head < b.length && a[head] === b[head]) head++;
      let tail = 0;
      while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
      const at = found + head;
      const removed = a.length - head - tail;
      const typed = b.slice(head, b.length - tail);
      const next = start.slice(0, at) + typed + start.slice(at + removed);
      engine.updateFile('app/models.py', next, { keepTree: true, edits: [{ startIndex: at, oldEndIndex: at + removed, newText: typed }] });
      const fresh = await createEngine();
      for (const [f, t] of Object.entries(files)) fresh.updateFile(f, f === 'app/models.py' ? next : t);
      assert.equal(JSON.stringify(engine.allFindings()), JSON.stringify(fresh.allFindings()));
      engine.dispose();
      fresh.dispose();
    });
  }

  /**
   * What an open document uses is followed from one keystroke to the next (see `usesAfter`): a reference
   * typed to name another table must make the document one that table's changes reach. Here the typed
   * reference names `accounts`, and then `accounts` loses its `id` in another file.
   */
  it('a reference typed to name another table is checked again when that table changes', async () => {
    const other = [
      'from sqlalchemy import Column, Integer',
      'from app.base import Base',
      '',
      'class User(Base):',
      '    __tablename__ = "users"',
      '    id = Column(Integer, primary_key=True)',
      '',
      'class Account(Base):',
      '    __tablename__ = "accounts"',
      '    id = Column(Integer, primary_key=True)',
      '',
    ].join('\n');
    const models = [
      'from sqlalchemy import Column, ForeignKey, Integer',
      'from app.base import Base',
      '',
      'class Note(Base):',
      '    __tablename__ = "notes"',
      '    id = Column(Integer, primary_key=True)',
      '    owner_id = Column(Integer, ForeignKey("users.id"))',
      '',
      'class Tag(Base):',
      '    __tablename__ = "tags"',
      '    id = Column(Integer, primary_key=True)',
      '',
    ].join('\n');
    const base = 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n';
    const engine = await createEngine();
    engine.updateFile('app/base.py', base);
    engine.updateFile('app/other.py', other);
    engine.updateFile('app/models.py', models, { keepTree: true });
    engine.allFindings();
    // `users` becomes `accounts` in two keystrokes inside the class, each one edit.
    let text = models;
    for (const [from, to] of [['"users.id"', '"user.id"'], ['"user.id"', '"accounts.id"']]) {
      const at = text.indexOf(from) + 1;
      const next = text.replace(from, to);
      engine.updateFile('app/models.py', next, { keepTree: true, edits: [{ startIndex: at, oldEndIndex: at + from.length - 2, newText: to.slice(1, -1) }] });
      engine.allFindings();
      text = next;
    }
    const renamed = other.replace('"accounts"\n    id = Column', '"accounts"\n    ident = Column');
    engine.updateFile('app/other.py', renamed);
    const fresh = await createEngine();
    fresh.updateFile('app/base.py', base);
    fresh.updateFile('app/other.py', renamed);
    fresh.updateFile('app/models.py', text);
    assert.ok(fresh.findings('app/models.py').some((f) => f.rule === 'unknown-column'), 'the fresh engine sees the lost column');
    assert.equal(JSON.stringify(engine.allFindings()), JSON.stringify(fresh.allFindings()));
    engine.dispose();
    fresh.dispose();
  });

  it('a class renamed while its file has a syntax error leaves no definition under its old name', async () => {
    // The first edit breaks the file inside `Account` (its facts then keep the last good ones for what the
    // parser lost); the rename is read, so the old class is not lost and must not come back.
    let text = [
      'from sqlalchemy import Column, ForeignKey, Integer',
      'from sqlalchemy.orm import declarative_base',
      '',
      'Base = declarative_base()',
      '',
      '',
      'class Account(Base):',
      '    __tablename__ = "accounts"',
      '',
      '    id = Column(Integer, primary_key=True)',
      '    tenant_id = Column(',
      '        Integer,',
      '        ForeignKey("accounts.id"),  # the owning account',
      '    )',
      '    parent_id = Column(Integer, ForeignKey("accounts.id"))  # a parent',
      '',
    ].join('\n');
    const engine = await createEngine(parseConfig(undefined, 'config').config);
    engine.updateFile('app/models.py', text, { keepTree: true });
    engine.allFindings();
    for (const [from, to] of [
      ['\n    tenant_id = Column(', '\n    pass'],
      ['class Account(', 'class AccountRenamed('],
    ]) {
      const at = text.indexOf(from);
      const next = text.slice(0, at) + to + text.slice(at + from.length);
      engine.updateFile('app/models.py', next, { keepTree: true, edits: [{ startIndex: at, oldEndIndex: at + from.length, newText: to }] });
      text = next;
    }
    const fresh = await createEngine(parseConfig(undefined, 'config').config);
    fresh.updateFile('app/models.py', text);
    assert.deepEqual(engine.schema().tables.find((t) => t.key === 'accounts')?.definitions.map((d) => d.className), ['AccountRenamed']);
    assert.equal(state(engine), state(fresh));
    engine.dispose();
    fresh.dispose();
  });
});
