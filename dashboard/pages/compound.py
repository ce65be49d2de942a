"""小区档案: one compound's profile, its id in the URL (?compound=<id>): management history month by month,
firm, grade and fee, committee, complaints, inspections, open rectification items, mediations and utilities."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import auth, plan, queries
from dashboard.columns import configs
from dashboard.components import (
    as_percent,
    chart,
    kpi_tile,
    listed,
    month_labels,
    num,
    plotly_layout,
    series_figure,
    table,
    translated,
)
from dashboard.i18n import month_label, t, v
from dashboard.shell import Filters, filters, page_header, refuse

URL_KEY = "compound"
HISTORY_MONTHS_CHARTED = 24


def choices(f: Filters) -> dict[str, str]:
    """Compounds in the scope in the month: id -> "name（id）"."""
    frame = queries.read("""
        select compound_id, compound_name from mart_compound_profile_monthly
        where month = $1 and ($2 = $3 or county_code = $2) order by county_code, town, compound_id
    """, f.month, f.scope, f.city)
    return {cid: t("compound.name_id", name=name, id=cid) for cid, name in frame.iter_rows()}


def profile(compound_id: str, month: date) -> dict | None:
    frame = queries.read("select * from mart_compound_profile_monthly where compound_id = ? and month = ?",
                         compound_id, month)
    return frame.row(0, named=True) if frame.height else None


def first_month(compound_id: str) -> date | None:
    return queries.value("select min(month) from mart_compound_profile_monthly where compound_id = ?", compound_id)


def pick(f: Filters) -> str | None:
    """The compound named in the URL, or the one picked here (then written to the URL)."""
    wanted = st.query_params.get(URL_KEY)
    options = choices(f)
    if wanted and wanted not in options and (row := profile(wanted, f.month)):
        options = {wanted: t("compound.name_id", name=row["compound_name"], id=wanted), **options}
    ids = list(options)
    picked = st.selectbox(t("compound.pick"), ids, index=ids.index(wanted) if wanted in options else None,
                          format_func=options.get, placeholder=t("compound.pick_placeholder"))
    if picked and picked != wanted:
        st.query_params[URL_KEY] = picked
    return picked or wanted


def explain_missing(compound_id: str | None, month: date) -> None:
    if not compound_id:
        st.info(t("compound.none_chosen"))
    elif queries.hidden_record("mart_compound_profile_monthly", "compound_id", compound_id):
        refuse("record", compound_id, record=compound_id, county=v(auth.current().records_county))
    elif (first := first_month(compound_id)) is None:
        st.warning(t("compound.unknown", id=compound_id))
    else:
        st.warning(t("compound.not_yet", id=compound_id, month=month_label(month), first=month_label(first)))


def heading(p: dict) -> None:
    st.subheader(t("compound.name_id", name=p["compound_name"], id=p["compound_id"]))
    details = [v(p["county_code"]), p["town"], p["community"], t("compound.households", n=num(p["households"])),
               p["built_year"] and t("compound.built", year=p["built_year"]), p["address"]]
    st.caption(" · ".join(str(d) for d in details if d))
    if p["is_carried_forward"]:
        st.caption(t("compound.carried_forward", month=month_label(p["snapshot_month"])))


def tiles(p: dict) -> None:
    cols = st.columns(5)
    with cols[0]:
        kpi_tile(t("compound.mode"), v(p["management_mode"]), note=p["firm_name"] or t("compound.no_firm"))
    with cols[1]:
        fee = p["fee_per_m2_month"]
        kpi_tile(t("compound.grade"), v(p["service_grade"]),
                 note=t("compound.fee", fee=num(fee, 2)) if fee is not None else None)
    with cols[2]:
        term = p["committee_term_end"]
        kpi_tile(t("compound.committee"), v(p["committee_status"]),
                 note=t("compound.term_end", date=term.isoformat()) if term else None)
    with cols[3]:
        kpi_tile(t("compound.complaints_12m"), num(p["complaints_12m"]),
                 note=t("compound.per_100", n=num(p["per_100_households_12m"], 2)))
    with cols[4]:
        kpi_tile(t("inspections.open_items"), num(p["open_rectifications"]),
                 note=t("compound.overdue_note", n=num(p["overdue_rectifications"])))


def history(compound_id: str, f: Filters) -> pl.DataFrame:
    return queries.read("""
        select month, management_mode, management_changed, firm_name, service_grade, fee_per_m2_month,
               fee_collection_rate, committee_status, complaints, complaints_12m, open_rectifications,
               is_carried_forward
        from mart_compound_profile_monthly
        where compound_id = ? and month <= ? order by month desc
    """, compound_id, f.month)


def complaints_chart(months: pl.DataFrame) -> None:
    shown = month_labels(months.head(HISTORY_MONTHS_CHARTED).reverse())
    fig = series_figure(shown["month"].to_list(), {
        t("col.complaints"): (shown["complaints"].to_list(), "#B22A2E")}, showlegend=False,
        yaxis_title=t("col.complaints"))
    fig.update_yaxes(rangemode="tozero", dtick=1 if shown["complaints"].max() < 5 else None)
    chart(plotly_layout(fig, height=260), t("compound.complaints_caption"), key="compound-complaints")


def history_table(months: pl.DataFrame, compound_id: str, f: Filters) -> None:
    shown = as_percent(translated(months, "management_mode", "service_grade", "committee_status"),
                       "fee_collection_rate")
    table(shown, configs(
        "month", "management_mode", "management_changed", "firm_name", "service_grade", "fee_per_m2_month",
        "fee_collection_rate", "committee_status", "complaints", "open_rectifications", "is_carried_forward",
    ), name=t("compound.file_history", id=compound_id), f=f, key="compound-history",
        source_table="mart_compound_profile_monthly")


def complaint_list(compound_id: str, f: Filters) -> None:
    frame = queries.read("""
        select ticket_id, received_at, appeal_type, category, status, resolved_level, closed_late, satisfaction
        from mart_complaint_records where compound_id = ? and month <= ? order by received_at desc
    """, compound_id, f.month)
    table(translated(frame, "appeal_type", "category", "status", "resolved_level", "satisfaction"), configs(
        "ticket_id", "received_at", "appeal_type", "category", "status", "resolved_level", "closed_late",
        "satisfaction",
    ), name=t("compound.file_complaints", id=compound_id), f=f, key="compound-work-orders",
        source_table="mart_complaint_records")


def inspection_list(compound_id: str, f: Filters) -> None:
    frame = queries.read("""
        select inspection_id, inspected_on, department, items, findings, result, penalty_cny,
               uploaded_supervision, uploaded_credit
        from mart_inspection_records where compound_id = ? and inspected_on <= ? order by inspected_on desc
    """, compound_id, f.month)
    table(listed(translated(frame, "result"), "items"), configs(
        "inspection_id", "inspected_on", "department", "items", "findings", "result", "penalty_cny",
        "uploaded_supervision", "uploaded_credit",
    ), name=t("compound.file_inspections", id=compound_id), f=f, key="compound-inspections",
        source_table="mart_inspection_records")


def open_items(compound_id: str, f: Filters) -> None:
    frame = queries.read("""
        select issue_id, source, category, description, found_on, deadline, state, days_overdue
        from mart_open_rectifications_monthly where compound_id = ? and month = ?
        order by overdue_at_month desc, days_overdue desc nulls last, deadline
    """, compound_id, f.month)
    table(translated(frame, "source", "state", "category"), configs(
        "issue_id", "state", "days_overdue", "source", "category", "description", "found_on", "deadline",
    ), name=t("compound.file_open", id=compound_id), f=f, key="compound-open-items",
        source_table="mart_open_rectifications_monthly")


def disputes_and_utilities(compound_id: str, f: Filters) -> None:
    cases = queries.read("""
        select case_id, opened_on, dispute_type, outcome from mart_mediation_cases
        where compound_id = ? and opened_on <= ? order by opened_on desc
    """, compound_id, f.month)
    census = queries.read("""
        select utility, ownership_clarified, billed_to_household, serviced_to_household, operator, census_as_of
        from mart_utilities_compounds_monthly where compound_id = ? and month = ? order by utility
    """, compound_id, f.month)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('mediation.tab_cases')}**")
        table(translated(cases, "outcome", "dispute_type"), configs(
            "case_id", "opened_on", "dispute_type", "outcome",
        ), name=t("compound.file_cases", id=compound_id), f=f, key="compound-cases",
            source_table="mart_mediation_cases")
    with right:
        st.markdown(f"**{t('mediation.tab_utilities')}**")
        table(translated(census, "utility"), configs(
            "utility", "ownership_clarified", "billed_to_household", "serviced_to_household", "operator",
            "census_as_of",
        ), name=t("compound.file_utilities", id=compound_id), f=f, key="compound-utilities",
            source_table="mart_utilities_compounds_monthly")


def main() -> None:
    f = filters()
    page_header("page.compound", f)
    compound_id = pick(f)
    p = profile(compound_id, f.month) if compound_id else None
    if p is None:
        explain_missing(compound_id, f.month)
        return
    heading(p)
    tiles(p)
    if duties := plan.compound_line(compound_id, f.month):  # 公示, 备案, 承接查验, showcases (任务清单's detail)
        st.caption(duties)
    months = history(compound_id, f)
    st.subheader(t("compound.history"))
    complaints_chart(months)
    history_table(months, compound_id, f)
    lists = st.tabs([t("compound.tab_complaints"), t("compound.tab_inspections", n=num(p["inspections_to_date"])),
                     t("compound.tab_open", n=num(p["open_rectifications"])), t("compound.tab_other")])
    with lists[0]:
        complaint_list(compound_id, f)
    with lists[1]:
        inspection_list(compound_id, f)
    with lists[2]:
        open_items(compound_id, f)
    with lists[3]:
        disputes_and_utilities(compound_id, f)


main()
