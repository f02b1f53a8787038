import type { SourceDialect } from '../dialect';
import { extractPrisma } from './extract';

/** Prisma schema files with at least one model, or the datasource that names the database. */
export const prismaDialect: SourceDialect = {
  language: 'prisma',
  extensions: ['.prisma'],
  // `[ \t]*`, not `\s*`: a blank prefix that could cross lines made each of 300k blank lines rescan the rest.
  isCandidate: (_file, text) => /^[ \t]*(?:model|datasource)[ \t]+\w+\s*\{/m.test(text),
  extract: extractPrisma,
};
