// Rename through the real server over stdio, on the names FK Guard can see completely although they are not
// written as one literal (a module constant, a mixin's column, a Prisma `@map`), and on the names it cannot (a
// table name derived from a class name, a Prisma model without `@@map`), which are refused with the reason
// before the rename box opens (test/fixtures/lsp/rename).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Position, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from './harness';

const CLUB = 'app/club.py';
const SQL = 'sql/schema.sql';
const PRISMA = 'prisma/schema.prisma';

describe('rename: constants, mixins, Prisma @map, and names derived from classes', function () {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start({ fixture: 'rename' });
    await client.ready();
  });

  after(async () => {
    await client?.stop();
  });

  const disk = (rel: string) => readFileSync(client.path(rel), 'utf8');
  const at = (rel: string, needle: string, into = 0): Position => {
    const text = disk(rel);
    const i = text.indexOf(needle);
    if (i < 0) throw new Error(`${needle} not in ${rel}`);
    return TextDocument.create('x', 'text', 0, text).positionAt(i + into);
  };
  const prepare = (rel: string, p: Position) => client.connection.sendRequest('textDocument/prepareRename', { textDocument: { uri: client.uri(rel) }, position: p });
  const rename = async (rel: string, p: Position, newName: string) =>
    (await client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(rel) }, position: p, newName })) as WorkspaceEdit;
  /** Each edited file's text after the edit, by its path in the fixture. */
  const apply = (edit: WorkspaceEdit): Map<string, string> => {
    const out = new Map<string, string>();
    for (const change of edit.documentChanges as TextDocumentEdit[]) {
      const rel = decodeURIComponent(change.textDocument.uri.slice(client.rootUri.length + 1));
      out.set(rel, TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'text', 0, disk(rel)), change.edits as TextEdit[]));
    }
    return out;
  };
  const note = (edit: WorkspaceEdit) => Object.values(edit.changeAnnotations ?? {})[0];

  it('renames a table named by a module constant where the constant is defined, so every use follows', async () => {
    const p = at(CLUB, '"members.id"', 2);
    const ok = (await prepare(CLUB, p)) as { placeholder: string };
    assert.equal(ok.placeholder, 'members');
    const edit = await rename(CLUB, p, 'clubbers');
    const files = apply(edit);
    assert.deepEqual([...files.keys()].sort(), ['app/club.py', 'app/names.py']);
    assert.equal(files.get('app/names.py'), 'MEMBERS = "clubbers"\nAUDIT_LOGS = "audit_logs"\n');
    const club = files.get(CLUB)!;
    assert.match(club, /ForeignKey\("clubbers\.id"\)/);
    // The class's `__tablename__` and the f-string use the constant: they follow it unedited.
    assert.match(club, /__tablename__ = MEMBERS\n/);
    assert.match(club, /ForeignKey\(f"\{MEMBERS\}\.id"\)/);
    assert.equal(club.split('\n').length, disk(CLUB).split('\n').length);
    assert.match(note(edit)?.description ?? '', /the constant `MEMBERS` \(app\/names\.py:1\) is edited: every use of it follows/);
    assert.equal(note(edit)?.needsConfirmation, true);
  });

  it('renames a Core Table named by an imported constant where the constant is defined', async () => {
    const files = apply(await rename('app/audit.py', at('app/audit.py', '"audit_logs.id"', 2), 'journal'));
    assert.deepEqual([...files.keys()].sort(), ['app/audit.py', 'app/names.py']);
    assert.match(files.get('app/names.py')!, /\nAUDIT_LOGS = "journal"\n/);
    assert.match(files.get('app/audit.py')!, /Table\(\n {4}AUDIT_LOGS,/);
    assert.match(files.get('app/audit.py')!, /ForeignKey\("journal\.id"\)/);
  });

  it('renames a column shared through a mixin in every table that has it, with all their references', async () => {
    const edit = await rename(CLUB, at(CLUB, '"invoices.created_by"', 'invoices.'.length + 2), 'issued_by');
    const files = apply(edit);
    assert.deepEqual([...files.keys()].sort(), ['app/club.py', 'sql/schema.sql']);
    assert.match(files.get(CLUB)!, /class Audited:\n {4}issued_by = Column\(Integer, unique=True\)/);
    assert.match(files.get(CLUB)!, /ForeignKey\("invoices\.issued_by"\)/);
    assert.match(files.get(SQL)!, /REFERENCES receipts \(issued_by\)/);
    assert.match(note(edit)?.description ?? '', /also renamed in `receipts`, which shares its definition/);
  });

  it("renames a Prisma field's column name in its @map, not the field", async () => {
    const files = apply(await rename(SQL, at(SQL, 'books (author_id)', 'books ('.length + 1), 'writer_id'));
    assert.deepEqual([...files.keys()].sort(), [PRISMA, SQL]);
    assert.match(files.get(PRISMA)!, /authorId Int @unique @map\("writer_id"\)/);
    assert.match(files.get(SQL)!, /REFERENCES books \(writer_id\)/);
  });

  it('refuses before the rename box opens a table name derived from a class name, saying how it is derived', async () => {
    await assert.rejects(prepare(CLUB, at(CLUB, '"tag.id"', 2)), /the table name `tag` at app\/club\.py:\d+ is not written out: the `@declared_attr __tablename__` of `Conventional` derives it from the class name `Tag`/);
    await assert.rejects(prepare(SQL, at(SQL, '"Reader"', 2)), /the table name `Reader` at prisma\/schema\.prisma:\d+ is not written out: it is the name of the Prisma model `Reader` \(no `@@map`\)/);
    // The same refusal from the rename itself, for a client that skips prepareRename.
    await assert.rejects(rename(CLUB, at(CLUB, '"tag.id"', 2), 'labels'), /derives it from the class name `Tag`/);
  });
});
