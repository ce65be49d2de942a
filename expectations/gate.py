"""The quality gate between the readers and the warehouse: keep, quarantine or reject.

Every data row a reader read ends in exactly one place: the ledger's rows to load, or the
quarantine with the rule it broke. A file that cannot be used at all is rejected whole, with
its message; the warehouse then keeps that ledger's earlier files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import polars as pl

from pipelines.ledgers import LEDGERS
from pipelines.read import SourceFile

QUARANTINE_SCHEMA = {
    "ledger": pl.String, "_file": pl.String, "_row": pl.Int32, "rule": pl.String, "severity": pl.String,
    "column": pl.String, "message": pl.String, "original": pl.String,
}
RESULTS_SCHEMA = {
    "suite": pl.String, "_file": pl.String, "expectation": pl.String, "column": pl.String,
    "severity": pl.String, "description": pl.String, "success": pl.Boolean, "element_count": pl.Int64,
    "unexpected_count": pl.Int64, "unexpected_sample": pl.String,
}


@dataclass
class GateResult:
    loaded: dict[str, pl.DataFrame]  # ledger -> rows to load: canonical columns + _file, _row, _warnings
    quarantine: pl.DataFrame         # QUARANTINE_SCHEMA
    files: pl.DataFrame              # one row per source file, with its outcome
    results: pl.DataFrame            # RESULTS_SCHEMA


def _file_record(src: SourceFile, loaded: int, quarantined: int) -> dict:
    return {
        "path": src.path, "sha256": src.sha256, "ledger": src.ledger, "month": src.month,
        "county_code": src.county, "rows_read": src.rows_read, "rows_loaded": loaded,
        "rows_quarantined": quarantined, "skipped": json.dumps(src.skipped, ensure_ascii=False),
        "status": "rejected" if src.rejected else "loaded", "reject_rule": src.reject_rule,
        "message": src.rejected, "unmapped_headers": json.dumps(src.unmapped_headers, ensure_ascii=False),
    }


def _required_missing(frame: pl.DataFrame, ledger_name: str) -> pl.Expr:
    """Per row: the first required column that is empty, or null when none is."""
    required = [c.name for c in LEDGERS[ledger_name].columns if c.required]
    return pl.coalesce([pl.when(pl.col(c).is_null()).then(pl.lit(c)) for c in required])


def check(sources: list[SourceFile]) -> GateResult:
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in LEDGERS}
    quarantined: list[pl.DataFrame] = []
    files = []
    for src in sources:
        if src.rejected or src.frame is None:
            files.append(_file_record(src, 0, 0))
            continue
        frame = src.frame.with_columns(
            _file=pl.lit(src.path), _missing=_required_missing(src.frame, src.ledger))
        bad = frame.filter(pl.col("_missing").is_not_null())
        good = frame.filter(pl.col("_missing").is_null())
        if bad.height:
            quarantined.append(bad.select(
                ledger=pl.lit(src.ledger), _file="_file", _row="_row", rule=pl.lit("required"),
                severity=pl.lit("error"), column="_missing",
                message=pl.format("必填列“{}”为空或无法识别 | Required column {} is empty or unreadable",
                                  "_missing", "_missing"),
                original="_original"))
        parts[src.ledger].append(good.drop("_missing", "_original").rename({"_issues": "_warnings"}))
        files.append(_file_record(src, good.height, bad.height))
    loaded = {name: pl.concat(frames, how="vertical_relaxed") for name, frames in parts.items() if frames}
    quarantine = (pl.concat(quarantined) if quarantined else pl.DataFrame(schema=QUARANTINE_SCHEMA))
    return GateResult(loaded, quarantine.cast(QUARANTINE_SCHEMA), pl.DataFrame(files, infer_schema_length=None),
                      pl.DataFrame(schema=RESULTS_SCHEMA))
