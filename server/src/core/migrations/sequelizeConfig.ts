import type { SourceDialect } from '../dialect';
import { emptyFacts } from '../facts';
import type { Dialect } from '../config';
import { FileFacts, SequelizeNaming } from '../types';

/**
 * The `dialect` a sequelize-cli config (`config/config.js`, or the file `.sequelizerc` names),
 * `new Sequelize({ dialect })` or a drizzle-kit config (`defineConfig({ dialect })`) names.
 */
export const DIALECT_NAMES: Record<string, Dialect> = {
  postgres: 'postgresql',
  postgresql: 'postgresql',
  mysql: 'mysql',
  mariadb: 'mysql',
  singlestore: 'mysql',
  sqlite: 'sqlite',
  turso: 'sqlite',
};

/**
 * sequelize-cli's JSON configuration (`config/config.json`: `{ "development": { "dialect": "sqlite" } }`):
 * which database the project's migrations and models run on, one more source of the project's dialect
 * (`FileFacts.targets`, combined by the index). Its JavaScript twin, `config/config.js`, is read with the
 * TypeScript sources (`typescript/targets.ts`).
 */
export const sequelizeConfigDialect: SourceDialect = {
  language: 'config',
  // Every `config.json` ending (`config/config.json`, `database.config.json`); only one naming a dialect is read. A
  // file called just `config.json` is sequelize-cli's only in a `config` folder (its default path): elsewhere it is
  // anything's settings (`tools/sync/config.json` with a `"dialect"` of its own), and would set the whole
  // workspace's dialect.
  extensions: ['config.json'],
  isCandidate: (file, text) =>
    (!/(?:^|\/)config\.json$/.test(file) || /(?:^|\/)config\/config\.json$/.test(file)) && /"dialect"\s*:\s*"(?:postgres(?:ql)?|mysql|mariadb|sqlite)"/.test(text),
  extract: extractSequelizeConfig,
};

export function extractSequelizeConfig(file: string, text: string): FileFacts {
  const facts = emptyFacts(file, text, 'config');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON after all (a comment, a trailing comma): it names nothing FK Guard can be sure of.
    return facts;
  }
  const found = new Set<'postgresql' | 'mysql' | 'sqlite'>();
  // Each environment's model options, for an instance built from this config (see `FileFacts.sequelizeDefine`).
  const says: SequelizeNaming[] = [];
  let defineText: string | undefined;
  // Environments nest the settings one level (`development`, `test`, `production`); a flat file has them on top.
  const visit = (node: unknown, depth: number) => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || depth > 2) return;
    if ('dialect' in node) {
      const define = (node as Record<string, unknown>).define;
      const option = (key: string): boolean | null => {
        if (define === undefined) return false;
        if (!define || typeof define !== 'object') return null;
        const v = (define as Record<string, unknown>)[key];
        return v === undefined ? false : typeof v === 'boolean' ? v : null;
      };
      if (define !== undefined) defineText ??= `define: ${JSON.stringify(define)}`;
      const schema = define === undefined ? '' : !define || typeof define !== 'object' ? null : (define as Record<string, unknown>).schema;
      says.push({
        freezeTableName: option('freezeTableName'),
        underscored: option('underscored'),
        schema: schema === undefined || schema === null || schema === '' || schema === 'public' ? '' : typeof schema === 'string' ? schema : null,
      });
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'dialect' && typeof v === 'string' && DIALECT_NAMES[v]) found.add(DIALECT_NAMES[v]);
      else visit(v, depth + 1);
    }
  };
  visit(json, 0);
  if (found.size > 0) facts.targets = [...found].sort();
  if (says.length > 0) facts.sequelizeDefine = { configs: agreed(says), text: defineText ?? 'a sequelize-cli config without `define`' };
  return facts;
}

/** Each option's value when every one says the same, else `null`. */
export function agreed(says: readonly SequelizeNaming[]): SequelizeNaming {
  const one = (key: keyof SequelizeNaming) => (says.every((s) => s[key] === says[0][key]) ? says[0][key] : null);
  const schema = says.every((s) => s.schema === says[0].schema) ? says[0].schema : null;
  return { freezeTableName: one('freezeTableName') as boolean | null, underscored: one('underscored') as boolean | null, schema };
}
