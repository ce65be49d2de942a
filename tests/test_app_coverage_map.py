"""The coverage map draws the marts' values, for the city and every county, and a click on a county scopes the app."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.apptest import registered_pages, run_page
from tests.conftest import approx

SCOPES = ["620600", "620602", "620621", "620622", "620623"]
MONTHS = {"2024-12": date(2024, 12, 31), "2025-02": date(2025, 2, 28)}
# metric switch code -> the mart column the map colours by
MART_VALUES = {
    "coverage": "select scope_code, coverage from mart_coverage_monthly where month = ?",
    "committee_coverage": "select scope_code, committee_coverage from mart_committee_coverage_monthly where month = ?",
    "complaint_rate": "select scope_code, rolling12_rate from mart_complaint_rate_monthly where month = ?",
}


def deck_spec(at) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def layer(spec: dict, layer_id: str) -> dict:
    return next(x for x in spec["layers"] if x["id"] == layer_id)


def county_values(spec: dict) -> dict[str, float | None]:
    return {f["properties"]["adcode"]: f["properties"]["value"] for f in layer(spec, "counties")["data"]["features"]}


@pytest.mark.parametrize("month", list(MONTHS))
@pytest.mark.parametrize("scope", SCOPES)
def test_map_equals_the_marts(golden, golden_app_env, scope, month):
    at = run_page("coverage-map", scope=scope, month=month)
    for metric, sql in MART_VALUES.items():
        at.segmented_control(key="map_metric").set_value(metric).run()
        assert not at.exception
        assert at.query_params["map_metric"] == metric
        mart = dict(golden.execute(sql, [MONTHS[month]]).fetchall())
        shown = county_values(deck_spec(at))
        assert set(shown) == set(SCOPES) - {"620600"}  # the four counties are drawn, whatever the scope
        for county, value in shown.items():
            assert value == (None if mart.get(county) is None else approx(mart[county])), (metric, county)
    points = layer(deck_spec(at), "compounds")["data"]
    mart = golden.execute("""
        select compound_name, lon, lat from mart_compound_map
        where month = ? and (county_code = ? or ? = '620600')""", [MONTHS[month], scope, scope]).fetchall()
    assert sorted((p["title"], p["lon"], p["lat"]) for p in points) == sorted(mart)
    if mart:  # the close-up shows the same compounds
        close_up = json.loads(at.get("deck_gl_json_chart")[1].proto.json)
        assert layer(close_up, "compounds")["data"] == points
    legend = " ".join(m.value for m in at.markdown)
    modes = golden.execute("""
        select covered, community_hosted, unmanaged from mart_coverage_monthly
        where scope_code = ? and month = ?""", [scope, MONTHS[month]]).fetchall()
    if modes:
        covered, hosted, unmanaged = modes[0]
        assert f"专业物业（{covered}）" in legend and f"社区托管（{hosted}）" in legend
        assert f"无物业（{unmanaged}）" in legend


def test_metric_link_in_the_url(golden, golden_app_env):
    at = run_page("coverage-map", scope="620600", month="2025-02", map_metric="complaint_rate")
    assert county_values(deck_spec(at))["620602"] == approx(5.5)


def test_hand_checked_values_and_table(golden_app_env):
    """EXPECTED.md, "Coverage map and target progress in compounds": 凉州 0.75 / 0.375 / 5.5, 民勤 0.75 / 0.25 /
    5.0, no compounds in 古浪 or 天祝; 12 points: 9 专业物业, 1 社区托管, 2 无物业."""
    at = run_page("coverage-map", scope="620600", month="2025-02")
    assert county_values(deck_spec(at)) == {"620602": 0.75, "620621": 0.75, "620622": None, "620623": None}
    table = at.dataframe[0].value
    assert list(table["county"]) == ["凉州区", "民勤县", "古浪县", "天祝藏族自治县"]  # as the region pack spells it
    assert list(table["coverage"]) == ["75.0%", "75.0%", "—", "—"]
    assert list(table["coverage_status"]) == ["达标", "达标", "—", "—"]
    assert list(table["committee_coverage"]) == ["37.5%", "25.0%", "—", "—"]
    assert list(table["committee_coverage_status"]) == ["滞后", "严重滞后", "—", "—"]
    assert list(table["complaint_rate"]) == ["5.5", "5.0", "—", "—"]
    tooltip = layer(deck_spec(at), "counties")["data"]["features"][0]["properties"]["detail"]
    assert tooltip == "专业物业覆盖率：75.0%\n6 / 8 个小区\n状态：达标"
    assert len(layer(deck_spec(at), "compounds")["data"]) == 12
    legend = " ".join(m.value for m in at.markdown)
    assert all(x in legend for x in ("专业物业（9）", "社区托管（1）", "无物业（2）", "业主自管（0）"))


def test_no_base_map_and_provenance_note(golden_app_env):
    at = run_page("coverage-map", scope="620600", month="2025-02")
    spec = deck_spec(at)
    # no mapStyle at all would make Streamlit fetch Carto's tiles; pydeck's placeholder means "none"
    assert spec.get("mapStyle") == "__MAP_STYLE__" and "mapProvider" not in spec
    assert "GCJ-02" in at.info[0].value and "cnmaps 1.1.9" in at.info[0].value
    view = spec["initialViewState"]
    assert 101.8 < view["longitude"] < 104.2 and 36.6 < view["latitude"] < 39.5


def switch_to_english(at):
    """Through the switch: AppTest formats the scope box with the page's language outside a run, so a run
    that starts in English cannot switch pages."""
    return at.radio(key="lang").set_value("en").run()


def test_english_tooltips(golden_app_env):
    at = switch_to_english(run_page("coverage-map", scope="620602", month="2025-02"))
    features = layer(deck_spec(at), "counties")["data"]["features"]
    assert features[0]["properties"]["title"] == "Liangzhou District"
    assert features[0]["properties"]["detail"] == "Professional coverage: 75.0%\n6 of 8 compounds\nStatus: On track"
    point = layer(deck_spec(at), "compounds")["data"][0]
    assert "households" in point["detail"]


def click_county(at, adcode: str):
    """Send what the browser sends when a county is clicked: the chart's selection as its widget value."""
    chart = at.get("deck_gl_json_chart")[0]
    features = layer(json.loads(chart.proto.json), "counties")["data"]["features"]
    index = next(i for i, f in enumerate(features) if f["properties"]["adcode"] == adcode)
    selection = {"selection": {"indices": {"counties": [index]}, "objects": {"counties": [features[index]]}}}
    states = at._tree.get_widget_states()  # AppTest has no click for a deck.gl canvas
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(selection)))
    return at._run(states)


