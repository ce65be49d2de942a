"""The audit trail: <data>/audit/audit.jsonl, one JSON object a line, only ever appended to.

Each entry says who (actor and role), when (UTC), from where (IP address, or the command line), what
happened (event) and to what (what). Rebuilds never touch the file. Each line carries the SHA-256 of
the line before it, so an edited, inserted or deleted line breaks the chain from there on (verify()).
No password, token or cookie is ever written here.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from contract import location

EVENTS = (
    "signin", "signin_failed", "account_locked", "signout", "session_expired",
    "account_created", "role_changed", "password_changed", "account_disabled", "account_enabled",
    "account_unlocked", "sql_query", "download", "rebuild", "refused", "upload",
)
GENESIS = "0" * 64


def folder() -> Path:
    return location.data_dir() / "audit"


def path() -> Path:
    return folder() / "audit.jsonl"


def cli_actor() -> str:
    """Who runs a command: the app user who asked for it (WUWEI_ACTOR, set by the app), else the login name."""
    return os.environ.get("WUWEI_ACTOR") or f"cli:{getpass.getuser()}"


def cli_ip() -> str | None:
    """The address of the app user who asked for a command (WUWEI_ACTOR_IP), if any."""
    return os.environ.get("WUWEI_ACTOR_IP") or None


def _last_line(f) -> bytes:
    pos = f.seek(0, os.SEEK_END)
    tail = b""
    while pos > 0:
        step = min(8192, pos)
        pos -= step
        f.seek(pos)
        tail = f.read(step) + tail
        cut = tail.rstrip(b"\n").rfind(b"\n")
        if cut >= 0:
            return tail[cut + 1:].rstrip(b"\n")
    return tail.rstrip(b"\n")


def _seq(line: bytes) -> int:
    try:
        return int(json.loads(line)["seq"])
    except (ValueError, KeyError, TypeError):
        return 0  # a line that is not ours: verify() names it; the trail goes on after it


def record(event: str, actor: str, *, role: str | None = None, ip: str | None = None, **what) -> dict:
    """Append one entry (under an exclusive lock, flushed to disk before returning)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    folder().mkdir(parents=True, exist_ok=True)
    os.chmod(folder(), 0o700)
    fd = os.open(path(), os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        last = _last_line(f)
        entry = {
            "seq": _seq(last) + 1 if last else 1,
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "event": event, "actor": actor, "role": role, "ip": ip, "what": what,
            "prev": hashlib.sha256(last).hexdigest() if last else GENESIS,
        }
        f.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str).encode() + b"\n")
        f.flush()
        os.fsync(f.fileno())
    return entry


def _lines() -> list[bytes]:
    try:
        return path().read_bytes().splitlines()
    except FileNotFoundError:
        return []


def read() -> list[dict]:
    """Every entry, oldest first (a line that is not valid JSON is left out: verify() reports it)."""
    entries = []
    for line in _lines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def verify() -> tuple[int, str | None]:
    """(entries, the first problem or None): each line must be JSON, numbered one after the one before,
    and carry the SHA-256 of the line before it."""
    previous = None
    for number, line in enumerate(_lines(), start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            return number - 1, f"第 {number} 行不是有效记录 | line {number} is not a valid entry"
        want = hashlib.sha256(previous).hexdigest() if previous is not None else GENESIS
        if entry.get("prev") != want or entry.get("seq") != number:
            return number - 1, (f"第 {number} 行与前一行不衔接（被修改、插入或删除） | line {number} does not follow "
                                f"the line before it (edited, inserted or deleted)")
        previous = line
    return (0 if previous is None else number), None
