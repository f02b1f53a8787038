// The command line, turned into a typed command before anything runs. Every mistake is a `UsageError` with one
// sentence, which `main` prints with the usage and exit code 2.

import { parseArgs, ParseArgsConfig } from 'node:util';

export type ScanFormat = 'text' | 'json' | 'sarif' | 'github';
export type IndexFormat = 'text' | 'json';

export type Command =
  | { kind: 'help'; topic?: Topic }
  | { kind: 'version' }
  | {
      kind: 'scan';
      paths: string[];
      format: ScanFormat;
      fix: boolean;
      /** `--fix-migrations`: `--fix` also applies fixes that edit migrations (history that may have run). */
      fixMigrations: boolean;
      config?: string;
      quiet: boolean;
      cache: boolean | string;
      allowEmpty: boolean;
      followSymlinks: boolean;
      /** `--explain unchecked`: list the references that could not be checked with certainty. */
      explain?: 'unchecked';
      /** `--jobs N`: at most N threads parse (1: this thread only, least memory); overrides the config's `jobs`. */
      jobs?: number;
    }
  | { kind: 'index'; path: string; format: IndexFormat; config?: string; quiet: boolean }
  | { kind: 'pull-schema'; databaseUrl?: string; out: string; schemas?: string[]; quiet: boolean };

type Topic = 'scan' | 'index' | 'pull-schema';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly topic?: Topic,
  ) {
    super(message);
  }
}

export const USAGE = `Usage: fkguard <command> [options]

Finds foreign keys that point nowhere (SQLAlchemy, Alembic, TypeORM, Drizzle, Knex, Sequelize, Prisma, SQL):
unknown tables, unknown columns, type mismatches.

Commands:
  scan [PATH...]     Check the model, migration and schema files under PATH (default: the current folder)
  index [PATH]       Print the schema FK Guard built: tables, columns, types, where defined
  pull-schema        Read a PostgreSQL database's tables into a SQL file the scan then reads

Options:
  -h, --help         Show help (also: fkguard <command> --help)
  -V, --version      Show the version

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or a failure.
`;

export const SCAN_USAGE = `Usage: fkguard scan [PATH...] [options]

Checks every foreign key in the Python, TypeScript/JavaScript, Prisma and SQL files under each PATH (default:
.). Honours .gitignore (a PATH named here is scanned even if ignored) and skips node_modules, virtual
environments, site-packages and build output. A scan that reads no file fails (exit 2). File
paths in reports are relative to the deepest folder containing all PATHs, where the configuration file is
also looked for. What files define is cached in your user cache folder ($XDG_CACHE_HOME/fkguard, else
~/.cache/fkguard), signed with a secret that never leaves this machine, so unchanged files are not parsed again.

Options:
  -f, --format FORMAT  text (default), json, sarif (SARIF 2.1.0) or github (workflow annotations)
      --fix            Apply each finding's preferred fix, then scan again and report what remains
                       (fixes that edit a migration are left alone: it may already have run)
      --fix-migrations Like --fix, and also apply the fixes that edit migrations
      --explain unchecked
                       Also list each reference FK Guard could not check with certainty, and why
  -c, --config FILE    Read settings from FILE (.toml, .json, or a pyproject.toml with [tool.fkguard])
                       instead of fkguard.toml, .fkguard.json or pyproject.toml in the scanned folder
  -q, --quiet          Print findings only: no summary, no notes about skipped files
      --jobs N         Parse on at most N threads (1: no worker threads, least memory; default: this
                       thread for the Python files FK Guard's own scanner reads, one thread per core, at
                       most 4, for the rest; also the \`jobs\` setting)
      --no-cache       Parse every file; neither read nor write the cache
      --cache-dir DIR  Keep the cache in DIR instead of the user cache folder
      --allow-empty    Exit 0 when no file was read (by default an empty scan is a failure, exit 2)
      --no-follow-symlinks
                       Do not follow symlinks (links that lead out of the scanned folders never are)
  -h, --help           Show this help

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 bad usage or a failure.
`;

export const INDEX_USAGE = `Usage: fkguard index [PATH] [options]

Prints the schema index FK Guard builds from the files under PATH (default: .): every table, its
columns with their types, and where each is defined.

Options:
  -f, --format FORMAT  text (default) or json
  -c, --config FILE    Read settings from FILE instead of the scanned folder's configuration
  -q, --quiet          No notes about skipped files
  -h, --help           Show this help
`;

export const PULL_SCHEMA_USAGE = `Usage: fkguard pull-schema [options]

Reads the tables of a live PostgreSQL database (names, column types, primary and unique keys; no data) and
writes them as CREATE TABLE statements to a SQL file, which scans then read like any schema dump: keys in the
code are checked against the database's real tables and types. Commit the file, and pull again after migrations
change the database. FK Guard connects only when this command runs, in a read-only transaction.

Options:
      --database-url URL  postgresql://user@host:port/database (else $FKGUARD_DATABASE_URL). Keep the password
                          out of the URL: $PGPASSWORD and ~/.pgpass are read as psql reads them
  -o, --out FILE          Where to write (default: fkguard-schema.sql; - for standard output). Left as it is
                          when nothing changed
      --schema NAME       Read only this schema (repeat for more; default: all but PostgreSQL's own)
  -q, --quiet             No summary line
  -h, --help              Show this help

Exit codes: 0 written (or unchanged), 2 bad usage or the database could not be read.
`;

