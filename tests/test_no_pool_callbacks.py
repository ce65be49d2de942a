"""No Python callback may run on Polars' thread pool anywhere in the app (issue #11 item 1).

A map_elements/map_batches callback in one session while another session's thread holds the GIL
inside Polars (DataFrame.to_pandas) deadlocks the whole server: pool threads wait for the GIL,
the GIL holder waits for the pool. benchmarks/bench_sessions.py reproduces it at 10 sessions.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = sorted([ROOT / "streamlit_app.py", *(ROOT / "dashboard").rglob("*.py")])
# Polars methods that run a Python function on the pool (Expr, Series, DataFrame, GroupBy)
CALLBACKS = {"map_elements", "map_batches", "map_rows", "map_groups", "rolling_map", "apply"}


def pool_callbacks(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in CALLBACKS:
            # pandas' Styler.apply runs in the calling thread, not on Polars' pool
            if node.attr == "apply" and isinstance(node.value, ast.Attribute) and node.value.attr == "style":
                continue
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    return found


def test_the_app_runs_no_python_callback_on_the_polars_pool():
    assert [hit for path in APP_FILES for hit in pool_callbacks(path)] == []


def test_the_check_sees_a_callback():
    tree = "import polars as pl\nx = pl.col('a').map_elements(str)\ny = df.style.apply(f)\n"
    probe = ROOT / "tests" / "_probe_callbacks.py"
    probe.write_text(tree, encoding="utf-8")
    try:
        assert pool_callbacks(probe) == ["tests/_probe_callbacks.py:2 .map_elements"]
    finally:
        probe.unlink()
