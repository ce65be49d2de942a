"""Reading what a page shows in an AppTest run: tiles, tables, links to the compound profile."""

from __future__ import annotations

import calendar
import re
from datetime import date

import pandas as pd

SCOPES = ["620600", "620602", "620621", "620622", "620623"]
CITY = "620600"


def month_end(month: str) -> date:
    """"2025-02" -> date(2025, 2, 28)."""
    year, number = (int(x) for x in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table_with(at, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all `columns`."""
    for frame in at.dataframe:
        if all(c in frame.value.columns for c in columns):
            return frame.value
    raise AssertionError(f"no table with columns {columns}")


def linked_ids(frame: pd.DataFrame, column: str = "profile") -> list[str]:
    """The compound ids a column of profile links points to."""
    return [re.search(r"compound=([^&]+)", href)[1] for href in frame[column]]


def pct(x) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def count(x) -> str:
    return "—" if x is None else f"{x:,.0f}"


def in_scope(scope: str) -> tuple[str, list]:
    """A where-clause fragment and its parameters: every county for the city, else the one county."""
    return ("(? = ? or county_code = ?)", [scope, CITY, scope])
