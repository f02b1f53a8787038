import * as assert from 'node:assert/strict';
import ignore from 'ignore';
import { fastIgnore, requiredLiteral } from '../../server/src/host/ignoreMatch';

/**
 * `fastIgnore` answers the walk's question without the `ignore` package's loop over its rules, and must answer it as
 * the package does, for every path. Checked on invented `.gitignore` files in the forms real ones take (names,
 * anchored paths, `**`, classes, `?`, escapes, negations, case, trailing spaces and slashes, comments) against many
 * paths made from the words they use, files and folders; and on the literal each expression is skipped by.
 */
const GITIGNORES: Record<string, string> = {
  names: 'node_modules\ndist\n*.log\n.env\n.env.*\n!.env.example\nbuild/\ncoverage\n*.tsbuildinfo\n',
  anchored: '/out\n/src/generated/\ndocs/static/main.js*\n.idea/**/workspace.xml\nlib/**/*.d.ts\n**/tmp/**\n',
  classes: '[Bb]in/\n[Oo]bj/\n[Dd]ebug*/\n*.[oa]\nfile?.txt\n*~\n#comment\n\\#hash\n\\!bang\n',
  negations: 'migrations/*\n!migrations/keep/\n!migrations/*.sql\nmodels/*.py\n!models/base.py\n*.js\n!src/**/*.js\n',
  spaces: 'trailing   \nescaped\\ \n   leading\nDEBUG\nRelease/\nµ-lib\nφάκελος/\n',
  odd: 'a{1,2}\nx+y\n(group)\n$money\n^caret\n.dot.\n-dash-\n[!x]y\n',
  empty: '',
};

const SEGMENTS = [
  'src', 'SRC', 'models', 'migrations', 'keep', 'dist', 'Dist', 'build', 'out', 'lib', 'docs', 'static', 'generated', 'tmp',
  'node_modules', '.idea', 'bin', 'Bin', 'obj', 'Debug', 'DebugPS', 'debug1', 'Release', 'release', 'µ-lib', 'Μ-lib',
  'φάκελος', 'ΦΆΚΕΛΟΣ', 'a', 'aa', 'x+y', 'xy', 'group', '(group)', '$money', '^caret', '.dot.', '-dash-', '!xy', 'xy',
];
const FILES = [
  'base.py', 'user.py', 'init.sql', 'app.js', 'app.ts', 'types.d.ts', 'main.js', 'main.js.map', 'workspace.xml', 'x.log',
  'X.LOG', '.env', '.env.local', '.env.example', 'file1.txt', 'file10.txt', 'a.o', 'a.a', 'notes~', '#hash', '#comment',
  '!bang', 'trailing', 'trailing   ', 'escaped ', 'escaped', 'leading', '   leading', 'DEBUG', 'debug', 'thing.tsbuildinfo',
];

function paths(): string[] {
  const out: string[] = [];
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 4000; k++) {
    const depth = random(4);
    const parts: string[] = [];
    for (let d = 0; d < depth; d++) parts.push(SEGMENTS[random(SEGMENTS.length)]);
    if (random(3) === 0) out.push(`${[...parts, SEGMENTS[random(SEGMENTS.length)]].join('/')}/`);
    else out.push([...parts, FILES[random(FILES.length)]].join('/'));
  }
  return out;
}

describe('fastIgnore', () => {
  it('answers every path as the ignore package does', () => {
    const all = paths();
    let ignored = 0;
    let unignored = 0;
    for (const [name, text] of Object.entries(GITIGNORES)) {
      // One tester per file, asked in the walk's order and in reverse (its memory of folders must not matter).
      for (const order of [all, [...all].reverse()]) {
        const fast = fastIgnore(ignore().add(text));
        const reference = ignore().add(text);
        for (const p of order) {
          const want = reference.test(p);
          const got = fast.test(p);
          assert.deepEqual({ ignored: got.ignored, unignored: got.unignored }, { ignored: want.ignored, unignored: want.unignored }, `${name}: ${p}`);
          if (want.ignored) ignored++;
          if (want.unignored) unignored++;
        }
      }
    }
    // The paths reach both answers: the comparison is not only of paths no rule matches.
    assert.ok(ignored > 1000 && unignored > 50, `${ignored} ignored, ${unignored} unignored`);
  });

  it('throws where the ignore package throws', () => {
    const fast = fastIgnore(ignore().add('dist\n'));
    for (const p of ['', './a', '../a', '/a', '.', '..']) assert.throws(() => fast.test(p), Error, JSON.stringify(p));
  });

  it('skips an expression only for a literal every match of it holds', () => {
    assert.equal(requiredLiteral('(?:^|\\/)dist(?=$|\\/$)'), 'dist');
    assert.equal(requiredLiteral('^\\.idea(?:\\/[^\\/]+)*\\/workspace\\.xml(?=$|\\/$)'), '/workspace.xml');
    assert.equal(requiredLiteral('(?:^|\\/)[Bb]in\\/$'), 'in/');
    // An optional or repeated character is not required; nor is anything at all under a top-level alternation, or
    // after a `{` that is no quantifier.
    assert.equal(requiredLiteral('abc?d'), 'ab');
    assert.equal(requiredLiteral('ab{0,2}cd'), 'cd');
    assert.equal(requiredLiteral('abc|xyz'), '');
    assert.equal(requiredLiteral('abc{|x}'), '');
    // Escapes that are no character (`\d`, a back reference) and characters outside ASCII end a run.
    assert.equal(requiredLiteral('ab\\dcde'), 'cde');
    assert.equal(requiredLiteral('(a)bc\\1de'), 'bc');
    assert.equal(requiredLiteral('abσcde'), 'cde');
  });
});
