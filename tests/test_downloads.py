"""The one download helper: CSV in UTF-8 with a BOM and XLSX, both carrying the filters and the
data month, neither letting a cell run as a formula; the XLSX of a warehouse table carries its
column descriptions; sheet names and headers are in the language of the view."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import polars as pl

from dashboard import catalog
from dashboard.downloads import file_stem, metadata, to_csv, to_xlsx
from tests.english import CJK

FRAME = pl.DataFrame({
    "compound": ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "天马花园", "a=b"],
    "households": [120, -5, 0, 3, 480, 7],
})
META = metadata({"范围": "凉州区", "数据月份": "2025年2月"}, date(2025, 2, 28), "zh")


def test_csv_is_data_only_header_first_with_no_formulas():
    data = to_csv(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == "compound,households"
    body = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")  # as it is: no rows to skip
    assert list(body.columns) == ["compound", "households"]
    assert body["compound"].to_list() == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)", "天马花园", "a=b"]
    assert body["households"].to_list() == FRAME["households"].to_list()  # numbers stay numbers


def test_csv_neutralises_header_cells_and_categorical_values():
    frame = pl.DataFrame({"=cmd|' /C calc'!A0": ["a"], "kind": ["=1+1"], "mode": ["@x"]}).with_columns(
        pl.col("kind").cast(pl.Categorical), pl.col("mode").cast(pl.Enum(["@x", "y"])))
    body = pd.read_csv(io.BytesIO(to_csv(frame)), encoding="utf-8-sig")
    assert list(body.columns) == ["'=cmd|' /C calc'!A0", "kind", "mode"]
    assert body.iloc[0].to_list() == ["a", "'=1+1", "'@x"]
    sheet = pl.read_excel(io.BytesIO(to_xlsx(frame, META, lang="zh")), sheet_name="数据")
    assert sheet.row(0) == ("a", "'=1+1", "'@x") and sheet.columns[0] == "'=cmd|' /C calc'!A0"


def test_file_name_carries_the_filters_and_the_data_month():
    assert file_stem("小区清单", {"范围 Scope": "凉州区", "月份": "2025年2月"}, date(2025, 2, 28)) == \
        "小区清单_凉州区_2025年2月_2025-02"
    assert file_stem("a/b", {"x": "c: d"}, date(2025, 2, 28)) == "a-b_c-d_2025-02"


def test_nested_values_are_json_text_without_python_callbacks(monkeypatch):
    """map_elements runs Python on Polars' pool: under concurrent sessions that deadlocked the server."""
    def refuse(*args, **kwargs):
        raise AssertionError("a Python callback on the Polars pool")

    monkeypatch.setattr(pl.Expr, "map_elements", refuse)
    frame = pl.DataFrame({"tags": [["a", "=b"], None], "point": [{"x": 1, "y": "凉州"}, None],
                          "nested": [[[1], [2, 3]], None]})
    rows = list(csv.reader(io.StringIO(to_csv(frame).decode("utf-8-sig"))))
    assert rows == [["tags", "point", "nested"], ['["a","=b"]', '{"x":1,"y":"凉州"}', "[[1],[2,3]]"], ["", "", ""]]


def test_xlsx_has_data_filters_and_descriptions(golden, golden_app_env, as_analyst):
    preview = catalog.preview("core_scopes")
    data = to_xlsx(preview, META, catalog.description_sheet("core_scopes", preview.columns, "zh"), "zh")
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0, read_options={"header_row": None})
    assert list(sheets) == ["数据", "筛选条件", "字段说明"]
    assert sheets["数据"].height == preview.height + 1  # with its header row
    assert sheets["筛选条件"].rows() == [("数据月份", "2025-02"), ("范围", "凉州区"), ("数据月份", "2025年2月")]
    described = pl.read_excel(io.BytesIO(data), sheet_name="字段说明")
    assert described.columns == ["字段", "类型", "中文说明", "英文说明"]
    assert described["字段"].to_list() == preview.columns
    zh, en = golden.sql("select comment from duckdb_columns() where table_name = 'core_scopes' "
                        "and column_name = 'scope_code'").fetchall()[0][0].split(" | ")
    row = described.filter(pl.col("字段") == "scope_code").row(0, named=True)
    assert (row["中文说明"], row["英文说明"]) == (zh, en)


def test_english_xlsx_names_its_sheets_and_headers_in_english(golden, golden_app_env, as_analyst):
    """Downloaded from the English view: Data, Filters and Columns, English headers, the English description
    only (the Chinese one is the Chinese view's)."""
    preview = catalog.preview("core_scopes")
    meta = metadata({"Scope": "Liangzhou District", "As of": "2025-02"}, date(2025, 2, 28), "en")
    data = to_xlsx(preview, meta, catalog.description_sheet("core_scopes", preview.columns, "en"), "en")
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0, read_options={"header_row": None})
    assert list(sheets) == ["Data", "Filters", "Columns"]
    assert sheets["Filters"].rows() == [("Data month", "2025-02"), ("Scope", "Liangzhou District"),
                                        ("As of", "2025-02")]
    described = pl.read_excel(io.BytesIO(data), sheet_name="Columns")
    assert described.columns == ["Column", "Type", "Description"]
    assert described["Column"].to_list() == preview.columns
    comments = dict(golden.sql("select column_name, comment from duckdb_columns() "
                               "where table_name = 'core_scopes'").fetchall())
    assert described["Description"].to_list() == [comments[c].split(" | ")[1] for c in preview.columns]
    assert not any(CJK.search(str(x)) for sheet in ("Filters", "Columns") for x in sheets[sheet].iter_rows())


def test_xlsx_cells_never_run_as_formulas():
    data = to_xlsx(FRAME, META, lang="zh")
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0)
    assert list(sheets) == ["数据", "筛选条件"]  # no descriptions without a source table
    assert sheets["数据"]["compound"].to_list()[:4] == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)"]
    assert sheets["数据"]["households"].to_list() == FRAME["households"].to_list()

