"""The build: every row accounted for, and a failed build never disturbs the current warehouse."""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from contract import location
from pipelines.build import build, build_locked
from tests.conftest import GOLDEN_LANDING
from warehouse import build as warehouse_build

ROOT = Path(__file__).resolve().parent.parent


def test_every_row_read_is_loaded_or_quarantined(golden):
    files = golden.execute(
        "select path, rows_read, rows_loaded, rows_quarantined, status from audit_source_files").fetchall()
    assert files, "the golden build read no files"
    for path, read, loaded, quarantined, status in files:
        assert read == loaded + quarantined, path
        if status == "rejected":
            assert loaded == 0
    raw_tables = [r[0] for r in golden.execute(
        "select table_name from duckdb_tables() where table_name like 'raw\\_%' escape '\\'").fetchall()]
    in_raw = {}
    for table in raw_tables:
        for path, n in golden.execute(f"select _file, count(*) from {table} group by 1").fetchall():
            in_raw[path] = in_raw.get(path, 0) + n
    in_quarantine = dict(golden.execute("select _file, count(*) from audit_quarantine group by 1").fetchall())
    for path, _read, loaded, quarantined, _status in files:
        assert in_raw.get(path, 0) == loaded, path
        assert in_quarantine.get(path, 0) == quarantined, path


def test_build_runs_record_files_with_hashes_and_row_counts(golden):
    run = golden.execute("select status, source_files, row_counts from build_runs "
                         "order by started_at desc limit 1").fetchall()[0]
    assert run[0] == "succeeded"
    sources = json.loads(run[1])
    assert {s["path"] for s in sources} == {p.name for p in GOLDEN_LANDING.iterdir()}
    assert all(len(s["sha256"]) == 64 for s in sources)
    counts = json.loads(run[2])
    assert counts["raw_compounds"] == golden.execute("select count(*) from raw_compounds").fetchall()[0][0]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")
    shutil.copytree(GOLDEN_LANDING, tmp_path / "landing")
    return tmp_path


