-- zh: 小区水电气暖产权排查（每月末：各小区每类管线最近一次排查结果）
-- en: Utilities census per compound and utility at each month end (the latest census at or before the month)
-- column utility: 类别（供水 / 供电 / 供气 / 供热） | Utility
-- column census_as_of: 所用排查月份 | Census month used
-- column ownership_clarified: 产权明晰 | Ownership clarified
-- column billed_to_household: 收费到户 | Billed to households
-- column serviced_to_household: 服务到户 | Serviced to households
-- column all_done: 三项均已完成 | All three done
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column operator: 运营单位 | Operator
with censuses as (
    select *, lead(as_of) over (partition by compound_id, utility order by as_of) as next_as_of
    from stg_utilities
),
latest as (
    -- each census holds from its month until the next census of the same compound and utility
    select m.month, u.compound_id, u.utility, u.as_of as census_as_of,
        coalesce(u.ownership_clarified, false) as ownership_clarified,
        coalesce(u.billed_to_household, false) as billed_to_household,
        coalesce(u.serviced_to_household, false) as serviced_to_household,
        u.operator
    from censuses u
    join core_months m on m.month >= u.as_of and m.month < coalesce(u.next_as_of, 'infinity'::date)
)
select
    l.month,
    l.compound_id,
    cm.compound_name,
    cm.county_code,
    cm.town,
    l.utility,
    l.census_as_of,
    l.ownership_clarified,
    l.billed_to_household,
    l.serviced_to_household,
    l.ownership_clarified and l.billed_to_household and l.serviced_to_household as all_done,
    l.operator
from latest l
join core_compound_months cm using (compound_id, month)
