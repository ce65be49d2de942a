"""投诉分析: the complaint rate against its reduction target, what people complain about, how the
complaints are handled and at which level they are resolved, and the compounds they come from."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.components import (
    PROFILE,
    STATUS_HEX,
    as_percent,
    chart,
    kpi_tile,
    num,
    pct,
    percent_column,
    plotly_layout,
    profile_link_column,
    table,
    translated,
    with_profile_links,
)
from dashboard.i18n import baseline_label, month_label, t, v
from dashboard.queries import trailing_months
from dashboard.shell import Filters, filters, page_header

TREND_MONTHS = 24
HOTSPOT_SIZES = (10, 20, 50)
LADDER_STEPS = {"小区": "小事不出小区", "社区": "难事不出社区", "街道": "大事不出街道"}
LEVEL_HEX = {"小区": "#1F6FB2", "社区": "#4C9BD6", "街道": "#9CC7EA", "街道以上": "#F0B429", "未填写": "#C9CED6"}
SCOPE_HEX = ("#4A5568", "#1F6FB2", "#E08A00", "#2E7D32", "#8E44AD", "#C62828", "#00838F")
CHANNEL_HEX = ("#1F6FB2", "#E08A00", "#2E7D32", "#8E44AD", "#8A94A6", "#C9CED6")


# -- data -----------------------------------------------------------------------------------------

def month_row(scope: str, month: date) -> dict:
    frame = queries.read("""
        select r.complaints, r.rate_per_1000, r.yoy_change, g.rolling12_rate, g.baseline_year, g.baseline_rate,
               g.ratio_to_baseline, g.target_ratio, g.target_rate, g.expected_rate, g.deadline, g.status,
               h.on_time_rate, h.satisfaction_rate, h.repeat_share, h.repeats, h.repeat_callers,
               coalesce(h.unmatched, 0) as unmatched, u.complaint_share as unmatched_share
        from mart_complaint_rate_monthly r
        join mart_complaint_target_monthly g using (scope_code, month)
        left join mart_complaint_handling_monthly h using (scope_code, month)
        left join mart_complaint_breakdown_monthly u on u.scope_code = r.scope_code and u.month = r.month
             and u.dimension = 'match_method' and u.value = '未匹配'
        where r.scope_code = ? and r.month = ?
    """, scope, month)
    return frame.row(0, named=True) if frame.height else {}


def trend(scope: str, month: date) -> pl.DataFrame:
    """The scope's monthly series: the rate against its target, and the handling quality."""
    return queries.read(f"""
        select g.month, r.rate_per_1000, g.rolling12_rate, g.baseline_rate, g.target_rate,
               h.on_time_rate, h.satisfaction_rate, h.repeat_share
        from mart_complaint_target_monthly g
        join mart_complaint_rate_monthly r using (scope_code, month)
        left join mart_complaint_handling_monthly h using (scope_code, month)
        where g.scope_code = ? and {trailing_months('g.month')}
        order by g.month
    """, scope, month, TREND_MONTHS)


def county_rates(month: date) -> pl.DataFrame:
    return queries.read("""
        select g.scope_code, r.complaints, r.rate_per_1000, r.yoy_change, g.rolling12_rate, g.baseline_rate,
               g.ratio_to_baseline, g.status
        from mart_complaint_target_monthly g
        join mart_complaint_rate_monthly r using (scope_code, month)
        join core_scopes s using (scope_code)
        where g.month = ?
        order by s.sort_order, g.scope_code
    """, month)


def monthly_rates(scopes: list[str], month: date) -> pl.DataFrame:
    return queries.read(f"""
        select scope_code, month, rate_per_1000 from mart_complaint_rate_monthly
        where list_contains(?, scope_code) and {trailing_months('month')}
        order by month
    """, scopes, month, TREND_MONTHS)


def breakdown(scope: str, month: date, dimension: str, months: int = TREND_MONTHS) -> pl.DataFrame:
    """One dimension's values by month, the most frequent value over the window first."""
    return queries.read(f"""
        select month, value, complaints, complaint_share
        from mart_complaint_breakdown_monthly
        where scope_code = ? and dimension = ? and {trailing_months('month')}
        order by sum(complaints) over (partition by value) desc, value, month
    """, scope, dimension, month, months)


