// The CLI as a function: arguments and I/O in, exit code out. `main.ts` binds it to the process.

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { INDEX_USAGE, parseCommandLine, PULL_SCHEMA_USAGE, SCAN_USAGE, USAGE, UsageError } from './args';
import { indexCommand } from './indexCommand';
import { CliFailure, CliIo, EXIT_FAILURE, EXIT_OK } from './io';
import { pullSchemaCommand } from './pullSchemaCommand';
import { scanCommand } from './scanCommand';

export interface PackageInfo {
  version: string;
  /**
   * Where the README is published: package.json's `homepage`. Without one there is no address known to exist, so
   * reports link nowhere rather than to a guessed page.
   */
  docsUrl?: string;
}

/** Version and homepage from the package.json above this file (dist/cli.js or the compiled sources). */
export function packageInfo(): PackageInfo {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string; homepage?: string };
        if (pkg.name === 'fkguard' && pkg.version) return { version: pkg.version, docsUrl: pkg.homepage };
      } catch {
        // Not ours or not readable; keep looking upward.
      }
    }
    if (path.dirname(dir) === dir) return { version: '0.0.0' };
  }
}

export async function run(argv: readonly string[], io: CliIo, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const usageFor = (topic?: 'scan' | 'index' | 'pull-schema') =>
    topic === 'scan' ? SCAN_USAGE : topic === 'index' ? INDEX_USAGE : topic === 'pull-schema' ? PULL_SCHEMA_USAGE : USAGE;
  try {
    const command = parseCommandLine(argv);
    switch (command.kind) {
      case 'help':
        io.stdout(usageFor(command.topic));
        return EXIT_OK;
      case 'version':
        io.stdout(`${packageInfo().version}\n`);
        return EXIT_OK;
      case 'scan':
        return await scanCommand(io, { ...command, ...packageInfo() });
      case 'index':
        return await indexCommand(io, command);
      case 'pull-schema': {
        const databaseUrl = command.databaseUrl ?? env.FKGUARD_DATABASE_URL;
        if (!databaseUrl) throw new UsageError('Give the database with --database-url URL or $FKGUARD_DATABASE_URL.', 'pull-schema');
        return await pullSchemaCommand(io, { ...command, databaseUrl });
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`fkguard: ${err.message}\n\n${usageFor(err.topic)}`);
    } else if (err instanceof CliFailure) {
      io.stderr(`fkguard: ${err.message}\n`);
    } else {
      const e = err as Error;
      io.stderr(`fkguard: internal error: ${e?.message ?? String(err)}\n`);
      if (env.FKGUARD_DEBUG === '1') io.stderr(`${e?.stack ?? ''}\n`);
      else io.stderr('fkguard: set FKGUARD_DEBUG=1 to see where it happened.\n');
    }
    return EXIT_FAILURE;
  }
}
