"""The city's ledgers as frames (canonical column names, typed values): the monthly snapshots, the
firms, the grade assessments and the event ledgers (inspections, rectifications, utilities, mediations,
joint meetings)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from contract.ledgers import COMMITTEE_STATUSES, COMMITTEE_TYPES, MANAGEMENT_MODES, MEDIATION_OUTCOMES, UTILITIES
from pipelines.demo.city import City, fee_at
from pipelines.demo.region import (
    SNAPSHOTS_FROM,
    UTILITY_CENSUS,
    month_end,
    month_start,
    np_month_start,
    quarter_starts,
    ym,
)
from pipelines.demo.story import (
    DISPUTES,
    INSPECTION_ITEMS,
    LEVEL_FINDINGS,
    MODE,
    OPERATORS,
    PRO,
    PROFILES,
    RECTIFICATION_CATEGORIES,
    SKIPPED_INSPECTION,
    UNCLEAR_OPERATORS,
    mix64,
    person_names,
    words_at,
)


def _dates(m: np.ndarray, day: np.ndarray | int = 1) -> pl.Series:
    d = np_month_start(m) + np.asarray(day) - 1
    return pl.Series(d).cast(pl.Date)


def compounds_frame(city: City, ci: int, m: int) -> pl.DataFrame:
    region = city.region
    mode = city.mode_at(m)
    idx = np.flatnonzero((city.county == ci) & (mode >= 0))
    idx = idx[np.argsort(city.cid[idx], kind="stable")]
    mode = mode[idx]
    firm = city.firm_at(m)[idx]
    pro = mode == PRO
    grade = city.grade_at(m)[idx]
    fee = fee_at(city, m, city.mode_at(m), city.grade_at(m))[idx]
    age = m - city.appear[idx]
    occupancy = city.occupancy[idx] * np.where(city.appear[idx] > SNAPSHOTS_FROM,
                                               np.minimum(1, 0.45 + 0.55 * age / 24), 1)
    occupied = np.round(city.households[idx] * occupancy).astype(np.int64)
    anchor = np.where(m >= city.rejoin_m[idx], city.rejoin_m[idx], city.contract_anchor[idx])
    months = city.contract_months[idx]
    c_start = np.where(pro, anchor + np.maximum(0, (m - anchor) // months) * months, m)
    collection = np.clip(city.collection[idx] + 0.01 * (m - SNAPSHOTS_FROM) / 12, 0, 0.95)
    managers = person_names(mix64((idx.astype(np.uint64) * np.uint64(7919) + np.maximum(firm, 0).astype(np.uint64))
                             ^ np.uint64(city.seed)))
    no_fee = mode == MODE["无物业"]
    return pl.DataFrame({
        "as_of": pl.Series([month_end(m)] * len(idx), dtype=pl.Date),
        "compound_id": city.text("cid", idx),
        "compound_name": city.text("name", idx),
        "county": [PROFILES[region.counties[ci].adcode].style.label] * len(idx),
        "town": city.text("town_name", city.town[idx]),
        "community": city.text("community", idx),
        "address": city.text("address", idx),
        "lon": city.lon[idx], "lat": city.lat[idx],
        "built_year": city.built[idx].astype(np.int64),
        "floor_area_m2": city.area[idx],
        "buildings": city.buildings[idx],
        "has_elevator": city.elevator[idx],
        "households": city.households[idx],
        "occupied_households": occupied,
        "is_old_compound": city.old[idx],
        "management_mode": [MANAGEMENT_MODES[k] for k in mode],
        "firm_credit_code": city.text("f_code", firm, pro),
        "firm_name": city.text("f_name", firm, pro),
        "contract_start": _dates(c_start).set(pl.Series(~pro), None),
        "contract_end": (_dates(c_start + months) - timedelta(days=1)).set(pl.Series(~pro), None),
        "contract_filed": np.where(pro, m >= city.filed_m[idx], False),
        "project_manager": managers.set(pl.Series(~pro), None),
        "service_grade": [("一级", "二级", "三级", "未评定")[g] for g in grade],
        "fee_per_m2_month": pl.Series(fee).set(pl.Series(no_fee), None),
        "fee_collection_rate": pl.Series(np.round(collection, 2)).set(pl.Series(no_fee), None),
        "disclosure_posted": m >= city.disclose_m[idx] + np.where(pro, 0, 18),
        "takeover_inspected": pro & city.takeover[idx],
        "red_property": m >= city.red_m[idx],
        "beautiful_home": m >= city.beauty_m[idx],
    })


def committees_frame(city: City, ci: int, m: int) -> pl.DataFrame:
    status, term = city.committee_at(m)
    idx = np.flatnonzero((city.county == ci) & (status >= 0))
    idx = idx[np.argsort(city.cid[idx], kind="stable")]
    status, term = status[idx], term[idx]
    formed = term >= 0
    est = np.take_along_axis(city.c_est[:, idx], np.maximum(term, 0)[None, :], 0)[0]
    est = np.where(formed, est, SNAPSHOTS_FROM)
    est_date = _dates(est, city.c_day[idx])
    term_end = _dates(est + city.c_term[idx], city.c_day[idx]) - timedelta(days=1)
    year = m // 12 - 2023
    upto = (m % 12 + 1) / 12
    trainings = np.floor(city.c_trainings[year, idx] * upto + (idx % 7) / 7).astype(np.int64)
    trainings = np.minimum(trainings, city.c_trainings[year, idx])
    blank = pl.Series(~formed)
    return pl.DataFrame({
        "as_of": pl.Series([month_end(m)] * len(idx), dtype=pl.Date),
        "compound_id": city.text("cid", idx),
        "committee_type": [COMMITTEE_TYPES[t] for t in city.c_type[idx]],
        "status": [COMMITTEE_STATUSES[s] for s in status],
        "established_on": est_date.set(blank, None),
        "term_end": term_end.set(blank, None),
        "members": pl.Series(city.c_members[idx].astype(np.int64)).set(blank, None),
        "party_members": pl.Series(city.c_party[idx]).set(blank, None),
        "filed": formed & city.c_filed[idx],
        "trainings_this_year": np.where(formed, trainings, 0),
    })


def firms_frame(city: City, through: int) -> pl.DataFrame:
    keep = city.f_founded <= np.datetime64(month_end(through))
    return pl.DataFrame({
        "firm_credit_code": city.f_code[keep].tolist(),
        "firm_name": city.f_name[keep].tolist(),
        "registered_county": city.f_reg[keep].tolist(),
        "is_local": city.f_local[keep],
        "founded_on": pl.Series(city.f_founded[keep]).cast(pl.Date),
        "staff": city.f_staff[keep],
        "has_party_org": city.f_party[keep],
    })


def grades_frame(city: City, ci: int, p: int) -> pl.DataFrame:
    end = city.period_end[p]
    idx = np.flatnonzero((city.county == ci) & (city.assessed[p] >= 0))
    idx = idx[np.argsort(city.cid[idx], kind="stable")]
    previous = city.grade_at(end)[idx]
    firm = city.firm_at(end)[idx]
    rng = np.random.default_rng([city.seed, 11, int(end), ci])
    return pl.DataFrame({
        "compound_id": city.text("cid", idx),
        "period": [f"{end // 12}H{1 if end % 12 < 6 else 2}"] * len(idx),
        "firm_credit_code": city.text("f_code", firm),
        "score": city.scores[p, idx],
        "grade": [("一级", "二级", "三级", "不达标")[g] for g in city.assessed[p, idx]],
        "previous_grade": [("一级", "二级", "三级", "未评定")[g] for g in previous],
        "published": rng.random(len(idx)) < 0.92,
    })


# ---------------------------------------------------------------------------------------------
# Event ledgers: inspections, rectifications, utilities, mediations, joint meetings


def inspections_frame(city: City, rng: np.random.Generator, through: int) -> pl.DataFrame:
    """双随机、一公开: rounds per county per quarter, each a department inspecting on one day a
    random draw of firms, at one of each drawn firm's compounds."""
    parts = []
    for q0 in quarter_starts(through):
        days = (month_end(min(q0 + 2, through)) - month_start(q0)).days + 1
        firms = city.firm_at(q0)
        for ci, county in enumerate(city.region.counties):
            prof = PROFILES[county.adcode]
            pool = np.flatnonzero((city.county == ci) & (firms >= 0))
            if (county.adcode, q0) == SKIPPED_INSPECTION or not len(pool):
                continue
            pool = pool[np.argsort(firms[pool], kind="stable")]
            active = np.unique(firms[pool])
            for _ in range(int(rng.integers(prof.rounds[0], prof.rounds[1] + 1))):
                size = max(1, round(rng.integers(prof.round_size[0], prof.round_size[1] + 1) * city.scale))
                drawn = np.sort(rng.choice(active, min(size, len(active)), replace=False))
                lo = np.searchsorted(firms[pool], drawn, "left")
                hi = np.searchsorted(firms[pool], drawn, "right")
                picked = pool[lo + (rng.random(len(drawn)) * (hi - lo)).astype(int)]
                day = month_start(q0) + timedelta(days=int(rng.integers(0, days)))
                parts.append(_inspection_round(city, rng, picked, firms[picked], day, ci, q0 + 2 >= through))
    df = pl.concat(parts).sort("_ci", "inspected_on", "_compound")
    seq = df.select(pl.int_range(pl.len()).over("_ci", "quarter") + 1).to_series()
    adcode = words_at([c.adcode for c in city.region.counties], df["_ci"].to_numpy())
    return df.with_columns(inspection_id="SJ" + adcode + df["quarter"] + seq.cast(pl.String).str.zfill(3))


