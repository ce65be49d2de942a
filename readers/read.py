"""Read one ledger file as a county sent it into a `SourceFile`: which ledger, which month,
which county, and a typed Polars frame of its data rows.

Files: *.xlsx / *.xlsm / *.xls (every cell read as text with fastexcel/calamine, so nothing is
lost to type guessing) and *.csv / *.txt / *.tsv (UTF-16 with its BOM, as Excel saves "Unicode
text"; UTF-8 with or without BOM; else GB18030, a superset of GBK; separated by commas, tabs or
semicolons, whichever is most frequent in the first 64 KB). In a workbook the first sheet with a
recognisable header row is used.

Every file under the landing folder is listed (`landing_files`; only hidden names beginning with
"." are left out) and every one that is not read is rejected with its reason:
  - incomplete: a temporary name (*.part, *.tmp, *.crdownload, ~$…, .~lock…), or a file whose size
    or modification time changed while the reader waited `landing_settle_seconds`
    (settings.csv) for the files modified that recently (`still_changing`)
  - file_type: any other extension ("not a ledger file type")
  - encrypted: a password-protected workbook; unreadable: a damaged one (no library internals
    in the message)
  - truncated: a CSV ending inside a quoted cell, or whose last line has no line end and fewer
    fields than the header (cut short while being copied): the whole file, never its first part

Layout of a sheet: optional title lines ("凉州区住宅小区物业管理台账", "填报单位：… 填报日期：…"),
then the header row: the first of the first 50 rows in which at least 3 cells, or all the
required columns, match a ledger's headers (`Column.headers`, compared without spaces,
full-width forms, "*" marks and unit suffixes such as "（㎡）" or "(元)"). A two-row header
(户数 merged over 总户数 and 入住户数) is combined: the row below the header is its second row when
every cell in it names a column and one at least adds to the row above; each column then takes
the lower row's text where it has one. A file whose ledger is named (title or file name) but
whose header is not in the first 50 rows is rejected as no_header, saying so. Below the header,
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
     other ledgers: the latest month in the ledger's main date column (its declaration's main_date)
  A month is returned as its last day. A snapshot file whose month cannot be told is rejected
  (no_month); so is a file whose title and path name two different months (month_conflict:
  which one was meant cannot be told), and a file whose month is after the current month
  (future_month: it would move the data month of the whole app).

County of the file: the county names (counties.csv variants, longest first) or adcodes found in
the title lines and sheet name, else in the path; one county -> its adcode; none, the city alone
("武威市") or several different counties -> None.

Personal data: the complainant's name and phone are replaced by a salted hash (`complainant_key`);
ID, mobile and landline numbers in free text are masked, and so is the row's own complainant name
(at least 2 characters) wherever it appears in that row's text, as 某某.

Row numbers (`_row`): in a workbook the Excel row number; in a CSV the line number counting the
file's first line as 1 (so with the header on the first line, the first data row is 2; a quoted
cell that spans lines moves the following rows down accordingly).

The cells as sent stay with the file (`SourceFile.cells`) until its rows are checked: `originals`
turns the rows asked for (those that fail a rule) into `_original`, JSON keyed by header text. Only
those rows' cells are kept after the check.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import itertools
import os
import re
import secrets
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import fastexcel
import polars as pl

from contract import location
from contract.ledgers import LEDGERS, Column, Ledger
from contract.location import data_dir
from readers import normalise as nz

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")  # .txt: Excel's "Unicode text" (UTF-16, tab-separated) and the like
LEDGER_FILE_SUFFIXES = (*EXCEL_SUFFIXES, *TEXT_SUFFIXES)
# Names a file has while it is being copied, downloaded or edited: never read, always listed.
TEMPORARY_NAMES = re.compile(r"^~\$|\.(?:part|partial|tmp|temp|crdownload|download|filepart)$|^\.~lock\.",
                             re.IGNORECASE)
HEADER_SEARCH_ROWS = 50
MIN_HEADER_MATCHES = 3
PII_KEY_COLUMN = "complainant_key"
BOOKKEEPING_COLUMNS = ("_row", "_issues")
SKIP_REASONS = ("blank", "total", "repeated_header", "footer")
# Rows of a run of files typed together, at most (unless one file has more): the build holds one
# such batch at a time, so this bounds its memory.
BATCH_ROWS = 100_000

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
    # unreadable | encrypted | truncated | incomplete | file_type | empty | unknown_ledger | no_header
    # | missing_required_column | no_month | month_conflict | future_month | encoding
    # (and, decided over all files by the gate: duplicate_file, superseded)
    reject_rule: str | None
    header_map: dict[str, str] = field(default_factory=dict)   # header text -> canonical column
    unmapped_headers: list[str] = field(default_factory=list)  # headers matching no column
    title: str = ""             # the title lines above the header and the sheet name, as one line
    cells: pl.DataFrame | None = None  # with frame: `_row` and the cells as sent, by slot (see `originals`)
    layout: tuple[tuple[str, str], ...] = ()  # the cells `_original` shows: (slot, header text), in file order


class Rejected(Exception):
    """A file that cannot be loaded; `rule` is SourceFile.reject_rule."""

    def __init__(self, rule: str, zh: str, en: str, ledger: str | None = None):
        super().__init__(en)
        self.rule, self.zh, self.en = rule, zh, en
        self.ledger = ledger  # the ledger, when known though the file is rejected before its header is read


# ============================================================================ entry points

def landing_files(landing: Path) -> list[Path]:
    """Every file under `landing`, sorted by relative path, except hidden ones (a name or folder
    beginning with ".", such as .DS_Store or .git: the system's, not a county's). Files that are
    not ledgers are listed too: the reader rejects them with a reason."""
    files = [
        path for path in landing.rglob("*")
        if path.is_file() and not any(part.startswith(".") and not TEMPORARY_NAMES.search(part)
                                      for part in path.relative_to(landing).parts)
    ]
    return sorted(files, key=lambda path: path.relative_to(landing).as_posix())


def settle_seconds() -> float:
    """How long a file's size and modification time must stay unchanged before it is read
    (settings.csv `landing_settle_seconds`)."""
    with open(nz.REFERENCE / "settings.csv", encoding="utf-8", newline="") as handle:
        values = {row["key"]: row["value"] for row in csv.DictReader(handle)}
    return float(values.get("landing_settle_seconds", 0))


def still_changing(paths: list[Path], settle: float) -> set[Path]:
    """The files that may still be being written: modified less than `settle` seconds ago and
    changed (size or modification time) while waiting for them to settle. One wait for all the
    files, and only if some file is that recent."""
    def stat(path: Path) -> tuple[int, int] | None:
        try:
            found = path.stat()
        except OSError:
            return None
        return found.st_size, found.st_mtime_ns

    before = {path: stat(path) for path in paths}
    now = time.time_ns()
    recent = [path for path, seen in before.items() if seen and now - seen[1] < settle * 1e9]
    if not recent:
        return set()
    youngest = max(before[path][1] for path in recent)
    # at most `settle`: a modification time in the future (a clock ahead) must not stall the build
    time.sleep(min(max(settle - (now - youngest) / 1e9, 0), settle) + 0.05)
    return {path for path in recent if stat(path) != before[path]}


def read_landing(landing: Path, settle: float | None = None) -> Iterator[SourceFile]:
    """Every file under `landing`, in path order; a file still being written (see
    `still_changing`, `settle` seconds, default `settle_seconds()`) is rejected as incomplete."""
    paths = landing_files(landing)
    changing = still_changing(paths, settle_seconds() if settle is None else settle)
    for batch in read_batches(paths, landing, changing):
        yield from batch


def read_batches(paths: list[Path], landing: Path, changing: Collection[Path] = ()) -> Iterator[list[SourceFile]]:
    """The files of `paths`, in that order, in batches; those in `changing` are rejected as incomplete.

    Files of one ledger that follow each other (a county's monthly snapshots, say) are typed
    together, in one pass of Polars over all their rows (at most BATCH_ROWS): per file, the passes
    would cost far more than the work. A batch is one ledger's run of files (and the files rejected
    among them); `reading_order` makes the runs long."""
    batch: list[_Opened] = []
    for path in paths:
        opened = _open(path, landing, path in changing)
        if opened.body is not None and not _fits(batch, opened.body):
            yield _finish(batch)
            batch = []
        batch.append(opened)
    if batch:
        yield _finish(batch)


def reading_order(paths: list[Path], landing: Path) -> list[Path]:
    """paths with the files of each ledger together, as far as their paths tell (the reader decides
    the ledger): a county's folder holds one file of each ledger a month, and one long run of a
    ledger's files is typed, and checked, much faster than many short ones. Path order within."""
    order = {name: i for i, name in enumerate(LEDGERS)}

    def key(path: Path) -> tuple[int, str]:
        relative = path.relative_to(landing).as_posix()
        named = ledger_from_title(relative)
        return (order[named.name] if named else len(order)), relative

    return sorted(paths, key=key)


