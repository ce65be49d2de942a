"""Links to the compound profile (components.with_profile_links): each id quoted as urllib's quote(safe="")
quotes it, the filters and the language kept, a missing id left without a link."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, quote, urlsplit

import polars as pl
import pytest

from dashboard import components


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_link_names_its_compound_and_keeps_the_filters(monkeypatch, lang):
    monkeypatch.setattr(components, "language", lambda: lang)
    ids = ["L04", "620602-001.a_~", "凉州 12/3", "x&y=1#2", None, "凉州 12/3", "100%"]
    links = components.with_profile_links(pl.DataFrame({"compound_id": ids}), "620602", date(2025, 2, 28))
    for cid, href in zip(ids, links[components.PROFILE], strict=True):
        if cid is None:
            assert href is None
            continue
        assert href == f"compound?compound={quote(cid, safe='')}&scope=620602&month=2025-02&lang={lang}"
        assert parse_qs(urlsplit(href).query) == {"compound": [cid], "scope": ["620602"], "month": ["2025-02"],
                                                  "lang": [lang]}
