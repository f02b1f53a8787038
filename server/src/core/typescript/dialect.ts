import type { ts } from 'ts-morph';
import type { SourceDialect } from '../dialect';
import { FileFacts } from '../types';
import { TsApi, TsFile } from './context';
import { fastParse } from './fastParse';
import { compilerBackend, FAST_BACKEND, TreeBackend } from './syntax';
import { readDrizzle, readDrizzleCasing } from './drizzle';
import { scanTsConstants } from './constantsScan';
import { readDbMigrate } from './dbMigrate';
import { readEmbeddedSql } from './embeddedSql';
import { readTypeormRunOrder } from './typeormMigrations';
import { readKnex, readKnexSearchPath } from './knex';
import { readKysely } from './kysely';
import { readSequelize } from './sequelize';
import { isKnexfile, mayNameTargets, namesDatabase, readTargets } from './targets';
import { readTypeorm } from './typeorm';
import { readTypeormSources } from './typeormSources';

export const TYPESCRIPT_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/**
 * Whether a TypeScript or JavaScript file can define or reference a table: it imports an ORM, declares
 * Sequelize associations, or it is a migration that creates tables without importing anything (Knex's `exports.up`, sequelize-cli's
 * `queryInterface`). Everything else is never parsed, so the compiler loads only when such a file exists.
 */
