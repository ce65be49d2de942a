"""The firm chosen on 企业评价 is kept in the URL by its credit code: a link opens it, a new choice rewrites it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def two_firms(con) -> list[tuple[str, str]]:
    """The city's two top firms (code, name) in the latest quarter."""
    return con.execute("""
            select firm_credit_code, firm_name from mart_firm_credit_scope_quarterly
            where scope_code = '620600' and quarter = (select max(quarter) from mart_firm_credit_scope_quarterly)
        order by rank_in_scope, firm_name limit 2""").fetchall()


def test_chosen_firm_round_trips_through_the_url(offline_page, demo_db):
    (first_code, first_name), (second_code, second_name) = two_firms(demo_db)
    page = offline_page.page
    offline_page.open("firms", firm=second_code)
    expect(page.get_by_role("heading", name=second_name)).to_be_visible()

    page.get_by_test_id("stSelectbox").filter(has_text="选择企业").locator("input").click()
    page.keyboard.type(first_name)
    page.keyboard.press("Enter")
    offline_page.settle()
    expect(page.get_by_role("heading", name=first_name)).to_be_visible()
    assert f"firm={first_code}" in page.url
    assert offline_page.errors() == 0
    offline_page.screenshot("firms-chosen")
    assert offline_page.outside == []
