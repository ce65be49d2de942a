"""The build remembers: a file whose bytes it has checked before (with this code, salt and, for its
dates, today) is taken from the cache, not read; the warehouse is the same as a full build's."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest

from pipelines import cache
from pipelines.build import build
from tests.bad_input.corpus import (
    CASES,
    COMPLAINT_HEADER,
    CORRECTION,
    ORIGINAL,
    SENT_AGAIN,
    SENT_ONCE,
    TWO_COUNTIES,
    complaint,
    csv_bytes,
)
from tests.conftest import GOLDEN_LANDING

# The golden fixture's last month, and corpus files that are decided against other files (a repeat, a
# correction, one compound in two counties' files), arrive in the second build.
LATER = {p.name for p in GOLDEN_LANDING.glob("*2025-02*")} | {SENT_AGAIN, CORRECTION, TWO_COUNTIES[1]}


@pytest.fixture
def landing(tmp_path, monkeypatch):
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")
    folder = tmp_path / "landing"
    shutil.copytree(GOLDEN_LANDING, folder)
    for case in CASES:
        (folder / case.path).write_bytes(case.content)
    return folder


def _tables(database) -> dict[str, list[tuple]]:
    """Every table's rows, sorted; of a table kept over builds, the latest build's (without its time)."""
    out = {}
    with duckdb.connect(str(database), read_only=True) as con:
        for (table,) in con.execute("select table_name from duckdb_tables() where database_name = current_database() "
                                    "and table_name <> 'build_runs' order by 1").fetchall():
            columns = [r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = ? "
                                                 "and database_name = current_database()", [table]).fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c != "validated_at")
            latest = (f"where validated_at = (select max(validated_at) from {table})" if "validated_at" in columns
                      else "")
            out[table] = sorted(con.execute(f"select {kept} from {table} {latest}").fetchall(), key=repr)
    return out


def test_an_incremental_build_after_new_files_equals_a_full_build(landing, tmp_path, monkeypatch):
    later = tmp_path / "later"
    later.mkdir()
    for name in LATER:
        shutil.move(landing / name, later / name)
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path / "incremental"))
    first = build(landing)
    assert first.files_cached == 0
    for name in LATER:
        shutil.move(later / name, landing / name)
    incremental = build(landing)
    kept = first.files.filter(pl.col("reject_rule").ne_missing("incomplete")).height  # files being written: never kept
    assert incremental.files_cached == kept  # only the new files were read
    assert {ORIGINAL, SENT_ONCE, TWO_COUNTIES[0]} <= set(first.files["path"])  # decided against new ones

    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path / "full"))
    full = build(landing, full=True)
    assert full.files_cached == 0
    got, expected = _tables(incremental.database), _tables(full.database)
    assert got.keys() == expected.keys()
    for table in expected:
        assert got[table] == expected[table], table
    assert expected["raw_compounds"] and expected["audit_quarantine"] and expected["audit_cell_findings"]


def test_a_change_of_code_or_salt_reads_every_file_again(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    shutil.copytree(GOLDEN_LANDING, landing)
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")
    files = build(landing).files.height
    assert build(landing).files_cached == files
    source = tmp_path / "gate_rule.py"  # stands for an edited reader or suite
    source.write_text("RULES = 1\n")
    monkeypatch.setattr(cache, "SOURCES", [*cache.SOURCES, source])
    assert build(landing).files_cached == 0
    assert build(landing).files_cached == files
    source.write_text("RULES = 2\n")
    assert build(landing).files_cached == 0
    monkeypatch.setenv("WUWEI_PII_SALT", "another-salt")  # complainant keys would differ
    assert build(landing).files_cached == 0
    changed = landing / next(GOLDEN_LANDING.glob("*12345*")).name
    changed.write_bytes(changed.read_bytes() + b"\n")  # one file's bytes change: it alone is read
    assert build(landing).files_cached == files - 1


def test_a_file_is_read_again_when_today_moves_past_one_of_its_dates(tmp_path, monkeypatch):
    """A received_at a year and two days ahead fails its date range (the row is quarantined), and still
    does a day later; two days later it no longer does, and the cached outcome must not be used."""
    today = date(2025, 3, 10)
    ahead = today + timedelta(days=367)
    landing = tmp_path / "landing"
    landing.mkdir()
    path = "武威市12345热线物业工单_2025-03.csv"
    (landing / path).write_bytes(csv_bytes(COMPLAINT_HEADER, complaint("A1", 受理时间="2025-03-01 09:00"),
                                           complaint("A2", 受理时间=f"{ahead} 09:00", 办结时间="")))
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")
    monkeypatch.setenv("WUWEI_TODAY", today.isoformat())
    assert build(landing).quarantine.select("_row", "rule").rows() == [(3, "date_range")]
    monkeypatch.setenv("WUWEI_TODAY", (today + timedelta(days=1)).isoformat())
    again = build(landing)
    assert again.files_cached == 1 and again.quarantine.height == 1
    monkeypatch.setenv("WUWEI_TODAY", (today + timedelta(days=2)).isoformat())
    later = build(landing)
    assert later.files_cached == 0 and later.quarantine.height == 0 and later.rows_loaded["complaints"] == 2


def _in_a_fresh_process(tmp_path, code: str, timeout: float | None = None) -> str:
    """`code` run by a new Python on a copy of the golden landing folder (sys.argv[1]); its stdout."""
    import os
    import subprocess
    import sys

    landing = tmp_path / "landing"
    if not landing.exists():
        shutil.copytree(GOLDEN_LANDING, landing)
    env = {**os.environ, "WUWEI_DATA_DIR": str(tmp_path / "data"), "WUWEI_PII_SALT": "test-salt"}
    return subprocess.run([sys.executable, "-c", code, str(landing)], env=env, capture_output=True, text=True,
                          timeout=timeout, check=True).stdout


def test_a_build_whose_files_all_come_from_the_cache_never_starts_great_expectations(tmp_path):
    """GX takes seconds to import: it runs in a worker process started only when a file must be checked, and
    the build's own process never imports it (a fresh process each, as the command line and the upload
    queue run builds)."""
    code = ("import sys; from pathlib import Path; from expectations import gx_worker; started = []; "
            "start = gx_worker.Worker.__init__; "
            "gx_worker.Worker.__init__ = lambda self, *a: (started.append(1), start(self, *a))[1]; "
            "from pipelines.build import build; s = build(Path(sys.argv[1])); "
            "print(s.files_cached, s.files.height, len(started), 'great_expectations' in sys.modules)")
    runs = [_in_a_fresh_process(tmp_path, code).split() for _ in range(2)]
    assert runs[0][0] == "0" and runs[0][2:] == ["1", "False"]  # everything read, checked by the worker
    assert runs[1][0] == runs[1][1] and runs[1][2:] == ["0", "False"]


def test_a_build_after_the_app_has_run_in_the_same_process_finishes(tmp_path):
    """The suite builds warehouses in a process where AppTest has run the app, which makes the app that
    process's __main__: the GX worker must not start it again (multiprocessing's spawn did, and the
    app's wait for a warehouse hung the build for good)."""
    code = ("import sys; from pathlib import Path; from pipelines.build import build; from tests.apptest import start; "
            "build(Path(sys.argv[1])); start(role='admin').switch_page('dashboard/pages/overview.py').run(); "
            "assert sys.modules['__main__'].__file__.endswith('streamlit_app.py'); "
            "print(build(Path(sys.argv[1]), full=True).files_cached)")
    assert _in_a_fresh_process(tmp_path, code, timeout=300).split()[-1] == "0"
