import { Position, Range, Span, TextEdit } from './types';

/** Offsets at which each line starts; `\r\n`, `\n` and `\r` all end a line, as LSP counts them. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  // Without a carriage return every line ends at a `\n`, which `indexOf` finds far faster than a loop over each
  // character (the facts of every file that gives any hold its line starts: the whole workspace's text, cold).
  if (!text.includes('\r')) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

export function positionAt(lineStarts: ArrayLike<number>, offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - lineStarts[lo] };
}

export function rangeOf(lineStarts: ArrayLike<number>, span: Span): Range {
  return { start: positionAt(lineStarts, span.start), end: positionAt(lineStarts, span.end) };
}

export function offsetAt(lineStarts: ArrayLike<number>, pos: Position, textLength: number): number {
  if (pos.line >= lineStarts.length) return textLength;
  return Math.min(lineStarts[pos.line] + pos.character, textLength);
}

/**
 * Applies edits to one file's text. Edits are applied from the end so earlier offsets stay valid;
 * overlapping edits are refused (the caller keeps the file as it was) rather than merged into garbage.
 */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'range' | 'newText'>[]): string {
  const lineStarts = computeLineStarts(text);
  const spans = edits
    .map((e) => ({
      start: offsetAt(lineStarts, e.range.start, text.length),
      end: offsetAt(lineStarts, e.range.end, text.length),
      newText: e.newText,
    }))
    .sort((a, b) => a.start - b.start || a.end - b.end)
    // Two fixes may each add the same import: the same edit twice is applied once.
    .filter((e, i, all) => i === 0 || !(e.start === all[i - 1].start && e.end === all[i - 1].end && e.newText === all[i - 1].newText));
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].end) throw new Error('overlapping edits');
  }
  let out = text;
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i];
    out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  }
  return out;
}
