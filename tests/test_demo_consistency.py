"""The cockpit at demo scale, recomputed from the staging tables with plain Polars (not the marts' SQL):
the five tiles for the city and every county, and the county ranking, in three months. The same idea as the
golden fixture, on the whole demo city (DOMAIN §5 and §8 are the definitions used here)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.apptest import listed, run_page
from tests.conftest import DEMO_CITY_THROUGH, pointed_at

THROUGH = DEMO_CITY_THROUGH
# a mid-plan month, a month whose 古浪 compounds file is rejected (carried forward), and the last month
MONTHS = [date(2025, 6, 30), date(2025, 11, 30), date(2026, 11, 30)]
CITY = "620600"


@pytest.fixture(scope="module")
def demo(demo_city):
    """The demo city (built once for the modules that read it); the app points at it."""
    yield from pointed_at(demo_city)


def staging(con, table: str) -> pl.DataFrame:
    return con.sql(f"select * from {table}").pl()


def month_ends(first: date, last: date) -> list[date]:
    months = pl.date_range(first, last, "1mo", eager=True).dt.month_end()
    return months.to_list()


def carried(snapshots: pl.DataFrame, months: list[date]) -> pl.DataFrame:
    """Each county's latest snapshot (as_of) at or before each month: a missing month carries the last one."""
    picks = []
    for county, as_ofs in snapshots.group_by("county_code"):
        dates = sorted(as_ofs["as_of"].unique().to_list())
        for m in months:
            earlier = [d for d in dates if d <= m]
            if earlier:
                picks.append({"county_code": county[0], "month": m, "as_of": earlier[-1]})
    return pl.DataFrame(picks)


def with_city(frame: pl.DataFrame, by: list[str], aggs: list[pl.Expr]) -> pl.DataFrame:
    counties = frame.group_by(["county_code", *by]).agg(aggs).rename({"county_code": "scope_code"})
    city = frame.group_by(by).agg(aggs).with_columns(scope_code=pl.lit(CITY))
    return pl.concat([counties, city.select(counties.columns)])


@pytest.fixture(scope="module")
def expected(demo) -> dict[tuple[str, date], dict]:
    """scope, month -> the five tiles and the ranking's columns, from stg_* with Polars."""
    compounds = staging(demo, "stg_compounds")
    committees = staging(demo, "stg_committees")
    complaints = staging(demo, "stg_complaints")
    items = staging(demo, "stg_rectifications")
    first = min(compounds["as_of"].min(), complaints["month"].min())
    months = month_ends(first.replace(day=1), MONTHS[-1])

    # compounds in each month's snapshot (carried forward), and their committees in that month's ledger
    cm = carried(compounds, months).join(compounds, on=["county_code", "as_of"])
    picks = carried(committees, months).rename({"as_of": "committee_as_of"})
    established = committees.filter(pl.col("status") == "已成立").select(
        "compound_id", pl.col("as_of").alias("committee_as_of"), pl.lit(True).alias("established"))
    cm = (cm.join(picks, on=["county_code", "month"], how="left")
          .join(established, on=["compound_id", "committee_as_of"], how="left"))
    counts = with_city(cm, ["month"], [
        pl.len().alias("compounds"), pl.col("is_professional").sum().alias("covered"),
        pl.col("established").fill_null(False).sum().alias("with_committee"),
        pl.col("households").sum().alias("households")])

    # rolling-12 complaint rate (§8): complaints in the 12 months ending the month ÷ average households
    # × 1000; a month before the first snapshot takes the first snapshot's households
    county_of = compounds.sort("as_of").group_by("compound_id").agg(pl.col("county_code").last().alias("cc"))
    c = (complaints.filter(pl.col("appeal_type").is_in(["投诉", "举报"]))
         .join(county_of, on="compound_id", how="left")
         .with_columns(county_code=pl.coalesce("cc", "county_code")))
    per_month = with_city(c, ["month"], [pl.len().alias("complaints")])
    grid = (pl.DataFrame({"scope_code": counts["scope_code"].unique()})
            .join(pl.DataFrame({"month": months}), how="cross"))
    first_households = counts.sort("month").group_by("scope_code").agg(pl.col("households").first().alias("h0"))
    rates = (grid.join(counts.select("scope_code", "month", "households"), on=["scope_code", "month"], how="left")
             .join(first_households, on="scope_code")
             .with_columns(pl.col("households").fill_null(pl.col("h0")))
             .join(per_month, on=["scope_code", "month"], how="left")
             .with_columns(pl.col("complaints").fill_null(0))
             .sort("scope_code", "month")
             .with_columns(
                 rolling12=pl.col("complaints").rolling_sum(12).over("scope_code") * 1000.0
                 / pl.col("households").rolling_mean(12).over("scope_code")))

    # rectification items open and past their deadline at the month end (county from the compound)
    county_now = compounds.sort("as_of").group_by("compound_id").agg(pl.col("county_code").last())
    out = {}
    for m in MONTHS:
        at_month = items.join(county_now, on="compound_id", how="left").filter(pl.col("found_on") <= m)
        closed = (pl.col("status") == "已销号") & (pl.col("closed_on").is_null() | (pl.col("closed_on") <= m))
        overdue = with_city(at_month.filter((pl.col("deadline") < m) & ~closed), [], [pl.len().alias("overdue")])
        overdue = dict(zip(overdue["scope_code"], overdue["overdue"], strict=True))
        for row in counts.filter(pl.col("month") == m).to_dicts():
            scope = row["scope_code"]
            rate = rates.filter((pl.col("scope_code") == scope) & (pl.col("month") == m))["rolling12"].item()
            out[scope, m] = {"coverage": row["covered"] / row["compounds"],
                             "committee_coverage": row["with_committee"] / row["compounds"],
                             "remaining": row["compounds"] - row["covered"], "rolling12_rate": rate,
                             "overdue": overdue.get(scope, 0)}
    return out


