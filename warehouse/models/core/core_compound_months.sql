-- zh: 小区×月份（每县取当月或之前最近一期快照；缺报月份沿用上期并标注）
-- en: Compound × month (each county's latest snapshot at or before the month; a missing month carries the last one forward, flagged)
-- column snapshot_month: 所用快照月份 | Snapshot month used
-- column is_carried_forward: 当月未报送、沿用上期快照 | No snapshot this month: the previous one is carried forward
with snapshots as (
    select distinct county_code, as_of from stg_compounds
),
picked as (
    select s.county_code, m.month, max(s.as_of) as snapshot_month
    from core_months m
    join snapshots s on s.as_of <= m.month
    group by all
)
select
    p.month,
    p.snapshot_month,
    p.snapshot_month < p.month as is_carried_forward,
    c.* exclude (as_of, _file, _row)
from picked p
join stg_compounds c on c.county_code = p.county_code and c.as_of = p.snapshot_month
