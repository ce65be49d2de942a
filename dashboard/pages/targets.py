"""目标进度: burn-down and burn-up of covered compounds against the plan's straight lines to each deadline,
with the required monthly rate, the projected completion and its band, and all counties side by side."""

from __future__ import annotations

import math
from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st
from plotly.subplots import make_subplots

from dashboard import queries
from dashboard.components import (
    STATUS_COLOURS,
    STATUS_HEX,
    SharedFigure,
    chart,
    filter_labels,
    kpi_tile,
    num,
    pct,
    plotly_layout,
    pp,
)
from dashboard.downloads import table_downloads
from dashboard.frames import for_the_browser
from dashboard.i18n import baseline_label, language, month_label, t, v
from dashboard.shell import Filters, filters, page_header, url_choice

METRICS = ("coverage", "committee_coverage")
# Compounds done and not done, per metric, from the marts that define them.
ACTUALS = {
    "coverage": "select scope_code, month, compounds as total, covered as done, remaining from mart_coverage_monthly",
    "committee_coverage": "select scope_code, month, compounds as total, with_committee as done, "
                          "without_committee as remaining from mart_committee_coverage_monthly",
}
ACTUAL_HEX, TOTAL_HEX, PROJECTION_HEX = "#1F6FB2", "#9AA5B1", "#E08A00"
IDEAL_HEX = {True: "#1F2A37", False: "#B8C2CC"}  # the deadline in force, the others
BAND_FILL = "rgba(224,138,0,0.16)"
MARGIN_MONTHS = 4  # the time axis runs this far past the last deadline
GRID_COLUMNS = 3


# -- data -----------------------------------------------------------------------------------------

def actuals(metric: str, month: date, scope: str | None = None) -> pl.DataFrame:
    frame = queries.read(f"select * from ({ACTUALS[metric]}) where month <= ? order by scope_code, month", month)
    return frame if scope is None else frame.filter(pl.col("scope_code") == scope)


def targets(metric: str, month: date) -> pl.DataFrame:
    """Every scope's target rows (one a deadline) in the as-of month."""
    return queries.read("""
        select * from mart_target_progress where metric = ? and month = ? order by scope_code, deadline
    """, metric, month)


def ideal_history(metric: str, month: date) -> pl.DataFrame:
    """The ideal line's points up to the as-of month (each month's expected value × that month's compounds)."""
    return queries.read("""
        select scope_code, deadline, month, expected_done, expected_remaining from mart_target_progress
        where metric = ? and month <= ? and month <= deadline order by scope_code, deadline, month
    """, metric, month)


def settings() -> dict:
    return queries.read("select projection_months, band_window_months from core_settings").row(0, named=True)


# -- charts ---------------------------------------------------------------------------------------

def add_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, 28)


def deadline_label(row: dict) -> str:
    return t("targets.deadline_label", year=row["deadline"].year, target=pct(row["target_value"], 0))


def label_position(column: str, y: float) -> str:
    """Beside a deadline's target, to the left and away from the line that comes up (or down) to it."""
    return "bottom left" if column == "remaining" and y > 0 else "top left"


def ideal_traces(history: pl.DataFrame, target_rows: list[dict], column: str, compact: bool) -> list[go.Scatter]:
    """A dashed straight line from the baseline to each deadline's target; the deadline in force stands out."""
    traces = []
    for row in sorted(target_rows, key=lambda r: not r["is_active"]):  # the legend shows the first: in force
        if compact and not row["is_active"]:
            continue
        points = history.filter(pl.col("deadline") == row["deadline"])
        xs, ys = points["month"].to_list(), points[f"expected_{column}"].to_list()
        if row["deadline"] > row["month"]:  # after the as-of month the line runs on at that month's compounds
            xs, ys = [*xs, row["deadline"]], [*ys, row[f"target_{column}"]]
        active = row["is_active"]
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", name=t("targets.ideal"), legendgroup="ideal",
            line={"color": IDEAL_HEX[active], "dash": "dash", "width": 2.5 if active else 1.5}))
        if not compact:
            traces.append(go.Scatter(
                x=[row["deadline"]], y=[row[f"target_{column}"]], mode="markers+text", showlegend=False,
                text=[deadline_label(row)], textposition=label_position(column, row[f"target_{column}"]),
                marker={"color": IDEAL_HEX[active], "size": 9, "symbol": "diamond"},
                textfont={"color": IDEAL_HEX[True] if active else "#7B8794"}, hoverinfo="skip"))
    return traces


