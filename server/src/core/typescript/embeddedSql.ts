import type { Node } from 'ts-morph';
import { forEachSpan } from '../facts';
import { extractSql } from '../sql/extract';
import { splitStatements } from '../sql/split';
import { FileFacts, MigrationOp, NameExpr, Span } from '../types';
import { TsFile } from './context';
import { upFunction } from './knex';

/**
 * Methods that run their first argument as SQL: TypeORM's `queryRunner.query`, Sequelize's
 * `queryInterface.sequelize.query`, Knex's `knex.raw` / `knex.schema.raw`, node-postgres and mysql2's
 * `query` / `execute`, better-sqlite3's `exec`, postgres.js's `unsafe`, Prisma's `$executeRawUnsafe`.
 */
const RUNNERS = new Set(['query', 'raw', 'execute', 'exec', 'unsafe', '$executeRawUnsafe', '$queryRawUnsafe']);

/** Template tags whose text is SQL: slonik, postgres.js, `@vercel/postgres`, Drizzle's `sql`, Prisma's raw tags. */
const SQL_TAGS = new Set(['sql', 'SQL', '$executeRaw', '$queryRaw']);

/** Only text that starts as DDL (a table or a foreign key) is worth the SQL parser's time. */
const DDL = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*(?:create|alter|drop)\s+(?:(?:global\s+|local\s+)?(?:temporary\s+|temp\s+|unlogged\s+)?table|unique\s+index)\b/i;

/** The longest literal read as SQL: a migration's statements, not a bundled grammar or a dump. */
const MAX_LITERAL = 256 * 1024;

/**
 * Stands for a `${...}` FK Guard cannot read. Inside a quoted name (`"${t}"`, `` `${t}` ``, `[${t}]`) it can only
 * be (part of) a name: the statement is read with it in place, and whatever it names is then left unknown
 * (see `forgetHoles`), so in `alter table "${t}" add constraint "${c}" foreign key ("userId") references
 * "users" ("id")` the target is still checked, the source column's type is not. Anywhere else it may hold
 * any SQL (`${sql.raw(...)}`): the statement is left unread, and each foreign key it spells is counted as
 * unchecked.
 */
const HOLE = 'fkguard_hole';

/**
 * The text of a string or template literal as the program sees it, each character with the place in the
 * file it was written (an escape `\n` is two characters written for one), so spans in the text map back.
 */
interface Cooked {
  text: string;
  /** For each character of `text`: where its spelling starts and ends in the file. */
  from: number[];
  to: number[];
  /** Ranges of `text` that stand for substitutions FK Guard could not resolve. */
  holes: Array<Span & { quoted: boolean }>;
}

/**
 * SQL DDL written inside TypeScript and JavaScript: the argument of a query runner (`queryRunner.query('CREATE
 * TABLE …')`, `knex.raw(…)`), a `sql`-tagged template, or a literal marked `/* sql *\/`. Its text goes to the SQL
 * reader, and the tables, keys and foreign keys it finds become this file's, with their spans in this file.
 * In a migration (an `up`), only `up`'s SQL is read, and its statements are operations of history, placed
 * among the file's other operations (Knex or sequelize-cli calls) by where they are written.
 *
 * A substitution is read when it names a string constant of this file; a statement with any other
 * substitution is left unread rather than guessed.
 */
