"""The plan as a scorecard (任务清单): every duty of 武政办发〔2024〕55号, its measure, the city's and each county's
value and status. One query (scorecard) and one table (plan_table), for the plan page and for the meeting mode
and the bulletin; and the cockpit's compact line (worst_line).

The plan's structure is reference data (warehouse/reference/plan_duties.csv); the values and statuses are
mart_plan_scorecard's. Nothing here computes a metric: it formats and draws.
"""

from __future__ import annotations

from datetime import date
from html import escape

import polars as pl
import streamlit as st

from dashboard import queries
from dashboard.components import STATUS_HEX, filter_labels, num, pct
from dashboard.downloads import table_downloads
from dashboard.i18n import language, t, v
from dashboard.shell import Filters

NUMERALS = "一二三四五六七八九十"


def task_number(task: int) -> str:
    """The plan's own numbering in Chinese (一 to 五), figures in English."""
    return str(task) if language() == "en" else NUMERALS[task - 1]


def scorecard(month: date) -> pl.DataFrame:
    """Every duty × every scope in `month`, in the plan's order (city first, then the counties)."""
    return queries.read("""
        select s.*, c.sort_order
        from mart_plan_scorecard s join core_scopes c using (scope_code)
        where s.month = ?
        order by s.duty_order, c.sort_order, s.scope_code
    """, month)


def value_text(kind: str | None, value) -> str:
    if value is None:
        return "—"
    return pct(value) if kind == "share" else num(value)


def cell_text(row: dict) -> str:
    """A scope's cell: the value, and the status in words when the measure has a target."""
    if not row["measured"]:
        return t("plan.not_measured")
    text = value_text(row["kind"], row["value"])
    return f"{text} {v(row['status'])}" if row["status"] and row["value"] is not None else text


def measure_href(row: dict, f: Filters) -> str | None:
    """A link to the measure's page, keeping the filters and the language."""
    if not row["measured"]:
        return None
    return f"{row['page']}?scope={f.scope}&month={f.month.strftime('%Y-%m')}&lang={language()}"


def rows(frame: pl.DataFrame, f: Filters) -> list[dict]:
    """One row a duty, in the plan's order: task, number, duty, deadline, lead units, measure (label and link), and
    per scope (city first) the cell text, value text and status."""
    en = language() == "en"
    out = []
    for duty in frame.partition_by("duty_order", maintain_order=True):
        cells = duty.to_dicts()
        first = cells[0]
        out.append({
            "task": first["task"],
            "task_title": first["task_en" if en else "task_zh"],
            "no": f"{task_number(first['task'])}.{first['duty']}",
            "duty": first["duty_en" if en else "duty_zh"],
            "deadline": first["deadline_en" if en else "deadline_zh"],
            "lead": first["lead_en" if en else "lead_zh"],
            "measured": first["measured"],
            "measure": t(f"plan.metric.{first['metric']}") if first["measured"] else t("plan.not_measured"),
            "href": measure_href(first, f),
            "reason": first["reason_en" if en else "reason_zh"],
            "scopes": {c["scope_code"]: c for c in cells},
        })
    return out


def wide(frame: pl.DataFrame, f: Filters) -> pl.DataFrame:
    """The table as text, one row a duty (for downloads, the meeting mode and the bulletin)."""
    return pl.DataFrame([{
        t("plan.col_task"): r["task_title"], t("plan.col_no"): r["no"], t("plan.col_duty"): r["duty"],
        t("plan.col_deadline"): r["deadline"], t("plan.col_lead"): r["lead"], t("plan.col_measure"): r["measure"],
        **{v(s): cell_text(c) for s, c in r["scopes"].items()},
        t("plan.col_reason"): r["reason"] or "",
    } for r in rows(frame, f)])


CSS = """
<style>
table.plan {width: 100%; border-collapse: collapse; font-size: 13px; line-height: 1.3; table-layout: fixed;}
table.plan td, table.plan th {border-left: none; border-right: none;}
table.plan th {background: #F3F5F8; color: #374151; font-weight: 600; text-align: left; padding: 5px 6px;
  border-bottom: 1px solid #D6DCE4; position: sticky; top: 0;}
table.plan td {padding: 4px 4px; border-bottom: 1px solid #E5E9F0; vertical-align: top;}
table.plan tr.task td {background: #E8EEF6; font-weight: 700; color: #1F2A37; padding-top: 7px;}
table.plan td.scope, table.plan th.scope {text-align: center;}
table.plan th.scope {font-size: 12px; word-break: keep-all; padding: 5px 2px;}
table.plan td.no {white-space: nowrap; color: #6B7280;}
table.plan td.deadline {white-space: nowrap; font-size: 12px;}
table.plan td.lead {font-size: 12px; color: #374151;}
table.plan td.scope {white-space: nowrap; padding: 4px 2px;}
table.plan td.scope span.status {display: block; font-size: 11.5px;}
table.plan td.not-measured {color: #6B7280; font-style: italic;}
table.plan a {color: #1F6FB2; text-decoration: none;}
</style>
"""


def scope_cell(row: dict) -> str:
    if not row["measured"]:
        return '<td class="scope not-measured">—</td>'
    text = escape(value_text(row["kind"], row["value"]))
    if row["status"] and row["value"] is not None:
        colour = STATUS_HEX.get(row["status"], "#6B7280")
        return (f'<td class="scope" style="background:{colour};color:white;font-weight:600">{text}'
                f'<span class="status">{escape(v(row["status"]))}</span></td>')
    return f'<td class="scope">{text}</td>'


