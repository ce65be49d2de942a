"""The golden fixture's cases of DOMAIN.md section 8 (bad cells, scope from the file, codes cleaned, 已销号
without a date), worked out by hand in golden/EXPECTED.md ("Bad cells and cleaned codes")."""

from __future__ import annotations

from datetime import date

from tests.conftest import approx

LZ, MQ, CITY = "620602", "620621", "620600"
OCT, FEB = date(2024, 10, 31), date(2025, 2, 28)
F1 = "91620602MA71A0001H"


def test_a_compound_with_a_bad_management_mode_stays_in_every_count(golden):
    got = golden.execute("select scope_code, compounds, covered, remaining, mode_unknown, unmanaged, "
                         "households_unknown, household_coverage from mart_coverage_monthly "
                         "where month = ? and scope_code in (?, ?) order by scope_code", [OCT, CITY, LZ]).fetchall()
    assert got == [(CITY, 12, 4, 8, 1, 4, 0, approx(700 / 2400)), (LZ, 8, 3, 5, 1, 1, 0, approx(600 / 2000))]
    assert golden.execute("select with_committee, compounds from mart_committee_coverage_monthly "
                          "where scope_code = ? and month = ?", [LZ, OCT]).fetchall() == [(2, 8)]
    assert golden.execute("select management_mode, is_professional, households from stg_compounds "
                          "where compound_id = 'L08' and as_of = ?", [OCT]).fetchall() == [(None, False, 400)]


def test_no_compound_has_unknown_households_or_mode_in_other_months(golden):
    assert golden.execute("select count(*) from mart_coverage_monthly where month <> ? "
                          "and (households_unknown > 0 or mode_unknown > 0)", [OCT]).fetchall() == [(0,)]


def test_a_county_typo_in_the_countys_own_file_takes_the_files_county(golden):
    assert golden.execute("select county_code from stg_compounds where compound_id = 'M04' and as_of = ?",
                          [OCT]).fetchall() == [(MQ,)]
    assert golden.execute("select compounds from mart_coverage_monthly where scope_code = ? and month = ?",
                          [MQ, OCT]).fetchall() == [(4,)]


def test_a_credit_code_with_an_ideographic_space_keeps_its_event(golden):
    assert golden.execute("select firm_credit_code, points from stg_credit_events where event_id = 'E1'"
                          ).fetchall() == [(F1, 3)]


def test_closed_without_a_close_date_counts_closed_and_is_left_out_of_days_to_close(golden):
    q = ("select items_to_date, closed_to_date, close_rate, median_days_to_close, close_date_unknown "
         "from mart_rectification_monthly where scope_code = ? and month = ? and source = '全部'")
    assert golden.execute(q, [CITY, FEB]).fetchall() == [(4, 3, approx(0.75), approx(32), 1)]
    assert golden.execute(q, [MQ, FEB]).fetchall() == [(2, 2, approx(1.0), approx(29), 1)]
    assert golden.execute(q, [LZ, FEB]).fetchall() == [(2, 1, approx(0.5), approx(35), 0)]
    assert golden.execute("select is_closed, closed_on, days_to_close, is_overdue "
                          "from core_rectifications where issue_id = 'R4'").fetchall() == [(True, None, None, False)]
    assert golden.execute("select closed_in_month from mart_rectification_monthly where scope_code = ? "
                          "and month = ? and source = '全部'", [MQ, FEB]).fetchall() == [(0,)]


def test_the_cell_findings_are_exactly_the_four_cases(golden):
    got = golden.execute('select _file, _row, county_code, "column", original, loaded, rule, severity '
                         'from audit_cell_findings order by _file, _row').fetchall()
    assert got == [
        ("凉州区_住宅小区物业管理台账_2024-10.csv", 9, LZ, "management_mode", "物业公司", None, "allowed_values",
         "cell"),
        ("武威市_物业企业信用信息记录_2025-02.csv", 2, None, "firm_credit_code", "91620602M\u3000A71A0001H", F1,
         "code_spaces", "warning"),
        ("武威市_问题整改销号台账_2025-02.csv", 5, None, "closed_on", None, None, "closed_on_missing", "warning"),
        ("民勤县_住宅小区物业管理台账_2024-10.csv", 5, MQ, "county", "民芹县", MQ, "county_from_file", "warning"),
    ]
    assert golden.execute("select count(*) from audit_quarantine").fetchall() == [(0,)]
    assert golden.execute("select sum(cells_nulled) from audit_source_files").fetchall() == [(1,)]


def test_the_pass_rate_counts_the_failed_rules_by_severity(golden):
    assert golden.execute("select rules_failed_critical, rules_failed_error, rules_failed_cell, rules_failed_warning "
                          "from mart_quality_pass_rate where is_latest and scope_code = ? and ledger = '全部'",
                          [CITY]).fetchall() == [(0, 0, 1, 3)]


def test_the_cockpit_says_how_many_compounds_coverage_could_not_read(golden_app_env):
    """L08's 管理方式 was nulled in 凉州 2024-10: the coverage tile says so (and counts it not covered);
    a month without such a cell says nothing."""
    from tests.apptest import run_page

    october = run_page("overview", scope=LZ, month="2024-10")
    assert not october.exception
    notes = " ".join(c.value for c in october.caption)
    assert "1 个小区管理方式不明，计为未覆盖" in notes
    february = run_page("overview", scope=LZ, month="2025-02")
    assert "管理方式不明" not in " ".join(c.value for c in february.caption)
