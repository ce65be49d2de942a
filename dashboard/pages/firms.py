"""企业评价: each firm's credit score and level under the default model, every point of it traced to
its source record; the red and black lists; service grades, fees above their grade's cap and
downgrades; and one firm in detail (kept in the URL as `firm`, its credit code)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.columns import configs
from dashboard.components import (
    chart,
    kpi_tile,
    listed,
    num,
    period_label,
    plotly_layout,
    table,
    translated,
    with_profile_links,
)
from dashboard.frames import mapped
from dashboard.i18n import language, t, v, v_list
from dashboard.queries import trailing_months
from dashboard.shell import Filters, filters, page_header, url_choice

HISTORY_QUARTERS = 8
LEVEL_HEX = {"A": "#2E7D32", "B": "#1F6FB2", "C": "#E08A00", "D": "#C62828"}
GRADE_HEX = {"一级": "#1F6FB2", "二级": "#4C9BD6", "三级": "#9CC7EA", "未评定": "#C9CED6"}
REF_TYPES = ("complaint", "inspection", "rectification", "credit_event")


def quarter_of(month: date) -> str:
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


def model_note(quarter: str, end: date) -> str:
    """The scoring rules and level lines in force, as configured in the reference data."""
    model = queries.read("select * from mart_credit_model order by points desc, min_score desc")
    label = "label_en" if language() == "en" else "label_zh"
    rules = model.filter(pl.col("kind") == "rule")
    start = rules.filter(pl.col("code") == "start")["points"].item()
    scoring = t("firms.sep").join(f"{r[label]} {r['points']:+.0f}"
                                  for r in rules.filter(pl.col("code") != "start").iter_rows(named=True))
    lines = t("firms.sep").join(f"{r['code']} ≥ {r['min_score']:.0f}" + (f" {r[label]}" if r[label] else "")
                                for r in model.filter(pl.col("kind") == "level").iter_rows(named=True))
    return t("firms.model_note", quarter=quarter, end=end, start=f"{start:.0f}", rules=scoring, levels=lines)


# -- data -----------------------------------------------------------------------------------------

def ranking(scope: str, quarter: str) -> pl.DataFrame:
    return queries.read("""
        select rank_in_scope, firm_credit_code, firm_name, level, list_zh, list_en, score, start_points,
               points_gained, points_lost, deductions, compounds_in_scope, households_in_scope, is_local, quarter_end
        from mart_firm_credit_scope_quarterly
        where scope_code = ? and quarter = ?
        order by rank_in_scope, firm_name
    """, scope, quarter)


def levels(scope: str, quarter: str) -> pl.DataFrame:
    return queries.read("""
        select quarter, level, min_score, list_zh, list_en, firms, share, quarter_complete
        from mart_firm_credit_levels_quarterly
        where scope_code = ? and quarter <= ?
        qualify dense_rank() over (order by quarter desc) <= ?
        order by quarter, min_score desc
    """, scope, quarter, HISTORY_QUARTERS)


def service_grades(f: Filters) -> pl.DataFrame:
    return queries.read("""
        select g.scope_code, g.service_grade, g.grade_order, g.compounds, g.share
        from mart_service_grades_monthly g
        join core_scopes s using (scope_code)
        where g.month = ? and (? or g.scope_code = ?)
        order by s.sort_order desc, g.scope_code desc, g.grade_order
    """, f.month, f.is_city, f.scope)


def grade_issues(f: Filters) -> pl.DataFrame:
    """Compounds whose fee that month is above the cap of their grade in force (质价不符), or whose latest
    assessment downgraded them."""
    return queries.read("""
        select compound_id, compound_name, county_code, period, firm_name, score, grade, previous_grade,
               grade_in_force, grade_source, fee_per_m2_month, fee_cap_per_m2_month, fee_excess, fee_above_cap,
               downgraded, source_file, source_row
        from mart_grade_assessments_monthly
        where month = ? and (fee_above_cap or downgraded) and (? or county_code = ?)
        order by fee_excess desc nulls last, county_code, compound_id
    """, f.month, f.is_city, f.scope)


def score_history(firm: str, quarter: str) -> pl.DataFrame:
    return queries.read("""
        select quarter, quarter_end, score, level from mart_firm_credit_quarterly
        where firm_credit_code = ? and quarter <= ?
        qualify row_number() over (order by quarter desc) <= ?
        order by quarter
    """, firm, quarter, HISTORY_QUARTERS)


def deductions(firm: str, year: int, quarter_end: date) -> pl.DataFrame:
    """What the score of the year to date is made of, one row per deduction or event."""
    return queries.read("""
        select occurred_on, rule_zh, rule_en, ref_type, ref_id, points, detail, detail_en, detail_term, compound_name,
               source_file, source_row
        from mart_firm_credit_deductions
        where firm_credit_code = ? and year = ? and occurred_on <= ?
        order by occurred_on, rule
    """, firm, year, quarter_end)


def firm_compounds(firm: str, month: date) -> pl.DataFrame:
    return queries.read("""
        select compound_id, compound_name, county_code, town, households, service_grade, fee_per_m2_month,
               complaints_12m, per_100_households_12m
        from mart_compound_complaints_monthly
        where firm_credit_code = ? and month = ?
        order by per_100_households_12m desc, compound_id
    """, firm, month)


def firm_complaints(firm: str, month: date) -> pl.DataFrame:
    return queries.read(f"""
        select ticket_id, received_at, compound_name, category, status, closed_late, substantiated, satisfaction,
               credit_points, source_file, source_row
        from mart_complaint_records
        where firm_credit_code = ? and {trailing_months('month')}
        order by received_at desc
    """, firm, month, 12)


def firm_inspections(firm: str, month: date) -> pl.DataFrame:
    return queries.read("""
        select inspection_id, inspected_on, compound_name, department, items, findings, result, penalty_cny,
               credit_points, source_file, source_row
        from mart_inspection_records
        where firm_credit_code = ? and inspected_on <= ?
        order by inspected_on desc
    """, firm, month)


def firm_open_items(firm: str, month: date) -> pl.DataFrame:
    return queries.read("""
        select issue_id, source, compound_name, category, description, found_on, deadline, days_overdue,
               credit_points, source_file, source_row
        from mart_open_rectifications_monthly
        where firm_credit_code = ? and month = ?
        order by days_overdue desc nulls last, deadline
    """, firm, month)


# -- the city's firms -----------------------------------------------------------------------------

def tiles(level_counts: pl.DataFrame, firms: int, issues: pl.DataFrame) -> None:
    counts = dict(zip(level_counts["level"], level_counts["firms"], strict=True))
    cols = st.columns(5)
    with cols[0]:
        kpi_tile(t("firms.rated"), num(firms), help=t("firms.rated_help"))
    with cols[1]:
        kpi_tile(t("firms.red"), num(counts.get("A", 0)), help=t("firms.red_help"))
    with cols[2]:
        kpi_tile(t("firms.black"), num(counts.get("D", 0)), help=t("firms.black_help"))
    with cols[3]:
        kpi_tile(t("firms.fee_above_cap"), num(issues["fee_above_cap"].sum()), help=t("firms.fee_above_cap_help"))
    with cols[4]:
        kpi_tile(t("firms.downgraded"), num(issues["downgraded"].sum()), help=t("firms.downgraded_help"))


def level_chart(history: pl.DataFrame) -> None:
    fig = go.Figure()
    for level, colour in LEVEL_HEX.items():
        part = history.filter(pl.col("level") == level)
        labels = [period_label(q, c) for q, c in zip(part["quarter"], part["quarter_complete"], strict=True)]
        fig.add_bar(x=labels, y=part["firms"], name=t("firms.level_name", level=level), marker_color=colour,
                    texttemplate="%{y}", textposition="inside")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=t("firms.firms_axis"), showticklabels=False)
    chart(plotly_layout(fig, height=320), t("firms.level_caption"), key="levels")


def lists(frame: pl.DataFrame, f: Filters) -> None:
    config = configs("rank_in_scope", "firm_name/firms", "score", "compounds_in_scope")
    for level, title, key in (("A", "firms.red_list", "red"), ("D", "firms.black_list", "black")):
        st.subheader(t(title))
        chosen = frame.filter(pl.col("level") == level)
        if chosen.height == 0:
            st.caption(t("firms.list_empty"))
            continue
        table(chosen, config, name=t(title), key=key, f=f, source_table="mart_firm_credit_scope_quarterly",
              height=min(38 + 35 * chosen.height, 280))


def ranking_table(frame: pl.DataFrame, f: Filters) -> None:
    shown = translated(frame.with_columns(pl.col("list_en" if language() == "en" else "list_zh").alias("list")),
                       "list")
    table(shown, configs(
        "rank_in_scope", "firm_name/firms", "firm_credit_code", "score", "level", "list", "points_lost",
        "points_gained", "deductions", "compounds_in_scope", "households_in_scope",
    ), name=t("firms.ranking_file"), key="ranking", f=f,
        source_table="mart_firm_credit_scope_quarterly", height=min(38 + 35 * frame.height, 420))


def grade_chart(f: Filters) -> None:
    frame = service_grades(f)
    fig = go.Figure()
    for grade, colour in GRADE_HEX.items():
        part = frame.filter(pl.col("service_grade") == grade)
        fig.add_bar(y=[v(s) for s in part["scope_code"]], x=part["share"], customdata=part["compounds"],
                    orientation="h", name=v(grade), marker_color=colour, texttemplate="%{customdata}",
                    textposition="inside", hovertemplate=v(grade) + ": %{customdata} (%{x:.1%})<extra></extra>")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    chart(plotly_layout(fig, height=120 + 40 * frame["scope_code"].n_unique()), t("firms.grade_caption"),
          key="grades")


def issue_tables(issues: pl.DataFrame, f: Filters) -> None:
    common = configs("compound_name", "county_code", "period/firms", "firm_name/firms", "score/firms")
    shown = translated(issues, "county_code", "grade", "previous_grade", "grade_in_force", "grade_source")
    st.markdown(f"**{t('firms.fee_above_cap_title')}**")
    table(shown.filter(pl.col("fee_above_cap")), configs(
        common, "grade_in_force", "grade_source", "fee_per_m2_month", "fee_cap_per_m2_month", "fee_excess",
    ), name=t("firms.fee_above_cap_file"), key="fee-above-cap", f=f, source_table="mart_grade_assessments_monthly")
    st.markdown(f"**{t('firms.downgraded_title')}**")
    table(shown.filter(pl.col("downgraded")), configs(
        common, "previous_grade", "grade",
    ), name=t("firms.downgraded_file"), key="downgraded", f=f, source_table="mart_grade_assessments_monthly")


# -- one firm -------------------------------------------------------------------------------------

def history_chart(history: pl.DataFrame, thresholds: pl.DataFrame) -> None:
    fig = go.Figure()
    fig.add_scatter(x=history["quarter"], y=history["score"], mode="lines+markers+text", name=t("col.score"),
                    text=[f"{s:.0f} {lv}" for s, lv in zip(history["score"], history["level"], strict=True)],
                    textposition="top center", line={"color": "#1F6FB2", "width": 3},
                    marker={"size": 10, "color": [LEVEL_HEX.get(lv, "#8A94A6") for lv in history["level"]]})
    for row in thresholds.filter(pl.col("min_score") > 0).iter_rows(named=True):
        fig.add_hline(y=row["min_score"], line={"dash": "dot", "color": LEVEL_HEX.get(row["level"], "#8A94A6")},
                      annotation_text=t("firms.threshold", level=row["level"], score=f"{row['min_score']:.0f}"),
                      annotation_position="bottom left")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=t("col.score"),
                     range=[min(60, history["score"].min() - 5), max(105, history["score"].max() + 8)])
    chart(plotly_layout(fig, height=300), t("firms.history_caption"), key="history")


def score_tiles(firm: dict) -> None:
    listed = firm["list_en" if language() == "en" else "list_zh"]
    cols = st.columns(4)
    with cols[0]:
        kpi_tile(t("col.score"), f"{firm['score']:.0f}",
                 note=t("firms.level_note", level=firm["level"], listed=listed or ""))
    with cols[1]:
        kpi_tile(t("col.points_gained"), f"{firm['points_gained']:.0f}")
    with cols[2]:
        kpi_tile(t("col.points_lost"), f"{firm['points_lost']:.0f}")
    with cols[3]:
        kpi_tile(t("col.deductions"), num(firm["deductions"]))


def explanation(firm: dict) -> str:
    listed = firm["list_en" if language() == "en" else "list_zh"]
    return t("firms.explain", start=f"{firm['start_points']:.0f}", gained=f"{firm['points_gained']:.0f}",
             lost=f"{firm['points_lost']:.0f}", score=f"{firm['score']:.0f}", level=firm["level"],
             listed=t("firms.listed", list=listed) if listed else "")


def detail_text(frame: pl.DataFrame) -> pl.Expr:
    """What the points are for: the Chinese sentence, or the English one with its term translated."""
    if language() != "en":
        return pl.col("detail")
    terms = mapped(frame["detail_term"], v_list, nulls=True)
    return pl.col("detail_en").str.replace("{term}", pl.lit(terms), literal=True).alias("detail")


def deduction_table(frame: pl.DataFrame, f: Filters, firm: dict) -> None:
    shown = frame.with_columns(
        detail_text(frame), pl.col("compound_name").fill_null("—"),
        pl.col("rule_en" if language() == "en" else "rule_zh").alias("rule"),
        pl.col("ref_type").replace_strict({r: t(f"firms.ref_{r}") for r in REF_TYPES}, default=None).alias("source"))
    table(shown, configs(
        "occurred_on", "rule/firms", "points", "source/firms", "ref_id", "detail", "compound_name", "source_file",
        "source_row",
    ), name=t("firms.deductions_file", firm=firm["firm_name"]), key="deductions", f=f,
        source_table="mart_firm_credit_deductions")


SOURCE_COLUMNS = ("credit_points", "source_file", "source_row")


def source_config() -> dict:
    return configs("credit_points", "source_file", "source_row")


def record_tabs(firm: dict, f: Filters) -> None:
    code, name = firm["firm_credit_code"], firm["firm_name"]
    compounds = firm_compounds(code, f.month)
    complaints = firm_complaints(code, f.month)
    inspections = firm_inspections(code, f.month)
    open_items = firm_open_items(code, f.month)
    tabs = st.tabs([t("firms.tab_compounds", n=compounds.height), t("firms.tab_complaints", n=complaints.height),
                    t("firms.tab_inspections", n=inspections.height), t("firms.tab_open_items", n=open_items.height)])
    with tabs[0]:
        table(translated(with_profile_links(compounds, f.scope, f.month), "county_code", "service_grade"), configs(
            "compound_name", "profile/firms", "county_code", "town", "households", "service_grade/firms",
            "fee_per_m2_month", "complaints_12m", "per_100_households_12m",
        ), name=t("firms.compounds_file", firm=name), key="firm-compounds",
            source_table="mart_compound_complaints_monthly", f=f)
    with tabs[1]:
        table(translated(complaints, "category", "status", "satisfaction"), configs(
            "ticket_id", "received_at", "compound_name", "category/firms", "status", "closed_late", "substantiated",
            "satisfaction", source_config(),
        ), name=t("firms.complaints_file", firm=name), key="firm-complaints", source_table="mart_complaint_records",
            f=f)
    with tabs[2]:
        table(listed(translated(inspections, "result"), "items"), configs(
            "inspection_id/firms", "inspected_on/firms", "compound_name", "department", "items/firms",
            "findings/firms", "result", "penalty_cny/firms", source_config(),
        ), name=t("firms.inspections_file", firm=name), key="firm-inspections",
            source_table="mart_inspection_records", f=f)
    with tabs[3]:
        table(translated(open_items, "source", "category"), configs(
            "issue_id/firms", "source", "compound_name", "category/firms", "description", "found_on/firms",
            "deadline", "days_overdue", source_config(),
        ), name=t("firms.open_items_file", firm=name), key="firm-open-items",
            source_table="mart_open_rectifications_monthly", f=f)


def firm_detail(frame: pl.DataFrame, quarter: str, thresholds: pl.DataFrame, f: Filters) -> None:
    firms = {r["firm_credit_code"]: r for r in frame.iter_rows(named=True)}
    code = url_choice(st.selectbox, t("firms.choose"), list(firms), key="firm", default=next(iter(firms)),
                      format_func=lambda c: t("firms.option", name=firms[c]["firm_name"], level=firms[c]["level"],
                                              score=f"{firms[c]['score']:.0f}"))
    firm = firms[code]
    st.markdown(f"#### {firm['firm_name']}  `{code}`")
    left, right = st.columns([2, 3])
    with left:
        history_chart(score_history(code, quarter), thresholds)
    with right:
        score_tiles(firm)
        st.markdown(f"**{explanation(firm)}**")
    st.markdown(f"**{t('firms.deductions_title', year=firm['quarter_end'].year, end=firm['quarter_end'])}**")
    deduction_table(deductions(code, firm["quarter_end"].year, firm["quarter_end"]), f, firm)
    record_tabs(firm, f)


def firm_overview(firms: pl.DataFrame, level_history: pl.DataFrame, quarter: str, issues: pl.DataFrame,
                  f: Filters) -> None:
    st.caption(model_note(quarter, firms["quarter_end"][0]))
    tiles(level_history.filter(pl.col("quarter") == quarter), firms.height, issues)
    left, right = st.columns([2, 3])
    with left:
        st.subheader(t("firms.level_title"))
        level_chart(level_history)
    with right:
        lists(firms, f)
    st.subheader(t("firms.ranking_title"))
    ranking_table(firms, f)


f = filters()
page_header("page.firms", f)
quarter = quarter_of(f.month)
firms = ranking(f.scope, quarter)
issues = grade_issues(f)
level_history = levels(f.scope, quarter)
if firms.height:
    firm_overview(firms, level_history, quarter, issues, f)
else:
    st.info(t("firms.no_firms"))

st.subheader(t("firms.grade_title"))
grade_chart(f)
issue_tables(issues, f)

if firms.height:
    st.subheader(t("firms.detail_title"))
    firm_detail(firms, quarter, level_history.filter(pl.col("quarter") == quarter), f)
