/**
 * "Did you mean": ranks candidate names against what was written. Lower scores are better:
 * 0 same name in another case, 1 singular/plural or the same table in another schema, then edit distance.
 */
export interface Suggestion {
  value: string;
  score: number;
}

export function editDistance(a: string, b: string): number {
  // Optimal string alignment (Damerau–Levenshtein with adjacent transpositions).
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** English plural forms table names use: `user`/`users`, `category`/`categories`, `address`/`addresses`. */
export function pluralForms(word: string): string[] {
  const w = word.toLowerCase();
  const out = new Set<string>([`${w}s`]);
  if (/[^aeiou]y$/.test(w)) out.add(`${w.slice(0, -1)}ies`);
  if (/(s|x|z|ch|sh)$/.test(w)) out.add(`${w}es`);
  if (w.endsWith('person')) out.add(`${w.slice(0, -6)}people`);
  if (/[^aeiou]ies$/.test(w)) out.add(`${w.slice(0, -3)}y`);
  if (/(s|x|z|ch|sh)es$/.test(w)) out.add(w.slice(0, -2));
  if (w.endsWith('people')) out.add(`${w.slice(0, -6)}person`);
  if (w.endsWith('s') && !w.endsWith('ss')) out.add(w.slice(0, -1));
  out.delete(w);
  return [...out];
}

function nameScore(written: string, candidate: string): number | undefined {
  if (written === candidate) return 0;
  const w = written.toLowerCase();
  const c = candidate.toLowerCase();
  if (w === c) return 0;
  if (pluralForms(w).includes(c)) return 1;
  // `user_role` vs `user_roles`, `userrole` vs `user_roles`: compare without separators too.
  const ws = w.replace(/[_-]/g, '');
  const cs = c.replace(/[_-]/g, '');
  if (ws === cs || pluralForms(ws).includes(cs)) return 1.5;
  const d = editDistance(w, c);
  const limit = Math.max(1, Math.ceil(Math.max(w.length, c.length) / 3));
  return d <= limit ? 2 + d : undefined;
}

/**
 * Ranks table keys (`name` or `schema.name`) for a written `schema?.table`. A table in another schema with
 * the same name ranks as a plural does: SQLAlchemy needs the schema in the reference.
 */
export function suggestTables(schema: string | undefined, table: string, keys: readonly string[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const key of keys) {
    const i = key.lastIndexOf('.');
    const kSchema = i < 0 ? undefined : key.slice(0, i);
    const kName = i < 0 ? key : key.slice(i + 1);
    const s = nameScore(table, kName);
    if (s === undefined) continue;
    const schemaPenalty = (kSchema ?? '') === (schema ?? '') ? 0 : 1;
    if (s === 0 && schemaPenalty === 0) continue;
    out.push({ value: key, score: s + schemaPenalty });
  }
  return out.sort((a, b) => a.score - b.score || a.value.localeCompare(b.value)).slice(0, 3);
}

export function suggestNames(written: string, candidates: readonly string[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const c of candidates) {
    const s = nameScore(written, c);
    if (s !== undefined && c !== written) out.push({ value: c, score: s });
  }
  return out.sort((a, b) => a.score - b.score || a.value.localeCompare(b.value)).slice(0, 3);
}

/** The first suggestion is the one to apply when it is strictly better than the next. */
export function isClearWinner(list: readonly Suggestion[]): boolean {
  return list.length === 1 || (list.length > 1 && list[0].score < list[1].score);
}
