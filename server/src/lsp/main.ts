// The FK Guard language server process: `node dist/server.js --stdio` (or `--node-ipc`, as VS Code starts it).
// Everything here is wiring; the server itself is `createServer`, the analysis is the engine.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { createConnection } from 'vscode-languageserver/node';
import { DEFAULT_CONFIG, FkGuardConfig } from '../core/config';
import { CONFIG_FILE_NAMES, loadConfig } from '../host/configFile';
import { createEngine } from '../host/python';
import { scanWorkspace } from '../host/scan';
import { isSkippedDirName, PYTHON_EXTENSIONS, readSourceFile } from '../host/workspace';
import type { ServerHost } from './host';
import { createServer } from './server';

const host: ServerHost = {
  async loadConfig(root) {
    const loaded = await loadConfig(root);
    return loaded.ok ? { config: loaded.config, errors: loaded.errors } : { config: DEFAULT_CONFIG, errors: [loaded.error] };
  },
  isConfigFile: (name) => CONFIG_FILE_NAMES.includes(name),
  async index(root, config, token, onProgress) {
    const result = await scanWorkspace({
      roots: [root],
      config,
      token,
      onProgress: (p) => onProgress({ done: p.done, total: p.phase === 'read' ? p.total : undefined }),
    });
    return { engine: result.engine, skipped: result.skipped, cancelled: result.cancelled };
  },
  createEngine: (config) => createEngine(config),
  isIncluded: (id, config) => isIncluded(id, config),
  async readFile(path, config) {
    const read = await readSourceFile(path, config.maxFileSize);
    return 'text' in read ? read.text : undefined;
  },
};

/** The walk's rules for one file that appeared after the walk (no `.gitignore` here: the next index applies it). */
function isIncluded(id: string, config: FkGuardConfig): boolean {
  if (!PYTHON_EXTENSIONS.some((ext) => id.endsWith(ext))) return false;
  const parts = id.split('/');
  if (parts.slice(0, -1).some(isSkippedDirName)) return false;
  const opts = { dot: true, basename: true };
  if (config.exclude.length > 0) {
    const excluded = picomatch(config.exclude, opts);
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (excluded(prefix) || (i < parts.length && excluded(`${prefix}/`))) return false;
    }
  }
  return config.include.length === 0 || picomatch(config.include, opts)(id);
}

/** Rule links: the published homepage when the manifest names one, else the README shipped beside the bundle. */
function ruleDocs(): (rule: string) => string | undefined {
  for (const dir of [join(__dirname, '..'), join(__dirname, '..', '..', '..', '..')]) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { homepage?: string };
    const readme = pkg.homepage ?? (existsSync(join(dir, 'README.md')) ? pathToFileURL(join(dir, 'README.md')).href : undefined);
    if (readme) return (rule) => `${readme.split('#')[0]}#rule-${rule}`;
  }
  return () => undefined;
}

const connection = createConnection();
process.on('uncaughtException', (err) => connection.console.error(`FK Guard: uncaught ${err.stack ?? err.message}`));
process.on('unhandledRejection', (err) => connection.console.error(`FK Guard: unhandled rejection ${String(err)}`));
createServer(connection, { host, ruleDocs: ruleDocs() });
connection.listen();
