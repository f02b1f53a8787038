import type { SourceDialect } from './dialect';
import { emptyFacts } from './facts';
import { FileFacts } from './types';

/**
 * A `package.json` of the workspace: the package's name and where its entry point may be, so an import of
 * a workspace package (`require('@hedgedoc/database')` in a migration, npm/yarn/pnpm workspaces alike) leads
 * to the package's own source file. The entry is read as Node and TypeScript read it (`exports`' `types`,
 * `import`, `require`, `default`; `types`; `module`; `main`; else `index`), and because a package built before
 * publishing points at files that are not in the sources (`dist/cjs/index.js`), each is also tried as the
 * source it is built from (`source`, then `src/index.ts` for `dist/cjs/index.js`). The index takes the first
 * candidate that is a file it holds.
 */
export const packageJsonDialect: SourceDialect = {
  language: 'config',
  // A name ending must be shorter than the name (see `alembicConfig.ts`): `ackage.json`, and the test below
  // keeps only files called `package.json`.
  extensions: ['ackage.json'],
  isCandidate: (file, text) => /(?:^|\/)package\.json$/.test(file) && /"(?:name|sequelize)"\s*:/.test(text),
  extract: extractPackageJson,
};

export function extractPackageJson(file: string, text: string): FileFacts {
  const facts = emptyFacts(file, text, 'config');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A broken package.json names no package; it is not FK Guard's to report.
    return facts;
  }
  if (!json || typeof json !== 'object') return facts;
  const pkg = json as Record<string, unknown>;
  // The Sequelize the project installs: version 4 names columns and tables by other rules (see `admitsBefore5`).
  for (const deps of [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies]) {
    const range = deps && typeof deps === 'object' ? (deps as Record<string, unknown>).sequelize : undefined;
    if (typeof range === 'string' && facts.sequelizeVersion === undefined) facts.sequelizeVersion = range;
  }
  if (typeof pkg.name !== 'string' || pkg.name === '') return facts;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const written: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') written.push(v);
  };
  add(pkg.source);
  collectExports(pkg.exports, written);
  add(pkg.types);
  add(pkg.typings);
  add(pkg.module);
  add(pkg.main);
  written.push('index');
  const entries: string[] = [];
  for (const w of written) {
    const rel = w.replace(/^\.\//, '');
    if (rel.startsWith('../') || rel.startsWith('/')) continue;
    const stem = rel.replace(/\.d\.[cm]?ts$|\.[cm]?[jt]sx?$/, '');
    const built = /^(?:dist|build|lib|out)(?:\/(?:cjs|esm|es|commonjs|module|types|src))?\/(.*)$/.exec(stem);
    for (const s of built ? [stem, `src/${built[1]}`] : [stem]) {
      for (const e of ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js']) entries.push(`${dir}${s}${e}`);
    }
  }
  facts.packageJson = { name: pkg.name, entries: [...new Set(entries)] };
  return facts;
}

/** The files `exports` names for the package itself (`.`), conditions in the order they are written. */
function collectExports(value: unknown, out: string[]): void {
  if (typeof value === 'string') {
    out.push(value);
    return;
  }
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) collectExports(v, out);
    return;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  // Subpath keys (`.`, `./tables`) or condition keys (`types`, `require`): only the package's own entry counts.
  if (keys.some((k) => k.startsWith('.'))) {
    if ('.' in o) collectExports(o['.'], out);
    return;
  }
  for (const k of keys) collectExports(o[k], out);
}
