// The files bench/ts-tree-equivalence.mjs and bench/facts-equivalence.mjs compare: every .ts/.js/.mts/.cts/.mjs/.cjs
// file under the given folders (node_modules and .git left out), sorted; by default the fixtures, the bench
// TypeScript workspaces and the real-world Node apps that have TypeScript ORM code. Each tool then keeps the
// files the TypeScript dialect takes as candidates (or, with the tree tool's --all, every file).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The real-world Node apps compared by default (those present under /work/realworld/src). */
const APPS = ['outline', 'documenso', 'umami', 'hedgedoc', 'standardnotes', 'dokploy', 'karakeep', 'unkey', 'uptime-kuma', 'logto', 'graphile-starter', 'wikijs', 'gladys', 'vendure'];

/** The folders compared when none is given. */
export function defaultDirs() {
  const dirs = [join(repo, 'test/fixtures'), join(repo, '.bench/workspaces/ts1k'), join(repo, '.bench/workspaces/tsapp'), join(repo, '.bench/workspaces/tsknex1')];
  const rw = '/work/realworld/src';
  for (const app of APPS) if (existsSync(join(rw, app))) dirs.push(join(rw, app));
  return dirs;
}

/** Every JavaScript or TypeScript file under `dirs` (the defaults when empty), sorted. */
export function scriptFiles(dirs) {
  const files = [];
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.[cm]?[jt]s$/.test(p)) files.push(p);
    }
  };
  for (const d of dirs.length > 0 ? dirs : defaultDirs()) walk(d);
  return files.sort();
}
