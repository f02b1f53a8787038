// `npm run bench:lsp`: the language server over stdio on a generated workspace. Prints the time from
// `initialized` to a finished workspace index, and didChange -> publishDiagnostics on a 2,000-line model file
// (p50/p95, debounce 0); then the edit storm of issue 11 on a 5,006-line file: 500 edits/s for 10 s (time from
// the last edit to its diagnostics, and fix-all asked every second meanwhile: p50/p95), and one didChange
// carrying 3,182 changes (a "replace all") against the same change sent as one full text; then hover,
// definition, completion, references, prepareRename and rename on the big file's references (p50/p95, see `navigation`). Figures are
// printed, never asserted. FKGUARD_BENCH_ONLY=storm runs the storm rows alone; FKGUARD_BENCH_ONLY=navigation
// skips the edit and storm rows (FKGUARD_BENCH_ONLY=after-edit: the rows of requests right after an edit alone); FKGUARD_BENCH_ONLY=keystroke runs the keystroke rows alone.
// The keystroke rows give three figures, as the machine is shared: wall time seen by this client (it includes
// waiting for a core when the load average exceeds the cores), the server's own time from the didChange's
// arrival to its diagnostics (`fkguard/timing`, wall and CPU), and the server process's CPU over the whole row.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Position } from 'vscode-languageserver-protocol/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { FixAllKind } from '../../server/src/lsp/handlers/codeAction';
import { RequestTimingNotificationMethod, type RequestTimingParams, TimingNotificationMethod, type TimingParams } from '../../server/src/lsp/protocol';
import { LspClient } from './harness';

const FILES = Number(process.env.FKGUARD_BENCH_FILES ?? 1650);
const EDITS = Number(process.env.FKGUARD_BENCH_EDITS ?? 200);

function modelFile(i: number, tables: number): string {
  const lines = ['from sqlalchemy import Column, ForeignKey, Integer, String', 'from app.base import Base', ''];
  for (let t = 0; t < tables; t++) {
    const n = i * 10 + t;
    lines.push(`class Model${n}(Base):`, `    __tablename__ = "table_${n}"`, '', '    id = Column(Integer, primary_key=True)');
    lines.push(`    name = Column(String(255), nullable=False)`);
    // References into earlier files; one in fifty names a table that does not exist, as in a real codebase.
    if (i > 0) lines.push(`    parent_id = Column(Integer, ForeignKey("table_${10 * ((n * 7) % i)}.id"))`);
    if (i > 1) lines.push(`    other_id = Column(Integer, ForeignKey("table_${n % 50 === 0 ? 'missing_' : ''}${10 * ((n * 13) % (i - 1)) + 1}.id"), nullable=True)`);
    lines.push('', '');
  }
  return lines.join('\n');
}

