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

/**
 * A key's `lower` and `bare` (see `TableEntry`), as `TableNames` keeps them in its maps: `bare` in one piece (what
 * `replace` makes is a string of many, each a string of its own, which a map's key keeps for as long as the map).
 */
function lowerForms(key: string): { lower: string; bare: string } {
  const i = key.lastIndexOf('.');
  const lower = (i < 0 ? key : key.slice(i + 1)).toLowerCase();
  const bare = lower.includes('_') || lower.includes('-') ? lower.split(/[_-]/).join('') : lower;
  return { lower, bare };
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
 * Table keys (`name` or `schema.name`) prepared for "did you mean": exact maps for case, plural and separator
 * variants, and the distinct lower-case names in a tree (`NameTree`) searched for the names within the edit limit,
 * so that a workspace of tens of thousands of tables is not scanned in full for every unknown name.
 *
 * The tree replaced counting shared trigrams per name. A name's near misses are mostly its family (`billing_tasks_…`:
 * thousands of names on 50,000 model files) and differ from it only at the end, where no trigram filter tells them
 * apart before each has been counted: ranking grew with the square of the workspace. Family members share one path
 * in the tree, so their common beginning is compared once, and a branch is left as soon as it is out of reach. On
 * the 10k bench's keys and unknown names (45,129 keys, 1,128 names) ranking took 454-457 -> 204-211 ms, on the 50k
 * bench's (224,855 keys, 5,598 names) 7,942 -> 1,455 ms, with identical answers (digests of every answer).
 */
export class TableNames {
  /**
   * The keys the index was built from, by id (a copy of the list it was given). A key's `TableEntry` is made again
   * for each name it is a candidate for, rather than kept for every key: on the bench's 10,000 model files (45,130
   * keys, 1,128 unknown names) the entries and their separator-free names (strings of several pieces each) held
   * ~14 MB for the whole scan, and a name is a candidate for few rankings.
   */
  private readonly keys: readonly string[];
  /** Ids by lower-case name, and by that name without separators: an id alone, or the ids of keys that share it. */
  private readonly exact = new Map<string, Ids>();
  /** Ids by lower-case name: what a name the tree finds stands for (see `exact`). */
  private readonly byLower = new Map<string, Ids>();
  private readonly tree: NameTree;
  /**
   * The keys the index was built from, to tell a later key set's difference (see `follow`); made on the first
   * `follow`, which only an index that is kept up to date asks (a set of 45,000 keys took ~4.6 MB).
   */
  private built: ReadonlySet<string> | undefined;
  /**
   * Per written name, every key of `keys` it scores against, best first: answers for any later key set are
   * made from these (see `follow`). Files are re-checked on every keystroke, their unknown names rarely change.
   */
  private readonly scored = new Map<string, Suggestion[]>();
  /** Answers for the current key set (see `follow`), by written name. */
  private answers = new Map<string, Suggestion[]>();
  /** Keys of the current set that `entries` lacks, prepared; and keys of `entries` the current set lacks. */
  private added: TableEntry[] = [];
  private removed: ReadonlySet<string> = new Set();
  /** Per id, the ranking that last took it as a candidate (see `candidates`), so that none is taken twice. */
  private taken: Int32Array | undefined;
  private ranking = 0;

  constructor(keys: readonly string[]) {
    this.keys = keys.slice();
    for (let id = 0; id < this.keys.length; id++) {
      const { lower, bare } = lowerForms(this.keys[id]);
      addId(this.exact, lower, id);
      addId(this.byLower, lower, id);
      if (bare !== lower) addId(this.exact, bare, id);
    }
    this.tree = new NameTree([...this.byLower.keys()]);
  }

