// The TypeScript compiler's cost on its own, in a fresh process: the time to require the shipped ts-morph bundle
// (dist/ts-morph.js, which the host loads on the first TypeScript ORM file), the first parse of a small entity
// (its first Project and source file, when the compiler's code is still cold), and what the two add to the
// resident set. Prints one JSON object.
'use strict';
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');

const rss = () => process.memoryUsage().rss / 1024;
const before = rss();
const t0 = performance.now();
const tm = require(join(__dirname, '..', 'dist', 'ts-morph.js'));
const requireMs = performance.now() - t0;
const afterRequire = rss();
const t1 = performance.now();
const project = new tm.Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: { experimentalDecorators: true, noResolve: true } });
const sf = project.createSourceFile(
  '/entity.ts',
  "import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity('users')\nexport class User {\n  @PrimaryGeneratedColumn('uuid')\n  id: string;\n}\n",
);
sf.getClasses()[0].getDecorators().map((d) => d.getName());
const firstParseMs = performance.now() - t1;
process.stdout.write(
  `${JSON.stringify({ requireMs, firstParseMs, rssBeforeKb: before, rssAfterRequireKb: afterRequire, rssAfterParseKb: rss() })}\n`,
);