def read_file(path: Path, landing: Path) -> SourceFile:
    (source,) = _finish([_open(path, landing)])
    return source


@dataclass
class _Body:
    """A file read as far as its header: its ledger and header, and the rows below as sent."""
    ledger: Ledger
    header: _Header
    title_month: date | None  # the month in the title lines or the path
    cells: pl.DataFrame       # columns c<i>: the text of the file's column i
    rows: pl.Series           # the row number of each (SourceFile `_row`)
    names: dict[str, str]     # body column -> its name in `_original` (_Header.original_names)
    slots: dict[str, str]     # body column -> its name when files are stacked (_Header.slots)


@dataclass
class _Opened:
    source: SourceFile
    body: _Body | None  # None if the file is rejected already


def _fits(batch: list[_Opened], body: _Body) -> bool:
    """Whether body can join the files of batch to be typed together."""
    bodies = [opened.body for opened in batch if opened.body is not None]
    return not bodies or (bodies[0].ledger is body.ledger
                          and sum(b.cells.height for b in bodies) + body.cells.height <= BATCH_ROWS)


def _finish(batch: list[_Opened]) -> list[SourceFile]:
    opened = [(o.source, o.body) for o in batch if o.body is not None]
    if opened:
        _read_rows([source for source, _ in opened], [body for _, body in opened])
    return [o.source for o in batch]


def _open(path: Path, landing: Path, changing: bool = False) -> _Opened:
    relative = path.relative_to(landing).as_posix()
    try:
        content = path.read_bytes()
    except OSError as error:
        content, problem = b"", Rejected(
            "unreadable", f"无法打开文件（{error.strerror}）", f"cannot open the file ({error.strerror})")
    else:
        problem = _not_to_read(path, changing)
    source = SourceFile(relative, hashlib.sha256(content).hexdigest(), None, None, None, 0,
                        dict.fromkeys(SKIP_REASONS, 0), None, None, None)
    try:
        if problem:
            raise problem
        return _Opened(source, _read_header(source, path, content))
    except Rejected as rejection:
        source.ledger = source.ledger or rejection.ledger
        _reject(source, rejection)
        return _Opened(source, None)


