// Drives the real FK Guard language server (dist/server.js) over stdio, as an editor would. Every wait is a
// poll against a deadline that re-checks on each message from the server; nothing sleeps.
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionParams,
  createProtocolConnection,
  Diagnostic,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InitializeRequest,
  LogMessageParams,
  ProtocolConnection,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const repoRoot = join(__dirname, '..', '..', '..');
/** FKGUARD_SERVER_PATH runs another build of the server (a bench's "before" figures). */
export const serverPath = process.env.FKGUARD_SERVER_PATH ?? join(repoRoot, 'dist', 'server.js');
export const fixturesRoot = join(repoRoot, 'test', 'fixtures', 'lsp');

export interface Settings {
  [key: string]: unknown;
}

export interface StartOptions {
  /** A folder under test/fixtures/lsp, copied to a temporary folder the test may change. */
  fixture?: string;
  /** Or a folder to use as it is (the benchmark's generated workspace); it is left in place. */
  root?: string;
  /** The `fkguard` settings section the client answers `workspace/configuration` with. */
  settings?: Settings;
  initializationOptions?: Record<string, unknown>;
  /** Workspace folders to announce instead of the root (e.g. folders that are not on disk). */
  folders?: Array<{ uri: string; name: string }>;
  /** The `processId` sent in `initialize` (default: this process), e.g. a parent that is already gone. */
  processId?: number;
  /** The user cache folder (XDG_CACHE_HOME) the server keeps its facts cache in; default: one per test process. */
  cacheHome?: string;
  /** Another build's dist/server.js (a bench comparing two builds in one run); default `serverPath`. */
  server?: string;
}

