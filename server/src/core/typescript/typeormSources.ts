import type { ts } from 'ts-morph';
import { TypeormSourceFact } from '../types';
import { TsFile } from './context';

/**
 * TypeORM's drivers whose `buildTableName` drops the schema (MySQL, MariaDB, the SQLite family): a data source
 * of one of these types puts its entities in no schema, whatever its options say.
 */
const NO_SCHEMAS = new Set([
  'mysql', 'mariadb', 'aurora-mysql', 'sqlite', 'better-sqlite3', 'sqljs', 'capacitor', 'cordova', 'expo',
  'nativescript', 'react-native', 'spanner', 'mongodb',
]);

/** The names a variable holding TypeORM options is typed with (`const options: DataSourceOptions = { ... }`). */
const TYPEORM_OPTION_TYPES = /^(?:DataSourceOptions|ConnectionOptions|TypeOrmModuleOptions|PostgresConnectionOptions|SqlServerConnectionOptions|CockroachConnectionOptions)$/;

/**
 * The TypeORM data sources this file writes the options of, into `FileFacts.typeormSources`: `new DataSource(o)`,
 * `createConnection(o)`, `createConnections([o, ...])`, `TypeOrmModule.forRoot(o)`, `forRootAsync({ useFactory: () =>
 * o })`, and a variable typed with an options type. `o` is an object literal, a variable of this file bound to
 * one, or a choice between such (`isProd ? prodConfig : devConfig`: each is a data source the program may make).
 * Options FK Guard cannot see (a call, an import, `useClass`) count as a data source whose schema and entities are
 * not known: the entities it may govern are in a schema FK Guard cannot name.
 */
export function readTypeormSources(f: TsFile): void {
  if (!f.importsFrom('typeorm', '@nestjs/typeorm')) return;
  const x = f.syntax;
  const K = x.K;
  const seen = new Set<ts.Node>();
  const out: TypeormSourceFact[] = [];
  const add = (n: ts.Node | undefined, depth = 0): void => {
    const e = x.unwrap(n);
    if (!e) {
      out.push({ schema: null, entities: 'any', text: 'options FK Guard cannot see' });
      return;
    }
    if (seen.has(e)) return;
    seen.add(e);
    if (e.kind === K.ObjectLiteralExpression) {
      out.push(sourceOf(f, e as ts.ObjectLiteralExpression));
      return;
    }
    if (e.kind === K.ConditionalExpression && depth < 4) {
      add((e as ts.ConditionalExpression).whenTrue, depth + 1);
      add((e as ts.ConditionalExpression).whenFalse, depth + 1);
      return;
    }
    if (e.kind === K.Identifier && depth < 4) {
      const bound = boundObject(f, x.text(e));
      if (bound) {
        add(bound, depth + 1);
        return;
      }
    }
    out.push({ schema: null, entities: 'any', text: oneLine(x.text(e)) });
  };
  x.walk(f.tree, (node) => {
    if (node.kind === K.NewExpression || node.kind === K.CallExpression) {
      const call = node as ts.NewExpression | ts.CallExpression;
      const callee = call.expression;
      const name = callee.kind === K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).name) : callee.kind === K.Identifier ? x.text(callee) : '';
      const receiver = callee.kind === K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).expression) : undefined;
      const args = call.arguments ?? [];
      if (name === 'DataSource' && node.kind === K.NewExpression) add(args[0]);
      else if (name === 'createConnection' && node.kind === K.CallExpression && typeormName(f, callee, receiver, name)) {
        // `createConnection()` with no options reads ormconfig files or TYPEORM_* variables, which FK Guard does not.
        add(args[0]);
      } else if (name === 'createConnections' && node.kind === K.CallExpression && typeormName(f, callee, receiver, name)) {
        const list = x.elements(x.unwrap(args[0]));
        if (list) for (const o of list) add(o);
        else add(args[0]);
      } else if (name === 'forRoot' && receiver === 'TypeOrmModule') add(args[0]);
      else if (name === 'forRootAsync' && receiver === 'TypeOrmModule') {
        const factory = x.props(x.unwrap(args[0])).get('useFactory');
        add(factory ? x.arrowResult(factory) : undefined);
      }
    } else if (node.kind === K.VariableDeclaration) {
      const v = node as ts.VariableDeclaration;
      if (v.type && TYPEORM_OPTION_TYPES.test(x.text(v.type)) && x.unwrap(v.initializer)?.kind === K.ObjectLiteralExpression) add(v.initializer);
    }
  });
  if (out.length > 0) f.facts.typeormSources = out;
}

