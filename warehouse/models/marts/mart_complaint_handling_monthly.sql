-- zh: 投诉办理质量（按受理月份）：按时办结率、满意率、办结层级、重复件与重复来电、未匹配小区
-- en: Complaint handling by month received: on-time closure, satisfaction, resolution level, repeats, unmatched compounds
-- column closed: 已办结投诉数 | Complaints closed
-- column on_time_rate: 按时办结率（时限内办结 ÷ 已办结） | On-time closure (closed by the deadline ÷ closed)
-- column visited: 已回访数 | Complaints followed up
-- column satisfaction_rate: 满意率（满意+基本满意 ÷ 已回访） | Satisfaction ((satisfied + fairly satisfied) ÷ followed up)
-- column closed_community_or_below: 在小区或社区化解数 | Closed at compound or community level
-- column repeat_share: 重复件占比 | Share marked as repeats
-- column repeat_callers: 当月来电两次及以上的诉求人数 | Callers with two or more complaints in the month
-- column unmatched: 未匹配到小区的投诉数 | Complaints not matched to a compound
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column complaints: 当月受理投诉（投诉+举报）数 | Complaints and reports received in the month
-- column closed_on_time: 时限内办结数 | Closed by the deadline
-- column satisfied: 回访满意或基本满意数 | Satisfied or fairly satisfied at follow-up
-- column closed_at_compound: 在小区化解数 | Closed at compound level
-- column closed_at_community: 在社区化解数 | Closed at community level
-- column closed_at_street: 在街道化解数 | Closed at street level
-- column closed_above_street: 在县区或市级部门办结数 | Closed by county or city departments
-- column repeats: 重复件数 | Repeat work orders
-- column callers: 当月诉求人数 | Callers in the month
-- column substantiated: 属实投诉数 | Substantiated complaints
-- column median_days_to_close: 办结用时中位数（天） | Median days to close
with c as (
    select * from core_complaints where is_complaint
),
callers as (
    select month, county_code, complainant_key, count(*) as n
    from c where complainant_key is not null group by all
),
caller_counts as (
    select month,
        sm.scope_code,
        count(*) as callers,
        count(*) filter (where n >= 2) as repeat_callers
    from callers
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
),
by_scope as (
    select
        month,
        sm.scope_code,
        count(*) as complaints,
        count(*) filter (where status = '已办结') as closed,
        count(*) filter (where status = '已办结' and closed_on_time) as closed_on_time,
        count(*) filter (where satisfaction in ('满意', '基本满意', '不满意')) as visited,
        count(*) filter (where satisfaction in ('满意', '基本满意')) as satisfied,
        count(*) filter (where status = '已办结' and resolved_level = '小区') as closed_at_compound,
        count(*) filter (where status = '已办结' and resolved_level = '社区') as closed_at_community,
        count(*) filter (where status = '已办结' and resolved_level = '街道') as closed_at_street,
        count(*) filter (where status = '已办结' and resolved_level in ('县区部门', '市级部门')) as closed_above_street,
        count(*) filter (where is_repeat) as repeats,
        count(*) filter (where substantiated) as substantiated,
        count(*) filter (where compound_id is null) as unmatched,
        median(days_to_close) filter (where status = '已办结') as median_days_to_close
    from c
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
)
select
    b.scope_code,
    b.month,
    b.complaints,
    b.closed,
    b.closed_on_time,
    b.closed_on_time / nullif(b.closed, 0) as on_time_rate,
    b.visited,
    b.satisfied,
    b.satisfied / nullif(b.visited, 0) as satisfaction_rate,
    b.closed_at_compound,
    b.closed_at_community,
    b.closed_at_street,
    b.closed_above_street,
    b.closed_at_compound + b.closed_at_community as closed_community_or_below,
    b.repeats,
    b.repeats / nullif(b.complaints, 0) as repeat_share,
    coalesce(k.callers, 0) as callers,
    coalesce(k.repeat_callers, 0) as repeat_callers,
    b.substantiated,
    b.unmatched,
    b.median_days_to_close
from by_scope b
left join caller_counts k using (scope_code, month)
