import { typeFixEdits } from '../fixes';
import type { IndexedColumn, TableDef } from '../tables';
import { rangeOf } from '../text';
import { compareFamilies, compareTypes, mysqlReading, mysqlServerDependent, Verdict } from '../typeFamilies';
import { Finding, ReferenceFact, TextEdit, TypeFact } from '../types';
import { columnLocation, RefCheck, rangeOfRef, resolveReference, checkSource, SourceColumn, sourceColumn, targetPassesRules } from './resolve';

const DIALECT_NAMES = { postgresql: 'PostgreSQL', mysql: 'MySQL', sqlite: 'SQLite' } as const;

/** How the FK column's type compares with the referenced column's, and the edits that make them agree. */
export interface TypeComparison {
  verdict: Exclude<Verdict, 'same'>;
  source: SourceColumn & { type: TypeFact };
  target: IndexedColumn & { type: TypeFact };
  edits: TextEdit[];
  written?: string;
  /** `prisma`: Prisma's own validator refuses the relation, before any database sees it (see `prismaRefuses`). */
  judge?: 'prisma';
  /** The key is a lone `Numeric`/`Float` primary key SQLAlchemy makes `SERIAL` on PostgreSQL (see `serialKey`). */
  serial?: true;
  /** MySQL refuses it because one side is a TEXT or BLOB column (see `mysqlBlob`). */
  blob?: true;
}

/**
 * Compares types the way the database will. Both written explicitly: by their SQL spelling, so
 * `String(36)` → `String(255)` is a difference. Either known only from an annotation (`Mapped[int]`): by
 * family, since the width is not written. A FK column with no type takes the target's and never differs.
 */
export function typeMismatchFor(c: RefCheck, def: TableDef, key: IndexedColumn, sourceType?: TypeFact): TypeComparison | undefined {
  // `sourceType`: the FK column as a fix elsewhere would leave it (see `keysBrokenByRetype`).
  const checked = checkSource(c);
  const found = checked && sourceType ? { ...checked, type: sourceType } : checked;
  const serial = serialKey(c, def, key);
  const keyed = serial ?? key;
  if (!found?.type || !keyed.type) return undefined;
  const mysql = mysqlSql(c, found.type, keyed.type);
  const source = mysql ? { ...found, type: { ...found.type, sqlType: mysql.source } } : { ...found, type: found.type };
  const target = mysql ? { ...keyed, type: { ...keyed.type, sqlType: mysql.target } } : { ...keyed, type: keyed.type };
  const prisma = prismaRefuses(source.type, target.type);
  if (!prisma && (source.type.family === 'other' || target.type.family === 'other' || source.type.family === 'enum')) return undefined;
  // A width FK Guard cannot read (`String(length=sizes.UUID_LEN)`) leaves only the families to compare.
  const bothExplicit = source.type.source === 'explicit' && target.type.source === 'explicit' && !source.type.approximate && !target.type.approximate;
  // citext is a string type of its own to a foreign key: against any other, the spellings decide, width or not.
  const citext = (source.type.sqlType === 'citext') !== (target.type.sqlType === 'citext') && source.type.sqlType !== '' && target.type.sqlType !== '';
  // MySQL and MariaDB take no TEXT or BLOB column into a foreign key (InnoDB indexes neither without a prefix length), on
  // either side: where MySQL's own DDL says so, the key is refused whatever the other type (R15-7).
  const blob = mysql !== undefined && (mysqlBlob(found.type) || mysqlBlob(keyed.type));
  const verdict = prisma || blob
    ? 'refused'
    : bothExplicit || citext
      ? compareTypes(c.config.dialect, source.type.sqlType, target.type.sqlType)
      : compareFamilies(c.config.dialect, source.type.family, target.type.family);
  if (verdict === 'same') return undefined;
  // MySQL 8 refuses the key and MariaDB accepts it: not proven either way (counted unchecked, see `uncheckedOf`).
  if (verdict === 'refused' && !prisma && c.config.dialect === 'mysql' && mysqlServerDependent(found.type, keyed.type)) return undefined;
  const sourceFacts = c.index.facts(source.file) ?? c.facts;
  // A migration's FK column defined by an earlier migration: retyping it there rewrites every point of history
  // since, where other references to and from it were checked against the old type. No fix is safe to offer.
  const rewritesHistory = c.ref.context === 'migration' && source.file !== c.facts.file;
  // MySQL's readings: the fix writes the type's words and keeps the column's own `UNSIGNED`, which it cannot remove.
  const fixTarget = mysql ? (mysql.fix === undefined ? undefined : { ...target, type: { ...target.type, sqlType: mysql.fix } }) : target;
  const { edits, written } = rewritesHistory || !fixTarget ? { edits: [], written: undefined } : typeFixEdits(c.index, sourceFacts, found.column, found.type, fixTarget);
  return {
    verdict,
    source,
    target,
    edits,
    written,
    ...(prisma ? { judge: 'prisma' as const } : {}),
    ...(serial ? { serial: true as const } : {}),
    ...(blob ? { blob: true as const } : {}),
  };
}

