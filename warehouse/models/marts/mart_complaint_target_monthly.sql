-- zh: 近12个月投诉率与降低目标（每千户）：基准年投诉率、目标投诉率（默认降低20%，可在 targets.csv 修改）、按进度应达投诉率与状态
-- en: The rolling-12-month complaint rate against the reduction target, per 1,000 households: baseline, target rate (default 20% lower, set in targets.csv), expected rate on the straight line, and status
-- column target_ratio: 当月适用期限的目标（近12个月投诉率 ÷ 基准年投诉率的上限） | Target in force: the highest allowed ratio of the 12-month rate to the baseline
-- column target_rate: 目标投诉率（基准年投诉率 × 目标比例） | Target rate (baseline rate × target ratio)
-- column expected_rate: 按进度应不高于的投诉率（基准年投诉率 × 直线进度比例） | Expected rate on the straight line (baseline rate × expected ratio)
-- column status: 状态 已完成 / 达标 / 滞后 / 严重滞后 / 未完成（方案实施前为空） | Status (empty before the plan's start)
-- column scope_code: 行政区划代码 | Adcode
-- column month: 月份（月末） | Month (month end)
-- column rolling12_complaints: 近12个月投诉数 | Complaints in the last 12 months
-- column rolling12_rate: 近12个月每千户投诉数（满12个月才计算） | Complaints per 1,000 households over the last 12 months (needs 12 months)
-- column baseline_year: 基准年 | Baseline year
-- column baseline_rate: 基准年每千户投诉数 | Baseline-year complaints per 1,000 households
-- column ratio_to_baseline: 近12个月投诉率 ÷ 基准年投诉率 | Rolling-12 rate ÷ baseline rate
-- column deadline: 当月适用的目标期限 | Deadline in force that month
-- column status_en: 状态（英文） | Status (English)
select
    r.scope_code,
    r.month,
    r.rolling12_complaints::bigint as rolling12_complaints,
    r.rolling12_rate,
    r.baseline_year,
    r.baseline_rate,
    r.ratio_to_baseline,
    t.deadline,
    t.target_value as target_ratio,
    r.baseline_rate * t.target_value as target_rate,
    r.baseline_rate * t.expected as expected_rate,
    t.status,
    t.status_en
from mart_complaint_rate_monthly r
left join mart_target_status t
    on t.scope_code = r.scope_code and t.month = r.month and t.metric = 'complaint_rate_ratio' and t.is_active
