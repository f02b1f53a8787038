import type { PythonDependenciesFact } from '../types';
import { admits } from './dependencies';

/**
 * Which Flask-SQLAlchemy a model file's project installs, as far as its naming goes: before 3.0 (`major: 2`, the
 * `([A-Z]+)(?=[a-z0-9])` rule of 0.x–2.5.1: `UserAPI` → `userAPI`) or from 3.0 on (`major: 3`: `user_api`), or not
 * known, with why.
 */
export type FlaskNaming = { major: 2 | 3 } | { unknown: string };

/**
 * Which SQLAlchemy a model file's project installs, as far as the names a fix may import go: before 2.0 (`major: 1`:
 * no `sqlalchemy.Uuid`, `Double`, `mapped_column`) or from 2.0 on (`major: 2`), or not known, with why.
 */
export type SqlalchemyMajor = { major: 1 | 2 } | { unknown: string };

/** A package's side of a version split in a project: some version before it (`below`), from it on, or not known. */
type Side = { below: boolean } | { unknown: string };

/**
 * The workspace's Python projects, each a folder holding dependency files (a `requirements/` folder's files belong
 * to the folder above it), and the Flask-SQLAlchemy version each one's files admit. A model file belongs to the
 * nearest project above it. The files of a project may be alternatives (prod and dev requirements, a pyproject and
 * a lock), so the project's version is known only when every file that names Flask-SQLAlchemy admits the same
 * side of 3.0; its locks, where one names the package, are what is installed and decide alone (so does a pip-tools
 * `requirements.txt` over the `requirements.in` it is compiled from). Within one file
 * every requirement holds (pip applies each line and each `-r`/`-c` include).
 */
export class PythonProjects {
  private readonly files = new Map<string, PythonDependenciesFact>();
  private byFolder: Map<string, string[]> | undefined;
  /** By package and project folder (`package\0folder`), the side of its version split the project's files admit. */
  private sides = new Map<string, Side>();

  /** Takes a file's dependency facts (undefined: it has none, or is gone). True when that changes anything. */
  set(file: string, deps: PythonDependenciesFact | undefined): boolean {
    const before = this.files.get(file);
    if (!deps && !before) return false;
    if (deps && before && JSON.stringify(deps) === JSON.stringify(before)) return false;
    if (deps) this.files.set(file, deps);
    else this.files.delete(file);
    this.byFolder = undefined;
    this.sides = new Map();
    return true;
  }

  /** The Flask-SQLAlchemy naming of the project `file` (a model file) belongs to. */
  naming(file: string): FlaskNaming {
    const side = this.side(file, 'flask-sqlalchemy', [3]);
    return 'unknown' in side ? side : { major: side.below ? 2 : 3 };
  }

  /** The SQLAlchemy major of the project `file` (a model file) belongs to. */
  sqlalchemyMajor(file: string): SqlalchemyMajor {
    const side = this.side(file, 'sqlalchemy', [2]);
    return 'unknown' in side ? side : { major: side.below ? 1 : 2 };
  }

  /** Which side of `at` the versions of `pkg` that the project of `file` admits fall on. */
  private side(file: string, pkg: string, at: number[]): Side {
    if (this.files.size === 0) return { unknown: 'no dependency file of this workspace (requirements*.txt, pyproject.toml, a lock, Pipfile, setup.cfg) names it' };
    const folders = (this.byFolder ??= this.projectFolders());
    let dir = file;
    while (dir !== '') {
      const cut = dir.lastIndexOf('/');
      dir = cut < 0 ? '' : dir.slice(0, cut);
      const files = folders.get(dir);
      if (!files) continue;
      const key = `${pkg}\0${dir}`;
      let known = this.sides.get(key);
      if (!known) this.sides.set(key, (known = this.projectSide(dir, files, pkg, at)));
      return known;
    }
    return { unknown: `no dependency file FK Guard reads (requirements*.txt, pyproject.toml, a lock, Pipfile, setup.cfg) is in ${file}'s folder or above it` };
  }

  private projectFolders(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const file of [...this.files.keys()].sort()) {
      const cut = file.lastIndexOf('/');
      let dir = cut < 0 ? '' : file.slice(0, cut);
      if (/(^|\/)requirements?$/i.test(dir)) dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
      const list = out.get(dir);
      if (list) list.push(file);
      else out.set(dir, [file]);
    }
    return out;
  }

  private projectSide(dir: string, files: string[], pkg: string, at: number[]): Side {
    const where = dir === '' ? 'the workspace folder' : `${dir}/`;
    const named: { file: string; specs: (string | null)[] }[] = [];
    const unread: string[] = [];
    for (const file of files) {
      // pip-tools: `requirements.in` is compiled into `requirements.txt`, whose pins are what is installed.
      if (file.endsWith('.in') && files.includes(`${file.slice(0, -3)}.txt`)) continue;
      const specs: (string | null)[] = [];
      this.collect(file, pkg, specs, unread, new Set());
      if (specs.length > 0) named.push({ file, specs });
    }
    const locks = named.filter((n) => this.files.get(n.file)?.lock);
    const deciding = locks.length > 0 ? locks : named;
    if (deciding.length === 0) {
      const missing = unread.length > 0 ? `, and ${unread[0]}, which one includes, is not a file FK Guard read` : '';
      return { unknown: `no dependency file of the project in ${where} names it${missing}` };
    }
    let below = false;
    let from = false;
    for (const n of deciding) {
      if (n.specs.includes(null)) return { unknown: `${n.file} installs it from a source whose version FK Guard cannot tell` };
      let b = true;
      let f = true;
      for (const spec of n.specs as string[]) {
        const a = admits(spec, at);
        if (!a) return { unknown: `FK Guard cannot read the version \`${spec}\` that ${n.file} asks for` };
        b &&= a.below;
        f &&= a.from;
      }
      if (!b && !f) return { unknown: `the requirements of ${n.file} on it (\`${n.specs.join('`, `')}\`) admit no version together, so some apply only under markers FK Guard does not evaluate` };
      if (b && f) return { unknown: `${n.file} admits both (\`${n.specs.filter((s) => s !== '').join(',') || 'any version'}\`)` };
      below ||= b;
      from ||= f;
    }
    if (below && from) return { unknown: `the dependency files of the project in ${where} disagree (${deciding.map((n) => `${n.file}: \`${n.specs.join(',') || 'any'}\``).join('; ')})` };
    return { below };
  }

  /** A file's specifiers of `pkg` with those of the files it includes, and the includes FK Guard has not read. */
  private collect(file: string, pkg: string, specs: (string | null)[], unread: string[], seen: Set<string>): void {
    if (seen.has(file)) return;
    seen.add(file);
    const deps = this.files.get(file);
    if (!deps) {
      unread.push(file);
      return;
    }
    for (const r of deps.requires) if (r.name === pkg) specs.push(r.spec);
    for (const i of deps.includes ?? []) this.collect(i, pkg, specs, unread, seen);
  }
}
