"""readers.read: ledger files as counties send them -> SourceFile."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from contract.ledgers import LEDGERS
from readers.read import (
    BOOKKEEPING_COLUMNS,
    county_from_text,
    ledger_from_title,
    month_from_text,
    originals,
    pii_salt,
    read_file,
    read_landing,
    settle_seconds,
)

SALT = "test-salt"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path, monkeypatch):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WUWEI_PII_SALT", SALT)


@pytest.fixture
def landing(tmp_path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    return folder


def write_xlsx(path: Path, rows: list[list], *, merged_title: str | None = None, sheet: str = "Sheet1",
               date_cells: dict[tuple[int, int], datetime] | None = None) -> Path:
    """rows[i] goes to Excel row i + 1 (after the merged title, if any); None leaves a cell empty.
    Strings are written as text (never as formulas); numbers as numbers."""
    book = xlsxwriter.Workbook(path)
    worksheet = book.add_worksheet(sheet)
    first = 0
    if merged_title:
        worksheet.merge_range(0, 0, 0, 7, merged_title)
        first = 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                worksheet.write_string(first + r, c, value)
            elif value is not None:
                worksheet.write_number(first + r, c, value)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for (r, c), value in (date_cells or {}).items():
        worksheet.write_datetime(r, c, value, date_format)
    book.close()
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, landing: Path):
    return read_file(path, landing)


def key(text: str) -> str:
    return hashlib.sha256((SALT + text).encode()).hexdigest()


COMPOUND_HEADER = ["序号", "小区代码", "小区名称", "街道（乡镇）", "总户数（户）", "管理方式", "楼栋数（幢）",
                   "收缴率（%）", "有无电梯"]


# --- a typical hand-made workbook ------------------------------------------------------------------

@pytest.fixture
def compounds_workbook(landing) -> Path:
    return write_xlsx(landing / "台账.xlsx", [
        ["填报单位：凉州区住房和城乡建设局", None, None, None, None, "填报日期：2024年4月5日"],
        COMPOUND_HEADER,
        [1, "620602001001", "金色家园", "东大街", 120, "专业物业", 6, "85%", "有"],
        [2, 620602001002, "银色　家园", "西大街", "１２０户", "社区托管", "3栋", 0.9, "无"],
        [],
        ["合计", None, None, None, 240, None, 9],
        ["填表人：张三", None, None, None, "审核人：李四"],
    ], merged_title="凉州区住宅小区物业管理台账（2024年3月）")


def test_workbook_identity(compounds_workbook, landing):
    source = read(compounds_workbook, landing)
    assert source.rejected is None and source.reject_rule is None
    assert source.path == "台账.xlsx"
    assert source.sha256 == hashlib.sha256(compounds_workbook.read_bytes()).hexdigest()
    assert source.ledger == "compounds"
    assert source.month == date(2024, 3, 31)   # the title's month, not the 填报日期
    assert source.county == "620602"
    assert source.rows_read == 2
    assert source.skipped == {"blank": 1, "total": 1, "repeated_header": 0, "footer": 1}


def test_workbook_headers_with_aliases_and_units(compounds_workbook, landing):
    source = read(compounds_workbook, landing)
    assert source.header_map == {
        "小区代码": "compound_id", "小区名称": "compound_name", "街道（乡镇）": "town",
        "总户数（户）": "households", "管理方式": "management_mode", "楼栋数（幢）": "buildings",
        "收缴率（%）": "fee_collection_rate", "有无电梯": "has_elevator",
    }
    assert source.unmapped_headers == ["序号"]


def test_workbook_frame(compounds_workbook, landing):
    frame = read(compounds_workbook, landing).frame
    assert frame.columns == [*LEDGERS["compounds"].column_names, *BOOKKEEPING_COLUMNS]
    assert frame.select("compound_id", "compound_name", "town", "households", "buildings",
                        "fee_collection_rate", "has_elevator", "management_mode").to_dicts() == [
        {"compound_id": "620602001001", "compound_name": "金色家园", "town": "东大街", "households": 120,
         "buildings": 6, "fee_collection_rate": 0.85, "has_elevator": True, "management_mode": "专业物业"},
        {"compound_id": "620602001002", "compound_name": "银色 家园", "town": "西大街", "households": 120,
         "buildings": 3, "fee_collection_rate": 0.9, "has_elevator": False, "management_mode": "社区托管"},
    ]
    # as_of from the file's month, county from the title (the file has no county column)
    assert frame["as_of"].to_list() == [date(2024, 3, 31)] * 2
    assert frame["county"].to_list() == ["620602"] * 2
    assert frame["_row"].to_list() == [4, 5]   # Excel rows: title 1, 填报单位 2, header 3
    assert frame["_issues"].to_list() == [[], []]
    assert frame["lon"].dtype == pl.Float64 and frame["lon"].null_count() == 2


def test_frame_types_by_kind(compounds_workbook, landing):
    schema = read(compounds_workbook, landing).frame.schema
    assert schema["as_of"] == pl.Date
    assert schema["compound_id"] == pl.String
    assert schema["households"] == pl.Int64
    assert schema["fee_collection_rate"] == pl.Float64
    assert schema["has_elevator"] == pl.Boolean
    assert schema["contract_start"] == pl.Date
    assert schema["_row"] == pl.Int32
    assert schema["_issues"] == pl.List(pl.String)


def test_original_cells_keyed_by_header_text(compounds_workbook, landing):
    source = read(compounds_workbook, landing)
    shown = originals(source, pl.Series([5]))
    assert shown["_row"].to_list() == [5] and shown["_original"].dtype == pl.String
    original = json.loads(shown["_original"][0])
    assert original == {
        "序号": "2", "小区代码": "620602001002", "小区名称": "银色　家园", "街道（乡镇）": "西大街",
        "总户数（户）": "１２０户", "管理方式": "社区托管", "楼栋数（幢）": "3栋", "收缴率（%）": "0.9",
        "有无电梯": "无",
    }


def test_excel_serial_and_date_cells(landing):
    path = write_xlsx(landing / "凉州区_住宅小区物业管理台账_2024-03.xlsx", [
        ["小区编码", "小区名称", "县区", "街道/乡镇", "总户数", "管理方式", "合同开始日期", "合同结束日期"],
        ["A1", "甲", "凉州区", "东大街", 10, "专业物业", 45356, None],
        ["A2", "乙", "凉州", "东大街", 10, "专业物业", "2024/3/5", "20250304"],
    ], date_cells={(1, 7): datetime(2025, 3, 4)})
    frame = read(path, landing).frame
    assert frame["contract_start"].to_list() == [date(2024, 3, 5), date(2024, 3, 5)]
    assert frame["contract_end"].to_list() == [date(2025, 3, 4), date(2025, 3, 4)]


def test_row_numbers_are_excel_row_numbers(landing):
    path = write_xlsx(landing / "firms.xlsx", [
        [], [], ["物业服务企业台账"], [],
        ["统一社会信用代码", "企业名称", "注册地"],   # row 5
        ["C1", "甲公司", "凉州区"],                   # row 6
        [],                                           # row 7
        ["C2", "乙公司", "民勤县"],                   # row 8
        ["统一社会信用代码", "企业名称", "注册地"],   # row 9: the header again
        ["C3", "丙公司", "古浪县"],                   # row 10
    ])
    source = read(path, landing)
    assert source.frame["_row"].to_list() == [6, 8, 10]
    assert source.frame["registered_county"].to_list() == ["620602", "620621", "620622"]
    assert source.skipped == {"blank": 1, "total": 0, "repeated_header": 1, "footer": 0}


def test_workbook_cells_without_header_are_named_by_column_letter(landing):
    path = landing / "firms.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    for r, row in enumerate([["统一社会信用代码", "企业名称", None, "备注"], ["C1", "甲", "电话13993512345", "无"]]):
        for c, text in enumerate(row):
            if text:
                sheet.write_string(r + 1, c + 1, text)   # the table starts at B2
    book.close()
    source = read(path, landing)
    assert source.unmapped_headers == ["备注", "(列D)"]
    assert source.frame["_row"].to_list() == [3]
    assert json.loads(originals(source)["_original"][0]) == {
        "统一社会信用代码": "C1", "企业名称": "甲", "(列D)": "电话139****2345", "备注": "无"}


def test_first_sheet_with_a_header_is_used(landing):
    path = landing / "book.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("说明").write_string(0, 0, "本表由各县区填报")
    data = book.add_worksheet("企业")
    for c, text in enumerate(["统一社会信用代码", "企业名称", "成立日期"]):
        data.write_string(0, c, text)
    for c, text in enumerate(["C1", "甲公司", "2020-01-02"]):
        data.write_string(1, c, text)
    book.close()
    source = read(path, landing)
    assert source.ledger == "firms"
    assert source.frame["founded_on"].to_list() == [date(2020, 1, 2)]
    assert source.frame["_row"].to_list() == [2]


def test_cells_that_cannot_be_read_become_issues(landing):
    path = write_text(landing / "凉州区_住宅小区物业管理台账_2024-03.csv",
                      "小区编码,小区名称,县区,街道/乡镇,总户数,管理方式,建成年份,统计月份\n"
                      "A1,甲,兰州,东大街,十户,专业物业,2001,2024-03\n"
                      "A2,=HYPERLINK(\"x\"),凉州区,东大街,10,专业物业,两千年,not a month\n")
    frame = read(path, landing).frame
    assert frame["_issues"].to_list() == [
        ["county:county_from_file", "households:bad_number"],  # 兰州 in 凉州's file: the file's county
        ["as_of:bad_date", "compound_name:formula_like", "built_year:bad_number"],
    ]  # in the ledger's column order
    assert frame["county"].to_list() == ["620602", "620602"]
    assert frame["households"].to_list() == [None, 10]
    assert frame["compound_name"].to_list() == ["甲", "=HYPERLINK(\"x\")"]  # a warning: the value stays
    assert frame["as_of"].to_list() == [date(2024, 3, 31), None]  # unreadable is not empty: not filled


# --- CSV encodings ------------------------------------------------------------------------------------

CSV_FIRMS = "统一社会信用代码,企业名称,注册地,本地/外地,从业人数\nC1,{name},天祝县,本地,\"1,234\"\n"


@pytest.mark.parametrize(("encoding", "name"), [
    ("utf-8", "祥和物业"), ("utf-8-sig", "祥和物业"), ("gbk", "祥和物业"), ("gb18030", "𠮷祥物业"),
])
def test_csv_encodings(landing, encoding, name):
    path = write_text(landing / "firms.csv", CSV_FIRMS.format(name=name), encoding)
    source = read(path, landing)
    assert source.rejected is None
    assert source.frame.select("firm_credit_code", "firm_name", "registered_county", "is_local",
                               "staff", "_row").to_dicts() == [
        {"firm_credit_code": "C1", "firm_name": name, "registered_county": "620623", "is_local": True,
         "staff": 1234, "_row": 2}]


def test_csv_mixing_utf8_then_gbk_is_rejected(landing):
    content = ("统一社会信用代码,企业名称\n".encode() + "C1,祥和物业\n".encode()
               + "C2,金色物业\n".encode("gbk"))
    source = read(write_text_bytes(landing / "firms.csv", content), landing)
    assert source.reject_rule == "encoding"
    assert source.frame is None
    assert "第 3 行" in source.rejected and "line 3" in source.rejected and "firms.csv" in source.rejected


def test_csv_mixing_gbk_then_utf8_is_rejected(landing):
    content = ("统一社会信用代码,企业名称\n".encode("gbk") + "C1,祥和物业\n".encode("gbk")
               + "C2,金色物业\n".encode())
    source = read(write_text_bytes(landing / "firms.csv", content), landing)
    assert source.reject_rule == "encoding"
    assert "第 3 行" in source.rejected and "line 3" in source.rejected


def test_csv_in_no_known_encoding_is_rejected(landing):
    content = "统一社会信用代码,企业名称\n".encode("gbk") + b"C1,\xff\xfe\n"
    source = read(write_text_bytes(landing / "firms.csv", content), landing)
    assert source.reject_rule == "encoding"
    assert "第 2 行" in source.rejected and "line 2" in source.rejected


def write_text_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_csv_quoted_cell_over_two_lines_moves_row_numbers(landing):
    path = write_text(landing / "complaints.csv",
                      "工单编号,受理时间,诉求类型,状态,诉求内容\n"
                      "T1,2024-03-05 08:00,投诉,已受理,\"第一行\n第二行\"\n"
                      "T2,2024-03-06 08:00,投诉,已受理,无\n")
    frame = read(path, landing).frame
    assert frame["_row"].to_list() == [2, 4]
    assert frame["content"].to_list() == ["第一行\n第二行", "无"]


def test_csv_with_title_lines_and_tabs(landing):
    path = write_text(landing / "x.csv",
                      "武威市物业服务企业台账\t\t\n\n统一社会信用代码\t企业名称\t注册地\nC1\t甲\t民勤\n")
    source = read(path, landing)
    assert source.ledger == "firms"
    assert source.frame["_row"].to_list() == [4]
    assert source.frame["registered_county"].to_list() == ["620621"]


def test_csv_cells_beyond_the_header_are_kept_in_original(landing):
    path = write_text(landing / "firms.csv", "统一社会信用代码,企业名称,注册地\nC1,甲,民勤\nC2,乙,民勤,多,余\n")
    source = read(path, landing)
    assert source.rejected is None
    assert source.unmapped_headers == ["(列4)", "(列5)"]
    assert json.loads(originals(source)["_original"][1]) == {
        "统一社会信用代码": "C2", "企业名称": "乙", "注册地": "民勤", "(列4)": "多", "(列5)": "余"}


def test_csv_row_longer_than_the_first_rows_is_rejected(landing):
    rows = "".join(f"C{i},甲,民勤\n" for i in range(60))
    path = write_text(landing / "firms.csv", "统一社会信用代码,企业名称,注册地\n" + rows + "C99,乙,民勤,多\n")
    source = read(path, landing)
    assert source.reject_rule == "unreadable"
    assert "第 62 行" in source.rejected and "line 62" in source.rejected


def test_code_read_as_float_loses_its_tail(landing):
    path = write_text(landing / "firms.csv", "统一社会信用代码,企业名称\n620602001001.0,甲\n")
    assert read(path, landing).frame["firm_credit_code"].to_list() == ["620602001001"]


# --- rejected files -----------------------------------------------------------------------------------

def test_empty_csv(landing):
    source = read(write_text(landing / "firms.csv", ""), landing)
    assert (source.reject_rule, source.frame, source.rows_read) == ("empty", None, 0)
    assert source.rejected.startswith("文件 firms.csv：") and "／File firms.csv:" in source.rejected


def test_empty_workbook(landing):
    book = xlsxwriter.Workbook(landing / "empty.xlsx")
    book.add_worksheet()
    book.close()
    assert read(landing / "empty.xlsx", landing).reject_rule == "empty"


def test_header_only(landing):
    source = read(write_text(landing / "firms.csv", "统一社会信用代码,企业名称,注册地\n,,\n"), landing)
    assert source.reject_rule == "empty"
    assert source.ledger == "firms"
    assert source.skipped["blank"] == 1


def test_not_an_excel_file(landing):
    source = read(write_text(landing / "broken.xlsx", "this is not a workbook"), landing)
    assert source.reject_rule == "unreadable"
    assert source.sha256 == hashlib.sha256(b"this is not a workbook").hexdigest()


def test_unknown_ledger(landing):
    source = read(write_text(landing / "名单.csv", "姓名,年龄,爱好\n张三,30,读书\n"), landing)
    assert (source.reject_rule, source.ledger) == ("unknown_ledger", None)
    assert "名单.csv" in source.rejected


def test_header_fitting_two_ledgers_equally_is_unknown(landing):
    source = read(write_text(landing / "data.csv", "编号,小区编码,统一社会信用代码\nX1,A1,C1\n"), landing)
    assert source.reject_rule == "unknown_ledger"


def test_missing_required_column(landing):
    path = write_text(landing / "凉州区_住宅小区物业管理台账_2024-03.csv",
                      "小区编码,小区名称,街道/乡镇,总户数\nA1,甲,东大街,10\n")
    source = read(path, landing)
    assert source.reject_rule == "missing_required_column"
    assert source.ledger == "compounds"
    assert "“管理方式”(management_mode)" in source.rejected
    assert "management_mode (管理方式)" in source.rejected


def test_county_column_may_be_missing_from_a_county_file_only(landing):
    text = "小区编码,小区名称,街道/乡镇,总户数,管理方式\nA1,甲,东大街,10,无物业\n"
    county_file = read(write_text(landing / "民勤县_住宅小区物业管理台账_2024-03.csv", text), landing)
    assert county_file.frame["county"].to_list() == ["620621"]
    city_file = read(write_text(landing / "武威市_住宅小区物业管理台账_2024-03.csv", text), landing)
    assert city_file.reject_rule == "missing_required_column"
    assert "county (县区)" in city_file.rejected


def test_snapshot_without_month_is_rejected(landing):
    path = write_text(landing / "业主委员会台账.csv", "小区编码,成立状态,委员人数\nA1,已成立,5\n")
    source = read(path, landing)
    assert source.reject_rule == "no_month"
    assert source.ledger == "committees"
    assert "业主委员会台账.csv" in source.rejected


# --- month of a file ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("凉州区住宅小区物业管理台账（2024年3月）", date(2024, 3, 31)),
    ("2024年03月住宅小区台账", date(2024, 3, 31)),
    ("截至2024年3月31日", date(2024, 3, 31)),
    ("2024年第3季度双随机检查记录", date(2024, 9, 30)),
    ("2024年三季度", date(2024, 9, 30)),
    ("2024年第1季度", date(2024, 3, 31)),
    ("2025年上半年服务等级考评", date(2025, 6, 30)),
    ("2025年下半年", date(2025, 12, 31)),
    ("2024年1-3月", date(2024, 3, 31)),
    ("住宅小区台账 填报日期：2024年4月5日", None),   # the fill-in date is not the month
    ("2024年3月台账 填报日期：2024年4月5日", date(2024, 3, 31)),
    ("凉州区住宅小区物业管理台账", None),
    # file names
    ("compounds_2024-03.xlsx", date(2024, 3, 31)),
    ("compounds_2024_03.csv", date(2024, 3, 31)),
    ("compounds_202403.csv", date(2024, 3, 31)),
    ("凉州区2024年3月台账.xlsx", date(2024, 3, 31)),
    ("inspections_2024Q3.csv", date(2024, 9, 30)),
    ("grades_2024H1.csv", date(2024, 6, 30)),
    ("grades_2024h2.csv", date(2024, 12, 31)),
    ("620602_compounds_2024-12.csv", date(2024, 12, 31)),   # an adcode is not a month
    ("620602_compounds.csv", None),
    ("2024-13_x.csv", None),
])
def test_month_from_text(text, expected):
    assert month_from_text(text) == expected


MONTH_TITLES = [
    ("2024年3月", date(2024, 3, 31)), ("2024年03月", date(2024, 3, 31)),
    ("2024年第3季度", date(2024, 9, 30)), ("2025年上半年", date(2025, 6, 30)),
    ("2025年下半年", date(2025, 12, 31)),
]


@pytest.mark.parametrize(("title_month", "expected"), MONTH_TITLES)
def test_month_from_a_title_row(landing, title_month, expected):
    path = write_xlsx(landing / "book.xlsx", [
        ["小区编码", "成立状态"], ["A1", "已成立"],
    ], merged_title=f"业主大会业主委员会台账（{title_month}）")
    source = read(path, landing)
    assert source.month == expected
    assert source.frame["as_of"].to_list() == [expected]


@pytest.mark.parametrize(("name", "expected"), [
    ("committees_2024-03.csv", date(2024, 3, 31)), ("committees_2024_03.csv", date(2024, 3, 31)),
    ("committees_202403.csv", date(2024, 3, 31)), ("committees_2024年3月.csv", date(2024, 3, 31)),
    ("committees_2024Q3.csv", date(2024, 9, 30)), ("committees_2024H1.csv", date(2024, 6, 30)),
])
def test_month_from_a_file_name(landing, name, expected):
    source = read(write_text(landing / name, "小区编码,成立状态\nA1,已成立\n"), landing)
    assert source.month == expected


def test_month_of_a_snapshot_from_its_as_of_column(landing):
    path = write_text(landing / "committees.csv",
                      "统计月份,小区编码,成立状态\n2024年3月,A1,已成立\n2024-03-31,A2,筹备中\n,A3,筹备中\n")
    source = read(path, landing)
    assert source.month == date(2024, 3, 31)
    assert source.frame["as_of"].to_list() == [date(2024, 3, 31)] * 3


def test_snapshot_as_of_of_several_months_is_no_month(landing):
    path = write_text(landing / "committees.csv", "统计月份,小区编码,成立状态\n2024-03,A1,已成立\n2024-04,A2,已成立\n")
    assert read(path, landing).reject_rule == "no_month"


def test_month_of_complaints_from_the_latest_received_at(landing):
    path = write_text(landing / "12345工单.csv", "工单编号,受理时间,诉求类型,状态\n"
                                                "T1,2024-02-27 10:00,投诉,已受理\nT2,2024/3/2 9:00,投诉,已受理\n")
    assert read(path, landing).month == date(2024, 3, 31)


def test_a_file_without_any_month_that_is_not_a_snapshot(landing):
    path = write_text(landing / "firms.csv", "统一社会信用代码,企业名称\nC1,甲\n")
    source = read(path, landing)
    assert (source.month, source.rejected) == (None, None)


# --- ledger and county of a file ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("凉州区住宅小区物业管理台账", "compounds"),
    ("武威市物业服务企业台账", "firms"),
    ("12345热线物业工单", "complaints"),
    ("complaints_2024-03.csv", "complaints"),
    ("2024年第3季度双随机一公开检查记录", "inspections"),
    ("业主大会业主委员会台账", "committees"),
    ("物业企业信用信息记录", "credit_events"),
    ("report_123456.csv", None),      # "12345" inside a longer number is no title word
    ("统计表", None),
])
def test_ledger_from_title(text, expected):
    found = ledger_from_title(text)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("凉州区住宅小区物业管理台账", "620602"),
    ("武威市凉州区住宅小区物业管理台账", "620602"),
    ("天祝藏族自治县2024年3月", "620623"),
    ("民勤_compounds_2024-03.csv", "620621"),
    ("620622/compounds_2024-03.csv", "620622"),
    ("武威市物业服务企业台账", None),        # the city alone: city-wide
    ("凉州区、民勤县联合检查", None),        # two counties
    ("compounds_2024-03.csv", None),
])
def test_county_from_text(text, expected):
    assert county_from_text(text) == expected


def test_title_names_the_ledger_and_the_header_row_follows(landing):
    # headers shared by several ledgers; the title tells which
    path = write_xlsx(landing / "book.xlsx", [["编号", "小区编码", "统一社会信用代码", "发现日期", "整改期限",
                                                "问题来源", "整改状态"],
                                               ["R1", "A1", "C1", "2024-03-01", "2024-03-31", "日常巡查", "未整改"]],
                      merged_title="问题整改销号台账")
    source = read(path, landing)
    assert source.ledger == "rectifications"
    assert source.frame["deadline"].to_list() == [date(2024, 3, 31)]


# --- personal data --------------------------------------------------------------------------------------

COMPLAINTS_CSV = (
    "工单编号,受理时间,诉求类型,状态,诉求人,联系电话,诉求内容\n"
    "T1,2024-03-05 14:30,投诉,已办结,张三,139 9351 2345,我家电话13993512345，身份证620602199001011230\n"
    "T2,2024-03-06 08:00,咨询,办理中,张三丰,13993512345,无\n"
    "T3,2024-03-07 08:00,咨询,办理中,李 四,,请联系李四\n"
    "T4,2024-03-08 08:00,咨询,办理中,,,匿名\n"
    "T5,2024-03-09 08:00,咨询,办理中,王五,+86 139-9351-2345,\n"
)


@pytest.fixture
def complaints(landing):
    return read(write_text(landing / "武威市12345热线物业工单_2024-03.csv", COMPLAINTS_CSV), landing)


def test_personal_columns_are_replaced_by_a_key(complaints):
    columns = complaints.frame.columns
    assert "complainant_name" not in columns and "complainant_phone" not in columns
    names = [c.name for c in LEDGERS["complaints"].columns if not c.pii]
    assert columns == [*names[:names.index("content")], "complainant_key", "content", *BOOKKEEPING_COLUMNS]


def test_same_phone_written_differently_gives_one_key(complaints):
    keys = complaints.frame["complainant_key"].to_list()
    assert keys[0] == keys[1] == keys[4] == key("13993512345")
    assert keys[2] == key("李四")   # no phone: the name
    assert keys[3] is None


def test_free_text_is_masked(complaints):
    assert complaints.frame["content"][0] == "我家电话139****2345,身份证620602********1230"


def test_original_hides_personal_columns_and_masks_text(complaints):
    shown = originals(complaints)
    original = json.loads(shown["_original"][0])
    assert original["诉求人"] == "***" and original["联系电话"] == "***"
    assert original["诉求内容"] == "我家电话139****2345，身份证620602********1230"
    assert json.loads(shown["_original"][3])["联系电话"] is None


def test_no_personal_data_in_the_frame(complaints):
    text = complaints.frame.select(pl.col(pl.String)).write_csv()
    for secret in ("13993512345", "9351", "张三", "620602199001011230"):
        assert secret not in text


def test_salt_is_made_once_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("WUWEI_PII_SALT")
    first = pii_salt()
    assert len(first) == 64
    assert (tmp_path / "data" / "pii_salt").read_text().strip() == first
    assert pii_salt() == first
    monkeypatch.setenv("WUWEI_PII_SALT", "from-env")
    assert pii_salt() == "from-env"


# --- the landing folder ------------------------------------------------------------------------------------

def test_read_landing_finds_ledger_files_in_path_order(landing):
    (landing / "b").mkdir()
    write_text(landing / "b" / "firms.csv", "统一社会信用代码,企业名称\nC1,甲\n")
    write_text(landing / "a.csv", "统一社会信用代码,企业名称\nC2,乙\n")
    write_text(landing / ".hidden.csv", "x")
    write_text(landing / "~$a.xlsx", "lock")
    write_text(landing / "notes.txt", "x")
    write_text(landing / "report.pdf", "%PDF")
    found = list(read_landing(landing, settle=0))
    # every file but the hidden one is listed; those that are not ledgers are rejected with a reason
    assert [(s.path, s.reject_rule) for s in found] == [
        ("a.csv", None), ("b/firms.csv", None), ("notes.txt", "unknown_ledger"), ("report.pdf", "file_type"),
        ("~$a.xlsx", "incomplete")]
    assert "不是台账文件类型（.pdf）" in found[3].rejected and "not a ledger file type" in found[3].rejected


def test_read_landing_types_runs_of_files_together_as_if_one_by_one(landing):
    """Files of one ledger in a row are typed together; each SourceFile is as if read alone."""
    folder = landing / "compounds"
    folder.mkdir()
    write_text(folder / "2024-01_a.csv",
               "小区编码,小区名称,县区,街道/乡镇,总户数,管理方式,,备注\n"
               "A1,甲,凉州区,东大街,１２０户,专业物业,多,电话13993512345\n"
               "小区编码,小区名称,县区,街道/乡镇,总户数,管理方式,,备注\n"
               "合计,,,,120,,,\n"
               "A2,乙,兰州,东大街,十户,社区托管,,\n")
    write_xlsx(folder / "2024-02_b.xlsx", [
        ["管理方式", "小区代码", "小区名称", "街道（乡镇）", "户数", "建成年份", None, "收缴率（%）"],
        ["无物业", "A1", "甲", "东大街", 120, "两千年", None, "85%"],
        [],
        ["管理方式", "小区代码", "小区名称", "街道（乡镇）", "户数", "建成年份", None, "收缴率（%）"],
        ["填表人：张三"],
    ], merged_title="民勤县住宅小区物业管理台账（2024年2月）")
    write_text(folder / "2024-03_c.csv", "小区编码,小区名称,县区,街道/乡镇,总户数,管理方式\n,,,,,\n")
    write_text(folder / "2024-03_d.csv", "姓名,年龄,爱好\n张三,30,读书\n")
    write_text(folder / "e.csv", "小区编码,小区名称,县区,街道/乡镇,总户数,管理方式,统计月份\n"
                                 "A1,甲,凉州区,东大街,10,专业物业,2024-03\nA2,乙,凉州区,东大街,10,专业物业,2024-04\n")
    write_text(folder / "f.csv", "统计月份,小区编码,小区名称,县区,街道/乡镇,总户数,管理方式\n"
                                 "2024年5月,A1,甲,古浪,东大街,10,专业物业\n")
    write_text(landing / "x_12345工单.csv", COMPLAINTS_CSV)
    write_text(landing / "y_compounds_2024-06.csv", "小区编码,小区名称,县区,街道/乡镇,总户数,管理方式\n"
                                                    "A1,甲,天祝,东大街,10,专业物业\n")
    together = list(read_landing(landing))
    alone = [read(landing / source.path, landing) for source in together]
    assert [s.path for s in together] == [
        "compounds/2024-01_a.csv", "compounds/2024-02_b.xlsx", "compounds/2024-03_c.csv", "compounds/2024-03_d.csv",
        "compounds/e.csv", "compounds/f.csv", "x_12345工单.csv", "y_compounds_2024-06.csv"]
    assert [s.reject_rule for s in together] == [
        None, None, "empty", "no_header", "no_month", None, None, None]
    for batched, single in zip(together, alone, strict=True):
        for name in ("path", "sha256", "ledger", "month", "county", "rows_read", "skipped", "rejected",
                     "reject_rule", "header_map", "unmapped_headers"):
            assert getattr(batched, name) == getattr(single, name), (batched.path, name)
        if single.frame is None:
            assert batched.frame is None
        else:
            assert batched.frame.equals(single.frame), batched.path
            assert originals(batched).equals(originals(single)), batched.path
    first, second = together[0].frame, together[1].frame
    # 兰州 in a file whose other row names 凉州区: the file is 凉州's
    assert first["_issues"].to_list() == [[], ["county:county_from_file", "households:bad_number"]]
    assert second["_issues"].to_list() == [["built_year:bad_number"]]
    assert json.loads(originals(together[0])["_original"][0])["备注"] == "电话139****2345"
    assert list(json.loads(originals(together[1])["_original"][0])) == [
        "管理方式", "小区代码", "小区名称", "街道（乡镇）", "户数", "建成年份", "收缴率（%）"]


# -- DOMAIN.md section 8: codes cleaned before they are checked, scope from the file -----------------

def write_csv(path: Path, header: list[str], *rows: list[str]) -> Path:
    path.write_text("\n".join(",".join(row) for row in (header, *rows)) + "\n", encoding="utf-8")
    return path


COMPOUND_COLUMNS = ["小区编码", "小区名称", "县区", "街道/乡镇", "总户数", "管理方式"]


def test_spaces_of_any_width_inside_a_code_are_removed_and_flagged(landing):
    path = write_csv(landing / "武威市_物业企业信用信息记录_2024-12.csv",
                     ["记录编号", "统一社会信用代码", "发生日期", "信用事项", "加减分"],
                     ["E1", "91620602M　A71A0001H", "2024-12-03", "日常检查", "-4"],
                     ["E2", "91620602 MA71 A0001H", "2024-12-04", "日常检查", "-1"],
                     ["E3", "91620602MA71A0001H", "2024-12-05", "日常检查", "-1"])
    frame = read_file(path, landing).frame
    assert frame["firm_credit_code"].to_list() == ["91620602MA71A0001H"] * 3
    assert frame["_issues"].to_list() == [["firm_credit_code:code_spaces"], ["firm_credit_code:code_spaces"], []]


def test_an_unrecognisable_county_in_one_countys_file_takes_the_files_county(landing):
    path = write_csv(landing / "天祝县_住宅小区物业管理台账_2024-12.csv", COMPOUND_COLUMNS,
                     ["T1", "甲", "天祝县", "华藏寺镇", "100", "专业物业"],
                     ["T2", "乙", "凉洲区", "华藏寺镇", "100", "无物业"])
    frame = read_file(path, landing).frame
    assert frame["county"].to_list() == ["620623", "620623"]
    assert frame["_issues"].to_list() == [[], ["county:county_from_file"]]


def test_a_file_whose_other_rows_all_name_one_county_is_that_countys(landing):
    path = write_csv(landing / "武威市_住宅小区物业管理台账_2024-12.csv", COMPOUND_COLUMNS,
                     ["G1", "甲", "古浪县", "古浪镇", "100", "专业物业"],
                     ["G2", "乙", "古狼县", "古浪镇", "100", "无物业"],
                     ["G3", "丙", "古浪", "古浪镇", "100", "无物业"])
    frame = read_file(path, landing).frame
    assert frame["county"].to_list() == ["620622"] * 3
    assert frame["_issues"].to_list() == [[], ["county:county_from_file"], []]


def test_an_unrecognisable_county_in_a_multi_county_file_stays_unknown(landing):
    path = write_csv(landing / "武威市_住宅小区物业管理台账_2024-12.csv", COMPOUND_COLUMNS,
                     ["G1", "甲", "古浪县", "古浪镇", "100", "专业物业"],
                     ["T1", "乙", "天祝县", "华藏寺镇", "100", "无物业"],
                     ["X1", "丙", "凉洲区", "东大街", "100", "无物业"])
    frame = read_file(path, landing).frame
    assert frame["county"].to_list() == ["620622", "620623", None]
    assert frame["_issues"].to_list() == [[], [], ["county:unknown_county"]]


def test_a_file_still_being_written_is_listed_as_incomplete_not_read(landing):
    import threading
    import time

    done = write_text(landing / "firms_done.csv", "统一社会信用代码,企业名称\nC1,甲\n")
    old = time.time() - 60
    os.utime(done, (old, old))
    growing = write_text(landing / "firms_growing.csv", "统一社会信用代码,企业名称\nC2,乙\n")

    def append() -> None:
        time.sleep(0.3)
        with growing.open("a", encoding="utf-8") as handle:
            handle.write("C3,丙\n")

    writer = threading.Thread(target=append)
    writer.start()
    found = {s.path: s for s in read_landing(landing, settle=1.0)}
    writer.join()
    assert found["firms_done.csv"].rejected is None and found["firms_done.csv"].rows_read == 1
    assert found["firms_growing.csv"].reject_rule == "incomplete"
    assert "仍在写入" in found["firms_growing.csv"].rejected and found["firms_growing.csv"].frame is None
    # once it has settled, the next build reads it whole
    later = {s.path: s for s in read_landing(landing, settle=0.2)}
    assert later["firms_growing.csv"].rows_read == 2


def test_the_settle_time_is_a_setting():
    assert settle_seconds() == 2.0


def test_a_file_complete_but_without_a_final_line_end_is_read(landing):
    path = write_text(landing / "firms.csv", "统一社会信用代码,企业名称\nC1,甲\nC2,乙")
    assert read(path, landing).rows_read == 2


def test_a_csv_cut_in_its_last_row_is_rejected_not_loaded_in_part(landing):
    path = write_text(landing / "firms.csv", "统一社会信用代码,企业名称,注册地\nC1,甲,民勤\nC2,乙")
    source = read(path, landing)
    assert (source.reject_rule, source.frame) == ("truncated", None)
    assert "第 3 行" in source.rejected and "line 3" in source.rejected


def test_two_row_header_in_a_csv(landing):
    path = write_text(landing / "compounds_2024-05.csv",
                      "小区编码,小区名称,县区,街道/乡镇,管理方式,户数,\n"
                      ",,,,,总户数,入住户数\n"
                      "A1,甲,凉州区,东大街,专业物业,120,100\n")
    source = read(path, landing)
    assert source.rows_read == 1
    assert source.frame.select("households", "occupied_households").row(0) == (120, 100)
    assert source.header_map["入住户数"] == "occupied_households"


def test_a_repeated_header_below_the_header_is_not_a_second_header_row(landing):
    header = "小区编码,小区名称,县区,街道/乡镇,总户数,管理方式\n"
    path = write_text(landing / "compounds_2024-05.csv", header + header + "A1,甲,凉州区,东大街,120,专业物业\n")
    source = read(path, landing)
    assert source.rows_read == 1 and source.skipped["repeated_header"] == 1


def test_an_odd_quote_inside_an_unquoted_cell_is_not_called_a_cut(landing):
    # Polars cannot read a stray quote (the file is malformed), but it was not cut short
    path = write_text(landing / "firms.csv", '统一社会信用代码,企业名称,注册地\nC1,甲"好"物业,民勤\nC2,乙"物业,民勤\n')
    assert read(path, landing).reject_rule == "unreadable"


def test_a_modification_time_in_the_future_does_not_stall_the_reader(landing):
    import time

    path = write_text(landing / "firms.csv", "统一社会信用代码,企业名称\nC1,甲\n")
    ahead = time.time() + 3600
    os.utime(path, (ahead, ahead))
    started = time.monotonic()
    (source,) = read_landing(landing, settle=0.5)
    assert time.monotonic() - started < 2 and source.rows_read == 1


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-16"])
def test_a_csv_cut_in_the_middle_of_a_character_is_truncated_not_an_encoding_error(landing, encoding):
    text = "统一社会信用代码,企业名称,注册地\nC1,甲物业,民勤\nC2,乙物业,民勤县\n"
    if encoding == "utf-16":
        text = text.replace(",", "\t")
    content = text.encode(encoding)
    cut = content[:-(3 if encoding == "utf-16" else 2)]  # the line end, and half of 县
    path = landing / "firms.csv"
    path.write_bytes(cut)
    source = read(path, landing)
    assert source.reject_rule == "truncated", source.rejected
    assert "第 3 行" in source.rejected
