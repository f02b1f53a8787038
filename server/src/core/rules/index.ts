import type { FkGuardConfig } from '../config';
import { demoteHistoryFixes } from '../history';
import { SchemaIndex } from '../schemaIndex';
import { FileFacts, Finding, ReferenceFact, UncheckedReference } from '../types';
import { ambiguousTable } from './ambiguous-table';
import { crossMetadata } from './cross-metadata';
import { notUniqueTarget } from './not-unique-target';
import { declaredAttrNotes } from './declared-attr-note';
import { parseErrors } from './parse-error';
import { applySuppressions, externalTableFix } from '../suppress';
import { RefCheck, rangeOfRef, Resolution, resolveReference, uncheckedOf } from './resolve';
import { typeMismatch } from './type-mismatch';
import { unknownColumn } from './unknown-column';
import { unknownTable } from './unknown-table';
import { unresolvedReference } from './unresolved-reference';

const RULES: Array<(c: RefCheck) => Finding | undefined> = [
  unknownTable,
  unknownColumn,
  typeMismatch,
  notUniqueTarget,
  ambiguousTable,
  crossMetadata,
  unresolvedReference,
];

/**
 * Every finding of one file: each reference is resolved once, then every rule looks at the result.
 * `suggested` collects the names of the tables "did you mean" offered, which the file's findings then
 * depend on although it does not reference them. `unchecked` collects the references that could not be
 * checked with certainty, with the reason (see `uncheckedOf`). `resolved` collects what each reference
 * resolved to, for navigation.
 */
export function checkFile(
  facts: FileFacts,
  index: SchemaIndex,
  config: FkGuardConfig,
  suggested: Set<string> = new Set(),
  unchecked: UncheckedReference[] = [],
  resolved?: Array<{ ref: ReferenceFact; display: string; resolution: Resolution }>,
): Finding[] {
  // The rules judge by the database the project runs on, when the configuration does not name one.
  const dialect = index.dialect();
  if (dialect !== config.dialect) config = { ...config, dialect };
  const out: Finding[] = [];
  const said = new Set<string>();
  const add = (f: Finding) => {
    const override = config.rules[f.rule];
    if (override === 'off') return;
    // Two constraints on one column (an inline `REFERENCES` and a table `FOREIGN KEY` to the same key) give
    // the same finding at the same place: it is said once.
    const key = `${f.rule}|${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}|${f.message}`;
    if (said.has(key)) return;
    said.add(key);
    if (override) f.severity = override;
    demoteHistoryFixes(f, (file) => index.facts(file)?.migration !== undefined);
    out.push(f);
  };
  for (const f of parseErrors(facts)) add(f);
  for (const ref of facts.references) {
    const { display, resolution } = resolveReference(facts, ref, index);
    // Navigation reads what each reference resolved to from here: one resolution serves both.
    resolved?.push({ ref, display, resolution });
    const check: RefCheck = { facts, ref, index, config, display, range: rangeOfRef(facts, ref), resolution, suggested };
    for (const rule of RULES) {
      const f = rule(check);
      if (!f) continue;
      const external = f.rule === 'unknown-table' && resolution.kind === 'no-table' ? externalTableFix(config, resolution.schema ? `${resolution.schema}.${resolution.table}` : resolution.table) : undefined;
      add(external ? { ...f, fixes: [...f.fixes, external] } : f);
    }
    const u = uncheckedOf(check);
    if (u) unchecked.push({ file: facts.file, range: check.range, reference: display || undefined, reason: u.reason, detail: u.detail });
  }
  for (const f of declaredAttrNotes(facts, index, config)) add(f);
  return applySuppressions(facts, out, config).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