def ladder(scope: str, month: date) -> pl.DataFrame:
    return queries.read("""
        select period, level, level_order, closed, closed_total, share, cumulative_share
        from mart_complaint_resolution_levels
        where scope_code = ? and month = ?
        order by level_order
    """, scope, month)


def hotspots(f: Filters) -> pl.DataFrame:
    """Every compound of the scope in hotspot order: complaints per 100 households, most first."""
    within = "city" if f.is_city else "county"
    return queries.read(f"""
        select {within}_rank as rank, compound_id, compound_name, county_code, town, households, management_mode,
               firm_name, complaints_12m, per_100_households_12m, {within}_top_share as top_share,
               {within}_compound_share as compound_share
        from mart_compound_complaints_monthly
        where month = ? and (? or county_code = ?)
        order by {within}_compound_share
    """, f.month, f.is_city, f.scope)


def unmatched_complaints(f: Filters) -> pl.DataFrame:
    return queries.read(f"""
        select ticket_id, received_at, county_code, reported_compound_name, category, channel, status
        from mart_complaint_records
        where compound_id is null and (? or county_code = ?) and {trailing_months('month')}
        order by received_at desc
    """, f.is_city, f.scope, f.month, 12)


# -- tiles ----------------------------------------------------------------------------------------

def status_sentence(row: dict) -> str:
    if not row.get("status"):
        return t("complaints.before_plan", baseline=baseline_label())
    return t("complaints.status_sentence", status=v(row["status"]), rate=num(row["rolling12_rate"], 2),
             ratio=pct(row["ratio_to_baseline"]), expected=num(row["expected_rate"], 2),
             target=num(row["target_rate"], 2), target_ratio=pct(row["target_ratio"], 0),
             deadline=row["deadline"].strftime("%Y-%m-%d"))


def sparkline(series: pl.DataFrame, column: str) -> list[float]:
    return series.tail(12)[column].drop_nulls().to_list()


def tiles(row: dict, series: pl.DataFrame) -> None:
    cols = st.columns(6)
    with cols[0]:
        kpi_tile(t("complaints.rolling12"), num(row.get("rolling12_rate"), 2), status=row.get("status"),
                 note=t("complaints.baseline_note", year=row.get("baseline_year") or "—",
                        base=num(row.get("baseline_rate"), 2), ratio=pct(row.get("ratio_to_baseline"), 0)),
                 chart=sparkline(series, "rolling12_rate"), help=t("complaints.rolling12_help"))
    with cols[1]:
        yoy = row.get("yoy_change")
        kpi_tile(t("complaints.monthly_rate"), num(row.get("rate_per_1000"), 2),
                 delta=None if yoy is None else t("complaints.yoy", change=f"{yoy * 100:+.1f}%"),
                 change=None if yoy is None else round(yoy * 100, 1), better="down",
                 note=t("complaints.count_note", n=num(row.get("complaints"))),
                 help=t("complaints.monthly_rate_help"))
    with cols[2]:
        kpi_tile(t("complaints.on_time"), pct(row.get("on_time_rate")), chart=sparkline(series, "on_time_rate"),
                 help=t("complaints.on_time_help"))
    with cols[3]:
        kpi_tile(t("complaints.satisfaction"), pct(row.get("satisfaction_rate")),
                 chart=sparkline(series, "satisfaction_rate"), help=t("complaints.satisfaction_help"))
    with cols[4]:
        kpi_tile(t("complaints.repeat_share"), pct(row.get("repeat_share")),
                 note=t("complaints.repeat_note", repeats=num(row.get("repeats")),
                        callers=num(row.get("repeat_callers"))), help=t("complaints.repeat_help"))
    with cols[5]:
        unmatched = row.get("unmatched")
        kpi_tile(t("complaints.unmatched"), num(unmatched),
                 note=t("complaints.unmatched_note", share=pct(row.get("unmatched_share"))) if unmatched
                 else t("complaints.all_matched"),
                 help=t("complaints.unmatched_help"))


# -- the rate against its target ----------------------------------------------------------------

def month_axis(fig, height: int = 320):
    fig.update_xaxes(tickformat="%Y-%m")
    return plotly_layout(fig, height=height)


