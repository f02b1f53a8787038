// Which tables the diagram shows, and the messages between the extension and the webview. Plain data, no
// `vscode`: the webview bundle imports the types too.
import type { SchemaGraphEdge, SchemaGraphResult, SchemaIndexTable } from '../../server/src/lsp/protocol';

/** Below this many tables the diagram shows the whole schema, whatever file is open. */
export const WHOLE_SCHEMA_UP_TO = 25;

type RangeLike = SchemaGraphEdge['range'];

export interface DiagramTable {
  key: string;
  columns: Array<{ name: string; type?: string; primaryKey: boolean; unique: boolean; nullable?: boolean; uri?: string; range?: RangeLike }>;
  uri?: string;
  range?: RangeLike;
  /** A table of the file the diagram was opened for. */
  focus: boolean;
  /** Named by a broken foreign key, defined nowhere. */
  missing: boolean;
}

export interface DiagramEdge {
  from: string;
  fromColumn?: string;
  to: string;
  toColumn?: string;
  broken: boolean;
  display: string;
  uri: string;
  range: RangeLike;
}

export interface DiagramData {
  title: string;
  tables: DiagramTable[];
  edges: DiagramEdge[];
  /** Hops from the file's tables; 0 when the whole schema is shown. */
  depth: number;
  /** Tables in the schema, and whether more neighbours exist beyond what is shown. */
  total: number;
  canExpand: boolean;
}

export type DiagramMessage =
  | { type: 'ready' }
  | { type: 'drawn'; tables: number; edges: number; brokenEdges: number }
  | { type: 'open'; uri: string; range: RangeLike }
  | { type: 'expand' }
  | { type: 'export'; svg: string }
  | { type: 'svg'; svg: string };

/**
 * The tables of the file `focus` (defined in it, or named by its foreign keys) and their neighbours up to `depth`
 * hops along foreign keys, in the folder holding the file; the whole schema when it is small or the file has none.
 */
export function selectDiagram(graph: SchemaGraphResult, focus: string | undefined, depth: number): DiagramData {
  const folder = graph.folders.find((f) => focus?.startsWith(f.uri.endsWith('/') ? f.uri : `${f.uri}/`)) ?? graph.folders[0];
  if (!folder) return { title: 'FK Guard Diagram', tables: [], edges: [], depth: 0, total: 0, canExpand: false };
  const byKey = new Map(folder.tables.map((t) => [t.key, t]));
  const edges = folder.foreignKeys.filter((e) => e.from && e.to && e.state !== 'unchecked' && byKey.has(e.from.table));
  const seeds = new Set<string>();
  if (focus) {
    for (const t of folder.tables) if (t.definitions.some((d) => d.uri === focus)) seeds.add(t.key);
    for (const e of edges) if (e.uri === focus) seeds.add(e.from!.table);
  }
  const whole = folder.tables.length <= WHOLE_SCHEMA_UP_TO || seeds.size === 0;
  const shown = new Set<string>(whole ? folder.tables.map((t) => t.key) : seeds);
  let canExpand = false;
  if (!whole) {
    for (let hop = 0; hop < depth; hop++) {
      const next = new Set(shown);
      for (const e of edges) {
        if (shown.has(e.from!.table) && byKey.has(e.to!.table)) next.add(e.to!.table);
        if (shown.has(e.to!.table)) next.add(e.from!.table);
      }
      for (const k of next) shown.add(k);
    }
    canExpand = edges.some((e) => (shown.has(e.from!.table) && byKey.has(e.to!.table) && !shown.has(e.to!.table)) || (shown.has(e.to!.table) && !shown.has(e.from!.table)));
  }
  const visible = edges.filter((e) => shown.has(e.from!.table) && (shown.has(e.to!.table) || e.state === 'broken'));
  const table = (t: SchemaIndexTable): DiagramTable => {
    const def = t.definitions.find((d) => d.uri);
    return {
      key: t.key,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type ?? c.sqlType, primaryKey: c.primaryKey, unique: c.unique, nullable: c.nullable, uri: c.uri, range: c.range })),
      uri: def?.uri,
      range: def?.range,
      focus: !!focus && t.definitions.some((d) => d.uri === focus),
      missing: false,
    };
  };
  const tables = [...shown].sort().map((k) => table(byKey.get(k)!));
  // A broken reference still gets drawn: to a red placeholder for the table it names.
  const missing = new Map<string, DiagramTable>();
  for (const e of visible) {
    if (e.state !== 'broken') continue;
    const known = byKey.get(e.to!.table);
    if (known && shown.has(known.key)) continue;
    const m = missing.get(e.to!.table) ?? { key: e.to!.table, columns: [], focus: false, missing: true };
    if (e.to!.column && !m.columns.some((c) => c.name === e.to!.column)) m.columns.push({ name: e.to!.column, primaryKey: false, unique: false });
    missing.set(e.to!.table, m);
  }
  const name = focus ? decodeURIComponent(focus.slice(focus.lastIndexOf('/') + 1)) : '';
  return {
    title: whole ? 'FK Guard Diagram: the schema' : `FK Guard Diagram: ${name}`,
    tables: [...tables, ...missing.values()],
    edges: visible.map((e) => ({
      from: e.from!.table,
      fromColumn: e.from!.column,
      to: e.to!.table,
      toColumn: e.to!.column,
      broken: e.state === 'broken',
      display: e.display,
      uri: e.uri,
      range: e.range,
    })),
    depth: whole ? 0 : depth,
    total: folder.tables.length,
    canExpand,
  };
}
