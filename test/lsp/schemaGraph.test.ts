// `fkguard/schemaGraph`, which feeds the Schema view and the diagram: every foreign key as an edge between tables,
// resolved as the rules resolve it, so a broken edge is exactly a reported unknown table.
import assert from 'node:assert/strict';
import type { SchemaGraphResult } from '../../server/src/lsp/protocol';
import { LspClient } from './harness';

describe('language server: fkguard/schemaGraph', function () {
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  it('answers the tables and their foreign keys, the ones to missing tables broken', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    const graph = (await client.connection.sendRequest('fkguard/schemaGraph')) as SchemaGraphResult;
    assert.equal(graph.folders.length, 1);
    const folder = graph.folders[0];
    assert.deepEqual(folder.tables.map((t) => t.key).sort(), ['invoices', 'orders', 'payments', 'users']);
    const edges = folder.foreignKeys.map((e) => `${e.from?.table}.${e.from?.column} -> ${e.to?.table}.${e.to?.column} ${e.state}`).sort();
    assert.deepEqual(edges, [
      'invoices.customer_id -> user.id broken',
      'invoices.order_id -> order.id broken',
      'orders.user_id -> user.id broken',
      'payments.user_id -> users.id ok',
    ]);
    const payment = folder.foreignKeys.find((e) => e.state === 'ok')!;
    assert.equal(payment.uri, client.uri('app/payments.py'));
    assert.equal(payment.display, 'users.id');
    // The range is the reference as written, on the line of `ForeignKey("users.id")`.
    assert.equal(payment.range.start.line, 9);
  });
});
