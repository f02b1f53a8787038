import { basename, dirname } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import {
  CancellationToken,
  CodeActionKind,
  CodeActionParams,
  CodeLensParams,
  CompletionParams,
  Connection,
  DefinitionParams,
  HoverParams,
  PrepareRenameParams,
  ReferenceParams,
  RenameParams,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWatchedFilesParams,
  DidChangeTextDocumentParams,
  ErrorCodes,
  DidCloseTextDocumentParams,
  DidOpenTextDocumentParams,
  DidSaveTextDocumentParams,
  Diagnostic,
  LSPErrorCodes,
  FileChangeType,
  InitializeError,
  InitializeParams,
  InitializeResult,
  ResponseError,
  TextDocumentSyncKind,
  WorkspaceFolder,
  WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { uncheckedSummary, type Engine } from '../core/engine';
import type { Finding, Severity } from '../core/types';
import { DiagnosticContext, toDiagnostic } from './diagnostics';
import { OpenDocument } from './documents';
import { guardNotification, guardRequest, Logger } from './guard';
import { DatabaseError, pullSchemaFile } from '../host/database';
import { codeActions, FixAllKind } from './handlers/codeAction';
import * as navigation from './handlers/navigation';
import type { ServerHost, SessionStore, StoredAnswer } from './host';
import { normaliseRoot, pathToUri, uriToPath } from './paths';
import { Project, projectFor } from './project';
import {
  InitializationOptions,
  RequestTimingNotificationMethod,
  RequestTimingParams,
  ScanWorkspaceMethod,
  ScanWorkspaceResult,
  SchemaGraphMethod,
  PullSchemaMethod,
  type PullSchemaParams,
  type PullSchemaResult,
  SchemaGraphResult,
  SchemaIndexMethod,
  SchemaIndexResult,
  StatusNotificationMethod,
  StatusParams,
  TestFailMethod,
  TimingNotificationMethod,
  TimingParams,
} from './protocol';
import { combineConfig, readSettings } from './settings';

/**
 * Times requests for `fkguard/requestTiming`: wall and CPU time in the handler, and the garbage collection that
 * ran during it or just before it (a pause before the handler delays it as much as one inside it).
 */
class RequestTimings {
  private readonly gcs: Array<{ start: number; end: number; kind: number }> = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.gcs.push({ start: e.startTime, end: e.startTime + e.duration, kind: ((e as { detail?: { kind?: number } }).detail)?.kind ?? 0 });
    if (this.gcs.length > 500) this.gcs.splice(0, this.gcs.length - 500);
  });

  constructor(private readonly send: (t: RequestTimingParams) => void) {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  done(method: string, started: number, cpu: NodeJS.CpuUsage): void {
    const ended = performance.now();
    const used = process.cpuUsage(cpu);
    // GC entries arrive after the pause, in a task of their own: the figures are read once they are in.
    setTimeout(() => {
      const overlap = (from: number, to: number) => this.gcs.reduce((ms, g) => ms + Math.max(0, Math.min(g.end, to) - Math.max(g.start, from)), 0);
      this.send({
        method,
        receivedAt: performance.timeOrigin + started,
        wallMs: ended - started,
        cpuMs: (used.user + used.system) / 1000,
        gcMs: overlap(started, ended),
        gcBeforeMs: overlap(started - 100, started),
        gcs: this.gcs.filter((g) => g.end > started - 100 && g.start < ended).map((g) => [g.kind, Math.round((g.start - started) * 10) / 10, Math.round((g.end - g.start) * 10) / 10]),
      });
    }, 50);
  }

  dispose(): void {
    this.observer.disconnect();
  }
}

/** How long one turn of publishing queued files may take before waiting messages are let in (see `flushPublish`). */
const PUBLISH_SLICE_MS = 4;

/** How long after the last file saved or changed on disk the facts cache is brought up to date (see `scanSession`). */
const SESSION_WRITE_DELAY_MS = 2000;
/**
 * How long shutdown waits for the session scans it brings forward (see `flushSessions`): under the 2 s VS Code's
 * client gives a server to answer `shutdown` before it kills it.
 */
const SHUTDOWN_FLUSH_MS = 1500;

export interface ServerOptions {
  host: ServerHost;
  /** The documentation link of a rule, shown as the diagnostic's `codeDescription`. */
  ruleDocs?: (rule: string) => string | undefined;
}

/**
 * Creates an FK Guard language server on `connection`. All state lives in the returned closure's objects, so
 * two servers can run in one process (tests do). The caller calls `connection.listen()`.
 */
export function createServer(connection: Connection, options: ServerOptions): { dispose(): void } {
  const server = new FkGuardServer(connection, options);
  server.register();
  return { dispose: () => server.dispose() };
}

