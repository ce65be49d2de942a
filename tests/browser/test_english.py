"""Every desk page in English, as a browser draws it at 1280×720: no Chinese in any text on the screen (the
default tab, expanders opened), in a table's drawn cells, a chart's titles, axes, legends and hover texts, a
tooltip or a placeholder, but names and text as sent (tests/english.py, read from the warehouse). The test fails
listing every text left in Chinese, page by page. (tests/test_app_english.py reads whole tables and the map.)
At the same size, no KPI tile's text is cut or sticks out of its tile."""

from __future__ import annotations

import pytest

from tests.apptest import registered_pages
from tests.browser.conftest import OfflinePage
from tests.english import CJK, DATA_PAGES, as_sent, chinese_left, stored_values
from tests.test_app_english import PREVIEWED, page_params

# Every text the page shows: text on the screen (hidden tabs and the language switch, which names 中文 in
# Chinese, left out), tables' headers and drawn cells, titles, labels and placeholders, the document's title, and
# every string of each Plotly figure's data and layout (names, axis titles, tick labels, hover templates).
TEXTS_JS = """() => {
  const out = [document.title];
  const shown = el => el.checkVisibility({visibilityProperty: true}) && !el.closest('.st-key-lang');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const el = n.parentElement;
    if (n.textContent.trim() && el && !el.closest('script, style') && shown(el)) out.push(n.textContent.trim());
  }
  // a table draws on a canvas; the grid's accessible copy holds the header and the cells it has drawn
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (shown(grid)) for (const cell of grid.querySelectorAll('table[role="grid"] th, table[role="grid"] td'))
      if (cell.textContent.trim()) out.push(cell.textContent.trim());
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]'))
    if (shown(el))
      for (const a of ['title', 'aria-label', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  const strings = (o, into) => {
    if (typeof o === 'string') into.push(o);
    else if (Array.isArray(o)) o.forEach(x => strings(x, into));
    else if (o && typeof o === 'object')
      for (const [k, v] of Object.entries(o)) if (!k.startsWith('_')) strings(v, into);
  };
  for (const gd of document.querySelectorAll('.js-plotly-plot')) { strings(gd.data, out); strings(gd.layout, out); }
  return out;
}"""


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


@pytest.fixture(scope="module")
def allowed(demo_db) -> dict[str, list[str]]:
    names = as_sent(demo_db)
    return {"desk": names, "data": names + stored_values(demo_db, PREVIEWED)}


@pytest.mark.parametrize("path", list(registered_pages()))
def test_every_desk_page_is_english(browser, app_url, demo_db, allowed, path):
    page = OfflinePage(browser, app_url)
    try:
        page.page.set_viewport_size({"width": 1280, "height": 720})
        page.open(path, **page_params(path, demo_db))
        expanders = page.page.locator("[data-testid='stExpander'] details:not([open]) > summary")
        for _ in range(expanders.count()):
            expanders.first.click()  # opened, it leaves the locator
        page.settle()
        texts = page.page.evaluate(TEXTS_JS)
        assert len(texts) > 30, "the page drew its texts"
        names = allowed["data" if path in DATA_PAGES else "desk"]
        left = {text[:120]: words for text in dict.fromkeys(texts)
                if CJK.search(text) and (words := chinese_left(text, names))}
        page.screenshot(f"english-{path}")
        assert left == {}
        # at 1280×720, a projector or a small laptop with the sidebar open, and in English, whose labels are the
        # longer, no KPI tile cuts its label, value or delta (six tiles in a row once cut "95.6%" to "95.…")
        assert page.page.evaluate(TILE_FIT_JS) == []
        assert page.errors() == 0
        assert page.outside == []
    finally:
        page.context.close()


def test_an_english_download_is_named_and_laid_out_in_english(offline_page, demo_db):
    """The complaints page's county table as Excel from the English view: an English file name, sheets Data,
    Filters and Columns, English headers, and the counties and statuses in English."""
    import io
    from pathlib import Path

    import polars as pl

    month = demo_db.sql("select max(month) from mart_complaint_target_monthly").fetchall()[0][0].strftime("%Y-%m")
    offline_page.page.set_viewport_size({"width": 1280, "height": 720})
    offline_page.open("complaints", lang="en")
    with offline_page.page.expect_download() as download:
        offline_page.page.get_by_role("button", name="Download Excel").first.click()
    assert download.value.suggested_filename == f"county_complaint_rates_Wuwei-City_{month}_{month}.xlsx"
    data = io.BytesIO(Path(download.value.path()).read_bytes())
    sheets = pl.read_excel(data, sheet_id=0)
    assert list(sheets) == ["Data", "Filters", "Columns"]
    assert pl.read_excel(data, sheet_name="Filters", read_options={"header_row": None}).rows() == [
        ("Data month", month), ("Scope", "Wuwei City"), ("As of", month)]
    assert sheets["Columns"].columns == ["Column", "Type", "Description"]
    counties = demo_db.sql("select name_en from core_scopes order by sort_order, scope_code").fetchall()
    assert sheets["Data"]["county"].to_list() == [r[0] for r in counties]
    expected = {"已完成": "Achieved", "达标": "On track", "滞后": "At risk", "严重滞后": "Off track",
                "未完成": "Not achieved", None: "—"}
    statuses = demo_db.sql("select status from mart_complaint_target_monthly g join core_scopes s using (scope_code) "
                           "where month = (select max(month) from mart_complaint_target_monthly) "
                           "order by s.sort_order, scope_code").fetchall()
    assert sheets["Data"]["status_label"].to_list() == [expected[r[0]] for r in statuses]
    assert not [c for c in sheets["Data"].columns if CJK.search(c)]
    assert offline_page.outside == []
