"""Read one ledger file as a county sent it into a `SourceFile`: which ledger, which month,
which county, and a typed Polars frame of its data rows.

Files: *.xlsx / *.xlsm / *.xls (every cell read as text with fastexcel/calamine, so nothing is
lost to type guessing) and *.csv (UTF-8 with or without BOM, else GB18030, a superset of GBK;
comma- or tab-separated). In a workbook the first sheet with a recognisable header row is used.

Layout of a sheet: optional title lines ("凉州区住宅小区物业管理台账", "填报单位：… 填报日期：…"),
then the header row: the first of the first 15 rows in which at least 3 cells, or all the
required columns, match a ledger's headers (`Column.headers`, compared without spaces,
full-width forms, "*" marks and unit suffixes such as "（㎡）" or "(元)"). Below the header,
rows are data except: blank rows, total rows (合计/总计/小计/共计), repeated header rows and
footer notes (填表人：…, 审核人：…, 说明：…); these are counted in `SourceFile.skipped`.

Which ledger: the longest `Ledger.title_words` found in the title lines, the sheet name or the
file's path (folders included); else the ledger whose headers the header row matches best.

Reporting month, first found of:
  1. title lines: 2024年3月, 2024年03月, 2024年3月31日, 2024-03, 2024年第3季度 / 2024年三季度 (->
     September), 2025年上半年 / 下半年 (-> June / December); dates after 填报日期/填表日期/
     报送日期/制表日期 are ignored (they say when the form was filled in, not what month it covers)
  2. the file's path: 2024-03, 2024_03, 2024.03, 202403, 2024年3月, 2024Q3, 2024H1 (and the
     title forms)
  3. snapshot ledgers (compounds, committees): the as_of column, if it holds one single month;
     other ledgers: the latest month in the ledger's main date column (MAIN_DATE_COLUMN)
  A month is returned as its last day. A snapshot file whose month cannot be told is rejected.

County of the file: the county names (counties.csv variants, longest first) or adcodes found in
the title lines and sheet name, else in the path; one county -> its adcode; none, the city alone
("武威市") or several different counties -> None.

Row numbers (`_row`): in a workbook the Excel row number; in a CSV the line number counting the
file's first line as 1 (so with the header on the first line, the first data row is 2; a quoted
cell that spans lines moves the following rows down accordingly).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import fastexcel
import polars as pl

from pipelines import normalise as nz
from pipelines.ledgers import LEDGERS, Column, Ledger
from warehouse.location import data_dir

LEDGER_FILE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
HEADER_SEARCH_ROWS = 15
MIN_HEADER_MATCHES = 3
PII_KEY_COLUMN = "complainant_key"
BOOKKEEPING_COLUMNS = ("_row", "_original", "_issues")
SKIP_REASONS = ("blank", "total", "repeated_header", "footer")

# The column whose latest month is the reporting month of a non-snapshot file with no month in
# its title or name.
MAIN_DATE_COLUMN = {
    "complaints": "received_at", "inspections": "inspected_on", "rectifications": "found_on",
    "mediations": "opened_on", "joint_meetings": "held_on", "credit_events": "occurred_on",
    "utilities": "as_of", "grade_assessments": "period",
}


@dataclass
class SourceFile:
    path: str                   # path relative to the landing folder, POSIX style
    sha256: str                 # of the file bytes
    ledger: str | None          # a key of ledgers.LEDGERS, None if not identified
    month: date | None          # reporting month as its last day (e.g. 2024-03-31)
    county: str | None          # adcode when the file is one county's, else None
    rows_read: int              # data rows read
    skipped: dict[str, int]     # excluded non-data rows by reason (SKIP_REASONS)
    frame: pl.DataFrame | None  # None iff rejected
    rejected: str | None        # "中文…／English…" naming the file and the reason
    # unreadable | empty | unknown_ledger | missing_required_column | no_month | encoding
    reject_rule: str | None
    header_map: dict[str, str] = field(default_factory=dict)   # header text -> canonical column
    unmapped_headers: list[str] = field(default_factory=list)  # headers matching no column


class Rejected(Exception):
    """A file that cannot be loaded; `rule` is SourceFile.reject_rule."""

    def __init__(self, rule: str, zh: str, en: str):
        super().__init__(en)
        self.rule, self.zh, self.en = rule, zh, en


# ============================================================================ entry points

def landing_files(landing: Path) -> list[Path]:
    """Ledger files under `landing`, sorted by relative path; hidden and Office lock files left out."""
    files = [
        path for path in landing.rglob("*")
        if path.is_file() and path.suffix.lower() in LEDGER_FILE_SUFFIXES
        and not any(part.startswith((".", "~$")) for part in path.relative_to(landing).parts)
    ]
    return sorted(files, key=lambda path: path.relative_to(landing).as_posix())


def read_landing(landing: Path) -> Iterator[SourceFile]:
    for path in landing_files(landing):
        yield read_file(path, landing)


def read_file(path: Path, landing: Path) -> SourceFile:
    relative = path.relative_to(landing).as_posix()
    try:
        content = path.read_bytes()
    except OSError as error:
        content, problem = b"", Rejected(
            "unreadable", f"无法打开文件（{error.strerror}）", f"cannot open the file ({error.strerror})")
    else:
        problem = None
    result = SourceFile(relative, hashlib.sha256(content).hexdigest(), None, None, None, 0,
                        dict.fromkeys(SKIP_REASONS, 0), None, None, None)
    try:
        if problem:
            raise problem
        _read_into(result, path, content)
    except Rejected as rejection:
        result.frame = None
        result.rejected = f"文件 {relative}：{rejection.zh}／File {relative}: {rejection.en}"
        result.reject_rule = rejection.rule
    return result


def _read_into(result: SourceFile, path: Path, content: bytes) -> None:
    """Fill `result` from the file content, or raise Rejected (leaving what was learnt in result)."""
    sheet, header_index, ledger = _locate_header(_sheets(path, content), result.path)
    result.ledger = ledger.name
    title_text = " ".join([*(_row_text(row) for row in sheet.head[:header_index]), sheet.name or ""])
    result.county = county_from_text(title_text) or county_from_text(result.path)
    title_month = month_from_text(title_text) or month_from_text(result.path)

    header = _Header(sheet.head[header_index], ledger, sheet.column_label)
    result.header_map, result.unmapped_headers = header.header_map(), header.unmapped()
    _check_required_columns(ledger, header, result.county)

    body, row_numbers = sheet.body(header_index)
    cleaned = body.select(nz.clean_text(body[name]) for name in body.columns)
    reasons = _skip_reasons(cleaned, header)
    result.skipped = {reason: int((reasons == reason).sum()) for reason in SKIP_REASONS}
    keep = reasons.is_null()
    body, cleaned, row_numbers = body.filter(keep), cleaned.filter(keep), row_numbers.filter(keep)
    result.rows_read = body.height
    if body.height == 0:
        raise Rejected("empty", "只有表头，没有数据行", "a header but no data rows")
    body = body.select(header.columns_to_keep(cleaned))
    result.unmapped_headers += header.unnamed_columns_with_data(cleaned)

    typed = _typed_columns(cleaned, header, ledger)
    result.month = title_month or _month_from_data(typed.frame, ledger)
    if ledger.snapshot and result.month is None:
        raise Rejected(
            "no_month",
            f"无法确定《{ledger.zh}》的报送月份：标题和文件名中没有“2024年3月”这类月份，统计月份列也不是同一个月",
            f"cannot tell the reporting month of this {ledger.en} snapshot: no month such as "
            "2024-03 in its title or file name, and its as_of column does not hold one single month")
    frame = _protect_personal_data(_fill_from_file(typed, ledger, result.month, result.county), ledger)
    result.frame = frame.with_columns(
        row_numbers.cast(pl.Int32).alias("_row"),
        _original_json(body, header),
        typed.issues,
    )


# ============================================================================ sheets

@dataclass
class _Sheet:
    """One grid of cell text: a worksheet, or a CSV file."""
    name: str | None                                   # the worksheet name; None for CSV
    head: list[list[str | None]]                       # the first rows, to find the header in
    body: Callable[[int], tuple[pl.DataFrame, pl.Series]]  # rows below header i, their row numbers
    column_label: Callable[[int], str]                 # how a person names column i ("F" or "6")


def _sheets(path: Path, content: bytes) -> Iterator[_Sheet]:
    if path.suffix.lower() == ".csv":
        yield _csv_sheet(content)
    else:
        yield from _excel_sheets(content)


def _excel_sheets(content: bytes) -> Iterator[_Sheet]:
    try:
        reader = fastexcel.read_excel(content)
        names = reader.sheet_names
    except Exception as error:  # calamine raises several error types for damaged files
        raise Rejected("unreadable", f"不是可读取的 Excel 文件（{error}）",
                       f"not a readable Excel file ({error})") from error
    for index, name in enumerate(names):
        try:
            sheet = reader.load_sheet(index, header_row=None, dtypes="string", skip_rows=0)
        except Exception as error:
            raise Rejected("unreadable", f"工作表“{name}”无法读取（{error}）",
                           f"sheet {name!r} cannot be read ({error})") from error
        if sheet.visible != "visible":
            continue  # hidden sheets hold drop-down lists and the like
        grid = sheet.to_polars()
        grid = grid.rename({old: f"c{i}" for i, old in enumerate(grid.columns)})
        # The grid starts at the first used column; its rows, though, start at row 1.
        letters = [_excel_column_letter(column.absolute_index) for column in sheet.available_columns()]
        yield _Sheet(name, [list(row) for row in grid.head(HEADER_SEARCH_ROWS).iter_rows()],
                     _excel_body(grid), letters.__getitem__)


def _excel_body(grid: pl.DataFrame) -> Callable[[int], tuple[pl.DataFrame, pl.Series]]:
    def body(header_index: int) -> tuple[pl.DataFrame, pl.Series]:
        rows = grid.slice(header_index + 1)
        first_row = header_index + 2  # Excel rows count from 1, and the header is above
        return rows, pl.int_range(first_row, first_row + rows.height, dtype=pl.Int32, eager=True)
    return body


def _excel_column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# ---------------------------------------------------------------------------- CSV

_CJK = re.compile("[\u4e00-\u9fff]")


def decode_csv(content: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else GB18030; Rejected("encoding") if
    neither decodes it, or if lines in both are mixed in one file (naming the first odd line)."""
    return _utf8_csv(content).decode("utf-8")