SCOPES = [CITY, "620602", "620621", "620622", "620623"]


@pytest.mark.parametrize("month", MONTHS, ids=[m.strftime("%Y-%m") for m in MONTHS])
@pytest.mark.parametrize("scope", SCOPES)
def test_cockpit_tiles_equal_a_polars_recomputation(demo, expected, scope, month):
    at = run_page("overview", scope=scope, month=month.strftime("%Y-%m"))
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    want = expected[scope, month]
    assert tiles["专业物业覆盖率"] == f"{want['coverage'] * 100:.1f}%"
    assert tiles["业委会（物管会）覆盖率"] == f"{want['committee_coverage'] * 100:.1f}%"
    assert tiles["年投诉率（每千户）"] == f"{want['rolling12_rate']:,.1f}"
    assert tiles["尚无专业物业的小区"] == f"{want['remaining']:,d}"
    assert tiles["逾期整改事项"] == f"{want['overdue']:,d}"


@pytest.mark.parametrize("month", MONTHS, ids=[m.strftime("%Y-%m") for m in MONTHS])
def test_county_ranking_equals_a_polars_recomputation(demo, expected, month):
    at = run_page("overview", scope=CITY, month=month.strftime("%Y-%m"))
    table = at.dataframe[0].value
    rows = sorted(((code, expected[code, month]) for code in SCOPES[1:]),
                  key=lambda r: (-r[1]["coverage"], r[0]))
    names = dict(demo.execute("select scope_code, name_zh from core_scopes").fetchall())
    coverages = [r["coverage"] for _, r in rows]
    ranks = [1 + sum(c > x for c in coverages) for x in coverages]  # ties share a rank
    assert list(table["rank"]) == ranks
    assert list(table["county"]) == [names[code] for code, _ in rows]
    assert list(table["coverage"]) == pytest.approx([round(r["coverage"] * 100, 1) for _, r in rows])
    assert list(table["remaining"]) == [r["remaining"] for _, r in rows]
    assert list(table["committee_coverage"]) == pytest.approx(
        [round(r["committee_coverage"] * 100, 1) for _, r in rows])
    assert list(table["rolling12_rate"]) == pytest.approx([round(r["rolling12_rate"], 1) for _, r in rows])
    assert list(table["overdue_items"]) == [r["overdue"] for _, r in rows]


def test_fee_above_cap_at_the_last_month(demo):
    """质价不符 by §8, recomputed: that month's ledger fee above the cap of the grade in force (the latest
    assessment up to the month, else the ledger's own grade). The old definition counted 12 here."""
    m = MONTHS[-1]
    compounds = staging(demo, "stg_compounds")
    snap = carried(compounds, [m]).join(compounds, on=["county_code", "as_of"])
    latest = (staging(demo, "stg_grade_assessments").filter(pl.col("period_end") <= m).sort("period_end")
              .group_by("compound_id").agg(pl.col("grade").last().alias("assessed")))
    caps = staging(demo, "ref_grade_rules").select("grade", pl.col("fee_cap_per_m2_month").alias("cap"))
    cases = (snap.join(latest, on="compound_id", how="left")
             .with_columns(grade_in_force=pl.coalesce("assessed", "service_grade"))
             .join(caps, left_on="grade_in_force", right_on="grade", how="left")
             .filter(pl.col("fee_per_m2_month") > pl.col("cap")))
    shown = demo.execute("select compound_id from mart_grade_assessments_monthly where month = ? and fee_above_cap",
                         [m]).fetchall()
    assert sorted(r[0] for r in shown) == sorted(cases["compound_id"].to_list())
    assert cases.height == 7
    at = run_page("firms", scope=CITY, month=THROUGH)
    assert {x.label: x.value for x in at.metric}["质价不符小区"] == "7"


