// Issue 7, "Suppressing what FK Guard can't know": `# fkguard: ignore[rule]` comments (in each language's
// syntax), the "Ignore this line" and "Add `x` to external-tables" quick fixes carried by the finding, and
// `unused-suppression`. The per-language fixture is test/fixtures/engine/50-suppressions; these are the fixes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_CONFIG, FkGuardConfig } from '../../server/src/core/config';
import { externalTableFix } from '../../server/src/core/suppress';
import { applyEdits } from '../../server/src/core/text';
import { configFromText } from '../../server/src/host/configFile';
import { createEngine } from '../../server/src/host/python';
import { LspClient } from '../lsp/harness';

const ORDERS = [
  'from sqlalchemy import Column, ForeignKey, Integer',
  'from sqlalchemy.orm import declarative_base',
  'Base = declarative_base()',
  '',
  'class Order(Base):',
  '    __tablename__ = "orders"',
  '    id = Column(Integer, primary_key=True)',
  '    user_id = Column(Integer, ForeignKey("user.id"))',
  '    payer_id = Column(',
  '        Integer, ForeignKey("payer.id"),',
  '    )',
  '    other_id = Column(Integer, ForeignKey("other.id"), \\',
  '        nullable=True)',
  '',
];

async function findingsOf(text: string, config: FkGuardConfig = DEFAULT_CONFIG) {
  const engine = await createEngine(config);
  engine.updateFile('orders.py', text);
  const out = engine.findings('orders.py');
  engine.dispose();
  return out;
}

