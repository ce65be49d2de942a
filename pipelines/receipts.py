"""When each landing file arrived, who sent it and what it was for, for the submission tracker (报送情况).

    ledger, county_code, month  the file's own, as the reader found them; for a file rejected before
                 they were found (unreadable, cut short, no header) what its title and name say, so that
                 a file that bounced still counts as sent, and rejected, for its county and month
    received_at  when the upload page stored it (the upload manifest, access/uploads.py), else the file's
                 modification time in the landing folder; in local time (Asia/Shanghai, as every time in
                 the ledgers). A copy that keeps the original's time, such as `cp -p` or an unzipped
                 archive, keeps the time it was made instead
    sender       who uploaded it (the account's name), else the 填报单位 its title lines name
                 ("填报单位：古浪县住房和城乡建设局"), else unknown (null)
    checked_on   the build's today (contract.location.today()): the date the tracker judges deadlines at

An upload counts only while the landing file is still the one uploaded (same sha256).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import polars as pl

from access import uploads
from contract import location
from readers.read import SourceFile, county_from_text, ledger_from_title, month_from_text

TIME_ZONE = "Asia/Shanghai"
_SENDER = re.compile(r"填报单位\s*[:：]\s*([^\s,，;；]+)")
SCHEMA = {"path": pl.String, "ledger": pl.String, "county_code": pl.String, "month": pl.Date, "sender": pl.String,
          "received_at": pl.Datetime("us"), "checked_on": pl.Date}


def sender(title: str) -> str | None:
    found = _SENDER.search(title)
    return found[1] if found else None


def _modified_ns(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:  # gone since it was read: the tracker shows it without a time
        return None


def _uploaded_ns(entry: dict) -> int:
    return int(datetime.fromisoformat(entry["uploaded_at"]).timestamp() * 1e9)


def receipts(sources: list[SourceFile], landing: Path, today: date | None = None) -> pl.DataFrame:
    """One row per source file (SCHEMA)."""
    manifest = uploads.latest_by_path()
    uploaded = [entry if (entry := manifest.get(src.path)) and entry["sha256"] == src.sha256 else None
                for src in sources]
    frame = pl.DataFrame({
        "path": [src.path for src in sources],
        "ledger": [src.ledger or _named_ledger(src) for src in sources],
        "county_code": [src.county or county_from_text(f"{src.title} {src.path}") for src in sources],
        "month": [src.month or month_from_text(src.title) or month_from_text(src.path) for src in sources],
        "sender": [up["name"] if up else sender(src.title) for src, up in zip(sources, uploaded, strict=True)],
        "modified": [_uploaded_ns(up) if up else _modified_ns(landing / src.path)
                     for src, up in zip(sources, uploaded, strict=True)],
    }, schema={**{name: SCHEMA[name] for name in list(SCHEMA)[:5]}, "modified": pl.Int64})
    local = (pl.from_epoch(pl.col("modified"), time_unit="ns").dt.replace_time_zone("UTC")
             .dt.convert_time_zone(TIME_ZONE).dt.replace_time_zone(None).dt.cast_time_unit("us"))
    return frame.select(*list(SCHEMA)[:5], local.alias("received_at"),
                        pl.lit(today or location.today(), pl.Date).alias("checked_on")).cast(SCHEMA)


def _named_ledger(src: SourceFile) -> str | None:
    named = ledger_from_title(f"{src.title} {src.path}")
    return named.name if named else None
