import { ModifierFlags, NodeFlags, SyntaxKind } from './syntaxKinds';

/** The kinds as plain numbers: the parser compares its current token with many, and literal types would narrow it. */
const K: { readonly [name in keyof typeof SyntaxKind]: number } = SyntaxKind;

/**
 * A hand-written parser for the TypeScript and JavaScript that model files and migrations are written in, making
 * the very tree the compiler makes (the same kinds, properties, positions and literal values), so that the readers
 * read it unchanged, without loading the compiler. It knows a subset of the language: on anything else (JSX, a
 * dotted namespace name, a conditional type, a syntax error, a character outside ASCII in code) it gives up and
 * `fastParse` returns undefined, and the compiler parses the file. Giving up is always allowed; a tree that differs
 * from the compiler's never is: bench/ts-tree-equivalence.mjs compares the two trees node by node on every fixture,
 * bench workspace and real-world app, and bench/equivalence.mjs the facts.
 *
 * It follows the compiler's parser function by function where the grammar is ambiguous (arrow functions, type
 * arguments in expressions, `await`, modifiers), and gives up where the compiler would report an error.
 */
export function fastParse(text: string, js: boolean): FastSourceFile | undefined {
  return fastParseReport(text, js).tree;
}

/** `fastParse`, and where it gave up (the token it stopped at): for bench/ts-tree-equivalence.mjs. */
export function fastParseReport(text: string, js: boolean): { tree?: FastSourceFile; stoppedAt?: number } {
  const parser = new Parser(text, js);
  try {
    return { tree: parser.parseSourceFile() };
  } catch (e) {
    // Deep nesting (a RangeError) is left to the compiler too.
    if (e instanceof GiveUp || e instanceof Mismatch || e instanceof RangeError) return { stoppedAt: parser.stoppedAt() };
    throw e;
  }
}

/** The parser met something it does not know: the compiler reads the file. */
class GiveUp extends Error {}

/** A speculative parse (is this an arrow function? type arguments?) did not match: try the other reading. */
class Mismatch extends Error {}

const GIVE_UP = new GiveUp('not read by the fast parser');
const MISMATCH = new Mismatch('no match');

/** A node as the compiler's: `kind`, `pos` (with leading trivia), `end`, `flags`, and the properties of its kind. */
export class FastNode {
  // Assigned in the constructor, not initialised as class fields: a field initialiser is a call of its own on
  // each of the hundreds of thousands of nodes a scan makes (1 % of the ts1k bench's CPU).
  declare kind: number;
  declare pos: number;
  declare end: number;
  declare flags: number;
  declare parent: FastNode | undefined;
  /** Where the node's first token starts (what the compiler's `getStart` computes from `pos`). */
  declare _start: number;
  [key: string]: unknown;

  constructor(kind: number, pos: number, start: number, end: number) {
    this.kind = kind;
    this.pos = pos;
    this.end = end;
    this.flags = 0;
    this.parent = undefined;
    this._start = start;
  }

  getStart(): number {
    return this._start;
  }

  getFullStart(): number {
    return this.pos;
  }

  getEnd(): number {
    return this.end;
  }

  getText(sf?: { text: string }): string {
    return (sf ?? (this as unknown as { text: string })).text.slice(this._start, this.end);
  }
}

export interface FastSourceFile extends FastNode {
  text: string;
  statements: FastNode[];
  endOfFileToken: FastNode;
}

// ---- characters ----

const enum C {
  tab = 9,
  lf = 10,
  vt = 11,
  ff = 12,
  cr = 13,
  space = 32,
  bang = 33,
  dq = 34,
  hash = 35,
  dollar = 36,
  percent = 37,
  amp = 38,
  sq = 39,
  lparen = 40,
  rparen = 41,
  star = 42,
  plus = 43,
  comma = 44,
  minus = 45,
  dot = 46,
  slash = 47,
  _0 = 48,
  _7 = 55,
  _9 = 57,
  colon = 58,
  semi = 59,
  lt = 60,
  eq = 61,
  gt = 62,
  question = 63,
  at = 64,
  A = 65,
  Z = 90,
  lbracket = 91,
  backslash = 92,
  rbracket = 93,
  caret = 94,
  underscore = 95,
  backtick = 96,
  a = 97,
  z = 122,
  lbrace = 123,
  bar = 124,
  rbrace = 125,
  tilde = 126,
  nbsp = 0xa0,
  ls = 0x2028,
  ps = 0x2029,
  bom = 0xfeff,
}

/** ASCII name characters: 1 where a name may start (letters, `_`, `$`), 2 for digits, 0 elsewhere. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) NAME_CHAR[c] = (c >= C.a && c <= C.z) || (c >= C.A && c <= C.Z) || c === C.underscore || c === C.dollar ? 1 : c >= C._0 && c <= C._9 ? 2 : 0;
const isIdPart = (c: number) => c < 128 && NAME_CHAR[c] !== 0;
const isDigit = (c: number) => c >= C._0 && c <= C._9;

/**
 * Letters outside ASCII in names (`élèves`), in the blocks whose identifier characters have been the same for many
 * Unicode versions, so that this engine's tables and the compiler's agree (checked for every character of these
 * blocks against the compiler's `isIdentifierStart`/`isIdentifierPart`: 0 disagree): Latin-1 to Cyrillic,
 * Hiragana, Katakana, the CJK ideographs of Unicode 1.1, Hangul syllables. Anything else is left to the compiler.
 */
const UNICODE_ID_START = /\p{ID_Start}/u;
const UNICODE_ID_PART = /\p{ID_Continue}/u;
const inStableBlock = (c: number) => (c > 127 && c <= 0x52f) || (c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fa) || (c >= 0x4e00 && c <= 0x9fa5) || (c >= 0xac00 && c <= 0xd7a3);
const isUnicodeIdStart = (c: number) => inStableBlock(c) && UNICODE_ID_START.test(String.fromCharCode(c));
const isUnicodeIdPart = (c: number) => inStableBlock(c) && UNICODE_ID_PART.test(String.fromCharCode(c));

/**
 * Keyword text to its kind (`async` → AsyncKeyword), from the compiler's names. The range markers among them
 * (`FirstKeyword`, `LastContextualKeyword`) name no keyword: read as one, `FirstKeyword` made the name `first` the
 * reserved word `break`, and every file with a `const first` went to the compiler.
 */
const KEYWORDS = new Map<string, number>();
for (const [name, kind] of Object.entries(K)) {
  if (name.endsWith('Keyword') && !/^(?:First|Last)[A-Z]/.test(name) && kind >= K.FirstKeyword && kind <= K.LastKeyword) KEYWORDS.set(name.slice(0, -7).toLowerCase(), kind);
}

/** The words the compiler's scanner never gives as identifiers (its `FirstReservedWord`..`LastReservedWord`). */
const RESERVED = new Map<string, number>();
for (const [text, kind] of KEYWORDS) if (kind >= K.FirstReservedWord && kind <= K.LastReservedWord) RESERVED.set(text, kind);

/**
 * Which (first letter, length) pairs a reserved word has (`f`, 8 for `function`): the scanner looks a name up in
 * `RESERVED` only for those, so most names (`string`, `references`, `nullable`) are never hashed. Reserved words
 * are lower-case and 2 to 10 letters long.
 */
const RESERVED_SHAPE = new Uint8Array(26 * 11);
for (const text of RESERVED.keys()) RESERVED_SHAPE[(text.charCodeAt(0) - C.a) * 11 + text.length] = 1;

/** Words that start a statement the parser reads only in some forms (`declare`, modules, namespaces), or not at all. */
const UNREAD_WORDS = new Set(['declare', 'namespace', 'module', 'global']);

/** Type keywords that are a keyword type node when no `.` follows (`string`, not `string.x`). */
const TYPE_KEYWORDS = new Set(['any', 'unknown', 'string', 'number', 'bigint', 'symbol', 'boolean', 'undefined', 'never', 'object']);

/** Modifiers a class member, parameter or declaration may have, as the compiler reads them. */
const MODIFIERS = new Set(['public', 'private', 'protected', 'static', 'readonly', 'abstract', 'override', 'async', 'export', 'default', 'declare', 'const', 'accessor', 'in', 'out']);

/**
 * A table by kind (1 for each kind listed): the parser asks these for nearly every expression, and an array read
 * costs less than a `Set` lookup, most of all before the parser is optimised.
 */
function kindTable(kinds: readonly number[]): Uint8Array {
  const table = new Uint8Array(K.Count + 1);
  for (const k of kinds) table[k] = 1;
  return table;
}

const ASSIGNMENT = kindTable([
  K.EqualsToken,
  K.PlusEqualsToken,
  K.MinusEqualsToken,
  K.AsteriskEqualsToken,
  K.AsteriskAsteriskEqualsToken,
  K.SlashEqualsToken,
  K.PercentEqualsToken,
  K.LessThanLessThanEqualsToken,
  K.GreaterThanGreaterThanEqualsToken,
  K.GreaterThanGreaterThanGreaterThanEqualsToken,
  K.AmpersandEqualsToken,
  K.BarEqualsToken,
  K.CaretEqualsToken,
  K.BarBarEqualsToken,
  K.AmpersandAmpersandEqualsToken,
  K.QuestionQuestionEqualsToken,
]);

/**
 * The compiler's `getBinaryOperatorPrecedence`; -1 for a token that is no binary operator. `??` stands with `||`
 * (its `Coalesce` is `LogicalOR`): the two may not be mixed without parentheses, but the compiler's parser reads
 * `a ?? b || c` all the same (the checker reports it), as `(a ?? b) || c`.
 */
function precedence(kind: number): number {
  switch (kind) {
    case K.QuestionQuestionToken:
    case K.BarBarToken:
      return 5;
    case K.AmpersandAmpersandToken:
      return 6;
    case K.BarToken:
      return 7;
    case K.CaretToken:
      return 8;
    case K.AmpersandToken:
      return 9;
    case K.EqualsEqualsToken:
    case K.ExclamationEqualsToken:
    case K.EqualsEqualsEqualsToken:
    case K.ExclamationEqualsEqualsToken:
      return 10;
    case K.LessThanToken:
    case K.GreaterThanToken:
    case K.LessThanEqualsToken:
    case K.GreaterThanEqualsToken:
    case K.InstanceOfKeyword:
    case K.InKeyword:
    case K.AsKeyword:
    case K.SatisfiesKeyword:
      return 11;
    case K.LessThanLessThanToken:
    case K.GreaterThanGreaterThanToken:
    case K.GreaterThanGreaterThanGreaterThanToken:
      return 12;
    case K.PlusToken:
    case K.MinusToken:
      return 13;
    case K.AsteriskToken:
    case K.SlashToken:
    case K.PercentToken:
      return 14;
    case K.AsteriskAsteriskToken:
      return 15;
    default:
      return -1;
  }
}

/** Kinds a left-hand side of an assignment may have (the compiler's `isLeftHandSideExpression`, those made here). */
const LEFT_HAND_SIDE = kindTable([
  K.PropertyAccessExpression,
  K.ElementAccessExpression,
  K.NewExpression,
  K.CallExpression,
  K.TaggedTemplateExpression,
  K.ArrayLiteralExpression,
  K.ParenthesizedExpression,
  K.ObjectLiteralExpression,
  K.FunctionExpression,
  K.Identifier,
  K.RegularExpressionLiteral,
  K.NumericLiteral,
  K.StringLiteral,
  K.NoSubstitutionTemplateLiteral,
  K.TemplateExpression,
  K.FalseKeyword,
  K.NullKeyword,
  K.ThisKeyword,
  K.TrueKeyword,
  K.SuperKeyword,
  K.NonNullExpression,
  K.ImportKeyword,
]);

interface State {
  p: number;
  tok: number;
  value: string;
  raw: string;
  start: number;
  full: number;
  nl: boolean;
  prevEnd: number;
}

class Parser {
  private readonly len: number;
  /** Scan position: just after the current token. */
  private p = 0;
  /** The current token's kind (the compiler's SyntaxKind: `Identifier` for every non-reserved word). */
  private tok: number = K.Unknown;
  /** Identifier text, a literal's cooked value, a number's value. */
  private value = '';
  /** A template part's raw text. */
  private raw = '';
  /** Where the current token starts, and where its leading trivia start (the end of the token before). */
  private start = 0;
  private full = 0;
  /** Whether a line break is among the current token's leading trivia. */
  private nl = false;
  /** The end of the last token taken (`finish` gives nodes this end). */
  private prevEnd = 0;
  /** Context: inside an async function, where `await` is always an operator. */
  private inAsync = false;
  /** Context: inside a generator's body, where `yield` is always an operator. */
  private inGenerator = false;
  /** Context: `in` is not an operator (a `for` statement's initializer). */
  private disallowIn = false;
  /** Context: a decorator's expression, where `[` does not index. */
  private inDecorator = false;
  /** Context: the branch after a conditional's `?`, where an arrow function's return type is ambiguous. */
  private inConditionalTrue = 0;
  /** Context: a class's `extends` or `implements`, where `Base<T>` needs no call after it. */
  private inHeritage = false;
  /** Context: a conditional type's `extends` clause, where another conditional type needs parentheses. */
  private noConditional = false;

  constructor(
    private readonly text: string,
    private readonly js: boolean,
  ) {
    this.len = text.length;
  }

  stoppedAt(): number {
    return this.start;
  }

  // ---- scanner ----

  private save(): State {
    return { p: this.p, tok: this.tok, value: this.value, raw: this.raw, start: this.start, full: this.full, nl: this.nl, prevEnd: this.prevEnd };
  }

  private restore(s: State): void {
    this.p = s.p;
    this.tok = s.tok;
    this.value = s.value;
    this.raw = s.raw;
    this.start = s.start;
    this.full = s.full;
    this.nl = s.nl;
    this.prevEnd = s.prevEnd;
  }

  /** Moves to the next token, skipping trivia. */
  private next(): void {
    this.prevEnd = this.p;
    this.full = this.p;
    this.nl = false;
    const text = this.text;
    let p = this.p;
    for (;;) {
      if (p >= this.len) {
        this.p = this.start = p;
        this.tok = K.EndOfFileToken;
        return;
      }
      const c = text.charCodeAt(p);
      if (c === C.space || c === C.tab || c === C.vt || c === C.ff || c === C.nbsp || c === C.bom) {
        p++;
      } else if (c === C.lf || c === C.cr || c === C.ls || c === C.ps) {
        this.nl = true;
        p++;
      } else if (c === C.slash && text.charCodeAt(p + 1) === C.slash) {
        p += 2;
        while (p < this.len) {
          const d = text.charCodeAt(p);
          if (d === C.lf || d === C.cr || d === C.ls || d === C.ps) break;
          p++;
        }
      } else if (c === C.slash && text.charCodeAt(p + 1) === C.star) {
        const close = text.indexOf('*/', p + 2);
        if (close < 0) throw GIVE_UP;
        for (let i = p + 2; i < close; i++) {
          const d = text.charCodeAt(i);
          if (d === C.lf || d === C.cr || d === C.ls || d === C.ps) {
            this.nl = true;
            break;
          }
        }
        p = close + 2;
      } else if (c === C.hash && p === 0 && text.charCodeAt(1) === C.bang) {
        while (p < this.len && text.charCodeAt(p) !== C.lf && text.charCodeAt(p) !== C.cr) p++;
      } else if ((c === C.lt || c === C.eq || c === C.gt) && (p === 0 || text.charCodeAt(p - 1) === C.lf || text.charCodeAt(p - 1) === C.cr) && text.startsWith(String.fromCharCode(c).repeat(7), p)) {
        // A merge conflict marker: the compiler reads it as trivia, with an error.
        throw GIVE_UP;
      } else {
        break;
      }
    }
    this.start = p;
    this.p = p;
    this.scanToken();
  }

