// The Schema view in the Explorer: the workspace's tables grouped by schema and source, their columns with types
// and key markers, the foreign keys going out and coming in, broken ones marked; a click reveals the definition.
// The data is one `fkguard/schemaGraph` request; this file only arranges it.
import * as vscode from 'vscode';
import type { SchemaGraphEdge, SchemaGraphResult, SchemaIndexTable } from '../../server/src/lsp/protocol';

type Folder = SchemaGraphResult['folders'][number];

export type SchemaNode =
  | { kind: 'folder'; folder: Folder }
  | { kind: 'group'; folder: Folder; label: string; schema: string; source?: string; tables: SchemaIndexTable[] }
  | { kind: 'table'; folder: Folder; table: SchemaIndexTable }
  | { kind: 'columns' | 'outgoing' | 'incoming'; folder: Folder; table: SchemaIndexTable }
  | { kind: 'column'; folder: Folder; table: SchemaIndexTable; column: SchemaIndexTable['columns'][number] }
  | { kind: 'edge'; folder: Folder; edge: SchemaGraphEdge; direction: 'out' | 'in' };

/** Where a table comes from, by its first definition: what a person calls that kind of file. */
export function sourceOf(table: SchemaIndexTable): string {
  const d = table.definitions[0];
  if (!d || d.origin === 'external') return 'external-tables (configuration)';
  const ext = /\.([a-z]+)$/i.exec(d.uri)?.[1]?.toLowerCase() ?? '';
  if (ext === 'prisma') return 'Prisma';
  if (ext === 'sql') return 'SQL';
  if (['ts', 'tsx', 'js', 'mjs', 'cjs', 'mts', 'cts'].includes(ext)) return d.origin === 'migration' ? 'TypeScript migrations' : 'TypeScript ORM';
  return d.origin === 'migration' ? 'Alembic migrations' : d.origin === 'core' ? 'SQLAlchemy Core tables' : 'Python models';
}

const ERROR = new vscode.ThemeColor('problemsErrorIcon.foreground');

export class SchemaTreeProvider implements vscode.TreeDataProvider<SchemaNode> {
  private readonly changed = new vscode.EventEmitter<SchemaNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private graph: SchemaGraphResult | undefined;
  private filterText = '';

