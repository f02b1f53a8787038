import type { SchemaIndexResult } from '../../server/src/lsp/protocol';

/** The schema index as a Markdown document: one section per table, its columns in a table. */
export function renderSchemaIndex(index: SchemaIndexResult, relative: (uri: string) => string): string {
  const lines: string[] = ['# FK Guard schema index', ''];
  for (const folder of index.folders) {
    if (index.folders.length > 1) lines.push(`## ${folder.name}`, '');
    lines.push(`${folder.tables.length} tables.`, '');
    for (const table of [...folder.tables].sort((a, b) => a.key.localeCompare(b.key))) {
      lines.push(`### \`${table.key}\``, '');
      for (const d of table.definitions) {
        const where = d.uri ? `${relative(d.uri)}:${d.range.start.line + 1}` : 'declared in the configuration';
        lines.push(`- ${d.origin}${d.className ? ` \`${d.className}\`` : ''} — ${where}`);
      }
      lines.push('', '| column | type | key | where |', '| --- | --- | --- | --- |');
      for (const c of table.columns) {
        const key = [c.primaryKey ? 'primary key' : '', c.unique ? 'unique' : '', c.nullable === false ? 'not null' : '']
          .filter(Boolean)
          .join(', ');
        lines.push(`| \`${c.name}\` | ${c.type ? `\`${c.type}\`` : ''}${c.sqlType ? ` (${c.sqlType})` : ''} | ${key} | ${relative(c.uri)}:${c.range.start.line + 1} |`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}
