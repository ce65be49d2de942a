"""Pieces every page uses: target status in words and colour, KPI tiles, number formats, charts' look."""

from __future__ import annotations

import base64
import json
from datetime import date
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

import plotly.graph_objects as go
import plotly.io
import polars as pl
import streamlit as st

from dashboard.downloads import table_downloads
from dashboard.frames import for_the_browser, mapped
from dashboard.i18n import language, month_label, t, v, v_list

if TYPE_CHECKING:
    from dashboard.shell import Filters

STATUS_COLOURS = {"已完成": "green", "达标": "blue", "滞后": "orange", "严重滞后": "red", "未完成": "red",
                  "未达标": "red"}
STATUS_HEX = {"已完成": "#2E7D32", "达标": "#1F6FB2", "滞后": "#E08A00", "严重滞后": "#C62828", "未完成": "#8E1B1B",
              "未达标": "#8E1B1B"}
# Management modes on maps and charts: professional service in the accent blue, the rest by urgency.
MODE_HEX = {"专业物业": "#1F6FB2", "社区托管": "#7FB3D5", "单位自管": "#A3A3A3", "业主自管": "#F0B429",
            "无物业": "#C62828"}
CHART_FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Noto Sans SC, sans-serif"


def pct(x, digits: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def pp(x, digits: int = 1) -> str | None:
    """A change in fraction points, as signed percentage points."""
    return None if x is None else f"{x * 100:+.{digits}f} {t('common.pp')}"


def shown_pp(x, digits: int = 1) -> float | None:
    """A change in fraction points as pp() shows it (rounded), for a tile's arrow and colour."""
    return None if x is None else round(x * 100, digits)


def period_label(period: str, complete: bool) -> str:
    """A quarter or season not yet over is labelled as such wherever it is drawn next to complete ones
    (DOMAIN §8), so a partial period does not read as a collapse."""
    return period if complete else t("common.in_progress", period=period)


def num(x, digits: int = 0) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def status_badge(status: str | None) -> None:
    if status:
        st.badge(v(status), color=STATUS_COLOURS.get(status, "gray"))


def delta_style(change: float | None, better: str) -> tuple[str, str]:
    """(delta_color, delta_arrow) for a change as shown: the arrow follows its sign, the colour whether that
    direction is good for the metric (`better` "up" or "down"), and no change is grey with no arrow."""
    if not change:
        return "off", "off"
    good = (change > 0) == (better == "up")
    return ("green" if good else "red"), ("up" if change > 0 else "down")


def kpi_tile(label: str, value: str, *, delta: str | None = None, change: float | None = None,
             better: str = "up", status: str | None = None, note: str | None = None, help: str | None = None,
             chart: list | None = None) -> None:
    """A KPI tile. `delta` is the change in words, `change` the same change as a number rounded as shown
    (its sign sets the arrow; 0 reads 持平), `better` the direction that is good for this metric."""
    if delta is not None and change is not None and change == 0:
        delta = t("common.unchanged")
    colour, arrow = delta_style(change, better) if delta is not None else ("off", "off")
    with st.container(border=True):
        st.metric(label, value, delta=delta, delta_color=colour, delta_arrow=arrow, help=help, chart_data=chart,
                  chart_type="area" if chart else "line")
        status_badge(status)
        if note:
            st.caption(note)


def plotly_layout(fig, *, height: int = 360, legend_title: str | None = None):
    """The app's chart look: CJK font, no outside resources, compact margins, legend on top."""
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10}, font={"family": CHART_FONT, "size": 13},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": legend_title},
        plot_bgcolor="white", paper_bgcolor="white", hoverlabel={"font_family": CHART_FONT},
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#E5E9F0")
    return fig


class SharedFigure(go.Figure):
    """A figure built once and drawn by every session (a cached figure). st.plotly_chart asks a figure for
    to_dict() on each run, which deep-copies every trace, then encodes dates one by one; with a meeting room
    opening a page at once that was a quarter of the server's time. This one hands out a JSON-ready dict made
    once. It is shared across threads, so nothing may change it after it is made."""

    def __init__(self, fig: go.Figure):
        super().__init__(fig)
        self._plain = json.loads(plotly.io.to_json(fig, validate=False))

    def to_dict(self) -> dict:
        return self._plain


def chart(fig, caption: str, key: str | None = None) -> None:
    """A Plotly chart with its one-line caption saying what it shows."""
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key=key)
    st.caption(caption)



# -- tables, and links from a table of compounds to the compound profile --------------------------

PROFILE = "profile"  # the column of links added by with_profile_links()


_PLAIN_ID = r"^[A-Za-z0-9_.~-]*$"  # what quote(safe="") leaves as it is


def with_profile_links(frame: pl.DataFrame, scope: str, month: date) -> pl.DataFrame:
    """`frame` (with a compound_id column) plus a column of relative links to each compound's profile that keep
    the global filters and the language. Made by Polars: at province scale a list holds tens of thousands of
    compounds, and a Python call for each was half of 矛盾化解's run."""
    ids = frame["compound_id"].cast(pl.String)
    odd = ids.filter(~ids.str.contains(_PLAIN_ID)).unique().drop_nulls().to_list()
    quoted = ids.replace({i: quote(i, safe="") for i in odd}) if odd else ids
    keep = f"&scope={scope}&month={month.strftime('%Y-%m')}&lang={language()}"
    return frame.with_columns(pl.concat_str([pl.lit("compound?compound="), quoted, pl.lit(keep)]).alias(PROFILE))


