import type { ts } from 'ts-morph';
import { AnnotationFact, Span } from '../types';
import { fastModifierFlags, FastNode, forEachFastChild } from './fastParse';
import { ModifierFlags, NodeFlags, SyntaxKind } from './syntaxKinds';

/** The compiler's API (the `ts` namespace), handed in by the host with the rest of the TypeScript module. */
export type TsApi = typeof ts;

/** A string literal as written: its value, the span with quotes, and the span of its content. */
export interface Literal {
  value: string;
  span: Span;
  contentSpan: Span;
}

/** One call of a chain such as `t.integer('user_id').references('id').inTable('users')`, root first. */
export interface RawChainCall {
  name: string;
  args: readonly ts.Expression[];
  node: ts.CallExpression;
  /** Where the method name is written. */
  nameSpan: Span;
}

/**
 * What the helpers need from whoever made the tree: the compiler's own functions on its nodes, or their
 * equivalents on the nodes of `fastParse.ts`.
 */
export interface TreeBackend {
  /** `ts.forEachChild`. */
  forEachChild(n: ts.Node, visit: (child: ts.Node) => true | undefined): true | undefined;
  /** A node's decorators (`ts.getDecorators` where `ts.canHaveDecorators`), else none. */
  decorators(n: ts.Node): readonly ts.Decorator[];
  /** `ts.getCombinedModifierFlags` where `ts.canHaveModifiers`, else 0. */
  modifierFlags(n: ts.Node): number;
}

/** The compiler's functions on the compiler's trees. */
export function compilerBackend(ts: TsApi): TreeBackend {
  return {
    forEachChild: (n, visit) => ts.forEachChild(n, visit),
    decorators: (n) => (ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : []),
    modifierFlags: (n) => (ts.canHaveModifiers(n) ? ts.getCombinedModifierFlags(n as ts.Declaration) : 0),
  };
}

const DECORATED = new Set<number>([SyntaxKind.Parameter, SyntaxKind.PropertyDeclaration, SyntaxKind.MethodDeclaration, SyntaxKind.GetAccessor, SyntaxKind.SetAccessor, SyntaxKind.ClassExpression, SyntaxKind.ClassDeclaration]);

/**
 * The same on `fastParse.ts`'s trees. Its modifier flags are its nodes' own: the compiler combines a variable
 * declaration's with its statement's, which only matters for `export` and `declare` there, and no reader asks.
 */
export const FAST_BACKEND: TreeBackend = {
  forEachChild: (n, visit) => forEachFastChild(n as unknown as FastNode, visit as unknown as (c: FastNode) => true | undefined),
  decorators: (n) => (DECORATED.has(n.kind) ? (((n as unknown as FastNode).modifiers as ts.Decorator[] | undefined) ?? []).filter((m) => m.kind === SyntaxKind.Decorator) : []),
  modifierFlags: (n) => fastModifierFlags(n as unknown as FastNode),
};

export { ModifierFlags };

/**
 * Small typed helpers over one file's compiler nodes, for the readers that work on the compiler's tree
 * itself. Each helper gives exactly what the ts-morph call it replaces gave (`getText`, `getName`,
 * `getLiteralValue`, `getVariableDeclaration`, …), so a reader moved onto them finds the same facts; making
 * a ts-morph wrapper for each node a reader looks at was, with parsing, the largest cost of reading a file
 * (ts1k bench profile).
 */
export class Syntax {
  readonly K: typeof ts.SyntaxKind;
  private parented = false;

  constructor(
    readonly tree: TreeBackend,
    readonly sf: ts.SourceFile,
  ) {
    this.K = SyntaxKind as unknown as typeof ts.SyntaxKind;
  }

  /**
   * Sets every node's `parent` (the file is parsed without them, see `dialect.ts`), once: for the readers that go
   * up the tree. Returns the file's tree.
   */
  withParents(): ts.SourceFile {
    if (!this.parented) {
      this.parented = true;
      const tree = this.tree;
      const link = (n: ts.Node): void => {
        tree.forEachChild(n, (child) => {
          (child as { parent: ts.Node }).parent = n;
          link(child);
          return undefined;
        });
      };
      link(this.sf);
    }
    return this.sf;
  }

