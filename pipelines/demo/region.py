"""The demo city's calendar and its region: months as integers, the simulated span, and the region
pack (counties, towns, boundaries, grade rules) as arrays."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import shapely
from shapely.geometry import shape

from contract.location import BOUNDARIES, REFERENCE

# ---------------------------------------------------------------------------------------------
# Calendar: a month is the integer year * 12 + month - 1.


def ym(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_start(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


def month_end(m: int) -> date:
    return month_start(m + 1) - timedelta(days=1)


def month_label(m: int) -> str:
    return f"{m // 12}-{m % 12 + 1:02d}"


def np_month_start(m: np.ndarray | int) -> np.ndarray:
    return (np.asarray(m) - ym(1970, 1)).astype("datetime64[M]").astype("datetime64[D]")


def year_quarter(m: int) -> tuple[int, int]:
    return m // 12, m % 12 // 3 + 1


COMPLAINTS_FROM = ym(2023, 1)  # calendar 2023 is the complaint-rate baseline year
SNAPSHOTS_FROM = ym(2024, 1)
UTILITY_CENSUS = ym(2025, 6)
NEVER = 10**6
HORIZON = ym(2028, 12)


def quarter_starts(through: int) -> list[int]:
    """First month of every quarter from 2024Q1 to the quarter containing `through`."""
    return list(range(SNAPSHOTS_FROM, through + 1, 3))


# ---------------------------------------------------------------------------------------------
# Region pack


@dataclass(frozen=True)
class County:
    adcode: str
    name: str
    short: str


@dataclass
class Region:
    counties: list[County]
    town_name: np.ndarray
    town_county: np.ndarray
    town_lon: np.ndarray
    town_lat: np.ndarray
    town_urban: np.ndarray
    town_short: np.ndarray  # as callers say it: 东大街, 黄羊
    town_office: np.ndarray  # 东大街街道办事处, 黄羊镇人民政府
    polygons: list  # shapely geometry per county
    grade_min: list[tuple[int, float]]  # (index into ASSESSED_GRADES, minimum score), best first
    grade_cap: np.ndarray  # fee cap per grade index 0..2


def load_region() -> Region:
    with open(REFERENCE / "counties.csv", encoding="utf-8") as f:
        counties = [County(r["adcode"], r["name_zh"], r["variants"].split("|")[0])
                    for r in csv.DictReader(f) if r["level"] == "county"]
    with open(REFERENCE / "towns.csv", encoding="utf-8") as f:
        towns = list(csv.DictReader(f))
    index = {c.adcode: i for i, c in enumerate(counties)}
    towns = [t for t in towns if t["county_code"] in index]
    geo = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    shapes = {ft["properties"]["adcode"]: shape(ft["geometry"]) for ft in geo["features"]}
    polygons = [shapes[c.adcode] for c in counties]
    for p in polygons:
        shapely.prepare(p)
    with open(REFERENCE / "grade_rules.csv", encoding="utf-8") as f:
        rules = list(csv.DictReader(f))
    order = ("一级", "二级", "三级", "不达标")
    grade_min = sorted(((order.index(r["grade"]), float(r["min_score"])) for r in rules),
                       key=lambda t: -t[1])
    caps = {order.index(r["grade"]): float(r["fee_cap_per_m2_month"]) for r in rules
            if r["fee_cap_per_m2_month"]}
    return Region(
        counties,
        np.array([t["town"] for t in towns], dtype=object),
        np.array([index[t["county_code"]] for t in towns]),
        np.array([float(t["lon"]) for t in towns]),
        np.array([float(t["lat"]) for t in towns]),
        np.array([t["urban"] == "1" for t in towns]),
        np.array([t["town"].removesuffix("街道").removesuffix("镇") for t in towns], dtype=object),
        np.array([t["town"] + ("办事处" if t["town"].endswith("街道") else "人民政府") for t in towns], dtype=object),
        polygons, grade_min, np.array([caps[0], caps[1], caps[2]]))
