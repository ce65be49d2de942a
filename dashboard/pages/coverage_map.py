"""覆盖地图: the counties coloured by a chosen metric, compounds coloured by management mode.

Drawn from the shipped boundaries with no base map, so nothing is fetched from outside. A click
on a county sets the global scope (session and URL), so every other page follows.
"""

from __future__ import annotations

import html
import json
import math
import string
from dataclasses import dataclass
from datetime import date
from functools import partial

import polars as pl
import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize
from pydeck.types import String

from dashboard import queries
from dashboard.columns import configs
from dashboard.components import CHART_FONT, MODE_HEX, STATUS_HEX, num, pct, translated
from dashboard.downloads import table_downloads
from dashboard.frames import mapped
from dashboard.i18n import month_label, t, v
from dashboard.shell import Filters, filters, page_header, url_choice

MAP_HEIGHT = 640
INSET_HEIGHT, INSET_WIDTH, INSET_PAD = 320, 320, 0.003  # pixels, pixels, degrees around the compounds shown
COUNTY_LAYER = "counties"
NO_DATA_HEX = "#D5DAE1"
SIMPLIFY_DIVISOR = 4000  # the box's longer side over this: a quarter of a pixel of a ~1000 px map
OUTLINE_HEX = "#B22A2E"  # the theme's primary colour marks the county in scope
# Shares are classed at the plan's thresholds (60%, 80%, 100%), so a colour says which target is met.
SHARE_BREAKS = (0.4, 0.6, 0.8, 1.0)
SHARE_HEX = ("#EDF8E9", "#C7E9C0", "#74C476", "#31A354", "#006D2C")
RATE_HEX = ("#FEEDDE", "#FDBE85", "#FD8D3C", "#E6550D", "#A63603")
# The default view colours each county by its status against the target in force, in words and colour.
VIEWS = ("status", "value")
STATUSES = ("已完成", "达标", "滞后", "严重滞后", "未完成")
MODE_COLUMNS = {"专业物业": "covered", "社区托管": "community_hosted", "业主自管": "owner_managed",
                "单位自管": "employer_managed", "无物业": "unmanaged"}
TOOLTIP = {
    "html": "<div style='font-weight:600;font-size:15px;margin-bottom:4px'>{title}</div><div>{detail}</div>",
    "style": {"backgroundColor": "white", "color": "#1F2A37", "fontFamily": CHART_FONT, "fontSize": "14px",
              "whiteSpace": "pre-line", "border": "1px solid #CBD2D9", "borderRadius": "6px",
              "padding": "8px 10px", "boxShadow": "0 2px 8px rgba(0,0,0,.15)"},
}


@dataclass(frozen=True)
class Metric:
    value: str        # column of county_values() holding the coloured value
    detail: str       # i18n key of the tooltip line under the value
    status: str       # column holding the status against the target in force
    is_share: bool


METRICS = {
    "coverage": Metric("coverage", "map.detail_coverage", "coverage_status", True),
    "committee_coverage": Metric("committee_coverage", "map.detail_committee", "committee_status", True),
    "complaint_rate": Metric("rolling12_rate", "map.detail_complaints", "complaint_status", False),
}


POINTS = "@compound-points@"  # the points layer's data in the deck, replaced by their JSON as Polars writes it


class CompactDeck(pdk.Deck):
    """pydeck indents its JSON; unindented, the boundaries travel to the browser at a third of the size. The
    compounds' points (tens of thousands at province scale) are written by Polars, once for both maps: through
    json.dumps they were half of the page's run."""

    points_json = "[]"

    def to_json(self) -> str:
        spec = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        return spec.replace(json.dumps(POINTS), self.points_json, 1)


# -- data -----------------------------------------------------------------------------------------

