// "FK Guard: Show Diagram": an entity-relationship diagram of the current file's tables and their neighbours in a
// webview. This side picks the tables and answers the webview's clicks; the drawing (laid out by dagre, bundled
// into dist/diagram.js, so nothing loads from the network) is client/webview/diagram.ts.
import * as vscode from 'vscode';
import type { SchemaGraphResult } from '../../server/src/lsp/protocol';
import { DiagramData, DiagramMessage, selectDiagram } from './diagramModel';

export class DiagramPanel {
  private static current: DiagramPanel | undefined;
  disposed = false;
  /** The last data posted to the webview, for the tests. */
  lastData: DiagramData | undefined;
  /** Set when the webview has drawn `lastData` (it says so), for the tests. */
  drawn: { tables: number; edges: number; brokenEdges: number } | undefined;
  private depth = 1;

  static show(extensionUri: vscode.Uri, graph: SchemaGraphResult, focus: string | undefined, load: () => Promise<SchemaGraphResult | undefined>): DiagramPanel {
    if (DiagramPanel.current && !DiagramPanel.current.disposed) {
      DiagramPanel.current.update(graph, focus, 1);
      DiagramPanel.current.panel.reveal(vscode.ViewColumn.Beside);
      return DiagramPanel.current;
    }
    const panel = vscode.window.createWebviewPanel('fkguard.diagram', 'FK Guard Diagram', vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')],
    });
    DiagramPanel.current = new DiagramPanel(panel, extensionUri, load);
    DiagramPanel.current.update(graph, focus, 1);
    return DiagramPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly load: () => Promise<SchemaGraphResult | undefined>,
  ) {
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'diagram.js'));
    const nonce = [...Array(32)].map(() => Math.floor(Math.random() * 36).toString(36)).join('');
    panel.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${panel.webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>FK Guard Diagram</title></head>
<body><div id="toolbar"></div><div id="canvas"></div><script nonce="${nonce}" src="${script}"></script></body></html>`;
    panel.onDidDispose(() => {
      this.disposed = true;
    });
    panel.webview.onDidReceiveMessage((m: DiagramMessage) => void this.receive(m));
  }

  private focus: string | undefined;

  private update(graph: SchemaGraphResult, focus: string | undefined, depth: number): void {
    this.focus = focus;
    this.depth = depth;
    this.lastData = selectDiagram(graph, focus, depth);
    this.drawn = undefined;
    this.panel.title = this.lastData.title;
    void this.panel.webview.postMessage({ type: 'data', data: this.lastData });
  }

  /**
   * Where Export SVG proposes to save: beside the workspace's files, named after the file the diagram is of
   * (`orders-diagram.svg` for orders.py; `schema-diagram.svg` for the whole schema).
   */
  private exportUri(): vscode.Uri | undefined {
    const focus = this.focus ? vscode.Uri.parse(this.focus) : undefined;
    const folder = (focus && vscode.workspace.getWorkspaceFolder(focus)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const base = focus?.path.split('/').pop()?.replace(/\.[^.]*$/, '') || 'schema';
    return vscode.Uri.joinPath(folder.uri, `${base}-diagram.svg`);
  }

  private async receive(m: DiagramMessage): Promise<void> {
    if (m.type === 'ready' && this.lastData) void this.panel.webview.postMessage({ type: 'data', data: this.lastData });
    else if (m.type === 'svg') this.lastSvg = m.svg;
    else if (m.type === 'drawn') this.drawn = { tables: m.tables, edges: m.edges, brokenEdges: m.brokenEdges };
    else if (m.type === 'open') {
      const r = m.range;
      await vscode.window.showTextDocument(vscode.Uri.parse(m.uri), {
        viewColumn: vscode.ViewColumn.One,
        selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
      });
    } else if (m.type === 'expand') {
      const graph = await this.load();
      if (graph) this.update(graph, this.focus, this.depth + 1);
    } else if (m.type === 'export') {
      const target = await vscode.window.showSaveDialog({
        defaultUri: this.exportUri(),
        filters: { 'SVG image': ['svg'] },
        saveLabel: 'Export diagram',
        title: 'FK Guard: Export the diagram as SVG',
      });
      if (!target) return;
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(m.svg));
      void vscode.window.showInformationMessage(`FK Guard: diagram saved to ${vscode.workspace.asRelativePath(target)}.`);
    }
  }

  /** The SVG the webview last handed over without a save dialog (see `requestSvg`). */
  lastSvg: string | undefined;

  /** Asks the webview for the SVG the Export button saves, without the dialog (tests read `lastSvg`). */
  requestSvg(): Thenable<boolean> {
    this.lastSvg = undefined;
    return this.panel.webview.postMessage({ type: 'svgRequest' });
  }
}
