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

  it('renames the constant a reference spells the table with, where the table itself is written as a literal', async () => {
    // R12-21: the literal `__tablename__` and the literal key were renamed, the constant of the f-string was not,
    // and the key it spells pointed at a table that no longer existed.
    const BARN = 'app/barn.py';
    const p = at(BARN, '"stables.id"', 2);
    const edit = await rename(BARN, p, 'paddocks');
    const files = apply(edit);
    assert.deepEqual([...files.keys()], [BARN]);
    const barn = files.get(BARN)!;
    assert.match(barn, /^STABLES = "paddocks"$/m);
    assert.match(barn, /__tablename__ = "paddocks"\n/);
    assert.match(barn, /ForeignKey\("paddocks\.id"\)/);
    assert.match(barn, /ForeignKey\(f"\{STABLES\}\.id"\)/);
    assert.doesNotMatch(barn, /stables/);
    assert.match(note(edit)?.description ?? '', /the constant `STABLES` \(app\/barn\.py:5\) is edited: every use of it follows/);
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
    // The mixin's attribute keeps its name (code FK Guard cannot see may use it); the column gets the new one.
    assert.match(files.get(CLUB)!, /class Audited:\n {4}created_by = Column\("issued_by", Integer, unique=True\)/);
    assert.match(files.get(CLUB)!, /ForeignKey\("invoices\.issued_by"\)/);
    assert.match(files.get(SQL)!, /REFERENCES receipts \(issued_by\)/);
    assert.match(note(edit)?.description ?? '', /also renamed in `receipts`, which shares its definition/);
    // Started from the mixin's own column, the same edits.
    const fromMixin = apply(await rename(CLUB, at(CLUB, 'created_by = Column', 1), 'issued_by'));
    assert.deepEqual([...fromMixin.keys()].sort(), ['app/club.py', 'sql/schema.sql']);
    assert.equal(fromMixin.get(CLUB), files.get(CLUB));
  });

  it("renames a Prisma field's column name in its @map, not the field", async () => {
    const files = apply(await rename(SQL, at(SQL, 'books (author_id)', 'books ('.length + 1), 'writer_id'));
    assert.deepEqual([...files.keys()].sort(), [PRISMA, SQL]);
    assert.match(files.get(PRISMA)!, /authorId Int @unique @map\("writer_id"\)/);
    assert.match(files.get(SQL)!, /REFERENCES books \(writer_id\)/);
  });

  it('refuses to rename a table through a constant that a migration reads, since that would rewrite history', async () => {
    const p = at('app/shop.py', '"accounts.id"', 2);
    // Editing `ACCOUNTS` would change what `op.create_table(ACCOUNTS, ...)` made, a step that already ran.
    const why = /the constant `ACCOUNTS` \(app\/keys\.py:1\) is read by the migration migrations\/versions\/0001_accounts\.py, which is history/;
    await assert.rejects(prepare('app/shop.py', p), why);
    await assert.rejects(rename('app/shop.py', p, 'clients'), why);
  });

  it('refuses a new name that is not an identifier (or is a keyword) of the language where it edits code', async () => {
    const p = at('app/audit.py', 'Column("level"', 'Column("'.length + 1);
    // `audit_logs.c.level` is Python code: `audit_logs.c.class` would not parse, `audit_logs.c.e$mail` neither.
    await assert.rejects(rename('app/audit.py', p, 'class'), /`class` cannot be written at app\/audit\.py:\d+ \(`audit_logs\.c\.level`\): it is a Python keyword/);
    await assert.rejects(rename('app/audit.py', p, 'e$mail'), /`e\$mail` cannot be written at app\/audit\.py:\d+ \(`audit_logs\.c\.level`\): it is not a Python identifier/);
    const files = apply(await rename('app/audit.py', p, 'severity'));
    assert.match(files.get('app/audit.py')!, /Column\("severity", Integer, unique=True\)/);
    assert.match(files.get('app/audit.py')!, /ForeignKey\(audit_logs\.c\.severity\)/);
  });

  it('accepts any database name inside strings, but not one that breaks the string or the SQL', async () => {
    const p = at('app/shop.py', '"baskets"', 2);
    const files = apply(await rename('app/shop.py', p, 'basket-items'));
    assert.match(files.get('app/shop.py')!, /__tablename__ = "basket-items"\n/);
    await assert.rejects(rename('app/shop.py', p, 'bas"kets'), /`bas"kets` cannot be written at app\/shop\.py:\d+: a quote, backslash, dot, brace or white space would change the string/);
    await assert.rejects(rename('app/shop.py', p, ' '), /the new name is empty/);
    await assert.rejects(rename(SQL, at(SQL, 'TABLE loans', 'TABLE '.length + 1), 'select'), /`select` cannot be written at sql\/schema\.sql:1: it is an SQL reserved word/);
    await assert.rejects(rename(SQL, at(SQL, 'TABLE loans', 'TABLE '.length + 1), 'loan-items'), /`loan-items` cannot be written at sql\/schema\.sql:1: it is not a plain SQL name/);
  });

  it('refuses a new name that already exists, rather than merging two tables or two columns', async () => {
    await assert.rejects(rename('app/shop.py', at('app/shop.py', '"baskets"', 2), 'posts'), /`posts` already exists \(defined at app\/club\.py:\d+\)/);
    await assert.rejects(rename('app/shop.py', at('app/shop.py', 'account_id = Column', 1), 'id'), /`baskets\.id` already exists \(defined at app\/shop\.py:17\)/);
  });

  it('renames a column whose attribute is its name by naming the column, keeping the attribute, and lists the migration', async () => {
    const shop = 'app/shop.py';
    const edit = await rename(shop, at(shop, 'email = Column', 1), 'contact');
    const files = apply(edit);
    assert.deepEqual([...files.keys()], [shop]);
    const text = files.get(shop)!;
    assert.match(text, /\n {4}email = Column\("contact", String\(50\), unique=True\)\n/);
    // Uses of the attribute, seen or not, keep working: `Account.email` is still the attribute.
    assert.match(text, /ForeignKey\(Account\.email\)\)/);
    assert.match(text, /filter\(Account\.email == e\)/);
    assert.equal(text.length, disk(shop).length + '"contact", '.length);
    // The database still has `email`: the preview names the migration that made it, and asks for a look.
    assert.match(note(edit)?.description ?? '', /1 place in migrations left as they are \(history already ran; write a migration that renames it\): migrations\/versions\/0001_accounts\.py:14/);
    assert.equal(note(edit)?.needsConfirmation, true);
  });

  it("refuses a column rename that would leave the old name written elsewhere in the column's definition", async () => {
    // `UniqueConstraint("code")` names the column by its old name: renaming `Column("code")` alone breaks the table.
    const ledger = 'app/ledger.py';
    await assert.rejects(
      rename(ledger, at(ledger, 'Column("code"', 'Column("'.length + 1), 'voucher_code'),
      /`"code"` is also written at app\/ledger\.py:8 \(`__table_args__ = \(UniqueConstraint\("code"\),\)`\), which FK Guard does not read as this column/,
    );
    // A Sequelize index over the field, in the model's options.
    const wallet = 'src/wallet.ts';
    await assert.rejects(
      rename(wallet, at(wallet, "field: 'owner_ref'", "field: '".length + 1), 'holder_ref'),
      /`'owner_ref'` is also written at src\/wallet\.ts:11 \(`\{ sequelize, tableName: 'wallets', indexes: \[\{ unique: true, fields: \['owner_ref'\] \}\] \},`\)/,
    );
    // A SQL table's own constraint over the column, in the same CREATE TABLE.
    await assert.rejects(
      rename(SQL, at(SQL, 'code varchar', 1), 'shelf_code'),
      /`code` is also named at sql\/schema\.sql:11 \(`UNIQUE \(code\)`\), a constraint of the table FK Guard does not rename/,
    );
    // A later statement of the file on the table: its unique index.
    await assert.rejects(
      rename(SQL, at(SQL, 'code text NOT NULL', 1), 'handle'),
      /`code` is also named at sql\/schema\.sql:18 \(`CREATE UNIQUE INDEX racks_code_key ON racks \(code\);`\), a statement on the table FK Guard does not rename/,
    );
    // The old name inside a string literal or a comment's text is not a name: the rename goes ahead.
    const bins = apply(await rename(SQL, at(SQL, 'slot text', 1), 'bin_slot')).get(SQL)!;
    assert.match(bins, /\n {2}kind text CHECK \(kind IN \('slot', 'other'\)\),\n {2}bin_slot text\n\);\nCOMMENT ON COLUMN bins\.kind IS 'slot or other';\n/);
  });

  it("renames a TypeORM column a base class declares with every subclass's @JoinColumn that keeps a relation's key in it", async () => {
    // `jars` and `crates` take `keeper_ref` from the abstract `Kept`, and each keeps its relation's foreign key in
    // it with `@JoinColumn({ name: 'keeper_ref' })`. Renaming one JoinColumn alone would give that entity a second
    // column (TypeORM makes the JoinColumn's) and leave the base's `@Column` and the other entity behind.
    const owned = 'src/owned.ts';
    // Jar's JoinColumn line has a character outside the BMP before the name: the edits are in UTF-16 columns.
    const fromJar = apply(await rename(owned, at(owned, "🫙', name: 'keeper_ref' })", "🫙', name: '".length + 1), 'holder_ref'));
    assert.deepEqual([...fromJar.keys()], [owned]);
    const text = fromJar.get(owned)!;
    assert.match(text, /@Column\(\{ name: 'holder_ref' \}\)\n {2}keeperRef: number;/);
    assert.match(text, /@JoinColumn\(\{ foreignKeyConstraintName: 'fk_jar_🫙', name: 'holder_ref' \}\)\n {2}keeper: Keeper;/u);
    assert.match(text, /@JoinColumn\(\{ name: 'holder_ref', referencedColumnName: 'id' \}\)/);
    assert.doesNotMatch(text, /keeper_ref/);
    // Started from the other subclass, the same three places.
    const edit = await rename(owned, at(owned, "name: 'keeper_ref', referencedColumnName", "name: '".length + 1), 'holder_ref');
    assert.equal(apply(edit).get(owned), text);
    assert.match(note(edit)?.description ?? '', /also renamed in `jars`/);
    // Started from the base's own `@Column`, which no table of its own holds: the same three places.
    const base = at(owned, "@Column({ name: 'keeper_ref' })", "@Column({ name: '".length + 1);
    assert.deepEqual(((await prepare(owned, base)) as { placeholder: string }).placeholder, 'keeper_ref');
    assert.equal(apply(await rename(owned, base, 'holder_ref')).get(owned), text);
  });

  it("renames a Sequelize column with the `field` of every association that keeps its foreign key in it, in any file", async () => {
    const parcel = 'src/parcel.ts';
    const assoc = 'src/associations.ts';
    // Declared in another file that imports the model: a `hasMany` from the other side (after text outside the BMP
    // on its line, so the edit is in UTF-16 columns) and a `belongsTo`; and in
    // the other model's `static associate(models)`, which names it `models.Parcel` without importing it.
    const sender = apply(await rename(parcel, at(parcel, "field: 'sender_ref'", "field: '".length + 1), 'shipper_ref'));
    assert.deepEqual([...sender.keys()].sort(), [assoc, parcel, 'src/sender.ts']);
    assert.equal(sender.get('src/sender.ts'), disk('src/sender.ts').replace("field: 'sender_ref'", "field: 'shipper_ref'"));
    assert.match(sender.get(parcel)!, /senderId: \{ type: DataTypes\.INTEGER, field: 'shipper_ref' \},/);
    assert.equal(
      sender.get(assoc),
      disk(assoc).replace("field: 'sender_ref', allowNull", "field: 'shipper_ref', allowNull").replace("field: 'sender_ref' }", "field: 'shipper_ref' }"),
    );
    // After the `sequelize.define(...)` call, in its own file.
    const courier = apply(await rename(parcel, at(parcel, "field: 'courier_ref'", "field: '".length + 1), 'carrier_ref')).get(parcel)!;
    assert.equal(courier, disk(parcel).replace("field: 'courier_ref' }", "field: 'carrier_ref' }").replace("field: 'courier_ref' } }", "field: 'carrier_ref' } }"));
    assert.doesNotMatch(courier, /courier_ref/);
    // In the model's `static associate(models)`: `this`, and the registry's `models.Stamp`.
    const stamp = 'src/stamp.ts';
    const stamps = apply(await rename(stamp, at(stamp, "INTEGER, field: 'stamp_sender'", "INTEGER, field: '".length + 1), 'stamp_from')).get(stamp)!;
    assert.equal(stamps, disk(stamp).replace(/stamp_sender/g, 'stamp_from'));
    // `foreignKey: 'picker_ref'` names an attribute (Sequelize would make a second one): refused, saying where.
    await assert.rejects(
      prepare(parcel, at(parcel, "field: 'picker_ref'", "field: '".length + 1)),
      /the association at src\/parcel\.ts:19 \(`Parcel\.belongsTo\(Sender, \{ as: 'picker', foreignKey: 'picker_ref' \}\);`\) names `picker_ref` as the attribute of its foreign key/,
    );
  });

  it('renames a table in the SQL statements on it in every SQL file that is not history, and refuses a column they name', async () => {
    const indexes = 'sql/indexes.sql';
    const migration = 'migrations/sql/0002_loans_index.sql';
    // `loans` is named by an index and a comment in another file: left as they were, the index would be on a table
    // that no longer exists. The SQL migration that indexed it already ran: history, not edited.
    const loans = apply(await rename(SQL, at(SQL, 'TABLE loans', 'TABLE '.length + 1), 'lendings'));
    assert.deepEqual([...loans.keys()].sort(), [indexes, SQL]);
    assert.match(loans.get(SQL)!, /^CREATE TABLE lendings \(\n/);
    assert.equal(loans.get(indexes), disk(indexes).replace('ON loans (reader_id)', 'ON lendings (reader_id)').replace('COMMENT ON TABLE loans', 'COMMENT ON TABLE lendings'));
    assert.match(disk(migration), /ON loans \(book_author\)/);
    // In the table's own file: its unique index and a comment on one of its columns.
    const racks = apply(await rename(SQL, at(SQL, 'TABLE racks', 'TABLE '.length + 1), 'shelving')).get(SQL)!;
    assert.match(racks, /\nCREATE TABLE shelving \(\n {2}id integer PRIMARY KEY,\n {2}code text NOT NULL\n\);\nCREATE UNIQUE INDEX racks_code_key ON shelving \(code\);\nCOMMENT ON COLUMN shelving\.id IS 'the code';\n/);
    // A column an index of another file names (also written `public.racks`): refused, saying where.
    await assert.rejects(
      rename(SQL, at(SQL, 'reader_id integer', 1), 'borrower_id'),
      /`reader_id` is also named at sql\/indexes\.sql:2 \(`CREATE INDEX loans_reader_idx ON loans \(reader_id\);`\), a statement on the table FK Guard does not rename/,
    );
    await assert.rejects(rename(SQL, at(SQL, 'TABLE racks (\n  id', 'TABLE racks (\n  '.length + 1), 'rack_id'), /`id` is also named at sql\/indexes\.sql:4 \(`CREATE INDEX racks_id_idx ON public\.racks \(id\);`\)/);
  });

  it('refuses a rename that would leave the old name in a SQL statement FK Guard does not rewrite (a view, a grant)', async () => {
    const stalls = 'sql/stalls.sql';
    // Renamed, `CREATE VIEW stall_codes AS SELECT code FROM stalls` would no longer run.
    await assert.rejects(
      prepare(stalls, at(stalls, 'TABLE stalls', 'TABLE '.length + 1)),
      /`stalls` is also named at sql\/stalls\.sql:5 \(`CREATE VIEW stall_codes AS SELECT code FROM stalls;`\), in a statement FK Guard does not rewrite/,
    );
    await assert.rejects(
      prepare(stalls, at(stalls, 'code text', 1)),
      /`code` is also named at sql\/stalls\.sql:5 \(`CREATE VIEW stall_codes AS SELECT code FROM stalls;`\), in a statement FK Guard does not rewrite/,
    );
    // A column no such statement names is renamed.
    assert.match(apply(await rename(stalls, at(stalls, 'id integer', 1), 'stall_id')).get(stalls)!, /^CREATE TABLE stalls \(\n {2}stall_id integer PRIMARY KEY,/);
  });

  it("refuses before the rename box opens a table TypeORM's join table is named after, when references name that join table", async () => {
    // R13-24: TypeORM would rename orchards_saplings_saplings ("orchardsId") with `orchards`; sql/plantings.sql names it.
    const orchard = 'src/orchard.ts';
    await assert.rejects(prepare(orchard, at(orchard, "'orchards'", 1)), /`orchards_saplings_saplings` \(the join table of `Orchard#saplings`, src\/orchard\.ts\) is named by the ORM after `orchards`, and 2 references name it/);
    await assert.rejects(prepare(orchard, at(orchard, "'saplings'", 1)), /named by the ORM after `saplings`/);
  });

  it("renames a table in SQLAlchemy's `secondary=` strings, and refuses one a relationship's string expression names", async () => {
    // R14-8: SQLAlchemy evaluates these strings against the metadata's tables when the mappers configure; a name
    // left behind fails there ("expression 'shepherd_flocks' failed to locate a name").
    const flock = 'app/flock.py';
    const after = apply(await rename(flock, at(flock, '"shepherd_flocks",', 1), 'flock_keepers')).get(flock)!;
    assert.equal((after.match(/flock_keepers/g) ?? []).length, 3, after);
    assert.match(after, /secondary="flock_keepers", back_populates="shepherds"/);
    assert.match(after, /secondary='flock_keepers',/);
    assert.match(after, /# relationship\("Flock", secondary="shepherd_flocks"\) in a comment is not code\./);
    // `shepherds.c.badge` in a primaryjoin string: the table and that column are refused, saying where.
    await assert.rejects(
      prepare(flock, at(flock, '"shepherds.id"', 2)),
      /`shepherds` is also named at app\/flock\.py:20 \(`logs = relationship\("Log", primaryjoin="shepherds\.c\.badge == Log\.shepherd_badge", viewonly=True\)`\), in a relationship's `primaryjoin` string/,
    );
    await assert.rejects(prepare(flock, at(flock, 'badge = Column', 1)), /`badge` is also named at app\/flock\.py:20 .* in a relationship's `primaryjoin` string/);
    // A column the strings do not name as `table.c.column` is renamed (`Shepherd.id` is the class's attribute).
    assert.match(apply(await rename(flock, at(flock, '"flocks.id"', 8), 'flock_no')).get(flock)!, /id = Column\("flock_no", Integer, primary_key=True\)/);
  });

  it('refuses before the rename box opens a table name derived from a class name, saying how it is derived', async () => {
    await assert.rejects(prepare(CLUB, at(CLUB, '"tag.id"', 2)), /the table name `tag` at app\/club\.py:\d+ is not written out: the `@declared_attr __tablename__` of `Conventional` derives it from the class name `Tag`/);
    await assert.rejects(prepare(SQL, at(SQL, '"Reader"', 2)), /the table name `Reader` at prisma\/schema\.prisma:\d+ is not written out: it is the name of the Prisma model `Reader` \(no `@@map`\)/);
    // The same refusal from the rename itself, for a client that skips prepareRename.
    await assert.rejects(rename(CLUB, at(CLUB, '"tag.id"', 2), 'labels'), /derives it from the class name `Tag`/);
  });
});
