"""Every page opens in a real browser, offline, without errors; screenshots are kept for review."""

from __future__ import annotations

from dashboard.i18n import TEXT
from tests.apptest import page_list
from tests.browser.conftest import OfflinePage

# (url path, a text the page must show)
PAGES = [
    ("overview", "专业物业覆盖率"),
    ("coverage-map", "各县区指标"),
    ("targets", "各期限目标"),
    ("complaints", "投诉率与降低目标"),
    ("firms", "得分解释"),
    ("explore", "SQL 查询"),
    ("tables", "全部数据表"),
    ("committees", "逐级查看：县区 → 街道/乡镇 → 小区"),
    ("inspections", "累计季度达标率"),
    ("mediation", "排查覆盖率"),
    ("compound", "请选择一个小区"),
    ("quality", "各台账、各县区的规则通过率（最新构建）"),
    ("submissions", "催报清单"),
]


def test_filters_round_trip_through_the_url(offline_page):
    offline_page.open("overview", scope="620622", lang="en")
    assert offline_page.page.get_by_text("Professional coverage").first.is_visible()
    assert "scope=620622" in offline_page.page.url
    offline_page.screenshot("overview-gulang-en")


def test_every_url_path_opens_its_page_offline(browser, app_url):
    """A shared link or bookmark opens its page, offline and without errors: the default page too, at / and at
    its own url path (signed in as an administrator, who may open every page); each page shows its own content
    (a text only it has), and a screenshot of each is kept for review."""
    offline_page = OfflinePage(browser, app_url, role="admin")
    markers = dict(PAGES)
    try:
        page = offline_page.page
        wrong = {}
        for _path, title_key, url in [*page_list(), ("", "page.overview", "")]:
            offline_page.open(url)
            found = {"path": page.evaluate("location.pathname"), "title": page.locator("h1").first.inner_text(),
                     "not found": page.get_by_text("Page not found").count(), "errors": offline_page.errors(),
                     "content": url not in markers or page.get_by_text(markers[url]).first.is_visible()}
            want = {"path": f"/{url}", "title": TEXT[title_key][0], "not found": 0, "errors": 0, "content": True}
            if found != want:
                wrong[url] = {k: found[k] for k in want if found[k] != want[k]}
            if url:
                offline_page.screenshot(url)
        assert wrong == {}
        assert offline_page.outside == [], f"requests outside 127.0.0.1: {offline_page.outside}"
        offline_page.open("overview", scope="620622", lang="en")
        assert page.locator("h1").first.inner_text() == TEXT["page.overview"][1]
        caption = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
        assert caption.inner_text().startswith("Gulang")
        assert offline_page.outside == []
    finally:
        offline_page.context.close()