def _not_to_read(path: Path, changing: bool) -> Rejected | None:
    """Why a file is not read at all: not complete yet, or not a ledger file type."""
    if TEMPORARY_NAMES.search(path.name):
        return Rejected("incomplete", "临时文件名（正在复制、下载或编辑中），未读取；完成后会按正式文件名读取",
                        "a temporary name (still being copied, downloaded or edited): not read; it is read "
                        "once it has its final name")
    if changing:
        return Rejected("incomplete", "文件仍在写入（等待期间大小或修改时间发生变化），本次未读取，下次构建再读",
                        "the file is still being written (its size or modification time changed while "
                        "waiting): not read in this build, it will be in the next")
    if path.suffix.lower() not in LEDGER_FILE_SUFFIXES:
        shown = path.suffix or "（无扩展名）"
        return Rejected("file_type", f"不是台账文件类型（{shown}）：只读取 Excel（.xlsx/.xlsm/.xls）和 "
                        "CSV/文本（.csv/.txt/.tsv）", f"not a ledger file type ({path.suffix or 'no extension'}):"
                        " only Excel (.xlsx/.xlsm/.xls) and CSV/text (.csv/.txt/.tsv) files are read")
    return None


def reject(source: SourceFile, rule: str, zh: str, en: str) -> None:
    """Reject a file read already (for decisions over several files, taken by the gate)."""
    _reject(source, Rejected(rule, zh, en))


def _reject(source: SourceFile, rejection: Rejected) -> None:
    source.frame = source.cells = None
    source.rejected = f"文件 {source.path}：{rejection.zh}／File {source.path}: {rejection.en}"
    source.reject_rule = rejection.rule


def _read_header(source: SourceFile, path: Path, content: bytes) -> _Body:
    """The file's body, with what the header and title tell filled into `source`; or Rejected
    (leaving what was learnt in source)."""
    sheet, header_index, ledger = _locate_header(_sheets(path, content), source.path)
    source.ledger = ledger.name
    title_text = " ".join([*(_row_text(row) for row in sheet.head[:header_index]), sheet.name or ""])
    source.title = title_text.strip()
    source.county = county_from_text(title_text) or county_from_text(source.path)
    title_month = _title_or_path_month(month_from_text(title_text), month_from_text(source.path))
    if sheet.cut_short:
        raise sheet.cut_short

    cells_of_header, last_header_index = _header_cells(sheet.head, header_index, ledger)
    header = _Header(cells_of_header, ledger, sheet.column_label)
    source.header_map, source.unmapped_headers = header.header_map(), header.unmapped()
    _check_required_columns(ledger, header, source.county)
    cells, rows = sheet.body(last_header_index)
    names = header.original_names(cells.columns)
    return _Body(ledger, header, title_month, cells, rows, names, header.slots(names))


def _title_or_path_month(in_title: date | None, in_path: date | None) -> date | None:
    """The month of the title, else of the path; Rejected when both name a month and differ (which
    one the county meant cannot be told, and the wrong one would move the file's rows)."""
    if in_title and in_path and in_title != in_path:
        raise Rejected(
            "month_conflict",
            f"文件名写的是 {in_path:%Y-%m}，标题写的是 {in_title:%Y-%m}，无法确定报送月份；请改正后重新报送",
            f"the file name says {in_path:%Y-%m} but the title says {in_title:%Y-%m}: the reporting month "
            "cannot be told; correct one and send the file again")
    return in_title or in_path


def _future_month(month: date, today: date) -> Rejected:
    return Rejected("future_month", f"报送月份 {month:%Y-%m} 晚于当前月份 {today:%Y-%m}，不能装入（请检查月份）",
                    f"the reporting month {month:%Y-%m} is after the current month {today:%Y-%m}: not loaded "
                    "(check the month)")


def _read_rows(sources: list[SourceFile], bodies: list[_Body]) -> None:
    """Type the rows of files of one ledger, all together, and fill in each file's SourceFile
    (its frame, or why it is rejected)."""
    ledger = bodies[0].ledger
    raw = _stacked(bodies)
    cleaned = nz.clean_frame(raw.drop("_file", "_row"))
    keep = _skip_rows(cleaned, raw["_file"], sources, bodies)
    raw, cleaned = raw.filter(keep), cleaned.filter(keep)
    layouts = _files_with_rows(cleaned, raw["_file"], sources, bodies)
    if not layouts:
        return

    typed = _typed_columns(cleaned, ledger)
    months = _months(typed.frame, raw["_file"], ledger, [body.title_month for body in bodies])
    today = location.today()
    for index in list(layouts):
        sources[index].month = months[index]
        if ledger.snapshot and months[index] is None:
            _reject(sources[index], _no_month(ledger))
            del layouts[index]
        elif months[index] is not None and months[index] > nz.month_end(today):
            _reject(sources[index], _future_month(months[index], today))
            del layouts[index]
    frame, issues = _fill_from_file(typed, ledger, raw["_file"], months, [source.county for source in sources])
    rows = raw["_row"].cast(pl.Int32)
    frame = _protect_personal_data(frame, ledger).with_columns(rows, issues)
    heights = [source.rows_read for source in sources]
    offsets = [0, *itertools.accumulate(heights)]
    raw = raw.with_columns(rows)
    for index, layout in layouts.items():
        source = sources[index]
        source.frame = frame.slice(offsets[index], heights[index])
        source.cells = raw.slice(offsets[index], heights[index]).select("_row", *(slot for slot, _ in layout))
        source.layout = layout


