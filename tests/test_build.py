"""The build: every row accounted for, and a failed build never disturbs the current warehouse."""

from __future__ import annotations

import json
import shutil
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
