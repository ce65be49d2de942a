-- zh: 企业信用等级分布（按季度、按范围：各等级企业数与占比）
-- en: Firms by credit level, per quarter and scope (count and share)
-- column firms: 该等级企业数 | Firms at the level
-- column share: 占本范围企业的比例 | Share of the scope's firms
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
    g.level,
    g.list_zh,
    g.list_en,
    coalesce(c.firms, 0) as firms,
    coalesce(c.firms, 0) / nullif(sum(coalesce(c.firms, 0)) over (partition by g.scope_code, g.quarter), 0) as share
from grid g
left join counted c using (scope_code, quarter, level)
