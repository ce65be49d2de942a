"""总览: the leadership cockpit — KPI tiles against targets, county ranking, alerts."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import plan, queries
from dashboard.columns import configs
from dashboard.components import STATUS_HEX, grid, kpi_tile, num, pct, pp, shown_pp, translated
from dashboard.downloads import bulletin_downloads, may_bulletin, table_downloads
from dashboard.frames import mapped
from dashboard.i18n import baseline_label, language, month_label, t, v
from dashboard.shell import filters, page_header


def status_sentence(row: dict | None) -> str | None:
    """The status rule in words: actual against the straight-line expectation and the deadline."""
    if row is None:
        return t("overview.no_target", baseline=baseline_label())
    ratio = row["metric"] == "complaint_rate_ratio"
    if row["months_left"] <= 0 and row["status"] == "未完成":  # the deadline month, or past the last deadline
        short = t("overview.short", n=num(row["short_compounds"])) if row["short_compounds"] else ""
        return t("overview.status_overdue" if row["months_overdue"] else "overview.status_due_now",
                 status=v(row["status"]), deadline=t("targets.year_end", year=row["deadline"].year),
                 target=pct(row["target_value"], 0), months=row["months_overdue"], actual=pct(row["actual"]),
                 short=short)
    return t("overview.status_ratio" if ratio else "overview.status_line",
             status=v(row["status"]), actual=pct(row["actual"]), expected=pct(row["expected"]),
             target=pct(row["target_value"], 0), deadline=row["deadline"].strftime("%Y-%m-%d"),
             months=row["months_left"],
             required=pp(row["required_rate"]) if row["required_rate"] is not None else "—")


def active_targets(scope: str, month: date) -> dict[str, dict]:
    frame = queries.read("""
        select metric, deadline, target_value, status, actual, expected, months_left, required_rate,
               required_compounds_per_month, projected_month, months_overdue, short_compounds
        from mart_target_status where scope_code = ? and month = ? and is_active
    """, scope, month)
    return {r["metric"]: r for r in frame.to_dicts()}


def kpis(scope: str, month: date) -> dict:
    frame = queries.read("""
        select c.coverage, c.coverage_change_1m, c.covered, c.compounds, c.remaining, c.mode_unknown,
               r.households_unknown,
               c.remaining - lag(c.remaining) over w as remaining_change,
               k.committee_coverage, k.committee_coverage_change_1m,
               r.rolling12_rate, r.rolling12_rate - lag(r.rolling12_rate) over w as rolling12_change,
               r.ratio_to_baseline, r.baseline_rate, r.baseline_year,
               x.overdue_items, x.overdue_items - lag(x.overdue_items) over w as overdue_change, x.open_items
        from mart_coverage_monthly c
        join mart_committee_coverage_monthly k using (scope_code, month)
        join mart_complaint_rate_monthly r using (scope_code, month)
        left join mart_rectification_monthly x on x.scope_code = c.scope_code and x.month = c.month
             and x.source = '全部'
        where c.scope_code = ? and c.month <= ?
        window w as (order by c.month)
        qualify c.month = ?
    """, scope, month, month)
    return frame.row(0, named=True) if frame.height else {}


def coverage_trend(scope: str, month: date) -> list[float]:
    return queries.read("""
        select coverage from mart_coverage_monthly
        where scope_code = ? and month <= ? order by month desc limit 12
    """, scope, month)["coverage"].reverse().to_list()


def remaining_note(row: dict | None) -> str | None:
    """Whole compounds a month to the deadline in force; once it is due or passed, how far short and how late."""
    if not row or not row["required_compounds_per_month"]:
        return None
    if row["months_left"] > 0:
        return t("overview.remaining_note", n=num(row["required_compounds_per_month"]))
    deadline = t("targets.year_end", year=row["deadline"].year)
    if row["months_overdue"]:
        return t("overview.remaining_overdue_note", deadline=deadline, months=row["months_overdue"],
                 n=num(row["short_compounds"]))
    return t("overview.remaining_due_note", deadline=deadline, n=num(row["short_compounds"]))


def with_unknown(note: str | None, key: str, n: int | None) -> str | None:
    """A tile's note, plus how many compounds the metric could not use (a cell nulled by the gate, DOMAIN §8)."""
    return note if not n else f"{note or ''} {t(key, n=n)}".strip()


def tiles(scope: str, month: date) -> None:
    k = kpis(scope, month)
    targets = active_targets(scope, month)
    cols = st.columns(5)
    with cols[0]:
        row = targets.get("coverage")
        kpi_tile(t("metric.coverage"), pct(k.get("coverage")), delta=pp(k.get("coverage_change_1m")),
                 change=shown_pp(k.get("coverage_change_1m")),
                 status=row and row["status"], note=with_unknown(status_sentence(row), "overview.mode_unknown",
                                                                 k.get("mode_unknown")),
                 chart=coverage_trend(scope, month), help=t("overview.coverage_help", baseline=baseline_label()))
    with cols[1]:
        row = targets.get("committee_coverage")
        kpi_tile(t("metric.committee_coverage"), pct(k.get("committee_coverage")),
                 delta=pp(k.get("committee_coverage_change_1m")),
                 change=shown_pp(k.get("committee_coverage_change_1m")), status=row and row["status"],
                 note=status_sentence(row), help=t("overview.committee_help"))
    with cols[2]:
        row = targets.get("complaint_rate_ratio")
        change = k.get("rolling12_change")
        kpi_tile(t("overview.complaint_rate"), num(k.get("rolling12_rate"), 1),
                 delta=None if change is None else f"{change:+.2f}",
                 change=None if change is None else round(change, 2), better="down",
                 status=row and row["status"],
                 note=with_unknown(t("overview.complaint_note", year=k.get("baseline_year") or "—",
                                     base=num(k.get("baseline_rate"), 1), ratio=pct(k.get("ratio_to_baseline"), 0)),
                                   "overview.households_unknown", k.get("households_unknown")),
                 help=t("overview.complaint_help"))
    with cols[3]:
        row = targets.get("coverage")
        change = k.get("remaining_change")
        kpi_tile(t("overview.remaining"), num(k.get("remaining")),
                 delta=None if change is None else f"{change:+,d}", change=change, better="down",
                 note=remaining_note(row),
                 help=t("overview.remaining_help"))
    with cols[4]:
        change = k.get("overdue_change")
        kpi_tile(t("overview.overdue"), num(k.get("overdue_items")),
                 delta=None if change is None else f"{change:+,d}", change=change, better="down",
                 note=t("overview.overdue_note", n=num(k.get("open_items"))), help=t("overview.overdue_help"))


