import { SchemaIndex } from './schemaIndex';
import type { IndexedColumn } from './tables';
import { rangeOf } from './text';
import { annotationType, pythonTypeFor } from './typeFamilies';
import { sqlalchemyTypeFor, TYPE_WRITERS } from './typeWriters';
import { ColumnFact, FileFacts, ReferenceFact, Span, TextEdit, TypeFact, TypeFamily } from './types';

/** Module paths under which SQLAlchemy's generic types live; one import of any of them serves. */
const SA_GENERIC = new Set(['sqlalchemy', 'sqlalchemy.types', 'sqlalchemy.sql.sqltypes', 'sqlalchemy.sql']);

/** SQLAlchemy types to write when the referenced column's type comes from its annotation only. */
const CANONICAL: Partial<Record<TypeFamily, string>> = {
  integer: 'Integer',
  string: 'String',
  uuid: 'Uuid',
  numeric: 'Numeric',
  float: 'Float',
  boolean: 'Boolean',
  datetime: 'DateTime',
  date: 'Date',
  time: 'Time',
  interval: 'Interval',
  binary: 'LargeBinary',
};

/** Names only SQLAlchemy 2.0 has, by module: a module importing one runs on 2.0 (`Mapped` exists in 1.4 too). */
const SA2_ONLY: Record<string, ReadonlySet<string>> = {
  sqlalchemy: new Set(['Uuid', 'UUID', 'Double']),
  'sqlalchemy.orm': new Set(['mapped_column', 'DeclarativeBase', 'DeclarativeBaseNoMeta', 'MappedAsDataclass']),
};

/**
 * Where a uuid column type comes from for `facts`: SQLAlchemy's generic `Uuid` exists only from 2.0 on, so it is
 * written only where the project installs 2.0 (its dependency files say so) or, when they say nothing, the module
 * already uses 2.0; elsewhere the PostgreSQL `UUID`, which every SQLAlchemy has (a uuid key is PostgreSQL's), so
 * the fix never breaks the module's imports.
 */
function uuidOrigin(index: SchemaIndex, facts: FileFacts): { module: string; name: string } {
  const major = index.sqlalchemyMajor(facts.file);
  const modern = 'major' in major ? major.major === 2 : facts.imports.some((i) => i.name !== undefined && SA2_ONLY[i.module]?.has(i.name));
  return modern ? { module: 'sqlalchemy', name: 'Uuid' } : { module: 'sqlalchemy.dialects.postgresql', name: 'UUID' };
}

function edit(facts: FileFacts, span: Span, newText: string): TextEdit {
  return { file: facts.file, range: rangeOf(facts.lineStarts, span), newText };
}

/**
 * Rewrites a string reference to a new target, keeping its quotes and prefix: only the content changes,
 * and a schema is written only where the new target has one.
 */
export function renameReferenceEdit(
  facts: FileFacts,
  ref: ReferenceFact,
  target: { schema?: string; table: string; column: string },
): TextEdit | undefined {
  if (ref.form === 'string' && ref.target?.kind === 'literal' && ref.contentSpan) {
    const value = [target.schema, target.table, target.column].filter(Boolean).join('.');
    return edit(facts, ref.contentSpan, value);
  }
  if (ref.form === 'pair' && ref.table?.kind === 'literal' && ref.tableSpan && (ref.tableSchema ?? '') === (target.schema ?? '')) {
    // `op.create_foreign_key(..., "tenant", ["tenant_id"], ["id"])`: the referent argument.
    if (target.table === ref.table.value) {
      if (ref.column && ref.columnSpan && target.column !== ref.column) return edit(facts, ref.columnSpan, target.column);
      return undefined;
    }
    return edit(facts, ref.tableSpan, target.table);
  }
  if ((ref.form === 'attribute' || ref.form === 'table-c' || ref.form === 'variable') && ref.attr && !ref.attrNormalised && target.column !== ref.attr) {
    // `User.uid` → `User.id`, `users.c.uid` → `users.c.id`: the attribute ends the expression.
    return edit(facts, { start: ref.span.end - ref.attr.length, end: ref.span.end }, target.column);
  }
  return undefined;
}

