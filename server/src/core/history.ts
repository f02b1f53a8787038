import type { Dialect } from './config';
import { addColumn, ColumnMap, IndexedColumn, ownAttrs, sameColumn, tableFromFact, TableDef, tableKey, trimColumns } from './tables';
import { pgDefaultName, pgStoredName } from './sql/names';
import { AlembicConfigFact, ColumnFact, FileFacts, Finding, MigrationOp, NameExpr, Span, TypeFact } from './types';

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
  | { kind: 'gone'; def: TableDef; renamedTo?: { name: string; schema?: string }; atEnd?: boolean }
  /**
   * Alembic's multidb template: the point's revision runs on the database `engine`, and only the operations of
   * another database's (`other`) make the table: it never exists in this one.
   */
  | { kind: 'other-database'; def: TableDef; engine: string; other: string };

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

/**
 * A migration file's place: its timeline, its order there, and whether that timeline runs on SQLite. A helper
 * module a revision runs (`helper_ops.upgrade()`) has `step`: all of its operations happen at that step of the
 * revision that runs it, so every reference in it sees history as it stands there.
 */
interface Place {
  timeline: string;
  order: number;
  sqlite: boolean;
  step?: number;
  /** In Alembic's multidb template, the database whose `upgrade_<engine>()` operations this timeline replays. */
  engine?: string;
}

/**
 * An operation that changed a table, for telling whether a reference's verdict depends on the order of
 * parallel revisions: where it happened, and the columns it touched (none: the table itself, made, dropped
 * or renamed).
 */
interface Change {
  pos: number;
  columns?: string[];
}

/**
 * Which revisions of an Alembic timeline are ancestors of which: `bits[i]` has bit `j` set when revision `j`
 * (by order) is an ancestor of revision `i`. Absent for a timeline with no branch, where every earlier
 * revision is an ancestor.
 */
interface Ancestry {
  bits: Uint32Array[];
  files: string[];
  /**
   * `folder`: files of a folder whose order nothing says (see `unorderedFolder`), not branches of a revision graph.
   * `names`: files of a migrations folder whose order the tools that run it do not agree on (see `disputedOrder`).
   */
  kind?: 'folder' | 'names';
}

/** A change to a table its timeline does not have (see `MigrationHistory.changedUnseen`); `columns` unset: the whole table. */
interface BlindChange {
  pos: number;
  file: string;
  columns?: string[];
  /**
   * A key dropped by name (`drop_key`) from a table the timeline does not have: which columns stop being a key is known
   * only from the other folders that make the table (see `placeBlindDrops`); until then the whole table.
   */
  drop?: { name?: string; kind?: string; mysql: boolean };
  /** A drop of a key: it changes which columns are keys, not the columns (a key's own column is as it was). */
  keyOnly?: true;
  /** A drop of a unique constraint or index (by `type_`, or a name that says so): the primary key stays. */
  keepsPrimary?: true;
}

/** What a reference asks `changedUnseen` about: its own column (`own`), or a key whose columns may be the primary key. */
export interface UnseenUse {
  own?: true;
  /** Whether the columns the reference needs are the primary key of the table (asked only when a drop of a unique key may matter). */
  primary?: () => boolean;
  /**
   * Whether the table is made anywhere FK Guard sees (asked only for a change to a table the operation does not name): a
   * change cannot make a table nothing makes.
   */
  exists?: () => boolean;
}

/** Which tables of a timeline change what a key needs while the timeline does not have them: every one (`*`). */
const ANY_TABLE = '*';

/** Positions in migration history: a file's place in its timeline times this, plus the operation's index. */
const MIGRATION_STRIDE = 1_000_000;

/**
 * The tables migrations make, replayed in the order the tools run them: the state they leave, and every
 * table's versions with the span of history each stood, so a reference inside a migration is checked against
 * the schema at its own point of history.
 *
 * Migrations fall into timelines, each replayed on its own: the Alembic revisions of one configuration (a
 * graph of `revision`/`down_revision`, in topological order), and every other migrations folder (SQL, Knex,
 * sequelize-cli), in natural path order, or a drizzle-kit journal's. A revision file outside every folder Alembic's
 * configuration names, and a `.sql` file beside a drizzle-kit journal that does not list it, is outside history: it is
 * never replayed, and its references are not checked.
 */
export class MigrationHistory {
  private constructor(
    /** The tables the last migration of each timeline leaves. A table made only by migrations is a table. */
    readonly tables: Map<string, TableDef>,
    /** Every table version, by timeline and key. */
    private readonly lives: Map<string, Map<string, Life[]>>,
    /** Each migration file's timeline and place in it. */
    private readonly placeOf: Map<string, Place>,
    /** Revision files Alembic never runs: the configuration that says so. */
    private readonly outside: Map<string, string>,
    /** By timeline, the tables (lineages, see `Life`) that stand when its last migration has run, as they are then. */
    private readonly lastingLineages: Map<string, Map<number, TableDef>> = new Map(),
    /** Every change to every table, by timeline and key, in replay order. */
    private readonly changes: Map<string, Map<string, Change[]>> = new Map(),
    /** The ancestry of each Alembic timeline that branches. */
    private readonly ancestry: Map<string, Ancestry> = new Map(),
    /** For a revision of Alembic's multidb template: the database each of its operations runs on, by index. */
    private readonly engines: Map<string, Array<string | undefined>> = new Map(),
    /** The timelines of one multidb configuration, each a database's, by the timeline of each of them. */
    private readonly siblings: Map<string, Array<{ timeline: string; engine: string }>> = new Map(),
    /** By timeline, the tables it changes without ever having them (see `changedUnseen`): the first such change. */
    private readonly blinds: Map<string, Map<string, BlindChange[]>> = new Map(),
    /** By timeline, its files in replay order (a change's file is `files[floor(pos / MIGRATION_STRIDE)]`). */
    private readonly filesOf: Map<string, string[]> = new Map(),
    /** By timeline, tables it makes with `IF NOT EXISTS` that another timeline makes too (see `madeEitherWay`). */
    private readonly contested: Map<string, Map<string, { pos: number; file: string }>> = new Map(),
  ) {}

  /**
   * The migration of the timeline of `at` that, before `at`, makes `key` with `CREATE TABLE IF NOT EXISTS` while another
   * migrations folder makes a table of that name too: the database holds whichever ran first, so the table is not known.
   */
  madeEitherWay(key: string, at: HistoryPoint): string | undefined {
    const place = this.placeAt(at);
    const found = place && this.contested.get(place.timeline)?.get(key);
    return found && found.pos <= this.position(at) ? found.file : undefined;
  }

  /**
   * A migration of ANOTHER timeline that changes `key` (the whole table, or one of `columns`) after making it, where the
   * timeline of `at` never makes the table: the reference sees that table as the other folder leaves it in the end,
   * though the change may run after it (R15-18: a unique constraint added later). Undefined when the other timeline
   * makes the table once and leaves those columns alone.
   */
  changedElsewhere(key: string, at: HistoryPoint, columns?: readonly string[]): string | undefined {
    const place = this.placeAt(at);
    if (!place || this.lives.get(place.timeline)?.has(key)) return undefined;
    for (const [timeline, byKey] of this.changes) {
      if (timeline === place.timeline || timeline.startsWith('test:')) continue;
      const lives = this.lives.get(timeline)?.get(key);
      const list = byKey.get(key);
      if (!lives || !list || list.length < 2) continue;
      const made = lives[0].from;
      const later = list.find((c) => c.pos > made && (!c.columns || !columns || c.columns.some((x) => columns.includes(x))));
      if (later) return this.filesOf.get(timeline)?.[Math.floor(later.pos / MIGRATION_STRIDE)];
    }
    return undefined;
  }

  /**
   * The migration that, in the timeline of `at` and before it, changes `key` while that timeline never has the table:
   * another folder makes it (TypeORM runs the migrations of two folders as one list, `src/migrations/` and
   * `src/enterprise/migrations/`), or code before the migrations does. The timeline cannot replay the change on a table
   * it does not have, and the table as the other folder leaves it misses the change: what the table is at `at` is not
   * known. Undefined when the timeline makes the table itself, or changes it only after `at`.
   */
  changedUnseen(key: string, at: HistoryPoint, columns?: readonly string[], use: UnseenUse = {}): string | undefined {
    const place = this.placeAt(at);
    const blind = place && this.blinds.get(place.timeline);
    if (!blind || this.lives.get(place.timeline)?.has(key)) return undefined;
    const pos = this.position(at);
    // Only a change to the table as a whole, or to one of `columns`, leaves what the reference needs unknown. A change
    // to a table the operation does not name (`ANY_TABLE`) may be to this one. A key dropped changes neither the key's
    // own column nor the primary key, when what was dropped was a unique constraint or index.
    let primary: boolean | undefined;
    const hit = (c: BlindChange) =>
      c.pos <= pos &&
      (!c.columns || !columns || c.columns.some((x) => columns.includes(x))) &&
      !(c.keyOnly && (use.own || (c.keepsPrimary && use.primary && (primary ??= use.primary()))));
    const named = blind.get(key)?.find(hit);
    if (named) return named.file;
    const any = blind.get(ANY_TABLE)?.find(hit);
    return any && use.exists?.() !== false ? any.file : undefined;
  }

  static empty(): MigrationHistory {
    return new MigrationHistory(new Map(), new Map(), new Map(), new Map());
  }

  /**
   * The place of a point: its file's, or in a revision of Alembic's multidb template the one of the database the
   * point's operation runs on (see `MigrationOp.engine`): each has its own timeline.
   */
  private placeAt(at: { file: string; op: number }): Place | undefined {
    const engine = this.engines.get(at.file)?.[at.op];
    return (engine !== undefined ? this.placeOf.get(engineKey(at.file, engine)) : undefined) ?? this.placeOf.get(at.file);
  }

