import { renameReferenceEdit } from '../fixes';
import { isClearWinner, suggestNames } from '../suggest';
import { Finding, Fix, RelatedLocation } from '../types';
import { tableKey } from '../tables';
import { columnLocation, fixTarget, RefCheck, tableLocation, where, writtenSchema } from './resolve';
import { typeMismatchFor } from './type-mismatch';

/**
 * `unknown-column`: the table exists but has no such column (`ForeignKey("users.uid")`). The database
 * refuses the constraint (`column "uid" referenced in foreign key constraint does not exist`). Suggests
 * the closest column of the table, its primary key first when nothing is close.
 */
export function unknownColumn(c: RefCheck): Finding | undefined {
  const r = c.resolution;
  if (r.kind !== 'no-column') return undefined;
  const def = r.defs[0];
  // A column SQLAlchemy knows by a key (`Column("shed_no", key="number")`) is offered under that key.
  const keyOf = (d: (typeof r.defs)[number]) => [...d.columns.values()].flatMap((col) => (col.column.key !== undefined ? [col.column.key] : []));
  const names = [...new Set(r.defs.flatMap((d) => [...d.columns.keys(), ...d.attrs.keys(), ...keyOf(d)]))];
  // Only columns a fix could point at are suggested: a proven key whose type agrees with the FK column's
  // or can be made to (the fix then writes the type too).
  const usable = (name: string) => {
    const byAttr = c.ref.form === 'attribute';
    // A Python string key names the database column: an attribute name (`_code` for the column `code`) is never it.
    // Nor is one in SQL (a TypeORM relation's property, `owner`, for its join column `ownerCode`).
    const byName = byAttr || c.facts.language === 'python' || c.facts.language === 'sql' ? undefined : fixTarget(c, def.schema, def.name, name, true);
    const target = fixTarget(c, def.schema, def.name, name, byAttr) ?? byName;
    if (!target) return undefined;
    // A column the project's naming names (a TypeORM naming strategy, a Drizzle casing not known) has no database
    // name FK Guard knows: a fix that writes one would be a guess.
    if (!byAttr && target.def.namingStrategy !== undefined && target.column.column.derivedName) return undefined;
    const typeFix = typeMismatchFor(c, target.def, target.column);
    return typeFix && typeFix.edits.length === 0 ? undefined : { typeFix };
  };
  // TypeORM's `referencedColumnName` names a property: a database name that is no property's is not found, and the
  // property whose column it is comes first.
  const named = c.ref.byProperty ? [...def.attrs].find(([, col]) => col.column.name === r.column && col.column.attr !== undefined && col.column.attr !== r.column) : undefined;
  const namedUse = named ? usable(named[0]) : undefined;
  let suggestions = named && namedUse ? [{ value: named[0], score: 100, ...namedUse }] : suggestNames(r.column, names).flatMap((s) => {
    const u = usable(s.value);
    return u ? [{ ...s, ...u }] : [];
  });
  // A string key that names an attribute (`"squad.code"` where `code` is the attribute of the column `squad_code`):
  // the column it stands for comes first, whatever the spelling distance.
  const attr = c.ref.form === 'attribute' ? undefined : def.attrs.get(r.column);
  const attrColumn = attr && attr.column.name !== r.column ? attr.column.name : undefined;
  if (attrColumn !== undefined) {
    const u = usable(attrColumn);
    if (u) suggestions = [{ value: attrColumn, score: -1, ...u }, ...suggestions.filter((s) => s.value !== attrColumn)];
  }
  if (suggestions.length === 0) {
    const pk = [...def.columns.values()].filter((col) => col.column.primaryKey);
    // With `link_to_name=True` the string names the column, not its key.
    const pkName = pk.length === 1 ? (c.ref.linkToName ? pk[0].column.name : (pk[0].column.key ?? pk[0].column.name)) : undefined;
    const u = pkName !== undefined ? usable(pkName) : undefined;
    if (u && pkName !== undefined) suggestions = [{ value: pkName, score: 10, ...u }];
  }
  const related: RelatedLocation[] = [];
  const fixes: Fix[] = [];
  const clear = isClearWinner(suggestions);
  let hint = '';
  for (const [i, s] of suggestions.entries()) {
    const col = def.columns.get(s.value) ?? def.attrs.get(s.value) ?? [...def.columns.values()].find((x) => x.column.key === s.value);
    const loc = col ? columnLocation(c.index, def, col) : undefined;
    if (loc) related.push(loc);
    if (i === 0 && s.value === attrColumn) hint = `; did you mean \`${s.value}\`${loc ? ` (${where(loc.file, loc.range)})` : ''}, the column of the attribute \`${r.column}\`?`;
    else if (i === 0) hint = `; did you mean \`${s.value}\`${loc ? ` (${where(loc.file, loc.range)})` : ''}?`;
    // Written as the reference writes it: unqualified where its metadata's schema is the table's.
    const schema = writtenSchema(c, def.schema);
    const renamed = renameReferenceEdit(c.facts, c.ref, { schema, table: def.name, column: s.value });
    if (!renamed) continue;
    const shown = tableKey(def.name, schema);
    if (s.typeFix) {
      fixes.push({
        title: `Change to \`${shown}.${s.value}\` and the column type to \`${s.typeFix.written}\``,
        isPreferred: i === 0 && clear,
        edits: [renamed, ...s.typeFix.edits],
      });
    } else fixes.push({ title: `Change to \`${shown}.${s.value}\``, isPreferred: i === 0 && clear, edits: [renamed] });
  }
  if (related.length === 0) {
    const loc = tableLocation(c.index, def);
    if (loc) related.push(loc);
  }
  const prisma = c.facts.language === 'prisma';
  const what = named
    ? prisma
      ? `\`${c.ref.owner}\` (\`${def.key}\`) has no field \`${r.column}\`: it is the column of \`${named[0]}\` (\`@map\`), and \`references\` names fields`
      : `\`${c.ref.owner}\` (\`${def.key}\`) has no property \`${r.column}\`: it is the column of \`${named[0]}\`, and TypeORM's \`referencedColumnName\` names a property`
    : `\`${def.key}\` has no column \`${r.column}\``;
  return {
    rule: 'unknown-column',
    severity: 'error',
    message: `${what}${hint}`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related,
    fixes,
  };
}
