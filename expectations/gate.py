"""The quality gate between the readers and the warehouse: keep, quarantine or reject.

Every data row a reader read ends in exactly one place: the ledger's rows to load (with the
warning rules it failed listed in `_warnings`), the quarantine (with the error rules it failed),
or a rejected file (a critical rule: the whole file is unusable, and the warehouse keeps that
ledger's other files). `check` raises if a file's rows do not add up.

Before the rules, the decisions over several files (expectations/files.py): a file sent twice and
an original replaced by its correction are rejected, naming the file loaded instead.

The rules are the suites of expectations/suites.py. The GX rules, the reader's cell issues and the
Polars rules run over each ledger's rows, all its files at once; rows failing an error rule are
quarantined; then the reference rules run over the rows kept, against the other ledgers' rows kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import polars as pl

from expectations import files as file_decisions
from expectations import results, row_checks
from expectations.rules import ERROR, UNIDENTIFIED, WARNING, Rule
from pipelines.read import SourceFile

QUARANTINE_SCHEMA = {
    "ledger": pl.String, "_file": pl.String, "_row": pl.Int32, "county_code": pl.String, "rule": pl.String,
    "severity": pl.String, "column": pl.String, "message": pl.String, "original": pl.String,
}
RESULTS_SCHEMA = results.RESULTS_SCHEMA
FILES_SCHEMA = {
    "path": pl.String, "sha256": pl.String, "ledger": pl.String, "month": pl.Date, "county_code": pl.String,
    "rows_read": pl.Int64, "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64, "rows_rejected": pl.Int64,
    "rows_warned": pl.Int64, "skipped": pl.String, "status": pl.String, "reject_rule": pl.String,
    "message": pl.String, "unmapped_headers": pl.String,
}
ROW_KEY = ["_file", "_row"]
COUNTY_COLUMNS = ("county", "registered_county")  # a row's own county comes before its file's


@dataclass
class GateResult:
    loaded: dict[str, pl.DataFrame]  # ledger -> rows to load: canonical columns + _row, _file, _warnings
    quarantine: pl.DataFrame         # QUARANTINE_SCHEMA
    files: pl.DataFrame              # one row per source file, with its outcome
    results: pl.DataFrame            # RESULTS_SCHEMA
    validated_at: datetime           # names this build's results among the saved ones


class RowsNotConserved(RuntimeError):
    """A file's rows read differ from its rows loaded + quarantined + rejected: a bug in the gate."""


def check(sources: list[SourceFile], today: date | None = None) -> GateResult:
    from expectations import run_gx, suites  # Great Expectations takes seconds to import: only when checking

    validated_at = datetime.now(UTC)
    catalogue = suites.catalogue(today or date.today())
    file_decisions.decide(sources)
    frames = _ledger_frames([src for src in sources if src.frame is not None and src.rejected is None])

    outcome = run_gx.validate(frames, catalogue)
    rejections = _critical_rejections(frames, outcome.failed_whole, catalogue)
    rejected_ledgers = {catalogue[i].ledger for i in outcome.failed_whole}
    usable = {ledger: frame for ledger, frame in frames.items() if ledger not in rejected_ledgers}
    found = _describe(pl.concat([outcome.failures, *_polars_failures(frames, catalogue)]), frames, catalogue)
    errors = found.filter((pl.col("severity") == ERROR) & pl.col("ledger").is_in(list(usable)))
    kept = {ledger: _without(frame, errors.filter(pl.col("ledger") == ledger)) for ledger, frame in usable.items()}
    referenced, reference_ids = row_checks.references(kept, catalogue)
    failures = pl.concat([found, _describe(referenced, frames, catalogue)])

    quarantine = _quarantine(errors, usable)
    loaded = {ledger: _with_warnings(frame, failures) for ledger, frame in kept.items()}
    files = _file_records(sources, rejections, loaded, quarantine)
    _check_rows_conserved(files)
    evaluated = [(_row_rule_ids(ledger, catalogue), frame) for ledger, frame in frames.items()]
    evaluated += [([i], kept[catalogue[i].ledger]) for i in reference_ids]
    table = results.table(catalogue, evaluated, failures, _reader_outcomes(sources))
    return GateResult(loaded, quarantine, files, table, validated_at)


