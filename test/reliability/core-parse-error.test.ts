// Issue 11, item 13: statements FK Guard could not read vanished silently (a table and its foreign key gone,
// exit 0). Parse errors were collected in FileFacts.errors and never reported; `rules.parse-error` in the
// settings was an "unknown rule".
import assert from 'node:assert/strict';
import { parseConfig } from '../../server/src/core/config';
import { createEngine } from '../../server/src/host/python';

const MODELS = [
  'from sqlalchemy import Column, ForeignKey, Integer',
  'from sqlalchemy.orm import declarative_base',
  'Base = declarative_base()',
  '',
  'class Order(Base):',
  '    __tablename__ = "orders"',
  '    id = Column(Integer, primary_key=True)',
  '    user_id = Column(Integer, ForeignKey("users.id"))',
  '',
].join('\n');
const HALF_TYPED = MODELS.replace('ForeignKey("users.id"))', 'ForeignKey("users.');

describe('reliability: parse errors are reported (issue 11, item 13)', function () {
  this.timeout(60000);

  it('a SQL statement the parser refuses is a parse-error warning on that statement', async () => {
    const engine = await createEngine();
    // A double comma: no SQL dialect reads it (a comment like `/* é */`, the example, is now read).
    const sql = [
      'CREATE TABLE users (id integer PRIMARY KEY);',
      'CREATE TABLE orders (',
      '    id integer PRIMARY KEY,,',
      '    user_id integer REFERENCES users (id)',
      ');',
      '',
    ].join('\n');
    engine.updateFile('schema.sql', sql);
    const findings = engine.findings('schema.sql');
    assert.deepEqual(findings.map((f) => `${f.rule} ${f.severity} ${f.range.start.line}`), ['parse-error warning 1']);
    assert.match(findings[0].message, /^FK Guard skipped this statement, which its SQL parser \(PostgreSQL\) cannot read: /);
    engine.dispose();
  });

  it('Python code whose syntax error swallowed a foreign key is reported once, read cold', async () => {
    const engine = await createEngine();
    engine.updateFile('orders.py', HALF_TYPED);
    const findings = engine.findings('orders.py').filter((f) => f.rule === 'parse-error');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].range.start.line, 7);
    assert.match(findings[0].message, /so the foreign key in it is not checked/);
    engine.dispose();
  });

  it('a document that parsed a moment ago does not light up while it is being typed', async () => {
    const engine = await createEngine();
    engine.updateFile('orders.py', MODELS, { keepTree: true });
    engine.updateFile('orders.py', HALF_TYPED, { keepTree: true });
    assert.deepEqual(engine.findings('orders.py').filter((f) => f.rule === 'parse-error'), []);
    engine.dispose();
  });

  it('syntax errors that cost nothing are not reported', async () => {
    const engine = await createEngine();
    engine.updateFile('orders.py', `${MODELS}\ndef broken(:\n    pass\n`);
    assert.deepEqual(engine.findings('orders.py').map((f) => f.rule), ['unknown-table']);
    engine.dispose();
  });

  it('`rules.parse-error` is a known rule, and `off` silences it', async () => {
    const { config, errors } = parseConfig({ rules: { 'parse-error': 'off' } }, 'fkguard.toml');
    assert.deepEqual(errors, []);
    const engine = await createEngine(config);
    engine.updateFile('orders.py', HALF_TYPED);
    assert.deepEqual(engine.findings('orders.py').filter((f) => f.rule === 'parse-error'), []);
    engine.dispose();
  });
});
