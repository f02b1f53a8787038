import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { keepsParserInput, MAX_COMMENT_RUN, parserInput } from '../../server/src/core/python/unreadable';
import { FIXTURES, listFiles, rel, rng } from './harness';

/** Texts where one character decides what `parserInput` sees: quotes side by side, backslashes, comment runs. */
const TRICKY = [
  ['x = "" ""', 's = \'\' \'a\'', 'y = "a\\\\" + "b"', 'z = 1 + \\', '    2', 'w = """doc', '# not a comment', '"""', 'v = f"" "x"'].join('\n'),
  ['def f():', ...Array.from({ length: MAX_COMMENT_RUN }, (_, i) => `    # note ${i}`), '    x = 1', '    return x', ''].join('\n'),
  ['q = (', '  1,', '  "a" "b" "" "",', ')', 'r = [1, 2,', ']', "t = '''", 'x', "''' ''", ''].join('\n'),
  // One more comment line than a run may hold, inside a string: broken open, the string's lines are comments.
  ['s = """', ...Array.from({ length: MAX_COMMENT_RUN + 1 }, () => '# c'), '"""', ''].join('\n'),
  // As many as a run may hold after a line whose comment is no comment (a backslash continues the line).
  ['x = 1 + \\', '# c', ...Array.from({ length: MAX_COMMENT_RUN }, () => '# c'), 'y = 2', ''].join('\n'),
];

/**
 * An editor's keystroke that `keepsParserInput` accepts leaves the text as the parser must see it (not
 * rewritten, nothing refused), so the incremental parse hands tree-sitter the new text without a pass of
 * `parserInput` over it. Random edits on every Python fixture and on texts where one character next to the
 * edit would change the answer; each accepted edit is checked against `parserInput` itself.
 */
describe('parser input kept through plain edits', () => {
  const files = listFiles(FIXTURES).filter((p) => p.endsWith('.py'));
  const texts: Array<[string, string]> = [...TRICKY.map((t, i) => [`tricky ${i}`, t] as [string, string]), ...files.map((p) => [rel(FIXTURES, p), readFileSync(p, 'utf8')] as [string, string])];
  const pool = ['x', 'a1', ' ', '_', '.', '=', '', 'ab cd', '"', "'", '#', '(', ')', '\\', '\n', '\t'];
  it('accepts edits and checks them', () => {
    let accepted = 0;
    for (const [n, [name, original]] of texts.entries()) {
      const random = rng(77 + n);
      let text = original;
      for (let step = 0; step < 200; step++) {
        const clean = parserInput(text);
        // Near a quote or a backslash half the time, where a wrong answer would show.
        const marks = [...text.matchAll(/["'\\]/g)].map((m) => m.index!);
        const near = marks.length > 0 && random() < 0.5 ? marks[Math.floor(random() * marks.length)] + Math.floor(random() * 3) - 1 : Math.floor(random() * (text.length + 1));
        const start = Math.max(0, Math.min(text.length, near));
        const remove = random() < 0.4 ? Math.min(text.length - start, 1 + Math.floor(random() * 2)) : 0;
        const insert = pool[Math.floor(random() * pool.length)];
        const edit = { startIndex: start, oldEndIndex: start + remove, newText: insert };
        const next = text.slice(0, start) + insert + text.slice(start + remove);
        if (!clean.rewritten && !clean.problem && keepsParserInput(text, edit)) {
          accepted++;
          assert.deepEqual(parserInput(next), { text: next, rewritten: false }, `${name} step ${step}: ${JSON.stringify(edit)} in ${JSON.stringify(text.slice(Math.max(0, start - 20), start + 20))}`);
        }
        // The tricky texts are edited one keystroke at a time from where they start, so they stay tricky.
        text = name.startsWith('tricky') ? original : next;
      }
    }
    assert.ok(accepted > 1000, `only ${accepted} edits were accepted`);
  });
});
