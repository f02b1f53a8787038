import assert from 'node:assert/strict';
import { extractPrisma } from '../../server/src/core/prisma/extract';
import { extractSql, keyChecksOf } from '../../server/src/core/sql/extract';
import { splitStatements } from '../../server/src/core/sql/split';
import { isTypeScriptCandidate } from '../../server/src/core/typescript/dialect';

/** The Prisma and SQL readers on their own: tolerance of broken input, statement splitting, type mapping. */
describe('SQL files', () => {
  it('splits at semicolons outside quotes, dollar quotes and comments', () => {
    const text = [
      "INSERT INTO t VALUES ('a;b', E'c\\';d', \"x;y\");",
      '-- a comment; with a semicolon',
      '/* a block; /* nested; */ still; */',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;',
      '\\connect other',
      'CREATE TABLE a (id int)',
    ].join('\n');
    const parts = splitStatements(text).map((s) => s.text.trim().split('\n').pop()!.slice(0, 12));
    assert.deepEqual(parts, ['INSERT INTO ', 'CREATE FUNCT', 'CREATE TABLE']);
  });

  it("leaves out the data rows of psql's COPY ... FROM stdin, up to the line \\. (R13-12)", () => {
    const text = [
      '/* seed */ copy public.a (id, note) FROM STDIN;',
      '1\tsemi; colon',
      "2\tquote ' and -- dashes",
      '\\.',
      'CREATE TABLE b (id int);',
      'COPY c FROM stdin;',
      '3\tlast; rows run to the end of the file',
    ].join('\r\n');
    const parts = splitStatements(text).map((s) => s.text.trim());
    assert.deepEqual(parts, ['/* seed */ copy public.a (id, note) FROM STDIN', 'CREATE TABLE b (id int)', 'COPY c FROM stdin']);
    // Not COPY FROM a file, nor the word in a string: their statements end at their semicolons as any other.
    assert.deepEqual(
      splitStatements("COPY a FROM '/tmp/a.csv';\nINSERT INTO t VALUES ('copy x from stdin');\nCREATE TABLE d (id int);").map((s) => s.text.trim().slice(0, 12)),
      ['COPY a FROM ', 'INSERT INTO ', 'CREATE TABLE'],
    );
  });

  it('skips a statement the parser cannot read, and reads the rest of the file', () => {
    const text = [
      'CREATE TABLE users (id uuid PRIMARY KEY);',
      'CREATE TABLE audit (id INT,, at timestamp);',
      'CREATE TABLE posts (id serial PRIMARY KEY, author_id uuid REFERENCES users (id));',
    ].join('\n');
    const facts = extractSql('schema.sql', text);
    // The refused statement still makes its table, whose columns are not known.
    assert.deepEqual(facts.tables.map((t) => (t.name.kind === 'literal' ? t.name.value : '?')), ['users', 'audit', 'posts']);
    assert.deepEqual([facts.tables[1].unparsed, facts.tables[1].columns], [true, []]);
    assert.equal(text.slice(facts.tables[1].nameSpan.start, facts.tables[1].nameSpan.end), 'audit');
    assert.equal(facts.errors.length, 1);
    assert.equal(text.slice(facts.errors[0].span.start, facts.errors[0].span.end), 'CREATE TABLE audit (id INT,, at timestamp)');
    assert.equal(facts.references.length, 1);
    const ref = facts.references[0];
    assert.equal(text.slice(ref.tableSpan!.start, ref.tableSpan!.end), 'users');
    assert.equal(text.slice(ref.columnSpan!.start, ref.columnSpan!.end), 'id');
  });

  it('keeps a table whose foreign key names no column (the primary key is meant)', () => {
    const facts = extractSql('schema.sql', 'CREATE TABLE posts (id int, org_id int REFERENCES orgs ON DELETE CASCADE, b text);');
    assert.deepEqual(facts.errors, []);
    assert.deepEqual(facts.tables[0].columns.map((c) => c.name), ['id', 'org_id', 'b']);
    const b = facts.tables[0].columns[2];
    assert.equal(b.span.start, 'CREATE TABLE posts (id int, org_id int REFERENCES orgs ON DELETE CASCADE, '.length);
  });

  it('reads types as PostgreSQL spells them, with spans that cover the whole type', () => {
    const text = 'CREATE TABLE t (a character varying(20), b timestamp with time zone, c numeric(10, 2), d int4, e bigserial);';
    const cols = extractSql('t.sql', text).tables[0].columns;
    assert.deepEqual(cols.map((c) => c.type?.sqlType), ['varchar(20)', 'timestamptz', 'numeric(10,2)', 'integer', 'bigint']);
    assert.deepEqual(cols.map((c) => c.type?.text), ['character varying(20)', 'timestamp with time zone', 'numeric(10, 2)', 'int4', 'bigserial']);
  });

  it("reads MySQL's foreign key checks from the SET statements that change them in the session", () => {
    // As MariaDB 10.11 answers `SELECT @@session.foreign_key_checks` after each.
    const cases: Array<[string, string | undefined]> = [
      ['SET FOREIGN_KEY_CHECKS = 0', 'off'],
      ["SET foreign_key_checks='ON'", 'on'],
      ['SET @@local.foreign_key_checks := FALSE', 'off'],
      ['SET SESSION foreign_key_checks = true', 'on'],
      ['/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */', 'off'],
      ['/*M!100000 SET FOREIGN_KEY_CHECKS=1 */', 'on'],
      ['/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */', 'unknown'],
      ['SET foreign_key_checks = DEFAULT', 'unknown'],
      // `GLOBAL` holds for the assignments after it: the session keeps its value, which the file does not say.
      ['SET GLOBAL max_connections = 151, foreign_key_checks = 0', 'unknown'],
      ['SET GLOBAL max_connections = 151, SESSION foreign_key_checks = 0', 'off'],
      ['SET @@global.foreign_key_checks = 0', 'unknown'],
      ['SET @OLD_FOREIGN_KEY_CHECKS = 1', undefined],
      ['/* SET FOREIGN_KEY_CHECKS = 0 */ SELECT 1', undefined],
      ['SET unique_checks = 0', undefined],
    ];
    for (const [text, want] of cases) assert.equal(keyChecksOf(text), want, text);
    // mysqldump's executable comment is a statement of its own, not a comment to skip.
    assert.deepEqual(splitStatements('/*!40014 SET FOREIGN_KEY_CHECKS=0 */;\n/* a note */;\nCREATE TABLE a (id int);').length, 2);
  });

  it('treats numbered files and migrations folders as history', () => {
    assert.ok(extractSql('db/migrations/001_init.sql', 'CREATE TABLE a (id int);').migration);
    assert.ok(extractSql('sql/V2__posts.sql', 'CREATE TABLE a (id int);').migration);
    assert.equal(extractSql('db/schema.sql', 'CREATE TABLE a (id int);').migration, undefined);
  });
});

