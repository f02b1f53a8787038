// `npm run test:nvim`: FK Guard in a real Neovim, the second LSP client after VS Code. Neovim runs headless with
// the README's Neovim snippet as its only configuration and `fkguard-language-server` on the PATH, installed the
// way the README says (`npm install -g`, here into a scratch prefix). quick-fix.lua opens a model file with
// `ForeignKey("user.id")`, waits for the unknown-table diagnostic, applies the preferred quick fix and saves; this
// runner then compares the saved file with the expected one.
//
// Without `nvim` on the PATH the test is skipped, unless CI is set: there a missing editor is a failure.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const repo = join(__dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'nvim');
const script = join(repo, 'test', 'nvim', 'quick-fix.lua');
const deadlineMs = 60000;

function nvimVersion(): string | undefined {
  try {
    return execFileSync('nvim', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
}

/** The first ```lua block after the "Neovim" paragraph of the README's Editors section, as a user would paste it. */
function readmeSnippet(readme: string): string {
  const editors = readme.indexOf('\n## Editors');
  const neovim = editors < 0 ? -1 : readme.indexOf('\nNeovim', editors);
  const block = neovim < 0 ? null : /```lua\n([\s\S]*?)```/.exec(readme.slice(neovim));
  if (!block) throw new Error('README.md has no ```lua block under "Neovim" in its Editors section');
  return block[1];
}

function run(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // A stuck editor must not hang CI: Neovim's own waits are shorter than this.
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function main(): Promise<number> {
  const version = nvimVersion();
  if (!version) {
    if (process.env.CI) {
      console.log('FAIL nvim is not installed (apt-get install -y neovim); CI is set, so this is not skipped');
      return 1;
    }
    console.log('skip the Neovim test: nvim is not installed (apt-get install -y neovim); with CI set this fails');
    return 0;
  }
  console.log(`== ${version}`);
  const scratch = mkdtempSync(join(tmpdir(), 'fkguard-nvim-'));
  try {
    const workspace = join(scratch, 'workspace');
    cpSync(join(fixtures, 'workspace'), workspace, { recursive: true });
    const init = join(scratch, 'init.lua');
    writeFileSync(init, readmeSnippet(readFileSync(join(repo, 'README.md'), 'utf8')));

    // What the README tells a Neovim user to do in a clone: `npm install -g .` (a link, no download).
    const prefix = join(scratch, 'npm-global');
    const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
    execFileSync('npm', ['install', '-g', '--prefix', prefix, repo], { env, stdio: 'pipe' });

    // Neovim's own files (its LSP log, shada) go to the scratch folder, and nothing from a real config loads.
    const home = join(scratch, 'home');
    for (const d of ['config', 'data', 'state', 'cache']) mkdirSync(join(home, d), { recursive: true });
    Object.assign(env, {
      PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
      XDG_STATE_HOME: join(home, 'state'),
      XDG_CACHE_HOME: join(home, 'cache'),
    });
    const started = Date.now();
    const { code, out } = await run(
      'nvim',
      ['--headless', '-n', '-i', 'NONE', '--cmd', `luafile ${script}`, '-u', init, '-c', 'lua FkguardQuickFix.run()', join('app', 'orders.py')],
      { cwd: workspace, env },
    );
    process.stdout.write(out.replace(/^/gm, '  '));
    if (code !== 0) {
      console.log(`FAIL nvim exited with ${code === null ? 'a timeout' : code}`);
      return 1;
    }
    const want = readFileSync(join(fixtures, 'orders.fixed.py'), 'utf8');
    const got = readFileSync(join(workspace, 'app', 'orders.py'), 'utf8');
    if (got !== want) {
      console.log(`FAIL the saved app/orders.py differs from test/fixtures/nvim/orders.fixed.py:\n${got}`);
      return 1;
    }
    console.log(`ok   Neovim: diagnostic, preferred quick fix, saved file matches orders.fixed.py (${Date.now() - started} ms)`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err);
    process.exitCode = 2;
  },
);
