"""The rules over all files, in DuckDB SQL, once every file's rows are staged: lost leading zeros,
duplicates with the first row kept, one snapshot key in two counties' files, references to another
ledger's rows kept, and a column whose type failed (which rejects its ledger's files).

They run over the tables assemble.py stages: `staged_<ledger>` (the rows of the files used, as the
reader typed them), `rows_<ledger>` (the same with compound ids restored, and `_sent_<column>`: a
code's text as sent) and `kept_<ledger>` (without the rows quarantined, the cells failing a cell
rule nulled). Each rule inserts its failures into the `failures` table (assemble.FAILURE_COLUMNS),
as the per-file rules' failures are, so that every later step treats them alike.
"""

from __future__ import annotations

import duckdb

from contract.ledgers import LEDGERS
from expectations.rules import Rule

RESTORING = ("leading_zero_restored", "leading_zero_lost")
DUPLICATES = ("duplicate_row", "duplicate_key")
INSERT = "insert into failures (rule_id, _file, _row, _county, value, note_zh, note_en, original)"


def rule_ids(catalogue: list[Rule], ledger: str, names: tuple[str, ...]) -> list[int]:
    """The ids of the ledger's rules named, in the order named (empty if the ledger has none of them)."""
    ids = {rule.name: i for i, rule in enumerate(catalogue) if rule.ledger == ledger}
    return [ids[name] for name in names] if all(name in ids for name in names) else []


def key_text(columns) -> str:
    """A key's cells as one text, "a,b" (as the failures' value)."""
    return "concat_ws(',', " + ", ".join(f'"{c}"::varchar' for c in columns) + ")"


def restore_lost_zeros(con: duckdb.DuckDBPyConnection, catalogue: list[Rule], ledgers: list[str]) -> None:
    """DOMAIN.md section 8: an all-digit compound_id not led by 0 ("101001") that is, without its
    leading zeros, exactly one 0-led id its county uses elsewhere ("0101001": in the compounds
    ledger, or in the row's own ledger, in any file) is restored to it, unless that id is already
    another row's in the same file of a ledger keyed by compound_id (then it is another compound).
    An id that matches none but is shorter than a 0-led id of its county is kept as typed, flagged.
    The county is the row's own, else its file's (`_county`). Makes restored_<ledger> (_file, _row,
    padded) for each ledger of `ledgers` with a compound_id."""
    for ledger in ledgers:
        if "compound_id" not in LEDGERS[ledger].column_names:
            continue
        restored_id, lost_id = rule_ids(catalogue, ledger, RESTORING)
        compounds = "select _county, compound_id from staged_compounds union " if ledger != "compounds" else ""
        in_file = "" if "compound_id" not in LEDGERS[ledger].key else f"""
            anti join (select distinct _file, compound_id from staged_{ledger}) f
                on f._file = m._file and f.compound_id = m.padded"""
        con.execute(f"""
            create or replace temp view led_by_zero as
            select distinct _county, compound_id as padded, ltrim(compound_id, '0') as stripped
            from ({compounds}select _county, compound_id from staged_{ledger})
            where starts_with(compound_id, '0');
            create or replace temp view suspect as
            select _file, _row, _county, compound_id, _sent_compound_id from staged_{ledger}
            where regexp_full_match(compound_id, '[1-9][0-9]*');
            create temp table restored_{ledger} as
            select m._file, m._row, m.padded from (
                select s._file, s._row, any_value(z.padded) as padded
                from suspect s join led_by_zero z on z._county = s._county and z.stripped = s.compound_id
                group by s._file, s._row having count(*) = 1
            ) m{in_file};
            {INSERT}
            select {restored_id}, s._file, s._row, s._county, s.compound_id, '补回为 ' || r.padded,
                   'restored to ' || r.padded, s._sent_compound_id
            from suspect s join restored_{ledger} r using (_file, _row);
            {INSERT}
            select {lost_id}, s._file, s._row, s._county, s.compound_id, null, null, s._sent_compound_id
            from suspect s anti join restored_{ledger} r using (_file, _row)
            join (select _county, max(length(padded)) as longest from led_by_zero group by _county) z
                on z._county = s._county
            where length(s.compound_id) < z.longest;
        """)