def _stacked(bodies: list[_Body]) -> pl.DataFrame:
    """The bodies one under the other, each column named by its slot (see _Header.slots), with the
    index of its file (`_file`) and its row number (`_row`)."""
    frames = [
        pl.DataFrame([
            *(body.cells[column].alias(slot) for column, slot in body.slots.items()),
            pl.Series("_file", [index], dtype=pl.UInt32).new_from_index(0, body.cells.height),
            body.rows.alias("_row"),
        ])
        for index, body in enumerate(bodies)
    ]
    # relaxed: a column with no cell at all may arrive typed Null (see clean_text)
    return pl.concat(frames, how="diagonal_relaxed", rechunk=True)


def _skip_rows(cleaned: pl.DataFrame, files: pl.Series, sources: list[SourceFile], bodies: list[_Body]) -> pl.Series:
    """Which rows are data rows; the others are counted in their file's `skipped`."""
    reasons = _skip_reasons(cleaned, files, [body.header for body in bodies])
    counts = pl.DataFrame([files, reasons]).drop_nulls().group_by(files.name, reasons.name).len()
    for index, reason, count in counts.iter_rows():
        sources[index].skipped[reason] = count
    return reasons.is_null()


def _files_with_rows(cleaned: pl.DataFrame, files: pl.Series, sources: list[SourceFile],
                     bodies: list[_Body]) -> dict[int, tuple[tuple[str, str], ...]]:
    """Fill in rows_read and reject the files without data rows; for the others, which of their
    body columns `_original` shows: file -> ((slot, name in `_original`), ...), in the file's order."""
    unmapped = [slot for slot in cleaned.columns if slot.startswith(_UNMAPPED)]
    per_file = cleaned.with_columns(files).group_by(files.name).agg(
        pl.len().alias("_rows"), *(pl.col(slot).is_not_null().any() for slot in unmapped))
    found = {row.pop(files.name): row for row in per_file.to_dicts()}
    layouts = {}
    for index, (source, body) in enumerate(zip(sources, bodies, strict=True)):
        has_data = found.get(index, {"_rows": 0})
        source.rows_read = has_data["_rows"]
        if source.rows_read == 0:
            _reject(source, Rejected("empty", "只有表头，没有数据行", "a header but no data rows"))
            continue
        # Columns without header text are shown (and reported unmapped) if they hold data in this file.
        shown = [column for column in body.cells.columns
                 if body.header.has_text(column) or has_data.get(body.slots[column])]
        source.unmapped_headers += [body.names[column] for column in shown if not body.header.has_text(column)]
        layouts[index] = tuple((body.slots[column], body.names[column]) for column in shown)
    return layouts


def _no_month(ledger: Ledger) -> Rejected:
    return Rejected(
        "no_month",
        f"无法确定《{ledger.zh}》的报送月份：标题和文件名中没有“2024年3月”这类月份，统计月份列也不是同一个月",
        f"cannot tell the reporting month of this {ledger.en} snapshot: no month such as "
        "2024-03 in its title or file name, and its as_of column does not hold one single month")


# ============================================================================ sheets

@dataclass
class _Sheet:
    """One grid of cell text: a worksheet, or a CSV file."""
    name: str | None                                   # the worksheet name; None for CSV
    head: list[list[str | None]]                       # the first rows, to find the header in
    body: Callable[[int], tuple[pl.DataFrame, pl.Series]]  # rows below header i, their row numbers
    column_label: Callable[[int], str]                 # how a person names column i ("F" or "6")
    cut_short: Rejected | None = None                  # a CSV whose end is missing (see _cut_short)


def _sheets(path: Path, content: bytes) -> Iterator[_Sheet]:
    if path.suffix.lower() in TEXT_SUFFIXES:
        yield _csv_sheet(content)
    else:
        yield from _excel_sheets(content)


_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls and of encrypted .xlsx
_ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


def _encrypted() -> Rejected:
    return Rejected("encrypted", "工作簿设有密码保护（已加密），无法读取；请取消密码后重新报送",
                    "the workbook is password-protected (encrypted) and cannot be read; remove the password "
                    "and send it again")


def _excel_sheets(content: bytes) -> Iterator[_Sheet]:
    # An encrypted .xlsx is an OLE2 container holding the streams EncryptionInfo and EncryptedPackage.
    if content.startswith(_OLE2_SIGNATURE) and all(name in content for name in _ENCRYPTED_STREAMS):
        raise _encrypted()
    try:
        reader = fastexcel.read_excel(content)
        names = reader.sheet_names
    except Exception as error:  # calamine raises several error types; their text is the library's, not for people
        if re.search(r"password|encrypt", str(error), re.IGNORECASE):
            raise _encrypted() from error
        raise Rejected("unreadable", "不是可读取的 Excel 文件（文件损坏、未传完或不是 Excel 格式）",
                       "not a readable Excel file (damaged, cut short, or not in an Excel format)") from error
    for index, name in enumerate(names):
        try:
            sheet = reader.load_sheet(index, header_row=None, dtypes="string", skip_rows=0)
        except Exception as error:
            if re.search(r"password|encrypt", str(error), re.IGNORECASE):
                raise _encrypted() from error
            raise Rejected("unreadable", f"工作表“{name}”无法读取（工作表损坏）",
                           f"sheet {name!r} cannot be read (the sheet is damaged)") from error
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


