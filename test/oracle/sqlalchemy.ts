// The SQLAlchemy oracle: invented SQLAlchemy workspaces (sqlalchemy/generate.py) are imported into the real
// SQLAlchemy 1.4 and Flask-SQLAlchemy 3.0 (sqlalchemy/resolve.py), which say what every ForeignKey string resolves
// to and which tables exist; FK Guard scans the same workspaces, and every place where the two disagree is a case.
// Then every preferred fix FK Guard offers is applied to a copy of the model and SQLAlchemy is asked again: the key
// must now resolve, and no key that resolved before may stop resolving. review9 wrote the first version
// (metafuzz) and found 7 of session 9's 14 findings with it in minutes.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../server/src/core/types';
import { scanWorkspace } from '../../server/src/host/scan';
import { Case, Tally } from './cases';

const HERE = join(__dirname, '..', '..', '..', 'test', 'oracle', 'sqlalchemy');

/** One ForeignKey the generator wrote (fks.json). */
interface WrittenKey {
  file: string;
  /** 1-based. */
  line: number;
  table: string;
  col: string;
  spec: string;
}

/** What SQLAlchemy made of a workspace (oracle.json, see resolve.py). */
interface OracleAnswer {
  error: string | null;
  tables: Array<[string | null, string, string[]]>;
  fks: Array<{ table: string; col: string; spec: string; key: string; resolved: boolean; strict: boolean }>;
}

export interface SqlalchemyOptions {
  python: string;
  /** A fresh folder for the workspaces. */
  work: string;
  seeds: readonly number[];
  /** Workspaces per seed. */
  count: number;
  jobs: number;
}

