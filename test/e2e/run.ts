// `npm run test:e2e`: FK Guard in a real VS Code (code-server from the npm registry), installed from the packaged
// .vsix. (1) The mocha suite in suite/ runs inside the extension host through the workbench `payload`; (2) a
// Playwright-driven Chromium does what a person does: sees the squiggle, Ctrl+. and Enter, Ctrl+S.
// (3) The same in Restricted Mode. (4) First contact: the rule link, the settings editor, the Schema view and the
// diagram. (5) Hover, completion, definition and the rename preview. Needs `bash test/e2e/install.sh` first
// (code-server, playwright-core, Debian's chromium). Polls, never sleeps. FKGUARD_E2E_ONLY=WORDS runs the tests whose name contains WORDS.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startE2eDatabase, type E2eDatabase } from './database';

const repo = join(__dirname, '..', '..', '..');
const tools = join(repo, 'test', 'e2e', 'node_modules');
const codeServer = join(tools, '.bin', 'code-server');
const artifacts = join(repo, 'out', 'e2e');

// playwright-core lives in test/e2e/node_modules, which only install.sh creates; typing the little we use keeps
// `tsc -b` working on a clone where it is absent.
interface Locator {
  count(): Promise<number>;
  first(): Locator & {
    getAttribute(name: string): Promise<string | null>;
    textContent(): Promise<string | null>;
    inputValue(): Promise<string>;
    fill(value: string): Promise<void>;
  };
  allTextContents(): Promise<string[]>;
  click(options?: { timeout?: number }): Promise<void>;
  hover(): Promise<void>;
  screenshot(options: { path: string }): Promise<unknown>;
}
interface Frame {
  url(): string;
  locator(selector: string): Locator;
}
interface Page {
  goto(url: string): Promise<unknown>;
  frames(): Frame[];
  waitForSelector(selector: string, options?: { timeout?: number; state?: string }): Promise<unknown>;
  keyboard: { press(key: string): Promise<void>; type(text: string, options?: { delay?: number }): Promise<void> };
  locator(selector: string): Locator;
  screenshot(options: { path: string }): Promise<unknown>;
  exposeFunction(name: string, fn: (...args: unknown[]) => unknown): Promise<void>;
  on(event: 'console', fn: (msg: { text(): string }) => void): void;
}
interface Context {
  newPage(): Promise<Page>;
  pages(): Page[];
  close(): Promise<void>;
}
const { chromium } = require(join(tools, 'playwright-core')) as {
  chromium: { launchPersistentContext(dir: string, options: Record<string, unknown>): Promise<Context> };
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Editor {
  port: number;
  proc: ChildProcess;
  workspace: string;
  stop(): void;
}

function vsixPath(): string {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { name: string; version: string };
  const file = join(repo, `${pkg.name}-${pkg.version}.vsix`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run package first`);
  return file;
}

/** `restricted`: workspace trust on and the folder not trusted, so the window opens in Restricted Mode. */
async function startEditor(scratch: string, trust: 'off' | 'restricted' = 'off', database?: E2eDatabase): Promise<Editor> {
  const home = join(scratch, 'home');
  const userData = join(scratch, 'user-data');
  const extensions = join(scratch, 'extensions');
  const workspace = join(scratch, 'workspace');
  for (const d of [home, join(userData, 'User'), extensions]) mkdirSync(d, { recursive: true });
  cpSync(join(repo, 'test', 'fixtures', 'lsp', 'basic'), workspace, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': trust === 'restricted',
      // No modal asking whether to trust the folder: it simply opens untrusted.
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'never',
    }),
  );
  // The database *FK Guard: Pull Schema from Database* reads (a real PostgreSQL, see database.ts). The setting's scope
  // is `machine-overridable`, and code-server's extension host is a remote one: such a setting is read from the
  // remote machine's settings (VS Code ignores it in User settings there), as a user of code-server or Remote-SSH sets it.
  if (database) {
    mkdirSync(join(userData, 'Machine'), { recursive: true });
    writeFileSync(join(userData, 'Machine', 'settings.json'), JSON.stringify({ 'fkguard.database.url': database.url }));
  }
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
  execFileSync(codeServer, [...common, '--install-extension', vsixPath()], { env, stdio: 'pipe' });
  const port = await freePort();
  const proc = spawn(
    codeServer,
    [
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(trust === 'off' ? ['--disable-workspace-trust'] : []),
      workspace,
    ],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const stop = () => {
    // code-server leaves extension hosts behind unless its whole process group goes.
    try {
      if (proc.pid) process.kill(-proc.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  try {
    await until(
      'code-server /healthz',
      async () => {
        if (proc.exitCode !== null) throw new Error(`code-server exited: ${log}`);
        try {
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      30000,
    );
  } catch (err) {
    stop();
    throw err;
  }
  return { port, proc, workspace, stop };
}

async function browser(scratch: string): Promise<Context> {
  return chromium.launchPersistentContext(join(scratch, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** (1) The in-host mocha suite, loaded through the workbench payload; resolves with mocha's exit code. */
async function inHostSuite(editor: Editor, scratch: string): Promise<number> {
  const installed = readdirSync(join(scratch, 'extensions')).find((d) => d.startsWith('fkguard.fkguard-'));
  if (!installed) throw new Error('the .vsix did not install');
  const ext = join(scratch, 'extensions', installed);
  const remote = (p: string) => `vscode-remote://127.0.0.1:${editor.port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(ext)],
    ['extensionTestsPath', remote(join(repo, 'out', 'test', 'e2e', 'suite', 'index.js'))],
  ]);
  const context = await browser(join(scratch, 'in-host'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let exitCode: number | undefined;
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      exitCode = Number(code);
    });
    page.on('console', (msg) => {
      const text = msg.text();
      if (!/^\[(Extension Host|LocalProcess)\]|%c/.test(text) || /passing|failing|✔|\d+\)/.test(text)) console.log(`  [host] ${text}`);
    });
    await page.goto(`http://127.0.0.1:${editor.port}/?folder=${encodeURIComponent(editor.workspace)}&payload=${encodeURIComponent(payload)}`);
    return await until('the in-host suite to finish', () => (exitCode === undefined ? undefined : { code: exitCode }), 180000).then((r) => r.code);
  } finally {
    await context.close();
  }
}

