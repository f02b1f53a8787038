// Hang rows of issue 11, item 6, for the TypeScript and Prisma readers: `node bench/hangs-readers.mjs`.
// Each row analyses one adversarial file in a fresh engine and prints the wall time; figures are reported,
// never asserted. Before the fixes (measured on the 2-core shared machine, 2026-11-27): the Prisma file took
// over 200 s (a `^\s*model` multiline regex), each type string with 100k spaces about 8 s.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(fileURLToPath(import.meta.url), '..', '..');
const require = createRequire(import.meta.url);
const { createEngine } = require(join(repo, 'out/server/src/host/python.js'));
const { prismaDialect } = require(join(repo, 'out/server/src/core/prisma/dialect.js'));
const { sqlDialect } = require(join(repo, 'out/server/src/core/sql/dialect.js'));
const { isTypeScriptCandidate } = require(join(repo, 'out/server/src/core/typescript/dialect.js'));

const spaces = ' '.repeat(100000);
const CASES = [
  ['prisma: 300k whitespace-only lines', 'schema.prisma', `${'  \n'.repeat(300000)}datasource db {\n  provider = "postgresql"\n}\n`],
  ['knex: specificType with 100k spaces', 'migrations/001_init.js', `exports.up = (knex) => knex.schema.createTable('a', (t) => { t.specificType('b', 'varchar${spaces}x'); });\n`],
  ['typeorm: column type with 100k spaces', 'src/a.entity.ts', `import { Column, Entity } from 'typeorm';\n@Entity() export class A { @Column('varchar${spaces}x') b: string; }\n`],
  ['sequelize: type string with 100k spaces', 'migrations/001-init.js', `module.exports = { up: async (queryInterface) => { await queryInterface.createTable('a', { b: { type: 'varchar${spaces}x' } }); } };\n`],
  ['sql: ALTER ... TYPE with 100k spaces before USING', 'migrations/001.sql', `ALTER TABLE a ALTER COLUMN b TYPE varchar${spaces}USING x;\n`],
];

// The compiler's load is a row of `npm run bench`, not of these: a first TypeScript file loads it here.
{
  const engine = await createEngine();
  engine.updateFile('warm.ts', "import { Entity } from 'typeorm';\n");
  engine.dispose();
}

const rows = [['case', 'bytes', 'time']];
for (const [name, file, text] of CASES) {
  const engine = await createEngine();
  const t0 = performance.now();
  // The candidate test runs first, as in a scan: the Prisma hang was there.
  const candidate = [prismaDialect.isCandidate(file, text), sqlDialect.isCandidate(file, text), isTypeScriptCandidate(text)];
  if (!candidate.some(Boolean)) console.log(`(${name}: not a candidate)`);
  engine.updateFile(file, text);
  engine.findings(file);
  const ms = performance.now() - t0;
  engine.dispose();
  rows.push([name, String(text.length), `${(ms / 1000).toFixed(2)} s`]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
