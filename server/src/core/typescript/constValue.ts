import type { ts } from 'ts-morph';
import type { Syntax } from './syntax';

/** A value JavaScript gives an option, as far as FK Guard reads it without running code. */
export type ConstValue = { value: boolean | number | string | null | undefined } | undefined;

/** How far a constant may be bound to another before FK Guard stops following (`const A = B; const B = true`). */
const DEPTH = 8;

/**
 * The value of an option written as a literal (`true`, `1`, `'UNIQUE'`, `null`), as `!x`, in parentheses, or as a
 * name a top-level `const` of this file binds to such a value (`const UNIQUE = true`), as JavaScript evaluates it.
 * Undefined when FK Guard cannot read it: an import, a `let`, a call, a property of an object. An option that is not
 * written at all is `{ value: undefined }`.
 */
export function constValue(x: Syntax, n: ts.Node | undefined, depth = 0): ConstValue {
  const K = x.K;
  if (!n) return { value: undefined };
  const e = x.unwrap(n);
  if (!e || depth > DEPTH) return undefined;
  switch (e.kind) {
    case K.TrueKeyword:
      return { value: true };
    case K.FalseKeyword:
      return { value: false };
    case K.NullKeyword:
      return { value: null };
    case K.NumericLiteral:
      return { value: Number((e as ts.NumericLiteral).text) };
    case K.StringLiteral:
    case K.NoSubstitutionTemplateLiteral:
      return { value: (e as ts.StringLiteral).text };
    case K.PrefixUnaryExpression: {
      const u = e as ts.PrefixUnaryExpression;
      if (u.operator !== K.ExclamationToken) return undefined;
      const inner = constValue(x, u.operand, depth + 1);
      return inner ? { value: !inner.value } : undefined;
    }
    case K.Identifier: {
      const name = x.text(e);
      if (name === 'undefined') return { value: undefined };
      const found = x.topVariable(name);
      if (!found || !found.isConst || found.decl.name.kind !== K.Identifier || !found.decl.initializer) return undefined;
      return constValue(x, found.decl.initializer, depth + 1);
    }
    default:
      return undefined;
  }
}

/** Whether a value JavaScript reads in a condition (`options.unique ? true : false`) is true; undefined when not known. */
export function truthy(v: ConstValue): boolean | undefined {
  return v ? !!v.value : undefined;
}
