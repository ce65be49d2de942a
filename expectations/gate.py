"""The quality gate between the readers and the warehouse: keep, quarantine or reject.

Every data row a reader read ends in exactly one place: the ledger's rows to load (with the
cell and warning rules it failed listed in `_warnings`), the quarantine (with the error rules it
failed), or a rejected file (a critical rule: the whole file is unusable, and the warehouse keeps
that ledger's other files). A cell that fails a cell rule is set to null in the row loaded; each
cell flagged on a loaded row is one finding (audit_cell_findings: file, row, column, the text as
sent, rule). The rules are the suites of expectations/suites.py. Two stages:

1. `check_batch`, for each batch of files as the reader types them (one ledger's run of files, at
   most read.BATCH_ROWS rows): the GX rules, the reader's cell issues and the Polars rules, which
   look at one file's rows at a time. Its outcome (`Checked`: the rows typed, the failures, the
   original cells of the rows that may be quarantined) is what the cache keeps of each file; the
   batch's frames are then let go.
2. `assemble.load`, in DuckDB once every file's rows are staged: the decisions over several files
   (expectations/files.py: a file sent twice, an original replaced by its correction, taken
   before), the rules over all files (sql_checks.py: lost leading zeros, duplicates, one key in two
   counties, references), then the tables.

`check` runs both over files read into memory (the tests use it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import duckdb
import polars as pl

from contract import location
from contract.ledgers import LEDGERS, Ledger
from expectations import assemble, row_checks
from expectations import files as file_decisions
from expectations.assemble import CROSS_FILE_COLUMNS, STAGED_FAILURES, STAGED_ORIGINALS, STAGED_TYPES, row_schema
from expectations.rules import ERROR, GxOutcome, Rule
from readers import read
from readers.read import SourceFile

ROW_KEY = ["_file", "_row"]
COUNTY_COLUMNS = ("county", "registered_county")  # a row's own county comes before its file's


@dataclass
class Checked:
    """One batch's outcome (`check_batch`), file by file: what the cache keeps."""
    sources: list[SourceFile]  # the batch's files, as read (their frame and cells are let go once staged)
    ledger: str | None         # the ledger of the files read, None if every file was rejected
    rows: pl.DataFrame         # assemble.row_schema: the rows of the files read
    failures: pl.DataFrame     # STAGED_FAILURES: the per-file rules' failures
    originals: pl.DataFrame    # STAGED_ORIGINALS: rows that failed an error rule, or whose key repeats in their file
    types: pl.DataFrame        # STAGED_TYPES: a column's type that failed (every file of the batch)
    # path -> the first and last day `today` may be for the outcome to hold (None: no bound)
    valid: dict[str, tuple[date | None, date | None]] = field(default_factory=dict)


@dataclass
class Stacked:
    """A batch's files and, of those read, their rows stacked: what GX sees (`frame`, None if every file
    of the batch was rejected)."""
    sources: list[SourceFile]
    read: list[SourceFile]
    ledger: Ledger | None
    frame: pl.DataFrame | None


def stack(sources: list[SourceFile]) -> Stacked:
    read_ = [src for src in sources if src.frame is not None and src.rejected is None]
    if not read_:
        return Stacked(sources, [], None, None)
    ledger = LEDGERS[read_[0].ledger]
    return Stacked(sources, read_, ledger, _stacked(read_, ledger))


def check_batch(sources: list[SourceFile], catalogue: list[Rule], validator, today: date) -> Checked:
    """Stage 1 over a batch of files (read.read_batches): the rules that look at one file's rows."""
    batch = stack(sources)
    return finish(batch, None if batch.frame is None else validator.validate(batch.ledger.name, batch.frame),
                  catalogue, today)


