-- zh: 水电气暖产权排查汇总（按月、按全市/县区、按类别；“全部”为四类合计）：已排查小区、产权明晰率、收费到户率、服务到户率
-- en: Utilities census by month, scope and utility (全部: all four): compounds surveyed, and the shares with ownership clarified, billed and serviced to households
-- column utility: 类别（供水 / 供电 / 供气 / 供热 / 全部） | Utility (全部: all)
-- column compounds: 范围内小区数 | Compounds in the scope
-- column compounds_surveyed: 已排查小区数 | Compounds surveyed
-- column census_coverage: 排查覆盖率（已排查小区 ÷ 小区数） | Census coverage (surveyed ÷ compounds)
-- column items: 排查项数（小区×类别） | Items surveyed (compound × utility)
-- column ownership_rate: 产权明晰率（÷ 排查项数） | Ownership clarified ÷ items
-- column billed_rate: 收费到户率（÷ 排查项数） | Billed to households ÷ items
-- column serviced_rate: 服务到户率（÷ 排查项数） | Serviced to households ÷ items
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column sort_order: 类别显示顺序（全部在前） | Utility display order (全部 first)
-- column ownership_clarified: 产权明晰的排查项数 | Items with ownership clarified
-- column billed_to_household: 收费到户的排查项数 | Items billed to households
-- column serviced_to_household: 服务到户的排查项数 | Items serviced to households
-- column all_done: 三项均已完成的排查项数 | Items with all three done
with utilities as (
    select * from (values ('供水', 1), ('供电', 2), ('供气', 3), ('供热', 4), ('全部', 0)) t(utility, sort_order)
),
compounds as (
    select
        month,
        sm.scope_code,
        count(*) as compounds
    from core_compound_months
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
),
per_compound as (
    -- the four utilities summed per compound and month
    select month, county_code, compound_id,
        count(*) as items,
        count(*) filter (where ownership_clarified) as ownership_clarified,
        count(*) filter (where billed_to_household) as billed_to_household,
        count(*) filter (where serviced_to_household) as serviced_to_household,
        count(*) filter (where all_done) as all_done
    from mart_utilities_compounds_monthly
    group by all
),
census as (
    -- a compound has one row a month in core_compound_months, so one per utility and month here: compounds
    -- surveyed are rows (no count(distinct) over every compound, utility and month)
    select
        month,
        sm.scope_code,
        utility,
        count(*) as compounds_surveyed,
        count(*) as items,
        count(*) filter (where ownership_clarified) as ownership_clarified,
        count(*) filter (where billed_to_household) as billed_to_household,
        count(*) filter (where serviced_to_household) as serviced_to_household,
        count(*) filter (where all_done) as all_done
    from mart_utilities_compounds_monthly
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code, utility
    union all
    select
        month,
        sm.scope_code,
        '全部',
        count(*),
        sum(items)::bigint,
        sum(ownership_clarified)::bigint,
        sum(billed_to_household)::bigint,
        sum(serviced_to_household)::bigint,
        sum(all_done)::bigint
    from per_compound
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
)
select
    c.scope_code,
    c.month,
    u.utility,
    u.sort_order,
    c.compounds,
    coalesce(s.compounds_surveyed, 0) as compounds_surveyed,
    coalesce(s.compounds_surveyed, 0) / c.compounds as census_coverage,
    coalesce(s.items, 0) as items,
    coalesce(s.ownership_clarified, 0) as ownership_clarified,
    coalesce(s.billed_to_household, 0) as billed_to_household,
    coalesce(s.serviced_to_household, 0) as serviced_to_household,
    coalesce(s.all_done, 0) as all_done,
    s.ownership_clarified / nullif(s.items, 0) as ownership_rate,
    s.billed_to_household / nullif(s.items, 0) as billed_rate,
    s.serviced_to_household / nullif(s.items, 0) as serviced_rate
from compounds c
cross join utilities u
left join census s on s.scope_code = c.scope_code and s.month = c.month and s.utility = u.utility