  /** Where a node is written, leading trivia and JSDoc left out (ts-morph's `getStart()` to `getEnd()`). */
  span(n: ts.Node): Span {
    return { start: n.getStart(this.sf), end: n.end };
  }

  /** A node's text as written, without leading trivia (ts-morph's `getText()`). */
  text(n: ts.Node): string {
    return n.getText(this.sf);
  }

  /** A declaration's name as ts-morph's `getName()` gives it: the name as written, if it has one. */
  name(n: ts.Node): string | undefined {
    const name = (n as { name?: ts.Node }).name;
    return name ? this.text(name) : undefined;
  }

  /** A plain string: `'users'`, `"users"` or a template without substitutions. */
  literal(n: ts.Node | undefined): Literal | undefined {
    if (!n || (n.kind !== this.K.StringLiteral && n.kind !== this.K.NoSubstitutionTemplateLiteral)) return undefined;
    const start = n.getStart(this.sf);
    const end = n.end;
    return { value: (n as ts.StringLiteral).text, span: { start, end }, contentSpan: { start: start + 1, end: end - 1 } };
  }

  /** A number literal's value as text (`255`), as ts-morph's `getLiteralValue().toString()` gives it. */
  numberText(n: ts.Node | undefined): string | undefined {
    if (!n || n.kind !== this.K.NumericLiteral) return undefined;
    const text = (n as ts.NumericLiteral).text;
    return (text.indexOf('.') >= 0 ? parseFloat(text) : parseInt(text, 10)).toString();
  }

  /** `true` / `false` literals. */
  bool(n: ts.Node | undefined): boolean | undefined {
    if (!n) return undefined;
    if (n.kind === this.K.TrueKeyword) return true;
    if (n.kind === this.K.FalseKeyword) return false;
    return undefined;
  }

  /** Skips `(x)`, `x as T`, `x!` and `x satisfies T` around an expression. */
  unwrap(n: ts.Node | undefined): ts.Node | undefined {
    const K = this.K;
    let cur = n;
    while (cur && (cur.kind === K.ParenthesizedExpression || cur.kind === K.AsExpression || cur.kind === K.NonNullExpression || cur.kind === K.SatisfiesExpression)) {
      cur = (cur as ts.ParenthesizedExpression).expression;
    }
    return cur;
  }

  /** A property key as a string: `name`, `'name'`, `"user-id"` (a computed key as written: `[k]`). */
  propertyName(n: ts.Node): string {
    return this.literal(n)?.value ?? this.text(n);
  }

  /** The properties of an object literal by key: `{ name: 'x', type }` → name → `'x'`, type → `type`. */
  props(n: ts.Node | undefined): Map<string, ts.Node> {
    const out = new Map<string, ts.Node>();
    const K = this.K;
    if (!n || n.kind !== K.ObjectLiteralExpression) return out;
    for (const p of (n as ts.ObjectLiteralExpression).properties) {
      if (p.kind === K.PropertyAssignment) out.set(this.propertyName(p.name), p.initializer);
      else if (p.kind === K.ShorthandPropertyAssignment) out.set(this.text(p.name), p.name);
      else if (p.kind === K.MethodDeclaration) out.set(this.text(p.name), p);
    }
    return out;
  }

  /** Whether a node is an array literal, and its elements. */
  elements(n: ts.Node | undefined): readonly ts.Expression[] | undefined {
    return n && n.kind === this.K.ArrayLiteralExpression ? (n as ts.ArrayLiteralExpression).elements : undefined;
  }

  /**
   * The file's first top-level variable declaration that declares `name`, directly or inside a destructuring
   * pattern (ts-morph's `SourceFile.getVariableDeclaration(name)`), and whether it is a `const` one.
   */
  topVariable(name: string): { decl: ts.VariableDeclaration; isConst: boolean } | undefined {
    for (const st of this.sf.statements) {
      if (st.kind !== this.K.VariableStatement) continue;
      const list = (st as ts.VariableStatement).declarationList;
      for (const d of list.declarations) if (this.declares(d.name, name)) return { decl: d, isConst: this.isConst(list) };
    }
    return undefined;
  }

