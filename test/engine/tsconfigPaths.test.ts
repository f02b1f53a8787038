import assert from 'node:assert/strict';
import { createEngine } from '../../server/src/host/python';

// Invented: a Knex migration importing its table names through a tsconfig alias.
const MIGRATION = `import { Knex } from 'knex';
import { TableKennel, TableDog } from '@db/tables';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('kennel', (t) => {
    t.increments('id').primary();
  });
  await knex.schema.createTable(TableDog, (t) => {
    t.increments('id').primary();
    t.integer('kennel_id').references('id').inTable(TableKennel);
  });
}
`;
const config = (target: string) => `{ "compilerOptions": { "paths": { "@db/*": ["${target}/*"] } } }`;

describe('tsconfig paths in the editor', () => {
  it('an edit to the tsconfig re-checks the files whose imports it maps', async () => {
    const e = await createEngine();
    await e.loadParser();
    e.updateFile('db/tables.ts', "export const TableKennel = 'kennel';\nexport const TableDog = 'dog';\n");
    e.updateFile('legacy/tables.ts', "export const TableKennel = 'kennels';\nexport const TableDog = 'dogs';\n");
    e.updateFile('tsconfig.json', config('db'));
    e.updateFile('db/migrations/001_init.ts', MIGRATION);
    assert.deepEqual(e.findings('db/migrations/001_init.ts').map((f) => f.rule), []);
    // The alias now leads to the legacy names: `kennels` is no table of this history.
    const affected = e.updateFile('tsconfig.json', config('legacy'));
    assert.ok(affected.includes('db/migrations/001_init.ts'), `affected: ${affected.join(', ')}`);
    assert.deepEqual(e.findings('db/migrations/001_init.ts').map((f) => f.rule), ['unknown-table']);
    e.dispose();
  });
});
