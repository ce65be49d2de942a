"""Run the suites' Great Expectations over each ledger's rows, all its files at once.

GX 1.24 validates pandas frames only (../shared/STACK_NOTES.md). One validation per ledger over
the concatenation of its files keeps the build fast with hundreds of files; the row behind each
failure comes back through unexpected_index_column_names (_file, _row).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

import great_expectations as gx
import pandas as pd
import polars as pl
import pyarrow as pa
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations.rules import FAILURE_SCHEMA, Rule

INDEX_COLUMNS = ["_file", "_row"]
VERDICT_FORMAT = {"result_format": "BOOLEAN_ONLY"}
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS}
# Nullable pandas types, so that a whole-number column with empty cells stays whole numbers.
_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


@dataclass
class GxOutcome:
    failures: pl.DataFrame       # FAILURE_SCHEMA: one row per failing row and rule
    failed_whole: set[int]       # rule ids that failed as a whole (a column's type): every row is in failures


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    return frame.to_pandas(types_mapper=_PANDAS_TYPES.get)


def validate(frames: dict[str, pl.DataFrame], catalogue: list[Rule]) -> GxOutcome:
    """Run the GX rules of each ledger in `frames` (ledger -> its rows with _file and _row).

    Twice: every expectation for its verdict only (cheap), then the few that failed again, in full,
    for the rows behind each failure."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("ledgers")
    outcome = GxOutcome(pl.DataFrame(schema=FAILURE_SCHEMA), set())
    for ledger, frame in frames.items():
        expectations = []
        for rule_id, rule in enumerate(catalogue):
            if rule.ledger == ledger and rule.engine == "gx":
                rule.expectation.meta["rule_id"] = rule_id  # results come back in their own order
                expectations.append(rule.expectation)
        data = to_pandas(frame.select([c for c in frame.columns if not c.startswith("_")] + INDEX_COLUMNS))
        verdicts = _run(context, source, ledger, expectations, data, VERDICT_FORMAT)
        failed = [r for r in verdicts if not r.success and not r.exception_info.get("raised_exception")]
        again = [copy.copy(catalogue[r.expectation_config.meta["rule_id"]].expectation) for r in failed]
        detailed = _run(context, source, f"{ledger}, failed", again, data, RESULT_FORMAT) if failed else []
        _collect(outcome, frame, [r for r in verdicts if r.success or r.exception_info.get("raised_exception")]
                 + detailed, catalogue)
    return outcome


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