  private declares(n: ts.Node, name: string): boolean {
    const K = this.K;
    if (n.kind === K.ObjectBindingPattern || n.kind === K.ArrayBindingPattern) {
      return (n as ts.BindingPattern).elements.some((e) => e.kind === K.BindingElement && this.declares(e.name, name));
    }
    return this.text(n) === name;
  }

  /** Whether a declaration list is a `const` one (ts-morph's `getDeclarationKind() === 'const'`). */
  isConst(list: ts.VariableDeclarationList): boolean {
    const F = NodeFlags;
    const flags = list.flags;
    if (flags & F.Let) return false;
    if ((flags & F.AwaitUsing) === F.AwaitUsing || (flags & F.Using) === F.Using) return false;
    return (flags & F.Const) !== 0;
  }

  /** The file's first top-level `enum` of this name (ts-morph's `SourceFile.getEnum(name)`). */
  topEnum(name: string): ts.EnumDeclaration | undefined {
    for (const st of this.sf.statements) if (st.kind === this.K.EnumDeclaration && this.text((st as ts.EnumDeclaration).name) === name) return st as ts.EnumDeclaration;
    return undefined;
  }

  /** The file's top-level variable declarations, in order (ts-morph's `SourceFile.getVariableDeclarations()`). */
  topVariables(): ts.VariableDeclaration[] {
    const out: ts.VariableDeclaration[] = [];
    for (const st of this.sf.statements) if (st.kind === this.K.VariableStatement) out.push(...(st as ts.VariableStatement).declarationList.declarations);
    return out;
  }

  /**
   * The file's top-level function declarations that have a body or are `declare`d, as ts-morph's
   * `SourceFile.getFunctions()` gives them (overload signatures left out).
   */
  topFunctions(): ts.FunctionDeclaration[] {
    return this.sf.statements.filter((st): st is ts.FunctionDeclaration =>
      st.kind === this.K.FunctionDeclaration && ((st as ts.FunctionDeclaration).body !== undefined || (this.tree.modifierFlags(st) & ModifierFlags.Ambient) !== 0));
  }

  /** The file's top-level class declarations (ts-morph's `SourceFile.getClasses()`). */
  topClasses(): ts.ClassDeclaration[] {
    return this.sf.statements.filter((st): st is ts.ClassDeclaration => st.kind === this.K.ClassDeclaration);
  }

  /** A node's decorators, in order (ts-morph's `getDecorators()`). */
  decorators(n: ts.Node): readonly ts.Decorator[] {
    return this.tree.decorators(n);
  }

  /** A decorator's call, `@Column('int')`, parentheses around it skipped (ts-morph's `getCallExpression()`). */
  decoratorCall(d: ts.Decorator): ts.CallExpression | undefined {
    let e: ts.Expression = d.expression;
    while (e.kind === this.K.ParenthesizedExpression) e = (e as ts.ParenthesizedExpression).expression;
    return e.kind === this.K.CallExpression ? (e as ts.CallExpression) : undefined;
  }

  /**
   * A decorator's name (`Column` in `@Column()` and `@orm.Column()`), as ts-morph's `Decorator.getName()` gives
   * it: a decorator that is not so named (`@(a || b)`, `@f()()`) throws what ts-morph threw, so a file reads the
   * same as it did (as a file FK Guard could not read).
   */
  decoratorName(d: ts.Decorator): string {
    const K = this.K;
    const call = this.decoratorCall(d);
    let e: ts.Expression = call?.expression ?? d.expression;
    if (!call) while (e.kind === K.ParenthesizedExpression) e = (e as ts.ParenthesizedExpression).expression;
    const id: ts.Node = e.kind === K.PropertyAccessExpression ? (e as ts.PropertyAccessExpression).name : e;
    if (id.kind !== K.Identifier) {
      throw new Error(`Expected the decorator expression '${this.text(id)}' to be an identifier. Please deal directly with 'getExpression()' on the decorator to handle more complex scenarios.`);
    }
    return this.text(id);
  }

