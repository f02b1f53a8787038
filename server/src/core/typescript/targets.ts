import type { ts } from 'ts-morph';
import type { Dialect } from '../config';
import { DIALECT_NAMES } from '../migrations/sequelizeConfig';
import type { FileFacts } from '../types';
import { TsFile } from './context';

/** TypeORM's driver `type`s and Knex's `client`s, by the database they speak to. */
const DRIVERS: Record<string, Dialect> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pg: 'postgresql',
  pgnative: 'postgresql',
  'aurora-postgres': 'postgresql',
  cockroachdb: 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
  mariadb: 'mysql',
  'aurora-mysql': 'mysql',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  'better-sqlite3': 'sqlite',
  sqljs: 'sqlite',
  capacitor: 'sqlite',
  cordova: 'sqlite',
  expo: 'sqlite',
  'react-native': 'sqlite',
  nativescript: 'sqlite',
};

/** A `dialect` property naming a database, in any file: a cheap test for files worth reading for it. */
const NAMES_DIALECT = /\bdialect['"]?\s*:\s*['"`](?:postgres(?:ql)?|mysql|mariadb|singlestore|sqlite|turso)['"`]/;

/** Drizzle's dialect modules. */
const DRIZZLE: Record<string, Dialect> = {
  'drizzle-orm/pg-core': 'postgresql',
  'drizzle-orm/mysql-core': 'mysql',
  'drizzle-orm/singlestore-core': 'mysql',
  'drizzle-orm/sqlite-core': 'sqlite',
};

/** Calls whose options object names the driver: `new DataSource({ type })`, `knex({ client })`. */
const CONNECTORS = new Set(['DataSource', 'createConnection', 'createConnections', 'forRoot', 'knex', 'Knex']);
/** Types of a variable holding such options: `const options: DataSourceOptions = { type: 'mysql' }`. */
const OPTION_TYPES = /^(?:DataSourceOptions|ConnectionOptions|TypeOrmModuleOptions|Knex\.Config|Config)$/;

export function isKnexfile(file: string): boolean {
  return /(^|\/)knexfile\.[cm]?[jt]s$/.test(file);
}

/**
 * A file that imports no ORM but names the project's database: a knexfile, a sequelize-cli or drizzle-kit
 * config (`dialect: 'sqlite'`).
 */
export function namesDatabase(file: string, text: string): boolean {
  return isKnexfile(file) || NAMES_DIALECT.test(text);
}

/**
 * The databases this file says the project runs on, recorded in `FileFacts.targets` for the index to
 * combine (and a TypeORM `namingStrategy` or `entityPrefix` of the project's own, in `FileFacts.typeormNaming`): the `type` of a TypeORM data source, the `client` of a knexfile or `knex({ ... })`, the module a
 * Drizzle schema builds its tables from, a `dialect` (Sequelize's options and sequelize-cli's config,
 * drizzle-kit's config), a Sequelize URL's scheme. A value chosen at run time between literals (`isLite ? 'sqlite' :
 * 'mysql'`) names both.
 */
export function readTargets(f: TsFile): void {
  const x = f.syntax;
  const K = x.K;
  const found = new Set<Dialect>();
  for (const i of f.facts.imports) {
    const d = DRIZZLE[i.module];
    if (d) found.add(d);
  }
  const knexfile = isKnexfile(f.facts.file);
  const naming: string[] = [];
  const options = (obj: ts.Node | undefined, key: string) => {
    const props = x.props(x.unwrap(obj));
    if (key === 'type') {
      // TypeORM's own naming in a data source: the names it derives are the project's code's to decide.
      const strategy = props.get('namingStrategy');
      const prefix = props.get('entityPrefix');
      if (strategy) naming.push(`namingStrategy: ${x.text(strategy)}`);
      if (prefix && x.literal(prefix)?.value !== '') naming.push(`entityPrefix: ${x.text(prefix)}`);
    }
    const v = props.get(key);
    for (const s of literals(f, v)) {
      const d = DRIVERS[s];
      if (d) found.add(d);
    }
  };
  // Sequelize's instance-wide model options: `new Sequelize(url, { define })`, a sequelize-cli config's `{ dialect, define }`.
  const defines = new Set<ts.Node>();
  const defineIn = (obj: ts.Node | undefined) => {
    const o = x.unwrap(obj);
    if (!o || o.kind !== K.ObjectLiteralExpression) return;
    const define = x.props(o).get('define');
    if (define) defines.add(define);
  };
  x.walk(f.tree, (d) => {
    if (d.kind === K.ObjectLiteralExpression) {
      if (x.props(d).has('dialect')) defineIn(d);
    } else if (d.kind === K.PropertyAssignment) {
      const key = x.propertyName((d as ts.PropertyAssignment).name);
      const init = (d as ts.PropertyAssignment).initializer;
      // sequelize-cli's config, `new Sequelize(db, user, password, { dialect })`, drizzle-kit's config.
      if (key === 'dialect') {
        for (const s of literals(f, init)) if (DIALECT_NAMES[s]) found.add(DIALECT_NAMES[s]);
      } else if (knexfile && key === 'client') {
        for (const s of literals(f, init)) if (DRIVERS[s]) found.add(DRIVERS[s]);
      }
    } else if (d.kind === K.NewExpression || d.kind === K.CallExpression) {
      const call = d as ts.NewExpression | ts.CallExpression;
      const callee = call.expression;
      const name = callee.kind === K.PropertyAccessExpression ? x.text((callee as ts.PropertyAccessExpression).name) : callee.kind === K.Identifier ? x.text(callee) : '';
      const arg = call.arguments?.[0];
      if (name === 'Sequelize') {
        for (const a of call.arguments ?? []) defineIn(a);
        // `new Sequelize('sqlite::memory:')`, `new Sequelize('postgres://…')`: the URL's scheme.
        for (const s of literals(f, arg)) {
          const scheme = /^([a-z]+):/.exec(s)?.[1];
          if (scheme && DIALECT_NAMES[scheme]) found.add(DIALECT_NAMES[scheme]);
        }
      }
      if (!CONNECTORS.has(name)) return;
      options(arg, 'type');
      options(arg, 'client');
    } else if (d.kind === K.VariableDeclaration) {
      const v = d as ts.VariableDeclaration;
      if (v.type && OPTION_TYPES.test(x.text(v.type))) {
        options(v.initializer, 'type');
        options(v.initializer, 'client');
      }
    }
  });
  if (found.size > 0) f.facts.targets = [...found].sort();
  if (naming.length > 0) f.facts.typeormNaming = naming[0];
  if (defines.size > 0) f.facts.sequelizeDefine = sequelizeDefine(f, [...defines]);
}

/**
 * What a file's `define`s say of the options that name tables and columns: each one's value if they all agree
 * (an option left out is Sequelize's default, false), else `null`, as for a `define` FK Guard cannot read whole.
 */
function sequelizeDefine(f: TsFile, defines: ts.Node[]): NonNullable<FileFacts['sequelizeDefine']> {
  const x = f.syntax;
  const K = x.K;
  const values = (key: string): boolean | null => {
    const seen = new Set<boolean | null>();
    for (const d of defines) {
      const o = x.unwrap(d);
      const whole = o?.kind === K.ObjectLiteralExpression && (o as ts.ObjectLiteralExpression).properties.every((p) => p.kind !== K.SpreadAssignment && p.name?.kind !== K.ComputedPropertyName);
      if (!whole) return null;
      const v = x.props(o).get(key);
      seen.add(v ? (x.bool(v) ?? null) : false);
    }
    return seen.size === 1 ? [...seen][0] : null;
  };
  return { freezeTableName: values('freezeTableName'), underscored: values('underscored'), text: `define: ${x.text(defines[0]).replace(/\s+/g, ' ')}` };
}

/** The string values an expression can have when it is a literal or a choice between literals. */
function literals(f: TsFile, n: ts.Node | undefined): string[] {
  const x = f.syntax;
  const e = x.unwrap(n);
  if (!e) return [];
  const lit = x.literal(e);
  if (lit) return [lit.value];
  if (e.kind === x.K.ConditionalExpression) return [...literals(f, (e as ts.ConditionalExpression).whenTrue), ...literals(f, (e as ts.ConditionalExpression).whenFalse)];
  return [];
}
