// FK Guard through the real `vscode` API, as a user's editor sees it. Every wait polls with a deadline.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 30000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // Let the extension host process messages between checks; this is a poll interval, not a fixed wait for an event.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function fileUri(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders![0].uri;
  return vscode.Uri.joinPath(folder, rel);
}

const fkDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'fkguard');
/** A diagnostic's rule (FK Guard's codes carry a link to the rule's page, so `code` is an object). */
const ruleOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

/** What the extension's `activate` returns (client/src/extension.ts), as far as these tests use it. */
interface Api {
  schemaView(): { provider: vscode.TreeDataProvider<unknown>; view: vscode.TreeView<unknown> };
  diagram(): { drawn?: { tables: number; edges: number; brokenEdges: number }; lastData?: { tables: Array<{ key: string; missing: boolean }> }; lastSvg?: string; requestSvg(): Thenable<boolean> } | undefined;
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'object' ? item.label.label : (item.label ?? ''));

describe('FK Guard in VS Code', () => {
  let api: Api;
  before(async () => {
    const ext = vscode.extensions.getExtension('fkguard.fkguard');
    assert.ok(ext, 'the extension is installed');
    api = (await ext.activate()) as Api;
  });

  it('shows the Schema view: tables, columns with keys, foreign keys out and in, the broken one marked', async () => {
    await vscode.commands.executeCommand('fkguard.showSchemaIndex');
    const { provider, view } = api.schemaView();
    await until('the Schema view to be visible', () => view.visible);
    const tables = await until('the tables', async () => {
      const roots = (await provider.getChildren()) ?? [];
      const items = await Promise.all(roots.map(async (n) => ({ n, item: await provider.getTreeItem(n) })));
      return items.some((x) => label(x.item) === 'orders') ? items : undefined;
    });
    const orders = tables.find((x) => label(x.item) === 'orders')!;
    // orders.user_id references `user`, which does not exist: the table says so and wears the error icon.
    assert.match(String(orders.item.description), /1 broken foreign key/);
    assert.equal((orders.item.iconPath as vscode.ThemeIcon).id, 'error');
    assert.equal(orders.item.command?.command, 'vscode.open');
    const sections = (await provider.getChildren(orders.n)) ?? [];
    const sectionItems = await Promise.all(sections.map((n) => provider.getTreeItem(n)));
    assert.deepEqual(sectionItems.map(label), ['Columns', 'Foreign keys']);
    const columns = await Promise.all(((await provider.getChildren(sections[0])) ?? []).map((n) => provider.getTreeItem(n)));
    const id = columns.find((c) => label(c) === 'id')!;
    assert.match(String(id.description), /Integer · PK/);
    assert.equal((id.iconPath as vscode.ThemeIcon).id, 'key');
    const out = await Promise.all(((await provider.getChildren(sections[1])) ?? []).map((n) => provider.getTreeItem(n)));
    assert.equal(label(out[0]), 'user_id → user.id');
    assert.equal((out[0].iconPath as vscode.ThemeIcon).id, 'error');
    // users is referenced: its incoming foreign keys are listed, and the filter narrows the tables.
    const users = tables.find((x) => label(x.item) === 'users')!;
    const usersSections = await Promise.all(((await provider.getChildren(users.n)) ?? []).map((n) => provider.getTreeItem(n)));
    assert.ok(usersSections.some((s) => label(s) === 'Referenced by'), JSON.stringify(usersSections.map(label)));
    (provider as unknown as { setFilter(t: string): void }).setFilter('invoice');
    const filtered = await Promise.all(((await provider.getChildren()) ?? []).map((n) => provider.getTreeItem(n)));
    assert.deepEqual(filtered.map(label), ['invoices']);
    (provider as unknown as { setFilter(t: string): void }).setFilter('');
  });

  it('shows the diagram of a file with its neighbours, the broken reference to a red placeholder, and exports SVG', async () => {
    const uri = fileUri('app/orders.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('fkguard.showDiagram', uri);
    const drawn = await until('the diagram drawn in its webview', () => api.diagram()?.drawn);
    const data = api.diagram()!.lastData!;
    assert.ok(data.tables.some((t) => t.key === 'orders' && !t.missing));
    assert.ok(data.tables.some((t) => t.key === 'user' && t.missing), JSON.stringify(data.tables));
    assert.ok(drawn.brokenEdges >= 1, JSON.stringify(drawn));
    assert.equal(drawn.tables, data.tables.length);
    await api.diagram()!.requestSvg();
    const svg = await until('the exported SVG', () => api.diagram()?.lastSvg);
    assert.match(svg, /^<\?xml[\s\S]*<svg[\s\S]*orders[\s\S]*user \(missing\)/);
    // The theme's colours are resolved: the file looks the same outside the editor.
    assert.doesNotMatch(svg, /var\(--/);
    // A theme change redraws the diagram in the new theme's colours (the webview's body class changes).
    const background = (text: string) => /<rect width="100%" height="100%" style="fill: ([^"]+)"/.exec(text)?.[1];
    const theme = vscode.workspace.getConfiguration('workbench');
    const previous = theme.inspect<string>('colorTheme')?.globalValue;
    const first = background(svg);
    // To the other kind of theme than the editor opened with (code-server's default follows the browser's).
    const light = vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Light;
    api.diagram()!.drawn = undefined;
    await theme.update('colorTheme', light ? 'Default Dark Modern' : 'Default Light Modern', vscode.ConfigurationTarget.Global);
    try {
      await until('the theme to change', () => (vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Light) !== light);
      await until('the diagram drawn again in the new theme', () => api.diagram()?.drawn);
      await api.diagram()!.requestSvg();
      const second = background(await until('the SVG in the new theme', () => api.diagram()?.lastSvg));
      assert.ok(first && second && first !== second, `background ${first} → ${second}`);
    } finally {
      await theme.update('colorTheme', previous, vscode.ConfigurationTarget.Global);
    }
  });

  it("runs a table's code lens: the client's fkguard.showReferences opens its references", async () => {
    const uri = fileUri('app/users.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lens = await until('the code lens of users', async () =>
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri))?.find((l) => l.command?.command === 'fkguard.showReferences'),
    );
    assert.match(lens.command!.title, /referenced by 1 foreign key/);
    // The server's arguments are LSP JSON; the command converts them and shows the references (no error).
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
  });

  it('shows the unknown-table diagnostic and applies its preferred quick fix', async () => {
    const uri = fileUri('app/orders.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diagnostic = await until('an unknown-table diagnostic', () => fkDiagnostics(uri).find((d) => ruleOf(d) === 'unknown-table'));
    const actions = await until('the quick fix', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      return all?.filter((a) => a.isPreferred && a.edit).length ? all : undefined;
    });
    const fix = actions.find((a) => a.isPreferred)!;
    assert.match(fix.title, /users\.id/);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.ok(await doc.save());
    assert.match(readFileSync(uri.fsPath, 'utf8'), /ForeignKey\("users\.id"\)/);
    await until('the diagnostic to go', () => fkDiagnostics(uri).every((d) => !ruleOf(d).includes('unknown-table')));
  });

  it('fixes all problems on save with editor.codeActionsOnSave', async () => {
    await vscode.workspace
      .getConfiguration('editor', { languageId: 'python' })
      .update('codeActionsOnSave', { 'source.fixAll.fkguard': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    const uri = fileUri('app/invoices.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await until('two unknown-table diagnostics', () => fkDiagnostics(uri).length >= 2);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '# touched\n'));
    await until('diagnostics for the edited text', () => fkDiagnostics(uri).every((d) => d.range.start.line > 0));
    assert.ok(await doc.save());
    const text = readFileSync(uri.fsPath, 'utf8');
    assert.match(text, /ForeignKey\("users\.id"\)/);
    assert.match(text, /ForeignKey\("orders\.id"\)/);
  });

  it('runs Scan Workspace', async () => {
    const scan = await vscode.commands.executeCommand<{ tables: number; references: number }>('fkguard.scanWorkspace', { quiet: true });
    assert.ok(scan.tables >= 4, `tables: ${scan.tables}`);
  });
});

describe('FK Guard: Pull Schema from Database', () => {
  // The runner (run.ts, electron.mjs) starts a real PostgreSQL holding `ledger_accounts (id uuid ...)`, a table no
  // model file defines, and sets `fkguard.database.url` to it (../database.ts).
  const model = () => fileUri('app/postings.py');
  const schemaFile = () => fileUri('fkguard-schema.sql');
  after(async () => {
    for (const uri of [model(), schemaFile()]) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  it("reads the database's tables into fkguard-schema.sql, and a model's key is then checked against them", async () => {
    const folder = vscode.workspace.workspaceFolders![0];
    assert.match(vscode.workspace.getConfiguration('fkguard.database', folder.uri).get<string>('url') ?? '', /^postgresql:\/\//, 'the runner set fkguard.database.url');
    // A model whose key names a table only the database has: unknown until the schema is pulled.
    await vscode.workspace.fs.writeFile(
      model(),
      new TextEncoder().encode(
        'from sqlalchemy import Column, ForeignKey, Integer\n\nfrom app.base import Base\n\n\n' +
          'class Posting(Base):\n    __tablename__ = "postings"\n\n    id = Column(Integer, primary_key=True)\n' +
          '    account_id = Column(Integer, ForeignKey("ledger_accounts.id"))\n',
      ),
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(model()));
    await until('unknown-table on ledger_accounts before the pull', () => fkDiagnostics(model()).find((d) => ruleOf(d) === 'unknown-table'));

    const result = await vscode.commands.executeCommand<{ tables: number; where: string; server: string }>('fkguard.pullDatabaseSchema', folder.uri);
    assert.equal(result.tables, 2, JSON.stringify(result));
    assert.match(result.server, /PostgreSQL/);
    const sql = new TextDecoder().decode(await vscode.workspace.fs.readFile(schemaFile()));
    assert.match(sql, /CREATE TABLE public\.ledger_accounts \(/);
    assert.doesNotMatch(sql, /postgres@/, 'no user name in the file');

    // Now the table is known, and its key is a uuid: the Integer column is the error, with the type fix.
    const mismatch = await until('type-mismatch against the pulled uuid key', () =>
      fkDiagnostics(model()).find((d) => ruleOf(d) === 'type-mismatch'),
    );
    assert.match(mismatch.message, /uuid/i);
    assert.ok(!fkDiagnostics(model()).some((d) => ruleOf(d) === 'unknown-table'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', model(), mismatch.range, vscode.CodeActionKind.QuickFix.value);
    assert.ok(actions.some((a) => a.isPreferred && /uuid/i.test(a.title)), JSON.stringify(actions.map((a) => a.title)));

    // Pulled again from an unchanged database: same bytes, the file is left alone.
    const again = await vscode.commands.executeCommand<{ tables: number }>('fkguard.pullDatabaseSchema', folder.uri);
    assert.equal(again.tables, 2);
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(schemaFile())), sql);
  });
});
