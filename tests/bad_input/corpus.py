"""The bad-input corpus: malformed ledger files, made here in code, each with its expected outcome.

Every item of DOMAIN.md section 7 and more. A case's file lands beside the golden fixture (in a
temporary landing folder, see conftest.py); its outcome is asserted exactly: a row loaded with a
value (and the warnings it carries), a row quarantined under a rule, or the file rejected with a
message naming the file and the rule or column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

F1 = "91620602MA71A0001H"   # the golden fixture's firms
F3 = "91620622MA73C0003B"   # a valid code of a firm not in the firms ledger
BAD_CHECK = "91620602MA71A0001J"

COMPOUND_HEADER = ["小区编码", "小区名称", "县区", "街道/乡镇", "总户数", "管理方式", "物业企业统一社会信用代码",
                   "经度", "纬度"]
COMPLAINT_HEADER = ["工单编号", "受理时间", "诉求类型", "状态", "小区编码", "县区", "办结时间", "诉求内容"]
INSPECTION_HEADER = ["检查编号", "季度", "检查日期", "县区", "小区编码", "发现问题数", "检查结果", "罚款金额"]
FIRM_HEADER = ["统一社会信用代码", "企业名称", "注册地", "本地/外地"]
RECTIFICATION_HEADER = ["问题编号", "问题来源", "小区编码", "发现日期", "整改期限", "整改状态", "销号日期"]
GRADE_HEADER = ["小区编码", "考评周期", "考评得分", "核定等级"]


def compound(compound_id: str, **changes: str) -> list[str]:
    """A good 古浪 compound row; keyword arguments replace cells by header."""
    row = dict(zip(COMPOUND_HEADER, [compound_id, f"古浪{compound_id}小区", "古浪县", "古浪镇", "120", "专业物业", F1,
                                     "102.88", "37.47"], strict=True))
    return list((row | changes).values())


def complaint(ticket: str, **changes: str) -> list[str]:
    row = dict(zip(COMPLAINT_HEADER, [ticket, "2024-12-01 09:00", "投诉", "已办结", "G01", "古浪县",
                                      "2024-12-02 09:00", "暖气不热"], strict=True))
    return list((row | changes).values())


def inspection(inspection_id: str, **changes: str) -> list[str]:
    row = dict(zip(INSPECTION_HEADER, [inspection_id, "2024Q4", "2024-11-20", "古浪县", "G01", "1", "责令整改", "0"],
                   strict=True))
    return list((row | changes).values())


def rectification(issue_id: str, **changes: str) -> list[str]:
    row = dict(zip(RECTIFICATION_HEADER, [issue_id, "日常巡查", "G01", "2024-11-01", "2024-12-01", "已销号",
                                          "2024-11-20"], strict=True))
    return list((row | changes).values())


def csv_bytes(*rows: list[str], encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(*rows: list, merges: tuple[tuple[int, int, int, int, str], ...] = ()) -> bytes:
    """A workbook with one sheet; numbers stay numbers; merges: (first row, first col, last row, last col, text)."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet("台账")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, int | float):
                    sheet.write_number(r, c, value)
                elif value is not None:
                    sheet.write_string(r, c, value)
        for first_row, first_col, last_row, last_col, text in merges:
            sheet.merge_range(first_row, first_col, last_row, last_col, text)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------- outcomes

@dataclass(frozen=True)
class Loaded:
    row: int
    column: str
    value: object
    warning: str | None = None   # a "column:rule" the row's _warnings must hold; None: no warnings at all


@dataclass(frozen=True)
class Quarantined:
    row: int
    rule: str
    column: str
    words: tuple[str, ...] = ()  # the message must name these


@dataclass(frozen=True)
class Rejected:
    rule: str
    words: tuple[str, ...]       # besides the file name, the message must name these


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    content: bytes
    outcomes: tuple[Loaded | Quarantined | Rejected, ...]
    ledger: str | None = None    # the ledger the reader must take the file for


