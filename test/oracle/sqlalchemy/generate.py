"""Invented SQLAlchemy workspaces for the SQLAlchemy oracle (see test/oracle/sqlalchemy.ts).

python3 generate.py OUT SEED N writes OUT/w000 .. OUT/w(N-1). The same seed always gives the same workspaces (one
random.Random drives every choice, and nothing depends on hashing or file-system order).

Each workspace mixes the ways SQLAlchemy code names a table's MetaData and schema: a module MetaData with or
without a schema, declarative_base(metadata=...), a registry with generate_base / @mapped / as_declarative_base,
@as_declarative, a DeclarativeBase subclass with a metadata attribute, Flask-SQLAlchemy's SQLAlchemy(metadata=...)
and model_class=, abstract sub-bases, mixins carrying __table_args__ or __tablename__, single-table and joined
inheritance, `__table__ = Table(...)`, Core tables on every kind of metadata expression, db.Table, Table(schema=)
and BLANK_SCHEMA, Flask's generated table names. Its foreign keys are right, schema-qualified, qualified with a
wrong schema, misspelled, in the wrong case, on a missing column or a bare table name.

A workspace holds:
- ws/app/*.py, what FK Guard scans, and a dependency file of one of the forms FK Guard reads (requirements.txt, an
  included requirements/base.txt, pyproject.toml of PEP 621 or Poetry, a lock, Pipfile, setup.cfg) pinning the
  Flask-SQLAlchemy the oracle judges with, whose major decides Flask's generated table names (`GoatABC`: `goat_abc`
  from 3.0, `goatABC` before);
- oracle/app/*.py, the same model in the SQLAlchemy 1.4 spelling the Debian package imports (2.0's DeclarativeBase
  and Mapped/mapped_column are written as their 1.4 equivalents, line for line, so line numbers agree);
- fks.json, every ForeignKey the generator wrote: file, line (1-based), the table it is on, its column, the string.
Every foreign-key column has a name unique in its workspace, so the oracle's answer maps back to one line.
"""
import json
import os
import random
import re
import sys

WORDS = ["barn", "silo", "crop", "field", "tractor", "plough", "harvest", "seed", "bale", "hen", "coop", "goat",
         "orchard", "pear", "hive", "well", "fence", "gate", "stall", "trough"]
SCHEMAS = [None, None, "farm", "dairy", "store"]
NAMED_SCHEMAS = SCHEMAS[2:]
MODULES = ["meta", "base", "models_a", "models_b"]
BASE_KINDS = ["declarative_base", "declarative_base_inline", "declarative_base_fresh", "reg_generate", "reg_mapped",
              "reg_as_decl", "as_declarative", "declbase20", "declbase20_inline", "flask", "flask_model_class",
              "flask_inline"]
SPEC_FORMS = ["unq", "unq", "q", "q", "wrongschema", "badcol", "typo", "bare", "case"]


def class_name(word, r):
    return r.choice([word.capitalize(), word.capitalize() + "Item", "Old" + word.capitalize(), word.upper() + "Log",
                     word.capitalize() + "V2", "X" + word.capitalize(), word.capitalize() + "ABC",
                     word.capitalize() + "2Tag"])


# The Flask-SQLAlchemy the oracle judges with: Debian's python3-flask-sqlalchemy (3.0.3) in CI. With
# FKGUARD_ORACLE_FLASK_SQLALCHEMY=2.5.1 and a checkout of that tag on PYTHONPATH (no PyPI in CI, and Debian has no 2.x),
# the workspaces pin 2.5.1 and are named by its rule (resolve.py refuses a Flask-SQLAlchemy of another major).
FLASK_SQLALCHEMY = os.environ.get("FKGUARD_ORACLE_FLASK_SQLALCHEMY", "3.0.3")
FLASK_MAJOR = int(FLASK_SQLALCHEMY.split(".")[0])


def flask_table_name(name):
    """The generated table name for a class name (camel_to_snake_case of the Flask-SQLAlchemy judged with)."""
    if FLASK_MAJOR < 3:
        def join(m):
            word = m.group()
            return ("_%s_%s" % (word[:-1], word[-1])).lower() if len(word) > 1 else "_" + word.lower()
        return re.sub(r"([A-Z]+)(?=[a-z0-9])", join, name).lstrip("_")
    name = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return name.lower().lstrip("_")


