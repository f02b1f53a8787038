import { ALL_RULES, RuleId, Severity } from './types';

/** How FK Guard names a table for a class whose `__tablename__` comes from a `@declared_attr` convention. */
export type NamingConvention = 'snake_case' | 'lowercase' | 'plural_snake_case' | 'class_name';

export type Dialect = 'postgresql' | 'mysql' | 'sqlite';

/** The typed configuration the engine sees. Settings, config files and CLI flags are all turned into this. */
export interface FkGuardConfig {
  /** Globs (relative to the root, `/`-separated) of files to analyse. Empty means every candidate file. */
  include: string[];
  /** Globs of files and folders to skip, on top of `.gitignore` and the built-in skips. */
  exclude: string[];
  /** Tables that live outside the workspace: `users`, `auth.users`, or `users.id:uuid` to give a key type. */
  externalTables: string[];
  /** Per-rule severity overrides; `off` silences a rule. */
  rules: Partial<Record<RuleId, Severity | 'off'>>;
  /** The database that judges type compatibility. */
  dialect: Dialect;
  /** A setting, config file or flag named `dialect`: it wins over what the project's sources say. */
  dialectExplicit?: boolean;
  naming: {
    /** The table name convention of a `@declared_attr __tablename__` base; unset means stay silent. */
    declaredAttr?: NamingConvention;
    /**
     * The same for one base each (`naming.declared-attr` given as a table): the base's class name or its
     * dotted path (`app.db.Base`, or its tail `db.Base`) → its convention. A base named here ignores
     * `declaredAttr`.
     */
    declaredAttrByBase?: Record<string, NamingConvention>;
  };
  /** Files larger than this many bytes are skipped with a message. */
  maxFileSize: number;
  /**
   * How many threads may parse at once on a scan: 1 parses on the host's own thread (no worker threads, least
   * memory); unset, one per core, at most 4. Speed and memory only: the facts are the same either way.
   */
  jobs?: number;
  /**
   * The configuration file the workspace uses, as the host read it, so that a fix can add a table to
   * `external-tables` there: the file id (like a source file's), its text, and whether FK Guard's settings are
   * in it. A `pyproject.toml` without `[tool.fkguard]` is named when no other file holds settings.
   */
  origin?: ConfigOrigin;
}

export interface ConfigOrigin {
  file: string;
  text: string;
  /** `pyproject`: the `[tool.fkguard]` table of a pyproject.toml (created when absent); `toml`; `json`. */
  kind: 'pyproject' | 'toml' | 'json';
}

/**
 * The `naming.declared-attr` convention that applies to the base `className` defined in `file` (a workspace
 * path): its own entry (by class name, dotted path or a tail of it), else the one for every base.
 */
export function declaredAttrConvention(config: FkGuardConfig, className: string, file: string): NamingConvention | undefined {
  const byBase = config.naming.declaredAttrByBase;
  if (byBase) {
    const module = file.replace(/\.pyi?$/, '').replace(/\/__init__$/, '').split('/').join('.');
    const dotted = `${module}.${className}`;
    for (const [base, convention] of Object.entries(byBase)) {
      if (base === className || base === dotted || dotted.endsWith(`.${base}`)) return convention;
    }
  }
  return config.naming.declaredAttr;
}

export const DEFAULT_CONFIG: FkGuardConfig = {
  include: [],
  exclude: [],
  externalTables: [],
  rules: {},
  dialect: 'postgresql',
  naming: {},
  maxFileSize: 2 * 1024 * 1024,
};

/**
 * The dialect that judges a project that targets `targets`: the configuration's when it names one; else the
 * most permissive of the project's databases (SQLite enforces no column types, MySQL only some), since a
 * foreign key any of them refuses may be fine on the one the code is really run on; PostgreSQL if none is known.
 */
export function judgingDialect(config: FkGuardConfig, targets: Iterable<Dialect>): Dialect {
  if (config.dialectExplicit) return config.dialect;
  const seen = new Set(targets);
  if (seen.has('sqlite')) return 'sqlite';
  if (seen.has('mysql')) return 'mysql';
  return seen.has('postgresql') ? 'postgresql' : config.dialect;
}