def _compounds(tag: str, month: str, *rows: list[str], header: list[str] = COMPOUND_HEADER) -> tuple[str, bytes]:
    return f"古浪县_住宅小区物业管理台账_{month}_{tag}.csv", csv_bytes(header, *rows)


GOOD_XLSX = xlsx_bytes(COMPOUND_HEADER, compound("G20"), compound("G21"))
# A workbook saved with a password (made once with msoffcrypto-tool, password "wuwei").
ENCRYPTED_XLSX = (Path(__file__).parent / "files" / "encrypted.xlsx").read_bytes()
_today = date.today()
NEXT_MONTH = f"{_today.year + _today.month // 12}-{_today.month % 12 + 1:02d}"
SENT_ONCE = "古浪县_住宅小区物业管理台账_2024-08_sent.csv"
SENT_AGAIN = "古浪县_住宅小区物业管理台账_2024-08_sent_again.csv"
ORIGINAL = "古浪县_住宅小区物业管理台账_2024-07.csv"
CORRECTION = "古浪县_住宅小区物业管理台账_2024-07-更正.csv"  # sorts before the original it replaces
TWO_COUNTIES = ("古浪县_住宅小区物业管理台账_2024-09_shared.csv", "天祝县_住宅小区物业管理台账_2024-09_shared.csv")
COMPLAINTS_CUT = csv_bytes(COMPLAINT_HEADER, complaint("T001"), complaint("T002"), complaint("T003"))
QUOTED_CUT = csv_bytes(COMPLAINT_HEADER, complaint("T011"), complaint("T012", 诉求内容="暖气不热,楼道\n漏水"))


def utf16_tab_text(*rows: list[str]) -> bytes:
    """As Excel saves "Unicode text": UTF-16 little-endian with a BOM, tab-separated, CRLF."""
    return "\r\n".join("\t".join(row) for row in rows).encode("utf-16") + "\r\n".encode("utf-16-le")


def xlsx_rows_below(blank_rows: int, *rows: list) -> bytes:
    return xlsx_bytes(["古浪县住宅小区物业管理台账"], *([None] for _ in range(blank_rows)), *rows)


TWO_ROW_HEADER = [c for c in COMPOUND_HEADER if c != "总户数"] + ["户数", None]
SECOND_ROW = [None] * (len(COMPOUND_HEADER) - 1) + ["总户数", "入住户数"]

