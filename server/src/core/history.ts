import type { Dialect } from './config';
import { addColumn, IndexedColumn, newTable, TableDef, tableKey } from './tables';
import { AlembicConfigFact, ColumnFact, FileFacts, Finding, MigrationOp, NameExpr, TypeFact } from './types';

/** What the replay needs from the schema index: the names and types a migration file spells indirectly. */
export interface HistoryResolver {
  resolveName(file: string, expr: NameExpr | undefined): string | undefined;
  resolveType(file: string, type: TypeFact | undefined): TypeFact | undefined;
  /** The workspace files a dotted module name stands for, for `helper_ops.upgrade()` in a revision. */
  moduleFiles?(module: string): string[];
}

/** A point in migration history: an operation of a migration file. */
export interface HistoryPoint {
  file: string;
  op: number;
  /** The end of the point's timeline, after every migration of it (see `SqliteJudgement`). */
  atEnd?: true;
}

/** What history knows of a table that does not exist at a point: made only later, or dropped before. */
export type Absence =
  | { kind: 'later'; def: TableDef; sameFile: boolean }
  /**
   * `renamedTo`: the operation that ended it renamed the table rather than dropping it. `atEnd`: the point
   * is the end of a SQLite history (see `MigrationHistory.sqliteJudgement`), so the table was dropped after
   * the reference was written, and is missing when rows are.
   */
  | { kind: 'gone'; def: TableDef; renamedTo?: { name: string; schema?: string }; atEnd?: boolean };

/**
 * How a reference made inside a SQLite migration is judged. SQLite checks a foreign key's parent table and
 * key only when rows are written (a "foreign key mismatch" or "no such table" then), never when the
 * constraint is made, and rows are written once the migrations have run. So the reference is judged against
 * the state its timeline ends in (`at`), when its constraint is still there then; when the table holding it
 * was dropped or made anew before the end (a table rebuilt by a later migration), SQLite never checked it
 * against any state FK Guard can name (`superseded`).
 */
export type SqliteJudgement =
  /**
   * `renamedTo`: the target stood at the reference's point and was renamed later; SQLite rewrites the
   * foreign keys that name a table it renames, so the reference follows it (a target dropped instead is
   * found again by name, as SQLite does: the rebuild `DROP TABLE t; ALTER TABLE t_new RENAME TO t`).
   */
  | { kind: 'at-end'; at: HistoryPoint; renamedTo?: { name: string; schema?: string } }
  | { kind: 'superseded' };

/** One version of a table: the positions from which (inclusive) to which (exclusive) it stood. */
interface Life {
  from: number;
  to: number;
  def: TableDef;
  /** Set when a rename ended this version (not a new version of the same table). */
  renamedTo?: { name: string; schema?: string };
  /**
   * The table this version is a version of: set by the operation that creates the table, kept by every
   * change and rename, so a table dropped and created again (a SQLite rebuild) is another table.
   */
  lineage: number;
}

/** Positions in migration history: a file's place in its timeline times this, plus the operation's index. */
const MIGRATION_STRIDE = 1_000_000;

/**
 * The tables migrations make, replayed in the order the tools run them: the state they leave, and every
 * table's versions with the span of history each stood, so a reference inside a migration is checked against
 * the schema at its own point of history.
 *
 * Migrations fall into timelines, each replayed on its own: the Alembic revisions of one configuration (a
 * graph of `revision`/`down_revision`, in topological order), and every other migrations folder (SQL, Knex,
 * sequelize-cli), in natural path order. A revision file outside every folder Alembic's configuration names
 * is outside history: it is never replayed, and its references are not checked.
 */
export class MigrationHistory {
  private constructor(
    /** The tables the last migration of each timeline leaves. A table made only by migrations is a table. */
    readonly tables: Map<string, TableDef>,
    /** Every table version, by timeline and key. */
    private readonly lives: Map<string, Map<string, Life[]>>,
    /** Each migration file's timeline and place in it. */
    private readonly placeOf: Map<string, { timeline: string; order: number; sqlite: boolean }>,
    /** Revision files Alembic never runs: the configuration that says so. */
    private readonly outside: Map<string, string>,
    /** By timeline, the tables (lineages, see `Life`) that stand when its last migration has run, as they are then. */
    private readonly lastingLineages: Map<string, Map<number, TableDef>> = new Map(),
  ) {}

