// The `fkguard` executable's first step, bundled to dist/cli.js: it runs the CLI's bundle (dist/cli-main.js)
// with a V8 code cache. Node 20 compiles the 1.2 MB bundle afresh in every process (it has no
// `module.enableCompileCache`), which costs a warm scan a tenth of its time; the code V8 compiled in the first run
// is kept in the user's cache folder and handed back to V8 in the next ones. V8 checks that the data fits its own
// version and flags and rejects it otherwise; the file is named by a hash of the bundle's text, so a rebuilt CLI
// never meets the code of another build. Any failure here only costs the compilation it would have saved.
// The folder, the off switch and the file's framing (a SHA-256 of V8's data before it: a release V8 does not check
// the bytes of a cache it accepts) are those of host/codeCache.ts, which loads the TypeScript compiler the same way.

import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { cachedDataVersionTag, setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { codeCacheDir, CORRUPT, readOwnFile, sealed, verified } from '../host/codeCache';
import { makeDirectory } from '../host/factsCache';

// A cold scan spends about 40 % of its CPU in V8's optimising compiler, on its background threads (realshaped: 1.1 of
// 2.5 s), not in the scan's own code. Inlining less per optimised function makes each compile cheaper, while the
// code it makes runs about as fast: realshaped 2.55 -> 2.40 s CPU (median of 8 runs alternating at load 21-27), 1k
// 5.34 -> 5.01 s. Set before the code cache's tag is read, so the cache matches the flags it is used with.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
// A function is optimised once it has run through its interrupt budget of bytecode (V8 11.3's default: 67,584
// bytes). In a one-shot scan most functions that reach the default budget run only a little longer, so their
// optimising compile costs more than it saves: with 300,000 only the functions that keep running are optimised.
// Realshaped cold 1.70 -> 1.47 s CPU (the optimising compiler's threads 0.62 -> 0.31 s, the main thread 1.02 ->
// 1.08 s), real 3.42 -> 2.92 s, 1k 3.75 -> 3.66 s (medians of 3-4 runs alternating, load 25-31); 600,000 made the
// main thread slower than it saved on real and 1k. The language server, which runs on, keeps V8's default.
setFlagsFromString('--interrupt-budget=300000');
// tree-sitter (WebAssembly) loads only for a Python file the scanner declines. V8 first compiles its functions with
// Liftoff, its baseline compiler, then re-compiles the busy ones with TurboFan; two of them are very large (the
// grammar's lexer and the parser's main loop, 10 and 27 KB of wasm), and TurboFan takes 0.1-0.5 s of CPU and about
// 25 MB on them, more than a one-shot scan ever wins back. Liftoff only: a workspace with one declined file 0.224 ->
// 0.123 s CPU and 88 -> 60 MB peak (12 pairs alternating, load 21); polar (14 declined files) 1.50 -> 1.37 s, 146 ->
// 132 MB (8 pairs, load 18). Only when tree-sitter reads every file (FKGUARD_PYTHON_SCANNER=0, realshaped: 3.4 MB)
// does the slower code cost more than the compile: 3.76 -> 4.18 s. The language server, which runs on and parses
// the same files again at each edit, keeps V8's tiering.
setFlagsFromString('--liftoff-only');

const main = join(__dirname, 'cli-main.js');

/** The code cache file for this bundle (its bytes), under this Node (V8) version; undefined when switched off. */
function cacheFile(source: Uint8Array): string | undefined {
  const dir = codeCacheDir();
  if (!dir) return undefined;
  // V8's tag for its version and the flags it checks: flags from NODE_OPTIONS and Electron's own V8 get a file of
  // their own instead of rejecting and rewriting another's on every start.
  const hash = createHash('sha256').update(`${cachedDataVersionTag()}\0`).update(source).digest('hex').slice(0, 32);
  // One file per command: the code a run leaves behind is the code its command needed (`--version` compiles
  // next to nothing a scan needs).
  const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  return join(dir, `cli-${command}-${process.version}-${hash}.v8`);
}

/** Caches of one command kept: each new build or Node leaves the last one's behind. */
const KEEP = 2;

function save(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    makeDirectory(dirname(file));
    writeFileSync(tmp, sealed(data), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
    return;
  }
  try {
    const mine = basename(file).replace(/-v\d.*$/, '-');
    const old = readdirSync(dirname(file))
      .filter((name) => name.startsWith(mine) && name.endsWith('.v8'))
      .map((name) => ({ path: join(dirname(file), name), at: statSync(join(dirname(file), name)).mtimeMs }))
      .sort((x, y) => y.at - x.at)
      .slice(KEEP);
    for (const o of old) unlinkSync(o.path);
  } catch {
    // Clean-up is best effort (another process may have removed a file first).
  }
}

// The bundle is read as bytes and hashed as bytes (the SHA-256 of the text's UTF-8 encoding, so the same file name as
// before, without encoding 1.8 MB of text again), and decoded as Latin-1 when it is plain ASCII, which the build
// makes it (scripts/build.mjs, `asciiOnly`): V8 then keeps a one-byte string, where one character above 127 made
// the whole text two-byte. Reading and hashing took 10 ms of a 120 ms warm scan; this way about 3 ms.
const bytes = readFileSync(main);
const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
const file = cacheFile(bytes);
const stored = file ? readOwnFile(file) : undefined;
const checked = stored && verified(stored);
const cachedData = checked === CORRUPT ? undefined : checked;
// The bundle holds no `import()` (the build makes them `require` calls): Node 20 runs none in a script compiled here.
const script = new Script(wrap(source), { filename: main, cachedData });
if (file && (!cachedData || script.cachedDataRejected)) {
  // (A damaged file, whose digest does not match, is compiled afresh and rewritten too.)
  // At exit the cache also holds every function the run compiled lazily, which is most of the saving.
  process.once('exit', () => save(file, script.createCachedData()));
}
const cjsModule = { exports: {}, filename: main, id: main, loaded: false, children: [], paths: [] };
(script.runInThisContext() as (...args: unknown[]) => void)(cjsModule.exports, createRequire(main), cjsModule, main, dirname(main));
