"""A meeting goes from a county down to one compound: 业主自治's county table -> its towns -> a town's compounds
-> a click on a compound id opens its profile (in a new tab, filters kept in the URL), all offline."""

from __future__ import annotations

import re

from playwright.sync_api import expect

ROW = 35  # glide-data-grid's row and header height in Streamlit's tables


def click_cell(offline_page, table, row: int, x: float) -> None:
    """Click the cell of data row `row` at `x` pixels from the table's left edge."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    offline_page.page.mouse.click(box["x"] + x, box["y"] + ROW * (row + 1) + ROW / 2)


def test_county_to_town_to_compound_profile(offline_page):
    offline_page.open("committees", scope="620600")
    page = offline_page.page
    tables = page.get_by_test_id("stDataFrame")
    click_cell(offline_page, tables.nth(0), 0, 15)  # the row's selection box: 凉州区, first by adcode
    expect(page.get_by_text(re.compile(r"^武威市 › 凉州区$"))).to_be_visible()
    offline_page.settle()
    click_cell(offline_page, tables.nth(1), 0, 15)  # its first town
    expect(page.get_by_text(re.compile(r"^武威市 › 凉州区 › \S+$"))).to_be_visible()
    offline_page.settle()
    offline_page.screenshot("drilldown-committees")

    compounds = tables.nth(2)
    click_cell(offline_page, compounds, 0, 15)  # the first click selects the link cell …
    with offline_page.context.expect_page() as opened:
        click_cell(offline_page, compounds, 0, 15)  # … the second opens the profile in a new tab
    profile = opened.value
    profile.wait_for_load_state()
    compound = re.search(r"compound=([^&]+)", profile.url)[1]
    assert "scope=620600" in profile.url and "lang=zh" in profile.url
    offline_page.page = profile
    offline_page.settle()
    expect(profile.get_by_text(f"（{compound}）").first).to_be_visible()
    expect(profile.get_by_text("逐月情况：投诉与管理沿革")).to_be_visible()
    assert offline_page.errors() == 0
    offline_page.screenshot("drilldown-compound")
    assert offline_page.outside == [], f"requests outside 127.0.0.1: {offline_page.outside}"


def test_unknown_compound_id_shows_a_message(offline_page):
    offline_page.open("compound", compound="NO-SUCH-ID")
    expect(offline_page.page.get_by_text("没有编码为“NO-SUCH-ID”的小区").first).to_be_visible()
    assert offline_page.errors() == 0