def target_chart(series: pl.DataFrame, row: dict) -> None:
    fig = go.Figure()
    for column, label, colour, dash in (("rolling12_rate", "complaints.line_rolling12", "#1F6FB2", "solid"),
                                        ("baseline_rate", "complaints.line_baseline", "#8A94A6", "dot"),
                                        ("target_rate", "complaints.line_target", STATUS_HEX["严重滞后"], "dash")):
        fig.add_scatter(x=series["month"], y=series[column], name=t(label), mode="lines",
                        line={"color": colour, "dash": dash, "width": 3 if dash == "solid" else 2})
    fig.update_yaxes(title=t("complaints.per_1000"), rangemode="tozero")
    chart(month_axis(fig, 340), t("complaints.target_caption"), key="target")
    st.markdown(f"**{status_sentence(row)}**")


def county_table(f: Filters) -> None:
    rates = county_rates(f.month).with_columns(county=pl.col("scope_code"), status_label=pl.col("status"))
    frame = as_percent(translated(rates, "county", "status_label"), "yoy_change", "ratio_to_baseline")
    cc = st.column_config
    table(frame, {
        "county": cc.TextColumn(t("complaints.col_scope")),
        "complaints": cc.NumberColumn(t("complaints.col_complaints"), format="%d"),
        "rate_per_1000": cc.NumberColumn(t("complaints.monthly_rate"), format="%.2f"),
        "yoy_change": percent_column(t("complaints.col_yoy")),
        "rolling12_rate": cc.NumberColumn(t("complaints.rolling12"), format="%.2f"),
        "baseline_rate": cc.NumberColumn(t("complaints.col_baseline"), format="%.2f"),
        "ratio_to_baseline": percent_column(t("complaints.col_ratio")),
        "status_label": cc.TextColumn(t("complaints.col_status")),
    }, name=t("complaints.county_file"), key="county-rates", f=f,
        source_table="mart_complaint_target_monthly")
    st.caption(t("complaints.county_table_caption"))


def county_lines(f: Filters) -> None:
    scopes = queries.scopes()["scope_code"].to_list() if f.is_city else [f.city, f.scope]
    frame = monthly_rates(scopes, f.month)
    fig = go.Figure()
    for i, scope in enumerate(scopes):
        part = frame.filter(pl.col("scope_code") == scope)
        fig.add_scatter(x=part["month"], y=part["rate_per_1000"], name=v(scope), mode="lines+markers",
                        line={"color": SCOPE_HEX[i % len(SCOPE_HEX)], "dash": "dot" if scope == f.city else "solid",
                              "width": 2}, marker={"size": 5})
    fig.update_yaxes(title=t("complaints.per_1000"), rangemode="tozero")
    chart(month_axis(fig), t("complaints.county_caption"), key="county-lines")


def yoy_chart(series: pl.DataFrame) -> None:
    """The last twelve months beside the same months a year earlier."""
    this_year = series.tail(12)
    last_year = series.head(max(series.height - 12, 0))
    labels = [month_label(m) for m in this_year["month"]]
    fig = go.Figure()
    fig.add_bar(x=labels[len(labels) - last_year.height:], y=last_year["rate_per_1000"],
                name=t("complaints.last_year"), marker_color="#C9CED6")
    fig.add_bar(x=labels, y=this_year["rate_per_1000"], name=t("complaints.this_year"), marker_color="#1F6FB2")
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=t("complaints.per_1000"), rangemode="tozero")
    chart(plotly_layout(fig, height=320), t("complaints.yoy_caption"), key="yoy")


# -- what people complain about -------------------------------------------------------------------

def heating_band(fig, months: list[date]) -> None:
    """A band above the plot over the heating-season months, so the winter peak reads at a glance."""
    heating = queries.value("select heating_months from core_settings")
    fig.update_layout(shapes=[
        {"type": "rect", "xref": "x", "yref": "paper", "x0": m.replace(day=1), "x1": m, "y0": 1.0, "y1": 1.04,
         "fillcolor": STATUS_HEX["滞后"], "opacity": 0.6, "line": {"width": 0}}
        for m in months if m.month in heating])


