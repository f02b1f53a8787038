import type { NamingConvention } from './config';
import type { FlaskNaming } from './python/flaskVersion';
import type { Binding, PythonNames } from './python/names';
import { classNamed } from './classPlaces';
import { addColumn, IndexedColumn, newTable, ownAttrs, sameColumn, TableDef } from './tables';
import { positionAt } from './text';
import { typeormCamelCase } from './typescript/context';
import { mapJoinTable } from './typescript/joinTables';
import { sequelizeColumnName, SequelizeDefine, SequelizeLegacy, sequelizeModelSchema, sequelizeModelTable, sequelizeColumnNaming } from './typescript/sequelize';
import type { ClassFact, ColumnFact, FileFacts, MetadataRootFact, NameExpr, SequelizeAssociationKey, TypeFact, TypeormSourceFact, UncheckedReason } from './types';

/**
 * A class whose table name FK Guard cannot know: a `@declared_attr` `__tablename__` it cannot evaluate, or a
 * base it cannot resolve (which may name the table). A reference to a table such a class could define is
 * not an error, but unchecked.
 */
export interface NamelessClass {
  file: string;
  cls: ClassFact;
  reason: 'declared-attr' | 'unresolved-base' | Exclude<UncheckedReason, 'declared-attr' | 'unresolved-base'>;
  /** The base that decides the name (`Base`), or the unresolved base. */
  base: string;
  /** What FK Guard could not know, in a sentence, when the reason alone does not say (a TypeORM join table). */
  detail?: string;
  /**
   * What a table's name (lowered, without underscores) must hold to be this class's: any one of these.
   * Unset, the class's own name (see `SchemaIndex.namelessCandidate`).
   */
  matches?: string[];
  /**
   * The class's table may have any name at all, whatever words its class name holds: an `__init_subclass__` sets it,
   * or (set by `SchemaIndex.namelessCandidate` on the copy it returns) a `@declared_attr` body FK Guard cannot evaluate.
   */
  anyName?: true;
  /** Where the unreadable `__tablename__` is, for the one note that explains it. */
  baseFile?: string;
  baseClass?: ClassFact;
}

/**
 * How a class maps: to a table, to nothing (a mixin or abstract base), or to a table whose name is unknown.
 * `namedFromClass`: the table's name is made from the class name alone (SQLModel lowers it, Flask-SQLAlchemy turns
 * it into snake case), so a class with the same header under another name maps the same way (conclusionsSince.ts).
 */
export type ClassMapping = { table: TableDef; namedFromClass?: NamedFromClass } | { table: undefined; unknownName: boolean; nameless?: NamelessClass };

/**
 * How a table's name is made from its class's name alone: `lower` (SQLModel), `snake` (Flask-SQLAlchemy 3), `snake-2`
 * (Flask-SQLAlchemy before 3), `snake-either` (Flask-SQLAlchemy of a version not known, for a class name both rules
 * turn into one table name: another class name may not).
 */
export type NamedFromClass = 'lower' | 'snake' | 'snake-2' | 'snake-either';

/**
 * The classes in the MRO of each Python type FK Guard reads from a `Mapped[...]` annotation (see `annotationType`), by
 * its last name: SQLAlchemy looks each of them up in the `type_annotation_map`, in this order, before its defaults.
 */
const ANNOTATION_MRO: Record<string, string[]> = {
  int: ['int'],
  str: ['str'],
  UUID: ['UUID'],
  float: ['float'],
  Decimal: ['Decimal'],
  bool: ['bool', 'int'],
  datetime: ['datetime', 'date'],
  date: ['date'],
  time: ['time'],
  timedelta: ['timedelta'],
  bytes: ['bytes'],
};

/**
 * Whether a `type_annotation_map` (its keys as written, or `true` when unread) may type the annotation `written`: a
 * key naming a class of its MRO, or `object` (a generic key, `dict[str, Any]` or `Annotated[str, 50]`, is looked up
 * only for annotations written that way, which FK Guard does not type; its head is compared all the same).
 */
function mapTypes(map: true | string[], written: string): boolean {
  if (map === true) return true;
  const mro = ANNOTATION_MRO[written.slice(written.lastIndexOf('.') + 1)];
  if (!mro) return true;
  return map.some((key) => {
    const head = key.split('[')[0];
    const last = head.slice(head.lastIndexOf('.') + 1);
    return last === 'object' || mro.includes(last);
  });
}

/**
 * Whether a `type_annotation_map` may type a `Mapped[alias]` column whose `Annotated` alias gives no type: SQLAlchemy
 * looks the alias up first (a key written as its name), then the Python type inside it.
 */
function mapsAlias(map: true | string[], alias: string, inner: string): boolean {
  if (map === true) return true;
  const last = alias.slice(alias.lastIndexOf('.') + 1);
  return map.some((key) => key === alias || key.slice(key.lastIndexOf('.') + 1) === last) || mapTypes(map, inner);
}

/** Bases from outside the workspace that add no columns: SQLAlchemy's own, typing's, the standard library's. */
const KNOWN_EXTERNAL_BASES = /^(DeclarativeBase|DeclarativeBaseNoMeta|SQLModel|AsyncAttrs|MappedAsDataclass|Generic|Protocol|ABC|Enum|IntEnum|StrEnum|TypeDecorator|UserDefinedType|NamedTuple|TypedDict|object)$/;
/** Builtins a class may derive from without importing them. */
const BUILTIN_BASES = /^(object|str|int|float|dict|list|tuple|Exception|type)$/;

/** What mapping classes to tables needs from the schema index. */
export interface ClassMappingHost {
  facts(file: string): FileFacts | undefined;
  /** Python name resolution over the workspace (see `python/names.ts`). */
  readonly names: PythonNames;
  /** A class as `file` sees the name (see `SchemaIndex.findClass`). */
  findClass(file: string, dotted: string): { file: string; cls: ClassFact } | undefined;
  resolveName(file: string, expr: NameExpr | undefined): string | undefined;
  resolveType(file: string, type: TypeFact | undefined): TypeFact | undefined;
  /** Adds a derived table to the index. */
  addTable(def: TableDef): void;
  /** The `naming.declared-attr` setting for the base `className` of `file` (per base, else for every base). */
  declaredAttrConvention(className: string, file: string): NamingConvention | undefined;
  /** The project's own TypeORM naming (see `JoinTableHost.typeormNaming`). */
  typeormNaming(): { file: string; text: string } | undefined;
  /** Every TypeORM data source of the workspace (see `SchemaIndex.typeormSources`). */
  typeormSources(): ReadonlyArray<{ file: string; source: TypeormSourceFact }>;
  /** The project's Sequelize `define` (see `SchemaIndex.sequelizeDefine`). */
  sequelizeDefine(): SequelizeDefine | undefined;
  /** The database that judges `file` (see `SchemaIndex.dialectOf`). */
  dialectOf(file: string): string;
  /** A package.json admitting Sequelize 4 (see `SchemaIndex.sequelizeLegacy`). */
  sequelizeLegacy(): SequelizeLegacy | undefined;
  /** The keys associations of other files add to Sequelize models (see `SchemaIndex.sequelizeKeys`). */
  sequelizeKeys(): SequelizeKeys;
  /** The metadata objects (by id) some file assigns a `schema` to, with that file (see `FileFacts.metadataSchemaSets`). */
  metadataSchemaSets(): ReadonlyMap<string, string>;
  /**
   * The declarative bases (by their own root's id) whose metadata Flask-SQLAlchemy replaces with a `db`'s, with that
   * `db`'s root (see `MetadataRootFact.rebinds`).
   */
  metadataRebinds(): ReadonlyMap<string, { file: string; root: MetadataRootFact }>;
  /** The Flask-SQLAlchemy naming of the project `file` belongs to (see `python/flaskVersion.ts`). */
  flaskNaming(file: string): FlaskNaming;
}

/**
 * The keys Sequelize associations add to models other files define, by the model's name (see `SchemaIndex.
 * sequelizeKeys`): `alone` when one Sequelize class of the workspace has that name.
 */
export type SequelizeKeys = Map<string, { alone: boolean; keys: Array<{ file: string; key: SequelizeAssociationKey }> }>;

/**
 * The schema a metadata object gives its tables that name none (and the unqualified foreign-key strings in them):
 * `known` with the schema (unset: none), or not known, with why.
 */
export type MetadataSchema = { known: true; schema?: string } | { known: false; why: string };

/**
 * Declarative classes to tables: which table a class defines or adds columns to (its own, a parent's by
 * single-table inheritance, none for a mixin or a base), with its columns, schema and metadata gathered
 * from its ancestry. Mappings are kept per class, and forgotten per file when the index derives a file again.
 */
export class ClassMapper {
  /** What each class maps to, by `classId`. */
  readonly classMap = new Map<string, ClassMapping>();
  /** The ids in `classMap` of each file's classes, so deriving one file again forgets only its own. */
  readonly classIdsByFile = new Map<string, string[]>();
  /** Classes whose table names FK Guard cannot know, by file. */
  readonly nameless = new Map<string, NamelessClass[]>();
  /**
   * `host.findClass` answers of this derivation, by file and name as written, with the found class's id. Mapping a
   * class asks about each of its bases up to eight times (its mapping, columns, schema, metadata, name), and each
   * `classId` made again was a new string to hash into `classMap` (on 10,000 model files, a fifth of deriving the
   * tables). The answers hold as long as the files do: `newDerivation` forgets them whenever the index derives.
   */
  private found = new Map<string, Map<string, FoundClass | null>>();
  /**
   * The ids of the classes a Python class that is no SQLModel data model (a table class) is built on, directly or
   * through other classes, made once a derivation when first asked.
   */
  private subclassed: Set<string> | undefined;
  /**
   * The TypeORM data sources that list each entity by name (`entities: [User]`), by the entity's class id and the
   * sources' places in `host.typeormSources()`: made once per derivation, as `found` is.
   */
  private typeormListed?: Map<string, number[]>;
  /**
   * `baseClasses` and `mro` answers of this derivation, by class: mapping a class asks for its bases and its MRO a
   * dozen times (its name, schema, metadata, table args, each inherited question), and each ancestor's again. They
   * hold as `found` does, on which they are built: `newDerivation` forgets them with it.
   */
  private basesOf = new WeakMap<ClassFact, { file: string; bases: readonly FoundClass[] }>();
  private mroOf = new WeakMap<ClassFact, { file: string; order: readonly FoundClass[] }>();
  /** Each class's id, made once: a string whose hash is kept, where a new one was hashed on every lookup. */
  private readonly ids = new WeakMap<ClassFact, { file: string; name: string; id: string }>();
  /**
   * Each metadata root's id (see `rootId`), made once: every table mapped onto a root keeps the id as its
   * `metadataId`, and a string made for each of them was a copy of its own per table (~45,000 on the bench's 10k workspace).
   */
  private readonly rootIds = new WeakMap<MetadataRootFact, { file: string; owner: string | undefined; name: string; k: number; named: string; id: string }>();

