// `--differential`: instead, the proof that FK Guard's hand-written DDL reader (core/sql/ddlReader.ts) reads as
// pgsql-ast-parser does, on the corpus: every statement text of every SQL file of every application (as the extractor
// gives it to a parser), `--mutations N` mutations of each statement the reader accepts (default 4), and each file's
// facts read with the reader and with the parser alone. Prints each difference; exit code 1 if there is one.
//
// Compares SQL parsers on the schema statements of the real applications' SQL files (bench/realworld):
// pgsql-ast-parser (what FK Guard uses), the real PostgreSQL parser compiled to WASM (libpg-query), each on the
// statement as written and after FK Guard's rewrites (comments blanked, SQLite/MySQL DDL respelt), and FK Guard's
// reader as a whole (rewrites, then `REFERENCES t` placeholders). Coverage: statements parsed, foreign keys seen
// (one per referencing column); speed: MB of statement text per second of parsing, the best of three runs.
//
//   node bench/sql-parsers.mjs [--libpg /path/to/node_modules/libpg-query]
//
// libpg-query is not a dependency of FK Guard: install it anywhere (`npm i libpg-query` in a scratch folder)
// and pass its folder; without it only pgsql-ast-parser and FK Guard's reader are measured.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = new URL('..', import.meta.url).pathname;
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const out = join(here, 'out/server/src/core/sql');
if (!existsSync(join(out, 'extract.js'))) throw new Error('build first: npx tsc -b');
const { splitStatements } = require(join(out, 'split.js'));
const { blankComments, foreignDialect } = require(join(out, 'normalize.js'));
const { extractSql, isClickHouse, isSchemaStatement } = require(join(out, 'extract.js'));
const pgsql = require(join(here, 'node_modules/pgsql-ast-parser'));
const libpgPath = arg('--libpg');
const libpg = libpgPath ? require(libpgPath) : undefined;
if (libpg) await libpg.loadModule();

const root = process.env.FKGUARD_REALWORLD ?? '/work/realworld';

const repos = JSON.parse(readFileSync(join(here, 'bench/realworld/repos-node.json'), 'utf8')).map((r) => r.name);
const SKIP = new Set(['node_modules', '.git', 'dist', 'build']);
function* sqlFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sqlFiles(p);
    else if (e.name.endsWith('.sql') && statSync(p).size < 2_000_000) yield p;
  }
}

if (process.argv.includes('--differential')) process.exit(differential());

// The schema statements of every SQL file, ClickHouse files left out (no foreign keys there).
const statements = [];
let files = 0;
for (const repo of repos) {
  const dir = join(root, 'src', repo);
  if (!existsSync(dir)) continue;
  for (const f of sqlFiles(dir)) {
    const text = readFileSync(f, 'utf8');
    const id = relative(join(root, 'src'), f);
    if (isClickHouse(id, text)) continue;
    files++;
    for (const s of splitStatements(text)) if (isSchemaStatement(s.text)) statements.push({ file: id, text: s.text });
  }
}
const bytes = statements.reduce((n, s) => n + Buffer.byteLength(s.text), 0);

/** Foreign keys in a pgsql-ast-parser tree: column `references` and table `foreign key` constraints. */
function fksAst(stmts) {
  let n = 0;
  const visit = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (node.type === 'reference') n++;
    else if (node.type === 'foreign key') n += node.localColumns?.length ?? 1;
    for (const [k, v] of Object.entries(node)) if (k !== '_location') visit(v);
  };
  visit(stmts);
  return n;
}

/** Foreign keys in a libpg-query tree: `Constraint` nodes of type CONSTR_FOREIGN (one per column). */
function fksPg(tree) {
  let n = 0;
  const visit = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    if (node.Constraint?.contype === 'CONSTR_FOREIGN') n += node.Constraint.fk_attrs?.length ?? 1;
    for (const v of Object.values(node)) visit(v);
  };
  visit(tree);
  return n;
}

const rewrite = (t) => foreignDialect(blankComments(t));
const parsers = [
  ['pgsql-ast-parser, as written', (t) => fksAst(pgsql.parse(t))],
  ['pgsql-ast-parser, rewritten', (t) => fksAst(pgsql.parse(rewrite(t)))],
  ...(libpg
    ? [
        ['libpg-query, as written', (t) => fksPg(libpg.parseSync(t))],
        ['libpg-query, rewritten', (t) => fksPg(libpg.parseSync(rewrite(t)))],
      ]
    : []),
  [
    "FK Guard's reader, parser alone (rewrites, then placeholders)",
    (t) => {
      const f = extractSql('x.sql', t, false, 'parser');
      if (f.errors.length > 0) throw new Error(f.errors[0].message);
      return f.references.length;
    },
  ],
  [
    "FK Guard's reader (hand-written reader first, then as above)",
    (t) => {
      const f = extractSql('x.sql', t, false);
      if (f.errors.length > 0) throw new Error(f.errors[0].message);
      return f.references.length;
    },
  ],
];

console.log(`${statements.length} schema statements (${(bytes / 1e6).toFixed(2)} MB) from ${files} SQL files of ${repos.length} applications`);
console.log('| parser | statements read | foreign keys seen | MB/s (best of 3) |');
console.log('| --- | --- | --- | --- |');
for (const [name, parse] of parsers) {
  let ok = 0;
  let fks = 0;
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    ok = 0;
    fks = 0;
    const t0 = process.hrtime.bigint();
    for (const s of statements) {
      try {
        fks += parse(s.text);
        ok++;
      } catch {
        // Counted as not read.
      }
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const pct = ((100 * ok) / statements.length).toFixed(1);
  console.log(`| ${name} | ${ok} (${pct} %) | ${fks} | ${(bytes / 1e6 / best).toFixed(2)} (${best.toFixed(2)} s) |`);
}

/** See `--differential` at the top. */
function differential() {
  const d = require(join(here, 'out/test/engine/ddlDifferential.js'));
  const { isSqlMigration } = require(join(out, 'extract.js'));
  const count = Number(arg('--mutations') ?? 4);
  const seen = new Set();
  let files = 0;
  let texts = 0;
  let accepted = 0;
  let mutants = 0;
  let mutantsAccepted = 0;
  let differ = 0;
  const report = (what, x) => {
    differ++;
    if (differ <= 20) console.log(`DIFFERS (${what}): ${x.text.replace(/\s+/g, ' ').slice(0, 300)}\n  reader: ${x.reader.slice(0, 400)}\n  parser: ${x.parser.slice(0, 400)}`);
  };
  for (const f of sqlFiles(join(root, 'src'))) {
    const text = readFileSync(f, 'utf8');
    files++;
    for (const t of d.fileTexts(text)) {
      if (seen.has(t)) continue;
      seen.add(t);
      texts++;
      const r = d.compareOne(t);
      if (r.difference) report('statement', r.difference);
      if (!r.accepted) continue;
      accepted++;
      for (const m of d.mutations(t, count, texts)) {
        mutants++;
        const x = d.compareOne(m);
        if (x.accepted) mutantsAccepted++;
        if (x.difference) report('mutation', x.difference);
      }
    }
    const migration = isSqlMigration(f);
    const fast = JSON.stringify(extractSql(f, text, migration));
    const slow = JSON.stringify(extractSql(f, text, migration, 'parser'));
    if (fast !== slow) report('file facts', { text: relative(root, f), reader: fast, parser: slow });
  }
  console.log(`${files} SQL files, ${texts} statement texts: the reader read ${accepted}; ${mutants} mutations of those, the reader read ${mutantsAccepted}; ${differ} differ`);
  return differ === 0 ? 0 : 1;
}
