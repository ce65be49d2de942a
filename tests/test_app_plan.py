"""The plan page (任务清单) shows every duty of the plan file, in order, with the marts' values and statuses; a duty
no ledger measures is shown as not measured, with its reason; the cockpit names the weakest county per duty."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest

from contract.location import REFERENCE
from tests.apptest import run_page
from tests.shown import SCOPES, month_end, table_with

MONTH = "2025-02"
NUMERALS = "一二三四五"


class PlanTable(HTMLParser):
    """The duty rows of the plan table: a list of cell texts per row (text pieces of a cell joined by a space)."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.task_rows: list[str] = []
        self._row: list[list[str]] | None = None
        self._task = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-duty" in attrs:
            self._row = []
        elif tag == "tr" and attrs.get("class") == "task":
            self._task = True
        elif tag == "td" and self._row is not None:
            self._row.append([])

    def handle_endtag(self, tag):
        if tag == "tr":
            if self._row is not None:
                self.rows.append([" ".join(p.strip() for p in cell if p.strip()) for cell in self._row])
            self._row, self._task = None, False

    def handle_data(self, data):
        if self._row is not None and self._row:
            self._row[-1].append(data)
        elif self._task and data.strip():
            self.task_rows.append(data.strip())


def plan_file() -> list[dict]:
    with open(REFERENCE / "plan_duties.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def shown_table(at) -> PlanTable:
    found = [m.value for m in at.markdown if 'class="plan"' in m.value]
    assert len(found) == 1
    parser = PlanTable()
    parser.feed(found[0])
    return parser


def expected_cell(kind, value, status) -> str:
    if value is None:
        return "—"
    text = f"{value * 100:.1f}%" if kind == "share" else f"{value:,.0f}"
    return f"{text} {status}" if status else text


@pytest.fixture(scope="module")
def page(golden_app_env_module):
    at = run_page("plan", scope="620600", month=MONTH)
    assert not at.exception
    return at


def test_every_duty_in_the_plans_order(page):
    table = shown_table(page)
    plan = plan_file()
    assert [(r[0], r[1], r[2], r[3]) for r in table.rows] == [
        (f"{NUMERALS[int(p['task']) - 1]}.{p['duty']}", p["duty_zh"], p["deadline_zh"], p["lead_zh"]) for p in plan]
    tasks = list(dict.fromkeys((p["task"], p["task_zh"]) for p in plan))
    assert table.task_rows == [f"{NUMERALS[int(n) - 1]}、{title}" for n, title in tasks]


def test_values_and_statuses_are_the_marts(page, golden):
    table = shown_table(page)
    marts = golden.execute("""
        select s.duty_order, s.scope_code, s.kind, s.value, s.status, s.measured
        from mart_plan_scorecard s join core_scopes c using (scope_code)
        where s.month = ? order by s.duty_order, c.sort_order, s.scope_code
    """, [month_end(MONTH)]).fetchall()
    want: dict[int, list[str]] = {}
    for order, _scope, kind, value, status, measured in marts:
        want.setdefault(order, []).append(expected_cell(kind, value, status) if measured else "—")
    assert [row[5:] for row in table.rows] == [want[o] for o in sorted(want)]
    assert len(table.rows[0][5:]) == len(SCOPES)


def test_hand_checked_disclosure_row(page):
    """EXPECTED.md: 三.1 公示 at 2025-02 reads 44.4% 达标, 50.0% 达标, 33.3% 滞后, —, —."""
    row = next(r for r in shown_table(page).rows if r[0] == "三.1")
    assert row[4] == "公示率"
    assert row[5:] == ["44.4% 达标", "50.0% 达标", "33.3% 滞后", "—", "—"]


def test_a_duty_without_a_measure_is_shown_as_such(page):
    table = shown_table(page)
    unmeasured = [p for p in plan_file() if not p["metric"]]
    assert {p["duty_zh"] for p in unmeasured} >= {"开展项目经理培训", "公开招标选聘物业服务企业"}
    for p in unmeasured:
        row = next(r for r in table.rows if r[1] == p["duty_zh"])
        assert row[4] == f"未计量：{p['reason_zh']}"
        assert row[5:] == ["—"] * len(SCOPES)


def test_measures_link_to_their_pages(page):
    html = next(m.value for m in page.markdown if 'class="plan"' in m.value)
    for p in plan_file():
        if p["metric"]:
            assert f'href="{p["page"]}?scope=620600&amp;month={MONTH}&amp;lang=zh"' in html, p["duty_zh"]


def test_english_view(golden_app_env_module):
    at = run_page("plan", scope="620602", month=MONTH, lang="en")
    assert not at.exception
    table = shown_table(at)
    assert [r[1] for r in table.rows] == [p["duty_en"] for p in plan_file()]
    row = next(r for r in table.rows if r[0] == "3.1")
    assert row[4] == "Disclosure rate"
    assert row[5:] == ["44.4% On track", "50.0% On track", "33.3% At risk", "—", "—"]
    # no Chinese but the plan's own terms quoted in brackets, e.g. "red-property (红色物业)"
    unbracketed = [re.sub(r"\(.*?\)", "", cell) for r in table.rows for cell in r]
    assert not [c for c in unbracketed if re.search(r"[\u4e00-\u9fff]", c)]


def test_cockpit_names_the_weakest_county_per_duty(golden_app_env_module):
    at = run_page("overview", scope="620600", month=MONTH)
    line = next(c.value for c in at.caption if c.value.startswith("方案职责最弱县区"))
    assert "公示率 民勤县 33.3% 滞后" in line
    assert "承接查验率 凉州区 50.0% 达标" in line
    assert "红色物业项目数 民勤县 1" in line


def test_compound_profile_keeps_the_duties_detail(golden_app_env_module):
    """EXPECTED.md: L03 at 2025-02 — disclosure no, takeover no, contract not filed, ended 2025-01-31, manager 王强;
    L05's disclosure cell is blank: not reported."""
    at = run_page("compound", scope="620600", month=MONTH, compound="L03")
    line = next(c.value for c in at.caption if c.value.startswith("方案职责"))
    assert line == ("方案职责：公示 否；承接查验 否；合同备案 否；合同至 2025-01-31（已到期，未见续签）；项目经理 王强")
    at = run_page("compound", scope="620600", month=MONTH, compound="L05")
    line = next(c.value for c in at.caption if c.value.startswith("方案职责"))
    assert line.startswith("方案职责：公示 未填报；承接查验 是；合同备案 是；合同至 2025-05-31；项目经理 赵敏")


def test_detail_tables_are_the_marts_counts(page):
    """EXPECTED.md at 2025-02: city 9 professional, 4 posted, 1 unknown, 6 filed, 2 ending soon, 2 ended, 7 managers;
    12 compounds, 7 inspected, 0 open takeover items, 3 red property, 2 beautiful home."""
    filing = table_with(page, "scope", "contracts_ending_soon")
    takeover = table_with(page, "scope", "takeover_inspected")
    assert list(filing["scope"]) == ["武威市", "凉州区", "民勤县"]
    assert filing.iloc[0, 1:].tolist() == [9, 4, 1, 6, 2, 2, 7]
    assert takeover.iloc[0, 1:].tolist() == [12, 7, 0, 3, 2]


def test_every_measure_links_to_a_page_of_the_app():
    from tests.apptest import registered_pages

    pages = registered_pages()
    assert {p["page"] for p in plan_file() if p["metric"]} <= set(pages)
    assert "plan" in pages