export interface ConfigResult {
  config: FkGuardConfig;
  /** One clear sentence per problem; the rest of the config still applies. */
  errors: string[];
}

const NAMINGS: readonly NamingConvention[] = ['snake_case', 'lowercase', 'plural_snake_case', 'class_name'];
const DIALECTS: readonly Dialect[] = ['postgresql', 'mysql', 'sqlite'];
const SEVERITIES: readonly string[] = ['error', 'warning', 'info', 'off'];

/**
 * Turns a raw object (a `[tool.fkguard]` table, a `.fkguard.json`, or editor settings) into a typed config.
 * Unknown keys and bad values are reported, never thrown; each bad value falls back to its default.
 * Keys may be written in camelCase or kebab-case (`external-tables`), as TOML users do.
 */
export function parseConfig(raw: unknown, source: string, base: FkGuardConfig = DEFAULT_CONFIG): ConfigResult {
  const config: FkGuardConfig = { ...base, rules: { ...base.rules }, naming: { ...base.naming } };
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { config, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(`${source}: the FK Guard configuration must be a table of settings.`);
    return { config, errors };
  }
  const strings = (key: string, value: unknown): string[] | undefined => {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    errors.push(`${source}: \`${key}\` must be a list of strings.`);
    return undefined;
  };
  for (const [rawKey, value] of Object.entries(raw as Record<string, unknown>)) {
    const key = rawKey.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
    switch (key) {
      case 'include':
      case 'exclude': {
        const list = strings(rawKey, value);
        if (!list) break;
        // A bad pattern is left out with a message; the others still apply.
        config[key] = list.filter((glob) => {
          const problem = globProblem(glob);
          if (problem) errors.push(`${source}: \`${rawKey}\` pattern ${shown(glob)} ${problem}; it is ignored.`);
          return !problem;
        });
        break;
      }
      case 'externalTables': {
        const list = strings(rawKey, value);
        if (list) config[key] = list;
        break;
      }
      case 'dialect':
        if (typeof value === 'string' && (DIALECTS as readonly string[]).includes(value)) {
          config.dialect = value as Dialect;
          config.dialectExplicit = true;
        } else errors.push(`${source}: \`dialect\` must be one of ${DIALECTS.join(', ')}.`);
        break;
      case 'maxFileSize':
        // `0.5` once became 0, which skipped every file: a size is a whole number of bytes, at least 1.
        if (typeof value === 'number' && Number.isInteger(value) && value >= 1) config.maxFileSize = value;
        else errors.push(`${source}: \`${rawKey}\` must be a whole number of bytes (at least 1), not ${JSON.stringify(value)}; using ${config.maxFileSize}.`);
        break;
      case 'jobs':
        if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 64) config.jobs = value;
        else errors.push(`${source}: \`${rawKey}\` must be a whole number of threads from 1 to 64, not ${JSON.stringify(value)}; using ${config.jobs ?? 'one per core'}.`);
        break;
      case 'rules':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [rule, sev] of Object.entries(value as Record<string, unknown>)) {
            if (!(ALL_RULES as readonly string[]).includes(rule)) {
              errors.push(`${source}: unknown rule \`${rule}\` (known: ${ALL_RULES.join(', ')}).`);
            } else if (typeof sev !== 'string' || !SEVERITIES.includes(sev)) {
              errors.push(`${source}: rule \`${rule}\` must be one of ${SEVERITIES.join(', ')}.`);
            } else {
              config.rules[rule as RuleId] = sev as Severity | 'off';
            }
          }
        } else errors.push(`${source}: \`rules\` must be a table of rule = severity.`);
        break;
      case 'naming':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            const nk = k.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
            if (nk !== 'declaredAttr') errors.push(`${source}: unknown naming setting \`${k}\` (known: declared-attr).`);
            else if (typeof v === 'string' && (NAMINGS as readonly string[]).includes(v)) config.naming.declaredAttr = v as NamingConvention;
            else if (v && typeof v === 'object' && !Array.isArray(v)) {
              // One convention per base: `[tool.fkguard.naming.declared-attr]` with `Base = "snake_case"`.
              const byBase: Record<string, NamingConvention> = {};
              for (const [base, c] of Object.entries(v as Record<string, unknown>)) {
                if (typeof c === 'string' && (NAMINGS as readonly string[]).includes(c)) byBase[base] = c as NamingConvention;
                else errors.push(`${source}: \`naming.${k}.${base}\` must be one of ${NAMINGS.join(', ')}.`);
              }
              config.naming.declaredAttrByBase = byBase;
            } else errors.push(`${source}: \`naming.${k}\` must be one of ${NAMINGS.join(', ')}, or a table of base = convention.`);
          }
        } else errors.push(`${source}: \`naming\` must be a table.`);
        break;
      default:
        errors.push(`${source}: unknown setting \`${rawKey}\`.`);
    }
  }
  return { config, errors };
}