/** One user cache folder for every server of this test process, so tests never touch the real one. */
let cacheHome: string | undefined;
process.on('exit', () => {
  if (cacheHome) rmSync(cacheHome, { recursive: true, force: true });
});

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publication, in the order received (`diagnostics` keeps the latest per URI). */
  readonly publications: PublishDiagnosticsParams[] = [];
  readonly logs: LogMessageParams[] = [];
  readonly progress: Array<{ token: unknown; value: { kind: string; title?: string; message?: string } }> = [];
  readonly statuses: Array<{ state: string; tables: number; references: number; problems: number }> = [];
  readonly registrations: string[] = [];
  /** The glob patterns of every file watcher the server registered (`workspace/didChangeWatchedFiles`). */
  readonly watchGlobs: string[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly docs = new Map<string, TextDocument>();
  settings: Settings;
  /** When `initialized` was sent (performance.now()), for timing the workspace index. */
  initializedAt = 0;

  private constructor(
    readonly root: string,
    readonly rootUri: string,
    private readonly proc: ChildProcess,
    readonly connection: ProtocolConnection,
    settings: Settings,
    private readonly ownsRoot: boolean,
  ) {
    this.settings = settings;
  }

  static async start(options: StartOptions): Promise<LspClient> {
    let root = options.root;
    if (!root) {
      root = mkdtempSync(join(tmpdir(), 'fkguard-lsp-'));
      cpSync(join(fixturesRoot, options.fixture ?? 'basic'), root, { recursive: true });
    }
    const proc = spawn(process.execPath, [...(process.env.FKGUARD_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), options.server ?? serverPath, '--stdio'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, XDG_CACHE_HOME: options.cacheHome ?? (cacheHome ??= mkdtempSync(join(tmpdir(), 'fkguard-lsp-cachehome-'))) },
    });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(root, pathToFileURL(root).href, proc, connection, options.settings ?? {}, !options.root);
    proc.on('exit', (code) => {
      if (code !== 0 && code !== null) client.logs.push({ type: 1, message: `server exited with ${code}: ${stderr}` });
      client.wake();
    });
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p);
      client.publications.push(p);
      client.wake();
    });
    connection.onNotification('window/logMessage', (p: LogMessageParams) => {
      client.logs.push(p);
      client.wake();
    });
    connection.onNotification('fkguard/status', (p: LspClient['statuses'][number]) => {
      client.statuses.push(p);
      client.wake();
    });
    connection.onNotification('$/progress', (p: LspClient['progress'][number]) => {
      client.progress.push(p);
      client.wake();
    });
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string; registerOptions?: { watchers?: Array<{ globPattern: unknown }> } }> }) => {
      client.registrations.push(...p.registrations.map((r) => r.method));
      for (const r of p.registrations) {
        for (const w of r.registerOptions?.watchers ?? []) if (typeof w.globPattern === 'string') client.watchGlobs.push(w.globPattern);
      }
      client.wake();
      return null;
    });
    connection.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
      p.items.map((item) => (item.section === 'fkguard' ? client.settings : null)),
    );
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: options.processId ?? process.pid,
      rootUri: options.folders ? null : client.rootUri,
      workspaceFolders: options.folders ?? [{ uri: client.rootUri, name: 'fixture' }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceEdit: { documentChanges: true, changeAnnotationSupport: { groupsOnLabel: true } },
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { dataSupport: true, isPreferredSupport: true },
        },
      },
      initializationOptions: { debounce: 0, testRequests: true, ...options.initializationOptions },
    });
    client.initializedAt = performance.now();
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** CPU time the server process has used so far (user + system, ms), where /proc tells it (Linux); else undefined. */
  cpuMs(): number | undefined {
    try {
      const stat = readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) : utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return undefined;
    }
  }

  uri(rel: string): string {
    return pathToFileURL(join(this.root, rel)).href;
  }

  path(rel: string): string {
    return join(this.root, rel);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with the first truthy value of `check`, re-checked on every server message; fails at the deadline. */
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(poll);
      };
      const poll = () => {
        let value: T | undefined | false;
        try {
          value = check();
        } catch (err) {
          done();
          reject(err);
          return;
        }
        if (value) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        const errors = this.logs.filter((l) => l.type === 1).map((l) => l.message);
        reject(new Error(`timed out waiting for ${what}${errors.length ? `; server errors: ${errors.join('\n')}` : ''}`));
      }, timeoutMs);
      this.waiters.add(poll);
      poll();
    });
  }

  /** The diagnostics published for `rel`, once a publication satisfies `check` (and the version, if given). */
  diagnosticsFor(rel: string, check: (d: Diagnostic[]) => boolean, version?: number, timeoutMs?: number): Promise<Diagnostic[]> {
    const uri = this.uri(rel);
    return this.waitFor(
      `diagnostics for ${rel}${version !== undefined ? ` v${version}` : ''}`,
      () => {
        const p = this.diagnostics.get(uri);
        if (!p || (version !== undefined && p.version !== version)) return undefined;
        return check(p.diagnostics) ? p.diagnostics : undefined;
      },
      timeoutMs,
    );
  }

  /** Waits until the first workspace index is done (a `ready` status). */
  ready(timeoutMs?: number): Promise<unknown> {
    return this.waitFor('the workspace index', () => this.statuses.find((s) => s.state === 'ready'), timeoutMs);
  }

  /** Opens a document as the editor would; the server goes by the file name, so `languageId` is only for realism. */
  open(rel: string, text: string, languageId = 'python'): TextDocument {
    const uri = this.uri(rel);
    const doc = TextDocument.create(uri, languageId, 1, text);
    this.docs.set(uri, doc);
    void this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
    return doc;
  }

  /** Sends didSave for an open document, as an editor does after writing it to disk. */
  save(rel: string): void {
    void this.connection.sendNotification('textDocument/didSave', { textDocument: { uri: this.uri(rel) } });
  }

  close(rel: string): void {
    const uri = this.uri(rel);
    this.docs.delete(uri);
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  doc(rel: string): TextDocument {
    const doc = this.docs.get(this.uri(rel));
    if (!doc) throw new Error(`${rel} is not open`);
    return doc;
  }

  /** Sends incremental changes, as an editor does, and returns the new version. */
  change(rel: string, edits: TextEdit[]): number {
    const doc = this.doc(rel);
    const version = doc.version + 1;
    // Each change is sent against the text the previous change produced, so apply them one at a time.
    const changes = edits.map((e) => ({ range: e.range, text: e.newText }));
    TextDocument.update(doc, changes, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: doc.uri, version },
      contentChanges: changes,
    });
    return version;
  }

  /** Inserts `text` at the end of the line that contains `marker`. */
  appendAfter(rel: string, marker: string, text: string): number {
    const doc = this.doc(rel);
    const offset = doc.getText().indexOf(marker);
    if (offset < 0) throw new Error(`${marker} not in ${rel}`);
    const lineEnd = doc.getText().indexOf('\n', offset);
    const pos = doc.positionAt(lineEnd < 0 ? doc.getText().length : lineEnd);
    return this.change(rel, [{ range: { start: pos, end: pos }, newText: text }]);
  }

  /**
   * Applies a workspace edit the way an editor does: every versioned edit must be for the document's current
   * version, else the whole edit is refused. Returns the versions of the changed documents.
   */
  applyWorkspaceEdit(edit: WorkspaceEdit): number {
    const changes = edit.documentChanges as TextDocumentEdit[] | undefined;
    if (!changes) throw new Error('expected versioned documentChanges');
    for (const c of changes) {
      const doc = this.docs.get(c.textDocument.uri);
      if (!doc) throw new Error(`edit for a document that is not open: ${c.textDocument.uri}`);
      if (c.textDocument.version !== doc.version) {
        throw new Error(`edit made for version ${c.textDocument.version}, document is at ${doc.version}`);
      }
    }
    let version = 0;
    for (const c of changes) {
      const rel = c.textDocument.uri.slice(this.rootUri.length + 1);
      const doc = this.docs.get(c.textDocument.uri)!;
      // An editor sends the edits of one workspace edit as one change, with all ranges in the old text:
      // send the whole new text, which is what VS Code does for multi-edit applies as well.
      const text = TextDocument.applyEdits(doc, c.edits as TextEdit[]);
      const end = doc.positionAt(doc.getText().length);
      version = this.change(decodeURIComponent(rel), [{ range: { start: { line: 0, character: 0 }, end }, newText: text }]);
    }
    return version;
  }

  codeActions(rel: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const uri = this.uri(rel);
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const params: CodeActionParams = { textDocument: { uri }, range, context: { diagnostics, only } };
    return this.connection.sendRequest('textDocument/codeAction', params) as Promise<CodeAction[]>;
  }

  /** Closes the server's stdin, as an editor that dies does. */
  closeStdin(): void {
    this.proc.stdin?.end();
  }

  /** Resolves when the server process has exited; fails at the deadline. */
  exited(timeoutMs = 15000): Promise<number | null> {
    return this.waitFor('the server to exit', () => (this.proc.exitCode !== null || this.proc.signalCode !== null ? { code: this.proc.exitCode } : undefined), timeoutMs).then((r) => r.code);
  }

  fileChanged(rel: string, type: FileChangeType): void {
    void this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: this.uri(rel), type }] });
  }

  async stop(): Promise<void> {
    let deadline: NodeJS.Timeout | undefined;
    try {
      if (this.proc.exitCode === null) {
        await Promise.race([
          // A test may have sent `shutdown` already; the second one is refused, and `exit` follows anyway.
          // As VS Code's client does, the process gets a moment to exit by itself (and run its exit handlers,
          // e.g. writing its code cache) before it is killed: the wait ends when it exits, at the latest at a
          // deadline, whose timer goes with it (left running, each stop kept the test process busy 2 s longer).
          this.connection
            .sendRequest('shutdown')
            .catch(() => undefined)
            .then(() => this.connection.sendNotification('exit'))
            .then(() => new Promise((resolve) => (this.proc.exitCode !== null || this.proc.signalCode !== null ? resolve(undefined) : this.proc.once('exit', resolve)))),
          new Promise((resolve) => (deadline = setTimeout(resolve, 2000))),
        ]);
      }
    } finally {
      clearTimeout(deadline);
      this.connection.dispose();
      if (this.proc.exitCode === null) this.proc.kill();
      if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
    }
  }
}
