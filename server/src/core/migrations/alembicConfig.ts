import type { SourceDialect } from '../dialect';
import { emptyFacts } from '../facts';
import { AlembicConfigFact, FileFacts } from '../types';

/**
 * Alembic's own configuration: `script_location` and `version_locations` in an `alembic.ini` (`[alembic]`)
 * or a `pyproject.toml` (`[tool.alembic]`). They say which folders hold the revisions Alembic runs; a
 * revision file anywhere else (an old `versions_backup/`, a copied example) is outside migration history.
 * The host hands over the file's text like any source's; reading it here keeps the core free of file access.
 */
export const alembicConfigDialect: SourceDialect = {
  language: 'config',
  // Name endings: every `.ini` (alembic.ini, alembic-prod.ini), and of TOML files only `pyproject.toml`
  // (an ending must be shorter than the name, hence no leading `py`), so `fkguard.toml` is never read as one.
  extensions: ['.ini', 'project.toml'],
  isCandidate: (file, text) => (file.endsWith('.toml') ? /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*alembic[ \t]*\]/m.test(text) : /^[ \t]*script_location[ \t]*[=:]/m.test(text)),
  extract: extractAlembicConfig,
};

export function extractAlembicConfig(file: string, text: string): FileFacts {
  const facts = emptyFacts(file, text, 'config');
  const values = file.endsWith('.toml') ? tomlSection(text) : iniSection(text);
  const script = values.get('script_location');
  if (typeof script !== 'string' || script.trim() === '') return facts;
  const here = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const resolve = (p: string) => joinPath(here, p.trim().replace(/%\(here\)s/g, '.').replace(/^([\w.]+):/, (_, pkg: string) => `${pkg.replace(/\./g, '/')}/`));
  // A location FK Guard cannot place for sure: another `%(name)s` interpolation, an environment variable, a `~`,
  // a package resource (`pkg:path`, `prefect:server:database:_migrations`), which Python resolves from
  // wherever the package is installed, not from the ini's folder, or a `{placeholder}` (the ini is a template
  // the code fills with `str.format` before Alembic reads it).
  const unsure = (p: string) => /%\((?!here\))|\$|^~|^[\w.]+:(?![\\/])|\{[^{}]*\}/.test(p.trim());
  const scriptDir = resolve(script);
  const raw = values.get('version_locations');
  let locations: string[];
  if (Array.isArray(raw)) locations = raw;
  else if (typeof raw === 'string' && raw.trim() !== '') locations = splitLocations(raw, values.get('version_path_separator') ?? values.get('path_separator'));
  else locations = [];
  const versions = locations.length > 0 ? locations.map(resolve) : [joinPath(scriptDir, 'versions')];
  const literal = !unsure(script) && !locations.some(unsure);
  const fact: AlembicConfigFact = {
    scriptLocation: scriptDir,
    versionLocations: [...new Set(versions)],
    recursive: /^(true|yes|on|1)$/i.test(String(values.get('recursive_version_locations') ?? '')),
    literal,
  };
  facts.alembicConfig = fact;
  return facts;
}

/** `version_locations` split the way Alembic splits it: by the declared separator, else by spaces and commas. */
function splitLocations(raw: string, separator: unknown): string[] {
  const sep = typeof separator === 'string' ? separator.trim() : undefined;
  const by: RegExp | string =
    sep === undefined || sep === '' ? /[\s,]+/ : sep === 'os' ? ':' : sep === 'space' ? /\s+/ : sep === 'newline' ? /\n+/ : sep;
  return raw.split(by).map((s) => s.trim()).filter(Boolean);
}

/** The `[alembic]` section of an INI file: `key = value`, continuation lines indented, `#`/`;` comments. */
function iniSection(text: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  let inSection = false;
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
    if (header) {
      inSection = header[1] === 'alembic';
      last = undefined;
      continue;
    }
    if (!inSection || /^\s*[#;]/.test(line) || line.trim() === '') continue;
    if (/^\s/.test(line) && last) {
      out.set(last, `${out.get(last)}\n${line.trim()}`);
      continue;
    }
    const kv = /^\s*([\w.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (kv) {
      last = kv[1];
      out.set(kv[1], kv[2].replace(/\s+[#;].*$/, ''));
    }
  }
  return out;
}

/**
 * The `[tool.alembic]` table of a pyproject: string values and arrays of strings are all Alembic needs here.
 * Every pattern anchored at a line start takes only blanks and tabs after `^`: a `\s*` there would run on
 * across line breaks from every line start, which made a pyproject of many blank lines take minutes.
 */
function tomlSection(text: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const start = /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*alembic[ \t]*\][ \t]*\r?$/m.exec(text);
  if (!start) return out;
  const body = text.slice(start.index + start[0].length);
  const end = /^[ \t]*\[/m.exec(body);
  const section = end ? body.slice(0, end.index) : body;
  const str = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;
  for (const m of section.matchAll(/^[ \t]*([\w-]+)[ \t]*=[ \t]*(\[[\s\S]*?\]|"(?:[^"\\]|\\.)*"|'[^']*'|\S+)/gm)) {
    const value = m[2];
    if (value.startsWith('[')) out.set(m[1], [...value.matchAll(str)].map((s) => s[1] ?? s[2]));
    else if (/^["']/.test(value)) out.set(m[1], [...value.matchAll(str)][0]?.[1] ?? [...value.matchAll(str)][0]?.[2] ?? '');
    else out.set(m[1], value);
  }
  return out;
}

/** Joins a workspace-relative folder and a relative path, folding `.` and `..`; absolute paths stay as written. */
export function joinPath(dir: string, p: string): string {
  const parts = (p.startsWith('/') ? p : `${dir}/${p}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