  /**
   * Makes the index answer for `keys` (each once) instead of the keys it was built from, when they differ by at
   * most `FOLLOW_LIMIT` keys; false otherwise (the caller builds a new index). Typing a `__tablename__` changes
   * one key on every keystroke: building the index again for the ~4,500 keys of the incremental bench, and
   * ranking every unknown name again against it, was a fifth of such a keystroke's CPU. A key of the new set the
   * built one lacks is scored against each written name directly; a built key the new set lacks is left out of
   * the answer. The answer is what a new index would give: `best` orders by score, then key, and no key is twice.
   */
  follow(keys: readonly string[]): boolean {
    const added: TableEntry[] = [];
    let kept = 0;
    const built = (this.built ??= new Set(this.keys));
    for (const key of keys) {
      if (built.has(key)) kept++;
      else if (added.push(tableEntry(key)) > FOLLOW_LIMIT) return false;
    }
    if (built.size - kept + added.length > FOLLOW_LIMIT) return false;
    const removed = new Set<string>();
    if (kept < built.size) {
      const now = new Set(keys);
      for (const key of built) if (!now.has(key)) removed.add(key);
    }
    this.added = added;
    this.removed = removed;
    this.answers = new Map();
    return true;
  }

  /**
   * `follow` for a key set that differs from the one the index last answered for (built or followed) only in the
   * `touched` keys, each of which the set holds when `holds` says so: the same answers, without a pass over every
   * key (a tenth of a table name keystroke once the references stopped being checked again).
   */
  followChanges(touched: Iterable<string>, holds: (key: string) => boolean): boolean {
    const added = new Map<string, TableEntry>();
    for (const e of this.added) added.set(e.key, e);
    const removed = new Set(this.removed);
    const built = (this.built ??= new Set(this.keys));
    for (const key of touched) {
      const now = holds(key);
      if (built.has(key)) {
        if (now) removed.delete(key);
        else removed.add(key);
      } else if (!now) added.delete(key);
      else if (!added.has(key)) added.set(key, tableEntry(key));
    }
    if (added.size > FOLLOW_LIMIT || removed.size + added.size > FOLLOW_LIMIT) return false;
    // `best` orders by score, then key: the order of the added keys decides nothing.
    this.added = [...added.values()];
    this.removed = removed;
    this.answers = new Map();
    return true;
  }

  /** The best keys for a written `schema?.table`; the same table in another schema ranks as a plural does. */
  suggest(schema: string | undefined, table: string): Suggestion[] {
    const key = `${schema ?? ''}\u0000${table}`;
    let answer = this.answers.get(key);
    if (answer) return answer;
    let all = this.scored.get(key);
    if (!all) {
      all = this.rank(schema, table);
      this.scored.set(key, all);
    }
    if (this.added.length === 0 && this.removed.size === 0) answer = all.length <= 3 ? all : all.slice(0, 3);
    else {
      // The best three built keys still in the set, and every added key that scores: the best three of those.
      const out: Suggestion[] = [];
      for (let i = 0; i < all.length && out.length < 3; i++) if (!this.removed.has(all[i].value)) out.push(all[i]);
      if (this.added.length > 0) {
        const w = prepare(table);
        for (const e of this.added) {
          const s = entryScore(w, schema, e);
          if (s) out.push(s);
        }
      }
      answer = best(out);
    }
    this.answers.set(key, answer);
    return answer;
  }

  /** Every built key that scores for a written `schema?.table`, best first. */
  private rank(schema: string | undefined, table: string): Suggestion[] {
    const w = prepare(table);
    const out: Suggestion[] = [];
    for (const id of this.candidates(w)) {
      const s = entryScore(w, schema, tableEntry(this.keys[id]));
      if (s) out.push(s);
    }
    // Of the built keys, `follow` leaves out at most FOLLOW_LIMIT: the best three others are among the first ones.
    return sorted(out).slice(0, 3 + FOLLOW_LIMIT);
  }

  /**
   * Every key `loweredScore` may accept, and some it will not, each once: the exact variants (case, plural,
   * separators), and the names within the edit limit of the longest name in reach. Any other key scores only when
   * its name is the written one, which the exact variants hold.
   */
  private candidates(w: Written): number[] {
    const out: number[] = [];
    const taken = (this.taken ??= new Int32Array(this.keys.length));
    const ranking = ++this.ranking;
    const take = (id: number) => {
      if (taken[id] === ranking) return;
      taken[id] = ranking;
      out.push(id);
    };
    const takeIds = (ids: Ids | undefined) => {
      if (typeof ids === 'number') take(ids);
      else if (ids !== undefined) for (const id of ids) take(id);
    };
    for (const form of [w.lower, w.bare, ...w.plurals, ...w.barePlurals]) takeIds(this.exact.get(form));
    // A name scored by its distance is within `limitFor` of the longer of the two names, and at most `MAX_EDITS`
    // longer than the written one (else the length alone is over the limit): this limit covers them all.
    this.tree.within(w.lower, limitFor(w.lower.length + MAX_EDITS), (name) => takeIds(this.byLower.get(name)));
    return out;
  }
}

