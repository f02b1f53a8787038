// Issue 11, item 13 (the SQL and TypeScript readers): statements FK Guard could not read vanished silently.
// A comment holding an accent or a quote inside a CREATE TABLE made the SQL parser refuse the statement (the
// table and its foreign key gone, exit 0); what still cannot be read is listed in FileFacts.errors with a span.
import assert from 'node:assert/strict';
import { extractSql } from '../../server/src/core/sql/extract';
import { createEngine } from '../../server/src/host/python';

describe('reliability: statements the readers could not read (issue 11, item 13)', function () {
  this.timeout(60000);

  it('a CREATE TABLE with a comment holding an accent, a quote, a backtick or an @ is read, with its foreign key', () => {
    const text = [
      'CREATE TABLE users (id integer PRIMARY KEY);',
      'CREATE TABLE orders (',
      "    id integer PRIMARY KEY, /* é, it's `x` @use */",
      '    -- ü',
      '    user_id integer REFERENCES users (id)',
      ');',
    ].join('\n');
    const facts = extractSql('schema.sql', text);
    assert.deepEqual(facts.errors, []);
    assert.deepEqual(facts.tables.map((t) => (t.name.kind === 'literal' ? t.name.value : '?')), ['users', 'orders']);
    assert.equal(facts.references.length, 1);
    const ref = facts.references[0];
    // Offsets are those of the file as written: the comment was blanked in place, not removed.
    assert.equal(text.slice(ref.tableSpan!.start, ref.tableSpan!.end), 'users');
    assert.equal(text.slice(ref.columnSpan!.start, ref.columnSpan!.end), 'id');
  });

  it('a statement that still cannot be read is an error with the span of that statement, and the rest is read', () => {
    const text = 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int,, a_id int);\nCREATE TABLE c (a_id int REFERENCES a (id));';
    const facts = extractSql('schema.sql', text);
    assert.equal(facts.errors.length, 1);
    assert.equal(text.slice(facts.errors[0].span.start, facts.errors[0].span.end), 'CREATE TABLE b (id int,, a_id int)');
    // `b` exists once the statement runs; its columns are not known (a reference to it is unchecked).
    assert.deepEqual(facts.tables.map((t) => (t.name.kind === 'literal' ? t.name.value : '?')), ['a', 'b', 'c']);
    assert.deepEqual(facts.tables.map((t) => t.unparsed === true), [false, true, false]);
    assert.equal(facts.references.length, 1);
  });

  it('a TypeORM file with a syntax error keeps the entities and foreign keys around it, and lists the error', async () => {
    const text = [
      "import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';",
      '@Entity() export class Shelf { @PrimaryGeneratedColumn() id: number; }',
      '@Entity() export class Draft { @Column() title: string = ; }',
      '@Entity() export class Book {',
      '  @PrimaryGeneratedColumn() id: number;',
      "  @Column('uuid') shelfId: string;",
      '  @ManyToOne(() => Shelf) shelf: Shelf;',
      '}',
    ].join('\n');
    const engine = await createEngine();
    engine.updateFile('src/entities.ts', text);
    const facts = engine.getFacts('src/entities.ts')!;
    assert.deepEqual(facts.classes.map((c) => c.name), ['Shelf', 'Draft', 'Book']);
    assert.ok(facts.errors.length >= 1);
    assert.equal(facts.errors[0].span.start, text.indexOf('; }', text.indexOf('title')));
    // The foreign key after the broken line is still checked: uuid against Shelf's integer key.
    assert.deepEqual(engine.findings('src/entities.ts').filter((f) => f.rule === 'type-mismatch').map((f) => f.range.start.line), [5]);
    engine.dispose();
  });
});
