"""Safe ad-hoc SQL over the current warehouse: one SELECT, checked, time-boxed and capped.

Four layers, each closing what the one before leaves open:
1. The connection (queries.cursor()): read-only, no external access, no extension install or
   load, locked configuration, memory and thread limits. That already refuses file reads,
   COPY, EXPORT, ATTACH, INSTALL/LOAD, SET, secrets and writes.
2. The statement: exactly one, of type SELECT (this covers FROM-first, VALUES, DESCRIBE,
   SUMMARIZE, SHOW TABLES). The lock still allows temp tables, PRAGMA and CHECKPOINT: other
   statement types, refused here.
3. What a SELECT may touch. The parsed statement may call no function that reveals settings
   or paths, sleeps or changes state, may call only the allowed table functions, and may SHOW
   only the table list (DESCRIBE and SUMMARIZE are fine). The bound plan may scan only
   warehouse tables and the allowed table functions, which catches system views
   (duckdb_databases, pg_settings) and Python replacement scans whatever name the query
   used; and its operators may only read (a SELECT can write through a common table
   expression).
4. Limits (LIMITS): a time limit per query (a timer interrupts the cursor; other cursors of
   the shared connection keep running), a row cap and a size cap on the result, both counted
   per record batch as the result streams in, so an oversized result is never held whole.
   DuckDB builds a single value whole, whatever the memory limit (`repeat('x', 1e9)` takes
   1 GB inside DuckDB, untracked): functions that build a value of a size given as a constant
   are refused above the size cap before the query runs.

Every refusal is a QueryError, including queries nested too deep to check (RecursionError).
Only a role with the console may run a query (others get QueryError("refused")); every run, refused
or not, is in the audit trail with its SQL and outcome.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa

from access import audit
from access.roles import CONSOLE
from dashboard import auth, queries


@dataclass(frozen=True)
class Limits:
    seconds: float = 10.0               # per query, checks included
    max_rows: int = 10_000              # rows returned; more are cut with a "truncated" note
    max_bytes: int = 64 * 1024 * 1024   # result size in memory, the same way
    max_sql_chars: int = 20_000
    rows_per_batch: int = 512           # the granularity of both caps while the result streams


LIMITS = Limits()

# Table functions a query may read from (after binding, warehouse tables are `seq_scan`).
TABLE_FUNCTIONS = frozenset({
    "seq_scan", "range", "generate_series", "unnest", "json_each", "json_tree",
    "duckdb_tables", "duckdb_columns", "duckdb_views", "duckdb_schemas", "duckdb_types",
    "duckdb_functions", "duckdb_keywords", "duckdb_constraints",
})
# Functions that read settings (which hold file paths), sleep past the interrupt, run other
# SQL, or change the session's state.
DENIED_FUNCTIONS = frozenset({
    "current_setting", "getvariable", "write_log", "sleep_ms", "pg_sleep", "setseed",
    "nextval", "currval", "setval", "query", "query_table", "json_execute_serialized_sql",
    "json_serialize_plan", "checkpoint", "force_checkpoint",
})
# Functions whose result size is one of their arguments (a count or a length).
SIZED_FUNCTIONS = frozenset({
    "repeat", "lpad", "rpad", "list_resize", "array_resize", "range", "generate_series", "bar",
})
# Operators of a bound plan that only read. A SELECT can still write through a common table
# expression (INSERT ... RETURNING); anything not listed here is refused, never guessed at.
READ_OPERATORS = frozenset({
    "LOGICAL_PROJECTION", "LOGICAL_FILTER", "LOGICAL_AGGREGATE_AND_GROUP_BY", "LOGICAL_WINDOW",
    "LOGICAL_UNNEST", "LOGICAL_LIMIT", "LOGICAL_ORDER_BY", "LOGICAL_TOP_N", "LOGICAL_DISTINCT",
    "LOGICAL_SAMPLE", "LOGICAL_PIVOT", "LOGICAL_GET", "LOGICAL_CHUNK_GET", "LOGICAL_DELIM_GET",
    "LOGICAL_EXPRESSION_GET", "LOGICAL_DUMMY_SCAN", "LOGICAL_EMPTY_RESULT", "LOGICAL_CTE_REF",
    "LOGICAL_JOIN", "LOGICAL_DELIM_JOIN", "LOGICAL_COMPARISON_JOIN", "LOGICAL_ANY_JOIN",
    "LOGICAL_CROSS_PRODUCT", "LOGICAL_POSITIONAL_JOIN", "LOGICAL_ASOF_JOIN", "LOGICAL_DEPENDENT_JOIN",
    "LOGICAL_UNION", "LOGICAL_EXCEPT", "LOGICAL_INTERSECT", "LOGICAL_RECURSIVE_CTE",
    "LOGICAL_MATERIALIZED_CTE",
})
# SHOW without a query names a setting (which may hold a path) unless it lists the tables.
SHOWABLE = frozenset({"tables", "__show_tables_expanded"})


class QueryError(Exception):
    """A query refused or stopped. `kind` names the message (i18n key explore.error.<kind>)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Result:
    frame: pl.DataFrame
    truncated: bool
    seconds: float


