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
  naming: {
    /** The table name convention of a `@declared_attr __tablename__` base; unset means stay silent. */
    declaredAttr?: NamingConvention;
  };
  /** Files larger than this many bytes are skipped with a message. */
  maxFileSize: number;
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
      case 'exclude':
      case 'externalTables': {
        const list = strings(rawKey, value);
        if (list) config[key] = list;
        break;
      }
      case 'dialect':
        if (typeof value === 'string' && (DIALECTS as readonly string[]).includes(value)) config.dialect = value as Dialect;
        else errors.push(`${source}: \`dialect\` must be one of ${DIALECTS.join(', ')}.`);
        break;
      case 'maxFileSize':
        if (typeof value === 'number' && Number.isFinite(value) && value > 0) config.maxFileSize = Math.floor(value);
        else errors.push(`${source}: \`${rawKey}\` must be a positive number of bytes.`);
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
            else errors.push(`${source}: \`naming.${k}\` must be one of ${NAMINGS.join(', ')}.`);
          }
        } else errors.push(`${source}: \`naming\` must be a table.`);
        break;
      default:
        errors.push(`${source}: unknown setting \`${rawKey}\`.`);
    }
  }
  return { config, errors };
}
