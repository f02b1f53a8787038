import { renameReferenceEdit } from '../fixes';
import { isClearWinner, suggestNames } from '../suggest';
import { rangeOf } from '../text';
import type { Absence } from '../history';
import type { IndexedColumn, TableDef } from '../tables';
import { Finding, Fix, RelatedLocation } from '../types';
import { fixTarget, metadataDefault, RefCheck, sourceMetadata, tableLocation, where, writtenSchema } from './resolve';
import { typeMismatchFor } from './type-mismatch';

/**
 * `unknown-table`: the reference names a table no file defines (`ForeignKey("user.id")` where the table is
 * `users`). SQLAlchemy raises `NoReferencedTableError` when the mapper configures, and the database
 * answers `relation "user" does not exist`. Suggests the closest tables; the preferred fix rewrites the
 * reference and, when the suggested key's type differs from the FK column's, the column type too.
 */
export function unknownTable(c: RefCheck): Finding | undefined {
  const r = c.resolution;
  if (r.kind === 'no-class') return unknownModel(c, r.owner);
  if (r.kind !== 'no-table') return undefined;
  const written = r.schema ? `${r.schema}.${r.table}` : r.table;
  if (r.absence) return absentAtThisPoint(c, written, r.absence);
  if (r.schema === 'public' && c.ref.context !== 'migration') {
    const plain = c.index.definitions(r.table).find((d) => !d.schema && d.origin !== 'external');
    if (plain) return publicSchemaInModel(c, written, plain, r.column);
  }
  // Only targets a fix could point at are suggested: applied, the reference must pass every rule.
  const suggestions = c.index.suggestTables(r.schema, r.table).flatMap((s) => {
    const def = c.index.definitions(s.value)[0];
    // A ranked table left out here (it lacks the column) is one the finding depends on all the same: when it
    // gains the column it becomes a suggestion, so an editor checks this file again when it changes.
    if (def) c.suggested?.add(def.name);
    const target = def ? fixTarget(c, def.schema, def.name, r.column) : undefined;
    if (!target) return [];
    const typeFix = typeMismatchFor(c, target.def, target.column);
    if (typeFix && typeFix.edits.length === 0) return [];
    return [{ ...s, target, typeFix }];
  });
  const fixes: Fix[] = [];
  const related = [];
  const clear = isClearWinner(suggestions);
  let hint = '';
  for (const [i, s] of suggestions.entries()) {
    const def = s.target.def;
    c.suggested?.add(def.name);
    const loc = tableLocation(c.index, def);
    if (loc) related.push(loc);
    if (i === 0) hint = `; did you mean \`${s.value}\`${loc ? ` (${where(loc.file, loc.range)})` : ''}?`;
    // Written as the reference writes it: unqualified where its metadata's schema is the table's.
    const schema = writtenSchema(c, def.schema);
    const renamed = renameReferenceEdit(c.facts, c.ref, { schema, table: def.name, column: r.column ?? s.target.column.column.name });
    if (!renamed) continue;
    const shown = schema === def.schema ? s.value : def.name;
    const target = r.column === undefined ? shown : `${shown}.${r.column}`;
    const preferred = i === 0 && clear;
    // One keystroke fixes both halves of the seed's bug: the table name and the type that goes with it. A
    // rename alone would leave a type the database refuses or that differs, so it is not offered then.
    if (s.typeFix) {
      fixes.push({
        title: `Change to \`${target}\` and the column type to \`${s.typeFix.written}\``,
        isPreferred: preferred,
        edits: [renamed, ...s.typeFix.edits],
      });
    } else {
      fixes.push({ title: `Change to \`${target}\``, isPreferred: preferred, edits: [renamed] });
    }
  }
  const external = suggestions.length === 0 ? ' (if it lives outside this workspace, list it in `external-tables`)' : '';
  return {
    rule: 'unknown-table',
    severity: 'error',
    message: `\`${written}\` is not a table${hint || ` in this workspace${external}`}`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related,
    fixes,
  };
}

