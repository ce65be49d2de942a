"""The English view, complete: every desk page run headless on the demo city with lang=en sends no Chinese, in
any text, table cell, column label, chart (titles, axes, legends, hover) or map label, but the names and text as
sent (tests/english.py, read from the warehouse); and every Chinese value a page translates has its English entry,
for every distinct value of its column in the demo warehouse, so a new value cannot slip through.
(The browser sweep, tests/browser/test_english.py, reads what is drawn; this one reads whole tables.)"""

from __future__ import annotations

import json

import pytest
from google.protobuf.json_format import MessageToDict

from tests.apptest import registered_pages, run_page
from tests.conftest import DEMO_CITY_THROUGH, pointed_at
from tests.english import CJK, DATA_PAGES, as_sent, chinese_left, stored_values

THROUGH = DEMO_CITY_THROUGH
PREVIEWED = "mart_alerts"  # 数据表 opened on a table whose rows hold Chinese text


@pytest.fixture(scope="module")
def demo(demo_city):
    """The demo city (built once for the modules that read it); the app points at it."""
    yield from pointed_at(demo_city)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def sent_texts(node):
    """Every text an element sends to the browser: its fields, a chart's or map's spec, a table's cells."""
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "DESCRIPTOR") and getattr(node, "key", None) != "lang":
        fields = MessageToDict(proto)
        if node.type in ("dataframe", "arrow_data_frame"):
            fields.pop("data", None)
            frame = node.value.data if hasattr(node.value, "data") else node.value  # a Styler's frame
            yield from (str(c) for c in frame.columns)
            for column in frame.columns:
                yield from (x for x in frame[column].astype(str).unique() if isinstance(x, str))
        for key in ("spec", "json"):  # Plotly and deck.gl specs are JSON text
            if isinstance(fields.get(key), str):
                fields[key] = json.loads(fields[key])
        yield from strings(fields)
    for child in (getattr(node, "children", None) or {}).values():
        yield from sent_texts(child)


def page_params(page: str, con) -> dict[str, str]:
    params = {"lang": "en"}
    if page == "compound":  # the profile of a compound with records of every kind
        params["compound"] = con.sql("""
            select compound_id from mart_compound_profile_monthly
            where month = (select max(month) from mart_compound_profile_monthly)
            order by inspections_to_date desc, complaints_12m desc, compound_id limit 1""").fetchall()[0][0]
    if page == "tables":
        params["table"] = PREVIEWED
    return params


# the city in the last month, and a county before the plan's baseline (other sentences, other statuses)
VIEWS = {"city-latest": {}, "county-before-the-plan": {"scope": "620622", "month": "2024-06"}}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("page", list(registered_pages()))
def test_every_desk_page_is_english(demo, page, view):
    at = run_page(page, timeout=120, **page_params(page, demo), **VIEWS[view])
    assert not at.exception
    allowed = as_sent(demo) + (stored_values(demo, PREVIEWED) if page in DATA_PAGES else [])
    left = {}
    for text in sent_texts(at._tree):
        if CJK.search(text) and (words := chinese_left(text, allowed)):
            left[text[:120]] = words
    assert left == {}


# Every column a page shows through v() (or, for a list written with 、, its items through v_list()): its
# distinct values in the demo warehouse.
TRANSLATED = {
    "management modes": "select management_mode from core_compound_months",
    "service grades": "select service_grade from mart_service_grades_monthly",
    "assessed grades": "select grade from mart_grade_assessments_monthly "
                       "union select previous_grade from mart_grade_assessments_monthly "
                       "union select grade_in_force from mart_grade_assessments_monthly "
                       "union select grade_source from mart_grade_assessments_monthly",
    "target statuses": "select status from mart_target_status "
                       "union select coverage_status from mart_county_ranking_monthly "
                       "union select committee_status from mart_county_ranking_monthly",
    "inspection quarters": "select status from mart_inspection_compliance_quarterly",
    "committee statuses and types": "select status from mart_committee_compounds_monthly "
                                    "union select committee_status from mart_compound_profile_monthly "
                                    "union select committee_type from mart_committee_compounds_monthly",
    "complaint fields": "select category from mart_complaint_records union select channel from mart_complaint_records "
                        "union select status from mart_complaint_records "
                        "union select satisfaction from mart_complaint_records "
                        "union select appeal_type from mart_complaint_records "
                        "union select resolved_level from mart_complaint_records",
    "complaint breakdowns": "select value from mart_complaint_breakdown_monthly",
    "resolution levels": "select level from mart_complaint_resolution_levels",
    "inspection results": "select result from mart_inspection_records",
    "rectification sources and categories": "select source from mart_rectification_monthly union select source "
                                            "from mart_open_rectifications_monthly union select category "
                                            "from mart_open_rectifications_monthly",
    "utilities": "select utility from mart_utilities_monthly",
    "mediations": "select dispute_type from mart_mediation_monthly union select outcome from mart_mediation_cases",
    "firm lists": "select list_zh from mart_firm_credit_scope_quarterly",
    "inspection items": "select unnest(string_split(items, '、')) from mart_inspection_records",
    "platforms still to upload to": "select unnest(string_split(pending_platforms, '、')) "
                                    "from mart_inspection_uploads_pending",
    "credit-point terms": "select unnest(string_split(detail_term, '、')) from mart_firm_credit_deductions",
}


@pytest.mark.parametrize("column", TRANSLATED)
def test_every_value_a_page_translates_has_its_english(demo, column):
    from dashboard.i18n import TEXT

    values = {r[0] for r in demo.sql(TRANSLATED[column]).fetchall() if r[0]}
    assert any(CJK.search(x) for x in values), "the demo city has these values"
    assert sorted(x for x in values if CJK.search(x) and not all(TEXT.get(f"value.{x}", ()))) == []


def test_county_names_come_from_the_warehouse(demo):
    """One spelling: v() names a scope as core_scopes (the region pack) does; i18n keeps no list of its own."""
    from dashboard.i18n import TEXT, v

    scopes = demo.sql("select scope_code, name_zh, name_en from core_scopes").fetchall()
    assert len(scopes) == 5
    for code, zh, en in scopes:
        assert f"value.{code}" not in TEXT
        assert (v(code, "zh"), v(code, "en")) == (zh, en)
