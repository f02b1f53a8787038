// Reads a live PostgreSQL database's tables for `fkguard pull-schema` and the editor's "Pull Schema from Database".
//
// This is the one place FK Guard opens a network connection, and only when the user asks for it: a scan never does.
// It reads the system catalogs (no table data), in one read-only transaction, and returns plain data that
// core/sql/databaseSchema.ts writes as a SQL file. The PostgreSQL client (`pg`) ships as a bundle of its own
// (dist/pg.js) that only this code loads, so scans and the server's start never read it.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { databaseSchemaSql, type DatabaseSchema, type DatabaseTable } from '../core/sql/databaseSchema';

/** Why a pull failed, in one sentence the user can act on (the CLI prints it, exit 2; the editor shows it). */
export class DatabaseError extends Error {}

export interface PullOptions {
  /** Only these schemas (as the database spells them); default: every schema but the system ones. */
  schemas?: string[];
  /** How long to wait for the connection and for each query, in milliseconds (default 15,000). */
  timeoutMs?: number;
}

// The smallest part of `pg`'s API this file uses, so the types do not depend on how the bundle is loaded.
interface PgClient {
  connect(): Promise<void>;
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): void;
}
interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis: number; query_timeout: number; statement_timeout: number; application_name: string }) => PgClient;
}

/** The PostgreSQL client: the bundle beside this one (dist/pg.js) in the shipped code, the package from sources. */
function loadPg(): PgModule {
  const bundled = join(__dirname, 'pg.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (existsSync(bundled) ? require(bundled) : require('pg')) as PgModule;
}

/**
 * Where a connection string points, for messages and the file's header: host, port and database, never the user or
 * the password (a pulled file is meant to be committed).
 */
export function describeDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseError('the database URL is not a URL (expected postgresql://user@host:port/database)');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new DatabaseError(`only PostgreSQL databases can be read (the URL starts with ${parsed.protocol}//, expected postgresql://)`);
  }
  const host = decodeURIComponent(parsed.hostname || parsed.searchParams.get('host') || 'localhost');
  const db = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
  return `${host}${parsed.port ? `:${parsed.port}` : ''}/${db}`.replace(/[\r\n]/g, ' ');
}

interface ColumnRow { schema: string; table: string; column: string; type: string; not_null: boolean; unlogged: boolean }
interface KeyRow { schema: string; table: string; name: string; kind: 'p' | 'u' | 'i'; columns: string[]; deferrable: boolean }

/** Tables (ordinary and partitioned roots; not views, not partitions) and their columns, names quoted as SQL needs. */
const COLUMNS = `
  SELECT quote_ident(n.nspname) AS schema, quote_ident(c.relname) AS table, quote_ident(a.attname) AS column,
         format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, c.relpersistence = 'u' AS unlogged
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)
   ORDER BY n.nspname, c.relname, a.attnum`;

/**
 * Primary keys and UNIQUE constraints (a DEFERRABLE one marked: no foreign key may target it), then unique indexes
 * that back no constraint and have neither a predicate nor an expression: what PostgreSQL accepts as the target of a
 * foreign key. An index's key columns are the first `indnkeyatts` of `indkey`; the rest are its INCLUDE columns.
 */
const KEYS = `
  SELECT quote_ident(n.nspname) AS schema, quote_ident(c.relname) AS table, quote_ident(con.conname) AS name,
         con.contype::text AS kind, con.condeferrable AS deferrable,
         ARRAY(SELECT quote_ident(a.attname) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE con.contype IN ('p', 'u') AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)
  UNION ALL
  SELECT quote_ident(n.nspname), quote_ident(c.relname), quote_ident(ic.relname), 'i', false,
         ARRAY(SELECT quote_ident(a.attname) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
   WHERE i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL AND i.indexprs IS NULL
     -- An index that backs a primary key, UNIQUE or exclusion constraint is read as that constraint. (A foreign key
     -- that references the index names it in conindid too: that does not make it the foreign key's own.)
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
                      WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
     AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1)
   ORDER BY 1, 2, 3`;

/** Every schema but PostgreSQL's own (pg_catalog, information_schema, pg_toast, temporary ones). */
const SCHEMAS = `
  SELECT nspname AS name FROM pg_catalog.pg_namespace
   WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%' ORDER BY nspname`;

