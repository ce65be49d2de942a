"""The rules Great Expectations cannot express, in Polars, reporting failures as GX's do
(rules.FAILURE_SCHEMA): check characters (a weighted sum), points in county polygons (shapely),
duplicates with the first row kept (GX flags every member of a duplicate group), references to
another ledger's rows in the same build, and the reader's cell issues."""

from __future__ import annotations

import functools

import polars as pl

from expectations.county_polygons import outside_county
from expectations.credit_code import check_character_fails
from expectations.rules import FAILURE_SCHEMA, Rule
from pipelines.ledgers import LEDGERS
from pipelines.normalise import REFERENCE


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
    """The ledger's Polars rules other than references, over all its rows."""
    checks = {"credit_code_check": _credit_code_check, "outside_county": _outside_county,
              "duplicate_row": _duplicate_rows, "duplicate_key": _duplicate_keys,
              "county_mismatch": _county_mismatch, "key_in_two_counties": _key_in_two_counties}
    found = [checks[rule.name](rule_id, rule, frame) for rule_id, rule in enumerate(catalogue)
             if rule.ledger == ledger and rule.engine == "polars" and rule.references is None]
    return pl.concat([_empty(), *found])


def references(kept: dict[str, pl.DataFrame], catalogue: list[Rule]) -> tuple[pl.DataFrame, list[int]]:
    """Reference rules over the rows kept after the error rules; a rule whose referenced ledger has
    no rows in this build is not evaluated (every value would fail it). Returns the failures and
    the ids of the rules evaluated."""
    keys = {name: frame[LEDGERS[name].key[0]].drop_nulls().unique() for name, frame in kept.items()}
    found, evaluated = [_empty()], []
    for rule_id, rule in enumerate(catalogue):
        known = keys.get(rule.references or "")
        if rule.references is None or rule.ledger not in kept or known is None or known.len() == 0:
            continue
        check = _lost_zeros if rule.name == "leading_zero_lost" else _unknown
        found.append(check(rule_id, rule, kept[rule.ledger], known))
        evaluated.append(rule_id)
    return pl.concat(found), evaluated


def _unknown(rule_id: int, rule: Rule, frame: pl.DataFrame, known: pl.Series) -> pl.DataFrame:
    value = pl.col(rule.column)
    return _failures(rule_id, frame.filter(value.is_not_null() & ~value.is_in(known.implode())), value)


def _lost_zeros(rule_id: int, rule: Rule, frame: pl.DataFrame, known: pl.Series) -> pl.DataFrame:
    """Codes that are a known code beginning with 0, without its zeros ("101001" for "0101001")."""
    padded = (known.to_frame("known").filter(pl.col("known").str.starts_with("0"))
              .with_columns(stripped=pl.col("known").str.strip_chars_start("0"))
              .unique("stripped", keep="first", maintain_order=True))
    rows = frame.join(padded, left_on=rule.column, right_on="stripped", how="inner")
    return _failures(rule_id, rows, pl.col(rule.column),
                     pl.format("应为 {}", "known"), pl.format("should be {}", "known"))


def _credit_code_check(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    code = pl.col(rule.column)
    codes = frame.select(code.drop_nulls().unique())  # few firms, many rows: check each code once
    bad = codes.filter(check_character_fails(code).fill_null(False)).to_series()
    return _failures(rule_id, frame.filter(code.is_in(bad.implode())), code)


def _outside_county(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    outside = outside_county(frame["county"], frame["lon"], frame["lat"]).fill_null(False)
    return _failures(rule_id, frame.filter(outside),
                     pl.format("{}, {} ({})", pl.col("lon"), pl.col("lat"), pl.col("county")))


def _same_key(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """The rows whose key (all present) appears more than once in their file: the only rows that can
    repeat another. Rows missing part of the key are left out: the required rule quarantines them."""
    present = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    return present.filter(pl.len().over(["_file", *key]) > 1)


def _later_duplicates(rows: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Rows repeating an earlier row of their file on `columns`, with that row's number in `first`."""
    return (rows.with_columns(first=pl.col("_row").min().over(["_file", *columns]))
            .filter(pl.col("_row") != pl.col("first")))


def _duplicate_rows(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    key = rule.column.split(",")
    later = _later_duplicates(_same_key(frame, key), _value_columns(frame))
    return _failures(rule_id, later, pl.concat_str(key, separator=","),
                     pl.format("与第 {} 行完全相同", "first"), pl.format("same as row {}", "first"))


def _duplicate_keys(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    key = rule.column.split(",")
    candidates = _same_key(frame, key)
    exact = _later_duplicates(candidates, _value_columns(frame)).select("_file", "_row")
    later = _later_duplicates(candidates, key).join(exact, on=["_file", "_row"], how="anti")
    return _failures(rule_id, later, pl.concat_str(key, separator=","),
                     pl.format("与第 {} 行相同", "first"), pl.format("same key as row {}", "first"))


def _county_mismatch(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose own county differs from their file's (`_file_county`, from its title or name)."""
    rows = frame.filter((pl.col("county") != pl.col("_file_county")).fill_null(False))
    return _failures(rule_id, rows, pl.col("county"),
                     pl.format("本行县区 {}，文件 {} 属于 {}", _named("county"), "_file", _named("_file_county")),
                     pl.format("the row says {}, its file {} is {}'s", _named("county"), "_file",
                               _named("_file_county")))


def _key_in_two_counties(rule_id: int, rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    """Every row of a key found in the files of two or more counties, each naming all those files."""
    key = rule.column.split(",")
    present = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in [*key, "county"]))
    shared = present.filter(pl.col("county").n_unique().over(key) > 1).rechunk()  # see _failures
    if shared.height == 0:
        return _empty()
    where = pl.format("{}（{}）", "_file", _named("county"))
    listed = shared.with_columns(
        files=where.unique(maintain_order=True).implode().over(key).list.sort().list.join("、"))
    return _failures(rule_id, listed, pl.concat_str(key, separator=","),
                     pl.format("同时出现在：{}", "files"), pl.format("found in: {}", "files"))


@functools.cache
def _county_names() -> dict[str, str]:
    names = pl.read_csv(REFERENCE / "counties.csv", schema_overrides={"adcode": pl.String})
    return dict(zip(names["adcode"], names["name_zh"], strict=True))


def _named(column: str) -> pl.Expr:
    """An adcode column as its county's name (the code itself if unknown)."""
    return pl.col(column).replace_strict(_county_names(), default=pl.col(column), return_dtype=pl.String)


def _value_columns(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("_")]
