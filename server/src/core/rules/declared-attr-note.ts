import { declaredAttrConvention, type FkGuardConfig } from '../config';
import { SchemaIndex } from '../schemaIndex';
import { rangeOf } from '../text';
import { FileFacts, Finding } from '../types';

/**
 * One note per base (`unresolved-reference`, at info) that explains the references counted unchecked
 * because of a `@declared_attr` `__tablename__` FK Guard cannot evaluate: it sits on the base that declares
 * it, names it and the `naming.declared-attr` setting for that base alone, instead of one error per
 * reference to its tables. A base the setting covers (for every base, or for this one) has no note.
 * A readable body or a configured convention names the tables, and then there is nothing to say. The
 * note depends on this file (and the helpers its body calls) alone, so it never goes stale in an editor.
 */
export function declaredAttrNotes(facts: FileFacts, index: SchemaIndex, config: FkGuardConfig): Finding[] {
  if (facts.language !== 'python') return [];
  return facts.classes
    .filter((c) => c.declaredTablename && !declaredAttrConvention(config, c.name, facts.file) && !index.evaluatesTablename(facts.file, c))
    .map((c) => ({
      rule: 'unresolved-reference',
      severity: 'info',
      message:
        `FK Guard cannot evaluate how \`${c.name}.__tablename__\` names tables, so references to the tables of the classes built on it ` +
        'are not checked (they are counted as unchecked: declared-attr); to check them, set its convention (snake_case, plural_snake_case, ' +
        `lowercase, class_name) for this base alone with \`naming.declared-attr.${c.name} = "snake_case"\`, or for every base with \`naming.declared-attr\``,
      file: facts.file,
      range: rangeOf(facts.lineStarts, c.nameSpan),
      related: [],
      fixes: [],
    }));
}
