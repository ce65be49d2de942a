"""上传台账 in a browser, on a data folder of its own (a copy of the demo city without 民勤县's November compounds):
a county officer uploads a filled template, sees the preview, confirms, and after the rebuild sees 总览's number
move and the month received on 报送情况; a second upload while the rebuild waits is queued behind it; bad rows
are listed in the preview; a name with "..", an oversized file, a renamed image and another county's file are
refused, each in words naming the file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, OfflinePage, _free_port, in_data, make_accounts, serve
from tests.test_template import FIRST_DATA_ROW
from tests.upload_files import PNG, column, demo_rows, filled

MINQIN, LIANGZHOU = "620621", "620602"
NOVEMBER = "民勤县_住宅小区物业管理台账_2026-11.xlsx"
COMMITTEES = "民勤县_业主大会业主委员会台账_2026-11.xlsx"
LIANGZHOU_NOVEMBER = "凉州区_住宅小区物业管理台账_2026-11.xlsx"
LIMIT_MB = 1


@pytest.fixture(scope="module")
def upload_data(demo_data_dir, tmp_path_factory) -> Path:
    """The demo city's data folder copied, 民勤县's November compounds set aside (not sent yet) and rebuilt
    without it, an upload limit of LIMIT_MB and the test accounts."""
    data = tmp_path_factory.mktemp("upload-data")
    shutil.copytree(demo_data_dir, data, dirs_exist_ok=True)
    (data / "aside").mkdir()
    for name in (NOVEMBER, COMMITTEES, LIANGZHOU_NOVEMBER):
        shutil.copy2(data / "landing" / name, data / "aside" / name)
    (data / "landing" / NOVEMBER).unlink()
    subprocess.run([sys.executable, "-m", "pipelines", "build"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "WUWEI_DATA_DIR": str(data)})
    with in_data(data):
        from access import settings

        make_accounts()
        settings.path().write_text(f"upload_max_mb = {LIMIT_MB}\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def upload_url(upload_data):
    port = _free_port()
    with serve(port, {"WUWEI_DATA_DIR": str(upload_data)}):
        yield f"http://127.0.0.1:{port}"


def template_file(data: Path, name: str, county: str, change=lambda cells: cells) -> tuple[str, bytes]:
    ledger, month, rows = demo_rows(data / "aside", name)
    return filled(ledger, county, month, rows, change)


def warehouse(data: Path) -> duckdb.DuckDBPyConnection:
    folder = data / "warehouse"
    return duckdb.connect(str(folder / (folder / "CURRENT").read_text(encoding="utf-8").strip()), read_only=True)


def drop(p: OfflinePage, files: list[tuple[str, bytes]]) -> None:
    p.page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": content} for name, content in files])
    expect(p.page.get_by_test_id("stFileChip")).to_have_count(len(files), timeout=30_000)
    for name, _ in files:  # each file's part of the preview, once the check is done
        expect(p.page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=180_000)
    p.settle(timeout=180_000)


def metric(p: OfflinePage, label: str) -> str:
    tile = p.page.get_by_test_id("stMetric").filter(has=p.page.get_by_test_id("stMetricLabel").get_by_text(
        label, exact=True))
    return tile.get_by_test_id("stMetricValue").first.inner_text()


def shots(p: OfflinePage, name: str) -> None:
    for width, height in ((1280, 720), (1920, 1080)):
        p.page.set_viewport_size({"width": width, "height": height})
        p.page.wait_for_timeout(400)
        p.screenshot(f"{name}-{width}x{height}")
    p.page.set_viewport_size({"width": 1600, "height": 1000})


def test_refusals_name_the_file_and_the_rule(browser, upload_url, upload_data):
    p = OfflinePage(browser, upload_url, role="county")
    try:
        p.open("upload")
        _, good = template_file(upload_data, NOVEMBER, MINQIN)
        other_name, other = template_file(upload_data, LIANGZHOU_NOVEMBER, LIANGZHOU)
        drop(p, [("..民勤县.xlsx", good), ("big.csv", b"a,b\n" * (LIMIT_MB * 1048576 // 4 + 1000)),
                 ("photo.xlsx", PNG), (other_name, other)])
        body = p.page.get_by_test_id("stMain")
        expect(body).to_contain_text("拒收文件 ..民勤县.xlsx：文件名不能含路径分隔符")
        expect(body).to_contain_text(f"拒收文件 big.csv：{LIMIT_MB}.1 MB，超过上传上限 {LIMIT_MB} MB。")  # rounded up
        expect(body).to_contain_text("拒收文件 photo.xlsx：扩展名是 .xlsx，内容却是图片（按内容判断类型，不按文件名）")
        expect(body).to_contain_text(f"拒收文件 {other_name}：文件属于凉州区，只能上传本县区的台账。")
        expect(p.page.get_by_role("button", name="确认存入")).to_have_count(0)
        p.screenshot("upload-refused")
        assert p.errors() == 0 and not p.outside
    finally:
        p.context.close()


def test_the_preview_lists_bad_rows(browser, upload_url, upload_data):
    households = column("compounds", "households")

    def spoilt(cells: list[list]) -> list[list]:
        return [[*cells[0][:households], "-5", *cells[0][households + 1:]], *cells[1:], cells[1]]

    name, content = template_file(upload_data, NOVEMBER, MINQIN, spoilt)
    p = OfflinePage(browser, upload_url, role="county")
    try:
        p.open("upload")
        drop(p, [(name, content)])
        body = p.page.get_by_test_id("stMain")
        expect(body).to_contain_text("隔离的行（1）：整行不入库")
        expect(body).to_contain_text(re.compile(r"单元格问题（\d+）：行照常入库"))
        grids = p.page.get_by_test_id("stDataFrame")
        expect(grids.nth(0)).to_contain_text(str(FIRST_DATA_ROW + len(_rows(upload_data))))  # the repeated row
        expect(grids.nth(1)).to_contain_text("-5")
        assert p.errors() == 0
    finally:
        p.context.close()


def _rows(data: Path):
    return demo_rows(data / "aside", NOVEMBER)[2]


def test_a_county_officer_uploads_and_sees_the_number_move(browser, upload_url, upload_data):
    from access import accounts
    from contract import location
    from dashboard.components import pct
    from dashboard.i18n import TEXT

    mode, code, firm = (column("compounds", c) for c in ("management_mode", "firm_credit_code", "firm_name"))

    def self_managed(cells: list[list]) -> list[list]:  # five compounds now run by their owners, no firm named
        return [[{mode: "业主自管", code: None, firm: None}.get(i, cell) if r < 5 else cell
                 for i, cell in enumerate(row)] for r, row in enumerate(cells)]

    name, content = template_file(upload_data, NOVEMBER, MINQIN, self_managed)
    committees_name, committees = template_file(upload_data, COMMITTEES, MINQIN)
    with warehouse(upload_data) as con:
        before = con.sql("select * from mart_submission_completeness where scope_code = ? and is_current",
                         params=[MINQIN]).pl().row(0, named=True)
    p = OfflinePage(browser, upload_url, role="county")
    try:
        p.open("overview")
        coverage_before = metric(p, TEXT["metric.coverage"][0])
        p.open("submissions")
        assert metric(p, TEXT["submissions.received"][0]) == f"{before['received']:,}"
        p.open("upload")
        drop(p, [(name, content)])
        body = p.page.get_by_test_id("stMain")
        expect(body).to_contain_text(f"新的报送期：存为 民勤县/compounds/2026-11/{name}")
        expect(body).to_contain_text("识别为：住宅小区 · 民勤县 · 2026年11月")
        assert "单元格问题" not in body.inner_text() and "隔离的行" not in body.inner_text()  # a clean template
        shots(p, "upload-preview")
        with in_data(upload_data), location.build_lock():  # an administrator's rebuild is running
            p.page.get_by_role("button", name="确认存入").click()
            expect(body).to_contain_text("正在重建数据仓库", timeout=60_000)
            drop(p, [(committees_name, committees)])
            expect(body).to_contain_text("替换同一台账和报送期的已有文件")
            p.page.get_by_role("button", name="确认存入").click()
            expect(body).to_contain_text("已排队：正在进行的重建结束后再重建", timeout=60_000)
            shots(p, "upload-queued")
        expect(body.get_by_text("重建完成，各页面已使用新数据")).to_have_count(2, timeout=300_000)
        p.settle(timeout=60_000)
        shots(p, "upload-done")
        requests = sorted((json.loads(f.read_text()) for f in (upload_data / "uploads" / "queue").glob("*.json")),
                          key=lambda r: r["asked_at"])
        assert [r["state"] for r in requests] == ["done", "done"]
        assert requests[0]["build"] != requests[1]["build"], "the second upload waited for a build of its own"
        assert requests[0]["finished_at"] <= requests[1]["started_at"], "never two builds at once"

        with warehouse(upload_data) as con:
            after = con.sql("select * from mart_submission_completeness where scope_code = ? and is_current",
                            params=[MINQIN]).pl().row(0, named=True)
            sent = con.sql("select status, sender from mart_submissions where scope_code = ? and ledger = "
                           "'compounds' and period = '2026-11-30'", params=[MINQIN]).fetchall()
            coverage = con.sql("select coverage from mart_coverage_monthly where scope_code = ? "
                               "and month = '2026-11-30'", params=[MINQIN]).fetchall()[0][0]
        with in_data(upload_data):
            officer = accounts.get("t-minqin")["display_name"]
        assert sent == [("on_time", officer)]
        assert after["received"] == before["received"] + 1
        p.open("overview")
        assert metric(p, TEXT["metric.coverage"][0]) == pct(coverage) != coverage_before
        p.open("submissions")
        assert metric(p, TEXT["submissions.received"][0]) == f"{after['received']:,}"
        stored = upload_data / "landing" / "民勤县" / "compounds" / "2026-11" / name
        assert stored.read_bytes() == content
        kept = list((upload_data / "uploads" / "versions").rglob(f"*_{COMMITTEES}"))
        assert [k.read_bytes() for k in kept] == [(upload_data / "aside" / COMMITTEES).read_bytes()]
        assert p.errors() == 0 and not p.outside
    finally:
        p.context.close()
