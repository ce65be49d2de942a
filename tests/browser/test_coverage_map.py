"""A click on a county in the real map (deck.gl on a canvas) scopes the app; a second click returns to the city."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def shows(page, x: float, y: float, county: str, settle_ms: int) -> bool:
    page.mouse.move(x, y)
    page.wait_for_timeout(settle_ms)  # the tooltip follows the next picking pass, not the pointer itself
    tooltip = page.get_by_test_id("stDeckGlJsonChart").first.locator(".deck-tooltip")  # the main map's
    return tooltip.is_visible() and tooltip.inner_text().startswith(county)


def point_over(page, county: str, steps: int = 9) -> tuple[float, float]:
    """A point of the map's canvas over `county`, found by hovering until the tooltip names it (and names it
    again after the pointer has rested there, so a late tooltip from the previous point is not trusted)."""
    canvas = page.get_by_test_id("stDeckGlJsonChart").locator("canvas").first
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    for row in range(1, steps):
        for col in range(1, steps):
            x, y = box["x"] + box["width"] * col / steps, box["y"] + box["height"] * row / steps
            if shows(page, x, y, county, 120) and shows(page, x + 1, y + 1, county, 500):
                return x + 1, y + 1
    raise AssertionError(f"no point of the map shows {county}")


def click_county(offline_page, county: str, adcode: str, attempts: int = 5) -> None:
    """Click the county and wait for the scope to change. Headless Chromium draws WebGL in software, and there
    deck.gl now and then turns no click into a pick (nothing reaches the server, so nothing changes), the more
    often the busier the machine (the suite runs the browser tests beside the others): then the click is made
    again, at most `attempts` times in all."""
    page = offline_page.page
    for _ in range(attempts):
        x, y = point_over(page, county)
        page.mouse.click(x, y)
        try:
            page.wait_for_url(re.compile(f"scope={adcode}"), timeout=6_000)
            break
        except PlaywrightTimeout:
            # a slow machine: the click may have reached the server and its rerun still be on its way;
            # clicking again then would toggle the county back
            offline_page.settle()
            if re.search(f"scope={adcode}", page.url):
                break
    expect(page).to_have_url(re.compile(f"scope={adcode}"))
    offline_page.settle()


def test_clicking_a_county_filters_every_page(offline_page):
    offline_page.open("coverage-map")
    page = offline_page.page
    click_county(offline_page, "民勤县", "620621")
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_contain_text("民勤县")
    offline_page.screenshot("coverage-map-minqin")
    click_county(offline_page, "民勤县", "620600")  # the county in scope again: back to the whole city
    click_county(offline_page, "古浪县", "620622")
    page.get_by_test_id("stSidebarNav").get_by_text("目标进度").click()
    expect(page).to_have_url(re.compile("/targets"))
    offline_page.settle()
    assert "scope=620622" in page.url
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_contain_text("古浪县")
    assert offline_page.errors() == 0
    assert offline_page.outside == [], f"requests outside 127.0.0.1: {offline_page.outside}"
