"""Pieces every page uses: target status in words and colour, KPI tiles, number formats, charts' look."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t, v

STATUS_COLOURS = {"已完成": "green", "达标": "blue", "滞后": "orange", "严重滞后": "red", "未完成": "red"}
STATUS_HEX = {"已完成": "#2E7D32", "达标": "#1F6FB2", "滞后": "#E08A00", "严重滞后": "#C62828", "未完成": "#8E1B1B"}
# Management modes on maps and charts: professional service in the accent blue, the rest by urgency.
MODE_HEX = {"专业物业": "#1F6FB2", "社区托管": "#7FB3D5", "单位自管": "#A3A3A3", "业主自管": "#F0B429",
            "无物业": "#C62828"}
CHART_FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Noto Sans SC, sans-serif"


def pct(x, digits: int = 1) -> str:
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def pp(x, digits: int = 1) -> str | None:
    """A change in fraction points, as signed percentage points."""
    return None if x is None else f"{x * 100:+.{digits}f} {t('common.pp')}"


def num(x, digits: int = 0) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def status_badge(status: str | None) -> None:
    if status:
        st.badge(v(status), color=STATUS_COLOURS.get(status, "gray"))


def kpi_tile(label: str, value: str, *, delta: str | None = None, delta_color: str = "normal",
             status: str | None = None, note: str | None = None, help: str | None = None,
             chart: list | None = None) -> None:
    with st.container(border=True):
        st.metric(label, value, delta=delta, delta_color=delta_color, help=help, chart_data=chart,
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


def chart(fig, caption: str, key: str | None = None) -> None:
    """A Plotly chart with its one-line caption saying what it shows."""
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key=key)
    st.caption(caption)