/**
 * (3) Restricted Mode (issue 11, item 5): FK Guard runs no workspace code, declares so in package.json
 * (`capabilities.untrustedWorkspaces.supported: true`), and so checks an untrusted folder as any other.
 */
async function restrictedMode(editor: Editor, scratch: string): Promise<void> {
  const context = await browser(join(scratch, 'restricted'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${editor.port}/?folder=${encodeURIComponent(editor.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    // The status bar says Restricted Mode when the folder is not trusted.
    await page.waitForSelector('[id="status.workspaceTrust"]', { timeout: 30000 });
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { timeout: 20000 });
    await page.keyboard.type('orders.py', { delay: 20 });
    await until('orders.py in quick open', async () => (await page.locator('.quick-input-list .monaco-list-row').count()) > 0, 20000);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60000 });
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'restricted-mode.png') });
    console.log('  restricted mode: the squiggle is there; screenshot in out/e2e/restricted-mode.png');
  } finally {
    await context.close();
  }
}

/** (2) As a person: open orders.py, see the squiggle, Ctrl+. Enter, Ctrl+S, and check the file on disk. */
async function browserQuickFix(editor: Editor, scratch: string): Promise<void> {
  const context = await browser(join(scratch, 'person'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${editor.port}/?folder=${encodeURIComponent(editor.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { timeout: 20000 });
    await page.keyboard.type('orders.py', { delay: 20 });
    await until('orders.py in quick open', async () => (await page.locator('.quick-input-list .monaco-list-row').count()) > 0, 20000);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60000 });
    // F8 puts the cursor on the first problem; Escape closes its peek; Ctrl+. opens the quick fixes there.
    await page.keyboard.press('F8');
    await page.keyboard.press('Escape');
    let title = '';
    await until(
      'the quick fix menu',
      async () => {
        await page.keyboard.press('Control+.');
        try {
          await page.waitForSelector('.action-widget .monaco-list-row', { timeout: 3000 });
        } catch {
          return false;
        }
        const labels = await page.locator('.action-widget .monaco-list-row').allTextContents();
        title = labels.find((l) => /users\.id/.test(l)) ?? '';
        if (!title) await page.keyboard.press('Escape');
        return !!title;
      },
      30000,
    );
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'quick-fix.png') });
    // The preferred fix is the first row and selected; Enter applies it.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+S');
    const file = join(editor.workspace, 'app', 'orders.py');
    await until('the fixed file on disk', () => /ForeignKey\("users\.id"\)/.test(readFileSync(file, 'utf8')), 20000);
    await until('the squiggle to go', async () => (await page.locator('.monaco-editor .squiggly-error').count()) === 0, 20000);
    console.log(`  browser: applied "${title.trim()}", saved; screenshot in out/e2e/quick-fix.png`);
  } finally {
    await context.close();
  }
}

