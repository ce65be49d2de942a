-- zh: 企业信用等级分布（按季度、按范围：各等级企业数与占比）
-- en: Firms by credit level, per quarter and scope (count and share)
-- column min_score: 该等级最低分 | Lowest score of the level
-- column firms: 该等级企业数 | Firms at the level
-- column share: 占本范围企业的比例 | Share of the scope's firms
-- column scope_code: 行政区划代码 | Adcode
-- column quarter: 季度（如 2025Q3） | Quarter (e.g. 2025Q3)
-- column quarter_end: 季度末日（进行中的季度为数据截至月末） | Last day of the quarter (the data month for a quarter in progress)
-- column quarter_complete: 季度已结束 | The quarter is over by the data month
-- column level: 信用等级 A / B / C / D | Credit level
-- column list_zh: 红榜/黑榜 | Red or black list
-- column list_en: 红榜/黑榜（英文） | Red or black list (English)
with grid as (
    select s.scope_code, q.quarter, q.quarter_end, l.level, l.min_score, l.list_zh, l.list_en
    from core_scopes s
    cross join (select distinct quarter, quarter_end from mart_firm_credit_quarterly) q
    cross join ref_credit_levels l
),
counted as (
    select scope_code, quarter, level, count(*) as firms
    from mart_firm_credit_scope_quarterly
    group by all
)
select
    g.scope_code,
    g.quarter,
    g.quarter_end,
    g.quarter_end >= last_day(make_date(year(g.quarter_end), quarter(g.quarter_end) * 3, 1)) as quarter_complete,
    g.level,
    g.min_score,
    g.list_zh,
    g.list_en,
    coalesce(c.firms, 0) as firms,
    coalesce(c.firms, 0) / nullif(sum(coalesce(c.firms, 0)) over (partition by g.scope_code, g.quarter), 0) as share
from grid g
left join counted c using (scope_code, quarter, level)
