// `node bench/startup-realworld.mjs [--only app,app] [--server path/to/dist/server.js]` (after `npm run build`):
// issue 9's start-up target on real applications of the corpus (/work/realworld/src, see bench/realworld/README.md),
// as bench:startup measures it on the generated workspace. Each app is copied to a scratch folder; a first start
// fills the facts cache and stores the conclusions (cold), a second finds nothing changed (warm); then, one after the
// other and each on top of the last, the edits a developer makes between two sessions (a column added, lines added
// above a class, a column's type changed, a model added, a table renamed, a file that defines no table edited), each
// followed by a start of the server with one file open. A row: time from just before the spawn to the open file's
// first diagnostics, the server's CPU time by then, the time to the whole index, whether the early answer
// (host/conclusionsSince.ts) was taken, and whether the first diagnostics published for the open file were its
// final ones (the early answer must never be wrong). Figures are printed, never asserted.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { LspClient, serverPath } = require('../out/test/lsp/harness.js');

const SOURCES = process.env.FKGUARD_REALWORLD ? join(process.env.FKGUARD_REALWORLD, 'src') : '/work/realworld/src';

/**
 * Per app: the model file the edits change (`model`, its class `cls`; `renameCls` the class whose table is renamed),
 * the file open in the editor (`open`), a file that defines no table (`other`), the line that adds a column to `cls`
 * (`column`) and a model to add (`newModel`), in the app's own style.
 */
const APPS = [
  {
    name: 'flaskbb',
    model: 'flaskbb/forum/models.py',
    cls: 'Topic',
    renameCls: 'Report',
    open: 'flaskbb/user/models.py',
    other: 'flaskbb/forum/views.py',
    column: '    fkg_extra_{n} = db.Column(db.Integer, nullable=True)',
    newModel: ['class FkgNote{n}(db.Model, CRUDMixin):', '    __tablename__ = "fkg_notes_{n}"', '    id = db.Column(db.Integer, primary_key=True)', '    topic_id = db.Column(db.Integer, db.ForeignKey("topics.id"))'],
  },
  {
    name: 'redash',
    model: 'redash/models/__init__.py',
    cls: 'Alert',
    renameCls: 'Favorite',
    open: 'redash/models/users.py',
    other: 'redash/handlers/queries.py',
    column: '    fkg_extra_{n} = Column(db.Integer, nullable=True)',
    newModel: ['class FkgNote{n}(TimestampMixin, db.Model):', '    id = primary_key("FkgNote{n}")', '    query_id = Column(key_type("Query"), db.ForeignKey("queries.id"))', '    __tablename__ = "fkg_notes_{n}"'],
  },
  {
    name: 'ctfd',
    model: 'CTFd/models/__init__.py',
    cls: 'Challenges',
    renameCls: 'Tags',
    open: 'CTFd/plugins/dynamic_challenges/__init__.py',
    other: 'CTFd/utils/user/__init__.py',
    column: '    fkg_extra_{n} = db.Column(db.Integer, nullable=True)',
    newModel: ['class FkgNotes{n}(db.Model):', '    __tablename__ = "fkg_notes_{n}"', '    id = db.Column(db.Integer, primary_key=True)', '    challenge_id = db.Column(db.Integer, db.ForeignKey("challenges.id", ondelete="CASCADE"))'],
  },
  {
    name: 'fastapi-template',
    model: 'backend/app/models.py',
    cls: 'Item',
    renameCls: 'Item',
    open: 'backend/app/alembic/versions/e2412789c190_initialize_models.py',
    other: 'backend/app/crud.py',
    column: '    fkg_extra_{n}: int | None = None',
    newModel: ['class FkgNote{n}(SQLModel, table=True):', '    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)', '    item_id: uuid.UUID = Field(foreign_key="item.id", nullable=False)'],
  },
  {
    name: 'dispatch',
    model: 'src/dispatch/team/models.py',
    cls: 'TeamContact',
    renameCls: 'TeamContact',
    open: 'src/dispatch/incident/models.py',
    other: 'src/dispatch/team/service.py',
    column: '    fkg_extra_{n} = Column(Integer, nullable=True)',
    newModel: ['class FkgNote{n}(Base, ProjectMixin):', '    id = Column(Integer, primary_key=True)', '    team_contact_id = Column(Integer, ForeignKey("team_contact.id"))'],
  },
  {
    name: 'polar',
    model: 'server/polar/models/file.py',
    cls: 'File',
    renameCls: 'File',
    open: 'server/polar/models/order.py',
    other: 'server/polar/file/service.py',
    column: '    fkg_extra_{n}: Mapped[int | None] = mapped_column(nullable=True)',
    newModel: ['class FkgNote{n}(RecordModel):', '    __tablename__ = "fkg_notes_{n}"', '    file_id: Mapped[UUID] = mapped_column(Uuid, ForeignKey("files.id"), nullable=False)'],
  },
];

