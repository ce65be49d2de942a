"""报送情况 (the submission tracker): the golden fixture's landing folder plus a rejected file, a correction,
a file with its 填报单位, a file that cannot be placed, each file given the time it arrived. Built as of
the current month's deadline day, the tracker's cells equal what this test works out on its own from the
folder (file names, modification times, the ledger declarations and the deadline setting): files per
sender, ledger and period, on time or late judged at the deadline (DOMAIN §8), rejected, missing, not yet
due. Then the page, the 催报 list, the matrix, the English switch and the cockpit's line."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from contract.ledgers import LEDGERS
from dashboard import i18n
from pipelines import template
from tests.apptest import run_page
from tests.bad_input.corpus import COMPOUND_HEADER, compound, csv_bytes, xlsx_bytes
from tests.conftest import GOLDEN_LANDING, ROOT, build_into, open_warehouse
from tests.shown import metrics, pct

TODAY = date(2025, 3, 5)  # the deadline day of 2025-02: February's outstanding items are not yet due
CITY = "620600"
LOCAL = ZoneInfo("Asia/Shanghai")
SCOPES = {"武威市": CITY, "凉州区": "620602", "民勤县": "620621", "古浪县": "620622", "天祝县": "620623"}
NAMES = {ledger.zh: name for name, ledger in LEDGERS.items()}
FILE_NAME = re.compile(r"^(?P<who>武威市|凉州区|民勤县|古浪县|天祝县)_?(?P<ledger>[^_]+)_"
                       r"(?P<period>\d{4}-\d{2}|\d{4}Q[1-4])")
TIANZHU = {"县区": "天祝县", "经度": "103.138", "纬度": "36.971"}
REJECTED = "古浪县_住宅小区物业管理台账_2025-02.csv"            # a header and no rows
ORIGINAL = "古浪县_业主大会业主委员会台账_2025-01.csv"
CORRECTION = "古浪县_业主大会业主委员会台账_2025-01_更正.csv"     # arrives after the deadline
WITH_SENDER = "古浪县_住宅小区物业管理台账_2025-01.xlsx"
NOT_A_LEDGER = "说明.docx"
LATE = "民勤县_住宅小区物业管理台账_2025-01.csv"                   # a minute into the day after the deadline
LAST_MINUTE = "凉州区_住宅小区物业管理台账_2025-01.csv"            # a minute before the deadline day ends
TIANZHU_LATE = "天祝县_住宅小区物业管理台账_2025-01.csv"           # three days late


def deadline_day() -> int:
    with open(ROOT / "warehouse" / "reference" / "settings.csv", encoding="utf-8") as f:
        return int(next(r["value"] for r in csv.DictReader(f) if r["key"] == "reporting_deadline_day"))


def month_end(year: int, month: int) -> date:
    """The last day of `month` (which may run past 12 into the next year)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def period_of(text: str) -> date:
    if "Q" in text:
        year, quarter = text.split("Q")
        return month_end(int(year), 3 * int(quarter))
    year, month = text.split("-")
    return month_end(int(year), int(month))


def deadline(period: date) -> date:
    return period + timedelta(days=deadline_day())


def arrival(name: str, period: date) -> datetime:
    """When this test says each file arrived (local time)."""
    due = datetime.combine(deadline(period), datetime.min.time(), LOCAL)
    special = {LATE: due + timedelta(days=1, minutes=1), LAST_MINUTE: due + timedelta(hours=23, minutes=59),
               TIANZHU_LATE: due + timedelta(days=3, hours=9), CORRECTION: due + timedelta(days=10)}
    return special.get(name, due - timedelta(days=2) + timedelta(hours=10))


