// V8's interrupt budget and inlining limit while the language server builds its first index. V8 optimises a function
// once it has run through its budget of bytecode; in a one-shot pass over a workspace most functions that reach V8's
// default budget run only a little longer, so optimising them costs more than it saves, and inlining less makes each
// optimising compile cheaper for code that runs about as fast (the CLI runs every scan so, see cli/launch.ts). The
// server's start is such a pass: its first index runs with the CLI's two flags, and V8's own come back once it is in,
// so the code a keystroke runs is optimised as soon as before.
//
// Both are flags a V8 code cache is made for (`v8.cachedDataVersionTag()`). The launcher loads the server's bundle
// from its cache before setting them and sets them back before writing that cache (lsp/launch.ts), so the cache
// always holds default-flags code and fits the next start. Setting them back needs V8's own values, which no API
// gives: they are set only where these are known and nobody set either flag (in Node's options or NODE_OPTIONS), and
// V8's tag is checked to be what it was at the start once they are back.
import { cachedDataVersionTag, setFlagsFromString } from 'node:v8';

/** A V8 flag of the first index: its value then (the CLI's, cli/launch.ts) and V8's own. */
export interface ColdFlag {
  name: string;
  cold: number;
  normal: number;
}

/**
 * The first index's flags with V8's defaults (`node --v8-options`), where these are known: Node 20's V8 11.3. An
 * editor's own runtime (VS Code's Electron) or a newer Node keeps V8's flags throughout.
 */
export function coldFlags(v8: string): ColdFlag[] | undefined {
  if (!v8.startsWith('11.3.')) return undefined;
  return [
    { name: 'interrupt-budget', cold: 300_000, normal: 67_584 },
    { name: 'max-inlined-bytecode-size-cumulative', cold: 200, normal: 920 },
  ];
}

/** The process event the server emits once the indexes of its start are in and published (see `startIndexed`). */
const START_INDEXED = 'fkguard:start-indexed';

interface Raised {
  /** V8's tag before the raise, which must be its tag again once the flags are back. */
  tag: number;
  flags: ColdFlag[];
  /** What waits for V8's own flags (see `whenRestored`). */
  waiting: Array<() => void>;
}

let raised: Raised | undefined;

/** Whether Node's own options (`node --interrupt-budget=…`, NODE_OPTIONS) set one of `flags`. */
function setByUser(flags: readonly ColdFlag[], env: NodeJS.ProcessEnv, execArgv: readonly string[]): boolean {
  const given = [...execArgv, env.NODE_OPTIONS ?? ''].join(' ').replace(/_/g, '-');
  return flags.some((f) => given.includes(`--${f.name}`));
}

/**
 * Sets the first index's flags (`FKGUARD_COLD_BUDGET=off` keeps V8's own), until `restoreBudget` or `startIndexed`,
 * whichever comes first. True when they were set. Call it once the server's bundle is loaded.
 */
export function raiseColdBudget(env: NodeJS.ProcessEnv = process.env, v8 = process.versions.v8, execArgv: readonly string[] = process.execArgv): boolean {
  const flags = coldFlags(v8);
  if (raised || !flags || env.FKGUARD_COLD_BUDGET === 'off' || setByUser(flags, env, execArgv)) return false;
  raised = { tag: cachedDataVersionTag(), flags, waiting: [] };
  for (const f of flags) setFlagsFromString(`--${f.name}=${f.cold}`);
  process.once(START_INDEXED, restoreBudget);
  return true;
}

/**
 * Sets V8's own flags back, if they were set (later calls do nothing). Functions already counting down the raised
 * budget keep it until they next reach it, and code optimised during the index keeps its inlining; every count and
 * every compile started from now on is V8's.
 */
export function restoreBudget(): void {
  if (!raised) return;
  const { tag, flags, waiting } = raised;
  raised = undefined;
  process.removeListener(START_INDEXED, restoreBudget);
  for (const f of flags) setFlagsFromString(`--${f.name}=${f.normal}`);
  // V8's flags as they were at the start: anything else would make every code cache written from now on unfit for
  // the next start (which would compile afresh and rewrite it, every time).
  if (cachedDataVersionTag() !== tag) process.emitWarning("FK Guard: V8's flags differ from the start's after the first index; code caches may not fit the next start");
  for (const f of waiting) f();
}

/** Calls `f` once V8's own flags are in force: now, or when they are set back. */
export function whenRestored(f: () => void): void {
  if (raised) raised.waiting.push(f);
  else f();
}

/** Whether the first index's flags are in force now. */
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
