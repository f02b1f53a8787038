// The facts proof for TypeScript's fast parser: every TypeScript candidate file under the given folders (default:
// bench/ts-candidates.mjs's: the fixtures, the bench TypeScript workspaces, the real-world Node apps) is read twice,
// once with the compiler parsing every file (FKGUARD_TS_SCANNER=0's path, the reference) and once with the fast
// parser first, and the two FileFacts are compared as JSON text, byte for byte. A file whose reading throws is
// compared by its error message. `--dump FILE` also writes the fast path's facts (one `path<TAB>json` line per
// file), for comparing two builds with `diff`.
//
//   node bench/facts-equivalence.mjs [--dump FILE] [DIR...]
//
// Exit status 1 when any file's facts differ. Runs on out/ (npx tsc -b first). bench/ts-tree-equivalence.mjs
// compares the trees themselves.
import { openSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repo, scriptFiles } from './ts-candidates.mjs';

const require = createRequire(import.meta.url);
const { ts } = require('ts-morph');
const { createTypeScriptDialect } = require(join(repo, 'out/server/src/core/typescript/dialect.js'));

const args = process.argv.slice(2);
const dumpAt = args.indexOf('--dump');
const dump = dumpAt >= 0 ? openSync(args[dumpAt + 1], 'w') : undefined;
const dirs = args.filter((a, i) => !a.startsWith('--') && (dumpAt < 0 || i !== dumpAt + 1));

const files = scriptFiles(dirs);

let loads = 0;
const reference = createTypeScriptDialect(() => ts, { fastParser: false });
const fast = createTypeScriptDialect(() => (loads++, ts), { fastParser: true });
const facts = (dialect, file, text) => {
  try {
    return JSON.stringify(dialect.extract(file, text));
  } catch (e) {
    return `THREW ${e instanceof Error ? e.message : String(e)}`;
  }
};

let candidates = 0;
let differ = 0;
let refCpu = 0;
let fastCpu = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (!reference.isCandidate(file, text)) continue;
  candidates++;
  let t = process.cpuUsage();
  const a = facts(reference, file, text);
  refCpu += cpu(t);
  t = process.cpuUsage();
  const b = facts(fast, file, text);
  fastCpu += cpu(t);
  if (dump !== undefined) writeSync(dump, `${file}\t${b}\n`);
  if (a !== b) {
    differ++;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    console.log(`DIFFERS ${file} at character ${i}:\n  compiler: …${a.slice(Math.max(0, i - 80), i + 120)}\n  fast:     …${b.slice(Math.max(0, i - 80), i + 120)}`);
  }
}

function cpu(t) {
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
}

console.log(
  `${candidates} TypeScript candidate files, FileFacts compiler path vs fast path: ${differ} differ ` +
    `(${(refCpu / 1000).toFixed(2)} s vs ${(fastCpu / 1000).toFixed(2)} s CPU in this process, the compiler path first and so JIT-cold; the fast path asked for the compiler ${loads > 0 ? 'on a file it left' : 'never'})`,
);
process.exitCode = differ > 0 ? 1 : 0;
