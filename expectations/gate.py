"""The quality gate between the readers and the warehouse: keep, quarantine or reject.

Every data row a reader read ends in exactly one place: the ledger's rows to load (with the
cell and warning rules it failed listed in `_warnings`), the quarantine (with the error rules it
failed), or a rejected file (a critical rule: the whole file is unusable, and the warehouse keeps
that ledger's other files). `check` raises if a file's rows do not add up. A cell that fails a
cell rule is set to null in the row loaded; each cell flagged on a loaded row is one finding
(audit_cell_findings: file, row, column, the text as sent, rule).

Before the rules, the decisions over several files (expectations/files.py): a file sent twice and
an original replaced by its correction are rejected, naming the file loaded instead.

The rules are the suites of expectations/suites.py. Compound ids that lost their leading zeros are
restored first; then the GX rules, the reader's cell issues and the Polars rules run over each
ledger's rows, all its files at once; rows failing an error rule are quarantined, cells failing a
cell rule nulled; then the reference rules run over the rows kept, against the other ledgers' rows kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import polars as pl

from expectations import files as file_decisions
from expectations import results, row_checks
from expectations.rules import CELL, ERROR, UNIDENTIFIED, WARNING, Rule
from pipelines.normalise import mask_personal_text
from pipelines.read import SourceFile
from warehouse import location

QUARANTINE_SCHEMA = {
    "ledger": pl.String, "_file": pl.String, "_row": pl.Int32, "county_code": pl.String, "rule": pl.String,
    "severity": pl.String, "column": pl.String, "message": pl.String, "original": pl.String,
}
FINDINGS_SCHEMA = {
    "ledger": pl.String, "_file": pl.String, "_row": pl.Int32, "county_code": pl.String, "column": pl.String,
    "original": pl.String, "loaded": pl.String, "rule": pl.String, "severity": pl.String, "message": pl.String,
}
RESULTS_SCHEMA = results.RESULTS_SCHEMA
FILES_SCHEMA = {
    "path": pl.String, "sha256": pl.String, "ledger": pl.String, "month": pl.Date, "county_code": pl.String,
    "rows_read": pl.Int64, "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64, "rows_rejected": pl.Int64,
    "rows_warned": pl.Int64, "cells_nulled": pl.Int64, "skipped": pl.String, "status": pl.String,
    "reject_rule": pl.String,
    "message": pl.String, "unmapped_headers": pl.String,
}
ROW_KEY = ["_file", "_row"]
COUNTY_COLUMNS = ("county", "registered_county")  # a row's own county comes before its file's


@dataclass
class GateResult:
    loaded: dict[str, pl.DataFrame]  # ledger -> rows to load: canonical columns + _row, _file, _warnings
    quarantine: pl.DataFrame         # QUARANTINE_SCHEMA
    findings: pl.DataFrame           # FINDINGS_SCHEMA: the cells flagged on loaded rows (nulled: severity cell)
    files: pl.DataFrame              # one row per source file, with its outcome
    results: pl.DataFrame            # RESULTS_SCHEMA
    validated_at: datetime           # names this build's results among the saved ones


class RowsNotConserved(RuntimeError):
    """A file's rows read differ from its rows loaded + quarantined + rejected: a bug in the gate."""


def check(sources: list[SourceFile], today: date | None = None) -> GateResult:
    from expectations import run_gx, suites  # Great Expectations takes seconds to import: only when checking

    validated_at = datetime.now(UTC)
    catalogue = suites.catalogue(today or location.today())
    file_decisions.decide(sources)
    frames = _ledger_frames([src for src in sources if src.frame is not None and src.rejected is None])
    frames, restored = row_checks.restore_lost_zeros(frames, catalogue)

    outcome = run_gx.validate(frames, catalogue)
    rejections = _critical_rejections(frames, outcome.failed_whole, catalogue)
    rejected_ledgers = {catalogue[i].ledger for i in outcome.failed_whole}
    usable = {ledger: frame for ledger, frame in frames.items() if ledger not in rejected_ledgers}
    found = _describe(pl.concat([restored, outcome.failures, *_polars_failures(frames, catalogue)]), frames,
                      catalogue)
    errors = found.filter((pl.col("severity") == ERROR) & pl.col("ledger").is_in(list(usable)))
    kept = {ledger: _nulled(_without(frame, errors.filter(pl.col("ledger") == ledger)),
                            found.filter((pl.col("ledger") == ledger) & (pl.col("severity") == CELL)))
            for ledger, frame in usable.items()}
    referenced, reference_ids = row_checks.references(kept, catalogue)
    failures = pl.concat([found, _describe(referenced, frames, catalogue)])

    quarantine = _quarantine(errors, usable)
    findings = _findings(failures, kept, sources, catalogue)
    loaded = {ledger: _with_warnings(frame, failures) for ledger, frame in kept.items()}
    files = _file_records(sources, rejections, loaded, quarantine, findings)
    _check_rows_conserved(files)
    evaluated = [(_row_rule_ids(ledger, catalogue), frame) for ledger, frame in frames.items()]
    evaluated += [([i], kept[catalogue[i].ledger]) for i in reference_ids]
    table = results.table(catalogue, evaluated, failures, _reader_outcomes(sources))
    return GateResult(loaded, quarantine, findings, files, table, validated_at)


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


