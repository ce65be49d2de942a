-- zh: 业委会（物管会）状态构成（按月、按全市/县区：已成立、筹备中、到期未换届、已解散、未组建的小区数）
-- en: Committee status mix by month and scope: compounds with an established committee, being set up, expired, dissolved, none
-- column status: 状态（已成立 / 筹备中 / 到期未换届 / 已解散 / 未组建） | Status
-- column compounds: 小区数 | Compounds
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column sort_order: 状态显示顺序 | Status display order
with statuses as (
    select * from (values ('已成立', 1), ('筹备中', 2), ('到期未换届', 3), ('已解散', 4), ('未组建', 5)) t(status, sort_order)
),
counts as (
    select
        month,
        sm.scope_code,
        status,
        count(*) as compounds
    from mart_committee_compounds_monthly
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code, status
),
grid as (
    select distinct c.month, c.scope_code, s.status, s.sort_order from counts c cross join statuses s
)
select g.scope_code, g.month, g.status, g.sort_order, coalesce(c.compounds, 0) as compounds
from grid g
left join counts c using (scope_code, month, status)