def finish(batch: Stacked, outcome: GxOutcome | None, catalogue: list[Rule], today: date) -> Checked:
    """check_batch once GX has validated the stacked rows (`outcome`; None for a batch with none)."""
    sources, read_, ledger, frame = batch.sources, batch.read, batch.ledger, batch.frame
    valid = {src.path: _month_window(src) for src in sources}
    if frame is None:
        return Checked(sources, None, pl.DataFrame(), *(pl.DataFrame(schema=s) for s in
                                                        (STAGED_FAILURES, STAGED_ORIGINALS, STAGED_TYPES)), valid)
    if outcome.types_failed:  # the ledger's files are rejected (assemble): only their rows' places are kept
        types = pl.DataFrame([(src.path, ledger.name, rule_id, value) for src in read_
                              for rule_id, value in outcome.types_failed.items()], schema=STAGED_TYPES, orient="row")
        rows = frame.select(*ROW_KEY, "_county", "_file_county").with_columns(_same_key=pl.lit(False))
        return Checked(sources, ledger.name, _staged(rows, ledger), pl.DataFrame(schema=STAGED_FAILURES),
                       pl.DataFrame(schema=STAGED_ORIGINALS), types, valid)
    failures = pl.concat([outcome.failures, row_checks.reader_issues(frame, ledger.name, catalogue),
                          row_checks.run(frame, ledger.name, catalogue)])
    frame = frame.with_columns(_same_key=_key_repeats(ledger))
    failures, originals = _originals(read_, frame, failures, catalogue)
    from expectations.suites import valid_days

    for path, first, last in valid_days(ledger, frame, today).iter_rows():
        valid[path] = _within(valid[path], (first, last))
    return Checked(sources, ledger.name, _staged(frame, ledger), failures, originals,
                   pl.DataFrame(schema=STAGED_TYPES), valid)


def _month_window(src: SourceFile) -> tuple[date | None, date | None]:
    """The days `today` may be for the reader's month check to decide as it did: a file of a month
    after the current one is rejected until that month begins; a file read stays read from then on."""
    if src.month is None:
        return None, None
    first = src.month.replace(day=1)
    if src.reject_rule == "future_month":
        return None, first - timedelta(days=1)
    return (first, None) if src.rejected is None else (None, None)


def _within(a: tuple, b: tuple) -> tuple[date | None, date | None]:
    firsts = [d for d in (a[0], b[0]) if d is not None]
    lasts = [d for d in (a[1], b[1]) if d is not None]
    return max(firsts, default=None), min(lasts, default=None)


def _stacked(sources: list[SourceFile], ledger: Ledger) -> pl.DataFrame:
    """The rows of the batch's files, with _file, _county (the row's county, else the file's),
    _file_county and, for CROSS_FILE_COLUMNS, `_raw_<column>`: the text as sent, where it is not the
    value read."""
    parts = []
    for src in sources:
        own = [pl.col(c) for c in COUNTY_COLUMNS if c in src.frame.columns]
        sent = {f"_raw_{c}": _differing(src, c) for c in CROSS_FILE_COLUMNS if c in ledger.column_names}
        parts.append(src.frame.with_columns(
            _file=pl.lit(src.path), _county=pl.coalesce(*own, pl.lit(src.county, pl.String)),
            _file_county=pl.lit(src.county, pl.String), **sent))
    return pl.concat(parts, how="vertical_relaxed")


def _differing(src: SourceFile, column: str) -> pl.Series:
    if column not in src.cells.columns:
        return pl.repeat(None, src.frame.height, dtype=pl.String, eager=True)
    sent = src.cells[column]
    return pl.select(pl.when(sent.is_not_null() & (sent != src.frame[column]).fill_null(True)).then(sent)).to_series()


def _key_repeats(ledger: Ledger) -> pl.Expr:
    """The rows whose key (all present) appears more than once in their file: the only rows that can
    repeat another (sql_checks.duplicates). Rows missing part of the key are left to the required rule."""
    present = pl.all_horizontal(pl.col(k).is_not_null() for k in ledger.key)
    return present & (pl.len().over("_file", *ledger.key) > 1)


