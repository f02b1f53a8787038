import type { SourceDialect } from '../dialect';
import { emptyFacts } from '../facts';
import type { FileFacts } from '../types';

/**
 * A `tsconfig.json` (or `jsconfig.json`, or the `tsconfig.base.json` others extend): its `compilerOptions`
 * `baseUrl` and `paths`, and the file it `extends`, so an import written through an alias (`@/entities/user`,
 * `src/db/tables` under a `baseUrl`) leads to the file TypeScript resolves it to (see `NameLookup`). All three
 * are stored as workspace paths: `baseUrl` and `paths` targets relative to the file that writes them, as
 * TypeScript reads them (a `paths` target relative to `baseUrl` when one is set in that file, else to the file's
 * folder). `extends` to a package (`@tsconfig/node20`) is not followed: such shared configs set no `paths`.
 */
export const tsconfigDialect: SourceDialect = {
  language: 'config',
  // `config.json` belongs to sequelize-cli's dialect, which comes later: these endings are tried first.
  extensions: ['tsconfig.json', 'jsconfig.json', 'tsconfig.base.json'],
  // Every one is read, settings or not: the nearest config governs a file even when it maps nothing.
  isCandidate: (file) => /(?:^|\/)(?:tsconfig(?:\.base)?|jsconfig)\.json$/.test(file),
  extract: extractTsconfig,
};

export function extractTsconfig(file: string, text: string): FileFacts {
  const facts = emptyFacts(file, text, 'config');
  const json = parseJsonc(text);
  if (!json || typeof json !== 'object' || Array.isArray(json)) return facts;
  const o = json as Record<string, unknown>;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const options = (o.compilerOptions && typeof o.compilerOptions === 'object' ? o.compilerOptions : {}) as Record<string, unknown>;
  const out: NonNullable<FileFacts['tsconfig']> = {};
  if (typeof o.extends === 'string' && o.extends.startsWith('.')) {
    const target = joinPath(dir, o.extends);
    out.extends = target.endsWith('.json') ? target : `${target}.json`;
  }
  if (typeof options.baseUrl === 'string') out.baseUrl = joinPath(dir, options.baseUrl);
  if (options.paths && typeof options.paths === 'object' && !Array.isArray(options.paths)) {
    const from = out.baseUrl ?? dir;
    const paths: Record<string, string[]> = {};
    for (const [pattern, targets] of Object.entries(options.paths as Record<string, unknown>)) {
      if (!Array.isArray(targets)) continue;
      paths[pattern] = targets.filter((t): t is string => typeof t === 'string').map((t) => joinPath(from, t));
    }
    out.paths = paths;
  }
  facts.tsconfig = out;
  return facts;
}

/** `dir` and a relative path joined into a workspace path, `.` and `..` resolved (`''` is the root). */
export function joinPath(dir: string, rel: string): string {
  const parts = dir ? dir.split('/') : [];
  for (const p of rel.replace(/\\/g, '/').split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/');
}

/** JSON with comments and trailing commas, as TypeScript reads a tsconfig; undefined when it is not that. */
function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}
