import { FileFacts, MigrationOp } from './types';

/**
 * Names that only the whole workspace knows. A Knex migration may name its columns by constants of another
 * file (`t.integer(FieldNameUser.id)`, the enum exported by a shared package): the file alone cannot say
 * which column it makes, so its reader writes `pendingName('FieldNameUser.id')` where the name goes and lists
 * the constant in `FileFacts.pendingConsts`. The index, which sees every file's constants, puts the values in
 * place with `resolvePending` before it derives anything; what no file defines is left unread, never guessed.
 */
const MARK = '\u0001';

export function pendingName(constant: string): string {
  return `${MARK}${constant}`;
}

/** The constant a pending name stands for, or undefined for a plain name. */
export function pendingConst(name: string | undefined): string | undefined {
  return name !== undefined && name.startsWith(MARK) ? name.slice(1) : undefined;
}

/**
 * A copy of `facts` with each pending name replaced by its value (`resolve` answers undefined for a constant
 * no file defines). What an unresolved name leaves unread: a column of a new table (the table then counts
 * as incomplete, so a reference to a column FK Guard could not read is unchecked rather than "unknown"), an
 * operation on a table or column, the column of a reference (the reference is then unchecked), the source
 * column of a reference (its type is then not compared). `values` says what each constant resolved to, so
 * the index can tell whether a new resolution changes anything.
 */
export function resolvePending(facts: FileFacts, resolve: (constant: string) => string | undefined): { facts: FileFacts; values: string } {
  const values = new Map<string, string | undefined>();
  for (const c of facts.pendingConsts ?? []) values.set(c, resolve(c));
  const sub = (name: string): string => {
    const c = pendingConst(name);
    if (c === undefined) return name;
    return values.get(c) ?? name;
  };
  const unread = (name: string | undefined) => pendingConst(name) !== undefined;
  // Facts are plain data (see `factsShape`): a JSON copy is a deep copy. The line starts, which nothing changes
  // and a one-shot engine holds as a typed array (see `trimLists`), are shared with the copy instead.
  const out: FileFacts = JSON.parse(JSON.stringify({ ...facts, lineStarts: [] })) as FileFacts;
  out.lineStarts = facts.lineStarts;
  for (const t of out.tables) {
    for (const col of t.columns) col.name = sub(col.name);
    const lost = t.columns.find((c) => unread(c.name));
    if (lost) {
      t.unreadColumn = `\`${pendingConst(lost.name)}\``;
      t.columns = t.columns.filter((c) => !unread(c.name));
    }
    t.keys = t.keys.map((k) => k.map(sub)).filter((k) => !k.some(unread));
  }
  for (const r of out.references) {
    if (r.column !== undefined) r.column = sub(r.column);
    if (unread(r.column)) r.column = undefined;
    if (r.source.column !== undefined) r.source.column = sub(r.source.column);
    if (unread(r.source.column)) r.source.column = undefined;
    if (r.composite) r.composite = r.composite.map((c) => (unread(sub(c)) ? '' : sub(c)));
  }
  if (out.migration) {
    // An operation whose table or column stays unknown is dropped; the positions of the references are
    // indexes into this list, so each is moved to where its operation now is.
    const kept: MigrationOp[] = [];
    const moved = new Map<number, number>();
    out.migration.ops.forEach((op, i) => {
      const o = op as Record<string, unknown>;
      for (const k of ['table', 'column', 'newName', 'from', 'to']) if (typeof o[k] === 'string') o[k] = sub(o[k] as string);
      if (op.op === 'add_column') op.column.name = sub(op.column.name);
      if (op.op === 'add_key') op.columns = op.columns.map(sub);
      const strings = [o.table, o.column, o.newName, o.from, o.to, ...(op.op === 'add_column' ? [op.column.name] : []), ...(op.op === 'add_key' ? op.columns : [])];
      if (strings.some((s) => typeof s === 'string' && unread(s))) return;
      moved.set(i, kept.length);
      kept.push(op);
    });
    out.migration.ops = kept;
    for (const r of out.references) {
      if (r.migrationOp === undefined) continue;
      // A reference of a dropped operation keeps the place of the operation before it.
      let i = r.migrationOp;
      while (i >= 0 && !moved.has(i)) i--;
      r.migrationOp = i >= 0 ? moved.get(i)! : 0;
    }
  }
  return { facts: out, values: JSON.stringify([...values]) };
}
