"""Where the data lives: one git-ignored folder, moved with WUWEI_DATA_DIR; and the region pack in use.

The region pack (the city's reference files: counties, towns, targets, rules, boundaries, playlists,
bulletin wording, region.toml) is warehouse/reference/ unless WUWEI_REGION_PACK names another folder.
It is chosen once, when the process starts: every reader of the pack takes its paths from here.

    <data>/landing/       ledger files as the counties send them (the build's input)
    <data>/warehouse/     versioned DuckDB files wuwei-<run_id>.duckdb, the CURRENT pointer, the
                          PREVIOUS pointer (the one CURRENT named before), build.lock, runs/*.json
    <data>/validation/    each build's validation results as JSON
    <data>/reports/       the bulletins (通报) as .docx and .pdf
    <data>/templates/     the ledger templates (.xlsx) the app offers, written by each build
    <data>/uploads/       the upload page's: staging/ (files being checked), versions/ (landing files an
                          upload replaced, kept), queue/ (rebuilds asked for), manifest.jsonl (who
                          uploaded which landing file, when, its sha256)

A build writes a new database file and then atomically replaces CURRENT (a one-line text file
naming it). Readers resolve CURRENT each time and key their cached connection on the resolved
path: DuckDB returns the old database if one process re-opens a path it already holds.
"""

from __future__ import annotations

import fcntl
import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(os.environ.get("WUWEI_REGION_PACK") or ROOT / "warehouse" / "reference").resolve()
with open(REFERENCE / "region.toml", "rb") as _region:
    REGION = tomllib.load(_region)
BOUNDARIES = REFERENCE / REGION["boundaries"]


def region_name(key: str) -> tuple[str, str]:
    """A name the region pack gives (Chinese, English): app_title, plan, platform_supervision, platform_credit."""
    zh, en = REGION["names"][key]
    return zh, en


def today() -> date:
    """The date the pipeline takes as today (files for a later month are refused): WUWEI_TODAY as
    YYYY-MM-DD when set, to replay a build as of another date (the after-the-plan test does), else
    the system date."""
    fixed = os.environ.get("WUWEI_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def data_dir() -> Path:
    return Path(os.environ.get("WUWEI_DATA_DIR", ROOT / "data")).resolve()


def landing_dir() -> Path:
    return data_dir() / "landing"


def warehouse_dir() -> Path:
    return data_dir() / "warehouse"


def validation_dir() -> Path:
    return data_dir() / "validation"


def reports_dir() -> Path:
    return data_dir() / "reports"


def templates_dir() -> Path:
    return data_dir() / "templates"


def uploads_dir() -> Path:
    return data_dir() / "uploads"


def template_path(ledger: str, scope: str) -> Path:
    """A ledger's template for a county (or, under the city's adcode, for the whole city), as the build writes it."""
    return templates_dir() / f"{ledger}_{scope}.xlsx"


def pointer_file() -> Path:
    return warehouse_dir() / "CURRENT"


def previous_pointer_file() -> Path:
    return warehouse_dir() / "PREVIOUS"


def lock_file() -> Path:
    return warehouse_dir() / "build.lock"


def _named_by(pointer: Path) -> Path | None:
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = warehouse_dir() / name
    return path if name and path.exists() else None


def current_database() -> Path | None:
    """The database file CURRENT names, or None before the first successful build."""
    return _named_by(pointer_file())


def previous_database() -> Path | None:
    """The database that was current before the current one: clean-up keeps it, to go back to."""
    return _named_by(previous_pointer_file())


def _write_pointer(pointer: Path, name: str) -> None:
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, pointer)


MEMORY_LIMIT = "2GB"
THREADS = 2


def locked_config() -> dict:
    """How readers (the app, the bulletin) open the warehouse: read-only, no files, no network, no
    extensions, settings locked."""
    return {
        "access_mode": "READ_ONLY",
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": MEMORY_LIMIT,
        "threads": THREADS,
        "lock_configuration": True,
    }


def publish(database: Path) -> None:
    """Make `database` the current warehouse, atomically, and remember the one it replaces."""
    current = current_database()
    if current is not None and current != database:
        _write_pointer(previous_pointer_file(), current.name)
    _write_pointer(pointer_file(), database.name)


class BuildLocked(RuntimeError):
    """Another build holds the lock."""


@contextmanager
def build_lock(wait: bool = False) -> Iterator[None]:
    """One build at a time per data folder: a flock on <warehouse>/build.lock, refused at once
    (BuildLocked) unless `wait`.

    The kernel drops the lock when its holder dies, even by SIGKILL, so a killed build never
    blocks the next one. The holder's pid and start time are in the file, for the message.
    """
    warehouse_dir().mkdir(parents=True, exist_ok=True)
    with open(lock_file(), "a+", encoding="utf-8") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "pid ?"
            raise BuildLocked(f"另一次构建正在进行（{holder}），请等它结束后再试 | Another build is running "
                              f"({holder}) on {data_dir()}: wait for it to finish, then try again") from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}, started at {datetime.now(UTC).isoformat(timespec='seconds')}\n")
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)
