import { Range, TypeFamily } from './types';

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