export function readEmbeddedSql(f: TsFile): void {
  const steps = forwardSteps(f);
  const migration = !!f.facts.migration || steps.length > 0;
  const scopes = steps.length > 0 ? steps : [f.sf];
  const literals: Node[] = [];
  const { Node: N } = f.tm;
  const full = f.sf.getFullText();
  const K = f.tm.SyntaxKind;
  // Only these are looked at: the rest of the tree is walked without wrapping a node for it.
  const kinds = new Set([
    K.TaggedTemplateExpression, K.CallExpression, K.StringLiteral, K.NoSubstitutionTemplateLiteral, K.TemplateExpression,
    K.FunctionDeclaration, K.MethodDeclaration, K.PropertyAssignment, K.VariableDeclaration,
  ]);
  for (const scope of scopes) f.walk(scope, (d) => {
    // Without an `up`, a whole file is read, except what undoes it.
    if (scope === f.sf && isBackward(f, d)) return 'skip';
    if (N.isTaggedTemplateExpression(d)) {
      const tag = d.getTag().getText().split('.').pop() ?? '';
      if (SQL_TAGS.has(tag)) literals.push(d.getTemplate());
    } else if (N.isCallExpression(d)) {
      const callee = d.getExpression();
      const arg = d.getArguments()[0];
      if (N.isPropertyAccessExpression(callee) && RUNNERS.has(callee.getName()) && arg && isLiteral(f, arg)) literals.push(arg);
    } else if (isLiteral(f, d) && /\/\*\s*sql\s*\*\/\s*$/i.test(full.slice(d.getPos(), d.getStart()))) {
      // The trivia right before the literal ends with `/* sql */` (a comment on the literal's own line is not
      // one of its "leading comments" for the compiler, so the text is read).
      literals.push(d);
    }
  }, kinds);
  // In the order the steps run (`beforeUp` before `up`), each step's literals in the order written.
  const seen = new Set<Node>();
  for (const lit of literals) {
    if (seen.has(lit)) continue;
    seen.add(lit);
    // A literal is SQL only when it starts (after blanks and comments) with DDL; one too large for a schema
    // statement list is not read (a bundled asset, a data dump).
    if (lit.getEnd() - lit.getStart() > MAX_LITERAL) continue;
    const cooked = cook(f, lit);
    if (!cooked || !DDL.test(cooked.text)) continue;
    const { text, unread } = withoutHoles(cooked);
    const read = extractSql(f.facts.file, text, migration);
    if (cooked.holes.length > 0) forgetHoles(read, cooked);
    for (const st of unread) countUnread(read, st, migration);
    merge(f, read, cooked, lit.getStart(), migration);
  }
}

function isLiteral(f: TsFile, n: Node): boolean {
  const { Node: N } = f.tm;
  return N.isStringLiteral(n) || N.isNoSubstitutionTemplateLiteral(n) || N.isTemplateExpression(n);
}

/** The steps that undo a migration, read by nothing. */
const BACKWARD = new Set(['down', 'beforeDown', 'afterDown']);

function isBackward(f: TsFile, d: Node): boolean {
  const { Node: N } = f.tm;
  if (N.isFunctionDeclaration(d) || N.isMethodDeclaration(d) || N.isPropertyAssignment(d) || N.isVariableDeclaration(d)) return BACKWARD.has(d.getName() ?? '');
  return false;
}

/**
 * The functions that move a migration forward, in the order they run: `up`, and the `beforeUp` / `afterUp`
 * some runners call around it (logto's alteration scripts create indexes `concurrently` in `beforeUp`,
 * outside the transaction of `up`).
 */
function forwardSteps(f: TsFile): Node[] {
  const up = upFunction(f);
  if (!up) return [];
  const { Node: N } = f.tm;
  // The hooks sit beside `up`: properties of the same object, or methods of the same class.
  const holder = up.getParentWhile((p) => !N.isObjectLiteralExpression(p) && !N.isClassDeclaration(p) && !N.isClassExpression(p))?.getParent();
  const hook = (name: string): Node | undefined => {
    if (!holder || !(N.isObjectLiteralExpression(holder) || N.isClassDeclaration(holder) || N.isClassExpression(holder))) return undefined;
    const member = N.isObjectLiteralExpression(holder) ? holder.getProperty(name) : holder.getMember(name);
    return member && N.isPropertyAssignment(member) ? member.getInitializer() : member;
  };
  return [hook('beforeUp'), up, hook('afterUp')].filter((n): n is Node => !!n);
}

/** The literal's text with each character's place; substitutions of this file's string constants are filled in. */
function cook(f: TsFile, lit: Node): Cooked | undefined {
  const { Node: N } = f.tm;
  const out: Cooked = { text: '', from: [], to: [], holes: [] };
  if (N.isStringLiteral(lit) || N.isNoSubstitutionTemplateLiteral(lit)) {
    decode(lit.getText().slice(1, -1), lit.getStart() + 1, out);
    return out;
  }
  if (!N.isTemplateExpression(lit)) return undefined;
  const head = lit.getHead();
  decode(head.getText().slice(1, -2), head.getStart() + 1, out);
  for (const span of lit.getTemplateSpans()) {
    const expr = span.getExpression();
    // The substitution as written, `${` to `}`: the place of every character it stands for.
    const from = expr.getStart() - 2;
    const literal = span.getLiteral();
    const to = literal.getStart() + 1;
    const value = constantString(f, expr);
    const start = out.text.length;
    const text = value ?? HOLE;
    for (const ch of text) for (let k = 0; k < ch.length; k++) push(out, ch[k], from, to);
    if (value === undefined) out.holes.push({ start, end: out.text.length, quoted: false });
    const raw = literal.getText();
    decode(raw.slice(1, N.isTemplateTail(literal) ? -1 : -2), literal.getStart() + 1, out);
  }
  return out;
}

