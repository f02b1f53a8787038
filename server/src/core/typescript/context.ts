import type * as TsMorph from 'ts-morph';
import type { Node, ObjectLiteralExpression, PropertyDeclaration, SourceFile } from 'ts-morph';
import { emptyFacts } from '../facts';
import { pendingName } from '../pendingNames';
import { AnnotationFact, FileFacts, ImportFact, Span } from '../types';

/** The ts-morph module, handed in by the host so the core never loads the compiler itself. */
export type TsMorphModule = typeof TsMorph;

/**
 * A node of the compiler's own tree, as `TsFile.walk`'s `worth` sees it before any wrapper is made. Only
 * what those tests read is typed here (`TsFile.rawText` gives a node's text).
 */
export interface RawNode {
  kind: TsMorph.SyntaxKind;
  /** The callee of a call or of `new`, the object of a property access. */
  expression?: RawNode;
  /** The name of a declaration, of a property assignment, of a property access. */
  name?: RawNode;
  /** The left side of a binary expression. */
  left?: RawNode;
  /** A declaration's type annotation. */
  type?: RawNode;
}

/** A string literal as written: its value, the span with quotes, and the span of its content. */
export interface Literal {
  value: string;
  span: Span;
  contentSpan: Span;
}

/** One call of a chain such as `t.integer('user_id').references('id').inTable('users')`, root first. */
export interface ChainCall {
  name: string;
  args: Node[];
  node: Node;
  /** Where the method name is written. */
  nameSpan: Span;
}

/**
 * What every ORM reader shares for one file: its facts, the syntax helpers, and the imports, collected
 * before any reader runs so each can ask where a name comes from.
 */
export class TsFile {
  readonly facts: FileFacts;
  /** Local names imported from relative paths: ImportFact.module cannot tell `./b` from a package `b`. */
  private readonly relativeLocals = new Set<string>();
  /**
   * Where in the file each migration operation is written, index for index with `facts.migration.ops`, so
   * operations read later (SQL in a `knex.raw` among schema builder calls) take their place by position.
   */
  readonly opStarts: number[] = [];

  constructor(
    readonly tm: TsMorphModule,
    readonly sf: SourceFile,
    file: string,
    text: string,
  ) {
    this.facts = emptyFacts(file, text, 'typescript');
    this.collectImports();
  }

  span(n: Node): Span {
    return { start: n.getStart(), end: n.getEnd() };
  }

  /** A plain string: `'users'`, `"users"` or a template without substitutions. */
  literal(n: Node | undefined): Literal | undefined {
    if (!n) return undefined;
    const { Node: N } = this.tm;
    if (!N.isStringLiteral(n) && !N.isNoSubstitutionTemplateLiteral(n)) return undefined;
    const start = n.getStart();
    const end = n.getEnd();
    return { value: n.getLiteralValue(), span: { start, end }, contentSpan: { start: start + 1, end: end - 1 } };
  }

