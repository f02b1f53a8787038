// The TypeScript oracle: invented Drizzle and TypeORM workspaces whose tables reach the file that references them through
// barrels (`export *`, `export { x } from`, `export { x as y } from`, `export * as ns`, `import` then `export`,
// `export { default as x }`, local declarations beside `export *`, cycles between barrels), imported by name, under
// an alias, as a namespace (`ns.x.col`, `ns.inner.x.col`) or as a default. The TypeScript checker itself (through
// ts-morph) says which declaration each referenced name is; FK Guard's resolution of the same reference (the
// engine's `resolvedReferences`, what navigation shows) must name the same table, or none when TypeScript finds no
// declaration, and it must call a column missing exactly when that table's object has no such key.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Node, Project, SyntaxKind } from 'ts-morph';
import { parseConfig } from '../../server/src/core/config';
import { createEngine } from '../../server/src/host/python';
import { Case, Tally } from './cases';

export interface TypescriptOptions {
  /** Where to write the workspaces (kept only to reproduce a case by hand). */
  work: string;
  seeds: readonly number[];
  /** Workspaces per seed and flavour (Drizzle, TypeORM). */
  count: number;
}

type Flavour = 'drizzle' | 'typeorm';
const HEADER: Record<Flavour, string> = {
  drizzle: 'import { integer, pgTable, serial } from "drizzle-orm/pg-core";\n',
  typeorm: 'import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";\n',
};
const TABLE_FILES = ['a', 'b', 'c', 'd'];
const BARRELS = ['p', 'q', 'r'];
const VARS = ['barns', 'hens', 'coops'];
const SPACES = ['farm', 'yard'];

/** mulberry32: a small seeded generator, so a seed always gives the same workspaces. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  files: Map<string, string>;
  /** The references of src/use.ts: 0-based line, the table expression, the column. */
  refs: Array<{ line: number; expr: string; col: string }>;
}

/**
 * A table's text: its SQL name says where it is declared, and one column is unique to it. Drizzle: a `pgTable` call
 * (`export const v = ` or `export default ` before it); TypeORM: an entity class named `v` (`Dflt<File>` as a default).
 */
function table(flavour: Flavour, file: string, v: string, asDefault: boolean): { text: string; cols: string[] } {
  const own = `${file}${v[0].toUpperCase()}${v.slice(1)}`;
  if (flavour === 'typeorm') {
    const name = asDefault ? `Dflt${file.toUpperCase()}` : v;
    return {
      text: `@Entity("${v}_${file}")\nexport ${asDefault ? 'default ' : ''}class ${name} { @PrimaryGeneratedColumn() id: number; @Column({ unique: true }) ${own}: number; }`,
      cols: ['id', own],
    };
  }
  return {
    text: `${asDefault ? 'export default ' : `export const ${v} = `}pgTable("${v}_${file}", { id: serial("id").primaryKey(), ${own}: integer("${file}_${v}").unique() });`,
    cols: ['id', own],
  };
}

