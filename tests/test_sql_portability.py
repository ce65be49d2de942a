"""What of the models' SQL is DuckDB's own, for the day they move to a larger engine: every construct of a
fixed catalogue found in each model (SQLGlot's parse of DuckDB's SQL), as a list kept equal to the SQL; and
what SQLGlot itself cannot write for Spark SQL and PostgreSQL. When a model changes, so does the list."""

from __future__ import annotations

import sqlglot
from sqlglot import ErrorLevel, exp

from warehouse.models import load_models


def constructs(tree: exp.Expression) -> set[str]:
    """DuckDB-only (or DuckDB-first) syntax and functions in one parsed SELECT."""
    found = set()
    for node in tree.walk():
        if isinstance(node, exp.Qualify):
            found.add("QUALIFY")
        elif isinstance(node, exp.Group) and node.args.get("all"):
            found.add("GROUP BY ALL")
        elif isinstance(node, exp.Star) and node.args.get("except_"):
            found.add("* EXCLUDE")
        elif isinstance(node, exp.Star) and node.args.get("replace"):
            found.add("* REPLACE")
        elif isinstance(node, exp.Lambda):
            found.add("lambda x -> …")
        elif isinstance(node, exp.Join) and node.kind in ("ANTI", "SEMI"):
            found.add(f"{node.kind} JOIN")
        elif isinstance(node, exp.Join) and node.side == "ASOF":
            found.add("ASOF JOIN")
        elif isinstance(node, exp.Anonymous):
            found.add(f"{node.name.lower()}()")
        elif isinstance(node, exp.Array) and not isinstance(node.parent, exp.In):
            found.add("[list literal]")
        elif isinstance(node, exp.Struct):
            found.add("{struct literal}")
    return found


# construct -> the models that use it
DUCKDB_ONLY = {
    "* EXCLUDE": [
        "core_complaints", "core_compound_months", "core_compounds", "core_firms", "core_grade_assessments",
        "core_inspections", "core_rectification_months", "core_rectifications", "mart_quality_pass_rate",
        "mart_submissions",
    ],
    "ANTI JOIN": [
        "core_complaints",
    ],
    "GROUP BY ALL": [
        "core_firms", "mart_committee_town_monthly",
        "mart_complaint_breakdown_monthly", "mart_complaint_handling_monthly", "mart_complaint_records",
        "mart_compound_complaints_monthly", "mart_compound_plan_duties_monthly", "mart_compound_profile_monthly",
        "mart_firm_credit_levels_quarterly", "mart_firm_credit_quarterly", "mart_firm_credit_scope_quarterly",
        "mart_inspection_quarterly", "mart_inspection_records", "mart_open_rectifications_monthly",
        "mart_plan_scorecard", "mart_quality_pass_rate", "mart_quality_replaced_files", "mart_quality_row_drops",
        "mart_submission_completeness", "mart_submission_files", "mart_submissions", "mart_target_status",
        "mart_utilities_monthly", "stg_committees", "stg_compounds",
    ],
    "QUALIFY": [
        "core_compounds", "mart_firm_credit_quarterly", "stg_complaints", "stg_credit_events", "stg_firms",
        "stg_grade_assessments", "stg_inspections", "stg_joint_meetings", "stg_mediations", "stg_rectifications",
        "stg_utilities",
    ],
    "lambda x -> …": [
        "mart_joint_meeting_records",
    ],
    "regexp_split_to_array()": [
        "mart_joint_meeting_records",
    ],
    "to_months()": [
        "mart_target_status",
    ],
}


def test_the_duckdb_only_constructs_are_these():
    used: dict[str, list[str]] = {}
    for model in load_models():
        for construct in constructs(sqlglot.parse_one(model.sql, read="duckdb")):
            used.setdefault(construct, []).append(model.name)
    assert {k: sorted(v) for k, v in sorted(used.items())} == DUCKDB_ONLY


def untranslatable(dialect: str) -> dict[str, str]:
    """model -> SQLGlot's first complaint writing it for `dialect`, for the models it cannot write."""
    failed = {}
    for model in load_models():
        try:
            sqlglot.transpile(model.sql, read="duckdb", write=dialect, unsupported_level=ErrorLevel.RAISE)
        except sqlglot.errors.UnsupportedError as exc:
            failed[model.name] = str(exc).splitlines()[0]
    return failed


def test_what_sqlglot_cannot_write_for_spark_and_postgres():
    assert untranslatable("spark") == {}
    assert untranslatable("postgres") == UNTRANSLATABLE_POSTGRES


UNTRANSLATABLE_POSTGRES = {'mart_complaint_rate_monthly': 'PostgreSQL does not support IGNORE NULLS.',
 'mart_inspection_quarterly': 'PostgreSQL does not support IGNORE NULLS.'}


def test_every_table_a_model_reads_is_a_model_or_loaded_by_the_build():
    """The dependency order rests on the parse: a name it did not see as a table would be run out of order."""
    from warehouse.models import table_references

    models = load_models()
    names = {m.name for m in models}
    unknown = {(m.name, t) for m in models for t in table_references(m.sql)
               if t not in names and not t.startswith(("ref_", "raw_", "audit_")) and t != "build_runs"}
    assert unknown == set()
    position = {m.name: i for i, m in enumerate(models)}
    assert all(position[d] < position[m.name] for m in models for d in m.depends_on)
