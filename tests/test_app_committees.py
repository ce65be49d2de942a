"""业主自治 shows the marts' numbers for the city and every county, and the hand-checked golden numbers; the
drill goes county -> town -> compound and every compound links to its profile."""

from __future__ import annotations

import pytest

from tests.apptest import run_page
from tests.shown import CITY, SCOPES, count, in_scope, linked_ids, metrics, month_end, pct, table_with

MONTHS = ["2025-02", "2024-11"]
COVERAGE, ENDING, OVERDUE, PARTY, TRAININGS = ("业委会（物管会）覆盖率", "任期90天内届满", "逾期未换届", "党员委员占比",
                                              "本年培训次数")


def list_ids(golden, scope: str, month: str, flag: str, order: str) -> list[str]:
    where, params = in_scope(scope)
    return [r[0] for r in golden.execute(
        f"select compound_id from mart_committee_compounds_monthly where month = ? and {flag} and {where} "
        f"order by {order}, compound_id", [month_end(month), *params]).fetchall()]


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("scope", SCOPES)
def test_tiles_and_lists_equal_the_marts(golden, golden_app_env, scope, month):
    at = run_page("committees", scope=scope, month=month)
    assert not at.exception
    shown = metrics(at)
    row = golden.execute("""
        select k.committee_coverage, g.terms_ending_soon, g.reelection_overdue, g.party_member_share,
               g.trainings_this_year
        from mart_committee_coverage_monthly k
        join mart_committee_governance_monthly g using (scope_code, month)
        where scope_code = ? and month = ?""", [scope, month_end(month)]).fetchone()
    if row is None:  # a county with no compounds in the fixture
        assert shown[COVERAGE] == "—"
        return
    coverage, ending, overdue, party, trainings = row
    assert (shown[COVERAGE], shown[ENDING], shown[OVERDUE], shown[PARTY], shown[TRAININGS]) == (
        pct(coverage), count(ending), count(overdue), pct(party), count(trainings))
    assert linked_ids(table_with(at, "days_to_term_end")) == list_ids(
        golden, scope, month, "term_ending_soon", "days_to_term_end")
    assert linked_ids(table_with(at, "days_past_term")) == list_ids(
        golden, scope, month, "reelection_overdue", "days_past_term desc nulls last")


@pytest.mark.parametrize("month", MONTHS)
def test_county_and_town_tables_equal_the_marts(golden, golden_app_env, month):
    at = run_page("committees", scope=CITY, month=month)
    counties = table_with(at, "county", "committee_coverage")
    want = golden.execute("""
        select k.scope_code, k.committee_coverage from mart_committee_coverage_monthly k
        join core_scopes s on s.scope_code = k.scope_code and s.scope_level = 'county'
        where k.month = ? order by s.sort_order, k.scope_code""", [month_end(month)]).fetchall()
    assert list(counties["committee_coverage"]) == [round(c * 100, 1) for _, c in want]
    at = run_page("committees", scope="620602", month=month)
    towns = table_with(at, "town", "none_set_up")
    want = golden.execute("select town, committee_coverage, with_committee from mart_committee_town_monthly "
                          "where county_code = '620602' and month = ? order by town", [month_end(month)]).fetchall()
    assert [(t, c, n) for t, c, n in zip(towns["town"], towns["committee_coverage"], towns["with_committee"],
                                         strict=True)] == [(t, round(c * 100, 1), n) for t, c, n in want]


def test_hand_checked_city(golden_app_env):
    """EXPECTED.md, committees at 2025-02: 4/12, L02 ends in 70 days, L01 and M03 overdue, 7 of 22, 4 trainings."""
    at = run_page("committees", scope=CITY, month="2025-02")
    shown = metrics(at)
    assert (shown[COVERAGE], shown[ENDING], shown[OVERDUE], shown[PARTY], shown[TRAININGS]) == (
        "33.3%", "1", "2", "31.8%", "4")
    ending = table_with(at, "days_to_term_end")
    assert list(zip(linked_ids(ending), ending["days_to_term_end"], strict=True)) == [("L02", 70)]
    overdue = table_with(at, "days_past_term")
    assert list(zip(linked_ids(overdue), overdue["status"], overdue["days_past_term"], strict=True)) == [
        ("M03", "到期未换届", 59), ("L01", "已成立", 8)]
    counties = table_with(at, "county", "committee_coverage")
    assert list(zip(counties["county"], counties["committee_coverage"], counties["status"], strict=True)) == [
        ("凉州区", 37.5, "滞后"), ("民勤县", 25.0, "严重滞后")]


def test_drill_county_town_compound(golden_app_env):
    """A click on 凉州区 shows its towns; a click on 东大街街道 shows L01–L04, each linked to its profile."""
    at = run_page("committees", scope=CITY, month="2025-02")
    counties = table_with(at, "county", "committee_coverage")
    assert list(counties["county"]) == ["凉州区", "民勤县"]
    at.session_state["committees-counties-2025-02-28"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    towns = table_with(at, "town", "none_set_up")
    assert list(zip(towns["town"], towns["committee_coverage"], strict=True)) == [
        ("东大街街道", 75.0), ("西关街街道", 0.0)]
    at.session_state["committees-towns-620602-2025-02-28"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    compounds = next(f.value for f in at.dataframe if "profile" in f.value.columns and "town" in f.value.columns
                     and set(f.value["town"]) == {"东大街街道"} and len(f.value) == 4)
    assert linked_ids(compounds) == ["L01", "L02", "L03", "L04"]
    assert list(compounds["status"]) == ["已成立", "已成立", "已成立", "筹备中"]
    assert compounds["profile"][3] == "compound?compound=L04&scope=620600&month=2025-02&lang=zh"


def test_english_switch(golden_app_env):
    at = run_page("committees", scope="620621", month="2025-02")
    at.radio(key="lang").set_value("en").run()
    labels = {m.label for m in at.metric}
    assert "Owners' committee coverage" in labels
    assert not any("委" in label for label in labels)
    overdue = table_with(at, "days_past_term")
    assert list(overdue["status"]) == ["Term expired"]
    assert overdue["profile"][0].endswith("&lang=en")