/** A TEXT or BLOB type as MySQL's DDL (or a Drizzle mysql-core builder) writes it: `TEXT`, `MEDIUMTEXT`, `LONGBLOB`, ... */
function mysqlBlob(type: TypeFact): boolean {
  return /^(?:tiny|medium|long)?(?:text|blob)$/i.test(type.name);
}

/**
 * Two types SQL DDL wrote, judged by MySQL: each as MySQL reads it (see `mysqlReading`: `SERIAL`, `BOOLEAN`, `REAL`,
 * `UNSIGNED`), and the spelling a fix writes over the FK column's type words (none when the column is `UNSIGNED` and
 * the key is not: the fix cannot take the word away). Undefined for any other pair.
 */
function mysqlSql(c: RefCheck, source: TypeFact, target: TypeFact): { source: string; target: string; fix?: string } | undefined {
  // Drizzle's mysql-core builders write MySQL's own types (`boolean` is `TINYINT(1)`, `serial` is `BIGINT UNSIGNED`, R13-26).
  const mysqlTyped = (t: TypeFact) => t.style === 'sql' || t.style === 'drizzle-mysql';
  if (c.config.dialect !== 'mysql' || !mysqlTyped(source) || !mysqlTyped(target)) return undefined;
  const mine = mysqlReading(source);
  const theirs = mysqlReading(target);
  const unsigned = (t: string) => t.endsWith(' unsigned');
  // A Drizzle builder is written again whole, its `unsigned` option with it.
  const fix = source.style === 'drizzle-mysql' || !unsigned(mine) ? theirs : unsigned(theirs) ? theirs.slice(0, -' unsigned'.length) : undefined;
  return { source: mine, target: theirs, fix };
}

/**
 * On PostgreSQL, the key as the database has it when SQLAlchemy makes a lone `Numeric` or `Float` primary key its
 * autoincrement column (see `ColumnFact.serialIfSolePrimaryKey`): `SERIAL`, an integer, whatever the model writes.
 * Undefined for any other key. Its type reads as SQLAlchemy's `Integer`, so a fix writes that.
 */
function serialKey(c: RefCheck, def: TableDef, key: IndexedColumn): IndexedColumn | undefined {
  if (c.config.dialect !== 'postgresql' || !key.column.serialIfSolePrimaryKey || !key.type) return undefined;
  // The flag is also set on a type the reader could not resolve: only a Numeric or Float one, as resolved, is made SERIAL.
  if (key.type.family !== 'numeric' && key.type.family !== 'float') return undefined;
  let keys = 0;
  for (const col of def.columns.values()) if (col.column.primaryKey) keys++;
  if (keys !== 1) return undefined;
  return { ...key, type: { text: 'Integer', name: 'Integer', family: 'integer', sqlType: 'integer', source: 'annotation' } };
}

