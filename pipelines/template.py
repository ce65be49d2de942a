"""Ledger templates (.xlsx) made from the one ledger declaration (contract/ledgers.py).

A template is what a county fills in and sends back; filled with valid rows it passes the quality
gate without a finding. Its first sheet (named after the ledger) has a title row naming the county
(and the month, if one is given) and the Chinese headers, both locked, frozen above the data; the data
cells are unlocked. Every column has an input message (what to write, from the declaration and the
quality suites' ranges), and Excel checks what it can as it is typed:

    enum, bool  a drop-down of the declared values (是/否, or the bool column's own two words)
    county      a drop-down of the region's counties (only the county's own, in a county's template)
    town        a drop-down of the county's towns (towns.csv); another name is allowed after a warning
    int, float  whole or decimal numbers within the column's declared range (low, high)
    rate        a decimal 0..1 in a percent format (85% is 0.85)
    date(time)  a date between the suites' earliest and latest date
    code        text (leading zeros kept); a credit code 18 characters long

The lists live on a hidden sheet (the reader skips hidden sheets). A 填表说明 sheet explains the
columns in Chinese and English. Custom document properties name the ledger, county, month and
template version (`version`: changes whenever the ledger's declared columns change), so a file
sent back can be traced to the template it was made from.

The build writes every template into <data>/templates/ (`write_all`), for the app to offer: the
dashboard never imports the pipeline.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import xlsxwriter

from contract import location
from contract.ledgers import LEDGERS, Column, Ledger

FORMAT = 1               # bump when the layout below changes
TITLE_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2
LAST_ROW = 1_048_575     # Excel's last row (0-based): validations and formats cover every row below the header
LIST_SHEET = "lists"
GUIDE_SHEET = "填表说明"
BOOL_WORDS = ("是", "否")
PERIOD_WORDS = {"month": ("每月", "monthly"), "quarter": ("每季度", "quarterly"),
                "half_year": ("每半年", "half-yearly")}
NUMBER_FORMATS = {"int": "0", "float": "General", "rate": "0%", "date": "yyyy-mm-dd",
                  "datetime": "yyyy-mm-dd hh:mm"}
INT_LIMIT = 2_147_483_647  # Excel's whole-number validation needs bounds: these stand for "none"
DECIMAL_LIMIT = 1e15


@dataclass(frozen=True)
class Region:
    city: tuple[str, str]             # (adcode, name)
    counties: dict[str, str]          # adcode -> name, in counties.csv order
    towns: dict[str, tuple[str, ...]]  # county adcode -> its towns, in towns.csv order


def region(reference: Path = location.REFERENCE) -> Region:
    with open(reference / "counties.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    city = next((r["adcode"], r["name_zh"]) for r in rows if r["level"] == "city")
    counties = {r["adcode"]: r["name_zh"] for r in rows if r["level"] == "county"}
    towns: dict[str, list[str]] = {code: [] for code in counties}
    with open(reference / "towns.csv", encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            towns.setdefault(r["county_code"], []).append(r["town"])
    return Region(city, counties, {code: tuple(names) for code, names in towns.items()})


def version(ledger: Ledger) -> str:
    """FORMAT and a digest of the ledger's declared columns: a changed column makes a new version."""
    declared = repr([(c.name, c.zh, c.kind, c.required, c.values) for c in ledger.columns])
    return f"{FORMAT}.{hashlib.sha256(declared.encode()).hexdigest()[:8]}"


def period_label(ledger: Ledger, month: date) -> str:
    """How a file name writes the ledger's period that contains `month`: 2024-03, 2024Q1, 2024H1 (the
    forms the reader takes a file's month from)."""
    if ledger.cadence == "quarter":
        return f"{month.year}Q{(month.month - 1) // 3 + 1}"
    if ledger.cadence == "half_year":
        return f"{month.year}H{1 if month.month <= 6 else 2}"
    return f"{month:%Y-%m}"