def dependency_files(shapes):
    """A dependency file (and what it includes) pinning FLASK_SQLALCHEMY's major, as {path under ws/: text}."""
    v = FLASK_SQLALCHEMY
    major, minor = FLASK_MAJOR, v.split(".")[1]
    spec = shapes.choice([f"=={v}", f"~={major}.{minor}", f">={major}.{minor},<{major + 1}", f"=={major}.*"])
    poetry = shapes.choice([f"^{major}.{minor}", v, f"~{major}.{minor}", f">={major},<{major + 1}"])
    lock = (f'version = 1\n\n[[package]]\nname = "flask"\nversion = "2.2.5"\n\n'
            f'[[package]]\nname = "flask-sqlalchemy"\nversion = "{v}"\nsource = {{ registry = "https://pypi.org/simple" }}\n')
    form = shapes.choice(["requirements", "included", "pep621", "poetry", "uv", "pipfile", "pipfile_lock", "setup_cfg"])
    if form == "requirements":
        return {"requirements.txt": f"Flask==2.2.5\nFlask-SQLAlchemy{spec}  # the naming the oracle judges\n"}
    if form == "included":
        return {"requirements.txt": "-r requirements/base.txt\ngunicorn\n",
                "requirements/base.txt": f"flask_sqlalchemy {spec}\nSQLAlchemy>=1.4,<2\n"}
    if form == "pep621":
        return {"pyproject.toml": f'[project]\nname = "farm"\ndependencies = [\n  "Flask>=2",\n  "Flask-SQLAlchemy{spec}",\n]\n'}
    if form == "poetry":
        return {"pyproject.toml": f'[tool.poetry]\nname = "farm"\n\n[tool.poetry.dependencies]\npython = "^3.9"\n'
                                  f'flask-sqlalchemy = {{ version = "{poetry}" }}\n'}
    if form == "uv":
        # A range that admits both majors: the lock beside it says which one is installed.
        return {"pyproject.toml": '[project]\nname = "farm"\ndependencies = ["flask-sqlalchemy>=2.5"]\n', "uv.lock": lock}
    if form == "pipfile":
        return {"Pipfile": f'[packages]\nflask = "*"\nflask-sqlalchemy = "{spec}"\n'}
    if form == "pipfile_lock":
        return {"Pipfile": '[packages]\nflask-sqlalchemy = "*"\n',
                "Pipfile.lock": json.dumps({"default": {"flask-sqlalchemy": {"version": f"=={v}"}}, "develop": {}})}
    return {"setup.cfg": f"[metadata]\nname = farm\n\n[options]\ninstall_requires =\n    Flask\n    Flask-SQLAlchemy{spec}\n"}


