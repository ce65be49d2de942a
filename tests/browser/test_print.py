"""Printing in a real browser: Chromium's print to PDF on A4 landscape (as Ctrl+P does), read back with
poppler's pdfinfo and pdftotext. 总览 prints without the sidebar, its ranking table whole on one page;
each meeting slide prints on exactly one page; the print view gives the deck, a page a slide.

PDFs and page images go to test-artifacts/print/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polars as pl
import pytest

from contract import location
from dashboard.i18n import TEXT
from tests.browser.conftest import ROOT, OfflinePage

OUT = ROOT / "test-artifacts" / "print"
SIZES = [(1280, 720), (1920, 1080)]
MARGIN_PT = 10 / 25.4 * 72  # @page margin 10mm
PAGE_BOX = r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>'  # pdftotext -bbox
WORD_BOX = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>'
DECK = pl.read_csv(location.REFERENCE / "playlists.csv").filter(pl.col("playlist") == "monthly").sort("order")


def zh(key: str) -> str:
    return TEXT[key][0]


def print_pdf(page: OfflinePage, name: str) -> Path:
    """The page as Chromium prints it (print media, A4 landscape, backgrounds), with images of its pages."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.pdf"
    page.page.emulate_media(media="print")
    page.page.wait_for_timeout(500)  # let the grid's and charts' resize settle
    page.page.pdf(path=str(path), format="A4", landscape=True, print_background=True)
    page.page.emulate_media(media="screen")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(OUT / name)], check=True)
    return path


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_texts(path: Path) -> list[str]:
    """Each page's text, laid out as printed (pdftotext ends every page with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) == page_count(path)
    return pages


def words_off_the_page(path: Path) -> list[str]:
    """Words printed beyond a page's left or right margin, i.e. cut at the paper's edge. (Height needs no
    check: what does not fit goes to a next page, which the page counts catch; and pdftotext's boxes for
    CJK text reach well above the glyphs.)"""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    off = []
    for n, (width, words) in enumerate(re.findall(PAGE_BOX, html, re.S), start=1):
        for x0, x1, word in re.findall(WORD_BOX, words):
            if float(x0) < MARGIN_PT - 1 or float(x1) > float(width) - MARGIN_PT + 1:
                off.append(f"page {n}: {word} ({float(x0):.0f}–{float(x1):.0f} of {float(width):.0f} pt)")
    return off


def row_pattern(cells: list[str]) -> re.Pattern:
    return re.compile(r"(?m)^\s*" + r"\s+".join(re.escape(c) for c in cells) + r"\s*$")


def ranking_rows(con) -> list[list[str]]:
    """The county ranking of the data month as 总览 prints it, worked out from the metric marts (not from
    mart_county_ranking_monthly, which the page reads)."""
    rows = con.sql("""
        with m as (select max(month) as month from mart_coverage_monthly)
        select c.coverage, c.remaining, s.name_zh, k.committee_coverage, r.rolling12_rate,
               coalesce(x.overdue_items, 0) as overdue,
               (select status from mart_target_status t where t.scope_code = c.scope_code and t.month = c.month
                and t.metric = 'coverage' and t.is_active) as coverage_status,
               (select status from mart_target_status t where t.scope_code = c.scope_code and t.month = c.month
                and t.metric = 'committee_coverage' and t.is_active) as committee_status
        from mart_coverage_monthly c join m using (month)
        join core_scopes s on s.scope_code = c.scope_code and s.scope_level = 'county'
        join mart_committee_coverage_monthly k on k.scope_code = c.scope_code and k.month = c.month
        join mart_complaint_rate_monthly r on r.scope_code = c.scope_code and r.month = c.month
        left join mart_rectification_monthly x on x.scope_code = c.scope_code and x.month = c.month
             and x.source = '全部'
        order by c.coverage desc, c.scope_code
    """).fetchall()
    coverages = [r[0] for r in rows]
    return [[str(1 + sum(c > cov for c in coverages)), name, f"{cov * 100:.1f}%", cov_status or "—", str(remaining),
             f"{committee * 100:.1f}%", committee_status or "—", f"{rate:.1f}", str(overdue)]
            for cov, remaining, name, committee, rate, overdue, cov_status, committee_status in rows]


def test_overview_prints_without_the_sidebar_and_its_ranking_whole(offline_page, demo_db):
    offline_page.open("overview")
    path = print_pdf(offline_page, "overview")
    pages = page_texts(path)
    rows = ranking_rows(demo_db)
    assert len(rows) == 4  # the demo city's counties
    holding = [n for n, text in enumerate(pages) if zh("overview.ranking") in text]
    assert len(holding) == 1, "the ranking is printed once"
    ranking_page = pages[holding[0]]
    for key in ("col.rank", "col.county", "metric.coverage", "overview.remaining",
                "metric.committee_coverage", "overview.complaint_rate", "overview.overdue", "col.coverage_trend"):
        assert zh(key) in ranking_page, f"column {zh(key)} missing"
    for row in rows:
        assert row_pattern(row).search(ranking_page), f"row not whole on the ranking's page: {row}"
    whole = "\n".join(pages)
    for absent in (zh("filter.language"), zh("filter.month"), zh("common.download_csv"), zh("bulletin.caption")):
        assert absent not in whole, f"printed: {absent}"
    assert words_off_the_page(path) == []
    assert offline_page.outside == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_each_slide_prints_on_one_page(browser, app_url, size):
    page = OfflinePage(browser, app_url)
    page.page.set_viewport_size({"width": size[0], "height": size[1]})
    try:
        for n, title in enumerate(DECK["title_zh"], start=1):
            page.open("", mode="meeting", slide=str(n), paused="1")
            page.page.wait_for_timeout(500)
            path = print_pdf(page, f"slide-{size[0]}x{size[1]}-{n:02d}")
            assert page_count(path) == 1, f"slide {n} {title}"
            text = page_texts(path)[0]
            assert title in text and f"第 {n} / {len(DECK)} 页" in text
            for button in ("meeting.previous", "meeting.next", "meeting.pause"):
                assert zh(button) not in text, f"slide {n}: the {button} button is printed"
            assert words_off_the_page(path) == [], f"slide {n} {title}"
        assert page.errors() == 0
        assert page.outside == []
    finally:
        page.context.close()


def test_the_print_view_prints_the_deck_a_page_a_slide(offline_page):
    offline_page.open("", mode="meeting", print="1")
    offline_page.page.wait_for_timeout(1_000)
    path = print_pdf(offline_page, "deck")
    pages = page_texts(path)
    assert len(pages) == len(DECK)
    for n, (text, title) in enumerate(zip(pages, DECK["title_zh"], strict=True), start=1):
        assert title in text and f"第 {n} / {len(DECK)} 页" in text, f"page {n}"
    assert "Ctrl+P" not in "".join(pages), "the on-screen hint is not printed"
    assert words_off_the_page(path) == []
    assert offline_page.errors() == 0
    assert offline_page.outside == []
