"""The one way from the app to the warehouse, and where a county officer's scope is enforced.

One read-only, locked-down DuckDB connection per process and database file (keyed on the file
CURRENT names, so a new build is picked up without restarting), a cursor per query, and a
cache of results keyed on the same file, shared read-only by every session. Pages select from
marts; they define no metric.

Every query runs for the signed-in session (dashboard/auth.py). A county officer's session reads
every county's aggregates (the ranking is shared) but only its own county's records: each
record-level table a query names is replaced, under its own name, by that county's rows (a common
table expression put in front of the query), whatever the page or the URL asked for.
"""

from __future__ import annotations

import functools
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

import duckdb
import polars as pl

from contract import location
from dashboard import auth
from dashboard.shared_cache import shared

# Settings no query can change: no files, no network, no extensions (in contract/location.py, because
# the bulletin reads the warehouse with the same ones: DuckDB refuses a second connection to a file with others)
locked_config = location.locked_config


class NoWarehouse(RuntimeError):
    """No build has succeeded yet."""


@shared(max_entries=2)
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
    """A cursor of the shared connection: one per query, so threads never share one. It reads every
    county's rows, so a session bound to one county gets none (the SQL console and the bulletin use it)."""
    if auth.current().records_county is not None:
        raise auth.Refused("县区填报员不能直接查询数据仓库 | A county officer cannot query the warehouse directly")
    return _connect(str(database())).cursor()


