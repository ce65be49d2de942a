"""Complaints (12345 work orders), one month at a time: who called about which compound, when it was
received, due and closed, and what the caller said."""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from contract.ledgers import APPEAL_TYPES, CATEGORIES, CHANNELS, RESOLVED_LEVELS, SATISFACTION
from pipelines.demo.city import City, expected_tickets
from pipelines.demo.credit import CreditBook
from pipelines.demo.region import Region, month_end, month_start, np_month_start
from pipelines.demo.story import (
    CATEGORY_WEIGHTS,
    CONTENT,
    ENDINGS,
    PHONE_PREFIXES,
    PRAISE,
    PROFILES,
    ROADS,
    UNKNOWN_PLACES,
    mix64,
    person_names,
    words_at,
)


def complaints_month(city: City, m: int, through: int, seed: int, book: CreditBook,
                     seen: np.ndarray) -> pl.DataFrame:
    """One month of the 12345 export, built column by column (vectorised)."""
    rng = np.random.default_rng([seed, 100, m])
    t = _ticket_places(city, rng, m)
    n = len(t["comp"])
    _ticket_timing(t, rng, m, through, book)
    appeal = rng.choice(len(APPEAL_TYPES), n, p=[0.62, 0.12, 0.12, 0.08, 0.045, 0.015])
    category = np.where(appeal == APPEAL_TYPES.index("表扬"), CATEGORIES.index("服务质量"),
                        _categories(city, rng, t, m))
    complaint = appeal < 2  # 投诉, 举报
    p_sub, _ = book.shares(m // 12)
    firm = t["firm"]
    substantiated = rng.random(n) < np.where(firm >= 0, p_sub[np.maximum(firm, 0)], 0.45)
    level = rng.choice(len(RESOLVED_LEVELS), n, p=[0.42, 0.32, 0.16, 0.08, 0.02])
    visited = rng.random(n) >= 0.15
    sat = np.where(t["late"], rng.choice(3, n, p=[0.35, 0.3, 0.35]), rng.choice(3, n, p=[0.64, 0.24, 0.12]))
    caller, repeat = _callers(city, rng, t, seed, seen)
    if m // 12 in book.years:
        counted = complaint & t["closed_ok"] & (firm >= 0)
        points = substantiated.astype(int) + 2 * t["late"].astype(int)
        np.add.at(book.actual[:, book.years.index(m // 12)], firm[counted], points[counted])

    not_closed = pl.Series(~t["closed_ok"])
    t["show_id"] = t["known"] & (rng.random(n) >= 0.2)
    name, address = _caller_place(city, rng, t)
    return pl.DataFrame({
        "ticket_id": f"GD{m // 12}{m % 12 + 1:02d}" + pl.Series(np.arange(1, n + 1)).cast(pl.String).str.zfill(6),
        "received_at": _timestamps(t["received"]),
        "channel": words_at(CHANNELS, rng.choice(5, n, p=[0.78, 0.03, 0.12, 0.05, 0.02])),
        "appeal_type": words_at(APPEAL_TYPES, appeal),
        "category": words_at(CATEGORIES, category),
        "compound_id": city.text("cid", t["comp"], t["show_id"]),
        "compound_name": name,
        "address": address,
        "county": words_at([c.name.replace("藏族自治县", "县") for c in city.region.counties], t["county"]),
        "town": city.text("town_name", t["town"]),
        "firm_credit_code": city.text("f_code", firm, firm >= 0),
        "handling_unit": _handling_units(city, level, t),
        "resolved_level": words_at(RESOLVED_LEVELS, level).set(not_closed, None),
        "due_at": _timestamps(t["due"]),
        "closed_at": _timestamps(t["closed"]).set(not_closed, None),
        "status": pl.Series(t["status"], dtype=pl.String),
        "substantiated": words_at(("否", "是"), substantiated).set(pl.Series(~(complaint & t["closed_ok"])), None),
        "satisfaction": words_at(SATISFACTION, np.where(visited, sat, 3)).set(not_closed, None),
        "is_repeat": words_at(("否", "是"), repeat),
        "complainant_name": person_names(caller),
        "complainant_phone": _phones(caller),
        "content": _contents(rng, category, appeal, name, t["county"], city.buildings[t["comp"]], city.region),
    })


def _ticket_places(city: City, rng: np.random.Generator, m: int) -> dict[str, np.ndarray]:
    """Tickets per compound (ordinary and heating), plus ~2% about places no ledger lists."""
    region = city.region
    base, heating = expected_tickets(city, m)
    shock = math.exp(rng.normal(0, 0.03))
    n_base, n_heat = rng.poisson(base * shock), rng.poisson(heating * shock)
    listed = np.concatenate([np.repeat(np.arange(city.n), n_base), np.repeat(np.arange(city.n), n_heat)])
    n_unknown = int(rng.poisson(0.02 * len(listed)))
    shares = np.array([PROFILES[c.adcode].complaint_share for c in region.counties])
    unknown_county = rng.choice(len(region.counties), n_unknown, p=shares / shares.sum())
    known = np.r_[np.ones(len(listed), bool), np.zeros(n_unknown, bool)]
    comp = np.r_[listed, np.zeros(n_unknown, int)]
    county = np.r_[city.county[listed], unknown_county]
    return {
        "comp": comp, "known": known, "county": county,
        "heat": np.r_[np.zeros(n_base.sum(), bool), np.ones(n_heat.sum() + n_unknown, bool)] & known,
        "town": np.where(known, city.town[comp], _urban_town(region, county, rng)),
        "firm": np.where(known, city.firm_at(m)[comp], -1),
    }


def _ticket_timing(t: dict[str, np.ndarray], rng: np.random.Generator, m: int, through: int,
                   book: CreditBook) -> None:
    """Received (then sorted by it), due after 5 working days, closed on time or late; tickets the
    export catches before they close stay open (已受理/办理中)."""
    n = len(t["comp"])
    days = (month_end(m) - month_start(m)).days + 1
    received = (np_month_start(m) + rng.integers(0, days, n)).astype("datetime64[s]") + \
        rng.integers(8 * 3600, 21 * 3600 + 3599, n).astype("timedelta64[s]")
    order = np.argsort(received, kind="stable")
    for key in list(t):
        t[key] = t[key][order]
    received = received[order]
    day0 = received.astype("datetime64[D]")
    due = np.busday_offset(day0, 5, roll="forward").astype("datetime64[s]") + (received - day0)
    _, p_late = book.shares(m // 12)
    firm = t["firm"]
    late = rng.random(n) < np.where(firm >= 0, p_late[np.maximum(firm, 0)], 0.14)
    span = (due - received).astype(np.int64)
    took = np.where(late, span + rng.integers(3600, 15 * 86400, n), rng.integers(3600, np.maximum(span, 7200)))
    closed = received + took.astype("timedelta64[s]")
    cutoff = np.datetime64(month_end(through)).astype("datetime64[s]") + np.timedelta64(86399, "s")
    returned = rng.random(n) < 0.005
    is_open = closed > cutoff
    t["closed_ok"] = ~is_open & ~returned
    t["late"] = late & t["closed_ok"]
    t["status"] = np.where(returned, "退回", np.where(
        is_open, np.where(received > cutoff - np.timedelta64(2, "D"), "已受理", "办理中"), "已办结"))
    t["received"], t["due"], t["closed"] = received, due, closed


def _timestamps(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype("datetime64[us]")).dt.strftime("%Y-%m-%d %H:%M:%S")


def _urban_town(region: Region, county: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(len(county), int)
    for ci in np.unique(county):
        towns = np.flatnonzero((region.town_county == ci) & region.town_urban)
        sel = county == ci
        out[sel] = rng.choice(towns, sel.sum())
    return out


def _categories(city: City, rng: np.random.Generator, t: dict[str, np.ndarray], m: int) -> np.ndarray:
    """Index into CATEGORIES: heating tickets are 供暖; compounds around a change of firm hear
    about the handover."""
    comp = t["comp"]
    names = list(CATEGORY_WEIGHTS)
    w = np.array(list(CATEGORY_WEIGHTS.values()), float)
    cat = np.array([CATEGORIES.index(c) for c in names])[rng.choice(len(names), len(comp), p=w / w.sum())]
    cat = np.where(t["heat"], CATEGORIES.index("供暖"), cat)
    cat = np.where((cat == CATEGORIES.index("电梯")) & ~city.elevator[comp], CATEGORIES.index("设施维修"), cat)
    handover = t["known"] & ~t["heat"] & (np.abs(m - city.pro_since(m)[comp]) < 6) & (rng.random(len(comp)) < 0.2)
    return np.where(handover, CATEGORIES.index("物业交接与退出"), cat)


def _callers(city: City, rng: np.random.Generator, t: dict[str, np.ndarray], seed: int,
             seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A hash per caller (their name and phone follow from it) and the 重复件 flag: a few frequent
    callers per compound, otherwise any household."""
    comp, known = t["comp"], t["known"]
    n = len(comp)
    frequent = known & (rng.random(n) < 0.22)
    slot = np.where(frequent, np.minimum(rng.geometric(0.55, n) - 1, 3),
                    4 + rng.integers(0, np.maximum(city.households[comp], 1)))
    key = np.where(known, comp.astype(np.int64) * 100_000 + slot, 10**12 + rng.integers(0, 10**9, n))
    return mix64(key.astype(np.uint64) ^ np.uint64(seed)), _repeat_calls(seen, comp, slot, frequent)


def _repeat_calls(seen: np.ndarray, comp, slot, frequent) -> np.ndarray:
    """A frequent caller's later calls are 重复件: seen before this month, or earlier this month."""
    repeat = np.zeros(len(comp), bool)
    rows = np.flatnonzero(frequent)
    keys = comp[rows] * 4 + slot[rows]
    _, first = np.unique(keys, return_index=True)
    again = np.ones(len(rows), bool)
    again[first] = False
    repeat[rows] = seen[keys] | again
    seen[keys] = True
    return repeat


def _caller_place(city: City, rng: np.random.Generator, t: dict[str, np.ndarray]) -> tuple[pl.Series, pl.Series]:
    """The compound as the export shows it: exact with the code, as the caller said it without
    (name without/with 小区, with the town or county in front), or a place no ledger lists."""
    comp, known, show = t["comp"], t["known"], t["show_id"]
    n = len(comp)
    counties = [c.name for c in city.region.counties]
    df = pl.DataFrame({
        "exact": city.text("name", comp), "alt": city.text("name_alt", comp),
        "town": city.text("town_short", t["town"]), "county": words_at(counties, t["county"]),
        "unknown": words_at(UNKNOWN_PLACES, rng.integers(0, len(UNKNOWN_PLACES), n)),
        "style": rng.choice(4, n, p=[0.4, 0.25, 0.2, 0.15]), "known": known, "show": show,
        "address": city.text("address", comp),
        "building": pl.Series(rng.integers(1, np.maximum(city.buildings[comp], 1) + 1)).cast(pl.String),
        "road": words_at(ROADS[""], rng.integers(0, len(ROADS[""]), n)),
        "road_no": pl.Series(rng.integers(1, 300, n)).cast(pl.String),
    })
    exact = pl.col("exact")
    variant = (pl.when(pl.col("style") == 1).then(pl.col("alt"))
               .when(pl.col("style") == 2).then(pl.col("town") + exact)
               .when(pl.col("style") == 3).then(pl.col("county") + exact).otherwise(exact))
    out = df.select(
        name=pl.when("show").then(exact).when("known").then(variant).otherwise(pl.col("unknown")),
        address=pl.when("show").then(pl.col("address"))
        .when("known").then(pl.col("address") + pl.col("building") + "号楼")
        .otherwise(pl.col("road") + pl.col("road_no") + "号"))
    return out["name"], out["address"]


def _handling_units(city: City, level: np.ndarray, t: dict[str, np.ndarray]) -> pl.Series:
    """Who handled it, by the level it was resolved at: the firm or the 居委会, the street, the
    county bureau, the city bureau."""
    firm, known = t["firm"], t["known"]
    bureaus = [c.name + "住房和城乡建设局" for c in city.region.counties]
    df = pl.DataFrame({
        "level": level, "known": known, "has_firm": firm >= 0,
        "firm": city.text("f_name", firm, firm >= 0),
        "community": city.text("community", t["comp"]) + "居委会",
        "street": city.text("town_office", t["town"]),
        "bureau": words_at(bureaus, t["county"]),
    })
    neighbourhood = pl.when("known").then(pl.col("community")).otherwise(pl.col("street"))
    return df.select(
        pl.when(pl.col("level") == 0).then(pl.when("has_firm").then(pl.col("firm")).otherwise(neighbourhood))
        .when(pl.col("level") == 1).then(neighbourhood)
        .when(pl.col("level") == 2).then(pl.col("street"))
        .when(pl.col("level") == 3).then(pl.col("bureau"))
        .otherwise(pl.lit("武威市住房和城乡建设局"))).to_series()


CONTENT_TEXTS = [text for c in CATEGORIES for text in CONTENT[c]] + list(PRAISE)
CONTENT_START = np.cumsum([0] + [len(CONTENT[c]) for c in CATEGORIES])


def _contents(rng: np.random.Generator, category: np.ndarray, appeal: np.ndarray, name: pl.Series,
              county: np.ndarray, buildings: np.ndarray, region: Region) -> pl.Series:
    """Short texts per category; about 5% of callers leave a phone or ID number in them."""
    n = len(category)
    size = CONTENT_START[category + 1] - CONTENT_START[category]
    pick = rng.integers(0, 12, n)
    text = np.where(appeal == APPEAL_TYPES.index("表扬"), CONTENT_START[-1] + pick % len(PRAISE),
                    CONTENT_START[category] + pick % size)
    building = pl.Series(rng.integers(1, np.maximum(buildings, 1) + 1)).cast(pl.String)
    unit = pl.Series(rng.integers(1, 5, n)).cast(pl.String)
    where = pl.DataFrame({"full": rng.random(n) < 0.6, "b": building, "u": unit}).select(
        pl.when("full").then(pl.col("b") + "号楼" + pl.col("u") + "单元住户反映：").otherwise(pl.lit("业主反映："))
    ).to_series()
    ending = words_at(ENDINGS, rng.integers(0, len(ENDINGS), n))
    pii = rng.random(n)
    phone = np.flatnonzero(pii < 0.035)
    ident = np.flatnonzero((pii >= 0.035) & (pii < 0.05))
    phones = _phones(mix64(rng.integers(0, 2**62, len(phone)).astype(np.uint64)))
    ids = _id_numbers(rng, np.array([c.adcode for c in region.counties])[county[ident]])
    ending = ending.scatter(phone, "，请尽快处理，联系电话" + phones + "。")
    ending = ending.scatter(ident, "，本人身份证号" + ids + "，请核实处理。")
    return name + where + words_at(CONTENT_TEXTS, text) + ending


ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def _phones(h: np.ndarray) -> pl.Series:
    h = np.asarray(h, dtype=np.uint64)
    prefix = words_at(PHONE_PREFIXES, ((h >> np.uint64(7)) % np.uint64(len(PHONE_PREFIXES))).astype(np.int64))
    rest = pl.Series(((h >> np.uint64(20)) % np.uint64(10**8)).astype(np.int64)).cast(pl.String).str.zfill(8)
    return prefix + rest


def _id_numbers(rng: np.random.Generator, adcodes: np.ndarray) -> pl.Series:
    """Fake 18-digit resident ID numbers (area, birth date, sequence, ISO 7064 check digit)."""
    n = len(adcodes)
    birth = np.datetime64("1950-01-01") + rng.integers(0, 18000, n)
    born = pl.Series(birth).dt.strftime("%Y%m%d")
    seq = pl.Series(rng.integers(1, 999, n)).cast(pl.String).str.zfill(3)
    body = pl.Series(adcodes, dtype=pl.String) + born + seq
    digits = np.frombuffer("".join(body.to_list()).encode(), dtype=np.uint8).reshape(n, 17) - 48
    check = words_at("10X98765432", (digits.astype(np.int64) @ ID_WEIGHTS) % 11)
    return body + check