def _cut_character(content: bytes) -> bytes | None:
    """content without the first bytes of a character its end cut in two (a file cut short while being
    copied), if it ends so; else None."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content[:-1] if len(content) % 2 else None
    for encoding, reason in (("utf-8", "unexpected end of data"), ("gb18030", "incomplete multibyte sequence")):
        try:
            content.decode(encoding)
            return None
        except UnicodeDecodeError as error:
            if error.end == len(content) and error.reason == reason:
                return content[:error.start]
    return None


def _utf8_csv(content: bytes) -> bytes:
    """The CSV file's bytes as UTF-8 without BOM: UTF-16 with its BOM (Excel's "Unicode text"), UTF-8 (with or
    without BOM), else GB18030; Rejected("encoding") if none decodes it, or if lines in both UTF-8 and GB18030
    are mixed in one file (naming the first odd line)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise Rejected("encoding", "UTF-16 文本无法解码（文件损坏或未传完）",
                           "the UTF-16 text cannot be decoded (damaged or cut short)") from error
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
    whole = _cut_character(content)  # the file ends in the middle of a character: cut short
    data = _utf8_csv(content if whole is None else whole)
    first_lines = data[:65536].decode("utf-8", errors="ignore")
    # The most frequent of comma, tab and semicolon (a European Excel's CSV) in the first lines; ties: comma.
    separator = max(SEPARATORS, key=first_lines.count)
    head, record_ends, record_end_lines = _csv_head(data, separator)
    width = max((len(record) for record in head), default=0)

    def body(header_index: int) -> tuple[pl.DataFrame, pl.Series]:
        first_line = record_end_lines[header_index] + 1
        return _csv_body(data[record_ends[header_index]:], separator, width, first_line)

    cut_short = _truncated(data) if whole is not None else _cut_short(data, separator, width)
    return _Sheet(None, head, body, lambda index: str(index + 1), cut_short)


SEPARATORS = (",", "\t", ";")


def _cut_short(data: bytes, separator: str, width: int) -> Rejected | None:
    """Rejected("truncated") if the file ends inside a quoted cell, or if its last line has no line
    end and fewer fields than the widest of the first lines (the header): the file was cut short
    (still being copied, or sent in part)."""
    cut = data.count(b'"') % 2 == 1 and _ends_inside_quotes(data, separator)
    if not cut and data and not data.endswith(b"\n"):
        last_line = data[data.rfind(b"\n") + 1:].decode("utf-8", errors="replace")
        cut = 0 < len(next(csv.reader([last_line], delimiter=separator), [])) < width
    return _truncated(data) if cut else None


def _truncated(data: bytes) -> Rejected:
    last_line = data.count(b"\n", 0, data.rstrip(b"\r\n").rfind(b"\n") + 1) + 1
    return Rejected(
        "truncated", f"最后一行（第 {last_line} 行）不完整：文件被截断（可能还在复制中或没有传完），整份文件未装入；"
        "请重新报送完整文件",
        f"the last line (line {last_line}) is cut short: the file is truncated (still being copied, or not "
        "sent whole), so none of it is loaded; send the whole file again")


def _ends_inside_quotes(data: bytes, separator: str) -> bool:
    """Whether the text ends inside a quoted cell (an odd number of quotes may also be a quote inside
    an unquoted cell, 他说"好", which is text). Parses the whole file: only called on an odd count."""
    try:
        for _ in csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""),
                            delimiter=separator, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


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


@functools.cache
def _header_lookup(ledger_name: str) -> dict[str, str]:
    """header key (with and without its unit suffix) -> column name, first column wins."""
    lookup: dict[str, str] = {}
    columns = LEDGERS[ledger_name].columns
    for column in columns:
        for text in column.headers:
            lookup.setdefault(header_key(text), column.name)
    for column in columns:
        for text in column.headers:
            lookup.setdefault(_without_unit(header_key(text)), column.name)
    return lookup


@functools.lru_cache(maxsize=65536)
def _columns_named_by(text: str) -> dict[str, str]:
    """ledger name -> the column a header cell's text names in that ledger (ledgers it names none left out)."""
    key = header_key(text)
    found = {}
    for name in LEDGERS:
        lookup = _header_lookup(name)
        column = lookup.get(key) or lookup.get(_without_unit(key))
        if column:
            found[name] = column
    return found


def _matched_columns(cells: list[str | None], ledger: Ledger) -> dict[int, str]:
    """cell index -> column name for the cells of one row naming a column (first cell wins)."""
    return _matched_by_ledger(cells)[ledger.name]


def _matched_by_ledger(cells: list[str | None]) -> dict[str, dict[int, str]]:
    """_matched_columns for every ledger (by name)."""
    matched: dict[str, dict[int, str]] = {name: {} for name in LEDGERS}
    for index, cell in enumerate(cells):
        if cell is None or not cell.strip():
            continue
        for ledger_name, column in _columns_named_by(cell).items():
            if column not in matched[ledger_name].values():
                matched[ledger_name][index] = column
    return matched


def _required(ledger: Ledger) -> list[Column]:
    return [column for column in ledger.columns if column.required]