def test_every_serious_alert_is_shown_worst_first(demo):
    """All high-severity alerts of the month are on the page (none cut off behind a line that cannot be
    opened), target alerts ordered by their gap; county names spelt as the region pack spells them."""
    month = MONTHS[-1]
    at = run_page("overview", scope=CITY, month=THROUGH)
    assert len(at.error) == 1  # one box, one alert a line
    shown = listed(at.error)
    high = demo.execute("""select message_zh, shortfall from mart_alerts where month = ? and severity = 'high'
                           order by sort_order""", [month]).fetchall()
    assert shown == [m for m, _ in high]
    gaps = [g for _, g in high if g is not None]
    assert gaps == sorted(gaps, reverse=True)
    tianzhu = [m for m, _ in high if m.startswith("天祝")]
    assert tianzhu and all(m.startswith("天祝藏族自治县") for m in tianzhu)
    table = at.dataframe[0].value
    assert "天祝藏族自治县" in list(table["county"])
    others = demo.execute("select count(*) from mart_alerts where month = ? and severity <> 'high'",
                          [month]).fetchall()[0][0]
    assert len(listed(at.warning)) == others
    assert not [c for c in at.caption if "未显示" in c.value]


def test_seasons_and_quarters_in_progress(demo):
    """The heating-season example is the last complete season (2025—2026 at 2026-11, not the one that began
    this month); the inspections upload chart labels 2026Q4 as in progress."""
    from dashboard.sql_examples import EXAMPLES

    seasons = {r[0] for r in demo.execute(EXAMPLES["explore.example.heating"]).fetchall()}
    assert seasons == {"2025—2026 供暖季"}
    import json

    at = run_page("inspections", scope=CITY, month=THROUGH)
    xs = [x for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart")) for d in spec["data"]
          for x in (d.get("x") or []) if isinstance(x, str) and "Q" in x]
    assert "2026Q4（进行中）" in xs and "2026Q3" in xs and "2026Q4" not in xs
    firms = run_page("firms", scope=CITY, month=THROUGH)
    xs = [x for spec in (json.loads(c.proto.spec) for c in firms.get("plotly_chart")) for d in spec["data"]
          for x in (d.get("x") or []) if isinstance(x, str) and "Q" in x]
    assert "2026Q4（进行中）" in xs and "2026Q3" in xs
    explore = run_page("explore", scope="620622", month=THROUGH)
    assert any("始终是全市全部数据" in i.value for i in explore.info)


def test_complaint_yoy_arrow_follows_its_sign(demo):
    """投诉分析's 同比 delta: a fall in complaints is a down arrow in green (it used to be a red up arrow,
    because the text starts with 同比 rather than a minus sign)."""
    from streamlit.proto.Metric_pb2 import Metric as MetricProto

    scope, month, yoy = demo.execute("""select scope_code, month, yoy_change from mart_complaint_rate_monthly
                                        where yoy_change < -0.005 and month <= ? order by month desc, scope_code
                                        limit 1""", [MONTHS[-1]]).fetchall()[0]
    at = run_page("complaints", scope=scope, month=month.strftime("%Y-%m"))
    tile = next(m for m in at.metric if m.label == "当月投诉率")
    assert tile.proto.delta == f"同比 {yoy * 100:+.1f}%"
    assert tile.proto.direction == MetricProto.MetricDirection.DOWN
    assert tile.proto.color == MetricProto.MetricColor.GREEN


def test_mediation_counts_compounds_not_utility_rows(demo):
    """矛盾化解's list of compounds with work left is one row a compound and utility: the heading counts
    compounds (it used to say 674 in a city of 539 compounds)."""
    m = MONTHS[-1]
    utilities = staging(demo, "stg_utilities").filter(pl.col("as_of") <= m)
    latest = utilities.sort("as_of").group_by("compound_id", "utility").last()
    done = pl.col("ownership_clarified") & pl.col("billed_to_household") & pl.col("serviced_to_household")
    left = latest.filter(~done.fill_null(False))
    compounds = staging(demo, "stg_compounds")
    in_city = carried(compounds, [m]).join(compounds, on=["county_code", "as_of"])["compound_id"]
    left = left.filter(pl.col("compound_id").is_in(in_city.implode()))
    at = run_page("mediation", scope=CITY, month=THROUGH)
    heading = next(h.value for h in at.subheader if h.value.startswith("尚未完成的小区"))
    assert heading == f"尚未完成的小区（{left['compound_id'].n_unique()} 个小区，{left.height} 项管线）"
    assert left["compound_id"].n_unique() < left.height
