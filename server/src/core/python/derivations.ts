import type { Node } from 'web-tree-sitter';
import { importOf } from './imports';
import type { PythonReader } from './reader';
import type { Derivation, FunctionFact } from '../types';

/**
 * Table-name derivations: a function body (`@declared_attr def __tablename__(cls)`, or a helper it calls) read
 * as a string computation the index can evaluate for each class.
 */

/**
 * A function whose body FK Guard can evaluate as a string computation: assignments to local names, then
 * one `return`. Parameters become `param` nodes (a class passed as `cls` stands for its name, since
 * `cls.__name__` is all such helpers read of it). Anything else (a branch, a loop) gives undefined.
 */
export function functionFact(x: PythonReader, def: Node): FunctionFact | undefined {
  const params = def.childForFieldName('parameters');
  const body = def.childForFieldName('body');
  if (!params || !body) return undefined;
  const names: string[] = [];
  for (const p of params.namedChildren) {
    if (!p) continue;
    const id = p.type === 'identifier' ? p : p.type === 'typed_parameter' ? p.namedChildren[0] : p.type === 'default_parameter' || p.type === 'typed_default_parameter' ? p.childForFieldName('name') : null;
    if (id?.type !== 'identifier') return undefined;
    names.push(id.text);
  }
  const env = new Map<string, Derivation>(names.map((n, i) => [n, { k: 'param', i }]));
  const statements = body.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (statements.length > 12) return undefined;
  for (const [i, st] of statements.entries()) {
    const last = i === statements.length - 1;
    if (st.type === 'return_statement') {
      const value = st.namedChildren[0];
      const d = last && value ? derivation(x, value, env) : undefined;
      return d ? { params: names.length, body: d } : undefined;
    }
    if (st.type !== 'expression_statement') return undefined;
    const e = st.namedChildren[0];
    if (e?.type === 'string' && i === 0) continue;
    if (e?.type !== 'assignment') return undefined;
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    const d = right ? derivation(x, right, env) : undefined;
    if (left?.type !== 'identifier' || !d) return undefined;
    env.set(left.text, d);
  }
  return undefined;
}