@pytest.fixture(scope="module")
def tracker(tmp_path_factory):
    data = tmp_path_factory.mktemp("submissions-data")
    landing = data / "landing"
    shutil.copytree(GOLDEN_LANDING, landing)
    (landing / REJECTED).write_bytes(csv_bytes(COMPOUND_HEADER))
    committees = [["小区编码", "成立状态"], ["G01", "已成立"]]
    (landing / ORIGINAL).write_bytes(csv_bytes(*committees))
    (landing / CORRECTION).write_bytes(csv_bytes(*committees, ["G02", "筹备中"]))
    (landing / WITH_SENDER).write_bytes(xlsx_bytes(
        ["古浪县住宅小区物业管理台账（2025年1月）"], ["填报单位：古浪县住房和城乡建设局　　填报日期：2025年2月3日"],
        COMPOUND_HEADER, compound("G01"), compound("G02")))
    (landing / TIANZHU_LATE).write_bytes(csv_bytes(COMPOUND_HEADER, compound("T01", **TIANZHU)))
    (landing / NOT_A_LEDGER).write_bytes(b"PK not a ledger")
    for path in landing.iterdir():
        found = FILE_NAME.match(path.name)
        moment = arrival(path.name, period_of(found["period"])) if found else datetime(2025, 2, 1, tzinfo=LOCAL)
        os.utime(path, (moment.timestamp(), moment.timestamp()))
    mp = pytest.MonkeyPatch()
    mp.setenv("WUWEI_TODAY", TODAY.isoformat())
    try:
        database = build_into(data, landing, mp.setenv)
        template.write_all()
    finally:
        mp.undo()
    with open_warehouse(database) as con:
        yield data, con


def placed(name: str) -> tuple[str, str, date] | None:
    """(sender's adcode, ledger, period) from the file name, as the ledger declarations place it."""
    found = FILE_NAME.match(name)
    if not found or found["ledger"] not in NAMES:
        return None
    ledger = LEDGERS[NAMES[found["ledger"]]]
    scope = SCOPES[found["who"]]
    if (scope == CITY) != (ledger.reported_by == "city"):
        return None  # a city-wide file of a ledger each county sends: no one county's
    period = period_of(found["period"])
    if ledger.cadence == "quarter":
        period = month_end(period.year, (period.month + 2) // 3 * 3)
    return scope, ledger.name, period


def expected_cells(landing: Path) -> dict[tuple[str, str, date], dict]:
    """Worked out from the folder alone: every sender × ledger × period due (from each ledger's first period
    to the month before today) or sent, its files, and its outcome at the deadline."""
    current = month_end(TODAY.year, TODAY.month - 1) if TODAY.month > 1 else month_end(TODAY.year - 1, 12)
    sent: dict[tuple[str, str, date], list[tuple[str, datetime]]] = {}
    for path in landing.iterdir():
        if (cell := placed(path.name)) is not None:
            received = datetime.fromtimestamp(path.stat().st_mtime, LOCAL).replace(tzinfo=None)
            sent.setdefault(cell, []).append((path.name, received))
    cells = {cell: {"expected": False} for cell in sent}
    for name, ledger in LEDGERS.items():
        periods = [p for (_, ledger_name, p) in sent if ledger_name == name]
        if ledger.cadence is None or not periods:
            continue
        step = {"month": 1, "quarter": 3, "half_year": 6}[ledger.cadence]
        owners = [CITY] if ledger.reported_by == "city" else [s for s in SCOPES.values() if s != CITY]
        period = min(periods)
        while period <= current:
            for scope in owners:
                cells[(scope, name, period)] = {"expected": True}
            period = month_end(period.year, period.month + step)
    for cell, info in cells.items():
        files = sent.get(cell, [])
        usable = [received for name, received in files if name != REJECTED]
        due = deadline(cell[2]) if LEDGERS[cell[1]].cadence else None
        info |= {"files": len(files), "received_at": min(usable) if usable else None}
        if usable:
            info["status"] = "received" if due is None else "on_time" if min(usable).date() <= due else "late"
        else:
            info["status"] = "rejected" if files else "missing" if due < TODAY else "not_due"
    return cells


def test_every_cell_is_what_the_landing_folder_says(tracker):
    data, con = tracker
    cells = expected_cells(data / "landing")
    rows = con.sql("select scope_code, ledger, period, expected, status, files, received_at "
                   "from mart_submissions").fetchall()
    assert {(s, ledger, p): {"expected": e, "status": st, "files": n, "received_at": r}
            for s, ledger, p, e, st, n, r in rows} == cells
    statuses = {info["status"] for info in cells.values()}
    assert statuses == {"on_time", "late", "rejected", "missing", "not_due", "received"}, "every outcome is tried"


def test_the_deadline_is_judged_to_the_minute(tracker):
    _, con = tracker
    got = dict(con.sql("select first_path, status from mart_submissions where first_path in (?, ?, ?)",
                       params=[LATE, LAST_MINUTE, TIANZHU_LATE]).fetchall())
    assert got == {LATE: "late", LAST_MINUTE: "on_time", TIANZHU_LATE: "late"}
    days = con.sql("select days_late from mart_submissions where first_path = ?", params=[TIANZHU_LATE]).fetchall()
    assert days == [(3,)]


def test_every_file_is_in_a_cell_or_listed_as_unplaced(tracker):
    data, con = tracker
    names = sorted(p.name for p in (data / "landing").iterdir())
    in_cells = con.sql("select sum(files) from mart_submissions").fetchall()[0][0]
    unplaced = con.sql("select path from mart_submission_files where scope_code is null or period is null "
                       "order by path").fetchall()
    assert in_cells + len(unplaced) == len(names)
    assert sorted(path for (path,) in unplaced) == sorted(n for n in names if placed(n) is None)
    states = dict(con.sql("select path, state from mart_submission_files").fetchall())
    assert (states[REJECTED], states[ORIGINAL], states[CORRECTION], states[NOT_A_LEDGER]) == (
        "rejected", "replaced", "loaded", "rejected")
    assert states["凉州区_业主大会业主委员会台账_2025-02.csv"] == "replaced"  # by the 补报 file sorted after it


def test_a_correction_after_the_deadline_does_not_make_the_month_late(tracker):
    _, con = tracker
    got = con.sql("select status, files, files_replaced, first_path from mart_submissions "
                  "where scope_code = '620622' and ledger = 'committees' and period = '2025-01-31'").fetchall()
    assert got == [("on_time", 2, 1, ORIGINAL)]


def test_the_sender_is_the_reporting_unit_the_file_names(tracker):
    _, con = tracker
    got = con.sql("select sender from mart_submissions where first_path = ?", params=[WITH_SENDER]).fetchall()
    assert got == [("古浪县住房和城乡建设局",)]
    assert con.sql("select count(*) from mart_submissions where sender is not null").fetchall() == [(1,)]


def test_the_current_months_completeness(tracker):
    data, con = tracker
    cells = expected_cells(data / "landing")
    for scope in SCOPES.values():
        due = [info for (s, _, p), info in cells.items()
               if info["expected"] and p == date(2025, 2, 28) and (scope == CITY or s == scope)]
        counts = {k: sum(info["status"] == k for info in due)
                  for k in ("on_time", "late", "rejected", "missing", "not_due")}
        got = con.sql("select expected, on_time, late, rejected, missing, not_due, received, completeness from "
                      "mart_submission_completeness where scope_code = ? and is_current", params=[scope]).fetchall()
        received = counts["on_time"] + counts["late"]
        assert got == [(len(due), *counts.values(), received, received / len(due))], scope


@pytest.fixture
def app_env(tracker, monkeypatch):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(tracker[0]))
    return tracker[1]