def test_a_click_on_a_county_scopes_every_page(golden_app_env):
    at = run_page("coverage-map", scope="620600", month="2025-02")
    click_county(at, "620621")
    assert at.session_state["scope"] == "620621"
    assert at.query_params["scope"] == "620621"
    outline = layer(deck_spec(at), "scope-outline")["data"]["features"]
    assert [f["properties"]["adcode"] for f in outline] == ["620621"]
    at.switch_page(registered_pages()["overview"]).run()
    assert at.caption[0].value.startswith("民勤县")
    assert at.metric[0].value == "75.0%"


def test_a_second_click_returns_to_the_city(golden_app_env):
    at = run_page("coverage-map", scope="620600", month="2025-02")
    click_county(at, "620602")
    click_county(at, "620602")
    assert at.session_state["scope"] == "620600"


def test_boundaries_are_drawn_simplified_within_a_quarter_pixel(golden, golden_app_env):
    """The map draws each county's boundary with fewer vertices than surveyed (a browser without a graphics
    card could not pick a county of thousands in time for a click), and no drawn point strays from the
    surveyed line by more than the tolerance: the box's longer side / 4000, a quarter of a pixel."""
    import shapely
    from shapely.geometry import shape

    surveyed = {code: shape(json.loads(text)) for code, text in
                golden.execute("select adcode, geojson from ref_boundaries where level = 'county'").fetchall()}
    drawn = {f["properties"]["adcode"]: shape(f["geometry"])
             for f in layer(deck_spec(run_page("coverage-map", scope="620600")), "counties")["data"]["features"]}
    assert drawn.keys() == surveyed.keys()
    west, south, east, north = shapely.GeometryCollection(list(surveyed.values())).bounds
    tolerance = max(east - west, north - south) / 4000
    for code, line in surveyed.items():
        assert len(shapely.get_coordinates(drawn[code])) < len(shapely.get_coordinates(line)) / 2, code
        assert line.hausdorff_distance(drawn[code]) <= tolerance * 1.0001, code
