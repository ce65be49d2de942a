-- zh: 小区×月份的业委会（物管会）状态（每县取当月或之前最近一期台账）
-- en: Committee status per compound and month (each county's latest committee ledger at or before the month)
-- column has_committee: 已成立业委会或物管会 | Committee established
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column committee_snapshot: 所用业委会台账月份 | Committee ledger month used
-- column committee_type: 组织类型（业主委员会 / 物业管理委员会） | Type (owners' committee / property-management committee)
-- column status: 成立状态（筹备中 / 已成立 / 到期未换届 / 已解散；空为未报送） | Status (being set up, established, term expired, dissolved; empty: not reported)
-- column established_on: 成立日期 | Established on
-- column term_end: 任期届满日期 | Term ends
-- column members: 委员人数 | Members
-- column party_members: 其中党员人数 | Party members among them
-- column filed: 已备案 | Filed
-- column trainings_this_year: 本年培训次数 | Trainings this year
select
    cm.month,
    cm.compound_id,
    cm.county_code,
    cm.town,
    p.snapshot_month as committee_snapshot,
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
left join core_snapshot_months p on p.ledger = 'committees' and p.county_code = cm.county_code and p.month = cm.month
left join stg_committees k on k.compound_id = cm.compound_id and k.as_of = p.snapshot_month
