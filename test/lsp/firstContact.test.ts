// What a new user meets first, at the language-server level: the quick-fix menu's "fix all", and settings whose
// "FK Guard decides" value (shown in the settings editor instead of `null`) says nothing over the config file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Diagnostic } from 'vscode-languageserver-protocol/node';
import { readSettings } from '../../server/src/lsp/settings';
import { LspClient } from './harness';

const unknownTables = (d: Diagnostic[]) => d.filter((x) => x.code === 'unknown-table');
const FIX_ALL = 'Fix all FK Guard problems in this file';

describe('first contact: fix all in the quick-fix menu', function () {
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  it('offers "Fix all FK Guard problems in this file" among the quick fixes when the file has two fixes', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    client.open('app/invoices.py', readFileSync(client.path('app/invoices.py'), 'utf8'));
    const diagnostics = await client.diagnosticsFor('app/invoices.py', (d) => unknownTables(d).length === 2, 1);
    const actions = await client.codeActions('app/invoices.py', unknownTables(diagnostics).slice(0, 1), ['quickfix']);
    const fixAll = actions.find((a) => a.title === FIX_ALL);
    assert.ok(fixAll, `fix all among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(fixAll.kind, 'quickfix');
    // The diagnostic's own fix comes first, and is still the preferred one.
    assert.ok(actions.findIndex((a) => a.isPreferred) < actions.indexOf(fixAll));
    const version = client.applyWorkspaceEdit(fixAll.edit!);
    const text = client.doc('app/invoices.py').getText();
    assert.match(text, /ForeignKey\("users\.id"\)/);
    assert.match(text, /ForeignKey\("orders\.id"\)/);
    await client.diagnosticsFor('app/invoices.py', (d) => unknownTables(d).length === 0, version);
  });

  it('does not offer it when the file has a single fix', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    client.open('app/orders.py', readFileSync(client.path('app/orders.py'), 'utf8'));
    const diagnostics = await client.diagnosticsFor('app/orders.py', (d) => unknownTables(d).length === 1, 1);
    const actions = await client.codeActions('app/orders.py', diagnostics, ['quickfix']);
    assert.ok(actions.some((a) => a.isPreferred), JSON.stringify(actions.map((a) => a.title)));
    assert.ok(!actions.some((a) => a.title === FIX_ALL));
  });
});

describe('first contact: settings', () => {
  it('reads dialect "auto" and declaredAttr "off" as unset, so the config file keeps its say', () => {
    const unset = readSettings({ dialect: 'auto', naming: { declaredAttr: 'off' }, rules: {}, include: [], jobs: 0 });
    assert.deepEqual(unset.engine, {});
    const set = readSettings({ dialect: 'mysql', naming: { declaredAttr: 'snake_case' }, jobs: 2 });
    assert.deepEqual(set.engine, { dialect: 'mysql', naming: { declaredAttr: 'snake_case' }, jobs: 2 });
  });

  interface Setting {
    type?: string | string[];
    enum?: unknown[];
    default?: unknown;
    enumDescriptions?: string[];
    markdownEnumDescriptions?: string[];
  }
  const categories = () =>
    (JSON.parse(readFileSync(require.resolve('../../../package.json'), 'utf8')) as { contributes: { configuration: Array<{ id: string; title: string; properties: Record<string, Setting> }> } })
      .contributes.configuration;

  it('groups the settings in categories under "FK Guard" whose ids trim the `fkguard.` prefix from every title', () => {
    const list = categories();
    // A first category titled as the extension puts its settings right under the extension's heading.
    assert.equal(list[0].title, 'FK Guard');
    for (const c of list) {
      // The settings editor titles a setting by its key minus the category id's leading parts: with ids under
      // `fkguard`, no title in the extension's own group starts with "Fkguard".
      assert.ok(c.id === 'fkguard' || c.id.startsWith('fkguard.'), c.id);
      for (const key of Object.keys(c.properties)) assert.ok(key.startsWith('fkguard.'), key);
    }
  });

  it('offers no null in an enum, no setting the editor can only send to settings.json, and a description per choice', () => {
    for (const [key, p] of categories().flatMap((c) => Object.entries(c.properties))) {
      // A union with null (`["integer", "null"]`) is shown as "Edit in settings.json"; `0` means auto instead.
      assert.ok(!Array.isArray(p.type), `${key} has the type ${JSON.stringify(p.type)}`);
      if (!p.enum) continue;
      assert.ok(!p.enum.includes(null), `${key} offers null`);
      assert.ok(p.enum.includes(p.default), `${key}: its default ${String(p.default)} is one of its choices`);
      if (key !== 'fkguard.trace.server') {
        assert.equal((p.markdownEnumDescriptions ?? p.enumDescriptions)?.length, p.enum.length, `${key}: a description per choice`);
      }
    }
  });
});
