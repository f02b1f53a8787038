import type { FkGuardConfig } from '../config';
import type { IndexedColumn, TableDef } from '../tables';
import { ColumnFact, Finding } from '../types';
import { columnLocation, keyMaybeFromAlias, RefCheck } from './resolve';

const REFUSAL: Record<FkGuardConfig['dialect'], string> = {
  postgresql: 'the database refuses a foreign key to it',
  mysql: 'MySQL accepts it only with an index, and the key may match several rows',
  sqlite: 'SQLite refuses to write rows this foreign key covers ("foreign key mismatch")',
};

/**
 * `not-unique-target`: the referenced column is neither a primary key nor unique (alone, or as the whole
 * composite key a `ForeignKeyConstraint` targets). PostgreSQL refuses the constraint ("there is no unique
 * constraint matching given keys for referenced table"); MySQL accepts an indexed column, so it warns there;
 * SQLite takes the constraint and refuses the rows it covers ("foreign key mismatch").
 */
/**
 * A table with no primary key that FK Guard knows whole (R13-7): a Prisma model, or a `CREATE TABLE` of a SQL schema
 * file (a dump, a pulled database) whose every statement FK Guard read. Prisma's `VerificationToken` (two unique
 * indexes, no primary key) is such a table: a key to one column of its composite unique index is refused, and so is
 * any key to a table with no unique key at all. A table from migrations stays unjudged.
 */
function wholeWithoutPrimaryKey(c: RefCheck, def: TableDef): boolean {
  if (def.incomplete || def.unparsed) return false;
  const facts = c.index.facts(def.file);
  if (!facts || facts.errors.length > 0) return false;
  return facts.language === 'prisma' || (facts.language === 'sql' && def.origin === 'core');
}

/**
 * Whether the referenced column is not proven a key only because the table shows no primary key and FK Guard does
 * not know it whole (a table migrations make, a reflected or partial definition): `not-unique-target` is then not
 * said, and the reference is counted unchecked rather than checked (R14-13).
 */
export function keysNotSeen(c: RefCheck, def: TableDef, column: IndexedColumn): boolean {
  if (def.origin === 'external' || def.incomplete || c.ref.composite) return false;
  const col = column.column;
  if (col.unique || col.primaryKey || col.deferrableKey) return false;
  if (def.keys.some((k) => k.length === 1 && k[0] === col.name)) return false;
  if (keyMaybeFromAlias(column)) return false;
  if (def.columns.factsWhere((x) => x.primaryKey).length > 0) return false;
  return !def.primaryKeyDropped && !wholeWithoutPrimaryKey(c, def);
}

const isPrimaryKey = (column: ColumnFact) => column.primaryKey;

export function notUniqueTarget(c: RefCheck): Finding | undefined {
  const r = c.resolution;
  if (r.kind !== 'ok' || r.ambiguous || r.def.origin === 'external' || r.def.incomplete) return undefined;
  const def = r.def;
  const col = r.column.column;
  // Most references name a unique column, or the one column of a table's primary key: nothing else is looked at then.
  if (!c.ref.composite && (col.unique || (col.primaryKey && !col.deferrableKey && def.columns.factsWhere(isPrimaryKey).length === 1))) return undefined;
  const pk = def.columns.factsWhere(isPrimaryKey).map((x) => x.name);
  const keys = [...def.keys.map((k) => [...k].sort().join(',')), [...pk].sort().join(',')];
  // A Drizzle composite names the target's properties (`labels.ownerId`), as TypeORM's join columns do
  // (`referencedColumnName`); the key is made of their columns.
  const composite = c.ref.composite?.map((n) => (c.ref.form === 'variable' || c.ref.byProperty ? def.attrs.get(n)?.column.name : undefined) ?? n);
  if (composite) {
    const wanted = [...composite].sort().join(',');
    if (keys.includes(wanted)) return undefined;
    if (composite.length > 1 && composite.every((n) => def.columns.get(n)?.column.unique)) return undefined;
    // A composite key whose parts are not all known is left alone: the constraint may be declared elsewhere.
    if (!composite.every((n) => def.columns.has(n))) return undefined;
  } else if (col.deferrableKey && !col.unique && !keys.includes(col.name) && c.config.dialect === 'postgresql') {
    const loc = columnLocation(c.index, def, r.column);
    return {
      rule: 'not-unique-target',
      severity: 'error',
      message: `\`${col.name}\` of \`${def.key}\` is ${col.primaryKey ? 'the primary key' : 'unique'} only through a DEFERRABLE constraint; PostgreSQL refuses it as a foreign key's target`,
      file: c.facts.file,
      range: c.range,
      reference: c.display,
      related: loc ? [loc] : [],
      fixes: [],
    };
  } else {
    if (col.unique || (col.primaryKey && pk.length === 1) || keys.includes(col.name)) return undefined;
    // `Mapped[X]` with an X FK Guard cannot read may be an alias that makes the column a key.
    if (keyMaybeFromAlias(r.column)) return undefined;
    // No primary key at all means the table is not fully known (a reflected or partial definition), unless a
    // migration FK Guard read dropped it (O11-1), or the table is written whole where FK Guard read every statement
    // (see `wholeWithoutPrimaryKey`): then the table is known to have none.
    if (pk.length === 0 && !def.primaryKeyDropped && !wholeWithoutPrimaryKey(c, def)) return undefined;
  }
  // A composite constraint is one reference per column pair: it is reported once, on its first pair.
  if (composite && composite[0] !== col.name) return undefined;
  const what = composite ? `(${composite.join(', ')})` : `\`${col.name}\``;
  const loc = columnLocation(c.index, def, r.column);
  const partOf = !composite && col.primaryKey ? `, only part of the composite primary key (${pk.join(', ')})` : '';
  return {
    rule: 'not-unique-target',
    severity: c.config.dialect === 'mysql' ? 'warning' : 'error',
    message: `${what} of \`${def.key}\` is neither a primary key nor unique${partOf}; ${REFUSAL[c.config.dialect]}`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related: loc ? [loc] : [],
    fixes: [],
  };
}
