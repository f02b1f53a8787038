// Compares, node by node, the tree fastParse.ts makes with the TypeScript compiler's, on every TypeScript candidate
// file under the given folders (default: bench/ts-candidates.mjs's, the fixtures, the bench TypeScript workspaces and
// the real-world Node apps): kinds, positions (pos, start, end), literal and identifier values, the flags the readers
// read, and the order `forEachChild` visits children in. A file the fast parser declines is counted (with the token
// it stopped at, to see what to teach it next), never compared: the compiler parses it in FK Guard too.
//
//   node bench/ts-tree-equivalence.mjs [--all] [--why N] [DIR...]
//
// --all: every .ts/.js file, not only the candidates FK Guard parses. --why N: print the N commonest places it
// stopped at. Exit status 1 when any tree differs. Runs on out/ (npx tsc -b first).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repo, scriptFiles } from './ts-candidates.mjs';

const require = createRequire(import.meta.url);
const { ts } = require('ts-morph');
const { fastParseReport, forEachFastChild } = require(join(repo, 'out/server/src/core/typescript/fastParse.js'));
const { createTypeScriptDialect } = require(join(repo, 'out/server/src/core/typescript/dialect.js'));

const args = process.argv.slice(2);
const all = args.includes('--all');
const whyAt = args.indexOf('--why');
const why = whyAt >= 0 ? Number(args[whyAt + 1]) : 0;
const dirs = args.filter((a, i) => !a.startsWith('--') && (whyAt < 0 || i !== whyAt + 1));

const dialect = createTypeScriptDialect(() => ts);
const files = scriptFiles(dirs);

const BLOCK_SCOPED = 7;
/** What is compared per node besides kind and positions. */
const SCALARS = ['text', 'rawText', 'escapedText', 'operator', 'token', 'isTypeOnly', 'isExportEquals', 'isTypeOf'];

function children(n, each) {
  const out = [];
  each(n, (c) => {
    out.push(c);
    return undefined;
  });
  return out;
}

/** The first difference between two trees, as a path and a message; undefined when they are the same. */
function diff(a, b, sfA, path) {
  const here = `${path}/${ts.SyntaxKind[a.kind]}@${a.pos}`;
  if (a.kind !== b.kind) return `${here}: kind ${ts.SyntaxKind[a.kind]} vs ${ts.SyntaxKind[b.kind]}`;
  if (a.pos !== b.pos || a.end !== b.end) return `${here}: span ${a.pos}-${a.end} vs ${b.pos}-${b.end}`;
  if (a.kind !== ts.SyntaxKind.SourceFile && a.kind !== ts.SyntaxKind.EndOfFileToken && a.getStart(sfA) !== b.getStart()) return `${here}: start ${a.getStart(sfA)} vs ${b.getStart()}`;
  if ((a.flags & BLOCK_SCOPED) !== (b.flags & BLOCK_SCOPED)) return `${here}: flags ${a.flags} vs ${b.flags}`;
  for (const k of SCALARS) {
    const va = a[k];
    const vb = b[k];
    if (va === vb) continue;
    if (typeof va === 'function') continue;
    return `${here}: ${k} ${JSON.stringify(va)} vs ${JSON.stringify(vb)}`;
  }
  const ca = children(a, ts.forEachChild);
  const cb = children(b, forEachFastChild);
  if (ca.length !== cb.length) return `${here}: ${ca.length} children (${ca.map((c) => ts.SyntaxKind[c.kind]).join(',')}) vs ${cb.length} (${cb.map((c) => ts.SyntaxKind[c.kind]).join(',')})`;
  for (let i = 0; i < ca.length; i++) {
    const d = diff(ca[i], cb[i], sfA, here);
    if (d) return d;
  }
  return undefined;
}

let candidates = 0;
let read = 0;
let declined = 0;
let differ = 0;
let compilerErrors = 0;
let bytesRead = 0;
let bytes = 0;
const stops = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (!all && !dialect.isCandidate(file, text)) continue;
  candidates++;
  bytes += text.length;
  const js = /\.[cm]?js$/.test(file);
  const ext = /\.[cm]?[jt]s$/.exec(file)[0];
  const report = fastParseReport(text, js);
  if (!report.tree) {
    declined++;
    if (why) {
      const at = report.stoppedAt ?? 0;
      const line = text.slice(text.lastIndexOf('\n', at - 1) + 1, text.indexOf('\n', at) < 0 ? undefined : text.indexOf('\n', at)).trim().slice(0, 80);
      const token = text.slice(at, at + 12).split(/\s/)[0];
      const key = `${token}`;
      const s = stops.get(key) ?? { n: 0, example: `${file}:${text.slice(0, at).split('\n').length}: ${line}` };
      s.n++;
      stops.set(key, s);
    }
    continue;
  }
  read++;
  bytesRead += text.length;
  const sf = ts.createSourceFile(`/fkguard/scratch${ext}`, text, ts.ScriptTarget.Latest, false);
  if ((sf.parseDiagnostics ?? []).length > 0) {
    compilerErrors++;
    differ++;
    console.log(`DIFFERS ${file}: the compiler reports ${sf.parseDiagnostics.length} syntax error(s), the fast parser none (${sf.parseDiagnostics[0].messageText})`);
    continue;
  }
  const d = diff(sf, report.tree, sf, '');
  if (d) {
    differ++;
    console.log(`DIFFERS ${file}: ${d}`);
  }
}
if (why) {
  console.log(`Commonest places the fast parser stopped (token: files, an example):`);
  for (const [k, s] of [...stops].sort((a, b) => b[1].n - a[1].n).slice(0, why)) console.log(`  ${JSON.stringify(k)}: ${s.n}  ${s.example}`);
}
console.log(
  `${candidates} ${all ? 'files' : 'candidate files'}: ${read} read by the fast parser (${((100 * bytesRead) / Math.max(1, bytes)).toFixed(1)} % of the bytes), ${declined} left to the compiler; ${differ} differ${compilerErrors ? ` (${compilerErrors} where the compiler reports a syntax error)` : ''}`,
);
process.exitCode = differ > 0 ? 1 : 0;
