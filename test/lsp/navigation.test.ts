// Navigation through the real server over stdio: hover, definition, references, completion, rename and code
// lenses on every reference form, across Python (SQLAlchemy, Alembic), TypeScript (Knex, TypeORM, Drizzle,
// Sequelize), Prisma and SQL in one workspace (test/fixtures/lsp/navigation).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CodeLens,
  CompletionItem,
  CompletionList,
  Hover,
  MarkupContent,
  Location,
  Position,
  Range,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from './harness';

const MODELS = 'app/models.py';

describe('navigation', function () {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start({ fixture: 'navigation' });
    await client.ready();
  });

  after(async () => {
    await client?.stop();
  });

  /** A document of a fixture file as it is on disk (or as the test changed it). */
  const docOf = (rel: string): TextDocument => {
    try {
      return client.doc(rel);
    } catch {
      return TextDocument.create(client.uri(rel), 'text', 0, readFileSync(client.path(rel), 'utf8'));
    }
  };

  /** The position of the `nth` occurrence of `needle` in `rel`, moved `into` UTF-16 units into it. */
  const at = (rel: string, needle: string, into = 0, nth = 0): Position => {
    const text = docOf(rel).getText();
    let i = -1;
    for (let k = 0; k <= nth; k++) {
      i = text.indexOf(needle, i + 1);
      if (i < 0) throw new Error(`${needle} (#${nth}) not in ${rel}`);
    }
    return docOf(rel).positionAt(i + into);
  };

  /** The range of `needle` (its `nth` occurrence) in `rel`. */
  const rangeOf = (rel: string, needle: string, nth = 0): Range => {
    const start = at(rel, needle, 0, nth);
    return { start, end: { line: start.line, character: start.character + needle.length } };
  };

  const request = <R>(method: string, rel: string, position: Position, extra: object = {}) =>
    client.connection.sendRequest(method, { textDocument: { uri: client.uri(rel) }, position, ...extra }) as Promise<R>;

  const hover = (rel: string, p: Position) => request<Hover | null>('textDocument/hover', rel, p);
  const definition = (rel: string, p: Position) => request<Location[] | null>('textDocument/definition', rel, p);
  const references = (rel: string, p: Position, includeDeclaration = false) =>
    request<Location[] | null>('textDocument/references', rel, p, { context: { includeDeclaration } });
  const completion = async (rel: string, p: Position): Promise<CompletionItem[]> => {
    const r = await request<CompletionItem[] | CompletionList | null>('textDocument/completion', rel, p);
    return Array.isArray(r) ? r : (r?.items ?? []);
  };
  const text = (h: Hover | null) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');
  const where = (locations: Location[] | null) =>
    (locations ?? []).map((l) => `${decodeURIComponent(l.uri.slice(client.rootUri.length + 1))}:${l.range.start.line + 1}:${l.range.start.character}`).sort();
  /** `rel:line:character` (1-based line, UTF-16 character) of `needle` in `rel`, moved `into` it. */
  const loc = (rel: string, needle: string, into = 0, nth = 0) => {
    const p = at(rel, needle, into, nth);
    return `${rel}:${p.line + 1}:${p.character}`;
  };

  // ---- hover ----

  it('hovers the table part of a Python ForeignKey string after text outside the BMP (UTF-16 columns)', async () => {
    const p = at(MODELS, '"users.id"', 3);
    const h = await hover(MODELS, p);
    // The line holds `bü😀yer` before the reference: the range is in UTF-16 units, as LSP counts.
    assert.deepEqual(h?.range, { start: at(MODELS, '"users.id"', 1), end: at(MODELS, '"users.id"', 6) });
    assert.ok(h!.range!.start.character > Buffer.byteLength('    buyer_id = Column("bü😀yer", Integer, ForeignKey(', 'utf16le') / 2 - 1);
    const md = text(h);
    assert.match(md, /\*\*table `users`\*\*/);
    assert.match(md, /\| `id` \| `Integer` \| PK \|/);
    assert.match(md, /\| `email` \| `String\(255\)` \| unique \| not null \|/);
    assert.match(md, /referenced by \d+ foreign keys/);
    assert.match(md, /Defined in \[app\/models\.py:8\]\(file:.*models\.py#L8\)/);
  });

  it('hovers the column part with its type and the foreign keys that use it', async () => {
    const h = await hover(MODELS, at(MODELS, '"users.id"', 7));
    const md = text(h);
    assert.match(md, /\*\*column `users\.id`\*\* · `Integer · PK`/);
    assert.match(md, /`orders\.bü😀yer` in \[app\/models\.py:19\]/);
    assert.match(md, /`orders\.seller_id` in \[app\/models\.py:20\]/);
    // History uses it too: the migrations' keys are foreign keys to it.
    assert.match(md, /`orders\.buyer_id` in \[migrations\/versions\/0002_nickname\.py:15\]/);
    assert.match(md, /`tasks\.owner_id` in \[src\/sequelize\/task\.ts:9\]/);
    assert.match(md, /Used by 6 foreign keys/);
    assert.match(md, /Defined in \[app\/models\.py:10\]/);
  });

  it('hovers a Prisma relation, a SQL REFERENCES and a Drizzle reference', async () => {
    const prisma = 'prisma/schema.prisma';
    const md = text(await hover(prisma, at(prisma, 'references: [id]', 'references: ['.length)));
    assert.match(md, /\*\*column `authors\.id`\*\* · `Int · PK`/);
    const sql = 'sql/schema.sql';
    const table = text(await hover(sql, at(sql, 'authors (id)', 2)));
    assert.match(table, /\*\*table `authors`\*\*/);
    assert.match(table, /\| `email` \| `String` \| unique \|/);
    const drizzle = 'src/drizzle/schema.ts';
    assert.match(text(await hover(drizzle, at(drizzle, 'accounts.id', 'accounts.'.length))), /\*\*column `accounts\.id`\*\* · `serial\('id'\)/);
  });

  it('hovers Knex, TypeORM and Sequelize references', async () => {
    const knex = 'db/knex/20240101000000_comments.ts';
    assert.match(text(await hover(knex, at(knex, "references('orders.id')", 13))), /\*\*table `orders`\*\* \(at this point of migration history\)/);
    const typeorm = 'src/typeorm/entities.ts';
    const slug = text(await hover(typeorm, at(typeorm, "referencedColumnName: 'slug'", 24)));
    assert.match(slug, /\*\*column `teams\.slug`\*\* · `string · unique`/);
    assert.match(slug, /`members\.team_slug` in \[src\/typeorm\/entities\.ts:21\]/);
    const seq = 'src/sequelize/task.ts';
    assert.match(text(await hover(seq, at(seq, "key: 'id'", 6))), /\*\*column `users\.id`\*\* · `Integer · PK`/);
  });

  it('says why a reference it cannot resolve leads nowhere', async () => {
    const ledger = 'app/ledger.py';
    const md = text(await hover(ledger, at(ledger, 'ledgers.id', 2)));
    assert.match(md, /not resolved: `ledgers` may be the table of `Ledger`, named by `Named\.__tablename__`/);
  });

  // ---- definition ----

  it('goes from each part of a reference to its definition, in every language', async () => {
    // Python string: table part → `__tablename__`, column part → the column.
    assert.deepEqual(where(await definition(MODELS, at(MODELS, '"users.id"', 2))), [loc(MODELS, '"users"', 1)]);
    assert.deepEqual(where(await definition(MODELS, at(MODELS, '"users.id"', 7))), [loc(MODELS, 'id = Column')]);
    // Python attribute `User.id`: the attribute is the column.
    assert.deepEqual(where(await definition(MODELS, at(MODELS, 'User.id', 6))), [loc(MODELS, 'id = Column')]);
    // TypeORM referencedColumnName names the property.
    const typeorm = 'src/typeorm/entities.ts';
    assert.deepEqual(where(await definition(typeorm, at(typeorm, "referencedColumnName: 'slug'", 24))), [loc(typeorm, 'slug: string')]);
    // Drizzle `() => accounts.id`: the column's name in `serial('id')`.
    const drizzle = 'src/drizzle/schema.ts';
    assert.deepEqual(where(await definition(drizzle, at(drizzle, 'accounts.id', 10))), [loc(drizzle, "serial('id')", 8)]);
    // Sequelize `model: 'users'` → every definition of `users` that is not history (here the model only).
    const seq = 'src/sequelize/task.ts';
    assert.deepEqual(where(await definition(seq, at(seq, "model: 'users'", 9))), [loc(MODELS, '"users"', 1)]);
    // SQL → Prisma, across languages: `REFERENCES authors (id)` → `id Int @id` of the `authors` model.
    const sql = 'sql/schema.sql';
    assert.deepEqual(where(await definition(sql, at(sql, 'authors (id)', 10))), [loc('prisma/schema.prisma', 'id    Int')]);
    // Prisma relation's model (the field's type) → the model's table name.
    const prisma = 'prisma/schema.prisma';
    assert.deepEqual(where(await definition(prisma, at(prisma, 'Author @relation', 1))), [loc(prisma, '@@map("authors")', 7)]);
  });

  it('in a migration, goes to the definition at that point of history', async () => {
    const m1 = 'migrations/versions/0001_initial.py';
    // `op.create_foreign_key(..., "users", ...)`: the `create_table("users")` just above, not the model.
    assert.deepEqual(where(await definition(m1, at(m1, '"users", ["seller_id"]', 1))), [loc(m1, '"users",', 1)]);
    const m2 = 'migrations/versions/0002_nickname.py';
    // `sa.ForeignKey("users.id")` in 0002: the `id` column as 0001 made it.
    assert.deepEqual(where(await definition(m2, at(m2, '"users.id"', 7))), [loc(m1, 'sa.Column("id"', 11)]);
    // Knex: `.inTable('users')` in a Knex migration.
    const knex = 'db/knex/20240101000000_comments.ts';
    // `.inTable('users')` in a Knex migration: the `users` that migration history holds at that point (made by
    // the Alembic revision FK Guard replays), not the model.
    assert.deepEqual(where(await definition(knex, at(knex, "inTable('users')", 10))), [loc('migrations/versions/0001_initial.py', '"users",', 1)]);
    assert.deepEqual(where(await definition(knex, at(knex, "references('orders.id')", 20))), [loc('migrations/versions/0001_initial.py', 'sa.Column("id"', 11, 1)]);
  });

  // ---- references ----

  it('finds every foreign key to a table from its definition, in every language, history included', async () => {
    const found = where(await references(MODELS, at(MODELS, '"users"', 2)));
    assert.deepEqual(found, [
      loc(MODELS, '"users.id"', 1),
      loc(MODELS, 'User.id'),
      loc('db/knex/20240101000000_comments.ts', "inTable('users')", 9),
      loc('migrations/versions/0001_initial.py', '"users", ["seller_id"]', 1),
      loc('migrations/versions/0002_nickname.py', '"users.id"', 1),
      loc('sql/schema.sql', 'users (email)'),
      loc('src/sequelize/task.ts', "model: 'users'", 8),
    ].sort());
  });

  it('finds the foreign keys to a column from a reference, with the definition when asked', async () => {
    const sql = 'sql/schema.sql';
    const found = where(await references(sql, at(sql, 'authors (id)', 10), true));
    const prisma = 'prisma/schema.prisma';
    assert.deepEqual(found, [loc(prisma, 'id    Int'), loc(prisma, 'references: [id]', 13), loc(sql, 'authors (id)', 9)].sort());
    // From a Prisma model's name to every foreign key to its table.
    const fromModel = where(await references(prisma, at(prisma, 'model Author', 7)));
    assert.deepEqual(fromModel, [loc(prisma, 'Author @relation'), loc(sql, 'authors (id)')].sort());
  });

  it('finds the foreign keys to a table from a Drizzle pgTable, a TypeORM @Entity and a Knex createTable', async () => {
    const lines = (locations: Location[] | null) => where(locations).map((w) => w.split(':').slice(0, 2).join(':'));
    const drizzle = 'src/drizzle/schema.ts';
    assert.deepEqual(lines(await references(drizzle, at(drizzle, "pgTable('accounts'", 10))), [`${drizzle}:10`]);
    const typeorm = 'src/typeorm/entities.ts';
    assert.deepEqual(lines(await references(typeorm, at(typeorm, "@Entity('teams')", 10))), [`${typeorm}:21`]);
    const knex = 'db/knex/20240101000000_comments.ts';
    assert.deepEqual(lines(await references(knex, at(knex, "createTable('comments'", 14))), ['sql/schema.sql:5']);
  });

  it('finds the foreign keys to a table and its columns from a SQL CREATE TABLE, across languages, in UTF-16 columns', async () => {
    const sql = 'sql/schema.sql';
    const seq = 'src/sequelize/task.ts';
    // `"étiqueté😀" integer REFERENCES tags (id)` and `field: 'tâche_😀_tag', references: { model: 'tags' ...`: text
    // outside the BMP before each reference on its line, so a column counted in code points or bytes is off.
    assert.deepEqual(where(await references(sql, at(sql, 'TABLE tags', 7))), [loc(sql, 'tags (id)'), loc(sql, 'tags (label)'), loc(seq, "model: 'tags'", 8)].sort());
    assert.deepEqual(where(await references(sql, at(sql, 'id integer PRIMARY KEY', 0, 1))), [loc(sql, 'tags (id)', 6), loc(seq, "key: 'id'", 6, 1)].sort());
    // With the declarations: the column in both definitions of `tags`, the SQL one and the Drizzle one.
    const drizzle = 'src/drizzle/schema.ts';
    assert.deepEqual(where(await references(sql, at(sql, 'label varchar', 1), true)), [loc(sql, 'label varchar'), loc(sql, 'tags (label)', 6), loc(drizzle, "varchar('label'", "varchar('".length)].sort());
    const h = await hover(sql, at(sql, 'tags (id)', 1));
    assert.deepEqual(h?.range, { start: at(sql, 'tags (id)'), end: at(sql, 'tags (id)', 'tags'.length) });
    assert.match(text(h), /\*\*table `tags`\*\*/);
    // From a Python column's definition: the SQL reference to it.
    assert.deepEqual(where(await references(MODELS, at(MODELS, 'email = Column', 1))), [loc(sql, 'users (email)', 7)]);
  });

  it('navigates a SQLModel `foreign_key=` reference, and goes to every definition of a table defined twice', async () => {
    const vouchers = 'app/vouchers.py';
    const billing = 'app/billing.py';
    const ref = 'foreign_key="billing.invoices.id"';
    assert.deepEqual(where(await definition(vouchers, at(vouchers, ref, 'foreign_key="billing.i'.length))), [loc(billing, '"invoices"', 1)]);
    assert.deepEqual(where(await definition(vouchers, at(vouchers, ref, 'foreign_key="billing.invoices.i'.length))), [loc(billing, 'id = Column')]);
    assert.match(text(await hover(vouchers, at(vouchers, ref, 'foreign_key="billing.invoices.i'.length))), /\*\*column `billing\.invoices\.id`\*\* · `Integer · PK`/);
    // Each reference is placed at its table part, after the schema.
    assert.deepEqual(where(await references(billing, at(billing, '"invoices"', 2))), [loc(billing, '"billing.invoices.id"', '"billing.'.length), loc(vouchers, ref, 'foreign_key="billing.'.length)].sort());
    // `tags` is made by a SQL CREATE TABLE and a Drizzle pgTable: both are its definitions.
    const sql = 'sql/schema.sql';
    assert.deepEqual(where(await definition(sql, at(sql, 'tags (id)', 1))), [loc(sql, 'TABLE tags', 6), loc('src/drizzle/schema.ts', "pgTable('tags'", 9)].sort());
  });

  it('goes to and finds a Prisma relation written after text outside the BMP', async () => {
    const prisma = 'prisma/schema.prisma';
    // `book Book @relation("critique ✍️😀", fields: [bookId], references: [id])`.
    assert.deepEqual(where(await definition(prisma, at(prisma, 'references: [id]', 'references: ['.length, 1))), [loc(prisma, 'id       Int')]);
    assert.deepEqual(where(await references(prisma, at(prisma, 'id       Int'))), [loc(prisma, 'references: [id]', 'references: ['.length, 1)]);
    const h = await hover(prisma, at(prisma, 'references: [id]', 'references: ['.length, 1));
    assert.deepEqual(h?.range, { start: at(prisma, 'references: [id]', 'references: ['.length, 1), end: at(prisma, 'references: [id]', 'references: [id'.length, 1) });
  });

  // ---- completion ----

  it('completes a Python ForeignKey string: `us` offers `users.id`, then the columns after the dot, keys first', async () => {
    const text = readFileSync(client.path(MODELS), 'utf8');
    client.open(MODELS, text);
    await client.diagnosticsFor(MODELS, () => true, 1);
    client.appendAfter(MODELS, 'seller_id = Column(Integer, ForeignKey(User.id))', '\n    extra_id = Column(Integer, ForeignKey("us');
    // The appended one, not `ForeignKey("users.id")` two lines up.
    const end = at(MODELS, 'ForeignKey("us', 'ForeignKey("us'.length, 1);
    const items = await completion(MODELS, end);
    const users = items.find((i) => i.label === 'users.id');
    assert.ok(users, `users.id among ${JSON.stringify(items.map((i) => i.label))}`);
    assert.equal(users.detail, 'Integer · PK');
    assert.deepEqual((users.textEdit as TextEdit).range, { start: { line: end.line, character: end.character - 2 }, end });
    const table = items.find((i) => i.label === 'users');
    assert.match(table?.detail ?? '', /table · app\/models\.py/);
    client.change(MODELS, [{ range: { start: end, end }, newText: 'ers.' }]);
    const columns = await completion(MODELS, { line: end.line, character: end.character + 4 });
    const sorted = [...columns].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => `${i.label} ${i.detail}`);
    assert.deepEqual(sorted, ['id Integer · PK', 'email String(255) · unique', 'nickname String(40)']);
    client.close(MODELS);
  });

  it('completes Knex, Sequelize, TypeORM, Drizzle, Prisma and SQL argument positions', async () => {
    // Like an editor, the list is filtered by what is typed of the part (the server sends every candidate).
    const cases: Array<{ rel: string; line: string; after: string; expect: string[]; language: string }> = [
      { rel: 'db/knex/20240101000000_comments.ts', line: "table.integer('order_id').references('orders.id');", after: "\n    table.integer('x').references('id').inTable('ord", expect: ['orders'], language: 'typescript' },
      { rel: 'src/sequelize/task.ts', line: "ownerId: {", after: " type: DataTypes.INTEGER, references: { model: 'teams', key: '", expect: ['id', 'slug'], language: 'typescript' },
      { rel: 'src/typeorm/entities.ts', line: '  team: Team;', after: "\n\n  @ManyToOne(() => Team)\n  @JoinColumn({ referencedColumnName: '", expect: ['id', 'slug'], language: 'typescript' },
      { rel: 'src/drizzle/schema.ts', line: "userId: integer('user_id'),", after: "\n  other: integer('other').references(() => accounts.", expect: ['id', 'email'], language: 'typescript' },
      { rel: 'prisma/schema.prisma', line: 'author   Author @relation(fields: [authorId], references: [id])', after: '\n  editor   Author @relation("editor", fields: [authorId], references: [', expect: ['id', 'email'], language: 'prisma' },
      { rel: 'sql/schema.sql', line: 'author_id integer REFERENCES authors (id)', after: ',\n  x integer REFERENCES users (', expect: ['id', 'email', 'nickname'], language: 'sql' },
    ];
    for (const c of cases) {
      client.open(c.rel, readFileSync(client.path(c.rel), 'utf8'), c.language);
      client.appendAfter(c.rel, c.line, c.after);
      const doc = client.doc(c.rel);
      const offset = doc.getText().indexOf(c.after) + c.after.length;
      const items = await completion(c.rel, doc.positionAt(offset));
      const typed = /[\w]*$/.exec(c.after)![0];
      const labels = items.filter((i) => (i.filterText ?? i.label).startsWith(typed)).sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => i.label);
      assert.deepEqual(labels.slice(0, c.expect.length), c.expect, `${c.rel}: ${JSON.stringify(labels)}`);
      client.close(c.rel);
    }
  });

  it('completes half-typed names outside ASCII (Python and TypeScript identifiers, SQL names), replacing what is typed', async () => {
    // Each `after` is typed at the end of `line`; the cursor is at its end, where nothing parsed holds a reference yet.
    const cases: Array<{ rel: string; line: string; after: string; typed: string; expect: string; language: string }> = [
      { rel: MODELS, line: 'seller_id = Column(Integer, ForeignKey(User.id))', after: '\n    pupil_id = Column(Integer, ForeignKey("élè', typed: 'élè', expect: 'élèves.numéro', language: 'python' },
      { rel: MODELS, line: 'seller_id = Column(Integer, ForeignKey(User.id))', after: '\n    pupil_id = Column(Integer, ForeignKey("élèves.pré', typed: 'pré', expect: 'prénom', language: 'python' },
      { rel: 'src/drizzle/schema.ts', line: "userId: integer('user_id'),", after: "\n  pupil: integer('pupil').references(() => élèves.nu", typed: 'nu', expect: 'numéro', language: 'typescript' },
      { rel: 'src/drizzle/schema.ts', line: "userId: integer('user_id'),", after: "\n  pupil: integer('pupil').references(() => élèves.numé", typed: 'numé', expect: 'numéro', language: 'typescript' },
      { rel: 'src/sequelize/task.ts', line: 'ownerId: {', after: " type: DataTypes.INTEGER, references: { model: 'élè", typed: 'élè', expect: 'élèves', language: 'typescript' },
      { rel: 'sql/schema.sql', line: 'author_id integer REFERENCES authors (id)', after: ',\n  pupil integer REFERENCES élèves (pré', typed: 'pré', expect: 'prénom', language: 'sql' },
    ];
    for (const c of cases) {
      client.open(c.rel, readFileSync(client.path(c.rel), 'utf8'), c.language);
      client.appendAfter(c.rel, c.line, c.after);
      const doc = client.doc(c.rel);
      const end = doc.positionAt(doc.getText().indexOf(c.after) + c.after.length);
      const items = await completion(c.rel, end);
      const item = items.find((i) => i.label === c.expect);
      assert.ok(item, `${c.rel} \`${c.after.trim()}\`: ${c.expect} among ${JSON.stringify(items.map((i) => i.label))}`);
      // What is typed is replaced whole: UTF-16 columns, as many as the typed letters (all in the BMP here).
      assert.deepEqual((item.textEdit as TextEdit).range, { start: { line: end.line, character: end.character - c.typed.length }, end }, c.rel);
      client.close(c.rel);
    }
  });

  it('completes in a migration with the tables and columns history holds at that point', async () => {
    const m1 = 'migrations/versions/0001_initial.py';
    client.open(m1, readFileSync(client.path(m1), 'utf8'));
    // In 0001, `users` has no `nickname` yet: 0002 adds it (the model, and models.py's completion, have it).
    const after = '\n        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.';
    client.appendAfter(m1, 'sa.Column("seller_id", sa.Integer(), nullable=True),', after);
    const doc = client.doc(m1);
    const items = await completion(m1, doc.positionAt(doc.getText().indexOf(after) + after.length));
    const labels = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => i.label);
    assert.deepEqual(labels, ['id', 'email']);
    client.close(m1);
    const m2 = 'migrations/versions/0002_nickname.py';
    client.open(m2, readFileSync(client.path(m2), 'utf8'));
    const later = '\n    op.add_column("orders", sa.Column("x_id", sa.Integer(), sa.ForeignKey("users.';
    client.appendAfter(m2, 'sa.ForeignKey("users.id"), nullable=True))', later);
    const doc2 = client.doc(m2);
    const more = await completion(m2, doc2.positionAt(doc2.getText().indexOf(later) + later.length));
    assert.deepEqual(more.map((i) => i.label).sort(), ['email', 'id', 'nickname']);
    client.close(m2);
  });

  it('completes inside a written reference from its parsed parts: the whole part is replaced, keys only where nothing follows', async () => {
    client.open(MODELS, readFileSync(client.path(MODELS), 'utf8'));
    await client.diagnosticsFor(MODELS, () => true, 1);
    // `ForeignKey("us|ers.id")`: the table part, replaced whole; no `users.id` entry, which would double the `.id`.
    const inTable = at(MODELS, 'ForeignKey("users.id")', 'ForeignKey("us'.length);
    const tables = await completion(MODELS, inTable);
    const users = tables.find((i) => i.label === 'users');
    assert.ok(users, JSON.stringify(tables.map((i) => i.label)));
    assert.deepEqual((users.textEdit as TextEdit).range, { start: { line: inTable.line, character: inTable.character - 2 }, end: { line: inTable.line, character: inTable.character + 3 } });
    assert.ok(!tables.some((i) => i.label === 'users.id'), JSON.stringify(tables.map((i) => i.label)));
    // `"users.|id"`: the columns, keys first, replacing `id` whole.
    const inColumn = at(MODELS, 'ForeignKey("users.id")', 'ForeignKey("users.'.length);
    const columns = await completion(MODELS, inColumn);
    const byRank = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => `${i.label} ${i.detail}`);
    assert.deepEqual(byRank(columns), ['id Integer · PK', 'email String(255) · unique', 'nickname String(40)']);
    assert.deepEqual((columns[0].textEdit as TextEdit).range, { start: inColumn, end: { line: inColumn.line, character: inColumn.character + 2 } });
    // SQL `REFERENCES users (|email)`: a pair's column part, from the parsed statement.
    const sql = 'sql/schema.sql';
    client.open(sql, readFileSync(client.path(sql), 'utf8'), 'sql');
    const inPair = at(sql, 'users (email)', 'users ('.length);
    const pair = await completion(sql, inPair);
    assert.deepEqual(byRank(pair), ['id Integer · PK', 'email String(255) · unique', 'nickname String(40)']);
    assert.deepEqual((pair[0].textEdit as TextEdit).range, { start: inPair, end: { line: inPair.line, character: inPair.character + 5 } });
    client.close(sql);
    client.close(MODELS);
  });

  it('completes inside written Drizzle and Knex references from their parsed parts, replacing the whole part', async () => {
    const byRank = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => i.label);
    const rangeOfItem = (items: CompletionItem[], label: string) => (items.find((i) => i.label === label)?.textEdit as TextEdit | undefined)?.range;
    // Drizzle `() => accounts.|email`: the table's properties, and `id` replaces `email` whole (not `idemail`).
    const drizzle = 'src/drizzle/schema.ts';
    client.open(drizzle, readFileSync(client.path(drizzle), 'utf8'), 'typescript');
    client.appendAfter(drizzle, "userId: integer('user_id'),", '\n  backupId: integer(\'backup_id\').references(() => accounts.email),');
    const inAttr = at(drizzle, 'accounts.email', 'accounts.'.length);
    const attrs = await completion(drizzle, inAttr);
    assert.deepEqual(byRank(attrs), ['id', 'email']);
    assert.deepEqual(rangeOfItem(attrs, 'id'), { start: inAttr, end: { line: inAttr.line, character: inAttr.character + 'email'.length } });
    // A name with letters outside ASCII after the cursor is replaced whole too (`accounts.|émail`).
    client.appendAfter(drizzle, "backupId: integer('backup_id')", '\n  otherId: integer(\'other_id\').references(() => accounts.émail),');
    const beforeAccent = at(drizzle, 'accounts.émail', 'accounts.'.length);
    const accented = await completion(drizzle, beforeAccent);
    assert.deepEqual(rangeOfItem(accented, 'id'), { start: beforeAccent, end: { line: beforeAccent.line, character: beforeAccent.character + 'émail'.length } });
    // `accounts.em|ail`: what is typed of the part filters, the whole part is still replaced.
    const inWord = at(drizzle, 'accounts.email', 'accounts.em'.length);
    const typed = await completion(drizzle, inWord);
    assert.deepEqual(byRank(typed), ['email']);
    assert.deepEqual(rangeOfItem(typed, 'email'), { start: inAttr, end: { line: inAttr.line, character: inAttr.character + 'email'.length } });
    client.close(drizzle);
    // Knex `.inTable('us|ers')` and `.references('orders.i|d')` in a migration: the tables and columns history
    // holds there, each replacing its part whole.
    const knex = 'db/knex/20240101000000_comments.ts';
    client.open(knex, readFileSync(client.path(knex), 'utf8'), 'typescript');
    const inTable = at(knex, "inTable('users')", "inTable('us".length);
    const tables = await completion(knex, inTable);
    assert.deepEqual(rangeOfItem(tables, 'users'), { start: { line: inTable.line, character: inTable.character - 2 }, end: { line: inTable.line, character: inTable.character + 3 } });
    assert.ok(!tables.some((i) => i.label === 'users.id'), JSON.stringify(tables.map((i) => i.label)));
    const inColumn = at(knex, "references('orders.id')", "references('orders.i".length);
    const columns = await completion(knex, inColumn);
    // History made `orders` with id and seller_id (0001), then buyer_id (0002); the model's `bü😀yer` is not in it.
    assert.deepEqual(byRank(columns), ['id', 'buyer_id', 'seller_id']);
    assert.deepEqual(rangeOfItem(columns, 'seller_id'), { start: { line: inColumn.line, character: inColumn.character - 1 }, end: { line: inColumn.line, character: inColumn.character + 1 } });
    client.close(knex);
  });

  it('completes and navigates the schema part of a reference: `billing.`, then its tables, then their columns', async () => {
    const billing = 'app/billing.py';
    // The written `"billing.invoices.id"`: hover and definition on the schema part name the table it qualifies.
    assert.match(text(await hover(billing, at(billing, '"billing.invoices.id"', 2))), /\*\*table `billing\.invoices`\*\*/);
    assert.deepEqual(where(await definition(billing, at(billing, '"billing.invoices.id"', 2))), [loc(billing, '"invoices"', 1)]);
    client.open(billing, readFileSync(client.path(billing), 'utf8'));
    await client.diagnosticsFor(billing, () => true, 1);
    const typedAt = (after: string) => client.doc(billing).positionAt(client.doc(billing).getText().indexOf(after) + after.length);
    const line = '\n    credit_id = Column(Integer, ForeignKey("bi';
    client.appendAfter(billing, 'invoice_id = Column(Integer, ForeignKey("billing.invoices.id"))', line);
    const schemas = await completion(billing, typedAt(line));
    const schema = schemas.find((i) => i.label === 'billing');
    assert.equal(schema?.detail, 'schema');
    assert.equal((schema?.textEdit as TextEdit).newText, 'billing.');
    const end = typedAt(line);
    client.change(billing, [{ range: { start: end, end }, newText: 'lling.' }]);
    const tables = await completion(billing, { line: end.line, character: end.character + 'lling.'.length });
    assert.deepEqual(tables.map((i) => i.label).sort(), ['invoices', 'invoices.id', 'refunds', 'refunds.id']);
    client.change(billing, [{ range: { start: { line: end.line, character: end.character + 'lling.'.length }, end: { line: end.line, character: end.character + 'lling.'.length } }, newText: 'invoices.' }]);
    const columns = await completion(billing, { line: end.line, character: end.character + 'lling.invoices.'.length });
    assert.deepEqual([...columns].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => `${i.label} ${i.detail}`), ['id Integer · PK', 'number Integer · unique']);
    client.close(billing);
  });

  // ---- code lens ----

  it('puts "referenced by N foreign keys" above each table definition, with the references', async () => {
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: client.uri(MODELS) } })) as CodeLens[];
    const byLine = lenses.map((l) => `${l.range.start.line + 1} ${l.command?.title}`);
    assert.deepEqual(byLine, ['7 referenced by 7 foreign keys', '15 referenced by 1 foreign key']);
    const users = lenses[0].command!;
    assert.equal(users.command, 'fkguard.showReferences');
    const [uri, position, locations] = users.arguments as [string, Position, Location[]];
    assert.equal(uri, client.uri(MODELS));
    assert.deepEqual(position, { line: 6, character: 6 });
    assert.equal(locations.length, 7);
  });

  it('counts a foreign key typed in another file at once, and forgets one that goes', async () => {
    const sql = 'sql/schema.sql';
    const lensTitle = async () => {
      const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: client.uri(MODELS) } })) as CodeLens[];
      return lenses[0].command?.title;
    };
    assert.equal(await lensTitle(), 'referenced by 7 foreign keys');
    client.open(sql, readFileSync(client.path(sql), 'utf8'), 'sql');
    const version = client.appendAfter(sql, 'user_email varchar(255) REFERENCES users (email),', '\n  reviewer_id integer REFERENCES users (id),');
    await client.diagnosticsFor(sql, () => true, version);
    assert.equal(await lensTitle(), 'referenced by 8 foreign keys');
    const doc = client.doc(sql);
    const start = doc.positionAt(doc.getText().indexOf('REFERENCES users (id)'));
    const gone = client.change(sql, [{ range: { start, end: { line: start.line, character: start.character + 'REFERENCES users (id)'.length } }, newText: '' }]);
    await client.diagnosticsFor(sql, () => true, gone);
    assert.equal(await lensTitle(), 'referenced by 7 foreign keys');
    client.close(sql);
  });

  it('puts the code lens above table definitions in SQL, Prisma and TypeScript too', async () => {
    const lensesOf = async (rel: string) =>
      ((await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: client.uri(rel) } })) as CodeLens[]).map((l) => `${l.range.start.line + 1} ${l.command?.title}`);
    const sql = 'sql/schema.sql';
    const line = (rel: string, needle: string) => at(rel, needle).line + 1;
    assert.deepEqual(await lensesOf(sql), [`${line(sql, 'audit_log')} referenced by no foreign keys`, `${line(sql, 'TABLE tags')} referenced by 3 foreign keys`, `${line(sql, 'TABLE task_tags')} referenced by no foreign keys`]);
    const prisma = 'prisma/schema.prisma';
    assert.deepEqual(await lensesOf(prisma), [`${line(prisma, 'model Author')} referenced by 2 foreign keys`, `${line(prisma, 'model Book')} referenced by 1 foreign key`, `${line(prisma, 'model Review')} referenced by no foreign keys`]);
    const typeorm = 'src/typeorm/entities.ts';
    assert.deepEqual(await lensesOf(typeorm), [`${line(typeorm, 'export class Team')} referenced by 1 foreign key`, `${line(typeorm, 'export class Member')} referenced by no foreign keys`]);
  });

  it('counts a composite foreign key once, in the code lens and the hover, while listing each of its columns', async () => {
    // R14-10: `FOREIGN KEY (r, c) REFERENCES consignments (region, code)` is one foreign key (PostgreSQL's `\\d
    // consignments` lists one), made of two references FK Guard checks column by column.
    const sql = 'sql/consignments.sql';
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: client.uri(sql) } })) as CodeLens[];
    const lens = lenses.find((l) => l.range.start.line === at(sql, 'TABLE consignments').line)!;
    assert.equal(lens.command?.title, 'referenced by 2 foreign keys');
    assert.equal((lens.command!.arguments as [string, Position, Location[]])[2].length, 3);
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: client.uri(sql) }, position: at(sql, 'consignments (', 1) })) as Hover;
    assert.match((hover.contents as MarkupContent).value, /\*\*table `consignments`\*\* · referenced by 2 foreign keys/);
  });

  it('shows no code lens when `fkguard.codeLens.enabled` is off', async () => {
    const off = await LspClient.start({ fixture: 'navigation', settings: { codeLens: { enabled: false } } });
    try {
      await off.ready();
      const lenses = await off.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: off.uri(MODELS) } });
      assert.deepEqual(lenses, []);
    } finally {
      await off.stop();
    }
  });

  // ---- rename ----

  const applyRename = (edit: WorkspaceEdit): Map<string, string> => {
    const out = new Map<string, string>();
    for (const change of edit.documentChanges as TextDocumentEdit[]) {
      const rel = decodeURIComponent(change.textDocument.uri.slice(client.rootUri.length + 1));
      out.set(rel, TextDocument.applyEdits(docOf(rel), change.edits as TextEdit[]));
    }
    return out;
  };

  it('refuses to rename what it cannot see completely, with the reason', async () => {
    const prepare = (rel: string, p: Position) => client.connection.sendRequest('textDocument/prepareRename', { textDocument: { uri: client.uri(rel) }, position: p });
    await assert.rejects(prepare('app/ledger.py', at('app/ledger.py', 'ledgers.id', 2)), /cannot rename this: `ledgers` may be the table of `Ledger`, named by `Named\.__tablename__`/);
    await assert.rejects(prepare(MODELS, at(MODELS, 'User.id', 1)), /`User` is a class or variable of the code/);
    const m1 = 'migrations/versions/0001_initial.py';
    await assert.rejects(prepare(m1, at(m1, '"users",', 2)), /This is a migration: history made this name/);
    // `comments` is made only by a Knex migration: its references are not renamed away from what history made,
    // and the rename box does not open for it.
    const sql = 'sql/schema.sql';
    await assert.rejects(prepare(sql, at(sql, 'comments (id)', 2)), /`comments` is defined only by migrations, which are history/);
    await assert.rejects(
      client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(sql) }, position: at(sql, 'comments (id)', 2), newName: 'remarks' }),
      /`comments` is defined only by migrations, which are history/,
    );
    // A schema names every table in it, in each model's options and in references across the workspace.
    await assert.rejects(prepare('app/billing.py', at('app/billing.py', '"billing.invoices.id"', 2)), /FK Guard renames tables and columns, not schemas: `billing` is written in the options of every table in it/);
    const ok = (await prepare(MODELS, at(MODELS, '"users"', 2))) as { range: Range; placeholder: string };
    assert.deepEqual(ok, { range: rangeOf(MODELS, 'users'), placeholder: 'users' });
  });

  it('renames a table across Python, SQL and Sequelize, leaving Alembic and Knex migrations as history', async () => {
    const edit = (await client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: client.uri(MODELS) },
      position: at(MODELS, '"users"', 2),
      newName: 'app_users',
    })) as WorkspaceEdit;
    const files = applyRename(edit);
    assert.deepEqual([...files.keys()].sort(), ['app/models.py', 'sql/schema.sql', 'src/sequelize/task.ts']);
    assert.match(files.get('app/models.py')!, /__tablename__ = "app_users"/);
    assert.match(files.get('app/models.py')!, /ForeignKey\("app_users\.id"\)/);
    // `User.id` names the class, which keeps its name.
    assert.match(files.get('app/models.py')!, /ForeignKey\(User\.id\)/);
    assert.match(files.get('sql/schema.sql')!, /REFERENCES app_users \(email\)/);
    assert.match(files.get('src/sequelize/task.ts')!, /model: 'app_users', key: 'id'/);
    // The preview is asked for, and says which migrations were left as they are.
    const note = Object.values(edit.changeAnnotations ?? {})[0];
    assert.equal(note?.needsConfirmation, true);
    assert.match(note?.label ?? '', /Rename `users` to `app_users` \(migrations not edited\)/);
    assert.match(note?.description ?? '', /migrations\/versions\/0001_initial\.py:\d+/);
    assert.match(note?.description ?? '', /db\/knex\/20240101000000_comments\.ts:6/);
  });

  it('renames a column from a SQL reference: the Python attribute that is its name, and the reference', async () => {
    const sql = 'sql/schema.sql';
    const edit = (await client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: client.uri(sql) },
      position: at(sql, 'users (email)', 8),
      newName: 'email_address',
    })) as WorkspaceEdit;
    const files = applyRename(edit);
    assert.deepEqual([...files.keys()].sort(), ['app/models.py', 'sql/schema.sql']);
    // The attribute keeps its name (code FK Guard cannot see may use it); the column is given the new one.
    assert.match(files.get('app/models.py')!, /\n {4}email = Column\("email_address", String\(255\), unique=True, nullable=False\)/);
    assert.match(files.get(sql)!, /REFERENCES users \(email_address\)/);
  });

  it('renames tables defined in TypeScript: a Drizzle pgTable and a TypeORM @Entity, whose variables and classes stay', async () => {
    const drizzle = 'src/drizzle/schema.ts';
    const d = (await client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(drizzle) }, position: at(drizzle, "pgTable('accounts'", 10), newName: 'customers' })) as WorkspaceEdit;
    const files = applyRename(d);
    assert.deepEqual([...files.keys()], [drizzle]);
    assert.match(files.get(drizzle)!, /export const accounts = pgTable\('customers', \{/);
    assert.match(files.get(drizzle)!, /references\(\(\) => accounts\.id\)/);
    const typeorm = 'src/typeorm/entities.ts';
    const t = (await client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(typeorm) }, position: at(typeorm, "@Entity('teams')", 10), newName: 'squads' })) as WorkspaceEdit;
    const renamed = applyRename(t).get(typeorm)!;
    assert.match(renamed, /@Entity\('squads'\)\nexport class Team \{/);
    assert.match(renamed, /@ManyToOne\(\(\) => Team\)/);
    // A column named in `@Column({ name })` is renamed there, and in the `@JoinColumn({ name })` that keeps the
    // relation's foreign key in the same column (left as it was, TypeORM would make a second column for it).
    const column = (await client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(typeorm) }, position: at(typeorm, "name: 'team_slug' }", 8), newName: 'squad_slug' })) as WorkspaceEdit;
    const named = applyRename(column).get(typeorm)!;
    assert.match(named, /@Column\('varchar', \{ name: 'squad_slug' \}\)\n {2}teamSlug: string;/);
    assert.match(named, /@JoinColumn\(\{ name: 'squad_slug', referencedColumnName: 'slug' \}\)/);
    assert.equal(named.length, readFileSync(client.path(typeorm), 'utf8').length + 2 * ('squad_slug'.length - 'team_slug'.length));
    // A column whose TypeORM property is its name is refused: code FK Guard cannot see may use the property.
    await assert.rejects(
      client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(typeorm) }, position: at(typeorm, 'slug: string', 1), newName: 'handle' }),
      /`teams\.slug` at src\/typeorm\/entities\.ts:\d+ is also the field or property `slug` of the code, whose every use FK Guard cannot see/,
    );
  });

  it("renames a Sequelize attribute's `field`, keeping the attribute", async () => {
    const seq = 'src/sequelize/task.ts';
    const files = applyRename((await client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(seq) }, position: at(seq, "field: 'owner_id'", 9), newName: 'holder_id' })) as WorkspaceEdit);
    assert.deepEqual([...files.keys()], [seq]);
    assert.match(files.get(seq)!, /ownerId: \{ type: DataTypes\.INTEGER, field: 'holder_id', references: \{ model: 'users', key: 'id' \} \}/);
  });

  it('renames a table from its SQL CREATE TABLE, with the SQL and Sequelize references on lines with text outside the BMP', async () => {
    const sql = 'sql/schema.sql';
    const seq = 'src/sequelize/task.ts';
    const files = applyRename((await client.connection.sendRequest('textDocument/rename', { textDocument: { uri: client.uri(sql) }, position: at(sql, 'TABLE tags', 8), newName: 'labels' })) as WorkspaceEdit);
    // The Drizzle definition of the same table is renamed too; its variable stays.
    assert.deepEqual([...files.keys()].sort(), [sql, 'src/drizzle/schema.ts', seq]);
    assert.match(files.get('src/drizzle/schema.ts')!, /export const tags = pgTable\('labels', \{/);
    assert.match(files.get(sql)!, /CREATE TABLE labels \(/);
    assert.match(files.get(sql)!, /\n {2}"étiqueté😀" integer REFERENCES labels \(id\),\n {2}tag_label varchar\(40\) REFERENCES labels \(label\)\n/);
    assert.match(files.get(seq)!, /field: 'tâche_😀_tag', references: \{ model: 'labels', key: 'id' \}/);
  });

  it('renames a Prisma-mapped table from a SQL reference: the @@map, not the model', async () => {
    const sql = 'sql/schema.sql';
    const edit = (await client.connection.sendRequest('textDocument/rename', {
      textDocument: { uri: client.uri(sql) },
      position: at(sql, 'authors (id)', 3),
      newName: 'writers',
    })) as WorkspaceEdit;
    const files = applyRename(edit);
    assert.match(files.get('prisma/schema.prisma')!, /@@map\("writers"\)/);
    assert.match(files.get('prisma/schema.prisma')!, /model Author \{/);
    assert.match(files.get('prisma/schema.prisma')!, /author {3}Author @relation/);
    assert.match(files.get(sql)!, /REFERENCES writers \(id\)/);
  });
});

describe('navigation after edits that rewrite a definition line', function () {
  let client: LspClient;

  before(async () => {
    client = await LspClient.start({ fixture: 'navigation' });
    await client.ready();
  });

  after(async () => {
    await client?.stop();
  });

  /** Replaces `range` of the open models.py, waits for its analysis, and asks for the definition at `needle` + `into`. */
  const editThenDefinition = async (edit: TextEdit, needle: string, into: number) => {
    const version = client.change(MODELS, [edit]);
    await client.diagnosticsFor(MODELS, () => true, version);
    const doc = client.doc(MODELS);
    const position = doc.positionAt(doc.getText().indexOf(needle) + into);
    const found = (await client.connection.sendRequest('textDocument/definition', { textDocument: { uri: client.uri(MODELS) }, position })) as Location[];
    return found.map((l) => l.range);
  };
  const rangeIn = (needle: string, into: number, length: number): Range => {
    const doc = client.doc(MODELS);
    const start = doc.positionAt(doc.getText().indexOf(needle) + into);
    return { start, end: { line: start.line, character: start.character + length } };
  };

  // The edit stays inside one class, so the server reads that class again and moves every other fact: the tables
  // derived from the class must follow it, not keep where its names were before the edit.
  it('goes to the name in a `__tablename__` line replaced whole with other spacing', async () => {
    client.open(MODELS, readFileSync(client.path(MODELS), 'utf8'));
    await client.diagnosticsFor(MODELS, () => true, 1);
    const line = client.doc(MODELS).getText().split('\n').indexOf('    __tablename__ = "users"');
    const found = await editThenDefinition(
      { range: { start: { line, character: 0 }, end: { line, character: '    __tablename__ = "users"'.length } }, newText: '    __tablename__   =    "users"' },
      '"users.id"',
      2,
    );
    assert.deepEqual(found, [rangeIn('"users"', 1, 'users'.length)]);
    client.close(MODELS);
  });

  it('goes to the name when the replaced line takes the line break before it along', async () => {
    client.open(MODELS, readFileSync(client.path(MODELS), 'utf8'));
    await client.diagnosticsFor(MODELS, () => true, 1);
    const line = client.doc(MODELS).getText().split('\n').indexOf('    __tablename__ = "users"');
    const found = await editThenDefinition(
      // From the end of `class User(Base):` to the end of the `__tablename__` line.
      { range: { start: { line: line - 1, character: 'class User(Base):'.length }, end: { line, character: '    __tablename__ = "users"'.length } }, newText: '\n    __tablename__  =    "users"' },
      '"users.id"',
      2,
    );
    assert.deepEqual(found, [rangeIn('"users"', 1, 'users'.length)]);
    // A column line rewritten the same way: its definition is where its name now is.
    const email = client.doc(MODELS).getText().split('\n').findIndex((l) => l.startsWith('    email = Column('));
    const text = client.doc(MODELS).getText().split('\n')[email];
    client.appendAfter(MODELS, 'seller_id = Column(Integer, ForeignKey(User.id))', '\n    contact = Column(String(255), ForeignKey("users.email"))');
    const moved = await editThenDefinition(
      { range: { start: { line: email, character: 0 }, end: { line: email, character: text.length } }, newText: text.replace('email = ', 'email   =   ') },
      '"users.email"',
      8,
    );
    assert.deepEqual(moved, [rangeIn('email   =', 0, 'email'.length)]);
    client.close(MODELS);
  });
});
