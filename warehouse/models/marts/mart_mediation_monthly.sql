-- zh: 人民调解（按月、按全市/县区、按纠纷类型；“全部”为合计）：受理数与结果，及近12个月合计与调解成功率
-- en: Mediations by month, scope and dispute type (全部: all): cases opened and their outcomes, with 12-month totals and the success rate
-- column opened: 当月受理案件数 | Cases opened in the month
-- column succeeded: 其中调解成功 | Of which settled
-- column failed: 其中调解失败 | Of which failed
-- column litigated: 其中转诉讼 | Of which referred to court
-- column in_progress: 其中调解中 | Of which still in progress
-- column opened_12m: 近12个月受理数 | Cases opened in the last 12 months
-- column success_rate_12m: 近12个月调解成功率（成功 ÷ 已有结果） | Success rate over 12 months (settled ÷ cases with an outcome)
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column dispute_type: 纠纷类型（“全部”为合计；空为未填写） | Dispute type (全部: all; 未填写: blank)
-- column succeeded_12m: 近12个月调解成功数 | Settled in the last 12 months
-- column failed_12m: 近12个月调解失败数 | Failed in the last 12 months
-- column litigated_12m: 近12个月转诉讼数 | Referred to court in the last 12 months
-- column in_progress_12m: 近12个月受理、仍在调解中的案件数 | Opened in the last 12 months and still in progress
with cases as (
    select month, county_code, dispute_type, outcome from mart_mediation_cases
),
types as (
    select distinct dispute_type from cases union select '全部'
),
counts as (
    select
        month,
        sm.scope_code,
        case when grouping(dispute_type) = 1 then '全部' else dispute_type end as dispute_type,
        count(*) as opened,
        count(*) filter (where outcome = '调解成功') as succeeded,
        count(*) filter (where outcome = '调解失败') as failed,
        count(*) filter (where outcome = '转诉讼') as litigated,
        count(*) filter (where outcome = '调解中') as in_progress
    from cases
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code, rollup (dispute_type)
),
grid as (
    select s.scope_code, m.month, t.dispute_type from core_scopes s cross join core_months m cross join types t
),
monthly as (
    select g.scope_code, g.month, g.dispute_type,
        coalesce(c.opened, 0) as opened,
        coalesce(c.succeeded, 0) as succeeded,
        coalesce(c.failed, 0) as failed,
        coalesce(c.litigated, 0) as litigated,
        coalesce(c.in_progress, 0) as in_progress
    from grid g
    left join counts c using (scope_code, month, dispute_type)
),
rolling as (
    select *,
        sum(opened) over w as opened_12m,
        sum(succeeded) over w as succeeded_12m,
        sum(failed) over w as failed_12m,
        sum(litigated) over w as litigated_12m,
        sum(in_progress) over w as in_progress_12m
    from monthly
    window w as (partition by scope_code, dispute_type order by month rows between 11 preceding and current row)
)
select
    *,
    succeeded_12m / nullif(succeeded_12m + failed_12m + litigated_12m, 0) as success_rate_12m
from rolling