/**
 * Whether Prisma's schema validator refuses a relation between fields of these types: it does unless both are of one
 * scalar type (`Int` and `Int`, `String` and `String @db.Uuid`: a native type aside) or of one enum. `prisma validate`,
 * `migrate` and `generate` then fail (P1012, "The type of the field ... is not matching the type of the referenced
 * field"), whatever the database would say; as @prisma/prisma-schema-wasm 8.1 answers for every pair of scalars,
 * enums and common native types on PostgreSQL, MySQL and SQLite. A type Prisma does not support (`Unsupported(...)`)
 * is not judged here.
 */
function prismaRefuses(source: TypeFact, target: TypeFact): boolean {
  if (source.style !== 'prisma' || target.style !== 'prisma') return false;
  if (source.name === 'Unsupported' || target.name === 'Unsupported') return false;
  return source.name !== target.name;
}

/**
 * `type-mismatch`: the FK column's type differs from the referenced column's (`Integer` pointing at a
 * `UUID` key, `String(255)` at a `uuid`). Where the database refuses the constraint it is an error; where
 * it accepts it but the types differ (`Integer` → `BigInteger`, `String(36)` → `String(255)`), a warning. A Prisma
 * relation between fields of two scalar types is an error whatever the database says: Prisma refuses the schema.
 * The fix writes the referenced column's type as its own file writes it, importing what is needed.
 */
export function typeMismatch(c: RefCheck): Finding | undefined {
  const r = c.resolution;
  // Definitions that disagree leave the key's type open: `ambiguous-table` says so, and no verdict is given.
  if (r.kind !== 'ok' || r.ambiguous) return undefined;
  const cmp = typeMismatchFor(c, r.def, r.column);
  if (!cmp) return undefined;
  const db = DIALECT_NAMES[c.config.dialect];
  const here = written(cmp.source.column.type ?? cmp.source.type, cmp.source.column.annotation?.text);
  const there = written(cmp.target.column.type ?? cmp.target.type, cmp.target.column.annotation?.text);
  const serial = cmp.serial ? ', which SQLAlchemy makes `SERIAL` (a lone Numeric primary key is autoincrement), an integer on PostgreSQL' : '';
  const sqlPair = `${cmp.source.type.sqlType || cmp.source.type.family} vs ${cmp.target.type.sqlType || cmp.target.type.family}`;
  // TypeORM makes a relation's join column with the referenced column's type: the declaration is what differs.
  const overridden = c.ref.typeFromTarget === 'typeorm';
  const consequence = overridden
    ? `TypeORM makes the join column \`${cmp.target.type.sqlType || cmp.target.type.family}\` (the type of the column it references), not the declared type (${sqlPair})`
    : cmp.judge === 'prisma'
      ? `Prisma refuses a relation between fields of different types (${cmp.source.type.name} vs ${cmp.target.type.name}): \`prisma validate\`, \`migrate\` and \`generate\` fail on this schema`
      : cmp.verdict === 'refused'
      ? `${db} refuses this foreign key (${sqlPair})${cmp.blob ? ': InnoDB takes no TEXT or BLOB column into a foreign key' : ''}`
      : `${db} accepts the key, but the types differ (${sqlPair})`;
  const srcFacts = c.index.facts(cmp.source.file) ?? c.facts;
  // An inferred type (TypeORM's `@Column()` on `userId: number`) has an empty span, where a type would be
  // inserted: the property's own type is what is wrong there.
  const typeSpan = cmp.source.column.type?.source === 'explicit' ? cmp.source.column.type.span : undefined;
  const at = typeSpan && typeSpan.end > typeSpan.start ? typeSpan : typeSpan ? cmp.source.column.annotation?.span : undefined;
  const range = cmp.source.file === c.facts.file && at ? rangeOf(srcFacts.lineStarts, at) : c.range;
  const loc = columnLocation(c.index, r.def, r.column);
  const passes = cmp.edits.length > 0 && targetPassesRules(c, r.def, r.column);
  // A fix that retypes a column other keys reference would break those that pass today: it is not offered then.
  const retype = passes ? keysBrokenByRetype(c, cmp) : undefined;
  const broken = retype?.broken ?? [];
  const brokenFrom = retype?.from ?? [];
  const blocked =
    retype && broken.length > 0
      ? `; no fix offered: ${broken.map((b) => `\`${b}\``).join(', ')} ${broken.length === 1 ? 'is a key' : 'are keys'} to \`${retype.column}\` that changing its type to \`${cmp.written}\` would break`
      : retype && brokenFrom.length > 0
        ? `; no fix offered: changing \`${retype.column}\` to \`${cmp.written}\` would break its ${brokenFrom.length === 1 ? 'key' : 'keys'} to ${brokenFrom.map((b) => `\`${b}\``).join(', ')}`
        : '';
  return {
    rule: 'type-mismatch',
    severity: cmp.verdict === 'refused' && !overridden ? 'error' : 'warning',
    message: `\`${here}\` here, but \`${r.def.key}.${r.column.column.name}\` is \`${there}\`${serial}: ${consequence}${blocked}`,
    file: c.facts.file,
    range,
    reference: c.display,
    related: loc ? [loc] : [],
    // The fix takes the key's real type, and only where the reference would then pass every rule.
    fixes:
      passes && broken.length === 0 && brokenFrom.length === 0
        ? [{ title: `Change the column type to \`${cmp.written}\` (as \`${r.def.key}.${r.column.column.name}\`)`, isPreferred: true, edits: cmp.edits }]
        : [],
  };
}

