"""The story of DOMAIN.md section 6 as numbers and words: per county how far and how fast professional
management and committees spread and how its clerk fills in a spreadsheet; the city's volumes and the
firms' credit levels; the words the invented names and texts are made of."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from contract.ledgers import MANAGEMENT_MODES
from pipelines.demo.region import SNAPSHOTS_FROM, ym

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
        ((ym(2024, 1), 0.50), (ym(2024, 12), 0.63), (ym(2025, 12), 0.79), (ym(2026, 10), 0.875),
         (ym(2027, 12), 1.0)),
        (0.42, 0.92), ("adcode", ""), (2, 3), (4, 8), 0.025, 8, 12,
        Style("凉州区", "武威市凉州区", "excel", "yesno", "number", SNAPSHOTS_FROM)),
    "620621": Profile(
        0.10, 0.065,
        ((ym(2024, 1), 0.35), (ym(2024, 12), 0.68), (ym(2025, 12), 0.90), (ym(2026, 9), 1.0)),
        (0.45, 0.95), ("letters", "MQ"), (1, 2), (2, 4), 0.03, 3, 4,
        Style("民勤", "民勤县", "slash", "tick", "number", None)),
    "620622": Profile(
        0.10, 0.07,
        ((ym(2024, 1), 0.25), (ym(2024, 12), 0.40), (ym(2025, 12), 0.53), (ym(2026, 10), 0.63),
         (ym(2027, 12), 0.85), (ym(2028, 12), 1.0)),
        (0.24, 0.72), ("zero", "01"), (1, 2), (2, 4), 0.22, 3, 4,
        Style("古浪县", "古浪", "cn", "yesno", "percent", None)),
    "620623": Profile(
        0.10, 0.065,
        ((ym(2024, 1), 0.30), (ym(2024, 12), 0.52), (ym(2025, 12), 0.70), (ym(2026, 10), 0.79),
         (ym(2027, 12), 0.95), (ym(2028, 6), 1.0)),
        (0.32, 0.82), ("letters", "TZ"), (1, 2), (2, 4), 0.08, 2, 4,
        Style("天祝县", "天祝藏族自治县", "iso", "yesno", "number", ym(2025, 1), {
            "county": "县（区）", "town": "街道（乡镇）", "management_mode": "管理模式",
            "households": "户数", "fee_per_m2_month": "收费标准（元/㎡·月）",
            "firm_name": "物业服务企业", "built_year": "建成年代", "floor_area_m2": "建筑面积（㎡）"})),
}
# A visible gap: this county held no inspection round that quarter.
SKIPPED_INSPECTION = ("620623", ym(2025, 1))
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

_WORDS = json.loads(Path(__file__).with_name("words.json").read_text(encoding="utf-8"))
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
MODE = {name: i for i, name in enumerate(MANAGEMENT_MODES)}
PRO = MODE["专业物业"]
UNGRADED = 3  # index of 未评定 in SERVICE_GRADES


# ---------------------------------------------------------------------------------------------
# People, invented from a hash


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64: a stable hash so a caller's name and phone follow from who they are."""
    x = np.asarray(x, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def words_at(words, idx: np.ndarray) -> pl.Series:
    """The words at `idx`, counting round when an index passes the end."""
    return pl.Series(list(words), dtype=pl.String).gather(np.asarray(idx, dtype=np.int64) % len(words))


def person_names(h: np.ndarray) -> pl.Series:
    """Plausible fake Chinese names from hashes (some as 张女士 / 李先生, as hotlines record them)."""
    h = np.asarray(h, dtype=np.uint64)
    sur = words_at(SURNAMES, (h % np.uint64(len(SURNAMES))).astype(np.int64))
    g1 = words_at(GIVEN, ((h >> np.uint64(12)) % np.uint64(len(GIVEN))).astype(np.int64))
    g2 = words_at(GIVEN, ((h >> np.uint64(24)) % np.uint64(len(GIVEN))).astype(np.int64))
    form = ((h >> np.uint64(36)) % np.uint64(100)).astype(np.int64)
    df = pl.DataFrame({"s": sur, "a": g1, "b": g2, "f": form})
    return df.select(
        pl.when(pl.col("f") < 15).then(pl.col("s") + "女士")
        .when(pl.col("f") < 28).then(pl.col("s") + "先生")
        .when(pl.col("f") < 55).then(pl.col("s") + pl.col("a"))
        .otherwise(pl.col("s") + pl.col("a") + pl.col("b"))).to_series()
