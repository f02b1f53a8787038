// Keystrokes in an open model file, as an editor sends them, against a fresh server given the final text.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rng } from '../engine/harness';
import { fixturesRoot, LspClient } from './harness';

const MODELS = 'app/models.py';

const KEYWORDS = new Set(['from', 'import', 'class', 'def', 'return', 'self', 'True', 'False', 'None']);

/**
 * One keystroke that keeps the file valid Python: a letter typed into a name, a string or a comment (or one
 * deleted there), a blank typed after a comma, a blank line added inside a class or taken away again. The
 * places are the ones the server treats alike or apart: comments and method bodies inside classes (where no
 * fact changes), column names and types, table names, foreign-key strings.
 */
function keystroke(text: string, random: () => number): { start: number; end: number; newText: string } | undefined {
  const pick = <T>(xs: T[]) => (xs.length > 0 ? xs[Math.floor(random() * xs.length)] : undefined);
  const kind = random();
  if (kind < 0.6) {
    // Inside a word of letters (a name, a string's table or column, a comment's word), never a keyword.
    const words = [...text.matchAll(/[A-Za-z_][A-Za-z_]+/g)].filter((m) => !KEYWORDS.has(m[0]) && !/^(Column|ForeignKey|Integer|String|Base|Stamped|sqlalchemy|app|base|unique|primary_key|fkguard|ignore)$/.test(m[0]));
    const w = pick(words);
    if (!w) return undefined;
    const at = w.index! + 1 + Math.floor(random() * (w[0].length - 1));
    if (random() < 0.35 && w[0].length > 2) return { start: at, end: at + 1, newText: '' };
    return { start: at, end: at, newText: 'xyz_q'[Math.floor(random() * 5)] };
  }
  if (kind < 0.75) {
    const comma = pick([...text.matchAll(/, /g)]);
    return comma ? { start: comma.index! + 1, end: comma.index! + 1, newText: ' ' } : undefined;
  }
  if (kind < 0.9) {
    // A blank line inside a class body, after one of its lines.
    const line = pick([...text.matchAll(/\n    [^\n]*/g)]);
    if (!line) return undefined;
    const end = line.index! + line[0].length;
    return { start: end, end, newText: '\n    ' };
  }
  const blank = pick([...text.matchAll(/\n    (?=\n)/g)]);
  return blank ? { start: blank.index!, end: blank.index! + blank[0].length, newText: '' } : undefined;
}

/**
 * A server's diagnostics by file, in a form two servers can be compared in: each server has its own copy of
 * the fixture, and document versions are left out (the typed document is at another version).
 */
function published(client: LspClient): Map<string, string> {
  const out = new Map<string, string>();
  for (const [uri, p] of client.diagnostics) {
    if (p.diagnostics.length === 0) continue;
    const rel = uri.slice(client.rootUri.length + 1);
    out.set(rel, JSON.stringify(p.diagnostics, (k, v) => (k === 'version' ? undefined : v)).split(client.rootUri).join('<root>'));
  }
  return out;
}

/** Waits until the server has handled everything sent so far (a request is answered after earlier work). */
async function settled(client: LspClient): Promise<void> {
  await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri(MODELS) }, position: { line: 0, character: 0 } });
}

/**
 * The server re-derives only what a keystroke touched, keeps the findings of references whose targets did not
 * change, and takes a keystroke that changed no fact (a comment, a blank, a method's body) without re-checking
 * anything. Whatever it kept, the diagnostics of every file must be those a fresh server publishes for the
 * final text: random keystroke sequences, each step waited for, then a fresh server opened on the result.
 */