def county_values(month: date) -> pl.DataFrame:
    return queries.read("""
        with m as (select ?::date as month)
        select s.scope_code, c.compounds, c.covered, c.coverage, c.community_hosted, c.owner_managed,
               c.employer_managed, c.unmanaged, k.with_committee, k.committee_coverage,
               r.rolling12_complaints, r.rolling12_rate,
               tc.status as coverage_status, tk.status as committee_status, tr.status as complaint_status
        from core_scopes s cross join m
        left join mart_coverage_monthly c on c.scope_code = s.scope_code and c.month = m.month
        left join mart_committee_coverage_monthly k on k.scope_code = s.scope_code and k.month = m.month
        left join mart_complaint_rate_monthly r on r.scope_code = s.scope_code and r.month = m.month
        left join mart_target_status tc on tc.scope_code = s.scope_code and tc.month = m.month
             and tc.metric = 'coverage' and tc.is_active
        left join mart_target_status tk on tk.scope_code = s.scope_code and tk.month = m.month
             and tk.metric = 'committee_coverage' and tk.is_active
        left join mart_target_status tr on tr.scope_code = s.scope_code and tr.month = m.month
             and tr.metric = 'complaint_rate_ratio' and tr.is_active
        order by s.sort_order, s.scope_code
    """, month)


def highest_county_rate() -> float | None:
    """The complaint scale spans every month, so colours keep their meaning when the month changes."""
    return queries.value("""
        select max(r.rolling12_rate) from mart_complaint_rate_monthly r
        join core_scopes s on s.scope_code = r.scope_code and s.scope_level = 'county'
    """)


def compounds(month: date, f: Filters) -> pl.DataFrame:
    return queries.read("""
        select compound_name, town, lon, lat, households, management_mode, firm_name
        from mart_compound_map
        where month = ? and (county_code = ? or ? = ?)
        order by management_mode <> '专业物业', compound_id  -- the compounds still to clear are drawn on top
    """, month, f.scope, f.scope, f.city)


@st.cache_data(show_spinner=False, max_entries=4)
def county_shapes(database: str) -> tuple[dict, list[dict], tuple[float, float, float, float]]:
    """The county boundaries simplified for drawing, a label point inside each, and the bounding box (per
    warehouse file). Surveyed boundaries carry more vertices than the map has pixels to draw them (天祝:
    4,752); a browser drawing WebGL without a graphics card (software, as on many office PCs and in
    headless Chromium) then takes so long to pick a county that a click is no longer a click. A tolerance
    of a quarter of a pixel at the city's view leaves the drawing as it was with a quarter of the vertices
    (Wuwei: 8,335 to 2,179)."""
    from shapely.geometry import mapping, shape

    raw = queries.boundaries()
    surveyed = [shape(f["geometry"]) for f in raw["features"]]
    bounds = [g.bounds for g in surveyed]
    box = (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds), max(b[3] for b in bounds))
    tolerance = max(box[2] - box[0], box[3] - box[1]) / SIMPLIFY_DIVISOR
    geometries = [g.simplify(tolerance, preserve_topology=True) for g in surveyed]
    collection = {**raw, "features": [{**f, "geometry": mapping(g)}
                                      for f, g in zip(raw["features"], geometries, strict=True)]}
    labels = [{"adcode": f["properties"]["adcode"], "position": list(g.representative_point().coords[0])}
              for f, g in zip(collection["features"], geometries, strict=True)]
    return collection, labels, box


# -- colours --------------------------------------------------------------------------------------

