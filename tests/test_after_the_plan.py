"""After the last deadline (2026-12-31): the demo city generated through 2027-02, two months past the plan.
The plan's duties go on ("长期坚持"): pages say how long the target has been overdue and what remains, the
required rate and the projection keep working, and no page counts months left below zero."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import pytest

from tests.apptest import registered_pages, run_page
from tests.conftest import demo_warehouse

THROUGH = "2027-02"
AS_OF = "2027-03-05"
NEGATIVE_MONTHS = re.compile(r"(剩|还有)\s*-\d|-\d+\s*(个月|months)|months left: -")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    # the build refuses files for a month after today: it runs as of a day in the month after THROUGH
    yield from demo_warehouse(tmp_path_factory.mktemp("demo-after-the-plan"), THROUGH, today=AS_OF)


def words(at) -> str:
    """Everything a page says in text: headings, sentences, notes, tiles, alerts."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader",
                                  "title", "header") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def uncovered_compounds(demo) -> int:
    """Compounds without professional service in 2027-02, from the staging table (each county's latest
    snapshot): the target is 100%, so this is what remains."""
    compounds = demo.sql("select * from stg_compounds").pl()
    latest = compounds.group_by("county_code").agg(pl.col("as_of").max())
    snap = compounds.join(latest, on=["county_code", "as_of"])
    return snap.filter(~pl.col("is_professional")).height


def coverage_at(demo, month: date) -> float:
    """City coverage in a month from the staging table: each county's latest snapshot up to the month."""
    compounds = demo.sql("select * from stg_compounds").pl().filter(pl.col("as_of") <= month)
    latest = compounds.group_by("county_code").agg(pl.col("as_of").max())
    snap = compounds.join(latest, on=["county_code", "as_of"])
    return snap["is_professional"].sum() / snap.height


@pytest.mark.parametrize("page", list(registered_pages()))
def test_no_page_counts_months_below_zero(demo, page):
    at = run_page(page, scope="620600", month=THROUGH)
    assert not at.exception
    text = words(at)
    assert not NEGATIVE_MONTHS.search(text), NEGATIVE_MONTHS.search(text)


def test_cockpit_says_how_long_overdue_and_what_remains(demo):
    short = uncovered_compounds(demo)
    at = run_page("overview", scope="620600", month=THROUGH)
    text = words(at)
    assert "2026年底目标 100%，逾期 2 个月，实际" in text
    assert f"尚差 {short} 个小区" in text
    assert f"2026年底目标逾期 2 个月，尚差 {short} 个小区" in text  # the remaining tile's note
    coverage = next(m for m in at.metric if m.label == "专业物业覆盖率")
    assert len(coverage.proto.chart_data) == 12  # the 12-month sparkline stays
    assert "—" not in next(c.value for c in at.caption if "逾期 2 个月" in c.value)


def test_targets_page_overdue_required_and_projection(demo):
    short = uncovered_compounds(demo)
    at = run_page("targets", scope="620600", month=THROUGH)
    sentence = next(m.value for m in at.markdown if "badge[" in m.value)
    assert sentence.startswith(":red-badge[未完成]")
    assert f"2026年底目标 100% 未完成，逾期 2 个月，尚差 {short} 个小区" in sentence
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["每月需新增小区"] == str(short)  # all that remains, now; not a dash
    assert tiles["预计达标"] not in ("—", "按此速度无法达标")
    assert "2026年底目标逾期 2 个月，需全部完成" in words(at)
    table = at.dataframe[0].value
    assert list(table["months_left"]) == [0, 0, 0]
    assert list(table["status"])[-1] == "未完成" and list(table["result"])[-1] == "未达标"
    assert list(table["actual"])[-1] == f"{coverage_at(demo, date(2026, 12, 31)) * 100:.1f}%"  # at the deadline


def test_english_after_the_plan(demo):
    at = run_page("overview", scope="620600", month=THROUGH)
    at = at.radio(key="lang").set_value("en").run()
    assert "2 months overdue" in words(at)