function generate(random: () => number, flavour: Flavour): Generated {
  const HEAD = HEADER[flavour];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const files = new Map<string, string>();
  const allCols = new Set<string>(['id']);
  const modules: string[] = [];
  /** The names each module likely exports, so most imports name something (the rest show what an unbound name gives). */
  const exported = new Map<string, string[]>();
  const exports = (m: string, name: string) => exported.set(m, [...(exported.get(m) ?? []), name]);
  for (const f of TABLE_FILES) {
    let text = HEAD;
    for (const v of VARS) {
      if (random() < 0.45) {
        exports(`t/${f}`, v);
        const t = table(flavour, f, v, false);
        text += t.text + '\n';
        t.cols.forEach((c) => allCols.add(c));
      }
    }
    const dflt = random();
    if (dflt < 0.2) {
      const t = table(flavour, f, 'dflt', true);
      text += t.text + '\n';
      t.cols.forEach((c) => allCols.add(c));
    } else if (dflt < 0.3 && /export (const|class) /.test(text)) {
      text += `export default ${text.match(/export (?:const|class) (\w+)/)![1]};\n`;
    }
    files.set(`src/t/${f}.ts`, text);
    modules.push(`t/${f}`);
  }
  modules.push(...BARRELS.map((b) => `i/${b}`));
  const rel = (from: string, to: string) => (from.split('/')[0] === to.split('/')[0] ? `./${to.split('/')[1]}` : `../${to}`);
  for (const b of BARRELS) {
    const me = `i/${b}`;
    const lines: string[] = [];
    let local = 0;
    // A name exported twice by one module is a syntax error: each statement exports names no earlier one did.
    const taken = new Set<string>();
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      const m = rel(me, pick(modules.filter((x) => x !== me)));
      const v = pick(VARS);
      const form = Math.floor(random() * 9);
      const as = pick(VARS);
      const space = pick(SPACES);
      const name = [undefined, undefined, v, as, space, as, space, v, v][form];
      if (name !== undefined && taken.has(name)) continue;
      if (name !== undefined) taken.add(name);
      if (form <= 1) lines.push(`export * from "${m}";`);
      else if (form === 2) lines.push(`export { ${v} } from "${m}";`), exports(me, v);
      else if (form === 3) lines.push(`export { ${v} as ${as} } from "${m}";`), exports(me, as);
      else if (form === 4) lines.push(`export * as ${space} from "${m}";`);
      else if (form === 5) lines.push(`import { ${v} as ${b}${++local} } from "${m}";`, `export { ${b}${local} as ${as} };`);
      else if (form === 6) lines.push(`import * as ${b}${++local} from "${m}";`, `export { ${b}${local} as ${space} };`);
      else if (form === 7) lines.push(`export { default as ${v} } from "${m}";`), exports(me, v);
      else {
        const t = table(flavour, b, v, false);
        lines.push(t.text);
        exports(me, v);
        t.cols.forEach((c) => allCols.add(c));
      }
    }
    const text = lines.join('\n') + '\n';
    files.set(`src/i/${b}.ts`, /pgTable\(|@Entity\(/.test(text) ? HEAD + text : text);
  }
  const imports: string[] = [];
  const refs: Generated['refs'] = [];
  const body: string[] = [];
  const cols = [...allCols].sort();
  for (let k = 1; k <= 8; k++) {
    const module = pick(modules);
    const m = rel('use', module);
    const v = random() < 0.7 && exported.has(module) ? pick(exported.get(module)!) : pick(VARS);
    const form = Math.floor(random() * 6);
    let expr: string;
    if (form <= 1) {
      imports.push(`import { ${v} as u${k} } from "${m.replace('../', './')}";`);
      expr = `u${k}`;
    } else if (form === 2) {
      imports.push(`import * as u${k} from "${m.replace('../', './')}";`);
      expr = `u${k}.${v}`;
    } else if (form === 3) {
      imports.push(`import * as u${k} from "${m.replace('../', './')}";`);
      expr = `u${k}.${pick(SPACES)}.${v}`;
    } else if (form === 4) {
      imports.push(`import u${k} from "${m.replace('../', './')}";`);
      expr = `u${k}`;
    } else {
      imports.push(`import { ${pick(SPACES)} as u${k} } from "${m.replace('../', './')}";`);
      expr = `u${k}.${v}`;
    }
    // Mostly a column one of the tables named `v` has, so a table taken from the wrong declaration shows.
    const own = cols.filter((c) => c.endsWith(v[0].toUpperCase() + v.slice(1)));
    const col = random() < 0.7 && own.length ? pick(own) : pick(cols);
    refs.push({ line: 0, expr, col });
    body.push(
      flavour === 'drizzle'
        ? `  r${k}: integer("r${k}").references(() => ${expr}.${col}),`
        : `  @ManyToOne(() => ${expr}) @JoinColumn({ name: "r${k}", referencedColumnName: "${col}" }) r${k}: unknown;`,
    );
  }
  const head =
    HEAD +
    imports.join('\n') +
    (flavour === 'drizzle' ? '\n\nexport const pens = pgTable("pens", {\n  id: serial("id").primaryKey(),\n' : '\n\n@Entity("pens")\nexport class Pen {\n  @PrimaryGeneratedColumn() id: number;\n');
  const first = head.split('\n').length - 1;
  refs.forEach((r, i) => (r.line = first + i));
  files.set('src/use.ts', head + body.join('\n') + (flavour === 'drizzle' ? '\n});\n' : '\n}\n'));
  return { files, refs };
}

/**
 * The table TypeScript binds a reference's table expression to: its SQL name and its columns (the object's keys, or
 * the class's properties), or undefined when the name is bound to no table declaration.
 */
function truth(project: Project, useFile: string, line: number, flavour: Flavour): { table: string; cols: string[] } | undefined {
  const source = project.getSourceFileOrThrow(useFile);
  const arrow = source.getDescendantsOfKind(SyntaxKind.ArrowFunction).find((f) => f.getStartLineNumber() - 1 === line);
  const body = arrow?.getBody();
  // Drizzle's arrow returns `table.col`; TypeORM's returns the entity class.
  const target = flavour === 'drizzle' ? (body && Node.isPropertyAccessExpression(body) ? body.getExpression() : undefined) : body;
  if (!target) throw new Error(`no reference on line ${line + 1}`);
  let decl = declarationOf(Node.isPropertyAccessExpression(target) ? target.getNameNode() : target);
  // `export default barns;`: the default is the declaration the identifier names.
  if (decl && Node.isExportAssignment(decl)) {
    const e = decl.getExpression();
    decl = Node.isIdentifier(e) ? declarationOf(e) : e;
  }
  if (flavour === 'typeorm') {
    const entity = decl && Node.isClassDeclaration(decl) ? decl.getDecorator('Entity')?.getArguments()[0] : undefined;
    if (!entity || !Node.isStringLiteral(entity)) return undefined;
    return { table: entity.getLiteralValue(), cols: decl!.asKindOrThrow(SyntaxKind.ClassDeclaration).getProperties().map((p) => p.getName()) };
  }
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : decl;
  if (!init || !Node.isCallExpression(init) || init.getExpression().getText() !== 'pgTable') return undefined;
  const [name, shape] = init.getArguments();
  if (!Node.isStringLiteral(name) || !Node.isObjectLiteralExpression(shape)) return undefined;
  return { table: name.getLiteralValue(), cols: shape.getProperties().map((p) => (Node.isPropertyAssignment(p) ? p.getName() : '')) };
}

/** The declaration a name is bound to, through every import and re-export. */
function declarationOf(name: Node): Node | undefined {
  let symbol = name.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  return symbol?.getDeclarations()[0];
}

export async function typescriptOracle(opts: TypescriptOptions, tally: Tally): Promise<void> {
  const config = parseConfig(undefined, 'oracle').config;
  for (const seed of opts.seeds) {
    for (const flavour of ['drizzle', 'typeorm'] as const) {
    const random = rng(flavour === 'drizzle' ? seed : seed + 1000);
    for (let i = 0; i < opts.count; i++) {
      const ws = `s${seed}/${flavour}${String(i).padStart(3, '0')}`;
      const { files, refs } = generate(random, flavour);
      const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: { noLib: true, noEmit: true } });
      for (const [f, text] of files) project.createSourceFile(`/ws/${f}`, text);
      if (opts.work) {
        for (const [f, text] of files) {
          const p = join(opts.work, ws, f);
          if (!existsSync(dirname(p))) mkdirSync(dirname(p), { recursive: true });
          writeFileSync(p, text);
        }
      }
      const engine = await createEngine(config);
      try {
        for (const [f, text] of files) engine.updateFile(f, text);
        const resolved = engine.resolvedReferences('src/use.ts');
        const unchecked = new Set(engine.unchecked('src/use.ts').map((u) => u.range.start.line));
        for (const r of refs) {
          const at = `src/use.ts:${r.line + 1}`;
          const said = `${r.expr}.${r.col}`;
          tally.count('ts-references');
          const t = truth(project, '/ws/src/use.ts', r.line, flavour);
          const ours = resolved.find((x) => x.ref.span && x.file === 'src/use.ts' && lineOf(files.get('src/use.ts')!, x.ref.span.start) === r.line);
          if (!ours) {
            tally.add(new Case('typescript', ws, 'lost-reference', at, `${said}: FK Guard read no reference here`));
            continue;
          }
          const res = ours.resolution;
          const table = res.kind === 'ok' ? res.def.name : res.kind === 'no-column' ? [...new Set(res.defs.map((d) => d.name))].join('|') : undefined;
          if (unchecked.has(r.line) || res.kind === 'unseen' || res.kind === 'dynamic') {
            tally.count(t ? 'ts-unchecked' : 'ts-unchecked-unbound');
            continue;
          }
          if (!t) {
            if (table !== undefined) tally.add(new Case('typescript', ws, 'bound-nothing', at, `${said}: TypeScript binds no table; FK Guard took ${table} (${res.kind})`));
            else tally.count('ts-unbound-agreed');
            continue;
          }
          if (table !== t.table) {
            tally.add(new Case('typescript', ws, 'wrong-table', at, `${said}: TypeScript binds ${t.table}; FK Guard ${table ?? res.kind}`));
            continue;
          }
          const has = t.cols.includes(r.col);
          if (has && res.kind !== 'ok') tally.add(new Case('typescript', ws, 'false-error', at, `${said}: ${t.table} has ${r.col}; FK Guard ${res.kind}`));
          else if (!has && res.kind === 'ok') tally.add(new Case('typescript', ws, 'missed-error', at, `${said}: ${t.table} has no ${r.col}`));
          else tally.count(has ? 'ts-right-passed' : 'ts-wrong-caught');
        }
      } finally {
        engine.dispose();
      }
    }
    }
  }
}

function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
