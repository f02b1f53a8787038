import { addColumn, IndexedColumn, newTable, TableDef, tableKey } from './tables';
import { FileFacts, NameExpr, TypeFact } from './types';

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
    private readonly lives: Map<string, Array<{ from: number; to: number; def: TableDef }>>,
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
      return this.lives.get(key)?.find((h) => h.from <= pos && pos < h.to)?.def;
    }
    return this.tables.get(key);
  }

  /**
   * Replays Alembic migrations in revision order (by `down_revision`, then by path) and returns the tables
   * they leave, with their history.
   */
  static replay(files: Iterable<FileFacts>, resolver: HistoryResolver): MigrationHistory {
    const migrations = [...files].filter((f) => f.migration && f.migration.ops.length > 0);
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
    for (const m of [...migrations].sort((a, b) => a.file.localeCompare(b.file))) place(m, 0);

    const state = new Map<string, TableDef>();
    const history = new Map<string, Array<{ from: number; to: number; def: TableDef }>>();
    const begin = (def: TableDef, pos: number) => {
      let list = history.get(def.key);
      if (!list) history.set(def.key, (list = []));
      list.push({ from: pos, to: Infinity, def });
    };
    const end = (key: string, pos: number) => {
      const open = history.get(key)?.find((h) => h.to === Infinity);
      if (open) open.to = pos;
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
          case 'add_column': {
            const def = state.get(tableKey(op.table, op.schema));
            if (def) addColumn(def, op.column, m.file, resolver.resolveType(m.file, op.column.type));
            break;
          }
          case 'drop_column': {
            state.get(tableKey(op.table, op.schema))?.columns.delete(op.column);
            break;
          }
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
              state.set(renamed.key, renamed);
              begin(renamed, pos);
            }
            break;
          }
          case 'alter_column': {
            const def = state.get(tableKey(op.table, op.schema));
            const col = def?.columns.get(op.column);
            if (!def || !col) break;
            const type = resolver.resolveType(m.file, op.type);
            const updated: IndexedColumn = type ? { ...col, type } : col;
            if (op.newName) {
              def.columns.delete(op.column);
              def.columns.set(op.newName, { ...updated, column: { ...updated.column, name: op.newName } });
            } else def.columns.set(op.column, updated);
            break;
          }
        }
      }
    }
    return new MigrationHistory(state, history, new Map(ordered.map((m, i) => [m.file, i])));
  }
}
