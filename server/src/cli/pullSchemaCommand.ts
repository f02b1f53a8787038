// `fkguard pull-schema`: reads a live PostgreSQL database's tables into a SQL file the scan then reads like any
// schema dump (see core/sql/databaseSchema.ts for why a file and not a live source).

import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DatabaseError, pullSchemaFile, type PulledSchema } from '../host/database';
import { CliFailure, CliIo, EXIT_OK } from './io';

export interface PullSchemaOptions {
  databaseUrl: string;
  /** Where to write; `-` is standard output. */
  out: string;
  schemas?: string[];
  quiet: boolean;
}

export async function pullSchemaCommand(io: CliIo, opts: PullSchemaOptions): Promise<number> {
  let pulled: PulledSchema;
  try {
    pulled = await pullSchemaFile(opts.databaseUrl, { schemas: opts.schemas });
  } catch (err) {
    if (err instanceof DatabaseError) throw new CliFailure(err.message);
    throw err;
  }
  const { text, tables } = pulled;
  const what = `${pulled.where} (${pulled.server}): ${tables} ${tables === 1 ? 'table' : 'tables'}`;
  if (opts.out === '-') {
    io.stdout(text);
    return EXIT_OK;
  }
  const file = path.resolve(io.cwd, opts.out);
  const shown = path.relative(io.cwd, file) || file;
  let before: string | undefined;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = undefined;
  }
  if (before === text) {
    if (!opts.quiet) io.stderr(`${what}, no change to ${shown}\n`);
    return EXIT_OK;
  }
  // Written beside the target and renamed over it: a failure half-way leaves the old file whole.
  let tmpDir: string | undefined;
  try {
    tmpDir = mkdtempSync(path.join(path.dirname(file), '.fkguard-pull-'));
    const tmp = path.join(tmpDir, path.basename(file));
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (err) {
    throw new CliFailure(`cannot write ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  }
  if (!opts.quiet) io.stderr(`${what} written to ${shown}\n`);
  return EXIT_OK;
}
