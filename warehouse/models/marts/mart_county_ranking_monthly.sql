-- zh: 县区排名（每月）：按专业物业覆盖率排名，含覆盖率与业委会覆盖率的当期目标状态、近12个月投诉率与逾期整改事项
-- en: County ranking per month: by professional coverage, with the status against the target in force of coverage and committee coverage, the rolling-12 complaint rate and overdue rectification items
-- column rank: 名次（按专业物业覆盖率从高到低，并列同名次） | Rank (by coverage, highest first; ties share a rank)
-- column month: 月份（月末） | Month (month end)
-- column scope_code: 县区行政区划代码 | County adcode
-- column sort_order: 区域排序（同名次时按行政区划代码） | Order within a tie (by adcode)
-- column coverage: 专业物业覆盖率 | Professional coverage
-- column coverage_status: 覆盖率当期目标状态 | Coverage status against the target in force
-- column remaining: 尚无专业物业服务的小区数 | Compounds still without professional service
-- column committee_coverage: 业委会（物管会）覆盖率 | Committee coverage
-- column committee_status: 业委会覆盖率当期目标状态 | Committee-coverage status against the target in force
-- column rolling12_rate: 近12个月每千户投诉数 | Complaints per 1,000 households over the last 12 months
-- column coverage_trend: 近12个月专业物业覆盖率（按月先后） | Professional coverage over the last 12 months, oldest first
-- column overdue_items: 逾期未销号整改事项数 | Rectification items overdue
with trend as (
    select c.scope_code, c.month, list(t.coverage order by t.month) as coverage_trend
    from mart_coverage_monthly c
    join mart_coverage_monthly t on t.scope_code = c.scope_code and t.month <= c.month
         and t.month > c.month - interval 12 month
    group by c.scope_code, c.month
)
select
    rank() over (partition by c.month order by c.coverage desc) as rank,
    c.month,
    c.scope_code,
    row_number() over (partition by c.month order by c.coverage desc, c.scope_code) as sort_order,
    c.coverage,
    s.status as coverage_status,
    c.remaining,
    k.committee_coverage,
    ks.status as committee_status,
    r.rolling12_rate,
    coalesce(x.overdue_items, 0) as overdue_items,
    tr.coverage_trend
from mart_coverage_monthly c
join core_scopes sc on sc.scope_code = c.scope_code and sc.scope_level = 'county'
join mart_committee_coverage_monthly k on k.scope_code = c.scope_code and k.month = c.month
join mart_complaint_rate_monthly r on r.scope_code = c.scope_code and r.month = c.month
join trend tr on tr.scope_code = c.scope_code and tr.month = c.month
left join mart_rectification_monthly x on x.scope_code = c.scope_code and x.month = c.month
     and x.source = '全部'
left join mart_target_status s on s.scope_code = c.scope_code and s.month = c.month
     and s.metric = 'coverage' and s.is_active
left join mart_target_status ks on ks.scope_code = c.scope_code and ks.month = c.month
     and ks.metric = 'committee_coverage' and ks.is_active