def projection_traces(row: dict, column: str, x_end: date, compact: bool) -> list[go.Scatter]:
    """From the as-of month to the target: the run-rate line, and the band between the best and worst rates."""
    now, goal = row[column], row[f"target_{column}"]
    if row["status"] == "已完成" or row["projected_best"] is None:
        return []
    worst = [(row["projected_worst"], goal)] if row["projected_worst"] else [(x_end, goal), (x_end, now)]
    band = [(row["month"], now), (row["projected_best"], goal), *worst, (row["month"], now)]
    traces = [go.Scatter(x=[p[0] for p in band], y=[p[1] for p in band], fill="toself", fillcolor=BAND_FILL,
                         line={"width": 0}, mode="lines", name=t("targets.band"), hoverinfo="skip",
                         legendgroup="band")]
    if row["projected_month"]:
        traces.append(go.Scatter(
            x=[row["month"], row["projected_month"]], y=[now, goal], mode="lines+markers",
            name=t("targets.projection"), line={"color": PROJECTION_HEX, "dash": "dot", "width": 2.5},
            marker={"size": [0, 8]}, legendgroup="projection"))
    return traces


def actual_traces(series: pl.DataFrame, metric: str, column: str, compact: bool) -> list[go.Scatter]:
    traces = []
    if column == "done":
        traces.append(go.Scatter(x=series["month"].to_list(), y=series["total"].to_list(), mode="lines",
                                 name=t("targets.total"), line={"color": TOTAL_HEX, "width": 2, "shape": "hv"},
                                 legendgroup="total"))
    traces.append(go.Scatter(
        x=series["month"].to_list(), y=series[column].to_list(), mode="lines+markers",
        name=t(f"targets.{column}.{metric}"), line={"color": ACTUAL_HEX, "width": 2.5 if compact else 3.5},
        marker={"size": 5}, legendgroup="actual"))
    return traces


def legend_once(fig: go.Figure) -> go.Figure:
    """One legend entry for each kind of line, however many panels or deadlines draw it."""
    seen = set()
    for trace in fig.data:
        trace.showlegend = trace.showlegend is not False and trace.legendgroup not in seen
        seen.add(trace.legendgroup)
    return fig


def progress_figure(series: pl.DataFrame, history: pl.DataFrame, target_rows: list[dict], metric: str,
                    column: str) -> go.Figure:
    """Burn-down (column "remaining") or burn-up ("done") for one scope."""
    x_end = add_months(max(r["deadline"] for r in target_rows), MARGIN_MONTHS) if target_rows else None
    active = next((r for r in target_rows if r["is_active"]), None)
    fig = go.Figure([*actual_traces(series, metric, column, compact=False),
                     *ideal_traces(history, target_rows, column, compact=False),
                     *(projection_traces(active, column, x_end, compact=False) if active else [])])
    plotly_layout(legend_once(fig), height=440)
    fig.update_yaxes(title=t("common.compounds"), rangemode="tozero")
    fig.update_xaxes(range=[series["month"].min(), x_end] if x_end else None, dtick="M6", tickformat="%Y-%m")
    return fig