@functools.cache
def _required_names(ledger_name: str) -> frozenset[str]:
    return frozenset(column.name for column in _required(LEDGERS[ledger_name]))


def _is_header_row(matched: dict[int, str], ledger: Ledger) -> bool:
    required = _required_names(ledger.name)
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


@functools.cache
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
    rows = range(len(sheet.head))
    matched = functools.cache(lambda i: _matched_by_ledger(sheet.head[i]))  # rows below the header are rarely needed
    first = next((i for i in rows if any(_is_header_row(found, LEDGERS[name]) for name, found in matched(i).items())),
                 None)
    title_text = " ".join([*(_row_text(row) for row in sheet.head[:first]), sheet.name or "", relative])
    named = ledger_from_title(title_text)
    if named:
        index = next((i for i in rows if _is_header_row(matched(i)[named.name], named)), None)
        if index is not None:
            return index, named
        if first is None:
            best = max((matched(i) for i in rows), key=lambda by_ledger: len(by_ledger[named.name]))[named.name]
            if len(best) < MIN_HEADER_MATCHES:
                example = _required(named)[0].zh
                raise Rejected(
                    "no_header", f"前 {HEADER_SEARCH_ROWS} 行中找不到《{named.zh}》的表头（如“{example}”）",
                    f"no header row of the {named.en} ledger (such as {example!r}) in the first "
                    f"{HEADER_SEARCH_ROWS} rows", named.name)
            raise _missing_columns(named, [c for c in _required(named) if c.name not in best.values()])
    if first is None:
        raise Rejected(
            "unknown_ledger", f"前 {HEADER_SEARCH_ROWS} 行中找不到可识别的表头，无法判断是哪类台账",
            f"no recognisable header row in the first {HEADER_SEARCH_ROWS} rows: unknown ledger")
    return first, _best_matching_ledger(matched(first))


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


def _header_cells(head: list[list[str | None]], index: int, ledger: Ledger) -> tuple[list[str | None], int]:
    """The header's cells and the index of its last row. A two-row header (户数 merged over 总户数 and
    入住户数) is combined, each column taking the lower row's text where it has one: the row below
    the header is its second row when every cell of it names a column of the ledger and at least one
    adds to the row above (names a column the cell above does not)."""
    if index + 1 >= len(head):
        return head[index], index
    upper, lower = head[index], head[index + 1]
    filled = [i for i, cell in enumerate(lower) if cell is not None and cell.strip()]
    names = _matched_columns(lower, ledger)
    above = _matched_columns(upper, ledger)
    if not filled or any(i not in names for i in filled) or all(above.get(i) == names[i] for i in filled):
        return upper, index
    width = max(len(upper), len(lower))
    combined = [(lower[i] if i < len(lower) and i in names else None) or (upper[i] if i < len(upper) else None)
                for i in range(width)]
    return combined, index + 1


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


_UNMAPPED = "?"  # a body column naming no ledger column is stacked as "?" + its `_original` name


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

    def has_text(self, body_column: str) -> bool:
        i = int(body_column[1:])
        return i < len(self.texts) and self.texts[i] is not None

    def folded_text(self, name: str) -> str | None:
        """The header text of the ledger column `name` as a repeated header row shows it, if named."""
        return next((nz.fold_width_text(self.texts[i]).strip() for i, column in self.columns.items()
                     if column == name), None)

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

    def slots(self, names: dict[str, str]) -> dict[str, str]:
        """body column (c<i>) -> its name when files are stacked: the ledger column it holds, else
        _UNMAPPED + its `_original` name (from `names`)."""
        return {column: self.columns.get(int(column[1:])) or _UNMAPPED + name for column, name in names.items()}


# ============================================================================ rows to skip

_TOTAL = (r"^(?:本页|本月|本期|全部|全市|全县|全区)?\s*(?:合\s*计|总\s*计|小\s*计|共\s*计|总合计)\s*"
          r"(?:[:(\[].*)?$")
_FOOTER = r"^(?:填表|填报|制表|审核|审批|负责|单位负责|联系|说明|注|备注|附注)[^:]{0,8}:"


def _skip_reasons(cleaned: pl.DataFrame, files: pl.Series, headers: list[_Header]) -> pl.Series:
    """Per body row: None for a data row, else why it is skipped (one of SKIP_REASONS)."""
    if not cleaned.columns:
        return pl.Series("reason", [None] * cleaned.height, dtype=pl.String)
    cells = [pl.col(name) for name in cleaned.columns]
    filled = pl.sum_horizontal(cell.is_not_null() for cell in cells)
    total = pl.any_horizontal(cell.str.contains(_TOTAL).fill_null(False) for cell in cells)
    footer = (filled > 0) & (pl.sum_horizontal(cell.str.contains(_FOOTER).fill_null(False)
                                               for cell in cells) == filled)
    reasons = (pl.when(filled == 0).then(pl.lit("blank"))
               .when(_repeats_header(cleaned.columns, files, headers)).then(pl.lit("repeated_header"))
               .when(total).then(pl.lit("total"))
               .when(footer).then(pl.lit("footer")))
    return cleaned.select(reasons.alias("reason")).to_series()


