-- zh: 目标进度：每个范围、指标、期限、月份的实际值、理想进度值、状态、所需月均进度与预计完成时间
-- en: Target status per scope, metric, deadline and month: actual, expected (straight line), status, required monthly rate, projected completion with best/worst band
-- column metric: 指标 coverage 覆盖率 / committee_coverage 业委会覆盖率 / complaint_rate_ratio 投诉率与基准年之比 / disclosure_rate 公示率 / contract_filing_rate 合同备案率 / project_manager_share 项目经理在册率 / takeover_rate 承接查验率 | Metric
-- column baseline_month: 基线月份（方案实施起点） | Baseline month (the plan's start)
-- column baseline_value: 基线值 | Value at the baseline month
-- column expected: 理想进度值（基线到期限的直线） | Expected value on the straight line from baseline to deadline
-- column status: 状态。当前期限：已完成 / 达标 / 滞后 / 严重滞后，期限已过仍未达到为 未完成（逾期）；已过的其他期限按期限当月判定：达标 / 未达标；未到的后续期限：达标 / 滞后 / 严重滞后 | Status. The deadline in force: achieved / on track / at risk / off track, or 未完成 (overdue) once passed; other passed deadlines judged in their deadline month: met / missed; later deadlines: on track / at risk / off track
-- column deadline_passed: 期限已到（当月为期限月或之后） | The deadline month has been reached
-- column reached_month: 期限当月未达标、之后首次达到目标的月份 | First month after a missed deadline in which the target was reached
-- column months_overdue: 当前期限已过且仍未达到目标的月数 | Months the deadline in force is overdue (target still not reached)
-- column short_compounds: 距目标还差的小区数（覆盖类指标，按当月小区总数） | Compounds still needed to reach the target (coverage metrics, at that month's compounds)
-- column status_en: 状态（英文） | Status (English)
-- column is_active: 是否为当月适用的（最近一个未到期的）期限 | The deadline in force that month (the nearest not yet passed)
-- column months_left: 距期限剩余月数（已过为负） | Months left to the deadline (negative once passed)
-- column required_rate: 所需月均进度（指标单位/月；期限当月或已过：剩余全部） | Required change per month to meet the target (in the deadline month or after: all that remains)
-- column required_compounds_per_month: 所需月均新增小区数（覆盖类指标，整数，向上取整） | Compounds to add per month (coverage metrics, whole compounds, rounded up)
-- column value_at_deadline: 期限当月的实际值（期限已过时） | Value in the deadline month (once passed)
-- column met_at_deadline: 期限当月是否达标（期限已到时） | Whether the target was met in the deadline month (once reached)
-- column run_rate: 近6个月月均变化 | Average change per month over the last 6 months
-- column projected_month: 按近6个月速度预计达标月份（空：按当前速度无法达标） | Projected month the target is met at the 6-month run rate (empty: never at this rate)
-- column projected_best: 乐观预计（近12个月最快的3个月速度） | Best case (fastest 3-month rate in the last 12 months)
-- column projected_worst: 保守预计（近12个月最慢的3个月速度；空：无法达标） | Worst case (slowest 3-month rate; empty: never)
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column deadline: 目标期限 | Target deadline
-- column target_value: 目标值 | Target value
-- column comparator: 比较方式（>= 不低于 / <= 不高于） | Comparator (>= at least / <= at most)
-- column source: 目标出处 | Where the target comes from
-- column month: 月份（月末） | Month (month end)
-- column actual: 实际值 | Actual value
-- column total: 分母小区数（覆盖类与方案职责指标） | Compounds in the denominator (coverage and plan-duty metrics)
-- column done: 已达成的小区数（覆盖类与方案职责指标） | Compounds counted as done (coverage and plan-duty metrics)
with settings as (
    select plan_baseline_month, at_risk_share, projection_months, band_window_months from core_settings
),
series as (
    select scope_code, month, 'coverage' as metric, coverage as value, compounds as total, covered as done
    from mart_coverage_monthly
    union all
    select scope_code, month, 'committee_coverage', committee_coverage, compounds, with_committee
    from mart_committee_coverage_monthly
    union all
    select scope_code, month, 'complaint_rate_ratio', ratio_to_baseline, null, null
    from mart_complaint_rate_monthly
    where ratio_to_baseline is not null
    union all
    select scope_code, month, 'disclosure_rate', disclosure_rate, professional, disclosure_posted
    from mart_plan_duties_monthly
    where disclosure_rate is not null
    union all
    select scope_code, month, 'contract_filing_rate', contract_filing_rate, professional, contracts_filed
    from mart_plan_duties_monthly
    where contract_filing_rate is not null
    union all
    select scope_code, month, 'project_manager_share', project_manager_share, professional, project_manager_on_file
    from mart_plan_duties_monthly
    where project_manager_share is not null
    union all
    select scope_code, month, 'takeover_rate', takeover_rate, compounds, takeover_inspected
    from mart_plan_duties_monthly
    where takeover_rate is not null
),
rates as (
    -- run rates over the points present; a short history uses what it has
    select *,
        (value - lag(value, p.projection_months) over w) / p.projection_months as rate_full,
        (value - first_value(value) over w) / nullif(date_diff('month', first_value(month) over w, month), 0)
            as rate_since_start,
        (value - lag(value, p.band_window_months) over w) / p.band_window_months as rate_window
    from series, settings p
    window w as (partition by scope_code, metric order by month)
),
bands as (
    select *,
        coalesce(rate_full, rate_since_start) as run_rate,
        max(rate_window) over b as max_window_rate,
        min(rate_window) over b as min_window_rate
    from rates
    window b as (partition by scope_code, metric order by month rows between 9 preceding and current row)
),
targets as (
    select metric, scope as scope_code, deadline::date as deadline, target_value, comparator,
           case comparator when '<=' then -1 else 1 end as sign, source
    from ref_targets
),
baselines as (
    select scope_code, metric, arg_min(month, month) as baseline_month, arg_min(value, month) as baseline_value
    from series, settings p
    where month >= p.plan_baseline_month
    group by all
),
joined as (
    select
        t.*, s.month, s.value, s.total, s.done, s.run_rate,
        -- best and worst are in the direction of progress
        case when t.sign = 1 then s.max_window_rate else s.min_window_rate end as best_rate,
        case when t.sign = 1 then s.min_window_rate else s.max_window_rate end as worst_rate,
        b.baseline_month, b.baseline_value,
        date_diff('month', b.baseline_month, last_day(t.deadline)) as months_total,
        date_diff('month', b.baseline_month, s.month) as months_elapsed,
        date_diff('month', s.month, last_day(t.deadline)) as months_left,
        p.at_risk_share,
        case when s.month >= last_day(t.deadline) then d.value end as value_at_deadline
    from targets t
    join bands s using (scope_code, metric)
    join baselines b using (scope_code, metric)
    cross join settings p
    left join series d on d.scope_code = t.scope_code and d.metric = t.metric and d.month = last_day(t.deadline)
    where s.month >= b.baseline_month
),
measured as (
    select *,
        case when months_total <= 0 or sign * baseline_value >= sign * target_value then target_value
             else baseline_value + (target_value - baseline_value) * least(months_elapsed / months_total, 1.0)
        end as expected,
        sign * value >= sign * target_value as achieved,
        target_value - value as gap
    from joined
),
ranked as (
    select *,
        month >= last_day(deadline) as deadline_passed,
        min(deadline) filter (where months_left >= 0) over (partition by scope_code, metric, month) as nearest_open,
        max(deadline) over (partition by scope_code, metric, month) as last_deadline,
        case when total is not null then greatest(ceil(target_value * total - 1e-9) - done, 0)::int end
            as short_compounds,
        -- the first month after the deadline month in which the target was reached, up to this month
        min(case when achieved and month > last_day(deadline) then month end)
            over (partition by scope_code, metric, deadline order by month) as first_reached_after
    from measured
),
final as (
    select
        scope_code, metric, deadline, target_value, comparator, source, month, value as actual, total, done,
        baseline_month, baseline_value, expected, months_left, value_at_deadline,
        sign * value_at_deadline >= sign * target_value as met_at_deadline,
        deadline_passed,
        deadline = coalesce(nearest_open, last_deadline) as is_active,
        achieved, gap, sign, short_compounds, first_reached_after, run_rate, best_rate, worst_rate, at_risk_share
    from ranked
),
judged as (
    select *,
        case
            when is_active and achieved then '已完成'
            when is_active and months_left <= 0 then '未完成'
            when not is_active and deadline_passed then
                case when sign * value_at_deadline >= sign * target_value then '达标' else '未达标' end
            when achieved or sign * actual >= sign * expected then '达标'
            when sign * (expected - actual) <= at_risk_share * sign * gap then '滞后'
            else '严重滞后'
        end as status,
        -- still to be met: not achieved, and not a passed deadline already judged
        not achieved and (is_active or not deadline_passed) as open
    from final
)
select
    scope_code, metric, deadline, target_value, comparator, source, month, actual, total, done,
    baseline_month, baseline_value, expected, months_left, value_at_deadline, met_at_deadline,
    status,
    case
        when status = '已完成' then 'achieved'
        when status = '未完成' then 'overdue'
        when status = '未达标' then 'missed'
        when status = '达标' and not is_active and deadline_passed then 'met'
        when status = '达标' then 'on track'
        when status = '滞后' then 'at risk'
        else 'off track'
    end as status_en,
    is_active,
    deadline_passed,
    case when deadline_passed and not met_at_deadline then first_reached_after end as reached_month,
    case when is_active and not achieved and months_left < 0 then -months_left else 0 end as months_overdue,
    case when open then short_compounds end as short_compounds,
    -- in the deadline month, or once it has passed, all that remains is needed now
    case when open then gap / greatest(months_left, 1) end as required_rate,
    case when open and total is not null then ceil(short_compounds / greatest(months_left, 1))::int end
        as required_compounds_per_month,
    run_rate,
    case when not open then null
         when sign * run_rate > 0 then last_day(month + to_months(ceil(gap / run_rate)::int)) end as projected_month,
    case when not open then null
         when sign * best_rate > 0 then last_day(month + to_months(ceil(gap / best_rate)::int)) end as projected_best,
    case when not open then null
         when sign * worst_rate > 0 then last_day(month + to_months(ceil(gap / worst_rate)::int)) end as projected_worst
from judged
