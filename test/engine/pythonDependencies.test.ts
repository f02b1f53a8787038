import assert from 'node:assert/strict';
import { camelToSnake, camelToSnakeBefore3 } from '../../server/src/core/classMapping';
import { matchesEnding } from '../../server/src/core/dialect';
import { admits, poetrySpec, pythonDependenciesDialect, readDependencies } from '../../server/src/core/python/dependencies';
import { PythonProjects } from '../../server/src/core/python/flaskVersion';

/** The readers of Python dependency files, the version arithmetic, and which project's version names a model file. */
describe('Python dependency files', () => {
  const fsa = (file: string, text: string) => readDependencies(file, text)?.requires.filter((r) => r.name === 'flask-sqlalchemy').map((r) => r.spec);

  it('reads requirements files: markers, comments, continuations, hashes, includes, URLs', () => {
    const text = [
      '# pinned',
      'Flask-SQLAlchemy[async]==2.5.1 ; python_version >= "3.7"  # the 2.x naming',
      'flask_sqlalchemy \\',
      '    >=2.4 --hash=sha256:abc',
      '-r base.txt',
      '--constraint=../constraints.txt',
      '-e git+https://example.com/flask-sqlalchemy.git#egg=Flask-SQLAlchemy',
      'sqlalchemy-utils==0.41',
    ].join('\n');
    assert.deepEqual(fsa('svc/requirements.txt', text), ['==2.5.1', '>=2.4', null]);
    assert.deepEqual(readDependencies('svc/requirements.txt', text)?.includes, ['svc/base.txt', 'constraints.txt']);
  });

  it('reads pyproject.toml (PEP 621, optional dependencies, Poetry), locks, Pipfiles and setup.cfg', () => {
    const pep621 = '[project]\nname = "x"\ndependencies = [\n  "Flask-SQLAlchemy>=3.1",  # new naming\n]\n[project.optional-dependencies]\nold = ["flask-sqlalchemy<3"]\n';
    assert.deepEqual(fsa('pyproject.toml', pep621), ['>=3.1', '<3']);
    const poetry = '[tool.poetry.dependencies]\npython = "^3.9"\nFlask-SQLAlchemy = { version = "^2.5", optional = true }\n[tool.poetry.group.dev.dependencies]\nflask_sqlalchemy = "2.5.1"\n';
    assert.deepEqual(fsa('pyproject.toml', poetry), ['>=2.5.0,<3', '==2.5.1']);
    assert.equal(readDependencies('pyproject.toml', '[tool.black]\nline-length = 100\n'), undefined, 'a pyproject of tools only is no project file');
    const lock = '[[package]]\nname = "flask"\nversion = "2.2.5"\n\n[[package]]\nname = "Flask-SQLAlchemy"\nversion = "3.0.3"\n';
    assert.deepEqual(readDependencies('uv.lock', lock), { requires: [{ name: 'flask-sqlalchemy', spec: '==3.0.3' }], lock: true });
    assert.deepEqual(fsa('Pipfile.lock', JSON.stringify({ default: { 'flask-sqlalchemy': { version: '==2.4.1' } } })), ['==2.4.1']);
    assert.deepEqual(fsa('Pipfile', '[packages]\nflask-sqlalchemy = "*"\n[dev-packages]\nFlask_SQLAlchemy = {version = "<3"}\n'), ['', '<3']);
    assert.deepEqual(fsa('setup.cfg', '[options]\ninstall_requires =\n    Flask\n    Flask-SQLAlchemy>=2.2,<3\npython_requires = >=3.7\n'), ['>=2.2,<3']);
  });

  it('takes requirements files by their names only, and the walk no other text file', () => {
    const taken = ['requirements.txt', 'a/requirements-dev.txt', 'test-requirements.txt', 'requirements/base.txt', 'requirements.in', 'constraints.txt', 'uv.lock', 'Pipfile'];
    const left = ['notes.txt', 'docs/robots.txt', 'MANIFEST.in', 'data/words.txt', 'requirements/notes.md'];
    const walked = (f: string) => pythonDependenciesDialect.extensions.some((e) => matchesEnding(f, e));
    for (const f of taken) assert.ok(walked(f) && pythonDependenciesDialect.isCandidate(f, ''), f);
    for (const f of left) assert.ok(!walked(f), f);
  });

  it('tells which side of 3.0 a specifier set admits', () => {
    const cases: Array<[string, boolean, boolean]> = [
      ['==2.5.1', true, false],
      ['>=2.5', true, true],
      ['<3', true, false],
      ['<=3.0', true, true],
      ['~=3.0', false, true],
      ['~=2.5', true, false],
      ['==3.*', false, true],
      ['>=3.0.0a1', false, true],
      ['', true, true],
      ['>=2.3.1,<=2.5.1', true, false],
      [poetrySpec('^3.0'), false, true],
      [poetrySpec('~2.5'), true, false],
      [poetrySpec('2.5.1'), true, false],
      [poetrySpec('^2.5 || ^3.0'), true, true],
    ];
    for (const [spec, below, from] of cases) assert.deepEqual(admits(spec, [3]), { below, from }, spec);
    assert.equal(admits('>=banana', [3]), undefined);
  });

  it('names tables by the rule of each major: 2.x keeps a trailing capital run', () => {
    const cases: Array<[string, string, string]> = [
      ['UserAPI', 'userAPI', 'user_api'],
      ['GoatABC', 'goatABC', 'goat_abc'],
      ['HTML5Doc', 'htm_l5_doc', 'html5_doc'],
      ['User2FA', 'user2FA', 'user2_fa'],
      ['HTTPRequest', 'http_request', 'http_request'],
      ['OAuth2Token', 'o_auth2_token', 'o_auth2_token'],
      ['Item2Tag', 'item2_tag', 'item2_tag'],
    ];
    for (const [cls, two, three] of cases) assert.deepEqual([camelToSnakeBefore3(cls), camelToSnake(cls)], [two, three], cls);
  });

  it('gives a model file the version of the nearest project above it', () => {
    const p = new PythonProjects();
    const set = (file: string, text: string) => p.set(file, readDependencies(file, text));
    assert.ok('unknown' in p.naming('app/models.py'));
    set('requirements.txt', '-r requirements/base.txt\n');
    set('requirements/base.txt', 'Flask-SQLAlchemy==2.5.1\n');
    set('svc/pyproject.toml', '[project]\ndependencies = ["flask-sqlalchemy>=2.5"]\n');
    set('svc/uv.lock', '[[package]]\nname = "flask-sqlalchemy"\nversion = "3.1.1"\n');
    set('tools/requirements.in', 'flask-sqlalchemy\n');
    set('tools/requirements.txt', 'flask-sqlalchemy==2.5.1\n');
    set('both/requirements.txt', 'flask-sqlalchemy>=2\n');
    set('split/requirements.txt', 'flask-sqlalchemy==3.0.3\n');
    set('split/requirements-legacy.txt', 'flask-sqlalchemy==2.5.1\n');
    assert.deepEqual(p.naming('app/models.py'), { major: 2 }, 'the root project, through its include in requirements/');
    assert.deepEqual(p.naming('svc/app/models.py'), { major: 3 }, 'a lock wins over the range beside it');
    assert.deepEqual(p.naming('tools/models.py'), { major: 2 }, 'requirements.txt is compiled from requirements.in');
    assert.ok('unknown' in p.naming('both/models.py'));
    assert.ok('unknown' in p.naming('split/models.py'), 'files of one project that disagree');
    // A file that goes away takes its project's version with it.
    assert.ok(p.set('svc/uv.lock', undefined));
    assert.ok('unknown' in p.naming('svc/app/models.py'));
    assert.ok(!p.set('svc/uv.lock', undefined));
  });
});