  constructor(private readonly host: ClassMappingHost) {}

  /** Forgets every mapping, before the whole workspace is derived again. */
  clear(): void {
    this.classMap.clear();
    this.classIdsByFile.clear();
    this.nameless.clear();
    this.newDerivation();
  }

  /** Forgets the class lookups of the last derivation: files changed since, and names may mean other classes. */
  newDerivation(): void {
    this.found = new Map();
    this.basesOf = new WeakMap();
    this.mroOf = new WeakMap();
    this.subclassed = undefined;
    this.typeormListed = undefined;
  }

  /**
   * Whether a class is a SQLModel data model (see `sqlModelData`) that no class of the workspace is built on: SQLModel
   * makes no column and no key from its fields (`class HeroRead(HeroBase)`), while a data model a table class inherits
   * (`HeroBase` of `class Hero(HeroBase, table=True)`) gives that table its keys, also through other data models
   * (`class Quest(QuestDraft, table=True)` with `class QuestDraft(QuestBase)`); one only data models are built on gives
   * none (`MemberCreate` of `class MemberCreateForm(MemberCreate)`). The index follows which classes are built on a
   * class by `u:` names (see `provision`), and, each class using its own, through the classes built on those.
   */
  sqlModelKeyless(file: string, cls: ClassFact, files: Iterable<FileFacts>): boolean {
    if (!this.sqlModelData(file, cls)) return false;
    if (!this.subclassed) {
      // Each class's bases, and the classes that are no data model: what they are built on, however far up, gives
      // a table its columns (a data model built on only by other data models gives none, R13-9).
      const bases = new Map<string, readonly FoundClass[]>();
      const queue: FoundClass[] = [];
      for (const f of files) {
        if (f.language !== 'python') continue;
        for (const k of f.classes) {
          const found = this.baseClasses(f.file, k);
          bases.set(this.idOf(f.file, k), found);
          if (!this.sqlModelData(f.file, k)) queue.push(...found);
        }
      }
      const subclassed = new Set<string>();
      while (queue.length > 0) {
        const b = queue.pop()!;
        if (subclassed.has(b.id)) continue;
        subclassed.add(b.id);
        queue.push(...(bases.get(b.id) ?? []));
      }
      this.subclassed = subclassed;
    }
    return !this.subclassed.has(this.idOf(file, cls));
  }

  /** `host.findClass(file, dotted)`, with the found class's id (see `found`). */
  findClass(file: string, dotted: string): FoundClass | undefined {
    let byName = this.found.get(file);
    if (!byName) this.found.set(file, (byName = new Map()));
    let hit = byName.get(dotted);
    if (hit === undefined) {
      const f = this.host.findClass(file, dotted);
      hit = f ? { file: f.file, cls: f.cls, id: this.idOf(f.file, f.cls) } : null;
      byName.set(dotted, hit);
    }
    return hit ?? undefined;
  }

  /**
   * The classes of the workspace a class is built on, as `findClass` finds its bases, in order; where a base is a
   * declarative base made by `declarative_base(cls=BaseModel)`, the classes given as `cls` (found from the base's
   * file) stand after it: Python makes the base a subclass of them, so they are in the MRO of every class on it.
   */
  baseClasses(file: string, cls: ClassFact): readonly FoundClass[] {
    const known = this.basesOf.get(cls);
    if (known !== undefined && known.file === file) return known.bases;
    const out: FoundClass[] = [];
    for (const b of cls.bases) {
      const found = this.findBase(file, cls, b);
      if (found) out.push(found);
      else for (const c of this.rootClasses(file, cls, b)) out.push(c);
    }
    this.basesOf.set(cls, { file, bases: out });
    return out;
  }

  /**
   * The classes `declarative_base(cls=...)` made the base written `b` (in `file`) a subclass of, that FK Guard finds;
   * for Flask-SQLAlchemy's `db.Model`, also the `model_class` it is built on (see `flaskModelClass`).
   */
  private rootClasses(file: string, cls: ClassFact, b: string): FoundClass[] {
    if (this.host.facts(file)?.language !== 'python') return [];
    return this.classesOfRoot(this.resolveBase(file, cls, b), 0);
  }

  private classesOfRoot(r: Binding | undefined, depth: number): FoundClass[] {
    if (r?.kind !== 'metadata') return [];
    const out: FoundClass[] = [];
    for (const c of r.root.cls ?? []) {
      const found = this.clsOfRoot(r.file, r.root, c);
      if (found) out.push(found);
    }
    const model = flaskModelClass(r.root);
    if (model !== undefined && depth < 8) {
      // A class is db.Model's base (a plain one: `declarative_base(cls=Model)`) or db.Model itself (a declarative
      // base class); a `Base = declarative_base(cls=...)` brings the classes it is built on.
      const found = this.clsOfRoot(r.file, r.root, model);
      if (found) out.push(found);
      else out.push(...this.classesOfRoot(this.host.names.resolve(r.file, model), depth + 1));
    }
    return out;
  }

  /**
   * A class written as `cls=` of the root made in `file`, as the call sees it: `Base = declarative_base(cls=Base)`
   * rebinds the name, but inside the call it is still the class defined above.
   */
  private clsOfRoot(file: string, root: MetadataRootFact, written: string): FoundClass | undefined {
    const own = this.host.facts(file)?.classes.filter((k) => k.name === written && k.nameSpan.start < root.span.start).pop();
    return own ? { file, cls: own, id: this.idOf(file, own) } : this.findClass(file, written);
  }

  /**
   * A base of `cls` (written `b`) as its class statement sees it: where the module binds that name more than once
   * (`Barn = Silo` after `class Barn`), what the name means where the class is made (see `PythonNames.resolveAt`).
   */
  private findBase(file: string, cls: ClassFact, b: string): FoundClass | undefined {
    if (!this.reboundHere(file, b)) return this.findClass(file, b);
    const r = this.host.names.resolveAt(file, b, cls.span.start);
    return r?.kind === 'class' ? { file: r.file, cls: r.cls, id: this.idOf(r.file, r.cls) } : undefined;
  }

  /** What a base of `cls` (written `b`) means where its class statement is made (see `findBase`). */
  private resolveBase(file: string, cls: ClassFact, b: string): Binding | undefined {
    return this.reboundHere(file, b) ? this.host.names.resolveAt(file, b, cls.span.start) : this.host.names.resolve(file, b);
  }

  /** Whether `file`, a Python module, binds the first name of `dotted` again by assignment (`FileFacts.rebinds`). */
  private reboundHere(file: string, dotted: string): boolean {
    const rebinds = this.host.facts(file)?.rebinds;
    if (!rebinds) return false;
    const dot = dotted.indexOf('.');
    const head = dot < 0 ? dotted : dotted.slice(0, dot);
    return rebinds.some((r) => r.name === head);
  }

  /**
   * `classId(file, cls.name)`, the same string each time it is asked for the same class. A second class of one name in
   * a Python module (`if`/`else` or `try`/`except ImportError` alternatives, R14-15) is mapped too, under an id of its
   * own (`Token@2`): its table is another definition of the table name, and the index judges references to columns
   * the definitions disagree on as it does for any two definitions (`ambiguous-table`). By its name, the first is found.
   */
  idOf(file: string, cls: ClassFact): string {
    const classes = this.host.facts(file)?.classes;
    const first = classes ? classNamed(classes, cls.name) : undefined;
    if (first !== undefined && first !== cls && classes!.includes(cls)) {
      const n = classes!.filter((c) => c.name === cls.name).indexOf(cls) + 1;
      return classId(file, `${cls.name}@${n}`);
    }
    const known = this.ids.get(cls);
    if (known && known.file === file && known.name === cls.name) return known.id;
    const id = classId(file, cls.name);
    this.ids.set(cls, { file, name: cls.name, id });
    return id;
  }

  setMapping(file: string, id: string, mapping: ClassMapping): void {
    if (!this.classMap.has(id)) {
      // A new list holds its first id: one made empty and pushed to keeps room for 17.
      const ids = this.classIdsByFile.get(file);
      if (!ids) this.classIdsByFile.set(file, [id]);
      else ids.push(id);
    }
    this.classMap.set(id, mapping);
  }

