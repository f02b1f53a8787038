// `fkguard index`: the schema FK Guard built, as JSON for tools or as a table for people.

import { SchemaSnapshot } from '../../core/schemaSnapshot';
import { displayPath } from './report';

export function formatIndexJson(root: string, schema: SchemaSnapshot): string {
  return JSON.stringify({ version: 1, root, tables: schema.tables }, null, 2) + '\n';
}

export function formatIndexText(root: string, cwd: string, schema: SchemaSnapshot): string {
  const out: string[] = [];
  const where = (file: string, line: number) => `${displayPath({ root, cwd }, file)}:${line + 1}`;
  for (const t of schema.tables) {
    const defs = t.definitions.map((d) => `${where(d.file, d.range.start.line)} (${d.origin}${d.className ? ` ${d.className}` : ''})`);
    out.push(`${t.key}  ${defs.join(', ')}`);
    const nameWidth = Math.max(0, ...t.columns.map((c) => c.name.length));
    const typeWidth = Math.max(0, ...t.columns.map((c) => (c.type ?? '?').length));
    for (const c of t.columns) {
      const flags = [c.primaryKey ? 'primary key' : '', c.unique ? 'unique' : '', c.nullable === false ? 'not null' : '']
        .filter(Boolean)
        .join(', ');
      const sql = c.sqlType ? `  ${c.sqlType}` : '';
      out.push(
        `  ${c.name.padEnd(nameWidth)}  ${(c.type ?? '?').padEnd(typeWidth)}${sql}${flags ? `  [${flags}]` : ''}  ${where(c.file, c.range.start.line)}`,
      );
    }
  }
  out.push(`${out.length === 0 ? 'No tables found' : `${schema.tables.length} ${schema.tables.length === 1 ? 'table' : 'tables'}`}`);
  return out.join('\n') + '\n';
}
