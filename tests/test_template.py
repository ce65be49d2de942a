"""Ledger templates: made from the ledger declaration, filled with the demo generator's rows (as Excel stores
what a person types: text, numbers, and dates as serial numbers in the column's date format), they pass the
quality gate with no finding and no warning, and load the very values typed. Their drop-downs are the
declaration's enumerations and the region pack's counties and towns; header locked and frozen, data cells
unlocked, custom properties naming ledger, county and version."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import fastexcel
import polars as pl
import pytest
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from contract.ledgers import LEDGERS
from pipelines import template
from pipelines.demo import generate
from readers.read import read_file
from tests.conftest import ROOT

REFERENCE = ROOT / "warehouse" / "reference"
EXCEL_EPOCH = datetime(1899, 12, 30)
FIRST_DATA_ROW = 3  # Excel's numbering: title, header, then the data


def serial(value: date | datetime) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    return (moment - EXCEL_EPOCH).total_seconds() / 86400


def fill(content: bytes, rows: list[list]) -> bytes:
    """The template with `rows` typed in below its header, as Excel saves them: each cell in its column's
    format (so a date is a serial number shown as a date), text as text."""
    source = zipfile.ZipFile(io.BytesIO(content))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    styles = {}
    for low, high, style in re.findall(r'<col min="(\d+)" max="(\d+)"[^>]*style="(\d+)"', sheet):
        styles |= dict.fromkeys(range(int(low) - 1, int(high)), style)
    typed = []
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        cells = []
        for c, value in enumerate(row):
            ref, style = f"{xl_col_to_name(c)}{r}", styles[c]
            if value is None:
                continue
            if isinstance(value, date):
                cells.append(f'<c r="{ref}" s="{style}"><v>{serial(value)!r}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{escape(value)}</t></is></c>')
        typed.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = re.sub(r'<dimension ref="[^"]*"/>', "", sheet.replace("</sheetData>", "".join(typed) + "</sheetData>"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, sheet if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename))
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_rows(tmp_path_factory) -> dict[str, tuple[str | None, date, pl.DataFrame]]:
    """ledger -> (county or None, month, rows as the reader typed them) from one clean demo file of each ledger
    (the personal columns, hashed by the reader, left out)."""
    landing = tmp_path_factory.mktemp("template-demo") / "landing"
    generate(landing, seed=7, scale=0.1, through=date(2024, 6, 30), defects=False)
    found = {}
    for path in sorted(landing.iterdir()):
        src = read_file(path, landing)
        if src.ledger not in found and src.frame is not None and src.frame.height:
            county = src.county if LEDGERS[src.ledger].reported_by == "county" else None
            found[src.ledger] = (county, src.month, src.frame.drop("complainant_key", strict=False))
    assert set(found) == set(LEDGERS)
    return found


def typed_in(ledger, county: str | None, rows: pl.DataFrame, places: template.Region) -> list[list]:
    """The rows as a person fills them in: booleans as the drop-down's words, counties by name."""
    words = template.lists(ledger, county, places)
    out = []
    for row in rows.to_dicts():
        cells = []
        for c in ledger.columns:
            value = row.get(c.name)
            if value is not None and c.kind == "bool":
                value = words[c.name][0 if value else 1]
            elif value is not None and c.kind == "county":
                value = places.counties[value]
            cells.append(value)
        out.append(cells)
    return out


@pytest.mark.parametrize("name", list(LEDGERS))
def test_a_filled_template_passes_the_gate_with_no_finding(name, demo_rows, tmp_path, monkeypatch):
    from expectations.gate import check

    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")
    ledger, places = LEDGERS[name], template.region()
    county, month, rows = demo_rows[name]
    path = tmp_path / template.file_name(ledger, county, month, places)
    content = template.template_bytes(ledger, county, places=places)
    path.write_bytes(fill(content, typed_in(ledger, county, rows, places)))
    gate = check([read_file(path, tmp_path)])
    outcome = gate.files.row(0, named=True)
    assert (outcome["status"], outcome["message"]) == ("loaded", None)
    assert (outcome["ledger"], outcome["county_code"], outcome["month"]) == (name, county, month)
    assert outcome["rows_read"] == outcome["rows_loaded"] == rows.height
    assert gate.quarantine.height == 0
    assert gate.findings.height == 0, gate.findings.select("_row", "column", "original", "rule").to_dicts()
    loaded = gate.loaded[name]
    assert loaded["_warnings"].list.len().sum() == 0
    columns = [c.name for c in ledger.columns if not c.pii]
    assert loaded.select(columns).equals(rows.select(columns)), "the values loaded are the values typed"


