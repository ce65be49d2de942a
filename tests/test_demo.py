"""The demo city generator: file contract, determinism and the calibrated story (DOMAIN.md section 6)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import shapely
from shapely.geometry import shape
from stdnum.cn import uscc

from contract.ledgers import LEDGERS
from contract.location import REFERENCE
from pipelines.demo import generate
from pipelines.demo.story import USCC_CHARS

THROUGH = date(2026, 10, 31)
COUNTIES = {"620602": "凉州区", "620621": "民勤县", "620622": "古浪县", "620623": "天祝藏族自治县"}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("landing")
    generate(path, scale=1, through=THROUGH)
    return path


# -- reading the files back (a minimal reader: the real one lives in readers/read.py) -------------


def canonical(ledger: str, df: pl.DataFrame) -> pl.DataFrame:
    names = {h: c.name for c in LEDGERS[ledger].columns for h in c.headers if h in df.columns}
    return df.rename(names)


def read_xlsx(path: Path, ledger: str) -> pl.DataFrame:
    df = pl.read_excel(path, read_options={"header_row": 2}, infer_schema_length=0)
    return canonical(ledger, df.filter(pl.col(df.columns[0]) != "合计"))


def read_complaints(landing: Path, pattern: str = "*") -> pl.DataFrame:
    frames = []
    for f in sorted(landing.glob(f"武威市12345热线物业工单_{pattern}.csv")):
        text = f.read_bytes().decode("gbk")
        df = pl.read_csv(text.encode(), infer_schema_length=0)
        frames.append(canonical("complaints", df).with_columns(month=pl.lit(f.stem[-7:])))
    return pl.concat(frames)


def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def snapshot(landing: Path, county: str, month: str) -> pl.DataFrame:
    return read_xlsx(landing / f"{county}_住宅小区物业管理台账_{month}.xlsx", "compounds")


def coverage(landing: Path, county: str, month: str) -> float:
    return (snapshot(landing, county, month)["management_mode"] == "专业物业").mean()


# -- the file contract -------------------------------------------------------------------------


def test_same_arguments_give_identical_files(landing, tmp_path):
    again = tmp_path / "again"
    generate(again, scale=1, through=THROUGH)

    def digests(p: Path) -> dict[str, str]:
        return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(p.iterdir())}

    assert digests(again) == digests(landing)


def test_files_are_named_as_agreed(landing):
    months = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13) if (y, m) <= (2026, 10)]
    quarters = [f"{y}Q{q}" for y in (2024, 2025, 2026) for q in range(1, 5) if (y, q) <= (2026, 4)]
    halves = ["2024H1", "2024H2", "2025H1", "2025H2", "2026H1"]
    expected = {f"武威市12345热线物业工单_{m}.csv" for m in
                [f"2023-{k:02d}" for k in range(1, 13)] + months}
    expected |= {f"武威市_物业企业信用信息记录_{m}.csv" for m in months}
    expected.add("武威市_物业服务企业台账_2026-10.xlsx")
    for name in COUNTIES.values():
        expected |= {f"{name}_住宅小区物业管理台账_{m}.xlsx" for m in months}
        expected |= {f"{name}_业主大会业主委员会台账_{m}.xlsx" for m in months}
        expected |= {f"{name}_双随机一公开检查记录_{q}.xlsx" for q in quarters}
        expected |= {f"{name}_物业服务等级考评_{h}.xlsx" for h in halves}
        expected |= {f"{name}_问题整改销号台账_2026-10.xlsx"}
        expected |= {f"{name}_水电气暖产权排查台账_{m}.xlsx" for m in ("2025-06", "2026-10")}
        expected |= {f"{name}_人民调解台账_{q}.csv" for q in quarters}
        expected |= {f"{name}_三方联动联席会议台账_{q}.csv" for q in quarters}
    # the visible gap in the story: 天祝 held no inspection round in 2025Q1
    expected.remove("天祝藏族自治县_双随机一公开检查记录_2025Q1.xlsx")
    assert {f.name for f in landing.iterdir()} == expected


def test_xlsx_layout_title_unit_line_and_total_row(landing):
    path = landing / "凉州区_住宅小区物业管理台账_2024-03.xlsx"
    raw = pl.read_excel(path, has_header=False, infer_schema_length=0)
    assert raw[0, 0] == "凉州区住宅小区物业管理台账（2024年3月）"
    assert raw[1, 0] == "填报单位：凉州区住房和城乡建设局　　填报日期：2024年4月5日"
    assert raw.row(2)[:3] == ("统计月份", "小区编码", "小区名称")
    headers = list(raw.row(2))
    last = raw.row(raw.height - 1)
    assert last[0] == "合计"
    body = snapshot(landing, "凉州区", "2024-03")
    assert int(last[headers.index("总户数")]) == body["households"].cast(pl.Int64).sum()


def test_complaint_exports_are_gbk_with_chinese_headers(landing):
    headers = [c.zh for c in LEDGERS["complaints"].columns]
    for f in landing.glob("武威市12345热线物业工单_*.csv"):
        text = f.read_bytes().decode("gbk")  # strict: fails on anything else
        assert text.splitlines()[0].split(",") == headers


def test_complaint_personal_data_looks_real(landing):
    df = read_complaints(landing, "2025-0[1-3]")
    assert df["complainant_phone"].str.contains(r"^1[358]\d{9}$").all()
    assert df["complainant_name"].str.len_chars().is_between(2, 3).all()
    in_text = df["content"].str.contains(r"1[358]\d{9}|\d{17}[\dX]").mean()
    assert 0.03 < in_text < 0.08
    assert 0.1 < (df["is_repeat"] == "是").mean() < 0.3


def test_firm_codes_pass_the_check_character(landing):
    firms = read_xlsx(landing / "武威市_物业服务企业台账_2026-10.xlsx", "firms")
    assert 80 <= firms.height <= 130
    for code in firms["firm_credit_code"]:
        assert len(code) == 18 and set(code) <= set(USCC_CHARS)
        assert uscc.is_valid(code), code
    assert 0.65 < (firms["is_local"] == "本地").mean() < 0.85
    used = pl.concat([snapshot(landing, c, "2026-10") for c in COUNTIES.values()], how="diagonal")
    assert set(used["firm_credit_code"].drop_nulls()) <= set(firms["firm_credit_code"])


def test_compounds_lie_inside_their_county(landing):
    geo = json.loads((REFERENCE / "geo" / "wuwei_admin.geojson").read_text(encoding="utf-8"))
    polygons = {f["properties"]["adcode"]: shape(f["geometry"]) for f in geo["features"]}
    for adcode, name in COUNTIES.items():
        df = snapshot(landing, name, "2026-10")
        inside = shapely.contains_xy(polygons[adcode], df["lon"].cast(pl.Float64).to_numpy(),
                                     df["lat"].cast(pl.Float64).to_numpy())
        assert inside.all(), name


# -- the story -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("county", "start", "end"), [
    ("凉州区", (0.45, 0.55), (0.82, 0.93)),
    ("民勤县", (0.30, 0.40), (0.97, 1.00)),
    ("古浪县", (0.20, 0.30), (0.57, 0.68)),
    ("天祝藏族自治县", (0.25, 0.35), (0.70, 0.84)),
])
def test_professional_coverage_rises_unevenly(landing, county, start, end):
    assert start[0] <= coverage(landing, county, "2024-01") <= start[1]
    assert end[0] <= coverage(landing, county, "2026-10") <= end[1]


def test_compound_count_changes_over_time(landing):
    first = sum(snapshot(landing, c, "2024-01").height for c in COUNTIES.values())
    last = sum(snapshot(landing, c, "2026-10").height for c in COUNTIES.values())
    assert 450 <= first <= 550 and first < last < first * 1.15
    assert snapshot(landing, "凉州区", "2024-01").height / first == pytest.approx(0.7, abs=0.03)


def test_committee_coverage_rises(landing):
    for month, lo, hi in (("2024-01", 0.2, 0.5), ("2026-10", 0.6, 0.9)):
        formed = total = 0
        for c in COUNTIES.values():
            committees = read_xlsx(landing / f"{c}_业主大会业主委员会台账_{month}.xlsx", "committees")
            formed += (committees["status"] == "已成立").sum()
            total += snapshot(landing, c, month).height
        assert lo <= formed / total <= hi, month


def test_complaint_volume_share_and_heating_peak(landing):
    df = read_complaints(landing)
    per_month = df.group_by("month").len()
    assert per_month["len"].min() >= 400 and per_month["len"].max() <= 900
    assert (df["county"] == "凉州区").mean() == pytest.approx(0.8, abs=0.05)
    heating = df.filter(pl.col("category") == "供暖")
    winter = heating.filter(pl.col("month").str.slice(5, 2).is_in(["12", "01"])).height
    summer = heating.filter(pl.col("month").str.slice(5, 2).is_in(["06", "07"])).height
    assert winter > 3 * summer
    appeals = df["appeal_type"].is_in(["投诉", "举报"]).mean()
    assert 0.7 <= appeals <= 0.8
    assert 0.15 <= df["compound_id"].is_null().mean() <= 0.25


def test_complaints_have_a_heavy_tail(landing):
    counts = read_complaints(landing).drop_nulls("compound_id").group_by("compound_id").len()["len"]
    counts = counts.sort(descending=True)
    top = round(0.11 * len(counts))
    assert counts[:top].sum() / counts.sum() >= 0.35


def test_complaint_rate_falls_as_coverage_rises(landing):
    df = read_complaints(landing).filter(pl.col("appeal_type").is_in(["投诉", "举报"]))
    per_month = dict(df.group_by("month").len().iter_rows())
    households = {m: sum(snapshot(landing, c, m)["households"].cast(pl.Int64).sum() for c in COUNTIES.values())
                  for m in ("2024-01", "2026-10")}
    baseline = sum(v for m, v in per_month.items() if m.startswith("2023")) / households["2024-01"]
    last12 = sorted(per_month)[-12:]
    recent = sum(per_month[m] for m in last12) / households["2026-10"]
    assert 0.70 <= recent / baseline <= 0.85


def test_tickets_close_after_they_open(landing):
    df = read_complaints(landing, "2025-*")
    closed = df.filter(pl.col("status") == "已办结")
    assert (closed["closed_at"] >= closed["received_at"]).all()
    late = (closed["closed_at"] > closed["due_at"]).mean()
    assert 0.05 <= late <= 0.15
    visited = closed.filter(pl.col("satisfaction") != "未回访")
    assert visited["satisfaction"].is_in(["满意", "基本满意"]).mean() == pytest.approx(0.85, abs=0.05)
    latest = read_complaints(landing, "2026-10")
    assert latest["status"].is_in(["办理中", "已受理"]).sum() > 0


def test_a_few_fees_above_the_grade_cap(landing):
    caps = dict(pl.read_csv(REFERENCE / "grade_rules.csv").drop_nulls("fee_cap_per_m2_month")
                .select("grade", "fee_cap_per_m2_month").iter_rows())
    df = pl.concat([snapshot(landing, c, "2026-10") for c in COUNTIES.values()], how="diagonal")
    df = df.with_columns(fee=pl.col("fee_per_m2_month").cast(pl.Float64),
                         cap=pl.col("service_grade").replace_strict(caps, default=None, return_dtype=pl.Float64))
    assert 3 <= df.filter(pl.col("fee") > pl.col("cap")).height <= 15


def test_inspections_every_quarter_except_the_gap(landing):
    for name in COUNTIES.values():
        for f in landing.glob(f"{name}_双随机一公开检查记录_*.xlsx"):
            df = read_xlsx(f, "inspections")
            assert df.height >= 1 and df["inspected_on"].n_unique() >= 1
            assert df["result"].is_in(["未发现问题", "责令整改", "立案处罚"]).all()


def test_firm_credit_mostly_b_with_a_few_a_and_d(landing):
    """The default credit model (DOMAIN.md section 5) computed from the files for the last full year."""
    year = 2025
    firms = read_xlsx(landing / "武威市_物业服务企业台账_2026-10.xlsx", "firms").select("firm_credit_code")
    complaints = read_complaints(landing, f"{year}-*").filter(
        pl.col("appeal_type").is_in(["投诉", "举报"]) & pl.col("firm_credit_code").is_not_null())
    deductions = [
        complaints.group_by("firm_credit_code").agg(
            (pl.col("substantiated") == "是").sum().alias("substantiated"),
            ((pl.col("status") == "已办结") & (pl.col("closed_at") > pl.col("due_at"))).sum().alias("late")),
    ]
    inspections = pl.concat([read_xlsx(f, "inspections")
                             for f in landing.glob(f"*_双随机一公开检查记录_{year}Q*.xlsx")])
    deductions.append(inspections.group_by("firm_credit_code").agg(
        pl.col("findings").cast(pl.Int64).sum().alias("findings"),
        (pl.col("result") == "立案处罚").sum().alias("penalties")))
    items = pl.concat([read_xlsx(f, "rectifications") for f in landing.glob("*_问题整改销号台账_*.xlsx")])
    items = items.with_columns(pl.col("found_on", "deadline").map_elements(parse_date, return_dtype=pl.Date))
    deductions.append(items.filter(
        (pl.col("status") != "已销号") & (pl.col("deadline") < THROUGH) & (pl.col("found_on").dt.year() == year))
        .group_by("firm_credit_code").agg(pl.len().alias("overdue")))
    events = pl.concat([pl.read_csv(f, infer_schema_length=0)
                        for f in landing.glob(f"武威市_物业企业信用信息记录_{year}-*.csv")])
    deductions.append(canonical("credit_events", events).group_by("firm_credit_code")
                      .agg(pl.col("points").cast(pl.Float64).sum()))
    scores = firms
    for d in deductions:
        scores = scores.join(d, on="firm_credit_code", how="left")
    scores = scores.fill_null(0).select(
        100 - pl.col("substantiated") - 2 * pl.col("late") - 3 * pl.col("findings") - 10 * pl.col("penalties")
        - 3 * pl.col("overdue") + pl.col("points")).to_series()
    count = {"A": (scores >= 90).sum(), "B": ((scores >= 80) & (scores < 90)).sum(), "D": (scores < 70).sum()}
    assert count.get("B", 0) > 0.6 * len(scores)
    assert count.get("A", 0) >= 1
    assert 2 <= count.get("D", 0) <= 5


# -- variants, scale and defects --------------------------------------------------------------------


def test_counties_write_their_own_legitimate_forms(landing):
    raw = {c: pl.read_excel(landing / f"{c}_住宅小区物业管理台账_2025-03.xlsx", read_options={"header_row": 2},
                            infer_schema_length=0).head(-1) for c in COUNTIES.values()}  # without 合计
    assert "管理模式" in raw["天祝藏族自治县"].columns  # an alias header from ledgers.py
    assert raw["古浪县"]["收缴率"].drop_nulls().str.ends_with("%").all()
    assert set(raw["民勤县"]["有无电梯"].drop_nulls()) <= {"√"}
    assert raw["民勤县"]["合同开始日期"].drop_nulls().str.contains(r"^\d{4}/\d{1,2}/\d{1,2}$").all()
    assert raw["古浪县"]["合同开始日期"].drop_nulls().str.contains(r"^\d{4}年\d{1,2}月\d{1,2}日$").all()
    assert raw["古浪县"]["小区编码"].drop_nulls().str.starts_with("0").all()


def test_large_scale_writes_csv_snapshots_with_as_of(tmp_path):
    rows = generate(tmp_path, scale=6, through=date(2024, 1, 31))
    assert not list(tmp_path.glob("*.xlsx"))
    df = pl.read_csv(tmp_path / "凉州区_住宅小区物业管理台账_2024-01.csv", infer_schema_length=0)
    assert df["统计月份"].unique().to_list() == ["2024-01-31"]
    assert rows["compounds"] == sum(pl.read_csv(f).height for f in tmp_path.glob("*_住宅小区物业管理台账_*.csv"))


def test_defects_touch_only_a_few_files(tmp_path):
    clean, dirty = tmp_path / "clean", tmp_path / "dirty"
    args = {"scale": 0.5, "through": date(2025, 3, 31)}
    generate(clean, **args)
    generate(dirty, defects=True, **args)
    assert {f.name for f in clean.iterdir()} == {f.name for f in dirty.iterdir()}
    changed = [f.name for f in sorted(clean.iterdir()) if f.read_bytes() != (dirty / f.name).read_bytes()]
    assert 8 <= len(changed) <= 20
    complaint_files = [dirty / n for n in changed if n.startswith("武威市12345")]
    encodings = set()
    for f in complaint_files:
        data = f.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            encodings.add("utf-8-sig")
        else:
            try:
                data.decode("gbk")
                encodings.add("gbk")
            except UnicodeDecodeError:
                data.decode("gb18030")
                encodings.add("gb18030")
    assert encodings == {"utf-8-sig", "gb18030", "gbk"}
    unusable = [n for n in changed if "住宅小区物业管理台账" in n and "management_mode" not in
                read_xlsx(dirty / n, "compounds").columns]
    assert len(unusable) == 1 and not unusable[0].endswith("2025-03.xlsx")
    text = "".join(pl.read_excel(dirty / n, read_options={"header_row": 2}, infer_schema_length=0)
                   .write_csv() for n in changed if n.endswith(".xlsx"))
    assert "=HYPERLINK" in text and re.search("[０-９]", text)


# -- the injected defects through the gate (DOMAIN.md section 8) --------------------------------------


@pytest.fixture(scope="module")
def dirty_warehouse(tmp_path_factory):
    """The demo city with its defects, built: the bad cells load, only true duplicates are quarantined."""
    from pipelines.build import build
    from tests.conftest import open_warehouse

    data = tmp_path_factory.mktemp("dirty-data")
    generate(data / "landing", scale=1, through=THROUGH, defects=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("WUWEI_DATA_DIR", str(data))
    mp.setenv("WUWEI_PII_SALT", "test-salt")
    try:
        database = build(data / "landing").database
    finally:
        mp.undo()
    with open_warehouse(database) as con:
        yield con


def findings(con, rule: str) -> list[dict]:
    return con.sql("select f.*, s.month from audit_cell_findings f join audit_source_files s on s.path = f._file "
                   "where rule = ? order by _file, _row", params=[rule]).pl().to_dicts()


def test_only_the_injected_duplicates_are_quarantined_and_rows_add_up(dirty_warehouse):
    # Defects plan: one duplicated row in 民勤's compounds and one in a complaints file
    assert sorted(dirty_warehouse.sql("select ledger, rule from audit_quarantine").fetchall()) == [
        ("complaints", "duplicate_row"), ("compounds", "duplicate_row")]
    assert dirty_warehouse.sql("select count(*) from audit_source_files where rows_read <> rows_loaded "
                               "+ rows_quarantined + rows_rejected").fetchall() == [(0,)]


def test_negative_households_keep_the_compound_in_coverage(dirty_warehouse):
    (found,) = findings(dirty_warehouse, "range")
    assert (found["column"], found["original"], found["severity"], found["county_code"]) == (
        "households", "-5", "cell", "620602")
    month = found["month"]
    in_file = dirty_warehouse.sql("select count(*), count(*) filter (where households is null) from raw_compounds "
                                  "where _file = ?", params=[found["_file"]]).fetchall()[0]
    read = dirty_warehouse.sql("select rows_read from audit_source_files where path = ?",
                               params=[found["_file"]]).fetchall()[0][0]
    assert in_file == (read, 1)
    assert dirty_warehouse.sql("select compounds, households_unknown from mart_coverage_monthly "
                               "where scope_code = '620602' and month = ?", params=[month]).fetchall() == [(read, 1)]
    # the complaint rate's households leave it out, and say so
    assert dirty_warehouse.sql("select households_unknown from mart_complaint_rate_monthly "
                               "where scope_code = '620602' and month = ?", params=[month]).fetchall() == [(1,)]


def test_the_misspelt_county_in_tianzhus_file_takes_tianzhu(dirty_warehouse):
    (found,) = findings(dirty_warehouse, "county_from_file")
    assert found["_file"].startswith("天祝藏族自治县_住宅小区物业管理台账_") and found["original"] == "凉洲区"
    assert dirty_warehouse.sql("select county from raw_compounds where _file = ? and _row = ?",
                               params=[found["_file"], found["_row"]]).fetchall() == [("620623",)]


def test_the_credit_code_with_an_ideographic_space_keeps_its_event(dirty_warehouse):
    (found,) = findings(dirty_warehouse, "code_spaces")
    assert found["ledger"] == "credit_events" and "\u3000" in found["original"]
    cleaned = found["original"].replace("\u3000", "")
    assert dirty_warehouse.sql("select firm_credit_code from stg_credit_events where _file = ? and _row = ?",
                               params=[found["_file"], found["_row"]]).fetchall() == [(cleaned,)]
    # and it counts in the firm's score, from its source row
    assert dirty_warehouse.sql("select firm_credit_code, rule from mart_firm_credit_deductions "
                               "where source_file = ? and source_row = ?",
                               params=[found["_file"], found["_row"]]).fetchall() == [(cleaned, "credit_event")]


def test_gulangs_ids_that_lost_their_zeros_are_restored(dirty_warehouse):
    restored = findings(dirty_warehouse, "leading_zero_restored")
    compounds = [f for f in restored if f["ledger"] == "compounds"]
    assert compounds and all(f["_file"].startswith("古浪县_") for f in compounds)
    for f in compounds:
        got = dirty_warehouse.sql("select compound_id from raw_compounds where _file = ? and _row = ?",
                                  params=[f["_file"], f["_row"]]).fetchall()[0][0]
        assert got == "0" + f["original"]
    # every 古浪 id keeps its leading zero in every month, so committees keep matching their compounds
    assert dirty_warehouse.sql("select count(*) from stg_compounds where county_code = '620622' "
                               "and not starts_with(compound_id, '0')").fetchall() == [(0,)]


def test_closed_without_a_date_stays_closed(dirty_warehouse):
    (found,) = findings(dirty_warehouse, "closed_on_missing")
    item = dirty_warehouse.sql("select status, closed_on, days_to_close from core_rectifications "
                               "where _file = ? and _row = ?", params=[found["_file"], found["_row"]]).fetchall()
    assert item == [("已销号", None, None)]