/**
 * Names in a radix tree, searched with the recurrence `editDistance` uses (optimal string alignment, within a band
 * of `k` cells either side of the diagonal), so that the names within `k` edits of a written one are found by
 * walking only the branches that stay within reach: names that begin alike share the rows of their beginning.
 * (Names stored reversed were tried, for families that differ at the end: every branch of the last three or four
 * characters is within reach of any name, and ranking took thirty times longer on the 10k bench's keys.)
 */
class NameTree {
  /** The names, sorted; a node reads the characters of the edge that leads to it from one of them (`rep`). */
  private readonly names: string[];
  /**
   * Per node: the length of the beginning it stands for, a name it reads it from, the name ending there or -1, its
   * first child and next sibling (-1: none). Lists while the tree is built, typed arrays once it is (4 bytes a number
   * where a list took 8 and room to grow; the links back, which only building uses, are let go of then).
   */
  private readonly depth: Int32Array;
  private readonly rep: Int32Array;
  private readonly term: Int32Array;
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  /** Rows of the search, one per depth (each `2k + 3` cells), grown as needed. */
  private rows = new Int32Array(0);

  constructor(distinct: readonly string[]) {
    const names = [...distinct];
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.names = names;
    const b = new TreeBuilder();
    this.build(b);
    this.depth = Int32Array.from(b.depth);
    this.rep = Int32Array.from(b.rep);
    this.term = Int32Array.from(b.term);
    this.firstChild = Int32Array.from(b.firstChild);
    this.nextSibling = Int32Array.from(b.nextSibling);
  }

  private build(b: TreeBuilder): void {
    const names = this.names;
    const root = b.node(0, 0);
    const stack = [root];
    for (let i = 0; i < names.length; i++) {
      const s = names[i];
      const l = i === 0 ? 0 : commonPrefix(names[i - 1], s);
      let last = -1;
      while (b.depth[stack[stack.length - 1]] > l) last = stack.pop()!;
      const top = stack[stack.length - 1];
      if (last !== -1 && b.depth[top] < l) {
        // The edge from `top` to `last` passes depth `l`: a node there takes `last`'s place.
        const m = b.node(l, b.rep[last]);
        b.replaceChild(top, last, m);
        b.addChild(m, last);
        stack.push(m);
      }
      const parent = stack[stack.length - 1];
      if (b.depth[parent] === s.length) b.term[parent] = i;
      else {
        const leaf = b.node(s.length, i);
        b.term[leaf] = i;
        b.addChild(parent, leaf);
        stack.push(leaf);
      }
    }
  }

