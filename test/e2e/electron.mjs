// `npm run test:electron`: the same in-host mocha suite that run.ts loads into code-server (out/test/e2e/suite),
// run by @vscode/test-electron in a desktop VS Code it downloads from update.code.visualstudio.com.
//
// Not run in CI: the CI machines reach only the npm registry and Debian, and that download fails there
// (getaddrinfo ENOTFOUND update.code.visualstudio.com); CI runs the suite in code-server instead (run.ts).
// This runner is for people with internet. It needs `bash test/e2e/install.sh` (which puts @vscode/test-electron
// into test/e2e/node_modules, never into the extension's dependencies) and, on Linux without a display,
// `xvfb-run -a npm run test:electron`. FKGUARD_VSCODE_VERSION picks the VS Code (default: 1.100.3, the one inside
// code-server 4.100.3, so both runners test the same editor; `stable` for the newest).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { runTests } from '@vscode/test-electron';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'fkguard-electron-'));
const workspace = join(scratch, 'workspace');
const userData = join(scratch, 'user-data');
cpSync(join(repo, 'test', 'fixtures', 'lsp', 'basic'), workspace, { recursive: true });
mkdirSync(join(userData, 'User'), { recursive: true });
// The database the suite's pull test reads (a real PostgreSQL; see database.ts, built into out/ by `tsc -b`).
const { startE2eDatabase } = createRequire(import.meta.url)(join(repo, 'out', 'test', 'e2e', 'database.js'));
const database = await startE2eDatabase();
writeFileSync(
  join(userData, 'User', 'settings.json'),
  JSON.stringify({
    'workbench.startupEditor': 'none',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'security.workspace.trust.enabled': false,
    'fkguard.database.url': database.url,
  }),
);

try {
  await runTests({
    version: process.env.FKGUARD_VSCODE_VERSION || '1.100.3',
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, 'out', 'test', 'e2e', 'suite', 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      `--user-data-dir=${userData}`,
      `--extensions-dir=${join(scratch, 'extensions')}`,
      // Electron refuses to start as root without it.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
  console.log('ok   in-host suite in VS Code (test-electron)');
} catch (err) {
  console.error(`FAIL in-host suite in VS Code (test-electron): ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  await database.close();
  rmSync(scratch, { recursive: true, force: true });
}
