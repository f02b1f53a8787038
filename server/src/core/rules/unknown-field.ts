import { classNamed } from '../classPlaces';
import { isClearWinner, suggestNames } from '../suggest';
import { rangeOf } from '../text';
import { ColumnFact, Finding, Fix, RelatedLocation } from '../types';
import { RefCheck, where } from './resolve';
import { typeMismatchFor } from './type-mismatch';

/**
 * `unknown-column` on a Prisma relation's own side: `@relation(fields: [hive_tag], references: [tag])` where
 * `hive_tag` is no field of the model (the `@map` column of `hiveTag`, or a misspelt field). Prisma finds `fields`
 * by field name only, as it does `references` (R14-7), and its validator refuses the schema ("The argument fields
 * must refer only to existing fields"). The fix names the field whose column it is, else the closest field, and only
 * where the relation then passes: its target resolves and that field's type is the key's (Prisma refuses a relation
 * between fields of two types).
 */
export function unknownField(c: RefCheck): Finding | undefined {
  const unknown = c.ref.source.unknownField;
  if (!unknown || c.facts.language !== 'prisma' || c.ref.source.className === undefined) return undefined;
  const model = c.ref.source.className;
  const fields = (classNamed(c.facts.classes, model)?.columns ?? []).filter((col): col is ColumnFact & { attr: string } => col.attr !== undefined);
  const mapped = fields.find((col) => col.name === unknown.name && col.attr !== unknown.name);
  const candidates = mapped ? [{ value: mapped.attr, score: 0 }] : suggestNames(unknown.name, fields.map((f) => f.attr));
  const r = c.resolution;
  const passes = (field: string) =>
    r.kind === 'ok' && !r.ambiguous && typeMismatchFor({ ...c, ref: { ...c.ref, source: { className: model, column: field } } }, r.def, r.column) === undefined;
  const related: RelatedLocation[] = [];
  const fixes: Fix[] = [];
  const clear = isClearWinner(candidates);
  let hint = '';
  for (const [i, s] of candidates.entries()) {
    const field = fields.find((f) => f.attr === s.value)!;
    const loc = { file: c.facts.file, range: rangeOf(c.facts.lineStarts, field.span), message: `\`${model}.${field.attr}\`${field.type ? ` (${field.type.text})` : ''} is defined here` };
    related.push(loc);
    const ok = passes(field.attr);
    if (i === 0) hint = `; did you mean \`${s.value}\` (${where(loc.file, loc.range)})?`;
    // The field whose column it is, of another type than the key: naming it, Prisma would refuse the relation's types.
    if (i === 0 && !ok && r.kind === 'ok' && field.type && r.column.type && field.type.name !== r.column.type.name) {
      hint += ` It is \`${field.type.text}\` and \`${r.def.key}.${r.column.column.name}\` is \`${r.column.type.text}\`, which Prisma refuses too: no fix is offered`;
    }
    if (!ok) continue;
    fixes.push({
      title: `Change to \`${field.attr}\``,
      isPreferred: i === 0 && clear,
      edits: [{ file: c.facts.file, range: rangeOf(c.facts.lineStarts, unknown.span), newText: field.attr }],
    });
  }
  const what = mapped
    ? `\`${model}\` has no field \`${unknown.name}\`: it is the column of \`${mapped.attr}\` (\`@map\`), and \`fields\` names fields`
    : `\`${model}\` has no field \`${unknown.name}\`, which Prisma requires of each name in \`fields\``;
  return {
    rule: 'unknown-column',
    severity: 'error',
    message: `${what}${hint}`,
    file: c.facts.file,
    range: rangeOf(c.facts.lineStarts, unknown.span),
    reference: c.display,
    related,
    fixes,
  };
}