  private scanToken(): void {
    const text = this.text;
    const p = this.p;
    const c = text.charCodeAt(p);
    if (c < 128 ? NAME_CHAR[c] === 1 : isUnicodeIdStart(c)) {
      // The name's characters, read inline (a call per character is most of a cold scan's cost).
      const len = this.len;
      let q = p + 1;
      let d = q < len ? text.charCodeAt(q) : 0;
      while (d < 128 ? NAME_CHAR[d] !== 0 : isUnicodeIdPart(d)) d = ++q < len ? text.charCodeAt(q) : 0;
      // A character outside ASCII after a name that is not part of it: a space the compiler skips (the next token
      // reads it) or something this parser leaves to the compiler.
      if (d === C.backslash) throw GIVE_UP;
      this.p = q;
      this.value = text.slice(p, q);
      const length = q - p;
      this.tok = c >= C.a && c <= C.z && length <= 10 && RESERVED_SHAPE[(c - C.a) * 11 + length] === 1 ? (RESERVED.get(this.value) ?? K.Identifier) : K.Identifier;
      return;
    }
    if (isDigit(c) || (c === C.dot && isDigit(text.charCodeAt(p + 1)))) {
      this.scanNumber();
      return;
    }
    this.p = p + 1;
    // The two characters after, 0 past the end (no token starts with 0): a read past the end would deoptimise the
    // scanner at the end of the first file, and it is among the costliest functions to optimise again.
    const len = this.len;
    const n1 = p + 1 < len ? text.charCodeAt(p + 1) : 0;
    const n2 = p + 2 < len ? text.charCodeAt(p + 2) : 0;
    switch (c) {
      case C.lbrace:
        this.tok = K.OpenBraceToken;
        return;
      case C.rbrace:
        this.tok = K.CloseBraceToken;
        return;
      case C.lparen:
        this.tok = K.OpenParenToken;
        return;
      case C.rparen:
        this.tok = K.CloseParenToken;
        return;
      case C.lbracket:
        this.tok = K.OpenBracketToken;
        return;
      case C.rbracket:
        this.tok = K.CloseBracketToken;
        return;
      case C.semi:
        this.tok = K.SemicolonToken;
        return;
      case C.comma:
        this.tok = K.CommaToken;
        return;
      case C.colon:
        this.tok = K.ColonToken;
        return;
      case C.tilde:
        this.tok = K.TildeToken;
        return;
      case C.at:
        this.tok = K.AtToken;
        return;
      case C.dot:
        if (n1 === C.dot && n2 === C.dot) {
          this.p = p + 3;
          this.tok = K.DotDotDotToken;
        } else this.tok = K.DotToken;
        return;
      case C.question:
        if (n1 === C.dot && !isDigit(n2)) {
          this.p = p + 2;
          this.tok = K.QuestionDotToken;
        } else if (n1 === C.question) {
          if (n2 === C.eq) {
            this.p = p + 3;
            this.tok = K.QuestionQuestionEqualsToken;
          } else {
            this.p = p + 2;
            this.tok = K.QuestionQuestionToken;
          }
        } else this.tok = K.QuestionToken;
        return;
      case C.eq:
        if (n1 === C.eq) {
          if (n2 === C.eq) {
            this.p = p + 3;
            this.tok = K.EqualsEqualsEqualsToken;
          } else {
            this.p = p + 2;
            this.tok = K.EqualsEqualsToken;
          }
        } else if (n1 === C.gt) {
          this.p = p + 2;
          this.tok = K.EqualsGreaterThanToken;
        } else this.tok = K.EqualsToken;
        return;
      case C.bang:
        if (n1 === C.eq) {
          if (n2 === C.eq) {
            this.p = p + 3;
            this.tok = K.ExclamationEqualsEqualsToken;
          } else {
            this.p = p + 2;
            this.tok = K.ExclamationEqualsToken;
          }
        } else this.tok = K.ExclamationToken;
        return;
      case C.plus:
        if (n1 === C.plus) {
          this.p = p + 2;
          this.tok = K.PlusPlusToken;
        } else if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.PlusEqualsToken;
        } else this.tok = K.PlusToken;
        return;
      case C.minus:
        if (n1 === C.minus) {
          this.p = p + 2;
          this.tok = K.MinusMinusToken;
        } else if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.MinusEqualsToken;
        } else this.tok = K.MinusToken;
        return;
      case C.star:
        if (n1 === C.star) {
          if (n2 === C.eq) {
            this.p = p + 3;
            this.tok = K.AsteriskAsteriskEqualsToken;
          } else {
            this.p = p + 2;
            this.tok = K.AsteriskAsteriskToken;
          }
        } else if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.AsteriskEqualsToken;
        } else this.tok = K.AsteriskToken;
        return;
      case C.slash:
        if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.SlashEqualsToken;
        } else this.tok = K.SlashToken;
        return;
      case C.percent:
        if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.PercentEqualsToken;
        } else this.tok = K.PercentToken;
        return;
      case C.amp:
        if (n1 === C.amp) {
          if (n2 === C.eq) {
            this.p = p + 3;
            this.tok = K.AmpersandAmpersandEqualsToken;
          } else {
            this.p = p + 2;
            this.tok = K.AmpersandAmpersandToken;
          }
        } else if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.AmpersandEqualsToken;
        } else this.tok = K.AmpersandToken;
        return;
      case C.bar:
        if (n1 === C.bar) {
          if (n2 === C.eq) {
            this.p = p + 3;
            this.tok = K.BarBarEqualsToken;
          } else {
            this.p = p + 2;
            this.tok = K.BarBarToken;
          }
        } else if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.BarEqualsToken;
        } else this.tok = K.BarToken;
        return;
      case C.caret:
        if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.CaretEqualsToken;
        } else this.tok = K.CaretToken;
        return;
      case C.lt:
        if (n1 === C.lt) {
          if (n2 === C.eq) {
            this.p = p + 3;
            this.tok = K.LessThanLessThanEqualsToken;
          } else {
            this.p = p + 2;
            this.tok = K.LessThanLessThanToken;
          }
        } else if (n1 === C.eq) {
          this.p = p + 2;
          this.tok = K.LessThanEqualsToken;
        } else this.tok = K.LessThanToken;
        return;
      case C.gt:
        // Always a single `>`, as the compiler's scanner gives it; `reScanGreater` joins `>=`, `>>`, `>>>` where an
        // operator may stand.
        this.tok = K.GreaterThanToken;
        return;
      case C.sq:
      case C.dq:
        this.scanString(c);
        return;
      case C.backtick:
        this.scanTemplate(p + 1, true);
        return;
      default:
        throw GIVE_UP;
    }
  }

  /** The compiler's `reScanGreaterToken`: `>` followed at once by `>`, `>>`, `=` is one operator. */
  private reScanGreater(): number {
    if (this.tok !== K.GreaterThanToken) return this.tok;
    const text = this.text;
    const p = this.p;
    const c1 = text.charCodeAt(p);
    if (c1 === C.gt) {
      const c2 = text.charCodeAt(p + 1);
      if (c2 === C.gt) {
        if (text.charCodeAt(p + 2) === C.eq) {
          this.p = p + 3;
          return (this.tok = K.GreaterThanGreaterThanGreaterThanEqualsToken);
        }
        this.p = p + 2;
        return (this.tok = K.GreaterThanGreaterThanGreaterThanToken);
      }
      if (c2 === C.eq) {
        this.p = p + 2;
        return (this.tok = K.GreaterThanGreaterThanEqualsToken);
      }
      this.p = p + 1;
      return (this.tok = K.GreaterThanGreaterThanToken);
    }
    if (c1 === C.eq) {
      this.p = p + 1;
      return (this.tok = K.GreaterThanEqualsToken);
    }
    return this.tok;
  }

  /**
   * A number, its value as the compiler gives it (`"" + +text` with separators dropped: `1.50` is `1.5`, `0x1f`
   * is `31`; a BigInt keeps its digits and `n`). Octal, binary and legacy forms give up.
   */
  private scanNumber(): void {
    const text = this.text;
    const s = this.p;
    let p = s;
    // A plain integer of up to 15 digits (most numbers in model code) is its own value: `+text` gives it back
    // unchanged, unless it starts with 0 (`0`, `0x1f`, `017` and `0n` take the path below).
    if (text.charCodeAt(s) !== C._0) {
      let q = s;
      let d = text.charCodeAt(q);
      while (d >= C._0 && d <= C._9) d = text.charCodeAt(++q);
      if (q > s && q - s <= 15 && d !== C.dot && !(d < 128 && NAME_CHAR[d] !== 0) && d !== C.backslash && !(d > 127)) {
        this.p = q;
        this.value = text.slice(s, q);
        this.tok = K.NumericLiteral;
        return;
      }
    }
    const c1 = text.charCodeAt(p + 1);
    if (text.charCodeAt(p) === C._0 && (c1 === 120 || c1 === 88)) {
      const [digits, q] = this.digits(p + 2, true);
      if (!digits) throw GIVE_UP;
      p = q;
      if (text.charCodeAt(p) === 110) {
        this.finishNumber(p + 1, K.BigIntLiteral, `0x${digits}n`);
      } else this.finishNumber(p, K.NumericLiteral, `${+`0x${digits}`}`);
      return;
    }
    if (text.charCodeAt(p) === C._0 && (isIdPart(c1) || c1 === C.underscore) && c1 !== 110) throw GIVE_UP;
    let [main, q] = this.digits(p, false);
    p = q;
    let value = main;
    let integer = true;
    if (text.charCodeAt(p) === C.dot) {
      integer = false;
      const [fraction, r] = this.digits(p + 1, false);
      p = r;
      value += `.${fraction}`;
    }
    const e = text.charCodeAt(p);
    if (e === 69 || e === 101) {
      integer = false;
      p++;
      let sign = '';
      const c = text.charCodeAt(p);
      if (c === C.plus || c === C.minus) {
        sign = text[p];
        p++;
      }
      const [exponent, r] = this.digits(p, false);
      if (!exponent) throw GIVE_UP;
      p = r;
      value += `e${sign}${exponent}`;
    }
    if (integer && text.charCodeAt(p) === 110) {
      main = main || '0';
      this.finishNumber(p + 1, K.BigIntLiteral, `${main}n`);
      return;
    }
    this.finishNumber(p, K.NumericLiteral, `${+value}`);
  }

  /** Digits from `p`, separators (`1_000`) dropped; a separator anywhere but between two digits gives up. */
  private digits(p: number, hex: boolean): [string, number] {
    const text = this.text;
    let out = '';
    let from = p;
    for (;;) {
      const c = text.charCodeAt(p);
      if (isDigit(c) || (hex && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)))) {
        p++;
      } else if (c === C.underscore) {
        const before = text.charCodeAt(p - 1);
        const after = text.charCodeAt(p + 1);
        const isD = (x: number) => isDigit(x) || (hex && ((x >= 97 && x <= 102) || (x >= 65 && x <= 70)));
        if (p === from || !isD(before) || !isD(after)) throw GIVE_UP;
        out += text.slice(from, p);
        p++;
        from = p;
      } else break;
    }
    return [out + text.slice(from, p), p];
  }

  private finishNumber(p: number, kind: number, value: string): void {
    const after = this.text.charCodeAt(p);
    if (isIdPart(after) || after === C.backslash || after > 127) throw GIVE_UP;
    this.p = p;
    this.value = value;
    this.tok = kind;
  }

  private scanString(quote: number): void {
    const text = this.text;
    let p = this.p;
    let out = '';
    let chunk = p;
    for (;;) {
      if (p >= this.len) throw GIVE_UP;
      const c = text.charCodeAt(p);
      if (c === quote) break;
      if (c === C.lf || c === C.cr) throw GIVE_UP;
      if (c === C.backslash) {
        out += text.slice(chunk, p);
        p = this.escape(p, (s) => (out += s));
        chunk = p;
        continue;
      }
      p++;
    }
    out += text.slice(chunk, p);
    this.p = p + 1;
    this.value = out;
    this.tok = K.StringLiteral;
  }

  /**
   * One escape sequence at `p` (the backslash), its cooked value handed to `put`; returns the position after it.
   * Escapes the compiler reads with an error or as octal give up.
   */
  private escape(p: number, put: (s: string) => void): number {
    const text = this.text;
    const c = text.charCodeAt(p + 1);
    switch (c) {
      case C._0:
        if (isDigit(text.charCodeAt(p + 2))) throw GIVE_UP;
        put('\0');
        return p + 2;
      case 98:
        put('\b');
        return p + 2;
      case 116:
        put('\t');
        return p + 2;
      case 110:
        put('\n');
        return p + 2;
      case 118:
        put('\v');
        return p + 2;
      case 102:
        put('\f');
        return p + 2;
      case 114:
        put('\r');
        return p + 2;
      case C.cr:
        return text.charCodeAt(p + 2) === C.lf ? p + 3 : p + 2;
      case C.lf:
      case C.ls:
      case C.ps:
        return p + 2;
      case 120: {
        const hex = text.slice(p + 2, p + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw GIVE_UP;
        put(String.fromCharCode(parseInt(hex, 16)));
        return p + 4;
      }
      case 117: {
        const hex = text.slice(p + 2, p + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw GIVE_UP;
        put(String.fromCharCode(parseInt(hex, 16)));
        return p + 6;
      }
      default:
        if (Number.isNaN(c) || (c >= 49 && c <= 57)) throw GIVE_UP;
        put(String.fromCharCode(c));
        return p + 2;
    }
  }

  /**
   * A template part from `p` (just after the backtick or the `}`) to the next backtick (`NoSubstitutionTemplateLiteral`
   * or `TemplateTail`) or `${` (`TemplateHead` or `TemplateMiddle`). The cooked value has line breaks as `\n`.
   */
  private scanTemplate(p: number, first: boolean): void {
    const text = this.text;
    const from = p;
    let out = '';
    let chunk = p;
    for (;;) {
      if (p >= this.len) throw GIVE_UP;
      const c = text.charCodeAt(p);
      if (c === C.backtick) {
        out += text.slice(chunk, p);
        this.raw = text.slice(from, p);
        this.p = p + 1;
        this.tok = first ? K.NoSubstitutionTemplateLiteral : K.TemplateTail;
        break;
      }
      if (c === C.dollar && text.charCodeAt(p + 1) === C.lbrace) {
        out += text.slice(chunk, p);
        this.raw = text.slice(from, p);
        this.p = p + 2;
        this.tok = first ? K.TemplateHead : K.TemplateMiddle;
        break;
      }
      if (c === C.backslash) {
        out += text.slice(chunk, p);
        p = this.escape(p, (s) => (out += s));
        chunk = p;
        continue;
      }
      if (c === C.cr) {
        out += `${text.slice(chunk, p)}\n`;
        p++;
        if (text.charCodeAt(p) === C.lf) p++;
        chunk = p;
        continue;
      }
      p++;
    }
    this.value = out;
  }

  /** After a template's expression, the `}` read again as the template's continuation (the compiler's `reScanTemplateToken`). */
  private reScanTemplateContinuation(): void {
    if (this.tok !== K.CloseBraceToken) throw GIVE_UP;
    this.scanTemplate(this.start + 1, false);
  }

  /** `/` or `/=` where an expression starts, read again as a regular expression (the compiler's `reScanSlashToken`). */
  private reScanSlash(): void {
    const text = this.text;
    let p = this.start + 1;
    let inClass = false;
    for (;;) {
      if (p >= this.len) throw GIVE_UP;
      const c = text.charCodeAt(p);
      if (c === C.lf || c === C.cr || c === C.ls || c === C.ps) throw GIVE_UP;
      if (c === C.backslash) {
        p += 2;
        continue;
      }
      if (c === C.slash && !inClass) break;
      if (c === C.lbracket) inClass = true;
      else if (c === C.rbracket) inClass = false;
      p++;
    }
    p++;
    while (p < this.len && isIdPart(text.charCodeAt(p))) p++;
    const flags = text.slice(text.lastIndexOf('/', p - 1) + 1, p);
    if (!/^[dgimsuyv]*$/.test(flags) || new Set(flags).size !== flags.length) throw GIVE_UP;
    if (text.charCodeAt(p) > 127 || text.charCodeAt(p) === C.backslash) throw GIVE_UP;
    this.p = p;
    this.value = text.slice(this.start, p);
    this.tok = K.RegularExpressionLiteral;
  }

  // ---- helpers ----

  /** Whether the current token is the identifier (or contextual keyword) `word`. */
  private isWord(word: string): boolean {
    return this.tok === K.Identifier && this.value === word;
  }

  /** Identifier, or any keyword (property names, names after `.`). */
  private isIdentifierOrKeyword(): boolean {
    return this.tok === K.Identifier || (this.tok >= K.FirstKeyword && this.tok <= K.LastKeyword);
  }

  private expect(kind: number): void {
    if (this.tok !== kind) throw GIVE_UP;
    this.next();
  }

  private optional(kind: number): boolean {
    if (this.tok !== kind) return false;
    this.next();
    return true;
  }

  private node(kind: number): FastNode {
    return new FastNode(kind, this.full, this.start, this.start);
  }

  private nodeAt(kind: number, pos: number, start: number): FastNode {
    return new FastNode(kind, pos, start, start);
  }

  private finish<T extends FastNode>(n: T): T {
    n.end = this.prevEnd;
    // A node of no width (`[a, , b]`'s hole) starts where its trivia start, as the compiler's `getStart` has it.
    if (n.end === n.pos) n._start = n.pos;
    return n;
  }

  /** The current token as a token node (`=>`, `?`, an operator, a modifier keyword), and on to the next. */
  private token(kind = this.tok): FastNode {
    const n = this.node(kind);
    this.next();
    return this.finish(n);
  }

  private identifier(): FastNode {
    if (this.tok !== K.Identifier) throw GIVE_UP;
    return this.identifierName();
  }

  /** An identifier where any word may stand (after `.`, a property name). */
  private identifierName(): FastNode {
    if (!this.isIdentifierOrKeyword()) throw GIVE_UP;
    const n = this.node(K.Identifier);
    n.escapedText = this.value.startsWith('__') ? `_${this.value}` : this.value;
    n.text = this.value;
    this.next();
    return this.finish(n);
  }

  private canParseSemicolon(): boolean {
    return this.tok === K.SemicolonToken || this.tok === K.CloseBraceToken || this.tok === K.EndOfFileToken || this.nl;
  }

  private semicolon(): void {
    if (this.tok === K.SemicolonToken) this.next();
    else if (!this.canParseSemicolon()) throw GIVE_UP;
  }

  /** Runs `f` and puts the scanner back (the state kept in locals: this runs for a good share of the tokens). */
  private lookAhead<T>(f: () => T): T {
    const p = this.p;
    const tok = this.tok;
    const value = this.value;
    const raw = this.raw;
    const start = this.start;
    const full = this.full;
    const nl = this.nl;
    const prevEnd = this.prevEnd;
    try {
      return f();
    } finally {
      this.p = p;
      this.tok = tok;
      this.value = value;
      this.raw = raw;
      this.start = start;
      this.full = full;
      this.nl = nl;
      this.prevEnd = prevEnd;
    }
  }

  /** Runs `f`; on a mismatch puts the scanner back and returns undefined (the compiler's `tryParse`). */
  private tryParse<T>(f: () => T): T | undefined {
    const s = this.save();
    const ctxInAsync = this.inAsync;
    const ctxDisallowIn = this.disallowIn;
    const ctxInDecorator = this.inDecorator;
    const ctxInGenerator = this.inGenerator;
    try {
      return f();
    } catch (e) {
      if (!(e instanceof Mismatch)) throw e;
      this.restore(s);
      this.inAsync = ctxInAsync;
      this.disallowIn = ctxDisallowIn;
      this.inDecorator = ctxInDecorator;
      this.inGenerator = ctxInGenerator;
      return undefined;
    }
  }

  private literal(): FastNode {
    const n = this.node(this.tok);
    n.text = this.value;
    if (this.tok === K.NoSubstitutionTemplateLiteral) {
      n.rawText = this.raw;
      n.templateFlags = 0;
    }
    this.next();
    return this.finish(n);
  }

  // ---- source file and statements ----

  parseSourceFile(): FastSourceFile {
    this.next();
    const sf = new FastNode(K.SourceFile, 0, this.start, this.len) as FastSourceFile;
    const statements: FastNode[] = [];
    while (this.tok !== K.EndOfFileToken) statements.push(this.statement());
    const eof = this.node(K.EndOfFileToken);
    eof.end = this.len;
    sf.statements = statements;
    sf.endOfFileToken = eof;
    sf.text = this.text;
    return sf;
  }

  private block(): FastNode {
    const n = this.node(K.Block);
    this.expect(K.OpenBraceToken);
    const multiLine = this.nl;
    const statements: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      if (this.tok === K.EndOfFileToken) throw GIVE_UP;
      statements.push(this.statement());
    }
    this.next();
    n.statements = statements;
    n.multiLine = multiLine;
    return this.finish(n);
  }

  private statement(): FastNode {
    switch (this.tok) {
      case K.SemicolonToken: {
        const n = this.node(K.EmptyStatement);
        this.next();
        return this.finish(n);
      }
      case K.OpenBraceToken:
        return this.block();
      case K.VarKeyword:
        return this.variableStatement(this.full, this.start, undefined);
      case K.ConstKeyword:
        if (this.lookAhead(() => (this.next(), this.tok === K.EnumKeyword))) return this.declarationWithModifiers();
        return this.variableStatement(this.full, this.start, undefined);
      case K.FunctionKeyword:
        return this.functionDeclaration(this.full, this.start, undefined);
      case K.ClassKeyword:
        return this.classDeclaration(this.full, this.start, undefined);
      case K.IfKeyword:
        return this.ifStatement();
      case K.ReturnKeyword: {
        const n = this.node(K.ReturnStatement);
        this.next();
        n.expression = this.canParseSemicolon() ? undefined : this.expressionAllowIn();
        this.semicolon();
        return this.finish(n);
      }
      case K.ThrowKeyword: {
        const n = this.node(K.ThrowStatement);
        this.next();
        if (this.nl) throw GIVE_UP;
        n.expression = this.expressionAllowIn();
        this.semicolon();
        return this.finish(n);
      }
      case K.TryKeyword:
        return this.tryStatement();
      case K.ForKeyword:
        return this.forStatement();
      case K.WhileKeyword: {
        const n = this.node(K.WhileStatement);
        this.next();
        this.expect(K.OpenParenToken);
        n.expression = this.expressionAllowIn();
        this.expect(K.CloseParenToken);
        n.statement = this.statement();
        return this.finish(n);
      }
      case K.DoKeyword: {
        const n = this.node(K.DoStatement);
        this.next();
        n.statement = this.statement();
        this.expect(K.WhileKeyword);
        this.expect(K.OpenParenToken);
        n.expression = this.expressionAllowIn();
        this.expect(K.CloseParenToken);
        this.optional(K.SemicolonToken);
        return this.finish(n);
      }
      case K.SwitchKeyword:
        return this.switchStatement();
      case K.BreakKeyword:
      case K.ContinueKeyword: {
        const n = this.node(this.tok === K.BreakKeyword ? K.BreakStatement : K.ContinueStatement);
        this.next();
        n.label = this.canParseSemicolon() ? undefined : this.bindingIdentifier();
        this.semicolon();
        return this.finish(n);
      }
      case K.AtToken:
      case K.ExportKeyword:
        return this.declarationWithModifiers();
      case K.ImportKeyword: {
        const next = this.lookAhead(() => (this.next(), this.tok));
        if (next === K.OpenParenToken || next === K.DotToken) return this.expressionStatement();
        return this.importDeclaration();
      }
      case K.EnumKeyword:
        return this.enumDeclaration(this.full, this.start, undefined);
      case K.DebuggerKeyword:
      case K.WithKeyword:
        throw GIVE_UP;
      case K.Identifier:
        return this.identifierStatement();
      default:
        return this.expressionStatement();
    }
  }

  /** A statement that starts with a word that is not reserved: a declaration (`let`, `async function`, `type`, …) or an expression. */
  private identifierStatement(): FastNode {
    const v = this.value;
    const following = () =>
      this.lookAhead(() => {
        this.next();
        return { tok: this.tok, nl: this.nl, value: this.value };
      });
    if (v === 'yield') {
      // In a generator `yield` starts an expression; elsewhere the compiler reads it as one too, with an error.
      if (!this.inGenerator) throw GIVE_UP;
      return this.expressionStatement();
    }
    if (UNREAD_WORDS.has(v)) {
      // The compiler's `isStartOfDeclaration` for `declare`, `namespace`, `module` and `global`: `declare const`,
      // `namespace X {`, `module 'x' {`, `global {` are declarations; `module.exports = …` is an expression. What
      // this parser does not read of them is left to the compiler.
      const f = following();
      if (this.isAmbientOrModuleStart(v, f)) return this.declarationWithModifiers();
      if (v === 'global' && (f.tok === K.Identifier || f.tok === K.ExportKeyword)) throw GIVE_UP;
      if (!f.nl && (f.tok === K.Identifier || f.tok === K.StringLiteral || f.tok === K.OpenBraceToken || (f.tok >= K.FirstKeyword && f.tok <= K.LastKeyword))) throw GIVE_UP;
    }
    switch (v) {
      case 'let': {
        const f = following();
        if (f.tok === K.Identifier || f.tok === K.OpenBraceToken || f.tok === K.OpenBracketToken) return this.variableStatement(this.full, this.start, undefined);
        if (f.tok >= K.FirstKeyword) throw GIVE_UP;
        break;
      }
      case 'using':
      case 'await': {
        const f = following();
        if (v === 'using' && f.tok === K.Identifier && !f.nl) throw GIVE_UP;
        if (v === 'await' && f.tok === K.Identifier && f.value === 'using') throw GIVE_UP;
        break;
      }
      case 'async': {
        const f = following();
        if (f.tok === K.FunctionKeyword && !f.nl) return this.declarationWithModifiers();
        break;
      }
      case 'abstract': {
        const f = following();
        if (f.tok === K.ClassKeyword && !f.nl) return this.declarationWithModifiers();
        if (!f.nl && (f.tok === K.Identifier || f.tok >= K.FirstKeyword)) throw GIVE_UP;
        break;
      }
      case 'type':
      case 'interface': {
        const f = following();
        if (f.tok === K.Identifier && !f.nl) return v === 'type' ? this.typeAlias(this.full, this.start, undefined) : this.interfaceDeclaration(this.full, this.start, undefined);
        if (f.tok === K.Identifier || (f.tok >= K.FirstKeyword && f.tok <= K.LastKeyword)) throw GIVE_UP;
        break;
      }
      case 'public':
      case 'private':
      case 'protected':
      case 'static':
      case 'readonly':
      case 'override':
      case 'accessor': {
        const f = following();
        if (!f.nl && (f.tok === K.Identifier || f.tok >= K.FirstKeyword)) throw GIVE_UP;
        break;
      }
    }
    return this.expressionStatement();
  }

  /**
   * Whether `word` (`declare`, `namespace`, `module`, `global`, the current token) starts a declaration this parser
   * reads, `f` being the token after it: `declare` before a declaration on its line, `namespace X` or `module X` on
   * one line, `module 'x'` on one line, `global {`.
   */
  private isAmbientOrModuleStart(word: string, f: { tok: number; nl: boolean; value: string }): boolean {
    switch (word) {
      case 'namespace':
        return !f.nl && f.tok === K.Identifier;
      case 'module':
        return !f.nl && (f.tok === K.Identifier || f.tok === K.StringLiteral);
      case 'global':
        return f.tok === K.OpenBraceToken;
      case 'declare':
        return !f.nl && this.lookAhead(() => (this.next(), this.declarationFollows()));
      default:
        return false;
    }
  }

  /**
   * After `declare`: a declaration this parser reads starts at the current token (a variable, function, class,
   * enum, interface, type alias, module, namespace or global augmentation; `abstract class`).
   */
  private declarationFollows(): boolean {
    switch (this.tok) {
      case K.VarKeyword:
      case K.ConstKeyword:
      case K.FunctionKeyword:
      case K.ClassKeyword:
      case K.EnumKeyword:
        return true;
      case K.Identifier: {
        const v = this.value;
        if (v === 'let' || v === 'interface' || v === 'type' || v === 'abstract' || v === 'enum') {
          const f = this.lookAhead(() => (this.next(), { tok: this.tok, nl: this.nl }));
          if (v === 'abstract') return !f.nl && f.tok === K.ClassKeyword;
          return !f.nl && f.tok === K.Identifier;
        }
        if (v === 'namespace' || v === 'module' || v === 'global') {
          const f = this.lookAhead(() => (this.next(), { tok: this.tok, nl: this.nl, value: this.value }));
          return this.isAmbientOrModuleStart(v, f);
        }
        return false;
      }
      default:
        return false;
    }
  }

  /**
   * The compiler's `parseModuleDeclaration` (the current token `module`, `namespace` or `global`): `module 'x' {}`
   * (or without a body), `namespace X {}`, `global {}`. A dotted name (`namespace A.B {}`) is left to the compiler.
   */
  private moduleDeclaration(pos: number, start: number, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.ModuleDeclaration, pos, start);
    n.modifiers = modifiers;
    const word = this.value;
    if (word === 'global') {
      n.flags = NodeFlags.GlobalAugmentation;
      n.name = this.identifierName();
      if (this.tok !== K.OpenBraceToken) throw GIVE_UP;
      n.body = this.moduleBlock();
      return this.finish(n);
    }
    this.next();
    if (word === 'module' && this.tok === K.StringLiteral) {
      n.name = this.literal();
      if (this.tok === K.OpenBraceToken) n.body = this.moduleBlock();
      else {
        n.body = undefined;
        this.semicolon();
      }
      return this.finish(n);
    }
    if (word === 'namespace') n.flags = NodeFlags.Namespace;
    n.name = this.bindingIdentifier();
    if (this.tok === K.DotToken) throw GIVE_UP;
    n.body = this.moduleBlock();
    return this.finish(n);
  }

  private moduleBlock(): FastNode {
    const n = this.node(K.ModuleBlock);
    this.expect(K.OpenBraceToken);
    const statements: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      if (this.tok === K.EndOfFileToken) throw GIVE_UP;
      statements.push(this.statement());
    }
    this.next();
    n.statements = statements;
    return this.finish(n);
  }

  private expressionStatement(): FastNode {
    const n = this.node(K.ExpressionStatement);
    const e = this.expression();
    if (e.kind === K.Identifier && this.tok === K.ColonToken) {
      // `rows: for (...)`, a labelled statement (the compiler's `parseExpressionOrLabeledStatement`).
      if (e.text === 'yield' || e.text === 'await') throw GIVE_UP;
      const l = this.nodeAt(K.LabeledStatement, n.pos, n._start);
      this.next();
      l.label = e;
      l.statement = this.statement();
      return this.finish(l);
    }
    n.expression = e;
    this.semicolon();
    return this.finish(n);
  }

  /** Modifiers (and decorators) of a declaration, then the declaration. */
  private declarationWithModifiers(): FastNode {
    const pos = this.full;
    const start = this.start;
    const modifiers: FastNode[] = [];
    for (;;) {
      if (this.tok === K.AtToken) {
        modifiers.push(this.decorator());
        continue;
      }
      if (this.tok === K.ExportKeyword) {
        // `export type { A }`, `export type * from './a'` (`export` then is no modifier: the compiler's
        // `canFollowExportModifier`).
        const typeOnly = this.lookAhead(() => (this.next(), this.isWord('type') && (this.next(), this.tok === K.OpenBraceToken || this.tok === K.AsteriskToken)));
        if (typeOnly) {
          if (modifiers.length > 0) throw GIVE_UP;
          return this.exportDeclaration(pos, start);
        }
        const nextTok = this.lookAhead(() => (this.next(), this.tok));
        if (nextTok === K.OpenBraceToken || nextTok === K.AsteriskToken || nextTok === K.EqualsToken || nextTok === K.DefaultKeyword) {
          if (modifiers.length > 0) throw GIVE_UP;
          if (nextTok === K.DefaultKeyword) {
            const afterDefault = this.lookAhead(() => {
              this.next();
              this.next();
              return { tok: this.tok, value: this.value, nl: this.nl, after: (this.next(), this.tok), afterNl: this.nl };
            });
            const isDeclaration =
              afterDefault.tok === K.ClassKeyword ||
              afterDefault.tok === K.FunctionKeyword ||
              (afterDefault.tok === K.Identifier && afterDefault.value === 'async' && afterDefault.after === K.FunctionKeyword && !afterDefault.afterNl) ||
              (afterDefault.tok === K.Identifier && afterDefault.value === 'abstract' && afterDefault.after === K.ClassKeyword && !afterDefault.afterNl);
            if (afterDefault.tok === K.Identifier && (afterDefault.value === 'interface' || afterDefault.value === 'enum') && !afterDefault.afterNl) throw GIVE_UP;
            if (afterDefault.tok === K.AtToken) throw GIVE_UP;
            if (isDeclaration) {
              modifiers.push(this.token(K.ExportKeyword));
              modifiers.push(this.token(K.DefaultKeyword));
              continue;
            }
            return this.exportAssignment(pos, start, false);
          }
          if (nextTok === K.EqualsToken) return this.exportAssignment(pos, start, true);
          return this.exportDeclaration(pos, start);
        }
        modifiers.push(this.token(K.ExportKeyword));
        continue;
      }
      if (this.tok === K.ConstKeyword) {
        const isEnum = this.lookAhead(() => (this.next(), this.tok === K.EnumKeyword));
        if (isEnum) {
          modifiers.push(this.token(K.ConstKeyword));
          continue;
        }
        break;
      }
      if (this.tok === K.Identifier && (this.value === 'async' || this.value === 'abstract')) {
        const f = this.lookAhead(() => (this.next(), { tok: this.tok, nl: this.nl }));
        if (!f.nl && (f.tok === K.FunctionKeyword || f.tok === K.ClassKeyword || f.tok === K.Identifier)) {
          if (this.value === 'async' && f.tok !== K.FunctionKeyword) throw GIVE_UP;
          if (this.value === 'abstract' && f.tok !== K.ClassKeyword) throw GIVE_UP;
          modifiers.push(this.token(KEYWORDS.get(this.value)!));
          continue;
        }
        throw GIVE_UP;
      }
      if (this.tok === K.Identifier && this.value === 'declare') {
        // `declare` is a modifier only before a declaration on its line (the compiler's `nextTokenCanFollowModifier`
        // would take more, which this parser leaves to it).
        if (!this.lookAhead(() => (this.next(), !this.nl && this.declarationFollows()))) throw GIVE_UP;
        modifiers.push(this.token(K.DeclareKeyword));
        continue;
      }
      if (this.tok === K.Identifier && this.value === 'default') throw GIVE_UP;
      break;
    }
    const mods = modifiers.length > 0 ? modifiers : undefined;
    switch (this.tok) {
      case K.VarKeyword:
      case K.ConstKeyword:
        return this.variableStatement(pos, start, mods);
      case K.FunctionKeyword:
        return this.functionDeclaration(pos, start, mods);
      case K.ClassKeyword:
        return this.classDeclaration(pos, start, mods);
      case K.EnumKeyword:
        return this.enumDeclaration(pos, start, mods);
      case K.ImportKeyword:
        throw GIVE_UP;
      case K.Identifier: {
        const v = this.value;
        const f = this.lookAhead(() => (this.next(), { tok: this.tok, nl: this.nl }));
        if (v === 'let' && (f.tok === K.Identifier || f.tok === K.OpenBraceToken || f.tok === K.OpenBracketToken)) return this.variableStatement(pos, start, mods);
        if (v === 'type' && f.tok === K.Identifier && !f.nl) return this.typeAlias(pos, start, mods);
        if (v === 'interface' && f.tok === K.Identifier && !f.nl) return this.interfaceDeclaration(pos, start, mods);
        if (v === 'enum') return this.enumDeclaration(pos, start, mods);
        if (v === 'namespace' || v === 'module' || v === 'global') {
          const g = this.lookAhead(() => (this.next(), { tok: this.tok, nl: this.nl, value: this.value }));
          if (this.isAmbientOrModuleStart(v, g)) return this.moduleDeclaration(pos, start, mods);
        }
        throw GIVE_UP;
      }
      default:
        throw GIVE_UP;
    }
  }

  private decorator(): FastNode {
    const n = this.node(K.Decorator);
    this.expect(K.AtToken);
    const outer = this.inDecorator;
    this.inDecorator = true;
    try {
      const pos = this.full;
      const start = this.start;
      let e: FastNode;
      if (this.tok === K.OpenParenToken) e = this.parenthesized();
      else e = this.identifier();
      // The compiler's `parseDecoratorExpression`: a left-hand-side expression where `[` does not index.
      e = this.callRest(pos, start, e);
      n.expression = e;
    } finally {
      this.inDecorator = outer;
    }
    return this.finish(n);
  }

  private variableStatement(pos: number, start: number, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.VariableStatement, pos, start);
    n.modifiers = modifiers;
    n.declarationList = this.declarationList();
    this.semicolon();
    return this.finish(n);
  }

  private declarationList(): FastNode {
    const n = this.node(K.VariableDeclarationList);
    if (this.tok === K.VarKeyword) n.flags = NodeFlags.None;
    else if (this.tok === K.ConstKeyword) n.flags = NodeFlags.Const;
    else if (this.isWord('let')) n.flags = NodeFlags.Let;
    else throw GIVE_UP;
    this.next();
    const declarations: FastNode[] = [];
    for (;;) {
      const d = this.node(K.VariableDeclaration);
      d.name = this.bindingName();
      d.exclamationToken = d.name && (d.name as FastNode).kind === K.Identifier && this.tok === K.ExclamationToken && !this.nl ? this.token() : undefined;
      d.type = this.typeAnnotation();
      d.initializer = this.initializer();
      declarations.push(this.finish(d));
      if (!this.optional(K.CommaToken)) break;
    }
    n.declarations = declarations;
    return this.finish(n);
  }

  private initializer(): FastNode | undefined {
    if (this.tok !== K.EqualsToken) return undefined;
    this.next();
    return this.assignmentInList();
  }

  private bindingName(): FastNode {
    if (this.tok === K.OpenBraceToken) return this.objectBindingPattern();
    if (this.tok === K.OpenBracketToken) return this.arrayBindingPattern();
    return this.bindingIdentifier();
  }

  /** A name a declaration binds: an identifier that is not a reserved word, nor a word the parser leaves alone. */
  private bindingIdentifier(): FastNode {
    if (this.tok !== K.Identifier || this.value === 'yield' || this.value === 'await') throw GIVE_UP;
    return this.identifierName();
  }

  private objectBindingPattern(): FastNode {
    const n = this.node(K.ObjectBindingPattern);
    this.expect(K.OpenBraceToken);
    const elements: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      const e = this.node(K.BindingElement);
      e.dotDotDotToken = this.tok === K.DotDotDotToken ? this.token() : undefined;
      const isId = this.tok === K.Identifier;
      let propertyName: FastNode | undefined = this.propertyName();
      let name: FastNode;
      if (isId && this.tok !== K.ColonToken) {
        name = propertyName;
        propertyName = undefined;
        if (name.kind !== K.Identifier) throw GIVE_UP;
      } else {
        this.expect(K.ColonToken);
        name = this.bindingName();
      }
      e.propertyName = propertyName;
      e.name = name;
      e.initializer = this.initializer();
      elements.push(this.finish(e));
      if (!this.optional(K.CommaToken)) break;
    }
    this.expect(K.CloseBraceToken);
    n.elements = elements;
    return this.finish(n);
  }

  private arrayBindingPattern(): FastNode {
    const n = this.node(K.ArrayBindingPattern);
    this.expect(K.OpenBracketToken);
    const elements: FastNode[] = [];
    while (this.tok !== K.CloseBracketToken) {
      if (this.tok === K.CommaToken) {
        const o = this.node(K.OmittedExpression);
        elements.push(this.finish(o));
      } else {
        const e = this.node(K.BindingElement);
        e.dotDotDotToken = this.tok === K.DotDotDotToken ? this.token() : undefined;
        e.propertyName = undefined;
        e.name = this.bindingName();
        e.initializer = this.initializer();
        elements.push(this.finish(e));
      }
      if (!this.optional(K.CommaToken)) break;
    }
    this.expect(K.CloseBracketToken);
    n.elements = elements;
    return this.finish(n);
  }

  private ifStatement(): FastNode {
    const n = this.node(K.IfStatement);
    this.next();
    this.expect(K.OpenParenToken);
    n.expression = this.expressionAllowIn();
    this.expect(K.CloseParenToken);
    n.thenStatement = this.statement();
    n.elseStatement = this.optional(K.ElseKeyword) ? this.statement() : undefined;
    return this.finish(n);
  }

  private tryStatement(): FastNode {
    const n = this.node(K.TryStatement);
    this.next();
    n.tryBlock = this.block();
    n.catchClause = undefined;
    if (this.tok === K.CatchKeyword) {
      const c = this.node(K.CatchClause);
      this.next();
      if (this.optional(K.OpenParenToken)) {
        const d = this.node(K.VariableDeclaration);
        d.name = this.bindingName();
        d.exclamationToken = undefined;
        d.type = this.typeAnnotation();
        d.initializer = undefined;
        c.variableDeclaration = this.finish(d);
        this.expect(K.CloseParenToken);
      } else c.variableDeclaration = undefined;
      c.block = this.block();
      n.catchClause = this.finish(c);
    }
    n.finallyBlock = this.optional(K.FinallyKeyword) ? this.block() : undefined;
    if (!n.catchClause && !n.finallyBlock) throw GIVE_UP;
    return this.finish(n);
  }

  private forStatement(): FastNode {
    const pos = this.full;
    const start = this.start;
    this.next();
    // `for await (const x of xs)`: in an async function (elsewhere the compiler's checker reports it).
    let awaitModifier: FastNode | undefined;
    if (this.isWord('await')) {
      if (!this.inAsync) throw GIVE_UP;
      awaitModifier = this.token(K.AwaitKeyword);
    }
    this.expect(K.OpenParenToken);
    let initializer: FastNode | undefined;
    if (this.tok !== K.SemicolonToken) {
      const outer = this.disallowIn;
      this.disallowIn = true;
      try {
        if (this.tok === K.VarKeyword || this.tok === K.ConstKeyword || (this.isWord('let') && this.lookAhead(() => (this.next(), this.tok === K.Identifier || this.tok === K.OpenBraceToken || this.tok === K.OpenBracketToken)))) {
          initializer = this.declarationList();
        } else {
          // An expression (`for (i = 0, j = n; ...)`, the compiler's `disallowInAnd(parseExpression)`); a word that
          // may start a declaration (`let`, `using`, `await using`) or an `async` arrow is left to the compiler.
          if (this.isWord('let') || this.isWord('using') || this.isWord('await') || this.isWord('async')) throw GIVE_UP;
          initializer = this.expression();
        }
      } finally {
        this.disallowIn = outer;
      }
    }
    let n: FastNode;
    if (awaitModifier && !this.isWord('of')) throw GIVE_UP;
    if (this.isWord('of')) {
      n = this.nodeAt(K.ForOfStatement, pos, start);
      this.next();
      n.awaitModifier = awaitModifier;
      n.initializer = initializer;
      n.expression = this.assignmentAllowIn();
    } else if (this.tok === K.InKeyword) {
      n = this.nodeAt(K.ForInStatement, pos, start);
      this.next();
      n.initializer = initializer;
      n.expression = this.expressionAllowIn();
    } else {
      n = this.nodeAt(K.ForStatement, pos, start);
      this.expect(K.SemicolonToken);
      n.initializer = initializer;
      n.condition = this.tok !== K.SemicolonToken && this.tok !== K.CloseParenToken ? this.expressionAllowIn() : undefined;
      this.expect(K.SemicolonToken);
      n.incrementor = this.tok !== K.CloseParenToken ? this.expressionAllowIn() : undefined;
    }
    this.expect(K.CloseParenToken);
    n.statement = this.statement();
    return this.finish(n);
  }

  private switchStatement(): FastNode {
    const n = this.node(K.SwitchStatement);
    this.next();
    this.expect(K.OpenParenToken);
    n.expression = this.expressionAllowIn();
    this.expect(K.CloseParenToken);
    const cb = this.node(K.CaseBlock);
    this.expect(K.OpenBraceToken);
    const clauses: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      let c: FastNode;
      if (this.tok === K.CaseKeyword) {
        c = this.node(K.CaseClause);
        this.next();
        c.expression = this.expressionAllowIn();
      } else if (this.tok === K.DefaultKeyword) {
        c = this.node(K.DefaultClause);
        this.next();
      } else throw GIVE_UP;
      this.expect(K.ColonToken);
      const statements: FastNode[] = [];
      while (this.tok !== K.CaseKeyword && this.tok !== K.DefaultKeyword && this.tok !== K.CloseBraceToken) {
        if (this.tok === K.EndOfFileToken) throw GIVE_UP;
        statements.push(this.statement());
      }
      c.statements = statements;
      clauses.push(this.finish(c));
    }
    this.next();
    cb.clauses = clauses;
    n.caseBlock = this.finish(cb);
    return this.finish(n);
  }

  // ---- imports and exports ----

  private importDeclaration(): FastNode {
    const n = this.node(K.ImportDeclaration);
    this.next();
    n.modifiers = undefined;
    if (this.tok === K.Identifier && this.value !== 'type' && this.value !== 'defer' && this.lookAhead(() => (this.next(), this.tok === K.EqualsToken))) {
      return this.importEquals(n);
    }
    if (this.tok === K.StringLiteral) {
      n.importClause = undefined;
      n.moduleSpecifier = this.literal();
    } else {
      const clause = this.node(K.ImportClause);
      let isTypeOnly = false;
      if (this.isWord('type')) {
        const f = this.lookAhead(() => (this.next(), { tok: this.tok, value: this.value }));
        if (f.tok === K.OpenBraceToken || f.tok === K.AsteriskToken || (f.tok === K.Identifier && f.value !== 'from')) {
          isTypeOnly = true;
          this.next();
        } else if (f.tok === K.Identifier && f.value === 'from') {
          // `import type from './x'` or `import type from from './x'`: left to the compiler.
          throw GIVE_UP;
        }
      }
      if (this.isWord('defer') || this.isWord('source')) throw GIVE_UP;
      clause.isTypeOnly = isTypeOnly;
      clause.name = undefined;
      clause.namedBindings = undefined;
      if (this.tok === K.Identifier) {
        clause.name = this.bindingIdentifier();
        if (this.isWord('from')) {
          // `import x from 'm'`
        } else this.expect(K.CommaToken);
      }
      if (this.tok === K.AsteriskToken) {
        const ns = this.node(K.NamespaceImport);
        this.next();
        if (!this.isWord('as')) throw GIVE_UP;
        this.next();
        ns.name = this.bindingIdentifier();
        clause.namedBindings = this.finish(ns);
      } else if (this.tok === K.OpenBraceToken) {
        clause.namedBindings = this.namedImportsOrExports(K.NamedImports, K.ImportSpecifier);
      }
      if (!clause.name && !clause.namedBindings) throw GIVE_UP;
      n.importClause = this.finish(clause);
      if (!this.isWord('from')) throw GIVE_UP;
      this.next();
      if (this.tok !== K.StringLiteral) throw GIVE_UP;
      n.moduleSpecifier = this.literal();
    }
    if (this.isWord('with') || this.isWord('assert') || this.tok === K.WithKeyword) {
      if (!this.nl) throw GIVE_UP;
    }
    n.attributes = undefined;
    this.semicolon();
    return this.finish(n);
  }

  /**
   * `import x = require('m')` or `import x = A.B` (the compiler's `parseImportEqualsDeclaration`), `n` the node
   * begun at `import`; a module reference that is not a string is left to the compiler.
   */
  private importEquals(n: FastNode): FastNode {
    n.kind = K.ImportEqualsDeclaration;
    n.isTypeOnly = false;
    n.name = this.bindingIdentifier();
    this.expect(K.EqualsToken);
    if (this.isWord('require') && this.lookAhead(() => (this.next(), this.tok === K.OpenParenToken))) {
      const r = this.node(K.ExternalModuleReference);
      this.next();
      this.expect(K.OpenParenToken);
      if (this.tok !== K.StringLiteral) throw GIVE_UP;
      r.expression = this.literal();
      this.expect(K.CloseParenToken);
      n.moduleReference = this.finish(r);
    } else n.moduleReference = this.entityName(false);
    this.semicolon();
    return this.finish(n);
  }

  /** `{ a, b as c, type d }` of an import or an export. */
  private namedImportsOrExports(kind: number, specifierKind: number): FastNode {
    const n = this.node(kind);
    this.expect(K.OpenBraceToken);
    const elements: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      const s = this.node(specifierKind);
      let isTypeOnly = false;
      if (this.isWord('type')) {
        const f = this.lookAhead(() => (this.next(), { tok: this.tok, value: this.value, after: (this.next(), this.tok) }));
        // `type x`, but not `type`, `type as x` (a specifier named `type`), nor `type as as x`.
        if ((f.tok === K.Identifier && f.value === 'as') || f.tok === K.StringLiteral) throw GIVE_UP;
        if (f.tok === K.Identifier || (f.tok >= K.FirstKeyword && f.tok <= K.LastKeyword)) {
          isTypeOnly = true;
          this.next();
        }
      }
      s.isTypeOnly = isTypeOnly;
      const first = this.tok === K.StringLiteral ? this.literal() : this.identifierName();
      if (this.isWord('as')) {
        this.next();
        s.propertyName = first;
        s.name = this.tok === K.StringLiteral ? this.literal() : this.identifierName();
      } else {
        s.propertyName = undefined;
        s.name = first;
      }
      // An import binds its name: a reserved word or a string may not be one.
      if (specifierKind === K.ImportSpecifier && (s.name as FastNode).kind !== K.Identifier) throw GIVE_UP;
      if (specifierKind === K.ImportSpecifier && RESERVED.has((s.name as FastNode).text as string)) throw GIVE_UP;
      elements.push(this.finish(s));
      if (!this.optional(K.CommaToken)) break;
    }
    this.expect(K.CloseBraceToken);
    n.elements = elements;
    return this.finish(n);
  }

  private exportDeclaration(pos: number, start: number): FastNode {
    const n = this.nodeAt(K.ExportDeclaration, pos, start);
    this.next(); // export
    n.modifiers = undefined;
    n.isTypeOnly = this.isWord('type');
    if (n.isTypeOnly) this.next();
    if (this.tok === K.AsteriskToken) {
      // `export * as schema from './schema'`: the namespace export starts at the `*`, trivia before it included.
      const nsPos = this.full;
      const nsStart = this.start;
      this.next();
      if (this.isWord('as')) {
        const ns = this.nodeAt(K.NamespaceExport, nsPos, nsStart);
        this.next();
        if (this.tok !== K.Identifier) throw GIVE_UP;
        ns.name = this.identifierName();
        n.exportClause = this.finish(ns);
      } else n.exportClause = undefined;
      if (!this.isWord('from')) throw GIVE_UP;
      this.next();
      if (this.tok !== K.StringLiteral) throw GIVE_UP;
      n.moduleSpecifier = this.literal();
    } else {
      n.exportClause = this.namedImportsOrExports(K.NamedExports, K.ExportSpecifier);
      if (this.isWord('from') && !this.nl) {
        this.next();
        if (this.tok !== K.StringLiteral) throw GIVE_UP;
        n.moduleSpecifier = this.literal();
      } else {
        n.moduleSpecifier = undefined;
        // Without `from`, every name is a local one: a string name needs a module.
        for (const s of (n.exportClause as FastNode).elements as FastNode[]) {
          if ((s.propertyName as FastNode | undefined)?.kind === K.StringLiteral || (s.name as FastNode).kind === K.StringLiteral) throw GIVE_UP;
          if ((s.propertyName ?? s.name) && RESERVED.has(((s.propertyName ?? s.name) as FastNode).text as string)) throw GIVE_UP;
        }
      }
    }
    if (this.isWord('with') || this.isWord('assert') || this.tok === K.WithKeyword) {
      if (!this.nl) throw GIVE_UP;
    }
    n.attributes = undefined;
    this.semicolon();
    return this.finish(n);
  }

  private exportAssignment(pos: number, start: number, isExportEquals: boolean): FastNode {
    const n = this.nodeAt(K.ExportAssignment, pos, start);
    this.next(); // export
    this.next(); // default or =
    n.modifiers = undefined;
    n.isExportEquals = isExportEquals || undefined;
    n.expression = this.assignmentAllowIn();
    this.semicolon();
    return this.finish(n);
  }

  // ---- declarations ----

  private functionDeclaration(pos: number, start: number, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.FunctionDeclaration, pos, start);
    this.expect(K.FunctionKeyword);
    n.modifiers = modifiers;
    n.asteriskToken = this.tok === K.AsteriskToken ? this.token() : undefined;
    const isDefault = modifiers?.some((m) => m.kind === K.DefaultKeyword);
    n.name = this.tok === K.Identifier ? this.bindingIdentifier() : isDefault ? undefined : (() => { throw GIVE_UP; })();
    const isAsync = !!modifiers?.some((m) => m.kind === K.AsyncKeyword);
    this.signature(n, isAsync);
    n.body = this.functionBody(isAsync, true, n.asteriskToken !== undefined);
    return this.finish(n);
  }

  /** Type parameters, parameters and the return type of a function-like `n`. */
  private signature(n: FastNode, isAsync: boolean): void {
    n.typeParameters = this.typeParameters();
    const outerInAsync = this.inAsync;
    const outerInGenerator = this.inGenerator;
    this.inAsync = isAsync;
    // A generator's parameters are in its `yield` context to the compiler, where `yield` is an error: not read.
    this.inGenerator = false;
    try {
      n.parameters = this.parameters();
    } finally {
      this.inAsync = outerInAsync;
      this.inGenerator = outerInGenerator;
    }
    n.type = this.returnType();
  }

  /**
   * A function's body; with `orSemicolon`, an overload's or an abstract method's missing one. A generator's body
   * (`isGenerator`) is where `yield` is an operator.
   */
  private functionBody(isAsync: boolean, orSemicolon: boolean, isGenerator = false): FastNode | undefined {
    if (this.tok !== K.OpenBraceToken) {
      if (!orSemicolon || !this.canParseSemicolon()) throw GIVE_UP;
      this.semicolon();
      return undefined;
    }
    const outerInAsync = this.inAsync;
    const outerDisallowIn = this.disallowIn;
    const outerInDecorator = this.inDecorator;
    const outerInGenerator = this.inGenerator;
    this.inAsync = isAsync;
    this.disallowIn = false;
    this.inDecorator = false;
    this.inGenerator = isGenerator;
    try {
      return this.block();
    } finally {
      this.inAsync = outerInAsync;
      this.disallowIn = outerDisallowIn;
      this.inDecorator = outerInDecorator;
      this.inGenerator = outerInGenerator;
    }
  }

  private typeParameters(): FastNode[] | undefined {
    if (this.tok !== K.LessThanToken) return undefined;
    this.next();
    const out: FastNode[] = [];
    while (this.tok !== K.GreaterThanToken) {
      const t = this.node(K.TypeParameter);
      if (this.tok === K.ConstKeyword || this.isWord('in') || this.isWord('out')) throw GIVE_UP;
      t.modifiers = undefined;
      t.name = this.bindingIdentifier();
      t.constraint = this.optional(K.ExtendsKeyword) ? this.type() : undefined;
      t.default = this.optional(K.EqualsToken) ? this.type() : undefined;
      t.expression = undefined;
      out.push(this.finish(t));
      if (!this.optional(K.CommaToken)) break;
    }
    this.expect(K.GreaterThanToken);
    if (out.length === 0) throw GIVE_UP;
    return out;
  }

  private parameters(): FastNode[] {
    this.expect(K.OpenParenToken);
    const out: FastNode[] = [];
    while (this.tok !== K.CloseParenToken) {
      out.push(this.parameter());
      if (!this.optional(K.CommaToken)) break;
    }
    this.expect(K.CloseParenToken);
    return out;
  }

  private parameter(): FastNode {
    const p = this.node(K.Parameter);
    const modifiers: FastNode[] = [];
    for (;;) {
      if (this.tok === K.AtToken) modifiers.push(this.decorator());
      else if (this.tok === K.Identifier && MODIFIERS.has(this.value) && this.modifierFollows()) {
        if (!['public', 'private', 'protected', 'readonly', 'override'].includes(this.value)) throw GIVE_UP;
        modifiers.push(this.token(KEYWORDS.get(this.value)!));
      } else break;
    }
    p.modifiers = modifiers.length > 0 ? modifiers : undefined;
    if (this.tok === K.ThisKeyword) {
      // `this: Group`, the compiler's `this` parameter: an identifier named `this`, a type, nothing else.
      if (p.modifiers) throw GIVE_UP;
      p.dotDotDotToken = undefined;
      const id = this.node(K.Identifier);
      id.escapedText = 'this';
      id.text = 'this';
      this.next();
      p.name = this.finish(id);
      p.questionToken = undefined;
      p.type = this.typeAnnotation();
      p.initializer = undefined;
      if (this.tok === K.QuestionToken || this.tok === K.EqualsToken) throw GIVE_UP;
      return this.finish(p);
    }
    p.dotDotDotToken = this.tok === K.DotDotDotToken ? this.token() : undefined;
    p.name = this.bindingName();
    p.questionToken = this.tok === K.QuestionToken ? this.token() : undefined;
    p.type = this.typeAnnotation();
    p.initializer = this.initializer();
    return this.finish(p);
  }

  /** Whether the word at hand is a modifier here: what follows it can follow a modifier, on the same line. */
  private modifierFollows(): boolean {
    return this.lookAhead(() => {
      const word = this.value;
      this.next();
      if (word !== 'static' && this.nl) return false;
      return this.tok === K.OpenBracketToken || this.tok === K.OpenBraceToken || this.tok === K.AsteriskToken || this.tok === K.DotDotDotToken || this.isLiteralPropertyName();
    });
  }

  private isLiteralPropertyName(): boolean {
    return this.isIdentifierOrKeyword() || this.tok === K.StringLiteral || this.tok === K.NumericLiteral;
  }

  private typeAnnotation(): FastNode | undefined {
    if (this.tok !== K.ColonToken) return undefined;
    this.next();
    return this.type();
  }

  private returnType(): FastNode | undefined {
    if (this.tok !== K.ColonToken) return undefined;
    this.next();
    return this.noConditional ? this.allowConditional(() => this.typeOrPredicate()) : this.typeOrPredicate();
  }

  /** The compiler's `parseTypeOrTypePredicate`: `x is T`, else a type (`asserts x` and `this is T` among them). */
  private typeOrPredicate(): FastNode {
    if (this.tok === K.Identifier && this.lookAhead(() => (this.next(), this.isWord('is') && !this.nl))) {
      const n = this.node(K.TypePredicate);
      n.assertsModifier = undefined;
      n.parameterName = this.identifier();
      this.next(); // is
      n.type = this.type();
      return this.finish(n);
    }
    return this.type();
  }

  private classDeclaration(pos: number, start: number, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.ClassDeclaration, pos, start);
    this.expect(K.ClassKeyword);
    n.modifiers = modifiers;
    if (this.tok !== K.Identifier || this.isWord('implements')) throw GIVE_UP;
    n.name = this.bindingIdentifier();
    n.typeParameters = this.typeParameters();
    const clauses: FastNode[] = [];
    while (this.tok === K.ExtendsKeyword || this.isWord('implements')) {
      const h = this.node(K.HeritageClause);
      const token = this.tok === K.ExtendsKeyword ? K.ExtendsKeyword : K.ImplementsKeyword;
      if (clauses.some((c) => c.token === token)) throw GIVE_UP;
      this.next();
      h.token = token;
      const types: FastNode[] = [];
      for (;;) {
        types.push(this.expressionWithTypeArguments());
        if (!this.optional(K.CommaToken)) break;
      }
      if (token === K.ExtendsKeyword && types.length !== 1) throw GIVE_UP;
      h.types = types;
      clauses.push(this.finish(h));
    }
    n.heritageClauses = clauses.length > 0 ? clauses : undefined;
    this.expect(K.OpenBraceToken);
    const members: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      if (this.tok === K.EndOfFileToken) throw GIVE_UP;
      members.push(this.classElement());
    }
    this.next();
    n.members = members;
    return this.finish(n);
  }

  /** `Base<T>` after `extends` or `implements` (the compiler's `parseExpressionWithTypeArguments`). */
  private expressionWithTypeArguments(): FastNode {
    const n = this.node(K.ExpressionWithTypeArguments);
    const outer = this.inHeritage;
    this.inHeritage = true;
    let e: FastNode;
    try {
      e = this.leftHandSide();
    } finally {
      this.inHeritage = outer;
    }
    if (e.kind === K.ExpressionWithTypeArguments) return e;
    n.expression = e;
    n.typeArguments = this.tok === K.LessThanToken ? this.typeArgumentList() : undefined;
    return this.finish(n);
  }

  private classElement(): FastNode {
    if (this.tok === K.SemicolonToken) {
      const n = this.node(K.SemicolonClassElement);
      this.next();
      return this.finish(n);
    }
    const pos = this.full;
    const start = this.start;
    const modifiers: FastNode[] = [];
    for (;;) {
      if (this.tok === K.AtToken) {
        modifiers.push(this.decorator());
        continue;
      }
      if ((this.tok === K.Identifier && MODIFIERS.has(this.value)) || this.tok === K.ExportKeyword || this.tok === K.DefaultKeyword || this.tok === K.ConstKeyword || this.tok === K.InKeyword) {
        if (!this.modifierFollows()) break;
        if (this.tok !== K.Identifier || !['public', 'private', 'protected', 'static', 'readonly', 'abstract', 'override', 'async', 'declare'].includes(this.value)) throw GIVE_UP;
        if (this.value === 'static' && this.lookAhead(() => (this.next(), this.tok === K.OpenBraceToken))) throw GIVE_UP;
        modifiers.push(this.token(KEYWORDS.get(this.value)!));
        continue;
      }
      break;
    }
    const mods = modifiers.length > 0 ? modifiers : undefined;
    const isAsync = !!mods?.some((m) => m.kind === K.AsyncKeyword);
    const accessor = (this.isWord('get') || this.isWord('set')) && this.lookAhead(() => (this.next(), this.isLiteralPropertyName() || this.tok === K.OpenBracketToken ? (this.nl ? 'apart' : 'yes') : 'no'));
    if (accessor === 'apart') throw GIVE_UP;
    if (accessor === 'yes') {
      const n = this.nodeAt(this.value === 'get' ? K.GetAccessor : K.SetAccessor, pos, start);
      this.next();
      n.modifiers = mods;
      n.name = this.propertyName();
      this.signature(n, false);
      n.body = this.functionBody(false, true);
      return this.finish(n);
    }
    if (this.isWord('constructor') && this.lookAhead(() => (this.next(), this.tok === K.OpenParenToken))) {
      const n = this.nodeAt(K.Constructor, pos, start);
      this.next();
      n.modifiers = mods;
      this.signature(n, false);
      if (n.typeParameters || n.type) throw GIVE_UP;
      n.body = this.functionBody(false, true);
      return this.finish(n);
    }
    if (this.tok === K.OpenBracketToken && this.lookAhead(() => (this.next(), this.tok === K.Identifier && (this.next(), this.tok === K.ColonToken || this.tok === K.CommaToken)))) throw GIVE_UP; // an index signature
    if (this.tok === K.HashToken) throw GIVE_UP;
    // `*rows()`, a generator method (the compiler's `parsePropertyOrMethodDeclaration` takes the `*` first).
    const asteriskToken = this.tok === K.AsteriskToken ? this.token() : undefined;
    if (!this.isLiteralPropertyName() && this.tok !== K.OpenBracketToken) throw GIVE_UP;
    const name = this.propertyName();
    if ((name.kind === K.Identifier && name.text === 'constructor') || (name.kind === K.StringLiteral && name.text === 'constructor')) throw GIVE_UP;
    const questionToken = this.tok === K.QuestionToken ? this.token() : undefined;
    if (this.tok === K.OpenParenToken || this.tok === K.LessThanToken) {
      const n = this.nodeAt(K.MethodDeclaration, pos, start);
      n.modifiers = mods;
      n.asteriskToken = asteriskToken;
      n.name = name;
      n.questionToken = questionToken;
      n.exclamationToken = undefined;
      this.signature(n, isAsync);
      n.body = this.functionBody(isAsync, true, asteriskToken !== undefined);
      return this.finish(n);
    }
    if (isAsync || asteriskToken) throw GIVE_UP;
    const n = this.nodeAt(K.PropertyDeclaration, pos, start);
    n.modifiers = mods;
    n.name = name;
    n.questionToken = questionToken;
    n.exclamationToken = !questionToken && !this.nl && this.tok === K.ExclamationToken ? this.token() : undefined;
    n.type = this.typeAnnotation();
    const outerInAsync = this.inAsync;
    const outerDisallowIn = this.disallowIn;
    const outerInGenerator = this.inGenerator;
    this.inAsync = false;
    this.disallowIn = false;
    this.inGenerator = false;
    try {
      n.initializer = this.initializer();
    } finally {
      this.inAsync = outerInAsync;
      this.disallowIn = outerDisallowIn;
      this.inGenerator = outerInGenerator;
    }
    // The compiler's `parseSemicolonAfterPropertyName`.
    if (this.tok === K.SemicolonToken) this.next();
    else if (!(this.tok === K.CloseBraceToken || this.tok === K.EndOfFileToken || this.nl) || this.tok === K.AtToken) {
      if (this.tok !== K.AtToken || !this.nl) throw GIVE_UP;
    }
    return this.finish(n);
  }

  /** A property name: a word, a string, a number, or `[expression]`. */
  private propertyName(): FastNode {
    if (this.tok === K.StringLiteral || this.tok === K.NumericLiteral) return this.literal();
    if (this.tok === K.OpenBracketToken) {
      const n = this.node(K.ComputedPropertyName);
      this.next();
      const outerDisallowIn = this.disallowIn;
      const outerInDecorator = this.inDecorator;
      this.disallowIn = false;
      this.inDecorator = false;
      try {
        n.expression = this.expression();
      } finally {
        this.disallowIn = outerDisallowIn;
        this.inDecorator = outerInDecorator;
      }
      this.expect(K.CloseBracketToken);
      return this.finish(n);
    }
    return this.identifierName();
  }

  private enumDeclaration(pos: number, start: number, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.EnumDeclaration, pos, start);
    if (!this.isWord('enum') && this.tok !== K.EnumKeyword) throw GIVE_UP;
    this.next();
    n.modifiers = modifiers;
    n.name = this.bindingIdentifier();
    this.expect(K.OpenBraceToken);
    const members: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      const m = this.node(K.EnumMember);
      if (this.tok === K.StringLiteral) m.name = this.literal();
      else if (this.isIdentifierOrKeyword()) m.name = this.identifierName();
      else throw GIVE_UP;
      const outer = this.disallowIn;
      this.disallowIn = false;
      try {
        m.initializer = this.initializer();
      } finally {
        this.disallowIn = outer;
      }
      members.push(this.finish(m));
      if (!this.optional(K.CommaToken)) break;
    }
    this.expect(K.CloseBraceToken);
    n.members = members;
    return this.finish(n);
  }

  private typeAlias(pos: number, start: number, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.TypeAliasDeclaration, pos, start);
    this.next(); // type
    n.modifiers = modifiers;
    n.name = this.bindingIdentifier();
    n.typeParameters = this.typeParameters();
    this.expect(K.EqualsToken);
    if (this.isWord('intrinsic')) throw GIVE_UP;
    n.type = this.type();
    this.semicolon();
    return this.finish(n);
  }

  private interfaceDeclaration(pos: number, start: number, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.InterfaceDeclaration, pos, start);
    this.next(); // interface
    n.modifiers = modifiers;
    n.name = this.bindingIdentifier();
    n.typeParameters = this.typeParameters();
    if (this.tok === K.ExtendsKeyword) {
      const h = this.node(K.HeritageClause);
      this.next();
      h.token = K.ExtendsKeyword;
      const types: FastNode[] = [];
      for (;;) {
        types.push(this.expressionWithTypeArguments());
        if (!this.optional(K.CommaToken)) break;
      }
      h.types = types;
      n.heritageClauses = [this.finish(h)];
    } else n.heritageClauses = undefined;
    if (this.isWord('implements')) throw GIVE_UP;
    n.members = this.typeMembers();
    return this.finish(n);
  }

  // ---- types ----

  private typeMembers(): FastNode[] {
    this.expect(K.OpenBraceToken);
    const members: FastNode[] = [];
    while (this.tok !== K.CloseBraceToken) {
      if (this.tok === K.EndOfFileToken) throw GIVE_UP;
      members.push(this.typeMember());
    }
    this.next();
    return members;
  }

  /** A member of an interface or a type literal, its separator included (the compiler's `parseTypeMemberSemicolon`). */
  private typeMember(): FastNode {
    const n = this.typeMemberWithoutSeparator();
    if (!this.optional(K.CommaToken)) this.semicolon();
    return this.finish(n);
  }

  private typeMemberWithoutSeparator(): FastNode {
    const pos = this.full;
    const start = this.start;
    if (this.tok === K.OpenParenToken || this.tok === K.LessThanToken || (this.tok === K.NewKeyword && this.lookAhead(() => (this.next(), this.tok === K.OpenParenToken || this.tok === K.LessThanToken)))) {
      // `(x: T): U` and `new (x: T): U`, call and construct signatures (the compiler's `parseSignatureMember`).
      const n = this.nodeAt(this.optional(K.NewKeyword) ? K.ConstructSignature : K.CallSignature, pos, start);
      n.modifiers = undefined;
      n.typeParameters = this.typeParameters();
      n.parameters = this.parameters();
      n.type = this.returnType();
      return n;
    }
    if (this.tok === K.NewKeyword) throw GIVE_UP;
    let modifiers: FastNode[] | undefined;
    if (this.isWord('readonly') && this.modifierFollows()) modifiers = [this.token(K.ReadonlyKeyword)];
    if (this.tok === K.OpenBracketToken) {
      // The compiler's `isUnambiguouslyIndexSignature`, where it is plain; else a computed name (`[Op.and]: …`).
      const isIndex = this.lookAhead(() => {
        this.next();
        if (this.tok === K.DotDotDotToken || this.tok === K.CloseBracketToken) return 'unsure';
        if (this.tok !== K.Identifier) return 'no';
        if (MODIFIERS.has(this.value)) return 'unsure';
        this.next();
        if (this.tok === K.ColonToken) return 'yes';
        return this.tok === K.CommaToken || this.tok === K.QuestionToken ? 'unsure' : 'no';
      });
      if (isIndex === 'unsure') throw GIVE_UP;
    }
    if (this.tok === K.OpenBracketToken && this.lookAhead(() => (this.next(), this.tok === K.Identifier && (this.next(), this.tok === K.ColonToken)))) {
      const n = this.nodeAt(K.IndexSignature, pos, start);
      this.next();
      n.modifiers = modifiers;
      n.typeParameters = undefined;
      const p = this.node(K.Parameter);
      p.modifiers = undefined;
      p.dotDotDotToken = undefined;
      p.name = this.bindingIdentifier();
      p.questionToken = undefined;
      p.type = this.typeAnnotation();
      p.initializer = undefined;
      n.parameters = [this.finish(p)];
      this.expect(K.CloseBracketToken);
      n.type = this.typeAnnotation();
      if (!n.type) throw GIVE_UP;
      return this.finish(n);
    }
    if ((this.isWord('get') || this.isWord('set')) && this.lookAhead(() => (this.next(), this.isLiteralPropertyName() || this.tok === K.OpenBracketToken))) throw GIVE_UP;
    if (!this.isLiteralPropertyName() && this.tok !== K.OpenBracketToken) throw GIVE_UP;
    const name = this.propertyName();
    const questionToken = this.tok === K.QuestionToken ? this.token() : undefined;
    if (this.tok === K.OpenParenToken || this.tok === K.LessThanToken) {
      if (modifiers) throw GIVE_UP;
      const n = this.nodeAt(K.MethodSignature, pos, start);
      n.modifiers = undefined;
      n.name = name;
      n.questionToken = questionToken;
      this.signature(n, false);
      return this.finish(n);
    }
    const n = this.nodeAt(K.PropertySignature, pos, start);
    n.modifiers = modifiers;
    n.name = name;
    n.questionToken = questionToken;
    n.type = this.typeAnnotation();
    if (this.tok === K.EqualsToken) throw GIVE_UP;
    n.initializer = undefined;
    return this.finish(n);
  }

  /**
   * The compiler's `parseType`: a function or constructor type, or a union, or a conditional type `C extends E ? T :
   * F` (not in a conditional type's own `extends` clause, where `extends` is left to the caller, which gives up).
   */
  private type(): FastNode {
    // Types are read outside the decorator and `in` contexts; nearly always there is nothing to set aside.
    if (!this.inDecorator && !this.disallowIn) return this.typeInContext();
    const outerInDecorator = this.inDecorator;
    const outerDisallowIn = this.disallowIn;
    this.inDecorator = false;
    this.disallowIn = false;
    try {
      return this.typeInContext();
    } finally {
      this.inDecorator = outerInDecorator;
      this.disallowIn = outerDisallowIn;
    }
  }

  private typeInContext(): FastNode {
    if (this.isStartOfFunctionType()) return this.functionType();
    const pos = this.full;
    const start = this.start;
    const t = this.unionType();
    if (!this.nl && this.tok === K.ExtendsKeyword) {
      if (this.noConditional) throw GIVE_UP;
      const n = this.nodeAt(K.ConditionalType, pos, start);
      n.checkType = t;
      this.next();
      this.noConditional = true;
      try {
        n.extendsType = this.type();
      } finally {
        this.noConditional = false;
      }
      this.expect(K.QuestionToken);
      n.trueType = this.type();
      this.expect(K.ColonToken);
      n.falseType = this.type();
      return this.finish(n);
    }
    return t;
  }

  /** `f` with conditional types allowed again (the compiler's `allowConditionalTypesAnd`). */
  private allowConditional<T>(f: () => T): T {
    const outer = this.noConditional;
    this.noConditional = false;
    try {
      return f();
    } finally {
      this.noConditional = outer;
    }
  }

  /** The compiler's `isStartOfFunctionTypeOrConstructorType`. */
  private isStartOfFunctionType(): boolean {
    if (this.tok === K.LessThanToken || this.tok === K.NewKeyword) return true;
    if (this.isWord('abstract') && this.lookAhead(() => (this.next(), this.tok === K.NewKeyword))) return true;
    if (this.tok !== K.OpenParenToken) return false;
    // The compiler's `isUnambiguouslyStartOfFunctionType`.
    return this.lookAhead(() => {
      this.next();
      if (this.tok === K.CloseParenToken || this.tok === K.DotDotDotToken) return true;
      if (this.skipParameterStart()) {
        if (this.tok === K.ColonToken || this.tok === K.CommaToken || this.tok === K.QuestionToken || this.tok === K.EqualsToken) return true;
        if (this.tok === K.CloseParenToken) {
          this.next();
          if (this.tok === K.EqualsGreaterThanToken) return true;
        }
      }
      return false;
    });
  }

  private skipParameterStart(): boolean {
    if (this.tok === K.Identifier || this.tok === K.ThisKeyword) {
      this.next();
      return true;
    }
    if (this.tok === K.OpenBracketToken || this.tok === K.OpenBraceToken) {
      // A binding pattern: the compiler parses it and asks whether it had errors; left to it.
      throw GIVE_UP;
    }
    return false;
  }

  /**
   * The compiler's `parseFunctionOrConstructorType`: `(x: T) => U`, `<T>(x: T) => U`, `new (...args: A) => T`,
   * `abstract new () => T`.
   */
  private functionType(): FastNode {
    const n = this.node(K.FunctionType);
    n.modifiers = undefined;
    if (this.isWord('abstract')) {
      n.kind = K.ConstructorType;
      n.modifiers = [this.token(K.AbstractKeyword)];
    }
    if (this.optional(K.NewKeyword)) n.kind = K.ConstructorType;
    n.typeParameters = this.typeParameters();
    n.parameters = this.parameters();
    this.expect(K.EqualsGreaterThanToken);
    n.type = this.noConditional ? this.allowConditional(() => this.typeOrPredicate()) : this.typeOrPredicate();
    return this.finish(n);
  }

  private unionType(): FastNode {
    return this.unionOrIntersection(K.BarToken, K.UnionType, () => this.intersectionType());
  }

  private intersectionType(): FastNode {
    return this.unionOrIntersection(K.AmpersandToken, K.IntersectionType, () => this.typeOperator());
  }

  /** The compiler's `parseUnionOrIntersectionType`: a leading operator makes a list even of one type. */
  private unionOrIntersection(operator: number, kind: number, part: () => FastNode): FastNode {
    const pos = this.full;
    const start = this.start;
    const leading = this.optional(operator);
    if (leading && this.isStartOfFunctionTypeOrConstructor()) throw GIVE_UP;
    let t = part();
    if (this.tok === operator || leading) {
      const types = [t];
      while (this.optional(operator)) {
        if (this.isStartOfFunctionTypeOrConstructor()) throw GIVE_UP;
        types.push(part());
      }
      t = this.nodeAt(kind, pos, start);
      t.types = types;
      this.finish(t);
    }
    return t;
  }

  private isStartOfFunctionTypeOrConstructor(): boolean {
    return this.tok === K.LessThanToken || this.tok === K.NewKeyword || (this.tok === K.OpenParenToken && this.isStartOfFunctionType());
  }

  private typeOperator(): FastNode {
    if (this.isWord('keyof') || this.isWord('unique') || this.isWord('readonly')) {
      const n = this.node(K.TypeOperator);
      n.operator = KEYWORDS.get(this.value);
      this.next();
      n.type = this.typeOperator();
      return this.finish(n);
    }
    if (this.isWord('infer')) {
      // `infer U`; a constraint (`infer U extends string`), which the compiler reads by trying, is left to it.
      const n = this.node(K.InferType);
      this.next();
      const p = this.node(K.TypeParameter);
      p.modifiers = undefined;
      p.name = this.bindingIdentifier();
      if (this.tok === K.ExtendsKeyword) throw GIVE_UP;
      p.constraint = undefined;
      p.default = undefined;
      p.expression = undefined;
      n.typeParameter = this.finish(p);
      return this.finish(n);
    }
    return this.noConditional ? this.allowConditional(() => this.postfixType()) : this.postfixType();
  }

  private postfixType(): FastNode {
    const pos = this.full;
    const start = this.start;
    let t = this.nonArrayType();
    while (!this.nl) {
      if (this.tok === K.ExclamationToken) throw GIVE_UP;
      if (this.tok === K.QuestionToken) {
        // `x as T ? a : b` stops here; a JSDoc nullable type (`T?`) is left to the compiler.
        if (!this.lookAhead(() => (this.next(), this.isStartOfType()))) throw GIVE_UP;
        break;
      }
      if (this.tok !== K.OpenBracketToken) break;
      this.next();
      if (this.tok === K.CloseBracketToken) {
        this.next();
        const a = this.nodeAt(K.ArrayType, pos, start);
        a.elementType = t;
        t = this.finish(a);
      } else {
        const a = this.nodeAt(K.IndexedAccessType, pos, start);
        a.objectType = t;
        a.indexType = this.type();
        this.expect(K.CloseBracketToken);
        t = this.finish(a);
      }
    }
    return t;
  }

  /** A little of the compiler's `isStartOfType`, enough to tell a conditional expression's `?` from a JSDoc type's. */
  private isStartOfType(): boolean {
    switch (this.tok) {
      case K.Identifier:
      case K.StringLiteral:
      case K.NumericLiteral:
      case K.TrueKeyword:
      case K.FalseKeyword:
      case K.NullKeyword:
      case K.VoidKeyword:
      case K.ThisKeyword:
      case K.TypeOfKeyword:
      case K.OpenBraceToken:
      case K.OpenBracketToken:
      case K.LessThanToken:
      case K.BarToken:
      case K.AmpersandToken:
      case K.NewKeyword:
      case K.NoSubstitutionTemplateLiteral:
      case K.TemplateHead:
      case K.ImportKeyword:
      case K.AsteriskToken:
      case K.QuestionToken:
      case K.ExclamationToken:
      case K.DotDotDotToken:
        return true;
      case K.OpenParenToken:
      case K.MinusToken:
        throw GIVE_UP;
      default:
        return this.tok >= K.FirstKeyword && this.tok <= K.LastKeyword && !RESERVED.has(this.value);
    }
  }

  private nonArrayType(): FastNode {
    switch (this.tok) {
      case K.TemplateHead:
        return this.templateLiteralType();
      case K.StringLiteral:
      case K.NumericLiteral:
      case K.NoSubstitutionTemplateLiteral:
      case K.TrueKeyword:
      case K.FalseKeyword:
      case K.NullKeyword: {
        const n = this.node(K.LiteralType);
        n.literal = this.tok === K.StringLiteral || this.tok === K.NumericLiteral || this.tok === K.NoSubstitutionTemplateLiteral ? this.literal() : this.token();
        return this.finish(n);
      }
      case K.MinusToken: {
        // `-1`: a literal type whose literal is a prefix unary expression, both starting at the `-`.
        if (!this.lookAhead(() => (this.next(), this.tok === K.NumericLiteral))) throw GIVE_UP;
        const n = this.node(K.LiteralType);
        const minus = this.node(K.PrefixUnaryExpression);
        minus.operator = K.MinusToken;
        this.next();
        minus.operand = this.literal();
        n.literal = this.finish(minus);
        return this.finish(n);
      }
      case K.VoidKeyword:
        return this.token();
      case K.ThisKeyword: {
        const n = this.token(K.ThisType);
        if (!this.isWord('is') || this.nl) return n;
        // `this is T` (the compiler's `parseThisTypePredicate`).
        const p = this.nodeAt(K.TypePredicate, n.pos, n._start);
        this.next();
        p.assertsModifier = undefined;
        p.parameterName = n;
        p.type = this.type();
        return this.finish(p);
      }
      case K.ImportKeyword:
        return this.importType(false);
      case K.TypeOfKeyword: {
        if (this.lookAhead(() => (this.next(), this.tok === K.ImportKeyword))) return this.importType(true);
        const n = this.node(K.TypeQuery);
        this.next();
        n.exprName = this.entityName(true);
        n.typeArguments = !this.nl && this.tok === K.LessThanToken ? this.typeArgumentList() : undefined;
        return this.finish(n);
      }
      case K.OpenBraceToken: {
        const mapped = this.lookAhead(() => {
          this.next();
          if (this.tok === K.PlusToken || this.tok === K.MinusToken) return true;
          if (this.isWord('readonly')) this.next();
          if (this.tok !== K.OpenBracketToken) return false;
          this.next();
          if (this.tok !== K.Identifier) return false;
          this.next();
          return this.tok === K.InKeyword;
        });
        if (mapped) return this.mappedType();
        const n = this.node(K.TypeLiteral);
        n.members = this.typeMembers();
        return this.finish(n);
      }
      case K.OpenBracketToken: {
        const n = this.node(K.TupleType);
        this.next();
        const elements: FastNode[] = [];
        while (this.tok !== K.CloseBracketToken) {
          elements.push(this.tupleElement());
          if (!this.optional(K.CommaToken)) break;
        }
        this.expect(K.CloseBracketToken);
        n.elements = elements;
        return this.finish(n);
      }
      case K.OpenParenToken: {
        const n = this.node(K.ParenthesizedType);
        this.next();
        n.type = this.type();
        this.expect(K.CloseParenToken);
        return this.finish(n);
      }
      case K.Identifier: {
        const v = this.value;
        if (TYPE_KEYWORDS.has(v) && !this.lookAhead(() => (this.next(), this.tok === K.DotToken))) return this.token(KEYWORDS.get(v)!);
        if (v === 'asserts' && this.lookAhead(() => (this.next(), !this.nl && this.isIdentifierOrKeyword()))) {
          // `asserts x`, `asserts x is T`, `asserts this` (the compiler's `parseAssertsTypePredicate`).
          const n = this.node(K.TypePredicate);
          n.assertsModifier = this.token(K.AssertsKeyword);
          n.parameterName = this.tok === K.ThisKeyword ? this.token(K.ThisType) : this.identifier();
          n.type = this.isWord('is') ? (this.next(), this.type()) : undefined;
          return this.finish(n);
        }
        if (v === 'infer' || v === 'unique' || v === 'keyof' || v === 'readonly') throw GIVE_UP;
        return this.typeReference();
      }
      default:
        throw GIVE_UP;
    }
  }

  /** The compiler's `parseTupleElementNameOrTupleElementType`: `T`, `...T`, `name: T`, `name?: T`, `...rest: T[]`. */
  private tupleElement(): FastNode {
    const named = this.lookAhead(() => {
      if (this.tok === K.DotDotDotToken) this.next();
      if (!this.isIdentifierOrKeyword()) return false;
      this.next();
      if (this.tok === K.QuestionToken) this.next();
      return this.tok === K.ColonToken;
    });
    if (!named) return this.tupleElementType();
    const n = this.node(K.NamedTupleMember);
    n.dotDotDotToken = this.tok === K.DotDotDotToken ? this.token() : undefined;
    n.name = this.identifierName();
    n.questionToken = this.tok === K.QuestionToken ? this.token() : undefined;
    this.expect(K.ColonToken);
    n.type = this.tupleElementType();
    return this.finish(n);
  }

  /** `...T` (a `RestType`) or a type; `T?` (an `OptionalType`) is left to the compiler. */
  private tupleElementType(): FastNode {
    if (this.tok === K.DotDotDotToken) {
      const n = this.node(K.RestType);
      this.next();
      n.type = this.type();
      return this.finish(n);
    }
    const t = this.type();
    if (this.tok === K.QuestionToken) throw GIVE_UP;
    return t;
  }

  private typeReference(): FastNode {
    const n = this.node(K.TypeReference);
    n.typeName = this.entityName(false);
    n.typeArguments = !this.nl && this.tok === K.LessThanToken ? this.typeArgumentList() : undefined;
    return this.finish(n);
  }

  /**
   * `{ [K in keyof T]?: U }`, `{ -readonly [key in Flag]-?: number }`, `{ [P in keyof T as \`get${P}\`]: T[P] }` (the
   * compiler's `parseMappedType`: a `+` or `-` is the token kept, the `readonly` or `?` after it is not); members
   * after it are left to the compiler.
   */
  private mappedType(): FastNode {
    const n = this.node(K.MappedType);
    this.next();
    if (this.tok === K.PlusToken || this.tok === K.MinusToken) {
      n.readonlyToken = this.token();
      if (!this.isWord('readonly')) throw GIVE_UP;
      this.next();
    } else n.readonlyToken = this.isWord('readonly') ? this.token(K.ReadonlyKeyword) : undefined;
    this.expect(K.OpenBracketToken);
    const p = this.node(K.TypeParameter);
    p.modifiers = undefined;
    p.name = this.identifierName();
    this.expect(K.InKeyword);
    p.constraint = this.type();
    p.default = undefined;
    p.expression = undefined;
    n.typeParameter = this.finish(p);
    n.nameType = this.isWord('as') ? (this.next(), this.type()) : undefined;
    this.expect(K.CloseBracketToken);
    if (this.tok === K.PlusToken || this.tok === K.MinusToken) {
      n.questionToken = this.token();
      this.expect(K.QuestionToken);
    } else n.questionToken = this.tok === K.QuestionToken ? this.token() : undefined;
    n.type = this.optional(K.ColonToken) ? this.type() : undefined;
    this.semicolon();
    if (this.tok !== K.CloseBraceToken) throw GIVE_UP;
    this.next();
    n.members = [];
    return this.finish(n);
  }

  /**
   * `import('./user').User<T>`, `typeof import('./user')` (the compiler's `parseImportType`); import attributes
   * (`import('./a', { with: … })`) are left to the compiler.
   */
  private importType(isTypeOf: boolean): FastNode {
    const n = this.node(K.ImportType);
    if (isTypeOf) this.next();
    this.expect(K.ImportKeyword);
    this.expect(K.OpenParenToken);
    n.argument = this.type();
    if (this.tok === K.CommaToken) throw GIVE_UP;
    this.expect(K.CloseParenToken);
    n.attributes = undefined;
    n.qualifier = this.optional(K.DotToken) ? this.entityName(true) : undefined;
    n.typeArguments = !this.nl && this.tok === K.LessThanToken ? this.typeArgumentList() : undefined;
    n.isTypeOf = isTypeOf;
    return this.finish(n);
  }

  /** `a`, `a.b.c` (a `QualifiedName` per dot). */
  private entityName(allowKeywords: boolean): FastNode {
    const pos = this.full;
    const start = this.start;
    let e: FastNode = allowKeywords && this.tok === K.ThisKeyword ? this.identifierName() : this.identifier();
    while (this.tok === K.DotToken) {
      this.next();
      const q = this.nodeAt(K.QualifiedName, pos, start);
      q.left = e;
      q.right = this.identifierName();
      e = this.finish(q);
    }
    return e;
  }

  /**
   * `<T, U>`. In an expression (`inExpression`), a type followed by anything but `,` or `>` is a mismatch: the
   * compiler's list ends there too, and without its `>` the `<` is a comparison.
   */
  private typeArgumentList(inExpression = false): FastNode[] {
    this.expect(K.LessThanToken);
    const out: FastNode[] = [];
    while (this.tok !== K.GreaterThanToken) {
      out.push(this.type());
      if (!this.optional(K.CommaToken)) {
        if (this.tok !== K.GreaterThanToken && inExpression) throw MISMATCH;
        break;
      }
    }
    this.expect(K.GreaterThanToken);
    if (out.length === 0) throw GIVE_UP;
    return out;
  }

  // ---- expressions ----

  private expressionAllowIn(): FastNode {
    const outer = this.disallowIn;
    this.disallowIn = false;
    try {
      return this.expression();
    } finally {
      this.disallowIn = outer;
    }
  }

  private assignmentAllowIn(): FastNode {
    const outer = this.disallowIn;
    this.disallowIn = false;
    try {
      return this.assignmentInList();
    } finally {
      this.disallowIn = outer;
    }
  }

  /**
   * An assignment expression where the compiler passes `allowReturnTypeInArrowFunction` (an initializer, an
   * argument, an element, a property's value, a `yield`'s operand, each of a comma list): `(x): T => y` is an arrow
   * function with a return type even in a conditional's true branch.
   */
  private assignmentInList(): FastNode {
    const outer = this.inConditionalTrue;
    // Outside a conditional's true branch (nearly always) there is nothing to reset.
    if (outer === 0) return this.assignment();
    this.inConditionalTrue = 0;
    try {
      return this.assignment();
    } finally {
      this.inConditionalTrue = outer;
    }
  }

  /** Expressions separated by commas: a `BinaryExpression` with a comma operator. */
  private expression(): FastNode {
    const pos = this.full;
    const start = this.start;
    const outer = this.inDecorator;
    this.inDecorator = false;
    try {
      let e = this.assignmentInList();
      while (this.tok === K.CommaToken) {
        const b = this.nodeAt(K.BinaryExpression, pos, start);
        b.left = e;
        b.operatorToken = this.token();
        b.right = this.assignmentInList();
        e = this.finish(b);
      }
      return e;
    } finally {
      this.inDecorator = outer;
    }
  }

  /** The compiler's `parseAssignmentExpressionOrHigher`. */
  private assignment(): FastNode {
    if (this.isWord('yield')) {
      // Outside a generator the compiler reads `yield x` as a yield too, with an error: left to it.
      if (!this.inGenerator) throw GIVE_UP;
      return this.yieldExpression();
    }
    const arrow = this.tryArrowFunction();
    if (arrow) return arrow;
    const pos = this.full;
    const start = this.start;
    const e = this.binary(0, pos, start, this.unary());
    if (e.kind === K.Identifier && this.tok === K.EqualsGreaterThanToken) {
      if (this.nl) throw GIVE_UP;
      return this.simpleArrow(pos, start, e, undefined);
    }
    if (LEFT_HAND_SIDE[e.kind] === 1 && ASSIGNMENT[this.reScanGreater()] === 1) {
      const b = this.nodeAt(K.BinaryExpression, pos, start);
      b.left = e;
      b.operatorToken = this.token();
      b.right = this.assignment();
      return this.finish(b);
    }
    if (ASSIGNMENT[this.tok] === 1) throw GIVE_UP;
    return this.conditionalRest(pos, start, e);
  }

  /** The compiler's `parseYieldExpression`: `yield`, `yield x`, `yield* xs`; a line break after `yield` ends it. */
  private yieldExpression(): FastNode {
    const n = this.node(K.YieldExpression);
    this.next();
    if (!this.nl && (this.tok === K.AsteriskToken || this.isStartOfExpression())) {
      n.asteriskToken = this.tok === K.AsteriskToken ? this.token() : undefined;
      n.expression = this.assignmentInList();
    } else {
      n.asteriskToken = undefined;
      n.expression = undefined;
    }
    return this.finish(n);
  }

  private conditionalRest(pos: number, start: number, condition: FastNode): FastNode {
    if (this.tok !== K.QuestionToken) return condition;
    const n = this.nodeAt(K.ConditionalExpression, pos, start);
    n.condition = condition;
    n.questionToken = this.token();
    const outer = this.disallowIn;
    this.disallowIn = false;
    this.inConditionalTrue++;
    try {
      n.whenTrue = this.assignment();
    } finally {
      this.disallowIn = outer;
      this.inConditionalTrue--;
    }
    if (this.tok !== K.ColonToken) throw GIVE_UP;
    n.colonToken = this.token();
    n.whenFalse = this.assignment();
    return this.finish(n);
  }

  /** `x => ...` (the identifier already read), or `async x => ...` (its modifier given). */
  private simpleArrow(pos: number, start: number, param: FastNode, modifiers: FastNode[] | undefined): FastNode {
    const n = this.nodeAt(K.ArrowFunction, pos, start);
    const p = new FastNode(K.Parameter, param.pos, param._start, param.end);
    p.modifiers = undefined;
    p.dotDotDotToken = undefined;
    p.name = param;
    p.questionToken = undefined;
    p.type = undefined;
    p.initializer = undefined;
    n.modifiers = modifiers;
    n.typeParameters = undefined;
    n.parameters = [p];
    n.type = undefined;
    n.equalsGreaterThanToken = this.token();
    n.body = this.arrowBody(!!modifiers);
    return this.finish(n);
  }

  /** An arrow function starting with `(` or `async`, if one starts here (the compiler's two `tryParse…Arrow…`). */
  private tryArrowFunction(): FastNode | undefined {
    if (this.tok === K.LessThanToken) return this.genericArrow(false);
    const isAsync = this.isWord('async');
    if (isAsync) {
      const f = this.lookAhead(() => (this.next(), { tok: this.tok, nl: this.nl }));
      if (f.nl) return undefined;
      if (f.tok === K.Identifier) {
        // `async x => ...`
        const ok = this.lookAhead(() => {
          this.next();
          this.next();
          return this.tok === K.EqualsGreaterThanToken && !this.nl;
        });
        if (!ok) return undefined;
        const pos = this.full;
        const start = this.start;
        const mod = this.token(K.AsyncKeyword);
        const param = this.bindingIdentifier();
        return this.simpleArrow(pos, start, param, [mod]);
      }
      if (f.tok === K.LessThanToken) return this.genericArrow(true);
      if (f.tok !== K.OpenParenToken) return undefined;
    } else if (this.tok !== K.OpenParenToken) return undefined;
    const arrow = this.tryParse(() => this.parenthesizedArrow(isAsync));
    if (!arrow && isAsync) {
      // `async(...)` that is no arrow function: a call of a function named `async`.
      throw GIVE_UP;
    }
    return arrow;
  }

  /**
   * `<T>(x: T) => x` in a `.ts` file (in JavaScript `<` starts JSX, left to the compiler). What is no arrow
   * function there is a type assertion (`<T>x`, read by `unary`), as the compiler's
   * `isParenthesizedArrowFunctionExpressionWorker` decides: only a word after `<` may start an arrow function.
   * `<const T>` and `async <T>` are left to the compiler.
   */
  private genericArrow(isAsync: boolean): FastNode | undefined {
    if (this.js) throw GIVE_UP;
    const second = this.lookAhead(() => {
      if (isAsync) this.next();
      this.next();
      return this.tok;
    });
    if (second !== K.Identifier) {
      if (isAsync || second === K.ConstKeyword) throw GIVE_UP;
      return undefined;
    }
    const arrow = this.tryParse(() => this.parenthesizedArrow(isAsync));
    if (!arrow && isAsync) throw GIVE_UP;
    return arrow;
  }

  private parenthesizedArrow(isAsync: boolean): FastNode {
    const n = this.node(K.ArrowFunction);
    n.modifiers = isAsync ? [this.token(K.AsyncKeyword)] : undefined;
    n.typeParameters = this.tok === K.LessThanToken ? this.typeParameters() : undefined;
    // The parameter list, strictly: anything that is no parameter list is a parenthesized expression.
    if (this.tok !== K.OpenParenToken) throw MISMATCH;
    const before = this.save();
    const looksLikeParameters = this.lookAhead(() => {
      this.next();
      if (this.tok === K.CloseParenToken) return true;
      // The compiler's `isParenthesizedArrowFunctionExpressionWorker`, its `(` followed by…
      if (this.tok === K.DotDotDotToken || this.tok === K.OpenBracketToken || this.tok === K.OpenBraceToken || this.tok === K.AtToken) return 'maybe';
      if (this.tok === K.Identifier || this.tok === K.ThisKeyword) {
        this.next();
        if (this.tok === K.ColonToken || this.tok === K.CommaToken || this.tok === K.EqualsToken || this.tok === K.QuestionToken || this.tok === K.CloseParenToken) return 'maybe';
        return false;
      }
      return false;
    });
    if (!looksLikeParameters) throw MISMATCH;
    this.restore(before);
    let parameters: FastNode[];
    try {
      parameters = this.parameters();
    } catch (e) {
      if (e instanceof GiveUp) throw MISMATCH;
      throw e;
    }
    n.parameters = parameters;
    if (this.tok === K.ColonToken) {
      // In `c ? (x): y => z` the compiler weighs both readings; left to it.
      if (this.inConditionalTrue > 0) throw GIVE_UP;
      n.type = this.returnType();
    } else n.type = undefined;
    if (this.tok !== K.EqualsGreaterThanToken) throw MISMATCH;
    if (this.nl) throw GIVE_UP;
    n.equalsGreaterThanToken = this.token();
    n.body = this.arrowBody(isAsync);
    return this.finish(n);
  }

  private arrowBody(isAsync: boolean): FastNode {
    if (this.tok === K.OpenBraceToken) return this.functionBody(isAsync, false)!;
    const outerInAsync = this.inAsync;
    const outerInDecorator = this.inDecorator;
    const outerInGenerator = this.inGenerator;
    this.inAsync = isAsync;
    this.inDecorator = false;
    this.inGenerator = false;
    try {
      // A body that is an expression keeps the `in` context of where the arrow function stands.
      return this.assignment();
    } finally {
      this.inAsync = outerInAsync;
      this.inDecorator = outerInDecorator;
      this.inGenerator = outerInGenerator;
    }
  }

  /** The compiler's `parseBinaryExpressionRest`. */
  private binary(min: number, pos: number, start: number, left: FastNode): FastNode {
    for (;;) {
      const op = this.reScanGreater();
      const prec = precedence(op);
      const consume = op === K.AsteriskAsteriskToken ? prec >= min : prec > min;
      if (!consume || prec < 0) break;
      if (op === K.InKeyword && this.disallowIn) break;
      if (op === K.AsKeyword || op === K.SatisfiesKeyword) throw GIVE_UP;
      if (op === K.Identifier) break;
      const b = this.nodeAt(K.BinaryExpression, pos, start);
      b.left = left;
      b.operatorToken = this.token();
      const rpos = this.full;
      const rstart = this.start;
      b.right = this.binary(prec, rpos, rstart, this.unary());
      left = this.finish(b);
      if (op === K.AsteriskAsteriskToken && (b.left as FastNode).kind === K.PrefixUnaryExpression) throw GIVE_UP;
    }
    // `as` and `satisfies` are identifiers to the scanner here: read them at their precedence.
    if (this.tok === K.Identifier && (this.value === 'as' || this.value === 'satisfies') && !this.nl && 11 > min) {
      const kind = this.value === 'as' ? K.AsExpression : K.SatisfiesExpression;
      this.next();
      const a = this.nodeAt(kind, pos, start);
      a.expression = left;
      if (this.tok === K.ConstKeyword) {
        const t = this.node(K.TypeReference);
        const id = this.node(K.Identifier);
        id.escapedText = 'const';
        id.text = 'const';
        this.next();
        this.finish(id);
        t.typeName = id;
        t.typeArguments = undefined;
        a.type = this.finish(t);
      } else a.type = this.type();
      return this.binary(min, pos, start, this.finish(a));
    }
    return left;
  }

  /** The compiler's `parseUnaryExpressionOrHigher`. */
  private unary(): FastNode {
    const pos = this.full;
    const start = this.start;
    switch (this.tok) {
      case K.PlusToken:
      case K.MinusToken:
      case K.TildeToken:
      case K.ExclamationToken: {
        const n = this.node(K.PrefixUnaryExpression);
        n.operator = this.tok;
        this.next();
        n.operand = this.unary();
        if (this.tok === K.AsteriskAsteriskToken) throw GIVE_UP;
        return this.finish(n);
      }
      case K.DeleteKeyword:
      case K.TypeOfKeyword:
      case K.VoidKeyword: {
        const n = this.node(this.tok === K.DeleteKeyword ? K.DeleteExpression : this.tok === K.TypeOfKeyword ? K.TypeOfExpression : K.VoidExpression);
        this.next();
        n.expression = this.unary();
        if (this.tok === K.AsteriskAsteriskToken) throw GIVE_UP;
        return this.finish(n);
      }
      case K.LessThanToken: {
        // `<T>x`, a type assertion (the compiler's `parseTypeAssertion`); in JavaScript `<` starts JSX.
        if (this.js) throw GIVE_UP;
        const n = this.node(K.TypeAssertionExpression);
        this.next();
        n.type = this.type();
        this.expect(K.GreaterThanToken);
        n.expression = this.unary();
        if (this.tok === K.AsteriskAsteriskToken) throw GIVE_UP;
        return this.finish(n);
      }
      case K.PlusPlusToken:
      case K.MinusMinusToken: {
        const n = this.node(K.PrefixUnaryExpression);
        n.operator = this.tok;
        this.next();
        n.operand = this.leftHandSide();
        return this.finish(n);
      }
      case K.Identifier:
        if (this.value === 'await' && this.isAwait()) {
          const n = this.node(K.AwaitExpression);
          this.next();
          n.expression = this.unary();
          if (this.tok === K.AsteriskAsteriskToken) throw GIVE_UP;
          return this.finish(n);
        }
        break;
    }
    const e = this.leftHandSide();
    if ((this.tok === K.PlusPlusToken || this.tok === K.MinusMinusToken) && !this.nl) {
      const n = this.nodeAt(K.PostfixUnaryExpression, pos, start);
      n.operand = e;
      n.operator = this.tok;
      this.next();
      return this.finish(n);
    }
    return e;
  }

  /** The compiler's `isAwaitExpression`: always in an async function, else when a word or literal follows on the line. */
  private isAwait(): boolean {
    if (this.inAsync) return true;
    const ok = this.lookAhead(() => {
      this.next();
      return !this.nl && (this.isIdentifierOrKeyword() || this.tok === K.NumericLiteral || this.tok === K.StringLiteral || this.tok === K.NoSubstitutionTemplateLiteral);
    });
    if (!ok) throw GIVE_UP;
    return true;
  }

  /** The compiler's `parseLeftHandSideExpressionOrHigher`. */
  private leftHandSide(): FastNode {
    const pos = this.full;
    const start = this.start;
    let e: FastNode;
    if (this.tok === K.ImportKeyword) {
      const next = this.lookAhead(() => (this.next(), this.tok));
      if (next === K.DotToken) {
        // `import.meta` (a meta-property; the compiler also notes on the source file that it may hold one, a flag no
        // reader reads). `import.defer(...)` is left to the compiler.
        e = this.node(K.MetaProperty);
        this.next();
        this.next();
        if (this.value !== 'meta' || this.tok !== K.Identifier) throw GIVE_UP;
        e.keywordToken = K.ImportKeyword;
        e.name = this.identifierName();
        this.finish(e);
      } else {
        if (next !== K.OpenParenToken) throw GIVE_UP;
        e = this.token(K.ImportKeyword);
      }
    } else if (this.tok === K.SuperKeyword) {
      e = this.token(K.SuperKeyword);
      if (this.tok !== K.OpenParenToken && this.tok !== K.DotToken && this.tok !== K.OpenBracketToken) throw GIVE_UP;
    } else {
      e = this.primary();
    }
    return this.callRest(pos, start, e);
  }

  /** The compiler's `parseMemberExpressionRest`. */
  private memberRest(pos: number, start: number, e: FastNode, allowOptionalChain: boolean): FastNode {
    for (;;) {
      let questionDot: FastNode | undefined;
      let isProperty = false;
      if (allowOptionalChain && this.tok === K.QuestionDotToken && this.lookAhead(() => (this.next(), this.isIdentifierOrKeyword() || this.tok === K.OpenBracketToken || this.tok === K.NoSubstitutionTemplateLiteral || this.tok === K.TemplateHead))) {
        questionDot = this.token();
        isProperty = this.isIdentifierOrKeyword();
      } else if (this.tok === K.DotToken) {
        this.next();
        isProperty = true;
      }
      if (isProperty) {
        // `a.` at a line's end, then `b c`: the compiler makes the name missing.
        if (this.nl && this.isIdentifierOrKeyword() && this.lookAhead(() => (this.next(), !this.nl && this.isIdentifierOrKeyword()))) throw GIVE_UP;
        const n = this.nodeAt(K.PropertyAccessExpression, pos, start);
        n.expression = e;
        n.questionDotToken = questionDot;
        n.name = this.identifierName();
        if (questionDot || (e.flags & NodeFlags.OptionalChain) !== 0) n.flags = NodeFlags.OptionalChain;
        e = this.finish(n);
        continue;
      }
      if ((questionDot || !this.inDecorator) && this.tok === K.OpenBracketToken) {
        this.next();
        const n = this.nodeAt(K.ElementAccessExpression, pos, start);
        n.expression = e;
        n.questionDotToken = questionDot;
        if (this.tok === K.CloseBracketToken) throw GIVE_UP;
        n.argumentExpression = this.expressionAllowIn();
        this.expect(K.CloseBracketToken);
        if (questionDot || (e.flags & NodeFlags.OptionalChain) !== 0) n.flags = NodeFlags.OptionalChain;
        e = this.finish(n);
        continue;
      }
      if (this.tok === K.NoSubstitutionTemplateLiteral || this.tok === K.TemplateHead) {
        if (questionDot) throw GIVE_UP;
        const n = this.nodeAt(K.TaggedTemplateExpression, pos, start);
        // `sql<number>\`…\``: the type arguments go to the tagged template.
        const typed = e.kind === K.ExpressionWithTypeArguments;
        n.tag = typed ? e.expression : e;
        n.questionDotToken = undefined;
        n.typeArguments = typed ? e.typeArguments : undefined;
        n.template = this.tok === K.NoSubstitutionTemplateLiteral ? this.literal() : this.templateExpression(true);
        if ((e.flags & NodeFlags.OptionalChain) !== 0) throw GIVE_UP;
        e = this.finish(n);
        continue;
      }
      if (!questionDot) {
        if (this.tok === K.ExclamationToken && !this.nl) {
          this.next();
          const n = this.nodeAt(K.NonNullExpression, pos, start);
          n.expression = e;
          if ((e.flags & NodeFlags.OptionalChain) !== 0) n.flags = NodeFlags.OptionalChain;
          e = this.finish(n);
          continue;
        }
        if (this.tok === K.LessThanToken) {
          const typeArguments = this.typeArgumentsInExpression();
          if (typeArguments) {
            const n = this.nodeAt(K.ExpressionWithTypeArguments, pos, start);
            n.expression = e;
            n.typeArguments = typeArguments;
            e = this.finish(n);
            continue;
          }
        }
      }
      if (questionDot) throw GIVE_UP;
      return e;
    }
  }

  /**
   * The compiler's `parseTypeArgumentsInExpression`: `<T>` that a call follows (`f<T>(x)`), or in a heritage clause
   * anything `canFollowTypeArgumentsInExpression` allows; else undefined (a comparison). An instantiation expression
   * elsewhere is left to the compiler.
   */
  private typeArgumentsInExpression(): FastNode[] | undefined {
    if (this.js) return undefined;
    const s = this.save();
    const ctxInAsync = this.inAsync;
    const ctxDisallowIn = this.disallowIn;
    const ctxInDecorator = this.inDecorator;
    const ctxInHeritage = this.inHeritage;
    const ctxInConditionalTrue = this.inConditionalTrue;
    const ctxInGenerator = this.inGenerator;
    let args: FastNode[];
    try {
      args = this.typeArgumentList(true);
    } catch (e) {
      if (!(e instanceof GiveUp) && !(e instanceof Mismatch)) throw e;
      this.restore(s);
      this.inAsync = ctxInAsync;
      this.disallowIn = ctxDisallowIn;
      this.inDecorator = ctxInDecorator;
      this.inHeritage = ctxInHeritage;
      this.inConditionalTrue = ctxInConditionalTrue;
      this.inGenerator = ctxInGenerator;
      if (e instanceof Mismatch) return undefined;
      // The compiler may have read a type list here that this parser does not know (`a < -1 > (b)`): only when no
      // `>` follows before the statement ends is it surely a comparison.
      if (this.greaterThanAhead()) throw GIVE_UP;
      return undefined;
    }
    if (this.tok === K.OpenParenToken || this.tok === K.NoSubstitutionTemplateLiteral || this.tok === K.TemplateHead) return args;
    if (this.canFollowTypeArguments()) {
      if (this.inHeritage) return args;
      throw GIVE_UP;
    }
    this.restore(s);
    this.inAsync = ctxInAsync;
    this.disallowIn = ctxDisallowIn;
    this.inDecorator = ctxInDecorator;
    this.inHeritage = ctxInHeritage;
    this.inConditionalTrue = ctxInConditionalTrue;
    this.inGenerator = ctxInGenerator;
    return undefined;
  }

  /** The compiler's `canFollowTypeArgumentsInExpression`, for a token other than `(` and a template. */
  private canFollowTypeArguments(): boolean {
    switch (this.tok) {
      case K.LessThanToken:
      case K.GreaterThanToken:
      case K.PlusToken:
      case K.MinusToken:
        return false;
    }
    return this.nl || this.isBinaryOperator() || !this.isStartOfExpression();
  }

  private isBinaryOperator(): boolean {
    if (this.disallowIn && this.tok === K.InKeyword) return false;
    return precedence(this.tok) > 0 || this.isWord('as') || this.isWord('satisfies');
  }

  /** The compiler's `isStartOfExpression`. */
  private isStartOfExpression(): boolean {
    switch (this.tok) {
      case K.ThisKeyword:
      case K.SuperKeyword:
      case K.NullKeyword:
      case K.TrueKeyword:
      case K.FalseKeyword:
      case K.NumericLiteral:
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
      case K.TemplateHead:
      case K.OpenParenToken:
      case K.OpenBracketToken:
      case K.OpenBraceToken:
      case K.FunctionKeyword:
      case K.ClassKeyword:
      case K.NewKeyword:
      case K.SlashToken:
      case K.SlashEqualsToken:
      case K.Identifier:
      case K.PlusToken:
      case K.MinusToken:
      case K.TildeToken:
      case K.ExclamationToken:
      case K.DeleteKeyword:
      case K.TypeOfKeyword:
      case K.VoidKeyword:
      case K.PlusPlusToken:
      case K.MinusMinusToken:
      case K.LessThanToken:
      case K.AtToken:
        return true;
      case K.ImportKeyword:
        throw GIVE_UP;
      default:
        return this.isBinaryOperator();
    }
  }

  /**
   * Whether a `>` comes before the statement ends (a `;`, a line's end after a complete token run, a bracket closed
   * that was opened before): the tokens after a `<` the type parser could not read.
   */
  private greaterThanAhead(): boolean {
    return this.lookAhead(() => {
      let depth = 0;
      for (;;) {
        this.next();
        switch (this.tok) {
          case K.GreaterThanToken:
            if (depth === 0) return true;
            break;
          case K.OpenParenToken:
          case K.OpenBracketToken:
          case K.OpenBraceToken:
            depth++;
            break;
          case K.CloseParenToken:
          case K.CloseBracketToken:
          case K.CloseBraceToken:
            if (depth === 0) return false;
            depth--;
            break;
          case K.SemicolonToken:
            if (depth === 0) return false;
            break;
          case K.EndOfFileToken:
            return false;
        }
      }
    });
  }

  /** The compiler's `parseCallExpressionRest`. */
  private callRest(pos: number, start: number, e: FastNode): FastNode {
    for (;;) {
      e = this.memberRest(pos, start, e, true);
      let questionDot: FastNode | undefined;
      if (this.tok === K.QuestionDotToken) {
        questionDot = this.token();
        if (this.tok === K.LessThanToken) throw GIVE_UP;
        if (this.tok === K.NoSubstitutionTemplateLiteral || this.tok === K.TemplateHead) throw GIVE_UP;
      }
      if (this.tok === K.OpenParenToken) {
        let typeArguments: unknown;
        if (!questionDot && e.kind === K.ExpressionWithTypeArguments) {
          typeArguments = e.typeArguments;
          e = e.expression as FastNode;
        }
        const n = this.nodeAt(K.CallExpression, pos, start);
        n.expression = e;
        n.questionDotToken = questionDot;
        n.typeArguments = typeArguments;
        n.arguments = this.argumentList();
        if (questionDot || (e.flags & NodeFlags.OptionalChain) !== 0) n.flags = NodeFlags.OptionalChain;
        e = this.finish(n);
        continue;
      }
      if (questionDot) throw GIVE_UP;
      if (e.kind === K.ExpressionWithTypeArguments && !this.inHeritage) throw GIVE_UP;
      return e;
    }
  }

  private argumentList(): FastNode[] {
    this.expect(K.OpenParenToken);
    const outerDisallowIn = this.disallowIn;
    const outerInDecorator = this.inDecorator;
    const outerInHeritage = this.inHeritage;
    this.disallowIn = false;
    this.inDecorator = false;
    this.inHeritage = false;
    const args: FastNode[] = [];
    try {
      while (this.tok !== K.CloseParenToken) {
        if (this.tok === K.DotDotDotToken) {
          const s = this.node(K.SpreadElement);
          this.next();
          s.expression = this.assignmentInList();
          args.push(this.finish(s));
        } else args.push(this.assignmentInList());
        if (!this.optional(K.CommaToken)) break;
      }
    } finally {
      this.disallowIn = outerDisallowIn;
      this.inDecorator = outerInDecorator;
      this.inHeritage = outerInHeritage;
    }
    this.expect(K.CloseParenToken);
    return args;
  }

  /** The compiler's `parsePrimaryExpression`. */
  private primary(): FastNode {
    switch (this.tok) {
      case K.NumericLiteral:
      case K.BigIntLiteral:
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
        return this.literal();
      case K.TemplateHead:
        return this.templateExpression(false);
      case K.ThisKeyword:
      case K.NullKeyword:
      case K.TrueKeyword:
      case K.FalseKeyword:
        return this.token();
      case K.OpenParenToken:
        return this.parenthesized();
      case K.OpenBracketToken:
        return this.arrayLiteral();
      case K.OpenBraceToken:
        return this.objectLiteral();
      case K.FunctionKeyword:
        return this.functionExpression(undefined);
      case K.NewKeyword:
        return this.newExpression();
      case K.SlashToken:
      case K.SlashEqualsToken: {
        this.reScanSlash();
        return this.literal();
      }
      case K.Identifier: {
        if (this.value === 'async') {
          const f = this.lookAhead(() => (this.next(), { tok: this.tok, nl: this.nl }));
          if (f.tok === K.FunctionKeyword && !f.nl) {
            const mod = this.token(K.AsyncKeyword);
            return this.functionExpression([mod]);
          }
        }
        if (this.value === 'yield') throw GIVE_UP;
        return this.identifier();
      }
      default:
        throw GIVE_UP;
    }
  }

  private parenthesized(): FastNode {
    const n = this.node(K.ParenthesizedExpression);
    this.expect(K.OpenParenToken);
    const outerDisallowIn = this.disallowIn;
    const outerInDecorator = this.inDecorator;
    this.disallowIn = false;
    this.inDecorator = false;
    try {
      n.expression = this.expression();
    } finally {
      this.disallowIn = outerDisallowIn;
      this.inDecorator = outerInDecorator;
    }
    this.expect(K.CloseParenToken);
    return this.finish(n);
  }

  /**
   * A template literal type (`${string}.${string}`), as the compiler's `parseTemplateType`: its head, then spans of a
   * type and the literal after it, each span starting where its type's trivia starts.
   */
  private templateLiteralType(): FastNode {
    const n = this.node(K.TemplateLiteralType);
    const head = this.node(K.TemplateHead);
    head.text = this.value;
    head.rawText = this.raw;
    head.templateFlags = 0;
    this.next();
    n.head = this.finish(head);
    const spans: FastNode[] = [];
    for (;;) {
      const s = this.node(K.TemplateLiteralTypeSpan);
      s.type = this.type();
      this.reScanTemplateContinuation();
      const lit = this.node(this.tok);
      lit.text = this.value;
      lit.rawText = this.raw;
      lit.templateFlags = 0;
      const isTail = this.tok === K.TemplateTail;
      this.next();
      s.literal = this.finish(lit);
      spans.push(this.finish(s));
      if (isTail) break;
    }
    n.templateSpans = spans;
    return this.finish(n);
  }

  private templateExpression(tagged: boolean): FastNode {
    void tagged;
    const n = this.node(K.TemplateExpression);
    const head = this.node(K.TemplateHead);
    head.text = this.value;
    head.rawText = this.raw;
    head.templateFlags = 0;
    this.next();
    n.head = this.finish(head);
    const spans: FastNode[] = [];
    for (;;) {
      const s = this.node(K.TemplateSpan);
      const outerDisallowIn = this.disallowIn;
      const outerInDecorator = this.inDecorator;
      this.disallowIn = false;
      this.inDecorator = false;
      try {
        s.expression = this.expression();
      } finally {
        this.disallowIn = outerDisallowIn;
        this.inDecorator = outerInDecorator;
      }
      this.reScanTemplateContinuation();
      const lit = this.node(this.tok);
      lit.text = this.value;
      lit.rawText = this.raw;
      lit.templateFlags = 0;
      const isTail = this.tok === K.TemplateTail;
      this.next();
      s.literal = this.finish(lit);
      spans.push(this.finish(s));
      if (isTail) break;
    }
    n.templateSpans = spans;
    return this.finish(n);
  }

  private arrayLiteral(): FastNode {
    const n = this.node(K.ArrayLiteralExpression);
    this.expect(K.OpenBracketToken);
    const multiLine = this.nl;
    const outerDisallowIn = this.disallowIn;
    const outerInDecorator = this.inDecorator;
    this.disallowIn = false;
    this.inDecorator = false;
    const elements: FastNode[] = [];
    try {
      while (this.tok !== K.CloseBracketToken) {
        if (this.tok === K.CommaToken) {
          const o = this.node(K.OmittedExpression);
          elements.push(this.finish(o));
        } else if (this.tok === K.DotDotDotToken) {
          const s = this.node(K.SpreadElement);
          this.next();
          s.expression = this.assignmentInList();
          elements.push(this.finish(s));
        } else elements.push(this.assignmentInList());
        if (!this.optional(K.CommaToken)) break;
      }
    } finally {
      this.disallowIn = outerDisallowIn;
      this.inDecorator = outerInDecorator;
    }
    this.expect(K.CloseBracketToken);
    n.elements = elements;
    n.multiLine = multiLine;
    return this.finish(n);
  }

  private objectLiteral(): FastNode {
    const n = this.node(K.ObjectLiteralExpression);
    this.expect(K.OpenBraceToken);
    const multiLine = this.nl;
    const outerDisallowIn = this.disallowIn;
    const outerInDecorator = this.inDecorator;
    this.disallowIn = false;
    this.inDecorator = false;
    const properties: FastNode[] = [];
    try {
      while (this.tok !== K.CloseBraceToken) {
        properties.push(this.objectMember());
        if (!this.optional(K.CommaToken)) break;
      }
    } finally {
      this.disallowIn = outerDisallowIn;
      this.inDecorator = outerInDecorator;
    }
    this.expect(K.CloseBraceToken);
    n.properties = properties;
    n.multiLine = multiLine;
    return this.finish(n);
  }

  private objectMember(): FastNode {
    const pos = this.full;
    const start = this.start;
    if (this.tok === K.DotDotDotToken) {
      const s = this.node(K.SpreadAssignment);
      this.next();
      s.expression = this.assignmentInList();
      return this.finish(s);
    }
    if (this.tok === K.AtToken) throw GIVE_UP;
    let modifiers: FastNode[] | undefined;
    if (this.isWord('async') && this.lookAhead(() => (this.next(), !this.nl && (this.isLiteralPropertyName() || this.tok === K.OpenBracketToken || this.tok === K.AsteriskToken)))) {
      modifiers = [this.token(K.AsyncKeyword)];
    } else if (this.tok === K.Identifier && MODIFIERS.has(this.value) && this.value !== 'get' && this.modifierFollows()) {
      throw GIVE_UP;
    }
    if ((this.isWord('get') || this.isWord('set')) && !modifiers) {
      // `get total() { ... }`: an accessor, as in a class (the compiler's `parseAccessorDeclaration`); `get` on a
      // line of its own is no modifier to the compiler, and a body left out is an error its checker reports.
      const accessor = this.lookAhead(() => (this.next(), this.isLiteralPropertyName() || this.tok === K.OpenBracketToken ? (this.nl ? 'apart' : 'yes') : 'no'));
      if (accessor === 'apart') throw GIVE_UP;
      if (accessor === 'yes') {
        const n = this.nodeAt(this.value === 'get' ? K.GetAccessor : K.SetAccessor, pos, start);
        this.next();
        n.modifiers = undefined;
        n.name = this.propertyName();
        this.signature(n, false);
        n.body = this.functionBody(false, false);
        return this.finish(n);
      }
    }
    // `*rows() {}`, a generator method: only a method may follow the `*`.
    const asteriskToken = this.tok === K.AsteriskToken ? this.token() : undefined;
    const isId = this.tok === K.Identifier;
    const name = this.propertyName();
    if (this.tok === K.QuestionToken || this.tok === K.ExclamationToken) throw GIVE_UP;
    if (this.tok === K.OpenParenToken || this.tok === K.LessThanToken) {
      const m = this.nodeAt(K.MethodDeclaration, pos, start);
      m.modifiers = modifiers;
      m.asteriskToken = asteriskToken;
      m.name = name;
      m.questionToken = undefined;
      m.exclamationToken = undefined;
      const isAsync = !!modifiers;
      this.signature(m, isAsync);
      m.body = this.functionBody(isAsync, false, asteriskToken !== undefined);
      return this.finish(m);
    }
    if (modifiers || asteriskToken) throw GIVE_UP;
    if (isId && this.tok !== K.ColonToken) {
      if (this.tok === K.EqualsToken) throw GIVE_UP;
      if (RESERVED.has(name.text as string) || name.text === 'await' || name.text === 'yield') throw GIVE_UP;
      const s = this.nodeAt(K.ShorthandPropertyAssignment, pos, start);
      s.modifiers = undefined;
      s.name = name;
      s.questionToken = undefined;
      s.exclamationToken = undefined;
      s.equalsToken = undefined;
      s.objectAssignmentInitializer = undefined;
      return this.finish(s);
    }
    this.expect(K.ColonToken);
    const p = this.nodeAt(K.PropertyAssignment, pos, start);
    p.modifiers = undefined;
    p.name = name;
    p.questionToken = undefined;
    p.exclamationToken = undefined;
    p.initializer = this.assignmentInList();
    return this.finish(p);
  }

  private functionExpression(modifiers: FastNode[] | undefined): FastNode {
    const n = modifiers ? new FastNode(K.FunctionExpression, modifiers[0].pos, modifiers[0]._start, 0) : this.node(K.FunctionExpression);
    this.expect(K.FunctionKeyword);
    n.modifiers = modifiers;
    n.asteriskToken = this.tok === K.AsteriskToken ? this.token() : undefined;
    const isAsync = !!modifiers;
    n.name = this.tok === K.Identifier ? this.bindingIdentifier() : undefined;
    this.signature(n, isAsync);
    n.body = this.functionBody(isAsync, false, n.asteriskToken !== undefined);
    return this.finish(n);
  }

  /** The compiler's `parseNewExpressionOrNewDotTarget`. */
  private newExpression(): FastNode {
    const n = this.node(K.NewExpression);
    this.next();
    if (this.tok === K.DotToken) throw GIVE_UP;
    const pos = this.full;
    const start = this.start;
    if (this.tok === K.NewKeyword || this.tok === K.ImportKeyword || this.tok === K.SuperKeyword) throw GIVE_UP;
    let e = this.memberRest(pos, start, this.primary(), false);
    let typeArguments: unknown;
    if (e.kind === K.ExpressionWithTypeArguments) {
      typeArguments = e.typeArguments;
      e = e.expression as FastNode;
    }
    if (this.tok === K.QuestionDotToken) throw GIVE_UP;
    n.expression = e;
    n.typeArguments = typeArguments;
    n.arguments = this.tok === K.OpenParenToken ? this.argumentList() : undefined;
    return this.finish(n);
  }
}