  static empty(): MigrationHistory {
    return new MigrationHistory(new Map(), new Map(), new Map(), new Map());
  }

  /** The migration definition of `key`: at `at` when that is a point of history, else the final state. */
  definition(key: string, at?: HistoryPoint): TableDef | undefined {
    const found = at ? this.locate(key, at) : undefined;
    // A table the timeline of `at` never creates nor drops, made elsewhere (a Knex `createTables()` helper run
    // before the migrations, another folder), is part of the state that timeline starts from.
    if (!found) return this.tables.get(key);
    const life = found.lives[found.index - 1];
    return life && found.pos < life.to ? life.def : undefined;
  }

  /** For a table that does not exist at `at`: whether its timeline makes it only later, or dropped it before. */
  absence(key: string, at: HistoryPoint): Absence | undefined {
    const found = this.locate(key, at);
    if (!found) return undefined;
    const before = found.lives[found.index - 1];
    if (before && found.pos < before.to) return undefined;
    const after = found.lives[found.index];
    if (after) {
      const sameFile = Math.floor(after.from / MIGRATION_STRIDE) === Math.floor(found.pos / MIGRATION_STRIDE);
      return { kind: 'later', def: after.def, sameFile };
    }
    if (!before) return undefined;
    // At the end of a SQLite history, a table that stood at the reference's own point was dropped after it.
    const droppedAfter = at.atEnd && before.to > this.position({ file: at.file, op: at.op });
    return { kind: 'gone', def: before.def, renamedTo: before.renamedTo, ...(droppedAfter ? { atEnd: true } : {}) };
  }

  /**
   * For a reference at `at` whose constraint belongs to the table `source` (a key): how SQLite judges it, or
   * undefined when `at`'s timeline does not run on SQLite (the reference is judged at its own point).
   */
  sqliteJudgement(at: HistoryPoint, source: string, target: string): SqliteJudgement | undefined {
    const place = this.placeOf.get(at.file);
    if (!place?.sqlite) return undefined;
    const lasting = this.lastingLineages.get(place.timeline);
    const standing = (key: string) => {
      const found = this.locate(key, at);
      if (!found) return 'untouched';
      const life = found.lives[found.index - 1];
      return life && found.pos < life.to ? life : undefined;
    };
    // A table this timeline never makes nor drops stands from before it to its end.
    const own = standing(source);
    if (own !== 'untouched' && !(own && lasting?.has(own.lineage))) return { kind: 'superseded' };
    const end: SqliteJudgement = { kind: 'at-end', at: { ...at, atEnd: true } };
    const parent = standing(target);
    const last = parent && parent !== 'untouched' ? lasting?.get(parent.lineage) : undefined;
    if (last) return last.key !== target ? { ...end, renamedTo: { name: last.name, schema: last.schema } } : end;
    // A target made after the point is found by name, and so are the renames after the point that SQLite
    // applies to this constraint's text (a few deep: a cycle of renames must not loop).
    const pos = this.position(at);
    let renamedTo: { name: string; schema?: string } | undefined;
    let key = target;
    for (let i = 0; i < 8; i++) {
      const found = this.locate(key, end.at);
      const final = found?.lives[found.index - 1];
      if (!final?.renamedTo || final.to === Infinity || final.to <= pos) break;
      renamedTo = final.renamedTo;
      key = tableKey(renamedTo.name, renamedTo.schema);
    }
    return renamedTo ? { ...end, renamedTo } : end;
  }

  /** The position of a point in its timeline (see `MIGRATION_STRIDE`). */
  private position(at: HistoryPoint): number {
    return (this.placeOf.get(at.file)?.order ?? 0) * MIGRATION_STRIDE + at.op;
  }

  /** The Alembic configuration that leaves `file` out of history, when it is a revision Alembic never runs. */
  outsideHistory(file: string): string | undefined {
    return this.outside.get(file);
  }

