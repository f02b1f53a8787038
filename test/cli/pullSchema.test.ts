// `fkguard pull-schema` against a real PostgreSQL (PGlite behind a TCP port, test/host/pgliteServer.ts), through the
// real `pg` client in the built CLI, then `fkguard scan` on code whose keys point at the pulled tables.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { binPath } from './harness';
import { startPgliteServer, type PgliteServer } from '../host/pgliteServer';

interface Run { code: number | null; stdout: string; stderr: string }

/** The CLI in a child process, without blocking this one: the database it talks to lives in this process. */
function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd, env: { ...process.env, FKGUARD_DEBUG: '', FKGUARD_DATABASE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// A database with the shapes a pull must get right: two schemas, a quoted mixed-case name and a key word as a
// name, a composite primary key, a UNIQUE constraint, a unique index (a valid FK target) and a partial one (not),
// a dropped column, a partitioned table, a view (no FK can target it), an enum column, a table with no column, a
// DEFERRABLE unique constraint (no FK may target it), a unique index with INCLUDE columns (not key columns) and an
// UNLOGGED table; a unique index another table's foreign key references (R12-29: it is still a target).
const DATABASE = `
CREATE SCHEMA billing;
CREATE TYPE public.mood AS ENUM ('ok', 'sad');
CREATE TABLE public.users (id uuid PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, legacy int, mood public.mood);
ALTER TABLE public.users DROP COLUMN legacy;
CREATE TABLE public."Accounts" (code char(8) NOT NULL, "order" integer);
CREATE UNIQUE INDEX accounts_code_idx ON public."Accounts" (code);
CREATE TABLE public.account_notes (account_code char(8) REFERENCES public."Accounts" (code));
CREATE UNIQUE INDEX accounts_order_partial ON public."Accounts" ("order") WHERE "order" > 0;
CREATE TABLE billing.invoices (shop_id bigint, number integer, total numeric(10,2), PRIMARY KEY (shop_id, number));
CREATE TABLE billing.events (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE billing.events_2026 PARTITION OF billing.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW public.active_users AS SELECT id FROM public.users;
CREATE TABLE public.empty_one ();
CREATE TABLE billing.ledgers (id integer PRIMARY KEY, code text NOT NULL, note text, CONSTRAINT ledgers_code_key UNIQUE (code) DEFERRABLE);
CREATE UNIQUE INDEX ledgers_code_note ON billing.ledgers (note) INCLUDE (code);
CREATE UNLOGGED TABLE public.scratch (id integer PRIMARY KEY);
`;

const EXPECTED_TABLES = `
CREATE TABLE billing.events (
    id bigint NOT NULL,
    at date NOT NULL,
    CONSTRAINT events_pkey PRIMARY KEY (id, at)
);

CREATE TABLE billing.invoices (
    shop_id bigint NOT NULL,
    number integer NOT NULL,
    total numeric(10,2),
    CONSTRAINT invoices_pkey PRIMARY KEY (shop_id, number)
);

CREATE TABLE billing.ledgers (
    id integer NOT NULL,
    code text NOT NULL,
    note text,
    CONSTRAINT ledgers_pkey PRIMARY KEY (id)
);
-- UNIQUE ledgers_code_key (code) is DEFERRABLE, which no foreign key may reference: left out.
CREATE UNIQUE INDEX ledgers_code_note ON billing.ledgers (note);

CREATE TABLE public."Accounts" (
    code character(8) NOT NULL,
    "order" integer
);
CREATE UNIQUE INDEX accounts_code_idx ON public."Accounts" (code);

CREATE TABLE public.account_notes (
    account_code character(8)
);

-- public.empty_one has no column.

CREATE UNLOGGED TABLE public.scratch (
    id integer NOT NULL,
    CONSTRAINT scratch_pkey PRIMARY KEY (id)
);

CREATE TABLE public.users (
    id uuid NOT NULL,
    email character varying(255) NOT NULL,
    mood public.mood,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
);
`;

describe('fkguard pull-schema (a real PostgreSQL over the wire)', function () {
  this.timeout(120_000);
  let pg: PgliteServer;
  let dir: string;

  before(async () => {
    pg = await startPgliteServer();
    await pg.db.exec(DATABASE);
  });
  after(async () => {
    await pg?.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fkguard-pull-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every table with its columns, primary and unique keys; no view, no partition, no dropped column', async () => {
    const r = await cli(['pull-schema', '--database-url', pg.url], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^127\.0\.0\.1:\d+\/postgres \(PostgreSQL [\d.]+\): 8 tables written to fkguard-schema\.sql\n$/);
    const text = readFileSync(join(dir, 'fkguard-schema.sql'), 'utf8');
    const [header, ...rest] = text.split('\n\n');
    assert.match(header, /^-- The schema of the database 127\.0\.0\.1:\d+\/postgres \(PostgreSQL [\d.]+\), read by `fkguard pull-schema`\./);
    assert.match(header, /Schemas read: billing, public\./);
    assert.ok(!/postgres@/.test(text), 'the user name stays out of the file');
    assert.equal(`\n${rest.join('\n\n')}`, EXPECTED_TABLES);
  });

  it('writes a file a fresh PostgreSQL runs, whose own pull gives the same tables', async () => {
    const first = await cli(['pull-schema', '--database-url', pg.url, '--out', '-'], dir);
    assert.equal(first.code, 0, first.stderr);
    const copy = await startPgliteServer();
    try {
      await copy.db.exec('CREATE TYPE public.mood AS ENUM (\'ok\', \'sad\'); CREATE SCHEMA billing;');
      await copy.db.exec(first.stdout);
      const second = await cli(['pull-schema', '--database-url', copy.url, '--out', '-'], dir);
      assert.equal(second.code, 0, second.stderr);
      // Every statement comes back, UNLOGGED too; the comments do not: what the file only names (a table with no
      // column, a DEFERRABLE key) was left out of its statements on purpose.
      const statements = (t: string) => t.split('\n').filter((l) => !l.startsWith('--')).join('\n').replace(/\n{3,}/g, '\n\n').trim();
      assert.equal(statements(second.stdout), statements(first.stdout));
      assert.match(second.stdout, /CREATE UNLOGGED TABLE public\.scratch/);
      assert.doesNotMatch(second.stdout, /DEFERRABLE/);
    } finally {
      await copy.close();
    }
  });

  it('reads only the schemas asked for, and says which exist when one does not', async () => {
    const r = await cli(['pull-schema', '--database-url', pg.url, '--schema', 'billing', '-o', '-'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...r.stdout.matchAll(/^CREATE TABLE (\S+)/gm)].map((m) => m[1]), ['billing.events', 'billing.invoices', 'billing.ledgers']);
    const bad = await cli(['pull-schema', '--database-url', pg.url, '--schema', 'nope'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^fkguard: 127\.0\.0\.1:\d+\/postgres has no schema "nope" \(it has billing, public\)\n$/);
    assert.ok(!existsSync(join(dir, 'fkguard-schema.sql')));
  });

  it('leaves an unchanged file untouched, and rewrites it whole when the database changed', async () => {
    const out = join(dir, 'db.sql');
    assert.equal((await cli(['pull-schema', '--database-url', pg.url, '-o', 'db.sql'], dir)).code, 0);
    const before = readFileSync(out, 'utf8');
    writeFileSync(out, before); // same bytes, newer mtime is irrelevant: compare what the CLI says
    const again = await cli(['pull-schema', '--database-url', pg.url, '-o', 'db.sql'], dir);
    assert.match(again.stderr, /no change to db\.sql/);
    await pg.db.exec('CREATE TABLE public.shops (id serial PRIMARY KEY)');
    try {
      const changed = await cli(['pull-schema', '--database-url', pg.url, '-o', 'db.sql', '-q'], dir);
      assert.equal(changed.code, 0, changed.stderr);
      assert.equal(changed.stderr, '');
      assert.match(readFileSync(out, 'utf8'), /CREATE TABLE public\.shops \(\n {4}id integer NOT NULL,\n {4}CONSTRAINT shops_pkey PRIMARY KEY \(id\)\n\);/);
      assert.deepEqual(readdirSync(dir), ['db.sql'], 'no temporary file left beside it');
    } finally {
      await pg.db.exec('DROP TABLE public.shops');
    }
  });

  it('fails with one sentence and keeps the old file when the database cannot be reached', async () => {
    writeFileSync(join(dir, 'fkguard-schema.sql'), 'old');
    const refused = await cli(['pull-schema', '--database-url', 'postgresql://u@127.0.0.1:1/app'], dir);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'fkguard: cannot connect to 127.0.0.1:1/app: the connection was refused (is the database running, and is the host and port right?)\n');
    assert.equal(readFileSync(join(dir, 'fkguard-schema.sql'), 'utf8'), 'old');
    const mysql = await cli(['pull-schema', '--database-url', 'mysql://u@h/app'], dir);
    assert.equal(mysql.code, 2);
    assert.match(mysql.stderr, /only PostgreSQL databases can be read/);
    const none = await cli(['pull-schema'], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^fkguard: Give the database with --database-url URL or \$FKGUARD_DATABASE_URL\./);
    const fromEnv = await cli(['pull-schema', '-o', '-', '-q'], dir, { FKGUARD_DATABASE_URL: pg.url });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.match(fromEnv.stdout, /CREATE TABLE public\.users/);
  });

  it('makes the scan check keys against the database: its types, its tables, its unique keys', async () => {
    assert.equal((await cli(['pull-schema', '--database-url', pg.url, '-q'], dir)).code, 0);
    writeFileSync(
      join(dir, 'models.py'),
      [
        'from sqlalchemy import Column, ForeignKey, Integer, String, Text',
        'from sqlalchemy.orm import declarative_base',
        '',
        'Base = declarative_base()',
        '',
        '',
        'class Order(Base):',
        '    __tablename__ = "orders"',
        '    id = Column(Integer, primary_key=True)',
        '    user_id = Column(Integer, ForeignKey("users.id"))',
        '    email = Column(String(255), ForeignKey("users.email"))',
        '    account = Column(String(8), ForeignKey("Accounts.code"))',
        '    shop_id = Column(Integer, ForeignKey("shops.id"))',
        '    ledger_code = Column(Text, ForeignKey("billing.ledgers.code"))',
        '    ledger_note = Column(Text, ForeignKey("billing.ledgers.note"))',
        '',
      ].join('\n'),
    );
    const r = await cli(['scan', '.', '--format', 'json', '--no-cache'], dir);
    const report = JSON.parse(r.stdout) as { findings: Array<{ file: string; rule: string; severity: string; message: string; range: { start: { line: number } } }> };
    const found = report.findings.map((f) => `${f.file}:${f.range.start.line + 1} ${f.severity} ${f.rule}`).sort();
    // users.id is uuid in the database: an Integer key is refused; the email key matches the database's unique key;
    // the Accounts key is accepted, but varchar against the database's char(8) is worth a warning; shops exists
    // nowhere. Nothing is said about the pulled file itself.
    // billing.ledgers.code has only a DEFERRABLE unique key (the file leaves it out): no target; note's unique index is.
    assert.deepEqual(found, ['models.py:10 error type-mismatch', 'models.py:12 warning type-mismatch', 'models.py:13 error unknown-table', 'models.py:14 error not-unique-target']);
    assert.match(report.findings.find((f) => f.rule === 'type-mismatch')!.message, /uuid/);
    // And PostgreSQL agrees: the keys FK Guard passes are created, the ones it reports are refused.
    const judge = new PGlite();
    try {
      await judge.exec(`CREATE TYPE public.mood AS ENUM ('ok', 'sad'); CREATE SCHEMA billing; ${readFileSync(join(dir, 'fkguard-schema.sql'), 'utf8')}`);
      await judge.exec('CREATE TABLE orders (id integer PRIMARY KEY, email varchar(255) REFERENCES users (email), account varchar(8) REFERENCES "Accounts" (code))');
      await assert.rejects(judge.exec('CREATE TABLE o2 (user_id integer REFERENCES users (id))'), /cannot be implemented/);
      await assert.rejects(judge.exec('CREATE TABLE o3 (shop_id integer REFERENCES shops (id))'), /does not exist/);
      await judge.exec('CREATE TABLE o4 (ledger_note text REFERENCES billing.ledgers (note))');
    } finally {
      await judge.close();
    }
    // The real database, where the DEFERRABLE key exists, refuses the key FK Guard reports (the judge above is the
    // pulled file, where it does not).
    await assert.rejects(pg.db.exec('CREATE TABLE public.o5 (ledger_code text REFERENCES billing.ledgers (code))'), /deferrable unique constraint/);
  });
});
