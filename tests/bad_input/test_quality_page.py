"""数据质量 shows the audit tables' numbers: on the corpus warehouse (golden + bad input) and the golden one."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from expectations.rules import SEVERITIES, UNIDENTIFIED
from tests.apptest import run_page

CITY = "620600"
SCOPES = [CITY, "620602", "620621", "620622"]


def in_scope(scope: str) -> str:
    return "true" if scope == CITY else f"county_code = '{scope}'"


def figure(at, trace_type: str) -> list[dict]:
    """The traces of the page's chart whose first trace is of `trace_type`."""
    specs = [json.loads(c.proto.spec)["data"] for c in at.get("plotly_chart")]
    return next(data for data in specs if data[0]["type"] == trace_type)


def numbers(array) -> list:
    """A Plotly array, plain or typed (base64 under "bdata")."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return array


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def tables(at) -> dict[str, pl.DataFrame]:
    """The page's tables, told apart by a column only each has; a table not shown is empty."""
    frames = [pl.from_pandas(d.value) for d in at.dataframe]
    found = {"rejected": "reject_rule", "rules": "requirement", "quarantine": "original", "drops": "previous_rows",
             "replaced": "replaced_by",
             "cells": "value_sent"}
    none = {column: pl.String for column in ("path", *found.values())}
    return {name: next((f for f in frames if column in f.columns), pl.DataFrame(schema=none))
            for name, column in found.items()}


@pytest.mark.parametrize("scope", SCOPES)
def test_tiles_and_tables_equal_the_audit_tables(corpus, corpus_app_env, scope):
    at = run_page("quality", scope=scope, month="2025-02")
    assert not at.exception
    shown = metrics(at)
    where = in_scope(scope)
    quarantined = corpus.sql(f"select count(*) from audit_quarantine where {where}").fetchall()[0][0]
    rejected = corpus.sql(f"select count(*) from audit_source_files where status = 'rejected' and {where}"
                          ).fetchall()[0][0]
    warnings = corpus.sql(f"select coalesce(sum(unexpected_count), 0) from audit_validation "
                          f"where severity = 'warning' and {where}").fetchall()[0][0]
    assert shown["隔离行"] == f"{quarantined:,d}"
    assert shown["拒收文件"] == f"{rejected:,d}"
    assert shown["警告"] == f"{warnings:,d}"
    nulled = corpus.sql(f"select count(distinct (_file, _row, \"column\")) from audit_cell_findings "
                        f"where severity = 'cell' and {where}").fetchall()[0][0]
    assert shown["置空单元格"] == f"{nulled:,d}"
    passed, checked = corpus.sql("select rules_passed, rules_checked from mart_quality_overview where scope_code = ?",
                                 params=[scope]).fetchall()[0]
    assert shown["规则通过率"] == f"{passed / checked * 100:.1f}%"

    frames = tables(at)
    assert frames["quarantine"].height == quarantined
    if quarantined:
        # the reason in the view's language: the Chinese half of "中文 | English"
        want = corpus.sql(f"select _file, _row, trim(split_part(message, ' | ', 1)), original from audit_quarantine "
                          f"where {where} order by _file, _row").fetchall()
        assert frames["quarantine"].select("_file", "_row", "message", "original").rows() == want
    want = corpus.sql(f"select path from audit_source_files where status = 'rejected' and {where}").fetchall()
    assert sorted(frames["rejected"]["path"]) == sorted(r[0] for r in want)
    failing = corpus.sql(f"select count(*) from audit_validation where not success and {where}").fetchall()[0][0]
    assert frames["rules"].height == failing
    want = corpus.sql(f"select _file, _row, \"column\", original, rule from audit_cell_findings where {where} "
                      "order by _file, _row, \"column\", rule").fetchall()
    assert frames["cells"].height == len(want)
    if want:
        assert sorted(frames["cells"].select("_file", "_row", "checked_column", "value_sent", "rule").rows(),
                      key=str) == sorted(want, key=str)


def test_the_grid_holds_each_ledger_and_scope_pass_rate(corpus, corpus_app_env):
    at = run_page("quality", scope=CITY, month="2025-02")
    grid = figure(at, "heatmap")[0]
    cells = {(y, x): z for y, row in zip(grid["y"], numbers(grid["z"]), strict=True)
             for x, z in zip(grid["x"], row, strict=True) if z is not None}
    assert cells[("住宅小区", "武威市")] == pytest.approx(corpus.sql(
        "select pass_rate from mart_quality_pass_rate where is_latest and scope_code = ? and ledger = 'compounds'",
        params=[CITY]).fetchall()[0][0])
    assert cells[("住宅小区", "古浪县")] < 1 and cells[("双随机检查", "凉州区")] == 1
    assert len(cells) == corpus.sql("select count(*) from mart_quality_pass_rate where is_latest and ledger <> '全部' "
                                    "and scope_code in (select scope_code from core_scopes)").fetchall()[0][0]


def test_history_has_a_point_per_build(corpus, corpus_app_env):
    at = run_page("quality", scope=CITY, month="2025-02")
    total = next(line for line in figure(at, "scatter") if line["name"] == "全部台账")
    want = [r[0] for r in corpus.sql("select pass_rate from mart_quality_pass_rate where scope_code = ? "
                                     "and ledger = '全部' order by validated_at", params=[CITY]).fetchall()]
    assert len(want) == 2 and want[0] > want[1]  # the golden fixture alone fails only its four §8 cases
    assert numbers(total["y"]) == pytest.approx(want)


