// Finding and reading FK Guard's configuration file. The settings themselves are checked by the core's
// `parseConfig`; this module only turns a file into a raw object, and a broken file into one clear sentence.

import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { ConfigResult, DEFAULT_CONFIG, FkGuardConfig, parseConfig } from '../core/config';

// smol-toml is an ES module with a CommonJS build; the type-only import above gives the types, this the code.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const toml: typeof SmolToml = require('smol-toml');

/** The files looked for in a root, in this order; the first that holds FK Guard settings wins. */
export const CONFIG_FILE_NAMES: readonly string[] = ['fkguard.toml', '.fkguard.json', 'pyproject.toml'];

export type ConfigLoad =
  | {
      ok: true;
      config: FkGuardConfig;
      /** The file the settings came from; absent when none was found and the defaults apply. */
      file?: string;
      /** Problems with single settings (unknown key, bad value); the rest of the file still applies. */
      errors: string[];
    }
  | {
      ok: false;
      file: string;
      /** One sentence naming the file (and line, for syntax errors). */
      error: string;
    };

/**
 * Loads the configuration for `root`: the `explicitFile` when given (TOML or JSON by extension; a
 * `pyproject.toml` contributes its `[tool.fkguard]` table), else the first of `CONFIG_FILE_NAMES` in `root`
 * that holds settings. A `pyproject.toml` without `[tool.fkguard]` is not FK Guard's file and is passed over.
 * Never throws: an unreadable or malformed file is `{ ok: false }`.
 */
export async function loadConfig(root: string, explicitFile?: string): Promise<ConfigLoad> {
  if (explicitFile !== undefined) {
    const file = path.resolve(explicitFile);
    let text: string;
    try {
      text = readConfigText(file);
    } catch (err) {
      return { ok: false, file, error: `${file}: cannot read the configuration file (${errnoText(err)}).` };
    }
    return withOrigin(configFromText(file, text, true), root, file, text);
  }
  // A pyproject.toml without FK Guard's table is where "Add to external-tables" creates `[tool.fkguard]`.
  let pyproject: { file: string; text: string } | undefined;
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(root, name);
    let text: string;
    try {
      text = readConfigText(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      return { ok: false, file, error: `${file}: cannot read the configuration file (${errnoText(err)}).` };
    }
    const loaded = configFromText(file, text, false);
    if (loaded.ok && loaded.file === undefined) {
      // A broken one is not edited: appending to it would not make it readable.
      if (name === 'pyproject.toml' && parseRaw(file, text).ok) pyproject = { file, text };
      continue;
    }
    return withOrigin(loaded, root, file, text);
  }
  if (pyproject) return withOrigin({ ok: true, config: DEFAULT_CONFIG, errors: [] }, root, pyproject.file, pyproject.text);
  return { ok: true, config: DEFAULT_CONFIG, errors: [] };
}

/**
 * Tells the core which file holds (or will hold) the settings, with its text, so that the "Add to
 * external-tables" fix can edit it; the core never reads files itself. The file id is relative to `root`,
 * like the ids of source files, which is what the editor and `--fix` resolve edits against.
 */
function withOrigin(loaded: ConfigLoad, root: string, file: string, text: string): ConfigLoad {
  if (!loaded.ok) return loaded;
  const name = path.basename(file).toLowerCase();
  const kind = name === 'pyproject.toml' ? 'pyproject' : name.endsWith('.json') ? 'json' : 'toml';
  const id = path.relative(root, file).split(path.sep).join('/');
  return { ...loaded, config: { ...loaded.config, origin: { file: id, text, kind } } };
}

/**
 * Turns one configuration file's text into settings. `explicit` says the user named the file: then a
 * `pyproject.toml` without a `[tool.fkguard]` table is worth a message rather than silence.
 */
