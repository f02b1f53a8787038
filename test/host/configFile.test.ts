import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { loadConfig } from '../../server/src/host/configFile';
import { makeTree, removeTree } from './tmp';

describe('loadConfig', () => {
  const roots: string[] = [];
  const tree = (files: Record<string, string>) => {
    const r = makeTree(files);
    roots.push(r);
    return r;
  };
  after(() => roots.forEach(removeTree));

  it('uses the defaults when there is no config file', async () => {
    assert.deepEqual(await loadConfig(tree({})), { ok: true, config: DEFAULT_CONFIG, errors: [] });
  });

  it('turns a TOML syntax error into one message with file, line and column', async () => {
    const root = tree({ 'fkguard.toml': 'exclude = ["a"]\nexternal-tables = ["x"\n' });
    const r = await loadConfig(root);
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.match(r.error, new RegExp(`^${join(root, 'fkguard.toml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid TOML: \\S`));
    assert.doesNotMatch(r.error, /\n/);
  });

  it('reads fkguard.toml before .fkguard.json and pyproject.toml', async () => {
    const root = tree({
      'fkguard.toml': 'external-tables = ["from_toml"]\n',
      '.fkguard.json': '{"externalTables": ["from_json"]}',
      'pyproject.toml': '[tool.fkguard]\nexternal-tables = ["from_pyproject"]\n',
    });
    const r = await loadConfig(root);
    assert.ok(r.ok);
    assert.deepEqual(r.config.externalTables, ['from_toml']);
    assert.equal(r.file, join(root, 'fkguard.toml'));
  });

  it('reads [tool.fkguard] from pyproject.toml and passes over one without it', async () => {
    const withTable = await loadConfig(tree({ 'pyproject.toml': '[project]\nname = "x"\n\n[tool.fkguard]\nexclude = ["migrations/**"]\n' }));
    assert.ok(withTable.ok);
    assert.deepEqual(withTable.config.exclude, ['migrations/**']);
    const without = await loadConfig(tree({ 'pyproject.toml': '[project]\nname = "x"\n', '.fkguard.json': '{"exclude": ["a"]}' }));
    assert.ok(without.ok);
    assert.deepEqual(without.config.exclude, ['a']);
  });

  it("leaves a broken pyproject.toml to other tools unless it has FK Guard's table", async () => {
    const other = await loadConfig(tree({ 'pyproject.toml': '[project\nname = "x"\n' }));
    assert.deepEqual(other, { ok: true, config: DEFAULT_CONFIG, errors: [] });
    const ours = await loadConfig(tree({ 'pyproject.toml': '[tool.fkguard]\nexclude = [\n' }));
    assert.equal(ours.ok, false);
  });

  it('reports invalid JSON with the file name', async () => {
    const root = tree({ '.fkguard.json': '{"exclude": [}' });
    const r = await loadConfig(root);
    assert.ok(!r.ok);
    assert.match(r.error, /\.fkguard\.json: invalid JSON/);
  });

  it('keeps good settings and reports bad ones', async () => {
    const r = await loadConfig(tree({ 'fkguard.toml': 'colour = "blue"\nexclude = ["x/**"]\n' }));
    assert.ok(r.ok);
    assert.deepEqual(r.config.exclude, ['x/**']);
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0], /unknown setting `colour`/);
  });

  it('reads an explicit file, TOML or JSON by extension, and reports a missing one', async () => {
    const root = tree({ 'conf/ci.json': '{"dialect": "mysql"}', 'conf/pyproject.toml': '[tool.fkguard]\ndialect = "sqlite"\n' });
    const json = await loadConfig(root, join(root, 'conf', 'ci.json'));
    assert.ok(json.ok);
    assert.equal(json.config.dialect, 'mysql');
    const py = await loadConfig(root, join(root, 'conf', 'pyproject.toml'));
    assert.ok(py.ok);
    assert.equal(py.config.dialect, 'sqlite');
    const missing = await loadConfig(root, join(root, 'nope.toml'));
    assert.ok(!missing.ok);
    assert.match(missing.error, /nope\.toml: cannot read the configuration file \(no such file\)/);
  });

  // The files are read synchronously (a warm CLI scan spent 3 ms on Node's asynchronous file machinery): a named
  // pipe must then be refused, not read, or the language server's thread would wait for a writer forever (the
  // asynchronous read waited too, on a thread of its own).
  it('refuses a named pipe by the name of a config file without waiting for a writer, and a folder as before', async function () {
    if (process.platform === 'win32') this.skip();
    const root = tree({});
    execFileSync('mkfifo', [join(root, 'fkguard.toml')]);
    const r = await loadConfig(root);
    assert.ok(!r.ok);
    assert.equal(r.error, `${join(root, 'fkguard.toml')}: cannot read the configuration file (not a regular file).`);
    const other = tree({});
    mkdirSync(join(other, '.fkguard.json'));
    const dir = await loadConfig(other);
    assert.ok(!dir.ok);
    assert.equal(dir.error, `${join(other, '.fkguard.json')}: cannot read the configuration file (it is a folder).`);
  });
});
