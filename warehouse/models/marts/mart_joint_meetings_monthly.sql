-- zh: 三方联动联席会议（按月、按全市/县区）：召开次数、议定与解决问题数，及近12个月合计、问题解决率与开会街镇数
-- en: Joint meetings by month and scope: meetings held, issues raised and resolved, with 12-month totals, the resolution rate and towns that met
-- column meetings: 当月召开次数 | Meetings in the month
-- column meetings_12m: 近12个月召开次数 | Meetings in the last 12 months
-- column issues_raised_12m: 近12个月议定问题数 | Issues raised in the last 12 months
-- column issues_resolved_12m: 近12个月解决问题数 | Issues resolved in the last 12 months
-- column resolution_rate_12m: 近12个月问题解决率（解决 ÷ 议定） | Share of issues resolved over 12 months
-- column towns_12m: 近12个月召开过会议的街道/乡镇数 | Towns that held a meeting in the last 12 months
-- column scope_code: 范围代码（全市或县区行政区划代码） | Scope adcode (city or county)
-- column month: 月份（月末） | Month (month end)
-- column issues_raised: 当月议定问题数 | Issues raised in the month
-- column issues_resolved: 当月解决问题数 | Issues resolved in the month
with windowed as (
    select m.month, j.county_code, j.town, j.issues_raised, j.issues_resolved, j.month = m.month as in_month
    from core_months m
    join mart_joint_meeting_records j on date_diff('month', j.month, m.month) between 0 and 11
),
by_scope as (
    select
        month,
        sm.scope_code,
        count(*) filter (where in_month) as meetings,
        coalesce(sum(issues_raised) filter (where in_month), 0) as issues_raised,
        coalesce(sum(issues_resolved) filter (where in_month), 0) as issues_resolved,
        count(*) as meetings_12m,
        sum(issues_raised) as issues_raised_12m,
        sum(issues_resolved) as issues_resolved_12m,
        count(distinct county_code || '|' || coalesce(town, '')) as towns_12m
    from windowed
    join core_scope_members sm using (county_code)
    group by month, sm.scope_code
)
select
    s.scope_code,
    m.month,
    coalesce(b.meetings, 0) as meetings,
    coalesce(b.issues_raised, 0) as issues_raised,
    coalesce(b.issues_resolved, 0) as issues_resolved,
    coalesce(b.meetings_12m, 0) as meetings_12m,
    coalesce(b.issues_raised_12m, 0) as issues_raised_12m,
    coalesce(b.issues_resolved_12m, 0) as issues_resolved_12m,
    b.issues_resolved_12m / nullif(b.issues_raised_12m, 0) as resolution_rate_12m,
    coalesce(b.towns_12m, 0) as towns_12m
from core_scopes s
cross join core_months m
left join by_scope b on b.scope_code = s.scope_code and b.month = m.month
