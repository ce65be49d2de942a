"""上传台账: a county officer (its own county) or an administrator (any county) drops ledger files; each is
screened here (name, size, type by content, macros: dashboard/uploads.py), checked by the pipeline in a
subprocess, and previewed: what was understood, each finding with the cells as sent, and what changes
against the warehouse (a new period, or the files it replaces with their rows). Confirmed files go into the
landing folder and a rebuild is queued (dashboard/rebuild_queue.py, one at a time), whose progress shows
here; every page reads the new warehouse once it is published."""

from __future__ import annotations

import json
import math
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from access import uploads as manifest
from contract import location
from dashboard import auth, queries, rebuild_queue, uploads
from dashboard.i18n import ZH, half, ledger_label, month_label, t, v
from dashboard.shell import filters
from dashboard.uploads import Refusal

PREVIEW_KEY = "upload_preview"
ROUND_KEY = "upload_round"      # a new file drop box after each confirmation
REQUESTS_KEY = "upload_requests"
DONE_KEY = "upload_seen_done"
MB = 1024 * 1024


def refusal_text(r: Refusal) -> str:
    details = dict(r.details)
    if "county" in details:
        details["county"] = v(details["county"])
    if "rows" in details:
        details["rows"] = t("common.list_separator").join(map(str, details["rows"])) or "—"
        details["counties"] = t("common.list_separator").join(v(c) for c in details["counties"]) or "—"
    if "kind" in details:
        details["kind"] = t(f"upload.kind.{details['kind']}")
    return t(f"upload.refused.{r.rule}", file=r.file, **details)


