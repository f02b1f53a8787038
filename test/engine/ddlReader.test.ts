import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractSql, isSqlMigration } from '../../server/src/core/sql/extract';
import { parse } from 'pgsql-ast-parser';
import { readDdl } from '../../server/src/core/sql/ddlReader';
import { compareOne, Difference, fileTexts, mutations, parserTexts } from './ddlDifferential';
import { REPO, listFiles } from './harness';

/**
 * The hand-written DDL reader answers only where pgsql-ast-parser gives the same tree (see `ddlDifferential.ts`): on
 * every statement of the SQL fixtures, on invented statements that take each of its paths, and on mutations of all of
 * them. And the facts of every SQL fixture file are the same read either way (reader first, or the parser alone).
 */

/** Invented statements the reader reads, one or more for each form it knows. */
const READ = [
  'CREATE TABLE depots (id serial PRIMARY KEY, code varchar(12) NOT NULL UNIQUE, name text)',
  'CREATE TABLE IF NOT EXISTS public."Crates" ("Id" integer NOT NULL, depot_id int REFERENCES depots (id) ON DELETE CASCADE ON UPDATE SET NULL, CONSTRAINT crates_pk PRIMARY KEY ("Id"))',
  'create unlogged table scratch (id bigint primary key, note text collate "C" not null)',
  'create local temp table t1 (x int)',
  'create global temporary table t2 (x int)',
  'create temp table t3 (x int references depots(id) match full)',
  'CREATE TABLE lids (id int, crate_id int, CONSTRAINT fk FOREIGN KEY (crate_id) REFERENCES crates (id) ON DELETE NO ACTION ON UPDATE RESTRICT, UNIQUE (id, crate_id))',
  'CREATE TABLE seeds (ts timestamp(3) with time zone default now(), t2 time without time zone, t3 timestamp(6), t4 time(2), t5 timestamptz(3), d double precision, c character varying(20), b bit varying(4), n numeric(10, 2), a int[], aa text[][], arr int ARRAY, q public."Kind", z "Zone"[])',
  "CREATE TABLE plots (id uuid DEFAULT public.uuid_generate_v4() NOT NULL, n int DEFAULT -1, f real DEFAULT 0.5, g real DEFAULT -.5, s text DEFAULT 'x'::character varying, j jsonb DEFAULT '{}'::jsonb NOT NULL, k int DEFAULT nextval('plots_k_seq'::regclass), c timestamp DEFAULT CURRENT_TIMESTAMP, d date DEFAULT current_date, e boolean DEFAULT (false), h text DEFAULT NULL, i timestamptz DEFAULT (timezone('utc', (now())))::timestamptz)",
  'CREATE TABLE keyw ("user" int, "order" int, key int, type text, data jsonb, name text, "primary" boolean, "Select" int)',
  'CREATE TABLE withdefault (x int DEFAULT 0 NOT NULL, y text NULL DEFAULT \'a\', z int CONSTRAINT nn NOT NULL CONSTRAINT u UNIQUE)',
  'ALTER TABLE ONLY public.crates ADD CONSTRAINT crates_depot_fkey FOREIGN KEY (depot_id) REFERENCES public.depots(id) ON DELETE SET DEFAULT',
  'ALTER TABLE crates ADD COLUMN IF NOT EXISTS lid_id int NOT NULL REFERENCES lids (id), DROP COLUMN IF EXISTS old CASCADE, ADD note text',
  'ALTER TABLE IF EXISTS crates ADD PRIMARY KEY (id), ADD UNIQUE (code), DROP old_code RESTRICT',
  'CREATE UNIQUE INDEX crates_code ON crates (code)',
  'CREATE UNIQUE INDEX IF NOT EXISTS "Crates_Code" ON public.crates USING btree (code DESC, depot_id ASC)',
  'DROP TABLE depots',
  'DROP TABLE IF EXISTS depots, public.crates CASCADE',
  'create table s.current_schema (a int)',
  'create table s.user (a int, b s.table)',
  "CREATE TABLE chk (a int CHECK (a > 0), b int, CHECK (b < a), CONSTRAINT c_ok CHECK (status IN ('a', 'b') AND b IS NOT NULL))",
  'ALTER TABLE crates ADD CONSTRAINT c CHECK (x > 0), ADD CHECK ((y <> 1))',
  'ALTER TABLE crates DROP CONSTRAINT c, DROP CONSTRAINT IF EXISTS d CASCADE',
  'CREATE TABLE chk2 (a int CHECK (a, b))',
  "ALTER TABLE crates ALTER COLUMN a TYPE bigint, ALTER b SET DATA TYPE character varying(20), ALTER COLUMN c SET NOT NULL, ALTER d DROP NOT NULL, ALTER e DROP DEFAULT, ALTER f SET DEFAULT 'x'::text",
];