def test_failed_build_keeps_the_previous_warehouse_readable(data_dir, monkeypatch):
    first = build(data_dir / "landing").database
    reader = duckdb.connect(str(first), read_only=True)
    before = reader.execute("select count(*) from mart_coverage_monthly").fetchall()

    real_run_models = warehouse_build.run_models

    def run_half_then_fail(con, progress):
        con.execute("create table half_done as select 1 as x")
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(warehouse_build, "run_models", run_half_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        build(data_dir / "landing")

    assert location.current_database() == first
    assert sorted(p.name for p in location.warehouse_dir().glob("*.duckdb")) == [first.name]
    assert reader.execute("select count(*) from mart_coverage_monthly").fetchall() == before
    failed = [json.loads(p.read_text()) for p in (location.warehouse_dir() / "runs").glob("*.json")]
    assert sorted(r["status"] for r in failed) == ["failed", "succeeded"]
    assert any("disk full" in (r.get("error") or "") for r in failed)

    # a good build while the reader still holds the old file switches CURRENT; the reader is unaffected
    monkeypatch.setattr(warehouse_build, "run_models", real_run_models)
    results, done = [], threading.Event()

    def keep_reading():
        with reader.cursor() as cur:
            while not done.is_set():
                results.append(cur.execute("select count(*) from mart_coverage_monthly").fetchall())

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        second = build(data_dir / "landing").database
    finally:
        done.set()
        thread.join()
    assert results and all(r == before for r in results)
    assert second != first and location.current_database() == second
    assert reader.execute("select count(*) from mart_coverage_monthly").fetchall() == before
    with duckdb.connect(str(second), read_only=True) as fresh:
        assert fresh.execute("select count(*) from build_runs").fetchall() == [(3,)]
    reader.close()


# Faults during builds: real subprocess builds, killed or run side by side.

def _cli_build(data_dir, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines", "build", "--landing", str(data_dir / "landing")],
        cwd=ROOT, env={**os.environ, "WUWEI_DATA_DIR": str(data_dir), "WUWEI_PII_SALT": "test-salt", **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _runs_by_database(data_dir) -> dict[str, dict]:
    records = [json.loads(p.read_text()) for p in (data_dir / "warehouse" / "runs").glob("*.json")]
    return {r["database"]: r for r in records}


def test_killed_builds_are_recorded_and_cleaned_up_keeping_current_and_previous(data_dir):
    first = build(data_dir / "landing").database
    second = build(data_dir / "landing").database
    leftovers = []
    for kill_at in ("models", "before_publish"):
        proc = _cli_build(data_dir, WUWEI_TEST_KILL_AT=kill_at)
        proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL
        assert location.current_database() == second
        [killed] = [r for r in _runs_by_database(data_dir).values() if r["status"] == "running"]
        leftovers.append(killed["database"])
        assert (location.warehouse_dir() / killed["database"]).exists()  # the killed build's file is left
        if kill_at == "models":
            assert (location.warehouse_dir() / f"{killed['database']}.wal").exists()  # and its .wal

    third = build(data_dir / "landing").database

    assert location.current_database() == third
    assert location.previous_database() == second
    assert sorted(p.name for p in location.warehouse_dir().glob("wuwei-*")) == sorted([second.name, third.name])
    runs = _runs_by_database(data_dir)
    assert [runs[name]["status"] for name in leftovers] == ["failed", "failed"]
    assert all(runs[name]["error"] == warehouse_build.KILLED for name in leftovers)
    assert runs[first.name]["status"] == runs[second.name]["status"] == runs[third.name]["status"] == "succeeded"
    with duckdb.connect(str(third), read_only=True) as con:
        killed = con.execute("select count(*) from build_runs where error = ?", [warehouse_build.KILLED]).fetchall()
    assert killed == [(2,)]


def test_clean_up_removes_leftovers_named_newer_than_the_current_warehouse(data_dir):
    first = build(data_dir / "landing").database
    second = build(data_dir / "landing").database
    folder = location.warehouse_dir()
    newer = [folder / f"wuwei-29991231T23595{i}Z-beef.duckdb" for i in range(3)]  # sort after every real run
    for path in newer:
        path.write_bytes(b"partial")
    (folder / "wuwei-29991231T235959Z-dead.duckdb.wal").write_bytes(b"orphan")
    location.previous_pointer_file().unlink()  # as in a data folder from before PREVIOUS: the run records tell
    third = build(data_dir / "landing").database
    assert sorted(p.name for p in folder.glob("wuwei-*")) == sorted([second.name, third.name])
    assert location.previous_database() == second and first != second


def test_a_second_build_is_refused_while_one_runs(data_dir):
    first = _cli_build(data_dir)
    for line in first.stderr:  # the lock is taken before the first file is read
        if line.startswith("read "):
            break
    first.send_signal(signal.SIGSTOP)
    try:
        second = _cli_build(data_dir)
        _out, err = second.communicate(timeout=120)
        with pytest.raises(location.BuildLocked, match=r"另一次构建正在进行.*Another build is running"):
            build(data_dir / "landing")  # the Python API, as well as the command
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode != 0
    assert "另一次构建正在进行" in err and "Another build is running" in err
    assert f"pid {first.pid}" in err
    assert location.current_database() is None  # the refused build wrote nothing
    first.communicate(timeout=120)
    assert first.returncode == 0
    assert location.current_database() is not None
    assert [r["status"] for r in _runs_by_database(data_dir).values()] == ["succeeded"]


def test_damaged_run_records_are_skipped_and_reported(data_dir):
    first = build(data_dir / "landing").database
    runs = location.warehouse_dir() / "runs"
    [record] = runs.glob("*.json")
    text = record.read_text()
    (runs / "20250101T000000Z-0000.json").write_text(text[: len(text) // 2])  # a build killed mid-write
    (runs / "20250101T000001Z-0001.json").write_text('{"run_id": "x"}')
    (runs / "20250101T000002Z-0002.json").write_bytes(b"\xff\xfe")
    (runs / "20250101T000003Z-0003.json").write_text(text.replace('"finished_at": "', '"finished_at": "x'))
    messages = []
    second = build(data_dir / "landing", progress=messages.append).database
    assert location.current_database() == second
    damaged = [m for m in messages if "Skipped a damaged run record" in m]
    assert len(damaged) == 4 and "20250101T000000Z-0000.json" in damaged[0]
    with duckdb.connect(str(second), read_only=True) as con:
        assert con.execute("select count(*) from build_runs").fetchall() == [(2,)]
    assert first.exists()


def test_a_full_disk_fails_the_build_cleanly(data_dir, monkeypatch):
    """The disk fills once the new database is written: every later write in the data folder fails
    with ENOSPC until the partial database is deleted."""
    first = build(data_dir / "landing").database
    disk = {"full": False}
    real_open, real_unlink, real_row_counts = io.open, Path.unlink, warehouse_build.row_counts

    def row_counts_then_fill(con):
        disk["full"] = True
        return real_row_counts(con)

    def open_on_a_full_disk(file, mode="r", *args, **kwargs):
        if disk["full"] and any(m in mode for m in "wax+") and str(file).startswith(str(data_dir)):
            raise OSError(errno.ENOSPC, "No space left on device", str(file))
        return real_open(file, mode, *args, **kwargs)

    def unlink_frees_space(path, missing_ok=False):
        if path.suffix == ".duckdb" and path.exists():
            disk["full"] = False
        return real_unlink(path, missing_ok=missing_ok)

    with monkeypatch.context() as m, pytest.raises(OSError, match="No space left"):
        m.setattr(warehouse_build, "row_counts", row_counts_then_fill)
        m.setattr(io, "open", open_on_a_full_disk)
        m.setattr("builtins.open", open_on_a_full_disk)
        m.setattr(Path, "unlink", unlink_frees_space)
        build(data_dir / "landing")

    assert location.current_database() == first
    assert [p.name for p in location.warehouse_dir().glob("wuwei-*")] == [first.name]
    failed = [r for r in _runs_by_database(data_dir).values() if r["status"] != "succeeded"]
    assert len(failed) == 1 and failed[0]["status"] == "failed"
    assert "No space left" in failed[0]["error"]
    assert not list(location.warehouse_dir().rglob("*.tmp"))


def test_first_run_demo_waits_for_a_running_build_and_uses_its_warehouse(data_dir):
    """Two app sessions starting the first-run demo at once: the second waits, then finds the warehouse."""
    with location.build_lock():
        waiting = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "demo", "--if-missing"], cwd=ROOT,
            env={**os.environ, "WUWEI_DATA_DIR": str(data_dir), "WUWEI_PII_SALT": "test-salt"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lock_inode = f":{os.stat(location.lock_file()).st_ino} "
        deadline = time.monotonic() + 60
        while not any("->" in line and lock_inode in line for line in Path("/proc/locks").read_text().splitlines()):
            assert waiting.poll() is None and time.monotonic() < deadline, "the demo did not wait for the lock"
            time.sleep(0.1)
        database = build_locked(data_dir / "landing").database
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "Warehouse exists" in out
    assert location.current_database() == database
    assert sorted(p.name for p in (data_dir / "landing").iterdir()) == sorted(p.name for p in GOLDEN_LANDING.iterdir())
