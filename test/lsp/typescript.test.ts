// The language server on a TypeORM workspace: the same diagnostics and quick fixes as for Python.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspClient } from './harness';

const POST = 'src/post.ts';
const mismatch = (d: Diagnostic[]) => d.some((x) => x.code === 'type-mismatch');

describe('language server on TypeScript files', function () {
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  it('reports a TypeORM type mismatch and fixes it with the preferred quick fix', async () => {
    client = await LspClient.start({ fixture: 'typeorm' });
    // Published after the index, before the file is opened.
    const published = await client.diagnosticsFor(POST, mismatch);
    const d = published.find((x) => x.code === 'type-mismatch')!;
    assert.match(d.message, /`int` here, but `users\.id` is `uuid`/);
    // The range is the type's name inside `@Column('int', ...)` on line 9 (0-based 8).
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.character], [8, 11, 14]);
    await client.ready();
    // The server reads a file by its name; the harness's languageId does not matter to it.
    client.open(POST, readFileSync(client.path(POST), 'utf8'));
    const diagnostics = await client.diagnosticsFor(POST, mismatch, 1);
    const actions = await client.codeActions(POST, diagnostics.filter((x) => x.code === 'type-mismatch'));
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, `a preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    const version = client.applyWorkspaceEdit(fix.edit!);
    assert.match(client.doc(POST).getText(), /@Column\('uuid', \{ name: 'author_id' \}\)\n  authorId: string;/);
    await client.diagnosticsFor(POST, (x) => !mismatch(x), version);
  });
});
