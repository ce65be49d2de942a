"""The simulated city: every compound ever built, its firms, grades, committees and complaint
propensity, to a fixed horizon; what each compound is in a given month."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import shapely
from stdnum.cn import uscc

from pipelines.demo.region import COMPLAINTS_FROM, HORIZON, NEVER, SNAPSHOTS_FROM, County, Region, np_month_start, ym
from pipelines.demo.story import (
    COMMUNITY_WORDS,
    COMPOUND_SUFFIXES,
    COMPOUND_WORDS,
    COMPOUNDS_AT_SCALE_1,
    COVERED_FACTOR,
    FIRM_PATTERNS_LOCAL,
    FIRM_PATTERNS_OUTSIDE,
    FIRM_WORDS,
    FIRMS_AT_SCALE_1,
    HEATING_EXTRA,
    LEVEL_COMPLAINTS,
    LEVEL_QUALITY,
    LEVEL_SHARES,
    MODE,
    OUTSIDE_REGISTRATIONS,
    PHASES,
    PRO,
    PROFILES,
    ROADS,
    TICKETS_PER_MONTH,
    UNGRADED,
    USCC_CHARS,
    WEIGHT_CAP,
    WEIGHT_TAIL,
    Profile,
)


@dataclass
class City:
    """The simulated city. The arrays are filled by build_city: one entry per compound ever built
    (in county order), per firm (f_*), or per period/term and compound (2-D)."""

    region: Region
    seed: int
    scale: float
    horizon: int
    # compounds (one entry per compound ever built, in county order)
    county: np.ndarray = None
    town: np.ndarray = None
    cid: np.ndarray = None
    name: np.ndarray = None
    name_alt: np.ndarray = None  # the name as callers vary it: without 小区, or with it added
    community: np.ndarray = None
    address: np.ndarray = None
    lon: np.ndarray = None
    lat: np.ndarray = None
    built: np.ndarray = None
    buildings: np.ndarray = None
    households: np.ndarray = None
    area: np.ndarray = None
    occupancy: np.ndarray = None
    elevator: np.ndarray = None
    old: np.ndarray = None
    appear: np.ndarray = None
    mode0: np.ndarray = None
    switch_m: np.ndarray = None
    exit_m: np.ndarray = None
    rejoin_m: np.ndarray = None
    firm_a: np.ndarray = None
    firm_b: np.ndarray = None
    contract_anchor: np.ndarray = None
    contract_months: np.ndarray = None
    filed_m: np.ndarray = None
    disclose_m: np.ndarray = None
    takeover: np.ndarray = None
    red_m: np.ndarray = None
    beauty_m: np.ndarray = None
    fee_u: np.ndarray = None
    collection: np.ndarray = None
    quality: np.ndarray = None
    propensity: np.ndarray = None
    initial_grade: np.ndarray = None
    over_since: np.ndarray = None
    # grade assessments per half-year period
    period_end: list[int] = field(default_factory=list)
    assessed: np.ndarray = None  # (periods, compounds) grade index or -1
    scores: np.ndarray = None
    latest_grade: np.ndarray = None  # (periods, compounds) snapshot grade after each period
    # committees
    c_prep: np.ndarray = None
    c_est: np.ndarray = None  # (terms, compounds) establishment month of each term
    c_day: np.ndarray = None
    c_type: np.ndarray = None
    c_term: np.ndarray = None  # months
    c_dissolve: np.ndarray = None
    c_members: np.ndarray = None
    c_party: np.ndarray = None
    c_filed: np.ndarray = None
    c_trainings: np.ndarray = None  # (years, compounds)
    # firms
    f_code: np.ndarray = None
    f_name: np.ndarray = None
    f_county: np.ndarray = None
    f_reg: np.ndarray = None  # registration place (county name or an outside place)
    f_local: np.ndarray = None
    f_founded: np.ndarray = None
    f_staff: np.ndarray = None
    f_party: np.ndarray = None
    f_level: np.ndarray = None
    _text: dict[str, pl.Series] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.county)

    def text(self, attr: str, idx: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
        """Strings of a compound, firm or town attribute for many rows at once (null where not valid)."""
        series = self._text.get(attr)
        if series is None:
            values = getattr(self, attr) if hasattr(self, attr) else getattr(self.region, attr)
            series = self._text[attr] = pl.Series(attr, values.tolist(), dtype=pl.String)
        out = series.gather(np.maximum(idx, 0))
        return out if valid is None else out.set(pl.Series(~np.asarray(valid)), None)

    def present(self, m: int) -> np.ndarray:
        return self.appear <= max(m, SNAPSHOTS_FROM)

    def mode_at(self, m: int) -> np.ndarray:
        """Management mode per compound (index into MANAGEMENT_MODES); -1 before it exists.
        Months before the first snapshot take the first snapshot's state."""
        m = max(m, SNAPSHOTS_FROM)
        pro = (self.mode0 == PRO) | (m >= self.switch_m)
        gone = (m >= self.exit_m) & (m < self.rejoin_m)
        mode = np.where(pro & ~gone, PRO, np.where(gone, MODE["社区托管"], self.mode0))
        return np.where(self.present(m), mode, -1)

    def firm_at(self, m: int) -> np.ndarray:
        m_eff = max(m, SNAPSHOTS_FROM)
        firm = np.where(m_eff >= self.rejoin_m, self.firm_b, self.firm_a)
        return np.where(self.mode_at(m) == PRO, firm, -1)

    def pro_since(self, m: int) -> np.ndarray:
        m = max(m, SNAPSHOTS_FROM)
        since = np.where(self.mode0 == PRO, self.appear - 36, self.switch_m)
        return np.where(m >= self.rejoin_m, self.rejoin_m, since)

    def grade_at(self, m: int) -> np.ndarray:
        """Service grade in the snapshot (index into SERVICE_GRADES): the latest assessment that
        ended before month m; a 不达标 result is recorded as 三级 (downgraded to the lowest)."""
        done = [p for p, end in enumerate(self.period_end) if end < m]
        grade = self.initial_grade.copy()
        if done:
            latest = self.latest_grade[done[-1]]
            grade = np.where(latest >= 0, np.minimum(latest, 2), grade)
        return np.where(self.mode_at(m) == PRO, grade, UNGRADED)

    def committee_at(self, m: int) -> tuple[np.ndarray, np.ndarray]:
        """(status index or -1 when no record, current term index) per compound."""
        terms = self.c_est.shape[0]
        term = np.full(self.n, -1)
        for k in range(terms):
            term = np.where(self.c_est[k] <= m, k, term)
        est = np.take_along_axis(self.c_est, np.maximum(term, 0)[None, :], 0)[0]
        expired = (term >= 0) & (m >= est + self.c_term)
        status = np.where(term >= 0, np.where(expired, 2, 1), np.where(m >= self.c_prep, 0, -1))
        status = np.where((status >= 1) & (m >= self.c_dissolve), 3, status)
        status = np.where(self.present(m), status, -1)
        return status, term