def category_chart(scope: str, month: date) -> None:
    frame = breakdown(scope, month, "category")
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    order = frame["value"].unique(maintain_order=True).to_list()
    wide = frame.pivot(on="month", index="value", values="complaints", sort_columns=True).fill_null(0)
    wide = wide.sort(pl.col("value").replace_strict({c: i for i, c in enumerate(order)}), descending=True)
    months = [date.fromisoformat(str(c)) for c in wide.columns[1:]]
    fig = go.Figure(go.Heatmap(
        x=months, y=[v(c) for c in wide["value"]], z=wide.drop("value").to_numpy(), xperiod="M1",
        colorscale=[[0, "#F5F8FC"], [0.35, "#9CC7EA"], [0.7, "#E08A00"], [1, "#B22A2E"]],
        hovertemplate="%{y} · %{x|%Y-%m}: %{z}<extra></extra>", colorbar={"title": t("complaints.col_complaints")}))
    heating_band(fig, months)
    chart(month_axis(fig, max(320, 24 * wide.height + 100)), t("complaints.category_caption"), key="categories")


def channel_chart(scope: str, month: date) -> None:
    frame = breakdown(scope, month, "channel")
    fig = go.Figure()
    for i, channel in enumerate(frame["value"].unique(maintain_order=True)):
        part = frame.filter(pl.col("value") == channel)
        fig.add_bar(x=part["month"], y=part["complaint_share"], name=v(channel),
                    marker_color=CHANNEL_HEX[i % len(CHANNEL_HEX)], xperiod="M1",
                    hovertemplate="%{x|%Y-%m}: %{y:.1%}<extra>" + v(channel) + "</extra>")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    chart(month_axis(fig), t("complaints.channel_caption"), key="channels")


# -- how complaints are handled -------------------------------------------------------------------

def handling_chart(series: pl.DataFrame) -> None:
    fig = go.Figure()
    for column, label, colour in (("on_time_rate", "complaints.on_time", "#1F6FB2"),
                                  ("satisfaction_rate", "complaints.satisfaction", "#2E7D32"),
                                  ("repeat_share", "complaints.repeat_share", "#C62828")):
        fig.add_scatter(x=series["month"], y=series[column], name=t(label), mode="lines+markers",
                        line={"color": colour, "width": 2}, marker={"size": 5})
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    chart(month_axis(fig), t("complaints.handling_caption"), key="handling")


def ladder_chart(frame: pl.DataFrame) -> None:
    fig = go.Figure()
    for level in LEVEL_HEX:
        part = frame.filter(pl.col("level") == level).sort("period", descending=True)
        fig.add_bar(y=[t(f"complaints.period_{p}") for p in part["period"]], x=part["share"], orientation="h",
                    name=v(level), marker_color=LEVEL_HEX[level], texttemplate="%{x:.0%}", textposition="inside",
                    hovertemplate=v(level) + ": %{x:.1%}<extra></extra>")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    chart(plotly_layout(fig, height=220), t("complaints.ladder_caption"), key="ladder")


def ladder_section(f: Filters) -> None:
    frame = ladder(f.scope, f.month)
    ladder_chart(frame)
    steps = frame.filter(pl.col("level").is_in(list(LADDER_STEPS)))
    for column, level in zip(st.columns(len(LADDER_STEPS)), LADDER_STEPS, strict=True):
        share = {r["period"]: r["cumulative_share"] for r in steps.filter(pl.col("level") == level).to_dicts()}
        with column:
            kpi_tile(v(LADDER_STEPS[level]), pct(share.get("12m")),
                     note=t("complaints.ladder_month", share=pct(share.get("month"))), help=t("complaints.ladder_help"))


# -- where complaints come from -------------------------------------------------------------------

def hotspot_section(f: Filters, every: pl.DataFrame) -> int:
    """The top compounds' table; returns how many it shows."""
    size = st.segmented_control(t("complaints.hotspot_size"), HOTSPOT_SIZES, default=HOTSPOT_SIZES[0],
                                key="hotspot_n", format_func=lambda n: t("complaints.top_n", n=n))
    top = every.head(size or HOTSPOT_SIZES[0])
    last = top.row(-1, named=True)
    st.markdown(t("complaints.hotspot_line", n=top.height, compound_share=pct(last["compound_share"]),
                  share=pct(last["top_share"])))
    shown = as_percent(translated(with_profile_links(top, f.scope, f.month), "county_code", "management_mode",
                                  "firm_name"), "top_share")
    cc = st.column_config
    table(shown, {
        "rank": cc.NumberColumn(t("complaints.col_rank"), format="%d", width="small"),
        "compound_name": cc.TextColumn(t("complaints.col_compound")),
        PROFILE: profile_link_column(t("complaints.col_compound_id")),
        "county_code": cc.TextColumn(t("complaints.col_county")),
        "town": cc.TextColumn(t("complaints.col_town")),
        "households": cc.NumberColumn(t("complaints.col_households"), format="%d"),
        "management_mode": cc.TextColumn(t("complaints.col_mode")),
        "firm_name": cc.TextColumn(t("complaints.col_firm")),
        "complaints_12m": cc.NumberColumn(t("complaints.col_complaints_12m"), format="%d"),
        "per_100_households_12m": cc.NumberColumn(t("complaints.col_per_100"), format="%.2f"),
        "top_share": percent_column(t("complaints.col_top_share")),
    }, name=t("complaints.hotspot_file"), key="hotspots", f=f, source_table="mart_compound_complaints_monthly")
    return top.height


