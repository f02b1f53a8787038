// Bundles the CLI (and, when present, the language server and the VS Code client) with esbuild and
// copies the tree-sitter wasm files beside the bundles, which load them at run time.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

// ts-morph (with the TypeScript compiler, ~10 MB) is a bundle of its own that the others require only when
// a TypeScript ORM file turns up (see server/src/host/dialects.ts), so starting the server never reads it.
const entries = [
  { in: 'server/src/cli/main.ts', out: 'cli.js', external: ['ts-morph'] },
  { in: 'server/src/host/factsWorker.ts', out: 'facts-worker.js', external: ['ts-morph'] },
  { in: 'server/src/lsp/main.ts', out: 'server.js', external: ['ts-morph'] },
  { in: 'client/src/extension.ts', out: 'client.js', external: ['vscode'] },
].filter((e) => existsSync(join(root, e.in)));
entries.push({ in: require.resolve('ts-morph'), out: 'ts-morph.js', minify: true, sourcemap: false });

await Promise.all(
  entries.map((e) =>
    build({
      entryPoints: [e.in.startsWith('/') ? e.in : join(root, e.in)],
      outfile: join(dist, e.out),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: e.sourcemap ?? true,
      minify: e.minify ?? false,
      external: e.external ?? [],
      // web-tree-sitter is an ES module that finds itself through `import.meta.url`, which a CommonJS bundle
      // lacks (esbuild leaves it undefined and Parser.init fails); give it this bundle's own URL.
      define: { 'import.meta.url': '__bundleUrl' },
      banner: { js: "const __bundleUrl = require('url').pathToFileURL(__filename).href;" },
      logLevel: 'warning',
    }),
  ),
);

for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  const from = require.resolve(wasm);
  copyFileSync(from, join(dist, wasm.split('/')[1]));
}
