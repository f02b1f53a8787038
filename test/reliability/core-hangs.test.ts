// Issue 11, item 6 (the core's parts): inputs that took minutes. Each test runs the full-size input and
// checks the result; before the fix each ran into mocha's timeout. Times are bench rows
// (`node bench/hangs.mjs`), never asserted here.
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { configFromText } from '../../server/src/host/configFile';
import { alembicConfigDialect, extractAlembicConfig } from '../../server/src/core/migrations/alembicConfig';
import { parserInput, MAX_COMMENT_RUN } from '../../server/src/core/python/unreadable';
import { createEngine } from '../../server/src/host/python';

describe('reliability: inputs that hung the core (issue 11, item 6)', function () {
  this.timeout(60000);

  it('a broken pyproject.toml after 300,000 blank lines is passed over, not searched for minutes', () => {
    const text = `[project]\nname = "x"\n${' \n'.repeat(300000)}[broken\n`;
    // Not FK Guard's file (it never mentions [tool.fkguard]), so its TOML error is other tools' business.
    assert.deepEqual(configFromText('/ws/pyproject.toml', text, false), { ok: true, config: DEFAULT_CONFIG, errors: [] });
  });

  it('a pyproject.toml of 300,000 blank lines is read for Alembic settings in one pass, not searched for minutes', () => {
    // Blank lines of spaces and tabs: an anchored `\s*` ran on across them from every line start (minutes).
    const blank = ' \t \n'.repeat(300000);
    const broken = `[project]\nname = "x"\n${blank}a = [1,2\n`;
    assert.equal(alembicConfigDialect.isCandidate!('pyproject.toml', broken), false);
    assert.equal(extractAlembicConfig('pyproject.toml', broken).alembicConfig, undefined);
    const configured = `[project]\nname = "x"\n${blank}[tool.alembic]\r\n${blank}script_location = "db/migrations"\n${blank}[tool.other]\nx = 1\n`;
    assert.equal(alembicConfigDialect.isCandidate!('pyproject.toml', configured), true);
    assert.deepEqual(extractAlembicConfig('pyproject.toml', configured).alembicConfig, {
      scriptLocation: 'db/migrations',
      versionLocations: ['db/migrations/versions'],
      recursive: false,
      literal: true,
    });
  });

  it('a TypeDecorator with 20,000 comment lines in its body is read, and its dialect UUID still seen', async () => {
    const body = Array.from({ length: 20000 }, () => '    # load_dialect_impl').join('\n');
    const text = [
      'import uuid',
      'from sqlalchemy import CHAR, Column, ForeignKey, Integer',
      'from sqlalchemy.dialects.postgresql import UUID',
      'from sqlalchemy.types import TypeDecorator',
      '',
      'class GUID(TypeDecorator):',
      '    impl = CHAR',
      body,
      '    def load_dialect_impl(self, dialect):',
      '        return dialect.type_descriptor(UUID())',
      '',
    ].join('\n');
    const engine = await createEngine();
    engine.updateFile('types.py', text);
    assert.deepEqual(engine.getFacts('types.py')?.typeDecorators, { GUID: { family: 'uuid', sqlType: 'uuid' } });
    engine.dispose();
  });

  it('long runs of comment lines are blanked for the parser, offsets and short runs kept', () => {
    const short = `x = 1\n${'# note\n'.repeat(MAX_COMMENT_RUN)}y = "# not a comment"\n`;
    assert.deepEqual(parserInput(short), { text: short, rewritten: false });
    const long = `x = 1\n${'    # note\r\n'.repeat(MAX_COMMENT_RUN + 1)}y = 2  # kept\n`;
    const input = parserInput(long);
    assert.equal(input.rewritten, true);
    assert.equal(input.text.length, long.length);
    assert.equal(input.text, `x = 1\n${`${' '.repeat('    # note'.length)}\r\n`.repeat(MAX_COMMENT_RUN + 1)}y = 2  # kept\n`);
  });
});
