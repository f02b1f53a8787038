import type { Node, Tree } from 'web-tree-sitter';
import { pythonSyntaxError } from './unreadable';
import { setsAlembicLocations } from './prefilter';
import { classDefinition, decoratorsOf } from './classes';
import { COLUMN_CALLS, typeOf } from './columnTypes';
import { columnHelper, coreTable, isSqlAlchemyTable } from './columns';
import { functionFact } from './derivations';
import { METADATA_CALLS, metadataRoot, metadataSchemaSets } from './metadataRoots';
import { importStatement } from './imports';
import { duplicateClasses, tablesInCode, typeCallClass } from './maybeTables';
import { readUpgrade } from './migrationOps';
import { PythonReader } from './reader';
import { readCall, spanOf, splitDotted } from './syntax';
import type { FileFacts, ParseError } from '../types';

/**
 * Reads the facts of one Python file from its syntax tree: imports, constants, declarative classes, Core
 * tables, Alembic operations, and every foreign-key reference with its exact span. It never throws on broken
 * code: what tree-sitter could not parse is reported in `errors`, and what it could parse still yields facts.
 */
export function extractPython(file: string, text: string, tree: Tree): FileFacts {
  const x = new PythonReader(file, text);
  readModule(x, tree.rootNode);
  if (setsAlembicLocations(text)) x.facts.setsAlembicLocations = true;
  const schemaSets = metadataSchemaSets(text, tree);
  if (schemaSets) x.facts.metadataSchemaSets = schemaSets;
  return x.facts;
}

function readModule(x: PythonReader, root: Node): void {
  collectErrors(x, root);
  block(x, root.namedChildren);
  duplicateClasses(x);
  readUpgrade(x);
}

function block(x: PythonReader, statements: (Node | null)[]): void {
  for (const s of statements) if (s) statement(x, s);
}

export function statement(x: PythonReader, s: Node): void {
  switch (s.type) {
    case 'import_statement':
    case 'import_from_statement':
      importStatement(x, s);
      break;
    case 'expression_statement':
      for (const c of s.namedChildren) if (c) moduleExpression(x, c);
      break;
    case 'class_definition':
      classDefinition(x, s);
      break;
    case 'decorated_definition': {
      const def = s.childForFieldName('definition');
      if (def?.type === 'class_definition') classDefinition(x, def, decoratorsOf(s));
      else if (def?.type === 'function_definition') functionDefinition(x, def);
      break;
    }
    case 'if_statement': {
      // `if "contacts" not in metadata.tables:` builds a table only when no other code did.
      const condition = s.childForFieldName('condition');
      const guard = condition !== null && /\bnot\s+in\s+[\w.]*\btables\b/.test(condition.text);
      for (const c of s.namedChildren) {
        if (!c || c.type === 'comment' || c.id === condition?.id) continue;
        withFallback(x, guard && c.type === 'block', () => statement(x, c));
      }
      break;
    }
    case 'except_clause': {
      // `try: from .generated import contacts` / `except ImportError: contacts = Table(...)`.
      const caught = s.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
      const guard = caught !== undefined && caught !== null && /\b(ImportError|ModuleNotFoundError)\b/.test(caught.text);
      for (const c of s.namedChildren) if (c && c.type !== 'comment') withFallback(x, guard, () => statement(x, c));
      break;
    }
    case 'function_definition':
      functionDefinition(x, s);
      break;
    case 'for_statement':
    case 'while_statement':
      // `for kind in KINDS: Table(f"{kind}_log", metadata, ...)`: tables FK Guard does not unroll.
      tablesInCode(x, s, 'in a loop');
      break;
    case 'try_statement':
    case 'with_statement':
    case 'else_clause':
    case 'elif_clause':
    case 'finally_clause':
    case 'block':
      // Imports and definitions under `if TYPE_CHECKING:` or `try: ... except ImportError:` still count.
      for (const c of s.namedChildren) if (c && c.type !== 'comment') statement(x, c);
      break;
    default:
      break;
  }
}

function withFallback(x: PythonReader, on: boolean, f: () => void): void {
  const was = x.fallback;
  x.fallback = was || on;
  try {
    f();
  } finally {
    x.fallback = was;
  }
}

