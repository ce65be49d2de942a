"""Roles enforced in the query layer and the page registry (AppTest over the golden city: 凉州区 L01–L08,
民勤县 M01–M04). A county officer of 民勤县 reads every scope's aggregates but no 凉州区 record, whatever
the URL says; the console, the bulletin and the admin page are refused where the role lacks them."""

from __future__ import annotations

import pytest

from access import audit
from access.sessions import Session
from dashboard import auth, queries, sql_console
from dashboard.sql_console import QueryError
from tests.apptest import run_page, start

LIANGZHOU, MINQIN, CITY = "620602", "620621", "620600"
OFFICER = Session("t-officer", "test-officer", "民勤填报员", "county", MINQIN, "password")
ANALYST = Session("t-analyst", "test-analyst", "分析员", "analyst", None, "password")
RECORD_PAGES = ["complaints", "firms", "committees", "inspections", "mediation", "coverage-map", "quality",
                "tables", "plan", "compound", "submissions"]

pytestmark = pytest.mark.usefixtures("golden_app_env_module")


def shown_text(at) -> str:
    """Everything the run put on the page: text, tables (as CSV), chart and map specs."""
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error",
                                  "success") for e in getattr(at, kind)]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [chart.proto.spec for chart in at.get("plotly_chart")]
    parts += [deck.proto.json for deck in at.get("deck_gl_json_chart")]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.fixture(scope="module")
def liangzhou_records(golden):
    """凉州区's compound ids and names, and its work-order ids: none may reach a 民勤县 officer."""
    compounds = golden.sql("select compound_id, compound_name from core_compounds where county_code = ?",
                           params=[LIANGZHOU]).fetchall()
    tickets = golden.sql("select ticket_id from core_complaints where county_code = ?", params=[LIANGZHOU]).fetchall()
    return [c for row in compounds for c in row] + [t for (t,) in tickets]


