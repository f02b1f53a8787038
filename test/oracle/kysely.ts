// The Kysely oracle: invented Kysely migrations (one `up` of schema statements: tables made with and without a
// schema, columns that reference others by `col.references('t.c')`, `'s.t.c'` or `addForeignKeyConstraint`, columns
// and tables renamed, moved with `setSchema`, dropped, keys added by a unique index or constraint), each statement
// compiled to SQL by the real Kysely (a `DummyDriver` with PostgreSQL's adapter and query compiler: no server) and run
// in order by a real PostgreSQL (PGlite, in process). Each statement makes at most one foreign key, so whether
// PostgreSQL creates it says whether that key is right; FK Guard's finding on the same reference (an error or none,
// or unchecked) must agree. A statement PostgreSQL refuses for another reason is left out of the migration, so FK
// Guard reads the history PostgreSQL ran, but for the keys it refused (their statement is run again without the key,
// as FK Guard also keeps the table).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { parseConfig } from '../../server/src/core/config';
import { createEngine } from '../../server/src/host/python';
import { Case, Tally } from './cases';

export interface KyselyOptions {
  /** Where to write the workspaces (kept only to reproduce a case by hand); '' for none. */
  work: string;
  seeds: readonly number[];
  /** Workspaces per seed. */
  count: number;
}

/** mulberry32, as the other oracles: a seed always gives the same migrations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['barns', 'hens', 'coops', 'pens', 'sheds', 'yards'];
const KEY_TYPES = ['serial', 'bigint', 'uuid', 'text'];
const COLUMN_TYPES = ['integer', 'bigint', 'uuid', 'text', 'varchar(20)'];
const SCHEMA = 'farm';
const MIGRATION = 'src/migrations/2024-01-01T00-00-00_farm.ts';

/** What the generator believes of a table: only to make most statements plausible; PostgreSQL is the judge. */
interface Believed {
  schema?: string;
  name: string;
  cols: Map<string, string>;
}

/** A statement as written (`db.schema...`, without `.execute()`), and for one making a key, the same without it. */
interface Statement {
  expr: string;
  withoutKey?: string;
  /** The reference as written, for the report. */
  said?: string;
}

/** The compiled statement's SQL: Kysely's own builder, evaluated on a Kysely instance that never connects. */
type Compile = (expr: string) => string;

async function kyselyCompiler(): Promise<Compile> {
  // A variable specifier: Kysely is a devDependency the oracle loads at run time (an ES module), not a type the
  // test project compiles against. FKGUARD_ORACLE_KYSELY names another build of it (to judge another version).
  const spec = process.env.FKGUARD_ORACLE_KYSELY ? pathToFileURL(process.env.FKGUARD_ORACLE_KYSELY).href : 'kysely';
  let k: Record<string, new (...args: unknown[]) => unknown>;
  try {
    k = await import(spec);
  } catch (e) {
    throw new Error(`the Kysely oracle needs the kysely package (a devDependency: npm ci), or FKGUARD_ORACLE_KYSELY: ${e instanceof Error ? e.message : String(e)}`);
  }
  const db = new k.Kysely({
    dialect: {
      createAdapter: () => new k.PostgresAdapter(),
      createDriver: () => new k.DummyDriver(),
      createIntrospector: (d: unknown) => new k.PostgresIntrospector(d),
      createQueryCompiler: () => new k.PostgresQueryCompiler(),
    },
  });
  return (expr) => (new Function('db', `return (${expr}).compile().sql;`) as (d: unknown) => string)(db);
}

