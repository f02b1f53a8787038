// Issue 11, items 8 and 16 (the configuration's parts): a glob like `+(a|aa)` twelve times made picomatch
// backtrack for about 100 s per path; a 90 KB glob ended in an internal error with the regex dumped; globs
// that match nothing were accepted silently; `max-file-size = 0.5` became 0 (every file skipped); `--config
// x.yaml` was read as TOML. Each is now one clear message, and the rest of the configuration still applies.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG, globProblem, parseConfig } from '../../server/src/core/config';
import { runCli, show } from '../cli/harness';
import { makeTree, removeTree } from '../host/tmp';

const MODEL = [
  'from sqlalchemy import Column, ForeignKey, Integer',
  'from sqlalchemy.orm import declarative_base',
  'Base = declarative_base()',
  'class Order(Base):',
  '    __tablename__ = "orders"',
  '    id = Column(Integer, primary_key=True)',
  '    user_id = Column(Integer, ForeignKey("users.id"))',
  '',
].join('\n');

describe('reliability: configuration that hung or misled (issue 11, items 8 and 16)', function () {
  this.timeout(60000);

  it('an exponential extglob is refused with a message, and the scan goes on at once', () => {
    // A 28-character file name, as in the report.
    const name = `${'a'.repeat(25)}.py`;
    const root = makeTree({ [name]: MODEL, 'fkguard.toml': `exclude = ["${'+(a|aa)'.repeat(12)}", "keep_me/**"]\n` });
    try {
      const r = runCli(['scan', '.'], root);
      assert.equal(r.code, 1, show(r));
      assert.match(r.stderr, /`exclude` pattern "\+\(a\|aa\).*" has 12 extglob groups like `\+\(a\|b\)` \(at most 3\), whose matching can take exponential time; it is ignored\./);
      assert.match(r.stdout, new RegExp(`${name}:7:\\d+: error unknown-table`));
    } finally {
      removeTree(root);
    }
  });

  it('huge, unbalanced and never-matching globs are refused one by one; good ones stay', () => {
    const huge = 'x'.repeat(90 * 1024);
    const root = makeTree({ 'm.py': MODEL, 'fkguard.toml': `exclude = ["${huge}", "a[b", "[z-a]", "*(a|*(b))", "{1..100000}", "skipped/**"]\n` });
    try {
      writeFileSync(join(root, 'skipped.py'), MODEL);
      const r = runCli(['scan', '.', '--format', 'json'], root);
      assert.equal(r.code, 1, show(r));
      assert.doesNotMatch(r.stderr, /internal error|\^\(\?:/);
      for (const why of [/is 92160 characters long \(at most 1000\)/, /"a\[b" has an unclosed `\[`/, /"\[z-a\]" matches no path/, /nests a repeated extglob group/, /more than 1,000 values/]) {
        assert.match(r.stderr, why);
      }
      assert.equal(JSON.parse(r.stdout).findings.length, 2);
    } finally {
      removeTree(root);
    }
  });

  it('max-file-size must be a whole number of bytes; 0.5 falls back to the default', () => {
    const { config, errors } = parseConfig({ 'max-file-size': 0.5 }, 'fkguard.toml');
    assert.equal(config.maxFileSize, DEFAULT_CONFIG.maxFileSize);
    assert.deepEqual(errors, [`fkguard.toml: \`max-file-size\` must be a whole number of bytes (at least 1), not 0.5; using ${DEFAULT_CONFIG.maxFileSize}.`]);
    assert.equal(parseConfig({ 'max-file-size': 4096 }, 'x').config.maxFileSize, 4096);
  });

  it('--config with a file that is neither TOML nor JSON says so instead of reading it as TOML', () => {
    const root = makeTree({ 'm.py': MODEL, 'fkguard.yaml': 'exclude:\n  - a\n' });
    try {
      const r = runCli(['scan', '.', '--config', 'fkguard.yaml'], root);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, /fkguard\.yaml: FK Guard reads TOML \(fkguard\.toml, pyproject\.toml\) or JSON \(\.fkguard\.json\) configuration files, and this name says neither\./);
      assert.doesNotMatch(r.stderr, /invalid TOML/);
    } finally {
      removeTree(root);
    }
  });

  it('ordinary globs pass', () => {
    for (const g of ['app/**/*.py', 'migrations/', '**/test_*.py', '[!_]*.py', 'src/{models,schema}/**', '@(a|b)/*.py', 'file (1).py']) {
      assert.equal(globProblem(g), undefined, g);
    }
  });
});
