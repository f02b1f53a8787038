import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { createTypeScriptDialect } from '../../server/src/core/typescript/dialect';
import { FastNode, fastParse, forEachFastChild } from '../../server/src/core/typescript/fastParse';
import { ModifierFlags, NodeFlags, SyntaxKind } from '../../server/src/core/typescript/syntaxKinds';
import { REPO, listFiles } from './harness';

/**
 * The fast parser (core/typescript/fastParse.ts) makes the compiler's tree without the compiler, for the code it
 * knows, and gives up on the rest. Wherever it does not give up, its tree must be the compiler's node for node:
 * kinds, positions, values, and the order `forEachChild` visits children in; and the readers then find the same
 * facts. Both are checked on invented snippets, on every TypeScript file of the fixtures, and on random edits of
 * those files (half-typed code, where the compiler reports syntax errors the fast parser must not hide).
 * bench/ts-tree-equivalence.mjs and bench/facts-equivalence.mjs check the same on the bench workspaces and the
 * real-world apps.
 */

/** One line per node, depth first: what the readers may read of it. */
function dumpCompiler(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node, depth: number) => {
    out.push(line(n as unknown as Record<string, unknown>, depth, n.kind === ts.SyntaxKind.SourceFile || n.kind === ts.SyntaxKind.EndOfFileToken ? -1 : n.getStart(sf)));
    ts.forEachChild(n, (c) => {
      visit(c, depth + 1);
      return undefined;
    });
  };
  visit(sf, 0);
  return out;
}

function dumpFast(sf: FastNode): string[] {
  const out: string[] = [];
  const visit = (n: FastNode, depth: number) => {
    out.push(line(n, depth, n.kind === SyntaxKind.SourceFile || n.kind === SyntaxKind.EndOfFileToken ? -1 : n.getStart()));
    forEachFastChild(n, (c) => {
      visit(c, depth + 1);
      return undefined;
    });
  };
  visit(sf, 0);
  return out;
}

function line(n: Record<string, unknown>, depth: number, start: number): string {
  const values = ['text', 'rawText', 'escapedText', 'operator', 'token', 'isTypeOnly', 'isExportEquals', 'isTypeOf']
    .filter((k) => n[k] !== undefined && typeof n[k] !== 'function')
    .map((k) => `${k}=${JSON.stringify(n[k])}`);
  return `${' '.repeat(depth)}${ts.SyntaxKind[n.kind as number]} ${n.pos as number}/${start}/${n.end as number} flags=${(n.flags as number) & 7} ${values.join(' ')}`;
}

const extension = (file: string) => /\.[cm]?[jt]s$/.exec(file)?.[0] ?? '.ts';

/** Compares the two parsers on one text; returns whether the fast parser read it. */
function compare(file: string, text: string): boolean {
  const fast = fastParse(text, /\.[cm]?js$/.test(file));
  if (!fast) return false;
  const sf = ts.createSourceFile(`/fkguard/scratch${extension(file)}`, text, ts.ScriptTarget.Latest, false);
  const errors = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  assert.deepEqual(errors.map((d) => d.messageText), [], `${file}: the fast parser read what the compiler finds syntax errors in:\n${text}`);
  assert.deepEqual(dumpFast(fast), dumpCompiler(sf), `${file}: the trees differ`);
  return true;
}

