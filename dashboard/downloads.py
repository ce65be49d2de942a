"""The one download helper: every table in the app is downloaded through table_downloads(); the
bulletin (bulletin_downloads) and the ledger templates (template_download) through their own below.

CSV is UTF-8 with a BOM so that Excel opens Chinese correctly, and data only: the header row
first, so pandas and Excel import it as it is. XLSX has the data on its first sheet (数据 · Data), the
active filters and data month on a second (筛选条件 · Filters) and, when the table is a warehouse table
(`source_table`), its columns' descriptions on a third (字段说明 · Columns); sheet names and headers
are in the language of the view the file was downloaded from. The file name carries the filters and
the data month. Cells that a spreadsheet would run as a formula
(starting with = + - @, or a tab or carriage return), header cells and categorical values
included, are prefixed with an apostrophe.

Only a role that may download gets the buttons. A file is made when its button is clicked (Streamlit
runs the callable later, on another thread): it is made for the session that was shown the button,
refused if that session has since ended, and audited (who, which file, how many rows, which filters).
A county officer's tables hold the own county's records only (the query layer), so do the files.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st

from access import audit
from access.roles import DOWNLOAD
from dashboard import auth, catalog, queries
from dashboard.i18n import language, t
from reports import bulletin  # the Word/PDF libraries and the chart renderer load only when a file is made

FORMULA_START = r"^[=+\-@\t\r]"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe_text(text: str) -> str:
    return "'" + text if re.match(FORMULA_START, text) else text


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell, header and categorical value a spreadsheet would run as a formula, with an apostrophe."""
    categorical = [c for c, dtype in frame.schema.items() if isinstance(dtype, pl.Categorical | pl.Enum)]
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c in categorical)
    frame = frame.rename({c: _safe_text(c) for c in frame.columns if _safe_text(c) != c})
    text_columns = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text_columns
    )


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested values (lists, structs) as JSON text, so both formats can hold them."""
    nested = [c for c, d in frame.schema.items() if isinstance(d, pl.List | pl.Struct | pl.Array)]
    # json_encode works on structs: wrap the value as {"v":...} and cut the wrapper off again
    return frame.with_columns(
        pl.when(pl.col(c).is_not_null())
        .then(pl.struct(pl.col(c).alias("v")).struct.json_encode().str.slice(5).str.head(-1))
        .alias(c)
        for c in nested)


def metadata(filters: dict[str, str], data_month: date, lang: str | None = None) -> list[tuple[str, str]]:
    return [(t("download.data_month", lang), data_month.strftime("%Y-%m")), *filters.items()]


def to_csv(frame: pl.DataFrame) -> bytes:
    """Data only, header row first (the filters are in the file name and the XLSX's filters sheet)."""
    return ("\ufeff" + neutralise(_flat(frame)).write_csv()).encode("utf-8")


def file_stem(name: str, filters: dict[str, str], data_month: date) -> str:
    """`name`, the filters' values and the data month, in characters every file system accepts."""
    parts = [name, *filters.values(), data_month.strftime("%Y-%m")]
    return "_".join(re.sub(r'[\\/:*?"<>|\s]+', "-", str(p)).strip("-") for p in parts if str(p).strip())


def to_xlsx(frame: pl.DataFrame, meta: list[tuple[str, str]], descriptions: pl.DataFrame | None = None,
            lang: str | None = None) -> bytes:
    buf = io.BytesIO()
    import xlsxwriter  # polars writes through it

    with xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False}) as wb:
        neutralise(_flat(frame)).write_excel(wb, worksheet=t("download.sheet_data", lang), autofit=True)
        ws = wb.add_worksheet(t("download.sheet_filters", lang))
        for i, (k, val) in enumerate(meta):
            ws.write_string(i, 0, k)
            ws.write_string(i, 1, str(val))
        if descriptions is not None:
            neutralise(descriptions).write_excel(wb, worksheet=t("download.sheet_columns", lang), autofit=True)
    return buf.getvalue()


def may_download() -> bool:
    return auth.current().may(DOWNLOAD)


def may_bulletin() -> bool:
    """The bulletin names every county's records (overdue items, say): not for a session bound to one county."""
    return may_download() and auth.current().records_county is None


def guarded(make: Callable[[], bytes], file_name: str, **what) -> Callable[[], bytes]:
    """`make` as the download button's callable: run for the session shown the button, if still live."""
    session = auth.current()
    ip = auth.client_ip(session)

    def download() -> bytes:
        auth.still_live(session)
        with auth.acting_as(session):
            data = make()
        audit.record("download", session.username, role=session.role, ip=ip, file=file_name, **what)
        return data
    return download


def table_downloads(frame: pl.DataFrame, name: str, filters: dict[str, str], data_month: date,
                    key: str, source_table: str | None = None) -> None:
    """CSV and XLSX buttons for `frame`; `filters` are the labelled filters that produced it;
    `source_table` names the warehouse table it was read from, whose column descriptions the XLSX carries."""
    if not may_download():
        return
    lang = language()  # the files are made on a click, perhaps outside this run: fix the language now
    meta = metadata(filters, data_month, lang)
    stem = file_stem(name, filters, data_month)
    # side by side at their own width, so a table in a narrow column still shows whole buttons
    row = st.container(horizontal=True)
    # callables: the files are made only when someone clicks
    what = {"rows": frame.height, "filters": filters}
    row.download_button(t("common.download_csv"), guarded(lambda: to_csv(frame), f"{stem}.csv", **what),
                        f"{stem}.csv", "text/csv", key=f"{key}-csv", on_click="ignore")

    def xlsx() -> bytes:
        descriptions = catalog.description_sheet(source_table, frame.columns, lang) if source_table else None
        return to_xlsx(frame, meta, descriptions, lang)

    row.download_button(t("common.download_xlsx"), guarded(xlsx, f"{stem}.xlsx", **what), f"{stem}.xlsx",
                        XLSX_TYPE, key=f"{key}-xlsx", on_click="ignore")


def template_download(path: Path, label: str, file_name: str, key: str) -> None:
    """A ledger template the build wrote (<data>/templates/), read when someone clicks."""
    if may_download():
        st.download_button(label, guarded(path.read_bytes, file_name), file_name, XLSX_TYPE, key=key,
                           on_click="ignore")


def bulletin_downloads(month: date, kind: str, key: str) -> None:
    """The month's bulletin (通报) as Word and PDF, made from the warehouse when someone clicks."""
    if not may_bulletin():
        return

    def make(fmt: str) -> bytes:
        with queries.cursor() as con:
            return (bulletin.docx_bytes if fmt == "docx" else bulletin.pdf_bytes)(con, month, kind)

    stem = t(f"bulletin.{kind}_file", month=month.strftime("%Y-%m"))  # as the CLI names it, in the view's language
    row = st.container(horizontal=True)
    row.download_button(t(f"bulletin.{kind}_docx"), guarded(lambda: make("docx"), f"{stem}.docx"), f"{stem}.docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        key=f"{key}-{kind}-docx", on_click="ignore")
    row.download_button(t(f"bulletin.{kind}_pdf"), guarded(lambda: make("pdf"), f"{stem}.pdf"), f"{stem}.pdf",
                        "application/pdf",
                        key=f"{key}-{kind}-pdf", on_click="ignore")
