"""The SQLAlchemy oracle: what the real SQLAlchemy (1.4, with Flask-SQLAlchemy 3.0) makes of a generated model.

python3 resolve.py [-j JOBS] DIR... imports DIR/oracle/app/{meta,base,models_a,models_b}.py and writes DIR/oracle.json:
- "error": why an import failed (then the rest is empty), or null;
- "tables": every table of every MetaData, as [schema, name, [columns]];
- "fks": for every ForeignKey written as a string, the table and column it is on, the string, the key SQLAlchemy
  looks up (ForeignKey._resolve_col_tokens, the code its column resolution runs), "resolved" (the key's table, in
  ANY metadata, has the column: the workspace is one database, as FK Guard assumes) and "strict" (the table is in
  the column's own MetaData, which is where SQLAlchemy itself looks).
SQLAlchemy and Flask-SQLAlchemy are imported once; each DIR is imported in a forked child, so its modules and
MetaData objects never meet another DIR's.
"""
import gc
import importlib
import json
import os
import sys
import warnings

import flask_sqlalchemy  # noqa: F401  (imported before forking, so each child starts with it loaded)
from sqlalchemy import MetaData

# The generator names Flask's tables by the major of FKGUARD_ORACLE_FLASK_SQLALCHEMY (3.0.3 unless set) and pins it
# in each workspace: a judge of another major would call right keys wrong.
_expected = os.environ.get("FKGUARD_ORACLE_FLASK_SQLALCHEMY", "3.0.3").split(".")[0]
_found = getattr(flask_sqlalchemy, "__version__", None)
if _found is None:
    try:
        from importlib.metadata import version

        _found = version("flask-sqlalchemy")
    except Exception:
        _found = "?"
if _found.split(".")[0] != _expected:
    sys.exit(f"resolve.py: Flask-SQLAlchemy {_found} is imported, but the workspaces are written for {_expected}.x "
             "(set FKGUARD_ORACLE_FLASK_SQLALCHEMY to the version on PYTHONPATH)")

MODULES = ["app.meta", "app.base", "app.models_a", "app.models_b"]


def has_column(table, col, link_to_name):
    """A key's column is found by its key, or by its name with link_to_name=True (ForeignKey._link_to_col_by_colstring)."""
    if table is None:
        return False
    return any(c.name == col for c in table.c) if link_to_name else col in table.c


def resolve(ws):
    warnings.simplefilter("ignore")
    sys.path.insert(0, os.path.join(ws, "oracle"))
    err = None
    for m in MODULES:
        try:
            importlib.import_module(m)
        except Exception as e:
            err = f"{m}: {type(e).__name__}: {e}"
            break
    tables = {}
    if err is None:
        for md in [o for o in gc.get_objects() if isinstance(o, MetaData)]:
            for t in md.tables.values():
                tables[t.key] = t
    out = {"error": err, "tables": sorted([[t.schema and str(t.schema), str(t.name), sorted(str(c.name) for c in t.columns)]
                                           for t in tables.values()], key=str), "fks": []}
    for t in tables.values():
        for fk in t.foreign_keys:
            if not isinstance(fk._colspec, str):
                continue
            _, key, col = fk._resolve_col_tokens()
            if col is None:
                col = fk.parent.name
            target = tables.get(key)
            own = t.metadata.tables.get(key)
            out["fks"].append({"table": t.name, "schema": t.schema, "col": fk.parent.name, "spec": fk._colspec,
                               "key": key, "resolved": has_column(target, col, fk.link_to_name),
                               "strict": has_column(own, col, fk.link_to_name)})
    out["fks"].sort(key=lambda f: f["col"])
    with open(os.path.join(ws, "oracle.json"), "w") as f:
        json.dump(out, f)


def main():
    args = sys.argv[1:]
    jobs = 1
    if args[:1] == ["-j"]:
        jobs, args = max(1, int(args[1])), args[2:]
    running = {}
    failed = []
    for ws in args + [None] * jobs:
        while running and (ws is None or len(running) >= jobs):
            pid, status = os.wait()
            done = running.pop(pid, None)
            if done is not None and status != 0:
                failed.append(done)
        if ws is None:
            continue
        pid = os.fork()
        if pid == 0:
            try:
                resolve(ws)
                code = 0
            except BaseException as e:  # The parent reports the workspace; the reason goes to stderr.
                print(f"{ws}: {type(e).__name__}: {e}", file=sys.stderr)
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        running[pid] = ws
    if failed:
        print("resolve.py failed on: " + " ".join(sorted(failed)), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