# What a session bound to one county (a county officer) reads of each warehouse table; every other role
# reads every row. SHARED: aggregates by scope, reference data, the build's own facts, firms' scores.
# RECORDS: a row a compound, complaint, deduction, inspection, case, file or flagged row: only the
# county's own (by the column naming its county). Any other table (raw ledger rows, staging rows without a
# county code): none.
# tests/test_app_access.py checks that every table of a build is in one of the three.
SHARED = frozenset({
    "build_runs", "core_county_prefixes", "core_firms", "core_months", "core_scope_members", "core_scopes",
    "core_settings", "core_snapshot_months", "mart_alerts",
    "mart_committee_coverage_monthly", "mart_committee_governance_monthly", "mart_committee_status_monthly",
    "mart_committee_town_monthly", "mart_complaint_breakdown_monthly", "mart_complaint_handling_monthly",
    "mart_complaint_rate_monthly", "mart_complaint_resolution_levels", "mart_complaint_target_monthly",
    "mart_county_ranking_monthly", "mart_coverage_monthly", "mart_credit_model", "mart_firm_credit_levels_quarterly",
    "mart_firm_credit_quarterly", "mart_firm_credit_scope_quarterly", "mart_inspection_compliance_quarterly",
    "mart_inspection_quarterly", "mart_inspection_results_quarterly", "mart_joint_meetings_monthly",
    "mart_mediation_monthly", "mart_plan_duties_monthly", "mart_plan_scorecard", "mart_quality_overview",
    "mart_quality_pass_rate", "mart_quality_row_drops", "mart_rectification_monthly", "mart_service_grades_monthly",
    "mart_submission_completeness", "mart_submissions", "mart_target_progress", "mart_target_status",
    "mart_utilities_monthly",
})
SHARED_PREFIX = "ref_"
RECORDS = dict.fromkeys([
    "audit_cell_findings", "audit_quarantine", "audit_receipts", "audit_source_files", "audit_validation",
    "audit_validation_history", "core_committee_months", "core_complaints", "core_compound_months", "core_compounds",
    "core_grade_assessments", "core_inspections", "core_rectification_months", "core_rectifications",
    "mart_committee_compounds_monthly", "mart_complaint_records", "mart_compound_complaints_monthly",
    "mart_compound_map", "mart_compound_plan_duties_monthly", "mart_compound_profile_monthly",
    "mart_firm_credit_deductions", "mart_grade_assessments_monthly", "mart_inspection_records",
    "mart_inspection_uploads_pending", "mart_joint_meeting_records", "mart_mediation_cases",
    "mart_open_rectifications_monthly", "mart_quality_replaced_files", "mart_utilities_compounds_monthly",
    "stg_committees", "stg_complaints", "stg_compounds", "stg_inspections", "stg_joint_meetings",
], "county_code") | {"mart_submission_files": "scope_code"}  # table -> the column naming its county
NO_ROWS_PREFIX = "raw_"
NO_ROWS = frozenset({"core_credit_deductions", "stg_credit_events", "stg_firms", "stg_grade_assessments",
                     "stg_mediations", "stg_rectifications", "stg_utilities"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_QUALIFIED = re.compile(r"\bmain\s*\.|\bwuwei-", re.IGNORECASE)
_WITH = re.compile(r"^(\s*--[^\n]*\n)*\s*with\s+(recursive\s+)?", re.IGNORECASE)


def access_of(table: str) -> str:
    """How a county officer reads `table`: "shared", "records" or "none"."""
    if table in SHARED or table.startswith(SHARED_PREFIX):
        return "shared"
    return "records" if table in RECORDS else "none"


@shared(max_entries=2)
def _tables(db: str) -> frozenset[str]:
    with _connect(db).cursor() as cur:
        return frozenset(r[0] for r in cur.sql("select table_name from duckdb_tables() where schema_name = 'main'")
                         .fetchall())


def restricted(sql: str, county: str, tables: frozenset[str]) -> str:
    """`sql` as a session bound to `county` runs it: each table of `tables` it names that is not shared
    stands, under its own name, for that county's rows of it (records) or for none of them."""
    if not re.fullmatch(r"\d{6}", county):
        raise auth.Refused(f"county {county!r}")
    if _QUALIFIED.search(sql):  # main.<table> would reach past the stand-in of the same name
        raise auth.Refused("县区填报员的查询不能限定库名 | A county officer's query cannot name the schema")
    named = sorted({n for n in _NAME.findall(sql) if n in tables and access_of(n) != "shared"})
    if not named:
        return sql
    ctes = ", ".join(f"{n} as (select * from main.{n} where "
                     f"{f'{RECORDS[n]} = {county!r}' if access_of(n) == 'records' else 'false'})" for n in named)
    head = _WITH.match(sql)
    return f"{sql[:head.end()]}{ctes}, {sql[head.end():]}" if head else f"with {ctes} {sql}"


# Every session gets the same frame, not its own unpickled copy (15% of a cockpit's run at 10 sessions).
# Shared read-only: no page changes a frame in place (Polars returns new ones).
# The key is the query as run, so a county officer's frames (its county's records) are its county's own.
@shared(max_entries=512)
def _read(db: str, sql: str, params: tuple) -> pl.DataFrame:
    with _connect(db).cursor() as cur:  # a list parameter comes as a tuple, to be part of the key
        return cur.sql(sql, params=[list(p) if isinstance(p, tuple) else p for p in params]).pl()


def read(sql: str, *params) -> pl.DataFrame:
    """Run a SELECT over the current warehouse for the signed-in session; results are cached per warehouse
    file (and, being the query as run, per county for a county officer)."""
    db = str(database())
    county = auth.current().records_county
    return _read(db, restricted(sql, county, _tables(db)) if county else sql,
                 tuple(tuple(p) if isinstance(p, list) else p for p in params))


def count_rows(table: str, condition: str, *params) -> int:
    """How many rows of a record-level table meet `condition`, whatever the session: a count is an aggregate,
    which every role may see (a county's pending uploads, say), though not the rows themselves."""
    if table not in RECORDS:
        raise ValueError(f"{table} is not a record-level table")
    return _read(str(database()), f"select count(*) from {table} where {condition}", tuple(params)).item()


def hidden_record(table: str, column: str, key) -> bool:
    """Whether the record `column` = `key` exists but lies outside the session's county (so a page can
    refuse it rather than call it unknown)."""
    county = auth.current().records_county
    if county is None or table not in RECORDS:
        return False
    return _read(str(database()), f"select count(*) from {table} where {column} = ? and {RECORDS[table]} is "
                 "distinct from ?", (key, county)).item() > 0


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
    return _names(str(database()), "select scope_code, name_zh, name_en from core_scopes")


def ledger_labels() -> Mapping[str, tuple[str, str]]:
    """Each ledger's short (Chinese, English) name, in the order of their declarations."""
    return _names(str(database()), "select ledger, label_zh, label_en from ref_ledgers order by sort_order")


@functools.lru_cache(maxsize=8)
def _names(db: str, sql: str) -> Mapping[str, tuple[str, str]]:
    # looked up for every value v() translates: kept per warehouse file, read-only
    frame = _read(db, sql, ())
    return MappingProxyType({key: (zh, en) for key, zh, en in frame.iter_rows()})


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
