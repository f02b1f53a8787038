import { Finding } from '../types';
import { RefCheck } from './resolve';

/**
 * `unresolved-reference`: a reference built from a constant or an f-string whose value FK Guard cannot
 * read (`ForeignKey(f"{PREFIX}users.id")` with `PREFIX` from settings). It is not checked, and this note
 * says so, so that silence is never mistaken for a pass. A malformed target (`"users"` without a column)
 * is reported here too.
 */
export function unresolvedReference(c: RefCheck): Finding | undefined {
  const r = c.resolution;
  if (r.kind === 'malformed') {
    return {
      rule: 'unresolved-reference',
      severity: 'warning',
      message: `\`${r.text}\` is not of the form \`table.column\` or \`schema.table.column\``,
      file: c.facts.file,
      range: c.range,
      reference: c.display,
      related: [],
      fixes: [],
    };
  }
  if (r.kind !== 'unresolved') return undefined;
  const why = r.missing ? `\`${r.missing}\` is not a constant FK Guard can read` : 'its value is computed at run time';
  return {
    rule: 'unresolved-reference',
    severity: 'info',
    message: `FK Guard cannot resolve \`${c.display}\`: ${why}; this reference is not checked`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related: [],
    fixes: [],
  };
}
