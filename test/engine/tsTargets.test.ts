import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ts } from 'ts-morph';
import { TsFile } from '../../server/src/core/typescript/context';
import { createTypeScriptDialect } from '../../server/src/core/typescript/dialect';
import { compilerBackend } from '../../server/src/core/typescript/syntax';
import { mayNameTargets, readTargets } from '../../server/src/core/typescript/targets';
import type { FileFacts } from '../../server/src/core/types';
import { REPO, listFiles } from './harness';

/**
 * `readTargets` (the databases a file says the project runs on) walks a whole file, so the dialect runs it only
 * where `mayNameTargets` says the text names what it reads. The test must never hide a target: on invented
 * files that name one in each way the reader knows, and on every TypeScript file of the fixtures, a file the test
 * turns away is one the reader finds nothing in.
 */

/** Invented files, each naming its database one way, with the targets the reader finds. */
const NAMING: Record<string, [string, string[]]> = {
  'src/db.ts': ["import knex from 'knex';\nexport const db = knex({ client: 'pg' });\n", ['postgresql']],
  'src/pool.ts': ["import { Knex } from 'knex';\nexport const db = Knex /* pooled */ ({ client: 'mysql2' });\n", ['mysql']],
  'src/typed.ts': ["import { knex } from 'knex';\nexport const db = knex<Row>({ client: 'sqlite3' });\n", ['sqlite']],
  'src/options.ts': ["import { DataSource, DataSourceOptions } from 'typeorm';\nexport const options: DataSourceOptions = { type: 'sqlite' };\n", ['sqlite']],
  'src/sequelize.ts': ["import { Sequelize } from 'sequelize';\nexport const db = new Sequelize('postgres://app@db/app', { define: { freezeTableName: true } });\n", ['postgresql']],
  // The key written with an escape: no `dialect` in the text, but the key's value is `dialect`.
  'src/escaped.js': ["// Read by knex.\nmodule.exports = { 'dia\\u006cect': 'mysql' };\n", ['mysql']],
  'knexfile.ts': ["export default { client: 'better-sqlite3' };\n", ['sqlite']],
  // A Knex migration mentions `knex` but never calls it: nothing to find.
  'db/migrations/001_users.ts': [
    "import type { Knex } from 'knex';\nexport async function up(knex: Knex): Promise<void> {\n  await knex.schema.createTable('users', (t) => { t.increments(); });\n}\n",
    [],
  ],
};

function targetsOf(file: string, text: string): string[] {
  return readOn(file, text).targets ?? [];
}

/** What `readTargets` alone finds in a file. */
function readOn(file: string, text: string): Pick<FileFacts, 'targets' | 'typeormNaming' | 'sequelizeDefine'> {
  const f = new TsFile(compilerBackend(ts), ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false), file, text);
  readTargets(f);
  const { targets, typeormNaming, sequelizeDefine } = f.facts;
  return { targets, typeormNaming, sequelizeDefine };
}

describe('the TypeScript targets reader\'s test', () => {
  it('lets through every invented file that names a database, and the dialect finds it', () => {
    const dialect = createTypeScriptDialect(() => ts);
    for (const [file, [text, targets]] of Object.entries(NAMING)) {
      assert.deepEqual(targetsOf(file, text), targets, `${file}: the reader itself`);
      if (targets.length > 0) assert.ok(mayNameTargets(file, text), `${file}: turned away`);
      const facts = dialect.extract(file, text);
      assert.deepEqual(facts.targets ?? [], targets, `${file}: through the dialect`);
      assert.deepEqual(facts.sequelizeDefine, readOn(file, text).sequelizeDefine, `${file}: the define`);
    }
    assert.equal(mayNameTargets('db/migrations/001_users.ts', NAMING['db/migrations/001_users.ts'][0]), false);
  });

  it('turns away only fixture files the reader finds nothing in', () => {
    let away = 0;
    for (const file of listFiles(`${REPO}/test/fixtures`).filter((f) => /\.[cm]?[jt]s$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      if (mayNameTargets(file, text)) continue;
      away++;
      assert.deepEqual(readOn(file, text), { targets: undefined, typeormNaming: undefined, sequelizeDefine: undefined }, file);
    }
    assert.ok(away > 20, `${away} files turned away`);
  });
});
