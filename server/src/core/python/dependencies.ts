import type { SourceDialect } from '../dialect';
import { emptyFacts } from '../facts';
import { joinPath } from '../migrations/alembicConfig';
import type { PythonDependenciesFact } from '../types';

/*
 * A Python project's dependency files, read for the versions of the packages whose rules FK Guard follows:
 * Flask-SQLAlchemy 2 and 3 generate other table names for some class names (`UserAPI` is `userAPI` in 2.5.1,
 * `user_api` in 3.0). Each file's facts are its own requirements (PEP 440 specifiers, a lock's exact version); the
 * index derives the version of each project (see `SchemaIndex.flaskNaming`).
 *
 * Read: requirements files (`requirements*.txt`, `*-requirements.txt`, the `.txt`/`.in` files of a `requirements/`
 * folder; `-r`/`-c` includes), pyproject.toml (PEP 621 `[project]` and its optional dependencies, PEP 735
 * `[dependency-groups]`, Poetry's `[tool.poetry.*dependencies]`), poetry.lock, uv.lock, Pipfile, Pipfile.lock and
 * setup.cfg (`install_requires`).
 */

/** The packages whose requirements are kept, by their normalised names (PEP 503). */
const WATCHED = new Set(['flask-sqlalchemy', 'sqlalchemy']);

/** PEP 503: a package name compared lower-cased, with runs of `-`, `_` and `.` as one `-`. */
export function normalizePackage(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}

/** A requirements file by its name: `requirements.txt`, `requirements-dev.txt`, `test-requirements.txt`, `requirements/base.txt`. */
const REQUIREMENTS_NAME = /(?:^|\/)(?:[^/]*requirements?[^/]*\.(?:txt|in)|requirements?\/[^/]+\.(?:txt|in)|constraints?[^/]*\.txt)$/i;
const OTHER_NAMES = /(?:^|\/)(?:pyproject\.toml|poetry\.lock|uv\.lock|Pipfile|Pipfile\.lock|setup\.cfg)$/;

export const pythonDependenciesDialect: SourceDialect = {
  language: 'config',
  // Endings and patterns (see `SourceDialect.extensions`): requirements files by their names, never every `.txt`
  // file. pyproject.toml comes through `withPythonDependencies` (Alembic reads it too).
  extensions: ['*requirements*.txt', '*requirements*.in', 'requirements/*.txt', 'requirements/*.in', 'constraints*.txt', 'poetry.lock', 'uv.lock', 'Pipfile', 'Pipfile.lock', 'setup.cfg'],
  isCandidate: (file) => REQUIREMENTS_NAME.test(file) || OTHER_NAMES.test(file),
  extract: (file, text) => {
    const facts = emptyFacts(file, text, 'config');
    const deps = readDependencies(file, text);
    if (deps) facts.pythonDependencies = deps;
    return facts;
  },
};

/**
 * A dialect that also reads a pyproject.toml's dependencies: `dialect` (Alembic's, which takes `project.toml`) keeps
 * its own reading, and a pyproject that declares dependencies is a candidate for their sake too.
 */
export function withPythonDependencies(dialect: SourceDialect): SourceDialect {
  return {
    ...dialect,
    isCandidate: (file, text) => dialect.isCandidate(file, text) || (file.endsWith('pyproject.toml') && declaresDependencies(text)),
    extract: (file, text) => {
      const facts = dialect.isCandidate(file, text) ? dialect.extract(file, text) : emptyFacts(file, text, 'config');
      if (file.endsWith('pyproject.toml')) {
        const deps = readDependencies(file, text);
        if (deps) facts.pythonDependencies = deps;
      }
      return facts;
    },
  };
}

/** Whether a pyproject.toml says what the project depends on (PEP 621, PEP 735 or Poetry), not only tools' settings. */
function declaresDependencies(text: string): boolean {
  return /^[ \t]*\[[ \t]*(?:project|dependency-groups|tool[ \t]*\.[ \t]*poetry(?:[ \t]*\.[ \t]*[\w.-]+)?)[ \t]*\][ \t]*\r?$/m.test(text);
}

/** The facts of one dependency file, or undefined when it is not one that says what a project installs. */
export function readDependencies(file: string, text: string): PythonDependenciesFact | undefined {
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (name === 'pyproject.toml') return declaresDependencies(text) ? fromPyproject(text) : undefined;
  if (name === 'poetry.lock' || name === 'uv.lock') return fromTomlLock(text);
  if (name === 'Pipfile.lock') return fromPipfileLock(text);
  if (name === 'Pipfile') return fromPipfile(text);
  if (name === 'setup.cfg') return fromSetupCfg(text);
  return fromRequirements(file, text);
}

