import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceDialect } from '../core/dialect';
import { codeCacheDir, requireWithCodeCache } from './codeCache';
import { PYTHON_EXTENSIONS } from '../core/python/dialect';
import type { TsApi } from '../core/typescript/context';
import { createTypeScriptDialect } from '../core/typescript/dialect';
import { prismaDialect } from '../core/prisma/dialect';
import { sqlDialect } from '../core/sql/dialect';
import { alembicConfigDialect } from '../core/migrations/alembicConfig';
import { pythonDependenciesDialect, withPythonDependencies } from '../core/python/dependencies';
import { packageJsonDialect } from '../core/packageJson';
import { sequelizeConfigDialect } from '../core/migrations/sequelizeConfig';
import { drizzleJournalDialect } from '../core/migrations/drizzleJournal';
import { tsconfigDialect } from '../core/typescript/tsconfig';

/**
 * The sources of schema besides Python, in the order they are tried for a file. Each is cheap to create:
 * a dialect whose parser is large (the TypeScript compiler) loads it only when a candidate file arrives,
 * so a workspace without such files never pays for it.
 */
export function sourceDialects(): SourceDialect[] {
  return [createTypeScriptDialect(loadTypeScript, { fastParser: tsFastParserOn() }), prismaDialect, sqlDialect, withPythonDependencies(alembicConfigDialect), pythonDependenciesDialect, packageJsonDialect, tsconfigDialect, sequelizeConfigDialect, drizzleJournalDialect];
}

/**
 * Whether TypeScript files are first read by the fast parser (`core/typescript/fastParse.ts`): on unless
 * `FKGUARD_TS_SCANNER=0`, which makes the compiler parse every file (the reference the fast parser is proven
 * against).
 */
export function tsFastParserOn(): boolean {
  return process.env.FKGUARD_TS_SCANNER !== '0';
}

/** Every file name ending FK Guard reads: Python's and the dialects'. */
export function sourceExtensions(): string[] {
  return [...PYTHON_EXTENSIONS, ...sourceDialects().flatMap((d) => d.extensions)];
}

/**
 * The TypeScript compiler's API (the compiler ts-morph carries, about 9 MB): in the bundles it ships as its own
 * file beside them (`dist/typescript.js`), so loading the server or the CLI never reads it; from compiled
 * sources (tests) it is ts-morph's. The bundle is compiled from a code cache when one fits (see `codeCache.ts`).
 */
export function loadTypeScript(): TsApi {
  const bundled = join(__dirname, 'typescript.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return existsSync(bundled) ? (requireWithCodeCache(bundled, codeCacheDir()) as TsApi) : (require('ts-morph') as { ts: TsApi }).ts;
}
