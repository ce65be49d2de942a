"""数据质量: the quality gate's report on the latest build — rule pass rates by ledger and county, and
over the builds; the rules that failed, the rows quarantined with their reasons and original values,
the cells nulled or flagged on loaded rows (file, row, column, value as sent, rule), the files
rejected with their messages (duplicates, replaced originals and files still being written
included), the snapshot files a later file of the same county and month replaced, and the sharp drops
in a ledger's rows against the county's previous month. (GX's own Data Docs need the internet: this
page is the report.)"""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.columns import configs
from dashboard.components import chart, kpi_tile, num, pct, plotly_layout, table, translated
from dashboard.frames import mapped
from dashboard.i18n import half, language, ledger_label, t, v
from dashboard.shell import Filters, filters, page_header

ALL = "全部"
SEVERITY_ORDER = "case severity when 'critical' then 1 when 'error' then 2 when 'cell' then 3 else 4 end"
SEVERITIES = ("critical", "error", "cell", "warning")
IN_SCOPE = "($1 = $2 or county_code = $1)"  # with $1 the scope and $2 the city
SHOWN_ROWS = 2000
# Red to amber below 100%, green only at 100%: one failing rule should show.
PASS_COLOURS = [[0, "#C62828"], [0.9, "#F0B429"], [0.9999, "#F8DE9C"], [1, "#2E7D32"]]


def ledgers() -> list[str]:
    """Every ledger in the order declared, then the files of no known ledger."""
    return [*queries.ledger_labels(), "unidentified"]


def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Ledger and severity in words, the county through v(), a bilingual message in the view's language."""
    if "message" in frame.columns:
        frame = frame.with_columns(mapped(frame["message"], half))
    return translated(frame.with_columns(
        pl.col("ledger").replace_strict({n: ledger_label(n) for n in (*ledgers(), ALL)}, default=pl.col("ledger"),
                                        return_dtype=pl.String),
        *([pl.col("severity").replace_strict({s: t(f"quality.severity.{s}") for s in SEVERITIES},
                                             return_dtype=pl.String)] if "severity" in frame.columns else []),
    ), "county_code")


def tiles(f: Filters) -> None:
    frame = queries.read("select * from mart_quality_overview where scope_code = ?", f.scope)
    o = frame.row(0, named=True) if frame.height else {}
    cols = st.columns(5)
    with cols[0]:
        kpi_tile(t("quality.pass_rate"), pct(o.get("pass_rate")), help=t("quality.pass_rate_help"),
                 note=t("quality.pass_rate_note", passed=num(o.get("rules_passed")),
                        checked=num(o.get("rules_checked"))))
    with cols[1]:
        kpi_tile(t("quality.files_rejected"), num(o.get("files_rejected")), help=t("quality.files_help"),
                 note=t("quality.files_note", n=num(o.get("files"))))
    with cols[2]:
        kpi_tile(t("quality.rows_quarantined"), num(o.get("rows_quarantined")), help=t("quality.quarantine_help"))
    with cols[3]:
        kpi_tile(t("quality.cells_nulled"), num(o.get("cells_nulled")), help=t("quality.cells_help"))
    with cols[4]:
        kpi_tile(t("quality.warnings"), num(o.get("warnings")), help=t("quality.warnings_help"))