function fact(): PythonDependenciesFact {
  return { requires: [] };
}

function add(out: PythonDependenciesFact, requirement: string): void {
  const r = parseRequirement(requirement);
  if (r && WATCHED.has(r.name)) out.requires.push({ name: r.name, spec: r.spec });
}

/**
 * One PEP 508 requirement: `Flask-SQLAlchemy[extra]>=2.5,<3 ; python_version >= "3.7"`. `spec` is its specifiers
 * ('' for any version), or null when the version comes from elsewhere (`name @ https://...`). A marker is not
 * evaluated: the requirement counts as if it applied (a marker that drops it leaves the other lines to decide).
 */
export function parseRequirement(line: string): { name: string; spec: string | null } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$/.exec(line);
  if (!m) return undefined;
  const rest = m[2].split(';')[0].trim();
  if (rest.startsWith('@')) return { name: normalizePackage(m[1]), spec: null };
  if (rest !== '' && !/^[<>=!~(]/.test(rest)) return undefined;
  return { name: normalizePackage(m[1]), spec: rest.replace(/[()\s]/g, '') };
}

/** A requirements file: one requirement a line, `-r`/`-c` includes, `#` comments, `\` continuations. */
function fromRequirements(file: string, text: string): PythonDependenciesFact {
  const out = fact();
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const include = /^(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+|(?=[^\s=]))(\S+)$/.exec(line);
    if (include) {
      (out.includes ??= []).push(joinPath(dir, include[1]));
      continue;
    }
    if (line.startsWith('-e') || line.startsWith('--editable')) {
      // An editable checkout (`-e git+https://...#egg=Flask-SQLAlchemy`): whatever version it holds.
      const egg = /#egg=([A-Za-z0-9._-]+)/.exec(line);
      if (egg && WATCHED.has(normalizePackage(egg[1]))) out.requires.push({ name: normalizePackage(egg[1]), spec: null });
      continue;
    }
    if (line.startsWith('-')) continue;
    if (/^[a-z][\w+.-]*:\/\//i.test(line) || line.startsWith('.') || line.startsWith('/')) {
      const egg = /#egg=([A-Za-z0-9._-]+)/.exec(line);
      if (egg && WATCHED.has(normalizePackage(egg[1]))) out.requires.push({ name: normalizePackage(egg[1]), spec: null });
      continue;
    }
    add(out, line.replace(/\s--hash[=\s]\S+/g, ''));
  }
  return out;
}