CURVE_POINTS = 400  # a province has tens of thousands of compounds; the curve reads the same from a few hundred


def concentration_chart(every: pl.DataFrame, n: int) -> None:
    curve = pl.concat([every.gather_every(max(1, every.height // CURVE_POINTS)), every.tail(1)]).unique(
        "compound_share", maintain_order=True)
    fig = go.Figure()
    fig.add_scatter(x=[0, *curve["compound_share"]], y=[0, *curve["top_share"]], mode="lines",
                    line={"color": "#1F6FB2", "width": 3}, name=t("complaints.concentration"),
                    hovertemplate="%{x:.1%} → %{y:.1%}<extra></extra>")
    marker = every.row(n - 1, named=True)
    fig.add_scatter(x=[marker["compound_share"]], y=[marker["top_share"]], mode="markers+text",
                    marker={"color": STATUS_HEX["严重滞后"], "size": 11}, text=[t("complaints.top_n", n=n)],
                    textposition="bottom right", showlegend=False, hoverinfo="skip")
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title=t("complaints.axis_compounds"))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02], title=t("complaints.axis_complaints"))
    chart(plotly_layout(fig, height=340), t("complaints.concentration_caption"), key="concentration")


def unmatched_section(f: Filters) -> None:
    methods = breakdown(f.scope, f.month, "match_method", months=1)
    cc = st.column_config
    table(as_percent(translated(methods, "value"), "complaint_share"), {
        "value": cc.TextColumn(t("complaints.col_match")),
        "complaints": cc.NumberColumn(t("complaints.col_complaints"), format="%d"),
        "complaint_share": percent_column(t("complaints.col_share")),
    }, name=t("complaints.match_file"), key="match", f=f,
        source_table="mart_complaint_breakdown_monthly")
    st.markdown(f"**{t('complaints.unmatched_list')}**")
    table(translated(unmatched_complaints(f), "county_code", "category", "channel", "status"), {
        "ticket_id": cc.TextColumn(t("complaints.col_ticket")),
        "received_at": cc.DatetimeColumn(t("complaints.col_received"), format="YYYY-MM-DD HH:mm"),
        "county_code": cc.TextColumn(t("complaints.col_county")),
        "reported_compound_name": cc.TextColumn(t("complaints.col_reported_name")),
        "category": cc.TextColumn(t("complaints.col_category")),
        "status": cc.TextColumn(t("complaints.col_ticket_status")),
    }, name=t("complaints.unmatched_file"), key="unmatched", f=f,
        source_table="mart_complaint_records")


f = filters()
page_header("page.complaints", f)
series = trend(f.scope, f.month)
row = month_row(f.scope, f.month)
tiles(row, series)

st.subheader(t("complaints.rate_title"))
left, right = st.columns(2)
with left:
    target_chart(series, row)
with right:
    county_lines(f)
county_table(f)

st.subheader(t("complaints.category_title"))
left, right = st.columns(2)
with left:
    yoy_chart(series)
with right:
    channel_chart(f.scope, f.month)
category_chart(f.scope, f.month)

st.subheader(t("complaints.handling_title"))
left, right = st.columns(2)
with left:
    handling_chart(series)
with right:
    ladder_section(f)

st.subheader(t("complaints.hotspot_title"))
compounds = hotspots(f)
shown_top = hotspot_section(f, compounds) if compounds.height else 0
if not shown_top:
    st.info(t("common.no_data"))
left, right = st.columns(2)
with left:
    if shown_top:
        concentration_chart(compounds, shown_top)
with right:
    st.markdown(f"#### {t('complaints.unmatched_title')}")
    unmatched_section(f)
