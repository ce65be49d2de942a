-- zh: 工单构成（按月、范围、维度：诉求分类、来源渠道、诉求类型、办结层级）
-- en: Work orders broken down by month, scope and dimension (category, channel, appeal type, resolution level)
-- column dimension: 维度 category 诉求分类 / channel 来源渠道 / appeal_type 诉求类型 / resolved_level 办结层级 | Dimension
-- column value: 维度取值（空值记为“未填写”） | Value (blank: 未填写)
-- column work_orders: 工单数（全部诉求类型） | Work orders (all appeal types)
-- column complaints: 投诉数（投诉+举报） | Complaints (投诉 + 举报)
with long as (
    select month, county_code, is_complaint, d.dimension, coalesce(d.value, '未填写') as value
    from core_complaints,
    lateral (values ('category', category), ('channel', channel), ('appeal_type', appeal_type),
                    ('resolved_level', resolved_level)) d(dimension, value)
)
select
    case when grouping(county_code) = 1 then (select city_code from core_settings) else county_code end
        as scope_code,
    month,
    dimension,
    value,
    count(*) as work_orders,
    count(*) filter (where is_complaint) as complaints
from long
group by grouping sets ((month, county_code, dimension, value), (month, dimension, value))
having scope_code is not null
