"""Python functions over frame values, run on the script's own thread.

Never pass a Python function to Polars to run per value or per batch: Polars runs it on its
thread pool, which needs the GIL, and another session's thread holding the GIL while it waits
for that pool (DataFrame.to_pandas) deadlocks the whole server (STACK_NOTES.md). Instead the
function is applied here to each distinct value, in plain Python, and the column is mapped with
replace_strict over the resulting dict, which runs in Rust.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pyarrow as pa


def mapped(values: pl.Series, fn: Callable[..., str], *, nulls: bool = False) -> pl.Series:
    """fn (returning text) over each distinct value of `values`, mapped back onto the column; a null stays null unless
    `nulls`, which gives it fn(None)."""
    distinct = [value for value in values.unique().to_list() if value is not None]
    mapped_values = values.replace_strict({value: fn(value) for value in distinct}, default=None,
                                          return_dtype=pl.String)
    if nulls and values.null_count():
        mapped_values = mapped_values.fill_null(fn(None))
    return mapped_values.alias(values.name)


def for_the_browser(frame: pl.DataFrame) -> pa.Table:
    """`frame` as the Arrow table st.dataframe sends on as it is. Given a Polars frame, Streamlit goes through
    pandas and back to Arrow, a third of the cockpit's run when a meeting room opens it. Lists go as plain
    Arrow lists, the kind Streamlit's own pandas route sends."""
    table = frame.to_arrow()
    return table.cast(pa.schema(
        [f.with_type(pa.list_(f.type.value_type)) if pa.types.is_large_list(f.type) else f for f in table.schema]))
