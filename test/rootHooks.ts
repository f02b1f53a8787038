// Loaded by mocha before every spec (.mocharc.json `require`). The CLI and the server the tests start compile the
// TypeScript compiler's bundle from a code cache in the user's cache folder (server/src/host/codeCache.ts); the
// tests point it at a folder of their own, so they never write the cache of the person running them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

export const mochaHooks = {
  beforeAll(): void {
    if (process.env.FKGUARD_CODE_CACHE) return;
    dir = mkdtempSync(join(tmpdir(), 'fkguard-codecache-'));
    process.env.FKGUARD_CODE_CACHE = dir;
  },
  afterAll(): void {
    if (!dir) return;
    rmSync(dir, { recursive: true, force: true });
    delete process.env.FKGUARD_CODE_CACHE;
    dir = undefined;
  },
};
