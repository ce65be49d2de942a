-- zh: 目标进度（小区数口径，供燃尽图与燃起图）：覆盖率与业委会覆盖率每个范围、期限、月份的已完成、未完成、理想进度与目标所对应的小区数
-- en: Target progress in compounds, for burn-down and burn-up charts: done, remaining, the ideal line and the target as compounds, per scope, coverage metric, deadline and month
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column metric: 指标 coverage 覆盖率 / committee_coverage 业委会覆盖率 | Metric
-- column deadline: 目标期限 | Target deadline
-- column month: 月份（月末） | Month (month end)
-- column target_value: 目标值 | Target value
-- column total: 小区总数 | Compounds
-- column done: 已覆盖小区数（专业物业或已成立业委会） | Compounds covered (professional service, or an established committee)
-- column remaining: 尚未覆盖的小区数 | Compounds not yet covered
-- column expected_done: 理想进度对应的已覆盖小区数（理想进度值 × 当月小区总数） | Compounds covered on the ideal line (expected value × that month's compounds)
-- column expected_remaining: 理想进度对应的未覆盖小区数 | Compounds not covered on the ideal line
-- column target_done: 目标值对应的已覆盖小区数（按当月小区总数） | Compounds covered at the target value (at that month's number of compounds)
-- column target_remaining: 目标值下允许的未覆盖小区数（按当月小区总数） | Compounds left uncovered at the target value (at that month's number of compounds)
-- column baseline_month: 基线月份（方案实施起点） | Baseline month (the plan's start)
-- column baseline_value: 基线值 | Value at the baseline month
-- column expected: 理想进度值（基线到期限的直线） | Expected value on the straight line from baseline to deadline
-- column actual: 实际值 | Actual value
-- column status: 状态（定义见 mart_target_status） | Status (defined in mart_target_status)
-- column deadline_passed: 期限已到 | The deadline month has been reached
-- column value_at_deadline: 期限当月的实际值 | Value in the deadline month
-- column met_at_deadline: 期限当月是否达标 | Met in the deadline month
-- column reached_month: 期限当月未达标、之后首次达到目标的月份 | First month after a missed deadline in which the target was reached
-- column months_overdue: 当前期限已过且仍未达到目标的月数 | Months the deadline in force is overdue
-- column short_compounds: 距目标还差的小区数 | Compounds still needed to reach the target
-- column status_en: 状态（英文） | Status (English)
-- column is_active: 是否为当月适用的（最近一个未到期的）期限 | The deadline in force that month (the nearest not yet passed)
-- column months_left: 距期限剩余月数 | Months left to the deadline
-- column required_rate: 所需月均进度（覆盖率/月） | Required change of the share per month to meet the target
-- column required_compounds_per_month: 所需月均新增小区数 | Compounds to add per month
-- column run_rate: 近期月均变化（月数见设置 projection_months） | Average change per month recently (months: setting projection_months)
-- column projected_month: 按近期速度预计达标月份（空：按当前速度无法达标） | Projected month the target is met at the recent pace (empty: never at this pace)
-- column projected_best: 乐观预计（近12个月最快的连续数月速度） | Best case (fastest run of months within the last 12)
-- column projected_worst: 保守预计（近12个月最慢的连续数月速度；空：无法达标） | Worst case (slowest run of months within the last 12; empty: never)
select
    scope_code,
    metric,
    deadline,
    month,
    target_value,
    total,
    done,
    total - done as remaining,
    expected * total as expected_done,
    total - expected * total as expected_remaining,
    target_value * total as target_done,
    total - target_value * total as target_remaining,
    baseline_month,
    baseline_value,
    expected,
    actual,
    status,
    status_en,
    is_active,
    deadline_passed,
    value_at_deadline,
    met_at_deadline,
    reached_month,
    months_overdue,
    short_compounds,
    months_left,
    required_rate,
    required_compounds_per_month,
    run_rate,
    projected_month,
    projected_best,
    projected_worst
from mart_target_status
where metric in ('coverage', 'committee_coverage')