CASES = [
    # -- DOMAIN.md section 7 -------------------------------------------------------------------
    Case("title and 填报 lines above the header (the month from the title, not the filling date)",
         "古浪县_住宅小区物业管理台账_title.xlsx",
         xlsx_bytes(["古浪县住宅小区物业管理台账（2024年10月）"], ["填报单位：古浪县住建局　　填报日期：2024年11月5日"],
                    COMPOUND_HEADER, compound("G01"), compound("G02")),
         (Loaded(4, "as_of", date(2024, 10, 31)), Loaded(5, "compound_id", "G02")), "compounds"),
    Case("merged cells: the county written once for three rows",
         "古浪县_住宅小区物业管理台账_2024-10_merged.xlsx",
         xlsx_bytes(COMPOUND_HEADER, compound("G03", 县区=None), compound("G04", 县区=None), compound("G05", 县区=None),
                    merges=((1, 2, 3, 2, "古浪县"),)),
         (Loaded(2, "county", "620622"), Loaded(4, "county", "620622")), "compounds"),
    Case("a 合计 row at the bottom is not data",
         *_compounds("total", "2024-10", compound("G06"), compound("G07"), ["合计", "", "", "", "240", "", "", "", ""]),
         (Loaded(2, "households", 120), Loaded(3, "households", 120)), "compounds"),
    Case("blank rows between the data",
         *_compounds("blank", "2024-10", compound("G08"), [""] * 9, compound("G09")),
         (Loaded(2, "compound_id", "G08"), Loaded(4, "compound_id", "G09")), "compounds"),
    Case("full-width digits and ideographic spaces",
         *_compounds("fullwidth", "2024-10", compound("G10", 总户数="１２０", 小区名称="　全角小区　")),
         (Loaded(2, "households", 120), Loaded(2, "compound_name", "全角小区")), "compounds"),
    Case("dates as 2024/3/5, 2024年3月5日, 20240305 and an Excel serial number",
         "古浪县_业主大会业主委员会台账_2024-10_dates.csv",
         csv_bytes(["小区编码", "成立状态", "成立日期"], ["G01", "已成立", "2024/3/5"],
                   ["G02", "已成立", "2024年3月5日"], ["G03", "已成立", "20240305"], ["G04", "已成立", "45356"]),
         tuple(Loaded(row, "established_on", date(2024, 3, 5)) for row in (2, 3, 4, 5)), "committees"),
    Case("a rate written 85%",
         *_compounds("percent", "2024-10", [*compound("G11"), "85%"], header=[*COMPOUND_HEADER, "收缴率"]),
         (Loaded(2, "fee_collection_rate", 0.85),), "compounds"),
    Case("booleans as 有/无 and √",
         *_compounds("bool", "2024-10", [*compound("G12"), "有"], [*compound("G13"), "无"], [*compound("G14"), "√"],
                     header=[*COMPOUND_HEADER, "有无电梯"]),
         (Loaded(2, "has_elevator", True), Loaded(3, "has_elevator", False), Loaded(4, "has_elevator", True)),
         "compounds"),
    Case("county names in variants in a city-wide file",
         "武威市_住宅小区物业管理台账_2024-10_variants.csv",
         csv_bytes(COMPOUND_HEADER, compound("G15", 县区="古浪"), compound("G16", 县区="武威市古浪县"),
                   compound("G17", 县区="620622")),
         (Loaded(2, "county", "620622"), Loaded(3, "county", "620622"), Loaded(4, "county", "620622")), "compounds"),
    Case("a CSV in GBK",
         "武威市12345热线物业工单_2024-12_gbk.csv",
         csv_bytes(COMPLAINT_HEADER, complaint("B001", 诉求内容="暖气不热请尽快处理"), encoding="gbk"),
         (Loaded(2, "content", "暖气不热请尽快处理"),), "complaints"),
    Case("a CSV in UTF-8 with a BOM",
         "武威市12345热线物业工单_2024-12_bom.csv",
         csv_bytes(COMPLAINT_HEADER, complaint("B002"), encoding="utf-8-sig"),
         (Loaded(2, "ticket_id", "B002"),), "complaints"),
    Case("a duplicated row: the first kept, the repeat quarantined",
         *_compounds("duplicate", "2024-11", compound("G18"), compound("G18")),
         (Loaded(2, "compound_id", "G18"), Quarantined(3, "duplicate_row", "compound_id,as_of")), "compounds"),
    Case("IDs with leading zeros lost (an Excel number) and Excel's 620622001001.0",
         "古浪县_住宅小区物业管理台账_2024-11_zeros.xlsx",
         xlsx_bytes(COMPOUND_HEADER, compound("0101"), [101, *compound("x")[1:]], [620622001001, *compound("x")[1:]]),
         (Loaded(3, "compound_id", "101", "compound_id:leading_zero_lost"), Loaded(4, "compound_id", "620622001001")),
         "compounds"),
    Case("cells beginning with = or @ (formula injection when exported again)",
         *_compounds("formula", "2024-11", compound("G19", 小区名称='=HYPERLINK("http://x.example","点我")'),
                     compound("G22", **{"街道/乡镇": "@SUM(A1)"})),
         (Loaded(2, "compound_name", '=HYPERLINK("http://x.example","点我")', "compound_name:formula_like"),
          Loaded(3, "town", "@SUM(A1)", "town:formula_like")),
         "compounds"),
    # -- more ------------------------------------------------------------------------------------
    Case("an empty file", "古浪县_住宅小区物业管理台账_2024-12_empty.csv", b"", (Rejected("empty", ("空",)),)),
    Case("a header and no data", *_compounds("header", "2024-12"), (Rejected("empty", ("只有表头",)),), "compounds"),
    Case("a table no ledger's header fits", "古浪县_统计表_2024-12.csv",
         csv_bytes(["序号", "项目", "金额"], ["1", "办公用品", "300"]), (Rejected("unknown_ledger", ("表头",)),)),
    Case("the wrong ledger: a firms table in a file named as compounds is read as firms",
         "古浪县_住宅小区物业管理台账_2024-12_firms.csv",
         csv_bytes(FIRM_HEADER, [F3, "古浪县新物业服务有限公司", "古浪县", "本地"]),
         (Loaded(2, "firm_credit_code", F3),), "firms"),
    Case("a required column missing", *_compounds("nohouseholds", "2024-12", compound("G23")[:4] + compound("G23")[5:],
                                                  header=COMPOUND_HEADER[:4] + COMPOUND_HEADER[5:]),
         (Rejected("missing_required_column", ("总户数", "households")),), "compounds"),
    Case("a snapshot with no month anywhere", "古浪县_住宅小区物业管理台账.csv",
         csv_bytes(COMPOUND_HEADER, compound("G24")), (Rejected("no_month", ("月份",)),), "compounds"),
    Case("a truncated XLSX", "古浪县_住宅小区物业管理台账_2024-12_truncated.xlsx", GOOD_XLSX[:600],
         (Rejected("unreadable", ("Excel",)),)),
    Case("a CSV mixing UTF-8 and GBK lines",
         "武威市12345热线物业工单_2024-12_mixed.csv",
         csv_bytes(COMPLAINT_HEADER, complaint("B003")) + csv_bytes(complaint("B004"), encoding="gbk"),
         (Rejected("encoding", ("第 3 行", "line 3")),)),
    Case("a CSV row with more fields than the header, below the first 50 lines",
         "武威市12345热线物业工单_2024-12_ragged.csv",
         csv_bytes(COMPLAINT_HEADER, *(complaint(f"BR{i:02d}") for i in range(55)),
                   [*complaint("BR99"), "多余", "字段"]),
         (Rejected("unreadable", ("第 57 行",)),), "complaints"),
    Case("a key twice in one file with different values",
         "武威市_物业服务企业台账_dupkey.csv",
         csv_bytes(FIRM_HEADER, [F3, "甲物业", "古浪县", "本地"], [F3, "乙物业", "古浪县", "本地"]),
         (Loaded(2, "firm_name", "甲物业"), Quarantined(3, "duplicate_key", "firm_credit_code")), "firms"),
    Case("credit codes: a wrong check character, 17 characters, a letter I",
         "武威市_物业服务企业台账_codes.csv",
         csv_bytes(FIRM_HEADER, [BAD_CHECK, "丙物业", "凉州区", "本地"], [F1[:17], "丁物业", "凉州区", "本地"],
                   ["91620602MA71AI001H", "戊物业", "凉州区", "本地"]),
         (Quarantined(2, "credit_code_check", "firm_credit_code"),
          Quarantined(3, "credit_code_format", "firm_credit_code"),
          Quarantined(4, "credit_code_format", "firm_credit_code")), "firms"),
    Case("a compound's firm code with a wrong check character is a warning",
         *_compounds("badcode", "2024-12", compound("G25", 物业企业统一社会信用代码=BAD_CHECK)),
         (Loaded(2, "firm_credit_code", BAD_CHECK, "firm_credit_code:credit_code_check"),), "compounds"),
    Case("impossible and implausible dates",
         "武威市12345热线物业工单_2024-12_dates.csv",
         csv_bytes(COMPLAINT_HEADER, complaint("B007", 受理时间="2024-02-30 09:00"),
                   complaint("B008", 受理时间="1900-01-01 09:00", 办结时间=""),
                   complaint("B009", 受理时间="2099-01-01 09:00", 办结时间=""),
                   complaint("B010", 办结时间="2052-12-02 09:00")),
         (Quarantined(2, "bad_date", "received_at"), Quarantined(3, "date_range", "received_at"),
          Quarantined(4, "date_range", "received_at"),
          Loaded(5, "closed_at", datetime(2052, 12, 2, 9), "closed_at:date_range")), "complaints"),
    Case("negative counts",
         "古浪县_双随机一公开检查记录_2024Q4_negative.csv",
         csv_bytes(INSPECTION_HEADER, inspection("IB1", 发现问题数="-1"), inspection("IB2", 罚款金额="-500")),
         (Quarantined(2, "range", "findings"), Loaded(3, "penalty_cny", -500.0, "penalty_cny:range")), "inspections"),
    Case("negative households",
         *_compounds("negative", "2024-12", compound("G26", 总户数="-5")),
         (Quarantined(2, "range", "households"),), "compounds"),
    Case("a snapshot month cell that cannot be read (the row cannot be placed); an empty one takes the file's",
         *_compounds("asof", "2024-12", ["上月", *compound("G35")], ["", *compound("G36")],
                     header=["统计月份", *COMPOUND_HEADER]),
         (Quarantined(2, "bad_date", "as_of"), Loaded(3, "as_of", date(2024, 12, 31))), "compounds"),
    Case("a percent over 100",
         *_compounds("over100", "2024-12", [*compound("G27"), "120%"], header=[*COMPOUND_HEADER, "收缴率"]),
         (Loaded(2, "fee_collection_rate", 1.2, "fee_collection_rate:range"),), "compounds"),
    Case("an unknown county: an error where required, a warning where not",
         "武威市_住宅小区物业管理台账_2024-12_county.csv",
         csv_bytes(COMPOUND_HEADER, compound("G28", 县区="兰州市")),
         (Quarantined(2, "unknown_county", "county"),), "compounds"),
    Case("an unknown county in a complaint",
         "武威市12345热线物业工单_2024-12_county.csv",
         csv_bytes(COMPLAINT_HEADER, complaint("B011", 县区="兰州市")),
         (Loaded(2, "county", None, "county:unknown_county"),), "complaints"),
    Case("coordinates in another county",
         *_compounds("place", "2024-12", compound("G29", 经度="102.64", 纬度="37.93")),
         (Loaded(2, "lon", 102.64, "lon,lat:outside_county"),), "compounds"),
    Case("occupied households over households",
         *_compounds("occupied", "2024-12", [*compound("G30"), "150"], header=[*COMPOUND_HEADER, "入住户数"]),
         (Loaded(2, "occupied_households", 150, "occupied_households:occupied_le_households"),), "compounds"),
    Case("专业物业 without a firm code, and a firm code without 专业物业",
         *_compounds("firmcode", "2024-12", compound("G31", 物业企业统一社会信用代码=""),
                     compound("G32", 管理方式="社区托管")),
         (Quarantined(2, "firm_code_missing", "firm_credit_code"),
          Loaded(3, "management_mode", "社区托管", "firm_credit_code:firm_code_unexpected")), "compounds"),
    Case("a management mode not in the list; a required cell empty",
         *_compounds("values", "2024-12", compound("G33", 管理方式="物业公司"), compound("G34", 小区名称="")),
         (Quarantined(2, "allowed_values", "management_mode"), Quarantined(3, "required", "compound_name")),
         "compounds"),
    Case("a work order closed before it was received",
         "武威市12345热线物业工单_2024-12_closed.csv",
         csv_bytes(COMPLAINT_HEADER, complaint("B012", 办结时间="2024-11-30 09:00")),
         (Loaded(2, "ticket_id", "B012", "closed_at:closed_after_received"),), "complaints"),
    Case("a complaint naming an unknown compound stays, flagged",
         "武威市12345热线物业工单_2024-12_compound.csv",
         csv_bytes(COMPLAINT_HEADER, complaint("B013", 小区编码="X99")),
         (Loaded(2, "compound_id", "X99", "compound_id:unknown_compound"),), "complaints"),
    Case("rectifications: 已销号 without a date, a date without 已销号, a deadline before found, an unknown compound",
         "武威市_问题整改销号台账_2024-12_bad.csv",
         csv_bytes(RECTIFICATION_HEADER, rectification("RB1", 销号日期=""),
                   rectification("RB2", 整改状态="整改中"), rectification("RB3", 整改期限="2024-10-01"),
                   rectification("RB4", 小区编码="X99")),
         (Quarantined(2, "closed_on_missing", "closed_on"),
          Loaded(3, "status", "整改中", "closed_on:closed_on_unexpected"),
          Loaded(4, "deadline", date(2024, 10, 1), "deadline:deadline_after_found"),
          Loaded(5, "compound_id", "X99", "compound_id:unknown_compound")), "rectifications"),
    Case("a grade score over 100 and a period the warehouse cannot read",
         "古浪县_物业服务等级考评_2024H2_bad.csv",
         csv_bytes(GRADE_HEADER, ["G01", "2024H2", "105", "一级"], ["G02", "上半年2024", "85", "二级"]),
         (Quarantined(2, "range", "score"), Quarantined(3, "format", "period")), "grade_assessments"),
]