  /** The versions of `key` in the timeline of `at`, and the index of the first one begun after `at`. */
  private locate(key: string, at: HistoryPoint): { lives: Life[]; index: number; pos: number } | undefined {
    const place = this.placeOf.get(at.file);
    if (!place) return undefined;
    const lives = this.lives.get(place.timeline)?.get(key);
    if (!lives) return undefined;
    const pos = at.atEnd ? Number.MAX_SAFE_INTEGER : this.position(at);
    let lo = 0;
    let hi = lives.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lives[mid].from <= pos) lo = mid + 1;
      else hi = mid;
    }
    return { lives, index: lo, pos };
  }

  /** Replays every timeline of migrations and returns the tables they leave, with their history. */
  static replay(files: Iterable<FileFacts>, resolver: HistoryResolver, dialect: Dialect): MigrationHistory {
    const all = [...files];
    const byFile = new Map(all.map((f) => [f.file, f]));
    // A revision folder is left out of history only when FK Guard is sure Alembic never runs it: every
    // configuration literal and no code setting the locations at run time. Otherwise every revision is
    // history, one graph by revision ids, since an error must be proven and not guessed.
    const found = all.filter((f) => f.alembicConfig).sort((a, b) => naturalCompare(a.file, b.file));
    const sure = found.every((c) => c.alembicConfig!.literal) && !all.some((f) => f.setsAlembicLocations);
    const configs = sure ? found : [];
    const timelines = new Map<string, FileFacts[]>();
    const outside = new Map<string, string>();
    // Every migration file has its place, also one that changes no table: its references are checked then.
    for (const f of all) {
      if (!f.migration) continue;
      const isRevision = f.language === 'python' && (f.migration.revision !== undefined || f.migration.downRevision !== undefined);
      let timeline: string;
      if (isRevision && configs.length > 0) {
        const owner = configs.find((c) => runsRevision(c.alembicConfig!, f.file));
        if (!owner) {
          outside.set(f.file, configs[0].file);
          continue;
        }
        timeline = `alembic:${owner.file}`;
      } else timeline = isRevision ? 'alembic:' : `folder:${migrationRoot(f.file)}`;
      let list = timelines.get(timeline);
      if (!list) timelines.set(timeline, (list = []));
      list.push(f);
    }
    const tables = new Map<string, TableDef>();
    const lives = new Map<string, Map<string, Life[]>>();
    const placeOf = new Map<string, { timeline: string; order: number; sqlite: boolean }>();
    const lasting = new Map<string, Map<number, TableDef>>();
    for (const [timeline, members] of [...timelines].sort((a, b) => naturalCompare(a[0], b[0]))) {
      const ordered = revisionOrder(members);
      // A folder named for SQLite (`migrations-sqlite`, the twin of a PostgreSQL one) runs on SQLite.
      const sqlite = dialect === 'sqlite' || (timeline.startsWith('folder:') && /sqlite/i.test(timeline));
      for (const [order, m] of ordered.entries()) placeOf.set(m.file, { timeline, order, sqlite });
      const { state, history } = replayTimeline(ordered, resolver, byFile, sqlite);
      lives.set(timeline, history);
      lasting.set(timeline, new Map([...history.values()].flatMap((list) => list.filter((l) => l.to === Infinity).map((l) => [l.lineage, l.def] as const))));
      for (const [k, d] of state) tables.set(k, d);
    }
    return new MigrationHistory(tables, lives, placeOf, outside, lasting);
  }
}

/** Whether Alembic, configured so, runs the revision in `file`. */
function runsRevision(config: AlembicConfigFact, file: string): boolean {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  return config.versionLocations.some((loc) => dir === loc || (config.recursive && (loc === '' || dir.startsWith(`${loc}/`))));
}

/**
 * The folder a migration file's timeline is named by: the deepest folder of its path whose name says
 * migrations as a whole word (`db/migrations`, `knex_migrations`, `migrations-sqlite`, `alterations`,
 * `versions`), else its own folder. Two services' migration folders are two histories. A folder that holds a
 * step's `migration.sql` (Prisma) or `up.sql`/`down.sql` (Diesel) is one step of its parent's history, even
 * when its own name says migration (`20230404095503_add_migration`), so it is never a root.
 */
export function migrationRoot(file: string): string {
  const parts = file.split('/');
  const base = parts.pop()!;
  if (STEP_FILE.test(base) && parts.length > 0) parts.pop();
  for (let i = parts.length - 1; i >= 0; i--) if (ROOT_WORD.test(parts[i].replace(/([a-z])([A-Z])/g, '$1_$2'))) return parts.slice(0, i + 1).join('/');
  return parts.join('/');
}