/** The lines of class `cls` in `lines`: from its header to the next top-level statement. */
function classLines(lines, cls) {
  const start = lines.findIndex((l) => new RegExp(`^class ${cls}\\b`).test(l));
  if (start < 0) throw new Error(`no class ${cls}`);
  let end = start + 1;
  while (end < lines.length && !/^\S/.test(lines[end])) end++;
  return { start, end };
}

const COLUMN_LINE = /^\s+\w+\s*(:[^=]+)?=\s*(db\.)?(Column|mapped_column|Field)\(|^\s+\w+\s*:\s*[\w.|\[\] ]+(=.*)?$/;

/** The edits, in order; each takes the app and the text of the file it changes, and returns the new text. */
const EDITS = [
  {
    name: 'column added',
    file: (app) => app.model,
    apply: (app, text, n) => {
      const lines = text.split('\n');
      const { start, end } = classLines(lines, app.cls);
      const at = lines.slice(start + 1, end).findIndex((l) => COLUMN_LINE.test(l));
      if (at < 0) throw new Error(`no column in ${app.cls}`);
      // Before that column's line, which starts a statement: after it could fall inside a call spread over several
      // lines (polar's `mapped_column(`), and the file would no longer be Python.
      lines.splice(start + 1 + at, 0, app.column.replaceAll('{n}', n));
      return lines.join('\n');
    },
  },
  {
    name: 'lines added above a class',
    file: (app) => app.model,
    apply: (app, text) => {
      const lines = text.split('\n');
      const { start } = classLines(lines, app.cls);
      lines.splice(start, 0, '# A note added above a class, which moves it and every line below.', '');
      return lines.join('\n');
    },
  },
  {
    name: "a column's type changed",
    file: (app) => app.model,
    apply: (app, text) => {
      const lines = text.split('\n');
      const { start, end } = classLines(lines, app.cls);
      const swaps = [
        [/String\((\d+)\)/, (m, d) => `String(${Number(d) + 1})`],
        [/max_length=(\d+)/, (m, d) => `max_length=${Number(d) + 1}`],
        [/\bInteger\b/, () => 'BigInteger'],
        [/\bString\b/, () => 'Text'],
        [/\bText\b/, () => 'UnicodeText'],
        [/DateTime\(timezone=True\)/, () => 'DateTime(timezone=False)'],
      ];
      for (const [re, to] of swaps) {
        for (let i = start + 1; i < end; i++) {
          if (/primary_key|ForeignKey|foreign_key/.test(lines[i]) || !re.test(lines[i])) continue;
          lines[i] = lines[i].replace(re, to);
          return lines.join('\n');
        }
      }
      throw new Error(`no column type to change in ${app.cls}`);
    },
  },
  {
    name: 'a model added',
    file: (app) => app.model,
    apply: (app, text, n) => `${text.replace(/\n*$/, '\n')}\n\n${app.newModel.map((l) => l.replaceAll('{n}', n)).join('\n')}\n`,
  },
  {
    name: 'a table renamed',
    file: (app) => app.model,
    apply: (app, text, n) => {
      const lines = text.split('\n');
      const { start, end } = classLines(lines, app.renameCls);
      for (let i = start + 1; i < end; i++) {
        const m = /^(\s+__tablename__\s*=\s*["'])(\w+)(["'].*)$/.exec(lines[i]);
        if (!m) continue;
        lines[i] = `${m[1]}${m[2]}_v${n}${m[3]}`;
        return lines.join('\n');
      }
      // A class named for its table (Flask-SQLAlchemy, SQLModel, a `__tablename__` derived from the class name):
      // the table is renamed by renaming the class, as its references through the class are.
      const old = app.renameCls;
      app.renameCls = `${old}V${n}`;
      return text.replace(new RegExp(`\\b${old}\\b`, 'g'), app.renameCls);
    },
  },
  {
    name: 'a file that defines no table edited',
    file: (app) => app.other,
    apply: (app, text) => `# Edited between two sessions.\n${text}`,
  },
];

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (x) => (x === undefined ? '?' : x.toFixed(0));

async function start(server, root, cacheHome, open) {
  const started = performance.now();
  const client = await LspClient.start({ root, cacheHome, server });
  try {
    client.open(open, readFileSync(join(root, open), 'utf8'));
    const uri = client.uri(open);
    await client.diagnosticsFor(open, () => true, 1, 600000);
    const diagnosticsMs = performance.now() - started;
    const cpuMs = client.cpuMs();
    await client.ready(600000);
    const indexMs = performance.now() - started;
    // The cache note is logged once the index is in; the early answer's before it.
    await client.waitFor('the cache note', () => client.logs.some((l) => /files' facts came from the cache/.test(l.message)), 600000);
    const early = client.logs.some((l) => /answered from the conclusions of an earlier index/.test(l.message));
    const mine = client.publications.filter((p) => p.uri === uri).map((p) => JSON.stringify(p.diagnostics.map(({ range, message, code, severity }) => ({ range, message, code, severity }))));
    const right = mine.every((d) => d === mine[mine.length - 1]);
    return { diagnosticsMs, cpuMs, indexMs, early, right, count: JSON.parse(mine[mine.length - 1]).length };
  } finally {
    await client.stop();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
  const server = args.includes('--server') ? args[args.indexOf('--server') + 1] : serverPath;
  const scratch = mkdtempSync(join(tmpdir(), 'fkguard-startup-realworld-'));
  let early = 0;
  let wrong = 0;
  let rows = 0;
  try {
    for (const original of APPS) {
      if (only && !only.includes(original.name)) continue;
      const app = { ...original };
      const root = join(scratch, app.name);
      cpSync(join(SOURCES, app.name), root, { recursive: true, preserveTimestamps: true });
      // Files changed within the last 3 s are read again at every start (see host/factsCache.ts `STAMP_MARGIN_MS`),
      // and a copy's change times are now.
      await wait(3100);
      const cacheHome = join(scratch, `cache-${app.name}`);
      const row = (name, r) => {
        console.log(
          `${app.name.padEnd(17)} ${name.padEnd(36)} ${ms(r.diagnosticsMs).padStart(6)} ms (CPU ${ms(r.cpuMs).padStart(5)}) ` +
            `index ${ms(r.indexMs).padStart(6)} ms  early ${r.early ? 'yes' : 'no '}  ${r.right ? 'right' : 'WRONG'}  ${r.count} diagnostics  load ${loadavg()[0].toFixed(1)}`,
        );
      };
      row('cold', await start(server, root, cacheHome, app.open));
      row('warm, nothing changed', await start(server, root, cacheHome, app.open));
      for (const [i, edit] of EDITS.entries()) {
        const file = join(root, edit.file(app));
        writeFileSync(file, edit.apply(app, readFileSync(file, 'utf8'), String(i + 1)));
        await wait(3100);
        const r = await start(server, root, cacheHome, app.open);
        row(`warm, ${edit.name}`, r);
        rows++;
        if (r.early) early++;
        if (!r.right) wrong++;
      }
    }
    console.log(`${rows} starts after an edit: ${early} answered early, ${wrong} with a first answer that was not the final one`);
    if (wrong > 0) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
