"""The dashboard's one column dictionary: every column a table shows, declared once — its kind (and so its
format) and the key of its label in the translation table (dashboard/i18n.py: the `col.` group, or the
page's own key where the column is a metric or a page's own wording). A page names the columns it shows, in
order, and gets their configs in the view's language:

    table(frame, configs("profile", "compound_name", "county", "complaints"), ...)

A column that reads differently in one table (the firm page says 企业 where the others say 物业企业) is a
second entry, "firm_name/firms", named the same way; the table's column is still firm_name.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.i18n import t


@dataclass(frozen=True)
class Column:
    kind: str  # text, count, number (with its format), percent, date, month, datetime, check, link, trend
    label: str  # a key of i18n.TEXT
    format: str | None = None
    width: str | None = None


def _config(column: Column, lang: str | None):
    cc, label, width = st.column_config, t(column.label, lang), column.width
    match column.kind:
        case "text":
            return cc.TextColumn(label, width=width)
        case "count":
            return cc.NumberColumn(label, format="%d", width=width)
        case "number":
            return cc.NumberColumn(label, format=column.format, width=width)
        case "percent":  # a fraction shown as a percentage: as_percent() first
            return cc.NumberColumn(label, format="%.1f%%", width=width)
        case "date":
            return cc.DateColumn(label, format="YYYY-MM-DD", width=width)
        case "month":
            return cc.DateColumn(label, format="YYYY-MM", width=width)
        case "datetime":
            return cc.DatetimeColumn(label, format="YYYY-MM-DD HH:mm", width=width)
        case "check":
            return cc.CheckboxColumn(label, width=width)
        case "link":  # with_profile_links(): shows the compound id, opens its profile
            return cc.LinkColumn(label, display_text=r"compound=([^&]*)", alignment="left", width=width)
        case "trend":  # a list of fractions
            return cc.AreaChartColumn(label, y_min=0, y_max=1, width=width)
    raise ValueError(column.kind)


def configs(*columns: str | dict, lang: str | None = None) -> dict:
    """The column configs (name -> config, in order) of the named dictionary columns; a dict among them (a
    column a page makes itself, such as a status with its own colours) is taken as it is, in its place."""
    config = {}
    for column in columns:
        if isinstance(column, dict):
            config.update(column)
        else:
            config[column.split("/")[0]] = _config(COLUMNS[column], lang)
    return config


def label(column: str, lang: str | None = None) -> str:
    return t(COLUMNS[column].label, lang)


COLUMNS: dict[str, Column] = {
    "actual": Column("text", "targets.col_actual"),
    "appeal_type": Column("text", "col.appeal_type"),
    "baseline_rate": Column("number", "col.baseline_rate", format="%.2f"),
    "beautiful_home": Column("count", "plan.col_beautiful_home"),
    "best": Column("text", "targets.col_best"),
    "billed_rate": Column("percent", "mediation.billed_rate"),
    "billed_to_household": Column("check", "col.billed_to_household"),
    "case_id": Column("text", "col.case_id"),
    "category": Column("text", "col.category"),
    "category/complaints": Column("text", "col.category.complaints"),
    "category/firms": Column("text", "col.category.firms"),
    "census_as_of": Column("month", "col.census_as_of"),
    "census_coverage": Column("percent", "mediation.census_coverage"),
    "checked_column": Column("text", "col.checked_column"),
    "close_rate": Column("percent", "inspections.close_rate"),
    "closed_late": Column("check", "col.closed_late"),
    "closed_to_date": Column("count", "col.closed_to_date"),
    "column_name": Column("text", "col.column_name"),
    "columns": Column("count", "col.columns"),
    "committee_coverage": Column("percent", "metric.committee_coverage"),
    "committee_coverage/map": Column("text", "map.metric.committee_coverage"),
    "committee_coverage_status": Column("text", "map.col_status.committee_coverage"),
    "committee_status": Column("text", "compound.committee"),
    "committee_type": Column("text", "col.committee_type"),
    "complaint_rate/map": Column("text", "map.metric.complaint_rate"),
    "complaint_rate_status": Column("text", "map.col_status.complaint_rate"),
    "complaint_share": Column("percent", "col.complaint_share"),
    "complaints": Column("count", "col.complaints"),
    "complaints_12m": Column("count", "col.complaints_12m"),
    "compound_ids": Column("text", "col.compound_ids"),
    "compound_name": Column("text", "col.compound_name"),
    "compound_name/compound": Column("text", "col.compound_name.compound"),
    "compounds": Column("count", "col.compounds"),
    "compounds/plan": Column("count", "plan.col_compounds"),
    "compounds_in_scope": Column("count", "col.compounds_in_scope"),
    "compounds_surveyed": Column("count", "col.compounds_surveyed"),
    "contracts_ended": Column("count", "plan.col_contracts_ended"),
    "contracts_ending_soon": Column("count", "plan.col_contracts_ending_soon"),
    "contracts_filed": Column("count", "plan.col_contracts_filed"),
    "county": Column("text", "col.county"),
    "county_code": Column("text", "col.county"),
    "coverage": Column("percent", "metric.coverage"),
    "coverage/map": Column("text", "map.metric.coverage"),
    "coverage_status": Column("text", "map.col_status.coverage"),
    "coverage_trend": Column("trend", "col.coverage_trend"),
    "credit_points": Column("number", "col.credit_points", format="%+.0f"),
    "data_type": Column("text", "col.data_type"),
    "days_late": Column("count", "col.days_late"),
    "days_overdue": Column("count", "col.days_overdue"),
    "days_past_term": Column("count", "col.days_past_term"),
    "days_to_term_end": Column("count", "col.days_to_term_end"),
    "deadline": Column("date", "col.deadline"),
    "deadline/submissions": Column("date", "col.deadline.submissions"),
    "deadline/targets": Column("text", "targets.col_deadline"),
    "deductions": Column("count", "col.deductions"),
    "department": Column("text", "col.department"),
    "description": Column("text", "col.description"),
    "detail": Column("text", "col.detail", width="large"),
    "disclosure_posted": Column("count", "plan.col_disclosure_posted"),
    "disclosure_unknown": Column("count", "plan.col_disclosure_unknown"),
    "dispute_type": Column("text", "col.dispute_type"),
    "drop_share": Column("number", "col.drop_share", format="percent"),
    "element_count": Column("count", "col.element_count"),
    "en": Column("text", "col.en"),
    "en/tables": Column("text", "col.table_description"),
    "established_on": Column("date", "col.established_on"),
    "expected": Column("text", "targets.col_expected"),
    "expired": Column("count", "value.到期未换届"),
    "failed_12m": Column("count", "mediation.outcome_failed"),
    "fee_cap_per_m2_month": Column("number", "col.fee_cap_per_m2_month", format="%.2f"),
    "fee_collection_rate": Column("percent", "col.fee_collection_rate"),
    "fee_excess": Column("number", "col.fee_excess", format="%.2f"),
    "fee_per_m2_month": Column("number", "col.fee_per_m2_month", format="%.2f"),
    "_file": Column("text", "col.file"),
    "files": Column("text", "col.files", width="large"),
    "files/submissions": Column("count", "col.files.submissions"),
    "files_replaced": Column("count", "col.files_replaced"),
    "findings": Column("count", "inspections.findings"),
    "findings/firms": Column("count", "col.findings.firms"),
    "firm_credit_code": Column("text", "col.firm_credit_code"),
    "firm_name": Column("text", "col.firm_name"),
    "firm_name/firms": Column("text", "col.firm_name.firms"),
    "first_path": Column("text", "col.first_path"),
    "found_on": Column("date", "col.found_on"),
    "found_on/firms": Column("date", "col.found_on.firms"),
    "grade": Column("text", "col.grade"),
    "grade_in_force": Column("text", "col.grade_in_force"),
    "grade_source": Column("text", "col.grade_source"),
    "held_on": Column("date", "col.held_on"),
    "households": Column("count", "col.households"),
    "households_in_scope": Column("count", "col.households"),
    "in_progress_12m": Column("count", "mediation.outcome_in_progress"),
    "inspected_on": Column("date", "col.inspected_on"),
    "inspected_on/firms": Column("date", "col.inspected_on.firms"),
    "inspection_id": Column("text", "col.inspection_id"),
    "inspection_id/firms": Column("text", "col.inspection_id.firms"),
    "is_carried_forward": Column("check", "col.is_carried_forward"),
    "issue_id": Column("text", "col.issue_id"),
    "issue_id/firms": Column("text", "col.issue_id.firms"),
    "issues_raised": Column("count", "col.issues_raised"),
    "issues_resolved": Column("count", "col.issues_resolved"),
    "items": Column("text", "col.items"),
    "items/firms": Column("text", "col.items.firms"),
    "items_to_date": Column("count", "col.items_to_date"),
    "layer": Column("text", "col.layer"),
    "ledger": Column("text", "col.ledger"),
    "level": Column("text", "col.level", width="small"),
    "list": Column("text", "col.list"),
    "litigated_12m": Column("count", "mediation.outcome_litigated"),
    "loaded": Column("text", "col.loaded"),
    "management_changed": Column("check", "col.management_changed"),
    "management_mode": Column("text", "compound.mode"),
    "max_days_overdue": Column("count", "col.max_days_overdue"),
    "median_days_to_close": Column("number", "inspections.median_days", format="%.1f"),
    "meeting_id": Column("text", "col.meeting_id"),
    "members": Column("count", "col.members"),
    "message": Column("text", "col.message", width="large"),
    "month": Column("month", "col.month"),
    "months_left": Column("count", "targets.col_months_left"),
    "none_set_up": Column("count", "value.未组建"),
    "occurred_on": Column("date", "col.inspected_on.firms"),
    "open_items": Column("count", "inspections.open_items"),
    "open_rectifications": Column("count", "inspections.open_items"),
    "opened_12m": Column("count", "mediation.cases_12m"),
    "opened_on": Column("date", "col.opened_on"),
    "operator": Column("text", "col.operator"),
    "original": Column("text", "col.original", width="large"),
    "outcome": Column("text", "col.outcome"),
    "overdue_items": Column("count", "overview.overdue"),
    "ownership_clarified": Column("check", "col.ownership_clarified"),
    "ownership_rate": Column("percent", "mediation.ownership_rate"),
    "party_members": Column("count", "col.party_members"),
    "path": Column("text", "col.file"),
    "penalty_cny": Column("number", "col.penalty_cny", format="%.0f"),
    "penalty_cny/firms": Column("number", "col.penalty_cny.firms", format="%.0f"),
    "pending_platforms": Column("text", "col.pending_platforms"),
    "per_100_households_12m": Column("number", "col.per_100_households_12m", format="%.2f"),
    "per_month": Column("text", "targets.col_per_month"),
    "period": Column("month", "col.period"),
    "period/firms": Column("text", "col.period.firms"),
    "points": Column("number", "col.points", format="%+.0f"),
    "points_gained": Column("number", "col.points_gained", format="%.0f"),
    "points_lost": Column("number", "col.points_lost", format="%.0f"),
    "preparing": Column("count", "value.筹备中"),
    "previous_grade": Column("text", "col.previous_grade"),
    "previous_rows": Column("count", "col.previous_rows"),
    "professional": Column("count", "plan.col_professional"),
    "profile": Column("link", "col.profile"),
    "profile/firms": Column("link", "col.profile.firms"),
    "project_manager_on_file": Column("count", "plan.col_project_manager_on_file"),
    "projected": Column("text", "targets.col_projected"),
    "rank": Column("count", "col.rank", width="small"),
    "rank/overview": Column("number", "col.rank", width="small"),
    "rank_in_scope": Column("count", "col.rank", width="small"),
    "rate": Column("text", "targets.col_rate"),
    "rate_per_1000": Column("number", "complaints.monthly_rate", format="%.2f"),
    "ratio_to_baseline": Column("percent", "col.ratio_to_baseline"),
    "reached": Column("text", "targets.col_reached"),
    "reasons": Column("text", "col.reasons", width="large"),
    "received_at": Column("datetime", "col.received_at"),
    "received_at/submissions": Column("datetime", "col.received_at.submissions"),
    "red_property": Column("count", "plan.col_red_property"),
    "reelection_overdue": Column("count", "committees.overdue"),
    "ref_id": Column("text", "col.ref_id"),
    "reject_rule": Column("text", "col.reject_rule"),
    "remaining": Column("count", "overview.remaining"),
    "replaced_by": Column("text", "col.replaced_by", width="large"),
    "reported_compound_name": Column("text", "col.reported_compound_name"),
    "requirement": Column("text", "col.requirement", width="large"),
    "resolved_level": Column("text", "col.resolved_level"),
    "result": Column("text", "col.result"),
    "result/targets": Column("text", "targets.col_result"),
    "rolling12_rate": Column("number", "complaints.rolling12", format="%.2f"),
    "rolling12_rate/overview": Column("number", "overview.complaint_rate", format="%.1f"),
    "_row": Column("count", "col.row"),
    "rows": Column("number", "col.rows", format="localized"),
    "rows_received": Column("count", "col.rows_received"),
    "rows_rejected": Column("count", "col.rows_rejected"),
    "rows_replaced": Column("count", "col.rows_replaced"),
    "rule": Column("text", "col.reject_rule"),
    "rule/firms": Column("text", "col.rule.firms"),
    "satisfaction": Column("text", "col.satisfaction"),
    "scope": Column("text", "col.scope"),
    "scope_code": Column("text", "col.scope_code"),
    "score": Column("number", "col.score", format="%.0f"),
    "score/firms": Column("number", "col.score.firms", format="%.0f"),
    "sender": Column("text", "col.sender"),
    "service_grade": Column("text", "compound.grade"),
    "service_grade/firms": Column("text", "col.grade"),
    "serviced_rate": Column("percent", "mediation.serviced_rate"),
    "serviced_to_household": Column("check", "col.serviced_to_household"),
    "severity": Column("text", "col.severity"),
    "source": Column("text", "col.source"),
    "source/firms": Column("text", "col.source.firms"),
    "source_file": Column("text", "col.source_file"),
    "source_row": Column("count", "col.row"),
    "state": Column("text", "col.status"),
    "status": Column("text", "col.status"),
    "status/submissions": Column("text", "col.outcome_short"),
    "status_label": Column("text", "col.status"),
    "substantiated": Column("check", "col.substantiated"),
    "succeeded_12m": Column("count", "mediation.outcome_succeeded"),
    "success_rate_12m": Column("percent", "mediation.success_rate"),
    "table_name": Column("text", "col.table_name"),
    "takeover_inspected": Column("count", "plan.col_takeover_inspected"),
    "takeover_open_items": Column("count", "plan.col_takeover_open_items"),
    "target": Column("text", "targets.col_target"),
    "term_end": Column("date", "col.term_end"),
    "terms_ending_soon": Column("count", "col.terms_ending_soon"),
    "ticket_id": Column("text", "col.ticket_id"),
    "top_share": Column("percent", "col.top_share"),
    "town": Column("text", "col.town"),
    "trainings_this_year": Column("count", "committees.trainings"),
    "unexpected_count": Column("count", "col.unexpected_count"),
    "unexpected_sample": Column("text", "col.unexpected_sample", width="large"),
    "uploaded_credit": Column("check", "inspections.platform_credit"),
    "uploaded_supervision": Column("check", "inspections.platform_supervision"),
    "utility": Column("text", "col.utility"),
    "value": Column("text", "col.value"),
    "value_sent": Column("text", "col.value_sent"),
    "with_committee": Column("count", "col.with_committee"),
    "worst": Column("text", "targets.col_worst"),
    "yoy_change": Column("percent", "col.yoy_change"),
    "zh": Column("text", "col.zh"),
}
