import type { ts } from 'ts-morph';
import { forEachSpan } from '../facts';
import { CREATE_TABLE_HEAD, extractSql } from '../sql/extract';
import { splitStatements } from '../sql/split';
import { FileFacts, MigrationOp, NameExpr, Span } from '../types';
import { TsFile } from './context';
import { classUpMethods, upFunctionNode } from './knex';
import { ModifierFlags, type Syntax } from './syntax';

/**
 * Methods that run their first argument as SQL: TypeORM's `queryRunner.query`, Sequelize's
 * `queryInterface.sequelize.query`, Knex's `knex.raw` / `knex.schema.raw`, node-postgres and mysql2's
 * `query` / `execute`, better-sqlite3's `exec`, postgres.js's `unsafe`, Prisma's `$executeRawUnsafe`, db-migrate's
 * `db.runSql` (also bound: `db.runSql.bind(db, sql)`, its SQL the second argument).
 */
const RUNNERS = new Set(['query', 'raw', 'execute', 'exec', 'unsafe', '$executeRawUnsafe', '$queryRawUnsafe', 'runSql']);

/** Template tags whose text is SQL: slonik, postgres.js, `@vercel/postgres`, Drizzle's `sql`, Prisma's raw tags. */
const SQL_TAGS = new Set(['sql', 'SQL', '$executeRaw', '$queryRaw']);

/**
 * Only text that starts as DDL (a table or a foreign key) is worth the SQL parser's time. One blank at a time
 * (`\s`, not `\s+`, under the `*`): a run of blanks then a query (`` `\n<40 spaces>WITH ...` ``) could otherwise be
 * split into runs in 2^40 ways before the test fails, which took minutes on one real file. A `--` comment runs to
 * its line's end (`(?:\n|$)`) for the same reason: a banner of hyphens (`-- ------`) could otherwise be split into
 * comments in every possible way (review10's R10-7: 42 hyphens took a minute, 64 never ended).
 */
const DDL = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:create|alter|drop)\s+(?:(?:global\s+|local\s+)?(?:temporary\s+|temp\s+|unlogged\s+)?table|unique\s+index)\b/i;

/** DDL starting anywhere in the text (see `readEmbeddedSql`'s `anywhere`). */
const DDL_ANYWHERE = /\b(?:create|alter|drop)\s+(?:(?:global\s+|local\s+)?(?:temporary\s+|temp\s+|unlogged\s+)?table|unique\s+index)\b/i;

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
 * Each hole is `fkguard_hole<n>_`, `n` its place in `Cooked.holes`, so what it stood for can be written back;
 * the closing `_` keeps a digit written right after the substitution (`"${PENS}2"`) out of the number.
 */
const HOLES = /fkguard_hole(\d+)_/g;

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
  holes: Array<Span & { quoted: boolean; written: string }>;
}

/**
 * Text read with holes in it, as the program spells it: each hole becomes `${expression}` as written
 * (`"${KENNELS}"`), so the words of the expression can still say which table a computed name may be
 * (`dynamicNameWords`), and a message shows what the code says.
 */