def nice_step(highest: float, classes: int) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that spreads `highest` over `classes` classes."""
    raw = highest / classes
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


@dataclass(frozen=True)
class Scale:
    breaks: tuple[float, ...]   # lower bounds of classes 2..n
    colours: tuple[str, ...]
    labels: tuple[str, ...]

    def colour(self, value: float | None) -> str:
        if value is None:
            return NO_DATA_HEX
        return self.colours[sum(value >= b - 1e-9 for b in self.breaks)]


def share_scale() -> Scale:
    return Scale(SHARE_BREAKS, SHARE_HEX, ("< 40%", "40%–60%", "60%–80%", "80%–99.9%", "100%"))


def rate_scale(highest: float | None) -> Scale:
    step = nice_step(highest, len(RATE_HEX)) if highest else 1.0
    breaks = tuple(step * i for i in range(1, len(RATE_HEX)))
    ranges = [f"{lo:g}–{hi:g}" for lo, hi in zip((0.0, *breaks), breaks, strict=False)]
    return Scale(breaks, RATE_HEX, (*ranges, f"≥ {breaks[-1]:g}"))


def rgba(hex_colour: str, alpha: int = 255) -> list[int]:
    return [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)] + [alpha]


# -- the map --------------------------------------------------------------------------------------

def shown_value(metric: Metric, value) -> str:
    return pct(value) if metric.is_share else num(value, 1)


def county_tooltip(metric_code: str, row: dict) -> str:
    metric = METRICS[metric_code]
    value = row[metric.value]
    lines = [t("map.value_line", metric=t(f"map.metric.{metric_code}"), value=shown_value(metric, value))]
    if value is not None:
        lines.append(t(metric.detail, **row))
    if row[metric.status]:
        lines.append(t("map.status", status=v(row[metric.status])))
    return "\n".join(lines)


def county_fill(metric: Metric, row: dict, scale: Scale, view: str) -> str:
    if view == "status":
        return STATUS_HEX.get(row.get(metric.status), NO_DATA_HEX)
    return scale.colour(row.get(metric.value))


def county_features(collection: dict, values: pl.DataFrame, metric_code: str, scale: Scale,
                    view: str) -> list[dict]:
    rows = {r["scope_code"]: r for r in values.to_dicts()}
    metric = METRICS[metric_code]
    features = []
    for feature in collection["features"]:
        adcode = feature["properties"]["adcode"]
        row = rows.get(adcode, {})
        value = row.get(metric.value)
        features.append({**feature, "properties": {
            "adcode": adcode, "value": value, "fill": rgba(county_fill(metric, row, scale, view), 230),
            "status": v(row[metric.status]) if row.get(metric.status) else None,  # in words, as the label shows it
            "title": v(adcode), "detail": county_tooltip(metric_code, row) if row else t("map.no_data")}})
    return features


def formatted(template: str, **fields: pl.Expr) -> pl.Expr:
    """A translated template such as "{town} · {households}" filled column-wise from `fields` (no format specs)."""
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(pl.lit(literal))
        if name:
            parts.append(fields[name])
    return pl.concat_str(parts)


def compound_points(frame: pl.DataFrame) -> str:
    """The points layer's data, one object a compound, built column-wise: a province has tens of thousands."""
    modes = pl.DataFrame({"management_mode": list(MODE_HEX), "fill": [rgba(h, 235) for h in MODE_HEX.values()],
                          "mode_label": [v(m) for m in MODE_HEX]})
    return frame.join(modes, on="management_mode", how="left", maintain_order="left").select(
        "lon", "lat",
        pl.col("fill").fill_null(pl.lit(rgba(NO_DATA_HEX, 235))),
        (3 * pl.col("households").fill_null(1).sqrt()).alias("radius"),
        pl.col("compound_name").alias("title"),
        formatted(t("map.compound_detail"),
                  town=pl.col("town").fill_null("—"),
                  households=pl.lit(mapped(frame["households"], lambda n: t("map.households", n=num(n)), nulls=True)),
                  mode=pl.col("mode_label").fill_null(pl.col("management_mode")).fill_null("—"),
                  firm=pl.col("firm_name").fill_null("—")).alias("detail"),
    ).write_json()


def fitted_view(box: tuple[float, float, float, float], height: int, width: int = 900) -> pdk.ViewState:
    """Centre and zoom that fit the box into a map of about this size (Web Mercator, 512-pixel world)."""
    west, south, east, north = box
    mercator = [math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) for lat in (south, north)]
    zoom_height = math.log2(height * 0.9 * 2 * math.pi / (512 * (mercator[1] - mercator[0])))
    zoom_width = math.log2(width * 0.9 * 360 / (512 * (east - west)))
    centre_lat = math.degrees(math.atan(math.sinh(sum(mercator) / 2)))
    return pdk.ViewState(longitude=(west + east) / 2, latitude=centre_lat, zoom=min(zoom_height, zoom_width),
                         min_zoom=5, max_zoom=15)


def points_layer() -> pdk.Layer:
    return pdk.Layer("ScatterplotLayer", id="compounds", data=POINTS, pickable=True, get_position="[lon, lat]",
                     get_fill_color="fill", get_radius="radius", radius_units=String("meters"), radius_min_pixels=3,
                     radius_max_pixels=10, stroked=True, get_line_color=[255, 255, 255, 255],
                     line_width_min_pixels=0.8)


