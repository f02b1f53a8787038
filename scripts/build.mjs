// Bundles the CLI (and, when present, the language server and the VS Code client) with esbuild and
// copies the tree-sitter wasm files beside the bundles, which load them at run time.
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

/**
 * Rewrites `await import("fs/promises")`-like imports of Node's built-in modules in web-tree-sitter into calls of the
 * bundle's own `require`, saved by the banner as `__nodeRequire` before web-tree-sitter's code declares a `require`
 * of its own (so esbuild's `supported: { 'dynamic-import': false }`, which writes `require(...)`, would call that).
 */
const requireNodeImports = {
  name: 'require-node-imports',
  setup(b) {
    b.onLoad({ filter: /web-tree-sitter[\\/].*\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const rewritten = text.replace(/\bimport\((["'])((?:node:)?[a-z_/]+)\1\)/g, (_, q, id) => `Promise.resolve(__nodeRequire(${q}${id}${q}))`);
      return { contents: rewritten, loader: 'js' };
    });
  },
};

/**
 * pgsql-ast-parser (the SQL reader's parser) tells a word from a keyword the grammar does not reserve (`kw_key`,
 * `kw_index`, ... about 90 of them) with `a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0`, and its
 * Earley parser tries that for every such keyword the grammar expects at every word: an ICU comparison, with a
 * collator made from the options, tens of thousands of times a file. Both sides are plain ASCII there (a keyword,
 * and a `word` token, which the lexer matches as `[A-Za-z0-9_]` and lower-cases), where the comparison says equal
 * exactly when the strings are: they are compared so, and any other pair as before. On the real-world corpus this
 * was a fifth of indico's scan (1.68 -> 1.39 s of CPU) and 7 % of logto's, for the same facts. The build stops if
 * the line is not found (another version of the parser), rather than leave the comparison slow unnoticed.
 */
const PGSQL_KEYWORD_TEST = 'const eqInsensitive = (a, b) => a.localeCompare(b, undefined, kwSensitivity) === 0;';
const fastKeywordTest = {
  name: 'fast-keyword-test',
  setup(b) {
    b.onLoad({ filter: /pgsql-ast-parser[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(PGSQL_KEYWORD_TEST)) throw new Error(`${args.path}: the keyword comparison to speed up (see fastKeywordTest in scripts/build.mjs) is not there`);
      const fast = "const eqInsensitive = (a, b) => a === b || ((/[^a-z0-9_]/.test(a) || /[^a-z0-9_]/.test(b)) && a.localeCompare(b, undefined, kwSensitivity) === 0);";
      return { contents: text.replace(PGSQL_KEYWORD_TEST, fast), loader: 'js' };
    });
  },
};

// The TypeScript compiler (~9 MB) is a bundle of its own that the others require only when a TypeScript ORM file
// turns up (see server/src/host/dialects.ts), so starting the server never reads it.
const entries = [
  // dist/cli.js runs dist/cli-main.js (the CLI) through a V8 code cache (see server/src/cli/launch.ts).
  // web-tree-sitter's `import()` of Node's own modules becomes a `require` (see `requireNodeImports`): the launcher
  // compiles this bundle with `vm.Script`, where Node 20 refuses a dynamic import.
  { in: 'server/src/cli/main.ts', out: 'cli-main.js', external: ['ts-morph', 'pg'], plugins: [requireNodeImports, fastKeywordTest] },
  { in: 'server/src/cli/launch.ts', out: 'cli.js' },
  // dist/facts-worker.js (the script a parser thread starts) runs dist/facts-worker-main.js through a V8 code cache
  // (server/src/host/factsWorkerLaunch.ts), compiled with `vm.Script` as the CLI's is: hence `requireNodeImports`.
  { in: 'server/src/host/factsWorker.ts', out: 'facts-worker-main.js', external: ['ts-morph'], plugins: [requireNodeImports, fastKeywordTest] },
  { in: 'server/src/host/factsWorkerLaunch.ts', out: 'facts-worker.js' },
  // dist/server.js loads dist/server-main.js (the language server) through a V8 code cache (server/src/lsp/launch.ts),
  // compiled with `vm.Script` as the CLI's is: hence `requireNodeImports` here too.
  { in: 'server/src/lsp/main.ts', out: 'server-main.js', external: ['ts-morph', 'pg'], plugins: [requireNodeImports, fastKeywordTest] },
  { in: 'server/src/lsp/launch.ts', out: 'server.js' },
  { in: 'client/src/extension.ts', out: 'client.js', external: ['vscode'] },
  // The diagram's script runs in a webview (a browser): one self-contained file with dagre inside, no network.
  { in: 'client/webview/diagram.ts', out: 'diagram.js', platform: 'browser', format: 'iife', minify: true, sourcemap: false },
].filter((e) => existsSync(join(root, e.in)));
// The compiler alone, the very one ts-morph carries (the readers work on its tree, and no longer need ts-morph's
// wrappers): the same parser as before, without ts-morph's own code to load.
entries.push({ in: createRequire(require.resolve('ts-morph')).resolve('@ts-morph/common/dist/typescript.js'), out: 'typescript.js', minify: true, sourcemap: false });

// The PostgreSQL client, for `pull-schema` only (server/src/host/database.ts loads it when a pull runs): a bundle of
// its own so no scan reads it. `pg-native` (the libpq binding) and `pg-cloudflare` (Workers sockets) are optional
// paths of `pg` that Node never takes here.
entries.push({ in: require.resolve('pg'), out: 'pg.js', external: ['pg-native', 'pg-cloudflare'], sourcemap: false });

// One key for the code that makes a file's facts, the same in every bundle: the CLI and the language server then
// share the facts cache (host/factsCache.ts), and any change to these sources or to a parser's version empties it.
const codeKey = (() => {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) hash.update(file.slice(root.length)).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  walk(join(root, 'server', 'src', 'core'));
  walk(join(root, 'server', 'src', 'host'));
  hash.update(JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies));
  return hash.digest('base64');
})();

await Promise.all(
  entries.map((e) =>
    build({
      entryPoints: [e.in.startsWith('/') ? e.in : join(root, e.in)],
      outfile: join(dist, e.out),
      bundle: true,
      platform: e.platform ?? 'node',
      target: e.platform === 'browser' ? 'es2022' : 'node20',
      format: e.format ?? 'cjs',
      sourcemap: e.sourcemap ?? true,
      minify: e.minify ?? false,
      external: e.external ?? [],
      plugins: e.plugins ?? [],
      // web-tree-sitter is an ES module that finds itself through `import.meta.url`, which a CommonJS bundle
      // lacks (esbuild leaves it undefined and Parser.init fails); give it this bundle's own URL.
      ...(e.platform === 'browser'
        ? {}
        : {
            define: { 'import.meta.url': '__bundleUrl', __FKGUARD_CODE_KEY__: JSON.stringify(codeKey) },
            banner: { js: "const __bundleUrl = require('url').pathToFileURL(__filename).href;\nconst __nodeRequire = require;" },
          }),
      logLevel: 'warning',
    }),
  ),
);

/**
 * The characters above 127 that esbuild leaves in a Node bundle (it escapes those of strings, templates, regular
 * expressions and names; the rest are in comments: `→`, `…`, an emoji) become `?`, one per UTF-16 unit, so every
 * column a source map gives stays where it was. A bundle of plain ASCII is a one-byte string in V8: the CLI's
 * launcher (cli/launch.ts) reads it as Latin-1 without decoding UTF-8, and one such character made the whole 1.8 MB
 * text two-byte (decoding it cost 5 ms of a 120 ms warm scan, and V8 scans a two-byte source more slowly). The
 * build stops if the change reaches code: the bundle with its comments dropped (esbuild's whitespace minifier) must
 * be the same before and after.
 */
async function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text)) return;
  const ascii = text.replace(/[^\x00-\x7f]/gu, (c) => '?'.repeat(c.length));
  const code = async (t) => (await transform(t, { minifyWhitespace: true, legalComments: 'none', charset: 'ascii', loader: 'js' })).code;
  if ((await code(text)) !== (await code(ascii))) throw new Error(`${file}: a character above 127 outside a comment (see asciiOnly in scripts/build.mjs)`);
  writeFileSync(file, ascii);
}
await Promise.all(entries.filter((e) => (e.platform ?? 'node') === 'node').map((e) => asciiOnly(join(dist, e.out))));

