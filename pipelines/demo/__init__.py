"""The demo city: every ledger written as files, the way Wuwei's counties would send them.

    generate(landing, seed=2024, scale=1.0, through=date(2026, 10, 31))

The story follows DOMAIN.md section 6: about 500 compounds (凉州 70%), professional coverage rising
unevenly (民勤 ahead, 古浪 behind), committees being formed, a heavy tail of complaints with a
heating-season peak and a downward trend where coverage rises, firms whose default credit score is
mostly B with a few A and D, one county that skipped a quarter of inspections.

The city is simulated to a fixed horizon independent of `through`, so two runs with different
`through` tell the same history; `through` only decides what has been reported so far.
Same arguments give byte-identical files. `defects=True` adds the bad input of DOMAIN.md section 7
for the quality gate; the clean data is the same with or without it.

region (calendar, region pack) -> story (the numbers and words) -> city (the simulation) -> frames,
complaints, credit (the ledgers) -> defects, writers (the files); generate below runs them in turn.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from contract import location
from pipelines.demo.city import build_city
from pipelines.demo.credit import correcting_events, credit_book
from pipelines.demo.defects import Defects
from pipelines.demo.frames import inspections_frame, rectifications_frame
from pipelines.demo.region import SNAPSHOTS_FROM, load_region, ym
from pipelines.demo.writers import (
    Progress,
    Writer,
    write_complaints,
    write_credit_events,
    write_firms,
    write_grades,
    write_mediations_and_meetings,
    write_quarterly,
    write_rectifications,
    write_snapshots,
    write_utilities,
)


def _default_through(today: date) -> date:
    return date(today.year, today.month, 1) - timedelta(days=1)


def generate(landing: Path, *, seed: int = 2024, scale: float = 1.0, through: date | None = None,
             defects: bool = False, progress: Progress | None = None) -> dict[str, int]:
    """Write every ledger as files into `landing` (created if missing). `through` = last complete month
    (default: the month before today's month); returns rows written per ledger name."""
    through_d = through or _default_through(location.today())
    last = ym(through_d.year, through_d.month)
    if last < SNAPSHOTS_FROM:
        raise ValueError("through must be 2024-01 or later")
    landing = Path(landing)
    landing.mkdir(parents=True, exist_ok=True)
    region = load_region()
    city = build_city(region, seed, scale, last)
    bad = Defects(defects, seed, region.counties, last)
    out = Writer(landing, scale <= 5, bad, progress, seed)

    write_snapshots(city, out, last)
    write_firms(city, out, last)
    write_grades(city, out, last)
    inspections = inspections_frame(city, np.random.default_rng([seed, 20]), last)
    write_quarterly(city, out, inspections, last)
    rectifications = rectifications_frame(city, np.random.default_rng([seed, 21]), inspections, last)
    write_rectifications(city, out, rectifications, last)
    write_utilities(city, out, last)
    write_mediations_and_meetings(city, out, seed, last)
    book, events = credit_book(city, np.random.default_rng([seed, 22]), inspections, rectifications, last)
    write_complaints(city, out, seed, book, last)
    events += correcting_events(city, np.random.default_rng([seed, 23]), book, last)
    write_credit_events(out, events, last)
    return out.rows