def month_end(month: str) -> date:
    year, m = (int(x) for x in month.split("-"))
    return date(year + m // 12, m % 12 + 1, 1) - timedelta(days=1)


def earlier_files(record: dict, scope: str | None, folder: str) -> list[dict]:
    """The sender's files of this ledger and period: those the last build placed there (with the rows it
    loaded from each) and any uploaded since into the same folder (the rows their check loaded)."""
    found: dict[str, dict] = {}
    if scope:
        frame = queries.read("""
            select f.path, f.state, f.rows_loaded from mart_submission_files f join ref_ledgers l using (ledger)
            where f.ledger = ? and f.scope_code = ? and f.period = case l.cadence
                when 'quarter' then last_day(date_trunc('quarter', ?::date) + interval 2 month)::date
                when 'half_year' then
                    last_day(make_date(year(?::date), case when month(?::date) <= 6 then 6 else 12 end, 1))
                else ?::date end
            order by f.path
        """, record["ledger"], scope, *[month_end(record["month"])] * 4)
        found = {r["path"]: r for r in frame.to_dicts()}
    landing = location.landing_dir()
    here = {path: r for path, r in found.items() if (landing / path).is_file()}
    uploaded = manifest.latest_by_path()
    for path in uploads.in_folder(folder):
        if path not in here:
            rows = (uploaded.get(path) or {}).get("rows_loaded")
            here[path] = {"path": path, "state": "not_built", "rows_loaded": rows}
    return list(here.values())


def scope_of(record: dict, city: str) -> str | None:
    reported_by = queries.value("select reported_by from ref_ledgers where ledger = ?", record["ledger"])
    return record["county"] or (city if reported_by == "city" else None)


def judge(record: dict, own: str | None, city: str) -> dict:
    """One checked file as the preview shows it: refused, or where it goes and what it replaces."""
    name = Path(record["file"]).name
    item = {"name": name, "record": record, "refusal": None, "target": None, "replaces": []}
    if record["status"] == "rejected":
        return item
    refusal = uploads.county_refusal(record, own) if own else None
    if refusal is None and not (record["ledger"] and record["month"]):
        refusal = Refusal("month", name)
    if refusal is not None:
        item["refusal"] = refusal
        return item
    item["target"] = uploads.target(record, v(record["county"] or city, ZH))
    item["replaces"] = earlier_files(record, scope_of(record, city), item["target"].rsplit("/", 1)[0])
    return item


def check(sent: list, own: str | None, city: str) -> dict:
    """Screen, stage and check the files dropped; the preview kept in the session until confirmed."""
    items, staged = [], {}
    for file in sent:
        data = file.getvalue()
        try:
            kind, formulas = uploads.screen(file.name, data)
            if uploads.safe_name(file.name) in staged:
                raise Refusal("twice", file.name)
        except Refusal as refusal:
            items.append({"name": file.name, "refusal": refusal, "record": None})
            continue
        staged[uploads.safe_name(file.name)] = data
        items.append({"name": uploads.safe_name(file.name), "kind": kind, "formulas": formulas})
    folder = None
    if staged:
        folder = uploads.stage(staged)
        with st.spinner(t("upload.checking", n=len(staged))):
            report = uploads.run_check([folder / name for name in staged])
        records = {Path(r["file"]).name: r for r in report["files"]}
        targets: set[str] = set()
        for item in items:
            if item.get("refusal") is None:
                item |= judge(records[item["name"]], own, city)
                if item["target"] in targets:  # two files for one ledger, sender and period
                    item["refusal"], item["target"] = Refusal("twice", item["name"]), None
                targets.add(item["target"])
    return {"folder": str(folder) if folder else None, "items": items}


def understood(record: dict, formulas: int) -> None:
    rows = record["rows"]
    st.markdown(t("upload.understood", ledger=ledger_label(record['ledger']),
                  county=v(record["county"]) if record["county"] else t("upload.no_county"),
                  month=month_label(month_end(record["month"])) if record["month"] else "—"))
    cols = st.columns(5)
    for col, key, n in zip(cols, ("read", "loaded", "quarantined", "nulled", "warnings"),
                           (rows["read"], rows["loaded"], rows["quarantined"], record["cells_nulled"],
                            record["warnings"]), strict=True):
        col.metric(t(f"upload.rows_{key}"), f"{n:,}")
    if formulas:
        st.info(t("upload.formulas", n=formulas))
    if record["unmapped_headers"]:
        st.caption(t("upload.unmapped", headers=t("common.list_separator").join(record["unmapped_headers"])))


def originals(cells: dict | None) -> str:
    return "；".join(f"{header}: {value}" for header, value in (cells or {}).items() if value not in (None, ""))


def findings(record: dict) -> None:
    if record["quarantined"]:
        st.markdown(f"**{t('upload.quarantined', n=len(record['quarantined']))}**")
        st.dataframe(pl.DataFrame({
            t("col.row"): [q["row"] for q in record["quarantined"]],
            t("col.checked_column"): [q["column"] for q in record["quarantined"]],
            t("upload.col_why"): [half(q["message"]) for q in record["quarantined"]],
            t("upload.col_original"): [originals(q["original"]) for q in record["quarantined"]],
        }, schema_overrides={t("col.row"): pl.Int64}), hide_index=True, width="stretch")
    if record["findings"]:
        st.markdown(f"**{t('upload.findings', n=len(record['findings']))}**")
        st.dataframe(pl.DataFrame({
            t("col.row"): [c["row"] for c in record["findings"]],
            t("col.checked_column"): [c["column"] for c in record["findings"]],
            t("upload.col_sent"): [c["original"] for c in record["findings"]],
            t("upload.col_loaded"): [c["loaded"] for c in record["findings"]],
            t("upload.col_severity"): [t(f"upload.severity.{c['severity']}") for c in record["findings"]],
            t("upload.col_why"): [half(c["message"]) for c in record["findings"]],
        }, schema_overrides={t("col.row"): pl.Int64, t("upload.col_sent"): pl.String,
                             t("upload.col_loaded"): pl.String}), hide_index=True, width="stretch")


def change(item: dict) -> None:
    after = item["record"]["rows"]["loaded"]
    if not item["replaces"]:
        st.success(t("upload.change_new", to=item["target"], after=f"{after:,}"))
        return
    before = sum(r["rows_loaded"] or 0 for r in item["replaces"])
    st.warning(t("upload.change_replaces", to=item["target"], before=f"{before:,}", after=f"{after:,}"))
    st.dataframe(pl.DataFrame({
        t("col.file"): [r["path"] for r in item["replaces"]],
        t("upload.col_state"): [t(f"upload.state.{r['state']}") for r in item["replaces"]],
        t("upload.col_rows"): [r["rows_loaded"] for r in item["replaces"]],
    }, schema_overrides={t("upload.col_rows"): pl.Int64}), hide_index=True, width="stretch")


def show(preview: dict) -> list[dict]:
    """The preview of each file; the files that may be stored."""
    ready = []
    for item in preview["items"]:
        record = item.get("record")
        with st.container(border=True):
            st.subheader(item["name"])
            if record is not None:
                understood(record, item.get("formulas", 0))
            if item["refusal"] is not None:
                st.error(refusal_text(item["refusal"]))
            elif record["status"] == "rejected":
                st.error(t("upload.rejected", why=half(record["message"]) or record["reject_rule"]))
            if record is not None and record["status"] != "rejected":
                findings(record)
            if item.get("target"):
                change(item)
                ready.append(item)
    return ready


def confirm(preview: dict, ready: list[dict]) -> None:
    session = auth.current()
    ip = auth.client_ip(session)
    folder = Path(preview["folder"])
    stored = []
    for item in ready:
        try:
            stored.append(uploads.store(folder / item["name"], item["record"], item["target"],
                                        [r["path"] for r in item["replaces"]], session, ip))
        except (Refusal, FileNotFoundError):  # changed or gone since the check: check it again
            st.session_state.pop(PREVIEW_KEY, None)
            st.error(refusal_text(Refusal("changed", item["name"])))
            return
    shutil.rmtree(folder, ignore_errors=True)
    asked = rebuild_queue.ask(session.username, [entry["path"] for entry in stored], ip)
    st.session_state.setdefault(REQUESTS_KEY, []).append(asked["id"])
    st.session_state.pop(PREVIEW_KEY, None)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()


def progress() -> None:
    """This session's rebuilds, newest first: queued, running (the build's last lines) or done."""
    everyone = rebuild_queue.requests()
    mine = [r for r in everyone if r["id"] in st.session_state.get(REQUESTS_KEY, [])][::-1][:5]
    running = [r for r in everyone if r["state"] == "running"]
    st.subheader(t("upload.rebuilds"))
    for r in mine:
        files = t("common.list_separator").join(r["files"])
        if r["state"] == "queued":
            st.info(t("upload.queued_behind" if running else "upload.queued", files=files))
        elif r["state"] == "running":
            st.info(t("upload.running", files=files))
            st.code(rebuild_queue.log_tail(r["build"]) or "…", language=None)
        elif r["state"] == "done":
            st.success(t("upload.done", files=files))
        else:
            st.error(t("upload.failed", files=files))
            st.code(rebuild_queue.log_tail(r["build"]), language=None)
    done = {r["id"] for r in mine if r["state"] == "done"}
    if done - st.session_state.get(DONE_KEY, set()):
        st.session_state[DONE_KEY] = st.session_state.get(DONE_KEY, set()) | done
        st.rerun(scope="app")  # the whole page, sidebar included, on the new warehouse
    if done:
        cols = st.columns(2)
        cols[0].page_link("dashboard/pages/overview.py", label=t("page.overview"))
        cols[1].page_link("dashboard/pages/submissions.py", label=t("page.submissions"))


# The drop box's own size line would name Streamlit's cut-off (twice the limit, so that a file over the limit
# gets the page's refusal in words, not the widget's): the caption above it says the limit instead.
HIDE_WIDGET_LIMIT = '<style>[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }</style>'

f = filters()
session = auth.current()
own = session.records_county
st.title(t("page.upload"))
limit = uploads.max_bytes()
st.caption(t("upload.intro_county" if own else "upload.intro_admin", county=v(own) if own else "",
             limit=f"{limit / MB:g}"))
st.html(HIDE_WIDGET_LIMIT)
round_ = st.session_state.get(ROUND_KEY, 0)
sent = st.file_uploader(t("upload.drop"), accept_multiple_files=True, key=f"upload_files_{round_}",
                        max_upload_size=max(1, math.ceil(2 * limit / MB)))  # beyond: Streamlit's own refusal
signature = json.dumps([(s.file_id, s.name, s.size) for s in sent or []])
preview = st.session_state.get(PREVIEW_KEY)
if sent and (preview is None or preview["signature"] != signature):
    try:
        preview = check(sent, own, f.city) | {"signature": signature}
    except uploads.CheckFailed as error:
        st.error(t("upload.check_failed"))
        st.code(str(error), language=None)
        preview = None
    st.session_state[PREVIEW_KEY] = preview
if sent and preview:
    ready = show(preview)
    if ready:
        label = t("upload.confirm", n=len(ready), files=t("common.list_separator").join(i["name"] for i in ready))
        if st.button(label, type="primary", key="upload_confirm"):
            confirm(preview, ready)
    else:
        st.caption(t("upload.nothing_to_store"))
if st.session_state.get(REQUESTS_KEY):
    pending = any(r["state"] in ("queued", "running") for r in rebuild_queue.requests()
                  if r["id"] in st.session_state[REQUESTS_KEY])
    st.fragment(progress, run_every=2 if pending else None)()
