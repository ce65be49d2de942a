"""企业评价 shows the marts' numbers, for the city and every county, in more than one quarter; the
chosen firm lives in the URL; F1's score is explained exactly as worked out by hand."""

from __future__ import annotations

import pytest

from tests.apptest import run_page
from tests.shown import SCOPES, metrics, month_end, table_with

MONTHS = ["2024-12", "2025-02"]
QUARTERS = {"2024-12": "2024Q4", "2025-02": "2025Q1"}
F1, F2 = "91620602MA71A0001H", "91620621MA72B0002F"


@pytest.fixture(scope="module", params=[(s, m) for s in SCOPES for m in MONTHS], ids=lambda p: f"{p[0]}-{p[1]}")
def shown(request, golden_app_env_module):
    scope, month = request.param
    at = run_page("firms", scope=scope, month=month)
    assert not at.exception
    return scope, month, at


def ranking(golden, scope, month):
    return golden.execute("""
        select firm_credit_code, score, level, compounds_in_scope from mart_firm_credit_scope_quarterly
        where scope_code = ? and quarter = ? order by rank_in_scope, firm_name""",
                          [scope, QUARTERS[month]]).fetchall()


def test_ranking_equals_the_mart(golden, shown):
    scope, month, at = shown
    expected = ranking(golden, scope, month)
    if not expected:
        assert [i.value for i in at.info] == ["当前范围和季度没有物业企业。"]
        return
    table = table_with(at, "firm_credit_code", "score", "level")
    assert list(zip(table["firm_credit_code"], table["score"], table["level"], table["compounds_in_scope"],
                    strict=True)) == expected


def test_tiles_equal_the_marts(golden, shown):
    scope, month, at = shown
    if not ranking(golden, scope, month):
        return
    levels = dict(golden.execute("select level, firms from mart_firm_credit_levels_quarterly "
                                 "where scope_code = ? and quarter = ?", [scope, QUARTERS[month]]).fetchall())
    issues = golden.execute("""select count(*) filter (where fee_above_cap), count(*) filter (where downgraded)
                               from mart_grade_assessments_monthly
                               where month = ? and (? = '620600' or county_code = ?)""",
                            [month_end(month), scope, scope]).fetchone()
    tiles = metrics(at)
    assert tiles["参评企业"] == str(sum(levels.values()))
    assert (tiles["A级（红榜）"], tiles["D级（黑榜）"]) == (str(levels["A"]), str(levels["D"]))
    assert (tiles["质价不符小区"], tiles["降级小区"]) == tuple(str(n) for n in issues)


def test_grade_lists_equal_the_mart(golden, shown):
    scope, month, at = shown
    if not ranking(golden, scope, month):
        return
    for flag, columns in (("fee_above_cap", ("fee_excess",)), ("downgraded", ("previous_grade",))):
        expected = [r[0] for r in golden.execute(f"""
            select compound_name from mart_grade_assessments_monthly
            where month = ? and {flag} and (? = '620600' or county_code = ?)
            order by fee_excess desc nulls last, county_code, compound_id""",
                                                 [month_end(month), scope, scope]).fetchall()]
        shown_names = [list(d.value["compound_name"]) for d in at.dataframe
                       if all(c in d.value.columns for c in columns) and "period" in d.value.columns]
        assert shown_names == [expected]


def test_default_firm_is_the_top_one_and_goes_into_the_url(golden, shown):
    scope, month, at = shown
    expected = ranking(golden, scope, month)
    if not expected:
        return
    assert at.selectbox(key="firm").value == expected[0][0]
    assert at.query_params["firm"] == expected[0][0]


def test_firm_from_the_url_with_its_score_explained(golden_app_env):
    """EXPECTED.md: F1 in 2024Q4 is 100 + 3 − 12 = 91, A, 红榜, from exactly these five entries."""
    at = run_page("firms", scope="620600", month="2024-12", firm=F1)
    assert not at.exception
    assert at.selectbox(key="firm").value == F1
    assert "**得分解释：年初 100 分 + 加分 3 − 扣分 12 = 91 分 → A级（红榜）**" in [m.value for m in at.markdown]
    tiles = metrics(at)
    assert (tiles["信用分"], tiles["加分"], tiles["扣分"]) == ("91", "3", "12")
    deductions = table_with(at, "ref_id", "points", "source_row")
    assert list(zip(deductions["ref_id"], deductions["points"], deductions["source"], deductions["source_row"],
                    strict=True)) == [("E1", 3, "信用信息记录", 2), ("I001", -6, "双随机检查", 2),
                                      ("T0027", -1, "投诉工单", 28), ("T0027", -2, "投诉工单", 28),
                                      ("R1", -3, "整改事项", 2)]
    assert list(table_with(at, "ticket_id", "credit_points")["ticket_id"]) == ["T0028", "T0027"]
    assert list(table_with(at, "inspection_id", "findings")["inspection_id"]) == ["I001"]
    assert table_with(at, "issue_id", "days_overdue").empty
    assert sorted(table_with(at, "profile", "service_grade")["compound_name"]) == sorted(
        ["天马花园", "南苑小区", "富民新村", "银武苑", "西关家园"])


def test_f1_in_2025(golden_app_env):
    at = run_page("firms", scope="620602", month="2025-02", firm=F1)
    assert "**得分解释：年初 100 分 + 加分 0 − 扣分 16 = 84 分 → B级**" in [m.value for m in at.markdown]
    assert list(table_with(at, "ref_id", "points")["points"]) == [-3, -10, -3]
    open_items = table_with(at, "issue_id", "days_overdue")
    assert list(zip(open_items["issue_id"], open_items["days_overdue"], strict=True)) == [("R2", 18)]


def test_a_firm_outside_the_scope_falls_back_to_the_scopes_top_firm(golden_app_env):
    at = run_page("firms", scope="620621", month="2025-02", firm=F1)
    assert at.selectbox(key="firm").value == F2


def test_english_switch(golden_app_env):
    at = run_page("firms", scope="620600", month="2024-12", firm=F1)
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert {"Firms rated", "Level A (red list)", "Score"} <= set(metrics(at))
    assert any(m.value.startswith("**Score explained: 100 at the start") for m in at.markdown)
    assert "Complaint" in set(table_with(at, "ref_id", "source")["source"])


def test_points_explained_in_english(golden_app_env):
    """EXPECTED.md's five entries of F1 in 2024Q4, in English: the sentence written for the English view, the
    category, inspection items and event kind it names translated (as the golden ledgers have them)."""
    at = run_page("firms", scope="620600", month="2024-12", firm=F1, lang="en")
    deductions = table_with(at, "ref_id", "points", "source_row")
    assert list(zip(deductions["ref_id"], deductions["detail"], strict=True)) == [
        ("E1", "Commendation (凉州区住建局)"),
        ("I001", "2 problems found: Fire lanes, Lift maintenance"),
        ("T0027", "Substantiated complaint: Heating"),
        ("T0027", "Closed late: due 2024-12-10 18:00, closed 2024-12-12 09:00"),
        ("R1", "Overdue: deadline 2024-12-15, closed 2024-12-20"),
    ]
    assert list(deductions["rule"]) == ["Credit event", "Inspection finding", "Substantiated complaint",
                                        "Complaint closed after its deadline", "Overdue rectification item"]
