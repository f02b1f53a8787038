/**
 * A hand-written reader for the DDL that makes facts (`CREATE TABLE`, `ALTER TABLE ... ADD/DROP COLUMN`, `ADD
 * CONSTRAINT`, `CREATE UNIQUE INDEX`, `DROP TABLE`), in front of pgsql-ast-parser's Earley parser, which spends about
 * 5 ms on each `CREATE TABLE`. It answers with the tree pgsql-ast-parser would give (the same nodes, names and
 * locations wherever the extractor reads them), or declines (`undefined`) and the statement goes to that parser
 * unchanged. It declines whatever it does not fully know, so that it never reads a statement the parser would refuse
 * (the extractor then tries other spellings of it) or read differently. What it accepts is a subset of the parser's
 * grammar: its lexer's tokens (the same word, keyword, quoting and number rules), and of expressions only what a
 * column's `DEFAULT` is usually written with (a literal, a call, a cast). `test/engine/ddlReader.test.ts` proves the
 * answers equal the parser's on every statement of the fixtures and of the real-world corpus, and on mutations of them.
 */
import type { Statement } from 'pgsql-ast-parser';

/** pgsql-ast-parser's reserved words (its `keywords.ts`): its lexer makes them keyword tokens, never names. */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation concurrently ' +
    'constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp current_user ' +
    'default deferrable desc distinct do else end except false fetch for foreign freeze from full grant group having ilike in ' +
    'initially inner intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not notnull ' +
    'null offset on only or order outer overlaps placing primary references returning right select session_user similar some ' +
    'symmetric table tablesample then to trailing true union unique user using variadic verbose when where window with precision'
  ).split(' '),
);

/** A token as the parser's lexer makes it: `word` (a name, or a keyword the grammar matches by its text), `kw` (reserved), ... */
interface Token {
  kind: 'word' | 'kw' | 'quoted' | 'string' | 'int' | 'float' | '(' | ')' | ',' | '.' | '::' | '[' | ']' | 'op';
  /** A word's or keyword's text in lower case; a quoted name's text between its quotes, as written. */
  value: string;
  start: number;
  end: number;
}

interface Loc {
  start: number;
  end: number;
}

/**
 * The tokens of `text` by the rules of pgsql-ast-parser's lexer (tried in its order), or undefined at anything this
 * reader does not read: comments, `$` quoting and parameters, `E'...'` strings, `;`. Operators are single characters
 * here (`op`): the reader never reads one, only finds the end of a check's condition past them.
 */
