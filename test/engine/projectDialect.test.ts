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
