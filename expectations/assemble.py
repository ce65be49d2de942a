"""The gate's second stage, in DuckDB: from every file's staged rows and per-file failures to the
tables a build publishes (raw_<ledger>, audit_source_files, audit_quarantine, audit_cell_findings,
audit_validation).

Staged (by the build from the cache, by `gate.check` from memory): gate_rows_<ledger> (gate.row_schema;
the rows of the files read, whichever are used), gate_failures (FAILURES_SCHEMA), gate_originals
(`_original` of the rows that failed an error rule or repeat a key of their file) and gate_types
(column types that failed). `load` takes the files used (not rejected by the reader or by the
decisions over several files), runs the rules over all files (sql_checks.py), quarantines each row
failing an error rule, nulls each cell failing a cell rule, and lists the rest: every row read ends
loaded, quarantined or in a rejected file (`RowsNotConserved` otherwise). Only small tables (the
findings, the quarantine, the results) come back to Polars: their text is masked and formatted
there, as the reader formats it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from contract.ledgers import LEDGERS, Ledger
from expectations import results, row_checks, sql_checks
from expectations.rules import CELL, ERROR, FAILURE_SCHEMA, UNIDENTIFIED, WARNING, Rule
from readers.normalise import POLARS_TYPES, mask_personal_text
from readers.read import PII_KEY_COLUMN, SourceFile

QUARANTINE_SCHEMA = {
    "ledger": pl.String, "_file": pl.String, "_row": pl.Int32, "county_code": pl.String, "rule": pl.String,
    "severity": pl.String, "column": pl.String, "message": pl.String, "original": pl.String,
}
FINDINGS_SCHEMA = {
    "ledger": pl.String, "_file": pl.String, "_row": pl.Int32, "county_code": pl.String, "column": pl.String,
    "original": pl.String, "loaded": pl.String, "rule": pl.String, "severity": pl.String, "message": pl.String,
}
FILES_SCHEMA = {
    "path": pl.String, "sha256": pl.String, "ledger": pl.String, "month": pl.Date, "county_code": pl.String,
    "rows_read": pl.Int64, "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64, "rows_rejected": pl.Int64,
    "rows_warned": pl.Int64, "cells_nulled": pl.Int64, "skipped": pl.String, "status": pl.String,
    "reject_rule": pl.String, "message": pl.String, "unmapped_headers": pl.String,
}
# What the first stage (gate.check_batch) stages for each file, and the cache keeps.
# A failure of a per-file rule: FAILURE_SCHEMA, the row's county and the checked cells' text as sent.
STAGED_FAILURES = {**FAILURE_SCHEMA, "_county": pl.String, "original": pl.String}
STAGED_ORIGINALS = {"_file": pl.String, "_row": pl.Int32, "_original": pl.String}
STAGED_TYPES = {"_file": pl.String, "ledger": pl.String, "rule_id": pl.Int32, "value": pl.String}
# The columns rules over all files flag (restored ids, references): their text as sent is staged
# (`_raw_<column>`) where it differs from the value read, for the findings.
CROSS_FILE_COLUMNS = ("compound_id", "firm_credit_code")
FAILURE_COLUMNS = ", ".join(f"{name} {sql}" for name, sql in zip(
    STAGED_FAILURES, ("integer", "varchar", "integer", "varchar", "varchar", "varchar", "varchar", "varchar"),
    strict=True))


def row_schema(ledger: Ledger) -> dict[str, pl.DataType]:
    """A ledger's rows as staged: its columns as the reader types them (the personal ones as
    complainant_key), then _row, _file, _county (the row's county, else its file's), _file_county,
    _same_key (the row's key repeats in its file) and `_raw_<column>` (CROSS_FILE_COLUMNS)."""
    schema: dict[str, pl.DataType] = {}
    for column in ledger.columns:
        if column.pii:
            schema.setdefault(PII_KEY_COLUMN, pl.String())
        else:
            schema[column.name] = POLARS_TYPES[column.kind]
    schema |= {"_row": pl.Int32(), "_file": pl.String(), "_county": pl.String(), "_file_county": pl.String(),
               "_same_key": pl.Boolean()}
    return schema | {f"_raw_{c}": pl.String() for c in CROSS_FILE_COLUMNS if c in ledger.column_names}


class RowsNotConserved(RuntimeError):
    """A file's rows read differ from its rows loaded + quarantined + rejected: a bug in the gate."""


@dataclass
class Tables:
    files: pl.DataFrame       # audit_source_files
    quarantine: pl.DataFrame  # audit_quarantine
    findings: pl.DataFrame    # audit_cell_findings
    results: pl.DataFrame     # audit_validation
    rows_loaded: dict[str, int]
    loaded: list[str]         # the ledgers whose rows are loaded: some file used, no column's type failed


def load(con: duckdb.DuckDBPyConnection, catalogue: list[Rule], sources: list[SourceFile],
         originals_of: Callable[[str, pl.Series], pl.DataFrame]) -> Tables:
    """Make the tables from the staged ones (see the module docstring). sources: every file, decided
    (files.decide); originals_of(path, rows) -> `_row`, `_original` of rows of a file whose `_original`
    was not staged (the rows a rule over all files quarantines: re-read)."""
    used = [src.path for src in sources if src.rejected is None]
    _register(con, "used", pl.DataFrame({"_file": used}, schema={"_file": pl.String}))
    _register(con, "rules", _rules(catalogue))
    _register(con, "county_names", pl.DataFrame({"adcode": list(row_checks.county_names()),
                                                 "name_zh": list(row_checks.county_names().values())}))
    with_rows = [src.ledger for src in sources if src.rejected is None]
    with_rows = [name for name in LEDGERS if name in with_rows]
    for name, ledger in LEDGERS.items():
        sent = [f'coalesce("_raw_{c}", "{c}") as "_sent_{c}"' for c in CROSS_FILE_COLUMNS if c in ledger.column_names]
        con.execute(f"create or replace temp view staged_{name} as select *{''.join(', ' + s for s in sent)} "
                    f"from gate_rows_{name} semi join used using (_file)")
    con.execute(f"create or replace temp table failures ({FAILURE_COLUMNS});"
                "insert into failures select * from gate_failures semi join used using (_file);"
                "create or replace temp view types_used as select * from gate_types semi join used using (_file)")

    rejected = sql_checks.types_failed(con, with_rows)
    usable = [name for name in with_rows if name not in rejected]
    sql_checks.restore_lost_zeros(con, catalogue, with_rows)
    for name, ledger in LEDGERS.items():
        restored = ("select s.* replace (coalesce(r.padded, s.compound_id) as compound_id) from staged_{0} s "
                    "left join restored_{0} r using (_file, _row)" if name in with_rows
                    and "compound_id" in ledger.column_names else "select * from staged_{0}").format(name)
        con.execute(f"create or replace temp view rows_{name} as {restored}")
    for name in with_rows:
        sql_checks.duplicates(con, catalogue, name, _values(name))
        sql_checks.key_in_two_counties(con, catalogue, name)
    con.execute(f"""create or replace temp table errors as
        select distinct f._file, f._row from failures f join rules r using (rule_id)
        where r.severity = '{ERROR}' and r.ledger in (select unnest(?::varchar[]))""", [usable])
    for name in usable:
        _kept_view(con, name)
    reference_ids = sql_checks.references(con, catalogue, usable)
    con.execute(f"""create or replace temp table flags as
        select distinct f._file, f._row, f.rule_id, r.ledger, r."column" || ':' || r.name as tag
        from failures f join rules r using (rule_id) where r.severity in ('{CELL}', '{WARNING}')""")
    rows_loaded = {}
    for name in LEDGERS:
        rows_loaded[name] = _raw_table(con, name, name in usable)

    quarantine = _quarantine(con, usable, originals_of)
    findings = _findings(con, usable)
    files = _file_records(con, sources, rejected, catalogue, quarantine, findings)
    table = _results(con, catalogue, with_rows, reference_ids, sources)
    for table_name, frame in (("audit_source_files", files), ("audit_quarantine", quarantine),
                              ("audit_cell_findings", findings), ("audit_validation", table)):
        con.register("_frame", frame)
        con.execute(f"create table {table_name} as select * from _frame")
        con.unregister("_frame")
    return Tables(files, quarantine, findings, table, rows_loaded, usable)


def _register(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register(f"_{name}_frame", frame)
    con.execute(f"create or replace temp table {name} as select * from _{name}_frame")
    con.unregister(f"_{name}_frame")


def _rules(catalogue: list[Rule]) -> pl.DataFrame:
    return pl.DataFrame({
        "rule_id": list(range(len(catalogue))), "ledger": [r.ledger for r in catalogue],
        "name": [r.name for r in catalogue], "column": [r.column for r in catalogue],
        "severity": [r.severity for r in catalogue], "engine": [r.engine for r in catalogue],
        "zh": [r.zh for r in catalogue], "en": [r.en for r in catalogue],
    }, schema_overrides={"rule_id": pl.Int32, "column": pl.String})


def _values(ledger: str) -> list[str]:
    """The ledger's value columns as staged (its columns, the personal ones as complainant_key)."""
    return [c for c in row_schema(LEDGERS[ledger]) if not c.startswith("_")]


def _kept_view(con: duckdb.DuckDBPyConnection, ledger: str) -> None:
    """kept_<ledger>: the rows not quarantined, each cell that failed a cell rule nulled."""
    nulled = [r[0] for r in con.execute(
        f"""select distinct r."column" from failures f join rules r using (rule_id)
            where r.ledger = ? and r.severity = '{CELL}' order by 1""", [ledger]).fetchall()]
    if not nulled:
        con.execute(f"create or replace temp view kept_{ledger} as "
                    f"select * from rows_{ledger} anti join errors using (_file, _row)")
        return
    flags = ", ".join(f"""bool_or(r."column" = '{c}') as "{c}" """ for c in nulled)
    replaced = ", ".join(f'case when n."{c}" then null else k."{c}" end as "{c}"' for c in nulled)
    con.execute(f"""
        create or replace temp table nulled_{ledger} as
        select f._file, f._row, {flags} from failures f join rules r using (rule_id)
        where r.ledger = '{ledger}' and r.severity = '{CELL}' group by all;
        create or replace temp view kept_{ledger} as
        select k.* replace ({replaced})
        from (select * from rows_{ledger} anti join errors using (_file, _row)) k
        left join nulled_{ledger} n using (_file, _row)
    """)


def _raw_table(con: duckdb.DuckDBPyConnection, ledger: str, usable: bool) -> int:
    """raw_<ledger>: its columns, _row, _file and _warnings ("column:rule" of each cell and warning rule
    the row failed, in rule order). Returns its rows."""
    columns = ", ".join(f'k."{c}"' for c in [*_values(ledger), "_row", "_file"])
    source = f"kept_{ledger}" if usable else f"rows_{ledger}"
    con.execute(f"""
        create table raw_{ledger} as
        select {columns}, coalesce(w._warnings, []::varchar[]) as _warnings
        from {source} k left join (
            select _file, _row, list(tag order by rule_id) as _warnings
            from (select _file, _row, tag, min(rule_id) as rule_id from flags where ledger = '{ledger}' group by all)
            group by all
        ) w using (_file, _row)
        {"" if usable else "where false"}
    """)
    return con.execute(f"select count(*) from raw_{ledger}").fetchall()[0][0]


def _quarantine(con: duckdb.DuckDBPyConnection, usable: list[str],
                originals_of: Callable[[str, pl.Series], pl.DataFrame]) -> pl.DataFrame:
    """One row per quarantined row: its first error rule (in suite order) and every error's message,
    with its original cells (staged, else re-read)."""
    per_row = con.sql(f"""
        select arg_min(r.ledger, f.rule_id) as ledger, f._file, f._row, arg_min(f._county, f.rule_id) as county_code,
               arg_min(r.name, f.rule_id) as rule, '{ERROR}' as severity, arg_min(r."column", f.rule_id) as "column",
               string_agg(r.zh || coalesce('：' || f.note_zh, ''), '；' order by f.rule_id) || ' | ' ||
               string_agg(r.en || coalesce(': ' || f.note_en, ''), '; ' order by f.rule_id) as message,
               any_value(o._original) as original
        from failures f join rules r using (rule_id)
        left join gate_originals o using (_file, _row)
        where r.severity = '{ERROR}' and r.ledger in (select unnest(?::varchar[]))
        group by f._file, f._row order by f._file, f._row
    """, params=[usable]).pl()
    missing = per_row.filter(pl.col("original").is_null())
    if missing.height:
        again = pl.concat([originals_of(path, rows["_row"]).select("_row", "_original").with_columns(_file=pl.lit(path))
                           for (path,), rows in missing.group_by("_file")])
        per_row = (per_row.join(again, on=["_file", "_row"], how="left", maintain_order="left")
                   .with_columns(original=pl.coalesce("original", "_original")).drop("_original"))
    return per_row.select(list(QUARANTINE_SCHEMA)).cast(QUARANTINE_SCHEMA)


def _findings(con: duckdb.DuckDBPyConnection, usable: list[str]) -> pl.DataFrame:
    """One row per cell and rule flagged on a loaded row (cell and warning rules), with the cell's
    text as sent (`original`, kept with the failure) and as loaded, phone and ID numbers masked in
    both, whatever the column. A cell the reader could not read is also empty: its "required"
    finding only repeats that, and is left out."""
    flagged = con.sql(f"""
        select r.ledger, f._file, f._row, f._county as county_code, r."column", f.original, r.name as rule,
               r.severity, r.zh || coalesce('：' || f.note_zh, '') || ' | ' || r.en || coalesce(': ' || f.note_en, '')
               as message
        from failures f join rules r using (rule_id)
        anti join errors e using (_file, _row)
        anti join (select f._file, f._row, r."column" from failures f join rules r using (rule_id)
                   where r.engine = 'reader' and r.severity = '{CELL}') u
            on u._file = f._file and u._row = f._row and u."column" = r."column" and r.name = 'required'
        where r.severity in ('{CELL}', '{WARNING}') and r.ledger in (select unnest(?::varchar[]))
        order by f.rule_id, f._file, f._row
    """, params=[usable]).pl()
    if flagged.height == 0:
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    loaded = [pl.DataFrame(schema={"_file": pl.String, "_row": pl.Int32, "column": pl.String, "loaded": pl.String})]
    for (ledger, column), rows in flagged.group_by("ledger", "column"):
        _register(con, "wanted", rows.select("_file", "_row").unique())
        cells = [f'"{c}"' for c in column.split(",")]
        values = con.sql(f"select _file, _row, {', '.join(cells)} from raw_{ledger} semi join wanted "
                             "using (_file, _row)").pl()
        loaded.append(values.select("_file", "_row", column=pl.lit(column), loaded=pl.concat_str(
            [pl.col(c).cast(pl.String) for c in column.split(",")], separator=", ")))
    found = flagged.join(pl.concat(loaded), on=["_file", "_row", "column"], how="left", maintain_order="left")
    return (found.with_columns(original=mask_personal_text(found["original"]),
                               loaded=mask_personal_text(found["loaded"]))
            .select(list(FINDINGS_SCHEMA)).cast(FINDINGS_SCHEMA))


def _count_by_file(frame: pl.DataFrame) -> dict[str, int]:
    return dict(frame.group_by("_file").len().iter_rows())


def _file_records(con: duckdb.DuckDBPyConnection, sources: list[SourceFile], rejected: list[str],
                  catalogue: list[Rule], quarantine: pl.DataFrame, findings: pl.DataFrame) -> pl.DataFrame:
    """One row per source file, with its outcome; a file of a ledger whose column type failed is rejected
    naming the ledger's first failing rule."""
    first_failed = dict(con.execute("select ledger, min(rule_id) from types_used group by 1").fetchall())
    loaded = dict(con.execute(" union all ".join(f"select _file, count(*) from raw_{name} group by 1"
                                                   for name in LEDGERS)).fetchall())
    warned = dict(con.execute(" union all ".join(f"select _file, count(*) from raw_{name} where len(_warnings) > 0 "
                                                   "group by 1" for name in LEDGERS)).fetchall())
    nulled = _count_by_file(findings.filter(pl.col("severity") == CELL).unique(["_file", "_row", "column"]))
    quarantined = _count_by_file(quarantine)
    records = []
    for src in sources:
        reject_rule, message = src.reject_rule, src.rejected
        if src.rejected is None and src.ledger in rejected:
            rule = catalogue[first_failed[src.ledger]]
            reject_rule, message = rule.name, (
                f"文件 {src.path}：{rule.zh}，未通过，整份文件拒收／"
                f"File {src.path}: {rule.en}; it does not, so the whole file is rejected")
        records.append({
            "path": src.path, "sha256": src.sha256, "ledger": src.ledger, "month": src.month,
            "county_code": src.county, "rows_read": src.rows_read, "rows_loaded": loaded.get(src.path, 0),
            "rows_quarantined": quarantined.get(src.path, 0), "rows_rejected": src.rows_read if message else 0,
            "rows_warned": warned.get(src.path, 0), "cells_nulled": nulled.get(src.path, 0),
            "skipped": json.dumps(src.skipped, ensure_ascii=False), "status": "rejected" if message else "loaded",
            "reject_rule": reject_rule, "message": message,
            "unmapped_headers": json.dumps(src.unmapped_headers, ensure_ascii=False),
        })
    files = pl.DataFrame(records, schema=FILES_SCHEMA)
    broken = files.filter(pl.col("rows_read") != pl.col("rows_loaded") + pl.col("rows_quarantined")
                          + pl.col("rows_rejected"))
    if broken.height:
        detail = "; ".join(f"{r['path']}: read {r['rows_read']}, loaded {r['rows_loaded']}, quarantined "
                           f"{r['rows_quarantined']}, rejected {r['rows_rejected']}" for r in broken.to_dicts())
        raise RowsNotConserved(f"行数不守恒 | Rows not conserved: {detail}")
    return files


def _results(con: duckdb.DuckDBPyConnection, catalogue: list[Rule], with_rows: list[str], reference_ids: list[int],
             sources: list[SourceFile]) -> pl.DataFrame:
    """audit_validation: per rule and county, the rows it looked at (every row of the files used; for a
    reference rule, the rows kept) and those that failed it, with a sample."""
    counts = []
    for name in with_rows:
        ids = [i for i, rule in enumerate(catalogue)
               if rule.ledger == name and rule.engine != "file" and rule.references is None]
        counts.append(f"select unnest(?::integer[]) as rule_id, _county as county_code, count(*) as element_count "
                      f"from staged_{name} group by _county")
        counts.append(ids)
    for rule_id in reference_ids:
        counts.append(f"select {rule_id} as rule_id, _county as county_code, count(*) as element_count "
                      f"from kept_{catalogue[rule_id].ledger} group by _county")
        counts.append(None)
    queries, params = counts[0::2], [p for p in counts[1::2] if p is not None]
    looked_at = (con.sql(" union all ".join(queries), params=params).pl() if queries else
                 pl.DataFrame(schema={"rule_id": pl.Int32, "county_code": pl.String, "element_count": pl.Int64}))
    failed = con.sql(f"""
        select rule_id, _county as county_code, count(*) as unexpected_count,
               list({{'file': _file, 'row': _row, 'value': value}} order by _file, _row)[:{results.SAMPLE_SIZE}]
                   as sample
        from failures group by all
    """).pl()
    return results.table(catalogue, looked_at, failed, _reader_outcomes(sources))


def _reader_outcomes(sources: list[SourceFile]) -> pl.DataFrame:
    """The reader's verdict per file (and the decisions over several files'), for the file rule of each suite."""
    return pl.DataFrame({
        "suite": [src.ledger or UNIDENTIFIED for src in sources],
        "county_code": [src.county for src in sources],
        "path": [src.path for src in sources],
        "rejected": [src.rejected is not None for src in sources],
        "reject_rule": [src.reject_rule for src in sources],
    }, schema={"suite": pl.String, "county_code": pl.String, "path": pl.String, "rejected": pl.Boolean,
               "reject_rule": pl.String})
