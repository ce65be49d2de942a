"""Each malformed file's outcome, exactly; no row lost; a rejected latest snapshot carries forward."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from tests.bad_input.corpus import (
    CASES,
    CORRECTION,
    MINQIN_LATEST,
    ORIGINAL,
    SENT_AGAIN,
    SENT_ONCE,
    TWO_COUNTIES,
    Case,
    Loaded,
    Nulled,
    Quarantined,
    Rejected,
)
from tests.conftest import approx

QUARANTINE_COLUMNS = ["ledger", "_file", "_row", "county_code", "rule", "severity", "column", "message", "original"]


def source_file(con, path: str) -> dict:
    rows = con.sql("select * from audit_source_files where path = ?", params=[path]).pl().to_dicts()
    assert len(rows) == 1, path
    return rows[0]


def test_the_corpus_covers_at_least_thirty_files():
    assert len(CASES) >= 30
    assert len({case.path for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_outcome(corpus, case: Case):
    file = source_file(corpus, case.path)
    assert file["ledger"] == case.ledger
    for outcome in case.outcomes:
        match outcome:
            case Loaded(row, column, value, warning):
                got = corpus.sql(f'select "{column}", _warnings from raw_{case.ledger} where _file = ? and _row = ?',
                                 params=[case.path, row]).fetchall()
                assert len(got) == 1, f"row {row} not loaded"
                shown, warnings = got[0]
                assert shown == (approx(value) if isinstance(value, float) else value)
                assert (warning in warnings) if warning else warnings == [], warnings
            case Nulled(row, column, original, rule):
                got = corpus.sql(f'select "{column}", _warnings from raw_{case.ledger} where _file = ? and _row = ?',
                                 params=[case.path, row]).fetchall()
                assert len(got) == 1 and got[0][0] is None and f"{column}:{rule}" in got[0][1], f"row {row}: {got}"
                found = corpus.sql('select original, severity, message from audit_cell_findings '
                                   'where _file = ? and _row = ? and "column" = ? and rule = ?',
                                   params=[case.path, row, column, rule]).fetchall()
                assert len(found) == 1 and found[0][:2] == (original, "cell"), found
                assert " | " in found[0][2]
            case Quarantined(row, rule, column, words):
                got = corpus.sql('select rule, "column", severity, message, original from audit_quarantine '
                                 "where _file = ? and _row = ?", params=[case.path, row]).fetchall()
                assert len(got) == 1, f"row {row} not quarantined"
                assert got[0][:3] == (rule, column, "error")
                for word in words:
                    assert word in got[0][3], got[0][3]
                assert " | " in got[0][3]
                assert json.loads(got[0][4])
            case Rejected(rule, words):
                assert (file["status"], file["reject_rule"]) == ("rejected", rule)
                for word in (case.path, *words):
                    assert word in file["message"]


@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_every_row_read_is_loaded_quarantined_or_in_a_rejected_file(corpus, case: Case):
    file = source_file(corpus, case.path)
    assert file["rows_read"] == file["rows_loaded"] + file["rows_quarantined"] + file["rows_rejected"]
    if file["status"] == "rejected":
        assert file["rows_loaded"] == file["rows_quarantined"] == 0
        assert file["rows_rejected"] == file["rows_read"]
        return
    assert file["rows_rejected"] == 0
    loaded = [r[0] for r in corpus.sql(f"select _row from raw_{case.ledger} where _file = ?",
                                       params=[case.path]).fetchall()]
    quarantined = [r[0] for r in corpus.sql("select _row from audit_quarantine where _file = ?",
                                            params=[case.path]).fetchall()]
    assert len(loaded) == file["rows_loaded"] and len(quarantined) == file["rows_quarantined"]
    assert len(set(loaded) | set(quarantined)) == len(loaded) + len(quarantined) == file["rows_read"]


def test_quarantine_table_columns(corpus):
    assert [r[0] for r in corpus.sql("describe audit_quarantine").fetchall()] == QUARANTINE_COLUMNS


def test_rejecting_a_countys_latest_snapshot_carries_the_previous_month_forward(corpus):
    file = source_file(corpus, MINQIN_LATEST)
    assert (file["status"], file["reject_rule"]) == ("rejected", "missing_required_column")
    assert "总户数" in file["message"] and "households" in file["message"]
    # 民勤县 at 2025-01: its 2024-12 snapshot (2 of 4 professional), not the rejected 3 of 4
    got = corpus.sql("select compounds, covered, carried_forward from mart_coverage_monthly "
                     "where scope_code = '620621' and month = ?", params=[date(2025, 1, 31)]).fetchall()
    assert got == [(4, 2, 4)]


def test_each_quarantined_row_fails_its_rule_in_the_results(corpus):
    missing = corpus.sql("""
        select q.ledger, q.rule, q."column" from audit_quarantine q
        anti join (select * from audit_validation where not success) v
            on v.ledger = q.ledger and v.rule = q.rule and v."column" = q."column"
    """).fetchall()
    assert missing == []


def test_results_are_kept_per_build(corpus, corpus_db):
    folder = corpus_db.parent.parent / "validation"
    saved = sorted(folder.glob("validation-*.json"))
    assert len(saved) == 2
    builds = corpus.sql("select validated_at, count(*), count(*) filter (where not success) "
                        "from audit_validation_history group by 1 order by 1").fetchall()
    assert len(builds) == 2
    assert builds[0][2] == 4  # the golden fixture alone fails only its four cases of DOMAIN.md section 8
    latest = json.loads(saved[-1].read_text(encoding="utf-8"))["results"]
    assert builds[1][1] == len(latest) == corpus.sql("select count(*) from audit_validation").fetchall()[0][0]


def test_a_file_sent_twice_is_loaded_once(corpus):
    files = {r["path"]: r for r in corpus.sql("select * from audit_source_files where path in (?, ?)",
                                                params=[SENT_ONCE, SENT_AGAIN]).pl().to_dicts()}
    assert [files[p]["rows_loaded"] for p in (SENT_ONCE, SENT_AGAIN)] == [1, 0]
    assert files[SENT_AGAIN]["rows_rejected"] == 1
    assert corpus.sql("select count(*) from stg_compounds where compound_id = 'G47'").fetchall() == [(1,)]


def test_a_correction_replaces_its_original_whatever_the_path_order(corpus):
    assert CORRECTION < ORIGINAL  # by path order the original would have won
    got = corpus.sql("select households, _file from stg_compounds where compound_id = 'G48'").fetchall()
    assert got == [(130, CORRECTION)]


def test_a_compound_claimed_by_two_counties_is_in_neither(corpus):
    assert corpus.sql("select count(*) from stg_compounds where compound_id = 'X50'").fetchall() == [(0,)]
    assert corpus.sql("select count(*) from audit_quarantine where _file in (?, ?)",
                      params=list(TWO_COUNTIES)).fetchall() == [(2,)]


def test_no_message_shows_library_internals(corpus):
    messages = [r[0] for r in corpus.sql("select message from audit_source_files where message is not null").fetchall()]
    assert messages and not [m for m in messages if "calamine" in m.lower() or "Context:" in m]


def test_the_data_month_is_not_moved_by_a_future_file(corpus):
    assert corpus.sql("select data_month from core_settings").fetchall()[0][0] <= date.today()


def test_the_build_summary_lists_every_file_set_aside_for_another(corpus, corpus_db):
    from contract.ledgers import LEDGERS
    from pipelines.build import BuildSummary, format_summary

    files = corpus.sql("select * from audit_source_files").pl()
    text = format_summary(BuildSummary(
        database=corpus_db, seconds=0.0, files=files, quality_seconds=0.0,
        rows_loaded={name: corpus.sql(f"select count(*) from raw_{name}").fetchall()[0][0] for name in LEDGERS},
        rows_quarantined=0, files_rejected=files.filter(pl.col("status") == "rejected").height, warnings=0,
        quarantine=corpus.sql("select * from audit_quarantine").pl(),
        findings=corpus.sql("select * from audit_cell_findings").pl()))
    assert f"↺ 文件 {SENT_AGAIN}：与文件 {SENT_ONCE} 内容完全相同" in text
    assert f"↺ 文件 {ORIGINAL}：已被更正版 {CORRECTION} 取代" in text
    assert "拒收原因 reasons: " in text and "truncated 2" in text
