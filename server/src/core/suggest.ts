/**
 * "Did you mean": ranks candidate names against what was written. Lower scores are better:
 * 0 same name in another case, 1 singular/plural or the same table in another schema, then edit distance.
 */
export interface Suggestion {
  value: string;
  score: number;
}

export function editDistance(a: string, b: string, max = Infinity): number {
  // Optimal string alignment (Damerau–Levenshtein with adjacent transpositions) on three rolling rows. With
  // `max`, only the band of cells within `max` of the diagonal is computed (a path that leaves it costs more
  // than `max`), and it stops as soon as a whole row exceeds `max`, answering `max + 1`: O(length × max)
  // rather than O(length²), which took 14 s for two names of 30,000 characters.
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > max) return max + 1;
  if (m === 0) return n;
  if (n === 0) return m;
  const k = Math.min(max, Math.max(m, n));
  const over = k + 1;
  let prev2 = new Int32Array(n + 1);
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j <= k ? j : over;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(n, i + k);
    // The cell left of the band: column 0 is `i` edits away; any other is outside the band.
    cur[lo - 1] = lo === 1 ? Math.min(i, over) : over;
    let rowMin = cur[lo - 1];
    const ai = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2] + 1);
      if (v > over) v = over;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // The cell right of the band is read by the next row as "above": outside the band, so over the limit.
    if (hi < n) cur[hi + 1] = over;
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[n], over);
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

/** Names further than this many edits apart are never suggested. */
const MAX_EDITS = 3;

/** Names whose length differs from the written one's by more than this never score: a plural ending or the edit limit. */
const REACH = 3;

/** The edits allowed between names of up to `length` characters: a third of it, at least 1, at most 3. */
function limitFor(length: number): number {
  return Math.min(MAX_EDITS, Math.max(1, Math.ceil(length / 3)));
}

/** What is written, prepared once so that ranking thousands of candidates stays cheap. */
interface Written {
  raw: string;
  lower: string;
  /**
   * Disjoint pieces of `lower`: a name within k edits of it contains at least one of k+1 such pieces
   * unchanged (each edit can break one piece), so a name containing none is rejected without the
   * distance computation.
   */
  pieces: string[];
  plurals: Set<string>;
  bare: string;
  barePlurals: Set<string>;
  /** How often each character occurs in `lower` (characters past ASCII share the last slot). */
  counts: Int32Array;
  /** Scratch space for `commonCharacters`, so that no candidate allocates. */
  scratch: Int32Array;
}

/** The size of the multiset intersection of the characters of `w.lower` and `c` (a lower bound on pairings). */
function commonCharacters(w: Written, c: string): number {
  const left = w.scratch;
  left.set(w.counts);
  let common = 0;
  for (let i = 0; i < c.length; i++) {
    const ch = Math.min(c.charCodeAt(i), 127);
    if (left[ch] > 0) {
      left[ch]--;
      common++;
    }
  }
  return common;
}

function prepare(written: string): Written {
  const lower = written.toLowerCase();
  const bare = lower.replace(/[_-]/g, '');
  const k = MAX_EDITS + 1;
  const pieces: string[] = [];
  if (lower.length >= k * 2) {
    const size = Math.floor(lower.length / k);
    for (let i = 0; i < k; i++) pieces.push(lower.slice(i * size, i === k - 1 ? lower.length : (i + 1) * size));
  }
  const counts = new Int32Array(128);
  for (let i = 0; i < lower.length; i++) counts[Math.min(lower.charCodeAt(i), 127)]++;
  return {
    raw: written,
    lower,
    pieces,
    plurals: new Set(pluralForms(lower)),
    bare,
    barePlurals: new Set(pluralForms(bare)),
    counts,
    scratch: new Int32Array(128),
  };
}

function nameScore(w: Written, candidate: string): number | undefined {
  return loweredScore(w, candidate, candidate.toLowerCase(), undefined);
}

/**
 * `nameScore` for a candidate whose lower-case form `c` (and, when known, that form without separators, `bare`)
 * was made once beforehand: ranking thousands of table keys per unknown name lowered each of them again.
 */
