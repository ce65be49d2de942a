"""What a quality rule is, whichever engine checks it, and what its severity does.

    critical  the file cannot be used: it is rejected whole (the warehouse keeps that ledger's
              other files, so a county's last good snapshot carries forward)
    error     the row is quarantined (audit_quarantine), with the rule and its original values: only
              for a row whose key or scope (its county, the date that places it in a month) cannot be
              established, and for a repeat of an earlier row of its file
    cell      the row is loaded, the cell is set to null (DOMAIN.md section 8: a bad cell is not a
              missing row) and recorded in audit_cell_findings with its original text; the row's
              `_warnings` list names it as "column:rule"
    warning   the row is loaded as sent and flagged in its `_warnings` list as "column:rule"

Engines: "gx" (a Great Expectations expectation over a batch of the ledger's rows), "polars" (what
GX cannot express, one file's rows at a time: check characters, polygons, a row's county against
its file's), "sql" (the rules over all files, in DuckDB once every file is loaded: first-kept
duplicates, one key in two counties, lost leading zeros, references to other ledgers), "reader"
(a cell the reader could not read, reported in the row's `_issues`) and "file" (the reader
rejected the whole file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from contract.ledgers import Ledger

CRITICAL, ERROR, CELL, WARNING = "critical", "error", "cell", "warning"
SEVERITIES = (CRITICAL, ERROR, CELL, WARNING)
UNIDENTIFIED = "unidentified"  # the suite of files whose ledger the reader could not tell

# GX knows critical / warning / info. Ours map onto them by rank, so GX's own ordering agrees;
# our word travels in the expectation's meta.
GX_SEVERITY = {CRITICAL: "critical", ERROR: "warning", CELL: "warning", WARNING: "info"}

# What every engine reports: one row per failing row and rule. value: the offending cell(s), for
# the sample; note: what the message adds for this row (e.g. which earlier row it repeats).
FAILURE_SCHEMA = {"rule_id": pl.Int32, "_file": pl.String, "_row": pl.Int32, "value": pl.String,
                  "note_zh": pl.String, "note_en": pl.String}


@dataclass
class GxOutcome:
    """What GX found in a batch (run_gx.Validator.validate)."""
    failures: pl.DataFrame       # FAILURE_SCHEMA: one row per failing row and rule
    types_failed: dict[int, str]  # type rule id -> the type observed: the column failed as a whole


@dataclass(frozen=True)
class Expectation:
    """A GX expectation written as data: the class's name in great_expectations.expectations, its arguments,
    and a row condition (column, "==" or "!=", value). run_gx makes the GX object; kept as data so that a
    build whose files all come from the cache never imports GX (seconds of imports)."""
    kind: str
    kwargs: dict = field(default_factory=dict, hash=False)
    when: tuple[str, str, Any] | None = None

    @property
    def expectation_type(self) -> str:
        """GX's snake-case name: ExpectColumnValuesToBeInSet -> expect_column_values_to_be_in_set."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.kind).lower()


@dataclass(frozen=True)
class Rule:
    ledger: str            # the suite: a key of ledgers.LEDGERS, or "unidentified" for file rules
    name: str              # the rule as the quarantine names it: "required", "range", "duplicate_key", …
    column: str | None     # the ledger column checked ("lon,lat" for a point); None for a whole file
    severity: str          # one of SEVERITIES
    zh: str                # what the rule demands, for people (the GX description)
    en: str
    engine: str            # gx | polars | sql | reader | file
    expectation: Expectation | None = field(default=None, compare=False, hash=False)  # engine gx
    references: str | None = None  # reference rules (sql): the ledger whose loaded keys must hold the value
    exempt: Any = field(default=None, compare=False, hash=False)  # reader rules: a Polars condition under
    #                                                               which a row's issue is no defect

    @property
    def expectation_type(self) -> str:
        if self.expectation is not None:
            return self.expectation.expectation_type
        return f"{self.engine}:{self.name}"

    @property
    def message(self) -> str:
        return f"{self.zh} | {self.en}"

    @property
    def tag(self) -> str:
        """How a warning is listed in a loaded row's `_warnings`."""
        return f"{self.column}:{self.name}"


def label_zh(ledger: Ledger, column: str) -> str:
    return f"“{ledger.column(column).zh}”({column})"


def label_en(ledger: Ledger, column: str) -> str:
    return f"{column} ({ledger.column(column).zh})"
