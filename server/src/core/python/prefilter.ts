/**
 * A cheap test on the raw text: a Python file that can define a table, a column type, a metadata object or
 * a foreign key mentions one of these words. Everything else is not parsed at all, except Alembic revisions
 * (`down_revision`): each one, even a merge or an `op.execute`, is a node of the revision graph.
 */
const CANDIDATE =
  /down_revision|ForeignKey|__tablename__|Table\(|foreign_key|create_table|create_foreign_key|ForeignKeyConstraint|mapped_column|Column\(|TypeDecorator|declarative_base|DeclarativeBase|SQLModel|add_column|rename_table|drop_table|MetaData\(|db\.Model/;

export function isPythonCandidate(text: string): boolean {
  return CANDIDATE.test(text);
}

const CONSTANT = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*[A-Za-z_.[\]]+\s*)?=\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)')\s*(?:#.*)?$/gm;

/**
 * Module-level string constants of a file that is not otherwise parsed (`USERS_TABLE = "users"` in a
 * `constants.py`), so `__tablename__ = USERS_TABLE` elsewhere still resolves. A regex is enough: only
 * top-level, single-line, plain string assignments count.
 */
export function scanConstants(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(CONSTANT)) out[m[1]] = m[2] ?? m[3];
  return out;
}