/**
 * Invented statements it declines: expressions beyond a default's literal, call or cast; a check's condition the
 * parser refuses, or options after it; generated columns;
 * `LIKE`, `INHERITS`, table options; a reserved word as a name; quoting the parser's lexer does not know; an ambiguous
 * `ADD COLUMN`; other `ALTER TABLE` actions; unique indexes on expressions, with conditions or without a name; and
 * broken statements.
 */
const DECLINED = [
  'CREATE TABLE plots2 (a int DEFAULT 1 + 2)',
  "CREATE TABLE plots2 (b text DEFAULT 'a' || 'b')",
  "CREATE TABLE plots2 (d text DEFAULT E'x')",
  'CREATE TABLE plots2 (e text DEFAULT $$x$$)',
  'CREATE TABLE plots2 (f int DEFAULT +1)',
  'CREATE TABLE plots2 (g int DEFAULT current_timestamp(3))',
  "CREATE TABLE plots2 (i timestamptz DEFAULT (now() AT TIME ZONE 'utc'))",
  'CREATE TABLE plots2 (j int DEFAULT x)',
  "CREATE TABLE plots2 (k bit DEFAULT b'01')",
  'CREATE TABLE plots2 (l int[] DEFAULT ARRAY[]::int[])',
  'CREATE TABLE gen (a int GENERATED ALWAYS AS IDENTITY, b int)',
  'CREATE TABLE likes (LIKE depots INCLUDING ALL, extra int)',
  'CREATE TABLE kids (x int) INHERITS (depots)',
  'CREATE TABLE bad (user int)',
  'CREATE TABLE bad2 (order int)',
  'CREATE TABLE bad3 (primary int)',
  'CREATE TABLE sizes (v varchar(3)[2])',
  'CREATE TABLE "odd*name" (x int)',
  'CREATE TABLE e1 (email text, CONSTRAINT e1_email UNIQUE (email) DEFERRABLE INITIALLY DEFERRED)',
  'CREATE TABLE p1 (id int) PARTITION BY RANGE (id)',
  'CREATE TABLE w1 (id int) WITH (fillfactor = 70)',
  'ALTER TABLE crates ADD COLUMN column int',
  'ALTER TABLE crates ADD column int',
  'ALTER TABLE crates ADD COLUMN if int',
  'ALTER TABLE crates DROP COLUMN column',
  'ALTER TABLE crates DROP COLUMN if',
  'ALTER TABLE crates DROP if exists',
  'ALTER TABLE crates ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (id) NOT VALID',
  'ALTER TABLE crates RENAME COLUMN a TO b',
  'CREATE TABLE chk3 (a int CHECK (a > 0) NO INHERIT)',
  'ALTER TABLE crates ADD CONSTRAINT c CHECK (x > 0) NOT VALID',
  'CREATE TABLE chk4 (a int CHECK (a >>>> 0))',
  'CREATE TABLE chk5 (a int CHECK (a > $$x$$))',
  'ALTER TABLE crates ALTER COLUMN a TYPE bigint USING a::bigint',
  'ALTER TABLE crates ALTER COLUMN type TYPE bigint',
  'ALTER TABLE crates DROP CONSTRAINT if',
  'CREATE UNIQUE INDEX crates_lower ON crates (lower(code))',
  'CREATE UNIQUE INDEX crates_part ON crates (code) WHERE deleted_at IS NULL',
  'CREATE UNIQUE INDEX ON crates (code)',
  'CREATE UNIQUE INDEX CONCURRENTLY c ON crates (code)',
  'CREATE TABLE t (a int);',
  'CREATE TABLE t (a int) -- c',
  'CREATE TABLE t (a int, b int,)',
  'CREATE TABLE t ()',
  'CREATE TABLE t (a)',
  'CREATE TABLE t (a int references)',
  'CREATE TABLE t (a timestamp with zone)',
  'CREATE TABLE `t` (`a` int)',
  'CREATE TABLE [t] ([a] int)',
  'CREATE OR REPLACE TABLE t (a int)',
  'create table current_schema (a int)',
];

