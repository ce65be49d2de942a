"""The SQL console: every attack in the corpus is refused or stopped with a reason that has a
message in both languages, an analyst's ordinary queries run, and a long query never holds up
other sessions' queries."""

from __future__ import annotations

import contextvars
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from dashboard import queries, sql_console
from dashboard.i18n import TEXT
from dashboard.sql_console import Limits, QueryError
from dashboard.sql_examples import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("as_analyst")  # the console runs for a signed-in role that has it

# (query, why it is refused); {tmp} is a folder that must stay empty
ATTACKS = [
    # reading files
    ("select * from read_csv('/etc/passwd')", "source"),
    ("select * from read_csv_auto('/etc/passwd')", "source"),
    ("select * from read_text('/etc/passwd')", "source"),
    ("select * from read_blob('/etc/passwd')", "source"),
    ("select * from read_parquet('{tmp}/x.parquet')", "source"),
    ("select * from read_json('{tmp}/x.json')", "source"),
    ("select * from read_duckdb('/etc/passwd')", "source"),
    ("select * from glob('/etc/*')", "source"),
    ("select * from '/etc/passwd'", "invalid"),  # file replacement scans are off: no such table
    ("select * from core_months, read_text('/etc/passwd')", "source"),
    ("select (select content from read_text('/etc/passwd'))", "source"),
    # writing files, other databases, extensions
    ("copy (select 1) to '{tmp}/x.csv'", "statement"),
    ("copy core_compounds to '{tmp}/x.csv'", "statement"),
    ("export database '{tmp}/export'", "statement"),
    ("attach '{tmp}/x.duckdb' as x", "statement"),
    ("detach x", "statement"),
    ("install spatial", "statement"),
    ("load spatial", "statement"),
    ("load '/usr/lib/x.duckdb_extension'", "statement"),
    # settings, pragmas and what they reveal (the file path)
    ("set threads = 8", "statement"),
    ("set enable_external_access = true", "statement"),
    ("reset memory_limit", "statement"),
    ("pragma database_list", "statement"),
    ("pragma enable_profiling", "statement"),
    ("call pragma_database_list()", "statement"),
    ("select * from pragma_database_list()", "source"),
    ("select * from pragma_database_list", "source"),
    ("select * from duckdb_databases", "source"),
    ("select path from duckdb_databases()", "source"),
    ("select * from duckdb_settings()", "source"),
    ("select * from pg_settings", "source"),
    ("select * from duckdb_extensions()", "source"),
    ("select current_setting('temp_directory')", "function"),
    ("show temp_directory", "show"),
    ("show databases", "show"),
    ("create secret (type s3, key_id 'k', secret 's')", "statement"),
    ("select * from duckdb_secrets()", "source"),
    # writes, temporary objects, state
    ("create temp table t as select 1", "statement"),
    ("create table t as select 1", "statement"),
    ("create view v as select 1", "statement"),
    ("create macro m() as 1", "statement"),
    ("insert into core_months values ('2020-01-31')", "statement"),
    ("update core_months set month = null", "statement"),
    ("delete from core_months", "statement"),
    ("drop table core_months", "statement"),
    ("alter table core_months rename to x", "statement"),
    ("truncate core_months", "statement"),
    ("with x as (insert into core_months values ('2020-01-31') returning *) select * from x", "operator"),
    ("checkpoint", "statement"),
    ("force checkpoint", "statement"),
    ("select * from checkpoint()", "source"),
    ("vacuum", "statement"),
    ("begin transaction", "statement"),
    ("prepare p as select 1", "statement"),
    ("select setseed(0.5)", "function"),
    # multi-statement and comment tricks, SQL inside SQL
    ("select 1; drop table core_months", "multiple"),
    ("select 1; select 2", "multiple"),
    ("select 1;\n-- and then\ncreate temp table t as select 1", "multiple"),
    ("/* only a select */ drop table core_months", "statement"),
    ("-- select 1\ndrop table core_months", "statement"),
    ("select * from query('select * from read_text(''/etc/passwd'')')", "source"),
    ("select * from query_table('core_months')", "source"),
    ("select * from json_execute_serialized_sql(json_serialize_sql('select 1'))", "source"),
    ("pivot core_compound_months on management_mode", "statement"),
    # stalling a thread past the interrupt
    ("select sleep_ms(600000)", "function"),
    # nothing to run, or not SQL
    ("", "empty"),
    ("   -- nothing but a comment", "empty"),
    ("select", "syntax"),
    ("select * from no_such_table", "invalid"),
    ("select ?", "parameters"),
    ("select $name", "parameters"),
    # too deep to check, or a single value too large to build
    ("select " + "(select " * 500 + "1" + ")" * 500, "too_deep"),
    ("select " + "(select " * 300 + "1" + ")" * 300, "too_deep"),
    ("select * from " + "(select * from " * 500 + "range(3)" + ")" * 500, "too_deep"),
    ("select repeat('x', 1000000000)", "too_large"),
    ("select repeat('x', 1000 * 1000 * 1000) as s", "too_large"),
    ("select lpad('x', 1e9::int)", "too_large"),
    ("select length(rpad('', 2000000000, 'ab'))", "too_large"),
    ("select range(1000000000)", "too_large"),
    ("select list_resize([1], 1000000000)", "too_large"),
    # a result the table cannot hold
    ("select interval 1 month as i", "result_type"),
    ("select union_value(k := 1) as u", "result_type"),
]