/** Invented code in the shapes model files and migrations take, and in the business code around them. */
const SNIPPETS: Record<string, string> = {
  'entity.ts': `import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Shelf } from './shelf';
import * as orm from "typeorm";

@Entity({ name: 'books', schema: 'library' })
export class Book extends BaseRecord<Book> implements Named, Dated {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 120, nullable: true }) title?: string | null;
  @orm.Column() declare pages: number;
  @ManyToOne(() => Shelf, (s) => s.books, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shelf_id', referencedColumnName: 'id' })
  shelf: Shelf;
  private static readonly cache = new Map<string, Book[]>();
  constructor(private readonly repo: Repository<Book>, @Inject(TOKEN) public other?: number) {
    super();
  }
  get label(): string {
    return \`\${this.title ?? '?'} (\${this.pages})\`;
  }
  async load(this: Book, ids: readonly string[] = []): Promise<Book[] | undefined> {
    const found = await this.repo.find({ where: { id: In(ids) }, order: { title: 'ASC' } });
    return found?.filter((b): b is Book => !!b && b.pages > 0x1f && b.pages < 1_000);
  }
  abstract?(): void;
}
`,
  'migration.ts': `import type { Knex } from 'knex';
import { TableUser, FieldNameUser as F } from '@app/database';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('auth').createTable(TableUser, (t) => {
    t.increments();
    t.integer('shelf_id').unsigned().notNullable().references('id').inTable('shelves').onDelete('CASCADE');
    t.string(F.email, 120).unique();
    t.decimal('price', 12, 2).defaultTo(0.5);
    t.timestamp('at', { useTz: false });
    t.foreign(['a', 'b']).references(['x', 'y']).inTable('other');
  });
  for (const name of ['a', 'b']) if (name in knex) continue;
  for (let i = 0; i < 3; i++) { await knex.raw(\`select \${i}\`); }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable(TableUser);
}
`,
  'migration.js': `'use strict';
/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('users', {
      id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
      org_id: { type: Sequelize.INTEGER, references: { model: 'orgs', key: 'id' } },
    });
  },
  down: async (queryInterface) => queryInterface.dropTable('users'),
};
exports.up = function (knex) {
  return knex.schema.table('users', function (t) { t.dropColumn('legacy'); });
};
const re = /a[/]b\\/c/gi, x = a / 2 / b;
`,
  'drizzle.ts': `import { pgTable, serial, integer, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql, relations } from 'drizzle-orm';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().default(sql\`'anon'\`),
}, (t) => ({ nameIdx: uniqueIndex('name_idx').on(t.name) }));

export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").references((): AnyPgColumn => users.id, { onDelete: "cascade" }),
  count: integer("count").$type<number>(),
});
const total = sql<number>\`count(*)\`;
export const rel = relations(posts, ({ one }) => ({ author: one(users, { fields: [posts.authorId], references: [users.id] }) }));
`,
  'business.ts': `export type Result<T> =
  | { ok: true; value: T }
  | { ok: false; errors: string[] };
export interface Page<T extends object = {}> extends Base { readonly items: T[]; [key: string]: unknown; next?(): Promise<Page<T>> }
export const enum Field { id = 'id', 'user-name' = "user_name" }
enum Level { Low = 1, High }
export default class Service {}
export { a as b, c } from './other';
export * from './more';
export type { Thing } from './thing';
let n = 1, m: number | undefined;
const { a, b: [c, , d = 2], ...rest } = obj as Record<string, any>;
const f = async ({ x }: { x: number }, ...more: unknown[]) => x satisfies number;
const g = (a?: string): a is string => typeof a === 'string';
const h = (x) => (y) => x + y ** 2 - -y;
switch (n) { case 1: n++; break; default: n--; }
try { throw new Error('x'); } catch (e: unknown) { void e; } finally { delete obj.a; }
while (n < 10 && m! > 2 || (n >= 3 ? true : false)) { n += 1; if (!n) break; else continue; }
do { n >>= 1; } while (n > 1 >>> 0);
const t = cond ? x : (y);
new Date;
const v = obj?.a?.[b]?.(c) ?? f<string>(d);
const w = a < b, z = c > d;
const big = 10n, hex = 0xFF, sci = 1e-3, frac = .5;
const ident = <T,>(x: T): T => x;
export const wrap = async <T extends object>(v: T): Promise<T> => v;
`,
  // Type assertions, and what starts as one but is a generic arrow function.
  'assertion.ts': `const a = <string>y, b = <Options>env.get('X', true) ?? 'info', c = <T>(x);
const d = <{ a: number }>{ a: 1 }, e = !<boolean>f, g = <T,>(x: T) => x, h = <T>(x: T): T => x;
const j = <number>+k, l = <{ n: number[] }>m.n[0]++, o = <T>(x) + 1, p = <T>(x: T) => { return x; };
`,
  // Import types, in a type and in an expression's type arguments.
  'import-type.ts': `let a: import('./settings').Health<string>, b: typeof import("./config"), c: import('./x').A.B;
const d = json('d').$type<import('./settings').Health>(), e = (await load()) as typeof import('./config');
`,
  // Mapped types.
  'mapped.ts': `type Flags = { [key in Flag]?: number } | null;
export type Replace<T, K extends keyof T, N> = { [P in keyof T]: T[P] | N };
type Frozen<T> = { readonly [P in keyof T]: T[P]; };
type Keys = {
  [K in 'a' | 'b']
};
`,
  // Namespace exports and negative literal types.
  'exports.ts': `export * as schema from './schema';
export * from './all';
export function move(direction: 1 | -1, by: -0.5 = -0.5): -1 | 0 | 1 { return direction; }
`,
  // Accessors in an object literal, and members merely named \`get\` and \`set\`.
  'accessors.js': `const db = {
  ...models,
  get pool() { return pool; },
  set pool(value) { pool = value; },
  get ['dyn' + 1]() { return 1; },
  get: 1, set() { return 2; }, async get() {},
};
`,
  // \`??\` mixed with \`||\` without parentheses: the checker's error, not the parser's, so the tree must match.
  'coalesce.js': `const a = x ?? y || z, b = x || y ?? z, c = x | y ?? z - w || v;
const d = x ?? y && z || w, e = x && y ?? z, f = x ?? (y || z);
`,
  // Generators: declarations, expressions, methods; \`yield\` with and without a value, \`yield*\`, a line break after
  // \`yield\`; \`for await\`; \`yield\` and \`await\` back to words inside an arrow function or a nested function.
  'generators.ts': `export async function* pages(db: Db, size = 100): AsyncGenerator<Row[]> {
  for await (const batch of db.stream('shelves')) yield batch;
  let done = yield;
  yield
  done;
  yield* more();
  const f = () => done;
  function inner() { return 1; }
  return (yield size) ?? 0;
}
router.subscription(async function* ({ input, signal }) {
  for await (const e of on(signal)) { if (e) yield { id: input.id, e }; }
});
const it = function* named() { yield 1, yield 2; };
class Rows { *[Symbol.iterator]() { yield* this.rows; } async *each() { for await (const r of this) yield r; } static *of() {} }
const o = { *gen() { yield; }, async *agen() { yield await x; } };
`,
  // Ambient modules and declarations, namespaces, global augmentations.
  'ambient.ts': `import type { Knex } from 'knex';
declare module 'knex/types/tables' {
  interface Tables { [TableShelf]: Knex.CompositeTableType<Shelf>; books: Book }
}
declare module 'untyped-plugin';
declare global {
  namespace Express { interface Request { shelf?: Shelf } }
}
export declare const version: string;
declare function helper(x: number): string;
declare class Legacy { constructor(a: string); run(): void; }
declare let counter: number;
declare enum Mode { A, B }
declare abstract class Base {}
declare type Id = string;
declare interface Named { name: string }
namespace Shelves { export const table = 'shelves'; }
module Books { export const table = 'books'; }
export namespace Ns { export type T = 1; }
module.exports = { declare: 1, namespace: 2 };
declare
const plain = 1;
global
{ }
`,
  // Conditional types and \`infer\`, constructor and generic function types, call and construct signatures, named
  // tuple members, mapped types with \`+\`/\`-\` and \`as\`, type predicates with \`asserts\` and \`this\`, an arrow
  // function with a return type in a call in a conditional's true branch.
  'types.ts': `type Unwrap<T> = T extends Promise<infer U> ? U : T extends (infer V)[] ? V : never;
type Deep<T> = { [K in keyof T]-?: T[K] extends object ? Deep<T[K]> : T[K] };
type Mutable<T> = { -readonly [P in keyof T]+?: T[P] };
type Renamed<T> = { [P in keyof T as P extends 'id' ? never : Capitalize<string & P>]: () => T[P] };
type Ctor<T = object> = new (...args: any[]) => T;
type Abstract = abstract new () => object;
export const Relations: <T extends Base>(data: Config<T>) => Decorator = make();
type Row = [row: Shelf | null, id?: string, ...rest: Book[]];
type Plain = [string, ...number[]];
interface Factory { new (name: string): Shelf; <T>(x: T): T; (): void }
function check(x: unknown): asserts x is string {}
function ok(x: unknown): asserts x {}
class Guard { isShelf(): this is Shelf { return true; } assert(): asserts this {} }
const pick = cond ? rows.filter((r): r is Book => !!r) : [];
type F = (x: number) => x is 1;
type Cond = A extends (B extends C ? D : E) ? F : G;
`,
  // Names outside ASCII, in the blocks whose identifier characters the compiler and this engine agree on; a
  // no-break space after a name.
  'unicode.ts': `export const élèves = pgTable('élèves', { прізвище: text('прізвище'), 名前: text('名前') });
const café·x = 1,\u00a0naïve = café·x;
`,
  // \`import x = require()\` and \`import x = A.B\`.
  'import-equals.ts': `import session = require('cookie-session');
import Alias = Shelves.Table;
`,
  // Names that are the compiler's range markers of keywords (\`FirstKeyword\`, \`LastKeyword\`), not keywords;
  // type-only re-exports of a whole module.
  'marker-names.ts': `const first = rows[0], last = rows[rows.length - 1];
let firstcontextual = first, lastcontextual = last;
function first2(first: number) { return { first, last: first }; }
export type * from './shelf';
export type * as shelves from "./shelves";
`,
  // Template literal types: in a type argument, a return type, a mapped type's \`as\`, nested, with a union.
  'template-types.ts': `export const shelves = mysqlTable('shelves', { code: text().$type<\`\${string}.\${string}\`>().notNull() });
const key = (a: string, b: string): \`\${string}:\${number}\` => \`\${a}:\${b}\` as const;
type Prefixed<T, P extends string> = { [K in keyof T as \`\${P}\${Extract<K, string>}\`]: T[K] };
type Id = \`id-\${'a' | 'b'}-\${\`x\${number}\`}\\n\`;
`,
  // \`import.meta\` (a meta-property) in a statement, a call and a condition.
  'import-meta.mjs': `import.meta.dirname;
const here = fileURLToPath(import.meta.url), dir = dirname(import.meta . filename);
if (import.meta.main) await run(import.meta?.env, import.meta['url']);
`,
  // Labels and expression initializers in \`for\`.
  'labels.js': `outer: for (i = 0, j = rows.length; i < j; i += size) {
  inner: for (const r of rows) { if (r) continue outer; else break inner; }
}
for (k in obj) {}
for (x of xs) {}
done: { break done; }
`,
};

