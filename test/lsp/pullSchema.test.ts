// `fkguard/pullSchema` (the editor's "FK Guard: Pull Schema from Database"): the real server reads a real
// PostgreSQL (PGlite behind a TCP port) and answers the SQL file's text; written into the workspace, the file is read
// like any schema file, and a key to a table only the database has stops being an error.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PullSchemaResult } from '../../server/src/lsp/protocol';
import { startPgliteServer, type PgliteServer } from '../host/pgliteServer';
import { LspClient } from './harness';

describe('language server: fkguard/pullSchema', function () {
  this.timeout(120_000);
  let client: LspClient | undefined;
  let pg: PgliteServer | undefined;

  afterEach(async () => {
    await client?.stop();
    await pg?.close();
    client = pg = undefined;
  });

  it('answers the database tables as a schema file, which the workspace then reads', async () => {
    pg = await startPgliteServer();
    await pg.db.exec('CREATE TABLE public."order" (id integer PRIMARY KEY, total numeric(10,2))');
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    // invoices.py: ForeignKey("order.id") names a table no file defines.
    await client.diagnosticsFor('app/invoices.py', (d) => d.some((x) => /`order` is not a table/.test(x.message)));

    const result = (await client.connection.sendRequest('fkguard/pullSchema', { url: pg.url })) as PullSchemaResult;
    assert.equal(result.tables, 1);
    assert.match(result.where, /^127\.0\.0\.1:\d+\/postgres$/);
    assert.match(result.server, /^PostgreSQL \d/);
    assert.match(result.text, /\nCREATE TABLE public\."order" \(\n {4}id integer NOT NULL,\n {4}total numeric\(10,2\),\n {4}CONSTRAINT order_pkey PRIMARY KEY \(id\)\n\);\n$/);

    // What the VS Code client does with the answer: write the file; the editor's watcher tells the server.
    writeFileSync(join(client.root, 'fkguard-schema.sql'), result.text);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('fkguard-schema.sql'), type: 1 }] });
    const after = await client.diagnosticsFor('app/invoices.py', (d) => !d.some((x) => /`order`/.test(x.message)));
    // The other broken key of the file (`user.id`) is still reported: the database has no `user` table either.
    assert.deepEqual(after.map((d) => d.message.split(';')[0]), ['`user` is not a table']);
  });

  it('refuses a database it cannot reach with one sentence, and keeps serving', async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    await assert.rejects(client.connection.sendRequest('fkguard/pullSchema', { url: 'postgresql://u@127.0.0.1:1/app' }), (err: { message?: string }) => {
      assert.equal(err.message, 'FK Guard: cannot connect to 127.0.0.1:1/app: the connection was refused (is the database running, and is the host and port right?)');
      return true;
    });
    await assert.rejects(client.connection.sendRequest('fkguard/pullSchema', {}), /give the database URL/);
    const index = (await client.connection.sendRequest('fkguard/schemaIndex')) as { folders: unknown[] };
    assert.equal(index.folders.length, 1);
  });
});