/** A model file of about 2,000 lines: many classes, each with a few FKs into the workspace. */
function bigFile(): string {
  const lines = ['from sqlalchemy import Column, ForeignKey, Integer, String', 'from app.base import Base', ''];
  for (let c = 0; lines.length < 2000; c++) {
    lines.push(`class Big${c}(Base):`, `    __tablename__ = "big_${c}"`, '');
    lines.push('    id = Column(Integer, primary_key=True)');
    for (let k = 0; k < 6; k++) {
      const target = `${(c * 6 + k) % 50 === 7 ? 'tabel_' : 'table_'}${10 * ((c * 31 + k * 17) % FILES) + (k % 2)}`;
      lines.push(`    ref_${k}_id = Column(Integer, ForeignKey("${target}.id"))`);
    }
    lines.push('    label = Column(String(64))', '', '');
  }
  return lines.join('\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `p50 a, p95 b, max c` of unsorted figures. */
function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 'no figures';
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms`;
}

function load(): string {
  return `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`;
}

/** A self-contained model file of `lines` lines whose classes reference each other. */
function stormFile(lines: number): string {
  const out = ['from sqlalchemy import Column, ForeignKey, Integer, String', 'from app.base import Base', ''];
  for (let c = 0; out.length < lines - 6; c++) {
    out.push(`class Storm${c}(Base):`, `    __tablename__ = "storm_${c}"`, '    id = Column(Integer, primary_key=True)');
    out.push(`    parent_id = Column(Integer, ForeignKey("storm_${Math.max(0, c - 1)}.id"))`, '    label = Column(String(64))', '');
  }
  while (out.length < lines) out.push('');
  return out.join('\n');
}

async function storm(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'fkguard-bench-storm-'));
  mkdirSync(join(root, 'app'), { recursive: true });
  writeFileSync(join(root, 'app', 'base.py'), 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n');
  const text = stormFile(5006);
  writeFileSync(join(root, 'app', 'storm.py'), text);
  // The server's own default debounce (150 ms), as an editor gets it.
  const client = await LspClient.start({ root, initializationOptions: { debounce: undefined } });
  try {
    await client.ready(120000);
    client.open('app/storm.py', text);
    await client.diagnosticsFor('app/storm.py', () => true, 1);
    const doc = client.doc('app/storm.py');
    // 500 edits a second for 10 s: typing a comment, five characters every 10 ms; at the end of the file (no
    // class around it) and then inside a class in the middle.
    for (const where of ['at the end', 'in a middle class']) {
      const offset = where === 'at the end' ? doc.getText().length : doc.getText().indexOf('\n', doc.getText().indexOf(`class Storm${Math.floor(text.length / 400)}(`));
      const start = doc.positionAt(offset);
      client.change('app/storm.py', [{ range: { start, end: start }, newText: where === 'at the end' ? '\n# ' : '\n    # ' }]);
      const first = doc.version;
      let cursor = doc.offsetAt(start) + (where === 'at the end' ? 3 : 7);
      let version = first;
      const stop = performance.now() + 10000;
      // Fix-all every second, as `editor.codeActionsOnSave` with auto-save after a delay asks for it: each
      // brings the document up to date first, behind every change sent before it.
      const fixAll: Array<Promise<number>> = [];
      let nextFixAll = performance.now() + 1000;
      while (performance.now() < stop) {
        for (let k = 0; k < 5; k++) {
          const at = doc.positionAt(cursor++);
          version = client.change('app/storm.py', [{ range: { start: at, end: at }, newText: 'abcdefghij'[k] }]);
        }
        // Not in the last second: the row above times the debounced analysis after the last edit, not a fix-all.
        if (performance.now() >= nextFixAll && performance.now() < stop - 1000) {
          nextFixAll += 1000;
          const asked = performance.now();
          fixAll.push(client.codeActions('app/storm.py', [], [FixAllKind]).then(() => performance.now() - asked));
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const last = performance.now();
      await client.diagnosticsFor('app/storm.py', () => true, version, 300000);
      const toDiagnostics = performance.now() - last;
      const fixAllMs = (await Promise.all(fixAll)).sort((a, b) => a - b);
      console.log(
        `storm ${where}: ${version - first} edits in 10 s on a ${text.split('\n').length}-line file: last edit -> its diagnostics ${toDiagnostics.toFixed(0)} ms; ` +
          `fix-all every second (${fixAllMs.length}): p50 ${percentile(fixAllMs, 50).toFixed(0)} ms, p95 ${percentile(fixAllMs, 95).toFixed(0)} ms`,
      );
    }

    // A "replace all": 3,182 changes in one didChange, bottom-up as editors send them.
    const current = doc.getText();
    const matches = [...current.matchAll(/Column\(|Integer/g)].slice(0, 3182);
    // Each word replaced by itself in another case, so the text changes and stays valid Python.
    const edits = matches.reverse().map((m) => ({
      range: { start: doc.positionAt(m.index!), end: doc.positionAt(m.index! + m[0].length) },
      newText: m[0] === 'Integer' ? 'INTEGER' : m[0],
    }));
    // Timed from the send: the harness's own mirror applies the changes one by one before sending them.
    let version = client.change('app/storm.py', edits);
    let started = performance.now();
    await client.diagnosticsFor('app/storm.py', () => true, version, 300000);
    console.log(`replace all: one didChange with ${edits.length} changes -> diagnostics ${(performance.now() - started).toFixed(0)} ms`);
    const whole = doc.getText().split('INTEGER').join('Integer');
    version = client.change('app/storm.py', [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: whole }]);
    started = performance.now();
    await client.diagnosticsFor('app/storm.py', () => true, version, 300000);
    console.log(`the same as one full-text change -> diagnostics ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Hover, definition, completion and references on the big file's `ForeignKey("table_N.id")` strings, 200 each,
 * cycling through its references, with no edit between requests (see `afterEditRows` for requests right after one).
 */
async function navigation(client: LspClient, doc: TextDocument): Promise<void> {
  const text = doc.getText();
  const strings = [...text.matchAll(/ForeignKey\("(tab[a-z]*_\d+)\.id"\)/g)].map((m) => m.index! + 'ForeignKey("'.length);
  const uri = doc.uri;
  // Wall time as this client sees it waits for a core when the load exceeds the cores: the server process's CPU
  // over the row, a mean per request (the kernel counts it in 10 ms ticks), says what the request itself costs.
  const time = async (label: string, n: number, request: (i: number) => Promise<unknown>) => {
    const times: number[] = [];
    const cpuBefore = client.cpuMs();
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await request(i);
      times.push(performance.now() - started);
    }
    const cpuAfter = client.cpuMs();
    times.sort((a, b) => a - b);
    const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? `; server CPU ${((cpuAfter - cpuBefore) / n).toFixed(2)} ms a request` : '';
    console.log(`${label} (${n} requests): p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms${cpu}; ${load()}`);
  };
  const at = (i: number, into: number) => doc.positionAt(strings[(i * 7) % strings.length] + into);
  const send = (method: string, position: Position, extra: object = {}) => client.connection.sendRequest(method, { textDocument: { uri }, position, ...extra });
  await time('hover on a ForeignKey table part', 200, (i) => send('textDocument/hover', at(i, 2)));
  await time('hover on a ForeignKey column part', 200, (i) => send('textDocument/hover', at(i, text.indexOf('.id', strings[(i * 7) % strings.length]) - strings[(i * 7) % strings.length] + 2)));
  await time('definition of a ForeignKey column part', 200, (i) => send('textDocument/definition', at(i, text.indexOf('.id', strings[(i * 7) % strings.length]) - strings[(i * 7) % strings.length] + 2)));
  let items = 0;
  let incomplete = false;
  await time('completion inside a ForeignKey string (every table)', 200, async (i) => {
    const r = (await send('textDocument/completion', at(i, 3))) as { items: unknown[]; isIncomplete: boolean };
    items = r.items.length;
    incomplete = r.isIncomplete;
  });
  console.log(`  (lists of ${items} items${incomplete ? ', marked incomplete: the server cuts at 300' : ''})`);
  await time('references to a table', 50, (i) => send('textDocument/references', at(i, 2), { context: { includeDeclaration: false } }));
  // prepareRename makes the whole rename plan (it reads every file the rename would edit), so a name the rename
  // would refuse is refused before the rename box opens; the rename itself makes the plan again.
  // Only references to tables that exist (the file also names misspelled and missing ones, which are refused).
  const named = [...text.matchAll(/ForeignKey\("(table_\d+)\.id"\)/g)].map((m) => m.index! + 'ForeignKey("'.length);
  const renamable = (i: number) => doc.positionAt(named[(i * 7) % named.length] + 2);
  let refused = 0;
  const orRefused = (p: Promise<unknown>) => p.catch(() => refused++);
  await time('prepareRename on a ForeignKey table part (the whole plan)', 50, (i) => orRefused(send('textDocument/prepareRename', renamable(i))));
  await time('rename of a table from a ForeignKey table part', 50, (i) => orRefused(send('textDocument/rename', renamable(i), { newName: 'renamed_table' })));
  console.log(`  (${refused} of 100 refused)`);
}

/**
 * Hover, definition and completion right after an edit of the big file, on a server of its own with the editor's
 * debounce (the rows above use none): a request sent with the edit then finds the document's analysis still due.
 */
async function afterEditRows(root: string, big: string): Promise<void> {
  const client = await LspClient.start({ root, initializationOptions: { timings: true, debounce: undefined } });
  try {
    await client.ready(300000);
    client.open('app/big.py', big);
    await client.diagnosticsFor('app/big.py', () => true, 1);
    const doc = client.doc('app/big.py');
    const text = doc.getText();
    const strings = [...text.matchAll(/ForeignKey\("(tab[a-z]*_\d+)\.id"\)/g)].map((m) => m.index! + 'ForeignKey("'.length);
    const at = (i: number, into: number) => doc.positionAt(strings[(i * 7) % strings.length] + into);
    const send = (method: string, position: Position) => client.connection.sendRequest(method, { textDocument: { uri: doc.uri }, position });
    // Right after an edit: the request is sent as soon as the edit's diagnostics arrive (a hover after typing), or
    // together with the edit (completion as a character is typed, definition by a key bound to it), when the server
    // has the edit's analysis still to do. Each row gives the client's wall time, and from `fkguard/requestTiming`
    // the request's wait before its handler (transport and queued work), the handler's wall and CPU time, and the
    // garbage collection during it and in the 100 ms before it.
    const where = doc.positionAt(text.indexOf('label = Column(String(64))') + 'label'.length);
    const serverSide: RequestTimingParams[] = [];
    client.connection.onNotification(RequestTimingNotificationMethod, (t: RequestTimingParams) => serverSide.push(t));
    const columnAt = (i: number) => at(i, text.indexOf('.id', strings[(i * 7) % strings.length]) - strings[(i * 7) % strings.length] + 2);
    // The last row edits a table's name in another file: every file that references the table, and every file with
    // an unknown table ("did you mean" may change), is checked and published again after the edit's own diagnostics.
    const other = 'app/models_0.py';
    client.open(other, readFileSync(join(root, other), 'utf8'));
    await client.diagnosticsFor(other, () => true, 1);
    const otherDoc = client.doc(other);
    const named = otherDoc.positionAt(otherDoc.getText().indexOf('"table_0"') + '"table_0'.length);
    const rows: Array<[string, string, (i: number) => Position, boolean, string, Position]> = [
      ["hover right after an edit's diagnostics", 'textDocument/hover', (i) => at(i, 2), true, 'app/big.py', where],
      ['hover sent with the edit', 'textDocument/hover', (i) => at(i, 2), false, 'app/big.py', where],
      ['definition sent with the edit', 'textDocument/definition', columnAt, false, 'app/big.py', where],
      ['completion sent with the edit', 'textDocument/completion', (i) => at(i, 3), false, 'app/big.py', where],
      ["definition right after the diagnostics of a table renamed in another file", 'textDocument/definition', columnAt, true, other, named],
    ];
    const n = Number(process.env.FKGUARD_BENCH_AFTER_EDIT ?? 40);
    for (const [label, method, position, waitForDiagnostics, edited, spot] of rows) {
      const sent: Array<{ at: number; wall: number }> = [];
      const first = serverSide.length;
      const cpuBefore = client.cpuMs();
      for (let i = 0; i < n; i++) {
        const version = client.change(edited, [i % 2 === 0 ? { range: { start: spot, end: spot }, newText: 'x' } : { range: { start: spot, end: { line: spot.line, character: spot.character + 1 } }, newText: '' }]);
        if (waitForDiagnostics) await client.diagnosticsFor(edited, () => true, version);
        const started = performance.now();
        await send(method, position(i));
        sent.push({ at: performance.timeOrigin + started, wall: performance.now() - started });
        if (!waitForDiagnostics) await client.diagnosticsFor(edited, () => true, version);
      }
      const cpuAfter = client.cpuMs();
      // The server sends each timing a moment after its answer (see `RequestTimings`); nothing else wakes a waiter.
      const mine = () => serverSide.slice(first).filter((t) => t.method === method.slice('textDocument/'.length));
      for (let waited = 0; mine().length < n && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      const timed = mine().slice(0, n);
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? `; server process CPU ${((cpuAfter - cpuBefore) / n).toFixed(2)} ms an edit + request` : '';
      console.log(`${label} (${n}): client wall ${spread(sent.map((s) => s.wall))}${cpu}`);
      console.log(
        `  waiting before the handler ${spread(timed.map((t, i) => t.receivedAt - sent[i].at))}; handler wall ${spread(timed.map((t) => t.wallMs))}; ` +
          `handler CPU ${spread(timed.map((t) => t.cpuMs))}; GC in the handler ${spread(timed.map((t) => t.gcMs))}, in the 100 ms before ${spread(timed.map((t) => t.gcBeforeMs))}`,
      );
      if (process.env.FKGUARD_BENCH_GC) for (const [i, t] of timed.entries()) if (t.gcs.length) console.log(`    #${i} wall ${sent[i].wall.toFixed(1)} gcs ${JSON.stringify(t.gcs)}`);
      console.log(`  ${load()}`);
    }
  } finally {
    await client.stop();
  }
}

async function main(): Promise<void> {
  if (process.env.FKGUARD_BENCH_ONLY === 'storm') return storm();
  // FKGUARD_BENCH_ROOT keeps the generated workspace there, for profiling the engine on it.
  const keep = process.env.FKGUARD_BENCH_ROOT;
  const root = keep ?? mkdtempSync(join(tmpdir(), 'fkguard-bench-lsp-'));
  mkdirSync(join(root, 'app'), { recursive: true });
  writeFileSync(join(root, 'app', 'base.py'), 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n');
  let lines = 0;
  for (let i = 0; i < FILES; i++) {
    const text = modelFile(i, 2);
    lines += text.split('\n').length;
    writeFileSync(join(root, 'app', `models_${i}.py`), text);
  }
  const big = bigFile();
  writeFileSync(join(root, 'app', 'big.py'), big);
  if (process.env.FKGUARD_BENCH_ONLY === 'after-edit') {
    try {
      return await afterEditRows(root, big);
    } finally {
      if (!keep) rmSync(root, { recursive: true, force: true });
    }
  }
  const client = await LspClient.start({ root, initializationOptions: { timings: true } });
  try {
    await client.ready(120000);
    const indexMs = performance.now() - client.initializedAt;
    const status = client.statuses.find((s) => s.state === 'ready')!;
    console.log(`workspace: ${FILES + 2} files, ${lines + big.split('\n').length} lines; ${status.tables} tables, ${status.references} references`);
    console.log(`initialized -> index ready: ${indexMs.toFixed(0)} ms`);

    client.open('app/big.py', big);
    await client.diagnosticsFor('app/big.py', () => true, 1);
    const doc = client.doc('app/big.py');
    const timings = new Map<number, TimingParams>();
    client.connection.onNotification(TimingNotificationMethod, (t: TimingParams) => timings.set(t.version, t));
    const navigationOnly = process.env.FKGUARD_BENCH_ONLY === 'navigation';
    const edits = navigationOnly ? 2 : EDITS;
    /**
     * One keystroke row: `edits` didChanges, each one character typed at `offset` or deleted again, each
     * waited for until its diagnostics arrive.
     */
    const keystrokes = async (label: string, offset: number) => {
      const at = doc.positionAt(offset);
      const times: number[] = [];
      const first = doc.version + 1;
      const cpuBefore = client.cpuMs();
      for (let i = 0; i < edits; i++) {
        // Type one character, then delete it: each is one didChange with one incremental edit.
        const insert = i % 2 === 0;
        const started = performance.now();
        const version = client.change('app/big.py', [
          insert ? { range: { start: at, end: at }, newText: 'x' } : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, newText: '' },
        ]);
        await client.diagnosticsFor('app/big.py', () => true, version);
        times.push(performance.now() - started);
      }
      const cpuAfter = client.cpuMs();
      // In version order: the first keystrokes of the process run before V8 has compiled the keystroke path.
      const inServer = [...timings.values()].filter((t) => t.version >= first).sort((a, b) => a.version - b.version);
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? `; server process CPU ${((cpuAfter - cpuBefore) / edits).toFixed(2)} ms a keystroke` : '';
      console.log(`didChange -> publishDiagnostics, ${label}, on a ${doc.lineCount}-line file (${edits} edits, debounce 0): ${spread(times)}`);
      if (inServer.length > 0) {
        console.log(
          `  in the server (${inServer.length}): wall ${spread(inServer.map((t) => t.wallMs))}; CPU ${spread(inServer.map((t) => t.cpuMs))}${cpu}`,
        );
        console.log(`  of which engine update ${spread(inServer.map((t) => t.updateMs))}; findings and diagnostics ${spread(inServer.map((t) => t.publishMs))}`);
        // What makes the p95: the slowest tenth by place in the row (the row's first keystrokes run V8's compilers
        // too, on helper threads whose CPU the server's figure counts), and the CPU once the first 20 are past.
        const slowest = inServer.map((t, i) => ({ i, cpu: t.cpuMs })).sort((a, b) => b.cpu - a.cpu).slice(0, Math.ceil(inServer.length / 10));
        console.log(`  slowest in-server CPU (keystroke: ms): ${slowest.map((s) => `#${s.i}: ${s.cpu.toFixed(1)}`).join(', ')}; after the first 20 keystrokes: CPU ${spread(inServer.slice(20).map((t) => t.cpuMs))}`);
      } else if (cpu) console.log(`  (no fkguard/timing from this server${cpu})`);
      console.log(`  ${load()}`);
    };
    // A column name typed (a table definition changes; nothing references the column).
    await keystrokes('a column name typed', doc.getText().indexOf('label = Column(String(64))') + 'label'.length);
    if (!navigationOnly) {
      // A comment typed inside a class in the middle of the file: no fact changes, every fact below moves.
      const line = doc.getText().indexOf('\n', doc.getText().indexOf('id = Column(Integer, primary_key=True)', doc.getText().indexOf('class Big40(')));
      const version = client.change('app/big.py', [{ range: { start: doc.positionAt(line), end: doc.positionAt(line) }, newText: '\n    # note: ' }]);
      await client.diagnosticsFor('app/big.py', () => true, version);
      await keystrokes('a comment typed inside a class', line + '\n    # note: '.length);
    }
    if (process.env.FKGUARD_BENCH_ONLY !== 'keystroke') await navigation(client, doc);
  } finally {
    await client.stop();
  }
  try {
    if (process.env.FKGUARD_BENCH_ONLY !== 'keystroke') await afterEditRows(root, big);
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
  if (!process.env.FKGUARD_BENCH_ONLY) await storm();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