def _utf8_csv(content: bytes) -> bytes:
    """The CSV file's bytes as UTF-8 without BOM (see decode_csv)."""
    if content.startswith(codecs.BOM_UTF8):
        try:
            content[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as error:
            raise _encoding_problem(_line_at(content, len(codecs.BOM_UTF8) + error.start)) from error
        return content[len(codecs.BOM_UTF8):]
    try:
        content.decode("utf-8")
        return content
    except UnicodeDecodeError as error:
        first_bad = error.start
    if _CJK.search(content[:first_bad].decode("utf-8")):
        raise _encoding_problem(_line_at(content, first_bad))  # Chinese in UTF-8 above, not here
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError as error:
        raise _encoding_problem(_line_at(content, error.start)) from error
    utf8_line = _first_utf8_chinese_line(content)
    if utf8_line is not None:
        raise _encoding_problem(utf8_line)
    return text.encode("utf-8")


def _first_utf8_chinese_line(content: bytes) -> int | None:
    """The number of the first line written in UTF-8 with Chinese in it (in a GB18030 file).

    Polars decodes each line leniently (bytes that are not UTF-8 become U+FFFD): a line with
    Chinese and no U+FFFD is UTF-8. (Its mojibake would pass GB18030 decoding unnoticed.)"""
    lines = pl.read_csv(content, has_header=False, separator="\x1f", quote_char=None, infer_schema=False,
                        encoding="utf8-lossy", truncate_ragged_lines=True, empty_string_is_null=False,
                        raise_if_empty=False).to_series(0)
    utf8_chinese = lines.str.contains(_CJK.pattern) & ~lines.str.contains("\ufffd", literal=True)
    found = utf8_chinese.fill_null(False).arg_true()
    return int(found[0]) + 1 if found.len() else None


def _line_at(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def _encoding_problem(line: int) -> Rejected:
    return Rejected(
        "encoding",
        f"第 {line} 行的文字编码无法识别（既不是 UTF-8 也不是 GBK/GB18030，"
        "或一个文件里混用了两种编码），请另存为 UTF-8",
        f"the text encoding of line {line} cannot be read (neither UTF-8 nor GBK/GB18030, or both "
        "mixed in one file); save the file again as UTF-8")


def _csv_sheet(content: bytes) -> _Sheet:
    data = _utf8_csv(content)
    first_lines = data[:65536].decode("utf-8", errors="ignore")
    separator = "\t" if first_lines.count("\t") > first_lines.count(",") else ","
    head, record_ends, record_end_lines = _csv_head(data, separator)
    width = max((len(record) for record in head), default=0)

    def body(header_index: int) -> tuple[pl.DataFrame, pl.Series]:
        first_line = record_end_lines[header_index] + 1
        return _csv_body(data[record_ends[header_index]:], separator, width, first_line)

    return _Sheet(None, head, body, lambda index: str(index + 1))


def _csv_head(data: bytes, separator: str) -> tuple[list[list[str | None]], list[int], list[int]]:
    """The first records, each one's end (byte offset in data), and the line number it ends on."""
    consumed, lines_read = [0], [0]

    def lines() -> Iterator[str]:
        while consumed[0] < len(data):
            end = data.find(b"\n", consumed[0])
            end = len(data) if end < 0 else end + 1
            line = data[consumed[0]:end].decode("utf-8")
            consumed[0] = end
            lines_read[0] += 1
            yield line

    head: list[list[str | None]] = []
    ends: list[int] = []
    end_lines: list[int] = []
    try:
        for record in csv.reader(lines(), delimiter=separator):
            head.append([cell if cell.strip() else None for cell in record])
            ends.append(consumed[0])
            end_lines.append(lines_read[0])
            if len(head) == HEADER_SEARCH_ROWS:
                break
    except csv.Error as error:
        raise Rejected("unreadable", f"CSV 格式错误（{error}）", f"malformed CSV ({error})") from error
    return head, ends, end_lines


def _csv_body(data: bytes, separator: str, width: int, first_line: int) -> tuple[pl.DataFrame, pl.Series]:
    names = [f"c{i}" for i in range(width)]
    if not data.strip():
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String)), pl.Series([], dtype=pl.Int32)
    # A made-up header fixes the width: polars would otherwise take it from the first line.
    made_up_header = (separator.join(names) + "\n").encode()
    try:
        rows = pl.read_csv(made_up_header + data, separator=separator, infer_schema=False, quote_char='"')
    except pl.exceptions.ComputeError as error:
        raise _ragged_csv(data.decode("utf-8"), separator, width, first_line) from error
    line_numbers = pl.int_range(first_line, first_line + rows.height, dtype=pl.Int64, eager=True)
    if data.count(b"\n") > rows.height:  # quoted cells spanning lines push later rows down
        newlines = rows.select(pl.sum_horizontal(pl.all().str.count_matches("\n").fill_null(0))).to_series()
        line_numbers = line_numbers + newlines.cum_sum().shift(1, fill_value=0)
    return rows, line_numbers.cast(pl.Int32)


