"""数据表 page: every warehouse table with its exact row count and descriptions, and for the chosen
table its columns (type, Chinese and English description) and its first rows."""

from __future__ import annotations

import polars as pl

from tests.apptest import run_page


def comment_pair(comment: str | None) -> tuple[str | None, str | None]:
    if comment is None:
        return None, None
    zh, _, en = comment.partition("|")
    return zh.strip(), en.strip()


def test_every_table_with_its_row_count(golden, golden_app_env):
    at = run_page("tables")
    assert not at.exception
    listed = pl.from_pandas(at.dataframe[0].value)
    tables = golden.sql("select table_name, comment from duckdb_tables() where not internal").fetchall()
    assert sorted(listed["table_name"]) == sorted(name for name, _ in tables)
    for name, comment in tables:
        row = listed.filter(pl.col("table_name") == name).row(0, named=True)
        assert row["rows"] == golden.sql(f'select count(*) from "{name}"').fetchall()[0][0], name
        assert (row["zh"], row["en"]) == comment_pair(comment), name


def test_chosen_table_columns_and_preview(golden, golden_app_env):
    at = run_page("tables", table="core_scopes")
    assert at.selectbox(key="table").value == "core_scopes"
    columns = pl.from_pandas(at.dataframe[1].value)
    expected = golden.sql("""select column_name, data_type, comment from duckdb_columns()
                             where table_name = 'core_scopes' order by column_index""").fetchall()
    assert columns.rows() == [(name, dtype, *comment_pair(comment)) for name, dtype, comment in expected]
    assert ("scope_code", "VARCHAR", "行政区划代码", "Adcode") in columns.rows()
    preview = pl.from_pandas(at.dataframe[2].value)
    assert preview.rows() == golden.sql("select * from core_scopes limit 100").pl().rows()
    assert any(m.value == "**数据预览（前 5 行，共 5 行）**" for m in at.markdown)
    assert len(at.get("download_button")) == 6  # table list, columns, preview: CSV and XLSX each


def test_every_model_column_is_described(golden):
    """Descriptions are written once, next to the models: no model column goes without one."""
    missing = golden.sql("""
        select table_name || '.' || column_name from duckdb_columns()
        where regexp_matches(table_name, '^(stg|core|mart)_') and (comment is null or comment not like '%|%')
        order by 1
    """).fetchall()
    assert missing == [], f"add `-- column <name>: 中文 | English` lines to these models: {missing}"
