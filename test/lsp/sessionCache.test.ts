// The facts cache and stored conclusions brought up to date during a session (host/sessionCache.ts, server.ts
// `scanSession`): a moment after files are saved in the editor or change on disk, a worker thread scans the folder as
// a start-up would, so the next start-up (or `fkguard scan`) finds every file's facts in the cache and the conclusions
// of exactly those facts. Each case drives the real server over stdio, restarts it, and compares what it publishes
// with a cold start's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileChangeType, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { fixturesRoot, LspClient, repoRoot } from './harness';

const EXACT = /^FK Guard \(fixture\): (\d+) open files answered from the conclusions of an earlier index\.$/;
const FROM_CACHE = /^FK Guard \(fixture\): (\d+) files' facts came from the cache, unparsed\.$/;
const SCANNED = /facts cache brought up to date after (\d+) changed files \((\d+) of (\d+) files read again\), conclusions (stored|reused|none)(; .*, replaced)?, \d+ ms on a worker thread\.$/;

describe('language server: the facts cache and conclusions written during a session', function () {
  let scratch: string;
  let ws: string;
  let cacheHome: string;
  const clients: LspClient[] = [];

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'fkguard-lsp-session-'));
    ws = join(scratch, 'ws');
    cacheHome = join(scratch, 'cache');
    cpSync(join(fixturesRoot, 'basic'), ws, { recursive: true });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function start(home = cacheHome): Promise<LspClient> {
    const client = await LspClient.start({ root: ws, cacheHome: home, initializationOptions: { cacheWriteDelay: 0 } });
    clients.push(client);
    return client;
  }

  const disk = (file: string) => readFileSync(join(ws, file), 'utf8');

  /** The `n`-th report of a session scan (1-based), once it is logged: [changed files, files read again, files, conclusions, problem]. */
  async function scanned(client: LspClient, n: number): Promise<string[]> {
    const m = await client.waitFor(`session scan ${n}`, () => client.logs.map((l) => SCANNED.exec(l.message)).filter((x): x is RegExpExecArray => x !== null)[n - 1], 60000);
    return [...m].slice(1);
  }

  /** Opens `files` (their text on disk) right after start-up and returns every publication each got by the time all are ready. */
  async function openAll(client: LspClient, files: string[]): Promise<Map<string, PublishDiagnosticsParams[]>> {
    for (const f of files) client.open(f, disk(f));
    await client.ready();
    for (const f of files) await client.diagnosticsFor(f, () => true, 1);
    return new Map(files.map((f) => [f, client.publications.filter((p) => p.uri === client.uri(f))]));
  }

  function cacheFiles(): { facts: Buffer; conclusions: Buffer } {
    const workspaces = join(cacheHome, 'fkguard', 'workspaces');
    const [dir] = readdirSync(workspaces);
    return { facts: readFileSync(join(workspaces, dir, 'facts-v4.cache')), conclusions: readFileSync(join(workspaces, dir, 'conclusions-v1.cache')) };
  }

  /** `fkguard scan --format json` of the workspace (the bundled CLI), without its timing. */
  function cli(...args: string[]): unknown {
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'scan', ws, '--format', 'json', ...args], {
        env: { ...process.env, XDG_CACHE_HOME: cacheHome },
        encoding: 'utf8',
      });
    } catch (err) {
      // Findings of error severity exit with 1; the report is on stdout all the same.
      out = (err as { stdout: string }).stdout;
    }
    const report = JSON.parse(out) as { stats?: { ms?: number } };
    delete report.stats?.ms;
    return report;
  }

  /** A session: an edit saved in the editor, a file changed on disk, one created, one deleted; each written back. */
  async function session(): Promise<void> {
    const a = await start();
    a.open('app/orders.py', disk('app/orders.py'));
    await a.ready();
    await a.diagnosticsFor('app/orders.py', (d) => d.length === 1);
    // `user` -> `users`: orders.py's unknown table is gone; saved as an editor saves.
    const version = a.change('app/orders.py', [{ range: { start: { line: 9, character: 46 }, end: { line: 9, character: 46 } }, newText: 's' }]);
    await a.diagnosticsFor('app/orders.py', (d) => d.length === 0, version);
    writeFileSync(join(ws, 'app/orders.py'), a.doc('app/orders.py').getText());
    a.save('app/orders.py');
    // Only the saved file was read again; the rest came from the cache.
    assert.deepEqual((await scanned(a, 1)).slice(0, 4), ['1', '1', '6', 'stored']);
    // Outside the editor: invoices.py's `order` becomes `orders`, a new model file, a deleted one.
    writeFileSync(join(ws, 'app/invoices.py'), disk('app/invoices.py').replace('"order.id"', '"orders.id"'));
    a.fileChanged('app/invoices.py', FileChangeType.Changed);
    assert.deepEqual((await scanned(a, 2)).slice(0, 4), ['1', '1', '6', 'stored']);
    writeFileSync(join(ws, 'app/items.py'), 'from sqlalchemy import Column, ForeignKey, Integer\n\nfrom app.base import Base\n\n\nclass Item(Base):\n    __tablename__ = "items"\n\n    id = Column(Integer, primary_key=True)\n    order_id = Column(Integer, ForeignKey("order.id"))\n');
    a.fileChanged('app/items.py', FileChangeType.Created);
    assert.deepEqual((await scanned(a, 3)).slice(0, 4), ['1', '1', '7', 'stored']);
    unlinkSync(join(ws, 'app/payments.py'));
    a.fileChanged('app/payments.py', FileChangeType.Deleted);
    assert.deepEqual((await scanned(a, 4)).slice(0, 4), ['1', '0', '6', 'stored']);
    await a.stop();
  }

  it('a restart after a session of edits answers from the stored conclusions, parses nothing, and equals a cold start', async () => {
    await session();
    const open = ['app/orders.py', 'app/invoices.py', 'app/items.py'];
    const b = await start();
    const warm = await openAll(b, open);
    const messages = b.logs.map((l) => l.message);
    assert.equal(messages.map((m) => EXACT.exec(m)?.[1]).find(Boolean), '3', messages.join('\n'));
    // Every file of the workspace from the cache: __init__, base, invoices, items, orders, users.
    assert.equal(messages.map((m) => FROM_CACHE.exec(m)?.[1]).find(Boolean), '6', messages.join('\n'));

    const cold = await start(join(scratch, 'cold-cache'));
    const fresh = await openAll(cold, open);
    assert.ok(!cold.logs.some((l) => EXACT.test(l.message)));
    for (const f of open) {
      const first = warm.get(f)![0];
      const last = fresh.get(f)!.at(-1)!;
      // The first diagnostics the warm start published are the cold start's final ones, and nothing flashed.
      assert.deepEqual(first.diagnostics, last.diagnostics, f);
      for (const p of warm.get(f)!) assert.deepEqual(p.diagnostics, last.diagnostics, f);
    }
    assert.deepEqual(
      fresh.get('app/items.py')!.at(-1)!.diagnostics.map((d) => d.code),
      ['unknown-table'],
    );
    assert.deepEqual(
      fresh.get('app/invoices.py')!.at(-1)!.diagnostics.map((d) => d.code),
      ['unknown-table'],
    );
  });

  it('the CLI reuses what the session wrote (nothing parsed, nothing written), and reports as a cold scan does', async () => {
    await session();
    const before = cacheFiles();
    const warm = cli();
    const after = cacheFiles();
    assert.ok(before.facts.equals(after.facts), 'the CLI wrote the facts cache again');
    assert.ok(before.conclusions.equals(after.conclusions), 'the CLI stored conclusions of its own');
    assert.deepEqual(warm, cli('--no-cache'));
  });

  it('a server starting after the CLI answers from what the CLI stored', async () => {
    await session();
    writeFileSync(join(ws, 'app/users.py'), `${disk('app/users.py')}    name = Column(String(80))\n`);
    const report = cli();
    const b = await start();
    const warm = await openAll(b, ['app/items.py']);
    const messages = b.logs.map((l) => l.message);
    assert.equal(messages.map((m) => EXACT.exec(m)?.[1]).find(Boolean), '1', messages.join('\n'));
    assert.deepEqual(report, cli('--no-cache'));
    for (const p of warm.get('app/items.py')!) assert.deepEqual(p.diagnostics.map((d) => d.code), ['unknown-table']);
  });

  /** A session where users.py is edited in the editor (`user` becomes a table there) while invoices.py changes on disk. */
  async function unsavedSession(): Promise<LspClient> {
    const a = await start();
    a.open('app/orders.py', disk('app/orders.py'));
    a.open('app/users.py', disk('app/users.py'));
    await a.ready();
    await a.diagnosticsFor('app/orders.py', (d) => d.length === 1);
    const v = a.change('app/users.py', [{ range: { start: { line: 6, character: 25 }, end: { line: 6, character: 26 } }, newText: '' }]);
    await a.diagnosticsFor('app/orders.py', (d) => d.length === 0);
    await a.diagnosticsFor('app/users.py', () => true, v);
    writeFileSync(join(ws, 'app/invoices.py'), disk('app/invoices.py').replace('"order.id"', '"orders.id"'));
    a.fileChanged('app/invoices.py', FileChangeType.Changed);
    assert.equal((await scanned(a, 1))[3], 'stored');
    return a;
  }

  it("an open document's unsaved text never reaches the stored conclusions: a restart publishes what the files say", async () => {
    const a = await unsavedSession();
    await a.stop();
    const b = await start();
    const warm = await openAll(b, ['app/orders.py']);
    assert.ok(b.logs.some((l) => EXACT.test(l.message)), b.logs.map((l) => l.message).join('\n'));
    // The editor's `user` table was never saved: orders.py's reference is unknown, from the first publication on.
    for (const p of warm.get('app/orders.py')!) assert.deepEqual(p.diagnostics.map((d) => d.code), ['unknown-table']);
  });

  it('the save of that document brings its text into the stored conclusions', async () => {
    const a = await unsavedSession();
    writeFileSync(join(ws, 'app/users.py'), a.doc('app/users.py').getText());
    a.save('app/users.py');
    assert.equal((await scanned(a, 2))[3], 'stored');
    await a.stop();
    const b = await start();
    const warm = await openAll(b, ['app/orders.py']);
    assert.ok(b.logs.some((l) => EXACT.test(l.message)), b.logs.map((l) => l.message).join('\n'));
    for (const p of warm.get('app/orders.py')!) assert.deepEqual(p.diagnostics, []);
  });

  it('replaces a cache another FK Guard wrote mid-session, never reading it, and a restart answers from the new one', async () => {
    const a = await start();
    await a.ready();
    const dir = join(cacheHome, 'fkguard', 'workspaces', readdirSync(join(cacheHome, 'fkguard', 'workspaces'))[0]);
    // Another version's cache (its key names other code), put there mid-session as its CLI would.
    writeFileSync(join(dir, 'facts-v4.cache'), 'FKGUARD-FACTS 4\n{"key":"another build","mac":"x","indexBytes":2}\n{}');
    writeFileSync(join(ws, 'app/invoices.py'), disk('app/invoices.py').replace('"order.id"', '"orders.id"'));
    a.fileChanged('app/invoices.py', FileChangeType.Changed);
    const scan = await scanned(a, 1);
    // Every file read again: nothing of the other version's cache was used.
    assert.deepEqual(scan.slice(1, 4), ['6', '6', 'stored']);
    assert.match(scan[4] ?? '', /was written by another version of FK Guard/);
    await a.stop();
    const b = await start();
    const warm = await openAll(b, ['app/invoices.py']);
    assert.ok(b.logs.some((l) => EXACT.test(l.message)), b.logs.map((l) => l.message).join('\n'));
    for (const p of warm.get('app/invoices.py')!) assert.deepEqual(p.diagnostics.map((d) => d.code), ['unknown-table']);
  });

  it("stores a fresh index's conclusions, not the editor engine's: a package renamed on disk (review7 R7-1)", async () => {
    // An npm workspace: a migration creates its tables under names a workspace package exports through a re-export.
    rmSync(join(ws, 'app'), { recursive: true });
    const files: Record<string, string> = {
      'package.json': '{ "name": "glazeworks", "private": true, "workspaces": ["pkgs/tables", "server"] }\n',
      'pkgs/tables/package.json': '{ "name": "@glazeworks/tables", "private": true, "main": "dist/index.js", "types": "dist/index.d.ts" }\n',
      'pkgs/tables/src/index.ts': "export { GlazeTable as TableGlaze } from './glaze';\nexport const TableBatch = 'batches';\n",
      'pkgs/tables/src/glaze.ts': "export const GlazeTable = 'glazes';\n",
      'server/migrations/20240101000000_init.js':
        "const { TableGlaze, TableBatch } = require('@glazeworks/tables');\n\nexports.up = async (knex) => {\n  await knex.schema.createTable(TableGlaze, (t) => {\n    t.increments('id').primary();\n  });\n" +
        "  await knex.schema.createTable(TableBatch, (t) => {\n    t.increments('id').primary();\n    t.uuid('glaze_id').references('id').inTable(TableGlaze);\n  });\n};\n",
    };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(ws, f)), { recursive: true });
      writeFileSync(join(ws, f), text);
    }
    const a = await start();
    await a.ready();
    // The package is renamed: the migration's import no longer resolves, so its names are not known any more.
    const pkg = 'pkgs/tables/package.json';
    writeFileSync(join(ws, pkg), disk(pkg).replace('@glazeworks/tables', '@glazeworks/table-names'));
    a.fileChanged(pkg, FileChangeType.Changed);
    assert.equal((await scanned(a, 1))[3], 'stored');
    await a.stop();
    assert.deepEqual(cli(), cli('--no-cache'));
  });
  it('a file saved just before shutdown is written before the server exits: the restart answers as after the write delay', async () => {
    // A write delay far longer than the test: only shutdown brings the scan forward; and no bound on shutdown's wait.
    const a = await LspClient.start({ root: ws, cacheHome, initializationOptions: { cacheWriteDelay: 3_600_000, shutdownFlushMs: 3_600_000 } });
    clients.push(a);
    a.open('app/orders.py', disk('app/orders.py'));
    await a.ready();
    await a.diagnosticsFor('app/orders.py', (d) => d.length === 1);
    const version = a.change('app/orders.py', [{ range: { start: { line: 9, character: 46 }, end: { line: 9, character: 46 } }, newText: 's' }]);
    await a.diagnosticsFor('app/orders.py', (d) => d.length === 0, version);
    writeFileSync(join(ws, 'app/orders.py'), a.doc('app/orders.py').getText());
    a.save('app/orders.py');
    await a.connection.sendRequest('shutdown');
    // Logged before shutdown answered: the saved file read again, the rest from the cache, the conclusions stored.
    assert.deepEqual((await scanned(a, 1)).slice(0, 4), ['1', '1', '6', 'stored']);
    await a.stop();
    const b = await start();
    const warm = await openAll(b, ['app/orders.py']);
    const messages = b.logs.map((l) => l.message);
    assert.equal(messages.map((m) => EXACT.exec(m)?.[1]).find(Boolean), '1', messages.join('\n'));
    assert.equal(messages.map((m) => FROM_CACHE.exec(m)?.[1]).find(Boolean), '6', messages.join('\n'));
    for (const p of warm.get('app/orders.py')!) assert.deepEqual(p.diagnostics, []);
  });

  it('shutdown waits no longer than its bound: with none, the save is left to the next start-up, which still answers right', async () => {
    const a = await LspClient.start({ root: ws, cacheHome, initializationOptions: { cacheWriteDelay: 3_600_000, shutdownFlushMs: 0 } });
    clients.push(a);
    a.open('app/orders.py', disk('app/orders.py'));
    await a.ready();
    await a.diagnosticsFor('app/orders.py', (d) => d.length === 1);
    writeFileSync(join(ws, 'app/orders.py'), disk('app/orders.py').replace('"user.id"', '"users.id"'));
    a.save('app/orders.py');
    await a.connection.sendRequest('shutdown');
    await a.stop();
    const b = await start();
    const warm = await openAll(b, ['app/orders.py']);
    // Not the exact answer of stored conclusions (the save was not written); what it publishes is the files'.
    assert.ok(!b.logs.some((l) => EXACT.test(l.message)), b.logs.map((l) => l.message).join('\n'));
    for (const p of warm.get('app/orders.py')!) assert.deepEqual(p.diagnostics, []);
  });
});
