// The TypeScript compiler is ~10 MB of JavaScript: a workspace without TypeScript ORM files must never load
// it, nor one whose files the fast parser (core/typescript/fastParse.ts) reads whole. These tests run the shipped
// CLI bundle in a child process and watch every module it requires.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTree, removeTree } from './tmp';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');

/** Runs `fkguard scan` on `root` and says whether the TypeScript compiler (`dist/typescript.js`, or ts-morph) was required. */
function scan(root: string, env: NodeJS.ProcessEnv = {}): { loaded: boolean; stdout: string } {
  const preload = join(root, '.watch-requires.cjs');
  writeFileSync(
    preload,
    `const M = require('module'); const load = M._load; let hit = false;
M._load = function (request, ...rest) { if (/ts-morph|(^|[\\\\/])typescript\\.js$/.test(request)) hit = true; return load.call(this, request, ...rest); };
process.on('exit', () => process.stderr.write('\\nts-morph-loaded=' + hit + '\\n'));`,
  );
  const r = spawnSync(process.execPath, ['-r', preload, CLI, 'scan', root], { encoding: 'utf8', env: { ...process.env, FKGUARD_TS_SCANNER: undefined, ...env } });
  const m = /ts-morph-loaded=(true|false)/.exec(r.stderr);
  assert.ok(m, `no report from the preload: ${r.stderr}`);
  return { loaded: m[1] === 'true', stdout: r.stdout };
}

describe('TypeScript support loads lazily', () => {
  it('never loads the compiler for a workspace without TypeScript ORM files', () => {
    const root = makeTree({
      'app/models.py': 'from sqlalchemy import Column, ForeignKey, Integer\nfrom app.base import Base\n\nclass Post(Base):\n    __tablename__ = "posts"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey("user.id"))\n',
      'web/src/main.ts': "import { createApp } from 'vue';\n\ncreateApp({}).mount('#app');\n",
      'web/src/util.js': 'export const table = (rows) => rows.map((r) => r.id);\n',
    });
    try {
      const r = scan(root);
      assert.match(r.stdout, /unknown-table/);
      assert.equal(r.loaded, false);
    } finally {
      removeTree(root);
    }
  });

  const entities = {
    'src/user.ts': "import { Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity('users')\nexport class User {\n  @PrimaryGeneratedColumn('uuid')\n  id: string;\n}\n",
    'src/post.ts': "import { Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';\nimport { User } from './user';\n\n@Entity()\nexport class Post {\n  @PrimaryGeneratedColumn()\n  id: number;\n\n  @ManyToOne(() => User)\n  @JoinColumn({ referencedColumnName: 'uid' })\n  user: User;\n}\n",
  };

  it('never loads it for TypeORM entities the fast parser reads whole', () => {
    const root = makeTree(entities);
    try {
      const r = scan(root);
      assert.equal(r.loaded, false);
      assert.match(r.stdout, /`users` has no column `uid`/);
    } finally {
      removeTree(root);
    }
  });

  it('loads it, from the bundle beside the CLI, for a file the fast parser leaves (a dotted namespace), and for every file with FKGUARD_TS_SCANNER=0', () => {
    const root = makeTree({ ...entities, 'src/seed.ts': "import { DataSource } from 'typeorm';\n\nexport namespace Seeds.Batches {\n  export const source = DataSource;\n}\n" });
    const plain = makeTree(entities);
    try {
      const r = scan(root);
      assert.equal(r.loaded, true);
      assert.match(r.stdout, /`users` has no column `uid`/);
      const reference = scan(plain, { FKGUARD_TS_SCANNER: '0' });
      assert.equal(reference.loaded, true);
      assert.match(reference.stdout, /`users` has no column `uid`/);
    } finally {
      removeTree(root);
      removeTree(plain);
    }
  });
});
