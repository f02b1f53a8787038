// The VS Code face of FK Guard: starts the bundled language server and adds the commands and the status item.
// All analysis happens in the server; this file only forwards requests and shows answers.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  Location as LspLocation,
  LogMessageNotification,
  MessageType,
  Position as LspPosition,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  ScanWorkspaceMethod,
  ScanWorkspaceResult,
  SchemaGraphMethod,
  SchemaGraphResult,
  StatusNotificationMethod,
  StatusParams,
  PullSchemaMethod,
  type PullSchemaParams,
  type PullSchemaResult,
} from '../../server/src/lsp/protocol';
import { DiagramPanel } from './diagram';
import { SchemaTreeProvider } from './schemaView';

/**
 * The documents the server checks. TypeScript and JavaScript files are sent too; the server reads only those that
 * use a TypeScript ORM. `prisma` is the language id of Prisma's own extension; without it a `.prisma` file is plain
 * text, so the pattern sends it all the same (a file both filters match is still sent once).
 */
const DOCUMENT_SELECTOR: Array<{ language: string } | { pattern: string }> = [
  { language: 'python' },
  { language: 'typescript' },
  { language: 'javascript' },
  { language: 'prisma' },
  { pattern: '**/*.prisma' },
  { language: 'sql' },
];

/** What `activate` returns: used by the in-editor tests, harmless for everyone else. */
export interface FkGuardApi {
  client(): LanguageClient | undefined;
  lastStatus(): StatusParams | undefined;
  schemaView(): { provider: SchemaTreeProvider; view: vscode.TreeView<unknown> };
  diagram(): DiagramPanel | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<FkGuardApi> {
  // A log channel: every line has its level, and the user's log level (Developer: Set Log Level) filters them.
  const output = vscode.window.createOutputChannel('FK Guard', { log: true });
  const status = vscode.languages.createLanguageStatusItem('fkguard.status', DOCUMENT_SELECTOR);
  status.name = 'FK Guard';
  status.text = '$(sync~spin) FK Guard: indexing…';
  status.busy = true;
  status.command = { title: 'Show Schema', command: 'fkguard.showSchemaIndex' };
  context.subscriptions.push(output, status);

  let client: LanguageClient | undefined;
  let lastStatus: StatusParams | undefined;

  const showStatus = (s: StatusParams) => {
    lastStatus = s;
    status.busy = s.state === 'indexing';
    status.severity = s.state === 'error' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    if (s.state === 'indexing') status.text = '$(sync~spin) FK Guard: indexing…';
    else if (s.state === 'error') status.text = '$(error) FK Guard: index error';
    else status.text = `FK Guard: ${plural(s.tables, 'table')}, ${plural(s.references, 'reference')}`;
    // Unchecked references are said next to the problems, so a clean workspace is never a silent pass.
    const unchecked = s.unchecked ? `, ${s.unchecked} unchecked` : '';
    status.detail = s.state === 'error' ? s.message : s.state === 'ready' ? `${plural(s.problems, 'problem')}${unchecked}` : undefined;
  };

  const start = async () => {
    const module = context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR.map((filter) => ({ scheme: 'file', ...filter })),
      outputChannel: output,
      synchronize: { configurationSection: 'fkguard' },
    };
    client = new LanguageClient('fkguard', 'FK Guard', serverOptions, clientOptions);
    context.subscriptions.push(
      client.onNotification(StatusNotificationMethod, (s: StatusParams) => {
        showStatus(s);
        onStatus(s);
      }),
    );
    // The library writes the server's log messages as plain lines; this keeps their level (it replaces the
    // library's handler, which is registered first).
    context.subscriptions.push(
      client.onNotification(LogMessageNotification.type, (m) => {
        if (m.type === MessageType.Error) output.error(m.message);
        else if (m.type === MessageType.Warning) output.warn(m.message);
        else if (m.type === MessageType.Debug) output.debug(m.message);
        else output.info(m.message);
      }),
    );
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) showStatus({ state: 'error', message: 'The server stopped.', tables: 0, references: 0, problems: 0 });
    });
    await client.start();
  };

  const requireClient = (): LanguageClient => {
    if (!client || !client.isRunning()) throw new Error('The FK Guard server is not running; try "FK Guard: Restart Server".');
    return client;
  };

  const loadGraph = async (): Promise<SchemaGraphResult | undefined> => {
    if (!client || !client.isRunning()) return undefined;
    return client.sendRequest<SchemaGraphResult>(SchemaGraphMethod, {});
  };
  const schema = new SchemaTreeProvider(loadGraph);
  const schemaView = vscode.window.createTreeView('fkguard.schema', { treeDataProvider: schema, showCollapseAll: true });
  let diagram: DiagramPanel | undefined;
  // The tree asks again once an index has settled, not on every keystroke's status.
  let wasReady = false;
  const onStatus = (s: StatusParams) => {
    const ready = s.state === 'ready';
    if (ready && !wasReady) schema.refresh();
    wasReady = ready;
  };
  context.subscriptions.push(schemaView);

  context.subscriptions.push(
    vscode.commands.registerCommand('fkguard.scanWorkspace', async (options?: { quiet?: boolean }) => {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'FK Guard: scanning the workspace…', cancellable: true },
        (_progress, token) => requireClient().sendRequest<ScanWorkspaceResult>(ScanWorkspaceMethod, {}, token),
      );
      const problems = result.problems.error + result.problems.warning + result.problems.info;
      const why = Object.entries(result.unchecked.byReason)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([r, n]) => `${r} ${n}`)
        .join(', ');
      const unchecked = `${result.unchecked.total} unchecked${why ? ` (why: ${why})` : ''}`;
      const summary = `FK Guard: ${plural(result.tables, 'table')}, ${plural(result.checked, 'reference')} checked, ${unchecked}, ${plural(problems, 'problem')} (${result.ms} ms).`;
      output.info(summary);
      if (!options?.quiet) {
        void vscode.window.showInformationMessage(summary, 'Open Problems').then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
      }
      return result;
    }),
    // The old command now opens the Schema view (and still answers with the data, for scripts and tests).
    vscode.commands.registerCommand('fkguard.showSchemaIndex', async () => {
      await vscode.commands.executeCommand('fkguard.schema.focus');
      schema.refresh();
      return schema.data();
    }),
    vscode.commands.registerCommand('fkguard.refreshSchema', () => schema.refresh()),
    vscode.commands.registerCommand('fkguard.filterSchema', async () => {
      const text = await vscode.window.showInputBox({
        title: 'FK Guard: Filter the Schema view',
        prompt: 'Tables whose name, or one of whose columns, contains this text. Empty shows every table.',
        value: schema.filter,
      });
      if (text === undefined) return;
      schema.setFilter(text);
      schemaView.description = schema.filter ? `filter: ${schema.filter}` : undefined;
      void vscode.commands.executeCommand('setContext', 'fkguard.schemaFiltered', !!schema.filter);
    }),
    vscode.commands.registerCommand('fkguard.clearSchemaFilter', () => {
      schema.setFilter('');
      schemaView.description = undefined;
      void vscode.commands.executeCommand('setContext', 'fkguard.schemaFiltered', false);
    }),
    vscode.commands.registerCommand('fkguard.showDiagram', async (uri?: vscode.Uri) => {
      const graph = await loadGraph();
      if (!graph) throw new Error('The FK Guard server is not running; try "FK Guard: Restart Server".');
      const focus = uri ?? vscode.window.activeTextEditor?.document.uri;
      diagram = DiagramPanel.show(context.extensionUri, graph, focus?.toString(), loadGraph);
      return diagram;
    }),
    // The server's code lens ("referenced by N foreign keys") names this command with LSP positions and locations.
    vscode.commands.registerCommand('fkguard.showReferences', async (uri: string, position: LspPosition, locations: LspLocation[]) => {
      const p2c = requireClient().protocol2CodeConverter;
      await vscode.commands.executeCommand('editor.action.showReferences', p2c.asUri(uri), p2c.asPosition(position), locations.map((l) => p2c.asLocation(l)));
    }),
    vscode.commands.registerCommand('fkguard.restartServer', async () => {
      output.info('Restarting the FK Guard server.');
      if (client) {
        await client.restart();
      } else {
        await start();
      }
    }),
    vscode.commands.registerCommand('fkguard.showOutput', () => output.show(true)),
    // Reads a live PostgreSQL database's tables into a SQL file of the workspace (as `fkguard pull-schema` does),
    // which the server then reads like any schema file. The URL is asked for when the setting does not give it, and
    // is never written anywhere; the file names host, port and database only.
    vscode.commands.registerCommand('fkguard.pullDatabaseSchema', async (folderUri?: vscode.Uri) => {
      const folder = folderUri ? vscode.workspace.getWorkspaceFolder(folderUri) : await pickFolder();
      if (!folder) return undefined;
      const settings = vscode.workspace.getConfiguration('fkguard.database', folder.uri);
      const url =
        settings.get<string>('url') ||
        (await vscode.window.showInputBox({
          title: 'FK Guard: Pull Schema from Database',
          prompt: 'The PostgreSQL database to read (its tables only, in a read-only transaction). Keep the password out: PGPASSWORD and ~/.pgpass are read.',
          placeHolder: 'postgresql://user@localhost:5432/app',
          ignoreFocusOut: true,
        }));
      if (!url) return undefined;
      const params: PullSchemaParams = { url, schemas: settings.get<string[]>('schemas') ?? [] };
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'FK Guard: reading the database…' },
        () => requireClient().sendRequest<PullSchemaResult>(PullSchemaMethod, params),
      );
      const target = vscode.Uri.joinPath(folder.uri, settings.get<string>('schemaFile') || 'fkguard-schema.sql');
      const shown = vscode.workspace.asRelativePath(target);
      let before: string | undefined;
      try {
        before = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      } catch {
        before = undefined;
      }
      const what = `${result.where} (${result.server}): ${plural(result.tables, 'table')}`;
      if (before === result.text) {
        output.info(`FK Guard: ${what}, no change to ${shown}.`);
        void vscode.window.showInformationMessage(`FK Guard: ${what}, no change to ${shown}.`);
        return result;
      }
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
      output.info(`FK Guard: ${what} written to ${shown}.`);
      void vscode.window.showInformationMessage(`FK Guard: ${what} written to ${shown}.`, 'Open').then((choice) => {
        if (choice) void vscode.window.showTextDocument(target);
      });
      return result;
    }),
  );

  // A rule's page (dist/rules/<rule>.md, the link on every diagnostic) reads better rendered: when it opens as
  // text, the Markdown preview takes its place.
  const rulesDir = vscode.Uri.joinPath(context.extensionUri, 'dist', 'rules').path + '/';
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(async (editor) => {
      const uri = editor?.document.uri;
      if (!uri || !uri.path.startsWith(rulesDir) || !uri.path.endsWith('.md')) return;
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    }),
  );

  try {
    await start();
  } catch (err) {
    output.error(`FK Guard: the server did not start: ${err instanceof Error ? err.message : String(err)}`);
    showStatus({ state: 'error', message: 'The server did not start; see the output.', tables: 0, references: 0, problems: 0 });
  }
  return {
    client: () => client,
    lastStatus: () => lastStatus,
    schemaView: () => ({ provider: schema, view: schemaView as vscode.TreeView<unknown> }),
    diagram: () => (diagram?.disposed ? undefined : diagram),
  };
}

export async function deactivate(): Promise<void> {
  // The client registered in `context.subscriptions` is disposed by VS Code, which stops the server.
}

/** The workspace folder a command is for: the only one, or the one the user picks. */
async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder to write the database schema file into' });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