def no_base_map(layers: list[pdk.Layer], view: pdk.ViewState, points: str = "[]") -> pdk.Deck:
    # map_provider=None and the default map_style: Streamlit then draws no base map (a map_style of None
    # would make it fetch Carto's tiles).
    deck = CompactDeck(layers=layers, initial_view_state=view, map_provider=None, tooltip=TOOLTIP)
    deck.points_json = points
    return deck


def label_text(adcode: str, status: str | None, view: str) -> str:
    """The county's name, and in the status view its status in words, so the map does not rely on colour."""
    return f"{v(adcode)}\n{status}" if view == "status" and status else v(adcode)


def deck(features: list[dict], labels: list[dict], points: str, scope: str,
         box: tuple[float, float, float, float], view: str = "value") -> pdk.Deck:
    statuses = {f["properties"]["adcode"]: f["properties"].get("status") for f in features}
    # No hover highlight: redrawing the boundaries on every hover is slow on weak (software WebGL) machines.
    layers = [
        pdk.Layer("GeoJsonLayer", id=COUNTY_LAYER, data={"type": "FeatureCollection", "features": features},
                  pickable=True, filled=True, stroked=True, get_fill_color="properties.fill",
                  get_line_color=[255, 255, 255, 255], line_width_min_pixels=1.5),
        pdk.Layer("GeoJsonLayer", id="scope-outline", pickable=False, filled=False, stroked=True,
                  data={"type": "FeatureCollection",
                        "features": [f for f in features if f["properties"]["adcode"] == scope]},
                  get_line_color=rgba(OUTLINE_HEX), line_width_min_pixels=3),
        points_layer(),
        pdk.Layer("TextLayer", id="labels",
                  data=[{"text": label_text(x["adcode"], statuses.get(x["adcode"]), view), **x} for x in labels],
                  get_position="position", get_text="text", get_size=16, size_units=String("pixels"),
                  get_color=[31, 42, 55, 255], font_family=String(CHART_FONT), font_weight=600,
                  character_set=String("auto"), background=True, get_background_color=[255, 255, 255, 210],
                  background_padding=[6, 3]),
    ]
    return no_base_map(layers, fitted_view(box, MAP_HEIGHT), points)


def inset(frame: pl.DataFrame, points: str) -> pdk.Deck:
    """The compounds close up: the view fits the half of them nearest their median (at the city scale, the
    urban area)."""
    lon, lat = frame.select(pl.col("lon", "lat").median()).row(0)
    shrink = math.cos(math.radians(lat))  # a degree of longitude is shorter than one of latitude
    reach = frame.select((((pl.col("lon") - lon) * shrink) ** 2 + (pl.col("lat") - lat) ** 2).sqrt()
                         .quantile(0.5)).item() + INSET_PAD
    box = (lon - reach / shrink, lat - reach, lon + reach / shrink, lat + reach)
    return no_base_map([points_layer()], fitted_view(box, INSET_HEIGHT, width=INSET_WIDTH), points)


def select_county(chart_key: str, city: str) -> None:
    """A click on a county scopes every page to it; a click on the county already in scope returns to the city."""
    picked = st.session_state[chart_key].selection.objects.get(COUNTY_LAYER, [])
    if picked:
        adcode = picked[0]["properties"]["adcode"]
        st.session_state["scope"] = city if adcode == st.session_state["scope"] else adcode


# -- legend and table -----------------------------------------------------------------------------

def swatch(colour: str, label: str, round_: bool = False) -> str:
    shape = "border-radius:50%;width:14px;height:14px" if round_ else "border-radius:3px;width:22px;height:16px"
    return (f"<div style='display:flex;align-items:center;gap:10px;margin:5px 0'>"
            f"<span style='display:inline-block;{shape};background:{colour};border:1px solid #9AA5B1'></span>"
            f"<span>{html.escape(label)}</span></div>")


