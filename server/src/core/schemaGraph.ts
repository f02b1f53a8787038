// The foreign keys of a workspace as edges between tables, for the schema view and the diagram. Each reference
// is resolved by the rules' own `resolveReference`, so the view never disagrees with the squiggles: an edge is
// `broken` exactly where a rule reports the target missing, and `unchecked` where FK Guard cannot be certain.
import { resolveReference } from './rules/resolve';
import type { SchemaIndex } from './schemaIndex';
import { tableKey } from './tables';
import type { FileFacts, Range } from './types';

export interface ForeignKeyEdge {
  /** Where the reference is written. */
  file: string;
  range: Range;
  /** The referencing table (its index key) and column, when FK Guard can tell which they are. */
  from?: { table: string; column?: string };
  /** The referenced table (index key) and column as resolved, or as written when they do not exist. */
  to?: { table: string; column?: string };
  /** The target as written (`users.id`, `User.id`). */
  display: string;
  state: 'ok' | 'broken' | 'unchecked';
}

export function foreignKeyEdges(index: SchemaIndex, files: Iterable<FileFacts>): ForeignKeyEdge[] {
  const edges: ForeignKeyEdge[] = [];
  for (const facts of files) {
    for (const ref of facts.references) {
      const { display, resolution } = resolveReference(facts, ref, index);
      let from: ForeignKeyEdge['from'];
      if (ref.source.className) {
        const mapping = index.classTable(facts.file, ref.source.className, ref.span.start);
        if (mapping?.table) from = { table: mapping.table.key, column: ref.source.column };
      } else {
        const name = index.resolveName(facts.file, ref.source.table);
        if (name) from = { table: index.coreTableIn(facts.file, name, ref.source.schema)?.key ?? tableKey(name, ref.source.schema), column: ref.source.column };
      }
      let to: ForeignKeyEdge['to'];
      let state: ForeignKeyEdge['state'] = 'unchecked';
      if (resolution.kind === 'ok') {
        to = { table: resolution.def.key, column: resolution.column.column.name };
        state = 'ok';
      } else if (resolution.kind === 'no-table' && !resolution.absence) {
        to = { table: tableKey(resolution.table, resolution.schema), column: resolution.column };
        state = 'broken';
      } else if (resolution.kind === 'no-column' && resolution.defs.length > 0 && !resolution.defs.some((d) => d.incomplete)) {
        to = { table: resolution.defs[0].key, column: resolution.column };
        state = 'broken';
      } else if (resolution.kind === 'no-class') {
        state = 'broken';
      }
      edges.push({ file: facts.file, range: index.rangeIn(facts.file, ref.span), from, to, display, state });
    }
  }
  return edges;
}
