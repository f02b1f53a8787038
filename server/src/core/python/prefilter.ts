/**
 * A cheap test on the raw text: a Python file that can define a table, a column type, a metadata object or
 * a foreign key mentions one of these words. Everything else is not parsed at all.
 */
const CANDIDATE =
  /ForeignKey|__tablename__|Table\(|foreign_key|create_table|create_foreign_key|ForeignKeyConstraint|mapped_column|Column\(|TypeDecorator|declarative_base|DeclarativeBase|SQLModel|add_column|rename_table|drop_table|MetaData\(|db\.Model/;

export function isPythonCandidate(text: string): boolean {
  return CANDIDATE.test(text);
}
