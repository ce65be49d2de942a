"""Target progress draws and states the marts' values, for the city and every county, both metrics."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard.components import STATUS_COLOURS
from tests.apptest import run_page
from tests.conftest import approx

SCOPES = ["620600", "620602", "620621", "620622", "620623"]
MONTHS = {"2024-12": date(2024, 12, 31), "2025-02": date(2025, 2, 28)}
ACTUALS = {  # month, all compounds, covered, not covered
    "coverage": "select month, compounds, covered, remaining from mart_coverage_monthly "
                "where month <= ? and scope_code = ? order by month",
    "committee_coverage": "select month, compounds, with_committee, without_committee "
                          "from mart_committee_coverage_monthly where month <= ? and scope_code = ? order by month",
}
NAMES = {  # trace names of the actual lines (Chinese)
    "coverage": ("尚无专业物业的小区", "专业物业服务小区"),
    "committee_coverage": ("尚无业委会（物管会）的小区", "已成立业委会（物管会）的小区"),
}


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def trace(spec: dict, name: str, nth: int = 0) -> dict:
    return [d for d in spec["data"] if d.get("name") == name][nth]


def iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def mart_targets(golden, scope: str, metric: str, month: date) -> list[dict]:
    cur = golden.execute("select * from mart_target_progress where scope_code = ? and metric = ? and month = ? "
                         "order by deadline", [scope, metric, month])
    columns = [c[0] for c in cur.description]
    return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]


@pytest.mark.parametrize("month", list(MONTHS))
@pytest.mark.parametrize("scope", SCOPES)
def test_charts_and_numbers_equal_the_marts(golden, golden_app_env, scope, month):
    at = run_page("targets", scope=scope, month=month)
    for metric in ACTUALS:
        at.segmented_control(key="target_metric").set_value(metric).run()
        assert not at.exception
        as_of = MONTHS[month]
        actual = golden.execute(ACTUALS[metric], [as_of, scope]).fetchall()
        specs = charts(at)
        if not actual:  # a county without compounds: the grid only, saying so
            assert len(specs) == 1 and "暂无小区数据" in json.dumps(specs[0], ensure_ascii=False)
            continue
        burn_down, burn_up, grid = specs
        remaining_name, done_name = NAMES[metric]
        months = [r[0].isoformat() for r in actual]
        assert trace(burn_down, remaining_name)["x"] == months
        assert trace(burn_down, remaining_name)["y"] == [r[3] for r in actual]
        assert trace(burn_up, done_name)["y"] == [r[2] for r in actual]
        assert trace(burn_up, "小区总数")["y"] == [r[1] for r in actual]
        assert_targets_shown(golden, at, burn_down, scope, metric, as_of)
        panel = [d for d in grid["data"] if d.get("name") == remaining_name][SCOPES.index(scope)]
        assert panel["y"] == [r[3] for r in actual]


def assert_targets_shown(golden, at, burn_down: dict, scope: str, metric: str, as_of: date) -> None:
    rows = mart_targets(golden, scope, metric, as_of)
    ideal = [d for d in burn_down["data"] if d.get("name") == "理想进度（基线至各期限目标）"]
    assert len(ideal) == len(rows)
    history = golden.execute("""
        select deadline, month, expected_remaining from mart_target_progress
        where scope_code = ? and metric = ? and month <= ? and month <= deadline order by deadline, month""",
                             [scope, metric, as_of]).fetchall()
    drawn = [list(zip(line["x"], line["y"], strict=True)) for line in ideal]
    for row in rows:
        points = [(m.isoformat(), approx(y)) for d, m, y in history if d == row["deadline"]]
        if row["deadline"] > as_of:
            points.append((row["deadline"].isoformat(), approx(row["target_remaining"])))
        assert points in drawn, row["deadline"]
    active = next(r for r in rows if r["is_active"])
    tiles = {m.label: m.value for m in at.metric}
    noun = "专业物业覆盖率" if metric == "coverage" else "业委会（物管会）覆盖率"
    assert tiles[noun] == f"{active['actual'] * 100:.1f}%"
    remaining_label = "尚无专业物业的小区" if metric == "coverage" else "尚无业委会（物管会）的小区"
    assert tiles[remaining_label] == f"{active['remaining']:,d}"
    per_month = active["required_compounds_per_month"]
    assert tiles["每月需新增小区"] == ("—" if per_month is None else f"{per_month:,d}")  # whole compounds
    if active["projected_month"]:
        d = active["projected_month"]
        assert tiles["预计达标"] == f"{d.year}年{d.month}月"
        projection = trace(burn_down, "按近期速度预计")
        assert projection["x"] == [iso(as_of), iso(d)]
        assert projection["y"] == [active["remaining"], approx(active["target_remaining"])]
    sentence = next(m.value for m in at.markdown if "badge[" in m.value)
    assert sentence.startswith(f":{STATUS_COLOURS[active['status']]}-badge[{active['status']}]")
    table = at.dataframe[0].value
    assert list(table["status"]) == [r["status"] for r in rows]
    # a passed deadline (not the one in force) shows its deadline month's value, never today's (DOMAIN §8)
    judged = [r["deadline_passed"] and not r["is_active"] for r in rows]
    assert list(table["actual"]) == [f"{(r['value_at_deadline'] if r['deadline_passed'] else r['actual']) * 100:.1f}%"
                                     for r in rows]
    assert list(table["expected"]) == ["—" if j else f"{r['expected'] * 100:.1f}%"
                                       for r, j in zip(rows, judged, strict=True)]


def shown(at) -> tuple[dict, str]:
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    notes = " ".join(c.value for c in at.caption)
    return {k: v for k, (v, _) in tiles.items()}, notes


def test_hand_checked_coverage(golden_app_env):
    """EXPECTED.md, target status at 2025-02: 凉州 coverage 达标, 0.75 against 0.569231, 1 compound a month (0.1 up),
    projected, best and worst 2025-03; ideal line 0.569231 × 8 = 4.553846 covered, target 6.4 (1.6 left)."""
    at = run_page("targets", scope="620602", month="2025-02")
    tiles, notes = shown(at)
    assert tiles == {"专业物业覆盖率": "75.0%", "尚无专业物业的小区": "2", "每月需新增小区": "1",
                     "预计达标": "2025年3月"}
    assert "按进度应达 56.9%（2025年底目标）" in notes and "乐观 2025年3月；保守 2025年3月" in notes
    burn_up = charts(at)[1]
    ideal_2025 = next(d for d in burn_up["data"] if d.get("name") == "理想进度（基线至各期限目标）"
                      and d["x"][-1] == "2025-12-31")
    assert ideal_2025["y"][-2:] == [approx(4.553846), approx(6.4)]


def test_hand_checked_committees(golden_app_env):
    """EXPECTED.md: 凉州 committees 滞后, 0.0625 a month (8 − 3 = 5 compounds in 10 months = 0.5, so 1 whole
    compound), projected 2027-03, best 2026-05, worst never; 民勤 严重滞后, 0.075 a month (0.3, so 1 compound),
    2026-05, best 2025-07."""
    at = run_page("targets", scope="620602", month="2025-02", target_metric="committee_coverage")
    tiles, notes = shown(at)
    assert tiles["每月需新增小区"] == "1" and tiles["预计达标"] == "2027年3月"  # 0.5 rounded up
    assert "每月提高 +6.2 个百分点，剩 10 个月" in notes  # 0.0625 shown to one decimal
    assert "乐观 2026年5月；保守 按此速度无法达标" in notes
    assert any(m.value.startswith(":orange-badge[滞后]") for m in at.markdown)
    at = run_page("targets", scope="620621", month="2025-02", target_metric="committee_coverage")
    tiles, notes = shown(at)
    assert tiles["每月需新增小区"] == "1" and tiles["预计达标"] == "2026年5月"  # 0.3 rounded up
    assert "乐观 2025年7月；保守 按此速度无法达标" in notes
    assert any(m.value.startswith(":red-badge[严重滞后]") for m in at.markdown)


def test_city_deadline_2024_missed_then_the_next_in_force(golden_app_env):
    """EXPECTED.md: city coverage 0.583333 < 0.6 at 2024-12 → 未完成; by 2025-02 the 2025 deadline is in force.
    DOMAIN §8: the 2024 deadline is judged at 2024-12 (58.3%, 未达标), not by today's 75% (it used to read
    已完成); reaching 0.6 in 2025-01 (8/12) is shown on its own."""
    at = run_page("targets", scope="620600", month="2025-02")
    table = at.dataframe[0].value
    assert list(table["deadline"]) == ["2024年底", "2025年底", "2026年底"]
    assert list(table["status"]) == ["未达标", "达标", "达标"]
    assert list(table["actual"]) == ["58.3%", "75.0%", "75.0%"]
    assert list(table["result"]) == ["未达标", "—", "—"]
    assert list(table["reached"]) == ["2025-01 达到", "—", "—"]
    assert table["per_month"].iloc[0] == "—" and table["projected"].iloc[0] == "—"
    at = run_page("targets", scope="620600", month="2024-12")
    assert at.dataframe[0].value["status"].iloc[0] == "未完成"


def test_before_the_baseline_only_actuals(golden_app_env):
    at = run_page("targets", scope="620602", month="2024-10")
    assert not at.exception
    assert "2024年11月" in at.info[0].value
    assert not at.metric


def test_english(golden_app_env):
    at = run_page("targets", scope="620602", month="2025-02")
    at = at.radio(key="lang").set_value("en").run()
    labels = {m.label for m in at.metric}
    assert {"Professional coverage", "Compounds needed a month", "Projected to meet the target"} <= labels
    names = {d.get("name") for d in charts(at)[0]["data"]}
    assert "Without professional service" in names


@pytest.mark.parametrize(("scope", "metric", "deadline", "want"), [
    ("620602", "coverage", date(2025, 12, 31), (8, 6, 2, 4.553846, 3.446154, 6.4, 1.6)),
    ("620602", "coverage", date(2026, 12, 31), (8, 6, 2, 4.48, 3.52, 8.0, 0.0)),
    ("620621", "committee_coverage", date(2025, 12, 31), (4, 1, 3, 2.461538, 1.538462, 4.0, 0.0)),
])
def test_progress_in_compounds_by_hand(golden, scope, metric, deadline, want):
    """EXPECTED.md, "Coverage map and target progress in compounds"."""
    got = golden.execute("""
        select total, done, remaining, expected_done, expected_remaining, target_done, target_remaining
        from mart_target_progress where scope_code = ? and metric = ? and deadline = ? and month = '2025-02-28'
    """, [scope, metric, deadline]).fetchall()
    assert got == [tuple(approx(x) for x in want)]


def test_a_shared_figure_reaches_the_browser_exactly_as_its_figure_would():
    """The cached charts hand st.plotly_chart a dict made once: the spec it sends must be the figure's own,
    dates, dashes and annotations included, and drawing it must not change what the next session gets."""
    import plotly.graph_objects as go
    import plotly.io
    import plotly.tools

    from dashboard.components import SharedFigure, plotly_layout

    fig = plotly_layout(go.Figure([
        go.Scatter(x=[date(2024, 12, 31), date(2025, 1, 31)], y=[3, 5], mode="lines+markers", name="实际",
                   line={"dash": "dash"}),
        go.Scatter(x=[date(2026, 12, 31)], y=[0], mode="markers+text", text=["2026年底 100%"])]))
    fig.add_annotation(text="暂无数据", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)

    def sent(figure) -> str:  # what st.plotly_chart puts in its proto's spec
        return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True),
                                 validate=False)

    shared = SharedFigure(fig)
    assert json.loads(sent(shared)) == json.loads(sent(fig))
    assert json.loads(sent(shared)) == json.loads(sent(shared))
