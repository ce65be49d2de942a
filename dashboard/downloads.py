"""The one download helper: every table in the app is downloaded through table_downloads().

CSV is UTF-8 with a BOM so that Excel opens Chinese correctly; XLSX has the data on its first
sheet, the active filters and data month on a second and, when the table is a warehouse table
(`source_table`), its columns' Chinese and English descriptions on a third (字段说明). Text
cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import streamlit as st

from dashboard import catalog
from dashboard.i18n import t

FORMULA_START = r"^[=+\-@\t\r]"


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    text_columns = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text_columns
    )


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested values (lists, structs) as text, so both formats can hold them."""
    def text(column: str, dtype: pl.DataType) -> pl.Expr:
        if isinstance(dtype, pl.Struct):
            return pl.col(column).struct.json_encode()
        items = pl.col(column).cast(pl.List(pl.String)) if isinstance(dtype, pl.Array) else pl.col(column)
        return pl.format("[{}]", items.list.eval(pl.element().cast(pl.String).fill_null("None")).list.join(", "))

    return frame.with_columns(text(c, d).alias(c) for c, d in frame.schema.items()
                              if isinstance(d, pl.List | pl.Struct | pl.Array))


def metadata(filters: dict[str, str], data_month: date) -> list[tuple[str, str]]:
    return [("数据月份 Data month", data_month.strftime("%Y-%m")), *filters.items()]


def to_csv(frame: pl.DataFrame, meta: list[tuple[str, str]]) -> bytes:
    head = "".join(f"# {k}: {val}\n" for k, val in meta)
    return ("\ufeff" + head + neutralise(_flat(frame)).write_csv()).encode("utf-8")


def to_xlsx(frame: pl.DataFrame, meta: list[tuple[str, str]], sheet: str = "数据",
            descriptions: pl.DataFrame | None = None) -> bytes:
    buf = io.BytesIO()
    import xlsxwriter  # polars writes through it

    with xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False}) as wb:
        neutralise(_flat(frame)).write_excel(wb, worksheet=sheet, autofit=True)
        ws = wb.add_worksheet("筛选条件")
        for i, (k, val) in enumerate(meta):
            ws.write_string(i, 0, k)
            ws.write_string(i, 1, str(val))
        if descriptions is not None:
            neutralise(descriptions).write_excel(wb, worksheet="字段说明", autofit=True)
    return buf.getvalue()


def table_downloads(frame: pl.DataFrame, name: str, filters: dict[str, str], data_month: date,
                    key: str, source_table: str | None = None) -> None:
    """CSV and XLSX buttons for `frame`; `filters` are the labelled filters that produced it;
    `source_table` names the warehouse table it was read from, whose column descriptions the XLSX carries."""
    meta = metadata(filters, data_month)
    stem = f"{name}_{data_month.strftime('%Y-%m')}"
    # side by side at their own width, so a table in a narrow column still shows whole buttons
    row = st.container(horizontal=True)
    # callables: the files are made only when someone clicks
    row.download_button(t("common.download_csv"), lambda: to_csv(frame, meta), f"{stem}.csv", "text/csv",
                        key=f"{key}-csv", on_click="ignore")

    def xlsx() -> bytes:
        descriptions = catalog.description_sheet(source_table, frame.columns) if source_table else None
        return to_xlsx(frame, meta, descriptions=descriptions)

    row.download_button(t("common.download_xlsx"), xlsx, f"{stem}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key=f"{key}-xlsx", on_click="ignore")
