"""Projector slides for meeting mode: one function a slide kind, each drawing a 1280×720 view
(zoomed ×1.5 at 1920×1080 by the stylesheet) from the same marts as the desk pages.

Text is HTML built here with sizes in px, so nothing depends on Streamlit's desk layout;
status is always a word and a symbol as well as a colour (Okabe–Ito palette, colour-blind safe).
"""

from __future__ import annotations

from datetime import date
from html import escape

import plotly.graph_objects as go
import streamlit as st

from dashboard import queries
from dashboard.columns import label
from dashboard.components import CHART_FONT, html_table, num, pct
from dashboard.i18n import language, month_label, t, v

# Okabe–Ito: distinguishable with the common colour-vision deficiencies; dark enough for white text.
STATUS_STYLE = {"已完成": ("#00704A", "✔"), "达标": ("#0054A6", "●"), "滞后": ("#A85A00", "▲"),
                "严重滞后": ("#B3261E", "✖"), "未完成": ("#7A1A14", "✖")}
INK = "#111827"
ROWS = 8  # table rows a slide shows: fits 720 px with the bar and the title

CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 8px 24px 0 24px !important; max-width: 100% !important; }
[data-testid="stMain"] { overflow: hidden; }
.stApp { color: #111827; }
.slide-title { font-size: 34px; font-weight: 700; line-height: 1.2; margin: 4px 0 10px 0; color: #111827; }
.slide-note { font-size: 20px; color: #1F2A37; line-height: 1.3; margin-top: 6px; }
.tiles { display: grid; grid-template-columns: repeat(var(--n), minmax(0, 1fr)); gap: 12px; }
.tile { border: 2px solid #1F2A37; border-radius: 8px; padding: 10px 12px; min-width: 0; }
.tile .label { font-size: 21px; font-weight: 600; line-height: 1.25; color: #111827; overflow-wrap: anywhere; }
.tile .value { font-size: 46px; font-weight: 700; line-height: 1.15; color: #111827; }
.tile .sub { font-size: 20px; line-height: 1.3; color: #1F2A37; overflow-wrap: anywhere; }
.status { display: inline-block; color: #fff; font-weight: 700; border-radius: 6px; padding: 0 8px;
          font-size: 20px; line-height: 1.5; white-space: nowrap; }
table.slide { width: 100%; border-collapse: collapse; font-size: 21px; color: #111827; table-layout: auto; }
table.slide th { text-align: left; border-bottom: 3px solid #111827; padding: 4px 8px; font-weight: 700; }
table.slide td { border-bottom: 1px solid #6B7280; padding: 4px 8px; line-height: 1.3; overflow-wrap: break-word; }
table.slide th.n { text-align: right; }
table.slide td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.st-key-meeting_controls, [class*="st-key-sheet_"] .meeting-bar { border-bottom: 3px solid #B22A2E;
  padding-bottom: 6px; margin-bottom: 6px; }
.st-key-meeting_controls { flex-wrap: nowrap !important; }
.st-key-meeting_controls > div:first-child { flex: 1 1 auto; min-width: 0; }
.meeting-bar { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 18px; font-size: 20px; color: #111827;
               white-space: nowrap; min-width: 0; }
.meeting-bar b { font-size: 28px; min-width: 0; }
.slide-note li { font-size: 20px; line-height: 1.35; }
.st-key-meeting_controls button p { font-size: 20px; }
.st-key-meeting_controls button { min-height: 40px; padding: 2px 14px; }
/* The print view: each slide a 1280 px sheet, on screen as on paper, so charts keep the width they were drawn at */
[data-testid="stMain"]:has([class*="st-key-sheet_"]) { overflow: auto; }
[class*="st-key-sheet_"] { width: 1232px; }
.print-hint { font-size: 20px; color: #1F2A37; }
@media screen {
  [class*="st-key-sheet_"] { outline: 1px solid #9CA3AF; outline-offset: 12px; margin: 16px 0 32px 0; }
}
/* Print: A4 landscape, a slide a page, drawn at its 1280 px design width and scaled to the paper (1047 px) */
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  .st-key-meeting_controls [data-testid="stElementContainer"]:has(.stButton), .print-hint,
  [data-testid="stElementContainer"]:has(script) { display: none !important; }
  [data-testid="stMain"] { zoom: 1 !important; overflow: visible !important; }
  [data-testid="stMainBlockContainer"] { width: 1280px !important; zoom: 0.8; }
  .projector-hd [data-testid="stPlotlyChart"] { zoom: calc(1 / 1.5); }
  /* Streamlit stacks columns holding a chart in print (charts keep their screen width); at the design
     width they fit side by side as on screen */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"]) { display: flex !important; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { width: auto !important; margin-bottom: 0 !important; }
  [class*="st-key-slide_"], [class*="st-key-sheet_"] { break-inside: avoid; }
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-sheet_"]):not(:has(> .st-key-sheet_1)) { break-before: page; }
  table.slide tr { break-inside: avoid; }
}
</style>
"""
# On a 1920×1080 projector the 1280×720 design is zoomed ×1.5 (meeting mode only, not its print view).
PROJECTOR_CSS = """
<style>
@media screen and (min-width: 1800px) and (min-height: 1000px) {
  [data-testid="stMain"] { zoom: 1.5; }
  /* Plotly measures zoomed boxes and would scale twice: charts keep their own pixels */
  [data-testid="stPlotlyChart"] { zoom: calc(1 / 1.5); }
}
</style>
"""


def status_html(status: str | None) -> str:
    if not status:
        return ""
    colour, mark = STATUS_STYLE.get(status, ("#374151", "•"))
    return f'<span class="status" style="background:{colour}">{mark} {escape(v(status))}</span>'


def tile_html(label: str, value: str, status: str | None = None, sub: str | None = None) -> str:
    return (f'<div class="tile"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div>'
            f'{status_html(status)}' + (f'<div class="sub">{escape(sub)}</div>' if sub else "") + "</div>")


def tiles_html(tiles: list[str]) -> str:
    return f'<div class="tiles" style="--n:{len(tiles)}">' + "".join(tiles) + "</div>"


def table_html(header: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    return html_table(header, rows, "slide")


def show(html: str) -> None:
    st.html(html)


def status_words(row: dict | None) -> str | None:
    if not row:
        return None
    months = row["months_left"]
    return t("meeting.target_line", target=pct(row["target_value"], 0), deadline=row["deadline"].strftime("%Y-%m"),
             left=t("meeting.months_left", n=months))


# -- data (selects from marts only) --------------------------------------------------------------

def kpis(scope: str, month: date) -> dict:
    frame = queries.read("""
        select c.coverage, c.remaining, k.committee_coverage, r.rolling12_rate, r.ratio_to_baseline,
               x.overdue_items, x.open_items
        from mart_coverage_monthly c
        join mart_committee_coverage_monthly k using (scope_code, month)
        join mart_complaint_rate_monthly r using (scope_code, month)
        left join mart_rectification_monthly x on x.scope_code = c.scope_code and x.month = c.month
             and x.source = '全部'
        where c.scope_code = ? and c.month = ?
    """, scope, month)
    return frame.row(0, named=True) if frame.height else {}


def targets(scope: str, month: date) -> dict[str, dict]:
    frame = queries.read("""
        select metric, deadline, target_value, status, months_left from mart_target_status
        where scope_code = ? and month = ? and is_active
    """, scope, month)
    return {r["metric"]: r for r in frame.to_dicts()}


def kpi_tiles(scope: str, month: date) -> str:
    k, tg = kpis(scope, month), targets(scope, month)
    cov, com, rate = tg.get("coverage"), tg.get("committee_coverage"), tg.get("complaint_rate_ratio")
    return tiles_html([
        tile_html(t("metric.coverage"), pct(k.get("coverage")), cov and cov["status"], status_words(cov)),
        tile_html(t("metric.committee_coverage"), pct(k.get("committee_coverage")), com and com["status"],
                  status_words(com)),
        tile_html(t("meeting.complaint_rate"), num(k.get("rolling12_rate"), 1), rate and rate["status"],
                  t("meeting.ratio", ratio=pct(k.get("ratio_to_baseline"), 0))),
        tile_html(t("meeting.remaining"), num(k.get("remaining"))),
        tile_html(t("meeting.overdue"), num(k.get("overdue_items")), None,
                  t("meeting.open", n=num(k.get("open_items")))),
    ])


def burn_figure(scope: str, metric: str, month: date, height: int) -> go.Figure | None:
    frame = queries.read("""
        with active as (select deadline from mart_target_status
                        where scope_code = ? and metric = ? and month = ? and is_active)
        select strftime(p.month, '%Y-%m') as month, p.remaining, p.expected_remaining, p.target_remaining
        from mart_target_progress p join active a using (deadline)
        where p.scope_code = ? and p.metric = ? and p.month <= ?
        order by p.month
    """, scope, metric, month, scope, metric, month)
    if frame.height == 0:
        return None
    fig = go.Figure([
        go.Scatter(x=frame["month"], y=frame["remaining"], name=t("meeting.burn_actual"), mode="lines+markers",
                   line={"color": "#0054A6", "width": 4}),
        go.Scatter(x=frame["month"], y=frame["expected_remaining"], name=t("meeting.burn_ideal"), mode="lines",
                   line={"color": "#A85A00", "width": 3, "dash": "dash"}),
    ])
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 36, "b": 10},
        font={"family": CHART_FONT, "size": 18, "color": INK},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 18}},
        plot_bgcolor="white", paper_bgcolor="white")
    fig.update_xaxes(type="category", nticks=6, tickfont={"size": 16, "color": INK}, showgrid=False)
    fig.update_yaxes(tickfont={"size": 16, "color": INK}, gridcolor="#9CA3AF", rangemode="tozero")
    return fig


def burn_title(metric: str) -> str:
    return t("meeting.burn_title", metric=t(f"metric.{metric}"))


def plot(fig: go.Figure | None, key: str, title: str) -> None:
    show(f'<div class="slide-note"><b>{escape(title)}</b></div>')
    if fig is None:
        show(f'<div class="slide-note">{escape(t("common.no_data"))}</div>')
        return
    st.plotly_chart(fig, width="stretch", config={"displayModeBar": False, "staticPlot": True}, key=key)


def overdue_rows(scope: str, city: str, month: date, limit: int) -> str:
    frame = queries.read("""
        select county_code, compound_name, firm_name, days_overdue
        from mart_open_rectifications_monthly
        where month = ? and overdue_at_month and (? = ? or county_code = ?)
        order by days_overdue desc, issue_id limit ?
    """, month, scope, city, scope, limit)
    if frame.height == 0:
        return f'<div class="slide-note">{escape(t("meeting.none_overdue"))}</div>'
    header = [(label("compound_name"), False), (label("firm_name"), False), (label("days_overdue"), True)]
    rows = [[escape(r["compound_name"] or "—"), escape(r["firm_name"] or "—"), num(r["days_overdue"])]
            for r in frame.to_dicts()]
    if scope == city:  # a county's own slide needs no county column
        header = [(label("county"), False), *header]
        rows = [[escape(v(r["county_code"])), *row] for r, row in zip(frame.to_dicts(), rows, strict=True)]
    return table_html(header, rows)


# -- the slide kinds -------------------------------------------------------------------------------

def cockpit(scope: str, city: str, month: date) -> None:
    show(kpi_tiles(scope, month))
    frame = queries.read("""
        select scope_code, kind, severity, message_zh, message_en from mart_alerts
        where month = ? and (? = ? or scope_code = ?) and severity = 'high' order by scope_code, kind limit 4
    """, month, scope, city, scope)
    text = "message_en" if language() == "en" else "message_zh"
    if frame.height:
        items = "".join(f"<li>{escape(r[text])}</li>" for r in frame.to_dicts())
        show(f'<div class="slide-note"><b>{escape(t("meeting.alerts"))}</b><ul style="margin:4px 0">{items}</ul></div>')


def burndown(scope: str, city: str, month: date) -> None:
    left, right = st.columns(2)
    with left:
        plot(burn_figure(scope, "coverage", month, 460), "burn_coverage", burn_title("coverage"))
    with right:
        plot(burn_figure(scope, "committee_coverage", month, 460), "burn_committee", burn_title("committee_coverage"))
    show(f'<div class="slide-note">{escape(t("meeting.burn_caption"))}</div>')


def ranking(scope: str, city: str, month: date) -> None:
    frame = queries.read("""
        select rank, scope_code, coverage, coverage_status as status, remaining, committee_coverage,
               committee_status, overdue_items
        from mart_county_ranking_monthly where month = ? order by sort_order
    """, month)
    show(table_html(
        [(label("rank"), True), (label("county"), False), (t("metric.coverage"), True),
         (label("status"), False), (t("meeting.remaining"), True), (t("metric.committee_coverage"), True),
         (label("status"), False), (t("meeting.overdue"), True)],
        [[str(r["rank"]), escape(v(r["scope_code"])), pct(r["coverage"]), status_html(r["status"]),
          num(r["remaining"]), pct(r["committee_coverage"]), status_html(r["committee_status"]),
          num(r["overdue_items"])] for r in frame.to_dicts()]))


def county(scope: str, city: str, month: date) -> None:
    show(kpi_tiles(scope, month))
    left, right = st.columns([1, 1])
    with left:
        plot(burn_figure(scope, "coverage", month, 300), f"burn_{scope}", burn_title("coverage"))
    with right:
        show(f'<div class="slide-note"><b>{escape(t("meeting.overdue_top"))}</b></div>'
             + overdue_rows(scope, city, month, 4))


def hotspots(scope: str, city: str, month: date) -> None:
    frame = queries.read("""
        select city_rank, county_code, compound_name, complaints_12m, per_100_households_12m
        from mart_compound_complaints_monthly
        where month = ? and (? = ? or county_code = ?) and city_rank is not null
        order by city_rank limit ?
    """, month, scope, city, scope, ROWS)
    show(table_html(
        [(label("rank"), True), (label("county"), False), (label("compound_name"), False),
         (t("meeting.col_complaints"), True), (t("meeting.col_per100"), True)],
        [[str(r["city_rank"]), escape(v(r["county_code"])), escape(r["compound_name"] or "—"),
          num(r["complaints_12m"]), num(r["per_100_households_12m"], 1)] for r in frame.to_dicts()]))
    show(f'<div class="slide-note">{escape(t("meeting.hotspots_caption"))}</div>')


def overdue(scope: str, city: str, month: date) -> None:
    show(overdue_rows(scope, city, month, ROWS))


def firms(scope: str, city: str, month: date) -> None:
    quarter = queries.value("select max(quarter) from mart_firm_credit_quarterly where quarter_end <= ?", month)
    lists = []
    for list_zh, order in (("红榜", "desc"), ("黑榜", "asc")):
        frame = queries.read(f"""
            select firm_name, score, level from mart_firm_credit_quarterly
            where quarter = ? and list_zh = ? order by score {order}, firm_name limit 6
        """, quarter, list_zh)
        rows = [[escape(r["firm_name"]), num(r["score"], 1), escape(r["level"])] for r in frame.to_dicts()]
        body = (table_html([(label("firm_name"), False), (label("score"), True),
                            (label("level"), False)], rows) if rows
                else f'<div class="slide-note">{escape(t("meeting.list_empty"))}</div>')
        lists.append(f'<div><div class="slide-note"><b>{escape(v(list_zh))}</b></div>{body}</div>')
    show(f'<div class="two">{"".join(lists)}</div>'
         f'<div class="slide-note">{escape(t("meeting.firms_caption", quarter=quarter or "—"))}</div>')


def deadlines(scope: str, city: str, month: date) -> None:
    frame = queries.read("""
        select scope_code, metric, deadline, target_value, value_at_deadline, met_at_deadline
        from mart_target_status
        where month = ? and value_at_deadline is not null and (? = ? or scope_code = ?)
        order by deadline desc, met_at_deadline, scope_code, metric limit ?
    """, month, scope, city, scope, ROWS)
    if frame.height == 0:
        show(f'<div class="slide-note">{escape(t("meeting.no_deadlines"))}</div>')
        return
    show(table_html(
        [(label("scope"), False), (t("meeting.col_metric"), False), (t("meeting.col_deadline"), False),
         (t("meeting.col_target"), True), (t("meeting.col_actual"), True), (t("meeting.col_result"), False)],
        [[escape(v(r["scope_code"])), escape(t(f"metric.{r['metric']}")), r["deadline"].strftime("%Y-%m-%d"),
          pct(r["target_value"], 0), pct(r["value_at_deadline"]),
          status_html("已完成" if r["met_at_deadline"] else "未完成")] for r in frame.to_dicts()]))


KINDS = {"cockpit": cockpit, "burndown": burndown, "ranking": ranking, "county": county, "hotspots": hotspots,
         "overdue": overdue, "firms": firms, "deadlines": deadlines}


def playlist(name: str) -> list[dict]:
    """The playlist's slides, in order, from the region pack (ref_playlists)."""
    return queries.read("""
        select "order", page, scope::varchar as scope, dwell, title_zh, title_en
        from ref_playlists where playlist = ? order by "order"
    """, name).to_dicts()


def playlists() -> list[str]:
    return queries.read("select distinct playlist from ref_playlists order by playlist")["playlist"].to_list()


def data_stamp() -> str:
    info = queries.build_info()
    return " · ".join([t("footer.as_of", month=month_label(info.data_month)),
                       t("footer.built", time=info.finished_at.astimezone().strftime("%Y-%m-%d %H:%M"))])
