// The FK Guard language server process: `node dist/server.js --stdio` (or `--node-ipc`, as VS Code starts it).
// Everything here is wiring; the server itself is `createServer`, the analysis is the engine.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createConnection } from 'vscode-languageserver/node';
import { DEFAULT_CONFIG } from '../core/config';
import { CONFIG_FILE_NAMES, loadConfig } from '../host/configFile';
import { createEngine } from '../host/python';
import { ScannedFile, scanWorkspace } from '../host/scan';
import { contentHash } from '../host/factsCache';
import { runSessionScanIfWorker, sessionScanInWorker } from '../host/sessionCache';
import { sourceExtensions } from '../host/dialects';
import { isWalkedPath, readableThroughLinks, readSourceFile, yieldToEventLoop } from '../host/workspace';
import type { Finding } from '../core/types';
import { startIndexed } from './coldBudget';
import type { ServerHost } from './host';
import { createServer } from './server';

const extensions = sourceExtensions();

/**
 * The script a session scan's thread starts: the server's launcher beside this bundle (dist/server.js), which runs it
 * from the server's code cache (see lsp/launch.ts), or this very file where there is none (the tests' compiled source).
 */
const sessionScript = (): string => (existsSync(join(__dirname, 'server.js')) && existsSync(join(__dirname, 'server-main.js')) ? join(__dirname, 'server.js') : __filename);

const host: ServerHost = {
  async loadConfig(root) {
    const loaded = await loadConfig(root);
    // Which of the candidate files won (the first that holds FK Guard settings, in CONFIG_FILE_NAMES order).
    const present = CONFIG_FILE_NAMES.filter((name) => existsSync(join(root, name)));
    const used = loaded.ok && loaded.file ? basename(loaded.file) : undefined;
    const passedOver = present.filter((name) => name !== used);
    return loaded.ok
      ? { config: loaded.config, errors: loaded.errors, used, passedOver }
      : { config: DEFAULT_CONFIG, errors: [loaded.error], passedOver: present };
  },
  isConfigFile: (name) => CONFIG_FILE_NAMES.includes(name),
  async index(root, config, token, onProgress, links, onStoredAnswer) {
    // The same signed cache in the user's cache folder as `fkguard scan` (see host/factsCache.ts): a warm start
    // parses only the files that changed since either of them last looked, and a checkout cannot bring a cache.
    const result = await scanWorkspace({
      roots: [root],
      config,
      token,
      cache: true,
      // Filled in bulk as the CLI's is: the index tracks each file's share only once an edit changes it.
      bulk: true,
      // Written once the index's diagnostics are out (see `IndexResult.finish`).
      writeCacheLater: true,
      followSymlinks: links.followSymlinks,
      onProgress: (p) => onProgress({ done: p.done, total: p.phase === 'read' ? p.total : undefined }),
      ...(onStoredAnswer
        ? {
            onStoredConclusions: async (conclusions, files, holds) => {
              const byFile = new Map<string, Finding[]>();
              for (const f of conclusions.findings) {
                const list = byFile.get(f.file);
                if (list) list.push(f);
                else byFile.set(f.file, [f]);
              }
              onStoredAnswer({ findings: (id) => byFile.get(id) ?? [], readAs: readsAs(files), ...(holds ? { holds } : {}) });
              // The answer's diagnostics go out before the facts are loaded.
              await yieldToEventLoop();
            },
          }
        : {}),
    });
    return {
      engine: result.engine,
      skipped: result.skipped,
      cancelled: result.cancelled,
      cachedFiles: result.cachedFiles,
      readAs: readsAs(result.files),
      saveConclusions: () => {
        result.conclusions();
      },
      finish: () => result.writeCache(),
      ...(result.cacheAt && !result.cancelled
        ? { session: { scan: () => sessionScanInWorker(sessionScript(), { root, config, cacheDir: result.cacheAt!.dir, followSymlinks: links.followSymlinks }) } }
        : {}),
    };
  },
  createEngine: (config) => createEngine(config),
  extensions,
  // The walk's rules for one file that appeared after the walk; `.gitignore` applies at the next index.
  isIncluded: (id, config) => isWalkedPath(id, { extensions, include: config.include, exclude: config.exclude }),
  async readFile(path, config, links) {
    if (!(await readableThroughLinks(path, links.root, links.followSymlinks))) return undefined;
    const read = await readSourceFile(path, config.maxFileSize);
    return 'text' in read ? read.text : undefined;
  },
  // The launcher (lsp/launch.ts) set V8's interrupt budget for the start's index: V8's own is back for the edits.
  startIndexed,
};

/**
 * Whether an editor's text is what the scan read for a file (the same content hash). An editor holds a file that
 * begins with a byte-order mark without it, as the engine does; the hash is that of the file's bytes, mark included.
 */
function readsAs(files: readonly ScannedFile[]): (id: string, text: string) => boolean {
  const read = new Map(files.map((f) => [f.id, f]));
  return (id, text) => {
    const f = read.get(id);
    return f?.hash !== undefined && f.hash === contentHash(f.bom ? `\ufeff${text}` : text);
  };
}

/**
 * Rule links: the published homepage when the manifest names one, else the rule's own page that the build cuts
 * from the README into dist/rules/ beside this bundle (it opens offline; a README anchor in an installed extension
 * does not), else none.
 */
function ruleDocs(): (rule: string) => string | undefined {
  for (const dir of [join(__dirname, '..'), join(__dirname, '..', '..', '..', '..')]) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { homepage?: string };
    if (pkg.homepage) return (rule) => `${pkg.homepage!.split('#')[0]}#rule-${rule}`;
    break;
  }
  // Asked for every diagnostic of every publish (a keystroke in a 2,000-line model file asked the file system ~20
  // times): the pages ship with the extension and do not come or go while it runs, so each rule's is looked up once.
  const pages = new Map<string, string | undefined>();
  return (rule) => {
    if (pages.has(rule)) return pages.get(rule);
    const page = join(__dirname, 'rules', `${rule}.md`);
    const href = existsSync(page) ? pathToFileURL(page).href : undefined;
    pages.set(rule, href);
    return href;
  };
}

// The same bundle runs the session scans of host/sessionCache.ts on a worker thread; a server starts only on the main one.
if (!runSessionScanIfWorker()) {
  const connection = createConnection();
  process.on('uncaughtException', (err) => connection.console.error(`FK Guard: uncaught ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => connection.console.error(`FK Guard: unhandled rejection ${String(err)}`));
  createServer(connection, { host, ruleDocs: ruleDocs() });
  connection.listen();
}