def current(con, scope: str) -> dict:
    return con.sql("select * from mart_submission_completeness where scope_code = ? and is_current",
                   params=[scope]).pl().row(0, named=True)


def test_page_tiles_reminders_and_matrix_are_the_marts(app_env):
    con = app_env
    at = run_page("submissions", scope=CITY, month="2025-02")
    assert not at.exception
    row = current(con, CITY)
    tiles = metrics(at)
    assert tiles["应报"] == f"{row['expected']:,}" and tiles["已收到"] == f"{row['received']:,}"
    assert tiles["未收到"] == f"{row['missing'] + row['not_due'] + row['rejected']:,}"
    assert tiles["完成度"] == pct(row["completeness"])
    reminders = at.dataframe[0].value
    expected = con.sql("""
        select c.name_zh, s.ledger, s.status from mart_submissions s join core_scopes c using (scope_code)
        join ref_ledgers l using (ledger)
        where s.is_current and s.expected and s.status in ('missing', 'not_due', 'rejected')
        order by c.sort_order, s.scope_code, l.sort_order""").fetchall()
    short = dict(con.sql("select ledger, label_zh from ref_ledgers").fetchall())
    assert list(zip(reminders["scope_code"], reminders["ledger"], reminders["status"], strict=True)) == [
        (name, short[ledger], i18n.t(f"submissions.status.{status}", "zh"))
        for name, ledger, status in expected]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    months = spec["x"]
    assert months[-1] == "2025-02" and len(months) == 12
    shown = {}  # each cell's status as its hover text names it, where the cell is drawn
    for label, zs, tips in zip(spec["y"], spec["z"], spec["customdata"], strict=True):
        for month, z, tip in zip(months, zs, tips, strict=True):
            if z is not None:
                shown[(label, month)] = tip.split("<br>")[0]
    names = dict(con.sql("select scope_code, name_zh from core_scopes").fetchall())
    cells = con.sql("select scope_code, ledger, strftime(period, '%Y-%m'), status from mart_submissions "
                    "where period > '2024-02-29' and period <= '2025-02-28'").fetchall()
    assert shown == {(f"{names[s]} · {short[ledger]}", month):
                     i18n.t(f"submissions.status.{status}", "zh") for s, ledger, month, status in cells}


