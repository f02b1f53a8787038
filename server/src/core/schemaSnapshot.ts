import type { TableDef } from './tables';
import type { Range, Span, TypeFamily } from './types';

/** The schema index as plain data, for `fkguard index` and the editor's "Show Schema Index". */
export interface SchemaSnapshot {
  tables: SnapshotTable[];
}

export interface SnapshotTable {
  /** `schema.name` or `name`. */
  key: string;
  name: string;
  schema?: string;
  definitions: Array<{ file: string; range: Range; origin: 'model' | 'core' | 'migration' | 'external'; className?: string }>;
  columns: SnapshotColumn[];
}

export interface SnapshotColumn {
  name: string;
  /** The type as written (`String(255)`, `Mapped[int]`), if known. */
  type?: string;
  family?: TypeFamily;
  sqlType?: string;
  primaryKey: boolean;
  unique: boolean;
  nullable?: boolean;
  file: string;
  range: Range;
}

/** What a snapshot reads of the schema index. */
export interface SnapshotSource {
  allTableKeys(): string[];
  definitions(key: string): TableDef[];
  rangeIn(file: string, span: Span): Range;
}

/** The index's tables as plain data, sorted by key; each column is taken from the first definition that has it. */
export function snapshotOf(index: SnapshotSource): SchemaSnapshot {
  const tables: SchemaSnapshot['tables'] = [];
  for (const key of [...index.allTableKeys()].sort()) {
    const defs = index.definitions(key);
    const columns = new Map<string, SchemaSnapshot['tables'][number]['columns'][number]>();
    for (const d of defs) {
      for (const c of d.columns.values()) {
        if (columns.has(c.column.name)) continue;
        columns.set(c.column.name, {
          name: c.column.name,
          type: c.column.type?.source === 'explicit' ? c.column.type.text : c.column.annotation ? `Mapped[${c.column.annotation.text}]` : undefined,
          family: c.type?.family,
          sqlType: c.type?.sqlType || undefined,
          primaryKey: c.column.primaryKey,
          unique: c.column.unique,
          nullable: c.column.nullable,
          file: c.file,
          range: index.rangeIn(c.file, c.column.span),
        });
      }
    }
    tables.push({
      key,
      name: defs[0].name,
      schema: defs[0].schema,
      definitions: defs.map((d) => ({ file: d.file, range: index.rangeIn(d.file, d.span), origin: d.origin, className: d.className })),
      columns: [...columns.values()],
    });
  }
  return { tables };
}