/** Opens a file by Ctrl+P as a person does. */
async function quickOpen(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { timeout: 20000 });
  await page.keyboard.type(name, { delay: 20 });
  // The list first shows recent files; Enter only once the first row is the file asked for.
  await until(`${name} first in quick open`, async () => ((await page.locator('.quick-input-list .monaco-list-row').first().getAttribute('aria-label')) ?? '').includes(name), 20000);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${name}"]`, { timeout: 20000 });
}

/** Runs a command from the command palette by its title. */
async function command(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { timeout: 20000 });
  await page.keyboard.type(title, { delay: 10 });
  await until(`"${title}" in the command palette`, async () => (await page.locator(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`).count()) > 0, 20000);
  await page.keyboard.press('Enter');
}

/**
 * (4) First contact as a person: the rule code in the Problems panel opens the rule's page; the settings editor
 * titles read "Dialect", not "Fkguard: Dialect"; the Schema view in the Explorer; the diagram in its webview.
 * Screenshots go to out/e2e/ (the README's come from here).
 */
async function browserSchemaAndDiagram(editor: Editor, scratch: string): Promise<void> {
  const context = await browser(join(scratch, 'schema'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    mkdirSync(artifacts, { recursive: true });
    await page.goto(`http://127.0.0.1:${editor.port}/?folder=${encodeURIComponent(editor.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await quickOpen(page, 'orders.py');
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60000 });

    // The rule link: Problems panel, click the code, the rule's page opens in an editor.
    await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 20000 });
    await page.locator('.markers-panel a:has-text("unknown-table")').first().click({ timeout: 20000 });
    // The page opens rendered, in the Markdown preview.
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="Preview unknown-table.md"]', { timeout: 20000 });
    await page.screenshot({ path: join(artifacts, 'rule-page.png') });
    console.log('  rule link: the Problems panel opened dist/rules/unknown-table.md in the Markdown preview');
    // The preview is a webview that keeps the keyboard: back to the editor before the next shortcut.
    await page.locator('.tabs-container .tab[aria-label*="orders.py"]').first().click();

    // Settings: the titles under FK Guard carry no "Fkguard" prefix, and no dropdown offers null.
    await page.keyboard.press('Control+,');
    // Browsed as the table of contents shows it (Extensions › FK Guard), not searched: search results keep the
    // key's prefix for every extension.
    await page.waitForSelector('.settings-editor .settings-toc-container', { timeout: 20000 });
    await page.locator('.settings-toc-container .monaco-list-row[aria-label*="Extensions"]').first().click();
    await page.waitForSelector('.settings-toc-container .monaco-list-row[aria-label*="FK Guard"]', { timeout: 20000 });
    await page.locator('.settings-toc-container .monaco-list-row[aria-label*="FK Guard"]').first().click();
    await page.waitForSelector('.settings-editor .setting-item-label:has-text("Include")', { timeout: 20000 });
    const titles = (await page.locator('.settings-editor .setting-item-title').allTextContents()).map((t) => t.trim());
    if (titles.length === 0 || titles.some((t) => /fkguard/i.test(t))) throw new Error(`settings titles: ${JSON.stringify(titles)}`);
    await page.screenshot({ path: join(artifacts, 'settings.png') });
    console.log(`  settings: ${titles.length} titles, none says "Fkguard" (${titles.slice(0, 3).join(' | ')} …)`);
    // The categories under FK Guard; "Jobs" (0 = auto) is a number box, not "Edit in settings.json".
    await page.waitForSelector('.settings-toc-container .monaco-list-row[aria-label*="Scanning"]', { timeout: 20000 });
    await page.locator('.settings-toc-container .monaco-list-row[aria-label*="Scanning"]').first().click();
    const jobs = '.settings-editor .setting-item-contents:has(.setting-item-label:text-is("Jobs"))';
    await page.waitForSelector(jobs, { timeout: 20000 });
    if ((await page.locator(`${jobs} input[type="number"]`).count()) !== 1) throw new Error('the Jobs setting has no number box');
    if ((await page.locator(`${jobs} .edit-in-settings-button`).count()) !== 0) throw new Error('the Jobs setting is only editable in settings.json');
    console.log('  settings: categories FK Guard › Editor, Scanning, Troubleshooting; Jobs is a number box');
    await page.keyboard.press('Control+W');

    // The Schema view, opened by its command, with the orders table expanded.
    await quickOpen(page, 'orders.py');
    await command(page, 'FK Guard: Show Schema');
    // Room for the view: the Problems panel closes, the folder's file tree folds.
    await page.keyboard.press('Control+J');
    await page.locator('.pane-header:has-text("Workspace")').first().click();
    const row = (label: string) => `.pane-body .monaco-list-row[aria-label^="${label}"]`;
    await page.waitForSelector(row('orders'), { timeout: 30000 });
    // A click on a table opens its definition; its twistie opens it in the tree.
    await page.locator(`${row('orders')} .monaco-tl-twistie`).first().click();
    await page.waitForSelector(row('Foreign keys'), { timeout: 20000 });
    await page.locator(`${row('Foreign keys')} .monaco-tl-twistie`).first().click();
    await page.waitForSelector('.pane-body .monaco-list-row:has-text("user_id → user.id")', { timeout: 20000 });
    await page.screenshot({ path: join(artifacts, 'schema-view.png') });
    console.log('  schema view: orders expanded, its broken foreign key listed; screenshot in out/e2e/schema-view.png');
    // The filter button in the view's title bar asks for a text and narrows the tables to those it matches.
    // (A pane shows its title-bar buttons while the pointer is over it.)
    await page.locator('.pane-header:has-text("FK Guard Schema")').first().hover();
    await page.locator('.pane-header .action-label[aria-label*="Filter Tables"]').first().click({ timeout: 20000 });
    await page.waitForSelector('.quick-input-widget input', { timeout: 20000 });
    await page.keyboard.type('invoice', { delay: 10 });
    await page.keyboard.press('Enter');
    await until('the Schema view filtered to invoices', async () => (await page.locator(row('orders')).count()) === 0 && (await page.locator(row('invoices')).count()) === 1, 20000);
    await page.waitForSelector('.pane-header:has-text("filter: invoice")', { timeout: 20000 });
    // A click on a table opens its definition.
    await page.locator(`${row('invoices')} .label-name`).first().click();
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="invoices.py"]', { timeout: 20000 });
    await page.locator('.pane-header:has-text("FK Guard Schema")').first().hover();
    await page.locator('.pane-header .action-label[aria-label*="Clear Filter"]').first().click({ timeout: 20000 });
    await page.waitForSelector(row('orders'), { timeout: 20000 });
    console.log('  schema view: the title-bar filter narrowed the tables to invoices, a click opened invoices.py, Clear Filter brought them back');

    // The diagram of orders.py: drawn in the webview's frame, the missing table in red.
    await quickOpen(page, 'orders.py');
    await command(page, 'FK Guard: Show Diagram');
    const frame = await until(
      'the diagram in its webview',
      async () => {
        for (const f of page.frames()) if ((await f.locator('svg#diagram g.table.missing').count()) > 0) return f;
        return undefined;
      },
      30000,
    );
    const missing = await frame.locator('svg#diagram g.table.missing').allTextContents();
    if (!missing.some((t) => t.includes('user (missing)'))) throw new Error(`missing tables drawn: ${JSON.stringify(missing)}`);
    if ((await frame.locator('svg#diagram path.edge.broken').count()) < 1) throw new Error('no broken edge drawn');
    await page.screenshot({ path: join(artifacts, 'diagram.png') });
    console.log('  diagram: drawn with the broken reference in red; screenshot in out/e2e/diagram.png');

    // A click on a table's name, then on a column, opens it in the editor: the cursor lands on it (orders.py
    // opened at line 1). The status bar says where the cursor is.
    const selection = async () => ((await page.locator('[id="status.editor.selection"]').first().textContent()) ?? '').trim();
    await frame.locator('svg#diagram g.table[data-key="orders"] text.clickable').first().click();
    await until('the cursor on the orders table (line 7)', async () => /^Ln 7,/.test(await selection()), 20000);
    await frame.locator('svg#diagram g.table[data-key="orders"] text.clickable:text-is("user_id")').first().click();
    await until('the cursor on the user_id column (line 10)', async () => /^Ln 10,/.test(await selection()), 20000);
    console.log(`  diagram: a click on orders, then on user_id, moved the cursor there (${await selection()})`);

    // Export SVG: the save dialog (VS Code's own, in the browser) proposes a path beside the workspace's files, named
    // after the file the diagram is of; Enter takes it, as a person accepting the proposal would. (Typing a path
    // raced with the dialog, which fills in its folder itself while it lists it.) The file is the drawing.
    const exported = join(editor.workspace, 'orders-diagram.svg');
    await frame.locator('#toolbar button:has-text("Export SVG")').first().click();
    const input = page.locator('.quick-input-widget input').first();
    await page.waitForSelector('.quick-input-widget input', { timeout: 20000 });
    await until('the save dialog proposing orders-diagram.svg in the workspace', async () => (await input.inputValue()) === exported, 20000);
    await page.keyboard.press('Enter');
    const svg = await until('the exported SVG on disk', () => existsSync(exported) && readFileSync(exported, 'utf8'), 20000);
    if (!/<svg[\s\S]*orders[\s\S]*user \(missing\)/.test(svg) || /var\(--/.test(svg)) throw new Error(`exported SVG: ${svg.slice(0, 300)}`);
    console.log(`  diagram: Export SVG saved ${svg.length} bytes through the save dialog, theme colours resolved`);
  } catch (err) {
    await context.pages()[0]?.screenshot({ path: join(artifacts, 'first-contact-failure.png') });
    throw err;
  } finally {
    await context.close();
  }
}