/**
 * The other keys to the FK column a type fix retypes that the fix would break (R13-20: `farms.country` retyped from
 * `String(10)` to `Integer` for its own key to `countries.id`, while `barns.farm_country String(10)` references
 * `farms.country`). Each reference anywhere that resolves to that very column is compared, as `typeMismatchFor`
 * compares, with the column as it is and as the fix leaves it (the type of the key the fix copies): one that passes
 * now and would not, or that the database accepts now and would refuse, is broken. Shown as the database names it.
 * What was looked at is named in `c.watched`, so that an editor checks this reference again when any of it changes.
 */
function keysBrokenByRetype(c: RefCheck, cmp: TypeComparison): { column: string; broken: string[]; from: string[] } {
  const index = c.index;
  const src = cmp.source;
  const className = c.ref.source.className;
  const table = className !== undefined ? index.classTable(c.facts.file, className, c.ref.span.start)?.table?.name : index.resolveName(c.facts.file, c.ref.source.table);
  const watched = (c.watched ??= []);
  if (table === undefined) {
    // The table is not known by name: any change of any reference may concern it.
    watched.push('*');
    return { column: src.column.name, broken: [], from: [] };
  }
  watched.push(`t:${table}`, `t:${table.toLowerCase()}`);
  if (className !== undefined) watched.push(`c:${className.slice(className.lastIndexOf('.') + 1)}`);
  // What the fix leaves the column as, the type of the key it copies.
  const retypedSource: TypeFact = { ...cmp.target.type, style: src.type.style };
  /** Another reference, resolved and ready for the rules, or undefined where it does not resolve. */
  const checkOf = (file: string, ref: ReferenceFact): RefCheck | undefined => {
    const read = index.facts(file);
    if (!read) return undefined;
    const facts = index.checkedFacts(read);
    const { display, resolution } = resolveReference(facts, ref, index);
    return resolution.kind === 'ok' ? { facts, ref, index, config: c.config, display, range: rangeOfRef(facts, ref), resolution } : undefined;
  };
  /** A key that passes now and would not, or that the database accepts now and would refuse. */
  const breaks = (now: TypeComparison | undefined, then: TypeComparison | undefined) => then !== undefined && (!now || (now.verdict !== then.verdict && now.verdict !== 'refused'));
  const out: string[] = [];
  const names = new Set([src.column.name, src.column.attr, src.column.key].filter((n): n is string => n !== undefined).map((n) => n.toLowerCase()));
  for (const { file, ref } of index.referencesNaming(src.file, table, className)) {
    if (ref === c.ref || !mayName(ref, names)) continue;
    const other = checkOf(file, ref);
    if (other?.resolution.kind !== 'ok' || other.resolution.column.column !== src.column) continue;
    const resolution = other.resolution;
    // The referencing table: a change of its columns (its own file, a mixin, a type alias) changes the answer.
    const own = ref.source.className;
    const from = own !== undefined ? index.classTable(file, own, ref.span.start)?.table?.name : index.resolveName(file, ref.source.table);
    if (from !== undefined) watched.push(`t:${from}`, `t:${from.toLowerCase()}`);
    else watched.push('*');
    if (own !== undefined) watched.push(`c:${own.slice(own.lastIndexOf('.') + 1)}`);
    const now = typeMismatchFor(other, resolution.def, resolution.column);
    const retyped: IndexedColumn = {
      ...resolution.column,
      column: { ...resolution.column.column, serialIfSolePrimaryKey: undefined },
      type: retypedSource,
    };
    if (!breaks(now, typeMismatchFor(other, resolution.def, retyped))) continue;
    const name = ref.source.column;
    out.push(from !== undefined && name !== undefined ? `${from}.${name}` : other.display);
  }
  // The other keys FROM the column (a later migration's composite key, a second ForeignKey on it): retyped, the
  // column may no longer match what they point at (R16-16: member_roles.user_id to uuid for users.id, while
  // (team_id, user_id) keys members' varchar(36) columns). A key from it is made where its table is changed (`t:` of
  // the table, watched above); what it points at is watched below.
  const from: string[] = [];
  for (const { file, ref } of index.referencesFrom(table, src.column.name)) {
    if (ref === c.ref) continue;
    const other = checkOf(file, ref);
    if (other?.resolution.kind !== 'ok') continue;
    const { def, column } = other.resolution;
    watched.push(`t:${def.name}`, `t:${def.name.toLowerCase()}`);
    // Only a key whose FK column is this very one: not a column of the same name in another definition of the table
    // (a schema written once per database, fixture 217).
    if (sourceColumn(other.facts, ref, index)?.column !== src.column) continue;
    if (breaks(typeMismatchFor(other, def, column), typeMismatchFor(other, def, column, retypedSource))) from.push(other.display);
  }
  return { column: `${table}.${src.column.name}`, broken: [...new Set(out)], from: [...new Set(from)] };
}

/**
 * Whether a reference may name a column of one of `names` (lower case) by what it writes: a column named as a literal
 * names that column only (any letter case, which some databases fold); one named otherwise, or not at all (a primary
 * key meant), may name any.
 */
function mayName(ref: ReferenceFact, names: ReadonlySet<string>): boolean {
  if (ref.form === 'string') {
    if (ref.target?.kind !== 'literal') return true;
    const v = ref.target.value;
    return names.has(v.slice(v.lastIndexOf('.') + 1).toLowerCase());
  }
  if (ref.form === 'pair') return ref.column === undefined || names.has(ref.column.toLowerCase());
  return ref.attr === undefined || names.has(ref.attr.toLowerCase());
}

/** A type as the code writes it: `Integer`, `Mapped[int]`, or a SQLModel field's `Optional[int]` inner type. */
function written(type: TypeFact, annotation: string | undefined): string {
  // A Drizzle builder's text says `unsigned: true` itself.
  if (type.source === 'explicit') return type.unsigned && type.style === 'sql' ? `${type.text} UNSIGNED` : type.text;
  if (type.source === 'field') return annotation ?? type.text;
  return `Mapped[${annotation ?? type.text}]`;
}