class Workspace:
    def __init__(self, r, shapes):
        self.r = r
        # Draws for the shapes added after the first (review10's R10-1 and R10-3): their own stream, so that adding
        # them left every other choice, and the workspaces the allow-list was written against, as they were.
        self.shapes = shapes
        self.files = {}  # module -> [(line FK Guard scans, line the oracle imports)]
        self.fks = []
        self.fk_count = 0
        # Tables written while the bases are (see bases()): targets for keys, with no keys of their own.
        self.early = []
        # Files beside the model that only FK Guard reads (ws/...): the project's dependency files.
        self.extra = {}

    def emit(self, module, scanned, oracle=None):
        self.files.setdefault(module, []).append((scanned, scanned if oracle is None else oracle))

    def next_line(self, module):
        return len(self.files.get(module, [])) + 1

    def fk_column(self):
        self.fk_count += 1
        return f"c{self.fk_count}_id"

    def write(self, wsdir):
        for which, idx in (("ws", 0), ("oracle", 1)):
            d = os.path.join(wsdir, which, "app")
            os.makedirs(d, exist_ok=True)
            open(os.path.join(d, "__init__.py"), "w").close()
            for module in MODULES:
                lines = [pair[idx] for pair in self.files.get(module, [])]
                with open(os.path.join(d, module + ".py"), "w") as f:
                    f.write("\n".join(lines) + "\n")
        for rel, text in self.extra.items():
            path = os.path.join(wsdir, "ws", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        with open(os.path.join(wsdir, "fks.json"), "w") as f:
            json.dump(self.fks, f, indent=1)


def metadatas(w):
    """One to three module-level MetaData objects, each in meta.py or base.py."""
    r = w.r
    mds = []
    for i in range(r.randint(1, 3)):
        mds.append((f"md{i}", r.choice(SCHEMAS), r.choice(["meta", "meta", "base"])))
    w.emit("meta", "from sqlalchemy import MetaData")
    w.emit("base", "from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table")
    w.emit("base", "from sqlalchemy.orm import DeclarativeBase, as_declarative, declarative_base, registry",
           "from sqlalchemy.orm import as_declarative, declarative_base, registry")
    w.emit("base", "from flask_sqlalchemy import SQLAlchemy")
    w.emit("base", "from app.meta import *")
    for var, schema, module in mds:
        w.emit(module, f"{var} = MetaData(schema={schema!r})" if schema else f"{var} = MetaData()")
    return mds


def bases(w, mds):
    """One to four declarative bases (and sometimes an abstract sub-base or a mixin on one), all in base.py.

    Each is a dict: hdr, what a class lists as its bases (None for a @registry.mapped class); dec, the decorator
    of a @mapped class; md, a metadata expression a Core Table on it uses ("dbTable" for Flask's db.Table); db, the
    Flask SQLAlchemy object; flask, whether Flask-SQLAlchemy generates table names for its classes.
    """
    r = w.r
    out = []
    m = "base"
    shapes = w.shapes
    for i in range(r.randint(1, 4)):
        kind = r.choice(BASE_KINDS)
        mv = r.choice(mds)[0]
        b = f"Base{i}"
        if kind.startswith("declarative_base") and shapes.random() < 0.4:
            # R10-3: the name is bound to another base first, and a class is made on that one: Python runs the module
            # top down, so that class keeps the first base (its metadata and schema) while later ones take the next.
            w.emit(m, f"{b} = declarative_base(metadata=MetaData(schema={shapes.choice(SCHEMAS)!r}))")
            w.emit(m, f"class Before{i}({b}):")
            w.emit(m, f"    __tablename__ = 'before{i}'")
            w.emit(m, "    id = Column(Integer, primary_key=True)")
            w.early.append(dict(name=f"before{i}", cls=f"Before{i}", kind="early", mod="early", targ=None, tschema=None,
                                auto=False))
        if kind == "reg_mapped" and shapes.random() < 0.5:
            # R10-1: a registry made in the decorator itself, for each class it maps: on a named MetaData, or on a new
            # one of its own (then no other class or Table shares it).
            r.choice([f"reg{i}.metadata", mv])  # The draw the named registry's Core tables take, kept in step.
            inline = shapes.choice([mv, f"MetaData(schema={shapes.choice(SCHEMAS)!r})"])
            out.append(dict(hdr=None, dec=f"@registry(metadata={inline}).mapped", md=mv, db=None))
            continue
        if kind == "declarative_base":
            w.emit(m, f"{b} = declarative_base(metadata={mv})")
            out.append(dict(hdr=b, dec=None, md=f"{b}.metadata", db=None))
        elif kind == "declarative_base_inline":
            w.emit(m, f"{b} = declarative_base(metadata=MetaData(schema={r.choice(SCHEMAS)!r}))")
            out.append(dict(hdr=b, dec=None, md=f"{b}.metadata", db=None))
        elif kind == "declarative_base_fresh":
            w.emit(m, f"{b} = declarative_base()")
            out.append(dict(hdr=b, dec=None, md=f"{b}.metadata", db=None))
        elif kind == "reg_generate":
            w.emit(m, f"reg{i} = registry(metadata={mv})")
            w.emit(m, f"{b} = reg{i}.generate_base()")
            out.append(dict(hdr=b, dec=None, md=r.choice([f"{b}.metadata", f"reg{i}.metadata", mv]), db=None))
        elif kind == "reg_mapped":
            w.emit(m, f"reg{i} = registry(metadata={mv})")
            out.append(dict(hdr=None, dec=f"@reg{i}.mapped", md=r.choice([f"reg{i}.metadata", mv]), db=None))
        elif kind == "reg_as_decl":
            w.emit(m, f"reg{i} = registry(metadata={mv})")
            w.emit(m, f"@reg{i}.as_declarative_base()")
            w.emit(m, f"class {b}:")
            w.emit(m, "    pass")
            out.append(dict(hdr=b, dec=None, md=f"{b}.metadata", db=None))
        elif kind == "as_declarative":
            w.emit(m, f"@as_declarative(metadata={mv})")
            w.emit(m, f"class {b}:")
            w.emit(m, "    pass")
            out.append(dict(hdr=b, dec=None, md=f"{b}.metadata", db=None))
        elif kind == "declbase20":
            w.emit(m, f"class {b}(DeclarativeBase):", f"{b} = declarative_base(metadata={mv})")
            w.emit(m, f"    metadata = {mv}", "")
            out.append(dict(hdr=b, dec=None, md=f"{b}.metadata", db=None))
        elif kind == "declbase20_inline":
            s = r.choice(SCHEMAS)
            w.emit(m, f"class {b}(DeclarativeBase):", f"{b} = declarative_base(metadata=MetaData(schema={s!r}))")
            w.emit(m, f"    metadata = MetaData(schema={s!r})", "")
            out.append(dict(hdr=b, dec=None, md=f"{b}.metadata", db=None))
        elif kind == "flask":
            w.emit(m, f"db{i} = SQLAlchemy(metadata={mv})")
            out.append(dict(hdr=f"db{i}.Model", dec=None,
                            md=r.choice([f"db{i}.metadata", f"db{i}.Model.metadata", mv, "dbTable"]), db=f"db{i}",
                            flask=True))
        elif kind == "flask_inline":
            w.emit(m, f"db{i} = SQLAlchemy(metadata=MetaData(schema={r.choice(SCHEMAS)!r}))")
            out.append(dict(hdr=f"db{i}.Model", dec=None, md=r.choice([f"db{i}.metadata", "dbTable"]), db=f"db{i}",
                            flask=True))
        elif kind == "flask_model_class":
            w.emit(m, f"MB{i} = declarative_base(metadata={mv})")
            extra = r.choice(["", f", metadata={r.choice(mds)[0]}"])
            if extra:
                # A class made on the model class before SQLAlchemy(model_class=, metadata=) rebinds its metadata
                # keeps the first one (R9-12).
                w.emit(m, f"class Early{i}(MB{i}):")
                w.emit(m, f"    __tablename__ = 'early{i}'")
                w.emit(m, "    id = Column(Integer, primary_key=True)")
                w.early.append(dict(name=f"early{i}", cls=f"Early{i}", kind="early", mod="early", targ=None, tschema=None,
                                    auto=False))
            w.emit(m, f"db{i} = SQLAlchemy(model_class=MB{i}{extra})")
            # A model class that is already declarative keeps its own table-name rules: Flask names none.
            out.append(dict(hdr=f"db{i}.Model", dec=None,
                            md=r.choice([f"db{i}.metadata", f"MB{i}.metadata", "dbTable"]), db=f"db{i}", flask=False))
        if out[-1]["hdr"] and r.random() < 0.25:
            sub = f"Abs{i}"
            w.emit(m, f"class {sub}({out[-1]['hdr']}):")
            w.emit(m, "    __abstract__ = True")
            derived = dict(out[-1], hdr=sub)
            if r.random() < 0.5:
                w.emit(m, "    __table_args__ = {'schema': %r}" % r.choice(NAMED_SCHEMAS))
                derived["flask"] = bool(out[-1].get("flask"))
            out.append(derived)
        if out[-1]["hdr"] and r.random() < 0.2:
            mixin = f"Mixin{i}"
            w.emit(m, f"class {mixin}:")
            w.emit(m, "    __table_args__ = {'schema': %r}" % r.choice(NAMED_SCHEMAS))
            out.append(dict(out[-1], hdr=f"{mixin}, {out[-1]['hdr']}"))
    return out


def plan_tables(w, base_list):
    """Three to eight tables on random bases, then subclasses (single-table or joined) of some of the classes."""
    r = w.r
    tables = list(w.early)
    used = set()
    for _ in range(r.randint(3, 8)):
        word = r.choice(WORDS)
        while word in used:
            word = r.choice(WORDS)
        used.add(word)
        base = r.choice(base_list)
        kind = r.choice(["class", "class", "class", "table", "hybrid", "mixname"])
        if kind in ("hybrid", "mixname") and (not base["hdr"] or base["hdr"].startswith(("Abs", "Mixin"))):
            kind = "class"
        if kind == "hybrid" and base.get("md") == "dbTable":
            kind = "class"
        cls = class_name(word, r)
        module = r.choice(["models_a", "models_b", "base"])
        if kind == "class" and base.get("flask") and r.random() < 0.5:
            name = flask_table_name(cls)
        else:
            name = r.choice([word, word + "s"])
        targ = r.choice([None, None, None, "dict", "tuple", "tuple2"])
        tschema = r.choice(NAMED_SCHEMAS + ["BLANK"]) if targ or (kind == "table" and r.random() < 0.3) else None
        if kind == "table" and tschema and targ is None:
            targ = "kw"
        tables.append(dict(name=name, cls=cls, base=base, kind=kind, mod=module, targ=targ if tschema else None,
                           tschema=tschema,
                           auto=kind == "class" and name == flask_table_name(cls) and bool(base.get("flask"))))
    for parent in list(tables):
        if parent["kind"] == "class" and parent["base"]["hdr"] and r.random() < 0.3:
            word = r.choice(WORDS)
            if word in used:
                continue
            used.add(word)
            sti = r.random() < 0.5 and not parent["targ"] and not parent["base"]["hdr"].startswith(("Abs", "Mixin"))
            cls = class_name(word, r)
            if sti:
                name = parent["name"]
            else:
                name = flask_table_name(cls) if parent.get("auto") and r.random() < 0.5 else word + "s"
            base = dict(hdr=parent["cls"], dec=None, md=parent["base"]["md"], db=parent["base"].get("db"),
                        flask=parent["base"].get("flask"))
            module = parent["mod"] if r.random() < 0.5 else "models_b"
            child = dict(name=name, cls=cls, base=base, kind="sti" if sti else "joined", mod=module, targ=None,
                         tschema=None, parent=parent)
            child["auto"] = (not sti) and name == flask_table_name(cls) and bool(parent["base"].get("flask"))
            tables.append(child)
    for t in tables:
        if r.random() < 0.08 and t["kind"] in ("class", "table") and not t["auto"]:
            t["name"] = t["name"].capitalize()
    return tables


def foreign_keys(w, tables):
    """Zero to three (column, FK string) pairs aimed at random tables, in any of SPEC_FORMS."""
    r = w.r
    out = []
    for _ in range(r.randint(0, 3)):
        target = r.choice(tables)
        form = r.choice(SPEC_FORMS)
        tn = target["name"]
        ts = target["tschema"] if target["tschema"] not in (None, "BLANK") else r.choice(NAMED_SCHEMAS)
        if form == "unq":
            spec = f"{tn}.id"
        elif form == "q":
            spec = f"{ts}.{tn}.id"
        elif form == "wrongschema":
            spec = f"{r.choice(NAMED_SCHEMAS)}.{tn}.id"
        elif form == "badcol":
            spec = f"{tn}.nid"
        elif form == "typo":
            spec = f"{tn}x.id"
        elif form == "case":
            spec = f"{tn.swapcase() if tn.islower() else tn.lower()}.id"
        else:
            spec = tn  # A bare table name: SQLAlchemy reads it as a table and takes the column's own name.
        out.append((w.fk_column(), spec))
    return out


def fk_line(w, module, table, col, spec, scanned, oracle=None):
    w.fks.append(dict(file=f"app/{module}.py", line=w.next_line(module), table=table, col=col, spec=spec))
    w.emit(module, scanned, oracle)


def emit_tables(w, tables):
    r = w.r
    for module in ["base", "models_a", "models_b"]:
        if module != "base":
            w.emit(module, "from sqlalchemy import BLANK_SCHEMA, Column, ForeignKey, Integer, MetaData, Table, UniqueConstraint")
            w.emit(module, "import sqlalchemy as sa")
            w.emit(module, "from sqlalchemy.orm import Mapped, mapped_column", "")
            w.emit(module, "from app.base import *")
            if module == "models_b":
                w.emit(module, "from app.models_a import *")
        else:
            w.emit(module, "from sqlalchemy import BLANK_SCHEMA, UniqueConstraint")
            w.emit(module, "import sqlalchemy as sa")
            w.emit(module, "from sqlalchemy.orm import Mapped, mapped_column", "")
        for t in [t for t in tables if t["mod"] == module]:
            emit_table(w, module, t, foreign_keys(w, tables))
            w.emit(module, "")


def schema_expr(tschema):
    return "BLANK_SCHEMA" if tschema == "BLANK" else repr(tschema)


def emit_table(w, m, t, cols):
    r = w.r
    b = t["base"]
    if t["kind"] in ("sti", "joined"):
        parent = t["parent"]
        w.emit(m, f"class {t['cls']}({parent['cls']}):")
        if t["kind"] == "joined":
            # Under Flask, a joined subclass sometimes leaves its table name to Flask-SQLAlchemy.
            if not t["auto"] and not (t["base"].get("flask") and r.random() < 0.3):
                w.emit(m, f"    __tablename__ = {t['name']!r}")
            w.emit(m, f"    id = Column(Integer, ForeignKey({parent['cls']}.id), primary_key=True)")
            w.emit(m, f"    __mapper_args__ = {{'inherit_condition': id == {parent['cls']}.id}}")
        else:
            w.emit(m, "    __mapper_args__ = {'polymorphic_identity': %r}" % t["cls"])
        # A single-table subclass's columns land on its parent's table.
        table = parent["name"] if t["kind"] == "sti" else t["name"]
        for c, spec in cols:
            fk_line(w, m, table, c, spec, f"    {c} = Column(Integer, ForeignKey({spec!r}))")
    elif t["kind"] == "hybrid":
        hdr = b["hdr"]
        w.emit(m, f"class {t['cls']}({hdr}):")
        w.emit(m, "    __table__ = Table(")
        w.emit(m, f"        {t['name']!r},")
        w.emit(m, f"        {hdr.split(', ')[-1]}.metadata,")
        w.emit(m, "        Column('id', Integer, primary_key=True),")
        for c, spec in cols:
            fk_line(w, m, t["name"], c, spec, f"        Column({c!r}, Integer, ForeignKey({spec!r})),")
        if t["tschema"] and t["tschema"] != "BLANK":
            w.emit(m, f"        schema={t['tschema']!r},")
        w.emit(m, "    )")
    elif t["kind"] == "mixname":
        w.emit(m, f"class Name{t['cls']}:")
        w.emit(m, f"    __tablename__ = {t['name']!r}")
        w.emit(m, f"class {t['cls']}(Name{t['cls']}, {b['hdr']}):")
        w.emit(m, "    id = Column(Integer, primary_key=True)")
        for c, spec in cols:
            fk_line(w, m, t["name"], c, spec, f"    {c} = Column(Integer, ForeignKey({spec!r}))")
    elif t["kind"] == "class":
        if b["dec"]:
            w.emit(m, b["dec"])
            w.emit(m, f"class {t['cls']}:")
        else:
            w.emit(m, f"class {t['cls']}({b['hdr']}):")
        if not t["auto"]:
            w.emit(m, f"    __tablename__ = {t['name']!r}")
        if t["targ"]:
            sx = schema_expr(t["tschema"])
            if t["targ"] == "dict":
                w.emit(m, "    __table_args__ = {'schema': %s}" % sx)
            elif t["targ"] == "tuple":
                w.emit(m, "    __table_args__ = ({'schema': %s},)" % sx)
            else:
                w.emit(m, "    __table_args__ = (UniqueConstraint('id'), {'schema': %s})" % sx)
        w.emit(m, "    id = Column(Integer, primary_key=True)")
        for c, spec in cols:
            v = r.random()
            if v < 0.25:
                fk_line(w, m, t["name"], c, spec, f"    {c}: Mapped[int] = mapped_column(ForeignKey({spec!r}))",
                        f"    {c} = Column(Integer, ForeignKey({spec!r}))")
            elif v < 0.4:
                fk_line(w, m, t["name"], c, spec, f"    {c} = sa.Column(sa.Integer, sa.ForeignKey({spec!r}))")
            else:
                fk_line(w, m, t["name"], c, spec, f"    {c} = Column(Integer, ForeignKey({spec!r}))")
    else:
        var = f"{t['name']}_table"
        if b["md"] == "dbTable" and b.get("db"):
            w.emit(m, f"{var} = {b['db']}.Table(")
            w.emit(m, f"    {t['name']!r},")
        else:
            md = b["md"] if b["md"] != "dbTable" else f"{b['db']}.metadata"
            w.emit(m, f"{var} = Table(")
            w.emit(m, f"    {t['name']!r},")
            w.emit(m, f"    {md},")
        w.emit(m, "    Column('id', Integer, primary_key=True),")
        for c, spec in cols:
            fk_line(w, m, t["name"], c, spec, f"    Column({c!r}, Integer, ForeignKey({spec!r})),")
        if t["tschema"]:
            w.emit(m, f"    schema={schema_expr(t['tschema'])},")
        w.emit(m, ")")


def generate(r, shapes, wsdir):
    w = Workspace(r, shapes)
    mds = metadatas(w)
    emit_tables(w, plan_tables(w, bases(w, mds)))
    # Drawn last, from the shapes' stream: every other choice stays what it was.
    w.extra = dependency_files(shapes)
    w.write(wsdir)


def main():
    out, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = random.Random(seed)
    for i in range(n):
        generate(r, random.Random(seed * 1000003 + i), os.path.join(out, f"w{i:03d}"))


if __name__ == "__main__":
    main()