/** Puts the cursor at a 1-based line and column with Ctrl+G, as a person would. */
async function goTo(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { timeout: 20000 });
  await page.keyboard.type(`${line}:${column}`, { delay: 10 });
  await page.keyboard.press('Enter');
}

/**
 * (5) Navigation as a person, on `ForeignKey("users.id")` in payments.py (line 10; `users` starts at column 43):
 * the hover card, the completion list after `users.`, go to definition, and the rename preview. Screenshots in
 * out/e2e/ (hover.png, completion.png, definition.png, rename-preview.png).
 */
export async function browserNavigation(editor: Editor, scratch: string): Promise<void> {
  // A migration that made `users`, written before the window opens (so before the extension indexes): the
  // rename preview then says the migration is history, left as it is.
  const versions = join(editor.workspace, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(
    join(versions, '0001_users.py'),
    [
      '"""users',
      '',
      'Revision ID: 0001',
      '"""',
      'import sqlalchemy as sa',
      'from alembic import op',
      '',
      'revision = "0001"',
      'down_revision = None',
      '',
      '',
      'def upgrade() -> None:',
      '    op.create_table(',
      '        "users",',
      '        sa.Column("id", sa.Integer(), nullable=False),',
      '        sa.Column("email", sa.String(length=255), nullable=True),',
      '        sa.PrimaryKeyConstraint("id"),',
      '    )',
      '',
    ].join('\n'),
  );
  const context = await browser(join(scratch, 'navigation'));
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    mkdirSync(artifacts, { recursive: true });
    await page.goto(`http://127.0.0.1:${editor.port}/?folder=${encodeURIComponent(editor.workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    await quickOpen(page, 'payments.py');
    // The index is ready once orders.py's squiggle shows in the Problems count.
    await until('the workspace index', async () => ((await page.locator('[id="status.problems"]').first().textContent()) ?? '').includes('3'), 60000);

    await goTo(page, 10, 44);
    await until(
      'the hover card of users',
      async () => {
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        try {
          await page.waitForSelector('.monaco-hover:has-text("email")', { timeout: 3000 });
          return true;
        } catch {
          await page.keyboard.press('Escape');
          return false;
        }
      },
      30000,
    );
    await page.screenshot({ path: join(artifacts, 'hover.png') });
    await page.keyboard.press('Escape');
    console.log('  hover: the card of users lists its columns; screenshot in out/e2e/hover.png');

    await goTo(page, 10, 49);
    await until(
      'the completion list after users.',
      async () => {
        await page.keyboard.press('Control+Space');
        try {
          await page.waitForSelector('.suggest-widget .monaco-list-row:has-text("email")', { timeout: 3000 });
          return true;
        } catch {
          await page.keyboard.press('Escape');
          return false;
        }
      },
      30000,
    );
    await page.screenshot({ path: join(artifacts, 'completion.png') });
    await page.keyboard.press('Escape');
    console.log('  completion: the columns of users after `users.`; screenshot in out/e2e/completion.png');

    await goTo(page, 10, 44);
    await page.keyboard.press('F12');
    await page.waitForSelector('.tabs-container .tab.active[aria-label*="users.py"]', { timeout: 20000 });
    await page.screenshot({ path: join(artifacts, 'definition.png') });
    console.log('  definition: F12 on users opened users.py; screenshot in out/e2e/definition.png');

    await quickOpen(page, 'payments.py');
    await goTo(page, 10, 44);
    await page.keyboard.press('F2');
    // The rename box opens with the name selected: typing replaces it (only once the box has the focus).
    await page.waitForSelector('.rename-box input:focus', { timeout: 20000 });
    await page.keyboard.type('accounts', { delay: 10 });
    // Ctrl+Enter: preview the rename instead of applying it.
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('.part.panel :text("users.py")', { timeout: 20000 });
    // The migration made `users` and is history: the rename asks for confirmation, so VS Code opens the preview
    // with the edits unticked, and each edit's hover carries the note that the migration is not edited.
    const edits = '.part.panel .monaco-list-row:has(.textedit)';
    await page.waitForSelector(edits, { timeout: 20000 });
    if ((await page.locator(`${edits} input.edit-checkbox:checked`).count()) !== 0) throw new Error('the rename preview ticked edits that need confirmation');
    const noteHover = '.workbench-hover:has-text("migrations not edited"), .monaco-hover:has-text("migrations not edited")';
    await until(
      'the rename note on an edit of the preview',
      async () => {
        // The note is the managed hover of the edit's label (not of the whole row).
        await page.locator(`${edits} .monaco-highlighted-label`).first().hover();
        return (await page.locator(noteHover).count()) > 0;
      },
      20000,
    );
    const note = ((await page.locator(noteHover).first().textContent()) ?? '').trim();
    if (!note.includes('0001_users.py')) throw new Error(`the rename note does not name the migration: ${note}`);
    await page.screenshot({ path: join(artifacts, 'rename-preview.png') });
    console.log(`  rename: the preview lists the definition and its references, unticked; the note reads "${note.slice(0, 160)}"; screenshot in out/e2e/rename-preview.png`);
    // Ticked file by file and applied: the model and the reference follow, the migration stays as it was.
    for (const file of ['payments.py', 'users.py']) await page.locator(`.part.panel .monaco-list-row:has-text("${file}") input.edit-checkbox`).first().click();
    await page.locator('.part.panel .monaco-button:has-text("Apply")').first().click();
    await page.waitForSelector('.monaco-editor .view-line:has-text("accounts.id")', { timeout: 20000 });
    if (!readFileSync(join(versions, '0001_users.py'), 'utf8').includes('"users",')) throw new Error('the rename edited the migration');
    console.log('  rename: ticked and applied, payments.py now reads "accounts.id"; the migration still makes "users"');
  } catch (err) {
    await context.pages()[0]?.screenshot({ path: join(artifacts, 'navigation-failure.png') });
    throw err;
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(codeServer)) throw new Error('code-server is not installed: run bash test/e2e/install.sh');
  let failures = 0;
  let passed = 0;
  const database = await startE2eDatabase();
  for (const [name, test, trust] of [
    ['in-host suite (vscode API)', inHostSuite, 'off'],
    ['browser quick fix (Ctrl+. Enter, Ctrl+S)', browserQuickFix, 'off'],
    ['browser first contact: rule link, settings, Schema view, diagram', browserSchemaAndDiagram, 'off'],
    ['browser navigation: hover, completion, definition, rename preview', browserNavigation, 'off'],
    ['browser in Restricted Mode (an untrusted folder)', restrictedMode, 'restricted'],
  ] as const) {
    if (process.env.FKGUARD_E2E_ONLY && !name.includes(process.env.FKGUARD_E2E_ONLY)) continue;
    const scratch = mkdtempSync(join(tmpdir(), 'fkguard-e2e-'));
    const started = Date.now();
    const editor = await startEditor(scratch, trust, database);
    try {
      const code = await test(editor, scratch);
      if (typeof code === 'number' && code !== 0) throw new Error(`mocha exit code ${code}`);
      passed++;
      console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failures++;
      console.log(`FAIL ${name}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      editor.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  await database.close();
  console.log(`${passed} passed, ${failures} failed`);
  process.exitCode = failures > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