/**
 * A relation that names a model no schema file defines (`author Usr @relation(...)`): Prisma refuses the
 * schema. The suggestions are the models of the same dialect; the fix renames the type where it is written.
 */
function unknownModel(c: RefCheck, owner: string): Finding | undefined {
  const ownerSpan = c.ref.ownerSpan;
  if (!ownerSpan) return undefined;
  const framework = c.facts.classes.find((k) => k.name === c.ref.source.className)?.framework;
  const models = framework ? c.index.classesOf(framework) : [];
  const suggestions = suggestNames(owner, [...new Set(models.map((m) => m.cls.name))]);
  const clear = isClearWinner(suggestions);
  const related: RelatedLocation[] = [];
  const fixes: Fix[] = [];
  let hint = '';
  for (const [i, s] of suggestions.entries()) {
    const m = models.find((x) => x.cls.name === s.value)!;
    const loc = { file: m.file, range: c.index.rangeIn(m.file, m.cls.nameSpan), message: `\`${s.value}\` is defined here` };
    related.push(loc);
    if (i === 0) hint = `; did you mean \`${s.value}\` (${where(loc.file, loc.range)})?`;
    fixes.push({
      title: `Change to \`${s.value}\``,
      isPreferred: i === 0 && clear,
      edits: [{ file: c.facts.file, range: rangeOf(c.facts.lineStarts, ownerSpan), newText: s.value }],
    });
  }
  return {
    rule: 'unknown-table',
    severity: 'error',
    message: `\`${owner}\` is not a model${hint || ' in this workspace'}`,
    file: c.facts.file,
    range: rangeOf(c.facts.lineStarts, ownerSpan),
    reference: c.display,
    related,
    fixes,
  };
}

/**
 * A migration names a table its history makes only later, or dropped before: the name is right, the
 * moment is wrong. The database refuses the constraint (PostgreSQL and MySQL check the table when the
 * foreign key is made). No rename is offered: the reference has to move, or the table be made first.
 *
 * MySQL (and MariaDB) make a key to a table that does not exist yet when foreign key checks are off, as mysqldump's
 * files and many migration runners set them (vaultwarden's runs every migration so): a table made later is an error
 * only where the file itself turned the checks on before the key (`SET FOREIGN_KEY_CHECKS = 1`), else a warning.
 */
