// Runs the built CLI (bin/fkguard.js → dist/cli.js) as a child process on copies of fixture workspaces.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
export const binPath = join(repoRoot, 'bin', 'fkguard.js');
export const fixturesRoot = join(repoRoot, 'test', 'fixtures', 'cli');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One user cache folder for every CLI run of this test process, so tests never touch the real one. */
let cacheHome: string | undefined;
process.on('exit', () => {
  if (cacheHome) rmSync(cacheHome, { recursive: true, force: true });
});

export function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  cacheHome ??= mkdtempSync(join(tmpdir(), 'fkguard-cli-cachehome-'));
  if (!existsSync(join(repoRoot, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first');
  const r = spawnSync(process.execPath, [binPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FKGUARD_DEBUG: '', XDG_CACHE_HOME: cacheHome, ...env },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh copy of `test/fixtures/cli/<name>/workspace`, so tests may write to it. */
export function copyWorkspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `fkguard-cli-${name}-`));
  cpSync(join(fixturesRoot, name, 'workspace'), dir, { recursive: true });
  return dir;
}

export function removeWorkspace(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Explains a failed expectation with everything the CLI printed. */
export function show(r: CliRun): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