def _inspection_round(city: City, rng: np.random.Generator, compounds: np.ndarray, firms: np.ndarray,
                      day: date, ci: int, latest_quarter: bool) -> pl.DataFrame:
    k = len(compounds)
    county = city.region.counties[ci]
    level = city.f_level[firms]
    found = np.minimum(6, rng.poisson(np.array([LEVEL_FINDINGS[v] for v in level])))
    punish = (found >= 2) & (rng.random(k) < np.select([level == "D", level == "C"], [0.35, 0.08], 0.01))
    dept = ("住房和城乡建设局", "住房和城乡建设局", "市场监督管理局", "住房和城乡建设局、市场监督管理局")
    return pl.DataFrame({
        "quarter": [f"{day.year}Q{(day.month - 1) // 3 + 1}"] * k,
        "inspected_on": pl.Series([day] * k, dtype=pl.Date),
        "county": [PROFILES[county.adcode].style.other_label] * k,
        "department": [county.name + dept[int(rng.integers(len(dept)))]] * k,
        "firm_credit_code": city.text("f_code", firms),
        "compound_id": city.text("cid", compounds),
        "items": words_at(INSPECTION_ITEMS, rng.integers(0, len(INSPECTION_ITEMS), k)),
        "findings": found.astype(np.int64),
        "result": np.where(punish, "立案处罚", np.where(found > 0, "责令整改", "未发现问题")),
        "penalty_cny": pl.Series(rng.integers(4, 41, k) * 500.0).set(pl.Series(~punish), None),
        # the latest quarter is not yet fully uploaded
        "uploaded_supervision": rng.random(k) < (0.5 if latest_quarter else 0.9),
        "uploaded_credit": rng.random(k) < (0.35 if latest_quarter else 0.8),
        "_ci": np.full(k, ci), "_compound": compounds.astype(np.int64), "_firm": firms.astype(np.int64),
    })


