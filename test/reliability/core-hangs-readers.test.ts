// Issue 11, item 6 (the TypeScript, Prisma and SQL readers): inputs that took minutes. Each test runs the
// full-size input and checks the result; before the fix each ran into mocha's timeout (the Prisma candidate test
// alone ran for more than 400 s, the type string for 45 s). Times are bench rows (`node bench/hangs-readers.mjs`),
// never asserted here.
import assert from 'node:assert/strict';
import { prismaDialect } from '../../server/src/core/prisma/dialect';
import { foreignDialect } from '../../server/src/core/sql/normalize';
import { pluralize } from '../../server/src/core/typescript/inflection';
import { sqlNamedType } from '../../server/src/core/typescript/types';
import { createEngine } from '../../server/src/host/python';

const SPACES = ' '.repeat(100000);

describe('reliability: inputs that hung the TypeScript, Prisma and SQL readers (issue 11, item 6)', function () {
  this.timeout(60000);

  it('a .prisma file of 300,000 blank lines is no candidate, and one with a model or a datasource after them is', () => {
    const blank = '  \n'.repeat(300000);
    assert.equal(prismaDialect.isCandidate('schema.prisma', `${blank}generator client {\n  provider = "prisma-client-js"\n}\n`), false);
    assert.equal(prismaDialect.isCandidate('schema.prisma', `${blank}model User {\n  id Int @id\n}\n`), true);
    // A datasource names the project's database (`provider = "sqlite"`), so it is read too.
    assert.equal(prismaDialect.isCandidate('schema.prisma', `${blank}datasource db {\n  provider = "postgresql"\n}\n`), true);
  });

  it('a type string with 100,000 spaces is read as written, in TypeORM, Knex and Sequelize files', async () => {
    assert.deepEqual(sqlNamedType(`varchar${SPACES}x`), { family: 'other', sqlType: 'varchar x' });
    assert.deepEqual(sqlNamedType(`varchar${SPACES}(36)`), { family: 'string', sqlType: 'varchar(36)' });
    const engine = await createEngine();
    engine.updateFile('src/a.entity.ts', `import { Column, Entity } from 'typeorm';\n@Entity() export class A { @Column('varchar${SPACES}x') b: string; }\n`);
    engine.updateFile('migrations/001_init.js', `exports.up = (knex) => knex.schema.createTable('k', (t) => { t.specificType('b', 'varchar${SPACES}x'); });\n`);
    engine.updateFile('migrations/002-init.js', `module.exports = { up: async (queryInterface) => { await queryInterface.createTable('s', { b: { type: 'varchar${SPACES}x' } }); } };\n`);
    assert.equal(engine.getFacts('src/a.entity.ts')!.classes[0].columns[0].type?.sqlType, 'varchar x');
    assert.equal(engine.getFacts('migrations/001_init.js')!.tables[0].columns[0].type?.sqlType, 'varchar x');
    // Sequelize passes an unknown type string to the database as it is: no type FK Guard can compare.
    assert.equal(engine.getFacts('migrations/002-init.js')!.tables[0].columns[0].type, undefined);
    engine.dispose();
  });

  it('a query after a run of blanks in a Knex raw template is skipped at once, and DDL after one is read', async () => {
    // Before the fix the DDL test split the blanks into runs in every possible way: 2^n steps for n blanks (one
    // real migration helper with a 40-blank indent took five minutes).
    const indent = `\n${' '.repeat(64)}`;
    const engine = await createEngine();
    engine.updateFile(
      'migrations/003_reports.js',
      `exports.up = async (knex) => {\n  await knex.raw(\`${indent}WITH totals AS (SELECT 1 AS n) SELECT n FROM totals\`);\n` +
        `  await knex.raw(\`${indent}CREATE TABLE reports (id int PRIMARY KEY, parent_id int REFERENCES reports (id))\`);\n};\n`,
    );
    const facts = engine.getFacts('migrations/003_reports.js')!;
    assert.deepEqual(facts.tables.map((t) => t.name), [{ kind: 'literal', value: 'reports' }]);
    assert.equal(facts.references.length, 1);
    engine.dispose();
  });

  it('a comment banner of hyphens before a query or DDL in a Knex raw template is read at once', async () => {
    // review10's R10-7: each `--` comment could end anywhere in a run of hyphens, so the DDL test split the banner
    // into comments in every possible way before it failed (42 hyphens: a minute; 64: the scan never ended).
    const banner = `-- ${'-'.repeat(64)}`;
    const engine = await createEngine();
    engine.updateFile(
      'migrations/004_audits.js',
      `exports.up = async (knex) => {\n  await knex.raw(\`\n${banner}\n-- audit trail\n${banner}\nSELECT 1\`);\n` +
        `  await knex.raw(\`\n${banner}\nCREATE TABLE audits (id int PRIMARY KEY, parent_id int REFERENCES audits (id))\`);\n` +
        `  await knex.raw(\`${' '.repeat(64)}\n${banner}\`);\n};\n`,
    );
    const facts = engine.getFacts('migrations/004_audits.js')!;
    assert.deepEqual(facts.tables.map((t) => t.name), [{ kind: 'literal', value: 'audits' }]);
    assert.equal(facts.references.length, 1);
    engine.dispose();
  });

  it('a 100,000-letter model name is pluralised as Sequelize does, and a SQL USING clause after 100,000 spaces is blanked', () => {
    const long = `Shelf${'a'.repeat(100000)}`;
    assert.equal(pluralize(long), `${long}s`);
    const alter = `ALTER TABLE a ALTER COLUMN b TYPE varchar${SPACES}USING x`;
    assert.equal(foreignDialect(alter), `ALTER TABLE a ALTER COLUMN b TYPE varchar${SPACES}       `);
  });
});
