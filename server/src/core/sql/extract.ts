import type {
  AlterIndexStatement,
  AlterTableStatement,
  CreateColumnDef,
  CreateIndexStatement,
  CreateTableStatement,
  DataTypeDef,
  DropStatement,
  Name,
  NodeLocation,
  QName,
  Statement,
  TableReference,
} from 'pgsql-ast-parser';
import { emptyFacts } from '../facts';
import { ColumnFact, CoreTableFact, FileFacts, MigrationOp, NameExpr, Span, TypeFact } from '../types';
import { blankChecks, blankComments, blankIndexOptions, deferrableKeys, doBlockStatements, foreignDialect, RESERVED_STANDIN, unquoteName } from './normalize';
import { MysqlStatement, mysqlIndexNames, readMysqlStatement } from './mysqlAlter';
import { pgDefaultName } from './names';
import { splitStatements, SqlStatement } from './split';
import { bareReferenceRefused, readDdl } from './ddlReader';
import { sqlTypeOf } from './types';

declare const require: (id: string) => unknown;
let pgsql: typeof import('pgsql-ast-parser') | undefined;

/**
 * pgsql-ast-parser compiles its grammar when it loads: a third of the CLI's start-up. It loads on the first
 * statement that may define a table (see `SqlExtractor.parse`), so a scan with no DDL to read never pays.
 */
function parse(text: string, options: { locationTracking: boolean }): Statement[] {
  pgsql ??= require('pgsql-ast-parser') as typeof import('pgsql-ast-parser');
  return pgsql.parse(text, options);
}

/** A check's condition read by the parser, for the hand-written reader (see `CheckParser`). */
function parseCheck(text: string): unknown {
  pgsql ??= require('pgsql-ast-parser') as typeof import('pgsql-ast-parser');
  return pgsql.parse(text, { entry: 'expr_paren', locationTracking: true });
}

/** The first word of every statement the extractor reads (`CREATE`, `ALTER`, `DROP`), after blanks. */
const DDL_LEAD = /^\s*(?:create|alter|drop)\b/i;

/**
 * A file in a migrations folder (`migrations/0002_posts.sql`, Prisma's `migrations/2024_init/migration.sql`)
 * or named like a versioned migration (`V2__posts.sql`, `0002_posts.sql`): its statements are a step of
 * history, replayed in path order with the other migrations. Any other SQL file defines tables as they are.
 */
/**
 * A file a migration tool runs only to roll back, never on the way up: golang-migrate's and sqlx's `1_x.down.sql`,
 * Postgrator's `001.undo.x.sql`, Flyway's undo `U2__x.sql`, Diesel's `down.sql`
 * beside its `up.sql`, Sqitch's `revert/` folder. Replaying it with the rest dropped what its `up` made (a
 * Postgrator `undo` sorts right after its `do`: every later key to the table became a false unknown-table, R16-12),
 * so it is no candidate: its statements are neither history nor schema.
 */
export function isRollbackMigration(file: string): boolean {
  const slash = file.lastIndexOf('/');
  const base = file.slice(slash + 1);
  if (!/\.sql$/i.test(base)) return false;
  // `.down.sql` after the name (`1_x.down.sql`), Diesel's `down.sql`, Postgrator's `<n>.undo.`. Not `_down.sql`:
  // `20240101_count_down.sql` is a migration of its own (R16-13), whose tables later keys point at.
  if (/(?:^|\.)down\.sql$/i.test(base) || /^\d+\.undo\./i.test(base)) return true;
  if (/^U\d+(?:[._]\d+)*__/.test(base)) return true;
  return /(?:^|\/)revert\//.test(file.slice(0, slash + 1));
}

export function isSqlMigration(file: string, text?: string): boolean {
  const base = file.split('/').pop() ?? file;
  return /(^|\/)(migrations?|migrate)\//i.test(file) || /^(V\d+(_\d+)*__|\d+[_.-])/.test(base) || isDrizzleKitMigration(file, text);
}

/**
 * A migration drizzle-kit wrote, whatever its name (`migrations: { prefix: 'none' }` writes `<tag>.sql`, no number): a
 * `.sql` file right in drizzle-kit's default `drizzle/` folder, or one holding its `--> statement-breakpoint` marks.
 */
function isDrizzleKitMigration(file: string, text: string | undefined): boolean {
  return /(?:^|\/)drizzle\/[^/]+\.sql$/.test(file) || (text !== undefined && text.includes('--> statement-breakpoint'));
}

/**
 * The facts of a SQL file, statement by statement, through pgsql-ast-parser (PostgreSQL's grammar). A
 * statement it cannot read (another dialect, syntax it lacks) is skipped and listed in `errors`; the rest of
 * the file is still read. `CREATE TABLE` gives a table with its columns, keys and foreign keys; `ALTER TABLE`
 * adds columns, keys and foreign keys; in a migration they are operations of history instead. `migration` is
 * decided by the path unless the caller knows better (SQL embedded in a TypeScript migration's `up`).
 */
export function extractSql(file: string, text: string, migration: boolean = isSqlMigration(file, text), reading: SqlReading = 'fast'): FileFacts {
  const x = new SqlExtractor(file, text, migration, reading);
  if (isClickHouse(file, text)) {
    // ClickHouse has no foreign keys, and its DDL is not PostgreSQL's: nothing to read, said once.
    const all = splitStatements(text);
    const at = all.length > 0 ? all[0].start + leadOf(all[0].text) : 0;
    x.facts.errors.push({
      message: `FK Guard does not read ClickHouse DDL (ClickHouse has no foreign keys): ${all.length} statement${all.length === 1 ? '' : 's'} of this file skipped`,
      span: { start: at, end: at },
      note: true,
      group: 'clickhouse',
    });
    return x.facts;
  }
  // A file written in up and down parts: the tool cuts it at each marker line and runs the up parts as they are, so a
  // statement ends at the next marker, `;` or not (R16-2: dbmate's last up statement written without one).
  for (const [from, to] of upSections(text)) {
    const part = from === 0 && to === text.length ? text : text.slice(from, to);
    for (const s of splitStatements(part)) x.statement(from === 0 ? s : { ...s, start: s.start + from });
  }
  return x.facts;
}

/**
 * How statements are read: `fast` through the hand-written reader first (`readDdl`), with the statements whose result
 * nothing reads skipped before any parser (`UNREAD_STATEMENT`); `parser` through pgsql-ast-parser alone, as before
 * the reader, kept so tests can prove both give the same facts.
 */
export type SqlReading = 'fast' | 'parser';

/** Whether a statement can make, change or drop a table, a key or a foreign key (see `SCHEMA_STATEMENT`). */
export function isSchemaStatement(text: string): boolean {
  const lead = leadOf(text);
  const head = text.slice(lead, lead + 300);
  return SCHEMA_STATEMENT.test(head) && !ALTER_WITHOUT_SCHEMA.test(head) && !TABLE_AS_QUERY.test(head);
}

/** The length of the blanks and comments a statement's text starts with. */
function leadOf(text: string): number {
  return /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(text)![0].length;
}

/**
 * A ClickHouse file: in a folder named `clickhouse` (`db/clickhouse/migrations/`), or making a table with a
 * ClickHouse engine (`ENGINE = ReplacingMergeTree`, `ON CLUSTER`). MySQL's engines (`InnoDB`, `MEMORY`) are
 * no sign, and neither is a file name (`clickhouse_outbox.sql` may well be MySQL).
 */
