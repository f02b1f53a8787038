import type { FkGuardConfig } from '../config';
import { SchemaIndex } from '../schemaIndex';
import { rangeOf } from '../text';
import { FileFacts, Finding } from '../types';

/**
 * The one note (`unresolved-reference`, at info) that explains the references counted unchecked because
 * of a `@declared_attr` `__tablename__` FK Guard cannot evaluate: it sits on the base that declares it,
 * names it and the `naming.declared-attr` setting, instead of one error per reference to its tables.
 * A readable body or a configured convention names the tables, and then there is nothing to say. The
 * note depends on this file (and the helpers its body calls) alone, so it never goes stale in an editor.
 */
export function declaredAttrNotes(facts: FileFacts, index: SchemaIndex, config: FkGuardConfig): Finding[] {
  if (config.naming.declaredAttr || facts.language !== 'python') return [];
  return facts.classes
    .filter((c) => c.declaredTablename && !index.evaluatesTablename(facts.file, c))
    .map((c) => ({
      rule: 'unresolved-reference',
      severity: 'info',
      message:
        `FK Guard cannot evaluate how \`${c.name}.__tablename__\` names tables, so references to the tables of the classes built on it ` +
        'are not checked (they are counted as unchecked: declared-attr); set `naming.declared-attr` (snake_case, plural_snake_case, ' +
        'lowercase, class_name) to check them',
      file: facts.file,
      range: rangeOf(facts.lineStarts, c.nameSpan),
      related: [],
      fixes: [],
    }));
}
