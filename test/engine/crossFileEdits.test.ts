// An edit in one file can change what another file's references mean in ways the names a file provides do not
// say: a TypeORM entity whose table takes the data source's entityPrefix (its provision names `t:members`, the
// table is `club_members`), and a barrel that only re-exports (it provides no name, yet every import through
// it resolves by it). After such an edit, every file's findings must equal a fresh engine's; before, the other
// files kept their old diagnostics until the next restart (found by start6's soundness test).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createEngine } from '../../server/src/host/python';
import type { Engine } from '../../server/src/core/engine';
import { describeFinding, FIXTURES, loadWorkspace } from './harness';

type Edit = { file: string; text?: string };

function findingsOf(engine: Engine, files: Iterable<string>): string[] {
  return [...files].flatMap((f) => engine.findings(f).map((x) => `${describeFinding(x)} ${x.message}`)).sort();
}

async function afterEdit(fixture: string, edit: (texts: Map<string, string>) => Edit): Promise<{ before: string[]; incremental: string[]; fresh: string[] }> {
  const { engine, texts } = await loadWorkspace(join(FIXTURES, fixture, 'ws'));
  const before = findingsOf(engine, texts.keys());
  const e = edit(texts);
  const edited = new Map(texts);
  if (e.text === undefined) {
    engine.removeFile(e.file);
    edited.delete(e.file);
  } else {
    engine.updateFile(e.file, e.text);
    edited.set(e.file, e.text);
  }
  const incremental = findingsOf(engine, edited.keys());
  engine.dispose();
  const fresh = await createEngine();
  for (const [f, t] of edited) fresh.updateFile(f, t);
  const expected = findingsOf(fresh, edited.keys());
  fresh.dispose();
  return { before, incremental, fresh: expected };
}