CASES += [
    # -- issue 11: nothing lost, nothing resolved in silence ---------------------------------------
    Case("a CSV cut short in its last row (still being copied): rejected, not loaded in part",
         "武威市12345热线物业工单_2024-11_cut.csv", COMPLAINTS_CUT[:-40],
         (Rejected("truncated", ("第 4 行", "line 4", "截断")),), "complaints"),
    Case("a CSV cut inside a quoted cell",
         "武威市12345热线物业工单_2024-11_cutquote.csv", QUOTED_CUT[:QUOTED_CUT.index(b"\n\xe6\xbc\x8f")],
         (Rejected("truncated", ("截断", "truncated")),), "complaints"),
    Case("a temporary name of a file being copied is listed, not read",
         "古浪县_住宅小区物业管理台账_2024-11_copying.csv.part", csv_bytes(COMPOUND_HEADER, compound("G43")),
         (Rejected("incomplete", ("临时文件名", "temporary name")),)),
    Case("a future month is refused",
         f"古浪县_住宅小区物业管理台账_{NEXT_MONTH}_future.csv", csv_bytes(COMPOUND_HEADER, compound("G44")),
         (Rejected("future_month", (NEXT_MONTH, "晚于当前月份")),), "compounds"),
    Case("another county's row in a county's file is quarantined, naming both",
         *_compounds("otherrow", "2024-06", compound("G45"), compound("L45", 县区="凉州区")),
         (Loaded(2, "compound_id", "G45"), Quarantined(3, "county_mismatch", "county", ("凉州区", "古浪县"))),
         "compounds"),
    Case("the same compound id in two counties' files: both quarantined, each naming both files",
         TWO_COUNTIES[0], csv_bytes(COMPOUND_HEADER, compound("X50")),
         (Quarantined(2, "key_in_two_counties", "compound_id,as_of", TWO_COUNTIES),), "compounds"),
    Case("… and the other county's file",
         TWO_COUNTIES[1], csv_bytes(COMPOUND_HEADER, compound("X50", 县区="天祝县", 经度="103.138", 纬度="36.971")),
         (Quarantined(2, "key_in_two_counties", "compound_id,as_of", TWO_COUNTIES),), "compounds"),
    Case("a file name saying one month and a title saying another is rejected, naming both",
         "古浪县_住宅小区物业管理台账_2024-10_conflict.xlsx",
         xlsx_bytes(["古浪县住宅小区物业管理台账（2024年11月）"], COMPOUND_HEADER, compound("G46")),
         (Rejected("month_conflict", ("2024-10", "2024-11")),), "compounds"),
    Case("a file sent once", SENT_ONCE, csv_bytes(COMPOUND_HEADER, compound("G47")),
         (Loaded(2, "compound_id", "G47"),), "compounds"),
    Case("… and the same bytes sent again under another name: a duplicate, its rows not loaded twice",
         SENT_AGAIN, csv_bytes(COMPOUND_HEADER, compound("G47")),
         (Rejected("duplicate_file", (SENT_ONCE, "重复报送")),), "compounds"),
    Case("an original replaced by its correction", ORIGINAL, csv_bytes(COMPOUND_HEADER, compound("G48")),
         (Rejected("superseded", (CORRECTION, "更正版", "replaced")),), "compounds"),
    Case("… the correction wins, though it sorts first", CORRECTION,
         csv_bytes(COMPOUND_HEADER, compound("G48", 总户数="130")), (Loaded(2, "households", 130),), "compounds"),
    Case("an original replaced by a correction its title names (更正)", "古浪县_住宅小区物业管理台账_2024-05.csv",
         csv_bytes(COMPOUND_HEADER, compound("G54")),
         (Rejected("superseded", ("古浪县_住宅小区物业管理台账_2024-05_v2.xlsx",)),), "compounds"),
    Case("… the correction", "古浪县_住宅小区物业管理台账_2024-05_v2.xlsx",
         xlsx_bytes(["古浪县住宅小区物业管理台账（2024年5月）（更正）"], COMPOUND_HEADER,
                    compound("G54", 总户数="125")),
         (Loaded(3, "households", 125),), "compounds"),
    Case("a UTF-16 tab-separated .txt (Excel's Unicode text) is read",
         "武威市12345热线物业工单_2024-12_unicode.txt", utf16_tab_text(COMPLAINT_HEADER, complaint("T021")),
         (Loaded(2, "ticket_id", "T021"),), "complaints"),
    Case("an unknown file type is listed as rejected",
         "古浪县_住宅小区物业管理台账_2024-12.pdf", b"%PDF-1.7\n",
         (Rejected("file_type", ("不是台账文件类型", "not a ledger file type")),)),
    Case("an encrypted workbook: a plain message, no library internals",
         "古浪县_住宅小区物业管理台账_2024-12_encrypted.xlsx", ENCRYPTED_XLSX,
         (Rejected("encrypted", ("密码保护", "encrypted")),)),
    Case("a semicolon-separated CSV is read",
         "古浪县_住宅小区物业管理台账_2024-06_semicolon.csv",
         ";".join(COMPOUND_HEADER).encode() + b"\n" + ";".join(compound("G49")).encode() + b"\n",
         (Loaded(2, "compound_id", "G49"), Loaded(2, "households", 120)), "compounds"),
    Case("a header below row 15 is found",
         "古浪县_住宅小区物业管理台账_2024-06_deep.xlsx", xlsx_rows_below(19, COMPOUND_HEADER, compound("G51")),
         (Loaded(22, "compound_id", "G51"),), "compounds"),
    Case("no header in the first 50 rows: said so, not 'missing all the required columns'",
         "古浪县_住宅小区物业管理台账_2024-06_noheader.xlsx", xlsx_rows_below(60, COMPOUND_HEADER, compound("G52")),
         (Rejected("no_header", ("前 50 行", "first 50 rows")),), "compounds"),
    Case("a two-row header (户数 over 总户数 and 入住户数) is combined; its second row is not data",
         "古浪县_住宅小区物业管理台账_2024-06_tworows.xlsx",
         xlsx_bytes(TWO_ROW_HEADER, SECOND_ROW,
                    [*compound("G53")[:4], *compound("G53")[5:], "120", "100"],
                    merges=((0, 8, 0, 9, "户数"),)),
         (Loaded(3, "households", 120), Loaded(3, "occupied_households", 100)), "compounds"),
]

# The carry-forward case: 民勤县's latest compounds file (2025-01) arrives without its households column.
MINQIN_LATEST = "民勤县_住宅小区物业管理台账_2025-01.csv"
