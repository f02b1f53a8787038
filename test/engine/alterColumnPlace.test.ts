import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, loadWorkspace } from './harness';

/**
 * An `alter_column` leaves its column where it stands, as the database does: fixture 400's tables as `fkguard index`
 * shows them. PostgreSQL (PGlite) after the DDL Alembic emits for a2 (`COMMENT ON COLUMN`, `ALTER COLUMN ... TYPE`,
 * `RENAME ... TO`, `ALTER COLUMN ... SET NOT NULL`) lists these columns in this order, and each primary key in it.
 */
describe('alter_column keeps the column in its place', () => {
  it('lists each altered table in the order the database keeps', async () => {
    const { engine } = await loadWorkspace(join(FIXTURES, '400-alter-column-keeps-its-place', 'ws'));
    const tables = new Map(engine.schema().tables.map((t) => [t.key, t]));
    const order = (key: string) => tables.get(key)?.columns.map((c) => c.name);
    const keys = (key: string) => tables.get(key)?.columns.filter((c) => c.primaryKey).map((c) => c.name);
    assert.deepEqual(order('pens'), ['farm_id', 'pen_no', 'label']);
    assert.deepEqual(order('stalls'), ['barn_id', 'stall_no', 'note']);
    assert.deepEqual(order('troughs'), ['field_id', 'slot', 'litres']);
    assert.deepEqual(order('docks'), ['id', 'code', 'berth']);
    assert.deepEqual(keys('pens'), ['farm_id', 'pen_no']);
    assert.deepEqual(keys('stalls'), ['barn_id', 'stall_no']);
    assert.deepEqual(keys('troughs'), ['field_id', 'slot']);
    engine.dispose();
  });
});
