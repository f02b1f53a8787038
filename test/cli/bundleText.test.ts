// The Node bundles are plain ASCII (scripts/build.mjs, `asciiOnly`): the CLI's launcher then reads cli-main.js as a
// one-byte string without decoding UTF-8 (cli/launch.ts), where a single character above 127 in a comment made V8
// keep the whole 1.8 MB text as two bytes a character.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../engine/harness';

describe('the Node bundles the build ships', () => {
  for (const bundle of ['cli-main.js', 'cli.js', 'server-main.js', 'server.js', 'facts-worker.js', 'facts-worker-main.js']) {
    it(`${bundle} is plain ASCII`, () => {
      const bytes = readFileSync(join(REPO, 'dist', bundle));
      const at = bytes.findIndex((b) => b > 127);
      assert.equal(at, -1, at < 0 ? '' : `a byte above 127 at ${at}: ${JSON.stringify(bytes.subarray(Math.max(0, at - 40), at + 40).toString('utf8'))}`);
    });
  }
});
