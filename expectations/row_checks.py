"""The rules Great Expectations cannot express that look at one file's rows at a time, in Polars,
reporting failures as GX's do (rules.FAILURE_SCHEMA): check characters (a weighted sum), points in
county polygons (shapely), a row's county against its file's, and the reader's cell issues. The
rules over all files (duplicates, references, lost leading zeros) are SQL: sql_checks.py."""

from __future__ import annotations

import functools

import polars as pl

from expectations.county_polygons import outside_county
from expectations.credit_code import check_character_fails
from expectations.rules import FAILURE_SCHEMA, Rule
from readers.normalise import REFERENCE


def _failures(rule_id: int, rows: pl.DataFrame, value: pl.Expr, note_zh: pl.Expr | None = None,
              note_en: pl.Expr | None = None) -> pl.DataFrame:
    none = pl.lit(None, pl.String)
    # One chunk: pl.format over the chunks of several files' rows panics in Polars 2.1 ("i < self.len()").
    return rows.rechunk().select(
        rule_id=pl.lit(rule_id, pl.Int32), _file="_file", _row="_row", value=value.cast(pl.String),
        note_zh=none if note_zh is None else note_zh, note_en=none if note_en is None else note_en,
    ).cast(FAILURE_SCHEMA)


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=FAILURE_SCHEMA)


def reader_issues(frame: pl.DataFrame, ledger: str, catalogue: list[Rule]) -> pl.DataFrame:
    """The reader's `_issues` ("column:rule") as failures of the matching reader rules."""
    ids = {f"{rule.column}:{rule.name}": i for i, rule in enumerate(catalogue)
           if rule.ledger == ledger and rule.engine == "reader"}
    issues = frame.select("_file", "_row", "_issues").explode("_issues").drop_nulls("_issues")
    unknown = set(issues["_issues"].unique().to_list()) - ids.keys()
    if unknown:
        raise KeyError(f"reader issues with no rule in the {ledger} suite: {sorted(unknown)}")
    failures = issues.select(
        rule_id=pl.col("_issues").replace_strict(ids, return_dtype=pl.Int32), _file="_file", _row="_row",
        value=pl.lit(None, pl.String), note_zh=pl.lit(None, pl.String), note_en=pl.lit(None, pl.String))
    for rule_id in ids.values():
        if catalogue[rule_id].exempt is not None:
            excused = frame.filter(catalogue[rule_id].exempt.fill_null(False)).select("_file", "_row")
            failures = failures.join(excused.with_columns(rule_id=pl.lit(rule_id, pl.Int32)),
                                     on=["rule_id", "_file", "_row"], how="anti")
    return failures.cast(FAILURE_SCHEMA)


def run(frame: pl.DataFrame, ledger: str, catalogue: list[Rule]) -> pl.DataFrame:
    """The ledger's Polars rules that look at one file's rows at a time (the rules over all files are
    SQL, in expectations/sql_checks.py)."""
    checks = {"credit_code_check": _credit_code_check, "outside_county": _outside_county,
              "county_mismatch": _county_mismatch}
    found = [checks[rule.name](rule_id, rule, frame) for rule_id, rule in enumerate(catalogue)
             if rule.ledger == ledger and rule.engine == "polars" and rule.name in checks]
    return pl.concat([_empty(), *found])


def _credit_code_check(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    code = pl.col(rule.column)
    return _failures(rule_id, frame.filter(check_character_fails(frame[rule.column]).fill_null(False)), code)


def _outside_county(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    outside = outside_county(frame["county"], frame["lon"], frame["lat"]).fill_null(False)
    return _failures(rule_id, frame.filter(outside),
                     pl.format("{}, {} ({})", pl.col("lon"), pl.col("lat"), pl.col("county")))


def _county_mismatch(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose own county differs from their file's (`_file_county`, from its title or name)."""
    rows = frame.filter((pl.col("county") != pl.col("_file_county")).fill_null(False))
    return _failures(rule_id, rows, pl.col("county"),
                     pl.format("本行县区 {}，文件 {} 属于 {}", _named("county"), "_file", _named("_file_county")),
                     pl.format("the row says {}, its file {} is {}'s", _named("county"), "_file",
                               _named("_file_county")))


@functools.cache
def county_names() -> dict[str, str]:
    """adcode -> the county's name (the region pack's counties.csv)."""
    names = pl.read_csv(REFERENCE / "counties.csv", schema_overrides={"adcode": pl.String})
    return dict(zip(names["adcode"], names["name_zh"], strict=True))


def _named(column: str) -> pl.Expr:
    """An adcode column as its county's name (the code itself if unknown)."""
    return pl.col(column).replace_strict(county_names(), default=pl.col(column), return_dtype=pl.String)


def _value_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("_")]
