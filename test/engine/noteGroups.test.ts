import assert from 'node:assert/strict';
import { createEngine } from '../../server/src/host/python';

// Invented: ClickHouse migrations, which FK Guard skips with one note per folder.
const TABLE = (name: string) => `CREATE TABLE ${name} (id String) ENGINE = MergeTree ORDER BY id;\n`;

describe('one note per folder for skipped ClickHouse files', () => {
  it('stays right in the editor as files join and leave the folder', async () => {
    const e = await createEngine();
    e.updateFile('ch/migrations/002_b.sql', TABLE('b'));
    e.updateFile('ch/migrations/003_c.sql', TABLE('c'));
    const notes = () => ['001_a', '002_b', '003_c'].flatMap((n) => e.findings(`ch/migrations/${n}.sql`).map((f) => `${n}: ${f.message.split(': ').pop()}`));
    assert.deepEqual(notes(), ['002_b: the 2 ClickHouse files in ch/migrations/ are skipped']);
    // A new first file takes the note over; the others are re-checked with it.
    const affected = e.updateFile('ch/migrations/001_a.sql', TABLE('a'));
    assert.ok(affected.includes('ch/migrations/002_b.sql'), `affected: ${affected.join(', ')}`);
    assert.deepEqual(notes(), ['001_a: the 3 ClickHouse files in ch/migrations/ are skipped']);
    const gone = e.removeFile('ch/migrations/001_a.sql');
    assert.ok(gone.includes('ch/migrations/002_b.sql'), `affected: ${gone.join(', ')}`);
    assert.deepEqual(notes(), ['002_b: the 2 ClickHouse files in ch/migrations/ are skipped']);
    e.dispose();
  });
});
