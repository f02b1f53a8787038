// `node out/test/lsp/benchStartup.js` (after `npm run build`): issue 9's startup target. A generated workspace
// of 2,000 model files; the server starts as VS Code starts it, a model file is opened right after `initialized`,
// and the row is the time from the server's spawn to that file's first diagnostics: cold (an empty cache), then
// warm (the facts cache the first run wrote, as after a previous session or a `fkguard scan`). Figures are
// printed, never asserted.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient } from './harness';

const FILES = Number(process.env.FKGUARD_BENCH_FILES ?? 2000);

function modelFile(i: number): string {
  const lines = ['from sqlalchemy import Column, ForeignKey, Integer, String', 'from app.base import Base', ''];
  for (let t = 0; t < 3; t++) {
    const n = i * 3 + t;
    lines.push(`class Model${n}(Base):`, `    __tablename__ = "table_${n}"`, '', '    id = Column(Integer, primary_key=True)');
    lines.push('    name = Column(String(255), nullable=False)');
    if (i > 0) lines.push(`    parent_id = Column(Integer, ForeignKey("table_${3 * ((n * 7) % i)}.id"))`);
    if (i > 1) lines.push(`    other_id = Column(Integer, ForeignKey("table_${n % 50 === 0 ? 'missing_' : ''}${3 * ((n * 13) % (i - 1)) + 1}.id"))`);
    lines.push('', '');
  }
  return lines.join('\n');
}

async function startToDiagnostics(root: string, cacheHome: string, file: string): Promise<{ diagnosticsMs: number; indexMs: number; fromCache: string }> {
  const started = performance.now();
  const client = await LspClient.start({ root, cacheHome });
  try {
    client.open(file, readFileSync(join(root, file), 'utf8'));
    await client.diagnosticsFor(file, () => true, 1, 300000);
    const diagnosticsMs = performance.now() - started;
    await client.ready(300000);
    const indexMs = performance.now() - started;
    const fromCache = await client.waitFor('the cache note', () => client.logs.map((l) => /(\d+) files' facts came from the cache/.exec(l.message)?.[1]).find(Boolean), 300000);
    return { diagnosticsMs, indexMs, fromCache };
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'fkguard-bench-startup-'));
  try {
    const root = join(scratch, 'ws');
    mkdirSync(join(root, 'app'), { recursive: true });
    writeFileSync(join(root, 'app', '__init__.py'), '');
    writeFileSync(join(root, 'app', 'base.py'), 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n');
    for (let i = 0; i < FILES; i++) writeFileSync(join(root, 'app', `m${i}.py`), modelFile(i));
    const file = `app/m${Math.floor(FILES / 2)}.py`;
    const cacheHome = join(scratch, 'cache');
    const cold = await startToDiagnostics(root, cacheHome, file);
    const warm = await startToDiagnostics(root, cacheHome, file);
    console.log(`startup, ${FILES + 2} files, spawn -> diagnostics of the open file: cold ${cold.diagnosticsMs.toFixed(0)} ms (index ${cold.indexMs.toFixed(0)} ms, ${cold.fromCache} from cache)`);
    console.log(`startup, ${FILES + 2} files, spawn -> diagnostics of the open file: warm ${warm.diagnosticsMs.toFixed(0)} ms (index ${warm.indexMs.toFixed(0)} ms, ${warm.fromCache} from cache)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