/** Where a type's name comes from in the file that writes it: `{module, name}`. */
function typeOrigin(facts: FileFacts | undefined, type: TypeFact): { module: string; name: string } {
  if (!facts) return { module: 'sqlalchemy', name: type.name };
  if (type.qualifier) {
    const head = type.qualifier.split('.')[0];
    const imp = facts.imports.find((i) => i.local === head);
    if (imp) {
      const base = imp.name ? `${imp.module}.${imp.name}` : imp.module;
      const rest = type.qualifier.split('.').slice(1);
      return { module: [base, ...rest].join('.'), name: type.name };
    }
    // `db.String`: Flask-SQLAlchemy re-exports SQLAlchemy's types.
    return { module: 'sqlalchemy', name: type.name };
  }
  const imp = facts.imports.find((i) => i.local === type.name);
  if (imp) return { module: imp.module, name: imp.name ?? type.name };
  if (facts.typeDecorators[type.name]) return { module: facts.module, name: type.name };
  return { module: 'sqlalchemy', name: type.name };
}

/** Python's words that are no names to bind (the constants and operators a type's arguments may hold). */
const PYTHON_WORDS = new Set(['True', 'False', 'None', 'and', 'or', 'not', 'in', 'is', 'if', 'else', 'lambda']);

/**
 * The names a type's argument text uses (`Kind` in `(Kind, name="kind_enum")`, `sa` in `(sa.Integer)`), without
 * strings, keyword-argument names, attributes after a dot and Python's own words.
 */