/** The reader as the extractor runs it: a check's condition read by the parser. */
const read = (text: string) => readDdl(text, (t) => parse(t, { entry: 'expr_paren', locationTracking: true }));

function differences(texts: string[]): { accepted: number; differences: Difference[] } {
  let accepted = 0;
  const out: Difference[] = [];
  for (const t of texts) {
    const r = compareOne(t);
    if (r.accepted) accepted++;
    if (r.difference) out.push(r.difference);
  }
  return { accepted, differences: out };
}

const show = (d: Difference[]) => d.slice(0, 3).map((x) => `${x.text}\n  reader: ${x.reader.slice(0, 300)}\n  parser: ${x.parser.slice(0, 300)}`).join('\n');

describe('the hand-written DDL reader', () => {
  const sqlFiles = listFiles(join(REPO, 'test/fixtures')).filter((f) => f.endsWith('.sql'));
  const fixtureTexts = [...new Set(sqlFiles.flatMap((f) => fileTexts(readFileSync(f, 'utf8'))))];
  const invented = [...new Set([...READ, ...DECLINED].flatMap((s) => parserTexts(s)))];

  it('reads the invented statements as the parser does, and declines what it does not know', () => {
    for (const s of READ) assert.ok(read(s), s);
    for (const s of DECLINED) assert.equal(read(s), undefined, s);
    // Without the parser for a check's condition, a check is declined.
    assert.equal(readDdl(READ.find((s) => /CHECK/.test(s))!), undefined);
    const r = differences(invented);
    assert.deepEqual(r.differences, [], show(r.differences));
  });

  it('reads every statement of the SQL fixtures as the parser does', () => {
    const r = differences(fixtureTexts);
    assert.deepEqual(r.differences, [], show(r.differences));
    assert.ok(fixtureTexts.length > 300 && r.accepted > 200, `${r.accepted} of ${fixtureTexts.length}`);
  });

  it('reads mutations of them as the parser does, or declines', function () {
    this.timeout(600_000);
    // Only what the reader accepts goes to the (slow) parser: about a third of the mutations.
    const texts = [...invented, ...fixtureTexts].filter((t) => read(t));
    const mutated = texts.flatMap((t, k) => mutations(t, 6, k + 1));
    const r = differences(mutated);
    assert.deepEqual(r.differences, [], show(r.differences));
    assert.ok(r.accepted > 50, `accepted: ${r.accepted} of ${mutated.length}`);
  });

  it('gives every SQL fixture file the facts the parser alone gives', () => {
    for (const f of sqlFiles) {
      const text = readFileSync(f, 'utf8');
      const migration = isSqlMigration(f);
      assert.deepEqual(extractSql(f, text, migration, 'fast'), extractSql(f, text, migration, 'parser'), f);
    }
  });

  it('knows the reserved words of the parser', () => {
    const source = readFileSync(join(REPO, 'node_modules/pgsql-ast-parser/src/keywords.ts'), 'utf8');
    for (const m of source.matchAll(/"([A-Z_]+)"/g)) {
      const word = m[1].toLowerCase();
      // A reserved word is never a name: the reader declines it where the grammar wants one.
      assert.equal(readDdl(`create table ${word} (a int)`), undefined, word);
      assert.equal(readDdl(`create table t (${word} int)`), undefined, word);
    }
    assert.ok(readDdl('create table key (a int)'));
  });
});