/** Reads the tables of the PostgreSQL database at `url`. Throws DatabaseError with a sentence on any failure. */
export async function pullDatabaseSchema(url: string, options: PullOptions = {}): Promise<DatabaseSchema> {
  const where = describeDatabaseUrl(url);
  const timeout = options.timeoutMs ?? 15_000;
  const { Client } = loadPg();
  let client: PgClient;
  try {
    client = new Client({ connectionString: url, connectionTimeoutMillis: timeout, query_timeout: timeout, statement_timeout: timeout, application_name: 'fkguard pull-schema' });
  } catch (err) {
    throw new DatabaseError(`cannot use the database URL for ${where}: ${(err as Error).message}`);
  }
  // A connection that breaks after connecting (the server restarts) is an error event, not a rejected promise.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new DatabaseError(`cannot connect to ${where}: ${reason(err)}`);
  }
  try {
    await client.query('BEGIN READ ONLY');
    // As pg_dump does: with no schema on the path, format_type writes every type outside pg_catalog with its schema
    // (`public.mood`), so the file means the same whatever path reads it.
    await client.query("SET LOCAL search_path = ''");
    const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '';
    const all = (await client.query<{ name: string }>(SCHEMAS)).rows.map((r) => r.name);
    const schemas = options.schemas?.length ? options.schemas : all;
    const missing = schemas.filter((s) => !all.includes(s));
    if (missing.length > 0) throw new DatabaseError(`${where} has no schema ${missing.map((s) => `"${s}"`).join(', ')} (it has ${all.join(', ') || 'none'})`);
    const columns = (await client.query<ColumnRow>(COLUMNS, [schemas])).rows;
    const keys = (await client.query<KeyRow>(KEYS, [schemas])).rows;
    await client.query('ROLLBACK');
    return { server: `PostgreSQL ${version}`.trim(), where, schemas, tables: tablesOf(columns, keys) };
  } catch (err) {
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError(`cannot read the tables of ${where}: ${reason(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** What both faces write and say of a pull: the SQL file's text, and how many tables were read where. */
export interface PulledSchema {
  text: string;
  tables: number;
  /** host:port/database, without user or password. */
  where: string;
  server: string;
}

/** A pull as the CLI and the language server give it: the database's tables, written as the SQL file. */
export async function pullSchemaFile(url: string, options: PullOptions = {}): Promise<PulledSchema> {
  const db = await pullDatabaseSchema(url, options);
  return { text: databaseSchemaSql(db), tables: db.tables.length, where: db.where, server: db.server };
}

function tablesOf(columns: ColumnRow[], keys: KeyRow[]): DatabaseTable[] {
  const tables = new Map<string, DatabaseTable>();
  const tableOf = (schema: string, name: string): DatabaseTable => {
    const key = `${schema}.${name}`;
    let t = tables.get(key);
    if (!t) tables.set(key, (t = { schema, name, columns: [], uniques: [] }));
    return t;
  };
  for (const r of columns) {
    const t = tableOf(r.schema, r.table);
    if (r.unlogged) t.unlogged = true;
    if (r.column !== null) t.columns.push({ name: r.column, type: r.type, notNull: r.not_null });
  }
  for (const k of keys) {
    const t = tables.get(`${k.schema}.${k.table}`);
    if (!t) continue;
    // PostgreSQL refuses a key to a deferrable primary key or unique constraint: it is no target, and the file says so.
    if (k.deferrable) (t.notes ??= []).push(`${k.kind === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} ${k.name} (${k.columns.join(', ')}) is DEFERRABLE, which no foreign key may reference: left out.`);
    else if (k.kind === 'p') t.primaryKey = { name: k.name, columns: k.columns };
    else t.uniques.push({ name: k.name, columns: k.columns, index: k.kind === 'i' });
  }
  return [...tables.values()];
}

/** A failure's cause in words: the server's message, or what the network said (refused, unknown host, timeout). */
function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { message?: string };
  switch (e?.code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (is the database running, and is the host and port right?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name is unknown';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case '28P01':
    case '28000':
      return `the database refused the login: ${e.message}`;
    case '3D000':
      return `no such database: ${e.message}`;
  }
  return (e?.message ?? String(err)).split('\n')[0] || 'unknown error';
}
