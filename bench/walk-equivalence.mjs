// `node bench/walk-equivalence.mjs [--only name,name]` (after `npx tsc -b`): the walk's memory (host/workspace.ts
// `FolderRecord`) changes no walk. For every corpus app (/work/realworld/src, see bench/realworld/README.md) and every
// fixture workspace, with the language server's extensions: a walk without memory, a walk that fills one, and a walk
// that takes from it must list the same files and say the same about what they skipped. Prints, per workspace, the
// folders kept and how many of them the third walk took without listing them; exits 1 on any difference.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { walkWorkspace } = require('../out/server/src/host/workspace.js');
const { sourceExtensions } = require('../out/server/src/host/dialects.js');

const SOURCES = process.env.FKGUARD_REALWORLD ? join(process.env.FKGUARD_REALWORLD, 'src') : '/work/realworld/src';
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;

const isDir = (p) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

const workspaces = [];
if (isDir(SOURCES)) for (const name of readdirSync(SOURCES).sort()) if (isDir(join(SOURCES, name))) workspaces.push({ name, root: join(SOURCES, name) });
const fixtures = new URL('../test/fixtures/', import.meta.url).pathname;
for (const group of readdirSync(fixtures).sort()) {
  if (!isDir(join(fixtures, group))) continue;
  for (const name of readdirSync(join(fixtures, group)).sort()) {
    const ws = join(fixtures, group, name, 'ws');
    workspaces.push({ name: `${group}/${name}`, root: isDir(ws) ? ws : join(fixtures, group, name) });
  }
}

/** A memory kept in this process, counting the folders a walk takes from it. */
function memory() {
  let stored;
  let taken = 0;
  return {
    recall: (key) => {
      if (stored?.key !== key) return undefined;
      // A Map whose `get` counts what the walk finds as it was (the walk compares the stamp itself).
      const folders = new Map(stored.folders);
      const get = folders.get.bind(folders);
      folders.get = (dir) => {
        const r = get(dir);
        if (r) taken++;
        return r;
      };
      return folders;
    },
    keep: (key, folders) => {
      stored = { key, folders: new Map(folders) };
    },
    get kept() {
      return stored?.folders.size ?? 0;
    },
    get taken() {
      return taken;
    },
  };
}

let differ = 0;
let folders = 0;
let taken = 0;
for (const { name, root } of workspaces) {
  if (only && !only.some((o) => name === o || name.endsWith(`/${o}`))) continue;
  const options = { roots: [root], extensions: sourceExtensions() };
  const plain = JSON.stringify(await walkWorkspace(options));
  const m = memory();
  const filled = JSON.stringify(await walkWorkspace({ ...options, memory: m }));
  const recalled = JSON.stringify(await walkWorkspace({ ...options, memory: m }));
  const same = filled === plain && recalled === plain;
  if (!same) differ++;
  folders += m.kept;
  taken += m.taken;
  if (!same || !name.includes('/')) console.log(`${name.padEnd(40)} ${JSON.parse(plain).files.length} files, ${m.kept} folders kept, ${m.taken} taken  ${same ? 'same' : 'DIFFERENT'}`);
}
console.log(`${workspaces.filter((w) => !only || only.some((o) => w.name === o || w.name.endsWith(`/${o}`))).length} workspaces: ${differ} differ; ${folders} folders kept, ${taken} taken from the memory`);
if (differ > 0) process.exitCode = 1;
