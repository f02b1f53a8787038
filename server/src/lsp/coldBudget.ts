// V8's interrupt budget while the language server builds its first index. V8 optimises a function once it has run
// through its budget of bytecode; in a one-shot pass over a workspace most functions that reach V8's default budget
// run only a little longer, so optimising them costs more than it saves (the CLI runs every scan with 300,000, see
// cli/launch.ts). The server's start is such a pass: its first index runs with the CLI's budget, and V8's own comes
// back once it is in, so the code a keystroke runs is optimised as soon as before.
//
// The budget is one of the flags a V8 code cache is made for (`v8.cachedDataVersionTag()`). The launcher loads the
// server's bundle from its cache before raising the budget and sets it back before writing that cache (lsp/launch.ts),
// so the cache always holds default-flags code and fits the next start. Setting it back needs V8's own value, which no
// API gives: the budget is raised only where it is known and nobody set it (a `--interrupt-budget` in Node's options
// or NODE_OPTIONS is left alone), and V8's tag is checked to be what it was at the start once it is back.
import { cachedDataVersionTag, setFlagsFromString } from 'node:v8';

/** The CLI's budget (cli/launch.ts), for the first index. */
export const COLD_BUDGET = 300_000;

/**
 * V8's default `--interrupt-budget` (`node --v8-options`) by V8 version, where it is known: Node 20's V8 11.3. An
 * editor's own runtime (VS Code's Electron) or a newer Node keeps V8's budget throughout.
 */
export function defaultBudget(v8: string): number | undefined {
  return v8.startsWith('11.3.') ? 67_584 : undefined;
}

/** The process event the server emits once the indexes of its start are in and published (see `startIndexed`). */
const START_INDEXED = 'fkguard:start-indexed';

interface Raised {
  /** V8's tag before the raise, which must be its tag again once the budget is back. */
  tag: number;
  normal: number;
  /** What waits for V8's own budget (see `whenRestored`). */
  waiting: Array<() => void>;
}

let raised: Raised | undefined;

/** Whether a budget of Node's own options (`node --interrupt-budget=…`, NODE_OPTIONS) is in force. */
function setByUser(env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  return [...execArgv, env.NODE_OPTIONS ?? ''].some((a) => /--interrupt[-_]budget\b/.test(a));
}

/**
 * Raises V8's budget for the first index (`FKGUARD_COLD_BUDGET=off` keeps V8's own), until `restoreBudget` or
 * `startIndexed`, whichever comes first. True when it was raised. Call it once the server's bundle is loaded.
 */
export function raiseColdBudget(env: NodeJS.ProcessEnv = process.env, v8 = process.versions.v8, execArgv: readonly string[] = process.execArgv): boolean {
  const normal = defaultBudget(v8);
  if (raised || normal === undefined || env.FKGUARD_COLD_BUDGET === 'off' || setByUser(env, execArgv)) return false;
  raised = { tag: cachedDataVersionTag(), normal, waiting: [] };
  setFlagsFromString(`--interrupt-budget=${COLD_BUDGET}`);
  process.once(START_INDEXED, restoreBudget);
  return true;
}

/**
 * Sets V8's own budget back, if it was raised (later calls do nothing). Functions already counting down the raised
 * budget keep it until they next reach it; every count started from now on is V8's.
 */
export function restoreBudget(): void {
  if (!raised) return;
  const { tag, normal, waiting } = raised;
  raised = undefined;
  process.removeListener(START_INDEXED, restoreBudget);
  setFlagsFromString(`--interrupt-budget=${normal}`);
  // V8's flags as they were at the start: anything else would make every code cache written from now on unfit for
  // the next start (which would compile afresh and rewrite it, every time).
  if (cachedDataVersionTag() !== tag) process.emitWarning("FK Guard: V8's flags differ from the start's after the first index; code caches may not fit the next start");
  for (const f of waiting) f();
}

/** Calls `f` once V8's own budget is in force: now, or when it is set back. */
export function whenRestored(f: () => void): void {
  if (raised) raised.waiting.push(f);
  else f();
}

/** Whether the budget is raised now. */
export function budgetRaised(): boolean {
  return raised !== undefined;
}

/**
 * Says the indexes of the server's start are done (their diagnostics published, or they failed or were cancelled):
 * the launcher, a bundle of its own, hears it through the process (see lsp/main.ts).
 */
export function startIndexed(): void {
  (process as NodeJS.EventEmitter).emit(START_INDEXED);
}