function shortened(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function spelled(text: string, c: Cooked): string {
  return text.replace(HOLES, (_, n: string) => `\${${c.holes[Number(n)]?.written ?? '…'}}`);
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
  const x = f.syntax;
  const K = x.K;
  // Hooks are found beside `up`, and a substitution's value before it, by going up the tree.
  const whole = x.withParents();
  const { steps, member } = forwardSteps(f);
  const migration = !!f.facts.migration || steps.length > 0;
  const scopes = steps.length > 0 ? steps : [whole];
  // Each literal with where its statements run: where it is written, or, inside a helper method a step calls, where
  // that call is (see below).
  // `anywhere`: db-migrate's `db.runSql`, whose SQL is a migration's whole script: its DDL is read wherever it starts
  // (after a `CREATE FUNCTION`, an `INSERT`), or the tables it makes would be missing from history (R15-23).
  const literals: Array<{ node: ts.Node; at?: number; anywhere?: true }> = [];
  const full = whole.text;
  const following = new Set<ts.Node>();
  const visit = (scope: ts.Node, at: number | undefined): void => x.walk(scope, (d) => {
    // Without an `up`, a whole file is read, except what undoes it.
    if (scope === whole && isBackward(f, d)) return 'skip';
    if (d.kind === K.TaggedTemplateExpression) {
      const tag = x.text((d as ts.TaggedTemplateExpression).tag).split('.').pop() ?? '';
      if (SQL_TAGS.has(tag)) literals.push({ node: (d as ts.TaggedTemplateExpression).template, at });
    } else if (d.kind === K.CallExpression) {
      const callee = (d as ts.CallExpression).expression;
      const arg = (d as ts.CallExpression).arguments[0];
      const method = callee.kind === K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).name) : '';
      if (RUNNERS.has(method) && arg && isLiteral(f, arg)) literals.push({ node: arg, at, ...(method === 'runSql' ? { anywhere: true } : {}) });
      else if (method === 'bind') {
        const bound = (callee as ts.PropertyAccessExpression).expression;
        const sqlArg = (d as ts.CallExpression).arguments[1];
        if (bound.kind === K.PropertyAccessExpression && x.text((bound as ts.PropertyAccessExpression).name) === 'runSql' && sqlArg && isLiteral(f, sqlArg)) literals.push({ node: sqlArg, at, anywhere: true });
      }
      // `await this.addColumns(queryRunner)` in a step: a method of the migration's own class (or object) runs its
      // statements there, in the order of the calls (R15-19: flowise's `this.modifyTable(queryRunner)`).
      if (steps.length > 0 && callee.kind === K.PropertyAccessExpression && (callee as ts.PropertyAccessExpression).expression.kind === K.ThisKeyword) {
        const m = member(x.text((callee as ts.PropertyAccessExpression).name));
        const body = m && (m.kind === K.MethodDeclaration || m.kind === K.ArrowFunction || m.kind === K.FunctionExpression) ? (m as ts.FunctionLikeDeclaration).body : undefined;
        if (m && body && !following.has(m) && following.size < 8 && !steps.includes(m)) {
          following.add(m);
          visit(body, at ?? d.getStart(whole));
          following.delete(m);
        }
      }
    } else if (isLiteral(f, d) && /\/\*\s*sql\s*\*\/\s*$/i.test(full.slice(d.pos, d.getStart(whole)))) {
      // The trivia right before the literal ends with `/* sql */` (a comment on the literal's own line is not
      // one of its "leading comments" for the compiler, so the text is read).
      literals.push({ node: d, at });
    }
  });
  for (const scope of scopes) visit(scope, undefined);
  // In the order the steps run (`beforeUp` before `up`), each step's literals in the order written.
  const seen = new Set<ts.Node>();
  for (const { node: lit, at, anywhere } of literals) {
    if (seen.has(lit)) continue;
    seen.add(lit);
    // A literal is SQL only when it starts (after blanks and comments) with DDL; one too large for a schema
    // statement list is not read (a bundled asset, a data dump).
    const start = lit.getStart(whole);
    if (lit.end - start > MAX_LITERAL) continue;
    const cooked = cook(f, lit);
    if (!cooked || !(DDL.test(cooked.text) || (anywhere && DDL_ANYWHERE.test(cooked.text)))) continue;
    const { text, unread } = withoutHoles(cooked);
    const read = extractSql(f.facts.file, text, migration);
    if (cooked.holes.length > 0) forgetHoles(read, cooked);
    for (const st of unread) countUnread(read, st, cooked, migration);
    merge(f, read, cooked, at ?? start, migration);
    const literal = { start, end: lit.end };
    for (const r of read.references) r.sqlString = literal;
  }
}

function isLiteral(f: TsFile, n: ts.Node): boolean {
  const K = f.syntax.K;
  return n.kind === K.StringLiteral || n.kind === K.NoSubstitutionTemplateLiteral || n.kind === K.TemplateExpression;
}

/** The steps that undo a migration, read by nothing. */
const BACKWARD = new Set(['down', 'beforeDown', 'afterDown']);

function isBackward(f: TsFile, d: ts.Node): boolean {
  const K = f.syntax.K;
  if (d.kind === K.FunctionDeclaration || d.kind === K.MethodDeclaration || d.kind === K.PropertyAssignment || d.kind === K.VariableDeclaration) return BACKWARD.has(f.syntax.name(d) ?? '');
  return false;
}

/**
 * The functions that move a migration forward, in the order they run: `up`, and the `beforeUp` / `afterUp`
 * some runners call around it (logto's alteration scripts create indexes `concurrently` in `beforeUp`,
 * outside the transaction of `up`); and `member`, the method or function property of that name beside `up` (a
 * helper the steps call as `this.name(...)`).
 */
