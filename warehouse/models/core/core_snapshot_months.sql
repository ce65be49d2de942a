-- zh: 快照台账沿用：每个快照台账（小区、业委会）每县每月所用的快照月份（当月或之前最近一期；缺报月份沿用上期）
-- en: Snapshot carry-forward: for each snapshot ledger (compounds, committees), county and month, the snapshot used (the latest at or before the month; a missing month carries the last one forward)
-- column ledger: 台账（compounds 小区 / committees 业委会） | Ledger (compounds / committees)
-- column county_code: 县区行政区划代码 | County adcode
-- column month: 月份（月末） | Month (month end)
-- column snapshot_month: 所用快照月份 | Snapshot month used
with snapshots as (
    select distinct 'compounds' as ledger, county_code, as_of from stg_compounds
    union all
    select distinct 'committees', county_code, as_of from stg_committees
)
select s.ledger, s.county_code, m.month, max(s.as_of) as snapshot_month
from core_months m
join snapshots s on s.as_of <= m.month
group by s.ledger, s.county_code, m.month
