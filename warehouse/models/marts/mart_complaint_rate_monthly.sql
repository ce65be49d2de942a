-- zh: 物业投诉率（每千户投诉数：当月、近12个月，及与基准年对比）
-- en: Complaint rate per 1,000 households: monthly, rolling 12 months, and against the baseline year
-- column complaints: 当月投诉（投诉+举报）数 | Complaints and reports received in the month
-- column households: 户数（早于首期快照的月份取首期快照） | Households (months before the first snapshot use the first)
-- column households_unknown: 户数不明的小区数（户数单元格无效已置空，其户数不计入分母） | Compounds whose households are unknown (the cell was invalid and nulled): not in the denominator
-- column rate_per_1000: 当月每千户投诉数 | Complaints per 1,000 households in the month
-- column rolling12_complaints: 近12个月投诉数 | Complaints in the last 12 months
-- column rolling12_rate: 近12个月每千户投诉数（满12个月才计算） | Complaints per 1,000 households over the last 12 months (needs 12 months)
-- column baseline_year: 基准年 | Baseline year
-- column baseline_rate: 基准年每千户投诉数 | Baseline-year complaints per 1,000 households
-- column ratio_to_baseline: 近12个月投诉率 ÷ 基准年投诉率 | Rolling-12 rate ÷ baseline rate
-- column yoy_change: 同比变化（当月投诉率较去年同月） | Year-on-year change of the monthly rate
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column work_orders: 当月工单数（全部诉求类型） | Work orders in the month (all appeal types)
with grid as (
    select s.scope_code, m.month from core_scopes s cross join core_months m
),
counts as (
    select
        month,
        sm.scope_code,
        count(*) filter (where is_complaint) as complaints,
        count(*) as work_orders
    from core_complaints
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
),
households as (
    select g.scope_code, g.month,
        coalesce(c.households, arg_min(c.households, c.month) over (partition by g.scope_code)) as households,
        coalesce(c.households_unknown, arg_min(c.households_unknown, c.month) over (partition by g.scope_code))
            as households_unknown
    from grid g
    left join mart_coverage_monthly c using (scope_code, month)
),
monthly as (
    select
        g.scope_code,
        g.month,
        coalesce(n.complaints, 0) as complaints,
        coalesce(n.work_orders, 0) as work_orders,
        h.households,
        h.households_unknown,
        coalesce(n.complaints, 0) * 1000.0 / h.households as rate_per_1000
    from grid g
    join households h using (scope_code, month)
    left join counts n using (scope_code, month)
),
baseline_year as (
    -- the configured year if the complaints cover all of it, else the earliest full calendar year
    select case
        when min_month <= make_date(cfg, 1, 31) and max_month >= make_date(cfg, 12, 31) then cfg
        when month(min_month) = 1 then year(min_month)
        else year(min_month) + 1 end as year
    from (select (select complaint_baseline_year from core_settings) as cfg,
                 (select min(month) from stg_complaints) as min_month,
                 (select max(month) from stg_complaints) as max_month)
),
baseline as (
    select scope_code, any_value(b.year) as baseline_year,
           sum(complaints) * 1000.0 / avg(households) as baseline_rate,
           count(*) as baseline_months
    from monthly, baseline_year b
    where year(month) = b.year
    group by scope_code
),
rolling as (
    select *,
        sum(complaints) over w as rolling12_complaints,
        avg(households) over w as rolling12_households,
        count(*) over w as window_months,
        lag(rate_per_1000, 12) over (partition by scope_code order by month) as rate_same_month_last_year
    from monthly
    window w as (partition by scope_code order by month rows between 11 preceding and current row)
)
select
    r.scope_code,
    r.month,
    r.complaints,
    r.work_orders,
    r.households,
    r.households_unknown,
    r.rate_per_1000,
    r.rolling12_complaints,
    case when r.window_months = 12 then r.rolling12_complaints * 1000.0 / r.rolling12_households end
        as rolling12_rate,
    b.baseline_year,
    case when b.baseline_months = 12 then b.baseline_rate end as baseline_rate,
    case when r.window_months = 12 and b.baseline_months = 12 and b.baseline_rate > 0
         then (r.rolling12_complaints * 1000.0 / r.rolling12_households) / b.baseline_rate end as ratio_to_baseline,
    r.rate_per_1000 / nullif(r.rate_same_month_last_year, 0) - 1 as yoy_change
from rolling r
left join baseline b using (scope_code)
