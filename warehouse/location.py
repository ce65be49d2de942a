"""Where the data lives: one git-ignored folder, moved with WUWEI_DATA_DIR.

    <data>/landing/       ledger files as the counties send them (the build's input)
    <data>/warehouse/     versioned DuckDB files wuwei-<run_id>.duckdb and the CURRENT pointer
    <data>/validation/    each build's validation results as JSON
    <data>/reports/       the bulletins (通报) as .docx and .pdf

A build writes a new database file and then atomically replaces CURRENT (a one-line text file
naming it). Readers resolve CURRENT each time and key their cached connection on the resolved
path: DuckDB returns the old database if one process re-opens a path it already holds.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).resolve().parent / "reference"
MODELS = Path(__file__).resolve().parent / "models"


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


def pointer_file() -> Path:
    return warehouse_dir() / "CURRENT"


def current_database() -> Path | None:
    """The database file CURRENT names, or None before the first successful build."""
    try:
        name = pointer_file().read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = warehouse_dir() / name
    return path if name and path.exists() else None


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
    """Make `database` the current warehouse, atomically."""
    tmp = pointer_file().with_suffix(".tmp")
    tmp.write_text(database.name + "\n", encoding="utf-8")
    os.replace(tmp, pointer_file())


class BuildLocked(RuntimeError):
    """Another build holds the data folder's build lock."""


@contextmanager
def build_lock() -> Iterator[None]:
    """One build at a time per data folder: an exclusive lock on <data>/warehouse/.build.lock,
    released by the operating system even when the build is killed."""
    warehouse_dir().mkdir(parents=True, exist_ok=True)
    with open(warehouse_dir() / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(f"另一次构建正在进行，请等它结束后再试 | Another build is running on {data_dir()}: "
                              "wait for it to finish, then try again") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
