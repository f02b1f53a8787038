// What one edit makes the index derive again. A keystroke inside a class body of an open model file must derive
// that file alone, however many model files share its base class; the findings must still equal a fresh engine's.
// Session 16 found every such keystroke deriving the whole workspace: the `u:` names (which classes are built on a
// class, for SQLModel's data models) were followed from the edited file to the shared `Base`, and from it to every
// model file (the bench's re-analysis rows went from 5 ms to 33 ms).
import assert from 'node:assert/strict';
import { createEngine } from '../../server/src/host/python';
import type { Engine } from '../../server/src/core/engine';
import { describeFinding } from './harness';

function findingsOf(engine: Engine, files: Iterable<string>): string[] {
  return [...files]
    .flatMap((f) => [
      ...engine.findings(f).map((x) => `${describeFinding(x)} ${x.message}`),
      ...engine.unchecked(f).map((u) => `${u.file}:${u.range.start.line}:${u.range.start.character} unchecked ${u.reason} ${u.reference} ${u.detail ?? ''}`),
    ])
    .sort();
}

/** A workspace of `n` model files whose classes are all built on one declarative base, each keying the next. */
function hubWorkspace(n: number): Map<string, string> {
  const files = new Map<string, string>([
    ['shop/__init__.py', ''],
    ['shop/base.py', 'from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n'],
  ]);
  for (let i = 0; i < n; i++) {
    files.set(
      `shop/m${i}.py`,
      [
        'from sqlalchemy import Column, ForeignKey, Integer, String',
        '',
        'from shop.base import Base',
        '',
        '',
        `class Shelf${i}(Base):`,
        `    __tablename__ = "shelves_${i}"`,
        '    id = Column(Integer, primary_key=True)',
        `    label = Column(String(20))`,
        `    next_id = Column(Integer, ForeignKey("shelves_${(i + 1) % n}.id"))`,
        '',
      ].join('\n'),
    );
  }
  return files;
}

/** The files opened as an editor opens them (trees kept), then `edit` applied as a document change. */
async function editInPlace(files: Map<string, string>, file: string, find: string, replace: string) {
  const engine = await createEngine();
  for (const [f, t] of files) engine.updateFile(f, t, { keepTree: true });
  for (const f of files.keys()) engine.findings(f);
  const text = files.get(file)!;
  const startIndex = text.indexOf(find);
  assert.ok(startIndex >= 0, `${find} in ${file}`);
  const next = text.slice(0, startIndex) + replace + text.slice(startIndex + find.length);
  const before = engine.navigation().index.lastDerivation()?.count;
  engine.updateFile(file, next, { keepTree: true, edits: [{ startIndex, oldEndIndex: startIndex + find.length, newText: replace }] });
  const edited = new Map(files).set(file, next);
  const incremental = findingsOf(engine, edited.keys());
  const derivation = engine.navigation().index.lastDerivation();
  engine.dispose();
  const fresh = await createEngine();
  for (const [f, t] of edited) fresh.updateFile(f, t);
  const expected = findingsOf(fresh, edited.keys());
  fresh.dispose();
  return { incremental, fresh: expected, derived: derivation && derivation.count !== before ? derivation.files : 0 };
}

describe('engine: what an edit derives again', function () {
  this.timeout(60000);

  it('a keystroke in a class body derives its own file, not every file built on the same base', async () => {
    const files = hubWorkspace(12);
    // The key's target renamed (one character): the file's table keys another table now.
    const retarget = await editInPlace(files, 'shop/m3.py', 'ForeignKey("shelves_4.id")', 'ForeignKey("shelves_5.id")');
    assert.deepEqual(retarget.incremental, retarget.fresh);
    assert.equal(retarget.derived, 1);
    // A column's type changed: the key of the class keying this one now differs in type.
    const retype = await editInPlace(files, 'shop/m6.py', 'id = Column(Integer, primary_key=True)', 'id = Column(String(8), primary_key=True)');
    assert.deepEqual(retype.incremental, retype.fresh);
    assert.ok(retype.fresh.some((f) => f.startsWith('shop/m5.py')), `the edit must change m5.py's findings: ${retype.fresh.join('\n')}`);
    assert.equal(retype.derived, 1);
  });

  it('SQLModel data models two classes up: a body edit derives its file, a table= flag still reaches the data model', async () => {
    const files = new Map<string, string>([
      ['guild/__init__.py', ''],
      [
        'guild/base.py',
        [
          'from sqlmodel import Field, SQLModel',
          '',
          '',
          'class Hall(SQLModel, table=True):',
          '    __tablename__ = "halls"',
          '    id: int = Field(primary_key=True)',
          '',
          '',
          'class QuestBase(SQLModel):',
          '    hall_id: int = Field(foreign_key="halls.code")',
          '',
        ].join('\n'),
      ],
      ['guild/draft.py', 'from sqlmodel import Field, SQLModel\n\nfrom guild.base import QuestBase\n\n\nclass QuestDraft(QuestBase):\n    title: str = Field(default="")\n'],
      [
        'guild/quest.py',
        'from sqlmodel import Field\n\nfrom guild.draft import QuestDraft\n\n\nclass Quest(QuestDraft, table=True):\n    __tablename__ = "quests"\n    id: int = Field(primary_key=True)\n',
      ],
    ]);
    // A body edit of the table class: nothing about which classes are built on which changes.
    const body = await editInPlace(files, 'guild/quest.py', '__tablename__ = "quests"', '__tablename__ = "quest_rows"');
    assert.deepEqual(body.incremental, body.fresh);
    assert.ok(body.fresh.some((f) => f.includes('unknown-column') && f.includes('halls')), `QuestBase's key is made through Quest: ${body.fresh.join('\n')}`);
    assert.equal(body.derived, 1);
    // `table=True` removed: no table class descends from QuestBase any more, so its key is made by no table.
    const flag = await editInPlace(files, 'guild/quest.py', ', table=True', '');
    assert.deepEqual(flag.incremental, flag.fresh);
    assert.ok(flag.fresh.some((f) => f.includes('unchecked no-table-class halls.code')), `QuestBase makes no key now: ${flag.fresh.join('\n')}`);
    assert.ok(!flag.fresh.some((f) => f.includes('unknown-column')), flag.fresh.join('\n'));
  });
});
