// The language server's first index under the CLI's V8 interrupt budget (server/src/lsp/coldBudget.ts): raised once
// the bundle is loaded, V8's own back when the start's indexes are in (or before the code cache is written), and V8's
// tag for code caches the same as at the start once it is back. These run in the test process itself, whose V8
// flags they change for a moment and set back.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { budgetRaised, defaultBudget, raiseColdBudget, restoreBudget, startIndexed, whenRestored } from '../../server/src/lsp/coldBudget';
import { LspClient } from './harness';

const V8 = process.versions.v8;
const known = defaultBudget(V8) !== undefined;

describe('the language server: V8 interrupt budget of the first index', () => {
  afterEach(() => restoreBudget());

  it('knows V8 11.3 (Node 20), and no other V8', () => {
    assert.equal(defaultBudget('11.3.244.8-node.38'), 67_584);
    assert.equal(defaultBudget('12.4.254.21-node.33'), undefined);
    assert.equal(defaultBudget('13.2.152.41-electron.0'), undefined);
  });

  it('raises the budget once, and sets V8 back to its start flags when the start is indexed', function () {
    if (!known) this.skip();
    const tag = cachedDataVersionTag();
    const waited: string[] = [];
    assert.equal(raiseColdBudget({}, V8, []), true);
    assert.ok(budgetRaised());
    // The budget is one of the flags V8's code caches are made for.
    assert.notEqual(cachedDataVersionTag(), tag);
    // Raised once only: a second call changes nothing.
    const raisedTag = cachedDataVersionTag();
    assert.equal(raiseColdBudget({}, V8, []), false);
    assert.equal(cachedDataVersionTag(), raisedTag);
    whenRestored(() => waited.push('cache written'));
    assert.equal(waited.length, 0);
    startIndexed();
    assert.ok(!budgetRaised());
    assert.equal(cachedDataVersionTag(), tag);
    assert.deepEqual(waited, ['cache written']);
    // Once back, what waits for it runs at once, and a later start's event changes nothing.
    whenRestored(() => waited.push('at once'));
    assert.deepEqual(waited, ['cache written', 'at once']);
    startIndexed();
    assert.equal(cachedDataVersionTag(), tag);
  });

  it('sets V8 back when the cache is written before the start is indexed', function () {
    if (!known) this.skip();
    const tag = cachedDataVersionTag();
    assert.ok(raiseColdBudget({}, V8, []));
    restoreBudget();
    assert.equal(cachedDataVersionTag(), tag);
    // The start's event, later, leaves the flags alone.
    startIndexed();
    assert.equal(cachedDataVersionTag(), tag);
  });

  it("keeps V8's budget when it is off, set by the user, or not known for this V8", () => {
    const tag = cachedDataVersionTag();
    assert.equal(raiseColdBudget({ FKGUARD_COLD_BUDGET: 'off' }, V8, []), false);
    assert.equal(raiseColdBudget({}, V8, ['--interrupt-budget=100000']), false);
    assert.equal(raiseColdBudget({ NODE_OPTIONS: '--max-old-space-size=4096 --interrupt_budget=100000' }, V8, []), false);
    assert.equal(raiseColdBudget({}, '13.2.152.41-electron.0', []), false);
    assert.ok(!budgetRaised());
    assert.equal(cachedDataVersionTag(), tag);
    let ran = false;
    whenRestored(() => (ran = true));
    assert.ok(ran);
  });
});

describe('the language server: its first index under the raised budget, over stdio', function () {
  let scratch: string;
  let client: LspClient | undefined;
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, FKGUARD_TEST_BUDGET_PROBE: process.env.FKGUARD_TEST_BUDGET_PROBE };

  beforeEach(function () {
    if (!known) this.skip();
    scratch = mkdtempSync(join(tmpdir(), 'fkguard-lsp-budget-'));
    // The server inherits this environment: the probe records V8's tag in it (see test/lsp/budgetProbe.ts).
    process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'budgetProbe.js')}`.trim();
    process.env.FKGUARD_TEST_BUDGET_PROBE = join(scratch, 'tags');
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("indexes under the raised budget, then runs with V8's flags of its start", async () => {
    client = await LspClient.start({ fixture: 'basic' });
    await client.ready();
    // A keystroke after the index is answered as before; by then the server has run on past its start.
    client.open('app/orders.py', readFileSync(client.path('app/orders.py'), 'utf8'));
    const version = client.appendAfter('app/orders.py', 'primary_key=True)', '\n    note = Column(Integer)');
    await client.diagnosticsFor('app/orders.py', (d) => d.some((x) => x.code === 'unknown-table'), version);
    // Still running: the flags came back when the start was indexed, not at exit.
    const tags = readFileSync(join(scratch, 'tags'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    assert.deepEqual(tags.map(([when]) => when), ['start', 'indexed', 'after']);
    const [[, start], [, indexed], [, after]] = tags;
    assert.notEqual(indexed, start, 'the budget was not raised during the first index');
    assert.equal(after, start, "V8's flags are not those of the start after the first index");
  });
});