def _repeats_header(columns: list[str], files: pl.Series, headers: list[_Header]) -> pl.Expr:
    """Half or more of the named cells (and at least 2, or all if fewer) repeat their file's header."""
    named = [name for name in columns if not name.startswith(_UNMAPPED)]
    if not named:
        return pl.lit(False)
    same = []
    for name in named:  # each file's header text of the column, on each of the file's rows
        texts = pl.Series([header.folded_text(name) for header in headers], dtype=pl.String)
        same.append((pl.col(name) == texts.gather(files)).fill_null(False))
    needed = pl.Series([_needed_repeats(len(header.columns)) for header in headers], dtype=pl.Int64)
    return pl.sum_horizontal(same) >= needed.gather(files)


def _needed_repeats(named: int) -> int:
    if named == 0:
        return 1  # more than can repeat
    return max(min(2, named), (named + 1) // 2)


# ============================================================================ typed columns

@dataclass
class _Typed:
    frame: pl.DataFrame            # every ledger column, typed by kind
    failed: dict[str, pl.Series]   # column -> where its cell had text that could not be read
    issues: pl.Series              # per row: ["column:rule", ...]


def _typed_columns(cleaned: pl.DataFrame, ledger: Ledger) -> _Typed:
    """Every ledger column typed by kind (absent ones all-null), with the issues of each row."""
    kinds = {column.name: column.kind for column in ledger.columns
             if column.name in cleaned.columns and not column.pii}
    month_only = ["as_of"] if ledger.snapshot else []
    values, failed = nz.normalise_frame(cleaned, kinds, month_only)
    columns = []
    for column in ledger.columns:
        if column.name in values.columns:
            columns.append(values[column.name])
        elif column.name in cleaned.columns:  # personal: hashed by _protect_personal_data
            columns.append(cleaned[column.name])
        else:
            dtype = nz.POLARS_TYPES[column.kind]
            columns.append(pl.repeat(None, cleaned.height, dtype=dtype, eager=True).alias(column.name))
    frame = pl.DataFrame(columns)
    return _Typed(frame, dict(zip(failed.columns, failed.get_columns(), strict=True)),
                  _issues(cleaned, failed, ledger))


def _issues(cleaned: pl.DataFrame, failed: pl.DataFrame, ledger: Ledger) -> pl.Series:
    """Per row, its issues in the ledger's column order: unreadable cells, spaces inside codes
    (removed by the normaliser), then formula-like text."""
    text = [name for name in failed.columns if ledger.column(name).kind in nz.TEXT_KINDS]
    codes = [name for name in failed.columns if ledger.column(name).kind == "code"]
    formula_like = cleaned.select(nz.formula_like(pl.col(name)).alias(name) for name in text)
    spaced = cleaned.select(pl.col(name).str.contains(r"\s").fill_null(False) for name in codes)
    any_failed = failed.select(pl.all().any()).row(0, named=True) if failed.width else {}
    any_formula = formula_like.select(pl.all().any()).row(0, named=True) if formula_like.width else {}
    any_spaced = spaced.select(pl.all().any()).row(0, named=True) if spaced.width else {}
    flags = []
    for name in failed.columns:
        rule = nz.RULES.get(ledger.column(name).kind)
        if rule and any_failed[name]:
            flags.append(pl.when(failed[name]).then(pl.lit(f"{name}:{rule}")))
        if any_spaced.get(name):
            flags.append(pl.when(spaced[name]).then(pl.lit(f"{name}:{nz.CODE_SPACES}")))
        if any_formula.get(name):
            flags.append(pl.when(formula_like[name]).then(pl.lit(f"{name}:{nz.FORMULA_LIKE}")))
    if not flags:
        return pl.Series("_issues", [[]], dtype=pl.List(pl.String)).new_from_index(0, cleaned.height)
    return pl.select(pl.concat_list(flags).list.drop_nulls().alias("_issues")).to_series()


def _fill_from_file(typed: _Typed, ledger: Ledger, files: pl.Series, months: list[date | None],
                    counties: list[str | None]) -> tuple[pl.DataFrame, pl.Series]:
    """Snapshot as_of: the file's month where the column is missing or the cell empty, and
    snapped to its month end. County (DOMAIN.md section 8, scope from the file): the file's county
    where the cell is empty, or unrecognisable (a typo such as 凉洲区; the row's issue becomes
    county_from_file). A file's county is the one its title or path names, else the one county
    all its other rows name; a file of several counties has none, and its rows keep the issue.
    Returns the frame and the rows' issues."""
    frame, issues = typed.frame, typed.issues
    if ledger.snapshot and "as_of" in frame.columns:
        file_months = pl.Series(months, dtype=pl.Date).gather(files)
        frame = frame.with_columns(_filled(frame["as_of"].dt.month_end(), typed.failed.get("as_of"), file_months))
    if "county" in frame.columns:
        of_rows = _county_of_rows(frame["county"], files) if not all(counties) else {}
        counties = [county or of_rows.get(index) for index, county in enumerate(counties)]
        file_counties = pl.Series(counties, dtype=pl.String).gather(files)
        frame = frame.with_columns(_filled(frame["county"], None, file_counties))  # empty and unreadable cells
        failed = typed.failed.get("county")
        if failed is not None:
            taken = failed & file_counties.is_not_null()
            issues = pl.select(pl.when(taken).then(issues.list.eval(pl.element().replace(
                f"county:{nz.RULES['county']}", f"county:{nz.COUNTY_FROM_FILE}"))).otherwise(issues)).to_series()
    return frame, issues


def _county_of_rows(county: pl.Series, files: pl.Series) -> dict[int, str]:
    """file -> the one county all its rows that name a known county name (files naming several left out)."""
    named = pl.DataFrame([files, county]).drop_nulls().group_by(files.name).agg(pl.col(county.name).unique())
    return {index: found[0] for index, found in named.iter_rows() if len(found) == 1}


def _filled(values: pl.Series, failed: pl.Series | None, fill: pl.Series) -> pl.Series:
    """values with empty cells (null, but not unreadable) set to fill."""
    empty = values.is_null() if failed is None else values.is_null() & ~failed
    return pl.select(pl.when(empty).then(fill).otherwise(values).alias(values.name)).to_series()


def _months(frame: pl.DataFrame, files: pl.Series, ledger: Ledger,
            title_months: list[date | None]) -> list[date | None]:
    """Each file's month: from its title or path, else from its data."""
    if all(title_months):
        return title_months
    from_data = _months_from_data(frame.with_columns(files), ledger)
    return [month or from_data.get(index) for index, month in enumerate(title_months)]


def _months_from_data(frame: pl.DataFrame, ledger: Ledger) -> dict[int, date | None]:
    """file (`_file`) -> the month its data tell (see the module docstring)."""
    if ledger.snapshot:
        months = frame.group_by("_file").agg(pl.col("as_of").drop_nulls().dt.month_end().unique())
        return {index: found[0] if len(found) == 1 else None for index, found in months.iter_rows()}
    column = ledger.main_date
    if column is None:
        return {}
    if frame[column].dtype == pl.String:  # a period such as 2025H1
        periods = frame.group_by("_file").agg(pl.col(column).drop_nulls().unique())
        return {index: max(filter(None, map(month_from_text, texts)), default=None)
                for index, texts in periods.iter_rows()}
    latest = frame.group_by("_file").agg(pl.col(column).drop_nulls().max())
    return {index: nz.month_end(day) if isinstance(day, date) else None for index, day in latest.iter_rows()}


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
        pl.when(digits.str.len_bytes() > 0).then(digits), person).alias(PII_KEY_COLUMN))
    with duckdb.connect(config={"threads": 1}) as con:  # its sha256 is hashlib's, without a Python call per value
        con.register("identity", identity)
        return con.sql(f"select sha256($salt || {PII_KEY_COLUMN}) as {PII_KEY_COLUMN} from identity",
                       params={"salt": salt}).pl()[PII_KEY_COLUMN]


