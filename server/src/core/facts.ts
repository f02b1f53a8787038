import { computeLineStarts } from './text';
import { FileFacts, SourceLanguage } from './types';

/** A file's module path: `src/app/models.py` → `src.app.models`; `src/db/schema.ts` → `src.db.schema`. */
export function moduleFromPath(file: string): string {
  const script = /\.[cm]?[jt]sx?$/.test(file);
  let p = file.replace(/\\/g, '/').replace(/\.(pyi?|[cm]?[jt]sx?|prisma|sql)$/, '');
  // A package's module is its folder: `__init__.py` in Python, `index.ts` in TypeScript.
  p = p.replace(script ? /\/index$/ : /\/__init__$/, '');
  return p.split('/').filter(Boolean).join('.');
}

/** Facts with nothing in them, for a file of `language`; every extractor starts from this. */
export function emptyFacts(file: string, text: string, language: SourceLanguage): FileFacts {
  return {
    file,
    language,
    module: moduleFromPath(file),
    constants: {},
    imports: [],
    classes: [],
    tables: [],
    references: [],
    metadataRoots: [],
    typeDecorators: {},
    errors: [],
    lineStarts: computeLineStarts(text),
  };
}

/**
 * Moves every span at or after `from` by `delta`, in place. In facts, the only objects with a numeric
 * `start` are spans. One kind of object is held twice: a `ForeignKeyConstraint`'s references are also in
 * the file's `references`, so they are moved from there only (the kept-document property test catches a
 * span moved twice).
 */
export function shiftSpansInPlace(value: object, from: number, delta: number, seen = new Set<object>()): void {
  // Objects can be shared too (the imports of one statement hold one `statementSpan`): move each once.
  if (seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') shiftSpansInPlace(v, from, delta, seen);
    return;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    if (o.start >= from) o.start += delta;
    if (o.end >= from) o.end += delta;
    return;
  }
  for (const k in o) {
    const v = o[k];
    if (k === 'lineStarts' || (k === 'references' && 'localColumns' in o)) continue;
    if (v !== null && typeof v === 'object') shiftSpansInPlace(v, from, delta, seen);
  }
}