def rectifications_frame(city: City, rng: np.random.Generator, inspections: pl.DataFrame,
                         through: int) -> pl.DataFrame:
    """Every problem found since 2024 and its state at `through`: from inspections (one item per
    finding), daily patrols, 12345 complaints, takeover inspections and the 2024 clean-up census."""
    parts = []
    found = inspections.filter(pl.col("findings") > 0)
    rep = np.repeat(np.arange(found.height), found["findings"].to_numpy())
    parts.append(pl.DataFrame({
        "source": ["双随机检查"] * len(rep), "_compound": found["_compound"].to_numpy()[rep],
        "found_on": found["inspected_on"].gather(rep)}))
    for m in range(SNAPSHOTS_FROM, through + 1):
        present = np.flatnonzero(city.present(m))
        for source, rate in (("日常巡查", 0.015), ("12345投诉", 0.01)):
            hit = present[rng.random(len(present)) < rate]
            parts.append(_items(source, hit, m, rng))
        switched = np.flatnonzero((city.switch_m == m) | (city.rejoin_m == m) |
                                  ((city.appear == m) & (m > SNAPSHOTS_FROM)))
        parts.append(_items("承接查验", switched[rng.random(len(switched)) < 0.45], m, rng))
        if ym(2024, 3) <= m <= ym(2024, 6):
            parts.append(_items("清底排查", present[rng.random(len(present)) < 0.06], m, rng))
    df = pl.concat(parts).sort("found_on", "_compound")
    n = df.height
    i = df["_compound"].to_numpy()
    found_m = (df["found_on"].dt.year() * 12 + df["found_on"].dt.month() - 1).to_numpy()
    firm_at_found = np.full(n, -1)
    for m in np.unique(found_m):
        sel = found_m == m
        firm_at_found[sel] = city.firm_at(int(m))[i[sel]]
    cats = list(RECTIFICATION_CATEGORIES)
    cat = rng.integers(0, len(cats), n)
    desc = [RECTIFICATION_CATEGORIES[cats[k]][int(rng.integers(len(RECTIFICATION_CATEGORIES[cats[k]])))]
            for k in cat]
    allowed = rng.integers(15, 61, n)
    found_on = df["found_on"].to_numpy().astype("datetime64[D]")
    deadline = found_on + allowed
    fail = np.array([PROFILES[city.region.counties[c].adcode].unrectified for c in city.county[i]])
    late = rng.random(n) < 0.15
    took = np.round(allowed * np.where(late, rng.uniform(1.05, 2.5, n), rng.uniform(0.2, 1.0, n)))
    closed = found_on + took.astype(np.int64)
    cutoff = np.datetime64(month_end(through))
    is_closed = (rng.random(n) >= fail) & (closed <= cutoff)
    status = np.where(is_closed, "已销号", np.where(rng.random(n) < 0.7, "整改中", "未整改"))
    return df.with_columns(
        issue_id=pl.Series([f"ZG{city.region.counties[c].adcode}{k + 1:05d}" for k, c in
                            enumerate(city.county[i])]),
        compound_id=pl.Series(city.cid[i].tolist()),
        firm_credit_code=pl.Series(np.where(firm_at_found >= 0, city.f_code[np.maximum(firm_at_found, 0)],
                                            None).tolist(), dtype=pl.String),
        category=pl.Series([cats[k] for k in cat]), description=pl.Series(desc),
        deadline=pl.Series(deadline).cast(pl.Date), status=pl.Series(status),
        closed_on=pl.Series(np.where(is_closed, closed, np.datetime64("NaT"))).cast(pl.Date),
        _ci=pl.Series(city.county[i]), _firm=pl.Series(firm_at_found))