describe('Prisma schemas', () => {
  it('maps scalar and native types to PostgreSQL as Prisma migrate does', () => {
    const facts = extractPrisma('schema.prisma', [
      'model T {',
      '  a Int @id',
      '  b String',
      '  c String @db.Uuid',
      '  d String? @db.VarChar(36)',
      '  e Decimal',
      '  f DateTime',
      '  g BigInt',
      '  h Float',
      '  i Decimal @db.Decimal(10, 2)',
      '}',
    ].join('\n'));
    assert.deepEqual(facts.classes[0].columns.map((c) => c.type?.sqlType), ['integer', 'text', 'uuid', 'varchar(36)', 'numeric(65,30)', 'timestamp(3)', 'bigint', 'double precision', 'numeric(10,2)']);
  });

  it('reads what it can of a half-typed schema and reports the rest', () => {
    const text = [
      'model User {',
      '  id String @id @db.Uuid',
      '  email String @unique @@@',
      '  ???',
      'model Post {',
      '  id Int @id',
      '  authorId String @db.Uuid',
      '  author User @relation(fields: [authorId], references: [id]',
      '}',
    ].join('\n');
    const facts = extractPrisma('schema.prisma', text);
    assert.deepEqual(facts.classes.map((c) => c.name), ['User', 'Post']);
    assert.deepEqual(facts.classes[0].columns.map((c) => c.name), ['id', 'email']);
    assert.ok(facts.errors.length >= 2);
    assert.equal(facts.references.length, 1);
  });
});

describe('TypeScript candidates', () => {
  it('reads a file of Sequelize associations whose foreign key names its field, and not other `belongsTo` code', () => {
    // Only the models imported, as an associations file does; the `models.get(...)` call has its own parentheses.
    assert.equal(isTypeScriptCandidate("import { Jar } from './jar';\nJar.belongsTo(models.get('Shelf'), { foreignKey: { name: 'shelfId', field: 'shelf_ref' } });\n"), true);
    // A client-side ORM's association (no `field` in an object `foreignKey`): not Sequelize, never parsed.
    assert.equal(isTypeScriptCandidate("import { Jar } from './store';\nJar.belongsTo(m.Shelf, { foreignKey: 'shelfId' });\nif (x {\n"), false);
  });
});