function forwardSteps(f: TsFile): { steps: ts.Node[]; member: (name: string) => ts.Node | undefined } {
  // A file of several migration classes (TypeORM runs each, R15-20): every class's `up`, in the order written; a
  // helper is the member of the first class that has it.
  const several = classUpMethods(f);
  if (several.length > 0) {
    const x = f.syntax;
    const K = x.K;
    const member = (name: string): ts.Node | undefined => {
      for (const up of several) {
        const m = classMember(x, up.parent as ts.ClassLikeDeclaration, name);
        if (m) return m.kind === K.PropertyDeclaration ? (m as ts.PropertyDeclaration).initializer : m;
      }
      return undefined;
    };
    return { steps: several, member };
  }
  const up = upFunctionNode(f);
  if (!up) return { steps: [], member: () => undefined };
  const x = f.syntax;
  const K = x.K;
  const isHolder = (n: ts.Node) => n.kind === K.ObjectLiteralExpression || n.kind === K.ClassDeclaration || n.kind === K.ClassExpression;
  // The hooks sit beside `up`: properties of the same object, or methods of the same class. (As ts-morph's
  // `getParentWhile(...)?.getParent()` found it: the parent of the highest ancestor below the holder, so `up`
  // directly inside the holder, a class method, finds none.)
  let below: ts.Node | undefined;
  for (let p = up.parent; p && !isHolder(p); p = p.parent) below = p;
  const holder = below?.parent;
  const hook = (name: string): ts.Node | undefined => {
    if (!holder || !isHolder(holder)) return undefined;
    const member = holder.kind === K.ObjectLiteralExpression ? objectProperty(x, holder as ts.ObjectLiteralExpression, name) : classMember(x, holder as ts.ClassLikeDeclaration, name);
    return member && member.kind === K.PropertyAssignment ? (member as ts.PropertyAssignment).initializer : member;
  };
  // A helper `up` calls (`this.addColumns(queryRunner)`) is a member of the class or object `up` itself belongs to.
  const own = up.parent && isHolder(up.parent) ? up.parent : holder && isHolder(holder) ? holder : undefined;
  const member = (name: string): ts.Node | undefined => {
    if (!own) return undefined;
    const m = own.kind === K.ObjectLiteralExpression ? objectProperty(x, own as ts.ObjectLiteralExpression, name) : classMember(x, own as ts.ClassLikeDeclaration, name);
    return m && (m.kind === K.PropertyAssignment || m.kind === K.PropertyDeclaration) ? (m as ts.PropertyAssignment).initializer : m;
  };
  return { steps: [hook('beforeUp'), up, hook('afterUp')].filter((n): n is ts.Node => !!n), member };
}

/** An object literal's first property of this name as written (ts-morph's `getProperty(name)`). */
function objectProperty(x: Syntax, o: ts.ObjectLiteralExpression, name: string): ts.Node | undefined {
  return o.properties.find((p) => p.name !== undefined && x.text(p.name) === name);
}

/**
 * A class's first member of this name as written (ts-morph's `getMember(name)`): a property, an accessor, or a
 * method with a body (an overload signature is not a member, unless the method is abstract or the class ambient).
 */
function classMember(x: Syntax, cls: ts.ClassLikeDeclaration, name: string): ts.Node | undefined {
  const K = x.K;
  let ambient = false;
  for (let n: ts.Node | undefined = cls; n && !ambient; n = n.parent) {
    ambient = (x.tree.modifierFlags(n) & ModifierFlags.Ambient) !== 0 || n.kind === K.InterfaceDeclaration || n.kind === K.TypeAliasDeclaration;
  }
  return cls.members.find((m) => {
    if (m.kind === K.MethodDeclaration) {
      const method = m as ts.MethodDeclaration;
      if (!ambient && method.body === undefined && !(x.tree.modifierFlags(method) & ModifierFlags.Abstract)) return false;
    } else if (m.kind !== K.PropertyDeclaration && m.kind !== K.GetAccessor && m.kind !== K.SetAccessor) {
      return false;
    }
    return m.name !== undefined && x.text(m.name) === name;
  });
}

