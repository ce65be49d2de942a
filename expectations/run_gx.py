"""Run the suites' Great Expectations over each ledger's rows, all its files at once.

GX 1.24 validates pandas frames only (../shared/STACK_NOTES.md). One validation per ledger over
the concatenation of its files keeps the build fast with hundreds of files; the row behind each
failure comes back through unexpected_index_column_names (_file, _row).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import great_expectations as gx
import pandas as pd
import polars as pl
import pyarrow as pa
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations.rules import FAILURE_SCHEMA, Rule

INDEX_COLUMNS = ["_file", "_row"]
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": INDEX_COLUMNS}
# Nullable pandas types, so that a whole-number column with empty cells stays whole numbers.
_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


@dataclass
class GxOutcome:
    failures: pl.DataFrame       # FAILURE_SCHEMA: one row per failing row and rule
    failed_whole: set[int]       # rule ids that failed with no rows to blame (a column's type)


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    return frame.to_pandas(types_mapper=_PANDAS_TYPES.get)


def validate(frames: dict[str, pl.DataFrame], catalogue: list[Rule]) -> GxOutcome:
    """Run the GX rules of each ledger in `frames` (ledger -> its rows with _file and _row)."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("ledgers")
    failures: list[pl.DataFrame] = []
    failed_whole: set[int] = set()
    for ledger, frame in frames.items():
        rule_ids = [i for i, rule in enumerate(catalogue) if rule.ledger == ledger and rule.engine == "gx"]
        suite = context.suites.add(gx.ExpectationSuite(name=ledger))
        by_id = {suite.add_expectation(catalogue[i].expectation).id: i for i in rule_ids}
        batch = source.add_dataframe_asset(ledger).add_batch_definition_whole_dataframe("all files")
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=ledger, data=batch, suite=suite))
        columns = [c for c in frame.columns if not c.startswith("_")] + INDEX_COLUMNS
        report = definition.run(batch_parameters={"dataframe": to_pandas(frame.select(columns))},
                                result_format=RESULT_FORMAT)
        for result in report.results:
            rule_id = by_id[result.expectation_config.id]
            if result.exception_info.get("raised_exception"):
                rule = catalogue[rule_id]
                raise RuntimeError(f"GX could not evaluate {rule.expectation_type} on {ledger}.{rule.column}: "
                                   f"{result.exception_info['exception_message']}")
            if result.success:
                continue
            rows = result.result.get("unexpected_index_list")
            if rows is None:
                failed_whole.add(rule_id)
            elif rows:
                failures.append(_failure_rows(rule_id, rows))
    if not failures:
        return GxOutcome(pl.DataFrame(schema=FAILURE_SCHEMA), failed_whole)
    return GxOutcome(pl.concat(failures).with_columns(note_zh=pl.lit(None, pl.String), note_en=pl.lit(None, pl.String)),
                     failed_whole)


def _failure_rows(rule_id: int, rows: list[dict]) -> pl.DataFrame:
    """The failing rows of one expectation; value: the checked cell(s), "a=1, b=2" for a pair."""
    values = []
    for row in rows:
        cells = {k: v for k, v in row.items() if k not in INDEX_COLUMNS}
        values.append(", ".join(f"{k}={_text(v)}" for k, v in cells.items()) if len(cells) > 1
                      else _text(next(iter(cells.values()), None)))
    return pl.DataFrame({"rule_id": [rule_id] * len(rows), "_file": [str(row["_file"]) for row in rows],
                         "_row": [int(row["_row"]) for row in rows], "value": values},
                        schema={k: FAILURE_SCHEMA[k] for k in ("rule_id", "_file", "_row", "value")})


def _text(value) -> str | None:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00")
    return str(value)
