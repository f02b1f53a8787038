// Which tables the diagram draws (client/src/diagramModel.ts, plain data): the file's tables and their neighbours
// one foreign key away, one hop more per "More neighbours", the whole schema when it is small, and a red
// placeholder for a table a broken foreign key names.
import assert from 'node:assert/strict';
import { selectDiagram, WHOLE_SCHEMA_UP_TO } from '../../client/src/diagramModel';
import type { SchemaGraphEdge, SchemaGraphResult, SchemaIndexTable } from '../../server/src/lsp/protocol';

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
const FOLDER = 'file:///ws';
const fileOf = (i: number) => `${FOLDER}/app/t${i}.py`;
const key = (i: number) => `t${String(i).padStart(2, '0')}`;

function table(i: number): SchemaIndexTable {
  const uri = fileOf(i);
  return {
    key: key(i),
    name: key(i),
    definitions: [{ uri, range, origin: 'model' }],
    columns: [
      { name: 'id', type: 'Integer', primaryKey: true, unique: false, uri, range },
      { name: 'prev_id', type: 'Integer', primaryKey: false, unique: false, uri, range },
    ],
  };
}

/** `count` tables in a chain: each `tN.prev_id` references `t(N-1).id`; `broken` adds one to a missing table. */
function chain(count: number, broken?: number): SchemaGraphResult {
  const tables = Array.from({ length: count }, (_, i) => table(i));
  const foreignKeys: SchemaGraphEdge[] = [];
  for (let i = 1; i < count; i++) {
    foreignKeys.push({ uri: fileOf(i), range, from: { table: key(i), column: 'prev_id' }, to: { table: key(i - 1), column: 'id' }, display: `${key(i - 1)}.id`, state: 'ok' });
  }
  if (broken !== undefined) {
    foreignKeys.push({ uri: fileOf(broken), range, from: { table: key(broken), column: 'prev_id' }, to: { table: 'ghost', column: 'id' }, display: 'ghost.id', state: 'broken' });
  }
  return { folders: [{ uri: FOLDER, name: 'ws', tables, foreignKeys }] };
}

const keys = (d: ReturnType<typeof selectDiagram>) => d.tables.map((t) => (t.missing ? `${t.key} (missing)` : t.key));

describe('the diagram: which tables it draws', () => {
  it('draws a large schema from the open file: its tables and their neighbours one hop away, more on demand', () => {
    const graph = chain(WHOLE_SCHEMA_UP_TO + 5);
    const one = selectDiagram(graph, fileOf(10), 1);
    assert.deepEqual(keys(one), ['t09', 't10', 't11']);
    assert.equal(one.depth, 1);
    assert.equal(one.total, WHOLE_SCHEMA_UP_TO + 5);
    assert.ok(one.canExpand);
    assert.deepEqual(one.tables.filter((t) => t.focus).map((t) => t.key), ['t10']);
    // Each foreign key between drawn tables, from its column to the column it references.
    assert.deepEqual(one.edges.map((e) => `${e.from}.${e.fromColumn} → ${e.to}.${e.toColumn}`), ['t10.prev_id → t09.id', 't11.prev_id → t10.id']);
    assert.equal(one.title, 'FK Guard Diagram: t10.py');
    // "More neighbours": one hop further each time, until the chain's end.
    assert.deepEqual(keys(selectDiagram(graph, fileOf(10), 2)), ['t08', 't09', 't10', 't11', 't12']);
    const all = selectDiagram(graph, fileOf(10), WHOLE_SCHEMA_UP_TO + 5);
    assert.equal(all.tables.length, WHOLE_SCHEMA_UP_TO + 5);
    assert.equal(all.canExpand, false);
  });

  it('draws the whole schema when it is small, or when the open file has no table', () => {
    const small = selectDiagram(chain(WHOLE_SCHEMA_UP_TO), fileOf(3), 1);
    assert.equal(small.tables.length, WHOLE_SCHEMA_UP_TO);
    assert.equal(small.depth, 0);
    assert.equal(small.canExpand, false);
    assert.equal(small.title, 'FK Guard Diagram: the schema');
    const elsewhere = selectDiagram(chain(WHOLE_SCHEMA_UP_TO + 5), `${FOLDER}/README.md`, 1);
    assert.equal(elsewhere.tables.length, WHOLE_SCHEMA_UP_TO + 5);
  });

  it('draws a broken foreign key to a red placeholder for the table it names', () => {
    const d = selectDiagram(chain(WHOLE_SCHEMA_UP_TO + 5, 20), fileOf(20), 1);
    assert.deepEqual(keys(d), ['t19', 't20', 't21', 'ghost (missing)']);
    const ghost = d.tables.find((t) => t.missing)!;
    assert.deepEqual(ghost.columns.map((c) => c.name), ['id']);
    assert.deepEqual(d.edges.filter((e) => e.broken).map((e) => `${e.from}.${e.fromColumn} → ${e.to}.${e.toColumn}`), ['t20.prev_id → ghost.id']);
  });
});
