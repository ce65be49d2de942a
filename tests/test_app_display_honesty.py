"""What a display choice must not turn into a false statement (issue 10): delta arrows follow the sign and
their colour says whether the change is good; the map's default view is the status against the target in
force, in words and colour."""

from __future__ import annotations

import json

from streamlit.proto.Metric_pb2 import Metric as MetricProto

from dashboard.components import STATUS_HEX
from tests.apptest import run_page

UP, DOWN, NONE = (MetricProto.MetricDirection.UP, MetricProto.MetricDirection.DOWN,
                  MetricProto.MetricDirection.NONE)
GREEN, RED, GRAY = MetricProto.MetricColor.GREEN, MetricProto.MetricColor.RED, MetricProto.MetricColor.GRAY


def tiles(at) -> dict:
    return {m.label: m for m in at.metric}


def test_delta_direction_follows_the_sign_and_colour_whether_it_is_good(golden_app_env):
    """City 2025-02 (EXPECTED.md): coverage +8.3 pp (up, good), remaining −1 (down, good), overdue items +1
    (up, bad)."""
    shown = tiles(run_page("overview", scope="620600", month="2025-02"))
    coverage, remaining, overdue = shown["专业物业覆盖率"], shown["尚无专业物业的小区"], shown["逾期整改事项"]
    assert (coverage.proto.delta, coverage.proto.direction, coverage.proto.color) == ("+8.3 个百分点", UP, GREEN)
    assert (remaining.proto.delta, remaining.proto.direction, remaining.proto.color) == ("-1", DOWN, GREEN)
    assert (overdue.proto.delta, overdue.proto.direction, overdue.proto.color) == ("+1", UP, RED)


def test_no_change_is_neutral(golden_app_env):
    """民勤 sent no 2025-02 compounds file: coverage and remaining are unchanged from 2025-01, so the tiles say
    持平 in grey with no arrow (they used to show a red "↑ +0")."""
    shown = tiles(run_page("overview", scope="620621", month="2025-02"))
    for label in ("专业物业覆盖率", "尚无专业物业的小区"):
        m = shown[label]
        assert (m.proto.delta, m.proto.direction, m.proto.color) == ("持平", NONE, GRAY), label


def deck(at) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def test_map_defaults_to_status_against_the_target(golden, golden_app_env):
    """凉州 and 民勤 coverage at 2025-02 are both 达标 against the 2025 deadline: the default view colours them by
    that status and writes it in the label and the legend; the green ramp is the other view."""
    at = run_page("coverage-map", scope="620600", month="2025-02")
    assert not at.exception
    assert at.query_params["map_view"] == "status"
    status = dict(golden.execute("""select scope_code, status from mart_target_status
                                    where month = '2025-02-28' and metric = 'coverage' and is_active""").fetchall())
    spec = deck(at)
    counties = next(x for x in spec["layers"] if x["id"] == "counties")["data"]["features"]
    for f in counties:
        adcode = f["properties"]["adcode"]
        if adcode in status:
            hex_ = STATUS_HEX[status[adcode]]
            assert f["properties"]["fill"][:3] == [int(hex_[i:i + 2], 16) for i in (1, 3, 5)], adcode
    labels = {x["adcode"]: x["text"] for x in next(x for x in spec["layers"] if x["id"] == "labels")["data"]}
    assert labels["620602"] == "凉州区\n达标" and labels["620621"] == "民勤县\n达标"
    legend = " ".join(m.value for m in at.markdown)
    assert all(word in legend for word in ("已完成", "达标", "滞后", "严重滞后", "未完成"))
    at.segmented_control(key="map_view").set_value("value").run()
    legend = " ".join(m.value for m in at.markdown)
    assert "60%–80%" in legend and "严重滞后" not in legend
    labels = {x["adcode"]: x["text"] for x in next(x for x in deck(at)["layers"] if x["id"] == "labels")["data"]}
    assert labels["620602"] == "凉州区"


def test_compounds_a_month_are_whole_compounds(golden_app_env):
    """City coverage at 2025-02 (EXPECTED.md): ceil(0.8 × 12) = 10 − 9 = 1 compound short with 10 months left:
    0.1 a month is 1 whole compound a month (it used to read "约 0.1 个")."""
    at = run_page("overview", scope="620600", month="2025-02")
    notes = [c.value for c in at.caption]
    assert "按期完成需每月新增 1 个" in notes
    assert not any("约" in n and "个" in n for n in notes)
