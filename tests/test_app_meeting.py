"""Meeting mode headless: every slide of the default playlist renders from the golden warehouse,
in both languages, and the playlist comes from the region pack."""

from __future__ import annotations

import polars as pl
import pytest

from contract import location
from dashboard import slides
from tests.apptest import start


def test_playlist_is_data_in_the_region_pack():
    frame = pl.read_csv(location.REFERENCE / "playlists.csv")
    monthly = frame.filter(pl.col("playlist") == "monthly").sort("order")
    assert set(frame["page"]) <= set(slides.KINDS)
    assert monthly["page"].to_list()[:3] == ["cockpit", "burndown", "ranking"]
    assert monthly.filter(pl.col("page") == "county").height == 4


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_slide_renders(golden_app_env, lang):
    for n in range(1, 12):
        at = start(mode="meeting", slide=str(n), paused="1", lang=lang)
        assert not at.exception, (n, at.exception)
        assert len(at.sidebar) == 0
        bar = " ".join(h.proto.body for h in at.get("html"))
        assert (f"Slide {n} of 11" if lang == "en" else f"第 {n} / 11 页") in bar
        assert at.query_params["mode"] == "meeting"
