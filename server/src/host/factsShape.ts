// A check that data read back from disk has the shape of `FileFacts`, down to the fields the engine iterates
// or indexes. The cache is signed, so a wrong shape means a bug or a half-migrated format, never an attack;
// the check still has to be thorough enough that such an entry is dropped instead of failing every scan.

import type { FileFacts } from '../core/types';

type Check = (v: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isBoolean: Check = (v) => typeof v === 'boolean';
const arrayOf =
  (item: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(item);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const recordOf =
  (value: Check): Check =>
  (v) =>
    isObject(v) && Object.values(v).every(value);

/** An object whose listed fields pass their checks; other fields are allowed (newer optional data). */
const shape =
  (fields: Record<string, Check>): Check =>
  (v) => {
    if (!isObject(v)) return false;
    for (const [name, check] of Object.entries(fields)) if (!check(v[name])) return false;
    return true;
  };

const span = shape({ start: isNumber, end: isNumber });
const nameExpr: Check = (v) =>
  isObject(v) &&
  ((v.kind === 'literal' && isString(v.value)) ||
    (v.kind === 'const' && isString(v.name)) ||
    (v.kind === 'template' && Array.isArray(v.parts) && v.parts.every(isObject)) ||
    (v.kind === 'dynamic' && isString(v.text)));
const typeFact = shape({ text: isString, name: isString, family: isString, sqlType: isString, span: optional(span), source: isString });
const column = shape({
  name: isString,
  attr: optional(isString),
  type: optional(typeFact),
  primaryKey: isBoolean,
  unique: isBoolean,
  span,
});
const keys = arrayOf(arrayOf(isString));
const reference = shape({
  form: isString,
  target: optional(nameExpr),
  table: optional(nameExpr),
  span,
  contentSpan: optional(span),
  source: isObject,
  composite: optional(arrayOf(isString)),
  context: isString,
});
const constraint = shape({ localColumns: arrayOf(isString), references: arrayOf(reference) });
const classFact = shape({
  name: isString,
  bases: arrayOf(isString),
  tablename: optional(nameExpr),
  columns: arrayOf(column),
  constraints: arrayOf(constraint),
  keys,
  span,
  nameSpan: span,
});
const table = shape({ name: nameExpr, columns: arrayOf(column), keys, span, nameSpan: span, origin: isString });
const importFact = shape({ local: isString, module: isString, span, statementSpan: span });
const migration = shape({ ops: arrayOf(shape({ op: isString })), downRevision: optional(arrayOf(isString)), dependsOn: optional(arrayOf(isString)), branchLabels: optional(arrayOf(isString)), runOrder: optional(isNumber) });

const fileFacts = shape({
  file: isString,
  language: (v) => v === 'python' || v === 'typescript' || v === 'prisma' || v === 'sql',
  module: isString,
  constants: recordOf(isString),
  imports: arrayOf(importFact),
  classes: arrayOf(classFact),
  tables: arrayOf(table),
  references: arrayOf(reference),
  migration: optional(migration),
  metadataRoots: arrayOf(shape({ name: isString, span })),
  typeDecorators: recordOf(shape({ family: isString, sqlType: isString })),
  annotatedAliases: optional(recordOf(isObject)),
  errors: arrayOf(shape({ message: isString, span })),
  lineStarts: arrayOf(isNumber),
});

/** Whether `v` can be handed to the engine as the facts of the file `file`. */
export function isFileFacts(v: unknown, file: string): v is FileFacts {
  return fileFacts(v) && (v as FileFacts).file === file;
}
