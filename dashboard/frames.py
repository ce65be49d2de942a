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


def mapped(values: pl.Series, fn: Callable[..., str], *, nulls: bool = False) -> pl.Series:
    """fn (returning text) over each distinct value of `values`, mapped back onto the column; a null stays null unless
    `nulls`, which gives it fn(None)."""
    distinct = [value for value in values.unique().to_list() if value is not None]
    mapped_values = values.replace_strict({value: fn(value) for value in distinct}, default=None,
                                          return_dtype=pl.String)
    if nulls and values.null_count():
        mapped_values = mapped_values.fill_null(fn(None))
    return mapped_values.alias(values.name)