/**
 * A string constant of this file: `const users = 'users'` at the top level, a literal written in place, or a
 * local variable whose last write before the literal, on every path to it, is a string literal (`let t;
 * t = "integrations"; await q.query(\`alter table "${t}" …\`)`, sequelize-cli migrations written this way).
 */
function constantString(f: TsFile, expr: Node): string | undefined {
  const { Node: N } = f.tm;
  const e = f.unwrap(expr);
  const direct = f.literal(e);
  if (direct) return direct.value;
  if (!e || !N.isIdentifier(e)) return undefined;
  const decl = f.sf.getVariableDeclaration(e.getText());
  if (decl && N.isIdentifier(decl.getNameNode()) && decl.getVariableStatement()?.getDeclarationKind() === 'const') {
    return f.literal(f.unwrap(decl.getInitializer()))?.value;
  }
  return localValue(f, e);
}

/**
 * The value a local variable holds where `use` reads it, found by walking back through the statements
 * before it, then those before each enclosing statement, up to the function's start: the nearest write
 * decides. Only a plain `x = 'text'` or `let x = 'text'` gives a value; any other write on the way (in a
 * branch, a loop, a callback, `x += …`) leaves it unknown, and so does a loop around the use that writes it,
 * or a function anywhere inside the enclosing one that writes it.
 */
function localValue(f: TsFile, use: Node): string | undefined {
  const { Node: N } = f.tm;
  const name = use.getText();
  const fn = use.getFirstAncestor((a) => N.isFunctionLikeDeclaration(a) || N.isArrowFunction(a) || N.isFunctionExpression(a));
  if (!fn) return undefined;
  const writes = (n: Node): boolean => {
    let found = false;
    f.walk(n, (d) => {
      if (N.isBinaryExpression(d) && d.getLeft().getText() === name && /=$/.test(d.getOperatorToken().getText()) && !/^[=!<>]=?=$/.test(d.getOperatorToken().getText())) found = true;
      else if ((N.isPrefixUnaryExpression(d) || N.isPostfixUnaryExpression(d)) && d.getOperand().getText() === name) found = true;
      return found ? 'stop' : undefined;
    });
    return found;
  };
  // A nested function that writes the variable may run at any time.
  let nestedWrite = false;
  f.walk(fn, (d) => {
    if ((N.isArrowFunction(d) || N.isFunctionExpression(d) || N.isFunctionDeclaration(d)) && writes(d)) nestedWrite = true;
    return nestedWrite ? 'stop' : undefined;
  });
  if (nestedWrite) return undefined;
  let cur: Node = use;
  while (cur !== fn) {
    const parent = cur.getParent();
    if (!parent) return undefined;
    if ((N.isForStatement(parent) || N.isForOfStatement(parent) || N.isForInStatement(parent) || N.isWhileStatement(parent) || N.isDoStatement(parent)) && writes(parent)) return undefined;
    if (N.isBlock(parent) || N.isSourceFile(parent)) {
      const statements = parent.getStatements();
      for (let i = statements.indexOf(cur as never) - 1; i >= 0; i--) {
        const st = statements[i];
        if (N.isVariableStatement(st)) {
          const d = st.getDeclarations().find((x) => x.getName() === name);
          if (d) return f.literal(f.unwrap(d.getInitializer()))?.value;
        }
        if (N.isExpressionStatement(st)) {
          const x = f.unwrap(st.getExpression());
          if (x && N.isBinaryExpression(x) && x.getOperatorToken().getText() === '=' && x.getLeft().getText() === name) {
            const v = f.literal(f.unwrap(x.getRight()));
            return v && !writes(x.getRight()) ? v.value : undefined;
          }
        }
        if (writes(st)) return undefined;
      }
    }
    cur = parent;
  }
  return undefined;
}

