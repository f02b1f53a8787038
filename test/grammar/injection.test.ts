// The injection grammar on top of VS Code's own Python grammar, tokenized by the same libraries VS Code uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { IGrammar, INITIAL, parseRawGrammar, Registry, StateStack } from 'vscode-textmate';

const repoRoot = join(__dirname, '..', '..', '..');
const INJECTION = 'fkguard.foreign-key.injection';
const grammarFiles: Record<string, string> = {
  'source.python': join(repoRoot, 'test', 'fixtures', 'grammar', 'python.tmLanguage.json'),
  [INJECTION]: join(repoRoot, 'syntaxes', 'foreign-key.injection.tmLanguage.json'),
};

interface Token {
  text: string;
  scopes: string[];
}

let python: IGrammar;

async function loadPython(): Promise<IGrammar> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const file = grammarFiles[scope];
      return file ? parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    // The manifest's `injectTo: ["source.python"]` says the same to VS Code.
    getInjections: (scope) => (scope === 'source.python' ? [INJECTION] : undefined),
  });
  const grammar = await registry.loadGrammar('source.python');
  if (!grammar) throw new Error('the Python grammar did not load');
  return grammar;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let state: StateStack = INITIAL;
  for (const line of source.split('\n')) {
    const r = python.tokenizeLine(line, state);
    for (const t of r.tokens) tokens.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  }
  return tokens;
}

/** The scopes of the n-th token whose text is exactly `text`. */
function scopesOf(tokens: Token[], text: string, nth = 0): string[] {
  const found = tokens.filter((t) => t.text === text);
  if (!found[nth]) throw new Error(`no token ${JSON.stringify(text)} (#${nth}) in ${JSON.stringify(tokens.map((t) => t.text))}`);
  return found[nth].scopes;
}

function has(scopes: string[], scope: string): boolean {
  return scopes.some((s) => s === scope || s.startsWith(`${scope}.`) || s.split(' ').includes(scope));
}

const TABLE = 'entity.name.type.table.fkguard';
const COLUMN = 'variable.other.property.column.fkguard';
const SCHEMA = 'entity.name.namespace.schema.fkguard';
const TARGET = 'meta.foreign-key-target.fkguard';

describe('foreign-key injection grammar', () => {
  before(async () => {
    python = await loadPython();
  });

  it('scopes the table and column of ForeignKey("users.id") and leaves the rest to Python', () => {
    const tokens = tokenize('    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)');
    assert.ok(has(scopesOf(tokens, 'users'), TABLE));
    assert.ok(has(scopesOf(tokens, 'users'), TARGET));
    assert.ok(has(scopesOf(tokens, 'users'), 'string.quoted.single.python'));
    assert.ok(has(scopesOf(tokens, 'id'), COLUMN));
    assert.ok(has(scopesOf(tokens, '.'), 'punctuation.separator.period.fkguard'));
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
