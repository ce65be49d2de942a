"""The plan's duties in the golden fixture: every number here was worked out by hand in golden/EXPECTED.md
("Plan duties")."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import approx

LZ, MQ, CITY = "620602", "620621", "620600"
FEB, JAN = date(2025, 2, 28), date(2025, 1, 31)
COLUMNS = ("compounds", "professional", "disclosure_posted", "disclosure_unknown", "disclosure_rate",
           "contracts_filed", "contract_filed_unknown", "contract_filing_rate", "contracts_ending_soon",
           "contracts_ended", "contract_end_unknown", "project_manager_on_file", "project_manager_share",
           "takeover_inspected", "takeover_unknown", "takeover_rate", "takeover_open_items", "graded",
           "graded_share", "red_property", "beautiful_home")


def duties(con, scope, month) -> dict:
    row = con.execute(f"select {', '.join(COLUMNS)} from mart_plan_duties_monthly where scope_code = ? and month = ?",
                      [scope, month]).fetchall()
    assert len(row) == 1
    return dict(zip(COLUMNS, row[0], strict=True))


@pytest.mark.parametrize(("scope", "want"), [
    (LZ, dict(compounds=8, professional=6, disclosure_posted=3, disclosure_unknown=1, disclosure_rate=0.5,
              contracts_filed=4, contract_filed_unknown=1, contract_filing_rate=4 / 6, contracts_ending_soon=1,
              contracts_ended=1, contract_end_unknown=1, project_manager_on_file=5, project_manager_share=5 / 6,
              takeover_inspected=4, takeover_unknown=1, takeover_rate=0.5, takeover_open_items=0, graded=6,
              graded_share=0.75, red_property=2, beautiful_home=1)),
    (MQ, dict(compounds=4, professional=3, disclosure_posted=1, disclosure_unknown=0, disclosure_rate=1 / 3,
              contracts_filed=2, contract_filed_unknown=0, contract_filing_rate=2 / 3, contracts_ending_soon=1,
              contracts_ended=1, contract_end_unknown=0, project_manager_on_file=2, project_manager_share=2 / 3,
              takeover_inspected=3, takeover_unknown=0, takeover_rate=0.75, takeover_open_items=0, graded=3,
              graded_share=0.75, red_property=1, beautiful_home=1)),
    (CITY, dict(compounds=12, professional=9, disclosure_posted=4, disclosure_unknown=1, disclosure_rate=4 / 9,
                contracts_filed=6, contract_filed_unknown=1, contract_filing_rate=6 / 9, contracts_ending_soon=2,
                contracts_ended=2, contract_end_unknown=1, project_manager_on_file=7, project_manager_share=7 / 9,
                takeover_inspected=7, takeover_unknown=1, takeover_rate=7 / 12, takeover_open_items=0, graded=9,
                graded_share=0.75, red_property=3, beautiful_home=2)),
])
def test_plan_duties_at_2025_02(golden, scope, want):
    got = duties(golden, scope, FEB)
    assert got == {k: approx(x) if isinstance(x, float) else x for k, x in want.items()}


def test_unknown_cells_stay_in_the_denominator(golden):
    """2025-01: 凉州's ledger has none of the plan's columns; the city's rate keeps its compounds, unknown."""
    assert duties(golden, LZ, JAN)["disclosure_rate"] is None
    city = duties(golden, CITY, JAN)
    assert (city["professional"], city["disclosure_posted"], city["disclosure_unknown"]) == (8, 1, 5)
    assert city["disclosure_rate"] == approx(0.125)


