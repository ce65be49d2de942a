"""The gate's pieces on their own: check characters, county polygons, a critical failure."""

from __future__ import annotations

import polars as pl
import pytest

from contract.ledgers import LEDGERS
from expectations.county_polygons import outside_county
from expectations.credit_code import check_character, check_character_fails
from expectations.gate import check
from readers.read import read_file
from tests.conftest import GOLDEN_LANDING


@pytest.mark.parametrize("code", ["91620602MA71A0001H", "91620621MA72B0002F", "91350100M000100Y43"])
def test_valid_codes_pass_the_check_character(code):
    assert check_character(code[:17]) == code[17]
    assert check_character_fails(pl.Series([code])).to_list() == [False]


def test_a_changed_character_fails_and_a_malformed_code_is_left_to_the_form_rule():
    codes = pl.Series(["91620602MA71A0002H", "91620602MA71A0001", "91620602MA71AI001H", None])
    assert check_character_fails(codes).to_list() == [True, None, None, None]


def test_points_inside_and_outside_their_county():
    county = pl.Series(["620602", "620622", "620622", "620622", "999999"])
    lon = pl.Series([102.641, 102.88, 102.641, None, 102.641])
    lat = pl.Series([37.928, 37.47, 37.928, 37.47, 37.928])
    assert outside_county(county, lon, lat).to_list() == [False, False, True, None, None]


@pytest.fixture
def salted(monkeypatch):
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")


def test_a_column_of_the_wrong_type_rejects_the_ledgers_files(salted):
    paths = sorted(GOLDEN_LANDING.glob("民勤县_住宅小区物业管理台账_*.csv"))[:2]
    sources = [read_file(path, GOLDEN_LANDING) for path in paths]
    sources[0].frame = sources[0].frame.with_columns(pl.col("households").cast(pl.String))
    gate = check(sources)
    assert "compounds" not in gate.loaded
    files = gate.files.to_dicts()
    assert [(f["status"], f["reject_rule"]) for f in files] == [("rejected", "type")] * 2
    for f, path in zip(files, paths, strict=True):
        assert path.name in f["message"] and "households" in f["message"]
        assert f["rows_read"] == f["rows_rejected"] == 4
    assert gate.quarantine.height == 0
    failed = gate.results.filter(~pl.col("success"))
    assert ("type", "households", "critical") in failed.select("rule", "column", "severity").rows()


# -- DOMAIN.md section 8, on hand-made files -----------------------------------------------------

F1 = "91620602MA71A0001H"
COMPOUND_COLUMNS = ["小区编码", "小区名称", "县区", "街道/乡镇", "总户数", "管理方式", "物业企业统一社会信用代码"]


def gulang(compound_id: str, households: str = "100", mode: str = "无物业", county: str = "古浪县") -> list[str]:
    return [compound_id, f"小区{compound_id}", county, "古浪镇", households, mode, F1 if mode == "专业物业" else ""]


def write_csv(path, header: list[str], *rows: list[str]):
    path.write_text("\n".join(",".join(row) for row in (header, *rows)) + "\n", encoding="utf-8")


def gate_of(landing, files: dict[str, tuple[list[str], list[list[str]]]]):
    from readers.read import read_landing

    for name, (header, rows) in files.items():
        write_csv(landing / name, header, *rows)
    return check(list(read_landing(landing)))


@pytest.fixture
def landing(tmp_path, salted, monkeypatch):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "landing"
    folder.mkdir()
    return folder


def loaded(gate, ledger: str, *columns: str) -> list[tuple]:
    return gate.loaded[ledger].sort("_file", "_row").select(*columns).rows()


def test_a_bad_cell_is_nulled_and_its_row_kept(landing):
    gate = gate_of(landing, {"古浪县_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [
        gulang("G1", "-5", "专业物业"), gulang("G2", mode="物业公司"), gulang("G3", "十户"), gulang("G4")])})
    assert gate.quarantine.height == 0
    assert loaded(gate, "compounds", "compound_id", "households", "management_mode") == [
        ("G1", None, "专业物业"), ("G2", 100, None), ("G3", None, "无物业"), ("G4", 100, "无物业")]
    path = "古浪县_住宅小区物业管理台账_2024-12.csv"
    found = gate.findings.filter(pl.col("severity") == "cell").sort("_row")
    assert found.select("_file", "_row", "column", "original", "rule").rows() == [
        (path, 2, "households", "-5", "range"), (path, 3, "management_mode", "物业公司", "allowed_values"),
        (path, 4, "households", "十户", "bad_number")]  # its "required" only repeats that: left out
    assert gate.files.select("rows_read", "rows_loaded", "rows_quarantined", "cells_nulled").row(0) == (4, 4, 0, 3)