def small_multiples(metric: str, month: date, scope_rows: dict[str, list[dict]], scopes: list[str]) -> go.Figure:
    """The burn-down of every scope on one screen, each on its own scale, status written in the title."""
    series = actuals(metric, month)
    history = ideal_history(metric, month)
    rows = math.ceil(len(scopes) / GRID_COLUMNS)
    actives = {s: next((r for r in scope_rows.get(s, []) if r["is_active"]), None) for s in scopes}
    titles = [f"<b>{v(s)}</b> · {v(actives[s]['status'])}" if actives[s] else f"<b>{v(s)}</b>" for s in scopes]
    fig = make_subplots(rows=rows, cols=GRID_COLUMNS, subplot_titles=titles, vertical_spacing=0.3 / rows,
                        horizontal_spacing=0.06)
    x_start = series["month"].min()
    for i, scope in enumerate(scopes):
        cell = {"row": i // GRID_COLUMNS + 1, "col": i % GRID_COLUMNS + 1}
        scope_series = series.filter(pl.col("scope_code") == scope)
        if scope_series.height == 0:
            panel = fig.get_subplot(**cell)
            fig.add_annotation(text=t("targets.no_data"), x=sum(panel.xaxis.domain) / 2, y=sum(panel.yaxis.domain) / 2,
                               xref="paper", yref="paper", showarrow=False, font={"color": "#7B8794", "size": 15})
            fig.update_xaxes(visible=False, **cell)
            fig.update_yaxes(visible=False, **cell)
            continue
        target_rows, active = scope_rows.get(scope, []), actives[scope]
        x_end = add_months(max(r["deadline"] for r in target_rows), MARGIN_MONTHS) if target_rows else None
        for trace in [*actual_traces(scope_series, metric, "remaining", True),
                      *ideal_traces(history.filter(pl.col("scope_code") == scope), target_rows, "remaining", True),
                      *(projection_traces(active, "remaining", x_end, True) if active else [])]:
            fig.add_trace(trace, **cell)
        fig.update_yaxes(rangemode="tozero", **cell)
        fig.update_xaxes(range=[x_start, x_end] if x_end else None, tickformat="%Y-%m", **cell)
        if active:
            fig.layout.annotations[i].font = {"color": STATUS_HEX.get(active["status"]), "size": 16}
    plotly_layout(legend_once(fig), height=320 * rows)
    free = len(scopes) % GRID_COLUMNS
    if free:  # the legend takes the first empty cell of the last row
        fig.update_layout(legend={"orientation": "v", "x": free / GRID_COLUMNS + 0.03, "y": 0.8 / rows,
                                  "xanchor": "left", "yanchor": "top", "font": {"size": 15}})
    fig.update_layout(margin={"t": 40})
    return fig


def targets_by_scope(metric: str, month: date) -> dict[str, list[dict]]:
    by_scope: dict[str, list[dict]] = {}
    for row in targets(metric, month).to_dicts():
        by_scope.setdefault(row["scope_code"], []).append(row)
    return by_scope


@st.cache_resource(max_entries=256, show_spinner=False)
def figures(database: str, metric: str, month: date, scope: str, lang: str) -> tuple[SharedFigure, ...]:
    """The burn-down, the burn-up and the all-counties grid, built once per warehouse file, metric, month, scope
    and language and shared by every session: building Plotly figures was most of the page's time when a
    meeting room opens it at once, and st.plotly_chart only reads a figure."""
    by_scope = targets_by_scope(metric, month)
    series = actuals(metric, month, scope)
    history = ideal_history(metric, month).filter(pl.col("scope_code") == scope)
    target_rows = by_scope.get(scope, [])
    return (SharedFigure(progress_figure(series, history, target_rows, metric, "remaining")),
            SharedFigure(progress_figure(series, history, target_rows, metric, "done")),
            SharedFigure(small_multiples(metric, month, by_scope, queries.scopes()["scope_code"].to_list())))


# -- text -----------------------------------------------------------------------------------------

def projected_text(d: date | None) -> str:
    return month_label(d) if d else t("targets.never")


def status_sentence(row: dict, metric: str, cfg: dict) -> str:
    common = {"month": month_label(row["month"]), "actual": pct(row["actual"]),
              "deadline": t("targets.year_end", year=row["deadline"].year), "target": pct(row["target_value"], 0),
              "noun": t(f"targets.noun.{metric}")}
    if row["status"] == "已完成":
        return t("targets.sentence_done", **common)
    if row["status"] == "未完成":
        overdue = t("targets.overdue", months=row["months_overdue"]) if row["months_overdue"] else ""
        return t("targets.sentence_missed", **common, overdue=overdue, short=num(row["short_compounds"]),
                 recent=cfg["projection_months"], projected=projected_text(row["projected_month"]),
                 best=projected_text(row["projected_best"]), worst=projected_text(row["projected_worst"]))
    return t("targets.sentence", **common, expected=pct(row["expected"]), months=row["months_left"],
             per_month=num(row["required_compounds_per_month"]), rate=pp(row["required_rate"]),
             recent=cfg["projection_months"],
             projected=projected_text(row["projected_month"]), best=projected_text(row["projected_best"]),
             worst=projected_text(row["projected_worst"]))


def required_note(row: dict) -> str:
    """How much is needed a month and for how long; once the deadline month is reached, that all is needed now."""
    rate = pp(row["required_rate"]) or "—"
    deadline = t("targets.year_end", year=row["deadline"].year)
    if row["months_left"] > 0:
        return t("targets.required_note", rate=rate, months=row["months_left"])
    if row["months_overdue"]:
        return t("targets.required_overdue_note", deadline=deadline, months=row["months_overdue"], rate=rate)
    return t("targets.required_due_note", deadline=deadline, rate=rate)


def tiles(row: dict, metric: str) -> None:
    cols = st.columns(4)
    with cols[0]:
        kpi_tile(t(f"metric.{metric}"), pct(row["actual"]), status=row["status"],
                 note=t("targets.expected_note", expected=pct(row["expected"]),
                        deadline=t("targets.year_end", year=row["deadline"].year)))
    with cols[1]:
        kpi_tile(t(f"targets.remaining.{metric}"), num(row["remaining"]),
                 note=t("targets.of_total", total=num(row["total"])))
    with cols[2]:
        kpi_tile(t("targets.required"), num(row["required_compounds_per_month"]), note=required_note(row),
                 help=t("targets.required_help"))
    with cols[3]:
        kpi_tile(t("targets.projected"), projected_text(row["projected_month"]),
                 note=t("targets.band_note", best=projected_text(row["projected_best"]),
                        worst=projected_text(row["projected_worst"])),
                 help=t("targets.projected_help"))


def judged(r: dict) -> bool:
    """A deadline judged at its deadline month (DOMAIN §8): passed, and not the one in force."""
    return r["deadline_passed"] and not r["is_active"]


def deadline_row(r: dict) -> dict:
    """One deadline as the table shows it. A passed deadline shows its deadline month's value and met/missed,
    never today's value; reaching the target later is its own column."""
    forward = not judged(r) and r["status"] != "已完成"
    result = None if r["met_at_deadline"] is None else t(
        "targets.result_met" if r["met_at_deadline"] else "targets.result_missed")
    return {
        "deadline": t("targets.year_end", year=r["deadline"].year), "target": pct(r["target_value"], 0),
        "expected": pct(r["expected"]) if not judged(r) else "—",
        # once the deadline month is reached, the row shows that month's value (today's is in the tiles)
        "actual": pct(r["value_at_deadline"] if r["deadline_passed"] else r["actual"]),
        "status": result if judged(r) else v(r["status"]),
        "result": result or "—",
        "reached": t("targets.reached", month=r["reached_month"].strftime("%Y-%m")) if r["reached_month"] else "—",
        "months_left": max(r["months_left"], 0),
        "per_month": num(r["required_compounds_per_month"]) if forward else "—",
        "rate": (pp(r["required_rate"]) or "—") if forward else "—",
        "projected": projected_text(r["projected_month"]) if forward else "—",
        "best": projected_text(r["projected_best"]) if forward else "—",
        "worst": projected_text(r["projected_worst"]) if forward else "—",
    }


def deadline_table(target_rows: list[dict], f: Filters, metric: str) -> None:
    frame = pl.DataFrame(target_rows)
    shown = pl.DataFrame([deadline_row(r) for r in target_rows])
    st.dataframe(for_the_browser(shown), hide_index=True, width="stretch", column_config={
        c: st.column_config.TextColumn(t(f"targets.col_{c}")) if c != "months_left"
        else st.column_config.NumberColumn(t("targets.col_months_left"), format="%d") for c in shown.columns})
    table_downloads(frame, t(f"targets.file.{metric}"), filter_labels(f), f.month, key="targets-deadlines")


# -- the page -------------------------------------------------------------------------------------

def scope_section(f: Filters, metric: str, by_scope: dict[str, list[dict]], cfg: dict) -> None:
    series = actuals(metric, f.month, f.scope)
    if series.height == 0:
        st.info(t("common.no_data"))
        return
    target_rows = by_scope.get(f.scope, [])
    active = next((r for r in target_rows if r["is_active"]), None)
    if active:
        st.markdown(f":{STATUS_COLOURS[active['status']]}-badge[{v(active['status'])}] "
                    f"{status_sentence(active, metric, cfg)}")
        tiles(active, metric)
    else:
        st.info(t("targets.before_plan", baseline=baseline_label()))
    burn_down, burn_up, _ = figures(str(queries.database()), metric, f.month, f.scope, language())
    left, right = st.columns(2)
    with left:
        st.subheader(t(f"targets.burn_down.{metric}"))
        chart(burn_down, t(f"targets.burn_down_caption.{metric}"), key="burn-down")
    with right:
        st.subheader(t(f"targets.burn_up.{metric}"))
        chart(burn_up, t(f"targets.burn_up_caption.{metric}"), key="burn-up")
    if target_rows:
        st.subheader(t("targets.deadlines"))
        deadline_table(target_rows, f, metric)


def main() -> None:
    f = filters()
    page_header("page.targets", f)
    metric = url_choice(st.segmented_control, t("targets.metric"), list(METRICS), key="target_metric",
                        default="coverage", required=True, format_func=lambda m: t(f"metric.{m}"))
    cfg = settings()
    by_scope = targets_by_scope(metric, f.month)
    scope_section(f, metric, by_scope, cfg)
    st.subheader(t("targets.all_counties"))
    grid = figures(str(queries.database()), metric, f.month, f.scope, language())[2]
    chart(grid, t(f"targets.grid_caption.{metric}"), key="grid")
    st.caption(t("targets.method", baseline=baseline_label(), recent=cfg["projection_months"],
                 window=cfg["band_window_months"]))


main()
