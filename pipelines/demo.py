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
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import shapely
import xlsxwriter
from shapely.geometry import shape
from stdnum.cn import uscc

from contract import location
from contract.ledgers import (
    APPEAL_TYPES,
    CATEGORIES,
    CHANNELS,
    COMMITTEE_STATUSES,
    COMMITTEE_TYPES,
    LEDGERS,
    MANAGEMENT_MODES,
    MEDIATION_OUTCOMES,
    RESOLVED_LEVELS,
    SATISFACTION,
    UTILITIES,
    Ledger,
)
from contract.location import BOUNDARIES, REFERENCE

Progress = Callable[[str], None]

# ---------------------------------------------------------------------------------------------
# Calendar: a month is the integer year * 12 + month - 1.


def _m(year: int, month: int) -> int:
    return year * 12 + month - 1


def _month_start(m: int) -> date:
    return date(m // 12, m % 12 + 1, 1)


def _month_end(m: int) -> date:
    return _month_start(m + 1) - timedelta(days=1)


def _label(m: int) -> str:
    return f"{m // 12}-{m % 12 + 1:02d}"


def _np_month_start(m: np.ndarray | int) -> np.ndarray:
    return (np.asarray(m) - _m(1970, 1)).astype("datetime64[M]").astype("datetime64[D]")


def _quarter(m: int) -> tuple[int, int]:
    return m // 12, m % 12 // 3 + 1


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


COMPLAINTS_FROM = _m(2023, 1)  # calendar 2023 is the complaint-rate baseline year
SNAPSHOTS_FROM = _m(2024, 1)
UTILITY_CENSUS = _m(2025, 6)
NEVER = 10**6
HORIZON = _m(2028, 12)

# ---------------------------------------------------------------------------------------------
# Calibration (DOMAIN.md section 6). One row per county: the knobs of the story.


@dataclass(frozen=True)
class Style:
    """How a county's clerk fills in a spreadsheet: all legitimate forms the readers accept."""

    label: str  # the county's own name in its county column
    other_label: str  # the name it writes in its other ledgers
    dates: str  # excel (real date cells) | iso | slash (2024/3/5) | cn (2024年3月5日)
    bools: str  # yesno (是/否) | tick (√ or empty)
    rate: str  # number (0.85) | percent ("85%")
    as_of_from: int | None  # first month whose compounds snapshot carries the as_of column
    aliases: dict[str, str] = field(default_factory=dict)  # canonical name -> header written


@dataclass(frozen=True)
class Profile:
    share: float  # of compounds
    complaint_share: float
    coverage: tuple[tuple[int, float], ...]  # (month, share of 2024-01 compounds professional)
    committees: tuple[float, float]  # formation line through 2024-01 and 2026-10 (before expiries, new builds)
    ids: tuple[str, str]  # (scheme, prefix)
    rounds: tuple[int, int]  # inspection rounds per quarter
    round_size: tuple[int, int]  # inspections per round at scale 1
    unrectified: float  # share of rectification items left open
    mediations: float  # per quarter at scale 1
    meetings: float
    style: Style


PROFILES: dict[str, Profile] = {
    "620602": Profile(
        0.70, 0.80,
        ((_m(2024, 1), 0.50), (_m(2024, 12), 0.63), (_m(2025, 12), 0.79), (_m(2026, 10), 0.875),
         (_m(2027, 12), 1.0)),
        (0.42, 0.92), ("adcode", ""), (2, 3), (4, 8), 0.025, 8, 12,
        Style("凉州区", "武威市凉州区", "excel", "yesno", "number", SNAPSHOTS_FROM)),
    "620621": Profile(
        0.10, 0.065,
        ((_m(2024, 1), 0.35), (_m(2024, 12), 0.68), (_m(2025, 12), 0.90), (_m(2026, 9), 1.0)),
        (0.45, 0.95), ("letters", "MQ"), (1, 2), (2, 4), 0.03, 3, 4,
        Style("民勤", "民勤县", "slash", "tick", "number", None)),
    "620622": Profile(
        0.10, 0.07,
        ((_m(2024, 1), 0.25), (_m(2024, 12), 0.40), (_m(2025, 12), 0.53), (_m(2026, 10), 0.63),
         (_m(2027, 12), 0.85), (_m(2028, 12), 1.0)),
        (0.24, 0.72), ("zero", "01"), (1, 2), (2, 4), 0.22, 3, 4,
        Style("古浪县", "古浪", "cn", "yesno", "percent", None)),
    "620623": Profile(
        0.10, 0.065,
        ((_m(2024, 1), 0.30), (_m(2024, 12), 0.52), (_m(2025, 12), 0.70), (_m(2026, 10), 0.79),
         (_m(2027, 12), 0.95), (_m(2028, 6), 1.0)),
        (0.32, 0.82), ("letters", "TZ"), (1, 2), (2, 4), 0.08, 2, 4,
        Style("天祝县", "天祝藏族自治县", "iso", "yesno", "number", _m(2025, 1), {
            "county": "县（区）", "town": "街道（乡镇）", "management_mode": "管理模式",
            "households": "户数", "fee_per_m2_month": "收费标准（元/㎡·月）",
            "firm_name": "物业服务企业", "built_year": "建成年代", "floor_area_m2": "建筑面积（㎡）"})),
}
# A visible gap: this county held no inspection round that quarter.
SKIPPED_INSPECTION = ("620623", _m(2025, 1))
COMPOUNDS_AT_SCALE_1 = 500
FIRMS_AT_SCALE_1 = 100
TICKETS_PER_MONTH = 640  # city-wide, outside the heating season, 2023, scale 1
HEATING_EXTRA = {11: 0.10, 12: 0.21, 1: 0.21, 2: 0.14, 3: 0.07}  # extra 供暖 tickets, share of base
COVERED_FACTOR = 0.55  # complaints of a professionally managed compound relative to one without
WEIGHT_TAIL, WEIGHT_CAP = 1.1, 20.0  # firm size weights: Pareto tail, capped so no firm runs half a county
LEVEL_SHARES = {"A": 0.07, "C": 0.10, "D": 0.04}  # credit levels the firms are steered to; rest B
LEVEL_SCORES = {"A": (91, 97), "B": (82, 88), "C": (72, 78), "D": (52, 66)}
LEVEL_QUALITY = {"A": 1.2, "B": 0.0, "C": -0.8, "D": -1.6}
LEVEL_COMPLAINTS = {"A": 0.85, "B": 1.0, "C": 1.15, "D": 1.35}
LEVEL_FINDINGS = {"A": 0.25, "B": 0.7, "C": 1.3, "D": 2.0}
OUTSIDE_REGISTRATIONS = (("620102", "兰州市城关区", "兰州"), ("620103", "兰州市七里河区", "兰州"),
                         ("620302", "金昌市金川区", "金昌"), ("620702", "张掖市甘州区", "张掖"),
                         ("620402", "白银市白银区", "白银"), ("610113", "西安市雁塔区", "陕西"),
                         ("640104", "银川市兴庆区", "宁夏"))

# ---------------------------------------------------------------------------------------------
# Words the names are made of (invented; no real company is meant).

_WORDS = json.loads((Path(__file__).parent / "demo_data" / "words.json").read_text(encoding="utf-8"))
SURNAMES: list[str] = _WORDS["surnames"]
GIVEN: list[str] = _WORDS["given"]
PHONE_PREFIXES: list[str] = _WORDS["phone_prefixes"]  # mobile prefixes 13x, 15x, 18x
COMPOUND_WORDS: list[str] = _WORDS["compound_words"]
COMPOUND_SUFFIXES: list[str] = _WORDS["compound_suffixes"]
PHASES = ["", "二期", "三期", "东区", "西区", "南区", "北区", "A区", "B区", "C区"]
COMMUNITY_WORDS: list[str] = _WORDS["community_words"]
ROADS: dict[str, list[str]] = {"620602": _WORDS["roads_liangzhou"], "": _WORDS["roads_other"]}
UNKNOWN_PLACES: list[str] = _WORDS["unknown_places"]  # places callers name that no ledger lists
FIRM_WORDS: list[str] = _WORDS["firm_words"]
FIRM_PATTERNS_LOCAL = ("武威市{}物业服务有限公司", "{c}{}物业服务有限责任公司", "{c}{}物业管理有限公司",
                       "甘肃{}物业管理有限公司", "武威{}物业管理有限责任公司")
FIRM_PATTERNS_OUTSIDE = ("{r}{}物业服务有限公司", "{r}{}物业管理有限公司", "甘肃{}物业服务有限公司")
CATEGORY_WEIGHTS = {
    "服务质量": 18, "收费": 12, "设施维修": 14, "电梯": 6, "供暖": 1, "供水": 6, "供电": 4, "供气": 3,
    "停车": 8, "噪音与相邻关系": 7, "违建与群租": 4, "消防通道": 4, "业委会": 3, "公共收益与维修资金": 4,
    "物业交接与退出": 2, "装修": 2, "其他": 2}
CONTENT = {
    "服务质量": ("小区卫生长期无人打扫，垃圾堆积", "物业人员服务态度差，报修无人理睬", "楼道灯坏了很久没人修",
             "小区绿化无人管理，杂草丛生"),
    "收费": ("物业费上涨未经业主同意", "物业公司未公示收费标准就收取费用", "停车费收费不合理",
           "不交物业费就不给办门禁卡"),
    "设施维修": ("单元门损坏很久未修", "楼顶漏水，物业推诿不处理", "下水道堵塞反映多次无人处理", "小区道路破损严重"),
    "电梯": ("电梯经常停运，老人上下楼困难", "电梯运行有异响，担心安全", "电梯困人，物业半小时才到场"),
    "供暖": ("暖气不热，室温只有十四五度", "供暖管道漏水，家里被淹", "楼上楼下都热，只有我家暖气不热",
           "供暖开始后暖气一直不通"),
    "供水": ("小区停水未提前通知", "自来水水压低，高层用不上水", "二次供水水箱长期未清洗"),
    "供电": ("小区公共区域经常停电", "电表箱损坏存在安全隐患"),
    "供气": ("燃气管道有异味，担心泄漏", "燃气表出现故障，燃气公司和物业互相推诿"),
    "停车": ("小区车位被外来车辆占用", "地下车库积水无人处理", "小区停车乱，出行困难"),
    "噪音与相邻关系": ("楼上住户夜间噪音扰民", "小区广场舞音响声音过大", "邻居在楼道堆放杂物"),
    "违建与群租": ("楼顶有人私搭乱建", "一楼住户私自扩建院子", "小区内有群租房，人员复杂"),
    "消防通道": ("消防通道堆满杂物", "楼道内电动车充电存在火灾隐患", "消防通道被车辆长期占用，物业不管"),
    "业委会": ("业委会成立过程不公开", "业委会到期迟迟不换届", "业委会账目不公开"),
    "公共收益与维修资金": ("小区公共收益去向不明", "维修资金使用未征求业主意见", "电梯广告收入未公示"),
    "物业交接与退出": ("原物业撤离后小区无人管理", "新旧物业交接不清，资料未移交", "物业公司突然撤场，垃圾无人清运"),
    "装修": ("邻居装修拆改承重墙", "装修垃圾乱堆乱放"),
    "其他": ("咨询小区成立业委会的流程", "咨询物业费收费标准", "小区流浪狗伤人"),
}
PRAISE = ("感谢物业及时维修，表扬物业工作人员", "物业服务热情周到，特此表扬")
ENDINGS = ("，请尽快处理。", "，希望相关部门督促解决。", "，要求物业给予答复。", "。")
INSPECTION_ITEMS = ("合同履行、收费公示", "消防设施、安全管理", "设施设备维护、环境卫生", "服务质量、投诉处理",
                    "电梯安全、二次供水", "秩序维护、绿化养护", "承接查验、档案管理")
RECTIFICATION_CATEGORIES = {
    "消防安全": ("消防通道堵塞", "灭火器过期未更换", "消防栓无水"),
    "设施设备": ("单元门禁损坏", "电梯年检标志未张贴", "二次供水设施未按期清洗"),
    "环境卫生": ("垃圾清运不及时", "楼道杂物堆放"),
    "收费公示": ("收费标准未公示", "公共收益未公示"),
    "安全管理": ("监控设施损坏", "高空坠物隐患未处置"),
    "档案管理": ("承接查验资料不全", "服务合同未备案"),
}
DISPUTES = ("物业费纠纷", "漏水纠纷", "停车纠纷", "装修纠纷", "公共收益纠纷", "噪音纠纷", "服务质量纠纷")
OPERATORS = {"供水": "供水公司", "供电": "供电公司", "供气": "燃气公司", "供热": "热力公司"}
UNCLEAR_OPERATORS = ("开发建设单位", "物业代管", "小区自管", "原产权单位")
CREDIT_NOTES = {
    ("合同履行", 1): "合同履约情况良好", ("合同履行", -1): "未按合同约定提供服务",
    ("投诉处理", 1): "投诉处理及时、业主满意", ("投诉处理", -1): "投诉处理不及时",
    ("日常检查", 1): "日常检查表现良好", ("日常检查", -1): "日常检查发现管理不到位",
    ("街道意见", 1): "街道评价良好", ("街道意见", -1): "街道反映服务不到位",
    ("行政处罚", -1): "违反物业管理条例被行政处罚", ("表彰", 1): "获评物业服务示范项目",
}
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
MODE = {name: i for i, name in enumerate(MANAGEMENT_MODES)}
PRO = MODE["专业物业"]
UNGRADED = 3  # index of 未评定 in SERVICE_GRADES
SUM_COLUMNS = {"floor_area_m2", "buildings", "households", "occupied_households", "members",
               "party_members", "findings", "penalty_cny", "issues_raised", "issues_resolved"}


# ---------------------------------------------------------------------------------------------
# Region pack


@dataclass(frozen=True)
class County:
    adcode: str
    name: str
    short: str
    seat: str


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


def load_region(reference: Path = REFERENCE) -> Region:
    with open(reference / "counties.csv", encoding="utf-8") as f:
        counties = [County(r["adcode"], r["name_zh"], r["variants"].split("|")[0], r["seat_town"])
                    for r in csv.DictReader(f) if r["level"] == "county"]
    with open(reference / "towns.csv", encoding="utf-8") as f:
        towns = list(csv.DictReader(f))
    index = {c.adcode: i for i, c in enumerate(counties)}
    towns = [t for t in towns if t["county_code"] in index]
    geo = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    shapes = {ft["properties"]["adcode"]: shape(ft["geometry"]) for ft in geo["features"]}
    polygons = [shapes[c.adcode] for c in counties]
    for p in polygons:
        shapely.prepare(p)
    with open(reference / "grade_rules.csv", encoding="utf-8") as f:
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


# ---------------------------------------------------------------------------------------------
# Small vectorised helpers


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64: a stable hash so a caller's name and phone follow from who they are."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _pick(words, idx: np.ndarray) -> pl.Series:
    return pl.Series(list(words), dtype=pl.String).gather(np.asarray(idx, dtype=np.int64) % len(words))


def _names(h: np.ndarray) -> pl.Series:
    """Plausible fake Chinese names from hashes (some as 张女士 / 李先生, as hotlines record them)."""
    h = np.asarray(h, dtype=np.uint64)
    sur = _pick(SURNAMES, (h % np.uint64(len(SURNAMES))).astype(np.int64))
    g1 = _pick(GIVEN, ((h >> np.uint64(12)) % np.uint64(len(GIVEN))).astype(np.int64))
    g2 = _pick(GIVEN, ((h >> np.uint64(24)) % np.uint64(len(GIVEN))).astype(np.int64))
    form = ((h >> np.uint64(36)) % np.uint64(100)).astype(np.int64)
    df = pl.DataFrame({"s": sur, "a": g1, "b": g2, "f": form})
    return df.select(
        pl.when(pl.col("f") < 15).then(pl.col("s") + "女士")
        .when(pl.col("f") < 28).then(pl.col("s") + "先生")
        .when(pl.col("f") < 55).then(pl.col("s") + pl.col("a"))
        .otherwise(pl.col("s") + pl.col("a") + pl.col("b"))).to_series()


def _phones(h: np.ndarray) -> pl.Series:
    h = np.asarray(h, dtype=np.uint64)
    prefix = _pick(PHONE_PREFIXES, ((h >> np.uint64(7)) % np.uint64(len(PHONE_PREFIXES))).astype(np.int64))
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
    check = _pick("10X98765432", (digits.astype(np.int64) @ ID_WEIGHTS) % 11)
    return body + check


def _gumbel_top(rng: np.random.Generator, log_weight: np.ndarray, k: int) -> np.ndarray:
    """Indices of a weighted sample of k without replacement."""
    key = log_weight + rng.gumbel(size=len(log_weight))
    return np.argsort(-key, kind="stable")[:k]


def _scaled(rng: np.random.Generator, mean: float, scale: float, minimum: int = 0) -> int:
    return max(minimum, int(rng.poisson(mean * scale)))


# ---------------------------------------------------------------------------------------------
# The simulated city


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

    def committee_at(self, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(status index or -1 when no record, current term index, expired flag) per compound."""
        terms = self.c_est.shape[0]
        term = np.full(self.n, -1)
        for k in range(terms):
            term = np.where(self.c_est[k] <= m, k, term)
        est = np.take_along_axis(self.c_est, np.maximum(term, 0)[None, :], 0)[0]
        expired = (term >= 0) & (m >= est + self.c_term)
        status = np.where(term >= 0, np.where(expired, 2, 1), np.where(m >= self.c_prep, 0, -1))
        status = np.where((status >= 1) & (m >= self.c_dissolve), 3, status)
        status = np.where(self.present(m), status, -1)
        return status, term, expired


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
        exit_m[gone] = rng.integers(_m(2024, 6), _m(2025, 12), k)
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
    founded_m = np.maximum(_m(1997, 1), first - rng.integers(3, 150, n))
    city.f_founded = _np_month_start(founded_m) + rng.integers(0, 28, n)
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
    earlier = rng.integers(_m(2018, 1), _m(2023, 12), city.n)
    city.contract_anchor = np.where(city.mode0 == PRO, np.where(city.appear > SNAPSHOTS_FROM, city.appear,
                                                                earlier), city.switch_m)
    city.contract_months = rng.choice([24, 36, 60], city.n, p=[0.2, 0.6, 0.2])


def _service_details(city: City, rng: np.random.Generator) -> None:
    n = city.n
    city.filed_m = rng.integers(_m(2021, 6), _m(2027, 6), n)
    city.disclose_m = rng.integers(_m(2022, 6), _m(2027, 6), n)
    city.takeover = rng.random(n) < np.where(city.mode0 == PRO, 0.6, 0.85)
    city.red_m = np.where(rng.random(n) < 0.15, rng.integers(_m(2022, 1), _m(2027, 12), n), NEVER)
    city.beauty_m = np.where(rng.random(n) < 0.09, rng.integers(_m(2024, 1), _m(2027, 12), n), NEVER)
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
    ends = list(range(_m(2024, 6), city.horizon + 1, 6))
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
        est0[early] = rng.integers(_m(2019, 1), _m(2023, 12), len(early))
        rest = rng.permutation(np.setdiff1d(members, early))
        slope = (c1 - c0) / (_m(2026, 10) - SNAPSHOTS_FROM)
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


# ---------------------------------------------------------------------------------------------
# Ledger frames (canonical column names, typed values)


def _dates(m: np.ndarray, day: np.ndarray | int = 1) -> pl.Series:
    d = _np_month_start(m) + np.asarray(day) - 1
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
    managers = _names(_mix64((idx.astype(np.uint64) * np.uint64(7919) + np.maximum(firm, 0).astype(np.uint64))
                             ^ np.uint64(city.seed)))
    no_fee = mode == MODE["无物业"]
    return pl.DataFrame({
        "as_of": pl.Series([_month_end(m)] * len(idx), dtype=pl.Date),
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
    status, term, _ = city.committee_at(m)
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
        "as_of": pl.Series([_month_end(m)] * len(idx), dtype=pl.Date),
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
    keep = city.f_founded <= np.datetime64(_month_end(through))
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


def _quarters(through: int) -> list[int]:
    """First month of every quarter from 2024Q1 to the quarter containing `through`."""
    return list(range(SNAPSHOTS_FROM, through + 1, 3))


def inspections_frame(city: City, rng: np.random.Generator, through: int) -> pl.DataFrame:
    """双随机、一公开: rounds per county per quarter, each a department inspecting on one day a
    random draw of firms, at one of each drawn firm's compounds."""
    parts = []
    for q0 in _quarters(through):
        days = (_month_end(min(q0 + 2, through)) - _month_start(q0)).days + 1
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
                day = _month_start(q0) + timedelta(days=int(rng.integers(0, days)))
                parts.append(_inspection_round(city, rng, picked, firms[picked], day, ci, q0 + 2 >= through))
    df = pl.concat(parts).sort("_ci", "inspected_on", "_compound")
    seq = df.select(pl.int_range(pl.len()).over("_ci", "quarter") + 1).to_series()
    adcode = _pick([c.adcode for c in city.region.counties], df["_ci"].to_numpy())
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
        "items": _pick(INSPECTION_ITEMS, rng.integers(0, len(INSPECTION_ITEMS), k)),
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
        if _m(2024, 3) <= m <= _m(2024, 6):
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
    cutoff = np.datetime64(_month_end(through))
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
    days = (_month_end(m) - _month_start(m)).days + 1
    found = _np_month_start(m) + rng.integers(0, days, len(compounds))
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
        h = _mix64((idx.astype(np.uint64) * np.uint64(4) + np.uint64(k)) ^ np.uint64(city.seed))
        u = [((h >> np.uint64(s)) % np.uint64(1000)).astype(np.float64) / 1000 for s in (0, 16, 32)]
        clarified = u[0] < min(0.97, (0.6, 0.75, 0.7, 0.45)[k] + progress)
        billed = u[1] < min(0.98, (0.7, 0.9, 0.85, 0.45)[k] + progress)
        serviced = u[2] < min(0.98, (0.65, 0.85, 0.8, 0.4)[k] + progress)
        unclear = np.array(UNCLEAR_OPERATORS, dtype=object)[(h >> np.uint64(48)) % np.uint64(4)]
        rows.append(pl.DataFrame({
            "as_of": pl.Series([_month_end(m)] * len(idx), dtype=pl.Date),
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
    days = (_month_end(min(q0 + 2, through)) - _month_start(q0)).days + 1
    opened = np.sort(_np_month_start(q0) + rng.integers(0, days, n))
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
    days = (_month_end(min(q0 + 2, through)) - _month_start(q0)).days + 1
    held = np.sort(_np_month_start(q0) + rng.integers(0, days, n))
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


# ---------------------------------------------------------------------------------------------
# Complaints (12345 work orders), one month at a time


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
    if book.actual is not None and m // 12 in book.years:
        counted = complaint & t["closed_ok"] & (firm >= 0)
        points = substantiated.astype(int) + 2 * t["late"].astype(int)
        np.add.at(book.actual[:, book.years.index(m // 12)], firm[counted], points[counted])

    not_closed = pl.Series(~t["closed_ok"])
    t["show_id"] = t["known"] & (rng.random(n) >= 0.2)
    name, address = _caller_place(city, rng, t)
    return pl.DataFrame({
        "ticket_id": f"GD{m // 12}{m % 12 + 1:02d}" + pl.Series(np.arange(1, n + 1)).cast(pl.String).str.zfill(6),
        "received_at": _timestamps(t["received"]),
        "channel": _pick(CHANNELS, rng.choice(5, n, p=[0.78, 0.03, 0.12, 0.05, 0.02])),
        "appeal_type": _pick(APPEAL_TYPES, appeal),
        "category": _pick(CATEGORIES, category),
        "compound_id": city.text("cid", t["comp"], t["show_id"]),
        "compound_name": name,
        "address": address,
        "county": _pick([c.name.replace("藏族自治县", "县") for c in city.region.counties], t["county"]),
        "town": city.text("town_name", t["town"]),
        "firm_credit_code": city.text("f_code", firm, firm >= 0),
        "handling_unit": _handling_units(city, level, t),
        "resolved_level": _pick(RESOLVED_LEVELS, level).set(not_closed, None),
        "due_at": _timestamps(t["due"]),
        "closed_at": _timestamps(t["closed"]).set(not_closed, None),
        "status": pl.Series(t["status"], dtype=pl.String),
        "substantiated": _pick(("否", "是"), substantiated).set(pl.Series(~(complaint & t["closed_ok"])), None),
        "satisfaction": _pick(SATISFACTION, np.where(visited, sat, 3)).set(not_closed, None),
        "is_repeat": _pick(("否", "是"), repeat),
        "complainant_name": _names(caller),
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
    days = (_month_end(m) - _month_start(m)).days + 1
    received = (_np_month_start(m) + rng.integers(0, days, n)).astype("datetime64[s]") + \
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
    cutoff = np.datetime64(_month_end(through)).astype("datetime64[s]") + np.timedelta64(86399, "s")
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
    return _mix64(key.astype(np.uint64) ^ np.uint64(seed)), _repeat_calls(seen, comp, slot, frequent)


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
        "town": city.text("town_short", t["town"]), "county": _pick(counties, t["county"]),
        "unknown": _pick(UNKNOWN_PLACES, rng.integers(0, len(UNKNOWN_PLACES), n)),
        "style": rng.choice(4, n, p=[0.4, 0.25, 0.2, 0.15]), "known": known, "show": show,
        "address": city.text("address", comp),
        "building": pl.Series(rng.integers(1, np.maximum(city.buildings[comp], 1) + 1)).cast(pl.String),
        "road": _pick(ROADS[""], rng.integers(0, len(ROADS[""]), n)),
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
        "bureau": _pick(bureaus, t["county"]),
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
    ending = _pick(ENDINGS, rng.integers(0, len(ENDINGS), n))
    pii = rng.random(n)
    phone = np.flatnonzero(pii < 0.035)
    ident = np.flatnonzero((pii >= 0.035) & (pii < 0.05))
    phones = _phones(_mix64(rng.integers(0, 2**62, len(phone)).astype(np.uint64)))
    ids = _id_numbers(rng, np.array([c.adcode for c in region.counties])[county[ident]])
    ending = ending.scatter(phone, "，请尽快处理，联系电话" + phones + "。")
    ending = ending.scatter(ident, "，本人身份证号" + ids + "，请核实处理。")
    return name + where + _pick(CONTENT_TEXTS, text) + ending


# ---------------------------------------------------------------------------------------------
# Credit: steering the default model towards most B, a few A and D


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
    overdue = rectifications.filter((pl.col("status") != "已销号") & (pl.col("deadline") < _month_end(through))
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
    last = min(_month_end(_m(year, 12)), _month_end(through))
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
    rows = sorted((e for e in events if _m(e["occurred_on"].year, e["occurred_on"].month) == m),
                  key=lambda e: (e["occurred_on"], e["firm_credit_code"], e["kind"], e["points"]))
    df = pl.DataFrame(rows, schema={"firm_credit_code": pl.String, "occurred_on": pl.Date, "kind": pl.String,
                                    "points": pl.Float64, "source_unit": pl.String, "note": pl.String,
                                    "_firm": pl.Int64})
    ids = [f"XY{m // 12}{m % 12 + 1:02d}{k + 1:04d}" for k in range(df.height)]
    return df.with_columns(event_id=pl.Series(ids, dtype=pl.String))


# ---------------------------------------------------------------------------------------------
# Rendering: a county's habits, then the file


def render(df: pl.DataFrame, ledger: Ledger, style: Style | None, *, excel_dates: bool) -> pl.DataFrame:
    """Canonical frame -> the frame as written: headers in Chinese (or the county's aliases),
    dates, booleans and rates the way that county writes them."""
    style = style or Style("", "", "iso", "yesno", "number", None)
    exprs = []
    for name in df.columns:
        if name.startswith("_"):
            continue
        col = ledger.column(name)
        e = pl.col(name)
        dtype = df.schema[name]
        if dtype == pl.String:
            pass
        elif col.kind == "bool" and name == "is_local":
            e = pl.when(e).then(pl.lit("本地")).otherwise(pl.lit("外地"))
        elif col.kind == "bool" and style.bools == "tick":
            e = pl.when(e).then(pl.lit("√")).otherwise(pl.lit(None, pl.String))
        elif col.kind == "bool":
            e = pl.when(e).then(pl.lit("是")).when(e.not_()).then(pl.lit("否"))
        elif dtype == pl.Date and not (style.dates == "excel" and excel_dates):
            fmt = {"slash": "%Y/%-m/%-d", "cn": "%Y年%-m月%-d日"}.get(style.dates, "%Y-%m-%d")
            e = e.dt.strftime(fmt)
        elif col.kind == "rate" and style.rate == "percent":
            e = (e * 100).round(0).cast(pl.Int64).cast(pl.String) + pl.lit("%")
        alias = style.aliases.get(name)
        exprs.append(e.alias(alias if alias in col.headers else col.zh))
    return df.select(exprs)


def write_xlsx(path: Path, title: str, unit: str, filled: date, df: pl.DataFrame, totals: list | None) -> None:
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "default_date_format": "yyyy-mm-dd"})
    wb.set_properties({"created": datetime(filled.year, filled.month, filled.day, 9, 0, 0), "author": unit,
                       "title": title})
    bold = wb.add_format({"bold": True, "align": "center", "font_size": 14})
    head = wb.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True})
    ws = wb.add_worksheet("Sheet1")
    ncol = max(2, df.width)
    ws.merge_range(0, 0, 0, ncol - 1, title, bold)
    ws.merge_range(1, 0, 1, ncol - 1, f"填报单位：{unit}　　填报日期：{_zh_date(filled)}")
    ws.write_row(2, 0, df.columns, head)
    ws.set_column(0, ncol - 1, 14)
    r = 3
    for row in df.iter_rows():
        ws.write_row(r, 0, row)
        r += 1
    if totals is not None:
        ws.write_row(r, 0, totals)
    wb.close()


def _totals(df: pl.DataFrame, canonical: list[str]) -> list:
    """The 合计 row: sums under the summable columns."""
    out: list = []
    for i, name in enumerate(canonical):
        col = df.get_column(df.columns[i])
        if name in SUM_COLUMNS and col.dtype.is_numeric():
            total = col.sum()
            out.append(round(total, 2) if isinstance(total, float) else total)
        else:
            out.append(None)
    out[0] = "合计"
    return out


def write_csv(path: Path, df: pl.DataFrame, encoding: str = "utf-8") -> None:
    df = df.with_columns(pl.Series(c, [None if v is None else str(v) for v in df[c].to_list()], dtype=pl.String)
                         for c, t in df.schema.items() if t == pl.Object)
    text = df.write_csv()
    path.write_bytes(("\ufeff" + text).encode() if encoding == "utf-8-sig" else text.encode(encoding))


# ---------------------------------------------------------------------------------------------
# Bad input for the quality gate (DOMAIN.md section 7)


FULL_WIDTH = str.maketrans("0123456789 ", "０１２３４５６７８９　")


class Defects:
    """Plans which files get which problems and applies them to the rendered frames.
    Disabled, every hook returns its input unchanged."""

    def __init__(self, enabled: bool, seed: int, counties: list[County], through: int):
        self.enabled = enabled
        self.rng = np.random.default_rng([seed, 999])
        ad = [c.adcode for c in counties]
        # distinct periods, never the latest one (an unusable latest file would hide the month)
        months = itertools.cycle(self.rng.permutation(range(SNAPSHOTS_FROM + 1, through)).tolist()
                                 or [SNAPSHOTS_FROM])
        quarters = itertools.cycle(self.rng.permutation(_quarters(through)[:-1]).tolist() or [SNAPSHOTS_FROM])

        def month() -> str:
            return _label(next(months))

        def quarter() -> str:
            q = next(quarters)
            return f"{q // 12}Q{q % 12 // 3 + 1}"

        self.plan: dict[tuple[str, str, str], list[str]] = {}
        for key, what in (
            (("compounds", ad[0], month()), ["fullwidth", "formula", "negative_households"]),
            (("compounds", ad[1], month()), ["duplicate", "blank_row", "occupied_over", "youwu"]),
            (("compounds", ad[3], month()), ["bad_check", "wrong_place", "unknown_county"]),
            (("compounds", ad[2], month()), ["drop_mode"]),
            (("compounds", ad[2], month()), ["lost_zero"]),
            (("committees", ad[0], month()), ["serial_dates"]),
            (("committees", ad[2], month()), ["compact_dates"]),
            (("complaints", "", month()), ["gb18030"]),
            (("complaints", "", month()), ["utf8_bom"]),
            (("complaints", "", month()), ["duplicate", "closed_before", "formula", "fullwidth_phone",
                                           "lost_zero", "unknown_county"]),
            (("inspections", ad[1], quarter()), ["compact_dates", "bad_check"]),
            (("rectifications", ad[0], ""), ["closed_without_date"]),
            (("mediations", ad[2], quarter()), ["total_row", "blank_row"]),
            (("credit_events", "", month()), ["ideographic_code"]),
        ):
            self.plan.setdefault(key, []).extend(what)

    def encoding(self, period: str, default: str) -> str:
        what = self.plan.get(("complaints", "", period), []) if self.enabled else []
        return "gb18030" if "gb18030" in what else "utf-8-sig" if "utf8_bom" in what else default

    def apply(self, ledger: str, county: str, period: str, df: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
        if not self.enabled or df.height == 0:
            return df
        for what in self.plan.get((ledger, county, period), []):
            df = getattr(self, "_" + what)(df, names)
        return df

    # -- helpers
    def _row(self, df: pl.DataFrame) -> int:
        """A row away from the edges where there is room."""
        return self._rows(df, 1)[0]

    def _rows(self, df: pl.DataFrame, k: int) -> list[int]:
        """k distinct rows, away from the edges where there is room."""
        lo, hi = (0, df.height) if df.height < 3 else (1, df.height - 1)
        return sorted(int(r) for r in self.rng.choice(np.arange(lo, hi), min(k, hi - lo), replace=False))

    @staticmethod
    def _set(df: pl.DataFrame, row: int, header: str, value) -> pl.DataFrame:
        values = df[header].to_list()
        values[row] = value
        kinds = {type(v) for v in values if v is not None}
        dtype = pl.Object if len(kinds) > 1 else None
        return df.with_columns(pl.Series(header, values, dtype=dtype))

    # -- the problems
    def _fullwidth(self, df, names):
        for r in self._rows(df, max(2, df.height // 100)):
            df = self._set(df, r, names["households"], str(df[names["households"]][r]).translate(FULL_WIDTH))
        r = self._row(df)
        return self._set(df, r, names["compound_name"], "　" + df[names["compound_name"]][r] + "　")

    def _formula(self, df, names):
        header = names.get("project_manager") or names["content"]
        return self._set(df, self._row(df), header, '=HYPERLINK("http://example.com/x","点击查看详情")')

    def _negative_households(self, df, names):
        return self._set(df, self._row(df), names["households"], -5)

    def _occupied_over(self, df, names):
        r = self._row(df)
        return self._set(df, r, names["occupied_households"], int(df[names["households"]][r]) + 37)

    def _duplicate(self, df, names):
        r = self._row(df)
        return pl.concat([df[: r + 1], df[r: r + 1], df[r + 1:]], how="vertical_relaxed")

    def _blank_row(self, df, names):
        r = self._row(df)
        blank = pl.DataFrame([pl.Series(c, [None], dtype=t) for c, t in df.schema.items()])
        return pl.concat([df[:r], blank, df[r:]], how="vertical_relaxed")

    def _total_row(self, df, names):
        first = df.columns[0]
        total = pl.DataFrame([pl.Series(c, ["合计" if c == first else None], dtype=pl.String) for c in df.columns])
        return pl.concat([df.cast(pl.String), total])

    def _youwu(self, df, names):
        for key in ("disclosure_posted", "has_elevator"):
            header = names[key]
            for r in self._rows(df, 3):
                df = self._set(df, r, header, "有" if df[header][r] else "无")
        return df

    def _bad_check(self, df, names):
        header = names["firm_credit_code"]
        rows = [i for i, v in enumerate(df[header]) if v]
        if not rows:
            return df
        r = rows[int(self.rng.integers(len(rows)))]
        code = df[header][r]
        wrong = USCC_CHARS[(USCC_CHARS.index(code[-1]) + 7) % 31]
        return self._set(df, r, header, code[:-1] + wrong)

    def _wrong_place(self, df, names):
        r = self._row(df)
        df = self._set(df, r, names["lon"], 102.641)
        return self._set(df, r, names["lat"], 37.928)

    def _unknown_county(self, df, names):
        return self._set(df, self._row(df), names["county"], "凉洲区")

    def _drop_mode(self, df, names):
        return df.drop(names["management_mode"])

    def _lost_zero(self, df, names):
        header = names["compound_id"]
        rows = [i for i, v in enumerate(df[header]) if v and v.startswith("0")]
        for r in rows[:3]:
            df = self._set(df, r, header, df[header][r].lstrip("0") if "content" in names else
                           int(df[header][r]))
        return df

    def _serial_dates(self, df, names):
        header = names["established_on"]
        for r in self._rows(df, max(2, df.height // 100)):
            v = df[header][r]
            if isinstance(v, date):
                df = self._set(df, r, header, (v - date(1899, 12, 30)).days)
        return df

    def _compact_dates(self, df, names):
        header = names.get("established_on") or names["inspected_on"]
        for r in self._rows(df, max(2, df.height // 50)):
            v = df[header][r]
            if v:
                d = v if isinstance(v, date) else _parse_any_date(v)
                df = self._set(df, r, header, d.strftime("%Y%m%d"))
        return df

    def _closed_before(self, df, names):
        rows = [i for i, v in enumerate(df[names["closed_at"]]) if v]
        r = rows[len(rows) // 2]
        received = datetime.strptime(df[names["received_at"]][r], "%Y-%m-%d %H:%M:%S")
        return self._set(df, r, names["closed_at"], (received - timedelta(hours=5)).strftime("%Y-%m-%d %H:%M:%S"))

    def _fullwidth_phone(self, df, names):
        r = self._row(df)
        return self._set(df, r, names["complainant_phone"], df[names["complainant_phone"]][r].translate(FULL_WIDTH))

    def _closed_without_date(self, df, names):
        rows = [i for i, v in enumerate(df[names["status"]]) if v == "已销号"]
        return self._set(df, rows[len(rows) // 3], names["closed_on"], None) if rows else df

    def _ideographic_code(self, df, names):
        header = names["firm_credit_code"]
        r = self._row(df)
        return self._set(df, r, header, df[header][r][:9] + "　" + df[header][r][9:])

    def _gb18030(self, df, names):
        # a caller whose name needs GB18030 (not in GBK): a reader that tries only GBK fails here
        return self._set(df, self._row(df), names["complainant_name"], "王䶮")

    def _utf8_bom(self, df, names):
        return df


def _parse_any_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


# ---------------------------------------------------------------------------------------------
# The generator


LATE_SHARE = 0.06  # of the files sent after their deadline (the 5th), by up to LATE_DAYS days
LATE_DAYS = 15


class _Writer:
    """Writes one ledger file: XLSX with title, unit line, headers and 合计 (scale <= 5), else CSV. Each file's
    modification time is when its county sent it (the submission tracker reads it): in the days up to its
    填报日期, or for a few files up to LATE_DAYS after it; never later than now."""

    def __init__(self, landing: Path, xlsx: bool, defects: Defects, progress: Progress | None, seed: int):
        self.landing, self.xlsx, self.defects, self.progress = landing, xlsx, defects, progress
        self.rows: dict[str, int] = dict.fromkeys(LEDGERS, 0)
        self.sending = np.random.default_rng([seed, 40])

    def sheet(self, ledger: Ledger, df: pl.DataFrame, *, stem: str, title: str, unit: str, filled: date,
              style: Style | None, county: str, period: str) -> None:
        canonical = [c for c in df.columns if not c.startswith("_")]
        out = render(df, ledger, style, excel_dates=self.xlsx)
        names = dict(zip(canonical, out.columns, strict=True))
        totals = _totals(out, canonical) if self.xlsx else None
        out = self.defects.apply(ledger.name, county, period, out, names)
        if self.xlsx:
            path = self.landing / f"{stem}.xlsx"
            write_xlsx(path, title, unit, filled, out, totals)
        else:
            path = self.landing / f"{stem}.csv"
            write_csv(path, out)
        self._done(ledger, df.height, path, filled)

    def table(self, ledger: Ledger, df: pl.DataFrame, *, name: str, encoding: str, county: str,
              period: str, filled: date) -> None:
        canonical = [c for c in df.columns if not c.startswith("_")]
        out = render(df, ledger, None, excel_dates=False)
        names = dict(zip(canonical, out.columns, strict=True))
        out = self.defects.apply(ledger.name, county, period, out, names)
        path = self.landing / name
        write_csv(path, out, encoding)
        self._done(ledger, df.height, path, filled)

    def _done(self, ledger: Ledger, rows: int, path: Path, filled: date) -> None:
        late = self.sending.random() < LATE_SHARE
        days = int(self.sending.integers(1, LATE_DAYS + 1)) if late else -int(self.sending.integers(0, 5))
        sent = datetime.combine(filled + timedelta(days=days), datetime.min.time(), ZoneInfo("Asia/Shanghai"))
        moment = min(sent.timestamp() + float(self.sending.integers(9 * 3600, 18 * 3600)), time.time())
        os.utime(path, (moment, moment))
        self.rows[ledger.name] += rows
        if self.progress:
            self.progress(f"{ledger.name}: {path.name} ({rows} rows)")


def _default_through(today: date) -> date:
    return date(today.year, today.month, 1) - timedelta(days=1)


def generate(landing: Path, *, seed: int = 2024, scale: float = 1.0, through: date | None = None,
             defects: bool = False, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write every ledger as files into `landing` (created if missing). `through` = last complete month
    (default: the month before today's month); returns rows written per ledger name."""
    through_d = through or _default_through(location.today())
    last = _m(through_d.year, through_d.month)
    if last < SNAPSHOTS_FROM:
        raise ValueError("through must be 2024-01 or later")
    landing = Path(landing)
    landing.mkdir(parents=True, exist_ok=True)
    region = load_region()
    city = build_city(region, seed, scale, last)
    bad = Defects(defects, seed, region.counties, last)
    out = _Writer(landing, scale <= 5, bad, progress, seed)

    _write_snapshots(city, out, last)
    _write_firms(city, out, last)
    _write_grades(city, out, last)
    inspections = inspections_frame(city, np.random.default_rng([seed, 20]), last)
    _write_quarterly(city, out, inspections, last)
    rectifications = rectifications_frame(city, np.random.default_rng([seed, 21]), inspections, last)
    _write_rectifications(city, out, rectifications, last)
    _write_utilities(city, out, last)
    _write_mediations_and_meetings(city, out, seed, last)
    book, events = credit_book(city, np.random.default_rng([seed, 22]), inspections, rectifications, last)
    _write_complaints(city, out, seed, book, last)
    events += correcting_events(city, np.random.default_rng([seed, 23]), book, last)
    _write_credit_events(out, events, last)
    return out.rows


def _filled(m: int) -> date:
    """填报日期: the 5th of the month after the period."""
    return _month_start(m + 1) + timedelta(days=4)


def _unit(county: County) -> str:
    return county.name + "住房和城乡建设局"


def _write_snapshots(city: City, out: _Writer, last: int) -> None:
    for m in range(SNAPSHOTS_FROM, last + 1):
        y, mo = m // 12, m % 12 + 1
        for ci, county in enumerate(city.region.counties):
            style = PROFILES[county.adcode].style
            df = compounds_frame(city, ci, m)
            if out.xlsx and (style.as_of_from is None or m < style.as_of_from):
                df = df.drop("as_of")
            out.sheet(LEDGERS["compounds"], df, stem=f"{county.name}_住宅小区物业管理台账_{_label(m)}",
                      title=f"{county.name}住宅小区物业管理台账（{y}年{mo}月）", unit=_unit(county),
                      filled=_filled(m), style=style, county=county.adcode, period=_label(m))
            df = committees_frame(city, ci, m)
            if out.xlsx:
                df = df.drop("as_of")
            out.sheet(LEDGERS["committees"], df, stem=f"{county.name}_业主大会业主委员会台账_{_label(m)}",
                      title=f"{county.name}业主大会业主委员会台账（{y}年{mo}月）", unit=_unit(county),
                      filled=_filled(m), style=style, county=county.adcode, period=_label(m))


def _write_firms(city: City, out: _Writer, last: int) -> None:
    y, mo = last // 12, last % 12 + 1
    out.sheet(LEDGERS["firms"], firms_frame(city, last), stem=f"武威市_物业服务企业台账_{_label(last)}",
              title=f"武威市物业服务企业台账（截至{y}年{mo}月）", unit="武威市住房和城乡建设局",
              filled=_filled(last), style=PROFILES[city.region.counties[0].adcode].style, county="",
              period=_label(last))


def _write_grades(city: City, out: _Writer, last: int) -> None:
    for p, end in enumerate(city.period_end):
        if end > last:
            break
        y, h = end // 12, 1 if end % 12 < 6 else 2
        for ci, county in enumerate(city.region.counties):
            out.sheet(LEDGERS["grade_assessments"], grades_frame(city, ci, p),
                      stem=f"{county.name}_物业服务等级考评_{y}H{h}",
                      title=f"{county.name}物业服务等级考评结果（{y}年{'上' if h == 1 else '下'}半年）",
                      unit=_unit(county), filled=_filled(end), style=PROFILES[county.adcode].style,
                      county=county.adcode, period=f"{y}H{h}")


def _write_quarterly(city: City, out: _Writer, inspections: pl.DataFrame, last: int) -> None:
    columns = [c.name for c in LEDGERS["inspections"].columns]
    for q0 in _quarters(last):
        y, q = _quarter(q0)
        for ci, county in enumerate(city.region.counties):
            df = inspections.filter((pl.col("_ci") == ci) & (pl.col("quarter") == f"{y}Q{q}"))
            if df.height == 0:
                continue  # no round held: no record sent
            out.sheet(LEDGERS["inspections"], df.select(columns), stem=f"{county.name}_双随机一公开检查记录_{y}Q{q}",
                      title=f"{county.name}双随机、一公开检查记录（{y}年第{q}季度）", unit=_unit(county),
                      filled=_filled(min(q0 + 2, last)), style=PROFILES[county.adcode].style,
                      county=county.adcode, period=f"{y}Q{q}")


def _write_rectifications(city: City, out: _Writer, items: pl.DataFrame, last: int) -> None:
    columns = [c.name for c in LEDGERS["rectifications"].columns]
    y, mo = last // 12, last % 12 + 1
    for ci, county in enumerate(city.region.counties):
        df = items.filter(pl.col("_ci") == ci).select(columns)
        out.sheet(LEDGERS["rectifications"], df, stem=f"{county.name}_问题整改销号台账_{_label(last)}",
                  title=f"{county.name}问题整改销号台账（截至{y}年{mo}月）", unit=_unit(county),
                  filled=_filled(last), style=PROFILES[county.adcode].style, county=county.adcode, period="")


def _write_utilities(city: City, out: _Writer, last: int) -> None:
    for m in sorted({min(UTILITY_CENSUS, last), last}):
        y, mo = m // 12, m % 12 + 1
        for ci, county in enumerate(city.region.counties):
            out.sheet(LEDGERS["utilities"], utilities_frame(city, ci, m),
                      stem=f"{county.name}_水电气暖产权排查台账_{_label(m)}",
                      title=f"{county.name}水电气暖产权排查台账（{y}年{mo}月）", unit=_unit(county),
                      filled=_filled(m), style=PROFILES[county.adcode].style, county=county.adcode,
                      period=_label(m))


def _write_mediations_and_meetings(city: City, out: _Writer, seed: int, last: int) -> None:
    for q0 in _quarters(last):
        y, q = _quarter(q0)
        for ci, county in enumerate(city.region.counties):
            rng = np.random.default_rng([seed, 30, q0, ci])
            out.table(LEDGERS["mediations"], mediations_frame(city, rng, ci, q0, last),
                      name=f"{county.name}_人民调解台账_{y}Q{q}.csv", encoding="utf-8-sig",
                      county=county.adcode, period=f"{y}Q{q}", filled=_filled(min(q0 + 2, last)))
            out.table(LEDGERS["joint_meetings"], meetings_frame(city, rng, ci, q0, last),
                      name=f"{county.name}_三方联动联席会议台账_{y}Q{q}.csv", encoding="utf-8-sig",
                      county=county.adcode, period=f"{y}Q{q}", filled=_filled(min(q0 + 2, last)))


def _write_complaints(city: City, out: _Writer, seed: int, book: CreditBook, last: int) -> None:
    seen = np.zeros(city.n * 4, bool)
    ledger = LEDGERS["complaints"]
    for m in range(COMPLAINTS_FROM, last + 1):
        df = complaints_month(city, m, last, seed, book, seen)
        period = _label(m)
        out.table(ledger, df, name=f"武威市12345热线物业工单_{period}.csv",
                  encoding=out.defects.encoding(period, "gbk"), county="", period=period, filled=_filled(m))


def _write_credit_events(out: _Writer, events: list[dict], last: int) -> None:
    ledger = LEDGERS["credit_events"]
    columns = [c.name for c in ledger.columns]
    for m in range(SNAPSHOTS_FROM, last + 1):
        df = credit_events_frame(events, m).select(columns)
        out.table(ledger, df, name=f"武威市_物业企业信用信息记录_{_label(m)}.csv", encoding="utf-8",
                  county="", period=_label(m), filled=_filled(m))
