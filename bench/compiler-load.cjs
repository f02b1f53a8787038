// The TypeScript compiler's cost on its own, in a fresh process: the time to require the shipped compiler bundle
// (dist/typescript.js, which the host loads on the first TypeScript ORM file), the first parse of a small entity
// (as the dialect parses a file, when the compiler's code is still cold), and what the two add to the resident
// set. Prints one JSON object.
'use strict';
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');

const rss = () => process.memoryUsage().rss / 1024;
const before = rss();
const t0 = performance.now();
const ts = require(join(__dirname, '..', 'dist', 'typescript.js'));
const requireMs = performance.now() - t0;
const afterRequire = rss();
const t1 = performance.now();
const sf = ts.createSourceFile(
  '/entity.ts',
  "import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity('users')\nexport class User {\n  @PrimaryGeneratedColumn('uuid')\n  id: string;\n}\n",
  ts.ScriptTarget.Latest,
  true,
);
sf.statements.filter(ts.isClassDeclaration).flatMap((c) => ts.getDecorators(c) ?? []).map((d) => d.expression.getText(sf));
const firstParseMs = performance.now() - t1;
process.stdout.write(
  `${JSON.stringify({ requireMs, firstParseMs, rssBeforeKb: before, rssAfterRequireKb: afterRequire, rssAfterParseKb: rss() })}\n`,
);