def _title_period(ledger: Ledger, month: date) -> str:
    if ledger.cadence == "quarter":
        return f"{month.year}年第{(month.month - 1) // 3 + 1}季度"
    if ledger.cadence == "half_year":
        return f"{month.year}年{'上' if month.month <= 6 else '下'}半年"
    return f"{month.year}年{month.month}月"


def scope_name(county: str | None, places: Region) -> str:
    return places.counties[county] if county else places.city[1]


def file_name(ledger: Ledger, county: str | None, month: date | None = None, places: Region | None = None) -> str:
    """凉州区_住宅小区物业管理台账_2024-03.xlsx: the reader finds the county, ledger and month in it."""
    places = places or region()
    parts = [scope_name(county, places), ledger.zh, *([period_label(ledger, month)] if month else [])]
    return "_".join(parts) + ".xlsx"


def scopes(ledger: Ledger, places: Region) -> list[str | None]:
    """The templates made for a ledger: the whole city's (None), and each county's own if counties send it."""
    return [None, *places.counties] if ledger.reported_by == "county" else [None]


def lists(ledger: Ledger, county: str | None, places: Region) -> dict[str, tuple[str, ...]]:
    """column -> the drop-down list a template offers for it."""
    found: dict[str, tuple[str, ...]] = {}
    for c in ledger.columns:
        if c.kind == "enum":
            found[c.name] = c.values
        elif c.kind == "bool":
            found[c.name] = c.values or BOOL_WORDS
        elif c.kind == "county":
            found[c.name] = (places.counties[county],) if county else tuple(places.counties.values())
        elif c.name == "town":
            found[c.name] = places.towns.get(county, ()) if county else tuple(
                town for towns in places.towns.values() for town in towns)
    return {name: values for name, values in found.items() if values}


@dataclass(frozen=True)
class _Bounds:
    low: float | None
    high: float | None
    strict_low: bool = False


def _bounds(ledger: Ledger, c: Column, today: date) -> _Bounds | None:
    """The range the quality suites hold the column to (numbers and dates); None for other kinds."""
    from expectations import suites  # the rules' own ranges: imported when a template is made, not with the CLI

    if c.kind in ("date", "datetime"):
        days = suites.PLANNED_DAYS_AHEAD if c.name in suites.PLANNED_DATES else suites.EVENT_DAYS_AHEAD
        return _Bounds(suites.EARLIEST_DATE.toordinal(), (today + timedelta(days=days)).toordinal())
    if c.kind not in ("int", "float", "rate"):
        return None
    low, high = c.low, today.year if c.up_to_this_year else c.high
    if c.kind == "rate":
        low, high = 0 if low is None else low, 1 if high is None else high
    return _Bounds(low, high, c.low_exclusive)


def _format_hint(c: Column) -> tuple[str, str] | None:
    return (f"写作 {c.pattern[1]} 这样的形式", f"written like {c.pattern[1]}") if c.pattern else None


def _needed(ledger: Ledger, c: Column) -> bool:
    return c.required or c.name in ledger.key


