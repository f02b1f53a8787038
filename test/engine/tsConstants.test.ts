import assert from 'node:assert/strict';
import { createEngine } from '../../server/src/host/python';

// Invented: a Knex migration that names its tables by constants of a file that uses no ORM.
const TABLES = "export const TableShelf = 'shelf';\nexport const TableBook = 'book';\n";
const MIGRATION = `import { Knex } from 'knex';
import { TableShelf, TableBook } from './tables';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TableShelf, (t) => {
    t.increments('id').primary();
  });
  await knex.schema.createTable(TableBook, (t) => {
    t.increments('id').primary();
    t.integer('shelf_id').references('id').inTable('shelf');
  });
}
`;

describe('a constants-only TypeScript file in the editor', () => {
  it('an edit to it re-checks the files whose names come from it', async () => {
    const e = await createEngine();
    await e.loadParser();
    e.updateFile('src/db/tables.ts', TABLES);
    e.updateFile('src/db/001_init.ts', MIGRATION);
    assert.deepEqual(e.findings('src/db/001_init.ts'), []);
    // The shelf table is renamed in the constants only: the literal `'shelf'` now names no table.
    const affected = e.updateFile('src/db/tables.ts', TABLES.replace("'shelf'", "'shelves'"));
    assert.ok(affected.includes('src/db/001_init.ts'), `affected: ${affected.join(', ')}`);
    assert.deepEqual(
      e.findings('src/db/001_init.ts').map((f) => f.rule),
      ['unknown-table'],
    );
    e.dispose();
  });
});