@pytest.mark.parametrize(("scope", "metric", "baseline_month", "baseline", "expected", "actual", "status"), [
    (LZ, "disclosure_rate", date(2025, 2, 28), 0.5, 0.5, 0.5, "达标"),
    (MQ, "disclosure_rate", JAN, 1 / 3, 1 / 3 + (2 / 3) / 23, 1 / 3, "滞后"),
    (CITY, "disclosure_rate", JAN, 0.125, 0.125 + 0.875 / 23, 4 / 9, "达标"),
    (MQ, "contract_filing_rate", JAN, 2 / 3, 2 / 3 + (1 / 3) / 23, 2 / 3, "滞后"),
    (MQ, "takeover_rate", JAN, 0.75, 0.75 + 0.25 / 23, 0.75, "滞后"),
    (LZ, "project_manager_share", date(2024, 11, 30), 0.0, 3 / 25, 5 / 6, "达标"),
])
def test_default_targets_follow_the_status_rules(golden, scope, metric, baseline_month, baseline, expected, actual,
                                                 status):
    got = golden.execute("""
        select baseline_month, baseline_value, expected, actual, status, target_value, source, is_active
        from mart_target_status where scope_code = ? and metric = ? and month = ? and deadline = '2026-12-31'
    """, [scope, metric, FEB]).fetchall()
    assert got == [(baseline_month, approx(baseline), approx(expected), approx(actual), status, 1.0,
                    "默认值：方案要求即知即改、长期坚持，未给出数值", True)]


def test_required_rate_of_a_default_target(golden):
    got = golden.execute("""select months_left, required_rate from mart_target_status
        where scope_code = ? and metric = 'disclosure_rate' and month = ? and deadline = '2026-12-31'""",
                         [LZ, FEB]).fetchall()
    assert got == [(22, approx(0.5 / 22))]


def test_plan_duties_raise_no_alerts(golden):
    kinds = golden.execute("select message_zh from mart_alerts where kind = 'target'").fetchall()
    assert not [m for (m,) in kinds if "公示" in m or "备案" in m or "查验" in m or "项目经理" in m]


def test_scorecard_follows_the_plan_file(golden):
    """Every duty of plan_duties.csv, in its order, for every scope; unmeasured duties carry their reason."""
    import csv

    from contract.location import REFERENCE

    with open(REFERENCE / "plan_duties.csv", encoding="utf-8") as fh:
        plan = list(csv.DictReader(fh))
    got = golden.execute("""select duty_order, duty_zh, metric, measured, reason_zh from mart_plan_scorecard
        where month = ? and scope_code = ? order by duty_order""", [FEB, CITY]).fetchall()
    assert [(d, m) for _, d, m, _, _ in got] == [(p["duty_zh"], p["metric"] or None) for p in plan]
    assert [o for o, *_ in got] == list(range(1, len(plan) + 1))
    for _, duty, metric, measured, reason in got:
        assert measured == (metric is not None)
        assert (reason is not None) == (not measured), duty
    scopes = golden.execute("select count(distinct scope_code) from mart_plan_scorecard").fetchone()[0]
    assert scopes == 5


def test_scorecard_values_and_worst_county(golden):
    got = golden.execute("""select scope_code, value, status, county_rank_worst from mart_plan_scorecard
        where month = ? and metric = 'disclosure_rate' order by scope_code""", [FEB]).fetchall()
    assert got == [(CITY, approx(4 / 9), "达标", None), (LZ, approx(0.5), "达标", 2), (MQ, approx(1 / 3), "滞后", 1),
                   ("620622", None, None, None), ("620623", None, None, None)]


@pytest.mark.parametrize("table", ["mart_plan_duties_monthly", "mart_plan_scorecard",
                                   "mart_compound_plan_duties_monthly"])
def test_every_column_is_described(golden, table):
    undescribed = golden.execute("""select column_name from duckdb_columns()
        where table_name = ? and (comment is null or strpos(comment, '|') = 0)""", [table]).fetchall()
    assert undescribed == []
    assert golden.execute("select comment from duckdb_tables() where table_name = ?", [table]).fetchone()[0]


def test_every_metric_of_the_plan_file_is_a_measure_of_the_mart(golden):
    """A metric name in plan_duties.csv that mart_plan_scorecard does not know would show as empty cells."""
    sql = "select distinct metric from mart_plan_scorecard where measured and kind is null"
    assert golden.execute(sql).fetchall() == []
