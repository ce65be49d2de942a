"""The upload manifest: <data>/uploads/manifest.jsonl, one JSON object a line, only ever appended to.

Each line is one file the upload page stored in the landing folder:

    path         where it is in the landing folder (relative, POSIX), as the build names it
    sha256, size of the bytes stored (the bytes the check read)
    uploaded_at  UTC, ISO 8601; by (user name), name (display name), role, county (the officer's, else null)
    ledger, file_county, month, rows_loaded   what the check made of it
    replaced     [{"path": the landing file it replaced, "kept_as": where that file now is, under
                 <data>/uploads/versions/}]

The submission tracker takes who sent a file and when from here before the file's modification time and
title (pipelines/receipts.py). Nothing here is ever rewritten: a later upload of the same path is a later line.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from contract import location


def path() -> Path:
    return location.uploads_dir() / "manifest.jsonl"


def append(entry: dict) -> None:
    """Add one line (under an exclusive lock, flushed to disk before returning)."""
    path().parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "ab") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        f.flush()
        os.fsync(f.fileno())


def read() -> list[dict]:
    """Every entry, oldest first (a line that is not JSON, such as one cut short by a crash, is left out)."""
    try:
        lines = path().read_bytes().splitlines()
    except FileNotFoundError:
        return []
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def latest_by_path() -> dict[str, dict]:
    """Each landing path's newest entry."""
    return {entry["path"]: entry for entry in read()}
