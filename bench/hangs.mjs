// FK Guard hang and crash rows: `node bench/hangs.mjs` (after `npm run build`).
//
// Issue 11's inputs that crashed or took minutes, each generated into .bench/hangs/<case> and scanned by the CLI
// (`node dist/cli.js scan <dir> --format json`) in a fresh process. Prints wall time, exit code and the count of
// findings; the "before" column is what the same input did on main 7eeb6b5 on this 2-core machine (shared with
// other work, so figures are rough), kept here so that a regression is visible next to it. Figures are reported,
// never asserted (the reliability tests check the results, test/reliability/core-*.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const repo = join(fileURLToPath(import.meta.url), '..', '..');
const cli = join(repo, 'dist/cli.js');
const root = join(repo, '.bench', 'hangs');
// Each generated workspace stands for a repository of its own (see bench.mjs: the `.git` folder is the boundary).
mkdirSync(join(root, '.git'), { recursive: true });

const HEADER = 'from sqlalchemy import CHAR, Column, ForeignKey, Integer, MetaData, Table\nmetadata = MetaData()\n';
const healthy = `${HEADER}orders = Table("orders", metadata, Column("id", Integer, primary_key=True), Column("user_id", Integer, ForeignKey("user.id")))\n`;

const CASES = [
  {
    name: '650 nested if-blocks + a healthy file',
    before: 'crash: exit 2, "memory access out of bounds", nothing reported (0.8 s)',
    files: () => {
      const lines = [HEADER];
      for (let i = 0; i < 650; i++) lines.push(`${' '.repeat(i)}if 1:`);
      lines.push(`${' '.repeat(650)}x = Column(Integer, ForeignKey('nowhere.id'))`);
      return { 'deep.py': `${lines.join('\n')}\n`, 'orders.py': healthy };
    },
  },
  {
    name: 'TypeDecorator with 20,000 comment lines',
    before: '> 300 s (killed); 4,000 lines: 13.9 s',
    files: () => ({
      'types.py': `${HEADER}from sqlalchemy.types import TypeDecorator\nclass GUID(TypeDecorator):\n    impl = CHAR\n${'    # load_dialect_impl\n'.repeat(20000)}    def f(self): pass\n`,
    }),
  },
  {
    name: 'broken pyproject.toml after 300,000 blank lines',
    before: 'quadratic: 40,000 lines 20.7 s (300,000: issue measured 76-188 s)',
    files: () => ({ 'pyproject.toml': `[project]\nname = "x"\n${' \n'.repeat(300000)}[broken\n`, 'orders.py': healthy }),
  },
  {
    name: 'did you mean: 30,000-char name beside one 1 longer',
    before: '38.2 s',
    files: () => {
      const a = 'a'.repeat(30000);
      return { 'm.py': `${HEADER}t = Table("${a}b", metadata, Column("id", Integer, primary_key=True))\nu = Table("u", metadata, Column("x", Integer, ForeignKey("${a}.id")))\n` };
    },
  },
  {
    name: 'did you mean: 100,000-char name',
    before: 'issue: 72 s (quadratic: ~11x the 30,000 case)',
    files: () => {
      const a = 'a'.repeat(100000);
      return { 'm.py': `${HEADER}t = Table("${a}b", metadata, Column("id", Integer, primary_key=True))\nu = Table("u", metadata, Column("x", Integer, ForeignKey("${a}.id")))\n` };
    },
  },
  {
    name: 'did you mean: 2,000 look-alike tables x 300 unknown',
    before: '10.6 s',
    files: () => {
      const out = { 'tables.py': HEADER + Array.from({ length: 2000 }, (_, i) => `t${i} = Table("customer_account_${String(i).padStart(4, '0')}", metadata, Column("id", Integer, primary_key=True))`).join('\n') + '\n' };
      for (let i = 0; i < 300; i++) out[`r${i}.py`] = `${HEADER}r = Table("refs${i}", metadata, Column("c", Integer, ForeignKey("custmer_acount_${String(i).padStart(4, '0')}.id")))\n`;
      return out;
    },
  },
  {
    name: 'exclude glob +(a|aa) x12, 28-char file name',
    before: '> 20 s per path (killed; issue: ~100 s per path)',
    files: () => ({ 'fkguard.toml': `exclude = ["${'+(a|aa)'.repeat(12)}"]\n`, [`${'a'.repeat(25)}.py`]: healthy }),
  },
];

const rows = [];
for (const c of CASES) {
  const dir = join(root, c.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(c.files())) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const started = performance.now();
  const r = spawnSync(process.execPath, [cli, 'scan', dir, '--format', 'json'], { encoding: 'utf8', timeout: 600000, maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  let findings = '?';
  try {
    findings = String(JSON.parse(r.stdout).findings.length);
  } catch {
    // A crash prints no JSON; the exit code says so.
  }
  rows.push({ case: c.name, after: `${(ms / 1000).toFixed(2)} s, exit ${r.status ?? r.signal}, ${findings} findings`, before: c.before });
}
const w = Math.max(...rows.map((r) => r.case.length));
const v = Math.max(...rows.map((r) => r.after.length));
console.log(`${'case'.padEnd(w)}  ${'now'.padEnd(v)}  before`);
for (const r of rows) console.log(`${r.case.padEnd(w)}  ${r.after.padEnd(v)}  ${r.before}`);
