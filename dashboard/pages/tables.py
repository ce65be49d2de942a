"""数据表: the table browser — every warehouse table and column with its description (dashboard/catalog;
Chinese and English in the Chinese view, English in the English one), type, row count and a preview."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import catalog
from dashboard.columns import configs
from dashboard.downloads import table_downloads
from dashboard.frames import mapped
from dashboard.i18n import EN, language, t
from dashboard.shell import filters, page_header

PREVIEW_ROWS = 100


def description_columns() -> dict:
    """The description columns the view shows: both languages in Chinese, the English one in English."""
    if language() == EN:
        return configs("en/tables")
    return configs("zh", "en")


def table_list(tables: pl.DataFrame, data_month) -> None:
    st.subheader(t("tables.all"))
    descriptions = description_columns()
    shown = (tables.with_columns(mapped(tables["layer"], lambda x: t(f"tables.layer.{x}")))
             .select("table_name", "layer", "rows", "columns", *descriptions))  # counts before the long texts
    st.dataframe(shown, hide_index=True, width="stretch", column_config=configs(
        "table_name", "layer", "columns", "rows", descriptions,
    ))
    table_downloads(shown, t("tables.list_file"), {}, data_month, key="tables-list")


def table_detail(table: str, tables: pl.DataFrame, data_month) -> None:
    about = tables.filter(pl.col("table_name") == table).row(0, named=True)
    st.subheader(table)
    descriptions = description_columns()
    st.markdown(" · ".join(about[c] for c in descriptions if about[c]))
    st.markdown(f"**{t('tables.columns')}**")
    columns = catalog.columns(table).select("column_name", "data_type", *descriptions)
    st.dataframe(columns, hide_index=True, width="stretch", column_config=configs(
        "column_name", "data_type", descriptions,
    ))
    table_downloads(columns, t("tables.columns_file", table=table), {t("tables.filter_table"): table}, data_month,
                    key="tables-columns")
    preview = catalog.preview(table, PREVIEW_ROWS)
    total = f"{about['rows']:,}"
    st.markdown(f"**{t('tables.preview', n=preview.height, total=total)}**")
    st.dataframe(preview, hide_index=True, width="stretch")
    table_downloads(preview, table, {t("tables.filter_table"): table}, data_month, key="tables-preview",
                    source_table=table)


f = filters()
page_header("page.tables", f)
st.caption(t("tables.intro"))
tables = catalog.tables()
table_list(tables, f.latest)
chosen = st.selectbox(t("tables.pick"), tables["table_name"].to_list(), key="table", bind="query-params")
table_detail(chosen, tables, f.latest)
