import type { ts } from 'ts-morph';
import { emptyFacts } from '../facts';
import { pendingName } from '../pendingNames';
import { FileFacts, ImportFact, NameExpr, Span } from '../types';
import { Literal, ModifierFlags, Syntax, TreeBackend } from './syntax';

export type { Literal, TsApi } from './syntax';

/**
 * What every ORM reader shares for one file: its facts, the syntax helpers, and the imports, collected
 * before any reader runs so each can ask where a name comes from.
 */
export class TsFile {
  readonly facts: FileFacts;
  /** The helpers every reader reads the compiler's tree with. */
  readonly syntax: Syntax;
  /** Local names imported from relative paths: ImportFact.module cannot tell `./b` from a package `b`. */
  private readonly relativeLocals = new Set<string>();
  /**
   * Where in the file each migration operation is written, index for index with `facts.migration.ops`, so
   * operations read later (SQL in a `knex.raw` among schema builder calls) take their place by position.
   */
  readonly opStarts: number[] = [];
  /**
   * Where a migration's operations may or may not run (a db-migrate `up` that makes a table in one branch of an `if`):
   * every operation of the file is then conditional (`MigrationOp.conditional`), those embeddedSql.ts adds too.
   */
  conditionalOps?: Span;

  constructor(
    backend: TreeBackend,
    /** The file's tree: the compiler's, or `fastParse.ts`'s (the same nodes). */
    readonly tree: ts.SourceFile,
    file: string,
    text: string,
  ) {
    this.facts = emptyFacts(file, text, 'typescript');
    this.syntax = new Syntax(backend, tree);
    this.collectImports();
  }

  /**
   * A name written as a literal or as a string constant of this file: a top-level `const T = 'shelf'`, or a
   * member of an `enum` / `const enum` with string values (`ShelfField.id`). `span` is where the value is
   * written in the literal's case, else where the constant is named (only a literal may be edited in place).
   * `imported` names a local bound by an import, whose value only the index can know.
   */
  /**
   * A table name FK Guard cannot read (`createTable(TABLE)` where `TABLE = process.env.X || 'widgets'`, a call, a
   * parameter), as written; a constant of this file brings its initializer, whose words (`widgets`) say which
   * tables the name may be (see `dynamicNameWords`).
   */
  dynamicName(n: ts.Node): NameExpr {
    const x = this.syntax;
    const e = x.unwrap(n) ?? n;
    const written = x.text(e).replace(/\s+/g, ' ');
    const init = e.kind === x.K.Identifier ? x.topVariable(written)?.decl.initializer : undefined;
    return { kind: 'dynamic', text: init ? `${written} = ${x.text(init).replace(/\s+/g, ' ')}` : written };
  }