def requirement(ledger: Ledger, c: Column, options: tuple[str, ...] | None, today: date) -> tuple[str, str]:
    """What to write in a column, in Chinese and English (the input message and the 填表说明)."""
    from expectations.suites import KIND_EN, KIND_ZH

    zh: list[str] = []
    en: list[str] = []
    if ledger.snapshot and c.name == "as_of":
        zh.append("可留空：按标题或文件名中的月份计入；填写时全表须为同一个月")
        en.append("may be left empty: the month of the title or file name is taken; if filled, one month for all rows")
    elif _needed(ledger, c):
        zh.append("必填")
        en.append("required")
    else:
        zh.append("选填")
        en.append("optional")
    if options is not None:
        zh.append("从下拉列表中选择：" + "、".join(options[:12]) + ("等" if len(options) > 12 else ""))
        en.append("choose from the list: " + ", ".join(options[:12]) + (", …" if len(options) > 12 else ""))
    elif c.kind in KIND_ZH:
        zh.append(KIND_ZH[c.kind])
        en.append(KIND_EN[c.kind])
    else:
        zh.append("文本")
        en.append("text")
    bounds = _bounds(ledger, c, today)
    if bounds and c.kind in ("date", "datetime"):
        first, last = date.fromordinal(int(bounds.low)), date.fromordinal(int(bounds.high))
        example = "2024-03-05 09:30" if c.kind == "datetime" else "2024-03-05"
        zh.append(f"如 {example}，在 {first} 至 {last} 之间")
        en.append(f"such as {example}, between {first} and {last}")
    elif bounds and (bounds.low is not None or bounds.high is not None):
        low = "" if bounds.low is None else f"{'大于' if bounds.strict_low else '不小于'} {bounds.low:g}"
        high = "" if bounds.high is None else f"不大于 {bounds.high:g}"
        zh.append("，".join(part for part in (low, high) if part))
        low_en = "" if bounds.low is None else f"{'above' if bounds.strict_low else 'at least'} {bounds.low:g}"
        high_en = "" if bounds.high is None else f"at most {bounds.high:g}"
        en.append(", ".join(part for part in (low_en, high_en) if part))
    if c.kind == "rate":
        zh.append("85% 即 0.85")
        en.append("85% is 0.85")
    if c.name == "firm_credit_code":
        zh.append("18 位，末位为校验码（GB 32100-2015）")
        en.append("18 characters, the last a check character (GB 32100-2015)")
    if c.pii:
        zh.append("个人信息：入库前加密，不以明文保存")
        en.append("personal data: hashed before it is stored, never kept in clear text")
    if hint := _format_hint(c):
        zh.append(hint[0])
        en.append(hint[1])
    return "；".join(zh) + "。", "; ".join(en) + "."


def _validation(ledger: Ledger, c: Column, list_name: str | None, message: str, today: date) -> dict:
    """The Excel data validation of a column's data cells."""
    base = {"input_title": c.zh[:32], "input_message": message[:255], "error_title": c.zh[:32]}
    if list_name:
        warn = c.name == "town"  # a town missing from the region pack is allowed, after a warning
        return base | {"validate": "list", "source": f"={list_name}", "error_type": "warning" if warn else "stop",
                       "error_message": "请从下拉列表中选择" + ("（如确为其他街道/乡镇可继续）" if warn else "")}
    bounds = _bounds(ledger, c, today)
    if c.kind in ("date", "datetime"):
        first, last = (datetime.combine(date.fromordinal(int(day)), time()) for day in (bounds.low, bounds.high))
        return base | {"validate": "date", "criteria": "between", "minimum": first,
                       "maximum": last + timedelta(days=1) - timedelta(seconds=1),
                       "error_message": f"请填写 {first:%Y-%m-%d} 至 {last:%Y-%m-%d} 之间的日期"}
    if bounds is not None:
        whole = c.kind == "int"
        limit = INT_LIMIT if whole else DECIMAL_LIMIT
        low = -limit if bounds.low is None else bounds.low
        high = limit if bounds.high is None else bounds.high
        rule = {"criteria": "between", "minimum": low, "maximum": high}
        if bounds.strict_low and bounds.high is None:
            rule = {"criteria": ">", "value": low}
        return base | {"validate": "integer" if whole else "decimal", **rule,
                       "error_message": f"请填写{'整数' if whole else '数字'}（{message}）"[:255]}
    if c.name == "firm_credit_code":
        return base | {"validate": "length", "criteria": "==", "value": 18,
                       "error_message": "统一社会信用代码为 18 位"}
    return base | {"validate": "any"}