function absentAtThisPoint(c: RefCheck, written: string, absence: Absence): Finding {
  const loc = tableLocation(c.index, absence.def);
  const at = loc ? ` (${where(loc.file, loc.range)})` : '';
  const db = c.config.dialect === 'mysql' ? 'MySQL' : 'PostgreSQL';
  const unproven = c.config.dialect === 'mysql' && absence.kind === 'later' && c.ref.keyChecks !== 'on';
  const checks = c.config.dialect !== 'mysql' ? '' : unproven ? ' unless foreign key checks are off (`SET FOREIGN_KEY_CHECKS = 0`, as mysqldump\'s files and many migration runners set them), and this file does not turn them on before it' : ' (this file turns foreign key checks on before it)';
  const message =
    absence.kind === 'other-database'
      ? `\`${written}\` is created only by \`upgrade_${absence.other}()\`${at}, on the \`${absence.other}\` database of Alembic's multidb template: this operation runs in \`upgrade_${absence.engine}()\`, on the \`${absence.engine}\` database, where it does not exist, and ${db} refuses the foreign key`
      : absence.kind === 'later'
      ? absence.sameFile
        ? `\`${written}\` is created later in this migration${at}: ${db} refuses a foreign key to a table that does not exist yet${checks}; create \`${written}\` first`
        : `\`${written}\` is created by a later migration${at}: at this point of history it does not exist, and ${db} refuses the foreign key${checks}`
      : absence.atEnd && !absence.renamedTo
        ? `\`${written}\` is dropped by a later migration (it was created at ${loc ? where(loc.file, loc.range) : 'an earlier migration'}): once the migrations have run it does not exist, and SQLite refuses to write rows this foreign key needs (no such table)`
        : absence.renamedTo
        ? absence.renamedTo.name === absence.def.name && absence.renamedTo.schema !== absence.def.schema
          ? `\`${written}\` was moved to schema \`${absence.renamedTo.schema ?? 'public'}\` earlier in migration history: at this point it does not exist in its old schema`
          : `\`${written}\` was renamed to \`${absence.renamedTo.name}\` earlier in migration history: at this point it does not exist under its old name`
        : `\`${written}\` was dropped earlier in migration history (it was created at ${loc ? where(loc.file, loc.range) : 'an earlier migration'}): at this point it does not exist`;
  const fixes: Fix[] = [];
  const r = c.resolution;
  if (absence.kind === 'gone' && absence.renamedTo && r.kind === 'no-table') {
    // The table under its new name, at this same point: offered only when the column is there and its type
    // agrees, so the rename leaves nothing to report.
    const key = absence.renamedTo.schema ? `${absence.renamedTo.schema}.${absence.renamedTo.name}` : absence.renamedTo.name;
    const point = c.ref.migrationOp !== undefined ? { file: c.facts.file, op: c.ref.migrationOp } : undefined;
    const def = c.index.definitions(key, point).find((d) => d.origin === 'migration');
    const col = def ? keyColumn(def, r.column) : undefined;
    const renamed = def && col && !typeMismatchFor(c, def, col) ? renameReferenceEdit(c.facts, c.ref, { schema: def.schema, table: def.name, column: col.column.name }) : undefined;
    if (renamed) fixes.push({ title: `Change to \`${r.column === undefined ? key : `${key}.${r.column}`}\``, isPreferred: true, edits: [renamed] });
  }
  return {
    rule: 'unknown-table',
    severity: unproven ? 'warning' : 'error',
    message,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related: loc ? [{ ...loc, message: absence.kind === 'later' || absence.kind === 'other-database' ? `\`${written}\` is created here` : `\`${written}\` was created here` }] : [],
    fixes,
  };
}

/**
 * `ForeignKey("public.members.id")` in model code, where `members` has no schema: the database would take
 * it (`public` is PostgreSQL's default), but SQLAlchemy's metadata looks for a table keyed `public.members`
 * and raises `NoReferencedTableError`. The fix drops the schema.
 */
function publicSchemaInModel(c: RefCheck, written: string, plain: TableDef, column: string | undefined): Finding {
  const loc = tableLocation(c.index, plain);
  const col = keyColumn(plain, column);
  const renamed = col ? renameReferenceEdit(c.facts, c.ref, { schema: undefined, table: plain.name, column: col.column.name }) : undefined;
  // The key without a schema is looked up in the schema of the referencing table's metadata, and in its metadata only:
  // dropped, `public` finds `members` only from a table on a metadata without a schema, the one `members` is on.
  const own = metadataDefault(c.index, c.facts.file, c.ref);
  const source = sourceMetadata(c.index, c.facts.file, c.ref);
  const found = !own || (own.known && own.schema === undefined && (!source || !plain.metadataId || source === plain.metadataId));
  const safe = renamed && col && found && !typeMismatchFor(c, plain, col);
  return {
    rule: 'unknown-table',
    severity: 'error',
    message: `\`${written}\` is not a table: SQLAlchemy looks for a table in schema \`public\`; \`${plain.name}\`${loc ? ` (${where(loc.file, loc.range)})` : ''} has no schema`,
    file: c.facts.file,
    range: c.range,
    reference: c.display,
    related: loc ? [loc] : [],
    fixes: safe ? [{ title: `Change to \`${plain.name}.${column}\``, isPreferred: true, edits: [renamed] }] : [],
  };
}

/** The column a reference names in `def`; with no column named, the table's one-column primary key. */
function keyColumn(def: TableDef, column: string | undefined): IndexedColumn | undefined {
  if (column !== undefined) return def.columns.get(column);
  const pk = [...def.columns.values()].filter((c) => c.column.primaryKey);
  return pk.length === 1 ? pk[0] : undefined;
}