const MODULES = ['meta.py', 'base.py', 'models_a.py', 'models_b.py'];

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function resolveAll(opts: SqlalchemyOptions, dirs: readonly string[]): void {
  // Many dirs per call, in chunks that keep the command line short.
  for (let i = 0; i < dirs.length; i += 200) {
    execFileSync(opts.python, [join(HERE, 'resolve.py'), '-j', String(opts.jobs), ...dirs.slice(i, i + 200)], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

interface Scanned {
  name: string;
  dir: string;
  keys: WrittenKey[];
  oracle: OracleAnswer;
  findings: Finding[];
}

export async function sqlalchemyOracle(opts: SqlalchemyOptions, tally: Tally): Promise<void> {
  const dirs: Array<{ name: string; dir: string }> = [];
  for (const seed of opts.seeds) {
    const root = join(opts.work, `s${seed}`);
    execFileSync(opts.python, [join(HERE, 'generate.py'), root, String(seed), String(opts.count)], { stdio: 'inherit' });
    for (let i = 0; i < opts.count; i++) {
      const w = `w${String(i).padStart(3, '0')}`;
      dirs.push({ name: `s${seed}/${w}`, dir: join(root, w) });
    }
  }
  resolveAll(
    opts,
    dirs.map((d) => d.dir),
  );

  const scanned: Scanned[] = [];
  for (const { name, dir } of dirs) {
    const oracle = readJson<OracleAnswer>(join(dir, 'oracle.json'));
    if (oracle.error) {
      tally.add(new Case('sqlalchemy', name, 'oracle-error', '', oracle.error));
      continue;
    }
    const keys = readJson<WrittenKey[]>(join(dir, 'fks.json'));
    let scan;
    try {
      scan = await scanWorkspace({ roots: [join(dir, 'ws')], jobs: 1, oneShot: true });
    } catch (e) {
      tally.add(new Case('sqlalchemy', name, 'crash', '', String(e)));
      continue;
    }
    const { findings, unchecked, stats } = scan.conclusions();
    compareKeys(tally, name, keys, oracle, findings, unchecked.map((u) => `${u.file}:${u.range.start.line + 1}`));
    // Every ForeignKey(...) is a reference: the string keys and a joined subclass's ForeignKey(Parent.id).
    const written = MODULES.reduce((n, m) => n + readFileSync(join(dir, 'ws', 'app', m), 'utf8').split('ForeignKey(').length - 1, 0);
    if (stats.references !== written) tally.add(new Case('sqlalchemy', name, 'lost-reference', '', `FK Guard read ${stats.references} references, the generator wrote ${written}`));
    compareIndex(tally, name, oracle, scan.engine.schema().tables);
    scanned.push({ name, dir, keys, oracle, findings });
  }
  checkFixes(opts, tally, scanned);
}

function compareKeys(tally: Tally, ws: string, keys: readonly WrittenKey[], oracle: OracleAnswer, findings: readonly Finding[], unchecked: readonly string[]): void {
  const byCol = new Map(keys.map((k) => [k.col, k]));
  const errors = new Map<string, Finding>();
  const infos = new Map<string, Finding>();
  for (const f of findings) {
    const at = `${f.file}:${f.range.start.line + 1}`;
    if (f.severity === 'error' || f.rule === 'unresolved-reference') errors.set(at, f);
    else if (f.rule === 'cross-metadata') infos.set(at, f);
  }
  const uncheckedAt = new Set(unchecked);
  const seen = new Set<string>();
  for (const fk of oracle.fks) {
    const k = byCol.get(fk.col);
    if (!k) {
      tally.add(new Case('sqlalchemy', ws, 'unmapped-key', fk.col, `SQLAlchemy has a key ${fk.spec} on ${fk.table}.${fk.col} the generator did not write`));
      continue;
    }
    seen.add(fk.col);
    const at = `${k.file}:${k.line}`;
    tally.count('keys');
    const error = errors.get(at);
    const said = error ? `${error.severity} ${error.rule}: ${error.message}` : '';
    if (fk.resolved) {
      if (error && error.rule !== 'unresolved-reference') tally.add(new Case('sqlalchemy', ws, 'false-error', at, `${fk.spec} resolves to ${fk.key} | ${said}`));
      else if (uncheckedAt.has(at)) tally.count('unchecked');
      else tally.count(error ? 'bare-name-warned' : 'right-passed');
      if (!fk.strict && !infos.has(at) && !error && !uncheckedAt.has(at)) {
        tally.add(new Case('sqlalchemy', ws, 'no-cross-metadata-info', at, `${fk.spec} resolves to ${fk.key} only in another MetaData`));
      }
      if (fk.strict && infos.has(at)) tally.add(new Case('sqlalchemy', ws, 'false-cross-metadata', at, `${fk.spec} -> ${fk.key} is in its own MetaData | ${infos.get(at)!.message}`));
    } else if (error) tally.count('wrong-caught');
    else if (uncheckedAt.has(at)) tally.count('unchecked');
    else tally.add(new Case('sqlalchemy', ws, 'missed-error', at, `${fk.spec}: SQLAlchemy finds no ${fk.key}`));
  }
  const keyAt = new Set(keys.map((k) => `${k.file}:${k.line}`));
  for (const [at, f] of errors) {
    if (!keyAt.has(at)) tally.add(new Case('sqlalchemy', ws, 'error-elsewhere', at, `${f.severity} ${f.rule}: ${f.message}`));
  }
  for (const k of keys) {
    if (!seen.has(k.col)) tally.add(new Case('sqlalchemy', ws, 'unmapped-key', `${k.file}:${k.line}`, `the generator wrote ${k.spec} on ${k.table}.${k.col}; SQLAlchemy has no such key`));
  }
}

function compareIndex(tally: Tally, ws: string, oracle: OracleAnswer, tables: ReadonlyArray<{ schema?: string; name: string; columns: ReadonlyArray<{ name: string }> }>): void {
  const key = (schema: string | null | undefined, name: string) => (schema ? `${schema}.${name}` : name);
  const ours = new Map(tables.map((t) => [key(t.schema, t.name), t.columns.map((c) => c.name).sort()]));
  const theirs = new Map(oracle.tables.map(([s, n, cols]) => [key(s, n), [...cols].sort()]));
  const onlyOurs = [...ours.keys()].filter((k) => !theirs.has(k)).sort();
  const onlyTheirs = [...theirs.keys()].filter((k) => !ours.has(k)).sort();
  if (onlyOurs.length || onlyTheirs.length) {
    tally.add(new Case('sqlalchemy', ws, 'index-differs', '', `only FK Guard: ${onlyOurs.join(' ') || '-'}; only SQLAlchemy: ${onlyTheirs.join(' ') || '-'}`));
  }
  for (const [k, cols] of ours) {
    const other = theirs.get(k);
    if (other && cols.join(' ') !== other.join(' ')) {
      tally.add(new Case('sqlalchemy', ws, 'columns-differ', k, `FK Guard: ${cols.join(' ')}; SQLAlchemy: ${other.join(' ')}`));
    }
  }
}

/**
 * Applies each preferred fix (one at a time) to a copy of the oracle's model and asks SQLAlchemy again. A fix whose
 * edit spans lines, or lands on a line the oracle's copy spells differently (2.0 forms written in 1.4), is counted
 * as skipped: every fix the generator's shapes make is one line today, so `fix-skipped` is a case too.
 */
function checkFixes(opts: SqlalchemyOptions, tally: Tally, scanned: readonly Scanned[]): void {
  const trials: Array<{ ws: Scanned; at: string; col: string; dir: string; finding: Finding }> = [];
  for (const ws of scanned) {
    const colAt = new Map(ws.keys.map((k) => [`${k.file}:${k.line}`, k.col]));
    for (const f of ws.findings) {
      const fix = f.fixes.find((x) => x.isPreferred);
      if (!fix) continue;
      tally.count('preferred-fixes');
      const at = `${f.file}:${f.range.start.line + 1}`;
      const col = colAt.get(at);
      const dir = join(opts.work, 'fixes', `${ws.name.replace('/', '-')}-${trials.length}`);
      const texts = new Map<string, string[]>();
      let applies = col !== undefined;
      for (const e of fix.edits) {
        if (!applies) break;
        const lines = texts.get(e.file) ?? readFileSync(join(ws.dir, 'oracle', e.file), 'utf8').split('\n');
        const scannedLine = readFileSync(join(ws.dir, 'ws', e.file), 'utf8').split('\n')[e.range.start.line];
        const line = lines[e.range.start.line];
        // The oracle's copy of a line may spell the column in 1.4's words (`Column(Integer, ForeignKey(...))` for
        // `mapped_column(ForeignKey(...))`); an edit inside the ForeignKey call lands at the same place after it.
        const shift = line === scannedLine ? 0 : line.indexOf('ForeignKey(') - scannedLine.indexOf('ForeignKey(');
        const sameCall = line === scannedLine || (scannedLine.includes('ForeignKey(') && line.includes('ForeignKey(') && e.range.start.character >= scannedLine.indexOf('ForeignKey(') && line.slice(shift + scannedLine.indexOf('ForeignKey(')) === scannedLine.slice(scannedLine.indexOf('ForeignKey(')));
        if (e.range.start.line !== e.range.end.line || !sameCall) {
          applies = false;
          break;
        }
        lines[e.range.start.line] = line.slice(0, e.range.start.character + shift) + e.newText + line.slice(e.range.end.character + shift);
        texts.set(e.file, lines);
      }
      if (!applies) {
        tally.add(new Case('sqlalchemy', ws.name, 'fix-skipped', at, `${f.rule}: ${fix.title}`));
        continue;
      }
      mkdirSync(dir, { recursive: true });
      cpSync(join(ws.dir, 'oracle'), join(dir, 'oracle'), { recursive: true });
      for (const [file, lines] of texts) writeFileSync(join(dir, 'oracle', file), lines.join('\n'));
      trials.push({ ws, at, col: col!, dir, finding: f });
    }
  }
  resolveAll(
    opts,
    trials.map((t) => t.dir),
  );
  for (const t of trials) {
    const after = readJson<OracleAnswer>(join(t.dir, 'oracle.json'));
    const fix = t.finding.fixes.find((x) => x.isPreferred)!;
    const resolvedAfter = new Set(after.fks.filter((f) => f.resolved).map((f) => f.col));
    const broken = t.ws.oracle.fks.filter((f) => f.resolved && !resolvedAfter.has(f.col)).map((f) => `${f.spec} (${f.col})`);
    let why = '';
    if (after.error) why = `SQLAlchemy fails: ${after.error}`;
    else if (!resolvedAfter.has(t.col)) why = 'the key still does not resolve';
    else if (broken.length) why = `breaks ${broken.join(', ')}`;
    if (why) tally.add(new Case('sqlalchemy', t.ws.name, 'bad-fix', t.at, `${t.finding.rule} "${fix.title}": ${why}`));
    else tally.count('fixes-that-resolve');
  }
}