function tokenize(text: string): Token[] | undefined {
  const out: Token[] = [];
  const re = /([eE](?!')[A-Za-z0-9_]*|[a-df-zA-DF-Z_][A-Za-z0-9_]*)|"((?:[^"*]|"")+)"|'((?:[^']|'')*)'|(\s+)|(-?\d+(?![.\d]))|(-?(?:\d*\.\d+|\d+\.\d*))|([(),[\]])|(\.(?!\d))|(::)|((?!--|\/\*)[<>=!+\-*/%^|&#~?@:])/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    const start = i;
    i = re.lastIndex;
    if (m[1] !== undefined) {
      const value = m[1].toLowerCase();
      out.push({ kind: RESERVED.has(value) ? 'kw' : 'word', value, start, end: i });
    } else if (m[2] !== undefined) out.push({ kind: 'quoted', value: m[2], start, end: i });
    else if (m[3] !== undefined) out.push({ kind: 'string', value: m[3], start, end: i });
    else if (m[4] !== undefined) continue;
    else if (m[5] !== undefined) out.push({ kind: 'int', value: m[5], start, end: i });
    else if (m[6] !== undefined) out.push({ kind: 'float', value: m[6], start, end: i });
    else if (m[7] !== undefined) out.push({ kind: m[7] as Token['kind'], value: m[7], start, end: i });
    else if (m[8] !== undefined) out.push({ kind: '.', value: '.', start, end: i });
    else if (m[9] !== undefined) out.push({ kind: '::', value: '::', start, end: i });
    // An operator's character: only a check's condition, which the parser reads (see `Reader.check`), may hold one.
    else out.push({ kind: 'op', value: m[10], start, end: i });
  }
  return out;
}

/** Thrown (and caught in `readDdl`) wherever the statement leaves what this reader knows. */
class Decline extends Error {}

const span = (a: Loc, b: Loc): Loc => ({ start: a.start, end: b.end });

/** Reads one statement by recursive descent over its tokens; every method declines by throwing `Decline`. */
class Reader {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly t: Token[],
    private readonly parseCheck: CheckParser | undefined,
  ) {}

  private peek(k = 0): Token | undefined {
    return this.t[this.i + k];
  }

  private fail(): never {
    throw new Decline();
  }

  private next(): Token {
    return this.t[this.i++] ?? this.fail();
  }

  /** Whether the next token is the word or keyword `w` (a word the grammar matches by text, as `key`, or a reserved one). */
  private is(w: string, k = 0): boolean {
    const x = this.peek(k);
    return x !== undefined && (x.kind === 'word' || x.kind === 'kw') && x.value === w;
  }

  private take(w: string): Token {
    if (!this.is(w)) this.fail();
    return this.next();
  }

  private accept(w: string): Token | undefined {
    return this.is(w) ? this.next() : undefined;
  }

  private punct(p: Token['kind']): Token {
    const x = this.next();
    if (x.kind !== p) this.fail();
    return x;
  }

  private atEnd(): boolean {
    return this.i >= this.t.length;
  }

  /**
   * The grammar's `ident`/`word`: a name, a quoted name (its text as written between the quotes), or the reserved
   * `primary` and `unique`, which the grammar also takes as names. Those two are declined here: where they could be a
   * name or a constraint, this reader does not choose.
   */
  private ident(): { name: string; _location: Loc } {
    const x = this.next();
    if (x.kind !== 'word' && x.kind !== 'quoted') this.fail();
    return { name: x.value, _location: { start: x.start, end: x.end } };
  }

  /** `qualified_name`: `name`, `schema.name` (the second part may be a reserved word), never `current_schema`. */
  private qname(): { name: string; schema?: string; _location: Loc } {
    const first = this.ident();
    if (this.peek()?.kind !== '.') return first;
    this.next();
    const x = this.next();
    // Any reserved word but `precision` (not in the grammar's `any_keyword`), `primary` and `unique` (names there too:
    // two readings, which the parser refuses).
    if ((x.kind !== 'word' && x.kind !== 'quoted' && x.kind !== 'kw') || (x.kind === 'kw' && /^(?:precision|primary|unique)$/.test(x.value))) this.fail();
    return { schema: first.name, name: x.value, _location: { start: first._location.start, end: x.end } };
  }

  /** `(a, "B", c)` as the grammar's `collist_paren`. */
  private columnList(): Array<{ name: string; _location: Loc }> {
    this.punct('(');
    const out = [this.ident()];
    while (this.peek()?.kind === ',') {
      this.next();
      out.push(this.ident());
    }
    this.punct(')');
    return out;
  }

  /** An integer of a type's arguments (`varchar(255)`), as the grammar's `int`. */
  private int(): { value: number; loc: Loc } {
    const x = this.next();
    if (x.kind !== 'int') this.fail();
    return { value: parseInt(x.value, 10), loc: { start: x.start, end: x.end } };
  }

  /**
   * The grammar's `data_type`: a name (`int`, `public."Kind"`) or one of its multi-word types, then `(n, ...)`, then
   * `[]`s or `ARRAY`. The location follows the grammar's: from its first located token (`varying` of `character
   * varying`, whose first word it does not locate) to its last (the last argument, not the `)`).
   */
  dataType(): Record<string, unknown> & { _location: Loc } {
    let simple: Record<string, unknown> & { _location: Loc };
    const w = this.peek();
    if (w?.kind === 'word' && (w.value === 'character' || w.value === 'bit') && this.is('varying', 1)) {
      this.next();
      const v = this.next();
      simple = { name: `${w.value} varying`, _location: { start: v.start, end: v.end } };
    } else if (w?.kind === 'word' && w.value === 'double' && this.peek(1)?.kind === 'kw' && this.peek(1)!.value === 'precision') {
      this.next();
      const p = this.next();
      simple = { name: 'double precision', _location: { start: w.start, end: p.end } };
    } else if (w?.kind === 'word' && (w.value === 'timestamp' || w.value === 'time') && (this.is('with', 1) || this.is('without', 1))) {
      this.next();
      const wz = this.next();
      this.take('time');
      const zone = this.take('zone');
      simple = { name: `${w.value} ${wz.value} time zone`, _location: { start: wz.start, end: zone.end } };
    } else if (w?.kind === 'word' && (w.value === 'timestamp' || w.value === 'time') && this.peek(1)?.kind === '(' && this.peek(2)?.kind === 'int' && this.peek(3)?.kind === ')' && (this.is('with', 4) || this.is('without', 4))) {
      this.next();
      const open = this.next();
      const n = this.int();
      this.next();
      const wz = this.next();
      this.take('time');
      const zone = this.take('zone');
      simple = { name: `timestamp ${wz.value} time zone`, config: [n.value], _location: { start: open.start, end: zone.end } };
    } else if ((w?.kind === 'kw' && w.value === 'precision') || (w?.kind === 'word' && w.value === 'generated')) {
      // `generated` may also start a column constraint (`GENERATED ...`, every part of which is optional).
      this.fail();
    } else {
      const q = this.qname();
      const last = this.t[this.i - 1];
      simple = { ...q, ...(last.kind === 'quoted' ? { doubleQuoted: true } : {}) };
    }
    let end = simple._location.end;
    let ret: Record<string, unknown> = simple;
    if (this.peek()?.kind === '(') {
      this.next();
      const config = [this.int()];
      while (this.peek()?.kind === ',') {
        this.next();
        config.push(this.int());
      }
      const close = this.punct(')');
      ret = { ...simple, config: config.map((c) => c.value) };
      end = config[config.length - 1].loc.end;
      // `timestamp(3)`, `time(3)`: the parser also tries them as the start of `timestamp(3) with time zone`, whose rule
      // gives the number the location of `(3)`; the same number is then the type's last argument, so the type ends at `)`.
      const word = this.t[this.i - 4];
      if (config.length === 1 && word?.kind === 'word' && (word.value === 'timestamp' || word.value === 'time') && simple.name === word.value && !('schema' in simple)) end = close.end;
    }
    let arrays = 0;
    if (this.is('array')) {
      end = this.next().end;
      arrays = 1;
    } else {
      while (this.peek()?.kind === '[') {
        this.next();
        end = this.punct(']').end;
        arrays++;
      }
    }
    for (let k = 0; k < arrays; k++) ret = { kind: 'array', arrayOf: ret };
    return { ...ret, _location: { start: simple._location.start, end } };
  }

  /**
   * A column's `DEFAULT` expression, of the forms this reader knows: a number, a string, `true`/`false`/`null`,
   * `current_timestamp` and its kin, a call `f(...)`/`schema.f(...)` of such arguments, a parenthesised one, each
   * optionally cast (`::type`). Its tree is not built (the extractor never reads it); its last token is returned.
   */
  private defaultExpr(): Loc {
    let loc = this.primary();
    while (this.peek()?.kind === '::') {
      this.next();
      loc = span(loc, this.dataType()._location);
    }
    return loc;
  }

  private primary(): Loc {
    const x = this.next();
    if (x.kind === 'int' || x.kind === 'float' || x.kind === 'string') return x;
    if (x.kind === 'kw') {
      if (x.value === 'true' || x.value === 'false' || x.value === 'null') return x;
      if (/^(?:current_timestamp|current_date|current_time|localtimestamp|localtime)$/.test(x.value) && this.peek()?.kind !== '(') return x;
      this.fail();
    }
    if (x.kind === '(') {
      // The grammar locates `(e)` as `e`, without its parentheses.
      const inner = this.defaultExpr();
      this.punct(')');
      return inner;
    }
    if (x.kind !== 'word') this.fail();
    // A call: `now()`, `public.uuid_generate_v4()`, `nextval('seq'::regclass)`.
    if (this.peek()?.kind === '.') {
      this.next();
      if (this.next().kind !== 'word') this.fail();
    }
    this.punct('(');
    if (this.peek()?.kind !== ')') {
      this.defaultExpr();
      while (this.peek()?.kind === ',') {
        this.next();
        this.defaultExpr();
      }
    }
    return span(x, this.punct(')'));
  }

  /**
   * `CHECK (condition)`. The condition is the parser's to read: the text from `(` to its `)`, everything else blanked
   * (so its locations are the statement's), read by the grammar's `expr_paren`, the rule a check's condition is read
   * by inside a statement. Inside its parentheses nothing outside bears on it: where it has two readings there, the
   * statement has too, and both are refused. Declined without a `parseCheck`, or where the parser refuses.
   */
  private check(): Record<string, unknown> & { _location: Loc } {
    const c = this.take('check');
    const open = this.i;
    if (this.peek()?.kind !== '(' || !this.parseCheck) this.fail();
    let depth = 0;
    let close = -1;
    for (let k = open; k < this.t.length && close === -1; k++) {
      if (this.t[k].kind === '(') depth++;
      else if (this.t[k].kind === ')' && --depth === 0) close = k;
    }
    if (close === -1) this.fail();
    const from = this.t[open].start;
    const to = this.t[close].end;
    let expr: unknown;
    try {
      expr = this.parseCheck(' '.repeat(from) + this.text.slice(from, to));
    } catch {
      this.fail();
    }
    // The rule gives `[condition]`.
    while (Array.isArray(expr) && expr.length === 1) expr = expr[0];
    if (!expr || typeof expr !== 'object' || Array.isArray(expr)) this.fail();
    this.i = close + 1;
    const end = (expr as { _location?: Loc })._location ?? c;
    return { type: 'check', expr, _location: span(c, end) };
  }

  /** `REFERENCES t (cols) [ON DELETE|UPDATE action] [MATCH ...]`: the grammar's `createtable_references`. */
  private references(): Record<string, unknown> & { _location: Loc } {
    const first = this.take('references');
    const foreignTable = this.qname();
    const foreignColumns = this.columnList();
    // The grammar locates a column list in parentheses by its names, without the `)`.
    let end: Loc = foreignColumns[foreignColumns.length - 1]._location;
    const ret: Record<string, unknown> = { foreignTable, foreignColumns };
    for (;;) {
      if (this.is('on') && (this.is('delete', 1) || this.is('update', 1))) {
        this.next();
        // The grammar locates `ON DELETE action` by `ON DELETE` (the action is a bare string).
        const which = this.next();
        end = which;
        let action: string;
        if (this.is('cascade') || this.is('restrict')) action = this.next().value;
        else if (this.is('no') && this.is('action', 1)) {
          this.next();
          this.next();
          action = 'no action';
        } else if (this.is('set') && (this.is('null', 1) || this.is('default', 1))) {
          this.next();
          action = `set ${this.next().value}`;
        } else this.fail();
        ret[which.value === 'delete' ? 'onDelete' : 'onUpdate'] = action;
      } else if (this.is('match') && (this.is('full', 1) || this.is('partial', 1) || this.is('simple', 1))) {
        this.next();
        const m = this.next();
        ret.match = m.value;
        end = m;
      } else break;
    }
    return { ...ret, _location: span(first, end) };
  }

  /** `[CONSTRAINT name]` before a constraint: the grammar's `createtable_named_constraint`. */
  private named(inner: () => Record<string, unknown> & { _location: Loc }): Record<string, unknown> & { _location: Loc } {
    const c = this.accept('constraint');
    if (!c) return inner();
    const constraintName = this.ident();
    const body = inner();
    return { constraintName, ...body, _location: span(c, body._location) };
  }

  private columnConstraint(): Record<string, unknown> & { _location: Loc } {
    const x = this.peek();
    if (!x) this.fail();
    if (this.is('unique')) {
      this.next();
      return { type: 'unique', _location: span(x, x) };
    }
    if (this.is('primary') && this.is('key', 1)) {
      this.next();
      return { type: 'primary key', _location: span(x, this.next()) };
    }
    if (this.is('not') && this.is('null', 1)) {
      this.next();
      return { type: 'not null', _location: span(x, this.next()) };
    }
    if (this.is('null')) {
      this.next();
      return { type: 'null', _location: span(x, x) };
    }
    if (this.is('default')) {
      this.next();
      return { type: 'default', _location: span(x, this.defaultExpr()) };
    }
    if (this.is('references')) return { type: 'reference', ...this.references() };
    if (this.is('check')) return this.check();
    this.fail();
  }

  /** Whether the next token may start a column constraint (else the column is over). */
  private atConstraint(): boolean {
    return ['unique', 'primary', 'not', 'null', 'default', 'references', 'constraint', 'check', 'generated', 'collate'].some((w) => this.is(w));
  }

  /** The grammar's `createtable_column`: `name type [COLLATE c] constraint*`. */
  column(): Record<string, unknown> & { _location: Loc } {
    const name = this.ident();
    const dataType = this.dataType();
    let end: Loc = dataType._location;
    const out: Record<string, unknown> = { kind: 'column', name, dataType };
    if (this.is('collate')) {
      this.next();
      const collate = this.qname();
      out.collate = collate;
      end = collate._location;
    }
    const constraints: Array<Record<string, unknown> & { _location: Loc }> = [];
    while (this.atConstraint()) {
      const c = this.named(() => this.columnConstraint());
      constraints.push(c);
      end = c._location;
    }
    if (constraints.length > 0) out.constraints = constraints;
    return { ...out, _location: span(name._location, end) };
  }

  /** A table constraint: `UNIQUE (...)`, `PRIMARY KEY (...)`, `FOREIGN KEY (...) REFERENCES ...`. */
  private tableConstraintBody(): Record<string, unknown> & { _location: Loc } {
    const x = this.peek()!;
    if (this.is('unique') || (this.is('primary') && this.is('key', 1))) {
      const type = this.is('unique') ? 'unique' : 'primary key';
      this.next();
      if (type === 'primary key') this.next();
      const columns = this.columnList();
      return { type, columns, _location: span(x, this.t[this.i - 1]) };
    }
    if (this.is('foreign') && this.is('key', 1)) {
      this.next();
      this.next();
      const localColumns = this.columnList();
      const refs = this.references();
      return { type: 'foreign key', localColumns, ...refs, _location: span(x, refs._location) };
    }
    if (this.is('check')) return this.check();
    this.fail();
  }

  tableConstraint(): Record<string, unknown> & { _location: Loc } {
    return this.named(() => this.tableConstraintBody());
  }

  /** Whether the next declaration of a `CREATE TABLE` is a table constraint (else a column). */
  private atTableConstraint(): boolean {
    return this.is('constraint') || this.is('unique') || this.is('foreign') || this.is('check') || this.is('like') || (this.is('primary') && this.is('key', 1));
  }

  /** Whether the tokens from `keyword` on also read as a column definition that ends this action (at a `,` or the end). */
  private alsoColumn(keyword: Token): boolean {
    const after = this.i;
    this.i = this.t.indexOf(keyword);
    try {
      this.column();
      return this.atEnd() || this.peek()!.kind === ',';
    } catch (e) {
      if (e instanceof Decline) return false;
      throw e;
    } finally {
      this.i = after;
    }
  }

  /** `IF NOT EXISTS`, `IF EXISTS`: whether it was there. */
  private ifNot(): boolean {
    if (!this.is('if')) return false;
    this.next();
    this.take('not');
    this.take('exists');
    return true;
  }

  private ifExists(): boolean {
    if (!this.is('if')) return false;
    this.next();
    this.take('exists');
    return true;
  }

  statement(): Record<string, unknown> {
    const first = this.peek();
    if (!first) this.fail();
    // `end`: where the statement is located to, when not at its last token (taken off the tree below).
    let st: Record<string, unknown>;
    if (this.is('create')) st = this.create();
    else if (this.is('alter')) st = this.alter();
    else if (this.is('drop')) st = this.drop();
    else this.fail();
    if (!this.atEnd()) this.fail();
    const { end, ...tree } = st;
    return { ...tree, _location: span(first, (end as Loc | undefined) ?? this.t[this.t.length - 1]) };
  }

  private create(): Record<string, unknown> {
    this.take('create');
    if (this.is('unique')) return this.createIndex();
    const modifiers: Record<string, unknown> = {};
    if (this.is('unlogged')) {
      this.next();
      modifiers.unlogged = true;
    } else {
      if (this.is('local') || this.is('global')) modifiers.locality = this.next().value;
      if (this.is('temp') || this.is('temporary')) {
        this.next();
        modifiers.temporary = true;
      }
    }
    this.take('table');
    const ifNotExists = this.ifNot();
    const name = this.qname();
    this.punct('(');
    const columns: unknown[] = [];
    const constraints: unknown[] = [];
    for (;;) {
      if (this.atTableConstraint()) constraints.push(this.tableConstraint());
      else columns.push(this.column());
      if (this.peek()?.kind === ',') this.next();
      else break;
    }
    this.punct(')');
    return {
      type: 'create table',
      ...(ifNotExists ? { ifNotExists: true } : {}),
      name,
      columns,
      ...modifiers,
      ...(constraints.length ? { constraints } : {}),
    };
  }

  /** `CREATE UNIQUE INDEX [IF NOT EXISTS] name ON t [USING m] (col, ...)`: plain columns only, no options, no `WHERE`. */
  private createIndex(): Record<string, unknown> {
    this.take('unique');
    this.take('index');
    const ifNotExists = this.ifNot();
    const indexName = this.peek()?.kind === 'word' || this.peek()?.kind === 'quoted' ? this.ident() : this.fail();
    this.take('on');
    const table = this.qname();
    let using: { name: string; _location: Loc } | undefined;
    if (this.accept('using')) using = this.ident();
    this.punct('(');
    const expressions: unknown[] = [];
    for (;;) {
      const c = this.ident();
      let end: Loc = c._location;
      let order: string | undefined;
      if (this.is('asc') || this.is('desc')) {
        const o = this.next();
        order = o.value;
        end = o;
      }
      expressions.push({ expression: { type: 'ref', ...c }, ...(order ? { order } : {}), _location: span(c._location, end) });
      if (this.peek()?.kind === ',') this.next();
      else break;
    }
    this.punct(')');
    return {
      type: 'create index',
      unique: true,
      ...(ifNotExists ? { ifNotExists: true } : {}),
      indexName,
      table,
      ...(using ? { using } : {}),
      expressions,
    };
  }

  /** `ALTER TABLE [IF EXISTS] [ONLY] t` then `ADD [COLUMN] ...`, `ADD [CONSTRAINT n] ...`, `DROP [COLUMN] ...`, comma-separated. */
  private alter(): Record<string, unknown> {
    this.take('alter');
    this.take('table');
    const ifExists = this.ifExists();
    const only = !!this.accept('only');
    const table = this.qname();
    const changes: unknown[] = [];
    for (;;) {
      changes.push(this.alterAction());
      if (this.peek()?.kind === ',') this.next();
      else break;
    }
    // The statement ends where its last change is located (`REFERENCES t (id)` without its `)`).
    const end = (changes[changes.length - 1] as { _location: Loc })._location;
    return { type: 'alter table', ...(ifExists ? { ifExists: true } : {}), ...(only ? { only: true } : {}), table, changes, end };
  }

  private alterAction(): Record<string, unknown> {
    const x = this.peek();
    if (!x) this.fail();
    if (this.is('add')) {
      this.next();
      if (this.is('constraint') || this.is('unique') || this.is('foreign') || this.is('check') || (this.is('primary') && this.is('key', 1))) {
        const constraint = this.tableConstraint();
        return { type: 'add constraint', constraint, _location: span(x, constraint._location) };
      }
      if (this.is('check')) {
        const constraint = this.tableConstraint();
        return { type: 'add constraint', constraint, _location: span(x, constraint._location) };
      }
      // A column named `column` or `if` (`ADD COLUMN column int`, `ADD COLUMN if int`) is declined: no guessing here
      // which word is which.
      if (this.is('column') && (this.is('column', 1) || (this.is('if', 1) && !(this.is('not', 2) && this.is('exists', 3))))) this.fail();
      const keyword = this.accept('column');
      const ifNotExists = this.ifNot();
      if (this.is('column') || this.is('if')) this.fail();
      const column = this.column();
      // `COLUMN` is optional, so `ADD COLUMN a b ...` may also be a column named `column` of type `a` (`ADD COLUMN
      // character varying(3)`); where that reading holds too, the parser finds two and refuses: declined.
      if (keyword && !ifNotExists && this.alsoColumn(keyword)) this.fail();
      return { type: 'add column', ...(ifNotExists ? { ifNotExists: true } : {}), column, _location: span(x, column._location) };
    }
    if (this.is('drop') && this.is('constraint', 1)) {
      this.next();
      this.next();
      const ifExists = this.ifExists();
      const constraint = this.ident();
      if (/^(?:if|restrict|cascade)$/.test(constraint.name)) this.fail();
      let end: Loc = constraint._location;
      let behaviour: string | undefined;
      if (this.is('cascade') || this.is('restrict')) {
        const b = this.next();
        behaviour = b.value;
        end = b;
      }
      return { type: 'drop constraint', ...(ifExists ? { ifExists: true } : {}), constraint, ...(behaviour ? { behaviour } : {}), _location: span(x, end) };
    }
    if (this.is('alter')) {
      this.next();
      this.accept('column');
      const column = this.ident();
      // A column named as a word of what follows (`ALTER COLUMN type TYPE int`): declined, no guessing.
      if (/^(?:column|set|drop|type|add)$/.test(column.name)) this.fail();
      const alter = this.alterColumn();
      return { type: 'alter column', column, alter, _location: span(x, alter._location) };
    }
    if (this.is('drop') && !this.is('constraint', 1)) {
      this.next();
      if (this.is('column') && (this.is('column', 1) || (this.is('if', 1) && !this.is('exists', 2)))) this.fail();
      this.accept('column');
      const ifExists = this.ifExists();
      const column = this.ident();
      // `DROP COLUMN restrict`: also a column named `column` dropped with `RESTRICT`.
      if (column.name === 'restrict' || column.name === 'cascade') this.fail();
      let end: Loc = column._location;
      let behaviour: string | undefined;
      if (this.is('cascade') || this.is('restrict')) {
        const b = this.next();
        behaviour = b.value;
        end = b;
      }
      return { type: 'drop column', ...(ifExists ? { ifExists: true } : {}), column, ...(behaviour ? { behaviour } : {}), _location: span(x, end) };
    }
    this.fail();
  }

  /** `SET NOT NULL`, `DROP NOT NULL`, `DROP DEFAULT`, `SET DEFAULT e`, `[SET DATA] TYPE t` of `ALTER [COLUMN] c`. */
  private alterColumn(): Record<string, unknown> & { _location: Loc } {
    const x = this.peek();
    if (!x) this.fail();
    if ((this.is('set') || this.is('drop')) && this.is('not', 1) && this.is('null', 2)) {
      this.next();
      this.next();
      return { type: `${x.value} not null`, _location: span(x, this.next()) };
    }
    if (this.is('drop') && this.is('default', 1)) {
      this.next();
      return { type: 'drop default', _location: span(x, this.next()) };
    }
    if (this.is('set') && this.is('default', 1)) {
      this.next();
      this.next();
      return { type: 'set default', _location: span(x, this.defaultExpr()) };
    }
    if (this.is('set') && this.is('data', 1)) {
      this.next();
      this.next();
    }
    this.take('type');
    const dataType = this.dataType();
    return { type: 'set type', dataType, _location: span(x, dataType._location) };
  }

  /** `DROP TABLE [IF EXISTS] a, b [CASCADE|RESTRICT]`. */
  private drop(): Record<string, unknown> {
    this.take('drop');
    this.take('table');
    const ifExists = this.ifExists();
    const names = [this.qname()];
    while (this.peek()?.kind === ',') {
      this.next();
      names.push(this.qname());
    }
    let cascade: string | undefined;
    if (this.is('cascade') || this.is('restrict')) cascade = this.next().value;
    return { type: 'drop table', ...(ifExists ? { ifExists: true } : {}), names, ...(cascade ? { cascade } : {}) };
  }
}

/**
 * pgsql-ast-parser's reading of a check's condition: `text` (the condition in parentheses, at its place in the
 * statement, all else blanked) read from the grammar's rule `expr_paren`, with locations. Throws where it refuses.
 */
export type CheckParser = (text: string) => unknown;

/**
 * The statements pgsql-ast-parser would read `text` as (with locations), for the DDL this reader knows; undefined
 * for anything else, which the caller gives to the parser itself.
 */
export function readDdl(text: string, parseCheck?: CheckParser): Statement[] | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  try {
    return [new Reader(text, tokens, parseCheck).statement() as unknown as Statement];
  } catch (e) {
    if (e instanceof Decline) return undefined;
    throw e;
  }
}

/**
 * Whether pgsql-ast-parser is sure to refuse `text` because a `REFERENCES t` in it names no column (PostgreSQL's
 * shorthand for the primary key, which its grammar lacks): the extractor then reads the statement with placeholders
 * inserted (`withPlaceholders`) without asking the parser first. Sure, because the grammar takes the reserved word
 * `references` only in `REFERENCES table_ref (columns)` and as a name's part after a dot; so a `references` not after
 * a dot, whose table name (either reading of `a.b`) is not followed by `(`, leaves it no reading. False where this
 * reader does not know the tokens (the parser's lexer might read them otherwise).
 */
export function bareReferenceRefused(text: string): boolean {
  const t = tokenize(text);
  if (!t) return false;
  const name = (x: Token | undefined) => x !== undefined && (x.kind === 'word' || x.kind === 'quoted' || (x.kind === 'kw' && /^(?:primary|unique|precision)$/.test(x.value)));
  for (let i = 0; i < t.length; i++) {
    if (t[i].kind !== 'kw' || t[i].value !== 'references' || t[i - 1]?.kind === '.') continue;
    const j = i + 1;
    if (t[j]?.kind === 'kw' && t[j].value === 'current_schema') {
      if (t[j + 1]?.kind !== '(') return true;
      continue;
    }
    if (!name(t[j])) return true;
    const dotted = t[j + 1]?.kind === '.' && t[j + 2] !== undefined && (name(t[j + 2]) || t[j + 2].kind === 'kw');
    if (t[j + 1]?.kind !== '(' && !(dotted && t[j + 3]?.kind === '(')) return true;
  }
  return false;
}
