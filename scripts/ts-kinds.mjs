// Writes server/src/core/typescript/syntaxKinds.ts from the compiler ts-morph carries: the SyntaxKind, NodeFlags and
// ModifierFlags numbers the fast parser's trees carry. Run after a compiler upgrade (test/engine/tsFastParse.test.ts
// fails until then).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const { ts } = createRequire(import.meta.url)('ts-morph');
const table = (name, e, names) => `export const ${name} = {\n${names.map((n) => `  ${n}: ${e[n]},`).join('\n')}\n} as const;\n`;
const out = [
  `// The compiler's SyntaxKind, NodeFlags and ModifierFlags numbers (TypeScript ${ts.version}, the compiler ts-morph pins), so that`,
  "// trees made by fastParse.ts carry the kinds the readers compare with without loading the compiler.",
  "// test/engine/tsFastParse.test.ts checks every number against the compiler's own enums.",
  '// Written by scripts/ts-kinds.mjs: run it after a compiler upgrade.',
  '',
  table('SyntaxKind', ts.SyntaxKind, Object.keys(ts.SyntaxKind).filter((k) => Number.isNaN(Number(k)))),
  table('NodeFlags', ts.NodeFlags, ['None', 'Let', 'Const', 'Using', 'AwaitUsing', 'BlockScoped', 'Namespace', 'OptionalChain', 'GlobalAugmentation', 'JavaScriptFile']),
  table('ModifierFlags', ts.ModifierFlags, ['None', 'Public', 'Private', 'Protected', 'Readonly', 'Override', 'Export', 'Abstract', 'Ambient', 'Static', 'Accessor', 'Async', 'Default', 'Const', 'In', 'Out', 'Decorator']),
].join('\n');
writeFileSync(join(root, 'server/src/core/typescript/syntaxKinds.ts'), out);