function loweredScore(w: Written, candidate: string, c: string, bare: string | undefined): number | undefined {
  if (w.raw === candidate) return 0;
  // Nothing within reach differs in length by more than a plural ending or the edit-distance limit.
  if (Math.abs(w.lower.length - candidate.length) > REACH) return undefined;
  // The same letters in another case: the nearest miss of all (PostgreSQL keeps a quoted name's case, Knex
  // quotes every name), and never "the same name", which left `Book` for `book` with no suggestion.
  if (w.lower === c) return 0.5;
  if (w.plurals.has(c)) return 1;
  // `user_role` vs `user_roles`, `userrole` vs `user_roles`: compare without separators too.
  const cs = bare ?? (c.includes('_') || c.includes('-') ? c.replace(/[_-]/g, '') : c);
  if (w.bare === cs || w.barePlurals.has(cs)) return 1.5;
  const limit = limitFor(Math.max(w.lower.length, c.length));
  if (w.pieces.length > 0 && !w.pieces.some((p) => c.includes(p))) return undefined;
  // The distance is at least the difference in length: most candidates are rejected before it is computed.
  if (Math.abs(w.lower.length - c.length) > limit) return undefined;
  // Each edit leaves all but one character paired: fewer characters in common than that rules a name out
  // in one pass, before the distance (which 600,000 similar pairs made the bulk of a scan).
  if (Math.max(w.lower.length, c.length) - commonCharacters(w, c) > limit) return undefined;
  const d = editDistance(w.lower, c, limit);
  return d <= limit ? 2 + d : undefined;
}

/** One table key split for ranking. */
interface TableEntry {
  key: string;
  schema?: string;
  name: string;
  lower: string;
  /** `lower` without `_` and `-`. */
  bare: string;
}

function tableEntry(key: string): TableEntry {
  const i = key.lastIndexOf('.');
  const name = i < 0 ? key : key.slice(i + 1);
  const lower = name.toLowerCase();
  const bare = lower.includes('_') || lower.includes('-') ? lower.replace(/[_-]/g, '') : lower;
  return { key, schema: i < 0 ? undefined : key.slice(0, i), name, lower, bare };
}

/** A key's suggestion for a written `schema?.table`, if it is one; the same table in another schema ranks as a plural does. */
function entryScore(w: Written, schema: string | undefined, e: TableEntry): Suggestion | undefined {
  const s = loweredScore(w, e.name, e.lower, e.bare);
  if (s === undefined) return undefined;
  const schemaPenalty = (e.schema ?? '') === (schema ?? '') ? 0 : 1;
  if (s === 0 && schemaPenalty === 0) return undefined;
  return { value: e.key, score: s + schemaPenalty };
}

/**
 * "Did you mean" by scoring every key: what `TableNames` answers, without its index. Tests compare the two,
 * since the index only rules out keys that this would not suggest.
 */
export function rankTableKeys(keys: readonly string[], schema: string | undefined, table: string): Suggestion[] {
  const w = prepare(table);
  const out: Suggestion[] = [];
  for (const key of keys) {
    const s = entryScore(w, schema, tableEntry(key));
    if (s) out.push(s);
  }
  return best(out);
}

/**
 * Table keys (`name` or `schema.name`) prepared for "did you mean": exact maps for case, plural and
 * separator variants, and a trigram index so that a workspace of tens of thousands of tables is not
 * scanned in full for every unknown name. A name within k edits of the written one shares all but at most
 * 4k of its trigrams (see `candidates`); its postings are kept per name length, so only names of a length
 * `nameScore` can accept are ever looked at.
 */
export class TableNames {
  private readonly entries: TableEntry[] = [];
  private readonly exact = new Map<string, number[]>();
  private readonly byLength = new Map<number, number[]>();
  /**
   * Trigram postings per name length: length → trigram (see `gramKey`) → ids, each id once. A trigram is a number
   * where its characters allow: 45,000 keys made 1.1 million slices to hash, a fifth of a 10,000-file scan's
   * findings.
   */
  private readonly grams = new Map<number, Map<GramKey, number[]>>();
  /** Answers already given: files are re-checked on every keystroke, their unknown names rarely change. */
  private readonly answers = new Map<string, Suggestion[]>();
  /** Shared-trigram counts per id while one name is ranked (zero between rankings), and the ids counted. */
  private counts: Int32Array | undefined;
  private readonly touched: number[] = [];
  /** Per id, the ranking that last took it as a candidate (see `candidates`), so that none is taken twice. */
  private taken: Int32Array | undefined;
  private ranking = 0;
  /**
   * Per id, `BUCKETS` character counts of its lower-case name (see `bucketOf`; 255 means 255 or more), and that
   * name's length: enough to rule out most names that share trigrams but not characters (see `sharesEnough`)
   * without reading the entries, whose strings lie all over the heap.
   */
  private readonly histograms: Uint8Array;
  private readonly lowerLengths: Int32Array;