export function configFromText(file: string, text: string, explicit = true): ConfigLoad {
  const name = path.basename(file);
  if (!/\.(toml|json)$/i.test(name)) {
    return { ok: false, file, error: `${file}: FK Guard reads TOML (fkguard.toml, pyproject.toml) or JSON (.fkguard.json) configuration files, and this name says neither.` };
  }
  const parsed = parseRaw(file, text);
  if (!parsed.ok) {
    // A broken pyproject.toml that never mentions FK Guard belongs to other tools; they will complain.
    if (name === 'pyproject.toml' && !explicit && !MENTIONS_FKGUARD.test(text)) {
      return { ok: true, config: DEFAULT_CONFIG, errors: [] };
    }
    return { ok: false, file, error: parsed.error };
  }
  let raw: unknown = parsed.value;
  let source = file;
  if (name === 'pyproject.toml') {
    const tool = (raw as { tool?: unknown }).tool;
    const section = tool && typeof tool === 'object' ? (tool as Record<string, unknown>).fkguard : undefined;
    if (section === undefined) {
      return explicit
        ? { ok: true, config: DEFAULT_CONFIG, file, errors: [`${file}: no [tool.fkguard] table; using the defaults.`] }
        : { ok: true, config: DEFAULT_CONFIG, errors: [] };
    }
    raw = section;
    source = `${file} [tool.fkguard]`;
  }
  const result: ConfigResult = parseConfig(raw, source);
  const config = { ...result.config, include: usableGlobs(result.config.include, 'include', source, result.errors), exclude: usableGlobs(result.config.exclude, 'exclude', source, result.errors) };
  return { ok: true, config, file, errors: result.errors };
}

/**
 * A `[tool.fkguard]` header. Blanks are `[ \t]`, not `\s`: with `\s*` at a line start the regex ran over every
 * following blank line at each line start, which took minutes on a file of 300,000 blank lines.
 */
const MENTIONS_FKGUARD = /^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*fkguard\b/m;

function parseRaw(file: string, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
    } catch (err) {
      return { ok: false, error: `${file}: invalid JSON: ${(err as Error).message}` };
    }
  }
  try {
    return { ok: true, value: toml.parse(text.replace(/^\uFEFF/, '')) };
  } catch (err) {
    if (err instanceof toml.TomlError) {
      // smol-toml's message repeats the offending lines after a blank line; the first line is the sentence.
      const reason = err.message.replace(/^Invalid TOML document:\s*/, '').split('\n')[0];
      return { ok: false, error: `${file}:${err.line}:${err.column}: invalid TOML: ${reason}` };
    }
    return { ok: false, error: `${file}: invalid TOML: ${(err as Error).message}` };
  }
}

/**
 * The globs picomatch can use. The core refuses what it can see is wrong (`globProblem`); picomatch turns a
 * few more into a regex that matches nothing (`[z-a]`), which would exclude or include nothing, silently.
 */
function usableGlobs(globs: string[], key: string, source: string, errors: string[]): string[] {
  return globs.filter((glob) => {
    let why: string | undefined;
    try {
      if (picomatch.makeRe(glob, { dot: true }).source === '$^') why = 'matches no path';
    } catch (err) {
      why = `is not a glob picomatch can read (${(err as Error).message.split('\n')[0].slice(0, 80)})`;
    }
    if (why) errors.push(`${source}: \`${key}\` pattern ${JSON.stringify(glob)} ${why}; it is ignored.`);
    return !why;
  });
}

/**
 * Opening flags for `readConfigText`: where the platform has it, `O_NONBLOCK`, so that a FIFO by the name of a
 * configuration file is opened without waiting for a writer, then refused by its `fstat`.
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * The text of a configuration file, read synchronously: the files are small, and a CLI scan waits for nothing
 * else meanwhile. Through `fs.promises` the first read loaded Node's fs/promises and readline modules and started
 * libuv's threads, about 3 ms of a 120 ms warm scan with the CLI's checks of its roots (cli/shared.ts). A FIFO or a
 * device is refused rather than read (an asynchronous read of a FIFO waited for a writer forever); a folder fails
 * its read with EISDIR, as before.
 */
function readConfigText(file: string): string {
  const fd = openSync(file, READ_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() && !st.isDirectory()) throw new Error('not a regular file');
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EISDIR') return 'it is a folder';
  return e?.message ?? String(err);
}
