import assert from 'node:assert/strict';
import { parseConfig } from '../../server/src/core/config';
import { createEngine } from '../../server/src/host/python';

const SCHEMA = `import { mysqlTable, varchar } from 'drizzle-orm/mysql-core';
export const crates = mysqlTable('crates', { id: varchar('id', { length: 36 }).primaryKey() });
`;
const LIDS = `exports.up = async (knex) => {
  await knex.schema.createTable('lids', (t) => {
    t.increments('id');
    t.integer('crate_id').references('id').inTable('crates');
  });
};
`;
const KNEXFILE = `module.exports = { development: { client: 'sqlite3' } };\n`;

/**
 * The dialect the project's files name is a fact of each file; the index combines them. A file that changes
 * the combination changes the verdicts of files it has nothing else to do with, so they are checked again.
 */
describe('dialect taken from the project', () => {
  it('re-judges every file when a file adds or removes a target', async () => {
    const e = await createEngine();
    e.updateFile('db/schema.ts', SCHEMA);
    e.updateFile('migrations/1_lids.js', LIDS);
    const verdict = () => e.findings('migrations/1_lids.js').map((f) => `${f.severity} ${f.message.replace(/^.*: (\w+) (refuses|accepts).*$/, '$1 $2')}`);
    // MySQL alone refuses integer -> varchar(36).
    assert.deepEqual(verdict(), ['error MySQL refuses']);
    const changed = e.updateFile('knexfile.js', KNEXFILE);
    assert.ok(changed.includes('migrations/1_lids.js'), `not re-checked: ${changed.join(', ')}`);
    // MySQL and SQLite: judged by SQLite, which accepts it.
    assert.deepEqual(verdict(), ['warning SQLite accepts']);
    e.removeFile('knexfile.js');
    assert.deepEqual(verdict(), ['error MySQL refuses']);
    e.dispose();
  });

  it('never lets the project override a dialect the configuration names', async () => {
    const e = await createEngine(parseConfig({ dialect: 'postgresql' }, 'config.json').config);
    e.updateFile('db/schema.ts', SCHEMA);
    e.updateFile('knexfile.js', KNEXFILE);
    e.updateFile('migrations/1_lids.js', LIDS);
    assert.match(e.findings('migrations/1_lids.js')[0]?.message ?? '', /PostgreSQL refuses/);
    e.dispose();
  });
});

const PENS = `exports.up = async (knex) => {
  await knex.schema.createTable('pens', (t) => {
    t.increments('id');
    t.integer('farm_id').references('id').inTable('farms');
  });
};
`;
const FARMS = `exports.up = async (knex) => {
  await knex.schema.createTable('farms', (t) => t.increments('id'));
};
`;

/**
 * Every file that names the project's database: with SQLite named, a migration may reference a table a later
 * migration makes (SQLite checks foreign keys when rows are written); on PostgreSQL, the default, it may not.
 */
describe('the files that name the project database', () => {
  const sources: Array<[string, string, string]> = [
    ['sequelize-cli config.json', 'config/config.json', '{ "development": { "dialect": "sqlite", "storage": "dev.db" } }\n'],
    ['sequelize-cli config.js', 'config/config.js', "module.exports = { production: { dialect: 'sqlite', storage: 'farm.db' } };\n"],
    ['new Sequelize({ dialect })', 'src/db.ts', "import { Sequelize } from 'sequelize';\nexport const db = new Sequelize({ dialect: 'sqlite', storage: 'farm.db' });\n"],
    ['a Sequelize URL', 'src/db.js', "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('sqlite::memory:');\n"],
    ['drizzle-kit config', 'drizzle.config.ts', "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'sqlite', schema: './src/schema.ts' });\n"],
    ['Prisma datasource', 'prisma/schema.prisma', 'datasource db {\n  provider = "sqlite"\n  url      = env("DATABASE_URL")\n}\n'],
  ];
  for (const [what, file, text] of sources) {
    it(`takes SQLite from ${what}`, async () => {
      const e = await createEngine();
      e.updateFile('migrations/1_pens.js', PENS);
      e.updateFile('migrations/2_farms.js', FARMS);
      assert.deepEqual(e.findings('migrations/1_pens.js').map((f) => f.rule), ['unknown-table'], 'PostgreSQL, before the file');
      const changed = e.updateFile(file, text);
      assert.ok(changed.includes('migrations/1_pens.js'), `not re-checked: ${changed.join(', ')}`);
      assert.deepEqual(e.findings('migrations/1_pens.js'), []);
      e.dispose();
    });
  }

  it('reads no dialect from a JSON file that is not JSON, nor from a name it does not know', async () => {
    const e = await createEngine();
    e.updateFile('migrations/1_pens.js', PENS);
    e.updateFile('migrations/2_farms.js', FARMS);
    e.updateFile('config/config.json', '{ "development": { "dialect": "sqlite", } ');
    e.updateFile('config/other.config.json', '{ "dialect": "mssql" }');
    e.updateFile('prisma/schema.prisma', 'datasource db {\n  provider = "sqlserver"\n}\n');
    assert.deepEqual(e.findings('migrations/1_pens.js').map((f) => f.rule), ['unknown-table']);
    e.dispose();
  });
});
