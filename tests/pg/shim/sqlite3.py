# sqlite3.py: the end-to-end scripts' look into the store, on PostgreSQL.
#
# tests/e2e/lib.sh puts this folder first on PYTHONPATH when the scripts run against
# PostgreSQL. connect() of a postgres:// URI gives a small connection that runs each statement
# through psql; anything else (a SQLite file: a backup, a copy) goes to the real sqlite3 module,
# whose names this module passes on. Enough for what the scripts do: execute with ? parameters,
# fetchone, fetchall, iteration, commit, DatabaseError; the catalog question "the triggers of
# table T" (sqlite_master) and DROP TRIGGER, which PostgreSQL asks the table for. Unlike
# sqlite3, every statement commits at once (each is one psql run): rollback() undoes nothing,
# which the scripts need only after a statement the store refused anyway.
import importlib
import os
import re
import subprocess
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_self = sys.modules.pop(__name__)
_path = sys.path[:]
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
try:
    _real = importlib.import_module("sqlite3")
finally:
    sys.path[:] = _path
    sys.modules[__name__] = _self

for _name in dir(_real):
    if not _name.startswith("__"):
        globals()[_name] = getattr(_real, _name)

_NULL = "\x01NULL\x01"


def _literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (bytes, bytearray)):
        return "'\\x%s'::bytea" % bytes(v).hex()
    return "'" + str(v).replace("'", "''") + "'"


def _bind(sql, params):
    out, i, k, q = [], 0, 0, None
    while i < len(sql):
        c = sql[i]
        if q:
            out.append(c)
            if c == q:
                q = None
        elif c in "'\"":
            q = c
            out.append(c)
        elif c == "?":
            j = i + 1
            while j < len(sql) and sql[j].isdigit():
                j += 1
            n = int(sql[i + 1:j]) - 1 if j > i + 1 else k
            k = n + 1
            out.append(_literal(params[n]))
            i = j
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _value(s):
    if s == _NULL:
        return None
    if s.lstrip("-").isdigit():
        return int(s)
    return s


class _Cursor:
    def __init__(self, rows):
        self._rows = rows

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self):
        return iter(self.fetchall())


class _PgConnection:
    def __init__(self, uri):
        self.uri = uri

    def _psql(self, sql):
        p = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-P", "null=" + _NULL,
             "-F", "\x1f", "-R", "\x1e", "-d", self.uri, "-c", sql],
            capture_output=True, text=True)
        if p.returncode != 0:
            raise _real.DatabaseError(p.stderr.strip())
        return p.stdout

    def execute(self, sql, params=()):
        text = _bind(sql, params)
        m = re.search(r"sqlite_master\s+WHERE\s+type\s*=\s*'trigger'\s+AND\s+tbl_name\s*=\s*'(\w+)'",
                      text, re.I)
        if m:
            text = ("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = '%s'::regclass"
                    % m.group(1))
        elif "sqlite_" in text:
            raise _real.DatabaseError("the PostgreSQL shim does not know: " + text)
        m = re.match(r'\s*DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?"?(\w+)"?\s*$', text, re.I)
        if m:
            t = m.group(1)
            text = ("DO $$ DECLARE r record; BEGIN FOR r IN SELECT tgrelid::regclass::text AS t"
                    " FROM pg_trigger WHERE tgname = '%s' AND NOT tgisinternal LOOP"
                    " EXECUTE format('DROP TRIGGER %%I ON %%s', '%s', r.t); END LOOP; END $$" % (t, t))
        out = self._psql(text).rstrip("\n")
        rows = [tuple(_value(v) for v in r.split("\x1f")) for r in out.split("\x1e") if r != ""]
        return _Cursor(rows)

    def executescript(self, sql):
        self._psql(sql)

    def commit(self):
        pass

    def rollback(self):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def connect(database, *args, **kwargs):
    if isinstance(database, str) and database.startswith(("postgres://", "postgresql://")):
        return _PgConnection(database)
    return _real.connect(database, *args, **kwargs)