  /**
   * A name written as a literal or as a string constant of this file: a top-level `const T = 'shelf'`, or a
   * member of an `enum` / `const enum` with string values (`ShelfField.id`). `span` is where the value is
   * written in the literal's case, else where the constant is named (only a literal may be edited in place).
   * `imported` names a local bound by an import, whose value only the index can know.
   */
  constantName(n: Node | undefined): { value: string; span: Span; literal?: Literal } | { imported: string; span: Span } | undefined {
    const e = this.unwrap(n);
    if (!e) return undefined;
    const lit = this.literal(e);
    if (lit) return { value: lit.value, span: lit.span, literal: lit };
    const { Node: N } = this.tm;
    if (N.isIdentifier(e)) {
      const name = e.getText();
      // A destructured `const { TableUser } = require(...)` is an import, not a constant of this file.
      const decl = this.sf.getVariableDeclaration(name);
      if (decl && N.isIdentifier(decl.getNameNode())) {
        if (decl.getVariableStatement()?.getDeclarationKind() !== 'const') return undefined;
        const v = this.literal(this.unwrap(decl.getInitializer()));
        return v ? { value: v.value, span: this.span(e) } : undefined;
      }
      return this.importOf(name) ? { imported: name, span: this.span(e) } : undefined;
    }
    if (N.isPropertyAccessExpression(e) && N.isIdentifier(e.getExpression())) {
      const holder = e.getExpression().getText();
      const en = this.sf.getEnum(holder);
      const local = this.sf.getVariableDeclaration(holder);
      if (!en && (!local || !N.isIdentifier(local.getNameNode())) && this.importOf(holder)) {
        // A member of an imported enum or namespace (`FieldNameUser.id`): only the index knows its value.
        return { imported: `${holder}.${e.getName()}`, span: this.span(e) };
      }
      const member = en?.getMember(e.getName());
      const v = this.literal(member?.getInitializer());
      return v ? { value: v.value, span: this.span(e) } : undefined;
    }
    return undefined;
  }

  /**
   * A name that is the value of another file's constant, as facts hold it until the index puts the value
   * in place (see `pendingNames.ts`).
   */
  pending(constant: string): string {
    const list = (this.facts.pendingConsts ??= []);
    if (!list.includes(constant)) list.push(constant);
    return pendingName(constant);
  }

  /** The file's top-level string constants (`export const TableShelf = 'shelf'`), which other files may import. */
  collectConstants(): void {
    for (const st of this.sf.getVariableStatements()) {
      if (st.getDeclarationKind() !== 'const') continue;
      for (const d of st.getDeclarations()) {
        const v = this.literal(this.unwrap(d.getInitializer()));
        if (v && this.tm.Node.isIdentifier(d.getNameNode())) this.facts.constants[d.getName()] = v.value;
      }
    }
    // Enum members with string values, as other files name them: `FieldNameUser.id`.
    for (const en of this.sf.getEnums()) {
      for (const m of en.getMembers()) {
        const v = this.literal(m.getInitializer());
        if (v) this.facts.constants[`${en.getName()}.${m.getName()}`] = v.value;
      }
    }
  }

  /** A number literal's value as text (`255`). */
  numberText(n: Node | undefined): string | undefined {
    return n && this.tm.Node.isNumericLiteral(n) ? n.getLiteralValue().toString() : undefined;
  }

  /** The properties of an object literal by key: `{ name: 'x', type }` → name → `'x'`, type → `type`. */
  props(n: Node | undefined): Map<string, Node> {
    const out = new Map<string, Node>();
    const { Node: N } = this.tm;
    if (!n || !N.isObjectLiteralExpression(n)) return out;
    for (const p of (n as ObjectLiteralExpression).getProperties()) {
      if (N.isPropertyAssignment(p)) {
        const init = p.getInitializer();
        if (init) out.set(this.propertyName(p.getNameNode()), init);
      } else if (N.isShorthandPropertyAssignment(p)) {
        out.set(p.getName(), p.getNameNode());
      } else if (N.isMethodDeclaration(p)) {
        out.set(p.getName(), p);
      }
    }
    return out;
  }

  /** A property key as a string: `name`, `'name'`, `"user-id"`. */
  propertyName(n: Node): string {
    const lit = this.literal(n);
    if (lit) return lit.value;
    return n.getText();
  }

  /** `propertyName` of a compiler node, without wrapping it. */
  rawPropertyName(n: RawNode): string {
    const K = this.tm.SyntaxKind;
    if (n.kind === K.StringLiteral || n.kind === K.NoSubstitutionTemplateLiteral) return (n as unknown as TsMorph.ts.StringLiteral).text;
    return this.rawText(n);
  }

  /** `true` / `false` literals. */
  bool(n: Node | undefined): boolean | undefined {
    if (!n) return undefined;
    const k = n.getKind();
    if (k === this.tm.SyntaxKind.TrueKeyword) return true;
    if (k === this.tm.SyntaxKind.FalseKeyword) return false;
    return undefined;
  }

