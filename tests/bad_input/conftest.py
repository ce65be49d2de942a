"""A warehouse built from the golden fixture plus the bad-input corpus, with 民勤县's latest compounds
file broken. It is built twice into one data folder, the golden fixture alone first, so that the
validation history holds two builds."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from tests.bad_input.corpus import CASES, MINQIN_LATEST
from tests.conftest import GOLDEN_LANDING, build_into, open_warehouse


def drop_column(path: Path, header: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = rows[0].index(header)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(row[:i] + row[i + 1:] for row in rows)
    path.write_text(text.getvalue(), encoding="utf-8")


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    data = tmp_path_factory.mktemp("corpus-data")
    landing = data / "landing"
    shutil.copytree(GOLDEN_LANDING, landing)
    try:
        build_into(data, landing, mp.setenv)
        for case in CASES:
            (landing / case.path).write_bytes(case.content)
        drop_column(landing / MINQIN_LATEST, "总户数")
        return build_into(data, landing, mp.setenv)
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def corpus(corpus_db):
    with open_warehouse(corpus_db) as con:
        yield con


@pytest.fixture
def corpus_app_env(corpus_db, monkeypatch):
    monkeypatch.setenv("WUWEI_DATA_DIR", str(corpus_db.parent.parent))