describe('language server: keystroke sequences equal a fresh server', function () {
  const original = readFileSync(join(fixturesRoot, 'editing', MODELS), 'utf8');
  // FKGUARD_STRESS=N runs N times more seeds, for a longer search by hand.
  const seeds = Array.from({ length: 4 * Math.max(1, Number(process.env.FKGUARD_STRESS ?? 0)) }, (_, i) => i + 1);
  for (const seed of seeds) {
    it(`seed ${seed}`, async () => {
      const random = rng(4242 + seed);
      const typed = await LspClient.start({ fixture: 'editing' });
      // Given the whole text every few keystrokes (it reads the file whole: no class-level shortcut, nothing
      // kept), and at the end a server started afresh on the final text.
      const whole = await LspClient.start({ fixture: 'editing' });
      let fresh: LspClient | undefined;
      const sent: Array<{ start: number; end: number; newText: string }> = [];
      const compare = (other: LspClient, when: string) => {
        const a = published(typed);
        const b = published(other);
        assert.ok(b.size >= 2, `the fixture has findings in several files (${[...b.keys()]})`);
        for (const file of new Set([...a.keys(), ...b.keys()])) {
          assert.equal(a.get(file), b.get(file), `${file} ${when} (seed ${seed}); keystrokes: ${JSON.stringify(sent)}; text:\n${typed.doc(MODELS).getText()}`);
        }
      };
      try {
        await Promise.all([typed.ready(), whole.ready()]);
        typed.open(MODELS, original);
        whole.open(MODELS, original);
        await Promise.all([typed.diagnosticsFor(MODELS, () => true, 1), whole.diagnosticsFor(MODELS, () => true, 1)]);
        const doc = typed.doc(MODELS);
        for (let step = 1; step <= 60; step++) {
          const k = keystroke(doc.getText(), random);
          if (!k) continue;
          sent.push(k);
          const version = typed.change(MODELS, [{ range: { start: doc.positionAt(k.start), end: doc.positionAt(k.end) }, newText: k.newText }]);
          await typed.diagnosticsFor(MODELS, () => true, version);
          if (step % 4 !== 0) continue;
          const other = whole.doc(MODELS);
          const v = whole.change(MODELS, [{ range: { start: { line: 0, character: 0 }, end: other.positionAt(other.getText().length) }, newText: doc.getText() }]);
          await whole.diagnosticsFor(MODELS, () => true, v);
          await Promise.all([settled(typed), settled(whole)]);
          compare(whole, `after ${step} keystrokes`);
        }
        await settled(typed);
        fresh = await LspClient.start({ fixture: 'editing' });
        await fresh.ready();
        fresh.open(MODELS, doc.getText());
        await fresh.diagnosticsFor(MODELS, () => true, 1);
        await settled(fresh);
        compare(fresh, 'after 60 keystrokes, against a fresh server');
      } finally {
        await typed.stop();
        await whole.stop();
        await fresh?.stop();
      }
    });
  }
});

/**
 * review7's R7-7, over the wire: a package's `__init__.py` re-exports a class under another name; a model file
 * of another package builds on it. Editing the alias in the open `__init__.py` changes what the model's table
 * has, which no name the `__init__.py` defines says: the server kept "`crates` has no column `id`; did you mean
 * `sku`" (with a fix that breaks working code) on the model file until it restarted. Invented workspace.
 */
describe('language server: an edit of a re-export reaches the files importing through it', function () {
  it("a package's __init__.py alias pointed at another class, and back", async () => {
    const root = mkdtempSync(join(tmpdir(), 'fkguard-reexport-'));
    const files: Record<string, string> = {
      'shop/__init__.py': 'from .bases import Base, SkuModel as CatalogModel\n',
      'shop/bases.py': [
        'from sqlalchemy import Column, Integer, String',
        'from sqlalchemy.orm import declarative_base',
        '',
        'Base = declarative_base()',
        '',
        '',
        'class SerialModel(Base):',
        '    __abstract__ = True',
        '    id = Column(Integer, primary_key=True)',
        '',
        '',
        'class SkuModel(Base):',
        '    __abstract__ = True',
        '    sku = Column(String(8), primary_key=True)',
        '',
      ].join('\n'),
      'store/__init__.py': '',
      'store/crates.py': [
        'from sqlalchemy import Column, ForeignKey, Integer',
        '',
        'from shop import Base, CatalogModel',
        '',
        '',
        'class Crate(CatalogModel):',
        '    __tablename__ = "crates"',
        '',
        '',
        'class Pallet(Base):',
        '    __tablename__ = "pallets"',
        '    id = Column(Integer, primary_key=True)',
        '    crate_id = Column(Integer, ForeignKey("crates.id"))',
        '',
      ].join('\n'),
    };
    for (const [f, t] of Object.entries(files)) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), t);
    }
    const client = await LspClient.start({ root });
    try {
      await client.ready();
      const crates = 'store/crates.py';
      const init = 'shop/__init__.py';
      client.open(crates, files[crates]);
      const before = await client.diagnosticsFor(crates, () => true, 1);
      assert.deepEqual(before.map((d) => d.code), ['unknown-column']);
      const doc = client.open(init, files[init]);
      await client.diagnosticsFor(init, () => true, 1);
      const retarget = (from: string, to: string) => {
        const at = doc.getText().indexOf(from);
        return client.change(init, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at + from.length) }, newText: to }]);
      };
      await client.diagnosticsFor(init, () => true, retarget('SkuModel', 'SerialModel'));
      // `crates` now has the `id` the foreign key names: the false error goes (a fresh server publishes none).
      await client.diagnosticsFor(crates, (d) => d.length === 0);
      await client.diagnosticsFor(init, () => true, retarget('SerialModel', 'SkuModel'));
      await client.diagnosticsFor(crates, (d) => d.length === 1 && d[0].code === 'unknown-column');
    } finally {
      await client.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