def _nulled(frame: pl.DataFrame, cells: pl.DataFrame) -> pl.DataFrame:
    """frame with the cells that failed a cell rule set to null (rows quarantined are gone already)."""
    for column in cells["column"].unique().sort().to_list():
        rows = cells.filter(pl.col("column") == column).select(ROW_KEY).unique().with_columns(_null=pl.lit(True))
        frame = (frame.join(rows, on=ROW_KEY, how="left", maintain_order="left")
                 .with_columns(pl.when(pl.col("_null")).then(None).otherwise(pl.col(column)).alias(column))
                 .drop("_null"))
    return frame


def _findings(failures: pl.DataFrame, kept: dict[str, pl.DataFrame], sources: list[SourceFile],
              catalogue: list[Rule]) -> pl.DataFrame:
    """One row per cell and rule flagged on a loaded row (cell and warning rules), with the cell's
    text as sent: looked up in the row's `_original` under the file's header for the column (and,
    whatever the column, with phone and ID numbers masked). A cell the reader could not read is
    also empty: its "required" finding only repeats that, and is left out."""
    flagged = failures.filter(pl.col("severity").is_in([CELL, WARNING]) & pl.col("ledger").is_in(list(kept)))
    reader_rules = [i for i, rule in enumerate(catalogue) if rule.engine == "reader"]
    unread = failures.filter(pl.col("rule_id").is_in(reader_rules))
    flagged = flagged.join(unread.filter(pl.col("severity") == CELL).select(*ROW_KEY, "column")
                           .with_columns(rule=pl.lit("required")), on=[*ROW_KEY, "column", "rule"], how="anti")
    if flagged.height == 0:
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    originals = pl.concat([frame.select(*ROW_KEY, "_original") for frame in kept.values()])
    flagged = flagged.join(originals, on=ROW_KEY, how="inner").sort("rule_id", *ROW_KEY)
    headers = {src.path: {column: text for text, column in reversed(src.header_map.items())} for src in sources}
    texts = []
    for path, column, original in flagged.select("_file", "column", "_original").iter_rows():
        cells = json.loads(original) if original else {}
        header = headers.get(path, {})
        found = [cells.get(header[c]) for c in column.split(",") if c in header] if column else []
        texts.append(", ".join(str(text) for text in found if text is not None) or None)
    found = (flagged.with_columns(original=mask_personal_text(pl.Series(texts, dtype=pl.String)),
                                  message=pl.col("message_zh") + " | " + pl.col("message_en"))
             .join(_loaded_values(flagged, kept), on=[*ROW_KEY, "column"], how="left", maintain_order="left"))
    return (found.with_columns(loaded=mask_personal_text(found["loaded"]))
            .rename({"_county": "county_code"}).select(list(FINDINGS_SCHEMA)).cast(FINDINGS_SCHEMA))


def _loaded_values(flagged: pl.DataFrame, kept: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The value loaded (as text) of each flagged cell: null if nulled, else as sent or as cleaned."""
    parts = [pl.DataFrame(schema={"_file": pl.String, "_row": pl.Int32, "column": pl.String, "loaded": pl.String})]
    for (ledger, column), _ in flagged.group_by("ledger", "column"):
        cells = [pl.col(c).cast(pl.String) for c in column.split(",")]
        parts.append(kept[ledger].select(*ROW_KEY, column=pl.lit(column), loaded=pl.concat_str(cells, separator=", ")))
    return pl.concat(parts).join(flagged.select(*ROW_KEY, "column").unique(), on=[*ROW_KEY, "column"])


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
    warnings = (failures.filter(pl.col("severity").is_in([CELL, WARNING])).sort("rule_id")
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
                  loaded: dict[str, pl.DataFrame], quarantine: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    rows_loaded = _count_by_file(list(loaded.values()))
    cells_nulled = _count_by_file([findings.filter(pl.col("severity") == CELL).unique(["_file", "_row", "column"])])
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
            "cells_nulled": cells_nulled.get(src.path, 0),
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
