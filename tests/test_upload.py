"""The upload page's logic (dashboard/uploads.py, dashboard/rebuild_queue.py) and the page in AppTest: a name
never chooses a folder, the type is told by the content, macro-enabled workbooks are refused, formulas are
counted, the size limit is the setting, another county's file or rows are refused to a county officer, a stored
file never overwrites one and the one it replaces is kept, rebuilds run one at a time; the page previews what
the check found and what it replaces, stores on confirmation and queues a rebuild, and only the roles that may
upload get it."""

from __future__ import annotations

import io
import json
import shutil
import sys
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from access import audit
from access import uploads as manifest
from access.sessions import Session
from dashboard import rebuild_queue, uploads
from dashboard.uploads import OLE2, Refusal
from tests.apptest import run_page
from tests.conftest import GOLDEN_LANDING
from tests.test_template import FIRST_DATA_ROW
from tests.upload_files import PNG, column, demo_rows, filled, with_macro

MINQIN, LIANGZHOU = "620621", "620602"
OFFICER = Session("s", "t-minqin", "民勤县住建局", "county", MINQIN, "password")
JAN = "民勤县_住宅小区物业管理台账_2025-01.csv"


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    (folder / "landing").mkdir(parents=True)
    monkeypatch.setenv("WUWEI_DATA_DIR", str(folder))
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")
    return folder


@pytest.fixture(scope="module")
def minqin() -> tuple[str, date, object]:
    """民勤县's compounds of 2025-01 in the golden landing folder."""
    return demo_rows(GOLDEN_LANDING, JAN)


def february(rows: list[list]) -> list[list]:
    """January's rows as February's snapshot (统计月份 moved on)."""
    at = column("compounds", "as_of")
    return [[date(2025, 2, 28) if i == at else cell for i, cell in enumerate(row)] for row in rows]


def refusal(name: str, content: bytes, limit: int = 10**9) -> Refusal:
    with pytest.raises(Refusal) as refused:
        uploads.screen(name, content, limit)
    return refused.value


@pytest.mark.parametrize("name", ["../民勤县.xlsx", "a/b.xlsx", "a\\b.xlsx", "..", "民勤县..xlsx", ".hidden.xlsx",
                                  "~$lock.xlsx", "a\x00b.csv", "bad\nname.csv", "", "   ", "长" * 80 + ".csv"])
def test_a_name_with_a_folder_in_it_is_refused(name):
    assert refusal(name, b"a,b\n1,2\n").rule == "name"


def test_a_plain_name_is_kept_and_staged_in_its_own_private_folder(data):
    name = "民勤县_住宅小区物业管理台账_2025-02 (1).csv"
    assert uploads.safe_name(name) == name
    folder = uploads.stage({name: b"a,b\n"})
    assert folder.parent == data / "uploads" / "staging" and (folder / name).read_bytes() == b"a,b\n"
    assert folder.stat().st_mode & 0o077 == 0
    assert not (data / "landing" / name).exists()


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


def test_the_type_is_told_by_the_content_not_the_name(minqin):
    _, xlsx = filled(minqin[0], MINQIN, minqin[1], minqin[2])
    csv = "小区编码,小区名称\nM01,民勤花园\n".encode()
    assert uploads.screen("a.xlsx", xlsx, 10**9) == ("xlsx", 0)
    assert uploads.screen("a.csv", csv, 10**9) == ("text", 0)
    assert uploads.screen("a.txt", "小区编码\t小区名称\n".encode("utf-16"), 10**9)[0] == "text"
    assert uploads.screen("a.csv", "小区编码,小区名称\n".encode("gbk"), 10**9)[0] == "text"
    assert uploads.screen("a.xls", OLE2 + b"\0" * 504, 10**9)[0] == "xls"
    assert uploads.screen("a.xlsx", OLE2 + b"\0" * 504, 10**9)[0] == "xls"  # encrypted: the reader names it
    for name, content, kind in (("photo.xlsx", PNG, "image"), ("a.xlsx", csv, "text"), ("a.csv", xlsx, "xlsx"),
                                ("a.xls", xlsx, "xlsx"), ("a.csv", b"\0\1\2\3" * 100, "binary"),
                                ("a.xlsx", b"%PDF-1.7\n", "pdf"),
                                ("a.xlsx", zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b""}),
                                 "zip")):
        refused = refusal(name, content)
        assert (refused.rule, refused.file, refused.details["kind"]) == ("content", name, kind), name
    assert (refusal("a.exe", csv).rule, refusal("a.exe", csv).details) == ("suffix", {"suffix": ".exe"})
    assert refusal("a.csv", b"").rule == "empty"