def single_select(sql: str, limits: Limits = LIMITS) -> str:
    """The one SELECT statement in `sql`, or QueryError."""
    text = sql.strip()
    if len(text) > limits.max_sql_chars:
        raise QueryError("too_long", str(limits.max_sql_chars))
    try:
        statements = duckdb.extract_statements(text)
    except RecursionError:
        raise QueryError("too_deep") from None
    except duckdb.Error as exc:
        if "expression depth" in str(exc):
            raise QueryError("too_deep", str(exc)) from None
        raise QueryError("syntax", str(exc)) from None
    if not statements:
        raise QueryError("empty")
    if len(statements) > 1:
        raise QueryError("multiple", str(len(statements)))
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise QueryError("statement", kind.name)
    if statements[0].named_parameters:
        raise QueryError("parameters", ", ".join(sorted(statements[0].named_parameters)))
    return statements[0].query


def _nodes(tree) -> Iterator[dict]:
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from _nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _nodes(value)


def _serialized(cur: duckdb.DuckDBPyConnection, function: str, query: str) -> dict:
    return json.loads(cur.sql(f"select {function}(?::varchar)", params=[query]).fetchall()[0][0])


_ARITHMETIC = {"*": lambda a, b: a * b, "+": lambda a, b: a + b, "-": lambda a, b: a - b,
               "/": lambda a, b: a / b, "//": lambda a, b: a // b, "**": lambda a, b: a**b,
               "^": lambda a, b: a**b}


def _constant_number(node: dict) -> float | None:
    """The value of a literal number, or of arithmetic on literals (1000 * 1000000, 1e9::int)."""
    try:
        if node.get("class") == "CONSTANT":
            return float(node["literal"]["text"])
        if node.get("class") == "CAST":
            return _constant_number(node.get("child") or {})
        op = _ARITHMETIC.get(str(node.get("function_name")))
        if node.get("class") == "FUNCTION" and op:
            values = [_constant_number(a.get("expression") or {}) for a in node.get("arguments") or []]
            if None not in values:
                return float(values[0] if len(values) == 1 else op(*values))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        pass
    return None


def _check_size_arguments(name: str, node: dict, limits: Limits) -> None:
    for argument in node.get("arguments") or []:
        number = _constant_number(argument.get("expression") or {})
        if number is not None and abs(number) > limits.max_bytes:
            raise QueryError("too_large", f"{name}({number:.0f})")


def check_parsed(cur: duckdb.DuckDBPyConnection, query: str, limits: Limits = LIMITS) -> None:
    """Functions and SHOW as written in the query (before binding folds them away)."""
    tree = _serialized(cur, "json_serialize_sql", query)
    if tree.get("error"):
        raise QueryError("syntax", tree.get("error_message", ""))
    table_functions = {id(node.get("function")) for node in _nodes(tree) if node.get("type") == "TABLE_FUNCTION"}
    for node in _nodes(tree):
        name = str(node.get("function_name", "")).lower()
        if name in DENIED_FUNCTIONS:
            raise QueryError("function", name)
        if name in SIZED_FUNCTIONS and id(node) not in table_functions:  # FROM range(n) streams its rows
            _check_size_arguments(name, node, limits)
        if node.get("type") == "TABLE_FUNCTION":
            name = str((node.get("function") or {}).get("function_name", "?")).lower()
            if name not in TABLE_FUNCTIONS:
                raise QueryError("source", name)
        if node.get("type") == "SHOW_REF" and node.get("query") is None:
            name = str(node.get("table_name", "")).strip('"').lower()
            if name not in SHOWABLE:
                raise QueryError("show", name)


def check_plan(cur: duckdb.DuckDBPyConnection, query: str) -> None:
    """The bound plan only reads, and only from warehouse tables and the allowed table functions."""
    plan = _serialized(cur, "json_serialize_plan", query)
    if plan.get("error"):
        message = plan.get("error_message", "")
        if plan.get("error_type") == "permission":
            raise QueryError("external", message)
        if "serializ" in message:  # an operator the check cannot see into: refuse, never guess
            raise QueryError("unsupported", message)
        raise QueryError("invalid", message)
    for node in _nodes(plan):
        operator = str(node.get("type", ""))
        if operator.startswith("LOGICAL_") and operator not in READ_OPERATORS:
            raise QueryError("operator", operator)
        if operator == "LOGICAL_GET":
            path = (node.get("qname") or {}).get("path") or ["?"]
            if str(path[-1]).lower() not in TABLE_FUNCTIONS:
                raise QueryError("source", ".".join(path))


