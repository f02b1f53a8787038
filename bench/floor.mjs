// The floor the CLI is measured against: the least any scanner must do. It walks the folder, reads every .py
// file and runs the prefilter regex on it, in one plain Node process, and prints what it saw as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFILTER = /ForeignKey|__tablename__|Table\(|foreign_key|create_table|create_foreign_key|ForeignKeyConstraint/;
const SKIP = new Set(['node_modules', '.git', '.venv', 'venv', '__pycache__', 'site-packages', 'build', 'dist']);

let files = 0;
let candidates = 0;
let bytes = 0;
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) walk(join(dir, entry.name));
    } else if (entry.isFile() && entry.name.endsWith('.py')) {
      const text = readFileSync(join(dir, entry.name), 'utf8');
      files++;
      bytes += text.length;
      if (PREFILTER.test(text)) candidates++;
    }
  }
}
walk(process.argv[2] ?? '.');
process.stdout.write(`${JSON.stringify({ files, candidates, bytes })}\n`);
