"""A second region pack (tests/region_pack/: 青禾市, fictional) builds, renders every page and makes its
bulletin with no code change: only WUWEI_REGION_PACK says which pack is in use."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "tests" / "region_pack" / "reference"
LANDING = ROOT / "tests" / "region_pack" / "landing"


def pack_env(data: Path) -> dict[str, str]:
    return {**os.environ, "WUWEI_REGION_PACK": str(PACK), "WUWEI_DATA_DIR": str(data), "WUWEI_TODAY": "2026-12-02",
            "WUWEI_PII_SALT": "test-salt"}


def build_pack(data: Path) -> Path:
    """Build the pack's ledgers into `data` in a process of its own; the warehouse file."""
    shutil.copytree(LANDING, data / "landing")
    subprocess.run([sys.executable, "-m", "pipelines", "build"], cwd=ROOT, env=pack_env(data), check=True,
                   stdout=subprocess.DEVNULL)
    warehouse = data / "warehouse"
    return warehouse / (warehouse / "CURRENT").read_text(encoding="utf-8").strip()


@pytest.fixture(scope="module")
def pack_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("region-pack")
    build_pack(data)
    return data


@pytest.fixture(scope="module")
def pack_db(pack_data):
    warehouse = pack_data / "warehouse"
    with duckdb.connect(str(warehouse / (warehouse / "CURRENT").read_text().strip()), read_only=True) as con:
        yield con


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_every_hand_made_row_is_loaded(pack_db):
    by_ledger = {"compounds": "住宅小区物业管理台账", "committees": "业主委员会台账", "complaints": "12345",
                 "inspections": "双随机", "firms": "物业服务企业台账", "rectifications": "整改销号",
                 "credit_events": "信用信息"}
    for ledger, word in by_ledger.items():
        sent = sum(len(rows(p)) for p in LANDING.glob(f"*{word}*"))
        assert pack_db.execute(f"select count(*) from raw_{ledger}").fetchone()[0] == sent, ledger
    assert pack_db.execute("select count(*) from audit_quarantine").fetchone()[0] == 0


def test_the_scopes_are_the_packs(pack_db):
    expected = sorted((r["adcode"], r["name_zh"], r["name_en"], r["level"]) for r in rows(PACK / "counties.csv"))
    shown = pack_db.execute("select scope_code, name_zh, name_en, scope_level from core_scopes").fetchall()
    assert sorted(shown) == expected
    assert {r[0] for r in pack_db.execute("select adcode from ref_boundaries").fetchall()} == {e[0] for e in expected}


def test_names_are_matched_through_the_packs_county_variants(pack_db):
    """A work order naming its compound with the pack's county (or city and county) spellings in front finds it."""
    counties = rows(PACK / "counties.csv")
    city = [v for r in counties if r["level"] == "city" for v in r["variants"].split("|")]
    prefixes = {v for r in counties if r["level"] == "county" for v in r["variants"].split("|")}
    prefixes |= {c + p for c in city for p in prefixes}

    def key(name: str) -> str:
        name = name.replace(" ", "")
        name = name[max((len(p) for p in prefixes if name.startswith(p)), default=0):]
        return name.removesuffix("住宅小区").removesuffix("小区")

    compounds = {r["小区编码"]: key(r["小区名称"]) for p in LANDING.glob("*住宅小区*_2026-11.csv") for r in rows(p)}
    named = [(r["工单编号"], r["小区名称"]) for r in rows(next(LANDING.glob("*12345*"))) if not r["小区编码"]]
    expected = sorted((ticket, next(c for c, k in compounds.items() if k == key(name))) for ticket, name in named)
    assert len(expected) == 3
    assert pack_db.execute("select ticket_id, compound_id from core_complaints where match_method = 'name' "
                           "order by 1").fetchall() == expected


def test_a_resident_id_in_a_complaint_is_masked(pack_db):
    sent = {r["工单编号"]: r["诉求内容"] for r in rows(next(LANDING.glob("*12345*")))}
    assert all("110101199003074514" in text for text in sent.values())  # a valid ID number, by hand
    loaded = dict(pack_db.execute("select ticket_id, content from raw_complaints").fetchall())
    assert loaded == {t: text.replace("110101199003074514", "110101********4514").replace("，", ",")
                      for t, text in sent.items()}


def test_the_pending_platforms_are_the_packs(pack_db):
    import tomllib

    names = tomllib.loads((PACK / "region.toml").read_text(encoding="utf-8"))["names"]
    assert pack_db.execute("select inspection_id, pending_platforms from mart_inspection_uploads_pending").fetchall() \
        == [("QI01", names["platform_credit"][0])]  # uploaded to the supervision platform only (by hand)


def test_the_bulletin_is_the_packs(pack_data):
    """The build writes the latest month's bulletin with the pack's wording (its own templates)."""
    docx = pack_data / "reports" / "通报_2026-11.docx"
    assert docx.exists() and (pack_data / "reports" / "通报_2026-11.pdf").stat().st_size > 0
    text = "\n".join(p.text for p in Document(docx).paragraphs)
    assert "青禾市物业服务质量提升工作专班" in text and "武威" not in text
    for county in rows(PACK / "counties.csv")[1:]:
        assert county["name_zh"] in text


def test_every_page_renders_with_the_pack(pack_data):
    """tests/region_pack/pages.py in a process of its own, with the pack in use."""
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/region_pack/pages.py"],
                            cwd=ROOT, env=pack_env(pack_data), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout
