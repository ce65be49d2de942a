"""Shared fixtures: warehouses built from the golden fixture (and, for the app, the demo city)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_LANDING = Path(__file__).parent / "golden" / "landing"


def approx(value, rel=1e-5, abs=1e-6):
    return pytest.approx(value, rel=rel, abs=abs)


def build_into(data_dir: Path, landing: Path, monkeypatch_env) -> Path:
    """Build a warehouse from `landing` inside `data_dir`; returns the database path."""
    from pipelines.build import build

    monkeypatch_env("WUWEI_DATA_DIR", str(data_dir))
    monkeypatch_env("WUWEI_PII_SALT", "test-salt")
    return build(landing).database


@pytest.fixture(scope="session")
def golden_db(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    data = tmp_path_factory.mktemp("golden-data")
    landing = data / "landing"
    shutil.copytree(GOLDEN_LANDING, landing)
    try:
        return build_into(data, landing, mp.setenv)
    finally:
        mp.undo()


def open_warehouse(database: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection with the app's own settings: DuckDB refuses a second connection to a
    file with different ones, and AppTest runs the app in the test's process."""
    from dashboard.queries import locked_config

    return duckdb.connect(str(database), read_only=True, config=locked_config())


@pytest.fixture(scope="session")
def golden(golden_db):
    with open_warehouse(golden_db) as con:
        yield con


@pytest.fixture
def golden_app_env(golden_db, monkeypatch):
    """Point the app at the golden warehouse."""
    monkeypatch.setenv("WUWEI_DATA_DIR", str(golden_db.parent.parent))


@pytest.fixture(scope="module")
def golden_app_env_module(golden_db):
    """Point the app at the golden warehouse for a whole test module, so a page can run once per module
    and several tests read what it shows."""
    mp = pytest.MonkeyPatch()
    mp.setenv("WUWEI_DATA_DIR", str(golden_db.parent.parent))
    yield
    mp.undo()


@pytest.fixture
def as_analyst():
    """Run the test's own calls into the dashboard (queries, the SQL console) as a signed-in analyst would;
    the app's runs have their own session (tests/apptest.py)."""
    from access.sessions import Session
    from dashboard import auth

    with auth.acting_as(Session("tests", "test-analyst", "测试分析员", "analyst", None, "password")):
        yield


def build_demo(data: Path, through: str, today: str | None = None) -> Path:
    """Generate and build the demo city through `through` (YYYY-MM) into `data`; `today` replays the build
    as of that date."""
    env = {**os.environ, "WUWEI_DATA_DIR": str(data), **({"WUWEI_TODAY": today} if today else {})}
    subprocess.run([sys.executable, "-m", "pipelines", "demo", "--through", through], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return data


def demo_warehouse(data: Path, through: str, today: str | None = None):
    """build_demo, then the app pointed at it and a read-only connection to its warehouse."""
    yield from pointed_at(build_demo(data, through, today))


DEMO_CITY_THROUGH = "2026-11"


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory) -> Path:
    """The data folder of the demo city through DEMO_CITY_THROUGH, built once for the modules that only read it."""
    return build_demo(tmp_path_factory.mktemp("demo-city"), DEMO_CITY_THROUGH)


def pointed_at(data: Path):
    """Point the app at the warehouse in `data` and yield a read-only connection to it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("WUWEI_DATA_DIR", str(data))
    warehouse = data / "warehouse"
    try:
        with open_warehouse(warehouse / (warehouse / "CURRENT").read_text(encoding="utf-8").strip()) as con:
            yield con
    finally:
        mp.undo()