export function isTypeScriptCandidate(text: string): boolean {
  return /(?:from\s*|require\s*\(\s*)['"](?:typeorm|sequelize|sequelize-typescript|@sequelize\/core|drizzle-orm(?:\/[\w-]+)?|knex)['"]/.test(text)
    // A migration that only alters, renames or drops tables (`knex.schema.renameTable('beds', 'cots')`) changes what
    // later migrations may reference, so it is read too.
    // (Each of these words holds `Table`, `queryInterface` or `.define`, which are found far sooner than the words.)
    || ((text.includes('Table') || text.includes('queryInterface') || text.includes('.define')) && /\b(?:createTable(?:Like)?|alterTable|renameTable|dropTable|queryInterface|sequelize\.define)\b/.test(text))
    // Knex's `knex.schema.table('t', cb)` (alterTable's other name) in a migration that makes no table itself.
    || (text.includes('schema') && /\bschema\s*\.\s*(?:withSchema\s*\([^()]{0,200}\)\s*\.\s*)?table\s*\(/.test(text))
    // Sequelize associations declared apart from their models (`Parcel.belongsTo(Sender, { foreignKey: { field } })`
    // in an associations file that imports only the models): a column rename edits their `field` (rename.ts). Only
    // a `foreignKey` object with a `field`, which is Sequelize's own, so other code (a client-side ORM) is not read.
    || (/\bforeignKey\s*:\s*\{[^{}]*\bfield\s*:/.test(text) && /\.\s*(?:belongsTo|hasOne|hasMany)\s*\(/.test(text))
    // A relations module given the models (`module.exports = ({ Farm, Barn }) => { Barn.hasMany(Farm, ...) }`, R15-14).
    || (/\.\s*(?:belongsTo|hasOne|hasMany|belongsToMany)\s*\(/.test(text) && /\bmodule\.exports\s*=|\bexport\s+default\b/.test(text))
    || EMBEDDED_DDL.test(text)
    // A db-migrate migration that changes a table through its schema API alone (`db.addColumn('t', 'c', {...}, cb)`,
    // `db.addForeignKey(...)`): `exports.up` and such a call.
    || (text.includes('exports.up') && DB_MIGRATE_SCHEMA_CALL.test(text))
    // db-migrate's `db.runSql(script)`, whose DDL may follow a `CREATE FUNCTION` or an `INSERT` (see `embeddedSql.ts`).
    || (text.includes('runSql') && MENTIONS_SQL.test(text));
}

const DB_MIGRATE_SCHEMA_CALL = /\.\s*(?:addColumn|addForeignKey|removeForeignKey|addIndex|removeIndex|removeColumn|renameColumn|changeColumn)\s*(?:\.\s*bind\s*)?\(/;

/**
 * SQL DDL in a string (`queryRunner.query('CREATE TABLE …')`, a `sql` template): a quote or backtick, then
 * the statement's first words. See `embeddedSql.ts`.
 */
const EMBEDDED_DDL = /[`'"]\s*(?:(?:--[^\n]*\n|\/\*[\s\S]{0,200}?\*\/)\s*)*(?:(?:create|alter)\s+table|create\s+unique\s+index)\b/i;

/**
 * A minified or bundled file (`*.min.js`, or a line with more code on it than any hand-written line has;
 * blanks do not count, so a long run of spaces is not taken for a bundle): never model code, and slow to
 * walk. It is not read, whatever it mentions.
 */
export function isMinified(file: string, text: string): boolean {
  if (/\.min\.[cm]?js$/.test(file)) return true;
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (end - start > MAX_LINE && text.slice(start, end).replace(/\s+/g, '').length > MAX_LINE) return true;
    start = end + 1;
  }
  return false;
}

const MAX_LINE = 20_000;

const TARGET_WORDS = /\b(?:DataSource|createConnections?|forRoot|knex|Knex|client|dialect|Sequelize)\b|drizzle-orm\/\w+-core|Dialect\b/;

/**
 * Runs, in this order, each reader that may find something in the file. Written out rather than a table of
 * tests and readers: a call through a table sees every reader, and the JIT compiled `extract` twice for it.
 */
function readAll(f: TsFile, file: string, text: string): void {
  if (MENTIONS_TYPEORM.test(text)) readTypeorm(f);
  if (MENTIONS_TYPEORM.test(text) && NAMES_TYPEORM_SOURCE.test(text)) readTypeormSources(f);
  if (MENTIONS_DRIZZLE.test(text)) readDrizzle(f);
  if (NAMES_DRIZZLE_CASING.test(text)) readDrizzleCasing(f);
  if (MENTIONS_KNEX.test(text)) readKnex(f);
  if (isKnexfile(file) || (text.includes('searchPath') && /['"]knex['"]/.test(text))) readKnexSearchPath(f, isKnexfile(file));
  if (MENTIONS_KYSELY.test(text)) readKysely(f);
  // A db-migrate migration's `db.createTable('t', {...})` is db-migrate's, not sequelize-cli's.
  const dbMigrate = MENTIONS_DB_MIGRATE.test(text) && readDbMigrate(f);
  if (MENTIONS_SEQUELIZE.test(text)) readSequelize(f, dbMigrate);
  // Last: its statements take their place among the operations the readers above found.
  if (MENTIONS_SQL.test(text)) readEmbeddedSql(f);
  if (f.facts.migration && MENTIONS_TYPEORM.test(text)) readTypeormRunOrder(f);
  if (TARGET_WORDS.test(text) && mayNameTargets(file, text)) readTargets(f);
}

const MENTIONS_TYPEORM = /typeorm/;
/** A TypeORM data source's options may be written here (see `typeormSources.ts`). */
const NAMES_TYPEORM_SOURCE = /\bDataSource\b|createConnections?\b|\bforRoot(?:Async)?\b|(?:Connection|TypeOrmModule)Options\b/;
const MENTIONS_DRIZZLE = /drizzle-orm/;
/** A `drizzle(...)` call of a drizzle-orm driver, or a drizzle-kit config (see `readDrizzleCasing`). */
const NAMES_DRIZZLE_CASING = /drizzle-orm\/|drizzle-kit/;
const MENTIONS_KYSELY = /\b(?:createTable|alterTable|dropTable|createIndex|dropIndex)\b/;
const MENTIONS_KNEX = /\bknex\b|createTable|alterTable|\.table\(|dropTable|renameTable/i;
// sequelize-cli's parameters may have any names (`up: async (q, S) => q.createTable('t', { ... })`): a table
// built from an object of attributes, not Knex's callback, says Sequelize too.
const MENTIONS_SEQUELIZE = /sequelize|queryInterface|\.(?:belongsTo|hasOne|hasMany|belongsToMany)\s*\(|\.(?:createTable|addColumn|changeColumn)\(\s*['"`][^'"`\n]{0,200}['"`]\s*,\s*\{/i;
/** A call of db-migrate's schema API (see `dbMigrate.ts`). */
const MENTIONS_DB_MIGRATE = /\.\s*(?:runSql|createTable|addColumn|addForeignKey|removeForeignKey|addIndex|removeIndex|removeColumn|renameColumn|changeColumn|renameTable|dropTable)\b/;
const MENTIONS_SQL = /\b(?:create|alter|drop)\s+table\b|\bcreate\s+unique\s+index\b/i;

/**
 * The name each file is parsed under: only its extension matters (it decides how the text is parsed: JSX
 * aside, `.js` allows what `.ts` does not).
 */
const SCRATCH = '/fkguard/scratch';

export interface TypeScriptDialectOptions {
  /**
   * Whether a file is first given to `fastParse.ts`, which makes the compiler's tree for the code it knows
   * without loading the compiler (default on). Off, the compiler parses every file: the reference the fast
   * parser is proven against (bench/ts-tree-equivalence.mjs, bench/equivalence.mjs).
   */
  fastParser?: boolean;
}

/**
 * The TypeScript dialect: TypeORM, Drizzle, Knex and Sequelize files, parsed by the TypeScript compiler (or, for
 * the code it knows, by `fastParse.ts`, which makes the same tree) and read on that tree. `load` returns the
 * compiler's API; it is called on the first file the fast parser does not read, never before.
 */
export function createTypeScriptDialect(load: () => TsApi, options: TypeScriptDialectOptions = {}): SourceDialect {
  const fast = options.fastParser ?? true;
  let ts: TsApi | undefined;
  let backend: TreeBackend | undefined;
  // A scan asks `skipReason` and then `isCandidate` of each file, with the same text: the candidate tests, a tenth
  // of a scan of a Node app, run once for both (the last file's answer is kept; equal file and text, equal answer).
  let lastFile: string | undefined;
  let lastText: string | undefined;
  let lastAnswer = false;
  // A knexfile or a sequelize-cli config imports nothing, but says which database the project runs on.
  const mayDefine = (file: string, text: string): boolean => {
    if (file !== lastFile || text !== lastText) {
      lastAnswer = isTypeScriptCandidate(text) || namesDatabase(file, text);
      lastFile = file;
      lastText = text;
    }
    return lastAnswer;
  };
  return {
    language: 'typescript',
    extensions: TYPESCRIPT_EXTENSIONS,
    isCandidate: (file, text) => mayDefine(file, text) && !isMinified(file, text),
    // Constants shared with migrations live in files that use no ORM: read without the compiler.
    constantsOnly: (file, text) => (isMinified(file, text) ? undefined : scanTsConstants(file, text)),
    skipReason: (file, text) =>
      mayDefine(file, text) && isMinified(file, text)
        ? `minified or bundled (a \`.min.js\` name, or a line of more than ${MAX_LINE.toLocaleString('en-US')} characters of code): never model code, so not read`
        : undefined,
    extract(file: string, text: string): FileFacts {
      const tree = fast ? fastParse(text, /\.[cm]?js$/.test(file)) : undefined;
      let f: TsFile;
      if (tree) {
        // The compiler's tree, made without it: a file the fast parser reads whole has no syntax error.
        f = new TsFile(FAST_BACKEND, tree as unknown as ts.SourceFile, file, text);
      } else {
        ts ??= load();
        backend ??= compilerBackend(ts);
        f = new TsFile(backend, parse(ts, file, text), file, text);
        parseErrors(f);
      }
      // Each reader walks the whole tree: only those that may find something in the text run (on a TypeORM
      // entity, the Knex reader alone took longer than the TypeORM one).
      readAll(f, file, text);
      f.collectConstants();
      return f.facts;
    },
  };
}

/**
 * One file's syntax tree, parsed by the compiler alone. Nothing else is needed: no reader asks for a type or a
 * symbol, and imports are resolved by FK Guard's own rules (`resolveSpecifier`). The tree is parsed as a
 * ts-morph `Project` parsed it (latest syntax, the kind of script told by the extension), and read as it is: no
 * project holds it, no wrapper is made for its nodes (see `syntax.ts`). Parent links are not set: the parser's
 * pass that sets them took a third of the parse (ts1k bench), and the few readers that go up the tree ask
 * `Syntax.withParents` for them.
 */
function parse(ts: TsApi, file: string, text: string): ts.SourceFile {
  const ext = /\.[cm]?[jt]s$/.exec(file)?.[0] ?? '.ts';
  return ts.createSourceFile(`${SCRATCH}${ext}`, text, ts.ScriptTarget.Latest, false);
}

/** The parser's own diagnostics: a half-typed file still yields what it can, and says what it could not read. */
function parseErrors(f: TsFile): void {
  const diagnostics = (f.tree as unknown as { parseDiagnostics?: Array<{ start?: number; length?: number; messageText: unknown }> }).parseDiagnostics ?? [];
  for (const d of diagnostics) {
    const start = d.start ?? 0;
    const message = typeof d.messageText === 'string' ? d.messageText : 'syntax error';
    f.facts.errors.push({ message, span: { start, end: start + (d.length ?? 0) } });
  }
}
