"""Decisions over several files at once, taken before the rules look at the rows: the same file sent
twice, and a correction (更正版) replacing the file it corrects. Each one is reported: the file set
aside is rejected with a message naming the file that is loaded instead, so its rows are counted
once, as rejected, never twice as loaded.

- duplicate_file: a file with the same bytes (sha256) as a file earlier in path order, and for a
  snapshot ledger (compounds, committees) the same county and month: an unchanged snapshot sent
  again for the next month is that month's snapshot, not a duplicate.
- superseded: a file of the same ledger, county and reporting month as a correction
  (a file name or title with 更正, 修正, 更新版 or 勘误, such as "…_2024-10_更正版.xlsx"), which is not
  itself a correction. Of several corrections, all are read (the warehouse's own rule, the file sorted
  last wins, then decides between them).
"""

from __future__ import annotations

import re

from contract.ledgers import LEDGERS
from readers.read import SourceFile, reject

CORRECTION = re.compile(r"更正|修正|更新版|勘误")


def is_correction(src: SourceFile) -> bool:
    return CORRECTION.search(src.path.rsplit("/", 1)[-1]) is not None or CORRECTION.search(src.title) is not None


def decide(sources: list[SourceFile]) -> None:
    """Reject (in place) the duplicates and the files superseded by a correction."""
    first_with: dict[tuple, str] = {}
    for src in sources:
        if src.rejected is not None and src.reject_rule in ("incomplete", "file_type"):
            continue  # not read: its bytes say nothing
        snapshot = src.ledger in LEDGERS and LEDGERS[src.ledger].snapshot
        same = (src.sha256, src.county, src.month) if snapshot else (src.sha256,)
        earlier = first_with.setdefault(same, src.path)
        if earlier != src.path and src.rejected is None:
            reject(src, "duplicate_file", f"与文件 {earlier} 内容完全相同（重复报送），只装入一次",
                   f"the same content as {earlier} (sent twice): loaded once")

    def group(src: SourceFile) -> tuple:
        return src.ledger, src.county, src.month

    corrections: dict[tuple, list[str]] = {}
    for src in sources:
        if src.rejected is None and src.ledger and src.month and is_correction(src):
            corrections.setdefault(group(src), []).append(src.path)
    for src in sources:
        by = corrections.get(group(src))
        if by and src.rejected is None and not is_correction(src):
            named = "、".join(by)
            reject(src, "superseded", f"已被更正版 {named} 取代（同一台账、县区和月份），本文件的行不装入",
                   f"replaced by the correction {', '.join(by)} (same ledger, county and month): "
                   "its rows are not loaded")