def build_city(region: Region, seed: int, scale: float, through: int) -> City:
    horizon = max(HORIZON, through + 12)
    city = City(region, seed, scale, horizon)
    parts = [_county_compounds(region, np.random.default_rng([seed, 1, i]), i, scale, horizon)
             for i in range(len(region.counties))]
    for key in parts[0]:
        setattr(city, key, np.concatenate([p[key] for p in parts]))
    city.name_alt = np.array([s[:-2] if s.endswith("小区") else s + "小区" for s in city.name], dtype=object)
    _contracts(city, np.random.default_rng([seed, 8]))
    _assign_firms(city, np.random.default_rng([seed, 2]))
    _service_details(city, np.random.default_rng([seed, 3]))
    _assess_grades(city, np.random.default_rng([seed, 4]))
    _fees_above_grade(city, np.random.default_rng([seed, 5]), through)
    _committees(city, np.random.default_rng([seed, 6]))
    _complaint_propensity(city, np.random.default_rng([seed, 7]))
    return city


def _county_compounds(region: Region, rng: np.random.Generator, ci: int, scale: float,
                      horizon: int) -> dict[str, np.ndarray]:
    county = region.counties[ci]
    prof = PROFILES[county.adcode]
    n0 = max(6, round(COMPOUNDS_AT_SCALE_1 * scale * prof.share))
    n_new = max(1, round(n0 * 0.025 * (horizon - SNAPSHOTS_FROM) / 12))
    n = n0 + n_new
    appear = np.concatenate([np.full(n0, SNAPSHOTS_FROM),
                             np.sort(rng.integers(SNAPSHOTS_FROM + 1, horizon + 1, n_new))])
    town, lon, lat = _place(region, rng, ci, n)
    built = np.where(np.arange(n) < n0, _built_years(rng, n), appear // 12)
    old = built <= 2000
    elevator = rng.random(n) < np.select([built >= 2010, built >= 2000], [0.85, 0.2], 0.03)
    big = 5.0 if county.adcode == "620602" else 4.0
    buildings = np.maximum(1, np.round(np.exp(rng.normal(math.log(big), 0.65, n)) * np.where(old, 0.7, 1)))
    households = np.round(buildings * rng.uniform(60, 120, n)).astype(np.int64)
    mode0, switch_m = _management(rng, prof, appear, built, elevator, town, n0, horizon)
    exit_m = np.full(n, NEVER)
    rejoin_m = np.full(n, NEVER)
    if county.adcode != "620621":  # 民勤 keeps every firm: it is the county that finishes first
        cand = np.flatnonzero(mode0 == PRO)
        k = min(len(cand), max(1, round(1.0 * scale)))
        gone = rng.choice(cand, k, replace=False)
        exit_m[gone] = rng.integers(ym(2024, 6), ym(2025, 12), k)
        back = rng.random(k) < 0.6
        rejoin_m[gone[back]] = exit_m[gone[back]] + rng.integers(3, 10, back.sum())
    return {
        "county": np.full(n, ci), "town": town, "lon": lon, "lat": lat, "built": built,
        "buildings": buildings.astype(np.int64), "households": households,
        "area": np.round(households * rng.uniform(80, 125, n), 1),
        "occupancy": rng.uniform(0.41, 0.90, n), "elevator": elevator, "old": old, "appear": appear,
        "mode0": mode0, "switch_m": switch_m, "exit_m": exit_m, "rejoin_m": rejoin_m,
        "name": _compound_names(rng, n), "community": _communities(rng, town),
        "address": _addresses(rng, county.adcode, n), "cid": _compound_ids(prof.ids, county, region, town),
    }


def _built_years(rng: np.random.Generator, n: int) -> np.ndarray:
    era = rng.choice(3, n, p=[0.25, 0.30, 0.45])
    lo = np.array([1985, 2000, 2010])[era]
    hi = np.array([2000, 2010, 2024])[era]
    return rng.integers(lo, hi)


def _place(region: Region, rng: np.random.Generator, ci: int, n: int):
    """Towns by weight (urban towns hold most compounds) and a point ~1 km around the town centre,
    always inside the county polygon."""
    towns = np.flatnonzero(region.town_county == ci)
    urban = region.town_urban[towns]
    rural_share = 0.06 if urban.sum() > 1 else 0.15
    weight = np.where(urban, (1 - rural_share) / urban.sum(), rural_share / max(1, (~urban).sum()))
    town = rng.choice(towns, n, p=weight / weight.sum())
    lon = np.empty(n)
    lat = np.empty(n)
    todo = np.arange(n)
    while len(todo):
        lon[todo] = region.town_lon[town[todo]] + rng.normal(0, 0.007, len(todo))
        lat[todo] = region.town_lat[town[todo]] + rng.normal(0, 0.0055, len(todo))
        todo = todo[~shapely.contains_xy(region.polygons[ci], lon[todo], lat[todo])]
    return town, np.round(lon, 6), np.round(lat, 6)


def _management(rng, prof: Profile, appear, built, elevator, town, n0: int, horizon: int):
    """Initial management mode and the month each compound switches to a professional firm.
    Switches come in bundles of neighbouring compounds (连片打包) along the county's curve."""
    n = len(appear)
    mode0 = np.full(n, PRO)  # new compounds start with the developer's firm (前期物业)
    first = prof.coverage[0][1]
    n_pro = round(first * n0)
    log_w = 0.08 * (built[:n0] - 2005) + 0.8 * elevator[:n0]
    pro = _gumbel_top(rng, log_w, n_pro)
    mode0[:n0] = rng.choice(4, n0, p=[0.55, 0.15, 0.15, 0.15]) + 1
    mode0[pro] = PRO
    switch_m = np.full(n, NEVER)
    waiting = np.flatnonzero(mode0 != PRO)
    if not len(waiting):
        return mode0, switch_m
    order = waiting[np.lexsort((rng.random(len(waiting)), town[waiting]))]
    sizes = np.minimum(rng.geometric(0.5, len(order)), 6)
    bundle = np.repeat(np.arange(len(sizes)), sizes)[:len(order)]
    # bundles never span two towns: split them where the town changes
    key = town[order] * 10**6 + bundle
    _, bundle = np.unique(key, return_inverse=True)
    shuffled = rng.permutation(bundle.max() + 1)[bundle]
    by_bundle = np.argsort(shuffled, kind="stable")
    order = order[by_bundle]
    bundle = shuffled[by_bundle]
    size = np.bincount(bundle)
    threshold = np.cumsum(size) - size / 2
    curve = _coverage_curve(rng, prof.coverage, horizon) * n0 - n_pro
    month = np.searchsorted(curve, threshold, side="left")
    when = np.where(month < len(curve), SNAPSHOTS_FROM + np.maximum(month, 1), NEVER)
    switch_m[order] = when[bundle]
    return mode0, switch_m


def _coverage_curve(rng: np.random.Generator, anchors, horizon: int) -> np.ndarray:
    """Share professional per month from 2024-01 to the horizon: through the anchors, with
    lumpy monthly steps (year-end and mid-year pushes)."""
    curve = np.full(horizon - SNAPSHOTS_FROM + 1, anchors[-1][1])
    curve[0] = anchors[0][1]
    for (m1, f1), (m2, f2) in itertools.pairwise(anchors):
        months = np.arange(m1 + 1, m2 + 1)
        push = np.where(months % 12 == 11, 1.8, np.where(months % 12 == 5, 1.3, 1.0))
        w = rng.gamma(0.8, size=len(months)) * push
        a, b = m1 + 1 - SNAPSHOTS_FROM, min(m2, horizon) + 1 - SNAPSHOTS_FROM
        curve[a:b] = (f1 + (f2 - f1) * np.cumsum(w) / w.sum())[: b - a]
    return np.minimum(curve, 1.0)


def _compound_names(rng: np.random.Generator, n: int) -> np.ndarray:
    base = len(COMPOUND_WORDS) * len(COMPOUND_SUFFIXES)
    phases = PHASES + [f"{k}区" for k in range(1, n // base + 2)]
    layers = math.ceil(n / base)
    combo = np.concatenate([rng.permutation(base) + k * base for k in range(layers)])[:n]
    combo = rng.permutation(combo)
    words = np.array(COMPOUND_WORDS, dtype=object)
    suffixes = np.array(COMPOUND_SUFFIXES, dtype=object)
    phase = np.array(phases, dtype=object)
    within = combo % base
    return words[within // len(COMPOUND_SUFFIXES)] + suffixes[within % len(COMPOUND_SUFFIXES)] + \
        phase[combo // base]


def _communities(rng: np.random.Generator, town: np.ndarray) -> np.ndarray:
    out = np.empty(len(town), dtype=object)
    for t in np.unique(town):
        members = np.flatnonzero(town == t)
        k = max(2, math.ceil(len(members) / 7))
        words = rng.permutation(len(COMMUNITY_WORDS))
        names = np.array([COMMUNITY_WORDS[words[j % len(words)]] + (str(j // len(words) + 1) if j >= len(words)
                                                                     else "") + "社区" for j in range(k)],
                         dtype=object)
        out[members] = names[rng.integers(0, k, len(members))]
    return out


def _addresses(rng: np.random.Generator, adcode: str, n: int) -> np.ndarray:
    roads = np.array(ROADS.get(adcode, ROADS[""]), dtype=object)
    number = rng.integers(1, 300, n).astype(str).astype(object)
    return roads[rng.integers(0, len(roads), n)] + number + "号"


def _compound_ids(ids: tuple[str, str], county: County, region: Region, town: np.ndarray) -> np.ndarray:
    """Codes in the county's own scheme, numbered in order of appearance: 凉州 12-digit codes
    (adcode, town, sequence), 民勤/天祝 letters, 古浪 7 digits starting with 0 (a leading zero a
    spreadsheet can lose)."""
    scheme, prefix = ids
    towns = list(np.flatnonzero(region.town_county == region.town_county[town[0]]))
    rank = np.array([towns.index(t) + 1 for t in town])
    df = pl.DataFrame({"rank": rank, "i": np.arange(len(town))})
    if scheme == "letters":
        seq = df["i"] + 1
        width = max(4, len(str(len(town))))
        return np.array((prefix + seq.cast(pl.String).str.zfill(width)).to_list(), dtype=object)
    seq = df.select(pl.int_range(pl.len()).over("rank") + 1).to_series()
    width = max(3, len(str(seq.max())))
    if scheme == "adcode":
        head = county.adcode + pl.Series(rank).cast(pl.String).str.zfill(3)
    else:
        head = prefix + pl.Series(rank).cast(pl.String).str.zfill(2)
    return np.array((head + seq.cast(pl.String).str.zfill(width)).to_list(), dtype=object)


def _assign_firms(city: City, rng: np.random.Generator) -> None:
    """Firms per county, each with at least one compound, sizes heavy-tailed; a switching bundle
    goes to one firm (以大带小). The largest 凉州 firms also win some work in other counties."""
    region = city.region
    n_total = max(len(region.counties) * 3, round(FIRMS_AT_SCALE_1 * city.scale))
    firm_a = np.full(city.n, -1)
    firm_b = np.full(city.n, -1)
    blocks = []
    start = 0
    big_liangzhou: np.ndarray = np.array([], dtype=int)
    for ci, county in enumerate(region.counties):
        prof = PROFILES[county.adcode]
        k = max(3, round(n_total * prof.share))
        ids = np.arange(start, start + k)
        weight = np.minimum(rng.pareto(WEIGHT_TAIL, k) + 1, WEIGHT_CAP)
        members = np.flatnonzero(city.county == ci)
        unit_key = np.where(city.switch_m[members] < NEVER,
                            city.switch_m[members] * 10**7 + city.town[members] * 1000, -1 - members)
        # compounds switching the same month in the same town form one unit (a bundle)
        units, unit_of = np.unique(unit_key, return_inverse=True)
        pro_ever = (city.mode0[members] == PRO) | (city.switch_m[members] < NEVER)
        unit_start = np.full(len(units), NEVER)
        np.minimum.at(unit_start, unit_of[pro_ever],
                      np.where(city.mode0[members] == PRO, city.appear[members], city.switch_m[members])[pro_ever])
        valid = np.flatnonzero(unit_start < NEVER)
        by_start = valid[np.lexsort((rng.random(len(valid)), unit_start[valid]))]
        owner = np.full(len(units), -1)
        seedlings = by_start[:k]
        owner[seedlings] = ids[rng.permutation(k)[:len(seedlings)]]
        rest = by_start[k:]
        owner[rest] = rng.choice(ids, len(rest), p=weight / weight.sum())
        if ci > 0 and len(big_liangzhou):
            outside = rest[rng.random(len(rest)) < 0.12]
            owner[outside] = rng.choice(big_liangzhou, len(outside))
        firm_a[members[pro_ever]] = owner[unit_of[pro_ever]]
        rejoin = members[city.rejoin_m[members] < NEVER]
        firm_b[rejoin] = rng.choice(ids, len(rejoin), p=weight / weight.sum())
        if ci == 0:
            big_liangzhou = ids[np.argsort(-weight)[:3]]
        blocks.append((ci, ids))
        start += k
    city.firm_a = firm_a
    city.firm_b = np.where(firm_b >= 0, firm_b, firm_a)
    _firm_attributes(city, rng, blocks)


def _firm_attributes(city: City, rng: np.random.Generator, blocks) -> None:
    region = city.region
    n = sum(len(ids) for _, ids in blocks)
    county = np.concatenate([np.full(len(ids), ci) for ci, ids in blocks])
    local = rng.random(n) < 0.75
    outside = rng.integers(0, len(OUTSIDE_REGISTRATIONS), n)
    reg_code = np.array([region.counties[c].adcode if loc else OUTSIDE_REGISTRATIONS[o][0]
                         for c, loc, o in zip(county, local, outside, strict=True)], dtype=object)
    city.f_reg = np.array([region.counties[c].name if loc else OUTSIDE_REGISTRATIONS[o][1]
                           for c, loc, o in zip(county, local, outside, strict=True)], dtype=object)
    city.f_code = _credit_codes(rng, reg_code)
    city.f_name = _firm_names(rng, county, local, outside, region)
    city.f_county = county
    city.f_local = local
    size = np.bincount(city.firm_a[city.firm_a >= 0], minlength=n)
    first = np.full(n, NEVER)
    has = city.firm_a >= 0
    np.minimum.at(first, city.firm_a[has], city.contract_anchor[has])
    first = np.where(first < NEVER, first, SNAPSHOTS_FROM)
    founded_m = np.maximum(ym(1997, 1), first - rng.integers(3, 150, n))
    city.f_founded = np_month_start(founded_m) + rng.integers(0, 28, n)
    city.f_staff = (8 + 12 * size + rng.integers(0, 15, n)).astype(np.int64)
    city.f_party = rng.random(n) < 0.3 + 0.1 * np.log1p(size)
    level = np.full(n, "B", dtype=object)
    pool = rng.permutation(n)
    n_d = max(2, round(LEVEL_SHARES["D"] * n)) if n >= 20 else 1
    d = [f for f in pool if size[f] >= 2][:n_d]
    level[d] = "D"
    pool = [f for f in pool if level[f] == "B"]
    n_a = max(2, round(LEVEL_SHARES["A"] * n)) if n >= 20 else 1
    level[pool[:n_a]] = "A"
    level[pool[n_a:n_a + round(LEVEL_SHARES["C"] * n)]] = "C"
    city.f_level = level


def _credit_codes(rng: np.random.Generator, reg_code: np.ndarray) -> np.ndarray:
    codes = []
    seen = set()
    letters = USCC_CHARS[10:]
    while len(codes) < len(reg_code):
        i = len(codes)
        if rng.random() < 0.6:
            org = "MA" + "".join(rng.choice(list(USCC_CHARS), 7))
        else:
            org = "".join(rng.choice(list("0123456789"), 8)) + rng.choice(list(letters + "0123456789"))
        body = "91" + reg_code[i] + org
        if body not in seen:
            seen.add(body)
            codes.append(body + uscc.calc_check_digit(body))
    return np.array(codes, dtype=object)


def _firm_names(rng, county, local, outside, region: Region) -> np.ndarray:
    words = rng.permutation(len(FIRM_WORDS))
    names: list[str] = []
    seen: set[str] = set()
    i = 0
    for c, loc, o in zip(county, local, outside, strict=True):
        while True:
            # i written in base len(words), one word a digit: past len(words)² names (a national scale's
            # firms) a third word, so a new i is always a new word and the search ends
            w, rest = FIRM_WORDS[words[i % len(words)]], i // len(words)
            while rest:
                w += FIRM_WORDS[words[rest % len(words)]]
                rest //= len(words)
            i += 1
            patterns = FIRM_PATTERNS_LOCAL if loc else FIRM_PATTERNS_OUTSIDE
            pattern = patterns[int(rng.integers(len(patterns)))]
            cname = region.counties[c].name.replace("藏族自治县", "县")
            name = pattern.replace("{c}", cname).replace("{r}", OUTSIDE_REGISTRATIONS[o][2]).format(w)
            if name not in seen:
                seen.add(name)
                names.append(name)
                break
    return np.array(names, dtype=object)


def _contracts(city: City, rng: np.random.Generator) -> None:
    """When each compound's first service contract started (renewed every 2, 3 or 5 years)."""
    earlier = rng.integers(ym(2018, 1), ym(2023, 12), city.n)
    city.contract_anchor = np.where(city.mode0 == PRO, np.where(city.appear > SNAPSHOTS_FROM, city.appear,
                                                                earlier), city.switch_m)
    city.contract_months = rng.choice([24, 36, 60], city.n, p=[0.2, 0.6, 0.2])


def _service_details(city: City, rng: np.random.Generator) -> None:
    n = city.n
    city.filed_m = rng.integers(ym(2021, 6), ym(2027, 6), n)
    city.disclose_m = rng.integers(ym(2022, 6), ym(2027, 6), n)
    city.takeover = rng.random(n) < np.where(city.mode0 == PRO, 0.6, 0.85)
    city.red_m = np.where(rng.random(n) < 0.15, rng.integers(ym(2022, 1), ym(2027, 12), n), NEVER)
    city.beauty_m = np.where(rng.random(n) < 0.09, rng.integers(ym(2024, 1), ym(2027, 12), n), NEVER)
    city.fee_u = rng.random(n)
    city.collection = rng.uniform(0.60, 0.85, n)
    firm_q = np.array([LEVEL_QUALITY[v] for v in city.f_level]) + rng.normal(0, 0.3, len(city.f_level))
    city.quality = (0.7 * rng.normal(0, 1, n) + np.where(city.firm_a >= 0, firm_q[np.maximum(city.firm_a, 0)], 0)
                    + 0.3 * city.elevator - 0.3 * city.old)


def _grade_of(region: Region, score: np.ndarray) -> np.ndarray:
    grade = np.full(len(score), region.grade_min[-1][0])
    for g, lo in reversed(region.grade_min):
        grade = np.where(score >= lo, g, grade)
    return grade


def _assess_grades(city: City, rng: np.random.Generator) -> None:
    region = city.region
    level = 83 + 5.5 * city.quality + rng.normal(0, 2.5, city.n)  # a compound's service level persists
    initial = np.minimum(_grade_of(region, level - 0.5 + rng.normal(0, 1.3, city.n)), 2)
    ungraded = (rng.random(city.n) < 0.15) | (city.mode0 != PRO) | (city.appear > SNAPSHOTS_FROM)
    city.initial_grade = np.where(ungraded, UNGRADED, initial)
    ends = list(range(ym(2024, 6), city.horizon + 1, 6))
    assessed = np.full((len(ends), city.n), -1, dtype=np.int8)
    scores = np.zeros((len(ends), city.n))
    latest = np.full((len(ends), city.n), -1, dtype=np.int8)
    for p, end in enumerate(ends):
        due = (city.mode_at(end) == PRO) & (city.appear <= end - 2)
        s = np.clip(level + 0.5 * p + rng.normal(0, 1.3, city.n), 60, 98).round(1)
        scores[p] = s
        assessed[p] = np.where(due, _grade_of(region, s), -1)
        prev = latest[p - 1] if p else np.full(city.n, -1, dtype=np.int8)
        latest[p] = np.where(assessed[p] >= 0, assessed[p], prev)
    city.period_end, city.assessed, city.scores, city.latest_grade = ends, assessed, scores, latest


def _fees_above_grade(city: City, rng: np.random.Generator, through: int) -> None:
    """A few compounds keep charging above their grade's cap (质价不符), for the last few months."""
    grade = city.grade_at(through)
    cand = np.flatnonzero(grade < UNGRADED)
    k = min(len(cand), max(1, round(7 * city.scale)))
    city.over_since = np.full(city.n, NEVER)
    chosen = rng.choice(cand, k, replace=False)
    city.over_since[chosen] = through - rng.integers(0, 9, k)


def fee_at(city: City, m: int, mode: np.ndarray, grade: np.ndarray) -> np.ndarray:
    lo = np.select([grade == 0, grade == 1, grade == 2], [1.2, 0.8, 0.4], 0.6)
    hi = np.select([grade == 0, grade == 1, grade == 2], [1.6, 1.1, 0.7], 1.0)
    no_lift = ~city.elevator
    lo = np.where(no_lift & (grade < 2), 0.5, np.where(no_lift, 0.3, lo))
    hi = np.where(no_lift & (grade != 2), 0.8, hi)
    fee = lo + city.fee_u * (hi - lo)
    over = (m >= city.over_since) & (grade < UNGRADED)
    cap = city.region.grade_cap[np.minimum(grade, 2)]
    fee = np.where(over, cap + 0.05 + 0.3 * city.fee_u, fee)
    fee = np.where(mode == PRO, fee, np.where(mode == MODE["无物业"], 0.0, 0.3 * city.fee_u))
    return np.round(fee, 2)


def _committees(city: City, rng: np.random.Generator) -> None:
    """Owners' committees: some formed before 2024, the rest formed along the county's line;
    terms expire (到期未换届) and most are re-elected after a while; a very few dissolve."""
    n = city.n
    est0 = np.full(n, NEVER)
    for ci, county in enumerate(city.region.counties):
        c0, c1 = PROFILES[county.adcode].committees
        members = np.flatnonzero(city.county == ci)
        initial = members[city.appear[members] == SNAPSHOTS_FROM]
        n0 = round((c0 + 0.03) * len(initial))
        log_w = 0.6 * (city.mode0[initial] == PRO) + 0.03 * (city.built[initial] - 2005)
        early = initial[_gumbel_top(rng, log_w, n0)]
        est0[early] = rng.integers(ym(2019, 1), ym(2023, 12), len(early))
        rest = rng.permutation(np.setdiff1d(members, early))
        slope = (c1 - c0) / (ym(2026, 10) - SNAPSHOTS_FROM)
        months = np.arange(SNAPSHOTS_FROM, city.horizon + 1)
        target = np.minimum(c0 + slope * (months - SNAPSHOTS_FROM), 0.97) * len(initial) - n0
        pos = np.searchsorted(target, np.arange(1, len(rest) + 1), side="left")
        when = np.where(pos < len(months), SNAPSHOTS_FROM + np.minimum(pos, len(months) - 1), NEVER)
        est0[rest] = np.where(when < NEVER, np.maximum(when, city.appear[rest] + 6), NEVER)
    city.c_type = (rng.random(n) < np.where(city.old | (city.mode0 != PRO), 0.35, 0.12)).astype(np.int8)
    city.c_term = np.where(city.c_type == 0, 60, 36)
    city.c_prep = np.where(est0 < NEVER, est0 - rng.integers(2, 9, n), NEVER)
    terms = 4
    est = np.full((terms, n), NEVER)
    est[0] = est0
    for k in range(1, terms):
        lag = np.where(rng.random(n) < 0.45, 0, rng.integers(1, 11, n))
        lag = np.where(rng.random(n) < 0.1, NEVER, lag)
        est[k] = np.where(est[k - 1] < NEVER, np.minimum(est[k - 1] + city.c_term + lag, NEVER), NEVER)
    city.c_est = est
    city.c_day = rng.integers(2, 29, n)
    city.c_dissolve = np.where((rng.random(n) < 0.006) & (est0 < NEVER), est0 + rng.integers(12, 40, n), NEVER)
    city.c_members = np.where(city.c_type == 0, rng.choice([5, 7, 9], n, p=[0.4, 0.4, 0.2]),
                              rng.integers(5, 12, n))
    city.c_party = np.maximum(1, np.round(city.c_members * rng.uniform(0.15, 0.6, n))).astype(np.int64)
    city.c_filed = rng.random(n) < 0.85
    city.c_trainings = rng.poisson(2.0, (city.horizon // 12 - 2023 + 1, n))


def _complaint_propensity(city: City, rng: np.random.Generator) -> None:
    """Expected tickets per compound-month outside the heating season: heavy-tailed, scaled so
    each county carries its share of the city's volume in 2023."""
    sigma = 1.1
    raw = (city.households / 500) ** 0.7 * np.exp(rng.normal(0, sigma, city.n) - sigma**2 / 2)
    factor = _cover_factor(city, SNAPSHOTS_FROM) * _firm_factor(city, SNAPSHOTS_FROM)
    initial = city.appear == SNAPSHOTS_FROM
    city.propensity = raw.copy()
    for ci, county in enumerate(city.region.counties):
        sel = (city.county == ci)
        total = (raw * factor)[sel & initial].sum()
        city.propensity[sel] = raw[sel] * TICKETS_PER_MONTH * city.scale * \
            PROFILES[county.adcode].complaint_share / total


def _cover_factor(city: City, m: int) -> np.ndarray:
    pro = city.mode_at(m) == PRO
    fresh = m - city.pro_since(m) < 4  # handover months bring their own disputes
    return np.where(pro, np.where(fresh, 0.9, COVERED_FACTOR), 1.0)


def _firm_factor(city: City, m: int) -> np.ndarray:
    firm = city.firm_at(m)
    by_level = np.array([LEVEL_COMPLAINTS[v] for v in city.f_level])
    return np.where(firm >= 0, by_level[np.maximum(firm, 0)], 1.0)


def expected_tickets(city: City, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(ordinary, heating) expected tickets per compound in month m."""
    present = city.present(m) if m >= SNAPSHOTS_FROM else city.appear == SNAPSHOTS_FROM
    trend = 0.985 ** ((m - COMPLAINTS_FROM) / 12)
    base = city.propensity * _cover_factor(city, m) * _firm_factor(city, m) * trend * present
    heat = HEATING_EXTRA.get(m % 12 + 1, 0.0)
    heating = city.propensity * heat * np.where(city.old, 1.3, 0.85) * present
    return base, heating


def _gumbel_top(rng: np.random.Generator, log_weight: np.ndarray, k: int) -> np.ndarray:
    """Indices of a weighted sample of k without replacement."""
    key = log_weight + rng.gumbel(size=len(log_weight))
    return np.argsort(-key, kind="stable")[:k]
