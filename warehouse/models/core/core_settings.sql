-- zh: 口径参数（来自参考数据 settings.csv，一行）与数据截至月份
-- en: Metric settings (from reference settings.csv, one row) and the data month
-- column data_month: 数据截至月份（最新小区快照月末） | Data month (latest compound snapshot, month end)
-- column city_code: 城市行政区划代码 | City adcode
-- column plan_baseline_month: 方案基线月份（各目标直线进度的起点） | Plan baseline month (start of every target's straight line)
-- column at_risk_share: “滞后”阈值：落后于理想进度不超过剩余差距的该比例 | At-risk threshold: shortfall at most this share of the remaining gap
-- column projection_months: 预计完成时间所用的近几个月平均速度 | Months of run rate behind the projected completion
-- column band_window_months: 乐观/保守预计所用的滚动窗口月数 | Window in months of the best/worst band
-- column complaint_baseline_year: 投诉率基准年 | Complaint-rate baseline year
-- column heating_months: 供暖季月份 | Heating-season months
-- column upcoming_term_days: 业委会即将换届的提前天数 | Days ahead a committee's term end counts as upcoming
-- column spike_ratio: 投诉突增倍数（较前三个月平均） | Complaint spike ratio (to the previous 3-month average)
-- column spike_min_complaints: 投诉突增的最少投诉数 | Minimum complaints for a spike
-- column overdue_alert_days: 整改逾期超过该天数触发高级别预警 | Days overdue that raise a high-severity alert
-- column landing_settle_seconds: 落地文件大小和修改时间须保持不变的秒数（此后才读取） | Seconds a landing file's size and modification time must stay unchanged before it is read
-- column row_drop_share: 行数骤降阈值：较上月减少至少该比例即预警 | Sharp-drop threshold: a month's rows at least this share below the previous month's
-- column contract_expiry_days: 合同将到期的提前天数 | Days ahead a service contract's end counts as ending soon
-- column reporting_deadline_day: 报送截止日：每期结束后次月的第几天 | Reporting deadline: this day of the month after a period
select
    max(value) filter (where key = 'plan_baseline_month')::date as plan_baseline_month,
    max(value) filter (where key = 'at_risk_share')::double as at_risk_share,
    max(value) filter (where key = 'projection_months')::int as projection_months,
    max(value) filter (where key = 'band_window_months')::int as band_window_months,
    max(value) filter (where key = 'complaint_baseline_year')::int as complaint_baseline_year,
    string_split(max(value) filter (where key = 'heating_months'), '|')::int[] as heating_months,
    max(value) filter (where key = 'upcoming_term_days')::int as upcoming_term_days,
    max(value) filter (where key = 'spike_ratio')::double as spike_ratio,
    max(value) filter (where key = 'spike_min_complaints')::int as spike_min_complaints,
    max(value) filter (where key = 'overdue_alert_days')::int as overdue_alert_days,
    max(value) filter (where key = 'landing_settle_seconds')::double as landing_settle_seconds,
    max(value) filter (where key = 'row_drop_share')::double as row_drop_share,
    max(value) filter (where key = 'contract_expiry_days')::int as contract_expiry_days,
    max(value) filter (where key = 'reporting_deadline_day')::int as reporting_deadline_day,
    (select max(as_of) from stg_compounds) as data_month,
    (select min(adcode) from ref_counties where level = 'city') as city_code
from ref_settings
