"""监督检查: 双随机 inspections per county and quarter against "at least one round a quarter", findings and
results, uploads to the two platforms (with the list still to upload), and the rectification ledger."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.columns import configs
from dashboard.components import (
    STATUS_HEX,
    as_percent,
    chart,
    filter_labels,
    kpi_tile,
    listed,
    month_labels,
    num,
    pct,
    period_label,
    plotly_layout,
    series_figure,
    table,
    translated,
    with_profile_links,
)
from dashboard.downloads import table_downloads
from dashboard.frames import mapped
from dashboard.i18n import t, v
from dashboard.shell import Filters, filters, page_header

QUARTERS_SHOWN = 8
MONTHS_SHOWN = 12
RESULT_HEX = {"未发现问题": "#7FB3D5", "责令整改": "#E08A00", "立案处罚": "#C62828", "未填写": "#C9CED6"}
CELL_HEX = {"达标": STATUS_HEX["达标"], "未完成": STATUS_HEX["未完成"], "进行中": "#8A94A6"}
IN_SCOPE = "($2 = $3 or county_code = $2)"  # with $2 the scope and $3 the city


def quarter_of(month: date) -> str:
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


# -- 双随机检查 ---------------------------------------------------------------------------------------

def inspection_tiles(f: Filters) -> None:
    frame = queries.read("""
        select i.rounds, i.compliant_county_quarters, i.county_quarters, i.compliance_to_date, i.inspections,
               i.findings, i.rectification_orders, i.penalty_cases, i.penalty_cny,
               i.upload_supervision_rate, i.upload_credit_rate, c.status
        from mart_inspection_quarterly i
        left join mart_inspection_compliance_quarterly c on c.county_code = i.scope_code and c.quarter = i.quarter
        where i.scope_code = ? and i.quarter = ?
    """, f.scope, quarter_of(f.month))
    k = frame.row(0, named=True) if frame.height else {}
    pending = queries.count_rows("mart_inspection_uploads_pending", f"month <= $1 and {IN_SCOPE}",
                                 f.month, f.scope, f.city)
    cols = st.columns(6)
    with cols[0]:
        kpi_tile(t("inspections.rounds", quarter=quarter_of(f.month)), num(k.get("rounds")), status=k.get("status"),
                 note=t("inspections.rounds_note", n=num(k.get("compliant_county_quarters")),
                        total=num(k.get("county_quarters"))), help=t("inspections.rounds_help"))
    with cols[1]:
        kpi_tile(t("inspections.compliance"), pct(k.get("compliance_to_date")), help=t("inspections.compliance_help"))
    with cols[2]:
        kpi_tile(t("inspections.findings"), num(k.get("findings")),
                 note=t("inspections.findings_note", orders=num(k.get("rectification_orders")),
                        cases=num(k.get("penalty_cases")), fines=num(k.get("penalty_cny"))))
    with cols[3]:
        kpi_tile(t("inspections.upload_supervision"), pct(k.get("upload_supervision_rate")),
                 note=t("inspections.upload_note", n=num(k.get("inspections"))))
    with cols[4]:
        kpi_tile(t("inspections.upload_credit"), pct(k.get("upload_credit_rate")),
                 note=t("inspections.upload_note", n=num(k.get("inspections"))))
    with cols[5]:
        kpi_tile(t("inspections.pending"), num(pending), help=t("inspections.pending_help"))


def compliance_grid(f: Filters) -> None:
    """Counties × the last quarters: rounds held and the status in words, coloured by status."""
    frame = queries.read(f"""
        with shown as (
            select distinct quarter from mart_inspection_compliance_quarterly
            where quarter <= $1 order by quarter desc limit $4
        )
        select county_code, quarter, rounds, status from mart_inspection_compliance_quarterly
        where quarter in (select quarter from shown) and {IN_SCOPE}
        order by county_code, quarter
    """, quarter_of(f.month), f.scope, f.city, QUARTERS_SHOWN)
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    cells = translated(frame.with_columns(label=pl.col("status"), county=pl.col("county_code")), "label", "county")
    rounds = mapped(cells["rounds"], lambda n: t("inspections.rounds_cell", n=n))  # "1 round", "2 rounds"
    cells = cells.with_columns(cell=pl.format("{} · {}", pl.lit(rounds), "label"))
    text = cells.pivot("quarter", index="county", values="cell", sort_columns=True).to_pandas().set_index("county")
    status = cells.pivot("quarter", index="county", values="status", sort_columns=True).to_pandas().set_index("county")
    css = status.map(lambda s: f"color: white; background-color: {CELL_HEX[s]}; font-weight: 600" if s else "")
    st.dataframe(text.style.apply(lambda _: css, axis=None), width="stretch",
                 column_config=configs("county"))
    table_downloads(cells.select("county_code", "county", "quarter", "rounds", pl.col("label").alias("status")),
                    t("inspections.file_grid"), filter_labels(f), f.month, key="inspections-grid",
                    source_table="mart_inspection_compliance_quarterly")
    st.caption(t("inspections.grid_caption"))


def quarter_labels(frame: pl.DataFrame) -> list[str]:
    return [period_label(q, c) for q, c in zip(frame["quarter"], frame["quarter_complete"], strict=True)]


def results_chart(f: Filters) -> None:
    frame = queries.read("""
        select r.quarter, r.result, r.inspections, q.quarter_complete from mart_inspection_results_quarterly r
        join mart_inspection_quarterly q using (scope_code, quarter)
        where r.scope_code = ? and r.quarter <= ? order by r.quarter, r.result
    """, f.scope, quarter_of(f.month))
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    wide = frame.pivot("result", index=["quarter", "quarter_complete"], values="inspections").fill_null(0)
    fig = series_figure(quarter_labels(wide), {
        v(r): (wide[r].to_list(), RESULT_HEX.get(r, "#8A94A6")) for r in RESULT_HEX if r in wide.columns},
        barmode="stack", yaxis_title=t("inspections.col_inspections"))
    chart(plotly_layout(fig, height=320), t("inspections.results_caption"), key="inspection-results")


def upload_chart(f: Filters) -> None:
    frame = queries.read("""
        select quarter, quarter_complete, upload_supervision_rate, upload_credit_rate from mart_inspection_quarterly
        where scope_code = ? and quarter <= ? and inspections > 0 order by quarter
    """, f.scope, quarter_of(f.month))
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    shown = as_percent(frame, "upload_supervision_rate", "upload_credit_rate")
    fig = series_figure(quarter_labels(shown), {
        t("inspections.platform_supervision"): (shown["upload_supervision_rate"].to_list(), "#1F6FB2"),
        t("inspections.platform_credit"): (shown["upload_credit_rate"].to_list(), "#F0B429"),
    }, kind="line", yaxis_title="%", yaxis_range=[0, 105])
    chart(plotly_layout(fig, height=320), t("inspections.upload_caption"), key="inspection-uploads")


def pending_list(f: Filters) -> None:
    frame = queries.read(f"""
        select inspection_id, inspected_on, county_code, town, department, compound_id, compound_name, firm_name,
               firm_credit_code, result, findings, pending_platforms, uploaded_supervision, uploaded_credit,
               source_file, source_row
        from mart_inspection_uploads_pending
        where month <= $1 and {IN_SCOPE}
        order by inspected_on, inspection_id
    """, f.month, f.scope, f.city)
    st.subheader(t("inspections.pending_list", n=frame.height))
    shown = listed(translated(with_profile_links(frame.with_columns(county=pl.col("county_code")), f.scope, f.month),
                              "county", "result"), "pending_platforms")
    table(shown, configs(
        "inspection_id", "inspected_on", "county", "town", "department", "profile", "compound_name/compound",
        "firm_name", "firm_credit_code", "result", "findings", "pending_platforms", "uploaded_supervision",
        "uploaded_credit", "source_file", "source_row",
    ), name=t("inspections.file_pending"), f=f, key="inspections-pending",
        source_table="mart_inspection_uploads_pending")
    st.caption(t("inspections.pending_caption"))


# -- 整改销号 ---------------------------------------------------------------------------------------

RECTIFICATION_COLUMNS = """items_to_date, closed_to_date, close_rate, open_items, overdue_items, max_days_overdue,
    median_days_to_close"""


def rectification_tiles(f: Filters) -> None:
    frame = queries.read(f"""
        select {RECTIFICATION_COLUMNS} from mart_rectification_monthly
        where scope_code = ? and month = ? and source = '全部'
    """, f.scope, f.month)
    k = frame.row(0, named=True) if frame.height else {}
    cols = st.columns(4)
    with cols[0]:
        kpi_tile(t("inspections.open_items"), num(k.get("open_items")),
                 note=t("inspections.items_note", n=num(k.get("items_to_date"))))
    with cols[1]:
        kpi_tile(t("overview.overdue"), num(k.get("overdue_items")),
                 note=t("inspections.longest_overdue", days=num(k["max_days_overdue"]))
                 if k.get("max_days_overdue") is not None else None,
                 help=t("overview.overdue_help"))
    with cols[2]:
        kpi_tile(t("inspections.close_rate"), pct(k.get("close_rate")),
                 note=t("inspections.close_note", closed=num(k.get("closed_to_date")),
                        items=num(k.get("items_to_date"))), help=t("inspections.close_rate_help"))
    with cols[3]:
        kpi_tile(t("inspections.median_days"), num(k.get("median_days_to_close"), 1),
                 help=t("inspections.median_days_help"))


def rectification_columns(first: str) -> dict:
    return configs(first, "items_to_date", "closed_to_date", "close_rate", "open_items", "overdue_items",
                   "max_days_overdue", "median_days_to_close")


def rectification_breakdowns(f: Filters) -> None:
    by_county = queries.read(f"""
        select r.scope_code as county, {RECTIFICATION_COLUMNS}
        from mart_rectification_monthly r
        join core_scopes s on s.scope_code = r.scope_code and s.scope_level = 'county'
        where r.month = ? and r.source = '全部'
        order by s.sort_order, r.scope_code
    """, f.month)
    by_source = queries.read(f"""
        select source, {RECTIFICATION_COLUMNS} from mart_rectification_monthly
        where scope_code = ? and month = ? and source <> '全部'
        order by items_to_date desc, source
    """, f.scope, f.month)
    left, right = st.columns(2)
    with left:
        st.subheader(t("inspections.by_county"))
        table(as_percent(translated(by_county, "county"), "close_rate"),
              rectification_columns("county"),
              name=t("inspections.file_by_county"), f=f, key="rectification-counties",
              source_table="mart_rectification_monthly")
    with right:
        st.subheader(t("inspections.by_source", scope=v(f.scope)))
        table(as_percent(translated(by_source, "source"), "close_rate"),
              rectification_columns("source"),
              name=t("inspections.file_by_source"), f=f, key="rectification-sources",
              source_table="mart_rectification_monthly")


def rectification_trend(f: Filters) -> None:
    frame = queries.read("""
        select month, open_items, overdue_items from mart_rectification_monthly
        where scope_code = ? and source = '全部' and month <= ? order by month desc limit ?
    """, f.scope, f.month, MONTHS_SHOWN)
    if frame.height == 0:
        return
    shown = month_labels(frame.reverse())
    fig = series_figure(shown["month"].to_list(), {
        t("inspections.open_items"): (shown["open_items"].to_list(), "#7FB3D5"),
        t("overview.overdue"): (shown["overdue_items"].to_list(), STATUS_HEX["严重滞后"]),
    }, yaxis_title=t("col.items_to_date"))
    chart(plotly_layout(fig, height=300), t("inspections.trend_caption"), key="rectification-trend")


def open_items(f: Filters) -> None:
    frame = queries.read(f"""
        select issue_id, source, county_code, town, compound_id, compound_name, firm_name, category, description,
               found_on, deadline, state, days_overdue, credit_points
        from mart_open_rectifications_monthly
        where month = $1 and {IN_SCOPE}
        order by overdue_at_month desc, days_overdue desc nulls last, deadline, issue_id
    """, f.month, f.scope, f.city)
    st.subheader(t("inspections.open_list", n=frame.height))
    shown = translated(with_profile_links(frame.with_columns(county=pl.col("county_code")),
                                          f.scope, f.month), "county", "source", "state", "category")
    table(shown, configs(
        "issue_id", "state", "days_overdue", "source", "county", "profile", "compound_name/compound", "firm_name",
        "category", "description", "found_on", "deadline",
    ), name=t("inspections.file_open"), f=f, key="rectification-open", source_table="mart_open_rectifications_monthly")


f = filters()
page_header("page.inspections", f)
spot, rectification = st.tabs([t("inspections.tab_spot"), t("inspections.tab_rectification")])
with spot:
    inspection_tiles(f)
    st.subheader(t("inspections.grid"))
    compliance_grid(f)
    left, right = st.columns(2)
    with left:
        st.subheader(t("inspections.results"))
        results_chart(f)
    with right:
        st.subheader(t("inspections.uploads"))
        upload_chart(f)
    pending_list(f)
with rectification:
    rectification_tiles(f)
    rectification_breakdowns(f)
    st.subheader(t("inspections.trend"))
    rectification_trend(f)
    open_items(f)