def _originals(sources: list[SourceFile], frame: pl.DataFrame, failures: pl.DataFrame,
               catalogue: list[Rule]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The failures with their row's county and their cells' text as sent (for the findings), and
    `_original` of the rows that failed an error rule or whose key repeats in their file (for the
    quarantine): read.originals of those rows only."""
    errors = pl.Series([rule.severity == ERROR for rule in catalogue])
    needed = pl.concat([failures.select(ROW_KEY, error=errors.gather(failures["rule_id"])),
                        frame.filter("_same_key").select(ROW_KEY, error=pl.lit(True))])
    by_path = {src.path: src for src in sources}
    shown = [read.originals(by_path[path], rows["_row"].unique()).with_columns(_file=pl.lit(path))
             for (path,), rows in needed.group_by("_file")]
    shown = pl.concat(shown, how="diagonal_relaxed") if shown else pl.DataFrame(schema=STAGED_ORIGINALS)
    texts = []
    for (rule_id,), rows in failures.group_by("rule_id"):
        cells = [c for c in (catalogue[rule_id].column or "").split(",") if c and c in shown.columns]
        text = (pl.concat_str(cells, separator=", ", ignore_nulls=True) if cells else pl.lit(None, pl.String))
        texts.append(rows.join(shown.select(*ROW_KEY, original=pl.when(text != "").then(text)), on=ROW_KEY,
                               how="left", maintain_order="left"))
    failures = pl.concat([failures.with_columns(original=pl.lit(None, pl.String)).head(0), *texts])
    failures = failures.join(frame.select(*ROW_KEY, "_county"), on=ROW_KEY, how="left", maintain_order="left")
    quarantinable = needed.filter("error").select(ROW_KEY).unique()
    originals = shown.join(quarantinable, on=ROW_KEY).select(list(STAGED_ORIGINALS)) if shown.height else shown
    return failures.select(list(STAGED_FAILURES)).cast(STAGED_FAILURES), originals.cast(STAGED_ORIGINALS)


def _staged(frame: pl.DataFrame, ledger: Ledger) -> pl.DataFrame:
    """frame as row_schema: its columns in order, those it lacks all null."""
    schema = row_schema(ledger)
    return frame.select(pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
                        for c, t in schema.items())


# ---------------------------------------------------------------------------- both stages in memory

@dataclass
class GateResult:
    loaded: dict[str, pl.DataFrame]  # ledger -> rows to load: canonical columns + _row, _file, _warnings
    quarantine: pl.DataFrame         # assemble.QUARANTINE_SCHEMA
    findings: pl.DataFrame           # assemble.FINDINGS_SCHEMA: cells flagged on loaded rows (nulled: severity cell)
    files: pl.DataFrame              # one row per source file, with its outcome
    results: pl.DataFrame            # RESULTS_SCHEMA
    validated_at: datetime           # names this build's results among the saved ones


def check(sources: list[SourceFile], today: date | None = None) -> GateResult:
    """Both stages over files read into memory (each ledger's files one batch), in an in-memory DuckDB."""
    from expectations import run_gx, suites  # Great Expectations takes seconds to import: only when checking

    validated_at = datetime.now(UTC)
    today = today or location.today()
    catalogue = suites.catalogue(today)
    validator = run_gx.Validator(catalogue)
    batches: dict[str | None, list[SourceFile]] = {}
    for src in sources:
        batches.setdefault(src.ledger if src.frame is not None else None, []).append(src)
    checked = [check_batch(batch, catalogue, validator, today) for batch in batches.values()]
    file_decisions.decide(sources)
    with duckdb.connect(config={"threads": 1}) as con:
        stage(con, checked)
        by_path = {src.path: src for src in sources}
        tables = assemble.load(con, catalogue, sources, lambda path, rows: read.originals(by_path[path], rows))
        loaded = {name: con.sql(f"select * from raw_{name}").pl() for name in tables.loaded}
    return GateResult(loaded, tables.quarantine, tables.findings, tables.files, tables.results, validated_at)


def stage(con: duckdb.DuckDBPyConnection, checked: list[Checked]) -> None:
    """The staged tables assemble.load reads (gate_rows_<ledger>, gate_failures, gate_originals,
    gate_types), from batches' outcomes in memory."""
    tables = {f"gate_rows_{name}": [pl.DataFrame(schema=row_schema(ledger))] for name, ledger in LEDGERS.items()}
    tables |= {"gate_failures": [pl.DataFrame(schema=STAGED_FAILURES)],
               "gate_originals": [pl.DataFrame(schema=STAGED_ORIGINALS)],
               "gate_types": [pl.DataFrame(schema=STAGED_TYPES)]}
    for batch in checked:
        if batch.ledger is not None:
            tables[f"gate_rows_{batch.ledger}"].append(batch.rows)
        tables["gate_failures"].append(batch.failures)
        tables["gate_originals"].append(batch.originals)
        tables["gate_types"].append(batch.types)
    for name, frames in tables.items():
        frame = pl.concat(frames)
        con.register("_frame", frame)
        con.execute(f"create temp table {name} as select * from _frame")
    con.unregister("_frame")
