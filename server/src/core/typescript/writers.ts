import { rangeOf } from '../text';
import type { ColumnFact, FileFacts, Span, TargetType, TextEdit, TypeWriter } from '../types';
import { tsTypeFor } from './types';

function edit(facts: FileFacts, span: Span, newText: string): TextEdit {
  return { file: facts.file, range: rangeOf(facts.lineStarts, span), newText };
}

/** TypeORM's name for a PostgreSQL type without parameters; parameterised ones need options (not written). */
function typeormName(target: TargetType): string | undefined {
  const names: Record<string, string> = {
    integer: 'int',
    smallint: 'smallint',
    bigint: 'bigint',
    uuid: 'uuid',
    text: 'text',
    varchar: 'varchar',
    boolean: 'boolean',
    date: 'date',
    timestamp: 'timestamp',
    timestamptz: 'timestamptz',
    time: 'time',
    interval: 'interval',
    bytea: 'bytea',
    numeric: 'numeric',
    real: 'real',
    'double precision': 'double precision',
  };
  return Object.prototype.hasOwnProperty.call(names, target.sqlType) ? names[target.sqlType] : undefined;
}

/** The property's TypeScript type follows the column's (`userId: number` → `string` for a uuid). */
function annotationEdit(facts: FileFacts, column: ColumnFact, target: TargetType): TextEdit[] {
  const ts = tsTypeFor(target);
  if (!column.annotation?.span || !ts || column.annotation.text === ts) return [];
  return [edit(facts, column.annotation.span, ts)];
}

/**
 * TypeORM: `@Column('int')` → `@Column('uuid')` (the literal's content), `@Column()` → `@Column('uuid')`,
 * `@Column({ nullable: true })` → `@Column({ type: 'uuid', nullable: true })`; the property's type follows.
 */
function typeormWriter(mode: 'literal' | 'argument' | 'option'): TypeWriter {
  return (facts, column, type, target) => {
    const name = typeormName(target);
    if (!name || !type.span) return undefined;
    const text = mode === 'literal' ? name : mode === 'argument' ? `'${name}'` : ` type: '${name}',`;
    return { edits: [edit(facts, type.span, text), ...annotationEdit(facts, column, target)], written: name };
  };
}