def _ragged_csv(text: str, separator: str, width: int, first_line: int) -> Rejected:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    for record in reader:
        if len(record) > width:
            line = first_line + reader.line_num - 1
            return Rejected("unreadable", f"第 {line} 行有 {len(record)} 个字段，多于表头的 {width} 个",
                            f"line {line} has {len(record)} fields, more than the header's {width}")
    return Rejected("unreadable", "CSV 格式错误", "malformed CSV")


# ============================================================================ header and ledger

def header_key(text: str) -> str:
    """A header cell as compared: half-width, no spaces or line breaks, no * marks, lower case."""
    return re.sub(r"\s+", "", nz.fold_width_text(text)).strip("*※★").lower()


_UNIT_SUFFIX = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


def _without_unit(key: str) -> str:
    return _UNIT_SUFFIX.sub("", key)


_HEADER_LOOKUPS: dict[str, dict[str, str]] = {}


def _header_lookup(ledger: Ledger) -> dict[str, str]:
    """header key (with and without its unit suffix) -> column name, first column wins."""
    if ledger.name not in _HEADER_LOOKUPS:
        lookup: dict[str, str] = {}
        for column in ledger.columns:
            for text in column.headers:
                lookup.setdefault(header_key(text), column.name)
        for column in ledger.columns:
            for text in column.headers:
                lookup.setdefault(_without_unit(header_key(text)), column.name)
        _HEADER_LOOKUPS[ledger.name] = lookup
    return _HEADER_LOOKUPS[ledger.name]