def _ledger_frames(sources: list[SourceFile]) -> dict[str, pl.DataFrame]:
    """ledger -> the rows of all its files, with _file, _county (the row's county, else the file's) and
    _file_county (the file's).

    The files' frames are moved, not copied: each SourceFile's frame is set to None once its rows
    are in the ledger's frame, so a province's rows are held once (the build's peak memory)."""
    by_ledger: dict[str, list[SourceFile]] = {}
    for src in sources:
        by_ledger.setdefault(src.ledger, []).append(src)
    frames = {}
    for ledger, files in by_ledger.items():
        parts = []
        for src in files:
            own = [pl.col(c) for c in COUNTY_COLUMNS if c in src.frame.columns]
            parts.append(src.frame.with_columns(
                _file=pl.lit(src.path), _county=pl.coalesce(*own, pl.lit(src.county, pl.String)),
                _file_county=pl.lit(src.county, pl.String)))
            src.frame = None
        frames[ledger] = pl.concat(parts, how="vertical_relaxed")
    return frames


def _without(frame: pl.DataFrame, errors: pl.DataFrame) -> pl.DataFrame:
    return frame.join(errors.select(ROW_KEY), on=ROW_KEY, how="anti") if errors.height else frame


def _polars_failures(frames: dict[str, pl.DataFrame], catalogue: list[Rule]) -> list[pl.DataFrame]:
    """The reader's cell issues and the Polars rules (other than references), per ledger."""
    return [*(row_checks.reader_issues(frame, ledger, catalogue) for ledger, frame in frames.items()),
            *(row_checks.run(frame, ledger, catalogue) for ledger, frame in frames.items())]


def _row_rule_ids(ledger: str, catalogue: list[Rule]) -> list[int]:
    """The ledger's rules that look at all its rows (not the file rule, not the references)."""
    return [i for i, rule in enumerate(catalogue)
            if rule.ledger == ledger and rule.engine != "file" and rule.references is None]


def _describe(failures: pl.DataFrame, frames: dict[str, pl.DataFrame], catalogue: list[Rule]) -> pl.DataFrame:
    """Failures with their rule's ledger, name, column and severity, their message and the row's county."""
    def of_rule(values: list) -> pl.Expr:
        return pl.col("rule_id").replace_strict(dict(enumerate(values)), return_dtype=pl.String)

    counties = pl.concat([frame.select(*ROW_KEY, "_county") for frame in frames.values()]) if frames else \
        pl.DataFrame(schema={"_file": pl.String, "_row": pl.Int32, "_county": pl.String})
    zh = of_rule([rule.zh for rule in catalogue])
    en = of_rule([rule.en for rule in catalogue])
    return failures.join(counties, on=ROW_KEY, how="left").with_columns(
        ledger=of_rule([rule.ledger for rule in catalogue]),
        rule=of_rule([rule.name for rule in catalogue]),
        column=of_rule([rule.column for rule in catalogue]),
        severity=of_rule([rule.severity for rule in catalogue]),
        message_zh=pl.when(pl.col("note_zh").is_null()).then(zh).otherwise(zh + "：" + pl.col("note_zh")),
        message_en=pl.when(pl.col("note_en").is_null()).then(en).otherwise(en + ": " + pl.col("note_en")),
    )


def _critical_rejections(frames: dict[str, pl.DataFrame], failed_whole: set[int],
                         catalogue: list[Rule]) -> dict[str, tuple[str, str]]:
    """path -> (rule, message) for every file of a ledger that failed a critical rule as a whole."""
    rejections = {}
    for rule_id in sorted(failed_whole, reverse=True):  # the ledger's first failing rule wins
        rule = catalogue[rule_id]
        for path in frames[rule.ledger]["_file"].unique(maintain_order=True).to_list():
            rejections[path] = (rule.name, f"文件 {path}：{rule.zh}，未通过，整份文件拒收／"
                                           f"File {path}: {rule.en}; it does not, so the whole file is rejected")
    return rejections


