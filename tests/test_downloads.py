"""The one download helper: CSV in UTF-8 with a BOM and XLSX, both carrying the filters and the
data month, neither letting a cell run as a formula; the XLSX of a warehouse table carries its
column descriptions."""

from __future__ import annotations

import io
from datetime import date

import polars as pl

from dashboard import catalog
from dashboard.downloads import metadata, to_csv, to_xlsx

FRAME = pl.DataFrame({
    "compound": ["=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "天马花园", "a=b"],
    "households": [120, -5, 0, 3, 480, 7],
})
META = metadata({"范围 Scope": "凉州区", "数据月份 As of": "2025年2月"}, date(2025, 2, 28))


def test_csv_opens_in_excel_with_filters_and_no_formulas():
    data = to_csv(FRAME, META)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[:3] == ["# 数据月份 Data month: 2025-02", "# 范围 Scope: 凉州区", "# 数据月份 As of: 2025年2月"]
    body = pl.read_csv(io.StringIO("\n".join(lines[3:])))
    assert body["compound"].to_list() == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)", "天马花园", "a=b"]
    assert body["households"].to_list() == FRAME["households"].to_list()  # numbers stay numbers


def test_xlsx_has_data_filters_and_descriptions(golden_app_env):
    preview = catalog.preview("core_scopes")
    data = to_xlsx(preview, META, descriptions=catalog.description_sheet("core_scopes", preview.columns))
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0, read_options={"header_row": None})
    assert list(sheets) == ["数据", "筛选条件", "字段说明"]
    assert sheets["数据"].height == preview.height + 1  # with its header row
    assert sheets["筛选条件"].rows() == META
    described = pl.read_excel(io.BytesIO(data), sheet_name="字段说明")
    assert described.columns == ["字段 Column", "类型 Type", "中文说明", "English description"]
    assert described["字段 Column"].to_list() == preview.columns
    row = described.filter(pl.col("字段 Column") == "scope_code").row(0, named=True)
    assert (row["中文说明"], row["English description"]) == ("行政区划代码", "Adcode")


def test_xlsx_cells_never_run_as_formulas():
    data = to_xlsx(FRAME, META)
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0)
    assert list(sheets) == ["数据", "筛选条件"]  # no descriptions without a source table
    assert sheets["数据"]["compound"].to_list()[:4] == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2", "'@SUM(A1)"]
    assert sheets["数据"]["households"].to_list() == FRAME["households"].to_list()