def _items(source: str, compounds: np.ndarray, m: int, rng: np.random.Generator) -> pl.DataFrame:
    days = (month_end(m) - month_start(m)).days + 1
    found = np_month_start(m) + rng.integers(0, days, len(compounds))
    return pl.DataFrame({"source": [source] * len(compounds), "_compound": compounds.astype(np.int64),
                         "found_on": pl.Series(found).cast(pl.Date)})


def utilities_frame(city: City, ci: int, m: int) -> pl.DataFrame:
    """水电气暖 census: per compound and utility, shares rising from the 2025-06 census."""
    idx = np.flatnonzero((city.county == ci) & city.present(m))
    idx = idx[np.argsort(city.cid[idx], kind="stable")]
    progress = 0.2 * np.clip((m - UTILITY_CENSUS) / 16, 0, 1.3)
    rows = []
    county = city.region.counties[ci]
    short = county.name.replace("藏族自治县", "县")
    for k, utility in enumerate(UTILITIES):
        h = mix64((idx.astype(np.uint64) * np.uint64(4) + np.uint64(k)) ^ np.uint64(city.seed))
        u = [((h >> np.uint64(s)) % np.uint64(1000)).astype(np.float64) / 1000 for s in (0, 16, 32)]
        clarified = u[0] < min(0.97, (0.6, 0.75, 0.7, 0.45)[k] + progress)
        billed = u[1] < min(0.98, (0.7, 0.9, 0.85, 0.45)[k] + progress)
        serviced = u[2] < min(0.98, (0.65, 0.85, 0.8, 0.4)[k] + progress)
        unclear = np.array(UNCLEAR_OPERATORS, dtype=object)[(h >> np.uint64(48)) % np.uint64(4)]
        rows.append(pl.DataFrame({
            "as_of": pl.Series([month_end(m)] * len(idx), dtype=pl.Date),
            "compound_id": city.cid[idx].tolist(), "utility": [utility] * len(idx),
            "ownership_clarified": clarified, "billed_to_household": billed,
            "serviced_to_household": serviced,
            "operator": np.where(clarified, short + OPERATORS[utility], unclear).tolist(),
            "_order": np.arange(len(idx)) * 4 + k}))
    return pl.concat(rows).sort("_order").drop("_order")