async function run(pg: PGlite, sql: string): Promise<string | undefined> {
  try {
    await pg.exec(sql);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface Judged {
  /** 0-based line of the statement in the migration. */
  line: number;
  said: string;
  /** PostgreSQL's error when it refused the key. */
  refused?: string;
}

/**
 * One workspace: statements drawn one by one, each compiled and run at once, so the next is drawn against what
 * PostgreSQL really holds (a refused statement without a key is drawn again).
 */
async function generate(random: () => number, compile: Compile, pg: PGlite): Promise<{ lines: string[]; judged: Judged[] }> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const chance = (p: number) => random() < p;
  const tables: Believed[] = [];
  const lines: string[] = [];
  const judged: Judged[] = [];
  let n = 0;
  const lit = (s: string) => `'${s}'`;
  const qualified = (t: Believed) => (t.schema ? `${t.schema}.${t.name}` : t.name);
  /** A column to reference: mostly one the table has, with its type; else a name it may not have. */
  const target = (): { table: string; col: string; type: string; schemaOf?: string } => {
    if (tables.length === 0 || chance(0.1)) return { table: pick(NAMES), col: 'id', type: 'integer' };
    const t = pick(tables);
    const cols = [...t.cols.keys()];
    const col = chance(0.85) && cols.length > 0 ? pick(cols) : pick(['id', 'code', 'label', 'tag']);
    const type = t.cols.get(col) ?? 'integer';
    // Written with its schema, or without it (wrong for a table in `farm`, unless the statement is in `farm` too).
    const table = t.schema && chance(0.75) ? qualified(t) : t.name;
    return { table, col, type: type === 'serial' ? 'integer' : type, schemaOf: t.schema };
  };
  const fkType = (type: string) => (chance(0.8) ? type : pick(COLUMN_TYPES));
  for (let step = 0; step < 14; step++) {
    const kind = tables.length === 0 ? 0 : Math.floor(random() * 10);
    let s: Statement | undefined;
    if (kind <= 3) {
      // A new table, often with a key to another.
      const name = pick(NAMES.filter((x) => !tables.some((t) => t.name === x))) ?? `${pick(NAMES)}${++n}`;
      const inFarm = chance(0.25);
      const cols = new Map<string, string>();
      const idType = pick(KEY_TYPES);
      cols.set('id', idType);
      let head = `db.schema${inFarm ? `.withSchema(${lit(SCHEMA)})` : ''}.createTable(${lit(name)}).addColumn('id', ${lit(idType)}, (col) => col.primaryKey())`;
      if (chance(0.6)) {
        const codeType = pick(['varchar(20)', 'integer']);
        cols.set('code', codeType);
        head += `.addColumn('code', ${lit(codeType)}, (col) => col${chance(0.7) ? '.unique()' : ''})`;
      }
      if (chance(0.3)) {
        cols.set('label', 'text');
        head += `.addColumn('label', 'text')`;
      }
      if (chance(0.7)) {
        const t = target();
        const type = fkType(t.type);
        const written = `${t.table}.${t.col}`;
        cols.set('ref_id', type);
        const key = chance(0.7)
          ? `.addColumn('ref_id', ${lit(type)}, (col) => col.references(${lit(written)}))`
          : `.addColumn('ref_id', ${lit(type)}).addForeignKeyConstraint('${name}_ref_fk', ['ref_id'], ${lit(t.table)}, [${lit(t.col)}])`;
        const plain = `.addColumn('ref_id', ${lit(type)})`;
        s = { expr: head + key, withoutKey: head + plain, said: written };
      } else s = { expr: head };
      tables.push({ schema: inFarm ? SCHEMA : undefined, name, cols });
    } else {
      const t = pick(tables);
      const at = `db.schema${t.schema && chance(0.8) ? `.withSchema(${lit(t.schema)})` : ''}.alterTable(${lit(t.schema && chance(0.3) ? qualified(t) : t.name)})`;
      if (kind <= 5) {
        const r = target();
        const col = `ref${++n}`;
        const type = fkType(r.type);
        t.cols.set(col, type);
        s = { expr: `${at}.addColumn(${lit(col)}, ${lit(type)}, (col) => col.references(${lit(`${r.table}.${r.col}`)}))`, withoutKey: `${at}.addColumn(${lit(col)}, ${lit(type)})`, said: `${r.table}.${r.col}` };
      } else if (kind === 6) {
        const to = `${t.name}_v${++n}`;
        s = { expr: `${at}.renameTo(${lit(to)})` };
        t.name = to;
      } else if (kind === 7 && t.cols.size > 0) {
        const col = pick([...t.cols.keys()]);
        const to = `${col}_${++n}`;
        s = chance(0.5) ? { expr: `${at}.renameColumn(${lit(col)}, ${lit(to)})` } : { expr: `${at}.dropColumn(${lit(col)})` };
        const type = t.cols.get(col)!;
        t.cols.delete(col);
        if (s.expr.includes('renameColumn')) t.cols.set(to, type);
      } else if (kind === 8) {
        const to = t.schema ? 'public' : SCHEMA;
        s = { expr: `${at}.setSchema(${lit(to)})` };
        t.schema = to === 'public' ? undefined : to;
      } else {
        const col = pick([...t.cols.keys(), 'id']);
        s = chance(0.5)
          ? { expr: `db.schema.createIndex('ix${++n}').on(${lit(qualified(t))}).column(${lit(col)}).unique()` }
          : { expr: `${at}.addUniqueConstraint('uq${++n}', [${lit(col)}])` };
      }
    }
    const refused = await run(pg, compile(s.expr));
    if (refused === undefined) {
      if (s.said) judged.push({ line: lines.length, said: s.said });
      lines.push(s.expr);
      continue;
    }
    // Refused with its key and accepted without: the key is what PostgreSQL refuses. Refused anyway: the statement
    // is left out (what the generator believed of it is forgotten by drawing the tables again from the database).
    if (s.withoutKey !== undefined && (await run(pg, compile(s.withoutKey))) === undefined) {
      judged.push({ line: lines.length, said: s.said!, refused });
      lines.push(s.expr);
      continue;
    }
    await believe(pg, tables);
  }
  return { lines, judged };
}

/** The tables and columns PostgreSQL holds, so that a statement it refused leaves no false belief behind. */
async function believe(pg: PGlite, tables: Believed[]): Promise<void> {
  const rows = await pg.query<{ s: string; t: string; c: string; ty: string }>(
    `SELECT table_schema AS s, table_name AS t, column_name AS c, data_type AS ty FROM information_schema.columns WHERE table_schema IN ('public', '${SCHEMA}') ORDER BY table_schema, table_name, ordinal_position`,
  );
  tables.length = 0;
  for (const r of rows.rows) {
    const schema = r.s === 'public' ? undefined : r.s;
    let t = tables.find((x) => x.schema === schema && x.name === r.t);
    if (!t) tables.push((t = { schema, name: r.t, cols: new Map() }));
    t.cols.set(r.c, r.ty === 'character varying' ? 'varchar(20)' : r.ty);
  }
}

const FILES: Record<string, string> = {
  'package.json': '{ "name": "farm-db", "private": true, "dependencies": { "kysely": "^0.27.4", "pg": "^8.11.3" } }\n',
  'src/db.ts':
    "import { Kysely, PostgresDialect } from 'kysely';\nimport pg from 'pg';\n\nexport const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });\n",
};

export async function kyselyOracle(opts: KyselyOptions, tally: Tally): Promise<void> {
  const compile = await kyselyCompiler();
  const pg = new PGlite();
  const config = parseConfig(undefined, 'oracle').config;
  const HEAD = "import { Kysely } from 'kysely';\n\nexport async function up(db: Kysely<any>): Promise<void> {\n";
  const first = HEAD.split('\n').length - 1;
  try {
    for (const seed of opts.seeds) {
      const random = rng(seed + 3000);
      for (let i = 0; i < opts.count; i++) {
        const ws = `s${seed}/kysely${String(i).padStart(3, '0')}`;
        await pg.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE SCHEMA ${SCHEMA};`);
        const { lines, judged } = await generate(random, compile, pg);
        const files = new Map(Object.entries(FILES));
        files.set(MIGRATION, `${HEAD}${lines.map((l) => `  await ${l}.execute();\n`).join('')}}\n`);
        if (opts.work) {
          for (const [f, text] of files) {
            const p = join(opts.work, ws, f);
            if (!existsSync(dirname(p))) mkdirSync(dirname(p), { recursive: true });
            writeFileSync(p, text);
          }
        }
        const engine = await createEngine(config);
        try {
          for (const [f, text] of files) engine.updateFile(f, text);
          const errors = new Map<number, string>();
          for (const f of engine.findings(MIGRATION)) if (f.severity === 'error') errors.set(f.range.start.line, `${f.rule}: ${f.message}`);
          const unchecked = new Set(engine.unchecked(MIGRATION).map((u) => u.range.start.line));
          const text = files.get(MIGRATION)!;
          const read = new Set(engine.resolvedReferences(MIGRATION).filter((r) => r.ref.span).map((r) => lineOf(text, r.ref.span.start)));
          for (const j of judged) {
            const line = first + j.line;
            const at = `${MIGRATION}:${line + 1}`;
            tally.count('kysely-keys');
            if (!read.has(line)) {
              tally.add(new Case('kysely', ws, 'lost-reference', at, `${j.said}: FK Guard read no reference here`));
              continue;
            }
            if (unchecked.has(line)) {
              tally.count(j.refused ? 'kysely-unchecked-refused' : 'kysely-unchecked-accepted');
              continue;
            }
            const error = errors.get(line);
            if (j.refused && !error) tally.add(new Case('kysely', ws, 'missed-error', at, `${j.said}: PostgreSQL refuses (${j.refused}); FK Guard reports nothing`));
            else if (!j.refused && error) tally.add(new Case('kysely', ws, 'false-error', at, `${j.said}: PostgreSQL accepts; FK Guard ${error}`));
            else tally.count(j.refused ? 'kysely-refused-caught' : 'kysely-accepted-passed');
          }
        } finally {
          engine.dispose();
        }
      }
    }
  } finally {
    await pg.close();
  }
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