def test_every_table_of_a_build_is_classified_and_records_name_their_county(golden):
    tables = {t: [c for (c,) in golden.sql("select column_name from duckdb_columns() where table_name = ?",
                                           params=[t]).fetchall()]
              for (t,) in golden.sql("select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
    declared = queries.SHARED | set(queries.RECORDS) | queries.NO_ROWS
    assert not [t for t in tables if t not in declared and not t.startswith((queries.SHARED_PREFIX,
                                                                             queries.NO_ROWS_PREFIX))]
    assert not declared - set(tables), "a declared table no build makes"
    assert all(column in tables[t] for t, column in queries.RECORDS.items())
    # a shared table holds no row per compound or work order (the firm registry and build facts aside)
    record_keys = {"compound_id", "ticket_id", "issue_id", "case_id", "inspection_id", "_row", "source_row"}
    assert not [t for t in queries.SHARED if record_keys & set(tables[t])]


def test_an_officer_reads_its_own_county_of_every_record_table(golden):
    for table in sorted(queries.RECORDS):
        column = queries.RECORDS[table]
        with auth.acting_as(OFFICER):
            mine = queries.read(f"select {column}, count(*) as n from {table} group by all")
        expected = golden.sql(f"select count(*) from {table} where {column} = ?", params=[MINQIN]).fetchall()[0][0]
        assert mine[column].to_list() in ([MINQIN], []), table
        assert (mine["n"].sum() or 0) == expected, table
        with auth.acting_as(ANALYST):
            every = queries.read(f"select count(*) as n from {table}").item()
        assert every == golden.sql(f"select count(*) from {table}").fetchall()[0][0], table
    with auth.acting_as(OFFICER):
        assert queries.read("select count(*) from raw_compounds").item() == 0  # rows with no county code: none
        assert queries.read("with x as (select * from mart_complaint_records) select count(distinct county_code) "
                            "from x").item() <= 1  # the query's own WITH keeps the stand-ins in front


def test_aggregates_are_the_same_for_every_role(golden):
    sql = "select * from mart_county_ranking_monthly order by month, scope_code"
    with auth.acting_as(OFFICER):
        officer = queries.read(sql)
    with auth.acting_as(ANALYST):
        assert officer.equals(queries.read(sql))
    assert officer["scope_code"].n_unique() == 2  # both counties' ranking rows
    with auth.acting_as(OFFICER):  # a count is an aggregate: another county's too
        assert queries.count_rows("mart_compound_map", "county_code = ?", LIANGZHOU) == golden.sql(
            "select count(*) from mart_compound_map where county_code = ?", params=[LIANGZHOU]).fetchall()[0][0] > 0


def test_an_officer_has_no_raw_cursor_no_console_and_no_schema_names():
    with auth.acting_as(OFFICER):
        with pytest.raises(auth.Refused):
            queries.cursor()
        with pytest.raises(auth.Refused):
            queries.read("select * from main.mart_complaint_records")
        with pytest.raises(QueryError) as refused:
            sql_console.run("select 1")
    assert refused.value.kind == "refused"
    last = audit.read()[-1]
    assert (last["event"], last["actor"], last["what"]["outcome"]) == ("sql_query", "test-officer", "refused")


@pytest.mark.parametrize("page", RECORD_PAGES)
@pytest.mark.parametrize("scope", [CITY, LIANGZHOU])
def test_no_record_of_another_county_reaches_an_officer(liangzhou_records, page, scope):
    params = {"compound": "L01"} if page == "compound" else {}
    at = run_page(page, role="county", county=MINQIN, scope=scope, month="2025-02", **params)
    assert not at.exception
    text = shown_text(at)
    leaked = [r for r in liangzhou_records if r in text and r not in params.values()]  # the URL's id is echoed
    assert leaked == [], f"{page} at {scope} showed {leaked[:5]}"
    if scope == LIANGZHOU or params:  # another county's records: refused in words, not just left out
        assert any("无权查看" in e.value for e in at.error)


@pytest.mark.parametrize("page", ["complaints", "committees", "compound"])
def test_the_same_pages_show_those_records_to_an_analyst(liangzhou_records, page):
    """The check above can fail: an analyst's view of the same pages has 凉州区's records."""
    params = {"compound": "L01"} if page == "compound" else {}
    text = shown_text(run_page(page, scope=LIANGZHOU, month="2025-02", **params))
    assert [r for r in liangzhou_records if r in text]


def test_an_officer_sees_the_other_countys_aggregates_like_anyone(golden):
    officer = run_page("overview", role="county", county=MINQIN, scope=LIANGZHOU, month="2025-02")
    analyst = run_page("overview", scope=LIANGZHOU, month="2025-02")
    assert {m.label: m.value for m in officer.metric} == {m.label: m.value for m in analyst.metric}
    assert officer.metric and not officer.exception
    ranking = next(f.value for f in officer.dataframe if "rank" in f.value.columns)
    assert len(ranking) == 2  # both counties ranked
    # the bulletin names every county's records: an analyst's to download, not an officer's
    assert "通报" not in [h.value for h in officer.subheader] and "通报" in [h.value for h in analyst.subheader]


def test_another_countys_compound_is_refused_by_url():
    at = run_page("compound", role="county", county=MINQIN, compound="L03", month="2025-02", scope=MINQIN)
    assert any("无权查看：该记录（L03）不属于民勤县" in e.value for e in at.error)
    assert "天马花园" not in shown_text(at) and not at.subheader
    refused = [e for e in audit.read() if e["event"] == "refused" and e["what"]["target"] == "L03"]
    assert refused and refused[-1]["role"] == "county"
    own = run_page("compound", role="county", county=MINQIN, compound="M01", month="2025-02", scope=MINQIN)
    assert own.subheader and "M01" in own.subheader[0].value


@pytest.mark.parametrize(("role", "page", "allowed"), [
    ("county", "explore", False), ("county", "admin", False), ("leader", "explore", False),
    ("leader", "admin", False), ("analyst", "explore", True), ("analyst", "admin", False),
    ("admin", "admin", True), ("admin", "explore", True), ("display", "tables", False),
    ("display", "complaints", False),
])
def test_the_page_registry_refuses_what_a_role_lacks(role, page, allowed):
    at = run_page(page, role=role, county=MINQIN if role == "county" else None)
    assert not at.exception
    refused = [e.value for e in at.error if "无权访问" in e.value]
    assert bool(refused) is not allowed, (role, page, refused)
    if not allowed:
        assert not at.get("text_area") and not at.get("tabs")  # neither the console nor the admin tabs


def test_a_display_opens_on_meeting_mode_without_downloads():
    at = start(role="display")
    assert not at.exception
    assert not at.sidebar.selectbox and not at.get("download_button")
    assert "meeting-stamp" in " ".join(h.proto.body for h in at.get("html"))  # the meeting bar


def test_the_sidebar_names_the_signed_in_user_and_role():
    at = start(role="county", county=MINQIN)
    assert at.sidebar.caption[-1].value == "Test county · 县区填报员 · 民勤县"
    assert at.sidebar.selectbox[0].value == MINQIN  # an officer starts at the own county