def translated(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Data values in `columns` through v(), so the English view shows no Chinese value the table knows."""
    return frame.with_columns(
        pl.col(c).replace_strict({x: v(x) for x in frame[c].unique().to_list() if x is not None},
                                 default=None, return_dtype=pl.String).fill_null("—")
        for c in columns)


def listed(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Lists the ledgers write with 、 in `columns`, each item through v() (v_list)."""
    return frame.with_columns(mapped(frame[c], v_list, nulls=True) for c in columns)


def filter_labels(f: Filters) -> dict[str, str]:
    """The global filters as a download file records them."""
    return {t("filter.scope"): v(f.scope), t("filter.month"): month_label(f.month)}


def table(frame: pl.DataFrame, columns: dict, *, name: str, f: Filters, key: str,
          source_table: str | None = None, selectable: bool = False, height: int | str = "auto") -> list[int]:
    """`frame`'s `columns` (name -> column config, in order) as a table, with CSV and XLSX downloads of the
    same columns (links left out). With `selectable`, a row can be clicked; returns the selected row numbers."""
    shown = frame.select(list(columns))
    event = st.dataframe(for_the_browser(shown), hide_index=True, width="stretch", height=height,
                         column_config=columns, key=key, on_select="rerun" if selectable else "ignore",
                         selection_mode="single-row")
    table_downloads(shown.drop(PROFILE, strict=False), name, filter_labels(f), f.month, key=key,
                    source_table=source_table)
    return list(event.selection.rows) if selectable else []


def html_table(header: list[tuple[str, bool]], rows: list[list[str]], css_class: str) -> str:
    """A static HTML table. header: (label, numeric); rows: cells already escaped/HTML."""
    head = "".join(f'<th class="{"n" if n else ""}">{escape(h)}</th>' for h, n in header)
    body = "".join("<tr>" + "".join(f'<td class="{"n" if header[i][1] else ""}">{c}</td>' for i, c in enumerate(r))
                   + "</tr>" for r in rows)
    return f'<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def sparkline(values: list | None, low: float, high: float) -> str:
    """A trend as a small SVG line (the print twin of an area or line chart column)."""
    points = [x for x in values or [] if x is not None]
    if len(points) < 2:
        return "—"
    width, height, span = 96, 22, (high - low) or 1
    xy = " ".join(f"{i * width / (len(points) - 1):.1f},{height - (x - low) / span * height:.1f}"
                  for i, x in enumerate(points))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="-1 -1 {width + 2} {height + 2}"><polyline points="{xy}" fill="none" stroke="#1F6FB2" '
           'stroke-width="1.5"/></svg>')
    # an image, because st.html's sanitiser drops inline <svg>
    return f'<img alt="" src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'


def print_cell(value, config: dict) -> str:
    """A value as its column config shows it in the grid (number format, coloured labels, chart), as HTML."""
    kind, options = config["type_config"]["type"], config["type_config"].get("options") or []
    if kind in ("area_chart", "line_chart"):
        return sparkline(value, config["type_config"].get("y_min") or 0, config["type_config"].get("y_max") or 1)
    if value is None:
        return "—"
    if kind == "multiselect":
        colours = {o["value"]: o.get("color") for o in options}
        return " ".join(f'<span class="badge" style="background:{colours[x]}">{escape(x)}</span>' if colours.get(x)
                        else escape(x) for x in value)
    fmt = config["type_config"].get("format") if kind == "number" else None
    return escape(fmt % value if fmt and "%" in fmt else str(value))


def grid(frame: pl.DataFrame, columns: dict, *, key: str) -> None:
    """`frame`'s `columns` (name -> column config, in order) as an interactive grid, and the same rows and
    columns as a static table shown in print only: the grid is a canvas, which prints only the rows and
    columns in its viewport."""
    shown = frame.select(list(columns))
    rows = [[print_cell(value, columns[name]) for name, value in row.items()] for row in shown.iter_rows(named=True)]
    header = [(config["label"], config["type_config"]["type"] == "number") for config in columns.values()]
    with st.container(key=f"printable_{key}"):
        st.dataframe(for_the_browser(shown), hide_index=True, width="stretch", column_config=columns)
        st.html(html_table(header, rows, "print-table"))


def as_percent(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Fractions in `columns` as percentages (0.75 -> 75.0), for a percent column (dashboard/columns.py)."""
    return frame.with_columns((pl.col(c) * 100).round(1) for c in columns)


def month_labels(frame: pl.DataFrame, column: str = "month") -> pl.DataFrame:
    """Month-end dates as "2025-02" text, so a chart's axis shows each month once and where its bar is."""
    return frame.with_columns(pl.col(column).dt.strftime("%Y-%m"))


def series_figure(x: list, series: dict[str, tuple[list, str]], kind: str = "bar", **layout) -> go.Figure:
    """One trace per named series (label -> (values, colour)) over the same x: "bar" (grouped, or stacked
    with barmode="stack"), "line" or "area" (stacked). Graph objects: ten times quicker to build than
    plotly express."""
    def trace(name: str, values: list, colour: str):
        if kind == "bar":
            return go.Bar(x=x, y=values, name=name, marker_color=colour)
        if kind == "line":
            return go.Scatter(x=x, y=values, name=name, mode="lines+markers", line_color=colour)
        return go.Scatter(x=x, y=values, name=name, mode="lines", stackgroup="one", line_color=colour)

    fig = go.Figure([trace(name, values, colour) for name, (values, colour) in series.items()])
    fig.update_layout(barmode=layout.pop("barmode", "group"), legend_traceorder="normal", **layout)
    fig.update_xaxes(type="category", tickangle=0, nticks=12)  # months or quarters, as written
    return fig