function derivation(x: PythonReader, n: Node, env: Map<string, Derivation>): Derivation | undefined {
  switch (n.type) {
    case 'parenthesized_expression':
      return n.namedChildren[0] ? derivation(x, n.namedChildren[0], env) : undefined;
    case 'identifier':
      return env.get(n.text);
    case 'attribute': {
      // `cls.__name__`: the class stands for its name (see `functionFact`).
      const obj = n.childForFieldName('object');
      const attr = n.childForFieldName('attribute')?.text;
      return obj?.type === 'identifier' && attr === '__name__' ? env.get(obj.text) : undefined;
    }
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.text;
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const dl = l ? derivation(x, l, env) : undefined;
      const dr = r ? derivation(x, r, env) : undefined;
      return op === '+' && dl && dr ? { k: 'concat', parts: [dl, dr] } : undefined;
    }
    case 'concatenated_string':
    case 'string': {
      const lit = x.literal(n);
      if (lit) return { k: 'lit', v: lit.value };
      if (n.type === 'concatenated_string') return undefined;
      const start = n.children.find((c) => c?.type === 'string_start')?.text ?? '';
      if (!/f/i.test(start) || /r/i.test(start)) return undefined;
      // The text between interpolations as Python makes it (`{{` is `{`, escapes decoded), `{x=}` refused.
      const pieces = x.fStringPieces(n);
      if (!pieces) return undefined;
      const parts: Derivation[] = [];
      for (const p of pieces) {
        if ('literal' in p) {
          parts.push({ k: 'lit', v: p.literal });
          continue;
        }
        const c = p.interpolation;
        const e = c.childForFieldName('expression') ?? c.namedChildren[0];
        if (c.namedChildren.some((x) => x && (x.type === 'format_specifier' || x.type === 'type_conversion'))) return undefined;
        const d = e ? derivation(x, e, env) : undefined;
        if (!d) return undefined;
        parts.push(d);
      }
      return { k: 'concat', parts };
    }
    case 'list_comprehension':
    case 'generator_expression': {
      // `[x.lower() for x in parts if x]`: one loop over a list, optionally dropping empty parts.
      const body = n.childForFieldName('body');
      const loops = n.namedChildren.filter((c) => c?.type === 'for_in_clause');
      const ifs = n.namedChildren.filter((c) => c?.type === 'if_clause');
      if (!body || loops.length !== 1 || ifs.length > 1) return undefined;
      const variable = loops[0]!.childForFieldName('left');
      const over = loops[0]!.childForFieldName('right');
      if (variable?.type !== 'identifier' || !over) return undefined;
      const condition = ifs[0]?.namedChildren[0];
      if (ifs.length === 1 && condition?.text !== variable.text) return undefined;
      const of = derivation(x, over, env);
      const inner = new Map(env);
      inner.set(variable.text, { k: 'item' });
      const d = derivation(x, body, inner);
      return of && d ? { k: 'each', of, body: d, nonEmpty: ifs.length === 1 } : undefined;
    }
    case 'call': {
      const f = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      if (f?.type === 'attribute' && args?.type === 'generator_expression') {
        // `"_".join(x.lower() for x in parts if x)`
        const sep = x.literal(f.childForFieldName('object')!)?.value;
        const of = derivation(x, args, env);
        return f.childForFieldName('attribute')?.text === 'join' && sep !== undefined && of ? { k: 'join', sep, of } : undefined;
      }
      if (!f || !args || args.type !== 'argument_list') return undefined;
      const argNodes = args.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
      if (argNodes.some((a) => a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat')) return undefined;
      if (f.type === 'attribute') {
        const obj = f.childForFieldName('object');
        const method = f.childForFieldName('attribute')?.text;
        const sep = obj ? x.literal(obj)?.value : undefined;
        if (method === 'join' && sep !== undefined && argNodes.length === 1) {
          const of = derivation(x, argNodes[0], env);
          return of ? { k: 'join', sep, of } : undefined;
        }
        if ((method === 'lower' || method === 'upper') && argNodes.length === 0 && obj) {
          const of = derivation(x, obj, env);
          return of ? { k: method, of } : undefined;
        }
      }
      const callee = f.text.replace(/\s+/g, '');
      const imp = importOf(x, callee);
      if (callee === 're.split' || (imp?.module === 're' && imp.name === 'split')) {
        const pattern = argNodes.length === 2 ? x.literal(argNodes[0])?.value : undefined;
        const of = argNodes.length === 2 ? derivation(x, argNodes[1], env) : undefined;
        return pattern !== undefined && of ? { k: 'split', pattern, of } : undefined;
      }
      if (callee === 're.sub' || (imp?.module === 're' && imp.name === 'sub')) {
        if (argNodes.length !== 3) return undefined;
        const pattern = x.literal(argNodes[0])?.value;
        const repl = x.literal(argNodes[1])?.value;
        const of = derivation(x, argNodes[2], env);
        return pattern !== undefined && repl !== undefined && of ? { k: 'sub', pattern, repl, of } : undefined;
      }
      if (f.type !== 'identifier' && f.type !== 'attribute') return undefined;
      const derived = argNodes.map((a) => derivation(x, a, env));
      if (derived.some((d) => !d)) return undefined;
      return { k: 'call', fn: callee, args: derived as Derivation[] };
    }
    default:
      return undefined;
  }
}

/** A derivation with its parameters replaced by the given arguments. */
export function substitute(d: Derivation, args: Derivation[]): Derivation {
  switch (d.k) {
    case 'param':
      return args[d.i] ?? d;
    case 'name':
    case 'lit':
    case 'item':
      return d;
    case 'split':
    case 'join':
      return { ...d, of: substitute(d.of, args) };
    case 'each':
      return { ...d, of: substitute(d.of, args), body: substitute(d.body, args) };
    case 'lower':
    case 'upper':
      return { k: d.k, of: substitute(d.of, args) };
    case 'sub':
      return { ...d, of: substitute(d.of, args) };
    case 'concat':
      return { k: 'concat', parts: d.parts.map((p) => substitute(p, args)) };
    case 'call':
      return { k: 'call', fn: d.fn, args: d.args.map((a) => substitute(a, args)) };
  }
}
