import type { ts } from 'ts-morph';
import type { Dialect } from '../config';
import { agreed, DIALECT_NAMES } from '../migrations/sequelizeConfig';
import type { SequelizeNaming } from '../types';
import { TsFile } from './context';
import { instanceSay, optionsSay } from './sequelize';

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

/** The database a Drizzle schema file builds its tables for: the one dialect module it imports, if just one. */
export function drizzleDialectOf(facts: { imports: ReadonlyArray<{ module: string }> } | undefined): Dialect | undefined {
  let found: Dialect | undefined;
  for (const i of facts?.imports ?? []) {
    const d = DRIZZLE[i.module];
    if (d === undefined) continue;
    if (found !== undefined && found !== d) return undefined;
    found = d;
  }
  return found;
}

/** Kysely's dialect classes (its own and the common community ones), by the database they speak to. */
const KYSELY_DIALECTS: Record<string, Dialect> = {
  PostgresDialect: 'postgresql',
  PostgresJSDialect: 'postgresql',
  NeonDialect: 'postgresql',
  MysqlDialect: 'mysql',
  PlanetScaleDialect: 'mysql',
  SqliteDialect: 'sqlite',
  LibsqlDialect: 'sqlite',
  D1Dialect: 'sqlite',
  BunSqliteDialect: 'sqlite',
};

/** A Kysely dialect class made in the file (`new PostgresDialect(...)`). */
const NEW_KYSELY_DIALECT = /\bnew\s+(?:Postgres|PostgresJS|Neon|Mysql|PlanetScale|Sqlite|Libsql|D1|BunSqlite)Dialect\b/;

/** Calls whose options object names the driver: `new DataSource({ type })`, `knex({ client })`. */
const CONNECTORS = new Set(['DataSource', 'createConnection', 'createConnections', 'forRoot', 'knex', 'Knex']);
/** Types of a variable holding such options: `const options: DataSourceOptions = { type: 'mysql' }`. */
const OPTION_TYPES = /^(?:DataSourceOptions|ConnectionOptions|TypeOrmModuleOptions|Knex\.Config|Config)$/;

/** drizzle-kit's config file, whose `casing` names the columns of the tables it makes (see `readDrizzleCasing`). */
const DRIZZLE_KIT_CONFIG = /(?:^|\/)drizzle\.config\.[cm]?[jt]s$/;

export function isKnexfile(file: string): boolean {
  return /(^|\/)knexfile\.[cm]?[jt]s$/.test(file);
}

/**
 * A file that imports no ORM but names the project's database: a knexfile, a sequelize-cli or drizzle-kit
 * config (`dialect: 'sqlite'`), a Kysely instance's dialect (`new PostgresDialect(...)`).
 */
export function namesDatabase(file: string, text: string): boolean {
  return isKnexfile(file) || NAMES_DIALECT.test(text) || NEW_KYSELY_DIALECT.test(text) || (DRIZZLE_KIT_CONFIG.test(file) && text.includes('casing'));
}

/**
 * Whether `readTargets` may find anything in a file: what it reads is named in the text as written, so a file
 * that names none of it (a Knex migration mentions `knex`, but never calls it) is not walked. A knexfile's `client`
 * is read wherever it is; any backslash may be an escape in a string key or value (`'dia\u006cect'`), so such a
 * file is read too.
 */
export function mayNameTargets(file: string, text: string): boolean {
  return isKnexfile(file) || MAY_NAME_TARGETS.test(text);
}

/**
 * Necessary for `readTargets` to find anything: a `dialect` key (also the mark of an object whose `define` it
 * reads), a `Sequelize` call, a call of a connector (`knex` and `Knex` only as calls: the name, then trivia, then
 * `(`, `<` or `?.`), a variable of an options type, a Drizzle dialect module, or a backslash.
 */
const MAY_NAME_TARGETS = /dialect|Dialect|Sequelize|DataSource|createConnection|forRoot|Options|Config|drizzle-orm\/|\\|[kK]nex\s*(?:[(<]|\?\.|\/[*/])/;

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
  const instances: Say[] = [];
  const configs: Say[] = [];
  let fromConfig = false;
  const texts: string[] = [];
  x.walk(f.tree, (d) => {
    if (d.kind === K.ObjectLiteralExpression) {
      if (x.props(d).has('dialect')) configs.push(optionsSay(f, d, texts));
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
        if (d.kind === K.NewExpression) {
          const say = instanceSay(f, call.arguments ?? [], texts);
          if (say === 'config') fromConfig = true;
          else instances.push(say);
        }
        // `new Sequelize('sqlite::memory:')`, `new Sequelize('postgres://…')`: the URL's scheme.
        for (const s of literals(f, arg)) {
          const scheme = /^([a-z]+):/.exec(s)?.[1];
          if (scheme && DIALECT_NAMES[scheme]) found.add(DIALECT_NAMES[scheme]);
        }
      }
      // Kysely's dialect classes: `new Kysely({ dialect: new PostgresDialect({ pool }) })`.
      if (d.kind === K.NewExpression && KYSELY_DIALECTS[name]) found.add(KYSELY_DIALECTS[name]);
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
  if (instances.length > 0 || configs.length > 0 || fromConfig) {
    f.facts.sequelizeDefine = { text: texts[0] ?? 'new Sequelize(...)' };
    if (instances.length > 0) f.facts.sequelizeDefine.instances = agreed(instances);
    if (configs.length > 0) f.facts.sequelizeDefine.configs = agreed(configs);
    if (fromConfig) f.facts.sequelizeDefine.fromConfig = true;
  }
}

type Say = SequelizeNaming;

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
