"""矛盾化解 shows the marts' numbers for the city and every county, and the hand-checked golden numbers of the
utilities census, the mediations and the joint meetings."""

from __future__ import annotations

import pytest

from tests.apptest import run_page
from tests.shown import CITY, SCOPES, count, in_scope, linked_ids, metrics, month_end, pct, table_with

MONTHS = ["2025-02", "2025-01"]
TILES = {
    "排查覆盖率": ("mart_utilities_monthly", "census_coverage", pct, "utility = '全部'"),
    "产权明晰率": ("mart_utilities_monthly", "ownership_rate", pct, "utility = '全部'"),
    "收费到户率": ("mart_utilities_monthly", "billed_rate", pct, "utility = '全部'"),
    "服务到户率": ("mart_utilities_monthly", "serviced_rate", pct, "utility = '全部'"),
    "近12个月受理调解": ("mart_mediation_monthly", "opened_12m", count, "dispute_type = '全部'"),
    "调解成功率": ("mart_mediation_monthly", "success_rate_12m", pct, "dispute_type = '全部'"),
    "转诉讼": ("mart_mediation_monthly", "litigated_12m", count, "dispute_type = '全部'"),
    "调解中": ("mart_mediation_monthly", "in_progress_12m", count, "dispute_type = '全部'"),
    "近12个月联席会议": ("mart_joint_meetings_monthly", "meetings_12m", count, "true"),
    "召开会议的街道/乡镇": ("mart_joint_meetings_monthly", "towns_12m", count, "true"),
    "议定问题": ("mart_joint_meetings_monthly", "issues_raised_12m", count, "true"),
    "问题解决率": ("mart_joint_meetings_monthly", "resolution_rate_12m", pct, "true"),
}


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("scope", SCOPES)
def test_tiles_and_lists_equal_the_marts(golden, golden_app_env, scope, month):
    at = run_page("mediation", scope=scope, month=month)
    assert not at.exception
    shown = metrics(at)
    for label, (mart, column, fmt, where) in TILES.items():
        row = golden.execute(f"select {column} from {mart} where scope_code = ? and month = ? and {where}",
                             [scope, month_end(month)]).fetchone()
        assert shown[label] == fmt(row[0] if row else None), label
    where, params = in_scope(scope)
    gaps = golden.execute(f"select compound_id, utility from mart_utilities_compounds_monthly where month = ? "
                          f"and {where} and not all_done order by county_code, town, compound_id, utility",
                          [month_end(month), *params]).fetchall()
    frame = table_with(at, "ownership_clarified", "census_as_of", "profile")
    assert list(zip(linked_ids(frame), frame["utility"], strict=True)) == gaps
    cases = golden.execute(f"select case_id from mart_mediation_cases where month <= ? "
                           f"and month > last_day(?::date - interval 12 month) and {where} order by opened_on desc, "
                           "case_id", [month_end(month), month_end(month), *params]).fetchall()
    assert list(table_with(at, "case_id", "outcome")["case_id"]) == [c for (c,) in cases]


def test_hand_checked_city(golden_app_env):
    at = run_page("mediation", scope=CITY, month="2025-02")
    shown = metrics(at)
    assert [shown[k] for k in TILES] == ["25.0%", "100.0%", "75.0%", "75.0%", "5", "50.0%", "1", "1",
                                         "3", "3", "9", "55.6%"]
    gaps = table_with(at, "ownership_clarified", "census_as_of", "profile")
    assert list(zip(linked_ids(gaps), gaps["utility"], strict=True)) == [
        ("L01", "供气"), ("L02", "供热"), ("M01", "供水")]
    by_utility = table_with(at, "utility", "billed_rate", "county")
    assert list(zip(by_utility["county"], by_utility["utility"], by_utility["serviced_rate"], strict=True))[:4] == [
        ("凉州区", "供水", 100.0), ("凉州区", "供电", 100.0), ("凉州区", "供气", 0.0), ("凉州区", "供热", 50.0)]
    types = table_with(at, "dispute_type", "opened_12m")
    assert (types["dispute_type"][0], types["opened_12m"][0]) == ("物业费纠纷", 2)
    cases = table_with(at, "case_id", "outcome")
    assert list(zip(cases["case_id"], cases["outcome"], strict=True)) == [
        ("C005", "调解中"), ("C004", "调解成功"), ("C003", "转诉讼"), ("C002", "调解失败"), ("C001", "调解成功")]
    meetings = table_with(at, "meeting_id", "issues_resolved")
    assert list(meetings["meeting_id"]) == ["J003", "J002", "J001"]


@pytest.mark.parametrize(("scope", "month", "want"), [
    ("620602", "2025-02", {"收费到户率": "83.3%", "服务到户率": "66.7%", "调解成功率": "33.3%", "问题解决率": "80.0%"}),
    ("620602", "2025-01", {"近12个月受理调解": "3", "调解成功率": "33.3%"}),
    ("620621", "2025-02", {"调解成功率": "100.0%", "问题解决率": "25.0%"}),
    (CITY, "2025-01", {"产权明晰率": "87.5%", "收费到户率": "62.5%", "服务到户率": "75.0%"}),
])
def test_hand_checked_counties_and_months(golden_app_env, scope, month, want):
    shown = metrics(run_page("mediation", scope=scope, month=month))
    assert {k: shown[k] for k in want} == want


def test_english_switch(golden_app_env):
    at = run_page("mediation", scope=CITY, month="2025-02")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert {"Billed to households", "Settled", "Issues resolved"} <= {m.label for m in at.metric}
    assert "Heat" in set(table_with(at, "ownership_clarified", "census_as_of", "profile")["utility"])