def test_a_county_sees_its_own_ledgers_and_templates(app_env):
    con = app_env
    at = run_page("submissions", scope="620622", month="2025-02")
    assert not at.exception
    row = current(con, "620622")
    assert metrics(at)["应报"] == str(row["expected"])
    labels = [b.proto.label for b in at.get("download_button") if b.proto.id.find("template") >= 0]
    owed = [lg.label[0] for lg in LEDGERS.values() if lg.reported_by == "county"]
    assert labels == owed
    city = run_page("submissions", scope=CITY, month="2025-02")
    assert [b.proto.label for b in city.get("download_button") if "template" in b.proto.id] == [
        lg.label[0] for lg in LEDGERS.values()]


CJK = re.compile("[\u4e00-\u9fff]")


def test_english_labels_are_complete(app_env):
    keys = [k for k in i18n.TEXT if k.startswith(("submissions.", "page.submissions", "overview.submissions"))]
    assert keys and all(i18n.TEXT[k][1] and not CJK.search(i18n.TEXT[k][1]) for k in keys), \
        [k for k in keys if CJK.search(i18n.TEXT[k][1])]
    at = run_page("submissions", scope=CITY, month="2025-02", lang="en")
    assert not at.exception
    texts = [*metrics(at), *(h.value for h in at.subheader), *(c.value for c in at.caption),
             *(b.proto.label for b in at.get("download_button"))]
    assert texts and not [x for x in texts if CJK.search(x)]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert not [y for y in spec["y"] if CJK.search(y)]
    reminders = at.dataframe[0].value
    assert not [x for x in [*reminders["scope_code"], *reminders["ledger"], *reminders["status"]] if CJK.search(x)]


def test_the_cockpit_says_how_complete_the_month_is(app_env):
    con = app_env
    at = run_page("overview", scope=CITY, month="2025-02")
    row = current(con, CITY)
    line = next(m.value for m in at.markdown if m.value.startswith("本月报送"))
    outstanding = row["missing"] + row["not_due"] + row["rejected"]
    assert line.startswith(f"本月报送（2025年2月，2025-03-05 截止）：应报 {row['expected']} 项，已收到 "
                           f"{row['received']} 项（{pct(row['completeness'])}），其中逾期 {row['late']} 项；"
                           f"尚缺 {outstanding} 项。")
    assert "(submissions?scope=620600&lang=zh)" in line


def test_demo_files_arrive_by_their_filing_date(tmp_path):
    """The demo sets each file's time to when its county sent it: most by the deadline, a few late, none before
    its period ended."""
    from pipelines.demo import generate

    generate(tmp_path, seed=3, scale=0.1, through=date(2024, 6, 30))
    sent = [(period_of(FILE_NAME.match(p.name)["period"]), datetime.fromtimestamp(p.stat().st_mtime, LOCAL).date())
            for p in tmp_path.iterdir() if FILE_NAME.match(p.name)]
    late = [day for period, day in sent if day > deadline(period)]
    assert len(sent) > 50 and 0 < len(late) < 0.2 * len(sent)
    assert not [day for period, day in sent if day <= period]
