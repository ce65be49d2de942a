"""The cockpit shows the marts' numbers, for the city and for every county."""

from __future__ import annotations

from datetime import date

import pytest

from tests.apptest import listed, run_page

SCOPES = ["620600", "620602", "620621", "620622", "620623"]


def metric_values(at) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


@pytest.mark.parametrize("scope", SCOPES)
def test_tiles_equal_the_marts(golden, golden_app_env, scope):
    month = date(2025, 2, 28)
    at = run_page("overview", scope=scope, month="2025-02")
    assert not at.exception
    shown = metric_values(at)
    row = golden.execute("""
        select c.coverage, c.coverage_change_1m, c.remaining, k.committee_coverage, r.rolling12_rate
        from mart_coverage_monthly c
        join mart_committee_coverage_monthly k using (scope_code, month)
        join mart_complaint_rate_monthly r using (scope_code, month)
        where scope_code = ? and month = ?""", [scope, month]).fetchall()
    if not row:  # a county with no compounds in the fixture shows dashes, not zeros
        assert shown["专业物业覆盖率"][0] == "—"
        return
    coverage, change, remaining, committee, rate = row[0]
    delta = "持平" if round(change * 100, 1) == 0 else f"{change * 100:+.1f} 个百分点"
    assert shown["专业物业覆盖率"] == (f"{coverage * 100:.1f}%", delta)
    assert shown["业委会（物管会）覆盖率"][0] == f"{committee * 100:.1f}%"
    assert shown["尚无专业物业的小区"][0] == f"{remaining:,d}"
    assert shown["年投诉率（每千户）"][0] == (f"{rate:,.1f}" if rate is not None else "—")


def test_hand_checked_city_tiles(golden_app_env):
    """The city at 2025-02 from EXPECTED.md: 75.0% (+8.3 pp), 33.3%, 3 remaining, 5.4, 1 overdue."""
    shown = metric_values(run_page("overview", scope="620600", month="2025-02"))
    assert shown["专业物业覆盖率"] == ("75.0%", "+8.3 个百分点")
    assert shown["业委会（物管会）覆盖率"][0] == "33.3%"
    assert shown["尚无专业物业的小区"] == ("3", "-1")
    assert shown["年投诉率（每千户）"][0] == "5.4"
    assert shown["逾期整改事项"] == ("1", "+1")


def test_status_written_in_words(golden_app_env):
    at = run_page("overview", scope="620602", month="2025-02")
    captions = " ".join(c.value for c in at.caption)
    assert "达标：实际 75.0%，按进度应达 56.9%" in captions
    assert "滞后：实际 37.5%，按进度应达 42.3%" in captions


def test_ranking_and_alerts(golden, golden_app_env):
    at = run_page("overview", scope="620600", month="2025-02")
    table = at.dataframe[0].value
    assert list(table["county"]) == ["凉州区", "民勤县"]  # tied at 75%: both rank 1, then by adcode
    assert list(table["rank"]) == [1, 1]
    assert list(table["coverage"]) == [75.0, 75.0]
    statuses = golden.execute("""select coverage_status, committee_status from mart_county_ranking_monthly
                                 where month = '2025-02-28' order by sort_order""").fetchall()
    def label(cell):  # one status a cell, as a one-label list (or none)
        return None if cell is None else (*cell,)[0]

    shown = [(label(a), label(b))
             for a, b in zip(table["coverage_status_label"], table["committee_status_label"], strict=True)]
    assert shown == statuses  # each status in words (Chinese, the default language), coloured by the column
    alerts = listed(at.error) + listed(at.warning)
    expected = [r[0] for r in golden.execute(
        "select message_zh from mart_alerts where month = '2025-02-28'").fetchall()]
    assert sorted(alerts) == sorted(expected)


def test_english_switch(golden_app_env):
    at = run_page("overview", scope="620602", month="2025-02", lang="en")
    labels = {m.label for m in at.metric}
    assert "Professional coverage" in labels
    assert not any("覆盖率" in label for label in labels)
