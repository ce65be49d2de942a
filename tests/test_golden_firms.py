"""The golden fixture's firms, grades and open items, worked out by hand in golden/EXPECTED.md
("Firm credit as the firm page shows it", "Service grades and assessments")."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import approx

LZ, MQ, CITY = "620602", "620621", "620600"
F1, F2 = "91620602MA71A0001H", "91620621MA72B0002F"
FEB, JAN, DEC, NOV = date(2025, 2, 28), date(2025, 1, 31), date(2024, 12, 31), date(2024, 11, 30)


@pytest.mark.parametrize(("quarter", "want"), [("2024Q4", [(F2, 99, 1), (F1, 91, 2)]),
                                               ("2025Q1", [(F2, 98, 1), (F1, 84, 2)])])
def test_rank_in_city(golden, quarter, want):
    rows = golden.execute("select firm_credit_code, score, rank_in_city from mart_firm_credit_quarterly "
                          "where quarter = ? order by rank_in_city", [quarter]).fetchall()
    assert rows == want


@pytest.mark.parametrize(("scope", "firms"), [(CITY, [F2, F1]), (LZ, [F1]), (MQ, [F2]), ("620622", [])])
def test_firms_by_scope(golden, scope, firms):
    rows = golden.execute("select firm_credit_code from mart_firm_credit_scope_quarterly "
                          "where scope_code = ? and quarter = '2025Q1' order by rank_in_scope", [scope]).fetchall()
    assert [r[0] for r in rows] == firms


def test_levels_in_the_city(golden):
    rows = golden.execute("select level, firms from mart_firm_credit_levels_quarterly "
                          "where scope_code = ? and quarter = '2025Q1' order by level", [CITY]).fetchall()
    assert rows == [("A", 1), ("B", 1), ("C", 0), ("D", 0)]


def test_f1_score_explained(golden):
    assert golden.execute("select start_points, points_gained, points_lost, score, level, list_zh "
                          "from mart_firm_credit_quarterly where firm_credit_code = ? and quarter = '2024Q4'",
                          [F1]).fetchone() == (100, 3, 12, 91, "A", "红榜")
    rows = golden.execute("select ref_id, points, source_row from mart_firm_credit_deductions "
                          "where firm_credit_code = ? and year = 2024 order by occurred_on, rule", [F1]).fetchall()
    assert rows == [("E1", 3, 2), ("I001", -6, 2), ("T0027", -1, 28), ("T0027", -2, 28), ("R1", -3, 2)]


def test_records_carry_their_credit_points(golden):
    complaints = golden.execute("select ticket_id, credit_points from mart_complaint_records "
                                "where firm_credit_code = ? and month <= ? order by ticket_id", [F1, DEC]).fetchall()
    assert complaints == [("T0027", -3), ("T0028", 0)]
    open_items = golden.execute("select month, issue_id, days_overdue from mart_open_rectifications_monthly "
                                "where firm_credit_code = ? order by month", [F1]).fetchall()
    assert open_items == [(NOV, "R1", None), (date(2025, 1, 31), "R2", None), (FEB, "R2", 18)]


@pytest.mark.parametrize(("scope", "want"), [
    (CITY, [("一级", 0, 0.0), ("二级", 6, 0.5), ("三级", 3, 0.25), ("未评定", 3, 0.25)]),
    (LZ, [("一级", 0, 0.0), ("二级", 6, 0.75), ("三级", 0, 0.0), ("未评定", 2, 0.25)]),
    (MQ, [("一级", 0, 0.0), ("二级", 0, 0.0), ("三级", 3, 0.75), ("未评定", 1, 0.25)]),
])
def test_service_grades(golden, scope, want):
    rows = golden.execute("select service_grade, compounds, share from mart_service_grades_monthly "
                          "where scope_code = ? and month = ? order by grade_order", [scope, FEB]).fetchall()
    assert rows == [(g, n, approx(s)) for g, n, s in want]


@pytest.mark.parametrize(("month", "above_cap", "downgraded"), [
    (NOV, [], []), (DEC, [("L02", approx(0.3))], ["L02", "L03"]), (JAN, [("L02", approx(0.3))], ["L02", "L03"]),
    # L02 lowered its fee to its cap; L05 has no assessment and is above its ledger grade's cap (DOMAIN §8)
    (FEB, [("L05", approx(0.1))], ["L02", "L03"]),
])
def test_fee_above_cap_and_downgrades(golden, month, above_cap, downgraded):
    q = "select compound_id, fee_excess from mart_grade_assessments_monthly where month = ? and {} order by 1"
    assert golden.execute(q.format("fee_above_cap"), [month]).fetchall() == above_cap
    assert [r[0] for r in golden.execute(q.format("downgraded"), [month]).fetchall()] == downgraded
