"""Turn the text of ledger cells into typed values, whole columns at a time, without row loops.

Every function here takes whole columns of text, as read from the files: a `pl.Series`, or a
frame of columns to be handled together (`clean_frame`, `normalise_frame`: one Polars pass
over all of them costs little more than a pass over one, which matters for many small files).
Parsing is done by Polars expressions (regular expressions, strptime) or, where a Python
function is clearer (booleans, county names), by applying it to the column's *unique* values
and mapping the results back: a 20-million-row ledger has few distinct county names or yes/no
spellings.

Forms accepted, by kind (see `contract.ledgers` for the kinds):

    all kinds  full-width digits, letters, punctuation and the ideographic space (１２３, "　",
               "－") are folded to half-width; cells are trimmed; an empty cell is null.
               In every kind but text, a cell holding only dashes or slashes ("-", "—", "/")
               means "nothing" and is null without an issue.
    str        text; mobile, landline and ID numbers in it are masked (`mask_personal_text`)
    code       text kept exactly, except spaces of any width inside it, which are removed (the
               reader flags them: code_spaces), and Excel's float form "620602001001.0" ->
               "620602001001"; the scientific form "6.20602E+11" (digits already lost) fails: bad_code
    enum       text (membership is checked later by the quality gate)
    int        "1,234", "120户", "3.5万" (-> 35000), "120.0"; a fraction fails: bad_number
    float      as int, decimals kept ("1.25元/㎡·月" -> 1.25)
    rate       "85%" -> 0.85, "0.85" -> 0.85, "85" -> 0.85 (a number above 1 and at most 100
               is a percentage); above 100 stays as given ("120%" -> 1.2, "150" -> 150.0) for
               the quality gate to flag
    bool       是/否, 有/无, 对/错, √/×, ✓/✗, Y/N, yes/no, true/false, T/F, 1/0, 本地/外地, and
               words beginning with 已/有 (true) or 未/无/没/不/非 (false): 已备案, 未公示
    date       2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, "2024-03-05 00:00:00",
               Excel serial numbers 20000..80000 (1900 date system: 45356 -> 2024-03-05)
               With month_only (a snapshot's as_of): also 2024-03, 2024年3月, 202403 -> the
               month's last day
    datetime   the date forms plus a time "HH:MM" or "HH:MM:SS" (also 14时30分), separated by
               a space or "T"; a serial number's fraction is the time of day
    county     any name variant in the region pack's counties.csv, or the adcode -> adcode;
               a leading "甘肃省" is ignored; a name that starts with a variant (an address
               such as "武威市凉州区东大街1号") takes that variant's adcode

A cell that has text but cannot be read becomes null and is reported by `normalise` as
failed, with the rule named in `RULES` (e.g. built_year:bad_number).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from contract.location import REFERENCE

# The rule name reported for a cell of each kind that could not be read.
RULES = {
    "int": "bad_number", "float": "bad_number", "rate": "bad_number",
    "bool": "bad_bool", "date": "bad_date", "datetime": "bad_date",
    "county": "unknown_county", "code": "bad_code",
}
FORMULA_LIKE = "formula_like"
CODE_SPACES = "code_spaces"            # a code had spaces inside (removed)
COUNTY_FROM_FILE = "county_from_file"  # an unrecognisable county cell took the file's county (read.py)
TEXT_KINDS = ("str", "code", "enum")
_NUMBER_KINDS = ("int", "float", "rate")

POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(), "code": pl.String(), "enum": pl.String(), "county": pl.String(),
    "int": pl.Int64(), "float": pl.Float64(), "rate": pl.Float64(), "bool": pl.Boolean(),
    "date": pl.Date(), "datetime": pl.Datetime("us"),
}

# --- full-width folding -------------------------------------------------------------------

_FULL_WIDTH = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "\xa0"]
_HALF_WIDTH = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" ", " "]
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff"]
_FOLD_TABLE = str.maketrans(dict(zip(_FULL_WIDTH, _HALF_WIDTH, strict=True)) | dict.fromkeys(_INVISIBLE, ""))


def fold_width_text(text: str) -> str:
    """The half-width form of one Python string (for headers, titles and file names)."""
    return text.translate(_FOLD_TABLE)


def clean_text(raw: pl.Series) -> pl.Series:
    """Full-width folded, trimmed text; empty -> null."""
    return clean_frame(raw.to_frame()).to_series()


def clean_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """Every column through `clean_text`."""
    if not raw.columns:
        return raw
    text = raw.select(pl.all().cast(pl.String))  # a column with no cell at all may arrive typed Null
    # A cheap scan spares the replacement in most columns.
    foldable = text.select(pl.all().str.contains_any(_FULL_WIDTH + _INVISIBLE).any()).row(0)
    trimmed = text.select(
        (_folded(pl.col(name)) if fold else pl.col(name)).str.strip_chars()
        for name, fold in zip(text.columns, foldable, strict=True))
    return trimmed.select(pl.when(pl.col(name).str.len_bytes() > 0).then(pl.col(name)).alias(name)
                          for name in trimmed.columns)


def _folded(text: pl.Expr) -> pl.Expr:
    return text.str.replace_many(_FULL_WIDTH + _INVISIBLE, _HALF_WIDTH + [""] * len(_INVISIBLE))


_PLACEHOLDER = r"^[-—–/\\]+$"  # "-", "--", "—", "/" written for "nothing"


def _without_placeholders(cleaned: pl.Expr) -> pl.Expr:
    return pl.when(~cleaned.str.contains(_PLACEHOLDER)).then(cleaned)


# --- personal data in free text -------------------------------------------------------------

# No look-around in Polars' regex engine, so the neighbouring non-digit is captured and put
# back; two numbers separated by one character share it, hence the repeat until none is left.
# Replacing with capture groups is slow, so it runs only on the rows a plain search finds.
_MOBILE = r"(^|[^0-9])(\+?86[ -]?)?(1[3-9][0-9])[ -]?[0-9]{4}[ -]?([0-9]{4})([^0-9]|$)"
_MOBILE_MASK = "${1}${2}${3}****${4}${5}"
# A landline: an area code 0xx or 0xxx (bare, followed by "-" or a space, or in brackets) and a
# local number of 7 or 8 digits: 0935-2212345, 09352212345, (0935)2212345, （0935）2212345.
_LANDLINE = r"(^|[^0-9])(0[0-9]{2,3}[ -]?|[(（]0[0-9]{2,3}[)）] ?)[0-9]{5,6}([0-9]{2})([^0-9]|$)"
_LANDLINE_MASK = "${1}${2}*****${3}${4}"
_PERSONAL_NUMBERS = ((_MOBILE, _MOBILE_MASK), (_LANDLINE, _LANDLINE_MASK))
_DIGIT_RUN = r"[0-9]{17,}[Xx]?"  # a run of digits long enough to be an ID number


def mask_personal_text(text: pl.Series) -> pl.Series:
    """Mask resident ID numbers (first 6 + ******** + last 4), mobile numbers (first 3 + **** + last 4) and
    landline numbers (area code + ***** + last 2)."""
    return mask_personal_frame(text.to_frame()).to_series()


def is_resident_id(number: str) -> bool:
    """An 18-character run of digits (the last may be X) is a resident ID number when its check character
    (GB 11643, stdnum.cn.ric) and birth date hold: an order or account number of that length is not one.
    The birth place is not looked up: stdnum's list of places knows only real, current divisions."""
    if len(number) != 18 or ric.calc_check_digit(number) != number[-1].upper():
        return False
    try:
        ric.get_birth_date(number)
    except InvalidComponent:
        return False
    return True


