-- zh: 月份日历（从最早的台账月份到数据截至月份，以月末表示）
-- en: Month calendar (from the earliest ledger month to the data month, as month ends)
-- column month: 月份（月末） | Month (month end)
with bounds as (
    select
        least(
            (select min(as_of) from stg_compounds),
            coalesce((select min(month) from stg_complaints), (select min(as_of) from stg_compounds))
        ) as first_month,
        (select data_month from core_settings) as last_month
)
select last_day(m::date) as month
from bounds, generate_series(date_trunc('month', first_month), last_month, interval 1 month) as t(m)
