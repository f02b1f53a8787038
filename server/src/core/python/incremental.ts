import type { Node, Tree } from 'web-tree-sitter';
import { setsAlembicLocations } from './prefilter';
import { collectErrorsInto, losesTables, statement } from './extract';
import { maybeTablesAfterEdit, REFLECTS } from './maybeTables';
import { METADATA_SCHEMA_SET } from './metadataRoots';
import { PythonReader } from './reader';
import { computeLineStarts } from '../text';
import { sameData, shiftSpansInPlace, splicedList } from '../facts';
import type { FileFacts, ParseError, Span } from '../types';

/** An `Index(` call starting a line at module level (`Index(...)`, `sa.Index(...)`, `ix = Index(...)`). */
const MODULE_INDEX = /^(?:\w+\s*=\s*)?(?:\w+\.)*Index\s*\(/m;

/**
 * Facts after one edit, computed from the previous facts when the edit stays inside one top-level model
 * class: that class is read again, every other fact only moves by the edit's length. This keeps typing in a
 * 2,000-line model file from re-reading the whole file on each keystroke. Returns undefined whenever the
 * shortcut is not certain to give what `extractPython` gives (the caller then reads the whole file); a test
 * checks the two agree on many edits.
 */
export function extractPythonAfterEdit(
  previous: FileFacts,
  text: string,
  tree: Tree,
  oldTree: Tree,
  edit: { start: number; oldEnd: number; newEnd: number },
): FileFacts | undefined {
  const root = tree.rootNode;
  if (touchesCommentsOnly(tree, oldTree, edit)) {
    // Comments and blank lines between top-level statements hold no fact: every fact only moves.
    shiftSpansInPlace(previous, edit.oldEnd, edit.newEnd - edit.oldEnd);
    const errors: ParseError[] = [];
    collectErrorsInto(root, errors);
    const { setsAlembicLocations: _previousLocations, ...rest } = previous;
    return { ...rest, errors, lineStarts: movedLineStarts(previous.lineStarts, text, edit) ?? computeLineStarts(text), ...(setsAlembicLocations(text) ? { setsAlembicLocations: true as const } : {}) };
  }
  // An assignment to a metadata object's `schema` may sit in any statement (see `metadataSchemaSets`).
  if (previous.metadataSchemaSets || METADATA_SCHEMA_SET.test(text)) return undefined;
  // So may a reflection of a whole database (see `reflections`), whose entries a whole read orders among the rest.
  if (REFLECTS.test(text)) return undefined;
  // A class given a column after its definition (`Barn.code = Column(...)`, see `addedColumn`): read again alone, the
  // class would lose it.
  if (previous.classes.some((c) => c.columns.some((col) => col.span.start >= c.span.end))) return undefined;
  // A module-level `Index(..., unique=True)` makes a key of a class's column from outside the class (see `moduleIndex`).
  if (MODULE_INDEX.test(text)) return undefined;
  // So does an `Annotated` alias holding a `ForeignKey`: a `Mapped[alias]` column takes its keys (see `aliasForeignKeys`),
  // which a class read alone does not see.
  if (previous.annotatedAliases && Object.values(previous.annotatedAliases).some((a) => a.foreignKey)) return undefined;
  // Tables salvaged from code that did not parse, before or after the edit: the whole file's errors decide them.
  if (previous.tables.some((t) => t.unparsed) || previous.maybeTables?.some((m) => m.unparsed) || losesTables(root)) return undefined;
  // The statement that holds the edit, as a child of the module.
  let top: Node | null = root.descendantForIndex(edit.start, edit.newEnd);
  while (top && top.parent && top.parent.id !== root.id) top = top.parent;
  if (!top || !top.parent || top.startIndex > edit.start || top.endIndex < edit.newEnd) return undefined;
  const cls = top.type === 'decorated_definition' ? top.childForFieldName('definition') : top;
  if (cls?.type !== 'class_definition') return undefined;
  // Everything outside that statement must be structurally what it was.
  for (const r of tree.getChangedRanges(oldTree)) {
    if (r.startIndex < top.startIndex || r.endIndex > top.endIndex) return undefined;
  }
  const delta = edit.newEnd - edit.oldEnd;
  const oldStart = top.startIndex;
  const oldEnd = top.endIndex - delta;
  const inside = (sp: Span) => sp.start >= oldStart && sp.end <= oldEnd;
  const classIndex = previous.classes.findIndex((c) => inside(c.span));
  if (classIndex < 0 || previous.classes.filter((c) => inside(c.span)).length !== 1) return undefined;
  // A TypeDecorator or a declarative base defines more than a class: read the whole file instead.
  if (previous.metadataRoots.some((m) => inside(m.span))) return undefined;
  if (previous.tables.some((t) => inside(t.span) || (t.span.start < oldStart && t.span.end > oldEnd))) return undefined;
  // A loop rather than `map` and `filter`: over the ~920 references of a 2,000-line model file on every keystroke.
  const refIndexes: number[] = [];
  for (let i = 0; i < previous.references.length; i++) if (inside(previous.references[i].span)) refIndexes.push(i);
  const firstRef = refIndexes.length > 0 ? refIndexes[0] : previous.references.findIndex((r) => r.span.start >= oldEnd);
  if (refIndexes.some((i, k) => i !== refIndexes[0] + k)) return undefined;

  // The class is read first, with the previous facts' imports and types (only their names matter here),
  // so that a shortcut given up leaves `previous` untouched.
  const movedStarts = movedLineStarts(previous.lineStarts, text, edit);
  const x = new PythonReader(previous.file, text, movedStarts);
  x.facts.imports = previous.imports;
  x.facts.constants = previous.constants;
  x.facts.typeDecorators = { ...previous.typeDecorators };
  if (previous.booleans) x.facts.booleans = previous.booleans;
  x.facts.columnPartials = previous.columnPartials;
  // Which `Mapped[X]` names are this module's own aliases rather than imported ones (see `pendingAliasKeys`).
  if (previous.annotatedAliases) x.facts.annotatedAliases = previous.annotatedAliases;
  if (previous.starImports) x.facts.starImports = previous.starImports;
  // Which classes of the module are SQLModel classes is decided in source order, as a full read does.
  for (const c of previous.classes.slice(0, classIndex)) x.noteSqlModelClass(c);
  const wasSqlModel = x.isSqlModelClass(previous.classes[classIndex]);
  statement(x, top);
  if (x.facts.classes.length !== 1 || Object.keys(x.facts.typeDecorators).length !== Object.keys(previous.typeDecorators).length) return undefined;
  // Later classes of the module read the edited one as a SQLModel class or not: that must not change.
  if (x.facts.classes[0].name !== previous.classes[classIndex].name || x.isSqlModelClass(x.facts.classes[0]) !== wasSqlModel) return undefined;
  if (x.facts.metadataRoots.length > 0 || x.facts.tables.length > 0 || x.facts.migration) return undefined;
  // The previous facts are done with once this returns: moving their spans in place (rather than copying)
  // also keeps the index's references to them pointing at the right text.
  shiftSpansInPlace(previous, edit.oldEnd, delta);
  const shifted = previous;
  // A class read again exactly as it was, moved along its lines (a comment, a blank, a method's body typed in):
  // its previous objects and the previous lists stay, so whatever was derived from them or remembered for them
  // stands, and the engine can tell that no fact changed (see `Engine.updateFile`). Not when a line break came
  // or went: what is remembered per object counts its lines from its first (see `provision`).
  // The class's own maybe-tables (its branches' `__tablename__`s) are no part of the class fact: they count too.
  const classSpan = x.facts.classes[0].span;
  // The classes' own name spans are looked at only when the module has maybe-tables (most have none): made on every
  // keystroke from the ~180 classes of a 2,000-line model file, that set was a twentieth of what a keystroke allocated.
  const maybe = shifted.maybeTables ?? [];
  const ownNames = maybe.length > 0 ? new Set(shifted.classes.map((c) => c.nameSpan)) : undefined;
  const ownMaybe = maybe.filter((m) => !ownNames!.has(m.span) && m.span.start >= classSpan.start && m.span.end <= classSpan.end);
  const same =
    movedStarts !== undefined &&
    sameData(ownMaybe, x.facts.maybeTables ?? []) &&
    sameData(x.facts.classes[0], shifted.classes[classIndex]) &&
    x.facts.references.length === refIndexes.length &&
    x.facts.references.every((r, k) => sameData(r, shifted.references[refIndexes[k]]));
  // The class's `Mapped[X]` columns whose imported X the index follows (see `FileFacts.pendingAliasKeys`).
  const pendingBefore = shifted.pendingAliasKeys ?? [];
  const pendingNow = x.facts.pendingAliasKeys ?? [];
  const inClass = (p: { span: Span }) => p.span.start >= classSpan.start && p.span.end <= classSpan.end;
  const ownPending = pendingBefore.filter(inClass);
  const samePending = sameData(ownPending, pendingNow);
  let classes = shifted.classes;
  let references = shifted.references;
  let maybeTables = shifted.maybeTables;
  let pendingAliasKeys = shifted.pendingAliasKeys;
  if (!samePending) {
    const kept = pendingBefore.filter((p) => !inClass(p));
    const at = kept.findIndex((p) => p.span.start >= classSpan.start);
    const list = [...kept.slice(0, at < 0 ? kept.length : at), ...pendingNow, ...kept.slice(at < 0 ? kept.length : at)];
    pendingAliasKeys = list.length > 0 ? list : undefined;
  }
  if (!same || !samePending) {
    classes = splicedList(shifted.classes, classIndex, 1, x.facts.classes);
    references = splicedList(shifted.references, firstRef < 0 ? shifted.references.length : firstRef, refIndexes.length, x.facts.references);
    // Tables the module may make (a class's branches, classes of one name) follow the class read again.
    if (shifted.maybeTables || x.facts.maybeTables || classes.length !== new Set(classes.map((c) => c.name)).size) {
      maybeTables = maybeTablesAfterEdit(shifted, x.facts.classes[0], x.facts.maybeTables, classes);
    }
  }
  const errors: ParseError[] = [];
  collectErrorsInto(root, errors);
  // The edit may have written or removed a location assignment inside the class: read that again too.
  const { setsAlembicLocations: _previousLocations, maybeTables: _previousMaybe, pendingAliasKeys: _previousPending, ...rest } = shifted;
  return {
    ...rest,
    classes,
    references,
    ...(maybeTables ? { maybeTables } : {}),
    ...(pendingAliasKeys ? { pendingAliasKeys } : {}),
    errors,
    lineStarts: x.facts.lineStarts,
    ...(setsAlembicLocations(text) ? { setsAlembicLocations: true as const } : {}),
  };
}

/**
 * The line starts of `text` from those of the text before `edit`, when the edit added and removed no line
 * break: the starts after the edit move by its length. Undefined otherwise, or near a `\r` (which with a
 * `\n` beside it is one break or two); the caller then counts them afresh. Counting them over a 2,000-line
 * file's characters on each keystroke cost more than moving ~2,000 numbers.
 */
function movedLineStarts(before: ArrayLike<number>, text: string, edit: { start: number; oldEnd: number; newEnd: number }): number[] | undefined {
  for (let i = edit.start; i < edit.newEnd; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return undefined;
  }
  if (text.charCodeAt(edit.start - 1) === 13 || text.charCodeAt(edit.newEnd) === 13) return undefined;
  const delta = edit.newEnd - edit.oldEnd;
  const out = Array.from(before);
  for (let k = out.length - 1; k >= 0 && out[k] > edit.start; k--) {
    // A line that started inside the removed text: a break was removed.
    if (out[k] <= edit.oldEnd) return undefined;
    out[k] += delta;
  }
  return out;
}

/**
 * Whether an edit touched nothing but comments and blank lines between top-level statements, before and
 * after it (typing a note at the end of a module: a 5,000-line file was read in full for each such analysis,
 * 250-400 ms). Conservative: a statement that merely touches the edited range counts as touched, and so does
 * any structural change tree-sitter reports outside the comments the edit lies in.
 */
function touchesCommentsOnly(tree: Tree, oldTree: Tree, edit: { start: number; oldEnd: number; newEnd: number }): boolean {
  const onlyComments = (root: Node, from: number, to: number): { from: number; to: number } | undefined => {
    let lo = from;
    let hi = to;
    // Only the module's statements at the edit are looked at: `root.children` made an object for each of the
    // ~200 statements of a 2,000-line model file, in both trees, on every keystroke. The first child ending at
    // or after `from` (one ending right at it touches the edit), then its siblings while they start by `to`.
    for (let c = from > 0 ? root.firstChildForIndex(from - 1) : root.firstChild; c && c.startIndex <= to; c = c.nextSibling) {
      if (c.endIndex < from) continue;
      if (c.type !== 'comment') return undefined;
      lo = Math.min(lo, c.startIndex);
      hi = Math.max(hi, c.endIndex);
    }
    return { from: lo, to: hi };
  };
  // The old tree was edited already: its nodes are where the edit moved them, what it removed squeezed into
  // the edited range, so the wider of the two ranges covers what was there.
  const before = onlyComments(oldTree.rootNode, edit.start, Math.max(edit.oldEnd, edit.newEnd));
  const after = onlyComments(tree.rootNode, edit.start, edit.newEnd);
  if (!before || !after) return false;
  return tree.getChangedRanges(oldTree).every((r) => r.startIndex >= after.from && r.endIndex <= after.to);
}
