/**
 * The names PostgreSQL gives the constraints and indexes a statement does not name (`makeObjectName` and
 * `ChooseIndexNameAddition` of its source, for NAMEDATALEN 64): `farms_pkey`, `farms_code_key`, `farms_a_b_idx`.
 */

/** The longest name PostgreSQL keeps, in bytes (NAMEDATALEN - 1). */
const MAX_NAME = 63;

/**
 * `name1_name2_label`, the longer of the two names cut first until the whole fits in 63 bytes, as PostgreSQL cuts
 * them. Undefined for a name with characters outside ASCII, where PostgreSQL cuts by the bytes of the database's
 * encoding, which FK Guard does not know.
 */
export function pgObjectName(name1: string, name2: string | undefined, label: string): string | undefined {
  if (/[^\x00-\x7f]/.test(name1 + (name2 ?? ''))) return undefined;
  let n1 = name1.length;
  let n2 = name2?.length ?? 0;
  const avail = MAX_NAME - (name2 !== undefined ? 1 : 0) - (label.length + 1);
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${name1.slice(0, n1)}${name2 !== undefined ? `_${name2.slice(0, n2)}` : ''}_${label}`;
}

/** The column part of an index's default name: the columns joined by `_`, stopped once past 63 bytes. */
export function pgIndexNameAddition(columns: readonly string[]): string {
  let out = '';
  for (const c of columns) {
    if (out.length > 0) out += '_';
    out += c.slice(0, MAX_NAME);
    if (out.length > MAX_NAME) break;
  }
  return out;
}

/**
 * The name PostgreSQL gives a key of `table` on `columns` made with no name: `t_pkey` (`label` `pkey`), `t_a_b_key`
 * (a unique constraint), `t_a_b_idx` (a unique index); when that name is taken, `key1`, `key2`, ... in its place.
 */
export function pgDefaultName(table: string, columns: readonly string[] | undefined, label: 'pkey' | 'key' | 'idx', taken: (name: string) => boolean): string | undefined {
  const addition = columns === undefined ? undefined : pgIndexNameAddition(columns);
  for (let pass = 0; pass < 100; pass++) {
    const name = pgObjectName(table, addition, pass === 0 ? label : `${label}${pass}`);
    if (name === undefined || !taken(name)) return name;
  }
  return undefined;
}

/**
 * A name as PostgreSQL keeps it: one longer than 63 bytes is cut there (`CONSTRAINT` and `DROP CONSTRAINT` alike), so
 * two names that differ only past that point are one. Names with characters outside ASCII are left whole.
 */
export function pgStoredName(name: string): string {
  return name.length > MAX_NAME && !/[^\x00-\x7f]/.test(name) ? name.slice(0, MAX_NAME) : name;
}
