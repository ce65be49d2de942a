"""The app never hands a Python function to Polars: Polars runs it on its thread pool, which then
waits for the GIL, and under concurrent sessions that deadlocked the whole server (issue #11,
benchmarks/bench_sessions.py). Mapping goes through dashboard.frames.mapped instead."""

from __future__ import annotations

import ast
from pathlib import Path

import polars as pl

from dashboard.frames import mapped

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
POOL_CALLBACKS = {"map_elements", "map_batches", "map_groups", "map_rows"}  # pandas Styler.apply is fine


def test_no_dashboard_code_passes_a_python_function_to_polars():
    found = []
    for path in [*DASHBOARD.rglob("*.py"), DASHBOARD.parent / "streamlit_app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in POOL_CALLBACKS:
                found.append(f"{path.relative_to(DASHBOARD.parent)}:{node.lineno} .{node.attr}")
    assert found == []


def test_mapped_applies_the_function_once_per_distinct_value_and_keeps_order():
    calls = []

    def label(x):
        calls.append(x)
        return f"<{x}>"

    values = pl.Series("code", ["b", "a", None, "b", "a"])
    assert mapped(values, label).to_list() == ["<b>", "<a>", None, "<b>", "<a>"]
    assert sorted(calls) == ["a", "b"]
    assert mapped(values, lambda x: "—" if x is None else x, nulls=True).to_list() == ["b", "a", "—", "b", "a"]
    assert mapped(pl.Series("n", [1200, None], dtype=pl.Int64), lambda x: f"{x:,}").to_list() == ["1,200", None]
