import { addColumn, IndexedColumn, newTable, TableDef, tableKey } from './tables';
import { ColumnFact, FileFacts, NameExpr, TypeFact } from './types';

/** What the replay needs from the schema index: the names and types a migration file spells indirectly. */
export interface HistoryResolver {
  resolveName(file: string, expr: NameExpr | undefined): string | undefined;
  resolveType(file: string, type: TypeFact | undefined): TypeFact | undefined;
}

/** A point in migration history: an operation of a migration file. */
export interface HistoryPoint {
  file: string;
  op: number;
}

/** One version of a table: the positions from which (inclusive) to which (exclusive) it stood. */
interface Life {
  from: number;
  to: number;
  def: TableDef;
}

/** Positions in migration history: a file's place in revision order times this, plus the operation's index. */
const MIGRATION_STRIDE = 1_000_000;

/**
 * The tables migrations make, replayed in revision order: the state they leave, and every table's life
 * span, so a reference inside a migration is checked against the schema at its own point of history.
 */
export class MigrationHistory {
  private constructor(
    /** The tables the last migration leaves. A table that exists only through migrations is still a table. */
    readonly tables: Map<string, TableDef>,
    /** Every table migrations ever made, with the span of positions (file order, operation) it lived. */
    private readonly lives: Map<string, Life[]>,
    private readonly order: Map<string, number>,
  ) {}

  static empty(): MigrationHistory {
    return new MigrationHistory(new Map(), new Map(), new Map());
  }

  /**
   * The migration definition of `key`: at `at` when that is a point of history, else the final state.
   */
  definition(key: string, at?: HistoryPoint): TableDef | undefined {
    const order = at ? this.order.get(at.file) : undefined;
    if (at && order !== undefined) {
      const pos = order * MIGRATION_STRIDE + at.op;
      const lives = this.lives.get(key);
      if (!lives) return undefined;
      // Lives are in order of their start: the last one begun at or before `pos` is the candidate.
      let lo = 0;
      let hi = lives.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (lives[mid].from <= pos) lo = mid + 1;
        else hi = mid;
      }
      const life = lives[lo - 1];
      return life && pos < life.to ? life.def : undefined;
    }
    return this.tables.get(key);
  }

  /**
   * Replays Alembic migrations in revision order (by `down_revision`, then by path) and returns the tables
   * they leave, with their history.
   */
  static replay(files: Iterable<FileFacts>, resolver: HistoryResolver): MigrationHistory {
    // Every migration file has its place, also one that changes no table: its references are checked then.
    const migrations = [...files].filter((f) => f.migration);
    const byRevision = new Map<string, FileFacts>();
    for (const m of migrations) if (m.migration?.revision) byRevision.set(m.migration.revision, m);
    const ordered: FileFacts[] = [];
    const placed = new Set<string>();
    const place = (m: FileFacts, depth: number) => {
      if (placed.has(m.file) || depth > 10000) return;
      placed.add(m.file);
      for (const down of m.migration?.downRevision ?? []) {
        const parent = byRevision.get(down);
        if (parent) place(parent, depth + 1);
      }
      ordered.push(m);
    };
    for (const m of [...migrations].sort((a, b) => naturalCompare(a.file, b.file))) place(m, 0);

    const state = new Map<string, TableDef>();
    const history = new Map<string, Life[]>();
    const begin = (def: TableDef, pos: number) => {
      let list = history.get(def.key);
      if (!list) history.set(def.key, (list = []));
      list.push({ from: pos, to: Infinity, def });
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
      end(key, pos);
      state.set(key, next);
      begin(next, pos);
    };
    for (const [order, m] of ordered.entries()) {
      for (const [i, op] of m.migration!.ops.entries()) {
        const pos = order * MIGRATION_STRIDE + i;
        switch (op.op) {
          case 'create_table': {
            const t = m.tables[op.tableIndex];
            const name = t ? resolver.resolveName(m.file, t.name) : undefined;
            if (!t || !name) break;
            const def = newTable(name, t.schema, 'migration', m.file, t.nameSpan);
            for (const c of t.columns) addColumn(def, c, m.file, resolver.resolveType(m.file, c.type));
            def.keys = t.keys;
            end(def.key, pos);
            state.set(def.key, def);
            begin(def, pos);
            break;
          }
          case 'add_column':
            revise(tableKey(op.table, op.schema), pos, (def) => addColumn(def, op.column, m.file, resolver.resolveType(m.file, op.column.type)));
            break;
          case 'drop_column':
            revise(tableKey(op.table, op.schema), pos, (def) => dropColumn(def, op.column));
            break;
          case 'drop_table':
            state.delete(tableKey(op.table, op.schema));
            end(tableKey(op.table, op.schema), pos);
            break;
          case 'rename_table': {
            const def = state.get(tableKey(op.from, op.schema));
            if (def) {
              state.delete(def.key);
              end(def.key, pos);
              const renamed: TableDef = { ...def, name: op.to, key: tableKey(op.to, op.schema) };
              end(renamed.key, pos);
              state.set(renamed.key, renamed);
              begin(renamed, pos);
            }
            break;
          }
          case 'alter_column': {
            const col = state.get(tableKey(op.table, op.schema))?.columns.get(op.column);
            if (!col) break;
            const type = resolver.resolveType(m.file, op.type);
            // The column as this operation leaves it: its new type as written here (messages show the type
            // at that point of history), and, when the operation says where, this place as its definition.
            const fact: ColumnFact = { ...col.column, name: op.newName ?? col.column.name };
            if (type && op.type) fact.type = op.type;
            if (op.span) fact.span = op.span;
            const updated: IndexedColumn = { column: fact, file: op.span ? m.file : col.file, type: type ?? col.type };
            revise(tableKey(op.table, op.schema), pos, (def) => {
              dropColumn(def, op.column);
              def.columns.set(fact.name, updated);
              def.attrs.set(fact.attr && !op.newName ? fact.attr : fact.name, updated);
            });
            break;
          }
        }
      }
    }
    return new MigrationHistory(state, history, new Map(ordered.map((m, i) => [m.file, i])));
  }
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
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
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
