"""The city/county roll-up (core_scope_members): a county's rows count in the county and the city, a row
coded with the city itself counts once, in the city only."""
from __future__ import annotations

import duckdb

from warehouse.models import MODELS


def test_a_row_coded_with_the_city_counts_once_in_the_city_and_in_no_county():
    con = duckdb.connect()
    con.execute("""create table core_scopes as select * from (values
        ('620600', 'city'), ('620602', 'county'), ('620621', 'county')) t(scope_code, scope_level)""")
    sql = (MODELS / "core" / "core_scope_members.sql").read_text(encoding="utf-8")
    con.execute(f"create table core_scope_members as {sql}")
    con.execute("""create table items as
        select * from (values ('620602'), ('620602'), ('620621'), ('620600')) t(county_code)""")
    counts = con.execute("""
        select sm.scope_code, count(*) from items join core_scope_members sm using (county_code)
        group by sm.scope_code order by 1""").fetchall()
    assert counts == [("620600", 4), ("620602", 2), ("620621", 1)]
