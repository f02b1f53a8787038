// Files changed outside the editor reach the server only through the file watchers it registers: the client sends
// `workspace/didChangeWatchedFiles` for a path only if one of the registered glob patterns matches it. Every kind
// of file the engine reads must be matched, bare names included (`package.json`, `tsconfig.json`, `pyproject.toml`
// are read for what they configure, and a change to one changes findings elsewhere).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { sourceExtensions } from '../../server/src/host/dialects';
import { isWalkedPath } from '../../server/src/host/workspace';
import { LspClient } from './harness';

/** Whether a registered watcher matches `rel` as VS Code's globs do (`*` and `**` take names starting with a dot too). */
function watched(client: LspClient, rel: string): boolean {
  return client.watchGlobs.some((g) => picomatch(g, { dot: true })(rel));
}

/** A change on disk, told to the server as a client would: only if a registered watcher matches the path. */
function changedOnDisk(client: LspClient, rel: string, text: string): void {
  writeFileSync(client.path(rel), text);
  assert.ok(watched(client, rel), `no registered watcher (${client.watchGlobs.join(' ')}) matches ${rel}`);
  client.fileChanged(rel, FileChangeType.Changed);
}

describe('language server: file watchers', function () {
  let client: LspClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('watch every kind of file the walk reads, bare configuration files included', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    const files = [
      'app/models.py',
      'stubs/models.pyi',
      'src/entities/user.ts',
      'src/db/schema.mts',
      'src/db/knexfile.cjs',
      'prisma/schema.prisma',
      'migrations/001_init.sql',
      'alembic.ini',
      'migrations/alembic.ini',
      'pyproject.toml',
      'services/api/pyproject.toml',
      'package.json',
      'packages/db/package.json',
      'tsconfig.json',
      'packages/db/tsconfig.json',
      'jsconfig.json',
      'tsconfig.base.json',
      'packages/db/tsconfig.base.json',
      'config/config.json',
      'db/sequelize.config.json',
      'requirements.txt',
      'services/api/requirements-dev.txt',
      'requirements/base.txt',
      'poetry.lock',
      'services/api/uv.lock',
      'Pipfile',
      'setup.cfg',
      'fkguard.toml',
      '.fkguard.json',
    ];
    const extensions = sourceExtensions();
    for (const rel of files) {
      const config = ['fkguard.toml', '.fkguard.json'].includes(rel);
      // Each is a file the walk reads (or a configuration file the server reloads).
      assert.ok(config || isWalkedPath(rel, { extensions, include: DEFAULT_CONFIG.include, exclude: DEFAULT_CONFIG.exclude }), rel);
      assert.ok(watched(client, rel), `no registered watcher (${client.watchGlobs.join(' ')}) matches ${rel}`);
    }
  });

  it('re-reads a bare tsconfig.json changed outside the editor (its paths decide what imports mean)', async () => {
    const c = (client = await LspClient.start({ fixture: 'watched' }));
    await c.ready();
    const migration = 'migrations/001_init.ts';
    const code = (d: Array<{ code?: unknown }>) => d.map((x) => x.code).join();
    await c.diagnosticsFor(migration, (d) => code(d) === 'unknown-column');
    const tsconfig = readFileSync(c.path('tsconfig.json'), 'utf8');
    // The alias now leads to the legacy module, whose constant names a table that does not exist.
    changedOnDisk(c, 'tsconfig.json', tsconfig.replace('["src/db/*"]', '["src/legacy/*"]'));
    await c.diagnosticsFor(migration, (d) => code(d) === 'unknown-table');
    changedOnDisk(c, 'tsconfig.json', tsconfig);
    await c.diagnosticsFor(migration, (d) => code(d) === 'unknown-column');
  });
});
