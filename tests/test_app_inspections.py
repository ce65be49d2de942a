"""监督检查 shows the marts' numbers for the city and every county, and the hand-checked golden numbers:
inspection compliance, the records still to upload, 销号率, overdue days and median days to close."""

from __future__ import annotations

import pytest

from tests.apptest import run_page
from tests.shown import CITY, SCOPES, count, in_scope, linked_ids, metrics, month_end, pct, table_with

MONTHS = ["2025-02", "2024-12"]
COMPLIANCE, PENDING, OPEN, OVERDUE, CLOSE_RATE, MEDIAN = (
    "累计季度达标率", "待补传检查记录", "在办整改事项", "逾期整改事项", "销号率", "销号用时中位数（天）")


def quarter(month: str) -> str:
    end = month_end(month)
    return f"{end.year}Q{(end.month - 1) // 3 + 1}"


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("scope", SCOPES)
def test_tiles_and_lists_equal_the_marts(golden, golden_app_env, scope, month):
    at = run_page("inspections", scope=scope, month=month)
    assert not at.exception
    shown = metrics(at)
    where, params = in_scope(scope)
    rounds, compliance = golden.execute(
        "select rounds, compliance_to_date from mart_inspection_quarterly where scope_code = ? and quarter = ?",
        [scope, quarter(month)]).fetchone()
    pending = [r[0] for r in golden.execute(
        f"select inspection_id from mart_inspection_uploads_pending where month <= ? and {where} "
        "order by inspected_on, inspection_id", [month_end(month), *params]).fetchall()]
    assert (shown[f"{quarter(month)} 检查轮次"], shown[COMPLIANCE], shown[PENDING]) == (
        count(rounds), pct(compliance), count(len(pending)))
    assert list(table_with(at, "pending_platforms")["inspection_id"]) == pending

    row = golden.execute("select open_items, overdue_items, close_rate, median_days_to_close "
                         "from mart_rectification_monthly where scope_code = ? and month = ? and source = '全部'",
                         [scope, month_end(month)]).fetchone() or (None,) * 4
    median = "—" if row[3] is None else f"{row[3]:,.1f}"
    assert (shown[OPEN], shown[OVERDUE], shown[CLOSE_RATE], shown[MEDIAN]) == (
        count(row[0]), count(row[1]), pct(row[2]), median)
    open_items = golden.execute(
        f"select issue_id, compound_id from mart_open_rectifications_monthly where month = ? and {where} "
        "order by overdue_at_month desc, days_overdue desc nulls last, deadline, issue_id",
        [month_end(month), *params]).fetchall()
    items = table_with(at, "issue_id", "days_overdue")
    assert list(zip(items["issue_id"], linked_ids(items), strict=True)) == open_items


def test_hand_checked_city(golden_app_env):
    """EXPECTED.md: compliance 2 of 8 county-quarters; I002 and I003 still to upload; 4 items, 3 closed
    (R4 without a close date), R2 18 days overdue, median 32 days (R1 and R3)."""
    at = run_page("inspections", scope=CITY, month="2025-02")
    shown = metrics(at)
    assert (shown["2025Q1 检查轮次"], shown[COMPLIANCE], shown[PENDING]) == ("1", "25.0%", "2")
    assert (shown[OPEN], shown[OVERDUE], shown[CLOSE_RATE], shown[MEDIAN]) == ("1", "1", "75.0%", "32.0")
    pending = table_with(at, "pending_platforms")
    assert list(zip(pending["inspection_id"], pending["county"], pending["department"], linked_ids(pending),
                    pending["firm_name"], pending["pending_platforms"], strict=True)) == [
        ("I002", "民勤县", "民勤县住建局", "M01", "民勤县沙州物业管理有限公司", "武威市信用信息共享平台"),
        ("I003", "凉州区", "凉州区住建局", "L03", "武威市天马物业服务有限公司",
         "甘肃省互联网+监管系统、武威市信用信息共享平台"),
    ]
    items = table_with(at, "issue_id", "days_overdue")
    assert list(zip(items["issue_id"], items["state"], items["days_overdue"], strict=True)) == [("R2", "逾期", 18)]
    counties = table_with(at, "county", "close_rate", "median_days_to_close")
    assert list(zip(counties["county"], counties["close_rate"], counties["overdue_items"],
                    counties["median_days_to_close"], strict=True)) == [
        ("凉州区", 50.0, 1, 35.0), ("民勤县", 100.0, 0, 29.0)]
    sources = table_with(at, "source", "close_rate")
    assert list(zip(sources["source"], sources["close_rate"], strict=True)) == [
        ("双随机检查", 50.0), ("日常巡查", 100.0)]


def test_hand_checked_grid_and_county(golden_app_env):
    at = run_page("inspections", scope="620602", month="2025-02")
    assert metrics(at)[COMPLIANCE] == "50.0%"
    grid = next(f.value for f in at.dataframe if "2024Q3" in f.value.columns)
    assert list(grid.loc["凉州区"]) == ["0 轮 · 未完成", "1 轮 · 达标", "1 轮 · 达标"]
    at = run_page("inspections", scope=CITY, month="2025-02")
    grid = next(f.value for f in at.dataframe if "2024Q3" in f.value.columns)
    assert list(grid.loc["民勤县"]) == ["0 轮 · 未完成", "1 轮 · 达标", "0 轮 · 进行中"]


def test_english_switch(golden_app_env):
    at = run_page("inspections", scope=CITY, month="2025-02")
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert {"Closure rate", "Records still to upload"} <= labels
    assert list(table_with(at, "issue_id", "days_overdue")["state"]) == ["Overdue"]
