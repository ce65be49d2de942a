"""The one way from the app to the warehouse.

One read-only, locked-down DuckDB connection per process and database file (keyed on the file
CURRENT names, so a new build is picked up without restarting), a cursor per query, and a
cache of results keyed on the same file, shared read-only by every session. Pages select from
marts; they define no metric.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

import duckdb
import polars as pl
import streamlit as st

from warehouse import location

# Settings no query can change: no files, no network, no extensions (in warehouse/location.py, because
# the bulletin reads the warehouse with the same ones: DuckDB refuses a second connection to a file with others)
locked_config = location.locked_config


class NoWarehouse(RuntimeError):
    """No build has succeeded yet."""


@st.cache_resource(show_spinner=False, max_entries=2)
def _connect(path: str) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(path, read_only=True, config=locked_config())


# CURRENT is read at most once a second per data folder, not on every query: a file read per query
# was a tenth of a page's run at 30 sessions (each read gives up the GIL and waits to get it back).
CURRENT_TTL = 1.0
_current: dict[str | None, tuple[float, Path | None]] = {}


def database() -> Path:
    key = os.environ.get("WUWEI_DATA_DIR")
    checked, path = _current.get(key, (-CURRENT_TTL, None))
    if path is None or time.monotonic() - checked > CURRENT_TTL:
        path = location.current_database()
        _current[key] = (time.monotonic(), path)
    if path is None:
        raise NoWarehouse("还没有数据仓库 | No warehouse has been built yet")
    return path


def has_warehouse() -> bool:
    try:
        database()
    except NoWarehouse:
        return False
    return True


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the shared connection: one per query, so threads never share one."""
    return _connect(str(database())).cursor()


# A resource, not data: every session gets the same frame instead of its own unpickled copy (15% of a
# cockpit's run at 10 sessions). Shared read-only: no page changes a frame in place (Polars returns new ones).
@st.cache_resource(show_spinner=False, max_entries=512)
def _read(db: str, sql: str, params: tuple) -> pl.DataFrame:
    with _connect(db).cursor() as cur:
        return cur.sql(sql, params=list(params)).pl()


def read(sql: str, *params) -> pl.DataFrame:
    """Run a SELECT over the current warehouse; results are cached per warehouse file."""
    return _read(str(database()), sql, tuple(params))


def value(sql: str, *params):
    frame = read(sql, *params)
    return frame.item() if frame.height else None


@dataclass(frozen=True)
class BuildInfo:
    run_id: str
    finished_at: datetime
    data_month: date
    first_month: date


def build_info() -> BuildInfo:
    row = read("""
        select r.run_id, r.finished_at, s.data_month, (select min(month) from core_compound_months) as first_month
        from build_runs r, core_settings s
        where r.status = 'succeeded' order by r.finished_at desc limit 1
    """).row(0, named=True)
    return BuildInfo(**row)


def months() -> list[date]:
    """Months with compound snapshots, newest first (the as-of choices)."""
    return read("select distinct month from mart_coverage_monthly order by month desc")["month"].to_list()


def scopes() -> pl.DataFrame:
    return read("select scope_code, name_zh, name_en, scope_level from core_scopes order by sort_order, scope_code")


def scope_names() -> Mapping[str, tuple[str, str]]:
    """Each scope's (Chinese, English) name by its code: the one spelling of county and city names."""
    return _scope_names(str(database()))


@functools.lru_cache(maxsize=4)
def _scope_names(db: str) -> Mapping[str, tuple[str, str]]:
    # looked up for every value v() translates: kept per warehouse file, read-only
    frame = _read(db, "select scope_code, name_zh, name_en from core_scopes", ())
    return MappingProxyType({code: (zh, en) for code, zh, en in frame.iter_rows()})


def boundaries() -> dict:
    """County boundaries as one GeoJSON FeatureCollection (GCJ-02)."""
    frame = read("select adcode, name_zh, name_en, level, geojson from ref_boundaries where level = 'county'")
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(r["geojson"]),
         "properties": {k: r[k] for k in ("adcode", "name_zh", "name_en", "level")}}
        for r in frame.to_dicts()]}


def trailing_months(column: str) -> str:
    """A WHERE condition: the month-end date `column` lies in the n months ending at a month.
    Takes two parameters, in order: that month and n."""
    return f"date_diff('month', {column}, ?::date) between 0 and ? - 1"
