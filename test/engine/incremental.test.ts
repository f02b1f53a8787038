import assert from 'node:assert/strict';
import { Engine } from '../../server/src/core/engine';
import { createEngine } from '../../server/src/host/python';
import { withSuppressions } from '../../server/src/core/suppress';
import { DEFAULT_CONFIG, type FkGuardConfig } from '../../server/src/core/config';

const USERS = `from sqlalchemy import Column, Integer, String
from app.db import Base


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(255), unique=True)
`;

const ORDERS = `from sqlalchemy import Column, ForeignKey, Integer
from app.db import Base


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
`;

const UNRELATED = `from sqlalchemy import Column, ForeignKey, Integer
from app.db import Base


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("tags.id"))
`;

const DB = `from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n`;

async function workspace(): Promise<Engine> {
  const e = await createEngine();
  e.updateFile('app/db.py', DB);
  e.updateFile('app/users.py', USERS);
  e.updateFile('app/orders.py', ORDERS);
  e.updateFile('app/tags.py', UNRELATED);
  return e;
}

function rules(e: Engine, file: string): string[] {
  return e.findings(file).map((f) => `${f.rule}@${f.range.start.line + 1}`);
}

describe('incremental updates', () => {
  it('editing a reference affects only its own file', async () => {
    const e = await workspace();
    const affected = e.updateFile('app/orders.py', ORDERS.replace('"users.id"', '"user.id"'));
    assert.deepEqual(affected, ['app/orders.py']);
    assert.deepEqual(rules(e, 'app/orders.py'), ['unknown-table@8']);
    e.dispose();
  });

  it('changing a table reaches the files that reference it, and only those', async () => {
    const e = await workspace();
    const affected = e.updateFile('app/users.py', USERS.replace('"users"', '"accounts"'));
    assert.deepEqual([...affected].sort(), ['app/orders.py', 'app/users.py']);
    assert.deepEqual(rules(e, 'app/orders.py'), ['unknown-table@8']);
    assert.deepEqual(rules(e, 'app/tags.py'), []);
    e.dispose();
  });

  it('changing a column type re-checks the referencing file', async () => {
    const e = await workspace();
    e.updateFile('app/users.py', USERS.replace('id = Column(Integer', 'id = Column(String(36)'));
    assert.deepEqual(rules(e, 'app/orders.py'), ['type-mismatch@8']);
    e.dispose();
  });

  it('removing a file removes its tables', async () => {
    const e = await workspace();
    const affected = e.removeFile('app/users.py');
    assert.ok(affected.includes('app/orders.py'));
    assert.deepEqual(rules(e, 'app/orders.py'), ['unknown-table@8']);
    e.dispose();
  });

  it('an incremental re-parse from edits gives the same facts as a full parse', async () => {
    const e = await workspace();
    e.updateFile('app/orders.py', ORDERS, { keepTree: true });
    let text = ORDERS;
    // Type a character at a time into the reference, as an editor sends it.
    const at = text.indexOf('users.id');
    for (const [i, ch] of [...'x_'].entries()) {
      const start = at + i;
      text = text.slice(0, start) + ch + text.slice(start);
      e.updateFile('app/orders.py', text, { keepTree: true, edits: [{ startIndex: start, oldEndIndex: start, newText: ch }] });
    }
    const incremental = JSON.stringify(e.getFacts('app/orders.py'));
    const fresh = await createEngine();
    fresh.updateFile('app/orders.py', text);
    assert.equal(incremental, JSON.stringify(fresh.getFacts('app/orders.py')));
    assert.deepEqual(rules(e, 'app/orders.py'), ['unknown-table@8']);
    e.dispose();
    fresh.dispose();
  });

  it('a file that stops being a model file leaves the index', async () => {
    const e = await workspace();
    e.updateFile('app/users.py', '# emptied\n');
    assert.equal(e.getFacts('app/users.py'), undefined);
    assert.deepEqual(rules(e, 'app/orders.py'), ['unknown-table@8']);
    assert.equal(e.stats().parsedFiles, 3);
    e.dispose();
  });

  it('a half-typed file keeps the facts it can and never throws', async () => {
    const e = await workspace();
    const half = ORDERS + '    other_id = Column(Integer, ForeignKey("users.\n    def broken(:\n';
    e.updateFile('app/orders.py', half);
    const facts = e.getFacts('app/orders.py')!;
    assert.ok(facts.errors.length > 0);
    assert.ok(facts.classes.some((c) => c.name === 'Order'));
    assert.ok(facts.references.some((r) => r.target?.kind === 'literal' && r.target.value === 'users.id'));
    e.dispose();
  });

  it('a half-typed document keeps the last good facts of the region that does not parse', async () => {
    const e = await workspace();
    const MODELS = `from sqlalchemy import Column, ForeignKey, Integer
from app.db import Base


class Invoice(Base):
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)


class Payment(Base):
    __tablename__ = "payments"
    id = Column(Integer, primary_key=True)
    invoice_id = Column(Integer, ForeignKey("invoices.id"))
`;
    const REFUND = 'from sqlalchemy import Column, ForeignKey, Integer\nfrom app.db import Base\n\n\nclass Refund(Base):\n    __tablename__ = "refunds"\n    id = Column(Integer, primary_key=True)\n    payment_id = Column(Integer, ForeignKey("payments.id"))\n';
    e.updateFile('app/refunds.py', REFUND);
    e.updateFile('app/billing.py', MODELS, { keepTree: true });
    assert.deepEqual(rules(e, 'app/refunds.py'), []);
    // Type an unclosed call into Invoice, one character at a time: the parser loses what follows.
    let text = MODELS;
    const at = text.indexOf('    id = Column(Integer, primary_key=True)\n\n\nclass Payment');
    const typed = '    total = Column(Integer, ForeignKey("payments.\n';
    let offset = at;
    for (const ch of typed) {
      text = text.slice(0, offset) + ch + text.slice(offset);
      e.updateFile('app/billing.py', text, { keepTree: true, edits: [{ startIndex: offset, oldEndIndex: offset, newText: ch }] });
      offset++;
      // Whatever the parser makes of the half-typed line, payments stays a table for the other file.
      assert.deepEqual(rules(e, 'app/refunds.py'), [], `after typing ${JSON.stringify(typed.slice(0, offset - at))}`);
    }
    assert.ok(e.getFacts('app/billing.py')!.errors.length > 0, 'the typed line does not parse');
    // Finishing the line gives exactly what a fresh read gives.
    const finish = 'id"))';
    const end = offset - 1;
    text = text.slice(0, end) + finish + text.slice(end);
    e.updateFile('app/billing.py', text, { keepTree: true, edits: [{ startIndex: end, oldEndIndex: end, newText: finish }] });
    const fresh = await createEngine();
    fresh.updateFile('app/billing.py', text);
    assert.deepEqual(fresh.getFacts('app/billing.py')!.errors, []);
    assert.deepEqual(e.getFacts('app/billing.py'), fresh.getFacts('app/billing.py'));
    e.dispose();
    fresh.dispose();
  });

  it('typing above a ForeignKeyConstraint moves its references once', async () => {
    // A constraint's references are held twice in the facts (by the class and by the file's list).
    const text = `from sqlalchemy import Column, ForeignKeyConstraint, Integer
from app.db import Base


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (ForeignKeyConstraint(["user_id"], ["user.id"]),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer)
`;
    const e = await workspace();
    e.updateFile('app/grants.py', text, { keepTree: true });
    // The edit is in the class above: the constraint's class is not read again, only moved.
    const at = text.indexOf('"notes"') + 1;
    const next = `${text.slice(0, at)}x${text.slice(at)}`;
    e.updateFile('app/grants.py', next, { keepTree: true, edits: [{ startIndex: at, oldEndIndex: at, newText: 'x' }] });
    const fresh = await createEngine();
    fresh.updateFile('app/grants.py', next);
    assert.deepEqual(e.getFacts('app/grants.py'), fresh.getFacts('app/grants.py'));
    assert.equal(e.findings('app/grants.py')[0]?.range.start.character, fresh.findings('app/grants.py')[0]?.range.start.character);
    e.dispose();
    fresh.dispose();
  });

  it('a suppression marker, a CRLF and a backslash typed into an open document are read as a fresh engine reads them', async () => {
    // Suppressions of an open document follow its edits without reading the whole text again when the lines an
    // edit touched have no marker, CRLF or backslash (see `withSuppressions`): each keystroke that starts one, in
    // a file that had none, is compared with a fresh read of the same text.
    const base = ORDERS.replace('users.id', 'userz.id');
    const lineEnd = (needle: string) => base.indexOf('\n', base.indexOf(needle));
    for (const [at, typed] of [
      [lineEnd('userz.id'), '  # fkguard: ignore[unknown-table]'],
      [lineEnd('primary_key=True'), '  # a\r'],
      [lineEnd('__tablename__'), '  # a \\'],
    ] as const) {
      const e = await workspace();
      let text = base;
      e.updateFile('app/orders.py', text, { keepTree: true });
      for (const [i, ch] of [...typed].entries()) {
        const start = at + i;
        text = text.slice(0, start) + ch + text.slice(start);
        e.updateFile('app/orders.py', text, { keepTree: true, edits: [{ startIndex: start, oldEndIndex: start, newText: ch }] });
        const facts = e.getFacts('app/orders.py')!;
        assert.deepEqual(facts.suppressions, withSuppressions({ ...facts }, text).suppressions, `after typing ${JSON.stringify(typed.slice(0, i + 1))}`);
      }
      const fresh = await workspace();
      fresh.updateFile('app/orders.py', text);
      assert.deepEqual(e.findings('app/orders.py'), fresh.findings('app/orders.py'));
      assert.deepEqual(rules(e, 'app/orders.py'), typed.includes('fkguard') ? [] : ['unknown-table@8']);
      e.dispose();
      fresh.dispose();
    }
  });

  it('table names typed over one character at a time: every finding of the file is what a fresh engine finds', async () => {
    // Each keystroke takes a table key away and puts another in. The references of the file that keep their
    // result are those no such key concerns: `lockers.id` resolves to `Lockers` in another letter case (SQLite
    // folds it), `widgit.id` is offered `widgets` ("did you mean"), and both change as the names are typed over,
    // while nothing they name (`t:lockers`, `t:widgit`) is a name the edit changed.
    let text = `from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Locker(Base):
    __tablename__ = "Lockers"
    id = Column(Integer, primary_key=True)


class Widget(Base):
    __tablename__ = "widgets"
    id = Column(Integer, primary_key=True)


class Key(Base):
    __tablename__ = "keys"
    id = Column(Integer, primary_key=True)
    locker_id = Column(Integer, ForeignKey("lockers.id"))
    widget_id = Column(Integer, ForeignKey("widgit.id"))
`;
    const file = 'app/models.py';
    const sqlite: FkGuardConfig = { ...DEFAULT_CONFIG, dialect: 'sqlite', dialectExplicit: true };
    const e = await createEngine(sqlite);
    e.updateFile(file, text, { keepTree: true });
    assert.deepEqual(
      e.findings(file).map((f) => f.message),
      ['`widgit` is not a table; did you mean `widgets` (app/models.py:13)?'],
    );
    const compare = async (step: string) => {
      const fresh = await createEngine(sqlite);
      fresh.updateFile(file, text);
      assert.deepEqual(e.findings(file), fresh.findings(file), step);
      fresh.dispose();
    };
    const type = async (startIndex: number, oldEndIndex: number, newText: string) => {
      text = text.slice(0, startIndex) + newText + text.slice(oldEndIndex);
      e.updateFile(file, text, { keepTree: true, edits: [{ startIndex, oldEndIndex, newText }] });
      await compare(`after ${JSON.stringify(text.match(/__tablename__ = "[^"]*"/g))}`);
    };
    for (const [name, typed] of [['Lockers', 'lockerz'], ['widgets', 'gadget']] as const) {
      const start = text.indexOf(`"${name}"`) + 1;
      for (let n = name.length; n > 0; n--) await type(start + n - 1, start + n, '');
      for (const [i, ch] of [...typed].entries()) await type(start + i, start + i, ch);
    }
    e.dispose();
  });

  it('a table name typed: another file with an unknown table is checked again when, and only when, "did you mean" answers it otherwise', async () => {
    // Every keystroke takes a table key away and puts another in. `app/orders.py` names `widgit`, which no file
    // defines: it is checked again once the name typed in `app/shop.py` ranks for it, or stops ranking.
    const orders = ORDERS.replace('"users.id"', '"widgit.id"');
    let shop = `from sqlalchemy import Column, Integer
from app.db import Base


class Shelf(Base):
    __tablename__ = "w"
    id = Column(Integer, primary_key=True)
`;
    const e = await workspace();
    e.updateFile('app/orders.py', orders);
    e.updateFile('app/shop.py', shop, { keepTree: true });
    assert.deepEqual(rules(e, 'app/orders.py'), ['unknown-table@8']);
    let rechecked = 0;
    let kept = 0;
    const start = shop.indexOf('"w"') + 2;
    for (const [i, ch] of [...'idgetsxyz'].entries()) {
      const at = start + i;
      shop = shop.slice(0, at) + ch + shop.slice(at);
      const affected = e.updateFile('app/shop.py', shop, { keepTree: true, edits: [{ startIndex: at, oldEndIndex: at, newText: ch }] });
      if (affected.includes('app/orders.py')) rechecked++;
      else kept++;
      const fresh = await workspace();
      fresh.updateFile('app/orders.py', orders);
      fresh.updateFile('app/shop.py', shop);
      assert.deepEqual(e.findings('app/orders.py'), fresh.findings('app/orders.py'), `after ${JSON.stringify(shop.match(/"[a-z_]*"/)![0])}`);
      fresh.dispose();
    }
    // `widgit` is offered the name being typed for a few keystrokes, and not before nor after: both ways were taken.
    assert.ok(rechecked > 0 && kept > 0, `checked again ${rechecked}, kept ${kept}`);
    e.dispose();
  });

  it('two engines in one process do not share state', async () => {
    const a = await workspace();
    const b = await createEngine();
    b.updateFile('app/orders.py', ORDERS);
    assert.deepEqual(rules(a, 'app/orders.py'), []);
    assert.deepEqual(rules(b, 'app/orders.py'), ['unknown-table@8']);
    a.dispose();
    b.dispose();
  });
});
