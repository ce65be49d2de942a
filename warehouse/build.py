"""Build a new warehouse file from loaded ledger rows, then switch the pointer to it.

The previous warehouse stays current, and readable, until the new file is complete: a build
that fails at any step deletes its partial file and leaves CURRENT as it was. Each build's
record (build_runs) is also kept as JSON beside the databases, so the history survives
rebuilds and failed builds are recorded too.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ledgers import LEDGERS
from warehouse import location
from warehouse.models import load_models

# The build spills to disk rather than grow past this; readers of the previous warehouse keep running.
BUILD_CONFIG = {"memory_limit": "2GB"}  # older files are deleted after a successful build
CODE_COLUMNS = ("adcode", "parent_adcode", "county_code", "scope")


@dataclass
class BuildInput:
    raw: dict[str, pl.DataFrame]            # ledger name -> loaded rows, become raw_<ledger>
    audit: dict[str, pl.DataFrame] = field(default_factory=dict)  # table name -> frame (audit_*)
    source_files: list[dict] = field(default_factory=list)       # path, sha256, ledger, rows...


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
    geo = json.loads((location.REFERENCE / "geo" / "wuwei_admin.geojson").read_text(encoding="utf-8"))
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
        con.execute(f"create table {model.name} as\n{model.sql}")
        if model.zh or model.en:
            con.execute(f"comment on table {model.name} is {_sql_text(f'{model.zh} | {model.en}')}")
        for column, (zh, en) in model.columns.items():
            con.execute(f"comment on column {model.name}.{column} is {_sql_text(f'{zh} | {en}')}")


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


INTERRUPTED = "构建中断：进程在完成前被终止 | Interrupted: the build process was stopped before it finished"


def _save_run(record: dict) -> None:
    """Atomically: a build killed while writing leaves the old record or the new one, never half."""
    _runs_dir().mkdir(parents=True, exist_ok=True)
    path = _runs_dir() / f"{record['run_id']}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_runs(report: Callable[[str], None] = lambda _: None) -> list[dict]:
    """Every readable run record, oldest first; a damaged one is reported and skipped."""
    records = []
    for p in sorted(_runs_dir().glob("*.json")):
        try:
            record = json.loads(p.read_text(encoding="utf-8"))
            if not isinstance(record, dict) or not {"run_id", "started_at", "status"} <= record.keys():
                raise ValueError("not a run record")
        except (OSError, ValueError) as exc:
            report(f"跳过损坏的构建记录 | Skipped a damaged run record {p.name}: {exc}")
            continue
        records.append(record)
    return records


def fail_interrupted_runs(report: Callable[[str], None] = lambda _: None) -> None:
    """Records still "running" at a build's start (the build holds the lock) belong to killed builds."""
    current = location.current_database()
    for record in read_runs(report):
        if record["status"] == "running" and current is not None and record.get("database") == current.name:
            record.update(status="succeeded")  # killed just after its switch: it is the published one
            _save_run(record)
        elif record["status"] == "running":
            record.update(status="failed", error=INTERRUPTED)
            _save_run(record)
            report(f"上次构建被中断，已记为失败 | Build {record['run_id']} was interrupted: recorded as failed")


def _load_runs(con: duckdb.DuckDBPyConnection, current: dict, progress: Callable[[str], None]) -> None:
    records = [r for r in read_runs(progress) if r["run_id"] != current["run_id"]] + [current]
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
    """Write a new database from `inp` and make it current. Returns its path."""
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    location.warehouse_dir().mkdir(parents=True, exist_ok=True)
    path = location.warehouse_dir() / f"wuwei-{run_id}.duckdb"
    fail_interrupted_runs(progress)
    previous = location.current_database()
    record = {"run_id": run_id, "started_at": started.isoformat(), "status": "running",
              "database": path.name, "source_files": inp.source_files}
    _save_run(record)  # a build killed from here on is found "running" by the next one
    try:
        with duckdb.connect(str(path), config=BUILD_CONFIG) as con:
            progress("reference data")
            load_reference(con)
            progress("raw ledgers")
            load_frames(con, {f"raw_{name}": frame for name, frame in inp.raw.items()})
            load_frames(con, inp.audit)
            inp.raw.clear()  # the rows are in the database now; free the frames before the models run
            describe_raw_tables(con)
            run_models(con, progress)
            record.update(status="succeeded", finished_at=datetime.now(UTC).isoformat())
            record["row_counts"] = row_counts(con)
            _load_runs(con, record, progress)
            con.execute("checkpoint")
    except BaseException as exc:
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}",
                      finished_at=datetime.now(UTC).isoformat())
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # a full disk may refuse even the record: still fail cleanly
            _save_run(record)
        raise
    location.publish(path)
    _save_run(record)  # after the switch: a build killed before it stays "running", then "failed"
    clean_up(keep={path, previous} - {None})
    return path


def clean_up(keep: set[Path]) -> None:
    """Delete every warehouse file but `keep` (the one just published and its predecessor):
    unpublished and partial files of killed builds, and orphan .wal files. Runs under the build
    lock, so no other build is writing. A reader that still holds a deleted file keeps reading it."""
    keep_names = {p.name for p in keep}
    for old in location.warehouse_dir().glob("wuwei-*.duckdb*"):
        database = old.name.removesuffix(".wal")
        if database not in keep_names or (old.name.endswith(".wal") and not (old.parent / database).exists()):
            old.unlink(missing_ok=True)