/** The strings of a TOML array (`["a>=1", 'b']`), comments dropped. */
function tomlStrings(array: string): string[] {
  const body = array.replace(/#[^\n"']*$/gm, '');
  return [...body.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((s) => s[1] ?? s[2]);
}

/**
 * The tables of a TOML text, each as its header and its body text (`[project]` ... up to the next header). Enough for
 * the keys read here: arrays of strings, strings and inline tables, whose values may span lines.
 */
function tomlTables(text: string): { header: string; body: string }[] {
  const out: { header: string; body: string }[] = [];
  const headers = [...text.matchAll(/^[ \t]*\[(\[?)[ \t]*([^\]\n]+?)[ \t]*\]\]?[ \t]*(?:#.*)?\r?$/gm)];
  for (const [i, h] of headers.entries()) {
    const end = i + 1 < headers.length ? headers[i + 1].index : text.length;
    out.push({ header: h[2].replace(/[ \t]+/g, '').replace(/"/g, ''), body: text.slice(h.index + h[0].length, end) });
  }
  return out;
}

/** `key = value` pairs of a TOML table body, values as written (an array or an inline table may span lines). */
function tomlPairs(body: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const m of body.matchAll(/^[ \t]*("[^"\n]*"|'[^'\n]*'|[\w.-]+)[ \t]*=[ \t]*(\[[\s\S]*?\][ \t]*(?=\r?\n|$)|\{[^}]*\}|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\n#]*)/gm)) {
    out.push({ key: m[1].replace(/^["']|["']$/g, ''), value: m[2].trim() });
  }
  return out;
}

function fromPyproject(text: string): PythonDependenciesFact {
  const out = fact();
  for (const t of tomlTables(text)) {
    const pairs = tomlPairs(t.body);
    if (t.header === 'project') {
      for (const p of pairs) if (p.key === 'dependencies') for (const s of tomlStrings(p.value)) add(out, s);
    } else if (t.header === 'project.optional-dependencies' || t.header === 'dependency-groups') {
      for (const p of pairs) for (const s of tomlStrings(p.value)) add(out, s);
    } else if (/^tool\.poetry(?:\.group\.[^.]+)?\.(?:dev-)?dependencies$/.test(t.header)) {
      for (const p of pairs) poetryRequirement(out, p.key, p.value);
    }
  }
  return out;
}

/**
 * A Poetry dependency: `"^2.5"`, `{ version = "~2.5", extras = [...] }`, a list of such tables (one per marker), or a
 * git/path/url source whose version is whatever it holds.
 */
function poetryRequirement(out: PythonDependenciesFact, key: string, value: string): void {
  const name = normalizePackage(key);
  if (!WATCHED.has(name)) return;
  const versions = value.startsWith('"') || value.startsWith("'") ? tomlStrings(value) : [...value.matchAll(/\bversion\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((m) => m[1] ?? m[2]);
  if (versions.length === 0) {
    out.requires.push({ name, spec: /\b(?:git|path|url|file)\s*=/.test(value) ? null : '' });
    return;
  }
  for (const v of versions) out.requires.push({ name, spec: poetrySpec(v) });
}

/**
 * A Poetry constraint as PEP 440 specifiers: `^2.5` is `>=2.5,<3`, `~2.5` `>=2.5,<2.6`, a bare `2.5.1` `==2.5.1`,
 * `*` any; `||` alternatives are kept as written (see `admittedMajors`).
 */
export function poetrySpec(constraint: string): string {
  return constraint
    .split('||')
    .map((alt) =>
      alt
        .split(/,|\s+(?=[<>=!~^\d])/)
        .map((c) => c.trim())
        .filter((c) => c !== '' && c !== '*')
        .map((c) => {
          const caret = /^\^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(c);
          if (caret) {
            const [x, y, z] = [Number(caret[1]), Number(caret[2] ?? 0), Number(caret[3] ?? 0)];
            const upper = x > 0 ? `${x + 1}` : y > 0 ? `0.${y + 1}` : `0.0.${z + 1}`;
            return `>=${x}.${y}.${z},<${upper}`;
          }
          const tilde = /^~(?!=)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(c);
          if (tilde) {
            const x = Number(tilde[1]);
            return tilde[2] === undefined ? `>=${x},<${x + 1}` : `>=${x}.${tilde[2]}${tilde[3] !== undefined ? `.${tilde[3]}` : ''},<${x}.${Number(tilde[2]) + 1}`;
          }
          return /^\d/.test(c) ? `==${c}` : c.replace(/\s+/g, '');
        })
        .join(','),
    )
    .join('||');
}

/** poetry.lock and uv.lock: `[[package]]` tables with a `name` and the exact `version` installed. */
function fromTomlLock(text: string): PythonDependenciesFact {
  const out: PythonDependenciesFact = { requires: [], lock: true };
  for (const m of text.matchAll(/^\[\[package\]\][ \t]*\r?\n((?:(?!\[).*\r?\n?)*)/gm)) {
    const name = /^name[ \t]*=[ \t]*"([^"]+)"/m.exec(m[1]);
    const version = /^version[ \t]*=[ \t]*"([^"]+)"/m.exec(m[1]);
    if (!name || !WATCHED.has(normalizePackage(name[1]))) continue;
    out.requires.push({ name: normalizePackage(name[1]), spec: version ? `==${version[1]}` : null });
  }
  return out;
}

/** Pipfile.lock (JSON): `default` and `develop`, each package with its `"version": "==x"`. */
function fromPipfileLock(text: string): PythonDependenciesFact {
  const out: PythonDependenciesFact = { requires: [], lock: true };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return out;
  }
  for (const section of ['default', 'develop']) {
    const packages = json && typeof json === 'object' ? (json as Record<string, unknown>)[section] : undefined;
    if (!packages || typeof packages !== 'object') continue;
    for (const [key, value] of Object.entries(packages as Record<string, unknown>)) {
      const name = normalizePackage(key);
      if (!WATCHED.has(name)) continue;
      const version = value && typeof value === 'object' ? (value as Record<string, unknown>).version : undefined;
      out.requires.push({ name, spec: typeof version === 'string' ? version.replace(/\s+/g, '') : null });
    }
  }
  return out;
}

/** Pipfile (TOML): `[packages]` and `[dev-packages]`, each `name = "spec"` (`"*"`: any) or `{ version = "spec" }`. */
function fromPipfile(text: string): PythonDependenciesFact {
  const out = fact();
  for (const t of tomlTables(text)) {
    if (t.header !== 'packages' && t.header !== 'dev-packages') continue;
    for (const p of tomlPairs(t.body)) {
      const name = normalizePackage(p.key);
      if (!WATCHED.has(name)) continue;
      const version = p.value.startsWith('{') ? /\bversion\s*=\s*"([^"]*)"/.exec(p.value)?.[1] : tomlStrings(p.value)[0];
      if (version === undefined) out.requires.push({ name, spec: /\b(?:git|path|file|ref)\s*=/.test(p.value) ? null : '' });
      else out.requires.push({ name, spec: version.trim() === '*' ? '' : version.replace(/\s+/g, '') });
    }
  }
  return out;
}

/** setup.cfg: `[options] install_requires` and `[options.extras_require]`, one requirement a (continuation) line. */
function fromSetupCfg(text: string): PythonDependenciesFact | undefined {
  let section = '';
  let key = '';
  let found = false;
  const out = fact();
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(line);
    if (header) {
      section = header[1];
      key = '';
      continue;
    }
    if (/^\s*[#;]/.test(line) || line.trim() === '') continue;
    const kv = /^([\w.-]+)\s*[=:]\s*(.*)$/.exec(line);
    let value: string | undefined;
    if (kv) {
      key = kv[1];
      value = kv[2];
    } else if (/^\s/.test(line)) value = line;
    const reading = (section === 'options' && key === 'install_requires') || section === 'options.extras_require';
    if (!reading || value === undefined) continue;
    found = true;
    for (const part of value.split(/[;,](?=\s*[A-Za-z])/)) add(out, part.replace(/\s+#.*$/, ''));
  }
  return found ? out : undefined;
}

/** A release as numbers (`2.5.1` → [2, 5, 1]); pre-, post- and dev-release parts are left off. */
function release(v: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(v.trim());
  return m ? m[1].split('.').map(Number) : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The majors of a package a set of PEP 440 specifiers admits, as `below` (some version before `at`) and `from` (some
 * version `at` or after), for a split such as Flask-SQLAlchemy's 3.0. Undefined when a specifier cannot be read
 * (then nothing is known). `||` (Poetry's alternatives) admits what any alternative does.
 */
export function admits(spec: string, at: number[]): { below: boolean; from: boolean } | undefined {
  let below = false;
  let from = false;
  for (const alt of spec.split('||')) {
    let lo: { v: number[]; open: boolean } | undefined;
    let hi: { v: number[]; open: boolean } | undefined;
    const raise = (v: number[], open: boolean) => {
      if (!lo || compare(v, lo.v) > 0 || (compare(v, lo.v) === 0 && open)) lo = { v, open };
    };
    const lower = (v: number[], open: boolean) => {
      if (!hi || compare(v, hi.v) < 0 || (compare(v, hi.v) === 0 && open)) hi = { v, open };
    };
    for (const clause of alt.split(',').map((c) => c.trim()).filter(Boolean)) {
      const m = /^(===|==|!=|<=|>=|~=|<|>)(.+)$/.exec(clause);
      if (!m) return undefined;
      if (m[1] === '!=') continue;
      const wildcard = m[2].endsWith('.*');
      const v = release(wildcard ? m[2].slice(0, -2) : m[2]);
      if (!v) return undefined;
      const next = (w: number[]) => [...w.slice(0, -1), w[w.length - 1] + 1];
      switch (m[1]) {
        case '==':
        case '===':
          raise(v, false);
          if (wildcard) lower(next(v), true);
          else lower(v, false);
          break;
        case '>=':
          raise(v, false);
          break;
        case '>':
          raise(v, true);
          break;
        case '<=':
          lower(v, false);
          break;
        case '<':
          lower(v, true);
          break;
        case '~=':
          raise(v, false);
          if (v.length >= 2) lower(next(v.slice(0, -1)), true);
          break;
      }
    }
    // Empty (`>=3,<2`): no version satisfies this alternative.
    if (lo && hi && (compare(lo.v, hi.v) > 0 || (compare(lo.v, hi.v) === 0 && (lo.open || hi.open)))) continue;
    if (!lo || compare(lo.v, at) < 0) below = true;
    if (!hi || compare(hi.v, at) > 0 || (compare(hi.v, at) === 0 && !hi.open)) from = true;
  }
  return { below, from };
}
