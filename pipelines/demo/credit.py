"""Credit: steering the default model towards most B, a few A and D. What the model will deduct per
firm and year is known before the complaints are written; the complaints' handling shares are set from
it, and departments' entries bring each firm's year to its target score."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from pipelines.demo.city import City, expected_tickets
from pipelines.demo.region import SNAPSHOTS_FROM, month_end, ym
from pipelines.demo.story import CREDIT_NOTES, LEVEL_SCORES


@dataclass
class CreditBook:
    """Per firm and year: what the default credit model will deduct, and the handling shares
    (substantiated, closed late) that steer each firm towards its target score."""

    years: list[int]
    target: np.ndarray  # (firms, years)
    fixed: np.ndarray  # inspection, rectification and background-event points, already known
    expected: np.ndarray  # expected complaints (投诉/举报) with the firm
    p_sub: np.ndarray = None
    p_late: np.ndarray = None
    actual: np.ndarray = None  # substantiated + 2 × late, tallied while writing

    def steer(self) -> None:
        budget = (100 - self.target) + self.fixed
        rate = np.clip(budget / np.maximum(self.expected, 1e-9), 0.04, 0.9)
        self.p_sub = rate / 1.5
        self.p_late = rate / 6
        self.actual = np.zeros_like(self.target)

    def shares(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        if year not in self.years:
            return np.full(len(self.target), 0.3), np.full(len(self.target), 0.05)
        k = self.years.index(year)
        return self.p_sub[:, k], self.p_late[:, k]


def credit_book(city: City, rng: np.random.Generator, inspections: pl.DataFrame,
                rectifications: pl.DataFrame, through: int) -> tuple[CreditBook, list[dict]]:
    years = list(range(2024, through // 12 + 1))
    nf = len(city.f_code)
    target = np.zeros((nf, len(years)))
    for f, level in enumerate(city.f_level):
        lo, hi = LEVEL_SCORES[level]
        target[f] = rng.integers(lo, hi + 1, len(years))
    fixed = np.zeros((nf, len(years)))
    insp = inspections.with_columns(year=pl.col("inspected_on").dt.year())
    for row in insp.iter_rows(named=True):
        if row["year"] in years:
            fixed[row["_firm"], years.index(row["year"])] -= 3 * row["findings"] + \
                10 * (row["result"] == "立案处罚")
    overdue = rectifications.filter((pl.col("status") != "已销号") & (pl.col("deadline") < month_end(through))
                                    & (pl.col("_firm") >= 0))
    for f, found in zip(overdue["_firm"], overdue["found_on"], strict=True):
        if found.year in years:
            fixed[f, years.index(found.year)] -= 3
    events = _background_events(city, rng, years, through)
    for e in events:
        fixed[e["_firm"], years.index(e["occurred_on"].year)] += e["points"]
    expected = np.zeros((nf, len(years)))
    for m in range(SNAPSHOTS_FROM, through + 1):
        base, heating = expected_tickets(city, m)
        firm = city.firm_at(m)
        has = firm >= 0
        expected[:, years.index(m // 12)] += np.bincount(firm[has], (base + heating)[has] * 0.74, minlength=nf)
    book = CreditBook(years, target, fixed, expected)
    book.steer()
    return book, events


def _background_events(city: City, rng: np.random.Generator, years: list[int], through: int) -> list[dict]:
    events = []
    for f, level in enumerate(city.f_level):
        for y in years:
            founded = city.f_founded[f].astype(object)
            if founded.year > y:
                continue
            up = {"A": 0.8, "B": 0.5, "C": 0.3, "D": 0.15}[level]
            for _ in range(int(rng.poisson(0.5))):
                kind = ("合同履行", "投诉处理", "日常检查", "街道意见")[int(rng.integers(4))]
                sign = 1 if rng.random() < up else -1
                events.append(_event(city, rng, f, y, through, kind, sign * int(rng.integers(1, 6))))
            if level == "D" and rng.random() < 0.5:
                events.append(_event(city, rng, f, y, through, "行政处罚", -int(rng.integers(5, 11))))
            if level == "A" and rng.random() < 0.6:
                events.append(_event(city, rng, f, y, through, "表彰", int(rng.integers(3, 6))))
    return events


def _event(city: City, rng, f: int, year: int, through: int, kind: str, points: int) -> dict:
    last = min(month_end(ym(year, 12)), month_end(through))
    first = max(date(year, 1, 1), city.f_founded[f].astype(object))
    day = first + timedelta(days=int(rng.integers(0, max(1, (last - first).days + 1))))
    county = city.region.counties[city.f_county[f]]
    offices = city.region.town_office[city.region.town_county == city.f_county[f]]
    unit = {"投诉处理": "武威市12345政务服务便民热线", "表彰": "武威市住房和城乡建设局"}.get(
        kind, county.name + "住房和城乡建设局")
    if kind == "街道意见":
        unit = offices[int(rng.integers(len(offices)))]
    return {"firm_credit_code": city.f_code[f], "occurred_on": day, "kind": kind, "points": float(points),
            "source_unit": unit, "note": CREDIT_NOTES[(kind, 1 if points > 0 else -1)], "_firm": f}


def correcting_events(city: City, rng: np.random.Generator, book: CreditBook, through: int) -> list[dict]:
    """Departments' and streets' entries that bring each firm's year to its target score."""
    events = []
    score = 100 - book.actual + book.fixed
    for f in range(len(city.f_code)):
        for k, y in enumerate(book.years):
            if city.f_founded[f].astype(object).year > y:
                continue
            residual = round(book.target[f, k] - score[f, k])
            while residual:
                step = min(abs(residual), int(rng.integers(3, 6)))
                sign = 1 if residual > 0 else -1
                kind = ("合同履行", "投诉处理", "日常检查", "街道意见")[int(rng.integers(4))]
                if sign > 0 and step >= 3 and city.f_level[f] in "AB" and rng.random() < 0.3:
                    kind = "表彰"
                if kind == "日常检查" and sign > 0:
                    kind = "合同履行"
                events.append(_event(city, rng, f, y, through, kind, sign * step))
                residual -= sign * step
    return events


def credit_events_frame(events: list[dict], m: int) -> pl.DataFrame:
    rows = sorted((e for e in events if ym(e["occurred_on"].year, e["occurred_on"].month) == m),
                  key=lambda e: (e["occurred_on"], e["firm_credit_code"], e["kind"], e["points"]))
    df = pl.DataFrame(rows, schema={"firm_credit_code": pl.String, "occurred_on": pl.Date, "kind": pl.String,
                                    "points": pl.Float64, "source_unit": pl.String, "note": pl.String,
                                    "_firm": pl.Int64})
    ids = [f"XY{m // 12}{m % 12 + 1:02d}{k + 1:04d}" for k in range(df.height)]
    return df.with_columns(event_id=pl.Series(ids, dtype=pl.String))