  /** Skips `(x)`, `x as T`, `x!` and `x satisfies T` around an expression. */
  unwrap(n: Node | undefined): Node | undefined {
    const { Node: N } = this.tm;
    let cur = n;
    while (cur && (N.isParenthesizedExpression(cur) || N.isAsExpression(cur) || N.isNonNullExpression(cur) || N.isSatisfiesExpression(cur))) {
      cur = cur.getExpression();
    }
    return cur;
  }

  /**
   * The calls of a method chain from its root: `t.integer('a').references('id')` gives `integer`, then
   * `references`, and the root's receiver (`t`) with its text. A chain whose root is not a property call gives
   * nothing.
   *
   * The chain is followed on the compiler's nodes; a call's `args` and `node` and the `receiver` are wrapped
   * only when a reader asks for them (most chains are only looked at by name). On the ts1k bench's Knex
   * migrations, wrapping every link of every chain was the largest part of reading a column.
   */
  chain(n: Node): { receiver: Node; receiverText: string; calls: ChainCall[] } | undefined {
    const { ts } = this.tm;
    const K = this.tm.SyntaxKind;
    const sf = this.sf.compilerNode as TsMorph.ts.SourceFile;
    const wrap = (cn: TsMorph.ts.Node): Node => (n as unknown as { _getNodeFromCompilerNode(x: TsMorph.ts.Node): Node })._getNodeFromCompilerNode(cn);
    const unwrap = (cn: TsMorph.ts.Node | undefined): TsMorph.ts.Node | undefined => {
      let cur = cn;
      while (cur && (cur.kind === K.ParenthesizedExpression || cur.kind === K.AsExpression || cur.kind === K.NonNullExpression || cur.kind === K.SatisfiesExpression)) {
        cur = (cur as TsMorph.ts.ParenthesizedExpression).expression;
      }
      return cur;
    };
    const link = (call: TsMorph.ts.CallExpression, nameNode: TsMorph.ts.Node): ChainCall => {
      let args: Node[] | undefined;
      let node: Node | undefined;
      return {
        name: nameNode.getText(sf),
        get args() {
          return (args ??= call.arguments.map(wrap));
        },
        get node() {
          return (node ??= wrap(call));
        },
        nameSpan: { start: nameNode.getStart(sf), end: nameNode.end },
      };
    };
    const calls: ChainCall[] = [];
    let cur = unwrap(n.compilerNode as TsMorph.ts.Node);
    while (cur && cur.kind === K.CallExpression) {
      const call = cur as TsMorph.ts.CallExpression;
      const callee = call.expression;
      if (!ts.isPropertyAccessExpression(callee)) {
        if (ts.isIdentifier(callee)) {
          calls.unshift(link(call, callee));
          return { receiver: wrap(callee), receiverText: callee.getText(sf), calls };
        }
        return undefined;
      }
      calls.unshift(link(call, callee.name));
      cur = unwrap(callee.expression);
    }
    if (!cur) return undefined;
    const root = cur;
    let receiver: Node | undefined;
    return {
      get receiver() {
        return (receiver ??= wrap(root));
      },
      receiverText: root.getText(sf),
      calls,
    };
  }

  /** The name a function-valued argument returns: `() => User` → `User`, `(): AnyPgColumn => users.id` → that. */
  arrowResult(n: Node | undefined): Node | undefined {
    const { Node: N } = this.tm;
    const f = this.unwrap(n);
    if (!f) return undefined;
    if (N.isArrowFunction(f) || N.isFunctionExpression(f)) {
      const body = f.getBody();
      if (N.isBlock(body)) {
        const ret = body.getStatements().find((s) => N.isReturnStatement(s));
        return ret && N.isReturnStatement(ret) ? this.unwrap(ret.getExpression()) : undefined;
      }
      return this.unwrap(body);
    }
    return undefined;
  }