ANALYST_QUERIES = [
    "select county_code, count(*) as n from core_compounds group by all order by n desc",
    "from mart_coverage_monthly order by month desc limit 5",
    "describe core_compounds",
    "summarize core_compound_months",
    "show tables",
    "show all tables",
    "select table_name, comment from duckdb_tables() order by table_name",
    "select * from information_schema.columns where table_name = 'core_compounds'",
    "with recursive n(i) as (select 1 union all select i + 1 from n where i < 5) select * from n",
    "select compound_id, households, rank() over (order by households desc) from core_compounds qualify rank() over "
    "(order by households desc) <= 3",
    "select 'a; b' as text /* a comment; with a semicolon */",
    "values (1, '凉州区'), (2, '民勤县')",
    "select * from generate_series(1, 3) union all select * from range(2)",
]


@pytest.fixture
def tmp_dir(tmp_path):
    yield tmp_path
    assert list(tmp_path.iterdir()) == [], "a query wrote a file"


@pytest.mark.parametrize(("sql", "kind"), ATTACKS)
def test_attack_refused(golden_app_env, tmp_dir, sql, kind):
    with pytest.raises(QueryError) as refused:
        sql_console.run(sql.format(tmp=tmp_dir))
    assert refused.value.kind == kind, refused.value.detail
    zh, en = TEXT[f"explore.error.{kind}"]
    assert zh and en


def test_python_objects_cannot_be_read(golden_app_env, monkeypatch):
    """DuckDB can scan Python data frames by variable name; the console's never."""
    secret = pl.DataFrame({"token": ["s3cr3t"]})
    monkeypatch.setattr(sql_console, "secret", secret, raising=False)
    with pytest.raises(QueryError) as refused:
        sql_console.run("select * from secret")
    assert refused.value.kind in ("invalid", "source")


def test_warehouse_unchanged_after_the_attacks(golden, golden_app_env, tmp_dir):
    for sql, _ in ATTACKS:
        with pytest.raises(QueryError):
            sql_console.run(sql.format(tmp=tmp_dir))
    with queries.cursor() as cur:
        assert cur.sql("select count(*) from duckdb_tables() where temporary").fetchall() == [(0,)]
        assert cur.sql("select count(*) from core_months").fetchall() == golden.sql(
            "select count(*) from core_months").fetchall()


@pytest.mark.parametrize("sql", ANALYST_QUERIES)
def test_analyst_queries_run(golden_app_env, sql):
    result = sql_console.run(sql)
    assert result.frame.height > 0
    assert not result.truncated


def test_result_equals_the_query(golden, golden_app_env):
    sql = "select compound_id, households from core_compounds order by households desc, compound_id"
    assert sql_console.run(sql).frame.equals(golden.sql(sql).pl())


def test_huge_result_is_capped(golden_app_env):
    result = sql_console.run("select * from range(1000000) a, range(1000) b")
    assert result.truncated
    assert result.frame.height == sql_console.LIMITS.max_rows


def test_result_over_the_size_cap_is_cut_or_refused(golden_app_env):
    cut = sql_console.run("select repeat('x', 100) as text from range(100)", Limits(max_bytes=2_000))
    assert cut.truncated
    assert 0 < cut.frame.height < 100
    with pytest.raises(QueryError) as refused:
        sql_console.run("select repeat('x', 100000) as text", Limits(max_bytes=2_000))
    assert refused.value.kind == "too_large"


RSS_SCRIPT = """
import json, sys
from access.sessions import Session
from dashboard import auth, sql_console
from dashboard.sql_console import Limits, QueryError

signed_in = auth.acting_as(Session("tests", "test-analyst", "测试分析员", "analyst", None, "password"))
signed_in.__enter__()

def peak_kb():
    # VmHWM, not getrusage's ru_maxrss: that one keeps the parent's peak across fork and exec
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

sql_console.run("select 1")  # connection open, modules loaded
with open("/proc/self/clear_refs", "w") as f:  # reset the peak to what is resident now
    f.write("5")
before = peak_kb()
try:
    result = sql_console.run(sys.argv[1], Limits(seconds=60))
    outcome = {"rows": result.frame.height, "truncated": result.truncated}
except QueryError as exc:
    outcome = {"kind": exc.kind}
after = peak_kb()
print(json.dumps({**outcome, "before_mb": before // 1024, "after_mb": after // 1024}))
"""