/**
 * The properties the compiler's `forEachChild` visits, in its order (its `forEachChildTable`), for each kind this
 * parser makes; a kind not listed has no children.
 */
const CHILDREN: Record<number, readonly string[]> = {
  [K.SourceFile]: ['statements', 'endOfFileToken'],
  [K.QualifiedName]: ['left', 'right'],
  [K.TypeParameter]: ['modifiers', 'name', 'constraint', 'default', 'expression'],
  [K.ShorthandPropertyAssignment]: ['modifiers', 'name', 'questionToken', 'exclamationToken', 'equalsToken', 'objectAssignmentInitializer'],
  [K.SpreadAssignment]: ['expression'],
  [K.Parameter]: ['modifiers', 'dotDotDotToken', 'name', 'questionToken', 'type', 'initializer'],
  [K.PropertyDeclaration]: ['modifiers', 'name', 'questionToken', 'exclamationToken', 'type', 'initializer'],
  [K.PropertySignature]: ['modifiers', 'name', 'questionToken', 'type', 'initializer'],
  [K.PropertyAssignment]: ['modifiers', 'name', 'questionToken', 'exclamationToken', 'initializer'],
  [K.VariableDeclaration]: ['name', 'exclamationToken', 'type', 'initializer'],
  [K.BindingElement]: ['dotDotDotToken', 'propertyName', 'name', 'initializer'],
  [K.IndexSignature]: ['modifiers', 'typeParameters', 'parameters', 'type'],
  [K.FunctionType]: ['modifiers', 'typeParameters', 'parameters', 'type'],
  [K.ConstructorType]: ['modifiers', 'typeParameters', 'parameters', 'type'],
  [K.CallSignature]: ['typeParameters', 'parameters', 'type'],
  [K.ConstructSignature]: ['typeParameters', 'parameters', 'type'],
  [K.ConditionalType]: ['checkType', 'extendsType', 'trueType', 'falseType'],
  [K.InferType]: ['typeParameter'],
  [K.NamedTupleMember]: ['dotDotDotToken', 'name', 'questionToken', 'type'],
  [K.RestType]: ['type'],
  [K.ImportEqualsDeclaration]: ['modifiers', 'name', 'moduleReference'],
  [K.ExternalModuleReference]: ['expression'],
  [K.MethodDeclaration]: ['modifiers', 'asteriskToken', 'name', 'questionToken', 'exclamationToken', 'typeParameters', 'parameters', 'type', 'body'],
  [K.MethodSignature]: ['modifiers', 'name', 'questionToken', 'typeParameters', 'parameters', 'type'],
  [K.Constructor]: ['modifiers', 'name', 'typeParameters', 'parameters', 'type', 'body'],
  [K.GetAccessor]: ['modifiers', 'name', 'typeParameters', 'parameters', 'type', 'body'],
  [K.SetAccessor]: ['modifiers', 'name', 'typeParameters', 'parameters', 'type', 'body'],
  [K.FunctionDeclaration]: ['modifiers', 'asteriskToken', 'name', 'typeParameters', 'parameters', 'type', 'body'],
  [K.FunctionExpression]: ['modifiers', 'asteriskToken', 'name', 'typeParameters', 'parameters', 'type', 'body'],
  [K.ArrowFunction]: ['modifiers', 'typeParameters', 'parameters', 'type', 'equalsGreaterThanToken', 'body'],
  [K.TypeReference]: ['typeName', 'typeArguments'],
  [K.TypePredicate]: ['assertsModifier', 'parameterName', 'type'],
  [K.TypeQuery]: ['exprName', 'typeArguments'],
  [K.TypeLiteral]: ['members'],
  [K.MappedType]: ['readonlyToken', 'typeParameter', 'nameType', 'questionToken', 'type', 'members'],
  [K.ArrayType]: ['elementType'],
  [K.TupleType]: ['elements'],
  [K.UnionType]: ['types'],
  [K.IntersectionType]: ['types'],
  [K.ParenthesizedType]: ['type'],
  [K.TypeOperator]: ['type'],
  [K.IndexedAccessType]: ['objectType', 'indexType'],
  [K.LiteralType]: ['literal'],
  [K.NamespaceExport]: ['name'],
  [K.MetaProperty]: ['name'],
  [K.ObjectBindingPattern]: ['elements'],
  [K.ArrayBindingPattern]: ['elements'],
  [K.ArrayLiteralExpression]: ['elements'],
  [K.ObjectLiteralExpression]: ['properties'],
  [K.PropertyAccessExpression]: ['expression', 'questionDotToken', 'name'],
  [K.ElementAccessExpression]: ['expression', 'questionDotToken', 'argumentExpression'],
  [K.CallExpression]: ['expression', 'questionDotToken', 'typeArguments', 'arguments'],
  [K.NewExpression]: ['expression', 'questionDotToken', 'typeArguments', 'arguments'],
  [K.TaggedTemplateExpression]: ['tag', 'questionDotToken', 'typeArguments', 'template'],
  [K.ParenthesizedExpression]: ['expression'],
  [K.DeleteExpression]: ['expression'],
  [K.TypeOfExpression]: ['expression'],
  [K.VoidExpression]: ['expression'],
  [K.PrefixUnaryExpression]: ['operand'],
  [K.AwaitExpression]: ['expression'],
  [K.YieldExpression]: ['asteriskToken', 'expression'],
  [K.PostfixUnaryExpression]: ['operand'],
  [K.BinaryExpression]: ['left', 'operatorToken', 'right'],
  [K.AsExpression]: ['expression', 'type'],
  [K.TypeAssertionExpression]: ['type', 'expression'],
  [K.ImportType]: ['argument', 'attributes', 'qualifier', 'typeArguments'],
  [K.NonNullExpression]: ['expression'],
  [K.SatisfiesExpression]: ['expression', 'type'],
  [K.ConditionalExpression]: ['condition', 'questionToken', 'whenTrue', 'colonToken', 'whenFalse'],
  [K.SpreadElement]: ['expression'],
  [K.Block]: ['statements'],
  [K.VariableStatement]: ['modifiers', 'declarationList'],
  [K.VariableDeclarationList]: ['declarations'],
  [K.ExpressionStatement]: ['expression'],
  [K.IfStatement]: ['expression', 'thenStatement', 'elseStatement'],
  [K.DoStatement]: ['statement', 'expression'],
  [K.WhileStatement]: ['expression', 'statement'],
  [K.ForStatement]: ['initializer', 'condition', 'incrementor', 'statement'],
  [K.ForInStatement]: ['initializer', 'expression', 'statement'],
  [K.ForOfStatement]: ['awaitModifier', 'initializer', 'expression', 'statement'],
  [K.ContinueStatement]: ['label'],
  [K.LabeledStatement]: ['label', 'statement'],
  [K.ModuleDeclaration]: ['modifiers', 'name', 'body'],
  [K.ModuleBlock]: ['statements'],
  [K.BreakStatement]: ['label'],
  [K.ReturnStatement]: ['expression'],
  [K.SwitchStatement]: ['expression', 'caseBlock'],
  [K.CaseBlock]: ['clauses'],
  [K.CaseClause]: ['expression', 'statements'],
  [K.DefaultClause]: ['statements'],
  [K.ThrowStatement]: ['expression'],
  [K.TryStatement]: ['tryBlock', 'catchClause', 'finallyBlock'],
  [K.CatchClause]: ['variableDeclaration', 'block'],
  [K.Decorator]: ['expression'],
  [K.ClassDeclaration]: ['modifiers', 'name', 'typeParameters', 'heritageClauses', 'members'],
  [K.InterfaceDeclaration]: ['modifiers', 'name', 'typeParameters', 'heritageClauses', 'members'],
  [K.TypeAliasDeclaration]: ['modifiers', 'name', 'typeParameters', 'type'],
  [K.EnumDeclaration]: ['modifiers', 'name', 'members'],
  [K.EnumMember]: ['name', 'initializer'],
  [K.ImportDeclaration]: ['modifiers', 'importClause', 'moduleSpecifier', 'attributes'],
  [K.ImportClause]: ['name', 'namedBindings'],
  [K.NamespaceImport]: ['name'],
  [K.NamedImports]: ['elements'],
  [K.NamedExports]: ['elements'],
  [K.ExportDeclaration]: ['modifiers', 'exportClause', 'moduleSpecifier', 'attributes'],
  [K.ImportSpecifier]: ['propertyName', 'name'],
  [K.ExportSpecifier]: ['propertyName', 'name'],
  [K.ExportAssignment]: ['modifiers', 'expression'],
  [K.TemplateExpression]: ['head', 'templateSpans'],
  [K.TemplateSpan]: ['expression', 'literal'],
  [K.TemplateLiteralType]: ['head', 'templateSpans'],
  [K.TemplateLiteralTypeSpan]: ['type', 'literal'],
  [K.ComputedPropertyName]: ['expression'],
  [K.HeritageClause]: ['types'],
  [K.ExpressionWithTypeArguments]: ['expression', 'typeArguments'],
};