describe('reliability: suppressions and their quick fixes (issue 7)', function () {
  this.timeout(60000);

  for (const eol of ['\n', '\r\n', '\r']) {
    it(`"Ignore this line" writes the marker before the line's own ${JSON.stringify(eol)} and silences the finding`, async () => {
      const text = ORDERS.join(eol);
      const findings = await findingsOf(text);
      const user = findings.find((f) => f.reference === 'user.id')!;
      const fix = user.fixes.find((f) => f.title === 'Ignore `unknown-table` on this line')!;
      const fixed = applyEdits(text, fix.edits);
      assert.equal(fixed, text.replace('ForeignKey("user.id"))', 'ForeignKey("user.id"))  # fkguard: ignore[unknown-table]'));
      const after = await findingsOf(fixed);
      assert.deepEqual(after.map((f) => f.reference).sort(), ['other.id', 'payer.id']);
    });
  }

  it('inside a multi-line call the marker goes on the finding line; after a backslash it is not offered', async () => {
    const text = ORDERS.join('\n');
    const findings = await findingsOf(text);
    const payer = findings.find((f) => f.reference === 'payer.id')!;
    const fixed = applyEdits(text, payer.fixes.find((f) => f.title.startsWith('Ignore'))!.edits);
    assert.match(fixed, /Integer, ForeignKey\("payer\.id"\),  # fkguard: ignore\[unknown-table\]\n {4}\)/);
    assert.deepEqual((await findingsOf(fixed)).filter((f) => f.reference === 'payer.id'), []);
    // `other_id = Column(Integer, ForeignKey("other.id"), \` ends in a backslash: no comment may follow it.
    const other = findings.find((f) => f.reference === 'other.id')!;
    assert.ok(!other.fixes.some((f) => f.title.startsWith('Ignore')));
  });

  it('a marker that silences nothing is unused-suppression, and its fix removes it exactly', async () => {
    const text = ORDERS.join('\n').replace('primary_key=True)', 'primary_key=True)  # fkguard: ignore');
    const unused = (await findingsOf(text)).filter((f) => f.rule === 'unused-suppression');
    assert.equal(unused.length, 1);
    assert.equal(unused[0].severity, 'info');
    assert.equal(applyEdits(text, unused[0].fixes[0].edits), ORDERS.join('\n'));
  });

  const CASES: Array<[string, string, string]> = [
    ['pyproject.toml', '[project]\nname = "shop"\n', '[project]\nname = "shop"\n\n[tool.fkguard]\nexternal-tables = ["user"]\n'],
    ['pyproject.toml', '[tool.fkguard]\ndialect = "postgresql"\n\n[tool.ruff]\nline-length = 100\n', '[tool.fkguard]\nexternal-tables = ["user"]\ndialect = "postgresql"\n\n[tool.ruff]\nline-length = 100\n'],
    ['pyproject.toml', '[tool.fkguard]\nexternal-tables = [\n  "auth.users",\n]\n', '[tool.fkguard]\nexternal-tables = [\n  "auth.users", "user"\n]\n'],
    ['fkguard.toml', 'external_tables = ["a"]  # ours\n\n[rules]\n', 'external_tables = ["a", "user"]  # ours\n\n[rules]\n'],
    ['fkguard.toml', 'dialect = "mysql"\r\n', 'external-tables = ["user"]\r\ndialect = "mysql"\r\n'],
    ['.fkguard.json', '{ "externalTables": ["a"] }', '{\n  "externalTables": [\n    "a",\n    "user"\n  ]\n}\n'],
  ];
  for (const [file, before, after] of CASES) {
    it(`"Add to external-tables" edits ${file} ${JSON.stringify(before.slice(0, 30))}… and the finding goes`, async () => {
      const loaded = configFromText(`/ws/${file}`, before, false);
      assert.ok(loaded.ok);
      const kind = file === 'pyproject.toml' ? 'pyproject' : file.endsWith('.json') ? 'json' : 'toml';
      const config = { ...loaded.config, origin: { file, text: before, kind } as const };
      const fix = externalTableFix(config, 'user')!;
      assert.equal(fix.title, `Add \`user\` to external-tables (${file})`);
      assert.ok(fix.edits.every((e) => e.file === file));
      const written = applyEdits(before, fix.edits);
      assert.equal(written, after);
      const reread = configFromText(`/ws/${file}`, written, false);
      assert.ok(reread.ok && reread.config.externalTables.includes('user'), JSON.stringify(reread));
      const findings = await findingsOf(ORDERS.join('\n'), reread.ok ? reread.config : DEFAULT_CONFIG);
      assert.deepEqual(findings.filter((f) => f.reference === 'user.id'), []);
    });
  }

  it('over LSP: both quick fixes are offered from Diagnostic.data and apply', async () => {
    const client = await LspClient.start({ fixture: 'basic' });
    try {
      await client.ready();
      writeFileSync(client.path('pyproject.toml'), '[project]\nname = "shop"\n');
      client.fileChanged('pyproject.toml', FileChangeType.Created);
      const orders = 'app/orders.py';
      const opened = client.open(orders, readFileSync(client.path(orders), 'utf8'));
      const diagnostics = await client.diagnosticsFor(orders, (d) => d.some((x) => x.code === 'unknown-table' && x.data !== undefined && JSON.stringify(x.data).includes('external-tables')), opened.version);
      const target = diagnostics.filter((d) => d.code === 'unknown-table');
      const actions = await client.codeActions(orders, target);
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Ignore `unknown-table` on this line'), JSON.stringify(titles));
      assert.ok(titles.includes('Add `user` to external-tables (pyproject.toml)'), JSON.stringify(titles));
      // The config file is not open: apply its edit to the file, as the editor would, and tell the server.
      const external = actions.find((a) => a.title.startsWith('Add'))!;
      const change = (external.edit!.documentChanges as unknown as Array<{ textDocument: { uri: string }; edits: Array<{ range: never; newText: string }> }>)[0];
      assert.equal(change.textDocument.uri, client.uri('pyproject.toml'));
      const doc = TextDocument.create(change.textDocument.uri, 'toml', 0, readFileSync(client.path('pyproject.toml'), 'utf8'));
      writeFileSync(client.path('pyproject.toml'), TextDocument.applyEdits(doc, change.edits));
      client.fileChanged('pyproject.toml', FileChangeType.Changed);
      await client.diagnosticsFor(orders, (d) => !d.some((x) => x.code === 'unknown-table'));
      // And the open document's own fix: a versioned edit that silences the line.
      writeFileSync(client.path('pyproject.toml'), '[project]\nname = "shop"\n');
      client.fileChanged('pyproject.toml', FileChangeType.Changed);
      const again = await client.diagnosticsFor(orders, (d) => d.some((x) => x.code === 'unknown-table'), opened.version);
      const ignore = (await client.codeActions(orders, again.filter((d) => d.code === 'unknown-table'))).find((a) => a.title.startsWith('Ignore'))!;
      const version = client.applyWorkspaceEdit(ignore.edit!);
      assert.match(client.doc(orders).getText(), /ForeignKey\("user\.id"\)\)  # fkguard: ignore\[unknown-table\]/);
      await client.diagnosticsFor(orders, (d) => d.length === 0, version);
    } finally {
      await client.stop();
    }
  });

  // R16-15: a finding on a line of SQL written in a string (a TypeORM migration's queryRunner.query template, an
  // Alembic op.execute triple-quoted string): the file's own comment sign there is text of the SQL, and PostgreSQL
  // refuses the statement (`syntax error at or near "//"`). The marker is SQL's, and it is honoured.
  it('inside SQL written in a string, "Ignore this line" writes SQL\'s comment and it silences the finding', async () => {
    const cases: Array<{ file: string; text: string; find: string; marker: string }> = [
      {
        file: 'src/migrations/1700000000000-Kennels.ts',
        text: [
          "import { MigrationInterface, QueryRunner } from 'typeorm';",
          '',
          'export class Kennels1700000000000 implements MigrationInterface {',
          '  async up(queryRunner: QueryRunner): Promise<void> {',
          '    await queryRunner.query(`',
          '      create table kennels (',
          '        id varchar(16) not null primary key',
          '      );',
          '      create table dogs (',
          '        id serial primary key,',
          '        kennel_id integer not null',
          '          references kennels (id)',
          '      );',
          '    `);',
          '  }',
          '',
          '  async down(): Promise<void> {}',
          '}',
          '',
        ].join('\n'),
        find: '        kennel_id integer not null',
        marker: '        kennel_id integer not null  -- fkguard: ignore[type-mismatch]',
      },
      {
        file: 'alembic/versions/0001_kennels.py',
        text: [
          '"""kennels"""',
          'from alembic import op',
          '',
          'revision = "0001"',
          'down_revision = None',
          '',
          '',
          'def upgrade():',
          '    op.execute("""',
          '        CREATE TABLE kennels (id varchar(16) PRIMARY KEY);',
          '        CREATE TABLE dogs (',
          '            id serial PRIMARY KEY,',
          '            kennel_id integer NOT NULL REFERENCES kennels (id)',
          '        );',
          '    """)',
          '    op.execute("CREATE TABLE pups (id serial PRIMARY KEY, kennel_id integer REFERENCES kennels (id))")',
          '',
        ].join('\n'),
        find: '            kennel_id integer NOT NULL REFERENCES kennels (id)',
        marker: '            kennel_id integer NOT NULL REFERENCES kennels (id)  -- fkguard: ignore[type-mismatch]',
      },
    ];
    for (const c of cases) {
      const engine = await createEngine();
      await engine.loadParser();
      engine.updateFile(c.file, c.text);
      const findings = engine.findings(c.file);
      const line = c.text.split('\n').indexOf(c.find);
      const mismatch = findings.find((f) => f.rule === 'type-mismatch' && f.range.start.line <= line && line <= f.range.end.line);
      assert.ok(mismatch, `${c.file}: ${JSON.stringify(findings.map((f) => [f.rule, f.range.start.line]))}`);
      const fix = mismatch.fixes.find((f) => f.title === 'Ignore `type-mismatch` on this line')!;
      const fixed = applyEdits(c.text, fix.edits);
      assert.equal(fixed, c.text.replace(c.find, c.marker));
      engine.updateFile(c.file, fixed);
      const after = engine.findings(c.file);
      // Silenced, and the SQL still reads: no parse error, and the one-line string's key is still there.
      assert.ok(!after.some((f) => f.rule === 'parse-error' || (f.rule === 'type-mismatch' && f.range.start.line === line)), JSON.stringify(after.map((f) => [f.rule, f.range.start.line])));
      if (c.file.endsWith('.py')) {
        // The one-line string ends on its own line: the marker there is Python's, after the call.
        const pups = after.find((f) => f.rule === 'type-mismatch')!;
        const oneLine = applyEdits(fixed, pups.fixes.find((f) => f.title.startsWith('Ignore'))!.edits);
        assert.match(oneLine, /REFERENCES kennels \(id\)\)"\)  # fkguard: ignore\[type-mismatch\]\n/);
        engine.updateFile(c.file, oneLine);
        assert.deepEqual(engine.findings(c.file).map((f) => f.rule), []);
      }
      engine.dispose();
    }
  });

  // R16-17: the type fix of a key in SQL run by Alembic's op.execute writes SQL's type, not SQLAlchemy's
  // (`sa.varchar(12)` is a schema `sa` to PostgreSQL), and none where the string's text is not the SQL as read.
  it('inside SQL written in a Python string, the type fix writes the SQL type, and none over an escaped string', async () => {
    const lines = [
      'from alembic import op',
      'import sqlalchemy as sa',
      '',
      'revision = "0001"',
      'down_revision = None',
      '',
      '',
      'def upgrade():',
      '    op.execute("""',
      '        CREATE TABLE owners (id varchar(12) PRIMARY KEY);',
      '        CREATE TABLE boats (',
      '            id serial PRIMARY KEY,',
      '            owner_id varchar(21) NOT NULL REFERENCES owners (id)',
      '        );',
      '    """)',
      '',
    ];
    const file = 'alembic/versions/0001_boats.py';
    for (const escaped of [false, true]) {
      const text = (escaped ? lines.map((l) => l.replace('PRIMARY KEY);', "PRIMARY KEY); -- it\\'s")) : lines).join('\n');
      const engine = await createEngine();
      engine.updateFile(file, text);
      const mismatch = engine.findings(file).find((f) => f.rule === 'type-mismatch');
      assert.ok(mismatch, `escaped ${escaped}: ${JSON.stringify(engine.findings(file).map((f) => f.rule))}`);
      const typeFix = mismatch.fixes.find((f) => f.title.startsWith('Change the column type'));
      if (escaped) assert.equal(typeFix, undefined, JSON.stringify(typeFix));
      else {
        assert.ok(typeFix);
        const fixed = applyEdits(text, typeFix.edits);
        assert.equal(fixed, text.replace('owner_id varchar(21) NOT NULL', 'owner_id varchar(12) NOT NULL'));
        engine.updateFile(file, fixed);
        assert.deepEqual(engine.findings(file).map((f) => f.rule), []);
      }
      engine.dispose();
    }
  });
});