def _quarantine(errors: pl.DataFrame, usable: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """One row per quarantined row: its first error rule (in suite order) and every error's message."""
    if errors.height == 0:
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    originals = pl.concat([frame.select(*ROW_KEY, "_original") for frame in usable.values()])
    per_row = (errors.sort("rule_id").group_by(ROW_KEY, maintain_order=True)
               .agg(pl.col("ledger", "_county", "rule", "severity", "column").first(),
                    message=pl.col("message_zh").str.join("；") + " | " + pl.col("message_en").str.join("; ")))
    return (per_row.join(originals, on=ROW_KEY, how="left")
            .rename({"_county": "county_code", "_original": "original"})
            .sort(ROW_KEY).select(list(QUARANTINE_SCHEMA)).cast(QUARANTINE_SCHEMA))


def _with_warnings(frame: pl.DataFrame, failures: pl.DataFrame) -> pl.DataFrame:
    warnings = (failures.filter(pl.col("severity") == WARNING).sort("rule_id")
                .group_by(ROW_KEY).agg(_warnings=(pl.col("column") + ":" + pl.col("rule")).unique(maintain_order=True)))
    return (frame.join(warnings, on=ROW_KEY, how="left", maintain_order="left")
            .with_columns(pl.col("_warnings").fill_null(pl.lit([], pl.List(pl.String))))
            .drop("_original", "_issues", "_county", "_file_county"))


def _count_by_file(frames: list[pl.DataFrame]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for frame in frames:
        for path, n in frame.group_by("_file").len().iter_rows():
            counts[path] = counts.get(path, 0) + n
    return counts


def _file_records(sources: list[SourceFile], rejections: dict[str, tuple[str, str]],
                  loaded: dict[str, pl.DataFrame], quarantine: pl.DataFrame) -> pl.DataFrame:
    rows_loaded = _count_by_file(list(loaded.values()))
    rows_quarantined = _count_by_file([quarantine])
    rows_warned = _count_by_file([frame.filter(pl.col("_warnings").list.len() > 0) for frame in loaded.values()])
    records = []
    for src in sources:
        reject_rule, message = rejections.get(src.path, (src.reject_rule, src.rejected))
        rejected = message is not None
        records.append({
            "path": src.path, "sha256": src.sha256, "ledger": src.ledger, "month": src.month,
            "county_code": src.county, "rows_read": src.rows_read,
            "rows_loaded": rows_loaded.get(src.path, 0), "rows_quarantined": rows_quarantined.get(src.path, 0),
            "rows_rejected": src.rows_read if rejected else 0, "rows_warned": rows_warned.get(src.path, 0),
            "skipped": json.dumps(src.skipped, ensure_ascii=False), "status": "rejected" if rejected else "loaded",
            "reject_rule": reject_rule, "message": message,
            "unmapped_headers": json.dumps(src.unmapped_headers, ensure_ascii=False),
        })
    return pl.DataFrame(records, schema=FILES_SCHEMA)


def _check_rows_conserved(files: pl.DataFrame) -> None:
    broken = files.filter(pl.col("rows_read") != pl.col("rows_loaded") + pl.col("rows_quarantined")
                          + pl.col("rows_rejected"))
    if broken.height:
        detail = "; ".join(f"{r['path']}: read {r['rows_read']}, loaded {r['rows_loaded']}, quarantined "
                           f"{r['rows_quarantined']}, rejected {r['rows_rejected']}" for r in broken.to_dicts())
        raise RowsNotConserved(f"行数不守恒 | Rows not conserved: {detail}")


def _reader_outcomes(sources: list[SourceFile]) -> pl.DataFrame:
    """The reader's verdict per file, for the file rule of each suite."""
    return pl.DataFrame({
        "suite": [src.ledger or UNIDENTIFIED for src in sources],
        "county_code": [src.county for src in sources],
        "path": [src.path for src in sources],
        "rejected": [src.rejected is not None for src in sources],
        "reject_rule": [src.reject_rule for src in sources],
    }, schema={"suite": pl.String, "county_code": pl.String, "path": pl.String, "rejected": pl.Boolean,
               "reject_rule": pl.String})
