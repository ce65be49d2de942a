"""What the English view may still show in Chinese: names and text as the ledgers sent them, read from the
warehouse, never listed here. Anything else in Chinese on an English page is a missing translation."""

from __future__ import annotations

import re

# Chinese characters, and the full-width punctuation that goes with them (，：（）、。)
CHINESE = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK = re.compile(f"[{CHINESE}]")

# Proper names with no English form, and text that is shown as it was sent (DOMAIN: nothing is rewritten).
AS_SENT = {
    "compounds": "select compound_name from core_compounds union select compound_name from core_complaints",
    "firms and handling units": "select firm_name from core_firms union select firm_name from core_compounds "
                                "union select handling_unit from core_complaints",
    "towns, communities, addresses": "select town from ref_towns union select town from core_compounds union "
                                     "select community from core_compounds union select address from core_compounds",
    "people": "select project_manager from core_compounds",
    "departments and units": "select department from core_inspections union select source_unit from stg_credit_events "
                             "union select operator from stg_utilities union select sender from audit_receipts",
    "free text": "select description from core_rectifications union select note from stg_credit_events",
    "files and values as sent": "select path from audit_source_files "
                                "union select replaced_by from mart_quality_replaced_files "
                                "union select original from audit_quarantine "
                                "union select original from audit_cell_findings "
                                "union select loaded from audit_cell_findings "
                                "union select unexpected_sample from audit_validation",
    # a rule or message names the column as the ledger's header says it ("households (总户数)")
    "ledger headers": "select trim(split_part(comment, '|', 1)) from duckdb_columns() where table_name like 'raw_%'",
}


def as_sent(con) -> list[str]:
    """Every name and text the English view may show as sent, longest first (so a name inside another goes last)."""
    names = set()
    for sql in AS_SENT.values():
        names |= {r[0] for r in con.sql(sql).fetchall() if r[0] and CJK.search(r[0])}
    return sorted(names, key=len, reverse=True)


DATA_PAGES = ("explore", "tables", "quality")  # the 数据 section: the warehouse as stored, the ledgers as sent


def stored_values(con, table: str | None = None) -> list[str]:
    """For the data pages, which show the warehouse as stored and the ledgers' rules: the values of `table`, and
    the codes descriptions and rules quote (every text column's values where there are few of them)."""
    columns = con.sql("select table_name, column_name from duckdb_columns() where data_type = 'VARCHAR' and "
                      "(table_name similar to '(stg|core|mart)_.*' or table_name = ?)", params=[table]).fetchall()
    values = set()
    for name, column in columns:
        distinct = con.sql(f'select distinct "{column}" from "{name}"' + ("" if name == table else " limit 61")
                           ).fetchall()
        if name == table or len(distinct) <= 60:
            values |= {r[0] for r in distinct if r[0] and CJK.search(r[0])}
    return sorted(values, key=len, reverse=True)


def chinese_left(text: str, allowed: list[str]) -> list[str]:
    """The words of `text` still in Chinese once every allowed name is taken out."""
    for name in allowed:
        if name in text:
            text = text.replace(name, " ")
    return re.findall(f"\\S*[{CHINESE}]\\S*", text)