/** Whether a call's callee is TypeORM's function of that name (imported from typeorm, or `typeorm.x`). */
function typeormName(f: TsFile, callee: ts.Node, receiver: string | undefined, name: string): boolean {
  if (receiver !== undefined) return f.importOf(receiver)?.module === 'typeorm';
  const imp = f.importOf(f.syntax.text(callee));
  return !!imp && imp.module === 'typeorm' && (imp.name ?? name) === name;
}

/** The object literal a variable of this file is bound to, where it is bound once (any scope). */
function boundObject(f: TsFile, name: string): ts.Node | undefined {
  const x = f.syntax;
  const K = x.K;
  let found: ts.Node | undefined;
  let count = 0;
  x.walk(f.tree, (n) => {
    if (n.kind !== K.VariableDeclaration) return;
    const d = n as ts.VariableDeclaration;
    if (d.name.kind !== K.Identifier || x.text(d.name) !== name) return;
    count++;
    found = d.initializer;
  });
  if (count !== 1) return undefined;
  const e = x.unwrap(found);
  return e && (e.kind === K.ObjectLiteralExpression || e.kind === K.ConditionalExpression) ? e : undefined;
}

/** What one options object says of its entities' schema (see `TypeormSourceFact`). */
function sourceOf(f: TsFile, o: ts.ObjectLiteralExpression): TypeormSourceFact {
  const x = f.syntax;
  const K = x.K;
  // Keys written after a spread override it; one not written may come from it.
  let spread = false;
  const written = new Map<string, ts.Node>();
  for (const p of o.properties) {
    if (p.kind === K.SpreadAssignment) spread = true;
    else if (p.kind === K.PropertyAssignment && p.name.kind !== K.ComputedPropertyName) written.set(x.propertyName(p.name), p.initializer);
    else if (p.kind === K.ShorthandPropertyAssignment) written.set(x.text(p.name), p.name);
    else if (p.name && p.name.kind === K.ComputedPropertyName) spread = true;
  }
  const type = x.literal(x.unwrap(written.get('type')))?.value;
  const schemaNode = written.get('schema');
  let schema: string | null;
  let text: string;
  if (type !== undefined && NO_SCHEMAS.has(type)) {
    schema = '';
    text = `type: '${type}'`;
  } else if (schemaNode) {
    text = `schema: ${oneLine(x.text(schemaNode))}`;
    const e = x.unwrap(schemaNode);
    const value = x.literal(e)?.value;
    if (value !== undefined) schema = value === 'public' || value === '' ? '' : value;
    else if (e && (e.kind === K.UndefinedKeyword || (e.kind === K.Identifier && x.text(e) === 'undefined') || e.kind === K.NullKeyword)) schema = '';
    else schema = null;
  } else {
    schema = spread ? null : '';
    text = spread ? oneLine(x.text(o)) : 'no `schema`';
  }
  return { schema, entities: entitiesOf(f, written, spread), text };
}

/** `entities: [User, Post]` (or `{ User, Post }`): the names written; `any` where FK Guard cannot list them. */
function entitiesOf(f: TsFile, written: Map<string, ts.Node>, spread: boolean): string[] | 'any' {
  const x = f.syntax;
  const K = x.K;
  if (x.bool(written.get('autoLoadEntities')) !== false && written.has('autoLoadEntities')) return 'any';
  const e = x.unwrap(written.get('entities'));
  if (!e) return spread ? 'any' : [];
  const items = e.kind === K.ArrayLiteralExpression ? [...(e as ts.ArrayLiteralExpression).elements] : e.kind === K.ObjectLiteralExpression ? [...x.props(e).values()] : undefined;
  if (!items) return 'any';
  const names: string[] = [];
  for (const item of items) {
    const i = x.unwrap(item);
    if (i && (i.kind === K.Identifier || i.kind === K.PropertyAccessExpression)) names.push(x.text(i));
    // A glob (`'dist/**/*.entity.js'`, `__dirname + '/**/*.entity{.ts,.js}'`), a spread, an EntitySchema: any entity.
    else return 'any';
  }
  return names;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