def mediations_frame(city: City, rng: np.random.Generator, ci: int, q0: int, through: int) -> pl.DataFrame:
    county = city.region.counties[ci]
    n = _scaled(rng, PROFILES[county.adcode].mediations, city.scale, 1)
    pool = np.flatnonzero((city.county == ci) & city.present(q0))
    days = (month_end(min(q0 + 2, through)) - month_start(q0)).days + 1
    opened = np.sort(np_month_start(q0) + rng.integers(0, days, n))
    return pl.DataFrame({
        "case_id": [f"TJ{county.adcode}{q0 // 12}Q{q0 % 12 // 3 + 1}{k + 1:03d}" for k in range(n)],
        "opened_on": pl.Series(opened).cast(pl.Date),
        "compound_id": city.cid[rng.choice(pool, n)].tolist(),
        "dispute_type": [DISPUTES[k] for k in rng.integers(0, len(DISPUTES), n)],
        "outcome": [MEDIATION_OUTCOMES[k] for k in rng.choice(3, n, p=[0.8, 0.12, 0.08])],
    })


def meetings_frame(city: City, rng: np.random.Generator, ci: int, q0: int, through: int) -> pl.DataFrame:
    county = city.region.counties[ci]
    n = _scaled(rng, PROFILES[county.adcode].meetings, city.scale, 2)
    present = city.present(q0) & (city.county == ci)
    towns = np.unique(city.town[present])
    weights = np.bincount(city.town[present], minlength=towns.max() + 1)[towns].astype(float)
    days = (month_end(min(q0 + 2, through)) - month_start(q0)).days + 1
    held = np.sort(np_month_start(q0) + rng.integers(0, days, n))
    town = rng.choice(towns, n, p=weights / weights.sum())
    compounds = []
    for t in town:
        pool = np.flatnonzero(present & (city.town == t))
        picked = rng.choice(pool, min(len(pool), int(rng.integers(1, 5))), replace=False)
        compounds.append("、".join(city.cid[np.sort(picked)]))
    raised = rng.integers(1, 9, n)
    return pl.DataFrame({
        "meeting_id": [f"LX{county.adcode}{q0 // 12}Q{q0 % 12 // 3 + 1}{k + 1:03d}" for k in range(n)],
        "held_on": pl.Series(held).cast(pl.Date),
        "county": [county.short] * n,
        "town": city.region.town_name[town].tolist(),
        "compound_ids": compounds,
        "issues_raised": raised.astype(np.int64),
        "issues_resolved": rng.binomial(raised, 0.75).astype(np.int64),
    })


def _scaled(rng: np.random.Generator, mean: float, scale: float, minimum: int = 0) -> int:
    return max(minimum, int(rng.poisson(mean * scale)))