  /** The expression a class extends: `Base` in `class A extends Base<T>` (ts-morph's `getExtends()?.getExpression()`). */
  extendsExpression(cls: ts.ClassLikeDeclaration): ts.Expression | undefined {
    const clause = cls.heritageClauses?.find((c) => c.token === this.K.ExtendsKeyword);
    return clause?.types[0]?.expression;
  }

  /** The name a function-valued argument returns: `() => User` → `User`, `(): AnyPgColumn => users.id` → that. */
  arrowResult(n: ts.Node | undefined): ts.Node | undefined {
    const K = this.K;
    const f = this.unwrap(n);
    if (!f || (f.kind !== K.ArrowFunction && f.kind !== K.FunctionExpression)) return undefined;
    const body = (f as ts.ArrowFunction | ts.FunctionExpression).body;
    if (body.kind === K.Block) {
      const ret = (body as ts.Block).statements.find((s) => s.kind === K.ReturnStatement) as ts.ReturnStatement | undefined;
      return ret ? this.unwrap(ret.expression) : undefined;
    }
    return this.unwrap(body);
  }

  /** The property's TypeScript type when it is a plain one (`number`, `string | null`): the primitive's span. */
  annotation(p: ts.PropertyDeclaration): AnnotationFact | undefined {
    const node = p.type;
    if (!node) return undefined;
    const parts: readonly ts.TypeNode[] = node.kind === this.K.UnionType ? (node as ts.UnionTypeNode).types : [node];
    // A loop, not a filter with a closure: this runs for every property of every entity, mostly before it is optimised.
    let plain: ts.TypeNode | undefined;
    let count = 0;
    for (let i = 0; i < parts.length; i++) {
      const text = this.text(parts[i]);
      if (text === 'null' || text === 'undefined') continue;
      plain ??= parts[i];
      count++;
    }
    if (count !== 1 || plain === undefined) return undefined;
    return { text: this.text(plain), span: this.span(plain), optional: count !== parts.length || p.questionToken !== undefined };
  }

  /**
   * The calls of a method chain from its root: `t.integer('a').references('id')` gives `integer`, then
   * `references`, and the root's receiver (`t`) with its text. A chain whose root is not a property call gives
   * nothing.
   */
  chain(n: ts.Node): { receiver: ts.Node; receiverText: string; calls: RawChainCall[] } | undefined {
    const K = this.K;
    const calls: RawChainCall[] = [];
    let cur = this.unwrap(n);
    while (cur && cur.kind === K.CallExpression) {
      const call = cur as ts.CallExpression;
      const callee = call.expression;
      if (callee.kind !== K.PropertyAccessExpression) {
        if (callee.kind === K.Identifier) {
          calls.unshift(this.chainLink(call, callee));
          return { receiver: callee, receiverText: this.text(callee), calls };
        }
        return undefined;
      }
      calls.unshift(this.chainLink(call, (callee as ts.PropertyAccessExpression).name));
      cur = this.unwrap((callee as ts.PropertyAccessExpression).expression);
    }
    if (!cur) return undefined;
    return { receiver: cur, receiverText: this.text(cur), calls };
  }

  /** One call of a chain (see `chain`): a method, not a closure made for each chain read. */
  private chainLink(call: ts.CallExpression, nameNode: ts.Node): RawChainCall {
    return {
      name: this.text(nameNode),
      args: call.arguments,
      node: call,
      nameSpan: { start: nameNode.getStart(this.sf), end: nameNode.end },
    };
  }

  /**
   * Visits every node under `root` (not `root` itself), in the order of the source. `visit` may answer `skip`
   * (do not enter this node) or `stop`.
   */
  walk(root: ts.Node, visit: (n: ts.Node) => void | 'skip' | 'stop'): void {
    const tree = this.tree;
    let stopped = false;
    const go = (n: ts.Node): true | undefined => {
      const answer = visit(n);
      if (answer === 'stop') stopped = true;
      if (stopped) return true;
      if (answer !== 'skip') tree.forEachChild(n, go);
      return stopped || undefined;
    };
    tree.forEachChild(root, go);
  }
}
