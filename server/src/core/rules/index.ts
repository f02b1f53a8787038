import type { FkGuardConfig } from '../config';
import { demoteHistoryFixes } from '../history';
import { SchemaIndex } from '../schemaIndex';
import { FileFacts, Finding, ReferenceFact, UncheckedReference } from '../types';
import { ambiguousTable } from './ambiguous-table';
import { crossMetadata } from './cross-metadata';
import { notUniqueTarget } from './not-unique-target';
import { persistenceMismatch } from './persistence-mismatch';
import { declaredAttrNotes } from './declared-attr-note';
import { parseErrors } from './parse-error';
import { applySuppressions, externalTableFix } from '../suppress';
import { RefCheck, rangeOfRef, Resolution, resolveReference, uncheckedOf } from './resolve';
import { typeMismatch } from './type-mismatch';
import { unknownColumn } from './unknown-column';
import { unknownField } from './unknown-field';
import { unknownTable } from './unknown-table';
import { unresolvedReference } from './unresolved-reference';

const RULES: Array<(c: RefCheck) => Finding | undefined> = [
  unknownTable,
  unknownColumn,
  unknownField,
  typeMismatch,
  notUniqueTarget,
  persistenceMismatch,
  ambiguousTable,
  crossMetadata,
  unresolvedReference,
];

/**
 * What checking one reference gave: what it resolved to, its findings (severity set, history fixes demoted),
 * its unchecked entry and the tables "did you mean" offered it.
 */
export interface ReferenceResult {
  display: string;
  resolution: Resolution;
  findings: Finding[];
  unchecked?: UncheckedReference;
  suggested: string[];
  /** What the check read from other files' references (see `RefCheck.watched`): such a result is never reused. */
  watched?: string[];
}

/**
 * Lets a caller keep each reference's result and hand back those it knows are still right (see `Engine`);
 * `i` is the reference's place in the file's list.
 */
export interface ReferenceResults {
  reuse(ref: ReferenceFact, i: number): ReferenceResult | undefined;
  keep(ref: ReferenceFact, result: ReferenceResult, i: number): void;
}

/**
 * Every finding of one file: each reference is resolved once, then every rule looks at the result.
 * `suggested` collects the names of the tables "did you mean" offered, which the file's findings then
 * depend on although it does not reference them. `unchecked` collects the references that could not be
 * checked with certainty, with the reason (see `uncheckedOf`). `resolved` collects what each reference
 * resolved to, for navigation. `results`, when given, keeps each reference's result and may supply one
 * instead of checking the reference again; a reused result's place in `resolved` is left undefined. `resolved`
 * is filled by place: the entry of the reference at place `i` of the file's list goes to `resolved[i]`.
 * `watched` collects what the checks read from other files' references (see `RefCheck.watched`).
 */
export function checkFile(
  facts: FileFacts,
  index: SchemaIndex,
  config: FkGuardConfig,
  suggested: Set<string> = new Set(),
  unchecked: UncheckedReference[] = [],
  resolved?: Array<{ ref: ReferenceFact; display: string; resolution: Resolution } | undefined>,
  results?: ReferenceResults,
  watched?: Set<string>,
): Finding[] {
  // The rules judge by the database the file's package runs on, when the configuration does not name one.
  const dialect = index.dialectOf(facts.file);
  if (dialect !== config.dialect) config = { ...config, dialect };
  const out: Finding[] = [];
  const said = new Set<string>();
  const say = (f: Finding) => {
    // Two constraints on one column (an inline `REFERENCES` and a table `FOREIGN KEY` to the same key) give
    // the same finding at the same place: it is said once.
    const key = `${f.rule}|${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}|${f.message}`;
    if (said.has(key)) return;
    said.add(key);
    out.push(f);
  };
  /** A finding as the configuration wants it, or undefined when its rule is off. */
  const configured = (f: Finding): Finding | undefined => {
    const override = config.rules[f.rule];
    if (override === 'off') return undefined;
    if (override) f.severity = override;
    demoteHistoryFixes(f, (file) => index.facts(file)?.migration !== undefined);
    return f;
  };
  const add = (f: Finding) => {
    const g = configured(f);
    if (g) say(g);
  };
  for (const f of parseErrors(facts, index)) add(f);
  for (let i = 0; i < facts.references.length; i++) {
    const ref = facts.references[i];
    const reused = results?.reuse(ref, i);
    let result = reused;
    if (!result) {
      const { display, resolution } = resolveReference(facts, ref, index);
      const own = new Set<string>();
      const check: RefCheck = { facts, ref, index, config, display, range: rangeOfRef(facts, ref), resolution, suggested: own };
      const findings: Finding[] = [];
      for (const rule of RULES) {
        const f = rule(check);
        if (!f) continue;
        const external = f.rule === 'unknown-table' && resolution.kind === 'no-table' ? externalTableFix(config, resolution.schema ? `${resolution.schema}.${resolution.table}` : resolution.table) : undefined;
        const g = configured(external ? { ...f, fixes: [...f.fixes, external] } : f);
        if (g) findings.push(g);
      }
      const u = uncheckedOf(check);
      const entry = u ? { file: facts.file, range: check.range, reference: display || undefined, reason: u.reason, detail: u.detail } : undefined;
      result = { display, resolution, findings, unchecked: entry, suggested: [...own], watched: check.watched };
      results?.keep(ref, result, i);
    }
    // Navigation reads what each reference resolved to from here: one resolution serves both. A result handed
    // back by `results.reuse` has its entry with the caller already (undefined here). By place, so that a list
    // made to size is not grown (see `Engine.findings`).
    if (resolved) resolved[i] = reused ? undefined : { ref, display: result.display, resolution: result.resolution };
    // Loops by index: this runs for each of ~920 references of a 2,000-line model file on every keystroke.
    const findings = result.findings;
    for (let k = 0; k < findings.length; k++) say(findings[k]);
    if (result.unchecked) unchecked.push(result.unchecked);
    if (result.watched && watched) for (const w of result.watched) watched.add(w);
    const offered = result.suggested;
    for (let k = 0; k < offered.length; k++) suggested.add(offered[k]);
  }
  for (const f of declaredAttrNotes(facts, index, config)) add(f);
  return applySuppressions(facts, out, config).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