/** The literal's text with each character's place; substitutions of this file's string constants are filled in. */
function cook(f: TsFile, lit: ts.Node): Cooked | undefined {
  const x = f.syntax;
  const K = x.K;
  const out: Cooked = { text: '', from: [], to: [], holes: [] };
  if (lit.kind === K.StringLiteral || lit.kind === K.NoSubstitutionTemplateLiteral) {
    decode(x.text(lit).slice(1, -1), lit.getStart(f.tree) + 1, out);
    return out;
  }
  if (lit.kind !== K.TemplateExpression) return undefined;
  const template = lit as ts.TemplateExpression;
  const head = template.head;
  decode(x.text(head).slice(1, -2), head.getStart(f.tree) + 1, out);
  for (const span of template.templateSpans) {
    const expr = span.expression;
    // The substitution as written, `${` to `}`: the place of every character it stands for.
    const from = expr.getStart(f.tree) - 2;
    const literal = span.literal;
    const to = literal.getStart(f.tree) + 1;
    const value = constantString(f, expr);
    const start = out.text.length;
    const text = value ?? `${HOLE}${out.holes.length}_`;
    for (const ch of text) for (let k = 0; k < ch.length; k++) push(out, ch[k], from, to);
    if (value === undefined) out.holes.push({ start, end: out.text.length, quoted: false, written: x.text(expr).replace(/\s+/g, ' ') });
    const raw = x.text(literal);
    decode(raw.slice(1, literal.kind === K.TemplateTail ? -1 : -2), literal.getStart(f.tree) + 1, out);
  }
  return out;
}

/**
 * A string constant of this file: `const users = 'users'` at the top level, a literal written in place, or a
 * local variable whose last write before the literal, on every path to it, is a string literal (`let t;
 * t = "integrations"; await q.query(\`alter table "${t}" …\`)`, sequelize-cli migrations written this way).
 */