  /**
   * A revision that changes `key` (the table, or one of `columns`) while being neither an ancestor nor a
   * descendant of the revision at `at`: Alembic may run it before or after that one, so what the reference
   * sees of the table depends on an order FK Guard cannot know. Undefined when the order is certain.
   */
  unordered(key: string, at: HistoryPoint, columns?: readonly string[]): { file: string; column?: string; folder?: true; names?: true; before?: string } | undefined {
    const place = this.placeAt(at);
    const ancestry = place && this.ancestry.get(place.timeline);
    const changes = ancestry && this.changes.get(place.timeline)?.get(key);
    if (!place || !ancestry || !changes) return undefined;
    const has = (i: number, j: number) => (ancestry.bits[i][j >>> 5] & (1 << (j & 31))) !== 0;
    const kind = ancestry.kind === 'folder' ? { folder: true as const } : ancestry.kind === 'names' ? { names: true as const } : {};
    const earlier: Array<{ order: number; column?: string }> = [];
    for (const c of changes) {
      const order = Math.floor(c.pos / MIGRATION_STRIDE);
      if (c.columns && columns && !c.columns.some((x) => columns.includes(x))) continue;
      const column = c.columns?.find((x) => columns?.includes(x));
      if (has(place.order, order)) earlier.push({ order, column });
      if (order === place.order || has(place.order, order) || has(order, place.order)) continue;
      return { file: ancestry.files[order], column, ...kind };
    }
    // Files of a folder the tools order differently: two earlier changes to the table whose order they do not agree
    // on leave it as either made it (a column added, then retyped, or the other way round).
    if (ancestry.kind === 'names') {
      for (const a of earlier) {
        for (const b of earlier) {
          if (a.order !== b.order && !has(a.order, b.order) && !has(b.order, a.order)) {
            return { file: ancestry.files[b.order], column: b.column ?? a.column, before: ancestry.files[a.order], ...kind };
          }
        }
      }
    }
    return undefined;
  }

  /** The migration definition of `key`: at `at` when that is a point of history, else the final state. */
  definition(key: string, at?: HistoryPoint): TableDef | undefined {
    const found = at ? this.locate(key, at) : undefined;
    // A table the timeline of `at` never creates nor drops, made elsewhere (a Knex `createTables()` helper run
    // before the migrations, another folder), is part of the state that timeline starts from; not one that only
    // another database of the same multidb configuration makes.
    if (!found) return at && this.otherDatabase(key, at) ? undefined : this.tables.get(key);
    const life = found.lives[found.index - 1];
    return life && found.pos < life.to ? life.def : undefined;
  }

  /** For a table that does not exist at `at`: whether its timeline makes it only later, or dropped it before. */
  absence(key: string, at: HistoryPoint): Absence | undefined {
    const found = this.locate(key, at);
    if (!found) return this.otherDatabase(key, at);
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
    const place = this.placeAt(at);
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
    const place = this.placeAt(at);
    return (place?.order ?? 0) * MIGRATION_STRIDE + (place?.step ?? at.op);
  }

  /**
   * Why `file` is out of history, when it is a migration its tool never runs: a revision in no folder the Alembic
   * configuration names, a `.sql` file drizzle-kit's journal does not list.
   */
  outsideHistory(file: string): string | undefined {
    return this.outside.get(file);
  }

  /**
   * For a point on one database of Alembic's multidb template: the table `key` when this database's operations never
   * make it and another database's do (its last version there).
   */
  private otherDatabase(key: string, at: HistoryPoint): Absence | undefined {
    const place = this.placeAt(at);
    if (place?.engine === undefined || this.lives.get(place.timeline)?.has(key)) return undefined;
    for (const other of this.siblings.get(place.timeline) ?? []) {
      const lives = this.lives.get(other.timeline)?.get(key);
      if (lives && lives.length > 0) return { kind: 'other-database', def: lives[lives.length - 1].def, engine: place.engine, other: other.engine };
    }
    return undefined;
  }

  /** The versions of `key` in the timeline of `at`, and the index of the first one begun after `at`. */
  private locate(key: string, at: HistoryPoint): { lives: Life[]; index: number; pos: number } | undefined {
    const place = this.placeAt(at);
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
    // Natural path order, found once: each timeline's files are sorted several times (by revision, into connected
    // parts, by run order), and comparing two paths chunk by chunk on each step was most of ordering them.
    const rank = new Map(
      all
        .filter((f) => f.migration)
        .map((f) => ({ f, key: runPath(f.file) }))
        .sort((a, b) => naturalCompare(a.key, b.key))
        .map(({ f }, i) => [f, i]),
    );
    const byPath = (a: FileFacts, b: FileFacts) => rank.get(a)! - rank.get(b)!;
    // The same members (a timeline of one connected part, each database's of a multidb template) have the same parents.
    const parentsMemo = new Map<FileFacts[], Map<FileFacts, FileFacts[]>>();
    const parentsOfMembers = (members: FileFacts[]) => {
      let parents = parentsMemo.get(members);
      if (!parents) parentsMemo.set(members, (parents = parentsOf(members, byPath)));
      return parents;
    };
    // A revision folder is left out of history only when FK Guard is sure Alembic never runs it: every
    // configuration literal and no code setting the locations at run time. Otherwise every revision is
    // history, one graph by revision ids, since an error must be proven and not guessed.
    const found = all.filter((f) => f.alembicConfig).sort((a, b) => naturalCompare(a.file, b.file));
    const sure = found.every((c) => c.alembicConfig!.literal) && !all.some((f) => f.setsAlembicLocations);
    const configs = sure ? found : [];
    const timelines = new Map<string, FileFacts[]>();
    const outside = new Map<string, string>();
    // drizzle-kit's journals, by the folder whose `<tag>.sql` files they list (the folder above `meta/`): drizzle's
    // migrator runs those files and no other (R16-9), in the journal's order (R15-17, see `journalOrder`).
    // A journal naming a file the folder does not have is not what runs the folder (drizzle's migrator would stop there:
    // midday's lists one `0000_*` tag the folder lacks, and its files run some other way): it says nothing.
    const journals = new Map<string, { file: string; tags: string[] }>();
    for (const f of all) {
      if (!f.drizzleJournal) continue;
      const dir = f.file.slice(0, Math.max(0, f.file.length - '/meta/_journal.json'.length));
      if (f.drizzleJournal.every((tag) => byFile.get(dir === '' ? `${tag}.sql` : `${dir}/${tag}.sql`)?.migration)) journals.set(dir, { file: f.file, tags: f.drizzleJournal });
    }
    // A module whose `upgrade()` a revision runs is part of that revision, not a history of its own: replayed
    // alone, it would leave its tables as they were before every later revision changed them.
    const helpers = new Set<string>();
    for (const f of all) {
      const ops = f.migration?.ops;
      if (ops) for (let i = 0; i < ops.length; i++) if (ops[i].op === 'run_module') for (const h of helperModules(f, ops[i], resolver, byFile, 0)) helpers.add(h.file);
    }
    // Every migration file has its place, also one that changes no table: its references are checked then.
    for (const f of all) {
      if (!f.migration) continue;
      const isRevision = f.language === 'python' && (f.migration.revision !== undefined || f.migration.downRevision !== undefined);
      if (!isRevision && helpers.has(f.file)) continue;
      let timeline: string;
      if (isRevision && configs.length > 0) {
        const owner = configs.find((c) => runsRevision(c.alembicConfig!, f.file));
        if (!owner) {
          outside.set(f.file, `this revision is in no folder that \`${configs[0].file}\` lets Alembic run, so it is not part of migration history`);
          continue;
        }
        timeline = `alembic:${owner.file}`;
      } else if (isRevision) timeline = 'alembic:';
      else if (journals.size > 0 && notInJournal(f.file, journals)) {
        outside.set(f.file, `drizzle-kit's journal \`${notInJournal(f.file, journals)}\` does not list this file, so drizzle's migrator never runs it: it is not part of migration history`);
        continue;
      }
      // A test beside the migrations (`migrations.test.ts` making the tables it tests with) is no step of the app's
      // history: it is a history of its own, whose tables are not the app's.
      else timeline = TEST_FILE.test(f.file) ? `test:${f.file}` : `folder:${migrationRoot(f.file)}`;
      let list = timelines.get(timeline);
      if (!list) timelines.set(timeline, (list = []));
      list.push(f);
    }
    const tables = new Map<string, TableDef>();
    const lives = new Map<string, Map<string, Life[]>>();
    const placeOf = new Map<string, Place>();
    const lasting = new Map<string, Map<number, TableDef>>();
    const changes = new Map<string, Map<string, Change[]>>();
    const ancestry = new Map<string, Ancestry>();
    const blinds = new Map<string, Map<string, BlindChange[]>>();
    const filesOf = new Map<string, string[]>();
    const madeIfAbsent = new Map<string, Map<string, { pos: number; file: string }>>();
    // Revision graphs with nothing in common (a PostgreSQL tree and a SQLite tree in one folder of
    // revisions) are separate histories, not parallel branches of one: each is replayed on its own.
    for (const [timeline, members] of [...timelines]) {
      if (!timeline.startsWith('alembic:')) continue;
      const parts = components(members, parentsOfMembers(members), byPath);
      if (parts.length < 2) continue;
      timelines.delete(timeline);
      for (const part of parts) timelines.set(`${timeline}#${part[0].file}`, part);
    }
    // Alembic's multidb template (`upgrade_engine1()`, `upgrade_engine2()` in every revision): one history per
    // database, each replaying its own operations (and any a revision runs on every database).
    const engines = new Map<string, Array<string | undefined>>();
    const siblings = new Map<string, Array<{ timeline: string; engine: string }>>();
    const engineOf = new Map<string, string>();
    for (const [timeline, members] of [...timelines]) {
      if (!timeline.startsWith('alembic:')) continue;
      const names = new Set<string>();
      for (const m of members) {
        const tags = m.migration!.ops.map((op) => op.engine);
        if (tags.some((e) => e !== undefined)) engines.set(m.file, tags);
        for (const e of tags) if (e !== undefined) names.add(e);
      }
      if (names.size === 0) continue;
      timelines.delete(timeline);
      const group = [...names].sort(naturalCompare).map((engine) => ({ timeline: `${timeline}\u0000${engine}`, engine }));
      for (const g of group) {
        timelines.set(g.timeline, members);
        engineOf.set(g.timeline, g.engine);
        siblings.set(g.timeline, group.filter((o) => o !== g));
      }
    }
    for (const [timeline, members] of [...timelines].sort((a, b) => naturalCompare(a[0], b[0]))) {
      const engine = engineOf.get(timeline);
      const parents = parentsOfMembers(members);
      const journal = journals.size > 0 && timeline.startsWith('folder:') ? journalOrder(members, journals) : undefined;
      const ordered = revisionOrder(members, parents, byPath, journal);
      // The journal's order is the one drizzle runs: no other order is in question.
      const graph = timeline.startsWith('alembic:') ? ancestryOf(ordered, parents) : journal ? undefined : (unorderedFolder(timeline, ordered) ?? disputedOrder(timeline, ordered));
      if (graph) ancestry.set(timeline, graph);
      // A folder named for SQLite (`migrations-sqlite`, the twin of a PostgreSQL one) runs on SQLite.
      // A folder named for one database (`migrations/mysql/`) runs on that database alone.
      const named = timeline.startsWith('folder:') ? databaseFolderOf(`${timeline.slice('folder:'.length)}/`) : undefined;
      const sqlite = named ? named === 'sqlite' : dialect === 'sqlite' || (timeline.startsWith('folder:') && /sqlite/i.test(timeline));
      for (const [order, m] of ordered.entries()) {
        if (engine === undefined) placeOf.set(m.file, { timeline, order, sqlite });
        else {
          placeOf.set(engineKey(m.file, engine), { timeline, order, sqlite, engine });
          // An operation no database function holds (a revision of another shape): the first database's place.
          if (!placeOf.has(m.file)) placeOf.set(m.file, { timeline, order, sqlite, engine });
        }
      }
      // A helper module takes the place of the first step that runs it.
      for (let order = 0; order < ordered.length; order++) {
        const m = ordered[order];
        const ops = m.migration!.ops;
        for (let step = 0; step < ops.length; step++) {
          if (ops[step].op !== 'run_module') continue;
          for (const h of helperModules(m, ops[step], resolver, byFile, 0)) if (!placeOf.has(h.file)) placeOf.set(h.file, { timeline, order, sqlite, step });
        }
      }
      const mysql = named ? named === 'mysql' : dialect === 'mysql';
      const { state, history, changed, blind, ifAbsent } = replayTimeline(ordered, resolver, byFile, sqlite, mysql, engine);
      if (ifAbsent.size > 0) madeIfAbsent.set(timeline, ifAbsent);
      if (blind.size > 0) blinds.set(timeline, blind);
      filesOf.set(timeline, ordered.map((m) => m.file));
      lives.set(timeline, history);
      changes.set(timeline, changed);
      lasting.set(timeline, new Map([...history.values()].flatMap((list) => list.filter((l) => l.to === Infinity).map((l) => [l.lineage, l.def] as const))));
      if (!timeline.startsWith('test:')) for (const [k, d] of state) tables.set(k, d);
    }
    placeBlindDrops(blinds, lives);
    // A table a timeline makes with `IF NOT EXISTS` that another timeline (not a test's) makes too: which folder's
    // statement made it is the one that ran first, which FK Guard does not know (R15-21).
    const contested = new Map<string, Map<string, { pos: number; file: string }>>();
    for (const [timeline, made] of madeIfAbsent) {
      for (const [key, at] of made) {
        // Folders named for different databases (`migrations/sqlite/` beside `migrations/postgres/`, `migrations-sqlite`)
        // are alternative histories, one per database: they never run into each other.
        const other = [...lives].some(([t, byKey]) => t !== timeline && !t.startsWith('test:') && byKey.has(key) && databaseOfTimeline(t) === databaseOfTimeline(timeline));
        if (!other) continue;
        let own = contested.get(timeline);
        if (!own) contested.set(timeline, (own = new Map()));
        own.set(key, at);
      }
    }
    return new MigrationHistory(tables, lives, placeOf, outside, lasting, changes, ancestry, engines, siblings, blinds, filesOf, contested);
  }
}

