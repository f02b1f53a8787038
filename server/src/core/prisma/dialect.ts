import type { SourceDialect } from '../engine';
import { extractPrisma } from './extract';

/** Prisma schema files with at least one model. */
export const prismaDialect: SourceDialect = {
  language: 'prisma',
  extensions: ['.prisma'],
  isCandidate: (_file, text) => /^\s*model\s+\w+\s*\{/m.test(text),
  extract: extractPrisma,
};
