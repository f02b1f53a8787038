import type { ClassMapping, NamelessClass } from '../classMapping';
import { addColumn, IndexedColumn, newTable, TableDef } from '../tables';
import type { ClassFact, ColumnFact, JoinColumnFact, UncheckedReason } from '../types';
import { typeormCamelCase, typeormSnakeCase } from './context';

/** What computing a join table needs from the class mapper. */
export interface JoinTableHost {
  findClass(file: string, dotted: string): { file: string; cls: ClassFact } | undefined;
  /** What a class maps to (computed now if it was not yet). */
  mapClass(file: string, cls: ClassFact): ClassMapping;
  /**
   * The project's own TypeORM `namingStrategy` or `entityPrefix`, as written in the file that sets it;
   * undefined when every data source uses TypeORM's default naming.
   */
  typeormNaming(): { file: string; text: string } | undefined;
}

/**
 * The table TypeORM's `JunctionEntityMetadataBuilder` makes for a `@ManyToMany` + `@JoinTable` (see
 * `JoinTableFact`), or why FK Guard cannot know it:
 * - name: `@JoinTable({ name })`, else `DefaultNamingStrategy.joinTableName`: snakeCase(owner table + '_' +
 *   property + '_' + target table), of the tables' names without schema;
 * - each side's referenced columns: those its `joinColumns` name by property (`referencedColumnName`), else
 *   the entity's primary key, inherited ones included (one column each, or a composite key);
 * - each column's name: the `name` of the join column whose `referencedColumnName` is unset or that
 *   property, else `joinTableColumnName`: camelCase(that side's table + '_' + referenced column's database
 *   name); where the two sides' names collide (a self-relation), TypeORM suffixes them `_1` and `_2`;
 * - each column has the referenced column's type, is part of the primary key, and not null.
 * Columns carry `attr` `joinColumn.N` / `inverseJoinColumn.N` (N counts the side's referenced columns), which
 * the references the reader wrote for the two foreign keys name as their source.
 */
export function mapJoinTable(host: JoinTableHost, file: string, cls: ClassFact): ClassMapping {
  const jt = cls.joinTable!;
  const nameless = (reason: UncheckedReason, detail: string): ClassMapping => ({
    table: undefined,
    unknownName: true,
    nameless: joinNameless(file, cls, reason, detail),
  });
  const naming = host.typeormNaming();
  const allNamed = (given: JoinColumnFact[] | undefined) => !!given && given.length > 0 && given.every((g) => g.name !== undefined);
  if (naming && (!cls.tablename || !allNamed(jt.joinColumns) || !allNamed(jt.inverseJoinColumns))) {
    return nameless('naming-strategy', `its names come from the project's TypeORM naming (\`${naming.text}\` in ${naming.file}), which FK Guard does not run`);
  }
  const owner = host.findClass(file, jt.owner);
  const target = host.findClass(file, jt.target);
  if (!owner || !target) {
    return nameless('outside-workspace', `its target \`${jt.target}\` is not an entity of this workspace`);
  }
  if (owner.cls.abstract) {
    // TypeORM makes one join table per entity that inherits the relation, each named after that entity's table.
    return nameless('dynamic-name', `\`${jt.owner}\` is a base class: each entity built on it has a join table of its own, which FK Guard does not model`);
  }
  const ownerTable = host.mapClass(owner.file, owner.cls).table;
  const targetTable = host.mapClass(target.file, target.cls).table;
  if (!ownerTable || !targetTable) {
    const which = !ownerTable ? jt.owner : jt.target;
    return nameless('unresolved-base', `the table of \`${which}\` is not known`);
  }
  const side = (def: TableDef, given: JoinColumnFact[] | undefined) => referencedColumns(def, given);
  const own = side(ownerTable, jt.joinColumns);
  const inverse = side(targetTable, jt.inverseJoinColumns);
  for (const [s, def] of [
    [own, ownerTable],
    [inverse, targetTable],
  ] as const) {
    if (typeof s === 'string') return nameless(def.incomplete && def.unresolvedBase === undefined && def.unresolvedColumn !== undefined ? 'unresolved-column' : 'unresolved-base', s);
  }
  const ownCols = own as IndexedColumn[];
  const inverseCols = inverse as IndexedColumn[];
  const derived = (table: string, c: IndexedColumn) => typeormCamelCase(`${table}_${c.column.name}`);
  const nameOf = (given: JoinColumnFact[] | undefined, c: IndexedColumn) =>
    given?.find((g) => (g.referencedColumnName === undefined || g.referencedColumnName === (c.column.attr ?? c.column.name)) && g.name !== undefined);
  const ownNames = ownCols.map((c) => nameOf(jt.joinColumns, c));
  const inverseNames = inverseCols.map((c) => nameOf(jt.inverseJoinColumns, c));
  const needsNaming = !cls.tablename || ownNames.some((n) => !n) || inverseNames.some((n) => !n);
  if (naming && needsNaming) {
    return nameless('naming-strategy', `its names come from the project's TypeORM naming (\`${naming.text}\` in ${naming.file}), which FK Guard does not run`);
  }
  const name = cls.tablename?.kind === 'literal' ? cls.tablename.value : typeormSnakeCase(`${ownerTable.name}_${jt.relation}_${targetTable.name}`);
  const columns = [
    ...ownCols.map((c, i) => ({ c, given: ownNames[i], name: ownNames[i]?.name ?? derived(ownerTable.name, c), attr: `joinColumn.${i}` })),
    ...inverseCols.map((c, i) => ({ c, given: inverseNames[i], name: inverseNames[i]?.name ?? derived(targetTable.name, c), attr: `inverseJoinColumn.${i}` })),
  ];
  // `changeDuplicatedColumnNames`: an owner column and an inverse column of one name become `name_1`, `name_2`.
  const ownCount = ownCols.length;
  for (let i = 0; i < ownCount; i++) {
    for (let j = ownCount; j < columns.length; j++) {
      if (columns[i].name !== columns[j].name) continue;
      const same = columns[i].name;
      columns[i].name = `${same}_1`;
      columns[j].name = `${same}_2`;
    }
  }
  if (new Set(columns.map((c) => c.name)).size !== columns.length) {
    return nameless('dynamic-name', `it would have two columns of one name, which TypeORM refuses`);
  }
  const def = newTable(name, cls.schema ?? ownerTable.schema, 'model', file, cls.tablenameSpan ?? cls.nameSpan);
  def.className = cls.name;
  // TypeORM makes the join table in its owner's schema (JunctionEntityMetadataBuilder), which may not be known.
  if (cls.schema === undefined && ownerTable.schemaUnknown) {
    def.schemaUnknown = true;
    def.schemaUnknownWhy = ownerTable.schemaUnknownWhy;
  }
  for (const col of columns) {
    const type = col.c.type ? { ...col.c.type } : undefined;
    // The type is TypeORM's to write, from the referenced column: nothing in the source to rewrite.
    if (type) {
      delete type.span;
      delete type.style;
      delete type.nativeSpan;
    }
    const fact: ColumnFact = {
      name: col.name,
      attr: col.attr,
      ...(type ? { type } : {}),
      primaryKey: true,
      unique: false,
      nullable: false,
      span: col.given?.nameSpan ?? jt.span,
      hasForeignKey: true,
    };
    addColumn(def, fact, file, type);
  }
  return { table: def };
}

