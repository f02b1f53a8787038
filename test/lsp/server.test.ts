// The language server over stdio, end to end: the same process an editor starts, the same messages it sends.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CodeAction, Diagnostic, DiagnosticSeverity, FileChangeType } from 'vscode-languageserver-protocol/node';
import { LspClient } from './harness';

const ORDERS = 'app/orders.py';
const INVOICES = 'app/invoices.py';
const USERS = 'app/users.py';

const unknownTable = (d: Diagnostic[]) => d.some((x) => x.code === 'unknown-table');

describe('language server over stdio', function () {
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  it('indexes the workspace with progress and publishes diagnostics for files that are not open', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    const diagnostics = await client.diagnosticsFor(ORDERS, unknownTable);
    const d = diagnostics.find((x) => x.code === 'unknown-table')!;
    assert.equal(d.source, 'fkguard');
    assert.equal(d.severity, DiagnosticSeverity.Error);
    assert.match(d.message, /user/);
    // The rule's page beside the server, cut from the README by the build: it opens offline.
    assert.match(d.codeDescription?.href ?? '', /^file:.*\/dist\/rules\/unknown-table\.md$/);
    assert.match(readFileSync(new URL(d.codeDescription!.href), 'utf8'), /^# FK Guard rule `unknown-table`/);
    // The range is the string `"user.id"` on line 10 (0-based 9).
    assert.equal(d.range.start.line, 9);
    assert.ok(d.relatedInformation?.some((r) => r.location.uri === client.uri(USERS)), 'related information points at users.py');
    const kinds = client.progress.map((p) => p.value.kind);
    assert.ok(kinds.includes('begin') && kinds.includes('end'), `work-done progress begin and end, got ${kinds}`);
    await client.ready();
    // A file without problems gets no publication at all.
    assert.equal(client.diagnostics.get(client.uri('app/payments.py')), undefined);
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'));
  });

  it('offers the preferred quick fix from Diagnostic.data, with a versioned edit that removes the diagnostic', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    client.open(ORDERS, readFileSync(client.path(ORDERS), 'utf8'));
    const diagnostics = await client.diagnosticsFor(ORDERS, unknownTable, 1);
    const target = diagnostics.filter((d) => d.code === 'unknown-table');
    const actions = await client.codeActions(ORDERS, target);
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, `a preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.diagnostics?.map((d) => d.code), ['unknown-table']);
    assert.match(fix.title, /users\.id/);
    const version = client.applyWorkspaceEdit(fix.edit!);
    assert.match(client.doc(ORDERS).getText(), /ForeignKey\("users\.id"\)/);
    await client.diagnosticsFor(ORDERS, (d) => !unknownTable(d), version);
  });

  it('drops a fix made for an older version of the document', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    client.open(ORDERS, readFileSync(client.path(ORDERS), 'utf8'));
    const old = await client.diagnosticsFor(ORDERS, unknownTable, 1);
    const version = client.appendAfter(ORDERS, 'primary_key=True)', '\n    note = Column(Integer)');
    await client.diagnosticsFor(ORDERS, unknownTable, version);
    const actions = await client.codeActions(ORDERS, old.filter((d) => d.code === 'unknown-table'), ['quickfix']);
    assert.deepEqual(actions, []);
  });

  it('fixes every preferred fix in a file with source.fixAll.fkguard', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    client.open(INVOICES, readFileSync(client.path(INVOICES), 'utf8'));
    await client.diagnosticsFor(INVOICES, (d) => d.filter((x) => x.code === 'unknown-table').length === 2, 1);
    const actions: CodeAction[] = await client.codeActions(INVOICES, [], ['source.fixAll']);
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.fkguard');
    const version = client.applyWorkspaceEdit(actions[0].edit!);
    const text = client.doc(INVOICES).getText();
    assert.match(text, /ForeignKey\("users\.id"\)/);
    assert.match(text, /ForeignKey\("orders\.id"\), nullable=False/);
    await client.diagnosticsFor(INVOICES, (d) => !unknownTable(d), version);
    // Nothing left to fix: no fix-all action.
    assert.deepEqual(await client.codeActions(INVOICES, [], ['source.fixAll.fkguard']), []);
  });

  it('re-checks dependent files when a model file changes on disk (watched files)', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.diagnosticsFor(ORDERS, unknownTable);
    await client.ready();
    // Renaming the table on disk to `user` makes `ForeignKey("user.id")` right and `"users.id"` wrong.
    const users = readFileSync(client.path(USERS), 'utf8');
    writeFileSync(client.path(USERS), users.replace('__tablename__ = "users"', '__tablename__ = "user"'));
    client.fileChanged(USERS, FileChangeType.Changed);
    await client.diagnosticsFor(ORDERS, (d) => !unknownTable(d));
    await client.diagnosticsFor('app/payments.py', unknownTable);
    // Deleting the file takes its table away again.
    rmSync(client.path(USERS));
    client.fileChanged(USERS, FileChangeType.Deleted);
    await client.diagnosticsFor(ORDERS, unknownTable);
  });

  it('survives a half-typed file and recovers when it is finished', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    client.open('app/payments.py', readFileSync(client.path('app/payments.py'), 'utf8'));
    await client.diagnosticsFor('app/payments.py', (d) => d.length === 0, 1);
    // Type a new column keystroke by keystroke; some of these states do not parse.
    const line = '\n    refund_id = Column(Integer, ForeignKey("payment.id"))';
    let version = 1;
    const doc = client.doc('app/payments.py');
    let offset = doc.getText().indexOf('ForeignKey("users.id"))') + 'ForeignKey("users.id"))'.length;
    for (const piece of ['\n    refund_id = Column(', 'Integer, ForeignKey(', '"payment.i', 'd"))']) {
      const at = doc.positionAt(offset);
      version = client.change('app/payments.py', [{ range: { start: at, end: at }, newText: piece }]);
      offset += piece.length;
      await client.diagnosticsFor('app/payments.py', () => true, version);
    }
    assert.ok(client.doc('app/payments.py').getText().includes(line));
    const diagnostics = await client.diagnosticsFor('app/payments.py', unknownTable, version);
    assert.ok(diagnostics.some((d) => d.message.includes('payment')));
    // The server still answers requests.
    const index = (await client.connection.sendRequest('fkguard/schemaIndex')) as { folders: Array<{ tables: Array<{ name: string }> }> };
    assert.ok(index.folders[0].tables.some((t) => t.name === 'users'));
  });

  it('answers a failing handler with an error, logs it, and keeps serving', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    await assert.rejects(client.connection.sendRequest('fkguard/test/fail'), (err: { code?: number; message?: string }) => {
      assert.equal(err.code, -32603);
      assert.match(err.message ?? '', /deliberate fault/);
      return true;
    });
    await client.waitFor('the fault in the log', () => client.logs.some((l) => l.type === 1 && /deliberate fault/.test(l.message)));
    client.open(ORDERS, readFileSync(client.path(ORDERS), 'utf8'));
    await client.diagnosticsFor(ORDERS, unknownTable, 1);
  });

  it('answers scanWorkspace with counts and applies settings without a restart', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    const scan = (await client.connection.sendRequest('fkguard/scanWorkspace')) as {
      tables: number;
      references: number;
      problems: { error: number };
    };
    assert.ok(scan.tables >= 4, `tables: ${scan.tables}`);
    assert.ok(scan.references >= 4, `references: ${scan.references}`);
    assert.ok(scan.problems.error >= 3, `errors: ${scan.problems.error}`);
    // Turning the rule off in the settings clears its diagnostics.
    client.settings = { rules: { 'unknown-table': 'off' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnosticsFor(ORDERS, (d) => !unknownTable(d));
    client.settings = { enable: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.diagnosticsFor(ORDERS, unknownTable);
  });
});
