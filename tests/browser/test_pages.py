"""Every page opens in a real browser, offline, without errors; screenshots are kept for review."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(("path", "marker"), PAGES)
def test_page_opens_offline(offline_page, path, marker):
    offline_page.open(path)
    assert offline_page.page.get_by_text(marker).first.is_visible()
    assert offline_page.errors() == 0
    offline_page.screenshot(path)
    assert offline_page.outside == [], f"requests outside 127.0.0.1: {offline_page.outside}"


def test_filters_round_trip_through_the_url(offline_page):
    offline_page.open("overview", scope="620622", lang="en")
    assert offline_page.page.get_by_text("Professional coverage").first.is_visible()
    assert "scope=620622" in offline_page.page.url
    offline_page.screenshot("overview-gulang-en")


def test_every_url_path_opens_its_page(browser, app_url):
    """A shared link or bookmark opens its page: the default page too, at / and at its own url path (signed in
    as an administrator, who may open every page)."""
    offline_page = OfflinePage(browser, app_url, role="admin")
    try:
        page = offline_page.page
        for _path, title_key, url in [*page_list(), ("", "page.overview", "")]:
            offline_page.open(url)
            assert page.evaluate("location.pathname") == f"/{url}", "the link is kept"
            assert page.locator("h1").first.inner_text() == TEXT[title_key][0], url
            assert page.get_by_text("Page not found").count() == 0, url
            assert offline_page.errors() == 0, url
        offline_page.open("overview", scope="620622", lang="en")
        assert page.locator("h1").first.inner_text() == TEXT["page.overview"][1]
        caption = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
        assert caption.inner_text().startswith("Gulang")
        assert offline_page.outside == []
    finally:
        offline_page.context.close()


# Every text of every KPI tile: cut sideways (an ellipsis or hidden overflow), or sticking out of its tile.
TILE_FIT_JS = """() => {
  const bad = [];
  for (const tile of document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetric"]')) {
    const box = tile.getBoundingClientRect();
    for (const el of tile.querySelectorAll('*')) {
      if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const r = el.getBoundingClientRect();
      const text = el.textContent.trim().slice(0, 30);
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline')
        bad.push(`cut ${el.scrollWidth}>${el.clientWidth}: ${text}`);
      if (r.right > box.right + 1 || r.left < box.left - 1) bad.push(`outside its tile: ${text}`);
    }
  }
  return bad;
}"""


def test_kpi_tiles_show_whole_labels_and_values_at_1280(browser, app_url):
    """At 1280×720 (a projector or a small laptop, the sidebar open) no KPI tile of a desk page cuts its
    label, value or delta: six tiles in a row once cut "95.6%" to "95.…". In English, whose labels are the
    longer (the values are the same in both languages)."""
    p = OfflinePage(browser, app_url, role="admin")
    p.page.set_viewport_size({"width": 1280, "height": 720})
    try:
        found = {}
        for path, _marker in PAGES:
            p.open(path, lang="en")
            found[path] = p.page.evaluate(TILE_FIT_JS)
        assert {path: bad for path, bad in found.items() if bad} == {}
    finally:
        p.context.close()
