// Start-up answers from stored conclusions (server.ts `answerFromStored`): when every file's facts are those an
// earlier index concluded from, open documents get their diagnostics before the workspace is loaded. Those must be
// exactly the diagnostics the finished index publishes: every case here compares each publication a document got
// with the last one, and checks from the log whether the early answer was used.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { fixturesRoot, LspClient } from './harness';

const EARLY = /open files answered from the conclusions of an earlier index/;

describe('language server: diagnostics at start-up from stored conclusions', function () {
  let client: LspClient | undefined;
  let scratch: string;
  let ws: string;
  let cacheHome: string;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'fkguard-lsp-startup-'));
    ws = join(scratch, 'ws');
    cacheHome = join(scratch, 'cache');
    cpSync(join(fixturesRoot, 'basic'), ws, { recursive: true });
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    rmSync(scratch, { recursive: true, force: true });
  });

  /** One server from start to its first index, with nothing open: it stores what it concluded. */
  async function indexOnce(): Promise<void> {
    const first = await LspClient.start({ root: ws, cacheHome });
    try {
      await first.ready();
    } finally {
      await first.stop();
    }
  }

  /** The conclusions file the server keeps in the user's cache folder. */
  function conclusionsFile(): string {
    const workspaces = join(cacheHome, 'fkguard', 'workspaces');
    const [dir] = readdirSync(workspaces);
    return join(workspaces, dir, 'conclusions-v1.cache');
  }

  /**
   * Starts a server, opens `open` (file -> editor text, in order) right after `initialized` as an editor does,
   * waits for the index, and returns every publication each document got.
   */
  async function startWith(open: Array<[string, string]>): Promise<{ early: boolean; byFile: Map<string, PublishDiagnosticsParams[]> }> {
    client = await LspClient.start({ root: ws, cacheHome });
    for (const [file, text] of open) client.open(file, text);
    await client.ready();
    // The last document's own analysis (or answer) follows the index's swap; wait for every document's answer.
    for (const [file] of open) await client.diagnosticsFor(file, () => true, 1);
    const byFile = new Map<string, PublishDiagnosticsParams[]>();
    for (const [file] of open) byFile.set(file, client.publications.filter((p) => p.uri === client!.uri(file)));
    return { early: client.logs.some((l) => EARLY.test(l.message)), byFile };
  }

  /** Every publication equals the last one (which is the finished index's), and the last one is `codes`. */
  function assertNoFlash(publications: PublishDiagnosticsParams[] | undefined, codes: string[]): void {
    assert.ok(publications && publications.length > 0, 'no publication');
    const last = publications[publications.length - 1];
    assert.deepEqual(
      last.diagnostics.map((d) => d.code),
      codes,
    );
    for (const p of publications) assert.deepEqual(p, last);
  }

  const disk = (file: string) => readFileSync(join(ws, file), 'utf8');

  it('answers open documents before the index is loaded, with exactly the diagnostics the index publishes', async () => {
    await indexOnce();
    const { early, byFile } = await startWith([
      ['app/orders.py', disk('app/orders.py')],
      ['app/invoices.py', disk('app/invoices.py')],
    ]);
    assert.ok(early, client!.logs.map((l) => l.message).join('\n'));
    assertNoFlash(byFile.get('app/orders.py'), ['unknown-table']);
    assertNoFlash(byFile.get('app/invoices.py'), ['unknown-table', 'unknown-table']);
  });

  it('does not answer early when a file changed since (the stored answer would be wrong)', async () => {
    await indexOnce();
    // `user` becomes a table: orders.py's reference to it resolves now.
    writeFileSync(join(ws, 'app/users.py'), disk('app/users.py').replace('"users"', '"user"'));
    const { early, byFile } = await startWith([['app/orders.py', disk('app/orders.py')]]);
    assert.equal(early, false);
    assertNoFlash(byFile.get('app/orders.py'), []);
  });

  it('does not answer early when a file was deleted since', async () => {
    await indexOnce();
    unlinkSync(join(ws, 'app/users.py'));
    const { early, byFile } = await startWith([['app/payments.py', disk('app/payments.py')]]);
    assert.equal(early, false);
    assertNoFlash(byFile.get('app/payments.py'), ['unknown-table']);
  });

  it('does not answer early when another open document holds unsaved text that changes the answer', async () => {
    await indexOnce();
    const defineUser = `${disk('app/invoices.py')}\n\nclass LegacyUser(Base):\n    __tablename__ = "user"\n\n    id = Column(Integer, primary_key=True)\n`;
    // orders.py first: the index must still let invoices.py's text in before it answers orders.py.
    const { early, byFile } = await startWith([
      ['app/orders.py', disk('app/orders.py')],
      ['app/invoices.py', defineUser],
    ]);
    assert.equal(early, false);
    assertNoFlash(byFile.get('app/orders.py'), []);
    assertNoFlash(byFile.get('app/invoices.py'), ['unknown-table']);
  });

  it('ignores stored conclusions that were altered, and those of another state of the files', async () => {
    // The conclusions of a state where `user` is a table (orders.py: no problem), kept aside.
    const original = disk('app/users.py');
    writeFileSync(join(ws, 'app/users.py'), original.replace('"users"', '"user"'));
    await indexOnce();
    const otherState = readFileSync(conclusionsFile());
    writeFileSync(join(ws, 'app/users.py'), original);
    await indexOnce();
    const mine = readFileSync(conclusionsFile());
    assert.ok(!mine.equals(otherState));

    // Another state's conclusions in place of this one's.
    writeFileSync(conclusionsFile(), otherState);
    let started = await startWith([['app/orders.py', disk('app/orders.py')]]);
    assert.equal(started.early, false);
    assertNoFlash(started.byFile.get('app/orders.py'), ['unknown-table']);
    await client!.stop();
    client = undefined;

    // This state's conclusions with their findings taken out (header and signature kept).
    const text = mine.toString('utf8');
    const bodyAt = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
    const body = JSON.parse(text.slice(bodyAt)) as { findings: unknown[] };
    assert.ok(body.findings.length > 0);
    body.findings = [];
    writeFileSync(conclusionsFile(), text.slice(0, bodyAt) + JSON.stringify(body));
    started = await startWith([['app/orders.py', disk('app/orders.py')]]);
    assert.equal(started.early, false);
    assertNoFlash(started.byFile.get('app/orders.py'), ['unknown-table']);
  });

  describe('after files changed since the stored conclusions', () => {
    // A file whose only finding does not depend on invoices.py: payments has no column `nope`.
    const SHIPMENTS = [
      'from sqlalchemy import Column, ForeignKey, Integer',
      '',
      'from app.base import Base',
      '',
      '',
      'class Shipment(Base):',
      '    __tablename__ = "shipments"',
      '',
      '    id = Column(Integer, primary_key=True)',
      '    payment_id = Column(Integer, ForeignKey("payments.nope"))',
      '',
    ].join('\n');
    const addColumn = (file: string, line: string) => writeFileSync(join(ws, file), `${disk(file)}    ${line}\n`);

    it('answers early the documents whose findings cannot depend on the changes, and only those', async () => {
      writeFileSync(join(ws, 'app/shipments.py'), SHIPMENTS);
      await indexOnce();
      // invoices.py gains a column: no reference of shipments.py names its table; orders.py has an unknown table,
      // whose "did you mean" ranks every table, so it waits for the index.
      addColumn('app/invoices.py', 'total = Column(Integer)');
      const { early, byFile } = await startWith([
        ['app/shipments.py', disk('app/shipments.py')],
        ['app/orders.py', disk('app/orders.py')],
      ]);
      assert.ok(early, client!.logs.map((l) => l.message).join('\n'));
      assert.ok(client!.logs.some((l) => /1 open files answered from the conclusions of an earlier index \(files changed since; 1 left for the index\)/.test(l.message)));
      assertNoFlash(byFile.get('app/shipments.py'), ['unknown-column']);
      assertNoFlash(byFile.get('app/orders.py'), ['unknown-table']);
    });

    it('does not answer early a document that references what changed', async () => {
      writeFileSync(join(ws, 'app/shipments.py'), SHIPMENTS);
      await indexOnce();
      // payments gains the column shipments.py names: its error goes away.
      addColumn('app/payments.py', 'nope = Column(Integer, unique=True)');
      const { early, byFile } = await startWith([['app/shipments.py', disk('app/shipments.py')]]);
      assert.equal(early, false);
      assertNoFlash(byFile.get('app/shipments.py'), []);
    });

    it('does not answer early when what the models build on changed', async () => {
      writeFileSync(join(ws, 'app/shipments.py'), SHIPMENTS);
      await indexOnce();
      // The declarative base gets another name: every model's base is another class now.
      writeFileSync(join(ws, 'app/base.py'), disk('app/base.py').replace('Base = ', 'Model = '));
      const { early, byFile } = await startWith([['app/shipments.py', disk('app/shipments.py')]]);
      assert.equal(early, false);
      // No class maps to a table now.
      assertNoFlash(byFile.get('app/shipments.py'), []);
    });

    it('answers early a user of a file whose definitions only moved (lines added above them)', async () => {
      await indexOnce();
      // payments.py references users.id and has no finding: it cannot point into users.py, whose tables are the same.
      writeFileSync(join(ws, 'app/users.py'), `# The people who pay.\n\n${disk('app/users.py')}`);
      const { early, byFile } = await startWith([['app/payments.py', disk('app/payments.py')]]);
      assert.ok(early, client!.logs.map((l) => l.message).join('\n'));
      assertNoFlash(byFile.get('app/payments.py'), []);
    });

    it('answers early after a model named from its class was added (SQLModel), a document that uses none of its tables', async () => {
      const heroes = [
        'from sqlmodel import Field, SQLModel',
        '',
        '',
        'class Team(SQLModel, table=True):',
        '    id: int | None = Field(default=None, primary_key=True)',
        '',
        '',
        'class Hero(SQLModel, table=True):',
        '    id: int | None = Field(default=None, primary_key=True)',
        '    team_id: int | None = Field(default=None, foreign_key="team.id")',
        '',
      ].join('\n');
      writeFileSync(join(ws, 'app/heroes.py'), heroes);
      writeFileSync(join(ws, 'app/shipments.py'), SHIPMENTS);
      await indexOnce();
      // `Power`'s table is `power`, as `team` is Team's: no string reference of shipments.py can name it.
      const power = ['class Power(SQLModel, table=True):', '    id: int | None = Field(default=None, primary_key=True)', '    hero_id: int = Field(foreign_key="hero.id")', ''];
      writeFileSync(join(ws, 'app/heroes.py'), `${heroes}\n\n${power.join('\n')}`);
      const { early, byFile } = await startWith([['app/shipments.py', disk('app/shipments.py')]]);
      assert.ok(early, client!.logs.map((l) => l.message).join('\n'));
      assertNoFlash(byFile.get('app/shipments.py'), ['unknown-column']);
    });

    describe('a class without a table name of its own (a mixin) changed', () => {
      const REFUNDS = [
        'from sqlalchemy import Column, ForeignKey, Integer',
        '',
        'from app.base import Base',
        '',
        '',
        'class Refund(Base):',
        '    __tablename__ = "refunds"',
        '',
        '    id = Column(Integer, primary_key=True)',
        '    invoice_id = Column(Integer, ForeignKey("invoices.id"))',
        '',
      ].join('\n');
      const MIXIN = 'class Audited:\n    audited_by = Column(Integer, ForeignKey("users.id"))\n\n\n';
      beforeEach(async () => {
        writeFileSync(join(ws, 'app/refunds.py'), REFUNDS);
        writeFileSync(join(ws, 'app/shipments.py'), SHIPMENTS);
        writeFileSync(join(ws, 'app/invoices.py'), disk('app/invoices.py').replace('class Invoice(Base):', `${MIXIN}class Invoice(Audited, Base):`));
        await indexOnce();
        // The mixin's columns live in `invoices`, which only the derived index knows: that table changed.
        writeFileSync(join(ws, 'app/invoices.py'), disk('app/invoices.py').replace('    audited_by', '    audited_at = Column(Integer)\n    audited_by'));
      });

      it('answers early a document that uses none of the tables it feeds', async () => {
        const { early, byFile } = await startWith([['app/shipments.py', disk('app/shipments.py')]]);
        assert.ok(early, client!.logs.map((l) => l.message).join('\n'));
        assertNoFlash(byFile.get('app/shipments.py'), ['unknown-column']);
      });

      it('does not answer early a document that references a table it feeds', async () => {
        const { early, byFile } = await startWith([['app/refunds.py', disk('app/refunds.py')]]);
        assert.equal(early, false);
        assertNoFlash(byFile.get('app/refunds.py'), []);
      });
    });

    it('does not answer early the document that changed itself', async () => {
      writeFileSync(join(ws, 'app/shipments.py'), SHIPMENTS);
      await indexOnce();
      writeFileSync(join(ws, 'app/shipments.py'), SHIPMENTS.replace('payments.nope', 'payments.id'));
      const { early, byFile } = await startWith([['app/shipments.py', disk('app/shipments.py')]]);
      assert.equal(early, false);
      assertNoFlash(byFile.get('app/shipments.py'), []);
    });
  });

  it('answers early a file that begins with a byte-order mark (an editor holds it without the mark)', async () => {
    writeFileSync(join(ws, 'app/orders.py'), `\ufeff${disk('app/orders.py')}`);
    await indexOnce();
    const { early, byFile } = await startWith([['app/orders.py', disk('app/orders.py').replace(/^\ufeff/, '')]]);
    assert.ok(early, client!.logs.map((l) => l.message).join('\n'));
    assertNoFlash(byFile.get('app/orders.py'), ['unknown-table']);
  });
});