  /**
   * Decides what a class maps to. A class with a table name gets its own table, with the columns of its
   * mixins and abstract bases; a class without one that inherits a mapped class adds its columns to that
   * table (single-table inheritance); Flask-SQLAlchemy and SQLModel classes get their derived names.
   */
  mapClass(file: string, cls: ClassFact, visiting: Set<string>): ClassMapping {
    const id = this.idOf(file, cls);
    const done = this.classMap.get(id);
    if (done) return done;
    if (visiting.has(id)) return { table: undefined, unknownName: false };
    visiting.add(id);
    if (cls.joinTable) return this.mapJoinTable(file, cls, id, visiting);

    const bases = this.baseClasses(file, cls);
    const unresolvedBase = this.unresolvedBase(file, cls, new Set());
    const incomplete = unresolvedBase !== undefined;
    let parentTable: TableDef | undefined;
    let declaredAttr = cls.declaredTablename;
    let unknownParent = false;
    for (const b of bases) {
      const m = this.mapClass(b.file, b.cls, visiting);
      if (m.table && !parentTable) parentTable = m.table;
      if (!m.table && m.unknownName) unknownParent = true;
      if (this.inheritsDeclaredTablename(b.file, b.cls, new Set())) declaredAttr = true;
    }
    let nameless: NamelessClass | undefined;
    let name: string | undefined;
    let unknownName = false;
    let namedFromClass: NamedFromClass | undefined;
    let joined: boolean | undefined = false;
    let inherited: FoundClass | undefined;
    let declaredFirst: { file: string; cls: ClassFact } | undefined | false;
    const naming = cls.framework === 'typeorm' ? this.host.typeormNaming() : undefined;
    // A Sequelize model without `tableName` is named under the instance's `define` too.
    const sequelize = cls.framework === 'sequelize' ? sequelizeModelTable(cls, this.host.sequelizeDefine(), this.host.sequelizeLegacy()) : undefined;
    if (sequelize && 'unknown' in sequelize) {
      unknownName = true;
      nameless = { file, cls, reason: 'naming-strategy', base: cls.name, detail: sequelize.unknown };
    } else if (sequelize) {
      name = sequelize.name;
    } else if (cls.tablename && naming && (cls.derivedTablename || naming.text.startsWith('entityPrefix')) && !cls.abstract) {
      // `@Entity()` under the project's own naming strategy: its table's name is that code's to decide.
      unknownName = true;
      nameless = {
        file,
        cls,
        reason: 'naming-strategy',
        base: cls.name,
        detail: `\`${cls.name}\`'s table is named by the project's TypeORM naming (\`${naming.text}\` in ${naming.file}), which FK Guard does not run`,
      };
    } else if (this.sqlModelData(file, cls)) {
      // A SQLModel class without `table=True` is a data model: SQLModel maps no table for it, whatever `__tablename__`
      // it says (a table class built on it inherits that name), nor for a subclass of a table class.
      name = undefined;
    } else if (cls.tablename && isPlainMixin(cls)) {
      // A plain class (no base) with `__tablename__` is a mixin no one maps: the classes built on it take the name.
      name = undefined;
    } else if (cls.tablename || (inherited = this.mixinTablename(file, cls))) {
      const owner = inherited ?? { file, cls };
      const tablename = owner.cls.tablename!;
      name = this.host.resolveName(owner.file, tablename);
      if (name === undefined) {
        // `__tablename__ = orders_table()`, `= "a" if LEGACY else "b"`, `= f"{PREFIX}_coupons"`: Python knows the
        // name when it runs; a reference to a table no definition names may mean this one.
        unknownName = true;
        nameless = computedName(file, cls, tablename, cls.framework === 'sequelize' ? 'table name' : cls.framework === 'typeorm' ? '`@Entity` name' : '`__tablename__`');
      }
    } else if (cls.abstract || cls.framework) {
      // Another ORM's dialect names its entities itself; a class it left unnamed is a base, not a table.
      name = undefined;
    } else if (!parentTable && !unknownParent && (inherited = this.initSubclassOwner(file, cls)) && this.descendsFromDeclarative(file, cls, new Set())) {
      // `Named.__init_subclass__` sets `cls.__tablename__` for each subclass as Python makes it: a name FK Guard does
      // not compute, and which may be any (`"n_" + cls.__name__.lower()`, a lookup table).
      unknownName = true;
      nameless = {
        file,
        cls,
        reason: 'dynamic-name',
        base: inherited.cls.name,
        detail: `its \`__tablename__\` is set by \`${inherited.cls.name}.__init_subclass__\` (${inherited.file}), which FK Guard does not run`,
        anyName: true,
      };
    } else if ((parentTable || unknownParent) && declaredAttr && (declaredFirst = this.declaredTablenameFirst(file, cls)) !== false) {
      // A subclass of a mapped class whose `__tablename__`, found along its MRO, is a `@declared_attr` on an unmapped
      // class: declarative calls it again for this class, so the class gets a table of its own under that name
      // (joined inheritance; single-table only where the body returns None for it, `has_inherited_table`).
      if (declaredFirst) ({ name, unknownName, nameless } = this.declaredAttrName(file, cls, declaredFirst));
      else {
        // A mapped parent's plain `__tablename__` comes first: declarative takes that name for this class too and
        // defines the parent's table a second time, which SQLAlchemy refuses. No table to guess.
        unknownName = true;
        nameless = { file, cls, reason: 'declared-attr', base: cls.name, detail: `\`${cls.name}\` inherits a \`@declared_attr\` \`__tablename__\`, but a mapped parent's own \`__tablename__\` comes first in its MRO, so its table is not one FK Guard can name` };
      }
    } else if ((parentTable || unknownParent) && (joined = this.flaskJoined(file, cls, declaredAttr, unresolvedBase)) === false) {
      // Single-table inheritance: the subclass's columns live in the parent's table.
      const mapping: ClassMapping = parentTable ? { table: parentTable } : { table: undefined, unknownName: true };
      if (parentTable) this.addClassColumns(parentTable, file, cls, new Set());
      this.setMapping(file, id, mapping);
      return mapping;
    } else if (joined === true) {
      // Flask-SQLAlchemy's joined-table inheritance: a table of its own, under the name it generates. Not
      // `namedFromClass`: whether a class gets it depends on its columns, not on its header alone.
      const flask = this.flaskTableName(file, cls);
      if ('name' in flask) name = flask.name;
      else ({ unknownName, nameless } = { unknownName: true, nameless: flask.nameless });
    } else if (parentTable || unknownParent) {
      unknownName = true;
      const flask = this.flaskTableName(file, cls);
      nameless = {
        file,
        cls,
        reason: unresolvedBase !== undefined || cls.opaqueDecorators ? 'unresolved-base' : 'unresolved-column',
        base: unresolvedBase ?? cls.name,
        detail: `Flask-SQLAlchemy gives \`${cls.name}\` a table of its own (\`${'name' in flask ? flask.name : flask.names.join('` or `')}\`) only if its own columns hold a primary key, and FK Guard cannot see all of them`,
      };
    } else if (this.isDeclarativeRoot(file, cls)) {
      name = undefined;
    } else if (declaredAttr && this.descendsFromDeclarative(file, cls, new Set())) {
      // The body of `__tablename__`, when FK Guard can evaluate it, says what Python computes; the
      // `naming.declared-attr` setting stands in for a body it cannot read.
      ({ name, unknownName, nameless } = this.declaredAttrName(file, cls, this.declaredTablenameOwner(file, cls, new Set())));
    } else if (cls.sqlmodelTable && (inherited = this.sqlModelTablename(file, cls))) {
      // `__tablename__` is a class attribute: a data model's that the class inherits names its table.
      name = this.host.resolveName(inherited.file, inherited.cls.tablename!);
      if (name === undefined) {
        unknownName = true;
        nameless = computedName(file, cls, inherited.cls.tablename!, `\`__tablename__\`, inherited from \`${inherited.cls.name}\`,`);
      }
    } else if (cls.sqlmodelTable) {
      name = cls.name.toLowerCase();
      namedFromClass = 'lower';
    } else if (this.isFlaskModel(file, cls, new Set())) {
      const flask = this.flaskTableName(file, cls);
      if ('name' in flask) {
        name = flask.name;
        namedFromClass = flask.naming;
      } else ({ unknownName, nameless } = { unknownName: true, nameless: flask.nameless });
    } else if (unresolvedBase !== undefined && !cls.framework) {
      // A base FK Guard cannot see may name the table (its own `__tablename__` rule) or map nothing.
      nameless = { file, cls, reason: 'unresolved-base', base: unresolvedBase };
    }
    if (nameless) {
      let list = this.nameless.get(file);
      if (!list) this.nameless.set(file, (list = []));
      list.push(nameless);
    }

    if (cls.abstract || (!name && !unknownName)) {
      const mapping: ClassMapping = { table: undefined, unknownName: false, nameless };
      this.setMapping(file, id, mapping);
      return mapping;
    }
    if (!name) {
      const mapping: ClassMapping = { table: undefined, unknownName: true, nameless };
      this.setMapping(file, id, mapping);
      return mapping;
    }
    let metadataId = this.classMetadata(file, cls, new Set(), { file, start: cls.nameSpan.start });
    // Made where FK Guard cannot tell whether a Flask `SQLAlchemy(model_class=...)` has replaced its base's metadata.
    const order = this.orderUnknown(metadataId);
    const bind = metadataId && order === undefined ? this.bindMetadata(file, cls, metadataId) : order !== undefined ? { why: order } : undefined;
    // A bind's model is on a MetaData of its own (Flask-SQLAlchemy 3), or, where the version is not known, on one whose
    // identity is not known.
    if (bind) metadataId = bind.id;
    const bound = bind?.why;
    // The `__table_args__` declarative takes (see `tableArgs`) decides the schema.
    const args = this.tableArgs(file, cls);
    const own = args?.schema;
    const unknownOwn = !own && args?.schemaUnknown === true;
    // A class that names no schema takes its metadata's (SQLAlchemy's Table: `schema=None` is `metadata.schema`),
    // unless it says `BLANK_SCHEMA`.
    const fromMetadata: MetadataSchema | undefined =
      own || unknownOwn || args?.blankSchema
        ? undefined
        : bound
          ? { known: false, why: bound }
          : cls.framework === 'typeorm'
            ? this.typeormSchema(file, cls)
            : cls.framework === 'sequelize'
              ? sequelizeModelSchema(cls, this.host.sequelizeDefine(), this.host.dialectOf(file) === 'postgresql')
              : metadataId
              ? this.metadataSchema(metadataId)
              : undefined;
    const schema = own ?? (fromMetadata?.known ? fromMetadata.schema : undefined);
    const def = newTable(name, schema, 'model', file, cls.tablenameSpan ?? cls.nameSpan);
    def.className = cls.name;
    if (args?.extendsExisting || args?.schemaUnknown) def.extendsExisting = true;
    def.incomplete = incomplete;
    if (unknownOwn) def.schemaUnknown = true;
    if (fromMetadata && !fromMetadata.known) {
      def.schemaUnknown = true;
      def.schemaUnknownWhy = fromMetadata.why;
    }
    def.unresolvedBase = unresolvedBase;
    // A class whose metadata FK Guard cannot find because a base it cannot resolve stands where it would be (`class
    // Barn(Other)`, `Other` bound by code FK Guard cannot follow) may be on a `MetaData(schema=...)`: keyed without a
    // schema, it may still be the table a schema-qualified name means.
    if (metadataId === undefined && unresolvedBase !== undefined && !own && !unknownOwn && !args?.blankSchema && !bound && this.host.facts(file)?.language === 'python') {
      def.schemaLost = `it derives from \`${unresolvedBase}\`, which FK Guard cannot resolve, so neither its metadata nor the schema that gives it`;
    }
    def.metadataId = metadataId;
    if (bound) def.metadataUnknownWhy = bound;
    this.addClassColumns(def, file, cls, new Set());
    const mapping: ClassMapping = namedFromClass ? { table: def, namedFromClass } : { table: def };
    this.setMapping(file, id, mapping);
    this.host.addTable(def);
    return mapping;
  }

