"""Where the data lives: one git-ignored folder, moved with WUWEI_DATA_DIR.

    <data>/landing/       ledger files as the counties send them (the build's input)
    <data>/warehouse/     versioned DuckDB files wuwei-<run_id>.duckdb, the CURRENT pointer, the
                          PREVIOUS pointer (the one CURRENT named before), build.lock, runs/*.json
    <data>/validation/    each build's validation results as JSON

A build writes a new database file and then atomically replaces CURRENT (a one-line text file
naming it). Readers resolve CURRENT each time and key their cached connection on the resolved
path: DuckDB returns the old database if one process re-opens a path it already holds.
"""

from __future__ import annotations

import os
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


def publish(database: Path) -> None:
    """Make `database` the current warehouse, atomically, and remember the one it replaces."""
    current = current_database()
    if current is not None and current != database:
        _write_pointer(previous_pointer_file(), current.name)
    _write_pointer(pointer_file(), database.name)