def test_a_row_whose_key_cannot_be_established_is_still_quarantined(landing):
    gate = gate_of(landing, {"古浪县_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [
        gulang(""), gulang("G2"), gulang("G2", "200")])})
    assert gate.quarantine.select("_row", "rule").rows() == [(2, "required"), (4, "duplicate_key")]
    assert loaded(gate, "compounds", "compound_id") == [("G2",)]
    assert gate.findings.height == 0


def test_a_county_typo_takes_the_county_of_a_one_county_file_and_is_quarantined_in_a_city_file(landing):
    gate = gate_of(landing, {
        "天祝县_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [gulang("T1", county="天祝县"),
                                                                  gulang("T2", county="凉洲区")]),
        "武威市_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [gulang("G1"), gulang("T3", county="天祝县"),
                                                                  gulang("X1", county="凉洲区")]),
    })
    assert loaded(gate, "compounds", "compound_id", "county") == [
        ("T1", "620623"), ("T2", "620623"), ("G1", "620622"), ("T3", "620623")]
    assert gate.quarantine.select("_file", "_row", "rule", "column").rows() == [
        ("武威市_住宅小区物业管理台账_2024-12.csv", 4, "unknown_county", "county")]
    taken = gate.findings.filter(pl.col("rule") == "county_from_file")
    assert taken.select("_file", "_row", "original", "loaded", "severity").rows() == [
        ("天祝县_住宅小区物业管理台账_2024-12.csv", 3, "凉洲区", "620623", "warning")]


def test_a_credit_code_with_an_ideographic_space_keeps_its_credit_event(landing):
    gate = gate_of(landing, {"武威市_物业企业信用信息记录_2024-12.csv": (
        ["记录编号", "统一社会信用代码", "发生日期", "信用事项", "加减分"],
        [["E1", F1[:9] + "　" + F1[9:], "2024-12-03", "日常检查", "-4"]])})
    assert gate.quarantine.height == 0
    assert loaded(gate, "credit_events", "event_id", "firm_credit_code", "points", "_warnings") == [
        ("E1", F1, -4.0, ["firm_credit_code:code_spaces"])]


COMPLAINT_COLUMNS = ["工单编号", "受理时间", "诉求类型", "状态", "小区编码", "县区"]


def test_lost_leading_zeros_are_restored_from_an_id_the_county_uses_elsewhere(landing):
    gate = gate_of(landing, {
        "古浪县_住宅小区物业管理台账_2024-11.csv": (COMPOUND_COLUMNS, [gulang("0101001"), gulang("0101002")]),
        # the 2024-12 file lost the zeros of both (a spreadsheet); 303 matches no id of 古浪
        "古浪县_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [gulang("101001"), gulang("101002"),
                                                                  gulang("303")]),
        # the same id in another county is no match; in the complaints file, 0202002 is used once as typed
        "天祝县_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [gulang("0404004", county="天祝县")]),
        "武威市12345热线物业工单_2024-12.csv": (COMPLAINT_COLUMNS, [
            ["K1", "2024-12-01 09:00", "投诉", "已办结", "101001", "古浪县"],
            ["K2", "2024-12-01 10:00", "投诉", "已办结", "404004", "古浪县"],
            ["K3", "2024-12-01 11:00", "投诉", "已办结", "0202002", "民勤县"],
            ["K4", "2024-12-01 12:00", "投诉", "已办结", "202002", "民勤县"]]),
    })
    assert loaded(gate, "compounds", "compound_id") == [
        ("0101001",), ("0101002",), ("0101001",), ("0101002",), ("303",), ("0404004",)]
    assert loaded(gate, "complaints", "ticket_id", "compound_id") == [
        ("K1", "0101001"), ("K2", "404004"), ("K3", "0202002"), ("K4", "0202002")]
    found = gate.findings.filter(pl.col("column") == "compound_id").sort("_file", "_row", "rule")
    gulang_file, hotline = "古浪县_住宅小区物业管理台账_2024-12.csv", "武威市12345热线物业工单_2024-12.csv"
    assert found.filter(pl.col("rule") == "leading_zero_restored").select("original", "loaded").rows() == [
        ("101001", "0101001"), ("101002", "0101002"), ("101001", "0101001"), ("202002", "0202002")]
    assert found.select("_file", "_row", "original", "rule").rows() == [
        (gulang_file, 2, "101001", "leading_zero_restored"), (gulang_file, 3, "101002", "leading_zero_restored"),
        (gulang_file, 4, "303", "leading_zero_lost"),
        (hotline, 2, "101001", "leading_zero_restored"),
        (hotline, 3, "404004", "leading_zero_lost"), (hotline, 3, "404004", "unknown_compound"),
        (hotline, 4, "0202002", "unknown_compound"),
        (hotline, 5, "202002", "leading_zero_restored"), (hotline, 5, "202002", "unknown_compound")]


