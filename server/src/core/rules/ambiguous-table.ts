import { Finding, RelatedLocation } from '../types';
import { RefCheck, tableLocation, unseenDefinition } from './resolve';

/**
 * `ambiguous-table`: two definitions of the referenced table (two models, or a model and a Core table)
 * disagree about the referenced column: one lacks it, or their types differ. Which one the database has
 * depends on which code created it, so the reference is not checked further (it counts as unchecked) and
 * this warns. Only definitions that decide for the reference compete: one in the reference's own metadata
 * (or, without one, its own package) settles the question, as SQLAlchemy does. Migrations are a history,
 * and fallback tables (`except ImportError:`) the same table, not second definitions.
 */
export function ambiguousTable(c: RefCheck): Finding | undefined {
  const r = c.resolution;
  if (r.kind !== 'ok' || !r.ambiguous) return undefined;
  // A definition whose columns FK Guard cannot see proves no disagreement (see `unseenDefinition`).
  if (unseenDefinition(r)) return undefined;
  const defs = r.defs.filter((d) => d.origin === 'model' || d.origin === 'core');
  if (defs.length < 2) return undefined;
  const name = r.column.column.name;
  const describe = (d: (typeof defs)[number]) => {
    const col = d.columns.get(name);
    return col ? (col.type?.sqlType || col.column.type?.text || 'untyped') : d.incomplete ? 'not known' : 'missing';
  };
  const seen = new Set(defs.map(describe));
  if (seen.size < 2) return undefined;
  const related: RelatedLocation[] = [];
  for (const d of defs) {
    const loc = tableLocation(c.index, d);
    if (loc) related.push({ ...loc, message: `\`${d.key}\` defined here${d.className ? ` by \`${d.className}\`` : ''}: \`${name}\` is ${describe(d)}` });
  }
  return {
    rule: 'ambiguous-table',
    severity: 'warning',
    message: `\`${r.def.key}\` is defined ${defs.length} times and the definitions disagree on \`${name}\` (${[...seen].join(' vs ')})`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related,
    fixes: [],
  };
}
