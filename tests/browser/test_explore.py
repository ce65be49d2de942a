"""数据探索 in a real browser on the demo city: type a query, run it, download its result as
CSV; the example queries return rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard import sql_console
from dashboard.i18n import TEXT
from dashboard.sql_examples import EXAMPLES

QUERY = "select scope_code, name_zh from core_scopes order by sort_order, scope_code"
SCOPES = ["620600,武威市", "620602,凉州区", "620621,民勤县", "620622,古浪县", "620623,天祝藏族自治县"]


def run_query(offline_page, sql: str) -> None:
    page = offline_page.page
    page.get_by_label("SQL 查询").fill(sql)
    page.get_by_role("button", name="运行").click()
    offline_page.settle()


def test_query_runs_and_downloads_as_csv(offline_page):
    offline_page.open("explore")
    page = offline_page.page
    run_query(offline_page, QUERY)
    expect(page.get_by_text("5 行 · 2 列")).to_be_visible()
    offline_page.screenshot("explore-result")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").first.click()
    assert download.value.suggested_filename.startswith("查询结果_")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens the Chinese correctly
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["scope_code,name_zh", *SCOPES]  # data only: the SQL is in the XLSX's 筛选条件 sheet
    assert offline_page.errors() == 0
    assert offline_page.outside == [], f"requests outside 127.0.0.1: {offline_page.outside}"


def test_refused_query_shows_why(offline_page):
    offline_page.open("explore")
    run_query(offline_page, "copy core_compounds to '/tmp/leak.csv'")
    expect(offline_page.page.get_by_text("已拒绝 COPY 语句")).to_be_visible()
    assert not Path("/tmp/leak.csv").exists()
    offline_page.screenshot("explore-refused")


def test_an_example_runs_from_the_list(offline_page):
    offline_page.open("explore")
    page = offline_page.page
    page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name=TEXT["explore.example.heating"][0]).click()
    offline_page.settle()
    expect(page.get_by_label("SQL 查询")).to_have_value(EXAMPLES["explore.example.heating"])
    page.get_by_role("button", name="运行").click()
    expect(page.get_by_text(re.compile(r"^[1-9][\d,]* 行 · 4 列"))).to_be_visible()
    offline_page.settle()
    assert offline_page.errors() == 0


@pytest.mark.parametrize("key", list(EXAMPLES))
def test_example_returns_rows_on_the_demo_city(demo_data_dir, monkeypatch, as_analyst, key):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(demo_data_dir))
    assert sql_console.run(EXAMPLES[key]).frame.height > 0