NAME_MASK = "某某"
MIN_MASKED_NAME = 2  # a one-character "name" is too likely a word of the text to be masked everywhere


def without_own_name(text: pl.Series, name: pl.Series) -> pl.Series:
    """text with every occurrence of the row's own name (spaces removed, at least MIN_MASKED_NAME
    characters) replaced by NAME_MASK."""
    both = pl.DataFrame({"text": text, "name": name.str.replace_all(r"\s+", "")})
    named = both.select((pl.col("name").str.len_chars() >= MIN_MASKED_NAME)
                        & pl.col("text").str.contains(pl.col("name"), literal=True)).to_series()
    rows = named.fill_null(False).arg_true()
    if rows.len() == 0:
        return text
    masked = both[rows].select(pl.col("text").str.split(pl.col("name")).list.join(NAME_MASK)).to_series()
    return text.scatter(rows, masked)


def _protect_personal_data(frame: pl.DataFrame, ledger: Ledger) -> pl.DataFrame:
    pii = [column.name for column in ledger.columns if column.pii]
    if not pii:
        return frame
    text = [column.name for column in ledger.columns if column.kind == "str" and not column.pii]
    frame = frame.with_columns(without_own_name(frame[name], frame["complainant_name"]) for name in text)
    key = complainant_key(frame["complainant_name"], frame["complainant_phone"], pii_salt())
    first = frame.columns.index(pii[0])
    frame = frame.insert_column(first, key)
    return frame.drop(pii)


def originals(source: SourceFile, rows: pl.Series | None = None) -> pl.DataFrame:
    """`_row` and `_original` of the file's rows (or of those numbered in `rows`): the cells as sent,
    keyed by header text, as JSON; personal columns as ***, and free text (text columns and columns
    the ledger does not know) with ID, mobile and landline numbers and the row's own complainant
    name masked. Between them, each cell as `_original` shows it, by slot (the ledger column)."""
    cells = source.cells if rows is None else source.cells.filter(pl.col("_row").is_in(rows.implode()))
    shown = _original_cells(cells, LEDGERS[source.ledger])
    return shown.with_columns(pl.struct(pl.col(slot).alias(name) for slot, name in source.layout)
                              .struct.json_encode().alias("_original"))


def _original_cells(raw: pl.DataFrame, ledger: Ledger) -> pl.DataFrame:
    """raw (a file's `cells`) with its cells as `_original` shows them."""
    columns = {column.name: column for column in ledger.columns}
    slots = [slot for slot in raw.columns if slot != "_row"]
    personal = [slot for slot in slots if slot in columns and columns[slot].pii]
    free_text = [slot for slot in slots
                 if slot not in columns or (columns[slot].kind == "str" and not columns[slot].pii)]
    free = raw.select(free_text) if "complainant_name" not in raw.columns else pl.DataFrame(
        [without_own_name(raw[slot], raw["complainant_name"]) for slot in free_text])
    return raw.with_columns(
        *(pl.when(pl.col(slot).is_not_null()).then(pl.lit("***")).alias(slot) for slot in personal),
        *nz.mask_personal_frame(free).get_columns(),
    )


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
