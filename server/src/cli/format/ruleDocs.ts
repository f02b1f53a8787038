// One line per rule, for SARIF's rule table and `--help`. The README has a section per rule with the anchor
// `#rule-<id>`, which SARIF viewers link to when package.json names where the README is published (`homepage`).

import { RuleId, UncheckedReason } from '../../core/types';

export const RULE_SUMMARIES: Readonly<Record<RuleId, string>> = {
  'unknown-table': 'A foreign key names a table that no model, Table() or migration in the workspace defines.',
  'unknown-column': 'A foreign key names a column that its table does not have.',
  'type-mismatch': "A foreign-key column's type differs from the type of the column it references.",
  'not-unique-target': 'A foreign key references a column that is neither a primary key nor unique.',
  'persistence-mismatch': 'A foreign key joins tables PostgreSQL keeps differently (a permanent table to an UNLOGGED or TEMPORARY one).',
  'ambiguous-table': 'Two definitions of the referenced table disagree about the referenced column.',
  'cross-metadata': 'A foreign key crosses separate declarative bases or MetaData objects, so SQLAlchemy cannot resolve it.',
  'unresolved-reference': 'A foreign key target is built at run time, so FK Guard cannot check it.',
  'parse-error': 'FK Guard could not read a statement or a file (a syntax error, or code nested too deeply), so what it defines is not checked.',
  'unused-suppression': 'A `fkguard: ignore` comment suppresses nothing any more.',
};

/**
 * One line per reason a reference is counted unchecked, for `--explain unchecked` and SARIF's notification
 * table; the README's "Unchecked" table says the same at more length.
 */
export const UNCHECKED_SUMMARIES: Readonly<Record<UncheckedReason, string>> = {
  'dynamic-name': 'the target is computed at run time (a call, a constant or f-string FK Guard cannot read)',
  'declared-attr': "the table's name or schema comes from a @declared_attr FK Guard cannot evaluate (see the naming.declared-attr setting)",
  'unresolved-base': 'the table takes columns from a base class FK Guard cannot resolve',
  'unknown-key-type': "the referenced column's type is not known, so the types are not compared",
  'uncompared-type': "the FK column's type and the key's are types FK Guard does not compare (an enum, a domain, inet, money, bit, oid, an array against another type)",
  'outside-history': 'the reference is in a migration its tool never runs (a folder Alembic does not run, a file drizzle-kit\'s journal does not list)',
  'no-table-class': 'the reference is in a SQLModel model without table=True that no table class is built on (directly or through other models), so it makes no key',
  'unseen-keys': 'the table shows no primary key and FK Guard does not know it whole (migrations make it, or a partial definition), so whether the referenced column is unique is not known',
  'server-dependent': 'MySQL 8 and MariaDB judge the key differently (MySQL 8 refuses types MariaDB accepts; MySQL 8.4 and earlier make no key of a column\'s inline REFERENCES), and FK Guard does not know which of them runs the project',
  'unresolved-column': 'a class attribute is built by a call FK Guard cannot read, which may make the referenced column',
  'outside-workspace': 'the class or table variable is defined outside the workspace, or the table is in a schema no file of the workspace puts a table in (Supabase\'s `auth.users`: the database\'s own, a platform\'s or another service\'s; list it in `external-tables` to check the key)',
  'external-table': 'the table is listed in external-tables without this column',
  'ambiguous-table': "definitions of the table disagree and none is in the reference's own metadata or package",
  'unordered-history': 'a revision on a parallel branch of the Alembic graph, another file of a folder of schema helpers whose order the code decides, or a migration the tools that run the folder order differently (names as text or by number, by path or by file name), changes the table or column, so it may run before or after this one; or a migration changes a table its folder never makes, so the table is not known as it stands',
  'unreadable-definition': 'the table is made by a CREATE TABLE FK Guard cannot read (its parse-error warning, or SQL built from a value it cannot resolve), so its columns are not known',
  'unreadable-migration': 'a migration operation FK Guard cannot fully read (a loop or helper over computed table names, a constraint dropped by a name it cannot identify, an index whose `unique=` it cannot evaluate) may have changed the column or its key, which is then unknown',
  'conditional-history': 'a migration operation that changes the table or column sits in an if, a try or a loop FK Guard cannot decide (or in a schema builder run elsewhere), and the verdict depends on whether it ran',
  'letter-case': "on MySQL, the table is named in another letter case than its definition: the same table only where lower_case_table_names is 1 or 2",
  superseded: 'a later SQLite migration drops or rebuilds the table, and SQLite checks a foreign key only when rows are written',
  'naming-strategy': "TypeORM names the table or column (an @Entity() without a name, a column without one, a join table) with the project's own namingStrategy (or an entityPrefix), which FK Guard does not run; or Sequelize's instance-wide define options, which differ between instances or cannot be read; or Drizzle's casing, which the project does not set one way",
  'ambiguous-export': 'the table is imported from a module that gets its name from two `export *` of different modules, so it exports neither (an import of it is an error; TypeScript reports the conflict)',
};

export function ruleHelpUri(docsUrl: string, rule: string): string {
  return `${docsUrl.split('#')[0]}#rule-${rule}`;
}