def template_bytes(ledger: Ledger, county: str | None = None, month: date | None = None,
                   today: date | None = None, places: Region | None = None) -> bytes:
    """The template of `ledger` for `county` (None: the whole city), for `month` if given (its title then
    names the period, and a snapshot's 统计月份 must lie in it)."""
    places = places or region()
    today = today or location.today()
    if county is not None and county not in places.counties:
        raise ValueError(f"未知县区代码 | Unknown county adcode: {county}")
    who = scope_name(county, places)
    title = f"{who}{ledger.zh}" + (f"（{_title_period(ledger, month)}）" if month else "")
    options = lists(ledger, county, places)
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                      "strings_to_numbers": False}) as book:
        book.set_properties({"title": title, "subject": ledger.zh, "author": who, "company": places.city[1],
                             "comments": f"{ledger.en} template, version {version(ledger)}"})
        for name, value in (("ledger", ledger.name), ("ledger_zh", ledger.zh), ("county", county or ""),
                            ("month", f"{month:%Y-%m}" if month else ""), ("template_version", version(ledger))):
            book.set_custom_property(name, value)
        data = book.add_worksheet(ledger.zh[:31])
        guide = book.add_worksheet(GUIDE_SHEET)
        hidden = book.add_worksheet(LIST_SHEET)
        hidden.hide()
        names = _write_lists(book, hidden, options)
        messages = {c.name: requirement(ledger, c, options.get(c.name), today) for c in ledger.columns}
        _write_data_sheet(book, data, ledger, title, names, messages, month, today)
        _write_guide(book, guide, ledger, title, county, month, messages, places)
        data.activate()
    return buffer.getvalue()


