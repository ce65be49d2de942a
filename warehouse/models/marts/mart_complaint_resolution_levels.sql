-- zh: 投诉办结层级阶梯“小事不出小区、难事不出社区、大事不出街道”（按受理月份：当月与近12个月；已办结投诉按办结层级的占比）
-- en: The resolution-level ladder (compound / community / street / above): closed complaints by the level that closed them, for the month received and the last 12 months
-- column period: 统计口径 month 当月 / 12m 近12个月 | month: received that month; 12m: received in the last 12 months
-- column level: 办结层级 小区 / 社区 / 街道 / 街道以上 / 未填写 | Level that closed the complaint (街道以上: county or city departments)
-- column level_order: 阶梯顺序（1 最低） | Order on the ladder (1: lowest)
-- column closed: 该层级办结的投诉数 | Complaints closed at this level
-- column closed_total: 已办结投诉总数 | Complaints closed, all levels
-- column share: 占已办结投诉的比例 | Share of closed complaints
-- column cumulative_share: 在本层级及以下化解的比例（不出小区 / 不出社区 / 不出街道） | Share closed at this level or below (not beyond the compound / community / street)
-- column scope_code: 行政区划代码 | Adcode
-- column month: 月份（月末） | Month (month end)
with levels as (
    select * from (values ('小区', 1), ('社区', 2), ('街道', 3), ('街道以上', 4), ('未填写', 5)) t(level, level_order)
),
monthly as (
    -- the handling mart's counts, so that "closed" and the levels are defined once
    select h.scope_code, h.month, h.closed, v.level, v.n
    from mart_complaint_handling_monthly h,
    lateral (values ('小区', h.closed_at_compound), ('社区', h.closed_at_community), ('街道', h.closed_at_street),
                    ('街道以上', h.closed_above_street),
                    ('未填写', h.closed - h.closed_at_compound - h.closed_at_community - h.closed_at_street
                              - h.closed_above_street)) v(level, n)
),
grid as (
    select s.scope_code, m.month, l.level, l.level_order
    from core_scopes s cross join core_months m cross join levels l
),
filled as (
    select g.*, coalesce(x.n, 0) as n, coalesce(x.closed, 0) as closed_total
    from grid g
    left join monthly x using (scope_code, month, level)
),
periods as (
    select scope_code, month, level, level_order, 'month' as period, n as closed, closed_total
    from filled
    union all
    select scope_code, month, level, level_order, '12m',
        (sum(n) over w)::bigint, (sum(closed_total) over w)::bigint
    from filled
    window w as (partition by scope_code, level order by month rows between 11 preceding and current row)
)
select
    scope_code,
    month,
    period,
    level,
    level_order,
    closed,
    closed_total,
    closed / nullif(closed_total, 0) as share,
    sum(closed) over (partition by scope_code, month, period order by level_order)
        / nullif(closed_total, 0) as cumulative_share
from periods
