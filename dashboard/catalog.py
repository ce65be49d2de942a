"""The warehouse's description of itself: every table and column, its type, row count and its
Chinese and English description.

The descriptions are written once, in the model headers (and for raw tables in the ledger
definitions); the build stores them as COMMENTs in the form "中文 | English", read back here
for the table browser and for the exports' columns sheet (字段说明).
"""

from __future__ import annotations

import polars as pl

from dashboard import queries
from dashboard.columns import label
from dashboard.frames import mapped
from dashboard.i18n import EN, language

# table name prefix -> layer, in the order the browser lists them (what analysts want first)
LAYERS = {"mart_": "mart", "core_": "core", "stg_": "staging", "raw_": "raw", "ref_": "reference",
          "audit_": "audit"}
OTHER_LAYER = "build"

_SPLIT = """
    nullif(trim(split_part(comment, '|', 1)), '') as zh,
    case when strpos(comment, '|') > 0 then nullif(trim(substr(comment, strpos(comment, '|') + 1)), '') end as en
"""
_OURS = "database_name = current_database() and schema_name = 'main' and not internal"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def layer_of(table: str) -> str:
    return next((layer for prefix, layer in LAYERS.items() if table.startswith(prefix)), OTHER_LAYER)


def tables() -> pl.DataFrame:
    """table_name, layer, zh, en, columns, rows (exact count(*)), in browsing order."""
    frame = queries.read(f"""
        select table_name, {_SPLIT}, column_count as columns
        from duckdb_tables() where {_OURS}
        order by table_name
    """)
    names = frame["table_name"].to_list()
    counts = queries.read(" union all ".join(
        f"select '{n.replace(chr(39), chr(39) * 2)}' as table_name, count(*) as rows from {quoted(n)}"
        for n in names))
    order = [*LAYERS.values(), OTHER_LAYER]
    return (frame.join(counts, on="table_name", how="left")
            .with_columns(mapped(frame["table_name"], layer_of).alias("layer"))
            .sort(pl.col("layer").replace_strict(order, list(range(len(order)))), "table_name")
            .select("table_name", "layer", "zh", "en", "columns", "rows"))


def columns(table: str) -> pl.DataFrame:
    """column_name, data_type, zh, en of one table, in the table's column order."""
    return queries.read(f"""
        select column_name, data_type, {_SPLIT}
        from duckdb_columns() where {_OURS} and table_name = ?
        order by column_index
    """, table)


def preview(table: str, rows: int = 100) -> pl.DataFrame:
    """The first rows of a table named in tables() (never a name from elsewhere)."""
    if table not in tables()["table_name"].to_list():
        raise KeyError(table)
    return queries.read(f"select * from {quoted(table)} limit {int(rows)}")


def description_sheet(table: str, shown: list[str], lang: str | None = None) -> pl.DataFrame:
    """The exports' columns sheet (字段说明): each of the `shown` columns with the table's descriptions, both
    in the Chinese view, the English one in the English view."""
    described = (pl.DataFrame({"column_name": shown}, schema={"column_name": pl.String})
                 .join(columns(table), on="column_name", how="left", maintain_order="left"))
    # the 数据表 page's own columns (the dictionary's column_name, data_type, zh, en)
    shown_columns = ["column_name", "data_type", "en/tables"] if (lang or language()) == EN else [
        "column_name", "data_type", "zh", "en"]
    return described.select(pl.col(c.split("/")[0]).alias(label(c, lang)) for c in shown_columns)
