"""Example queries for the SQL console: the analysts' common questions, written against the
marts and core tables, in Chinese so that they can be read and adapted. Keys are i18n keys of
their titles; tests/test_sql_console.py runs each one."""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    "explore.example.heating": """\
-- 最近一个已结束的供暖季，供暖类投诉最多的小区（正在进行的供暖季不算）
-- 供暖月份取自口径参数 core_settings.heating_months（默认 11—3 月），跨年的月份归入同一个供暖季；
-- 供暖季的最后一个月不晚于数据截至月份（core_settings.data_month）才算已结束
with settings as (
    select heating_months, heating_months[1] as first_month, heating_months[-1] as last_month, data_month
    from core_settings
),
heating as (
    select c.*, year(c.month) - (month(c.month) < s.first_month)::int as season
    from core_complaints c, settings s
    where c.is_complaint
      and c.category = '供暖'
      and c.compound_id is not null
      and list_contains(s.heating_months, month(c.month))
)
select
    h.season || '—' || (h.season + 1) || ' 供暖季' as 供暖季,
    s.name_zh as 县区,
    h.compound_name as 小区,
    count(*) as 供暖投诉数
from heating h
join core_scopes s on s.scope_code = h.county_code
where h.season = (
    select max(h2.season) from heating h2, settings s
    where last_day(make_date(h2.season + (s.last_month < s.first_month)::int, s.last_month, 1)) <= s.data_month
)
group by all
order by 供暖投诉数 desc, 小区
limit 20
""",
    "explore.example.downgraded": """\
-- 今年（数据截至月份所在年度）服务等级考评中有小区被降级的物业企业
-- 降级：核定等级低于原等级（core_grade_assessments.downgraded）
select
    coalesce(f.firm_name, g.firm_credit_code) as 物业企业,
    g.firm_credit_code as 统一社会信用代码,
    count(*) as 降级小区数,
    string_agg(g.compound_name || '（' || g.previous_grade || '→' || g.grade || '）', '；'
               order by g.compound_name) as 降级小区
from core_grade_assessments g
left join core_firms f using (firm_credit_code)
where g.downgraded
  and g.firm_credit_code is not null
  and year(g.period_end) = (select year(data_month) from core_settings)
group by all
order by 降级小区数 desc, 物业企业
""",
    "explore.example.missed_inspections": """\
-- 双随机检查要求每个县区每季度至少一轮：列出已结束的季度中一轮也没有检查的县区
select
    s.name_zh as 县区,
    q.quarter as 季度,
    q.rounds as 检查轮次
from mart_inspection_quarterly q
join core_scopes s on s.scope_code = q.scope_code and s.scope_level = 'county'
where q.quarter_complete
  and q.rounds = 0
order by q.quarter desc, s.sort_order, s.scope_code
""",
}
