// The diagram's drawing, inside the webview: tables as boxes with their columns, laid out by dagre (bundled by
// scripts/build.mjs, nothing from the network), foreign keys as curves from column to column, broken ones red and
// dashed to a red placeholder. Colours are the theme's (VS Code's CSS variables); the exported SVG has them
// resolved, so it looks the same outside the editor.
import dagre from '@dagrejs/dagre';
import type { DiagramData, DiagramMessage, DiagramTable } from '../src/diagramModel';

declare function acquireVsCodeApi(): { postMessage(m: DiagramMessage): void };
const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const ROW = 20;
const HEADER = 26;
const PAD = 10;

const style = document.createElement('style');
style.textContent = `
  body { margin: 0; padding: 0; color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: 13px; }
  #toolbar { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
  #toolbar span { flex: 1; opacity: 0.8; }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 10px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  button:disabled { opacity: 0.5; cursor: default; }
  #canvas { overflow: auto; }
  .clickable { cursor: pointer; }
`;
document.head.appendChild(style);

let font = '13px sans-serif';
const measure = document.createElement('canvas').getContext('2d')!;
function textWidth(text: string): number {
  measure.font = font;
  return measure.measureText(text).width;
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

function columnLabel(c: DiagramTable['columns'][number]): [string, string] {
  const marks = [c.primaryKey ? 'PK' : '', c.unique && !c.primaryKey ? 'UQ' : '', c.nullable === false && !c.primaryKey ? 'NN' : ''].filter(Boolean).join(' ');
  return [c.name, [c.type ?? '', marks].filter(Boolean).join('  ')];
}

let current: DiagramData | undefined;

function draw(data: DiagramData): void {
  current = data;
  font = `${getComputedStyle(document.body).fontSize} ${getComputedStyle(document.body).fontFamily}`;
  const toolbar = document.getElementById('toolbar')!;
  toolbar.replaceChildren();
  const info = document.createElement('span');
  info.textContent =
    data.depth === 0
      ? `The whole schema: ${data.tables.filter((t) => !t.missing).length} tables.`
      : `${data.tables.filter((t) => !t.missing).length} of ${data.total} tables: this file's and their neighbours, ${data.depth} hop${data.depth === 1 ? '' : 's'} away.`;
  const more = document.createElement('button');
  more.textContent = 'More neighbours';
  more.disabled = !data.canExpand;
  more.onclick = () => vscode.postMessage({ type: 'expand' });
  const exportButton = document.createElement('button');
  exportButton.textContent = 'Export SVG';
  exportButton.onclick = () => vscode.postMessage({ type: 'export', svg: exportSvg() });
  toolbar.append(info, more, exportButton);

  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 30, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const sizes = new Map<string, { width: number; height: number; nameWidth: number }>();
  for (const t of data.tables) {
    const nameWidth = Math.max(...t.columns.map((c) => textWidth(columnLabel(c)[0])), 0);
    const typeWidth = Math.max(...t.columns.map((c) => textWidth(columnLabel(c)[1])), 0);
    const width = Math.ceil(Math.max(textWidth(t.key) + 2 * PAD + 10, nameWidth + typeWidth + 3 * PAD + 10, 120));
    const size = { width, height: HEADER + Math.max(t.columns.length, 1) * ROW + 6, nameWidth };
    sizes.set(t.key, size);
    g.setNode(t.key, { width: size.width, height: size.height });
  }
  data.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, String(i)));
  dagre.layout(g);

  const graph = g.graph();
  const svg = el('svg', { xmlns: SVG, width: Math.ceil(graph.width ?? 0), height: Math.ceil(graph.height ?? 0), 'font-family': 'var(--vscode-font-family)', 'font-size': getComputedStyle(document.body).fontSize });
  svg.id = 'diagram';
  const defs = el('defs', {}, svg);
  for (const [id, colour] of [
    ['arrow', 'var(--vscode-editorLineNumber-foreground)'],
    ['arrow-broken', 'var(--vscode-errorForeground)'],
  ]) {
    const marker = el('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M 0 0 L 10 5 L 0 10 z', style: `fill: ${colour}` }, marker);
  }
  const box = (key: string) => {
    const n = g.node(key);
    return { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  };
  const rowY = (t: DiagramTable, column: string | undefined) => {
    const b = box(t.key);
    const i = column === undefined ? -1 : t.columns.findIndex((c) => c.name === column);
    return i < 0 ? b.y + HEADER / 2 : b.y + HEADER + i * ROW + ROW / 2;
  };
  const byKey = new Map(data.tables.map((t) => [t.key, t]));

  const edgeLayer = el('g', {}, svg);
  let brokenEdges = 0;
  for (const e of data.edges) {
    const from = byKey.get(e.from);
    const to = byKey.get(e.to);
    if (!from || !to) continue;
    const a = box(e.from);
    const b = box(e.to);
    const y1 = rowY(from, e.fromColumn);
    const y2 = rowY(to, e.toColumn);
    let d: string;
    if (e.from === e.to) {
      const x = a.x + a.width;
      d = `M ${x} ${y1} C ${x + 40} ${y1}, ${x + 40} ${y2}, ${x} ${y2}`;
    } else {
      const rightward = a.x + a.width / 2 <= b.x + b.width / 2;
      const x1 = rightward ? a.x + a.width : a.x;
      const x2 = rightward ? b.x : b.x + b.width;
      const bend = Math.max(40, Math.abs(x2 - x1) / 2) * (rightward ? 1 : -1);
      d = `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
    }
    if (e.broken) brokenEdges++;
    const colour = e.broken ? 'var(--vscode-errorForeground)' : 'var(--vscode-editorLineNumber-foreground)';
    const path = el('path', { d, class: `edge clickable${e.broken ? ' broken' : ''}`, 'marker-end': `url(#${e.broken ? 'arrow-broken' : 'arrow'})`, style: `fill: none; stroke: ${colour}; stroke-width: 1.5${e.broken ? '; stroke-dasharray: 5 3' : ''}` }, edgeLayer);
    el('title', {}, path).textContent = `${e.from}.${e.fromColumn ?? '?'} → ${e.display}${e.broken ? ' (broken: it does not exist)' : ''}`;
    path.addEventListener('click', () => vscode.postMessage({ type: 'open', uri: e.uri, range: e.range }));
  }

  for (const t of data.tables) {
    const b = box(t.key);
    const size = sizes.get(t.key)!;
    const border = t.missing ? 'var(--vscode-errorForeground)' : t.focus ? 'var(--vscode-focusBorder)' : 'var(--vscode-editorWidget-border, var(--vscode-panel-border))';
    const group = el('g', { class: `table${t.missing ? ' missing' : ''}`, 'data-key': t.key }, svg);
    el('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 4, style: `fill: var(--vscode-editorWidget-background); stroke: ${border}; stroke-width: ${t.focus || t.missing ? 2 : 1}${t.missing ? '; stroke-dasharray: 5 3' : ''}` }, group);
    el('rect', { x: b.x, y: b.y, width: b.width, height: HEADER, rx: 4, style: `fill: ${t.missing ? 'var(--vscode-inputValidation-errorBackground, transparent)' : 'var(--vscode-editor-inactiveSelectionBackground)'}` }, group);
    const header = el('text', { x: b.x + PAD, y: b.y + HEADER / 2 + 5, class: t.uri ? 'clickable' : '', style: `font-weight: bold; fill: ${t.missing ? 'var(--vscode-errorForeground)' : 'var(--vscode-foreground)'}` }, group);
    header.textContent = t.missing ? `${t.key} (missing)` : t.key;
    if (t.uri && t.range) {
      const { uri, range } = t;
      header.addEventListener('click', () => vscode.postMessage({ type: 'open', uri, range }));
    }
    t.columns.forEach((c, i) => {
      const y = b.y + HEADER + i * ROW + ROW / 2 + 5;
      const [name, detail] = columnLabel(c);
      const text = el('text', { x: b.x + PAD, y, class: c.uri ? 'clickable' : '', style: `fill: ${t.missing ? 'var(--vscode-errorForeground)' : 'var(--vscode-foreground)'}` }, group);
      text.textContent = name;
      el('text', { x: b.x + PAD * 2 + size.nameWidth + 6, y, style: 'fill: var(--vscode-descriptionForeground); opacity: 0.9' }, group).textContent = detail;
      if (c.uri && c.range) {
        const { uri, range } = c;
        text.addEventListener('click', () => vscode.postMessage({ type: 'open', uri, range }));
      }
    });
  }
  document.getElementById('canvas')!.replaceChildren(svg);
  vscode.postMessage({ type: 'drawn', tables: data.tables.length, edges: data.edges.length, brokenEdges });
}

/** The drawing as a standalone SVG file: the theme's colours resolved, no script, no click handlers. */
function exportSvg(): string {
  const svg = document.getElementById('diagram');
  if (!svg) return '';
  const computed = getComputedStyle(document.documentElement);
  const resolve = (text: string): string =>
    text.replace(/var\((--[\w-]+)(?:,\s*([^()]*(?:\([^()]*\))?[^()]*))?\)/g, (_m, name: string, fallback?: string) => {
      const value = computed.getPropertyValue(name).trim();
      return value || (fallback ? resolve(fallback.trim()) : 'currentColor');
    });
  const body = getComputedStyle(document.body);
  const markup = resolve(new XMLSerializer().serializeToString(svg));
  const background = body.backgroundColor;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${markup.replace(/^<svg([^>]*)>/, `<svg$1><rect width="100%" height="100%" style="fill: ${background}"/>`)}\n`;
}

window.addEventListener('message', (event: MessageEvent<{ type: string; data?: DiagramData }>) => {
  if (event.data.type === 'data' && event.data.data) draw(event.data.data);
  else if (event.data.type === 'svgRequest') vscode.postMessage({ type: 'svg', svg: exportSvg() });
});
// Colours follow a theme change: the variables change and the drawing reads them through `var(...)`; sizes are
// measured again on the next draw.
new MutationObserver(() => current && draw(current)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
vscode.postMessage({ type: 'ready' });
