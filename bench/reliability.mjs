// `npm run bench:reliability [-- --cli PATH]`: the command-line cases of issue 11 that were slow or never ended,
// timed as whole CLI processes. PATH runs another build (an older dist/cli.js for "before" figures). Figures are
// printed, never asserted.
//  - text output of a 47k-line file with 5,001 findings, each with a fix, against the same scan as JSON: the
//    text report used to recompute the file's line starts for every fix it described;
//  - `--cache-dir /proc/x`, which made Node 20's recursive mkdir spin forever (stopped here after 20 s).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const repo = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const cliAt = args.indexOf('--cli');
const cli = cliAt >= 0 ? args[cliAt + 1] : join(repo, 'dist', 'cli.js');

function time(argv, cwd, limitMs) {
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, ...argv], { cwd, encoding: 'utf8', timeout: limitMs, killSignal: 'SIGKILL', maxBuffer: 1 << 30, env: { ...process.env, XDG_CACHE_HOME: join(cwd, '.cachehome') } });
  const ms = performance.now() - started;
  return { ms, status: r.status, killed: r.signal === 'SIGKILL', stderr: r.stderr ?? '' };
}

const show = (r) => (r.killed ? `> ${(r.ms / 1000).toFixed(0)} s (killed)` : `${r.ms.toFixed(0)} ms, exit ${r.status}`);

const root = mkdtempSync(join(tmpdir(), 'fkguard-bench-reliability-'));
try {
  // 5,001 references to a table that does not exist, in a 47k-line file: 5,001 findings with a fix each.
  const lines = ['from sqlalchemy import Column, ForeignKey, Integer', 'from app.db import Base', '', 'class User(Base):', '    __tablename__ = "users"', '    id = Column(Integer, primary_key=True)', ''];
  for (let c = 0; c < 1667; c++) {
    lines.push(`class Row${c}(Base):`, `    __tablename__ = "row_${c}"`, '    id = Column(Integer, primary_key=True)');
    for (let k = 0; k < 3 && c * 3 + k < 5001; k++) lines.push(`    ref_${k} = Column(Integer, ForeignKey("user.id"))`);
    while (lines.length < (c + 1) * 28) lines.push('    # padding');
  }
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app', 'models.py'), lines.join('\n') + '\n');
  console.log(`cli: ${cli}`);
  const text = time(['scan', '--no-cache', '--format', 'text', '.'], root, 600000);
  const json = time(['scan', '--no-cache', '--format', 'json', '.'], root, 600000);
  console.log(`text output, ${lines.length} lines, 5,001 findings: ${show(text)}; as JSON: ${show(json)}`);
  const proc = time(['scan', '--cache-dir', '/proc/fkguard-bench/x', '.'], root, 20000);
  console.log(`--cache-dir /proc/fkguard-bench/x: ${show(proc)}${proc.stderr ? ` — ${proc.stderr.trim().split('\n')[0]}` : ''}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