def html_table(duties: list[dict], scopes: list[str]) -> str:
    head = "".join(f"<th>{escape(t(k))}</th>" for k in ("plan.col_no", "plan.col_duty", "plan.col_deadline",
                                                        "plan.col_lead", "plan.col_measure"))
    head += "".join(f'<th class="scope">{escape(v(s))}</th>' for s in scopes)
    body, task = [], None
    for r in duties:
        if r["task"] != task:
            task = r["task"]
            title = t("plan.task_heading", n=task_number(task), title=r["task_title"])
            body.append(f'<tr class="task"><td colspan="{5 + len(scopes)}">{escape(title)}</td></tr>')
        if r["measured"]:
            measure = f'<td><a href="{escape(r["href"])}" target="_self">{escape(r["measure"])}</a></td>'
        else:
            measure = f'<td class="not-measured">{escape(t("plan.not_measured_cell", reason=r["reason"] or ""))}</td>'
        body.append(f'<tr data-duty="{r["no"]}"><td class="no">{r["no"]}</td><td>{escape(r["duty"])}</td>'
                    f'<td class="deadline">{escape(r["deadline"])}</td>'
                    f'<td class="lead">{escape(r["lead"])}</td>{measure}'
                    + "".join(scope_cell(r["scopes"][s]) for s in scopes) + "</tr>")
    widths = [5, 20, 11, 12, 12] + [40 / len(scopes)] * len(scopes)
    cols = "".join(f'<col style="width:{w:.1f}%">' for w in widths)
    return (f'{CSS}<table class="plan"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def plan_table(f: Filters, *, key: str = "plan", downloads: bool = True) -> pl.DataFrame:
    """The scorecard: the plan's five key tasks, each with its duties in order, every scope's value and status;
    the duties no ledger measures shown as such with the reason; one download of the whole table (leave it out
    with downloads=False, e.g. on a slide). Returns the scorecard rows (mart_plan_scorecard for the month)."""
    frame = scorecard(f.month)
    if frame.height == 0:
        st.info(t("common.no_data"))
        return frame
    scopes = list(dict.fromkeys(frame["scope_code"].to_list()))
    st.markdown(html_table(rows(frame, f), scopes), unsafe_allow_html=True)
    if downloads:
        table_downloads(wide(frame, f), t("plan.file"), filter_labels(f), f.month, key=f"{key}-download")
    return frame


def worst_counties(month: date) -> pl.DataFrame:
    """Per measured duty, the county that does worst in `month` (ties: the lowest adcode)."""
    return queries.read("""
        select duty_order, task, duty, metric, kind, scope_code, value, status
        from mart_plan_scorecard
        where month = ? and scope_level = 'county' and county_rank_worst = 1
        qualify row_number() over (partition by duty_order order by scope_code) = 1
        order by duty_order
    """, month)


# The cockpit's line: the duties the plan adds beyond the headline targets.
COCKPIT_METRICS = ("disclosure_rate", "contract_filing_rate", "project_manager_share", "takeover_rate",
                   "red_property", "beautiful_home")


def worst_line(month: date) -> str | None:
    """One line: for each plan duty the cockpit lists, the worst county and its value (and status), leaving out
    a duty even the worst county has achieved."""
    # a duty every county has achieved has no weakest county worth naming
    frame = worst_counties(month).filter(pl.col("metric").is_in(COCKPIT_METRICS),
                                         pl.col("status").fill_null("") != "已完成")
    if frame.height == 0:
        return None
    parts = []
    for row in frame.to_dicts():
        status = f" {v(row['status'])}" if row["status"] else ""
        parts.append(t("plan.worst_part", metric=t(f"plan.metric.{row['metric']}"), county=v(row["scope_code"]),
                       value=value_text(row["kind"], row["value"]), status=status))
    return t("plan.worst_line", parts=t("plan.separator").join(parts))


def compound_duties(compound_id: str, month: date) -> dict | None:
    frame = queries.read("select * from mart_compound_plan_duties_monthly where compound_id = ? and month = ?",
                         compound_id, month)
    return frame.row(0, named=True) if frame.height else None


def compound_line(compound_id: str, month: date) -> str | None:
    """The compound profile's line on the plan's duties: what the ledger says, unknown where it says nothing."""
    p = compound_duties(compound_id, month)
    if p is None:
        return None

    def flag(key: str, value) -> str:
        answer = "plan.unknown" if value is None else "plan.yes" if value else "plan.no"
        return t(f"plan.compound.{key}", value=t(answer))

    parts = [flag("disclosure", p["disclosure_posted"]), flag("takeover", p["takeover_inspected"])]
    if p["is_professional"]:
        parts.append(flag("filed", p["contract_filed"]))
        if p["contract_end"]:
            state = ("plan.compound.ended" if p["contract_ended"]
                     else "plan.compound.ending_soon" if p["contract_ending_soon"] else None)
            parts.append(t("plan.compound.contract_end", date=p["contract_end"].isoformat())
                         + (t(state) if state else ""))
        parts.append(t("plan.compound.manager", name=p["project_manager"] or t("plan.compound.none")))
    if p["takeover_open_items"]:
        parts.append(t("plan.compound.open_items", n=p["takeover_open_items"]))
    parts += [t(f"plan.compound.{k}") for k in ("red_property", "beautiful_home") if p[k]]
    return t("plan.compound.line", parts=t("plan.separator").join(parts))
