import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { FkGuardConfig } from '../core/config';
import { Engine, type EngineOptions } from '../core/engine';
import { pythonDialect, type PythonSupport } from '../core/python/dialect';
import { sourceDialects } from './dialects';

let ready: Promise<Language> | undefined;

/**
 * Finds a wasm file: beside the bundle in `dist/` (the packaged extension and the CLI), or in
 * node_modules when running from compiled sources (tests).
 */
function wasmPath(file: string, pkg: string): string {
  const candidates = [join(__dirname, file), join(__dirname, '..', file)];
  for (const c of candidates) if (existsSync(c)) return c;
  return require.resolve(`${pkg}/${file}`);
}

/** Loads tree-sitter and the Python grammar once per process; every engine shares the language. */
export function loadPythonLanguage(): Promise<Language> {
  ready ??= (async () => {
    const runtime = wasmPath('web-tree-sitter.wasm', 'web-tree-sitter');
    await Parser.init({ locateFile: () => runtime });
    return Language.load(readFileSync(wasmPath('tree-sitter-python.wasm', 'tree-sitter-python')));
  })();
  return ready;
}

/**
 * Whether cold reads take the Python scanner's fast path (see `PythonSupport.scanner`): on unless
 * `FKGUARD_PYTHON_SCANNER=0`, which makes tree-sitter read every file (the reference the scanner is proven against).
 */
export function scannerOn(): boolean {
  return process.env.FKGUARD_PYTHON_SCANNER !== '0';
}

export async function loadPython(): Promise<PythonSupport> {
  const language = await loadPythonLanguage();
  const fresh = () => {
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  };
  const support: PythonSupport = {
    parser: fresh(),
    scanner: scannerOn(),
    recover() {
      const broken = support.parser;
      support.parser = fresh();
      // `delete` first takes the parser off web-tree-sitter's finalization registry: left there, the garbage
      // collector would later free the broken parser and fault again, outside any try, killing the process.
      try {
        broken.delete();
      } catch {
        // Its memory is lost; the process lives on.
      }
    },
  };
  return support;
}

/**
 * An engine with every source of schema this build knows: Python always, and the dialects of
 * `sourceDialects()` (whose parsers load on their first candidate file).
 */
export async function createEngine(config?: FkGuardConfig): Promise<Engine> {
  return new Engine(config, [pythonDialect(await loadPython()), ...sourceDialects()]);
}

/**
 * Like `createEngine`, but the Python parser (web-tree-sitter and its grammar, compiled from WebAssembly) loads
 * only when `Engine.loadParser` is awaited: a scan whose Python files all come from the cache, or all go to
 * worker threads, never loads it on the main thread.
 */
export function createLazyEngine(config?: FkGuardConfig, options: EngineOptions = {}): Engine {
  let loaded: PythonSupport | undefined;
  const support: PythonSupport = {
    get parser(): Parser {
      if (!loaded) throw new Error('the Python parser was used before it was loaded');
      return loaded.parser;
    },
    set parser(p: Parser) {
      if (loaded) loaded.parser = p;
    },
    recover: () => loaded?.recover?.(),
    scanner: scannerOn(),
    load: async () => {
      loaded ??= await loadPython();
    },
  };
  return new Engine(config, [pythonDialect(support), ...sourceDialects()], options);
}
