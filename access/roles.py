"""The five roles and what each may do. The dashboard enforces them in its query layer and page registry."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from contract.location import REFERENCE

# What a role may do: open the desk pages, run the SQL console, download, administer, show meeting mode,
# upload ledger files (a county officer its own county's, an administrator any county's).
DESK, CONSOLE, DOWNLOAD, ADMIN, MEETING, UPLOAD = "desk", "console", "download", "admin", "meeting", "upload"


@dataclass(frozen=True)
class Role:
    code: str
    zh: str
    en: str
    permissions: frozenset[str]
    county_bound: bool = False  # sees record-level rows of its own county only


ROLES: dict[str, Role] = {r.code: r for r in (
    Role("admin", "管理员", "Administrator", frozenset({DESK, CONSOLE, DOWNLOAD, ADMIN, MEETING, UPLOAD})),
    Role("leader", "领导", "Leader", frozenset({DESK, DOWNLOAD, MEETING})),
    Role("analyst", "分析员", "Analyst", frozenset({DESK, CONSOLE, DOWNLOAD, MEETING})),
    Role("county", "县区填报员", "County officer", frozenset({DESK, DOWNLOAD, MEETING, UPLOAD}), county_bound=True),
    Role("display", "会议屏", "Meeting display", frozenset({MEETING})),
)}


def _rows() -> list[dict]:
    with open(REFERENCE / "counties.csv", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["level"] == "county"]


@cache
def counties() -> dict[str, tuple[str, str]]:
    """The region's counties, adcode -> (Chinese, English name), from the region pack."""
    return {r["adcode"]: (r["name_zh"], r["name_en"]) for r in _rows()}


@cache
def _names() -> dict[str, str]:
    return {name: r["adcode"] for r in _rows()
            for name in (r["adcode"], r["name_zh"], r["name_en"], *r["variants"].split("|")) if name}


def county_code(text: str | None) -> str | None:
    """A county named by its adcode, its name or a variant (counties.csv), as an adcode (None if none)."""
    return _names().get((text or "").strip())


def check(role: str, county: str | None) -> tuple[str, str | None]:
    """(role, county) when they go together: a county officer has one county, no other role has one."""
    if role not in ROLES:
        raise ValueError(f"没有这个角色：{role} | No such role: {role} (one of {', '.join(ROLES)})")
    if not ROLES[role].county_bound:
        return role, None
    code = county_code(county)
    if code is None:
        raise ValueError(f"县区填报员须指定一个县区：{county or '（空）'} | A county officer needs one county "
                         f"(adcode or name: {', '.join(counties())}), got {county or 'none'}")
    return role, code
