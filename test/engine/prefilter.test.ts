import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPythonCandidate, scanConstants } from '../../server/src/core/python/prefilter';
import { REPO, listFiles, rel } from './harness';

/**
 * `scanConstants` tries its regex at line starts only (python/prefilter.ts); it must find exactly what a search of
 * the whole text with the same regex finds, in the same order.
 */
const CONSTANT = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_.[\]]+\s*)?=\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)')\s*(?:#.*)?$/gm;

function searched(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(CONSTANT)) out[m[1]] = m[2] ?? m[3];
  return out;
}

const same = (text: string, what: string) => {
  const want = searched(text);
  const got = scanConstants(text);
  assert.deepEqual(got, want, what);
  assert.deepEqual(Object.keys(got), Object.keys(want), `${what}: order`);
};

describe('module-level string constants read from the text', () => {
  const TEXTS: Array<[string, string]> = [
    ['plain', 'USERS = "users"\nORDERS = \'orders\'  # note\n'],
    ['first line and no final newline', 'A = "a"'],
    ['annotated', 'A: str = "a"\nB : typing.Final[str]="b"\n'],
    ['indented lines do not count', 'class A:\n    X = "x"\nY = "y"\n\tZ = "z"\n'],
    ['a name and its value on two lines', 'A\n= "a"\nB =\n\n  "b"\nC = "c"\n'],
    ['blank lines after a constant', 'A = "a"\n\n\nB = "b"\n\n'],
    ['whitespace after the value takes the next line', 'A = "a"   \nB = "b"\nC="c"\n'],
    ['the same name twice', 'A = "1"\nB = "2"\nA = "3"\n'],
    ['escapes and quotes are no plain constants', 'A = "a\\"b"\nB = \'it\\\'s\'\nC = "c" + D\nE = f"x"\n'],
    ['a comment that looks like a constant', '# A = "a"\nB = "b"  # C = "c"\n'],
    ['carriage returns', 'A = "a"\r\nB = "b"\rC = "c"\r\n'],
    ['JavaScript line separators', 'A = "a"\u2028B = "b"\u2029C = "c"\n'],
    ['digits and underscores', '_A1 = "x"\n1A = "y"\nA_ = "z"\n'],
    ['empty text', ''],
    ['only a newline', '\n'],
  ];
  for (const [name, text] of TEXTS) it(`the same as a search of the whole text: ${name}`, () => same(text, name));

  it('the same as a search of the whole text, on every Python fixture and on cut and joined copies of them', () => {
    const texts = listFiles(join(REPO, 'test', 'fixtures'))
      .filter((p) => p.endsWith('.py'))
      .map((p) => [rel(REPO, p), readFileSync(p, 'utf8')] as const);
    assert.ok(texts.length > 100);
    let found = 0;
    for (const [i, [name, text]] of texts.entries()) {
      same(text, name);
      found += Object.keys(searched(text)).length;
      // A cut anywhere (a line begun or ended half-way) and two files joined without a line break between them.
      same(text.slice((i * 37) % Math.max(1, text.length)), `${name}, cut`);
      same(text + texts[(i + 1) % texts.length][1], `${name}, joined`);
    }
    assert.ok(found > 20, `only ${found} constants in the fixtures`);
  });
});

/**
 * `isPythonCandidate` searches for its words with every alternative starting at a `_`, `.` or capital letter (see
 * python/prefilter.ts); it must answer what the plain alternation of the same words answers.
 */
const WORDS =
  /down_revision|ForeignKey|__tablename__|Table\(|foreign_key|create_table|create_foreign_key|ForeignKeyConstraint|mapped_column|Column\(|TypeDecorator|declarative_base|DeclarativeBase|SQLModel|add_column|rename_table|drop_table|MetaData\(|db\.Model|SQLAlchemy\(|as_declarative|\.generate_base\(|metadata\.schema\s*=|\bre\.sub\(|automap_base|\.reflect\b/;

describe('the Python candidate test', () => {
  const words = [
    'down_revision', 'ForeignKey', '__tablename__', 'Table(', 'foreign_key', 'create_table', 'create_foreign_key',
    'ForeignKeyConstraint', 'mapped_column', 'Column(', 'TypeDecorator', 'declarative_base', 'DeclarativeBase',
    'SQLModel', 'add_column', 'rename_table', 'drop_table', 'MetaData(', 'db.Model', 'SQLAlchemy(', 'as_declarative',
    '.generate_base(', 'metadata.schema =', 'metadata.schema=', 'metadata.schema\n  =', 're.sub(',
    'automap_base', '.reflect', '.reflect(', '.reflection',
  ];
  // Each word alone, inside other words, at the start and the end of a text, and each cut by one character or
  // with a character changed: what the plain alternation says, the candidate test says.
  const texts: string[] = ['', '_', '.', '__', 'x = 1\n', 'are.sub(x)', '_re.sub(x)', '(re.sub(x)', 're.sub (x)', 'down revision', 'Down_revision'];
  for (const w of words) {
    texts.push(w, `x${w}y`, `a.${w}`, `_${w}_`, ` ${w}\n`, w.slice(1), w.slice(0, -1));
    for (let i = 0; i < w.length; i++) texts.push(w.slice(0, i) + (w[i] === '_' ? '.' : '_') + w.slice(i + 1));
  }
  it('answers as the plain alternation of its words, on each word and near misses', () => {
    let yes = 0;
    for (const text of texts) {
      assert.equal(isPythonCandidate(text), WORDS.test(text), JSON.stringify(text));
      if (WORDS.test(text)) yes++;
    }
    assert.ok(yes > words.length * 3, `only ${yes} texts are candidates`);
  });

  it('answers as the plain alternation of its words, on every Python fixture and on cut copies of them', () => {
    const fixtures = listFiles(join(REPO, 'test', 'fixtures')).filter((p) => p.endsWith('.py'));
    let yes = 0;
    let no = 0;
    for (const [i, p] of fixtures.entries()) {
      const text = readFileSync(p, 'utf8');
      for (const t of [text, text.slice((i * 37) % Math.max(1, text.length)), text.slice(0, (i * 53) % Math.max(1, text.length))]) {
        const want = WORDS.test(t);
        assert.equal(isPythonCandidate(t), want, rel(REPO, p));
        if (want) yes++;
        else no++;
      }
    }
    assert.ok(yes > 100 && no > 20, `${yes} candidates and ${no} other texts`);
  });
});