function push(out: Cooked, ch: string, from: number, to: number): void {
  out.text += ch;
  out.from.push(from);
  out.to.push(to);
}

/** Decodes a literal's escapes (`\n`, `\'`, `` \` ``, `\x41`, `\u{1F600}`, line continuations) as JavaScript does. */
function decode(raw: string, base: number, out: Cooked): void {
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c !== '\\') {
      push(out, c, base + i, base + i + 1);
      i++;
      continue;
    }
    const n = raw[i + 1] ?? '';
    let len = 2;
    let value: string;
    switch (n) {
      case 'n': value = '\n'; break;
      case 't': value = '\t'; break;
      case 'r': value = '\r'; break;
      case 'b': value = '\b'; break;
      case 'f': value = '\f'; break;
      case 'v': value = '\v'; break;
      case '0': value = '\0'; break;
      case 'x':
        value = String.fromCharCode(parseInt(raw.slice(i + 2, i + 4), 16) || 0);
        len = 4;
        break;
      case 'u': {
        if (raw[i + 2] === '{') {
          const close = raw.indexOf('}', i);
          value = String.fromCodePoint(parseInt(raw.slice(i + 3, close), 16) || 0);
          len = close - i + 1;
        } else {
          value = String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16) || 0);
          len = 6;
        }
        break;
      }
      case '\r':
        value = '';
        len = raw[i + 2] === '\n' ? 3 : 2;
        break;
      case '\n':
      case '\u2028':
      case '\u2029':
        value = '';
        break;
      default:
        value = n;
    }
    for (let k = 0; k < value.length; k++) push(out, value[k], base + i, base + i + len);
    i += len;
  }
}

/**
 * The text with every statement that holds an unresolved substitution outside a quoted name blanked
 * (newlines kept), and those statements. A hole is quoted when the name around it opens and closes with
 * the same quote, with only name characters between.
 */