  /** The property's TypeScript type when it is a plain one (`number`, `string | null`): the primitive's span. */
  annotation(p: PropertyDeclaration): AnnotationFact | undefined {
    const node = p.getTypeNode();
    if (!node) return undefined;
    const { Node: N } = this.tm;
    const parts = N.isUnionTypeNode(node) ? node.getTypeNodes() : [node];
    const plain = parts.filter((t) => !['null', 'undefined'].includes(t.getText()));
    if (plain.length !== 1) return undefined;
    return { text: plain[0].getText(), span: this.span(plain[0]), optional: plain.length !== parts.length || p.hasQuestionToken() };
  }

  /** The module a local name is imported from (`typeorm`, `src.entities.user`), if it is imported. */
  importOf(local: string): ImportFact | undefined {
    return this.facts.imports.find((i) => i.local === local);
  }

  /** Whether a local name is imported from a relative path (`./decorators`): the project's own code. */
  isRelativeImport(local: string): boolean {
    return this.relativeLocals.has(local);
  }

  /** Whether the file imports anything from one of these packages (or a subpath of one). */
  importsFrom(...packages: string[]): boolean {
    return this.facts.imports.some((i) => packages.some((p) => i.module === p || i.module.startsWith(`${p}/`)));
  }

  /**
   * Visits every node under `root` on the compiler's own tree, wrapping only nodes of `kinds` (all when
   * absent). ts-morph's `forEachDescendant` also builds comment nodes, scanning to each line's end: on a
   * minified one-line file that is quadratic (minutes for a 1 MB bundle). `visit` may answer `skip` (do not
   * enter this node) or `stop`.
   *
   * `worth`, when given, looks at the compiler's node first (see `RawNode`): a node it rejects is entered but
   * neither wrapped nor visited. It must accept every node on which `visit` would do anything (answer, or have
   * an effect), so it changes what the walk costs, never what it finds: making a wrapper costs more than most
   * readers' tests of it (on the ts1k bench, wrapping was the largest share of reading a file).
   */
  walk(root: Node, visit: (n: Node) => void | 'skip' | 'stop', kinds?: ReadonlySet<TsMorph.SyntaxKind>, worth?: (n: RawNode) => boolean): void {
    const { ts } = this.tm;
    const wrap = (cn: TsMorph.ts.Node): Node => (root as unknown as { _getNodeFromCompilerNode(n: TsMorph.ts.Node): Node })._getNodeFromCompilerNode(cn);
    let stopped = false;
    const go = (cn: TsMorph.ts.Node): true | undefined => {
      if (stopped) return true;
      if ((!kinds || kinds.has(cn.kind as unknown as TsMorph.SyntaxKind)) && (!worth || worth(cn as unknown as RawNode))) {
        const answer = visit(wrap(cn));
        if (answer === 'stop') {
          stopped = true;
          return true;
        }
        if (answer === 'skip') return undefined;
      }
      ts.forEachChild(cn, go);
      return stopped || undefined;
    };
    ts.forEachChild(root.compilerNode as TsMorph.ts.Node, go);
  }

  /** A compiler node's text as ts-morph's `getText()` gives it (no leading trivia), without wrapping it. */
  rawText(n: RawNode): string {
    return (n as unknown as TsMorph.ts.Node).getText(this.sf.compilerNode);
  }

  /** Records `at` as the place of every migration operation pushed since the last call. */
  placeOps(at: number): void {
    const n = this.facts.migration?.ops.length ?? 0;
    while (this.opStarts.length < n) this.opStarts.push(at);
  }

  // ---- imports ----