def column_for_header(text: str | None, ledger: Ledger) -> str | None:
    if text is None or not text.strip():
        return None
    lookup = _header_lookup(ledger)
    key = header_key(text)
    return lookup.get(key) or lookup.get(_without_unit(key))


def _matched_columns(cells: list[str | None], ledger: Ledger) -> dict[int, str]:
    """cell index -> column name for the cells of one row naming a column (first cell wins)."""
    matched: dict[int, str] = {}
    for index, cell in enumerate(cells):
        column = column_for_header(cell, ledger)
        if column and column not in matched.values():
            matched[index] = column
    return matched


def _required(ledger: Ledger) -> list[Column]:
    return [column for column in ledger.columns if column.required]


def _is_header_row(matched: dict[int, str], ledger: Ledger) -> bool:
    required = {column.name for column in _required(ledger)}
    return len(matched) >= MIN_HEADER_MATCHES or (bool(required) and required <= set(matched.values()))


def ledger_from_title(text: str) -> Ledger | None:
    """The ledger whose title word found in text is longest (then: found first). Latin and digit
    words must stand apart from other letters and digits ("12345" is not in "123456")."""
    found = []
    for ledger in LEDGERS.values():
        for word in ledger.title_words:
            match = _title_word_pattern(word).search(text)
            if match:
                found.append((-len(word), match.start(), ledger.name))
    return LEDGERS[min(found)[2]] if found else None