const SCAN_FORMATS: readonly ScanFormat[] = ['text', 'json', 'sarif', 'github'];
const INDEX_FORMATS: readonly IndexFormat[] = ['text', 'json'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, topic?: Topic) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    // Node's messages are full sentences already ("Unknown option '--frob'..."); keep the first one.
    const message = (err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '.');
    throw new UsageError(message, topic);
  }
}

export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('No command given.');
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = rest[0] === 'scan' || rest[0] === 'index' || rest[0] === 'pull-schema' ? rest[0] : undefined;
    return { kind: 'help', topic };
  }
  if (first === '-V' || first === '--version' || first === 'version') return { kind: 'version' };
  if (first === 'scan') {
    const { values, positionals } = parse(
      rest,
      {
        format: { type: 'string', short: 'f' },
        fix: { type: 'boolean' },
        'fix-migrations': { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        quiet: { type: 'boolean', short: 'q' },
        'no-cache': { type: 'boolean' },
        'cache-dir': { type: 'string' },
        'allow-empty': { type: 'boolean' },
        'no-follow-symlinks': { type: 'boolean' },
        explain: { type: 'string' },
        jobs: { type: 'string', short: 'j' },
        help: { type: 'boolean', short: 'h' },
      },
      'scan',
    );
    if (values.help) return { kind: 'help', topic: 'scan' };
    if (values['no-cache'] === true && typeof values['cache-dir'] === 'string') {
      throw new UsageError('--no-cache and --cache-dir contradict each other; give one of them.', 'scan');
    }
    const format = (values.format ?? 'text') as string;
    if (!(SCAN_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`Unknown format '${format}' (use ${SCAN_FORMATS.join(', ')}).`, 'scan');
    }
    if (values.explain !== undefined && values.explain !== 'unchecked') {
      throw new UsageError(`Unknown --explain topic '${values.explain}' (use unchecked).`, 'scan');
    }
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) {
      throw new UsageError(`--jobs must be a whole number from 1 to 64, not '${values.jobs}'.`, 'scan');
    }
    return {
      ...(values.explain === 'unchecked' ? { explain: 'unchecked' as const } : {}),
      ...(jobs !== undefined ? { jobs } : {}),
      kind: 'scan',
      paths: positionals.length > 0 ? positionals : ['.'],
      format: format as ScanFormat,
      fix: values.fix === true || values['fix-migrations'] === true,
      fixMigrations: values['fix-migrations'] === true,
      ...(typeof values.config === 'string' ? { config: values.config } : {}),
      quiet: values.quiet === true,
      cache: values['no-cache'] === true ? false : typeof values['cache-dir'] === 'string' ? values['cache-dir'] : true,
      allowEmpty: values['allow-empty'] === true,
      followSymlinks: values['no-follow-symlinks'] !== true,
    };
  }
  if (first === 'index') {
    const { values, positionals } = parse(
      rest,
      {
        format: { type: 'string', short: 'f' },
        config: { type: 'string', short: 'c' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      'index',
    );
    if (values.help) return { kind: 'help', topic: 'index' };
    const format = (values.format ?? 'text') as string;
    if (!(INDEX_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`Unknown format '${format}' (use ${INDEX_FORMATS.join(', ')}).`, 'index');
    }
    if (positionals.length > 1) throw new UsageError('index takes one PATH.', 'index');
    return {
      kind: 'index',
      path: positionals[0] ?? '.',
      format: format as IndexFormat,
      ...(typeof values.config === 'string' ? { config: values.config } : {}),
      quiet: values.quiet === true,
    };
  }
  if (first === 'pull-schema') {
    const { values, positionals } = parse(
      rest,
      {
        'database-url': { type: 'string' },
        out: { type: 'string', short: 'o' },
        schema: { type: 'string', multiple: true },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      'pull-schema',
    );
    if (values.help) return { kind: 'help', topic: 'pull-schema' };
    if (positionals.length > 0) throw new UsageError(`pull-schema takes no PATH ('${positionals[0]}'); use --out FILE.`, 'pull-schema');
    if (values.out === '') throw new UsageError('--out needs a file name (or - for standard output).', 'pull-schema');
    const schemas = values.schema?.map((s) => s.trim());
    if (schemas?.some((s) => s === '')) throw new UsageError('--schema needs a schema name.', 'pull-schema');
    return {
      kind: 'pull-schema',
      ...(typeof values['database-url'] === 'string' ? { databaseUrl: values['database-url'] } : {}),
      out: values.out ?? 'fkguard-schema.sql',
      ...(schemas?.length ? { schemas } : {}),
      quiet: values.quiet === true,
    };
  }
  if (first.startsWith('-')) throw new UsageError(`Unknown option '${first}'.`);
  throw new UsageError(`Unknown command '${first}' (use scan, index or pull-schema).`);
}
