"""Run the suites' Great Expectations over bounded batches of a ledger's rows.

GX 1.24 validates pandas frames only (../shared/STACK_NOTES.md). A build makes one `Validator`:
the context, and each ledger's two suites and validation definitions, once; then each batch of
files (at most read.BATCH_ROWS rows, the columns the expectations read) is one run of the ledger's
value suite. The column types are checked on the columns alone (no rows), once per ledger and
layout of columns. The row behind each failure comes back through unexpected_index_column_names
(_file, _row).
"""

from __future__ import annotations

import logging
from datetime import datetime

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import polars as pl
import pyarrow as pa
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.row_conditions import Column

from expectations.rules import FAILURE_SCHEMA, GX_SEVERITY, GxOutcome, Rule

INDEX_COLUMNS = ["_file", "_row"]
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS}
# For the column types: nullable pandas types, so a whole-number column with empty cells stays whole numbers.
_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
# For the values: GX compares in bulk only numpy numbers and nanosecond datetimes (else value by value,
# ~50x slower). A date outside the nanosecond range is clamped to its edge: it still fails a date range.
NANOSECOND_RANGE = (datetime(1678, 1, 1), datetime(2262, 1, 1))


def column_types(frame: pl.DataFrame) -> pd.DataFrame:
    """No rows, only the columns as pandas types them: what the type expectations look at."""
    return frame.head(0).to_pandas(types_mapper=_PANDAS_TYPES.get)


def column_values(frame: pl.DataFrame) -> pd.DataFrame:
    """The values as GX checks them in bulk; text as categories (GX copies the frame it filters, once
    per expectation: a category is a number to copy, a string is its bytes)."""
    dates = [c for c, dtype in frame.schema.items() if dtype in (pl.Date, pl.Datetime)]
    return frame.with_columns(pl.col(dates).cast(pl.Datetime("us")).clip(*NANOSECOND_RANGE).cast(pl.Datetime("ns")),
                              pl.col(pl.String).cast(pl.Categorical)).to_pandas()


class Validator:
    """Great Expectations for one build (see the module docstring); not shared between threads."""

    def __init__(self, catalogue: list[Rule]):
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.catalogue = catalogue
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.batches = (self.context.data_sources.add_pandas("ledgers").add_dataframe_asset("batches")
                        .add_batch_definition_whole_dataframe("batch"))
        self.suites: dict[str, tuple] = {}  # ledger -> (types suite, values suite, value expectations)
        self.types_seen: dict[tuple, dict[int, str]] = {}  # (ledger, schema) -> types failed

    def validate(self, ledger: str, frame: pl.DataFrame) -> GxOutcome:
        """The GX rules of `ledger` over `frame` (a batch of its rows, with _file and _row). If a column's
        type fails, the values are not checked: the batch's files are rejected with their ledger."""
        types, values, expectations = self._suites(ledger)
        columns = {c: dtype for c, dtype in frame.schema.items() if not c.startswith("_")}
        key = (ledger, tuple(columns.items()))
        if key not in self.types_seen:
            results = self._run(types, column_types(frame.select(list(columns))))
            self._raise_if_raised(results)
            self.types_seen[key] = {r.expectation_config.meta["rule_id"]: _text(r.result.get("observed_value"))
                                    for r in results if not r.success}
        failed = self.types_seen[key]
        if failed:
            return GxOutcome(pl.DataFrame(schema=FAILURE_SCHEMA), failed)
        # Each file as a number (copied as cheaply as a category)
        paths = frame["_file"].unique(maintain_order=True).to_list()
        data = column_values(frame.select(*_columns_used(expectations), pl.col("_file").rle_id(), "_row"))
        results = self._run(values, data)
        self._raise_if_raised(results)
        failures = [_failure_rows(r.expectation_config.meta["rule_id"], r.result["unexpected_index_list"], paths)
                    for r in results if not r.success]
        return GxOutcome(pl.concat([pl.DataFrame(schema=FAILURE_SCHEMA), *failures]), {})

    def _suites(self, ledger: str) -> tuple:
        if ledger not in self.suites:
            types, values = [], []
            for rule_id, rule in enumerate(self.catalogue):
                if rule.ledger == ledger and rule.engine == "gx":
                    is_type = rule.expectation.kind == "ExpectColumnValuesToBeOfType"
                    (types if is_type else values).append(expectation(rule, rule_id))
            self.suites[ledger] = (gx.ExpectationSuite(name=f"{ledger}: types", expectations=types),
                                   gx.ExpectationSuite(name=f"{ledger}: values", expectations=values), values)
        return self.suites[ledger]

    def _run(self, suite, data: pd.DataFrame) -> list:
        # a batch validated on its own: no validation definition, so GX neither stores nor re-serialises anything
        return self.batches.get_batch(batch_parameters={"dataframe": data}).validate(
            suite, result_format=RESULT_FORMAT).results

    def _raise_if_raised(self, results: list) -> None:
        """An expectation that raised is a bug in the suite (the reader types every column by kind)."""
        errors = [f"{rule.expectation_type} on {rule.ledger}.{rule.column}: {r.exception_info['exception_message']}"
                  for r in results if r.exception_info.get("raised_exception")
                  for rule in [self.catalogue[r.expectation_config.meta["rule_id"]]]]
        if errors:
            raise RuntimeError("GX could not evaluate " + "; ".join(errors))


def expectation(rule: Rule, rule_id: int):
    """The GX object of a gx rule; its meta carries our severity and the rule's number (results come back
    in GX's own order)."""
    spec = rule.expectation
    kwargs = dict(spec.kwargs)
    if spec.when:
        column, op, value = spec.when
        kwargs["row_condition"] = (Column(column) == value) if op == "==" else (Column(column) != value)
    return getattr(gxe, spec.kind)(description=rule.zh, severity=GX_SEVERITY[rule.severity], meta={
        "rule": rule.name, "severity": rule.severity, "en": rule.en, "rule_id": rule_id}, **kwargs)


def _columns_used(expectations: list) -> list[str]:
    """The columns the expectations read (GX hashes and filters the whole frame it is given)."""
    used = {getattr(e, name, None) for e in expectations for name in ("column", "column_A", "column_B")}
    used |= {e.row_condition.column.name for e in expectations if getattr(e, "row_condition", None)}
    return sorted(used - {None})


def _failure_rows(rule_id: int, rows: list[dict], paths: list[str]) -> pl.DataFrame:
    """The failing rows of one expectation; value: the checked cell(s), "a=1, b=2" for a pair. paths:
    the files, by their number in `_file`."""
    values = []
    for row in rows:
        cells = {k: v for k, v in row.items() if k not in INDEX_COLUMNS}
        values.append(", ".join(f"{k}={_text(v)}" for k, v in cells.items()) if len(cells) > 1
                      else _text(next(iter(cells.values()), None)))
    return pl.DataFrame({"rule_id": [rule_id] * len(rows), "_file": [paths[int(row["_file"])] for row in rows],
                         "_row": [int(row["_row"]) for row in rows], "value": values,
                         "note_zh": [None] * len(rows), "note_en": [None] * len(rows)}, schema=FAILURE_SCHEMA)


def _text(value) -> str | None:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00")
    return str(value)
