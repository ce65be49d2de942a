-- zh: 业主委员会（物业管理委员会）覆盖率（按月、按全市/县区）
-- en: Owners' committee coverage by month and scope
-- column with_committee: 已成立业委会或物管会的小区数 | Compounds with an established committee
-- column committee_coverage: 覆盖率 | Committee coverage
-- column preparing: 筹备中 | Being set up
-- column expired: 到期未换届 | Term expired without re-election
-- column committee_coverage_change_1m: 较上月变化（小数） | Change since last month (fraction points)
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column compounds: 小区总数 | Compounds
-- column without_committee: 未成立业委会或物管会的小区数 | Compounds without an established committee
-- column dissolved: 已解散 | Dissolved
-- column management_committees: 已成立的物业管理委员会数 | Established property-management committees
-- column members: 已成立组织的委员人数 | Members of established committees
-- column party_members: 已成立组织的党员委员人数 | Party members of established committees
-- column filed: 已成立且已备案的组织数 | Established committees filed
-- column trainings_this_year: 已成立组织本年培训次数合计 | Trainings this year, established committees
with by_scope as (
    select
        month,
        sm.scope_code,
        count(*) as compounds,
        count(*) filter (where has_committee) as with_committee,
        count(*) filter (where not has_committee) as without_committee,
        count(*) filter (where status = '筹备中') as preparing,
        count(*) filter (where status = '到期未换届') as expired,
        count(*) filter (where status = '已解散') as dissolved,
        count(*) filter (where committee_type = '物业管理委员会' and has_committee) as management_committees,
        coalesce(sum(members) filter (where has_committee), 0) as members,
        coalesce(sum(party_members) filter (where has_committee), 0) as party_members,
        count(*) filter (where has_committee and filed) as filed,
        coalesce(sum(trainings_this_year) filter (where has_committee), 0) as trainings_this_year
    from core_committee_months
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
)
select
    scope_code,
    month,
    compounds,
    with_committee,
    without_committee,
    with_committee / compounds as committee_coverage,
    preparing,
    expired,
    dissolved,
    management_committees,
    members,
    party_members,
    filed,
    trainings_this_year,
    with_committee / compounds
        - lag(with_committee / compounds) over (partition by scope_code order by month) as committee_coverage_change_1m
from by_scope
