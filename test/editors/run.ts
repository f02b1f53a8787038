// `npm run test:editors` (or `node out/test/editors/run.js nvim|emacs`): FK Guard in real LSP editors other than
// VS Code, each configured by nothing but the README's snippet for it, with `fkguard-language-server` on the PATH
// installed the way the README says (`npm install -g`, here into a scratch prefix).
//
// - Neovim (nvim/quick-fix.lua), headless: the snippet is its init.lua.
// - Emacs with Eglot (emacs/quick-fix.el), in batch mode: the snippet is loaded as an init file would be.
//
// Each opens app/orders.py of test/fixtures/editors/workspace, whose `ForeignKey("user.id")` follows text outside
// the BMP on its line (so a client or server that counts bytes or code points instead of UTF-16 units puts things
// in the wrong place), waits for the unknown-table diagnostic, applies the preferred quick fix and saves; this
// runner compares the saved file with orders.fixed.py. Neovim also hovers `users` in the fixed reference (a table
// card) and goes to its definition (app/users.py), through the same snippet's client.
//
// An editor that is not installed is skipped, unless CI is set: there a missing editor is a failure.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const repo = join(__dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'editors');
const scripts = join(repo, 'test', 'editors');
const deadlineMs = 60000;

interface Editor {
  /** What the command line calls it, and its executable. */
  name: string;
  bin: string;
  install: string;
  /** The paragraph of the README's Editors section that introduces its snippet, and the snippet's fence language. */
  readmeLabel: string;
  fence: string;
  snippetFile: string;
  args(snippet: string): string[];
}

const editors: Editor[] = [
  {
    name: 'nvim',
    bin: 'nvim',
    install: 'apt-get install -y neovim',
    readmeLabel: 'Neovim',
    fence: 'lua',
    snippetFile: 'init.lua',
    // --cmd runs before init.lua, so quick-fix.lua's recorder sees every notification; -c runs the test once the
    // model file is loaded and Neovim's own file-type detection has fired the snippet's autocommand.
    args: (snippet) => ['--headless', '-n', '-i', 'NONE', '--cmd', `luafile ${join(scripts, 'nvim', 'quick-fix.lua')}`, '-u', snippet, '-c', 'lua FkguardQuickFix.run()'],
  },
  {
    name: 'emacs',
    bin: 'emacs',
    install: 'apt-get install -y emacs-nox elpa-eglot',
    readmeLabel: 'Emacs',
    fence: 'elisp',
    snippetFile: 'init.el',
    args: (snippet) => ['--batch', '-Q', '-l', snippet, '-l', join(scripts, 'emacs', 'quick-fix.el')],
  },
];

function version(bin: string): string | undefined {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return undefined;
  }
}

/** The first fenced block in `fence` after the `label` paragraph of the README's Editors section, as a user pastes it. */
function readmeSnippet(readme: string, label: string, fence: string): string {
  const editorsAt = readme.indexOf('\n## Editors');
  const labelAt = editorsAt < 0 ? -1 : readme.indexOf(`\n${label}`, editorsAt);
  const block = labelAt < 0 ? null : new RegExp('```' + fence + '\\n([\\s\\S]*?)```').exec(readme.slice(labelAt));
  if (!block) throw new Error(`README.md has no \`\`\`${fence} block under "${label}" in its Editors section`);
  return block[1];
}

function run(cmd: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // A stuck editor must not hang CI; the editors' own waits are shorter than this.
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Returns true when the editor passed or was skipped. */
async function check(editor: Editor, serverBin: string, scratch: string): Promise<boolean> {
  const found = version(editor.bin);
  if (!found) {
    if (process.env.CI) {
      console.log(`FAIL ${editor.name} is not installed (${editor.install}); CI is set, so this is not skipped`);
      return false;
    }
    console.log(`skip ${editor.name}: not installed (${editor.install}); with CI set this fails`);
    return true;
  }
  console.log(`== ${found}`);
  const dir = join(scratch, editor.name);
  const workspace = join(dir, 'workspace');
  cpSync(join(fixtures, 'workspace'), workspace, { recursive: true });
  // A Python project is usually a repository; Emacs's project.el takes its root from it, as it would for a user.
  execFileSync('git', ['init', '-q'], { cwd: workspace });
  const snippet = join(dir, editor.snippetFile);
  writeFileSync(snippet, readmeSnippet(readFileSync(join(repo, 'README.md'), 'utf8'), editor.readmeLabel, editor.fence));
  // The editor's own files (Neovim's LSP log, Emacs's ~/.emacs.d) go to the scratch folder; no real config loads.
  const home = join(dir, 'home');
  for (const d of ['config', 'data', 'state', 'cache']) mkdirSync(join(home, d), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${serverBin}${delimiter}${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
  };
  const started = Date.now();
  const { code, out } = await run(editor.bin, [...editor.args(snippet), join('app', 'orders.py')], { cwd: workspace, env });
  process.stdout.write(out.replace(/^(?=.)/gm, '  ').replace(/([^\n])$/, '$1\n'));
  if (code !== 0) {
    console.log(`FAIL ${editor.name} exited with ${code === null ? 'a timeout' : code}`);
    return false;
  }
  const want = readFileSync(join(fixtures, 'orders.fixed.py'), 'utf8');
  const got = readFileSync(join(workspace, 'app', 'orders.py'), 'utf8');
  if (got !== want) {
    console.log(`FAIL ${editor.name}: the saved app/orders.py differs from test/fixtures/editors/orders.fixed.py:\n${got}`);
    return false;
  }
  console.log(`ok   ${editor.name}: diagnostic, preferred quick fix, saved file matches orders.fixed.py (${Date.now() - started} ms)`);
  return true;
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !editors.some((e) => e.name === w));
  if (unknown.length > 0) {
    console.log(`unknown editor ${unknown.join(', ')}; known: ${editors.map((e) => e.name).join(', ')}`);
    return 2;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'fkguard-editors-'));
  try {
    // What the README tells the user of any LSP editor to do in a clone: `npm install -g .` (a link, no download).
    const prefix = join(scratch, 'npm-global');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--no-update-notifier', repo], { stdio: 'pipe' });
    let failed = 0;
    for (const editor of editors) {
      if (wanted.length > 0 && !wanted.includes(editor.name)) continue;
      if (!(await check(editor, join(prefix, 'bin'), scratch))) failed++;
    }
    return failed > 0 ? 1 : 0;
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