  constantName(n: ts.Node | undefined): { value: string; span: Span; literal?: Literal } | { imported: string; span: Span } | undefined {
    const x = this.syntax;
    const K = x.K;
    const e = x.unwrap(n);
    if (!e) return undefined;
    const lit = x.literal(e);
    if (lit) return { value: lit.value, span: lit.span, literal: lit };
    if (e.kind === K.Identifier) {
      const name = x.text(e);
      // A destructured `const { TableUser } = require(...)` is an import, not a constant of this file.
      const found = x.topVariable(name);
      if (found && found.decl.name.kind === K.Identifier) {
        if (!found.isConst) return undefined;
        const v = x.literal(x.unwrap(found.decl.initializer));
        return v ? { value: v.value, span: x.span(e) } : undefined;
      }
      return this.importOf(name) ? { imported: name, span: x.span(e) } : undefined;
    }
    if (e.kind === K.PropertyAccessExpression && (e as ts.PropertyAccessExpression).expression.kind === K.Identifier) {
      const pa = e as ts.PropertyAccessExpression;
      const holder = x.text(pa.expression);
      const member = x.text(pa.name);
      const en = x.topEnum(holder);
      const local = x.topVariable(holder)?.decl;
      if (!en && (!local || local.name.kind !== K.Identifier) && this.importOf(holder)) {
        // A member of an imported enum or namespace (`FieldNameUser.id`): only the index knows its value.
        return { imported: `${holder}.${member}`, span: x.span(e) };
      }
      const m = en?.members.find((m) => x.text(m.name) === member);
      const v = x.literal(m?.initializer);
      return v ? { value: v.value, span: x.span(e) } : undefined;
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
    const x = this.syntax;
    const K = x.K;
    for (const st of this.tree.statements) {
      if (st.kind === K.VariableStatement && x.isConst((st as ts.VariableStatement).declarationList)) {
        for (const d of (st as ts.VariableStatement).declarationList.declarations) {
          const v = x.literal(x.unwrap(d.initializer));
          if (v && d.name.kind === K.Identifier) this.facts.constants[x.text(d.name)] = v.value;
        }
      }
    }
    // Enum members with string values, as other files name them: `FieldNameUser.id`.
    for (const st of this.tree.statements) {
      if (st.kind !== K.EnumDeclaration) continue;
      const en = st as ts.EnumDeclaration;
      for (const m of en.members) {
        const v = x.literal(m.initializer);
        if (v) this.facts.constants[`${x.text(en.name)}.${x.text(m.name)}`] = v.value;
      }
    }
  }

  /** The module a local name is imported from (`typeorm`, `src.entities.user`), if it is imported. */
  importOf(local: string): ImportFact | undefined {
    const imports = this.facts.imports;
    for (let i = 0; i < imports.length; i++) if (imports[i].local === local) return imports[i];
    return undefined;
  }

  /** Whether a local name is imported from a relative path (`./decorators`): the project's own code. */
  isRelativeImport(local: string): boolean {
    return this.relativeLocals.has(local);
  }

  /** Whether the file imports anything from one of these packages (or a subpath of one). */
  importsFrom(...packages: string[]): boolean {
    return this.facts.imports.some((i) => packages.some((p) => i.module === p || i.module.startsWith(`${p}/`)));
  }

  /** Records `at` as the place of every migration operation pushed since the last call. */
  placeOps(at: number): void {
    const n = this.facts.migration?.ops.length ?? 0;
    while (this.opStarts.length < n) this.opStarts.push(at);
  }

  // ---- imports ----

  private collectImports(): void {
    const x = this.syntax;
    const K = x.K;
    const statements = this.tree.statements;
    for (const st of statements) {
      // `import Legacy = require('./legacy')`: the module object, as `import * as Legacy` binds it.
      if (st.kind === K.ImportEqualsDeclaration) {
        const d = st as ts.ImportEqualsDeclaration;
        const ref = d.moduleReference;
        const spec = ref.kind === K.ExternalModuleReference ? x.literal((ref as ts.ExternalModuleReference).expression)?.value : undefined;
        if (spec === undefined || d.isTypeOnly) continue;
        this.facts.imports.push({ local: x.text(d.name), module: this.resolveSpecifier(spec), span: x.span(d.name), statementSpan: x.span(d) });
        if (spec.startsWith('.')) this.relativeLocals.add(x.text(d.name));
        continue;
      }
      if (st.kind !== K.ImportDeclaration) continue;
      const d = st as ts.ImportDeclaration;
      const spec = specifierValue(x, d.moduleSpecifier)!;
      const module = this.resolveSpecifier(spec);
      const before = this.facts.imports.length;
      const statementSpan = x.span(d);
      const clause = d.importClause;
      const def = clause?.name;
      if (def) this.facts.imports.push({ local: x.text(def), module, name: 'default', span: x.span(def), statementSpan });
      const bindings = clause?.namedBindings;
      if (bindings?.kind === K.NamespaceImport) this.facts.imports.push({ local: x.text(bindings.name), module, span: x.span(bindings.name), statementSpan });
      if (bindings?.kind === K.NamedImports) {
        for (const s of bindings.elements) {
          const name = specifierName(x, s);
          const alias = s.propertyName ? x.text(s.name) : undefined;
          this.facts.imports.push({ local: alias ?? name, module, name, span: x.span(s), statementSpan });
        }
      }
      if (spec.startsWith('.')) for (const i of this.facts.imports.slice(before)) this.relativeLocals.add(i.local);
    }
    // Re-exports (`export * from './user'`, `export { TableUser } from './user'`, `export * as schema from
    // './schema'`, kept as the name `*`): a barrel file leads on. A local `export { a as b }` is kept with the
    // module '' (the name it gives a definition of this file), or, for an imported `a`, as the re-export it is.
    let star = false;
    for (const st of statements) {
      if (st.kind !== K.ExportDeclaration) continue;
      const d = st as ts.ExportDeclaration;
      const spec = specifierValue(x, d.moduleSpecifier);
      const clause = d.exportClause;
      if (spec === undefined) {
        if (clause?.kind !== K.NamedExports || d.isTypeOnly) continue;
        const list = (this.facts.reexports ??= []);
        for (const e of clause.elements) {
          if (e.isTypeOnly) continue;
          const local = specifierName(x, e);
          const exported = e.propertyName ? exportedName(x, e) : local;
          const imp = this.importOf(local);
          const name = imp ? (imp.name ?? '*') : local;
          list.push({ module: imp ? imp.module : '', name, ...(exported !== name ? { as: exported } : {}) });
        }
        continue;
      }
      const module = this.resolveSpecifier(spec);
      const list = (this.facts.reexports ??= []);
      if (clause?.kind !== K.NamedExports) {
        if (clause?.kind === K.NamespaceExport) list.push({ module, name: '*', as: x.text((clause as ts.NamespaceExport).name) });
        else {
          list.push({ module });
          star = true;
        }
        continue;
      }
      for (const e of clause.elements) {
        const as = e.propertyName ? x.text(e.name) : undefined;
        list.push({ module, name: specifierName(x, e), ...(as ? { as } : {}) });
      }
    }
    // `export default User;` and `export default class User {}`: the module's default export is that name, so a
    // default import (`import Member from './user'`) binds the class, as `export { User as default }` does. A
    // default export of anything else (a call, an anonymous class) is not read: such an import keeps the lookup by
    // name (see `NameLookup.classExport`).
    for (const st of statements) {
      let local: string | undefined;
      if (st.kind === K.ExportAssignment && !(st as ts.ExportAssignment).isExportEquals) {
        const e = x.unwrap((st as ts.ExportAssignment).expression);
        if (e && e.kind === K.Identifier) local = x.text(e);
      } else if (st.kind === K.ClassDeclaration && x.tree.modifierFlags(st) & ModifierFlags.Export && x.tree.modifierFlags(st) & ModifierFlags.Default) {
        local = x.name(st);
      }
      if (local === undefined) continue;
      const imp = this.importOf(local);
      const name = imp ? (imp.name ?? '*') : local;
      (this.facts.reexports ??= []).push({ module: imp ? imp.module : '', name, as: 'default' });
    }
    // In a barrel with `export *`, a declaration of its own it exports shadows what an `export *` provides under
    // that name, whether or not FK Guard reads it as a table: it is kept as a local export, so such a name is
    // never taken from the `export *`.
    if (star) {
      const list = this.facts.reexports!;
      for (const st of statements) {
        if (!(x.tree.modifierFlags(st) & ModifierFlags.Export) || x.tree.modifierFlags(st) & ModifierFlags.Default) continue;
        const names =
          st.kind === K.VariableStatement
            ? (st as ts.VariableStatement).declarationList.declarations.map((d) => (d.name.kind === K.Identifier ? x.text(d.name) : undefined))
            : [x.name(st)];
        for (const n of names) if (n !== undefined && !list.some((r) => r.module === '' && r.name === n && r.as === undefined)) list.push({ module: '', name: n });
      }
    }
    // CommonJS: `const { User } = require('./user')`, `const User = require('./user')`.
    for (const st of statements) {
      if (st.kind !== K.VariableStatement) continue;
      for (const decl of (st as ts.VariableStatement).declarationList.declarations) {
        const init = x.unwrap(decl.initializer);
        if (!init || init.kind !== K.CallExpression || x.text((init as ts.CallExpression).expression) !== 'require') continue;
        const spec = x.literal((init as ts.CallExpression).arguments[0]);
        if (!spec) continue;
        const module = this.resolveSpecifier(spec.value);
        const nameNode = decl.name;
        const statementSpan = x.span(st);
        if (nameNode.kind === K.Identifier) {
          this.facts.imports.push({ local: x.text(nameNode), module, span: x.span(nameNode), statementSpan });
        } else if (nameNode.kind === K.ObjectBindingPattern) {
          for (const el of nameNode.elements) {
            const local = x.text(el.name);
            const name = el.propertyName ? x.text(el.propertyName) : local;
            this.facts.imports.push({ local, module, name, span: x.span(el), statementSpan });
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
 * An import's or export's module specifier, as ts-morph's `getModuleSpecifierValue()` gives it: a module
 * specifier that is not a string (only broken code writes one) throws as it did, so a file reads the same.
 */
function specifierValue(x: Syntax, n: ts.Expression | undefined): string | undefined {
  if (!n) return undefined;
  if (n.kind !== x.K.StringLiteral) throw new Error('Expected the module specifier to be a string literal.');
  return (n as ts.StringLiteral).text;
}

/** The name an import or export specifier takes from its module (`b` in `{ b as c }`), a string name unquoted. */
function specifierName(x: Syntax, s: ts.ImportSpecifier | ts.ExportSpecifier): string {
  const n = s.propertyName ?? s.name;
  return n.kind === x.K.StringLiteral ? (n as ts.StringLiteral).text : x.text(n);
}

/** The name an export specifier exports under (`b` of `export { a as b }`). */
function exportedName(x: Syntax, s: ts.ExportSpecifier): string {
  return s.name.kind === x.K.StringLiteral ? (s.name as ts.StringLiteral).text : x.text(s.name);
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
/** TypeORM's `camelCase` (util/StringUtils): `user_id` → `userId`, as its default join column names are made. */
export function typeormCamelCase(text: string): string {
  return text.replace(/^([A-Z])|[\s\-_](\w)/g, (_m, p1: string | undefined, p2: string | undefined) => (p2 ? p2.toUpperCase() : p1!.toLowerCase()));
}

/** TypeORM's `snakeCase`: `UserProfile` → `user_profile`, `HTTPLog` → `http_log`: its default table names. */
export function typeormSnakeCase(text: string): string {
  return text.replace(/([A-Z])([A-Z])([a-z])/g, '$1_$2$3').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