@pytest.mark.parametrize(("sql", "outcome"), [
    ("select repeat('x', 1000000000) as s", {"kind": "too_large"}),
    # 2 GB of rows: the size cap (64 MB) stops the stream; the rest is never produced. Whole, the
    # first 10,001 rows (the row cap) were 1 GB in the app process.
    ("select repeat('x', 100000) || i as s from range(20000) t(i)", {"rows": 671, "truncated": True}),
])
def test_oversized_results_never_reach_the_app_process(golden_db, sql, outcome):
    """Peak memory of a fresh process running only this query: the caps apply while the result
    streams, so the peak is the size cap (64 MB) plus the chunks DuckDB has made ahead (2,048 rows
    each, here 200 MB), not the size of the result. Measured growth of the peak, before -> after the
    change: 1 GB string 2,860 MB -> 0 (refused before it runs); 2 GB of rows 1,155 -> 394 MB."""
    env = {**os.environ, "WUWEI_DATA_DIR": str(golden_db.parent.parent)}
    done = subprocess.run([sys.executable, "-c", RSS_SCRIPT, sql], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    measured = json.loads(done.stdout.splitlines()[-1])
    print(sql, measured)
    assert {k: measured[k] for k in outcome} == outcome
    assert measured["after_mb"] - measured["before_mb"] < 600, measured


def test_memory_limit_stops_a_query(golden_app_env):
    with pytest.raises(QueryError) as stopped:
        sql_console.run("select string_agg(repeat('x', 1000000), '') from range(3000)")
    assert stopped.value.kind == "memory"


def test_long_query_is_stopped_while_other_queries_are_served(golden_app_env):
    """A cross join that would run for minutes stops at the time limit; meanwhile another cursor of
    the same shared connection (another session) keeps getting answers, quickly."""
    limits = Limits(seconds=2)
    outcome: dict = {}

    def long_query():
        started = time.perf_counter()
        try:
            sql_console.run("select count(*) from range(100000000) a, range(100000000) b", limits)
        except QueryError as exc:
            outcome["kind"] = exc.kind
        outcome["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=contextvars.copy_context().run, args=(long_query,))  # as the same analyst
    worker.start()
    time.sleep(0.3)
    waits = []
    while worker.is_alive():
        started = time.perf_counter()
        with queries.cursor() as cur:
            assert cur.sql("select count(*) from core_compounds").fetchall()[0][0] > 0
        waits.append(time.perf_counter() - started)
        time.sleep(0.1)
    worker.join()
    assert outcome["kind"] == "timeout"
    assert outcome["seconds"] < limits.seconds + 1.5
    assert len(waits) >= 5 and max(waits) < 0.5
    assert sql_console.run("select 1 as one").frame.item() == 1  # the console itself works again


@pytest.mark.parametrize("sql", [
    "with recursive t(n) as (select 1 union all select n + 1 from t) select count(*) from t",
    "select count(*) from range(1000000000000)",
])
def test_endless_queries_stop_at_the_limit(golden_app_env, sql):
    started = time.perf_counter()
    with pytest.raises(QueryError) as stopped:
        sql_console.run(sql, Limits(seconds=1))
    assert stopped.value.kind == "timeout"
    assert time.perf_counter() - started < 2.5


def test_small_query_is_fast(golden_app_env):
    sql_console.run("select 1")  # warm: connection open
    assert sql_console.run("select county_code, count(*) from core_compounds group by all").seconds < 0.3


@pytest.mark.parametrize("key", ["explore.example.heating", "explore.example.missed_inspections"])
def test_examples_return_rows_on_the_golden_fixture(golden_app_env, key):
    assert sql_console.run(EXAMPLES[key]).frame.height > 0


def test_examples_are_titled_in_both_languages():
    assert all(TEXT[key][0] and TEXT[key][1] for key in EXAMPLES)


def test_a_gigabyte_value_is_refused_without_reaching_the_app(golden_app_env):
    """A 1 GB text value of a constant size is refused before the query runs (a message, not a
    result); see test_oversized_results_never_reach_the_app_process for the memory it saves."""
    with pytest.raises(QueryError) as refused:
        sql_console.run("select repeat('x', 1000000000)", Limits(seconds=60))  # a shared 2-core machine
    assert refused.value.kind == "too_large"


def test_a_value_over_the_cap_is_refused_in_duckdb(golden_app_env):
    with pytest.raises(QueryError) as refused:
        sql_console.run("select repeat('x', 5000) as t", Limits(max_bytes=4_000))
    assert refused.value.kind == "too_large"


def test_rows_stream_until_the_size_cap(golden_app_env):
    cut = sql_console.run("select i, repeat('x', 100) as t from range(100000) r(i)", Limits(max_bytes=200_000))
    assert cut.truncated and 0 < cut.frame.height < 2_000


def test_deeply_nested_query_is_a_message(golden_app_env):
    sql = "select 1"
    for _ in range(500):
        sql = f"select * from ({sql})"
    with pytest.raises(QueryError) as refused:
        sql_console.run(sql)
    assert refused.value.kind == "too_deep"
    assert all(TEXT["explore.error.too_deep"])
