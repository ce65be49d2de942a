"""小区档案: the profile named in the URL shows its marts' rows; L04's management history, L03's inspection and
overdue item, L07's complaints as worked out by hand; an unknown or missing id gives a message, not an error."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.apptest import run_page
from tests.shown import CITY, SCOPES, count, metrics, month_end, table_with

MONTHS = ["2025-02", "2024-10"]


def day(value) -> date:
    """A month cell as a date: tables reach the browser as Arrow, where a date column stays a date."""
    return value.date() if isinstance(value, datetime) else value


def first_compound(golden, scope: str, month: str) -> str | None:
    row = golden.execute("select compound_id from mart_compound_profile_monthly where month = ? "
                         "and (? = ? or county_code = ?) order by county_code, town, compound_id limit 1",
                         [month_end(month), scope, CITY, scope]).fetchone()
    return row and row[0]


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("scope", SCOPES)
def test_profile_equals_the_marts(golden, golden_app_env, scope, month):
    compound = first_compound(golden, scope, month)
    if compound is None:  # a county with no compounds: the picker is empty and says so
        at = run_page("compound", scope=scope, month=month)
        assert not at.exception and at.info
        return
    at = run_page("compound", scope=scope, month=month, compound=compound)
    assert not at.exception
    p = golden.execute("select complaints_12m, open_rectifications, inspections_to_date from "
                       "mart_compound_profile_monthly where compound_id = ? and month = ?",
                       [compound, month_end(month)]).fetchone()
    shown = metrics(at)
    tabs = [tab.label for tab in at.tabs]
    assert (shown["近12个月投诉"], shown["在办整改事项"]) == (count(p[0]), count(p[1]))
    assert f"检查记录（{count(p[2])}）" in tabs and f"在办整改（{count(p[1])}）" in tabs
    history = table_with(at, "management_mode", "management_changed")
    want = golden.execute("select month, management_mode, complaints from mart_compound_profile_monthly "
                          "where compound_id = ? and month <= ? order by month desc",
                          [compound, month_end(month)]).fetchall()
    assert [(day(m), c) for m, c in zip(history["month"], history["complaints"], strict=True)] == [
        (m, c) for m, _, c in want]


def test_l04_management_history(golden_app_env):
    """EXPECTED.md: 业主自管 until 2024-10, 专业物业 from 2024-11 with F1, 二级, 1.00; committee 筹备中."""
    at = run_page("compound", scope=CITY, month="2025-02", compound="L04")
    shown = metrics(at)
    assert (shown["管理方式"], shown["服务等级"], shown["业委会（物管会）"], shown["近12个月投诉"]) == (
        "专业物业", "二级", "筹备中", "0")
    assert any(c.value == "武威市天马物业服务有限公司" for c in at.caption)
    history = table_with(at, "management_mode", "management_changed")
    assert [(day(m), mode, firm if isinstance(firm, str) else None, grade, fee, changed)
            for m, mode, firm, grade, fee, changed in zip(
        history["month"], history["management_mode"], history["firm_name"], history["service_grade"],
        history["fee_per_m2_month"], history["management_changed"], strict=True)] == [
        (date(2025, 2, 28), "专业物业", "武威市天马物业服务有限公司", "二级", 1.0, False),
        (date(2025, 1, 31), "专业物业", "武威市天马物业服务有限公司", "二级", 1.0, False),
        (date(2024, 12, 31), "专业物业", "武威市天马物业服务有限公司", "二级", 1.0, False),
        (date(2024, 11, 30), "专业物业", "武威市天马物业服务有限公司", "二级", 1.0, True),
        (date(2024, 10, 31), "业主自管", None, "未评定", 0.2, False),
        (date(2024, 9, 30), "业主自管", None, "未评定", 0.2, False),
    ]


def test_l03_inspection_and_overdue_item(golden_app_env):
    at = run_page("compound", scope="620602", month="2025-02", compound="L03")
    shown = metrics(at)
    assert (shown["业委会（物管会）"], shown["在办整改事项"]) == ("已成立", "1")
    assert [tab.label for tab in at.tabs][1:3] == ["检查记录（1）", "在办整改（1）"]
    inspections = table_with(at, "inspection_id", "penalty_cny")
    assert list(zip(inspections["inspection_id"], inspections["result"], inspections["penalty_cny"], strict=True)) == [
        ("I003", "立案处罚", 5000.0)]
    items = table_with(at, "issue_id", "days_overdue")
    assert list(zip(items["issue_id"], items["days_overdue"], strict=True)) == [("R2", 18)]


def test_l07_complaints(golden_app_env):
    at = run_page("compound", scope=CITY, month="2025-02", compound="L07")
    assert metrics(at)["近12个月投诉"] == "8"
    assert "每百户 2.67 件" in [c.value for c in at.caption]
    orders = table_with(at, "ticket_id", "received_at")
    assert len(orders) == 22  # every complaint at L07 up to 2025-02: T0001–T0012, T0015–T0019, T0021–T0025
    assert list(table_with(at, "case_id", "dispute_type")["case_id"]) == ["C003", "C001"]


@pytest.mark.parametrize(("params", "message"), [
    ({"compound": "NOPE"}, "没有编码为“NOPE”的小区"),
    ({}, "请选择一个小区"),
])
def test_unknown_or_missing_id_gives_a_message(golden_app_env, params, message):
    at = run_page("compound", scope=CITY, month="2025-02", **params)
    assert not at.exception
    assert any(message in m.value for m in [*at.warning, *at.info])
    assert not at.metric


def test_picking_a_compound_puts_it_in_the_url(golden_app_env):
    at = run_page("compound", scope="620621", month="2025-02")
    next(s for s in at.selectbox if s.label == "小区").set_value("M03").run()
    assert at.query_params["compound"] == "M03"
    assert metrics(at)["业委会（物管会）"] == "到期未换届"