  constructor(keys: readonly string[]) {
    this.histograms = new Uint8Array(keys.length * BUCKETS);
    this.lowerLengths = new Int32Array(keys.length);
    // Ids follow the keys sorted by length, then by name, so that names alike have ids close together. The names
    // that share a written name's trigrams are mostly a family of its own length and prefix (`inventory_accounts_…`:
    // thousands of them on 50,000 model files), and ranking reads their counts and histograms by id: in key order
    // those reads were scattered over the arrays (225,000 keys: 14 MB of histograms), in this order they are mostly
    // next to each other. On the 50k bench's keys ranking took half the time. The order changes no answer, since
    // `best` sorts by score and then by key, and keys are distinct.
    for (const key of [...keys].sort(byLengthThenName)) {
      const e = tableEntry(key);
      const id = this.entries.push(e) - 1;
      this.lowerLengths[id] = e.lower.length;
      const row = id * BUCKETS;
      for (let i = 0; i < e.lower.length; i++) {
        const at = row + bucketOf(e.lower.charCodeAt(i));
        if (this.histograms[at] < 255) this.histograms[at]++;
      }
      push(this.exact, e.lower, id);
      if (e.bare !== e.lower) push(this.exact, e.bare, id);
      push(this.byLength, e.lower.length, id);
      // `nameScore` measures reach by the name as written, which lowering may lengthen (`İ`).
      let byGram = this.grams.get(e.name.length);
      if (!byGram) this.grams.set(e.name.length, (byGram = new Map()));
      const padded = `\u0001${e.lower}\u0002`;
      for (let i = 0; i + 3 <= padded.length; i++) {
        const g = gramKey(padded, i);
        const list = byGram.get(g);
        // Ids are noted in increasing order: a name's repeated trigram finds its own id last.
        if (!list) byGram.set(g, [id]);
        else if (list[list.length - 1] !== id) list.push(id);
      }
    }
    // A list grown by `push` keeps room for half as many ids again, and 16 more: exact copies took a tenth of the
    // room on the bench's 1k workspace (2 MB of postings before).
    for (const byGram of this.grams.values()) for (const [g, ids] of byGram) if (ids.length > 1) byGram.set(g, ids.slice());
  }