  private collectImports(): void {
    const { Node: N } = this.tm;
    for (const d of this.sf.getImportDeclarations()) {
      const spec = d.getModuleSpecifierValue();
      const module = this.resolveSpecifier(spec);
      const before = this.facts.imports.length;
      const statementSpan = this.span(d);
      const def = d.getDefaultImport();
      if (def) this.facts.imports.push({ local: def.getText(), module, name: 'default', span: this.span(def), statementSpan });
      const ns = d.getNamespaceImport();
      if (ns) this.facts.imports.push({ local: ns.getText(), module, span: this.span(ns), statementSpan });
      for (const s of d.getNamedImports()) {
        const name = s.getName();
        const alias = s.getAliasNode()?.getText();
        this.facts.imports.push({ local: alias ?? name, module, name, span: this.span(s), statementSpan });
      }
      if (spec.startsWith('.')) for (const i of this.facts.imports.slice(before)) this.relativeLocals.add(i.local);
    }
    // Re-exports (`export * from './user'`, `export { TableUser } from './user'`): a barrel file leads on.
    for (const d of this.sf.getExportDeclarations()) {
      const spec = d.getModuleSpecifierValue();
      if (spec === undefined) continue;
      const module = this.resolveSpecifier(spec);
      const list = (this.facts.reexports ??= []);
      if (!d.hasNamedExports()) {
        if (!d.getNamespaceExport()) list.push({ module });
        continue;
      }
      for (const x of d.getNamedExports()) {
        const as = x.getAliasNode()?.getText();
        list.push({ module, name: x.getName(), ...(as ? { as } : {}) });
      }
    }
    // CommonJS: `const { User } = require('./user')`, `const User = require('./user')`.
    for (const st of this.sf.getVariableStatements()) {
      for (const decl of st.getDeclarations()) {
        const init = this.unwrap(decl.getInitializer());
        if (!init || !N.isCallExpression(init) || init.getExpression().getText() !== 'require') continue;
        const spec = this.literal(init.getArguments()[0]);
        if (!spec) continue;
        const module = this.resolveSpecifier(spec.value);
        const nameNode = decl.getNameNode();
        const statementSpan = this.span(st);
        if (N.isIdentifier(nameNode)) {
          this.facts.imports.push({ local: nameNode.getText(), module, span: this.span(nameNode), statementSpan });
        } else if (N.isObjectBindingPattern(nameNode)) {
          for (const el of nameNode.getElements()) {
            const local = el.getNameNode().getText();
            const name = el.getPropertyNameNode()?.getText() ?? local;
            this.facts.imports.push({ local, module, name, span: this.span(el), statementSpan });
          }
        }
      }
    }
  }

  /** A module specifier as a dotted module path (see `resolveSpecifier`). */
  resolveSpecifier(spec: string): string {
    return resolveSpecifier(this.facts.file, spec);
  }
}

/**
 * A module specifier as a dotted module path, so the index finds the file: `./user` in
 * `src/entities/post.ts` is `src.entities.user`; a package (`typeorm`, `drizzle-orm/pg-core`) stays as is.
 */
export function resolveSpecifier(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const dir = file.replace(/\\/g, '/').split('/').slice(0, -1);
  for (const part of spec.replace(/\.[cm]?[jt]sx?$/, '').split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..') dir.pop();
    else dir.push(part);
  }
  // `./models/index` is the folder's module, as `moduleFromPath` names `models/index.ts`.
  if (dir[dir.length - 1] === 'index') dir.pop();
  return dir.join('.');
}

/** TypeORM's `camelCase` (util/StringUtils): `user_id` → `userId`, as its default join column names are made. */
export function typeormCamelCase(text: string): string {
  return text.replace(/^([A-Z])|[\s\-_](\w)/g, (_m, p1: string | undefined, p2: string | undefined) => (p2 ? p2.toUpperCase() : p1!.toLowerCase()));
}

/** TypeORM's `snakeCase`: `UserProfile` → `user_profile`, `HTTPLog` → `http_log`: its default table names. */
export function typeormSnakeCase(text: string): string {
  return text.replace(/([A-Z])([A-Z])([a-z])/g, '$1_$2$3').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
