"""任务清单: the plan's five key tasks and their duties as a scorecard, then the duties' detail per county."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.components import table
from dashboard.i18n import baseline_label, t, v
from dashboard.plan import plan_table
from dashboard.shell import Filters, filters, page_header

# The counts behind the plan's own rates, in two tables that each fit the page.
DETAIL_TABLES = {
    "plan-detail-filing": ("professional", "disclosure_posted", "disclosure_unknown", "contracts_filed",
                           "contracts_ending_soon", "contracts_ended", "project_manager_on_file"),
    "plan-detail-takeover": ("compounds", "takeover_inspected", "takeover_open_items", "red_property",
                             "beautiful_home"),
}


def detail(f: Filters) -> None:
    """The counts behind the plan's own rates, the city and each county (the scope chosen first)."""
    frame = queries.read(f"""
        select d.scope_code, {", ".join(f"d.{c}" for cols in DETAIL_TABLES.values() for c in cols)},
               d.contract_expiry_days
        from mart_plan_duties_monthly d join core_scopes s using (scope_code)
        where d.month = ?
        order by d.scope_code <> ?, s.sort_order, d.scope_code
    """, f.month, f.scope)
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    frame = frame.with_columns(
        pl.col("scope_code").replace_strict({c: v(c) for c in frame["scope_code"]}).alias("scope"))
    cc = st.column_config
    for key, names in DETAIL_TABLES.items():
        columns = {"scope": cc.TextColumn(t("plan.col_scope")),
                   **{c: cc.NumberColumn(t(f"plan.col_{c}"), format="%d") for c in names}}
        table(frame, columns, name=t("plan.detail_file"), f=f, key=key, source_table="mart_plan_duties_monthly")
    st.caption(t("plan.detail_caption", days=frame["contract_expiry_days"][0]))


f = filters()
page_header("page.plan", f)
st.caption(t("plan.intro", baseline=baseline_label()))
plan_table(f)
st.subheader(t("plan.detail"))
detail(f)