def pass_rate_grid() -> None:
    """Ledgers × scopes of the latest build, the pass rate written in each cell."""
    frame = queries.read("select scope_code, ledger, pass_rate from mart_quality_pass_rate "
                         "where is_latest and ledger <> ?", ALL)
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    scopes = [s for s in queries.scopes()["scope_code"] if s in set(frame["scope_code"])]
    shown = [name for name in ledgers() if name in set(frame["ledger"])]
    rate = {(r["ledger"], r["scope_code"]): r["pass_rate"] for r in frame.to_dicts()}
    z = [[rate.get((name, scope)) for scope in scopes] for name in shown]
    fig = go.Figure(go.Heatmap(
        z=z, x=[v(s) for s in scopes], y=[ledger_label(n) for n in shown], zmin=0, zmax=1,
        colorscale=PASS_COLOURS, showscale=False, xgap=2, ygap=2,
        text=[[pct(x, 0) if x is not None else "" for x in row] for row in z], texttemplate="%{text}",
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    chart(plotly_layout(fig, height=60 + 34 * len(shown)), t("quality.heatmap_caption"), key="quality-grid")


def history(f: Filters) -> None:
    frame = queries.read("select validated_at, ledger, pass_rate from mart_quality_pass_rate "
                         "where scope_code = ? order by validated_at", f.scope)
    if frame.height == 0:
        st.info(t("common.no_data"))
        return
    built = {d: d.astimezone().strftime("%Y-%m-%d %H:%M:%S") for d in frame["validated_at"].unique()}
    shown = labelled(frame.with_columns(pl.col("validated_at").replace_strict(built, return_dtype=pl.String),
                                        county_code=pl.lit(None, pl.String)))
    fig = px.line(shown.to_pandas(), x="validated_at", y="pass_rate", color="ledger", markers=True,
                  category_orders={"ledger": [ledger_label(n) for n in (ALL, *ledgers())]},
                  labels={"validated_at": t("quality.col_built"), "pass_rate": t("quality.pass_rate"), "ledger": ""})
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(type="category")
    chart(plotly_layout(fig, height=320), t("quality.history_caption"), key="quality-history")


def _at_most(frame: pl.DataFrame) -> pl.DataFrame:
    if frame.height > SHOWN_ROWS:
        st.caption(t("quality.shown_rows", shown=num(SHOWN_ROWS), n=num(frame.height)))
    return frame.head(SHOWN_ROWS)


def failing_rules(f: Filters) -> None:
    frame = queries.read(f"""
        select coalesce(ledger, suite) as ledger, county_code, severity, rule, "column" as checked_column,
               description, description_en, unexpected_count, element_count, unexpected_sample
        from audit_validation where not success and {IN_SCOPE}
        order by {SEVERITY_ORDER}, ledger, rule, checked_column, county_code
    """, f.scope, f.city)
    if frame.height == 0:
        st.success(t("quality.no_failures"))
        return
    shown = labelled(frame.with_columns(pl.col("checked_column").fill_null("—"),
                                        requirement=pl.col("description_en" if language() == "en" else "description")))
    table(shown, configs(
        "ledger", "county_code", "severity", "rule", "checked_column", "requirement", "unexpected_count",
        "element_count", "unexpected_sample",
    ), name=t("quality.rules_file"), f=f, key="quality-rules", source_table="audit_validation")


def quarantined_rows(f: Filters) -> None:
    frame = queries.read(f"""
        select ledger, _file, _row, county_code, rule, "column" as checked_column, message, original
        from audit_quarantine where {IN_SCOPE} order by _file, _row
    """, f.scope, f.city)
    if frame.height == 0:
        st.success(t("quality.no_quarantine"))
        return
    table(_at_most(labelled(frame)), configs(
        "ledger", "_file", "_row", "county_code", "rule", "checked_column", "message", "original",
    ), name=t("quality.quarantine_file"), f=f, key="quality-quarantine", source_table="audit_quarantine")


def cell_findings(f: Filters) -> None:
    frame = queries.read(f"""
        select ledger, _file, _row, county_code, "column" as checked_column, original as value_sent, loaded, rule,
               severity, message
        from audit_cell_findings where {IN_SCOPE} order by {SEVERITY_ORDER}, _file, _row, checked_column
    """, f.scope, f.city)
    if frame.height == 0:
        st.success(t("quality.no_cells"))
        return
    st.caption(t("quality.cells_caption"))
    table(_at_most(labelled(frame)), configs(
        "ledger", "_file", "_row", "county_code", "checked_column", "value_sent", "loaded", "rule", "severity",
        "message",
    ), name=t("quality.cells_file"), f=f, key="quality-cells", source_table="audit_cell_findings")


def rejected_files(f: Filters) -> None:
    frame = queries.read(f"""
        select path, coalesce(ledger, 'unidentified') as ledger, county_code, reject_rule, rows_rejected, message
        from audit_source_files where status = 'rejected' and {IN_SCOPE} order by path
    """, f.scope, f.city)
    if frame.height == 0:
        st.success(t("quality.no_rejected"))
        return
    table(labelled(frame), configs(
        "path", "ledger", "county_code", "reject_rule", "rows_rejected", "message",
    ), name=t("quality.rejected_file"), f=f, key="quality-rejected", source_table="audit_source_files")


def replaced_files(f: Filters) -> None:
    """Snapshot files whose rows a later file of the same county and month replaced (mart_quality_replaced_files)."""
    frame = queries.read(f"""
        select path, ledger, county_code, month, rows_replaced, replaced_by
        from mart_quality_replaced_files where {IN_SCOPE} order by path
    """, f.scope, f.city)
    st.caption(t("quality.replaced_note"))
    if frame.height == 0:
        st.success(t("quality.no_replaced"))
        return
    table(labelled(frame), configs(
        "path", "ledger", "county_code", "month", "rows_replaced", "replaced_by",
    ), name=t("quality.replaced_file"), f=f, key="quality-replaced", source_table="mart_quality_replaced_files")


def row_drops(f: Filters) -> None:
    """Warnings: a ledger's rows for a county far below its previous month (mart_quality_row_drops)."""
    frame = queries.read(f"""
        select ledger, scope_code as county_code, month, rows_received, previous_rows, drop_share,
               array_to_string(files, $3) as files
        from mart_quality_row_drops where is_sharp_drop and {IN_SCOPE.replace("county_code", "scope_code")}
        order by month desc, ledger, scope_code
    """, f.scope, f.city, t("common.list_separator"))
    share = queries.value("select row_drop_share from core_settings")
    st.caption(t("quality.drops_note", share=pct(share, 0)))
    if frame.height == 0:
        st.success(t("quality.no_drops"))
        return
    table(labelled(frame), configs(
        "ledger", "county_code", "month", "rows_received", "previous_rows", "drop_share", "files",
    ), name=t("quality.drops_file"), f=f, key="quality-drops", source_table="mart_quality_row_drops")


f = filters()
page_header("page.quality", f)
built = queries.value("select max(validated_at) from audit_validation_history")
st.caption(t("quality.scope_note", time=built.astimezone().strftime("%Y-%m-%d %H:%M") if built else "—"))
tiles(f)
left, right = st.columns([3, 2])
with left:
    st.subheader(t("quality.by_ledger"))
    pass_rate_grid()
with right:
    st.subheader(t("quality.over_time"))
    history(f)
st.subheader(t("quality.rejected"))
st.caption(t("quality.rejected_note"))
rejected_files(f)
st.subheader(t("quality.replaced"))
replaced_files(f)
st.subheader(t("quality.drops"))
row_drops(f)
st.subheader(t("quality.failing_rules"))
failing_rules(f)
st.subheader(t("quality.quarantine"))
quarantined_rows(f)
st.subheader(t("quality.cells"))
cell_findings(f)