/** Code the fast parser must leave to the compiler: unsupported shapes, or syntax errors. */
const DECLINED: Record<string, string> = {
  'jsx.js': 'const el = <div>{x}</div>;\n',
  // \`yield\` outside a generator: the compiler reads it as a yield, with an error.
  'yield-outside.ts': 'function g() { yield 1; }\n',
  'yield-parameter.ts': 'function* g(a = yield) {}\n',
  'for-await-outside.ts': 'function f() { for await (const x of xs) {} }\n',
  'namespace-dotted.ts': 'namespace A.B { export const x = 1; }\n',
  'declare-other.ts': 'declare x;\n',
  'global-name.ts': 'global x;\n',
  'assertion.js': 'const x = <string>y;\n',
  'const-assertion.ts': 'const x = <const>[1, 2];\n',
  // A word after \`<\` may start a generic arrow function's type parameters: what the compiler does with more than
  // a word there is not followed.
  'assertion-generic.ts': 'const x = <Array<string>>y;\n',
  'accessor-apart.js': 'const o = { get\n  x() { return 1; } };\n',
  'import-type-attributes.ts': "let a: import('./a', { with: { 'resolution-mode': 'import' } }).A;\n",
  'mapped-plus-only.ts': 'type M<T> = { + [P in keyof T]: T[P] };\n',
  'infer-constraint.ts': 'type X<T> = T extends [infer U extends string] ? U : never;\n',
  'conditional-in-extends.ts': 'type X<T> = T extends U extends V ? 1 : 2 ? 3 : 4;\n',
  'optional-tuple.ts': 'type X = [string?];\n',
  'import-equals-type.ts': "import type x = require('x');\n",
  // Letters the Unicode versions of the compiler and of this engine may not agree on, or a space the compiler skips.
  'unicode-recent.ts': 'const \u{1E900}x = 1;\n',
  'unicode-space.ts': 'const a\u3000= 1;\n',
  'assertion-exponent.ts': 'const x = <number>y ** 2;\n',
  'octal.js': 'const x = 017;\n',
  'broken.ts': 'const = ;\n',
  'unclosed.ts': "import { Entity } from 'typeorm';\n@Entity()\nexport class A {\n  @Column() a: string;\n",
  'declare-export.ts': "declare export const x = 1;\n",
  // `(x):` after a conditional's `?` may start an arrow function's return type: the compiler weighs both.
  'conditional-paren.ts': 'const t = cond ? (x) : y;\n',
};