def _mask_resident_ids(text: pl.DataFrame) -> pl.DataFrame:
    """Each distinct run of digits found is judged once in Python (the runs, not the rows), then replaced
    as literal text in every column."""
    names = [name for name, dtype in text.schema.items() if dtype == pl.String]
    if not names:
        return text
    runs = pl.concat([text[name].alias("text") for name in names]).str.extract_all(_DIGIT_RUN).explode().unique()
    ids = [run for run in runs.drop_nulls().to_list() if is_resident_id(run)]
    if not ids:
        return text
    masks = [f"{n[:6]}********{n[14:]}" for n in ids]
    return text.with_columns(pl.col(names).str.replace_many(ids, masks))


def mask_personal_frame(text: pl.DataFrame) -> pl.DataFrame:
    """Every column through `mask_personal_text`."""
    text = _mask_resident_ids(text)
    for pattern, mask in _PERSONAL_NUMBERS:
        names = text.columns
        for _ in range(3):
            if not names:
                break
            found = text.select(pl.col(names).str.contains(pattern).fill_null(False))
            names = [name for name, hit in zip(names, found.select(pl.all().any()).row(0), strict=True) if hit]
            text = text.with_columns(_replaced(text[name], found[name].arg_true(), pattern, mask)
                                     for name in names)
    return text