export function isClickHouse(file: string, text: string): boolean {
  return (file.endsWith('.sql') && /(^|\/)clickhouse\//i.test(file)) || /\bengine\s*=?\s*(?:replicated|shared)?\w*mergetree\b|\bon\s+cluster\b/i.test(text);
}

/**
 * A line that opens a migration file's up or down part: `-- Up` (node `sqlite`), `-- +goose Down`, `-- migrate:up` (dbmate),
 * `-- +migrate Down` (sql-migrate), `-- ==== UP ====` (shmig).
 */
const SECTION = /^[ \t]*--[ \t]*(?:\+goose[ \t]+|\+migrate[ \t]+|migrate:|={2,}[ \t]*)?(up|down)\b[ \t]*(?:={2,}[ \t]*)?$/gim;

/** tern's line between a migration's up SQL (above) and its down SQL (below): tern runs only what is above it. */
const TERN_SPLIT = /^[ \t]*-{4}[ \t]*create above \/ drop below[ \t]*-{4}[ \t]*$/im;

/**
 * The parts of a file the tool runs, as [from, to) ranges: the whole text, or what is above tern's split line (R16-14),
 * or, in a file written in up and down parts,
 * the text before the first marker and each part an up marker opens, up to the next marker of either kind. A down
 * part (from a down marker to the next marker or the end) is no step of history and defines nothing. A file with no
 * up marker has no parts; a `-- down` comment alone may be any remark.
 */
function upSections(text: string): Array<[number, number]> {
  const tern = TERN_SPLIT.exec(text);
  if (tern) return [[0, tern.index]];
  const marks = [...text.matchAll(SECTION)].map((m) => ({ at: m.index!, down: m[1].toLowerCase() === 'down' }));
  if (!marks.some((m) => !m.down)) return [[0, text.length]];
  const out: Array<[number, number]> = [];
  if (marks[0].at > 0) out.push([0, marks[0].at]);
  for (const [i, m] of marks.entries()) if (!m.down) out.push([m.at, marks[i + 1]?.at ?? text.length]);
  return out;
}

/** A name as written in messages: `depots`, `archive.depots`. */
function qualified(q: QName): string {
  return q.schema ? `${q.schema}.${q.name}` : q.name;
}

/** `public` as no schema, as `schemaOf` keeps it. */
function publicAsNone(schema: string | undefined): string | undefined {
  return schema === 'public' ? undefined : schema;
}

/**
 * `SET search_path TO app, public` (or `= ...`, `SET SESSION`/`SET LOCAL`): the schemas in order, unquoted names folded
 * to lower case, `"$user"`, `pg_catalog` and `pg_temp` left out; `'default'` for `TO DEFAULT`; undefined for any other statement.
 */
export function searchPathOf(text: string): string[] | 'default' | undefined {
  const m = /^\s*set\s+(?:session\s+|local\s+)?search_path\s*(?:to|=)\s*([^;]*?)\s*;?\s*$/i.exec(blankComments(text));
  if (!m) return undefined;
  if (/^default$/i.test(m[1])) return 'default';
  const out: string[] = [];
  for (const part of m[1].split(',')) {
    const p = part.trim();
    const name = unquoteName(p, true);
    if (name === '' || name === '$user' || name === 'pg_catalog' || name === 'pg_temp') continue;
    out.push(name);
  }
  return out.length > 0 ? out : 'default';
}

/**
 * What a MySQL `SET` statement does to the session's `foreign_key_checks`: `SET FOREIGN_KEY_CHECKS = 0`, `SET
 * @@session.foreign_key_checks = ON`, mysqldump's `/*!40014 SET FOREIGN_KEY_CHECKS=0 *\/` (MySQL and MariaDB run the
 * text of a `/*!` comment). 'unknown' for a value FK Guard does not read (`@OLD_FOREIGN_KEY_CHECKS`, `DEFAULT`) and for
 * an assignment that may be global (`SET GLOBAL ...` leaves the session's value as it was, which the file does not
 * say; the modifier holds for the assignments after it); undefined for a statement that does not set them.
 */
export function keyChecksOf(text: string): 'on' | 'off' | 'unknown' | undefined {
  if (!/foreign_key_checks/i.test(text)) return undefined;
  // The executable comments' text, then every other comment blanked.
  const plain = blankComments(text.replace(/\/\*M?!\d*([\s\S]*?)\*\//g, ' $1 '));
  const m = /^\s*set\s+([\s\S]*?)\s*;?\s*$/i.exec(plain);
  if (!m) return undefined;
  let result: 'on' | 'off' | 'unknown' | undefined;
  let globalScope = false;
  for (const part of m[1].split(',')) {
    const a = /^\s*(?:(global|session|local|persist|persist_only)\s+)?(?:@@(?:(global|session|local|persist|persist_only)\s*\.\s*)?)?([A-Za-z_][\w$]*)\s*:?=\s*([\s\S]*?)\s*$/i.exec(part);
    if (!a) continue;
    const scope = (a[1] ?? a[2])?.toLowerCase();
    if (a[1]) globalScope = !/^(session|local)$/i.test(a[1]);
    if (a[3].toLowerCase() !== 'foreign_key_checks') continue;
    const global = scope ? !/^(session|local)$/.test(scope) : globalScope;
    const value = a[4].replace(/^'(.*)'$/, '$1').toLowerCase();
    result = global ? 'unknown' : /^(1|on|true)$/.test(value) ? 'on' : /^(0|off|false)$/.test(value) ? 'off' : 'unknown';
  }
  return result;
}

/** `public` is PostgreSQL's default schema: `public.users` is the `users` every other source names. */
function schemaOf(q: QName): string | undefined {
  return q.schema && q.schema !== 'public' ? q.schema : undefined;
}

class SqlExtractor {
  readonly facts: FileFacts;
  private readonly migration: boolean;
  private ops: MigrationOp[] = [];
  /** Where the statement being read starts, since the parser's locations are relative to it. */
  private base = 0;
  private inserted: Array<{ at: number; length: number }> = [];
  /**
   * The schemas of the last `SET search_path TO app, public` of this file, in order (PostgreSQL's `"$user"`,
   * `pg_catalog` and `pg_temp` left out); undefined before one (or after `SET search_path TO DEFAULT`): `public` alone then.
   */
  private searchPath: string[] | undefined;
  /** The column lists of the statement's `DEFERRABLE` unique and primary keys (see `deferrableKeys`), unquoted, in lower case. */
  private deferrable: string[][] = [];
  /** MySQL's `foreign_key_checks` as this file's `SET` statements so far leave them; undefined where it does not say. */
  private keyChecks: 'on' | 'off' | undefined;
  /** The text of the statement being read, comments blanked. */
  private plain = '';

  constructor(
    file: string,
    private readonly text: string,
    migration: boolean,
    private readonly reading: SqlReading,
  ) {
    this.facts = emptyFacts(file, text, 'sql');
    this.migration = migration;
    if (this.migration) this.facts.migration = { ops: this.ops };
  }

  statement(s: SqlStatement): void {
    // A `DO` block's DDL is read statement by statement; the PL/pgSQL around it says nothing about the schema.
    const inner = doBlockStatements(s.text, s.start);
    if (inner) {
      for (const i of inner) this.statement(i);
      return;
    }
    const checks = keyChecksOf(s.text);
    if (checks !== undefined) {
      this.keyChecks = checks === 'unknown' ? undefined : checks;
      return;
    }
    const path = searchPathOf(s.text);
    if (path !== undefined) {
      this.searchPath = path === 'default' ? undefined : path;
      return;
    }
    if (this.setSchema(s) || this.renameTables(s) || this.setPersistence(s) || this.constraintUsingIndex(s)) return;
    const parsed = this.parse(s);
    if (!parsed) return;
    this.deferrable = /deferrable/i.test(s.text) ? deferrableKeys(s.text).map((k) => k.map((n) => unquoteName(n, false).toLowerCase())) : [];
    const position = this.ops.length;
    const firstRef = this.facts.references.length;
    for (const st of parsed) {
      switch (st.type) {
        case 'create table':
          this.createTable(st);
          break;
        case 'alter table':
          this.alterTable(st);
          break;
        case 'create index':
          this.createIndex(st);
          break;
        case 'drop table':
          this.dropTable(st);
          break;
        case 'drop index':
          this.dropIndex(st);
          break;
        case 'alter index':
          this.alterIndex(st);
          break;
        default:
          break;
      }
    }
    if (!this.migration) return;
    if (this.facts.references.length > firstRef && this.ops.length === position) this.ops.push({ op: 'foreign_key' });
    for (const r of this.facts.references.slice(firstRef)) {
      r.migrationOp = position;
      if (this.keyChecks) r.keyChecks = this.keyChecks;
    }
  }

  /**
   * Parses one statement. PostgreSQL lets `REFERENCES users` name no column (the primary key is meant), which
   * the parser does not accept: such a statement is read again with `(id)`-like placeholders inserted, whose
   * references are then left out, so the table still counts.
   */
  private parse(s: SqlStatement): Statement[] | undefined {
    this.base = s.start;
    // Comments go first (PostgreSQL ignores them; the parser's lexer trips on quotes and accents in them).
    // A statement PostgreSQL's grammar refuses is read again as SQLite or MySQL DDL, then with placeholders.
    const plain = blankComments(s.text);
    this.plain = plain;
    const foreign = foreignDialect(plain);
    // Only a `CREATE`, `ALTER` or `DROP` can parse to a statement `statement` reads; anything else parsed to
    // nothing used, or failed and was skipped without a word unless `isSchemaStatement` (the test below) holds.
    // Skipping it before the parser gives the same facts without its cost (an `INSERT` of a data migration can
    // take longer to parse than all the DDL of the file).
    if (!DDL_LEAD.test(plain) && !DDL_LEAD.test(foreign) && !isSchemaStatement(s.text)) return undefined;
    // A function, view, trigger, sequence, type, extension or plain index: parsed, it is a statement `statement` does not
    // read; refused, it was skipped without a word (it is no `isSchemaStatement`). Either way nothing came of it.
    if (this.reading === 'fast' && UNREAD_STATEMENT.test(plain) && UNREAD_STATEMENT.test(foreign) && !isSchemaStatement(s.text)) return undefined;
    const read = (text: string): Statement[] => (this.reading === 'fast' ? readDdl(text, parseCheck) : undefined) ?? parse(text, { locationTracking: true });
    let first: unknown;
    // `sources[i]` is the text `texts[i]` was made from (itself, or before its checks were blanked): it says
    // whether the names are restored to their case as written.
    const attempt = (texts: string[], sources: string[] = texts): Statement[] | undefined => {
      for (let k = 0; k < texts.length; k++) {
        const text = texts[k];
        const source = sources[k];
        this.inserted = [];
        // `REFERENCES users` with no column, which the parser is sure to refuse (see `bareReferenceRefused`): straight
        // to the text with placeholders, when the reader reads that; the parser would refuse, then read the same.
        if (this.reading === 'fast' && bareReferenceRefused(text)) {
          const patched = withPlaceholders(text);
          const tree = patched && readDdl(patched.text, parseCheck);
          if (tree) {
            this.inserted = patched.inserted;
            return this.restoreCase(tree, source !== plain || source === foreign);
          }
        }
        try {
          return this.restoreCase(read(text), source !== plain || source === foreign);
        } catch (e) {
          first ??= e;
        }
        const patched = withPlaceholders(text);
        if (patched) {
          try {
            this.inserted = patched.inserted;
            return this.restoreCase(read(patched.text), source !== plain || source === foreign);
          } catch {
            // Reported below with the parser's first message.
          }
        }
      }
      return undefined;
    };
    const sources = foreign === plain ? [plain] : [plain, foreign];
    const parsed = attempt(sources);
    if (parsed) return parsed;
    // A `CHECK (...)` the parser cannot read (`(amount).amount`, a composite type's field) says nothing of tables,
    // keys or foreign keys: read again with each check's condition blanked to `true`, and with the index options the
    // parser lacks blanked too (see `blankIndexOptions`).
    const unchecked = sources.map((t) => blankIndexOptions(blankChecks(t)));
    if (unchecked.some((t, k) => t !== sources[k])) {
      const again = attempt(unchecked, sources);
      if (again) return again;
    }
    // MySQL's `CHANGE`, `MODIFY`, `DROP INDEX`, ...: read by hand, the statement's other clauses by the parser.
    const mysql = readMysqlStatement(foreign);
    if (mysql) {
      const rest = mysql.rest === undefined ? [] : attempt([mysql.rest]);
      if (rest) {
        this.mysqlClauses(mysql);
        return rest;
      }
    }
    this.inserted = [];
    const lead = leadOf(s.text);
    // `CREATE TABLE farms_sel AS SELECT id, code FROM farms` makes a table, with the columns of a query FK Guard does
    // not read (and no key): a reference to it is unchecked, not to a table that does not exist.
    const query = TABLE_AS_QUERY.exec(plain.slice(lead));
    if (query) {
      const text = plain.slice(lead + query[0].length - 2).replace(/\s+/g, ' ').trim();
      this.unparsedTable(s, plain, lead, text.length > 60 ? `${text.slice(0, 59)}…` : text);
      return undefined;
    }
    // A statement that cannot make, change or drop a table, a key or a foreign key (a `GRANT`, a function, an
    // `INSERT`, a `PRAGMA`, a plain index) costs nothing unread: it is skipped without a word.
    if (!isSchemaStatement(s.text)) return undefined;
    // The parser's own line and column count from the statement, not the file: the span says where.
    const lines = (first instanceof Error ? first.message : String(first)).split('\n').map((l) => l.trim());
    const unexpected = lines.find((l) => /^Unexpected/.test(l))?.replace(/\s*(?:Instead, I was expecting|I did not expect any more input).*$/, '');
    const why = unexpected || lines[0]?.replace(/\s*at line \d+ col \d+:?$/, '') || 'syntax error';
    this.facts.errors.push({
      message: `FK Guard skipped this statement, which its SQL parser (PostgreSQL) cannot read: ${why}`,
      span: { start: s.start + lead, end: s.start + s.text.length },
      lost: 'the tables, keys and foreign keys it defines',
    });
    this.unparsedTable(s, plain, lead);
    return undefined;
  }

  /**
   * The table a `CREATE TABLE` the parser refused makes (an `EXCLUDE USING gist`, a name the parser's lexer
   * trips on): it exists once the statement runs, with columns FK Guard does not know, so a reference to it
   * is unchecked rather than an unknown table. `query`: the table is made from a query (`AS SELECT ...`, as
   * written), whose columns FK Guard does not read.
   */
  private unparsedTable(s: SqlStatement, plain: string, lead: number, query?: string): void {
    const m = UNPARSED_CREATE_TABLE.exec(plain);
    if (!m) return;
    const nameAt = m[0].length - m[2].length;
    const quoted = /^["`[]/.test(m[2]);
    const schema = m[1] ? unquoteName(m[1].replace(/\s*\.\s*$/, ''), false) : undefined;
    this.facts.tables.push({
      name: { kind: 'literal', value: unquoteName(m[2], false) },
      ...(schema !== undefined && schema !== 'public' ? { schema } : {}),
      columns: [],
      keys: [],
      span: { start: s.start + lead, end: s.start + s.text.length },
      nameSpan: { start: s.start + nameAt + (quoted ? 1 : 0), end: s.start + m[0].length - (quoted ? 1 : 0) },
      origin: this.migration ? 'migration' : 'core',
      ...(query !== undefined ? { columnsFrom: query } : { unparsed: true as const }),
      ...persistenceOf(m[0]),
      ...(quoted ? {} : { foldsCase: true as const }),
    });
    if (this.migration) this.ops.push({ op: 'create_table', tableIndex: this.facts.tables.length - 1, ...(m[0].match(/\bif\s+not\s+exists\b/i) ? { ifNotExists: true as const } : {}) });
  }

  /**
   * SQLite and MySQL keep a name's case as written, where PostgreSQL's grammar folds unquoted names to lower
   * case: for DDL read as one of them, every name takes back the case it is written in (and an unquoted
   * `user`, read as `RESERVED_STANDIN`, its name).
   */
  private restoreCase(parsed: Statement[], foreign: boolean): Statement[] {
    if (!foreign) return parsed;
    const visit = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const x of node) visit(x);
        return;
      }
      const o = node as { name?: unknown; _location?: NodeLocation };
      if (typeof o.name === 'string' && o._location) {
        const span = this.span(o._location);
        const written = this.text.slice(span.start, span.end).split('.').pop()!.trim().replace(/^["`[]|["`\]]$/g, '');
        if (written !== o.name && (written.toLowerCase() === o.name || (o.name === RESERVED_STANDIN && written.toLowerCase() === 'user'))) o.name = written;
      }
      for (const [k, v] of Object.entries(node)) if (k !== '_location') visit(v);
    };
    visit(parsed);
    return parsed;
  }



  /** A parser offset (in the possibly patched statement) as an offset in the file. */
  private off(o: number): number {
    let shift = 0;
    for (const ins of this.inserted) if (o - shift > ins.at) shift += ins.length;
    return this.base + o - shift;
  }

  private span(loc: NodeLocation | undefined): Span {
    return loc ? { start: this.off(loc.start), end: this.off(loc.end) } : { start: this.base, end: this.base };
  }

  /**
   * Whether a name is written unquoted, which PostgreSQL folds to lower case (`Members` is `members`, `"Members"`
   * is itself). The facts keep the name as written and say so; the dialect decides at the index.
   */
  private folds(n: Name): true | undefined {
    const s = this.span(n._location);
    const close = this.text[s.end - 1];
    return close === '"' || close === '`' || close === ']' ? undefined : true;
  }

  /** The span of a name's last part without quotes: `users` in `public."users"`. */
  private nameSpan(n: Name): Span {
    const s = this.span(n._location);
    const written = this.text.slice(s.start, s.end);
    // Quoted as PostgreSQL does (`"users"`), or as SQLite and MySQL also do (`[users]`, `` `users` ``).
    const close = written[written.length - 1];
    if (close === '"' || close === '`' || close === ']') {
      const open = close === ']' ? '[' : close;
      let i = written.length - 2;
      while (i >= 0 && !(written[i] === open && (open !== '"' || written[i - 1] !== '"'))) i--;
      return { start: s.start + i + 1, end: s.end - 1 };
    }
    const dot = written.lastIndexOf('.');
    return { start: s.start + dot + 1 + (/^\s*/.exec(written.slice(dot + 1))![0].length), end: s.end };
  }

  /** A data type's span from `start`; the parser's location of `varchar(255)` stops before the `)`. */
  private typeSpan(dt: DataTypeDef, start: number): Span {
    let end = this.span(dt._location).end;
    const written = this.text.slice(start, end);
    if ((written.match(/\(/g) ?? []).length > (written.match(/\)/g) ?? []).length) {
      const close = this.text.indexOf(')', end);
      if (close !== -1 && /^[\s\d,]*$/.test(this.text.slice(end, close))) end = close + 1;
    }
    return { start, end };
  }

  private columnType(col: CreateColumnDef, nameEnd: number): TypeFact {
    const dt: DataTypeDef = col.dataType;
    const basic = dt.kind === 'array' ? undefined : dt;
    const { family, sqlType } = sqlTypeOf(basic?.name ?? (dt.kind === 'array' ? typeName(dt) : ''), basic?.config, dt.kind === 'array');
    // Multi-word types (`character varying(20)`) are located by their last words only: the type starts at
    // the first word after the column name.
    let start = nameEnd;
    while (start < this.span(dt._location).end && /\s/.test(this.text[start])) start++;
    const { end } = this.typeSpan(dt, start);
    const unsigned = family === 'integer' && this.unsignedAt(end);
    return {
      text: this.text.slice(start, end),
      name: basic?.name ?? typeName(dt),
      family,
      sqlType,
      span: { start, end },
      source: 'explicit',
      style: 'sql',
      ...(unsigned ? { unsigned: true as const } : {}),
    };
  }

  /**
   * Whether MySQL's `UNSIGNED` (or `ZEROFILL`, which makes the column unsigned too) follows an integer type ending at
   * `end` in the file: a type of its own there. `foreignDialect` blanks the word before parsing, so it is read here.
   */
  private unsignedAt(end: number): boolean {
    return /^(?:\s+(?:signed|unsigned|zerofill)\b)*?\s+(?:unsigned|zerofill)\b/i.test(this.text.slice(end, end + 40));
  }

  private column(col: CreateColumnDef): ColumnFact {
    const span = this.nameSpan(col.name);
    const written = this.span(col.name._location);
    const constraints = col.constraints ?? [];
    return {
      name: col.name.name,
      type: this.columnType(col, written.end),
      primaryKey: constraints.some((c) => c.type === 'primary key'),
      unique: constraints.some((c) => c.type === 'unique'),
      nullable: !constraints.some((c) => c.type === 'not null' || c.type === 'primary key'),
      span,
      hasForeignKey: constraints.some((c) => c.type === 'reference') || undefined,
      ...(this.folds(col.name) ? { foldsCase: true as const } : {}),
    };
  }

  /**
   * A referenced table as the reference names it: `REFERENCES orgs` after `SET search_path TO app, public` is
   * `app.orgs` if app has one, else `public.orgs`; where the file does not show which, the index looks in each of
   * them in order (see `ReferenceFact.searchPath`).
   */
  private target(q: QName): { table: NameExpr; tableSchema?: string; searchPath?: string[] } {
    const schema = this.existingSchema(q);
    if (schema === null) return { table: { kind: 'literal', value: q.name }, searchPath: [...this.searchPath!] };
    return { table: { kind: 'literal', value: q.name }, tableSchema: schema };
  }

  private reference(
    source: { table: string; schema?: string },
    local: Name | undefined,
    ref: TableReference & { _location?: NodeLocation },
    index: number,
    composite: string[] | undefined,
    inline?: true,
  ): void {
    const remote = ref.foreignColumns[index];
    if (!remote || !local) return;
    const tableSpan = this.nameSpan(ref.foreignTable);
    if (remote.name === PLACEHOLDER_NAME) {
      // `REFERENCES users` with no column means the primary key, wherever the table is made: the index finds
      // it (a composite key, or none FK Guard can see, leaves the reference unchecked).
      if (ref.foreignColumns.length !== 1 || composite) return;
      this.facts.references.push({
        form: 'pair',
        ...this.target(ref.foreignTable),
        tableSpan,
        ...(this.folds(ref.foreignTable) ? { tableFoldsCase: true as const } : {}),
        primaryKey: true,
        span: this.span(ref.foreignTable._location),
        source: { table: { kind: 'literal', value: source.table }, schema: source.schema, column: local.name },
        ...(inline ? { inline } : {}),
        context: this.migration ? 'migration' : 'core',
      });
      return;
    }
    const lastColumn = this.span(ref.foreignColumns[ref.foreignColumns.length - 1]._location);
    const close = this.text.indexOf(')', lastColumn.end);
    const end = close !== -1 && /^\s*$/.test(this.text.slice(lastColumn.end, close)) ? close + 1 : lastColumn.end;
    this.facts.references.push({
      form: 'pair',
      ...this.target(ref.foreignTable),
      tableSpan,
      column: remote.name,
      columnSpan: this.nameSpan(remote),
      ...(this.folds(ref.foreignTable) ? { tableFoldsCase: true as const } : {}),
      ...(this.folds(remote) ? { columnFoldsCase: true as const } : {}),
      span: { start: this.span(ref.foreignTable._location).start, end },
      source: { table: { kind: 'literal', value: source.table }, schema: source.schema, column: local.name },
      composite,
      ...(inline ? { inline } : {}),
      context: this.migration ? 'migration' : 'core',
    });
  }

  private tableConstraint(table: { table: string; schema?: string }, columns: ColumnFact[], keys: string[][], c: NonNullable<CreateTableStatement['constraints']>[number]): void {
    if (c.type === 'foreign key') {
      const composite = c.foreignColumns.length > 1 ? c.foreignColumns.map((f) => f.name) : undefined;
      for (let i = 0; i < c.localColumns.length; i++) this.reference(table, c.localColumns[i], c, i, composite);
      for (const l of c.localColumns) {
        const col = columns.find((x) => x.name === l.name);
        if (col) col.hasForeignKey = true;
      }
    } else if (c.type === 'primary key' || c.type === 'unique') {
      const names = c.columns.map((x) => x.name);
      if (this.isDeferrable(names)) {
        // Not a key a foreign key may target; the primary key is still the primary key.
        for (const col of columns) {
          if (!names.includes(col.name)) continue;
          if (c.type === 'primary key') col.primaryKey = true;
          if (names.length === 1) col.deferrableKey = true;
        }
        return;
      }
      if (c.type === 'primary key') for (const col of columns) if (names.includes(col.name)) col.primaryKey = true;
      if (names.length === 1 && c.type === 'unique') {
        const col = columns.find((x) => x.name === names[0]);
        if (col) col.unique = true;
      } else if (names.length > 1) keys.push(names);
    }
  }

  private createTable(st: CreateTableStatement): void {
    // `CREATE TABLE IF NOT EXISTS t` after this file made `t`: PostgreSQL skips the statement, keys and all.
    if (!this.migration && st.ifNotExists && this.ownTable(st.name)) return;
    const name = st.name.name;
    // An unqualified `CREATE TABLE` makes the table in the first schema of the search path.
    const schema = st.name.schema || !this.searchPath ? schemaOf(st.name) : publicAsNone(this.searchPath[0]);
    const table: CoreTableFact = {
      name: { kind: 'literal', value: name },
      schema,
      columns: [],
      keys: [],
      span: this.span(st._location),
      nameSpan: this.nameSpan(st.name),
      origin: this.migration ? 'migration' : 'core',
      ...(this.folds(st.name) ? { foldsCase: true as const } : {}),
      ...(st.temporary ? { persistence: 'temporary' as const } : st.unlogged ? { persistence: 'unlogged' as const } : {}),
    };
    const source = { table: name, schema };
    for (const col of st.columns) {
      if (col.kind !== 'column') continue;
      table.columns.push(this.column(col));
      for (const c of col.constraints ?? []) if (c.type === 'reference') this.reference(source, col.name, c, 0, undefined, true);
    }
    for (const c of st.constraints ?? []) this.tableConstraint(source, table.columns, table.keys, c);
    // `(LIKE depots INCLUDING ALL)` and `INHERITS (depots)` copy another table's columns, which FK Guard does not
    // follow: the table has columns it cannot see, so none is proven missing.
    const copied = [
      ...st.columns.flatMap((c) => (c.kind === 'like table' ? [`LIKE ${qualified(c.like)}`] : [])),
      ...(st.inherits?.length ? [`INHERITS (${st.inherits.map(qualified).join(', ')})`] : []),
    ];
    if (copied.length > 0) table.unreadColumn = copied.join(', ');
    const names = this.keyNamesOf(st);
    if (names.size > 0) table.keyNames = Object.fromEntries(names);
    this.facts.tables.push(table);
    if (this.migration) this.ops.push({ op: 'create_table', tableIndex: this.facts.tables.length - 1, ...(st.ifNotExists ? { ifNotExists: true as const } : {}) });
  }

  /**
   * The names of a new table's constraints as written (`CONSTRAINT uq_farms_code UNIQUE (code)`): a key's columns, and
   * `[]` for a foreign key or a check, which is no key (so dropping it drops none); for MySQL DDL, also the names MySQL
   * gives its indexes (see `mysqlIndexNames`). PostgreSQL's names for unnamed keys are left to history, which knows
   * what else the schema holds (see `keyNamed` there).
   */
  private keyNamesOf(st: CreateTableStatement): Map<string, string[]> {
    const names = new Map<string, string[]>();
    const put = (n: Name | undefined, type: string, columns: string[]) => {
      if (!n || names.has(n.name)) return;
      names.set(n.name, (type === 'unique' || type === 'primary key') && !this.isDeferrable(columns) ? columns : []);
    };
    for (const col of st.columns) if (col.kind === 'column') for (const c of col.constraints ?? []) put(c.constraintName, c.type, [col.name.name]);
    for (const c of st.constraints ?? []) put(c.constraintName, c.type, c.type === 'unique' || c.type === 'primary key' ? c.columns.map((x) => x.name) : []);
    for (const [n, columns] of mysqlIndexNames(this.plain) ?? []) if (!names.has(n)) names.set(n, columns);
    return names;
  }

  /**
   * The schema an existing table named `q` is in: its own, else the first schema of the search path holding a table
   * of that name made in this file, else (a search path of one schema) that schema. `null` when the search path has
   * several schemas and the table is made elsewhere: which of them holds it is not known here.
   */
  private existingSchema(q: QName): string | undefined | null {
    if (q.schema || !this.searchPath) return schemaOf(q);
    for (const c of this.searchPath) {
      const schema = publicAsNone(c);
      if (this.facts.tables.some((t) => t.name.kind === 'literal' && t.name.value === q.name && t.schema === schema)) return schema;
    }
    return this.searchPath.length === 1 ? publicAsNone(this.searchPath[0]) : null;
  }

  /** The table of this file a statement names, if it creates one. */
  private ownTable(q: QName): CoreTableFact | undefined {
    const schema = this.existingSchema(q);
    if (schema === null) return undefined;
    return this.facts.tables.find((t) => t.name.kind === 'literal' && t.name.value === q.name && t.schema === schema);
  }

  private alterTable(st: AlterTableStatement): void {
    const name = st.table.name;
    const schema = this.existingSchema(st.table) ?? schemaOf(st.table);
    const own = this.ownTable(st.table);
    const source = { table: name, schema };
    for (const ch of st.changes) {
      switch (ch.type) {
        case 'add column': {
          const col = this.column(ch.column);
          if (this.migration) this.ops.push({ op: 'add_column', table: name, schema, column: col });
          else own?.columns.push(col);
          for (const c of ch.column.constraints ?? []) if (c.type === 'reference') this.reference(source, ch.column.name, c, 0, undefined, true);
          break;
        }
        case 'add constraint': {
          const c = ch.constraint;
          const named = c.constraintName?.name;
          const key = (c.type === 'primary key' || c.type === 'unique') && !this.isDeferrable(c.columns.map((x) => x.name));
          // A key added to an earlier migration's table is a step of history: a target from here on. A constraint that is
          // no key keeps its name, so that dropping it later is known to drop no key.
          if (this.migration && !own && key) {
            this.ops.push({ op: 'add_key', table: name, schema, columns: c.columns.map((x) => x.name), primary: c.type === 'primary key' || undefined, ...(named !== undefined ? { name: named } : {}) });
          } else if (this.migration && !own && named !== undefined) this.ops.push({ op: 'add_key', table: name, schema, columns: [], name: named, plain: true });
          if (own && named !== undefined) own.keyNames = { ...own.keyNames, [named]: key ? c.columns.map((x) => x.name) : [] };
          this.tableConstraint(source, own?.columns ?? [], own?.keys ?? [], c);
          break;
        }
        case 'rename constraint':
          if (this.migration) this.ops.push({ op: 'rename_key', table: name, schema, name: ch.constraint.name, to: ch.to.name });
          else if (own?.keyNames?.[ch.constraint.name] !== undefined) {
            const { [ch.constraint.name]: columns, ...rest } = own.keyNames;
            own.keyNames = { ...rest, [ch.to.name]: columns };
          }
          break;
        case 'drop constraint':
          // Which constraint the name is, and whether it is a key, history tells (see `keyNamed` there).
          if (this.migration) this.ops.push({ op: 'drop_key', table: name, schema, name: ch.constraint.name, span: this.nameSpan(ch.constraint) });
          break;
        case 'drop column':
          if (this.migration) this.ops.push({ op: 'drop_column', table: name, schema, column: ch.column.name });
          break;
        case 'rename':
          if (this.migration) this.ops.push({ op: 'rename_table', from: name, to: ch.to.name, schema });
          else if (own) this.moveOwnTable(own, ch.to.name, own.schema);
          break;
        case 'rename column':
          if (this.migration) this.ops.push({ op: 'alter_column', table: name, schema, column: ch.column.name, newName: ch.to.name, span: this.nameSpan(ch.to) });
          else if (own) this.renameOwnColumn(own, ch.column.name, ch.to.name);
          break;
        case 'alter column':
          if (this.migration && ch.alter.type === 'set type') {
            const dt = ch.alter.dataType;
            const basic = dt.kind === 'array' ? undefined : dt;
            const t = sqlTypeOf(basic?.name ?? typeName(dt), basic?.config, dt.kind === 'array');
            const span = this.typeSpan(dt, this.span(dt._location).start);
            this.ops.push({
              op: 'alter_column',
              table: name,
              schema,
              column: ch.column.name,
              type: { text: this.text.slice(span.start, span.end), name: basic?.name ?? typeName(dt), family: t.family, sqlType: t.sqlType, source: 'explicit', style: 'sql' },
              span: this.nameSpan(ch.column),
            });
          }
          break;
        default:
          break;
      }
    }
  }

  /**
   * `ALTER TABLE things SET SCHEMA audit`, which the parser does not read: PostgreSQL moves the table, its columns and
   * keys, under the same name. In a migration, a step of history (as Kysely's `setSchema`); elsewhere, on a table this
   * file made, the table is `audit.things` from here on (see `moveOwnTable`). Whether the statement was one.
   */
  private setSchema(s: SqlStatement): boolean {
    const m = SET_SCHEMA.exec(blankComments(s.text));
    if (!m) return false;
    const q: QName = { name: unquoteName(m[2], true), ...(m[1] ? { schema: unquoteName(m[1].replace(/\s*\.\s*$/, ''), true) } : {}) };
    const written = unquoteName(m[3], true);
    const toSchema = publicAsNone(written);
    if (this.migration) {
      const schema = this.existingSchema(q);
      if (schema === null) return false;
      // History's `toSchema`: undefined keeps the table's schema, `public` is no schema (as Kysely's setSchema gives
      // it). A move into `public` must say so, or `SET SCHEMA public` would leave the table where it was.
      this.ops.push({ op: 'rename_table', from: q.name, to: q.name, schema, toSchema: written });
      return true;
    }
    const own = this.ownTable(q);
    if (own) this.moveOwnTable(own, q.name, toSchema);
    return true;
  }

  /**
   * PostgreSQL's `ALTER TABLE [IF EXISTS] [ONLY] t SET LOGGED|UNLOGGED`, which the parser does not read: the table is
   * permanent or unlogged from here on. In a migration, a step of history; elsewhere, on a table this file made. Whether
   * the statement was one.
   */
  private setPersistence(s: SqlStatement): boolean {
    const m = SET_PERSISTENCE.exec(blankComments(s.text));
    if (!m) return false;
    const q: QName = { name: unquoteName(m[2], true), ...(m[1] ? { schema: unquoteName(m[1].replace(/\s*\.\s*$/, ''), true) } : {}) };
    const unlogged = m[3].toLowerCase() === 'unlogged';
    const schema = this.existingSchema(q);
    if (schema === null) return true;
    if (this.migration) {
      const span = { start: s.start + leadOf(s.text), end: s.start + s.text.replace(/[\s;]+$/, '').length };
      this.ops.push({ op: 'set_persistence', table: q.name, schema, ...(unlogged ? { persistence: 'unlogged' as const } : {}), span });
      return true;
    }
    const own = this.ownTable(q);
    if (own && own.persistence !== 'temporary') {
      if (unlogged) own.persistence = 'unlogged';
      else delete own.persistence;
    }
    return true;
  }

  /**
   * PostgreSQL's `ALTER TABLE t ADD [CONSTRAINT c] {UNIQUE | PRIMARY KEY} USING INDEX i` (which the parser does not
   * read, R16-4): the unique index `i` becomes the constraint, and PostgreSQL renames it to `c` (a later `DROP INDEX
   * IF EXISTS i` then drops nothing). In a migration: the key of `i` is named `c` from here on; a primary key over the
   * index's columns when this file made the index. Whether the statement was one.
   */
  private constraintUsingIndex(s: SqlStatement): boolean {
    const m = USING_INDEX.exec(blankComments(s.text));
    if (!m) return false;
    const q: QName = { name: unquoteName(m[2], true), ...(m[1] ? { schema: unquoteName(m[1].replace(/\s*\.\s*$/, ''), true) } : {}) };
    const schema = this.existingSchema(q);
    if (!this.migration || schema === null) return true;
    const constraint = m[3] !== undefined ? unquoteName(m[3], true) : undefined;
    const index = unquoteName(m[5], true);
    const name = constraint ?? index;
    if (constraint !== undefined && constraint !== index) this.ops.push({ op: 'rename_key', table: q.name, schema, name: index, to: constraint });
    if (/^primary/i.test(m[4])) {
      const made = this.ops.find((o): o is Extract<MigrationOp, { op: 'add_key' }> => o.op === 'add_key' && o.name === index && o.table === q.name && o.schema === schema && !o.plain);
      if (made) this.ops.push({ op: 'add_key', table: q.name, schema, columns: made.columns, primary: true, name });
    }
    return true;
  }

  /**
   * MySQL's `RENAME TABLE plots TO fields[, a TO b, ...]`, and its `ALTER TABLE plots RENAME [AS] fields`, which the
   * parser does not read: each pair renames in turn (so `a TO t, b TO a, t TO b` swaps two tables), a table named with
   * its database (`farm.plots TO archive.plots`) moving there. In a migration, steps of history; elsewhere, on this file's own tables (see `moveOwnTable`). Names
   * keep the case they are written in, as MySQL's do. Whether the statement was one.
   */
  private renameTables(s: SqlStatement): boolean {
    const plain = blankComments(s.text);
    const m = RENAME_TABLES.exec(plain);
    // MySQL's `ALTER TABLE plots RENAME fields` and `... RENAME AS fields` (`RENAME TO` is the parser's): one pair.
    const alter = m ? undefined : ALTER_RENAME.exec(plain);
    if (!m && !alter) return false;
    const dotted = (n: string | undefined) => (n ? publicAsNone(unquoteName(n.replace(/\s*\.\s*$/, ''), false)) : undefined);
    for (const p of m ? m[1].matchAll(RENAME_PAIR) : [alter!]) {
      const from = unquoteName(p[2], false);
      const to = unquoteName(p[4], false);
      const schema = dotted(p[1]);
      const toSchema = p[3] ? dotted(p[3]) : schema;
      if (this.migration) {
        this.ops.push({ op: 'rename_table', from, to, schema, ...(toSchema !== schema ? { toSchema } : {}) });
        continue;
      }
      const own = this.facts.tables.find((t) => t.name.kind === 'literal' && t.name.value === from && t.schema === schema);
      if (own) this.moveOwnTable(own, to, toSchema);
    }
    return true;
  }

  /**
   * `ALTER TABLE depots RENAME TO stores` (or `SET SCHEMA`) in a file that is not a migration, on a table this file
   * made: the file's statements run in order, so the table is `stores` from here on, and the foreign keys made before
   * (to it, or from it) follow it, as PostgreSQL keeps a key on the table, not on its name.
   */
  private moveOwnTable(own: CoreTableFact, to: string, toSchema: string | undefined): void {
    if (own.name.kind !== 'literal') return;
    const from = own.name.value;
    const name: NameExpr = { kind: 'literal', value: to };
    for (const r of this.facts.references) {
      if (r.table?.kind === 'literal' && r.table.value === from && r.tableSchema === own.schema) {
        r.table = name;
        r.tableSchema = toSchema;
      }
      if (r.source.table?.kind === 'literal' && r.source.table.value === from && r.source.schema === own.schema) r.source = { ...r.source, table: name, schema: toSchema };
    }
    own.name = name;
    own.schema = toSchema;
  }

  /** `ALTER TABLE depots RENAME COLUMN tag TO code` on a table of this file (see `moveOwnTable`). */
  private renameOwnColumn(own: CoreTableFact, from: string, to: string): void {
    const col = own.columns.find((c) => c.name === from);
    if (!col || own.name.kind !== 'literal') return;
    const table = own.name.value;
    const rename = (n: string) => (n === from ? to : n);
    for (const r of this.facts.references) {
      const toOwn = r.table?.kind === 'literal' && r.table.value === table && r.tableSchema === own.schema;
      if (toOwn && r.column === from) r.column = to;
      if (toOwn && r.composite) r.composite = r.composite.map(rename);
      if (r.source.table?.kind === 'literal' && r.source.table.value === table && r.source.schema === own.schema && r.source.column === from) r.source = { ...r.source, column: to };
    }
    own.keys = own.keys.map((k) => k.map(rename));
    if (own.keyNames) own.keyNames = Object.fromEntries(Object.entries(own.keyNames).map(([n, k]) => [n, k.map(rename)]));
    col.name = to;
  }

  /** What MySQL's clauses of `readMysqlStatement` do, as operations of history (or to this file's own table). */
  private mysqlClauses(st: MysqlStatement): void {
    const { table, schema } = st;
    const own = this.facts.tables.find((t) => t.name.kind === 'literal' && t.name.value === table && t.schema === schema);
    const at = (x: { start: number; end: number }): Span => ({ start: this.base + x.start, end: this.base + x.end });
    for (const c of st.clauses) {
      if (c.kind === 'change') {
        const t = sqlTypeOf(c.type.name, c.type.config, false);
        // `MODIFY code BIGINT UNSIGNED` widens the column to an unsigned type, as a `CREATE TABLE` would make it.
        const unsigned = t.family === 'integer' && this.unsignedAt(this.base + c.type.end);
        const type: TypeFact = {
          text: this.text.slice(this.base + c.type.start, this.base + c.type.end),
          name: c.type.name,
          family: t.family,
          sqlType: t.sqlType,
          source: 'explicit',
          style: 'sql',
          ...(unsigned ? { unsigned: true as const } : {}),
        };
        if (this.migration) {
          this.ops.push({ op: 'alter_column', table, schema, column: c.column, type, ...(c.newName ? { newName: c.newName } : {}), span: at(c.nameAt) });
        } else {
          const col = own?.columns.find((x) => x.name === c.column);
          if (col) {
            col.type = type;
            if (c.newName) col.name = c.newName;
          }
        }
      } else if (c.kind === 'drop-index' || c.kind === 'drop-primary') {
        if (this.migration) this.ops.push({ op: 'drop_key', table, schema, ...(c.kind === 'drop-index' ? { name: c.name, kind: 'index' } : { kind: 'primary' }), span: at(c.at), mysql: true });
      } else if (c.kind === 'add-unique') {
        if (this.migration && !own) this.ops.push({ op: 'add_key', table, schema, columns: c.columns, ...(c.name ? { name: c.name } : {}) });
        else if (own && c.columns.length === 1) {
          const col = own.columns.find((x) => x.name === c.columns[0]);
          if (col) col.unique = true;
        } else own?.keys.push(c.columns);
      }
    }
  }

  /** Whether a key of these columns is one of the statement's `DEFERRABLE` ones. */
  private isDeferrable(names: string[]): boolean {
    if (this.deferrable.length === 0) return false;
    const wanted = names.map((n) => n.toLowerCase()).sort().join(',');
    return this.deferrable.some((k) => [...k].sort().join(',') === wanted);
  }

  /** `CREATE UNIQUE INDEX ... ON users (email)` makes `email` a key a foreign key may target. */
  private createIndex(st: CreateIndexStatement): void {
    if (!st.unique || st.where) return;
    const own = this.ownTable(st.table);
    const names = st.expressions.map((e) => (e.expression.type === 'ref' ? e.expression.name : undefined));
    if (names.length === 0 || names.some((n) => n === undefined)) return;
    const indexName = st.indexName?.name;
    if (!own) {
      if (this.migration) this.ops.push({ op: 'add_key', table: st.table.name, schema: schemaOf(st.table), columns: names as string[], ...(indexName !== undefined ? { name: indexName } : { index: true as const }) });
      return;
    }
    // Named as PostgreSQL names it, so a later migration's `DROP INDEX` finds it.
    const taken = (n: string) => own.keyNames?.[n] !== undefined;
    const named = indexName ?? (own.name.kind === 'literal' ? pgDefaultName(own.name.value, names as string[], 'idx', taken) : undefined);
    if (named !== undefined && !taken(named)) own.keyNames = { ...own.keyNames, [named]: names as string[] };
    if (names.length === 1) {
      const col = own.columns.find((c) => c.name === names[0]);
      if (col) col.unique = true;
    } else own.keys.push(names as string[]);
  }

  /**
   * PostgreSQL's `DROP INDEX [CONCURRENTLY] [IF EXISTS] [s.]name, ...`: in a migration, each index's key (if it was
   * one) goes; history finds its table (see `drop_index`). An unqualified name after a `SET search_path` of several
   * schemas may be in any of them: not followed.
   */
  private dropIndex(st: DropStatement): void {
    if (!this.migration) return;
    for (const n of st.names) {
      const schema = n.schema ? schemaOf(n) : this.searchPath ? (this.searchPath.length === 1 ? publicAsNone(this.searchPath[0]) : null) : undefined;
      if (schema === null) continue;
      this.ops.push({ op: 'drop_index', name: n.name, schema, span: this.nameSpan(n) });
    }
  }

  /** `ALTER INDEX [IF EXISTS] [s.]a RENAME TO b` in a migration: the key of that index, if it is one, is named `b` from here on. */
  private alterIndex(st: AlterIndexStatement): void {
    if (!this.migration || st.change.type !== 'rename') return;
    const schema = st.index.schema ? schemaOf(st.index) : this.searchPath ? (this.searchPath.length === 1 ? publicAsNone(this.searchPath[0]) : null) : undefined;
    if (schema === null) return;
    this.ops.push({ op: 'rename_key', schema, name: st.index.name, to: st.change.to.name });
  }

  private dropTable(st: DropStatement): void {
    if (!this.migration) return;
    for (const n of st.names) this.ops.push({ op: 'drop_table', table: n.name, schema: schemaOf(n) });
  }
}

/**
 * The first words of a statement that can carry schema facts: `CREATE [TEMP|UNLOGGED ...] TABLE`, `ALTER
 * TABLE`, `CREATE UNIQUE INDEX`, `DROP TABLE`, MySQL's `RENAME TABLE`.
 */
const SCHEMA_STATEMENT =
  /^(?:create\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?(?:temp(?:orary)?\s+|unlogged\s+)?table|alter\s+table|create\s+unique\s+(?:clustered\s+|nonclustered\s+)?index|drop\s+table|rename\s+table)\b/i;

/**
 * The first words of a statement whose parsed form `statement` never reads: functions, procedures, triggers, views,
 * sequences, types, domains, extensions, plain indexes, operators, casts, and changes to or drops of them (not of an index: MySQL's `DROP
 * INDEX i ON t` drops a key). Not `CREATE SCHEMA`, which may hold tables.
 */
const UNREAD_STATEMENT =
  /^\s*(?:create\s+(?:or\s+replace\s+)?(?:function|procedure|trigger|constraint\s+trigger|view|materialized\s+view|recursive\s+view|sequence|type|domain|extension|index|aggregate|operator|cast|policy|rule)\b|(?:alter|drop)\s+(?:function|procedure|trigger|view|materialized\s+view|sequence|type|domain|extension|aggregate|policy|rule)\b)/i;

/**
 * An `ALTER TABLE` whose action touches no column, key or foreign key: row level security, triggers, rules,
 * the owner, storage parameters, the tablespace, replica identity, clustering, validating a `NOT VALID` constraint.
 */
const ALTER_WITHOUT_SCHEMA =
  /^alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?:"[^"]*"|[\w$]+)(?:\s*\.\s*(?:"[^"]*"|[\w$]+))?\s+(?:(?:enable|disable|force|no\s+force)\s+(?:(?:always|replica)\s+)?(?:row\s+level\s+security|trigger|rule)|owner\s+to|replica\s+identity|set\s+(?:tablespace|logged|unlogged|with|without|access\s+method)\b|set\s*\(|reset\s*\(|cluster\s+on\b|validate\s+constraint\b)/i;

/** `CREATE TABLE t AS SELECT ...`: a table made from a query has no keys and no foreign keys. */
const TABLE_AS_QUERY = /^create\s+(?:(?:global|local)\s+)?(?:temp(?:orary)?\s+|unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?(?:"[^"]*"|`[^`]*`|[\w$]+)(?:\s*\.\s*(?:"[^"]*"|`[^`]*`|[\w$]+))?\s+as\b/i;

const PLACEHOLDER_NAME = 'fkguard_primary_key';
const PLACEHOLDER = `(${PLACEHOLDER_NAME})`;

/**
 * `text` with `(fkguard_primary_key)` inserted after each `REFERENCES t` that names no column (see `SqlExtractor.parse`),
 * and where each insertion is; undefined when there is none.
 */
export function withPlaceholders(text: string): { text: string; inserted: Array<{ at: number; length: number }> } | undefined {
  const re = /\breferences\s+((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)(?![\w$"])(?!\s*[.(])/gi;
  const inserted: Array<{ at: number; length: number }> = [];
  let out = '';
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index + m[0].length;
    out += `${text.slice(last, at)}${PLACEHOLDER}`;
    inserted.push({ at, length: PLACEHOLDER.length });
    last = at;
  }
  return inserted.length > 0 ? { text: out + text.slice(last), inserted } : undefined;
}

/** `TEMP`/`TEMPORARY` or `UNLOGGED` in the head of a `CREATE TABLE` (see `CREATE_TABLE_HEAD`), as a table fact's `persistence`. */
function persistenceOf(head: string): { persistence?: 'temporary' | 'unlogged' } {
  const m = /^\s*create\s+(?:(?:global|local)\s+)?(temp|temporary|unlogged)\b/i.exec(head);
  return !m ? {} : m[1].toLowerCase() === 'unlogged' ? { persistence: 'unlogged' } : { persistence: 'temporary' };
}

function typeName(dt: DataTypeDef): string {
  return dt.kind === 'array' ? `${typeName(dt.arrayOf)}[]` : dt.name;
}

const SQL_NAME = '(?:"(?:[^"]|"")+"|`[^`]+`|\\[[^\\]]+\\]|[A-Za-z_][\\w$]*)';
/**
 * `CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] [schema.]name`, the head of a statement the parser refused (and of
 * one SQL in TypeScript leaves unread); group 1 is the schema with its dot, group 2 the name.
 */
export const CREATE_TABLE_HEAD = `create\\s+(?:(?:global|local)\\s+)?(?:temp(?:orary)?\\s+|unlogged\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})`;
const UNPARSED_CREATE_TABLE = new RegExp(`^\\s*${CREATE_TABLE_HEAD}`, 'i');
const RENAME_ONE = `(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})\\s+to\\s+(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})`;
/** MySQL's `RENAME TABLE[S] [IF EXISTS] a TO b[, c TO d ...] [WAIT n | NOWAIT]` (the whole statement); group 1 is the list. */
const RENAME_TABLES = new RegExp(`^\\s*rename\\s+tables?\\s+(?:if\\s+exists\\s+)?((?:${RENAME_ONE})(?:\\s*,\\s*${RENAME_ONE})*)(?:\\s+(?:wait\\s+\\d+|nowait))?\\s*;?\\s*$`, 'i');
/**
 * MySQL's `ALTER TABLE [IGNORE] [db.]t RENAME [AS] [db.]t2` (the whole statement), groups as `RENAME_PAIR`'s. Not
 * `RENAME TO` (the parser reads it), nor `RENAME COLUMN|INDEX|KEY|CONSTRAINT ... TO ...`, nor PostgreSQL's `RENAME a TO b`.
 */
const ALTER_RENAME = new RegExp(
  `^\\s*alter\\s+table\\s+(?:ignore\\s+)?(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})\\s+rename\\s+(?:as\\s+)?(?!(?:to|as|column|index|key|constraint)\\b)(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})\\s*;?\\s*$`,
  'i',
);
/** One pair of `RENAME TABLE`: group 1 the schema (database) with its dot, 2 the name, 3 and 4 the new ones. */
const RENAME_PAIR = new RegExp(RENAME_ONE, 'gi');
/**
 * `ALTER TABLE [IF EXISTS] [ONLY] [s.]t ADD [CONSTRAINT c] UNIQUE|PRIMARY KEY USING INDEX i [[NOT] DEFERRABLE] [INITIALLY
 * DEFERRED|IMMEDIATE]` (the whole statement): groups schema, table, constraint, kind, index.
 */
const USING_INDEX = new RegExp(
  `^\\s*alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})\\s+add\\s+(?:constraint\\s+(${SQL_NAME})\\s+)?(unique|primary\\s+key)\\s+using\\s+index\\s+(${SQL_NAME})(?:\\s+(?:not\\s+)?deferrable)?(?:\\s+initially\\s+(?:deferred|immediate))?\\s*;?\\s*$`,
  'i',
);
/** `ALTER TABLE [IF EXISTS] [ONLY] [s.]t SET LOGGED|UNLOGGED` (the whole statement); group 3 is the word. */
const SET_PERSISTENCE = new RegExp(`^\\s*alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})\\s+set\\s+(logged|unlogged)\\s*;?\\s*$`, 'i');
/** `ALTER TABLE [IF EXISTS] [ONLY] [s.]t SET SCHEMA s2` (the whole statement). */
const SET_SCHEMA = new RegExp(`^\\s*alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?(${SQL_NAME}\\s*\\.\\s*)?(${SQL_NAME})\\s+set\\s+schema\\s+(${SQL_NAME})\\s*;?\\s*$`, 'i');
