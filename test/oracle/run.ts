// `npm run test:oracle`: FK Guard judged by the real libraries on invented code (see README, "Tests").
//
// - sqlalchemy (sqlalchemy.ts): invented SQLAlchemy/Flask-SQLAlchemy workspaces, every ForeignKey resolved by the
//   real SQLAlchemy 1.4 and Flask-SQLAlchemy 3.0 (Debian's python3-sqlalchemy and python3-flask-sqlalchemy), every
//   preferred fix applied and judged again.
// - typescript (typescript.ts): invented barrels, re-exports and namespace imports, every imported table name
//   resolved by the TypeScript checker.
// - kysely (kysely.ts): invented Kysely migrations, every statement compiled to SQL by the real Kysely and run in
//   order by a real PostgreSQL (PGlite); every foreign key it creates or refuses against FK Guard's finding.
//
// The seeds and sizes are fixed, so a run always judges the same inputs and a case always has the same name. A case
// is a disagreement; allowed.json lists the known, open ones (with their finding number and why), and the run fails
// on any other case and on a listed case that no longer occurs.
//
// node out/test/oracle/run.js [--only sqlalchemy|typescript|kysely] [--seeds 11,12] [--count N] [--keep DIR] [--python PATH]
//   [--verbose (every allow-listed case too)]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Allowed, judge, readAllowed, Tally } from './cases';
import { sqlalchemyOracle } from './sqlalchemy';
import { kyselyOracle } from './kysely';
import { typescriptOracle } from './typescript';

/** The judged set: what allowed.json is written against. */
const DEFAULTS = { sqlalchemySeeds: [101, 102], sqlalchemyCount: 150, typescriptSeeds: [201], typescriptCount: 200, kyselySeeds: [301], kyselyCount: 200 };
const ALLOWED = join(__dirname, '..', '..', '..', 'test', 'oracle', 'allowed.json');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * A Python that imports SQLAlchemy 1.4 and Flask-SQLAlchemy 3.0 (or the major `FKGUARD_ORACLE_FLASK_SQLALCHEMY` names,
 * which the generator writes the workspaces for: 2.5.1 is judged locally from a checkout on PYTHONPATH), or a failure
 * that says how to get one.
 */
function python(): string {
  const flaskMajor = `${(process.env.FKGUARD_ORACLE_FLASK_SQLALCHEMY ?? '3.0.3').split('.')[0]}.`;
  const candidates = [arg('--python'), process.env.FKGUARD_ORACLE_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  const tried: string[] = [];
  for (const p of candidates) {
    if (p.startsWith('/') && !existsSync(p)) continue;
    try {
      const v = execFileSync(p, ['-c', 'import sqlalchemy, flask_sqlalchemy; print(sqlalchemy.__version__, flask_sqlalchemy.__version__)'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      const [sa, flask] = v.split(' ');
      if (sa.startsWith('1.4.') && flask.startsWith(flaskMajor === '3.' ? '3.0.' : flaskMajor)) {
        console.log(`oracle: ${p}: SQLAlchemy ${sa}, Flask-SQLAlchemy ${flask}`);
        return p;
      }
      tried.push(`${p} has SQLAlchemy ${sa} and Flask-SQLAlchemy ${flask}`);
    } catch {
      tried.push(`${p} cannot import sqlalchemy and flask_sqlalchemy`);
    }
  }
  throw new Error(
    `the SQLAlchemy oracle needs Python with SQLAlchemy 1.4 and Flask-SQLAlchemy 3.0 (Debian 12: apt-get install python3-sqlalchemy python3-flask-sqlalchemy; or set FKGUARD_ORACLE_PYTHON): ${tried.join('; ') || 'no python3 found'}`,
  );
}

async function main(): Promise<number> {
  const only = arg('--only');
  const oracles = only ? [only] : ['sqlalchemy', 'typescript', 'kysely'];
  const seedsArg = arg('--seeds')?.split(',').map(Number);
  const countArg = arg('--count') ? Number(arg('--count')) : undefined;
  const judged = seedsArg === undefined && countArg === undefined;
  const keep = arg('--keep');
  const work = keep ?? mkdtempSync(join(tmpdir(), 'fkguard-oracle-'));
  const tally = new Tally();
  const started = process.cpuUsage();
  const wallStart = Date.now();
  try {
    if (oracles.includes('sqlalchemy')) {
      await sqlalchemyOracle(
        { python: python(), work: join(work, 'sqlalchemy'), seeds: seedsArg ?? DEFAULTS.sqlalchemySeeds, count: countArg ?? DEFAULTS.sqlalchemyCount, jobs: 2 },
        tally,
      );
    }
    if (oracles.includes('typescript')) {
      await typescriptOracle({ work: keep ? join(work, 'typescript') : '', seeds: seedsArg ?? DEFAULTS.typescriptSeeds, count: countArg ?? DEFAULTS.typescriptCount }, tally);
    }
    if (oracles.includes('kysely')) {
      await kyselyOracle({ work: keep ? join(work, 'kysely') : '', seeds: seedsArg ?? DEFAULTS.kyselySeeds, count: countArg ?? DEFAULTS.kyselyCount }, tally);
    }
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
  const verdict = judge(tally.cases, readAllowed(ALLOWED), oracles);
  const cpu = process.cpuUsage(started);
  console.log(
    `oracle: ${[...tally.counts].map(([k, v]) => `${v} ${k}`).join(', ')}; ${tally.cases.length} cases (${verdict.allowed.length} allow-listed); ` +
      `this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${((Date.now() - wallStart) / 1e3).toFixed(1)} s wall`,
  );
  // Each allow-list entry in one line (its cases by kind); every case with --verbose.
  const byEntry = new Map<Allowed, Map<string, number>>();
  for (const [c, a] of verdict.allowed) {
    const kinds = byEntry.get(a) ?? new Map<string, number>();
    kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    byEntry.set(a, kinds);
    if (process.argv.includes('--verbose')) console.log(`  allowed (${a.finding}) ${c.id}: ${c.detail}`);
  }
  for (const [a, kinds] of byEntry) console.log(`  allowed (${a.finding}): ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}: ${a.reason.slice(0, 100)}...`);
  for (const c of verdict.unexpected) console.log(`  NEW ${c.id}: ${c.detail}`);
  if (judged) {
    // A fix that lands removes hundreds of cases at once: ten are shown, every one with --verbose.
    const shown = process.argv.includes('--verbose') ? verdict.gone : verdict.gone.slice(0, 10);
    for (const [id, a] of shown) console.log(`  GONE (${a.finding}) ${id}: no longer occurs; take it out of test/oracle/allowed.json`);
    if (shown.length < verdict.gone.length) console.log(`  GONE: ${verdict.gone.length - shown.length} more (--verbose lists them)`);
  }
  const failed = verdict.unexpected.length > 0 || (judged && verdict.gone.length > 0);
  if (!judged) console.log('oracle: seeds or count differ from the judged set: allow-listed cases that did not occur are not failures');
  console.log(failed ? 'oracle: FAILED' : 'oracle: passed');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`oracle: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
