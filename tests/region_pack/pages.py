"""Every page under AppTest with the pack in use (WUWEI_REGION_PACK, WUWEI_DATA_DIR set by the caller,
tests/test_region_pack.py): not collected by the suite itself (the pack is chosen when a process starts)."""

from __future__ import annotations

import csv

import pytest

from contract import location
from tests.apptest import page_list, run_page
from tests.shown import table_with

pytestmark = pytest.mark.skipif("region_pack" not in str(location.REFERENCE), reason="run by tests/test_region_pack.py")


def scopes() -> dict[str, tuple[str, str]]:
    with open(location.REFERENCE / "counties.csv", encoding="utf-8") as f:
        return {r["adcode"]: (r["name_zh"], r["name_en"]) for r in csv.DictReader(f)}


def everything_shown(at) -> str:
    kinds = ("markdown", "caption", "title", "header", "subheader", "metric")
    parts = [e.value for kind in kinds for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str)]
    parts += [str(e.label) for e in at.metric]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("url", [url for _path, _title, url in page_list()])
def test_every_page_renders_with_the_pack(url):
    at = run_page(url, role="admin")
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_names_the_packs_counties(lang):
    at = run_page("overview", role="admin", lang=lang)
    shown = everything_shown(at)
    for zh, en in scopes().values():
        assert (en if lang == "en" else zh) in shown


def test_the_pending_uploads_name_the_packs_platforms():
    at = run_page("inspections", role="admin", month="2026-11")
    assert not at.exception
    pending = table_with(at, "pending_platforms")
    assert list(pending["pending_platforms"]) == [location.region_name("platform_credit")[0]]  # QI01, by hand


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plan_names_the_packs_baseline(lang):
    """The plan page's method note names the pack's own baseline month (its settings.csv), not Wuwei's."""
    with open(location.REFERENCE / "settings.csv", encoding="utf-8") as f:
        baseline = next(r["value"] for r in csv.DictReader(f) if r["key"] == "plan_baseline_month")
    year, month = int(baseline[:4]), int(baseline[5:7])
    at = run_page("plan", role="admin", lang=lang)
    intro = at.caption[1].value  # after the page header's scope and month line
    assert (f"{year}-{month:02d}" if lang == "en" else f"{year}年{month}月") in intro
    assert "2024-11" not in intro and "2024年11月" not in intro
