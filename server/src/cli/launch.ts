// The `fkguard` executable's first step, bundled to dist/cli.js: it runs the CLI's bundle (dist/cli-main.js)
// with a V8 code cache. Node 20 compiles the 1.2 MB bundle afresh in every process (it has no
// `module.enableCompileCache`), which costs a warm scan a tenth of its time; the code V8 compiled in the first run
// is kept in the user's cache folder and handed back to V8 in the next ones. V8 checks that the data fits its own
// version and flags and rejects it otherwise; the file is named by a hash of the bundle's text, so a rebuilt CLI
// never meets the code of another build. Any failure here only costs the compilation it would have saved.

import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { makeDirectory, userCacheRoot } from '../host/factsCache';

const main = join(__dirname, 'cli-main.js');

/** The code cache file for this bundle text, under this Node (V8) version; undefined when switched off. */
function cacheFile(source: string): string | undefined {
  if (process.env.FKGUARD_CODE_CACHE === '0') return undefined;
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 32);
  // One file per command: the code a run leaves behind is the code its command needed (`--version` compiles
  // next to nothing a scan needs).
  const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2] : 'other';
  return join(userCacheRoot(), 'code', `cli-${command}-${process.version}-${hash}.v8`);
}

/** The file's bytes if this user owns it and nobody else can write it (else another user could plant code). */
function readOwnFile(file: string): Buffer | undefined {
  try {
    const st = statSync(file);
    const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
    if (!st.isFile() || !mine || (process.platform !== 'win32' && (st.mode & 0o022) !== 0)) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function save(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    makeDirectory(dirname(file));
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

const source = readFileSync(main, 'utf8');
const file = cacheFile(source);
const cachedData = file ? readOwnFile(file) : undefined;
// The bundle holds no `import()` (the build makes them `require` calls): Node 20 runs none in a script compiled here.
const script = new Script(wrap(source), { filename: main, cachedData });
if (file && (!cachedData || script.cachedDataRejected)) {
  // At exit the cache also holds every function the run compiled lazily, which is most of the saving.
  process.once('exit', () => save(file, script.createCachedData()));
}
const cjsModule = { exports: {}, filename: main, id: main, loaded: false, children: [], paths: [] };
(script.runInThisContext() as (...args: unknown[]) => void)(cjsModule.exports, createRequire(main), cjsModule, main, dirname(main));
