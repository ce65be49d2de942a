-- zh: 街道/乡镇业委会（物管会）覆盖与履职（按月）：覆盖率、各状态小区数、任期将满、逾期未换届、党员、培训
-- en: Committee coverage and governance per town and month: coverage, compounds by status, terms ending soon, overdue re-elections, party members, trainings
-- column committee_coverage: 覆盖率（已成立 ÷ 小区数） | Coverage (established ÷ compounds)
-- column terms_ending_soon: 任期将满的业委会数 | Committees whose term ends soon
-- column reelection_overdue: 逾期未换届数 | Committees overdue for re-election
-- column month: 月份（月末） | Month (month end)
-- column county_code: 县区行政区划代码 | County adcode
-- column town: 街道/乡镇 | Town or street office
-- column compounds: 街道/乡镇内小区数 | Compounds in the town
-- column with_committee: 已成立业委会或物管会的小区数 | Compounds with an established committee
-- column preparing: 筹备中的小区数 | Compounds with a committee being set up
-- column expired: 到期未换届的小区数 | Compounds whose committee's term expired
-- column dissolved: 已解散的小区数 | Compounds whose committee was dissolved
-- column none_set_up: 未组建的小区数 | Compounds with no committee
-- column members: 委员人数（已成立的业委会） | Members (established committees)
-- column party_members: 其中党员人数（已成立的业委会） | Party members among them (established committees)
-- column trainings_this_year: 本年培训次数（已成立的业委会） | Trainings this year (established committees)
select
    month,
    county_code,
    town,
    count(*) as compounds,
    count(*) filter (where has_committee) as with_committee,
    count(*) filter (where has_committee) / count(*) as committee_coverage,
    count(*) filter (where status = '筹备中') as preparing,
    count(*) filter (where status = '到期未换届') as expired,
    count(*) filter (where status = '已解散') as dissolved,
    count(*) filter (where status = '未组建') as none_set_up,
    count(*) filter (where term_ending_soon) as terms_ending_soon,
    count(*) filter (where reelection_overdue) as reelection_overdue,
    coalesce(sum(members) filter (where has_committee), 0) as members,
    coalesce(sum(party_members) filter (where has_committee), 0) as party_members,
    coalesce(sum(trainings_this_year) filter (where has_committee), 0) as trainings_this_year
from mart_committee_compounds_monthly
group by all
