// Issue 11, item 14: a file whose lines end in a lone `\r` is valid Python, but tree-sitter's grammar saw
// one long line, and the foreign key in it was never found, in the CLI and in the language server.
import assert from 'node:assert/strict';
import { applyEdits, computeLineStarts } from '../../server/src/core/text';
import { createEngine } from '../../server/src/host/python';
import { runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';

const LINES = [
  'from sqlalchemy import Column, ForeignKey, Integer',
  'from sqlalchemy.orm import declarative_base',
  'Base = declarative_base()',
  '',
  'class User(Base):',
  '    __tablename__ = "users"',
  '    id = Column(Integer, primary_key=True)',
  '',
  'class Order(Base):',
  '    __tablename__ = "orders"',
  '    id = Column(Integer, primary_key=True)',
  '    user_id = Column(Integer, ForeignKey("user.id"))',
  '',
];

describe('reliability: lone-CR line endings (issue 11, item 14)', function () {
  this.timeout(60000);

  for (const [name, eol] of [['\\r', '\r'], ['\\r\\n', '\r\n'], ['\\n', '\n']] as const) {
    it(`finds the foreign key, at the right place, and fixes it in a file with ${name} line ends`, async () => {
      const text = LINES.join(eol);
      const engine = await createEngine();
      engine.updateFile('models.py', text);
      const findings = engine.findings('models.py');
      assert.deepEqual(findings.map((f) => `${f.rule} ${f.range.start.line}:${f.range.start.character}`), ['unknown-table 11:41']);
      const fixed = applyEdits(text, findings[0].fixes[0].edits);
      assert.equal(fixed, text.replace('"user.id"', '"users.id"'));
      engine.dispose();
    });
  }

  it('counts a lone \\r as a line end, as Python and LSP do', () => {
    assert.deepEqual(computeLineStarts('a\rb\r\nc\nd'), [0, 2, 5, 7]);
  });

  it('the CLI reports the foreign key of a lone-CR file', () => {
    const root = makeTree({ 'models.py': LINES.join('\r') });
    try {
      const r = runCli(['scan', '.'], root);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stdout, /models\.py:12:42: error unknown-table/);
    } finally {
      removeTree(root);
    }
  });
});