/** Globs longer than this are refused: no real include or exclude pattern comes near it. */
export const MAX_GLOB_LENGTH = 1000;
/** Extglob groups (`+(a|b)`, `*(…)`, `@(…)`, `?(…)`, `!(…)`) allowed in one pattern. */
export const MAX_EXTGLOB_GROUPS = 3;

/**
 * Why an include or exclude glob is refused, or undefined. Globs become regular expressions (picomatch), and
 * some become ones that backtrack for minutes on a short path: `+(a|aa)` twelve times against a 28-character
 * name took 100 s per path. Such patterns, unbalanced ones (which matched nothing, silently) and huge ones
 * (a 90 KB glob ended in an internal error with the regex dumped) are refused here, in the one place that
 * settings, config files and command-line flags all pass through.
 */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'is empty';
  if (glob.length > MAX_GLOB_LENGTH) return `is ${glob.length} characters long (at most ${MAX_GLOB_LENGTH})`;
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let extglobs = 0;
  let quantifiedDepth = 0;
  const quantified: boolean[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (open[open.length - 1] === '[') {
      // Inside a character class only `]` means something (a leading `]` or `!`/`^` is part of the class).
      if (c === ']' && glob[i - 1] !== '[' && !(glob[i - 2] === '[' && (glob[i - 1] === '!' || glob[i - 1] === '^'))) open.pop();
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      open.push(c);
      if (c === '(') {
        const isExt = i > 0 && '*+?@!'.includes(glob[i - 1]);
        const isQuantified = i > 0 && (glob[i - 1] === '*' || glob[i - 1] === '+');
        if (isExt) extglobs++;
        if (isQuantified && quantifiedDepth > 0) return 'nests a repeated extglob group inside another, which can take exponential time to match';
        quantified.push(isQuantified);
        if (isQuantified) quantifiedDepth++;
      }
    } else if (c === ')' || c === ']' || c === '}') {
      if (open[open.length - 1] !== pairs[c]) return `has an unmatched \`${c}\``;
      open.pop();
      if (c === ')' && quantified.pop()) quantifiedDepth--;
    }
  }
  if (open.length > 0) return `has an unclosed \`${open[open.length - 1]}\``;
  if (extglobs > MAX_EXTGLOB_GROUPS) return `has ${extglobs} extglob groups like \`+(a|b)\` (at most ${MAX_EXTGLOB_GROUPS}), whose matching can take exponential time`;
  for (const m of glob.matchAll(/\{(-?\d+)\.\.(-?\d+)(?:\.\.\d+)?\}/g)) {
    if (Math.abs(Number(m[2]) - Number(m[1])) > 1000) return `has the range \`${m[0]}\`, more than 1,000 values`;
  }
  return undefined;
}

/** A pattern as a message shows it: quoted, and cut short when long. */
function shown(glob: string): string {
  return JSON.stringify(glob.length > 80 ? `${glob.slice(0, 77)}...` : glob);
}
