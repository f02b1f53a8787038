// What the oracles report: cases (each a place where FK Guard and the real library disagree, named so that the same
// generated input always gives the same name) and counts (figures that say how much was judged, printed but never
// judged themselves).
import { readFileSync } from 'node:fs';

export class Case {
  /**
   * `oracle` is `sqlalchemy` or `typescript`; `workspace` names the generated workspace (`s11/w017`); `kind` what
   * disagrees (`false-error`, `missed-error`, `bad-fix`, ...); `at` where (`app/models_a.py:23`), or ''.
   */
  constructor(
    readonly oracle: string,
    readonly workspace: string,
    readonly kind: string,
    readonly at: string,
    readonly detail: string,
  ) {}

  /** The name the allow-list uses. */
  get id(): string {
    return [this.oracle, this.workspace, this.kind, this.at].filter(Boolean).join(' ');
  }
}

export class Tally {
  readonly cases: Case[] = [];
  readonly counts = new Map<string, number>();

  add(c: Case): void {
    this.cases.push(c);
  }

  count(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }
}

/**
 * A known, open finding: its number in the reviewers' lists (R9-12, ...; O10-1 for the oracle's own), why it is still open, and the exact cases
 * it accounts for. A case it lists that no longer occurs fails the run as much as a new case does, so the list is
 * shortened as soon as a fix lands and never hides a new finding of the same kind.
 */
export interface Allowed {
  finding: string;
  reason: string;
  cases: string[];
}

export function readAllowed(path: string): Allowed[] {
  const list = JSON.parse(readFileSync(path, 'utf8')) as Allowed[];
  for (const a of list) {
    if (!/^[A-Z]+\d+-\d+$/.test(a.finding) || !a.reason || !Array.isArray(a.cases) || a.cases.length === 0) {
      throw new Error(`${path}: every entry needs a finding number (R9-12), a reason and its cases: ${JSON.stringify(a).slice(0, 200)}`);
    }
  }
  return list;
}

export interface Verdict {
  /** Cases no allow-list entry accounts for. */
  unexpected: Case[];
  /** Cases an entry accounts for, with the entry. */
  allowed: Array<[Case, Allowed]>;
  /** Allow-listed cases that did not occur. */
  gone: Array<[string, Allowed]>;
}

export function judge(cases: readonly Case[], allowed: readonly Allowed[], oracles: readonly string[]): Verdict {
  const byId = new Map<string, Allowed>();
  for (const a of allowed) for (const id of a.cases) byId.set(id, a);
  const verdict: Verdict = { unexpected: [], allowed: [], gone: [] };
  const occurred = new Set<string>();
  for (const c of cases) {
    const a = byId.get(c.id);
    occurred.add(c.id);
    if (a) verdict.allowed.push([c, a]);
    else verdict.unexpected.push(c);
  }
  for (const [id, a] of byId) {
    if (!occurred.has(id) && oracles.includes(id.split(' ')[0])) verdict.gone.push([id, a]);
  }
  return verdict;
}