def _write_lists(book, sheet, options: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Each list in its own column of the hidden sheet, under a defined name; column -> that name."""
    names = {}
    for index, (column, values) in enumerate(options.items()):
        sheet.write_column(0, index, values)
        letter = xlsxwriter.utility.xl_col_to_name(index)
        names[column] = f"list_{column}"
        book.define_name(names[column], f"={LIST_SHEET}!${letter}$1:${letter}${len(values)}")
    return names


def _write_data_sheet(book, sheet, ledger: Ledger, title: str, list_names: dict[str, str],
                      messages: dict[str, tuple[str, str]], month: date | None, today: date) -> None:
    width = len(ledger.columns)
    title_format = book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter",
                                    "locked": True})
    header = {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
              "bg_color": "#DDEBF7", "locked": True}
    header_formats = {True: book.add_format(header | {"font_color": "#C00000"}), False: book.add_format(header)}
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, max(width - 1, 1), title, title_format)
    sheet.set_row(TITLE_ROW, 30)
    sheet.set_row(HEADER_ROW, 36)
    cell_formats: dict[str, object] = {}
    for index, c in enumerate(ledger.columns):
        kind = "text" if c.kind not in NUMBER_FORMATS else c.kind
        if kind not in cell_formats:
            cell_formats[kind] = book.add_format({"locked": False, "num_format": NUMBER_FORMATS.get(kind, "@")})
        sheet.set_column(index, index, _width(c), cell_formats[kind])
        sheet.write_string(HEADER_ROW, index, c.zh, header_formats[_needed(ledger, c)])
        rule = _validation(ledger, c, list_names.get(c.name), messages[c.name][0], today)
        if ledger.snapshot and c.name == "as_of" and month:
            first = datetime(month.year, month.month, 1)
            rule |= {"minimum": first, "maximum": datetime.combine(_month_end(month), time(23, 59, 59)),
                     "error_message": f"统计月份须在 {month:%Y-%m} 内"}
        sheet.data_validation(FIRST_DATA_ROW, index, LAST_ROW, index, rule)
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True, "insert_rows": True, "delete_rows": True,
                       "sort": True, "autofilter": True})


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _width(c: Column) -> int:
    if c.kind in ("date", "datetime"):
        return 17 if c.kind == "datetime" else 12
    if c.name in ("address", "content", "description", "items", "firm_name", "compound_name", "compound_ids"):
        return 28
    if c.name == "firm_credit_code":
        return 22
    return max(10, min(2 * len(c.zh) + 2, 20))


def _write_guide(book, sheet, ledger: Ledger, title: str, county: str | None, month: date | None,
                 messages: dict[str, tuple[str, str]], places: Region) -> None:
    bold = book.add_format({"bold": True})
    heading = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    cadence = PERIOD_WORDS.get(ledger.cadence)
    due = _deadline_day()
    sheet.write_string(0, 0, f"{title} 填表说明 | How to fill in this template", heading)
    facts = [
        ("台账 Ledger", f"{ledger.zh} | {ledger.en}"),
        ("县区 County", scope_name(county, places) + (f"（{county}）" if county else "（全市各县区）")),
        ("月份 Month", f"{month:%Y-%m}" if month else "见文件名或统计月份 | from the file name or the as-of column"),
        ("报送 Due", f"{cadence[0]}结束后次月 {due} 日前 | {cadence[1]}, by day {due} of the following month"
         if cadence else "有变化时报送 | when something changes"),
        ("模板版本 Version", version(ledger)),
    ]
    for row, (label, text) in enumerate(facts, start=2):
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, text)
    steps = [
        f"1. 在“{ledger.zh[:31]}”工作表第 {FIRST_DATA_ROW + 1} 行起，一行填写一条记录；标题行和表头已锁定，请勿修改。"
        f" | Fill in one record a row from row {FIRST_DATA_ROW + 1} of the first sheet; the title and header "
        "rows are locked.",
        "2. 红色表头为必填列。有下拉箭头的列从列表中选择；日期写作 2024-03-05；编码列按文本保存，开头的 0 会保留。"
        " | Red headers are required. Choose from the list where there is one; write dates as 2024-03-05; "
        "codes are kept as text, leading zeros included.",
        "3. 文件名保留县区、台账名称和月份（如 凉州区_住宅小区物业管理台账_2024-03.xlsx），系统据此识别；"
        "同一期重报时在文件名中注明“更正”。 | Keep the county, ledger and month in the file name, as above; "
        "mark a resent file 更正 (correction).",
        "4. 报送前可先检查：python -m pipelines check 文件名。 | Check a file before sending it: "
        "python -m pipelines check FILE.",
    ]
    row = len(facts) + 3
    for step in steps:
        sheet.merge_range(row, 0, row, 3, step, wrap)
        sheet.set_row(row, 48)
        row += 1
    row += 1
    sheet.write_row(row, 0, ["列 Column", "字段 Field", "填写要求", "Requirement"], head)
    for c in ledger.columns:
        row += 1
        zh, en = messages[c.name]
        sheet.write_row(row, 0, [c.zh, c.name, zh, en], wrap)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 3, 60)


def _deadline_day() -> int:
    """settings.csv `reporting_deadline_day`: a period is due by this day of the following month."""
    with open(location.REFERENCE / "settings.csv", encoding="utf-8", newline="") as handle:
        values = {row["key"]: row["value"] for row in csv.DictReader(handle)}
    return int(values["reporting_deadline_day"])


def write(path: Path, content: bytes) -> Path:
    """Write atomically: the app never offers half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    draft.write_bytes(content)
    os.replace(draft, path)
    return path


def write_all(today: date | None = None) -> list[Path]:
    """Every ledger's templates (the city's, and each county's own) into <data>/templates/
    (location.template_path); templates no longer made are removed."""
    places = region()
    written = [write(location.template_path(ledger.name, county or places.city[0]),
                     template_bytes(ledger, county, None, today, places))
               for ledger in LEDGERS.values() for county in scopes(ledger, places)]
    for stale in set(location.templates_dir().glob("*.xlsx")) - set(written):
        stale.unlink(missing_ok=True)
    return written
