"""The golden fixture's complaints: resolution levels and hotspots, worked out by hand in
golden/EXPECTED.md ("Complaint resolution levels", "Complaint hotspots"), in the marts and on the page."""

from __future__ import annotations

from datetime import date

import pytest

from tests.apptest import run_page
from tests.conftest import approx
from tests.shown import metrics

LZ, MQ, CITY = "620602", "620621", "620600"
FEB, DEC, NOV, DEC23 = date(2025, 2, 28), date(2024, 12, 31), date(2024, 11, 30), date(2023, 12, 31)
LEVELS = ("小区", "社区", "街道", "街道以上")


def ladder(con, scope, month, period):
    rows = con.execute("""select level, closed, share, cumulative_share from mart_complaint_resolution_levels
                          where scope_code = ? and month = ? and period = ? and level_order <= 4
                          order by level_order""", [scope, month, period]).fetchall()
    assert [r[0] for r in rows] == list(LEVELS)
    return [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]


@pytest.mark.parametrize(("scope", "month", "period", "closed", "shares", "cumulative"), [
    (LZ, DEC, "month", [0, 1, 1, 0], [0, 0.5, 0.5, 0], [0, 0.5, 1.0, 1.0]),
    (CITY, NOV, "month", [1, 1, 0, 0], [0.5, 0.5, 0, 0], [0.5, 1.0, 1.0, 1.0]),
    (LZ, FEB, "12m", [0, 10, 1, 0], [0, 0.909091, 0.090909, 0], [0, 0.909091, 1.0, 1.0]),
    (MQ, FEB, "12m", [1, 0, 0, 0], [1.0, 0, 0, 0], [1.0, 1.0, 1.0, 1.0]),
    (CITY, FEB, "12m", [1, 10, 1, 0], [0.083333, 0.833333, 0.083333, 0], [0.083333, 0.916667, 1.0, 1.0]),
    (LZ, DEC, "12m", [0, 12, 1, 0], [0, 0.923077, 0.076923, 0], [0, 0.923077, 1.0, 1.0]),
    (CITY, DEC, "12m", [1, 12, 1, 0], [0.071429, 0.857143, 0.071429, 0], [0.071429, 0.928571, 1.0, 1.0]),
    (CITY, DEC23, "12m", [2, 12, 0, 0], [0.142857, 0.857143, 0, 0], [0.142857, 1.0, 1.0, 1.0]),
])
def test_resolution_levels(golden, scope, month, period, closed, shares, cumulative):
    got_closed, got_shares, got_cumulative = ladder(golden, scope, month, period)
    assert got_closed == closed
    assert got_shares == [approx(s) for s in shares]
    assert got_cumulative == [approx(c) for c in cumulative]


def test_nothing_closed_gives_no_shares(golden):
    closed, shares, cumulative = ladder(golden, MQ, FEB, "month")
    assert closed == [0, 0, 0, 0]
    assert shares == cumulative == [None] * 4


@pytest.mark.parametrize(("scope", "month", "tiles"), [
    (LZ, "2025-02", {"小事不出小区": ("0.0%", "当月 —"), "难事不出社区": ("90.9%", "当月 —"),
                     "大事不出街道": ("100.0%", "当月 —")}),
    (CITY, "2024-12", {"小事不出小区": ("7.1%", "当月 0.0%"), "难事不出社区": ("92.9%", "当月 50.0%"),
                       "大事不出街道": ("100.0%", "当月 100.0%")}),
])
def test_page_shows_the_hand_checked_ladder(golden_app_env, scope, month, tiles):
    at = run_page("complaints", scope=scope, month=month)
    shown = metrics(at)
    notes = " ".join(c.value for c in at.caption)
    for step, (twelve_months, this_month) in tiles.items():
        assert shown[step] == twelve_months
        assert this_month in notes


HOTSPOTS = ("select compound_id, complaints_12m, per_100_households_12m, {w}_rank, {w}_top_share, {w}_compound_share "
            "from mart_compound_complaints_monthly where month = ? and (? or county_code = ?) "
            "order by {w}_compound_share limit ?")


def test_city_hotspots(golden):
    rows = golden.execute(HOTSPOTS.format(w="city"), [FEB, True, CITY, 5]).fetchall()
    assert rows == [
        ("L07", 8, approx(2.666667), 1, approx(8 / 13), approx(1 / 12)),
        ("L01", 1, approx(1.0), 2, approx(9 / 13), approx(2 / 12)),
        ("M02", 1, approx(1.0), 2, approx(10 / 13), approx(3 / 12)),
        ("M03", 1, approx(1.0), 2, approx(11 / 13), approx(4 / 12)),
        ("L02", 1, approx(0.5), 5, approx(12 / 13), approx(5 / 12)),
    ]
    tenth = golden.execute(HOTSPOTS.format(w="city"), [FEB, True, CITY, 10]).fetchall()[-1]
    assert tenth[4:] == (approx(0.923077), approx(0.833333))


@pytest.mark.parametrize(("county", "want"), [
    (LZ, [("L07", approx(8 / 11), approx(1 / 8)), ("L01", approx(9 / 11), approx(2 / 8)),
          ("L02", approx(10 / 11), approx(3 / 8))]),
    (MQ, [("M02", approx(0.5), approx(1 / 4)), ("M03", approx(1.0), approx(2 / 4))]),
])
def test_county_hotspots(golden, county, want):
    rows = golden.execute(HOTSPOTS.format(w="county"), [FEB, False, county, len(want)]).fetchall()
    assert [(r[0], r[4], r[5]) for r in rows] == want


def test_page_states_the_hand_checked_concentration(golden_app_env):
    at = run_page("complaints", scope=CITY, month="2025-02")
    sentence = "前 **10** 个小区（占小区总数的 83.3%）产生了近12个月全部投诉的 **92.3%**"
    assert any(sentence in m.value for m in at.markdown)
