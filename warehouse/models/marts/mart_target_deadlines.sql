-- zh: 已到期目标的年终考核：每个范围、指标、期限的期限当月实际值、是否达标，及期限后首次达到目标的月份
-- en: Year-end assessment of each deadline reached: per scope, metric and deadline, the value in the deadline month, met or missed, and the first later month the target was reached
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column metric: 指标 coverage 覆盖率 / committee_coverage 业委会覆盖率 / complaint_rate_ratio 投诉率与基准年之比 | Metric
-- column deadline: 目标期限 | Target deadline
-- column target_value: 目标值 | Target value
-- column comparator: 比较方式（>= 不低于 / <= 不高于） | Comparator (>= at least / <= at most)
-- column deadline_month: 期限所在月份（月末） | The deadline's month (month end)
-- column value_at_deadline: 期限当月的实际值 | Value in the deadline month
-- column met_at_deadline: 期限当月是否达标 | Whether the target was met in the deadline month
-- column result: 考核结果 达标 / 未达标 | Result: 达标 (met) / 未达标 (missed)
-- column reached_month: 期限当月未达标、之后首次达到目标的月份（空：尚未达到） | First month after a missed deadline in which the target was reached (empty: not yet)
with status as (
    select scope_code, metric, deadline, target_value, comparator, month, actual, value_at_deadline, met_at_deadline,
           case comparator when '<=' then actual <= target_value else actual >= target_value end as achieved
    from mart_target_status
),
at_deadline as (
    select scope_code, metric, deadline, target_value, comparator, month as deadline_month,
           value_at_deadline, met_at_deadline
    from status
    where month = last_day(deadline)
),
reached_later as (
    select scope_code, metric, deadline, min(month) as reached_month
    from status
    where achieved and month > last_day(deadline)
    group by all
)
select
    d.scope_code, d.metric, d.deadline, d.target_value, d.comparator, d.deadline_month,
    d.value_at_deadline, d.met_at_deadline,
    case when d.met_at_deadline then '达标' else '未达标' end as result,
    case when not d.met_at_deadline then r.reached_month end as reached_month
from at_deadline d
left join reached_later r using (scope_code, metric, deadline)