describe('extension manifest: activation', () => {
  /**
   * VS Code checks a `workspaceContains:` marker that is an exact path with one look at each folder, but runs a
   * search of the whole workspace for one holding `*` or `?` (and gives up after 7 s, leaving the extension off).
   */
  it('activates on exact paths only, and once VS Code has started in any case', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { activationEvents: string[] };
    const markers = manifest.activationEvents.filter((e) => e.startsWith('workspaceContains:'));
    assert.ok(markers.length > 0);
    for (const m of markers) assert.doesNotMatch(m, /[*?]/, m);
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
  });
});

describe('language server: its bundle compiled from a V8 code cache', function () {
  let scratch: string;
  let client: LspClient | undefined;
  const saved = process.env.FKGUARD_CODE_CACHE;

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'fkguard-lsp-codecache-'));
    // The server reads its code cache folder from the environment it inherits.
    process.env.FKGUARD_CODE_CACHE = join(scratch, 'code');
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    if (saved === undefined) delete process.env.FKGUARD_CODE_CACHE;
    else process.env.FKGUARD_CODE_CACHE = saved;
    rmSync(scratch, { recursive: true, force: true });
  });

  const caches = () => readdirSync(join(scratch, 'code')).filter((n) => n.startsWith('server-main-') && n.endsWith('.bin'));

  /** A server from start to exit; returns the diagnostics of app/orders.py (code, message, range). */
  async function run(): Promise<unknown> {
    client = await LspClient.start({ fixture: 'basic' });
    const diagnostics = await client.diagnosticsFor('app/orders.py', (d) => d.length > 0);
    await client.stop();
    client = undefined;
    // Each run has a folder of its own: compare what does not name it.
    return diagnostics.map((d) => [d.code, d.message, d.range]);
  }

  it('writes the cache when it exits, then starts from it; a damaged cache is not used, and is written anew', async () => {
    const first = await run();
    const [name] = caches();
    assert.ok(name, 'no code cache written');
    const file = join(scratch, 'code', name);
    const written = readFileSync(file);
    assert.deepEqual(await run(), first);
    // Used, not written again (the same bytes).
    assert.deepEqual(caches(), [name]);
    assert.ok(readFileSync(file).equals(written));
    // Damaged past its digest: the server compiles the bundle as usual, answers the same, and writes a sound cache.
    writeFileSync(file, Buffer.concat([written.subarray(0, 64), Buffer.alloc(written.length - 64, 0x5a)]));
    assert.deepEqual(await run(), first);
    assert.ok(!readFileSync(file).equals(Buffer.concat([written.subarray(0, 64), Buffer.alloc(written.length - 64, 0x5a)])));
  });
});