export function argumentNames(args: string): string[] {
  const code = args.replace(/[rRbBuUfF]{0,2}("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')/g, '""');
  const out = new Set<string>();
  for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const before = code.slice(0, m.index).trimEnd();
    if (before.endsWith('.') || /[0-9]$/.test(before)) continue;
    if (/^\s*=(?!=)/.test(code.slice(m.index + m[0].length))) continue;
    if (!PYTHON_WORDS.has(m[0])) out.add(m[0]);
  }
  return [...out];
}

/**
 * Import edits that make every name `args` uses (see `argumentNames`) mean in `facts` what it means in `target`,
 * the file whose type is copied: the name already bound the same way, or a new import of it under the same name.
 * Undefined when some name cannot be bound so (FK Guard does not know what it is in `target`, or `facts` binds it to
 * something else): copying the text would then break the module or change the type.
 */
function bindArgumentNames(facts: FileFacts, target: FileFacts, args: string, pending: readonly TextEdit[]): TextEdit[] | undefined {
  if (facts.file === target.file) return [];
  const edits: TextEdit[] = [];
  for (const name of argumentNames(args)) {
    const imp = target.imports.find((i) => i.local === name);
    if (imp && imp.name === undefined) {
      // `import sqlalchemy as sa` there: the same module under the same name here, or nothing written.
      if (!facts.imports.some((i) => i.local === name && i.name === undefined && i.module === imp.module)) return undefined;
      continue;
    }
    const local = target.classes.some((c) => c.name === name) || name in target.constants || name in target.typeDecorators;
    const origin = imp?.name !== undefined ? { module: imp.module, name: imp.name } : local ? { module: target.module, name } : undefined;
    if (!origin) return undefined;
    const bound = bindName(facts, origin);
    if (bound.expr !== name) return undefined;
    // Two names from one module: the second joins the import line the first one writes.
    for (const e of bound.edits) {
      const line = `\nfrom ${origin.module} import `;
      const joined = [...pending, ...edits].find((p) => p.newText.startsWith(line) && p.range.start.line === e.range.start.line && p.range.start.character === e.range.start.character);
      if (joined && e.newText.startsWith(line)) joined.newText += `, ${e.newText.slice(line.length)}`;
      else edits.push(e);
    }
  }
  return edits;
}

function sameModule(a: string, b: string): boolean {
  return a === b || (SA_GENERIC.has(a) && SA_GENERIC.has(b));
}

/** Every name a file binds at module level (imports, classes, constants, type aliases). */
function boundNames(facts: FileFacts): Set<string> {
  return new Set([
    ...facts.imports.map((i) => i.local),
    ...facts.classes.map((c) => c.name),
    ...Object.keys(facts.constants),
    ...Object.keys(facts.typeDecorators),
  ]);
}

/**
 * How `facts` can name `module.name`: an existing import (`PGUUID`, `sa.String`, `postgresql.UUID`), or a
 * new one, returned as edits that add or extend an import statement.
 */
export function bindName(
  facts: FileFacts,
  origin: { module: string; name: string },
  preferQualifier?: string,
): { expr: string; edits: TextEdit[] } {
  const direct = facts.imports.find((i) => i.name === origin.name && sameModule(i.module, origin.module));
  if (direct) return { expr: direct.local, edits: [] };
  // A qualifier the column already uses (`sa.Integer` → `sa.String`, `db.Integer` → `db.String`).
  if (preferQualifier) {
    const q = facts.imports.find((i) => i.local === preferQualifier);
    const qModule = q ? (q.name ? `${q.module}.${q.name}` : q.module) : preferQualifier === 'db' ? 'sqlalchemy' : undefined;
    if (qModule && sameModule(qModule, origin.module)) return { expr: `${preferQualifier}.${origin.name}`, edits: [] };
  }
  const viaModule = facts.imports.find((i) => sameModule(i.name ? `${i.module}.${i.name}` : i.module, origin.module) && (i.name !== undefined || i.local !== i.module || !i.module.includes('.')));
  if (viaModule && !(viaModule.name && viaModule.name === origin.name)) {
    const prefix = viaModule.name ? viaModule.local : viaModule.local === viaModule.module.split('.')[0] ? viaModule.module : viaModule.local;
    return { expr: `${prefix}.${origin.name}`, edits: [] };
  }
  let local = origin.name;
  if (boundNames(facts).has(local)) local = `${origin.module.includes('postgresql') ? 'PG' : origin.module.startsWith('sqlalchemy') ? 'Sa' : 'Py'}${origin.name}`;
  const alias = local === origin.name ? origin.name : `${origin.name} as ${local}`;
  return { expr: local, edits: [importEdit(facts, origin.module, alias)] };
}

/** Adds `name` to an existing `from module import ...` or a new import line after the last top-level import. */
export function importEdit(facts: FileFacts, module: string, alias: string): TextEdit {
  const topLevel = facts.imports.filter((i) => isLineStart(facts, i.statementSpan.start));
  // `import x` (alias = module) is a statement of its own: never a name added to a `from x import ...`.
  const sameFrom = module === alias ? [] : topLevel.filter((i) => i.name !== undefined && sameModule(i.module, module) && i.module === module);
  if (sameFrom.length > 0) {
    const last = sameFrom.reduce((a, b) => (b.span.end > a.span.end ? b : a));
    return edit(facts, { start: last.span.end, end: last.span.end }, `, ${alias}`);
  }
  const line = module === alias ? `import ${module}` : `from ${module} import ${alias}`;
  if (topLevel.length > 0) {
    const end = Math.max(...topLevel.map((i) => i.statementSpan.end));
    return edit(facts, { start: end, end }, `\n${line}`);
  }
  return edit(facts, { start: 0, end: 0 }, `${line}\n`);
}

function isLineStart(facts: FileFacts, offset: number): boolean {
  return facts.lineStarts.includes(offset);
}

/**
 * Edits that give the FK column the referenced column's type, written as the target writes it and named as
 * the FK file can (an existing alias, its `sa.`/`db.` qualifier, or a new import), plus the `Mapped[...]`
 * annotation when it disagrees. Returns no edits when nothing can be written safely.
 */
export function typeFixEdits(
  index: SchemaIndex,
  facts: FileFacts,
  source: ColumnFact,
  sourceType: TypeFact | undefined,
  target: IndexedColumn,
): { edits: TextEdit[]; written?: string } {
  const edits: TextEdit[] = [];
  const targetType = target.type;
  // A key whose width FK Guard cannot read has no real type to copy: no type is guessed.
  if (!targetType || targetType.approximate) return { edits };
  // A column of SQL written in a Python string (`op.execute("""CREATE TABLE …""")`) is SQL: SQL's writer spells its
  // type (`varchar(12)`, not `sa.varchar(12)`, which PostgreSQL reads as a schema: R16-17).
  if (facts.language !== 'python' || sourceType?.style === 'sql') {
    // Another language's column: its dialect's writer knows the idiom.
    const writer = sourceType?.style ? TYPE_WRITERS[sourceType.style] : undefined;
    const out = writer && sourceType ? writer(facts, source, sourceType, { family: targetType.family, sqlType: targetType.sqlType }) : undefined;
    return out ?? { edits };
  }
  // FK Guard does not compare a SQLAlchemy `Enum` with another type, itself included (see `uncomparedTypes` in
  // rules/resolve.ts): a column given the key's enum type would be a reference it cannot check, so none is written.
  if (targetType.family === 'enum') return { edits };
  let written: string | undefined;
  const targetFacts = target.file ? index.facts(target.file) : undefined;
  if (sourceType?.source === 'explicit' && sourceType.span) {
    let expr: string;
    let importEdits: TextEdit[];
    const crossLanguage = targetFacts !== undefined && targetFacts.language !== 'python';
    // A key type from the config (`users.id:uuid`) is SQL, not Python: it is written as SQLAlchemy's own type;
    // so is a key defined in another language (a Prisma model, a SQL file).
    if (crossLanguage || !target.file) {
      const spelled = sqlalchemyTypeFor({ family: targetType.family, sqlType: targetType.sqlType });
      const m = spelled ? /^(\w+)(.*)$/.exec(spelled) : null;
      if (!m) return { edits };
      const bound = bindName(facts, m[1] === 'Uuid' ? uuidOrigin(index, facts) : { module: 'sqlalchemy', name: m[1] }, sourceType.qualifier);
      expr = `${bound.expr}${m[2]}`;
      importEdits = bound.edits;
    } else if (targetType.source === 'explicit') {
      const origin = typeOrigin(targetFacts, targetType);
      const callee = targetType.qualifier ? `${targetType.qualifier}.${targetType.name}` : targetType.name;
      const args = targetType.text.startsWith(callee) ? targetType.text.slice(callee.length) : '';
      const bound = bindName(facts, origin, sourceType.qualifier);
      // The arguments are copied as written: every name they use (`Enum(Kind, name="kind")`, `String(CODE_LENGTH)`)
      // must mean the same in this file, imported where it is not bound yet; where it cannot, no fix is written.
      const argEdits = targetFacts ? bindArgumentNames(facts, targetFacts, args, bound.edits) : undefined;
      if (!argEdits) return { edits };
      expr = `${bound.expr}${args}`;
      importEdits = [...bound.edits, ...argEdits];
    } else {
      const canonical = CANONICAL[targetType.family];
      if (!canonical) return { edits };
      const bound = bindName(facts, canonical === 'Uuid' ? uuidOrigin(index, facts) : { module: 'sqlalchemy', name: canonical }, sourceType.qualifier);
      expr = bound.expr;
      importEdits = bound.edits;
    }
    // The key's type written as this column already writes it (`timestamp(0)` read back as `DateTime`): rewriting it
    // would change nothing, so no such edit is a fix.
    if (expr !== sourceType.text) {
      edits.push(edit(facts, sourceType.span, expr), ...importEdits);
      written = expr;
    }
  }
  const annotationFamily = source.annotation ? annotationType(source.annotation.text)?.family : undefined;
  if (source.annotation?.span && annotationFamily !== undefined && annotationFamily !== targetType.family) {
    const py = pythonTypeFor(targetType.family);
    if (py) {
      // `decimal.Decimal` is named as the file can: `Decimal` where it has `from decimal import Decimal`,
      // `decimal.Decimal` where it has `import decimal`, else a new `from decimal import Decimal`. Never `import
      // datetime` beside a `from datetime import datetime`, which would rebind the class's name to the module.
      let text = py.text;
      if (py.importModule) {
        const bound = bindName(facts, { module: py.importModule, name: py.text.slice(py.importModule.length + 1) });
        if (bound.edits.length > 0 && !boundNames(facts).has(py.importModule)) {
          // Nothing of the module in the file yet, and its name is free: `import uuid` and `uuid.UUID`.
          edits.push(importEdit(facts, py.importModule, py.importModule));
        } else {
          text = bound.expr;
          edits.push(...bound.edits);
        }
      }
      edits.push(edit(facts, source.annotation.span, text));
      written ??= sourceType?.source === 'field' ? text : `Mapped[${text}]`;
    }
  }
  return { edits, written };
}

