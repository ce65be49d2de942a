"""数据探索: ad-hoc SQL over the warehouse through the safe console (dashboard/sql_console) —
example queries, the result as a table and a quick chart, downloads, the session's history."""

from __future__ import annotations

import hashlib
from datetime import datetime

import plotly.express as px
import polars as pl
import streamlit as st

from dashboard import sql_console
from dashboard.components import chart, plotly_layout
from dashboard.downloads import table_downloads
from dashboard.i18n import t
from dashboard.shell import filters, page_header
from dashboard.sql_examples import EXAMPLES

SQL_KEY = "explore_sql"
LAST_KEY = "explore_last"          # the last run: (sql, Result or QueryError)
HISTORY_KEY = "explore_history"    # this session's runs, newest first
HISTORY_SIZE = 30
CHART_KINDS = {"bar": px.bar, "line": px.line, "scatter": px.scatter}
DETAILED_ERRORS = {"syntax", "invalid", "external", "unsupported", "memory"}  # DuckDB's own words help here


def load_example() -> None:
    if key := st.session_state.get("explore_example"):
        st.session_state[SQL_KEY] = EXAMPLES[key]
    st.session_state["explore_example"] = None


def load_past() -> None:
    index = st.session_state.get("explore_past")
    if index is not None:
        st.session_state[SQL_KEY] = st.session_state[HISTORY_KEY][index]["sql"]
    st.session_state["explore_past"] = None


def one_line(sql: str) -> str:
    return " ".join(sql.split())


def run(sql: str) -> None:
    try:
        outcome = sql_console.run(sql)
    except sql_console.QueryError as exc:
        outcome = exc
    st.session_state[LAST_KEY] = (sql, outcome)
    ok = isinstance(outcome, sql_console.Result)
    history = st.session_state.setdefault(HISTORY_KEY, [])
    history.insert(0, {
        "time": datetime.now().strftime("%H:%M:%S"), "sql": sql,
        "outcome": ("truncated" if outcome.truncated else "ok") if ok else outcome.kind,
        "detail": "" if ok else outcome.detail,
        "rows": outcome.frame.height if ok else None,
        "ms": round(outcome.seconds * 1000) if ok else None,
    })
    del history[HISTORY_SIZE:]


def outcome_label(outcome: str, detail: str) -> str:
    if outcome in ("ok", "truncated"):
        return t(f"explore.outcome.{outcome}")
    return t(f"explore.error.{outcome}", detail=detail)


def editor() -> None:
    st.selectbox(t("explore.examples"), list(EXAMPLES), index=None, format_func=t, key="explore_example",
                 placeholder=t("explore.examples_placeholder"), on_change=load_example)
    with st.form("explore_form", border=False):
        st.text_area(t("explore.sql"), key=SQL_KEY, height=260, placeholder=t("explore.sql_placeholder"),
                     persist_state="session")
        if st.form_submit_button(t("explore.run"), type="primary"):
            run(st.session_state[SQL_KEY] or "")


def show_error(error: sql_console.QueryError) -> None:
    st.error(t(f"explore.error.{error.kind}", detail=error.detail))
    if error.detail and error.kind in DETAILED_ERRORS:
        st.caption(t("explore.error_detail"))
        st.code(error.detail, language=None)


def quick_chart(frame: pl.DataFrame) -> None:
    frame = frame.with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    numeric = [c for c, dtype in frame.schema.items() if dtype.is_numeric()]
    if not numeric or frame.height == 0:
        st.info(t("explore.chart_needs_number"))
        return
    # widgets keyed on the columns, so that a new result starts from fresh choices
    sig = hashlib.sha1("|".join(frame.columns).encode()).hexdigest()[:8]
    text_columns = [c for c in frame.columns if c not in numeric]
    kind_col, x_col, y_col, colour_col = st.columns(4)
    kind = kind_col.radio(t("explore.chart_kind"), list(CHART_KINDS), horizontal=True, key=f"explore_kind_{sig}",
                          format_func=lambda k: t(f"explore.chart.{k}"))
    x = x_col.selectbox(t("explore.chart_x"), frame.columns, key=f"explore_x_{sig}",
                        index=frame.columns.index(text_columns[0] if text_columns else frame.columns[0]))
    y_options = [c for c in numeric if c != x] or numeric
    y = y_col.selectbox(t("explore.chart_y"), y_options, key=f"explore_y_{sig}")
    colour = colour_col.selectbox(t("explore.chart_colour"), [None, *[c for c in text_columns if c != x]],
                                  key=f"explore_colour_{sig}",
                                  format_func=lambda c: t("explore.chart_none") if c is None else c)
    fig = plotly_layout(CHART_KINDS[kind](frame, x=x, y=y, color=colour), legend_title=colour)
    by = t("explore.chart_caption_by", colour=colour) if colour else ""
    chart(fig, t("explore.chart_caption", x=x, y=y, by=by), key="explore_chart")


def show_result(sql: str, result: sql_console.Result, data_month) -> None:
    frame = result.frame
    st.caption(t("explore.summary", rows=f"{frame.height:,}", columns=frame.width, ms=round(result.seconds * 1000)))
    if result.truncated:
        st.warning(t("explore.truncated", rows=f"{frame.height:,}"))
    if frame.height == 0:
        st.info(t("explore.no_rows"))
    table_tab, chart_tab = st.tabs([t("explore.tab_table"), t("explore.tab_chart")])
    with table_tab:
        st.dataframe(frame, hide_index=True, width="stretch")
        table_downloads(frame, t("explore.file"), {t("explore.file_sql"): one_line(sql)}, data_month,
                        key="explore-result")
    with chart_tab:
        quick_chart(frame)


def history(data_month) -> None:
    runs = st.session_state.get(HISTORY_KEY, [])
    if not runs:
        return
    with st.expander(t("explore.history"), expanded=False):
        frame = pl.DataFrame({
            t("explore.col_time"): [r["time"] for r in runs],
            t("explore.col_sql"): [one_line(r["sql"]) for r in runs],
            t("col.outcome_short"): [outcome_label(r["outcome"], r["detail"]) for r in runs],
            t("col.rows"): [r["rows"] for r in runs],
            t("explore.col_ms"): [r["ms"] for r in runs],
        }, schema_overrides={t("col.rows"): pl.Int64, t("explore.col_ms"): pl.Int64})
        st.dataframe(frame, hide_index=True, width="stretch")
        table_downloads(frame, t("explore.history_file"), {}, data_month, key="explore-history")
        st.selectbox(t("explore.history_load"), range(len(runs)), index=None, key="explore_past",
                     format_func=lambda i: f"{runs[i]['time']} · {one_line(runs[i]['sql'])[:100]}",
                     on_change=load_past)


f = filters()
page_header("page.explore", f)
st.caption(t("explore.intro", seconds=f"{sql_console.LIMITS.seconds:g}", rows=f"{sql_console.LIMITS.max_rows:,}"))
st.info(t("explore.whole_city"))
editor()
if last := st.session_state.get(LAST_KEY):
    sql, outcome = last
    if isinstance(outcome, sql_console.QueryError):
        show_error(outcome)
    else:
        show_result(sql, outcome, f.latest)
history(f.latest)
