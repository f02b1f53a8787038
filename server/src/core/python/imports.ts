import type { Node } from 'web-tree-sitter';
import type { PythonReader } from './reader';
import { spanOf } from './syntax';
import type { ImportFact } from '../types';

/** Python's imports as facts: what each local name of a module is bound to by `import` and `from ... import`. */

export function importStatement(x: PythonReader, s: Node): void {
  const from = x.facts.imports.length;
  importBindings(x, s);
  // A name imported over an `Annotated` alias of this module is that alias no more.
  for (let i = from; i < x.facts.imports.length; i++) x.aliasForeignKeys.delete(x.facts.imports[i].local);
  // Under an `if` (`TYPE_CHECKING` too), an `except` or a `try`: the import may not run when the module does.
  if (x.branches > 0 || x.tries > 0) for (let i = from; i < x.facts.imports.length; i++) x.facts.imports[i].conditional = true;
}

function importBindings(x: PythonReader, s: Node): void {
  const statementSpan = spanOf(s);
  const parenthesized = s.type === 'import_from_statement' && s.children.some((c) => c?.type === '(');
  if (s.type === 'import_statement') {
    for (const c of s.namedChildren) {
      if (!c) continue;
      if (c.type === 'dotted_name') {
        const module = c.text;
        x.facts.imports.push({ local: module.split('.')[0], module, span: spanOf(c), statementSpan });
      } else if (c.type === 'aliased_import') {
        const name = c.childForFieldName('name');
        const alias = c.childForFieldName('alias');
        if (name && alias) x.facts.imports.push({ local: alias.text, module: name.text, span: spanOf(c), statementSpan });
      }
    }
    return;
  }
  const moduleNode = s.childForFieldName('module_name');
  if (!moduleNode) return;
  const module = resolveRelative(x, moduleNode.text);
  for (const c of s.namedChildren) {
    if (!c || c.id === moduleNode.id) continue;
    if (c.type === 'wildcard_import') (x.facts.starImports ??= []).push(module);
    if (c.type === 'dotted_name') {
      x.facts.imports.push({ local: c.text, module, name: c.text, span: spanOf(c), statementSpan, parenthesized });
    } else if (c.type === 'aliased_import') {
      const name = c.childForFieldName('name');
      const alias = c.childForFieldName('alias');
      if (name && alias) {
        x.facts.imports.push({ local: alias.text, module, name: name.text, span: spanOf(c), statementSpan, parenthesized });
      }
    }
  }
}

function resolveRelative(x: PythonReader, module: string): string {
  const m = /^(\.+)(.*)$/.exec(module);
  if (!m) return module;
  const parts = x.facts.module.split('.');
  // A module's package is its path without the last part; each extra dot goes one package up.
  const isInit = /(^|\/)__init__\.pyi?$/.test(x.facts.file);
  const up = m[1].length - (isInit ? 1 : 0);
  const base = parts.slice(0, Math.max(0, parts.length - up));
  return [...base, ...(m[2] ? [m[2]] : [])].join('.');
}

/** Where a local name comes from: `{module, name}` for `from m import name [as local]`. */
export function importOf(x: PythonReader, local: string): ImportFact | undefined {
  return x.facts.imports.find((i) => i.local === local);
}