/**
 * The columns of `def` one side of the join table references: those `given` names by property, else the
 * primary key. A string says why they are not known (a column FK Guard cannot see, a table whose columns
 * are not all known).
 */
function referencedColumns(def: TableDef, given: JoinColumnFact[] | undefined): IndexedColumn[] | string {
  const named = given?.filter((g) => g.referencedColumnName !== undefined) ?? [];
  if (named.length > 0) {
    const out: IndexedColumn[] = [];
    for (const g of named) {
      const c = def.attrs.get(g.referencedColumnName!) ?? def.columns.get(g.referencedColumnName!);
      // A missing one is reported on the reference itself (TypeORM refuses to start); the table is not made.
      if (!c) return `\`${def.key}\` has no column \`${g.referencedColumnName}\` FK Guard can see`;
      out.push(c);
    }
    return out;
  }
  const pk = [...def.columns.values()].filter((c) => c.column.primaryKey);
  // Columns FK Guard cannot see may be keys too: the key is known only for a table known whole.
  if (def.incomplete) return `the primary key of \`${def.key}\` is not known: it has columns FK Guard cannot see (${def.unresolvedBase ?? def.unresolvedColumn ?? 'from code it cannot read'})`;
  if (pk.length === 0) return `\`${def.key}\` has no primary key FK Guard can see`;
  return pk;
}

/**
 * A join table FK Guard cannot name: a reference to a table it could be (one whose name holds the owner's
 * class or table name, or the relation's) is counted unchecked for `reason`, not reported unknown.
 */
function joinNameless(file: string, cls: ClassFact, reason: UncheckedReason, detail: string): NamelessClass {
  const jt = cls.joinTable!;
  const flat = (s: string) => s.toLowerCase().replace(/_/g, '');
  const matches = [flat(jt.owner), flat(jt.relation), ...(cls.tablename?.kind === 'literal' ? [flat(cls.tablename.value)] : [])];
  return { file, cls, reason, base: jt.owner, detail, matches };
}
