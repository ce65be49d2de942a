"""The bulletin's two charts, drawn from the marts and rendered locally.

Plotly figures rendered by kaleido in the system Chromium with MathJax off (its default loads
MathJax from a CDN): SVG for the PDF (typst keeps it vector), PNG for Word. kaleido hangs when it
finds no browser, so the browser is looked up first and a missing one is an error, never a download.
"""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date

import plotly.graph_objects as go

from reports.data import rows

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, SimHei, sans-serif"
WIDTH, HEIGHT = 720, 320
_started = False
_lock = threading.Lock()  # app sessions may ask for a chart at the same time: start one renderer


def browser() -> str:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if not path:
        raise RuntimeError("找不到 Chromium，无法离线绘图 | No Chromium found to render the charts offline "
                           "(apt-get install chromium, or set BROWSER_PATH)")
    return path


def _start() -> None:
    global _started
    with _lock:
        if not _started:
            os.environ["BROWSER_PATH"] = browser()
            import kaleido

            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
            _started = True


def render(fig: go.Figure, fmt: str) -> bytes:
    _start()
    import kaleido

    return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": WIDTH, "height": HEIGHT,
                                            "scale": 2 if fmt == "png" else 1})


def _layout(fig: go.Figure, title: str, ytitle: str) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.5, "font": {"size": 16}}, font={"family": FONT, "size": 12},
                      template="simple_white", margin={"l": 60, "r": 20, "t": 50, "b": 40},
                      legend={"orientation": "h", "y": -0.15, "x": 0.5, "xanchor": "center"},
                      yaxis_title=ytitle)
    return fig


def burn_down(con, city: str, month: date) -> go.Figure:
    """Compounds still without professional service against the ideal line, to the deadline in force."""
    active = rows(con, """select deadline from mart_target_progress
                          where scope_code = ? and metric = 'coverage' and month = ? and is_active""", city, month)
    deadline = active[0]["deadline"] if active else None
    data = rows(con, """select month, remaining, expected_remaining, target_remaining from mart_target_progress
                        where scope_code = ? and metric = 'coverage' and deadline = ? and month <= ?
                        order by month""", city, deadline, month)
    x = [r["month"] for r in data]
    fig = go.Figure([
        go.Scatter(x=x, y=[r["remaining"] for r in data], name="实际未覆盖小区数", mode="lines+markers",
                   line={"color": "#c00000", "width": 3}),
        go.Scatter(x=x, y=[r["expected_remaining"] for r in data], name="理想进度",
                   line={"color": "#555", "dash": "dash"}),
        go.Scatter(x=x, y=[r["target_remaining"] for r in data], name="目标允许未覆盖数",
                   line={"color": "#1f6f3f", "dash": "dot"}),
    ])
    fig.update_xaxes(tickformat="%Y-%m")
    end = f"（至{deadline.year}年{deadline.month}月{deadline.day}日目标）" if deadline else ""
    return _layout(fig, f"全市专业物业服务覆盖燃尽图{end}", "未覆盖小区数（个）")


def complaint_trend(con, month: date) -> go.Figure:
    data = rows(con, """
        select r.month, sc.name_zh, sc.scope_level, r.rolling12_rate
        from mart_complaint_rate_monthly r join core_scopes sc using (scope_code)
        where r.rolling12_rate is not null and r.month <= ? and r.month > ? - interval 24 month
        order by sc.sort_order, r.month
    """, month, month)
    fig = go.Figure()
    for name in dict.fromkeys(r["name_zh"] for r in data):
        part = [r for r in data if r["name_zh"] == name]
        city = part[0]["scope_level"] == "city"
        fig.add_scatter(x=[r["month"] for r in part], y=[r["rolling12_rate"] for r in part], name=name,
                        line={"width": 3.5 if city else 1.5, "color": "#c00000" if city else None})
    fig.update_xaxes(tickformat="%Y-%m")
    return _layout(fig, "近12个月物业投诉率走势（每千户）", "每千户投诉数")


def charts(con, city: str, month: date, fmt: str) -> dict[str, bytes]:
    return {"burn_down": render(burn_down(con, city, month), fmt),
            "complaints": render(complaint_trend(con, month), fmt)}
