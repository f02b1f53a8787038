import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { FkGuardConfig, DEFAULT_CONFIG } from '../../server/src/core/config';
import { matchesEnding } from '../../server/src/core/dialect';
import { Engine } from '../../server/src/core/engine';
import { Finding } from '../../server/src/core/types';
import { createEngine } from '../../server/src/host/python';

/** The repository root, from the compiled test's place in `out/test/engine`. */
export const REPO = join(__dirname, '..', '..', '..');
export const FIXTURES = join(REPO, 'test', 'fixtures', 'engine');

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

export function rel(root: string, p: string): string {
  return relative(root, p).split(sep).join('/');
}

/** Loads every file of a fixture workspace the engine reads (Python, TypeScript, ...) into a fresh engine. */
export async function loadWorkspace(root: string, config: FkGuardConfig = DEFAULT_CONFIG, options: { loadParser?: boolean } = {}): Promise<{ engine: Engine; texts: Map<string, string> }> {
  const engine = await createEngine(config);
  if (options.loadParser) await engine.loadParser();
  const texts = new Map<string, string>();
  const extensions = engine.extensions();
  for (const p of listFiles(root)) {
    if (!extensions.some((e) => matchesEnding(p, e)) || p.endsWith('.d.ts')) continue;
    const file = rel(root, p);
    const text = readFileSync(p, 'utf8');
    texts.set(file, text);
    engine.updateFile(file, text);
  }
  return { engine, texts };
}

export interface Expectation {
  file: string;
  line: number;
  start: number;
  end: number;
  severity: string;
  rule: string;
}

/**
 * Markers in fixture comments: a comment line of carets under a code line marks a finding on that line,
 * from the first caret to the last, e.g. `#                 ^^^^^^^^^ error unknown-table` (`//` in TypeScript
 * and Prisma, `--` in SQL).
 * Several markers may follow one line; they all refer to the nearest line above that is not a marker.
 */
export function expectationsOf(file: string, text: string): Expectation[] {
  const out: Expectation[] = [];
  const lines = text.split(/\r?\n/);
  let target = -1;
  for (const [i, line] of lines.entries()) {
    const m = /^(\s*(?:#|\/\/|--)\s*)(\^+)\s+(error|warning|info)\s+([a-z-]+)\s*$/.exec(line);
    if (!m) {
      target = i;
      continue;
    }
    const start = line.indexOf('^');
    out.push({ file, line: target, start, end: start + m[2].length, severity: m[3], rule: m[4] });
  }
  return out;
}

export function describeFinding(f: Finding): string {
  return `${f.file}:${f.range.start.line + 1}:${f.range.start.character}-${f.range.end.character} ${f.severity} ${f.rule}`;
}

export function describeExpectation(e: Expectation): string {
  return `${e.file}:${e.line + 1}:${e.start}-${e.end} ${e.severity} ${e.rule}`;
}

/** A small deterministic PRNG (mulberry32), so a randomized test's failure names a seed that reproduces it. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