def workbook_xml(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return {name: book.read(name).decode() for name in book.namelist() if name.endswith(".xml")}


def drop_downs(content: bytes, ledger) -> dict[str, list[str]]:
    """column -> the values of its list validation, read back from the workbook's own XML and hidden sheet."""
    xml = workbook_xml(content)
    names = dict(re.findall(r'<definedName name="([^"]+)">([^<]+)</definedName>', xml["xl/workbook.xml"]))
    lists = fastexcel.read_excel(content).load_sheet(template.LIST_SHEET, header_row=None, dtypes="string").to_polars()
    found = {}
    for ranges, formula in re.findall(r'<dataValidation type="list"[^>]*sqref="([^"]+)"[^>]*>\s*'
                                      r'<formula1>([^<]+)</formula1>', xml["xl/worksheets/sheet1.xml"]):
        first, last = names[formula].split("!")[1].replace("$", "").split(":")
        (r0, c0), (r1, _) = xl_cell_to_rowcol(first), xl_cell_to_rowcol(last)
        for cells in ranges.split():
            row, column = xl_cell_to_rowcol(cells.split(":")[0])
            assert row == FIRST_DATA_ROW - 1
            found[ledger.columns[column].name] = lists[:, c0].to_list()[r0:r1 + 1]
    return found


def region_pack() -> tuple[dict[str, str], dict[str, list[str]]]:
    with open(REFERENCE / "counties.csv", encoding="utf-8") as f:
        counties = {r["adcode"]: r["name_zh"] for r in csv.DictReader(f) if r["level"] == "county"}
    towns: dict[str, list[str]] = {}
    with open(REFERENCE / "towns.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            towns.setdefault(r["county_code"], []).append(r["town"])
    return counties, towns


@pytest.mark.parametrize("name", list(LEDGERS))
@pytest.mark.parametrize("county", [None, "620622"])
def test_drop_downs_are_the_declared_values(name, county):
    ledger = LEDGERS[name]
    counties, towns = region_pack()
    found = drop_downs(template.template_bytes(ledger, county), ledger)
    expected = {}
    for c in ledger.columns:
        if c.kind == "enum":
            expected[c.name] = list(c.values)
        elif c.kind == "bool":
            expected[c.name] = list(c.values or ("是", "否"))
        elif c.kind == "county":
            expected[c.name] = [counties[county]] if county else list(counties.values())
        elif c.name == "town":
            expected[c.name] = towns[county] if county else [town for names in towns.values() for town in names]
    assert found == expected


def test_header_locked_and_frozen_data_unlocked_and_properties():
    ledger = LEDGERS["compounds"]
    content = template.template_bytes(ledger, "620602", date(2024, 3, 31))
    xml = workbook_xml(content)
    sheet = xml["xl/worksheets/sheet1.xml"]
    assert '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>' in sheet
    assert "<sheetProtection" in sheet
    locked = {i: 'locked="0"' not in xf for i, xf in
              enumerate(re.findall(r"<xf [^>]*?(?:/>|>.*?</xf>)", xml["xl/styles.xml"].split("<cellXfs")[1]))}
    column_styles = [int(s) for s in re.findall(r'<col [^>]*style="(\d+)"', sheet)]
    header_styles = {int(s) for s in re.findall(r'<c r="[A-Z]+2" s="(\d+)"', sheet)}
    assert column_styles and not any(locked[s] for s in column_styles), "every data column unlocked"
    assert header_styles and all(locked[s] for s in header_styles), "every header cell locked"
    grid = fastexcel.read_excel(content).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert grid.row(0)[0] == "凉州区住宅小区物业管理台账（2024年3月）"
    assert list(grid.row(1)) == [c.zh for c in ledger.columns]
    properties = dict(re.findall(r'name="([^"]+)"><vt:lpwstr>([^<]*)</vt:lpwstr>', xml["docProps/custom.xml"]))
    assert properties == {"ledger": "compounds", "ledger_zh": "住宅小区物业管理台账", "county": "620602",
                          "month": "2024-03", "template_version": template.version(ledger)}
    guide = fastexcel.read_excel(content).load_sheet(template.GUIDE_SHEET, header_row=None, dtypes="string").to_polars()
    listed = guide[:, 1].to_list()
    assert listed[-len(ledger.columns):] == ledger.column_names, "填表说明 lists every column"


def test_version_changes_with_the_declared_columns():
    ledger = LEDGERS["firms"]
    assert template.version(dataclasses.replace(ledger, columns=ledger.columns[:-1])) != template.version(ledger)


def validations(content: bytes, ledger) -> dict[str, tuple[str, str | None, str | None, str | None]]:
    """column -> (type, operator, formula1, formula2) of its data cells' validation."""
    sheet = workbook_xml(content)["xl/worksheets/sheet1.xml"]
    found = {}
    for attributes, body in re.findall(r"<dataValidation ([^>]*?)(?:/>|>(.*?)</dataValidation>)", sheet):
        attribute = dict(re.findall(r'(\w+)="([^"]*)"', attributes))
        formulas = [re.search(f"<formula{i}>([^<]*)</formula{i}>", body) for i in (1, 2)]
        for cells in attribute["sqref"].split():  # columns with the same rule share one validation
            row, column = xl_cell_to_rowcol(cells.split(":")[0])
            assert row == FIRST_DATA_ROW - 1
            found[ledger.columns[column].name] = (attribute.get("type"), attribute.get("operator"),
                                                  *(m[1] if m else None for m in formulas))
    return found


def test_number_and_date_checks_follow_the_suites():
    ledger = LEDGERS["compounds"]
    rules = validations(template.template_bytes(ledger, "620602", today=date(2026, 12, 1)), ledger)
    assert rules["households"] == ("whole", None, "1", "2147483647")
    assert rules["built_year"] == ("whole", None, "1950", "2026")
    assert rules["fee_collection_rate"] == ("decimal", None, "0", "1")
    assert rules["fee_per_m2_month"] == ("decimal", None, "0", "5")
    assert rules["floor_area_m2"] == ("decimal", "greaterThan", "0", None)
    assert rules["firm_credit_code"] == ("textLength", "equal", "18", None)
    kind, _, first, _ = rules["contract_start"]
    assert (kind, float(first)) == ("date", serial(date(1950, 1, 1)))
    # the last second of the last day the date rules allow: a year ahead for an event, ten for a planned date
    for column, days in (("contract_start", 365), ("contract_end", 3650)):
        allowed = date(2026, 12, 1) + timedelta(days=days)
        assert serial(allowed) < float(rules[column][3]) < serial(allowed + timedelta(days=1)), column
    assert set(rules) == set(ledger.column_names), "every column has its input message"


def test_template_command(tmp_path):
    out = tmp_path / "t.xlsx"
    done = subprocess.run([sys.executable, "-m", "pipelines", "template", "住宅小区物业管理台账", "--county", "620621",
                           "--month", "2025-02", "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    grid = fastexcel.read_excel(out.read_bytes()).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert grid.row(0)[0] == "民勤县住宅小区物业管理台账（2025年2月）"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    named = subprocess.run([sys.executable, "-m", "pipelines", "template", "inspections", "--county", "620623",
                            "--month", "2025-08"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert named.returncode == 0, named.stderr
    assert (tmp_path / "天祝藏族自治县_双随机一公开检查记录_2025Q3.xlsx").is_file()
    wrong = subprocess.run([sys.executable, "-m", "pipelines", "template", "nonsense", "--out", str(out)], cwd=ROOT,
                           capture_output=True, text=True)
    assert wrong.returncode == 2 and "nonsense" in wrong.stderr


def test_the_build_writes_every_template(tmp_path, monkeypatch):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tmp_path))
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "gone_620600.xlsx").write_bytes(b"old")
    written = template.write_all()
    counties, _ = region_pack()
    expected = {f"{name}_{scope}.xlsx" for name, ledger in LEDGERS.items()
                for scope in ["620600", *(counties if ledger.reported_by == "county" else [])]}
    assert {p.name for p in written} == expected == {p.name for p in (tmp_path / "templates").iterdir()}
    assert all(Path(p).read_bytes().startswith(b"PK") for p in written)
