-- zh: 工单构成（按月、范围、维度：诉求分类、来源渠道、诉求类型、办结层级、小区匹配方式）
-- en: Work orders broken down by month, scope and dimension (category, channel, appeal type, resolution level, compound match method)
-- column dimension: 维度 category 诉求分类 / channel 来源渠道 / appeal_type 诉求类型 / resolved_level 办结层级 / match_method 小区匹配方式 | Dimension
-- column value: 维度取值（空值记为“未填写”） | Value (blank: 未填写)
-- column work_orders: 工单数（全部诉求类型） | Work orders (all appeal types)
-- column complaints: 投诉数（投诉+举报） | Complaints and reports
-- column complaint_share: 占当月本范围投诉的比例（同一维度内） | Share of the scope's complaints that month (within the dimension)
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
with combinations as (
    -- one pass over the work orders; the dimensions are then read off these combinations
    select month, county_code, category, channel, appeal_type, resolved_level,
        case match_method when 'id' then '按编码' when 'name' then '按名称'
                          when 'name_without_town' then '按名称（去街镇）' else '未匹配' end as match_method,
        count(*) as work_orders,
        count(*) filter (where is_complaint) as complaints
    from core_complaints
    group by all
),
long as (
    select month, county_code, work_orders, complaints, d.dimension, coalesce(d.value, '未填写') as value
    from combinations,
    lateral (values ('category', category), ('channel', channel), ('appeal_type', appeal_type),
                    ('resolved_level', resolved_level), ('match_method', match_method)) d(dimension, value)
),
counted as (
    select
        sm.scope_code,
        month,
        dimension,
        value,
        sum(work_orders)::bigint as work_orders,
        sum(complaints)::bigint as complaints
    from long
    join core_scope_members sm using (county_code)
    group by sm.scope_code, month, dimension, value
)
select
    *,
    complaints / nullif(sum(complaints) over (partition by scope_code, month, dimension), 0) as complaint_share
from counted
