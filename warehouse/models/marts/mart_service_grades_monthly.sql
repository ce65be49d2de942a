-- zh: 小区物业服务等级分布（按月、按全市/县区，取当月小区台账的服务等级）
-- en: Compounds by service grade, per month and scope (the grade in that month's compound ledger)
-- column service_grade: 服务等级 一级 / 二级 / 三级 / 未评定 | Service grade
-- column grade_order: 等级顺序 | Grade order
-- column compounds: 小区数 | Compounds
-- column households: 户数 | Households
-- column share: 占本范围小区的比例 | Share of the scope's compounds
-- column scope_code: 行政区划代码 | Adcode
-- column month: 月份（月末） | Month (month end)
with grades as (
    select * from (values ('一级', 1), ('二级', 2), ('三级', 3), ('未评定', 4)) t(service_grade, grade_order)
),
counted as (
    select
        month,
        sm.scope_code,
        service_grade,
        count(*) as compounds,
        sum(households)::bigint as households
    from core_compound_months
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code, service_grade
),
grid as (
    select distinct c.scope_code, c.month, g.service_grade, g.grade_order
    from counted c cross join grades g
)
select
    g.scope_code,
    g.month,
    g.service_grade,
    g.grade_order,
    coalesce(c.compounds, 0) as compounds,
    coalesce(c.households, 0) as households,
    coalesce(c.compounds, 0) / sum(coalesce(c.compounds, 0)) over (partition by g.scope_code, g.month) as share
from grid g
left join counted c using (scope_code, month, service_grade)