const NO_CHILDREN: readonly string[] = [];

/**
 * The compiler's `forEachChild` on this parser's nodes: `visit` on each child in order, until one returns a value.
 * Indexed loops, not `for…of`: the readers' walks call this for every node, mostly before it is optimised, where an
 * iterator per call costs more than the visit.
 */
export function forEachFastChild<T>(n: FastNode, visit: (child: FastNode) => T | undefined): T | undefined {
  const keys = CHILDREN[n.kind] ?? NO_CHILDREN;
  for (let k = 0; k < keys.length; k++) {
    const v = n[keys[k]] as FastNode | FastNode[] | undefined;
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const r = visit(v[i]);
        if (r) return r;
      }
    } else {
      const r = visit(v);
      if (r) return r;
    }
  }
  return undefined;
}

/** The modifier flags of a node's modifiers (the compiler's `modifiersToFlags`, the keywords this parser reads). */
export function fastModifierFlags(n: FastNode): number {
  let flags = 0;
  const modifiers = n.modifiers as FastNode[] | undefined;
  if (modifiers === undefined) return 0;
  for (let i = 0; i < modifiers.length; i++) {
    switch (modifiers[i].kind) {
      case K.ExportKeyword:
        flags |= ModifierFlags.Export;
        break;
      case K.DefaultKeyword:
        flags |= ModifierFlags.Default;
        break;
      case K.AbstractKeyword:
        flags |= ModifierFlags.Abstract;
        break;
      case K.AsyncKeyword:
        flags |= ModifierFlags.Async;
        break;
      case K.PublicKeyword:
        flags |= ModifierFlags.Public;
        break;
      case K.PrivateKeyword:
        flags |= ModifierFlags.Private;
        break;
      case K.ProtectedKeyword:
        flags |= ModifierFlags.Protected;
        break;
      case K.ReadonlyKeyword:
        flags |= ModifierFlags.Readonly;
        break;
      case K.StaticKeyword:
        flags |= ModifierFlags.Static;
        break;
      case K.OverrideKeyword:
        flags |= ModifierFlags.Override;
        break;
      case K.ConstKeyword:
        flags |= ModifierFlags.Const;
        break;
      case K.DeclareKeyword:
        flags |= ModifierFlags.Ambient;
        break;
      case K.Decorator:
        flags |= ModifierFlags.Decorator;
        break;
    }
  }
  return flags;
}
