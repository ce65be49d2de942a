-- zh: 业委会（物管会）履职（按月、按全市/县区）：任期将满、逾期未换届、党员委员占比、开展培训的业委会
-- en: Committee governance by month and scope: terms ending soon, overdue re-elections, party-member share, committees trained this year
-- column terms_ending_soon: 任期将满的业委会数（设定 upcoming_term_days 天内） | Committees whose term ends within upcoming_term_days
-- column reelection_overdue: 逾期未换届数 | Committees overdue for re-election
-- column party_member_share: 党员委员占比（已成立业委会的党员 ÷ 委员） | Party members ÷ members of established committees
-- column committees_with_party_members: 有党员委员的业委会数 | Established committees with at least one party member
-- column trained_committees: 本年开展过培训的业委会数 | Established committees trained at least once this year
-- column upcoming_term_days: 任期将满的天数口径（设定 upcoming_term_days） | Days ahead that count as a term ending soon (setting)
-- column trained_share: 本年开展培训的业委会占比 | Share of established committees trained this year
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column committees: 已成立的业委会（物管会）数 | Established committees
-- column members: 委员人数 | Members
-- column party_members: 党员委员人数 | Party members
-- column trainings_this_year: 本年培训次数 | Trainings this year
with by_scope as (
    select
        month,
        sm.scope_code,
        count(*) filter (where has_committee) as committees,
        count(*) filter (where term_ending_soon) as terms_ending_soon,
        count(*) filter (where reelection_overdue) as reelection_overdue,
        coalesce(sum(members) filter (where has_committee), 0) as members,
        coalesce(sum(party_members) filter (where has_committee), 0) as party_members,
        count(*) filter (where has_committee and party_members > 0) as committees_with_party_members,
        count(*) filter (where has_committee and trainings_this_year > 0) as trained_committees,
        coalesce(sum(trainings_this_year) filter (where has_committee), 0) as trainings_this_year
    from mart_committee_compounds_monthly
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
)
select
    scope_code, month, committees, terms_ending_soon, reelection_overdue, members, party_members,
    party_members / nullif(members, 0) as party_member_share,
    committees_with_party_members, trained_committees,
    trained_committees / nullif(committees, 0) as trained_share,
    trainings_this_year,
    (select upcoming_term_days from core_settings) as upcoming_term_days
from by_scope