def legend(metric_code: str, scale: Scale, mode_counts: dict[str, int | None], show_points: bool,
           view: str = "value") -> None:
    if view == "status":
        rows = [swatch(STATUS_HEX[s], v(s)) for s in STATUSES]
        unit = t("map.unit_status")
    else:
        rows = [swatch(c, label) for c, label in zip(scale.colours, scale.labels, strict=True)]
        unit = t(f"map.unit.{metric_code}")
    rows.append(swatch(NO_DATA_HEX, t("map.no_data")))
    parts = [f"<div style='font-size:15px;line-height:1.35'><div style='font-weight:600'>"
             f"{t(f'map.metric.{metric_code}')}</div><div style='color:#52606D;font-size:13px'>"
             f"{unit}</div>", *rows]
    if show_points:
        parts.append(f"<div style='font-weight:600;margin-top:14px'>{t('map.points_legend')}</div>")
        parts += [swatch(MODE_HEX[mode], t("map.mode_count", mode=v(mode), n=num(mode_counts.get(mode))), round_=True)
                  for mode in MODE_HEX]
    st.markdown("".join(parts) + "</div>", unsafe_allow_html=True)


def county_table(values: pl.DataFrame, f: Filters) -> None:
    """Every metric of every county, as the map's text alternative."""
    counties = values.filter(pl.col("scope_code") != f.city)
    columns = {"county": mapped(counties["scope_code"], v, nulls=True)}
    for code, metric in METRICS.items():
        columns[code] = mapped(counties[metric.value], lambda x, m=metric: shown_value(m, x), nulls=True)
        columns[f"{code}_status"] = mapped(counties[metric.status], v, nulls=True)
    shown = counties.select(**columns)
    config = configs("county", *(c for code in METRICS for c in (f"{code}/map", f"{code}_status")))
    st.dataframe(shown.to_pandas(), hide_index=True, width="stretch", column_config=config)
    download = translated(counties.with_columns(county=pl.col("scope_code")), "county",
                          *(metric.status for metric in METRICS.values()))
    table_downloads(download, t("map.file"), {t("filter.month"): month_label(f.month)}, f.month, key="map-counties")


# -- the page -------------------------------------------------------------------------------------

def main() -> None:
    f = filters()
    page_header("page.coverage_map", f)
    # the metric's three long names take a row of their own: beside the colouring they were cut at 1280 px
    metric_code = url_choice(st.segmented_control, t("map.metric"), list(METRICS), key="map_metric",
                             default="coverage", required=True, format_func=lambda m: t(f"map.metric.{m}"))
    controls = st.columns([2, 1], vertical_alignment="bottom")
    with controls[0]:
        view = url_choice(st.segmented_control, t("map.view"), list(VIEWS), key="map_view", default="status",
                          required=True, format_func=lambda x: t(f"map.view.{x}"))
    show_points = controls[1].toggle(t("map.show_points"), value=True, key="map_points")

    values = county_values(f.month)
    scale = share_scale() if METRICS[metric_code].is_share else rate_scale(highest_county_rate())
    collection, labels, box = county_shapes(str(queries.database()))
    features = county_features(collection, values, metric_code, scale, view)
    compound_frame = compounds(f.month, f) if show_points else None
    points = compound_points(compound_frame) if show_points else "[]"

    left, right = st.columns([3, 1.25], gap="medium")
    with left:
        chart_key = f"coverage_map_{f.scope}"  # a new chart per scope: its selection starts empty
        st.pydeck_chart(deck(features, labels, points, f.scope, box, view), height=MAP_HEIGHT, key=chart_key,
                        on_select=partial(select_county, chart_key, f.city), selection_mode="single-object")
        st.caption(t("map.caption", metric=t(f"map.metric.{metric_code}"), month=month_label(f.month)))
        st.caption(t("map.click_hint"))
    with right:
        scope_row = values.filter(pl.col("scope_code") == f.scope).row(0, named=True)
        legend(metric_code, scale, {mode: scope_row[column] for mode, column in MODE_COLUMNS.items()}, show_points,
               view)
        if compound_frame is not None and compound_frame.height:
            st.caption(t("map.inset"))
            st.pydeck_chart(inset(compound_frame, points), height=INSET_HEIGHT, key="coverage_map_inset")
    st.subheader(t("map.table"))
    county_table(values, f)
    st.info(t("map.note"))


main()
