"""业主自治: owners' committees — coverage and status per county and town, establishment over time, terms
ending soon, overdue re-elections, party members and trainings; a county -> town -> compound drill path."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.columns import configs
from dashboard.components import (
    STATUS_HEX,
    as_percent,
    chart,
    kpi_tile,
    month_labels,
    num,
    pct,
    plotly_layout,
    pp,
    series_figure,
    shown_pp,
    table,
    translated,
    with_profile_links,
)
from dashboard.i18n import t, v
from dashboard.shell import Filters, filters, page_header

STATUS_ORDER = ["已成立", "筹备中", "到期未换届", "已解散", "未组建"]
STATUS_HEX_COMMITTEE = {"已成立": "#1F6FB2", "筹备中": "#7FB3D5", "到期未换届": "#E08A00", "已解散": "#C62828",
                        "未组建": "#C9CED6"}


def headline(scope: str, month: date) -> dict:
    frame = queries.read("""
        select k.committee_coverage, k.committee_coverage_change_1m, k.with_committee, k.compounds, k.preparing,
               g.terms_ending_soon, g.reelection_overdue, g.members, g.party_members, g.party_member_share,
               g.trainings_this_year, g.trained_committees, g.trained_share, g.upcoming_term_days, s.status
        from mart_committee_coverage_monthly k
        left join mart_committee_governance_monthly g using (scope_code, month)
        left join mart_target_status s on s.scope_code = k.scope_code and s.month = k.month
             and s.metric = 'committee_coverage' and s.is_active
        where k.scope_code = ? and k.month = ?
    """, scope, month)
    return frame.row(0, named=True) if frame.height else {}


def tiles(f: Filters) -> None:
    k = headline(f.scope, f.month)
    days = k.get("upcoming_term_days")
    cols = st.columns(5)
    with cols[0]:
        kpi_tile(t("metric.committee_coverage"), pct(k.get("committee_coverage")),
                 delta=pp(k.get("committee_coverage_change_1m")),
                 change=shown_pp(k.get("committee_coverage_change_1m")), status=k.get("status"),
                 note=t("committees.coverage_note", n=num(k.get("with_committee")), total=num(k.get("compounds")),
                        preparing=num(k.get("preparing"))),
                 help=t("overview.committee_help"))
    with cols[1]:
        kpi_tile(t("committees.ending_soon", days=days or "—"), num(k.get("terms_ending_soon")),
                 help=t("committees.ending_soon_help", days=days or "—"))
    with cols[2]:
        kpi_tile(t("committees.overdue"), num(k.get("reelection_overdue")), help=t("committees.overdue_help"))
    with cols[3]:
        kpi_tile(t("committees.party_share"), pct(k.get("party_member_share")),
                 note=t("committees.party_note", party=num(k.get("party_members")), members=num(k.get("members"))),
                 help=t("committees.party_help"))
    with cols[4]:
        kpi_tile(t("committees.trainings"), num(k.get("trainings_this_year")),
                 note=t("committees.trainings_note", n=num(k.get("trained_committees")),
                        share=pct(k.get("trained_share"))))


def status_history(scope: str, month: date) -> None:
    frame = queries.read("""
        select month, status, compounds from mart_committee_status_monthly
        where scope_code = ? and month <= ? order by month, sort_order
    """, scope, month)
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    wide = month_labels(frame).pivot("status", index="month", values="compounds")
    fig = series_figure(wide["month"].to_list(), {
        v(s): (wide[s].to_list(), STATUS_HEX_COMMITTEE[s]) for s in STATUS_ORDER if s in wide.columns},
        kind="area", yaxis_title=t("col.compounds"))
    chart(plotly_layout(fig, height=340), t("committees.history_caption"), key="committee-history")


def county_rows(month: date) -> pl.DataFrame:
    return queries.read("""
        select k.scope_code as county_code, k.compounds, k.with_committee, k.committee_coverage, s.status,
               k.preparing, g.terms_ending_soon, g.reelection_overdue, k.party_members, k.trainings_this_year
        from mart_committee_coverage_monthly k
        join core_scopes c on c.scope_code = k.scope_code and c.scope_level = 'county'
        left join mart_committee_governance_monthly g on g.scope_code = k.scope_code and g.month = k.month
        left join mart_target_status s on s.scope_code = k.scope_code and s.month = k.month
             and s.metric = 'committee_coverage' and s.is_active
        where k.month = ?
        order by c.sort_order, k.scope_code
    """, month)


def county_chart(counties: pl.DataFrame) -> None:
    if counties.height == 0:
        return
    shown = as_percent(translated(counties.with_columns(county=pl.col("county_code"), status_label=pl.col("status")),
                                  "county", "status_label"), "committee_coverage")
    fig = go.Figure(go.Bar(
        x=shown["committee_coverage"].to_list(), y=shown["county"].to_list(), orientation="h",
        text=[f"{c}%  {s}" for c, s in zip(shown["committee_coverage"], shown["status_label"], strict=True)],
        textposition="outside", cliponaxis=False,
        marker_color=[STATUS_HEX.get(s, "#8A94A6") for s in shown["status"]]))
    fig.update_layout(xaxis_range=[0, 118], xaxis_title=t("metric.committee_coverage") + " (%)")
    fig.update_yaxes(autorange="reversed")
    chart(plotly_layout(fig, height=340), t("committees.county_caption"), key="committee-counties")


def county_level(counties: pl.DataFrame, f: Filters) -> str | None:
    shown = as_percent(translated(counties.with_columns(county=pl.col("county_code")), "county", "status"),
                       "committee_coverage")
    rows = table(shown, configs(
        "county", "compounds", "with_committee", "committee_coverage", "status", "preparing", "terms_ending_soon",
        "reelection_overdue", "party_members", "trainings_this_year",
    ), name=t("committees.file_counties"), f=f, key=f"committees-counties-{f.month}", selectable=True)
    return counties["county_code"][rows[0]] if rows else None


def town_level(county: str, f: Filters) -> str | None:
    towns = queries.read("""
        select town, compounds, with_committee, committee_coverage, preparing, expired, none_set_up,
               terms_ending_soon, reelection_overdue, party_members, trainings_this_year
        from mart_committee_town_monthly where county_code = ? and month = ? order by town
    """, county, f.month)
    rows = table(as_percent(towns, "committee_coverage"), configs(
        "town", "compounds", "with_committee", "committee_coverage", "preparing", "expired", "none_set_up",
        "terms_ending_soon", "reelection_overdue", "party_members", "trainings_this_year",
    ), name=t("committees.file_towns", county=v(county)), f=f, key=f"committees-towns-{county}-{f.month}",
        selectable=True)
    return towns["town"][rows[0]] if rows else None


COMPOUND_COLUMNS = """compound_id, compound_name, county_code, town, committee_type, status, established_on, term_end,
    days_to_term_end, days_past_term, members, party_members, filed, trainings_this_year"""


def compound_columns(*extra: str) -> dict:
    return configs("profile", "compound_name/compound", "town", "committee_type", "status", *extra, "established_on",
                   "term_end", "members", "party_members", "trainings_this_year")


def compound_table(frame: pl.DataFrame, f: Filters, *extra: str, name: str, key: str) -> None:
    shown = translated(with_profile_links(frame, f.scope, f.month), "status", "committee_type")
    table(shown, compound_columns(*extra), name=name, f=f, key=key, source_table="mart_committee_compounds_monthly")


def drill(f: Filters) -> None:
    path = [v(f.city)]
    county = f.scope if not f.is_city else None
    if f.is_city:
        st.caption(t("committees.drill_hint_county"))
        county = county_level(county_rows(f.month), f)
    if county is None:
        return
    path.append(v(county))
    st.markdown(f"**{' › '.join(path)}**")
    st.caption(t("committees.drill_hint_town"))
    town = town_level(county, f)
    if town is None:
        return
    path.append(town)
    st.markdown(f"**{' › '.join(path)}**")
    compounds = queries.read(f"""
        select {COMPOUND_COLUMNS} from mart_committee_compounds_monthly
        where county_code = ? and town = ? and month = ? order by compound_id
    """, county, town, f.month)
    compound_table(compounds, f, name=t("committees.file_compounds", town=town), key=f"committees-compounds-{town}")


def renewals(f: Filters) -> None:
    params = (f.month, f.scope, f.city)
    ending = queries.read(f"""
        select {COMPOUND_COLUMNS} from mart_committee_compounds_monthly
        where month = $1 and ($2 = $3 or county_code = $2) and term_ending_soon
        order by days_to_term_end, compound_id
    """, *params)
    overdue = queries.read(f"""
        select {COMPOUND_COLUMNS} from mart_committee_compounds_monthly
        where month = $1 and ($2 = $3 or county_code = $2) and reelection_overdue
        order by days_past_term desc nulls last, compound_id
    """, *params)
    ending_tab, overdue_tab = st.tabs([t("committees.ending_list", n=ending.height),
                                       t("committees.overdue_list", n=overdue.height)])
    with ending_tab:
        compound_table(ending, f, "days_to_term_end", name=t("committees.file_ending"), key="committees-ending")
    with overdue_tab:
        compound_table(overdue, f, "days_past_term", name=t("committees.file_overdue"), key="committees-overdue")

f = filters()
page_header("page.committees", f)
tiles(f)
left, right = st.columns([3, 2])
with left:
    st.subheader(t("committees.history"))
    status_history(f.scope, f.month)
with right:
    st.subheader(t("committees.by_county"))
    county_chart(county_rows(f.month))
st.subheader(t("committees.drill"))
drill(f)
renewals(f)