def test_every_table_can_be_downloaded(corpus_app_env):
    at = run_page("quality", scope=CITY, month="2025-02")
    # rejected files, replaced snapshots, sharp drops, failing rules, quarantine, cells: CSV and XLSX each
    assert len(at.get("download_button")) == 12


def test_every_ledger_and_severity_has_its_words_in_both_languages():
    from contract.ledgers import LEDGERS
    from dashboard.i18n import TEXT

    for name, ledger in LEDGERS.items():  # a ledger's short name is declared with it
        assert all(ledger.label), name
    for key in [f"quality.ledger.{name}" for name in (UNIDENTIFIED, "全部")] + [f"quality.severity.{s}"
                                                                             for s in SEVERITIES]:
        assert all(TEXT[key]), key


def test_the_golden_fixture_fails_only_its_section_8_cases(golden, golden_app_env):
    """EXPECTED.md, "Bad cells and cleaned codes": four rules fail, one cell each; no row is quarantined."""
    at = run_page("quality", scope=CITY, month="2025-02")
    assert not at.exception
    failed = golden.sql('select ledger, rule, "column", county_code, unexpected_count from audit_validation '
                        "where not success order by ledger, rule").fetchall()
    assert failed == [("compounds", "allowed_values", "management_mode", "620602", 1),
                      ("compounds", "county_from_file", "county", "620621", 1),
                      ("credit_events", "code_spaces", "firm_credit_code", None, 1),
                      ("rectifications", "closed_on_missing", "closed_on", None, 1)]
    assert metrics(at)["置空单元格"] == "1" and metrics(at)["隔离行"] == "0"
    assert {s.value for s in at.success} == {"没有被隔离的行。", "没有拒收的文件。", "没有行数骤降。"}
    frames = tables(at)
    assert frames["rules"].height == 4
    assert sorted(frames["cells"]["value_sent"].to_list(), key=str) == sorted(
        ["物业公司", "民芹县", "91620602M\u3000A71A0001H", None], key=str)


def test_the_cells_table_in_english(corpus, corpus_app_env):
    at = run_page("quality", scope=CITY, month="2025-02", lang="en")
    assert not at.exception
    assert metrics(at)["Cells nulled"] == f"{corpus.sql(NULLED).fetchall()[0][0]:,d}"
    cells = tables(at)["cells"]
    assert {"Cell nulled (row loaded)", "Warning (loaded, flagged)"} <= set(cells["severity"])


NULLED = "select count(distinct (_file, _row, \"column\")) from audit_cell_findings where severity = 'cell'"


def expected_drops(corpus, share: float) -> set[tuple]:
    """(ledger, scope, month) whose rows received fell by at least `share` against the month before,
    worked out here from the files' audit, in Python."""
    rows: dict[tuple, int] = {}
    for ledger, county, month, received in corpus.sql(
            "select ledger, coalesce(county_code, '620600'), month, rows_loaded + rows_quarantined "
            "from audit_source_files where status = 'loaded' and month is not null").fetchall():
        rows[(ledger, county, month)] = rows.get((ledger, county, month), 0) + received
    drops = set()
    for (ledger, county, month), received in rows.items():
        before = month.replace(day=1) - timedelta(days=1)
        previous = rows.get((ledger, county, before))
        if previous and 1 - received / previous >= share:
            drops.add((ledger, county, month))
    return drops


def test_sharp_drops_in_rows_are_warnings_on_the_page(corpus, corpus_app_env):
    share = corpus.sql("select row_drop_share from core_settings").fetchall()[0][0]
    assert share == 0.5  # settings.csv
    want = expected_drops(corpus, share)
    assert ("compounds", "620622", date(2024, 11, 30)) in want  # 古浪: 14 rows in 2024-10, 7 in 2024-11
    got = corpus.sql("select ledger, scope_code, month from mart_quality_row_drops where is_sharp_drop").fetchall()
    assert set(got) == want
    at = run_page("quality", scope="620622", month="2025-02")
    shown = tables(at)["drops"]
    assert shown.height == len([d for d in want if d[1] == "620622"])
    assert "行数骤降" in [h.value for h in at.subheader]


def test_the_new_sections_have_their_english_words(corpus, corpus_app_env):
    at = run_page("quality", scope="620622", month="2025-02")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert "Sharp drops in rows" in headings and "Rejected files" in headings
    captions = " ".join(c.value for c in at.caption)
    assert "row_drop_share" in captions and "every file in the landing folder" in captions
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(headings))


def test_a_snapshot_replaced_by_a_later_file_is_shown_with_the_rows_it_no_longer_counts(golden, golden_app_env):
    # 凉州's 2025-02 committees ledger was re-sent (…_补报.csv sorts last and counts): the first file's rows
    # are loaded but not counted, and the page says so
    first, resent = "凉州区_业主大会业主委员会台账_2025-02.csv", "凉州区_业主大会业主委员会台账_2025-02_补报.csv"
    rows = golden.sql("select count(*) from raw_committees where _file = ?", params=[first]).fetchall()[0][0]
    got = golden.sql("select path, rows_replaced, replaced_by from mart_quality_replaced_files").fetchall()
    assert got == [(first, rows, resent)] and rows > 0
    assert golden.sql("select count(*) from stg_committees where _file = ?", params=[first]).fetchall() == [(0,)]
    at = run_page("quality", scope="620602", month="2025-02")
    shown = tables(at)["replaced"]
    assert shown.rows() == [(first, "业委会", "凉州区", shown["month"][0], rows, resent)]