TOO_LARGE = "wuwei: value over the size cap"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _guarded(cur: duckdb.DuckDBPyConnection, query: str, limits: Limits) -> duckdb.DuckDBPyRelation:
    """The query, at most max_rows + 1 rows, with every text or blob value over the size cap an
    error inside DuckDB, so that such a value (of a size no constant shows) is never copied into the app."""
    relation = cur.sql(query)
    size = {"VARCHAR": "strlen", "BLOB": "octet_length"}  # bytes
    wide = {c: size[str(kind)] for c, kind in zip(relation.columns, relation.types, strict=True) if str(kind) in size}
    if wide:
        replace = ", ".join(f"if({f}({_quoted(c)}) > {limits.max_bytes}, error('{TOO_LARGE}'), "
                            f"{_quoted(c)}) as {_quoted(c)}" for c, f in wide.items())
        relation = relation.select(duckdb.SQLExpression(f"* replace ({replace})"))
    return relation.limit(limits.max_rows + 1)


def _fetch(cur: duckdb.DuckDBPyConnection, query: str, limits: Limits) -> tuple[pl.DataFrame, bool]:
    """Read the result batch by batch, stopping at the row cap or the size cap."""
    reader = _guarded(cur, query, limits).to_arrow_reader(limits.rows_per_batch)
    batches, rows, size, truncated = [], 0, 0, False
    try:
        for batch in reader:
            if rows + batch.num_rows > limits.max_rows:
                batch, truncated = batch.slice(0, limits.max_rows - rows), True
            if size + batch.nbytes > limits.max_bytes:
                keep = batch.num_rows * (limits.max_bytes - size) // max(batch.nbytes, 1)
                if rows + keep == 0:
                    raise QueryError("too_large", f"> {limits.max_bytes / 1024 / 1024:.0f} MB")
                batch, truncated = batch.slice(0, keep), True
            batches.append(batch)
            rows, size = rows + batch.num_rows, size + batch.nbytes
            if truncated:
                break
        table = pa.Table.from_batches(batches, schema=reader.schema)
    finally:
        reader.close()  # stops the query: the rest of the result is never produced
    return pl.from_arrow(table), truncated


def run(sql: str, limits: Limits = LIMITS) -> Result:
    """Check and run one SELECT for the signed-in session, if its role has the console; audited."""
    session = auth.current()
    try:
        if not session.may(CONSOLE):
            raise QueryError("refused", session.role)
        result = _run(sql, limits)
    except QueryError as exc:
        _audit(session, sql, exc.kind)
        raise
    _audit(session, sql, "truncated" if result.truncated else "ok", rows=result.frame.height,
           ms=round(result.seconds * 1000))
    return result


def _audit(session, sql: str, outcome: str, **what) -> None:
    audit.record("sql_query", session.username, role=session.role, ip=auth.client_ip(session),
                 sql=sql[:LIMITS.max_sql_chars], outcome=outcome, **what)


def _run(sql: str, limits: Limits) -> Result:
    """Check and run one SELECT on its own cursor of the shared locked connection."""
    query = single_select(sql, limits)
    started = time.perf_counter()
    with queries.cursor() as cur:
        timer = threading.Timer(limits.seconds, cur.interrupt)
        timer.start()
        try:
            check_parsed(cur, query, limits)
            check_plan(cur, query)
            frame, truncated = _fetch(cur, query, limits)
        except RecursionError:
            raise QueryError("too_deep") from None
        except duckdb.InterruptException:
            raise QueryError("timeout", f"{limits.seconds:g}") from None
        except duckdb.OutOfMemoryException as exc:
            raise QueryError("memory", str(exc).splitlines()[0]) from None
        except duckdb.PermissionException as exc:
            raise QueryError("external", str(exc)) from None
        except duckdb.Error as exc:
            if TOO_LARGE in str(exc):
                raise QueryError("too_large", f"> {limits.max_bytes / 1024 / 1024:.0f} MB") from None
            raise QueryError("invalid", str(exc)) from None
        except (pl.exceptions.PolarsError, pa.ArrowException) as exc:  # a type the table cannot show
            raise QueryError("result_type", str(exc).splitlines()[0]) from None
        finally:
            timer.cancel()
    return Result(frame, truncated, time.perf_counter() - started)
