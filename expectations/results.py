"""Validation results: one row per rule, ledger and county (audit_validation); each build's saved
as one JSON file in the validation folder, and all of them gathered (audit_validation_history)
so that the quality page can show pass rates over time.

element_count counts what the rule looked at in that county: rows (files for file rules);
unexpected_count the rows (files) that failed it; unexpected_sample a few of them as JSON, with
phone and ID numbers masked.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import polars as pl

from contract.ledgers import LEDGERS
from contract.location import validation_dir
from expectations.rules import Rule
from readers.normalise import mask_personal_text

RESULTS_SCHEMA = {
    "suite": pl.String, "ledger": pl.String, "county_code": pl.String, "rule": pl.String,
    "expectation": pl.String, "column": pl.String, "severity": pl.String, "engine": pl.String,
    "description": pl.String, "description_en": pl.String, "success": pl.Boolean,
    "element_count": pl.Int64, "unexpected_count": pl.Int64, "unexpected_sample": pl.String,
}
HISTORY_SCHEMA = {"validated_at": pl.Datetime("us", "UTC"), **RESULTS_SCHEMA}
SAMPLE_SIZE = 5


def _rules_frame(catalogue: list[Rule]) -> pl.DataFrame:
    return pl.DataFrame({
        "rule_id": list(range(len(catalogue))),
        "suite": [r.ledger for r in catalogue],
        "ledger": [r.ledger if r.ledger in LEDGERS else None for r in catalogue],
        "rule": [r.name for r in catalogue],
        "expectation": [r.expectation_type for r in catalogue],
        "column": [r.column for r in catalogue],
        "severity": [r.severity for r in catalogue],
        "engine": [r.engine for r in catalogue],
        "description": [r.zh for r in catalogue],
        "description_en": [r.en for r in catalogue],
    }, schema_overrides={"rule_id": pl.Int32, "ledger": pl.String, "column": pl.String})


def _sample(items: pl.Expr) -> pl.Expr:
    """The first few failures (a struct per failure) as a JSON list."""
    return pl.lit("[") + items.struct.json_encode().head(SAMPLE_SIZE).str.join(",") + pl.lit("]")


def table(catalogue: list[Rule], looked_at: pl.DataFrame, failed: pl.DataFrame, files: pl.DataFrame) -> pl.DataFrame:
    """RESULTS_SCHEMA rows.

    looked_at: rule_id, county_code, element_count (the rows each rule looked at in each county);
    failed: rule_id, county_code, unexpected_count and sample (the first failures, in file and row
    order: a list of {file, row, value}); files: the reader's outcome per file (suite, county_code,
    path, rejected, reject_rule).
    """
    items = (failed.select("rule_id", "county_code", "sample").explode("sample").unnest("sample")
             .drop_nulls("file"))
    samples = (items.with_columns(value=mask_personal_text(items["value"]))
               .group_by("rule_id", "county_code", maintain_order=True)
               .agg(unexpected_sample=_sample(pl.struct("file", "row", "value"))))
    failed = failed.drop("sample").join(samples, on=["rule_id", "county_code"], how="left", nulls_equal=True)
    rows = looked_at.join(failed, on=["rule_id", "county_code"], how="left", nulls_equal=True)
    return _finish(pl.concat([rows, _file_rows(catalogue, files)], how="diagonal_relaxed"), catalogue)


def _file_rows(catalogue: list[Rule], files: pl.DataFrame) -> pl.DataFrame:
    ids = pl.DataFrame({"suite": [r.ledger for r in catalogue], "rule_id": list(range(len(catalogue)))},
                       schema={"suite": pl.String, "rule_id": pl.Int32}).filter(
        pl.Series([r.engine == "file" for r in catalogue]))
    return (files.group_by("suite", "county_code", maintain_order=True)
            .agg(element_count=pl.len(), unexpected_count=pl.col("rejected").sum(),
                 unexpected_sample=_sample(pl.struct(file="path", rule="reject_rule").filter("rejected")))
            .join(ids, on="suite").drop("suite"))


def _finish(rows: pl.DataFrame, catalogue: list[Rule]) -> pl.DataFrame:
    return (rows.with_columns(unexpected_count=pl.col("unexpected_count").fill_null(0))
            .join(_rules_frame(catalogue), on="rule_id")
            .with_columns(success=pl.col("unexpected_count") == 0,
                          unexpected_sample=pl.when(pl.col("unexpected_count") > 0).then("unexpected_sample"))
            .sort("rule_id", "county_code", nulls_last=True)
            .select(list(RESULTS_SCHEMA)).cast(RESULTS_SCHEMA))


# --------------------------------------------------------------------------- kept over builds

def _path(validated_at: datetime, folder: Path) -> Path:
    return folder / f"validation-{validated_at:%Y%m%dT%H%M%S%fZ}.json"


def save(results: pl.DataFrame, validated_at: datetime, folder: Path | None = None) -> Path:
    """Write one build's results as JSON (atomically: a reader never sees half a file)."""
    folder = folder or validation_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = _path(validated_at, folder)
    draft = path.with_suffix(".tmp")
    draft.write_text(json.dumps({"validated_at": validated_at.isoformat(), "results": results.to_dicts()},
                                ensure_ascii=False), encoding="utf-8")
    os.replace(draft, path)
    return path


def history(current: pl.DataFrame, validated_at: datetime, folder: Path | None = None) -> pl.DataFrame:
    """HISTORY_SCHEMA: every earlier build's saved results, and this build's."""
    folder = folder or validation_dir()
    builds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("validation-*.json"))
              if p != _path(validated_at, folder)]
    earlier = [pl.from_dicts(build["results"], schema=RESULTS_SCHEMA)
               .with_columns(validated_at=pl.lit(datetime.fromisoformat(build["validated_at"])))
               for build in builds if build["results"]]
    now = current.with_columns(validated_at=pl.lit(validated_at))
    return pl.concat([*earlier, now], how="diagonal_relaxed").select(list(HISTORY_SCHEMA)).cast(HISTORY_SCHEMA)
