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