for (const wasm of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
  const from = require.resolve(wasm);
  copyFileSync(from, join(dist, wasm.split('/')[1]));
}

// The rule documentation, one Markdown file per rule cut from the README's "Rules" section (its single source),
// for the links on diagnostics: a file beside the server opens offline in any editor, where a README anchor in the
// installed extension does not (vsce ships README.md as readme.md, and editors open no `#fragment` of a file).
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const rulesDir = join(dist, 'rules');
rmSync(rulesDir, { recursive: true, force: true });
mkdirSync(rulesDir, { recursive: true });
const ruleSection = /<a id="rule-([a-z-]+)"><\/a>\n([\s\S]*?)(?=\n<a id="rule-|\n## )/g;
let rules = 0;
for (const [, id, body] of readme.matchAll(ruleSection)) {
  // Links to other README sections would lead nowhere from a page of its own: their text stays, plain.
  const text = body.trim().replace(/^### (.*)\n/, '# FK Guard rule $1\n\n').replace(/\[([^\]]+)\]\(#[a-z-]+\)/g, '$1');
  writeFileSync(join(rulesDir, `${id}.md`), `${text}\n\nFrom FK Guard's README, section "Rules".\n`);
  rules++;
}
if (rules === 0) throw new Error('README.md has no rule sections (<a id="rule-…"></a>) to cut the rule documentation from');