  /** The best keys for a written `schema?.table`; the same table in another schema ranks as a plural does. */
  suggest(schema: string | undefined, table: string): Suggestion[] {
    const key = `${schema ?? ''}\u0000${table}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.rank(schema, table);
      this.answers.set(key, answer);
    }
    return answer;
  }

  private rank(schema: string | undefined, table: string): Suggestion[] {
    const w = prepare(table);
    const out: Suggestion[] = [];
    for (const id of this.candidates(w)) {
      const s = entryScore(w, schema, this.entries[id]);
      if (s) out.push(s);
    }
    return best(out);
  }

  /**
   * Every key `nameScore` may accept, and some it will not, each once: the exact variants (case, plural,
   * separators), and names of a length within reach that share enough trigrams. Keys outside reach score only
   * when their name is the written one, which the exact variants hold.
   */
  private candidates(w: Written): number[] {
    const out: number[] = [];
    const taken = (this.taken ??= new Int32Array(this.entries.length));
    const ranking = ++this.ranking;
    const take = (id: number) => {
      if (taken[id] === ranking) return;
      taken[id] = ranking;
      out.push(id);
    };
    for (const form of [w.lower, w.bare, ...w.plurals, ...w.barePlurals]) for (const id of this.exact.get(form) ?? []) take(id);
    // Any other name scores only within the edit limit, which `sharesEnough` may already rule out.
    const shares = writtenBuckets(w.lower);
    const takeIfClose = (id: number) => {
      if (taken[id] !== ranking && this.sharesEnough(shares, w.lower.length, id)) take(id);
    };
    const padded = `\u0001${w.lower}\u0002`;
    const grams: GramKey[] = [];
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = gramKey(padded, i);
      if (!grams.includes(g)) grams.push(g);
    }
    // One edit changes at most three trigrams, an adjacent transposition four; a name within `limit` edits
    // therefore shares all but `4 × limit` of the written name's distinct trigrams (the q-gram lemma).
    const mustShare = grams.length - 4 * limitFor(w.lower.length + MAX_EDITS);
    if (mustShare <= 0) {
      // A short name: every name of a length within reach is a candidate.
      for (let len = w.lower.length - MAX_EDITS; len <= w.lower.length + MAX_EDITS; len++) for (const id of this.byLength.get(len) ?? []) takeIfClose(id);
      return out;
    }
    // Count the shared trigrams of every name within reach that has any, in a typed array rather than a map
    // (45,000 tables: the map's updates were 20 s of a 10,000-file scan), so that only names that share
    // enough are compared: 300 unknown names against 2,000 similar ones cost no edit distance each.
    const counts = (this.counts ??= new Int32Array(this.entries.length));
    const touched = this.touched;
    const written = w.lower.length;
    // Each trigram's postings within reach, with how many ids they hold.
    const postings = grams.map(() => ({ lists: [] as number[][], size: 0 }));
    for (let len = Math.max(0, written - REACH); len <= written + REACH; len++) {
      const byGram = this.grams.get(len);
      if (!byGram) continue;
      for (let i = 0; i < grams.length; i++) {
        const ids = byGram.get(grams[i]);
        if (!ids) continue;
        postings[i].lists.push(ids);
        postings[i].size += ids.length;
      }
    }
    // The commonest trigrams are left uncounted (the prefix filter): a name that shares `mustShare` of all shares
    // `mustShare - skipped` of the others. Their postings were most of the counting (`inventory_` in 4,500 names),
    // and the names the lower bar lets through more are mostly ruled out by `sharesEnough`.
    const skipped = Math.floor(((mustShare - 1) * 3) / 4);
    postings.sort((a, b) => b.size - a.size);
    for (let i = skipped; i < postings.length; i++) {
      for (const ids of postings[i].lists) for (const id of ids) if (counts[id]++ === 0) touched.push(id);
    }
    for (const id of touched) {
      if (counts[id] >= mustShare - skipped) takeIfClose(id);
      counts[id] = 0;
    }
    touched.length = 0;
    return out;
  }

  /**
   * False only when the name of `id` cannot be within the edit limit of the written one by `loweredScore`'s
   * character count (`commonCharacters`): the counts per bucket bound the characters in common from above. A name
   * that shares most trigrams but not enough characters (`inventory_accounts_12345` for
   * `inventory_account_98612`: hundreds of them per unknown name on 10,000 model files) is dropped here.
   */
  private sharesEnough(written: { buckets: number[]; counts: Int32Array }, writtenLength: number, id: number): boolean {
    const row = id * BUCKETS;
    let atMost = 0;
    for (const b of written.buckets) {
      const mine = written.counts[b];
      const theirs = this.histograms[row + b];
      atMost += theirs === 255 || theirs > mine ? mine : theirs;
    }
    const longer = Math.max(writtenLength, this.lowerLengths[id]);
    return longer - atMost <= limitFor(longer);
  }
}

/**
 * Character buckets for `TableNames.sharesEnough`: each of `commonCharacters`' slots (a character, past ASCII all
 * one) falls in one bucket, so the characters in common per bucket bound those it counts.
 */
const BUCKETS = 64;

function bucketOf(code: number): number {
  const slot = Math.min(code, 127);
  if (slot >= 97 && slot <= 122) return slot - 97;
  if (slot >= 48 && slot <= 57) return slot - 22;
  if (slot === 95) return 36;
  if (slot === 45) return 37;
  return 38 + (slot % 26);
}

/** The written name's count per bucket, and the buckets it uses. */
function writtenBuckets(lower: string): { buckets: number[]; counts: Int32Array } {
  const counts = new Int32Array(BUCKETS);
  const buckets: number[] = [];
  for (let i = 0; i < lower.length; i++) {
    const b = bucketOf(lower.charCodeAt(i));
    if (counts[b]++ === 0) buckets.push(b);
  }
  return { buckets, counts };
}

/** A trigram: its three characters in one number when each is below 1024, else the characters themselves. */
type GramKey = number | string;

function gramKey(padded: string, i: number): GramKey {
  const a = padded.charCodeAt(i);
  const b = padded.charCodeAt(i + 1);
  const c = padded.charCodeAt(i + 2);
  // 30 bits: a small integer, which a map hashes without allocating.
  return a < 1024 && b < 1024 && c < 1024 ? (a << 20) | (b << 10) | c : padded.slice(i, i + 3);
}

function byLengthThenName(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function push<K>(map: Map<K, number[]>, key: K, id: number): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

/** The three best, by score then name; a plain comparison, since `localeCompare` is slow on long lists. */
function best(list: Suggestion[]): Suggestion[] {
  return list.sort((a, b) => a.score - b.score || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)).slice(0, 3);
}

export function suggestNames(written: string, candidates: readonly string[]): Suggestion[] {
  const out: Suggestion[] = [];
  const w = prepare(written);
  for (const c of candidates) {
    const s = nameScore(w, c);
    if (s !== undefined && c !== written) out.push({ value: c, score: s });
  }
  return best(out);
}

/** The first suggestion is the one to apply when it is strictly better than the next. */
export function isClearWinner(list: readonly Suggestion[]): boolean {
  return list.length === 1 || (list.length > 1 && list[0].score < list[1].score);
}