/** Drizzle's builder (and its options) for a PostgreSQL type, per flavour of `drizzle-orm/*-core`. */
function drizzleBuilder(flavour: string, target: TargetType): { builder: string; options?: string } | undefined {
  const m = /^([a-z ]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(target.sqlType);
  if (!m) return undefined;
  const [, base, n, scale] = m;
  const sized = n ? `{ length: ${n} }` : undefined;
  if (flavour === 'sqlite') {
    if (target.family === 'integer') return { builder: 'integer' };
    if (target.family === 'string') return { builder: 'text' };
    if (base === 'real' || base === 'double precision') return { builder: 'real' };
    return undefined;
  }
  const mysql = flavour === 'mysql';
  if (mysql && target.sqlType.endsWith(' unsigned')) {
    // MySQL's readings (see `mysqlReading`): an unsigned integer is the builder with `{ unsigned: true }`.
    const plain = drizzleBuilder(flavour, { ...target, sqlType: target.sqlType.slice(0, -' unsigned'.length) });
    if (!plain || target.family !== 'integer') return undefined;
    const inner = plain.options ? plain.options.slice(1, -1).trim() : '';
    return { builder: plain.builder, options: `{ ${inner ? `${inner}, ` : ''}unsigned: true }` };
  }
  switch (base) {
    case 'tinyint':
    case 'mediumint':
      return mysql ? { builder: base } : undefined;
    case 'integer':
      return { builder: mysql ? 'int' : 'integer' };
    case 'smallint':
      return { builder: 'smallint' };
    case 'bigint':
      return { builder: 'bigint', options: "{ mode: 'number' }" };
    case 'uuid':
      return mysql ? undefined : { builder: 'uuid' };
    case 'text':
      return { builder: 'text' };
    case 'varchar':
      return mysql && !sized ? undefined : { builder: 'varchar', options: sized };
    case 'char':
      return { builder: 'char', options: sized };
    case 'boolean':
      return { builder: 'boolean' };
    case 'date':
      return { builder: 'date' };
    case 'timestamp':
      return { builder: 'timestamp' };
    case 'timestamptz':
      return mysql ? undefined : { builder: 'timestamp', options: '{ withTimezone: true }' };
    case 'numeric':
      return { builder: 'numeric', options: n ? `{ precision: ${n}${scale ? `, scale: ${scale}` : ''} }` : undefined };
    case 'real':
      // MySQL's REAL is DOUBLE: single precision is FLOAT there (see `mysqlReading`).
      return { builder: mysql ? 'float' : 'real' };
    case 'double precision':
      return { builder: mysql ? 'double' : 'doublePrecision' };
    default:
      return undefined;
  }
}

/** The first argument of a builder call as written, when it is the column's name: `'user_id'` of `integer('user_id')`. */
function nameArgument(callText: string): string {
  const open = callText.indexOf('(');
  const rest = callText.slice(open + 1).trimStart();
  const q = rest[0];
  if (q !== "'" && q !== '"' && q !== '`') return '';
  for (let i = 1; i < rest.length; i++) {
    if (rest[i] === '\\') i++;
    else if (rest[i] === q) return rest.slice(0, i + 1);
  }
  return '';
}

/**
 * Drizzle: `integer('user_id')` → `uuid('user_id')`, keeping the name argument and the rest of the chain,
 * adding the builder to the file's existing `drizzle-orm/pg-core` import (or using the namespace the
 * column already uses: `pg.integer` → `pg.uuid`).
 */
function drizzleWriter(flavour: string): TypeWriter {
  return (facts, _column, type, target) => {
    const spelled = drizzleBuilder(flavour, target);
    if (!spelled || !type.span) return undefined;
    let expr: string;
    const edits: TextEdit[] = [];
    if (type.qualifier) expr = `${type.qualifier}.${spelled.builder}`;
    else {
      const from = facts.imports.find((i) => i.local === type.name);
      if (!from) return undefined;
      const direct = facts.imports.find((i) => i.module === from.module && i.name === spelled.builder);
      if (direct) expr = direct.local;
      else {
        const bound = new Set([...facts.imports.map((i) => i.local), ...facts.tables.map((t) => t.variable), ...facts.classes.map((c) => c.name)]);
        expr = bound.has(spelled.builder) ? `${flavour}${spelled.builder[0].toUpperCase()}${spelled.builder.slice(1)}` : spelled.builder;
        const specifier = expr === spelled.builder ? expr : `${spelled.builder} as ${expr}`;
        const last = facts.imports
          .filter((i) => i.statementSpan.start === from.statementSpan.start)
          .reduce((a, b) => (b.span.end > a.span.end ? b : a));
        edits.push(edit(facts, { start: last.span.end, end: last.span.end }, `, ${specifier}`));
      }
    }
    const nameArg = nameArgument(type.text);
    const args = [nameArg, spelled.options].filter(Boolean).join(', ');
    const written = `${expr}(${args})`;
    edits.unshift(edit(facts, type.span, written));
    return { edits, written };
  };
}

/** Knex's builder and its arguments after the name for a PostgreSQL type. */
function knexBuilder(target: TargetType): { builder: string; extra?: string } | undefined {
  const m = /^([a-z ]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(target.sqlType);
  if (!m) return undefined;
  const [, base, n, scale] = m;
  switch (base) {
    case 'integer':
    case 'smallint':
    case 'uuid':
    case 'text':
    case 'boolean':
    case 'date':
    case 'time':
    case 'json':
    case 'jsonb':
      return { builder: base };
    case 'bigint':
      return { builder: 'bigInteger' };
    case 'varchar':
      // Knex's `string` is varchar(255) unless given a length.
      return { builder: 'string', extra: n && n !== '255' ? n : undefined };
    case 'timestamptz':
      return { builder: 'timestamp' };
    case 'timestamp':
      return { builder: 'timestamp', extra: '{ useTz: false }' };
    case 'numeric':
      return n ? { builder: 'decimal', extra: scale ? `${n}, ${scale}` : n } : undefined;
    case 'real':
      return { builder: 'float' };
    case 'double precision':
      return { builder: 'double' };
    default:
      return undefined;
  }
}

/** Knex: `t.integer('user_id')` → `t.uuid('user_id')`, the rest of the chain (`.references(...)`) kept. */
const knexWriter: TypeWriter = (facts, _column, type, target) => {
  const spelled = knexBuilder(target);
  const nameArg = nameArgument(type.text);
  if (!spelled || !type.span || !nameArg) return undefined;
  const written = `${spelled.builder}(${[nameArg, spelled.extra].filter(Boolean).join(', ')})`;
  return { edits: [edit(facts, type.span, written)], written };
};

/** The data type names Kysely's `addColumn` takes as strings (its `ColumnDataType`); anything else needs `sql`. */
const KYSELY_TYPES = new Set([
  'varchar', 'char', 'text', 'integer', 'int2', 'int4', 'int8', 'smallint', 'bigint', 'boolean', 'real', 'double precision',
  'float4', 'float8', 'decimal', 'numeric', 'binary', 'bytea', 'date', 'datetime', 'time', 'timetz', 'timestamp',
  'timestamptz', 'serial', 'bigserial', 'uuid', 'json', 'jsonb', 'blob', 'varbinary',
]);

/**
 * Kysely: `addColumn('owner_id', 'integer')` → `'uuid'` (the string's content). Only a name Kysely's types accept is
 * written (`numeric(10, 2)` with its space, as its type requires); for others there is no fix.
 */
const kyselyWriter: TypeWriter = (facts, _column, type, target) => {
  if (!type.span) return undefined;
  const m = /^([a-z ]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(target.sqlType);
  if (!m || !KYSELY_TYPES.has(m[1])) return undefined;
  const [, base, n, scale] = m;
  let written: string;
  if (n === undefined) written = base;
  else if (scale !== undefined && (base === 'numeric' || base === 'decimal')) written = `${base}(${n}, ${scale})`;
  else if (scale === undefined && ['varchar', 'char', 'binary', 'varbinary', 'time', 'timetz', 'timestamp', 'timestamptz', 'datetime'].includes(base)) written = `${base}(${n})`;
  else return undefined;
  return { edits: [edit(facts, type.span, written)], written: `'${written}'` };
};

/** Sequelize's `DataTypes` member for a PostgreSQL type. */
function sequelizeType(target: TargetType): string | undefined {
  const m = /^([a-z ]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(target.sqlType);
  if (!m) return undefined;
  const [, base, n, scale] = m;
  const names: Record<string, string> = {
    integer: 'INTEGER',
    bigint: 'BIGINT',
    smallint: 'SMALLINT',
    uuid: 'UUID',
    text: 'TEXT',
    boolean: 'BOOLEAN',
    date: 'DATEONLY',
    timestamptz: 'DATE',
    time: 'TIME',
    real: 'REAL',
    'double precision': 'DOUBLE',
    json: 'JSON',
    jsonb: 'JSONB',
  };
  if (base === 'varchar') return n && n !== '255' ? `STRING(${n})` : 'STRING';
  if (base === 'char' && n) return `CHAR(${n})`;
  if (base === 'numeric' && n) return `DECIMAL(${n}${scale ? `, ${scale}` : ''})`;
  return Object.prototype.hasOwnProperty.call(names, base) && !n ? names[base] : undefined;
}

/**
 * Sequelize: `DataTypes.INTEGER` → `DataTypes.UUID` (the qualifier as written: `Sequelize.`, `DataType.`); a
 * sequelize-typescript property's TypeScript type follows.
 */
const sequelizeWriter: TypeWriter = (facts, column, type, target) => {
  const name = sequelizeType(target);
  if (!name || !type.span) return undefined;
  return { edits: [edit(facts, type.span, name), ...annotationEdit(facts, column, target)], written: type.qualifier ? `${type.qualifier}.${name}` : name };
};

/** Sequelize's SQL type as a string (`type: 'INTEGER'` → `'UUID'`), in the case it was written in. */
const sequelizeStringWriter: TypeWriter = (facts, _column, type, target) => {
  if (!type.span) return undefined;
  const written = type.text === type.text.toLowerCase() ? target.sqlType : target.sqlType.toUpperCase();
  return { edits: [edit(facts, type.span, written)], written: `'${written}'` };
};

/** The writers of the TypeScript ORMs, by `TypeFact.style`. */
export const TYPESCRIPT_WRITERS: Record<string, TypeWriter> = {
  typeorm: typeormWriter('literal'),
  'typeorm-argument': typeormWriter('argument'),
  'typeorm-option': typeormWriter('option'),
  'drizzle-pg': drizzleWriter('pg'),
  'drizzle-mysql': drizzleWriter('mysql'),
  'drizzle-sqlite': drizzleWriter('sqlite'),
  knex: knexWriter,
  kysely: kyselyWriter,
  sequelize: sequelizeWriter,
  'sequelize-string': sequelizeStringWriter,
};
