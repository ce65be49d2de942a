-- zh: 口径参数（来自参考数据 settings.csv，一行）与数据截至月份
-- en: Metric settings (from reference settings.csv, one row) and the data month
-- column data_month: 数据截至月份（最新小区快照月末） | Data month (latest compound snapshot, month end)
-- column city_code: 城市行政区划代码 | City adcode
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
    (select max(as_of) from stg_compounds) as data_month,
    (select min(adcode) from ref_counties where level = 'city') as city_code
from ref_settings
