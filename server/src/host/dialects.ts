import { PYTHON_EXTENSIONS, type SourceDialect } from '../core/engine';

/**
 * The sources of schema besides Python, in the order they are tried for a file. Each is cheap to create:
 * a dialect whose parser is large (the TypeScript compiler) loads it only when a candidate file arrives,
 * so a workspace without such files never pays for it.
 */
export function sourceDialects(): SourceDialect[] {
  return [];
}

/** Every file name ending FK Guard reads: Python's and the dialects'. */
export function sourceExtensions(): string[] {
  return [...PYTHON_EXTENSIONS, ...sourceDialects().flatMap((d) => d.extensions)];
}
