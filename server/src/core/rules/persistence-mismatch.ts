import { tableKey, type TableDef } from '../tables';
import { Finding, Persistence } from '../types';
import { columnLocation, RefCheck } from './resolve';

/** How PostgreSQL keeps a table: permanent, unlogged or temporary. */
type Kept = 'permanent' | Persistence;

const KEPT_AS: Record<Kept, string> = { permanent: 'a permanent table', unlogged: 'an UNLOGGED table', temporary: 'a TEMPORARY table' };

/** PostgreSQL's own words for each refusal, by the persistence of the table that holds the foreign key. */
const RULE: Record<Kept, string> = {
  permanent: 'constraints on permanent tables may reference only permanent tables',
  unlogged: 'constraints on unlogged tables may reference only permanent or unlogged tables',
  temporary: 'constraints on temporary tables may reference only temporary tables',
};

/**
 * `persistence-mismatch`: PostgreSQL makes a foreign key only between tables kept alike enough: a permanent table's
 * key may reference only permanent tables, an UNLOGGED table's only permanent or unlogged ones, a TEMPORARY table's
 * only temporary ones. Judged where SQL DDL makes both tables (`CREATE [UNLOGGED|TEMP] TABLE`, with `ALTER TABLE ...
 * SET LOGGED|UNLOGGED` in a history), so that how each is kept is known; a table an ORM makes, which options FK Guard
 * does not read may make temporary, is not judged. No fix: which of the two tables should change is the author's call.
 */
export function persistenceMismatch(c: RefCheck): Finding | undefined {
  if (c.config.dialect !== 'postgresql') return undefined;
  const r = c.resolution;
  if (r.kind !== 'ok' || r.ambiguous) return undefined;
  const to = keptAs(c, r.def);
  const source = sourceTable(c);
  const from = source && keptAs(c, source);
  if (!to || !from || allows(from, to)) return undefined;
  const loc = columnLocation(c.index, r.def, r.column);
  return {
    rule: 'persistence-mismatch',
    severity: 'error',
    message: `\`${r.def.key}\` is ${KEPT_AS[to]} and \`${source!.key}\` ${KEPT_AS[from]}: PostgreSQL refuses this foreign key (${RULE[from]})`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related: loc ? [loc] : [],
    fixes: [],
  };
}

function allows(from: Kept, to: Kept): boolean {
  if (from === 'temporary') return to === 'temporary';
  return from === 'unlogged' ? to !== 'temporary' : to === 'permanent';
}

/** How a table SQL DDL made is kept; undefined for any other table (an ORM's, a pulled one, an external one). */
function keptAs(c: RefCheck, def: TableDef): Kept | undefined {
  if (def.origin === 'external' || c.index.facts(def.file)?.language !== 'sql') return undefined;
  return def.persistence ?? 'permanent';
}

/**
 * The table that holds the foreign key, as it stands where the reference is made: in a migration, history's version
 * at the reference's point; elsewhere, the SQL file's own table. Undefined when that is not one table FK Guard knows.
 */
function sourceTable(c: RefCheck): TableDef | undefined {
  if (c.facts.language !== 'sql') return undefined;
  const name = c.index.resolveName(c.facts.file, c.ref.source.table);
  if (!name) return undefined;
  const migration = c.ref.context === 'migration';
  const at = migration && c.ref.migrationOp !== undefined ? { file: c.facts.file, op: c.ref.migrationOp } : undefined;
  const defs = c.index.definitions(tableKey(name, c.ref.source.schema), at).filter((d) => (migration ? d.origin === 'migration' : d.file === c.facts.file));
  return defs.length > 0 && defs.every((d) => d.persistence === defs[0].persistence) ? defs[0] : undefined;
}
