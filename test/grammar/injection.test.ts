// The injection grammars on top of VS Code's own Python, TypeScript and JavaScript grammars, tokenized by the same
// libraries VS Code uses. Which grammar is injected into which is read from the manifest, as VS Code reads it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { IGrammar, INITIAL, parseRawGrammar, Registry, StateStack } from 'vscode-textmate';

const repoRoot = join(__dirname, '..', '..', '..');
const vendored = (name: string) => join(repoRoot, 'test', 'fixtures', 'grammar', `${name}.tmLanguage.json`);

interface ManifestGrammar {
  scopeName: string;
  path: string;
  injectTo?: string[];
}
const contributed = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars: ManifestGrammar[] } })
  .contributes.grammars;

const grammarFiles: Record<string, string> = {
  'source.python': vendored('python'),
  'source.ts': vendored('typescript'),
  'source.js': vendored('javascript'),
  ...Object.fromEntries(contributed.map((g) => [g.scopeName, join(repoRoot, g.path)])),
};

interface Token {
  text: string;
  scopes: string[];
}

let registry: Registry;

let wasmLoaded: Promise<void> | undefined;

/** The grammars as VS Code loads them, or with `injections: false` the base grammars alone. */
async function createRegistry({ injections = true } = {}): Promise<Registry> {
  wasmLoaded ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  })();
  await wasmLoaded;
  return new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const file = grammarFiles[scope];
      return file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    // The manifest's `injectTo` lists, which VS Code reads the same way.
    getInjections: (scope) => {
      if (!injections) return undefined;
      const found = contributed.filter((g) => g.injectTo?.includes(scope)).map((g) => g.scopeName);
      return found.length ? found : undefined;
    },
  });
}

async function load(scope: string, from = registry): Promise<IGrammar> {
  const grammar = await from.loadGrammar(scope);
  if (!grammar) throw new Error(`the grammar ${scope} did not load`);
  return grammar;
}

function tokenizeWith(grammar: IGrammar, source: string): Token[] {
  const tokens: Token[] = [];
  let state: StateStack = INITIAL;
  for (const line of source.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  }
  return tokens;
}

let python: IGrammar;
const tokenize = (source: string) => tokenizeWith(python, source);