def _title_word_pattern(word: str) -> re.Pattern[str]:
    if word.isascii():
        return re.compile(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", re.IGNORECASE)
    return re.compile(re.escape(word))


def _locate_header(sheets: Iterator[_Sheet], relative: str) -> tuple[_Sheet, int, Ledger]:
    """The first sheet with a header row, the row's index and the ledger; else Rejected."""
    problems: list[Rejected] = []
    for sheet in sheets:
        if not any(cell is not None and cell.strip() for row in sheet.head for cell in row):
            continue
        try:
            index, ledger = _find_header(sheet, relative)
            return sheet, index, ledger
        except Rejected as problem:
            problems.append(problem)
    if not problems:
        raise Rejected("empty", "文件是空的", "the file is empty")
    raise next((p for p in problems if p.rule == "missing_required_column"), problems[0])


def _find_header(sheet: _Sheet, relative: str) -> tuple[int, Ledger]:
    matches = [{name: _matched_columns(row, ledger) for name, ledger in LEDGERS.items()}
               for row in sheet.head]
    header_rows = [i for i, by_ledger in enumerate(matches)
                   if any(_is_header_row(found, LEDGERS[name]) for name, found in by_ledger.items())]
    first = header_rows[0] if header_rows else len(sheet.head)
    title_text = " ".join([*(_row_text(row) for row in sheet.head[:first]), sheet.name or "", relative])
    named = ledger_from_title(title_text)
    if named:
        index = next((i for i, by_ledger in enumerate(matches)
                      if _is_header_row(by_ledger[named.name], named)), None)
        if index is not None:
            return index, named
        if not header_rows:
            best = max(matches, key=lambda by_ledger: len(by_ledger[named.name]))[named.name]
            raise _missing_columns(named, [c for c in _required(named) if c.name not in best.values()])
    if not header_rows:
        raise Rejected(
            "unknown_ledger", f"前 {HEADER_SEARCH_ROWS} 行中找不到可识别的表头，无法判断是哪类台账",
            f"no recognisable header row in the first {HEADER_SEARCH_ROWS} rows: unknown ledger")
    return first, _best_matching_ledger(matches[first])


def _best_matching_ledger(by_ledger: dict[str, dict[int, str]]) -> Ledger:
    counts = sorted(((len(found), name) for name, found in by_ledger.items()), reverse=True)
    (best_count, best), (runner_up_count, runner_up) = counts[0], counts[1]
    if best_count == runner_up_count:
        raise Rejected(
            "unknown_ledger",
            f"标题和文件名中没有台账名称，表头同样符合《{LEDGERS[best].zh}》和《{LEDGERS[runner_up].zh}》，无法判断",
            f"no ledger name in the title or file name, and the header fits {LEDGERS[best].en} and "
            f"{LEDGERS[runner_up].en} equally well")
    return LEDGERS[best]


def _missing_columns(ledger: Ledger, missing: list[Column]) -> Rejected:
    zh = "、".join(f"“{c.zh}”({c.name})" for c in missing)
    en = ", ".join(f"{c.name} ({c.zh})" for c in missing)
    return Rejected("missing_required_column", f"《{ledger.zh}》缺少必填列：{zh}",
                    f"the {ledger.en} ledger lacks required column(s): {en}")


def _check_required_columns(ledger: Ledger, header: _Header, county: str | None) -> None:
    present = set(header.columns.values())
    if county is not None:
        present.add("county")  # a county's own file: the county column is filled from the file
    missing = [column for column in _required(ledger) if column.name not in present]
    if missing:
        raise _missing_columns(ledger, missing)


def _row_text(row: list[str | None]) -> str:
    return " ".join(cell.strip() for cell in row if cell is not None and cell.strip())


class _Header:
    """The header row: which cell names which column, and the names used in `_original`."""

    def __init__(self, cells: list[str | None], ledger: Ledger, column_label: Callable[[int], str]):
        self.texts = [cell.strip() if cell is not None and cell.strip() else None for cell in cells]
        self.columns = _matched_columns(self.texts, ledger)   # cell index -> column name
        self.ledger = ledger
        self.column_label = column_label

    def header_map(self) -> dict[str, str]:
        return {self.texts[i]: name for i, name in self.columns.items() if self.texts[i] is not None}

    def unmapped(self) -> list[str]:
        return [text for i, text in enumerate(self.texts) if text is not None and i not in self.columns]

    def cell_column(self, name: str) -> str | None:
        """The body column (c<i>) holding the ledger column `name`, if the file has it."""
        return next((f"c{i}" for i, column in self.columns.items() if column == name), None)

    def original_names(self, body_columns: list[str]) -> dict[str, str]:
        """body column (c<i>) -> the name used in `_original`: its header text, made unique."""
        names: dict[str, str] = {}
        for column in body_columns:
            i = int(column[1:])
            text = self.texts[i] if i < len(self.texts) else None
            base = text if text is not None else f"(列{self.column_label(i)})"
            name, n = base, 1
            while name in names.values():
                n += 1
                name = f"{base}#{n}"
            names[column] = name
        return names

    def _unnamed_with_data(self, cleaned: pl.DataFrame) -> list[str]:
        named = {f"c{i}" for i, text in enumerate(self.texts) if text is not None}
        return [c for c in cleaned.columns if c not in named and cleaned[c].null_count() < cleaned.height]

    def unnamed_columns_with_data(self, cleaned: pl.DataFrame) -> list[str]:
        """`_original` names of the columns without header text that hold data."""
        names = self.original_names(cleaned.columns)
        return [names[c] for c in self._unnamed_with_data(cleaned)]

    def columns_to_keep(self, cleaned: pl.DataFrame) -> list[str]:
        """Body columns worth keeping: those with header text, and those without that hold data."""
        named = {f"c{i}" for i, text in enumerate(self.texts) if text is not None}
        with_data = set(self._unnamed_with_data(cleaned))
        return [c for c in cleaned.columns if c in named or c in with_data]


# ============================================================================ rows to skip

_TOTAL = (r"^(?:本页|本月|本期|全部|全市|全县|全区)?\s*(?:合\s*计|总\s*计|小\s*计|共\s*计|总合计)\s*"
          r"(?:[:(\[].*)?$")
_FOOTER = r"^(?:填表|填报|制表|审核|审批|负责|单位负责|联系|说明|注|备注|附注)[^:]{0,8}:"


def _skip_reasons(cleaned_body: pl.DataFrame, header: _Header) -> pl.Series:
    """Per body row: None for a data row, else why it is skipped (one of SKIP_REASONS)."""
    cleaned = cleaned_body.get_columns()
    if not cleaned:
        return pl.Series("reason", [], dtype=pl.String)
    filled = pl.sum_horizontal([cell.is_not_null() for cell in cleaned])
    blank = filled == 0
    total = pl.any_horizontal([cell.str.contains(_TOTAL).fill_null(False) for cell in cleaned])
    footer = (filled > 0) & (pl.sum_horizontal([cell.str.contains(_FOOTER).fill_null(False)
                                                for cell in cleaned]) == filled)
    reasons = (pl.when(blank).then(pl.lit("blank"))
               .when(_repeats_header(cleaned_body, header)).then(pl.lit("repeated_header"))
               .when(total).then(pl.lit("total"))
               .when(footer).then(pl.lit("footer")))
    return pl.select(reasons.alias("reason")).to_series()


def _repeats_header(cleaned_body: pl.DataFrame, header: _Header) -> pl.Expr:
    """Half or more of the named cells (and at least 2, or all if fewer) repeat their header."""
    same = [cleaned_body[f"c{i}"] == nz.fold_width_text(header.texts[i]).strip()
            for i in header.columns if f"c{i}" in cleaned_body.columns]
    if not same:
        return pl.lit(False)
    needed = max(min(2, len(same)), (len(same) + 1) // 2)
    return pl.sum_horizontal([s.fill_null(False) for s in same]) >= needed


# ============================================================================ typed columns

@dataclass
class _Typed:
    frame: pl.DataFrame           # every ledger column, typed by kind
    failed: dict[str, pl.Series]  # column -> where its cell had text that could not be read
    issues: pl.Series             # per row: ["column:rule", ...]


def _typed_columns(cleaned: pl.DataFrame, header: _Header, ledger: Ledger) -> _Typed:
    """Every ledger column typed by kind (absent ones all-null), with the issues of each row."""
    columns: list[pl.Series] = []
    failed: dict[str, pl.Series] = {}
    flags: list[pl.Series] = []
    for column in ledger.columns:
        source = header.cell_column(column.name)
        if source is None:
            dtype = nz.POLARS_TYPES[column.kind]
            columns.append(pl.repeat(None, cleaned.height, dtype=dtype, eager=True).alias(column.name))
            continue
        if column.pii:  # hashed by _protect_personal_data; never reported in issues
            columns.append(cleaned[source].alias(column.name))
            continue
        month_only = column.name == "as_of" and ledger.snapshot
        result = nz.normalise_cleaned(cleaned[source], column.kind, month_only=month_only)
        columns.append(result.values.alias(column.name))
        failed[column.name] = result.failed
        if result.rule and result.failed.any():
            flags.append(_issue_where(result.failed, f"{column.name}:{result.rule}"))
        if column.kind in nz.TEXT_KINDS:
            looks_like_formula = nz.formula_like(cleaned[source])
            if looks_like_formula.any():
                flags.append(_issue_where(looks_like_formula, f"{column.name}:{nz.FORMULA_LIKE}"))
    return _Typed(pl.DataFrame(columns), failed, _issue_lists(flags, cleaned.height))


def _issue_where(condition: pl.Series, issue: str) -> pl.Series:
    return pl.select(pl.when(condition).then(pl.lit(issue)).alias("issue")).to_series()


def _issue_lists(flags: list[pl.Series], height: int) -> pl.Series:
    if not flags:
        return pl.Series("_issues", [[]], dtype=pl.List(pl.String)).new_from_index(0, height)
    return pl.select(pl.concat_list(flags).list.drop_nulls().alias("_issues")).to_series()


def _fill_from_file(typed: _Typed, ledger: Ledger, month: date | None, county: str | None) -> pl.DataFrame:
    """Snapshot as_of: the file's month where the column is missing or the cell empty, and
    snapped to its month end; county: the file's county where missing or empty."""
    frame = typed.frame
    if ledger.snapshot and "as_of" in frame.columns:
        frame = frame.with_columns(_filled(frame["as_of"].dt.month_end(), typed.failed.get("as_of"), month))
    if "county" in frame.columns and county is not None:
        frame = frame.with_columns(_filled(frame["county"], typed.failed.get("county"), county))
    return frame


def _filled(values: pl.Series, failed: pl.Series | None, fill: object) -> pl.Series:
    """values with empty cells (null, but not unreadable) set to fill."""
    empty = values.is_null() if failed is None else values.is_null() & ~failed
    filled = pl.when(empty).then(pl.lit(fill, values.dtype)).otherwise(values)
    return pl.select(filled.alias(values.name)).to_series()


def _month_from_data(frame: pl.DataFrame, ledger: Ledger) -> date | None:
    if ledger.snapshot:
        months = frame["as_of"].drop_nulls().dt.month_end().unique()
        return months[0] if months.len() == 1 else None
    column = MAIN_DATE_COLUMN.get(ledger.name)
    if column is None:
        return None
    values = frame[column]
    if values.dtype == pl.String:  # a period such as 2025H1
        months = [month_from_text(text) for text in values.drop_nulls().unique().to_list()]
        return max((m for m in months if m), default=None)
    latest = values.drop_nulls().max()
    return nz.month_end(latest) if isinstance(latest, date) else None


# ============================================================================ personal data

def pii_salt() -> str:
    """WUWEI_PII_SALT, else a random salt made once and kept in <data_dir>/pii_salt."""
    from_env = os.environ.get("WUWEI_PII_SALT")
    if from_env:
        return from_env
    path = data_dir() / "pii_salt"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".pii_salt.{os.getpid()}.{secrets.token_hex(4)}")
    draft.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
    draft.chmod(0o600)
    try:
        os.link(draft, path)  # atomic, and fails if another process made the salt first
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def complainant_key(name: pl.Series, phone: pl.Series, salt: str) -> pl.Series:
    """hex sha256 of salt + phone digits (86 prefix dropped), or of salt + name if no phone."""
    digits = nz.clean_text(phone).str.replace_all(r"[^0-9]", "")
    digits = digits.str.replace(r"^(?:0086|86)(1[3-9][0-9]{9})$", "${1}")
    person = nz.clean_text(name).str.replace_all(r"\s+", "")
    identity = pl.select(pl.coalesce(
        pl.when(digits.str.len_bytes() > 0).then(digits), person).alias(PII_KEY_COLUMN)).to_series()
    salted = hashlib.sha256(salt.encode())

    def hashed(text: str) -> str:
        digest = salted.copy()
        digest.update(text.encode())
        return digest.hexdigest()

    return nz.map_unique(identity, hashed, pl.String)


def _protect_personal_data(frame: pl.DataFrame, ledger: Ledger) -> pl.DataFrame:
    pii = [column.name for column in ledger.columns if column.pii]
    if not pii:
        return frame
    key = complainant_key(frame["complainant_name"], frame["complainant_phone"], pii_salt())
    first = frame.columns.index(pii[0])
    frame = frame.insert_column(first, key)
    return frame.drop(pii)


def _original_json(body: pl.DataFrame, header: _Header) -> pl.Series:
    """The row's cells as sent, keyed by header text; personal columns as ***, and free text (text
    columns and columns the ledger does not know) with ID and mobile numbers masked."""
    names = header.original_names(body.columns)
    kinds = {f"c{i}": header.ledger.column(name) for i, name in header.columns.items()}
    cells: list[pl.Series | pl.Expr] = []
    for source in body.columns:
        column = kinds.get(source)
        if column is not None and column.pii:
            cells.append(pl.when(pl.col(source).is_not_null()).then(pl.lit("***")).alias(names[source]))
        elif column is None or column.kind == "str":
            cells.append(nz.mask_personal_text(body[source]).alias(names[source]))
        else:
            cells.append(pl.col(source).alias(names[source]))
    return body.select(pl.struct(cells).struct.json_encode().alias("_original")).to_series()


# ============================================================================ month and county of a file

# "填报日期：2024年4月5日" says when the form was filled in, not which month it covers.
_FILLED_IN_ON = re.compile(
    r"(?:(?:填报|填表|报送|制表|打印|导出|上报)(?:日期|时间)|(?<!统计)(?<!截止)(?<!截至)日期)"
    r"\s*[:：]?\s*[^\s,，;；]*")
_CHINESE_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_MONTH_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], tuple[int, int]]]] = [
    (re.compile(r"(20\d{2})\s*年\s*第?\s*([1-4一二三四])\s*季度"),
     lambda m: (int(m[1]), 3 * _CHINESE_QUARTERS.get(m[2], int(m[2]) if m[2].isdigit() else 0))),
    (re.compile(r"(20\d{2})\s*年\s*(上|下)半年"), lambda m: (int(m[1]), 6 if m[2] == "上" else 12)),
    (re.compile(r"(20\d{2})\s*年\s*\d{1,2}\s*[-—~至到]\s*(\d{1,2})\s*月"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"(20\d{2})\s*年\s*(\d{1,2})\s*月"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"(?<![0-9])(20\d{2})\s*[Qq]([1-4])(?![0-9])"), lambda m: (int(m[1]), 3 * int(m[2]))),
    (re.compile(r"(?<![0-9])(20\d{2})\s*[Hh]([12])(?![0-9])"), lambda m: (int(m[1]), 6 * int(m[2]))),
    (re.compile(r"(?<![0-9])(20\d{2})[-_./](\d{1,2})(?![0-9])"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"(?<![0-9])(20\d{2})(0[1-9]|1[0-2])(?:[0-2][0-9]|3[01])?(?![0-9])"),
     lambda m: (int(m[1]), int(m[2]))),
]


def month_from_text(text: str) -> date | None:
    """The reporting month named in a title or path (see the module docstring), as its last day;
    the form found earliest in the text wins."""
    text = _FILLED_IN_ON.sub(" ", nz.fold_width_text(text))
    found: list[tuple[int, int, date]] = []  # (start, -length, month): earliest, then longest
    for pattern, year_month in _MONTH_FORMS:
        for match in pattern.finditer(text):
            year, month = year_month(match)
            if 1 <= month <= 12:
                found.append((match.start(), -len(match[0]), nz.month_end(date(year, month, 1))))
                break
    return min(found)[2] if found else None


def county_from_text(text: str) -> str | None:
    """The one county a title or path names (adcode); None for none, the city alone, or several."""
    names = nz.county_names()
    key = re.sub(r"\s+", "", nz.fold_width_text(text))
    pattern = "|".join(re.escape(v) for v in names.longest_first)
    adcodes = {names.by_name[m] for m in re.findall(pattern, key)} if pattern else set()
    adcodes |= {code for code in re.findall(r"(?<![0-9])(\d{6})(?![0-9])", key) if code in names.levels}
    counties = {code for code in adcodes if names.levels.get(code) == "county"}
    return counties.pop() if len(counties) == 1 else None
