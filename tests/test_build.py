"""The build: every row accounted for, and a failed build never disturbs the current warehouse."""

from __future__ import annotations

import errno
import json
import shutil
import signal
import subprocess
import sys
import threading

import duckdb
import pytest

from pipelines.build import build
from tests.conftest import GOLDEN_LANDING
from warehouse import build as warehouse_build
from warehouse import location


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


# -- faults: concurrent builds, killed builds, damaged records, a full disk (#11 item 7) ------------

KILLED_BUILD = """
import os, signal, sys
from pipelines.build import build
from warehouse import location
def killed(database):  # SIGKILL just before the switch: the new file is complete, never published
    os.kill(os.getpid(), signal.SIGKILL)
location.publish = killed
build(location.landing_dir())
"""


def _runs() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((location.warehouse_dir() / "runs").glob("*.json"))]


def test_second_build_is_refused_while_one_runs(data_dir):
    with location.build_lock():
        proc = subprocess.run([sys.executable, "-m", "pipelines", "build"], cwd=location.ROOT,
                              capture_output=True, text=True, timeout=120)
        with pytest.raises(location.BuildLocked, match=r"另一次构建正在进行.*Another build is running"):
            build(data_dir / "landing")
    assert proc.returncode != 0
    assert "另一次构建正在进行" in proc.stderr and "Another build is running" in proc.stderr
    assert location.current_database() is None and _runs() == []


def test_killed_build_is_recorded_failed_and_clean_up_keeps_current_and_previous(data_dir):
    first = build(data_dir / "landing").database
    second = build(data_dir / "landing").database
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD], cwd=location.ROOT, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    assert location.current_database() == second
    assert [r["status"] for r in _runs()] == ["succeeded", "succeeded", "running"]
    orphan = location.warehouse_dir() / "wuwei-20000101T000000Z-dead.duckdb.wal"
    orphan.write_bytes(b"partial")
    third = build(data_dir / "landing").database
    assert [r["status"] for r in _runs()] == ["succeeded", "succeeded", "failed", "succeeded"]
    assert "Interrupted" in _runs()[2]["error"]
    # the published warehouse and its predecessor stay; the unpublished file, the first and the orphan go
    assert sorted(p.name for p in location.warehouse_dir().glob("wuwei-*")) == sorted([second.name, third.name])
    assert first.name not in {p.name for p in location.warehouse_dir().iterdir()}


def test_damaged_run_record_is_skipped_and_reported(data_dir):
    build(data_dir / "landing")
    (location.warehouse_dir() / "runs" / "20990101T000000Z-half.json").write_text('{"run_id": "2099', "utf-8")
    messages = []
    database = build(data_dir / "landing", progress=messages.append).database
    assert any("damaged run record 20990101T000000Z-half.json" in m for m in messages)
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("select count(*) from build_runs").fetchall() == [(2,)]


def test_full_disk_fails_the_build_cleanly(data_dir, monkeypatch):
    first = build(data_dir / "landing").database

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(warehouse_build, "describe_raw_tables", disk_full)
    with pytest.raises(OSError, match="No space left"):
        build(data_dir / "landing")
    assert location.current_database() == first
    assert sorted(p.name for p in location.warehouse_dir().glob("wuwei-*")) == [first.name]
    assert [r["status"] for r in _runs()] == ["succeeded", "failed"]
