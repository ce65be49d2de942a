"""One pass over every page in a browser with the second region pack (tests/region_pack/, 青禾市) in use,
its own data folder and server: each page opens offline without errors, under the pack's title."""

from __future__ import annotations

import pytest

from dashboard.i18n import TEXT
from tests.apptest import page_list
from tests.browser.conftest import ACCOUNTS, PASSWORD, OfflinePage, _free_port, in_data, serve
from tests.test_region_pack import PACK, build_pack, pack_env, rows


@pytest.fixture(scope="module")
def pack_url(tmp_path_factory):
    from access import accounts

    data = tmp_path_factory.mktemp("region-pack-browser")
    build_pack(data)
    with in_data(data):
        username, _county = ACCOUNTS["admin"]
        accounts.create(username, "admin", None, password=PASSWORD, actor="tests")
    port = _free_port()
    with serve(port, pack_env(data)):
        yield f"http://127.0.0.1:{port}"


def test_every_page_opens_with_the_pack(browser, pack_url):
    import tomllib

    title = tomllib.loads((PACK / "region.toml").read_text(encoding="utf-8"))["names"]["app_title"][0]
    offline = OfflinePage(browser, pack_url, role="admin")
    try:
        page = offline.page
        for _path, title_key, url in page_list():
            offline.open(url)
            assert page.locator("h1").first.inner_text() == TEXT[title_key][0], url
            assert page.title() == title, url
            assert offline.errors() == 0, url
        offline.open("overview")
        for county in rows(PACK / "counties.csv"):
            assert page.get_by_text(county["name_zh"]).count() > 0, county["name_zh"]
        offline.screenshot("region-pack-overview")
        assert offline.outside == [], f"requests outside 127.0.0.1: {offline.outside}"
    finally:
        offline.context.close()