def test_an_id_already_in_the_same_snapshot_is_not_restored_onto(landing):
    gate = gate_of(landing, {"古浪县_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [
        gulang("0101001"), gulang("101001")])})
    assert loaded(gate, "compounds", "compound_id", "_warnings") == [
        ("0101001", []), ("101001", ["compound_id:leading_zero_lost"])]


RECTIFICATION_COLUMNS = ["问题编号", "问题来源", "小区编码", "发现日期", "整改期限", "整改状态", "销号日期"]


def test_closed_without_a_close_date_is_loaded_closed_with_a_warning(landing):
    gate = gate_of(landing, {"武威市_问题整改销号台账_2024-12.csv": (RECTIFICATION_COLUMNS, [
        ["R1", "日常巡查", "G01", "2024-11-01", "2024-12-01", "已销号", ""]])})
    assert gate.quarantine.height == 0
    assert loaded(gate, "rectifications", "issue_id", "status", "closed_on", "_warnings") == [
        ("R1", "已销号", None, ["closed_on:closed_on_missing"])]


def test_the_build_summary_lists_quarantined_rows_and_nulled_cells(landing):
    from pipelines.build import BuildSummary, format_summary

    gate = gate_of(landing, {"古浪县_住宅小区物业管理台账_2024-12.csv": (COMPOUND_COLUMNS, [
        gulang("G1", "-5"), gulang("G1")])})
    summary = BuildSummary(database=landing / "x.duckdb", seconds=1.0, files=gate.files, quality_seconds=0.5,
                           rows_loaded={name: 0 for name in LEDGERS} | {"compounds": 1}, rows_quarantined=1,
                           files_rejected=0, warnings=1, quarantine=gate.quarantine, findings=gate.findings)
    text = format_summary(summary)
    assert "置空单元格 cells nulled: 1" in text
    assert "⊘ 古浪县_住宅小区物业管理台账_2024-12.csv:3 compound_id,as_of duplicate_key" in text
    assert "∅ 古浪县_住宅小区物业管理台账_2024-12.csv:2 households = '-5' range" in text


def test_each_gx_rule_written_as_data_makes_the_expectation_it_names():
    """The suites write GX expectations as data (so a build from the cache never imports GX): each one
    makes a GX object of the type the audit tables record, with its arguments and row condition."""
    from datetime import date

    from expectations.run_gx import expectation
    from expectations.suites import catalogue

    rules = [(i, r) for i, r in enumerate(catalogue(date(2026, 11, 30))) if r.engine == "gx"]
    assert len(rules) > 100
    for rule_id, rule in rules:
        made = expectation(rule, rule_id)
        assert made.expectation_type == rule.expectation_type, rule
        assert made.meta == {"rule": rule.name, "severity": rule.severity, "en": rule.en, "rule_id": rule_id}
        for name, value in rule.expectation.kwargs.items():
            assert getattr(made, name if name != "type_" else "type_") == value, (rule, name)
        assert (made.row_condition is not None) == (rule.expectation.when is not None), rule