  /** Each name within `k` edits of `lower` (by `editDistance`), passed to `found`. */
  within(lower: string, k: number, found: (name: string) => void): void {
    const q = lower;
    const m = q.length;
    const width = 2 * k + 3;
    const over = k + 1;
    // Cell `j` of the row at depth `d` is at d * width + (j - d + k + 1); the band is j in [d - k, d + k], and the
    // cells either side of it hold `over`.
    const maxDepth = m + k;
    if (this.rows.length < (maxDepth + 1) * width) this.rows = new Int32Array((maxDepth + 1) * width);
    const rows = this.rows;
    for (let c = 0; c < width; c++) {
      const j = c - k - 1;
      rows[c] = j >= 0 && j <= m && j <= k ? j : over;
    }
    const names = this.names;
    const visit = (node: number, from: number): void => {
      const to = Math.min(this.depth[node], maxDepth + 1);
      const s = names[this.rep[node]];
      for (let d = from + 1; d <= to; d++) {
        if (d > maxDepth) return;
        const ch = s.charCodeAt(d - 1);
        const prevCh = d > 1 ? s.charCodeAt(d - 2) : -1;
        const row = d * width;
        const up = (d - 1) * width;
        const up2 = (d - 2) * width;
        let rowMin = over;
        rows[row] = over;
        for (let c = 1; c < width - 1; c++) {
          const j = c - k - 1 + d;
          let v = over;
          if (j >= 0 && j <= m) {
            if (j === 0) v = d;
            else {
              // Above (d - 1, j) is cell c + 1 of the row above; left (d, j - 1) is c - 1; diagonal (d - 1, j - 1) is c.
              const qj = q.charCodeAt(j - 1);
              v = Math.min(rows[up + c + 1] + 1, rows[row + c - 1] + 1, rows[up + c] + (ch === qj ? 0 : 1));
              if (d > 1 && j > 1 && ch === q.charCodeAt(j - 2) && prevCh === qj) v = Math.min(v, rows[up2 + c] + 1);
            }
            if (v > over) v = over;
          }
          rows[row + c] = v;
          if (v < rowMin) rowMin = v;
        }
        rows[row + width - 1] = over;
        if (rowMin > k) return;
      }
      const t = this.term[node];
      if (t !== -1) {
        const len = names[t].length;
        if (len <= maxDepth && Math.abs(len - m) <= k && rows[len * width + (m - len + k + 1)] <= k) found(names[t]);
      }
      for (let c = this.firstChild[node]; c !== -1; c = this.nextSibling[c]) visit(c, this.depth[node]);
    };
    visit(0, 0);
  }
}

/** `NameTree`'s nodes while it is built (see its fields). */
class TreeBuilder {
  readonly depth: number[] = [];
  readonly rep: number[] = [];
  readonly term: number[] = [];
  readonly firstChild: number[] = [];
  readonly lastChild: number[] = [];
  readonly nextSibling: number[] = [];
  readonly prevSibling: number[] = [];

  node(depth: number, rep: number): number {
    const n = this.depth.push(depth) - 1;
    this.rep.push(rep);
    this.term.push(-1);
    this.firstChild.push(-1);
    this.lastChild.push(-1);
    this.nextSibling.push(-1);
    this.prevSibling.push(-1);
    return n;
  }

  addChild(parent: number, child: number): void {
    const last = this.lastChild[parent];
    if (last === -1) this.firstChild[parent] = child;
    else {
      this.nextSibling[last] = child;
      this.prevSibling[child] = last;
    }
    this.lastChild[parent] = child;
  }

  replaceChild(parent: number, old: number, by: number): void {
    const prev = this.prevSibling[old];
    const next = this.nextSibling[old];
    if (prev === -1) this.firstChild[parent] = by;
    else this.nextSibling[prev] = by;
    if (next === -1) this.lastChild[parent] = by;
    else this.prevSibling[next] = by;
    this.prevSibling[by] = prev;
    this.nextSibling[by] = next;
    this.prevSibling[old] = -1;
    this.nextSibling[old] = -1;
  }
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The ids of the keys that share one name: the id alone when there is one (nearly every name), a list from the
 * second on. A list of one id took ~56 bytes besides the map's entry, for each of ~135,000 names on the bench's
 * 10,000 model files.
 */
type Ids = number | number[];

function addId(map: Map<string, Ids>, key: string, id: number): void {
  const known = map.get(key);
  if (known === undefined) map.set(key, id);
  else if (typeof known === 'number') map.set(key, [known, id]);
  else known.push(id);
}

/** The three best, by score then name; a plain comparison, since `localeCompare` is slow on long lists. */
function best(list: Suggestion[]): Suggestion[] {
  return sorted(list).slice(0, 3);
}

/** `list` sorted in place, best first: by score, then by name. */
function sorted(list: Suggestion[]): Suggestion[] {
  return list.sort((a, b) => a.score - b.score || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/**
 * How many keys a `TableNames` follows (see `follow`) before it is built again: each one is scored against every
 * written name the index answers after a change, where a built key is looked up in the tree.
 */
const FOLLOW_LIMIT = 64;

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
