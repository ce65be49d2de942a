-- zh: 小区业委会（物管会）月度明细：状态、任期、委员与党员、培训，及任期将满、逾期未换届标记
-- en: Committee per compound and month: status, term, members and party members, trainings, and the term-ending and overdue-re-election flags
-- column status: 状态（台账中无记录为“未组建”） | Status (未组建 when the ledger has no row)
-- column days_to_term_end: 月末距任期届满天数（负数为已届满） | Days from the month end to the end of the term (negative: passed)
-- column term_ending_soon: 已成立且任期在月末起设定天数内届满（设定 upcoming_term_days） | Established, term ending within upcoming_term_days of the month end
-- column reelection_overdue: 逾期未换届（状态为到期未换届，或已成立但任期已届满） | Overdue for re-election (到期未换届, or established with the term passed)
-- column days_past_term: 任期届满后已过天数 | Days since the term ended
-- column month: 月份（月末） | Month (month end)
-- column compound_id: 小区编码 | Compound id
-- column compound_name: 小区名称 | Compound name
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column households: 总户数 | Households
-- column committee_type: 组织类型（业主委员会 / 物业管理委员会） | Type (owners' committee / property-management committee)
-- column has_committee: 已成立业委会或物管会 | Committee established
-- column established_on: 成立日期 | Established on
-- column term_end: 任期届满日期 | Term ends
-- column members: 委员人数 | Members
-- column party_members: 其中党员人数 | Party members among them
-- column filed: 已备案 | Filed
-- column trainings_this_year: 本年培训次数 | Trainings this year
with settings as (select upcoming_term_days from core_settings)
select
    k.month,
    k.compound_id,
    cm.compound_name,
    k.county_code,
    k.town,
    cm.households,
    k.committee_type,
    coalesce(k.status, '未组建') as status,
    k.has_committee,
    k.established_on,
    k.term_end,
    k.members,
    k.party_members,
    k.filed,
    k.trainings_this_year,
    case when k.has_committee then date_diff('day', k.month, k.term_end) end as days_to_term_end,
    coalesce(k.has_committee and date_diff('day', k.month, k.term_end) between 0 and s.upcoming_term_days, false)
        as term_ending_soon,
    coalesce(k.status = '到期未换届' or (k.has_committee and k.term_end < k.month), false) as reelection_overdue,
    case when k.term_end < k.month and (k.has_committee or k.status = '到期未换届')
         then date_diff('day', k.term_end, k.month) end as days_past_term
from core_committee_months k
join core_compound_months cm using (compound_id, month)
cross join settings s
