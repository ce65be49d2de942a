"""The build's memory of each landing file: what the reader and the gate's first stage made of it
(gate.Checked), so that a build reads and checks only the files that are new or changed, and the
warehouse is then rebuilt from here by DuckDB.

The folder <data>/cache/ (the data folder is not in git) holds, per batch of files checked together,
Parquet files of their rows typed, the per-file rules' failures, the original cells of the rows that
may be quarantined and the column types that failed; and `index.json`, per file of the landing
folder (by path): its SourceFile without the frame, the sha256 of the bytes read, its batch, and the
days `today` may be for the outcome to hold (dates ahead are checked against today). An entry is
used when the file's bytes have the same sha256 and today lies in its days. The whole cache is of
one `version`: a hash of the readers', the gate's and the suites' source, the region-pack files they
read, the libraries' versions and the PII salt; a cache of another version, or one that cannot be
read, is emptied. Entries of files gone from the landing folder are dropped, and a batch's files
once no entry needs them; `full` empties the cache first. Only a build (under the build lock)
writes it: each batch's Parquet files first, then the index, each by an atomic rename.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from datetime import date
from importlib import metadata
from pathlib import Path

import duckdb
import polars as pl

from contract import location
from contract.ledgers import LEDGERS
from expectations.assemble import STAGED_FAILURES, STAGED_ORIGINALS, STAGED_TYPES, row_schema
from expectations.gate import Checked
from readers.read import SourceFile, pii_salt

ROOT = Path(__file__).resolve().parent.parent
# What a file's outcome depends on, besides its path, its bytes and today.
SOURCES = [ROOT / name for name in ("readers/read.py", "readers/normalise.py", "contract/ledgers.py")] + \
    sorted((ROOT / "expectations").glob("*.py"))
REFERENCE_FILES = [location.REFERENCE / "counties.csv", location.BOUNDARIES]
LIBRARIES = ("polars", "fastexcel", "great_expectations", "pandas", "pyarrow", "numpy", "shapely", "python-stdnum")
NOT_KEPT = ("incomplete",)  # a file still being written is read again by the next build whatever its bytes
KINDS = {"failures": STAGED_FAILURES, "originals": STAGED_ORIGINALS, "types": STAGED_TYPES}  # and "rows"


def version() -> str:
    digest = hashlib.sha256()
    for path in [*SOURCES, *REFERENCE_FILES]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    digest.update(hashlib.sha256(pii_salt().encode()).digest())
    return digest.hexdigest()


def cache_dir() -> Path:
    return location.data_dir() / "cache"


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes, None if it cannot be read. In large chunks: the reads and the hashing
    run outside Python's lock, and few chunks need it back from the thread importing GX meanwhile."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb", buffering=0) as handle:
            chunk = bytearray(max(min(os.fstat(handle.fileno()).st_size, 16 * 2**20), 1))
            while size := handle.readinto(chunk):
                digest.update(memoryview(chunk)[:size])
    except OSError:
        return None
    return digest.hexdigest()


def _source_json(src: SourceFile) -> dict:
    return {"path": src.path, "sha256": src.sha256, "ledger": src.ledger,
            "month": src.month.isoformat() if src.month else None, "county": src.county,
            "rows_read": src.rows_read, "skipped": src.skipped, "rejected": src.rejected,
            "reject_rule": src.reject_rule, "header_map": src.header_map,
            "unmapped_headers": src.unmapped_headers, "title": src.title}


def _source(d: dict) -> SourceFile:
    return SourceFile(d["path"], d["sha256"], d["ledger"], date.fromisoformat(d["month"]) if d["month"] else None,
                      d["county"], d["rows_read"], d["skipped"], None, d["rejected"], d["reject_rule"],
                      d["header_map"], d["unmapped_headers"], d["title"])


def _atomic(path: Path, write) -> None:
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        write(draft)
        os.replace(draft, path)
    finally:
        draft.unlink(missing_ok=True)


class Cache:
    """The cache of one build (see the module docstring)."""

    def __init__(self, full: bool = False):
        self.folder = cache_dir()
        self.index = self.folder / "index.json"
        self.version = version()
        found = {}
        if not full:
            try:
                found = json.loads(self.index.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = {}
        if found.get("version") != self.version:
            shutil.rmtree(self.folder, ignore_errors=True)
            found = {}
        (self.folder / "batches").mkdir(parents=True, exist_ok=True)
        self.entries: dict[str, dict] = found.get("entries", {})

    def get(self, path: str, sha256: str | None, today: date) -> SourceFile | None:
        """The file's SourceFile (no frame) if its outcome is kept for these bytes and today."""
        found = self.entries.get(path)
        if found is None or sha256 is None or found["sha256"] != sha256:
            return None
        first, last = (date.fromisoformat(d) if d else None for d in (found["valid_from"], found["valid_until"]))
        if (first is not None and today < first) or (last is not None and today > last):
            return None
        return _source(found["source"])

    def put(self, checked: Checked, digests: dict[str, str | None]) -> None:
        """Keep a batch's outcome, replacing its files' earlier entries. digests: path -> the sha256 the
        build found before reading; a file whose bytes the reader found different (changed meanwhile) or
        that could not be read is not kept."""
        kept = [src for src in checked.sources
                if src.reject_rule not in NOT_KEPT and digests.get(src.path) == src.sha256]
        if not kept:
            return
        batch = secrets.token_hex(8)
        paths = pl.Series([src.path for src in kept])
        frames = {kind: getattr(checked, kind) for kind in KINDS}
        if checked.ledger is not None:
            frames[f"rows_{checked.ledger}"] = checked.rows
        for kind, frame in frames.items():
            frame = frame.filter(pl.col("_file").is_in(paths.implode()))
            if frame.height:
                _atomic(self.folder / "batches" / f"{batch}.{kind}.parquet",
                        lambda draft, frame=frame: frame.write_parquet(draft, compression="zstd"))
        for src in kept:
            first, last = checked.valid.get(src.path, (None, None))
            self.entries[src.path] = {"sha256": src.sha256, "batch": batch, "source": _source_json(src),
                                      "valid_from": first.isoformat() if first else None,
                                      "valid_until": last.isoformat() if last else None}
        self._save()

    def _save(self) -> None:
        text = json.dumps({"version": self.version, "entries": self.entries}, ensure_ascii=False)
        _atomic(self.index, lambda draft: draft.write_text(text, encoding="utf-8"))

    def keep_only(self, paths: set[str]) -> None:
        """Forget the files no longer in the landing folder, then the batch files no entry needs."""
        gone = [path for path in self.entries if path not in paths]
        for path in gone:
            del self.entries[path]
        if gone:
            self._save()
        live = {entry["batch"] for entry in self.entries.values()}
        for parquet in (self.folder / "batches").glob("*.parquet"):
            if parquet.name.split(".")[0] not in live:
                parquet.unlink(missing_ok=True)

    def stage(self, con: duckdb.DuckDBPyConnection) -> None:
        """The staged tables of assemble.load in `con`: gate_rows_<ledger>, gate_failures, gate_originals
        and gate_types as views of the batch files, each file's rows from its entry's batch only."""
        live = pl.DataFrame({"batch": [entry["batch"] for entry in self.entries.values()],
                             "_file": list(self.entries)}, schema={"batch": pl.String, "_file": pl.String})
        con.register("_live", live)
        con.execute("create or replace temp table cache_live as select * from _live")
        con.unregister("_live")
        folder = self.folder / "batches"
        for kind, schema in [*((f"rows_{name}", row_schema(ledger)) for name, ledger in LEDGERS.items()),
                             *KINDS.items()]:
            view = f"gate_{kind}"
            files = sorted(str(p) for p in folder.glob(f"*.{kind}.parquet"))
            if not files:
                con.register("_empty", pl.DataFrame(schema=schema))
                con.execute(f"create or replace temp table {view} as select * from _empty")
                con.unregister("_empty")
                continue
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(f"""create or replace temp view {view} as
                select p.* exclude (filename) from read_parquet([{listed}], filename = true) p
                semi join cache_live l
                    on l._file = p._file and l.batch = split_part(parse_filename(p.filename), '.', 1)""")
