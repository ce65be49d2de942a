"""矛盾化解: the utilities census (产权明晰, 收费到户, 服务到户 by utility and county), mediation cases and
their outcomes, and the three-party joint meetings with the issues they resolved."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.columns import configs
from dashboard.components import (
    as_percent,
    chart,
    kpi_tile,
    listed,
    month_labels,
    num,
    pct,
    plotly_layout,
    series_figure,
    table,
    translated,
    with_profile_links,
)
from dashboard.i18n import t
from dashboard.shell import Filters, filters, page_header

MONTHS_SHOWN = 12
IN_SCOPE = "($2 = $3 or county_code = $2)"  # with $2 the scope and $3 the city
RATES = ("ownership_rate", "billed_rate", "serviced_rate")
RATE_HEX = {"ownership_rate": "#1F6FB2", "billed_rate": "#7FB3D5", "serviced_rate": "#F0B429"}
OUTCOME_HEX = {"succeeded": "#2E7D32", "failed": "#C62828", "litigated": "#E08A00", "in_progress": "#C9CED6"}


def rate_labels() -> dict[str, str]:
    return {r: t(f"mediation.{r}") for r in RATES}


# -- 水电气暖 ---------------------------------------------------------------------------------------

UTILITY_COLUMNS = "compounds_surveyed, census_coverage, items, ownership_rate, billed_rate, serviced_rate"


def utilities(f: Filters) -> None:
    frame = queries.read(f"""
        select utility, {UTILITY_COLUMNS} from mart_utilities_monthly
        where scope_code = ? and month = ? order by sort_order
    """, f.scope, f.month)
    total = frame.filter(pl.col("utility") == "全部")
    k = total.row(0, named=True) if total.height else {}
    cols = st.columns(4)
    with cols[0]:
        kpi_tile(t("mediation.census_coverage"), pct(k.get("census_coverage")),
                 note=t("mediation.census_note", n=num(k.get("compounds_surveyed"))),
                 help=t("mediation.census_help"))
    for col, rate in zip(cols[1:], RATES, strict=True):
        with col:
            kpi_tile(t(f"mediation.{rate}"), pct(k.get(rate)), help=t("mediation.rate_help"))
    left, right = st.columns([2, 3])
    with left:
        utility_chart(frame.filter(pl.col("utility") != "全部"))
    with right:
        utility_table(f)
    utility_gaps(f)


def utility_chart(frame: pl.DataFrame) -> None:
    if frame.height == 0 or frame["items"].sum() == 0:
        st.info(t("common.no_data"))
        return
    shown = as_percent(translated(frame, "utility"), *RATES)
    fig = series_figure(shown["utility"].to_list(), {
        label: (shown[rate].to_list(), RATE_HEX[rate]) for rate, label in rate_labels().items()},
        yaxis_title="%", yaxis_range=[0, 115])
    fig.update_traces(texttemplate="%{y:.0f}%", textposition="outside", cliponaxis=False)
    chart(plotly_layout(fig, height=340), t("mediation.utility_caption"), key="utilities")


def utility_table(f: Filters) -> None:
    frame = queries.read(f"""
        select scope_code as county, utility, {UTILITY_COLUMNS}
        from mart_utilities_monthly u
        join core_scopes s using (scope_code)
        where u.month = $1 and s.scope_level = 'county' and ($2 = $3 or u.scope_code = $2) and u.utility <> '全部'
        order by s.sort_order, u.scope_code, u.sort_order
    """, f.month, f.scope, f.city)
    table(as_percent(translated(frame, "county", "utility"), "census_coverage", *RATES), configs(
        "county", "utility", "compounds_surveyed", "census_coverage", *RATES,
    ), name=t("mediation.file_utilities"), f=f, key="utilities-by-county", source_table="mart_utilities_monthly")


def utility_gaps(f: Filters) -> None:
    frame = queries.read(f"""
        select compound_id, compound_name, county_code, town, utility, ownership_clarified, billed_to_household,
               serviced_to_household, operator, census_as_of
        from mart_utilities_compounds_monthly
        where month = $1 and {IN_SCOPE} and not all_done
        order by county_code, town, compound_id, utility
    """, f.month, f.scope, f.city)
    # one row a compound and utility: the heading counts compounds, and the rows as utilities
    st.subheader(t("mediation.gaps", n=frame["compound_id"].n_unique(), rows=frame.height))
    shown = translated(with_profile_links(frame.with_columns(county=pl.col("county_code")), f.scope, f.month),
                       "county", "utility")
    table(shown, configs(
        "profile", "compound_name/compound", "county", "town", "utility", "ownership_clarified",
        "billed_to_household", "serviced_to_household", "operator", "census_as_of",
    ), name=t("mediation.file_gaps"), f=f, key="utility-gaps", source_table="mart_utilities_compounds_monthly")


# -- 人民调解 ---------------------------------------------------------------------------------------

def mediations(f: Filters) -> None:
    frame = queries.read("""
        select month, dispute_type, opened, succeeded, failed, litigated, in_progress, opened_12m, succeeded_12m,
               failed_12m, litigated_12m, in_progress_12m, success_rate_12m
        from mart_mediation_monthly
        where scope_code = ? and month <= ? and month > last_day(? - interval 12 month)
    """, f.scope, f.month, f.month)
    now = frame.filter(pl.col("month") == f.month)
    total = now.filter(pl.col("dispute_type") == "全部")
    k = total.row(0, named=True) if total.height else {}
    cols = st.columns(4)
    with cols[0]:
        kpi_tile(t("mediation.cases_12m"), num(k.get("opened_12m")))
    with cols[1]:
        kpi_tile(t("mediation.success_rate"), pct(k.get("success_rate_12m")),
                 note=t("mediation.success_note", n=num(k.get("succeeded_12m"))), help=t("mediation.success_help"))
    with cols[2]:
        kpi_tile(t("mediation.litigated"), num(k.get("litigated_12m")),
                 note=t("mediation.failed_note", n=num(k.get("failed_12m"))))
    with cols[3]:
        kpi_tile(t("mediation.in_progress"), num(k.get("in_progress_12m")))
    left, right = st.columns([3, 2])
    with left:
        outcome_chart(frame.filter(pl.col("dispute_type") == "全部"))
    with right:
        dispute_table(now.filter((pl.col("dispute_type") != "全部") & (pl.col("opened_12m") > 0)), f)
    case_list(f)


def outcome_labels() -> dict[str, str]:
    return {o: t(f"mediation.outcome_{o}") for o in OUTCOME_HEX}


def outcome_chart(monthly: pl.DataFrame) -> None:
    if monthly.height == 0 or monthly["opened"].sum() == 0:
        st.info(t("common.no_data"))
        return
    shown = month_labels(monthly.sort("month"))
    fig = series_figure(shown["month"].to_list(), {
        label: (shown[o].to_list(), OUTCOME_HEX[o]) for o, label in outcome_labels().items()},
        barmode="stack", yaxis_title=t("mediation.col_cases"))
    chart(plotly_layout(fig, height=320), t("mediation.outcome_caption"), key="mediation-outcomes")


def dispute_table(by_type: pl.DataFrame, f: Filters) -> None:
    ordered = by_type.sort("opened_12m", "dispute_type", descending=[True, False])
    table(as_percent(translated(ordered, "dispute_type"), "success_rate_12m"), configs(
        "dispute_type", "opened_12m", "succeeded_12m", "failed_12m", "litigated_12m", "in_progress_12m",
        "success_rate_12m",
    ), name=t("mediation.file_types"), f=f, key="mediation-types", source_table="mart_mediation_monthly")


def case_list(f: Filters) -> None:
    frame = queries.read(f"""
        select case_id, opened_on, county_code, town, compound_id, compound_name, dispute_type, outcome
        from mart_mediation_cases
        where month <= $1 and month > last_day($1 - interval 12 month) and {IN_SCOPE}
        order by opened_on desc, case_id
    """, f.month, f.scope, f.city)
    st.subheader(t("mediation.cases", n=frame.height))
    shown = translated(with_profile_links(frame.with_columns(county=pl.col("county_code")), f.scope, f.month),
                       "county", "outcome", "dispute_type")
    table(shown, configs(
        "case_id", "opened_on", "county", "town", "profile", "compound_name/compound", "dispute_type", "outcome",
    ), name=t("mediation.file_cases"), f=f, key="mediation-cases", source_table="mart_mediation_cases")


# -- 联席会议 ---------------------------------------------------------------------------------------

def joint_meetings(f: Filters) -> None:
    frame = queries.read("""
        select month, meetings, issues_raised, issues_resolved, meetings_12m, issues_raised_12m,
               issues_resolved_12m, resolution_rate_12m, towns_12m
        from mart_joint_meetings_monthly
        where scope_code = ? and month <= ? and month > last_day(? - interval 12 month) order by month
    """, f.scope, f.month, f.month)
    now = frame.filter(pl.col("month") == f.month)
    k = now.row(0, named=True) if now.height else {}
    cols = st.columns(4)
    with cols[0]:
        kpi_tile(t("mediation.meetings_12m"), num(k.get("meetings_12m")))
    with cols[1]:
        kpi_tile(t("mediation.towns_12m"), num(k.get("towns_12m")))
    with cols[2]:
        kpi_tile(t("mediation.issues_12m"), num(k.get("issues_raised_12m")),
                 note=t("mediation.resolved_note", n=num(k.get("issues_resolved_12m"))))
    with cols[3]:
        kpi_tile(t("mediation.resolution_rate"), pct(k.get("resolution_rate_12m")),
                 help=t("mediation.resolution_help"))
    left, right = st.columns([2, 3])
    with left:
        meeting_chart(frame)
    with right:
        meeting_list(f)


def meeting_chart(monthly: pl.DataFrame) -> None:
    if monthly.height == 0 or monthly["meetings"].sum() == 0:
        st.info(t("common.no_data"))
        return
    shown = month_labels(monthly)
    fig = series_figure(shown["month"].to_list(), {
        t("col.issues_raised"): (shown["issues_raised"].to_list(), "#7FB3D5"),
        t("col.issues_resolved"): (shown["issues_resolved"].to_list(), "#2E7D32"),
    }, yaxis_title=t("mediation.col_issues"))
    chart(plotly_layout(fig, height=320), t("mediation.meeting_caption"), key="joint-meetings")


def meeting_list(f: Filters) -> None:
    frame = queries.read(f"""
        select meeting_id, held_on, county_code, town, compound_ids, compound_count, issues_raised, issues_resolved
        from mart_joint_meeting_records
        where month <= $1 and month > last_day($1 - interval 12 month) and {IN_SCOPE}
        order by held_on desc, meeting_id
    """, f.month, f.scope, f.city)
    table(listed(translated(frame.with_columns(county=pl.col("county_code")), "county"), "compound_ids"), configs(
        "meeting_id", "held_on", "county", "town", "compound_ids", "issues_raised", "issues_resolved",
    ), name=t("mediation.file_meetings"), f=f, key="joint-meeting-list", source_table="mart_joint_meeting_records")


f = filters()
page_header("page.mediation", f)
census, cases, meetings = st.tabs([t("mediation.tab_utilities"), t("mediation.tab_cases"), t("mediation.tab_meetings")])
with census:
    utilities(f)
with cases:
    mediations(f)
with meetings:
    joint_meetings(f)