/** Records a module-level name bound by an assignment that no other fact records. */
function alias(x: PythonReader, name: string, right: Node): void {
  x.facts.aliases ??= {};
  x.facts.aliases[name] = right.type === 'identifier' || right.type === 'attribute' ? right.text.replace(/\s+/g, '') : '';
}

function moduleExpression(x: PythonReader, e: Node): void {
  if (e.type === 'assignment') {
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    if (!left || !right) return;
    if (left.type === 'identifier') {
      const name = left.text;
      const lit = x.literal(right);
      if (lit !== undefined) {
        x.facts.constants[name] = lit.value;
        if (name === 'revision') x.migration().revision = lit.value;
        if (name === 'down_revision') x.migration().downRevision = [lit.value];
        if (name === 'depends_on') x.migration().dependsOn = [lit.value];
        return;
      }
      if ((name === 'down_revision' || name === 'depends_on') && (right.type === 'tuple' || right.type === 'list')) {
        const ids = right.namedChildren.map((c) => (c ? x.literal(c)?.value : undefined)).filter((v): v is string => v !== undefined);
        if (name === 'down_revision') x.migration().downRevision = ids;
        else x.migration().dependsOn = ids;
        return;
      }
      if (right.type === 'tuple' || right.type === 'list') x.moduleSequences.set(name, right);
      if (right.type === 'call') {
        const call = readCall(right);
        if (call.name === 'type') typeCallClass(x, right);
        if (call.name === 'partial' && call.positional[0] && COLUMN_CALLS.has(splitDotted(call.positional[0].text).name)) {
          // `NotNull = functools.partial(Column, nullable=False)`: calls of `NotNull` build columns.
          (x.facts.columnPartials ??= []).push(name);
          return;
        }
        if (call.name === 'Table' && isSqlAlchemyTable(call)) {
          coreTable(x, right, call, name, 'core');
          return;
        }
        if (METADATA_CALLS.has(call.name)) {
          x.facts.metadataRoots.push(metadataRoot(x, name, spanOf(left), right, call));
          return;
        }
        // `PGUUID = postgresql.UUID(as_uuid=True)`: an alias that carries a type.
        const t = typeOf(x, right);
        if (t && t.family !== 'other') x.facts.typeDecorators[name] = { family: t.family, sqlType: t.sqlType };
        alias(x, name, right);
        return;
      }
      if (right.type === 'identifier' || right.type === 'attribute') {
        const t = typeOf(x, right);
        if (t && t.family !== 'other') x.facts.typeDecorators[name] = { family: t.family, sqlType: t.sqlType };
      }
      alias(x, name, right);
    }
  } else if (e.type === 'call') {
    const call = readCall(e);
    if (call.name === 'Table' && isSqlAlchemyTable(call)) coreTable(x, e, call, undefined, 'core');
  }
}

function functionDefinition(x: PythonReader, def: Node): void {
  const name = def.childForFieldName('name')?.text;
  if (name) x.moduleFunctions.set(name, def);
  tablesInCode(x, def, `in \`${name ?? 'a function'}()\``);
  if (name && name !== 'upgrade' && name !== 'downgrade') {
    const fn = functionFact(x, def);
    if (fn) (x.facts.functions ??= {})[name] = fn;
    const helper = fn ? undefined : columnHelper(x, def);
    if (helper) (x.facts.columnHelpers ??= {})[name] = helper;
    return;
  }
  if (name === 'upgrade') x.upgradeDef = def;
}

function collectErrors(x: PythonReader, root: Node): void {
  const errors: ParseError[] = [];
  collectErrorsInto(root, errors);
  x.facts.errors = errors;
}

export function collectErrorsInto(root: Node, errors: ParseError[]): void {
  if (!root.hasError) return;
  const visit = (n: Node) => {
    if (errors.length >= 20) return;
    if (n.type === 'ERROR' || n.isMissing) {
      errors.push(pythonSyntaxError(n.isMissing, n.type, n.isMissing ? '' : n.text, spanOf(n)));
      return;
    }
    if (!n.hasError) return;
    for (const c of n.children) if (c) visit(c);
  };
  visit(root);
}
