-- zh: 小区×月份的业委会（物管会）状态（每县取当月或之前最近一期台账）
-- en: Committee status per compound and month (each county's latest committee ledger at or before the month)
-- column has_committee: 已成立业委会或物管会 | Committee established
with snapshots as (
    select distinct county_code, as_of from stg_committees
),
picked as (
    select s.county_code, m.month, max(s.as_of) as committee_snapshot
    from core_months m
    join snapshots s on s.as_of <= m.month
    group by all
)
select
    cm.month,
    cm.compound_id,
    cm.county_code,
    cm.town,
    p.committee_snapshot,
    k.committee_type,
    k.status,
    coalesce(k.has_committee, false) as has_committee,
    k.established_on,
    k.term_end,
    k.members,
    k.party_members,
    k.filed,
    k.trainings_this_year
from core_compound_months cm
left join picked p on p.county_code = cm.county_code and p.month = cm.month
left join stg_committees k on k.compound_id = cm.compound_id and k.as_of = p.committee_snapshot