/** The scopes of the n-th token whose text is exactly `text`. */
function scopesOf(tokens: Token[], text: string, nth = 0): string[] {
  const found = tokens.filter((t) => t.text === text);
  if (!found[nth]) throw new Error(`no token ${JSON.stringify(text)} (#${nth}) in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return found[nth].scopes;
}

function has(scopes: string[], scope: string): boolean {
  return scopes.some((s) => s === scope || s.startsWith(`${scope}.`) || s.split(' ').includes(scope));
}

const TABLE = 'meta.reference.table.fkguard';
const COLUMN = 'meta.reference.column.fkguard';
const SCHEMA = 'meta.reference.schema.fkguard';
const TARGET = 'meta.foreign-key-target.fkguard';

describe('foreign-key injection grammar', () => {
  before(async () => {
    registry = await createRegistry();
    python = await load('source.python');
  });

  it('scopes the table and column of ForeignKey("users.id") and leaves the rest to Python', () => {
    const tokens = tokenize('    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)');
    assert.ok(has(scopesOf(tokens, 'users'), TABLE));
    assert.ok(has(scopesOf(tokens, 'users'), TARGET));
    assert.ok(has(scopesOf(tokens, 'users'), 'string.quoted.single.python'));
    assert.ok(has(scopesOf(tokens, 'id'), COLUMN));
    assert.ok(has(scopesOf(tokens, '.'), 'meta.reference.period.fkguard'));
    assert.ok(has(scopesOf(tokens, '"'), 'punctuation.definition.string.begin.python'));
    assert.ok(has(scopesOf(tokens, 'ForeignKey'), 'meta.function-call.generic.python'));
    // Python's own scopes survive around the call.
    assert.ok(has(scopesOf(tokens, 'False'), 'constant.language.python'));
    assert.ok(!has(scopesOf(tokens, 'Integer'), TABLE));
    assert.ok(!has(scopesOf(tokens, 'False'), 'meta.foreign-key.fkguard'));
  });

  it('handles prefixes, schemas, single quotes and keyword arguments', () => {
    const tokens = tokenize("    invoice_id = sa.Column(sa.ForeignKey('billing.invoices.id', ondelete=\"CASCADE\"))");
    assert.ok(has(scopesOf(tokens, 'billing'), SCHEMA));
    assert.ok(has(scopesOf(tokens, 'invoices'), TABLE));
    assert.ok(has(scopesOf(tokens, 'id'), COLUMN));
    assert.ok(!has(scopesOf(tokens, 'CASCADE'), TARGET), 'ondelete="CASCADE" is an ordinary string');
    const kw = tokenize('    owner_id = Column(ForeignKey(column="users.id"))');
    assert.ok(has(scopesOf(kw, 'users'), TABLE));
    // A nested call closes where it should; the outer call's keyword arguments are Python's again.
    const nested = tokenize('    a_id = Column(ForeignKey("a.id", name=naming("fk_a")), index=True)');
    assert.ok(!has(scopesOf(nested, 'True'), 'meta.foreign-key.fkguard'));
    assert.ok(has(scopesOf(nested, 'True'), 'constant.language.python'));
  });

  it('follows a call over several lines, with comments between the arguments', () => {
    const tokens = tokenize(
      ['    owner_id = Column(', '        ForeignKey(', '            # the account that owns it', '            "accounts.id",', '        ),', '    )', 'x = 1'].join('\n'),
    );
    assert.ok(has(scopesOf(tokens, 'accounts'), TABLE));
    assert.ok(tokens.some((t) => t.text.includes('the account that owns it') && has(t.scopes, 'comment.line.number-sign.python')));
    // The region closes: the next statement is plain Python again.
    assert.ok(!has(scopesOf(tokens, 'x'), 'meta.foreign-key.fkguard'));
  });

  it('scopes SQLModel foreign_key= and the referenced side of ForeignKeyConstraint', () => {
    const field = tokenize('    team_id: int | None = Field(default=None, foreign_key="team.id")');
    assert.ok(has(scopesOf(field, 'team'), TABLE));
    assert.ok(has(scopesOf(field, 'foreign_key'), 'variable.parameter.function-call.python'));
    const constraint = tokenize(
      '    __table_args__ = (ForeignKeyConstraint(["tenant_id", "user_id"], ["memberships.tenant_id", "memberships.user_id"]),)',
    );
    assert.ok(has(scopesOf(constraint, 'memberships', 0), TABLE));
    assert.ok(has(scopesOf(constraint, 'memberships', 1), TABLE));
    assert.ok(has(scopesOf(constraint, 'tenant_id', 1), COLUMN));
    assert.ok(!has(scopesOf(constraint, 'tenant_id', 0), TARGET), 'local column names are not targets');
  });

  it('leaves alone what FK Guard does not check', () => {
    for (const line of [
      'x = "users.id"',
      '# ForeignKey("users.id")',
      'y = MyForeignKey("users.id")',
      'z = "see ForeignKey(\\"users.id\\")"',
      'w = ForeignKey(f"{USERS}.id")',
    ]) {
      const tokens = tokenize(line);
      assert.ok(!tokens.some((t) => has(t.scopes, TARGET)), `${line}: ${JSON.stringify(tokens.filter((t) => has(t.scopes, TARGET)))}`);
    }
    // The f-string keeps Python's scopes.
    const f = tokenize('w = ForeignKey(f"{USERS}.id")');
    assert.ok(has(scopesOf(f, 'USERS'), 'meta.fstring.python'));
  });
});

/**
 * Themes colour a token by its most specific scope that one of their rules names. The parts of a reference sit
 * inside the base grammar's string scope; if they carried a scope themes style (`entity.name.type`, `variable`,
 * `punctuation`), the default theme would paint a table name as a type. `meta.*` scopes are styled by no common
 * theme, so a reference looks like any string unless the user adds a rule for `meta.reference.table.fkguard`.
 */
describe('foreign-key injection grammar colours: a reference looks like a string', () => {
  const inside = (grammar: IGrammar, line: string, words: string[]) => {
    const tokens = tokenizeWith(grammar, line);
    for (const word of words) {
      const scopes = scopesOf(tokens, word).flatMap((s) => s.split(' '));
      assert.ok(scopes.some((s) => s.startsWith('string.quoted.')), `${word} in ${line}: ${scopes.join(' ')}`);
      const ours = scopes.filter((s) => s.endsWith('.fkguard'));
      assert.ok(ours.length > 0, `${word} in ${line} has no FK Guard scope`);
      assert.deepEqual(ours.filter((s) => !s.startsWith('meta.')), [], `${word} in ${line}`);
    }
  };

  it('gives the schema, table, column and dots only meta scopes, in Python, TypeScript and JavaScript', async () => {
    const py = await load('source.python', await createRegistry());
    inside(py, '    a_id = Column(ForeignKey("billing.invoices.id"))', ['billing', 'invoices', 'id', '.']);
    for (const scope of ['source.ts', 'source.js']) {
      const g = await load(scope, await createRegistry());
      inside(g, "  t.integer('user_id').references('auth.users.id');", ['auth', 'users', 'id']);
      inside(g, "  t.integer('org_id').references('id').inTable('orgs');", ['orgs']);
    }
  });
});

describe('foreign-key injection grammar in TypeScript and JavaScript', () => {
  let ts: IGrammar;
  let js: IGrammar;
  const TABLE_NAME = 'meta.table-name.fkguard';

  before(async () => {
    registry ??= await createRegistry();
    ts = await load('source.ts');
    js = await load('source.js');
  });

  it("scopes Knex's createTable, .references('id').inTable('users') and .references('schema.table.column')", () => {
    const tokens = tokenizeWith(
      ts,
      [
        'export async function up(knex: Knex): Promise<void> {',
        "  await knex.schema.createTable('posts', (t) => {",
        "    t.increments('id');",
        "    t.uuid('author_id').references('id').inTable('users').onDelete('CASCADE');",
        "    t.integer('tenant_id').references('billing.tenants.id');",
        "    t.foreign('editor_id').references(\"users.id\");",
        '  });',
        "  await knex.raw('VACUUM');",
        '}',
      ].join('\n'),
    );
    assert.ok(has(scopesOf(tokens, 'posts'), TABLE));
    assert.ok(has(scopesOf(tokens, 'posts'), TABLE_NAME));
    assert.ok(has(scopesOf(tokens, 'users'), TABLE));
    assert.ok(has(scopesOf(tokens, 'users'), 'string.quoted.single.ts'));
    assert.ok(has(scopesOf(tokens, 'inTable'), 'entity.name.function.ts'));
    assert.ok(has(scopesOf(tokens, 'id', 1), COLUMN), "the column of .references('id')");
    assert.ok(has(scopesOf(tokens, 'billing'), SCHEMA));
    assert.ok(has(scopesOf(tokens, 'tenants'), TABLE));
    assert.ok(has(scopesOf(tokens, 'users', 1), TABLE));
    assert.ok(has(scopesOf(tokens, 'users', 1), 'string.quoted.double.ts'));
    assert.ok(has(scopesOf(tokens, 'id', 3), COLUMN));
    // Column names being defined, other strings and the code around keep TypeScript's scopes.
    for (const text of ['author_id', 'CASCADE', 'tenant_id', 'editor_id']) {
      assert.ok(has(scopesOf(tokens, text), 'string.quoted.single.ts'), `${text} is a string`);
      assert.ok(!has(scopesOf(tokens, text), TARGET) && !has(scopesOf(tokens, text), TABLE_NAME), `${text} is an ordinary string`);
    }
    assert.ok(!has(scopesOf(tokens, 'id', 0), COLUMN), "the column t.increments('id') defines");
    assert.ok(has(scopesOf(tokens, 'onDelete'), 'entity.name.function.ts'));
    assert.ok(has(scopesOf(tokens, 'await', 1), 'keyword.control.flow.ts'));
    // The base grammar's call regions close where they would without the injection.
    assert.deepEqual(scopesOf(tokens, 'await', 1), scopesOf(tokens, 'await', 0));
  });

  it('follows a Knex chain written one call per line', () => {
    const tokens = tokenizeWith(ts, ['    table', "      .integer('user_id')", "      .references('id')", "      .inTable('users');", 'const x = 1;'].join('\n'));
    assert.ok(has(scopesOf(tokens, 'users'), TABLE));
    assert.ok(has(scopesOf(tokens, 'id'), COLUMN));
    assert.ok(has(scopesOf(tokens, 'const'), 'storage.type.ts'));
  });

  it("scopes Sequelize's references: { model, key } (a table name or { tableName, schema }) and tableName", () => {
    const tokens = tokenizeWith(
      ts,
      [
        "await queryInterface.addColumn('posts', 'author_id', {",
        '  type: Sequelize.UUID,',
        "  references: { model: 'users', key: 'id' },",
        "  onDelete: 'CASCADE',",
        '});',
        "await queryInterface.addColumn('posts', 'invoice_id', {",
        '  references: {',
        '    // a table in another schema',
        "    model: { tableName: 'invoices', schema: 'billing' },",
        "    key: 'number',",
        '  },',
        '});',
        "Post.init({ title: DataTypes.STRING }, { sequelize, tableName: 'blog_posts' });",
      ].join('\n'),
    );
    assert.ok(has(scopesOf(tokens, 'users'), TABLE));
    assert.ok(has(scopesOf(tokens, 'model'), 'meta.object-literal.key.ts'));
    assert.ok(has(scopesOf(tokens, 'id'), COLUMN));
    assert.ok(has(scopesOf(tokens, 'invoices'), TABLE));
    assert.ok(has(scopesOf(tokens, 'billing'), SCHEMA));
    assert.ok(has(scopesOf(tokens, 'number'), COLUMN));
    assert.ok(has(scopesOf(tokens, 'blog_posts'), TABLE));
    assert.ok(tokens.some((t) => t.text.includes('a table in another schema') && has(t.scopes, 'comment.line.double-slash.ts')));
    assert.ok(!tokens.some((t) => t.text.includes('CASCADE') && has(t.scopes, TARGET)));
    assert.ok(has(scopesOf(tokens, 'UUID'), 'variable.other.property.ts') || has(scopesOf(tokens, 'UUID'), 'variable.other.constant.property.ts'));
  });

  it("scopes TypeORM's @Entity('users') and @Entity({ name, schema })", () => {
    const tokens = tokenizeWith(
      ts,
      [
        "@Entity('users')",
        'export class User {',
        "  @PrimaryGeneratedColumn('uuid')",
        '  id: string;',
        '}',
        "@Entity({ name: 'invoices', schema: 'billing', synchronize: false })",
        'export class Invoice {}',
      ].join('\n'),
    );
    assert.ok(has(scopesOf(tokens, 'users'), TABLE));
    assert.ok(has(scopesOf(tokens, 'Entity'), 'meta.decorator.ts'));
    assert.ok(has(scopesOf(tokens, 'class'), 'storage.type.class.ts'));
    assert.ok(!tokens.some((t) => t.text.includes('uuid') && has(t.scopes, TABLE_NAME)));
    assert.ok(has(scopesOf(tokens, 'invoices'), TABLE));
    assert.ok(has(scopesOf(tokens, 'billing'), SCHEMA));
    assert.ok(has(scopesOf(tokens, 'false'), 'constant.language.boolean.false.ts'));
    assert.ok(has(scopesOf(tokens, 'class', 1), 'storage.type.class.ts'));
  });

  it("scopes Drizzle's pgTable('name', …) and leaves the columns to TypeScript", () => {
    const tokens = tokenizeWith(
      ts,
      [
        "export const posts = pgTable('blog-posts', {",
        "  id: serial('id').primaryKey(),",
        "  authorId: uuid('author_id').references(() => users.id),",
        '});',
        'export const x = 1;',
      ].join('\n'),
    );
    assert.ok(has(scopesOf(tokens, 'blog-posts'), TABLE));
    assert.ok(has(scopesOf(tokens, 'pgTable'), 'entity.name.function.ts'));
    assert.ok(!has(scopesOf(tokens, 'users'), TABLE), 'a TypeScript variable, not a string');
    assert.ok(has(scopesOf(tokens, 'primaryKey'), 'entity.name.function.ts'));
    assert.ok(has(scopesOf(tokens, 'const', 1), 'storage.type.ts'));
    assert.deepEqual(scopesOf(tokens, 'const', 1), scopesOf(tokens, 'const', 0), 'the pgTable call closes');
  });

  it("changes nothing the base grammar says about a call chain: only the strings' insides gain scopes", async () => {
    const plain = await load('source.ts', await createRegistry({ injections: false }));
    const source = [
      "await knex.schema.createTable('posts', (t) => {",
      "  t.uuid('author_id').references('id').inTable('users').onDelete('CASCADE');",
      "  t.foreign(['tenant_id']).references('billing.tenants.id');",
      '});',
      "export const posts = pgTable('blog-posts', { authorId: uuid('author_id').references(() => users.id) }, (t) => [index('i').on(t.authorId)]);",
      'const after = knex.schema.hasTable("users");',
    ].join('\n');
    /** Each character's scopes, less FK Guard's own. */
    const perCharacter = (tokens: Token[]) =>
      tokens.flatMap((t) => [...t.text].map(() => t.scopes.flatMap((s) => s.split(' ')).filter((s) => !s.endsWith('.fkguard')).join(' ')));
    const injected = tokenizeWith(ts, source);
    assert.ok(has(scopesOf(injected, 'tenants'), TABLE) && has(scopesOf(injected, 'blog-posts'), TABLE));
    assert.deepEqual(perCharacter(injected), perCharacter(tokenizeWith(plain, source)));
  });

  it('leaves alone what FK Guard does not read', () => {
    for (const line of [
      "const s = 'users.id';",
      "// t.uuid('a').references('users.id')",
      "const q = `inTable('users')`;",
      "myInTable('users');",
      'foo.references(target);',
      "x.references('not a table');",
    ]) {
      const tokens = tokenizeWith(ts, line);
      assert.ok(!tokens.some((t) => has(t.scopes, TARGET) || has(t.scopes, TABLE)), `${line}: ${JSON.stringify(tokens.filter((t) => has(t.scopes, TARGET)))}`);
    }
    // A string the injection does not recognise is still a string.
    const odd = tokenizeWith(ts, "x.references('not a table');");
    assert.ok(odd.some((t) => t.text === 'not a table' && has(t.scopes, 'string.quoted.single.ts')));
  });

  it('does the same in JavaScript, with its scope names', () => {
    const tokens = tokenizeWith(
      js,
      [
        'exports.up = function (knex) {',
        "  return knex.schema.createTable('comments', function (table) {",
        "    table.integer('post_id').unsigned().references('posts.id');",
        "    table.uuid('author_id', { references: { model: 'users', key: 'id' } });",
        '  });',
        '};',
      ].join('\n'),
    );
    assert.ok(has(scopesOf(tokens, 'comments'), TABLE));
    assert.ok(has(scopesOf(tokens, 'posts'), TABLE));
    assert.ok(has(scopesOf(tokens, 'posts'), 'string.quoted.single.js'));
    assert.ok(has(scopesOf(tokens, 'users'), TABLE));
    assert.ok(has(scopesOf(tokens, 'function', 1), 'storage.type.function.js'));
  });
});
