"""投诉分析 shows the marts' numbers, for the city and every county, in more than one month."""

from __future__ import annotations

import pytest

from tests.apptest import run_page
from tests.conftest import approx
from tests.shown import CITY, SCOPES, metrics, month_end, pct, table_with

MONTHS = ["2024-12", "2025-02"]
LADDER = {"小区": "小事不出小区", "社区": "难事不出社区", "街道": "大事不出街道"}


def rate(x) -> str:
    return "—" if x is None else f"{x:,.2f}"


@pytest.fixture(scope="module", params=[(s, m) for s in SCOPES for m in MONTHS], ids=lambda p: f"{p[0]}-{p[1]}")
def shown(request, golden_app_env_module):
    scope, month = request.param
    at = run_page("complaints", scope=scope, month=month)
    assert not at.exception
    return scope, month_end(month), at


def test_tiles_equal_the_marts(golden, shown):
    scope, month, at = shown
    row = golden.execute("""
        select r.rolling12_rate, r.rate_per_1000, h.on_time_rate, h.satisfaction_rate, h.repeat_share,
               coalesce(h.unmatched, 0)
        from mart_complaint_rate_monthly r
        left join mart_complaint_handling_monthly h using (scope_code, month)
        where r.scope_code = ? and r.month = ?""", [scope, month]).fetchone()
    rolling, monthly, on_time, satisfaction, repeats, unmatched = row
    tiles = metrics(at)
    assert tiles["近12个月投诉率"] == rate(rolling)
    assert tiles["当月投诉率"] == rate(monthly)
    assert tiles["按时办结率"] == pct(on_time)
    assert tiles["满意率"] == pct(satisfaction)
    assert tiles["重复投诉占比"] == pct(repeats)
    assert tiles["未匹配小区的投诉"] == f"{unmatched:,d}"


def test_status_against_the_target_in_words(golden, shown):
    scope, month, at = shown
    status = golden.execute("""select status from mart_target_status where scope_code = ? and month = ?
                               and metric = 'complaint_rate_ratio' and is_active""", [scope, month]).fetchall()
    sentences = [m.value for m in at.markdown if "近12个月每千户投诉" in m.value or "方案实施前" in m.value]
    if status:
        assert sentences and sentences[0].startswith(f"**{status[0][0]}：")
    else:
        assert sentences == ["**方案实施前（2024年11月起考核）**"]


def test_county_table_equals_the_mart(golden, shown):
    _, month, at = shown
    table = table_with(at, "county", "rate_per_1000", "status_label")
    expected = golden.execute("""
        select r.rate_per_1000, g.rolling12_rate, g.status
        from mart_complaint_target_monthly g join mart_complaint_rate_monthly r using (scope_code, month)
        join core_scopes s using (scope_code) where month = ? order by s.sort_order, scope_code""", [month]).fetchall()
    assert list(table["county"]) == ["武威市", "凉州区", "民勤县", "古浪县", "天祝藏族自治县"]
    assert list(table["status_label"]) == [status or "—" for _, _, status in expected]
    for column, values in (("rate_per_1000", [r[0] for r in expected]), ("rolling12_rate", [r[1] for r in expected])):
        assert [None if x != x else x for x in table[column]] == [None if x is None else approx(x) for x in values]


def test_resolution_ladder_equals_the_mart(golden, shown):
    scope, month, at = shown
    tiles = metrics(at)
    for level, step in LADDER.items():
        share = golden.execute("""select cumulative_share from mart_complaint_resolution_levels
                                  where scope_code = ? and month = ? and period = '12m' and level = ?""",
                               [scope, month, level]).fetchone()[0]
        assert tiles[step] == pct(share)


def test_hotspots_are_the_marts_top_compounds(golden, shown):
    scope, month, at = shown
    within = "city" if scope == CITY else "county"
    expected = golden.execute(f"""
        select compound_name, complaints_12m, round({within}_top_share * 100, 1)
        from mart_compound_complaints_monthly
        where month = ? and (? = '{CITY}' or county_code = ?)
        order by {within}_compound_share limit 10""", [month, scope, scope]).fetchall()
    if not expected:
        assert not any("complaints_12m" in d.value.columns for d in at.dataframe)
        return
    table = table_with(at, "compound_name", "complaints_12m", "top_share")
    assert list(zip(table["compound_name"], table["complaints_12m"], table["top_share"], strict=True)) == expected


def test_unmatched_complaints_are_listed(golden, shown):
    scope, month, at = shown
    expected = [r[0] for r in golden.execute("""
        select ticket_id from mart_complaint_records
        where compound_id is null and (? = ? or county_code = ?) and month > ?::date - interval 12 month
          and month <= ? order by received_at desc""", [scope, CITY, scope, month, month]).fetchall()]
    assert list(table_with(at, "ticket_id", "reported_compound_name")["ticket_id"]) == expected


def test_every_chart_has_a_caption(shown):
    _, _, at = shown
    charts = at.get("plotly_chart")
    captions = [c.value for c in at.caption]
    assert len(charts) >= 6
    assert sum(1 for c in captions if c.endswith("。")) >= len(charts)


def test_english_switch(golden_app_env):
    # switched on the page: AppTest formats the sidebar's choices outside the session, in Chinese
    at = run_page("complaints", scope="620602", month="2025-02")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    labels = set(metrics(at))
    assert {"12-month rate", "Closed on time", "Small matters: within the compound"} <= labels
    assert not any("投诉" in label for label in labels)
    assert set(table_with(at, "county", "status_label")["county"]) >= {"Liangzhou District", "Minqin County"}