  constructor(private readonly load: () => Promise<SchemaGraphResult | undefined>) {}

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim().toLowerCase();
    this.changed.fire(undefined);
  }

  /** Forgets the last answer; the tree asks the server again when next shown. */
  refresh(): void {
    this.graph = undefined;
    this.changed.fire(undefined);
  }

  async data(): Promise<SchemaGraphResult | undefined> {
    this.graph ??= await this.load();
    return this.graph;
  }

  async getChildren(node?: SchemaNode): Promise<SchemaNode[]> {
    if (!node) {
      const graph = await this.data();
      if (!graph) return [];
      if (graph.folders.length === 1) return this.groups(graph.folders[0]);
      return graph.folders.map((folder) => ({ kind: 'folder', folder }));
    }
    const { folder } = node;
    switch (node.kind) {
      case 'folder':
        return this.groups(folder);
      case 'group':
        return node.tables.map((table) => ({ kind: 'table', folder, table }));
      case 'table': {
        const out: SchemaNode[] = [{ kind: 'columns', folder, table: node.table }];
        if (outgoing(folder, node.table).length > 0) out.push({ kind: 'outgoing', folder, table: node.table });
        if (incoming(folder, node.table).length > 0) out.push({ kind: 'incoming', folder, table: node.table });
        return out;
      }
      case 'columns':
        return node.table.columns.map((column) => ({ kind: 'column', folder, table: node.table, column }));
      case 'outgoing':
        return outgoing(folder, node.table).map((edge) => ({ kind: 'edge', folder, edge, direction: 'out' }));
      case 'incoming':
        return incoming(folder, node.table).map((edge) => ({ kind: 'edge', folder, edge, direction: 'in' }));
      default:
        return [];
    }
  }

  /** Tables by schema, then by source; a level with a single entry is left out. */
  private groups(folder: Folder): SchemaNode[] {
    const tables = folder.tables.filter((t) => this.matches(t)).sort((a, b) => a.name.localeCompare(b.name));
    const bySchema = new Map<string, SchemaIndexTable[]>();
    for (const t of tables) bySchema.set(t.schema ?? '', [...(bySchema.get(t.schema ?? '') ?? []), t]);
    const schemaGroups = [...bySchema].sort((a, b) => a[0].localeCompare(b[0]));
    const sourceGroups = (schema: string, list: SchemaIndexTable[]): SchemaNode[] => {
      const bySource = new Map<string, SchemaIndexTable[]>();
      for (const t of list) bySource.set(sourceOf(t), [...(bySource.get(sourceOf(t)) ?? []), t]);
      if (bySource.size === 1) return list.map((table) => ({ kind: 'table', folder, table }));
      return [...bySource]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([source, ts]) => ({ kind: 'group', folder, label: source, schema, source, tables: ts }));
    };
    if (schemaGroups.length === 1) return sourceGroups(schemaGroups[0][0], schemaGroups[0][1]);
    return schemaGroups.map(([schema, list]) => ({ kind: 'group', folder, label: schema || '(default schema)', schema, tables: list }));
  }

  private matches(t: SchemaIndexTable): boolean {
    if (!this.filterText) return true;
    return t.key.toLowerCase().includes(this.filterText) || t.columns.some((c) => c.name.toLowerCase().includes(this.filterText));
  }

  getTreeItem(node: SchemaNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.folder.name, C.Expanded);
        item.iconPath = new vscode.ThemeIcon('root-folder');
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.label, C.Expanded);
        item.description = `${node.tables.length} table${node.tables.length === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon(node.source ? 'folder' : 'database');
        // A source group inside a schema group repeats neither; its own tables are grouped below it.
        if (!node.source) item.collapsibleState = C.Expanded;
        return item;
      }
      case 'table': {
        const broken = outgoing(node.folder, node.table).filter((e) => e.state === 'broken').length;
        const item = new vscode.TreeItem(node.table.key, C.Collapsed);
        item.id = `${node.folder.uri}#table:${node.table.key}`;
        item.description = `${node.table.columns.length} column${node.table.columns.length === 1 ? '' : 's'}${broken ? ` · ${broken} broken foreign key${broken === 1 ? '' : 's'}` : ''}`;
        item.iconPath = broken ? new vscode.ThemeIcon('error', ERROR) : new vscode.ThemeIcon('table');
        item.contextValue = 'fkguard.table';
        const def = node.table.definitions.find((d) => d.uri);
        item.tooltip = new vscode.MarkdownString(
          [`**${node.table.key}** — ${sourceOf(node.table)}`, ...node.table.definitions.map((d) => `- ${d.origin}${d.className ? ` \`${d.className}\`` : ''}${d.uri ? ` — ${vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri))}:${d.range.start.line + 1}` : ''}`)].join('\n'),
        );
        if (def) item.command = openAt(def.uri, def.range, `Open the definition of ${node.table.key}`);
        return item;
      }
      case 'columns': {
        const item = new vscode.TreeItem('Columns', C.Expanded);
        item.iconPath = new vscode.ThemeIcon('list-unordered');
        return item;
      }
      case 'outgoing':
      case 'incoming': {
        const edges = node.kind === 'outgoing' ? outgoing(node.folder, node.table) : incoming(node.folder, node.table);
        const item = new vscode.TreeItem(node.kind === 'outgoing' ? 'Foreign keys' : 'Referenced by', C.Collapsed);
        item.description = String(edges.length);
        item.iconPath = new vscode.ThemeIcon(node.kind === 'outgoing' ? 'arrow-right' : 'arrow-left');
        return item;
      }
      case 'column': {
        const c = node.column;
        const item = new vscode.TreeItem(c.name, C.None);
        const markers = [c.primaryKey ? 'PK' : '', c.unique && !c.primaryKey ? 'unique' : '', c.nullable === false && !c.primaryKey ? 'not null' : ''].filter(Boolean);
        const fks = outgoing(node.folder, node.table).filter((e) => e.from?.column === c.name);
        if (fks.length) markers.push(`FK → ${fks.map((e) => e.display).join(', ')}`);
        item.description = [c.type ?? c.sqlType ?? '', ...markers].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(c.primaryKey ? 'key' : fks.length ? 'references' : 'symbol-field');
        item.command = openAt(c.uri, c.range, `Open ${node.table.key}.${c.name}`);
        return item;
      }
      case 'edge': {
        const e = node.edge;
        const label =
          node.direction === 'out'
            ? `${e.from?.column ?? '?'} → ${e.to ? `${e.to.table}.${e.to.column ?? '?'}` : e.display}`
            : `${e.from ? `${e.from.table}.${e.from.column ?? '?'}` : vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))} → ${e.to?.column ?? '?'}`;
        const item = new vscode.TreeItem(label, C.None);
        item.description = `${vscode.workspace.asRelativePath(vscode.Uri.parse(e.uri))}:${e.range.start.line + 1}`;
        item.iconPath =
          e.state === 'broken' ? new vscode.ThemeIcon('error', ERROR) : e.state === 'unchecked' ? new vscode.ThemeIcon('question') : new vscode.ThemeIcon('link');
        item.tooltip = e.state === 'broken' ? `Broken: ${e.display} does not exist` : e.state === 'unchecked' ? `Not checked: FK Guard cannot be certain what ${e.display} is` : e.display;
        item.command = openAt(e.uri, e.range, 'Open the foreign key');
        return item;
      }
    }
  }
}

function outgoing(folder: Folder, table: SchemaIndexTable): SchemaGraphEdge[] {
  return folder.foreignKeys.filter((e) => e.from?.table === table.key);
}

function incoming(folder: Folder, table: SchemaIndexTable): SchemaGraphEdge[] {
  return folder.foreignKeys.filter((e) => e.to?.table === table.key && e.state !== 'broken');
}

function openAt(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, title: string): vscode.Command {
  const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
  return { title, command: 'vscode.open', arguments: [vscode.Uri.parse(uri), { selection, preview: true } satisfies vscode.TextDocumentShowOptions] };
}
