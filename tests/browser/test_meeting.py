"""Meeting mode in a real browser: rotation, pause and stepping, projector fit at 1280×720 and
1920×1080 (the English view free of Chinese but proper names), and a rebuild picked up mid-rotation."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, SHOTS, OfflinePage

SLIDES = 11  # the default playlist (warehouse/reference/playlists.csv)
SIZES = [(1280, 720), (1920, 1080)]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# For every visible text element of the slide: clipped sideways, outside the viewport, or too small.
# Sizes are CSS px times the element's zoom (the slides zoom ×1.5 at 1920×1080), i.e. as seen.
FIT_JS = """() => {
  const bad = [];
  const W = innerWidth, H = innerHeight;
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden') continue;
    const text = el.textContent.trim().slice(0, 40);
    const size = parseFloat(cs.fontSize) * (el.currentCSSZoom || 1);
    const inSvg = el.closest('svg') !== null;  // chart text: axis and legend
    if (size < (inSvg ? 16 : 20) - 0.01) bad.push(`small ${size.toFixed(1)}px: ${text}`);
    if (!inSvg && el.scrollWidth > el.clientWidth + 1 && cs.display !== 'inline')
      bad.push(`clipped ${el.scrollWidth}>${el.clientWidth}: ${text}`);
    if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1)
      bad.push(`outside ${[r.left, r.top, r.right, r.bottom].map(Math.round)}: ${text}`);
  }
  const values = [...document.querySelectorAll('.tile .value')].map(
    el => parseFloat(getComputedStyle(el).fontSize) * (el.currentCSSZoom || 1));
  if (values.some(v => v < 36)) bad.push(`tile numbers too small: ${values}`);
  if (document.documentElement.scrollHeight > H + 1) bad.push(`page scrolls: ${document.documentElement.scrollHeight}`);
  return bad;
}"""


def proper_names(demo_db) -> set[str]:
    names = set()
    for sql in ("select distinct compound_name from core_compounds", "select distinct firm_name from core_firms"):
        names |= {r[0] for r in demo_db.sql(sql).fetchall() if r[0]}
    return names


def meeting(browser, app_url, size, **params) -> OfflinePage:
    page = OfflinePage(browser, app_url)
    page.page.set_viewport_size({"width": size[0], "height": size[1]})
    page.open("", mode="meeting", **params)
    return page


def count(page: OfflinePage) -> int:
    text = page.page.get_by_test_id("meeting-count").inner_text()
    return int(re.search(r"(\d+)\D+\d+", text).group(1))


def wait_slide(page: OfflinePage, n: int, timeout: float = 15_000) -> None:
    expect(page.page.get_by_test_id("meeting-count")).to_contain_text(re.compile(rf"\b{n}\D+{SLIDES}\b"),
                                                                       timeout=timeout)
    page.settle()


def next_slide(page: OfflinePage, n: int, attempts: int = 3) -> None:
    """Next, from slide n to n + 1. On a slow machine a click can land while a rerun replaces the button and
    be lost: once the app has settled and the slide is still n, it is made again."""
    for _ in range(attempts):
        page.page.locator(".st-key-meeting_next button").click()
        try:
            wait_slide(page, n + 1, timeout=5_000)
            return
        except AssertionError:
            page.settle()
            if count(page) != n:
                break
    wait_slide(page, n + 1)


def test_rotates_pauses_and_steps(browser, app_url):
    page = meeting(browser, app_url, SIZES[0], dwell="3")
    try:
        assert count(page) == 1
        expect(page.page.locator("section[data-testid='stSidebar']")).to_have_count(0)
        wait_slide(page, 2, timeout=10_000)          # advanced by itself after 3 s
        wait_slide(page, 3, timeout=10_000)
        page.page.locator(".st-key-meeting_pause button").click()
        page.settle()
        page.page.wait_for_timeout(5_000)            # longer than the dwell
        assert count(page) == 3, "pause must hold the slide"
        page.page.locator(".st-key-meeting_next button").click()
        wait_slide(page, 4)
        page.page.locator(".st-key-meeting_prev button").click()
        wait_slide(page, 3)
        page.page.keyboard.press("ArrowRight")
        wait_slide(page, 4)
        page.page.keyboard.press("ArrowLeft")
        wait_slide(page, 3)
        for n in (2, 1):
            page.page.locator(".st-key-meeting_prev button").click()
            wait_slide(page, n)
        page.page.locator(".st-key-meeting_prev button").click()
        wait_slide(page, SLIDES)                     # previous from the first wraps to the last
        page.page.keyboard.press(" ")                # space resumes: the loop goes on in meeting mode
        wait_slide(page, 1, timeout=10_000)
        assert "mode=meeting" in page.page.url
        assert page.errors() == 0
        assert page.outside == []
    finally:
        page.context.close()


# A busy browser: zero-delay timers (Streamlit's flush of a clicked button's trigger among them) run 1.2 s late,
# so the rotator's 1 s tick, which sends every widget state, goes out first, carrying the click as well.
LATE_FLUSH = """() => { const later = window.setTimeout;
  window.setTimeout = (f, ms, ...args) => later(f, ms || 1200, ...args); }"""


def test_each_press_of_next_moves_one_slide(browser, app_url):
    page = meeting(browser, app_url, SIZES[0], dwell="3", paused="1")
    try:
        page.page.evaluate(LATE_FLUSH)
        presses = [lambda: page.page.locator(".st-key-meeting_next button").click(),
                   lambda: page.page.keyboard.press("ArrowRight")] * 3
        for n, press in enumerate(presses, start=2):  # each press as soon as the last one's slide shows
            press()
            expect(page.page.get_by_test_id("meeting-count")).to_contain_text(re.compile(rf"\b{n}\D+{SLIDES}\b"),
                                                                               timeout=15_000)
        page.page.wait_for_timeout(4_000)  # the late flushes and a few ticks have all arrived
        page.settle()
        assert count(page) == 1 + len(presses), "one press, one slide"
        assert page.errors() == 0
        assert page.outside == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_slide_fits_the_projector(browser, app_url, demo_db, size, lang):
    """Every slide of the default playlist, stepped through: nothing clipped, outside the screen or too small;
    in English, no Chinese left but the proper names that have no English form (compounds', firms')."""
    names = sorted(proper_names(demo_db), key=len, reverse=True) if lang == "en" else []
    page = meeting(browser, app_url, size, dwell="3", paused="1", lang=lang)
    try:
        problems = {}
        for n in range(1, SLIDES + 1):
            wait_slide(page, n)
            page.page.wait_for_timeout(500)
            title = page.page.get_by_test_id("slide-title").inner_text()
            if bad := page.page.evaluate(FIT_JS):
                problems[f"{n} {title}"] = bad
            if lang == "en":
                text = page.page.locator("[data-testid='stMain']").inner_text()
                for name in names:
                    text = text.replace(name, "")
                if chinese := sorted(set(re.findall(rf"\S*{CJK.pattern}+\S*", text))):
                    problems[f"{n} {title}: Chinese left"] = chinese
            page.page.screenshot(path=str(SHOTS / f"meeting-{lang}-{size[0]}x{size[1]}-{n:02d}.png"))
            if n < SLIDES:
                next_slide(page, n)
        assert problems == {}
        assert page.errors() == 0
        assert page.outside == []
    finally:
        page.context.close()


def test_a_new_build_shows_up_without_losing_the_place(browser, app_url, demo_data_dir):
    page = meeting(browser, app_url, SIZES[0], dwell="3")
    try:
        stamp = page.page.get_by_test_id("meeting-stamp")
        before = stamp.get_attribute("data-run")
        wait_slide(page, 3, timeout=15_000)
        env = {**os.environ, "WUWEI_DATA_DIR": str(demo_data_dir)}
        # the monthly cycle's rebuild (the same files: read from the cache, a new warehouse published)
        subprocess.run([sys.executable, "-m", "pipelines", "build"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        at_publish = count(page)
        new_run = (demo_data_dir / "warehouse" / "CURRENT").read_text(encoding="utf-8").strip()
        expect(stamp).not_to_have_attribute("data-run", before, timeout=15_000)
        assert stamp.get_attribute("data-run") in new_run
        after = count(page)
        assert after in {at_publish, at_publish % SLIDES + 1, (at_publish + 1) % SLIDES + 1}, "the place is kept"
        assert page.page.get_by_test_id("stApp").count() == 1 and "mode=meeting" in page.page.url
        assert page.errors() == 0
        assert page.outside == []
    finally:
        page.context.close()
