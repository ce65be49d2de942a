"""The golden fixture: every number asserted here was worked out by hand in golden/EXPECTED.md."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import approx

LZ, MQ, CITY = "620602", "620621", "620600"
FEB, JAN, DEC, NOV = date(2025, 2, 28), date(2025, 1, 31), date(2024, 12, 31), date(2024, 11, 30)
DL2024, DL2025 = date(2024, 12, 31), date(2025, 12, 31)


def one(con, sql, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, f"{sql} {params} -> {rows}"
    return rows[0]


@pytest.mark.parametrize(("scope", "month", "covered", "compounds"), [
    (LZ, date(2024, 9, 30), 3, 8), (LZ, NOV, 4, 8), (LZ, DEC, 5, 8), (LZ, FEB, 6, 8),
    (MQ, date(2024, 9, 30), 1, 4), (MQ, NOV, 2, 4), (MQ, JAN, 3, 4), (MQ, FEB, 3, 4),
    (CITY, date(2024, 10, 31), 4, 12), (CITY, NOV, 6, 12), (CITY, DEC, 7, 12), (CITY, JAN, 8, 12),
    (CITY, FEB, 9, 12),
])
def test_coverage(golden, scope, month, covered, compounds):
    got = one(golden, "select covered, compounds, coverage from mart_coverage_monthly "
                      "where scope_code = ? and month = ?", scope, month)
    assert got == (covered, compounds, approx(covered / compounds))


def test_carried_forward_month_and_household_coverage(golden):
    assert one(golden, "select carried_forward from mart_coverage_monthly where scope_code = ? and month = ?",
               MQ, FEB) == (4,)
    assert one(golden, "select household_coverage, remaining from mart_coverage_monthly "
                       "where scope_code = ? and month = ?", LZ, FEB) == (approx(0.65), 2)
    assert one(golden, "select remaining from mart_coverage_monthly where scope_code = ? and month = ?",
               CITY, FEB) == (3,)


@pytest.mark.parametrize(("scope", "month", "with_committee", "compounds"), [
    (LZ, date(2024, 9, 30), 2, 8), (LZ, NOV, 2, 8), (LZ, JAN, 3, 8), (LZ, FEB, 3, 8),
    (MQ, date(2024, 9, 30), 0, 4), (MQ, NOV, 2, 4), (MQ, JAN, 1, 4), (MQ, FEB, 1, 4),
    (CITY, date(2024, 9, 30), 2, 12), (CITY, NOV, 4, 12), (CITY, FEB, 4, 12),
])
def test_committee_coverage(golden, scope, month, with_committee, compounds):
    got = one(golden, "select with_committee, compounds, committee_coverage from mart_committee_coverage_monthly "
                      "where scope_code = ? and month = ?", scope, month)
    assert got == (with_committee, compounds, approx(with_committee / compounds))


def test_complaint_rates(golden):
    q = ("select rate_per_1000, rolling12_rate, baseline_rate, ratio_to_baseline "
         "from mart_complaint_rate_monthly where scope_code = ? and month = ?")
    assert one(golden, q, LZ, DEC)[0] == approx(1.0)
    assert one(golden, q, LZ, FEB)[1:] == (approx(5.5), approx(6.0), approx(0.916667))
    assert one(golden, q, MQ, FEB)[1:] == (approx(5.0), approx(5.0), approx(1.0))
    assert one(golden, q, CITY, FEB)[1:] == (approx(5.416667), approx(5.833333), approx(0.928571))
    assert one(golden, q, LZ, NOV)[3] == approx(1.0)
    assert one(golden, q, MQ, NOV)[3] == approx(0.5)
    assert one(golden, q, CITY, NOV)[3] == approx(13 / 14)


def test_complaint_matching(golden):
    assert one(golden, "select count(*) from core_complaints where is_complaint and compound_id is null "
                       "and county_code = ?", LZ) == (1,)
    assert one(golden, "select compound_id, match_method, match_confidence from core_complaints "
                       "where compound_name = '东大街南苑小区'") == ("L02", "name_without_town", approx(0.8))


STATUS = ("select expected, actual, status, required_rate, run_rate, projected_month, projected_best, "
          "projected_worst from mart_target_status where scope_code = ? and metric = ? and deadline = ? "
          "and month = ?")


@pytest.mark.parametrize(("scope", "metric", "want"), [
    (LZ, "coverage", (0.569231, 0.75, "达标", 0.005, 0.075, date(2025, 3, 31), date(2025, 3, 31),
                      date(2025, 3, 31))),
    (MQ, "coverage", (0.569231, 0.75, "达标", 0.005, 0.1, date(2025, 3, 31), date(2025, 3, 31),
                      date(2025, 3, 31))),
    (LZ, "committee_coverage", (0.423077, 0.375, "滞后", 0.0625, 0.025, date(2027, 3, 31),
                                date(2026, 5, 31), None)),
    (MQ, "committee_coverage", (0.615385, 0.25, "严重滞后", 0.075, 0.05, date(2026, 5, 31),
                                date(2025, 7, 31), None)),
    (LZ, "complaint_rate_ratio", (0.953846, 0.916667, "达标", -0.011667, -0.013889, date(2025, 11, 30),
                                  date(2025, 7, 31), None)),
])
def test_target_status_at_2025_02(golden, scope, metric, want):
    got = one(golden, STATUS, scope, metric, DL2025, FEB)
    assert got == tuple(approx(w) if isinstance(w, float) else w for w in want)


def test_required_compounds_and_other_deadlines(golden):
    q = ("select status, required_rate, required_compounds_per_month, value_at_deadline, met_at_deadline "
         "from mart_target_status where scope_code = ? and metric = ? and deadline = ? and month = ?")
    # whole compounds: 0.1 a month rounds up to 1
    assert one(golden, q, LZ, "coverage", DL2025, FEB)[2] == 1
    assert one(golden, q, MQ, "coverage", DL2025, FEB)[2] == 1
    # the deadline month itself: not met, all that remains is needed now
    assert one(golden, q, CITY, "coverage", DL2024, DEC)[:3] == ("未完成", approx(0.016667), 1)
    assert one(golden, q, CITY, "coverage", DL2024, NOV)[:3] == ("达标", approx(0.1), 2)
    assert one(golden, q, MQ, "complaint_rate_ratio", DL2024, NOV)[0] == "已完成"


def test_a_passed_deadline_is_judged_at_the_deadline(golden):
    # 民勤 coverage had 0.5 at 2024-12 (target 0.6): missed; 0.75 from 2025-01 is shown as reached later
    q = ("select status, status_en, actual, value_at_deadline, met_at_deadline, reached_month, deadline_passed, "
         "is_active from mart_target_status where scope_code = ? and metric = 'coverage' and deadline = ? "
         "and month = ?")
    assert one(golden, q, MQ, DL2024, FEB) == ("未达标", "missed", approx(0.75), approx(0.5), False,
                                               date(2025, 1, 31), True, False)
    assert one(golden, q, MQ, DL2024, DEC) == ("未完成", "overdue", approx(0.5), approx(0.5), False, None, True, True)
    # 凉州 had 0.625 at 2024-12: met at the deadline, whatever came later
    assert one(golden, q, LZ, DL2024, FEB)[:6] == ("达标", "met", approx(0.75), approx(0.625), True, None)


def test_short_compounds_and_overdue(golden):
    q = ("select short_compounds, months_overdue from mart_target_status where scope_code = ? "
         "and metric = 'coverage' and deadline = ? and month = ?")
    assert one(golden, q, CITY, DL2024, DEC) == (1, 0)  # ceil(0.6 × 12) = 8 − 7
    assert one(golden, q, LZ, DL2025, FEB) == (1, 0)  # ceil(6.4) = 7 − 6


def test_active_deadline(golden):
    active = golden.execute("select deadline from mart_target_status where scope_code = ? and metric = "
                            "'coverage' and month = ? and is_active", [LZ, FEB]).fetchall()
    assert active == [(DL2025,)]


@pytest.mark.parametrize(("firm", "quarter", "score", "level"), [
    ("91620602MA71A0001H", "2024Q3", 100, "A"),
    ("91620602MA71A0001H", "2024Q4", 91, "A"),
    ("91620602MA71A0001H", "2025Q1", 84, "B"),
    ("91620621MA72B0002F", "2024Q4", 99, "A"),
    ("91620621MA72B0002F", "2025Q1", 98, "A"),
])
def test_firm_credit(golden, firm, quarter, score, level):
    assert one(golden, "select score, level from mart_firm_credit_quarterly where firm_credit_code = ? "
                       "and quarter = ?", firm, quarter) == (score, level)


def test_firm_credit_deductions_explain_the_score(golden):
    rows = golden.execute(
        "select rule, ref_id, points from mart_firm_credit_deductions where firm_credit_code = ? "
        "and year = 2024 order by occurred_on, rule", ["91620602MA71A0001H"]).fetchall()
    assert rows == [
        ("credit_event", "E1", 3),
        ("inspection_finding", "I001", -6),
        ("substantiated_complaint", "T0027", -1),
        ("late_closed_complaint", "T0027", -2),
        ("overdue_rectification", "R1", -3),
    ]


def test_inspection_compliance(golden):
    q = "select compliance_to_date from mart_inspection_quarterly where scope_code = ? and quarter = ?"
    assert one(golden, q, CITY, "2025Q1") == (approx(0.25),)
    assert one(golden, q, LZ, "2025Q1") == (approx(0.5),)


def test_rectification(golden):
    q = ("select items_to_date, closed_to_date, close_rate, overdue_items, max_days_overdue, median_days_to_close "
         "from mart_rectification_monthly where scope_code = ? and month = ? and source = '全部'")
    assert one(golden, q, CITY, FEB) == (3, 2, approx(2 / 3), 1, 18, approx(32))
    assert one(golden, q, CITY, DEC)[:4] == (2, 1, approx(0.5), 0)
