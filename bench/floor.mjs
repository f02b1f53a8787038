// The floor the CLI is measured against: the least any scanner must do. It walks the folder, reads every file
// FK Guard would read (Python, and TypeScript/JavaScript for the TypeScript workspaces) and runs the matching
// prefilter regex on it, in one plain Node process, and prints what it saw as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const PYTHON = /ForeignKey|__tablename__|Table\(|foreign_key|create_table|create_foreign_key|ForeignKeyConstraint/;
const TYPESCRIPT = /(?:from\s*|require\s*\(\s*)['"](?:typeorm|sequelize|sequelize-typescript|@sequelize\/core|drizzle-orm(?:\/[\w-]+)?|knex)['"]|\b(?:createTable|queryInterface|sequelize\.define)\b/;
const PREFILTER = {
  '.py': PYTHON,
  ...Object.fromEntries(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].map((e) => [e, TYPESCRIPT])),
};
const SKIP = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'site-packages', 'build', 'dist']);

let files = 0;
let candidates = 0;
let bytes = 0;
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) walk(join(dir, entry.name));
      continue;
    }
    const prefilter = entry.isFile() ? PREFILTER[extname(entry.name)] : undefined;
    if (!prefilter) continue;
    const text = readFileSync(join(dir, entry.name), 'utf8');
    files++;
    bytes += text.length;
    if (prefilter.test(text)) candidates++;
  }
}
walk(process.argv[2] ?? '.');
process.stdout.write(`${JSON.stringify({ files, candidates, bytes })}\n`);
