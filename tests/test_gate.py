"""The gate's pieces on their own: check characters, county polygons, a critical failure."""

from __future__ import annotations

import polars as pl
import pytest

from expectations.county_polygons import outside_county
from expectations.credit_code import check_character, check_character_fails
from expectations.gate import check
from pipelines.read import read_file
from tests.conftest import GOLDEN_LANDING


@pytest.mark.parametrize("code", ["91620602MA71A0001H", "91620621MA72B0002F", "91350100M000100Y43"])
def test_valid_codes_pass_the_check_character(code):
    assert check_character(code[:17]) == code[17]
    assert pl.select(check_character_fails(pl.lit(code))).item() is False


def test_a_changed_character_fails_and_a_malformed_code_is_left_to_the_form_rule():
    codes = pl.Series(["91620602MA71A0002H", "91620602MA71A0001", "91620602MA71AI001H", None])
    assert pl.select(check_character_fails(pl.lit(codes))).to_series().to_list() == [True, None, None, None]


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
