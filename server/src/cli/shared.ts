// Steps both commands take before scanning: check the paths, find the base folder, load the configuration.

import { opendirSync, statSync } from 'node:fs';
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
      // Synchronous, as the configuration file is read (see host/configFile.ts): the first asynchronous call loaded
      // Node's fs/promises and started libuv's threads, and a CLI waits for nothing else meanwhile.
      const st = statSync(roots[i]);
      if (!st.isDirectory() && !st.isFile()) throw new CliFailure(`${paths[i]}: not a file or folder.`);
      // A folder that cannot be listed would otherwise surface later as a failure to read its config file.
      if (st.isDirectory()) opendirSync(roots[i]).closeSync();
    } catch (err) {
      if (err instanceof CliFailure) throw err;
      throw new CliFailure(`cannot read ${paths[i]}: ${describeRootError(err)}.`);
    }
  }
  const base = await scanBase(roots);
  const loaded = await loadConfig(base, configFile === undefined ? undefined : path.resolve(io.cwd, configFile));
  if (!loaded.ok) throw new CliFailure(loaded.error);
  if (!quiet) for (const e of loaded.errors) io.stderr(`fkguard: warning: ${e}\n`);
  return { roots, base, config: loaded.config };
}

function describeRootError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'a symlink loop (the link leads back to itself)';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return (err as Error).message;
  }
}

export function reportSkipped(io: CliIo, base: string, skipped: readonly SkippedFile[], quiet: boolean): void {
  if (quiet) return;
  for (const s of skipped) io.stderr(`fkguard: skipped ${displayPath({ root: base, cwd: io.cwd }, s.file)}: ${s.reason}\n`);
}
