"""The golden fixture's committees, inspections, rectification, utilities, mediation, joint meetings and compound
profiles: every number here was worked out by hand in golden/EXPECTED.md."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import approx

LZ, MQ, CITY = "620602", "620621", "620600"
FEB, JAN, DEC = date(2025, 2, 28), date(2025, 1, 31), date(2024, 12, 31)


def rows(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def one(con, sql, *params):
    found = rows(con, sql, *params)
    assert len(found) == 1, f"{sql} {params} -> {found}"
    return found[0]


@pytest.mark.parametrize(("scope", "ending", "overdue", "party", "members", "share", "trainings", "trained"), [
    (CITY, 1, 2, 7, 22, 7 / 22, 4, 0.75),
    (LZ, 1, 1, 6, 17, 6 / 17, 3, 2 / 3),
    (MQ, 0, 1, 1, 5, 0.2, 1, 1.0),
])
def test_committee_governance(golden, scope, ending, overdue, party, members, share, trainings, trained):
    got = one(golden, "select terms_ending_soon, reelection_overdue, party_members, members, party_member_share, "
                      "trainings_this_year, trained_share from mart_committee_governance_monthly "
                      "where scope_code = ? and month = ?", scope, FEB)
    assert got == (ending, overdue, party, members, approx(share), trainings, approx(trained))


def test_committee_terms_and_overdue_days(golden):
    assert rows(golden, "select compound_id, days_to_term_end from mart_committee_compounds_monthly "
                        "where month = ? and term_ending_soon", FEB) == [("L02", 70)]
    assert rows(golden, "select compound_id, status, days_past_term from mart_committee_compounds_monthly "
                        "where month = ? and reelection_overdue order by compound_id", FEB) == [
        ("L01", "已成立", 8), ("M03", "到期未换届", 59)]


def test_committee_towns_and_status_mix(golden):
    assert rows(golden, "select town, with_committee, compounds, committee_coverage, preparing, expired, dissolved, "
                        "none_set_up from mart_committee_town_monthly where month = ? order by town", FEB) == [
        ("三雷镇", 1, 4, approx(0.25), 1, 1, 1, 0),
        ("东大街街道", 3, 4, approx(0.75), 1, 0, 0, 0),
        ("西关街街道", 0, 4, approx(0.0), 0, 0, 0, 4),
    ]
    assert dict(rows(golden, "select status, compounds from mart_committee_status_monthly "
                             "where scope_code = ? and month = ?", CITY, FEB)) == {
        "已成立": 4, "筹备中": 2, "到期未换届": 1, "已解散": 1, "未组建": 4}


def test_inspection_results_and_uploads(golden):
    assert rows(golden, "select quarter, result, inspections, findings, penalty_cny from "
                        "mart_inspection_results_quarterly where scope_code = ? order by quarter, result", CITY) == [
        ("2024Q4", "未发现问题", 1, 0, 0), ("2024Q4", "责令整改", 1, 2, 0), ("2025Q1", "立案处罚", 1, 1, 5000)]
    q = ("select upload_supervision_rate, upload_credit_rate from mart_inspection_quarterly "
         "where scope_code = ? and quarter = ?")
    assert one(golden, q, CITY, "2024Q4") == (approx(1.0), approx(0.5))
    assert one(golden, q, CITY, "2025Q1") == (approx(0.0), approx(0.0))


def test_records_still_to_upload(golden):
    assert rows(golden, "select inspection_id, county_code, inspected_on, department, compound_name, firm_name, "
                        "pending_platforms from mart_inspection_uploads_pending where month <= ? "
                        "order by inspection_id", FEB) == [
        ("I002", MQ, date(2024, 12, 5), "民勤县住建局", "沙井子小区", "民勤县沙州物业管理有限公司",
         "武威市信用信息共享平台"),
        ("I003", LZ, date(2025, 1, 20), "凉州区住建局", "富民新村", "武威市天马物业服务有限公司",
         "甘肃省互联网+监管系统、武威市信用信息共享平台"),
    ]
    assert one(golden, "select count(*) from mart_inspection_uploads_pending where month <= ?", DEC) == (1,)


def test_compliance_grid(golden):
    got = rows(golden, "select county_code, quarter, rounds, status from mart_inspection_compliance_quarterly "
                       "order by county_code, quarter")
    assert [r for r in got if r[0] in (LZ, MQ)] == [
        (LZ, "2024Q3", 0, "未完成"), (LZ, "2024Q4", 1, "达标"), (LZ, "2025Q1", 1, "达标"),
        (MQ, "2024Q3", 0, "未完成"), (MQ, "2024Q4", 1, "达标"), (MQ, "2025Q1", 0, "进行中"),
    ]
    assert {r[3] for r in got if r[0] not in (LZ, MQ)} == {"未完成", "进行中"}


@pytest.mark.parametrize(("scope", "source", "want"), [
    (LZ, "全部", (2, 1, 0.5, 1, 18, 35)),
    (MQ, "全部", (2, 2, 1.0, 0, None, 29)),  # R4 closed without a date: counted closed, not in the median
    (CITY, "双随机检查", (2, 1, 0.5, 1, 18, 35)),
    (CITY, "日常巡查", (2, 2, 1.0, 0, None, 29)),
])
def test_rectification_by_county_and_source(golden, scope, source, want):
    got = one(golden, "select items_to_date, closed_to_date, close_rate, overdue_items, max_days_overdue, "
                      "median_days_to_close from mart_rectification_monthly where scope_code = ? and month = ? "
                      "and source = ?", scope, FEB, source)
    assert got == tuple(approx(w) if isinstance(w, float) else w for w in want)


def test_open_items(golden):
    q = "select issue_id, days_overdue from mart_open_rectifications_monthly where month = ? order by issue_id"
    assert rows(golden, q, FEB) == [("R2", 18)]
    assert rows(golden, q, DEC) == [("R3", None)]


UTILITIES = ("select utility, compounds_surveyed, items, ownership_clarified, billed_to_household, "
             "serviced_to_household, ownership_rate, billed_rate, serviced_rate, census_coverage "
             "from mart_utilities_monthly where scope_code = ? and month = ? order by sort_order")


def test_utilities_census(golden):
    assert rows(golden, UTILITIES, CITY, FEB) == [
        ("全部", 3, 8, 8, 6, 6, approx(1.0), approx(0.75), approx(0.75), approx(0.25)),
        ("供水", 3, 3, 3, 2, 3, approx(1.0), approx(2 / 3), approx(1.0), approx(0.25)),
        ("供电", 2, 2, 2, 2, 2, approx(1.0), approx(1.0), approx(1.0), approx(2 / 12)),
        ("供气", 1, 1, 1, 0, 0, approx(1.0), approx(0.0), approx(0.0), approx(1 / 12)),
        ("供热", 2, 2, 2, 2, 1, approx(1.0), approx(1.0), approx(0.5), approx(2 / 12)),
    ]
    assert rows(golden, UTILITIES, CITY, JAN)[0][6:9] == (approx(0.875), approx(0.625), approx(0.75))
    assert rows(golden, UTILITIES, LZ, FEB)[0][6:] == (approx(1.0), approx(5 / 6), approx(4 / 6), approx(0.25))
    assert rows(golden, "select compound_id, utility from mart_utilities_compounds_monthly "
                        "where month = ? and not all_done order by compound_id", FEB) == [
        ("L01", "供气"), ("L02", "供热"), ("M01", "供水")]


@pytest.mark.parametrize(("scope", "month", "want"), [
    (CITY, FEB, (5, 2, 1, 1, 1, 0.5)),
    (LZ, FEB, (4, 1, 1, 1, 1, 1 / 3)),
    (MQ, FEB, (1, 1, 0, 0, 0, 1.0)),
    (LZ, JAN, (3, 1, 1, 1, 0, 1 / 3)),
])
def test_mediation(golden, scope, month, want):
    got = one(golden, "select opened_12m, succeeded_12m, failed_12m, litigated_12m, in_progress_12m, "
                      "success_rate_12m from mart_mediation_monthly where scope_code = ? and month = ? "
                      "and dispute_type = '全部'", scope, month)
    assert got == tuple(approx(w) if isinstance(w, float) else w for w in want)


def test_mediation_by_type(golden):
    assert rows(golden, "select dispute_type, opened_12m, success_rate_12m from mart_mediation_monthly "
                        "where scope_code = ? and month = ? and dispute_type <> '全部' and opened_12m > 0 "
                        "order by dispute_type", CITY, FEB) == [
        ("停车纠纷", 1, approx(0.0)), ("噪音纠纷", 1, approx(1.0)), ("漏水纠纷", 1, approx(0.0)),
        ("物业费纠纷", 2, approx(1.0))]


@pytest.mark.parametrize(("scope", "want"), [
    (CITY, (1, 3, 9, 5, 5 / 9, 3)),
    (LZ, (0, 2, 5, 4, 0.8, 2)),
    (MQ, (1, 1, 4, 1, 0.25, 1)),
])
def test_joint_meetings(golden, scope, want):
    got = one(golden, "select meetings, meetings_12m, issues_raised_12m, issues_resolved_12m, resolution_rate_12m, "
                      "towns_12m from mart_joint_meetings_monthly where scope_code = ? and month = ?", scope, FEB)
    assert got == tuple(approx(w) if isinstance(w, float) else w for w in want)


def test_compound_profile_l04_management_history(golden):
    assert rows(golden, "select month, management_mode, firm_name, service_grade, fee_per_m2_month, "
                        "management_changed, committee_status from mart_compound_profile_monthly "
                        "where compound_id = 'L04' order by month") == [
        (date(2024, 9, 30), "业主自管", None, "未评定", approx(0.2), False, "筹备中"),
        (date(2024, 10, 31), "业主自管", None, "未评定", approx(0.2), False, "筹备中"),
        (date(2024, 11, 30), "专业物业", "武威市天马物业服务有限公司", "二级", approx(1.0), True, "筹备中"),
        (DEC, "专业物业", "武威市天马物业服务有限公司", "二级", approx(1.0), False, "筹备中"),
        (JAN, "专业物业", "武威市天马物业服务有限公司", "二级", approx(1.0), False, "筹备中"),
        (FEB, "专业物业", "武威市天马物业服务有限公司", "二级", approx(1.0), False, "筹备中"),
    ]


def test_compound_profiles_l03_and_l07(golden):
    q = ("select committee_status, inspections_to_date, open_rectifications, overdue_rectifications, "
         "complaints_12m, per_100_households_12m from mart_compound_profile_monthly "
         "where compound_id = ? and month = ?")
    assert one(golden, q, "L03", FEB) == ("已成立", 1, 1, 1, 0, approx(0.0))
    assert one(golden, q, "L03", DEC)[0] == "未组建"
    assert one(golden, q, "L07", FEB)[4:] == (8, approx(8 / 3))
    assert rows(golden, "select case_id from mart_mediation_cases where compound_id = 'L07' order by 1") == [
        ("C001",), ("C003",)]
