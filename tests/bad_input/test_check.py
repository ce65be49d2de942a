"""`python -m pipelines check`: the readers and the gate exactly as the build runs them. Over the landing
folder the corpus warehouse was built from, it reports what the build recorded, file for file, row for row
and cell for cell; each bad-input case's declared outcome is in its report; the warehouse is untouched; the
JSON keeps its documented shape; exit 1 when a file is rejected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import check
from tests.bad_input.corpus import CASES, Case, Loaded, Nulled, Quarantined, Rejected
from tests.conftest import ROOT

FILE_KEYS = {"file", "path", "sha256", "ledger", "ledger_zh", "county", "month", "status", "reject_rule", "message",
             "rows", "cells_nulled", "warnings", "unmapped_headers", "row_counties", "quarantined", "findings"}
ROW_KEYS = {"read", "loaded", "quarantined", "skipped"}
QUARANTINED_KEYS = {"row", "column", "rule", "message", "original"}
FINDING_KEYS = {"row", "column", "original", "loaded", "rule", "severity", "message"}
GOOD = "凉州区_住宅小区物业管理台账_2025-02.csv"
BAD = "古浪县_住宅小区物业管理台账_2024-12_empty.csv"


@pytest.fixture(scope="module")
def checked(corpus_db) -> dict[str, dict]:
    """path -> the check's record of each file of the corpus landing folder, all checked together."""
    data = corpus_db.parent.parent
    mp = pytest.MonkeyPatch()
    mp.setenv("WUWEI_DATA_DIR", str(data))
    mp.setenv("WUWEI_PII_SALT", "test-salt")
    try:
        files = sorted(path for path in (data / "landing").iterdir() if path.is_file())
        result = check.report(files)
    finally:
        mp.undo()
    assert result["schema_version"] == check.SCHEMA_VERSION
    return {record["path"]: record for record in result["files"]}


def test_the_check_reports_what_the_build_recorded(checked, corpus):
    files = corpus.sql("select * from audit_source_files order by path").pl().to_dicts()
    assert sorted(checked) == [f["path"] for f in files]
    for f in files:
        got = checked[f["path"]]
        assert (got["ledger"], got["county"], got["status"], got["reject_rule"], got["message"]) == (
            f["ledger"], f["county_code"], f["status"], f["reject_rule"], f["message"]), f["path"]
        assert got["month"] == (f["month"].strftime("%Y-%m") if f["month"] else None)
        assert (got["rows"]["read"], got["rows"]["loaded"], got["rows"]["quarantined"], got["cells_nulled"]) == (
            f["rows_read"], f["rows_loaded"], f["rows_quarantined"], f["cells_nulled"]), f["path"]
        assert got["rows"]["skipped"] == json.loads(f["skipped"])
    quarantine = {(r[0], r[1], r[2], r[3], r[4]) for r in corpus.sql(
        'select _file, _row, "column", rule, message from audit_quarantine').fetchall()}
    assert {(path, q["row"], q["column"], q["rule"], q["message"])
            for path, record in checked.items() for q in record["quarantined"]} == quarantine
    findings = corpus.sql('select _file, _row, "column", original, loaded, rule, severity, message '
                          "from audit_cell_findings").fetchall()
    reported = [(path, c["row"], c["column"], c["original"], c["loaded"], c["rule"], c["severity"], c["message"])
                for path, record in checked.items() for c in record["findings"]]
    assert sorted(reported, key=repr) == sorted(findings, key=repr)


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_each_declared_outcome_is_in_the_report(checked, case: Case):
    got = checked[case.path]
    assert got["ledger"] == case.ledger
    for outcome in case.outcomes:
        match outcome:
            case Rejected(rule, words):
                assert (got["status"], got["reject_rule"]) == ("rejected", rule)
                for word in (case.path, *words):
                    assert word in got["message"]
            case Quarantined(row, rule, column, words):
                (found,) = [q for q in got["quarantined"] if q["row"] == row]
                assert (found["rule"], found["column"]) == (rule, column)
                assert all(word in found["message"] for word in words) and found["original"]
            case Nulled(row, column, original, rule):
                found = [c for c in got["findings"] if (c["row"], c["column"], c["rule"]) == (row, column, rule)]
                assert [(c["original"], c["loaded"], c["severity"]) for c in found] == [(original, None, "cell")]
            case Loaded(row, _column, _value, warning):
                assert row not in {q["row"] for q in got["quarantined"]}
                flagged = {f"{c['column']}:{c['rule']}" for c in got["findings"] if c["row"] == row}
                assert (warning in flagged) if warning else flagged == set(), flagged


def test_row_counties_are_the_loaded_rows_by_their_own_county(checked, corpus):
    raw = [name for (name,) in corpus.sql("select table_name from duckdb_columns() where table_name like 'raw_%' "
                                          "and column_name = 'county'").fetchall()]
    want: dict[str, dict[str, int]] = {}
    for table in raw:
        for file, county, n in corpus.sql(f"select _file, county, count(*) from {table} where county is not null "
                                          "group by all").fetchall():
            want.setdefault(file, {})[county] = n
    assert want, "the corpus has rows with a county"
    assert {path: record["row_counties"] for path, record in checked.items() if record["row_counties"]} == want


def test_the_report_keeps_its_documented_shape(checked):
    for record in checked.values():
        assert set(record) == FILE_KEYS and set(record["rows"]) == ROW_KEYS
        assert all(set(q) == QUARANTINED_KEYS for q in record["quarantined"])
        assert all(set(c) == FINDING_KEYS for c in record["findings"])
        assert record["warnings"] == sum(c["severity"] == "warning" for c in record["findings"])


def test_the_text_report_names_file_row_column_value_and_rule(checked):
    negative = checked["古浪县_住宅小区物业管理台账_2024-12_negative.csv"]
    text = check.format_report({"files": [negative], "files_rejected": 0})
    assert "古浪县_住宅小区物业管理台账_2024-12_negative.csv" in text
    assert "∅ 行 row 2 households = '-5' range" in text
    empty = check.format_report({"files": [checked[BAD]], "files_rejected": 1})
    assert f"拒收 rejected (empty): 文件 {BAD}：文件是空的" in empty


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def run_check(data: Path, *names: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WUWEI_DATA_DIR": str(data), "WUWEI_PII_SALT": "test-salt"}
    return subprocess.run([sys.executable, "-m", "pipelines", "check", "--json",
                           *(str(data / "landing" / name) for name in names)],
                          cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8")


def test_the_command_leaves_the_warehouse_untouched_and_exits_1_on_a_rejection(corpus_db):
    data = corpus_db.parent.parent
    before = snapshot(data / "warehouse")
    rejected = run_check(data, GOOD, BAD)
    good = run_check(data, GOOD)
    assert snapshot(data / "warehouse") == before
    assert (rejected.returncode, good.returncode) == (1, 0), rejected.stderr + good.stderr
    report = json.loads(rejected.stdout)
    assert set(report) == {"schema_version", "checked_at", "files_rejected", "files"}
    assert [(f["path"], f["status"]) for f in report["files"]] == [(GOOD, "loaded"), (BAD, "rejected")]
    assert report["files"][0]["file"] == str(data / "landing" / GOOD)
    assert json.loads(good.stdout)["files_rejected"] == 0