def ranking(month: date) -> pl.DataFrame:
    return queries.read("""
        select rank, scope_code, coverage, coverage_status, remaining, committee_coverage, committee_status,
               rolling12_rate, overdue_items, coverage_trend
        from mart_county_ranking_monthly
        where month = ?
        order by sort_order
    """, month)


def ranking_table(frame: pl.DataFrame, month: date) -> None:
    # Status in words on its colour: a one-label list in a read-only multiselect column, which colours each
    # label in the browser (a pandas Styler did the same at a seventh of a cockpit's run, see bench_sessions.py).
    statuses = [s for s in STATUS_HEX if s in set(frame["coverage_status"]) | set(frame["committee_status"])]
    labels = [v(s) for s in statuses]

    def status_list(column: str) -> pl.Expr:
        label = pl.col(column).replace_strict(dict(zip(statuses, labels, strict=True)), default=None)
        return pl.when(label.is_not_null()).then(pl.concat_list(label)).alias(f"{column}_label")

    shown = frame.with_columns(
        mapped(frame["scope_code"], v).alias("county"),
        (pl.col("coverage") * 100).round(1), (pl.col("committee_coverage") * 100).round(1),
        pl.col("rolling12_rate").round(1), status_list("coverage_status"), status_list("committee_status"),
    )
    cc = st.column_config

    def status_column() -> dict:
        return cc.MultiselectColumn(t("col.status"), options=labels,
                                    color=[STATUS_HEX[s] for s in statuses])

    # only the columns shown travel to the browser (the codes and Chinese statuses stay here)
    grid(shown, configs(
        "rank/overview", "county", "coverage", {"coverage_status_label": status_column()}, "remaining",
        "committee_coverage", {"committee_status_label": status_column()}, "rolling12_rate/overview", "overdue_items",
        "coverage_trend",
    ), key="ranking")
    download = frame.drop("coverage_trend").with_columns(county=pl.col("scope_code"))
    table_downloads(translated(download, "county", "coverage_status", "committee_status"), t("overview.ranking_file"),
                    {t("filter.month"): month_label(month)}, month, key="ranking")


def alerts(scope: str, city: str, month: date) -> None:
    frame = queries.read("""
        select scope_code, kind, severity, message_zh, message_en from mart_alerts
        where month = ? and (? = ? or scope_code = ?)
        order by sort_order
    """, month, scope, city, scope)
    if frame.height == 0:
        st.success(t("overview.no_alerts"))
        return
    text = "message_en" if language() == "en" else "message_zh"
    high = frame.filter(pl.col("severity") == "high")[text].to_list()
    other = frame.filter(pl.col("severity") != "high")[text].to_list()
    if high:  # every serious alert, worst first, read top to bottom: one box, one line each
        st.error(alert_list(high))
    if other:
        with st.expander(t("overview.other_alerts", n=len(other)), expanded=not high):
            st.warning(alert_list(other))


def alert_list(messages: list[str]) -> str:
    """Alerts as one Markdown list: a box of lines reads better than a wall of boxes, and a page run makes
    one element instead of fourteen (each costs the server about a millisecond when a meeting room opens it)."""
    return "\n".join(f"- {m}" for m in messages)


def submissions_line(scope: str) -> None:
    """How complete the month now being reported is (mart_submission_completeness), linked to 报送情况."""
    frame = queries.read("select * from mart_submission_completeness where scope_code = ? and is_current", scope)
    if frame.height == 0:
        return
    row = frame.row(0, named=True)
    st.markdown(t("overview.submissions", month=month_label(row["month"]), deadline=row["deadline"],
                  expected=num(row["expected"]), received=num(row["received"]), share=pct(row["completeness"]),
                  late=num(row["late"]), outstanding=num(row["missing"] + row["not_due"] + row["rejected"]),
                  href=f"submissions?scope={scope}&lang={language()}"))


f = filters()
page_header("page.overview", f)
tiles(f.scope, f.month)
submissions_line(f.scope)
st.subheader(t("overview.ranking"))
ranking_table(ranking(f.month), f.month)
st.caption(t("overview.ranking_caption"))
if plan_line := plan.worst_line(f.month):  # the plan's duties: the weakest county on each (任务清单)
    st.caption(plan_line)
st.subheader(t("overview.alerts"))
alerts(f.scope, f.city, f.month)
if may_bulletin():
    with st.container(key="screen_only_bulletin"):  # files to download: nothing to print
        st.subheader(t("bulletin.heading"))
        bulletin_downloads(f.month, "monthly", key="bulletin")
        bulletin_downloads(f.month, "year-end", key="bulletin")
        st.caption(t("bulletin.caption"))