  /**
   * The schema TypeORM gives an entity that names none: its data source's `schema` (EntityMetadata.build). The data
   * sources that may govern the entity are those that list it by name and those whose entities FK Guard cannot list
   * (globs, a variable); where they agree, their schema, and where they do not (or one's cannot be read), none FK
   * Guard can name. An entity no data source of the workspace may govern keeps no schema, as before.
   */
  private typeormSchema(file: string, cls: ClassFact): MetadataSchema | undefined {
    const sources = this.host.typeormSources();
    if (sources.length === 0) return undefined;
    if (!this.typeormListed) {
      const listed = new Map<string, number[]>();
      sources.forEach((s, i) => {
        if (s.source.entities === 'any') return;
        for (const name of s.source.entities) {
          const found = this.findClass(s.file, name);
          if (!found) continue;
          let list = listed.get(found.id);
          if (!list) listed.set(found.id, (list = []));
          if (!list.includes(i)) list.push(i);
        }
      });
      this.typeormListed = listed;
    }
    const named = this.typeormListed.get(this.idOf(file, cls));
    const mine = sources.filter((s, i) => s.source.entities === 'any' || named?.includes(i));
    if (mine.length === 0) return undefined;
    const first = mine[0].source.schema;
    if (first !== null && mine.every((s) => s.source.schema === first)) return first ? { known: true, schema: first } : { known: true };
    const unread = mine.find((s) => s.source.schema === null);
    if (unread) return { known: false, why: `its TypeORM data source's schema (\`${unread.source.text}\` in ${unread.file}) is not one FK Guard can read` };
    const says = [...new Set(mine.map((s) => `${s.source.schema ? `\`${s.source.schema}\`` : 'none'} (${s.file})`))];
    return { known: false, why: `the TypeORM data sources that may hold it give it different schemas: ${says.join(', ')}` };
  }

  /** A TypeORM join table: its table once both entities are mapped (see `typescript/joinTables.ts`). */
  private mapJoinTable(file: string, cls: ClassFact, id: string, visiting: Set<string>): ClassMapping {
    const mapping = mapJoinTable(
      {
        findClass: (f, dotted) => this.findClass(f, dotted),
        mapClass: (f, c) => this.mapClass(f, c, visiting),
        typeormNaming: () => this.host.typeormNaming(),
      },
      file,
      cls,
    );
    if (!mapping.table && mapping.nameless) {
      let list = this.nameless.get(file);
      if (!list) this.nameless.set(file, (list = []));
      list.push(mapping.nameless);
    }
    this.setMapping(file, id, mapping);
    if (mapping.table) this.host.addTable(mapping.table);
    return mapping;
  }

  /** Own columns first, then those of unmapped bases (mixins, abstract classes), nearest first. */
  private addClassColumns(def: TableDef, file: string, cls: ClassFact, seen: Set<string>, typeMapped = this.typeMapped(file, cls, new Set(), [])): void {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return;
    seen.add(id);
    // Columns added by decorators FK Guard cannot follow are unknown: none is reported missing.
    if (cls.opaqueDecorators) def.incomplete = true;
    // A class whose code holds a syntax error: the parser may have lost some of its columns.
    if (cls.unparsed) def.incomplete = def.unparsed = true;
    // A table reflected from the database has the database's columns besides the declared ones.
    if (cls.reflected) {
      def.incomplete = true;
      def.unresolvedColumn ??= cls.reflected;
    }
    // Sequelize associations add key attributes FK Guard cannot name: a column the table lacks may be one (R14-5).
    if (cls.associationColumns) {
      def.incomplete = true;
      def.unresolvedColumn ??= cls.associationColumns;
    }
    const typeorm = cls.framework === 'typeorm' && cls.columns.some((c) => c.derivedName) ? this.host.typeormNaming() : undefined;
    // Sequelize names a column without a `field` by the model's `underscored`, else the instance's `define`.
    const sequelize = cls.framework === 'sequelize' && cls.columns.some((c) => c.derivedName) ? sequelizeColumnNaming(cls, this.host.sequelizeDefine(), this.host.sequelizeLegacy()) : undefined;
    const naming = typeorm
      ? `the project's TypeORM naming (\`${typeorm.text}\` in ${typeorm.file}), which FK Guard does not run`
      : sequelize && 'unknown' in sequelize
        ? sequelize.unknown
        : undefined;
    for (const c of cls.columns) {
      // An ORM's implicit key on a base yields to a primary key the subclass declares.
      if (c.implicit && [...def.columns.values()].some((x) => x.column.primaryKey)) continue;
      if (c.derivedName && naming) {
        // The project's naming strategy names this column.
        this.byPropertyOnly(def, c, file, naming);
        continue;
      }
      if (c.joinTarget !== undefined) {
        const made = this.typeormJoinColumns(file, c, 0);
        if (typeof made === 'string') {
          // The join column's name is not known (the target's key cannot be seen).
          this.byPropertyOnly(def, c, file, made);
          continue;
        }
        for (const m of made) addColumn(def, m.name === c.name ? c : { ...c, name: m.name }, file, m.type ?? this.host.resolveType(file, c.type));
        continue;
      }
      const derived = c.derivedName && sequelize && 'underscore' in sequelize ? { ...c, name: sequelizeColumnName(c.attr ?? c.name, true) } : c;
      const alias = c.type?.alias ? this.aliasOf(file, c) : undefined;
      const named = alias?.column ?? derived;
      // An `Annotated` alias whose `mapped_column(...)` gives a type decides the type before any map is looked at; one
      // that gives none is looked up in the map itself, then its Python type inside.
      if (typeMapped && c.type?.source === 'annotation' && !alias?.typed && (alias ? mapsAlias(typeMapped, c.type.text, alias.innerText) : mapTypes(typeMapped, c.type.text))) {
        // The base's `type_annotation_map` decides this column's type, not FK Guard's reading of `Mapped[...]`.
        addColumn(def, { ...named, type: undefined, typeFromMap: true }, file, undefined);
        continue;
      }
      addColumn(def, named, file, c.keyOf && !c.type ? this.associationKeyType(file, c.keyOf) : this.host.resolveType(file, c.type));
    }
    if (cls.framework === 'sequelize') {
      const added = this.host.sequelizeKeys().get(cls.name);
      if (added) this.addSequelizeKeys(def, cls, added);
    }
    if (cls.maybeFields && this.descendsFromSqlModel(file, cls, new Set())) {
      for (const c of cls.maybeFields) addColumn(def, c, file, this.host.resolveType(file, c.type));
    }
    for (const o of cls.opaque ?? []) {
      const b = this.host.names.resolve(file, o.callee);
      if (b?.kind === 'column-helper') {
        addColumn(def, { ...b.column, name: o.attr, span: o.span }, file, this.host.resolveType(b.file, b.column.type));
      } else if (!def.columns.has(o.attr)) {
        def.incomplete = true;
        // A Prisma field of a type another file declares (see prisma/extract.ts) is written `tier Tier`.
        def.unresolvedColumn ??= cls.framework === 'prisma' ? `${o.attr} ${o.callee}` : `${o.attr} = ${o.callee}(...)`;
      }
    }
    for (const a of cls.otherAttrs ?? []) {
      // The class's own binding hides a base's (Python's MRO): the first class that binds it is kept.
      const other = (def.otherAttrs ??= new Map());
      if (!other.has(a)) other.set(a, { className: cls.name, file });
    }
    for (const k of cls.keys) def.keys.push(k);
    for (const found of this.baseClasses(file, cls)) {
      const m = this.classMap.get(found.id);
      if (m?.table && m.table !== def) continue;
      this.addClassColumns(def, found.file, found.cls, seen, typeMapped);
    }
  }

  /**
   * The key attributes associations of other files add to a Sequelize model (R14-5's rest, see `addAssociationKeys` in
   * typescript/sequelize.ts for the same file's): a named key the model does not declare is a column, named as its own
   * are (`field`, else the attribute under the model's `underscored`); a declared one that the association makes
   * `unique` is unique unless it writes a `unique` of its own (see `ColumnFact.ownUnique`); a key Sequelize names, or one for a model whose
   * name several classes have, leaves the model's columns not all known. Its type is the referenced key's, which
   * FK Guard does not look up: unknown.
   */
  private addSequelizeKeys(def: TableDef, cls: ClassFact, added: NonNullable<ReturnType<SequelizeKeys['get']>>): void {
    for (const { file, key } of added.keys) {
      const c = key.column;
      if (!c || !added.alone) {
        def.incomplete = true;
        def.unresolvedColumn ??= `${key.text}'s key`;
        continue;
      }
      const attr = c.attr ?? c.name;
      const declared = def.attrs.get(attr);
      if (declared) {
        const own = declared.column.ownUnique;
        if (c.unique && !declared.column.unique && own !== 'false' && !(own === 'unread' && declared.column.maybeKey)) {
          const widened: IndexedColumn = { ...declared, column: { ...declared.column, ...(own === 'unread' ? { maybeKey: true as const } : { unique: true }) } };
          const names = [...def.columns].flatMap(([k, v]) => (sameColumn(v, declared) ? [k] : []));
          const attrs = def.attrs === def.columns ? [] : [...def.attrs].flatMap(([k, v]) => (sameColumn(v, declared) ? [k] : []));
          for (const k of names) def.columns.set(k, widened);
          for (const k of attrs) def.attrs.set(k, widened);
        }
        continue;
      }
      const naming = c.derivedName ? sequelizeColumnNaming(cls, this.host.sequelizeDefine(), this.host.sequelizeLegacy()) : undefined;
      if (naming && 'unknown' in naming) {
        this.byPropertyOnly(def, c, file, naming.unknown);
        continue;
      }
      addColumn(def, naming ? { ...c, name: sequelizeColumnName(attr, true) } : c, file, c.keyOf ? this.associationKeyType(file, c.keyOf) : undefined);
    }
  }

  /**
   * The type Sequelize gives an association's key attribute (see `ColumnFact.keyOf`): the referenced model's attribute
   * `key`, else its one primary-key attribute (the implicit `id` only where it builds on no model of the workspace, whose
   * key it would take), as `file` names the model. Without its spans: no fix rewrites the key's own declaration there.
   * Undefined where FK Guard cannot tell.
   */
  private associationKeyType(file: string, keyOf: NonNullable<ColumnFact['keyOf']>): TypeFact | undefined {
    const found = this.findClass(file, keyOf.model);
    if (!found || found.cls.framework !== 'sequelize' || this.baseClasses(found.file, found.cls).length > 0) return undefined;
    const keys = found.cls.columns.filter((c) => (keyOf.key !== undefined ? (c.attr ?? c.name) === keyOf.key : c.primaryKey));
    if (keys.length !== 1 || keys[0].keyOf) return undefined;
    const type = this.host.resolveType(found.file, keys[0].type);
    if (!type) return undefined;
    const { span: _span, nativeSpan: _native, ...rest } = type;
    return rest;
  }

  /**
   * The columns TypeORM makes for a relation's join column `c` (see `ColumnFact.joinTarget`), each with the type of the
   * column it references (`RelationJoinColumnBuilder`: "types of relational column and join column must be equal"):
   * - referenced: `joinReferenced`, the target's property of that name, else each primary-key column of the target, its
   *   bases' included (`inverseEntityMetadata.primaryColumns`);
   * - named: as written, else `DefaultNamingStrategy.joinColumnName(relation, property)`, camelCase(relation + '_' +
   *   property), one per referenced column (`ownerCode` when the target's key is `code`, R13-25).
   * Read from the classes' facts, not their tables: a relation to its own class, or two entities that point at each
   * other, are being mapped. A type FK Guard cannot find is left unknown; a string says why the names are not known.
   */
  /**
   * A column whose name FK Guard does not know (`why`: a naming strategy of the project's, a join column whose target
   * key it cannot see): found by its property, never by a name (its key in `columns` is one no SQL writes), and it
   * still counts among the table's keys; a name the table lacks may be its.
   */
  private byPropertyOnly(def: TableDef, c: ColumnFact, file: string, why: string): void {
    def.namingStrategy ??= why;
    const attr = c.attr ?? c.name;
    if (def.attrs.has(attr)) return;
    const indexed = { column: c, file, type: this.host.resolveType(file, c.type) };
    const attrs = ownAttrs(def);
    def.columns.set(`#${attr}`, indexed);
    attrs.set(attr, indexed);
  }

  private typeormJoinColumns(file: string, c: ColumnFact, depth: number): Array<{ name: string; type: TypeFact | undefined }> | string {
    const relation = c.attr ?? c.name;
    const target = c.joinTarget!;
    const derived = c.derivedName === true && c.joinReferenced === undefined;
    const unknown = (why: string) => (derived ? `TypeORM's default for the join column of \`${relation}\` (after the primary key of \`${target}\`, ${why})` : [{ name: c.name, type: undefined }]);
    const found = this.findClass(file, target);
    if (!found) return unknown('which is not an entity FK Guard finds');
    const typeOf = (f: string, col: ColumnFact): TypeFact | undefined => {
      if (col.joinTarget === undefined) return this.host.resolveType(f, col.type);
      // A relation's join column (`referencedColumnName: 'owner'`) is typed as the column it references in turn.
      if (depth >= 4) return undefined;
      const inner = this.typeormJoinColumns(f, col, depth + 1);
      return typeof inner === 'string' || inner.length !== 1 ? undefined : inner[0].type;
    };
    const keys: Array<{ property: string; type: TypeFact | undefined }> = [];
    const seen = new Set<string>();
    const wanted = c.joinReferenced;
    let named: { type: TypeFact | undefined } | undefined;
    const collect = (f: string, cls: ClassFact): string | undefined => {
      const id = this.idOf(f, cls);
      if (seen.has(id)) return undefined;
      seen.add(id);
      for (const col of cls.columns) {
        const property = col.attr ?? col.name;
        if (wanted !== undefined && property === wanted && !named) named = { type: typeOf(f, col) };
        if (wanted !== undefined) continue;
        if (col.maybeKey && !col.primaryKey) return 'which FK Guard cannot read whole';
        if (col.primaryKey && !keys.some((k) => k.property === property)) keys.push({ property, type: typeOf(f, col) });
      }
      for (const o of cls.opaque ?? []) {
        const b = this.host.names.resolve(f, o.callee);
        if (b?.kind !== 'column-helper') {
          if (wanted === undefined) return 'whose columns FK Guard cannot all see';
          continue;
        }
        const type = this.host.resolveType(b.file, b.column.type);
        if (wanted !== undefined && o.attr === wanted && !named) named = { type };
        if (wanted !== undefined) continue;
        if (b.column.maybeKey && !b.column.primaryKey) return 'which FK Guard cannot read whole';
        if (b.column.primaryKey && !keys.some((k) => k.property === o.attr)) keys.push({ property: o.attr, type });
      }
      if (wanted === undefined && (cls.opaqueDecorators || cls.unparsed)) return 'whose columns FK Guard cannot all see';
      const bases = this.baseClasses(f, cls);
      if (wanted === undefined && bases.length < cls.bases.length) return 'whose base classes FK Guard cannot all find';
      for (const b of bases) {
        const why = collect(b.file, b.cls);
        if (why !== undefined) return why;
      }
      return undefined;
    };
    const why = collect(found.file, found.cls);
    if (wanted !== undefined) return [{ name: c.name, type: named?.type }];
    if (why !== undefined) return unknown(why);
    if (keys.length === 0) return unknown('which FK Guard does not see');
    if (!derived) return [{ name: c.name, type: keys.length === 1 ? keys[0].type : undefined }];
    return keys.map((k) => ({ name: typeormCamelCase(`${relation}_${k.property}`), type: k.type }));
  }

  /**
   * A `Mapped[X]` column with what the `Annotated` alias X's `mapped_column(...)` adds to it (`primary_key`, `unique`), as
   * SQLAlchemy 2.0 merges the two, and whether that gives a type; undefined when X is no alias FK Guard reads.
   */
  private aliasOf(file: string, c: ColumnFact): { column: ColumnFact; typed: boolean; innerText: string } | undefined {
    const b = this.host.names.resolve(file, c.type!.text);
    if (b?.kind !== 'annotated-alias') return undefined;
    const primaryKey = c.primaryKey || b.alias.primaryKey === true;
    const unique = c.unique || b.alias.unique === true;
    return { column: primaryKey === c.primaryKey && unique === c.unique ? c : { ...c, primaryKey, unique }, typed: b.alias.type !== undefined, innerText: b.alias.innerText };
  }

  /**
   * Whether SQLAlchemy types the class's `Mapped[...]` columns through a `type_annotation_map` (on a class of its MRO,
   * on the `declarative_base(...)`/`registry(...)` it is built on, or on Flask-SQLAlchemy's `model_class`). FK Guard
   * does not read the map, so such a column's type is unknown rather than what the annotation alone would give
   * (`Mapped[uuid.UUID]` is `VARCHAR(36)` under `{uuid.UUID: String(36)}`).
   */
  private typeMapped(file: string, cls: ClassFact, visiting: Set<string>, keys: string[]): true | string[] | undefined {
    const add = (map: true | string[] | undefined): boolean => {
      if (map === true) return true;
      if (map) keys.push(...map);
      return false;
    };
    if (add(cls.typeAnnotationMap)) return true;
    const id = this.idOf(file, cls);
    if (visiting.has(id)) return keys.length > 0 ? keys : undefined;
    visiting.add(id);
    for (const b of cls.bases) {
      const found = this.findBase(file, cls, b);
      if (found) {
        if (this.typeMapped(found.file, found.cls, visiting, keys) === true) return true;
        continue;
      }
      if (this.host.facts(file)?.language !== 'python') continue;
      let r = this.resolveBase(file, cls, b);
      for (let hops = 0; r?.kind === 'metadata' && hops < 8; hops++) {
        const root = r.root;
        if (add(root.typeAnnotationMap)) return true;
        for (const c of [...(root.cls ?? []), ...(root.modelClass ? [root.modelClass] : []), ...(root.rebinds ? [root.rebinds] : [])]) {
          const k = this.clsOfRoot(r.file, root, c);
          if (k && this.typeMapped(k.file, k.cls, visiting, keys) === true) return true;
        }
        // `reg.generate_base()`: the registry it is made from holds the map.
        r = root.metadata ? this.host.names.resolve(r.file, root.metadata) : undefined;
      }
    }
    return keys.length > 0 ? keys : undefined;
  }

  /**
   * The first base in the ancestry of a Python class that FK Guard cannot resolve to something whose
   * columns it knows (a class of the workspace, a metadata object, SQLAlchemy's own bases), as written;
   * undefined when every ancestor is known. The class's columns are incomplete then.
   */
  private unresolvedBase(file: string, cls: ClassFact, seen: Set<string>): string | undefined {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return undefined;
    seen.add(id);
    if (this.host.facts(file)?.language !== 'python') {
      // Other readers keep only the bases a project can define (TypeORM's `BaseEntity`, sequelize's `Model`
      // are dropped), so any base not found among the workspace's classes adds columns FK Guard cannot see.
      for (const text of cls.bases) {
        const f = this.findClass(file, text);
        if (!f) return text;
        const deeper = this.unresolvedBase(f.file, f.cls, seen);
        if (deeper !== undefined) return deeper;
      }
      return undefined;
    }
    for (const text of cls.bases) {
      const b = this.resolveBase(file, cls, text);
      if (b?.kind === 'class') {
        const deeper = this.unresolvedBase(b.file, b.cls, seen);
        if (deeper !== undefined) return deeper;
        continue;
      }
      if (b?.kind === 'metadata') {
        // `declarative_base(cls=BaseModel)`: BaseModel's own ancestry is the base's (Flask's `model_class` too).
        for (const c of b.root.cls ?? []) {
          const found = this.clsOfRoot(b.file, b.root, c);
          const deeper = found ? this.unresolvedBase(found.file, found.cls, seen) : c;
          if (deeper !== undefined) return deeper;
        }
        const model = flaskModelClass(b.root);
        const found = model !== undefined ? this.clsOfRoot(b.file, b.root, model) : undefined;
        const deeper = found ? this.unresolvedBase(found.file, found.cls, seen) : undefined;
        if (deeper !== undefined) return deeper;
        continue;
      }
      if (b?.kind === 'external' && KNOWN_EXTERNAL_BASES.test(b.name)) continue;
      if (!b && BUILTIN_BASES.test(text)) continue;
      return text;
    }
    return undefined;
  }

  /**
   * The name a `@declared_attr` `__tablename__` of `owner` gives `cls`: the body's value where FK Guard can evaluate
   * it, else the `naming.declared-attr` setting; otherwise unknown.
   */
  private declaredAttrName(file: string, cls: ClassFact, owner: { file: string; cls: ClassFact } | undefined): { name: string | undefined; unknownName: boolean; nameless: NamelessClass | undefined } {
    const derived = owner?.cls.tablenameDerivation ? this.host.names.evaluate(owner.file, owner.cls.tablenameDerivation, cls.name) : undefined;
    if (derived) return { name: derived, unknownName: false, nameless: undefined };
    const convention = this.host.declaredAttrConvention(owner?.cls.name ?? cls.name, owner?.file ?? file);
    if (convention) return { name: applyConvention(convention, cls.name), unknownName: false, nameless: undefined };
    return { name: undefined, unknownName: true, nameless: { file, cls, reason: 'declared-attr', base: owner?.cls.name ?? cls.name, baseFile: owner?.file, baseClass: owner?.cls } };
  }

  /**
   * For a subclass of a mapped class without a `__tablename__` of its own: the class whose `@declared_attr`
   * `__tablename__` Python's lookup finds first along the MRO, when no mapped class's plain one comes before it;
   * undefined when a mapped class's plain `__tablename__` comes first; false when no declared one is found at all.
   */
  private declaredTablenameFirst(file: string, cls: ClassFact): { file: string; cls: ClassFact } | undefined | false {
    if (cls.tablename !== undefined || cls.declaredTablename || cls.framework) return false;
    for (const f of this.mro(file, cls, new Set()).slice(1)) {
      if (f.cls.declaredTablename) return f;
      if (f.cls.tablename === undefined) continue;
      const m = this.classMap.get(f.id);
      return m && (m.table || m.unknownName) ? undefined : false;
    }
    return false;
  }

  /** The nearest class in the ancestry (itself first) that declares `__tablename__` with `@declared_attr`. */
  private declaredTablenameOwner(file: string, cls: ClassFact, seen: Set<string>): { file: string; cls: ClassFact } | undefined {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return undefined;
    seen.add(id);
    if (cls.declaredTablename) return { file, cls };
    for (const f of this.baseClasses(file, cls)) {
      const owner = this.declaredTablenameOwner(f.file, f.cls, seen);
      if (owner) return owner;
    }
    return undefined;
  }

  private inheritsDeclaredTablename(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return false;
    seen.add(id);
    if (cls.declaredTablename) return true;
    return this.baseClasses(file, cls).some((f) => this.inheritsDeclaredTablename(f.file, f.cls, seen));
  }

  /**
   * The class whose `__table_args__` (or other ORM's schema) the table takes, as declarative finds it: it scans the
   * class's MRO and takes `cls.__table_args__` (Python's lookup: the first class of the MRO that has one, mapped or
   * not) if the class itself or an unmapped class of the MRO has one; a mapped base's alone is not used. So a mixin
   * of a mapped parent still gives its schema to a joined-inheritance subclass. Undefined: none is taken.
   */
  private tableArgs(file: string, cls: ClassFact): ClassFact | undefined {
    const has = (c: ClassFact) => c.ownTableArgs === true || c.schema !== undefined || c.schemaUnknown === true || c.blankSchema === true;
    // Its own comes first in its MRO, and it is taken.
    if (has(cls)) return cls;
    const order = this.mro(file, cls, new Set());
    const first = order.find((f) => has(f.cls));
    if (!first) return undefined;
    const taken = order.some((f, i) => {
      if (!has(f.cls)) return false;
      if (i === 0) return true;
      const m = this.classMap.get(f.id);
      return !(m && (m.table || m.unknownName));
    });
    return taken ? first.cls : undefined;
  }

  /**
   * The classes of the workspace in a class's MRO, itself first: Python's C3 linearisation of the bases FK Guard
   * finds (a base it does not find ends its line), or depth first where C3 fails (code Python would refuse).
   */
  private mro(file: string, cls: ClassFact, visiting: Set<string>): readonly FoundClass[] {
    // A class's own MRO (asked with nothing being visited) is the same all the derivation long (see `mroOf`); one
    // asked for a base while its subclass is visited may be cut short by a cycle, and is not kept.
    const top = visiting.size === 0;
    if (top) {
      const known = this.mroOf.get(cls);
      if (known !== undefined && known.file === file) return known.order;
    }
    const order = this.linearised(file, cls, visiting);
    if (top) this.mroOf.set(cls, { file, order });
    return order;
  }

  private linearised(file: string, cls: ClassFact, visiting: Set<string>): FoundClass[] {
    const self: FoundClass = { file, cls, id: this.idOf(file, cls) };
    if (visiting.has(self.id)) return [self];
    visiting.add(self.id);
    const bases = this.baseClasses(file, cls);
    const lines = [...bases.map((b) => this.mro(b.file, b.cls, visiting)), bases].map((l) => [...l]);
    visiting.delete(self.id);
    const out: FoundClass[] = [self];
    for (;;) {
      const left = lines.filter((l) => l.length > 0);
      if (left.length === 0) return out;
      const head = left.map((l) => l[0]).find((h) => !left.some((l) => l.slice(1).some((x) => x.id === h.id)));
      if (!head) {
        // Not linearisable: depth first, each class once.
        for (const l of left) for (const x of l) if (!out.some((o) => o.id === x.id)) out.push(x);
        return out;
      }
      out.push(head);
      for (const l of left) if (l[0].id === head.id) l.shift();
    }
  }

  /**
   * A SQLModel class that SQLModel maps to no table: one without `table=True` (or a `table=` FK Guard cannot read),
   * built on `SQLModel`; a subclass of a table class without `table=True` too (SQLModel maps a class only once).
   */
  private sqlModelData(file: string, cls: ClassFact): boolean {
    if (cls.sqlmodelTable || cls.tableFlagUnknown || cls.framework || this.host.facts(file)?.language !== 'python') return false;
    return this.descendsFromSqlModel(file, cls, new Set());
  }

  /** The first SQLModel data model along a table class's MRO that says `__tablename__` (see `sqlModelData`). */
  private sqlModelTablename(file: string, cls: ClassFact): FoundClass | undefined {
    if (cls.tablename !== undefined) return undefined;
    const first = this.mro(file, cls, new Set())
      .slice(1)
      .find((f) => f.cls.tablename !== undefined || f.cls.declaredTablename);
    return first && first.cls.tablename !== undefined && this.sqlModelData(first.file, first.cls) ? first : undefined;
  }

  /** Whether a Python class descends from SQLModel's `SQLModel` (through classes of the workspace). */
  private descendsFromSqlModel(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return false;
    seen.add(id);
    if (cls.sqlmodelTable) return true;
    for (const b of cls.bases) {
      const r = this.resolveBase(file, cls, b);
      if (r?.kind === 'external' && r.name === 'SQLModel') return true;
      if (r?.kind === 'class' && this.descendsFromSqlModel(r.file, r.cls, seen)) return true;
    }
    return false;
  }

  /** `class Base(DeclarativeBase)`: the base itself maps to no table. */
  private isDeclarativeRoot(file: string, cls: ClassFact): boolean {
    return this.host.facts(file)?.metadataRoots.some((r) => r.name === cls.name && r.owner === undefined && r.span.start === cls.nameSpan.start) ?? false;
  }

  /** Whether a class is mapped at all: it descends from a declarative base (a mixin does not). */
  private descendsFromDeclarative(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return false;
    seen.add(id);
    for (const b of cls.bases) {
      const f = this.findBase(file, cls, b);
      if (f) {
        if (this.isDeclarativeRoot(f.file, f.cls) || this.descendsFromDeclarative(f.file, f.cls, seen)) return true;
      } else if (this.isMetadataRoot(file, b) || /(^|\.)(Base|Model|DeclarativeBase|SQLModel)$/.test(b)) {
        return true;
      }
    }
    return false;
  }

  /** The nearest class above `cls` in its MRO whose `__init_subclass__` sets `__tablename__` (see `ClassFact.initSubclassTablename`). */
  private initSubclassOwner(file: string, cls: ClassFact): FoundClass | undefined {
    if (cls.declaredTablename || this.host.facts(file)?.language !== 'python') return undefined;
    return this.mro(file, cls, new Set())
      .slice(1)
      .find((f) => f.cls.initSubclassTablename);
  }

  /**
   * The plain mixin whose `__tablename__` a class without one of its own takes (`class Tractor(Named, Base)` with
   * `Named.__tablename__ = "tractors"`): declarative takes `cls.__tablename__`, Python's lookup, when an unmapped class
   * of the MRO has one; here, when the first class of the MRO that has one is a plain mixin.
   */
  private mixinTablename(file: string, cls: ClassFact): FoundClass | undefined {
    if (cls.framework || cls.declaredTablename) return undefined;
    const first = this.mro(file, cls, new Set())
      .slice(1)
      .find((f) => f.cls.tablename !== undefined || f.cls.declaredTablename);
    return first && first.cls.tablename !== undefined && isPlainMixin(first.cls) ? first : undefined;
  }

  /**
   * A subclass of a mapped Flask-SQLAlchemy model: the extension names its table (`should_set_tablename`, also when the
   * parent's `__tablename__` is written), and `__table_cls__` keeps that table only when the columns the class gives
   * it (its own and its mixins') hold a primary key: joined-table inheritance. Otherwise it is single-table
   * inheritance. False also for any other class, and when a `@declared_attr` `__tablename__` names it (Flask then
   * leaves the name to it). Undefined: FK Guard cannot tell (a column helper, a decorator or a base it cannot follow).
   */
  private flaskJoined(file: string, cls: ClassFact, declaredAttr: boolean, unresolvedBase: string | undefined): boolean | undefined {
    if (declaredAttr || !this.isFlaskModel(file, cls, new Set())) return false;
    // Flask-SQLAlchemy looks for `__tablename__` along the MRO: found first on a plain mixin (no model), that name is
    // used and none generated (a mixin's `__tablename__ = "owls"` names `class Owl(Named, Animal)`'s table).
    const named = this.mro(file, cls, new Set()).slice(1).find((f) => f.cls.tablename !== undefined);
    if (named && !this.isFlaskModel(named.file, named.cls, new Set())) return false;
    const key = this.ownPrimaryKey(file, cls, new Set());
    if (key) return true;
    return key === undefined || unresolvedBase !== undefined ? undefined : false;
  }

  /**
   * The table name Flask-SQLAlchemy generates for a model, by the rule of the version its project installs (see
   * `FlaskNaming`). Where the version is not known and the two rules disagree (`GoatABC`: `goatABC` before 3.0,
   * `goat_abc` from 3.0), the name is not known: a class FK Guard cannot name, with both names in the reason.
   */
  private flaskTableName(file: string, cls: ClassFact): { name: string; naming: 'snake' | 'snake-2' | 'snake-either' } | { names: string[]; nameless: NamelessClass } {
    const now = camelToSnake(cls.name);
    const before = camelToSnakeBefore3(cls.name);
    const naming = this.host.flaskNaming(file);
    if ('major' in naming) return naming.major === 2 ? { name: before, naming: 'snake-2' } : { name: now, naming: 'snake' };
    if (now === before) return { name: now, naming: 'snake-either' };
    return {
      names: [before, now],
      nameless: {
        file,
        cls,
        reason: 'naming-strategy',
        base: cls.name,
        detail: `Flask-SQLAlchemy names \`${cls.name}\`'s table \`${before}\` before version 3.0 and \`${now}\` from 3.0 on, and FK Guard cannot tell which this project installs: ${naming.unknown}`,
      },
    };
  }

  /** Whether the columns a class gives its own table (its own, its unmapped bases') hold a primary key. */
  private ownPrimaryKey(file: string, cls: ClassFact, seen: Set<string>): boolean | undefined {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return false;
    seen.add(id);
    if (cls.columns.some((c) => c.primaryKey)) return true;
    let unknown = (cls.opaque?.length ?? 0) > 0 || (cls.opaqueDecorators?.length ?? 0) > 0;
    for (const f of this.baseClasses(file, cls)) {
      const m = this.classMap.get(f.id);
      // A mapped parent's columns are its table's, not this one's.
      if (m && (m.table || m.unknownName)) continue;
      const r = this.ownPrimaryKey(f.file, f.cls, seen);
      if (r) return true;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : false;
  }

  /** Flask-SQLAlchemy: a class deriving from `db.Model` (directly or through unmapped bases). */
  private isFlaskModel(file: string, cls: ClassFact, seen: Set<string>): boolean {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return false;
    seen.add(id);
    for (const b of cls.bases) {
      // `db.Model` of `db = SQLAlchemy()`: a metadata object's model class, which names tables itself.
      if (/(^|\.)Model$/.test(b) && b !== 'SQLModel' && this.resolveBase(file, cls, b)?.kind === 'metadata') return true;
      const f = this.findBase(file, cls, b);
      if (f && this.isFlaskModel(f.file, f.cls, seen)) return true;
    }
    return false;
  }

  private isMetadataRoot(file: string, name: string): boolean {
    return this.metadataOf(file, name) !== undefined;
  }

  /**
   * The identity of a metadata root (`Base`, `metadata`, `db`, `Archive.metadata`) as `file` sees it, or undefined:
   * the id of the metadata object itself, so a base built on another's metadata (`declarative_base(metadata=md)`)
   * has the id of `md`. `seen`: the roots followed so far, against a cycle of such links.
   */
  metadataOf(file: string, name: string, seen = new Set<string>(), at?: Place, use?: number): string | undefined {
    const dot = name.indexOf('.');
    if (dot > 0) {
      // `Archive.md`: a metadata object bound in the body of the class `Archive`.
      const b = this.host.names.resolve(file, name.slice(0, dot));
      const member = name.slice(dot + 1);
      const owned = b?.kind === 'class' ? this.host.facts(b.file)?.metadataRoots.find((r) => r.owner === b.cls.name && r.name === member) : undefined;
      if (b?.kind === 'class' && owned) return this.rootId(b.file, owned, seen, at);
    }
    const head = name.replace(/\.(metadata|Model)$/, '');
    // A use in the module that binds the name again by assignment (`Base = OtherBase`) sees what it means there.
    let b = use !== undefined && this.reboundHere(file, head) ? this.host.names.resolveAt(file, head, use) : this.host.names.resolve(file, head);
    // `meta.metadata` of `from app import meta`: the module's own `metadata`, not an attribute of one.
    if (b?.kind === 'module' && head !== name) b = this.host.names.resolve(file, name);
    if (!b) return head === 'SQLModel' ? 'sqlmodel' : undefined;
    switch (b.kind) {
      case 'metadata': {
        const root = this.rootAt(file, b, use);
        return typeof root === 'string' ? `${ORDER_UNKNOWN}${root}` : this.rootId(b.file, root, seen, at);
      }
      case 'external':
        return b.name === 'SQLModel' ? 'sqlmodel' : undefined;
      case 'unresolved':
        // Bound in a branch after another binding: which object it is depends on whether the branch ran.
        return b.order ? `${ORDER_UNKNOWN}${b.why}` : undefined;
      case 'class': {
        const root = this.host.facts(b.file)?.metadataRoots.find((r) => r.name === b.cls.name && r.owner === undefined);
        return root ? this.rootId(b.file, root, seen, at) : this.classMetadata(b.file, b.cls, new Set(), at);
      }
      default:
        return undefined;
    }
  }

  /**
   * Why the schema of the metadata `written` (as a `Table(...)` of `file` names it; `metadataOf` found no root) is not
   * known: SQLAlchemy gives the table that metadata's schema, which FK Guard cannot see.
   */
  unresolvedMetadata(file: string, written: string): string {
    return `its metadata is \`${nameText({ kind: 'dynamic', text: written }, 60)}\` (${file}), which FK Guard cannot resolve, so neither its schema`;
  }

  /**
   * The id of the metadata object a root stands for: the object it is built on when it names one FK Guard can
   * resolve (`declarative_base(metadata=md)`, `registry.generate_base()`), else its own (`file#name`,
   * `file#Owner.name` for one bound in a class body).
   */
  private rootId(file: string, root: MetadataRootFact, seen: Set<string>, at?: Place): string {
    // A name bound again at module level (`Base = declarative_base()` twice) makes another object each time: the
    // second binding's id is `file#Base@2`, and so on (the first keeps the plain id).
    const k = root.owner === undefined ? bindingNumber(this.host.facts(file)?.metadataRoots ?? [], root) : 1;
    let known = this.rootIds.get(root);
    if (!known || known.file !== file || known.owner !== root.owner || known.name !== root.name || known.k !== k) {
      const named = classId(file, root.owner !== undefined ? [root.owner, root.name].join('.') : root.name);
      known = { file, owner: root.owner, name: root.name, k, named, id: k > 1 ? [named, k].join('@') : named };
      this.rootIds.set(root, known);
    }
    const { named, id } = known;
    if (seen.has(id)) return id;
    // `SQLAlchemy(model_class=Base, metadata=md)` makes `md` Base's metadata, whatever Base was built on: for what
    // reads `Base.metadata` after the call. A class or Table made before it keeps Base's first metadata.
    const rebound = root.owner === undefined ? this.host.metadataRebinds().get(named) : undefined;
    const order = rebound && at ? this.rebindOrder(at, rebound, root) : 'after';
    if (rebound && order === 'after') {
      seen.add(id);
      return this.rootId(rebound.file, rebound.root, seen);
    }
    if (rebound && order !== 'before') return `${ORDER_UNKNOWN}${order}`;
    if (root.metadata === undefined && root.modelClass !== undefined) {
      // Only a declarative base given as `model_class` brings its metadata (see `MetadataRootFact.modelClass`).
      seen.add(id);
      const b = this.host.names.resolve(file, root.modelClass);
      const base = b?.kind === 'metadata' ? b : undefined;
      if (base) return this.rootId(base.file, base.root, seen);
      const own = b?.kind === 'class' ? this.host.facts(b.file)?.metadataRoots.find((r) => r.name === b.cls.name && r.owner === undefined) : undefined;
      return own && b?.kind === 'class' ? this.rootId(b.file, own, seen) : id;
    }
    if (root.metadata === undefined) return id;
    seen.add(id);
    return this.metadataOf(file, root.metadata, seen, undefined, root.span.start) ?? id;
  }

  /**
   * Which binding of a module-level metadata name (`b`, as the module binds it last) a use in `file` at offset `use`
   * sees. Python runs a module top down: a use in the module that binds the name more than once (`Base =
   * declarative_base()` ... `Base = declarative_base(metadata=...)`) sees the binding made last before it; another
   * module, or a use whose place is not given, sees the last. A binding in a branch (`if`, `except`) may not have run,
   * and then an earlier one is seen: which, FK Guard cannot tell, and the answer is why.
   */
  private rootAt(file: string, b: { file: string; root: MetadataRootFact }, use: number | undefined): MetadataRootFact | string {
    const roots = this.host.facts(b.file)?.metadataRoots ?? [];
    if (b.root.owner !== undefined || bindingNumber(roots, b.root) < 2) return b.root;
    // A name the module also binds by assignment was read in order already (see `PythonNames.bindingAt`).
    if (this.reboundHere(b.file, b.root.name)) return b.root;
    const same = roots.filter((r) => r.name === b.root.name && r.owner === undefined);
    let i = same.length - 1;
    if (use !== undefined && file === b.file) {
      while (i > 0 && same[i].span.start > use) i--;
    }
    if (!same[i].conditional || i === 0) return same[i];
    const line = (r: MetadataRootFact) => positionAt(this.host.facts(b.file)!.lineStarts, r.span.start).line + 1;
    return `\`${b.root.name}\` is bound again in a branch (${b.file}:${line(same[i])}) that may not run, so FK Guard cannot tell whether it is that object or the one bound before (${b.file}:${line(same[i - 1])})`;
  }

  /**
   * Whether what stands at `at` reads `Base.metadata` before or after `SQLAlchemy(model_class=Base, metadata=md)`
   * (`rebound`) replaces it: in the same module, by place; in another, after when that module imports the object the
   * call makes (`from app import db`) before it, since the import fails until the call has bound it. Otherwise the
   * order is not known (which module Python runs first, an import cycle), and the answer is why.
   */
  private rebindOrder(at: Place, rebound: { file: string; root: MetadataRootFact }, base: MetadataRootFact): 'before' | 'after' | string {
    if (at.file === rebound.file) return at.start < rebound.root.span.start ? 'before' : 'after';
    for (const i of this.host.facts(at.file)?.imports ?? []) {
      if (i.name === undefined || i.span.start > at.start) continue;
      const b = this.host.names.resolve(at.file, i.local);
      if (b?.kind === 'metadata' && b.file === rebound.file && b.root === rebound.root) return 'after';
    }
    // A star import of that module (`from app.base import *`) binds it too once the module has run, which it has
    // unless that module imports this one (a cycle: then it may be half run, and the star import binds what is there).
    const here = this.host.facts(at.file);
    const there = this.host.facts(rebound.file);
    if (here?.starImports?.length && there) {
      const b = this.host.names.resolve(at.file, rebound.root.name);
      const cycle = there.imports.some((i) => i.module === here.module || `${i.module}.${i.name}` === here.module) || (there.starImports ?? []).includes(here.module);
      if (b?.kind === 'metadata' && b.file === rebound.file && b.root === rebound.root && !cycle) return 'after';
    }
    return `\`${rebound.root.name} = SQLAlchemy(model_class=${base.name}, metadata=...)\` (${rebound.file}) gives \`${base.name}\` another metadata only for what is made after it, and FK Guard cannot tell whether this (${at.file}) is made before or after it`;
  }

  /**
   * A metadata id `rootId` made when the metadata depends on an order FK Guard cannot tell (see `rebindOrder`): the
   * object is not known, nor its schema (`why`). Undefined for any other id.
   */
  orderUnknown(id: string | undefined): string | undefined {
    return id?.startsWith(ORDER_UNKNOWN) ? id.slice(ORDER_UNKNOWN.length) : undefined;
  }

  /**
   * The schema the metadata object `id` (from `metadataOf`) gives its tables. Not known when some file assigns
   * its `schema` at run time, when its `MetaData(schema=...)` is not something FK Guard can read, or when it is
   * built on a metadata object FK Guard cannot resolve (whose schema it takes).
   */
  metadataSchema(id: string): MetadataSchema {
    const order = this.orderUnknown(id);
    if (order !== undefined) return { known: false, why: order };
    const setter = this.host.metadataSchemaSets().get(id) ?? this.host.metadataSchemaSets().get(id.replace(/@\d+$/, ''));
    if (setter) return { known: false, why: `its metadata's \`schema\` is assigned while the program runs (in ${setter})` };
    const cut = id.lastIndexOf('#');
    if (cut < 0) return { known: true };
    const file = id.slice(0, cut);
    const bound = /^(.*)@(\d+)$/.exec(id.slice(cut + 1));
    const key = bound ? bound[1] : id.slice(cut + 1);
    const roots = this.host.facts(file)?.metadataRoots.filter((r) => (r.owner !== undefined ? `${r.owner}.${r.name}` : r.name) === key);
    const root = roots?.[bound ? Number(bound[2]) - 1 : 0];
    if (!root) return { known: true };
    // `rootId` stopped here: the object it is built on is not one FK Guard can see.
    if (root.metadata !== undefined) return { known: false, why: `its metadata is \`${root.metadata}\` (${file}), which FK Guard cannot resolve, so neither its schema` };
    if (!root.schema) return { known: true };
    const schema = this.host.resolveName(file, root.schema);
    if (schema === undefined) return { known: false, why: `its metadata's schema is \`${nameText(root.schema, 60)}\` (${file}), which FK Guard cannot read` };
    // `MetaData(DATABASE_URL)`: SQLAlchemy 1.x's `bind`, a database URL, is no schema.
    if (schema.includes('://')) return { known: true };
    return { known: true, schema };
  }

  /**
   * The metadata of a Flask-SQLAlchemy model with a `__bind_key__` (its own or inherited), when it is not `db`'s;
   * undefined when it is. Flask-SQLAlchemy 3 puts such a model on a MetaData of its own per bind key (`id`), made with
   * no schema (`_make_metadata` copies only the naming convention); version 2 keeps it on `db.metadata`. Where the
   * project's version is not known (see `FlaskNaming`), the model's metadata object is not known (`{}`), nor its schema
   * (`why`) unless `db`'s metadata has none, where the two versions agree on none.
   */
  private bindMetadata(file: string, cls: ClassFact, metadataId: string): { id?: string; why?: string } | undefined {
    const bind = this.bindKeyOf(file, cls, new Set());
    if (!bind || !this.onFlaskModel(file, cls, new Set())) return undefined;
    const naming = this.host.flaskNaming(file);
    if ('major' in naming) return naming.major === 2 ? undefined : { id: `${metadataId}.metadatas["${bind.key}"]` };
    const shared = this.metadataSchema(metadataId);
    if (shared.known && shared.schema === undefined) return {};
    const schema = shared.known ? `schema \`${shared.schema}\`` : 'schema';
    const why = `its \`__bind_key__ = "${bind.key}"\` (\`${bind.owner}\`) puts it on a MetaData of its own without \`db\`'s ${schema} in Flask-SQLAlchemy 3, on \`db\`'s in Flask-SQLAlchemy 2, and FK Guard cannot tell which this project installs: ${naming.unknown}`;
    return { why };
  }

  /** The `__bind_key__` a class has or inherits, nearest first, with the class that writes it. */
  private bindKeyOf(file: string, cls: ClassFact, seen: Set<string>): { key: string; owner: string } | undefined {
    if (cls.bindKey !== undefined) return { key: cls.bindKey, owner: cls.name };
    for (const b of cls.bases) {
      const found = this.findBase(file, cls, b);
      if (!found || seen.has(found.id)) continue;
      seen.add(found.id);
      const key = this.bindKeyOf(found.file, found.cls, seen);
      if (key) return key;
    }
    return undefined;
  }

  /** Whether a class derives from a Flask-SQLAlchemy `db.Model` (directly or through classes of the workspace). */
  private onFlaskModel(file: string, cls: ClassFact, seen: Set<string>): boolean {
    for (const b of cls.bases) {
      const r = this.resolveBase(file, cls, b);
      if (r?.kind === 'metadata' && r.root.flask) return true;
      const found = this.findBase(file, cls, b);
      if (!found || seen.has(found.id)) continue;
      seen.add(found.id);
      if (this.onFlaskModel(found.file, found.cls, seen)) return true;
    }
    return false;
  }

  /**
   * The metadata object a class is mapped onto. `at`: where the class being mapped is made (itself, or the subclass
   * whose ancestry this walks), for a metadata a Flask `SQLAlchemy(model_class=...)` replaces (see `rebindOrder`).
   */
  classMetadata(file: string, cls: ClassFact, seen: Set<string>, at?: Place): string | undefined {
    const id = this.idOf(file, cls);
    if (seen.has(id)) return undefined;
    seen.add(id);
    // `__table__ = Table("t", other_metadata, ...)`: the class's table is on the Table's metadata.
    if (cls.tableMetadata !== undefined) return this.metadataOf(file, cls.tableMetadata.replace(/\.metadata$/, ''), new Set(), at);
    // SQLAlchemy maps a class onto the `metadata` its class has or inherits (`_metadata_for_cls`), nearest first.
    const owned = this.host.facts(file)?.metadataRoots.find((r) => r.owner === cls.name && r.name === 'metadata');
    if (owned) return this.rootId(file, owned, new Set());
    for (const b of cls.bases) {
      const found = this.findBase(file, cls, b);
      if (found) {
        const own = this.host.facts(found.file)?.metadataRoots.find((r) => r.name === found.cls.name && r.owner === undefined);
        if (own) return this.rootId(found.file, own, new Set(), at);
        const m = this.classMetadata(found.file, found.cls, seen, at);
        if (m) return m;
      } else {
        // Read where the class statement names it: a base bound again later in the module is another object.
        const m = this.metadataOf(file, b, new Set(), at, cls.span.start);
        if (m) return m;
      }
    }
    return undefined;
  }
}

/**
 * Which binding of its name a module-level metadata root is, counting from 1 (`Base = declarative_base()` twice: the
 * second is 2); 0 for a root not among `roots`.
 */
function bindingNumber(roots: readonly MetadataRootFact[], root: MetadataRootFact): number {
  let n = 0;
  for (const r of roots) {
    if (r.name !== root.name || r.owner !== undefined) continue;
    n++;
    if (r === root) return n;
  }
  return 0;
}

/** Where something is made: a file and an offset in it. */
export interface Place {
  file: string;
  start: number;
}

/** The start of a metadata id that says the metadata depends on an order FK Guard cannot tell (see `rootId`). */
const ORDER_UNKNOWN = '\u0000order\u0000';

/** A class found by name, with its id in `classMap`. */
export interface FoundClass {
  file: string;
  cls: ClassFact;
  id: string;
}

/**
 * `file#name`, built flat: a template literal makes a string of two pieces (and one more object when a map first hashes
 * it), which every map, list and table that keeps the id held on to (~100 bytes an id; 4,500 classes on the bench's 1k
 * workspace, 45,000 on its 10k).
 */
export function classId(file: string, name: string): string {
  return [file, name].join('#');
}

/**
 * The class a Flask-SQLAlchemy `SQLAlchemy(model_class=Model)` builds `db.Model` on, as written: a plain class is made
 * `declarative_base(cls=Model)`'s base, so its columns, `__tablename__` and `__table_args__` are every model's (its
 * schema wins over `db`'s `MetaData(schema=...)` for the tables, as declarative reads `__table_args__` first).
 */
function flaskModelClass(root: MetadataRootFact): string | undefined {
  return root.flask ? (root.modelClass ?? root.rebinds) : undefined;
}

/** A Python class with no base (nor a framework's): nothing maps it; a `__tablename__` on it is a mixin's. */
function isPlainMixin(cls: ClassFact): boolean {
  return !cls.framework && !cls.sqlmodelTable && !cls.joinTable && cls.bases.every((b) => b === 'object');
}

/**
 * Flask-SQLAlchemy's `camel_to_snake_case` before 3.0 (0.x to 2.5.1): a capital run followed by a lower-case letter or
 * a digit is split before its last capital, and one at the end is kept as it is (`UserAPI` → `userAPI`, `HTML5Doc` →
 * `htm_l5_doc`, `HTTPLog` → `http_log`).
 */
export function camelToSnakeBefore3(name: string): string {
  return name.replace(/([A-Z]+)(?=[a-z0-9])/g, (word) => (word.length > 1 ? `_${word.slice(0, -1)}_${word.slice(-1)}` : `_${word}`).toLowerCase()).replace(/^_+/, '');
}

/** Flask-SQLAlchemy's `camel_to_snake_case` (3.0 on): `DynamicChallenge` → `dynamic_challenge`, `HTTPLog` → `http_log`. */
export function camelToSnake(name: string): string {
  return name
    .replace(/((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))/g, '_$1')
    .toLowerCase()
    .replace(/^_+/, '');
}

function applyConvention(convention: NamingConvention, className: string): string {
  switch (convention) {
    case 'snake_case':
      return camelToSnake(className);
    case 'lowercase':
      return className.toLowerCase();
    case 'plural_snake_case': {
      const s = camelToSnake(className);
      return /(s|x|z|ch|sh)$/.test(s) ? `${s}es` : /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`;
    }
    case 'class_name':
      return className;
  }
}

/** How a table name expression reads in a message; a computed one cut to `max` characters. */
/** A class whose table name (`what`, as the message calls it) is computed by code FK Guard does not evaluate. */
function computedName(file: string, cls: ClassFact, tablename: NameExpr, what: string): NamelessClass {
  return {
    file,
    cls,
    reason: 'dynamic-name',
    base: cls.name,
    detail: `its ${what} is computed (\`${nameText(tablename, 60)}\`), which FK Guard does not evaluate`,
    matches: dynamicNameWords(cls.name, tablename),
  };
}

export function nameText(expr: NameExpr, max = Infinity): string {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'const':
      return expr.name;
    case 'template':
      return expr.parts.map((p) => ('literal' in p ? p.literal : `{${p.const}}`)).join('');
    case 'dynamic':
      return expr.text.length > max ? `${expr.text.slice(0, max - 3)}...` : expr.text;
  }
}

/**
 * What a table's name (lowered, without underscores) may hold to be the one a computed `__tablename__` makes:
 * the class's name (as for every nameless class), and each word of three letters or more written in the
 * expression (`orders_table()` → `orders`; `"invoices_v1" if LEGACY else "invoices"` → `invoices`). A name
 * built from nothing written there is not recognised: that limit is the price of keeping unknown-table useful
 * in a workspace with one computed name.
 */
export function dynamicNameWords(className: string | undefined, expr: NameExpr): string[] {
  const text = nameText(expr).toLowerCase();
  const words = new Set<string>();
  const cls = className?.toLowerCase();
  if (cls) words.add(cls);
  if (cls?.endsWith('y')) words.add(cls.slice(0, -1));
  for (const w of text.split(/[^a-z0-9]+/)) if (w.length >= 3 && !NOT_NAMES.has(w)) words.add(w);
  return [...words];
}

/**
 * Words of an expression that are its syntax or plumbing, not part of a table's name: Python's, and those of a
 * TypeScript substitution (`${process.env.AUTHORS}`, `${sql.identifier(...)}`).
 */
const NOT_NAMES = new Set(['self', 'cls', 'environ', 'get', 'getenv', 'str', 'format', 'lower', 'upper', 'else', 'not', 'and', 'true', 'false', 'none', 'table', 'tablename', 'name', 'process', 'env', 'this', 'sql', 'identifier', 'raw', 'join', 'tostring', 'concat', 'tolowercase', 'touppercase', 'undefined', 'null']);
