"""Build a new warehouse file from loaded ledger rows, then switch the pointer to it.

The previous warehouse stays current, and readable, until the new file is complete: a build
that fails at any step deletes its partial file and leaves CURRENT as it was. Each build's
record (build_runs) is also kept as JSON beside the databases, so the history survives
rebuilds and failed builds are recorded too.

One build at a time (build_lock). A record is written "running" when a build starts, so one that
is killed (no except clause runs) is found by the next build and marked failed. Clean-up keeps
only CURRENT and PREVIOUS; everything else named wuwei-* is an unpublished or partial leftover.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from contract import location
from contract.ledgers import LEDGERS
from warehouse.models import load_models

# The build spills to disk rather than grow past its memory limit; readers of the previous warehouse keep
# running. A few of the models' joins cannot spill below what their largest tables need (a mart needs
# ~0.85 GB at 100 times the demo city), so the limit grows with the rows read: 768 MB and 64 bytes a row,
# at most 6 GB (memory_limit).
BUILD_CONFIG = {"memory_limit": "768MB"}
MEMORY_PER_ROW, MEMORY_CAP = 64, 6 * 2**30
CODE_COLUMNS = ("adcode", "parent_adcode", "county_code", "scope")


@dataclass
class BuildInput:
    # Makes raw_<ledger> (one per ledger) and the audit_* tables in the new database (the pipeline's
    # quality gate; the warehouse does not import it).
    load: Callable[[duckdb.DuckDBPyConnection], None]
    source_files: list[dict] = field(default_factory=list)  # path, sha256, ledger, rows... (load may update them)
    rows: int = 0  # rows read, for the memory limit


def memory_limit(rows: int) -> str:
    return f"{min(768 * 2**20 + MEMORY_PER_ROW * rows, MEMORY_CAP) // 2**20}MB"


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    for path in sorted(location.REFERENCE.glob("*.csv")):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        frame = pl.read_csv(path, infer_schema_length=10_000,
                            schema_overrides={c: pl.String for c in header if c in CODE_COLUMNS})
        con.register("_frame", frame)
        con.execute(f"create table ref_{path.stem} as select * from _frame")
        con.unregister("_frame")
    load_frames(con, {"ref_region": pl.DataFrame([{"key": key, "name_zh": zh, "name_en": en}
                                                   for key, (zh, en) in location.REGION["names"].items()])})
    geo = json.loads(location.BOUNDARIES.read_text(encoding="utf-8"))
    boundaries = pl.DataFrame([
        {**{k: f["properties"][k] for k in ("adcode", "name_zh", "name_en", "level")},
         "geojson": json.dumps(f["geometry"], separators=(",", ":"))}
        for f in geo["features"]])
    con.register("_frame", boundaries)
    con.execute("create table ref_boundaries as select * from _frame")
    con.unregister("_frame")


def load_frames(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    for table, frame in frames.items():
        con.register("_frame", frame)
        con.execute(f"create table {table} as select * from _frame")
        con.unregister("_frame")


def run_models(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None]) -> None:
    for model in load_models():
        progress(f"model {model.layer}/{model.name}")
        con.begin()  # one commit a model: committed one by one, its ~15 comments cost more than most tables
        con.execute(f"create table {model.name} as\n{model.sql}")
        if model.zh or model.en:
            con.execute(f"comment on table {model.name} is {_sql_text(f'{model.zh} | {model.en}')}")
        for column, (zh, en) in model.columns.items():
            con.execute(f"comment on column {model.name}.{column} is {_sql_text(f'{zh} | {en}')}")
        con.commit()


def load_ledgers(con: duckdb.DuckDBPyConnection) -> None:
    """ref_ledgers: each ledger as declared in contract/ledgers.py: names, and what the counties owe."""
    frame = pl.DataFrame([{"ledger": lg.name, "name_zh": lg.zh, "name_en": lg.en, "is_snapshot": lg.snapshot,
                           "label_zh": lg.label[0], "label_en": lg.label[1], "cadence": lg.cadence,
                           "reported_by": lg.reported_by, "sort_order": i}
                          for i, lg in enumerate(LEDGERS.values())],
                         schema_overrides={"cadence": pl.String})
    load_frames(con, {"ref_ledgers": frame})
    con.execute("comment on table ref_ledgers is '台账（contract/ledgers.py 的声明）：名称、报送周期与报送方 | "
                "Ledgers as declared in contract/ledgers.py: names, how often they are due and who sends them'")
    for column, zh, en in (("label_zh", "页面上的简称", "Short name the pages show, in Chinese"),
                           ("label_en", "英文简称", "Short name the pages show, in English"),
                           ("cadence", "报送周期（month 每月、quarter 每季度、half_year 每半年；空为有变化时报送）",
                            "How often it is due (month, quarter, half_year; empty: when something changes)"),
                           ("reported_by", "报送方（county 各县区、city 全市一份）",
                            "Who sends it (county: each county; city: one file for the city)")):
        con.execute(f"comment on column ref_ledgers.{column} is {_sql_text(f'{zh} | {en}')}")


def describe_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    for ledger in LEDGERS.values():
        table = f"raw_{ledger.name}"
        con.execute(f"comment on table {table} is {_sql_text(f'原始台账：{ledger.zh} | Raw ledger: {ledger.en}')}")
        present = {r[0] for r in con.execute(
            "select column_name from duckdb_columns() where table_name = ?", [table]).fetchall()}
        for col in ledger.columns:
            if col.name in present:
                en = col.name.replace("_", " ")
                con.execute(f"comment on column {table}.{col.name} is {_sql_text(f'{col.zh} | {en}')}")


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database() order by 1"
    ).fetchall()]
    return {t: con.execute(f'select count(*) from "{t}"').fetchall()[0][0] for t in tables}


def _runs_dir() -> Path:
    return location.warehouse_dir() / "runs"


def _kill_point(name: str) -> None:
    """Test-only hook: WUWEI_TEST_KILL_AT=<name> SIGKILLs the build here (tests/test_build.py)."""
    if os.environ.get("WUWEI_TEST_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _save_run(record: dict) -> None:
    """Write the record atomically: a build killed mid-write leaves the old record or a .tmp, never half a file."""
    _runs_dir().mkdir(parents=True, exist_ok=True)
    path = _runs_dir() / f"{record['run_id']}.json"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False, default=str))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_runs() -> tuple[list[dict], list[str]]:
    """The run records, and the names of those that cannot be read (damaged: skipped, never fatal)."""
    records, damaged = [], []
    for p in sorted(_runs_dir().glob("*.json")):
        try:
            record = json.loads(p.read_text(encoding="utf-8"))
            datetime.fromisoformat(record["started_at"])
            if record.get("finished_at"):
                datetime.fromisoformat(record["finished_at"])
            if not isinstance(record["run_id"], str) or not isinstance(record["status"], str):
                raise TypeError("run_id and status must be text")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            damaged.append(f"{p.name}: {type(exc).__name__}")
            continue
        records.append(record)
    return records, damaged


KILLED = "构建被中断（进程被终止）| Interrupted: the build was killed before it finished"


def _close_killed_runs(progress: Callable[[str], None]) -> None:
    """Records still "running" belong to builds that died (the caller holds the lock): mark them."""
    current = location.current_database()
    for record in _read_runs()[0]:
        if record["status"] != "running":
            continue
        if current is not None and record.get("database") == current.name:
            record["status"] = "succeeded"  # killed after the switch: only its record was unfinished
        else:
            record.update(status="failed", error=KILLED)
        _save_run(record)
        progress(f"run {record['run_id']}: {record['status']}")


def _remove_leftovers() -> None:
    """Delete every database but CURRENT and PREVIOUS (unpublished or partial builds), orphan
    .wal files and temporary files. Only under the lock, so no build is in progress. A reader
    that still holds a deleted file keeps reading it."""
    folder = location.warehouse_dir()
    current, previous = location.current_database(), location.previous_database()
    if previous is None:  # a data folder from before PREVIOUS was kept: the last successful run's file
        succeeded = sorted((r for r in _read_runs()[0] if r["status"] == "succeeded"),
                           key=lambda r: r["started_at"])
        names = [r.get("database") for r in succeeded if current is None or r.get("database") != current.name]
        previous = folder / names[-1] if names else None
    keep = {p.name for p in (current, previous) if p is not None}
    for db in folder.glob("wuwei-*.duckdb"):
        if db.name not in keep:
            db.unlink(missing_ok=True)
    for wal in folder.glob("wuwei-*.duckdb.wal"):
        if wal.name.removesuffix(".wal") not in keep:
            wal.unlink(missing_ok=True)
    for tmp in [*folder.glob("*.tmp"), *_runs_dir().glob(".*.tmp")]:
        tmp.unlink(missing_ok=True)


def _load_runs(con: duckdb.DuckDBPyConnection, current: dict,
               progress: Callable[[str], None] = lambda _: None) -> None:
    records, damaged = _read_runs()
    for name in damaged:
        progress(f"跳过损坏的构建记录 | Skipped a damaged run record {name}")
    records = [r for r in records if r["run_id"] != current["run_id"]] + [current]
    frame = pl.DataFrame({
        "run_id": [r["run_id"] for r in records],
        "started_at": [datetime.fromisoformat(r["started_at"]) for r in records],
        "finished_at": [datetime.fromisoformat(r["finished_at"]) if r.get("finished_at") else None
                        for r in records],
        "status": [r["status"] for r in records],
        "error": [r.get("error") for r in records],
        "database": [r.get("database") for r in records],
        "source_files": [json.dumps(r.get("source_files", []), ensure_ascii=False) for r in records],
        "row_counts": [json.dumps(r.get("row_counts", {}), ensure_ascii=False) for r in records],
    }, schema_overrides={"started_at": pl.Datetime("us", "UTC"), "finished_at": pl.Datetime("us", "UTC")})
    load_frames(con, {"build_runs": frame})
    con.execute("comment on table build_runs is '构建记录：每次构建的时间、源文件（含哈希）与各表行数 | "
                "Build runs: times, source files with hashes, row counts per table'")


def build_warehouse(inp: BuildInput, *, progress: Callable[[str], None] = lambda _: None) -> Path:
    """Write a new database from `inp` and make it current. Returns its path.

    The caller holds location.build_lock() (pipelines.build.build does). Its record is written
    "running" first, so a build killed at any point is found, and marked failed, by the next one.
    """
    location.warehouse_dir().mkdir(parents=True, exist_ok=True)
    _close_killed_runs(progress)
    _remove_leftovers()
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    path = location.warehouse_dir() / f"wuwei-{run_id}.duckdb"
    record = {"run_id": run_id, "started_at": started.isoformat(), "status": "running",
              "database": path.name, "pid": os.getpid(), "source_files": inp.source_files}
    _save_run(record)
    try:
        with duckdb.connect(str(path), config={**BUILD_CONFIG, "memory_limit": memory_limit(inp.rows)}) as con:
            progress("reference data")
            load_reference(con)
            load_ledgers(con)
            progress("raw ledgers")
            inp.load(con)
            describe_raw_tables(con)
            _kill_point("models")
            run_models(con, progress)
            record.update(status="succeeded", finished_at=datetime.now(UTC).isoformat())
            record["row_counts"] = row_counts(con)
            _load_runs(con, record, progress)
            con.execute("checkpoint")
        _kill_point("before_publish")
        location.publish(path)
    except BaseException as exc:
        # free the space first: on a full disk the failed record may then still fit
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}",
                      finished_at=datetime.now(UTC).isoformat())
        with suppress(OSError):  # then it stays "running", and the next build marks it failed
            _save_run(record)
        raise
    try:
        _save_run(record)
    except OSError as exc:  # published already; the next build completes the record
        progress(f"构建记录未能写入 | Run record not written: {exc}")
    _remove_leftovers()
    return path
