"""报送情况: who sent which ledger for which period, when, and what bounced — judged at each period's
deadline (mart_submissions); the month now being reported in tiles and its 催报 list of what has not
arrived; the last 12 months as a matrix; and the ledger templates to fill in (written by the build)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from contract import location
from dashboard import queries
from dashboard.columns import configs
from dashboard.components import chart, kpi_tile, num, pct, plotly_layout, table, translated
from dashboard.downloads import template_download
from dashboard.i18n import language, ledger_label, month_label, t, v
from dashboard.shell import Filters, filters, page_header

STATUSES = ("on_time", "late", "rejected", "missing", "not_due", "received")
# Okabe-Ito colours (told apart with colour-blindness), and a symbol each, so no cell relies on colour alone.
STATUS_HEX = {"on_time": "#009E73", "late": "#E69F00", "rejected": "#CC79A7", "missing": "#D55E00",
              "not_due": "#C8CDD3", "received": "#56B4E9"}
SYMBOLS = {"on_time": "✓", "late": "◔", "rejected": "✗", "missing": "○", "not_due": "…", "received": "✓"}
OUTSTANDING = ("missing", "not_due", "rejected")
IN_SCOPE = "(? = ? or s.scope_code = ?)"
WINDOW_MONTHS = 12
ORDER = "order by c.sort_order, s.scope_code, l.sort_order, s.period"
JOINS = "join core_scopes c using (scope_code) join ref_ledgers l using (ledger)"


def status_label(status: str) -> str:
    return t(f"submissions.status.{status}")


def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Sender, ledger, outcome and reasons in the reader's language."""
    reasons = "reasons_en" if language() == "en" else "reasons_zh"
    return translated(frame.with_columns(
        pl.col("ledger").replace_strict({n: ledger_label(n) for n in frame["ledger"].unique()}, return_dtype=pl.String),
        pl.col("status").replace_strict({s: status_label(s) for s in STATUSES}, return_dtype=pl.String),
        pl.col("sender").fill_null(t("submissions.unknown_sender")),
        pl.col(reasons).alias("reasons"),
    ), "scope_code")


def current(f: Filters) -> dict | None:
    frame = queries.read("select * from mart_submission_completeness where scope_code = ? and is_current", f.scope)
    return frame.row(0, named=True) if frame.height else None


def tiles(row: dict) -> None:
    outstanding = row["missing"] + row["not_due"] + row["rejected"]
    cols = st.columns(4)
    with cols[0]:
        kpi_tile(t("submissions.expected"), num(row["expected"]), help=t("submissions.expected_help"))
    with cols[1]:
        kpi_tile(t("submissions.received"), num(row["received"]), help=t("submissions.received_help"),
                 note=t("submissions.received_note", on_time=num(row["on_time"]), late=num(row["late"])))
    with cols[2]:
        kpi_tile(t("submissions.outstanding"), num(outstanding), help=t("submissions.outstanding_help"),
                 note=t("submissions.outstanding_note", missing=num(row["missing"]), not_due=num(row["not_due"]),
                        rejected=num(row["rejected"])))
    with cols[3]:
        kpi_tile(t("submissions.completeness"), pct(row["completeness"]), help=t("submissions.completeness_help"))


COLUMNS = ("s.scope_code, s.ledger, s.period, s.deadline, s.status, s.received_at, s.sender, s.files, "
           "s.files_replaced, s.days_late, s.first_path, s.reasons_zh, s.reasons_en")


def reminders(f: Filters) -> None:
    frame = queries.read(f"""
        select {COLUMNS} from mart_submissions s {JOINS}
        where s.is_current and s.expected and s.status in {OUTSTANDING} and {IN_SCOPE} {ORDER}
    """, f.scope, f.city, f.scope)
    st.caption(t("submissions.reminders_caption"))
    if frame.height == 0:
        st.success(t("submissions.no_reminders"))
        return
    table(labelled(frame), configs(
        "scope_code", "ledger", "period", "deadline/submissions", "status/submissions", "days_late", "reasons",
    ), name=t("submissions.reminders_file"), f=f, key="submissions-reminders", source_table="mart_submissions")


def window(f: Filters, last: date) -> tuple[pl.DataFrame, list[date]]:
    """The cells of the WINDOW_MONTHS months ending at `last`, and those months (their last days)."""
    frame = queries.read(f"""
        select {COLUMNS} from mart_submissions s {JOINS}
        where s.period > ?::date - interval {WINDOW_MONTHS} month and s.period <= ? and {IN_SCOPE} {ORDER}
    """, last, last, f.scope, f.city, f.scope)
    months = queries.read(f"""
        select last_day(m)::date as month
        from generate_series(date_trunc('month', ?::date) - interval {WINDOW_MONTHS - 1} month,
                             date_trunc('month', ?::date), interval 1 month) as t(m)
        order by month
    """, last, last)["month"].to_list()
    return frame, months


