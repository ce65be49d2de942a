-- zh: 预警（每月、每县区）：目标严重滞后或未完成、投诉突增、整改逾期、漏检季度
-- en: Alerts per month and county: targets off track or missed, complaint spikes, overdue rectification, quarters without inspection
-- column kind: 预警类型 target / complaint_spike / overdue_rectification / missed_inspection | Alert kind
-- column severity: 严重程度 high 高 / medium 中 | Severity
-- column message_zh: 预警内容（中文） | Message (Chinese)
-- column message_en: 预警内容（英文） | Message (English)
-- column month: 月份（月末） | Month (month end)
-- column scope_code: 范围代码（县区行政区划代码） | Scope adcode
-- column value: 触发预警的数值 | Value behind the alert
-- column shortfall: 目标预警与应达值（期限已到时与目标值）的差距，越大越落后；其他预警为空 | Target alerts: how far below the expected value (the target once the deadline is reached), larger is worse; empty for other alerts
-- column sort_order: 显示顺序：严重在前，目标预警按差距从大到小，其他按数值从大到小 | Display order: high severity first, target alerts by the largest shortfall, the others by their value
with settings as (select * from core_settings),
names as (select scope_code, name_zh, name_en from core_scopes),
targets as (
    select t.month, t.scope_code, 'target' as kind,
        case when t.status in ('严重滞后', '未完成') then 'high' else 'medium' end as severity,
        t.actual as value,
        case when t.months_left <= 0 then t.target_value - t.actual else t.expected - t.actual end
            * case t.comparator when '<=' then -1 else 1 end as shortfall,
        n.name_zh || ' ' || case t.metric when 'coverage' then '专业物业覆盖率'
            when 'committee_coverage' then '业委会覆盖率' else '投诉率（较基准年）' end
            || t.status || '：实际 ' || round(t.actual * 100, 1) || '%，应达 ' || round(t.expected * 100, 1)
            || '%，' || strftime(t.deadline, '%Y年底') || '目标 ' || round(t.target_value * 100) || '%'
            || case when t.months_overdue > 0 then '，已逾期 ' || t.months_overdue || ' 个月' else '' end as message_zh,
        n.name_en || ': ' || replace(t.metric, '_', ' ') || ' ' || t.status_en || ' — actual '
            || round(t.actual * 100, 1) || '%, expected ' || round(t.expected * 100, 1) || '%, target '
            || round(t.target_value * 100) || '% by ' || strftime(t.deadline, '%Y-%m-%d')
            || case when t.months_overdue > 0 then ', ' || t.months_overdue || ' months overdue' else '' end
            as message_en
    from mart_target_status t
    join names n using (scope_code)
    where t.is_active and t.status in ('滞后', '严重滞后', '未完成')
      -- the plan duties' default targets are shown on the plan page (任务清单), not as alerts
      and t.metric in ('coverage', 'committee_coverage', 'complaint_rate_ratio')
),
spikes as (
    select r.month, r.scope_code, 'complaint_spike', 'medium', r.complaints::double, null,
        n.name_zh || ' 本月投诉 ' || r.complaints || ' 件，为前三个月平均的 ' || round(r.complaints / r.prev3, 1) || ' 倍',
        n.name_en || ': ' || r.complaints || ' complaints this month, ' || round(r.complaints / r.prev3, 1)
            || '× the previous 3-month average'
    from (
        select *, avg(complaints) over (partition by scope_code order by month rows between 3 preceding and 1 preceding)
            as prev3
        from mart_complaint_rate_monthly
    ) r
    join names n using (scope_code)
    cross join settings s
    where r.scope_code <> s.city_code and r.prev3 > 0
      and r.complaints >= s.spike_ratio * r.prev3 and r.complaints >= s.spike_min_complaints
),
overdue as (
    select r.month, r.scope_code, 'overdue_rectification',
        case when r.max_days_overdue > s.overdue_alert_days then 'high' else 'medium' end,
        r.overdue_items::double, null,
        n.name_zh || ' 逾期未销号整改事项 ' || r.overdue_items || ' 项，最长逾期 ' || r.max_days_overdue || ' 天',
        n.name_en || ': ' || r.overdue_items || ' rectification items overdue, longest ' || r.max_days_overdue || ' days'
    from mart_rectification_monthly r
    join names n using (scope_code)
    cross join settings s
    where r.source = '全部' and r.overdue_items > 0 and r.scope_code <> s.city_code
),
missed as (
    -- reported in every month of the following quarter
    select m.month, i.scope_code, 'missed_inspection', 'high', 0.0, null,
        n.name_zh || ' ' || i.quarter || ' 未开展双随机检查',
        n.name_en || ': no spot-inspection round in ' || i.quarter
    from mart_inspection_quarterly i
    join names n using (scope_code)
    cross join settings s
    join core_months m on m.month > i.quarter_end and m.month <= last_day(i.quarter_end + interval 3 month)
    where i.quarter_complete and i.rounds = 0 and i.scope_code <> s.city_code
),
all_alerts as (
    select * from targets
    union all select * from spikes
    union all select * from overdue
    union all select * from missed
)
select *,
    -- target alerts by their gap, then the others by their size (overdue items, complaints)
    row_number() over (partition by month order by severity = 'high' desc, shortfall desc nulls last,
                       kind, value desc, scope_code, message_zh) as sort_order
from all_alerts
