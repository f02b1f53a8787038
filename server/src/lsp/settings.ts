import { ConfigResult, FkGuardConfig, parseConfig } from '../core/config';

/** The `fkguard.*` editor settings as the server uses them. */
export interface EditorSettings {
  enable: boolean;
  /** Milliseconds between the last keystroke and the re-check of a document. */
  debounce: number;
  /** Follow symlinks that stay inside the folder (`fkguard scan --no-follow-symlinks` turns it off). */
  followSymlinks: boolean;
  /** What the settings say about the engine's configuration, in the shape `parseConfig` reads. */
  engine: Record<string, unknown>;
  /** `fkguard.codeLens.enabled`: "referenced by N foreign keys" above each table definition (default on). */
  codeLens: boolean;
}

export const DEFAULT_DEBOUNCE_MS = 150;

const ENGINE_KEYS = ['include', 'exclude', 'externalTables', 'rules', 'dialect', 'naming', 'maxFileSize', 'jobs'] as const;

/**
 * Values of settings that mean "FK Guard decides" (the settings editor shows them rather than an empty `null`,
 * and a number box rather than "Edit in settings.json" for `jobs`): like an unset setting, they leave the say to
 * the config file and the project's sources.
 */
const UNSET_VALUES: Readonly<Record<string, string | number>> = { dialect: 'auto', declaredAttr: 'off', jobs: 0 };

/**
 * Reads the raw `fkguard` section a client returned for one folder. A setting left at its default (`null`, an
 * empty list or table) says nothing, so the project's config file keeps its say; a setting the user wrote wins.
 */
export function readSettings(raw: unknown): EditorSettings {
  const section = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const engine: Record<string, unknown> = {};
  for (const key of ENGINE_KEYS) {
    const value = section[key];
    if (saysSomething(value, key)) engine[key] = key === 'naming' ? dropEmpty(value as Record<string, unknown>) : value;
  }
  if (engine.naming && Object.keys(engine.naming as object).length === 0) delete engine.naming;
  const debounce = section.debounce;
  return {
    enable: section.enable !== false,
    followSymlinks: section.followSymlinks !== false,
    debounce: typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0 ? debounce : DEFAULT_DEBOUNCE_MS,
    engine,
    codeLens: codeLensSetting(section),
  };
}

/** `fkguard.codeLens.enabled`, which a client may send nested (`codeLens: { enabled }`) or flat. */
function codeLensSetting(section: Record<string, unknown>): boolean {
  const nested = section.codeLens;
  if (nested && typeof nested === 'object' && (nested as Record<string, unknown>).enabled === false) return false;
  return section['codeLens.enabled'] !== false;
}

/** Settings layered over the config file's result: settings win where both speak. */
export function combineConfig(fileConfig: FkGuardConfig, settings: EditorSettings): ConfigResult {
  return parseConfig(settings.engine, 'settings (fkguard.*)', fileConfig);
}

function saysSomething(value: unknown, key?: string): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (key !== undefined && UNSET_VALUES[key] === value) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.entries(value as object).some(([k, v]) => saysSomething(v, k));
  return true;
}

function dropEmpty(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (saysSomething(v, k)) out[k] = v;
  return out;
}