describe('engine: edits whose reach the provided names do not show', function () {
  this.timeout(60000);

  it('a TypeORM entity under an entityPrefix: the SQL that names its prefixed table is checked again', async () => {
    const entity = 'src/member.entity.ts';
    for (const edit of [
      (t: Map<string, string>) => ({ file: entity, text: t.get(entity)!.replace("'typeorm'", "'typeorm_x'") }),
      () => ({ file: entity }),
    ]) {
      const { incremental, fresh } = await afterEdit('77-typeorm-entity-prefix', edit);
      assert.ok(fresh.some((f) => f.startsWith('db/extra.sql')), 'the fixture must make the edit visible in db/extra.sql');
      assert.deepEqual(incremental, fresh);
    }
  });

  it('a barrel that only re-exports, removed or changed: the files importing through it are checked again', async () => {
    const barrel = 'schema/src/index.ts';
    for (const edit of [() => ({ file: barrel }), (t: Map<string, string>) => ({ file: barrel, text: t.get(barrel)!.replace('./tables/index.js', './tables/none.js') })]) {
      const { incremental, fresh } = await afterEdit('57-knex-workspace-package', edit);
      assert.deepEqual(incremental, fresh);
    }
  });

  // review7's R7-2: a workspace package's package.json provides no name, yet every import through the package
  // resolves by its name and entry points. Renamed, or made unreadable, the migration importing the tables'
  // names through it kept its type errors (and the reverse edit would have kept them away).
  it("a workspace package's package.json renamed or unreadable: the files importing through it are checked again", async () => {
    const pkg = 'schema/package.json';
    for (const edit of [
      (t: Map<string, string>) => ({ file: pkg, text: t.get(pkg)!.replace('"@shelfapp/schema"', '"@shelfapp/schema-list"') }),
      (t: Map<string, string>) => ({ file: pkg, text: t.get(pkg)!.replace('{', '{,') }),
    ]) {
      const { before, incremental, fresh } = await afterEdit('57-knex-workspace-package', edit);
      assert.notDeepEqual(fresh, before, 'the edit must change what the migration resolves to');
      assert.deepEqual(incremental, fresh);
    }
  });

  // review7's R7-3: a migration read again with the same names on the same lines (its line breaks made CRLF, a
  // byte order mark put first, a comment typed on its first line) provides what it did, but the tables the
  // history replayed from it held the old objects' places: "defined here" pointed a few characters off, or
  // across a line break.
  it('a migration read again with its characters moved: what points at its tables points at the new places', async () => {
    const migration = 'migrations/versions/b1_ovens.py';
    const files = new Map([
      ['alembic.ini', '[alembic]\nscript_location = migrations\n'],
      ['migrations/env.py', 'from alembic import context\n'],
      [
        migration,
        [
          '"""Ovens."""',
          'from alembic import op',
          'import sqlalchemy as sa',
          '',
          'revision = "b1"',
          'down_revision = None',
          '',
          '',
          'def upgrade():',
          '    op.create_table(',
          '        "ovens",',
          '        sa.Column("id", sa.Integer, primary_key=True),',
          '        sa.Column("badge", sa.String(12)),',
          '    )',
          '',
        ].join('\n'),
      ],
      ['app/__init__.py', ''],
      [
        'app/bakes.py',
        [
          'from sqlalchemy import Column, ForeignKey, Integer, String',
          'from sqlalchemy.orm import declarative_base',
          '',
          'Base = declarative_base()',
          '',
          '',
          'class Bake(Base):',
          '    __tablename__ = "bakes"',
          '',
          '    id = Column(Integer, primary_key=True)',
          '    oven_badge = Column(String(12), ForeignKey("ovens.badge"))',
          '',
        ].join('\n'),
      ],
    ]);
    const seen = (e: Engine) => JSON.stringify(e.findings('app/bakes.py'));
    const moves = [(t: string) => t.replace(/\n/g, '\r\n'), (t: string) => `\ufeff${t}`, (t: string) => t.replace('"""Ovens."""', '"""Ovens!"""  # the kilns')];
    for (const move of moves) {
      const engine = await createEngine();
      for (const [f, t] of files) engine.updateFile(f, t);
      const before = seen(engine);
      const edited = new Map(files).set(migration, move(files.get(migration)!));
      engine.updateFile(migration, edited.get(migration)!);
      const fresh = await createEngine();
      for (const [f, t] of edited) fresh.updateFile(f, t);
      assert.ok(before.includes('b1_ovens.py'), 'the reference must point at the migration');
      assert.equal(seen(engine), seen(fresh));
      engine.dispose();
      fresh.dispose();
    }
  });

  it("Sequelize's instance-wide define changed or removed: every model's names, and the references to them, are derived again", async () => {
    const db = 'src/db.ts';
    const models = 'src/models.ts';
    for (const edit of [
      (t: Map<string, string>) => ({ file: db, text: t.get(db)!.replace('freezeTableName: true', 'freezeTableName: false') }),
      (t: Map<string, string>) => ({ file: db, text: t.get(db)!.replace('underscored: true', 'underscored: false') }),
      () => ({ file: db }),
      // A model edited while the define stands: its table keeps the instance's naming.
      (t: Map<string, string>) => ({ file: models, text: t.get(models)!.replace("'tank'", "'water_tank'") }),
    ]) {
      const { incremental, fresh } = await afterEdit('105-sequelize-instance-define', edit);
      assert.deepEqual(incremental, fresh);
    }
  });

  it("a metadata's schema changed, or its assignment at run time added or removed: the tables on it and the keys in them are derived again", async () => {
    const base = 'greenhouse/base.py';
    const models = 'greenhouse/models.py';
    for (const edit of [
      // The metadata's schema, in a file that defines no table: the classes of another file's base built on it move.
      (t: Map<string, string>) => ({ file: base, text: t.get(base)!.replace('schema="greenhouse"', 'schema="glasshouse"') }),
      (t: Map<string, string>) => ({ file: base, text: t.get(base)!.replace('MetaData(schema="greenhouse")', 'MetaData()') }),
      (t: Map<string, string>) => ({ file: base, text: `${t.get(base)!}\nmetadata_obj.schema = "glasshouse"\n` }),
      () => ({ file: base }),
      // The base built on another metadata object, then on none.
      (t: Map<string, string>) => ({ file: models, text: t.get(models)!.replace('declarative_base(metadata=metadata_obj)', 'declarative_base()') }),
    ]) {
      const { before, incremental, fresh } = await afterEdit('119-declarative-metadata-schema', edit);
      assert.notDeepEqual(fresh, before, `the edit must change some finding: ${edit.toString()}`);
      assert.deepEqual(incremental, fresh);
    }
    const db = 'heroes/db.py';
    for (const edit of [(t: Map<string, string>) => ({ file: db, text: t.get(db)!.replace('SQLModel.metadata.schema = ', 'schema = ') }), () => ({ file: db })]) {
      const { before, incremental, fresh } = await afterEdit('120-flask-sqlmodel-metadata-schema', edit);
      assert.notDeepEqual(fresh, before, `the edit must change some finding: ${edit.toString()}`);
      assert.deepEqual(incremental, fresh);
    }
  });
});