def hover(row: dict) -> str:
    received = row["received_at"].strftime("%Y-%m-%d %H:%M") if row["received_at"] else "—"
    sender = row["sender"] or t("submissions.unknown_sender")
    return (f"{status_label(row['status'])}<br>{t('col.deadline.submissions')}: {row['deadline'] or '—'}"
            f"<br>{t('col.received_at.submissions')}: {received}<br>{t('col.sender')}: {sender}"
            f"<br>{t('col.files.submissions')}: {row['files']}")


def matrix(frame: pl.DataFrame, months: list[date], f: Filters) -> None:
    """Rows: sender × ledger; columns: the months; each cell its outcome's colour and symbol."""
    rows = frame.select("scope_code", "ledger").unique(maintain_order=True).rows()
    x = [month.strftime("%Y-%m") for month in months]
    cells = {(r["scope_code"], r["ledger"], r["period"]): r for r in frame.to_dicts()}
    z, text, tips = [], [], []
    for scope, ledger in rows:
        found = [cells.get((scope, ledger, month)) for month in months]
        z.append([STATUSES.index(c["status"]) if c else None for c in found])
        text.append([SYMBOLS[c["status"]] + ("*" if c["files_replaced"] else "") if c else "" for c in found])
        tips.append([hover(c) if c else "" for c in found])
    labels = [f"{v(scope)} · {ledger_label(ledger)}" if f.is_city else ledger_label(ledger) for scope, ledger in rows]
    n = len(STATUSES)
    scale = [[edge, STATUS_HEX[s]] for k, s in enumerate(STATUSES) for edge in (k / n, (k + 1) / n)]
    fig = go.Figure(go.Heatmap(z=z, x=x, y=labels, text=text, texttemplate="%{text}", customdata=tips,
                               hovertemplate="%{y}<br>%{x}<br>%{customdata}<extra></extra>", colorscale=scale,
                               zmin=-0.5, zmax=n - 0.5, showscale=False, xgap=2, ygap=2,
                               textfont={"size": 14, "color": "#1B1F24"}))
    fig.update_yaxes(autorange="reversed", type="category", showgrid=False)
    fig.update_xaxes(type="category", side="top")
    legend = "、" if language() == "zh" else ", "
    caption = t("submissions.matrix_caption", legend=legend.join(f"{SYMBOLS[s]} {status_label(s)}" for s in STATUSES))
    chart(plotly_layout(fig, height=80 + 26 * max(len(rows), 1)), caption, key="submissions-matrix")


def details(frame: pl.DataFrame, f: Filters) -> None:
    shown = labelled(frame.sort("period", descending=True, maintain_order=True))
    table(shown, configs(
        "scope_code", "ledger", "period", "deadline/submissions", "status/submissions", "received_at/submissions",
        "sender", "files/submissions", "files_replaced", "days_late", "first_path", "reasons",
    ), name=t("submissions.details_file"), f=f, key="submissions-details", source_table="mart_submissions")


def unplaced(f: Filters) -> None:
    if not f.is_city:
        return  # a file whose sender cannot be told belongs to no county
    n = queries.count_rows("mart_submission_files", "scope_code is null or period is null")  # every role's count
    if n:
        st.caption(t("submissions.unplaced", n=num(n)))


def templates(f: Filters, month: date | None) -> None:
    """The build's templates for the scope: a county's own ledgers, or every ledger for the whole city. The file
    name carries the sender, the ledger and the month now being reported (what the reader recognises)."""
    st.caption(t("submissions.templates_caption"))
    ledgers = queries.read("select ledger, name_zh, cadence, reported_by from ref_ledgers order by sort_order")
    names = dict(queries.read("select scope_code, name_zh from core_scopes").rows())
    offered = [r for r in ledgers.to_dicts() if f.is_city or r["reported_by"] == "county"]
    paths = {r["ledger"]: location.template_path(r["ledger"], f.scope) for r in offered}
    if not any(path.exists() for path in paths.values()):
        st.info(t("submissions.no_templates"))
        return
    row = st.container(horizontal=True)
    for r in offered:
        if not paths[r["ledger"]].exists():
            continue
        period = f"_{month:%Y-%m}" if month and r["cadence"] else ""
        with row:
            template_download(paths[r["ledger"]], ledger_label(r["ledger"]),
                              f"{names[f.scope]}_{r['name_zh']}{period}.xlsx", key=f"template-{r['ledger']}")


f = filters()
page_header("page.submissions", f)
info = queries.build_info()
st.caption(t("submissions.scope_note", time=info.finished_at.astimezone().strftime("%Y-%m-%d %H:%M"),
             day=queries.value("select reporting_deadline_day from core_settings")))
now = current(f)
if now is None:
    st.info(t("submissions.no_current"))
else:
    st.subheader(t("submissions.current", month=month_label(now["month"]), deadline=now["deadline"]))
    tiles(now)
    st.subheader(t("submissions.reminders"))
    reminders(f)
    st.subheader(t("submissions.matrix"))
    cells, months = window(f, now["month"])
    matrix(cells, months, f)
    with st.expander(t("submissions.details")):
        details(cells, f)
unplaced(f)
st.subheader(t("submissions.templates"))
templates(f, now["month"] if now else None)
