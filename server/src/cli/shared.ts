// Steps both commands take before scanning: check the paths, find the base folder, load the configuration.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FkGuardConfig } from '../core/config';
import { loadConfig } from '../host/configFile';
import { scanBase } from '../host/scan';
import { SkippedFile } from '../host/workspace';
import { displayPath } from './format/report';
import { CliFailure, CliIo } from './io';

export interface Prepared {
  roots: string[];
  base: string;
  config: FkGuardConfig;
}

export async function prepare(io: CliIo, paths: readonly string[], configFile: string | undefined, quiet: boolean): Promise<Prepared> {
  const roots = paths.map((p) => path.resolve(io.cwd, p));
  for (let i = 0; i < roots.length; i++) {
    try {
      const st = await fs.stat(roots[i]);
      if (!st.isDirectory() && !st.isFile()) throw new CliFailure(`${paths[i]}: not a file or folder.`);
    } catch (err) {
      if (err instanceof CliFailure) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new CliFailure(`cannot read ${paths[i]}: ${why}.`);
    }
  }
  const base = await scanBase(roots);
  const loaded = await loadConfig(base, configFile === undefined ? undefined : path.resolve(io.cwd, configFile));
  if (!loaded.ok) throw new CliFailure(loaded.error);
  if (!quiet) for (const e of loaded.errors) io.stderr(`fkguard: warning: ${e}\n`);
  return { roots, base, config: loaded.config };
}

export function reportSkipped(io: CliIo, base: string, skipped: readonly SkippedFile[], quiet: boolean): void {
  if (quiet) return;
  for (const s of skipped) io.stderr(`fkguard: skipped ${displayPath({ root: base, cwd: io.cwd }, s.file)}: ${s.reason}\n`);
}
