-- zh: 专业物业服务覆盖率（按月、按全市/县区；按小区数与按户数）
-- en: Professional property-service coverage by month and scope (by compounds and by households)
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column compounds: 小区总数 | Compounds
-- column covered: 专业物业服务小区数 | Compounds served by a professional firm
-- column remaining: 尚无专业物业服务的小区数（含管理方式不明） | Compounds still without professional service (mode unknown included)
-- column coverage: 覆盖率（按小区数） | Coverage (share of compounds)
-- column household_coverage: 覆盖率（按户数；不含户数不明的小区） | Coverage (share of households; compounds whose households are unknown left out)
-- column households_unknown: 户数不明的小区数（户数单元格无效已置空，不计入按户数的覆盖率） | Compounds whose households are unknown (the cell was invalid and nulled): left out of household coverage
-- column mode_unknown: 管理方式不明的小区数（单元格无效已置空；计入小区总数，不计为覆盖） | Compounds whose management mode is unknown (the cell was invalid and nulled): in the denominator, not counted covered
-- column coverage_change_1m: 较上月变化（百分点，小数） | Change since last month (fraction points)
-- column carried_forward: 当月未报送、沿用上期的小区数 | Compounds carried forward from an earlier snapshot
-- column month: 月份（月末） | Month (month end)
-- column households: 总户数 | Households
-- column covered_households: 专业物业服务的户数 | Households served by a professional firm
-- column community_hosted: 社区托管小区数 | Community-hosted compounds
-- column owner_managed: 业主自管小区数 | Owner-managed compounds
-- column employer_managed: 单位自管小区数 | Employer-managed compounds
-- column unmanaged: 无物业小区数 | Compounds with no management
with by_scope as (
    select
        month,
        sm.scope_code,
        count(*) as compounds,
        count(*) filter (where is_professional) as covered,
        count(*) filter (where not is_professional) as remaining,
        sum(households) as households,
        count(*) filter (where households is null) as households_unknown,
        count(*) filter (where management_mode is null) as mode_unknown,
        coalesce(sum(households) filter (where is_professional), 0) as covered_households,
        count(*) filter (where management_mode = '社区托管') as community_hosted,
        count(*) filter (where management_mode = '业主自管') as owner_managed,
        count(*) filter (where management_mode = '单位自管') as employer_managed,
        count(*) filter (where management_mode = '无物业') as unmanaged,
        count(*) filter (where is_carried_forward) as carried_forward
    from core_compound_months
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
)
select
    scope_code,
    month,
    compounds,
    covered,
    remaining,
    covered / compounds as coverage,
    households,
    covered_households,
    covered_households / households as household_coverage,
    households_unknown,
    mode_unknown,
    community_hosted,
    owner_managed,
    employer_managed,
    unmanaged,
    carried_forward,
    covered / compounds - lag(covered / compounds) over (partition by scope_code order by month) as coverage_change_1m
from by_scope