function withoutHoles(c: Cooked): { text: string; unread: Array<{ start: number; text: string }> } {
  if (c.holes.length === 0) return { text: c.text, unread: [] };
  for (const h of c.holes) {
    const before = /(["`[])[\w$]*$/.exec(c.text.slice(Math.max(0, h.start - 64), h.start));
    const close = before ? ({ '"': '"', '`': '`', '[': ']' } as Record<string, string>)[before[1]] : undefined;
    const after = c.text.slice(h.end, h.end + 64);
    h.quoted = close !== undefined && new RegExp(`^[\\w$]*\\${close}`).test(after);
  }
  let text = c.text;
  const unread: Array<{ start: number; text: string }> = [];
  for (const st of splitStatements(c.text)) {
    const end = st.start + st.text.length;
    if (!c.holes.some((h) => !h.quoted && h.start < end && h.end > st.start)) continue;
    unread.push(st);
    text = text.slice(0, st.start) + st.text.replace(/[^\n]/g, ' ') + text.slice(end);
  }
  return { text, unread };
}

/**
 * A statement left unread still counts: each `references` in it is a foreign key FK Guard saw and could not
 * check, counted as unchecked (a reference whose target is computed at run time).
 */
function countUnread(read: FileFacts, st: { start: number; text: string }, migration: boolean): void {
  for (const m of st.text.matchAll(/\breferences\b/gi)) {
    const start = st.start + m.index!;
    read.references.push({
      form: 'string',
      target: { kind: 'dynamic', text: st.text.trim().replace(/\s+/g, ' ').split(HOLE).join('${…}').slice(0, 80) },
      span: { start, end: start + m[0].length },
      source: {},
      context: migration ? 'migration' : 'core',
    });
  }
}

/**
 * Leaves unknown whatever a substitution FK Guard could not read names: a table so named is no table (it
 * is never added), a column so named is left out (its table counts as incomplete), an operation naming one
 * is dropped, a reference's target or source so named is computed at run time (the reference is counted as
 * unchecked, or checked without its source's type). A statement with a hole that does not parse costs
 * nothing: its text was never the SQL that runs, so its error is dropped.
 */
function forgetHoles(read: FileFacts, c: Cooked): void {
  const has = (v: string | undefined) => v !== undefined && v.includes(HOLE);
  const dyn = (text: string): NameExpr => ({ kind: 'dynamic', text: text.split(HOLE).join('${…}') });
  const holed = splitStatements(c.text).filter((st) => c.holes.some((h) => h.start < st.start + st.text.length && h.end > st.start));
  read.errors = read.errors.filter((e) => !holed.some((st) => e.span.start < st.start + st.text.length && e.span.end >= st.start));
  for (const t of read.tables) {
    if (t.name.kind === 'literal' && has(t.name.value)) t.name = dyn(t.name.value);
    const lost = t.columns.find((col) => has(col.name));
    if (lost) {
      t.unreadColumn = `\`${lost.name.split(HOLE).join('${…}')}\``;
      t.columns = t.columns.filter((col) => !has(col.name));
    }
    t.keys = t.keys.filter((k) => !k.some(has));
  }
  for (const r of read.references) {
    if (r.target?.kind === 'literal' && has(r.target.value)) r.target = dyn(r.target.value);
    if (r.table?.kind === 'literal' && has(r.table.value)) r.table = dyn(r.table.value);
    if (has(r.column)) r.column = undefined;
    if (r.composite?.some(has)) r.composite = r.composite.map((x) => (has(x) ? '' : x));
    if (r.source.table?.kind === 'literal' && has(r.source.table.value)) r.source.table = dyn(r.source.table.value);
    if (has(r.source.column)) r.source.column = undefined;
  }
  if (!read.migration) return;
  const kept: MigrationOp[] = [];
  const moved = new Map<number, number>();
  read.migration.ops.forEach((op, i) => {
    const o = op as Record<string, unknown>;
    const names = [o.table, o.column, o.newName, o.from, o.to, ...(op.op === 'add_column' ? [op.column.name] : []), ...(op.op === 'add_key' ? op.columns : [])];
    if (names.some((n) => typeof n === 'string' && has(n))) return;
    moved.set(i, kept.length);
    kept.push(op);
  });
  read.migration.ops = kept;
  for (const r of read.references) {
    if (r.migrationOp === undefined) continue;
    let i = r.migrationOp;
    while (i >= 0 && !moved.has(i)) i--;
    r.migrationOp = i >= 0 ? moved.get(i)! : 0;
  }
}

/** Moves a span of what the SQL reader read (offsets in the literal's text) to where it is written in the file. */
function mapSpan(s: Span, c: Cooked): void {
  const last = c.text.length - 1;
  const start = s.start <= last ? c.from[s.start] : (c.to[last] ?? 0);
  s.end = s.end > s.start ? c.to[Math.min(s.end - 1, last)] : start;
  s.start = start;
}

/** Adds what the SQL reader found in one literal to the file's facts; in a migration, its operations too. */
function merge(f: TsFile, read: FileFacts, cooked: Cooked, at: number, migration: boolean): void {
  forEachSpan([read.tables, read.references, read.migration?.ops, read.errors], (s) => mapSpan(s, cooked));
  const tableBase = f.facts.tables.length;
  f.facts.tables.push(...read.tables);
  f.facts.errors.push(...read.errors);
  const refs = read.references;
  f.facts.references.push(...refs);
  if (!migration || !read.migration) return;
  f.facts.migration ??= { ops: [] };
  const ops = f.facts.migration.ops;
  const added: MigrationOp[] = read.migration.ops.map((op) => (op.op === 'create_table' ? { ...op, tableIndex: op.tableIndex + tableBase } : op));
  // The place of the new operations among the old: after every operation written before the literal (a
  // reader that recorded no places counts as written first).
  f.placeOps(-1);
  let insertAt = f.opStarts.findIndex((s) => s > at);
  if (insertAt < 0) insertAt = ops.length;
  const own = new Set(refs);
  for (const r of f.facts.references) if (!own.has(r) && r.migrationOp !== undefined && r.migrationOp >= insertAt) r.migrationOp += added.length;
  for (const r of refs) if (r.migrationOp !== undefined) r.migrationOp += insertAt;
  ops.splice(insertAt, 0, ...added);
  f.opStarts.splice(insertAt, 0, ...added.map(() => at));
}