/**
 * The keys that drops (`drop_key`) of each timeline take from tables it does not have (R15-22: a second TypeORM folder
 * drops the unique constraint of a table the first folder makes, then keys to it), placed with what the other timelines
 * that may run on the same database make of the table, in every version of it (which one the drop meets is not known):
 * the columns of the key of that name. The whole table where a version may hold the name under a key FK Guard cannot
 * tell, where a constraint's name is no key of any version (code FK Guard does not see made it), or where no other
 * timeline makes the table; no change where an index's name is no key of any version (a plain index, as on a table the
 * timeline has). PostgreSQL's `DROP INDEX name`, which names no table, needs nothing here: an index another folder makes
 * comes with a statement after the table, a change `changedElsewhere` finds.
 */
function placeBlindDrops(blinds: Map<string, Map<string, BlindChange[]>>, lives: Map<string, Map<string, Life[]>>): void {
  const othersOf = (timeline: string) =>
    [...lives].filter(([t]) => t !== timeline && !t.startsWith('test:') && databaseOfTimeline(t) === databaseOfTimeline(timeline)).map(([, byKey]) => byKey);
  for (const [timeline, blind] of blinds) {
    let others: Array<Map<string, Life[]>> | undefined;
    for (const [key, list] of blind) {
      if (!list.some((c) => c.drop)) continue;
      others ??= othersOf(timeline);
      const placed: BlindChange[] = [];
      for (const c of list) {
        if (!c.drop) placed.push(c);
        else {
          const columns = droppedColumns(c.drop, key, others);
          if (columns !== null) placed.push({ pos: c.pos, file: c.file, ...(columns ? { columns } : {}), ...dropScope(c.drop) });
        }
      }
      blind.set(key, placed);
    }
  }
}

/**
 * The columns a key dropped by name from `key` (a table of other timelines) may be, by what those timelines make of the
 * table: undefined for the whole table (not known), null for none (a plain index).
 */
function droppedColumns(drop: NonNullable<BlindChange['drop']>, key: string, others: Array<Map<string, Life[]>>): string[] | undefined | null {
  const columns = new Set<string>();
  let seen = false;
  for (const byKey of others) {
    const versions = byKey.get(key);
    if (!versions) continue;
    let names: Set<string> | undefined;
    const holds = (name: string, def: TableDef) => (names ??= namesOfOthers([...byKey.values()].flatMap((v) => v.map((l) => l.def)), def)).has(name);
    for (const { def } of versions) {
      seen = true;
      const found = (drop.name !== undefined ? recordedName(def, drop.name, drop.mysql) : undefined) ?? keyNamed(def, drop.name, drop.kind, (n) => holds(n, def), drop.mysql);
      if (found === 'unknown') return undefined;
      if (found) for (const col of found.columns) columns.add(col);
      else if (drop.kind !== 'index') return undefined;
    }
  }
  if (!seen) return undefined;
  return columns.size > 0 ? [...columns] : null;
}

/** What a drop of a key leaves alone (see `BlindChange.keyOnly`, `keepsPrimary`). */
function dropScope(drop: NonNullable<BlindChange['drop']>): Pick<BlindChange, 'keyOnly' | 'keepsPrimary'> {
  const unique = drop.kind === 'unique' || drop.kind === 'index' || (drop.kind === undefined && drop.name !== undefined && UNIQUE_NAME.test(drop.name));
  return unique ? { keyOnly: true, keepsPrimary: true } : { keyOnly: true };
}

/** The database a folder timeline's name is for (`…/migrations/mysql`, `migrations-sqlite`), if any. */
function databaseOfTimeline(timeline: string): Dialect | undefined {
  if (!timeline.startsWith('folder:')) return undefined;
  const root = timeline.slice('folder:'.length);
  return databaseFolderOf(`${root}/x`) ?? (/sqlite/i.test(root) ? 'sqlite' : undefined);
}

/** The key of a revision file's place on one database of Alembic's multidb template. */
function engineKey(file: string, engine: string): string {
  return `${file}\u0000${engine}`;
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
  for (let i = parts.length - 1; i >= 0; i--) {
    if (!ROOT_WORD.test(parts[i].replace(/([a-z])([A-Z])/g, '$1_$2'))) continue;
    // A folder named for one database right inside it (`migrations/sqlite/`, `migrations/mysql/`: Diesel's and
    // drizzle-kit's layout for an app that runs on several) holds that database's own history, not a part of
    // one history with its siblings: each database runs only its own folder.
    const end = i + 1 < parts.length && DATABASE_FOLDER.test(parts[i + 1]) ? i + 2 : i + 1;
    return parts.slice(0, end).join('/');
  }
  return parts.join('/');
}

/** A test file (vitest, jest, mocha, node:test names), or a file of a tests folder, of JavaScript or TypeScript. */
const TEST_FILE = /(?:^|\/)(?:__tests__|__mocks__)\/|\.(?:test|spec)\.[cm]?[jt]sx?$/;

/** A folder named for one database, as a migrations folder's subfolders are in apps that support several. */
const DATABASE_FOLDER = /^(sqlite3?|mysql|mariadb|postgres|postgresql|pg)$/i;

/**
 * The database a migration file's folder is named for (`migrations/mysql/…`, see `migrationRoot`): that
 * folder's history runs on it alone, whatever else the project's files target. Undefined for any other file.
 */
export function databaseFolderOf(file: string): Dialect | undefined {
  // Asked for a file on each reference checked (see `SchemaIndex.dialectOf`): the answer depends on the path alone.
  let known = folderDialects.get(file);
  if (known === undefined) {
    if (folderDialects.size >= 100_000) folderDialects.clear();
    folderDialects.set(file, (known = folderDialectOf(file) ?? null));
  }
  return known ?? undefined;
}

/** `databaseFolderOf`'s answers by path (null: none). */
const folderDialects = new Map<string, Dialect | null>();

function folderDialectOf(file: string): Dialect | undefined {
  const parts = file.split('/');
  parts.pop();
  for (let i = parts.length - 1; i > 0; i--) {
    if (!DATABASE_FOLDER.test(parts[i]) || !ROOT_WORD.test(parts[i - 1].replace(/([a-z])([A-Z])/g, '$1_$2'))) continue;
    const name = parts[i].toLowerCase();
    return name.startsWith('sqlite') ? 'sqlite' : name === 'mysql' || name === 'mariadb' ? 'mysql' : 'postgresql';
  }
  return undefined;
}

/** The file a one-migration folder holds (Prisma's `migration.sql`, Diesel's `up.sql`/`down.sql`). */
const STEP_FILE = /^(migration|up|down)\.sql$/i;
/** A folder name with one of these words (split at non-letters and camelCase) holds a history. */
const ROOT_WORD = /(^|[^a-z])(migrations?|migrate|alterations|versions)([^a-z]|$)/i;

/**
 * Each revision's parents: the files its `down_revision` (and `depends_on`: ids or branch labels) name. One id in several files (two Alembic
 * environments in one tree, each with its own copy of a revision) names the copy nearest the child, the one
 * sharing the longest folder path with it, so the environments stay apart.
 */
function parentsOf(members: FileFacts[], byPath: (a: FileFacts, b: FileFacts) => number): Map<FileFacts, FileFacts[]> {
  const byRevision = new Map<string, FileFacts[]>();
  // `depends_on` may also name a branch label (Alembic looks it up in the map that holds both): the revision
  // that declares the label.
  const byLabel = new Map<string, FileFacts[]>();
  const add = (map: Map<string, FileFacts[]>, id: string, m: FileFacts) => {
    const list = map.get(id);
    if (list) list.push(m);
    else map.set(id, [m]);
  };
  for (const m of [...members].sort(byPath)) {
    const id = m.migration?.revision;
    if (!id) continue;
    add(byRevision, id, m);
    for (const label of m.migration?.branchLabels ?? []) add(byLabel, label, m);
  }
  const shared = (a: string, b: string) => {
    const x = a.split('/');
    const y = b.split('/');
    let i = 0;
    while (i < x.length - 1 && i < y.length - 1 && x[i] === y[i]) i++;
    return i;
  };
  const out = new Map<FileFacts, FileFacts[]>();
  for (const m of members) {
    const parents: FileFacts[] = [];
    // `depends_on` orders like a parent: Alembic runs those revisions first.
    const downs = m.migration?.downRevision ?? [];
    for (const [i, id] of [...downs, ...(m.migration?.dependsOn ?? [])].entries()) {
      const copies = byRevision.get(id) ?? (i >= downs.length ? byLabel.get(id) : undefined);
      if (!copies) continue;
      let best = copies[0];
      if (copies.length > 1) for (const c of copies) if (shared(c.file, m.file) > shared(best.file, m.file)) best = c;
      if (best !== m && !parents.includes(best)) parents.push(best);
    }
    out.set(m, parents);
  }
  return out;
}

