// The language server on a Prisma schema and the SQL file beside it: the same diagnostics and quick fixes as for
// Python, opened with the language ids VS Code gives them (`prisma` from Prisma's extension, `sql` built in).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspClient } from './harness';

const SCHEMA = 'prisma/schema.prisma';
const AUDIT = 'db/audit.sql';
const unknownTable = (d: Diagnostic[]) => d.some((x) => x.code === 'unknown-table');

describe('language server on Prisma and SQL files', function () {
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  /** Opens `rel`, applies the preferred quick fix of its unknown-table diagnostic and waits for the diagnostic to go. */
  async function fixUnknownTable(rel: string, languageId: string): Promise<{ diagnostic: Diagnostic; text: string }> {
    const published = await client.diagnosticsFor(rel, unknownTable);
    const diagnostic = published.find((x) => x.code === 'unknown-table')!;
    await client.ready();
    client.open(rel, readFileSync(client.path(rel), 'utf8'), languageId);
    const diagnostics = await client.diagnosticsFor(rel, unknownTable, 1);
    const actions = await client.codeActions(rel, diagnostics.filter((x) => x.code === 'unknown-table'));
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, `a preferred quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    const version = client.applyWorkspaceEdit(fix.edit!);
    await client.diagnosticsFor(rel, (x) => !unknownTable(x), version);
    return { diagnostic, text: client.doc(rel).getText() };
  }

  it('reports a @relation to an unknown model and fixes it with the preferred quick fix', async () => {
    client = await LspClient.start({ fixture: 'prisma' });
    const { diagnostic, text } = await fixUnknownTable(SCHEMA, 'prisma');
    assert.match(diagnostic.message, /`Usr` is not a model; did you mean `User` \(prisma\/schema\.prisma:7\)\?/);
    // The range is the relation field's type, `Usr` on line 22 (0-based 21).
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.character], [21, 11, 14]);
    assert.match(text, /\n {2}editor {3}User\? {4}@relation\("edited", fields: \[editorId\], references: \[id\]\)\n/);
  });

  it('resolves SQL REFERENCES against the Prisma models and fixes a misspelt table', async () => {
    client = await LspClient.start({ fixture: 'prisma' });
    const { diagnostic, text } = await fixUnknownTable(AUDIT, 'sql');
    assert.match(diagnostic.message, /`post` is not a table; did you mean `posts` \(prisma\/schema\.prisma:\d+\)\?/);
    // The range is the whole target, `post (id)`, on line 4 (0-based 3).
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.character], [3, 38, 47]);
    assert.match(text, /post_id integer NOT NULL REFERENCES posts \(id\),/);
    // `actor_id uuid REFERENCES users (id)` resolves against the Prisma model mapped to `users`: nothing else is said.
    assert.deepEqual(client.diagnostics.get(client.uri(AUDIT))!.diagnostics, []);
  });
});
