// The real-world corpus, shared by the scripts that use it (bench/realworld/scan.mjs, bench/equivalence.mjs): which
// applications it holds (bench/realworld/repos-*.json, each pinned to a commit) and how each is laid out from its
// bare mirror (brought by the search tool's `fetch`), so every script reads the same trees at the same commits.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const mirrors = process.env.FKGUARD_MIRRORS ?? '/work/.mirror';
export const outside = process.env.FKGUARD_REALWORLD ?? '/work/realworld';
export const srcRoot = join(outside, 'src');
export const resultsRoot = join(outside, 'results');

/**
 * Every repos-<lang>.json beside this file, each entry tagged with its language; `lang` keeps one language and
 * `only` (a Set of names) those applications.
 */
export function loadRepos({ lang = null, only = null } = {}) {
  const repos = [];
  for (const f of readdirSync(here).sort()) {
    const m = /^repos-(.+)\.json$/.exec(f);
    if (!m) continue;
    if (lang && m[1] !== lang) continue;
    for (const r of JSON.parse(readFileSync(join(here, f), 'utf8'))) repos.push({ ...r, lang: m[1] });
  }
  return repos.filter((r) => !only || only.has(r.name));
}

export function gitDirOf(repo) {
  const base = join(mirrors, repo.replace('/', '+'), 'repo');
  if (existsSync(join(base, '.git', 'HEAD'))) return join(base, '.git');
  if (existsSync(join(base, 'HEAD'))) return base;
  return null;
}

/** Paths at `commit` whose blobs the mirror does not hold. */
export function missingBlobs(gitDir, commit) {
  const tree = spawnSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (tree.status !== 0) return [];
  const entries = tree.stdout
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t');
      const [, type, sha] = meta.split(' ');
      return { type, sha, path };
    })
    .filter((e) => e.type === 'blob');
  const check = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: entries.map((e) => e.sha).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const missing = new Set(
    check.stdout
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.split(' ')[0]),
  );
  return entries.filter((e) => missing.has(e.sha)).map((e) => e.path);
}

/** Lays the repository out at its pinned commit, unless it is already there (a marker beside the tree says so). */
export function layOut(r) {
  const gitDir = gitDirOf(r.repo);
  if (!gitDir) return { error: `no mirror: fetch github:${r.repo} first` };
  const dir = join(srcRoot, r.name);
  const marker = join(srcRoot, `${r.name}.commit`);
  if (existsSync(dir) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === r.commit) return { dir };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Snapshots lack files of 4 MiB and more (and LFS content): their blobs are missing, so `git archive` is told to
  // leave those paths out. None of them is model code.
  const absent = missingBlobs(gitDir, r.commit);
  const excludes = absent.map((p) => `:(exclude,literal)${p}`);
  const res = spawnSync(
    'bash',
    ['-c', 'set -o pipefail; d=$1 c=$2 o=$3; shift 3; git --git-dir="$d" archive "$c" -- . "$@" | tar -x -C "$o"', '_', gitDir, r.commit, dir, ...excludes],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (res.status !== 0) return { error: `git archive ${r.commit} failed: ${res.stderr.trim().split('\n')[0]}` };
  if (absent.length) console.error(`${r.name}: ${absent.length} files absent from the snapshot (large or LFS), left out`);
  writeFileSync(marker, r.commit + '\n');
  return { dir };
}
