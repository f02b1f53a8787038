import { Finding } from '../types';
import { RefCheck, sourceMetadata, tableLocation } from './resolve';

/**
 * `cross-metadata`: the reference points from a table of one declarative base (or `MetaData`) to a table
 * of another. The table exists, yet SQLAlchemy raises `NoReferencedTableError` at run time, because a
 * string foreign key resolves only within its own metadata. Reported only where both bases are known.
 */
export function crossMetadata(c: RefCheck): Finding | undefined {
  const r = c.resolution;
  if (r.kind !== 'ok' || c.ref.form !== 'string' || c.ref.context === 'migration') return undefined;
  // Models a migration declares are query helpers: SQLAlchemy resolves their keys only if a table is created
  // or a relationship joins, which a data migration does not do.
  if (c.facts.migration) return undefined;
  const target = r.def.metadataId;
  if (!target) return undefined;
  const source = sourceMetadata(c.index, c.facts.file, c.ref);
  if (!source || source === target) return undefined;
  // Another definition of the target in the reference's own metadata makes the reference fine.
  if (r.defs.some((d) => d.metadataId === source)) return undefined;
  const label = (id: string) => {
    if (id === 'sqlmodel') return '`SQLModel.metadata`';
    // `file#Base@2`: the second object a module bound to `Base` (see `ClassMapper.rootId`).
    const [file, key] = id.split('#');
    const again = /^(.*)@(\d+)$/.exec(key);
    return again ? `\`${again[1]}\` as bound the ${ordinal(Number(again[2]))} time (${file})` : `\`${key}\` (${file})`;
  };
  const loc = tableLocation(c.index, r.def);
  return {
    rule: 'cross-metadata',
    severity: 'info',
    message: `\`${r.def.key}\` belongs to the metadata of ${label(target)}, but this table belongs to ${label(source)}: a string foreign key is looked up in its own metadata only, so SQLAlchemy raises NoReferencedTableError when it resolves this key (create_all, CREATE TABLE, a relationship's join)`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related: loc ? [loc] : [],
    fixes: [],
  };
}

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}