def duplicates(con: duckdb.DuckDBPyConnection, catalogue: list[Rule], ledger: str, values: list[str]) -> None:
    """Within a file, a row repeating an earlier row (duplicate_row) or an earlier row's key
    (duplicate_key): the first is kept. Only the rows whose key repeats in their file (`_same_key`,
    found per file) can. values: the ledger's value columns, compared for an exact repeat."""
    row_id, key_id = rule_ids(catalogue, ledger, DUPLICATES)
    key = [f'"{c}"' for c in LEDGERS[ledger].key]
    every = ", ".join(f'"{c}"' for c in values)
    con.execute(f"""
        create or replace temp table same_key as
        select _file, _row, _county, {key_text(LEDGERS[ledger].key)} as value,
               min(_row) over (partition by _file, {every}) as first_same,
               min(_row) over (partition by _file, {", ".join(key)}) as first_key
        from rows_{ledger} where _same_key;
        {INSERT}
        select {row_id}, _file, _row, _county, value, '与第 ' || first_same || ' 行完全相同',
               'same as row ' || first_same, null
        from same_key where _row <> first_same;
        {INSERT}
        select {key_id}, _file, _row, _county, value, '与第 ' || first_key || ' 行相同',
               'same key as row ' || first_key, null
        from same_key where _row = first_same and _row <> first_key;
    """)


def key_in_two_counties(con: duckdb.DuckDBPyConnection, catalogue: list[Rule], ledger: str) -> None:
    """Every row of a snapshot key found in the files of two or more counties, each naming all
    those files (with their counties)."""
    ids = rule_ids(catalogue, ledger, ("key_in_two_counties",))
    if not ids:
        return
    key = ", ".join(f'"{c}"' for c in LEDGERS[ledger].key)
    present = " and ".join(f'"{c}" is not null' for c in [*LEDGERS[ledger].key, "county"])
    con.execute(f"""
        create or replace temp table shared as
        select * from rows_{ledger} where {present}
        qualify count(distinct county) over (partition by {key}) > 1;
        {INSERT}
        select {ids[0]}, s._file, s._row, s._county, {key_text(LEDGERS[ledger].key)},
               '同时出现在：' || l.files, 'found in: ' || l.files, null
        from shared s join (
            select {key}, string_agg(place, '、' order by place) as files from (
                select distinct {key}, _file || '（' || coalesce(n.name_zh, county) || '）' as place
                from shared left join county_names n on n.adcode = county)
            group by all
        ) l using ({key});
    """)


def references(con: duckdb.DuckDBPyConnection, catalogue: list[Rule], usable: list[str]) -> list[int]:
    """Reference rules over the rows kept, against the rows kept of the ledger referenced; a rule
    whose referenced ledger has no rows kept in this build is not evaluated (every value would fail
    it). Returns the ids of the rules evaluated."""
    evaluated = []
    for rule_id, rule in enumerate(catalogue):
        if rule.references is None or rule.ledger not in usable or rule.references not in usable:
            continue
        key = LEDGERS[rule.references].key[0]
        con.execute(f'create or replace temp table known as select distinct "{key}" as id from kept_{rule.references} '
                    f'where "{key}" is not null')
        if con.execute("select count(*) from known").fetchall()[0][0] == 0:
            continue
        column = rule.column
        con.execute(f"""
            {INSERT}
            select {rule_id}, k._file, k._row, k._county, k."{column}", null, null, k."_sent_{column}"
            from kept_{rule.ledger} k anti join known on known.id = k."{column}"
            where k."{column}" is not null
        """)
        evaluated.append(rule_id)
    return evaluated


def types_failed(con: duckdb.DuckDBPyConnection, ledgers: list[str]) -> list[str]:
    """The ledgers with a column whose type failed (the reader broke its contract: none of their
    files can be trusted): every row of theirs fails each such rule, with the type observed."""
    failed = [r[0] for r in con.execute("select distinct ledger from gate_types order by 1").fetchall()]
    for ledger in [name for name in ledgers if name in failed]:
        con.execute(f"""
            {INSERT}
            select t.rule_id, s._file, s._row, s._county, t.value, null, null, null
            from staged_{ledger} s cross join (
                select rule_id, min(value) as value from gate_types where ledger = ? group by rule_id) t
        """, [ledger])
    return [name for name in ledgers if name in failed]