describe('the TypeScript fast parser', () => {
  it('uses the compiler\'s SyntaxKind, NodeFlags and ModifierFlags numbers', () => {
    const names = Object.keys(ts.SyntaxKind).filter((k) => Number.isNaN(Number(k)));
    assert.deepEqual(
      names.filter((n) => (SyntaxKind as Record<string, number>)[n] !== (ts.SyntaxKind as unknown as Record<string, number>)[n]),
      [],
      'syntaxKinds.ts is out of date with the compiler: run scripts/ts-kinds.mjs',
    );
    assert.equal(Object.keys(SyntaxKind).length, names.length);
    for (const [k, v] of Object.entries(NodeFlags)) assert.equal(v, (ts.NodeFlags as unknown as Record<string, number>)[k], `NodeFlags.${k}`);
    for (const [k, v] of Object.entries(ModifierFlags)) assert.equal(v, (ts.ModifierFlags as unknown as Record<string, number>)[k], `ModifierFlags.${k}`);
  });

  it('makes the compiler\'s tree for invented model, migration and business code', () => {
    for (const [file, text] of Object.entries(SNIPPETS)) assert.ok(compare(file, text), `${file}: the fast parser gave up`);
  });

  it('leaves unsupported code and syntax errors to the compiler', () => {
    for (const [file, text] of Object.entries(DECLINED)) assert.equal(fastParse(text, /\.[cm]?js$/.test(file)), undefined, file);
  });

  const files = listFiles(join(REPO, 'test/fixtures')).filter((f) => /\.[cm]?[jt]s$/.test(f));

  it('makes the compiler\'s tree for every TypeScript file of the fixtures, and for random edits of them', () => {
    let read = 0;
    let edited = 0;
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = ['', '(', ')', '{', '}', ',', ';', '<', '>', '=', '=>', '?', ':', '.', '@', '\n', "'", '`', '/', 'as ', 'async ', '!', '...'];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (compare(file, text)) read++;
      for (let k = 0; k < 12; k++) {
        const at = Math.floor(random() * text.length);
        const cut = Math.floor(random() * 3);
        const edit = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at + cut);
        if (compare(`${file} (edited at ${at})`, edit)) edited++;
      }
    }
    // Most files and many edits are read: the comparisons above are not vacuous.
    assert.ok(read > files.length * 0.9, `only ${read} of ${files.length} files read`);
    assert.ok(edited > 100, `only ${edited} edits read`);
  });

  it('gives the readers the same facts as the compiler\'s tree, on every fixture candidate', () => {
    const reference = createTypeScriptDialect(() => ts, { fastParser: false });
    let loads = 0;
    const fast = createTypeScriptDialect(() => (loads++, ts), { fastParser: true });
    let n = 0;
    let declined = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!reference.isCandidate(file, text)) continue;
      n++;
      if (!fastParse(text, /\.[cm]?js$/.test(file))) declined++;
      assert.equal(JSON.stringify(fast.extract(file, text)), JSON.stringify(reference.extract(file, text)), file);
    }
    assert.ok(n > 50 && declined < n / 10, `${declined} of ${n} declined`);
    // The compiler loads once, and only when a file is left to it (a name outside ASCII, say).
    assert.equal(loads, declined > 0 ? 1 : 0);
  });
});
