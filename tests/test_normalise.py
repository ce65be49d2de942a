"""readers.normalise: every accepted form of a cell, by kind, and the forms that fail."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from readers import normalise as nz


def one(kind: str, text: str | None, **options) -> tuple[object, bool]:
    """The normalised value of one cell and whether it failed."""
    result = nz.normalise(pl.Series("cell", [text], dtype=pl.String), kind, **options)
    return result.values[0], result.failed[0]


# --- text ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("１２３", "123"),                  # full-width digits
    ("ＡＢｃ", "ABc"),                  # full-width letters
    ("　金色　家园　", "金色 家园"),      # ideographic spaces: folded, then trimmed
    ("  东大街 ", "东大街"),
    ("\u200b东大街\ufeff", "东大街"),   # invisible characters dropped
    ("（北区）", "(北区)"),             # full-width brackets
    ("", None),
    ("   ", None),
    (None, None),
])
def test_text_is_folded_and_trimmed(text, expected):
    assert one("str", text) == (expected, False)


@pytest.mark.parametrize("kind", ["enum", "code"])
def test_enum_and_code_are_folded_and_trimmed(kind):
    assert one(kind, "　已办结　" if kind == "enum" else " ９１６２０６０２ＭＡ ") == (
        "已办结" if kind == "enum" else "91620602MA", False)


def test_text_keeps_dashes():
    assert one("str", "-") == ("-", False)


# --- numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("1234", 1234),
    ("1,234", 1234),            # thousands separator
    ("1,234,567", 1234567),
    ("１２０", 120),             # full-width
    ("120户", 120),              # trailing unit
    ("12 栋", 12),
    ("3.5万", 35000),            # 万 = ten thousand
    ("120.0", 120),              # an integer read as a float
    ("-5", -5),
    ("+5", 5),
    ("2005年", 2005),
])
def test_int_forms(text, expected):
    assert one("int", text) == (expected, False)


@pytest.mark.parametrize("text", ["3.5", "abc", "3到5", "1,2", "12%", "=A1+1", "1.2.3"])
def test_int_failures(text):
    assert one("int", text) == (None, True)


@pytest.mark.parametrize("text", ["-", "—", "/", "--"])
def test_placeholder_dashes_are_empty_in_numbers(text):
    assert one("int", text) == (None, False)


@pytest.mark.parametrize(("text", "expected"), [
    ("1.25", 1.25),
    ("1.25元/㎡·月", 1.25),
    ("1.2元/m2·月", 1.2),
    ("12345.5㎡", 12345.5),
    ("1,234.5", 1234.5),
    ("０．８", 0.8),
    (".5", 0.5),
    ("1e3", 1000.0),
    ("0.5万元", 5000.0),
])
def test_float_forms(text, expected):
    assert one("float", text) == (expected, False)


@pytest.mark.parametrize("text", ["85%", "one", "1.2.3", "12-3"])
def test_float_failures(text):
    assert one("float", text) == (None, True)


@pytest.mark.parametrize(("text", "expected"), [
    ("85%", 0.85),
    ("８５％", 0.85),
    ("0.85", 0.85),
    ("85", 0.85),          # above 1 and at most 100: a percentage
    ("100", 1.0),
    ("1", 1.0),
    ("0", 0.0),
    ("120%", 1.2),         # kept for the quality gate to flag
    ("150", 150.0),        # above 100: kept as given
])
def test_rate_forms(text, expected):
    assert one("rate", text) == (expected, False)


@pytest.mark.parametrize("text", ["high", "85%%", "8 5 %x1"])
def test_rate_failures(text):
    assert one("rate", text) == (None, True)


# --- booleans -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("是", True), ("否", False), ("有", True), ("无", False),
    ("√", True), ("×", False), ("✓", True), ("✗", False),
    ("Y", True), ("N", False), ("y", True), ("n", False),
    ("yes", True), ("No", False), ("TRUE", True), ("false", False),
    ("1", True), ("0", False), ("1.0", True),
    ("已备案", True), ("未备案", False), ("已公示", True), ("未公示", False),
    ("本地", True), ("外地", False),
    ("有（2部）", True), ("没有", False),
    ("　是　", True),
])
def test_bool_forms(text, expected):
    assert one("bool", text) == (expected, False)


@pytest.mark.parametrize("text", ["也许", "2", "ok"])
def test_bool_failures(text):
    assert one("bool", text) == (None, True)


# --- dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305", "45356", "45356.0",
    "2024-03-05 00:00:00", "2024-3-5", "２０２４－０３－０５", "2024-03-05T00:00:00", "2024/03/05 14:30",
])
def test_date_forms(text):
    assert one("date", text) == (date(2024, 3, 5), False)


@pytest.mark.parametrize("text", [
    "2024-02-30",   # no such day
    "2024-13-01",
    "2024-03",      # a month is not a date, except in a snapshot's as_of
    "19999",        # a serial number below 20000
    "80001",        # and above 80000
    "2024",
    "next week",
    "2024-03-05 25:00",
])
def test_date_failures(text):
    assert one("date", text) == (None, True)


def test_excel_serial_numbers_use_the_1900_system():
    assert one("date", "25569") == (date(1970, 1, 1), False)
    assert one("date", "20000") == (date(1954, 10, 3), False)
    assert one("date", "80000") == (date(2119, 1, 11), False)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03", date(2024, 3, 31)),
    ("2024年3月", date(2024, 3, 31)),
    ("2024.02", date(2024, 2, 29)),
    ("202402", date(2024, 2, 29)),
    ("2024-03-15", date(2024, 3, 15)),   # a full date stays (read.py snaps it to the month end)
])
def test_month_only_dates_are_month_ends(text, expected):
    assert one("date", text, month_only=True) == (expected, False)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-05 14:30", datetime(2024, 3, 5, 14, 30)),
    ("2024-03-05 14:30:15", datetime(2024, 3, 5, 14, 30, 15)),
    ("2024/3/5 9:05", datetime(2024, 3, 5, 9, 5)),
    ("2024-03-05T14:30:15", datetime(2024, 3, 5, 14, 30, 15)),
    ("2024-03-05 14:30:15.250", datetime(2024, 3, 5, 14, 30, 15)),
    ("2024年3月5日 14时30分", datetime(2024, 3, 5, 14, 30)),
    ("2024年3月5日14:30", datetime(2024, 3, 5, 14, 30)),
    ("20240305 14:30", datetime(2024, 3, 5, 14, 30)),
    ("2024-03-05", datetime(2024, 3, 5)),
    ("45356.5", datetime(2024, 3, 5, 12, 0)),
    ("45356.75", datetime(2024, 3, 5, 18, 0)),
])
def test_datetime_forms(text, expected):
    assert one("datetime", text) == (expected, False)


@pytest.mark.parametrize("text", ["2024-03-05 24:00", "2024-03-05 14:60", "yesterday", "14:30"])
def test_datetime_failures(text):
    assert one("datetime", text) == (None, True)


def test_datetime_type_is_naive_microseconds():
    result = nz.normalise(pl.Series(["2024-03-05 14:30"]), "datetime")
    assert result.values.dtype == pl.Datetime("us")
    assert result.values.dtype.time_zone is None


# --- counties and codes ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("凉州区", "620602"), ("凉州", "620602"), ("武威市凉州区", "620602"),
    ("民勤", "620621"), ("民勤县", "620621"), ("古浪", "620622"), ("古浪县", "620622"),
    ("天祝", "620623"), ("天祝县", "620623"), ("天祝藏族自治县", "620623"),
    ("620621", "620621"), ("６２０６２２", "620622"),
    (" 凉 州 区 ", "620602"),
    ("甘肃省古浪县", "620622"),
    ("武威市凉州区东大街1号", "620602"),   # an address starting with a county name
    ("武威市", "620600"),
])
def test_county_forms(text, expected):
    assert one("county", text) == (expected, False)


@pytest.mark.parametrize("text", ["兰州市", "城关区", "999999", "凉"])
def test_unknown_counties(text):
    assert one("county", text) == (None, True)


@pytest.mark.parametrize(("text", "expected"), [
    ("620602001001.0", "620602001001"),   # Excel's float form
    ("620602001001", "620602001001"),
    ("00123", "00123"),                    # leading zeros kept
    ("0012.00", "0012"),
    ("91620602MA7E12345X", "91620602MA7E12345X"),
    ("12.5", "12.5"),                      # not an integer: kept as written
])
def test_code_forms(text, expected):
    assert one("code", text) == (expected, False)


def test_code_in_scientific_notation_fails():
    assert one("code", "6.20602E+11") == (None, True)


# --- personal data and formulas ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("电话13993512345", "电话139****2345"),
    ("13993512345", "139****2345"),
    ("139 9351 2345", "139****2345"),
    ("139-9351-2345", "139****2345"),
    ("+8613993512345", "+86139****2345"),
    ("13912345678,13812345678", "139****5678,138****5678"),
    ("13912345678、13812345678、13712345678", "139****5678、138****5678、137****5678"),
    ("身份证620602199001011230", "身份证620602********1230"),
    ("身份证62060219900101129X。", "身份证620602********129X。"),
    ("身份证620602199001011234", "身份证620602199001011234"),     # its check character fails: not an ID number
    ("单号620602199013011238", "单号620602199013011238"),         # its check holds, but no 13th month
    ("小区编码620602001001", "小区编码620602001001"),           # 12 digits: not a phone
    ("工单号2024031512345678", "工单号2024031512345678"),       # 16 digits: neither
    ("电话0935-1234567", "电话0935-*****67"),                   # landlines: the area code and the last 2 kept
    ("09352212345", "0935*****45"),
    ("(0935)2212345", "(0935)*****45"),
    ("（0935）2212345", "（0935）*****45"),
    ("座机010-62212345。", "座机010-*****45。"),                 # the mask is always 5 stars
    ("0935 2212345", "0935 *****45"),
    ("12345678901", "12345678901"),                             # 12… is no mobile prefix
])
def test_mask_personal_text(text, expected):
    assert nz.mask_personal_text(pl.Series([text])).to_list() == [expected]


def test_mask_keeps_nulls():
    assert nz.mask_personal_text(pl.Series([None, "a"], dtype=pl.String)).to_list() == [None, "a"]


def test_text_columns_are_masked_when_normalised():
    assert one("str", "请回电13993512345") == ("请回电139****2345", False)


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+2", True), ("=HYPERLINK(\"x\")", True), ("@SUM(A1)", True), ("+cmd", True), ("-cmd", True),
    ("-5", False), ("+5", False), ("-.5", False), ("-", False), ("a=b", False), (None, False),
])
def test_formula_like(text, expected):
    assert nz.formula_like(pl.Series([text], dtype=pl.String)).to_list() == [expected]


# --- whole columns --------------------------------------------------------------------------------

def test_a_column_of_mixed_forms_keeps_row_order():
    texts = ["2024-03-05", None, "45356", "bad", "2024年3月6日", "20240307", ""]
    result = nz.normalise(pl.Series("d", texts), "date")
    assert result.values.to_list() == [
        date(2024, 3, 5), None, date(2024, 3, 5), None, date(2024, 3, 6), date(2024, 3, 7), None]
    assert result.failed.to_list() == [False, False, False, True, False, False, False]
    assert result.rule == "bad_date"


@pytest.mark.parametrize(("kind", "dtype"), [
    ("str", pl.String), ("code", pl.String), ("enum", pl.String), ("county", pl.String),
    ("int", pl.Int64), ("float", pl.Float64), ("rate", pl.Float64), ("bool", pl.Boolean),
    ("date", pl.Date), ("datetime", pl.Datetime("us")),
])
def test_types_by_kind_even_when_all_empty(kind, dtype):
    assert nz.normalise(pl.Series([None, ""], dtype=pl.String), kind).values.dtype == dtype


def test_python_parsers_see_each_distinct_value_once(monkeypatch):
    seen: list[str] = []
    real = nz.parse_bool_text

    def parse(text: str) -> bool | None:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(nz, "parse_bool_text", parse)
    result = nz.normalise(pl.Series(["是", "否", "是", None, "否"] * 1000), "bool").values
    assert sorted(seen) == ["否", "是"]
    assert result.to_list()[:5] == [True, False, True, None, False]


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown column kind"):
        nz.normalise(pl.Series(["x"]), "colour")


@pytest.mark.parametrize(("day", "expected"), [
    (date(2024, 2, 10), date(2024, 2, 29)), (date(2023, 12, 1), date(2023, 12, 31)),
])
def test_month_end(day, expected):
    assert nz.month_end(day) == expected