function constantString(f: TsFile, expr: ts.Node): string | undefined {
  const x = f.syntax;
  const e = x.unwrap(expr);
  const direct = x.literal(e);
  if (direct) return direct.value;
  if (!e || e.kind !== x.K.Identifier) return undefined;
  const found = x.topVariable(x.text(e));
  if (found && found.decl.name.kind === x.K.Identifier && found.isConst) {
    return x.literal(x.unwrap(found.decl.initializer))?.value;
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
function localValue(f: TsFile, use: ts.Node): string | undefined {
  const x = f.syntax;
  const K = x.K;
  const name = x.text(use);
  const functionKinds = new Set([K.ArrowFunction, K.Constructor, K.FunctionDeclaration, K.GetAccessor, K.MethodDeclaration, K.SetAccessor, K.FunctionExpression]);
  let fn: ts.Node | undefined = use.parent;
  while (fn && !functionKinds.has(fn.kind)) fn = fn.parent;
  if (!fn) return undefined;
  const writes = (n: ts.Node): boolean => {
    let found = false;
    x.walk(n, (d) => {
      if (d.kind === K.BinaryExpression) {
        const b = d as ts.BinaryExpression;
        const op = x.text(b.operatorToken);
        if (x.text(b.left) === name && /=$/.test(op) && !/^[=!<>]=?=$/.test(op)) found = true;
      } else if ((d.kind === K.PrefixUnaryExpression || d.kind === K.PostfixUnaryExpression) && x.text((d as ts.PrefixUnaryExpression).operand) === name) found = true;
      return found ? 'stop' : undefined;
    });
    return found;
  };
  // A nested function that writes the variable may run at any time.
  let nestedWrite = false;
  x.walk(fn, (d) => {
    if ((d.kind === K.ArrowFunction || d.kind === K.FunctionExpression || d.kind === K.FunctionDeclaration) && writes(d)) nestedWrite = true;
    return nestedWrite ? 'stop' : undefined;
  });
  if (nestedWrite) return undefined;
  const loops = new Set([K.ForStatement, K.ForOfStatement, K.ForInStatement, K.WhileStatement, K.DoStatement]);
  let cur: ts.Node = use;
  while (cur !== fn) {
    const parent: ts.Node | undefined = cur.parent;
    if (!parent) return undefined;
    if (loops.has(parent.kind) && writes(parent)) return undefined;
    if (parent.kind === K.Block || parent.kind === K.SourceFile) {
      const statements = (parent as ts.Block).statements;
      for (let i = statements.indexOf(cur as ts.Statement) - 1; i >= 0; i--) {
        const st = statements[i];
        if (st.kind === K.VariableStatement) {
          const d = (st as ts.VariableStatement).declarationList.declarations.find((v) => x.text(v.name) === name);
          if (d) return x.literal(x.unwrap(d.initializer))?.value;
        }
        if (st.kind === K.ExpressionStatement) {
          const e = x.unwrap((st as ts.ExpressionStatement).expression);
          if (e && e.kind === K.BinaryExpression && x.text((e as ts.BinaryExpression).operatorToken) === '=' && x.text((e as ts.BinaryExpression).left) === name) {
            const right = (e as ts.BinaryExpression).right;
            const v = x.literal(x.unwrap(right));
            return v && !writes(right) ? v.value : undefined;
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
 *
 * A `CREATE TABLE` so blanked still makes its table when it runs: its head (`CREATE TABLE name`) is kept, so
 * the SQL reader, refusing a statement with no columns, records the table with columns it does not know
 * (`unparsed`), in its place among the literal's operations; a name that is itself a hole is then forgotten
 * (`forgetHoles`), as in a quoted one.
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
    const head = CREATE_TABLE_AT_START.exec(st.text)?.[0].length ?? 0;
    text = text.slice(0, st.start + head) + st.text.slice(head).replace(/[^\n]/g, ' ') + text.slice(end);
  }
  return { text, unread };
}

/**
 * A statement left unread still counts: each `references` in it is a foreign key FK Guard saw and could not
 * check, counted as unchecked (a reference whose target is computed at run time).
 */
function countUnread(read: FileFacts, st: { start: number; text: string }, c: Cooked, migration: boolean): void {
  for (const m of st.text.matchAll(/\breferences\b/gi)) {
    const start = st.start + m.index!;
    read.references.push({
      form: 'string',
      target: { kind: 'dynamic', text: shortened(spelled(st.text.trim().replace(/\s+/g, ' '), c), 120) },
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
  const dyn = (text: string): NameExpr => ({ kind: 'dynamic', text: spelled(text, c) });
  const holed = splitStatements(c.text).filter((st) => c.holes.some((h) => h.start < st.start + st.text.length && h.end > st.start));
  read.errors = read.errors.filter((e) => !holed.some((st) => e.span.start < st.start + st.text.length && e.span.end >= st.start));
  for (const t of read.tables) {
    // A schema FK Guard cannot read leaves the table's whole name unknown: `${SCHEMA}.feeders` may be any
    // schema's `feeders`, the one on the search path included.
    if (has(t.schema) && t.name.kind === 'literal') {
      t.name = dyn(`${t.schema}.${t.name.value}`);
      t.schema = undefined;
    }
    if (t.name.kind === 'literal' && has(t.name.value)) t.name = dyn(t.name.value);
    const lost = t.columns.find((col) => has(col.name));
    if (lost) {
      t.unreadColumn = `\`${spelled(lost.name, c)}\``;
      t.columns = t.columns.filter((col) => !has(col.name));
    }
    t.keys = t.keys.filter((k) => !k.some(has));
  }
  for (const r of read.references) {
    if (r.target?.kind === 'literal' && has(r.target.value)) r.target = dyn(r.target.value);
    if (r.table?.kind === 'literal' && has(r.table.value)) r.table = dyn(r.table.value);
    if (has(r.tableSchema) && r.table?.kind === 'literal') {
      r.table = dyn(`${r.tableSchema}.${r.table.value}`);
      r.tableSchema = undefined;
    }
    if (has(r.column)) r.column = undefined;
    if (r.composite?.some(has)) r.composite = r.composite.map((x) => (has(x) ? '' : x));
    if (r.source.table?.kind === 'literal' && (has(r.source.table.value) || has(r.source.schema))) r.source.table = dyn(r.source.table.value);
    if (has(r.source.schema)) r.source.schema = undefined;
    if (has(r.source.column)) r.source.column = undefined;
  }
  if (!read.migration) return;
  const kept: MigrationOp[] = [];
  const moved = new Map<number, number>();
  read.migration.ops.forEach((op, i) => {
    const o = op as Record<string, unknown>;
    const names = [o.table, o.schema, o.column, o.newName, o.from, o.to, ...(op.op === 'add_column' ? [op.column.name] : []), ...(op.op === 'add_key' ? op.columns : [])];
    if (names.some((n) => typeof n === 'string' && has(n))) return;
    // A constraint or index named through a hole is one FK Guard cannot name: dropping it may drop any key of its table
    // (an index's table is not even known then).
    if (op.op === 'drop_index' && has(op.name)) return;
    if ((op.op === 'drop_key' || op.op === 'add_key') && has(op.name)) delete op.name;
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
  if (f.conditionalOps) for (const op of added) op.conditional ??= f.conditionalOps;
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

/** `CREATE [TEMP|UNLOGGED] TABLE [IF NOT EXISTS] [schema.]name` at a statement's start (after blanks and comments). */
const CREATE_TABLE_AT_START = new RegExp(`^(?:\\s|--[^\\n]*(?:\\n|$)|\\/\\*[\\s\\S]*?\\*\\/)*${CREATE_TABLE_HEAD}`, 'i');
