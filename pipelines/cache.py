"""The build's memory of each landing file: what the reader and the gate's first stage made of it
(gate.Checked), so that a build reads and checks only the files that are new or changed, and the
warehouse is then rebuilt from here by DuckDB.

One DuckDB file, <data>/cache/files.duckdb (the data folder is not in git), holds per file of the
landing folder, by path: the SourceFile without its frame (`entries`, with the sha256 of the bytes
read), its rows typed (rows_<ledger>), the per-file rules' failures, the original cells of the
rows that may be quarantined, the column types that failed, and the days `today` may be for the
outcome to hold (dates ahead are checked against today). An entry is used when the file's bytes
have the same sha256 and today lies in its days. The whole cache is of one `version`: a hash of
the readers', the gate's and the suites' source, the region-pack files they read, the libraries'
versions and the PII salt; a cache of another version is emptied, and so is one that cannot be
opened. Entries of files gone from the landing folder are deleted; `full` empties it first.
One build at a time (the build lock) writes it, one batch of files per transaction.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from importlib import metadata
from pathlib import Path

import duckdb
import polars as pl

from expectations.assemble import STAGED_FAILURES, STAGED_ORIGINALS, STAGED_TYPES, row_schema
from expectations.gate import Checked
from pipelines.ledgers import LEDGERS
from pipelines.read import SourceFile, pii_salt
from warehouse import location

ROOT = Path(__file__).resolve().parent.parent
# What a file's outcome depends on, besides its path, its bytes and today.
SOURCES = [ROOT / "pipelines" / name for name in ("read.py", "normalise.py", "ledgers.py")] + \
    sorted((ROOT / "expectations").glob("*.py"))
REFERENCE_FILES = [location.REFERENCE / "counties.csv", location.REFERENCE / "geo" / "wuwei_admin.geojson"]
LIBRARIES = ("polars", "fastexcel", "great_expectations", "pandas", "pyarrow", "numpy", "shapely")
CONFIG = {"memory_limit": "256MB", "threads": 2}
NOT_KEPT = ("incomplete",)  # a file still being written is read again by the next build whatever its bytes


def version() -> str:
    digest = hashlib.sha256()
    for path in [*SOURCES, *REFERENCE_FILES]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    digest.update(hashlib.sha256(pii_salt().encode()).digest())
    return digest.hexdigest()


def cache_file() -> Path:
    return location.data_dir() / "cache" / "files.duckdb"


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes, None if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _source_json(src: SourceFile) -> str:
    return json.dumps({"path": src.path, "sha256": src.sha256, "ledger": src.ledger,
                       "month": src.month.isoformat() if src.month else None, "county": src.county,
                       "rows_read": src.rows_read, "skipped": src.skipped, "rejected": src.rejected,
                       "reject_rule": src.reject_rule, "header_map": src.header_map,
                       "unmapped_headers": src.unmapped_headers, "title": src.title}, ensure_ascii=False)


def _source(text: str) -> SourceFile:
    d = json.loads(text)
    return SourceFile(d["path"], d["sha256"], d["ledger"], date.fromisoformat(d["month"]) if d["month"] else None,
                      d["county"], d["rows_read"], d["skipped"], None, d["rejected"], d["reject_rule"],
                      d["header_map"], d["unmapped_headers"], d["title"])


_DUCKDB_TYPES = {pl.String: "varchar", pl.Int32: "integer", pl.Int64: "bigint", pl.Float64: "double",
                 pl.Boolean: "boolean", pl.Date: "date", pl.Datetime: "timestamp"}


def _table(name: str, schema: dict) -> str:
    columns = ", ".join(f'"{c}" {_DUCKDB_TYPES[type(t) if not isinstance(t, type) else t]}' for c, t in schema.items())
    return f"create table {name} ({columns})"


class Cache:
    """The cache of one build (see the module docstring); use as a context manager."""

    def __init__(self, full: bool = False):
        self.path = cache_file()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.version = version()
        if full:
            self._remove()
        try:
            self.con = duckdb.connect(str(self.path), config=CONFIG)
            found = self.con.execute("select version from meta").fetchall() if self._has("meta") else []
        except duckdb.Error:  # damaged: start again
            self._remove()
            self.con, found = duckdb.connect(str(self.path), config=CONFIG), []
        if found != [(self.version,)]:
            self.con.close()
            self._remove()
            self.con = duckdb.connect(str(self.path), config=CONFIG)
            self._create()
        found = self.con.execute("select path, sha256, source, valid_from, valid_until from entries").fetchall()
        self.entries = {path: (sha, source, first, last) for path, sha, source, first, last in found}

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.con is not None:
            self.con.execute("checkpoint")
            self.con.close()
            self.con = None

    def _remove(self) -> None:
        for path in (self.path, Path(f"{self.path}.wal")):
            path.unlink(missing_ok=True)

    def _has(self, table: str) -> bool:
        return bool(self.con.execute("select 1 from duckdb_tables() where table_name = ?", [table]).fetchall())

    def _create(self) -> None:
        self.con.execute("create table meta (version varchar)")
        self.con.execute("insert into meta values (?)", [self.version])
        self.con.execute("create table entries (path varchar primary key, sha256 varchar, ledger varchar, "
                         "source varchar, valid_from date, valid_until date)")
        for name, ledger in LEDGERS.items():
            self.con.execute(_table(f"rows_{name}", row_schema(ledger)))
        for name, schema in (("failures", STAGED_FAILURES), ("originals", STAGED_ORIGINALS), ("types", STAGED_TYPES)):
            self.con.execute(_table(name, schema))

    def get(self, path: str, sha256: str | None, today: date) -> SourceFile | None:
        """The file's SourceFile (no frame) if its outcome is kept for these bytes and today."""
        found = self.entries.get(path)
        if found is None or sha256 is None or found[0] != sha256:
            return None
        _, source, first, last = found
        if (first is not None and today < first) or (last is not None and today > last):
            return None
        return _source(source)

    def put(self, checked: Checked, digests: dict[str, str | None]) -> None:
        """Keep a batch's outcome, replacing its files' earlier entries. digests: path -> the sha256 the
        build found before reading; a file whose bytes the reader found different (changed meanwhile) or
        that could not be read is not kept."""
        kept = [src for src in checked.sources
                if src.reject_rule not in NOT_KEPT and digests.get(src.path) == src.sha256]
        paths = [src.path for src in kept]
        if not paths:
            return
        con = self.con
        con.begin()
        self._delete(paths)
        register = {"_rows": checked.rows.filter(pl.col("_file").is_in(paths)) if checked.ledger else None,
                    "_failures": checked.failures.filter(pl.col("_file").is_in(paths)),
                    "_originals": checked.originals.filter(pl.col("_file").is_in(paths)),
                    "_types": checked.types.filter(pl.col("_file").is_in(paths))}
        for name, frame in register.items():
            if frame is not None and frame.height:
                con.register(name, frame)
                table = f"rows_{checked.ledger}" if name == "_rows" else name.removeprefix("_")
                con.execute(f"insert into {table} by name select * from {name}")
                con.unregister(name)
        for src in kept:
            first, last = checked.valid.get(src.path, (None, None))
            con.execute("insert into entries values (?, ?, ?, ?, ?, ?)",
                        [src.path, src.sha256, src.ledger, _source_json(src), first, last])
            self.entries[src.path] = (src.sha256, _source_json(src), first, last)
        con.commit()

    def _delete(self, paths: list[str]) -> None:
        old = [p for p in paths if p in self.entries]
        if not old:
            return
        ledgers = {r[0] for r in self.con.execute("select distinct ledger from entries where path in "
                                                  "(select unnest(?::varchar[])) and ledger is not null",
                                                  [old]).fetchall()}
        for table in [*(f"rows_{name}" for name in sorted(ledgers) if name in LEDGERS), "failures", "originals",
                      "types"]:
            self.con.execute(f"delete from {table} where _file in (select unnest(?::varchar[]))", [old])
        self.con.execute("delete from entries where path in (select unnest(?::varchar[]))", [old])
        for path in old:
            del self.entries[path]

    def keep_only(self, paths: set[str]) -> None:
        """Forget the files no longer in the landing folder."""
        gone = [path for path in self.entries if path not in paths]
        if gone:
            self.con.begin()
            self._delete(gone)
            self.con.commit()


def attach(con: duckdb.DuckDBPyConnection) -> None:
    """Stage the cache (closed) in `con` for assemble.load: gate_rows_<ledger>, gate_failures,
    gate_originals and gate_types as views of its tables (read only)."""
    con.execute(f"attach '{cache_file()}' as cache (read_only)")
    for name in LEDGERS:
        con.execute(f"create temp view gate_rows_{name} as select * from cache.rows_{name}")
    for name in ("failures", "originals", "types"):
        con.execute(f"create temp view gate_{name} as select * from cache.{name}")


def detach(con: duckdb.DuckDBPyConnection) -> None:
    for name in LEDGERS:
        con.execute(f"drop view if exists gate_rows_{name}")
    for name in ("failures", "originals", "types"):
        con.execute(f"drop view if exists gate_{name}")
    con.execute("detach cache")