/**
 * Revision order: parents (`down_revision`, a tuple for a merge) before children, else natural path order.
 * A depth-first walk with an explicit stack, so a history of thousands of revisions cannot overflow.
 */
function revisionOrder(members: FileFacts[], parents: Map<FileFacts, FileFacts[]>, byPath: (a: FileFacts, b: FileFacts) => number, journal?: Map<FileFacts, number>): FileFacts[] {
  const ordered: FileFacts[] = [];
  const state = new Map<string, 'open' | 'done'>();
  // The tool's own order where every file has one: drizzle-kit's journal, TypeORM's class-name timestamps, else logto's
  // file-name times.
  const runs = members.map((m) => (journal ? journal.get(m) : m.migration?.runOrder));
  const stamps = runs.every((t) => t !== undefined) ? runs : members.map((m) => timestampOf(m.file));
  const stamped = stamps.every((t) => t !== undefined) ? new Map(members.map((m, i) => [m.file, stamps[i]!])) : undefined;
  const order = (a: FileFacts, b: FileFacts) => (stamped ? stamped.get(a.file)! - stamped.get(b.file)! : 0) || byPath(a, b);
  for (const root of [...members].sort(order)) {
    if (state.has(root.file)) continue;
    const stack: Array<{ m: FileFacts; next: number }> = [{ m: root, next: 0 }];
    state.set(root.file, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ups = parents.get(top.m) ?? [];
      if (top.next < ups.length) {
        const parent = ups[top.next++];
        // A parent already open is a cycle in the graph: the edge is ignored rather than followed forever.
        if (!state.has(parent.file)) {
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
 * The order drizzle-orm's migrator runs a folder's files in: their places in the journal of the folder each is in
 * (`<folder>/<tag>.sql`, listed in `<folder>/meta/_journal.json`). Undefined unless every file of the timeline is a
 * `.sql` file its folder's journal lists (a file the journal does not list is not run by drizzle; what runs it then,
 * and when, is not known): the order by name stands then.
 */
function journalOrder(members: FileFacts[], journals: Map<string, { tags: string[] }>): Map<FileFacts, number> | undefined {
  const out = new Map<FileFacts, number>();
  for (const m of members) {
    const slash = m.file.lastIndexOf('/');
    const tags = journals.get(slash < 0 ? '' : m.file.slice(0, slash))?.tags;
    if (!tags || !m.file.endsWith('.sql')) return undefined;
    const at = tags.indexOf(m.file.slice(slash + 1, -'.sql'.length));
    if (at < 0) return undefined;
    out.set(m, at);
  }
  return out;
}

/** The journal of a `.sql` file's folder, when it does not list the file (drizzle's migrator never runs it). */
function notInJournal(file: string, journals: Map<string, { file: string; tags: string[] }>): string | undefined {
  if (!file.endsWith('.sql')) return undefined;
  const slash = file.lastIndexOf('/');
  const journal = journals.get(slash < 0 ? '' : file.slice(0, slash));
  return journal && !journal.tags.includes(file.slice(slash + 1, -'.sql'.length)) ? journal.file : undefined;
}

/**
 * The connected parts of a revision graph (revisions joined by their parents), each in path order, the
 * parts ordered by their first file.
 */
function components(members: FileFacts[], parents: Map<FileFacts, FileFacts[]>, byPath: (a: FileFacts, b: FileFacts) => number): FileFacts[][] {
  const sorted = [...members].sort(byPath);
  const index = new Map(sorted.map((m, i) => [m, i]));
  const root = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (root[i] !== i) i = root[i] = root[root[i]];
    return i;
  };
  for (const [i, m] of sorted.entries()) {
    for (const p of parents.get(m) ?? []) {
      const j = index.get(p);
      if (j !== undefined) root[find(i)] = find(j);
    }
  }
  const parts = new Map<number, FileFacts[]>();
  for (const [i, m] of sorted.entries()) {
    const r = find(i);
    let list = parts.get(r);
    if (!list) parts.set(r, (list = []));
    list.push(m);
  }
  return [...parts.values()];
}

/**
 * The ancestors of each revision of `ordered` (parents before children); undefined when the graph has no
 * branch, so that no reference can fall between parallel revisions.
 */
function ancestryOf(ordered: FileFacts[], parentsOfFile: Map<FileFacts, FileFacts[]>): Ancestry | undefined {
  const orderOf = new Map(ordered.map((m, i) => [m, i]));
  const parents = ordered.map((m) => (parentsOfFile.get(m) ?? []).map((p) => orderOf.get(p)).filter((i): i is number => i !== undefined));
  // A chain (each revision's one parent is the revision before it) has nothing parallel in it.
  if (parents.every((p, i) => (i === 0 ? p.length === 0 : p.length === 1 && p[0] === i - 1))) return undefined;
  const words = (ordered.length + 31) >>> 5;
  const bits: Uint32Array[] = [];
  for (const [i, ps] of parents.entries()) {
    const own = new Uint32Array(words);
    for (const p of ps) {
      // A parent placed after its child is an edge of a cycle the order broke: it is no ancestor.
      if (p >= i) continue;
      const theirs = bits[p];
      for (let w = 0; w < words; w++) own[w] |= theirs[w];
      own[p >>> 5] |= 1 << (p & 31);
    }
    bits.push(own);
  }
  return { bits, files: ordered.map((m) => m.file) };
}

/**
 * The files of a folder timeline that nothing orders: a folder whose name does not say migrations, with files not
 * named by a number or a timestamp (`server/models/user.model.js`, `db/schema/rooms.js`). Such files are helpers
 * that code runs in an order of its own (a migration calling `createUsersTable()` then `createLinksTable()`), not
 * their names', so none is before another: a reference to a table another of them makes may run before or after it.
 * Undefined for a folder whose files the tools run in name order.
 */
function unorderedFolder(timeline: string, ordered: FileFacts[]): Ancestry | undefined {
  if (!timeline.startsWith('folder:') || ordered.length < 2) return undefined;
  // A database's own folder inside a migrations folder (see `migrationRoot`) is ordered as that folder is.
  const segments = timeline.slice('folder:'.length).split('/');
  let last = segments.pop()!;
  if (DATABASE_FOLDER.test(last) && segments.length > 0) last = segments.pop()!;
  if (ROOT_WORD.test(last.replace(/([a-z])([A-Z])/g, '$1_$2'))) return undefined;
  if (ordered.every((m) => /^(?:V?\d|R__)/i.test(m.file.slice(m.file.lastIndexOf('/') + 1)))) return undefined;
  const words = (ordered.length + 31) >>> 5;
  return { bits: ordered.map(() => new Uint32Array(words)), files: ordered.map((m) => m.file), kind: 'folder' };
}

/**
 * The files of a migrations folder whose order depends on the tool that runs it: each tool sorts the files by name, but
 * not the same way. sequelize-cli (umzug) and Knex compare names as text (`20170116163901-…` before `201704100000-…`);
 * Flyway, golang-migrate and FK Guard's own replay compare the numbers in them (`201704100000` is the smaller); a tool
 * reading subfolders orders by path (`migrations/2022…` before `migrations/archives/2016…`) or by file name (the
 * other way round), and sequelize-cli does not read them at all. A file is surely before another only when every
 * such order says so: the ancestry says which (`unordered` then keeps every verdict the order decides unchecked).
 * Undefined where all the orders agree, as in nearly every folder (timestamps of one length, zero-padded numbers, no
 * subfolder), and for Flyway's and golang-migrate's names (`V2__…`, `2_….up.sql`), which those tools order by number.
 */
function disputedOrder(timeline: string, ordered: FileFacts[]): Ancestry | undefined {
  if (!timeline.startsWith('folder:') || ordered.length < 2) return undefined;
  // Files named with their run time (logto's `<version>-<seconds>-<name>`), and TypeORM classes named with theirs, are
  // replayed by that number, as the tool runs them.
  if (ordered.every((m) => timestampOf(m.file) !== undefined)) return undefined;
  if (ordered.every((m) => m.migration?.runOrder !== undefined)) {
    // TypeORM's order, known, except around a file of several migration classes whose numbers enclose another file's:
    // its statements are read as one step, and the other file runs somewhere among them (R15-20).
    const spans = ordered.map((m) => [m.migration!.runOrder!, m.migration!.runOrderEnd ?? m.migration!.runOrder!] as const);
    const inside = (i: number, j: number) => spans[i][0] < spans[j][0] && spans[j][0] < spans[i][1];
    if (!ordered.some((_, i) => spans[i][1] > spans[i][0] && ordered.some((__, j) => j !== i && inside(i, j)))) return undefined;
    return namesAncestry(ordered, (j, i) => !inside(i, j) && !inside(j, i));
  }
  const root = timeline.slice('folder:'.length);
  const paths = ordered.map((m) => m.file);
  // A step's name: the file's, or a step folder's (Prisma's `<stamp>_name/migration.sql`).
  const steps = paths.map((p) => {
    const parts = p.split('/');
    const base = parts.pop()!;
    return STEP_FILE.test(base) && parts.length > 0 ? parts.pop()! : base;
  });
  if (steps.every((n) => NUMBERED_BY_TOOL.test(n))) return undefined;
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const ranks = (keys: string[], compare: (a: string, b: string) => number): number[] => {
    const byKey = keys.map((_, i) => i).sort((i, j) => compare(keys[i], keys[j]));
    const rank = new Array<number>(keys.length);
    let r = 0;
    for (const [n, i] of byKey.entries()) {
      if (n > 0 && compare(keys[byKey[n - 1]], keys[i]) !== 0) r = n;
      rank[i] = r;
    }
    return rank;
  };
  // Files right in the folder and in subfolders of it: the step names' orders matter only when some file is deeper.
  const nested = paths.some((p) => p.lastIndexOf('/') > root.length);
  const orders = [ranks(paths, text)];
  // One step's own files (Diesel's `up.sql` and `down.sql`) share its name: they keep their order by path.
  const byStep = (compare: (a: string, b: string) => number) => ranks(paths.map((_, i) => String(i)), (a, b) => compare(steps[+a], steps[+b]) || +a - +b);
  if (nested) orders.push(byStep(naturalCompare), byStep(text));
  // `ordered` is the replay's order (by path, numbers as numbers): rank i for its i-th file.
  if (orders.every((rank) => rank.every((r, i) => r === i))) return undefined;
  return namesAncestry(ordered, (j, i) => orders.every((rank) => rank[j] < rank[i]));
}

/** The `names` ancestry of `ordered`: file `j` is surely before file `i` (j < i in replay order) where `before(j, i)`. */
function namesAncestry(ordered: FileFacts[], before: (j: number, i: number) => boolean): Ancestry {
  const words = (ordered.length + 31) >>> 5;
  const bits = ordered.map((_, i) => {
    const own = new Uint32Array(words);
    for (let j = 0; j < i; j++) if (before(j, i)) own[j >>> 5] |= 1 << (j & 31);
    return own;
  });
  return { bits, files: ordered.map((m) => m.file), kind: 'names' };
}

/**
 * Names the tools that run them order by number: Flyway's `V1__x.sql` / `V1.2__x.sql`, golang-migrate's `1_x.up.sql`;
 * and Flyway's repeatable migrations (`R__x.sql`), which it runs after every versioned one (see `runPath`).
 */
const NUMBERED_BY_TOOL = /^(?:[VU]\d+(?:[._]\d+)*__.*|R__.*|\d+_.*\.(?:up|down)\.sql)$/;

/**
 * A migration's path as its folder's files are run: Flyway applies repeatable migrations (`R__view.sql`) after every
 * versioned one (`V13__x.sql`), whatever their names ("within a single migration run, repeatable migrations are
 * always applied last"), and repeatable ones among themselves by description, as their names sort. Such a name is
 * put after every other name of its folder (a code unit above all others); any other path is itself.
 */
function runPath(file: string): string {
  const slash = file.lastIndexOf('/');
  return file.startsWith('R__', slash + 1) ? `${file.slice(0, slash + 1)}\uffff${file.slice(slash + 1)}` : file;
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
function replayTimeline(
  ordered: FileFacts[],
  resolver: HistoryResolver,
  byFile: Map<string, FileFacts>,
  sqlite = false,
  mysql = false,
  engine?: string,
): {
  state: Map<string, TableDef>;
  history: Map<string, Life[]>;
  changed: Map<string, Change[]>;
  blind: Map<string, BlindChange[]>;
  ifAbsent: Map<string, { pos: number; file: string }>;
} {
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
  const changed = new Map<string, Change[]>();
  /** Tables an operation changes while this timeline does not have them, with the columns it changes (`changedUnseen`). */
  const blind = new Map<string, BlindChange[]>();
  /** Tables this timeline makes with `IF NOT EXISTS` while it has none of that name: the first such statement. */
  const ifAbsent = new Map<string, { pos: number; file: string }>();
  let opFile = '';
  const touch = (key: string, pos: number, columns?: string[], drop?: BlindChange['drop']) => {
    let list = changed.get(key);
    if (!list) changed.set(key, (list = []));
    list.push({ pos, columns });
    // A change to a table this timeline does not have (yet): it cannot be replayed (see `changedUnseen`). A table the
    // timeline makes, now or later, has versions, and `changedUnseen` does not ask about it.
    if (!state.has(key)) blindChange(key, { pos, file: opFile, columns, ...(drop ? { drop, ...dropScope(drop) } : {}) });
  };
  const blindChange = (key: string, change: BlindChange) => {
    let seen = blind.get(key);
    if (!seen) blind.set(key, (seen = []));
    seen.push(change);
  };
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
  const revise = (key: string, pos: number, change: (def: TableDef) => void, maybe?: Maybe) => {
    const current = state.get(key);
    if (!current) return;
    const next = changedCopy(current, change);
    // An operation that may not have run keeps the table as it was as the other outcome.
    if (maybe) next.alt = alternative(current, maybe);
    const lineage = lineageOf(key);
    end(key, pos);
    state.set(key, next);
    begin(next, pos, lineage);
  };
  /** A table version that exists only if an operation that may not have run did not run (or did). */
  const keepMaybe = (key: string, pos: number, maybe: Maybe, other: TableDef | null) => {
    const current = state.get(key);
    if (!current) return;
    const next: TableDef = { ...changedCopy(current, () => undefined), alt: other ? alternative(other, maybe) : { def: null, ...maybe } };
    const lineage = lineageOf(key);
    end(key, pos);
    state.set(key, next);
    begin(next, pos, lineage);
  };
  // Indexed loops, and a step's own operation taken as it is rather than from the one-entry list `withModules` makes:
  // this code runs once a replay, mostly unoptimized, where each step of a loop over an iterator allocated its result
  // (on the bench's 28,633 operations, ~25 MB of the derivation's 88 MB).
  for (let order = 0; order < ordered.length; order++) {
    const revision = ordered[order];
    const steps = revision.migration!.ops;
    for (let i = 0; i < steps.length; i++) for (let k = 0, performed = moduleOps(revision, steps[i], resolver, byFile); k < (performed?.length ?? 1); k++) {
      const step = steps[i];
      const m = performed ? performed[k].m : revision;
      const raw = performed ? performed[k].op : step;
      const maybe = performed ? performed[k].maybe : step.conditional ? { file: revision.file, span: step.conditional } : undefined;
      // Another database's operation (Alembic's multidb template) does not run on this one.
      if (step.engine !== undefined && step.engine !== engine) continue;
      const pos = order * MIGRATION_STRIDE + i;
      opFile = revision.file;
      // `public` is PostgreSQL's default schema: `public.members` and `members` are one table to the database.
      const op = 'schema' in raw && raw.schema === 'public' ? { ...raw, schema: undefined } : raw;
      switch (op.op) {
        case 'create_table': {
          const t = m.tables[op.tableIndex];
          const name = t ? resolver.resolveName(m.file, t.name) : undefined;
          if (!t || !name) break;
          const def = tableFromFact(t, name, t.schema === 'public' ? undefined : t.schema, 'migration', m.file, (type) => resolver.resolveType(m.file, type));
          if (t.keyNames) def.keyNames = new Map(Object.entries(t.keyNames));
          if (t.likeTable) madeLike(def, state.get(keyOf(t.likeTable.name, t.likeTable.schema === 'public' ? undefined : t.likeTable.schema)), t.likeTable.text);
          const standing = state.get(def.key);
          // The database keeps the table it has. Only a table made in the same folder is surely the one this
          // database has: sibling folders (`migrations/mysql/`, `migrations/sqlite/`) are often alternative
          // histories, one per database, replayed here as one, so there the new definition stands as before.
          if (op.ifNotExists && standing && folderOf(standing.file) === folderOf(m.file)) {
            // Where that table may be absent (an earlier operation may not have run), the new one is what stands
            // in that outcome.
            if (!standing.alt || standing.alt.def !== null || maybe) break;
            touch(def.key, pos);
            revise(def.key, pos, () => undefined);
            state.get(def.key)!.alt = { ...standing.alt, def };
            break;
          }
          if (maybe) def.alt = alternative(state.get(def.key) ?? null, maybe);
          // Made only if no table of that name stands: where another folder makes it too, the first to run wins.
          if (op.ifNotExists && !standing && !ifAbsent.has(def.key)) ifAbsent.set(def.key, { pos, file: m.file });
          touch(def.key, pos);
          end(def.key, pos);
          state.set(def.key, def);
          begin(def, pos, ++lineages);
          break;
        }
        case 'add_column':
          touch(keyOf(op.table, op.schema), pos, [op.column.name]);
          revise(keyOf(op.table, op.schema), pos, (def) => addColumn(def, op.column, m.file, resolver.resolveType(m.file, op.column.type)), maybe);
          break;
        case 'drop_column':
          touch(keyOf(op.table, op.schema), pos, [op.column]);
          revise(keyOf(op.table, op.schema), pos, (def) => dropColumn(def, columnOf(def.key, op.column)), maybe);
          break;
        case 'unknown_columns': {
          // Changed by code FK Guard does not follow: the columns it saw stand, others may exist too. A table it
          // cannot name may be any table of the state.
          const table = op.table;
          const keys = table === undefined ? [...state.keys()] : [keyOf(table, op.schema)];
          // Nor does it say the table is one of this timeline's: a table another folder makes may be changed too.
          if (table === undefined) blindChange(ANY_TABLE, { pos, file: opFile });
          for (const key of keys) {
            touch(key, pos);
            revise(
              key,
              pos,
              (def) => {
                def.incomplete = true;
                def.unresolvedBase ??= op.from;
              },
              maybe,
            );
          }
          break;
        }
        case 'drop_table': {
          const key = keyOf(op.table, op.schema);
          touch(key, pos);
          // Dropped or not: the table stays, with "absent" as the other outcome.
          if (maybe) {
            keepMaybe(key, pos, maybe, null);
            break;
          }
          state.delete(key);
          end(key, pos);
          break;
        }
        case 'rename_table': {
          const def = state.get(keyOf(op.from, op.schema));
          // A table moved to another schema (`SET SCHEMA`) is renamed as to its key: `public` is no schema here either.
          const toSchema = op.toSchema === undefined ? op.schema : op.toSchema === 'public' ? undefined : op.toSchema;
          touch(def?.key ?? keyOf(op.from, op.schema), pos);
          touch(tableKey(op.to, toSchema), pos);
          if (def && maybe) {
            // Renamed or not: both names stand, each with the other outcome as its alternative.
            const lineage = lineageOf(def.key);
            const before = state.get(tableKey(op.to, toSchema)) ?? null;
            keepMaybe(def.key, pos, maybe, null);
            const renamed: TableDef = { ...changedCopy(def, () => undefined), ...renamedFrom(def, op.to, toSchema), alt: alternative(before, maybe) };
            end(renamed.key, pos);
            state.set(renamed.key, renamed);
            begin(renamed, pos, lineage);
          } else if (def) {
            const lineage = lineageOf(def.key);
            state.delete(def.key);
            end(def.key, pos);
            const ended = history.get(def.key);
            if (ended) ended[ended.length - 1].renamedTo = { name: op.to, schema: toSchema };
            const renamed: TableDef = { ...def, ...renamedFrom(def, op.to, toSchema) };
            end(renamed.key, pos);
            state.set(renamed.key, renamed);
            begin(renamed, pos, lineage);
          }
          break;
        }
        case 'alter_column': {
          const key = keyOf(op.table, op.schema);
          const column = columnOf(key, op.column);
          touch(key, pos, op.newName ? [column, op.newName] : [column]);
          const current = state.get(key);
          const col = current?.columns.get(column);
          if (!current || !col) break;
          const type = resolver.resolveType(m.file, op.type);
          // An operation that changes nothing FK Guard keeps of the column (a comment, `nullable`, a server default)
          // leaves the version standing as it is: the column keeps its place, its fact and its entries, so a copy
          // would equal it. Not where the copy would differ: another outcome (the copy sets this column in each), a
          // property of another name than the column (the copy keys it by that property), an entry of another name.
          if (type === undefined && op.newName === undefined && !maybe && !current.alt && current.attrs === current.columns && unchangedByAlter(column, col)) break;
          // The column as this operation leaves it: its new type as written here (messages show the type
          // at that point of history), and, when the operation says where, this place as its definition.
          // A rename alone keeps the definition where it is: the type written there is still the column's.
          const retyped = type !== undefined && op.type !== undefined;
          const fact: ColumnFact = { ...col.column, name: op.newName ?? col.column.name };
          if (retyped) fact.type = op.type;
          if (retyped && op.span) fact.span = op.span;
          const updated: IndexedColumn = { column: fact, file: retyped && op.span ? m.file : col.file, type: type ?? col.type };
          // A type the operation does not set stays as unknown as it was (an earlier operation FK Guard could not read).
          if (!retyped && col.unreadable) updated.unreadable = col.unreadable;
          revise(
            key,
            pos,
            (def) => {
              const attr = fact.attr && !op.newName ? fact.attr : fact.name;
              if (attr !== fact.name) ownAttrs(def);
              alterInPlace(def, column, updated, attr);
              // The table's composite keys and named keys follow the column to its new name (R14-12).
              if (fact.name !== column) renameKeyColumn(def, column, fact.name);
            },
            maybe,
          );
          break;
        }
        case 'alter_unknown_table':
          // Which table changed is not known: every column the operation could have changed loses its type
          // (no type verdict on it from here), rather than keeping one that may be wrong. A table this timeline does
          // not have may be the one changed too.
          blindChange(ANY_TABLE, { pos, file: opFile, ...(op.column !== undefined ? { columns: [op.column] } : {}) });
          for (const [key, def] of [...state]) {
            const names = op.column !== undefined ? [op.column] : [...def.columns.keys()];
            if (!names.some((n) => def.columns.get(n)?.type)) continue;
            touch(key, pos, names);
            revise(key, pos, (next) => {
              for (const n of names) {
                const col = next.columns.get(n);
                if (!col?.type) continue;
                const unknown: IndexedColumn = { column: { ...col.column, type: undefined }, file: col.file, type: undefined, unreadable: { file: m.file, span: op.span } };
                next.columns.set(n, unknown);
                for (const [attr, c] of next.attrs) if (sameColumn(c, col)) next.attrs.set(attr, unknown);
              }
            });
          }
          break;
        case 'add_key': {
          // A new primary key also takes the key away from the columns of the old one.
          const key = keyOf(op.table, op.schema);
          // An index that may or may not be unique is an operation that may or may not have made a key.
          const unsure: Maybe | undefined = maybe ?? (op.maybeUnique ? { file: m.file, span: op.maybeUnique, why: 'unknown-unique' } : undefined);
          const columns = op.columns.map((c) => columnOf(key, c));
          const current = state.get(key);
          const before = op.primary && current ? primaryKeyOf(current) : [];
          touch(key, pos, [...columns, ...before]);
          revise(
            key,
            pos,
            (def) => {
              // PostgreSQL's name for `CREATE UNIQUE INDEX ON t (a)`, as it stands when the index is made.
              const name = op.name ?? (op.index ? pgDefaultName(def.name, columns, 'idx', (n) => def.keyNames?.has(n) === true) : undefined);
              if (op.plain) {
                // A name already taken is not this index's (MySQL gives an unnamed one the next free name).
                if (op.name && !def.keyNames?.has(op.name)) def.keyNames = new Map(def.keyNames).set(op.name, []);
              } else if (!op.primary && isKey(def, columns)) {
                // A second unique constraint or index on columns already a key (autogenerate's way from
                // `unique=True, index=True` to a constraint: the constraint is made, then the index dropped).
                // Each is remembered by name, so dropping one of them leaves the columns a key.
                const names = new Map(def.keyNames);
                if (!isPrimary(def, columns) && ![...names.values()].some((k) => sameColumns(k, columns))) names.set(defaultKeyName(def, columns, names), columns);
                const added = name ?? defaultKeyName(def, columns, names);
                names.set(added, columns);
                def.keyNames = names;
                if (isPrimary(def, columns)) def.uniqueOnPrimary = new Set(def.uniqueOnPrimary).add(added);
              } else {
                addKey(def, columns, op.primary === true);
                if (name) def.keyNames = new Map(def.keyNames).set(name, columns);
              }
            },
            unsure,
          );
          break;
        }
        case 'set_persistence':
          touch(keyOf(op.table, op.schema), pos);
          revise(
            keyOf(op.table, op.schema),
            pos,
            (def) => {
              if (op.persistence) def.persistence = op.persistence;
              else delete def.persistence;
            },
            maybe,
          );
          break;
        case 'drop_index': {
          // PostgreSQL's index names are unique in a schema: the table is the one that holds a key of that name there.
          // None: a plain index, or one FK Guard did not see made (see `drop_key`'s `index`).
          const owners = [...state.values()].filter((d) => d.schema === op.schema && recordedName(d, op.name, false) !== undefined);
          if (owners.length !== 1) break;
          dropNamedKey({ op: 'drop_key', table: owners[0].name, schema: owners[0].schema, name: op.name, kind: 'index', span: op.span }, m, pos, maybe);
          break;
        }
        case 'drop_key':
          dropNamedKey(op, m, pos, maybe);
          break;
        case 'rename_key': {
          // The table named, or (an index) the one holding a key of that name in the schema.
          const owners =
            op.table !== undefined
              ? [state.get(keyOf(op.table, op.schema))].filter((d): d is TableDef => d !== undefined)
              : [...state.values()].filter((d) => d.schema === op.schema && recordedName(d, op.name, false) !== undefined);
          if (owners.length !== 1) break;
          const def = owners[0];
          const found = recordedName(def, op.name, mysql) ?? keyNamed(def, op.name, UNIQUE_NAME.test(op.name) ? 'unique' : undefined, otherHolds(def), mysql);
          // A name FK Guard cannot tie to one key stays unknown under its new name too (a drop of it is then unknown).
          if (!found || found === 'unknown') break;
          touch(def.key, pos);
          revise(
            def.key,
            pos,
            (next) => {
              const names = new Map(next.keyNames);
              if (found.name !== undefined) names.delete(found.name);
              names.set(op.to, found.columns);
              next.keyNames = names;
              if (found.name !== undefined && next.uniqueOnPrimary?.has(found.name)) {
                const onPrimary = new Set(next.uniqueOnPrimary);
                onPrimary.delete(found.name);
                next.uniqueOnPrimary = onPrimary.add(op.to);
              }
            },
            maybe,
          );
          break;
        }
        default:
          break;
      }
    }
  }
  for (const lives of history.values()) for (const life of lives) trimColumns(life.def);
  return { state, history, changed, blind, ifAbsent };

  /** `drop_key`: the key of that name stops being one; where FK Guard cannot tell which key that is, every outcome stands. */
  function dropNamedKey(op: Extract<MigrationOp, { op: 'drop_key' }>, m: FileFacts, pos: number, maybe: Maybe | undefined): void {
    // Foreign keys and checks are not keys a reference targets (by `type_`, or by a name that says so:
    // `fk_...`, PostgreSQL's `..._fkey`, `ck_...`); anything else may be.
    if (op.kind === 'foreignkey' || op.kind === 'check') return;
    const key = keyOf(op.table, op.schema);
    const current = state.get(key);
    if (!current) {
      // A table this timeline does not have (another folder makes it): the drop cannot be replayed, and the key it
      // takes away may be one a reference needs. Which key that is, the folders that make the table say.
      if (!op.kind && op.name && NOT_A_KEY_NAME.test(op.name)) return;
      touch(key, pos, undefined, { ...(op.name !== undefined ? { name: op.name } : {}), ...(op.kind !== undefined ? { kind: op.kind } : {}), mysql: mysql || op.mysql === true });
      return;
    }
    const recorded = op.name === undefined ? undefined : recordedName(current, op.name, mysql || op.mysql === true);
    if (!recorded && !op.kind && op.name && NOT_A_KEY_NAME.test(op.name)) return;
    // A name that says unique (`uq_...`, `..._key`) is not the primary key's.
    const kind = op.kind ?? (op.name && UNIQUE_NAME.test(op.name) ? 'unique' : undefined);
    const found = recorded ?? keyNamed(current, op.name, kind, otherHolds(current), mysql || op.mysql === true);
    const dropped = found === 'unknown' ? undefined : found;
    // An index FK Guard did not see made unique (by name, or SQLAlchemy's `ix_<table>_<column>` for a
    // unique indexed column) is taken for a plain index: most are, and a plain one is no key.
    if (!found && op.kind === 'index') return;
    touch(key, pos, dropped?.columns);
    if (dropped) {
      revise(key, pos, (def) => dropKey(def, dropped.columns, dropped.primary, dropped.name ?? op.name), maybe);
      return;
    }
    // Which key went is not known: the table stands as it was, and each of its keys dropped is an
    // outcome too, so a reference that needs one of them gets no verdict; one that needs none keeps it.
    const next = changedCopy(current, () => undefined);
    let tail: TableDef['alt'] = current.alt;
    for (const k of [...candidateKeys(current, kind)].reverse()) {
      const without = changedCopy(current, (def) => dropKey(def, k.columns, k.primary));
      without.alt = tail;
      tail = { def: without, file: m.file, span: op.span, why: 'unknown-constraint', name: op.name };
    }
    next.alt = tail;
    const lineage = lineageOf(key);
    end(key, pos);
    state.set(key, next);
    begin(next, pos, lineage);
  }

  /**
   * The names PostgreSQL may have given the other tables' keys of `def`'s schema: every name they recorded, and the
   * default name of each of their keys. A default name of `def` that one of them may hold is not proven to be `def`'s.
   */
  /**
   * Whether a name is among `otherNames(def)`, those names made only when first asked: most drops name a key `def`
   * recorded, or no default name of it, and never ask (they walked every table of the state on each drop).
   */
  function otherHolds(def: TableDef): (name: string) => boolean {
    let names: Set<string> | undefined;
    return (name) => (names ??= otherNames(def)).has(name);
  }

  function otherNames(def: TableDef): Set<string> {
    return namesOfOthers(state.values(), def);
  }
}

/**
 * The names PostgreSQL may have given the keys of the tables of `tables` in `def`'s schema other than `def`: every name
 * they recorded, and the default name of each of their keys.
 */
function namesOfOthers(tables: Iterable<TableDef>, def: TableDef): Set<string> {
  const out = new Set<string>();
  for (const d of tables) {
    if (d === def || d.key === def.key || d.schema !== def.schema) continue;
    for (const n of d.keyNames?.keys() ?? []) out.add(n);
    const pk = primaryKeyOf(d);
    for (const name of [d.name, ...(d.formerNames ?? [])]) {
      if (pk.length > 0) out.add(pgDefaultName(name, undefined, 'pkey', () => false) ?? '');
      for (const k of candidateKeys(d, 'unique')) {
        out.add(pgDefaultName(name, k.columns, 'key', () => false) ?? '');
        out.add(pgDefaultName(name, k.columns, 'idx', () => false) ?? '');
      }
    }
  }
  return out;
}

/** The name, schema and key of `def` renamed to `to` (in `schema`), with the name it leaves among its former names. */
function renamedFrom(def: TableDef, to: string, schema: string | undefined): Pick<TableDef, 'name' | 'schema' | 'key' | 'formerNames'> {
  const formerNames = to === def.name ? def.formerNames : [...(def.formerNames ?? []), def.name];
  return { name: to, schema, key: tableKey(to, schema), ...(formerNames ? { formerNames } : {}) };
}

/** A key dropped by name: its columns, whether it is the primary key, and the name it was recorded under. */
interface NamedKey {
  columns: string[];
  primary: boolean;
  name?: string;
}

/**
 * The key `def` recorded under `name`: for MySQL (`caseless`), whose index names ignore letter case, in any case; for
 * PostgreSQL, as it keeps names (cut to 63 bytes, see `pgStoredName`).
 */
function recordedName(def: TableDef, name: string, caseless: boolean): NamedKey | undefined {
  let columns = def.keyNames?.get(name);
  let as = name;
  if (!columns && def.keyNames) {
    const same = caseless ? (n: string) => n.toLowerCase() : pgStoredName;
    const wanted = same(name);
    for (const [n, c] of def.keyNames) {
      if (same(n) !== wanted) continue;
      columns = c;
      as = n;
      break;
    }
  }
  return columns ? { columns, primary: columns.length > 0 && isPrimary(def, columns) && !def.uniqueOnPrimary?.has(as), name: as } : undefined;
}

/**
 * The key `name` drops from `def`, which recorded no key of that name: the primary key for `type_="primary"`,
 * else the key whose default name it is. PostgreSQL's: `t_pkey`, `t_a_b_key` (cut to 63 bytes as PostgreSQL
 * cuts them), SQLAlchemy's `ix_<table>_<column>` for an index; MySQL's (`mysql`): `PRIMARY`, and an unnamed unique
 * index's first column. `unknown` when the name is a default name FK Guard cannot prove to be that key's: two keys
 * of `def` would have it, another table of the schema may hold it (`othersHold`, see `otherNames`: PostgreSQL then gives
 * the later key `..._key1`), MySQL's `_2` suffix, or a column holding a foreign key
 * (MySQL may have named an index for the foreign key after it first). Undefined when it is no default name.
 */
function keyNamed(def: TableDef, name: string | undefined, kind: string | undefined, othersHold: (name: string) => boolean, mysql: boolean): NamedKey | 'unknown' | undefined {
  const pk = primaryKeyOf(def);
  if (kind === 'primary') return pk.length > 0 ? { columns: pk, primary: true } : undefined;
  if (name === undefined) return undefined;
  const unique = candidateKeys(def, 'unique');
  if (mysql) {
    const lower = name.toLowerCase();
    if (lower === 'primary') return pk.length > 0 ? { columns: pk, primary: true } : undefined;
    const exact = unique.filter((k) => k.columns[0].toLowerCase() === lower);
    const suffixed = unique.some((k) => lower.startsWith(`${k.columns[0].toLowerCase()}_`) && /^\d+$/.test(lower.slice(k.columns[0].length + 1)));
    if (exact.length === 1 && !suffixed && !def.columns.get(exact[0].columns[0])?.column.hasForeignKey) return exact[0];
    return exact.length > 0 || suffixed ? 'unknown' : undefined;
  }
  const never = () => false;
  // A renamed table's keys keep the names they were made under (PostgreSQL does not rename them).
  const names = [def.name, ...(def.formerNames ?? [])];
  if (kind !== 'index' && pk.length > 0 && names.some((n) => name === pgDefaultName(n, undefined, 'pkey', never))) {
    // A primary key with a name of its own (`CONSTRAINT farms_pk PRIMARY KEY`, or renamed by `RENAME CONSTRAINT`) does
    // not answer to the default name: `DROP CONSTRAINT IF EXISTS farms_pkey` then drops nothing (R15-13). Which key a
    // recorded name on the same columns is (the primary key's, or a unique constraint's) is not always known: unknown.
    if (def.keyNames && [...def.keyNames].some(([n, columns]) => columns.length > 0 && sameColumns(columns, pk) && !def.uniqueOnPrimary?.has(n))) return 'unknown';
    // The key was named after the table's name when it was made: the first name, unless it was made after a rename,
    // which FK Guard does not know. The default name of a later name is then no proof (`estates_pkey` after
    // `farms RENAME TO estates` names no key when the key came with `farms`).
    const first = def.formerNames?.[0];
    if (first !== undefined && name !== pgDefaultName(first, undefined, 'pkey', never)) return 'unknown';
    return othersHold(name) ? 'unknown' : { columns: pk, primary: true };
  }
  const matches = unique.filter((k) => (kind === 'index' ? name === `ix_${def.name}_${k.columns.join('_')}` : names.some((n) => name === pgDefaultName(n, k.columns, 'key', never))));
  if (matches.length === 1 && (kind === 'index' || !othersHold(name))) return matches[0];
  return matches.length > 0 ? 'unknown' : undefined;
}

/** Constraint names that say foreign key or check (`fk_a_b`, `a_b_fkey`, `ck_x`, `chk_x`, `check_x`, `x_check`), dropped without a `type_`. */
const NOT_A_KEY_NAME = /^(fk|ck|chk|check)[_-]|_(fkey|fk|check|chk)$/i;

/** Constraint names that say unique (`uq_a_b`, PostgreSQL's `a_b_key`), so not the primary key. */
const UNIQUE_NAME = /^uq[_-]|_(key\d*|uniq|unique)$/i;

/** The keys of `def` a constraint drop of this kind could remove: unique columns and composite keys, and the primary key unless `unique`. */
function candidateKeys(def: TableDef, kind: string | undefined): Array<{ columns: string[]; primary: boolean }> {
  const pk = primaryKeyOf(def);
  const out: Array<{ columns: string[]; primary: boolean }> = [];
  if (kind !== 'unique' && kind !== 'index' && pk.length > 0) out.push({ columns: pk, primary: true });
  for (const c of def.columns.values()) if (c.column.unique) out.push({ columns: [c.column.name], primary: false });
  for (const k of def.keys) if (!sameColumns(k, pk)) out.push({ columns: k, primary: false });
  return out;
}

/** Makes `columns` no longer a key of the table: the primary key, a unique column, or a composite key. */
function dropKey(def: TableDef, columns: readonly string[], primary: boolean, name?: string): void {
  const set = (col: string, change: Partial<ColumnFact>) => {
    const c = def.columns.get(col);
    if (!c) return;
    const updated: IndexedColumn = { ...c, column: { ...c.column, ...change } };
    def.columns.set(col, updated);
    for (const [attr, x] of def.attrs) if (sameColumn(x, c)) def.attrs.set(attr, updated);
  };
  if (name !== undefined && def.keyNames?.has(name)) {
    def.keyNames = new Map(def.keyNames);
    def.keyNames.delete(name);
  }
  if (name !== undefined && def.uniqueOnPrimary?.has(name)) {
    const rest = new Set(def.uniqueOnPrimary);
    rest.delete(name);
    def.uniqueOnPrimary = rest;
  }
  // Another unique constraint or index on the same columns stays, and keeps them a key.
  if (!primary && def.keyNames && [...def.keyNames.values()].some((k) => sameColumns(k, columns))) return;
  if (primary) {
    for (const col of columns) set(col, { primaryKey: false });
    // The table is then known to have no primary key, as when a migration drops the key's column (see `dropColumn`).
    if (columns.length > 0) def.primaryKeyDropped = true;
  } else if (columns.length === 1) set(columns[0], { unique: false });
  def.keys = def.keys.filter((k) => !sameColumns(k, columns));
}

/** A column renamed from `from` to `to` in every composite key and named key of `def` (each list copied, never changed in place). */
function renameKeyColumn(def: TableDef, from: string, to: string): void {
  const rename = (k: string[]) => (k.includes(from) ? k.map((c) => (c === from ? to : c)) : k);
  if (def.keys.some((k) => k.includes(from))) def.keys = def.keys.map(rename);
  if (def.keyNames && [...def.keyNames.values()].some((k) => k.includes(from))) def.keyNames = new Map([...def.keyNames].map(([n, k]) => [n, rename(k)]));
}

/** Whether two lists name the same columns (a key's columns in any order). */
function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** The primary key's columns of `def` (none when it has no primary key). */
function primaryKeyOf(def: TableDef): string[] {
  return [...def.columns.values()].filter((c) => c.column.primaryKey).map((c) => c.column.name);
}

/** The columns form the primary key of `def`. */
function isPrimary(def: TableDef, columns: readonly string[]): boolean {
  const pk = primaryKeyOf(def);
  return pk.length > 0 && sameColumns(pk, columns);
}

/** The columns are a key of `def` already: the primary key, a unique column, or a composite key. */
function isKey(def: TableDef, columns: readonly string[]): boolean {
  if (columns.length === 0) return false;
  if (isPrimary(def, columns)) return true;
  if (columns.length === 1) return def.columns.get(columns[0])?.column.unique === true;
  return def.keys.some((k) => sameColumns(k, columns));
}

/** PostgreSQL's name for an unnamed unique constraint (`t_a_b_key`, then `t_a_b_key1`, ...), free in `names`. */
function defaultKeyName(def: TableDef, columns: readonly string[], names: ReadonlyMap<string, unknown>): string {
  const base = `${def.name}_${columns.join('_')}_key`;
  let name = base;
  for (let i = 1; names.has(name); i++) name = `${base}${i}`;
  return name;
}

/** Where an operation that may not have run is written. */
interface Maybe {
  file: string;
  span: Span;
  /** `unknown-unique`: not a statement that may not run, but an index whose `unique=` FK Guard cannot evaluate. */
  why?: 'unknown-unique';
}

/** How many operations that may not have run one table version remembers before it gives up on the rest. */
const MAX_ALTERNATIVES = 12;

/** `other` as the outcome where the operation at `maybe` did not run, its own alternatives kept up to a limit. */
function alternative(other: TableDef | null, maybe: Maybe): NonNullable<TableDef['alt']> {
  let depth = 0;
  for (let d = other; d?.alt; d = d.alt.def) depth++;
  // Past the limit the older outcomes are not followed: "unknown" stands for them, which no verdict matches.
  return { def: depth >= MAX_ALTERNATIVES ? null : other, ...maybe };
}

/**
 * Whether an `alter_column` that neither retypes nor renames `column` (as `col`, its entry) would leave a copy of a
 * table equal to it: the copy sets the column again as the same fact, in its place (see `alterInPlace`), so it holds
 * the same entries unless the entry is of another name than its column's, or its property is.
 */
function unchangedByAlter(column: string, col: IndexedColumn): boolean {
  return col.column.name === column && (col.column.attr === undefined || col.column.attr === column);
}

/**
 * `column` of `def` as an `alter_column` leaves it: `updated` (under its new name when renamed), in the place the
 * column had. The database keeps a column's place when it changes its type, its name or anything else of it
 * (PostgreSQL's `ALTER COLUMN` / `RENAME COLUMN`, MySQL's `MODIFY` / `CHANGE` without `FIRST` / `AFTER`, Alembic's
 * batch copy on SQLite), and a primary-key column altered stays the key's. The properties that named the column name
 * `updated` as `attr`, in the place of the first of them. A column the table does not have (in an outcome where an
 * earlier operation may not have run), or a new name another column holds, is set last, as before.
 */
function alterInPlace(def: TableDef, column: string, updated: IndexedColumn, attr: string): void {
  const name = updated.column.name;
  const col = def.columns.get(column);
  if (!col || (name !== column && def.columns.has(name))) {
    dropColumn(def, column);
    def.columns.set(name, updated);
    def.attrs.set(attr, updated);
    return;
  }
  const shared = def.attrs === def.columns;
  def.columns = replacedInPlace(def.columns, (n) => n === column, name, updated);
  if (shared) def.attrs = def.columns;
  else def.attrs = replacedInPlace(def.attrs, (n, c) => n === attr || sameColumn(c, col), attr, updated);
}

/**
 * `map` with the entries `held` holds for replaced by `name` → `column`, in the place of the first of them. An entry
 * replaced under its own name is set where it is; otherwise the map is copied (it is a version's own copy already).
 */
function replacedInPlace(map: ColumnMap, held: (name: string, column: IndexedColumn) => boolean, name: string, column: IndexedColumn): ColumnMap {
  let first: string | undefined;
  let count = 0;
  for (const [n, c] of map) {
    if (!held(n, c)) continue;
    first ??= n;
    count++;
  }
  if (first === undefined) return map.set(name, column);
  if (count === 1 && first === name) return map.set(name, column);
  const out = new ColumnMap(map.file);
  let placed = false;
  for (const [n, c] of map) {
    if (!held(n, c)) out.set(n, c);
    else if (!placed) {
      out.set(name, column);
      placed = true;
    }
  }
  return out;
}

/**
 * A copy of a table version with `change` applied, in every outcome it remembers (an operation that surely
 * ran changed the table whichever way the earlier uncertain one went).
 */
function changedCopy(def: TableDef, change: (def: TableDef) => void): TableDef {
  // The keys list is shared with the version before: a change gives the copy a new list (see `addKey`, `dropKey`).
  const columns = new ColumnMap(def.columns);
  const next: TableDef = { ...def, columns, attrs: def.attrs === def.columns ? columns : new ColumnMap(def.attrs) };
  change(next);
  if (def.alt) next.alt = { ...def.alt, def: def.alt.def && changedCopy(def.alt.def, change) };
  return next;
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
    for (const [attr, x] of def.attrs) if (sameColumn(x, c)) def.attrs.set(attr, updated);
  };
  if (primary) for (const c of [...def.columns.values()]) if (c.column.primaryKey && !columns.includes(c.column.name)) set(c.column.name, { primaryKey: false });
  if (columns.length === 1) set(columns[0], primary ? { primaryKey: true } : { unique: true });
  else {
    if (primary) for (const name of columns) set(name, { primaryKey: true });
    if (!def.keys.some((k) => k.length === columns.length && k.every((x, i) => x === columns[i]))) def.keys = [...def.keys, columns];
  }
}

/**
 * The operations one step of a revision performs, with the file each belongs to: the step itself, or for
 * `helper_ops.upgrade()` the operations of that module's `upgrade()` (a few modules deep), all at the step's
 * place in history. A module FK Guard cannot find performs nothing it knows of.
 */
function withModules(
  m: FileFacts,
  op: MigrationOp,
  resolver: HistoryResolver,
  byFile: Map<string, FileFacts>,
  depth: number,
  outer?: Maybe,
): Array<{ m: FileFacts; op: MigrationOp; maybe?: Maybe }> {
  // A helper run where it may not run makes every operation of its own uncertain too.
  const maybe = op.conditional ? { file: m.file, span: op.conditional } : outer;
  if (op.op !== 'run_module') return [{ m, op, maybe }];
  const helper = runModule(m, op.module, resolver, byFile);
  if (!helper || depth >= 3) return [];
  return helper.migration!.ops.flatMap((o) => withModules(helper, o, resolver, byFile, depth + 1, maybe));
}

/** What `withModules` gives for a step that runs a helper module (`run_module`); undefined for any other step, which performs itself. */
function moduleOps(m: FileFacts, op: MigrationOp, resolver: HistoryResolver, byFile: Map<string, FileFacts>): Array<{ m: FileFacts; op: MigrationOp; maybe?: Maybe }> | undefined {
  return op.op === 'run_module' ? withModules(m, op, resolver, byFile, 0) : undefined;
}

const NO_FILES: readonly FileFacts[] = [];

/** The helper modules one step of a revision runs (`helper_ops.upgrade()`), and those they run in turn. */
function helperModules(m: FileFacts, op: MigrationOp, resolver: HistoryResolver, byFile: Map<string, FileFacts>, depth: number): readonly FileFacts[] {
  if (op.op !== 'run_module') return NO_FILES;
  const helper = runModule(m, op.module, resolver, byFile);
  if (!helper || depth >= 3) return [];
  return [helper, ...helper.migration!.ops.flatMap((o) => helperModules(helper, o, resolver, byFile, depth + 1))];
}

/** The workspace module a `run_module` step names, when it holds migration operations of its own. */
function runModule(m: FileFacts, module: string, resolver: HistoryResolver, byFile: Map<string, FileFacts>): FileFacts | undefined {
  return (resolver.moduleFiles?.(module) ?? []).map((f) => byFile.get(f)).find((f) => f?.migration && f.file !== m.file);
}

/** Removes a column by its database name, and the attribute that pointed at it. */
/**
 * A table made like another (`LIKE source INCLUDING ALL`): the source's columns and keys (primary key, unique
 * constraints and indexes) come first, then its own. A source history does not hold leaves its columns unknown.
 */
function madeLike(def: TableDef, source: TableDef | undefined, text: string): void {
  if (!source) {
    def.incomplete = true;
    def.unresolvedBase ??= text;
    return;
  }
  const own = [...def.columns.values()];
  def.columns = def.attrs = new ColumnMap(def.file);
  for (const c of source.columns.values()) addColumn(def, c.column, c.file, c.type);
  for (const c of own) addColumn(def, c.column, c.file, c.type);
  def.keys = [...source.keys, ...def.keys];
  if (source.incomplete) {
    def.incomplete = true;
    def.unresolvedBase ??= source.unresolvedBase ?? source.unresolvedColumn ?? text;
  }
}

function dropColumn(def: TableDef, name: string): void {
  const col = def.columns.get(name);
  if (!col) return;
  if (col.column.primaryKey) def.primaryKeyDropped = true;
  def.columns.delete(name);
  for (const [attr, c] of def.attrs) if (sameColumn(c, col)) def.attrs.delete(attr);
}

/**
 * Path order as migration tools run files: runs of digits compare as numbers (`V2__` before `V10__`,
 * `9_x.sql` before `10_x.sql`), the rest by code unit, so the order never depends on a locale.
 */
export function naturalCompare(a: string, b: string): number {
  // Chunk by chunk (runs of digits, runs of anything else), read in place: splitting both paths with a regular
  // expression on every comparison was a fifth of replaying a history of 400 revisions, sorted three times.
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const digits = isDigit(a.charCodeAt(i));
    const ei = chunkEnd(a, i, digits);
    const ej = chunkEnd(b, j, isDigit(b.charCodeAt(j)));
    if (ei - i !== ej - j || !sameText(a, i, b, j, ei - i)) {
      if (digits && isDigit(b.charCodeAt(j))) {
        // Leading zeros aside, a longer run of digits is a larger number; equal values fall back to the text.
        let zi = i;
        while (zi < ei - 1 && a.charCodeAt(zi) === 48) zi++;
        let zj = j;
        while (zj < ej - 1 && b.charCodeAt(zj) === 48) zj++;
        if (ei - zi !== ej - zj) return ei - zi - (ej - zj);
        for (let k = 0; k < ei - zi; k++) {
          const x = a.charCodeAt(zi + k);
          const y = b.charCodeAt(zj + k);
          if (x !== y) return x < y ? -1 : 1;
        }
      }
      // By code unit, as `<` compares strings.
      const n = Math.min(ei - i, ej - j);
      for (let k = 0; k < n; k++) {
        const x = a.charCodeAt(i + k);
        const y = b.charCodeAt(j + k);
        if (x !== y) return x < y ? -1 : 1;
      }
      return ei - i < ej - j ? -1 : 1;
    }
    i = ei;
    j = ej;
  }
  // One is the other's first chunks: the difference of their numbers of chunks.
  return chunkCount(a, i) - chunkCount(b, j);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The end of the chunk (a run of digits, or of anything else) that begins at `from`. */
function chunkEnd(s: string, from: number, digits: boolean): number {
  let e = from + 1;
  while (e < s.length && isDigit(s.charCodeAt(e)) === digits) e++;
  return e;
}

function chunkCount(s: string, from: number): number {
  let n = 0;
  for (let i = from; i < s.length; i = chunkEnd(s, i, isDigit(s.charCodeAt(i)))) n++;
  return n;
}

function sameText(a: string, i: number, b: string, j: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (a.charCodeAt(i + k) !== b.charCodeAt(j + k)) return false;
  return true;
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

function folderOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}
