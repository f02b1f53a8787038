// One line per rule, for SARIF's rule table and `--help`. The README has a section per rule with the anchor
// `#rule-<id>`, which SARIF viewers link to when package.json names where the README is published (`homepage`).

import { RuleId } from '../../core/types';

export const RULE_SUMMARIES: Readonly<Record<RuleId, string>> = {
  'unknown-table': 'A foreign key names a table that no model, Table() or migration in the workspace defines.',
  'unknown-column': 'A foreign key names a column that its table does not have.',
  'type-mismatch': "A foreign-key column's type differs from the type of the column it references.",
  'not-unique-target': 'A foreign key references a column that is neither a primary key nor unique.',
  'ambiguous-table': 'Two definitions of the referenced table disagree about the referenced column.',
  'cross-metadata': 'A foreign key crosses separate declarative bases or MetaData objects, so SQLAlchemy cannot resolve it.',
  'unresolved-reference': 'A foreign key target is built at run time, so FK Guard cannot check it.',
  'parse-error': 'FK Guard could not read a statement or a file (a syntax error, or code nested too deeply), so what it defines is not checked.',
  'unused-suppression': 'A `fkguard: ignore` comment suppresses nothing any more.',
};

export function ruleHelpUri(docsUrl: string, rule: string): string {
  return `${docsUrl.split('#')[0]}#rule-${rule}`;
}