def test_macro_enabled_workbooks_are_refused(minqin):
    _, xlsx = filled(minqin[0], MINQIN, minqin[1], minqin[2])
    assert refusal("a.xlsm", xlsx).rule == "macro"
    assert refusal("a.xlsx", with_macro(xlsx)).rule == "macro"
    assert refusal("a.xls", OLE2 + "_VBA_PROJECT_CUR".encode("utf-16-le") + b"\0" * 400).rule == "macro"


def workbook(formulas: int, values: int) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r in range(values):
        sheet.write_number(r, 0, r)
    for r in range(formulas):
        sheet.write_formula(r, 1, f"=A{r + 1}*2", None, r * 2)
    book.close()
    return out.getvalue()


@pytest.mark.parametrize(("formulas", "values"), [(0, 10), (3, 10), (60_000, 60_000)])
def test_formula_cells_are_counted(formulas, values):
    content = workbook(formulas, values)
    assert uploads.screen("a.xlsx", content, 10**9) == ("xlsx", formulas)


def test_the_size_limit_is_the_setting(data):
    assert uploads.max_bytes() == 50 * 1024 * 1024
    (data / "access").mkdir()
    (data / "access" / "settings.toml").write_text("upload_max_mb = 0.5\n", encoding="utf-8")
    assert uploads.max_bytes() == 512 * 1024
    big = b"a,b\n" * (512 * 1024 // 4 + 1)
    refused = refusal("big.csv", big, uploads.max_bytes())
    assert (refused.rule, refused.details) == ("size", {"size": "0.6", "limit": "0.5"})  # 0.500004 MB, rounded up
    assert uploads.screen("ok.csv", big[:512 * 1024], uploads.max_bytes())[0] == "text"


def said(r: Refusal) -> tuple[str, str, dict]:
    return r.rule, r.file, r.details


def test_another_countys_file_or_rows_are_refused_to_a_county_officer(minqin, data):
    from pipelines import check

    ledger, _month, rows = minqin
    county_at, first = column(ledger, "county"), FIRST_DATA_ROW
    name, own = filled(ledger, MINQIN, date(2025, 2, 28), rows, february)

    def moved(cells: list[list]) -> list[list]:  # the first row is 凉州区's
        return february([[*cells[0][:county_at], "凉州区", *cells[0][county_at + 1:]], *cells[1:]])

    mixed = filled(ledger, MINQIN, date(2025, 2, 28), rows, moved)[1]
    (good,), (bad,) = (check.report([uploads.stage({name: content}) / name])["files"] for content in (own, mixed))
    assert (good["status"], good["county"], good["row_counties"]) == ("loaded", MINQIN, {MINQIN: rows.height})
    assert uploads.county_refusal(good, MINQIN) is None
    assert said(uploads.county_refusal(good, LIANGZHOU)) == ("county", name, {"county": MINQIN})
    assert said(uploads.county_refusal(bad, MINQIN)) == ("rows_county", name, {"rows": [first], "counties": []})
    elsewhere = {**good, "county": MINQIN, "row_counties": {MINQIN: 3, LIANGZHOU: 1}}
    assert uploads.county_refusal(elsewhere, MINQIN).details == {"rows": [], "counties": [LIANGZHOU]}
    assert uploads.county_refusal({**good, "county": None}, MINQIN).rule == "county_unknown"


def record(content: bytes, name: str) -> dict:
    import hashlib

    return {"file": name, "sha256": hashlib.sha256(content).hexdigest(), "ledger": "compounds", "county": MINQIN,
            "month": "2025-02", "rows": {"loaded": 2}}


def test_a_stored_file_never_overwrites_and_keeps_the_one_it_replaces(data):
    landing = data / "landing"
    (landing / "民勤县_住宅小区物业管理台账_2025-02.csv").write_bytes(b"old")
    name = "民勤县_住宅小区物业管理台账_2025-02.csv"
    target = f"民勤县/compounds/2025-02/{name}"
    entries = []
    for content, replaces in ((b"first", [name]), (b"second", [])):
        folder = uploads.stage({name: content})
        entries.append(uploads.store(folder / name, record(content, name), target, replaces, OFFICER, "10.0.0.1"))
    assert (landing / target).read_bytes() == b"second"
    assert not (landing / name).exists()
    assert not [p for p in landing.rglob(".*")], "no temporary file is left in the landing folder"
    kept = [data / e["kept_as"] for entry in entries for e in entry["replaced"]]
    assert [p.read_bytes() for p in kept] == [b"old", b"first"]
    assert all(data / "uploads" / "versions" in p.parents for p in kept)
    assert [(e["path"], e["by"], e["sha256"]) for e in manifest.read()] == [
        (target, "t-minqin", record(c, name)["sha256"]) for c in (b"first", b"second")]
    uploaded = [e for e in audit.read() if e["event"] == "upload"]
    assert [(e["actor"], e["ip"], e["what"]["path"], e["what"]["replaced"]) for e in uploaded] == [
        ("t-minqin", "10.0.0.1", target, [name]), ("t-minqin", "10.0.0.1", target, [target])]
    assert audit.verify()[1] is None
    folder = uploads.stage({name: b"third"})
    with pytest.raises(Refusal):  # not the bytes that were checked
        uploads.store(folder / name, record(b"other", name), target, [], OFFICER)
    assert (landing / target).read_bytes() == b"second"


def test_a_version_never_lands_on_another(data):
    for content in (b"1", b"2"):
        (data / "landing" / "a.csv").write_bytes(content)
        uploads.keep_version("a.csv", "20260101T000000Z")
    assert sorted(p.name for p in (data / "uploads" / "versions").iterdir()) == [
        "20260101T000000Z-1_a.csv", "20260101T000000Z_a.csv"]


FAKE_BUILD = """
import sys, time
log = open(sys.argv[1], "a")
log.write(f"start {time.time()}\\n"); log.flush()
time.sleep(float(sys.argv[2]))
log.write(f"end {time.time()}\\n"); log.flush()
"""


def test_rebuilds_run_one_at_a_time_and_a_request_made_meanwhile_waits(data, tmp_path):
    log = tmp_path / "builds.log"
    command = [sys.executable, "-c", FAKE_BUILD, str(log), "0.6"]
    first = [rebuild_queue.enqueue("a", ["x"]), rebuild_queue.enqueue("b", ["y"])]
    workers = [threading.Thread(target=rebuild_queue.drain, args=(command,)) for _ in range(3)]
    for w in workers:
        w.start()
    while not log.exists():
        time.sleep(0.02)
    later = rebuild_queue.enqueue("c", ["z"])  # while the first build runs
    assert rebuild_queue.request(later["id"])["state"] == "queued"
    threading.Thread(target=rebuild_queue.drain, args=(command,)).start()
    for w in workers:
        w.join(30)
    while rebuild_queue.request(later["id"])["state"] != "done":
        time.sleep(0.05)
    lines = [line.split() for line in log.read_text().splitlines()]
    assert [kind for kind, _ in lines] == ["start", "end", "start", "end"], "never two builds at once"
    done = {r["id"]: r for r in rebuild_queue.requests()}
    assert {done[r["id"]]["build"] for r in first} == {done[first[0]["id"]]["build"]}  # one build served both
    assert done[later["id"]]["build"] != done[first[0]["id"]]["build"]
    assert done[later["id"]]["started_at"] >= done[first[0]["id"]]["finished_at"]
    assert all(r["state"] == "done" and r["exit"] == 0 for r in done.values())


def test_a_build_that_finds_another_running_waits_for_it(data, tmp_path, monkeypatch):
    monkeypatch.setattr(rebuild_queue, "BUSY_WAIT", 0.05)
    counter = tmp_path / "tries"
    busy_once = ("import pathlib, sys; p = pathlib.Path(sys.argv[1]); n = int(p.read_text() or 0) if p.exists() "
                 "else 0; p.write_text(str(n + 1)); sys.exit(75 if n == 0 else 0)")
    asked = rebuild_queue.enqueue("a", ["x"])
    assert rebuild_queue.drain([sys.executable, "-c", busy_once, str(counter)]) == 1
    assert counter.read_text() == "2" and rebuild_queue.request(asked["id"])["state"] == "done"
    assert "another build is running" in rebuild_queue.log_tail(rebuild_queue.request(asked["id"])["build"])


# -- the page ---------------------------------------------------------------------------------------------

@pytest.fixture
def golden_copy(golden_db, tmp_path, monkeypatch) -> Path:
    """A copy of the golden data folder, for the page to store into."""
    data = tmp_path / "data"
    shutil.copytree(golden_db.parent.parent, data)
    monkeypatch.setenv("WUWEI_DATA_DIR", str(data))
    monkeypatch.setenv("WUWEI_PII_SALT", "test-salt")
    asked = []
    monkeypatch.setattr(rebuild_queue, "ask", lambda by, files, ip=None: asked.append(files)
                        or rebuild_queue.enqueue(by, files))  # queued, no worker: the tests above run one
    return data


def rows_loaded(golden, path: str) -> int:
    return golden.sql("select rows_loaded from mart_submission_files where path = ?", params=[path]).fetchall()[0][0]


def texts(at, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def test_the_page_previews_what_changes_and_stores_on_confirmation(golden_copy, golden, minqin):
    ledger, month, rows = minqin
    name, content = filled(ledger, MINQIN, month, rows)
    new_name, new_month = filled(ledger, MINQIN, date(2025, 2, 28), rows, february)
    at = run_page("upload", role="county", county=MINQIN, timeout=180)
    at.file_uploader[0].set_value([(name, content, "application/vnd.ms-excel"), (new_name, new_month, ""),
                                   ("../" + name, content, ""), ("photo.xlsx", PNG, "")]).run()
    assert not at.exception, at.exception
    errors = texts(at, "error")
    assert any(e.startswith(f"拒收文件 ../{name}：文件名不能含路径分隔符") for e in errors), errors
    assert any(e.startswith("拒收文件 photo.xlsx：扩展名是 .xlsx，内容却是图片") for e in errors), errors
    before = rows_loaded(golden, JAN)
    assert texts(at, "warning") == ["替换同一台账和报送期的已有文件（旧文件移入历史版本，不删除）："
                                    f"存为 民勤县/compounds/2025-01/{name}；入库行数 {before} → {rows.height}。"]
    assert texts(at, "success") == [f"新的报送期：存为 民勤县/compounds/2025-02/{new_name}，"
                                    f"入库 {rows.height} 行（之前 0 行）。"]
    replaced = at.dataframe[0].value
    assert replaced.iloc[:, 0].tolist() == [JAN] and replaced.iloc[:, 2].tolist() == [before]
    at.button(key="upload_confirm").click().run()
    landing = golden_copy / "landing"
    assert (landing / "民勤县/compounds/2025-01" / name).read_bytes() == content
    assert (landing / "民勤县/compounds/2025-02" / new_name).read_bytes() == new_month
    assert not (landing / JAN).exists()
    (entry,) = [e for e in manifest.read() if e["replaced"]]
    assert (golden_copy / entry["replaced"][0]["kept_as"]).read_bytes() == (GOLDEN_LANDING / JAN).read_bytes()
    (queued,) = rebuild_queue.requests()
    assert queued["state"] == "queued" and sorted(queued["files"]) == sorted(e["path"] for e in manifest.read())
    assert texts(at, "info")[-1].startswith("已排队，即将开始重建")
    assert not list((golden_copy / "uploads" / "staging").iterdir()), "the staged copies are cleared"


def test_the_preview_lists_bad_rows_with_their_cells(golden_copy, minqin):
    ledger, month, rows = minqin
    households = column(ledger, "households")

    def spoilt(cells: list[list]) -> list[list]:
        return [[*cells[0][:households], "-5", *cells[0][households + 1:]], *cells[1:], cells[1]]

    name, content = filled(ledger, MINQIN, month, rows, spoilt)
    at = run_page("upload", role="county", county=MINQIN, timeout=180)
    at.file_uploader[0].set_value((name, content, "")).run()
    assert not at.exception
    quarantined, nulled = at.dataframe[0].value, at.dataframe[1].value
    duplicate = FIRST_DATA_ROW + rows.height  # the second row again, at the end
    assert quarantined.iloc[:, 0].tolist() == [duplicate]
    assert rows[1, "compound_id"] in quarantined.iloc[0, 3]
    assert (nulled.iloc[0, 0], nulled.iloc[0, 1], nulled.iloc[0, 2]) == (FIRST_DATA_ROW, "households", "-5")
    assert [m.value for m in at.metric][:3] == [f"{rows.height + 1:,}", f"{rows.height:,}", "1"]


def test_a_county_officer_cannot_store_another_countys_file(golden_copy, minqin):
    ledger, month, rows = minqin
    name, content = filled(ledger, MINQIN, month, rows)
    at = run_page("upload", role="county", county=LIANGZHOU, timeout=180)
    at.file_uploader[0].set_value((name, content, "")).run()
    assert texts(at, "error") == [f"拒收文件 {name}：文件属于民勤县，只能上传本县区的台账。"]
    assert not [b for b in at.button if b.key == "upload_confirm"]


@pytest.mark.parametrize("role", ["leader", "analyst"])
def test_only_officers_and_administrators_may_upload(golden_db, monkeypatch, role):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(golden_db.parent.parent))
    at = run_page("upload", role=role)
    assert not at.file_uploader
    assert any("upload" in e.value or "上传台账" in e.value for e in at.error), texts(at, "error")
    admin = run_page("upload", role="admin")
    assert admin.file_uploader and not admin.exception


def test_the_upload_manifest_is_who_sent_a_file_and_when(data):
    from pipelines.receipts import receipts
    from readers.read import read_file

    landing = data / "landing"
    shutil.copy(GOLDEN_LANDING / JAN, landing / JAN)
    src = read_file(landing / JAN, landing)
    assert receipts([src], landing)["sender"].to_list() == [None]
    manifest.append({"path": JAN, "sha256": src.sha256, "uploaded_at": "2025-02-03T01:30:00+00:00",
                     "name": "民勤县住建局"})
    got = receipts([src], landing).row(0, named=True)
    assert (got["sender"], got["received_at"].isoformat()) == ("民勤县住建局", "2025-02-03T09:30:00")
    manifest.append({"path": JAN, "sha256": "another file's", "uploaded_at": "2025-02-04T01:30:00+00:00",
                     "name": "someone"})
    assert receipts([src], landing)["sender"].to_list() == [None], "only while the file is the one uploaded"
    assert json.loads(manifest.path().read_text().splitlines()[0])["name"] == "民勤县住建局"


def test_the_english_view_says_it_all_in_english(golden_copy, minqin):
    from tests.english import CJK

    ledger, month, rows = minqin
    name, content = filled(ledger, MINQIN, month, rows)
    at = run_page("upload", role="county", county=MINQIN, lang="en", timeout=180)
    at.file_uploader[0].set_value([(name, content, ""), ("photo.xlsx", PNG, "")]).run()
    shown = [*texts(at, "error"), *texts(at, "warning"), *texts(at, "caption"), *texts(at, "markdown"),
             *[m.label for m in at.metric], *[b.label for b in at.button], *texts(at, "subheader")]
    assert any("Refused photo.xlsx: its name ends in .xlsx but its content is an image" in s for s in shown), shown
    assert any("Understood as: **Compounds** · Minqin" in s for s in shown), shown
    # the file's own name, and the folder named for the county in the landing folder, are as sent
    leftover = [CJK.findall(s.replace(name, "").replace("民勤县/", "").replace(JAN, "")) for s in shown]
    assert not any(leftover), [s for s, left in zip(shown, leftover, strict=True) if left]
