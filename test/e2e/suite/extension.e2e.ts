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

describe('FK Guard in VS Code', () => {
  before(async () => {
    const ext = vscode.extensions.getExtension('fkguard.fkguard');
    assert.ok(ext, 'the extension is installed');
    await ext.activate();
  });

  it('shows the unknown-table diagnostic and applies its preferred quick fix', async () => {
    const uri = fileUri('app/orders.py');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diagnostic = await until('an unknown-table diagnostic', () => fkDiagnostics(uri).find((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'unknown-table'));
    const actions = await until('the quick fix', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
      return all?.filter((a) => a.isPreferred && a.edit).length ? all : undefined;
    });
    const fix = actions.find((a) => a.isPreferred)!;
    assert.match(fix.title, /users\.id/);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.ok(await doc.save());
    assert.match(readFileSync(uri.fsPath, 'utf8'), /ForeignKey\("users\.id"\)/);
    await until('the diagnostic to go', () => fkDiagnostics(uri).every((d) => !String(typeof d.code === 'object' ? d.code.value : d.code).includes('unknown-table')));
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

  it('runs Scan Workspace and Show Schema Index', async () => {
    const scan = await vscode.commands.executeCommand<{ tables: number; references: number }>('fkguard.scanWorkspace', { quiet: true });
    assert.ok(scan.tables >= 4, `tables: ${scan.tables}`);
    const index = await vscode.commands.executeCommand<{ folders: Array<{ tables: Array<{ name: string }> }> }>('fkguard.showSchemaIndex');
    assert.ok(index.folders[0].tables.some((t) => t.name === 'users'));
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.languageId, 'markdown');
    assert.match(shown?.getText() ?? '', /`users`/);
  });
});