/** The file a one-migration folder holds (Prisma's `migration.sql`, Diesel's `up.sql`/`down.sql`). */
const STEP_FILE = /^(migration|up|down)\.sql$/i;
/** A folder name with one of these words (split at non-letters and camelCase) holds a history. */
const ROOT_WORD = /(^|[^a-z])(migrations?|migrate|alterations|versions)([^a-z]|$)/i;

/**
 * Revision order: parents (`down_revision`, a tuple for a merge) before children, else natural path order.
 * A depth-first walk with an explicit stack, so a history of thousands of revisions cannot overflow.
 */
function revisionOrder(members: FileFacts[]): FileFacts[] {
  const byRevision = new Map<string, FileFacts>();
  for (const m of members) if (m.migration?.revision) byRevision.set(m.migration.revision, m);
  const ordered: FileFacts[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stamps = members.map((m) => timestampOf(m.file));
  const stamped = stamps.every((t) => t !== undefined) ? new Map(members.map((m, i) => [m.file, stamps[i]!])) : undefined;
  const order = (a: FileFacts, b: FileFacts) => (stamped ? stamped.get(a.file)! - stamped.get(b.file)! : 0) || naturalCompare(a.file, b.file);
  for (const root of [...members].sort(order)) {
    if (state.has(root.file)) continue;
    const stack: Array<{ m: FileFacts; next: number }> = [{ m: root, next: 0 }];
    state.set(root.file, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const downs = top.m.migration?.downRevision ?? [];
      if (top.next < downs.length) {
        const parent = byRevision.get(downs[top.next++]);
        // A parent already open is a cycle in the graph: the edge is ignored rather than followed forever.
        if (parent && !state.has(parent.file)) {
          state.set(parent.file, 'open');
          stack.push({ m: parent, next: 0 });
        }
        continue;
      }
      stack.pop();
      state.set(top.m.file, 'done');
      ordered.push(top.m);
    }
  }
  return ordered;
}

/**
 * The time a migration named `<version>-<unix seconds>-<name>` says it runs at (`1.0.0_rc.0-1674032095.3-vaults.ts`,
 * `next-1785393731-tenants.ts`): a tool that names files so (logto's alteration CLI) runs them by that number,
 * a fraction allowed, not by the name (where `1.0.0-` sorts before `1.0.0_rc.0-`); `1.0.0_beta.10-1-x.ts` runs at 1.
 * Only a timeline whose files all have such a name is ordered so.
 */
function timestampOf(file: string): number | undefined {
  // The version part holds a letter or a dot, so a date (`2023-08-16-0000-x.js`) is never read as one.
  const m = /^[^-/]*[A-Za-z_.][^-/]*-(\d{1,10}(?:\.\d+)?)-[^/]*$/.exec(file.slice(file.lastIndexOf('/') + 1));
  return m ? Number(m[1]) : undefined;
}

/** Replays one timeline's operations in order. */
function replayTimeline(ordered: FileFacts[], resolver: HistoryResolver, byFile: Map<string, FileFacts>, sqlite = false): { state: Map<string, TableDef>; history: Map<string, Life[]> } {
  const state = new Map<string, TableDef>();
  /** The key of a table an operation names: on SQLite, whose names ignore letter case, the standing table's. */
  const keyOf = (table: string, schema?: string) => {
    const key = tableKey(table, schema);
    if (!sqlite || state.has(key)) return key;
    const lower = key.toLowerCase();
    return [...state.keys()].find((k) => k.toLowerCase() === lower) ?? key;
  };
  /** A column an operation names, as the standing table spells it (on SQLite, whatever the letter case). */
  const columnOf = (key: string, name: string) => {
    const def = state.get(key);
    if (!sqlite || !def || def.columns.has(name)) return name;
    return [...def.columns.keys()].find((c) => c.toLowerCase() === name.toLowerCase()) ?? name;
  };
  const history = new Map<string, Life[]>();
  let lineages = 0;
  /** The lineage of the version of `key` that stands now (see `Life.lineage`). */
  const lineageOf = (key: string) => {
    const open = history.get(key)?.at(-1);
    return open && open.to === Infinity ? open.lineage : ++lineages;
  };
  const begin = (def: TableDef, pos: number, lineage: number) => {
    let list = history.get(def.key);
    if (!list) history.set(def.key, (list = []));
    list.push({ from: pos, to: Infinity, def, lineage });
  };
  const end = (key: string, pos: number) => {
    const list = history.get(key);
    const open = list?.[list.length - 1];
    if (open && open.to === Infinity) open.to = pos;
  };
  /**
   * Copy on write: an operation that changes a table ends the table's current version and begins a new
   * one, so a reference earlier in history keeps seeing the columns and types of its own time.
   */
  const revise = (key: string, pos: number, change: (def: TableDef) => void) => {
    const current = state.get(key);
    if (!current) return;
    const next: TableDef = { ...current, columns: new Map(current.columns), attrs: new Map(current.attrs), keys: [...current.keys] };
    change(next);
    const lineage = lineageOf(key);
    end(key, pos);
    state.set(key, next);
    begin(next, pos, lineage);
  };
  for (const [order, revision] of ordered.entries()) {
    for (const [i, step] of revision.migration!.ops.entries()) for (const { m, op: raw } of withModules(revision, step, resolver, byFile, 0)) {
      const pos = order * MIGRATION_STRIDE + i;
      // `public` is PostgreSQL's default schema: `public.members` and `members` are one table to the database.
      const op = 'schema' in raw && raw.schema === 'public' ? { ...raw, schema: undefined } : raw;
      switch (op.op) {
        case 'create_table': {
          const t = m.tables[op.tableIndex];
          const name = t ? resolver.resolveName(m.file, t.name) : undefined;
          if (!t || !name) break;
          const def = newTable(name, t.schema === 'public' ? undefined : t.schema, 'migration', m.file, t.nameSpan);
          for (const c of t.columns) addColumn(def, c, m.file, resolver.resolveType(m.file, c.type));
          def.keys = t.keys;
          if (t.unreadColumn) {
            def.incomplete = true;
            def.unresolvedColumn = t.unreadColumn;
          }
          end(def.key, pos);
          state.set(def.key, def);
          begin(def, pos, ++lineages);
          break;
        }
        case 'add_column':
          revise(keyOf(op.table, op.schema), pos, (def) => addColumn(def, op.column, m.file, resolver.resolveType(m.file, op.column.type)));
          break;
        case 'drop_column':
          revise(keyOf(op.table, op.schema), pos, (def) => dropColumn(def, columnOf(def.key, op.column)));
          break;
        case 'drop_table': {
          const key = keyOf(op.table, op.schema);
          state.delete(key);
          end(key, pos);
          break;
        }
        case 'rename_table': {
          const def = state.get(keyOf(op.from, op.schema));
          if (def) {
            const lineage = lineageOf(def.key);
            state.delete(def.key);
            end(def.key, pos);
            const ended = history.get(def.key);
            if (ended) ended[ended.length - 1].renamedTo = { name: op.to, schema: op.schema };
            const renamed: TableDef = { ...def, name: op.to, key: tableKey(op.to, op.schema) };
            end(renamed.key, pos);
            state.set(renamed.key, renamed);
            begin(renamed, pos, lineage);
          }
          break;
        }
        case 'alter_column': {
          const key = keyOf(op.table, op.schema);
          const column = columnOf(key, op.column);
          const col = state.get(key)?.columns.get(column);
          if (!col) break;
          const type = resolver.resolveType(m.file, op.type);
          // The column as this operation leaves it: its new type as written here (messages show the type
          // at that point of history), and, when the operation says where, this place as its definition.
          // A rename alone keeps the definition where it is: the type written there is still the column's.
          const retyped = type !== undefined && op.type !== undefined;
          const fact: ColumnFact = { ...col.column, name: op.newName ?? col.column.name };
          if (retyped) fact.type = op.type;
          if (retyped && op.span) fact.span = op.span;
          const updated: IndexedColumn = { column: fact, file: retyped && op.span ? m.file : col.file, type: type ?? col.type };
          revise(key, pos, (def) => {
            dropColumn(def, column);
            def.columns.set(fact.name, updated);
            def.attrs.set(fact.attr && !op.newName ? fact.attr : fact.name, updated);
          });
          break;
        }
        case 'alter_unknown_table':
          // Which table changed is not known: every column the operation could have changed loses its type
          // (no type verdict on it from here), rather than keeping one that may be wrong.
          for (const [key, def] of [...state]) {
            const names = op.column !== undefined ? [op.column] : [...def.columns.keys()];
            if (!names.some((n) => def.columns.get(n)?.type)) continue;
            revise(key, pos, (next) => {
              for (const n of names) {
                const col = next.columns.get(n);
                if (!col?.type) continue;
                const unknown: IndexedColumn = { column: { ...col.column, type: undefined }, file: col.file, type: undefined };
                next.columns.set(n, unknown);
                for (const [attr, c] of next.attrs) if (c === col) next.attrs.set(attr, unknown);
              }
            });
          }
          break;
        case 'add_key':
          revise(keyOf(op.table, op.schema), pos, (def) => addKey(def, op.columns.map((c) => columnOf(def.key, c)), op.primary === true));
          break;
        default:
          break;
      }
    }
  }
  return { state, history };
}

/**
 * Makes `columns` a key of the table: one column becomes unique (or the primary key), several become a
 * composite key. A new primary key replaces the old one (a table has one; PostgreSQL refuses a second).
 */
function addKey(def: TableDef, columns: string[], primary: boolean): void {
  const set = (name: string, change: Partial<ColumnFact>) => {
    const c = def.columns.get(name);
    if (!c) return;
    const updated: IndexedColumn = { ...c, column: { ...c.column, ...change } };
    def.columns.set(name, updated);
    for (const [attr, x] of def.attrs) if (x === c) def.attrs.set(attr, updated);
  };
  if (primary) for (const c of [...def.columns.values()]) if (c.column.primaryKey && !columns.includes(c.column.name)) set(c.column.name, { primaryKey: false });
  if (columns.length === 1) set(columns[0], primary ? { primaryKey: true } : { unique: true });
  else {
    if (primary) for (const name of columns) set(name, { primaryKey: true });
    if (!def.keys.some((k) => k.length === columns.length && k.every((x, i) => x === columns[i]))) def.keys.push(columns);
  }
}

/**
 * The operations one step of a revision performs, with the file each belongs to: the step itself, or for
 * `helper_ops.upgrade()` the operations of that module's `upgrade()` (a few modules deep), all at the step's
 * place in history. A module FK Guard cannot find performs nothing it knows of.
 */
function withModules(m: FileFacts, op: MigrationOp, resolver: HistoryResolver, byFile: Map<string, FileFacts>, depth: number): Array<{ m: FileFacts; op: MigrationOp }> {
  if (op.op !== 'run_module') return [{ m, op }];
  const helper = (resolver.moduleFiles?.(op.module) ?? []).map((f) => byFile.get(f)).find((f) => f?.migration && f.file !== m.file);
  if (!helper || depth >= 3) return [];
  return helper.migration!.ops.flatMap((o) => withModules(helper, o, resolver, byFile, depth + 1));
}

/** Removes a column by its database name, and the attribute that pointed at it. */
function dropColumn(def: TableDef, name: string): void {
  const col = def.columns.get(name);
  if (!col) return;
  def.columns.delete(name);
  for (const [attr, c] of def.attrs) if (c === col) def.attrs.delete(attr);
}

/**
 * Path order as migration tools run files: runs of digits compare as numbers (`V2__` before `V10__`,
 * `9_x.sql` before `10_x.sql`), the rest by code unit, so the order never depends on a locale.
 */
export function naturalCompare(a: string, b: string): number {
  const chunk = /(\d+)|(\D+)/g;
  const xs = a.match(chunk) ?? [];
  const ys = b.match(chunk) ?? [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === y) continue;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      // Leading zeros aside, a longer run of digits is a larger number; equal values fall back to the text.
      const nx = x.replace(/^0+(?=\d)/, '');
      const ny = y.replace(/^0+(?=\d)/, '');
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return xs.length - ys.length;
}

/**
 * Migrations that already ran are history: a fix that edits one is still offered, but never preferred, so
 * fix-all and `--fix` leave it alone (`--fix-migrations` takes it); its title says why.
 */
export function demoteHistoryFixes(finding: Finding, isMigration: (file: string) => boolean): void {
  for (const fix of finding.fixes) {
    if (fix.rewritesHistory || !fix.edits.some((e) => isMigration(e.file))) continue;
    fix.rewritesHistory = { preferred: fix.isPreferred };
    fix.isPreferred = false;
    fix.title = `${fix.title} (edits a migration that may already have run)`;
  }
}
