import { knownType } from './typeFamilies';
import { addColumn, newTable, TableDef, tableKey } from './tables';
import type { ColumnFact, TypeFact, TypeFamily } from './types';

/**
 * Adds one `external-tables` entry of the configuration to `externals`: a table (and optionally its key
 * column with a type) that lives outside the workspace, so references to it are not unknown.
 */
export function addExternalTable(externals: Map<string, TableDef>, spec: string): void {
  // `users`, `auth.users`, `users.id:uuid`, `auth.users.id:uuid`
  const [path, typeName] = spec.split(':');
  const parts = path.split('.').filter(Boolean);
  if (parts.length === 0) return;
  let schema: string | undefined;
  let table: string;
  let column: string | undefined;
  if (typeName !== undefined) {
    column = parts.pop();
    table = parts.pop()!;
    schema = parts.pop();
  } else if (parts.length >= 2) {
    table = parts.pop()!;
    schema = parts.pop();
  } else table = parts[0];
  if (!table) return;
  const key = tableKey(table, schema);
  const def = externals.get(key) ?? newTable(table, schema, 'external', '', { start: 0, end: 0 });
  def.incomplete = true;
  if (column) {
    const known = typeName ? knownType(typeName) : undefined;
    const t: TypeFact | undefined = known
      ? { text: typeName, name: typeName, family: known.family, sqlType: known.sqlType, source: 'explicit' }
      : typeName
        ? sqlTypeFact(typeName)
        : undefined;
    const col: ColumnFact = { name: column, type: t, primaryKey: true, unique: true, span: { start: 0, end: 0 } };
    addColumn(def, col, '', t);
  }
  externals.set(key, def);
}

function sqlTypeFact(sqlType: string): TypeFact {
  const lower = sqlType.toLowerCase();
  const family: TypeFamily = /int|serial/.test(lower)
    ? 'integer'
    : /char|text/.test(lower)
      ? 'string'
      : lower === 'uuid'
        ? 'uuid'
        : /numeric|decimal/.test(lower)
          ? 'numeric'
          : 'other';
  return { text: sqlType, name: sqlType, family, sqlType: lower, source: 'explicit' };
}
