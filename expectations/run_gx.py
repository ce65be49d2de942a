"""Run the suites' Great Expectations over each ledger's rows, all its files at once.

GX 1.24 validates pandas frames only (../shared/STACK_NOTES.md). One validation per ledger over
the concatenation of its files keeps the build fast with hundreds of files; the row behind each
failure comes back through unexpected_index_column_names (_file, _row).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from datetime import datetime

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import polars as pl
import pyarrow as pa
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations.rules import FAILURE_SCHEMA, Rule

INDEX_COLUMNS = ["_file", "_row"]
VERDICT_FORMAT = {"result_format": "BOOLEAN_ONLY"}
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS}
# For the column types: nullable pandas types, so a whole-number column with empty cells stays whole numbers.
_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
# For the values: GX compares in bulk only numpy numbers and nanosecond datetimes (else value by value,
# ~50x slower). A date outside the nanosecond range is clamped to its edge: it still fails a date range.
_NANOSECOND_RANGE = (datetime(1678, 1, 1), datetime(2262, 1, 1))


@dataclass
class GxOutcome:
    failures: pl.DataFrame       # FAILURE_SCHEMA: one row per failing row and rule
    failed_whole: set[int]       # rule ids that failed as a whole (a column's type): every row is in failures


def column_types(frame: pl.DataFrame) -> pd.DataFrame:
    """No rows, only the columns as pandas types them: what the type expectations look at."""
    return frame.head(0).to_pandas(types_mapper=_PANDAS_TYPES.get)


def column_values(frame: pl.DataFrame) -> pd.DataFrame:
    dates = [c for c, dtype in frame.schema.items() if dtype in (pl.Date, pl.Datetime)]
    return frame.with_columns(pl.col(dates).cast(pl.Datetime("us")).clip(*_NANOSECOND_RANGE)
                              .cast(pl.Datetime("ns"))).to_pandas()


def validate(frames: dict[str, pl.DataFrame], catalogue: list[Rule]) -> GxOutcome:
    """Run the GX rules of each ledger in `frames` (ledger -> its rows with _file and _row).

    The column types on the columns alone; the values twice: every expectation for its verdict only
    (cheap), then the few that failed again, in full, for the rows behind each failure."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("ledgers")
    outcome = GxOutcome(pl.DataFrame(schema=FAILURE_SCHEMA), set())
    for ledger, frame in frames.items():
        types, values = [], []
        for rule_id, rule in enumerate(catalogue):
            if rule.ledger == ledger and rule.engine == "gx":
                rule.expectation.meta["rule_id"] = rule_id  # results come back in their own order
                is_type = isinstance(rule.expectation, gxe.ExpectColumnValuesToBeOfType)
                (types if is_type else values).append(rule.expectation)
        columns = [c for c in frame.columns if not c.startswith("_")]
        results = _run(context, source, f"{ledger}: types", types, column_types(frame.select(columns)), RESULT_FORMAT)
        data = column_values(frame.select(*_columns_used(values), *INDEX_COLUMNS))
        failed = []
        for verdict in _run(context, source, f"{ledger}: values", values, data, VERDICT_FORMAT):
            rerun = not verdict.success and not verdict.exception_info.get("raised_exception")
            (failed if rerun else results).append(verdict)
        again = [copy.copy(catalogue[r.expectation_config.meta["rule_id"]].expectation) for r in failed]
        results += _run(context, source, f"{ledger}: failed", again, data, RESULT_FORMAT) if failed else []
        _collect(outcome, frame, results, catalogue)
    return outcome


def _columns_used(expectations: list) -> list[str]:
    """The columns the expectations read (GX hashes and filters the whole frame it is given)."""
    used = {getattr(e, name, None) for e in expectations for name in ("column", "column_A", "column_B")}
    used |= {e.row_condition.column.name for e in expectations if getattr(e, "row_condition", None)}
    return sorted(used - {None})


def _run(context, source, name: str, expectations: list, data: pd.DataFrame, result_format: dict) -> list:
    # the whole suite at once: adding expectations one by one re-serialises the suite each time
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all files")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    return definition.run(batch_parameters={"dataframe": data}, result_format=result_format).results


def _collect(outcome: GxOutcome, frame: pl.DataFrame, results: list, catalogue: list[Rule]) -> None:
    """Add one ledger's failures to `outcome`; a failure with no rows to blame (a column's type) is
    every row's. An expectation that raised is a bug in the suite, unless a column's type failed too
    (then the ledger's files are rejected and its other checks moot)."""
    errors = []
    for result in results:
        rule_id = result.expectation_config.meta["rule_id"]
        rule = catalogue[rule_id]
        if result.exception_info.get("raised_exception"):
            errors.append(f"{rule.expectation_type} on {rule.ledger}.{rule.column}: "
                          f"{result.exception_info['exception_message']}")
        elif not result.success:
            rows = result.result.get("unexpected_index_list")
            if rows is None:
                outcome.failed_whole.add(rule_id)
                rows = [{"_file": f, "_row": r, "observed": result.result.get("observed_value")}
                        for f, r in frame.select(INDEX_COLUMNS).iter_rows()]
            if rows:
                outcome.failures = pl.concat([outcome.failures, _failure_rows(rule_id, rows)])
    if errors and not any(r.expectation_config.meta["rule_id"] in outcome.failed_whole for r in results):
        raise RuntimeError("GX could not evaluate " + "; ".join(errors))


def _failure_rows(rule_id: int, rows: list[dict]) -> pl.DataFrame:
    """The failing rows of one expectation; value: the checked cell(s), "a=1, b=2" for a pair."""
    values = []
    for row in rows:
        cells = {k: v for k, v in row.items() if k not in INDEX_COLUMNS}
        values.append(", ".join(f"{k}={_text(v)}" for k, v in cells.items()) if len(cells) > 1
                      else _text(next(iter(cells.values()), None)))
    return pl.DataFrame({"rule_id": [rule_id] * len(rows), "_file": [str(row["_file"]) for row in rows],
                         "_row": [int(row["_row"]) for row in rows], "value": values,
                         "note_zh": [None] * len(rows), "note_en": [None] * len(rows)}, schema=FAILURE_SCHEMA)


def _text(value) -> str | None:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00")
    return str(value)
