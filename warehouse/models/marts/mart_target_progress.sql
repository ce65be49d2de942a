-- zh: 目标进度（小区数口径，供燃尽图与燃起图）：覆盖率与业委会覆盖率每个范围、期限、月份的已完成、未完成、理想进度与目标所对应的小区数
-- en: Target progress in compounds, for burn-down and burn-up charts: done, remaining, the ideal line and the target as compounds, per scope, coverage metric, deadline and month
-- column total: 小区总数 | Compounds
-- column done: 已覆盖小区数（专业物业或已成立业委会） | Compounds covered (professional service, or an established committee)
-- column remaining: 尚未覆盖的小区数 | Compounds not yet covered
-- column expected_done: 理想进度对应的已覆盖小区数（理想进度值 × 当月小区总数） | Compounds covered on the ideal line (expected value × that month's compounds)
-- column expected_remaining: 理想进度对应的未覆盖小区数 | Compounds not covered on the ideal line
-- column target_done: 目标值对应的已覆盖小区数（按当月小区总数） | Compounds covered at the target value (at that month's number of compounds)
-- column target_remaining: 目标值下允许的未覆盖小区数（按当月小区总数） | Compounds left uncovered at the target value (at that month's number of compounds)
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
    months_left,
    required_rate,
    required_compounds_per_month,
    run_rate,
    projected_month,
    projected_best,
    projected_worst
from mart_target_status
where metric in ('coverage', 'committee_coverage')