def _replaced(text: pl.Series, rows: pl.Series, pattern: str, mask: str) -> pl.Series:
    return text.scatter(rows, text.gather(rows).str.replace_all(pattern, mask))


def formula_like(cleaned: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    """True where a cell would run as a formula if exported again: =…, @…, +x / -x (not a number)."""
    return cleaned.str.contains(r"^(?:[=@]|[+-][^0-9.\s])").fill_null(False)


# --- numbers ------------------------------------------------------------------------------

_THOUSANDS = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?"
# number, an optional 万 (ten thousand), an optional %, then an optional unit without digits
# (m2 / m² allowed: "120m2", "1.2元/m2·月").
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
_NUMBER = (r"^(?<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
           r"(?<wan>万)?(?<percent>%)?"
           r"(?<unit>(?:[mM]2|[^0-9%.,+\-])(?:[mM]2|[^0-9%])*)?$")


def _numbers(text: pl.DataFrame, kinds: Mapping[str, str]) -> pl.DataFrame:
    """The columns of number kinds (int, float, rate) read, one step at a time for all of them."""
    names = [name for name, kind in kinds.items() if kind in _NUMBER_KINDS]
    if not names:
        return pl.DataFrame()
    squeezed = text.select(pl.col(names).str.replace_all(r"\s", ""))
    plain = squeezed.select(
        pl.when(pl.col(name).str.contains(_THOUSANDS)).then(pl.col(name).str.replace_all(",", ""))
        .otherwise(pl.col(name)).alias(name)
        for name in names)
    # Most cells are plain numbers ("120", "0.85"): read directly; the rest by _NUMBER.
    simple = plain.select(pl.col(names).str.contains(_PLAIN_NUMBER))
    read = plain.select(*(pl.when(simple[name]).then(pl.col(name).cast(pl.Float64, strict=False)).alias(name)
                          for name in names),
                        *(pl.lit(False).alias(f"{name}%") for name in names))
    for name in names:
        rest = (~simple[name] & plain[name].is_not_null()).fill_null(False).arg_true()
        if rest.len():
            parts = plain[name].gather(rest).to_frame().select(pl.col(name).str.extract_groups(_NUMBER).alias("parts"))
            found = parts.select(_number(pl.col("parts")), pl.col("parts").struct.field("percent").is_not_null())
            read = read.with_columns(read[name].scatter(rest, found.to_series(0)),
                                     read[f"{name}%"].scatter(rest, found.to_series(1)))
    return read.select(_number_of_kind(pl.col(name), pl.col(f"{name}%"), kinds[name]).alias(name)
                       for name in names)


def _number(parts: pl.Expr) -> pl.Expr:
    """The number of the parts found by _NUMBER, 万 applied (times 10 000, else times 1)."""
    number = parts.struct.field("number").cast(pl.Float64, strict=False)
    return number * pl.when(parts.struct.field("wan").is_not_null()).then(10_000.0).otherwise(1.0)


def _number_of_kind(number: pl.Expr, percent: pl.Expr, kind: str) -> pl.Expr:
    if kind == "rate":
        return pl.when(percent | ((number > 1) & (number <= 100))).then(number / 100).otherwise(number)
    without_percent = pl.when(~percent).then(number)
    if kind == "float":
        return without_percent
    rounded = without_percent.round(0)
    whole = (without_percent - rounded).abs() < 1e-6
    return pl.when(whole & (rounded.abs() < 2**53)).then(rounded).cast(pl.Int64)


# --- booleans -----------------------------------------------------------------------------

_TRUE_WORDS = {"是", "有", "对", "√", "✓", "✔", "☑", "y", "yes", "true", "t", "1", "1.0", "本地"}
_FALSE_WORDS = {"否", "无", "错", "×", "✗", "✘", "☒", "x", "n", "no", "false", "f", "0", "0.0",
                "外地", "没有", "不是"}
_TRUE_PREFIXES = ("已", "有")
_FALSE_PREFIXES = ("未", "无", "没", "不", "非")


def parse_bool_text(text: str) -> bool | None:
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    if word.startswith(_TRUE_PREFIXES):
        return True
    if word.startswith(_FALSE_PREFIXES):
        return False
    return None


# --- dates --------------------------------------------------------------------------------

_TIME = r"(?:[ T]*(?<H>[0-9]{1,2})[:时](?<M>[0-9]{1,2})(?:[:分](?<S>[0-9]{1,2})(?:\.[0-9]+)?秒?|分)?)?"
_DATE_SEPARATED = r"^(?<y>[0-9]{4})[-/.年](?<m>[0-9]{1,2})[-/.月](?<d>[0-9]{1,2})日?" + _TIME + "$"
_DATE_COMPACT = r"^(?<y>[0-9]{4})(?<m>[0-9]{2})(?<d>[0-9]{2})" + _TIME + "$"
_MONTH_ONLY = (r"^(?<y>[0-9]{4})[-/.年](?<m>[0-9]{1,2})月?$", r"^(?<y>[0-9]{4})(?<m>[0-9]{2})$")
_EXCEL_SERIAL = r"^[0-9]{5}(\.[0-9]+)?$"
_ISO_DAY = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
_SERIAL_RANGE = (20_000, 80_000)
_UNIX_EPOCH_SERIAL = 25_569  # Excel's serial number of 1970-01-01 (1900 date system)
_US_PER_SECOND = 1_000_000


def _datetime_from_pattern(cleaned: pl.Series, pattern: str) -> pl.Series:
    """Datetimes from a pattern with named groups y, m and optionally d, H, M, S."""
    parts = cleaned.str.extract_groups(pattern).struct.unnest()

    def two_digits(name: str, missing: str) -> pl.Expr:
        present = pl.col(name) if name in parts.columns else pl.lit(None, pl.String)
        return present.fill_null(missing).str.zfill(2)

    canonical = parts.select(pl.concat_str(
        pl.col("y"), pl.lit("-"), two_digits("m", "1"), pl.lit("-"), two_digits("d", "1"), pl.lit(" "),
        two_digits("H", "0"), pl.lit(":"), two_digits("M", "0"), pl.lit(":"), two_digits("S", "0"),
    )).to_series()
    return canonical.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")


def _datetime_from_serial(cleaned: pl.Series) -> pl.Series:
    looks_serial = cleaned.str.contains(_EXCEL_SERIAL)
    serial = _select(pl.when(looks_serial).then(cleaned.cast(pl.Float64, strict=False)), "serial")
    low, high = _SERIAL_RANGE
    seconds = ((serial - _UNIX_EPOCH_SERIAL) * 86_400).round(0)
    in_range = (serial >= low) & (serial <= high)
    micros = _select(pl.when(in_range).then(seconds * _US_PER_SECOND).cast(pl.Int64), "micros")
    return micros.cast(pl.Datetime("us"))


def _month_end_from_month_only(cleaned: pl.Series) -> pl.Series:
    found = [_datetime_from_pattern(cleaned, pattern) for pattern in _MONTH_ONLY]
    first_days = pl.select(pl.coalesce(found)).to_series()
    return first_days.dt.month_end()


def to_datetime(cleaned: pl.Series, *, month_only: bool = False) -> pl.Series:
    """Naive local datetimes. month_only: also accept "2024-03" / "2024年3月" as that month's last day."""
    # Most cells of a column share one form: read ISO text directly (a date and time, or a date), the
    # rest by the patterns.
    values = cleaned.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
    for read in (_iso_day, lambda rest: _datetime_any_form(rest, month_only)):
        rest = (values.is_null() & cleaned.is_not_null()).arg_true()
        if rest.len():
            values = values.scatter(rest, read(cleaned.gather(rest)))
    return values.alias(cleaned.name)


def _iso_day(cleaned: pl.Series) -> pl.Series:
    """2024-03-05 (or 2024-3-5) as midnight, as the separated pattern reads it; else null."""
    day = cleaned.str.to_datetime("%Y-%m-%d", strict=False, time_unit="us")
    return _select(pl.when(cleaned.str.contains(_ISO_DAY)).then(day), cleaned.name)


def _datetime_any_form(cleaned: pl.Series, month_only: bool) -> pl.Series:
    candidates = [
        _datetime_from_pattern(cleaned, _DATE_SEPARATED),
        _datetime_from_pattern(cleaned, _DATE_COMPACT),
        _datetime_from_serial(cleaned),
    ]
    if month_only:
        candidates.append(_month_end_from_month_only(cleaned))
    return pl.select(pl.coalesce(candidates)).to_series()


def to_date(cleaned: pl.Series, *, month_only: bool = False) -> pl.Series:
    return to_datetime(cleaned, month_only=month_only).dt.date()


# --- identifiers and counties ---------------------------------------------------------------

def _code(cleaned: pl.Expr) -> pl.Expr:
    """Identifiers stay text, without spaces; Excel's "620602001001.0" loses its ".0"; "6.2E+11" is unreadable."""
    squeezed = cleaned.str.replace_all(r"\s+", "")
    without_float_tail = squeezed.str.replace(r"^([0-9]+)\.0+$", "${1}")
    scientific = squeezed.str.contains(r"^[0-9]\.[0-9]+[eE]\+?[0-9]+$")
    return pl.when(~scientific).then(without_float_tail)


@dataclass(frozen=True)
class CountyNames:
    by_name: dict[str, str]          # variant or adcode (normalised) -> adcode
    longest_first: tuple[str, ...]   # the variants, longest first (for prefix and search)
    levels: dict[str, str]           # adcode -> level (city, county)


def _name_key(text: str) -> str:
    return re.sub(r"\s+", "", fold_width_text(text))


@lru_cache(maxsize=4)
def county_names(path: Path = REFERENCE / "counties.csv") -> CountyNames:
    by_name: dict[str, str] = {}
    levels: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            adcode = row["adcode"].strip()
            levels[adcode] = row["level"].strip()
            for name in [adcode, row["name_zh"], *row["variants"].split("|")]:
                if name.strip():
                    by_name.setdefault(_name_key(name), adcode)
    variants = tuple(sorted((n for n in by_name if not n.isdigit()), key=len, reverse=True))
    return CountyNames(by_name, variants, levels)


def county_adcode(text: str, names: CountyNames | None = None) -> str | None:
    """The adcode of one county name, adcode or address; None if unknown."""
    names = names or county_names()
    key = re.sub(r"^甘肃省?", "", _name_key(text))
    if key in names.by_name:
        return names.by_name[key]
    prefix = next((v for v in names.longest_first if key.startswith(v)), None)
    return names.by_name[prefix] if prefix else None


# --- whole columns --------------------------------------------------------------------------

@dataclass(frozen=True)
class Normalised:
    values: pl.Series   # typed by kind (POLARS_TYPES), null where empty or unreadable
    failed: pl.Series   # Boolean: the cell held text that could not be read
    rule: str | None    # the issue rule for failed cells


def normalise(raw: pl.Series, kind: str, *, month_only: bool = False) -> Normalised:
    """Normalise one column of cell text to its kind. month_only: see `to_datetime`."""
    cleaned = clean_text(raw)
    values, failed = normalise_frame(cleaned.to_frame(), {cleaned.name: kind},
                                     month_only=[cleaned.name] if month_only else [])
    return Normalised(values.to_series(), failed.to_series(), RULES.get(kind))


def normalise_frame(cleaned: pl.DataFrame, kinds: Mapping[str, str],
                    month_only: Collection[str] = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The columns named in `kinds` (text already through `clean_frame`), each typed by its kind,
    and a Boolean frame of the cells that held text but could not be read.
    month_only: the date columns that also take a bare month (see `to_datetime`)."""
    unknown = [kind for kind in kinds.values() if kind not in POLARS_TYPES]
    if unknown:
        raise ValueError(f"unknown column kind {unknown[0]!r}")
    if not kinds:
        return pl.DataFrame(), pl.DataFrame()
    text = cleaned.select(pl.col(name) if kind in TEXT_KINDS else _without_placeholders(pl.col(name)).alias(name)
                          for name, kind in kinds.items())
    converted = [
        _numbers(text, kinds),
        text.select(_converted(text[name], kind).alias(name)
                    for name, kind in kinds.items() if kind in ("code", "enum", "bool", "county")),
        mask_personal_frame(text.select(name for name, kind in kinds.items() if kind == "str")),
        pl.DataFrame({name: _date_column(text[name], kind, name in month_only)
                      for name, kind in kinds.items() if kind in ("date", "datetime")}),
    ]
    values = pl.concat([frame for frame in converted if frame.width], how="horizontal").select(list(kinds))
    failed = text.select((pl.col(name).is_not_null() & pl.lit(values[name]).is_null()).alias(name)
                         for name in kinds)
    return values, failed


def _converted(cleaned: pl.Series, kind: str) -> pl.Expr:
    """The expression reading the column `cleaned` as code, enum, bool or county."""
    if kind == "code":
        return _code(pl.col(cleaned.name))
    if kind == "bool":
        return _parsed_in_python(cleaned, parse_bool_text, pl.Boolean())
    if kind == "county":
        names = county_names()
        return _parsed_in_python(cleaned, lambda text: county_adcode(text, names), pl.String())
    return pl.col(cleaned.name)  # enum


def _parsed_in_python(cleaned: pl.Series, parse: Callable[[str], Any], dtype: pl.DataType) -> pl.Expr:
    """The column `cleaned` through parse, called once for each distinct value."""
    distinct = cleaned.drop_nulls().unique()
    parsed = pl.Series([parse(text) for text in distinct.to_list()], dtype=dtype)
    return pl.col(cleaned.name).replace_strict(distinct, parsed, default=None, return_dtype=dtype)


def _date_column(cleaned: pl.Series, kind: str, month_only: bool) -> pl.Series:
    return (to_date if kind == "date" else to_datetime)(cleaned, month_only=month_only)


# --- helpers --------------------------------------------------------------------------------

def _select(expr: pl.Expr, name: str) -> pl.Series:
    """Evaluate an expression built from Series (no frame needed) into a named Series."""
    return pl.select(expr.alias(name)).to_series()


def month_end(day: date) -> date:
    """The last day of day's month."""
    next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(next_month.toordinal() - 1)
