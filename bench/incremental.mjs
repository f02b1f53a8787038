// Times what an editor does on every keystroke in a big model file: one incremental tree-sitter re-parse of
// the file after a one-character edit, the facts and index update, and the findings of every file the engine
// says may have changed. Runs in its own process (started by bench.mjs) so its heap and wasm memory start clean.
//
// Usage: node bench/incremental.mjs <workspace> <big-file (relative)> [pairs-per-kind]
// Prints one JSON object on stdout.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const repo = join(fileURLToPath(import.meta.url), '..', '..');
const require = createRequire(import.meta.url);
const [root, bigFile, pairsArg] = process.argv.slice(2);
const PAIRS = Number(pairsArg ?? 50);

/**
 * The engine API (`server/src/host/python.ts` → `createEngine()`), bundled from source with esbuild as the CLI
 * bundle is, so the bench always measures the current code: `out/` from `tsc -b` can be stale or absent while
 * the core is being edited.
 */
async function loadHost() {
  const { build } = await import('esbuild');
  const outfile = join(repo, '.bench/engine.cjs');
  await build({
    entryPoints: [join(repo, 'server/src/host/python.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['web-tree-sitter', 'tree-sitter-python'],
    logLevel: 'error',
  });
  return { host: require(outfile), from: 'server/src via esbuild' };
}

function pyFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) pyFiles(p, out);
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, min: s[0], p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] };
}

/** Offsets in `text` right after each match of `re` (global), shifted by `delta`. */
function positions(text, re, delta = 0) {
  const out = [];
  for (const m of text.matchAll(re)) out.push(m.index + m[0].length + delta);
  return out;
}

async function main() {
  const { host, from } = await loadHost();
  const engine = await host.createEngine();
  const rel = (p) => relative(root, p).split(sep).join('/');

  // The workspace, as the language server indexes it on start-up.
  const t0 = performance.now();
  for (const p of pyFiles(root)) engine.updateFile(rel(p), readFileSync(p, 'utf8'));
  const all = engine.allFindings();
  const loadMs = performance.now() - t0;

  let text = readFileSync(join(root, bigFile), 'utf8');
  engine.updateFile(bigFile, text, { keepTree: true });
  engine.findings(bigFile);

  /** One edit as the editor sends it, timed until the findings of every affected file are computed. */
  const apply = (startIndex, oldEndIndex, newText) => {
    const next = text.slice(0, startIndex) + newText + text.slice(oldEndIndex);
    const derivations = engine.navigation().index.lastDerivation()?.count;
    const cpu = process.cpuUsage();
    const t = performance.now();
    const affected = engine.updateFile(bigFile, next, { keepTree: true, edits: [{ startIndex, oldEndIndex, newText }] });
    let findings = 0;
    for (const f of affected) findings += engine.findings(f).length;
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    text = next;
    // How many files the index derived again for it (`all`: every file), read after the timing.
    const derivation = engine.navigation().index.lastDerivation();
    const derivedFiles = derivation && derivation.count !== derivations ? derivation.files : 0;
    // CPU time beside the wall time: on a shared machine the wall time includes waiting for a core.
    return { ms, cpuMs: (used.user + used.system) / 1000, affected: affected.length, derived: derivedFiles === 'all' ? Infinity : derivedFiles, findings };
  };

  // Four kinds of one-character edit, each applied and then undone, at varying places in the file:
  // a docstring (facts unchanged), a FK target's table name, a __tablename__ (other files' references
  // change), and a String length (a type change).
  const kinds = {
    docstring: { at: positions(text, /records for the /g), make: () => 'x' },
    'fk-target': { at: positions(text, /ForeignKey\("[a-z_0-9]+/g, -1), replace: true },
    tablename: { at: positions(text, /__tablename__ = "[a-z_0-9]+/g), make: () => 'x' },
    'string-length': { at: positions(text, /String\(25/g), replace: true },
  };
  const results = {};
  const times = [];
  const cpuTimes = [];
  for (const [kind, k] of Object.entries(kinds)) {
    if (k.at.length === 0) continue;
    const ms = [];
    const cpu = [];
    let affectedMax = 0;
    let derivedMax = 0;
    for (let i = 0; i < PAIRS; i++) {
      // Positions were taken from the original text; every pair restores it, so they stay valid.
      const pos = k.at[(i * 7) % k.at.length];
      if (k.replace) {
        const old = text[pos];
        const repl = old === 'x' ? 'y' : /\d/.test(old) ? String((Number(old) + 1) % 10) : 'x';
        const a = apply(pos, pos + 1, repl);
        const b = apply(pos, pos + 1, old);
        ms.push(a.ms, b.ms);
        cpu.push(a.cpuMs, b.cpuMs);
        affectedMax = Math.max(affectedMax, a.affected, b.affected);
        derivedMax = Math.max(derivedMax, a.derived, b.derived);
      } else {
        const a = apply(pos, pos, k.make());
        const b = apply(pos, pos + 1, '');
        ms.push(a.ms, b.ms);
        cpu.push(a.cpuMs, b.cpuMs);
        affectedMax = Math.max(affectedMax, a.affected, b.affected);
        derivedMax = Math.max(derivedMax, a.derived, b.derived);
      }
    }
    times.push(...ms);
    cpuTimes.push(...cpu);
    results[kind] = { ...stats(ms), cpu: stats(cpu), affectedMax, derivedMax: derivedMax === Infinity ? 'all' : derivedMax };
  }

  // For comparison: the same file parsed from scratch (no old tree), as a file saved on disk is.
  const full = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const affected = engine.updateFile(bigFile, text);
    for (const f of affected) engine.findings(f);
    full.push(performance.now() - t);
  }
  engine.dispose?.();

  const s = engine.stats();
  process.stdout.write(
    `${JSON.stringify({
      engineFrom: from,
      workspace: { files: s.files, parsedFiles: s.parsedFiles, tables: s.tables, findings: all.length, loadMs },
      bigFile: { path: bigFile, lines: text.split('\n').length - 1 },
      edits: { ...stats(times), cpu: stats(cpuTimes), byKind: results },
      load: (await import('node:os')).loadavg()[0],
      fullReparse: stats(full),
      heapUsedMB: process.memoryUsage().heapUsed / 1048576,
      rssMB: process.memoryUsage().rss / 1048576,
    })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
