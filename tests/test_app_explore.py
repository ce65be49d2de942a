"""数据探索 page: it shows exactly what the query returns, refuses with a clear message, notes a
truncated result, keeps the session's history, and speaks English behind the switch."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.sql_examples import EXAMPLES
from tests.apptest import run_page


def run_sql(at, sql: str):
    at.text_area(key="explore_sql").set_value(sql)
    return at.button[0].click().run()


def shown(at) -> pl.DataFrame:
    return pl.from_pandas(at.dataframe[0].value)


@pytest.mark.parametrize("key", list(EXAMPLES))
def test_example_result_equals_the_query(golden, golden_app_env, key):
    at = run_page("explore")
    at.selectbox(key="explore_example").set_value(key).run()
    assert at.text_area(key="explore_sql").value == EXAMPLES[key]
    at.button[0].click().run()
    assert not at.exception
    assert not at.error
    expected = golden.sql(EXAMPLES[key]).pl()
    assert shown(at).rows() == expected.rows()
    assert list(at.dataframe[0].value.columns) == expected.columns


def test_chart_and_downloads_of_a_result(golden_app_env):
    at = run_sql(run_page("explore"), EXAMPLES["explore.example.missed_inspections"])
    assert len(at.get("plotly_chart")) == 1
    assert any(c.value.startswith("查询结果：检查轮次 按 县区") for c in at.caption)
    assert [b.label for b in at.get("download_button")][:2] == ["下载 CSV", "下载 Excel"]


def test_refused_query_says_why(golden_app_env):
    at = run_sql(run_page("explore"), "select 1; drop table core_months")
    assert [e.value for e in at.error] == ["一次只能运行一条语句（收到 2 条），请删去分号后的其他语句。"]
    assert not at.tabs  # no result shown, only the history
    at = run_sql(at, "copy core_compounds to '/tmp/leak.csv'")
    assert at.error[0].value.startswith("已拒绝 COPY 语句")


def test_truncated_result_is_noted(golden_app_env):
    at = run_sql(run_page("explore"), "select * from range(50000)")
    assert at.warning[0].value.startswith("结果已截断：只显示和下载前 10,000 行")
    assert at.dataframe[0].value.shape == (10_000, 1)


def test_history_lists_the_session_runs_newest_first(golden_app_env):
    at = run_page("explore")
    run_sql(at, "select 1 as one")
    run_sql(at, "select * from nowhere")
    history = at.expander[0]
    assert history.label == "本次会话的查询历史"
    table = history.dataframe[0].value
    assert list(table["SQL"]) == ["select * from nowhere", "select 1 as one"]
    assert list(table["结果"])[1] == "成功"
    at.selectbox(key="explore_past").set_value(1).run()
    assert at.text_area(key="explore_sql").value == "select 1 as one"


def test_english_switch(golden_app_env):
    at = run_sql(run_page("explore"), "select 1; select 2")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.button[0].label == "Run"
    assert at.error[0].value == "Run one statement at a time (got 2): remove the statements after the semicolon."