class FkGuardServer {
  private readonly log: Logger;
  private readonly projects = new Map<string, Project>();
  private readonly documents = new Map<string, OpenDocument>();
  private readonly lastPublished = new Map<string, Diagnostic[]>();
  private readonly pendingPublish = new Map<Project, Set<string>>();
  private flushScheduled = false;
  private loose: Project | undefined;
  private initOptions: InitializationOptions = {};
  private capabilities: InitializeParams['capabilities'] = {};
  private clientName = '';
  private disposed = false;
  /** With `InitializationOptions.timings`: each request's time in the server, sent as `fkguard/requestTiming`. */
  private requestTimings: RequestTimings | undefined;
  /** `shutdown` was received: from then on every request is refused, as the protocol says. */
  private shutDown = false;
  /** Open documents already reported as larger than `max-file-size`, so the note is written once. */
  private readonly reportedTooLarge = new Set<string>();
  /** Open documents already reported as left out for what they are (a minified bundle), likewise. */
  private readonly reportedSkipped = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly options: ServerOptions,
  ) {
    this.log = {
      info: (m) => connection.console.info(m),
      error: (m) => connection.console.error(m),
      warn: (m) => connection.console.warn(m),
      debug: (m) => connection.console.debug(m),
    };
  }

  /** A request handler that is guarded (see `guardRequest`) and refused after `shutdown`. */
  private request<P extends unknown[], R>(name: string, handler: (...args: P) => R | Promise<R>) {
    const guarded = guardRequest(this.log, name, (...args: P) => {
      if (this.shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, `FK Guard: ${name} after shutdown`);
      return handler(...args);
    });
    return (...args: P) => {
      if (!this.requestTimings) return guarded(...args);
      const started = performance.now();
      const cpu = process.cpuUsage();
      return guarded(...args).finally(() => this.requestTimings?.done(name, started, cpu));
    };
  }

  register(): void {
    const c = this.connection;
    const log = this.log;
    c.onInitialize(guardRequest<[InitializeParams], InitializeResult, InitializeError>(log, 'initialize', (p) => this.initialize(p)));
    c.onInitialized(guardNotification(log, 'initialized', () => this.initialized()));
    c.onDidOpenTextDocument(guardNotification(log, 'didOpen', (p: DidOpenTextDocumentParams) => this.didOpen(p)));
    c.onDidChangeTextDocument(guardNotification(log, 'didChange', (p: DidChangeTextDocumentParams) => this.didChange(p)));
    c.onDidCloseTextDocument(guardNotification(log, 'didClose', (p: DidCloseTextDocumentParams) => this.didClose(p)));
    c.onDidSaveTextDocument(guardNotification(log, 'didSave', (p: DidSaveTextDocumentParams) => this.didSave(p)));
    c.onDidChangeWatchedFiles(guardNotification(log, 'didChangeWatchedFiles', (p: DidChangeWatchedFilesParams) => this.watchedFiles(p)));
    c.onDidChangeConfiguration(guardNotification(log, 'didChangeConfiguration', () => this.reindexAll('settings changed')));
    c.onCodeAction(this.request('codeAction', (p: CodeActionParams) => this.codeAction(p)));
    c.onHover(this.request('hover', (p: HoverParams) => this.navigate(p.textDocument.uri, null, (ctx) => navigation.hover(ctx, p.position))));
    c.onDefinition(this.request('definition', (p: DefinitionParams) => this.navigate(p.textDocument.uri, null, (ctx) => navigation.definition(ctx, p.position))));
    c.onReferences(
      this.request('references', (p: ReferenceParams) => this.navigate(p.textDocument.uri, null, (ctx) => navigation.references(ctx, p.position, p.context.includeDeclaration))),
    );
    c.onCompletion(this.request('completion', (p: CompletionParams) => this.navigate(p.textDocument.uri, { isIncomplete: false, items: [] }, (ctx) => navigation.completion(ctx, p.position))));
    c.onPrepareRename(this.request('prepareRename', (p: PrepareRenameParams) => this.navigate(p.textDocument.uri, null, (ctx) => navigation.prepareRename(ctx, p.position))));
    c.onRenameRequest(this.request('rename', (p: RenameParams) => this.navigate(p.textDocument.uri, null, (ctx) => navigation.rename(ctx, p.position, p.newName))));
    c.onCodeLens(
      this.request('codeLens', (p: CodeLensParams) =>
        this.navigate(p.textDocument.uri, [], (ctx, project) => (project.settings.codeLens ? navigation.codeLenses(ctx) : [])),
      ),
    );
    // A request sent without params reaches its handler with the token alone; take it from wherever it is.
    c.onRequest(ScanWorkspaceMethod, this.request('scanWorkspace', (...args: unknown[]) => this.scanWorkspace(args.find(CancellationToken.is))));
    c.onRequest(SchemaIndexMethod, this.request('schemaIndex', () => this.schemaIndex()));
    c.onRequest(SchemaGraphMethod, this.request('schemaGraph', () => this.schemaGraph()));
    c.onRequest(PullSchemaMethod, this.request('pullSchema', (p: PullSchemaParams) => this.pullSchema(p)));
    c.onShutdown(
      this.request('shutdown', async () => {
        this.shutDown = true;
        // Files saved within the write delay before the editor closes reach the cache now (see `flushSessions`).
        await this.flushSessions();
        this.dispose();
      }),
    );
  }

  /** `fkguard/pullSchema`: the database's tables as the SQL file `fkguard pull-schema` writes (host/database.ts). */
  private async pullSchema(p: PullSchemaParams | undefined): Promise<PullSchemaResult> {
    if (typeof p?.url !== 'string' || p.url === '') throw new ResponseError(ErrorCodes.InvalidParams, 'FK Guard: give the database URL (postgresql://user@host:port/database).');
    const schemas = Array.isArray(p.schemas) ? p.schemas.filter((s): s is string => typeof s === 'string' && s !== '') : undefined;
    try {
      return await pullSchemaFile(p.url, { schemas });
    } catch (err) {
      if (err instanceof DatabaseError) throw new ResponseError(ErrorCodes.InvalidRequest, `FK Guard: ${err.message}`);
      throw err;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const doc of this.documents.values()) doc.cancel();
    this.requestTimings?.dispose();
    for (const p of this.allProjects()) {
      p.indexGeneration++;
      clearTimeout(p.sessionTimer);
      p.session = undefined;
      p.engine?.dispose();
      p.engine = undefined;
    }
  }

  // ---- lifecycle ----

  private initialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities;
    this.clientName = params.clientInfo?.name ?? '';
    const init = params.initializationOptions;
    if (init && typeof init === 'object') this.initOptions = init as InitializationOptions;
    if (this.initOptions.timings) this.requestTimings = new RequestTimings((t) => void this.connection.sendNotification(RequestTimingNotificationMethod, t));
    if (this.initOptions.testRequests) {
      this.connection.onRequest(
        TestFailMethod,
        this.request(TestFailMethod, () => {
          throw new Error('a deliberate fault, requested by a test');
        }),
      );
    }
    const folders: WorkspaceFolder[] =
      params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: basename(params.rootUri) }] : []);
    for (const f of folders) {
      // A folder of a virtual file system (`vscode-vfs:`, `untitled:`…) has no files FK Guard can read.
      if (!this.addFolder(f)) this.log.info(`FK Guard: ${f.uri} is not a folder on disk; it is not checked.`);
    }
    return {
      capabilities: {
        // Saves tell the server when to write the facts cache again (clients without file watchers send them too).
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FixAllKind], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        // A quote or a dot starts a reference's parts; `[`, `(` and a blank start Prisma's and SQL's lists.
        completionProvider: { triggerCharacters: ['.', '"', "'", '`', '[', '(', ' ', ','], resolveProvider: false },
        renameProvider: { prepareProvider: true },
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'fkguard-language-server' },
    };
  }

  private async initialized(): Promise<void> {
    const ws = this.capabilities.workspace;
    if (ws?.didChangeConfiguration?.dynamicRegistration) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'fkguard' });
    }
    if (ws?.didChangeWatchedFiles?.dynamicRegistration) {
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          // Every source the engine reads: Python, and the dialects' (TypeScript, Prisma, SQL, and files read for
          // what they configure). The walk takes a file whose name ends with one of `extensions` (`.py`, but also
          // `ackage.json` for any `package.json`, `config.json` for a `tsconfig.json`), so the glob is `*` then
          // the ending as it is: `*.{…}` would miss a bare `package.json`, `tsconfig.json` or `pyproject.toml`.
          // A pattern ending (`requirements/*.txt`, see `SourceDialect.extensions`) gets a watcher of its own.
          { globPattern: `**/*{${this.options.host.extensions.filter((e) => !e.includes('*')).join(',')}}` },
          ...this.options.host.extensions.filter((e) => e.includes('*')).map((e) => ({ globPattern: `**/${e}` })),
          { globPattern: '**/{pyproject.toml,fkguard.toml,.fkguard.json}' },
        ],
      });
    }
    if (ws?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(
        guardNotification(this.log, 'didChangeWorkspaceFolders', (e: WorkspaceFoldersChangeEvent) => this.foldersChanged(e)),
      );
    }
    try {
      await this.reindexAll('start');
    } finally {
      this.options.host.startIndexed?.();
    }
    // With no folder on disk there was no index to end: the client still needs to hear that all is ready.
    this.sendStatus();
  }

  private addFolder(folder: WorkspaceFolder): Project | undefined {
    const path = uriToPath(folder.uri);
    if (!path) return undefined;
    const project = new Project(folder.uri, normaliseRoot(path), folder.name);
    this.projects.set(folder.uri, project);
    return project;
  }

  private foldersChanged(e: WorkspaceFoldersChangeEvent): void {
    for (const f of e.removed) {
      const p = this.projects.get(f.uri);
      if (!p) continue;
      this.projects.delete(f.uri);
      p.indexGeneration++;
      for (const id of p.published) this.sendDiagnostics(p.uriOf(id), undefined, []);
      p.engine?.dispose();
    }
    for (const f of e.added) {
      const p = this.addFolder(f);
      if (p) void this.index(p, 'folder added');
    }
  }

  private allProjects(): Project[] {
    return this.loose ? [...this.projects.values(), this.loose] : [...this.projects.values()];
  }

  // ---- the workspace index ----

  private reindexAll(reason: string): Promise<void> {
    return Promise.all(this.allProjects().map((p) => this.index(p, reason))).then(() => undefined);
  }

  private async settingsFor(project: Project): Promise<ReturnType<typeof readSettings>> {
    if (!this.capabilities.workspace?.configuration) return readSettings(undefined);
    const [raw] = await this.connection.workspace.getConfiguration([{ scopeUri: project.uri, section: 'fkguard' }]);
    return readSettings(raw);
  }

  /**
   * Builds a new engine for a project from disk and swaps it in when complete (open documents then enter it
   * with the editor's text), so diagnostics never flicker through a half-built index. A newer index stops an older one.
   */
  private index(project: Project, reason: string): Promise<void> {
    const generation = ++project.indexGeneration;
    // A stored answer belongs to the index that found it (its configuration, the files it saw).
    project.stored = undefined;
    const run = this.runIndex(project, generation, reason).catch((err: unknown) => {
      if (generation !== project.indexGeneration) return;
      project.stored = undefined;
      project.state = 'error';
      project.stateMessage = err instanceof Error ? err.message : String(err);
      this.log.error(`FK Guard: indexing ${project.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.sendStatus();
    });
    project.indexing = run;
    return run.finally(() => {
      if (project.indexing === run) project.indexing = undefined;
    });
  }

  private async runIndex(project: Project, generation: number, reason: string): Promise<void> {
    const started = Date.now();
    const host = this.options.host;
    const stale = () => this.disposed || generation !== project.indexGeneration;
    project.state = 'indexing';
    this.sendStatus();
    const settings = await this.settingsFor(project);
    const fileConfig = project.loose ? { config: project.config, errors: [] } : await host.loadConfig(project.root);
    const { config, errors } = combineConfig(fileConfig.config, settings);
    for (const e of [...fileConfig.errors, ...errors]) this.log.error(`FK Guard (${project.name}): ${e}`);
    if (!project.loose) this.logConfigChoice(project, fileConfig);
    if (stale()) return;
    project.settings = settings;
    project.config = config;
    project.diskChangesDuringIndex.clear();

    let engine: Engine;
    let readAs: ((id: string, text: string) => boolean) | undefined;
    let saveConclusions: (() => void) | undefined;
    let finish: (() => void) | undefined;
    let session: SessionStore | undefined;
    // Only the first index answers early: a re-index leaves the current engine answering until it is replaced.
    const onStoredAnswer = project.engine
      ? undefined
      : (answer: StoredAnswer) => {
          if (stale()) return;
          project.stored = answer;
          this.answerFromStored(project);
        };
    const progress = await this.connection.window.createWorkDoneProgress();
    let reported = -Infinity;
    try {
      progress.begin(`FK Guard: indexing ${project.name}`, 0, undefined, false);
      if (!settings.enable || project.loose) {
        engine = await host.createEngine(config);
      } else {
        const result = await host.index(
          project.root,
          config,
          { get isCancellationRequested() { return stale(); } },
          (p) => {
            // Ten reports a second are plenty for a progress bar; one every 32 files cost a warm start of 2,000
            // files 60 messages before its first diagnostics.
            const now = performance.now();
            if (now - reported < 100 && p.done !== p.total) return;
            reported = now;
            if (p.total) progress.report(Math.round((p.done * 100) / Math.max(p.total, 1)), `${p.done}/${p.total} files`);
            else progress.report(`${p.done} files found`);
          },
          { root: project.root, followSymlinks: settings.followSymlinks },
          onStoredAnswer,
        );
        engine = result.engine;
        readAs = result.readAs;
        saveConclusions = result.saveConclusions;
        finish = result.finish;
        session = result.session;
        for (const s of result.skipped) this.log.warn?.(`FK Guard: skipped ${s.file}: ${s.reason}`);
        if (result.cachedFiles !== undefined) this.log.debug?.(`FK Guard (${project.name}): ${result.cachedFiles} files' facts came from the cache, unparsed.`);
      }
    } finally {
      progress.done();
    }
    if (stale()) return engine.dispose();

    // Swap in the new engine; open documents enter it with their editor text and a kept tree.
    project.stored = undefined;
    project.engine?.dispose();
    project.engine = engine;
    this.startSession(project, session);
    // Whether the engine still holds only what the index read from disk, so its conclusions are those of the files.
    let asRead = true;
    if (settings.enable) {
      // Documents whose editor text differs from the file enter the engine first: what they define or reference
      // may change the findings of those answered from the index, which would otherwise be published twice,
      // wrong the first time.
      const asOnDisk: Array<{ id: string; doc: OpenDocument }> = [];
      for (const doc of this.documents.values()) {
        const id = this.idFor(doc.uri, project);
        if (id === undefined) continue;
        doc.resetEdits();
        if (this.readsAsIndexed(project, id, doc, readAs)) {
          asOnDisk.push({ id, doc });
          continue;
        }
        // A document FK Guard does not analyse, or one holding the file's text (which defines nothing), leaves
        // the engine as the index filled it.
        const included = this.options.host.isIncluded(id, project.config);
        if (included && (!readAs?.(id, doc.text) || this.tooLarge(doc, project.config.maxFileSize))) asRead = false;
        this.analyze(project, id, doc, false);
      }
      for (const { id, doc } of asOnDisk) this.answerFromIndex(project, id, doc);
    }
    const changedOnDisk = [...project.diskChangesDuringIndex];
    project.diskChangesDuringIndex.clear();
    for (const id of changedOnDisk) void this.refreshFromDisk(project, id);

    const toPublish = new Set<string>([...project.published, ...(settings.enable ? engine.parsedFiles() : [])]);
    for (const id of toPublish) this.publish(project, id);
    project.state = 'ready';
    project.stateMessage = undefined;
    const stats = engine.stats();
    this.log.info(
      `FK Guard: indexed ${project.name} (${reason}): ${stats.parsedFiles}/${stats.files} files parsed, ${stats.tables} tables, ` +
        `${stats.checked} references checked, ${uncheckedSummary(stats.unchecked)}, ${Date.now() - started} ms`,
    );
    this.sendStatus();
    // For the next start-up's early answer (see `answerFromStored`); every file's findings are computed by now.
    // (Disk changes seen during the index are applied asynchronously, after this.)
    // The cache first: stored conclusions name the facts it holds.
    finish?.();
    if (asRead && settings.enable) saveConclusions?.();
  }

  /**
   * Before a folder's first index is in place: publishes its open documents' diagnostics from the answer an
   * earlier index stored for exactly the facts on disk now (see `StoredAnswer`), so they need not wait for the
   * whole workspace to load. Only when every open document of the folder that FK Guard analyses holds the text
   * on disk: the index, which takes the editor's texts, then concludes the same, and the diagnostics shown now are
   * the ones it publishes (a document opened or edited later is a change like any other).
   */
  private answerFromStored(project: Project): void {
    const answer = project.stored;
    if (!answer || project.engine || !project.settings.enable) return;
    const docs: Array<{ id: string; doc: OpenDocument }> = [];
    for (const doc of this.documents.values()) {
      const id = this.idFor(doc.uri, project);
      if (id === undefined || !this.options.host.isIncluded(id, project.config)) continue;
      if (this.tooLarge(doc, project.config.maxFileSize) || !answer.readAs(id, doc.text)) return;
      docs.push({ id, doc });
    }
    // Every document first: a fix's edits carry the versions of the open documents they change.
    for (const { doc } of docs) doc.markAnalyzed();
    // After files changed, only documents whose findings cannot depend on the changes; the others wait for the index.
    const answered = answer.holds ? docs.filter(({ id }) => answer.holds!(id)) : docs;
    for (const { id } of answered) this.publishFindings(project, id, answer.findings(id));
    const left = docs.length - answered.length;
    if (answered.length > 0) this.log.debug?.(`FK Guard (${project.name}): ${answered.length} open files answered from the conclusions of an earlier index${answer.holds ? ` (files changed since; ${left} left for the index)` : ''}.`);
  }

  /** Which config file holds the folder's settings, and which others were passed over, so nobody has to guess. */
  private logConfigChoice(project: Project, loaded: { used?: string; passedOver?: string[] }): void {
    const over = loaded.passedOver?.length ? `; passed over ${loaded.passedOver.join(', ')}` : '';
    this.log.info(`FK Guard (${project.name}): configuration from ${loaded.used ?? 'the defaults (no config file)'} and the fkguard.* settings${over}.`);
  }

  // ---- documents ----

  private openDocument(project: Project, id: string): OpenDocument | undefined {
    const uri = project.uriOf(id);
    const doc = this.documents.get(uri);
    return doc && this.idFor(uri, project) === id ? doc : undefined;
  }

  /** The project and id of a URI: the folder with the longest prefix, or the loose project. */
  private locate(uri: string): { project: Project; id: string } | undefined {
    const path = uriToPath(uri);
    if (!path) return undefined;
    const owner = projectFor(this.projects.values(), path);
    if (owner) {
      const id = owner.idOf(path)!;
      owner.rememberUri(id, uri);
      return { project: owner, id };
    }
    if (!this.loose) {
      this.loose = new Project(pathToUri('/'), '/', 'files outside the workspace', true);
      void this.index(this.loose, 'a file outside the workspace was opened');
    }
    const id = this.loose.idOf(path);
    if (id === undefined) return undefined;
    this.loose.rememberUri(id, uri);
    return { project: this.loose, id };
  }

  private idFor(uri: string, project: Project): string | undefined {
    const found = this.locate(uri);
    return found && found.project === project ? found.id : undefined;
  }

  private didOpen(p: DidOpenTextDocumentParams): void {
    const { uri, languageId, version, text } = p.textDocument;
    const doc = OpenDocument.open(uri, languageId, version, text);
    this.documents.set(uri, doc);
    const found = this.locate(uri);
    if (!found) return;
    if (found.project.stored) this.answerFromStored(found.project);
    else this.analyze(found.project, found.id, doc, true);
  }

  private didChange(p: DidChangeTextDocumentParams): void {
    const doc = this.documents.get(p.textDocument.uri);
    if (!doc) return;
    if (this.initOptions.timings) doc.changedAt = { wall: performance.now(), cpu: process.cpuUsage() };
    doc.applyChanges(p.contentChanges, p.textDocument.version);
    this.schedule(doc);
  }

  /** Per-document debounce: a newer change cancels the pending run, which would be thrown away anyway. */
  private schedule(doc: OpenDocument): void {
    doc.cancel();
    const found = this.locate(doc.uri);
    if (!found) return;
    const delay = this.initOptions.debounce ?? found.project.settings.debounce;
    const generation = doc.generation;
    doc.schedule(
      guardNotification(this.log, 'analysis', () => {
        if (this.documents.get(doc.uri) !== doc || doc.generation !== generation) return;
        const again = this.locate(doc.uri);
        if (again) this.analyze(again.project, again.id, doc, true);
      }),
      delay,
    );
  }

  private didClose(p: DidCloseTextDocumentParams): void {
    const uri = p.textDocument.uri;
    const doc = this.documents.get(uri);
    doc?.cancel();
    this.documents.delete(uri);
    this.reportedTooLarge.delete(uri);
    this.reportedSkipped.delete(uri);
    const found = this.locate(uri);
    if (!found) return;
    const { project, id } = found;
    project.engine?.releaseTree(id);
    if (project.loose) {
      project.engine?.removeFile(id);
      this.sendDiagnostics(uri, undefined, []);
      project.published.delete(id);
      return;
    }
    // The editor may close without saving: the file on disk is the truth again.
    void this.refreshFromDisk(project, id);
  }

  /**
   * Runs the engine on an open document's current text and publishes the result. Files whose findings the
   * change may affect (through the reverse index) are re-published right after, in one batch.
   */
  private analyze(project: Project, id: string, doc: OpenDocument, publishOthers: boolean, publishLater = false): void {
    // While the first index runs there is no engine yet; the index analyses open documents at its end.
    const engine = project.engine;
    if (!engine || !project.settings.enable) return;
    if (!project.loose && !this.options.host.isIncluded(id, project.config)) {
      if (engine.getFacts(id)) for (const other of engine.removeFile(id)) this.queuePublish(project, other);
      doc.markAnalyzed();
      this.sendDiagnostics(doc.uri, doc.version, []);
      return;
    }
    const tooLarge = this.tooLarge(doc, project.config.maxFileSize);
    if (tooLarge) {
      // As the scan skips such a file on disk, the editor does not parse it either (a 50 MB document took 8 s
      // and 272 MB); its findings go, and the log says why, once.
      if (!this.reportedTooLarge.has(doc.uri)) {
        this.reportedTooLarge.add(doc.uri);
        this.log.info(`FK Guard: ${id} is not checked: larger than max-file-size (${tooLarge}).`);
      }
      if (engine.getFacts(id)) for (const other of engine.removeFile(id)) this.queuePublish(project, other);
      engine.releaseTree(id);
      doc.resetEdits();
      doc.markAnalyzed();
      this.sendDiagnostics(doc.uri, doc.version, []);
      return;
    }
    this.reportedTooLarge.delete(doc.uri);
    const skipped = engine.skipReason(id, doc.text);
    if (skipped && !this.reportedSkipped.has(doc.uri)) {
      this.reportedSkipped.add(doc.uri);
      this.log.info(`FK Guard: ${id} is not checked: ${skipped}.`);
    } else if (!skipped) this.reportedSkipped.delete(doc.uri);
    const edits = doc.takeEdits();
    const started = doc.changedAt ? performance.now() : 0;
    const affected = engine.updateFile(id, doc.text, { keepTree: true, edits });
    doc.markAnalyzed();
    const updated = doc.changedAt ? performance.now() : 0;
    if (publishOthers) for (const other of affected) if (other !== id) this.queuePublish(project, other);
    const publishOwn = () => {
      this.publish(project, id);
      if (doc.changedAt) this.sendTiming(doc, started, updated);
    };
    if (!publishLater) return publishOwn();
    // A request that brought the engine up to date is answered first: the document's findings and diagnostics
    // (most of an analysis) follow it, unless a newer change came in meanwhile (whose own analysis publishes).
    const generation = doc.generation;
    setImmediate(
      guardNotification(this.log, 'analysis', () => {
        if (this.documents.get(doc.uri) === doc && doc.generation === generation && project.engine === engine) publishOwn();
      }),
    );
  }

  /**
   * A document whose text is what the index just read is answered from the index's facts (from the cache on a
   * warm start), without parsing it first: its first diagnostics come sooner (the first parse of a start-up
   * costs a few hundred milliseconds). It is parsed right after, keeping its tree for the edits to come (the
   * same text: the same facts and findings). False when the document must be analysed now.
   */
  private answerFromIndex(project: Project, id: string, doc: OpenDocument): void {
    const engine = project.engine!;
    doc.markAnalyzed();
    this.publish(project, id);
    const generation = doc.generation;
    setImmediate(
      guardNotification(this.log, 'analysis', () => {
        // A change since has its own analysis scheduled, which parses the document then.
        if (this.documents.get(doc.uri) !== doc || doc.generation !== generation || project.engine !== engine || doc.scheduled) return;
        this.analyze(project, id, doc, false);
      }),
    );
  }

  /** Whether `answerFromIndex` may answer a document: its text is what the index read, and the index analysed it. */
  private readsAsIndexed(project: Project, id: string, doc: OpenDocument, readAs: ((id: string, text: string) => boolean) | undefined): boolean {
    const engine = project.engine;
    if (!engine || !readAs || !engine.getFacts(id) || !readAs(id, doc.text)) return false;
    return this.options.host.isIncluded(id, project.config) && !this.tooLarge(doc, project.config.maxFileSize);
  }

  /** How large a document is when it exceeds `maxBytes` (UTF-8 bytes, as on disk), else undefined. */
  private tooLarge(doc: OpenDocument, maxBytes: number): string | undefined {
    const chars = doc.length;
    // A UTF-16 unit is at most 3 UTF-8 bytes: most documents are decided without counting.
    if (chars * 3 <= maxBytes) return undefined;
    const bytes = chars > maxBytes ? chars : Buffer.byteLength(doc.text, 'utf8');
    if (bytes <= maxBytes) return undefined;
    return `${chars > maxBytes ? 'over ' : ''}${bytes} bytes > ${maxBytes}`;
  }

  // ---- files on disk ----

  private async watchedFiles(p: DidChangeWatchedFilesParams): Promise<void> {
    const reindex = new Set<Project>();
    for (const change of p.changes) {
      const path = uriToPath(change.uri);
      if (!path) continue;
      const project = projectFor(this.projects.values(), path);
      if (!project) continue;
      const id = project.idOf(path)!;
      if (this.options.host.isConfigFile(basename(path)) && dirname(path) === project.root) {
        reindex.add(project);
        continue;
      }
      if (reindex.has(project)) continue;
      if (project.indexing) {
        project.diskChangesDuringIndex.add(id);
        continue;
      }
      if (change.type === FileChangeType.Deleted) this.removeUnder(project, id);
      else void this.refreshFromDisk(project, id);
    }
    for (const project of reindex) void this.index(project, 'config file changed');
  }

  /** A deleted file, or a deleted folder: every parsed file under it goes. */
  private removeUnder(project: Project, id: string): void {
    const engine = project.engine;
    if (!engine) return;
    const gone = engine.parsedFiles().filter((f) => f === id || f.startsWith(`${id}/`));
    if (!gone.includes(id)) gone.push(id);
    for (const f of gone) {
      this.changedOnDisk(project, f);
      if (this.openDocument(project, f)) continue;
      project.diskReads.set(f, (project.diskReads.get(f) ?? 0) + 1);
      for (const other of engine.removeFile(f)) this.queuePublish(project, other);
    }
  }

  /** Re-reads one file from disk, unless the editor owns its text; a late read of an older version is dropped. */
  private async refreshFromDisk(project: Project, id: string): Promise<void> {
    // The editor's text of an open document is what the engine holds; a change on disk is a save (see `didSave`).
    if (this.openDocument(project, id)) return this.changedOnDisk(project, id);
    const read = (project.diskReads.get(id) ?? 0) + 1;
    project.diskReads.set(id, read);
    const included = project.settings.enable && this.options.host.isIncluded(id, project.config);
    const links = { root: project.root, followSymlinks: project.settings.followSymlinks };
    const text = included ? await this.options.host.readFile(project.pathOf(id), project.config, links) : undefined;
    const engine = project.engine;
    if (!engine || project.diskReads.get(id) !== read || this.openDocument(project, id)) return;
    const affected = text === undefined ? engine.removeFile(id) : engine.updateFile(id, text);
    this.changedOnDisk(project, id);
    for (const f of new Set([id, ...affected])) this.queuePublish(project, f);
  }

  // ---- the facts cache during a session ----

  /** A new engine is in place: its index wrote the cache, so what was waiting to be written is in it. */
  private startSession(project: Project, session: SessionStore | undefined): void {
    clearTimeout(project.sessionTimer);
    project.sessionTimer = undefined;
    project.sessionChanged.clear();
    project.session = session;
  }

  /**
   * File `id` was saved or changed on disk: the facts cache and stored conclusions are brought up to date a moment
   * after the last such change (see `scanSession`).
   */
  private changedOnDisk(project: Project, id: string): void {
    if (!project.session || project.loose) return;
    project.sessionChanged.add(id);
    clearTimeout(project.sessionTimer);
    project.sessionTimer = setTimeout(
      guardNotification(this.log, 'session scan', () => {
        project.sessionTimer = undefined;
        void this.scanSession(project);
      }),
      this.initOptions.cacheWriteDelay ?? SESSION_WRITE_DELAY_MS,
    );
  }

  private didSave(p: DidSaveTextDocumentParams): void {
    const found = this.locate(p.textDocument.uri);
    if (found && this.openDocument(found.project, found.id)) this.changedOnDisk(found.project, found.id);
  }

  /**
   * Scans the folder on a worker thread as the next start-up would (host/sessionCache.ts): the files changed since
   * the last scan are parsed, the facts cache written, and a fresh index's conclusions stored, so the next start-up
   * (or `fkguard scan`) finds them. One scan at a time; changes during one bring another after it.
   */
  private async scanSession(project: Project): Promise<void> {
    const session = project.session;
    // A re-index under way writes the cache itself when done (see `startSession`).
    if (!session || project.indexing || project.sessionChanged.size === 0 || !project.settings.enable || this.disposed || project.sessionScan) return;
    const changed = project.sessionChanged.size;
    project.sessionChanged.clear();
    const run = session.scan().then(
      (scan) => {
        const problem = scan.cacheProblem ? `; ${scan.cacheProblem}, replaced` : '';
        this.log.debug?.(
          `FK Guard (${project.name}): facts cache brought up to date after ${changed} changed files (${scan.files - scan.cachedFiles} of ${scan.files} files read again), ` +
            `conclusions ${scan.conclusions}${problem}, ${scan.ms} ms on a worker thread.`,
        );
      },
      (err: unknown) => this.log.error(`FK Guard: bringing the facts cache up to date failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
    project.sessionScan = run;
    await run;
    project.sessionScan = undefined;
    if (project.session === session && project.sessionChanged.size > 0) await this.scanSession(project);
  }

  /**
   * At shutdown: a session scan due after the write delay (files saved or changed on disk in the last moments) runs
   * now, and shutdown waits for it and for one already running, `shutdownFlushMs` at most. A scan still running
   * then is cut off when the process exits; it writes each cache file through a temporary file and a rename, so the
   * cache keeps its earlier state whole and the next start-up reads the files changed since (conclusionsSince.ts).
   */
  private async flushSessions(): Promise<void> {
    const bound = this.initOptions.shutdownFlushMs ?? SHUTDOWN_FLUSH_MS;
    // No wait allowed: a scan started now would only be cut off.
    if (bound <= 0) return;
    const deadline = performance.now() + bound;
    for (;;) {
      for (const p of this.allProjects()) {
        if (p.sessionTimer === undefined) continue;
        clearTimeout(p.sessionTimer);
        p.sessionTimer = undefined;
        void this.scanSession(p);
      }
      // A scan that ends brings the next one itself when changes came meanwhile (see `scanSession`).
      const running = this.allProjects().flatMap((p) => (p.sessionScan ? [p.sessionScan] : []));
      const left = deadline - performance.now();
      if (running.length === 0 || left <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running), new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
      // The scan that ended has cleared `sessionScan` only after this turn's continuation may run: let it.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  // ---- publishing ----

  private queuePublish(project: Project, id: string): void {
    let set = this.pendingPublish.get(project);
    if (!set) this.pendingPublish.set(project, (set = new Set()));
    set.add(id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(guardNotification(this.log, 'publish', () => this.flushPublish()));
  }

  /**
   * Publishes the queued files for `PUBLISH_SLICE_MS` at most, then lets the messages that arrived meanwhile in (a
   * hover, a completion) before the rest: a change that re-checks hundreds of files (a table renamed) kept every
   * request waiting for all of them.
   */
  private flushPublish(): void {
    this.flushScheduled = false;
    const until = performance.now() + PUBLISH_SLICE_MS;
    for (const [p, ids] of this.pendingPublish) {
      for (const f of ids) {
        ids.delete(f);
        this.publish(p, f);
        if (performance.now() < until) continue;
        if (ids.size === 0) this.pendingPublish.delete(p);
        if (this.pendingPublish.size === 0) break;
        this.flushScheduled = true;
        setImmediate(guardNotification(this.log, 'publish', () => this.flushPublish()));
        return;
      }
      this.pendingPublish.delete(p);
    }
    this.sendStatus();
  }

  private publish(project: Project, id: string): void {
    const engine = project.engine;
    if (!engine || this.disposed) return;
    this.publishFindings(project, id, project.settings.enable ? engine.findings(id) : []);
  }

  private publishFindings(project: Project, id: string, findings: readonly Finding[]): void {
    if (this.disposed) return;
    const uri = project.uriOf(id);
    const doc = this.openDocument(project, id);
    // Findings for a document with unanalysed edits describe an older text: its own run will publish.
    if (doc?.dirty) return;
    const ctx = this.diagnosticContext(project);
    const diagnostics = findings.map((f) => toDiagnostic(f, ctx));
    if (diagnostics.length === 0 && !project.published.has(id) && !doc) return;
    if (diagnostics.length > 0) project.published.add(id);
    else project.published.delete(id);
    this.sendDiagnostics(uri, doc ? doc.version : undefined, diagnostics);
  }

  private sendDiagnostics(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    if (diagnostics.length > 0) this.lastPublished.set(uri, diagnostics);
    else this.lastPublished.delete(uri);
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  /** See `InitializationOptions.timings`. */
  private sendTiming(doc: OpenDocument, started: number, updated: number): void {
    const since = doc.changedAt!;
    doc.changedAt = undefined;
    const now = performance.now();
    const cpu = process.cpuUsage(since.cpu);
    const timing: TimingParams = {
      uri: doc.uri,
      version: doc.version,
      wallMs: now - since.wall,
      cpuMs: (cpu.user + cpu.system) / 1000,
      updateMs: updated - started,
      publishMs: now - updated,
    };
    void this.connection.sendNotification(TimingNotificationMethod, timing);
  }

  private diagnosticContext(project: Project): DiagnosticContext {
    return {
      uriOf: (file) => project.uriOf(file),
      versionOf: (uri) => {
        const doc = this.documents.get(uri);
        return doc ? doc.analyzedVersion : null;
      },
      ruleDocs: (rule) => this.options.ruleDocs?.(rule),
    };
  }

  private sendStatus(): void {
    if (this.disposed) return;
    const projects = this.allProjects().filter((p) => !p.loose);
    let tables = 0;
    let references = 0;
    let unchecked = 0;
    for (const p of projects) {
      if (!p.engine) continue;
      const s = p.engine.counts();
      tables += s.tables;
      references += s.references;
      unchecked += p.engine.uncheckedSoFar();
    }
    let problems = 0;
    for (const d of this.lastPublished.values()) problems += d.length;
    const error = projects.find((p) => p.state === 'error');
    const status: StatusParams = {
      state: error ? 'error' : projects.some((p) => p.state === 'indexing') ? 'indexing' : 'ready',
      message: error?.stateMessage,
      tables,
      references,
      unchecked,
      problems,
    };
    void this.connection.sendNotification(StatusNotificationMethod, status);
  }

  // ---- requests ----

  /**
   * Runs a navigation request on an open document (or a file on disk), with the engine brought up to date
   * with its text first: a position the editor sends always means the text it shows. `none` answers a
   * document FK Guard does not analyse.
   */
  private async navigate<R>(uri: string, none: R, run: (ctx: navigation.NavigationContext, project: Project) => R | Promise<R>): Promise<R> {
    const found = this.locate(uri);
    if (!found) return none;
    const { project, id } = found;
    if (project.indexing && !project.engine) await project.indexing;
    const engine = project.engine;
    if (!engine || !project.settings.enable) return none;
    const doc = this.documents.get(uri);
    if (doc && doc.dirty) {
      doc.cancel();
      // The request needs the engine to hold the text the editor shows; the diagnostics can wait for its answer.
      this.analyze(project, id, doc, true, true);
    }
    const links = { root: project.root, followSymlinks: project.settings.followSymlinks };
    const text = doc ? doc.text : await this.options.host.readFile(project.pathOf(id), project.config, links);
    if (text === undefined) return none;
    const ws = this.capabilities.workspace?.workspaceEdit;
    const ctx: navigation.NavigationContext = {
      engine,
      file: id,
      text,
      uriOf: (f) => project.uriOf(f),
      texts: async (files) => {
        const out = new Map<string, string>();
        for (const f of files) {
          const open = this.openDocument(project, f);
          const t = open ? open.text : await this.options.host.readFile(project.pathOf(f), project.config, links);
          if (t !== undefined) out.set(f, t);
        }
        return out;
      },
      versionOf: (u) => this.documents.get(u)?.version ?? null,
      vscode: /code/i.test(this.clientName),
      documentChanges: ws?.documentChanges === true,
      changeAnnotations: ws?.changeAnnotationSupport !== undefined,
    };
    return run(ctx, project);
  }

  private codeAction(params: CodeActionParams) {
    return codeActions(params, {
      versionOf: (uri) => this.documents.get(uri)?.version ?? null,
      currentDiagnostics: (uri) => {
        const doc = this.documents.get(uri);
        const found = this.locate(uri);
        // Fix-all runs on save: bring a document with pending edits up to date first, so no fix is missed.
        if (doc && found && doc.dirty) {
          doc.cancel();
          this.analyze(found.project, found.id, doc, true);
        }
        return this.lastPublished.get(uri) ?? [];
      },
      documentChanges: this.capabilities.workspace?.workspaceEdit?.documentChanges === true,
    });
  }

  private async scanWorkspace(token: CancellationToken | undefined): Promise<ScanWorkspaceResult> {
    const started = Date.now();
    await this.reindexAll('scan requested');
    if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'scan cancelled');
    const result: ScanWorkspaceResult = {
      folders: this.projects.size,
      files: 0,
      parsedFiles: 0,
      tables: 0,
      references: 0,
      unresolved: 0,
      checked: 0,
      unchecked: { total: 0, byReason: {} },
      problems: { error: 0, warning: 0, info: 0 },
      ms: 0,
    };
    for (const p of this.projects.values()) {
      if (!p.engine) continue;
      if (p.state === 'error') throw new Error(`indexing ${p.name} failed: ${p.stateMessage}`);
      const s = p.engine.stats();
      result.files += s.files;
      result.parsedFiles += s.parsedFiles;
      result.tables += s.tables;
      result.references += s.references;
      result.unresolved += s.unresolved;
      result.checked += s.checked;
      result.unchecked.total += s.unchecked.total;
      for (const [r, n] of Object.entries(s.unchecked.byReason)) result.unchecked.byReason[r] = (result.unchecked.byReason[r] ?? 0) + (n ?? 0);
      if (!p.settings.enable) continue;
      for (const f of p.engine.allFindings()) result.problems[f.severity as Severity]++;
    }
    result.ms = Date.now() - started;
    return result;
  }

  /** The schema index with every foreign key as an edge, URIs for file ids; waits for indexes under way. */
  private async schemaGraph(): Promise<SchemaGraphResult> {
    await Promise.all(this.allProjects().map((p) => p.indexing));
    const index = this.schemaIndex();
    return {
      folders: index.folders.map((folder) => {
        const p = this.projects.get(folder.uri)!;
        return { ...folder, foreignKeys: (p.engine?.foreignKeys() ?? []).map(({ file, ...e }) => ({ ...e, uri: p.uriOf(file) })) };
      }),
    };
  }

  private schemaIndex(): SchemaIndexResult {
    const folders: SchemaIndexResult['folders'] = [];
    for (const p of this.projects.values()) {
      if (!p.engine) continue;
      const snapshot = p.engine.schema();
      folders.push({
        uri: p.uri,
        name: p.name,
        tables: snapshot.tables.map((t) => ({
          key: t.key,
          name: t.name,
          schema: t.schema,
          definitions: t.definitions.map((d) => ({
            uri: d.origin === 'external' ? '' : p.uriOf(d.file),
            range: d.range,
            origin: d.origin,
            className: d.className,
          })),
          columns: t.columns.map((c) => ({
            name: c.name,
            type: c.type,
            sqlType: c.sqlType,
            primaryKey: c.primaryKey,
            unique: c.unique,
            nullable: c.nullable,
            uri: p.uriOf(c.file),
            range: c.range,
          })),
        })),
      });
    }
    return { folders };
  }
}
